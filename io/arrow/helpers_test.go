package arrow_test

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/graph"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/labels/cftime"
	"github.com/tesseradata/tessera/ndarray"
)

// table is a long-form table as the tests compare it: the columns in
// order, their Arrow types and metadata, and their values as Go values
// (float32, float64, int16, int32, int64, uint16, bool, string; timestamps as
// int64 microseconds; nil for null).
type table struct {
	names    []string
	types    map[string]string
	nullable map[string]bool
	meta     map[string]map[string]string
	global   map[string]string
	cols     map[string][]any
}

func newTable() *table {
	return &table{types: map[string]string{}, nullable: map[string]bool{}, meta: map[string]map[string]string{}, global: map[string]string{}, cols: map[string][]any{}}
}

// column declares a column of the expected table.
func (tb *table) column(name, typ string, meta map[string]string) {
	tb.names = append(tb.names, name)
	tb.types[name] = typ
	if meta == nil {
		meta = map[string]string{}
	}
	tb.meta[name] = meta
}

func (tb *table) add(name string, v any) { tb.cols[name] = append(tb.cols[name], v) }

func (tb *table) rows() int {
	if len(tb.names) == 0 {
		return 0
	}
	return len(tb.cols[tb.names[0]])
}

// fromSchema starts a table with the columns of s.
func fromSchema(s *arrow.Schema) *table {
	tb := newTable()
	for _, f := range s.Fields() {
		tb.column(f.Name, f.Type.String(), metaMap(f.Metadata))
		tb.nullable[f.Name] = f.Nullable
	}
	tb.global = metaMap(s.Metadata())
	return tb
}

func metaMap(md arrow.Metadata) map[string]string {
	m := map[string]string{}
	for i, k := range md.Keys() {
		m[k] = md.Values()[i]
	}
	return m
}

// appendRecord appends the rows of rec.
func (tb *table) appendRecord(t *testing.T, rec arrow.RecordBatch) {
	t.Helper()
	for i, f := range rec.Schema().Fields() {
		tb.cols[f.Name] = append(tb.cols[f.Name], values(t, rec.Column(i))...)
	}
}

// values returns the values of a as Go values.
func values(t *testing.T, a arrow.Array) []any {
	t.Helper()
	out := make([]any, a.Len())
	for i := range out {
		if a.IsNull(i) {
			continue
		}
		switch x := a.(type) {
		case *array.Float32:
			out[i] = x.Value(i)
		case *array.Float64:
			out[i] = x.Value(i)
		case *array.Int16:
			out[i] = x.Value(i)
		case *array.Int32:
			out[i] = x.Value(i)
		case *array.Int64:
			out[i] = x.Value(i)
		case *array.Uint16:
			out[i] = x.Value(i)
		case *array.Boolean:
			out[i] = x.Value(i)
		case *array.String:
			out[i] = x.Value(i)
		case *array.Timestamp:
			out[i] = int64(x.Value(i))
		default:
			t.Fatalf("unexpected array type %s", a.DataType())
		}
	}
	return out
}

// same reports whether two values are equal, NaN equal to NaN.
func same(a, b any) bool {
	switch x := a.(type) {
	case float32:
		y, ok := b.(float32)
		return ok && (x == y || x != x && y != y)
	case float64:
		y, ok := b.(float64)
		return ok && (x == y || math.IsNaN(x) && math.IsNaN(y))
	}
	return a == b
}

// compare reports every difference between got and want: columns, types,
// metadata and values.
func compare(t *testing.T, got, want *table) {
	t.Helper()
	if fmt.Sprint(got.names) != fmt.Sprint(want.names) {
		t.Fatalf("columns %q, want %q", got.names, want.names)
	}
	if fmt.Sprint(got.global) != fmt.Sprint(want.global) {
		t.Errorf("schema metadata %v, want %v", got.global, want.global)
	}
	for _, n := range want.names {
		if got.types[n] != want.types[n] {
			t.Errorf("column %q has type %s, want %s", n, got.types[n], want.types[n])
		}
		if fmt.Sprint(got.meta[n]) != fmt.Sprint(want.meta[n]) {
			t.Errorf("column %q has metadata %v, want %v", n, got.meta[n], want.meta[n])
		}
		g, w := got.cols[n], want.cols[n]
		if len(g) != len(w) {
			t.Errorf("column %q has %d values, want %d", n, len(g), len(w))
			continue
		}
		bad := 0
		for i := range w {
			if !same(g[i], w[i]) {
				if bad++; bad <= 5 {
					t.Errorf("column %q row %d = %v (%T), want %v (%T)", n, i, g[i], g[i], w[i], w[i])
				}
			}
		}
	}
}

