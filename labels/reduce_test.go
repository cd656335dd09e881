package labels_test

import (
	"math"
	"slices"
	"testing"

	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/ndarray"
)

// refReduce reduces the values of t2m (see at) over dims with op, by
// the definitions: NaN skipped unless o.KeepNaN, NaN where fewer than
// o.MinCount values are valid, variance with divisor n - o.DDOF. No
// dims means all. The result is in row-major order over the dims kept.
func refReduce(op ndarray.Op, dims []string, o labels.ReduceOptions) []float64 {
	names := []string{"time", "lat", "lon"}
	if len(dims) == 0 {
		dims = names
	}
	sizes := []int{3, 4, 5}
	groups := map[int][]float64{}
	var keys []int
	for ti := range 3 {
		for la := range 4 {
			for lo := range 5 {
				p := []int{ti, la, lo}
				key := 0
				for i, d := range names {
					if !slices.Contains(dims, d) {
						key = key*sizes[i] + p[i]
					}
				}
				if _, ok := groups[key]; !ok {
					keys = append(keys, key)
				}
				groups[key] = append(groups[key], at(ti, la, lo))
			}
		}
	}
	slices.Sort(keys)
	out := make([]float64, len(keys))
	for i, k := range keys {
		out[i] = refFold(op, groups[k], o)
	}
	return out
}

func refFold(op ndarray.Op, xs []float64, o labels.ReduceOptions) float64 {
	var valid []float64
	for _, x := range xs {
		if !math.IsNaN(x) {
			valid = append(valid, x)
		}
	}
	if op == ndarray.Count {
		return float64(len(valid))
	}
	if o.KeepNaN && len(valid) < len(xs) || len(valid) < o.MinCount {
		return nan
	}
	n := float64(len(valid))
	sum := 0.0
	for _, x := range valid {
		sum += x
	}
	switch op {
	case ndarray.Sum:
		return sum
	case ndarray.Mean:
		return sum / n
	case ndarray.Min, ndarray.Max:
		if len(valid) == 0 {
			return nan
		}
		if op == ndarray.Min {
			return slices.Min(valid)
		}
		return slices.Max(valid)
	case ndarray.Var, ndarray.Std:
		if n-float64(o.DDOF) <= 0 {
			return nan
		}
		m, ss := sum/n, 0.0
		for _, x := range valid {
			ss += (x - m) * (x - m)
		}
		v := ss / (n - float64(o.DDOF))
		if op == ndarray.Std {
			return math.Sqrt(v)
		}
		return v
	}
	panic("refFold: " + op.String())
}

