package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"strings"
	"time"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/graph"
	"github.com/tesseradata/tessera/groupby"
	"github.com/tesseradata/tessera/io/netcdf"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/labels/cftime"
	"github.com/tesseradata/tessera/ndarray"
	"github.com/tesseradata/tessera/scheduler"
)

// seasonalFlags are the flags of seas<stat> and yseas<stat>.
type seasonalFlags struct {
	out            string
	vars           list
	timeRange      string
	dropIncomplete bool
	minValid       int
	weights        string
	format         string
	compress       int
	memory         size
	workers        int
	progress       string
	stats          bool
	graph          string
	strategy       string
	cpuprofile     string
	trace          string
}

// seasonalUsage is the --help text of cmd.
func seasonalUsage(cmd, stat string, clim bool) string {
	what := "the " + stat + " of every season of every year (December joins the next year's DJF),\nstamped and bounded as CDO's seas" + stat + " does"
	if clim {
		what = "the multi-year seasonal " + stat + " (climatology): one step per season, all years\npooled, with CF climatology bounds"
	}
	return fmt.Sprintf(`Usage: tessera %[1]s [flags] -o OUT.nc INPUT...

%[1]s computes %[2]s.
INPUT is any mix of files and quoted glob patterns, opened as one dataset
along time. Variables without a time dimension are copied unchanged.

Example:
  tessera %[1]s --time 1991:2020 -v t2m -o out.nc 'era5_*.nc'

Flags:
`, cmd, what)
}

