package labels_test

import (
	"slices"
	"sync/atomic"
	"testing"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/graph"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/ndarray"
)

func TestNewDataArrayErrors(t *testing.T) {
	v := vec(t, []string{"lat", "lon"}, make([]float64, 6), nil, 2, 3)
	tests := []struct {
		name   string
		cs     labels.Vars
		target error
		parts  []string
	}{
		{"coordinate on another dim", labels.Vars{coord(t, "time", 0.0, 1)}, labels.ErrDimNotFound, []string{`"time"`, "(lat, lon)", `"a"`}},
		{"coordinate of another size", labels.Vars{coord(t, "lon", 0.0, 1)}, labels.ErrAlign, []string{`"lon"`, "2 values", "3"}},
		{"coordinate twice", labels.Vars{coord(t, "lat", 0.0, 1), coord(t, "lat", 0.0, 1)}, labels.ErrDims, []string{`"lat"`}},
		{"coordinate not in memory", labels.Vars{{Name: "lat", Var: lazy(t, []string{"lat"}, []float64{1, 2}, []int{2}, nil, nil)}}, labels.ErrNotLoaded, []string{`"lat"`}},
		{"no index for bool", labels.Vars{coord(t, "lat", true, false)}, labels.ErrIndex, []string{`"lat"`, "bool"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := labels.NewDataArray("a", v, tc.cs)
			checkErr(t, err, tc.target, tc.parts...)
		})
	}
	// A non-dimension coordinate need not be in memory, and is not
	// indexed.
	aux := lazy(t, []string{"lat", "lon"}, make([]float64, 6), []int{2, 3}, nil, nil)
	a := must(labels.NewDataArray("a", v, labels.Vars{{Name: "area", Var: aux}}))(t)
	if _, ok := a.Index("area"); ok {
		t.Error("a 2-dimensional coordinate is indexed")
	}
	_, err := a.Coord("lat")
	checkErr(t, err, labels.ErrVarNotFound, `"lat"`, `"a"`)
}

