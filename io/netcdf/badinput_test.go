package netcdf_test

import (
	"context"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/tesseradata/tessera/io/netcdf"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/ndarray"
)

// Crafted classic headers, for files netCDF-C would not write.

type hDim struct {
	name string
	len  int64 // 0: the record dimension
}

type hVar struct {
	name  string
	dims  []int
	typ   uint32 // NC_BYTE 1 ... NC_DOUBLE 6, NC_UBYTE 7 ... NC_UINT64 11
	begin int64
}

// cdfHeader encodes a header (no attributes) of version 1 (classic), 2
// (64-bit offset) or 5 (CDF-5); vsize is written as given sizes compute,
// saturated to 2^32-1 in CDF-1 and CDF-2.
func cdfHeader(version byte, numrecs int64, dims []hDim, vars []hVar) []byte {
	var b []byte
	be := binary.BigEndian
	n := func(v int64) {
		if version == 5 {
			b = be.AppendUint64(b, uint64(v))
		} else {
			b = be.AppendUint32(b, uint32(v))
		}
	}
	name := func(s string) {
		n(int64(len(s)))
		b = append(b, s...)
		for len(b)%4 != 0 {
			b = append(b, 0)
		}
	}
	b = append(b, 'C', 'D', 'F', version)
	n(numrecs)
	if len(dims) == 0 {
		b = be.AppendUint32(b, 0)
	} else {
		b = be.AppendUint32(b, 0x0A)
	}
	n(int64(len(dims)))
	for _, d := range dims {
		name(d.name)
		n(d.len)
	}
	b = be.AppendUint32(b, 0) // no global attributes
	n(0)
	if len(vars) == 0 {
		b = be.AppendUint32(b, 0)
	} else {
		b = be.AppendUint32(b, 0x0B)
	}
	n(int64(len(vars)))
	sizes := map[uint32]uint64{1: 1, 2: 1, 3: 2, 4: 4, 5: 4, 6: 8, 7: 1, 8: 2, 9: 4, 10: 8, 11: 8}
	for _, v := range vars {
		name(v.name)
		n(int64(len(v.dims)))
		vsize := sizes[v.typ]
		for _, id := range v.dims {
			n(int64(id))
			if l := dims[id].len; l > 0 {
				vsize *= uint64(l)
			}
		}
		b = be.AppendUint32(b, 0) // no attributes
		n(0)
		b = be.AppendUint32(b, v.typ)
		if version != 5 && vsize > 1<<32-1 {
			vsize = 1<<32 - 1
		}
		n(int64(vsize))
		if version == 1 {
			b = be.AppendUint32(b, uint32(v.begin))
		} else {
			b = be.AppendUint64(b, uint64(v.begin))
		}
	}
	return b
}

func writeBytes(t testing.TB, path string, b []byte) string {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// bigDataset is a dataset of 20,000 float64 values, to cut in half.
func bigDataset(t *testing.T) *labels.Dataset {
	t.Helper()
	vals := make([]float64, 20000)
	for i := range vals {
		vals[i] = float64(i) * 0.37
	}
	x := must[*labels.Variable](t)(labels.FromSlice([]string{"time", "y"}, vals, labels.Attrs{{Name: "units", Value: "K"}}, 100, 200))
	return must[*labels.Dataset](t)(labels.NewDataset(labels.Vars{{Name: "x", Var: x}}, nil, labels.Attrs{{Name: "title", Value: "half of me is missing"}}))
}

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	f()
	runtime.ReadMemStats(&m1)
	return m1.TotalAlloc - m0.TotalAlloc
}

