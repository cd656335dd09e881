package netcdf_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/tesseradata/tessera/io/netcdf"
	"github.com/tesseradata/tessera/labels"
)

// lazyValues are the values of the data variable of TestOpenIsLazy, and
// what the test overwrites them with on disk: distinctive enough to be
// found in the file's bytes.
func lazyValues(base float64) []float64 {
	v := make([]float64, 64)
	for i := range v {
		v[i] = base + float64(i)/1024
	}
	return v
}

// replaceAll replaces the one occurrence of the encoding of old in b with
// that of new, failing the test if there is not exactly one.
func replaceAll(t *testing.T, b []byte, order binary.AppendByteOrder, old, new []float64) []byte {
	t.Helper()
	enc := func(v []float64) []byte {
		var out []byte
		for _, x := range v {
			out = order.AppendUint64(out, math.Float64bits(x))
		}
		return out
	}
	o, n := enc(old), enc(new)
	if c := bytes.Count(b, o); c != 1 {
		t.Fatalf("the values occur %d times in the file", c)
	}
	return bytes.Replace(b, o, n, 1)
}

// TestOpenIsLazy proves that Open reads the header and coordinates, not
// the data: after Open, the data's bytes are overwritten on disk (the
// header and the size stay), and computing the variable gives the new
// values; the coordinate, read at Open, keeps the old ones.
func TestOpenIsLazy(t *testing.T) {
	for _, c := range []struct {
		name   string
		format netcdf.Format
		order  binary.AppendByteOrder
	}{
		{"classic", netcdf.Classic, binary.BigEndian},
		{"64-bit offset", netcdf.Offset64, binary.BigEndian},
		// Uncompressed netCDF-4 stores the values as they are, in the
		// machine's order.
		{"netCDF-4", netcdf.NetCDF4, binary.LittleEndian},
	} {
		t.Run(c.name, func(t *testing.T) {
			oldX, newX := lazyValues(1000), lazyValues(-7000)
			oldC, newC := lazyValues(50), lazyValues(90)
			x := must[*labels.Variable](t)(labels.FromSlice([]string{"c"}, oldX, nil))
			co := must[*labels.Variable](t)(labels.FromSlice([]string{"c"}, oldC, nil))
			ds := must[*labels.Dataset](t)(labels.NewDataset(labels.Vars{{Name: "x", Var: x}}, labels.Vars{{Name: "c", Var: co}}, nil))
			path := filepath.Join(t.TempDir(), "lazy.nc")
			if err := netcdf.Write(context.Background(), ds, path, netcdf.WriteOptions{Format: c.format}); err != nil {
				t.Fatal(err)
			}
			opened := must[*labels.Dataset](t)(netcdf.Open(path))

			b := must[[]byte](t)(os.ReadFile(path))
			b = replaceAll(t, b, c.order, oldX, newX)
			b = replaceAll(t, b, c.order, oldC, newC)
			// Rewritten in place: same inode, same size.
			f := must[*os.File](t)(os.OpenFile(path, os.O_WRONLY, 0))
			if _, err := f.WriteAt(b, 0); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}

			compareFloats(t, "x computed after the rewrite", values(t, variable(t, opened, "x")), newX, nil)
			compareFloats(t, "coordinate c, read at Open", values(t, variable(t, opened, "c")), oldC, nil)
			// A fresh Open sees the new coordinate.
			compareFloats(t, "c opened again", values(t, variable(t, must[*labels.Dataset](t)(netcdf.Open(path)), "c")), newC, nil)
		})
	}
}
