package main

// Agreement tests of the CLI (SEASONAL.md): tessera seas<stat> and
// yseas<stat> against CDO 2.1.1 and xarray 2023.01 on small files, and
// every worked example of SEASONAL.md through the command line.
//
// The fixtures are written by testdata/agree.py ("make", one Python run
// per test) from a JSON spec; the same run calls the peers on them (cdo
// -b F64 <op>, xarray open_mfdataset + groupby/resample). tessera then
// runs in-process (run) and a second Python run ("dump") reads its
// outputs back with netCDF4, so both tools' files are read by the same
// reader.
//
// A missing peer (cdo, /usr/bin/python3 with netCDF4, cftime or xarray)
// fails the tests; TESSERA_SKIP_ORACLES=1 skips them instead.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// agreePython is Debian's interpreter with python3-netcdf4,
// python3-cftime and python3-xarray (not a pyenv python3 without them).
const agreePython = "/usr/bin/python3"

// agreeRtol is the relative tolerance on values: tessera accumulates in
// float64 and rounds once to the output type (float32 for float32 and
// packed-with-float32-scale inputs); CDO (-b F64) in double; xarray in
// the data's dtype (float32 sums for float32 data, SEASONAL.md §6).
const agreeRtol = 1e-6

// agreeTimeTol is the absolute tolerance on time values and bounds, in
// the file's units (CDO computes its middle stamps in its own date/time
// encoding, to the second; every stamp here is exact to the minute).
const agreeTimeTol = 1e-6

var agreeStats = []string{"mean", "avg", "sum", "min", "max", "std", "std1", "var", "var1"}

// needPeers fails (or with TESSERA_SKIP_ORACLES=1 skips) the test when a
// peer is missing.
func needPeers(t *testing.T) {
	t.Helper()
	if os.Getenv("TESSERA_SKIP_ORACLES") == "1" {
		t.Skip("TESSERA_SKIP_ORACLES=1")
	}
	if out, err := exec.Command(agreePython, "-c", "import netCDF4, cftime, xarray").CombinedOutput(); err != nil {
		t.Fatalf("peer unavailable: %s -c 'import netCDF4, cftime, xarray': %v\n%s\nrun `make deps` (python3-netcdf4, python3-cftime, python3-xarray, cdo), or set TESSERA_SKIP_ORACLES=1 to skip",
			agreePython, err, out)
	}
	if _, err := exec.LookPath("cdo"); err != nil {
		t.Fatalf("CDO peer unavailable: %v\nrun `make deps` (it installs cdo), or set TESSERA_SKIP_ORACLES=1 to skip", err)
	}
	if _, err := exec.LookPath("ncdump"); err != nil {
		t.Fatalf("ncdump unavailable: %v\nrun `make deps` (netcdf-bin), or set TESSERA_SKIP_ORACLES=1 to skip", err)
	}
}

// Fixture specs (see testdata/agree.py).

type agFixture struct {
	Name       string         `json:"name"`
	Calendar   string         `json:"calendar,omitempty"`
	Units      string         `json:"units,omitempty"`
	Freq       string         `json:"freq,omitempty"`
	Start      []int          `json:"start,omitempty"`
	N          int            `json:"n,omitempty"`
	End        []int          `json:"end,omitempty"`
	Stamp      string         `json:"stamp,omitempty"`
	Bounds     bool           `json:"bounds,omitempty"`
	KeepMonths []int          `json:"keep_months,omitempty"`
	Keep       []int          `json:"keep,omitempty"`
	Grid       []int          `json:"grid,omitempty"`
	Split      int            `json:"split,omitempty"`
	Format     string         `json:"format,omitempty"`
	Global     map[string]any `json:"global,omitempty"`
	Static     bool           `json:"static,omitempty"`
	TAttrs     map[string]any `json:"tattrs,omitempty"`
	Vars       []agVar        `json:"vars"`
	CDO        []agCDOOp      `json:"cdo,omitempty"`
	Xarray     []agXrOp       `json:"xarray,omitempty"`
}

type agVar struct {
	Name         string         `json:"name,omitempty"`
	DType        string         `json:"dtype,omitempty"`
	Dims         string         `json:"dims,omitempty"`
	Base         any            `json:"base,omitempty"`
	Lo           any            `json:"lo,omitempty"`
	Hi           any            `json:"hi,omitempty"`
	Quant        float64        `json:"quant,omitempty"`
	Offsets      []float64      `json:"offsets,omitempty"`
	Fill         any            `json:"fill,omitempty"`
	MissingValue any            `json:"missing_value,omitempty"`
	ScaleFactor  any            `json:"scale_factor,omitempty"`
	AddOffset    any            `json:"add_offset,omitempty"`
	ScaleDType   string         `json:"scale_dtype,omitempty"`
	MaskFrac     float64        `json:"mask_frac,omitempty"`
	Mask         [][3]int       `json:"mask,omitempty"`
	MaskBlocks   [][4]int       `json:"mask_blocks,omitempty"`
	NaN          [][3]int       `json:"nan,omitempty"`
	Attrs        map[string]any `json:"attrs,omitempty"`
	Seed         int            `json:"seed,omitempty"`
}

type agCDOOp struct {
	Name string   `json:"name"`
	Args []string `json:"args"`
}

type agXrOp struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	Stat string `json:"stat"`
	Var  string `json:"var,omitempty"`
}

// Results.

// agCell is a value read back: masked (null), NaN ("NaN") or a number.
type agCell struct {
	X           float64
	Masked, NaN bool
}

func (c *agCell) UnmarshalJSON(b []byte) error {
	switch s := string(b); s {
	case "null":
		c.Masked = true
	case `"NaN"`:
		c.NaN, c.X = true, math.NaN()
	default:
		return json.Unmarshal(b, &c.X)
	}
	return nil
}

func (c agCell) String() string {
	switch {
	case c.Masked:
		return "masked"
	case c.NaN:
		return "NaN"
	}
	return fmt.Sprintf("%.9g", c.X)
}

// missing reports whether c is missing: masked, or NaN (xarray's and
// tessera's missing value).
func (c agCell) missing() bool { return c.Masked || c.NaN }

type agMade struct {
	Files  []string           `json:"files"`
	Time   []float64          `json:"time"`
	Bounds []float64          `json:"bounds"`
	Dates  [][6]int           `json:"dates"`
	Clim   []agClim           `json:"clim"`
	CDO    map[string]agCDO   `json:"cdo"`
	Xarray map[string]agXrRes `json:"xarray"`
}

type agClim struct {
	Season string     `json:"season"`
	Stamp  float64    `json:"stamp"`
	Bounds [2]float64 `json:"bounds"`
}

type agCDO struct {
	Stderr string  `json:"stderr"`
	Dump   *agFile `json:"dump"`
	Error  string  `json:"error"`
}

type agXrRes struct {
	DType  string          `json:"dtype"`
	Labels json.RawMessage `json:"labels"`
	Counts []int           `json:"counts"`
	Values []agCell        `json:"values"`
	Error  string          `json:"error"`
}

type agFile struct {
	Format    string            `json:"format"`
	Dims      map[string]int    `json:"dims"`
	Unlimited []string          `json:"unlimited"`
	Global    map[string]any    `json:"global"`
	Vars      map[string]*agNcV `json:"vars"`
	NcdumpRC  *int              `json:"ncdump_rc"`
	NcdumpErr string            `json:"ncdump_err"`
	XrOK      *bool             `json:"xr_ok"`
	XrErr     string            `json:"xr_err"`
	Error     string            `json:"error"`
}

type agNcV struct {
	DType     string            `json:"dtype"`
	Dims      []string          `json:"dims"`
	Attrs     map[string]any    `json:"attrs"`
	AttrTypes map[string]string `json:"attr_types"`
	Values    []agCell          `json:"values"`
	SHA256    string            `json:"sha256"`
	Dates     [][6]int          `json:"dates"`
}

// agPy runs testdata/agree.py MODE on spec and decodes its result.
func agPy(t *testing.T, mode string, spec, result any) {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, mode+"_in.json"), filepath.Join(dir, mode+"_out.json")
	b, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, b, 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	cmd := exec.CommandContext(t.Context(), agreePython, filepath.Join("testdata", "agree.py"), mode, in, out)
	msg, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s testdata/agree.py %s: %v\n%s", agreePython, mode, err, msg)
	}
	// Leave out HDF5's diagnostics (netCDF4-python probing for absent
	// attributes of netCDF-4 files).
	var keep []string
	for _, l := range strings.Split(string(msg), "\n") {
		if l != "" && !strings.HasPrefix(l, " ") && !strings.HasPrefix(l, "HDF5-DIAG") {
			keep = append(keep, l)
		}
	}
	t.Logf("agree.py %s: %.1fs %s", mode, time.Since(start).Seconds(), strings.Join(keep, "\n"))
	b, err = os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, result); err != nil {
		t.Fatalf("agree.py %s: %v", mode, err)
	}
}

