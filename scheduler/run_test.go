package scheduler_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tesseradata/tessera/graph"
	"github.com/tesseradata/tessera/scheduler"
)

func TestRunFold(t *testing.T) {
	for _, tc := range []struct {
		name                    string
		chains, perChain        int
		workers, rootsPerWorker int
	}{
		{"one chain, one worker", 1, 50, 1, 1},
		{"one chain, two workers", 1, 50, 2, 2},
		{"four chains, two workers", 4, 25, 2, 2},
		{"four chains, sixteen workers", 4, 25, 16, 2},
		{"many chains of one", 40, 1, 3, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := foldPlan(tc.chains, tc.perChain, 100, nil)
			vals, stats, err := scheduler.Run(t.Context(), p, scheduler.Options{Workers: tc.workers, RootsPerWorker: tc.rootsPerWorker, Memory: 1 << 20})
			if err != nil {
				t.Fatal(err)
			}
			checkFold(t, vals, tc.chains, tc.perChain)
			if stats.Tasks != len(p.Tasks) {
				t.Errorf("Stats.Tasks = %d, want %d", stats.Tasks, len(p.Tasks))
			}
		})
	}
}

func TestRunEmptyPlan(t *testing.T) {
	vals, stats, err := scheduler.Run(t.Context(), &graph.Plan{}, scheduler.Options{})
	if err != nil || len(vals) != 0 || stats == nil || stats.Tasks != 0 {
		t.Errorf("Run(empty plan) = %v, %+v, %v; want no values, zero stats, nil", vals, stats, err)
	}
}

// TestDeterminism sums 1000 blocks of 1000 random float64 (whose sum
// depends on the order of the additions) through fold chains, ten of a
// hundred blocks, then a fold of the ten partials:
//
//	r0 … r99   r100 … r199   …   r900 … r999
//	  fold0       fold1      …      fold9
//	   \____________|______________/
//	              total
//
// The result must be bit for bit the sequential sum, for any number of
// workers and on every run.
func TestDeterminism(t *testing.T) {
	const chains, perChain, n = 10, 100, 1000
	blocks := make([][]float64, chains*perChain)
	for k := range blocks {
		rng := rand.New(rand.NewPCG(42, uint64(k)))
		v := make([]float64, n)
		for i := range v {
			v[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(12)))
		}
		blocks[k] = v
	}
	values := func(k int) []float64 { return blocks[k] } // shared: tasks never modify their inputs
	var want float64
	for c := range chains {
		var part float64
		for k := range perChain {
			for _, x := range values(c*perChain + k) {
				part += x
			}
		}
		want += part
	}

	var b planBuilder
	read := b.layer("read", graph.Root, []int{chains * perChain})
	fold := b.layer("fold", graph.Reduce, []int{chains})
	total := b.layer("total", graph.Reduce, []int{1})
	step := func(_ *graph.Exec, in []any) (any, error) {
		acc := new(float64)
		if len(in) == 2 {
			acc = in[0].(*float64)
		}
		switch x := in[len(in)-1].(type) {
		case []float64:
			for _, v := range x {
				*acc += v
			}
		case *float64:
			*acc += *x
		}
		return acc, nil
	}
	var parts []graph.TaskID
	for c := range chains {
		var acc graph.TaskID
		for k := range perChain {
			blk := c*perChain + k
			r := b.task(read, int32(blk), graph.Root, 8*n, func(*graph.Exec, []any) (any, error) { return values(blk), nil })
			if k == 0 {
				acc = b.step(fold, int32(c), 0, 8, step, r)
			} else {
				acc = b.step(fold, int32(c), int32(k), 8, step, acc, r)
			}
		}
		parts = append(parts, acc)
	}
	var acc graph.TaskID
	for c, part := range parts {
		if c == 0 {
			acc = b.step(total, 0, 0, 8, step, part)
		} else {
			acc = b.step(total, 0, int32(c), 8, step, acc, part)
		}
	}
	p := b.plan(acc)

	for _, workers := range []int{1, 2, 16} {
		for run := range 3 {
			vals, _, err := scheduler.Run(t.Context(), p, scheduler.Options{Workers: workers})
			if err != nil {
				t.Fatal(err)
			}
			if got := *vals[0].(*float64); math.Float64bits(got) != math.Float64bits(want) {
				t.Errorf("workers %d, run %d: sum = %v (%#x), want %v (%#x)", workers, run, got, math.Float64bits(got), want, math.Float64bits(want))
			}
		}
	}
}

