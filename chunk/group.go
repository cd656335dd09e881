package chunk

import (
	"fmt"
	"math"
	"slices"

	"github.com/tesseradata/tessera/graph"
	"github.com/tesseradata/tessera/ndarray"
)

// Strategy is how GroupReduce lays out its graph; see GroupReduce.
type Strategy uint8

// The strategies.
const (
	// AutoStrategy picks Blockwise when every group lies within one block along
	// the axis, Cohorts otherwise.
	AutoStrategy Strategy = iota
	// Blockwise reduces each group inside the one block holding it.
	Blockwise
	// Cohorts folds together the groups that occur in the same blocks
	// (seasons over years, months over years): one fold per cohort.
	Cohorts
	// MapReduce folds every group in one fold over all the blocks (best
	// when most groups occur in most blocks: day of year over yearly
	// blocks).
	MapReduce
)

// String returns the strategy's name, as ParseStrategy takes it.
func (s Strategy) String() string {
	return [...]string{"auto", "blockwise", "cohorts", "map-reduce"}[s]
}

// ParseStrategy returns the Strategy named s.
func ParseStrategy(s string) (Strategy, error) {
	for st := AutoStrategy; st <= MapReduce; st++ {
		if st.String() == s {
			return st, nil
		}
	}
	return 0, fmt.Errorf("chunk: unknown strategy %q (auto, blockwise, cohorts or map-reduce)", s)
}

// Groups describes a grouping of the positions along an axis: Codes[p] is
// the group of position p (0 <= code < N), or -1 for a position in no
// group.
type Groups struct {
	Codes []int
	N     int
}

// groupRun is a range [lo, hi) of positions along the axis, within one block,
// all in group g; rank is the rank of lo among the members of g, and slot
// the index of g among the groups of the block (groupLayout.inBlock), so
// that the block's tasks find the group's partial without a lookup.
type groupRun struct {
	g, lo, hi, rank, slot int
}

// groupLayout is what the layers of a grouped reduction need to know
// about the groups and the blocks along the axis.
type groupLayout struct {
	count   []int        // members per group
	runs    [][]groupRun // per block along the axis, in position order
	blocks  [][]int      // per group: the blocks along the axis holding it
	cohorts [][]int      // groups per cohort
	cohort  []int        // cohort of each group
	inBlock [][]int      // per block: the groups it holds, ascending
}

// newGroupLayout lays the groups g out over the blocks of lengths chunks
// along the axis, checks the codes, and resolves AutoStrategy.
func newGroupLayout(g Groups, chunks []int, strategy Strategy) (*groupLayout, Strategy, error) {
	l := &groupLayout{count: make([]int, g.N), blocks: make([][]int, g.N)}
	off := 0
	for b, n := range chunks {
		var rs []groupRun
		var in []int
		for p := off; p < off+n; p++ {
			c := g.Codes[p]
			if c < -1 || c >= g.N {
				return nil, 0, fmt.Errorf("chunk: group code %d at position %d outside [-1, %d)", c, p, g.N)
			}
			if c < 0 {
				continue
			}
			if k := len(rs) - 1; k >= 0 && rs[k].g == c && rs[k].hi == p {
				rs[k].hi++
			} else {
				rs = append(rs, groupRun{g: c, lo: p, hi: p + 1, rank: l.count[c]})
			}
			l.count[c]++
			if bs := l.blocks[c]; len(bs) == 0 || bs[len(bs)-1] != b { // first in this block
				in = append(in, c)
				l.blocks[c] = append(bs, b)
			}
		}
		slices.Sort(in)
		for k := range rs {
			rs[k].slot, _ = slices.BinarySearch(in, rs[k].g)
		}
		l.runs = append(l.runs, rs)
		l.inBlock = append(l.inBlock, in)
		off += n
	}
	if strategy == AutoStrategy {
		strategy = Blockwise
		for _, bs := range l.blocks {
			if len(bs) > 1 {
				strategy = Cohorts
			}
		}
	}
	if strategy == Blockwise {
		for c, bs := range l.blocks {
			if len(bs) > 1 {
				return nil, 0, fmt.Errorf("chunk: blockwise grouping: group %d spans %d blocks (use cohorts or map-reduce, or rechunk)", c, len(bs))
			}
		}
	}
	// Cohorts: groups with the same blocks. Map-reduce: one cohort.
	l.cohort = make([]int, g.N)
	key := map[string]int{}
	for c := range g.N {
		k := ""
		if strategy != MapReduce {
			k = fmt.Sprint(l.blocks[c])
		}
		id, ok := key[k]
		if !ok {
			id = len(l.cohorts)
			key[k] = id
			l.cohorts = append(l.cohorts, nil)
		}
		l.cohort[c] = id
		l.cohorts[id] = append(l.cohorts[id], c)
	}
	return l, strategy, nil
}

