package ndarray

import (
	"fmt"
	"math"
	"math/bits"
	"reflect"
	"strings"
)

// Array is a dense N-dimensional array: a dtype, a shape, strides in
// elements, an offset, and a backing slice (one of []bool, []int8, ...,
// []float64) that views share.
//
// Element (i0, i1, ...) lives at data[offset + i0*strides[0] + i1*strides[1] + ...].
// Strides may be zero (broadcast axes) or negative (reversed slices).
//
// An Array's shape and strides never change. Its elements change only
// through Set, SetFrom and the backing slice returned by Data, and such a
// change is visible in every view of the same data. Methods may be called
// from several goroutines at once as long as none of them writes.
type Array struct {
	dtype   DType
	shape   []int
	strides []int
	offset  int
	data    any
}

// New returns a zero-filled contiguous array of the given dtype and shape.
// It is the checked constructor for shapes that come from outside the
// program (file headers, user input): it returns an error wrapping
// ErrDType or ErrSize instead of allocating absurd amounts of memory.
func New(dt DType, shape ...int) (*Array, error) {
	if !dt.Valid() {
		return nil, fmt.Errorf("ndarray: new: %w: %v", ErrDType, dt)
	}
	n, err := checkedSize(shape)
	if err != nil {
		return nil, fmt.Errorf("ndarray: new %s%v: %w", dt, shape, err)
	}
	if n > MaxElements/dt.Size() {
		return nil, fmt.Errorf("ndarray: new %s%v: %d elements: %w", dt, shape, n, ErrSize)
	}
	return &Array{
		dtype:   dt,
		shape:   append([]int(nil), shape...),
		strides: contiguousStrides(shape),
		data:    reflect.MakeSlice(reflect.SliceOf(dt.goType()), n, n).Interface(),
	}, nil
}

// MaxElements bounds the bytes New allocates for one array (2^40, 1 TiB):
// a guard against corrupt sizes, not a memory budget.
const MaxElements = 1 << 40

// Zeros returns a zero-filled contiguous array. It panics if dt is not a
// valid DType or a dimension is negative; use New for shapes read from
// files.
func Zeros(dt DType, shape ...int) *Array {
	a, err := New(dt, shape...)
	if err != nil {
		panic(err)
	}
	return a
}

// Full returns a contiguous array with every element set to v, converted
// to dt as Set converts. It panics as Zeros does.
func Full(dt DType, v float64, shape ...int) *Array {
	a := Zeros(dt, shape...)
	mustFit("full", dt, v)
	dispatch(dt).fill(a.data, v)
	return a
}

// FromSlice returns a contiguous array of the given shape backed by data,
// without copying: writes through either are seen by both. With no shape
// it is one-dimensional. The length of data must be the product of the
// shape.
func FromSlice[T Elem](data []T, shape ...int) (*Array, error) {
	if shape == nil {
		shape = []int{len(data)}
	}
	n, err := checkedSize(shape)
	if err != nil {
		return nil, fmt.Errorf("ndarray: from slice %v: %w", shape, err)
	}
	if n != len(data) {
		return nil, fmt.Errorf("ndarray: from slice: %d values do not fill shape %v (%d elements): %w", len(data), shape, n, ErrShape)
	}
	return &Array{
		dtype:   DTypeOf[T](),
		shape:   append([]int(nil), shape...),
		strides: contiguousStrides(shape),
		data:    data,
	}, nil
}

// Scalar returns a 0-dimensional array holding v.
func Scalar[T Elem](v T) *Array {
	return &Array{dtype: DTypeOf[T](), shape: []int{}, strides: []int{}, data: []T{v}}
}

// Arange returns the values start, start+step, ... up to but excluding
// stop, as numpy.arange does. It panics if step is zero or not finite.
func Arange(dt DType, start, stop, step float64) *Array {
	if step == 0 || math.IsNaN(step) || math.IsInf(step, 0) {
		panic(fmt.Sprintf("ndarray: arange: invalid step %v", step))
	}
	f := math.Max(0, math.Ceil((stop-start)/step))
	if math.IsNaN(f) || f > MaxElements {
		panic(fmt.Sprintf("ndarray: arange: %v to %v by %v is not a finite range", start, stop, step))
	}
	n := int(f)
	a := Zeros(dt, n)
	k := dispatch(dt)
	for i := range n {
		v := start + float64(i)*step
		mustFit("arange", dt, v)
		k.set(a.data, i, v)
	}
	return a
}

