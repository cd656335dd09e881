package labels_test

import (
	"slices"
	"testing"

	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/ndarray"
)

// at returns the value of t2m at (time, lat, lon) positions, as t2m
// builds it.
func at(ti, la, lo int) float64 {
	if ti == 0 && la == 1 && lo == 2 || ti == 2 && la == 3 {
		return nan
	}
	return float64(100*ti + 10*la + lo)
}

// grid returns the t2m values at the given positions, in row-major
// order over times, lats, lons.
func grid(times, lats, lons []int) []float64 {
	var out []float64
	for _, ti := range times {
		for _, la := range lats {
			for _, lo := range lons {
				out = append(out, at(ti, la, lo))
			}
		}
	}
	return out
}

var (
	all3 = []int{0, 1, 2}
	all4 = []int{0, 1, 2, 3}
	all5 = []int{0, 1, 2, 3, 4}
)

func TestDataArrayIsel(t *testing.T) {
	a := t2m(t)
	tests := []struct {
		name   string
		sel    map[string]any
		dims   []string
		values []float64
		lat    []float64 // latitude coordinate afterwards
	}{
		{"int drops the dim", map[string]any{"time": 1}, []string{"lat", "lon"}, grid([]int{1}, all4, all5), []float64{60, 30, 0, -30}},
		{"negative int", map[string]any{"lat": -1}, []string{"time", "lon"}, grid(all3, []int{3}, all5), []float64{-30}},
		{"range", map[string]any{"lat": ndarray.Range{Start: 1, Stop: 3}}, []string{"time", "lat", "lon"}, grid(all3, []int{1, 2}, all5), []float64{30, 0}},
		{"range with step", map[string]any{"lon": ndarray.Range{Start: 0, Stop: 5, Step: 2}}, []string{"time", "lat", "lon"}, grid(all3, all4, []int{0, 2, 4}), []float64{60, 30, 0, -30}},
		{"reversed range", map[string]any{"lat": ndarray.Range{Start: 3, Stop: -1, Step: -1}}, []string{"time", "lat", "lon"}, grid(all3, []int{3, 2, 1, 0}, all5), []float64{-30, 0, 30, 60}},
		{"reversed range from beyond the end", map[string]any{"lat": ndarray.Range{Start: 100, Stop: -1, Step: -2}}, []string{"time", "lat", "lon"}, grid(all3, []int{3, 1}, all5), []float64{-30, 30}},
		{"list with repeats and negatives", map[string]any{"lat": []int{2, -4, 2}}, []string{"time", "lat", "lon"}, grid(all3, []int{2, 0, 2}, all5), []float64{0, 60, 0}},
		{"several dims", map[string]any{"time": -1, "lat": []int{0}, "lon": ndarray.Range{Start: 3, Stop: 99}}, []string{"lat", "lon"}, grid([]int{2}, []int{0}, []int{3, 4}), []float64{60}},
		{"nothing", map[string]any{}, []string{"time", "lat", "lon"}, grid(all3, all4, all5), []float64{60, 30, 0, -30}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := must(a.Isel(tc.sel))(t)
			if !slices.Equal(b.Dims(), tc.dims) {
				t.Fatalf("dims %q, want %q", b.Dims(), tc.dims)
			}
			if got := values(t, b); !sameFloats(got, tc.values) {
				t.Errorf("values %v, want %v", got, tc.values)
			}
			if got := coordValues(t, b, "lat"); !sameFloats(got, tc.lat) {
				t.Errorf("lat %v, want %v", got, tc.lat)
			}
			if !b.Attrs().Equal(a.Attrs()) {
				t.Errorf("attrs %v, want %v", b.Attrs(), a.Attrs())
			}
		})
	}
}