// TestPriority checks, with one worker so that the order of execution is
// observable, that ready tasks run in Order and non-root tasks first.
func TestPriority(t *testing.T) {
	// Eight independent compute tasks, and a root r with a consumer c:
	//
	//	t0 … t7    r
	//	           |
	//	           c
	//
	// in priorities that are neither the tasks' order nor their names'.
	var (
		b   planBuilder
		mu  sync.Mutex
		ran []string
	)
	l := b.layer("x", graph.Compute, []int{10})
	rec := func(name string) graph.TaskFunc {
		return func(*graph.Exec, []any) (any, error) {
			mu.Lock()
			ran = append(ran, name)
			mu.Unlock()
			return nil, nil
		}
	}
	var ids []graph.TaskID
	for i := range 8 {
		ids = append(ids, b.task(l, int32(i), graph.Compute, 0, rec("t"+string(rune('0'+i)))))
	}
	r := b.task(l, 8, graph.Root, 0, rec("r"))
	c := b.task(l, 9, graph.Compute, 0, rec("c"), r)
	b.p.Order = []graph.TaskID{r, c, ids[5], ids[2], ids[7], ids[0], ids[6], ids[1], ids[4], ids[3]}
	p := b.plan(append(ids, c)...)
	if _, _, err := scheduler.Run(t.Context(), p, scheduler.Options{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	// The non-root tasks are ready from the start and go first, in
	// Order; the root after them although it comes first in Order; its
	// consumer last.
	want := []string{"t5", "t2", "t7", "t0", "t6", "t1", "t4", "t3", "r", "c"}
	if !slices.Equal(ran, want) {
		t.Errorf("tasks ran in order %v, want %v", ran, want)
	}
}

// TestAdmission runs four fold chains of roots of 300 bytes in a budget
// of 1000 bytes (Check allows 500 per worker): at most three roots fit at
// once, which the peak live bytes and the roots seen running at once
// must show. The plan is
//
//	r0 … r24   r25 … r49   r50 … r74   r75 … r99
//	  sum0       sum1        sum2        sum3
//
// with each chain's roots and steps interleaved in Order, chain after
// chain.
func TestAdmission(t *testing.T) {
	const rootBytes, memory = 300, 1000
	for _, workers := range []int{2, 4} {
		t.Run("workers="+string(rune('0'+workers)), func(t *testing.T) {
			var running, most atomic.Int64
			wrap := func(kind graph.Kind, f graph.TaskFunc) graph.TaskFunc {
				if kind != graph.Root {
					return f
				}
				return func(x *graph.Exec, in []any) (any, error) {
					n := running.Add(1)
					for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
					}
					time.Sleep(50 * time.Microsecond)
					running.Add(-1)
					return f(x, in)
				}
			}
			p := foldPlan(4, 25, rootBytes, wrap)
			opts := scheduler.Options{Workers: workers, Memory: memory, RootsPerWorker: 100}
			if workers == 4 {
				// Check: 325 per worker. Four roots fit, with room for
				// the accumulators (non-root tasks are never held back).
				opts.Memory = 1300
			}
			vals, stats, err := scheduler.Run(t.Context(), p, opts)
			if err != nil {
				t.Fatal(err)
			}
			checkFold(t, vals, 4, 25)
			if stats.PeakLiveBytes > opts.Memory {
				t.Errorf("PeakLiveBytes = %d, more than Memory %d", stats.PeakLiveBytes, opts.Memory)
			}
			if stats.PeakLiveBytes < 2*rootBytes {
				t.Errorf("PeakLiveBytes = %d: roots never ran side by side", stats.PeakLiveBytes)
			}
			if m, fit := most.Load(), opts.Memory/rootBytes; m > fit {
				t.Errorf("%d roots ran at once, but only %d fit in %d bytes", m, fit, opts.Memory)
			}
		})
	}
}

// TestRootsPerWorker checks the K rule: with a slow consumer, roots pile
// up to K*Workers unconsumed outputs and no more. Time is synctest's, so
// that the roots (instant) always fill the room the steps (1 ms) leave.
func TestRootsPerWorker(t *testing.T) {
	for _, tc := range []struct {
		name       string
		workers, k int
	}{
		{"K=1 workers=2", 2, 1},
		{"K=2 workers=2", 2, 2},
		{"K=3 workers=2", 2, 3},
		{"K=2 workers=3", 3, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var live, most atomic.Int64
				wrap := func(kind graph.Kind, f graph.TaskFunc) graph.TaskFunc {
					return func(x *graph.Exec, in []any) (any, error) {
						if kind == graph.Root {
							n := live.Add(1)
							for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
							}
						} else {
							time.Sleep(time.Millisecond)
							live.Add(-1)
						}
						return f(x, in)
					}
				}
				p := foldPlan(1, 30, 8, wrap)
				vals, _, err := scheduler.Run(t.Context(), p, scheduler.Options{Workers: tc.workers, RootsPerWorker: tc.k, Memory: 1 << 20})
				if err != nil {
					t.Fatal(err)
				}
				checkFold(t, vals, 1, 30)
				// A root is counted by the test from its start to the
				// end of its consumer's run, inside the scheduler's count.
				if got, want := most.Load(), int64(tc.k*tc.workers); got != want {
					t.Errorf("at most %d roots were unconsumed at once, want K*Workers = %d", got, want)
				}
			})
		})
	}
}

