package chunk

import (
	"fmt"
	"slices"

	"github.com/tesseradata/tessera/graph"
	"github.com/tesseradata/tessera/ndarray"
)

// segment is a run of output positions along one axis that all come from
// one input block: count positions starting at start (within the input
// block) with the given step, or the listed positions idx (for Take).
type segment struct {
	block, start, count, step int
	idx                       []int
}

// selectLayer builds an array whose chunks along each axis are the
// segments of that axis, each output block taken from exactly one input
// block (so selection touches only the blocks it needs: the rest are
// culled).
func selectLayer(op, name string, a *Array, segs [][]segment) *Array {
	nd := len(a.shape)
	out := make(Chunks, nd)
	for ax, ss := range segs {
		for _, s := range ss {
			out[ax] = append(out[ax], s.count)
		}
		if len(ss) == 0 {
			out[ax] = []int{0}
		}
	}
	inGrid := a.chunks.Grid()
	dt := a.dtype
	empty := false
	for _, ss := range segs {
		if len(ss) == 0 {
			empty = true
		}
	}
	if empty {
		// A selection with no element: empty blocks, no input.
		lay := newLayout(out)
		layer := graph.NewLayer(graph.Spec{
			Op: op + ":empty", Name: name, Kind: graph.Root, Grid: out.Grid(),
			Func: func(b []int) graph.TaskFunc {
				_, shape := lay.block(b)
				return func(*graph.Exec, []any) (any, error) { return ndarray.Zeros(dt, shape...), nil }
			},
		})
		return &Array{dtype: dt, shape: out.shape(), chunks: out, layer: layer}
	}
	layer := graph.NewLayer(graph.Spec{
		Op: op, Name: name, Kind: graph.Compute, Grid: out.Grid(), Inputs: []*graph.Layer{a.layer},
		Deps: func(o []int, dst []graph.Ref) []graph.Ref {
			b := make([]int, nd)
			for ax := range nd {
				b[ax] = segs[ax][o[ax]].block
			}
			return append(dst, graph.Ref{Input: 0, Block: graph.FlatIndex(inGrid, b)})
		},
		Func: func(o []int) graph.TaskFunc {
			o = slices.Clone(o)
			return func(_ *graph.Exec, in []any) (any, error) {
				v, err := asArray(in[0])
				if err != nil {
					return nil, err
				}
				ranges := make([]ndarray.Range, nd)
				var takes []int
				for ax := range nd {
					s := segs[ax][o[ax]]
					if s.idx != nil {
						// All of the block, then the Take unless it
						// keeps the block whole and in order.
						if !identity(s.idx, v.Shape()[ax]) {
							takes = append(takes, ax)
						}
						ranges[ax] = ndarray.Whole
						continue
					}
					stop := s.start + s.count*s.step
					if s.step < 0 && stop < 0 {
						stop = -1
					}
					ranges[ax] = ndarray.Range{Start: s.start, Stop: stop, Step: s.step}
				}
				if v, err = v.Slice(ranges...); err != nil {
					return nil, err
				}
				for _, ax := range takes {
					if v, err = v.Take(ax, segs[ax][o[ax]].idx); err != nil {
						return nil, err
					}
				}
				return v, nil
			}
		},
		Bytes: func(o []int) int64 { return blockBytes(dt, out, o) },
	})
	return &Array{dtype: dt, shape: out.shape(), chunks: out, layer: layer}
}

// identity reports whether idx lists 0, 1, ..., n-1: a Take of the whole
// axis in order, which the selection does as a view instead of a copy.
func identity(idx []int, n int) bool {
	if len(idx) != n {
		return false
	}
	for i, j := range idx {
		if i != j {
			return false
		}
	}
	return true
}

// locate returns the input block of a position along an axis with block
// offsets off, and the position within the block.
func locate(off []int, p int) (block, within int) {
	b, _ := slices.BinarySearch(off, p+1)
	b--
	return b, p - off[b]
}

