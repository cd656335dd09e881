package netcdf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tesseradata/tessera/internal/mem"
	"github.com/tesseradata/tessera/io/netcdf/internal/cdf"
	"github.com/tesseradata/tessera/io/netcdf/internal/libnc"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/ndarray"
)

// mu guards every call into libnetcdf, which is not thread-safe (xarray
// keeps the same process-wide lock). Classic-format files are read
// without it: their header is parsed in Go and their data read with
// concurrent ReadAt calls, byte-swapped and decoded outside any lock.
// netCDF-4 data are read by reader processes (readers.go), each with its
// own mu, so that several decompress at once.
var mu sync.Mutex

// lockC takes mu for a sequence of libnetcdf calls and keeps the calling
// goroutine on its thread meanwhile, with HDF5's printing of error
// stacks turned off on that thread (libnc.QuietHDF5); the function it returns
// undoes both.
func lockC() (unlock func()) {
	mu.Lock()
	runtime.LockOSThread()
	libnc.QuietHDF5()
	return func() {
		runtime.UnlockOSThread()
		mu.Unlock()
	}
}

// dimInfo is a dimension of a file.
type dimInfo struct {
	name      string
	len       int
	unlimited bool
}

// varInfo is a variable of a file, as its header describes it.
type varInfo struct {
	name  string
	dims  []int // indexes into file.dims
	dtype ndarray.DType
	attrs labels.Attrs
	cdf   int // index in the classic header, -1 for netCDF-4
	// text is set for a text coordinate: a char array (name, strlen),
	// or in netCDF-4 strings (name), along the dimension of its name.
	// dims holds that dimension only, dtype is 0, and strs its labels,
	// read with the header (trailing NULs of a char array dropped).
	text textKind
	strs []string
}

// textKind is how a text coordinate is stored.
type textKind uint8

const (
	notText    textKind = iota
	textChar            // NC_CHAR, the last dimension holding each label's bytes
	textString          // NC_STRING (netCDF-4)
)

// typeName names the type of a variable, for errors.
func (v *varInfo) typeName() string {
	if v.text != notText {
		return "string"
	}
	return v.dtype.String()
}

// maxTextBytes bounds the text of one coordinate read from a netCDF-4
// file (classic files hold theirs in the file, whose size bounds it).
const maxTextBytes = 1 << 30

// charLabels splits n labels of length l each, as a char array stores
// them, dropping each one's trailing NULs (as xarray and ncdump do).
func charLabels(b []byte, n, l int) []string {
	out := make([]string, n)
	if l == 0 {
		return out
	}
	for i := range out {
		out[i] = strings.TrimRight(string(b[i*l:(i+1)*l]), "\x00")
	}
	return out
}

// file is the header of one netCDF file and the means to read its data.
type file struct {
	path   string
	size   int64
	mtime  time.Time
	format string // "classic", "64-bit offset", "CDF-5" or "netCDF-4"
	dims   []dimInfo
	vars   []varInfo
	attrs  labels.Attrs
	hdr    *cdf.Header // classic formats only

	timesMu sync.Mutex
	times   *coordTimes // see timeOrValues
}

// shape returns the shape of variable v.
func (f *file) shape(v *varInfo) []int {
	s := make([]int, len(v.dims))
	for i, d := range v.dims {
		s[i] = f.dims[d].len
	}
	return s
}

// dimNames returns the dimension names of variable v.
func (f *file) dimNames(v *varInfo) []string {
	s := make([]string, len(v.dims))
	for i, d := range v.dims {
		s[i] = f.dims[d].name
	}
	return s
}

func (f *file) variable(name string) *varInfo {
	for i := range f.vars {
		if f.vars[i].name == name {
			return &f.vars[i]
		}
	}
	return nil
}

// identity names the file's state for cache keys: a changed file (size
// or modification time) is never served from the cache.
func (f *file) identity() string {
	return fmt.Sprintf("%s size=%d mtime=%d", f.path, f.size, f.mtime.UnixNano())
}

// FileError records a failure to open or read a file.
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return fmt.Sprintf("netcdf: %s: %v", e.Path, e.Err) }
func (e *FileError) Unwrap() error { return e.Err }

// Sentinel errors.
var (
	// ErrNotNetCDF reports a file that is neither a classic nor a
	// netCDF-4 (HDF5) file.
	ErrNotNetCDF = errors.New("not a netCDF file")
	// ErrMismatch reports files that cannot form one dataset: a
	// different grid, coordinate values, variables or calendar, or time
	// steps that repeat or overlap.
	ErrMismatch = errors.New("files do not match")
)

var hdf5Magic = []byte("\x89HDF\r\n\x1a\n")

