package labels_test

import (
	"slices"
	"testing"

	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/ndarray"
)

// field returns a DataArray over dims whose element at positions p is
// f(labels at p), with one indexed coordinate per dimension.
func field(t testing.TB, name string, dims []string, cs map[string][]float64, f func(l map[string]float64) float64) *labels.DataArray {
	t.Helper()
	shape := make([]int, len(dims))
	var coords labels.Vars
	for i, d := range dims {
		shape[i] = len(cs[d])
		coords = append(coords, coord(t, d, cs[d]...))
	}
	n := 1
	for _, s := range shape {
		n *= s
	}
	vals := make([]float64, n)
	for k := range vals {
		l := map[string]float64{}
		rem := k
		for i := len(dims) - 1; i >= 0; i-- {
			l[dims[i]] = cs[dims[i]][rem%shape[i]]
			rem /= shape[i]
		}
		vals[k] = f(l)
	}
	v := lazy(t, dims, vals, shape, nil, labels.Attrs{{Name: "units", Value: "K"}})
	return must(labels.NewDataArray(name, v, coords))(t)
}

// only returns the labels of l along dims.
func only(l map[string]float64, dims []string) map[string]float64 {
	m := map[string]float64{}
	for _, d := range dims {
		m[d] = l[d]
	}
	return m
}

func TestBinaryAlign(t *testing.T) {
	fa := func(l map[string]float64) float64 { return 1000*l["time"] + l["lat"] + 0.01*l["lon"] }
	fb := func(l map[string]float64) float64 { return 10 * (l["lat"] + 0.1*l["lon"]) }
	tests := []struct {
		name   string
		a, b   *labels.DataArray
		dims   []string
		coords map[string][]float64
	}{
		{
			name:   "same coordinates",
			a:      field(t, "a", []string{"lat", "lon"}, map[string][]float64{"lat": {60, 30, 0}, "lon": {0, 90}}, fa),
			b:      field(t, "b", []string{"lat", "lon"}, map[string][]float64{"lat": {60, 30, 0}, "lon": {0, 90}}, fb),
			dims:   []string{"lat", "lon"},
			coords: map[string][]float64{"lat": {60, 30, 0}, "lon": {0, 90}},
		},
		{
			name:   "inner join on decreasing latitude",
			a:      field(t, "a", []string{"lat", "lon"}, map[string][]float64{"lat": {60, 30, 0, -30}, "lon": {0, 90}}, fa),
			b:      field(t, "b", []string{"lat", "lon"}, map[string][]float64{"lat": {30, 0, -30, -60}, "lon": {0, 90}}, fb),
			dims:   []string{"lat", "lon"},
			coords: map[string][]float64{"lat": {30, 0, -30}, "lon": {0, 90}},
		},
		{
			name:   "inner join keeps a's order",
			a:      field(t, "a", []string{"lat", "lon"}, map[string][]float64{"lat": {60, 30, 0, -30}, "lon": {0, 90, 180}}, fa),
			b:      field(t, "b", []string{"lat", "lon"}, map[string][]float64{"lat": {-60, -30, 0, 30}, "lon": {180, 0}}, fb),
			dims:   []string{"lat", "lon"},
			coords: map[string][]float64{"lat": {30, 0, -30}, "lon": {0, 180}},
		},
		{
			name:   "broadcast: a's dims then b's others",
			a:      field(t, "a", []string{"time", "lat"}, map[string][]float64{"time": {0, 1}, "lat": {60, 30, 0}}, fa),
			b:      field(t, "b", []string{"lon", "lat"}, map[string][]float64{"lon": {0, 90, 180}, "lat": {30, 0, -30}}, fb),
			dims:   []string{"time", "lat", "lon"},
			coords: map[string][]float64{"time": {0, 1}, "lat": {30, 0}, "lon": {0, 90, 180}},
		},
		{
			name:   "transposed operands",
			a:      field(t, "a", []string{"lat", "lon"}, map[string][]float64{"lat": {60, 30}, "lon": {0, 90, 180}}, fa),
			b:      field(t, "b", []string{"lon", "lat"}, map[string][]float64{"lon": {0, 90, 180}, "lat": {60, 30}}, fb),
			dims:   []string{"lat", "lon"},
			coords: map[string][]float64{"lat": {60, 30}, "lon": {0, 90, 180}},
		},
		{
			name:   "disjoint dims: outer product",
			a:      field(t, "a", []string{"time"}, map[string][]float64{"time": {0, 1}}, fa),
			b:      field(t, "b", []string{"lat"}, map[string][]float64{"lat": {30, 0, -30}}, fb),
			dims:   []string{"time", "lat"},
			coords: map[string][]float64{"time": {0, 1}, "lat": {30, 0, -30}},
		},
	}
	ops := []struct {
		op ndarray.BinaryOp
		f  func(x, y float64) float64
	}{
		{ndarray.AddOp, func(x, y float64) float64 { return x + y }},
		{ndarray.SubOp, func(x, y float64) float64 { return x - y }},
		{ndarray.MulOp, func(x, y float64) float64 { return x * y }},
	}
	for _, tc := range tests {
		for _, op := range ops {
			t.Run(tc.name+"/"+op.op.String(), func(t *testing.T) {
				r := must(labels.Binary(op.op, tc.a, tc.b))(t)
				if !slices.Equal(r.Dims(), tc.dims) {
					t.Fatalf("dims %q, want %q", r.Dims(), tc.dims)
				}
				if r.Name() != "a" {
					t.Errorf("name %q, want a's", r.Name())
				}
				for _, d := range tc.dims {
					if got := coordValues(t, r, d); !sameFloats(got, tc.coords[d]) {
						t.Errorf("coordinate %q = %v, want %v", d, got, tc.coords[d])
					}
					if _, ok := r.Index(d); !ok {
						t.Errorf("no index on %q", d)
					}
				}
				want := field(t, "want", tc.dims, tc.coords, func(l map[string]float64) float64 { return op.f(fa(only(l, tc.a.Dims())), fb(only(l, tc.b.Dims()))) })
				if got, w := values(t, r), values(t, want); !sameFloats(got, w) {
					t.Errorf("values %v, want %v", got, w)
				}
				if len(r.Attrs()) != 0 {
					t.Errorf("arithmetic kept attributes %v", r.Attrs())
				}
			})
		}
	}
}

