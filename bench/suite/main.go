// Command suite is tessera's end-to-end benchmark: on the same files, in
// one run, it times five analyses with tessera (its CLI, and its library
// where no command exists), CDO, NCO where it has the operator, and
// xarray + dask; runs interleaved, several repetitions; reports the
// median and min-max, the peak resident memory of every process, the
// ratio to tessera and whether each output agrees with tessera's.
//
//	go run ./bench/suite            # the full suite (tens of minutes)
//	go run ./bench/suite -quick     # about a minute: checks the suite itself
//
// Tasks:
//
// tessera runs as its CLI for yseasmean and seasmean (and as its library,
// "tessera-lib", for comparison), as its library for the others.
//
//	timmean    the time mean of every grid point (the global mean's work):
//	           cdo timmean, ncra, xarray .mean("time")
//	yseasmean  the seasonal climatology: tessera yseasmean, cdo yseasmean,
//	           xarray groupby("time.season").mean("time")
//	seasmean   every season of every year: tessera seasmean, cdo seasmean,
//	           xarray resample(time="QS-DEC").mean()
//	range      the xray announcement's |JJA - DJF| of the climatology
//	           (tessera reads only summer and winter months)
//	anomvar    the variance over time of seasonal anomalies
//
// Scales: "2y" (2 years of 6-hourly 256 x 512 packed int16 in monthly
// classic files, 731 MiB), "2y-zlib" (the same as netCDF-4 with deflate
// level 1 and shuffle) and "8y" (8 years; tessera runs with --memory an
// eighth of the decoded size, out of core). Worker scaling runs tessera's
// yseasmean with 1..N workers. Results go to -out as results.md,
// results.json and results.png, stamped with the machine and the
// versions of the peers.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/tesseradata/tessera/bench/internal/measure"
	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/groupby"
	"github.com/tesseradata/tessera/io/netcdf"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/ndarray"
	"github.com/tesseradata/tessera/scheduler"
)

type config struct {
	data, out, variable string
	runs                int
	quick               bool
	scales, tasks       []string
	tools               []string
	scaling             bool
}

func main() {
	var c config
	var scales, tasks, tools string
	child := flag.String("child", "", "internal: run a library task (timmean, yseasmean, seasmean, range, anomvar) and write -o")
	o := flag.String("o", "", "internal: the child's output file")
	memory := flag.Int64("memory", 0, "internal: the child's memory budget in bytes")
	flag.StringVar(&c.data, "data", "bench/data", "where the generated inputs live")
	flag.StringVar(&c.out, "out", "bench/results", "where the results go")
	flag.StringVar(&c.variable, "var", "t2m", "variable")
	flag.IntVar(&c.runs, "runs", 5, "repetitions of each tool")
	flag.BoolVar(&c.quick, "quick", false, "a small dataset and one run, to check the suite (about a minute)")
	flag.StringVar(&scales, "scales", "2y,2y-zlib,8y", "scales to run")
	flag.StringVar(&tasks, "tasks", "timmean,yseasmean,seasmean,range,anomvar", "tasks to run")
	flag.StringVar(&tools, "tools", "tessera,tessera-lib,cdo,nco,xarray", "tools to run (tessera-lib: the library where tessera is the CLI)")
	flag.BoolVar(&c.scaling, "scaling", true, "time tessera's yseasmean with 1..N workers")
	cpuprofile := flag.String("cpuprofile", "", "internal: the child's CPU profile")
	render := flag.String("render", "", "write results.md and results.png again from this results.json, running nothing")
	flag.Parse()
	if *render != "" {
		if err := rerender(*render); err != nil {
			fmt.Fprintln(os.Stderr, "suite:", err)
			os.Exit(1)
		}
		return
	}
	if *child != "" {
		stop, err := measure.CPUProfile(*cpuprofile)
		if err == nil {
			err = runChild(*child, c.variable, *o, *memory, flag.Args())
			stop()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "suite:", err)
			os.Exit(1)
		}
		return
	}
	c.scales, c.tasks, c.tools = strings.Split(scales, ","), strings.Split(tasks, ","), strings.Split(tools, ",")
	if c.quick {
		c.scales, c.runs = []string{"quick"}, 1
	}
	if err := suite(c); err != nil {
		fmt.Fprintln(os.Stderr, "suite:", err)
		os.Exit(1)
	}
}