// Slice returns the lazy view of a restricted to one ndarray.Range per
// leading axis (the others kept whole), with the Range semantics of
// ndarray.Array.Slice. Only the blocks the selection touches are read.
func (a *Array) Slice(ranges ...ndarray.Range) (*Array, error) {
	if len(ranges) > len(a.shape) {
		return nil, fmt.Errorf("chunk: slice: %d ranges for %d-dimensional array: %w", len(ranges), len(a.shape), ndarray.ErrIndex)
	}
	segs := make([][]segment, len(a.shape))
	for ax := range a.shape {
		r := ndarray.Whole
		if ax < len(ranges) {
			r = ranges[ax]
		}
		// Resolve the range with ndarray's own rules on a probe of the
		// axis length.
		probe, err := ndarray.Zeros(ndarray.Bool, a.shape[ax]).Slice(r)
		if err != nil {
			return nil, fmt.Errorf("chunk: slice axis %d of %v: %w", ax, a.shape, err)
		}
		n := probe.Dim(0)
		step := r.Step
		if step == 0 {
			step = 1
		}
		start := 0
		if n > 0 {
			start = probe.Offset()
		}
		off := a.chunks.Offsets(ax)
		for k := 0; k < n; {
			p := start + k*step
			b, w := locate(off, p)
			// How many further positions stay in block b.
			var cnt int
			if step > 0 {
				cnt = min(n-k, (off[b+1]-1-p)/step+1)
			} else {
				cnt = min(n-k, (p-off[b])/-step+1)
			}
			segs[ax] = append(segs[ax], segment{block: b, start: w, count: cnt, step: step})
			k += cnt
		}
	}
	return selectLayer(fmt.Sprintf("slice:%v", ranges), "slice", a, segs), nil
}

// Take returns the lazy selection of positions idx along axis, in that
// order (positions may repeat). Consecutive positions in the same input
// block form one output block.
func (a *Array) Take(axis int, idx []int) (*Array, error) {
	if axis < 0 || axis >= len(a.shape) {
		return nil, fmt.Errorf("chunk: take: axis %d for %d-dimensional array: %w", axis, len(a.shape), ndarray.ErrAxis)
	}
	segs := make([][]segment, len(a.shape))
	for ax := range a.shape {
		if ax == axis {
			continue
		}
		for b, n := range a.chunks[ax] {
			segs[ax] = append(segs[ax], segment{block: b, count: n, step: 1})
		}
	}
	off := a.chunks.Offsets(axis)
	for k := 0; k < len(idx); {
		p := idx[k]
		if p < 0 || p >= a.shape[axis] {
			return nil, fmt.Errorf("chunk: take %d on axis %d of length %d: %w", p, axis, a.shape[axis], ndarray.ErrIndex)
		}
		b, _ := locate(off, p)
		var local []int
		for ; k < len(idx) && idx[k] >= off[b] && idx[k] < off[b+1]; k++ {
			local = append(local, idx[k]-off[b])
		}
		segs[axis] = append(segs[axis], segment{block: b, count: len(local), idx: local})
	}
	return selectLayer(fmt.Sprintf("take:%d:%v", axis, idx), "take", a, segs), nil
}

// Compress returns the lazy selection of the positions of axis where mask
// is true.
func (a *Array) Compress(axis int, mask []bool) (*Array, error) {
	if axis < 0 || axis >= len(a.shape) {
		return nil, fmt.Errorf("chunk: compress: axis %d for %d-dimensional array: %w", axis, len(a.shape), ndarray.ErrAxis)
	}
	if len(mask) != a.shape[axis] {
		return nil, fmt.Errorf("chunk: compress: mask of length %d for axis %d of length %d: %w", len(mask), axis, a.shape[axis], ndarray.ErrShape)
	}
	var idx []int
	for i, m := range mask {
		if m {
			idx = append(idx, i)
		}
	}
	return a.Take(axis, idx)
}

