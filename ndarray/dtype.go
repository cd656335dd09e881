package ndarray

import (
	"fmt"
	"math"
	"reflect"
)

// DType is the element type of an Array.
type DType uint8

// The element types. The zero DType is invalid, so an uninitialised
// Array or Codec is caught rather than read as some default type.
const (
	Bool DType = iota + 1
	Int8
	Int16
	Int32
	Int64
	Uint8
	Uint16
	Uint32
	Uint64
	Float32
	Float64
)

var dtypeNames = [...]string{
	Bool: "bool", Int8: "int8", Int16: "int16", Int32: "int32", Int64: "int64",
	Uint8: "uint8", Uint16: "uint16", Uint32: "uint32", Uint64: "uint64",
	Float32: "float32", Float64: "float64",
}

var dtypeSizes = [...]int{
	Bool: 1, Int8: 1, Int16: 2, Int32: 4, Int64: 8,
	Uint8: 1, Uint16: 2, Uint32: 4, Uint64: 8,
	Float32: 4, Float64: 8,
}

// Number is the set of element types arithmetic kernels are written for.
type Number interface {
	int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | float32 | float64
}

// Elem is the set of Go types an Array can hold: the Numbers and bool.
type Elem interface {
	Number | bool
}

// Float is the set of floating-point element types.
type Float interface {
	float32 | float64
}

// String returns the numpy name of the type ("float32").
func (d DType) String() string {
	if d.Valid() {
		return dtypeNames[d]
	}
	return fmt.Sprintf("DType(%d)", uint8(d))
}

// Valid reports whether d is one of the defined element types.
func (d DType) Valid() bool { return d >= Bool && d <= Float64 }

// Size is the number of bytes one element occupies.
func (d DType) Size() int {
	if d.Valid() {
		return dtypeSizes[d]
	}
	return 0
}

// IsFloat reports whether d is Float32 or Float64.
func (d DType) IsFloat() bool { return d == Float32 || d == Float64 }

// IsInteger reports whether d is a signed or unsigned integer type.
func (d DType) IsInteger() bool { return d >= Int8 && d <= Uint64 }

// IsSigned reports whether d is a signed integer type.
func (d DType) IsSigned() bool { return d >= Int8 && d <= Int64 }

// IsUnsigned reports whether d is an unsigned integer type.
func (d DType) IsUnsigned() bool { return d >= Uint8 && d <= Uint64 }

// ParseDType returns the DType named s ("int16", "float64", ...).
func ParseDType(s string) (DType, error) {
	for d := Bool; d <= Float64; d++ {
		if dtypeNames[d] == s {
			return d, nil
		}
	}
	return 0, fmt.Errorf("ndarray: unknown dtype %q: %w", s, ErrDType)
}

// DTypeOf returns the DType of the Go type T.
func DTypeOf[T Elem]() DType {
	var z T
	switch any(z).(type) {
	case bool:
		return Bool
	case int8:
		return Int8
	case int16:
		return Int16
	case int32:
		return Int32
	case int64:
		return Int64
	case uint8:
		return Uint8
	case uint16:
		return Uint16
	case uint32:
		return Uint32
	case uint64:
		return Uint64
	case float32:
		return Float32
	}
	return Float64
}

// goType returns the reflect.Type of d's elements.
func (d DType) goType() reflect.Type {
	switch d {
	case Bool:
		return reflect.TypeFor[bool]()
	case Int8:
		return reflect.TypeFor[int8]()
	case Int16:
		return reflect.TypeFor[int16]()
	case Int32:
		return reflect.TypeFor[int32]()
	case Int64:
		return reflect.TypeFor[int64]()
	case Uint8:
		return reflect.TypeFor[uint8]()
	case Uint16:
		return reflect.TypeFor[uint16]()
	case Uint32:
		return reflect.TypeFor[uint32]()
	case Uint64:
		return reflect.TypeFor[uint64]()
	case Float32:
		return reflect.TypeFor[float32]()
	case Float64:
		return reflect.TypeFor[float64]()
	}
	return nil
}

// Promote returns the type that binary operations between a and b compute
// in, following numpy's promotion table: bool yields to anything; two
// floats or two integers of the same signedness give the wider; a float
// and an integer give the narrowest float that holds every value of the
// integer (float32 for 8- and 16-bit integers, else float64); a signed and
// an unsigned integer give a signed integer wide enough for both, or
// float64 when one of them is Uint64.
func Promote(a, b DType) DType {
	switch {
	case a == b:
		return a
	case a == Bool:
		return b
	case b == Bool:
		return a
	case a.IsFloat() && b.IsFloat():
		return max(a, b)
	case a.IsFloat() || b.IsFloat():
		f, i := a, b
		if b.IsFloat() {
			f, i = b, a
		}
		if f == Float32 && i.Size() <= 2 {
			return Float32
		}
		return Float64
	case a.IsSigned() == b.IsSigned():
		return max(a, b)
	}
	s, u := a, b
	if b.IsSigned() {
		s, u = b, a
	}
	if u.Size() < s.Size() {
		return s
	}
	switch u {
	case Uint8:
		return Int16
	case Uint16:
		return Int32
	case Uint32:
		return Int64
	}
	return Float64
}

// floatOf is the floating type that float-valued functions of d (mean,
// sqrt, true division) return: d itself for floats, Float64 for integers
// and bool, as numpy does.
func floatOf(d DType) DType {
	if d.IsFloat() {
		return d
	}
	return Float64
}

// limits returns the smallest and largest values of an integer dtype,
// as float64 (exact for every bound but the 64-bit maxima, which round
// up to 2^63 and 2^64: callers compare with >= against those).
func limits(d DType) (lo, hi float64) {
	switch d {
	case Bool:
		return 0, 1
	case Int8:
		return math.MinInt8, math.MaxInt8
	case Int16:
		return math.MinInt16, math.MaxInt16
	case Int32:
		return math.MinInt32, math.MaxInt32
	case Int64:
		return math.MinInt64, math.MaxInt64
	case Uint8:
		return 0, math.MaxUint8
	case Uint16:
		return 0, math.MaxUint16
	case Uint32:
		return 0, math.MaxUint32
	case Uint64:
		return 0, math.MaxUint64
	}
	return math.Inf(-1), math.Inf(1)
}