// newMem returns a checked allocator that fails t if any byte is still
// allocated when t ends.
func newMem(t *testing.T) *memory.CheckedAllocator {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

// peakAllocator records the most bytes allocated at once.
type peakAllocator struct {
	memory.Allocator
	mu        sync.Mutex
	cur, peak int
}

func (p *peakAllocator) Allocate(n int) []byte {
	p.mu.Lock()
	p.cur += n
	p.peak = max(p.peak, p.cur)
	p.mu.Unlock()
	return p.Allocator.Allocate(n)
}

func (p *peakAllocator) Reallocate(n int, b []byte) []byte {
	p.mu.Lock()
	p.cur += n - len(b)
	p.peak = max(p.peak, p.cur)
	p.mu.Unlock()
	return p.Allocator.Reallocate(n, b)
}

func (p *peakAllocator) Free(b []byte) {
	p.mu.Lock()
	p.cur -= len(b)
	p.mu.Unlock()
	p.Allocator.Free(b)
}

// must returns a function that fails t on an error and returns the
// variable otherwise: must(t)(labels.FromSlice(...)).
func must(t testing.TB) func(*labels.Variable, error) *labels.Variable {
	return func(v *labels.Variable, err error) *labels.Variable {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func micros(y, mo, d, h, mi, s int) int64 {
	return time.Date(y, time.Month(mo), d, h, mi, s, 0, time.UTC).UnixMicro()
}

// small returns a dataset with a column of every kind, and the table it
// must give, built by loops written independently of the package:
//
//	time (3)  dimension coordinate, standard calendar (timestamps)
//	lat (2)   dimension coordinate, float32
//	x (4)     dimension without coordinate (positions)
//	height    scalar coordinate, float64
//	area      (lat, x) coordinate, uint16
//	t2m       (time, lat, x) float32, lazy, one block per time step, NaNs
//	orog      (lat, x) float64 in memory, broadcast over time
//	steps     (time) int32, lazy, blocks of 2
//	land      (x) bool
func small(t testing.TB) (*labels.Dataset, *table) {
	t.Helper()
	const nt, ny, nx = 3, 2, 4
	dates := []cftime.Date{
		{Year: 2000, Month: 1, Day: 16, Hour: 12},
		{Year: 2000, Month: 2, Day: 15},
		{Year: 2000, Month: 3, Day: 16, Hour: 12},
	}
	wantTime := []int64{micros(2000, 1, 16, 12, 0, 0), micros(2000, 2, 15, 0, 0, 0), micros(2000, 3, 16, 12, 0, 0)}
	tv := must(t)(labels.TimeVariable("time", dates, "hours since 2000-01-01 00:00:00", "gregorian"))
	latv := []float32{45.5, -45.5}
	lat := must(t)(labels.FromSlice([]string{"lat"}, latv, labels.Attrs{{Name: "units", Value: "degrees_north"}}))
	height := must(t)(labels.FromArray([]string{}, ndarray.Scalar(2.0), labels.Attrs{{Name: "units", Value: "m"}}))
	areav := make([]uint16, ny*nx)
	orogv := make([]float64, ny*nx)
	for y := range ny {
		for x := range nx {
			areav[y*nx+x] = uint16(100 + 4*y + x)
			orogv[y*nx+x] = float64(10*y+x) + 0.25
		}
	}
	area := must(t)(labels.FromSlice([]string{"lat", "x"}, areav, nil, ny, nx))
	orog := must(t)(labels.FromSlice([]string{"lat", "x"}, orogv, labels.Attrs{{Name: "long_name", Value: "orography"}}, ny, nx))
	t2mv := make([]float32, nt*ny*nx)
	for i := range t2mv {
		t2mv[i] = 250 + 0.5*float32(i)
	}
	t2mv[5], t2mv[17] = float32(math.NaN()), float32(math.NaN())
	raw, _ := ndarray.FromSlice(t2mv, nt, ny, nx)
	lazy, err := chunk.FromArray(raw, chunk.Regular(raw.Shape(), []int{1, ny, nx}))
	if err != nil {
		t.Fatal(err)
	}
	t2m := must(t)(labels.NewVariable([]string{"time", "lat", "x"}, lazy, labels.Attrs{
		{Name: "units", Value: "K"}, {Name: "long_name", Value: "2 metre temperature"},
		{Name: "valid_range", Value: []float32{180, 330.5}},
	}))
	stepsv := []int32{6, 12, 18}
	rs, _ := ndarray.FromSlice(stepsv)
	ls, err := chunk.FromArray(rs, chunk.Regular([]int{nt}, []int{2}))
	if err != nil {
		t.Fatal(err)
	}
	steps := must(t)(labels.NewVariable([]string{"time"}, ls, nil))
	landv := []bool{true, false, false, true}
	land := must(t)(labels.FromSlice([]string{"x"}, landv, nil))
	ds, err := labels.NewDataset(
		labels.Vars{{Name: "t2m", Var: t2m}, {Name: "orog", Var: orog}, {Name: "steps", Var: steps}, {Name: "land", Var: land}},
		labels.Vars{{Name: "time", Var: tv}, {Name: "lat", Var: lat}, {Name: "height", Var: height}, {Name: "area", Var: area}},
		labels.Attrs{{Name: "title", Value: "small"}, {Name: "version", Value: int32(3)}, {Name: "levels", Value: []float64{1000, 850.5}}},
	)
	if err != nil {
		t.Fatal(err)
	}

	want := newTable()
	want.global = map[string]string{"title": "small", "version": "3", "levels": "1000, 850.5"}
	want.column("time", "timestamp[us, tz=UTC]", map[string]string{"calendar": "standard"})
	want.column("lat", "float32", map[string]string{"units": "degrees_north"})
	want.column("x", "int64", nil)
	want.column("height", "float64", map[string]string{"units": "m"})
	want.column("area", "uint16", nil)
	want.column("t2m", "float32", map[string]string{"units": "K", "long_name": "2 metre temperature", "valid_range": "180, 330.5"})
	want.column("orog", "float64", map[string]string{"long_name": "orography"})
	want.column("steps", "int32", nil)
	want.column("land", "bool", nil)
	for it := range nt {
		for y := range ny {
			for x := range nx {
				want.add("time", wantTime[it])
				want.add("lat", latv[y])
				want.add("x", int64(x))
				want.add("height", 2.0)
				want.add("area", areav[y*nx+x])
				want.add("t2m", t2mv[(it*ny+y)*nx+x])
				want.add("orog", orogv[y*nx+x])
				want.add("steps", stepsv[it])
				want.add("land", landv[x])
			}
		}
	}
	return ds, want
}

// timeNulls returns a dataset with NaN times (NaT) in time variables that
// are not dimension coordinates, one in memory (360_day: strings), one
// lazy (standard: timestamps), and the table it must give: null for NaT
// in both kinds of column.
func timeNulls(t testing.TB) (*labels.Dataset, *table) {
	t.Helper()
	x := must(t)(labels.FromSlice([]string{"x"}, []int64{10, 20, 30}, nil))
	withTime := func(v *labels.Variable, units, cal string) *labels.Variable {
		return v.WithEncoding(labels.Encoding{Units: units, Calendar: cal})
	}
	loaded := must(t)(labels.FromSlice([]string{"x"}, []float64{1, math.NaN(), 2.5}, nil))
	raw, _ := ndarray.FromSlice([]float64{math.NaN(), 31, 0})
	lz, err := chunk.FromArray(raw, chunk.Regular([]int{3}, []int{1}))
	if err != nil {
		t.Fatal(err)
	}
	lazy := must(t)(labels.NewVariable([]string{"x"}, lz, labels.Attrs{{Name: "long_name", Value: "valid time"}}))
	ds, err := labels.NewDataset(
		labels.Vars{{Name: "valid", Var: withTime(lazy, "days since 2000-01-01", "standard")}},
		labels.Vars{{Name: "x", Var: x}, {Name: "issued", Var: withTime(loaded, "days since 2000-02-28", "360_day")}},
		nil)
	if err != nil {
		t.Fatal(err)
	}
	want := newTable()
	want.column("x", "int64", nil)
	want.column("issued", "utf8", map[string]string{"calendar": "360_day"})
	want.column("valid", "timestamp[us, tz=UTC]", map[string]string{"calendar": "standard", "long_name": "valid time"})
	want.cols["x"] = []any{int64(10), int64(20), int64(30)}
	want.cols["issued"] = []any{"2000-02-29 00:00:00", nil, "2000-02-30 12:00:00"}
	want.cols["valid"] = []any{nil, micros(2000, 2, 1, 0, 0, 0), micros(2000, 1, 1, 0, 0, 0)}
	return ds, want
}

// counted returns a lazy float64 variable (time, y, x) of shape nt, ny,
// nx, chunked by tc time steps, whose value at (t, y, x) is
// t*10000 + y*100 + x; loads counts the loads of each block, and fail,
// if at least 0, makes the load of that block fail.
func counted(t testing.TB, nt, ny, nx, tc int, loads []atomic.Int32, fail int, onLoad func(block int)) *labels.Variable {
	t.Helper()
	a, err := chunk.FromSource(chunk.Source{
		Name: "counted", DType: ndarray.Float64, Shape: []int{nt, ny, nx},
		Chunks: chunk.Regular([]int{nt, ny, nx}, []int{tc, ny, nx}),
		Load: func(_ *graph.Exec, start, shape []int) (*ndarray.Array, error) {
			b := start[0] / tc
			loads[b].Add(1)
			if onLoad != nil {
				onLoad(b)
			}
			if b == fail {
				return nil, fmt.Errorf("block %d: disk on fire", b)
			}
			out := make([]float64, 0, shape[0]*shape[1]*shape[2])
			for i := range shape[0] {
				for y := range shape[1] {
					for x := range shape[2] {
						out = append(out, float64((start[0]+i)*10000+y*100+x))
					}
				}
			}
			return ndarray.FromSlice(out, shape...)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return must(t)(labels.NewVariable([]string{"time", "y", "x"}, a, nil))
}