// scale is a set of generated input files: one per month of years.
type scale struct {
	name, dir string
	years     int
	gen       []string // bench/gen flags besides -years
	memory    int64    // tessera's --memory, 0 for its default
	decoded   int64    // bytes of the variable decoded (float64)
}

// scaleOf returns the scale called name, its files under data.
func scaleOf(name, data string) (scale, error) {
	switch name {
	case "quick":
		return scale{name: name, dir: filepath.Join(data, "quick"), years: 2, gen: []string{"-lat", "48", "-lon", "96"}}, nil
	case "2y":
		return scale{name: name, dir: filepath.Join(data, "era"), years: 2}, nil
	case "2y-zlib":
		return scale{name: name, dir: filepath.Join(data, "era-zlib"), years: 2, gen: []string{"-format", "netcdf4", "-compress", "1"}}, nil
	case "8y":
		return scale{name: name, dir: filepath.Join(data, "era8"), years: 8}, nil
	}
	return scale{}, fmt.Errorf("unknown scale %q (quick, 2y, 2y-zlib, 8y)", name)
}

// Timing is the runs of one tool on one task at one scale.
type Timing struct {
	Scale, Task, Tool string
	Command           string
	Seconds           []float64
	Median, Min, Max  float64
	PeakRSSMiB        int64
	Ratio             float64 // median / tessera's
	Agrees            string
	Failed            string `json:",omitempty"`
}

// Results is what the suite writes.
type Results struct {
	Date     string
	Machine  map[string]string
	Versions map[string]string
	Timings  []*Timing
	Scaling  []ScalingPoint
	// Budgets is tessera's --memory per scale, where one was set.
	Budgets map[string]int64 `json:",omitempty"`
}

// ScalingPoint is tessera's yseasmean with Workers workers.
type ScalingPoint struct {
	Scale   string
	Workers int
	Median  float64
	Speedup float64
}

