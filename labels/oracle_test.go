package labels_test

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/ndarray"
)

// The xarray oracle: alignment, broadcasting, label slices and
// reductions computed by labels and by xarray (Debian's python3-xarray,
// run by /usr/bin/python3 on testdata/xarray_oracle.py) on the same small
// inputs, in one Python process for all cases.

//go:embed testdata/xarray_oracle.py
var xarrayOracle []byte

// oraclePython is the interpreter that has Debian's python3-xarray. Not
// plain python3: a pyenv interpreter without Debian's packages may come
// first in PATH.
const oraclePython = "/usr/bin/python3"

// oracleTol bounds the relative difference between labels and xarray.
// Both compute in float64 from the same inputs, but sum in different
// orders (numpy pairwise along the reduced axes, labels per block, the
// block partials then combined in order), so they differ by rounding
// alone: for the at most 120 values summed here, recursive summation's
// bound is about 120 · 2⁻⁵³ ≈ 1.3e-14 relative, and variances of values
// near 280 spread by about 17 lose a little more to cancellation. The
// largest difference seen is logged by the test (3e-15 with xarray
// 2023.01 and numpy 1.24); 1e-12 leaves room and still catches any real
// error (a wrong element, a NaN skipped or not, a ddof off by one are
// all above 1e-3). Values are compared relative to max(1, |xarray's|).
const oracleTol = 1e-12

// oracleTolFloat32 is the tolerance for float32 results: each side
// rounds its float32 result once from different sums, a few float32
// ulps (2⁻²⁴ ≈ 6e-8) apart.
const oracleTolFloat32 = 1e-6

// oArray is an array as the oracle reads and writes it: values in
// row-major order, NaN as null.
type oArray struct {
	Name   string     `json:"name"`
	Dims   []string   `json:"dims"`
	Shape  []int      `json:"shape"`
	DType  string     `json:"dtype"`
	Values []*float64 `json:"values"`
	Coords []oArray   `json:"coords,omitempty"`
	// blocks is the block length along each dimension of labels' lazy
	// array (0: whole); not sent.
	blocks []int
}

// oCase is one oracle case (see testdata/xarray_oracle.py).
type oCase struct {
	Name string `json:"name"`
	// Kind is "binary" (a op b), "sel" (a.sel(dim=label) or
	// a.sel(dim=slice(start, stop))), "reduce" (a.op(dims)) or
	// "ds_reduce" (Dataset(vars).op(dims)).
	Kind string   `json:"kind"`
	Op   string   `json:"op"`
	A    *oArray  `json:"a,omitempty"`
	B    *oArray  `json:"b,omitempty"`
	Vars []oArray `json:"vars,omitempty"`
	// sel
	Dim   string   `json:"dim,omitempty"`
	Label *float64 `json:"label"`
	Start *float64 `json:"start"`
	Stop  *float64 `json:"stop"`
	// reductions
	Dims     []string `json:"dims"`
	SkipNA   bool     `json:"skipna"`
	DDOF     int      `json:"ddof,omitempty"`
	MinCount int      `json:"min_count,omitempty"`
}

// oResult is the oracle's answer to one case.
type oResult struct {
	Arrays []oArray `json:"arrays"`
	Coords []oArray `json:"coords"`
	Error  string   `json:"error"`
}

func ptr(x float64) *float64 { return &x }

func jsonFloats(vals []float64) []*float64 {
	out := make([]*float64, len(vals))
	for i, v := range vals {
		if !math.IsNaN(v) {
			out[i] = ptr(v)
		}
	}
	return out
}

func goFloats(vals []*float64) []float64 {
	out := make([]float64, len(vals))
	for i, v := range vals {
		out[i] = math.NaN()
		if v != nil {
			out[i] = *v
		}
	}
	return out
}

// dimCoord returns the coordinate of dimension dim.
func dimCoord(dim, dtype string, vals ...float64) oArray {
	return oArray{Name: dim, Dims: []string{dim}, Shape: []int{len(vals)}, DType: dtype, Values: jsonFloats(vals)}
}

// scalarCoord returns a 0-dimensional coordinate.
func scalarCoord(name string, v float64) oArray {
	return oArray{Name: name, Dims: []string{}, Shape: []int{}, DType: "float64", Values: jsonFloats([]float64{v})}
}

