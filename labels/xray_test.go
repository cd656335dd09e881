package labels_test

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/labels/cftime"
	"github.com/tesseradata/tessera/ndarray"
)

// era returns a small in-memory ERA-like dataset: December 2014, 6-hourly
// (124 steps), 4 latitudes from north to south, 5 longitudes, random 2 m
// temperatures, chunked by 10 steps.
func era(t testing.TB) (*labels.Dataset, *ndarray.Array) {
	t.Helper()
	const nt, ny, nx = 124, 4, 5
	r := rand.New(rand.NewPCG(11, 12))
	vals := make([]float32, nt*ny*nx)
	for i := range vals {
		vals[i] = 250 + 50*r.Float32()
	}
	raw, _ := ndarray.FromSlice(vals, nt, ny, nx)
	data, err := chunk.FromArray(raw, chunk.Regular(raw.Shape(), []int{10, ny, nx}))
	if err != nil {
		t.Fatal(err)
	}
	t2m, err := labels.NewVariable([]string{"time", "latitude", "longitude"}, data, labels.Attrs{{Name: "units", Value: "K"}})
	if err != nil {
		t.Fatal(err)
	}
	dates := make([]cftime.Date, nt)
	for i := range dates {
		dates[i] = cftime.Date{Year: 2014, Month: 12, Day: 1 + i/4, Hour: 6 * (i % 4)}
	}
	tv, err := labels.TimeVariable("time", dates, "hours since 1900-01-01 00:00:0.0", "gregorian")
	if err != nil {
		t.Fatal(err)
	}
	lat, _ := labels.FromSlice([]string{"latitude"}, []float32{90, 30, -30, -90}, nil)
	lon, _ := labels.FromSlice([]string{"longitude"}, []float32{0, 72, 144, 216, 288}, nil)
	ds, err := labels.NewDataset(labels.Vars{{Name: "t2m", Var: t2m}},
		labels.Vars{{Name: "time", Var: tv}, {Name: "latitude", Var: lat}, {Name: "longitude", Var: lon}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ds, raw
}

// TestXrayAnnouncement is the xray announcement's example in Go:
//
//	ds.sel(time='2014-12-11').t2m.max(dim=['latitude', 'longitude'])
//
// whose numbers must be those of the equivalent numpy indexing,
// t2m[40:44].max(axis=(1, 2)): the 11th of December is steps 40 to 43.
func TestXrayAnnouncement(t *testing.T) {
	ds, raw := era(t)
	day, err := ds.Sel(map[string]any{"time": "2014-12-11"})
	if err != nil {
		t.Fatal(err)
	}
	if n := day.Sizes()["time"]; n != 4 {
		t.Fatalf("2014-12-11 selected %d steps, want 4", n)
	}
	t2m, err := day.Array("t2m")
	if err != nil {
		t.Fatal(err)
	}
	mx, err := t2m.Max("latitude", "longitude")
	if err != nil {
		t.Fatal(err)
	}
	got, err := mx.Values(t.Context(), chunk.Options{})
	if err != nil {
		t.Fatal(err)
	}
	slab, _ := raw.Slice(ndarray.Range{Start: 40, Stop: 44, Step: 1})
	want, _ := ndarray.MaxOf(slab, 1, 2)
	g, w := ndarray.Float64s(got), ndarray.Float64s(want)
	if len(g) != 4 {
		t.Fatalf("got %d values, want 4", len(g))
	}
	for i := range w {
		if g[i] != w[i] {
			t.Errorf("max at step %d = %v, numpy indexing gives %v", i, g[i], w[i])
		}
	}
	// A full timestamp picks one step and drops the dimension.
	one, err := ds.Sel(map[string]any{"time": "2014-12-11T06"})
	if err != nil {
		t.Fatal(err)
	}
	if _, has := one.Sizes()["time"]; has {
		t.Errorf("2014-12-11T06 kept the time dimension: %v", one.Sizes())
	}
	// Latitude stored north to south slices either way.
	for _, s := range []labels.Slice{{Start: 60, Stop: 0}, {Start: 0, Stop: 60}} {
		sub, err := ds.Sel(map[string]any{"latitude": s})
		if err != nil {
			t.Fatal(err)
		}
		if n := sub.Sizes()["latitude"]; n != 1 {
			t.Errorf("latitude %v selected %d rows, want 1 (30)", s, n)
		}
	}
	// Mistakes name the label and the nearest ones.
	_, err = ds.Sel(map[string]any{"time": "2015-01"})
	if !errors.Is(err, labels.ErrLabelNotFound) || !strings.Contains(err.Error(), "2014-12-31 18:00:00") {
		t.Errorf("selecting January 2015 in December data: %v", err)
	}
}
