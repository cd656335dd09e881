package ndarray

import "sync"

// Partials' state (a few 8-byte values per result cell, megabytes for a
// grid) is recycled through these pools when a partial is released (see
// Partial.Release): a reduction over hundreds of blocks then reuses the
// same few buffers instead of asking the OS for fresh pages, whose first
// touch costs a page fault each (12 µs apiece measured in this project's
// virtual machines, where a 2-year climatology took 10,000 of them).
var (
	int64Pool   slicePool[int64]
	uint64Pool  slicePool[uint64]
	float64Pool slicePool[float64]
)

// minPooled is the shortest slice worth pooling (32 KiB of 8-byte values).
const minPooled = 4096

// slicePool holds released slices of E for reuse.
type slicePool[E any] struct{ p sync.Pool }

// get returns a zeroed slice of length n: a released one whose capacity
// fits (at least n, at most twice n), or a new one.
func (sp *slicePool[E]) get(n int) []E {
	if n >= minPooled {
		if v, ok := sp.p.Get().(*[]E); ok {
			if s := *v; cap(s) >= n && cap(s) <= 2*n {
				s = s[:n]
				clear(s)
				return s
			}
		}
	}
	return make([]E, n)
}

// put releases s, which its owner no longer uses.
func (sp *slicePool[E]) put(s []E) {
	if cap(s) >= minPooled {
		sp.p.Put(&s)
	}
}

// getAcc and putAcc pool the accumulators of a numPartial by type.
func getAcc[A any](n int) []A {
	var z A
	switch any(z).(type) {
	case int64:
		return any(int64Pool.get(n)).([]A)
	case uint64:
		return any(uint64Pool.get(n)).([]A)
	case float64:
		return any(float64Pool.get(n)).([]A)
	}
	return make([]A, n)
}

func putAcc[A any](s []A) {
	switch s := any(s).(type) {
	case []int64:
		int64Pool.put(s)
	case []uint64:
		uint64Pool.put(s)
	case []float64:
		float64Pool.put(s)
	}
}
