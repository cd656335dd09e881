package netcdf

import (
	"errors"
	"fmt"
	"strings"
	"syscall"

	nc "github.com/fhs/go-netcdf/netcdf"

	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/ndarray"
)

// ncError returns a libnetcdf error that is a system error (a positive
// status: errno) as a syscall.Errno, so that errors.Is(err,
// fs.ErrNotExist) and the like hold.
func ncError(err error) error {
	var e nc.Error
	if errors.As(err, &e) && e > 0 {
		return syscall.Errno(e)
	}
	return err
}

// readNetCDF4 reads the header of a netCDF-4 (HDF5) file through
// libnetcdf, under mu.
func (f *file) readNetCDF4() error {
	defer lockC()()
	ds, err := nc.OpenFile(f.path, nc.NOWRITE)
	if err != nil {
		return ncError(err)
	}
	defer ds.Close()
	f.format = "netCDF-4"
	nd, err := numDims(ds)
	if err != nil {
		return err
	}
	unlim, err := unlimitedDim(ds)
	if err != nil {
		return err
	}
	byName := map[string]int{}
	for id := range nd {
		name, n, err := inqDim(ds, id)
		if err != nil {
			return err
		}
		if n > 1<<40 {
			return fmt.Errorf("dimension %q has %d elements", name, n)
		}
		byName[name] = len(f.dims)
		f.dims = append(f.dims, dimInfo{name: name, len: int(n), unlimited: id == unlim})
	}
	if f.attrs, err = readAttrs(ds.NAttrs, ds.AttrN); err != nil {
		return fmt.Errorf("global attributes: %w", err)
	}
	nv, err := ds.NVars()
	if err != nil {
		return err
	}
	for i := range nv {
		v := ds.VarN(i)
		name, err := v.Name()
		if err != nil {
			return err
		}
		t, err := v.Type()
		if err != nil {
			return fmt.Errorf("variable %q: %w", name, err)
		}
		dt, ok := nc4Type(t)
		if !ok && t != nc.CHAR && t != nc.STRING {
			continue // user types are not read
		}
		dims, err := v.Dims()
		if err != nil {
			return fmt.Errorf("variable %q: %w", name, err)
		}
		vi := varInfo{name: name, dtype: dt, cdf: -1}
		for _, d := range dims {
			dn, err := d.Name()
			if err != nil {
				return fmt.Errorf("variable %q: %w", name, err)
			}
			vi.dims = append(vi.dims, byName[dn])
		}
		if !ok {
			// A text coordinate, char name(name, strlen) or string
			// name(name), is read now; other text variables are not
			// read (see the package doc).
			if vi.text, ok = textCoord(f, name, t, vi.dims); !ok {
				continue
			}
			if vi.strs, err = readText(ds, name, v, f, vi.text, vi.dims); err != nil {
				return fmt.Errorf("variable %q: %w", name, err)
			}
			vi.dims = vi.dims[:1]
		}
		if vi.attrs, err = readAttrs(v.NAttrs, v.AttrN); err != nil {
			return fmt.Errorf("variable %q: %w", name, err)
		}
		f.vars = append(f.vars, vi)
	}
	return nil
}

// textCoord reports whether a text variable of type t (NC_CHAR or
// NC_STRING) with dimensions dims is a text coordinate, and how it is
// stored.
func textCoord(f *file, name string, t nc.Type, dims []int) (textKind, bool) {
	switch {
	case len(dims) == 0 || f.dims[dims[0]].name != name:
		return notText, false
	case t == nc.CHAR && len(dims) == 2:
		return textChar, true
	case t == nc.STRING && len(dims) == 1:
		return textString, true
	}
	return notText, false
}

// readText reads the labels of a text coordinate; the caller holds mu.
func readText(ds nc.Dataset, name string, v nc.Var, f *file, kind textKind, dims []int) ([]string, error) {
	n := f.dims[dims[0]].len
	if kind == textString {
		if n > maxTextBytes/8 {
			return nil, fmt.Errorf("%d strings are too many to read as labels", n)
		}
		return getStrings(ds, name, n)
	}
	l := f.dims[dims[1]].len
	if n > 0 && l > maxTextBytes/n {
		return nil, fmt.Errorf("%d x %d characters are too many to read as labels", n, l)
	}
	buf := make([]byte, n*l)
	if len(buf) > 0 {
		if err := v.ReadBytes(buf); err != nil {
			return nil, err
		}
	}
	return charLabels(buf, n, l), nil
}

