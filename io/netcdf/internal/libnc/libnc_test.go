package libnc

import (
	"errors"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

func TestLoad(t *testing.T) {
	if err := Load(); err != nil {
		t.Fatal(err)
	}
	if !Loaded() {
		t.Fatal("Loaded is false after Load")
	}
	if v := Version(); !strings.HasPrefix(v, "4.") {
		t.Fatalf("Version() = %q, want 4.x", v)
	}
}

func TestErrors(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "absent.nc"), NoWrite)
	if !errors.Is(err, fs.ErrNotExist) || err.Error() != "no such file or directory" {
		t.Fatalf("opening a missing file: %v, want the errno ENOENT", err)
	}
	if s := Error(-33).Error(); !strings.Contains(s, "NetCDF: Not a valid ID") {
		t.Fatalf("Error(-33) = %q, want libnetcdf's message for NC_EBADID", s)
	}
}

// TestRoundTrip writes a small file in each format through the binding
// and reads it back through it: dimensions, a variable with attributes
// (one of length 0), a hyperslab growing the unlimited dimension, and
// NC_STRING values in netCDF-4.
func TestRoundTrip(t *testing.T) {
	for _, mode := range []int{Clobber, Clobber | Offset64, Clobber | NetCDF4, Clobber | NetCDF4 | ClassicModel} {
		path := filepath.Join(t.TempDir(), "f.nc")
		f, err := Create(path, mode)
		if err != nil {
			t.Fatal(err)
		}
		check := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("mode %#x: %v", mode, err)
			}
		}
		check(f.SetNoFill())
		tdim, err := f.DefDim("time", 0)
		check(err)
		xdim, err := f.DefDim("x", 3)
		check(err)
		v, err := f.DefVar("v", Double, []int{tdim, xdim})
		check(err)
		units := []byte("K")
		check(f.PutAtt(v, "units", Char, len(units), unsafe.Pointer(&units[0])))
		check(f.PutAtt(v, "empty", Int, 0, nil))
		scale := []float32{0.5}
		check(f.PutAtt(Global, "scale", Float, 1, unsafe.Pointer(&scale[0])))
		nc4 := mode&NetCDF4 != 0 && mode&ClassicModel == 0
		var sv int
		if nc4 {
			check(f.DefChunking(v, []int{1, 3}))
			check(f.DefDeflate(v, true, true, 1))
			sv, err = f.DefVar("s", String, []int{xdim})
			check(err)
		}
		check(f.EndDef())
		data := []float64{1, 2, 3, 4, 5, 6}
		check(f.PutVara(v, []int{0, 0}, []int{2, 3}, unsafe.Pointer(&data[0])))
		if nc4 {
			check(f.PutStrings(sv, []int{0}, []int{3}, []string{"a", "", "ccc"}))
		}
		check(f.Close())

		g, err := Open(path, NoWrite)
		check(err)
		nd, err := g.NDims()
		check(err)
		ul, err := g.Unlimited()
		check(err)
		name, n, err := g.Dim(tdim)
		check(err)
		if nd != 2 || ul != tdim || name != "time" || n != 2 {
			t.Fatalf("mode %#x: %d dims, unlimited %d, dim %q of %d; want 2, %d, time of 2", mode, nd, ul, name, n, tdim)
		}
		id, err := g.VarID("v")
		check(err)
		vn, vt, vd, err := g.Var(id)
		check(err)
		if vn != "v" || vt != Double || !slices.Equal(vd, []int{tdim, xdim}) {
			t.Fatalf("mode %#x: variable %q %v %v", mode, vn, vt, vd)
		}
		got := make([]float64, 3)
		check(g.GetVara(id, []int{1, 0}, []int{1, 3}, unsafe.Pointer(&got[0])))
		if !slices.Equal(got, data[3:]) {
			t.Fatalf("mode %#x: read %v, want %v", mode, got, data[3:])
		}
		na, err := g.NAtts(id)
		check(err)
		an, err := g.AttName(id, 1)
		check(err)
		at, al, err := g.Att(id, "units")
		check(err)
		if na != 2 || an != "empty" || at != Char || al != 1 {
			t.Fatalf("mode %#x: %d attributes, second %q, units %v of %d", mode, na, an, at, al)
		}
		var sc float32
		check(g.GetAtt(Global, "scale", unsafe.Pointer(&sc)))
		if sc != 0.5 {
			t.Fatalf("mode %#x: global scale %v", mode, sc)
		}
		if nc4 {
			id, err := g.VarID("s")
			check(err)
			s, err := g.GetStrings(id, []int{0}, []int{3}, 3)
			check(err)
			if !slices.Equal(s, []string{"a", "", "ccc"}) {
				t.Fatalf("strings %q", s)
			}
		}
		check(g.Close())
	}
}
