package ndarray

import (
	"fmt"
	"math"
	"slices"
)

// Range selects positions Start, Start+Step, ... along one axis, stopping
// before Stop. Positions are absolute (a negative Start does not count
// from the end). Step 0 means 1. With a positive step, Stop is clipped to
// the axis length, so Whole selects everything. With a negative step the
// walk goes down from Start (clipped to the last position) while the
// position is above Stop: Range{n - 1, -1, -1} reverses an axis of
// length n.
type Range struct {
	Start, Stop, Step int
}

// Whole selects a whole axis.
var Whole = Range{Start: 0, Stop: math.MaxInt, Step: 1}

// resolve returns the first position, count and step of r on an axis of
// length n.
func (r Range) resolve(n int) (start, count, step int, err error) {
	step = r.Step
	if step == 0 {
		step = 1
	}
	start, stop := r.Start, r.Stop
	if step > 0 {
		if start < 0 || start > n {
			return 0, 0, 0, fmt.Errorf("start %d outside [0, %d]: %w", start, n, ErrIndex)
		}
		stop = min(stop, n)
		if stop <= start {
			return start, 0, step, nil
		}
		return start, (stop-start-1)/step + 1, step, nil
	}
	if stop < -1 {
		return 0, 0, 0, fmt.Errorf("stop %d below -1 with negative step: %w", stop, ErrIndex)
	}
	if start < -1 {
		return 0, 0, 0, fmt.Errorf("start %d below -1 with negative step: %w", start, ErrIndex)
	}
	start = min(start, n-1)
	if start <= stop {
		return 0, 0, step, nil
	}
	return start, (start-stop-1)/-step + 1, step, nil
}

// Slice returns a view of a restricted to one Range per leading axis;
// axes without a Range are kept whole. The view shares a's data.
func (a *Array) Slice(ranges ...Range) (*Array, error) {
	if len(ranges) > len(a.shape) {
		return nil, fmt.Errorf("ndarray: slice: %d ranges for %d-dimensional array: %w", len(ranges), len(a.shape), ErrIndex)
	}
	v := a.view()
	for i, r := range ranges {
		start, count, step, err := r.resolve(a.shape[i])
		if err != nil {
			return nil, fmt.Errorf("ndarray: slice axis %d of length %d: %w", i, a.shape[i], err)
		}
		if count > 0 {
			v.offset += start * a.strides[i]
		}
		v.shape[i] = count
		v.strides[i] = a.strides[i] * step
	}
	return v, nil
}

// Index returns the view of a at position i along axis, with that axis
// removed (numpy's a[:, i]).
func (a *Array) Index(axis, i int) (*Array, error) {
	if err := a.checkAxis(axis); err != nil {
		return nil, fmt.Errorf("ndarray: index: %w", err)
	}
	if i < 0 || i >= a.shape[axis] {
		return nil, fmt.Errorf("ndarray: index %d on axis %d of length %d: %w", i, axis, a.shape[axis], ErrIndex)
	}
	v := a.view()
	v.offset += i * a.strides[axis]
	v.shape = slices.Delete(v.shape, axis, axis+1)
	v.strides = slices.Delete(v.strides, axis, axis+1)
	return v, nil
}

// Take returns a new contiguous array holding the positions idx of axis,
// in that order (numpy.take); positions may repeat.
func (a *Array) Take(axis int, idx []int) (*Array, error) {
	if err := a.checkAxis(axis); err != nil {
		return nil, fmt.Errorf("ndarray: take: %w", err)
	}
	for _, i := range idx {
		if i < 0 || i >= a.shape[axis] {
			return nil, fmt.Errorf("ndarray: take %d on axis %d of length %d: %w", i, axis, a.shape[axis], ErrIndex)
		}
	}
	shape := a.Shape()
	shape[axis] = len(idx)
	dst := Zeros(a.dtype, shape...)
	k := dispatch(a.dtype)
	for j, i := range idx {
		src, _ := a.Index(axis, i)
		d, _ := dst.Index(axis, j)
		k.copyInto(d, src)
	}
	return dst, nil
}

// Compress returns a new contiguous array with the positions of axis
// where mask is true (numpy.compress). len(mask) must equal the axis
// length.
func (a *Array) Compress(axis int, mask []bool) (*Array, error) {
	if err := a.checkAxis(axis); err != nil {
		return nil, fmt.Errorf("ndarray: compress: %w", err)
	}
	if len(mask) != a.shape[axis] {
		return nil, fmt.Errorf("ndarray: compress: mask of length %d for axis %d of length %d: %w", len(mask), axis, a.shape[axis], ErrShape)
	}
	var idx []int
	for i, m := range mask {
		if m {
			idx = append(idx, i)
		}
	}
	return a.Take(axis, idx)
}

// Transpose returns a view with the axes permuted: axis i of the result
// is axis perm[i] of a. With no arguments the axes are reversed.
func (a *Array) Transpose(perm ...int) (*Array, error) {
	nd := len(a.shape)
	if len(perm) == 0 {
		perm = make([]int, nd)
		for i := range perm {
			perm[i] = nd - 1 - i
		}
	}
	if len(perm) != nd {
		return nil, fmt.Errorf("ndarray: transpose: permutation %v for %d axes: %w", perm, nd, ErrAxis)
	}
	seen := make([]bool, nd)
	v := a.view()
	for i, p := range perm {
		if p < 0 || p >= nd || seen[p] {
			return nil, fmt.Errorf("ndarray: transpose: %v is not a permutation of %d axes: %w", perm, nd, ErrAxis)
		}
		seen[p] = true
		v.shape[i] = a.shape[p]
		v.strides[i] = a.strides[p]
	}
	return v, nil
}