func TestIselErrors(t *testing.T) {
	a := t2m(t)
	ds := climate(t)
	tests := []struct {
		name   string
		sel    map[string]any
		target error
		parts  []string
	}{
		{"int too large", map[string]any{"lat": 4}, ndarray.ErrIndex, []string{"position 4", `"lat"`, "length 4"}},
		{"int too negative", map[string]any{"lon": -6}, ndarray.ErrIndex, []string{"position -6", `"lon"`, "length 5"}},
		{"list out of range", map[string]any{"time": []int{0, 3}}, ndarray.ErrIndex, []string{"position 3", `"time"`, "length 3"}},
		{"range start beyond", map[string]any{"time": ndarray.Range{Start: 4, Stop: 5}}, ndarray.ErrIndex, []string{`"time"`, "length 3"}},
		{"unknown dim", map[string]any{"level": 0}, labels.ErrDimNotFound, []string{`"level"`, "(time: 3, lat: 4, lon: 5)"}},
		{"wrong type", map[string]any{"lat": 1.5}, labels.ErrIndex, []string{`"lat"`, "float64"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := a.Isel(tc.sel)
			checkErr(t, err, tc.target, append(tc.parts, `"t2m"`)...)
			_, err = ds.Isel(tc.sel)
			checkErr(t, err, tc.target, tc.parts...)
		})
	}
}

func TestDataArraySel(t *testing.T) {
	a := t2m(t)
	tests := []struct {
		name   string
		sel    map[string]any
		o      []labels.SelOptions
		dims   []string
		values []float64
		lat    []float64
		lon    []float64
	}{
		{"scalar drops the dim", map[string]any{"lat": 30}, nil, []string{"time", "lon"}, grid(all3, []int{1}, all5), []float64{30}, []float64{0, 10, 20, 30, 40}},
		{"slice north to south", map[string]any{"lat": labels.Slice{Start: 30, Stop: -30}}, nil, []string{"time", "lat", "lon"}, grid(all3, []int{1, 2, 3}, all5), []float64{30, 0, -30}, []float64{0, 10, 20, 30, 40}},
		{"slice south to north", map[string]any{"lat": labels.Slice{Start: -30, Stop: 30}}, nil, []string{"time", "lat", "lon"}, grid(all3, []int{1, 2, 3}, all5), []float64{30, 0, -30}, []float64{0, 10, 20, 30, 40}},
		{"one-sided slice", map[string]any{"lon": labels.Slice{Start: 25}}, nil, []string{"time", "lat", "lon"}, grid(all3, all4, []int{3, 4}), []float64{60, 30, 0, -30}, []float64{30, 40}},
		{"list keeps the dim", map[string]any{"lon": []any{40, 0}}, nil, []string{"time", "lat", "lon"}, grid(all3, all4, []int{4, 0}), []float64{60, 30, 0, -30}, []float64{40, 0}},
		{"list of one keeps the dim", map[string]any{"lat": []any{0.0}}, nil, []string{"time", "lat", "lon"}, grid(all3, []int{2}, all5), []float64{0}, []float64{0, 10, 20, 30, 40}},
		{"nearest", map[string]any{"lat": 10, "lon": 34}, []labels.SelOptions{{Method: "nearest"}}, []string{"time"}, grid(all3, []int{2}, []int{3}), []float64{0}, []float64{30}},
		{"nearest list", map[string]any{"lon": []any{-5, 16}}, []labels.SelOptions{{Method: "nearest", Tolerance: 5}}, []string{"time", "lat", "lon"}, grid(all3, all4, []int{0, 2}), []float64{60, 30, 0, -30}, []float64{0, 20}},
		{"int label on an int coordinate", map[string]any{"time": 12}, nil, []string{"lat", "lon"}, grid([]int{2}, all4, all5), []float64{60, 30, 0, -30}, []float64{0, 10, 20, 30, 40}},
		{"empty slice", map[string]any{"lat": labels.Slice{Start: 10, Stop: 20}}, nil, []string{"time", "lat", "lon"}, nil, []float64{}, []float64{0, 10, 20, 30, 40}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := must(a.Sel(tc.sel, tc.o...))(t)
			if !slices.Equal(b.Dims(), tc.dims) {
				t.Fatalf("dims %q, want %q", b.Dims(), tc.dims)
			}
			// An empty selection's values are not computed: chunk cannot
			// yet compute an array empty along one axis and in several
			// blocks along another (a shape mismatch in its sink).
			if tc.values != nil {
				if got := values(t, b); !sameFloats(got, tc.values) {
					t.Errorf("values %v, want %v", got, tc.values)
				}
			} else if n := b.Sizes()["lat"]; n != 0 {
				t.Errorf("lat has length %d, want 0", n)
			}
			if got := coordValues(t, b, "lat"); !sameFloats(got, tc.lat) {
				t.Errorf("lat %v, want %v", got, tc.lat)
			}
			if got := coordValues(t, b, "lon"); !sameFloats(got, tc.lon) {
				t.Errorf("lon %v, want %v", got, tc.lon)
			}
			if !slices.Equal(b.Coords(), a.Coords()) {
				t.Errorf("coordinates %q, want %q (scalar ones kept)", b.Coords(), a.Coords())
			}
			// Only dimension coordinates still along a dimension are
			// indexed.
			for _, d := range []string{"time", "lat", "lon"} {
				_, indexed := b.Index(d)
				if want := slices.Contains(tc.dims, d); indexed != want {
					t.Errorf("index of %q: %v, want %v", d, indexed, want)
				}
			}
			if !b.Attrs().Equal(a.Attrs()) {
				t.Errorf("attrs %v, want %v", b.Attrs(), a.Attrs())
			}
		})
	}
}