// agMake writes the fixtures into dir and runs the peers on them.
func agMake(t *testing.T, dir string, fixtures []agFixture) map[string]*agMade {
	t.Helper()
	res := map[string]*agMade{}
	agPy(t, "make", map[string]any{"dir": dir, "fixtures": fixtures}, &res)
	for _, f := range fixtures {
		if res[f.Name] == nil {
			t.Fatalf("agree.py make: no result for %s", f.Name)
		}
	}
	return res
}

// agDump reads files back, those in check also through ncdump -h and
// xarray.
func agDump(t *testing.T, paths []string, check map[string]bool) map[string]*agFile {
	t.Helper()
	var spec []map[string]any
	for _, p := range paths {
		spec = append(spec, map[string]any{"path": p, "ncdump": check[p], "xr": check[p]})
	}
	res := map[string]*agFile{}
	agPy(t, "dump", spec, &res)
	for _, p := range paths {
		f := res[p]
		if f == nil || f.Error != "" {
			t.Fatalf("agree.py dump %s: %v", p, f)
		}
	}
	return res
}

// agRun is one tessera command line and what it printed.
type agRun struct {
	args   []string
	out    string
	code   int
	stderr string
}

// agTessera runs tessera's command lines in-process, in order.
func agTessera(t *testing.T, runs []*agRun) {
	t.Helper()
	start := time.Now()
	for _, r := range runs {
		var so, se bytes.Buffer
		r.code = run(t.Context(), r.args, &so, &se)
		r.stderr = se.String()
		if r.code != 0 {
			t.Errorf("tessera %s: exit %d\n%s", strings.Join(r.args, " "), r.code, r.stderr)
		}
	}
	t.Logf("tessera: %d runs in %.1fs", len(runs), time.Since(start).Seconds())
}

func agNewRun(dir, name, op string, files []string, flags ...string) *agRun {
	out := filepath.Join(dir, "t_"+name+".nc")
	args := append([]string{op, "-o", out}, flags...)
	return &agRun{args: append(args, files...), out: out}
}

// Comparisons.

func agClose(a, b, rtol float64) bool {
	return math.Abs(a-b) <= rtol*math.Max(math.Abs(a), math.Abs(b))+1e-12
}

// agCmpCells compares got with want: missing (masked or NaN) where want
// is, and within rtol elsewhere.
func agCmpCells(t *testing.T, what string, got, want []agCell, rtol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d values, want %d", what, len(got), len(want))
		return
	}
	bad := 0
	for i := range got {
		g, w := got[i], want[i]
		ok := g.missing() == w.missing() && (g.missing() || agClose(g.X, w.X, rtol))
		if !ok {
			if bad < 5 {
				t.Errorf("%s: value %d = %v, want %v", what, i, g, w)
			}
			bad++
		}
	}
	if bad > 5 {
		t.Errorf("%s: %d values differ in all", what, bad)
	}
}

// agCmpAtol compares values to an absolute tolerance, missing (masked
// or NaN) where want's are.
func agCmpAtol(t *testing.T, what string, got, want []agCell, atol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d values, want %d", what, len(got), len(want))
		return
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.missing() != w.missing() || !g.missing() && math.Abs(g.X-w.X) > atol {
			t.Errorf("%s: value %d = %v, want %v (±%.2g)", what, i, g, w, atol)
		}
	}
}

// agDataScale is the largest magnitude of a fixture's values.
func agDataScale(f agFixture) float64 {
	s := 1.0
	num := func(a any) float64 {
		x, _ := a.(float64)
		if i, ok := a.(int); ok {
			x = float64(i)
		}
		return math.Abs(x)
	}
	for _, v := range f.Vars {
		m := math.Max(num(v.Lo), num(v.Hi))
		if v.ScaleFactor != nil {
			m = m*num(v.ScaleFactor) + num(v.AddOffset)
		}
		s = math.Max(s, m)
	}
	return s
}

// agCmpAbs compares times: equal to tol, none missing.
func agCmpAbs(t *testing.T, what string, got, want []agCell, tol float64) {
	t.Helper()
	w := make([]float64, len(want))
	for i, c := range want {
		w[i] = c.X
		if c.missing() {
			t.Errorf("%s: want %v", what, want)
			return
		}
	}
	agCmpFloats(t, what, got, w, tol)
}

func agCmpFloats(t *testing.T, what string, got []agCell, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
		return
	}
	for i := range got {
		if got[i].missing() || math.Abs(got[i].X-want[i]) > tol {
			t.Errorf("%s = %v, want %v", what, got, want)
			return
		}
	}
}

// agWarnings returns the texts of the CDO-style warnings after their
// prefix ("cdo    seasmean (Warning): ", "tessera seasmean (Warning): ").
func agWarnings(stderr string) []string {
	var w []string
	for _, l := range strings.Split(stderr, "\n") {
		if _, after, ok := strings.Cut(l, "(Warning): "); ok {
			w = append(w, after)
		}
	}
	return w
}

var agSeasonOf = [13]string{"", "DJF", "DJF", "MAM", "MAM", "MAM", "JJA", "JJA", "JJA", "SON", "SON", "SON", "DJF"}

// agSteps returns the season and season-year of each stamp.
func agSteps(dates [][6]int) (seasons []string, years []int) {
	for _, d := range dates {
		seasons = append(seasons, agSeasonOf[d[1]])
		y := d[0]
		if d[1] == 12 {
			y++
		}
		years = append(years, y)
	}
	return seasons, years
}

// agRow returns the values of step k of a (time, points) variable.
func agRow(v *agNcV, k, npts int) []agCell { return v.Values[k*npts : (k+1)*npts] }

// agVarNames are a fixture's data variables.
func agVarNames(f agFixture) []string {
	var n []string
	for _, v := range f.Vars {
		n = append(n, agOr(v.Name, "tas"))
	}
	return n
}

func agOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func agPoints(f agFixture) int {
	if len(f.Grid) == 2 {
		return f.Grid[0] * f.Grid[1]
	}
	return 12
}

