package mem

import (
	"runtime"
	"sync"
	"testing"
	"unsafe"
)

func TestGetZeroedAndSized(t *testing.T) {
	for _, n := range []int{0, 1, MinSize - 1, MinSize, MinSize + 1, 1 << 20, 3<<20 + 5} {
		b := Get(n)
		if len(b) != n {
			t.Fatalf("Get(%d): len %d", n, len(b))
		}
		for i, v := range b {
			if v != 0 {
				t.Fatalf("Get(%d)[%d] = %d, want 0", n, i, v)
			}
		}
		if n >= MinSize {
			if c := cap(b); c < n || c&(c-1) != 0 {
				t.Fatalf("Get(%d): cap %d is not the power of two at or above n", n, c)
			}
		}
		for i := range b {
			b[i] = 0xff
		}
		Put(b)
	}
}

// A returned buffer is handed out again, zeroed by Get (and as its last
// owner left it by GetDirty).
func TestReuse(t *testing.T) {
	b := Get(100_000)
	for i := range b {
		b[i] = byte(i) | 1
	}
	p := unsafe.SliceData(b)
	Put(b)
	c := Get(90_000)
	if unsafe.SliceData(c) != p {
		t.Fatalf("Get after Put did not reuse the buffer")
	}
	for i, v := range c {
		if v != 0 {
			t.Fatalf("reused buffer not zeroed at %d: %d", i, v)
		}
	}
	for i := range c {
		c[i] = 7
	}
	Put(c)
	d := GetDirty(70_000)
	if unsafe.SliceData(d) != p || d[0] != 7 || d[69_999] != 7 {
		t.Fatalf("GetDirty: got another buffer or other bytes")
	}
	Put(d)
}

// Buffers that are not a size class (not from Get) are not taken.
func TestPutForeign(t *testing.T) {
	for _, b := range [][]byte{make([]byte, MinSize+1), make([]byte, 100), make([]byte, MinSize/2)} {
		Put(b)
		g := Get(len(b))
		if unsafe.SliceData(g) == unsafe.SliceData(b) {
			t.Fatalf("Put took a buffer of capacity %d", cap(b))
		}
		Put(g)
	}
}

// Beyond the idle limit, returned buffers' pages go back to the OS: they
// come back zeroed even from GetDirty, and the pool stays usable.
func TestIdleLimit(t *testing.T) {
	old := SetIdleLimit(0)
	defer SetIdleLimit(old)
	b := Get(1 << 20)
	for i := range b {
		b[i] = 9
	}
	before := ReadStats()
	Put(b)
	after := ReadStats()
	if runtime.GOOS == "linux" && after.Released != before.Released+1 {
		t.Fatalf("over the idle limit: released %d -> %d, want one more", before.Released, after.Released)
	}
	c := GetDirty(1 << 20)
	if runtime.GOOS == "linux" && unsafe.SliceData(c) == unsafe.SliceData(b) {
		for i, v := range c {
			if v != 0 {
				t.Fatalf("released buffer reads %d at %d, want 0", v, i)
			}
		}
	}
	Put(c)
}

// Large buffers are aligned to huge pages, smaller ones to their size.
func TestAlignment(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("arenas are mapped on Linux only")
	}
	for _, n := range []int{MinSize, 1 << 20, 4 << 20, 5 << 20} {
		b := Get(n)
		align := uintptr(min(cap(b), hugePage))
		if u := uintptr(unsafe.Pointer(unsafe.SliceData(b))); u%align != 0 {
			t.Errorf("Get(%d) at %#x: not aligned to %d", n, u, align)
		}
		if !inArena(unsafe.Pointer(unsafe.SliceData(b))) {
			t.Errorf("Get(%d) is not from an arena", n)
		}
		defer Put(b)
	}
}

// Concurrent owners never share a buffer (run with -race).
func TestConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				n := MinSize << (i % 5)
				b := Get(n)
				mark := byte(g + 1)
				for j := 0; j < n; j += 4096 {
					if b[j] != 0 {
						t.Errorf("goroutine %d: fresh buffer holds %d", g, b[j])
						return
					}
					b[j] = mark
				}
				runtime.Gosched()
				for j := 0; j < n; j += 4096 {
					if b[j] != mark {
						t.Errorf("goroutine %d: buffer changed under its owner", g)
						return
					}
				}
				Put(b)
			}
		})
	}
	wg.Wait()
}

func BenchmarkFirstTouch(b *testing.B) {
	const n = 8 << 20
	b.Run("heap", func(b *testing.B) {
		b.SetBytes(n)
		for b.Loop() {
			s := make([]byte, n)
			for i := 0; i < n; i += 4096 {
				s[i] = 1
			}
			runtime.KeepAlive(s)
		}
	})
	b.Run("mem", func(b *testing.B) {
		b.SetBytes(n)
		for b.Loop() {
			s := Get(n)
			for i := 0; i < n; i += 4096 {
				s[i] = 1
			}
			Put(s)
		}
	})
}