// randArray returns an array over the given coordinates (dimension
// coordinates first, in dims order) with random temperatures, a fraction
// nanFrac of them missing, chunked in labels by blocks.
func randArray(r *rand.Rand, name string, nanFrac float64, blocks []int, coords ...oArray) oArray {
	a := oArray{Name: name, DType: "float64", Coords: coords, blocks: blocks}
	n := 1
	for _, c := range coords {
		if len(c.Dims) == 1 && c.Dims[0] == c.Name {
			a.Dims = append(a.Dims, c.Name)
			a.Shape = append(a.Shape, len(c.Values))
			n *= len(c.Values)
		}
	}
	vals := make([]float64, n)
	for i := range vals {
		vals[i] = math.Round((250+60*r.Float64())*1e6) / 1e6
		if r.Float64() < nanFrac {
			vals[i] = math.NaN()
		}
	}
	a.Values = jsonFloats(vals)
	return a
}

// dataArray builds a's labels DataArray: lazy data chunked by a.blocks,
// coordinates in memory.
func (a oArray) dataArray(t testing.TB) *labels.DataArray {
	t.Helper()
	v := a.lazyVariable(t)
	var cs labels.Vars
	for _, c := range a.Coords {
		cs = append(cs, labels.Named{Name: c.Name, Var: c.memVariable(t)})
	}
	return must(labels.NewDataArray(a.Name, v, cs))(t)
}

func (a oArray) ndarray(t testing.TB) *ndarray.Array {
	t.Helper()
	dt := must(ndarray.ParseDType(a.DType))(t)
	raw := must(ndarray.FromSlice(goFloats(a.Values), a.Shape...))(t)
	if len(a.Shape) == 0 {
		raw = ndarray.Scalar(goFloats(a.Values)[0])
	}
	return must(raw.Astype(dt))(t)
}

func (a oArray) memVariable(t testing.TB) *labels.Variable {
	t.Helper()
	return must(labels.FromArray(a.Dims, a.ndarray(t), nil))(t)
}

func (a oArray) lazyVariable(t testing.TB) *labels.Variable {
	t.Helper()
	raw := a.ndarray(t)
	data := must(chunk.FromArray(raw, chunk.Regular(a.Shape, a.blocks)))(t)
	return must(labels.NewVariable(a.Dims, data, nil))(t)
}

