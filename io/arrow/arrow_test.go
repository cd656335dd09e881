package arrow_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/tesseradata/tessera/chunk"
	arrowio "github.com/tesseradata/tessera/io/arrow"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/labels/cftime"
	"github.com/tesseradata/tessera/ndarray"
	"github.com/tesseradata/tessera/scheduler"
)

// collect runs Batches and returns the table and the rows of each batch.
func collect(t *testing.T, ds *labels.Dataset, opts arrowio.Options) (*table, []int) {
	t.Helper()
	s, err := arrowio.Schema(ds, opts)
	if err != nil {
		t.Fatal(err)
	}
	got := fromSchema(s)
	var sizes []int
	err = arrowio.Batches(t.Context(), ds, opts, func(rec arrow.RecordBatch) error {
		if !rec.Schema().Equal(s) {
			t.Errorf("batch schema %s differs from Schema's %s", rec.Schema(), s)
		}
		sizes = append(sizes, int(rec.NumRows()))
		got.appendRecord(t, rec)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got, sizes
}

// readIPC reads an Arrow IPC file with arrow-go's reader.
func readIPC(t *testing.T, data []byte, mem memory.Allocator) (*table, int) {
	t.Helper()
	r, err := ipc.NewFileReader(bytes.NewReader(data), ipc.WithAllocator(mem))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got := fromSchema(r.Schema())
	for i := range r.NumRecords() {
		rec, err := r.RecordBatch(i)
		if err != nil {
			t.Fatal(err)
		}
		got.appendRecord(t, rec)
	}
	return got, r.NumRecords()
}

// readParquet reads a Parquet file with pqarrow, and returns the
// compression of every column chunk and the number of row groups. The
// schema is FileReader.Schema's, which restores the stored Arrow schema's
// metadata (the table ReadTable returns lacks the schema metadata), less
// the "PARQUET:field_id" entries the reader adds to every field.
func readParquet(t *testing.T, data []byte, mem memory.Allocator) (*table, []compress.Compression, int) {
	t.Helper()
	pf, err := file.NewParquetReader(bytes.NewReader(data), file.WithReadProps(parquet.NewReaderProperties(mem)))
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, mem)
	if err != nil {
		t.Fatal(err)
	}
	s, err := fr.Schema()
	if err != nil {
		t.Fatal(err)
	}
	got := fromSchema(s)
	for _, m := range got.meta {
		delete(m, "PARQUET:field_id")
	}
	tbl, err := fr.ReadTable(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	if !tbl.Schema().Equal(s) {
		t.Errorf("table schema %s differs from the file's %s", tbl.Schema(), s)
	}
	for i, f := range tbl.Schema().Fields() {
		for _, c := range tbl.Column(i).Data().Chunks() {
			got.cols[f.Name] = append(got.cols[f.Name], values(t, c)...)
		}
	}
	var codecs []compress.Compression
	for g := range pf.NumRowGroups() {
		rg := pf.MetaData().RowGroup(g)
		for c := range rg.NumColumns() {
			cc, err := rg.ColumnChunk(c)
			if err != nil {
				t.Fatal(err)
			}
			codecs = append(codecs, cc.Compression())
		}
	}
	return got, codecs, pf.NumRowGroups()
}

func TestSmall(t *testing.T) {
	ds, want := small(t)
	for _, rows := range []int{0, 1, 5, 8, 16, 17} {
		mem := newMem(t)
		got, sizes := collect(t, ds, arrowio.Options{BatchRows: rows, Allocator: mem})
		compare(t, got, want)
		limit := rows
		if rows == 0 {
			limit = arrowio.DefaultBatchRows
		}
		for i, n := range sizes {
			if n > limit || n == 0 {
				t.Errorf("BatchRows %d: batch %d has %d rows", rows, i, n)
			}
		}
	}
}

// TestBatchBoundaries checks how rows are cut (the package documentation,
// "Streaming and memory"): t2m has one block per time step of 8 rows.
func TestBatchBoundaries(t *testing.T) {
	ds, _ := small(t)
	for _, tc := range []struct {
		name  string
		rows  int
		sizes []int
	}{
		{"blocks grouped into one unit", 100, []int{24}},
		{"two blocks per unit", 16, []int{16, 8}},
		{"one block per unit", 15, []int{8, 8, 8}},
		{"one block per batch", 8, []int{8, 8, 8}},
		{"latitudes of a block", 4, []int{4, 4, 4, 4, 4, 4}},
		{"even split of x", 3, []int{2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}},
		{"even split of time steps", 20, []int{16, 8}},
		{"one row", 1, func() []int {
			s := make([]int, 24)
			for i := range s {
				s[i] = 1
			}
			return s
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, sizes := collect(t, ds, arrowio.Options{BatchRows: tc.rows, Allocator: newMem(t)})
			if len(sizes) != len(tc.sizes) {
				t.Fatalf("BatchRows %d: batches of %v rows, want %v", tc.rows, sizes, tc.sizes)
			}
			for i := range sizes {
				if sizes[i] != tc.sizes[i] {
					t.Fatalf("BatchRows %d: batches of %v rows, want %v", tc.rows, sizes, tc.sizes)
				}
			}
		})
	}
}

// TestInMemory checks the batches of a dataset entirely in memory: one
// unit, cut evenly.
func TestInMemory(t *testing.T) {
	vals := make([]int32, 10*3)
	for i := range vals {
		vals[i] = int32(i)
	}
	v := must(t)(labels.FromSlice([]string{"a", "b"}, vals, nil, 10, 3))
	ds, err := labels.NewDataset(labels.Vars{{Name: "v", Var: v}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		rows  int
		sizes string
	}{
		{30, "[30]"}, {29, "[15 15]"}, {12, "[9 9 12]"}, {4, "[3 3 3 3 3 3 3 3 3 3]"}, {2, "[1 2 1 2 1 2 1 2 1 2 1 2 1 2 1 2 1 2 1 2]"},
	} {
		got, sizes := collect(t, ds, arrowio.Options{BatchRows: tc.rows, Allocator: newMem(t)})
		if s := fmt.Sprint(sizes); s != tc.sizes {
			t.Errorf("BatchRows %d: batches of %s rows, want %s", tc.rows, s, tc.sizes)
		}
		for i := range vals {
			if got.cols["a"][i] != int64(i/3) || got.cols["b"][i] != int64(i%3) || got.cols["v"][i] != int32(i) {
				t.Fatalf("BatchRows %d: row %d = (%v, %v, %v), want (%d, %d, %d)", tc.rows, i, got.cols["a"][i], got.cols["b"][i], got.cols["v"][i], i/3, i%3, i)
			}
		}
	}
}

func TestWriteIPC(t *testing.T) {
	ds, want := small(t)
	mem := newMem(t)
	var buf bytes.Buffer
	if err := arrowio.WriteIPC(t.Context(), &buf, ds, arrowio.Options{BatchRows: 8, Allocator: mem}); err != nil {
		t.Fatal(err)
	}
	got, n := readIPC(t, buf.Bytes(), mem)
	compare(t, got, want)
	if n != 3 {
		t.Errorf("%d record batches, want 3", n)
	}
	for name, null := range map[string]bool{"time": true, "x": false, "t2m": false, "steps": false} {
		if got.nullable[name] != null {
			t.Errorf("column %q nullable = %v, want %v", name, got.nullable[name], null)
		}
	}
}

func TestWriteParquet(t *testing.T) {
	ds, want := small(t)
	for _, tc := range []struct {
		name  string
		props func(memory.Allocator) *parquet.WriterProperties
		codec compress.Compression
	}{
		{"default zstd", nil, compress.Codecs.Zstd},
		{"snappy", func(mem memory.Allocator) *parquet.WriterProperties {
			return parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy), parquet.WithAllocator(mem))
		}, compress.Codecs.Snappy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := newMem(t)
			opts := arrowio.Options{BatchRows: 8, Allocator: mem}
			if tc.props != nil {
				opts.Parquet = tc.props(mem)
			}
			var buf bytes.Buffer
			if err := arrowio.WriteParquet(t.Context(), &buf, ds, opts); err != nil {
				t.Fatal(err)
			}
			got, codecs, groups := readParquet(t, buf.Bytes(), mem)
			compare(t, got, want)
			if groups != 3 {
				t.Errorf("%d row groups, want 3 (one per batch)", groups)
			}
			for i, c := range codecs {
				if c != tc.codec {
					t.Errorf("column chunk %d compressed with %v, want %v", i, c, tc.codec)
				}
			}
		})
	}
}

