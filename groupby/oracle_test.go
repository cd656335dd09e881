package groupby_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/groupby"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/labels/cftime"
	"github.com/tesseradata/tessera/ndarray"
)

// The groupby oracles. The same small fixtures (daily, 6-hourly and
// monthly data on a few points, with missing values) are built in memory
// for groupby and written to JSON for two Python scripts run by Debian's
// /usr/bin/python3, once per test:
//
//   - testdata/xarray_groupby.py builds the xarray DataArray (time decoded
//     by xr.decode_cf, cftime for noleap and 360_day) and computes
//     groupby, groupby_bins, resample, weighted means and anomalies with
//     xarray 2023.01 (SEASONAL.md's reference; no flox or dask here);
//   - testdata/cdo_seasonal.py writes each fixture as a netCDF file with
//     netCDF4 (float32 or float64, _FillValue, time units, calendar and
//     bounds), runs cdo -s seas<stat> and yseas<stat>, and reads the
//     results back (masked → NaN).
//
// A missing interpreter, Python package or cdo binary fails the tests;
// TESSERA_SKIP_ORACLES=1 skips them instead.

// orcPython is the interpreter with Debian's python3-xarray,
// python3-netcdf4 and python3-cftime; not plain python3, which may be a
// pyenv interpreter without them.
const orcPython = "/usr/bin/python3"

// orcTol bounds the relative difference from xarray for float64 results,
// relative to max(1, |xarray's|) (anomalies are near 0). Both sides
// compute in float64 from identical inputs and differ only in the order
// of their sums (numpy pairwise per group, groupby per block, the block
// partials then combined in order): a few 1e-14 for means and variances
// of at most ~300 members of magnitude ~300, and for the anomalies, x −
// mean of values near 290, a few ulps of 290 (≈ 2e-13 absolute; the
// largest seen). The worst difference is logged; any real error (a
// value skipped or not, a wrong group, ddof off by one) is above 1e-4.
const orcTol = 1e-12

// orcTolFloat32 is the tolerance against CDO on float32 files: CDO and
// groupby both accumulate in double and round the result to float32
// once, from sums taken in different orders, so the two can differ by
// one float32 ulp (2⁻²³ ≈ 1.2e-7 relative).
const orcTolFloat32 = 1e-6

// orcTolCDOVar is the tolerance for CDO's variances and standard
// deviations on float64 files. CDO accumulates Σx and Σx² and takes
// (Σx² − (Σx)²/n)/n, which cancels: the rounding error of Σx²/n
// (≈ x̄²·2⁻⁵³ for a few hundred members) is amplified by x̄²/var, about
// 280²/8 ≈ 1e4 here, to ~1e-11 relative (up to 1.7e-11 seen). groupby's
// variances agree with numpy's two-pass ones to 3e-14 (TestXarrayOracle),
// so the difference is CDO's.
const orcTolCDOVar = 1e-9

// orcTimeTol is the absolute tolerance on time values and bounds, in the
// file's units (days): CDO computes its middle stamps through its
// date/time encoding, to the second.
const orcTimeTol = 1e-5

// orcFixture is a dataset as the scripts read it, and as groupby gets it.
type orcFixture struct {
	Name     string    `json:"name"`
	Calendar string    `json:"calendar"`
	Units    string    `json:"units"`
	Time     []float64 `json:"time"`
	// Bounds is the (time, 2) time bounds, row-major; none if empty.
	Bounds []float64 `json:"bounds,omitempty"`
	NPts   int       `json:"npts"`
	// DType is the stored type, "float32" or "float64"; Fill the
	// _FillValue of the stored variable (nil: missing values are NaN).
	DType  string     `json:"dtype"`
	Fill   *float64   `json:"fill,omitempty"`
	Values []*float64 `json:"values"` // (time, x), null for missing
	// Weights (one per step: days in the month) are a coordinate "w"
	// along time for the weighted means.
	Weights []float64 `json:"weights,omitempty"`
	// TNum adds a numeric coordinate "tnum" (the time numbers) along
	// time, for groupby_bins.
	TNum bool    `json:"tnum,omitempty"`
	Ops  []orcOp `json:"ops"`

	vals  []float64 // (time, x), NaN where missing
	block int       // block length along time in groupby
	array bool      // group the DataArray rather than the Dataset
}

// orcOp is one computation on a fixture.
type orcOp struct {
	Name string `json:"name"`
	// Kind is, for xarray: "groupby" (tas.groupby(Key).Op()), "bins"
	// (tas.groupby_bins("tnum", Edges).Op()), "resample"
	// (tas.resample(time=Key).Op()), "weighted_groupby" and
	// "weighted_resample" (the groups' weighted(w).mean("time")),
	// "anomaly" (tas.groupby(Key) - tas.groupby(Key).mean()); for CDO:
	// "cdo", Op being the operator (seasmean, yseasstd, ...).
	Kind     string    `json:"kind"`
	Key      string    `json:"key,omitempty"`
	Op       string    `json:"op,omitempty"`
	Skipna   *bool     `json:"skipna,omitempty"`
	MinCount int       `json:"min_count,omitempty"`
	DDOF     int       `json:"ddof,omitempty"`
	Edges    []float64 `json:"edges,omitempty"`
	Left     bool      `json:"left,omitempty"` // bins closed on the left (right=False)
	Lowest   bool      `json:"include_lowest,omitempty"`
}

// orcResult is a script's result for one op, or groupby's.
type orcResult struct {
	Labels []string   `json:"labels"` // by-label results: the groups' labels
	Times  []float64  `json:"times"`  // resample: the time values, in the fixture's units
	Bounds []*float64 `json:"bounds"` // CDO seas: time_bnds, (time, 2)
	Values []*float64 `json:"values"` // (groups or time, x)
	Shape  []int      `json:"shape"`
	Error  string     `json:"error"`
}

// orcRun runs script on the fixtures, in one Python process, and returns
// its results by "fixture/op".
func orcRun(t *testing.T, script string, imports string, fixtures []*orcFixture) map[string]orcResult {
	t.Helper()
	if os.Getenv("TESSERA_SKIP_ORACLES") == "1" {
		t.Skip("TESSERA_SKIP_ORACLES=1")
	}
	if out, err := exec.Command(orcPython, "-c", "import "+imports).CombinedOutput(); err != nil {
		t.Fatalf("oracle unavailable: %s -c 'import %s': %v\n%s\nrun `make deps` (it installs python3-xarray, python3-netcdf4, python3-cftime and cdo), or set TESSERA_SKIP_ORACLES=1 to skip",
			orcPython, imports, err, out)
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.json"), filepath.Join(dir, "out.json")
	b, err := json.Marshal(fixtures)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, b, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), orcPython, filepath.Join("testdata", script), in, out, dir)
	msg, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s testdata/%s: %v\n%s", orcPython, script, err, msg)
	}
	if s := strings.TrimSpace(string(msg)); s != "" {
		t.Logf("%s: %s", script, s)
	}
	b, err = os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	res := map[string]orcResult{}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

