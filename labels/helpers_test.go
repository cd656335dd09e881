package labels_test

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/ndarray"
)

// nan is a missing value in test tables.
var nan = math.NaN()

// must returns a function that returns v, failing the test on err:
// must(f())(t), for functions f that return a value and an error.
func must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// vec returns an in-memory variable over values (1-dimensional unless a
// shape is given).
func vec[T ndarray.Elem](t testing.TB, dims []string, values []T, attrs labels.Attrs, shape ...int) *labels.Variable {
	t.Helper()
	return must(labels.FromSlice(dims, values, attrs, shape...))(t)
}

// coord returns a 1-dimensional coordinate variable named as its
// dimension.
func coord[T ndarray.Elem](t testing.TB, dim string, values ...T) labels.Named {
	t.Helper()
	return labels.Named{Name: dim, Var: vec(t, []string{dim}, values, nil)}
}

// lazy returns a variable whose data is chunked along every dimension by
// chunks (nil: one block), so that operations on it go through chunk's
// graph rather than the in-memory values.
func lazy(t testing.TB, dims []string, values []float64, shape []int, chunks []int, attrs labels.Attrs) *labels.Variable {
	t.Helper()
	raw := must(ndarray.FromSlice(values, shape...))(t)
	data := must(chunk.FromArray(raw, chunk.Regular(shape, chunks)))(t)
	return must(labels.NewVariable(dims, data, attrs))(t)
}

// values computes a and returns its values in row-major order.
func values(t testing.TB, a *labels.DataArray) []float64 {
	t.Helper()
	return ndarray.Float64s(must(a.Values(t.Context(), chunk.Options{}))(t))
}

// varValues computes v and returns its values in row-major order.
func varValues(t testing.TB, v *labels.Variable) []float64 {
	t.Helper()
	return ndarray.Float64s(must(v.Values(t.Context(), chunk.Options{}))(t))
}

// coordValues returns the values of coordinate name of a.
func coordValues(t testing.TB, a *labels.DataArray, name string) []float64 {
	t.Helper()
	return varValues(t, must(a.Coord(name))(t))
}

// dsValues computes variable name of ds.
func dsValues(t testing.TB, ds *labels.Dataset, name string) []float64 {
	t.Helper()
	return varValues(t, must(ds.Variable(name))(t))
}

// sameFloats reports whether a and b are equal, NaN matching NaN.
func sameFloats(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool {
		return x == y || math.IsNaN(x) && math.IsNaN(y)
	})
}

// closeFloats reports whether a and b agree within tol relative to
// max(1, |b|), NaN matching NaN.
func closeFloats(a, b []float64, tol float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool {
		if math.IsNaN(x) || math.IsNaN(y) {
			return math.IsNaN(x) && math.IsNaN(y)
		}
		return math.Abs(x-y) <= tol*max(1, math.Abs(y))
	})
}

// checkErr checks that err wraps target and that its message contains
// every one of parts.
func checkErr(t testing.TB, err, target error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one wrapping %v", target)
	}
	if !errors.Is(err, target) {
		t.Errorf("error %q does not wrap %v", err, target)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not mention %q", err, p)
		}
	}
}

// t2m returns a small temperature array (time: 3, lat: 4, lon: 5),
// latitude stored north to south, values 100*time + 10*lat + lon with
// NaN at (0, 1, 2) and everywhere at (time 2, lat 3), attributes
// units and long_name, and a scalar coordinate height.
func t2m(t testing.TB) *labels.DataArray {
	t.Helper()
	vals := make([]float64, 3*4*5)
	for i := range vals {
		vals[i] = float64(100*(i/20) + 10*(i/5%4) + i%5)
	}
	vals[0*20+1*5+2] = nan
	for k := range 5 {
		vals[2*20+3*5+k] = nan
	}
	v := lazy(t, []string{"time", "lat", "lon"}, vals, []int{3, 4, 5}, []int{2, 2, 5},
		labels.Attrs{{Name: "units", Value: "K"}, {Name: "long_name", Value: "2 m temperature"}})
	return must(labels.NewDataArray("t2m", v, labels.Vars{
		coord(t, "time", int64(0), 6, 12),
		coord(t, "lat", 60.0, 30, 0, -30),
		coord(t, "lon", 0.0, 10, 20, 30, 40),
		{Name: "height", Var: must(labels.FromArray([]string{}, ndarray.Scalar(2.0), nil))(t)},
	}))(t)
}

// climate returns a dataset holding t2m and orog (lat, lon), which has no
// time dimension, with the coordinates of t2m and a global attribute.
func climate(t testing.TB) *labels.Dataset {
	t.Helper()
	a := t2m(t)
	orog := make([]float64, 20)
	for i := range orog {
		orog[i] = float64(i * 100)
	}
	o := vec(t, []string{"lat", "lon"}, orog, labels.Attrs{{Name: "units", Value: "m"}}, 4, 5)
	var cs labels.Vars
	for _, n := range a.Coords() {
		cs = append(cs, labels.Named{Name: n, Var: must(a.Coord(n))(t)})
	}
	return must(labels.NewDataset(labels.Vars{{Name: "t2m", Var: a.Variable()}, {Name: "orog", Var: o}}, cs,
		labels.Attrs{{Name: "title", Value: "test climate"}}))(t)
}

// chunkOpts computes with the scheduler's defaults.
var chunkOpts = chunk.Options{}