// TestDeadlockRule runs plans that admission alone would stall: a root
// larger than the whole budget (Check bypassed), and a task with more
// root inputs than K*Workers.
func TestDeadlockRule(t *testing.T) {
	t.Run("root over budget", func(t *testing.T) {
		var b planBuilder
		l := b.layer("big", graph.Root, []int{3})
		c := b.layer("use", graph.Compute, []int{3})
		var outs []graph.TaskID
		for i := range 3 {
			r := b.task(l, int32(i), graph.Root, 2000, constRoot(float64(i), 2000))
			outs = append(outs, b.task(c, int32(i), graph.Compute, 8, func(_ *graph.Exec, in []any) (any, error) {
				return &block{v: in[0].(*block).v * 2, n: 8}, nil
			}, r))
		}
		p := b.plan(outs...)
		opts := scheduler.Options{Workers: 2, Memory: 1000}
		if err := scheduler.Check(p, opts); !errors.Is(err, scheduler.ErrBudget) {
			t.Fatalf("Check = %v, want ErrBudget", err)
		}
		vals, stats, err := scheduler.RunUnchecked(t.Context(), p, opts)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if v.(*block).v != float64(2*i) {
				t.Errorf("output %d = %v, want %d", i, v.(*block).v, 2*i)
			}
		}
		// One root at a time, each over the budget: the overshoot shows.
		if stats.PeakLiveBytes < 2000 || stats.PeakLiveBytes > 2000+3*8+8 {
			t.Errorf("PeakLiveBytes = %d, want one root (2000) and small values", stats.PeakLiveBytes)
		}
	})
	t.Run("more inputs than K*Workers", func(t *testing.T) {
		var b planBuilder
		l := b.layer("read", graph.Root, []int{9})
		m := b.layer("merge", graph.Compute, []int{1})
		var in []graph.TaskID
		for i := range 9 {
			in = append(in, b.task(l, int32(i), graph.Root, 8, constRoot(float64(i+1), 8)))
		}
		out := b.task(m, 0, graph.Compute, 8, func(_ *graph.Exec, in []any) (any, error) {
			var s float64
			for _, v := range in {
				s += v.(*block).v
			}
			return s, nil
		}, in...)
		vals, _, err := scheduler.Run(t.Context(), b.plan(out), scheduler.Options{Workers: 2, RootsPerWorker: 1})
		if err != nil {
			t.Fatal(err)
		}
		if vals[0] != 45.0 {
			t.Errorf("merge = %v, want 45", vals[0])
		}
	})
}

