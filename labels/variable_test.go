package labels_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/graph"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/ndarray"
)

func TestVariableDims(t *testing.T) {
	tests := []struct {
		name  string
		dims  []string
		shape []int
		want  []string // parts of the error message; nil: no error
	}{
		{name: "ok", dims: []string{"time", "lat"}, shape: []int{2, 3}},
		{name: "scalar", dims: []string{}, shape: []int{}},
		{name: "too few names", dims: []string{"time"}, shape: []int{2, 3}, want: []string{`["time"]`, "[2 3]"}},
		{name: "too many names", dims: []string{"time", "lat", "lon"}, shape: []int{2, 3}, want: []string{`["time" "lat" "lon"]`}},
		{name: "empty name", dims: []string{"time", ""}, shape: []int{2, 3}, want: []string{"dimension 1", "no name"}},
		{name: "repeated", dims: []string{"lat", "lat"}, shape: []int{2, 3}, want: []string{`"lat" repeated`}},
	}
	for _, tc := range tests {
		n := 1
		for _, d := range tc.shape {
			n *= d
		}
		raw := must(ndarray.FromSlice(make([]float32, n), tc.shape...))(t)
		data := must(chunk.FromArray(raw, nil))(t)
		makers := map[string]func() (*labels.Variable, error){
			"NewVariable": func() (*labels.Variable, error) { return labels.NewVariable(tc.dims, data, nil) },
			"FromArray":   func() (*labels.Variable, error) { return labels.FromArray(tc.dims, raw, nil) },
			"FromSlice": func() (*labels.Variable, error) {
				return labels.FromSlice(tc.dims, make([]float32, n), nil, tc.shape...)
			},
		}
		for mk, f := range makers {
			t.Run(tc.name+"/"+mk, func(t *testing.T) {
				v, err := f()
				if tc.want != nil {
					checkErr(t, err, labels.ErrDims, tc.want...)
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(v.Dims(), tc.dims) || !slices.Equal(v.Shape(), tc.shape) {
					t.Errorf("dims %q shape %v, want %q %v", v.Dims(), v.Shape(), tc.dims, tc.shape)
				}
				if v.DType() != ndarray.Float32 {
					t.Errorf("dtype %s, want float32", v.DType())
				}
			})
		}
	}
}

func TestFromSliceShapeMismatch(t *testing.T) {
	_, err := labels.FromSlice([]string{"x", "y"}, []float64{1, 2, 3}, nil, 2, 2)
	if !errors.Is(err, ndarray.ErrShape) {
		t.Errorf("FromSlice of 3 values as (2, 2) = %v, want ndarray.ErrShape", err)
	}
}

func TestVariableAccessors(t *testing.T) {
	attrs := labels.Attrs{{Name: "units", Value: "K"}}
	v := vec(t, []string{"lat", "lon"}, []int16{1, 2, 3, 4, 5, 6}, attrs, 2, 3)
	if got := v.Sizes(); got["lat"] != 2 || got["lon"] != 3 || len(got) != 2 {
		t.Errorf("Sizes() = %v, want map[lat:2 lon:3]", got)
	}
	if v.DType() != ndarray.Int16 {
		t.Errorf("DType() = %s, want int16", v.DType())
	}
	if _, ok := v.Loaded(); !ok {
		t.Error("FromSlice variable is not loaded")
	}
	// Results are copies: changing them leaves the variable alone.
	v.Dims()[0] = "changed"
	v.Attrs()[0].Value = "changed"
	attrs[0].Value = "changed"
	if v.Dims()[0] != "lat" || !v.Attrs().Equal(labels.Attrs{{Name: "units", Value: "K"}}) {
		t.Errorf("variable changed through a returned slice: dims %q attrs %v", v.Dims(), v.Attrs())
	}
	w := v.WithAttrs(labels.Attrs{{Name: "units", Value: "degC"}})
	if s, _ := w.Attrs().String("units"); s != "degC" {
		t.Errorf("WithAttrs: units = %q, want degC", s)
	}
	if s, _ := v.Attrs().String("units"); s != "K" {
		t.Errorf("WithAttrs changed the original: units = %q", s)
	}
	e := v.WithEncoding(labels.Encoding{DType: ndarray.Int8, Source: "f.nc: x"})
	if e.Encoding().DType != ndarray.Int8 || v.Encoding().DType != 0 {
		t.Errorf("WithEncoding: %v, original %v", e.Encoding(), v.Encoding())
	}
	if got := varValues(t, v); !sameFloats(got, []float64{1, 2, 3, 4, 5, 6}) {
		t.Errorf("Values() = %v", got)
	}
}

func TestVariableLazyNotLoaded(t *testing.T) {
	var calls atomic.Int64 // the blocks load on several workers
	data := must(chunk.FromSource(chunk.Source{
		Name: "ones", DType: ndarray.Float64, Shape: []int{4}, Chunks: chunk.Chunks{{2, 2}},
		Load: func(_ *graph.Exec, _, shape []int) (*ndarray.Array, error) {
			calls.Add(1)
			return ndarray.Full(ndarray.Float64, 1, shape...), nil
		},
	}))(t)
	v := must(labels.NewVariable([]string{"x"}, data, nil))(t)
	if _, ok := v.Loaded(); ok {
		t.Error("a variable over a source is loaded before Values")
	}
	if got := varValues(t, v); !sameFloats(got, []float64{1, 1, 1, 1}) {
		t.Errorf("Values() = %v", got)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("loader called %d times, want 2 (one per block)", n)
	}
}

func TestStringVariable(t *testing.T) {
	v, err := labels.StringVariable("season", []string{"DJF", "MAM", "JJA", "SON"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	x, _ := labels.FromSlice([]string{"season", "lat"}, []float64{1, 2, 3, 4, 5, 6, 7, 8}, nil, 4, 2)
	a, err := labels.NewDataArray("tas", x, labels.Vars{{Name: "season", Var: v}})
	if err != nil {
		t.Fatal(err)
	}
	jja, err := a.Sel(map[string]any{"season": "JJA"})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := jja.Values(context.Background(), chunk.Options{})
	if g := ndarray.Float64s(got); len(g) != 2 || g[0] != 5 || g[1] != 6 {
		t.Errorf("Sel(season=JJA) = %v, want [5 6]", g)
	}
	two, err := a.Sel(map[string]any{"season": []any{"SON", "DJF"}})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := two.Coord("season")
	if s, ok := c.Strings(); !ok || len(s) != 2 || s[0] != "SON" || s[1] != "DJF" {
		t.Errorf("labels after a list selection = %v, %v; want [SON DJF]", s, ok)
	}
	if r := a.String(); !strings.Contains(r, "string DJF MAM JJA SON") {
		t.Errorf("repr does not show the labels:\n%s", r)
	}
	if _, ok := x.Strings(); ok {
		t.Error("a float variable reports string labels")
	}
}
