package labels_test

// The reprs are compared with testdata/repr.golden. After a deliberate
// change to the format, regenerate the file and review the diff:
//
//	go test ./labels -run TestRepr -update

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/graph"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/labels/cftime"
	"github.com/tesseradata/tessera/ndarray"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func TestRepr(t *testing.T) {
	ds := climate(t)
	a := t2m(t)
	small := must(must(a.Sel(map[string]any{"time": 6, "lon": []any{0, 40}, "lat": labels.Slice{Start: 30, Stop: 0}}))(t).Compute(t.Context(), chunkOpts))(t)
	long := must(labels.NewDataArray("series", vec(t, []string{"step"}, []int32{5, 4, 3, 2, 1, 0, -1, -2}, labels.Attrs{
		{Name: "scale_factor", Value: float32(0.1)},
		{Name: "valid_range", Value: []int16{-100, 100}},
		{Name: "history", Value: "line one\nline two"},
	}), labels.Vars{coord(t, "step", int64(0), 1, 2, 3, 4, 5, 6, 7)}))(t)
	scalar := must(a.Mean())(t)
	var sb strings.Builder
	for _, r := range []struct {
		name string
		s    interface{ String() string }
	}{
		{"Dataset", ds},
		{"Dataset selected", must(ds.Sel(map[string]any{"lat": 30}))(t)},
		{"Dataset, empty", must(labels.NewDataset(nil, nil, nil))(t)},
		{"DataArray, lazy", a},
		{"DataArray, small in memory", small},
		{"DataArray, longer in memory", long},
		{"DataArray, 0-dimensional", scalar},
	} {
		sb.WriteString("-- " + r.name + " --\n" + r.s.String() + "\n")
	}
	got := sb.String()
	golden := filepath.Join("testdata", "repr.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./labels -run TestRepr -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("reprs differ from %s (go test ./labels -run TestRepr -update rewrites it)\ngot:\n%s\nwant:\n%s", golden, got, want)
	}
}

// TestReprNeverComputes prints a Dataset and a DataArray over a source
// whose loader fails the test if it is ever called.
func TestReprNeverComputes(t *testing.T) {
	data := must(chunk.FromSource(chunk.Source{
		Name: "never", DType: ndarray.Float32, Shape: []int{1460, 4, 5}, Chunks: chunk.Regular([]int{1460, 4, 5}, []int{124, 4, 5}),
		Load: func(_ *graph.Exec, start, _ []int) (*ndarray.Array, error) {
			t.Errorf("the repr read block %v", start)
			return nil, os.ErrInvalid
		},
	}))(t)
	v := must(labels.NewVariable([]string{"time", "lat", "lon"}, data, labels.Attrs{{Name: "units", Value: "K"}}))(t)
	first := must(must(data.Slice(ndarray.Range{Start: 0, Stop: 1}))(t).Squeeze(0))(t)
	aux := must(labels.NewVariable([]string{"lat", "lon"}, first, nil))(t)
	ds := must(labels.NewDataset(labels.Vars{{Name: "t2m", Var: v}}, labels.Vars{
		coord(t, "lat", 60.0, 30, 0, -30),
		{Name: "first", Var: aux},
	}, nil))(t)
	for _, s := range []string{ds.String(), must(ds.Array("t2m"))(t).String(), must(must(ds.Mean("time"))(t).Array("t2m"))(t).String()} {
		if !strings.Contains(s, "chunks ((") {
			t.Errorf("repr shows no chunks:\n%s", s)
		}
	}
}

func TestReprScalarTime(t *testing.T) {
	dates := []cftime.Date{{Year: 2000, Month: 1, Day: 1}, {Year: 2000, Month: 1, Day: 2}}
	tv, err := labels.TimeVariable("time", dates, "days since 2000-01-01", "noleap")
	if err != nil {
		t.Fatal(err)
	}
	x, _ := labels.FromSlice([]string{"time"}, []float64{1, 2}, nil)
	a, err := labels.NewDataArray("v", x, labels.Vars{{Name: "time", Var: tv}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := a.Isel(map[string]any{"time": 1})
	if err != nil {
		t.Fatal(err)
	}
	if r := s.String(); !strings.Contains(r, "time  () time 2000-01-02 00:00:00") {
		t.Errorf("a scalar time coordinate does not print as a date:\n%s", r)
	}
}
