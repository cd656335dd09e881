package chunk

import (
	"fmt"
	"slices"

	"github.com/tesseradata/tessera/graph"
	"github.com/tesseradata/tessera/ndarray"
)

// Reduce returns the lazy reduction op of a over axes (all when none;
// negative axes count from the end), with ndarray's options and result
// types.
//
// It builds two layers. The first folds each block of a into a fresh
// ndarray.Partial the moment the block exists (the read, decode and
// elementwise steps before it fuse into the same task, so a decoded block
// never outlives its task); a partial covers one output block and is as
// small as that. The second is a fold per output block that combines the
// partials of the blocks along the reduced axes in their fixed row-major
// order and finalises: the result is bit-for-bit the same for any number
// of workers and any completion order. When a is Decode(src, codec) the
// partials are the codec's, folding src's raw stored values exactly.
func Reduce(op ndarray.Op, a *Array, opts ndarray.ReduceOptions, axes ...int) (*Array, error) {
	nd := len(a.shape)
	reduced := make([]bool, nd)
	if len(axes) == 0 {
		for i := range reduced {
			reduced[i] = true
		}
	}
	norm := make([]int, 0, nd)
	for _, ax := range axes {
		i := ax
		if i < 0 {
			i += nd
		}
		if i < 0 || i >= nd || reduced[i] {
			return nil, fmt.Errorf("chunk: %s over axes %v of %s%v: %w", op, axes, a.dtype, a.shape, ndarray.ErrAxis)
		}
		reduced[i] = true
	}
	for i, r := range reduced {
		if r {
			norm = append(norm, i)
		}
	}

	src, codec := a, (*ndarray.Codec)(nil)
	if a.decoded != nil && op != ndarray.Any && op != ndarray.All {
		src, codec = a.decoded.src, a.decoded.codec
	}
	newPartial := func(region []int) (*ndarray.Partial, error) {
		if codec != nil {
			return codec.NewPartial(op, region, norm, opts)
		}
		return ndarray.NewPartial(op, src.dtype, region, norm, opts)
	}
	// Probe the result type and options once, so errors surface now and
	// not in the middle of a run.
	probe, err := newPartial(make([]int, nd))
	if err != nil {
		return nil, fmt.Errorf("chunk: %w", err)
	}
	zero, err := probe.Result()
	if err != nil && op != ndarray.Min && op != ndarray.Max && op != ndarray.ArgMin && op != ndarray.ArgMax {
		return nil, fmt.Errorf("chunk: %w", err)
	}
	dt := resultDType(op, src.dtype, codec, opts)
	if zero != nil {
		dt = zero.DType()
	}

	// Output chunks: kept axes keep theirs; reduced axes vanish, or keep
	// one block of length 1 with KeepDims. The region of an output block
	// is its kept extent times the full reduced extent.
	var out Chunks
	outAxis := make([]int, nd) // output axis of each input axis, -1 if none
	for i := range nd {
		switch {
		case !reduced[i]:
			outAxis[i] = len(out)
			out = append(out, slices.Clone(src.chunks[i]))
		case opts.KeepDims:
			outAxis[i] = len(out)
			out = append(out, []int{1})
		default:
			outAxis[i] = -1
		}
	}
	if out == nil {
		out = Chunks{}
	}
	inChunks := src.chunks
	inLay := newLayout(inChunks)
	regionOf := func(inBlock []int) (region, origin []int) {
		start, shape := inLay.block(inBlock)
		region = make([]int, nd)
		origin = make([]int, nd)
		for i := range nd {
			if reduced[i] {
				region[i] = src.shape[i]
				origin[i] = start[i]
			} else {
				region[i] = shape[i]
			}
		}
		return region, origin
	}
	cells := func(inBlock []int) int64 {
		_, shape := inLay.block(inBlock)
		n := int64(1)
		for i, r := range reduced {
			if !r {
				n *= int64(shape[i])
			}
		}
		return n
	}
	name := op.String()
	if codec != nil && src.raw != nil && src.dtype == codec.Stored {
		return reduceRaw(op, src, codec, norm, opts, out, outAxis, reduced, regionOf, cells, dt), nil
	}
	partials := graph.NewLayer(graph.Spec{
		Op: fmt.Sprintf("partial:%s:%v:%+v:%v", op, norm, opts, codec), Name: "partial-" + name,
		Kind: graph.Compute, Grid: inChunks.Grid(), Inputs: []*graph.Layer{src.layer},
		Func: func(b []int) graph.TaskFunc {
			region, origin := regionOf(b)
			return func(_ *graph.Exec, in []any) (any, error) {
				p, err := newPartial(region)
				if err != nil {
					return nil, err
				}
				x, err := asArray(in[0])
				if err != nil {
					return nil, err
				}
				if err := p.Accumulate(x, origin...); err != nil {
					return nil, err
				}
				return p, nil
			}
		},
		// A partial holds a few 8-byte values per output cell.
		Bytes: func(b []int) int64 { return 4 * 8 * cells(b) },
	})

	return foldPartials(op, partials, inChunks, out, outAxis, reduced, dt), nil
}