func TestAlignErrors(t *testing.T) {
	f := func(map[string]float64) float64 { return 1 }
	noLat := must(labels.NewDataArray("n", vec(t, []string{"lat"}, []float64{1, 2, 3, 4}, nil), nil))(t)
	noLat3 := must(labels.NewDataArray("m", vec(t, []string{"lat"}, []float64{1, 2, 3}, nil), nil))(t)
	intLat := must(labels.NewDataArray("i", vec(t, []string{"lat"}, []int16{1, 2, 3}, nil), labels.Vars{coord(t, "lat", int32(60), 30, 0)}))(t)
	north := field(t, "north", []string{"lat"}, map[string][]float64{"lat": {90, 60, 30}}, f)
	south := field(t, "south", []string{"lat"}, map[string][]float64{"lat": {-30, -60}}, f)
	tests := []struct {
		name  string
		a, b  *labels.DataArray
		parts []string
	}{
		{"no common label", north, south, []string{`dimension "lat"`, "no common labels", "90 ... 30", "-30 ... -60", `"north"`, `"south"`}},
		{"sizes differ without index", noLat, noLat3, []string{`dimension "lat"`, "length 4 and 3"}},
		{"sizes differ, index on one side", north, noLat, []string{`dimension "lat"`, "length 3 and 4"}},
		{"label kinds differ", north, intLat, []string{`dimension "lat"`, "float", "int"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := labels.Binary(ndarray.AddOp, tc.a, tc.b)
			checkErr(t, err, labels.ErrAlign, tc.parts...)
			_, err = labels.Compare(ndarray.LessOp, tc.a, tc.b)
			checkErr(t, err, labels.ErrAlign, `dimension "lat"`)
		})
	}
	// Equal sizes align by position when one side has no index.
	r := must(labels.Binary(ndarray.AddOp, noLat3, north))(t)
	if got := values(t, r); !sameFloats(got, []float64{2, 3, 4}) {
		t.Errorf("positional alignment: %v", got)
	}
	if got := coordValues(t, r, "lat"); !sameFloats(got, []float64{90, 60, 30}) {
		t.Errorf("coordinate from the indexed side: %v", got)
	}
}

