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

func readAttr(a nc.Attr, t nc.Type, n int) (any, error) {
	if n == 0 {
		// A value of length 0: "" or an empty slice of the type.
		switch t {
		case nc.CHAR:
			return "", nil
		case nc.BYTE:
			return []int8{}, nil
		case nc.SHORT:
			return []int16{}, nil
		case nc.INT:
			return []int32{}, nil
		case nc.FLOAT:
			return []float32{}, nil
		case nc.DOUBLE:
			return []float64{}, nil
		case nc.UBYTE:
			return []uint8{}, nil
		case nc.USHORT:
			return []uint16{}, nil
		case nc.UINT:
			return []uint32{}, nil
		case nc.INT64:
			return []int64{}, nil
		case nc.UINT64:
			return []uint64{}, nil
		}
		return nil, nil
	}
	switch t {
	case nc.CHAR:
		b := make([]byte, n)
		err := a.ReadBytes(b)
		return strings.TrimRight(string(b), "\x00"), err
	case nc.BYTE:
		v := make([]int8, n)
		return v, a.ReadInt8s(v)
	case nc.SHORT:
		v := make([]int16, n)
		return v, a.ReadInt16s(v)
	case nc.INT:
		v := make([]int32, n)
		return v, a.ReadInt32s(v)
	case nc.FLOAT:
		v := make([]float32, n)
		return v, a.ReadFloat32s(v)
	case nc.DOUBLE:
		v := make([]float64, n)
		return v, a.ReadFloat64s(v)
	case nc.UBYTE:
		v := make([]uint8, n)
		return v, a.ReadUint8s(v)
	case nc.USHORT:
		v := make([]uint16, n)
		return v, a.ReadUint16s(v)
	case nc.UINT:
		v := make([]uint32, n)
		return v, a.ReadUint32s(v)
	case nc.INT64:
		v := make([]int64, n)
		return v, a.ReadInt64s(v)
	case nc.UINT64:
		v := make([]uint64, n)
		return v, a.ReadUint64s(v)
	}
	return nil, nil // string attributes and user types are skipped
}

// readNetCDF4Slab reads a hyperslab through libnetcdf, under mu. The C
// library decompresses and converts to the machine's byte order.
func (f *file) readNetCDF4Slab(v *varInfo, start, count []int) (*ndarray.Array, int64, error) {
	a, err := ndarray.New(v.dtype, count...)
	if err != nil {
		return nil, 0, err
	}
	if a.Size() == 0 {
		return a, 0, nil
	}
	if err := readNetCDF4Into(f.path, v.name, start, count, a.Storage()); err != nil {
		return nil, 0, err
	}
	return a, int64(a.Nbytes()), nil
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
	scalar := len(start) == 0
	switch d := d.(type) {
	case []int8:
		err = pick(scalar, func() error { return nv.ReadInt8s(d) }, func() error { return nv.ReadInt8Slice(d, s, c) })
	case []int16:
		err = pick(scalar, func() error { return nv.ReadInt16s(d) }, func() error { return nv.ReadInt16Slice(d, s, c) })
	case []int32:
		err = pick(scalar, func() error { return nv.ReadInt32s(d) }, func() error { return nv.ReadInt32Slice(d, s, c) })
	case []int64:
		err = pick(scalar, func() error { return nv.ReadInt64s(d) }, func() error { return nv.ReadInt64Slice(d, s, c) })
	case []uint8:
		err = pick(scalar, func() error { return nv.ReadUint8s(d) }, func() error { return nv.ReadUint8Slice(d, s, c) })
	case []uint16:
		err = pick(scalar, func() error { return nv.ReadUint16s(d) }, func() error { return nv.ReadUint16Slice(d, s, c) })
	case []uint32:
		err = pick(scalar, func() error { return nv.ReadUint32s(d) }, func() error { return nv.ReadUint32Slice(d, s, c) })
	case []uint64:
		err = pick(scalar, func() error { return nv.ReadUint64s(d) }, func() error { return nv.ReadUint64Slice(d, s, c) })
	case []float32:
		err = pick(scalar, func() error { return nv.ReadFloat32s(d) }, func() error { return nv.ReadFloat32Slice(d, s, c) })
	case []float64:
		err = pick(scalar, func() error { return nv.ReadFloat64s(d) }, func() error { return nv.ReadFloat64Slice(d, s, c) })
	default:
		return fmt.Errorf("cannot read into %T", d)
	}
	return err
}

func pick(scalar bool, whole, slab func() error) error {
	if scalar {
		return whole()
	}
	return slab()
}