func nc4Type(t nc.Type) (ndarray.DType, bool) {
	switch t {
	case nc.BYTE:
		return ndarray.Int8, true
	case nc.SHORT:
		return ndarray.Int16, true
	case nc.INT:
		return ndarray.Int32, true
	case nc.FLOAT:
		return ndarray.Float32, true
	case nc.DOUBLE:
		return ndarray.Float64, true
	case nc.UBYTE:
		return ndarray.Uint8, true
	case nc.USHORT:
		return ndarray.Uint16, true
	case nc.UINT:
		return ndarray.Uint32, true
	case nc.INT64:
		return ndarray.Int64, true
	case nc.UINT64:
		return ndarray.Uint64, true
	}
	return 0, false
}

// readAttrs reads attributes through go-netcdf; the caller holds mu.
func readAttrs(count func() (int, error), at func(int) (nc.Attr, error)) (labels.Attrs, error) {
	n, err := count()
	if err != nil {
		return nil, err
	}
	var out labels.Attrs
	for i := range n {
		a, err := at(i)
		if err != nil {
			return nil, err
		}
		t, err := a.Type()
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", a.Name(), err)
		}
		l, err := a.Len()
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", a.Name(), err)
		}
		if l > 1<<24 {
			return nil, fmt.Errorf("attribute %q has %d values", a.Name(), l)
		}
		v, err := readAttr(a, t, int(l))
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", a.Name(), err)
		}
		if v != nil {
			out = append(out, labels.Attr{Name: a.Name(), Value: attrValue(v)})
		}
	}
	return out, nil
}

// readAttr reads the n values of an attribute of type t: a string for
// text (trailing NULs dropped), else a slice of the type's Go
// counterpart; nil for the types that are skipped.
func readAttr(a nc.Attr, t nc.Type, n int) (any, error) {
	switch t {
	case nc.CHAR:
		b, err := attrValues(n, a.ReadBytes)
		return strings.TrimRight(string(b), "\x00"), err
	case nc.BYTE:
		return attrValues(n, a.ReadInt8s)
	case nc.SHORT:
		return attrValues(n, a.ReadInt16s)
	case nc.INT:
		return attrValues(n, a.ReadInt32s)
	case nc.FLOAT:
		return attrValues(n, a.ReadFloat32s)
	case nc.DOUBLE:
		return attrValues(n, a.ReadFloat64s)
	case nc.UBYTE:
		return attrValues(n, a.ReadUint8s)
	case nc.USHORT:
		return attrValues(n, a.ReadUint16s)
	case nc.UINT:
		return attrValues(n, a.ReadUint32s)
	case nc.INT64:
		return attrValues(n, a.ReadInt64s)
	case nc.UINT64:
		return attrValues(n, a.ReadUint64s)
	}
	return nil, nil // string attributes and user types are skipped
}

// attrValues reads n values with read. A value of length 0 is an empty
// slice, not read: go-netcdf cannot read one.
func attrValues[T any](n int, read func([]T) error) ([]T, error) {
	v := make([]T, n)
	if n == 0 {
		return v, nil
	}
	return v, read(v)
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
	defer lockC()()
	ds, err := nc.OpenFile(path, nc.NOWRITE)
	if err != nil {
		return ncError(err)
	}
	defer ds.Close()
	nv, err := ds.Var(name)
	if err != nil {
		return err
	}
	s, c := make([]uint64, len(start)), make([]uint64, len(count))
	for i := range start {
		s[i], c[i] = uint64(start[i]), uint64(count[i])
	}
	switch d := d.(type) {
	case []int8:
		return readVar(d, s, c, nv.ReadInt8s, nv.ReadInt8Slice)
	case []int16:
		return readVar(d, s, c, nv.ReadInt16s, nv.ReadInt16Slice)
	case []int32:
		return readVar(d, s, c, nv.ReadInt32s, nv.ReadInt32Slice)
	case []int64:
		return readVar(d, s, c, nv.ReadInt64s, nv.ReadInt64Slice)
	case []uint8:
		return readVar(d, s, c, nv.ReadUint8s, nv.ReadUint8Slice)
	case []uint16:
		return readVar(d, s, c, nv.ReadUint16s, nv.ReadUint16Slice)
	case []uint32:
		return readVar(d, s, c, nv.ReadUint32s, nv.ReadUint32Slice)
	case []uint64:
		return readVar(d, s, c, nv.ReadUint64s, nv.ReadUint64Slice)
	case []float32:
		return readVar(d, s, c, nv.ReadFloat32s, nv.ReadFloat32Slice)
	case []float64:
		return readVar(d, s, c, nv.ReadFloat64s, nv.ReadFloat64Slice)
	}
	return fmt.Errorf("cannot read into %T", d)
}

// readVar reads a scalar variable (no start) whole with whole, and the
// hyperslab start/count of any other with slab, into d.
func readVar[T any](d []T, start, count []uint64, whole func([]T) error, slab func(d []T, start, count []uint64) error) error {
	if len(start) == 0 {
		return whole(d)
	}
	return slab(d, start, count)
}