// pathless returns the error inside an *fs.PathError, whose path a
// FileError names already.
func pathless(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// openFile reads the header of the file at path.
func openFile(path string) (*file, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, &FileError{path, pathless(err)}
	}
	if st.IsDir() {
		return nil, &FileError{path, errors.New("is a directory")}
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, &FileError{path, pathless(err)}
	}
	defer fh.Close()
	magic := make([]byte, 8)
	n, _ := io.ReadFull(fh, magic)
	magic = magic[:n]
	f := &file{path: path, size: st.Size(), mtime: st.ModTime()}
	switch {
	case bytes.HasPrefix(magic, []byte("CDF")):
		err = f.readClassic(fh)
	case bytes.HasPrefix(magic, hdf5Magic):
		err = f.readNetCDF4()
	default:
		err = fmt.Errorf("%w (it starts with %q)", ErrNotNetCDF, magic)
	}
	if err != nil {
		return nil, &FileError{path, err}
	}
	return f, nil
}

// readClassic parses a classic, 64-bit offset or CDF-5 header in Go.
func (f *file) readClassic(r io.ReaderAt) error {
	h, err := cdf.ReadHeader(r, f.size)
	if err != nil {
		return err
	}
	f.hdr = h
	f.format = map[cdf.Format]string{cdf.Classic: "classic", cdf.Offset64: "64-bit offset", cdf.CDF5: "CDF-5"}[h.Format]
	for i, d := range h.Dims {
		n := d.Len
		if d.Unlimited {
			n = h.NumRecs
		}
		if n > 1<<40 {
			return fmt.Errorf("dimension %q has %d elements", d.Name, n)
		}
		f.dims = append(f.dims, dimInfo{name: h.Dims[i].Name, len: int(n), unlimited: d.Unlimited})
	}
	f.attrs = classicAttrs(h.Attrs)
	for i, v := range h.Vars {
		if v.Type == cdf.Char {
			// A text coordinate, char name(name, strlen), is read now;
			// other text variables are not read (see the package doc).
			if len(v.Dims) != 2 || f.dims[v.Dims[0]].name != v.Name {
				continue
			}
			n, l := f.dims[v.Dims[0]].len, f.dims[v.Dims[1]].len
			buf := make([]byte, n*l) // inside the file: the header is checked against its size
			if len(buf) > 0 {
				if err := cdf.ReadRaw(r, h, i, []int64{0, 0}, []int64{int64(n), int64(l)}, buf); err != nil {
					return fmt.Errorf("variable %q: %w", v.Name, err)
				}
			}
			f.vars = append(f.vars, varInfo{name: v.Name, dims: v.Dims[:1], attrs: classicAttrs(v.Attrs), cdf: i,
				text: textChar, strs: charLabels(buf, n, l)})
			continue
		}
		dt, ok := classicType(v.Type)
		if !ok {
			continue
		}
		f.vars = append(f.vars, varInfo{name: v.Name, dims: v.Dims, dtype: dt, attrs: classicAttrs(v.Attrs), cdf: i})
	}
	return nil
}

func classicType(t cdf.Type) (ndarray.DType, bool) {
	switch t {
	case cdf.Byte:
		return ndarray.Int8, true
	case cdf.Short:
		return ndarray.Int16, true
	case cdf.Int:
		return ndarray.Int32, true
	case cdf.Float:
		return ndarray.Float32, true
	case cdf.Double:
		return ndarray.Float64, true
	case cdf.UByte:
		return ndarray.Uint8, true
	case cdf.UShort:
		return ndarray.Uint16, true
	case cdf.UInt:
		return ndarray.Uint32, true
	case cdf.Int64:
		return ndarray.Int64, true
	case cdf.UInt64:
		return ndarray.Uint64, true
	}
	return 0, false
}

// classicAttrs converts header attributes: text to strings (trailing NULs
// dropped), numbers to a scalar when single, else a slice.
func classicAttrs(as []cdf.Attr) labels.Attrs {
	out := make(labels.Attrs, 0, len(as))
	for _, a := range as {
		out = append(out, labels.Attr{Name: a.Name, Value: attrValue(a.Value)})
	}
	return out
}

// attrValue turns a header attribute value into the form labels uses.
func attrValue(v any) any {
	switch x := v.(type) {
	case string:
		return strings.TrimRight(x, "\x00")
	case []int8:
		return single(x)
	case []int16:
		return single(x)
	case []int32:
		return single(x)
	case []int64:
		return single(x)
	case []uint8:
		return single(x)
	case []uint16:
		return single(x)
	case []uint32:
		return single(x)
	case []uint64:
		return single(x)
	case []float32:
		return single(x)
	case []float64:
		return single(x)
	}
	return v
}

