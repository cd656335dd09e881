package labels_test

import (
	"errors"
	"testing"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/graph"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/ndarray"
)

// bigDataset returns a dataset with one float32 variable t (time: 40000,
// lat: 64, lon: 64; 655 MB) read from a source in 10,000 blocks of 4
// steps, whose loader fails the benchmark if called, with in-memory
// coordinates (latitude north to south).
func bigDataset(b *testing.B) *labels.Dataset {
	const nt, ny, nx = 10_000 * 4, 64, 64
	data := must(chunk.FromSource(chunk.Source{
		Name: "read-t", DType: ndarray.Float32, Shape: []int{nt, ny, nx},
		Chunks: chunk.Regular([]int{nt, ny, nx}, []int{4, ny, nx}),
		Load: func(_ *graph.Exec, start, _ []int) (*ndarray.Array, error) {
			b.Errorf("block %v read while building expressions", start)
			return nil, errors.New("not to be read")
		},
	}))(b)
	if n := data.Chunks().NumBlocks(); n != 10_000 {
		b.Fatalf("%d blocks, want 10000", n)
	}
	v := must(labels.NewVariable([]string{"time", "lat", "lon"}, data, labels.Attrs{{Name: "units", Value: "K"}}))(b)
	time, lat, lon := make([]float64, nt), make([]float64, ny), make([]float64, nx)
	for i := range time {
		time[i] = float64(6 * i)
	}
	for i := range lat {
		lat[i] = 88.59375 - 2.8125*float64(i)
	}
	for i := range lon {
		lon[i] = 5.625 * float64(i)
	}
	return must(labels.NewDataset(labels.Vars{{Name: "t", Var: v}},
		labels.Vars{coord(b, "time", time...), coord(b, "lat", lat...), coord(b, "lon", lon...)}, nil))(b)
}

// BenchmarkSelect selects a year of 6-hourly steps and the tropics by
// label, then every other longitude by position, on 10,000 blocks.
func BenchmarkSelect(b *testing.B) {
	ds := bigDataset(b)
	b.ReportAllocs()
	for b.Loop() {
		s, err := ds.Sel(map[string]any{"time": labels.Slice{Start: 87600, Stop: 87600 + 6*1459}, "lat": labels.Slice{Start: -30, Stop: 30}})
		if err != nil {
			b.Fatal(err)
		}
		if _, err = s.Isel(map[string]any{"lon": ndarray.Range{Start: 0, Stop: 64, Step: 2}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkArithmetic builds (t - t.Mean("time")) * 2 on 10,000 blocks,
// without computing it.
func BenchmarkArithmetic(b *testing.B) {
	t := must(bigDataset(b).Array("t"))(b)
	b.ReportAllocs()
	for b.Loop() {
		m, err := t.Mean("time")
		if err != nil {
			b.Fatal(err)
		}
		d, err := labels.Binary(ndarray.SubOp, t, m)
		if err != nil {
			b.Fatal(err)
		}
		if _, err = d.BinaryScalar(ndarray.MulOp, 2); err != nil {
			b.Fatal(err)
		}
	}
}
