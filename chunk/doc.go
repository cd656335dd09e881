// Package chunk provides lazy chunked N-dimensional arrays: arrays split
// into blocks (dask's chunks), each block an *ndarray.Array computed by a
// task of a graph, so that arrays larger than memory are processed block
// by block, on every core, within a memory budget.
//
// # Arrays and chunks
//
// An Array is a dtype, a shape, a Chunks (the block lengths along each
// dimension, ((2, 2, 1), (3, 3)) for shape (5, 6)) and a graph.Layer that
// computes each block. Arrays are immutable: every operation returns a new
// Array whose layer extends its inputs'. Sources (FromArray, FromSource)
// bring data in; Auto picks chunks of about 64 MiB when a source gives
// none.
//
// # Operations
//
// Map and the elementwise operations (Binary, Compare, Unary, Where,
// Astype, Decode) broadcast by numpy's rules and rechunk their inputs to
// common chunks when they differ. Slice, Take and Compress keep only the
// blocks they touch, so a selection prunes reads. Concat, Stack, Rechunk
// and MapBlocks reshape the block structure. Reduce folds every block into
// an ndarray.Partial as soon as it exists and combines the partials of
// each output block in a fixed order (see Reduce).
//
// # Computing
//
// Compute, Persist and Blocks build a plan of the requested arrays
// (graph.Build culls what they do not need and fuses per-block pipelines)
// and run it with the scheduler, which keeps the data it holds within
// Options.Memory. Blocks hands the blocks of a result to a consumer in
// order, one at a time, for writers that must not hold a whole result.
//
// # Determinism
//
// Results do not depend on the number of workers or on timing: every
// reduction combines its partials in the fixed order of its input
// blocks. They do depend on the chunking, within floating-point rounding,
// as any blocked summation does.
package chunk
