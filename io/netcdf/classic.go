package netcdf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"unsafe"

	"github.com/tesseradata/tessera/internal/mem"
	"github.com/tesseradata/tessera/io/netcdf/internal/cdf"
	"github.com/tesseradata/tessera/io/netcdf/internal/libnc"
)

// ncWriter is what Write asks of a file being written: libnetcdf's calls
// (libnc.File) for netCDF-4, classicWriter for the classic formats.
type ncWriter interface {
	DefDim(name string, n uint64) (int, error)
	DefVar(name string, t libnc.Type, dims []int) (int, error)
	DefDeflate(v int, shuffle, deflate bool, level int) error
	DefChunking(v int, chunks []int) error
	PutAtt(v int, name string, t libnc.Type, n int, p unsafe.Pointer) error
	EndDef() error
	PutVara(v int, start, count []int, p unsafe.Pointer) error
	PutStrings(v int, start, count []int, strs []string) error
	Close() error
}

// classicWriter writes a classic (CDF-1) or 64-bit offset (CDF-2) file in
// Go with internal/cdf, laid out byte for byte as libnetcdf lays out the
// same definitions with prefilling off (a test compares the two): writing
// these formats needs no C library, and a program that reads and writes
// only classic files never loads libnetcdf. Its methods follow libnc.File's.
type classicWriter struct {
	f       *os.File
	h       cdf.Header
	defined bool
}

var errNotClassic = errors.New("not in the classic formats")

func createClassic(path string, format cdf.Format) (*classicWriter, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
	if err != nil {
		return nil, err
	}
	return &classicWriter{f: f, h: cdf.Header{Format: format}}, nil
}

// checkName refuses what libnetcdf refuses of a new name: an empty one,
// one used already among its kind, one longer than NC_MAX_NAME (256).
func checkName(name string, taken func(string) bool) error {
	switch {
	case name == "" || len(name) > 256:
		return fmt.Errorf("name %q: %d bytes, want 1 to 256", name, len(name))
	case taken(name):
		return fmt.Errorf("name %q is used already", name)
	}
	return nil
}

func (w *classicWriter) DefDim(name string, n uint64) (int, error) {
	if err := checkName(name, func(s string) bool {
		return slices.ContainsFunc(w.h.Dims, func(d cdf.Dim) bool { return d.Name == s })
	}); err != nil {
		return 0, err
	}
	if n > math.MaxInt32 {
		return 0, fmt.Errorf("dimension %q: length %d is beyond the classic formats' 2^31-1", name, n)
	}
	if n == 0 && slices.ContainsFunc(w.h.Dims, func(d cdf.Dim) bool { return d.Unlimited }) {
		return 0, fmt.Errorf("dimension %q: a second unlimited dimension: %w", name, errNotClassic)
	}
	w.h.Dims = append(w.h.Dims, cdf.Dim{Name: name, Len: int64(n), Unlimited: n == 0})
	return len(w.h.Dims) - 1, nil
}

func (w *classicWriter) DefVar(name string, t libnc.Type, dims []int) (int, error) {
	if err := checkName(name, func(s string) bool {
		return slices.ContainsFunc(w.h.Vars, func(v cdf.Var) bool { return v.Name == s })
	}); err != nil {
		return 0, err
	}
	ct := cdf.Type(t)
	if ct.Size() == 0 || t > libnc.Double {
		return 0, fmt.Errorf("variable %q: type %d: %w", name, t, errNotClassic)
	}
	for i, d := range dims {
		if d < 0 || d >= len(w.h.Dims) {
			return 0, fmt.Errorf("variable %q: dimension id %d of %d", name, d, len(w.h.Dims))
		}
		if i > 0 && w.h.Dims[d].Unlimited {
			return 0, fmt.Errorf("variable %q: the unlimited dimension %q must come first", name, w.h.Dims[d].Name)
		}
	}
	w.h.Vars = append(w.h.Vars, cdf.Var{Name: name, Dims: slices.Clone(dims), Type: ct})
	return len(w.h.Vars) - 1, nil
}

func (w *classicWriter) DefDeflate(int, bool, bool, int) error {
	return fmt.Errorf("compression: %w", errNotClassic)
}

func (w *classicWriter) DefChunking(int, []int) error {
	return fmt.Errorf("chunking: %w", errNotClassic)
}