// oracleCases returns the cases, from seeded random data.
func oracleCases() []oCase {
	r := rand.New(rand.NewPCG(2026, 1))
	var cases []oCase

	// Alignment and broadcasting.
	binary := []struct {
		name, op string
		a, b     oArray
	}{
		{"add: lat partly shared and decreasing, lon broadcast, b transposed", "add",
			randArray(r, "a", 0.1, []int{2, 2}, dimCoord("time", "int64", 0, 6, 12), dimCoord("lat", "float64", 75, 45, 15, -15, -45)),
			randArray(r, "b", 0.1, []int{2, 3}, dimCoord("lon", "float64", 0, 120, 240), dimCoord("lat", "float64", 45, 15, -15, -45, -75))},
		{"mul: lon partly shared, a increasing, b decreasing", "mul",
			randArray(r, "a", 0.1, []int{2, 2}, dimCoord("lat", "float64", 30, 0, -30), dimCoord("lon", "float64", 0, 30, 60, 90, 120)),
			randArray(r, "b", 0.1, []int{1, 3}, dimCoord("lat", "float64", 30, 0, -30), dimCoord("lon", "float64", 150, 120, 90, 60))},
		{"mul: lat a increasing, b decreasing and shuffled overlap", "mul",
			randArray(r, "a", 0, []int{3}, dimCoord("lat", "float64", -60, -30, 0, 30, 60)),
			randArray(r, "b", 0, []int{2}, dimCoord("lat", "float64", 90, 60, 30, 0))},
		{"sub: time partly shared, operands in different dim orders", "sub",
			randArray(r, "a", 0.2, []int{3, 2, 2}, dimCoord("time", "int64", 0, 1, 2, 3, 4, 5), dimCoord("lat", "float64", 60, 30), dimCoord("lon", "float64", 10, 20, 30)),
			randArray(r, "b", 0.2, []int{2, 2}, dimCoord("lon", "float64", 10, 20, 30), dimCoord("time", "int64", 3, 4, 5, 6, 7))},
		{"add: disjoint dims, scalar coordinates", "add",
			randArray(r, "a", 0, nil, dimCoord("time", "int64", 0, 1), scalarCoord("height", 2)),
			randArray(r, "b", 0, nil, dimCoord("lat", "float64", 10, 0, -10))},
		{"sub: same coordinates", "sub",
			randArray(r, "a", 0.1, []int{2}, dimCoord("lat", "float64", 45, 0, -45), dimCoord("lon", "float64", 0, 180)),
			randArray(r, "b", 0.1, nil, dimCoord("lat", "float64", 45, 0, -45), dimCoord("lon", "float64", 0, 180))},
	}
	for _, b := range binary {
		a, bb := b.a, b.b
		cases = append(cases, oCase{Name: b.name, Kind: "binary", Op: b.op, A: &a, B: &bb})
	}

	// Label selection on a decreasing latitude (and an increasing
	// longitude). xarray slices a decreasing index only from the larger
	// label to the smaller: those are the cases compared.
	grid := randArray(r, "t", 0.1, []int{2, 3, 2}, dimCoord("time", "int64", 0, 6, 12),
		dimCoord("lat", "float64", 90, 60, 30, 0, -30, -60, -90), dimCoord("lon", "float64", 0, 90, 180, 270), scalarCoord("height", 2))
	sel := []struct {
		name        string
		dim         string
		label       *float64
		start, stop *float64
	}{
		{"sel lat slice(60, 30)", "lat", nil, ptr(60), ptr(30)},
		{"sel lat slice(45, -45), bounds between labels", "lat", nil, ptr(45), ptr(-45)},
		{"sel lat slice(None, 0)", "lat", nil, nil, ptr(0)},
		{"sel lat slice(45, None)", "lat", nil, ptr(45), nil},
		{"sel lat slice(90, 90)", "lat", nil, ptr(90), ptr(90)},
		{"sel lon slice(45, 200)", "lon", nil, ptr(45), ptr(200)},
		{"sel lat=30", "lat", ptr(30), nil, nil},
	}
	for _, s := range sel {
		g := grid
		cases = append(cases, oCase{Name: s.name, Kind: "sel", A: &g, Dim: s.dim, Label: s.label, Start: s.start, Stop: s.stop})
	}

	// Reductions, with NaNs scattered and one (lat, lon) column missing
	// at every time.
	red := randArray(r, "t2m", 0.15, []int{2, 3, 5}, dimCoord("time", "int64", 0, 6, 12, 18, 24, 30),
		dimCoord("lat", "float64", 60, 20, -20, -60), dimCoord("lon", "float64", 0, 72, 144, 216, 288), scalarCoord("height", 2))
	for ti := range 6 {
		red.Values[ti*20+1*5+3] = nil
	}
	dimSets := [][]string{{"time"}, {"lat", "lon"}, {"lon", "time"}, nil}
	for _, op := range []string{"mean", "sum", "min", "max", "std", "var"} {
		for _, dims := range dimSets {
			for _, skip := range []bool{true, false} {
				cases = append(cases, oCase{Name: fmt.Sprintf("%s(%q, skipna=%v)", op, dims, skip), Kind: "reduce", Op: op, A: &red, Dims: dims, SkipNA: skip})
			}
		}
	}
	for _, dims := range dimSets {
		cases = append(cases, oCase{Name: fmt.Sprintf("count(%q)", dims), Kind: "reduce", Op: "count", A: &red, Dims: dims})
	}
	f32 := red
	f32.DType = "float32"
	cases = append(cases,
		oCase{Name: `std(["time"], ddof=1)`, Kind: "reduce", Op: "std", A: &red, Dims: []string{"time"}, SkipNA: true, DDOF: 1},
		oCase{Name: `var(["lat" "lon"], ddof=1, skipna=false)`, Kind: "reduce", Op: "var", A: &red, Dims: []string{"lat", "lon"}, DDOF: 1},
		oCase{Name: `sum(["time"], min_count=5)`, Kind: "reduce", Op: "sum", A: &red, Dims: []string{"time"}, SkipNA: true, MinCount: 5},
		oCase{Name: `mean(["time"]) of float32`, Kind: "reduce", Op: "mean", A: &f32, Dims: []string{"time"}, SkipNA: true},
		oCase{Name: `max(["lat"]) of float32`, Kind: "reduce", Op: "max", A: &f32, Dims: []string{"lat"}, SkipNA: true},
	)

	// Dataset reductions: orog has no time, pr no lat or lon.
	ta := randArray(r, "t", 0.15, []int{2, 2, 3}, dimCoord("time", "int64", 0, 1, 2, 3), dimCoord("lat", "float64", 50, 0, -50), dimCoord("lon", "float64", 0, 120, 240), scalarCoord("height", 2))
	orog := randArray(r, "orog", 0, nil, dimCoord("lat", "float64", 50, 0, -50), dimCoord("lon", "float64", 0, 120, 240))
	pr := randArray(r, "pr", 0.25, []int{3}, dimCoord("time", "int64", 0, 1, 2, 3))
	vars := []oArray{ta, orog, pr}
	cases = append(cases,
		oCase{Name: `ds.mean("time")`, Kind: "ds_reduce", Op: "mean", Vars: vars, Dims: []string{"time"}, SkipNA: true},
		oCase{Name: `ds.max(["lat"], skipna=false)`, Kind: "ds_reduce", Op: "max", Vars: vars, Dims: []string{"lat"}},
		oCase{Name: `ds.std(["time", "lon"])`, Kind: "ds_reduce", Op: "std", Vars: vars, Dims: []string{"time", "lon"}, SkipNA: true},
	)
	return cases
}

