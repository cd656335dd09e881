// Package graph builds the task graphs tessera runs: symbolic layers, one
// per array operation, lowered to a Plan of concrete tasks for the
// scheduler after removing the blocks nobody needs and fusing per-block
// pipelines. It knows nothing of arrays and runs nothing: a block is an
// index in a grid, its value is whatever a TaskFunc returns, and package
// scheduler runs the Plan.
//
// # Two levels
//
// A Layer is symbolic, like a Blockwise layer of dask's HighLevelGraph:
// one operation over a grid of blocks, with an index map (Spec.Deps) from
// each of its blocks to the blocks of its input layers that it needs, and
// functions that make a block's TaskFunc and projected bytes on demand.
// Building a layer costs the same for ten blocks or a million. Its ID is
// a digest of the operation and its inputs' IDs (MakeID), so building the
// same expression twice gives layers with equal IDs, which Build merges
// into one set of tasks.
//
// A Plan is concrete: Tasks with dense integer ids (TaskID), their inputs
// as ids, their kind (root, compute, reduce) and projected bytes: what the
// scheduler needs, with no string hashing on its hot path. Readable names
// ("mean-t2m/3,0,0", see BlockName and Plan.TaskName) exist only for
// errors, statistics and drawings.
//
// Build goes from one level to the other in steps, each a function of its
// own: collect the layers (merging equal IDs), Cull, fuse, lower, Order.
// Only cull, fuse and lower ever look at single blocks, and only at the
// blocks that are needed.
//
// # Cull
//
// Cull walks the layers backwards from the requested blocks, consumers
// first, asking each needed block's Deps for the input blocks it needs,
// and keeps one bit per block of every layer. Here the outputs ask for
// block 0 of d; the blocks marked x are never lowered, and nothing is
// called for them (not even their Func):
//
//	    d/0                 d = f(b, c)
//	   /    \
//	b/0      c/0    c/1x    b = g(a), c = h(a)
//	 |      /
//	a/0  a/1   a/2x         a: read
//
// # Fusion
//
// A chain of per-block operations (read, decode, mask and scale,
// elementwise, the partial of a reduction) runs best as one task per
// block: the decoded block never outlives its task and never waits in the
// scheduler's memory for its consumer. Build fuses a producer layer P
// into its consumer C when C is the only layer using P, P is not a
// requested output, neither is a fold, and the blocks match one to one
// (each needed block of P is used by one block of C, which uses no other
// block of P; a broadcast block that several consumer blocks read stays a
// task of its own). Chains fuse transitively:
//
//	read/3 -> decode/3 -> scale/3 -> partial/3  =>  partial/3 (fused: read, decode, scale)
//
// A fused task's inputs are the tasks its parts use from outside it; its
// projected bytes are the sum of its parts' (each part's output is alive
// inside the task at some point). dask fuses blindly; here, following
// cubed, a producer block is inlined only while the fused task's bytes
// stay within Options.MaxTaskBytes, which the scheduler sets to its memory
// budget divided by its workers: fused or not, every task fits the share
// of memory one worker may use. The rule is applied block by block,
// consumers first, so a chain over unequal blocks may fuse fewer parts
// where blocks are large.
//
// A fused task containing a root part is a Root task even though it may
// have inputs (read fused into x - clim has clim as input): the scheduler
// admits it under its budget as it admits a read. It has no CacheKey
// unless it is a root alone; instead its root part looks itself up in
// the run's cache (Exec.Cache).
//
// # Folds
//
// A fold layer (NewFold) reduces the blocks each of its blocks depends
// on, in the order its Deps lists them, as cubed's iterator fold does
// rather than dask's tree of combine tasks. Build lowers a fold block with
// inputs r_0..r_{n-1} to a chain of n Reduce tasks ("sum/0#k" is step k):
//
//	sum/0#0 = Step(Init(block), r_0)
//	sum/0#k = Step(sum/0#(k-1), r_k)
//	sum/0#(n-1) also applies Finish; consumers use it.
//
// Each step owns the accumulator and may update it in place, and each
// step is small: nothing is ever fused into a step, and a fold is never
// fused into its consumer. Since the steps run in a fixed order, whatever
// order the inputs finish in, a floating-point reduction gives the same
// bits for any number of workers and any run, which dask's split_every
// tree over completion order cannot promise. Inputs that finish early wait
// for their step; Order keeps that wait short.
//
// # Order
//
// Plan.Tasks are in a topological order; Plan.Order is a static priority
// in the spirit of dask.order. Its backbone is the post-order of a
// depth-first walk from the outputs, in request order, visiting each
// task's inputs in order. A fold step's inputs are [previous step, next
// input], so for
//
//	             sum/0#2
//	            /       \
//	      sum/0#1        partial/2
//	      /      \           |
//	 sum/0#0   partial/1  read/2
//	    |          |
//	partial/0   read/1
//	    |
//	 read/0
//
// the order is read/0 partial/0 sum/0#0 read/1 partial/1 sum/0#1 read/2
// partial/2 sum/0#2: each partial is folded in right after it is made,
// and a reduction that has started is finished before the roots of the
// next one are opened. A scheduler that runs the earliest ready task of
// this order keeps few partials alive.
//
// The walk alone fails when reductions share their inputs (mean(u*u) and
// mean(u*v): it would read all of u for the first and hold it for the
// second), so before it opens a root it first places what the values in
// memory allow: the dependents of the tasks placed since, when all their
// inputs are placed or one step from it (see Order). Ties are broken by
// the graph's structure alone, never by names.
//
// # Drawing
//
// WriteLayersDOT draws the symbolic graph before optimisation (every
// layer, its grid, and how many of its blocks Cull keeps), WriteDOT the
// tasks of a Plan after it (fused tasks say what they fused). Both write
// graphviz's DOT language: dot -Tsvg plan.dot > plan.svg.
//
// The drawings in testdata/*.golden are checked by the tests; after a
// deliberate change, rewrite them with
//
//	go test ./graph -update
package graph
