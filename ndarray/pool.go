package ndarray

import (
	"unsafe"

	"github.com/tesseradata/tessera/internal/mem"
)

// Partials' state (a few 8-byte values per result cell, megabytes for a
// grid) goes back to internal/mem when a partial is released (see
// Partial.Release), and results and encoded blocks of 8-byte types are
// cut from the same buffers: a reduction over hundreds of blocks then
// reuses the same few buffers instead of asking the OS for fresh pages,
// whose first touch costs a page fault each (12 µs apiece measured in this
// project's virtual machines, where a 2-year climatology took 10,800 of
// them); what it must ask for comes in transparent huge pages. int64,
// uint64 and float64 slices are views of the bytes (plain data, no
// pointers, so the reinterpretation is safe).

// word is the set of 8-byte element types the pool serves.
type word interface{ ~int64 | ~uint64 | ~float64 }

// getWords returns a zeroed slice of length n.
func getWords[E word](n int) []E {
	if n < mem.MinSize/8 {
		return make([]E, n)
	}
	b := mem.Get(n * 8)
	return unsafe.Slice((*E)(unsafe.Pointer(unsafe.SliceData(b))), cap(b)/8)[:n]
}

// putWords releases s, which its owner no longer uses.
func putWords[E word](s []E) {
	if cap(s) >= mem.MinSize/8 {
		mem.Put(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), cap(s)*8))
	}
}
