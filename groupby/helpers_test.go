package groupby_test

import (
	"math"
	"testing"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/ndarray"
)

// monthly returns the SEASONAL.md FM-like fixture: n monthly steps from
// (y0, m0), each stamped at the middle of its month, with month bounds,
// in days since 2000-01-01 of cal; values[i] at every one of npts points
// plus the point's index.
func monthly(t testing.TB, cal string, y0, m0, n, npts int, value func(i int) float64, chunks int) *labels.Dataset {
	t.Helper()
	const units = "days since 2000-01-01"
	stamps, bnds, _ := orcMonthly(t, cal, units, y0, m0, n)
	vals := make([]float64, n*npts)
	for i := range n {
		for p := range npts {
			vals[i*npts+p] = value(i) + float64(p) // NaN stays NaN
		}
	}
	tv, err := labels.FromSlice([]string{"time"}, stamps, labels.Attrs{{Name: "bounds", Value: "time_bnds"}})
	if err != nil {
		t.Fatal(err)
	}
	tv = tv.WithEncoding(labels.Encoding{Units: units, Calendar: cal})
	bv, _ := labels.FromSlice([]string{"time", "bnds"}, bnds, nil, n, 2)
	bv = bv.WithEncoding(labels.Encoding{Units: units, Calendar: cal})
	arr, _ := ndarray.FromSlice(vals, n, npts)
	data, err := chunk.FromArray(arr, chunk.Regular([]int{n, npts}, []int{chunks, npts}))
	if err != nil {
		t.Fatal(err)
	}
	xv, err := labels.NewVariable([]string{"time", "x"}, data, labels.Attrs{{Name: "units", Value: "K"}})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := labels.NewDataset(labels.Vars{{Name: "tas", Var: xv}, {Name: "time_bnds", Var: bv}}, labels.Vars{{Name: "time", Var: tv}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// values computes a variable of ds as float64s.
func values(t testing.TB, ds *labels.Dataset, name string) []float64 {
	t.Helper()
	v, err := ds.Variable(name)
	if err != nil {
		t.Fatal(err)
	}
	return orcValues(t, v)
}

// sixHourlyTime is a time coordinate of n 6-hourly steps from
// 2000-01-01 00:00, standard calendar.
func sixHourlyTime(n int) *labels.Variable {
	stamps := make([]float64, n)
	for i := range stamps {
		stamps[i] = float64(6 * i)
	}
	tv, _ := labels.FromSlice([]string{"time"}, stamps, nil)
	return tv.WithEncoding(labels.Encoding{Units: "hours since 2000-01-01", Calendar: "standard"})
}

// column returns every npts-th value from offset p.
func column(v []float64, npts, p int) []float64 {
	var out []float64
	for i := p; i < len(v); i += npts {
		out = append(out, v[i])
	}
	return out
}

func close(a, b, rtol float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= rtol*math.Max(math.Abs(a), math.Abs(b))
}

func checkClose(t *testing.T, what string, got, want []float64, rtol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d values %v, want %d %v", what, len(got), got, len(want), want)
		return
	}
	for i := range got {
		if !close(got[i], want[i], rtol) {
			t.Errorf("%s = %v, want %v", what, got, want)
			return
		}
	}
}
