package cdf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
)

// Header tags (the spec's NC_DIMENSION, NC_VARIABLE, NC_ATTRIBUTE).
const (
	tagDimension = 0x0A
	tagVariable  = 0x0B
	tagAttribute = 0x0C
)

// hdf5Magic starts every HDF5 file, netCDF-4 ones included.
const hdf5Magic = "\x89HDF\r\n\x1a\n"

// chunkSize is how many bytes the header decoder reads at a time (less
// near the end of the file, more for one large attribute value).
const chunkSize = 8 << 10

// ReadHeader reads and validates the header of the classic, 64-bit offset
// or CDF-5 file r, which is size bytes long.
//
// Validation is complete before any data is read: the tags, counts and
// types follow the grammar of Unidata's "NetCDF Classic Format
// Specification"; names are non-empty and unique among the dimensions,
// among the variables and within each attribute list; there is at most one
// record dimension and only as a variable's first dimension; dimension ids
// are in range; every variable's data starts after the header and, for
// NumRecs records, ends inside the file.
//
// Nothing is allocated on the word of an unchecked field: each count,
// name length and attribute length is checked against the bytes left in
// the file before anything is sized by it, so the memory ReadHeader uses
// is bounded by a small multiple of size (and of the header's real length)
// and it reads no byte at or beyond size.
//
// The error wraps [ErrNotCDF] if r is not a classic-format file (an HDF5
// file included), [ErrTruncated] if the header or a variable's data
// extends beyond size, [ErrFormat] for any other fault of the header, or
// the error of r.ReadAt.
func ReadHeader(r io.ReaderAt, size int64) (*Header, error) {
	if size < 0 {
		return nil, fmt.Errorf("cdf: negative file size %d: %w", size, ErrIndex)
	}
	d := &decoder{r: r, size: size}
	h, err := d.header()
	if err != nil {
		return nil, err
	}
	if err := h.layout(size); err != nil {
		return nil, err
	}
	return h, nil
}

// decoder reads the header's fields in order through a window of the file.
// Its first error sticks: later reads return zeros, and the caller checks
// d.err at the end of each element. where and the fields after it name
// the element being read, for error messages.
type decoder struct {
	r      io.ReaderAt
	size   int64
	format Format
	pos    int64  // offset of the next field
	off    int64  // offset of buf[0]
	buf    []byte // bytes [off, off+len(buf)) of the file
	err    error

	sect   string // "dimension", "global attribute", "variable"
	idx    int64  // index within sect, -1 if none
	name   string // name of the element, once read
	attr   int64  // index of the variable's attribute being read, -1 if none
	atName string
}

// where describes the element being read, such as `variable "t2m"
// attribute "units"` or `dimension #3`.
func (d *decoder) where() string {
	if d.sect == "" {
		return "header"
	}
	if d.sect == "global" && d.attr < 0 {
		return "global attributes"
	}
	s := d.sect
	if d.name != "" {
		s += fmt.Sprintf(" %q", d.name)
	} else if d.idx >= 0 {
		s += fmt.Sprintf(" #%d", d.idx)
	}
	if d.attr >= 0 {
		if d.atName != "" {
			s += fmt.Sprintf(" attribute %q", d.atName)
		} else {
			s += fmt.Sprintf(" attribute #%d", d.attr)
		}
	}
	return s
}

func (d *decoder) enter(sect string, idx int64) {
	d.sect, d.idx, d.name, d.attr, d.atName = sect, idx, "", -1, ""
}

// fail records the first error: "cdf: <where>: <field> <msg>: <sentinel>".
func (d *decoder) fail(sentinel error, field, format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("cdf: %s: %s %s: %w", d.where(), field, fmt.Sprintf(format, args...), sentinel)
	}
}

// left returns the number of bytes after the current field.
func (d *decoder) left() int64 { return d.size - d.pos }