// seasonal runs cmd: seas<stat>, or yseas<stat> if clim.
func seasonal(ctx context.Context, cmd, stat string, clim bool, args []string, stdout, stderr io.Writer) error {
	var f seasonalFlags
	fs := newFlagSet(cmd, seasonalUsage(cmd, stat, clim), stdout)
	fs.StringVar(&f.out, "o", "", "output netCDF `file` (required)")
	fs.StringVar(&f.out, "output", "", "output netCDF `file` (same as -o)")
	fs.Var(&f.vars, "v", "variable to compute (repeatable, or comma-separated; default: every variable with a time dimension)")
	fs.Var(&f.vars, "var", "same as -v")
	fs.StringVar(&f.timeRange, "time", "", "time range `START:END` in partial dates, inclusive (1991:2020, 2000-03:2000-11-15; either side may be empty)")
	fs.BoolVar(&f.dropIncomplete, "drop-incomplete", false, "drop seasons that lack any of their three months")
	fs.IntVar(&f.minValid, "min-valid", 1, "the result is missing where fewer than `N` values are valid")
	fs.StringVar(&f.weights, "weights", "", "`time`: weight each step by its length (time bounds, or days of its month) in means")
	fs.StringVar(&f.format, "format", "", "output format: nc4 (netCDF-4), classic or offset64 (64-bit offset);\ndefault: the first input's, as CDO and NCO do (nc4 with --compress)")
	fs.IntVar(&f.compress, "compress", 0, "deflate `level` 0-9 (nc4 only)")
	fs.Var(&f.memory, "memory", "memory budget (e.g. 512MiB, 2GiB; default a quarter of physical memory)")
	fs.IntVar(&f.workers, "workers", 0, "worker goroutines (default: the number of CPUs)")
	fs.StringVar(&f.progress, "progress", "auto", "progress bar: auto (on a terminal), always or never")
	fs.BoolVar(&f.stats, "stats", false, "print per-stage times, bytes read and peak memory to stderr")
	fs.StringVar(&f.graph, "graph", "", "write the optimised task graph to `FILE.dot` (Graphviz)")
	fs.StringVar(&f.strategy, "strategy", "auto", "grouped reduction layout: auto, blockwise, cohorts or map-reduce")
	fs.StringVar(&f.cpuprofile, "cpuprofile", "", "write a CPU profile (go tool pprof) to `file`")
	fs.StringVar(&f.trace, "trace", "", "write an execution trace (go tool trace) to `file`")
	inputs, err := parse(fs, args)
	if err != nil {
		return err
	}
	switch {
	case f.out == "":
		return usagef("no output file: give -o OUT.nc")
	case len(inputs) == 0:
		return usagef("no input files")
	case f.format != "" && f.format != "nc4" && f.format != "classic" && f.format != "offset64":
		return usagef("--format %q: want nc4, classic or offset64", f.format)
	case f.compress < 0 || f.compress > 9:
		return usagef("--compress %d: want a level from 0 to 9", f.compress)
	case f.compress > 0 && f.format != "nc4" && f.format != "":
		return usagef("--compress needs --format nc4")
	case f.minValid < 1:
		return usagef("--min-valid %d: want at least 1", f.minValid)
	case f.weights != "" && f.weights != "time":
		return usagef("--weights %q: the only weighting is time", f.weights)
	case f.weights != "" && stat != "mean":
		return usagef("--weights applies to means only, not %s", stat)
	case f.progress != "auto" && f.progress != "always" && f.progress != "never":
		return usagef("--progress %q: want auto, always or never", f.progress)
	case f.workers < 0:
		return usagef("--workers %d: want a positive number", f.workers)
	}
	strategy, err := chunk.ParseStrategy(f.strategy)
	if err != nil {
		return usagef("--strategy %q: want auto, blockwise, cohorts or map-reduce", f.strategy)
	}
	if slices.Contains(inputs, f.out) {
		return usagef("the output %s is also an input", f.out)
	}
	if st, err := os.Stat(f.out); err == nil && st.IsDir() {
		return fmt.Errorf("output %s is a directory", f.out)
	}
	// Profiles start once the flags are known to be good: a usage error
	// leaves no profile file behind.
	stopProfile, err := record("--cpuprofile", f.cpuprofile, pprof.StartCPUProfile, pprof.StopCPUProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	stopTrace, err := record("--trace", f.trace, trace.Start, trace.Stop)
	if err != nil {
		return err
	}
	defer stopTrace()

	// The output's format: the flag's, else the first input's (CDO's
	// and NCO's default).
	format, ok := map[string]netcdf.Format{"nc4": netcdf.NetCDF4, "classic": netcdf.Classic, "offset64": netcdf.Offset64}[f.format]
	switch {
	case !ok && f.compress > 0:
		format = netcdf.NetCDF4
	case !ok:
		if format, err = netcdf.FormatOf(inputs); err != nil {
			return err
		}
	}

	var st stageTimes
	st.start = time.Now()
	if format == netcdf.NetCDF4 {
		go netcdf.Preload() // libnetcdf loads while the inputs are read
	}
	ds, err := netcdf.OpenMF(inputs, "")
	if err != nil {
		return err
	}
	st.open = time.Since(st.start)
	tname, err := timeCoord(ds)
	if err != nil {
		return err
	}
	if f.timeRange != "" {
		lo, hi, ok := strings.Cut(f.timeRange, ":")
		if !ok {
			return usagef("--time %q: want START:END", f.timeRange)
		}
		var s labels.Slice
		if lo != "" {
			s.Start = lo
		}
		if hi != "" {
			s.Stop = hi
		}
		if ds, err = ds.Sel(map[string]any{tname: s}); err != nil {
			return fmt.Errorf("--time %s: %w", f.timeRange, err)
		}
		if ds.Sizes()[tname] == 0 {
			return fmt.Errorf("--time %s: no time step of the inputs is in this range", f.timeRange)
		}
	}
	job := &seasonalJob{cmd: cmd, stat: stat, clim: clim, f: f, ds: ds, time: tname, stderr: stderr, strategy: strategy}
	out, err := job.build()
	if err != nil {
		return err
	}
	st.plan = time.Since(st.start) - st.open

	opts := chunk.Options{Options: scheduler.Options{Memory: int64(f.memory), Workers: f.workers}}
	prog := newProgress(cmd, f.progress, stderr)
	opts.Progress = prog.update
	var runStats []*scheduler.Stats
	opts.OnStats = func(s *scheduler.Stats) { runStats = append(runStats, s) }
	var graphFile *os.File
	var graphErr error
	if f.graph != "" {
		if graphFile, err = os.Create(f.graph); err != nil {
			return fmt.Errorf("--graph: %w", err)
		}
		defer graphFile.Close()
		// One graph per run: Write runs one computation per variable.
		opts.OnPlan = func(p *graph.Plan) {
			if graphErr == nil {
				graphErr = graph.WriteDOT(graphFile, p)
			}
		}
	}
	wo := netcdf.WriteOptions{Format: format, Compression: f.compress, Shuffle: f.compress > 0, Unlimited: tname, Compute: opts,
		History: "tessera " + cmd + " " + strings.Join(args, " ")}
	werr := netcdf.Write(ctx, out, f.out, wo)
	prog.finish(werr == nil)
	if werr != nil {
		return werr
	}
	st.compute = time.Since(st.start) - st.open - st.plan
	if graphFile != nil {
		if err := cmp.Or(graphErr, graphFile.Close()); err != nil {
			return fmt.Errorf("--graph: %w", err)
		}
	}
	if f.stats {
		st.print(stderr, runStats, int64(f.memory))
	}
	return nil
}

// record starts a CPU profile or an execution trace (start and stop are
// pprof's or trace's) written to path, or nothing if path is empty; the
// returned function stops it and closes the file. Errors name the flag.
func record(flagName, path string, start func(io.Writer) error, stop func()) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flagName, err)
	}
	if err := start(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", flagName, err)
	}
	return func() {
		stop()
		f.Close()
	}, nil
}

