// Command outofcore computes the mean of a synthetic chunked array far
// larger than its memory budget, to show that tessera's engine stays
// within the budget: by default 16 GiB of float64 (2^31 values, produced
// block by block by a loader function) with a 512 MiB budget.
//
// Run it under /usr/bin/time -v to see the peak resident memory:
//
//	go build -o /tmp/outofcore ./bench/outofcore
//	/usr/bin/time -v /tmp/outofcore -gib 16 -memory 512
//
// Every value is i mod 1024 for its row-major index i, so the exact mean
// is 511.5 whatever the size; the program checks it and exits 1 if the
// result differs.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/tesseradata/tessera/bench/internal/measure"
	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/graph"
	"github.com/tesseradata/tessera/ndarray"
	"github.com/tesseradata/tessera/scheduler"
)

func main() {
	gib := flag.Int("gib", 16, "decoded size of the array in GiB (a multiple of 1/128)")
	memory := flag.Int("memory", 512, "memory budget in MiB")
	block := flag.Int("block", 32, "block size in MiB")
	workers := flag.Int("workers", 0, "workers (0: all cores)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	stop, err := measure.CPUProfile(*cpuprofile)
	if err == nil {
		ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
		err = run(ctx, *gib, *memory, *block, *workers)
		cancel()
		stop()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "outofcore:", err)
		os.Exit(1)
	}
}

// run computes the mean of the generated array within the budget,
// prints the time and the scheduler's peak, and checks the result.
func run(ctx context.Context, gib, memMiB, blockMiB, workers int) error {
	const rowLen = 1 << 20 // 8 MiB rows of float64
	rows := gib << 30 / 8 / rowLen
	perBlock := max(1, blockMiB<<20/8/rowLen)
	shape := []int{rows, rowLen}
	a, err := chunk.FromSource(chunk.Source{
		Name: "generate", DType: ndarray.Float64, Shape: shape,
		Chunks: chunk.Regular(shape, []int{perBlock, rowLen}),
		Load: func(x *graph.Exec, start, bshape []int) (*ndarray.Array, error) {
			b := ndarray.Zeros(ndarray.Float64, bshape...)
			d, _ := ndarray.Data[float64](b)
			base := start[0] * rowLen
			for i := range d {
				d[i] = float64((base + i) & 1023)
			}
			x.AddRead(int64(8 * len(d)))
			return b, nil
		},
	})
	if err != nil {
		return err
	}
	m, err := chunk.Reduce(ndarray.Mean, a, ndarray.ReduceOptions{})
	if err != nil {
		return err
	}
	opts := chunk.Options{Options: scheduler.Options{Workers: workers, Memory: int64(memMiB) << 20}}
	var stats *scheduler.Stats
	opts.OnStats = func(s *scheduler.Stats) { stats = s }
	fmt.Printf("mean of %d x %d float64 (%d GiB) in blocks of %d MiB, budget %d MiB\n",
		rows, rowLen, gib, perBlock*rowLen*8>>20, memMiB)
	start := time.Now()
	res, err := chunk.Compute(ctx, opts, m)
	if err != nil {
		return err
	}
	el := time.Since(start)
	got := res[0].At()
	fmt.Printf("mean %v (exact 511.5) in %v, %.2f GB/s\n", got, el.Round(time.Millisecond), float64(a.Nbytes())/el.Seconds()/1e9)
	if stats != nil {
		fmt.Printf("tasks %d, peak live %d MiB of %d MiB budget\n", stats.Tasks, stats.PeakLiveBytes>>20, memMiB)
	}
	if got != 511.5 {
		return fmt.Errorf("mean %v, want 511.5", got)
	}
	return nil
}