// Linspace returns n values evenly spaced from start to stop inclusive,
// as numpy.linspace does. It panics if n is negative.
func Linspace(dt DType, start, stop float64, n int) *Array {
	a := Zeros(dt, n)
	k := dispatch(dt)
	for i := range n {
		v := start
		if n > 1 {
			v = start + (stop-start)*float64(i)/float64(n-1)
		}
		if i == n-1 && n > 1 {
			v = stop
		}
		mustFit("linspace", dt, v)
		k.set(a.data, i, v)
	}
	return a
}

// mustFit panics if v cannot be stored in dt (NaN or out of range for an
// integer type): the conversion would otherwise be Go's
// implementation-defined one.
func mustFit(op string, dt DType, v float64) {
	if lo, hi := limits(dt); dt.IsInteger() && (math.IsNaN(v) || math.Trunc(v) < lo || math.Trunc(v) >= hi+1) {
		panic(fmt.Sprintf("ndarray: %s: %v does not fit %s", op, v, dt))
	}
}

// checkedSize returns the number of elements of shape, or an error if a
// dimension is negative or the product overflows.
func checkedSize(shape []int) (int, error) {
	n := 1
	for i, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("dimension %d has negative length %d: %w", i, d, ErrShape)
		}
		hi, lo := bits.Mul64(uint64(n), uint64(d))
		if hi != 0 || lo > math.MaxInt {
			return 0, fmt.Errorf("element count overflows: %w", ErrSize)
		}
		n = int(lo)
	}
	return n, nil
}

func contiguousStrides(shape []int) []int {
	s := make([]int, len(shape))
	n := 1
	for i := len(shape) - 1; i >= 0; i-- {
		s[i] = n
		n *= shape[i]
	}
	return s
}