func TestBinaryScalarUnaryCompare(t *testing.T) {
	a := field(t, "a", []string{"lat"}, map[string][]float64{"lat": {60, 30, 0, -30}}, func(l map[string]float64) float64 { return l["lat"] })
	tests := []struct {
		name string
		f    func() (*labels.DataArray, error)
		want []float64
	}{
		{"scalar mul", func() (*labels.DataArray, error) { return a.BinaryScalar(ndarray.MulOp, 2) }, []float64{120, 60, 0, -60}},
		{"scalar sub", func() (*labels.DataArray, error) { return a.BinaryScalar(ndarray.SubOp, 30) }, []float64{30, 0, -30, -60}},
		{"abs", func() (*labels.DataArray, error) { return a.Unary(ndarray.AbsOp) }, []float64{60, 30, 0, 30}},
		{"compare", func() (*labels.DataArray, error) {
			zero := field(t, "zero", []string{"lat"}, map[string][]float64{"lat": {30, 0}}, func(map[string]float64) float64 { return 10 })
			return labels.Compare(ndarray.GreaterOp, a, zero)
		}, []float64{1, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := must(tc.f())(t)
			if got := values(t, r); !sameFloats(got, tc.want) {
				t.Errorf("values %v, want %v", got, tc.want)
			}
			if len(r.Attrs()) != 0 {
				t.Errorf("kept attributes %v", r.Attrs())
			}
			if _, ok := r.Index("lat"); !ok || r.Name() != "a" {
				t.Errorf("lost the lat index or the name %q", r.Name())
			}
		})
	}
}

func TestBinaryDatasets(t *testing.T) {
	ds := climate(t)
	sub := must(ds.Sel(map[string]any{"lat": labels.Slice{Start: 0, Stop: 90}}))(t)
	only := must(labels.NewDataset(labels.Vars{{Name: "orog", Var: must(sub.Variable("orog"))(t)}}, nil, nil))(t)
	r := must(labels.BinaryDatasets(ndarray.SubOp, ds, sub))(t)
	if !slices.Equal(r.DataVars(), []string{"t2m", "orog"}) || r.Sizes()["lat"] != 3 {
		t.Errorf("vars %q sizes %v", r.DataVars(), r.Sizes())
	}
	if got := dsValues(t, r, "orog"); !sameFloats(got, make([]float64, 15)) {
		t.Errorf("orog - orog = %v", got)
	}
	if len(r.Attrs()) != 0 {
		t.Errorf("global attributes kept: %v", r.Attrs())
	}
	// Without an index on lat, the 3 rows of only cannot meet ds's 4.
	_, err := labels.BinaryDatasets(ndarray.AddOp, ds, only)
	checkErr(t, err, labels.ErrAlign, `"lat"`)
	other := must(labels.NewDataset(labels.Vars{{Name: "pr", Var: vec(t, []string{"x"}, []float64{1}, nil)}}, nil, nil))(t)
	_, err = labels.BinaryDatasets(ndarray.AddOp, ds, other)
	checkErr(t, err, labels.ErrVarNotFound, `"pr"`, `"t2m"`)
	s := must(ds.BinaryScalar(ndarray.AddOp, 1))(t)
	if got := dsValues(t, s, "orog"); got[1] != 101 || len(s.Attrs()) != 0 {
		t.Errorf("orog + 1 = %v, attrs %v", got, s.Attrs())
	}
}
