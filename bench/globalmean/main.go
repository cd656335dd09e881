// Command globalmean times the global mean of a variable over many
// netCDF files with tessera (as a child process, so that its peak memory
// is its own) against `cdo timmean` on the same files, interleaved, in
// one run, and prints the medians, the ratio and the peak resident
// memory of each.
//
//	go run ./bench/gen -out bench/data/era -years 2
//	go run ./bench/globalmean -files 'bench/data/era/*.nc' -runs 5
//
// CDO's timmean computes the time mean at every grid point, which reads
// and decodes the same data as a global mean; it is the nearest CDO
// operator (fldmean of timmean adds a negligible step).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/tesseradata/tessera/bench/internal/measure"
	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/io/netcdf"
	"github.com/tesseradata/tessera/scheduler"
)

func main() {
	files := flag.String("files", "bench/data/era/*.nc", "input files (glob)")
	variable := flag.String("var", "t2m", "variable")
	runs := flag.Int("runs", 5, "repetitions of each tool")
	memory := flag.Int("memory", 256, "tessera's memory budget in MiB")
	child := flag.Bool("child", false, "compute once and print the mean (used by the parent)")
	cpuprofile := flag.String("cpuprofile", "", "with -child: write a CPU profile to this file")
	flag.Parse()
	if *child {
		stop, err := measure.CPUProfile(*cpuprofile)
		if err == nil {
			err = mean(*files, *variable, *memory)
			stop()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "globalmean:", err)
			os.Exit(1)
		}
		return
	}
	if err := compare(*files, *variable, *runs, *memory); err != nil {
		fmt.Fprintln(os.Stderr, "globalmean:", err)
		os.Exit(1)
	}
}

// mean computes and prints the global mean with tessera.
func mean(files, variable string, memMiB int) error {
	ds, err := netcdf.OpenMF([]string{files}, "")
	if err != nil {
		return err
	}
	a, err := ds.Array(variable)
	if err != nil {
		return err
	}
	m, err := a.Mean()
	if err != nil {
		return err
	}
	v, err := m.Values(context.Background(), chunk.Options{Options: scheduler.Options{Memory: int64(memMiB) << 20}})
	if err != nil {
		return err
	}
	fmt.Printf("%.10g\n", v.At())
	return nil
}

// result is one run of a tool.
type result struct {
	wall time.Duration
	rss  int64 // bytes
	out  string
}

// run runs a tool, its stderr passed through, and returns its time,
// peak memory and trimmed stdout.
func run(name string, args ...string) (result, error) {
	cmd := exec.Command(name, args...)
	var out strings.Builder
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	wall, rss, err := measure.Run(cmd)
	if err != nil {
		return result{}, fmt.Errorf("%s: %w", name, err)
	}
	return result{wall: wall, rss: rss, out: strings.TrimSpace(out.String())}, nil
}

// compare times tessera (this program as a child) against cdo timmean,
// interleaved, and prints every run and the summary.
func compare(files, variable string, runs, memMiB int) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	matches, _ := filepath.Glob(files)
	if len(matches) == 0 {
		return fmt.Errorf("no files match %q (make them with go run ./bench/gen)", files)
	}
	size := measure.Size(matches)
	tmp, err := os.MkdirTemp("", "globalmean")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	cdoArgs := append([]string{"-s", "-L", "timmean", "-select,name=" + variable}, matches...)
	cdoArgs = append(cdoArgs, filepath.Join(tmp, "timmean.nc"))
	var ts, cs []result
	for i := range runs {
		t, err := run(self, "-child", "-files", files, "-var", variable, "-memory", fmt.Sprint(memMiB))
		if err != nil {
			return err
		}
		c, err := run("cdo", cdoArgs...)
		if err != nil {
			return err
		}
		ts, cs = append(ts, t), append(cs, c)
		fmt.Printf("run %d: tessera %v (%d MiB), cdo timmean %v (%d MiB)\n", i+1, t.wall.Round(time.Millisecond), t.rss>>20, c.wall.Round(time.Millisecond), c.rss>>20)
	}
	tm, cm := medianWall(ts), medianWall(cs)
	fmt.Printf("\n%d files, %.0f MiB; global mean of %s = %s\n", len(matches), float64(size)/(1<<20), variable, ts[0].out)
	fmt.Printf("tessera          median %v (%.2f GB/s of file), peak RSS %d MiB\n", tm.Round(time.Millisecond), float64(size)/tm.Seconds()/1e9, maxRSS(ts)>>20)
	fmt.Printf("cdo timmean      median %v (%.2f GB/s of file), peak RSS %d MiB\n", cm.Round(time.Millisecond), float64(size)/cm.Seconds()/1e9, maxRSS(cs)>>20)
	fmt.Printf("ratio            tessera is %.1fx faster\n", cm.Seconds()/tm.Seconds())
	return nil
}

// medianWall is the median wall time of the runs.
func medianWall(rs []result) time.Duration {
	w := make([]time.Duration, len(rs))
	for i, r := range rs {
		w[i] = r.wall
	}
	return measure.Median(w)
}

// maxRSS is the largest peak memory of the runs.
func maxRSS(rs []result) int64 {
	var m int64
	for _, r := range rs {
		m = max(m, r.rss)
	}
	return m
}
