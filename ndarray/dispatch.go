package ndarray

import (
	"fmt"
	"math"
	"strconv"
)

// kernels is the typed implementation of every operation for one dtype.
// dispatch is the single place where a runtime DType becomes a Go type:
// every exported function of the package resolves its operands' dtype
// here, once per call, and then runs generic code instantiated for that
// type. Methods receive Arrays whose dtype is the kernels' own (callers
// convert first) unless the method says otherwise.
type kernels interface {
	get(data any, i int) float64
	set(data any, i int, v float64)
	fill(data any, v float64)
	format(data any, i int) string
	// copyInto copies src into dst; same dtype and shape.
	copyInto(dst, src *Array)
	// convertFrom fills dst (this dtype) from src (any dtype, same shape).
	convertFrom(dst, src *Array) error
	// binary computes dst = a op b; a and b broadcast to dst's shape.
	binary(op BinaryOp, dst, a, b *Array) error
	// compare computes dst (Bool) = a op b.
	compare(op CompareOp, dst, a, b *Array)
	// unary computes dst = op(a); dst is Bool for the predicates.
	unary(op UnaryOp, dst, a *Array) error
	// where computes dst = cond ? a : b; cond is Bool.
	where(dst, cond, a, b *Array)
	// newPartial returns an empty partial aggregate of op over values of
	// this dtype.
	newPartial(op Op, g *geometry, opts ReduceOptions, missing []float64) (partial, error)
	// decoder returns the function that fills dst (of type dt, Float32
	// or Float64) from src (this dtype) under c, prepared for n values in
	// all (which decides whether a lookup table pays).
	decoder(c *Codec, dt DType, n int) func(dst, src *Array)
	// encode packs vals into dst (this dtype) for Codec.Encode.
	encode(e encoder, dst any, vals []float64) error
}

func dispatch(dt DType) kernels {
	switch dt {
	case Bool:
		return boolK{}
	case Int8:
		return numK[int8]{}
	case Int16:
		return numK[int16]{}
	case Int32:
		return numK[int32]{}
	case Int64:
		return numK[int64]{}
	case Uint8:
		return numK[uint8]{}
	case Uint16:
		return numK[uint16]{}
	case Uint32:
		return numK[uint32]{}
	case Uint64:
		return numK[uint64]{}
	case Float32:
		return numK[float32]{}
	case Float64:
		return numK[float64]{}
	}
	// Every Array and Codec is built with a valid dtype; reaching here is
	// a bug in this package, not bad input.
	panic(fmt.Sprintf("ndarray: dispatch on invalid %v", dt))
}

// numK implements kernels for the numeric types.
type numK[T Number] struct{}

// boolK implements kernels for Bool: storage, conversion, comparison,
// logical operations and where; arithmetic converts to an integer first.
type boolK struct{}

func (numK[T]) get(data any, i int) float64 { return float64(data.([]T)[i]) }

func (numK[T]) set(data any, i int, v float64) { data.([]T)[i] = fromFloat[T](v) }

func (numK[T]) fill(data any, v float64) {
	d := data.([]T)
	x := fromFloat[T](v)
	for i := range d {
		d[i] = x
	}
}

func (numK[T]) format(data any, i int) string {
	switch v := any(data.([]T)[i]).(type) {
	case float32:
		return strconv.FormatFloat(float64(v), 'g', -1, 32)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case int64:
		return strconv.FormatInt(v, 10)
	case uint64:
		return strconv.FormatUint(v, 10)
	}
	return strconv.FormatFloat(float64(data.([]T)[i]), 'f', -1, 64)
}

func (numK[T]) copyInto(dst, src *Array) { copyTyped[T](dst, src) }

func (boolK) get(data any, i int) float64 {
	if data.([]bool)[i] {
		return 1
	}
	return 0
}

func (boolK) set(data any, i int, v float64) { data.([]bool)[i] = v != 0 }

func (boolK) fill(data any, v float64) {
	d := data.([]bool)
	for i := range d {
		d[i] = v != 0
	}
}

func (boolK) format(data any, i int) string { return strconv.FormatBool(data.([]bool)[i]) }

func (boolK) copyInto(dst, src *Array) { copyTyped[bool](dst, src) }

// fromFloat converts v to T, truncating towards zero for integers. The
// caller guarantees v fits T when T is an integer type.
func fromFloat[T Number](v float64) T { return T(v) }

// isFloatType reports whether T is a floating-point type.
func isFloatType[T Number]() bool {
	var z T
	switch any(z).(type) {
	case float32, float64:
		return true
	}
	return false
}

// copyTyped copies src to dst element by element, both of element type T.
func copyTyped[T Elem](dst, src *Array) {
	d, s := dst.data.([]T), src.data.([]T)
	newRows(dst.shape, dst.strides, src.strides).each([]int{dst.offset, src.offset}, func(o []int, n int, st []int) {
		if st[0] == 1 && st[1] == 1 {
			copy(d[o[0]:o[0]+n], s[o[1]:o[1]+n])
			return
		}
		i, j := o[0], o[1]
		for range n {
			d[i] = s[j]
			i += st[0]
			j += st[1]
		}
	})
}

// nan returns a NaN of type T for floating types and the zero value for
// integers (which have no missing value; callers check isFloatType).
func nan[T Number]() T {
	var z T
	switch any(z).(type) {
	case float32:
		return T(float32(math.NaN()))
	case float64:
		return T(math.NaN())
	}
	return z
}
