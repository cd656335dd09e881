package ndarray_test

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/tesseradata/tessera/ndarray"
)

// This file tests Reduce against a reference written here: elements are
// read straight from the backing slice with a naive multi-index loop,
// grouped into result cells, and reduced with exact arithmetic (math/big)
// wherever the package promises exactness, so that neither the package's
// iterator nor its kernels check themselves. The helpers (prefixed red)
// are shared with partial_test.go and decode_test.go.

var redDTypes = []ndarray.DType{
	ndarray.Bool,
	ndarray.Int8, ndarray.Int16, ndarray.Int32, ndarray.Int64,
	ndarray.Uint8, ndarray.Uint16, ndarray.Uint32, ndarray.Uint64,
	ndarray.Float32, ndarray.Float64,
}

// redOp is a reduction together with the DDOF it is run with (Var and
// Std are run with DDOF 0 and 1).
type redOp struct {
	op   ndarray.Op
	ddof int
}

var redOps = []redOp{
	{ndarray.Sum, 0}, {ndarray.Mean, 0}, {ndarray.Min, 0}, {ndarray.Max, 0}, {ndarray.Count, 0},
	{ndarray.Var, 0}, {ndarray.Var, 1}, {ndarray.Std, 0}, {ndarray.Std, 1},
	{ndarray.ArgMin, 0}, {ndarray.ArgMax, 0}, {ndarray.Any, 0}, {ndarray.All, 0},
}

// redNum is one element, held exactly: signed integers in i, unsigned in
// u, floats (and bools, as 0 or 1) in f.
type redNum struct {
	kind byte // 'b' bool, 'i' signed, 'u' unsigned, 'f' float
	i    int64
	u    uint64
	f    float64
}

func redF(v float64) redNum { return redNum{kind: 'f', f: v} }
func redI(v int64) redNum   { return redNum{kind: 'i', i: v} }

func redBool(v bool) redNum {
	if v {
		return redNum{kind: 'b', f: 1}
	}
	return redNum{kind: 'b'}
}

func (x redNum) float() float64 {
	switch x.kind {
	case 'i':
		return float64(x.i)
	case 'u':
		return float64(x.u)
	}
	return x.f
}

func (x redNum) isNaN() bool { return x.kind == 'f' && math.IsNaN(x.f) }

// nonzero is numpy's truth value: NaN is true.
func (x redNum) nonzero() bool {
	switch x.kind {
	case 'i':
		return x.i != 0
	case 'u':
		return x.u != 0
	}
	return x.f != 0
}

// less compares two values of the same kind exactly.
func (x redNum) less(y redNum) bool {
	switch x.kind {
	case 'i':
		return x.i < y.i
	case 'u':
		return x.u < y.u
	}
	return x.f < y.f
}

// bigInt is the exact value of an integer or bool.
func (x redNum) bigInt() *big.Int {
	switch x.kind {
	case 'i':
		return big.NewInt(x.i)
	case 'u':
		return new(big.Int).SetUint64(x.u)
	}
	return big.NewInt(int64(x.f))
}

// bigFloat is the exact value of a non-NaN element at redPrec bits.
func (x redNum) bigFloat() *big.Float {
	f := new(big.Float).SetPrec(redPrec)
	switch x.kind {
	case 'i':
		return f.SetInt64(x.i)
	case 'u':
		return f.SetUint64(x.u)
	}
	return f.SetFloat64(x.f)
}

// redPrec holds sums of the test data exactly: the values span less than
// 2^-60 to 2^64 and there are at most a few thousand of them.
const redPrec = 512

func (x redNum) String() string {
	switch x.kind {
	case 'i':
		return fmt.Sprint(x.i)
	case 'u':
		return fmt.Sprint(x.u)
	case 'b':
		return fmt.Sprint(x.f != 0)
	}
	return fmt.Sprint(x.f)
}

// redEach calls fn with every multi-index of shape in row-major order.
func redEach(shape []int, fn func(idx []int)) {
	for _, d := range shape {
		if d == 0 {
			return
		}
	}
	idx := make([]int, len(shape))
	for {
		fn(idx)
		i := len(shape) - 1
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < shape[i] {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			return
		}
	}
}