// agPeerFixtures are the fixtures of TestAgreePeers: 3×4 grids, every
// calendar and frequency, incomplete seasons at both ends, _FillValue
// and missing_value with masked points (all of a season at one point,
// one valid value at another), packed int16.
func agPeerFixtures() []agFixture {
	rnd := func(dt string, seed int, mask float64) agVar {
		return agVar{DType: dt, Base: "random", Lo: 250.0, Hi: 300.0, Seed: seed, MaskFrac: mask}
	}
	f32fill := rnd("f4", 1, 0.15)
	f32fill.Fill = 1e20
	// All of DJF and MAM 2000 missing at (2,3); only May 2000 valid at
	// (2,2). (No valid_* attributes: CDO applies them, tessera does not;
	// see TestSeasonalExamples/M1.)
	f32fill.MaskBlocks = [][4]int{{0, 4, 2, 3}, {1, 3, 2, 2}}
	f32fill.Attrs = map[string]any{"units": "K"}

	f64mv := agVar{DType: "f8", Base: "random", Lo: -5.0, Hi: 35.0, Seed: 2, MaskFrac: 0.15, MissingValue: -999.0}
	packed := agVar{DType: "i2", Base: "randint", Lo: -3000, Hi: 3000, Seed: 3, MaskFrac: 0.1, Fill: -32767,
		ScaleFactor: 0.01, AddOffset: 270.0, ScaleDType: "f4"}
	dayFV := rnd("f4", 4, 0.1)
	dayFV.Fill, dayFV.MissingValue = -9999.0, -9999.0
	dayF8 := agVar{DType: "f8", Base: "random", Lo: -40.0, Hi: 40.0, Seed: 5, MaskFrac: 0.2, Fill: 1e20,
		MaskBlocks: [][4]int{{0, 200, 0, 0}}}
	day360 := rnd("f4", 6, 0)
	h6 := rnd("f4", 7, 0.1)
	h6.Fill = 1e20
	h6packed := agVar{DType: "i2", Base: "randint", Lo: -20000, Hi: 20000, Seed: 8, MaskFrac: 0.1, Fill: -32767,
		ScaleFactor: 0.1, AddOffset: 0.0, ScaleDType: "f8"}

	fx := []agFixture{
		// Monthly, Feb 2000 – Nov 2002: DJF 2000 with Feb only.
		{Name: "mon_std_f4", Calendar: "standard", Freq: "month", Start: []int{2000, 2, 1}, N: 34, Bounds: true, Vars: []agVar{f32fill}},
		// Monthly noleap, Jan 2001 – Dec 2003, missing_value only, no bounds, other units.
		{Name: "mon_noleap_f8mv", Calendar: "noleap", Units: "hours since 2000-12-01 00:00:00", Freq: "month", Start: []int{2001, 1, 1}, N: 36, Vars: []agVar{f64mv}},
		// Monthly 360_day, Jan 2000 – Dec 2001, packed int16, float32 scale.
		{Name: "mon_360_i2", Calendar: "360_day", Units: "days since 1999-12-01", Freq: "month", Start: []int{2000, 1, 1}, N: 24, Bounds: true, Vars: []agVar{packed}},
		// Daily, 2000-02-28 – 2001-12-01: DJF 2000 and DJF 2002 have 2
		// and 1 steps (CDO warns for them).
		{Name: "day_std_f4", Calendar: "standard", Freq: "day", Start: []int{2000, 2, 28}, End: []int{2001, 12, 2}, Bounds: true, Vars: []agVar{dayFV}},
		// Daily noleap, 2001–2002, (0,0) missing for its first 200 days.
		{Name: "day_noleap_f8", Calendar: "noleap", Units: "days since 2001-01-01", Freq: "day", Start: []int{2001, 1, 1}, End: []int{2003, 1, 1}, Vars: []agVar{dayF8}},
		// Daily 360_day, 2000–2001, no fill value.
		{Name: "day_360_f4", Calendar: "360_day", Freq: "day", Start: []int{2000, 1, 1}, End: []int{2002, 1, 1}, Bounds: true, Vars: []agVar{day360}},
		// 6-hourly, stamped at the end of the interval, Dec 1999 –
		// 2000-12-01 00:00 (DJF 2001 has one step).
		{Name: "6h_std_f4", Calendar: "standard", Freq: "6h", Start: []int{1999, 12, 1}, End: []int{2000, 12, 1}, Stamp: "end", Bounds: true, Vars: []agVar{h6}},
		// 6-hourly noleap, Feb – Dec 2001, packed int16 with a float64 scale.
		{Name: "6h_noleap_i2", Calendar: "noleap", Units: "hours since 2001-01-01", Freq: "6h", Start: []int{2001, 2, 1}, End: []int{2001, 12, 31}, Stamp: "end", Bounds: true, Vars: []agVar{h6packed}},
	}
	for i := range fx {
		fx[i].Grid = []int{3, 4}
		for _, op := range agCDOOps(i) {
			fx[i].CDO = append(fx[i].CDO, agCDOOp{Name: op, Args: []string{"-b", "F64", op}})
		}
		fx[i].Xarray = []agXrOp{
			{Name: "season_mean", Kind: "season", Stat: "mean"},
			{Name: "season_std", Kind: "season", Stat: "std"},
			{Name: "season_avg", Kind: "season", Stat: "avg"},
			{Name: "season_max", Kind: "season", Stat: "max"},
			{Name: "resample_mean", Kind: "resample", Stat: "mean"},
			{Name: "resample_avg", Kind: "resample", Stat: "avg"},
			{Name: "resample_var1", Kind: "resample", Stat: "var1"},
		}
	}
	return fx
}

// agCDOOps are the operators CDO runs on peer fixture i: half of the 18
// (CDO takes ~0.2 s a run, mostly start-up), in turn, so that each runs
// on four of the eight fixtures, two monthly and two daily or 6-hourly,
// with seasmean and yseasmean on every one. tessera runs all 18 on each
// fixture and xarray checks the others.
func agCDOOps(i int) []string {
	var ops []string
	for k, s := range agreeStats {
		for j, p := range []string{"seas", "yseas"} {
			if s == "mean" || (k+j+i/2)%2 == 0 {
				ops = append(ops, p+s)
			}
		}
	}
	return ops
}

// TestAgreePeers compares tessera seas<stat> and yseas<stat> with cdo -b
// F64 seas<stat>/yseas<stat> (values to 1e-6, missing where CDO's are,
// seas times, bounds and warnings equal; yseas values by season and
// times and climatology bounds by C4/C5) and with xarray's
// groupby("time.season") and resample(time="QS-DEC").
func TestAgreePeers(t *testing.T) {
	needPeers(t)
	dir := t.TempDir()
	fixtures := agPeerFixtures()
	made := agMake(t, dir, fixtures)
	var runs []*agRun
	byKey := map[string]*agRun{}
	for _, f := range fixtures {
		for _, s := range agreeStats {
			for _, p := range []string{"seas", "yseas"} {
				r := agNewRun(dir, f.Name+"_"+p+s, p+s, made[f.Name].Files)
				runs = append(runs, r)
				byKey[f.Name+"/"+p+s] = r
			}
		}
	}
	agTessera(t, runs)
	var outs []string
	for _, r := range runs {
		outs = append(outs, r.out)
	}
	dumps := agDump(t, outs, nil)

	for _, f := range fixtures {
		m := made[f.Name]
		npts := agPoints(f)
		for _, s := range agreeStats {
			for _, p := range []string{"seas", "yseas"} {
				op := p + s
				c, ok := m.CDO[op]
				if !ok {
					continue
				}
				t.Run("cdo/"+f.Name+"/"+op, func(t *testing.T) {
					if c.Error != "" {
						t.Fatalf("cdo: %s", c.Error)
					}
					got := dumps[byKey[f.Name+"/"+op].out]
					if p == "seas" {
						agCheckSeasCDO(t, f, got, c, byKey[f.Name+"/"+op].stderr)
					} else {
						agCheckYseasCDO(t, f, m, got, c, npts)
					}
				})
			}
		}
		for _, x := range f.Xarray {
			t.Run("xarray/"+f.Name+"/"+x.Name, func(t *testing.T) {
				xr := m.Xarray[x.Name]
				if xr.Error != "" {
					t.Fatalf("xarray: %s", xr.Error)
				}
				stat := map[string]string{"mean": "mean", "std": "std", "avg": "avg", "max": "max", "var1": "var1"}[x.Stat]
				// xarray accumulates in the decoded dtype, float32 for
				// float32 and packed int16 data: the tolerance is relative
				// to the data's magnitude (its square for variances).
				tol := agreeRtol * agDataScale(f)
				if x.Stat == "var1" {
					tol *= agDataScale(f)
				}
				if x.Kind == "season" {
					agCheckSeasonXarray(t, dumps[byKey[f.Name+"/yseas"+stat].out], xr, npts, tol)
				} else {
					agCheckResampleXarray(t, dumps[byKey[f.Name+"/seas"+stat].out], xr, npts, tol)
				}
			})
		}
	}
}

// agCheckSeasCDO compares a seas<stat> output with CDO's.
func agCheckSeasCDO(t *testing.T, f agFixture, got *agFile, c agCDO, stderr string) {
	t.Helper()
	want := c.Dump
	if got.Dims["time"] != want.Dims["time"] {
		t.Fatalf("%d steps, CDO %d", got.Dims["time"], want.Dims["time"])
	}
	for _, name := range agVarNames(f) {
		agCmpCells(t, name, got.Vars[name].Values, want.Vars[name].Values, agreeRtol)
	}
	gt, wt := got.Vars["time"], want.Vars["time"]
	if gt.Attrs["units"] != wt.Attrs["units"] {
		t.Fatalf("time units %q, CDO %q", gt.Attrs["units"], wt.Attrs["units"])
	}
	agCmpAbs(t, "time", gt.Values, wt.Values, agreeTimeTol)
	if !slices.Equal(gt.Dates, wt.Dates) {
		t.Errorf("time dates %v, CDO %v", gt.Dates, wt.Dates)
	}
	gb, _ := gt.Attrs["bounds"].(string)
	wb, _ := wt.Attrs["bounds"].(string)
	if gb != "time_bnds" || got.Vars[gb] == nil || want.Vars[wb] == nil {
		t.Fatalf("time bounds %q (CDO %q)", gb, wb)
	}
	agCmpAbs(t, "time_bnds", got.Vars[gb].Values, want.Vars[wb].Values, agreeTimeTol)
	if gw, ww := agWarnings(stderr), agWarnings(c.Stderr); !slices.Equal(gw, ww) {
		t.Errorf("warnings\n%q\nCDO's\n%q", gw, ww)
	}
}

// agCheckYseasCDO compares a yseas<stat> output with CDO's by season, and
// its time axis with SEASONAL.md C3–C5.
func agCheckYseasCDO(t *testing.T, f agFixture, m *agMade, got *agFile, c agCDO, npts int) {
	t.Helper()
	want := c.Dump
	seasons, _ := agSteps(m.Dates)
	var present []string // CDO's order
	for _, s := range []string{"DJF", "MAM", "JJA", "SON"} {
		if slices.Contains(seasons, s) {
			present = append(present, s)
		}
	}
	if want.Dims["time"] != len(present) {
		t.Fatalf("CDO: %d steps for seasons %v", want.Dims["time"], present)
	}
	agCheckClimTime(t, m, got)
	gotSeasons, _ := agSteps(got.Vars["time"].Dates)
	for _, name := range agVarNames(f) {
		for k, s := range gotSeasons {
			w := slices.Index(present, s)
			if w < 0 {
				t.Errorf("step %d: season %s not in the input", k, s)
				continue
			}
			agCmpCells(t, fmt.Sprintf("%s %s", name, s), agRow(got.Vars[name], k, npts), agRow(want.Vars[name], w, npts), agreeRtol)
		}
	}
	if w := agWarnings(c.Stderr); len(w) > 0 {
		t.Logf("CDO warns: %q", w)
	}
}