func TestDataArrayReduce(t *testing.T) {
	a := t2m(t)
	tests := []struct {
		name   string
		op     ndarray.Op
		dims   []string
		o      labels.ReduceOptions
		want   []string // dims of the result
		coords []string
	}{
		{"mean over time", ndarray.Mean, []string{"time"}, labels.ReduceOptions{}, []string{"lat", "lon"}, []string{"lat", "lon", "height"}},
		{"mean over time keeping NaN", ndarray.Mean, []string{"time"}, labels.ReduceOptions{KeepNaN: true}, []string{"lat", "lon"}, []string{"lat", "lon", "height"}},
		{"sum over lat", ndarray.Sum, []string{"lat"}, labels.ReduceOptions{}, []string{"time", "lon"}, []string{"time", "lon", "height"}},
		{"sum with min count", ndarray.Sum, []string{"time"}, labels.ReduceOptions{MinCount: 3}, []string{"lat", "lon"}, []string{"lat", "lon", "height"}},
		{"sum over lat and lon", ndarray.Sum, []string{"lat", "lon"}, labels.ReduceOptions{}, []string{"time"}, []string{"time", "height"}},
		{"dims in any order", ndarray.Max, []string{"lon", "time"}, labels.ReduceOptions{}, []string{"lat"}, []string{"lat", "height"}},
		{"min over lon", ndarray.Min, []string{"lon"}, labels.ReduceOptions{}, []string{"time", "lat"}, []string{"time", "lat", "height"}},
		{"min over lon keeping NaN", ndarray.Min, []string{"lon"}, labels.ReduceOptions{KeepNaN: true}, []string{"time", "lat"}, []string{"time", "lat", "height"}},
		{"var over time", ndarray.Var, []string{"time"}, labels.ReduceOptions{}, []string{"lat", "lon"}, []string{"lat", "lon", "height"}},
		{"std over time, ddof 1", ndarray.Std, []string{"time"}, labels.ReduceOptions{DDOF: 1}, []string{"lat", "lon"}, []string{"lat", "lon", "height"}},
		{"var over lon, ddof 1, NaN kept", ndarray.Var, []string{"lon"}, labels.ReduceOptions{DDOF: 1, KeepNaN: true}, []string{"time", "lat"}, []string{"time", "lat", "height"}},
		{"count over time and lat", ndarray.Count, []string{"time", "lat"}, labels.ReduceOptions{}, []string{"lon"}, []string{"lon", "height"}},
		{"mean over everything", ndarray.Mean, nil, labels.ReduceOptions{}, []string{}, []string{"height"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := must(a.Reduce(tc.op, tc.dims, tc.o))(t)
			if !slices.Equal(r.Dims(), tc.want) || !slices.Equal(r.Coords(), tc.coords) {
				t.Fatalf("dims %q coords %q, want %q %q", r.Dims(), r.Coords(), tc.want, tc.coords)
			}
			want := refReduce(tc.op, tc.dims, tc.o)
			// Sums of at most 60 integers below 300 are exact; means
			// and variances are within a few ulps of the definition.
			if got := values(t, r); !closeFloats(got, want, 1e-13) {
				t.Errorf("values %v, want %v", got, want)
			}
			if len(r.Attrs()) != 0 {
				t.Errorf("reduction kept attributes %v", r.Attrs())
			}
			if tc.op == ndarray.Count && r.DType() != ndarray.Int64 {
				t.Errorf("count dtype %s, want int64", r.DType())
			}
		})
	}
}

// TestReduceShortcuts checks the named reductions against Reduce.
func TestReduceShortcuts(t *testing.T) {
	a := t2m(t)
	shortcuts := map[ndarray.Op]func(...string) (*labels.DataArray, error){
		ndarray.Mean: a.Mean, ndarray.Sum: a.Sum, ndarray.Min: a.Min, ndarray.Max: a.Max,
		ndarray.Std: a.Std, ndarray.Var: a.Var, ndarray.Count: a.Count,
	}
	for op, f := range shortcuts {
		t.Run(op.String(), func(t *testing.T) {
			r := must(f("time", "lon"))(t)
			want := refReduce(op, []string{"time", "lon"}, labels.ReduceOptions{})
			if got := values(t, r); !closeFloats(got, want, 1e-13) {
				t.Errorf("values %v, want %v", got, want)
			}
		})
	}
}

func TestReduceErrors(t *testing.T) {
	a := t2m(t)
	_, err := a.Mean("level")
	checkErr(t, err, labels.ErrDimNotFound, `"level"`, "(time, lat, lon)", `"t2m"`)
	_, err = climate(t).Mean("time", "level")
	checkErr(t, err, labels.ErrDimNotFound, `"level"`)
	_, err = a.Reduce(ndarray.Sum, []string{"time"}, labels.ReduceOptions{MinCount: -1})
	if err == nil {
		t.Error("negative MinCount accepted")
	}
}

