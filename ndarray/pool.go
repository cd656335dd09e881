package ndarray

import (
	"slices"
	"sync"
	"unsafe"
)

// Partials' state (a few 8-byte values per result cell, megabytes for a
// grid) is recycled through a pool when a partial is released (see
// Partial.Release), and results and encoded blocks of 8-byte types are
// cut from the same pool: a reduction over hundreds of blocks then reuses
// the same few buffers instead of asking the OS for fresh pages, whose
// first touch costs a page fault each (12 µs apiece measured in this
// project's virtual machines, where a 2-year climatology took 10,800 of
// them). The pool holds words; int64, uint64 and float64 slices are views
// of them (plain data, no pointers, so the reinterpretation is safe).
var wordPool sync.Pool

// minPooled is the shortest slice worth pooling (32 KiB of 8-byte values).
const minPooled = 4096

// word is the set of 8-byte element types the pool serves.
type word interface{ ~int64 | ~uint64 | ~float64 }

// getWords returns a zeroed slice of length n: a released one whose
// capacity fits (at least n, at most twice n), or a new one.
func getWords[E word](n int) []E {
	if n >= minPooled {
		if v, ok := wordPool.Get().(*[]uint64); ok {
			if s := *v; cap(s) >= n && cap(s) <= 2*n {
				s = s[:n]
				clear(s)
				return unsafe.Slice((*E)(unsafe.Pointer(unsafe.SliceData(s))), n)
			}
		}
	}
	return make([]E, n)
}

// putWords releases s, which its owner no longer uses.
func putWords[E word](s []E) {
	if cap(s) >= minPooled {
		w := unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(s))), cap(s))
		wordPool.Put(&w)
	}
}

// zerosPooled is Zeros for contiguous results, whose data comes from the
// pool for 8-byte types.
func zerosPooled(dt DType, shape []int) *Array {
	n := sizeOf(shape)
	var data any
	switch dt {
	case Float64:
		data = getWords[float64](n)
	case Int64:
		data = getWords[int64](n)
	case Uint64:
		data = getWords[uint64](n)
	default:
		return Zeros(dt, shape...)
	}
	return &Array{dtype: dt, shape: slices.Clone(shape), strides: contiguousStrides(shape), data: data}
}