// agCheckClimTime checks a climatology's time axis: the seasons in order
// of first occurrence (C3), the C4 stamps and C5 climatology bounds, as
// agree.py computes them from the input's stamps; CF attributes.
func agCheckClimTime(t *testing.T, m *agMade, got *agFile) {
	t.Helper()
	tv := got.Vars["time"]
	gotSeasons, _ := agSteps(tv.Dates)
	var wantSeasons []string
	var stamps, bounds []float64
	for _, c := range m.Clim {
		wantSeasons = append(wantSeasons, c.Season)
		stamps = append(stamps, c.Stamp)
		bounds = append(bounds, c.Bounds[0], c.Bounds[1])
	}
	if !slices.Equal(gotSeasons, wantSeasons) {
		t.Errorf("seasons %v, want %v (C3: order of first occurrence)", gotSeasons, wantSeasons)
	}
	agCmpFloats(t, "time (C4)", tv.Values, stamps, 1e-9)
	if tv.Attrs["climatology"] != "climatology_bnds" {
		t.Errorf("time:climatology = %v, want climatology_bnds", tv.Attrs["climatology"])
	}
	if b, ok := tv.Attrs["bounds"]; ok {
		t.Errorf("climatology time has bounds = %v (C5: none)", b)
	}
	cb := got.Vars["climatology_bnds"]
	if cb == nil {
		t.Fatal("no climatology_bnds")
	}
	if !slices.Equal(cb.Dims, []string{"time", "bnds"}) {
		t.Errorf("climatology_bnds dims %v", cb.Dims)
	}
	agCmpFloats(t, "climatology_bnds (C5)", cb.Values, bounds, 1e-9)
}

// agCheckSeasonXarray compares yseas<stat> with xarray's
// groupby("time.season") by season label.
func agCheckSeasonXarray(t *testing.T, got *agFile, xr agXrRes, npts int, tol float64) {
	t.Helper()
	var labels []string
	if err := json.Unmarshal(xr.Labels, &labels); err != nil {
		t.Fatal(err)
	}
	gotSeasons, _ := agSteps(got.Vars["time"].Dates)
	if len(labels) != len(gotSeasons) {
		t.Fatalf("seasons %v, xarray %v", gotSeasons, labels)
	}
	for k, s := range gotSeasons {
		w := slices.Index(labels, s)
		if w < 0 {
			t.Fatalf("season %s not in xarray's %v", s, labels)
		}
		agCmpAtol(t, s, agRow(got.Vars["tas"], k, npts), xr.Values[w*npts:(w+1)*npts], tol)
	}
}

// agCheckResampleXarray compares seas<stat> with xarray's
// resample(time="QS-DEC"), dropping xarray's empty quarters (E4).
func agCheckResampleXarray(t *testing.T, got *agFile, xr agXrRes, npts int, tol float64) {
	t.Helper()
	var labels [][2]int
	if err := json.Unmarshal(xr.Labels, &labels); err != nil {
		t.Fatal(err)
	}
	gotSeasons, gotYears := agSteps(got.Vars["time"].Dates)
	k := 0
	for w, l := range labels {
		if xr.Counts[w] == 0 {
			continue
		}
		if k >= len(gotSeasons) {
			t.Fatalf("xarray has more non-empty quarters than tessera's %d steps", len(gotSeasons))
		}
		s, y := agSeasonOf[l[1]], l[0]
		if l[1] == 12 {
			y++
		}
		if gotSeasons[k] != s || gotYears[k] != y {
			t.Fatalf("step %d is %s %d, xarray's quarter %v is %s %d", k, gotSeasons[k], gotYears[k], l, s, y)
		}
		agCmpAtol(t, fmt.Sprintf("%s %d", s, y), agRow(got.Vars["tas"], k, npts), xr.Values[w*npts:(w+1)*npts], tol)
		k++
	}
	if k != len(gotSeasons) {
		t.Errorf("tessera has %d steps, xarray %d non-empty quarters", len(gotSeasons), k)
	}
}

// The worked examples of SEASONAL.md, through the command line.

// agFM is SEASONAL.md's fixture FM on a 3×4 grid: monthly, Jan 2000 –
// Dec 2002, stamped mid-month with month bounds, values step+1 plus
// 0…11 by point.
func agFM(name, cal string, n int) agFixture {
	return agFixture{Name: name, Calendar: cal, Freq: "month", Start: []int{2000, 1, 1}, N: n, Bounds: true,
		Grid: []int{3, 4}, Vars: []agVar{{DType: "f4", Base: "index1"}}}
}

func agExampleFixtures() []agFixture {
	fm := agFM("fm", "standard", 36)
	fm.CDO = []agCDOOp{{"seasmean", []string{"seasmean"}}, {"yseasmean", []string{"-b", "F64", "yseasmean"}}}
	fmnov := agFM("fmnov", "standard", 35)
	fmnov.CDO = []agCDOOp{{"seasmean", []string{"seasmean"}}}
	e4 := agFM("e4", "standard", 36)
	e4.KeepMonths = []int{12, 1, 2}
	e4.CDO = []agCDOOp{{"seasmean", []string{"seasmean"}}}
	e5 := agFM("e5", "standard", 36)
	e5.KeepMonths = []int{1}
	e5.CDO = []agCDOOp{{"seasmean", []string{"seasmean"}}}
	c3 := agFM("c3", "standard", 36)
	c3.Keep = []int{2, 26}
	fx := agFixture{Name: "fx", Calendar: "standard", Freq: "month", Start: []int{1999, 12, 1}, N: 24, Bounds: true, Grid: []int{1, 4},
		Vars: []agVar{{DType: "f4", Base: "index0", Offsets: []float64{0, 1000, 2000, 4000}, Fill: 1e20,
			Mask: [][3]int{{2, 0, 1}, {0, 0, 2}, {1, 0, 2}, {2, 0, 2}, {3, 0, 3}, {4, 0, 3}}}}}
	for _, op := range []string{"seasmean", "seassum", "seasavg", "seasstd", "seasstd1", "yseasmean"} {
		fx.CDO = append(fx.CDO, agCDOOp{op, []string{"-b", "F64", op}})
	}
	fixtures := []agFixture{fm, fmnov, agFM("fm_noleap", "noleap", 36), agFM("fm_360", "360_day", 36), e4, e5, c3, fx}
	for _, cal := range []string{"standard", "noleap", "360_day"} {
		fixtures = append(fixtures, agFixture{Name: "fd_" + cal, Calendar: cal, Freq: "day", Start: []int{2000, 1, 1}, End: []int{2002, 1, 1},
			Bounds: true, Grid: []int{1, 2}, Vars: []agVar{{DType: "f4", Base: "monthyear"}}})
	}
	fixtures = append(fixtures,
		// E7: 6-hourly, stamped at the end of the interval.
		agFixture{Name: "e7", Calendar: "standard", Freq: "6h", Start: []int{1999, 12, 1}, End: []int{2001, 3, 1}, Stamp: "end", Bounds: true,
			Grid: []int{1, 1}, Vars: []agVar{{DType: "f4", Base: "monthyear"}},
			CDO: []agCDOOp{{"seasmean", []string{"-b", "F64", "seasmean"}}, {"seassum", []string{"-b", "F64", "seassum"}}}},
		// E9: (1, NaN, 3) without a fill attribute.
		agFixture{Name: "e9", Freq: "month", Start: []int{1999, 12, 1}, N: 3, Grid: []int{1, 1},
			Vars: []agVar{{DType: "f4", Base: []float64{1, 2, 3}, NaN: [][3]int{{1, 0, 0}}}},
			CDO:  []agCDOOp{{"seasmean", []string{"seasmean"}}}},
		// E10: packed int16, raw (0, 1), float32 scale and offset.
		agFixture{Name: "e10", Freq: "month", Start: []int{2000, 1, 1}, N: 2, Grid: []int{1, 1},
			Vars: []agVar{{DType: "i2", Base: []float64{0, 1}, Fill: -32767, ScaleFactor: 0.01, AddOffset: 270.0, ScaleDType: "f4"}}},
		// E11: plain int16 (1, 2).
		agFixture{Name: "e11", Freq: "month", Start: []int{2000, 1, 1}, N: 2, Grid: []int{1, 1},
			Vars: []agVar{{DType: "i2", Base: []float64{1, 2}}}},
	)
	// E12: calendar attributes, verbatim.
	for _, cal := range agCalendars {
		f := agFixture{Name: "e12_" + cal, Calendar: cal, Units: "hours since 1999-12-01 00:00:00", Freq: "month", Start: []int{2000, 1, 1}, N: 2,
			Grid: []int{1, 1}, Vars: []agVar{{DType: "f4", Base: "index1"}}}
		if cal == "noleap" || cal == "julian" || cal == "all_leap" {
			f.CDO = []agCDOOp{{"seasmean", []string{"seasmean"}}}
		}
		fixtures = append(fixtures, f)
	}
	// E14: the same daily data in 1, 3 and 24 files.
	for _, split := range []int{0, 3, 24} {
		fixtures = append(fixtures, agFixture{Name: fmt.Sprintf("e14_%d", split), Calendar: "standard", Freq: "day", Start: []int{2000, 1, 1},
			End: []int{2002, 1, 1}, Bounds: true, Grid: []int{3, 4}, Split: split,
			Vars: []agVar{{DType: "f4", Base: "random", Lo: 250.0, Hi: 300.0, Quant: 0.001, Seed: 11, MaskFrac: 0.15, Fill: 1e20}}})
	}
	// §6 metadata, and M1: valid_* are not applied (xarray neither; CDO
	// does).
	meta := agFixture{Name: "meta", Calendar: "noleap", Units: "hours since 1999-12-01 00:00:00", Freq: "month", Start: []int{1999, 12, 1},
		N: 24, Bounds: true, Static: true, Format: "NETCDF4", Grid: []int{3, 4},
		Global: map[string]any{"title": "agree meta", "Conventions": "CF-1.12", "history": "2001-01-01T00:00:00Z: made by agree.py"},
		Vars: []agVar{{DType: "f4", Base: "random", Lo: 250.0, Hi: 320.0, Seed: 12, MaskFrac: 0.1, Fill: -999.0, MissingValue: -999.0,
			Attrs: map[string]any{"long_name": "near-surface air temperature", "standard_name": "air_temperature", "units": "K",
				"valid_min": 200.0, "valid_max": 300.0, "valid_range": []float64{200, 300}, "actual_range": []float64{250, 320},
				"cell_methods": "area: mean time: mean"}}},
		CDO:    []agCDOOp{{"seasmean", []string{"-b", "F64", "seasmean"}}},
		Xarray: []agXrOp{{Name: "season_mean", Kind: "season", Stat: "mean"}, {Name: "resample_mean", Kind: "resample", Stat: "mean"}},
	}
	ytx := meta
	ytx.Name, ytx.Static, ytx.CDO, ytx.Xarray = "meta_ytx", false, nil, nil
	ytx.Vars = slices.Clone(meta.Vars)
	ytx.Vars[0].Dims = "ytx"
	// _FillValue and missing_value differ: both kept.
	fillmv := agFixture{Name: "fillmv", Calendar: "standard", Freq: "month", Start: []int{2000, 1, 1}, N: 12, Grid: []int{1, 2},
		Vars: []agVar{{DType: "f4", Base: "index1", Fill: 1e20, MissingValue: -999.0, Mask: [][3]int{{0, 0, 0}, {1, 0, 0}}}}}
	mv := agFixture{Name: "mvonly", Calendar: "standard", Freq: "month", Start: []int{2000, 1, 1}, N: 12, Grid: []int{1, 2},
		Vars: []agVar{{DType: "f8", Base: "index1", MissingValue: -999.0, Mask: [][3]int{{0, 0, 0}, {1, 0, 0}}}}}
	return append(fixtures, meta, ytx, mv, fillmv)
}