func (w *classicWriter) PutAtt(v int, name string, t libnc.Type, n int, p unsafe.Pointer) error {
	attrs := &w.h.Attrs
	if v != libnc.Global {
		if v < 0 || v >= len(w.h.Vars) {
			return fmt.Errorf("attribute %q: no variable %d", name, v)
		}
		attrs = &w.h.Vars[v].Attrs
	}
	if err := checkName(name, func(s string) bool {
		return slices.ContainsFunc(*attrs, func(a cdf.Attr) bool { return a.Name == s })
	}); err != nil {
		return err
	}
	ct := cdf.Type(t)
	if ct.Size() == 0 || t > libnc.Double {
		return fmt.Errorf("attribute %q: type %d: %w", name, t, errNotClassic)
	}
	var val any
	switch ct {
	case cdf.Char:
		val = string(valuesAt[byte](p, n))
	case cdf.Byte:
		val = valuesAt[int8](p, n)
	case cdf.Short:
		val = valuesAt[int16](p, n)
	case cdf.Int:
		val = valuesAt[int32](p, n)
	case cdf.Float:
		val = valuesAt[float32](p, n)
	case cdf.Double:
		val = valuesAt[float64](p, n)
	}
	*attrs = append(*attrs, cdf.Attr{Name: name, Type: ct, Value: val})
	return nil
}

// valuesAt copies the n values of type T at p.
func valuesAt[T any](p unsafe.Pointer, n int) []T {
	if n == 0 {
		return []T{}
	}
	return slices.Clone(unsafe.Slice((*T)(p), n))
}

// EndDef lays the variables out and writes the header.
func (w *classicWriter) EndDef() error {
	cdf.Layout(&w.h)
	// The format specification's size limits: every variable but the
	// last fixed one (when there are no record variables) or the last
	// record one fits 2^32-4 bytes (per record), and in CDF-1 every
	// variable starts below 2^31.
	lastFixed, lastRec := -1, -1
	for i, v := range w.h.Vars {
		if v.Record {
			lastRec = i
		} else {
			lastFixed = i
		}
	}
	for i, v := range w.h.Vars {
		last := i == lastRec || i == lastFixed && lastRec < 0
		if v.VSize > math.MaxUint32-3 && !last || w.h.Format == cdf.Classic && v.Begin > math.MaxInt32 {
			return fmt.Errorf("variable %q: %d bytes at offset %d are too large for the %s format: write netCDF-4 or 64-bit offset", v.Name, v.VSize, v.Begin, w.h.Format)
		}
	}
	if _, err := w.f.WriteAt(cdf.EncodeHeader(&w.h), 0); err != nil {
		return err
	}
	w.defined = true
	return nil
}

// PutVara writes the values at p, in the machine's order, as the
// hyperslab start/count of variable v: big-endian, through a recycled
// buffer.
func (w *classicWriter) PutVara(v int, start, count []int, p unsafe.Pointer) error {
	if !w.defined || v < 0 || v >= len(w.h.Vars) {
		return fmt.Errorf("no variable %d defined", v)
	}
	es := int(w.h.Vars[v].Type.Size())
	n := es
	s64, c64 := make([]int64, len(start)), make([]int64, len(count))
	for i := range start {
		s64[i], c64[i] = int64(start[i]), int64(count[i])
		n *= count[i]
	}
	buf := mem.GetDirty(n)
	defer mem.Put(buf)
	src := unsafe.Slice((*byte)(p), n)
	be := binary.BigEndian
	switch es {
	case 1:
		copy(buf, src)
	case 2:
		for i, x := range unsafe.Slice((*uint16)(p), n/2) {
			be.PutUint16(buf[2*i:], x)
		}
	case 4:
		for i, x := range unsafe.Slice((*uint32)(p), n/4) {
			be.PutUint32(buf[4*i:], x)
		}
	case 8:
		for i, x := range unsafe.Slice((*uint64)(p), n/8) {
			be.PutUint64(buf[8*i:], x)
		}
	}
	return cdf.WriteRaw(w.f, &w.h, v, s64, c64, buf)
}

func (w *classicWriter) PutStrings(int, []int, []int, []string) error {
	return fmt.Errorf("string values: %w", errNotClassic)
}

// Close writes the number of records, makes the file as long as its data
// (values never written read as zeros, as with libnetcdf's prefilling
// off) and closes it.
func (w *classicWriter) Close() error {
	var err error
	if w.defined {
		if _, err = w.f.WriteAt(cdf.PutNumRecs(w.h.Format, w.h.NumRecs), 4); err == nil {
			var st os.FileInfo
			if st, err = w.f.Stat(); err == nil && st.Size() < w.h.DataEnd() {
				err = w.f.Truncate(w.h.DataEnd())
			}
		}
	}
	return errors.Join(err, w.f.Close())
}
