// Package mem hands out large buffers of plain data (numbers and bytes,
// never Go pointers) and takes them back for reuse.
//
// Why: the first touch of a fresh 4 KiB page is a page fault, 12 µs in
// the virtual machines this project is measured on (shadow page tables),
// and a reduction over a grid touches megabytes of accumulators, results
// and read buffers. Go's heap gives such buffers back to the OS and
// asks again, and it never asks for transparent huge pages; sync.Pool
// drops what it holds at every garbage collection. Here buffers come in
// power-of-two size classes from arenas this package maps itself and
// advises for transparent huge pages (one fault per 2 MiB instead of
// 512), and a returned buffer waits in its class's free list until it is
// asked for again. Idle buffers beyond the idle limit (64 MiB unless
// SetIdleLimit says otherwise) have their pages given back to the OS (the
// address range stays, to be touched again).
//
// The arenas are never unmapped: a buffer used after Put sees another
// owner's data but cannot crash the process. The garbage collector does
// not scan them, which is why only pointer-free data may live there.
//
// On systems other than Linux, and where mapping fails, buffers come from
// the Go heap and the free lists still recycle them.
package mem

import (
	"math/bits"
	"sync"
	"unsafe"
)

// MinSize is the smallest buffer served from the size classes (32 KiB);
// Get makes smaller ones on the Go heap and Put ignores them.
const MinSize = 32 << 10

// maxClass is the largest class (4 GiB); larger buffers come from the Go
// heap.
const maxClass = 32

// idleLimit is how many bytes of returned buffers stay resident, ready
// for reuse; the pages of buffers returned beyond it go back to the OS.
// 64 MiB holds a grid's accumulators and read buffers many times over.
var idleLimit int64 = 64 << 20

// SetIdleLimit sets the bytes of idle buffers kept resident and returns
// the previous limit.
func SetIdleLimit(n int64) int64 {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	old := idleLimit
	idleLimit = n
	return old
}

// entry is a free buffer: its start and whether its bytes may be nonzero.
type entry struct {
	p     unsafe.Pointer
	dirty bool
}

var pool struct {
	mu   sync.Mutex
	free [maxClass + 1][]entry
	idle int64 // bytes of dirty (resident) free buffers
	// arena is the unused rest of the current mapping.
	arena []byte
	stats Stats
}

// Stats counts what Put did, for tests.
type Stats struct {
	Puts     int64 // buffers given back (of a size class)
	Released int64 // of those, buffers whose pages went back to the OS
}

// ReadStats returns the counts so far.
func ReadStats() Stats {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	return pool.stats
}

// class returns the size class of n bytes (the smallest c with 1<<c >= n).
func class(n int) int {
	if n <= MinSize {
		return bits.Len(uint(MinSize - 1))
	}
	return bits.Len(uint(n - 1))
}

// Get returns a zeroed byte slice of length n whose capacity is n's size
// class. Give it back with Put once nothing refers to it.
func Get(n int) []byte { return get(n, true) }

// GetDirty is Get for a buffer the caller overwrites before reading: its
// bytes are whatever its last owner left.
func GetDirty(n int) []byte { return get(n, false) }

func get(n int, zero bool) []byte {
	if n < MinSize {
		return make([]byte, n)
	}
	c := class(n)
	if c > maxClass {
		return make([]byte, n)
	}
	size := 1 << c
	pool.mu.Lock()
	if l := pool.free[c]; len(l) > 0 {
		e := l[len(l)-1]
		pool.free[c] = l[:len(l)-1]
		if e.dirty {
			pool.idle -= int64(size)
		}
		pool.mu.Unlock()
		b := unsafe.Slice((*byte)(e.p), size)
		if zero && e.dirty {
			clear(b[:n])
		}
		return b[:n]
	}
	b := cut(size)
	pool.mu.Unlock()
	if b == nil {
		b = make([]byte, size)
	}
	return b[:n]
}

// Put gives back b, which its owner no longer uses. Buffers whose
// capacity is not a size class (not from Get) are left to the garbage
// collector.
func Put(b []byte) {
	size := cap(b)
	c := class(size)
	if size < MinSize || c > maxClass || 1<<c != size {
		return
	}
	p := unsafe.Pointer(unsafe.SliceData(b))
	dirty := true
	pool.mu.Lock()
	pool.stats.Puts++
	if pool.idle+int64(size) > idleLimit {
		if inArena(p) {
			release(unsafe.Slice((*byte)(p), size))
			dirty = false
			pool.stats.Released++
		} else {
			pool.mu.Unlock()
			return // a heap buffer: the collector takes it
		}
	}
	if dirty {
		pool.idle += int64(size)
	}
	pool.free[c] = append(pool.free[c], entry{p: p, dirty: dirty})
	pool.mu.Unlock()
}

// arenaSize is the address space mapped at a time (reserved, not
// resident: pages cost memory only once touched).
const arenaSize = 256 << 20

// hugePage is the size of a transparent huge page on x86-64 and arm64
// (with 4 KiB base pages); arenas and buffers of at least this size are
// aligned to it so that each can be backed by whole huge pages.
const hugePage = 2 << 20

// cut returns size bytes (a power of two) from the arenas, aligned to
// min(size, hugePage), mapping a new arena when the current one is
// short; nil when mapping fails. Callers hold pool.mu.
func cut(size int) []byte {
	align := min(size, hugePage)
	for range 2 {
		a := pool.arena
		if len(a) > 0 {
			off := int((uintptr(align) - uintptr(unsafe.Pointer(unsafe.SliceData(a)))%uintptr(align)) % uintptr(align))
			if off+size <= len(a) {
				b := a[off : off+size : off+size]
				pool.arena = a[off+size:]
				return b
			}
		}
		m := mapArena(max(arenaSize, size))
		if m == nil {
			return nil
		}
		pool.arena = m
	}
	return nil
}

// arenas lists the mappings, for inArena.
var arenas []span

type span struct{ lo, hi uintptr }

func inArena(p unsafe.Pointer) bool {
	u := uintptr(p)
	for _, s := range arenas {
		if u >= s.lo && u < s.hi {
			return true
		}
	}
	return false
}
