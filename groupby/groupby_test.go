package groupby_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/graph"
	"github.com/tesseradata/tessera/groupby"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/ndarray"
)

// countingTas returns tas of a monthly dataset (one block a month)
// whose loader counts its reads and records the months read.
func countingTas(t *testing.T, n int, reads *atomic.Int64, months *[]int) *labels.DataArray {
	t.Helper()
	ds := monthly(t, "standard", 2000, 1, n, 3, fm, 1)
	tas, _ := ds.Array("tas")
	full, _ := tas.Values(context.Background(), chunk.Options{})
	var mu = make(chan struct{}, 1)
	src, err := chunk.FromSource(chunk.Source{
		Name: "read-tas", DType: ndarray.Float64, Shape: []int{n, 3},
		Chunks: chunk.Regular([]int{n, 3}, []int{1, 3}),
		Load: func(_ *graph.Exec, start, shape []int) (*ndarray.Array, error) {
			reads.Add(1)
			mu <- struct{}{}
			*months = append(*months, start[0]%12+1)
			<-mu
			return full.Slice(ndarray.Range{Start: start[0], Stop: start[0] + shape[0], Step: 1}, ndarray.Whole)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := labels.NewVariable([]string{"time", "x"}, src, nil)
	tv, _ := ds.Variable("time")
	a, err := labels.NewDataArray("tas", v, labels.Vars{{Name: "time", Var: tv}})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestXrayRangePrunesReads is the xray announcement's analysis,
// abs(s.Sel(season=JJA) - s.Sel(season=DJF)) of the seasonal
// climatology: no month of spring or autumn is read.
func TestXrayRangePrunesReads(t *testing.T) {
	var reads atomic.Int64
	var months []int
	tas := countingTas(t, 36, &reads, &months)
	g, err := groupby.Array(tas, groupby.By("time.season"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := g.Mean()
	if err != nil {
		t.Fatal(err)
	}
	jja, err := s.Sel(map[string]any{"season": "JJA"})
	if err != nil {
		t.Fatal(err)
	}
	djf, err := s.Sel(map[string]any{"season": "DJF"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := labels.Binary(ndarray.SubOp, jja, djf)
	if err != nil {
		t.Fatal(err)
	}
	r, err := d.Unary(ndarray.AbsOp)
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Values(context.Background(), chunk.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// FM: JJA 19, DJF 17 at every point.
	checkClose(t, "|JJA - DJF|", ndarray.Float64s(got), []float64{2, 2, 2}, 1e-12)
	for _, m := range months {
		if m >= 3 && m <= 5 || m >= 9 && m <= 11 {
			t.Errorf("read month %d, a spring or autumn month", m)
		}
	}
	if n := reads.Load(); n != 18 {
		t.Errorf("read %d monthly blocks, want 18 (the JJA and DJF months of three years)", n)
	}
}

// randomDataset is 6-hourly data over two years with NaNs, float64.
func randomDataset(t testing.TB, blocks int) *labels.Dataset {
	r := rand.New(rand.NewPCG(3, 4))
	const n, npts = 4 * 731, 5
	vals := make([]float64, n*npts)
	for i := range vals {
		vals[i] = 280 + 20*r.NormFloat64()
		if r.IntN(20) == 0 {
			vals[i] = math.NaN()
		}
	}
	arr, _ := ndarray.FromSlice(vals, n, npts)
	step := (n + blocks - 1) / blocks
	data, _ := chunk.FromArray(arr, chunk.Regular([]int{n, npts}, []int{step, npts}))
	v, _ := labels.NewVariable([]string{"time", "x"}, data, nil)
	out, err := labels.NewDataset(labels.Vars{{Name: "tas", Var: v}}, labels.Vars{{Name: "time", Var: sixHourlyTime(n)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestChunkingIndependence is SEASONAL.md E14: results do not depend on
// how time is chunked (1, 7, 24 and 2924 blocks), for every reduction
// and for resampled seasons; float32 results are bit-identical and
// float64 ones agree to rounding.
func TestChunkingIndependence(t *testing.T) {
	ops := []ndarray.Op{ndarray.Sum, ndarray.Mean, ndarray.Min, ndarray.Max, ndarray.Count, ndarray.Var, ndarray.Std, ndarray.First, ndarray.Last}
	keys := []groupby.Key{groupby.By("time.season"), groupby.By("time.month"), groupby.Resample("time", "QS-DEC"), groupby.By("time.dayofyear")}
	var ref [][]float64
	for bi, blocks := range []int{1, 7, 24, 4 * 731} {
		ds := randomDataset(t, blocks)
		k := 0
		for _, key := range keys {
			g, err := groupby.Dataset(ds, key)
			if err != nil {
				t.Fatal(err)
			}
			for _, op := range ops {
				r, err := g.Reduce(op, labels.ReduceOptions{})
				if err != nil {
					t.Fatal(err)
				}
				got := values(t, r, "tas")
				if bi == 0 {
					ref = append(ref, got)
				} else {
					for i := range got {
						if !close(got[i], ref[k][i], 1e-13) || float32(got[i]) != float32(ref[k][i]) && !math.IsNaN(got[i]) {
							t.Fatalf("%s by %s with %d blocks: value %d = %v, with 1 block %v", op, key, blocks, i, got[i], ref[k][i])
						}
					}
				}
				k++
			}
		}
	}
}

// TestStrategies forces each strategy and gets the automatic one's
// values; blockwise is refused when groups span blocks.
func TestStrategies(t *testing.T) {
	ds := monthly(t, "noleap", 2000, 1, 48, 3, fm, 12)
	var ref []float64
	for _, s := range []chunk.Strategy{chunk.AutoStrategy, chunk.Cohorts, chunk.MapReduce} {
		g, err := groupby.Dataset(ds, groupby.By("time.month"), groupby.Options{Strategy: s})
		if err != nil {
			t.Fatal(err)
		}
		m, err := g.Mean()
		if err != nil {
			t.Fatal(err)
		}
		got := values(t, m, "tas")
		if ref == nil {
			ref = got
			checkClose(t, "monthly climatology, point 0", column(got, 3, 0), []float64{19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30}, 1e-12)
		}
		checkClose(t, "strategy "+s.String(), got, ref, 1e-14)
	}
	g, _ := groupby.Dataset(ds, groupby.By("time.month"), groupby.Options{Strategy: chunk.Blockwise})
	if _, err := g.Mean(); err == nil || !strings.Contains(err.Error(), "spans") {
		t.Errorf("blockwise over groups spanning blocks: err %v", err)
	}
	// Per-year seasons of yearly blocks... are within one block except
	// DJF: blockwise works for months of single years.
	g, _ = groupby.Dataset(ds, groupby.Resample("time", "MS"), groupby.Options{Strategy: chunk.Blockwise})
	m, err := g.Mean()
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "blockwise monthly resample", column(values(t, m, "tas"), 3, 0)[:3], []float64{1, 2, 3}, 0)
}

// TestAnomalies checks x.GroupBy("time.season").Sub(clim) against the
// definition, a climatology holding only some seasons (the others give
// NaN), and the task count: one task per block of x.
func TestAnomalies(t *testing.T) {
	ds := monthly(t, "360_day", 2000, 1, 36, 2, fm, 6)
	tas, _ := ds.Array("tas")
	g, err := groupby.Array(tas, groupby.By("time.season"))
	if err != nil {
		t.Fatal(err)
	}
	clim, err := g.Mean()
	if err != nil {
		t.Fatal(err)
	}
	anom, err := g.Sub(clim)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(anom.Dims(), []string{"time", "x"}) {
		t.Errorf("anomaly dims %v", anom.Dims())
	}
	got, _ := anom.Values(context.Background(), chunk.Options{})
	climOf := map[int]float64{12: 17, 1: 17, 2: 17, 3: 16, 4: 16, 5: 16, 6: 19, 7: 19, 8: 19, 9: 22, 10: 22, 11: 22}
	var want []float64
	for i := range 36 {
		want = append(want, fm(i)-climOf[i%12+1], fm(i)+1-(climOf[i%12+1]+1))
	}
	checkClose(t, "anomalies", ndarray.Float64s(got), want, 1e-12)

	// Only summer and winter in the climatology, in another order.
	two, _ := clim.Sel(map[string]any{"season": []any{"JJA", "DJF"}})
	anom2, err := g.Sub(two)
	if err != nil {
		t.Fatal(err)
	}
	got2, _ := anom2.Values(context.Background(), chunk.Options{})
	for i, v := range ndarray.Float64s(got2) {
		m := (i/2)%12 + 1
		spring := m >= 3 && m <= 5 || m >= 9 && m <= 11
		if spring != math.IsNaN(v) || !spring && v != want[i] {
			t.Fatalf("anomaly %d (month %d) against JJA and DJF only = %v, want %v", i, m, v, want[i])
		}
	}

	// The anomaly variance of the whole dataset, and its plan: one task
	// per block of x for the anomalies.
	var tasks int
	o := chunk.Options{OnPlan: func(p *graph.Plan) { tasks = len(p.Tasks) }}
	v, _ := anom.Reduce(ndarray.Var, []string{"time"}, labels.ReduceOptions{})
	if _, err := v.Values(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if blocks := 6; tasks > 8*blocks {
		t.Errorf("anomaly variance plan has %d tasks for %d blocks", tasks, blocks)
	}
	t.Logf("anomaly variance: %d tasks for 6 blocks", tasks)
}

func TestDatasetAnomaliesAndKeptVariables(t *testing.T) {
	ds := monthly(t, "standard", 2000, 1, 24, 2, fm, 4)
	orog, _ := labels.FromSlice([]string{"x"}, []float64{100, 200}, labels.Attrs{{Name: "units", Value: "m"}})
	tas, _ := ds.Array("tas")
	bnds, _ := ds.Variable("time_bnds")
	tv, _ := ds.Variable("time")
	ds2, err := labels.NewDataset(labels.Vars{{Name: "tas", Var: tas.Variable()}, {Name: "orog", Var: orog}, {Name: "time_bnds", Var: bnds}}, labels.Vars{{Name: "time", Var: tv}}, labels.Attrs{{Name: "title", Value: "FM"}})
	if err != nil {
		t.Fatal(err)
	}
	g, err := groupby.Dataset(ds2, groupby.By("time.season"))
	if err != nil {
		t.Fatal(err)
	}
	clim, err := g.Mean()
	if err != nil {
		t.Fatal(err)
	}
	if got := clim.DataVars(); !slices.Equal(got, []string{"tas", "orog"}) {
		t.Errorf("climatology variables %v, want [tas orog] (time_bnds dropped, orog kept)", got)
	}
	checkClose(t, "orog", values(t, clim, "orog"), []float64{100, 200}, 0)
	if title, _ := clim.Attrs().String("title"); title != "FM" {
		t.Errorf("global attributes not kept: %v", clim.Attrs())
	}
	if u, _ := mustVar(t, clim, "tas").Attrs().String("units"); u != "K" {
		t.Errorf("variable attributes not kept")
	}
	anom, err := g.Sub(clim)
	if err != nil {
		t.Fatal(err)
	}
	a := values(t, anom, "tas")
	if a[0] != 1-(1+2+12+13+14+24)/6.0 {
		t.Errorf("first anomaly %v", a[0])
	}
	checkClose(t, "orog after anomalies", values(t, anom, "orog"), []float64{100, 200}, 0)
}

// mustVar is ds's variable name.
func mustVar(t *testing.T, ds *labels.Dataset, name string) *labels.Variable {
	t.Helper()
	v, err := ds.Variable(name)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestWeightedMean is SEASONAL.md W2 and W3: means weighted by days per
// month, renormalised over valid values.
func TestWeightedMean(t *testing.T) {
	ds := monthly(t, "standard", 2000, 1, 36, 1, fm, 5)
	b := values(t, ds, "time_bnds")
	w := make([]float64, 36)
	for i := range w {
		w[i] = b[2*i+1] - b[2*i]
	}
	wv, _ := labels.FromSlice([]string{"time"}, w, nil)
	g, _ := groupby.Dataset(ds, groupby.By("time.season"))
	m, err := g.WeightedMean(wv)
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "weighted DJF climatology", values(t, m, "tas")[:1], []float64{4619.0 / 271}, 1e-12)
	r, _ := groupby.Dataset(ds, groupby.Resample("time", "QS-DEC"))
	rm, err := r.WeightedMean(wv)
	if err != nil {
		t.Fatal(err)
	}
	got := values(t, rm, "tas")
	checkClose(t, "weighted DJF 2000 and 2001", []float64{got[0], got[4]}, []float64{89.0 / 60, (12*31 + 13*31 + 14*28) / 90.0}, 1e-12)

	// FX point A: DJF climatology with Feb 2000 missing: 1007.881579.
	fx := monthly(t, "standard", 1999, 12, 24, 1, func(i int) float64 {
		if i == 2 {
			return math.NaN()
		}
		return 1000 + float64(i)
	}, 24)
	b = values(t, fx, "time_bnds")
	for i := range w[:24] {
		w[i] = b[2*i+1] - b[2*i]
	}
	wv, _ = labels.FromSlice([]string{"time"}, w[:24], nil)
	g, _ = groupby.Dataset(fx, groupby.By("time.season"))
	m, err = g.WeightedMean(wv)
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "FX point A weighted DJF", values(t, m, "tas")[:1], []float64{1007.881579}, 1e-9)
	plain, _ := g.Mean()
	checkClose(t, "FX point A unweighted DJF", values(t, plain, "tas")[:1], []float64{1008}, 1e-12)
}

// TestResampleEdgeCases covers SEASONAL.md E4 (empty seasons are not
// groups), E5 (split on season-year), KeepEmpty and the stamp modes.
func TestResampleEdgeCases(t *testing.T) {
	ds := monthly(t, "standard", 2000, 1, 36, 1, fm, 36)
	djf, err := ds.Isel(map[string]any{"time": []int{0, 1, 11, 12, 13, 23, 24, 25, 35}})
	if err != nil {
		t.Fatal(err)
	}
	g, _ := groupby.Dataset(djf, groupby.Resample("time", "QS-DEC"))
	m, _ := g.Mean()
	checkClose(t, "E4 DJF only", values(t, m, "tas"), []float64{1.5, 13, 25, 36}, 1e-12)

	jan, _ := ds.Isel(map[string]any{"time": []int{0, 12, 24}})
	g, _ = groupby.Dataset(jan, groupby.Resample("time", "QS-DEC"))
	m, _ = g.Mean()
	checkClose(t, "E5 Januaries", values(t, m, "tas"), []float64{1, 13, 25}, 0)

	g, _ = groupby.Dataset(jan, groupby.Resample("time", "QS-DEC", groupby.ResampleOptions{KeepEmpty: true, Stamp: groupby.StampStart}))
	m, _ = g.Mean()
	nan := math.NaN()
	checkClose(t, "E5 with xarray's empty quarters", values(t, m, "tas"), []float64{1, nan, nan, nan, 13, nan, nan, nan, 25}, 0)
	checkClose(t, "xarray labels (quarter starts, days since 2000-01-01)", values(t, m, "time")[:2], []float64{-31, 60}, 0)

	for _, c := range []struct {
		s    groupby.Stamp
		want float64
	}{{groupby.StampFirst, 15.5}, {groupby.StampLast, 45.5}, {groupby.StampMidHigh, 45.5}, {groupby.StampMiddle, 30.5}} {
		g, _ = groupby.Dataset(ds, groupby.Resample("time", "QS-DEC", groupby.ResampleOptions{Stamp: c.s}))
		m, _ = g.Mean()
		if got := values(t, m, "time")[0]; got != c.want {
			t.Errorf("stamp %d of DJF 2000 = %v, want %v", c.s, got, c.want)
		}
	}
	// S4's irregular check: members at days {0,1,10,50} -> 5.5.
	irr := daysDataset(t, []float64{0, 1, 10, 50})
	g, _ = groupby.Dataset(irr, groupby.Resample("time", "QS-DEC"))
	m, _ = g.Mean()
	checkClose(t, "S4 irregular stamp", values(t, m, "time"), []float64{5.5}, 0)
	checkClose(t, "S5 bounds without input bounds", values(t, m, "time_bnds"), []float64{0, 50}, 0)

	// Multiples and other frequencies.
	for _, c := range []struct {
		freq string
		n    int
	}{{"MS", 36}, {"2MS", 18}, {"YS", 3}, {"QS", 12}, {"D", 36}, {"10D", 36}} {
		g, err := groupby.Dataset(ds, groupby.Resample("time", c.freq))
		if err != nil {
			t.Fatal(err)
		}
		if n := g.Grouping().N(); n != c.n {
			t.Errorf("resample %s: %d groups, want %d", c.freq, n, c.n)
		}
	}
}

// daysDataset is a one-point dataset at the given days since
// 2000-01-01, without bounds.
func daysDataset(t *testing.T, days []float64) *labels.Dataset {
	tv, _ := labels.FromSlice([]string{"time"}, days, nil)
	tv = tv.WithEncoding(labels.Encoding{Units: "days since 2000-01-01", Calendar: "standard"})
	x, _ := labels.FromSlice([]string{"time"}, days, nil)
	ds, err := labels.NewDataset(labels.Vars{{Name: "v", Var: x}}, labels.Vars{{Name: "time", Var: tv}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func TestHourlyResampleAndHourGroups(t *testing.T) {
	ds := randomDataset(t, 10)
	g, err := groupby.Dataset(ds, groupby.Resample("time", "12h"))
	if err != nil {
		t.Fatal(err)
	}
	if n := g.Grouping().N(); n != 2*731 {
		t.Errorf("12h groups: %d", n)
	}
	h, err := groupby.Dataset(ds, groupby.By("time.hour"))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := h.Count()
	lab := values(t, c, "hour")
	checkClose(t, "hours", lab, []float64{0, 6, 12, 18}, 0)
	cnt := values(t, c, "tas")
	total := 0.0
	for _, v := range cnt {
		total += v
	}
	all, _ := ds.Reduce(ndarray.Count, nil, labels.ReduceOptions{})
	if want := values(t, all, "tas")[0]; total != want {
		t.Errorf("counts by hour sum to %v, want %v", total, want)
	}
}

func TestByCoordinateLabelsAndBins(t *testing.T) {
	lat, _ := labels.FromSlice([]string{"lat"}, []float64{-60, -30, 0, 30, 60, 90}, nil)
	band, _ := labels.StringVariable("lat", []string{"S", "S", "EQ", "N", "N", "N"}, nil)
	x, _ := labels.FromSlice([]string{"lat", "lon"}, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, nil, 6, 2)
	a, err := labels.NewDataArray("v", x, labels.Vars{{Name: "lat", Var: lat}})
	if err != nil {
		t.Fatal(err)
	}
	g, err := groupby.Array(a, groupby.ByLabels("lat", "band", band))
	if err != nil {
		t.Fatal(err)
	}
	m, _ := g.Mean()
	got, _ := m.Values(context.Background(), chunk.Options{})
	// Bands sorted: EQ, N, S.
	checkClose(t, "band means", ndarray.Float64s(got), []float64{5, 6, 9, 10, 2, 3}, 0)
	nm, _ := m.Sel(map[string]any{"band": "N"})
	v, _ := nm.Values(context.Background(), chunk.Options{})
	checkClose(t, "Sel(band=N)", ndarray.Float64s(v), []float64{9, 10}, 0)

	b, err := groupby.Array(a, groupby.ByBins("lat", []float64{-90, 0, 90}))
	if err != nil {
		t.Fatal(err)
	}
	s, _ := b.Sum()
	v, _ = s.Values(context.Background(), chunk.Options{})
	// (-90, 0]: -60 -30 0; (0, 90]: 30 60 90.
	checkClose(t, "bins", ndarray.Float64s(v), []float64{1 + 3 + 5, 2 + 4 + 6, 7 + 9 + 11, 8 + 10 + 12}, 0)
	lab, _ := mustCoord(t, s, "lat_bins").Strings()
	if !slices.Equal(lab, []string{"(-90, 0]", "(0, 90]"}) {
		t.Errorf("bin labels %q", lab)
	}
	b, _ = groupby.Array(a, groupby.ByBins("lat", []float64{-60, 0, 60}, groupby.BinOptions{Left: true}))
	s, _ = b.Sum()
	v, _ = s.Values(context.Background(), chunk.Options{})
	checkClose(t, "left-closed bins", ndarray.Float64s(v), []float64{1 + 3, 2 + 4, 5 + 7, 6 + 8}, 0)

	// By the numeric coordinate itself, and Map (reduce and transform).
	c, err := groupby.Array(a, groupby.ByLabels("lat", "hemi", mustFloats(t, "lat", []float64{-1, -1, 0, 1, 1, 1})))
	if err != nil {
		t.Fatal(err)
	}
	mx, err := c.Map(func(label string, g *labels.DataArray) (*labels.DataArray, error) {
		return g.Max("lat")
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(mx.Dims(), []string{"hemi", "lon"}) {
		t.Errorf("map reduce dims %v", mx.Dims())
	}
	v, _ = mx.Values(context.Background(), chunk.Options{})
	checkClose(t, "map max", ndarray.Float64s(v), []float64{3, 4, 5, 6, 11, 12}, 0)
	dm, err := c.Map(func(label string, g *labels.DataArray) (*labels.DataArray, error) {
		mean, err := g.Mean("lat")
		if err != nil {
			return nil, err
		}
		return labels.Binary(ndarray.SubOp, g, mean)
	})
	if err != nil {
		t.Fatal(err)
	}
	v, _ = dm.Values(context.Background(), chunk.Options{})
	checkClose(t, "map transform", ndarray.Float64s(v), []float64{-1, -1, 1, 1, 0, 0, -2, -2, 0, 0, 2, 2}, 0)
}

// mustFloats is the 1-D variable v along dim.
func mustFloats(t *testing.T, dim string, v []float64) *labels.Variable {
	t.Helper()
	x, err := labels.FromSlice([]string{dim}, v, nil)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// mustCoord is a's coordinate name.
func mustCoord(t *testing.T, a *labels.DataArray, name string) *labels.Variable {
	t.Helper()
	c, err := a.Coord(name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestKeyErrors(t *testing.T) {
	ds := monthly(t, "standard", 2000, 1, 12, 1, fm, 12)
	x, _ := labels.FromSlice([]string{"x"}, []float64{1, 2}, nil)
	noTime, _ := labels.NewDataset(labels.Vars{{Name: "v", Var: x}}, labels.Vars{{Name: "x", Var: x}}, nil)
	for _, c := range []struct {
		ds   *labels.Dataset
		key  groupby.Key
		want string
	}{
		{ds, groupby.By("time.week"), `unknown time component "week"`},
		{ds, groupby.By("height"), `no coordinate "height"`},
		{ds, groupby.By("height.season"), `no coordinate "height"`},
		{noTime, groupby.By("x.month"), "CF time"},
		{ds, groupby.Resample("time", "W"), `frequency "W"`},
		{ds, groupby.Resample("lat", "MS"), `no time coordinate "lat"`},
		{ds, groupby.ByBins("time", []float64{3, 1}), "edges must increase"},
		{ds, groupby.ByLabels("time", "g", x), "one value per position"},
	} {
		_, err := groupby.Dataset(c.ds, c.key)
		if err == nil || !errors.Is(err, groupby.ErrKey) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %v, want ErrKey mentioning %q", c.key, err, c.want)
		}
	}
	// Decreasing times cannot be resampled.
	rev, _ := ds.Isel(map[string]any{"time": []int{3, 2, 1}})
	if _, err := groupby.Dataset(rev, groupby.Resample("time", "MS")); err == nil || !strings.Contains(err.Error(), "must increase") {
		t.Errorf("decreasing times: %v", err)
	}
}