// TestRelease counts the values the scheduler holds after each task
// finishes: a fold over 100 roots of 100 bytes holds a few at a time and
// ends holding its output alone, its bytes the output's size.
func TestRelease(t *testing.T) {
	for _, workers := range []int{1, 2, 8} {
		var mostHeld, lastHeld int
		var lastLive int64
		restore := scheduler.SetFinishHook(func(live int64, held int) {
			mostHeld = max(mostHeld, held)
			lastHeld, lastLive = held, live
		})
		opts := scheduler.Options{Workers: workers, RootsPerWorker: 2, Memory: 1 << 20}
		vals, stats, err := scheduler.Run(t.Context(), foldPlan(1, 100, 100, nil), opts)
		restore()
		if err != nil {
			t.Fatal(err)
		}
		checkFold(t, vals, 1, 100)
		// K*Workers roots and the accumulator, and the next accumulator
		// as a step finishes.
		if limit := 2*workers + 2; mostHeld > limit {
			t.Errorf("workers %d: held up to %d values, want at most %d", workers, mostHeld, limit)
		}
		if lastHeld != 1 || lastLive != 8 {
			t.Errorf("workers %d: at the end, held %d values of %d bytes, want the output alone (1 of 8 bytes)", workers, lastHeld, lastLive)
		}
		if limit := int64(2*workers*100 + 2*8 + workers*100); stats.PeakLiveBytes > limit {
			t.Errorf("workers %d: PeakLiveBytes = %d, more than %d", workers, stats.PeakLiveBytes, limit)
		}
	}
	t.Run("unused and shared values", func(t *testing.T) {
		// r0 is an output and an input of c; u is used by nobody.
		var b planBuilder
		l := b.layer("x", graph.Root, []int{3})
		r0 := b.task(l, 0, graph.Root, 10, constRoot(1, 10))
		b.task(l, 1, graph.Root, 20, constRoot(2, 20))
		c := b.task(l, 2, graph.Compute, 30, constRoot(3, 30), r0)
		var lastHeld int
		var lastLive int64
		restore := scheduler.SetFinishHook(func(live int64, held int) { lastHeld, lastLive = held, live })
		defer restore()
		vals, _, err := scheduler.Run(t.Context(), b.plan(r0, c), scheduler.Options{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		if vals[0].(*block).v != 1 || vals[1].(*block).v != 3 {
			t.Errorf("outputs = %v, %v", vals[0], vals[1])
		}
		if lastHeld != 2 || lastLive != 40 {
			t.Errorf("at the end, held %d values of %d bytes, want the 2 outputs of 40 bytes", lastHeld, lastLive)
		}
	})
}

// errBoom is the failure of the tasks of the error tests.
var errBoom = errors.New("boom")

// TestTaskError fails block 3,0,0 of a layer "mean-t2m" while a sibling
// is running: the error names the task, wraps the cause, and Run returns
// only after the sibling has finished; nothing after the failure starts.
func TestTaskError(t *testing.T) {
	var b planBuilder
	grid := []int{4, 2, 2}
	l := b.layer("mean-t2m", graph.Compute, grid)
	failing := graph.FlatIndex(grid, []int{3, 0, 0})
	var started, finished atomic.Int32
	release := make(chan struct{})
	slow := b.task(l, 0, graph.Compute, 0, func(*graph.Exec, []any) (any, error) {
		started.Add(1)
		<-release
		finished.Add(1)
		return nil, nil
	})
	fail := b.task(l, int32(failing), graph.Compute, 0, func(*graph.Exec, []any) (any, error) {
		started.Add(1)
		close(release)
		return nil, errBoom
	})
	after := b.task(l, 1, graph.Compute, 0, func(*graph.Exec, []any) (any, error) {
		started.Add(1)
		return nil, nil
	}, fail)
	_, stats, err := scheduler.Run(t.Context(), b.plan(slow, after), scheduler.Options{Workers: 2})
	if err == nil {
		t.Fatal("Run succeeded, want an error")
	}
	if got, want := err.Error(), "scheduler: task mean-t2m/3,0,0: boom"; got != want {
		t.Errorf("error %q, want %q", got, want)
	}
	var te *scheduler.TaskError
	if !errors.As(err, &te) || te.Task != "mean-t2m/3,0,0" || te.Layer != "mean-t2m" || te.Err != errBoom {
		t.Errorf("error %#v, want a *TaskError for mean-t2m/3,0,0 of layer mean-t2m", err)
	}
	if !errors.Is(err, errBoom) {
		t.Errorf("errors.Is(%v, errBoom) = false", err)
	}
	if finished.Load() != 1 {
		t.Errorf("Run returned before the running task finished")
	}
	if started.Load() != 2 {
		t.Errorf("%d tasks started, want 2 (nothing after the failure)", started.Load())
	}
	if stats == nil {
		t.Errorf("Stats = nil after a failed run")
	}
}

func TestPanic(t *testing.T) {
	errInner := errors.New("inner")
	for _, tc := range []struct {
		name    string
		run     func()
		wantMsg string
		wantIs  error
	}{
		{"string", func() { panic("oops") }, "scheduler: task fold/0#2: panic: oops", nil},
		{"error value", func() { panic(errInner) }, "scheduler: task fold/0#2: panic: inner", errInner},
		{"runtime error", func() {
			var s []int
			_ = s[len(s)+1]
		}, "scheduler: task fold/0#2: panic: runtime error: index out of range [1] with length 0", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b planBuilder
			l := b.layer("fold", graph.Reduce, []int{1})
			ok := func(*graph.Exec, []any) (any, error) { return 0, nil }
			s0 := b.step(l, 0, 0, 0, ok)
			s1 := b.step(l, 0, 1, 0, ok, s0)
			s2 := b.step(l, 0, 2, 0, func(*graph.Exec, []any) (any, error) { panicky(tc.run); return 0, nil }, s1)
			_, _, err := scheduler.Run(t.Context(), b.plan(s2), scheduler.Options{Workers: 2})
			if err == nil || err.Error() != tc.wantMsg {
				t.Fatalf("error %v, want %q", err, tc.wantMsg)
			}
			if !errors.Is(err, scheduler.ErrPanic) {
				t.Errorf("errors.Is(err, ErrPanic) = false")
			}
			if tc.wantIs != nil && !errors.Is(err, tc.wantIs) {
				t.Errorf("errors.Is(err, %v) = false", tc.wantIs)
			}
			var pe *scheduler.PanicError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is no *PanicError", err)
			}
			if !strings.Contains(pe.Stack, "scheduler_test.panicky") {
				t.Errorf("Stack does not name the panicking function:\n%s", pe.Stack)
			}
			if strings.Contains(pe.Stack, "runtime.gopanic") || strings.Contains(pe.Stack, "(*state).exec") {
				t.Errorf("Stack shows the runtime's or the scheduler's frames:\n%s", pe.Stack)
			}
		})
	}
}