// timeCoord returns the name of the dataset's time coordinate: the
// dimension coordinate with CF time units (the one named "time" if
// several).
func timeCoord(ds *labels.Dataset) (string, error) {
	var found []string
	for _, n := range ds.Coords() {
		v, _ := ds.Variable(n)
		if d := v.Dims(); len(d) == 1 && d[0] == n && strings.Contains(v.Encoding().Units, " since ") {
			found = append(found, n)
		}
	}
	switch {
	case slices.Contains(found, "time"):
		return "time", nil
	case len(found) == 1:
		return found[0], nil
	case len(found) == 0:
		return "", fmt.Errorf("the inputs have no time coordinate (a dimension variable with units \"<unit> since <date>\")")
	}
	return "", fmt.Errorf("the inputs have several time coordinates %q and none is called time", found)
}

// seasonalJob builds the output dataset of one command.
type seasonalJob struct {
	cmd, stat string
	clim      bool
	f         seasonalFlags
	ds        *labels.Dataset
	time      string
	stderr    io.Writer
	strategy  chunk.Strategy

	dates []cftime.Date
	cal   cftime.Calendar
	tvar  *labels.Variable
	bname string // the input's time bounds variable, if any
}

// build picks the variables to compute and to copy, groups them by
// season, reduces them, orders (and with --drop-incomplete selects) the
// seasons and assembles the output dataset; per-year seasons of fewer
// than 3 steps get CDO's warning.
func (j *seasonalJob) build() (*labels.Dataset, error) {
	var err error
	if j.tvar, err = j.ds.Variable(j.time); err != nil {
		return nil, err
	}
	if j.dates, j.cal, err = labels.Times(j.tvar); err != nil {
		return nil, fmt.Errorf("time coordinate %q: %w", j.time, err)
	}
	for i := 1; i < len(j.dates); i++ {
		if !j.dates[i].After(j.dates[i-1]) {
			return nil, fmt.Errorf("time coordinate %q does not increase at step %d (%s after %s)", j.time, i, j.dates[i], j.dates[i-1])
		}
	}
	if b, ok := j.tvar.Attrs().String("bounds"); ok {
		if bv, err := j.ds.Variable(b); err == nil && slices.Equal(bv.Shape(), []int{len(j.dates), 2}) {
			j.bname = b
		}
	}
	// The variables: those asked for, or every one with time; the
	// others without time are copied.
	var compute, copyVars []string
	for _, n := range j.ds.DataVars() {
		if n == j.bname {
			continue
		}
		v, _ := j.ds.Variable(n)
		hasTime := slices.Contains(v.Dims(), j.time)
		switch {
		case !hasTime:
			copyVars = append(copyVars, n)
		case len(j.f.vars) == 0 || slices.Contains(j.f.vars, n):
			compute = append(compute, n)
		}
	}
	for _, n := range j.f.vars {
		v, err := j.ds.Variable(n)
		if err != nil || slices.Contains(j.ds.Coords(), n) {
			return nil, fmt.Errorf("-v %s: no such data variable (the inputs have %s)", n, strings.Join(j.ds.DataVars(), ", "))
		}
		if !slices.Contains(v.Dims(), j.time) {
			return nil, fmt.Errorf("-v %s: the variable has no %s dimension", n, j.time)
		}
	}
	if len(compute) == 0 {
		return nil, fmt.Errorf("no variable with a %s dimension to compute", j.time)
	}
	var data labels.Vars
	for _, n := range compute {
		v, _ := j.ds.Variable(n)
		data = append(data, labels.Named{Name: n, Var: v})
	}
	// The time bounds go along: groupby.Resample takes the groups'
	// bounds from them (SEASONAL.md S5) and reduces nothing else of them.
	if j.bname != "" && !slices.Contains(j.ds.Coords(), j.bname) {
		bv, _ := j.ds.Variable(j.bname)
		data = append(data, labels.Named{Name: j.bname, Var: bv})
	}
	var cs labels.Vars
	for _, n := range j.ds.Coords() {
		v, _ := j.ds.Variable(n)
		cs = append(cs, labels.Named{Name: n, Var: v})
	}
	sub, err := labels.NewDataset(data, cs, nil)
	if err != nil {
		return nil, err
	}
	var key groupby.Key = groupby.Resample(j.time, "QS-DEC")
	if j.clim {
		key = groupby.By(j.time + ".season")
	}
	g, err := groupby.Dataset(sub, key, groupby.Options{Strategy: j.strategy})
	if err != nil {
		return nil, err
	}
	var r *labels.Dataset
	if j.f.weights == "time" {
		w, err := j.stepWeights()
		if err != nil {
			return nil, err
		}
		r, err = g.WeightedMean(w)
		if err != nil {
			return nil, err
		}
	} else {
		s := statistics[j.stat]
		o := labels.ReduceOptions{MinCount: j.f.minValid, KeepAttrs: true, KeepNaN: s.keepNaN, DDOF: s.ddof}
		if r, err = g.Reduce(s.op, o); err != nil {
			return nil, err
		}
	}
	gr := g.Grouping()
	members := gr.Members()
	// The output's time axis, bounds and the order and selection of the
	// groups.
	var stamps, bounds []float64
	order := make([]int, len(members))
	for i := range order {
		order[i] = i
	}
	units, err := cftime.ParseUnits(j.tvar.Encoding().Units, j.cal)
	if err != nil {
		return nil, err
	}
	if j.clim {
		stamps, bounds, err = climatologyTimes(j.cal, units, j.dates, members)
		if err != nil {
			return nil, fmt.Errorf("time coordinate %q: %w", j.time, err)
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(stamps[a], stamps[b]) })
	} else {
		stamps = loadedFloats(gr.Labels)
		bounds = loadedFloats(gr.Bounds)
		for k, m := range members {
			if n := len(m); n < 3 && !(j.f.dropIncomplete && !j.complete(m)) {
				fmt.Fprintf(j.stderr, "tessera %s (Warning): Season %3d (%s) has only %d input time step%s!\n",
					j.cmd, k+1, dateOnly(j.dates[m[0]]), n, plural(n))
			}
		}
	}
	if j.f.dropIncomplete {
		order = slices.DeleteFunc(order, func(k int) bool { return !j.complete(members[k]) })
		if len(order) == 0 {
			return nil, fmt.Errorf("--drop-incomplete: every season lacks some of its months")
		}
	}
	return j.assemble(r, gr, compute, copyVars, order, stamps, bounds)
}