// next returns the n bytes of the field at d.pos and advances past them.
// The slice is valid until the next call. n must be at most d.left() or
// the field is reported truncated.
func (d *decoder) next(n int64, field string) []byte {
	if d.err != nil {
		return nil
	}
	if n > d.left() {
		d.fail(ErrTruncated, field, "at offset %d needs %d bytes, %d are left in the file's %d", d.pos, n, d.left(), d.size)
		return nil
	}
	if d.pos < d.off || d.pos+n > d.off+int64(len(d.buf)) {
		m := min(max(n, chunkSize), d.left())
		if int64(cap(d.buf)) < m {
			d.buf = make([]byte, m)
		}
		d.buf = d.buf[:m]
		k, err := d.r.ReadAt(d.buf, d.pos)
		if int64(k) < m {
			if err == nil || errors.Is(err, io.EOF) {
				d.fail(ErrTruncated, field, "at offset %d: the file ends at %d, not at %d as its size says", d.pos, d.pos+int64(k), d.size)
			} else if d.err == nil {
				d.err = fmt.Errorf("cdf: %s: %s at offset %d: %w", d.where(), field, d.pos, err)
			}
			d.buf = d.buf[:0]
			return nil
		}
		d.off = d.pos
	}
	i := d.pos - d.off
	d.pos += n
	return d.buf[i : i+n : i+n]
}

func (d *decoder) u32(field string) uint32 {
	b := d.next(4, field)
	if b == nil {
		return 0
	}
	return binary.BigEndian.Uint32(b)
}