func redSize(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// redRead returns the elements of a in row-major order, read from the
// backing slice at offset + Σ idx·stride.
func redRead(a *ndarray.Array) []redNum {
	switch a.DType() {
	case ndarray.Bool:
		return redReadAs(a, redBool)
	case ndarray.Int8:
		return redReadAs(a, redSigned[int8])
	case ndarray.Int16:
		return redReadAs(a, redSigned[int16])
	case ndarray.Int32:
		return redReadAs(a, redSigned[int32])
	case ndarray.Int64:
		return redReadAs(a, redSigned[int64])
	case ndarray.Uint8:
		return redReadAs(a, redUnsigned[uint8])
	case ndarray.Uint16:
		return redReadAs(a, redUnsigned[uint16])
	case ndarray.Uint32:
		return redReadAs(a, redUnsigned[uint32])
	case ndarray.Uint64:
		return redReadAs(a, redUnsigned[uint64])
	case ndarray.Float32:
		return redReadAs(a, redFloat[float32])
	}
	return redReadAs(a, redFloat[float64])
}

func redSigned[T int8 | int16 | int32 | int64](v T) redNum { return redNum{kind: 'i', i: int64(v)} }
func redUnsigned[T uint8 | uint16 | uint32 | uint64](v T) redNum {
	return redNum{kind: 'u', u: uint64(v)}
}
func redFloat[T float32 | float64](v T) redNum { return redNum{kind: 'f', f: float64(v)} }

func redReadAs[T ndarray.Elem](a *ndarray.Array, conv func(T) redNum) []redNum {
	d, err := ndarray.Data[T](a)
	if err != nil {
		panic(err)
	}
	st, off := a.Strides(), a.Offset()
	out := make([]redNum, 0, a.Size())
	redEach(a.Shape(), func(idx []int) {
		p := off
		for i, v := range idx {
			p += v * st[i]
		}
		out = append(out, conv(d[p]))
	})
	return out
}

// redArray returns a contiguous array of dt and shape holding vals (of
// dt's kind). shape must not be nil (an empty shape is 0-dimensional).
func redArray(dt ndarray.DType, vals []redNum, shape []int) *ndarray.Array {
	var a *ndarray.Array
	var err error
	switch dt {
	case ndarray.Bool:
		a, err = ndarray.FromSlice(redConv(vals, func(x redNum) bool { return x.f != 0 }), shape...)
	case ndarray.Int8:
		a, err = ndarray.FromSlice(redConv(vals, func(x redNum) int8 { return int8(x.i) }), shape...)
	case ndarray.Int16:
		a, err = ndarray.FromSlice(redConv(vals, func(x redNum) int16 { return int16(x.i) }), shape...)
	case ndarray.Int32:
		a, err = ndarray.FromSlice(redConv(vals, func(x redNum) int32 { return int32(x.i) }), shape...)
	case ndarray.Int64:
		a, err = ndarray.FromSlice(redConv(vals, func(x redNum) int64 { return x.i }), shape...)
	case ndarray.Uint8:
		a, err = ndarray.FromSlice(redConv(vals, func(x redNum) uint8 { return uint8(x.u) }), shape...)
	case ndarray.Uint16:
		a, err = ndarray.FromSlice(redConv(vals, func(x redNum) uint16 { return uint16(x.u) }), shape...)
	case ndarray.Uint32:
		a, err = ndarray.FromSlice(redConv(vals, func(x redNum) uint32 { return uint32(x.u) }), shape...)
	case ndarray.Uint64:
		a, err = ndarray.FromSlice(redConv(vals, func(x redNum) uint64 { return x.u }), shape...)
	case ndarray.Float32:
		a, err = ndarray.FromSlice(redConv(vals, func(x redNum) float32 { return float32(x.f) }), shape...)
	default:
		a, err = ndarray.FromSlice(redConv(vals, func(x redNum) float64 { return x.f }), shape...)
	}
	if err != nil {
		panic(err)
	}
	return a
}

func redConv[T any](vals []redNum, f func(redNum) T) []T {
	out := make([]T, len(vals))
	for i, v := range vals {
		out[i] = f(v)
	}
	return out
}

// redBits is the width of an integer dtype.
func redBits(dt ndarray.DType) uint { return uint(8 * dt.Size()) }

// redValue returns a random element of dt. Floats are NaN with
// probability nanFrac, else small integers (ties for the arg
// reductions), normal values or large ones; integers are small, uniform
// over their whole range (so 64-bit sums wrap, which the exact reference
// reproduces) or one of the type's extremes (the identities of min and
// max).
func redValue(rng *rand.Rand, dt ndarray.DType, nanFrac float64) redNum {
	r := rng.IntN(10)
	switch {
	case dt == ndarray.Bool:
		return redBool(rng.IntN(2) == 1)
	case dt.IsFloat():
		var v float64
		switch {
		case rng.Float64() < nanFrac:
			v = math.NaN()
		case r < 4:
			v = float64(rng.IntN(7) - 3)
		case r < 9:
			v = rng.NormFloat64() * 100
		default:
			v = (2*rng.Float64() - 1) * 1e6
		}
		if dt == ndarray.Float32 {
			v = float64(float32(v))
		}
		return redF(v)
	case dt.IsSigned():
		b := redBits(dt)
		switch {
		case r < 4:
			return redI(int64(rng.IntN(7) - 3))
		case r < 9:
			return redI(int64(rng.Uint64()) >> (64 - b))
		case r == 9 && rng.IntN(2) == 0:
			return redI(-1 << (b - 1))
		}
		return redI(1<<(b-1) - 1)
	}
	b := redBits(dt)
	switch {
	case r < 4:
		return redNum{kind: 'u', u: uint64(rng.IntN(4))}
	case r < 9:
		return redNum{kind: 'u', u: rng.Uint64() >> (64 - b)}
	case r == 9 && rng.IntN(2) == 0:
		return redNum{kind: 'u'}
	}
	return redNum{kind: 'u', u: math.MaxUint64 >> (64 - b)}
}

// redValues returns n random elements of dt.
func redValues(rng *rand.Rand, dt ndarray.DType, n int, nanFrac float64) []redNum {
	vals := make([]redNum, n)
	for i := range vals {
		vals[i] = redValue(rng, dt, nanFrac)
	}
	return vals
}

// redNaNFrac picks the share of NaN in a float array: none, some, or all.
func redNaNFrac(rng *rand.Rand) float64 {
	return []float64{0, 0, 0.2, 0.5, 1}[rng.IntN(5)]
}

// redShape returns a random shape of nd axes of length 0 to maxDim, with
// lengths 0 and 1 drawn more often than the others.
func redShape(rng *rand.Rand, nd, maxDim int) []int {
	s := make([]int, nd)
	for i := range s {
		switch r := rng.IntN(8); {
		case r == 0:
			s[i] = 0
		case r == 1:
			s[i] = 1
		default:
			s[i] = 1 + rng.IntN(maxDim)
		}
	}
	return s
}

// redView returns a random view of the given shape over fresh random
// data, and a description of how it was made. Each axis may be a
// broadcast (stride 0, only with bcast), a stepped slice of a longer axis
// (step ±1 to ±3, with some padding before and after) and permuted in the
// backing array, so strides are arbitrary, negative and out of order.
func redView(rng *rand.Rand, dt ndarray.DType, shape []int, nanFrac float64, bcast bool) (*ndarray.Array, string) {
	return redViewOf(rng, dt, shape, bcast, func(n int) []redNum { return redValues(rng, dt, n, nanFrac) })
}

// redViewOf is redView with the backing array's values from gen (zeros
// when gen is nil).
func redViewOf(rng *rand.Rand, dt ndarray.DType, shape []int, bcast bool, gen func(n int) []redNum) (*ndarray.Array, string) {
	var desc []string
	inner := slices.Clone(shape)
	if bcast && len(shape) > 0 && rng.IntN(3) == 0 {
		for i := range inner {
			if rng.IntN(2) == 0 {
				inner[i] = 1
			}
		}
		// Sometimes drop leading broadcast axes: BroadcastTo adds them.
		for len(inner) > 0 && inner[0] == 1 && rng.IntN(2) == 0 {
			inner = inner[1:]
		}
		desc = append(desc, fmt.Sprintf("broadcast from %v", inner))
	} else {
		bcast = false
	}
	parent := make([]int, len(inner))
	ranges := make([]ndarray.Range, len(inner))
	stepped := rng.IntN(2) == 0
	var steps []int
	for i, d := range inner {
		s, pad := 1, 0
		if stepped {
			s, pad = 1+rng.IntN(3), rng.IntN(3)
			if rng.IntN(2) == 0 {
				s = -s
			}
		}
		steps = append(steps, s)
		parent[i] = d*max(s, -s) + pad
		switch {
		case d == 0 && s > 0:
			start := rng.IntN(pad + 1)
			ranges[i] = ndarray.Range{Start: start, Stop: start, Step: 1}
		case d == 0:
			ranges[i] = ndarray.Range{Start: -1, Stop: -1, Step: -1}
		case s > 0:
			start := rng.IntN(pad + 1)
			ranges[i] = ndarray.Range{Start: start, Stop: start + (d-1)*s + 1, Step: s}
		default:
			start := parent[i] - 1 - rng.IntN(pad+1)
			ranges[i] = ndarray.Range{Start: start, Stop: start + (d-1)*s - 1, Step: s}
		}
	}
	if stepped {
		desc = append(desc, fmt.Sprintf("steps %v of %v", steps, parent))
	}
	perm := make([]int, len(inner))
	for i := range perm {
		perm[i] = i
	}
	if rng.IntN(2) == 0 {
		perm = rng.Perm(len(inner))
		desc = append(desc, fmt.Sprintf("transposed %v", perm))
	}
	backing := make([]int, len(inner))
	for i, p := range perm {
		backing[p] = parent[i]
	}
	a := ndarray.Zeros(dt, backing...)
	if gen != nil {
		a = redArray(dt, gen(redSize(backing)), backing)
	}
	v, err := a.Transpose(perm...)
	if err == nil {
		v, err = v.Slice(ranges...)
	}
	if err == nil && bcast {
		v, err = v.BroadcastTo(shape...)
	}
	if err != nil {
		panic(err)
	}
	if !slices.Equal(v.Shape(), shape) {
		panic(fmt.Sprintf("redView made %v, want %v (%s)", v.Shape(), shape, desc))
	}
	if len(desc) == 0 {
		desc = append(desc, "contiguous")
	}
	return v, strings.Join(desc, ", ")
}

// redAxes returns the reduced axes of an nd-dimensional array that axes
// selects (all when none), or false if an axis is out of range or
// repeated.
func redAxes(nd int, axes []int) ([]bool, bool) {
	red := make([]bool, nd)
	if len(axes) == 0 {
		for i := range red {
			red[i] = true
		}
	}
	for _, a := range axes {
		if a < 0 {
			a += nd
		}
		if a < 0 || a >= nd || red[a] {
			return nil, false
		}
		red[a] = true
	}
	return red, true
}

// redGroup splits the row-major elements vals of an array of the given
// shape into the cells of a reduction over axes: cells[c] lists, in
// row-major order of the reduced axes (so its index is the position
// ArgMin reports), the elements that reduce into result cell c. It also
// returns the result shape without and with KeepDims.
func redGroup(shape []int, vals []redNum, axes []int) (cells [][]redNum, out, keep []int) {
	red, ok := redAxes(len(shape), axes)
	if !ok {
		panic(fmt.Sprintf("redGroup: bad axes %v for %v", axes, shape))
	}
	str := make([]int, len(shape))
	n := 1
	out, keep = []int{}, []int{}
	for i := len(shape) - 1; i >= 0; i-- {
		if !red[i] {
			str[i] = n
			n *= shape[i]
		}
	}
	for i, d := range shape {
		if red[i] {
			keep = append(keep, 1)
		} else {
			out = append(out, d)
			keep = append(keep, d)
		}
	}
	cells = make([][]redNum, n)
	k := 0
	redEach(shape, func(idx []int) {
		c := 0
		for i, v := range idx {
			c += v * str[i]
		}
		cells[c] = append(cells[c], vals[k])
		k++
	})
	return cells, out, keep
}

// redWant is the expected outcome of a reduction.
type redWant struct {
	err   error // a sentinel the error must wrap, or nil
	dt    ndarray.DType
	shape []int
	vals  []redNum
	tol   []float64 // absolute tolerance per value; 0: exact
}

// redResultType is the dtype documented on Partial.Result.
func redResultType(op ndarray.Op, in ndarray.DType, o ndarray.ReduceOptions) ndarray.DType {
	floatOf := ndarray.Float64
	if in == ndarray.Float32 {
		floatOf = ndarray.Float32
	}
	switch op {
	case ndarray.Count, ndarray.ArgMin, ndarray.ArgMax:
		return ndarray.Int64
	case ndarray.Any, ndarray.All:
		return ndarray.Bool
	case ndarray.Mean, ndarray.Var, ndarray.Std:
		return floatOf
	case ndarray.Sum:
		switch {
		case in.IsFloat():
			return in
		case o.MinCount > 0:
			return ndarray.Float64
		case in.IsUnsigned():
			return ndarray.Uint64
		}
		return ndarray.Int64
	}
	if o.MinCount > 0 && !in.IsFloat() {
		return ndarray.Float64
	}
	return in
}

// redReduce is the reference reduction of the row-major elements vals of
// an array of dtype in and the given shape.
func redReduce(op ndarray.Op, o ndarray.ReduceOptions, in ndarray.DType, shape []int, vals []redNum, axes []int) redWant {
	cells, out, keep := redGroup(shape, vals, axes)
	w := redWant{dt: redResultType(op, in, o), shape: out}
	if o.KeepDims {
		w.shape = keep
	}
	for _, cell := range cells {
		v, tol, err := redCell(op, o, in, w.dt, cell)
		if err != nil {
			w.err = err
			return w
		}
		w.vals = append(w.vals, v)
		w.tol = append(w.tol, tol)
	}
	return w
}

// redTol is the relative error allowed for floating sums, means and
// moments, relative to Σ|x| (sums, means) or Σx² (variances): the package
// sums at most a few thousand float64 terms here, in any order, and the
// error of such a sum is at most (n-1)·eps·Σ|x| ≈ 2e-13·Σ|x| for n = 2000
// (Higham, Accuracy and Stability of Numerical Algorithms, §4.2); the
// reference is exact.
const redTol = 1e-12

// redF32Tol is the relative tolerance added for a Float32 result: the
// package rounds its float64 result to float32 once, and when that float64
// lies within the error above of a rounding boundary it can round to the
// float32 neighbour of the exactly rounded value, one ulp (at most 2^-23
// relative) away.
const redF32Tol = 0x1p-23

// redCell is the reference for one result cell of type out, whose input
// elements are cell, in row-major order of the reduced axes. tol is the
// absolute tolerance of the value, 0 when it must be exact.
func redCell(op ndarray.Op, o ndarray.ReduceOptions, in, out ndarray.DType, cell []redNum) (v redNum, tol float64, err error) {
	var valid []redNum
	firstNaN := -1
	for i, x := range cell {
		if x.isNaN() {
			if firstNaN < 0 {
				firstNaN = i
			}
			continue
		}
		valid = append(valid, x)
	}
	nan := redF(math.NaN())
	propagate := firstNaN >= 0 && !o.SkipNaN
	n := len(valid)
	switch op {
	case ndarray.Count:
		return redI(int64(n)), 0, nil
	case ndarray.Any:
		for _, x := range cell {
			if x.nonzero() {
				return redBool(true), 0, nil
			}
		}
		return redBool(false), 0, nil
	case ndarray.All:
		for _, x := range cell {
			if !x.nonzero() {
				return redBool(false), 0, nil
			}
		}
		return redBool(true), 0, nil
	case ndarray.ArgMin, ndarray.ArgMax:
		if len(cell) == 0 {
			return v, 0, ndarray.ErrEmpty
		}
		if propagate {
			return redI(int64(firstNaN)), 0, nil
		}
		best := -1
		for i, x := range cell {
			if x.isNaN() {
				continue
			}
			if best < 0 || op == ndarray.ArgMin && x.less(cell[best]) || op == ndarray.ArgMax && cell[best].less(x) {
				best = i
			}
		}
		return redI(int64(best)), 0, nil
	case ndarray.Min, ndarray.Max:
		if !out.IsFloat() && len(cell) == 0 {
			return v, 0, ndarray.ErrEmpty
		}
		if out.IsFloat() && (propagate || n < max(1, o.MinCount)) {
			return nan, 0, nil
		}
		ext := valid[0]
		for _, x := range valid[1:] {
			if op == ndarray.Min && x.less(ext) || op == ndarray.Max && ext.less(x) {
				ext = x
			}
		}
		if out.IsFloat() {
			return redF(ext.float()), 0, nil
		}
		return ext, 0, nil
	case ndarray.Sum:
		if !in.IsFloat() {
			s := new(big.Int)
			for _, x := range valid {
				s.Add(s, x.bigInt())
			}
			// Wrap to 64 bits, as int64 and uint64 arithmetic does.
			u := new(big.Int).And(s, new(big.Int).SetUint64(math.MaxUint64)).Uint64()
			w := redI(int64(u))
			if in.IsUnsigned() {
				w = redNum{kind: 'u', u: u}
			}
			if out != ndarray.Float64 {
				return w, 0, nil
			}
			if n < o.MinCount {
				return nan, 0, nil
			}
			return redF(w.float()), 0, nil
		}
		if propagate || n < o.MinCount {
			return nan, 0, nil
		}
		s, abs := redSums(valid)
		f, _ := s.Float64()
		return redRound(out, f, redTol*abs)
	case ndarray.Mean:
		if propagate || n < max(1, o.MinCount) {
			return nan, 0, nil
		}
		s, abs := redSums(valid)
		if !in.IsFloat() && in.Size() <= 4 {
			// An exact int64 sum, converted exactly and divided once.
			f, _ := s.Float64()
			return redF(f / float64(n)), 0, nil
		}
		s.Quo(s, new(big.Float).SetInt64(int64(n)))
		f, _ := s.Float64()
		return redRound(out, f, redTol*abs/float64(n))
	}
	// Var, Std
	if propagate || n < max(1, o.MinCount, o.DDOF+1) {
		return nan, 0, nil
	}
	mean, _ := redSums(valid)
	mean.Quo(mean, new(big.Float).SetInt64(int64(n)))
	m2 := new(big.Float).SetPrec(redPrec)
	sq := 0.0
	for _, x := range valid {
		d := new(big.Float).SetPrec(redPrec).Sub(x.bigFloat(), mean)
		m2.Add(m2, d.Mul(d, d))
		sq += x.float() * x.float()
	}
	m2.Quo(m2, new(big.Float).SetInt64(int64(n-o.DDOF)))
	vr, _ := m2.Float64()
	// Relative to Σx²/(n-ddof), which bounds the variance and the mean²
	// that the float64 two-pass and pairwise updates lose precision to.
	tol = redTol * sq / float64(n-o.DDOF)
	if op == ndarray.Std {
		// |√a - √b| ≤ min(|a-b|/√b, √|a-b|) ≤ 2|a-b|/(√b + √|a-b|).
		if tol > 0 {
			tol = 2 * tol / (math.Sqrt(vr) + math.Sqrt(tol))
		}
		return redRound(out, math.Sqrt(vr), tol)
	}
	return redRound(out, vr, tol)
}

// redSums returns the exact sum of vals and the float64 sum of their
// absolute values (the scale of a floating sum's rounding error).
func redSums(vals []redNum) (*big.Float, float64) {
	s := new(big.Float).SetPrec(redPrec)
	abs := 0.0
	for _, x := range vals {
		s.Add(s, x.bigFloat())
		abs += math.Abs(x.float())
	}
	return s, abs
}

// redRound rounds a float64 reference value to the result type, adding
// redF32Tol for Float32.
func redRound(out ndarray.DType, v, tol float64) (redNum, float64, error) {
	if out == ndarray.Float32 {
		v = float64(float32(v))
		tol += redF32Tol * math.Abs(v)
	}
	return redF(v), tol, nil
}

// redClose reports whether got matches want within tol (exact for
// non-floats; NaN matches NaN; ±0 match).
func redClose(got, want redNum, tol float64) bool {
	if want.kind != 'f' || got.kind != 'f' {
		return got == want
	}
	if math.IsNaN(want.f) || math.IsNaN(got.f) {
		return math.IsNaN(want.f) && math.IsNaN(got.f)
	}
	if tol == 0 || math.IsInf(want.f, 0) {
		return got.f == want.f
	}
	return math.Abs(got.f-want.f) <= tol
}

// redCheck compares a reduction's outcome with want and reports whether
// they agree.
func redCheck(t *testing.T, what string, got *ndarray.Array, err error, want redWant) bool {
	t.Helper()
	if want.err != nil {
		if !errors.Is(err, want.err) {
			t.Errorf("%s: error %v, want one wrapping %q", what, err, want.err)
			return false
		}
		return true
	}
	if err != nil {
		t.Errorf("%s: unexpected error %v", what, err)
		return false
	}
	if got.DType() != want.dt || !slices.Equal(got.Shape(), want.shape) {
		t.Errorf("%s = %s%v, want %s%v", what, got.DType(), got.Shape(), want.dt, want.shape)
		return false
	}
	g := redRead(got)
	for i, w := range want.vals {
		if !redClose(g[i], w, want.tol[i]) {
			t.Errorf("%s: cell %d = %v, want %v (tolerance %g)", what, i, g[i], w, want.tol[i])
			return false
		}
	}
	return true
}

// redSubsets returns every subset of the axes of an nd-dimensional
// array, each axis given as itself or as its negative alias at random,
// plus nil (no axes: all of them).
func redSubsets(rng *rand.Rand, nd int) [][]int {
	out := [][]int{nil}
	for mask := range 1 << nd {
		axes := []int{}
		for i := range nd {
			if mask&(1<<i) != 0 {
				a := i
				if rng.IntN(2) == 0 {
					a -= nd
				}
				axes = append(axes, a)
			}
		}
		rng.Shuffle(len(axes), func(i, j int) { axes[i], axes[j] = axes[j], axes[i] })
		out = append(out, axes)
	}
	return out
}

// TestReduce runs every reduction, with and without SkipNaN and
// KeepDims and with a random MinCount, over every subset of the axes of
// random 0- to 4-dimensional views of every dtype, and compares it with
// the reference.
func TestReduce(t *testing.T) {
	for _, dt := range redDTypes {
		t.Run(dt.String(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(dt), 1))
			failures := 0
			for nd := range 5 {
				maxDim := []int{1, 12, 7, 5, 3}[nd]
				for range 3 {
					shape := redShape(rng, nd, maxDim)
					a, desc := redView(rng, dt, shape, redNaNFrac(rng), true)
					vals := redRead(a)
					for _, axes := range redSubsets(rng, nd) {
						for _, op := range redOps {
							for _, skip := range []bool{false, true} {
								for _, keep := range []bool{false, true} {
									o := ndarray.ReduceOptions{SkipNaN: skip, KeepDims: keep, DDOF: op.ddof,
										MinCount: []int{0, 0, 1, 2, 3}[rng.IntN(5)]}
									got, err := ndarray.Reduce(op.op, a, o, axes...)
									want := redReduce(op.op, o, dt, shape, vals, axes)
									what := fmt.Sprintf("Reduce(%v, %s%v [%s], %+v, axes %v)", op.op, dt, shape, desc, o, axes)
									if !redCheck(t, what, got, err, want) {
										if failures++; failures > 10 {
											t.Fatal("too many failures")
										}
									}
								}
							}
						}
					}
				}
			}
		})
	}
}

