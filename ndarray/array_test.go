package ndarray_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/tesseradata/tessera/ndarray"
)

// This file holds the helpers shared by the tests of arrays, views,
// conversion and elementwise operations: a seeded generator of random
// arrays, the same values laid out as different views, and references
// that read elements with a naive multi-index loop straight from the
// backing slice, so that neither the package's iterator nor its kernels
// are trusted to check themselves.

var allDTypes = []ndarray.DType{
	ndarray.Bool,
	ndarray.Int8, ndarray.Int16, ndarray.Int32, ndarray.Int64,
	ndarray.Uint8, ndarray.Uint16, ndarray.Uint32, ndarray.Uint64,
	ndarray.Float32, ndarray.Float64,
}

// genValue returns a random value for dt. 8- and 16-bit integers cover
// their whole range, so sums and products wrap; 32- and 64-bit integers
// stay within ±2^20, so that every sum, difference and product of two of
// them is exact in float64 (below 2^53) and the float64 references below
// are exact. Floats are mostly normal values, with 10% NaN and 4% ±Inf.
func genValue(rng *rand.Rand, dt ndarray.DType) float64 {
	switch dt {
	case ndarray.Bool:
		return float64(rng.IntN(2))
	case ndarray.Int8:
		return float64(rng.IntN(256) - 128)
	case ndarray.Int16:
		return float64(rng.IntN(1<<16) - 1<<15)
	case ndarray.Uint8:
		return float64(rng.IntN(256))
	case ndarray.Uint16:
		return float64(rng.IntN(1 << 16))
	case ndarray.Int32, ndarray.Int64:
		return float64(rng.IntN(1<<21) - 1<<20)
	case ndarray.Uint32, ndarray.Uint64:
		return float64(rng.IntN(1 << 21))
	}
	switch p := rng.Float64(); {
	case p < 0.10:
		return math.NaN()
	case p < 0.12:
		return math.Inf(1)
	case p < 0.14:
		return math.Inf(-1)
	case p < 0.20:
		return float64(rng.IntN(7) - 3) // small integers, ties in comparisons
	}
	v := rng.NormFloat64() * 100
	if dt == ndarray.Float32 {
		v = float64(float32(v))
	}
	return v
}

// genArray returns a contiguous array of dt and shape with random values
// from genValue. With no shape it is 0-dimensional.
func genArray(rng *rand.Rand, dt ndarray.DType, shape ...int) *ndarray.Array {
	vals := make([]float64, shapeSize(shape))
	for i := range vals {
		vals[i] = genValue(rng, dt)
	}
	return fromFloats(dt, vals, shape...)
}

// fromFloats returns a contiguous array of dt and shape holding vals,
// which must be exactly representable in dt (for bool: nonzero is true).
// With no shape it is 0-dimensional.
func fromFloats(dt ndarray.DType, vals []float64, shape ...int) *ndarray.Array {
	if shape == nil {
		shape = []int{}
	}
	var a *ndarray.Array
	var err error
	switch dt {
	case ndarray.Bool:
		a, err = ndarray.FromSlice(convertAll(vals, func(v float64) bool { return v != 0 }), shape...)
	case ndarray.Int8:
		a, err = ndarray.FromSlice(convertAll(vals, func(v float64) int8 { return int8(v) }), shape...)
	case ndarray.Int16:
		a, err = ndarray.FromSlice(convertAll(vals, func(v float64) int16 { return int16(v) }), shape...)
	case ndarray.Int32:
		a, err = ndarray.FromSlice(convertAll(vals, func(v float64) int32 { return int32(v) }), shape...)
	case ndarray.Int64:
		a, err = ndarray.FromSlice(convertAll(vals, func(v float64) int64 { return int64(v) }), shape...)
	case ndarray.Uint8:
		a, err = ndarray.FromSlice(convertAll(vals, func(v float64) uint8 { return uint8(v) }), shape...)
	case ndarray.Uint16:
		a, err = ndarray.FromSlice(convertAll(vals, func(v float64) uint16 { return uint16(v) }), shape...)
	case ndarray.Uint32:
		a, err = ndarray.FromSlice(convertAll(vals, func(v float64) uint32 { return uint32(v) }), shape...)
	case ndarray.Uint64:
		a, err = ndarray.FromSlice(convertAll(vals, func(v float64) uint64 { return uint64(v) }), shape...)
	case ndarray.Float32:
		a, err = ndarray.FromSlice(convertAll(vals, func(v float64) float32 { return float32(v) }), shape...)
	case ndarray.Float64:
		a, err = ndarray.FromSlice(slices.Clone(vals), shape...)
	default:
		panic(fmt.Sprintf("fromFloats: %v", dt))
	}
	if err != nil {
		panic(err)
	}
	return a
}

func convertAll[T any](vals []float64, f func(float64) T) []T {
	out := make([]T, len(vals))
	for i, v := range vals {
		out[i] = f(v)
	}
	return out
}