// panicky calls f, to have a named frame in the stack of a panic.
//
//go:noinline
func panicky(f func()) { f() }

func TestCancel(t *testing.T) {
	cause := errors.New("user pressed ^C")
	t.Run("while tasks run", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			// A chain of tasks of one second each; cancelled at 2.5 s.
			ctx, cancel := context.WithCancelCause(t.Context())
			var b planBuilder
			l := b.layer("slow", graph.Compute, []int{10})
			var ran atomic.Int32
			var prev []graph.TaskID
			var last graph.TaskID
			for i := range 10 {
				last = b.task(l, int32(i), graph.Compute, 0, func(x *graph.Exec, _ []any) (any, error) {
					ran.Add(1)
					time.Sleep(time.Second)
					return nil, nil
				}, prev...)
				prev = []graph.TaskID{last}
			}
			go func() {
				time.Sleep(2500 * time.Millisecond)
				cancel(cause)
			}()
			start := time.Now()
			_, _, err := scheduler.Run(ctx, b.plan(last), scheduler.Options{Workers: 2})
			if err != cause {
				t.Errorf("error %v, want the cause %v", err, cause)
			}
			// The third task was running; Run waited for it.
			if ran.Load() != 3 || time.Since(start) != 3*time.Second {
				t.Errorf("%d tasks ran, Run returned after %v; want 3, 3s", ran.Load(), time.Since(start))
			}
		})
	})
	t.Run("task waits on ctx", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(t.Context())
			var b planBuilder
			l := b.layer("wait", graph.Compute, []int{2})
			w := func(x *graph.Exec, _ []any) (any, error) {
				<-x.Ctx.Done()
				return nil, x.Ctx.Err()
			}
			t0, t1 := b.task(l, 0, graph.Compute, 0, w), b.task(l, 1, graph.Compute, 0, w)
			go func() {
				time.Sleep(time.Second)
				cancel(cause)
			}()
			_, _, err := scheduler.Run(ctx, b.plan(t0, t1), scheduler.Options{Workers: 2})
			if err != cause {
				t.Errorf("error %v, want the cause %v", err, cause)
			}
		})
	})
	t.Run("between tasks", func(t *testing.T) {
		// The tenth task of a chain cancels and succeeds: the scheduler
		// must not start the eleventh.
		ctx, cancel := context.WithCancelCause(t.Context())
		defer cancel(nil)
		var b planBuilder
		l := b.layer("chain", graph.Compute, []int{1000})
		var ran atomic.Int32
		var prev []graph.TaskID
		var last graph.TaskID
		for i := range 1000 {
			last = b.task(l, int32(i), graph.Compute, 0, func(*graph.Exec, []any) (any, error) {
				if ran.Add(1) == 10 {
					cancel(cause)
				}
				return nil, nil
			}, prev...)
			prev = []graph.TaskID{last}
		}
		_, _, err := scheduler.Run(ctx, b.plan(last), scheduler.Options{Workers: 2})
		if err != cause || ran.Load() != 10 {
			t.Errorf("error %v after %d tasks, want %v after 10", err, ran.Load(), cause)
		}
	})
	t.Run("before the run", func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(t.Context())
		cancel(cause)
		ran := false
		var b planBuilder
		l := b.layer("x", graph.Root, []int{1})
		r := b.task(l, 0, graph.Root, 0, func(*graph.Exec, []any) (any, error) { ran = true; return nil, nil })
		_, _, err := scheduler.Run(ctx, b.plan(r), scheduler.Options{})
		if err != cause || ran {
			t.Errorf("Run on a cancelled context: error %v, ran %v; want %v, false", err, ran, cause)
		}
	})
}

