package chunk_test

import (
	"math"
	"testing"
	"time"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/graph"
	"github.com/tesseradata/tessera/ndarray"
	"github.com/tesseradata/tessera/scheduler"
)

// cpuBound returns a 64 x 2^17 float64 array in blocks of 1 MiB whose
// loader spends its time computing (a few transcendental functions per
// value) rather than moving memory, so the blocks stay in cache and the
// run measures the engine's parallelism, not the memory bus.
func cpuBound(b *testing.B) *chunk.Array {
	shape := []int{64, 1 << 17}
	a, err := chunk.FromSource(chunk.Source{
		Name: "compute", DType: ndarray.Float64, Shape: shape, Chunks: chunk.Regular(shape, []int{1, 1 << 17}),
		Load: func(_ *graph.Exec, start, bshape []int) (*ndarray.Array, error) {
			blk := ndarray.Zeros(ndarray.Float64, bshape...)
			d, _ := ndarray.Data[float64](blk)
			for i := range d {
				x := float64(start[0]*len(d) + i)
				d[i] = math.Sin(x) * math.Exp(-math.Abs(math.Cos(x)))
			}
			return blk, nil
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	m, err := chunk.Reduce(ndarray.Mean, a, ndarray.ReduceOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkSpeedup runs a CPU-bound chunked reduction with one worker and
// with two, and reports the two-worker speed-up over one (the engine's
// target on a 2-core machine is at least 1.8x):
//
//	go test -run '^$' -bench Speedup -benchtime 5x ./chunk/
func BenchmarkSpeedup(b *testing.B) {
	m := cpuBound(b)
	run := func(workers int) time.Duration {
		o := chunk.Options{Options: scheduler.Options{Workers: workers, Memory: 256 << 20}}
		start := time.Now()
		if _, err := chunk.Compute(b.Context(), o, m); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	var one, two time.Duration
	for b.Loop() {
		one += run(1)
		two += run(2)
	}
	b.ReportMetric(float64(one)/float64(two), "speedup")
	b.ReportMetric(float64(one.Milliseconds())/float64(b.N), "ms/1worker")
	b.ReportMetric(float64(two.Milliseconds())/float64(b.N), "ms/2workers")
}

// BenchmarkBlockOverhead measures the engine's cost per block: a sum over
// 10,000 blocks of 8 values each, reported per block.
func BenchmarkBlockOverhead(b *testing.B) {
	x := ndarray.Zeros(ndarray.Float64, 10000, 8)
	a, err := chunk.FromArray(x, chunk.Regular(x.Shape(), []int{1, 8}))
	if err != nil {
		b.Fatal(err)
	}
	m, err := chunk.Reduce(ndarray.Sum, a, ndarray.ReduceOptions{}, 0)
	if err != nil {
		b.Fatal(err)
	}
	o := chunk.Options{Options: scheduler.Options{Memory: 256 << 20}}
	for b.Loop() {
		if _, err := chunk.Compute(b.Context(), o, m); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/10000, "ns/block")
}