func shapeSize(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// allIndices returns every multi-index of shape in row-major order: one
// empty index for a 0-dimensional shape, none if a dimension is zero.
func allIndices(shape []int) [][]int {
	out := [][]int{{}}
	for _, d := range shape {
		var next [][]int
		for _, idx := range out {
			for i := range d {
				next = append(next, append(slices.Clone(idx), i))
			}
		}
		out = next
	}
	return out
}

// refAt returns element idx of a as float64, read from the backing slice
// at offset + sum(idx[i]*strides[i]).
func refAt(a *ndarray.Array, idx []int) float64 {
	p := a.Offset()
	for i, s := range a.Strides() {
		p += idx[i] * s
	}
	switch a.DType() {
	case ndarray.Bool:
		d, _ := ndarray.Data[bool](a)
		if d[p] {
			return 1
		}
		return 0
	case ndarray.Int8:
		return refElem[int8](a, p)
	case ndarray.Int16:
		return refElem[int16](a, p)
	case ndarray.Int32:
		return refElem[int32](a, p)
	case ndarray.Int64:
		return refElem[int64](a, p)
	case ndarray.Uint8:
		return refElem[uint8](a, p)
	case ndarray.Uint16:
		return refElem[uint16](a, p)
	case ndarray.Uint32:
		return refElem[uint32](a, p)
	case ndarray.Uint64:
		return refElem[uint64](a, p)
	case ndarray.Float32:
		return refElem[float32](a, p)
	}
	return refElem[float64](a, p)
}

func refElem[T ndarray.Number](a *ndarray.Array, p int) float64 {
	d, err := ndarray.Data[T](a)
	if err != nil {
		panic(err)
	}
	return float64(d[p])
}

// refValues returns a's elements in row-major order, read by refAt.
func refValues(a *ndarray.Array) []float64 {
	var out []float64
	for _, idx := range allIndices(a.Shape()) {
		out = append(out, refAt(a, idx))
	}
	return out
}

// sameFloat reports whether x and y are equal, counting NaN equal to NaN.
func sameFloat(x, y float64) bool {
	return x == y || (math.IsNaN(x) && math.IsNaN(y))
}

// checkValues fails t unless got has dtype dt, shape and values want
// (compared with sameFloat, element by element, read by refValues).
func checkValues(t *testing.T, got *ndarray.Array, dt ndarray.DType, shape []int, want []float64) {
	t.Helper()
	if got.DType() != dt {
		t.Errorf("dtype = %v, want %v", got.DType(), dt)
	}
	if !slices.Equal(got.Shape(), shape) {
		t.Fatalf("shape = %v, want %v", got.Shape(), shape)
	}
	vals := refValues(got)
	if len(vals) != len(want) {
		t.Fatalf("%d values, want %d", len(vals), len(want))
	}
	bad := 0
	for i := range vals {
		if !sameFloat(vals[i], want[i]) {
			if bad < 5 {
				t.Errorf("element %d = %v, want %v", i, vals[i], want[i])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d elements differ", bad, len(vals))
	}
}

// layout is one array seen through a view: its values are those of a
// contiguous array of the same shape, but its strides and offset differ.
type layout struct {
	name string
	a    *ndarray.Array
}

// genLayouts returns random arrays of dt with the given shape in several
// layouts: contiguous; a transposed view; a view sliced with step -2
// along every axis (negative strides); a view sliced with step 3 from
// position 1 (an offset and gaps); a broadcast view with stride 0 along
// some axes; and a reversed view of a transposed array.
func genLayouts(rng *rand.Rand, dt ndarray.DType, shape []int) []layout {
	return layoutsOf(rng, shape, func(shape ...int) *ndarray.Array { return genArray(rng, dt, shape...) })
}

// layoutsOf is genLayouts with the contiguous arrays behind the views
// made by gen.
func layoutsOf(rng *rand.Rand, shape []int, gen func(shape ...int) *ndarray.Array) []layout {
	nd := len(shape)
	rev := func(s []int) []int { s = slices.Clone(s); slices.Reverse(s); return s }
	must := func(a *ndarray.Array, err error) *ndarray.Array {
		if err != nil {
			panic(err)
		}
		return a
	}
	out := []layout{{"contiguous", gen(shape...)}}

	out = append(out, layout{"transposed", must(gen(rev(shape)...).Transpose())})

	big := make([]int, nd)
	back := make([]ndarray.Range, nd)
	for i, d := range shape {
		big[i] = 2 * d
		back[i] = ndarray.Range{Start: 2*d - 1, Stop: -1, Step: -2}
	}
	out = append(out, layout{"step-2", must(gen(big...).Slice(back...))})

	gappy := make([]int, nd)
	fwd := make([]ndarray.Range, nd)
	for i, d := range shape {
		gappy[i] = 3*d + 1
		fwd[i] = ndarray.Range{Start: 1, Stop: math.MaxInt, Step: 3}
	}
	out = append(out, layout{"step3", must(gen(gappy...).Slice(fwd...))})

	// Broadcast: drop a random number of leading axes and make each
	// remaining axis length 1 with probability 1/2.
	lead := rng.IntN(nd + 1)
	small := slices.Clone(shape[lead:])
	for i := range small {
		if rng.IntN(2) == 0 {
			small[i] = 1
		}
	}
	out = append(out, layout{"broadcast", must(gen(small...).BroadcastTo(shape...))})

	tr := must(gen(rev(shape)...).Transpose())
	whole := make([]ndarray.Range, nd)
	for i, d := range shape {
		whole[i] = ndarray.Range{Start: d - 1, Stop: -1, Step: -1}
	}
	out = append(out, layout{"transposed-reversed", must(tr.Slice(whole...))})

	for _, l := range out {
		if !slices.Equal(l.a.Shape(), shape) {
			panic(fmt.Sprintf("genLayouts: %s has shape %v, want %v", l.name, l.a.Shape(), shape))
		}
	}
	return out
}

// checkErr fails t unless err wraps want and its message contains every
// string in mention.
func checkErr(t *testing.T, err, want error, mention ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("error = nil, want one wrapping %q", want)
	}
	if !errors.Is(err, want) {
		t.Errorf("error %q does not wrap %q", err, want)
	}
	for _, m := range mention {
		if !strings.Contains(err.Error(), m) {
			t.Errorf("error %q does not mention %q", err, m)
		}
	}
}

// mustPanic fails t unless f panics with a message containing mention.
func mustPanic(t *testing.T, mention string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Fatalf("no panic, want one mentioning %q", mention)
		}
		if msg := fmt.Sprint(r); !strings.Contains(msg, mention) {
			t.Errorf("panic %q does not mention %q", msg, mention)
		}
	}()
	f()
}