// TestNoLeak runs succeeding, failing, panicking and cancelled plans and
// checks that no goroutine is left: by count, and inside a synctest
// bubble, which fails if a goroutine of the bubble is left blocked.
func TestNoLeak(t *testing.T) {
	noCancel := func() {}
	plans := map[string]func(ctx context.Context) (*graph.Plan, context.Context, context.CancelFunc){
		"ok": func(ctx context.Context) (*graph.Plan, context.Context, context.CancelFunc) {
			return foldPlan(3, 20, 8, nil), ctx, noCancel
		},
		"error": func(ctx context.Context) (*graph.Plan, context.Context, context.CancelFunc) {
			return foldPlan(3, 20, 8, func(k graph.Kind, f graph.TaskFunc) graph.TaskFunc {
				if k == graph.Reduce {
					return func(*graph.Exec, []any) (any, error) { return nil, errBoom }
				}
				return f
			}), ctx, noCancel
		},
		"panic": func(ctx context.Context) (*graph.Plan, context.Context, context.CancelFunc) {
			return foldPlan(3, 20, 8, func(k graph.Kind, f graph.TaskFunc) graph.TaskFunc {
				return func(*graph.Exec, []any) (any, error) { panic("no") }
			}), ctx, noCancel
		},
		"cancel": func(ctx context.Context) (*graph.Plan, context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(ctx)
			return foldPlan(3, 20, 8, func(k graph.Kind, f graph.TaskFunc) graph.TaskFunc {
				return func(x *graph.Exec, in []any) (any, error) { cancel(); return f(x, in) }
			}), ctx, cancel
		},
	}
	before := runtime.NumGoroutine()
	for name, mk := range plans {
		for _, workers := range []int{1, 4} {
			p, ctx, cancel := mk(t.Context())
			_, _, err := scheduler.Run(ctx, p, scheduler.Options{Workers: workers, Progress: func(scheduler.Progress) {}})
			cancel()
			if (err == nil) != (name == "ok") {
				t.Errorf("%s, workers %d: error %v", name, workers, err)
			}
			synctest.Test(t, func(t *testing.T) {
				p, ctx, cancel := mk(t.Context())
				defer cancel()
				scheduler.Run(ctx, p, scheduler.Options{Workers: workers, Progress: func(scheduler.Progress) {}})
			})
		}
	}
	// A panic on the bookkeeping goroutine (here in Progress) goes on
	// out of Run, after the workers have ended.
	synctest.Test(t, func(t *testing.T) {
		p := foldPlan(2, 20, 8, func(_ graph.Kind, f graph.TaskFunc) graph.TaskFunc {
			return func(x *graph.Exec, in []any) (any, error) {
				time.Sleep(50 * time.Millisecond)
				return f(x, in)
			}
		})
		defer func() {
			if r := recover(); r != "progress bar broke" {
				t.Errorf("recovered %v, want the panic of Progress", r)
			}
		}()
		scheduler.Run(t.Context(), p, scheduler.Options{Workers: 2, Progress: func(scheduler.Progress) { panic("progress bar broke") }})
	})
	// Goroutines that called wg.Done may take a moment to be gone.
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines before the runs, %d after:\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}

