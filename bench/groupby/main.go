// Command groupby times tessera's grouped reductions against a plain
// time mean of the same data, in one process, interleaved: the seasonal
// climatology (groupby "time.season" mean), the per-year seasons
// (Resample QS-DEC mean) and the monthly climatology, each as a ratio to
// the time mean, which reads and decodes the same bytes.
//
//	go run ./bench/gen -out bench/data/era -years 2
//	go run ./bench/groupby -files 'bench/data/era/*.nc' -runs 5
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/tesseradata/tessera/bench/internal/measure"
	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/groupby"
	"github.com/tesseradata/tessera/io/netcdf"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/scheduler"
)

func main() {
	files := flag.String("files", "bench/data/era/*.nc", "input files (glob)")
	variable := flag.String("var", "t2m", "variable")
	runs := flag.Int("runs", 5, "repetitions of each computation")
	memory := flag.Int("memory", 512, "memory budget in MiB")
	flag.Parse()
	if err := run(*files, *variable, *runs, *memory); err != nil {
		fmt.Fprintln(os.Stderr, "groupby:", err)
		os.Exit(1)
	}
}

// job is one computation and the times of its runs.
type job struct {
	name  string
	build func(a *labels.DataArray) (*labels.DataArray, error)
	times []time.Duration
}

// run times the computations, interleaved, and prints each one's
// median, min, max and ratio to the time mean.
func run(files, variable string, runs, memMiB int) error {
	ds, err := netcdf.OpenMF([]string{files}, "")
	if err != nil {
		return err
	}
	a, err := ds.Array(variable)
	if err != nil {
		return err
	}
	grouped := func(key groupby.Key) func(a *labels.DataArray) (*labels.DataArray, error) {
		return func(a *labels.DataArray) (*labels.DataArray, error) {
			g, err := groupby.Array(a, key)
			if err != nil {
				return nil, err
			}
			return g.Mean()
		}
	}
	jobs := []*job{
		{name: "time mean", build: func(a *labels.DataArray) (*labels.DataArray, error) { return a.Mean("time") }},
		{name: "season climatology (groupby time.season)", build: grouped(groupby.By("time.season"))},
		{name: "per-year seasons (resample QS-DEC)", build: grouped(groupby.Resample("time", "QS-DEC"))},
		{name: "monthly climatology (groupby time.month)", build: grouped(groupby.By("time.month"))},
	}
	opts := chunk.Options{Options: scheduler.Options{Memory: int64(memMiB) << 20}}
	fmt.Printf("%s: %s %v, %d runs each, interleaved, memory %d MiB\n", files, variable, a.Shape(), runs, memMiB)
	for r := 0; r < runs+1; r++ {
		for _, j := range jobs {
			start := time.Now()
			out, err := j.build(a)
			if err != nil {
				return fmt.Errorf("%s: %w", j.name, err)
			}
			if _, err := out.Values(context.Background(), opts); err != nil {
				return fmt.Errorf("%s: %w", j.name, err)
			}
			if r > 0 { // the first round warms the page cache
				j.times = append(j.times, time.Since(start))
			}
		}
	}
	base := measure.Median(jobs[0].times)
	fmt.Printf("%-44s %10s %10s %10s %8s\n", "computation", "median", "min", "max", "ratio")
	for _, j := range jobs {
		m := measure.Median(j.times)
		fmt.Printf("%-44s %10.3f %10.3f %10.3f %7.2fx\n", j.name, m.Seconds(), slices.Min(j.times).Seconds(), slices.Max(j.times).Seconds(), m.Seconds()/base.Seconds())
	}
	return nil
}
