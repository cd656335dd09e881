package scheduler_test

import (
	"math"
	"runtime/debug"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tesseradata/tessera/graph"
	"github.com/tesseradata/tessera/scheduler"
)

// TestStats checks the per-layer statistics of a fold of ten roots, in
// synctest's time so that busy times are exact: each root sleeps 2 ms,
// each step 1 ms.
func TestStats(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sleep := func(k graph.Kind, f graph.TaskFunc) graph.TaskFunc {
			return func(x *graph.Exec, in []any) (any, error) {
				if k == graph.Root {
					time.Sleep(2 * time.Millisecond)
				} else {
					time.Sleep(time.Millisecond)
				}
				return f(x, in)
			}
		}
		p := foldPlan(1, 10, 1000, sleep)
		_, stats, err := scheduler.Run(t.Context(), p, scheduler.Options{Workers: 2, Memory: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		want := []scheduler.LayerStats{
			{Name: "read", Kind: graph.Root, Tasks: 10, Busy: 20 * time.Millisecond, OutBytes: 10000},
			{Name: "sum", Kind: graph.Reduce, Tasks: 10, Busy: 10 * time.Millisecond, OutBytes: 80},
		}
		if len(stats.Layers) != len(want) {
			t.Fatalf("%d layers, want %d", len(stats.Layers), len(want))
		}
		for i, w := range want {
			g := stats.Layers[i]
			if g.Name != w.Name || g.Kind != w.Kind || g.Tasks != w.Tasks || g.Busy != w.Busy || g.OutBytes != w.OutBytes {
				t.Errorf("layer %d: %+v, want %+v", i, g, w)
			}
		}
		if stats.Tasks != 20 || stats.Wall < 11*time.Millisecond || stats.PeakLiveBytes < 1000 {
			t.Errorf("Stats %+v: want 20 tasks, wall >= 11ms (the chain), peak >= one root", stats)
		}
	})
}

func TestWriteTable(t *testing.T) {
	s := &scheduler.Stats{
		Wall: 1234567 * time.Microsecond, Tasks: 2049, PeakLiveBytes: 512 << 20, BytesRead: 3 << 30, CacheHits: 12,
		Layers: []scheduler.LayerStats{
			{Name: "mean-t2m", Kind: graph.Root, Fused: []string{"read-t2m", "decode"}, Tasks: 2048, Busy: 10 * time.Second, OutBytes: 2 << 20},
			{Name: "total", Kind: graph.Reduce, Tasks: 1, Busy: 1500 * time.Microsecond, OutBytes: 16},
		},
	}
	var sb strings.Builder
	if err := s.WriteTable(&sb); err != nil {
		t.Fatal(err)
	}
	want := `layer                        kind    tasks   busy      out
mean-t2m (read-t2m, decode)  root     2048    10s  2.0 MiB
total                        reduce      1  1.5ms     16 B
2049 tasks in 1.234567s, peak live 512.0 MiB, read 3.0 GiB, 12 cache hits
`
	if sb.String() != want {
		t.Errorf("WriteTable wrote\n%s\nwant\n%s", sb.String(), want)
	}
}

// TestMemoryLimit checks the GC backstop: set during a run when no limit
// is set, removed after; left alone when the program set one.
func TestMemoryLimit(t *testing.T) {
	orig := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(orig)
	opts := scheduler.Options{Workers: 1, Memory: 1 << 30}
	want := scheduler.GCLimitFor(opts)
	if want != 1<<30+1<<29+64<<20 {
		t.Errorf("gcLimitFor(1 GiB) = %d, want 1.5 GiB + 64 MiB", want)
	}
	for _, tc := range []struct {
		name       string
		before     int64
		wantDuring int64
	}{
		{"unset", math.MaxInt64, want},
		{"set by the program", 3 << 30, 3 << 30},
	} {
		t.Run(tc.name, func(t *testing.T) {
			debug.SetMemoryLimit(tc.before)
			var during int64
			var b planBuilder
			l := b.layer("x", graph.Root, []int{1})
			r := b.task(l, 0, graph.Root, 0, func(*graph.Exec, []any) (any, error) {
				during = debug.SetMemoryLimit(-1)
				return nil, nil
			})
			if _, _, err := scheduler.Run(t.Context(), b.plan(r), opts); err != nil {
				t.Fatal(err)
			}
			if during != tc.wantDuring {
				t.Errorf("limit during the run %d, want %d", during, tc.wantDuring)
			}
			if after := debug.SetMemoryLimit(-1); after != tc.before {
				t.Errorf("limit after the run %d, want %d as before", after, tc.before)
			}
		})
	}
	t.Run("with a cache", func(t *testing.T) {
		c := newCache(t, 1<<20)
		if got := scheduler.GCLimitFor(scheduler.Options{Memory: 1 << 30, Cache: c}); got != want+1<<20 {
			t.Errorf("gcLimitFor with a 1 MiB cache = %d, want %d", got, want+1<<20)
		}
	})
}
