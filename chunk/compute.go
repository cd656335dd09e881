package chunk

import (
	"context"
	"fmt"
	"slices"

	"github.com/tesseradata/tessera/graph"
	"github.com/tesseradata/tessera/ndarray"
	"github.com/tesseradata/tessera/scheduler"
)

// Options control a computation: the scheduler's options (workers,
// memory budget, cache, progress) and the graph's.
type Options struct {
	scheduler.Options
	// NoFuse disables task fusion (for comparisons and drawings).
	NoFuse bool
	// OnPlan, if set, receives the optimised plan before it runs (to
	// draw it, or count its tasks).
	OnPlan func(*graph.Plan)
	// OnStats, if set, receives the run's statistics after it ends.
	OnStats func(*scheduler.Stats)
}

// sink returns a fold layer over every block of a, in row-major order,
// that hands each block to use as soon as the blocks before it have been
// handed over, so that a consumer sees the blocks in order while only a
// few are held at a time.
func sink(a *Array, use func(index []int, block *ndarray.Array) error) *graph.Layer {
	grid := a.chunks.Grid()
	n := a.chunks.NumBlocks()
	return graph.NewFold(graph.FoldSpec{
		Spec: graph.Spec{
			Op: "sink:" + token(), Name: "sink", Grid: []int{1}, Inputs: []*graph.Layer{a.layer},
			Deps: func(_ []int, dst []graph.Ref) []graph.Ref {
				for b := range n {
					dst = append(dst, graph.Ref{Input: 0, Block: b})
				}
				return dst
			},
		},
		Fold: graph.Fold{
			Init: func([]int) (any, error) { return 0, nil },
			Step: func(x *graph.Exec, acc, in any) (any, error) {
				k := acc.(int)
				b, err := asArray(in)
				if err != nil {
					return nil, err
				}
				if err := use(graph.BlockIndex(grid, k, nil), b); err != nil {
					return nil, err
				}
				return k + 1, nil
			},
			Finish: func(_ *graph.Exec, acc any) (any, error) { return acc, nil },
		},
	})
}

// run builds the plan of the given layers (all their blocks) and runs it.
func run(ctx context.Context, opts Options, layers ...*graph.Layer) error {
	so := opts.Options.WithDefaults()
	outs := make([]graph.Output, len(layers))
	for i, l := range layers {
		outs[i] = graph.Output{Layer: l}
	}
	plan, err := graph.Build(outs, graph.Options{MaxTaskBytes: so.Memory / int64(so.Workers), NoFuse: opts.NoFuse})
	if err != nil {
		return fmt.Errorf("chunk: %w", err)
	}
	if opts.OnPlan != nil {
		opts.OnPlan(plan)
	}
	_, stats, err := scheduler.Run(ctx, plan, so)
	if opts.OnStats != nil && stats != nil {
		opts.OnStats(stats)
	}
	return err
}

// Blocks computes a and hands its blocks to use in row-major order, each
// block as soon as it and all blocks before it exist; a block is released
// once use returns. It is the way to consume a result larger than memory
// (a writer streaming to a file). use must not keep the block. The first
// error, from the computation or from use, ends the run.
func Blocks(ctx context.Context, opts Options, a *Array, use func(index []int, block *ndarray.Array) error) error {
	return run(ctx, opts, sink(a, use))
}

// EachBlock computes a and hands each block to use as soon as it exists,
// in no particular order and from several goroutines at once: for a
// consumer that places blocks by their index (a writer putting each
// hyperslab where it belongs), which then needs no block to wait for
// the ones before it. Blocks of a grouped reduction finish in the order
// their groups' last inputs are read; Blocks would hold the rest back
// behind the first, and consume them all at the end. use must not keep
// the block. The first error, from the computation or from use, ends
// the run.
func EachBlock(ctx context.Context, opts Options, a *Array, use func(index []int, block *ndarray.Array) error) error {
	layer := graph.NewLayer(graph.Spec{
		Op: "each:" + token(), Name: "sink", Kind: graph.Compute, Grid: a.chunks.Grid(), Inputs: []*graph.Layer{a.layer},
		Func: func(b []int) graph.TaskFunc {
			b = slices.Clone(b)
			return func(_ *graph.Exec, in []any) (any, error) {
				x, err := asArray(in[0])
				if err != nil {
					return nil, err
				}
				return nil, use(b, x)
			}
		},
		// Nothing is kept: the block is the input's.
		Bytes: func([]int) int64 { return 0 },
	})
	return run(ctx, opts, layer)
}

// Compute computes the arrays (sharing the work their graphs have in
// common) and returns them as in-memory arrays, in order.
func Compute(ctx context.Context, opts Options, arrays ...*Array) ([]*ndarray.Array, error) {
	out := make([]*ndarray.Array, len(arrays))
	sinks := make([]*graph.Layer, len(arrays))
	for i, a := range arrays {
		dst, err := ndarray.New(a.dtype, a.shape...)
		if err != nil {
			return nil, fmt.Errorf("chunk: compute: %w", err)
		}
		out[i] = dst
		lay := newLayout(a.chunks)
		sinks[i] = sink(a, func(index []int, block *ndarray.Array) error {
			d, err := dst.Slice(box(lay.block(index))...)
			if err != nil {
				return err
			}
			return d.SetFrom(block)
		})
	}
	if err := run(ctx, opts, sinks...); err != nil {
		return nil, err
	}
	return out, nil
}

// Persist computes the arrays and returns them as new Arrays backed by
// their computed blocks in memory, with the same chunks: later
// computations on them start from the stored blocks.
func Persist(ctx context.Context, opts Options, arrays ...*Array) ([]*Array, error) {
	stored := make([][]*ndarray.Array, len(arrays))
	sinks := make([]*graph.Layer, len(arrays))
	for i, a := range arrays {
		blocks := make([]*ndarray.Array, a.chunks.NumBlocks())
		stored[i] = blocks
		grid := a.chunks.Grid()
		sinks[i] = sink(a, func(index []int, block *ndarray.Array) error {
			blocks[graph.FlatIndex(grid, index)] = block
			return nil
		})
	}
	if err := run(ctx, opts, sinks...); err != nil {
		return nil, err
	}
	out := make([]*Array, len(arrays))
	for i, a := range arrays {
		blocks, c, dt := stored[i], a.chunks.Clone(), a.dtype
		grid := c.Grid()
		layer := graph.NewLayer(graph.Spec{
			Op: "persisted:" + token(), Name: "persisted", Kind: graph.Root, Grid: grid,
			Func: func(b []int) graph.TaskFunc {
				v := blocks[graph.FlatIndex(grid, b)]
				return func(*graph.Exec, []any) (any, error) { return v, nil }
			},
			// The blocks exist already: running the task allocates nothing.
		})
		out[i] = &Array{dtype: dt, shape: slices.Clone(a.shape), chunks: c, layer: layer}
	}
	return out, nil
}