// orcCDO checks for the cdo binary.
func orcCDO(t *testing.T) {
	t.Helper()
	if os.Getenv("TESSERA_SKIP_ORACLES") == "1" {
		t.Skip("TESSERA_SKIP_ORACLES=1")
	}
	if _, err := exec.LookPath("cdo"); err != nil {
		t.Fatalf("CDO oracle unavailable: %v\nrun `make deps` (it installs cdo), or set TESSERA_SKIP_ORACLES=1 to skip", err)
	}
}

// Fixture builders.

// orcRegular returns n time stamps from start, step apart, in units of
// cal, with bounds: "" none, "center" [t−step/2, t+step/2], "end"
// [t−step, t].
func orcRegular(t testing.TB, cal, units string, start cftime.Date, n int, step time.Duration, bounds string) (stamps, bnds []float64) {
	t.Helper()
	c, u := orcCal(t, cal, units)
	enc := func(d cftime.Date) float64 {
		x, err := u.Encode(d)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	for i := range n {
		d := c.Add(start, time.Duration(i)*step)
		stamps = append(stamps, enc(d))
		switch bounds {
		case "center":
			bnds = append(bnds, enc(c.Add(d, -step/2)), enc(c.Add(d, step/2)))
		case "end":
			bnds = append(bnds, enc(c.Add(d, -step)), enc(d))
		}
	}
	return stamps, bnds
}

// orcMonthly returns n monthly stamps from (y0, m0), each at the middle
// of its month, the month bounds, and the days of each month.
func orcMonthly(t testing.TB, cal, units string, y0, m0, n int) (stamps, bnds, days []float64) {
	t.Helper()
	c, u := orcCal(t, cal, units)
	start := cftime.Date{Year: y0, Month: m0, Day: 1}
	for i := range n {
		lo, hi := c.AddMonths(start, i), c.AddMonths(start, i+1)
		a, err1 := u.Encode(lo)
		b, err2 := u.Encode(hi)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		stamps = append(stamps, (a+b)/2)
		bnds = append(bnds, a, b)
		days = append(days, float64(c.DaysInMonth(lo.Year, lo.Month)))
	}
	return stamps, bnds, days
}

func orcCal(t testing.TB, cal, units string) (cftime.Calendar, cftime.Units) {
	t.Helper()
	c, err := cftime.ParseCalendar(cal)
	if err != nil {
		t.Fatal(err)
	}
	u, err := cftime.ParseUnits(units, c)
	if err != nil {
		t.Fatal(err)
	}
	return c, u
}

// orcDates decodes a fixture's times.
func orcDates(t testing.TB, fx *orcFixture) []cftime.Date {
	t.Helper()
	_, u := orcCal(t, fx.Calendar, fx.Units)
	d := make([]cftime.Date, len(fx.Time))
	if err := u.DecodeAll(d, fx.Time); err != nil {
		t.Fatal(err)
	}
	return d
}

// orcFill sets a fixture's values: value(i, p) at step i and point p,
// NaN where missing(i, p); float32 fixtures are rounded to float32 so
// that both sides read the same numbers.
func orcFill(t testing.TB, fx *orcFixture, value func(i, p int) float64, missing func(i, p int, d cftime.Date) bool) {
	t.Helper()
	dates := orcDates(t, fx)
	n := len(fx.Time)
	fx.vals = make([]float64, n*fx.NPts)
	fx.Values = make([]*float64, n*fx.NPts)
	for i := range n {
		for p := range fx.NPts {
			x := value(i, p)
			if fx.DType == "float32" {
				x = float64(float32(x))
			}
			if missing != nil && missing(i, p, dates[i]) {
				x = math.NaN()
			}
			fx.vals[i*fx.NPts+p] = x
			if !math.IsNaN(x) {
				fx.Values[i*fx.NPts+p] = &x
			}
		}
	}
}

// orcNoise is a smooth seasonal signal near 280 with noise, different at
// every point.
func orcNoise(r *rand.Rand, period float64) func(i, p int) float64 {
	return func(i, p int) float64 {
		return 280 + 10*math.Sin(2*math.Pi*float64(i)/period) + 3*float64(p) + 2*r.NormFloat64()
	}
}

// orcDataset builds the fixture's Dataset: "tas"(time, x) stored as the
// fixture's dtype, decoded by labels.Decode when it has a _FillValue (as
// io/netcdf leaves a variable read from a file, its missing values
// masked by the codec), a "time" coordinate with units and calendar,
// "time_bnds" when there are bounds, and "tnum" when asked.
func orcDataset(t testing.TB, fx *orcFixture) *labels.Dataset {
	t.Helper()
	n := len(fx.Time)
	var arr *ndarray.Array
	var err error
	switch fx.DType {
	case "float32":
		raw := make([]float32, len(fx.vals))
		for i, x := range fx.vals {
			raw[i] = float32(x)
			if math.IsNaN(x) && fx.Fill != nil {
				raw[i] = float32(*fx.Fill)
			}
		}
		arr, err = ndarray.FromSlice(raw, n, fx.NPts)
	default:
		raw := slices.Clone(fx.vals)
		for i, x := range raw {
			if math.IsNaN(x) && fx.Fill != nil {
				raw[i] = *fx.Fill
			}
		}
		arr, err = ndarray.FromSlice(raw, n, fx.NPts)
	}
	if err != nil {
		t.Fatal(err)
	}
	data, err := chunk.FromArray(arr, chunk.Regular([]int{n, fx.NPts}, []int{fx.block, fx.NPts}))
	if err != nil {
		t.Fatal(err)
	}
	attrs := labels.Attrs{{Name: "units", Value: "K"}}
	if fx.Fill != nil {
		if fx.DType == "float32" {
			attrs = attrs.Set("_FillValue", float32(*fx.Fill))
		} else {
			attrs = attrs.Set("_FillValue", *fx.Fill)
		}
	}
	xv, err := labels.NewVariable([]string{"time", "x"}, data, attrs)
	if err != nil {
		t.Fatal(err)
	}
	if fx.Fill != nil {
		if xv, err = labels.Decode("tas", xv); err != nil {
			t.Fatal(err)
		}
	}
	enc := labels.Encoding{Units: fx.Units, Calendar: fx.Calendar}
	var tattrs labels.Attrs
	if fx.Bounds != nil {
		tattrs = tattrs.Set("bounds", "time_bnds")
	}
	tv, err := labels.FromSlice([]string{"time"}, fx.Time, tattrs)
	if err != nil {
		t.Fatal(err)
	}
	vars := labels.Vars{{Name: "tas", Var: xv}}
	if fx.Bounds != nil {
		bv, err := labels.FromSlice([]string{"time", "bnds"}, fx.Bounds, nil, n, 2)
		if err != nil {
			t.Fatal(err)
		}
		vars = append(vars, labels.Named{Name: "time_bnds", Var: bv.WithEncoding(enc)})
	}
	cs := labels.Vars{{Name: "time", Var: tv.WithEncoding(enc)}}
	if fx.TNum {
		nv, err := labels.FromSlice([]string{"time"}, slices.Clone(fx.Time), nil)
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, labels.Named{Name: "tnum", Var: nv})
	}
	ds, err := labels.NewDataset(vars, cs, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// groupby's side.

// orcOps are the reductions by the scripts' names.
var orcOps = map[string]ndarray.Op{
	"sum": ndarray.Sum, "mean": ndarray.Mean, "min": ndarray.Min, "max": ndarray.Max, "count": ndarray.Count,
	"var": ndarray.Var, "std": ndarray.Std, "first": ndarray.First, "last": ndarray.Last,
}

// orcGroups is a DataArray or a Dataset grouped.
type orcGroups struct {
	a *groupby.ArrayGroups
	d *groupby.DatasetGroups
}

// orcOut is a groupby result: "tas", its coordinates (and bounds).
type orcOut func(name string) (*labels.Variable, error)

func orcGroup(ds *labels.Dataset, fx *orcFixture, key groupby.Key) (orcGroups, error) {
	if fx.array {
		a, err := ds.Array("tas")
		if err != nil {
			return orcGroups{}, err
		}
		g, err := groupby.Array(a, key)
		return orcGroups{a: g}, err
	}
	g, err := groupby.Dataset(ds, key)
	return orcGroups{d: g}, err
}

func orcArrayOut(a *labels.DataArray, g *groupby.ArrayGroups) orcOut {
	return func(name string) (*labels.Variable, error) {
		switch name {
		case "tas":
			return a.Variable(), nil
		case "time_bnds":
			if g.Grouping().Bounds == nil {
				return nil, fmt.Errorf("no bounds")
			}
			return g.Grouping().Bounds, nil
		}
		return a.Coord(name)
	}
}

// reduce runs op through the named method (Sum, Mean, ...) when its
// options are the defaults, through Reduce otherwise.
func (g orcGroups) reduce(op orcOp, o labels.ReduceOptions) (orcOut, error) {
	nop, ok := orcOps[op.Op]
	if !ok {
		return nil, fmt.Errorf("unknown reduction %q", op.Op)
	}
	if g.a != nil {
		r, err := orcReduce(g.a, op.Op, nop, o)
		if err != nil {
			return nil, err
		}
		return orcArrayOut(r, g.a), nil
	}
	r, err := orcReduce(g.d, op.Op, nop, o)
	if err != nil {
		return nil, err
	}
	return r.Variable, nil
}

// orcReducer is the reductions ArrayGroups (R a DataArray) and
// DatasetGroups (R a Dataset) have alike.
type orcReducer[R any] interface {
	Sum() (R, error)
	Mean() (R, error)
	Min() (R, error)
	Max() (R, error)
	Count() (R, error)
	Var() (R, error)
	Std() (R, error)
	First() (R, error)
	Last() (R, error)
	Reduce(ndarray.Op, labels.ReduceOptions) (R, error)
}

// orcReduce runs the reduction nop, named name, through g's method of
// that name when o are the defaults, through Reduce otherwise.
func orcReduce[R any](g orcReducer[R], name string, nop ndarray.Op, o labels.ReduceOptions) (R, error) {
	if o != (labels.ReduceOptions{}) {
		return g.Reduce(nop, o)
	}
	methods := map[string]func() (R, error){
		"sum": g.Sum, "mean": g.Mean, "min": g.Min, "max": g.Max, "count": g.Count,
		"var": g.Var, "std": g.Std, "first": g.First, "last": g.Last,
	}
	return methods[name]()
}

func (g orcGroups) weightedMean(w *labels.Variable) (orcOut, error) {
	if g.a != nil {
		r, err := g.a.WeightedMean(w)
		if err != nil {
			return nil, err
		}
		return orcArrayOut(r, g.a), nil
	}
	r, err := g.d.WeightedMean(w)
	if err != nil {
		return nil, err
	}
	return r.Variable, nil
}

// anomaly is x - x.groupby(key).mean()[group], by Sub.
func (g orcGroups) anomaly() (orcOut, error) {
	if g.a != nil {
		clim, err := g.a.Mean()
		if err != nil {
			return nil, err
		}
		r, err := g.a.Sub(clim)
		if err != nil {
			return nil, err
		}
		return orcArrayOut(r, g.a), nil
	}
	clim, err := g.d.Mean()
	if err != nil {
		return nil, err
	}
	r, err := g.d.Sub(clim)
	if err != nil {
		return nil, err
	}
	return r.Variable, nil
}

// orcCDOStats maps CDO's statistics to groupby's reductions: the CDO
// semantics of SEASONAL.md §4 (std and var divide by n, std1 and var1
// by n−1; a sum of no valid value is missing, MinCount 1, M4; avg
// propagates missing values, M3).
var orcCDOStats = map[string]struct {
	op string
	o  labels.ReduceOptions
}{
	"mean": {"mean", labels.ReduceOptions{}},
	"avg":  {"mean", labels.ReduceOptions{KeepNaN: true}},
	"sum":  {"sum", labels.ReduceOptions{MinCount: 1}},
	"min":  {"min", labels.ReduceOptions{}},
	"max":  {"max", labels.ReduceOptions{}},
	"std":  {"std", labels.ReduceOptions{}},
	"std1": {"std", labels.ReduceOptions{DDOF: 1}},
	"var":  {"var", labels.ReduceOptions{}},
	"var1": {"var", labels.ReduceOptions{DDOF: 1}},
}

// orcTessera computes op on the fixture with groupby.
func orcTessera(t *testing.T, fx *orcFixture, ds *labels.Dataset, op orcOp) (orcResult, error) {
	t.Helper()
	var key groupby.Key
	var labelsName string // the coordinate of the groups' labels, if compared
	timed := false        // results along time: times compared
	switch op.Kind {
	case "groupby", "weighted_groupby", "anomaly":
		key = groupby.By(op.Key)
		labelsName = op.Key[strings.LastIndex(op.Key, ".")+1:]
	case "bins":
		key = groupby.ByBins("tnum", op.Edges, groupby.BinOptions{Left: op.Left, IncludeLowest: op.Lowest})
	case "resample", "weighted_resample":
		key = groupby.Resample("time", op.Key, groupby.ResampleOptions{Stamp: groupby.StampStart, KeepEmpty: true})
		timed = true
	case "cdo":
		switch {
		case strings.HasPrefix(op.Op, "yseas"):
			key = groupby.By("time.season")
			labelsName = "season"
		case strings.HasPrefix(op.Op, "seas"):
			key = groupby.Resample("time", "QS-DEC") // CDO's stamps and bounds (S4, S5)
			timed = true
		default:
			return orcResult{}, fmt.Errorf("unknown CDO operator %q", op.Op)
		}
	default:
		return orcResult{}, fmt.Errorf("unknown kind %q", op.Kind)
	}
	g, err := orcGroup(ds, fx, key)
	if err != nil {
		return orcResult{}, err
	}
	var out orcOut
	switch op.Kind {
	case "groupby", "bins", "resample":
		o := labels.ReduceOptions{KeepNaN: op.Skipna != nil && !*op.Skipna, MinCount: op.MinCount, DDOF: op.DDOF}
		out, err = g.reduce(op, o)
	case "weighted_groupby", "weighted_resample":
		var w *labels.Variable
		if w, err = labels.FromSlice([]string{"time"}, fx.Weights, nil); err == nil {
			out, err = g.weightedMean(w)
		}
	case "anomaly":
		out, err = g.anomaly()
		labelsName, timed = "", true
	case "cdo":
		stat := strings.TrimPrefix(strings.TrimPrefix(op.Op, "y"), "seas")
		s, ok := orcCDOStats[stat]
		if !ok {
			return orcResult{}, fmt.Errorf("unknown CDO statistic %q", stat)
		}
		out, err = g.reduce(orcOp{Op: s.op}, s.o)
	}
	if err != nil {
		return orcResult{}, err
	}
	var res orcResult
	tas, err := out("tas")
	if err != nil {
		return orcResult{}, err
	}
	// The groups' dimension replaces time, and is named after the
	// component ("season"), the bins ("tnum_bins") or time itself.
	dim := labelsName
	switch {
	case op.Kind == "bins":
		dim = "tnum_bins"
	case timed:
		dim = "time"
	}
	if d := tas.Dims(); len(d) != 2 || d[0] != dim || d[1] != "x" {
		return orcResult{}, fmt.Errorf("result dimensions %q, want [%q \"x\"]", d, dim)
	}
	res.Shape = tas.Shape()
	res.Values = orcPtrs(orcValues(t, tas))
	if labelsName != "" {
		lv, err := out(labelsName)
		if err != nil {
			return orcResult{}, err
		}
		res.Labels = orcLabels(t, lv)
	}
	if timed {
		tv, err := out("time")
		if err != nil {
			return orcResult{}, err
		}
		res.Times = orcValues(t, tv)
		if op.Kind == "cdo" || op.Kind == "resample" {
			bv, err := out("time_bnds")
			if err != nil {
				return orcResult{}, err
			}
			res.Bounds = orcPtrs(orcValues(t, bv))
		}
	}
	return res, nil
}

// orcValues computes a variable as float64s.
func orcValues(t testing.TB, v *labels.Variable) []float64 {
	t.Helper()
	a, err := v.Values(context.Background(), chunk.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := a.Contiguous().Astype(ndarray.Float64)
	if err != nil {
		t.Fatal(err)
	}
	return slices.Clone(ndarray.Float64s(f))
}

// orcLabels returns the groups' labels as the script writes them.
func orcLabels(t testing.TB, v *labels.Variable) []string {
	t.Helper()
	if s, ok := v.Strings(); ok {
		return s
	}
	var out []string
	for _, x := range orcValues(t, v) {
		out = append(out, strconv.FormatFloat(x, 'f', -1, 64))
	}
	return out
}

func orcPtrs(v []float64) []*float64 {
	out := make([]*float64, len(v))
	for i, x := range v {
		if !math.IsNaN(x) {
			out[i] = &v[i]
		}
	}
	return out
}

func orcFloats(v []*float64) []float64 {
	out := make([]float64, len(v))
	for i, p := range v {
		out[i] = math.NaN()
		if p != nil {
			out[i] = *p
		}
	}
	return out
}

// orcCompare checks groupby's result against the oracle's: values (by
// group label when the result has labels, by position otherwise), time
// values and bounds. It returns the largest relative difference of the
// values.
func orcCompare(t *testing.T, got, want orcResult, npts int, rtol float64) float64 {
	t.Helper()
	gv, wv := orcFloats(got.Values), orcFloats(want.Values)
	if len(gv) != len(wv) {
		t.Errorf("%d values (shape %v), oracle %d (shape %v)", len(gv), got.Shape, len(wv), want.Shape)
		return 0
	}
	rows := len(gv) / npts
	// order[i] is the oracle's row of groupby's row i.
	order := make([]int, rows)
	for i := range order {
		order[i] = i
	}
	if want.Labels != nil {
		if len(got.Labels) != rows || len(want.Labels) != rows {
			t.Errorf("labels %q, oracle %q, for %d rows", got.Labels, want.Labels, rows)
			return 0
		}
		for i, l := range got.Labels {
			j := slices.Index(want.Labels, l)
			if j < 0 {
				t.Errorf("label %q not in the oracle's %q", l, want.Labels)
				return 0
			}
			order[i] = j
		}
	}
	worst, bad := 0.0, 0
	for i := range rows {
		for p := range npts {
			g, w := gv[i*npts+p], wv[order[i]*npts+p]
			d := orcDiff(g, w)
			worst = max(worst, d)
			if d > rtol {
				if bad++; bad <= 5 {
					lab := strconv.Itoa(i)
					if got.Labels != nil {
						lab = got.Labels[i]
					}
					t.Errorf("group %s point %d: %v, oracle %v (relative difference %.3g)", lab, p, g, w, d)
				}
			}
		}
	}
	if bad > 5 {
		t.Errorf("... %d values differ in all", bad)
	}
	if want.Times != nil {
		if !orcSameTimes(got.Times, want.Times) {
			t.Errorf("times %v,\n oracle %v", got.Times, want.Times)
		}
	}
	if want.Bounds != nil {
		if !orcSameTimes(orcFloats(got.Bounds), orcFloats(want.Bounds)) {
			t.Errorf("time bounds %v,\n oracle %v", orcFloats(got.Bounds), orcFloats(want.Bounds))
		}
	}
	return worst
}

// orcDiff is |a−b| / max(1, |b|), 0 when both are missing and +Inf when
// one is.
func orcDiff(a, b float64) float64 {
	if math.IsNaN(a) || math.IsNaN(b) {
		if math.IsNaN(a) && math.IsNaN(b) {
			return 0
		}
		return math.Inf(1)
	}
	return math.Abs(a-b) / math.Max(1, math.Abs(b))
}

func orcSameTimes(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !(math.Abs(a[i]-b[i]) <= orcTimeTol) {
			return false
		}
	}
	return true
}

// orcCheck runs every op of the fixtures through groupby and compares
// with the oracle's results.
func orcCheck(t *testing.T, fixtures []*orcFixture, want map[string]orcResult, rtol func(*orcFixture, orcOp) float64) {
	t.Helper()
	worst := map[string]float64{}
	for _, fx := range fixtures {
		ds := orcDataset(t, fx)
		for _, op := range fx.Ops {
			t.Run(fx.Name+"/"+op.Name, func(t *testing.T) {
				w, ok := want[fx.Name+"/"+op.Name]
				if !ok || w.Error != "" {
					t.Fatalf("oracle: %s (missing: %v)", w.Error, !ok)
				}
				got, err := orcTessera(t, fx, ds, op)
				if err != nil {
					t.Fatal(err)
				}
				d := orcCompare(t, got, w, fx.NPts, rtol(fx, op))
				if op.Kind == "resample" {
					// StampStart: each interval is [its label, the next
					// one's).
					b := orcFloats(got.Bounds)
					for i, s := range got.Times {
						if b[2*i] != s || (i+1 < len(got.Times) && b[2*i+1] != got.Times[i+1]) {
							t.Errorf("interval %d: time %v, bounds %v, next time %v", i, s, b[2*i:2*i+2], got.Times[min(i+1, len(got.Times)-1)])
							break
						}
					}
				}
				worst[fx.DType] = max(worst[fx.DType], d)
			})
		}
	}
	for dt, w := range worst {
		t.Logf("largest relative difference, %s: %.3g", dt, w)
	}
}

// The xarray oracle.

// orcReductions are every grouped reduction, with xarray's defaults.
var orcReductions = []string{"sum", "mean", "min", "max", "count", "var", "std", "first", "last"}

func orcGroupbyOps(keys ...string) []orcOp {
	var ops []orcOp
	for _, k := range keys {
		for _, r := range orcReductions {
			ops = append(ops, orcOp{Name: k + "." + r, Kind: "groupby", Key: k, Op: r})
		}
	}
	return ops
}

// orcOptionOps are reductions with options: min_count, skipna=False,
// ddof.
func orcOptionOps(key string) []orcOp {
	no := false
	return []orcOp{
		{Name: key + ".sum_min_count1", Kind: "groupby", Key: key, Op: "sum", MinCount: 1},
		{Name: key + ".sum_min_count3", Kind: "groupby", Key: key, Op: "sum", MinCount: 3},
		{Name: key + ".mean_keepnan", Kind: "groupby", Key: key, Op: "mean", Skipna: &no},
		{Name: key + ".max_keepnan", Kind: "groupby", Key: key, Op: "max", Skipna: &no},
		{Name: key + ".first_keepnan", Kind: "groupby", Key: key, Op: "first", Skipna: &no},
		{Name: key + ".std_ddof1", Kind: "groupby", Key: key, Op: "std", DDOF: 1},
		{Name: key + ".var_ddof1", Kind: "groupby", Key: key, Op: "var", DDOF: 1},
	}
}

// orcRandomMissing marks about frac of the values missing, at random.
func orcRandomMissing(r *rand.Rand, n, npts int, frac float64) []bool {
	m := make([]bool, n*npts)
	for i := range m {
		m[i] = r.Float64() < frac
	}
	return m
}

// orcXarrayFixtures are the fixtures of TestXarrayOracle.
func orcXarrayFixtures(t *testing.T) []*orcFixture {
	const units = "days since 2000-01-01"
	r := rand.New(rand.NewPCG(2000, 1))
	var fxs []*orcFixture

	// Daily, standard, 2000-01-01..2002-12-31 at 12:00 (a leap year
	// first: day of year 60 is Feb 29 in 2000 and Mar 1 after), 3
	// points. About 10% of the values are missing; point 1 has no value
	// in any MAM (its MAM climatology, every MAM day of year and the
	// months 3-5 are all missing), point 2 none in DJF 2001.
	{
		fx := &orcFixture{Name: "daily_standard", Calendar: "standard", Units: units, NPts: 3, DType: "float64", block: 45}
		fx.Time, fx.Bounds = orcRegular(t, fx.Calendar, units, cftime.Date{Year: 2000, Month: 1, Day: 1, Hour: 12}, 1096, 24*time.Hour, "center")
		rm := orcRandomMissing(r, 1096, 3, 0.1)
		c, _ := orcCal(t, fx.Calendar, units)
		orcFill(t, fx, orcNoise(r, 365.25), func(i, p int, d cftime.Date) bool {
			switch {
			case p == 1 && d.Season() == cftime.MAM:
				return true
			case p == 2 && d.Season() == cftime.DJF && c.SeasonYear(d) == 2001:
				return true
			}
			return rm[i*3+p]
		})
		fx.Ops = orcGroupbyOps("time.season", "time.month", "time.dayofyear")
		fx.Ops = append(fx.Ops, orcOptionOps("time.season")...)
		fx.Ops = append(fx.Ops, orcOptionOps("time.dayofyear")...)
		fx.Ops = append(fx.Ops,
			orcOp{Name: "resample_QS-DEC.mean", Kind: "resample", Key: "QS-DEC", Op: "mean"},
			orcOp{Name: "resample_QS-DEC.sum", Kind: "resample", Key: "QS-DEC", Op: "sum"},
			orcOp{Name: "resample_QS-DEC.std", Kind: "resample", Key: "QS-DEC", Op: "std"},
			orcOp{Name: "resample_MS.mean", Kind: "resample", Key: "MS", Op: "mean"},
			orcOp{Name: "resample_MS.max", Kind: "resample", Key: "MS", Op: "max"},
			orcOp{Name: "resample_YS.mean", Kind: "resample", Key: "YS", Op: "mean"},
			orcOp{Name: "resample_10D.mean", Kind: "resample", Key: "10D", Op: "mean"},
			orcOp{Name: "anomaly_season", Kind: "anomaly", Key: "time.season"},
			orcOp{Name: "anomaly_month", Kind: "anomaly", Key: "time.month"},
			orcOp{Name: "anomaly_dayofyear", Kind: "anomaly", Key: "time.dayofyear"},
		)
		fxs = append(fxs, fx)
	}

	// The same in the noleap and 360_day calendars (cftime in xarray),
	// starting in February, grouped by the DataArray.
	for _, cal := range []string{"noleap", "360_day"} {
		fx := &orcFixture{Name: "daily_" + cal, Calendar: cal, Units: units, NPts: 2, DType: "float64", block: 31, array: true}
		fx.Time, _ = orcRegular(t, cal, units, cftime.Date{Year: 2000, Month: 2, Day: 3, Hour: 12}, 800, 24*time.Hour, "")
		rm := orcRandomMissing(r, 800, 2, 0.15)
		orcFill(t, fx, orcNoise(r, 365), func(i, p int, d cftime.Date) bool {
			return rm[i*2+p] || (p == 1 && d.Season() == cftime.JJA)
		})
		fx.Ops = orcGroupbyOps("time.season")
		fx.Ops = append(fx.Ops, orcGroupbyOps("time.dayofyear")...)
		fx.Ops = append(fx.Ops,
			orcOp{Name: "time.month.mean", Kind: "groupby", Key: "time.month", Op: "mean"},
			orcOp{Name: "time.month.std", Kind: "groupby", Key: "time.month", Op: "std"},
			orcOp{Name: "resample_QS-DEC.mean", Kind: "resample", Key: "QS-DEC", Op: "mean"},
			orcOp{Name: "resample_MS.mean", Kind: "resample", Key: "MS", Op: "mean"},
			orcOp{Name: "anomaly_season", Kind: "anomaly", Key: "time.season"},
		)
		fxs = append(fxs, fx)
	}

	// 6-hourly, standard, stamped at the end of each interval, from
	// 2000-11-01 06:00: by hour and season, resampled by day and season.
	{
		fx := &orcFixture{Name: "6hourly", Calendar: "standard", Units: "hours since 2000-11-01", NPts: 2, DType: "float64", block: 100}
		fx.Time, fx.Bounds = orcRegular(t, fx.Calendar, fx.Units, cftime.Date{Year: 2000, Month: 11, Day: 1, Hour: 6}, 600, 6*time.Hour, "end")
		rm := orcRandomMissing(r, 600, 2, 0.1)
		orcFill(t, fx, orcNoise(r, 4), func(i, p int, d cftime.Date) bool { return rm[i*2+p] })
		fx.Ops = orcGroupbyOps("time.hour")
		fx.Ops = append(fx.Ops,
			orcOp{Name: "time.season.mean", Kind: "groupby", Key: "time.season", Op: "mean"},
			orcOp{Name: "resample_D.mean", Kind: "resample", Key: "D", Op: "mean"},
			orcOp{Name: "resample_12h.mean", Kind: "resample", Key: "12H", Op: "mean"},
			orcOp{Name: "resample_QS-DEC.mean", Kind: "resample", Key: "QS-DEC", Op: "mean"},
			orcOp{Name: "anomaly_hour", Kind: "anomaly", Key: "time.hour"},
		)
		fxs = append(fxs, fx)
	}

	// Monthly, Jan 2000..Dec 2002, 3 points, random missing values and
	// point 2 missing all of DJF 2001: every reduction by season, month
	// and year, seasons per year, month-length weighted means (xarray's
	// weighted mean renormalises over the valid values, as groupby's
	// WeightedMean: SEASONAL.md W3), bins of the time numbers.
	for _, cal := range []string{"standard", "noleap", "360_day"} {
		fx := &orcFixture{Name: "monthly_" + cal, Calendar: cal, Units: units, NPts: 3, DType: "float64", block: 5, TNum: true}
		fx.Time, fx.Bounds, fx.Weights = orcMonthly(t, cal, units, 2000, 1, 36)
		rm := orcRandomMissing(r, 36, 3, 0.15)
		c, _ := orcCal(t, cal, units)
		orcFill(t, fx, orcNoise(r, 12), func(i, p int, d cftime.Date) bool {
			return rm[i*3+p] || (p == 2 && d.Season() == cftime.DJF && c.SeasonYear(d) == 2001)
		})
		fx.Ops = append(fx.Ops,
			orcOp{Name: "weighted_season", Kind: "weighted_groupby", Key: "time.season"},
			orcOp{Name: "weighted_month", Kind: "weighted_groupby", Key: "time.month"},
			orcOp{Name: "weighted_QS-DEC", Kind: "weighted_resample", Key: "QS-DEC"},
			orcOp{Name: "resample_QS-DEC.mean", Kind: "resample", Key: "QS-DEC", Op: "mean"},
			orcOp{Name: "anomaly_season", Kind: "anomaly", Key: "time.season"},
		)
		if cal == "standard" {
			fx.Ops = append(fx.Ops, orcGroupbyOps("time.season", "time.month")...)
			fx.Ops = append(fx.Ops, orcOptionOps("time.season")...)
			fx.Ops = append(fx.Ops,
				orcOp{Name: "time.year.mean", Kind: "groupby", Key: "time.year", Op: "mean"},
				orcOp{Name: "time.year.sum", Kind: "groupby", Key: "time.year", Op: "sum"},
				orcOp{Name: "resample_QS-DEC.sum", Kind: "resample", Key: "QS-DEC", Op: "sum"},
				orcOp{Name: "resample_QS-DEC.count", Kind: "resample", Key: "QS-DEC", Op: "count"},
				orcOp{Name: "resample_MS.mean", Kind: "resample", Key: "MS", Op: "mean"},
				orcOp{Name: "resample_QS.mean", Kind: "resample", Key: "QS", Op: "mean"},
				orcOp{Name: "resample_YS.mean", Kind: "resample", Key: "YS", Op: "mean"},
				orcOp{Name: "anomaly_month", Kind: "anomaly", Key: "time.month"},
				// Bins with empty ones (xarray restores them as NaN),
				// closed on the right, with the lowest edge, and on the
				// left.
				orcOp{Name: "bins_right.mean", Kind: "bins", Op: "mean", Edges: []float64{0, 90, 365, 366, 700, 1200}},
				orcOp{Name: "bins_lowest.sum", Kind: "bins", Op: "sum", Edges: []float64{15.5, 100, 200, 1000}, Lowest: true},
				orcOp{Name: "bins_left.count", Kind: "bins", Op: "count", Edges: []float64{15.5, 45.5, 500, 1200}, Left: true},
			)
		}
		fxs = append(fxs, fx)
	}

	// Monthly DJF only (SEASONAL.md E4): xarray's resample keeps the
	// empty quarters as NaN steps, which ResampleOptions.KeepEmpty
	// reproduces.
	{
		fx := &orcFixture{Name: "monthly_djf", Calendar: "standard", Units: units, NPts: 2, DType: "float64", block: 4, array: true}
		st, bn, _ := orcMonthly(t, fx.Calendar, units, 2000, 1, 36)
		_, u := orcCal(t, fx.Calendar, units)
		var keep []int
		for i, s := range st {
			d, _ := u.Decode(s)
			if d.Season() == cftime.DJF {
				keep = append(keep, i)
			}
		}
		for _, i := range keep {
			fx.Time = append(fx.Time, st[i])
			fx.Bounds = append(fx.Bounds, bn[2*i], bn[2*i+1])
		}
		orcFill(t, fx, func(i, p int) float64 { return float64(keep[i]+1) + 100*float64(p) }, nil)
		fx.Ops = []orcOp{
			{Name: "resample_QS-DEC.mean", Kind: "resample", Key: "QS-DEC", Op: "mean"},
			{Name: "resample_QS-DEC.max", Kind: "resample", Key: "QS-DEC", Op: "max"},
			{Name: "time.season.mean", Kind: "groupby", Key: "time.season", Op: "mean"},
		}
		fxs = append(fxs, fx)
	}
	return fxs
}

// TestXarrayOracle compares groupby with xarray 2023.01 on daily,
// 6-hourly and monthly data with missing values, in three calendars.
//
// All-missing sums: a group with no valid value sums to 0 with the
// default options, in groupby as in xarray (.sum() is nansum), and to
// missing with MinCount 1 (xarray's min_count=1). SEASONAL.md M4/E8's
// "tessera gives missing" is the rule of the `tessera seasonal` command,
// whose --min-valid defaults to 1 (MinCount 1; TestCDOOracle checks it
// against cdo seassum and yseassum); the library's defaults are
// xarray's.
func TestXarrayOracle(t *testing.T) {
	fxs := orcXarrayFixtures(t)
	want := orcRun(t, "xarray_groupby.py", "xarray, cftime, numpy", fxs)
	orcCheck(t, fxs, want, func(*orcFixture, orcOp) float64 { return orcTol })

	// The all-missing groups exist, and xarray's sum of them is 0.
	for _, k := range []string{"daily_standard/time.season.sum", "daily_standard/time.season.mean", "daily_standard/time.season.sum_min_count1"} {
		w := want[k]
		i := slices.Index(w.Labels, "MAM")
		if i < 0 {
			t.Fatalf("%s: no MAM in %q", k, w.Labels)
		}
		got := w.Values[i*3+1]
		switch {
		case strings.HasSuffix(k, ".sum") && (got == nil || *got != 0):
			t.Errorf("%s: xarray's sum of the all-missing MAM of point 1 is %v, want 0", k, orcFloats(w.Values[i*3+1:i*3+2]))
		case !strings.HasSuffix(k, ".sum") && got != nil:
			t.Errorf("%s: xarray gives %v for the all-missing MAM of point 1, want NaN", k, *got)
		}
	}
}

// The CDO oracle.

// orcCDOOps are the CDO operators compared, per-year (seas) and
// climatologies (yseas): all of them on FX and FMnov, the main ones on
// the others (each cdo run costs ~0.1 s).
var (
	orcCDOOps = []string{
		"seasmean", "seassum", "seasmin", "seasmax", "seasstd", "seasstd1", "seasvar", "seasavg",
		"yseasmean", "yseasstd", "yseassum", "yseasmin", "yseasmax", "yseasvar1", "yseasavg",
	}
	orcCDOMainOps = []string{"seasmean", "seassum", "seasstd", "yseasmean", "yseasstd", "yseasmax"}
)

// orcCDOFixtures are the files of TestCDOOracle.
func orcCDOFixtures(t *testing.T) []*orcFixture {
	const units = "days since 2000-01-01"
	fill := 1e20
	r := rand.New(rand.NewPCG(2001, 2))
	var fxs []*orcFixture
	cdo := func(fx *orcFixture, all bool) {
		ops := orcCDOMainOps
		if all {
			ops = orcCDOOps
		}
		for _, o := range ops {
			fx.Ops = append(fx.Ops, orcOp{Name: o, Kind: "cdo", Op: o})
		}
	}

	// FX (SEASONAL.md §1, M5): monthly Dec 1999..Nov 2001, float32 with
	// _FillValue 1e20. Point A (+1000) lacks Feb 2000, B (+2000) all of
	// DJF 2000, C (+4000) Mar and Apr 2000.
	{
		fx := &orcFixture{Name: "FX", Calendar: "standard", Units: units, NPts: 3, DType: "float32", Fill: &fill, block: 5}
		fx.Time, fx.Bounds, _ = orcMonthly(t, fx.Calendar, units, 1999, 12, 24)
		off := []float64{1000, 2000, 4000}
		orcFill(t, fx, func(i, p int) float64 { return off[p] + float64(i) }, func(i, p int, _ cftime.Date) bool {
			return (p == 0 && i == 2) || (p == 1 && i <= 2) || (p == 2 && (i == 3 || i == 4))
		})
		cdo(fx, true)
		fxs = append(fxs, fx)
	}

	// FMnov: monthly Jan 2000..Nov 2002 (the first DJF has 2 steps, the
	// last SON is complete), float32, values 1..35 plus 100 per point,
	// some values masked at random.
	{
		fx := &orcFixture{Name: "FMnov", Calendar: "standard", Units: units, NPts: 3, DType: "float32", Fill: &fill, block: 7}
		fx.Time, fx.Bounds, _ = orcMonthly(t, fx.Calendar, units, 2000, 1, 35)
		rm := orcRandomMissing(r, 35, 3, 0.2)
		orcFill(t, fx, func(i, p int) float64 { return float64(i+1) + 100*float64(p) + 0.1*r.Float64() }, func(i, p int, _ cftime.Date) bool {
			return p > 0 && rm[i*3+p]
		})
		cdo(fx, true)
		fxs = append(fxs, fx)
	}

	// FM from Mar 2000 to Feb 2002 (SEASONAL.md §3), float64 with
	// _FillValue -1e30 and nothing missing: the first season is MAM,
	// yet CDO writes DJF first.
	{
		f := -1e30
		fx := &orcFixture{Name: "FMmar", Calendar: "standard", Units: units, NPts: 2, DType: "float64", Fill: &f, block: 6}
		fx.Time, fx.Bounds, _ = orcMonthly(t, fx.Calendar, units, 2000, 3, 24)
		orcFill(t, fx, func(i, p int) float64 { return float64(i+3) + 10*float64(p) }, nil)
		cdo(fx, false)
		fxs = append(fxs, fx)
	}

	// FM's DJF months only (SEASONAL.md E4): CDO and groupby's default
	// Resample make the 4 seasons with data, no empty ones.
	{
		fx := &orcFixture{Name: "FMdjf", Calendar: "standard", Units: units, NPts: 1, DType: "float32", Fill: &fill, block: 3}
		st, bn, _ := orcMonthly(t, fx.Calendar, units, 2000, 1, 36)
		var keep []int
		for i := range st {
			if m := i % 12; m <= 1 || m == 11 {
				keep = append(keep, i)
				fx.Time = append(fx.Time, st[i])
				fx.Bounds = append(fx.Bounds, bn[2*i], bn[2*i+1])
			}
		}
		orcFill(t, fx, func(i, p int) float64 { return float64(keep[i] + 1) }, nil)
		cdo(fx, false)
		fxs = append(fxs, fx)
	}

	// Daily data starting on 10 February 2000, float64 with _FillValue
	// -999 and no time bounds (CDO's output bounds are then the first
	// and last member's times), to May 2001; one point is missing the
	// whole of JJA 2000. Grouped as a DataArray (which has no
	// time_bnds: a Dataset's bounds variable is a data variable).
	{
		f := -999.0
		fx := &orcFixture{Name: "daily_feb", Calendar: "standard", Units: units, NPts: 2, DType: "float64", Fill: &f, block: 40, array: true}
		fx.Time, _ = orcRegular(t, fx.Calendar, units, cftime.Date{Year: 2000, Month: 2, Day: 10, Hour: 12}, 470, 24*time.Hour, "")
		rm := orcRandomMissing(r, 470, 2, 0.1)
		c, _ := orcCal(t, fx.Calendar, units)
		orcFill(t, fx, orcNoise(r, 365.25), func(i, p int, d cftime.Date) bool {
			return rm[i*2+p] || (p == 1 && d.Season() == cftime.JJA && c.SeasonYear(d) == 2000)
		})
		cdo(fx, false)
		fxs = append(fxs, fx)
	}

	// Daily noleap from 1 February 2001 to March 2002, float32, day
	// bounds.
	{
		fx := &orcFixture{Name: "daily_noleap", Calendar: "noleap", Units: units, NPts: 2, DType: "float32", Fill: &fill, block: 64}
		fx.Time, fx.Bounds = orcRegular(t, fx.Calendar, units, cftime.Date{Year: 2001, Month: 2, Day: 1, Hour: 12}, 420, 24*time.Hour, "center")
		rm := orcRandomMissing(r, 420, 2, 0.1)
		orcFill(t, fx, orcNoise(r, 365), func(i, p int, _ cftime.Date) bool { return rm[i*2+p] })
		cdo(fx, false)
		fxs = append(fxs, fx)
	}

	// 6-hourly, Dec 1999..Feb 2001, stamped at the end of each interval
	// (SEASONAL.md E7: the step stamped 2000-03-01 00:00 counts in MAM;
	// the last, 2001-03-01 00:00, alone in MAM 2001), float32.
	{
		fx := &orcFixture{Name: "6hourly_end", Calendar: "standard", Units: units, NPts: 2, DType: "float32", Fill: &fill, block: 333}
		fx.Time, fx.Bounds = orcRegular(t, fx.Calendar, units, cftime.Date{Year: 1999, Month: 12, Day: 1, Hour: 6}, 4*456, 6*time.Hour, "end")
		rm := orcRandomMissing(r, 4*456, 2, 0.05)
		orcFill(t, fx, orcNoise(r, 4*365.25), func(i, p int, _ cftime.Date) bool { return rm[i*2+p] })
		cdo(fx, false)
		fxs = append(fxs, fx)
	}
	return fxs
}

// TestCDOOracle compares groupby with CDO 2.1.1: Resample("time",
// "QS-DEC") with the default options (CDO's stamps and bounds,
// SEASONAL.md S4 and S5) with cdo seas<stat>, values, times and
// time_bnds; By("time.season") with cdo yseas<stat>, values only (CDO's
// yseas times are unreliable, C4 and E13), matched by season (CDO
// writes the seasons present in the order DJF, MAM, JJA, SON).
func TestCDOOracle(t *testing.T) {
	orcCDO(t)
	fxs := orcCDOFixtures(t)
	want := orcRun(t, "cdo_seasonal.py", "netCDF4, cftime, numpy", fxs)
	orcCheck(t, fxs, want, func(fx *orcFixture, op orcOp) float64 {
		switch {
		case fx.DType == "float32":
			return orcTolFloat32
		case strings.Contains(op.Op, "var") || strings.Contains(op.Op, "std"):
			return orcTolCDOVar
		}
		return orcTol
	})

	// SEASONAL.md M5 on FX, which CDO matched above: the DJF 2000
	// members are Dec99, Jan00 and Feb00.
	byName := func(name string) *orcFixture {
		i := slices.IndexFunc(fxs, func(fx *orcFixture) bool { return fx.Name == name })
		if i < 0 {
			t.Fatalf("no fixture %s", name)
		}
		return fxs[i]
	}
	ds := orcDataset(t, byName("FX"))
	seas := func(op ndarray.Op, o labels.ReduceOptions) []float64 {
		g, err := groupby.Dataset(ds, groupby.Resample("time", "QS-DEC"))
		if err != nil {
			t.Fatal(err)
		}
		r, err := g.Reduce(op, o)
		if err != nil {
			t.Fatal(err)
		}
		v, _ := r.Variable("tas")
		return orcValues(t, v)
	}
	mean, sum := seas(ndarray.Mean, labels.ReduceOptions{}), seas(ndarray.Sum, labels.ReduceOptions{MinCount: 1})
	std, std1 := seas(ndarray.Std, labels.ReduceOptions{}), seas(ndarray.Std, labels.ReduceOptions{DDOF: 1})
	sum0 := seas(ndarray.Sum, labels.ReduceOptions{})
	// Rows are DJF 2000, MAM 2000, ...; columns A, B, C.
	type check struct {
		what      string
		got, want float64
	}
	checks := []check{
		{"A DJF 2000 mean", mean[0], 1000.5},
		{"A DJF 2000 sum", sum[0], 2001},
		{"A DJF 2000 std", std[0], 0.5},
		{"B DJF 2000 mean", mean[1], math.NaN()},
		{"B DJF 2000 sum (MinCount 1, CDO)", sum[1], math.NaN()},
		{"B DJF 2000 sum (default options, xarray)", sum0[1], 0},
		{"C MAM 2000 mean", mean[3+2], 4005},
		{"C MAM 2000 std", std[3+2], 0},
		{"C MAM 2000 std1", std1[3+2], math.NaN()},
	}
	g, err := groupby.Dataset(ds, groupby.By("time.season"))
	if err != nil {
		t.Fatal(err)
	}
	clim, err := g.Mean()
	if err != nil {
		t.Fatal(err)
	}
	cv, _ := clim.Variable("tas")
	sv, _ := clim.Variable("season")
	if i := slices.Index(orcLabels(t, sv), "MAM"); i < 0 {
		t.Errorf("no MAM in %q", orcLabels(t, sv))
	} else {
		checks = append(checks, check{"C MAM climatology", orcValues(t, cv)[3*i+2], 4013.25})
	}
	for _, c := range checks {
		if orcDiff(c.got, c.want) > 1e-7 {
			t.Errorf("FX %s = %v, want %v", c.what, c.got, c.want)
		}
	}

	// SEASONAL.md §3: input Mar 2000–Feb 2002 gives DJF 19, MAM 10,
	// JJA 13, SON 16.
	fm := byName("FMmar")
	if g, err = groupby.Dataset(orcDataset(t, fm), groupby.By("time.season")); err != nil {
		t.Fatal(err)
	}
	if clim, err = g.Mean(); err != nil {
		t.Fatal(err)
	}
	cv, _ = clim.Variable("tas")
	sv, _ = clim.Variable("season")
	wantFM := map[string]float64{"DJF": 19, "MAM": 10, "JJA": 13, "SON": 16}
	for i, l := range orcLabels(t, sv) {
		if got := orcValues(t, cv)[2*i]; got != wantFM[l] {
			t.Errorf("%s %s climatology = %v, want %v", fm.Name, l, got, wantFM[l])
		}
	}
}
