package netcdf_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/io/netcdf"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/labels/cftime"
	"github.com/tesseradata/tessera/ndarray"
)

// fuzzSeedDataset is a small dataset with what CF decoding looks at: a
// record dimension, a time coordinate with units, calendar and bounds, a
// packed variable with a fill value, a float variable with two missing
// values, an integer one, a scalar and text attributes.
func fuzzSeedDataset(tb testing.TB) *labels.Dataset {
	tb.Helper()
	fail := func(err error) {
		if err != nil {
			tb.Fatal(err)
		}
	}
	dates := []cftime.Date{{Year: 2001, Month: 1, Day: 1}, {Year: 2001, Month: 1, Day: 1, Hour: 6}, {Year: 2001, Month: 1, Day: 1, Hour: 12}}
	tv, err := labels.TimeVariable("time", dates, "hours since 2001-01-01", "360_day")
	fail(err)
	tv = tv.WithAttrs(labels.Attrs{{Name: "bounds", Value: "time_bnds"}})
	tbv, err := labels.FromSlice([]string{"time", "nv"}, []float64{-3, 3, 3, 9, 9, 15}, nil, 3, 2)
	fail(err)
	lat, err := labels.FromSlice([]string{"lat"}, []float32{-10, 10}, labels.Attrs{{Name: "units", Value: "degrees_north"}})
	fail(err)
	vals := []float32{280, 281.5, float32(math.NaN()), 283, 284, 285}
	t2m, err := labels.FromSlice([]string{"time", "lat"}, vals, labels.Attrs{{Name: "long_name", Value: "t"}}, 3, 2)
	fail(err)
	t2m = t2m.WithEncoding(labels.Encoding{Codec: &ndarray.Codec{Stored: ndarray.Int16, Decoded: ndarray.Float32, Scale: 0.5, Offset: 280, Missing: []float64{-32767}}})
	pr, err := labels.FromSlice([]string{"time", "lat"}, []float64{1, 2, 3, math.NaN(), 5, 6}, nil, 3, 2)
	fail(err)
	pr = pr.WithEncoding(labels.Encoding{Codec: &ndarray.Codec{Stored: ndarray.Float64, Decoded: ndarray.Float64, Missing: []float64{-1, -2}}})
	n, err := labels.FromSlice([]string{"lat"}, []int8{-1, 7}, labels.Attrs{{Name: "flag_values", Value: []int8{1, 2}}})
	fail(err)
	h, err := labels.FromArray(nil, ndarray.Full(ndarray.Float32, 2), nil)
	fail(err)
	ds, err := labels.NewDataset(
		labels.Vars{{Name: "t2m", Var: t2m}, {Name: "pr", Var: pr}, {Name: "n", Var: n}, {Name: "h", Var: h}, {Name: "time_bnds", Var: tbv}},
		labels.Vars{{Name: "time", Var: tv}, {Name: "lat", Var: lat}},
		labels.Attrs{{Name: "title", Value: "fuzz seed"}})
	fail(err)
	return ds
}