func TestProgress(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var got []scheduler.Progress
		var calls []time.Time
		slow := func(k graph.Kind, f graph.TaskFunc) graph.TaskFunc {
			return func(x *graph.Exec, in []any) (any, error) {
				time.Sleep(30 * time.Millisecond)
				x.AddRead(100)
				return f(x, in)
			}
		}
		p := foldPlan(1, 20, 8, slow)
		_, _, err := scheduler.Run(t.Context(), p, scheduler.Options{Workers: 2, Progress: func(pr scheduler.Progress) {
			got = append(got, pr)
			calls = append(calls, time.Now())
		}})
		if err != nil {
			t.Fatal(err)
		}
		// 20 steps of 30 ms in a chain, the roots beside them: at least
		// 600 ms, so five ticks or more, and the final call.
		if len(got) < 6 {
			t.Fatalf("Progress called %d times, want at least 6", len(got))
		}
		for i := 1; i < len(got); i++ {
			if got[i].Done < got[i-1].Done || got[i].BytesRead < got[i-1].BytesRead || got[i].Elapsed < got[i-1].Elapsed {
				t.Errorf("progress went back: %+v then %+v", got[i-1], got[i])
			}
			if i < len(got)-1 && calls[i].Sub(calls[i-1]) < scheduler.ProgressInterval {
				t.Errorf("calls %d and %d %v apart, less than %v", i-1, i, calls[i].Sub(calls[i-1]), scheduler.ProgressInterval)
			}
		}
		last := got[len(got)-1]
		if last.Done != len(p.Tasks) || last.Total != len(p.Tasks) || last.BytesRead != 100*int64(len(p.Tasks)) {
			t.Errorf("final progress %+v, want Done = Total = %d, BytesRead %d", last, len(p.Tasks), 100*len(p.Tasks))
		}
	})
}

func TestOptionsDefaults(t *testing.T) {
	o := scheduler.Options{}.WithDefaults()
	if o.Workers != runtime.GOMAXPROCS(0) || o.RootsPerWorker != 2 || o.Memory != scheduler.DefaultMemory() || o.Memory <= 0 {
		t.Errorf("defaults %+v", o)
	}
	set := scheduler.Options{Workers: 3, Memory: 5, RootsPerWorker: 7}
	if got := set.WithDefaults(); got.Workers != 3 || got.Memory != 5 || got.RootsPerWorker != 7 {
		t.Errorf("WithDefaults changed set fields: %+v", got)
	}
}

func TestParseMemInfo(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       int64
	}{
		{"linux", "MemTotal:       16315740 kB\nMemFree:         1234 kB\n", 16315740 * 1024},
		{"not first", "MemFree: 1 kB\nMemTotal: 2 kB\n", 2048},
		{"missing", "MemFree: 1 kB\n", -1},
		{"garbage", "MemTotal: lots kB\n", -1},
		{"empty", "", -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := scheduler.ParseMemInfo([]byte(tc.text)); got != tc.want {
				t.Errorf("parseMemInfo(%q) = %d, want %d", tc.text, got, tc.want)
			}
		})
	}
}