func TestDTypeProperties(t *testing.T) {
	tests := []struct {
		dt                                   ndarray.DType
		name                                 string
		size                                 int
		float, integer, signed, unsigned, ok bool
	}{
		{ndarray.Bool, "bool", 1, false, false, false, false, true},
		{ndarray.Int8, "int8", 1, false, true, true, false, true},
		{ndarray.Int16, "int16", 2, false, true, true, false, true},
		{ndarray.Int32, "int32", 4, false, true, true, false, true},
		{ndarray.Int64, "int64", 8, false, true, true, false, true},
		{ndarray.Uint8, "uint8", 1, false, true, false, true, true},
		{ndarray.Uint16, "uint16", 2, false, true, false, true, true},
		{ndarray.Uint32, "uint32", 4, false, true, false, true, true},
		{ndarray.Uint64, "uint64", 8, false, true, false, true, true},
		{ndarray.Float32, "float32", 4, true, false, false, false, true},
		{ndarray.Float64, "float64", 8, true, false, false, false, true},
		{0, "DType(0)", 0, false, false, false, false, false},
		{12, "DType(12)", 0, false, false, false, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.dt
			if got := d.String(); got != tc.name {
				t.Errorf("String() = %q, want %q", got, tc.name)
			}
			if got := d.Size(); got != tc.size {
				t.Errorf("Size() = %d, want %d", got, tc.size)
			}
			if d.Valid() != tc.ok || d.IsFloat() != tc.float || d.IsInteger() != tc.integer ||
				d.IsSigned() != tc.signed || d.IsUnsigned() != tc.unsigned {
				t.Errorf("Valid, IsFloat, IsInteger, IsSigned, IsUnsigned = %v %v %v %v %v, want %v %v %v %v %v",
					d.Valid(), d.IsFloat(), d.IsInteger(), d.IsSigned(), d.IsUnsigned(),
					tc.ok, tc.float, tc.integer, tc.signed, tc.unsigned)
			}
			got, err := ndarray.ParseDType(tc.name)
			switch {
			case tc.ok && (err != nil || got != d):
				t.Errorf("ParseDType(%q) = %v, %v, want %v", tc.name, got, err, d)
			case !tc.ok:
				checkErr(t, err, ndarray.ErrDType, tc.name)
			}
		})
	}
}

func TestParseDTypeUnknown(t *testing.T) {
	for _, s := range []string{"", "float", "Float32", "int", "f4", "complex64", " int8"} {
		_, err := ndarray.ParseDType(s)
		checkErr(t, err, ndarray.ErrDType, fmt.Sprintf("%q", s))
	}
}

func TestDTypeOf(t *testing.T) {
	tests := []struct {
		got, want ndarray.DType
	}{
		{ndarray.DTypeOf[bool](), ndarray.Bool},
		{ndarray.DTypeOf[int8](), ndarray.Int8},
		{ndarray.DTypeOf[int16](), ndarray.Int16},
		{ndarray.DTypeOf[int32](), ndarray.Int32},
		{ndarray.DTypeOf[int64](), ndarray.Int64},
		{ndarray.DTypeOf[uint8](), ndarray.Uint8},
		{ndarray.DTypeOf[uint16](), ndarray.Uint16},
		{ndarray.DTypeOf[uint32](), ndarray.Uint32},
		{ndarray.DTypeOf[uint64](), ndarray.Uint64},
		{ndarray.DTypeOf[float32](), ndarray.Float32},
		{ndarray.DTypeOf[float64](), ndarray.Float64},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("DTypeOf = %v, want %v", tc.got, tc.want)
		}
	}
}