var reduceOps = map[string]ndarray.Op{
	"mean": ndarray.Mean, "sum": ndarray.Sum, "min": ndarray.Min, "max": ndarray.Max,
	"std": ndarray.Std, "var": ndarray.Var, "count": ndarray.Count,
}

// runLabels computes a case with labels, in the oracle's form.
func runLabels(t *testing.T, c oCase) oResult {
	t.Helper()
	ro := labels.ReduceOptions{KeepNaN: !c.SkipNA && c.Op != "count", DDOF: c.DDOF, MinCount: c.MinCount}
	var r *labels.DataArray
	switch c.Kind {
	case "binary":
		op := map[string]ndarray.BinaryOp{"add": ndarray.AddOp, "sub": ndarray.SubOp, "mul": ndarray.MulOp}[c.Op]
		r = must(labels.Binary(op, c.A.dataArray(t), c.B.dataArray(t)))(t)
	case "sel":
		var s any = labels.Slice{Start: anyOf(c.Start), Stop: anyOf(c.Stop)}
		if c.Label != nil {
			s = *c.Label
		}
		r = must(c.A.dataArray(t).Sel(map[string]any{c.Dim: s}))(t)
		if c.Start != nil && c.Stop != nil {
			// labels takes the bounds in either order: the reversed
			// slice must select the same.
			rev := must(c.A.dataArray(t).Sel(map[string]any{c.Dim: labels.Slice{Start: *c.Stop, Stop: *c.Start}}))(t)
			if a, b := fromLabels(t, r), fromLabels(t, rev); !slices.Equal(a.Dims, b.Dims) || !sameFloats(goFloats(a.Values), goFloats(b.Values)) {
				t.Errorf("slice(%v, %v) and slice(%v, %v) differ", *c.Start, *c.Stop, *c.Stop, *c.Start)
			}
		}
	case "reduce":
		r = must(c.A.dataArray(t).Reduce(reduceOps[c.Op], c.Dims, ro))(t)
	case "ds_reduce":
		var data, cs labels.Vars
		seen := map[string]bool{}
		for _, v := range c.Vars {
			data = append(data, labels.Named{Name: v.Name, Var: v.lazyVariable(t)})
			for _, co := range v.Coords {
				if !seen[co.Name] {
					seen[co.Name] = true
					cs = append(cs, labels.Named{Name: co.Name, Var: co.memVariable(t)})
				}
			}
		}
		ds := must(labels.NewDataset(data, cs, nil))(t)
		out := must(ds.Reduce(reduceOps[c.Op], c.Dims, ro))(t)
		var res oResult
		for _, n := range out.DataVars() {
			res.Arrays = append(res.Arrays, fromVariable(t, n, must(out.Variable(n))(t)))
		}
		for _, n := range out.Coords() {
			res.Coords = append(res.Coords, fromVariable(t, n, must(out.Variable(n))(t)))
		}
		return res
	default:
		t.Fatalf("unknown case kind %q", c.Kind)
	}
	res := oResult{Arrays: []oArray{fromLabels(t, r)}}
	for _, n := range r.Coords() {
		res.Coords = append(res.Coords, fromVariable(t, n, must(r.Coord(n))(t)))
	}
	return res
}

