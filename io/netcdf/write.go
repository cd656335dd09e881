package netcdf

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/io/netcdf/internal/cdf"
	"github.com/tesseradata/tessera/io/netcdf/internal/libnc"
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
	// History is what Write records in the history global attribute, as
	// NCO and CDO do: a line "2006-01-02T15:04:05Z: History" (the time
	// of writing, UTC) before the lines already there, newest first.
	// Give the command line; "" records "written by tessera".
	History string
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
//
// A time variable's bounds (the variable its bounds attribute names, CF
// §7.1) are written in its units and calendar, converted if they were in
// others. The history global attribute gains a line (WriteOptions.History).
//
// A string variable (one whose Strings reports labels, such as the
// "season" coordinate of a grouped result) is written as text, as xarray
// writes it: in NetCDF4 as NC_STRING values; in the other formats as a
// char array with an extra last dimension "string<N>", N the longest
// label's length in bytes (at least 1; "<name>_strlen" if the dataset
// has a dimension "string<N>" of another length), each label padded with
// NULs, and the attribute _Encoding = "utf-8". Labels have no filters
// or chunk shape of their own, and attributes that describe numbers
// (_FillValue, scale_factor, valid_range ...) are not written for them.
func Write(ctx context.Context, ds *labels.Dataset, path string, opts WriteOptions) (err error) {
	if opts.Format > Offset64 {
		return &FileError{path, fmt.Errorf("unknown format %d", opts.Format)}
	}
	if opts.Compression < 0 || opts.Compression > 9 {
		return &FileError{path, fmt.Errorf("compression level %d is not in 0..9", opts.Compression)}
	}
	tmpName, err := createTemp(path)
	if err != nil {
		return &FileError{path, err}
	}
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

// Preload loads libnetcdf, which Write needs, if it is not loaded yet:
// a program that will write can call it on a goroutine of its own early,
// so that the loading (45 shared libraries: about 20 ms here) runs
// beside its other work instead of before the first write. Errors are
// Write's to report.
func Preload() { _ = libnc.Load() }

// createTemp creates an empty file beside path, named after it, with the
// permissions a new file gets (0666 less the umask; os.CreateTemp's 0600
// would survive the rename and leave the result unreadable to others).
func createTemp(path string) (string, error) {
	dir, base := filepath.Split(path)
	for {
		name := filepath.Join(dir, "."+base+"."+strconv.FormatUint(rand.Uint64(), 36)+".tmp")
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		return name, f.Close()
	}
}

// history returns the global attributes with the history line of opts
// prepended.
func history(attrs labels.Attrs, opts WriteOptions, now time.Time) labels.Attrs {
	line := opts.History
	if line == "" {
		line = "written by tessera"
	}
	line = now.UTC().Format("2006-01-02T15:04:05Z") + ": " + line
	if old, ok := attrs.String("history"); ok && old != "" {
		line += "\n" + old
	}
	return attrs.Set("history", line)
}

// boundsInUnits returns the variables of ds by name, the bounds of each
// time variable (CF §7.1) given their time variable's units and calendar:
// bounds without time units of their own are numbers in those units
// already, bounds in other units are converted, and bounds in another
// calendar are an error.
func boundsInUnits(ds *labels.Dataset, names []string) (map[string]*labels.Variable, error) {
	vars := make(map[string]*labels.Variable, len(names))
	for _, n := range names {
		v, err := ds.Variable(n)
		if err != nil {
			return nil, err
		}
		vars[n] = v
	}
	for _, n := range names {
		p := vars[n]
		penc := p.Encoding()
		b, ok := p.Attrs().String("bounds")
		bv := vars[b]
		if !ok || bv == nil || b == n || !strings.Contains(penc.Units, " since ") {
			continue
		}
		benc := bv.Encoding()
		attrs := bv.Attrs()
		units, cal := benc.Units, benc.Calendar
		if units == "" {
			// Time units written as attributes, not decoded.
			if u, ok := attrs.String("units"); ok && strings.Contains(u, " since ") {
				units = u
				cal, _ = attrs.String("calendar")
			}
		}
		if cal == "" {
			// No calendar of their own: their variable's, as xarray
			// reads them.
			cal = penc.Calendar
		}
		attrs = attrs.Delete("units", "calendar")
		data := bv.Data()
		if units != "" {
			to, err := timeUnits(penc.Units, penc.Calendar)
			if err != nil {
				return nil, fmt.Errorf("variable %q: %w", n, err)
			}
			from, err := timeUnits(units, cal)
			if err != nil {
				return nil, fmt.Errorf("variable %q: %w", b, err)
			}
			if from.Calendar != to.Calendar {
				return nil, fmt.Errorf("variable %q: the bounds of %q are in the %s calendar, %q in the %s one (CF 7.1: bounds have their variable's units and calendar)",
					b, n, from.Calendar, n, to.Calendar)
			}
			if data, err = convertTimes(data, from, to, func(err error) error { return fmt.Errorf("variable %q: %w", b, err) }); err != nil {
				return nil, err
			}
		}
		w, err := labels.NewVariable(bv.Dims(), data, attrs)
		if err != nil {
			return nil, fmt.Errorf("variable %q: %w", b, err)
		}
		benc.Units, benc.Calendar = penc.Units, penc.Calendar
		vars[b] = w.WithEncoding(benc)
	}
	return vars, nil
}

// named is a variable to write.
type named struct {
	name string
	v    *labels.Variable
	// text is set for a string variable (labels.StringVariable, or one
	// selected from it), strs holding its labels; strlen is the length
	// of a char array's last dimension, 0 for NC_STRING.
	text   bool
	strs   []string
	strlen int
	id     int // the variable's id in the file, once defined
}

func write(ctx context.Context, ds *labels.Dataset, path string, opts WriteOptions) error {
	var vars []named
	names := append(ds.Coords(), ds.DataVars()...)
	byName, err := boundsInUnits(ds, names)
	if err != nil {
		return err
	}
	for _, n := range names {
		if strs, ok := byName[n].Strings(); ok {
			vars = append(vars, named{name: n, v: byName[n], text: true, strs: strs})
			continue
		}
		ev, err := labels.Encode(n, byName[n], opts.Clip)
		if err != nil {
			return err
		}
		vars = append(vars, named{name: n, v: ev})
	}
	unlock := lockC()
	f, err := create(path, opts.Format)
	if err != nil {
		unlock()
		return err
	}
	closed := false
	closeFile := func() error {
		if closed {
			return nil
		}
		closed = true
		defer lockC()()
		return f.Close()
	}
	defer closeFile()
	err = define(f, ds, vars, opts)
	unlock()
	if err != nil {
		return err
	}
	for _, nv := range vars {
		put := writeData
		if nv.text {
			put = writeText
		}
		if err := put(ctx, f, nv, opts); err != nil {
			return fmt.Errorf("variable %q: %w", nv.name, err)
		}
	}
	return closeFile()
}

// create creates the file at path: the classic formats in Go, netCDF-4
// through libnetcdf; the caller holds mu.
func create(path string, format Format) (ncWriter, error) {
	switch {
	case format == Classic && !classicViaLibnetcdf:
		return createClassic(path, cdf.Classic)
	case format == Offset64 && !classicViaLibnetcdf:
		return createClassic(path, cdf.Offset64)
	}
	mode := map[Format]int{
		NetCDF4: libnc.Clobber | libnc.NetCDF4, NetCDF4Classic: libnc.Clobber | libnc.NetCDF4 | libnc.ClassicModel,
		Classic: libnc.Clobber, Offset64: libnc.Clobber | libnc.Offset64,
	}[format]
	f, err := libnc.Create(path, mode)
	if err != nil {
		return nil, err
	}
	// Every value of every variable is written: filling them with
	// _FillValue first (libnetcdf's default) would write the data twice.
	if err := f.SetNoFill(); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// classicViaLibnetcdf makes Write write the classic formats through
// libnetcdf too (tests compare the two writers' files).
var classicViaLibnetcdf = false

// define declares dimensions, variables and attributes; the caller holds
// mu.
func define(f ncWriter, ds *labels.Dataset, vars []named, opts WriteOptions) error {
	// The lengths of the dimensions, the char arrays' last ones added
	// as they are defined.
	sizes := ds.Sizes()
	nc4 := opts.Format == NetCDF4 || opts.Format == NetCDF4Classic
	classic := opts.Format != NetCDF4
	dims := map[string]int{} // ids
	for _, d := range ds.Dims() {
		n := uint64(sizes[d])
		if d == opts.Unlimited {
			n = 0 // NC_UNLIMITED
		}
		nd, err := f.DefDim(d, n)
		if err != nil {
			return fmt.Errorf("dimension %q: %w", d, err)
		}
		dims[d] = nd
	}
	for i := range vars {
		nv := &vars[i]
		var vd []int
		for _, d := range nv.v.Dims() {
			vd = append(vd, dims[d])
		}
		var t libnc.Type
		var err error
		attrs := nv.v.Attrs()
		switch {
		case nv.text && opts.Format == NetCDF4:
			t = libnc.String
			attrs = textAttrs(attrs)
		case nv.text:
			// A char array with the labels' bytes along an extra last
			// dimension, named as xarray names it.
			t = libnc.Char
			attrs = textAttrs(attrs).Set("_Encoding", "utf-8")
			var sd int
			if sd, nv.strlen, err = strlenDim(f, dims, sizes, nv, opts.Unlimited); err != nil {
				return fmt.Errorf("variable %q: %w", nv.name, err)
			}
			vd = append(vd, sd)
		default:
			if t, err = ncType(nv.v.DType(), !classic); err != nil {
				return fmt.Errorf("variable %q: %w", nv.name, err)
			}
		}
		v, err := f.DefVar(nv.name, t, vd)
		if err != nil {
			return fmt.Errorf("variable %q: %w", nv.name, err)
		}
		nv.id = v
		// Labels are stored as libnetcdf chooses (contiguous unless
		// along the unlimited dimension), without filters: variable-
		// length strings cannot have any.
		if nc4 && len(vd) > 0 && !nv.text {
			if opts.Compression > 0 || opts.Shuffle {
				if err := f.DefDeflate(v, opts.Shuffle, opts.Compression > 0, opts.Compression); err != nil {
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
			if err := f.DefChunking(v, cs); err != nil {
				return fmt.Errorf("variable %q: chunking %v: %w", nv.name, cs, err)
			}
		}
		for _, a := range attrs {
			if err := putAttr(f, v, a.Name, a.Value, classic); err != nil {
				return fmt.Errorf("variable %q: attribute %q: %w", nv.name, a.Name, err)
			}
		}
	}
	for _, a := range history(ds.Attrs(), opts, time.Now()) {
		if err := putAttr(f, libnc.Global, a.Name, a.Value, classic); err != nil {
			return fmt.Errorf("global attribute %q: %w", a.Name, err)
		}
	}
	return f.EndDef()
}

// textAttrs returns the attributes of a string variable less those that
// describe numbers (its stored values are positions into its labels) and
// a previous _Encoding.
func textAttrs(attrs labels.Attrs) labels.Attrs {
	return attrs.Delete("_FillValue", "missing_value", "scale_factor", "add_offset",
		"valid_range", "valid_min", "valid_max", "actual_range", "_Encoding")
}

// strlenDim returns the last dimension of a char array holding the
// labels of nv, and its length, the longest label's in bytes (at least
// 1): xarray's "string<N>", defined now unless the file has it already
// (lens holds the lengths of the file's dimensions), or "<name>_strlen"
// if a dimension of that name has another length or is the labels' own.
func strlenDim(f ncWriter, dims map[string]int, lens map[string]int, nv *named, unlimited string) (int, int, error) {
	n := 1
	for _, s := range nv.strs {
		n = max(n, len(s))
	}
	var name string
	for _, c := range []string{"string" + strconv.Itoa(n), nv.name + "_strlen"} {
		if slices.Contains(nv.v.Dims(), c) {
			continue // the labels' own dimension
		}
		if l, ok := lens[c]; !ok || l == n && c != unlimited {
			name = c
			break
		}
	}
	if name == "" {
		return 0, 0, fmt.Errorf("no name for the dimension of its labels' %d bytes: string%d and %s_strlen have other lengths", n, n, nv.name)
	}
	if d, ok := dims[name]; ok {
		return d, n, nil
	}
	d, err := f.DefDim(name, uint64(n))
	if err != nil {
		return 0, 0, fmt.Errorf("dimension %q: %w", name, err)
	}
	dims[name], lens[name] = d, n
	return d, n, nil
}

// ncType maps a dtype to the netCDF type; the classic formats have no
// unsigned or 64-bit integers.
func ncType(dt ndarray.DType, extended bool) (libnc.Type, error) {
	m := map[ndarray.DType]libnc.Type{
		ndarray.Int8: libnc.Byte, ndarray.Int16: libnc.Short, ndarray.Int32: libnc.Int,
		ndarray.Float32: libnc.Float, ndarray.Float64: libnc.Double,
	}
	if extended {
		m[ndarray.Uint8], m[ndarray.Uint16], m[ndarray.Uint32] = libnc.UByte, libnc.UShort, libnc.UInt
		m[ndarray.Int64], m[ndarray.Uint64] = libnc.Int64, libnc.UInt64
	}
	t, ok := m[dt]
	if !ok {
		return 0, fmt.Errorf("%s cannot be stored in this format: %w", dt, ndarray.ErrDType)
	}
	return t, nil
}

// putAttr writes an attribute value of any type labels.Attrs holds, as
// the attribute name of variable v (libnc.Global for the file's). In the
// classic data model (classic is set) integers of types it lacks are
// stored as the signed type of their size, or int32 for 64-bit ones and
// Go ints, when every value fits, as xarray does; else the attribute is
// refused.
func putAttr(ds ncWriter, varID int, name string, v any, classic bool) error {
	if i, ok := v.(int); ok {
		v = int64(i)
	}
	if classic {
		var err error
		if v, err = classicAttr(v); err != nil {
			return err
		}
	}
	t, err := attrType(v)
	if err != nil {
		return err
	}
	// The values as a slice of their Go type: text as its bytes, a
	// single value as a slice of one.
	if s, ok := v.(string); ok {
		v = []byte(s)
	}
	r := reflect.ValueOf(v)
	if r.Kind() != reflect.Slice {
		one := reflect.MakeSlice(reflect.SliceOf(r.Type()), 1, 1)
		one.Index(0).Set(r)
		r = one
	}
	return ds.PutAtt(varID, name, t, r.Len(), r.UnsafePointer())
}

// attrType returns the netCDF type of an attribute value.
func attrType(v any) (libnc.Type, error) {
	switch v.(type) {
	case string:
		return libnc.Char, nil
	case int8, []int8:
		return libnc.Byte, nil
	case int16, []int16:
		return libnc.Short, nil
	case int32, []int32:
		return libnc.Int, nil
	case int64, []int64:
		return libnc.Int64, nil
	case uint8, []uint8:
		return libnc.UByte, nil
	case uint16, []uint16:
		return libnc.UShort, nil
	case uint32, []uint32:
		return libnc.UInt, nil
	case uint64, []uint64:
		return libnc.UInt64, nil
	case float32, []float32:
		return libnc.Float, nil
	case float64, []float64:
		return libnc.Double, nil
	}
	return 0, fmt.Errorf("value %v of type %T cannot be written", v, v)
}

// classicAttr converts integers of the types the classic data model
// lacks to the signed type of their size (int32 for 64-bit ones), if
// every value fits.
func classicAttr(v any) (any, error) {
	switch x := v.(type) {
	case int64:
		return narrow[int32]([]int64{x}, true)
	case uint64:
		return narrow[int32]([]uint64{x}, true)
	case uint32:
		return narrow[int32]([]uint32{x}, true)
	case uint16:
		return narrow[int16]([]uint16{x}, true)
	case uint8:
		return narrow[int8]([]uint8{x}, true)
	case []int64:
		return narrow[int32](x, false)
	case []uint64:
		return narrow[int32](x, false)
	case []uint32:
		return narrow[int32](x, false)
	case []uint16:
		return narrow[int16](x, false)
	case []uint8:
		return narrow[int8](x, false)
	}
	return v, nil
}

// narrow converts x to []T (or its single value when scalar), failing if
// a value does not fit.
func narrow[T int8 | int16 | int32, S int64 | uint64 | uint32 | uint16 | uint8](x []S, scalar bool) (any, error) {
	out := make([]T, len(x))
	for i, e := range x {
		out[i] = T(e)
		if S(out[i]) != e || (out[i] < 0) != (e < 0) {
			return nil, fmt.Errorf("value %v (%T) does not fit the classic data model's %T: %w", e, e, out[i], ndarray.ErrRange)
		}
	}
	if scalar {
		return out[0], nil
	}
	return out, nil
}

// writeData computes a variable block by block and writes each block's
// hyperslab as it arrives.
func writeData(ctx context.Context, f ncWriter, nv named, opts WriteOptions) error {
	data := nv.v.Data()
	if data.Size() == 0 {
		return nil
	}
	c := data.Chunks()
	off := make([][]int, len(c))
	for ax := range c {
		off[ax] = c.Offsets(ax)
	}
	// Blocks in any order, each put where it belongs as soon as it exists
	// (use runs on several goroutines; the C calls hold mu).
	return chunk.EachBlock(ctx, opts.Compute, data, func(index []int, b *ndarray.Array) error {
		start := make([]int, len(index))
		count := make([]int, len(index))
		for ax, i := range index {
			start[ax] = off[ax][i]
			count[ax] = c[ax][i]
		}
		b = b.Contiguous()
		if b.Size() == 0 {
			return nil
		}
		p := reflect.ValueOf(b.Storage()).Index(b.Offset()).Addr().UnsafePointer()
		defer lockC()()
		return f.PutVara(nv.id, start, count, p)
	})
}

// writeText writes the labels of a string variable: as NC_STRING values,
// or as a char array, each label's bytes padded with NULs to the length
// of the last dimension.
func writeText(ctx context.Context, f ncWriter, nv named, _ WriteOptions) error {
	if err := ctx.Err(); err != nil {
		return context.Cause(ctx)
	}
	if len(nv.strs) == 0 {
		return nil
	}
	shape := nv.v.Shape()
	start := make([]int, len(shape))
	count := slices.Clone(shape)
	if nv.strlen == 0 {
		defer lockC()()
		return f.PutStrings(nv.id, start, count, nv.strs)
	}
	buf := make([]byte, len(nv.strs)*nv.strlen)
	for i, s := range nv.strs {
		copy(buf[i*nv.strlen:], s)
	}
	start = append(start, 0)
	count = append(count, nv.strlen)
	defer lockC()()
	return f.PutVara(nv.id, start, count, unsafe.Pointer(&buf[0]))
}
