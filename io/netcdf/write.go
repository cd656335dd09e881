package netcdf

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"

	nc "github.com/fhs/go-netcdf/netcdf"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/ndarray"
)

// Format is a netCDF file format for Write.
type Format uint8

// The formats Write can produce.
const (
	NetCDF4        Format = iota // netCDF-4 (HDF5), with compression and chunking
	NetCDF4Classic               // netCDF-4 restricted to the classic data model
	Classic                      // netCDF classic (CDF-1)
	Offset64                     // 64-bit offset (CDF-2)
)

// WriteOptions control Write.
type WriteOptions struct {
	Format Format
	// Compression is the deflate level, 0 (none) to 9, for netCDF-4
	// formats; Shuffle adds the shuffle filter.
	Compression int
	Shuffle     bool
	// Chunks sets the file's chunk length along named dimensions
	// (netCDF-4); unnamed dimensions are whole, except the unlimited one
	// (1 step).
	Chunks map[string]int
	// Unlimited names the dimension to make unlimited (the record
	// dimension); "" writes every dimension fixed.
	Unlimited string
	// Clip stores values beyond the packed type's range as its nearest
	// value instead of failing with ndarray.ErrRange.
	Clip bool
	// Compute runs the computation of the variables' blocks.
	Compute chunk.Options
}

// Write writes ds to a netCDF file at path, encoding each variable by the
// CF conventions from its Encoding (labels.Encode: packing, fill values,
// time units and calendar) and streaming its computed blocks to disk one
// at a time, so an output larger than memory never sits in memory.
//
// It writes to a temporary file in path's directory and renames it to
// path only when everything is written: a failed or cancelled write
// leaves an existing file at path untouched and no temporary file
// behind.
func Write(ctx context.Context, ds *labels.Dataset, path string, opts WriteOptions) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return &FileError{path, err}
	}
	tmpName := tmp.Name()
	tmp.Close()
	defer func() {
		if err != nil {
			os.Remove(tmpName)
		}
	}()
	if err := write(ctx, ds, tmpName, opts); err != nil {
		return &FileError{path, err}
	}
	if err := ctx.Err(); err != nil {
		return &FileError{path, context.Cause(ctx)}
	}
	if err := os.Rename(tmpName, path); err != nil {
		return &FileError{path, err}
	}
	return nil
}

// named is a variable to write.
type named struct {
	name string
	v    *labels.Variable
}

func write(ctx context.Context, ds *labels.Dataset, path string, opts WriteOptions) error {
	var vars []named
	for _, n := range append(ds.Coords(), ds.DataVars()...) {
		v, err := ds.Variable(n)
		if err != nil {
			return err
		}
		ev, err := labels.Encode(n, v, opts.Clip)
		if err != nil {
			return err
		}
		vars = append(vars, named{n, ev})
	}
	mode := map[Format]nc.FileMode{
		NetCDF4: nc.CLOBBER | nc.NETCDF4, NetCDF4Classic: nc.CLOBBER | nc.NETCDF4 | nc.CLASSIC_MODEL,
		Classic: nc.CLOBBER, Offset64: nc.CLOBBER | nc.OFFSET_64BIT,
	}[opts.Format]
	nc4 := opts.Format == NetCDF4 || opts.Format == NetCDF4Classic

	mu.Lock()
	f, err := nc.CreateFile(path, mode)
	if err != nil {
		mu.Unlock()
		return err
	}
	closed := false
	closeFile := func() error {
		if closed {
			return nil
		}
		closed = true
		mu.Lock()
		defer mu.Unlock()
		return f.Close()
	}
	defer closeFile()
	err = define(f, ds, vars, opts, nc4)
	mu.Unlock()
	if err != nil {
		return err
	}
	for _, nv := range vars {
		if err := writeData(ctx, f, nv, opts); err != nil {
			return fmt.Errorf("variable %q: %w", nv.name, err)
		}
	}
	return closeFile()
}