// TestSelScalarCoordinate checks that a scalar selection keeps the label
// as a 0-dimensional coordinate, as xarray does.
func TestSelScalarCoordinate(t *testing.T) {
	b := must(t2m(t).Sel(map[string]any{"lat": 0}))(t)
	lat := must(b.Coord("lat"))(t)
	if len(lat.Dims()) != 0 {
		t.Fatalf("lat has dims %q, want none", lat.Dims())
	}
	if got := varValues(t, lat); !sameFloats(got, []float64{0}) {
		t.Errorf("lat = %v, want [0]", got)
	}
	// A later selection on the remaining dims keeps it.
	c := must(b.Sel(map[string]any{"lon": 10, "time": 6}))(t)
	if len(c.Dims()) != 0 || !slices.Equal(c.Coords(), []string{"time", "lat", "lon", "height"}) {
		t.Errorf("dims %q coords %q", c.Dims(), c.Coords())
	}
	if got := values(t, c); !sameFloats(got, []float64{at(1, 2, 1)}) {
		t.Errorf("value %v, want %v", got, at(1, 2, 1))
	}
	// Selecting again on a dimension it no longer has is an error.
	_, err := b.Sel(map[string]any{"lat": 0})
	checkErr(t, err, labels.ErrDimNotFound, `"lat"`)
}

func TestSelErrors(t *testing.T) {
	a := t2m(t)
	noIndex := must(labels.NewDataArray("x", vec(t, []string{"x"}, []float64{1, 2}, nil), nil))(t)
	tests := []struct {
		name   string
		a      *labels.DataArray
		sel    map[string]any
		target error
		parts  []string
	}{
		{"label not found", a, map[string]any{"lat": 45}, labels.ErrLabelNotFound, []string{`dimension "lat"`, "label 45 not found", "nearest labels: 60, 30", `"t2m"`}},
		{"label in a list not found", a, map[string]any{"lon": []any{0, 15}}, labels.ErrLabelNotFound, []string{`"lon"`, "15"}},
		{"unknown dim", a, map[string]any{"level": 850}, labels.ErrDimNotFound, []string{`"level"`}},
		{"no coordinate", noIndex, map[string]any{"x": 1}, labels.ErrIndex, []string{`"x"`, "Isel"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.a.Sel(tc.sel)
			checkErr(t, err, tc.target, tc.parts...)
		})
	}
	_, err := climate(t).Sel(map[string]any{"lat": 45})
	checkErr(t, err, labels.ErrLabelNotFound, `dimension "lat"`, "label 45 not found")
}