// TestReduceExamples pins numpy's and xarray's semantics on small inputs,
// one rule per case.
func TestReduceExamples(t *testing.T) {
	nan := math.NaN()
	f64 := func(shape []int, v ...float64) *ndarray.Array { a, _ := ndarray.FromSlice(v, shape...); return a }
	vec := func(v ...float64) *ndarray.Array { return f64(nil, v...) }
	i8, _ := ndarray.FromSlice([]int8{127, 127, 100})
	u8, _ := ndarray.FromSlice([]uint8{255, 255})
	i64, _ := ndarray.FromSlice([]int64{1 << 53, 1, 1})
	u64, _ := ndarray.FromSlice([]uint64{1 << 63, 1 << 62, 1 << 61, 1 << 60})
	emptyI32, _ := ndarray.FromSlice([]int32{})
	bools, _ := ndarray.FromSlice([]bool{true, false, true})
	f32, _ := ndarray.FromSlice([]float32{1, 2, 4})
	cube := ndarray.Arange(ndarray.Float64, 0, 12, 1)
	cube, _ = cube.Reshape(2, 2, 3)
	skip := ndarray.ReduceOptions{SkipNaN: true}

	tests := []struct {
		name  string
		op    ndarray.Op
		in    *ndarray.Array
		opts  ndarray.ReduceOptions
		axes  []int
		dt    ndarray.DType
		shape []int
		want  []float64
	}{
		{"sum propagates NaN", ndarray.Sum, vec(1, nan, 2), ndarray.ReduceOptions{}, nil, ndarray.Float64, []int{}, []float64{nan}},
		{"nansum skips NaN", ndarray.Sum, vec(1, nan, 2), skip, nil, ndarray.Float64, []int{}, []float64{3}},
		{"nansum of all NaN is 0", ndarray.Sum, vec(nan, nan), skip, nil, ndarray.Float64, []int{}, []float64{0}},
		{"min_count makes it missing", ndarray.Sum, vec(nan, nan), ndarray.ReduceOptions{SkipNaN: true, MinCount: 1}, nil, ndarray.Float64, []int{}, []float64{nan}},
		{"min_count per cell", ndarray.Sum, f64([]int{2, 2}, 1, nan, nan, nan), ndarray.ReduceOptions{SkipNaN: true, MinCount: 1}, []int{1}, ndarray.Float64, []int{2}, []float64{1, nan}},
		{"sum of empty is 0", ndarray.Sum, vec(), ndarray.ReduceOptions{}, nil, ndarray.Float64, []int{}, []float64{0}},
		{"int8 sum is exact in int64", ndarray.Sum, i8, ndarray.ReduceOptions{}, nil, ndarray.Int64, []int{}, []float64{354}},
		{"uint8 sum is exact in uint64", ndarray.Sum, u8, ndarray.ReduceOptions{}, nil, ndarray.Uint64, []int{}, []float64{510}},
		{"int64 sum beyond 2^53", ndarray.Sum, i64, ndarray.ReduceOptions{}, nil, ndarray.Int64, []int{}, []float64{1<<53 + 2}},
		{"uint64 sum beyond 2^63", ndarray.Sum, u64, ndarray.ReduceOptions{}, nil, ndarray.Uint64, []int{}, []float64{15 << 60}},
		{"integer sum with min_count is float64", ndarray.Sum, i8, ndarray.ReduceOptions{MinCount: 4}, nil, ndarray.Float64, []int{}, []float64{nan}},
		{"bool sum counts true", ndarray.Sum, bools, ndarray.ReduceOptions{}, nil, ndarray.Int64, []int{}, []float64{2}},
		{"bool mean", ndarray.Mean, bools, ndarray.ReduceOptions{}, nil, ndarray.Float64, []int{}, []float64{2.0 / 3}},
		{"bool max is bool", ndarray.Max, bools, ndarray.ReduceOptions{}, nil, ndarray.Bool, []int{}, []float64{1}},
		{"float32 mean stays float32", ndarray.Mean, f32, ndarray.ReduceOptions{}, nil, ndarray.Float32, []int{}, []float64{float64(float32(7.0 / 3))}},
		{"mean of empty is NaN", ndarray.Mean, vec(), ndarray.ReduceOptions{}, nil, ndarray.Float64, []int{}, []float64{nan}},
		{"nanmean", ndarray.Mean, vec(1, nan, 4), skip, nil, ndarray.Float64, []int{}, []float64{2.5}},
		{"min propagates NaN", ndarray.Min, vec(3, nan, 1), ndarray.ReduceOptions{}, nil, ndarray.Float64, []int{}, []float64{nan}},
		{"nanmin", ndarray.Min, vec(3, nan, 1), skip, nil, ndarray.Float64, []int{}, []float64{1}},
		{"nanmax of all NaN is NaN", ndarray.Max, vec(nan, nan), skip, nil, ndarray.Float64, []int{}, []float64{nan}},
		{"float min of empty is NaN", ndarray.Min, vec(), ndarray.ReduceOptions{}, nil, ndarray.Float64, []int{}, []float64{nan}},
		{"integer min with min_count is float64", ndarray.Min, emptyI32, ndarray.ReduceOptions{MinCount: 1}, nil, ndarray.Float64, []int{}, []float64{nan}},
		{"count skips NaN", ndarray.Count, vec(1, nan, 0), ndarray.ReduceOptions{}, nil, ndarray.Int64, []int{}, []float64{2}},
		{"var", ndarray.Var, vec(1, 2, 3, 4), ndarray.ReduceOptions{}, nil, ndarray.Float64, []int{}, []float64{1.25}},
		{"var ddof 1", ndarray.Var, vec(1, 2, 3, 4), ndarray.ReduceOptions{DDOF: 1}, nil, ndarray.Float64, []int{}, []float64{5.0 / 3}},
		{"std ddof 1", ndarray.Std, vec(2, 4, 4, 4, 5, 5, 7, 9), ndarray.ReduceOptions{DDOF: 1}, nil, ndarray.Float64, []int{}, []float64{math.Sqrt(32.0 / 7)}},
		{"var of one value with ddof 1 is NaN", ndarray.Var, vec(5), ndarray.ReduceOptions{DDOF: 1}, nil, ndarray.Float64, []int{}, []float64{nan}},
		{"nanvar", ndarray.Var, vec(1, nan, 3), skip, nil, ndarray.Float64, []int{}, []float64{1}},
		{"argmin gives the first NaN", ndarray.ArgMin, vec(3, nan, 1, nan), ndarray.ReduceOptions{}, nil, ndarray.Int64, []int{}, []float64{1}},
		{"nanargmin skips NaN", ndarray.ArgMin, vec(3, nan, 1, nan), skip, nil, ndarray.Int64, []int{}, []float64{2}},
		{"nanargmax of all NaN is -1", ndarray.ArgMax, vec(nan, nan), skip, nil, ndarray.Int64, []int{}, []float64{-1}},
		{"argmax takes the first tie", ndarray.ArgMax, vec(1, 5, 5, 2), ndarray.ReduceOptions{}, nil, ndarray.Int64, []int{}, []float64{1}},
		{"argmin along an axis", ndarray.ArgMin, f64([]int{2, 3}, 3, 1, 2, 0, 5, 0), ndarray.ReduceOptions{}, []int{1}, ndarray.Int64, []int{2}, []float64{1, 0}},
		{"argmax over two axes is row-major", ndarray.ArgMax, cube, ndarray.ReduceOptions{}, []int{0, 2}, ndarray.Int64, []int{2}, []float64{5, 5}},
		{"argmax over a negative axis", ndarray.ArgMax, cube, ndarray.ReduceOptions{}, []int{-3}, ndarray.Int64, []int{2, 3}, []float64{1, 1, 1, 1, 1, 1}},
		{"any: NaN is true", ndarray.Any, vec(0, nan), ndarray.ReduceOptions{}, nil, ndarray.Bool, []int{}, []float64{1}},
		{"all: NaN is true even when skipping", ndarray.All, vec(1, nan), skip, nil, ndarray.Bool, []int{}, []float64{1}},
		{"any of empty is false", ndarray.Any, vec(), ndarray.ReduceOptions{}, nil, ndarray.Bool, []int{}, []float64{0}},
		{"all of empty is true", ndarray.All, vec(), ndarray.ReduceOptions{}, nil, ndarray.Bool, []int{}, []float64{1}},
		{"any of bool", ndarray.Any, bools, ndarray.ReduceOptions{}, nil, ndarray.Bool, []int{}, []float64{1}},
		{"all of bool", ndarray.All, bools, ndarray.ReduceOptions{}, nil, ndarray.Bool, []int{}, []float64{0}},
		{"keepdims", ndarray.Sum, cube, ndarray.ReduceOptions{KeepDims: true}, []int{1}, ndarray.Float64, []int{2, 1, 3}, []float64{3, 5, 7, 15, 17, 19}},
		{"sum over the middle axis", ndarray.Sum, cube, ndarray.ReduceOptions{}, []int{1}, ndarray.Float64, []int{2, 3}, []float64{3, 5, 7, 15, 17, 19}},
		{"sum over all axes given explicitly", ndarray.Sum, cube, ndarray.ReduceOptions{KeepDims: true}, []int{2, 0, 1}, ndarray.Float64, []int{1, 1, 1}, []float64{66}},
		{"reduce a 0-d array", ndarray.Max, ndarray.Scalar(int16(-4)), ndarray.ReduceOptions{}, nil, ndarray.Int16, []int{}, []float64{-4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ndarray.Reduce(tc.op, tc.in, tc.opts, tc.axes...)
			if err != nil {
				t.Fatalf("Reduce(%v, %v, %+v, %v): %v", tc.op, tc.in, tc.opts, tc.axes, err)
			}
			if got.DType() != tc.dt || !slices.Equal(got.Shape(), tc.shape) {
				t.Fatalf("Reduce(%v, %v, %+v, %v) = %v, want %s%v", tc.op, tc.in, tc.opts, tc.axes, got, tc.dt, tc.shape)
			}
			g := redRead(got)
			for i, w := range tc.want {
				if !redClose(g[i], redF(w), 0) && !(g[i].kind != 'f' && g[i].float() == w) {
					t.Errorf("Reduce(%v, %v, %+v, %v) = %v, want %v", tc.op, tc.in, tc.opts, tc.axes, got, tc.want)
					break
				}
			}
		})
	}
}