// complete reports whether the members cover the three months of their
// season.
func (j *seasonalJob) complete(m []int) bool {
	months := map[int]bool{}
	for _, p := range m {
		months[j.dates[p].Month] = true
	}
	return len(months) == 3
}

// loadedFloats returns an in-memory variable's values.
func loadedFloats(v *labels.Variable) []float64 {
	mem, _ := v.Loaded()
	return ndarray.Float64s(mem)
}

// stepWeights returns the length of every step in days: from the time
// bounds when the input has them, else the days of its month.
func (j *seasonalJob) stepWeights() (*labels.Variable, error) {
	w := make([]float64, len(j.dates))
	if j.bname != "" {
		bv, _ := j.ds.Variable(j.bname)
		mem, err := bv.Values(context.Background(), chunk.Options{})
		if err != nil {
			return nil, fmt.Errorf("--weights time: bounds %q: %w", j.bname, err)
		}
		b := ndarray.Float64s(mem)
		for i := range w {
			w[i] = b[2*i+1] - b[2*i]
			if !(w[i] > 0) {
				return nil, fmt.Errorf("--weights time: bounds %q of step %d (%s) are not increasing", j.bname, i, j.dates[i])
			}
		}
	} else {
		for i, d := range j.dates {
			w[i] = float64(j.cal.DaysInMonth(d.Year, d.Month))
		}
	}
	return labels.FromSlice([]string{j.time}, w, nil)
}