// numpyPromote is numpy.promote_types for every pair of dtypes, as numpy
// 2 prints it (b: bool, i1..i8: int8..int64, u1..u8: uint8..uint64, f4,
// f8: float32, float64). Row a, column b holds promote_types(a, b).
var numpyPromote = map[string]string{
	//     b  i1 i2 i4 i8 u1 u2 u4 u8 f4 f8
	"b":  "b  i1 i2 i4 i8 u1 u2 u4 u8 f4 f8",
	"i1": "i1 i1 i2 i4 i8 i2 i4 i8 f8 f4 f8",
	"i2": "i2 i2 i2 i4 i8 i2 i4 i8 f8 f4 f8",
	"i4": "i4 i4 i4 i4 i8 i4 i4 i8 f8 f8 f8",
	"i8": "i8 i8 i8 i8 i8 i8 i8 i8 f8 f8 f8",
	"u1": "u1 i2 i2 i4 i8 u1 u2 u4 u8 f4 f8",
	"u2": "u2 i4 i4 i4 i8 u2 u2 u4 u8 f4 f8",
	"u4": "u4 i8 i8 i8 i8 u4 u4 u4 u8 f8 f8",
	"u8": "u8 f8 f8 f8 f8 u8 u8 u8 u8 f8 f8",
	"f4": "f4 f4 f4 f8 f8 f4 f4 f8 f8 f4 f8",
	"f8": "f8 f8 f8 f8 f8 f8 f8 f8 f8 f8 f8",
}

var numpyCodes = []string{"b", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f4", "f8"}

func codeDType(code string) ndarray.DType { return allDTypes[slices.Index(numpyCodes, code)] }

// wantPromote is numpy's promotion of a and b, from numpyPromote.
func wantPromote(a, b ndarray.DType) ndarray.DType {
	row := strings.Fields(numpyPromote[numpyCodes[slices.Index(allDTypes, a)]])
	return codeDType(row[slices.Index(allDTypes, b)])
}

func TestPromote(t *testing.T) {
	for _, a := range allDTypes {
		for _, b := range allDTypes {
			t.Run(a.String()+"+"+b.String(), func(t *testing.T) {
				want := wantPromote(a, b)
				if got := ndarray.Promote(a, b); got != want {
					t.Errorf("Promote(%v, %v) = %v, want %v", a, b, got, want)
				}
			})
		}
	}
	// Spot checks that the table above was typed as intended.
	spot := []struct{ a, b, want ndarray.DType }{
		{ndarray.Int8, ndarray.Uint8, ndarray.Int16},
		{ndarray.Uint64, ndarray.Int64, ndarray.Float64},
		{ndarray.Float32, ndarray.Int16, ndarray.Float32},
		{ndarray.Float32, ndarray.Int32, ndarray.Float64},
		{ndarray.Float32, ndarray.Uint16, ndarray.Float32},
		{ndarray.Int16, ndarray.Uint32, ndarray.Int64},
		{ndarray.Bool, ndarray.Uint32, ndarray.Uint32},
	}
	for _, s := range spot {
		if got := wantPromote(s.a, s.b); got != s.want {
			t.Errorf("numpyPromote[%v][%v] = %v, want %v", s.a, s.b, got, s.want)
		}
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		dt      ndarray.DType
		shape   []int
		err     error
		mention []string
	}{
		{"scalar", ndarray.Float64, nil, nil, nil},
		{"vector", ndarray.Int8, []int{5}, nil, nil},
		{"empty", ndarray.Uint16, []int{3, 0, 2}, nil, nil},
		{"invalid dtype", 0, []int{2}, ndarray.ErrDType, []string{"DType(0)"}},
		{"negative", ndarray.Float32, []int{2, -1}, ndarray.ErrShape, []string{"[2 -1]", "dimension 1", "-1"}},
		{"overflow", ndarray.Int8, []int{1 << 40, 1 << 40}, ndarray.ErrSize, []string{"[1099511627776 1099511627776]"}},
		{"too large", ndarray.Float64, []int{1 << 20, 1 << 20}, ndarray.ErrSize, []string{"float64[1048576 1048576]", "1099511627776 elements"}},
		{"too large bytes", ndarray.Uint8, []int{1<<40 + 1}, ndarray.ErrSize, []string{"uint8"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := ndarray.New(tc.dt, tc.shape...)
			if tc.err != nil {
				checkErr(t, err, tc.err, tc.mention...)
				return
			}
			if err != nil {
				t.Fatalf("New(%v, %v): %v", tc.dt, tc.shape, err)
			}
			n := shapeSize(tc.shape)
			checkValues(t, a, tc.dt, tc.shape, make([]float64, n))
			if !a.IsContiguous() || a.Offset() != 0 || a.NDim() != len(tc.shape) || a.Size() != n ||
				a.Nbytes() != n*tc.dt.Size() {
				t.Errorf("IsContiguous, Offset, NDim, Size, Nbytes = %v %d %d %d %d", a.IsContiguous(), a.Offset(), a.NDim(), a.Size(), a.Nbytes())
			}
		})
	}
}

func TestZerosPanics(t *testing.T) {
	mustPanic(t, "unsupported dtype", func() { ndarray.Zeros(0, 2) })
	mustPanic(t, "negative length", func() { ndarray.Zeros(ndarray.Float64, -2) })
	mustPanic(t, "negative length", func() { ndarray.Full(ndarray.Float64, 1, 3, -1) })
}

func TestFull(t *testing.T) {
	tests := []struct {
		name string
		dt   ndarray.DType
		v    float64
		want float64
	}{
		{"float", ndarray.Float64, 2.5, 2.5},
		{"float32 rounds", ndarray.Float32, 0.1, float64(float32(0.1))},
		{"nan", ndarray.Float32, math.NaN(), math.NaN()},
		{"int truncates", ndarray.Int16, -7.9, -7},
		{"uint max", ndarray.Uint8, 255, 255},
		{"bool", ndarray.Bool, 2, 1},
		{"bool zero", ndarray.Bool, 0, 0},
		{"int64 min", ndarray.Int64, math.MinInt64, math.MinInt64},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := ndarray.Full(tc.dt, tc.v, 2, 3)
			checkValues(t, a, tc.dt, []int{2, 3}, slices.Repeat([]float64{tc.want}, 6))
		})
	}
}