// cohortBlocks returns the blocks along the axis holding any group of
// cohort k, ascending.
func (l *groupLayout) cohortBlocks(k int) []int {
	var bs []int
	for _, c := range l.cohorts[k] {
		bs = append(bs, l.blocks[c]...)
	}
	slices.Sort(bs)
	return slices.Compact(bs)
}

// bundle is the partials of the groups one block holds.
type bundle struct {
	groups []int
	parts  []*ndarray.Partial
}

// Nbytes is the memory the bundle's partials hold.
func (b *bundle) Nbytes() int {
	n := 0
	for _, p := range b.parts {
		if p != nil {
			n += p.Nbytes()
		}
	}
	return n
}

// GroupReduce returns the reduction op of a over axis within each group
// of g: the result has axis replaced by one position per group, in group
// order (a group without members is all missing, or an error for integer
// min and max). Positions in no group are ignored.
//
// It is the one-pass grouped reduction (flox's map-reduce, computed as a
// stream): one task per block folds each of the block's steps into the
// partial aggregate of its group, so the graph has one task per block,
// not one per block and group; then the partials of each group are
// combined in the fixed order of the blocks (bit-identical for any number
// of workers, and independent of the chunking within rounding). Each
// result block depends only on the blocks holding its group (under
// Blockwise and Cohorts; MapReduce's one fold reads every block), so
// selecting groups of the result prunes reads. The strategy sets how the
// combining folds are laid out (see Strategy); AutoStrategy picks from the
// layout. When a is Decode(raw source, codec) and axis is 0, the blocks
// are folded from their stored bytes without being decoded.
func GroupReduce(op ndarray.Op, a *Array, axis int, g Groups, opts ndarray.ReduceOptions, strategy Strategy) (*Array, error) {
	nd := len(a.shape)
	if axis < 0 || axis >= nd {
		return nil, fmt.Errorf("chunk: group %s: axis %d for %d-dimensional array: %w", op, axis, nd, ndarray.ErrAxis)
	}
	if len(g.Codes) != a.shape[axis] {
		return nil, fmt.Errorf("chunk: group %s: %d group codes for axis %d of length %d: %w", op, len(g.Codes), axis, a.shape[axis], ndarray.ErrShape)
	}
	if g.N < 1 {
		return nil, fmt.Errorf("chunk: group %s: no groups", op)
	}
	if opts.KeepDims {
		return nil, fmt.Errorf("chunk: group %s: KeepDims does not apply to grouped reductions", op)
	}
	src, codec := a, (*ndarray.Codec)(nil)
	if a.decoded != nil && op != ndarray.Any && op != ndarray.All {
		src, codec = a.decoded.src, a.decoded.codec
	}
	lay, strategy, err := newGroupLayout(g, src.chunks[axis], strategy)
	if err != nil {
		return nil, err
	}
	newPartial := func(region []int) (*ndarray.Partial, error) {
		if codec != nil {
			return codec.NewPartial(op, region, []int{axis}, opts)
		}
		return ndarray.NewPartial(op, src.dtype, region, []int{axis}, opts)
	}
	probe, err := newPartial(make([]int, nd))
	if err != nil {
		return nil, fmt.Errorf("chunk: %w", err)
	}
	dt := resultDType(op, src.dtype, codec, opts)
	if zero, err := probe.Result(); err == nil {
		dt = zero.DType()
	}

	inLay := newLayout(src.chunks)
	inGrid := src.chunks.Grid()
	// region of group c within input block b: the block's extent on the
	// other axes, the group's members along axis.
	regionOf := func(c int, b []int) []int {
		_, shape := inLay.block(b)
		shape[axis] = lay.count[c]
		return shape
	}
	// newBundle returns the bundle of block b: a fresh partial, made by
	// newP, for each group the block holds.
	newBundle := func(b []int, newP func(region []int) (*ndarray.Partial, error)) (*bundle, error) {
		in := lay.inBlock[b[axis]]
		bd := &bundle{groups: in, parts: make([]*ndarray.Partial, len(in))}
		for i, c := range in {
			p, err := newP(regionOf(c, b))
			if err != nil {
				return nil, err
			}
			bd.parts[i] = p
		}
		return bd, nil
	}
	// groupBytes is what one group's partial holds for input block b (the
	// block's extent on the other axes, a few float64s per cell);
	// partBytes what the block's bundle holds.
	groupBytes := func(b []int) int64 {
		_, shape := inLay.block(b)
		cells := int64(1)
		for i, n := range shape {
			if i != axis {
				cells *= int64(n)
			}
		}
		return 4 * 8 * cells
	}
	partBytes := func(b []int) int64 {
		return groupBytes(b) * int64(max(1, len(lay.inBlock[b[axis]])))
	}

	var maps *graph.Layer
	name := "group-" + op.String()
	if codec != nil && src.raw != nil && src.dtype == codec.Stored && axis == 0 {
		// Read the stored bytes piece by piece and fold each run of
		// steps into its group's partial.
		raw := src.raw
		rawCodec := *codec
		rawCodec.Order = raw.order // the stored bytes' order
		newRawPartial := func(region []int) (*ndarray.Partial, error) {
			return rawCodec.NewPartial(op, region, []int{0}, opts)
		}
		maps = graph.NewLayer(graph.Spec{
			Op:   fmt.Sprintf("group-raw:%s:%s:%d:%v:%+v:%v:%s", src.layer.ID(), op, axis, g, opts, codec, strategy),
			Name: "read-" + name, Kind: graph.Root, Grid: inGrid,
			Func: func(b []int) graph.TaskFunc {
				b = slices.Clone(b)
				start, _ := inLay.block(b)
				runs := lay.runs[b[0]]
				return func(x *graph.Exec, _ []any) (any, error) {
					bd, err := newBundle(b, newRawPartial)
					if err != nil {
						return nil, err
					}
					at := make([]int, nd)
					piece := make([]int, nd)
					err = raw.read(x, b, func(bytes []byte, o, sub []int) error {
						if sub[0] == 0 {
							return nil // no step
						}
						// The piece covers steps [lo, hi) of the block (and
						// all of the other axes when whole rows are read).
						lo := start[0] + o[0]
						hi := lo + sub[0]
						per := len(bytes) / sub[0] // bytes per step
						copy(piece, sub)
						copy(at, o)
						for _, r := range runs {
							s, e := max(r.lo, lo), min(r.hi, hi)
							if s >= e {
								continue
							}
							piece[0] = e - s
							at[0] = r.rank + s - r.lo
							if err := bd.parts[r.slot].AccumulateBytes(bytes[(s-lo)*per:(e-lo)*per], piece, at...); err != nil {
								return err
							}
						}
						return nil
					})
					if err != nil {
						return nil, err
					}
					return bd, nil
				}
			},
			Bytes: func(b []int) int64 { return partBytes(b) + pieceEstimate },
		})
	} else {
		maps = graph.NewLayer(graph.Spec{
			Op:   fmt.Sprintf("group-map:%s:%d:%v:%+v:%v:%s", op, axis, g, opts, codec, strategy),
			Name: name, Kind: graph.Compute, Grid: inGrid, Inputs: []*graph.Layer{src.layer},
			Func: func(b []int) graph.TaskFunc {
				b = slices.Clone(b)
				start, _ := inLay.block(b)
				runs := lay.runs[b[axis]]
				return func(_ *graph.Exec, in []any) (any, error) {
					x, err := asArray(in[0])
					if err != nil {
						return nil, err
					}
					bd, err := newBundle(b, newPartial)
					if err != nil {
						return nil, err
					}
					at := make([]int, nd)
					ranges := make([]ndarray.Range, nd)
					for i := range ranges {
						ranges[i] = ndarray.Whole
					}
					for _, r := range runs {
						ranges[axis] = ndarray.Range{Start: r.lo - start[axis], Stop: r.hi - start[axis], Step: 1}
						v, err := x.Slice(ranges...)
						if err != nil {
							return nil, err
						}
						at[axis] = r.rank
						if err := bd.parts[r.slot].Accumulate(v, at...); err != nil {
							return nil, err
						}
					}
					return bd, nil
				}
			},
			Bytes: partBytes,
		})
	}

	// The folds: one per cohort and block of the other axes, over the
	// bundles of the blocks along axis holding the cohort's groups.
	foldGrid := slices.Clone(inGrid)
	foldGrid[axis] = len(lay.cohorts)
	folds := graph.NewFold(graph.FoldSpec{
		Spec: graph.Spec{
			Op: fmt.Sprintf("group-fold:%s:%d", strategy, axis), Name: name + "-fold", Grid: foldGrid,
			Inputs: []*graph.Layer{maps},
			Deps: func(o []int, dst []graph.Ref) []graph.Ref {
				b := slices.Clone(o)
				for _, blk := range lay.cohortBlocks(o[axis]) {
					b[axis] = blk
					dst = append(dst, graph.Ref{Input: 0, Block: graph.FlatIndex(inGrid, b)})
				}
				return dst
			},
			Bytes: func(o []int) int64 {
				b := slices.Clone(o)
				b[axis] = 0
				return groupBytes(b) * int64(len(lay.cohorts[o[axis]]))
			},
		},
		Fold: graph.Fold{
			Init: func(o []int) (any, error) {
				return &cohortAcc{k: o[axis], parts: map[int]*ndarray.Partial{}}, nil
			},
			Step: func(_ *graph.Exec, acc, in any) (any, error) {
				ca, bd := acc.(*cohortAcc), in.(*bundle)
				for i, c := range bd.groups {
					if lay.cohort[c] != ca.k {
						continue // another cohort's group in the same block
					}
					// Each group's partials reach only its cohort's fold,
					// so the fold may take the first and combine into it.
					if q, ok := ca.parts[c]; ok {
						if err := q.Combine(bd.parts[i]); err != nil {
							return nil, err
						}
						bd.parts[i].Release()
					} else {
						ca.parts[c] = bd.parts[i]
					}
				}
				return ca, nil
			},
		},
	})

	// The result: one block per group along axis, each the finalised
	// partial of its group in its cohort's fold.
	outC := src.chunks.Clone()
	outC[axis] = slices.Repeat([]int{1}, g.N)
	outGrid := outC.Grid()
	out := graph.NewLayer(graph.Spec{
		Op: fmt.Sprintf("group-result:%d", axis), Name: name + "-result", Kind: graph.Compute, Grid: outGrid,
		Inputs: []*graph.Layer{folds},
		Deps: func(o []int, dst []graph.Ref) []graph.Ref {
			f := slices.Clone(o)
			f[axis] = lay.cohort[o[axis]]
			return append(dst, graph.Ref{Input: 0, Block: graph.FlatIndex(foldGrid, f)})
		},
		Func: func(o []int) graph.TaskFunc {
			o = slices.Clone(o)
			return func(_ *graph.Exec, in []any) (any, error) {
				c := o[axis]
				p := in[0].(*cohortAcc).parts[c]
				if p == nil {
					// No member of the group: reduce nothing.
					b := slices.Clone(o)
					b[axis] = 0
					region := regionOf(c, b)
					var err error
					if p, err = newPartial(region); err != nil {
						return nil, err
					}
				}
				r, err := p.Result()
				p.Release() // the group's only result task
				if err != nil {
					return nil, fmt.Errorf("group %d: %w", c, err)
				}
				if r.DType() != dt {
					if r, err = r.Astype(dt); err != nil {
						return nil, err
					}
				}
				return r.ExpandDims(axis)
			}
		},
		Bytes: func(o []int) int64 { return blockBytes(dt, outC, o) },
	})
	return &Array{dtype: dt, shape: outC.shape(), chunks: outC, layer: out}, nil
}