// TestNaNAsNull checks both NaN conventions: NaN kept without a validity
// bitmap (pa.array from NumPy), or null (pa.Table.from_pandas).
func TestNaNAsNull(t *testing.T) {
	ds, want := small(t)
	got, _ := collect(t, ds, arrowio.Options{Allocator: newMem(t)})
	if got.nullable["t2m"] {
		t.Errorf("t2m is nullable without NaNAsNull")
	}
	compare(t, got, want)

	got, _ = collect(t, ds, arrowio.Options{NaNAsNull: true, BatchRows: 8, Allocator: newMem(t)})
	if !got.nullable["t2m"] || !got.nullable["orog"] || got.nullable["steps"] {
		t.Errorf("nullable: t2m %v orog %v steps %v, want true true false", got.nullable["t2m"], got.nullable["orog"], got.nullable["steps"])
	}
	nulls := 0
	for i, v := range want.cols["t2m"] {
		if f := v.(float32); f != f {
			want.cols["t2m"][i] = nil
			nulls++
		}
	}
	if nulls != 2 {
		t.Fatalf("the test data has %d NaNs, want 2", nulls)
	}
	compare(t, got, want)
}

func TestDimOrder(t *testing.T) {
	ds, full := small(t)
	got, _ := collect(t, ds, arrowio.Options{DimOrder: []string{"x", "lat", "time"}, BatchRows: 5, Allocator: newMem(t)})
	// The rows of the default order, (time, lat, x), reordered.
	want := newTable()
	want.global = full.global
	for _, n := range []string{"x", "lat", "time", "height", "area", "t2m", "orog", "steps", "land"} {
		want.column(n, full.types[n], full.meta[n])
	}
	for x := range 4 {
		for y := range 2 {
			for it := range 3 {
				row := (it*2+y)*4 + x
				for _, n := range want.names {
					want.add(n, full.cols[n][row])
				}
			}
		}
	}
	compare(t, got, want)

	for _, order := range [][]string{{"x", "lat"}, {"x", "lat", "time", "x"}, {"x", "lat", "level"}} {
		if _, err := arrowio.Schema(ds, arrowio.Options{DimOrder: order}); !errors.Is(err, labels.ErrDims) && !errors.Is(err, labels.ErrDimNotFound) {
			t.Errorf("DimOrder %q: error %v, want ErrDims or ErrDimNotFound", order, err)
		}
	}
}