// TestReduceShortcuts checks SumOf, MeanOf, MinOf and MaxOf against
// Reduce with default options.
func TestReduceShortcuts(t *testing.T) {
	a, _ := ndarray.FromSlice([]float64{4, math.NaN(), 1, 2, 8, 3}, 2, 3)
	for _, tc := range []struct {
		op ndarray.Op
		f  func(*ndarray.Array, ...int) (*ndarray.Array, error)
	}{{ndarray.Sum, ndarray.SumOf}, {ndarray.Mean, ndarray.MeanOf}, {ndarray.Min, ndarray.MinOf}, {ndarray.Max, ndarray.MaxOf}} {
		for _, axes := range [][]int{nil, {0}, {1}, {-1, 0}} {
			got, err := tc.f(a, axes...)
			want, werr := ndarray.Reduce(tc.op, a, ndarray.ReduceOptions{}, axes...)
			if err != nil || werr != nil {
				t.Fatalf("%vOf(%v): %v, %v", tc.op, axes, err, werr)
			}
			if g, w := redRead(got), redRead(want); !slices.EqualFunc(g, w, func(x, y redNum) bool { return redClose(x, y, 0) }) {
				t.Errorf("%vOf(a, %v) = %v, want %v", tc.op, axes, got, want)
			}
		}
	}
}