func (d *decoder) u64(field string) uint64 {
	b := d.next(8, field)
	if b == nil {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

// nonNeg reads a NON_NEG: 32 bits in CDF-1 and CDF-2 (read as unsigned:
// netCDF-C allows dimensions of up to 2^32-4 in CDF-2, and vsize 2^32-1),
// 64 bits in CDF-5, where a negative value is malformed.
func (d *decoder) nonNeg(field string) int64 {
	if d.format != CDF5 {
		return int64(d.u32(field))
	}
	at := d.pos
	v := int64(d.u64(field))
	if v < 0 {
		d.fail(ErrFormat, field, "at offset %d is negative (%d)", at, v)
		return 0
	}
	return v
}

// nonNegSize is the size of a NON_NEG.
func (d *decoder) nonNegSize() int64 {
	if d.format == CDF5 {
		return 8
	}
	return 4
}

// offsetSize is the size of an OFFSET (a variable's begin).
func (d *decoder) offsetSize() int64 {
	if d.format == Classic {
		return 4
	}
	return 8
}

// count reads the NON_NEG count of a sequence of elements each at least
// minSize bytes long, and reports it truncated if the file cannot hold
// that many.
func (d *decoder) count(field string, minSize int64) int64 {
	at := d.pos
	n := d.nonNeg(field)
	if d.err == nil && n > d.left()/minSize {
		d.fail(ErrTruncated, field, "%d at offset %d needs at least %d bytes, %d are left in the file's %d",
			n, at, mulSat(n, minSize), d.left(), d.size)
		return 0
	}
	return n
}

// list reads the tag and count that start a list (dim_list, att_list,
// var_list). ABSENT (a zero tag and a zero count) is an empty list.
func (d *decoder) list(tag uint32, field string, minSize int64) int64 {
	at := d.pos
	t := d.u32(field + " tag")
	n := d.count(field+" count", minSize)
	switch {
	case d.err != nil:
		return 0
	case t == 0 && n == 0:
		return 0
	case t == 0:
		d.fail(ErrFormat, field, "at offset %d is absent (tag 0) but has %d elements", at, n)
		return 0
	case t != tag:
		d.fail(ErrFormat, field+" tag", "at offset %d is 0x%X, want 0x%X or 0", at, t, tag)
		return 0
	}
	return n
}

// pad4 rounds n (at most the file's size) up to a multiple of 4.
func pad4(n int64) int64 { return (n + 3) &^ 3 }

// str reads a name: a count, the bytes, padding to 4.
func (d *decoder) str(field string) string {
	at := d.pos
	n := d.nonNeg(field + " length")
	if d.err != nil {
		return ""
	}
	if n == 0 {
		d.fail(ErrFormat, field, "at offset %d is empty", at)
		return ""
	}
	if n > d.left() {
		d.fail(ErrTruncated, field, "length %d at offset %d exceeds the %d bytes left in the file's %d", n, at, d.left(), d.size)
		return ""
	}
	b := d.next(pad4(n), field)
	if b == nil {
		return ""
	}
	return string(b[:n])
}

// header parses everything from the magic number to the end of var_list.
func (d *decoder) header() (*Header, error) {
	d.enter("", -1)
	if err := d.magic(); err != nil {
		return nil, err
	}
	h := &Header{Format: d.format}
	nn := d.nonNegSize()

	// numrecs: STREAMING (all bits set) is resolved later from the size.
	streaming := false
	at := d.pos
	if d.format == CDF5 {
		u := d.u64("numrecs")
		streaming = u == math.MaxUint64
		if !streaming && u > math.MaxInt64 {
			d.fail(ErrFormat, "numrecs", "at offset %d is negative (%d)", at, int64(u))
		}
		h.NumRecs = int64(u)
	} else {
		u := d.u32("numrecs")
		streaming = u == math.MaxUint32
		h.NumRecs = int64(u)
	}
	if streaming {
		h.NumRecs = -1
	}

	// dim_list. A dim is at least a name (count and 4 bytes) and a length.
	n := d.list(tagDimension, "dimension list", nn+4+nn)
	h.Dims = makeList[Dim](n)
	names := make(map[string]int64, min(n, 64))
	rec := -1
	for i := range n {
		d.enter("dimension", i)
		name := d.str("name")
		d.name = name
		at := d.pos
		l := d.nonNeg("length")
		if d.err != nil {
			return nil, d.err
		}
		if j, dup := names[name]; dup {
			d.fail(ErrFormat, "name", "is also the name of dimension #%d", j)
			return nil, d.err
		}
		names[name] = i
		dim := Dim{Name: name, Len: l}
		if l == 0 {
			if rec >= 0 {
				d.fail(ErrFormat, "length", "at offset %d is 0, but dimension %q is already the record dimension", at, h.Dims[rec].Name)
				return nil, d.err
			}
			rec = len(h.Dims)
			dim.Unlimited = true
		}
		h.Dims = append(h.Dims, dim)
	}

	// gatt_list
	d.enter("global", -1)
	h.Attrs = d.attrs()
	if d.err != nil {
		return nil, d.err
	}

	// var_list. A var is at least a name, a rank, an empty att_list (tag
	// and count), a type, a vsize and a begin.
	d.enter("", -1)
	n = d.list(tagVariable, "variable list", nn+4+nn+4+nn+4+nn+d.offsetSize())
	h.Vars = makeList[Var](n)
	clear(names)
	for i := range n {
		d.enter("variable", i)
		v := Var{Name: d.str("name")}
		d.name = v.Name
		if d.err != nil {
			return nil, d.err
		}
		if j, dup := names[v.Name]; dup {
			d.fail(ErrFormat, "name", "is also the name of variable #%d", j)
			return nil, d.err
		}
		names[v.Name] = i
		rank := d.count("rank", nn)
		v.Dims = makeList[int](rank)
		for k := range rank {
			at := d.pos
			id := d.nonNeg("dimension id")
			if d.err != nil {
				return nil, d.err
			}
			if id >= int64(len(h.Dims)) {
				d.fail(ErrFormat, "dimension id", "%d at offset %d is not in [0, %d)", id, at, len(h.Dims))
				return nil, d.err
			}
			if int(id) == rec {
				if k > 0 {
					d.fail(ErrFormat, "dimension", "%d is the record dimension %q, allowed only as the first", k, h.Dims[id].Name)
					return nil, d.err
				}
				v.Record = true
			}
			v.Dims = append(v.Dims, int(id))
		}
		v.Attrs = d.attrs()
		d.attr, d.atName = -1, ""
		v.Type = d.typ("type")
		d.nonNeg("vsize") // redundant; recomputed by layout
		at := d.pos
		if d.format == Classic {
			v.Begin = int64(d.u32("begin"))
		} else {
			u := d.u64("begin")
			if u > math.MaxInt64 {
				d.fail(ErrFormat, "begin", "at offset %d is negative (%d)", at, int64(u))
			}
			v.Begin = int64(u)
		}
		if d.err != nil {
			return nil, d.err
		}
		h.Vars = append(h.Vars, v)
	}
	if d.err != nil {
		return nil, d.err
	}
	h.headerLen = d.pos
	return h, nil
}

// magic reads "CDF" and the version byte, and sets d.format.
func (d *decoder) magic() error {
	var m [8]byte
	k, err := d.r.ReadAt(m[:min(d.size, 8)], 0)
	if int64(k) < min(d.size, 8) && err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("cdf: reading the magic number: %w", err)
	}
	b := m[:k]
	if len(b) >= 4 && string(b[:3]) == "CDF" {
		switch Format(b[3]) {
		case Classic, Offset64, CDF5:
			d.format = Format(b[3])
			d.pos = 4
			return nil
		}
		return fmt.Errorf("cdf: magic number %q: unknown version %d (want 1, 2 or 5): %w", b[:4], b[3], ErrNotCDF)
	}
	switch {
	case len(b) == 0:
		return fmt.Errorf("cdf: the file is empty: %w", ErrNotCDF)
	case len(b) < 4 && string(b) == "CDF"[:len(b)]:
		return fmt.Errorf("cdf: the file ends after %d bytes of the magic number: %w", len(b), ErrTruncated)
	case len(b) == 8 && string(b) == hdf5Magic:
		return fmt.Errorf("cdf: the file is an HDF5 (netCDF-4) file: %w", ErrNotCDF)
	}
	return fmt.Errorf("cdf: the file starts with %q, not \"CDF\": %w", b[:min(len(b), 4)], ErrNotCDF)
}

// typ reads an nc_type and checks it is one the format allows.
func (d *decoder) typ(field string) Type {
	at := d.pos
	t := d.u32(field)
	if d.err != nil {
		return 0
	}
	if t > math.MaxUint8 || !Type(t).validIn(d.format) {
		d.fail(ErrFormat, field, "%d at offset %d is not a type of the %s format", t, at, d.format)
		return 0
	}
	return Type(t)
}

// attrs reads an att_list.
func (d *decoder) attrs() []Attr {
	nn := d.nonNegSize()
	// An attr is at least a name, a type and a count of values.
	n := d.list(tagAttribute, "attribute list", nn+4+4+nn)
	as := makeList[Attr](n)
	var names map[string]int // for long lists; short ones are searched
	if n > 16 {
		names = make(map[string]int, min(n, 1024))
	}
	for i := range n {
		d.attr, d.atName = i, ""
		a := Attr{Name: d.str("name")}
		d.atName = a.Name
		a.Type = d.typ("type")
		if d.err != nil {
			return nil
		}
		if j, dup := seen(as, names, a.Name); dup {
			d.fail(ErrFormat, "name", "is also the name of attribute #%d", j)
			return nil
		}
		if names != nil {
			names[a.Name] = len(as)
		}
		at := d.pos
		cnt := d.nonNeg("length")
		size := a.Type.Size()
		if d.err == nil && cnt > d.left()/size {
			d.fail(ErrTruncated, "values", "%d of type %s at offset %d need %d bytes, %d are left in the file's %d",
				cnt, a.Type, at, mulSat(cnt, size), d.left(), d.size)
		}
		b := d.next(pad4(cnt*size), "values")
		if d.err != nil {
			return nil
		}
		a.Value = decodeValues(a.Type, b[:cnt*size])
		as = append(as, a)
	}
	return as
}

// makeList returns a slice with room for n elements, up to 64 (the rest
// come by append, as they are read), or nil if n is 0.
func makeList[T any](n int64) []T {
	if n == 0 {
		return nil
	}
	return make([]T, 0, min(n, 64))
}

// seen returns the index of the attribute called name in as (looked up in
// names if not nil), and whether there is one.
func seen(as []Attr, names map[string]int, name string) (int, bool) {
	if names != nil {
		j, ok := names[name]
		return j, ok
	}
	for j := range as {
		if as[j].Name == name {
			return j, true
		}
	}
	return 0, false
}

// decodeValues converts the big-endian values b of type t to their Go
// form (see [Attr]).
func decodeValues(t Type, b []byte) any {
	be := binary.BigEndian
	switch t {
	case Char:
		return string(b)
	case Byte:
		return decodeSlice(b, 1, func(p []byte) int8 { return int8(p[0]) })
	case UByte:
		return decodeSlice(b, 1, func(p []byte) uint8 { return p[0] })
	case Short:
		return decodeSlice(b, 2, func(p []byte) int16 { return int16(be.Uint16(p)) })
	case UShort:
		return decodeSlice(b, 2, be.Uint16)
	case Int:
		return decodeSlice(b, 4, func(p []byte) int32 { return int32(be.Uint32(p)) })
	case UInt:
		return decodeSlice(b, 4, be.Uint32)
	case Float:
		return decodeSlice(b, 4, func(p []byte) float32 { return math.Float32frombits(be.Uint32(p)) })
	case Int64:
		return decodeSlice(b, 8, func(p []byte) int64 { return int64(be.Uint64(p)) })
	case UInt64:
		return decodeSlice(b, 8, be.Uint64)
	case Double:
		return decodeSlice(b, 8, func(p []byte) float64 { return math.Float64frombits(be.Uint64(p)) })
	}
	return nil
}

func decodeSlice[T any](b []byte, size int, get func([]byte) T) []T {
	out := make([]T, len(b)/size)
	for i := range out {
		out[i] = get(b[i*size:])
	}
	return out
}

// layout computes each variable's VSize, the record size and, for a
// STREAMING header, the number of records, and checks that every
// variable's data lies after the header and inside the file.
func (h *Header) layout(size int64) error {
	nrec, recSize := 0, int64(0)
	slab := make([]int64, len(h.Vars)) // bytes of data (per record), unpadded
	for i := range h.Vars {
		v := &h.Vars[i]
		n := v.Type.Size()
		for k, id := range v.Dims {
			if k == 0 && v.Record {
				continue
			}
			var ok bool
			if n, ok = mulOK(n, h.Dims[id].Len); !ok || n > math.MaxInt64-3 {
				return fmt.Errorf("cdf: variable %q: the size of its data overflows 64 bits: %w", v.Name, ErrFormat)
			}
		}
		slab[i] = n
		v.VSize = pad4(n)
		if v.Record {
			nrec++
			var ok bool
			if recSize, ok = addOK(recSize, v.VSize); !ok {
				return fmt.Errorf("cdf: variable %q: the record size overflows 64 bits: %w", v.Name, ErrFormat)
			}
		}
		if v.Begin < h.headerLen {
			return fmt.Errorf("cdf: variable %q: data at offset %d overlaps the header, which ends at %d: %w", v.Name, v.Begin, h.headerLen, ErrFormat)
		}
	}
	// The spec's "Note on padding": a lone record variable's records are
	// not padded. netCDF-C applies this to any type (padding matters for
	// char, byte and short, and for ubyte and ushort in CDF-5).
	beginRec, lastEnd := int64(math.MaxInt64), int64(0)
	for i := range h.Vars {
		if v := &h.Vars[i]; v.Record {
			if nrec == 1 {
				recSize = slab[i]
			}
			beginRec = min(beginRec, v.Begin)
		}
	}
	h.RecSize = recSize
	// Each record variable's slab must lie inside the record that begins
	// with the first of them, or records would overlap.
	for i := range h.Vars {
		if v := &h.Vars[i]; v.Record {
			end := v.Begin - beginRec + slab[i]
			if end > recSize {
				return fmt.Errorf("cdf: variable %q: its %d bytes per record at offset %d extend beyond the %d-byte record that starts at %d: %w",
					v.Name, slab[i], v.Begin, recSize, beginRec, ErrFormat)
			}
			lastEnd = max(lastEnd, end)
		}
	}
	if h.NumRecs < 0 { // STREAMING: as many whole records as the file holds
		h.NumRecs = 0
		if nrec > 0 && size-beginRec >= lastEnd {
			h.NumRecs = (size-beginRec-lastEnd)/recSize + 1
		}
	}
	for i := range h.Vars {
		v := &h.Vars[i]
		end, ok := v.Begin, true
		if v.Record && h.NumRecs == 0 {
			continue // no data, and begin may be anywhere after the header
		}
		if !v.Record {
			end, ok = addOK(end, slab[i])
		} else {
			var skip int64
			if skip, ok = mulOK(h.NumRecs-1, recSize); ok {
				if end, ok = addOK(end, skip); ok {
					end, ok = addOK(end, slab[i])
				}
			}
		}
		if !ok || end > size {
			what := "data"
			if v.Record {
				what = fmt.Sprintf("data of %d records", h.NumRecs)
			}
			ends := "overflows 64 bits"
			if ok {
				ends = fmt.Sprintf("ends at %d", end)
			}
			return fmt.Errorf("cdf: variable %q: %s at offset %d (%s) extends beyond the file's %d bytes: %w",
				v.Name, what, v.Begin, ends, size, ErrTruncated)
		}
	}
	return nil
}

// mulOK returns a*b for non-negative a and b, and whether it fits in an
// int64.
func mulOK(a, b int64) (int64, bool) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	return int64(lo), true
}

// addOK returns a+b for non-negative a and b, and whether it fits.
func addOK(a, b int64) (int64, bool) {
	s := a + b
	return s, s >= a
}

// mulSat returns a*b, or MaxInt64 if it does not fit (for messages).
func mulSat(a, b int64) int64 {
	if p, ok := mulOK(a, b); ok {
		return p
	}
	return math.MaxInt64
}
