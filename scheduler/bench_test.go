package scheduler_test

import (
	"testing"
	"time"

	"github.com/tesseradata/tessera/graph"
	"github.com/tesseradata/tessera/scheduler"
)

// overheadTasks is the size of the plans of BenchmarkOverhead.
const overheadTasks = 100_000

// BenchmarkOverhead measures the scheduler's cost per task on trivial
// tasks, with the default workers (GOMAXPROCS):
//
//   - fold: a fold chain over 50,000 roots, one step per root (100,000
//     tasks), in the order graph.Build gives it: the chain is serial, so
//     every step waits for a round trip through the bookkeeper;
//   - wide: 100,000 independent root tasks.
func BenchmarkOverhead(b *testing.B) {
	trivial := func(*graph.Exec, []any) (any, error) { return nil, nil }
	wide := func() *graph.Plan {
		var pb planBuilder
		l := pb.layer("wide", graph.Root, []int{overheadTasks})
		for i := range overheadTasks {
			pb.task(l, int32(i), graph.Root, 8, trivial)
		}
		return pb.plan()
	}
	for _, bc := range []struct {
		name string
		plan *graph.Plan
	}{
		{"fold", foldPlan(1, overheadTasks/2, 8, nil)},
		{"wide", wide()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := scheduler.Run(b.Context(), bc.plan, scheduler.Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(bc.plan.Tasks)), "ns/task")
		})
	}
}

// BenchmarkSpeedup runs a CPU-bound plan, 64 roots each adding up 4M
// float64 in a loop, folded in a chain, with 1 and then 2 workers, and
// reports the ratio of the times (the speedup of the second worker).
func BenchmarkSpeedup(b *testing.B) {
	const roots, n = 64, 4 << 20
	var pb planBuilder
	read := pb.layer("spin", graph.Root, []int{roots})
	sum := pb.layer("sum", graph.Reduce, []int{1})
	var acc graph.TaskID
	for k := range roots {
		r := pb.task(read, int32(k), graph.Root, 8, func(*graph.Exec, []any) (any, error) {
			s := float64(k)
			for i := range n {
				s += float64(i&1023) * 1.0000001
			}
			return &block{v: s, n: 8}, nil
		})
		if k == 0 {
			acc = pb.step(sum, 0, 0, 8, sumStep(8), r)
		} else {
			acc = pb.step(sum, 0, int32(k), 8, sumStep(8), acc, r)
		}
	}
	p := pb.plan(acc)
	var t1, t2 time.Duration
	for b.Loop() {
		for _, w := range []int{1, 2} {
			start := time.Now()
			if _, _, err := scheduler.Run(b.Context(), p, scheduler.Options{Workers: w}); err != nil {
				b.Fatal(err)
			}
			if w == 1 {
				t1 += time.Since(start)
			} else {
				t2 += time.Since(start)
			}
		}
	}
	b.ReportMetric(float64(t1.Milliseconds())/float64(b.N), "ms/1worker")
	b.ReportMetric(float64(t2.Milliseconds())/float64(b.N), "ms/2workers")
	b.ReportMetric(float64(t1)/float64(t2), "speedup")
}