// TestReduceErrors checks that every error wraps its sentinel and names
// what was wrong.
func TestReduceErrors(t *testing.T) {
	a := ndarray.Zeros(ndarray.Float64, 2, 3)
	emptyInt := ndarray.Zeros(ndarray.Int32, 2, 0)
	emptyFloat := ndarray.Zeros(ndarray.Float32, 0, 4)
	tests := []struct {
		name    string
		op      ndarray.Op
		in      *ndarray.Array
		opts    ndarray.ReduceOptions
		axes    []int
		want    error
		mention []string
	}{
		{"axis too large", ndarray.Sum, a, ndarray.ReduceOptions{}, []int{2}, ndarray.ErrAxis, []string{"axis 2", "2-dimensional", "[2 3]"}},
		{"axis too small", ndarray.Mean, a, ndarray.ReduceOptions{}, []int{-3}, ndarray.ErrAxis, []string{"axis -3", "2-dimensional"}},
		{"axis repeated", ndarray.Max, a, ndarray.ReduceOptions{}, []int{1, 1}, ndarray.ErrAxis, []string{"axis 1 repeated"}},
		{"axis repeated through its alias", ndarray.Max, a, ndarray.ReduceOptions{}, []int{0, -2}, ndarray.ErrAxis, []string{"axis 0 repeated", "[0 -2]"}},
		{"axis of a 0-d array", ndarray.Sum, ndarray.Scalar(1.0), ndarray.ReduceOptions{}, []int{0}, ndarray.ErrAxis, []string{"axis 0", "0-dimensional"}},
		{"integer min of empty", ndarray.Min, emptyInt, ndarray.ReduceOptions{}, []int{1}, ndarray.ErrEmpty, []string{"min", "int32", "[2 0]"}},
		{"integer max of empty", ndarray.Max, emptyInt, ndarray.ReduceOptions{}, nil, ndarray.ErrEmpty, []string{"max", "int32"}},
		{"bool min of empty", ndarray.Min, ndarray.Zeros(ndarray.Bool, 0), ndarray.ReduceOptions{}, nil, ndarray.ErrEmpty, []string{"min", "bool"}},
		{"argmin of empty", ndarray.ArgMin, emptyInt, ndarray.ReduceOptions{}, []int{1}, ndarray.ErrEmpty, []string{"argmin", "int32"}},
		{"float argmax of empty", ndarray.ArgMax, emptyFloat, ndarray.ReduceOptions{SkipNaN: true}, []int{0}, ndarray.ErrEmpty, []string{"argmax", "float32", "[0 4]"}},
		{"unknown op", ndarray.Op(0), a, ndarray.ReduceOptions{}, nil, ndarray.ErrOp, []string{"Op(0)"}},
		{"op past the last", ndarray.Last + 1, a, ndarray.ReduceOptions{}, nil, ndarray.ErrOp, []string{"Op(14)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ndarray.Reduce(tc.op, tc.in, tc.opts, tc.axes...)
			if err == nil {
				t.Fatalf("Reduce(%v, %s%v, %v) = %v, want error wrapping %q", tc.op, tc.in.DType(), tc.in.Shape(), tc.axes, got, tc.want)
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("Reduce(%v, %s%v, %v): error %q does not wrap %q", tc.op, tc.in.DType(), tc.in.Shape(), tc.axes, err, tc.want)
			}
			for _, m := range tc.mention {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
		})
	}
	// Reductions without identity are fine when there is no result cell
	// at all, or when the empty cells have an identity.
	for _, tc := range []struct {
		op   ndarray.Op
		in   *ndarray.Array
		axes []int
	}{
		{ndarray.Min, ndarray.Zeros(ndarray.Int32, 0, 3), []int{1}},
		{ndarray.ArgMax, ndarray.Zeros(ndarray.Int8, 3, 0), []int{0}},
		{ndarray.Min, emptyFloat, []int{0}},
	} {
		if _, err := ndarray.Reduce(tc.op, tc.in, ndarray.ReduceOptions{}, tc.axes...); err != nil {
			t.Errorf("Reduce(%v, %s%v, %v): %v", tc.op, tc.in.DType(), tc.in.Shape(), tc.axes, err)
		}
	}
}

func TestReduceOpString(t *testing.T) {
	want := []string{"sum", "mean", "min", "max", "count", "var", "std", "argmin", "argmax", "any", "all"}
	for i, w := range want {
		if got := (ndarray.Sum + ndarray.Op(i)).String(); got != w {
			t.Errorf("Op(%d).String() = %q, want %q", i+1, got, w)
		}
	}
	if got := ndarray.Op(0).String(); got != "Op(0)" {
		t.Errorf("Op(0).String() = %q, want %q", got, "Op(0)")
	}
}

// TestMeanFloat32Large averages 10^8 float32 values. A float32
// accumulator would be off by percents (its ulp passes 1 at 2^24); the
// package accumulates in float64, whose error here is at most about
// n·eps = 1e8·1.1e-16 ≈ 1e-8 relative, so 1e-7 against a compensated
// reference holds with room to spare.
func TestMeanFloat32Large(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates 400 MB and sums 10^8 values; skipped with -short")
	}
	const rows, cols = 10000, 10000
	rng := rand.New(rand.NewPCG(3, 4))
	x := make([]float32, rows*cols)
	colSum := make([]float64, cols)
	var s, c float64 // Neumaier's compensated sum of all values
	for i := range x {
		v := float32(250 + 50*rng.Float64())
		x[i] = v
		colSum[i%cols] += float64(v)
		sum := s + float64(v)
		if math.Abs(s) >= float64(v) {
			c += (s - sum) + float64(v)
		} else {
			c += (float64(v) - sum) + s
		}
		s = sum
	}
	wantMean := (s + c) / float64(len(x))
	a, _ := ndarray.FromSlice(x, rows, cols)

	check := func(name string, got, want float64) {
		t.Helper()
		if rel := math.Abs(got-want) / math.Abs(want); !(rel <= 1e-7) {
			t.Errorf("%s = %.10g, want %.10g (relative error %.3g > 1e-7)", name, got, want, rel)
		}
	}
	m, err := ndarray.MeanOf(a)
	if err != nil {
		t.Fatal(err)
	}
	check("mean of 1e8 float32", m.At(), wantMean)
	sum, err := ndarray.SumOf(a)
	if err != nil {
		t.Fatal(err)
	}
	check("sum of 1e8 float32", sum.At(), s+c)

	// The time mean: over the leading axis, each cell a float64 sum of
	// 10^4 values (the reference's own error is about 1e4·eps ≈ 1e-12).
	cm, err := ndarray.MeanOf(a, 0)
	if err != nil {
		t.Fatal(err)
	}
	for j := 0; j < cols; j += 997 {
		check(fmt.Sprintf("mean over axis 0, column %d", j), cm.At(j), colSum[j]/rows)
	}
}