func TestDatasetSel(t *testing.T) {
	ds := climate(t)
	tests := []struct {
		name  string
		sel   map[string]any
		isel  bool
		dims  []string
		sizes map[string]int
		t2m   []float64
		orog  []float64
	}{
		{"scalar time leaves orog alone", map[string]any{"time": 6}, false, []string{"lat", "lon"}, map[string]int{"lat": 4, "lon": 5},
			grid([]int{1}, all4, all5), orogAt(all4, all5)},
		{"lat slice", map[string]any{"lat": labels.Slice{Start: 0, Stop: 60}}, false, []string{"time", "lat", "lon"}, map[string]int{"time": 3, "lat": 3, "lon": 5},
			grid(all3, []int{0, 1, 2}, all5), orogAt([]int{0, 1, 2}, all5)},
		{"scalar lat and lon list", map[string]any{"lat": -30, "lon": []any{10, 20}}, false, []string{"time", "lon"}, map[string]int{"time": 3, "lon": 2},
			grid(all3, []int{3}, []int{1, 2}), orogAt([]int{3}, []int{1, 2})},
		{"isel", map[string]any{"lon": -1, "time": ndarray.Range{Start: 1, Stop: 3}}, true, []string{"time", "lat"}, map[string]int{"time": 2, "lat": 4},
			grid([]int{1, 2}, all4, []int{4}), orogAt(all4, []int{4})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got *labels.Dataset
			if tc.isel {
				got = must(ds.Isel(tc.sel))(t)
			} else {
				got = must(ds.Sel(tc.sel))(t)
			}
			if !slices.Equal(got.Dims(), tc.dims) || !mapsEqual(got.Sizes(), tc.sizes) {
				t.Errorf("dims %q sizes %v, want %q %v", got.Dims(), got.Sizes(), tc.dims, tc.sizes)
			}
			if v := dsValues(t, got, "t2m"); !sameFloats(v, tc.t2m) {
				t.Errorf("t2m %v, want %v", v, tc.t2m)
			}
			if v := dsValues(t, got, "orog"); !sameFloats(v, tc.orog) {
				t.Errorf("orog %v, want %v", v, tc.orog)
			}
			if !slices.Equal(got.Coords(), ds.Coords()) || !slices.Equal(got.DataVars(), ds.DataVars()) {
				t.Errorf("coords %q vars %q, want %q %q", got.Coords(), got.DataVars(), ds.Coords(), ds.DataVars())
			}
			if !got.Attrs().Equal(ds.Attrs()) {
				t.Errorf("attrs %v, want %v", got.Attrs(), ds.Attrs())
			}
			o := must(got.Variable("orog"))(t)
			if u, _ := o.Attrs().String("units"); u != "m" {
				t.Errorf("orog lost its units: %v", o.Attrs())
			}
		})
	}
}

