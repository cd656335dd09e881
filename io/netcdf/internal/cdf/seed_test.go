package cdf

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	nc "github.com/fhs/go-netcdf/netcdf"
)

var update = flag.Bool("update", false, "rewrite testdata/*.nc with netCDF-C (go generate runs this)")

// seedFiles are the small files in testdata, one per format: the
// fuzzer's seeds and the example's input. Each is an ERA-like file: a
// grid of 2 latitudes and 3 longitudes, 2 time steps of packed 2 m
// temperature, CF attributes; the CDF-5 one adds an unsigned mask and a
// 64-bit attribute.
var seedFiles = map[Format]string{
	Classic:  "testdata/classic.nc",
	Offset64: "testdata/offset64.nc",
	CDF5:     "testdata/cdf5.nc",
}

// seedT2m is the packed t2m of the seed files: t2m[t][y][x] = seedT2m(t, y, x).
func seedT2m(t, y, x int) int16 { return int16(-1000 + 100*t + 10*y + x) }

func writeSeed(t *testing.T, path string, f Format) {
	ds, err := nc.CreateFile(path, createMode(f))
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	tm, err := ds.AddDim("time", 0)
	must(err)
	lat, err := ds.AddDim("latitude", 2)
	must(err)
	lon, err := ds.AddDim("longitude", 3)
	must(err)
	must(ds.Attr("Conventions").WriteBytes([]byte("CF-1.6")))
	must(ds.Attr("history").WriteBytes([]byte("written by the cdf package's TestSeedFiles -update")))
	if f == CDF5 {
		must(ds.Attr("checksum").WriteUint64s([]uint64{1 << 63}))
	}
	vlon, err := ds.AddVar("longitude", nc.FLOAT, []nc.Dim{lon})
	must(err)
	must(vlon.Attr("units").WriteBytes([]byte("degrees_east")))
	vlat, err := ds.AddVar("latitude", nc.FLOAT, []nc.Dim{lat})
	must(err)
	must(vlat.Attr("units").WriteBytes([]byte("degrees_north")))
	vt, err := ds.AddVar("time", nc.INT, []nc.Dim{tm})
	must(err)
	must(vt.Attr("units").WriteBytes([]byte("hours since 1900-01-01 00:00:0.0")))
	must(vt.Attr("calendar").WriteBytes([]byte("gregorian")))
	v, err := ds.AddVar("t2m", nc.SHORT, []nc.Dim{tm, lat, lon})
	must(err)
	must(v.Attr("scale_factor").WriteFloat64s([]float64{0.01}))
	must(v.Attr("add_offset").WriteFloat64s([]float64{273.15}))
	must(v.Attr("_FillValue").WriteInt16s([]int16{-32767}))
	must(v.Attr("units").WriteBytes([]byte("K")))
	must(v.Attr("long_name").WriteBytes([]byte("2 metre temperature")))
	var mask nc.Var
	if f == CDF5 {
		mask, err = ds.AddVar("mask", nc.UBYTE, []nc.Dim{lat, lon})
		must(err)
	}
	must(ds.EndDef())
	must(vlon.WriteFloat32s([]float32{0, 120, 240}))
	must(vlat.WriteFloat32s([]float32{45, -45}))
	must(vt.WriteInt32At([]uint64{1}, 1000006))
	must(vt.WriteInt32At([]uint64{0}, 1000000))
	var t2m []int16
	for ti := range 2 {
		for y := range 2 {
			for x := range 3 {
				t2m = append(t2m, seedT2m(ti, y, x))
			}
		}
	}
	must(v.WriteInt16Slice(t2m, []uint64{0, 0, 0}, []uint64{2, 2, 3}))
	if f == CDF5 {
		must(mask.WriteUint8s([]uint8{1, 0, 255, 1, 1, 0}))
	}
	must(ds.Close())
}

// TestSeedFiles checks the seed files, and with -update rewrites them.
func TestSeedFiles(t *testing.T) {
	for f, path := range seedFiles {
		if *update {
			writeSeed(t, path, f)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (go generate writes it)", err)
		}
		h, err := ReadHeader(&recorder{b: b}, int64(len(b)))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if h.Format != f || h.NumRecs != 2 || len(h.Dims) != 3 {
			t.Errorf("%s: format %s, %d records, %d dimensions", path, h.Format, h.NumRecs, len(h.Dims))
		}
		v := varIndex(h, "t2m")
		raw := make([]byte, 2*2*3*2)
		if err := ReadRaw(&recorder{b: b}, h, v, []int64{0, 0, 0}, []int64{2, 2, 3}, raw); err != nil {
			t.Fatal(err)
		}
		var got, want []uint64
		got = bitsOf(Short, raw)
		for ti := range 2 {
			for y := range 2 {
				for x := range 3 {
					want = append(want, uint64(uint16(seedT2m(ti, y, x))))
				}
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: t2m = %x, want %x", filepath.Base(path), got, want)
		}
	}
}