// TestVarStable checks the variance of 1e9 + {0, 1, ..., n-1}, whose
// exact value is (n²-1)/12. E[x²] - E[x]² cancels 1e18 against 1e18 and
// loses everything below about 1e18·eps ≈ 100, so it is wrong in the
// sixth digit; two passes and Chan's update are not.
func TestVarStable(t *testing.T) {
	const n = 10000
	x := make([]float64, n)
	for i := range x {
		x[i] = 1e9 + float64(i)
	}
	// Every partial sum, mean, deviation and square in the package's
	// float64 computation of one whole block is an integer or a multiple
	// of 1/4 below 2^53, so it is exact, and so is the result.
	m2 := float64(n) * (n*n - 1) / 12
	wantPop, wantSample := m2/n, m2/(n-1)

	// Guard: the test data would fool the naive formula.
	var s, sq float64
	for _, v := range x {
		s += v
		sq += v * v
	}
	if naive := sq/n - (s/n)*(s/n); math.Abs(naive-wantPop) < 1e-9*wantPop {
		t.Fatalf("naive variance %v is within 1e-9 of %v: the data do not test stability", naive, wantPop)
	}

	a, _ := ndarray.FromSlice(x)
	rev, _ := a.Slice(ndarray.Range{Start: n - 1, Stop: -1, Step: -1})
	// Three columns, each 1e9 + {0, ..., n-1} plus a multiple of 3.
	cols := make([]float64, 3*n)
	for i := range cols {
		cols[i] = x[i/3] + float64(3*(i%3))
	}
	grid, _ := ndarray.FromSlice(cols, n, 3)
	gridT, _ := grid.Transpose()

	for _, tc := range []struct {
		name string
		a    *ndarray.Array
		axes []int
	}{
		{"contiguous", a, nil},
		{"reversed", rev, nil},
		{"columns", grid, []int{0}},
		{"rows of the transpose", gridT, []int{1}},
	} {
		for _, ddof := range []int{0, 1} {
			want := []float64{wantPop, wantSample}[ddof]
			got, err := ndarray.Reduce(ndarray.Var, tc.a, ndarray.ReduceOptions{DDOF: ddof}, tc.axes...)
			if err != nil {
				t.Fatal(err)
			}
			for i, g := range ndarray.Float64s(got) {
				if g != want {
					t.Errorf("%s: var (ddof %d) [%d] = %v, want exactly %v", tc.name, ddof, i, g, want)
				}
			}
			sd, _ := ndarray.Reduce(ndarray.Std, tc.a, ndarray.ReduceOptions{DDOF: ddof}, tc.axes...)
			if g := ndarray.Float64s(sd)[0]; g != math.Sqrt(want) {
				t.Errorf("%s: std (ddof %d) = %v, want %v", tc.name, ddof, g, math.Sqrt(want))
			}
		}
	}

	// Split into partials at random cuts and combined in random order.
	// Block means are exact (half-integers), but the merged means of
	// non-adjacent blocks round, by up to ulp(1e9)/2 ≈ 6e-8; each of
	// Chan's updates then moves M2 by about 2·|d|·6e-8·na·nb/n, which is
	// below 1e-11·M2 here, so 1e-10 allows ten such merges and still
	// rejects the naive formula by four orders of magnitude.
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 20 {
		cuts := []int{0, n}
		for range 1 + rng.IntN(8) {
			cuts = append(cuts, rng.IntN(n+1))
		}
		slices.Sort(cuts)
		parts := make([]*ndarray.Partial, 1+rng.IntN(4))
		for i := range parts {
			parts[i], _ = ndarray.NewPartial(ndarray.Var, ndarray.Float64, []int{n}, nil, ndarray.ReduceOptions{DDOF: 1})
		}
		for _, k := range rng.Perm(len(cuts) - 1) {
			b, _ := a.Slice(ndarray.Range{Start: cuts[k], Stop: cuts[k+1]})
			if err := parts[rng.IntN(len(parts))].Accumulate(b, cuts[k]); err != nil {
				t.Fatal(err)
			}
		}
		for len(parts) > 1 {
			i := rng.IntN(len(parts) - 1)
			if err := parts[i].Combine(parts[len(parts)-1]); err != nil {
				t.Fatal(err)
			}
			parts = parts[:len(parts)-1]
		}
		got, _ := parts[0].Result()
		if g := got.At(); math.Abs(g-wantSample) > 1e-10*wantSample {
			t.Errorf("trial %d, cuts %v: var = %v, want %v (relative error %.2g)", trial, cuts, g, wantSample, math.Abs(g-wantSample)/wantSample)
		}
	}
}