func suite(c config) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "tessera-suite")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "tessera")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/tessera").CombinedOutput(); err != nil {
		return fmt.Errorf("building the tessera CLI: %v: %s", err, out)
	}
	for name, text := range scripts {
		if err := os.WriteFile(filepath.Join(tmp, name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	res := &Results{Date: time.Now().UTC().Format(time.RFC3339), Machine: machine(), Versions: versions()}
	fmt.Printf("tessera suite, %s\n%s\n", res.Date, stamp(res))
	for _, sn := range c.scales {
		sc, err := scaleOf(sn, c.data)
		if err != nil {
			return err
		}
		files, err := ensure(sc)
		if err != nil {
			return err
		}
		size := measure.Size(files)
		ds, err := netcdf.OpenMF(files, "")
		if err != nil {
			return err
		}
		v, err := ds.Variable(c.variable)
		if err != nil {
			return err
		}
		sc.decoded = int64(v.Data().Size()) * 8
		if sn == "8y" {
			sc.memory = sc.decoded / 8
			if res.Budgets == nil {
				res.Budgets = map[string]int64{}
			}
			res.Budgets[sn] = sc.memory
		}
		fmt.Printf("\nscale %s: %d files, %.0f MiB on disk, %s %v, %.0f MiB decoded; tessera memory %s\n",
			sn, len(files), float64(size)/(1<<20), c.variable, v.Shape(), float64(sc.decoded)/(1<<20), memString(sc.memory))
		res.Timings = append(res.Timings, runScale(c, sc, files, self, bin, tmp)...)
		if c.scaling && (sn == "2y" || sn == "quick") {
			pts, err := scaling(c, sc, files, bin, tmp)
			if err != nil {
				return err
			}
			res.Scaling = append(res.Scaling, pts...)
		}
	}
	return report(c, res)
}

// ensure generates a scale's files once.
func ensure(sc scale) ([]string, error) {
	files, _ := filepath.Glob(filepath.Join(sc.dir, "*.nc"))
	if len(files) == 12*sc.years {
		slices.Sort(files)
		return files, nil
	}
	fmt.Printf("generating %s into %s ...\n", sc.name, sc.dir)
	gen := append([]string{"-years", fmt.Sprint(sc.years)}, sc.gen...)
	cmd := exec.Command("go", append([]string{"run", "./bench/gen", "-out", sc.dir}, gen...)...)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("bench/gen %v: %w", gen, err)
	}
	files, _ = filepath.Glob(filepath.Join(sc.dir, "*.nc"))
	slices.Sort(files)
	return files, nil
}

// command returns how tool runs task, or "" where it has no operator.
func command(task, tool string, c config, sc scale, files []string, self, bin, tmp, out string) (string, []string) {
	v := c.variable
	mem := []string{}
	if sc.memory > 0 {
		mem = []string{"--memory", fmt.Sprint(sc.memory)}
	}
	// The library, as a child of this program.
	lib := func() (string, []string) {
		return self, append([]string{"-child", task, "-var", v, "-o", out, "-memory", fmt.Sprint(sc.memory)}, files...)
	}
	switch tool {
	case "tessera":
		switch task {
		case "yseasmean", "seasmean":
			return bin, append(append([]string{task, "--progress", "never", "-v", v, "-o", out}, mem...), files...)
		default:
			return lib()
		}
	case "cdo":
		sel := append(append([]string{"-select,name=" + v, "["}, files...), "]")
		switch task {
		case "timmean", "yseasmean", "seasmean":
			return "cdo", append(append([]string{"-s", "-b", "F64", task}, sel...), out)
		case "range":
			clim := out + ".clim.nc"
			// CDO writes DJF, MAM, JJA, SON (its yseas time stamps are
			// unreliable, SEASONAL.md C4, so steps are picked by position).
			script := fmt.Sprintf("cdo -s -b F64 yseasmean %s %s && cdo -s -b F64 -abs -sub -seltimestep,3 %s -seltimestep,1 %s %s",
				strings.Join(sel, " "), clim, clim, clim, out)
			return "sh", []string{"-c", script}
		case "anomvar":
			clim := out + ".clim.nc"
			script := fmt.Sprintf("cdo -s -b F64 yseasmean %s %s && cdo -s -b F64 -timvar -yseassub %s %s %s",
				strings.Join(sel, " "), clim, strings.Join(sel, " "), clim, out)
			return "sh", []string{"-c", script}
		}
	case "nco":
		if task == "timmean" {
			return "ncra", append(append([]string{"-O", "-v", v}, files...), out)
		}
	case "tessera-lib":
		// The library where the CLI runs the task; tessera is the
		// library already for the others.
		if task == "yseasmean" || task == "seasmean" {
			return lib()
		}
	case "xarray":
		return "/usr/bin/python3", append([]string{filepath.Join(tmp, "xr.py"), task, v, out}, files...)
	}
	return "", nil
}

// runScale times every task by every tool that has it at one scale,
// the tools interleaved in each repetition, and checks each output
// against tessera's. A tool that fails is recorded as failed and not
// run again.
func runScale(c config, sc scale, files []string, self, bin, tmp string) []*Timing {
	var all []*Timing
	for _, task := range c.tasks {
		outPath := func(tool string) string {
			return filepath.Join(tmp, fmt.Sprintf("%s-%s-%s.nc", sc.name, task, tool))
		}
		ts := map[string]*Timing{}
		var tools []string
		for _, tool := range c.tools {
			if name, _ := command(task, tool, c, sc, files, self, bin, tmp, "x"); name != "" {
				tools = append(tools, tool)
				ts[tool] = &Timing{Scale: sc.name, Task: task, Tool: tool}
			}
		}
		for i := range c.runs {
			for _, tool := range tools {
				t := ts[tool]
				if t.Failed != "" {
					continue
				}
				out := outPath(tool)
				os.Remove(out)
				name, args := command(task, tool, c, sc, files, self, bin, tmp, out)
				t.Command = strings.ReplaceAll(name+" "+strings.Join(shorten(args, files), " "), tmp, "$TMP")
				if name == self {
					t.Command = strings.Replace(t.Command, self, "suite", 1)
				}
				secs, rss, err := timeCmd(name, args...)
				if err != nil {
					t.Failed = err.Error()
					fmt.Printf("  %-8s %-10s run %d %-8s FAILED: %s\n", sc.name, task, i+1, tool, firstLine(t.Failed))
					continue
				}
				t.Seconds = append(t.Seconds, secs)
				t.PeakRSSMiB = max(t.PeakRSSMiB, rss>>20)
				fmt.Printf("  %-8s %-10s run %d %-8s %8.3f s %6d MiB\n", sc.name, task, i+1, tool, secs, rss>>20)
			}
		}
		for _, tool := range tools {
			t := ts[tool]
			all = append(all, t)
			if len(t.Seconds) == 0 {
				t.Agrees = "-"
				continue
			}
			t.Median, t.Min, t.Max = measure.Median(t.Seconds), slices.Min(t.Seconds), slices.Max(t.Seconds)
			if tt := ts["tessera"]; tt != nil && len(tt.Seconds) > 0 {
				t.Ratio = t.Median / measure.Median(tt.Seconds)
			}
			if tool == "tessera" {
				t.Agrees = "reference"
			} else {
				t.Agrees = agree(tmp, task, tool, c.variable, outPath("tessera"), outPath(tool))
			}
		}
	}
	return all
}

// shorten replaces the list of input files in a command by a glob, for
// the report.
func shorten(args, files []string) []string {
	var out []string
	skipping := false
	for _, a := range args {
		if slices.Contains(files, a) {
			if !skipping {
				out = append(out, filepath.Join(filepath.Dir(files[0]), "*.nc"))
			}
			skipping = true
			continue
		}
		skipping = false
		if strings.Contains(a, files[0]) {
			a = strings.ReplaceAll(a, strings.Join(files, " "), filepath.Join(filepath.Dir(files[0]), "*.nc"))
		}
		out = append(out, a)
	}
	return out
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 160 {
		s = s[:160] + "..."
	}
	return s
}

// timeCmd runs a command, its output discarded, and returns its wall
// time in seconds and its peak RSS in bytes; an error carries its
// stderr.
func timeCmd(name string, args ...string) (float64, int64, error) {
	cmd := exec.Command(name, args...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	wall, rss, err := measure.Run(cmd)
	if err != nil {
		return 0, 0, fmt.Errorf("%v: %s", err, strings.TrimSpace(errb.String()))
	}
	return wall.Seconds(), rss, nil
}

// agree compares another tool's output with tessera's.
//
// xarray computes in float32 (the type it decodes packed int16 to), so
// its outputs are checked to float32 precision: 2e-5 relative, and
// 3e-4 absolute for the range, a difference of means near 300 K; the
// others (float64 arithmetic) to 1e-6 relative.
func agree(tmp, task, tool, variable, ref, other string) string {
	rtol, atol := "1e-6", "0"
	if tool == "xarray" {
		rtol = "2e-5"
		if task == "range" {
			atol = "3e-4"
		}
	}
	out, err := exec.Command("/usr/bin/python3", filepath.Join(tmp, "cmp.py"), task, tool, variable, ref, other, rtol, atol).CombinedOutput()
	var r struct {
		OK  bool
		Why string
	}
	if err != nil || json.Unmarshal(out, &r) != nil {
		return "check failed: " + firstLine(strings.TrimSpace(string(out)))
	}
	if r.OK {
		return "yes (" + r.Why + ")"
	}
	return "NO (" + r.Why + ")"
}

// scaling times tessera's yseasmean with 1..N workers.
func scaling(c config, sc scale, files []string, bin, tmp string) ([]ScalingPoint, error) {
	var pts []ScalingPoint
	n := runtime.NumCPU()
	var ws []int
	for w := 1; w < n; w *= 2 {
		ws = append(ws, w)
	}
	ws = append(ws, n)
	times := map[int][]float64{}
	for range c.runs {
		for _, w := range ws {
			out := filepath.Join(tmp, "scaling.nc")
			args := append([]string{"yseasmean", "--progress", "never", "--workers", fmt.Sprint(w), "-v", c.variable, "-o", out}, files...)
			secs, _, err := timeCmd(bin, args...)
			if err != nil {
				return nil, err
			}
			times[w] = append(times[w], secs)
		}
	}
	for _, w := range ws {
		pts = append(pts, ScalingPoint{Scale: sc.name, Workers: w, Median: measure.Median(times[w])})
	}
	for i := range pts {
		pts[i].Speedup = pts[0].Median / pts[i].Median
		fmt.Printf("  scaling %s yseasmean, %2d workers: %.3f s (%.2fx)\n", sc.name, pts[i].Workers, pts[i].Median, pts[i].Speedup)
	}
	return pts, nil
}

func memString(m int64) string {
	if m == 0 {
		return "default (a quarter of physical memory)"
	}
	return fmt.Sprintf("%d MiB", m>>20)
}

// runChild runs a library task, as a separate process so that its
// memory is its own: the time mean, the seasonal climatology, every
// season of every year, the |JJA - DJF| range of the seasonal
// climatology, or the variance of seasonal anomalies; the result is
// written to out. TESSERA_BLOCK_MIB, if set, bounds the blocks the
// files are read in (netcdf.Options.BlockBytes), in MiB, for
// experiments.
func runChild(task, variable, out string, memory int64, files []string) error {
	var o netcdf.Options
	if b := os.Getenv("TESSERA_BLOCK_MIB"); b != "" {
		var mib int64
		fmt.Sscan(b, &mib)
		o.BlockBytes = mib << 20
	}
	ds, err := netcdf.OpenMF(files, "", o)
	if err != nil {
		return err
	}
	a, err := ds.Array(variable)
	if err != nil {
		return err
	}
	var r *labels.DataArray
	switch task {
	case "timmean":
		r, err = a.Mean("time")
	case "range":
		r, err = jjaMinusDJF(a)
	case "yseasmean", "seasmean":
		key := groupby.By("time.season")
		if task == "seasmean" {
			key = groupby.Resample("time", "QS-DEC")
		}
		var g *groupby.ArrayGroups
		if g, err = groupby.Array(a, key); err != nil {
			return err
		}
		r, err = g.Mean()
	case "anomvar":
		var g *groupby.ArrayGroups
		if g, err = groupby.Array(a, groupby.By("time.season")); err != nil {
			return err
		}
		var clim, anom *labels.DataArray
		if clim, err = g.Mean(); err != nil {
			return err
		}
		if anom, err = g.Sub(clim); err != nil {
			return err
		}
		r, err = anom.Var("time")
	default:
		return fmt.Errorf("unknown task %q", task)
	}
	if err != nil {
		return err
	}
	cs := labels.Vars{}
	for _, n := range r.Coords() {
		v, _ := r.Coord(n)
		cs = append(cs, labels.Named{Name: n, Var: v})
	}
	v := r.Variable().WithEncoding(labels.Encoding{Codec: &ndarray.Codec{Stored: r.DType(), Decoded: r.DType(), Missing: []float64{9.969209968386869e+36}}})
	res, err := labels.NewDataset(labels.Vars{{Name: variable, Var: v}}, cs, nil)
	if err != nil {
		return err
	}
	return netcdf.Write(context.Background(), res, out, netcdf.WriteOptions{Compute: chunk.Options{Options: scheduler.Options{Memory: memory}}})
}

func jjaMinusDJF(a *labels.DataArray) (*labels.DataArray, error) {
	g, err := groupby.Array(a, groupby.By("time.season"))
	if err != nil {
		return nil, err
	}
	s, err := g.Mean()
	if err != nil {
		return nil, err
	}
	jja, err := s.Sel(map[string]any{"season": "JJA"})
	if err != nil {
		return nil, err
	}
	djf, err := s.Sel(map[string]any{"season": "DJF"})
	if err != nil {
		return nil, err
	}
	d, err := labels.Binary(ndarray.SubOp, jja, djf)
	if err != nil {
		return nil, err
	}
	return d.Unary(ndarray.AbsOp)
}