var agCalendars = []string{"standard", "gregorian", "proleptic_gregorian", "julian", "noleap", "365_day", "all_leap", "366_day", "360_day"}

// TestSeasonalExamples runs every worked example of SEASONAL.md through
// the command line, with CDO alongside where the spec says both tools
// agree, and checks the outputs' CF metadata (§6), that they open in
// ncdump and xarray, and that the results do not depend on how the
// input is split into files (E14).
func TestSeasonalExamples(t *testing.T) {
	needPeers(t)
	dir := t.TempDir()
	fixtures := agExampleFixtures()
	fxs := map[string]agFixture{}
	for _, f := range fixtures {
		fxs[f.Name] = f
	}
	made := agMake(t, dir, fixtures)
	runs := map[string]*agRun{}
	var order []*agRun
	add := func(name, fixture, op string, flags ...string) {
		r := agNewRun(dir, name, op, made[fixture].Files, flags...)
		runs[name] = r
		order = append(order, r)
	}
	for _, s := range agreeStats {
		add("fm_seas"+s, "fm", "seas"+s)
	}
	add("fm_yseasmean", "fm", "yseasmean")
	add("fm_yseasstd", "fm", "yseasstd")
	add("fm_time", "fm", "yseasmean", "--time", "2000-03:2002-02")
	add("fm_w_seasmean", "fm", "seasmean", "--weights", "time")
	add("fm_w_yseasmean", "fm", "yseasmean", "--weights", "time")
	for _, c := range []string{"noleap", "360"} {
		add("fm_"+c+"_yseasmean", "fm_"+c, "yseasmean")
		add("fm_"+c+"_w_yseasmean", "fm_"+c, "yseasmean", "--weights=time")
	}
	add("fmnov_seasmean", "fmnov", "seasmean")
	add("fmnov_yseasmean", "fmnov", "yseasmean")
	add("e4_seasmean", "e4", "seasmean")
	add("e5_seasmean", "e5", "seasmean")
	add("c3_yseasmean", "c3", "yseasmean")
	for _, op := range []string{"seasmean", "seassum", "seasavg", "seasstd", "seasstd1", "yseasmean"} {
		add("fx_"+op, "fx", op)
	}
	add("fx_w_yseasmean", "fx", "yseasmean", "--weights", "time")
	for _, c := range []string{"standard", "noleap", "360_day"} {
		add("fd_"+c+"_seasmean", "fd_"+c, "seasmean")
	}
	add("e7_seasmean", "e7", "seasmean")
	add("e7_seassum", "e7", "seassum")
	add("e9_seasmean", "e9", "seasmean")
	add("e9_yseasmean", "e9", "yseasmean")
	add("e9_seasavg", "e9", "seasavg")
	add("e10_seasmean", "e10", "seasmean")
	add("e11_seasmean", "e11", "seasmean")
	for _, c := range agCalendars {
		add("e12_"+c+"_seasmean", "e12_"+c, "seasmean")
		add("e12_"+c+"_yseasmean", "e12_"+c, "yseasmean")
	}
	e14ops := []string{"seasmean", "yseasmean", "seasstd1", "yseasvar", "seassum", "yseasmin", "seasavg"}
	for _, split := range []int{0, 3, 24} {
		for _, op := range e14ops {
			add(fmt.Sprintf("e14_%d_%s", split, op), fmt.Sprintf("e14_%d", split), op)
		}
	}
	// The 24 files as a quoted glob pattern, and other layouts of the
	// computation. (--strategy blockwise refuses groups that span blocks,
	// as on 24 files: it runs on the single file.)
	glob := []string{filepath.Join(dir, "e14_24_*.nc")}
	for _, op := range []string{"seasmean", "yseasmean"} {
		for _, fl := range [][]string{{"--workers", "1"}, {"--strategy", "cohorts"}, {"--strategy", "map-reduce"}, {"--memory", "1MiB"}, {"--strategy", "blockwise"}} {
			name := "e14_glob_" + op + "_" + strings.TrimLeft(strings.Join(fl, ""), "-")
			files := glob
			if fl[1] == "blockwise" {
				files = made["e14_0"].Files
			}
			r := agNewRun(dir, name, op, files, fl...)
			runs[name] = r
			order = append(order, r)
		}
	}
	for _, op := range []string{"seasmean", "yseasmean", "yseasstd", "seasmax", "seasvar"} {
		add("meta_"+op, "meta", op)
	}
	add("meta_ytx_seasmean", "meta_ytx", "seasmean")
	add("meta_ytx_yseasmean", "meta_ytx", "yseasmean")
	add("mvonly_seasmean", "mvonly", "seasmean")
	add("fillmv_seasmean", "fillmv", "seasmean")
	start := time.Now().UTC().Truncate(time.Second)
	agTessera(t, order)
	var outs []string
	for _, r := range order {
		if r.code == 0 {
			outs = append(outs, r.out)
		}
	}
	outs = append(outs, made["meta"].Files...)
	// ncdump and xarray open the outputs of every kind (xarray takes
	// ~0.1 s a file): the metadata fixtures, every calendar, packed and
	// integer inputs, NaN, fill values, daily data.
	check := map[string]bool{}
	for name, r := range runs {
		for _, p := range []string{"meta", "e12_", "e9_", "e10_", "e11_", "fm_seasmean", "fm_yseas", "fx_seasmean", "fd_", "fillmv", "mvonly", "e14_0_"} {
			if strings.HasPrefix(name, p) {
				check[r.out] = true
			}
		}
	}
	dumps := agDump(t, outs, check)
	out := func(t *testing.T, name string) *agFile {
		t.Helper()
		r := runs[name]
		if r.code != 0 || dumps[r.out] == nil {
			t.Fatalf("no output of %s", strings.Join(r.args, " "))
		}
		return dumps[r.out]
	}
	// col returns the values of variable v at point p, one per step.
	col := func(t *testing.T, f *agFile, v string, p int) []agCell {
		t.Helper()
		nv := f.Vars[v]
		if nv == nil {
			t.Fatalf("no variable %s", v)
		}
		n := f.Dims["time"]
		npts := len(nv.Values) / n
		var c []agCell
		for k := range n {
			c = append(c, nv.Values[k*npts+p])
		}
		return c
	}
	near := func(t *testing.T, what string, got agCell, want float64) {
		t.Helper()
		if math.IsNaN(want) {
			if !got.Masked {
				t.Errorf("%s = %v, want missing (masked)", what, got)
			}
			return
		}
		if got.missing() || !agClose(got.X, want, agreeRtol) {
			t.Errorf("%s = %v, want %.9g", what, got, want)
		}
	}
	nears := func(t *testing.T, what string, got []agCell, want ...float64) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s = %v, want %v", what, got, want)
			return
		}
		for i := range got {
			near(t, fmt.Sprintf("%s[%d]", what, i), got[i], want[i])
		}
	}
	miss := math.NaN()

	t.Run("FM", func(t *testing.T) {
		f := out(t, "fm_seasmean")
		for p := range 12 {
			var want []float64
			for _, v := range []float64{1.5, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 34, 36} {
				want = append(want, v+float64(p))
			}
			nears(t, fmt.Sprintf("tas(:,%d)", p), col(t, f, "tas", p), want...)
		}
		agCmpFloats(t, "time", f.Vars["time"].Values, []float64{30.5, 106, 197.5, 289.5, 381.5, 471, 562.5, 654.5, 746.5, 836, 927.5, 1019.5, 1080.5}, 0)
		edges := []float64{0, 60, 152, 244, 335, 425, 517, 609, 700, 790, 882, 974, 1065, 1096}
		var bnds []float64
		for k := range 13 {
			bnds = append(bnds, edges[k], edges[k+1])
		}
		agCmpFloats(t, "time_bnds", f.Vars["time_bnds"].Values, bnds, 0)
		if got := f.Vars["time"].Dates[0]; got != [6]int{2000, 1, 31, 12, 0, 0} {
			t.Errorf("time[0] = %v, want 2000-01-31 12:00", got)
		}
		want := "tessera seasmean (Warning): Season   1 ( 2000-01-16) has only 2 input time steps!\n" +
			"tessera seasmean (Warning): Season  13 ( 2002-12-16) has only 1 input time step!\n"
		if got := runs["fm_seasmean"].stderr; got != want {
			t.Errorf("stderr\n%s\nwant\n%s", got, want)
		}
		// CDO: the same values, times, bounds and warning texts.
		agCheckSeasCDO(t, fxs["fm"], f, made["fm"].CDO["seasmean"], runs["fm_seasmean"].stderr)
		// Group #5 with the other statistics.
		for s, want := range map[string]float64{"sum": 39, "min": 12, "max": 14, "std": math.Sqrt(2.0 / 3), "std1": 1, "var": 2.0 / 3, "var1": 1, "avg": 13} {
			near(t, "seas"+s+" #5", col(t, out(t, "fm_seas"+s), "tas", 0)[4], want)
		}
	})
	t.Run("FMnov", func(t *testing.T) {
		f := out(t, "fmnov_seasmean")
		nears(t, "tas(:,0)", col(t, f, "tas", 0), 1.5, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 34)
		want := "tessera seasmean (Warning): Season   1 ( 2000-01-16) has only 2 input time steps!\n"
		if got := runs["fmnov_seasmean"].stderr; got != want {
			t.Errorf("stderr\n%s\nwant\n%s", got, want)
		}
		agCheckSeasCDO(t, fxs["fmnov"], f, made["fmnov"].CDO["seasmean"], runs["fmnov_seasmean"].stderr)
		near(t, "yseasmean DJF", col(t, out(t, "fmnov_yseasmean"), "tas", 0)[0], 117.0/8)
	})
	t.Run("FD", func(t *testing.T) {
		for c, want := range map[string]float64{"standard": 89.0 / 60, "noleap": 87.0 / 59, "360_day": 1.5} {
			r := runs["fd_"+c+"_seasmean"]
			f := out(t, "fd_"+c+"_seasmean")
			near(t, c+" DJF 2000", col(t, f, "tas", 0)[0], want)
			near(t, c+" DJF 2000 at (0,1)", col(t, f, "tas", 1)[0], want+1)
			if w := agWarnings(r.stderr); len(w) > 0 {
				t.Errorf("%s: warnings %q", c, w)
			}
			if c == "standard" {
				near(t, "DJF 2001", col(t, f, "tas", 0)[4], 6359.0/90)
				if got := f.Vars["time"].Dates[0]; got != [6]int{2000, 1, 31, 0, 0, 0} {
					t.Errorf("DJF 2000 time %v, want 2000-01-31 00:00", got)
				}
			}
		}
	})
	t.Run("climatology", func(t *testing.T) {
		f := out(t, "fm_yseasmean")
		nears(t, "tas(:,0)", col(t, f, "tas", 0), 17, 16, 19, 22)
		nears(t, "tas(:,11)", col(t, f, "tas", 11), 28, 27, 30, 33)
		agCmpFloats(t, "time", f.Vars["time"].Values, []float64{14.5, 106, 198, 289.5}, 0)
		agCmpFloats(t, "climatology_bnds", f.Vars["climatology_bnds"].Values, []float64{-31, 1155, 60, 882, 152, 974, 244, 1065}, 0)
		agCheckClimTime(t, made["fm"], f)
		if got := f.Vars["time"].Dates; !slices.Equal(got, [][6]int{{2000, 1, 15, 12, 0, 0}, {2000, 4, 16, 0, 0, 0}, {2000, 7, 17, 0, 0, 0}, {2000, 10, 16, 12, 0, 0}}) {
			t.Errorf("dates %v", got)
		}
		if cm := f.Vars["tas"].Attrs["cell_methods"]; cm != "time: mean within years time: mean over years" {
			t.Errorf("cell_methods %q", cm)
		}
		agCheckYseasCDO(t, fxs["fm"], made["fm"], f, made["fm"].CDO["yseasmean"], 12)
		t.Logf("CDO yseasmean times (not an oracle, C4): %v", made["fm"].CDO["yseasmean"].Dump.Vars["time"].Dates)
		dev := func(xs ...float64) float64 {
			var s, q float64
			for _, x := range xs {
				s += x
			}
			m := s / float64(len(xs))
			for _, x := range xs {
				q += (x - m) * (x - m)
			}
			return math.Sqrt(q / float64(len(xs)))
		}
		nears(t, "yseasstd", col(t, out(t, "fm_yseasstd"), "tas", 0), dev(1, 2, 12, 13, 14, 24, 25, 26, 36), dev(3, 4, 5, 15, 16, 17, 27, 28, 29),
			dev(6, 7, 8, 18, 19, 20, 30, 31, 32), dev(9, 10, 11, 21, 22, 23, 33, 34, 35))
		near(t, "yseasstd DJF", col(t, out(t, "fm_yseasstd"), "tas", 0)[0], 10.98484)
	})
	t.Run("C3", func(t *testing.T) {
		f := out(t, "c3_yseasmean")
		nears(t, "tas(:,0)", col(t, f, "tas", 0), 10, 13, 16, 19)
		agCmpFloats(t, "time", f.Vars["time"].Values, []float64{106, 198, 289.5, 380}, 0)
		agCmpFloats(t, "climatology_bnds", f.Vars["climatology_bnds"].Values, []float64{60, 517, 152, 609, 244, 700, 335, 790}, 0)
		agCheckClimTime(t, made["c3"], f)
		// --time selects the same steps of FM: the same bytes.
		g := out(t, "fm_time")
		for _, v := range []string{"tas", "time", "climatology_bnds"} {
			if f.Vars[v].SHA256 != g.Vars[v].SHA256 {
				t.Errorf("%s: --time 2000-03:2002-02 on FM differs from the input Mar 2000 – Feb 2002", v)
			}
		}
	})
	t.Run("M5_FX", func(t *testing.T) {
		const A, B, C = 1, 2, 3
		mean := out(t, "fx_seasmean")
		near(t, "mean pt0 DJF 2000", col(t, mean, "tas", 0)[0], 1)
		near(t, "mean A DJF 2000", col(t, mean, "tas", A)[0], 1000.5)
		near(t, "mean B DJF 2000", col(t, mean, "tas", B)[0], miss)
		near(t, "mean C MAM 2000", col(t, mean, "tas", C)[1], 4005)
		near(t, "sum A DJF 2000", col(t, out(t, "fx_seassum"), "tas", A)[0], 2001)
		near(t, "sum B DJF 2000", col(t, out(t, "fx_seassum"), "tas", B)[0], miss)
		near(t, "std A DJF 2000", col(t, out(t, "fx_seasstd"), "tas", A)[0], 0.5)
		near(t, "std C MAM 2000", col(t, out(t, "fx_seasstd"), "tas", C)[1], 0)
		near(t, "std1 C MAM 2000", col(t, out(t, "fx_seasstd1"), "tas", C)[1], miss)
		avg := out(t, "fx_seasavg")
		near(t, "avg pt0 DJF 2000", col(t, avg, "tas", 0)[0], 1)
		near(t, "avg A DJF 2000", col(t, avg, "tas", A)[0], miss)
		near(t, "avg B DJF 2000", col(t, avg, "tas", B)[0], miss)
		clim := out(t, "fx_yseasmean")
		near(t, "climatology MAM C", col(t, clim, "tas", C)[1], 4013.25)
		near(t, "climatology DJF A", col(t, clim, "tas", A)[0], 1008)
		// W3: renormalised over the valid values.
		near(t, "weighted climatology DJF A", col(t, out(t, "fx_w_yseasmean"), "tas", A)[0], 153198.0/152)
		// Both tools (SEASONAL.md: "in both tools").
		for _, op := range []string{"seasmean", "seassum", "seasavg", "seasstd", "seasstd1"} {
			agCheckSeasCDO(t, fxs["fx"], out(t, "fx_"+op), made["fx"].CDO[op], runs["fx_"+op].stderr)
		}
		agCheckYseasCDO(t, fxs["fx"], made["fx"], clim, made["fx"].CDO["yseasmean"], 4)
	})
	t.Run("W2", func(t *testing.T) {
		w := col(t, out(t, "fm_w_seasmean"), "tas", 0)
		near(t, "weighted DJF 2000", w[0], 89.0/60)
		near(t, "weighted DJF 2001", w[4], 1167.0/90)
		near(t, "weighted climatology DJF standard", col(t, out(t, "fm_w_yseasmean"), "tas", 0)[0], 4619.0/271)
		near(t, "weighted climatology DJF noleap", col(t, out(t, "fm_noleap_w_yseasmean"), "tas", 0)[0], 17.1)
		near(t, "weighted climatology DJF 360_day", col(t, out(t, "fm_360_w_yseasmean"), "tas", 0)[0], 17.0)
		near(t, "unweighted climatology DJF noleap", col(t, out(t, "fm_noleap_yseasmean"), "tas", 0)[0], 17)
		near(t, "unweighted climatology DJF 360_day", col(t, out(t, "fm_360_yseasmean"), "tas", 0)[0], 17)
	})
	t.Run("E4", func(t *testing.T) {
		f := out(t, "e4_seasmean")
		nears(t, "tas(:,0)", col(t, f, "tas", 0), 1.5, 13, 25, 36)
		agCheckSeasCDO(t, fxs["e4"], f, made["e4"].CDO["seasmean"], runs["e4_seasmean"].stderr)
	})
	t.Run("E5", func(t *testing.T) {
		f := out(t, "e5_seasmean")
		nears(t, "tas(:,0)", col(t, f, "tas", 0), 1, 13, 25)
		agCmpFloats(t, "time", f.Vars["time"].Values, []float64{15.5, 381.5, 746.5}, 0)
		agCmpFloats(t, "time_bnds", f.Vars["time_bnds"].Values, []float64{0, 31, 366, 397, 731, 762}, 0)
		c := made["e5"].CDO["seasmean"].Dump
		t.Logf("CDO (adjacency quirk, not followed): %d step(s), tas(:,0) = %v at %v; warnings %q",
			c.Dims["time"], c.Vars["tas"].Values[:1], c.Vars["time"].Dates, agWarnings(made["e5"].CDO["seasmean"].Stderr))
	})
	t.Run("E7", func(t *testing.T) {
		near(t, "DJF 2000 mean", col(t, out(t, "e7_seasmean"), "tas", 0)[0], -10558.0/363)
		near(t, "DJF 2000 sum (n=363)", col(t, out(t, "e7_seassum"), "tas", 0)[0], -10558)
		near(t, "DJF 2000 mean", col(t, out(t, "e7_seasmean"), "tas", 0)[0], -29.085400)
		agCheckSeasCDO(t, fxs["e7"], out(t, "e7_seasmean"), made["e7"].CDO["seasmean"], runs["e7_seasmean"].stderr)
		agCheckSeasCDO(t, fxs["e7"], out(t, "e7_seassum"), made["e7"].CDO["seassum"], runs["e7_seassum"].stderr)
	})
	t.Run("E9", func(t *testing.T) {
		near(t, "seasmean (1, NaN, 3)", col(t, out(t, "e9_seasmean"), "tas", 0)[0], 2)
		near(t, "yseasmean (1, NaN, 3)", col(t, out(t, "e9_yseasmean"), "tas", 0)[0], 2)
		near(t, "seasavg (1, NaN, 3)", col(t, out(t, "e9_seasavg"), "tas", 0)[0], miss)
		t.Logf("CDO seasmean: %v", made["e9"].CDO["seasmean"].Dump.Vars["tas"].Values)
	})
	t.Run("E10", func(t *testing.T) {
		f := out(t, "e10_seasmean")
		v := f.Vars["tas"]
		if v.DType != "float32" {
			t.Errorf("dtype %s, want float32 (the type of scale_factor)", v.DType)
		}
		if got := col(t, f, "tas", 0)[0]; got.missing() || got.X != float64(float32(270.005)) {
			t.Errorf("mean %v, want float32(270.005) = %v", got, float32(270.005))
		}
		for _, a := range []string{"scale_factor", "add_offset"} {
			if _, ok := v.Attrs[a]; ok {
				t.Errorf("packing attribute %s kept", a)
			}
		}
		if fv, ok := v.Attrs["_FillValue"].(float64); !ok || fv != -32767 || v.AttrTypes["_FillValue"] != "float32" {
			t.Errorf("_FillValue %v (%s), want -32767 as float32", v.Attrs["_FillValue"], v.AttrTypes["_FillValue"])
		}
	})
	t.Run("E11", func(t *testing.T) {
		f := out(t, "e11_seasmean")
		if f.Vars["tas"].DType != "float64" {
			t.Errorf("dtype %s, want float64", f.Vars["tas"].DType)
		}
		if got := col(t, f, "tas", 0)[0]; got.X != 1.5 {
			t.Errorf("mean %v, want 1.5", got)
		}
	})
	t.Run("E12", func(t *testing.T) {
		for _, c := range agCalendars {
			for _, op := range []string{"seasmean", "yseasmean"} {
				tv := out(t, "e12_"+c+"_"+op).Vars["time"]
				if tv.Attrs["calendar"] != c || tv.Attrs["units"] != "hours since 1999-12-01 00:00:00" || tv.DType != "float64" {
					t.Errorf("%s %s: time calendar %v, units %v, %s; want verbatim %s", c, op, tv.Attrs["calendar"], tv.Attrs["units"], tv.DType, c)
				}
			}
			if cd, ok := made["e12_"+c].CDO["seasmean"]; ok && cd.Dump != nil {
				t.Logf("CDO writes calendar %q for %q", cd.Dump.Vars["time"].Attrs["calendar"], c)
			}
		}
	})
	t.Run("E14", func(t *testing.T) {
		for _, op := range e14ops {
			base := out(t, "e14_0_"+op)
			for _, other := range []string{"e14_3_" + op, "e14_24_" + op} {
				agSameBytes(t, other, base, out(t, other))
			}
		}
		for name := range runs {
			if strings.HasPrefix(name, "e14_glob_") {
				op := strings.Split(name, "_")[2]
				agSameBytes(t, name, out(t, "e14_0_"+op), out(t, name))
			}
		}
	})
	t.Run("M1_valid_range", func(t *testing.T) {
		// valid_min 200, valid_max 300 and values up to 320: tessera and
		// xarray use them all; CDO 2.1.1 masks them.
		agCheckSeasonXarray(t, out(t, "meta_yseasmean"), made["meta"].Xarray["season_mean"], 12, agreeRtol*320)
		agCheckResampleXarray(t, out(t, "meta_seasmean"), made["meta"].Xarray["resample_mean"], 12, agreeRtol*320)
		c := made["meta"].CDO["seasmean"].Dump.Vars["tas"].Values
		got := out(t, "meta_seasmean").Vars["tas"].Values
		masked := 0
		for i := range c {
			if c[i].Masked && !got[i].Masked {
				masked++
			}
		}
		t.Logf("CDO seasmean masks %d of %d values that tessera computes (CDO applies valid_min/valid_max/valid_range)", masked, len(c))
	})
	t.Run("missing_value_equal_to_FillValue", func(t *testing.T) {
		for _, name := range []string{"meta_seasmean", "meta_yseasmean"} {
			v := out(t, name).Vars["tas"]
			if x, ok := v.Attrs["missing_value"].(float64); !ok || x != -999 || v.AttrTypes["missing_value"] != "float32" {
				t.Errorf("%s: tas:missing_value = %v (%s), want -999 as float32", name, v.Attrs["missing_value"], v.AttrTypes["missing_value"])
			}
		}
	})
	t.Run("metadata", func(t *testing.T) {
		in := dumps[made["meta"].Files[0]]
		for _, name := range []string{"meta_seasmean", "meta_yseasmean", "meta_yseasstd", "meta_seasmax", "meta_seasvar", "meta_ytx_seasmean", "meta_ytx_yseasmean"} {
			t.Run(name, func(t *testing.T) {
				agCheckMeta(t, runs[name], out(t, name), in, start)
			})
		}
		// Dimension order kept with time in the middle: the same values.
		for _, op := range []string{"seasmean", "yseasmean"} {
			a, b := out(t, "meta_"+op).Vars["tas"], out(t, "meta_ytx_"+op).Vars["tas"]
			if !slices.Equal(b.Dims, []string{"lat", "time", "lon"}) {
				t.Errorf("%s: (lat, time, lon) input gives dims %v", op, b.Dims)
				continue
			}
			nt := len(a.Values) / 12
			var tr []agCell
			for j := range 3 {
				for k := range nt {
					tr = append(tr, a.Values[k*12+j*4:k*12+j*4+4]...)
				}
			}
			agCmpCells(t, op+" (lat, time, lon)", b.Values, tr, 0)
		}
		// _FillValue and missing_value.
		fm := out(t, "fillmv_seasmean")
		near(t, "_FillValue and missing_value: DJF 2000 (both missing)", col(t, fm, "tas", 0)[0], miss)
		if v := fm.Vars["tas"]; v.Attrs["_FillValue"] != float64(float32(1e20)) || v.Attrs["missing_value"] != -999.0 || v.AttrTypes["_FillValue"] != "float32" || v.AttrTypes["missing_value"] != "float32" {
			t.Errorf("_FillValue 1e20 and missing_value -999 in, attributes %v (%v) out", v.Attrs, v.AttrTypes)
		}
		// missing_value only.
		mv := out(t, "mvonly_seasmean")
		near(t, "missing_value only: DJF 2000 (both missing)", col(t, mv, "tas", 0)[0], miss)
		near(t, "missing_value only: MAM 2000", col(t, mv, "tas", 0)[1], 4)
		t.Logf("missing_value-only input gives attributes %v", mv.Vars["tas"].Attrs)
		// The outputs open in ncdump and xarray.
		for _, r := range order {
			f := dumps[r.out]
			if f == nil || !check[r.out] {
				continue
			}
			if f.NcdumpRC == nil || *f.NcdumpRC != 0 {
				t.Errorf("ncdump -h %s: %v %s", r.out, f.NcdumpRC, f.NcdumpErr)
			}
			if f.XrOK == nil || !*f.XrOK {
				t.Errorf("xarray.open_dataset(%s): %s", r.out, f.XrErr)
			}
		}
	})
}

