package cdf

import "fmt"

// Format is the variant of the classic file format, its version byte.
type Format uint8

// The three variants of the classic format.
const (
	Classic  Format = 1 // CDF-1: 32-bit offsets and counts
	Offset64 Format = 2 // CDF-2: 64-bit offsets, 32-bit counts
	CDF5     Format = 5 // CDF-5 (64-bit data): 64-bit offsets and counts, unsigned and 64-bit integer types
)

// String returns the name ncdump -k prints for f.
func (f Format) String() string {
	switch f {
	case Classic:
		return "classic"
	case Offset64:
		return "64-bit offset"
	case CDF5:
		return "cdf5"
	}
	return fmt.Sprintf("Format(%d)", uint8(f))
}

// Type is a netCDF external data type, as its header tag numbers it.
type Type uint8

// The external types. Byte to Double are the six classic types; the five
// after them exist in CDF-5 files only.
const (
	Byte   Type = 1 + iota // NC_BYTE: 8-bit signed integer
	Char                   // NC_CHAR: 8-bit character (text)
	Short                  // NC_SHORT: 16-bit signed integer
	Int                    // NC_INT: 32-bit signed integer
	Float                  // NC_FLOAT: 32-bit IEEE float
	Double                 // NC_DOUBLE: 64-bit IEEE float
	UByte                  // NC_UBYTE: 8-bit unsigned integer (CDF-5)
	UShort                 // NC_USHORT: 16-bit unsigned integer (CDF-5)
	UInt                   // NC_UINT: 32-bit unsigned integer (CDF-5)
	Int64                  // NC_INT64: 64-bit signed integer (CDF-5)
	UInt64                 // NC_UINT64: 64-bit unsigned integer (CDF-5)
)

var typeNames = [...]string{
	Byte: "byte", Char: "char", Short: "short", Int: "int", Float: "float", Double: "double",
	UByte: "ubyte", UShort: "ushort", UInt: "uint", Int64: "int64", UInt64: "uint64",
}

var typeSizes = [...]int64{
	Byte: 1, Char: 1, Short: 2, Int: 4, Float: 4, Double: 8,
	UByte: 1, UShort: 2, UInt: 4, Int64: 8, UInt64: 8,
}

// String returns the CDL name of t ("short", "uint64").
func (t Type) String() string {
	if t >= Byte && t <= UInt64 {
		return typeNames[t]
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// Size returns the size in bytes of one value of type t in a file, or 0 if
// t is not a netCDF external type.
func (t Type) Size() int64 {
	if t >= Byte && t <= UInt64 {
		return typeSizes[t]
	}
	return 0
}

// validIn reports whether t may appear in a file of format f.
func (t Type) validIn(f Format) bool {
	if f == CDF5 {
		return t >= Byte && t <= UInt64
	}
	return t >= Byte && t <= Double
}

// Fill returns the big-endian bytes of the default fill value of type t,
// the value netCDF writes where no data was written and no _FillValue
// attribute says otherwise (the spec's FILL_BYTE ... FILL_UINT64): -127,
// NUL, -32767, -2147483647, 9.9692099683868690e+36 as float and as double,
// 255, 65535, 4294967295, -9223372036854775806 and 18446744073709551614.
// The slice is new on every call; it is nil if t is not a netCDF type.
func Fill(t Type) []byte {
	switch t {
	case Byte:
		return []byte{0x81}
	case Char:
		return []byte{0x00}
	case Short:
		return []byte{0x80, 0x01}
	case Int:
		return []byte{0x80, 0x00, 0x00, 0x01}
	case Float:
		return []byte{0x7C, 0xF0, 0x00, 0x00}
	case Double:
		return []byte{0x47, 0x9E, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}
	case UByte:
		return []byte{0xFF}
	case UShort:
		return []byte{0xFF, 0xFF}
	case UInt:
		return []byte{0xFF, 0xFF, 0xFF, 0xFF}
	case Int64:
		return []byte{0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02}
	case UInt64:
		return []byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE}
	}
	return nil
}

// Dim is a dimension. Len is the length the header stores: 0 for the
// record (unlimited) dimension, whose current length is [Header.NumRecs].
type Dim struct {
	Name      string
	Len       int64
	Unlimited bool
}

// Attr is an attribute. Value is a string for Char (the bytes as stored,
// trailing NULs included), otherwise a slice of the type's Go
// counterpart: []int8 (Byte), []int16 (Short), []int32 (Int), []float32
// (Float), []float64 (Double), []uint8 (UByte), []uint16 (UShort),
// []uint32 (UInt), []int64 (Int64) or []uint64 (UInt64). The slice is
// never nil; an attribute with no values has an empty one.
type Attr struct {
	Name  string
	Type  Type
	Value any
}

// Var is a variable.
type Var struct {
	Name string
	// Dims are indexes into Header.Dims, outermost first. A record
	// variable has the record dimension first, and only there.
	Dims  []int
	Type  Type
	Attrs []Attr
	// VSize is the number of bytes the variable occupies (per record, for
	// a record variable): the product of its fixed dimension lengths and
	// its type size, rounded up to a multiple of 4. It is computed from
	// the dimensions, as the spec allows ("the vsize field is actually
	// redundant") and as netCDF-C does; the header's own vsize field is
	// not trusted (it is 2^32-1 for large variables, and some writers
	// store 0 for record variables of a file without records).
	VSize int64
	// Begin is the offset in the file of the variable's first value.
	Begin int64
	// Record reports whether the variable is a record variable, one whose
	// first dimension is the record dimension.
	Record bool
}

// Header is the parsed header of a classic-format file.
type Header struct {
	Format Format
	// NumRecs is the number of records, the current length of the record
	// dimension. When the header stores STREAMING (all bits set) it is
	// the number of whole records the file's size holds.
	NumRecs int64
	Dims    []Dim
	Attrs   []Attr // global attributes
	Vars    []Var
	// RecSize is the distance in bytes between consecutive records of a
	// record variable: the sum of the record variables' VSize, except
	// that a file with exactly one record variable packs its records
	// without padding (the spec's "Note on padding"), so RecSize is then
	// its unpadded record size.
	RecSize int64

	headerLen int64 // bytes the header occupies, from offset 0
}

// Shape returns the lengths of variable v's dimensions, with NumRecs for
// the record dimension. It returns nil if v is not a variable of h or
// one of its dimension ids is out of range (never for a header read by
// [ReadHeader]); a scalar variable has an empty, non-nil shape.
func (h *Header) Shape(v int) []int64 {
	s, err := h.shape(v)
	if err != nil {
		return nil
	}
	return s
}

func (h *Header) shape(v int) ([]int64, error) {
	if v < 0 || v >= len(h.Vars) {
		return nil, fmt.Errorf("cdf: variable number %d not in [0, %d): %w", v, len(h.Vars), ErrIndex)
	}
	vr := &h.Vars[v]
	s := make([]int64, len(vr.Dims))
	for i, d := range vr.Dims {
		if d < 0 || d >= len(h.Dims) {
			return nil, fmt.Errorf("cdf: variable %q: dimension id %d not in [0, %d): %w", vr.Name, d, len(h.Dims), ErrFormat)
		}
		s[i] = h.Dims[d].Len
		if h.Dims[d].Unlimited {
			s[i] = h.NumRecs
		}
		if s[i] < 0 {
			return nil, fmt.Errorf("cdf: variable %q: dimension %q has negative length %d: %w", vr.Name, h.Dims[d].Name, s[i], ErrFormat)
		}
	}
	return s, nil
}