// pieceEstimate is what a raw reader holds while it reads a piece.
const pieceEstimate = 1 << 20

// cohortAcc is the accumulator of a cohort's fold: the combined partial of
// each of its groups seen so far.
type cohortAcc struct {
	k     int
	parts map[int]*ndarray.Partial
}

// GroupApply returns x op y where y is indexed by group along axis: the
// value at position p of x is combined with position g.Codes[p] of y
// (anomalies: x - climatology[season of each step]). y has x's number of
// dimensions, g.N positions along axis, and along every other axis x's
// length or 1 (broadcast). Positions in no group are missing (NaN) in the
// result, whose dtype is that of op on the two dtypes, made floating if
// some positions are in no group.
//
// Each block of the result depends on its block of x and on the blocks of
// y holding the groups that block contains: one task per block of x, not
// one per block and group.
func GroupApply(op ndarray.BinaryOp, x *Array, axis int, g Groups, y *Array) (*Array, error) {
	nd := len(x.shape)
	if axis < 0 || axis >= nd || len(y.shape) != nd {
		return nil, fmt.Errorf("chunk: group %s: axis %d of %s%v with %s%v: %w", op, axis, x.dtype, x.shape, y.dtype, y.shape, ndarray.ErrAxis)
	}
	if len(g.Codes) != x.shape[axis] || y.shape[axis] != g.N {
		return nil, fmt.Errorf("chunk: group %s: %d codes and %d groups for axis %d of lengths %d and %d: %w", op, len(g.Codes), g.N, axis, x.shape[axis], y.shape[axis], ndarray.ErrShape)
	}
	for i := range nd {
		if i != axis && y.shape[i] != x.shape[i] && y.shape[i] != 1 {
			return nil, fmt.Errorf("chunk: group %s: %s%v does not broadcast against %s%v along axis %d: %w", op, y.dtype, y.shape, x.dtype, x.shape, i, ndarray.ErrShape)
		}
	}
	partial := false
	for _, c := range g.Codes {
		if c < -1 || c >= g.N {
			return nil, fmt.Errorf("chunk: group code %d outside [-1, %d)", c, g.N)
		}
		partial = partial || c < 0
	}
	f := func(in ...*ndarray.Array) (*ndarray.Array, error) { return ndarray.Binary(op, in[0], in[1]) }
	dt, err := resultType(f, x.dtype, y.dtype)
	if err != nil {
		return nil, fmt.Errorf("chunk: group %s: %w", op, err)
	}
	if partial && !dt.IsFloat() {
		dt = ndarray.Float64
	}
	// Each run is computed straight into the result block unless the
	// result was made floating for positions in no group.
	opType, err := ndarray.BinaryType(op, x.dtype, y.dtype)
	if err != nil {
		return nil, fmt.Errorf("chunk: group %s: %w", op, err)
	}
	direct := opType == dt
	// y with x's chunks on the other axes (broadcast axes keep theirs).
	want := y.chunks.Clone()
	for i := range nd {
		if i != axis && y.shape[i] == x.shape[i] {
			want[i] = x.chunks[i]
		}
	}
	if y, err = y.Rechunk(want); err != nil {
		return nil, err
	}
	xLay := newLayout(x.chunks)
	yGrid, xGrid := y.chunks.Grid(), x.chunks.Grid()
	// locate(yOff, c) is the block of y along axis holding group c, and
	// c's offset in it.
	yOff := y.chunks.Offsets(axis)
	lay, _, err := newGroupLayout(g, x.chunks[axis], MapReduce)
	if err != nil {
		return nil, err
	}
	// The y blocks (along axis) a block of x needs, ascending.
	need := func(bx int) []int {
		var bs []int
		for _, c := range lay.inBlock[bx] {
			b, _ := locate(yOff, c)
			bs = append(bs, b)
		}
		slices.Sort(bs)
		return slices.Compact(bs)
	}
	layer := graph.NewLayer(graph.Spec{
		Op: fmt.Sprintf("group-apply:%s:%d:%v:%s", op, axis, g, dt), Name: "group-" + op.String(), Kind: graph.Compute,
		Grid: xGrid, Inputs: []*graph.Layer{x.layer, y.layer},
		Deps: func(o []int, dst []graph.Ref) []graph.Ref {
			dst = append(dst, graph.Ref{Input: 0, Block: graph.FlatIndex(xGrid, o)})
			b := make([]int, nd)
			for i := range nd {
				if yGrid[i] > 1 {
					b[i] = o[i]
				}
			}
			for _, yb := range need(o[axis]) {
				b[axis] = yb
				dst = append(dst, graph.Ref{Input: 1, Block: graph.FlatIndex(yGrid, b)})
			}
			return dst
		},
		Func: func(o []int) graph.TaskFunc {
			o = slices.Clone(o)
			start, shape := xLay.block(o)
			ybs := need(o[axis])
			return func(_ *graph.Exec, in []any) (any, error) {
				xb, err := asArray(in[0])
				if err != nil {
					return nil, err
				}
				yv := map[int]*ndarray.Array{}
				for i, yb := range ybs {
					if yv[yb], err = asArray(in[1+i]); err != nil {
						return nil, err
					}
				}
				out := ndarray.Zeros(dt, shape...)
				xr := make([]ndarray.Range, nd)
				yr := make([]ndarray.Range, nd)
				for i := range nd {
					xr[i], yr[i] = ndarray.Whole, ndarray.Whole
				}
				// Positions in no group are missing: fill the gaps between
				// the runs (the runs are in position order).
				gap := func(lo, hi int) error {
					if lo >= hi || !dt.IsFloat() {
						return nil
					}
					xr[axis] = ndarray.Range{Start: lo, Stop: hi, Step: 1}
					d, err := out.Slice(xr...)
					if err != nil {
						return err
					}
					return d.SetFrom(ndarray.Full(dt, math.NaN()))
				}
				next := 0
				for _, r := range lay.runs[o[axis]] {
					lo, hi := r.lo-start[axis], r.hi-start[axis]
					if err := gap(next, lo); err != nil {
						return nil, err
					}
					next = hi
					xr[axis] = ndarray.Range{Start: lo, Stop: hi, Step: 1}
					yb, w := locate(yOff, r.g)
					yr[axis] = ndarray.Range{Start: w, Stop: w + 1, Step: 1}
					xs, err1 := xb.Slice(xr...)
					ys, err2 := yv[yb].Slice(yr...)
					d, err3 := out.Slice(xr...)
					if err := firstErr(firstErr(err1, err2), err3); err != nil {
						return nil, err
					}
					if direct {
						if err := ndarray.BinaryInto(op, d, xs, ys); err != nil {
							return nil, err
						}
						continue
					}
					v, err := ndarray.Binary(op, xs, ys)
					if err == nil {
						v, err = v.Astype(dt)
					}
					if err == nil {
						err = d.SetFrom(v)
					}
					if err != nil {
						return nil, err
					}
				}
				if err := gap(next, shape[axis]); err != nil {
					return nil, err
				}
				return out, nil
			}
		},
		Bytes: func(o []int) int64 { return 2 * blockBytes(dt, x.chunks, o) },
	})
	return &Array{dtype: dt, shape: slices.Clone(x.shape), chunks: x.chunks.Clone(), layer: layer}, nil
}
