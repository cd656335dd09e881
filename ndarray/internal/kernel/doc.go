// Package kernel holds the inner loops of ndarray's reductions and
// decoders: generic functions over plain slices, written for the
// contiguous case (several independent accumulators, bounds checks hoisted
// out of the loop) with a strided fallback beside each.
//
// Every function's doc comment states what it computes as a plain loop;
// that loop is also the reference the tests compare against.
//
// # Missing values
//
// The "Skip" variants treat a value as missing when it is NaN, or, with
// fill set, when it equals f1 or f2 (a file's _FillValue and
// missing_value, compared in stored units before any scaling). A missing
// value is not accumulated; instead miss, the per-cell count of missing
// values, is incremented. The branch is almost never taken on real data,
// so it costs little, and it lets one kernel serve both NaN-skipping and
// NaN-propagating reductions: the caller decides from the counts.
//
// # Accumulators
//
// Integer input is summed in int64 or uint64, exactly; floating-point input
// in float64. Acc is the accumulator type parameter.
package kernel

// Number is the set of element types kernels are written for.
type Number interface {
	int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | float32 | float64
}

// Acc is the set of accumulator types.
type Acc interface {
	int64 | uint64 | float64
}