func TestNewDatasetErrors(t *testing.T) {
	x := vec(t, []string{"x"}, []float64{1, 2}, nil)
	x3 := vec(t, []string{"x"}, []float64{1, 2, 3}, nil)
	tests := []struct {
		name     string
		data, cs labels.Vars
		target   error
		parts    []string
	}{
		{"sizes differ", labels.Vars{{Name: "a", Var: x}, {Name: "b", Var: x3}}, nil, labels.ErrAlign, []string{`"b"`, `"x"`, "3", "2"}},
		{"variable twice", labels.Vars{{Name: "a", Var: x}, {Name: "a", Var: x}}, nil, labels.ErrDims, []string{`"a"`}},
		{"variable named as a coordinate", labels.Vars{{Name: "x", Var: x}}, labels.Vars{{Name: "x", Var: x}}, labels.ErrDims, []string{`"x"`}},
		{"coordinate of another size", labels.Vars{{Name: "a", Var: x}}, labels.Vars{{Name: "x", Var: x3}}, labels.ErrAlign, []string{`"a"`, `"x"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := labels.NewDataset(tc.data, tc.cs, nil)
			checkErr(t, err, tc.target, tc.parts...)
		})
	}
	ds := climate(t)
	_, err := ds.Variable("pr")
	checkErr(t, err, labels.ErrVarNotFound, `"pr"`, `"t2m"`)
	_, err = ds.Array("pr")
	checkErr(t, err, labels.ErrVarNotFound, `"pr"`)
}

func TestDatasetArray(t *testing.T) {
	ds := climate(t)
	o := must(ds.Array("orog"))(t)
	if !slices.Equal(o.Coords(), []string{"lat", "lon", "height"}) {
		t.Errorf("orog coordinates %q, want those along its dims and the scalar", o.Coords())
	}
	lat := must(ds.Array("lat"))(t)
	if !slices.Equal(lat.Dims(), []string{"lat"}) || !sameFloats(values(t, lat), []float64{60, 30, 0, -30}) {
		t.Errorf("coordinate as an array: %q %v", lat.Dims(), values(t, lat))
	}
	// WithArray adds (or replaces) a data variable.
	anom := must(labels.Binary(ndarray.SubOp, must(ds.Array("t2m"))(t), must(must(ds.Array("t2m"))(t).Mean("time"))(t)))(t)
	ds2 := must(ds.WithArray(anom.Rename("anom")))(t)
	if !slices.Equal(ds2.DataVars(), []string{"t2m", "orog", "anom"}) || !slices.Equal(ds2.Coords(), ds.Coords()) {
		t.Errorf("vars %q coords %q", ds2.DataVars(), ds2.Coords())
	}
	ds3 := must(ds2.WithArray(o.Rename("t2m")))(t)
	if !slices.Equal(ds3.DataVars(), []string{"orog", "anom", "t2m"}) || !slices.Equal(must(ds3.Variable("t2m"))(t).Dims(), []string{"lat", "lon"}) {
		t.Errorf("replacing t2m: vars %q", ds3.DataVars())
	}
	if _, ok := ds3.Index("lat"); !ok {
		t.Error("WithArray lost the lat index")
	}
	wa := ds.WithAttrs(labels.Attrs{{Name: "source", Value: "test"}})
	if !wa.Attrs().Equal(labels.Attrs{{Name: "source", Value: "test"}}) || !ds.Attrs().Equal(labels.Attrs{{Name: "title", Value: "test climate"}}) {
		t.Errorf("WithAttrs: %v, original %v", wa.Attrs(), ds.Attrs())
	}
}

// TestAttrsPropagation checks xarray's defaults: selections, transposes,
// renames and where keep attributes; arithmetic and reductions drop them.
func TestAttrsPropagation(t *testing.T) {
	a := t2m(t)
	ds := climate(t)
	cond := must(labels.Compare(ndarray.GreaterOp, a, must(a.Min())(t)))(t)
	arrays := []struct {
		name string
		f    func() (*labels.DataArray, error)
		keep bool
	}{
		{"Sel", func() (*labels.DataArray, error) { return a.Sel(map[string]any{"lat": 30}) }, true},
		{"Isel", func() (*labels.DataArray, error) { return a.Isel(map[string]any{"lon": []int{1}}) }, true},
		{"Transpose", func() (*labels.DataArray, error) { return a.Transpose() }, true},
		{"Squeeze", func() (*labels.DataArray, error) { return a.Squeeze() }, true},
		{"RenameDims", func() (*labels.DataArray, error) { return a.RenameDims(map[string]string{"lat": "y"}) }, true},
		{"Rename", func() (*labels.DataArray, error) { return a.Rename("x"), nil }, true},
		{"Where", func() (*labels.DataArray, error) { return a.Where(cond) }, true},
		{"Compute", func() (*labels.DataArray, error) { return a.Compute(t.Context(), chunkOpts) }, true},
		{"Persist", func() (*labels.DataArray, error) { return a.Persist(t.Context(), chunkOpts) }, true},
		{"Binary", func() (*labels.DataArray, error) { return labels.Binary(ndarray.AddOp, a, a) }, false},
		{"BinaryScalar", func() (*labels.DataArray, error) { return a.BinaryScalar(ndarray.MulOp, 2) }, false},
		{"Unary", func() (*labels.DataArray, error) { return a.Unary(ndarray.NegOp) }, false},
		{"Compare", func() (*labels.DataArray, error) { return labels.Compare(ndarray.LessOp, a, a) }, false},
		{"Mean", func() (*labels.DataArray, error) { return a.Mean("time") }, false},
		{"Count", func() (*labels.DataArray, error) { return a.Count() }, false},
		{"Reduce KeepAttrs", func() (*labels.DataArray, error) {
			return a.Reduce(ndarray.Max, []string{"lat"}, labels.ReduceOptions{KeepAttrs: true})
		}, true},
	}
	for _, tc := range arrays {
		t.Run("DataArray."+tc.name, func(t *testing.T) {
			r := must(tc.f())(t)
			want := labels.Attrs(nil)
			if tc.keep {
				want = a.Attrs()
			}
			if !r.Attrs().Equal(want) {
				t.Errorf("attrs %v, want %v", r.Attrs(), want)
			}
		})
	}
	datasets := []struct {
		name string
		f    func() (*labels.Dataset, error)
		keep bool
	}{
		{"Sel", func() (*labels.Dataset, error) { return ds.Sel(map[string]any{"lon": labels.Slice{Start: 10}}) }, true},
		{"Isel", func() (*labels.Dataset, error) { return ds.Isel(map[string]any{"time": 0}) }, true},
		{"Transpose", func() (*labels.Dataset, error) { return ds.Transpose("lon") }, true},
		{"Rename", func() (*labels.Dataset, error) { return ds.Rename(map[string]string{"t2m": "tas"}) }, true},
		{"Compute", func() (*labels.Dataset, error) { return ds.Compute(t.Context(), chunkOpts) }, true},
		{"Persist", func() (*labels.Dataset, error) { return ds.Persist(t.Context(), chunkOpts) }, true},
		{"Mean", func() (*labels.Dataset, error) { return ds.Mean("time") }, false},
		{"BinaryScalar", func() (*labels.Dataset, error) { return ds.BinaryScalar(ndarray.AddOp, 1) }, false},
		{"BinaryDatasets", func() (*labels.Dataset, error) { return labels.BinaryDatasets(ndarray.AddOp, ds, ds) }, false},
	}
	for _, tc := range datasets {
		t.Run("Dataset."+tc.name, func(t *testing.T) {
			r := must(tc.f())(t)
			want := labels.Attrs(nil)
			if tc.keep {
				want = ds.Attrs()
			}
			if !r.Attrs().Equal(want) {
				t.Errorf("global attrs %v, want %v", r.Attrs(), want)
			}
		})
	}
}

func TestWhere(t *testing.T) {
	lat := map[string][]float64{"lat": {60, 30, 0, -30}, "lon": {0, 10, 20}}
	a := field(t, "a", []string{"lat", "lon"}, lat, func(l map[string]float64) float64 { return l["lat"] + l["lon"] })
	north := must(labels.NewDataArray("north", vec(t, []string{"lat"}, []bool{true, false, true}, nil),
		labels.Vars{coord(t, "lat", -30.0, 0, 30)}))(t)
	tests := []struct {
		name string
		a    *labels.DataArray
		cond *labels.DataArray
		dims []string
		lat  []float64
		want []float64
	}{
		{
			name: "condition along one dim, aligned on lat",
			a:    a, cond: north, dims: []string{"lat", "lon"}, lat: []float64{30, 0, -30},
			want: []float64{30, 40, 50, nan, nan, nan, -30, -20, -10},
		},
		{
			name: "condition from a comparison",
			a:    a, cond: must(labels.Compare(ndarray.GreaterOp, a, field(t, "c", []string{"lon"}, map[string][]float64{"lon": {0, 10, 20}}, func(map[string]float64) float64 { return 25 })))(t),
			dims: []string{"lat", "lon"}, lat: []float64{60, 30, 0, -30},
			want: []float64{60, 70, 80, 30, 40, 50, nan, nan, nan, nan, nan, nan},
		},
		{
			name: "integers become floats",
			a: must(labels.NewDataArray("i", vec(t, []string{"lat"}, []int32{1, 2, 3}, labels.Attrs{{Name: "units", Value: "1"}}),
				labels.Vars{coord(t, "lat", -30.0, 0, 30)}))(t),
			cond: north, dims: []string{"lat"}, lat: []float64{-30, 0, 30},
			want: []float64{1, nan, 3},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := must(tc.a.Where(tc.cond))(t)
			if !slices.Equal(r.Dims(), tc.dims) {
				t.Fatalf("dims %q, want %q", r.Dims(), tc.dims)
			}
			if got := coordValues(t, r, "lat"); !sameFloats(got, tc.lat) {
				t.Errorf("lat %v, want %v", got, tc.lat)
			}
			if got := values(t, r); !sameFloats(got, tc.want) {
				t.Errorf("values %v, want %v", got, tc.want)
			}
			if !r.DType().IsFloat() {
				t.Errorf("dtype %s, want a float", r.DType())
			}
			if !r.Attrs().Equal(tc.a.Attrs()) {
				t.Errorf("attrs %v, want %v", r.Attrs(), tc.a.Attrs())
			}
		})
	}
}

// counting returns a variable (x: 6) over a source in blocks of 2 whose
// loader counts its calls.
func counting(t testing.TB, calls *atomic.Int64) *labels.Variable {
	data := must(chunk.FromSource(chunk.Source{
		Name: "count", DType: ndarray.Float64, Shape: []int{6}, Chunks: chunk.Chunks{{2, 2, 2}},
		Load: func(_ *graph.Exec, start, shape []int) (*ndarray.Array, error) {
			calls.Add(1)
			return ndarray.Arange(ndarray.Float64, float64(start[0]), float64(start[0]+shape[0]), 1), nil
		},
	}))(t)
	return must(labels.NewVariable([]string{"x"}, data, labels.Attrs{{Name: "units", Value: "m"}}))(t)
}

func TestComputePersistValues(t *testing.T) {
	want := []float64{0, 1, 2, 3, 4, 5}
	var calls atomic.Int64
	a := must(labels.NewDataArray("a", counting(t, &calls), labels.Vars{coord(t, "x", 0.0, 1, 2, 3, 4, 5)}))(t)
	if got := values(t, a); !sameFloats(got, want) || calls.Load() != 3 {
		t.Errorf("Values: %v after %d loads, want %v after 3", got, calls.Load(), want)
	}
	if _, ok := a.Variable().Loaded(); ok {
		t.Error("Values left the array loaded")
	}
	c := must(a.Compute(t.Context(), chunkOpts))(t)
	n := calls.Load()
	mem, ok := c.Variable().Loaded()
	if !ok || !sameFloats(ndarray.Float64s(mem), want) {
		t.Fatalf("Compute: loaded %v, values %v", ok, mem)
	}
	if got := values(t, must(c.Sel(map[string]any{"x": labels.Slice{Start: 1, Stop: 2}}))(t)); !sameFloats(got, []float64{1, 2}) || calls.Load() != n {
		t.Errorf("after Compute: %v with %d more loads", got, calls.Load()-n)
	}
	p := must(a.Persist(t.Context(), chunkOpts))(t)
	n = calls.Load()
	if !p.Data().Chunks().Equal(a.Data().Chunks()) {
		t.Errorf("Persist rechunked: %v", p.Data().Chunks())
	}
	for range 2 {
		if got := values(t, must(p.BinaryScalar(ndarray.AddOp, 1))(t)); !sameFloats(got, []float64{1, 2, 3, 4, 5, 6}) {
			t.Errorf("after Persist: %v", got)
		}
	}
	if calls.Load() != n {
		t.Errorf("persisted array loaded %d more blocks", calls.Load()-n)
	}

	calls.Store(0)
	ds := must(labels.NewDataset(labels.Vars{{Name: "a", Var: counting(t, &calls)}}, labels.Vars{coord(t, "x", 0.0, 1, 2, 3, 4, 5)}, nil))(t)
	dc := must(ds.Compute(t.Context(), chunkOpts))(t)
	if _, ok := must(dc.Variable("a"))(t).Loaded(); !ok || calls.Load() != 3 {
		t.Errorf("Dataset.Compute: loaded %v after %d loads", ok, calls.Load())
	}
	dp := must(ds.Persist(t.Context(), chunkOpts))(t)
	n = calls.Load()
	if got := dsValues(t, dp, "a"); !sameFloats(got, want) || calls.Load() != n {
		t.Errorf("Dataset.Persist: %v with %d more loads", got, calls.Load()-n)
	}
	if u, _ := must(dp.Variable("a"))(t).Attrs().String("units"); u != "m" {
		t.Error("Dataset.Persist dropped the variable's attributes")
	}
}
