package scheduler_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tesseradata/tessera/graph"
	"github.com/tesseradata/tessera/scheduler"
)

func newCache(t *testing.T, maxBytes int64) *scheduler.Cache {
	t.Helper()
	c, err := scheduler.NewCache(maxBytes)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func TestNewCacheRefusesNoBudget(t *testing.T) {
	for _, n := range []int64{0, -1} {
		if c, err := scheduler.NewCache(n); err == nil {
			c.Close()
			t.Errorf("NewCache(%d) succeeded, want an error", n)
		}
	}
}

func TestCacheGetSet(t *testing.T) {
	c := newCache(t, 1000)
	if c.MaxBytes() != 1000 {
		t.Errorf("MaxBytes = %d, want 1000", c.MaxBytes())
	}
	if _, ok := c.Get("a"); ok {
		t.Errorf("Get on an empty cache found a value")
	}
	c.Set("a", 1, 400)
	c.Set("b", 2, 2000) // over the budget: refused
	if v, ok := c.Get("a"); !ok || v != 1 {
		t.Errorf("Get(a) = %v, %v; want 1, true", v, ok)
	}
	if _, ok := c.Get("b"); ok {
		t.Errorf("Get(b) found a value costing more than the budget")
	}
	c.Close()
	if _, ok := c.Get("a"); ok {
		t.Errorf("Get after Close found a value")
	}
	c.Set("a", 1, 1) // does nothing, does not panic
	c.Close()        // twice is fine

	var nilCache *scheduler.Cache
	nilCache.Set("a", 1, 1)
	if _, ok := nilCache.Get("a"); ok {
		t.Errorf("a nil Cache found a value")
	}
}

// TestCacheConcurrent uses a cache from many goroutines, closing it
// midway, for the race detector.
func TestCacheConcurrent(t *testing.T) {
	c, err := scheduler.NewCache(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				key := fmt.Sprint(g, "/", i%20)
				c.Set(key, i, 100)
				c.Get(key)
			}
		})
	}
	wg.Go(c.Close)
	wg.Wait()
}

// cachedPlan reads three blocks of a source, keyed by the source's
// version (as the io layer puts path, size and mtime in keys), and sums
// them; reads counts the reads that ran.
func cachedPlan(version int, reads *atomic.Int32) *graph.Plan {
	var b planBuilder
	l := b.layer("read", graph.Root, []int{3})
	s := b.layer("sum", graph.Compute, []int{1})
	var in []graph.TaskID
	for i := range 3 {
		id := b.task(l, int32(i), graph.Root, 100, func(x *graph.Exec, _ []any) (any, error) {
			reads.Add(1)
			x.AddRead(100)
			return &block{v: float64(version * (i + 1)), n: 100}, nil
		})
		b.p.Tasks[id].CacheKey = fmt.Sprintf("src.nc?size=300&mtime=%d#%d", version, i)
		in = append(in, id)
	}
	out := b.task(s, 0, graph.Compute, 8, func(_ *graph.Exec, in []any) (any, error) {
		var sum float64
		for _, v := range in {
			sum += v.(*block).v
		}
		return sum, nil
	}, in...)
	return b.plan(out)
}

func TestRunCache(t *testing.T) {
	c := newCache(t, 1<<20)
	var reads atomic.Int32
	for _, tc := range []struct {
		name      string
		version   int
		wantReads int32 // reads run
		wantHits  int64
		wantSum   float64
		wantRead  int64
	}{
		{"first run reads", 1, 3, 0, 6, 300},
		{"second run hits", 1, 0, 3, 6, 0},
		{"changed source reads again", 2, 3, 0, 12, 300},
		{"changed source then hits", 2, 0, 3, 12, 0},
		{"old version still cached", 1, 0, 3, 6, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reads.Store(0)
			p := cachedPlan(tc.version, &reads)
			var last scheduler.Progress
			vals, stats, err := scheduler.Run(t.Context(), p, scheduler.Options{Workers: 2, Cache: c, Progress: func(p scheduler.Progress) { last = p }})
			if err != nil {
				t.Fatal(err)
			}
			if vals[0] != tc.wantSum {
				t.Errorf("sum = %v, want %v", vals[0], tc.wantSum)
			}
			if reads.Load() != tc.wantReads || stats.CacheHits != tc.wantHits || stats.BytesRead != tc.wantRead {
				t.Errorf("ran %d reads, %d cache hits, read %d bytes; want %d, %d, %d", reads.Load(), stats.CacheHits, stats.BytesRead, tc.wantReads, tc.wantHits, tc.wantRead)
			}
			if stats.Tasks != 4 || stats.Layers[0].Tasks != 3 || stats.Layers[0].OutBytes != 300 {
				t.Errorf("Stats counted %d tasks, %d reads of %d bytes; want 4, 3, 300 (cache hits count as done)", stats.Tasks, stats.Layers[0].Tasks, stats.Layers[0].OutBytes)
			}
			if last.Done != 4 || last.CacheHits != tc.wantHits {
				t.Errorf("final progress %+v, want Done 4, CacheHits %d", last, tc.wantHits)
			}
		})
	}
}