// BroadcastShapes returns the shape that arrays of the given shapes
// broadcast to under numpy's rules: shapes are aligned at their last
// axis, and along each axis the lengths must be equal or 1.
func BroadcastShapes(shapes ...[]int) ([]int, error) {
	nd := 0
	for _, s := range shapes {
		nd = max(nd, len(s))
	}
	out := make([]int, nd)
	for i := range out {
		out[i] = 1
	}
	for _, s := range shapes {
		for i, d := range s {
			j := nd - len(s) + i
			switch {
			case d == out[j] || d == 1:
			case out[j] == 1:
				out[j] = d
			default:
				return nil, fmt.Errorf("ndarray: shapes %v do not broadcast (axis %d: %d vs %d): %w", shapes, j, out[j], d, ErrShape)
			}
		}
	}
	return out, nil
}

// BroadcastTo returns a read-only view of a with the given shape, in
// which a's axes of length 1 and missing leading axes repeat with stride
// 0. Writing to it (Set, SetFrom) writes every repeat of one element.
func (a *Array) BroadcastTo(shape ...int) (*Array, error) {
	nd := len(shape)
	if len(a.shape) > nd {
		return nil, fmt.Errorf("ndarray: broadcast %v to %v: fewer dimensions: %w", a.shape, shape, ErrShape)
	}
	if _, err := checkedSize(shape); err != nil {
		return nil, fmt.Errorf("ndarray: broadcast %v to %v: %w", a.shape, shape, err)
	}
	v := &Array{dtype: a.dtype, shape: append([]int(nil), shape...), strides: make([]int, nd), offset: a.offset, data: a.data}
	for i := range a.shape {
		j := nd - len(a.shape) + i
		switch {
		case a.shape[i] == shape[j]:
			v.strides[j] = a.strides[i]
		case a.shape[i] == 1:
			v.strides[j] = 0
		default:
			return nil, fmt.Errorf("ndarray: broadcast %v to %v: axis %d has length %d, not 1 or %d: %w", a.shape, shape, i, a.shape[i], shape[j], ErrShape)
		}
	}
	return v, nil
}

// Reshape returns a with a new shape of the same size; one dimension may
// be -1 and is then inferred. The result is a view when a is contiguous
// and a copy otherwise.
func (a *Array) Reshape(shape ...int) (*Array, error) {
	shape = append([]int(nil), shape...)
	infer := -1
	n := 1
	for i, d := range shape {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d < 0:
			return nil, fmt.Errorf("ndarray: reshape %v to %v: %w", a.shape, shape, ErrShape)
		default:
			n *= d
		}
	}
	size := a.Size()
	if infer >= 0 {
		if n == 0 || size%n != 0 {
			return nil, fmt.Errorf("ndarray: reshape %v (%d elements) to %v: %w", a.shape, size, shape, ErrShape)
		}
		shape[infer] = size / n
		n = size
	}
	if _, err := checkedSize(shape); err != nil {
		return nil, fmt.Errorf("ndarray: reshape %v to %v: %w", a.shape, shape, err)
	}
	if n != size {
		return nil, fmt.Errorf("ndarray: reshape %v (%d elements) to %v (%d): %w", a.shape, size, shape, n, ErrShape)
	}
	c := a.Contiguous()
	return &Array{dtype: a.dtype, shape: shape, strides: contiguousStrides(shape), offset: c.offset, data: c.data}, nil
}

// Squeeze returns a view without the given axes, which must have length
// 1; with no arguments every axis of length 1 is removed.
func (a *Array) Squeeze(axes ...int) (*Array, error) {
	drop := make([]bool, len(a.shape))
	if len(axes) == 0 {
		for i, d := range a.shape {
			drop[i] = d == 1
		}
	}
	for _, ax := range axes {
		if err := a.checkAxis(ax); err != nil {
			return nil, fmt.Errorf("ndarray: squeeze: %w", err)
		}
		if a.shape[ax] != 1 {
			return nil, fmt.Errorf("ndarray: squeeze axis %d of length %d: %w", ax, a.shape[ax], ErrShape)
		}
		drop[ax] = true
	}
	v := &Array{dtype: a.dtype, shape: []int{}, strides: []int{}, offset: a.offset, data: a.data}
	for i := range a.shape {
		if !drop[i] {
			v.shape = append(v.shape, a.shape[i])
			v.strides = append(v.strides, a.strides[i])
		}
	}
	return v, nil
}

// ExpandDims returns a view with a new axis of length 1 at position axis
// (0 <= axis <= NDim).
func (a *Array) ExpandDims(axis int) (*Array, error) {
	if axis < 0 || axis > len(a.shape) {
		return nil, fmt.Errorf("ndarray: expand dims: axis %d for %d-dimensional array: %w", axis, len(a.shape), ErrAxis)
	}
	v := a.view()
	v.shape = slices.Insert(v.shape, axis, 1)
	v.strides = slices.Insert(v.strides, axis, 0)
	return v, nil
}

func (a *Array) view() *Array {
	return &Array{dtype: a.dtype, shape: a.Shape(), strides: a.Strides(), offset: a.offset, data: a.data}
}

func (a *Array) checkAxis(axis int) error {
	if axis < 0 || axis >= len(a.shape) {
		return fmt.Errorf("axis %d for %d-dimensional array: %w", axis, len(a.shape), ErrAxis)
	}
	return nil
}