// Full documents that it converts as Set does, and Set panics on values
// an integer type cannot hold rather than storing Go's
// implementation-defined conversion.
func TestFullOutOfRangePanics(t *testing.T) {
	tests := []struct {
		name string
		dt   ndarray.DType
		v    float64
	}{
		{"int8 300", ndarray.Int8, 300},
		{"uint8 -1", ndarray.Uint8, -1},
		{"int32 nan", ndarray.Int32, math.NaN()},
		{"int64 2^63", ndarray.Int64, 1 << 63},
		{"uint64 inf", ndarray.Uint64, math.Inf(1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mustPanic(t, "does not fit "+tc.dt.String(), func() { ndarray.Full(tc.dt, tc.v, 2) })
		})
	}
}

func TestFromSlice(t *testing.T) {
	data := []int32{1, 2, 3, 4, 5, 6}
	a, err := ndarray.FromSlice(data, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	checkValues(t, a, ndarray.Int32, []int{2, 3}, []float64{1, 2, 3, 4, 5, 6})
	data[4] = 50 // shared, not copied
	if got := a.At(1, 1); got != 50 {
		t.Errorf("after data[4] = 50, At(1, 1) = %v, want 50", got)
	}
	a.Set(-1, 0, 2)
	if data[2] != -1 {
		t.Errorf("after Set(-1, 0, 2), data[2] = %d, want -1", data[2])
	}

	v, err := ndarray.FromSlice([]float32{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	checkValues(t, v, ndarray.Float32, []int{3}, []float64{1, 2, 3})

	s, err := ndarray.FromSlice([]bool{true}, []int{}...)
	if err != nil {
		t.Fatal(err)
	}
	checkValues(t, s, ndarray.Bool, []int{}, []float64{1})

	e, err := ndarray.FromSlice([]uint8{}, 4, 0)
	if err != nil {
		t.Fatal(err)
	}
	checkValues(t, e, ndarray.Uint8, []int{4, 0}, nil)

	_, err = ndarray.FromSlice([]int8{1, 2, 3}, 2, 2)
	checkErr(t, err, ndarray.ErrShape, "3 values", "[2 2]", "4 elements")
	_, err = ndarray.FromSlice([]int8{1, 2, 3, 4, 5}, 2, 2)
	checkErr(t, err, ndarray.ErrShape, "5 values", "[2 2]", "4 elements")
	_, err = ndarray.FromSlice([]int8{}, 0, -2)
	checkErr(t, err, ndarray.ErrShape, "[0 -2]", "-2")
}

func TestScalar(t *testing.T) {
	s := ndarray.Scalar(uint16(7))
	if s.NDim() != 0 || s.Size() != 1 || len(s.Shape()) != 0 || s.DType() != ndarray.Uint16 || s.At() != 7 || !s.IsContiguous() {
		t.Errorf("Scalar(uint16(7)): NDim %d, Size %d, Shape %v, DType %v, At() %v, contiguous %v",
			s.NDim(), s.Size(), s.Shape(), s.DType(), s.At(), s.IsContiguous())
	}
	s.Set(9)
	if s.At() != 9 {
		t.Errorf("after Set(9), At() = %v", s.At())
	}
}

func TestArange(t *testing.T) {
	tests := []struct {
		name              string
		dt                ndarray.DType
		start, stop, step float64
		want              []float64
	}{
		{"ints", ndarray.Int32, 0, 5, 1, []float64{0, 1, 2, 3, 4}},
		{"fractional step", ndarray.Float64, 0, 1, 0.25, []float64{0, 0.25, 0.5, 0.75}},
		{"partial last step", ndarray.Float32, 1, 2.1, 0.5, []float64{1, 1.5, 2}},
		{"negative step", ndarray.Int8, 5, 0, -2, []float64{5, 3, 1}},
		{"empty", ndarray.Float64, 0, 0, 1, nil},
		{"wrong direction", ndarray.Float64, 1, 0, 1, nil},
		{"bool", ndarray.Bool, 0, 3, 1, []float64{0, 1, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := ndarray.Arange(tc.dt, tc.start, tc.stop, tc.step)
			checkValues(t, a, tc.dt, []int{len(tc.want)}, tc.want)
		})
	}
	for _, step := range []float64{0, math.NaN(), math.Inf(1), math.Inf(-1)} {
		mustPanic(t, "invalid step", func() { ndarray.Arange(ndarray.Float64, 0, 1, step) })
	}
}

func TestLinspace(t *testing.T) {
	tests := []struct {
		name        string
		dt          ndarray.DType
		start, stop float64
		n           int
		want        []float64
	}{
		{"quarters", ndarray.Float64, 0, 1, 5, []float64{0, 0.25, 0.5, 0.75, 1}},
		{"descending", ndarray.Float64, 2, -2, 3, []float64{2, 0, -2}},
		// The last value is stop exactly: start + (stop-start)*3/3 is
		// 0.09999999999999998 in float64.
		{"exact stop", ndarray.Float64, 0.7, 0.1, 4, []float64{0.7, 0.5, 0.3, 0.1}},
		{"one", ndarray.Float32, 3, 7, 1, []float64{3}},
		{"none", ndarray.Float64, 3, 7, 0, nil},
		{"ints truncate", ndarray.Int16, 0, 1, 3, []float64{0, 0, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := ndarray.Linspace(tc.dt, tc.start, tc.stop, tc.n)
			checkValues(t, a, tc.dt, []int{len(tc.want)}, tc.want)
		})
	}
	mustPanic(t, "negative length", func() { ndarray.Linspace(ndarray.Float64, 0, 1, -1) })
}

func TestAccessorsReturnCopies(t *testing.T) {
	a := ndarray.Zeros(ndarray.Float64, 2, 3)
	sh, st := a.Shape(), a.Strides()
	sh[0], st[0] = 99, 99
	if a.Dim(0) != 2 || a.Strides()[0] != 3 {
		t.Errorf("modifying Shape() and Strides() results changed the array: shape %v strides %v", a.Shape(), a.Strides())
	}
	if a.Dim(1) != 3 {
		t.Errorf("Dim(1) = %d, want 3", a.Dim(1))
	}
	mustPanic(t, "index out of range", func() { a.Dim(2) })
}

func TestIsContiguous(t *testing.T) {
	base := ndarray.Arange(ndarray.Float64, 0, 24, 1)
	b3, _ := base.Reshape(2, 3, 4)
	tr, _ := b3.Transpose()
	row, _ := b3.Index(0, 1)
	inner, _ := b3.Slice(ndarray.Whole, ndarray.Whole, ndarray.Range{Start: 0, Stop: 4, Step: 2})
	outer, _ := b3.Slice(ndarray.Range{Start: 1, Stop: 2})
	rev, _ := base.Slice(ndarray.Range{Start: 23, Stop: -1, Step: -1})
	one, _ := base.Slice(ndarray.Range{Start: 5, Stop: 6})
	col, _ := b3.Slice(ndarray.Whole, ndarray.Whole, ndarray.Range{Start: 2, Stop: 3})
	ex, _ := b3.ExpandDims(1)
	bc, _ := ndarray.Scalar(1.0).BroadcastTo(2, 2)
	bcOne, _ := ndarray.Scalar(1.0).BroadcastTo(1, 1)
	tests := []struct {
		name string
		a    *ndarray.Array
		want bool
	}{
		{"contiguous", b3, true},
		{"scalar", ndarray.Scalar(1.0), true},
		{"transposed", tr, false},
		{"row of contiguous", row, true},
		{"inner step", inner, false},
		{"leading slice", outer, true},
		{"reversed", rev, false},
		{"length-1 slice", one, true},
		{"column", col, false},
		{"expanded", ex, true},
		{"broadcast", bc, false},
		{"broadcast to ones", bcOne, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.a.IsContiguous(); got != tc.want {
				t.Errorf("IsContiguous() = %v, want %v (shape %v strides %v)", got, tc.want, tc.a.Shape(), tc.a.Strides())
			}
			if tc.want {
				// The documented meaning: Data[off:off+Size] holds the elements.
				d, _ := ndarray.Data[float64](tc.a)
				got := d[tc.a.Offset() : tc.a.Offset()+tc.a.Size()]
				if want := refValues(tc.a); !slices.Equal(got, want) {
					t.Errorf("Data[offset:offset+size] = %v, want %v", got, want)
				}
			}
		})
	}
}

func TestDataAndToSlice(t *testing.T) {
	a := ndarray.Arange(ndarray.Int16, 0, 6, 1)
	d, err := ndarray.Data[int16](a)
	if err != nil {
		t.Fatal(err)
	}
	d[0] = 42
	if a.At(0) != 42 {
		t.Errorf("Data is not shared: At(0) = %v after d[0] = 42", a.At(0))
	}
	_, err = ndarray.Data[float64](a)
	checkErr(t, err, ndarray.ErrDType, "int16", "float64")
	_, err = ndarray.ToSlice[uint16](a)
	checkErr(t, err, ndarray.ErrDType, "int16", "uint16")

	m, _ := a.Reshape(2, 3)
	tr, _ := m.Transpose()
	got, err := ndarray.ToSlice[int16](tr)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int16{42, 3, 1, 4, 2, 5}; !slices.Equal(got, want) {
		t.Errorf("ToSlice(transposed) = %v, want %v", got, want)
	}
	got[0] = -1
	if a.At(0) != 42 {
		t.Errorf("ToSlice shares data: At(0) = %v after writing to its result", a.At(0))
	}
}

// TestFloat64s checks Float64s, At, Copy and ToSlice against refValues on
// every dtype and layout.
func TestFloat64s(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	shapes := [][]int{{}, {0}, {1}, {7}, {3, 0, 2}, {1, 4, 1}, {2, 3, 4}}
	for _, dt := range allDTypes {
		for _, shape := range shapes {
			for _, l := range genLayouts(rng, dt, shape) {
				t.Run(fmt.Sprintf("%v%v/%s", dt, shape, l.name), func(t *testing.T) {
					want := refValues(l.a)
					got := ndarray.Float64s(l.a)
					if len(got) != len(want) {
						t.Fatalf("Float64s has %d values, want %d", len(got), len(want))
					}
					for i, idx := range allIndices(shape) {
						if !sameFloat(got[i], want[i]) {
							t.Errorf("Float64s[%d] = %v, want %v", i, got[i], want[i])
						}
						if at := l.a.At(idx...); !sameFloat(at, want[i]) {
							t.Errorf("At(%v) = %v, want %v", idx, at, want[i])
						}
					}
					c := l.a.Copy()
					if !c.IsContiguous() || c.Offset() != 0 {
						t.Errorf("Copy is not contiguous: strides %v offset %d", c.Strides(), c.Offset())
					}
					checkValues(t, c, dt, shape, want)
					if l.a.IsContiguous() != (l.a.Contiguous() == l.a) {
						t.Errorf("Contiguous() returned a copy of a contiguous array, or the array itself when not contiguous")
					}
					checkValues(t, l.a.Contiguous(), dt, shape, want)
				})
			}
		}
	}
}

func TestAtSetPanics(t *testing.T) {
	a := ndarray.Zeros(ndarray.Int8, 2, 3)
	u := ndarray.Zeros(ndarray.Uint64, 1)
	i := ndarray.Zeros(ndarray.Int64, 1)
	tests := []struct {
		name    string
		f       func()
		mention string
	}{
		{"too few indices", func() { a.At(1) }, "1 indices for 2-dimensional"},
		{"too many indices", func() { a.Set(0, 1, 2, 0) }, "3 indices for 2-dimensional"},
		{"index too large", func() { a.At(2, 0) }, "index 2 out of range for axis 0 of length 2"},
		{"negative index", func() { a.Set(1, 0, -1) }, "index -1 out of range for axis 1 of length 3"},
		{"int8 128", func() { a.Set(128, 0, 0) }, "128 does not fit int8"},
		{"int8 -129", func() { a.Set(-129, 0, 0) }, "-129 does not fit int8"},
		{"int8 nan", func() { a.Set(math.NaN(), 0, 0) }, "NaN does not fit int8"},
		{"uint64 -1", func() { u.Set(-1, 0) }, "-1 does not fit uint64"},
		{"uint64 2^64", func() { u.Set(1<<64, 0) }, "does not fit uint64"},
		{"int64 2^63", func() { i.Set(1<<63, 0) }, "does not fit int64"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { mustPanic(t, tc.mention, tc.f) })
	}
}

func TestSetConverts(t *testing.T) {
	tests := []struct {
		dt   ndarray.DType
		v    float64
		want float64
	}{
		{ndarray.Int8, 127.9, 127},
		{ndarray.Int8, -128.9, -128},
		{ndarray.Int8, -1.5, -1},
		{ndarray.Uint8, -0.5, 0},
		{ndarray.Uint8, 255.99, 255},
		{ndarray.Int64, math.MinInt64, math.MinInt64},
		{ndarray.Uint64, 1<<64 - 2048, 1<<64 - 2048}, // the largest float64 below 2^64
		{ndarray.Bool, 0.5, 1},
		{ndarray.Bool, math.NaN(), 1},
		{ndarray.Bool, 0, 0},
		{ndarray.Float32, 1.0000001, float64(float32(1.0000001))},
		{ndarray.Float64, math.Inf(-1), math.Inf(-1)},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%v/%v", tc.dt, tc.v), func(t *testing.T) {
			a := ndarray.Zeros(tc.dt, 3)
			a.Set(tc.v, 1)
			checkValues(t, a, tc.dt, []int{3}, []float64{0, tc.want, 0})
		})
	}
}

