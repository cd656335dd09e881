package netcdf_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/labels/cftime"
	"github.com/tesseradata/tessera/ndarray"
)

// oraclePython is the interpreter that has Debian's python3-netcdf4 and
// python3-xarray. Not plain python3: a pyenv interpreter without
// Debian's packages may come first in PATH.
const oraclePython = "/usr/bin/python3"

// skipOracles reports TESSERA_SKIP_ORACLES=1, the one way to skip the
// tests that need an outside program: a missing oracle is a failure.
func skipOracles(t *testing.T) {
	t.Helper()
	if os.Getenv("TESSERA_SKIP_ORACLES") == "1" {
		t.Skip("TESSERA_SKIP_ORACLES=1")
	}
}

// needPython fails the test when /usr/bin/python3 cannot import netCDF4,
// xarray and cftime, or skips it when TESSERA_SKIP_ORACLES=1.
func needPython(t *testing.T) {
	t.Helper()
	skipOracles(t)
	out, err := exec.Command(oraclePython, "-c", "import netCDF4, xarray, cftime").CombinedOutput()
	if err != nil {
		t.Fatalf("oracle unavailable: %s -c 'import netCDF4, xarray, cftime': %v\n%s\nrun `make deps` (it installs python3-netcdf4, python3-xarray and python3-cftime), or set TESSERA_SKIP_ORACLES=1 to skip",
			oraclePython, err, out)
	}
}

// needTool returns the path of a command-line oracle (ncdump), failing
// the test when it is missing, or skipping it when TESSERA_SKIP_ORACLES=1.
func needTool(t *testing.T, name string) string {
	t.Helper()
	skipOracles(t)
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("oracle unavailable: %s: %v\nrun `make deps` (it installs netcdf-bin and cdo), or set TESSERA_SKIP_ORACLES=1 to skip", name, err)
	}
	return p
}

// runPython runs testdata/script with args and returns its combined
// output; a failure fails the test.
func runPython(t *testing.T, script string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), oraclePython, append([]string{filepath.Join("testdata", script)}, args...)...)
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1") // no __pycache__ in testdata
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s testdata/%s %q: %v\n%s", oraclePython, script, args, err, out)
	}
	return string(out)
}

// runCmd runs a command and returns its standard output.
func runCmd(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), name, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %q: %v\n%s", name, args, err, stderr.String())
	}
	return string(out)
}

// xFile is what testdata/xdump.py makes of a file.
type xFile struct {
	Attrs map[string]string
	Vars  map[string]xVar
}

// xVar is one variable as xarray decoded it.
type xVar struct {
	Dims     []string
	Shape    []int
	DType    string
	Attrs    map[string]string
	NumAttrs map[string][]float64 `json:"num_attrs"`
	Units    *string
	Calendar *string
	Kind     string // "numbers" or "dates"
	Values   json.RawMessage
}

// numbers returns the values of a "numbers" variable, NaN for null.
func (x xVar) numbers(t *testing.T) []float64 {
	t.Helper()
	if x.Kind != "numbers" {
		t.Fatalf("xarray gave %s, not numbers", x.Kind)
	}
	var ps []*float64
	if err := json.Unmarshal(x.Values, &ps); err != nil {
		t.Fatal(err)
	}
	out := make([]float64, len(ps))
	for i, p := range ps {
		out[i] = math.NaN()
		if p != nil {
			out[i] = *p
		}
	}
	return out
}

// dates returns the values of a "dates" variable as strings (dateString),
// "NaT" for null.
func (x xVar) dates(t *testing.T) []string {
	t.Helper()
	if x.Kind != "dates" {
		t.Fatalf("xarray gave %s, not dates", x.Kind)
	}
	var ds [][]int
	if err := json.Unmarshal(x.Values, &ds); err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = "NaT"
		if d != nil {
			out[i] = fmt.Sprintf("%04d-%02d-%02d %02d:%02d:%02d.%06d", d[0], d[1], d[2], d[3], d[4], d[5], d[6])
		}
	}
	return out
}

