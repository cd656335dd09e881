package ndarray_test

import (
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/tesseradata/tessera/internal/mem"
	"github.com/tesseradata/tessera/ndarray"
)

// TestReleaseReuse checks that partials made after others were released
// (and so built on recycled buffers) start empty: each result equals the
// reduction of its own data alone, for every op whose state is pooled.
func TestReleaseReuse(t *testing.T) {
	const ny, nx = 64, 128 // 8192 cells: above the pooling threshold
	data := func(seed float64) *ndarray.Array {
		v := make([]float64, 3*ny*nx)
		for i := range v {
			v[i] = seed + float64(i%97)
		}
		a, err := ndarray.FromSlice(v, 3, ny, nx)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	for _, op := range []ndarray.Op{ndarray.Sum, ndarray.Mean, ndarray.Var, ndarray.ArgMax, ndarray.Last, ndarray.Count} {
		for round := range 3 {
			x := data(float64(100 * round))
			p, err := ndarray.NewPartial(op, ndarray.Float64, []int{3, ny, nx}, []int{0}, ndarray.ReduceOptions{SkipNaN: true})
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Accumulate(x); err != nil {
				t.Fatal(err)
			}
			got, err := p.Result()
			if err != nil {
				t.Fatal(err)
			}
			p.Release()
			want, err := ndarray.Reduce(op, x, ndarray.ReduceOptions{SkipNaN: true}, 0)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ndarray.Float64s(got), ndarray.Float64s(want)) {
				t.Fatalf("%v, round %d: a partial after released ones differs from Reduce", op, round)
			}
		}
	}
}

// TestUnreleasedPartial checks the safety net: a partial dropped without
// Release gives its pooled state back once collected, and one released
// explicitly gives it back exactly once (a second Put of the same buffer
// would hand it to two owners).
func TestUnreleasedPartial(t *testing.T) {
	const ny, nx = 64, 128
	x := ndarray.Full(ndarray.Float64, 1, 3, ny, nx)
	use := func(release bool) {
		p, err := ndarray.NewPartial(ndarray.Var, ndarray.Float64, []int{3, ny, nx}, []int{0}, ndarray.ReduceOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Accumulate(x); err != nil {
			t.Fatal(err)
		}
		if release {
			p.Release()
		}
	}
	// collect runs the collector until buffers come back or wait passes,
	// and returns how many came back after before.
	collect := func(before int64, wait time.Duration) int64 {
		deadline := time.Now().Add(wait)
		for {
			runtime.GC()
			time.Sleep(10 * time.Millisecond)
			if n := mem.ReadStats().Puts; n > before || time.Now().After(deadline) {
				runtime.GC()
				time.Sleep(50 * time.Millisecond)
				return mem.ReadStats().Puts - before
			}
		}
	}
	// Let earlier tests' unreleased partials come back first.
	for n := int64(-1); n != mem.ReadStats().Puts; {
		n = mem.ReadStats().Puts
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
	}
	before := mem.ReadStats().Puts
	use(true)
	released := mem.ReadStats().Puts - before
	if released == 0 {
		t.Fatalf("Release put back no buffers")
	}
	if again := collect(mem.ReadStats().Puts, 300*time.Millisecond); again != 0 {
		t.Fatalf("a released partial's buffers were put back again (%d more) when it was collected", again)
	}
	if got := collect(func() int64 { b := mem.ReadStats().Puts; use(false); return b }(), 5*time.Second); got != released {
		t.Fatalf("an unreleased partial put back %d buffers when collected, want %d", got, released)
	}
}