// TestOpenBadInput checks that Open refuses what is not a readable
// netCDF file with a one-line FileError naming the path, without
// panicking and without allocating what a header claims.
func TestOpenBadInput(t *testing.T) {
	dir := t.TempDir()
	half := func(name string, f netcdf.Format) string {
		p := filepath.Join(dir, name)
		if err := netcdf.Write(context.Background(), bigDataset(t), p, netcdf.WriteOptions{Format: f, Unlimited: "time"}); err != nil {
			t.Fatal(err)
		}
		b := must[[]byte](t)(os.ReadFile(p))
		return writeBytes(t, p, b[:len(b)/2])
	}
	const maxInt32 = 1<<31 - 1
	cases := []struct {
		name   string
		path   string
		target error // also wrapped, when not nil
	}{
		{"truncated classic", half("classic.nc", netcdf.Classic), nil},
		{"truncated 64-bit offset", half("offset64.nc", netcdf.Offset64), nil},
		{"truncated netCDF-4", half("nc4.nc", netcdf.NetCDF4), nil},
		{"truncated netCDF-4 classic", half("nc4c.nc", netcdf.NetCDF4Classic), nil},
		{"text", writeBytes(t, filepath.Join(dir, "text.nc"), []byte("Lorem ipsum dolor sit amet,\nconsectetur adipiscing elit.\n")), netcdf.ErrNotNetCDF},
		{"empty", writeBytes(t, filepath.Join(dir, "empty.nc"), nil), netcdf.ErrNotNetCDF},
		{"short magic", writeBytes(t, filepath.Join(dir, "cd.nc"), []byte("CD")), netcdf.ErrNotNetCDF},
		{"magic only", writeBytes(t, filepath.Join(dir, "cdf.nc"), []byte("CDF\x01")), nil},
		{"bad version", writeBytes(t, filepath.Join(dir, "cdf9.nc"), []byte("CDF\x09\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00")), nil},
		{"HDF5 magic and garbage", writeBytes(t, filepath.Join(dir, "hdf.nc"), append([]byte("\x89HDF\r\n\x1a\n"), make([]byte, 600)...)), nil},
		{"nonexistent", filepath.Join(dir, "no-such-file.nc"), fs.ErrNotExist},
		{"directory", dir, nil},
		{"huge fixed variable", writeBytes(t, filepath.Join(dir, "huge.nc"), cdfHeader(1, 0,
			[]hDim{{"x", maxInt32}, {"y", maxInt32}}, []hVar{{"v", []int{0, 1}, 6, 200}})), nil},
		{"huge record variable", writeBytes(t, filepath.Join(dir, "hugerec.nc"), cdfHeader(2, 1,
			[]hDim{{"t", 0}, {"x", maxInt32}}, []hVar{{"v", []int{0, 1}, 6, 200}})), nil},
		{"huge CDF-5 dimensions", writeBytes(t, filepath.Join(dir, "huge5.nc"), cdfHeader(5, 0,
			[]hDim{{"x", 1 << 40}, {"y", 1 << 40}}, []hVar{{"v", []int{0, 1}, 11, 200}})), nil},
		{"CDF-5 dimension beyond 2^40", writeBytes(t, filepath.Join(dir, "dim5.nc"), cdfHeader(5, 0,
			[]hDim{{"x", 1<<40 + 1}}, nil)), nil},
		{"records beyond the file", writeBytes(t, filepath.Join(dir, "recs.nc"), cdfHeader(1, 1<<30,
			[]hDim{{"t", 0}}, []hVar{{"v", []int{0}, 5, 100}})), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			if n := allocated(func() { _, err = netcdf.Open(c.path) }); n > 64<<20 {
				t.Errorf("Open allocated %d bytes", n)
			}
			checkFileError(t, err, c.path)
			if c.target != nil && !errors.Is(err, c.target) {
				t.Errorf("%v is not %v", err, c.target)
			}
			t.Log(err)
		})
	}
}

// checkFileError checks an error: a FileError for path, in one line
// naming it.
func checkFileError(t *testing.T, err error, path string) {
	t.Helper()
	oneLine(t, err, path)
	var fe *netcdf.FileError
	if !errors.As(err, &fe) || fe.Path != path {
		t.Errorf("%v: not a FileError for %s", err, path)
	}
}

// TestHugeButEmpty opens a crafted header whose record variable has a
// dimension of 2^31-1 and no records: valid, and empty. Neither opening
// nor computing may allocate what the dimension suggests.
func TestHugeButEmpty(t *testing.T) {
	for _, version := range []byte{1, 2, 5} {
		path := writeBytes(t, filepath.Join(t.TempDir(), "empty.nc"), cdfHeader(version, 0,
			[]hDim{{"time", 0}, {"x", 1<<31 - 1}}, []hVar{{"v", []int{0, 1}, 6, 300}, {"w", []int{0}, 3, 300}}))
		var ds *labels.Dataset
		var err error
		n := allocated(func() {
			if ds, err = netcdf.Open(path); err != nil {
				return
			}
			for _, name := range []string{"v", "w"} {
				var v *labels.Variable
				if v, err = ds.Variable(name); err != nil {
					return
				}
				var a *ndarray.Array
				if a, err = v.Values(context.Background(), computeOpts); err != nil {
					return
				}
				if a.Size() != 0 {
					t.Errorf("CDF-%d: %s has %d values", version, name, a.Size())
				}
			}
		})
		if err != nil {
			t.Fatalf("CDF-%d: %v", version, err)
		}
		if n > 64<<20 {
			t.Errorf("CDF-%d: allocated %d bytes", version, n)
		}
		if s := ds.Sizes(); s["time"] != 0 || s["x"] != 1<<31-1 {
			t.Errorf("CDF-%d: sizes %v", version, s)
		}
	}
}

// TestTruncatedAfterOpen cuts a file after Open: computing then fails
// with an error naming the file, in one line.
func TestTruncatedAfterOpen(t *testing.T) {
	for _, f := range []netcdf.Format{netcdf.Classic, netcdf.Offset64, netcdf.NetCDF4} {
		path := filepath.Join(t.TempDir(), "cut.nc")
		if err := netcdf.Write(context.Background(), bigDataset(t), path, netcdf.WriteOptions{Format: f}); err != nil {
			t.Fatal(err)
		}
		ds := must[*labels.Dataset](t)(netcdf.Open(path))
		st := must[os.FileInfo](t)(os.Stat(path))
		if err := os.Truncate(path, st.Size()/2); err != nil {
			t.Fatal(err)
		}
		_, err := variable(t, ds, "x").Values(context.Background(), computeOpts)
		oneLine(t, err, path, `"x"`)
		t.Log(err)
		// And removed.
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		_, err = variable(t, ds, "x").Values(context.Background(), computeOpts)
		oneLine(t, err, path)
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%v is not fs.ErrNotExist", err)
		}
	}
}