func TestReduceKeepAttrs(t *testing.T) {
	a := t2m(t)
	r := must(a.Reduce(ndarray.Mean, []string{"time"}, labels.ReduceOptions{KeepAttrs: true}))(t)
	if !r.Attrs().Equal(a.Attrs()) {
		t.Errorf("KeepAttrs: %v, want %v", r.Attrs(), a.Attrs())
	}
	ds := climate(t)
	m := must(ds.Reduce(ndarray.Mean, []string{"time"}, labels.ReduceOptions{KeepAttrs: true}))(t)
	if !m.Attrs().Equal(ds.Attrs()) {
		t.Errorf("dataset KeepAttrs: %v, want %v", m.Attrs(), ds.Attrs())
	}
	if u, _ := must(m.Variable("t2m"))(t).Attrs().String("units"); u != "K" {
		t.Errorf("dataset KeepAttrs dropped t2m's units")
	}
}

func TestDatasetReduce(t *testing.T) {
	ds := climate(t)
	orog := orogAt(all4, all5)
	tests := []struct {
		name     string
		op       ndarray.Op
		dims     []string
		dsDims   []string
		coords   []string
		t2mDims  []string
		orogDims []string
		orog     []float64
		orogKeep bool // orog is returned unchanged, attributes included
	}{
		{"mean over time keeps orog", ndarray.Mean, []string{"time"}, []string{"lat", "lon"}, []string{"lat", "lon", "height"},
			[]string{"lat", "lon"}, []string{"lat", "lon"}, orog, true},
		{"max over lat reduces both", ndarray.Max, []string{"lat"}, []string{"time", "lon"}, []string{"time", "lon", "height"},
			[]string{"time", "lon"}, []string{"lon"}, []float64{1500, 1600, 1700, 1800, 1900}, false},
		{"sum over time and lon: orog over lon", ndarray.Sum, []string{"time", "lon"}, []string{"lat"}, []string{"lat", "height"},
			[]string{"lat"}, []string{"lat"}, []float64{1000, 3500, 6000, 8500}, false},
		{"mean over everything", ndarray.Mean, nil, []string{}, []string{"height"},
			[]string{}, []string{}, []float64{950}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := must(ds.Reduce(tc.op, tc.dims, labels.ReduceOptions{}))(t)
			if !slices.Equal(r.Dims(), tc.dsDims) || !slices.Equal(r.Coords(), tc.coords) || !slices.Equal(r.DataVars(), []string{"t2m", "orog"}) {
				t.Fatalf("dims %q coords %q vars %q, want %q %q [t2m orog]", r.Dims(), r.Coords(), r.DataVars(), tc.dsDims, tc.coords)
			}
			tv, ov := must(r.Variable("t2m"))(t), must(r.Variable("orog"))(t)
			if !slices.Equal(tv.Dims(), tc.t2mDims) || !slices.Equal(ov.Dims(), tc.orogDims) {
				t.Errorf("t2m dims %q orog dims %q, want %q %q", tv.Dims(), ov.Dims(), tc.t2mDims, tc.orogDims)
			}
			if got, want := varValues(t, tv), refReduce(tc.op, tc.dims, labels.ReduceOptions{}); !closeFloats(got, want, 1e-13) {
				t.Errorf("t2m %v, want %v", got, want)
			}
			if got := varValues(t, ov); !closeFloats(got, tc.orog, 1e-13) {
				t.Errorf("orog %v, want %v", got, tc.orog)
			}
			if kept := len(ov.Attrs()) > 0; kept != tc.orogKeep {
				t.Errorf("orog attributes %v, kept %v, want %v", ov.Attrs(), kept, tc.orogKeep)
			}
			if len(tv.Attrs()) != 0 || len(r.Attrs()) != 0 {
				t.Errorf("attributes kept: t2m %v, global %v", tv.Attrs(), r.Attrs())
			}
			for _, d := range tc.dims {
				if _, ok := r.Index(d); ok {
					t.Errorf("index of reduced %q kept", d)
				}
			}
			h := must(r.Variable("height"))(t)
			if got := varValues(t, h); !sameFloats(got, []float64{2}) {
				t.Errorf("scalar coordinate height = %v", got)
			}
		})
	}
}