func orogAt(lats, lons []int) []float64 {
	var out []float64
	for _, la := range lats {
		for _, lo := range lons {
			out = append(out, float64((5*la+lo)*100))
		}
	}
	return out
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestTranspose(t *testing.T) {
	a := t2m(t)
	tests := []struct {
		name  string
		order []string
		want  []string
	}{
		{"explicit", []string{"lon", "time", "lat"}, []string{"lon", "time", "lat"}},
		{"reversed by default", nil, []string{"lon", "lat", "time"}},
		{"identity", []string{"time", "lat", "lon"}, []string{"time", "lat", "lon"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := must(a.Transpose(tc.order...))(t)
			if !slices.Equal(b.Dims(), tc.want) {
				t.Fatalf("dims %q, want %q", b.Dims(), tc.want)
			}
			// Element (lon 3, time 1, lat 2) wherever the axes are.
			pos := map[string]int{"time": 1, "lat": 2, "lon": 3}
			vals := must(b.Values(t.Context(), chunkOpts))(t)
			idx := make([]int, 3)
			for i, d := range b.Dims() {
				idx[i] = pos[d]
			}
			if got := vals.At(idx...); got != at(1, 2, 3) {
				t.Errorf("value at %v = %v, want %v", idx, got, at(1, 2, 3))
			}
			if !b.Attrs().Equal(a.Attrs()) || !slices.Equal(b.Coords(), a.Coords()) {
				t.Errorf("attrs %v coords %q changed", b.Attrs(), b.Coords())
			}
		})
	}
	for _, bad := range [][]string{{"time", "lat"}, {"time", "lat", "level"}} {
		_, err := a.Transpose(bad...)
		if err == nil {
			t.Errorf("Transpose(%q) succeeded", bad)
		}
	}
	_, err := a.Transpose("time", "lat")
	checkErr(t, err, labels.ErrDims, "(time, lat)", "(time, lat, lon)")
	_, err = a.Transpose("time", "lat", "level")
	checkErr(t, err, labels.ErrDimNotFound, `"level"`)
	_, err = a.Transpose("time", "lat", "lat")
	checkErr(t, err, labels.ErrDims, "(time, lat, lat)")

	ds := must(climate(t).Transpose("lon", "lat"))(t)
	if d := must(ds.Variable("t2m"))(t).Dims(); !slices.Equal(d, []string{"lon", "lat", "time"}) {
		t.Errorf("dataset t2m dims %q, want (lon, lat, time)", d)
	}
	if d := must(ds.Variable("orog"))(t).Dims(); !slices.Equal(d, []string{"lon", "lat"}) {
		t.Errorf("dataset orog dims %q, want (lon, lat)", d)
	}
	if !ds.Attrs().Equal(climate(t).Attrs()) {
		t.Errorf("dataset transpose dropped attributes: %v", ds.Attrs())
	}
	_, err = climate(t).Transpose("level")
	checkErr(t, err, labels.ErrDimNotFound, `"level"`)
}

func TestSqueeze(t *testing.T) {
	a := must(t2m(t).Isel(map[string]any{"time": []int{1}, "lon": ndarray.Range{Start: 2, Stop: 3}}))(t)
	tests := []struct {
		name string
		dims []string
		want []string
	}{
		{"all", nil, []string{"lat"}},
		{"one", []string{"lon"}, []string{"time", "lat"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := must(a.Squeeze(tc.dims...))(t)
			if !slices.Equal(b.Dims(), tc.want) {
				t.Errorf("dims %q, want %q", b.Dims(), tc.want)
			}
			lon := must(b.Coord("lon"))(t)
			if len(lon.Dims()) != 0 || !sameFloats(varValues(t, lon), []float64{20}) {
				t.Errorf("lon coordinate %q %v, want a scalar 20", lon.Dims(), varValues(t, lon))
			}
			if got := values(t, b); !sameFloats(got, grid([]int{1}, all4, []int{2})) {
				t.Errorf("values %v", got)
			}
		})
	}
	_, err := a.Squeeze("lat")
	checkErr(t, err, labels.ErrDims, `"lat"`, "length 4")
	_, err = a.Squeeze("level")
	checkErr(t, err, labels.ErrDimNotFound, `"level"`)

	ds := must(climate(t).Isel(map[string]any{"lat": []int{2}}))(t)
	sq := must(ds.Squeeze())(t)
	if !slices.Equal(sq.Dims(), []string{"time", "lon"}) {
		t.Errorf("dataset squeeze dims %q", sq.Dims())
	}
	if got := dsValues(t, sq, "orog"); !sameFloats(got, orogAt([]int{2}, all5)) {
		t.Errorf("orog %v", got)
	}
	_, err = ds.Squeeze("lon")
	checkErr(t, err, labels.ErrDims, `"lon"`, "length 5")
}

func TestRenameDims(t *testing.T) {
	a := t2m(t)
	b := must(a.RenameDims(map[string]string{"lat": "y", "lon": "x"}))(t)
	if !slices.Equal(b.Dims(), []string{"time", "y", "x"}) {
		t.Errorf("dims %q", b.Dims())
	}
	if !slices.Equal(b.Coords(), []string{"time", "y", "x", "height"}) {
		t.Errorf("coords %q", b.Coords())
	}
	if y := must(b.Coord("y"))(t); !slices.Equal(y.Dims(), []string{"y"}) {
		t.Errorf("coordinate y has dims %q", y.Dims())
	}
	// The index follows: label selection on the new name works.
	c := must(b.Sel(map[string]any{"y": labels.Slice{Start: 30, Stop: 0}, "x": 40}))(t)
	if got := values(t, c); !sameFloats(got, grid(all3, []int{1, 2}, []int{4})) {
		t.Errorf("values %v", got)
	}
	if !b.Attrs().Equal(a.Attrs()) || b.Name() != "t2m" {
		t.Errorf("name %q attrs %v changed", b.Name(), b.Attrs())
	}
	if a.Dims()[1] != "lat" {
		t.Errorf("RenameDims changed the original: %q", a.Dims())
	}
	_, err := a.RenameDims(map[string]string{"level": "z"})
	checkErr(t, err, labels.ErrDimNotFound, `"level"`)
	_, err = a.RenameDims(map[string]string{"lat": "lon"})
	checkErr(t, err, labels.ErrDims, `"lon"`)
	if r := a.Rename("temp"); r.Name() != "temp" || a.Name() != "t2m" {
		t.Errorf("Rename: %q, original %q", r.Name(), a.Name())
	}
}

func TestDatasetRename(t *testing.T) {
	ds := climate(t)
	r := must(ds.Rename(map[string]string{"t2m": "tas", "lat": "latitude", "height": "z"}))(t)
	if !slices.Equal(r.DataVars(), []string{"tas", "orog"}) || !slices.Equal(r.Coords(), []string{"time", "latitude", "lon", "z"}) {
		t.Errorf("vars %q coords %q", r.DataVars(), r.Coords())
	}
	if !slices.Equal(r.Dims(), []string{"time", "latitude", "lon"}) {
		t.Errorf("dims %q", r.Dims())
	}
	if d := must(r.Variable("orog"))(t).Dims(); !slices.Equal(d, []string{"latitude", "lon"}) {
		t.Errorf("orog dims %q", d)
	}
	sel := must(r.Sel(map[string]any{"latitude": 60}))(t)
	if got := dsValues(t, sel, "tas"); !sameFloats(got, grid(all3, []int{0}, all5)) {
		t.Errorf("tas at latitude 60: %v", got)
	}
	if !r.Attrs().Equal(ds.Attrs()) {
		t.Errorf("attrs %v", r.Attrs())
	}
	if u, _ := must(r.Variable("tas"))(t).Attrs().String("units"); u != "K" {
		t.Errorf("tas lost its units")
	}
	tests := []struct {
		name   string
		names  map[string]string
		target error
		part   string
	}{
		{"unknown", map[string]string{"precip": "pr"}, labels.ErrVarNotFound, `"precip"`},
		{"onto another variable", map[string]string{"t2m": "orog"}, labels.ErrDims, `"orog"`},
		{"onto a coordinate", map[string]string{"t2m": "height"}, labels.ErrDims, `"height"`},
		{"dims onto each other", map[string]string{"lat": "lon"}, labels.ErrDims, `"lon"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ds.Rename(tc.names)
			checkErr(t, err, tc.target, tc.part)
		})
	}
}