// blockCells is the number of elements of block o of c.
func blockCells(c Chunks, o []int) int {
	n := 1
	for ax, i := range o {
		n *= c[ax][i]
	}
	return n
}

// resultDType is the dtype of a reduction when no probe value exists
// (integer min and max of nothing have none).
func resultDType(op ndarray.Op, in ndarray.DType, c *ndarray.Codec, opts ndarray.ReduceOptions) ndarray.DType {
	switch {
	case op == ndarray.ArgMin || op == ndarray.ArgMax:
		return ndarray.Int64
	case c != nil && c.Decoded != 0:
		return c.Decoded
	case opts.MinCount > 0 && !in.IsFloat():
		return ndarray.Float64
	}
	return in
}

// foldPartials returns the array of the folds of a layer of partials, one
// per output block, each over the partials of the input blocks along the
// reduced axes in row-major order.
func foldPartials(op ndarray.Op, partials *graph.Layer, inChunks, out Chunks, outAxis []int, reduced []bool, dt ndarray.DType) *Array {
	nd := len(reduced)
	name := op.String()
	inGrid := inChunks.Grid()
	outGrid := out.Grid()
	fold := graph.NewFold(graph.FoldSpec{
		Spec: graph.Spec{
			Op: "fold", Name: name, Grid: outGrid, Inputs: []*graph.Layer{partials},
			// Output block o needs every input block whose kept indices
			// are o's, in row-major order over the reduced axes.
			Deps: func(o []int, dst []graph.Ref) []graph.Ref {
				b := make([]int, nd)
				for i := range nd {
					if !reduced[i] {
						b[i] = o[outAxis[i]]
					}
				}
				for {
					dst = append(dst, graph.Ref{Input: 0, Block: graph.FlatIndex(inGrid, b)})
					i := nd - 1
					for ; i >= 0; i-- {
						if !reduced[i] {
							continue
						}
						b[i]++
						if b[i] < inGrid[i] {
							break
						}
						b[i] = 0
					}
					if i < 0 {
						return dst
					}
				}
			},
			Bytes: func(o []int) int64 { return 4 * 8 * int64(max(1, blockCells(out, o))) },
		},
		Fold: graph.Fold{
			Init: func([]int) (any, error) { return nil, nil },
			Step: func(_ *graph.Exec, acc, in any) (any, error) {
				if acc == nil {
					return in, nil // the fold owns the first partial
				}
				q := in.(*ndarray.Partial)
				if err := acc.(*ndarray.Partial).Combine(q); err != nil {
					return nil, err
				}
				q.Release() // this fold is its only consumer
				return acc, nil
			},
			Finish: func(_ *graph.Exec, acc any) (any, error) {
				p := acc.(*ndarray.Partial)
				r, err := p.Result()
				p.Release()
				return r, err
			},
		},
	})
	return &Array{dtype: dt, shape: out.shape(), chunks: out, layer: fold}
}

// reduceRaw is Reduce of Decode(src, codec) for a source read as raw
// bytes: each partial task reads its block itself and folds the stored
// bytes into the codec's partial while the reader holds them (mapped from
// the page cache by io/netcdf), so no block is ever copied, decoded or
// held. The source's blocks are not cached on this path: reading them
// again costs what a cache lookup would.
func reduceRaw(op ndarray.Op, src *Array, codec *ndarray.Codec, norm []int, opts ndarray.ReduceOptions,
	out Chunks, outAxis []int, reduced []bool,
	regionOf func([]int) ([]int, []int), cells func([]int) int64, dt ndarray.DType) *Array {
	raw := src.raw
	rawCodec := *codec
	rawCodec.Order = raw.order // the stored bytes' order
	partials := graph.NewLayer(graph.Spec{
		// No inputs: the source's identity goes into the operation's.
		Op:   fmt.Sprintf("partial-raw:%s:%s:%v:%+v:%v", src.layer.ID(), op, norm, opts, codec),
		Name: "read-partial-" + op.String(), Kind: graph.Root, Grid: src.chunks.Grid(),
		Func: func(b []int) graph.TaskFunc {
			region, origin := regionOf(b)
			b = slices.Clone(b)
			return func(x *graph.Exec, _ []any) (any, error) {
				p, err := rawCodec.NewPartial(op, region, norm, opts)
				if err != nil {
					return nil, err
				}
				at := make([]int, len(origin))
				err = raw.read(x, b, func(bytes []byte, o, sub []int) error {
					for i := range at {
						at[i] = origin[i] + o[i]
					}
					return p.AccumulateBytes(bytes, sub, at...)
				})
				if err != nil {
					return nil, err
				}
				return p, nil
			}
		},
		Bytes: func(b []int) int64 { return blockBytes(src.dtype, src.chunks, b) + 4*8*cells(b) },
	})
	return foldPartials(op, partials, src.chunks, out, outAxis, reduced, dt)
}