// TestFirstLast checks First and Last against the plain definition: the
// value at the lowest (highest) position, or the first (last) valid one
// with SkipNaN, across split partials too.
func TestFirstLast(t *testing.T) {
	nan := math.NaN()
	x, _ := ndarray.FromSlice([]float64{nan, 2, 3, 4, nan, nan, 7, 8, 9, nan, 11, 12}, 4, 3)
	cases := []struct {
		op   ndarray.Op
		skip bool
		want []float64
	}{
		{ndarray.First, false, []float64{nan, 2, 3}},
		{ndarray.First, true, []float64{4, 2, 3}},
		{ndarray.Last, false, []float64{nan, 11, 12}},
		{ndarray.Last, true, []float64{7, 11, 12}},
	}
	for _, tc := range cases {
		o := ndarray.ReduceOptions{SkipNaN: tc.skip}
		whole, err := ndarray.Reduce(tc.op, x, o, 0)
		if err != nil {
			t.Fatal(err)
		}
		// The same, from two partials combined in reverse order.
		p, _ := ndarray.NewPartial(tc.op, ndarray.Float64, []int{4, 3}, []int{0}, o)
		q, _ := ndarray.NewPartial(tc.op, ndarray.Float64, []int{4, 3}, []int{0}, o)
		top, _ := x.Slice(ndarray.Range{Start: 0, Stop: 2, Step: 1})
		bottom, _ := x.Slice(ndarray.Range{Start: 2, Stop: 4, Step: 1})
		_ = p.Accumulate(bottom, 2, 0)
		_ = q.Accumulate(top, 0, 0)
		_ = p.Combine(q)
		split, _ := p.Result()
		for _, got := range []*ndarray.Array{whole, split} {
			g := ndarray.Float64s(got)
			for i, w := range tc.want {
				if !(g[i] == w || math.IsNaN(g[i]) && math.IsNaN(w)) {
					t.Errorf("%s (skip %v) = %v, want %v", tc.op, tc.skip, g, tc.want)
					break
				}
			}
		}
	}
}