// climatologyTimes returns SEASONAL.md C4's stamps and C5's climatology
// bounds of each season: the middle of the season's first interval, and
// from the season's start in the first season-year with data to its end
// in the last.
func climatologyTimes(cal cftime.Calendar, u cftime.Units, dates []cftime.Date, members [][]int) (stamps, bounds []float64, err error) {
	stamps = make([]float64, len(members))
	bounds = make([]float64, 2*len(members))
	for k, m := range members {
		first := cal.StartOfSeason(dates[m[0]])
		last := cal.StartOfSeason(dates[m[len(m)-1]])
		a, err1 := u.Encode(first)
		b, err2 := u.Encode(cal.AddMonths(first, 3))
		c, err3 := u.Encode(cal.AddMonths(last, 3))
		if err := cmp.Or(err1, err2, err3); err != nil {
			return nil, nil, err
		}
		stamps[k] = (a + b) / 2
		bounds[2*k], bounds[2*k+1] = a, c
	}
	return stamps, bounds, nil
}

// assemble builds the output dataset (SEASONAL.md §6): the computed
// variables along the new time axis in order, with their attributes
// (valid_* and actual_range dropped, cell_methods updated) and fill
// values, the time coordinate and its bounds, and the copied variables.
func (j *seasonalJob) assemble(r *labels.Dataset, gr *groupby.Grouping, compute, copyVars []string, order []int, stamps, bounds []float64) (*labels.Dataset, error) {
	n := len(order)
	st, bd := make([]float64, n), make([]float64, 2*n)
	for i, k := range order {
		st[i] = stamps[k]
		bd[2*i], bd[2*i+1] = bounds[2*k], bounds[2*k+1]
	}
	enc := j.tvar.Encoding()
	tattrs := j.tvar.Attrs().Delete("bounds", "climatology", "standard_name", "axis")
	tattrs = tattrs.Set("standard_name", "time").Set("axis", "T")
	bname := "time_bnds"
	if j.clim {
		bname = "climatology_bnds"
		tattrs = tattrs.Set("climatology", bname)
	} else {
		tattrs = tattrs.Set("bounds", bname)
	}
	tv, err := labels.FromSlice([]string{j.time}, st, tattrs)
	if err != nil {
		return nil, err
	}
	tv = tv.WithEncoding(labels.Encoding{Units: enc.Units, Calendar: enc.Calendar, DType: ndarray.Float64})
	bv, err := labels.FromSlice([]string{j.time, "bnds"}, bd, nil, n, 2)
	if err != nil {
		return nil, err
	}
	bv = bv.WithEncoding(labels.Encoding{DType: ndarray.Float64})

	var data labels.Vars
	for _, name := range compute {
		in, _ := j.ds.Variable(name)
		v, err := r.Variable(name)
		if err != nil {
			return nil, err
		}
		ax := slices.Index(v.Dims(), gr.Name)
		d, err := v.Data().Take(ax, order)
		if err != nil {
			return nil, err
		}
		outDT := in.DType()
		if !outDT.IsFloat() {
			outDT = ndarray.Float64
		}
		if d.DType() != outDT {
			if d, err = d.Astype(outDT); err != nil {
				return nil, err
			}
		}
		dims := v.Dims()
		dims[ax] = j.time
		attrs := in.Attrs().Delete("valid_min", "valid_max", "valid_range", "actual_range", "cell_methods")
		if cm := j.cellMethods(in.Attrs()); cm != "" {
			attrs = attrs.Set("cell_methods", cm)
		}
		ov, err := labels.NewVariable(dims, d, attrs)
		if err != nil {
			return nil, err
		}
		ov = ov.WithEncoding(labels.Encoding{DType: outDT, Codec: fillCodec(in, outDT), Source: in.Encoding().Source})
		data = append(data, labels.Named{Name: name, Var: ov})
	}
	data = append(data, labels.Named{Name: bname, Var: bv})
	for _, name := range copyVars {
		v, _ := j.ds.Variable(name)
		data = append(data, labels.Named{Name: name, Var: v})
	}
	cs := labels.Vars{{Name: j.time, Var: tv}}
	for _, name := range j.ds.Coords() {
		v, _ := j.ds.Variable(name)
		if name == j.time || slices.Contains(v.Dims(), j.time) {
			continue
		}
		cs = append(cs, labels.Named{Name: name, Var: v})
	}
	return labels.NewDataset(data, cs, j.ds.Attrs())
}