// readJSON decodes the JSON file at path into a T.
func readJSON[T any](t *testing.T, path string) T {
	t.Helper()
	var v T
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

// dateString formats a date as xdump.py's dates compare: to the
// microsecond, the resolution of cftime's dates.
func dateString(d cftime.Date) string {
	return fmt.Sprintf("%04d-%02d-%02d %02d:%02d:%02d.%06d", d.Year, d.Month, d.Day, d.Hour, d.Minute, d.Second, d.Nanosecond/1000)
}

// values computes a variable and returns its values as float64.
func values(t *testing.T, v *labels.Variable) []float64 {
	t.Helper()
	a, err := v.Values(context.Background(), chunk.Options{})
	if err != nil {
		t.Fatalf("compute: %v", err)
	}
	if !slices.Equal(a.Shape(), v.Shape()) {
		t.Fatalf("computed shape %v, variable %v", a.Shape(), v.Shape())
	}
	return ndarray.Float64s(a)
}

// dates computes a time variable (one whose encoding has CF time units)
// and decodes its values in its own units and calendar.
func dates(t *testing.T, v *labels.Variable) []string {
	t.Helper()
	enc := v.Encoding()
	if !strings.Contains(enc.Units, " since ") {
		t.Fatalf("not a time variable: encoding %+v, attributes %v", enc, v.Attrs())
	}
	cal, err := cftime.ParseCalendar(enc.Calendar)
	if err != nil {
		t.Fatal(err)
	}
	u, err := cftime.ParseUnits(enc.Units, cal)
	if err != nil {
		t.Fatal(err)
	}
	vals := values(t, v)
	out := make([]string, len(vals))
	for i, x := range vals {
		out[i] = "NaT"
		if !math.IsNaN(x) {
			d, err := u.Decode(x)
			if err != nil {
				t.Fatalf("decode %v in %q %s: %v", x, enc.Units, cal, err)
			}
			out[i] = dateString(d)
		}
	}
	return out
}

// sameFloat reports a == b, or both NaN.
func sameFloat(a, b float64) bool {
	return a == b || math.IsNaN(a) && math.IsNaN(b)
}

// compareFloats checks got against want element by element, NaN equal to
// NaN, each within tol(i) (0: exact), and reports the first few
// differences.
func compareFloats(t *testing.T, what string, got, want []float64, tol func(i int) float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d values, want %d", what, len(got), len(want))
		return
	}
	bad := 0
	for i := range got {
		g, w := got[i], want[i]
		if math.IsNaN(g) || math.IsNaN(w) {
			if !sameFloat(g, w) {
				bad++
				if bad <= 5 {
					t.Errorf("%s[%d] = %v, want %v", what, i, g, w)
				}
			}
			continue
		}
		e := 0.0
		if tol != nil {
			e = tol(i)
		}
		if math.Abs(g-w) > e {
			bad++
			if bad <= 5 {
				t.Errorf("%s[%d] = %v, want %v (diff %g, tolerance %g)", what, i, g, w, g-w, e)
			}
		}
	}
	if bad > 5 {
		t.Errorf("%s: %d values differ", what, bad)
	}
}

// oneLine checks an error's message: one line that names every string in
// names (a file's path, the variable or dimension that differs).
func oneLine(t *testing.T, err error, names ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one naming %q", names)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("error is not one line: %q", msg)
	}
	for _, n := range names {
		if !strings.Contains(msg, n) {
			t.Errorf("error %q does not name %q", msg, n)
		}
	}
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// variable returns a dataset's variable, failing the test if it has none.
func variable(t *testing.T, ds *labels.Dataset, name string) *labels.Variable {
	t.Helper()
	v, err := ds.Variable(name)
	if err != nil {
		t.Fatalf("variable %q: %v (the dataset has %q and coordinates %q)", name, err, ds.DataVars(), ds.Coords())
	}
	return v
}

// allNames returns a dataset's coordinates and data variables, sorted.
func allNames(ds *labels.Dataset) []string {
	n := append(ds.Coords(), ds.DataVars()...)
	slices.Sort(n)
	return n
}

// computeOpts computes with the defaults.
var computeOpts chunk.Options