// FuzzOpen writes mutated classic files (seeded by fuzzSeeds), opens them with Open and, when that succeeds,
// computes every variable and the mean of each (the raw-bytes fold)
// when it has at most 10^6 elements. It must never panic or hang, and
// every error from Open must be a one-line FileError naming the file.
//
// HDF5 files are not fed to libnetcdf: a crash in its C parser is not
// this package's to fix, and cannot be recovered from.
// fuzzSeeds returns FuzzOpen's seeds: small files Write makes in the
// classic and 64-bit offset formats, the cdf package's files in the three
// classic formats, crafted CDF-5 headers, and STREAMING variants. All but
// the last open (TestFuzzSeeds).
func fuzzSeeds(tb testing.TB) [][]byte {
	tb.Helper()
	dir := tb.TempDir()
	var seeds [][]byte
	for i, format := range []netcdf.Format{netcdf.Classic, netcdf.Offset64} {
		for _, unlim := range []string{"", "time"} {
			p := filepath.Join(dir, "seed.nc")
			if err := netcdf.Write(context.Background(), fuzzSeedDataset(tb), p, netcdf.WriteOptions{Format: format, Unlimited: unlim, History: "fuzz seed"}); err != nil {
				tb.Fatal(err)
			}
			b, err := os.ReadFile(p)
			if err != nil {
				tb.Fatal(err)
			}
			seeds = append(seeds, b)
			if i == 0 && unlim != "" {
				s := bytes.Clone(b)
				copy(s[4:8], []byte{0xFF, 0xFF, 0xFF, 0xFF}) // STREAMING
				seeds = append(seeds, s)
			}
		}
	}
	for _, name := range []string{"classic", "offset64", "cdf5"} {
		b, err := os.ReadFile(filepath.Join("internal", "cdf", "testdata", name+".nc"))
		if err != nil {
			tb.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	// CDF-5: a record variable of uint16 and a fixed int64 one, with data.
	h := cdfHeader(5, 2, []hDim{{"time", 0}, {"x", 3}}, []hVar{{"u", []int{0, 1}, 8, 0}, {"i", []int{1}, 10, 0}})
	hlen := int64(len(h))
	h = cdfHeader(5, 2, []hDim{{"time", 0}, {"x", 3}}, []hVar{{"u", []int{0, 1}, 8, hlen + 24}, {"i", []int{1}, 10, hlen}})
	data := binary.BigEndian.AppendUint64(nil, 1<<62)
	data = binary.BigEndian.AppendUint64(data, 5)
	data = binary.BigEndian.AppendUint64(data, math.MaxUint64)
	for i := range 2 * 3 {
		data = binary.BigEndian.AppendUint16(data, uint16(i*1000))
	}
	seeds = append(seeds, append(h, data...))
	seeds = append(seeds, cdfHeader(5, 0, []hDim{{"time", 0}, {"x", 1 << 31}}, []hVar{{"v", []int{0, 1}, 6, 200}}))

	return seeds
}

// TestFuzzSeeds checks that FuzzOpen starts from files that open and
// compute.
func TestFuzzSeeds(t *testing.T) {
	seeds := fuzzSeeds(t)
	for i, b := range seeds[:len(seeds)-1] {
		p := writeBytes(t, filepath.Join(t.TempDir(), "seed.nc"), b)
		ds, err := netcdf.Open(p)
		if err != nil {
			t.Errorf("seed %d: %v", i, err)
			continue
		}
		if len(ds.DataVars()) == 0 {
			t.Errorf("seed %d: no data variables", i)
		}
		for _, n := range ds.DataVars() {
			if _, err := variable(t, ds, n).Values(context.Background(), computeOpts); err != nil {
				t.Errorf("seed %d: %s: %v", i, n, err)
			}
		}
	}
}

func FuzzOpen(f *testing.F) {
	for _, b := range fuzzSeeds(f) {
		f.Add(b)
	}
	dir := scratchDir(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		if bytes.HasPrefix(b, []byte("\x89HDF")) {
			t.Skip("HDF5: not for the Go reader")
		}
		path := filepath.Join(dir, "fuzz.nc")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		ds, err := netcdf.Open(path)
		if err != nil {
			var fe *netcdf.FileError
			if !errors.As(err, &fe) || fe.Path != path || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q: not a one-line FileError for %s", err, path)
			}
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for _, name := range append(ds.Coords(), ds.DataVars()...) {
			v, err := ds.Variable(name)
			if err != nil {
				t.Fatal(err)
			}
			size := 1
			for _, n := range v.Shape() {
				size *= n
				if n > 1e6 {
					size = 1e6 + 1
				}
			}
			if size > 1e6 {
				continue
			}
			a, err := v.Values(ctx, chunk.Options{})
			if err == nil && !slices.Equal(a.Shape(), v.Shape()) {
				t.Fatalf("%s: computed %v, shape %v", name, a.Shape(), v.Shape())
			}
			if errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("%s: compute hangs", name)
			}
			if slices.Contains(ds.DataVars(), name) && v.DType() != ndarray.Bool {
				da, err := ds.Array(name)
				if err != nil {
					t.Fatal(err)
				}
				if m, err := da.Mean(); err == nil {
					if _, err := m.Values(ctx, chunk.Options{}); errors.Is(err, context.DeadlineExceeded) {
						t.Fatalf("%s: mean hangs", name)
					}
				}
			}
		}
	})
}

// scratchDir returns a directory for the fuzzer's one file per input: in
// /dev/shm when there is one, since on a disk mounted with discard every
// rewrite of the file waits for the device (a few per second).
func scratchDir(f *testing.F) string {
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		if d, err := os.MkdirTemp("/dev/shm", "tessera-fuzz-"); err == nil {
			f.Cleanup(func() { os.RemoveAll(d) })
			return d
		}
	}
	return f.TempDir()
}
