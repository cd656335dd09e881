package groupby_test

import (
	"context"
	"errors"
	"testing"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/graph"
	"github.com/tesseradata/tessera/groupby"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/ndarray"
)

// sixHourly returns a lazy (nt, ny, nx) float32 array of 6-hourly steps
// from 2000-01-01 in blocks of step steps whose loader fails if called:
// for measuring graph construction alone.
func sixHourly(b *testing.B, nt, ny, nx, step int) *labels.DataArray {
	src, err := chunk.FromSource(chunk.Source{
		Name: "read-t2m", DType: ndarray.Float32, Shape: []int{nt, ny, nx},
		Chunks: chunk.Regular([]int{nt, ny, nx}, []int{step, ny, nx}),
		Load: func(*graph.Exec, []int, []int) (*ndarray.Array, error) {
			return nil, errors.New("not for reading")
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	v, _ := labels.NewVariable([]string{"time", "lat", "lon"}, src, nil)
	a, err := labels.NewDataArray("t2m", v, labels.Vars{{Name: "time", Var: sixHourlyTime(nt)}})
	if err != nil {
		b.Fatal(err)
	}
	return a
}

// BenchmarkAnomalyGraph builds (and optimises) the graph of
// x.GroupBy("time.season").Sub(clim) for 10 years of 6-hourly 256 x 512
// data in monthly-sized blocks (124 steps): grouping, the climatology,
// the anomalies and graph.Build of every block. It reports the tasks.
func BenchmarkAnomalyGraph(b *testing.B) {
	const nt = 4 * 3653
	x := sixHourly(b, nt, 256, 512, 124)
	var tasks int
	for b.Loop() {
		g, err := groupby.Array(x, groupby.By("time.season"))
		if err != nil {
			b.Fatal(err)
		}
		clim, err := g.Mean()
		if err != nil {
			b.Fatal(err)
		}
		anom, err := g.Sub(clim)
		if err != nil {
			b.Fatal(err)
		}
		p, err := graph.Build([]graph.Output{{Layer: anom.Data().Layer()}}, graph.Options{MaxTaskBytes: 256 << 20})
		if err != nil {
			b.Fatal(err)
		}
		tasks = len(p.Tasks)
	}
	b.ReportMetric(float64(tasks), "tasks")
	b.ReportMetric(float64(len(x.Data().Chunks()[0])), "blocks")
}

// inMemory is nt 6-hourly steps of (ny, nx) float32 values in blocks of
// step steps.
func inMemory(b *testing.B, nt, ny, nx, step int) *labels.DataArray {
	x := sixHourly(b, nt, ny, nx, step)
	vals := make([]float32, nt*ny*nx)
	for i := range vals {
		vals[i] = float32(i%977) * 0.25
	}
	arr, _ := ndarray.FromSlice(vals, nt, ny, nx)
	data, _ := chunk.FromArray(arr, chunk.Regular(arr.Shape(), []int{step, ny, nx}))
	v, _ := labels.NewVariable(x.Dims(), data, nil)
	tv, _ := x.Coord("time")
	a, _ := labels.NewDataArray("t2m", v, labels.Vars{{Name: "time", Var: tv}})
	return a
}

// BenchmarkGroupedMean compares the seasonal climatology and the
// per-year seasons with the plain time mean of the same in-memory data
// (one year of 6-hourly 64 x 128 float32 in monthly blocks).
func BenchmarkGroupedMean(b *testing.B) {
	x := inMemory(b, 4*365, 64, 128, 124)
	for _, c := range []struct {
		name  string
		build func() (*labels.DataArray, error)
	}{
		{"time-mean", func() (*labels.DataArray, error) { return x.Mean("time") }},
		{"season", func() (*labels.DataArray, error) {
			g, _ := groupby.Array(x, groupby.By("time.season"))
			return g.Mean()
		}},
		{"resample-QS-DEC", func() (*labels.DataArray, error) {
			g, _ := groupby.Array(x, groupby.Resample("time", "QS-DEC"))
			return g.Mean()
		}},
		{"dayofyear", func() (*labels.DataArray, error) {
			g, _ := groupby.Array(x, groupby.By("time.dayofyear"))
			return g.Mean()
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(x.Data().Nbytes())
			for b.Loop() {
				r, err := c.build()
				if err != nil {
					b.Fatal(err)
				}
				if _, err := r.Values(context.Background(), chunk.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
