package ndarray

import (
	"fmt"
	"math"
)

// Astype returns a converted to dt, as a new contiguous array (a itself
// if it already has that dtype). Conversions follow Go's rules, which are
// numpy's for the well-defined cases: integers wrap to narrower integers,
// floats truncate towards zero to integers, anything nonzero is true.
// A float that is NaN, infinite or out of range for an integer type is an
// error wrapping ErrRange rather than an unspecified value.
func (a *Array) Astype(dt DType) (*Array, error) {
	if a.dtype == dt {
		return a, nil
	}
	if !dt.Valid() {
		return nil, fmt.Errorf("ndarray: astype: %w: %v", ErrDType, dt)
	}
	dst := Zeros(dt, a.shape...)
	if err := dispatch(dt).convertFrom(dst, a); err != nil {
		return nil, fmt.Errorf("ndarray: astype %s to %s: %w", a.dtype, dt, err)
	}
	return dst, nil
}

func (numK[T]) convertFrom(dst, src *Array) error {
	d := dst.data.([]T)
	switch s := src.data.(type) {
	case []bool:
		convertRows(d, s, dst, src, func(v bool) T {
			if v {
				return 1
			}
			return 0
		})
		return nil
	case []int8:
		return convertNum(d, s, dst, src)
	case []int16:
		return convertNum(d, s, dst, src)
	case []int32:
		return convertNum(d, s, dst, src)
	case []int64:
		return convertNum(d, s, dst, src)
	case []uint8:
		return convertNum(d, s, dst, src)
	case []uint16:
		return convertNum(d, s, dst, src)
	case []uint32:
		return convertNum(d, s, dst, src)
	case []uint64:
		return convertNum(d, s, dst, src)
	case []float32:
		return convertNum(d, s, dst, src)
	case []float64:
		return convertNum(d, s, dst, src)
	}
	panic("ndarray: convert from unknown storage")
}

func (boolK) convertFrom(dst, src *Array) error {
	d := dst.data.([]bool)
	switch s := src.data.(type) {
	case []bool:
		copyTyped[bool](dst, src)
	case []int8:
		convertRows(d, s, dst, src, isNonzero)
	case []int16:
		convertRows(d, s, dst, src, isNonzero)
	case []int32:
		convertRows(d, s, dst, src, isNonzero)
	case []int64:
		convertRows(d, s, dst, src, isNonzero)
	case []uint8:
		convertRows(d, s, dst, src, isNonzero)
	case []uint16:
		convertRows(d, s, dst, src, isNonzero)
	case []uint32:
		convertRows(d, s, dst, src, isNonzero)
	case []uint64:
		convertRows(d, s, dst, src, isNonzero)
	case []float32:
		convertRows(d, s, dst, src, isNonzero)
	case []float64:
		convertRows(d, s, dst, src, isNonzero)
	}
	return nil
}

// isNonzero is numpy's truth value: NaN is true.
func isNonzero[S Number](v S) bool { return v != 0 }

// convertRows applies f elementwise from s (src's storage) to d (dst's).
// It is the path for bool on either side; it is not on any hot path.
func convertRows[S, D Elem](d []D, s []S, dst, src *Array, f func(S) D) {
	newRows(dst.shape, dst.strides, src.strides).each([]int{dst.offset, src.offset}, func(o []int, n int, st []int) {
		i, j := o[0], o[1]
		for range n {
			d[i] = f(s[j])
			i += st[0]
			j += st[1]
		}
	})
}

// convertNum converts between numeric types. Float to integer checks the
// range first, so no value is converted by Go's implementation-defined
// rule.
func convertNum[S, D Number](d []D, s []S, dst, src *Array) error {
	check := isFloatType[S]() && !isFloatType[D]()
	lo, hi := limits(DTypeOf[D]())
	var bad error
	newRows(dst.shape, dst.strides, src.strides).each([]int{dst.offset, src.offset}, func(o []int, n int, st []int) {
		if bad != nil {
			return
		}
		i, j := o[0], o[1]
		if check {
			for range n {
				v := float64(s[j])
				if t := math.Trunc(v); !(t >= lo && t < hi+1) {
					bad = fmt.Errorf("value %v does not fit %s: %w", v, DTypeOf[D](), ErrRange)
					return
				}
				d[i] = D(s[j])
				i += st[0]
				j += st[1]
			}
			return
		}
		if st[0] == 1 && st[1] == 1 {
			dd, ss := d[i:i+n], s[j:j+n]
			for k := range dd {
				dd[k] = D(ss[k])
			}
			return
		}
		for range n {
			d[i] = D(s[j])
			i += st[0]
			j += st[1]
		}
	})
	return bad
}