func single[T any](x []T) any {
	if len(x) == 1 {
		return x[0]
	}
	return x
}

// read returns the hyperslab start/count of variable v.
func (f *file) read(v *varInfo, start, count []int) (*ndarray.Array, error) {
	if f.hdr != nil {
		return f.readClassicSlab(v, start, count)
	}
	return f.readNetCDF4Slab(v, start, count)
}

// withClassicRaw calls use with the stored bytes (big-endian) of a
// hyperslab of a classic file, piece by piece (see chunk.RawReader),
// taking no lock: each piece is a box of at most pieceBytes, read with
// ReadAt into a recycled buffer that stays in the core's cache while the
// consumer folds it in. Reading into a warm buffer this way measured 2.5
// times faster here than mapping the file (whose every page then costs a
// fault or a TLB walk on first touch) and 15 times faster than reading a
// whole block into fresh memory.
func (f *file) withClassicRaw(v *varInfo, start, count []int, use func(raw []byte, origin, shape []int) error) error {
	fh, err := os.Open(f.path)
	if err != nil {
		return err
	}
	defer fh.Close()
	size := int64(v.dtype.Size())
	buf := mem.GetDirty(pieceBytes) // recycled: no fresh pages after the first pieces
	defer mem.Put(buf)
	s64, c64 := make([]int64, len(start)), make([]int64, len(count))
	return eachPiece(count, size, pieceBytes, func(origin, sub []int) error {
		n := size
		for i := range sub {
			s64[i], c64[i] = int64(start[i]+origin[i]), int64(sub[i])
			n *= int64(sub[i])
		}
		b := buf[:n] // n <= pieceBytes: see eachPiece
		if err := cdf.ReadRaw(fh, f.hdr, v.cdf, s64, c64, b); err != nil {
			return err
		}
		return use(b, origin, sub)
	})
}

// pieceBytes is the size of the pieces classic reads deliver: large
// enough that a read costs little next to its data and that a time
// reduction folds several steps per pass over its accumulators (four
// 256 x 512 int16 steps: kernel.AddRowsToRaw16 reads and writes the
// accumulators once for four rows), small enough to stay in cache. 1 MiB
// made a 2-year 256 x 512 seasonal climatology 20-25% faster than 256 KiB.
const pieceBytes = 1 << 20

// eachPiece splits a box of the given shape into boxes of at most max
// bytes (elements of size bytes, size <= max), cut along the outermost
// axis whose inner part fits, and calls fn with each piece's origin and
// shape, in row-major order. An innermost row longer than max is itself
// cut into pieces.
func eachPiece(shape []int, size, max int64, fn func(origin, sub []int) error) error {
	nd := len(shape)
	for _, n := range shape {
		if n == 0 {
			return nil
		}
	}
	if nd == 0 {
		// Non-nil: ndarray.FromBytes reads a nil shape as "1-D", and
		// the consumer builds the piece from it.
		return fn([]int{}, []int{})
	}
	// The outermost axis ax such that one step of it fits.
	ax, inner := nd-1, size
	for ax > 0 && inner*int64(shape[ax]) <= max {
		inner *= int64(shape[ax])
		ax--
	}
	step := int(max / inner)
	if step < 1 {
		step = 1
	}
	origin := make([]int, nd)
	sub := slices.Clone(shape)
	for i := range ax {
		sub[i] = 1
	}
	for {
		for s := 0; s < shape[ax]; s += step {
			origin[ax] = s
			sub[ax] = min(step, shape[ax]-s)
			if err := fn(origin, sub); err != nil {
				return err
			}
		}
		// Advance the odometer over the axes before ax.
		i := ax - 1
		for ; i >= 0; i-- {
			origin[i]++
			if origin[i] < shape[i] {
				break
			}
			origin[i] = 0
		}
		if i < 0 {
			return nil
		}
	}
}

// readClassicSlab reads the hyperslab start/count of variable v of a
// classic file into a new array.
func (f *file) readClassicSlab(v *varInfo, start, count []int) (*ndarray.Array, error) {
	n := int64(v.dtype.Size())
	for _, c := range count {
		n *= int64(c)
	}
	fh, err := os.Open(f.path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	buf := make([]byte, n)
	if err := cdf.ReadRaw(fh, f.hdr, v.cdf, int64s(start), int64s(count), buf); err != nil {
		return nil, err
	}
	return ndarray.FromBytes(v.dtype, binary.BigEndian, buf, count...)
}

// int64s converts a start or count to the cdf package's form.
func int64s(x []int) []int64 {
	out := make([]int64, len(x))
	for i, e := range x {
		out[i] = int64(e)
	}
	return out
}