// timeDataset returns a dataset with a time dimension coordinate of the
// given calendar and a float64 variable along it.
func timeDataset(t *testing.T, cal, units string, dates []cftime.Date) *labels.Dataset {
	t.Helper()
	tv := must(t)(labels.TimeVariable("time", dates, units, cal))
	vals := make([]float64, len(dates))
	for i := range vals {
		vals[i] = float64(i) + 0.5
	}
	v := must(t)(labels.FromSlice([]string{"time"}, vals, nil))
	ds, err := labels.NewDataset(labels.Vars{{Name: "v", Var: v}}, labels.Vars{{Name: "time", Var: tv}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func TestCalendars(t *testing.T) {
	d := func(y, m, day, h int) cftime.Date { return cftime.Date{Year: y, Month: m, Day: day, Hour: h} }
	for _, tc := range []struct {
		name, cal, units string
		dates            []cftime.Date
		typ, calendar    string
		want             []any
	}{
		{"standard", "standard", "days since 1850-01-01", []cftime.Date{d(2000, 1, 16, 12), d(2000, 2, 29, 0), d(1582, 10, 15, 6)},
			"timestamp[us, tz=UTC]", "standard", []any{micros(2000, 1, 16, 12, 0, 0), micros(2000, 2, 29, 0, 0, 0), micros(1582, 10, 15, 6, 0, 0)}},
		{"gregorian alias", "gregorian", "hours since 1970-01-01", []cftime.Date{d(1969, 12, 31, 23), d(1970, 1, 1, 1)},
			"timestamp[us, tz=UTC]", "standard", []any{int64(-3600e6), int64(3600e6)}},
		{"proleptic gregorian before 1582", "proleptic_gregorian", "days since 1500-01-01", []cftime.Date{d(1500, 3, 1, 0), d(1600, 2, 29, 0)},
			"timestamp[us, tz=UTC]", "proleptic_gregorian", []any{micros(1500, 3, 1, 0, 0, 0), micros(1600, 2, 29, 0, 0, 0)}},
		{"standard with Julian dates", "standard", "days since 1500-01-01", []cftime.Date{d(1500, 2, 29, 0), d(1582, 10, 4, 0), d(1582, 10, 15, 0)},
			"utf8", "standard", []any{"1500-02-29 00:00:00", "1582-10-04 00:00:00", "1582-10-15 00:00:00"}},
		{"360_day", "360_day", "days since 2000-01-01", []cftime.Date{d(2000, 1, 16, 12), d(2000, 2, 30, 0), d(2000, 12, 30, 0)},
			"utf8", "360_day", []any{"2000-01-16 12:00:00", "2000-02-30 00:00:00", "2000-12-30 00:00:00"}},
		{"noleap", "noleap", "days since 0001-01-01", []cftime.Date{d(2000, 2, 28, 0), d(2000, 3, 1, 0), d(1, 1, 1, 0)},
			"utf8", "noleap", []any{"2000-02-28 00:00:00", "2000-03-01 00:00:00", "0001-01-01 00:00:00"}},
		{"365_day alias", "365_day", "hours since 1900-01-01", []cftime.Date{d(1900, 1, 1, 6)},
			"utf8", "noleap", []any{"1900-01-01 06:00:00"}},
		{"julian", "julian", "days since 1900-01-01", []cftime.Date{d(1900, 2, 29, 0)},
			"utf8", "julian", []any{"1900-02-29 00:00:00"}},
		{"all_leap", "all_leap", "days since 2001-01-01", []cftime.Date{d(2001, 2, 29, 0)},
			"utf8", "all_leap", []any{"2001-02-29 00:00:00"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds := timeDataset(t, tc.cal, tc.units, tc.dates)
			mem := newMem(t)
			want := newTable()
			want.column("time", tc.typ, map[string]string{"calendar": tc.calendar})
			want.column("v", "float64", nil)
			want.cols["time"] = tc.want
			for i := range tc.want {
				want.add("v", float64(i)+0.5)
			}
			got, _ := collect(t, ds, arrowio.Options{Allocator: mem})
			compare(t, got, want)
			var ipcBuf, pqBuf bytes.Buffer
			if err := arrowio.WriteIPC(t.Context(), &ipcBuf, ds, arrowio.Options{Allocator: mem}); err != nil {
				t.Fatal(err)
			}
			got, _ = readIPC(t, ipcBuf.Bytes(), mem)
			compare(t, got, want)
			if err := arrowio.WriteParquet(t.Context(), &pqBuf, ds, arrowio.Options{Allocator: mem}); err != nil {
				t.Fatal(err)
			}
			got, _, _ = readParquet(t, pqBuf.Bytes(), mem)
			compare(t, got, want)
		})
	}
}

// TestTimeNulls checks NaN times (NaT) in time variables that are not
// dimension coordinates, in memory and lazy: null in both kinds of
// column. A lazy standard-calendar variable with a Julian date cannot be
// checked up front, and fails with ErrTimestamp.
func TestTimeNulls(t *testing.T) {
	ds, want := timeNulls(t)
	mem := newMem(t)
	got, _ := collect(t, ds, arrowio.Options{Allocator: mem})
	compare(t, got, want)
	var buf bytes.Buffer
	if err := arrowio.WriteParquet(t.Context(), &buf, ds, arrowio.Options{Allocator: mem}); err != nil {
		t.Fatal(err)
	}
	got, _, _ = readParquet(t, buf.Bytes(), mem)
	compare(t, got, want)

	x := must(t)(labels.FromSlice([]string{"x"}, []int64{10, 20, 30}, nil))
	raw, _ := ndarray.FromSlice([]float64{math.NaN(), 41, 0})
	lz, _ := chunk.FromArray(raw, chunk.Regular([]int{3}, []int{1}))
	julian := must(t)(labels.NewVariable([]string{"x"}, lz, nil)).WithEncoding(labels.Encoding{Units: "days since 1582-10-01", Calendar: "standard"})
	ds, err := labels.NewDataset(labels.Vars{{Name: "valid", Var: julian}}, labels.Vars{{Name: "x", Var: x}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = arrowio.Batches(t.Context(), ds, arrowio.Options{Allocator: mem}, func(arrow.RecordBatch) error { return nil })
	if !errors.Is(err, arrowio.ErrTimestamp) {
		t.Errorf("lazy Julian date: error %v, want ErrTimestamp", err)
	}
	// Computed first, the same dates are checked up front and become strings
	// (41 days after 1582-10-01 crosses the ten dropped days).
	computed, err := ds.Compute(t.Context(), chunk.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = collect(t, computed, arrowio.Options{Allocator: mem})
	if got.types["valid"] != "utf8" || got.cols["valid"][0] != nil || got.cols["valid"][1] != "1582-11-21 00:00:00" || got.cols["valid"][2] != "1582-10-01 00:00:00" {
		t.Errorf("computed Julian dates: %s %v", got.types["valid"], got.cols["valid"])
	}
}

// TestStreaming checks that a dataset of many blocks is emitted as many
// batches, every block computed once, as the batches need them, within
// the memory of about one batch.
func TestStreaming(t *testing.T) {
	const nt, ny, nx, tc = 40, 10, 15, 4 // 10 blocks of 600 rows
	for _, c := range []struct {
		name    string
		rows    int
		batches int
		size    int
	}{
		{"several batches per block", 250, 40, 150},
		{"two blocks per batch", 1300, 5, 1200},
	} {
		t.Run(c.name, func(t *testing.T) {
			loads := make([]atomic.Int32, nt/tc)
			var emitted atomic.Int32
			loadedAfter := make([]int32, nt/tc) // batches emitted before each block's load
			v := counted(t, nt, ny, nx, tc, loads, -1, func(b int) { loadedAfter[b] = emitted.Load() })
			ds, err := labels.NewDataset(labels.Vars{{Name: "v", Var: v}}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			checked := newMem(t)
			peak := &peakAllocator{Allocator: checked}
			var rows, total int
			opts := arrowio.Options{BatchRows: c.rows, Allocator: peak, Compute: chunk.Options{Options: scheduler.Options{Workers: 2}}}
			err = arrowio.Batches(t.Context(), ds, opts, func(rec arrow.RecordBatch) error {
				if int(rec.NumRows()) != c.size {
					t.Errorf("batch %d has %d rows, want %d", emitted.Load(), rec.NumRows(), c.size)
				}
				tt, y, x := rec.Column(0).(interface{ Value(int) int64 }), rec.Column(1).(interface{ Value(int) int64 }), rec.Column(2).(interface{ Value(int) int64 })
				vals := values(t, rec.Column(3))
				for i := range int(rec.NumRows()) {
					if want := float64(tt.Value(i)*10000 + y.Value(i)*100 + x.Value(i)); vals[i] != want {
						t.Fatalf("row %d: v(%d, %d, %d) = %v, want %v", rows+i, tt.Value(i), y.Value(i), x.Value(i), vals[i], want)
					}
					if r := int64(rows + i); tt.Value(i) != r/(ny*nx) || y.Value(i) != r/nx%ny || x.Value(i) != r%nx {
						t.Fatalf("row %d is (%d, %d, %d): not in row-major order", r, tt.Value(i), y.Value(i), x.Value(i))
					}
				}
				for _, col := range rec.Columns() {
					for _, b := range col.Data().Buffers() {
						if b != nil {
							total += b.Len()
						}
					}
				}
				rows += int(rec.NumRows())
				emitted.Add(1)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if rows != nt*ny*nx || int(emitted.Load()) != c.batches {
				t.Errorf("%d rows in %d batches, want %d in %d", rows, emitted.Load(), nt*ny*nx, c.batches)
			}
			for b := range loads {
				if n := loads[b].Load(); n != 1 {
					t.Errorf("block %d loaded %d times, want once", b, n)
				}
			}
			if last := loadedAfter[len(loadedAfter)-1]; last == 0 {
				t.Errorf("the last block was loaded before any batch was emitted: the table was not streamed")
			}
			// One batch is total/batches bytes; allow three (a batch being
			// built while the consumer holds the previous one, and padding).
			t.Logf("peak allocation %d bytes; one batch %d, the table %d", peak.peak, total/c.batches, total)
			if limit := 3 * total / c.batches; peak.peak > limit {
				t.Errorf("peak allocation %d bytes, more than %d (3 batches of %d); whole table %d", peak.peak, limit, total/c.batches, total)
			}
		})
	}
}

func TestCancel(t *testing.T) {
	loads := make([]atomic.Int32, 10)
	ds, err := labels.NewDataset(labels.Vars{{Name: "v", Var: counted(t, 40, 2, 3, 4, loads, -1, nil)}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancelCause(t.Context())
	stop := errors.New("enough")
	n := 0
	err = arrowio.Batches(ctx, ds, arrowio.Options{BatchRows: 24, Allocator: newMem(t)}, func(arrow.RecordBatch) error {
		if n++; n == 2 {
			cancel(stop)
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 2 {
		t.Errorf("after cancelling at batch 2: %d batches, error %v, want the cause %v", n, err, stop)
	}
	// An error from fn ends the export and is returned as it is.
	n = 0
	err = arrowio.Batches(t.Context(), ds, arrowio.Options{BatchRows: 24, Allocator: newMem(t)}, func(arrow.RecordBatch) error {
		n++
		return stop
	})
	if err != stop || n != 1 {
		t.Errorf("fn failing: %d batches, error %v, want %v after one", n, err, stop)
	}
}

// TestWriteFileAtomic checks that the path helpers leave the target
// untouched (absent, or as it was) and no temporary file when an export
// fails, and write a complete file otherwise.
func TestWriteFileAtomic(t *testing.T) {
	for _, w := range []struct {
		name  string
		write func(context.Context, string, *labels.Dataset, arrowio.Options) error
		check func(t *testing.T, data []byte, mem memory.Allocator) int
	}{
		{"ipc", arrowio.WriteIPCFile, func(t *testing.T, data []byte, mem memory.Allocator) int {
			got, _ := readIPC(t, data, mem)
			return got.rows()
		}},
		{"parquet", arrowio.WriteParquetFile, func(t *testing.T, data []byte, mem memory.Allocator) int {
			got, _, _ := readParquet(t, data, mem)
			return got.rows()
		}},
	} {
		t.Run(w.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out."+w.name)
			mem := newMem(t)
			loads := make([]atomic.Int32, 10)
			bad, err := labels.NewDataset(labels.Vars{{Name: "v", Var: counted(t, 40, 2, 3, 4, loads, 7, nil)}}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			opts := arrowio.Options{BatchRows: 24, Allocator: mem}
			if err := w.write(t.Context(), path, bad, opts); err == nil {
				t.Fatal("export of a dataset whose block 7 fails succeeded")
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Fatalf("failed export left %v in the directory", entries)
			}
			if err := os.WriteFile(path, []byte("previous"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := w.write(t.Context(), path, bad, opts); err == nil {
				t.Fatal("export of a dataset whose block 7 fails succeeded")
			}
			if data, _ := os.ReadFile(path); string(data) != "previous" {
				t.Errorf("failed export changed the existing file to %d bytes", len(data))
			}
			good, err := labels.NewDataset(labels.Vars{{Name: "v", Var: counted(t, 40, 2, 3, 4, loads, -1, nil)}}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.write(t.Context(), path, good, opts); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if n := w.check(t, data, mem); n != 240 {
				t.Errorf("file has %d rows, want 240", n)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("directory holds %v, want the file alone", entries)
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
				t.Errorf("file mode %v (%v), want 0644", fi.Mode(), err)
			}
		})
	}
}

func TestEdgeCases(t *testing.T) {
	t.Run("duplicate column", func(t *testing.T) {
		x := must(t)(labels.FromSlice([]string{"x"}, []float64{1, 2}, nil))
		ds, err := labels.NewDataset(labels.Vars{{Name: "x", Var: x}}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := arrowio.Schema(ds, arrowio.Options{}); !errors.Is(err, arrowio.ErrColumns) {
			t.Errorf("data variable named as a dimension without coordinate: %v, want ErrColumns", err)
		}
	})
	t.Run("no dimensions", func(t *testing.T) {
		s := must(t)(labels.FromArray([]string{}, ndarray.Scalar(int16(7)), nil))
		ds, err := labels.NewDataset(labels.Vars{{Name: "s", Var: s}}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, sizes := collect(t, ds, arrowio.Options{Allocator: newMem(t)})
		if len(sizes) != 1 || sizes[0] != 1 || got.types["s"] != "int16" {
			t.Errorf("scalar dataset: batches %v, type %s, want one row of int16", sizes, got.types["s"])
		}
	})
	t.Run("empty dimension", func(t *testing.T) {
		e := must(t)(labels.FromSlice([]string{"x", "y"}, []float32{}, nil, 3, 0))
		ds, err := labels.NewDataset(labels.Vars{{Name: "e", Var: e}}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		mem := newMem(t)
		_, sizes := collect(t, ds, arrowio.Options{Allocator: mem})
		if len(sizes) != 0 {
			t.Errorf("empty dataset gave batches %v", sizes)
		}
		var buf bytes.Buffer
		if err := arrowio.WriteIPC(t.Context(), &buf, ds, arrowio.Options{Allocator: mem}); err != nil {
			t.Fatal(err)
		}
		got, n := readIPC(t, buf.Bytes(), mem)
		if n != 0 || len(got.names) != 3 {
			t.Errorf("empty IPC file: %d batches, columns %q", n, got.names)
		}
	})
}