func sizeOf(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// DType returns the element type.
func (a *Array) DType() DType { return a.dtype }

// NDim returns the number of dimensions.
func (a *Array) NDim() int { return len(a.shape) }

// Shape returns a copy of the shape.
func (a *Array) Shape() []int { return append([]int(nil), a.shape...) }

// Dim returns the length of axis i. It panics if i is out of range.
func (a *Array) Dim(i int) int { return a.shape[i] }

// Strides returns a copy of the strides, in elements.
func (a *Array) Strides() []int { return append([]int(nil), a.strides...) }

// Offset returns the index in the backing slice of the first element.
func (a *Array) Offset() int { return a.offset }

// Size returns the number of elements.
func (a *Array) Size() int { return sizeOf(a.shape) }

// Nbytes returns the number of bytes of the elements (not of the backing
// slice, which a view may share with a larger array).
func (a *Array) Nbytes() int { return a.Size() * a.dtype.Size() }

// IsContiguous reports whether the elements lie in row-major order without
// gaps, so that Data(a)[a.Offset():a.Offset()+a.Size()] holds them.
func (a *Array) IsContiguous() bool {
	n := 1
	for i := len(a.shape) - 1; i >= 0; i-- {
		if a.shape[i] != 1 && a.strides[i] != n {
			return false
		}
		n *= a.shape[i]
	}
	return true
}

// Data returns the backing slice of a, shared with a and its views. It
// returns an error wrapping ErrDType if T is not a's element type. The
// elements of a are at the positions described on Array; use ToSlice for
// a copy in row-major order.
func Data[T Elem](a *Array) ([]T, error) {
	d, ok := a.data.([]T)
	if !ok {
		return nil, fmt.Errorf("ndarray: data: array holds %s, not %s: %w", a.dtype, DTypeOf[T](), ErrDType)
	}
	return d, nil
}

// Storage returns the backing slice (a []bool, []int8, ..., []float64,
// the one Data returns) as an interface value, for code that hands it to
// typed APIs (a file library's typed reads) with a type switch. It is
// shared with a and its views.
func (a *Array) Storage() any { return a.data }

// ToSlice returns a's elements in row-major order in a new slice. T must
// be a's element type; see Astype to convert.
func ToSlice[T Elem](a *Array) ([]T, error) {
	if _, err := Data[T](a); err != nil {
		return nil, err
	}
	return a.Copy().data.([]T), nil
}

// Float64s returns a's elements in row-major order converted to float64
// (bool as 0 or 1). Int64 and Uint64 values beyond 2^53 are rounded.
func Float64s(a *Array) []float64 {
	out := make([]float64, 0, a.Size())
	k := dispatch(a.dtype)
	forEachIndex(a, func(i int) { out = append(out, k.get(a.data, i)) })
	return out
}

// index returns the position in the backing slice of element idx. It
// panics on a wrong number of indices or an index out of range.
func (a *Array) index(idx []int) int {
	if len(idx) != len(a.shape) {
		panic(fmt.Sprintf("ndarray: %d indices for %d-dimensional array", len(idx), len(a.shape)))
	}
	p := a.offset
	for i, v := range idx {
		if v < 0 || v >= a.shape[i] {
			panic(fmt.Sprintf("ndarray: index %d out of range for axis %d of length %d", v, i, a.shape[i]))
		}
		p += v * a.strides[i]
	}
	return p
}

// At returns the element at idx converted to float64 (bool as 0 or 1;
// Int64 and Uint64 beyond 2^53 rounded). It is for small use, not loops.
// It panics if the number of indices is not NDim or one is out of range.
func (a *Array) At(idx ...int) float64 {
	return dispatch(a.dtype).get(a.data, a.index(idx))
}

// Set stores v at idx, converting it to the element type: truncated
// towards zero for integers, which must hold the result (NaN or a value
// out of range panics, as does a bad index). The change is seen by every
// view of the same data.
func (a *Array) Set(v float64, idx ...int) {
	mustFit("set", a.dtype, v)
	dispatch(a.dtype).set(a.data, a.index(idx), v)
}

// SetFrom copies src into a, broadcasting src to a's shape. Their dtypes
// must be equal. a may be any view, including one that shares data with
// src only if they do not overlap.
func (a *Array) SetFrom(src *Array) error {
	if a.dtype != src.dtype {
		return fmt.Errorf("ndarray: set from %s into %s: %w", src.dtype, a.dtype, ErrDType)
	}
	b, err := src.BroadcastTo(a.shape...)
	if err != nil {
		return fmt.Errorf("ndarray: set from: %w", err)
	}
	dispatch(a.dtype).copyInto(a, b)
	return nil
}

// Copy returns a contiguous copy of a with its own backing slice.
func (a *Array) Copy() *Array {
	c := Zeros(a.dtype, a.shape...)
	dispatch(a.dtype).copyInto(c, a)
	return c
}

// Contiguous returns a if it is contiguous, else a contiguous copy.
func (a *Array) Contiguous() *Array {
	if a.IsContiguous() {
		return a
	}
	return a.Copy()
}

// String formats a like numpy: nested brackets, with at most three
// leading and trailing items per axis once the array has more than 1000
// elements, followed by the dtype and shape.
func (a *Array) String() string {
	var sb strings.Builder
	k := dispatch(a.dtype)
	summarise := a.Size() > 1000
	idx := make([]int, len(a.shape))
	var rec func(axis int)
	rec = func(axis int) {
		if axis == len(a.shape) {
			p := a.offset
			for i, v := range idx {
				p += v * a.strides[i]
			}
			sb.WriteString(k.format(a.data, p))
			return
		}
		sb.WriteByte('[')
		n := a.shape[axis]
		for i := 0; i < n; i++ {
			if summarise && n > 6 && i == 3 {
				sb.WriteString("...")
				if axis < len(a.shape)-1 {
					sb.WriteString(",\n" + strings.Repeat(" ", axis+1))
				} else {
					sb.WriteString(" ")
				}
				i = n - 3
			}
			idx[axis] = i
			rec(axis + 1)
			if i < n-1 {
				if axis < len(a.shape)-1 {
					sb.WriteString(",\n" + strings.Repeat(" ", axis+1))
				} else {
					sb.WriteString(" ")
				}
			}
		}
		sb.WriteByte(']')
	}
	rec(0)
	fmt.Fprintf(&sb, " %s%v", a.dtype, a.shape)
	return sb.String()
}