func TestSetFrom(t *testing.T) {
	// Write a broadcast row into every other column of a 3x5 array; the
	// columns in between are guards and must keep their value.
	const guard = -99
	base := ndarray.Full(ndarray.Float32, guard, 3, 5)
	dst, _ := base.Slice(ndarray.Whole, ndarray.Range{Start: 4, Stop: -1, Step: -2})
	src, _ := ndarray.FromSlice([]float32{1, 2, 3})
	if err := dst.SetFrom(src); err != nil {
		t.Fatal(err)
	}
	g := float64(guard)
	checkValues(t, base, ndarray.Float32, []int{3, 5}, []float64{
		3, g, 2, g, 1,
		3, g, 2, g, 1,
		3, g, 2, g, 1,
	})

	// A 0-d source fills everything.
	all := ndarray.Zeros(ndarray.Bool, 2, 2)
	if err := all.SetFrom(ndarray.Scalar(true)); err != nil {
		t.Fatal(err)
	}
	checkValues(t, all, ndarray.Bool, []int{2, 2}, []float64{1, 1, 1, 1})

	err := dst.SetFrom(ndarray.Scalar(1.0))
	checkErr(t, err, ndarray.ErrDType, "float64", "float32")
	bad, _ := ndarray.FromSlice([]float32{1, 2})
	err = dst.SetFrom(bad)
	checkErr(t, err, ndarray.ErrShape, "[2]", "[3 3]")
}