// define declares dimensions, variables and attributes; the caller holds
// mu.
func define(f nc.Dataset, ds *labels.Dataset, vars []named, opts WriteOptions, nc4 bool) error {
	sizes := ds.Sizes()
	dims := map[string]nc.Dim{}
	for _, d := range ds.Dims() {
		n := uint64(sizes[d])
		if d == opts.Unlimited {
			n = 0 // NC_UNLIMITED
		}
		nd, err := f.AddDim(d, n)
		if err != nil {
			return fmt.Errorf("dimension %q: %w", d, err)
		}
		dims[d] = nd
	}
	for _, nv := range vars {
		t, err := ncType(nv.v.DType(), nc4 && opts.Format == NetCDF4)
		if err != nil {
			return fmt.Errorf("variable %q: %w", nv.name, err)
		}
		var vd []nc.Dim
		for _, d := range nv.v.Dims() {
			vd = append(vd, dims[d])
		}
		v, err := f.AddVar(nv.name, t, vd)
		if err != nil {
			return fmt.Errorf("variable %q: %w", nv.name, err)
		}
		if nc4 && len(vd) > 0 {
			if opts.Compression > 0 || opts.Shuffle {
				if err := v.SetCompression(opts.Shuffle, opts.Compression > 0, opts.Compression); err != nil {
					return fmt.Errorf("variable %q: compression: %w", nv.name, err)
				}
			}
			cs := make([]int, len(vd))
			for i, d := range nv.v.Dims() {
				cs[i] = max(1, sizes[d])
				if n, ok := opts.Chunks[d]; ok && n > 0 {
					cs[i] = min(n, cs[i])
				} else if d == opts.Unlimited {
					cs[i] = 1
				}
			}
			if err := defChunking(f, nv.name, cs); err != nil {
				return fmt.Errorf("variable %q: chunking %v: %w", nv.name, cs, err)
			}
		}
		for _, a := range nv.v.Attrs() {
			if err := putAttr(v.Attr(a.Name), a.Value); err != nil {
				return fmt.Errorf("variable %q: attribute %q: %w", nv.name, a.Name, err)
			}
		}
	}
	for _, a := range ds.Attrs() {
		if err := putAttr(f.Attr(a.Name), a.Value); err != nil {
			return fmt.Errorf("global attribute %q: %w", a.Name, err)
		}
	}
	return f.EndDef()
}

// ncType maps a dtype to the netCDF type; the classic formats have no
// unsigned or 64-bit integers.
func ncType(dt ndarray.DType, extended bool) (nc.Type, error) {
	m := map[ndarray.DType]nc.Type{
		ndarray.Int8: nc.BYTE, ndarray.Int16: nc.SHORT, ndarray.Int32: nc.INT,
		ndarray.Float32: nc.FLOAT, ndarray.Float64: nc.DOUBLE,
	}
	if extended {
		m[ndarray.Uint8], m[ndarray.Uint16], m[ndarray.Uint32] = nc.UBYTE, nc.USHORT, nc.UINT
		m[ndarray.Int64], m[ndarray.Uint64] = nc.INT64, nc.UINT64
	}
	t, ok := m[dt]
	if !ok {
		return 0, fmt.Errorf("%s cannot be stored in this format: %w", dt, ndarray.ErrDType)
	}
	return t, nil
}

// putAttr writes an attribute value of any type labels.Attrs holds.
func putAttr(a nc.Attr, v any) error {
	switch x := v.(type) {
	case string:
		if x == "" {
			x = " " // libnetcdf refuses an empty text attribute through this API
		}
		return a.WriteBytes([]byte(x))
	case int8:
		return a.WriteInt8s([]int8{x})
	case int16:
		return a.WriteInt16s([]int16{x})
	case int32:
		return a.WriteInt32s([]int32{x})
	case int64:
		return a.WriteInt64s([]int64{x})
	case int:
		return a.WriteInt64s([]int64{int64(x)})
	case uint8:
		return a.WriteUint8s([]uint8{x})
	case uint16:
		return a.WriteUint16s([]uint16{x})
	case uint32:
		return a.WriteUint32s([]uint32{x})
	case uint64:
		return a.WriteUint64s([]uint64{x})
	case float32:
		return a.WriteFloat32s([]float32{x})
	case float64:
		return a.WriteFloat64s([]float64{x})
	case []int8:
		return a.WriteInt8s(x)
	case []int16:
		return a.WriteInt16s(x)
	case []int32:
		return a.WriteInt32s(x)
	case []int64:
		return a.WriteInt64s(x)
	case []uint8:
		return a.WriteUint8s(x)
	case []uint16:
		return a.WriteUint16s(x)
	case []uint32:
		return a.WriteUint32s(x)
	case []uint64:
		return a.WriteUint64s(x)
	case []float32:
		return a.WriteFloat32s(x)
	case []float64:
		return a.WriteFloat64s(x)
	}
	return fmt.Errorf("value %v of type %T cannot be written", v, v)
}

// writeData computes a variable block by block and writes each block's
// hyperslab as it arrives.
func writeData(ctx context.Context, f nc.Dataset, nv named, opts WriteOptions) error {
	data := nv.v.Data()
	if data.Size() == 0 {
		return nil
	}
	c := data.Chunks()
	off := make([][]int, len(c))
	for ax := range c {
		off[ax] = c.Offsets(ax)
	}
	return chunk.Blocks(ctx, opts.Compute, data, func(index []int, b *ndarray.Array) error {
		start := make([]uint64, len(index))
		count := make([]uint64, len(index))
		for ax, i := range index {
			start[ax] = uint64(off[ax][i])
			count[ax] = uint64(c[ax][i])
		}
		b = b.Contiguous()
		if b.Size() == 0 {
			return nil
		}
		p := reflect.ValueOf(b.Storage()).Index(b.Offset()).Addr().UnsafePointer()
		mu.Lock()
		defer mu.Unlock()
		return putVara(f, nv.name, start, count, p)
	})
}