func anyOf(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func fromLabels(t *testing.T, a *labels.DataArray) oArray {
	return fromVariable(t, a.Name(), a.Variable())
}

func fromVariable(t *testing.T, name string, v *labels.Variable) oArray {
	t.Helper()
	return oArray{Name: name, Dims: v.Dims(), Shape: v.Shape(), DType: v.DType().String(), Values: jsonFloats(varValues(t, v))}
}

// runOracle runs xarray on the cases, once.
func runOracle(t *testing.T, cases []oCase) map[string]oResult {
	t.Helper()
	if os.Getenv("TESSERA_SKIP_ORACLES") == "1" {
		t.Skip("TESSERA_SKIP_ORACLES=1")
	}
	if out, err := exec.Command(oraclePython, "-c", "import xarray").CombinedOutput(); err != nil {
		t.Fatalf("xarray oracle unavailable: %s -c 'import xarray': %v\n%s\nrun `make deps` (it installs python3-xarray), or set TESSERA_SKIP_ORACLES=1 to skip",
			oraclePython, err, out)
	}
	dir := t.TempDir()
	script, in, out := filepath.Join(dir, "xarray_oracle.py"), filepath.Join(dir, "in.json"), filepath.Join(dir, "out.json")
	if err := os.WriteFile(script, xarrayOracle, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, must(json.Marshal(cases))(t), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), oraclePython, script, in, out)
	msg, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", oraclePython, script, err, msg)
	}
	t.Logf("oracle: %s", strings.TrimSpace(string(msg)))
	results := map[string]oResult{}
	if err := json.Unmarshal(must(os.ReadFile(out))(t), &results); err != nil {
		t.Fatal(err)
	}
	return results
}

func TestXarrayOracle(t *testing.T) {
	cases := oracleCases()
	want := runOracle(t, cases)
	worst := 0.0
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			w, ok := want[c.Name]
			if !ok || w.Error != "" {
				t.Fatalf("xarray: %q (missing: %v)", w.Error, !ok)
			}
			got := runLabels(t, c)
			if len(got.Arrays) != len(w.Arrays) {
				t.Fatalf("%d arrays, xarray %d", len(got.Arrays), len(w.Arrays))
			}
			for i, g := range got.Arrays {
				worst = max(worst, compareArray(t, g, w.Arrays[i], c.Kind != "binary"))
			}
			gc, wc := byName(got.Coords), byName(w.Coords)
			if !slices.Equal(sortedKeys(gc), sortedKeys(wc)) {
				t.Errorf("coordinates %q, xarray %q", sortedKeys(gc), sortedKeys(wc))
			}
			for n, g := range gc {
				if x, ok := wc[n]; ok {
					// Labels are exact.
					if !slices.Equal(g.Dims, x.Dims) || g.DType != x.DType || !sameFloats(goFloats(g.Values), goFloats(x.Values)) {
						t.Errorf("coordinate %q: %q %s %v, xarray %q %s %v", n, g.Dims, g.DType, goFloats(g.Values), x.Dims, x.DType, goFloats(x.Values))
					}
				}
			}
		})
	}
	t.Logf("%d cases; largest relative difference from xarray: %.3g", len(cases), worst)
}

// compareArray compares an array with xarray's: exact dims, shape and
// dtype, values within the tolerance. It returns the largest relative
// difference of float64 values.
func compareArray(t *testing.T, g, w oArray, sameName bool) float64 {
	t.Helper()
	if sameName && g.Name != w.Name {
		t.Errorf("name %q, xarray %q", g.Name, w.Name)
	}
	if !slices.Equal(g.Dims, w.Dims) || !slices.Equal(g.Shape, w.Shape) || g.DType != w.DType {
		t.Errorf("%s: dims %q shape %v dtype %s, xarray %q %v %s", g.Name, g.Dims, g.Shape, g.DType, w.Dims, w.Shape, w.DType)
		return 0
	}
	tol := oracleTol
	if g.DType == "float32" {
		tol = oracleTolFloat32
	}
	gv, wv := goFloats(g.Values), goFloats(w.Values)
	if !closeFloats(gv, wv, tol) {
		t.Errorf("%s: values\n%v\nxarray\n%v", g.Name, gv, wv)
	}
	worst := 0.0
	if g.DType == "float64" {
		for i := range gv {
			if d := math.Abs(gv[i]-wv[i]) / max(1, math.Abs(wv[i])); d > worst {
				worst = d
			}
		}
	}
	return worst
}

func byName(as []oArray) map[string]oArray {
	m := make(map[string]oArray, len(as))
	for _, a := range as {
		m[a.Name] = a
	}
	return m
}

func sortedKeys(m map[string]oArray) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
