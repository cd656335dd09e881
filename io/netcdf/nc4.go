package netcdf

import (
	"fmt"
	"reflect"
	"strings"
	"unsafe"

	"github.com/tesseradata/tessera/io/netcdf/internal/libnc"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/ndarray"
)

// readNetCDF4 reads the header of a netCDF-4 (HDF5) file through
// libnetcdf, under mu.
func (f *file) readNetCDF4() error {
	defer lockC()()
	ds, err := libnc.Open(f.path, libnc.NoWrite)
	if err != nil {
		return err
	}
	defer ds.Close()
	f.format = "netCDF-4"
	nd, err := ds.NDims()
	if err != nil {
		return err
	}
	unlim, err := ds.Unlimited()
	if err != nil {
		return err
	}
	for id := range nd {
		name, n, err := ds.Dim(id)
		if err != nil {
			return err
		}
		if n > 1<<40 {
			return fmt.Errorf("dimension %q has %d elements", name, n)
		}
		f.dims = append(f.dims, dimInfo{name: name, len: int(n), unlimited: id == unlim})
	}
	if f.attrs, err = readAttrs(ds, libnc.Global); err != nil {
		return fmt.Errorf("global attributes: %w", err)
	}
	nv, err := ds.NVars()
	if err != nil {
		return err
	}
	for id := range nv {
		name, t, dims, err := ds.Var(id)
		if err != nil {
			return err
		}
		dt, ok := nc4Type(t)
		if !ok && t != libnc.Char && t != libnc.String {
			continue // user types are not read
		}
		vi := varInfo{name: name, dtype: dt, cdf: -1}
		for _, d := range dims {
			// The root group's dimensions are numbered from 0, as
			// f.dims holds them.
			if d < 0 || d >= len(f.dims) {
				return fmt.Errorf("variable %q: dimension id %d of %d", name, d, len(f.dims))
			}
			vi.dims = append(vi.dims, d)
		}
		if !ok {
			// A text coordinate, char name(name, strlen) or string
			// name(name), is read now; other text variables are not
			// read (see the package doc).
			if vi.text, ok = textCoord(f, name, t, vi.dims); !ok {
				continue
			}
			if vi.strs, err = readText(ds, id, f, vi.text, vi.dims); err != nil {
				return fmt.Errorf("variable %q: %w", name, err)
			}
			vi.dims = vi.dims[:1]
		}
		if vi.attrs, err = readAttrs(ds, id); err != nil {
			return fmt.Errorf("variable %q: %w", name, err)
		}
		f.vars = append(f.vars, vi)
	}
	return nil
}

// textCoord reports whether a text variable of type t (NC_CHAR or
// NC_STRING) with dimensions dims is a text coordinate, and how it is
// stored.
func textCoord(f *file, name string, t libnc.Type, dims []int) (textKind, bool) {
	switch {
	case len(dims) == 0 || f.dims[dims[0]].name != name:
		return notText, false
	case t == libnc.Char && len(dims) == 2:
		return textChar, true
	case t == libnc.String && len(dims) == 1:
		return textString, true
	}
	return notText, false
}

// readText reads the labels of the text coordinate v; the caller holds
// mu.
func readText(ds libnc.File, v int, f *file, kind textKind, dims []int) ([]string, error) {
	n := f.dims[dims[0]].len
	if kind == textString {
		if n > maxTextBytes/8 {
			return nil, fmt.Errorf("%d strings are too many to read as labels", n)
		}
		return ds.GetStrings(v, []int{0}, []int{n}, n)
	}
	l := f.dims[dims[1]].len
	if n > 0 && l > maxTextBytes/n {
		return nil, fmt.Errorf("%d x %d characters are too many to read as labels", n, l)
	}
	buf := make([]byte, n*l)
	if len(buf) > 0 {
		if err := ds.GetVara(v, []int{0, 0}, []int{n, l}, unsafe.Pointer(&buf[0])); err != nil {
			return nil, err
		}
	}
	return charLabels(buf, n, l), nil
}

func nc4Type(t libnc.Type) (ndarray.DType, bool) {
	dt, ok := nc4Types[t]
	return dt, ok
}

// nc4Types are the numeric netCDF types and their dtypes.
var nc4Types = map[libnc.Type]ndarray.DType{
	libnc.Byte: ndarray.Int8, libnc.Short: ndarray.Int16, libnc.Int: ndarray.Int32,
	libnc.Float: ndarray.Float32, libnc.Double: ndarray.Float64,
	libnc.UByte: ndarray.Uint8, libnc.UShort: ndarray.Uint16, libnc.UInt: ndarray.Uint32,
	libnc.Int64: ndarray.Int64, libnc.UInt64: ndarray.Uint64,
}

// readAttrs reads the attributes of variable v (libnc.Global: the
// file's); the caller holds mu.
func readAttrs(ds libnc.File, v int) (labels.Attrs, error) {
	n, err := ds.NAtts(v)
	if err != nil {
		return nil, err
	}
	var out labels.Attrs
	for i := range n {
		name, err := ds.AttName(v, i)
		if err != nil {
			return nil, err
		}
		t, l, err := ds.Att(v, name)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", name, err)
		}
		if l > 1<<24 {
			return nil, fmt.Errorf("attribute %q has %d values", name, l)
		}
		val, err := readAttr(ds, v, name, t, l)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", name, err)
		}
		if val != nil {
			out = append(out, labels.Attr{Name: name, Value: attrValue(val)})
		}
	}
	return out, nil
}

// readAttr reads the n values of attribute name of variable v, of type
// t: a string for text (trailing NULs dropped), else a slice of the
// type's Go counterpart; nil for the types that are skipped (strings and
// user types).
func readAttr(ds libnc.File, v int, name string, t libnc.Type, n int) (any, error) {
	dt, ok := nc4Type(t)
	if t == libnc.Char {
		dt, ok = ndarray.Uint8, true
	}
	if !ok {
		return nil, nil
	}
	a, err := ndarray.New(dt, n)
	if err != nil {
		return nil, err
	}
	vals := a.Storage()
	if n > 0 {
		if err := ds.GetAtt(v, name, reflect.ValueOf(vals).UnsafePointer()); err != nil {
			return nil, err
		}
	}
	if t == libnc.Char {
		return strings.TrimRight(string(vals.([]uint8)), "\x00"), nil
	}
	return vals, nil
}

// readNetCDF4Slab reads a hyperslab through libnetcdf, under mu. The C
// library decompresses and converts to the machine's byte order.
func (f *file) readNetCDF4Slab(v *varInfo, start, count []int) (*ndarray.Array, error) {
	a, err := ndarray.New(v.dtype, count...)
	if err != nil || a.Size() == 0 {
		return a, err
	}
	if err := readNetCDF4Into(f.path, v.name, start, count, a.Storage()); err != nil {
		return nil, err
	}
	return a, nil
}

// readNetCDF4Into reads the hyperslab start/count of variable name of
// the netCDF-4 file at path into d, a slice of the variable's element
// type holding exactly the hyperslab's values, under mu. A reader
// process (readers.go) serves its requests with it too.
func readNetCDF4Into(path, name string, start, count []int, d any) error {
	r := reflect.ValueOf(d)
	if r.Kind() != reflect.Slice {
		return fmt.Errorf("cannot read into %T", d)
	}
	if r.Len() == 0 {
		return nil
	}
	defer lockC()()
	ds, err := libnc.Open(path, libnc.NoWrite)
	if err != nil {
		return err
	}
	defer ds.Close()
	v, err := ds.VarID(name)
	if err != nil {
		return err
	}
	return ds.GetVara(v, start, count, r.UnsafePointer())
}