// agSameBytes checks that two outputs have bit-identical variables.
func agSameBytes(t *testing.T, what string, a, b *agFile) {
	t.Helper()
	for name, v := range a.Vars {
		w := b.Vars[name]
		if w == nil || w.SHA256 != v.SHA256 || w.DType != v.DType || !slices.Equal(w.Dims, v.Dims) {
			t.Errorf("%s: variable %s differs from the single-file output", what, name)
		}
	}
	if len(a.Vars) != len(b.Vars) {
		t.Errorf("%s: %d variables, single file %d", what, len(b.Vars), len(a.Vars))
	}
}

var agHistoryLine = regexp.MustCompile(`^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ): tessera (\S+) (.*)$`)

// agCheckMeta checks SEASONAL.md §6 on an output of the fixture meta.
func agCheckMeta(t *testing.T, r *agRun, f, in *agFile, start time.Time) {
	t.Helper()
	op := r.args[0]
	clim := strings.HasPrefix(op, "yseas")
	tv := f.Vars["time"]
	for k, want := range map[string]string{"standard_name": "time", "axis": "T", "units": "hours since 1999-12-01 00:00:00", "calendar": "noleap"} {
		if tv.Attrs[k] != want {
			t.Errorf("time:%s = %v, want %q", k, tv.Attrs[k], want)
		}
	}
	if tv.DType != "float64" {
		t.Errorf("time is %s", tv.DType)
	}
	battr, other := "bounds", "climatology"
	bname := "time_bnds"
	if clim {
		battr, other, bname = "climatology", "bounds", "climatology_bnds"
	}
	if tv.Attrs[battr] != bname {
		t.Errorf("time:%s = %v, want %s", battr, tv.Attrs[battr], bname)
	}
	if _, ok := tv.Attrs[other]; ok {
		t.Errorf("time has %s", other)
	}
	if b := f.Vars[bname]; b == nil || !slices.Equal(b.Dims, []string{"time", "bnds"}) || b.DType != "float64" || f.Dims["bnds"] != 2 {
		t.Errorf("%s: %+v, bnds = %d", bname, b, f.Dims["bnds"])
	}
	if !slices.Contains(f.Unlimited, "time") {
		t.Errorf("time is not the record dimension: unlimited %v", f.Unlimited)
	}
	v := f.Vars["tas"]
	if v.DType != "float32" {
		t.Errorf("tas is %s", v.DType)
	}
	if x, ok := v.Attrs["_FillValue"].(float64); !ok || x != -999 || v.AttrTypes["_FillValue"] != "float32" {
		t.Errorf("tas:_FillValue = %v (%s), want -999 as float32", v.Attrs["_FillValue"], v.AttrTypes["_FillValue"])
	}
	for _, a := range []string{"valid_min", "valid_max", "valid_range", "actual_range", "scale_factor", "add_offset"} {
		if _, ok := v.Attrs[a]; ok {
			t.Errorf("tas:%s kept", a)
		}
	}
	for _, a := range []string{"long_name", "standard_name", "units"} {
		if v.Attrs[a] != in.Vars["tas"].Attrs[a] {
			t.Errorf("tas:%s = %v, input %v", a, v.Attrs[a], in.Vars["tas"].Attrs[a])
		}
	}
	m := map[string]string{"mean": "mean", "max": "maximum", "var": "variance", "std": "standard_deviation"}[strings.TrimPrefix(strings.TrimPrefix(op, "y"), "seas")]
	want := "area: mean time: " + m
	if clim {
		want = "area: mean time: " + m + " within years time: " + m + " over years"
		if m == "variance" || m == "standard_deviation" {
			want = "area: mean time: " + m + " within years (comment: pooled) time: " + m + " over years (comment: pooled)"
		}
	}
	if v.Attrs["cell_methods"] != want {
		t.Errorf("cell_methods %q, want %q", v.Attrs["cell_methods"], want)
	}
	// Variables without time, and the coordinates, copied unchanged.
	for _, name := range []string{"orog", "lat", "lon"} {
		if _, ok := in.Vars[name]; !ok || strings.Contains(r.out, "ytx") && name == "orog" {
			continue
		}
		g, w := f.Vars[name], in.Vars[name]
		if g == nil || g.SHA256 != w.SHA256 || !slices.Equal(g.Dims, w.Dims) || g.DType != w.DType || fmt.Sprint(g.Attrs) != fmt.Sprint(w.Attrs) {
			t.Errorf("%s not copied unchanged: %+v", name, g)
		}
	}
	// Global attributes kept; history prepended with an ISO timestamp.
	for _, a := range []string{"title", "Conventions"} {
		if f.Global[a] != in.Global[a] {
			t.Errorf("global %s = %v, want %v", a, f.Global[a], in.Global[a])
		}
	}
	h, _ := f.Global["history"].(string)
	first, rest, _ := strings.Cut(h, "\n")
	mm := agHistoryLine.FindStringSubmatch(first)
	if mm == nil || mm[2] != op || mm[3] != strings.Join(r.args[1:], " ") {
		t.Errorf("history line %q, want \"<ISO time>Z: tessera %s\"", first, strings.Join(r.args, " "))
	} else if ts, err := time.Parse(time.RFC3339, mm[1]); err != nil || ts.Before(start) || ts.After(time.Now().Add(time.Minute)) {
		t.Errorf("history time %s (err %v), want between %s and now", mm[1], err, start)
	}
	if rest != in.Global["history"] {
		t.Errorf("history after the new line %q, want the input's %q", rest, in.Global["history"])
	}
}