// cellMethods updates a variable's cell_methods (SEASONAL.md §6): drop
// trailing "time: mean" or "time: point" entries, then append the
// statistic over time.
func (j *seasonalJob) cellMethods(attrs labels.Attrs) string {
	old, _ := attrs.String("cell_methods")
	old = strings.TrimSpace(old)
	for {
		trimmed := false
		for _, t := range []string{"time: mean", "time: point"} {
			if strings.HasSuffix(old, t) {
				old = strings.TrimSpace(strings.TrimSuffix(old, t))
				trimmed = true
			}
		}
		if !trimmed {
			break
		}
	}
	m := statistics[j.stat].method
	add := "time: " + m
	if j.clim {
		if m == "standard_deviation" || m == "variance" {
			add = "time: " + m + " within years (comment: pooled) time: " + m + " over years (comment: pooled)"
		} else {
			add = "time: " + m + " within years time: " + m + " over years"
		}
	}
	if old == "" {
		return add
	}
	return old + " " + add
}

// fillCodec returns the output's fill: the input's _FillValue (and
// missing_value), converted to the output type, or netCDF's default fill
// of that type.
func fillCodec(in *labels.Variable, dt ndarray.DType) *ndarray.Codec {
	var missing []float64
	if c := in.Encoding().Codec; c != nil {
		for _, m := range c.Missing {
			if dt == ndarray.Float32 {
				m = float64(float32(m))
			}
			if !math.IsNaN(m) && !math.IsInf(m, 0) {
				missing = append(missing, m)
			}
		}
	}
	if len(missing) == 0 {
		missing = []float64{defaultFill(dt)}
	}
	return &ndarray.Codec{Stored: dt, Decoded: dt, Missing: missing}
}

// defaultFill is netCDF's default fill value of a floating type.
func defaultFill(dt ndarray.DType) float64 {
	if dt == ndarray.Float32 {
		return float64(float32(9.9692099683868690e+36))
	}
	return 9.9692099683868690e+36
}

// dateOnly is a date as CDO writes it in its warnings (its DATE_FORMAT
// "%5.4d-%2.2d-%2.2d": the year is padded to width 5, " 2000-01-16").
func dateOnly(d cftime.Date) string { return fmt.Sprintf("%5.4d-%02d-%02d", d.Year, d.Month, d.Day) }

// plural is the "s" of a count other than one.
func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