// Rechunk returns a with new chunks. An output block is assembled from
// the input blocks it overlaps; a itself is returned when the chunks are
// equal.
func (a *Array) Rechunk(c Chunks) (*Array, error) {
	if err := c.Check(a.shape); err != nil {
		return nil, fmt.Errorf("chunk: rechunk %v: %w", a.shape, err)
	}
	if c.Equal(a.chunks) {
		return a, nil
	}
	c = c.Clone()
	nd := len(a.shape)
	inGrid := a.chunks.Grid()
	inOff := make([][]int, nd)
	outOff := make([][]int, nd)
	for ax := range nd {
		inOff[ax] = a.chunks.Offsets(ax)
		outOff[ax] = c.Offsets(ax)
	}
	// span returns the input blocks [lo, hi) overlapping output block o
	// along ax.
	span := func(ax, o int) (lo, hi int) {
		s, e := outOff[ax][o], outOff[ax][o+1]
		lo, _ = locate(inOff[ax], s)
		if e == s {
			return lo, lo + 1
		}
		hi, _ = locate(inOff[ax], e-1)
		return lo, hi + 1
	}
	each := func(o []int, fn func(b []int)) {
		lo := make([]int, nd)
		hi := make([]int, nd)
		for ax := range nd {
			lo[ax], hi[ax] = span(ax, o[ax])
		}
		b := slices.Clone(lo)
		for {
			fn(b)
			ax := nd - 1
			for ; ax >= 0; ax-- {
				b[ax]++
				if b[ax] < hi[ax] {
					break
				}
				b[ax] = lo[ax]
			}
			if ax < 0 {
				return
			}
		}
	}
	dt := a.dtype
	outLay, inLay := newLayout(c), newLayout(a.chunks)
	layer := graph.NewLayer(graph.Spec{
		Op: "rechunk:" + c.String(), Name: "rechunk", Kind: graph.Compute, Grid: c.Grid(),
		Inputs: []*graph.Layer{a.layer},
		Deps: func(o []int, dst []graph.Ref) []graph.Ref {
			each(o, func(b []int) { dst = append(dst, graph.Ref{Input: 0, Block: graph.FlatIndex(inGrid, b)}) })
			return dst
		},
		Func: func(o []int) graph.TaskFunc {
			o = slices.Clone(o)
			return func(_ *graph.Exec, in []any) (any, error) {
				start, shape := outLay.block(o)
				dst := ndarray.Zeros(dt, shape...)
				k := 0
				var err error
				each(o, func(b []int) {
					if err != nil {
						return
					}
					var src *ndarray.Array
					if src, err = asArray(in[k]); err != nil {
						return
					}
					k++
					bstart, bshape := inLay.block(b)
					sr := make([]ndarray.Range, nd) // overlap within src
					dr := make([]ndarray.Range, nd) // overlap within dst
					for ax := range nd {
						lo := max(start[ax], bstart[ax])
						hi := min(start[ax]+shape[ax], bstart[ax]+bshape[ax])
						sr[ax] = ndarray.Range{Start: lo - bstart[ax], Stop: hi - bstart[ax], Step: 1}
						dr[ax] = ndarray.Range{Start: lo - start[ax], Stop: hi - start[ax], Step: 1}
					}
					s, e1 := src.Slice(sr...)
					d, e2 := dst.Slice(dr...)
					if err = firstErr(e1, e2); err == nil {
						err = d.SetFrom(s)
					}
				})
				return dst, err
			}
		},
		Bytes: func(o []int) int64 { return blockBytes(dt, c, o) },
	})
	return &Array{dtype: dt, shape: slices.Clone(a.shape), chunks: c, layer: layer}, nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// Concat returns the lazy concatenation of the arrays along axis. They
// must have the same dtype and the same shape on every other axis; their
// chunks along the other axes are unified.
func Concat(axis int, arrays ...*Array) (*Array, error) {
	if len(arrays) == 0 {
		return nil, fmt.Errorf("chunk: concat: no arrays")
	}
	first := arrays[0]
	nd := len(first.shape)
	if axis < 0 || axis >= nd {
		return nil, fmt.Errorf("chunk: concat: axis %d for %d-dimensional arrays: %w", axis, nd, ndarray.ErrAxis)
	}
	common := first.chunks.Clone()
	for _, a := range arrays[1:] {
		if a.dtype != first.dtype {
			return nil, fmt.Errorf("chunk: concat of %s: dtypes differ: %w", describe(arrays), ndarray.ErrDType)
		}
		if len(a.shape) != nd {
			return nil, fmt.Errorf("chunk: concat of %s: dimensions differ: %w", describe(arrays), ndarray.ErrShape)
		}
		for ax := range nd {
			if ax == axis {
				continue
			}
			if a.shape[ax] != first.shape[ax] {
				return nil, fmt.Errorf("chunk: concat of %s along axis %d: axis %d differs: %w", describe(arrays), axis, ax, ndarray.ErrShape)
			}
			common[ax] = unify(common[ax], a.chunks[ax])
		}
	}
	ins := make([]*Array, len(arrays))
	layers := make([]*graph.Layer, len(arrays))
	out := common.Clone()
	out[axis] = nil
	type piece struct{ input, block int }
	var pieces []piece
	for k, a := range arrays {
		want := common.Clone()
		want[axis] = a.chunks[axis]
		var err error
		if ins[k], err = a.Rechunk(want); err != nil {
			return nil, err
		}
		layers[k] = ins[k].layer
		for b, n := range a.chunks[axis] {
			if n == 0 && a.shape[axis] == 0 {
				continue
			}
			out[axis] = append(out[axis], n)
			pieces = append(pieces, piece{k, b})
		}
	}
	if len(out[axis]) == 0 {
		out[axis] = []int{0}
		pieces = append(pieces, piece{0, 0})
	}
	dt := first.dtype
	// from returns the input holding output block o, and the block's
	// index in that input.
	from := func(o []int) (int, []int) {
		p := pieces[o[axis]]
		b := slices.Clone(o)
		b[axis] = p.block
		return p.input, b
	}
	// A concatenation of raw sources (not rechunked) is itself one: a
	// reduction reads its blocks through the sources' readers.
	var raw *rawSource
	allRaw := true
	for k, a := range ins {
		allRaw = allRaw && a.raw != nil && a == arrays[k] && a.raw.order == ins[0].raw.order
	}
	if allRaw {
		raw = &rawSource{order: ins[0].raw.order, read: func(x *graph.Exec, o []int, use func([]byte, []int, []int) error) error {
			k, b := from(o)
			return ins[k].raw.read(x, b, use)
		}}
	}
	layer := graph.NewLayer(graph.Spec{
		Op: fmt.Sprintf("concat:%d", axis), Name: "concat", Kind: graph.Compute, Grid: out.Grid(), Inputs: layers,
		Deps: func(o []int, dst []graph.Ref) []graph.Ref {
			k, b := from(o)
			return append(dst, graph.Ref{Input: k, Block: graph.FlatIndex(ins[k].chunks.Grid(), b)})
		},
		Func: func([]int) graph.TaskFunc {
			return func(_ *graph.Exec, in []any) (any, error) { return in[0], nil }
		},
		Bytes: func(o []int) int64 { return 0 }, // passes its input through
	})
	return &Array{dtype: dt, shape: out.shape(), chunks: out, layer: layer, raw: raw}, nil
}

// Stack returns the lazy stacking of equally shaped arrays along a new
// axis at position axis (0 <= axis <= NDim).
func Stack(axis int, arrays ...*Array) (*Array, error) {
	if len(arrays) == 0 {
		return nil, fmt.Errorf("chunk: stack: no arrays")
	}
	exp := make([]*Array, len(arrays))
	for k, a := range arrays {
		if axis < 0 || axis > len(a.shape) {
			return nil, fmt.Errorf("chunk: stack: axis %d for %d-dimensional arrays: %w", axis, len(a.shape), ndarray.ErrAxis)
		}
		if !slices.Equal(a.shape, arrays[0].shape) {
			return nil, fmt.Errorf("chunk: stack of %s: shapes differ: %w", describe(arrays), ndarray.ErrShape)
		}
		c := slices.Insert(a.chunks.Clone(), axis, []int{1})
		exp[k] = blockwiseExpand(a, axis, c)
	}
	return Concat(axis, exp...)
}

// blockwiseExpand inserts a length-1 axis into every block of a.
func blockwiseExpand(a *Array, axis int, c Chunks) *Array {
	inGrid := a.chunks.Grid()
	dt := a.dtype
	layer := graph.NewLayer(graph.Spec{
		Op: fmt.Sprintf("expand:%d", axis), Name: "expand", Kind: graph.Compute, Grid: c.Grid(),
		Inputs: []*graph.Layer{a.layer},
		Deps: func(o []int, dst []graph.Ref) []graph.Ref {
			b := slices.Delete(slices.Clone(o), axis, axis+1)
			return append(dst, graph.Ref{Input: 0, Block: graph.FlatIndex(inGrid, b)})
		},
		Func: func([]int) graph.TaskFunc {
			return func(_ *graph.Exec, in []any) (any, error) {
				a, err := asArray(in[0])
				if err != nil {
					return nil, err
				}
				return a.ExpandDims(axis)
			}
		},
	})
	return &Array{dtype: dt, shape: c.shape(), chunks: c, layer: layer}
}

// Transpose returns the lazy array with axes permuted: axis i of the
// result is axis perm[i] of a (reversed when perm is empty). Blocks are
// views of a's blocks.
func (a *Array) Transpose(perm ...int) (*Array, error) {
	nd := len(a.shape)
	if len(perm) == 0 {
		perm = make([]int, nd)
		for i := range perm {
			perm[i] = nd - 1 - i
		}
	}
	if _, err := ndarray.Zeros(ndarray.Bool, make([]int, nd)...).Transpose(perm...); err != nil {
		return nil, fmt.Errorf("chunk: transpose of %s%v: %w", a.dtype, a.shape, err)
	}
	identity := true
	for i, p := range perm {
		identity = identity && p == i
	}
	if identity {
		return a, nil
	}
	perm = slices.Clone(perm)
	c := make(Chunks, nd)
	for i, p := range perm {
		c[i] = slices.Clone(a.chunks[p])
	}
	inGrid := a.chunks.Grid()
	layer := graph.NewLayer(graph.Spec{
		Op: fmt.Sprintf("transpose:%v", perm), Name: "transpose", Kind: graph.Compute, Grid: c.Grid(),
		Inputs: []*graph.Layer{a.layer},
		Deps: func(o []int, dst []graph.Ref) []graph.Ref {
			b := make([]int, nd)
			for i, p := range perm {
				b[p] = o[i]
			}
			return append(dst, graph.Ref{Input: 0, Block: graph.FlatIndex(inGrid, b)})
		},
		Func: func([]int) graph.TaskFunc {
			return func(_ *graph.Exec, in []any) (any, error) {
				a, err := asArray(in[0])
				if err != nil {
					return nil, err
				}
				return a.Transpose(perm...)
			}
		},
	})
	return &Array{dtype: a.dtype, shape: c.shape(), chunks: c, layer: layer}, nil
}

// ExpandDims returns the lazy array with a new axis of length 1 at
// position axis (0 <= axis <= NDim).
func (a *Array) ExpandDims(axis int) (*Array, error) {
	if axis < 0 || axis > len(a.shape) {
		return nil, fmt.Errorf("chunk: expand dims: axis %d for %d-dimensional array: %w", axis, len(a.shape), ndarray.ErrAxis)
	}
	return blockwiseExpand(a, axis, slices.Insert(a.chunks.Clone(), axis, []int{1})), nil
}

// Squeeze returns the lazy array without the given axes, which must have
// length 1 (every axis of length 1 when none are given).
func (a *Array) Squeeze(axes ...int) (*Array, error) {
	drop := make([]bool, len(a.shape))
	if len(axes) == 0 {
		for i, d := range a.shape {
			drop[i] = d == 1
		}
	}
	for _, ax := range axes {
		if ax < 0 || ax >= len(a.shape) {
			return nil, fmt.Errorf("chunk: squeeze: axis %d for %d-dimensional array: %w", ax, len(a.shape), ndarray.ErrAxis)
		}
		if a.shape[ax] != 1 {
			return nil, fmt.Errorf("chunk: squeeze axis %d of length %d: %w", ax, a.shape[ax], ndarray.ErrShape)
		}
		drop[ax] = true
	}
	var keep []int
	var c Chunks
	for i := range a.shape {
		if !drop[i] {
			keep = append(keep, i)
			c = append(c, slices.Clone(a.chunks[i]))
		}
	}
	if len(keep) == len(a.shape) {
		return a, nil
	}
	if c == nil {
		c = Chunks{}
	}
	inGrid := a.chunks.Grid()
	nd := len(a.shape)
	var squeezed []int
	for i := range a.shape {
		if drop[i] {
			squeezed = append(squeezed, i)
		}
	}
	layer := graph.NewLayer(graph.Spec{
		Op: fmt.Sprintf("squeeze:%v", squeezed), Name: "squeeze", Kind: graph.Compute, Grid: c.Grid(),
		Inputs: []*graph.Layer{a.layer},
		Deps: func(o []int, dst []graph.Ref) []graph.Ref {
			b := make([]int, nd)
			for j, i := range keep {
				b[i] = o[j]
			}
			return append(dst, graph.Ref{Input: 0, Block: graph.FlatIndex(inGrid, b)})
		},
		Func: func([]int) graph.TaskFunc {
			return func(_ *graph.Exec, in []any) (any, error) {
				a, err := asArray(in[0])
				if err != nil {
					return nil, err
				}
				return a.Squeeze(squeezed...)
			}
		},
	})
	return &Array{dtype: a.dtype, shape: c.shape(), chunks: c, layer: layer}, nil
}