func TestSetFromRandomLayouts(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	for _, dt := range []ndarray.DType{ndarray.Bool, ndarray.Int16, ndarray.Uint64, ndarray.Float32} {
		for _, shape := range [][]int{{}, {4}, {0, 3}, {2, 3, 4}} {
			dsts := genLayouts(rng, dt, shape)[:4] // not the broadcast ones: they cannot be written
			for _, d := range dsts {
				for _, s := range genLayouts(rng, dt, shape) {
					t.Run(fmt.Sprintf("%v%v/%s<-%s", dt, shape, d.name, s.name), func(t *testing.T) {
						if err := d.a.SetFrom(s.a); err != nil {
							t.Fatal(err)
						}
						checkValues(t, d.a, dt, shape, refValues(s.a))
					})
				}
			}
		}
	}
}

func TestString(t *testing.T) {
	m, _ := ndarray.Arange(ndarray.Float64, 0, 3, 0.5).Reshape(2, 3)
	tr, _ := m.Transpose()
	cube, _ := ndarray.Arange(ndarray.Int16, 0, 8, 1).Reshape(2, 2, 2)
	b, _ := ndarray.FromSlice([]bool{true, false})
	f, _ := ndarray.FromSlice([]float32{0.1, float32(math.NaN()), float32(math.Inf(-1)), 1e6})
	u, _ := ndarray.FromSlice([]uint64{math.MaxUint64, 0})
	i, _ := ndarray.FromSlice([]int64{math.MinInt64, -1})
	tests := []struct {
		name string
		a    *ndarray.Array
		want string
	}{
		{"matrix", m, "[[0 0.5 1],\n [1.5 2 2.5]] float64[2 3]"},
		{"transposed", tr, "[[0 1.5],\n [0.5 2],\n [1 2.5]] float64[3 2]"},
		{"cube", cube, "[[[0 1],\n  [2 3]],\n [[4 5],\n  [6 7]]] int16[2 2 2]"},
		{"bool", b, "[true false] bool[2]"},
		{"float32 shortest", f, "[0.1 NaN -Inf 1e+06] float32[4]"},
		{"uint64 exact", u, "[18446744073709551615 0] uint64[2]"},
		{"int64 exact", i, "[-9223372036854775808 -1] int64[2]"},
		{"scalar", ndarray.Scalar(int8(-3)), "-3 int8[]"},
		{"empty", ndarray.Zeros(ndarray.Uint8, 0), "[] uint8[0]"},
		{"empty rows", ndarray.Zeros(ndarray.Uint8, 2, 0), "[[],\n []] uint8[2 0]"},
		{"exactly 1000 is not summarised", ndarray.Arange(ndarray.Int32, 0, 1000, 1),
			"[" + strings.Join(convertAll(refValues(ndarray.Arange(ndarray.Float64, 0, 1000, 1)),
				func(v float64) string { return fmt.Sprint(v) }), " ") + "] int32[1000]"},
		{"1001 is summarised", ndarray.Arange(ndarray.Int64, 0, 1001, 1), "[0 1 2 ... 998 999 1000] int64[1001]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.a.String(); got != tc.want {
				t.Errorf("String() =\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// stringSummarised is the golden form of a 2x7x143 float32 array holding
// 0, 1, ..., 2001: more than 1000 elements, so every axis longer than 6
// shows its first and last three items.
const stringSummarised = `[[[0 1 2 ... 140 141 142],
  [143 144 145 ... 283 284 285],
  [286 287 288 ... 426 427 428],
  ...,
  [572 573 574 ... 712 713 714],
  [715 716 717 ... 855 856 857],
  [858 859 860 ... 998 999 1000]],
 [[1001 1002 1003 ... 1141 1142 1143],
  [1144 1145 1146 ... 1284 1285 1286],
  [1287 1288 1289 ... 1427 1428 1429],
  ...,
  [1573 1574 1575 ... 1713 1714 1715],
  [1716 1717 1718 ... 1856 1857 1858],
  [1859 1860 1861 ... 1999 2000 2001]]] float32[2 7 143]`

func TestStringSummarised(t *testing.T) {
	a, err := ndarray.Arange(ndarray.Float32, 0, 2002, 1).Reshape(2, 7, 143)
	if err != nil {
		t.Fatal(err)
	}
	if got := a.String(); got != stringSummarised {
		t.Errorf("String() =\n%s\nwant\n%s", got, stringSummarised)
	}
	// A reversed view prints its own order.
	r, _ := ndarray.Arange(ndarray.Uint16, 0, 2000, 1).Slice(ndarray.Range{Start: 1999, Stop: -1, Step: -1})
	if got, want := r.String(), "[1999 1998 1997 ... 2 1 0] uint16[2000]"; got != want {
		t.Errorf("String() of reversed = %q, want %q", got, want)
	}
}
