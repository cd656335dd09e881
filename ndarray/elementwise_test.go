package ndarray_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tesseradata/tessera/ndarray"
)

var (
	allBinaryOps = []ndarray.BinaryOp{ndarray.AddOp, ndarray.SubOp, ndarray.MulOp, ndarray.DivOp, ndarray.PowOp,
		ndarray.MaximumOp, ndarray.MinimumOp, ndarray.AndOp, ndarray.OrOp}
	allCompareOps = []ndarray.CompareOp{ndarray.EqualOp, ndarray.NotEqualOp, ndarray.LessOp,
		ndarray.LessEqualOp, ndarray.GreaterOp, ndarray.GreaterEqualOp}
	allUnaryOps = []ndarray.UnaryOp{ndarray.AbsOp, ndarray.NegOp, ndarray.SqrtOp, ndarray.ExpOp, ndarray.LogOp,
		ndarray.IsNaNOp, ndarray.IsFiniteOp, ndarray.NotOp}
)

// floatOrF64 is the float type of true division and of sqrt, exp and log
// for dt: dt itself for floats, float64 for integers and bool (numpy).
func floatOrF64(dt ndarray.DType) ndarray.DType {
	if dt.IsFloat() {
		return dt
	}
	return ndarray.Float64
}

// wantBinaryDType is the dtype Binary(op, a, b) computes and returns in,
// or false if op does not accept the operands: numpy's promotion, made a
// float for Div and Pow; bool only for And and Or; and int64 for
// arithmetic on two bools (as the package documents).
func wantBinaryDType(op ndarray.BinaryOp, a, b ndarray.DType) (ndarray.DType, bool) {
	ct := wantPromote(a, b)
	switch op {
	case ndarray.DivOp, ndarray.PowOp:
		return floatOrF64(ct), true
	case ndarray.AndOp, ndarray.OrOp:
		return ct, ct == ndarray.Bool
	}
	if ct == ndarray.Bool {
		return ndarray.Int64, true
	}
	return ct, true
}

// cast converts the exact value v to dt, wrapping integers as Go and
// numpy do (v is an integer below 2^63 in magnitude when dt is one) and
// rounding to float32.
func cast(dt ndarray.DType, v float64) float64 {
	switch dt {
	case ndarray.Bool:
		if v != 0 {
			return 1
		}
		return 0
	case ndarray.Float32:
		return float64(float32(v))
	case ndarray.Float64:
		return v
	}
	i := int64(v)
	switch dt {
	case ndarray.Int8:
		return float64(int8(i))
	case ndarray.Int16:
		return float64(int16(i))
	case ndarray.Int32:
		return float64(int32(i))
	case ndarray.Int64:
		return float64(i)
	case ndarray.Uint8:
		return float64(uint8(i))
	case ndarray.Uint16:
		return float64(uint16(i))
	case ndarray.Uint32:
		return float64(uint32(i))
	}
	return float64(uint64(i))
}

// refBinary computes x op y in dtype ct, for operands already exact in
// ct. The arithmetic is done in float64, which is exact for the integer
// values genValue makes, and rounded once to float32 for float32: for
// +, -, *, / float64 has more than 2*24+2 bits, so that double rounding
// gives the correctly rounded float32 result.
func refBinary(op ndarray.BinaryOp, ct ndarray.DType, x, y float64) float64 {
	var r float64
	switch op {
	case ndarray.AddOp:
		r = x + y
	case ndarray.SubOp:
		r = x - y
	case ndarray.MulOp:
		r = x * y
	case ndarray.DivOp:
		r = x / y
	case ndarray.PowOp:
		r = math.Pow(x, y)
	case ndarray.MaximumOp, ndarray.MinimumOp:
		switch {
		case math.IsNaN(x) || math.IsNaN(y):
			r = math.NaN()
		case op == ndarray.MaximumOp:
			r = math.Max(x, y)
		default:
			r = math.Min(x, y)
		}
	case ndarray.AndOp:
		r = cast(ndarray.Bool, x) * cast(ndarray.Bool, y)
	case ndarray.OrOp:
		r = math.Max(cast(ndarray.Bool, x), cast(ndarray.Bool, y))
	}
	return cast(ct, r)
}

func refCompare(op ndarray.CompareOp, x, y float64) float64 {
	var r bool
	switch op {
	case ndarray.EqualOp:
		r = x == y
	case ndarray.NotEqualOp:
		r = x != y
	case ndarray.LessOp:
		r = x < y
	case ndarray.LessEqualOp:
		r = x <= y
	case ndarray.GreaterOp:
		r = x > y
	case ndarray.GreaterEqualOp:
		r = x >= y
	}
	if r {
		return 1
	}
	return 0
}

// broadcastIndex maps index idx of a broadcast result to the index of an
// operand of shape: aligned at the last axis, 0 along axes of length 1.
func broadcastIndex(idx, shape []int) []int {
	out := make([]int, len(shape))
	off := len(idx) - len(shape)
	for i, d := range shape {
		if d != 1 {
			out[i] = idx[off+i]
		}
	}
	return out
}

// refBroadcast returns the broadcast shape of shapes, computed naively
// for the references: the longest shape, with each axis the largest of
// the lengths there (the inputs are known to broadcast).
func refBroadcast(shapes ...[]int) []int {
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
			if d != 1 {
				out[j] = d
			}
		}
	}
	return out
}

// checkBinary runs Binary(op, a, b) and checks it against refBinary.
func checkBinary(t *testing.T, op ndarray.BinaryOp, a, b *ndarray.Array) {
	t.Helper()
	got, err := ndarray.Binary(op, a, b)
	ct, ok := wantBinaryDType(op, a.DType(), b.DType())
	if !ok {
		checkErr(t, err, ndarray.ErrDType, fmt.Sprintf("%v of %v and %v", op, a.DType(), b.DType()))
		return
	}
	if err != nil {
		t.Fatalf("%v(%v, %v): %v", op, a.DType(), b.DType(), err)
	}
	shape := refBroadcast(a.Shape(), b.Shape())
	var want []float64
	for _, idx := range allIndices(shape) {
		x := cast(ct, refAt(a, broadcastIndex(idx, a.Shape())))
		y := cast(ct, refAt(b, broadcastIndex(idx, b.Shape())))
		want = append(want, refBinary(op, ct, x, y))
	}
	checkValues(t, got, ct, shape, want)
}

// checkCompare runs Compare(op, a, b) and checks it against refCompare.
func checkCompare(t *testing.T, op ndarray.CompareOp, a, b *ndarray.Array) {
	t.Helper()
	got, err := ndarray.Compare(op, a, b)
	if err != nil {
		t.Fatalf("%v(%v, %v): %v", op, a.DType(), b.DType(), err)
	}
	ct := wantPromote(a.DType(), b.DType())
	shape := refBroadcast(a.Shape(), b.Shape())
	var want []float64
	for _, idx := range allIndices(shape) {
		x := cast(ct, refAt(a, broadcastIndex(idx, a.Shape())))
		y := cast(ct, refAt(b, broadcastIndex(idx, b.Shape())))
		want = append(want, refCompare(op, x, y))
	}
	checkValues(t, got, ndarray.Bool, shape, want)
}

var binaryShapes = []struct{ a, b []int }{
	{[]int{}, []int{}},
	{[]int{5}, []int{}},
	{[]int{}, []int{2, 3}},
	{[]int{4}, []int{4}},
	{[]int{2, 3}, []int{3}},
	{[]int{2, 1, 4}, []int{3, 1}},
	{[]int{0, 3}, []int{3}},
	{[]int{4, 1}, []int{0}},
	{[]int{1, 1}, []int{1}},
	{[]int{2, 3, 4}, []int{2, 3, 4}},
	{[]int{3, 1, 5}, []int{1, 4, 1}},
}

// TestBinaryDTypes runs every operation on every pair of dtypes, with
// broadcasting and a random layout on each side.
func TestBinaryDTypes(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	for _, op := range allBinaryOps {
		for _, da := range allDTypes {
			for _, db := range allDTypes {
				la := genLayouts(rng, da, []int{2, 1, 3})
				lb := genLayouts(rng, db, []int{4, 1})
				a, b := la[rng.IntN(len(la))], lb[rng.IntN(len(lb))]
				t.Run(fmt.Sprintf("%v/%v(%s),%v(%s)", op, da, a.name, db, b.name), func(t *testing.T) {
					checkBinary(t, op, a.a, b.a)
					checkBinary(t, op, b.a, a.a)
				})
			}
		}
	}
}

// TestBinaryLayouts runs every operation on every layout of each operand,
// over shapes that broadcast in different ways, including empty, size-1
// and 0-d ones.
func TestBinaryLayouts(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 11))
	pairs := [][2]ndarray.DType{
		{ndarray.Bool, ndarray.Bool}, {ndarray.Int8, ndarray.Int8}, {ndarray.Uint16, ndarray.Uint16},
		{ndarray.Int64, ndarray.Int64}, {ndarray.Float32, ndarray.Float32}, {ndarray.Float64, ndarray.Float64},
		{ndarray.Int16, ndarray.Float32}, {ndarray.Uint8, ndarray.Int8},
	}
	for _, op := range allBinaryOps {
		for _, p := range pairs {
			if (op == ndarray.AndOp || op == ndarray.OrOp) && p != [2]ndarray.DType{ndarray.Bool, ndarray.Bool} {
				continue // TestBinaryDTypes checks the errors
			}
			for _, sh := range binaryShapes {
				la, lb := genLayouts(rng, p[0], sh.a), genLayouts(rng, p[1], sh.b)
				for i := range la {
					for _, c := range [][2]layout{{la[i], lb[rng.IntN(len(lb))]}, {la[rng.IntN(len(la))], lb[i]}} {
						t.Run(fmt.Sprintf("%v/%v%v(%s),%v%v(%s)", op, p[0], sh.a, c[0].name, p[1], sh.b, c[1].name), func(t *testing.T) {
							checkBinary(t, op, c[0].a, c[1].a)
						})
					}
				}
			}
		}
	}
}

func TestCompareDTypes(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 12))
	for _, op := range allCompareOps {
		for _, da := range allDTypes {
			for _, db := range allDTypes {
				la := genLayouts(rng, da, []int{3, 1})
				lb := genLayouts(rng, db, []int{2, 1, 4})
				a, b := la[rng.IntN(len(la))], lb[rng.IntN(len(lb))]
				t.Run(fmt.Sprintf("%v/%v(%s),%v(%s)", op, da, a.name, db, b.name), func(t *testing.T) {
					checkCompare(t, op, a.a, b.a)
					// Comparing an array with itself sees equal values
					// everywhere but at NaNs.
					checkCompare(t, op, a.a, a.a)
				})
			}
		}
	}
}

func TestCompareLayouts(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 13))
	for _, op := range allCompareOps {
		for _, dt := range []ndarray.DType{ndarray.Bool, ndarray.Int32, ndarray.Uint8, ndarray.Float32, ndarray.Float64} {
			for _, sh := range binaryShapes {
				la, lb := genLayouts(rng, dt, sh.a), genLayouts(rng, dt, sh.b)
				for i := range la {
					a, b := la[i], lb[rng.IntN(len(lb))]
					t.Run(fmt.Sprintf("%v/%v/%v(%s),%v(%s)", op, dt, sh.a, a.name, sh.b, b.name), func(t *testing.T) {
						checkCompare(t, op, a.a, b.a)
					})
				}
			}
		}
	}
}

// wantUnaryDType is the dtype Unary(op) of dt returns, or false if op
// does not accept dt.
func wantUnaryDType(op ndarray.UnaryOp, dt ndarray.DType) (ndarray.DType, bool) {
	switch op {
	case ndarray.SqrtOp, ndarray.ExpOp, ndarray.LogOp:
		return floatOrF64(dt), true
	case ndarray.IsNaNOp, ndarray.IsFiniteOp:
		return ndarray.Bool, true
	case ndarray.NotOp:
		return ndarray.Bool, dt == ndarray.Bool
	}
	if dt == ndarray.Bool {
		return ndarray.Int64, true
	}
	return dt, true
}

func refUnary(op ndarray.UnaryOp, out ndarray.DType, v float64) float64 {
	switch op {
	case ndarray.AbsOp:
		return cast(out, math.Abs(v))
	case ndarray.NegOp:
		return cast(out, -v)
	case ndarray.SqrtOp:
		return cast(out, math.Sqrt(v))
	case ndarray.ExpOp:
		return cast(out, math.Exp(v))
	case ndarray.LogOp:
		return cast(out, math.Log(v))
	case ndarray.IsNaNOp:
		return refBool(math.IsNaN(v))
	case ndarray.IsFiniteOp:
		return refBool(!math.IsNaN(v) && !math.IsInf(v, 0))
	}
	return refBool(v == 0) // NotOp
}

func refBool(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func TestUnary(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 14))
	shapes := [][]int{{}, {0}, {1}, {7}, {3, 0, 2}, {1, 4, 1}, {2, 3, 4}}
	for _, op := range allUnaryOps {
		for _, dt := range allDTypes {
			for _, shape := range shapes {
				for _, l := range genLayouts(rng, dt, shape) {
					t.Run(fmt.Sprintf("%v/%v%v/%s", op, dt, shape, l.name), func(t *testing.T) {
						got, err := ndarray.Unary(op, l.a)
						out, ok := wantUnaryDType(op, dt)
						if !ok {
							checkErr(t, err, ndarray.ErrDType, fmt.Sprintf("%v of %v", op, dt))
							return
						}
						if err != nil {
							t.Fatal(err)
						}
						var want []float64
						for _, v := range refValues(l.a) {
							// Sqrt, exp and log of float32 compute in
							// float64 and round once, as refUnary does.
							want = append(want, refUnary(op, out, v))
						}
						checkValues(t, got, out, shape, want)
					})
				}
			}
		}
	}
}

func TestUnarySpecialValues(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name string
		op   ndarray.UnaryOp
		dt   ndarray.DType
		in   []float64
		out  ndarray.DType
		want []float64
	}{
		{"abs int8 min wraps", ndarray.AbsOp, ndarray.Int8, []float64{-128, -127, 5}, ndarray.Int8, []float64{-128, 127, 5}},
		{"neg uint8 wraps", ndarray.NegOp, ndarray.Uint8, []float64{0, 1, 255}, ndarray.Uint8, []float64{0, 255, 1}},
		{"neg int64 min wraps", ndarray.NegOp, ndarray.Int64, []float64{math.MinInt64}, ndarray.Int64, []float64{math.MinInt64}},
		{"abs bool", ndarray.AbsOp, ndarray.Bool, []float64{1, 0}, ndarray.Int64, []float64{1, 0}},
		{"neg bool", ndarray.NegOp, ndarray.Bool, []float64{1, 0}, ndarray.Int64, []float64{-1, 0}},
		{"abs float nan", ndarray.AbsOp, ndarray.Float32, []float64{nan, -inf, -2.5}, ndarray.Float32, []float64{nan, inf, 2.5}},
		{"sqrt negative", ndarray.SqrtOp, ndarray.Float64, []float64{-1, 0, 4, inf}, ndarray.Float64, []float64{nan, 0, 2, inf}},
		{"sqrt int", ndarray.SqrtOp, ndarray.Int16, []float64{-4, 9}, ndarray.Float64, []float64{nan, 3}},
		{"log", ndarray.LogOp, ndarray.Uint32, []float64{0, 1}, ndarray.Float64, []float64{-inf, 0}},
		{"log negative", ndarray.LogOp, ndarray.Float32, []float64{-1, nan}, ndarray.Float32, []float64{nan, nan}},
		{"exp", ndarray.ExpOp, ndarray.Float32, []float64{0, -inf, 100}, ndarray.Float32, []float64{1, 0, inf}},
		{"exp bool", ndarray.ExpOp, ndarray.Bool, []float64{0}, ndarray.Float64, []float64{1}},
		{"isnan", ndarray.IsNaNOp, ndarray.Float32, []float64{nan, inf, 0}, ndarray.Bool, []float64{1, 0, 0}},
		{"isnan int", ndarray.IsNaNOp, ndarray.Int8, []float64{0, -1}, ndarray.Bool, []float64{0, 0}},
		{"isnan bool", ndarray.IsNaNOp, ndarray.Bool, []float64{1, 0}, ndarray.Bool, []float64{0, 0}},
		{"isfinite", ndarray.IsFiniteOp, ndarray.Float64, []float64{nan, inf, -inf, 1e308}, ndarray.Bool, []float64{0, 0, 0, 1}},
		{"isfinite uint64", ndarray.IsFiniteOp, ndarray.Uint64, []float64{1 << 63}, ndarray.Bool, []float64{1}},
		{"not", ndarray.NotOp, ndarray.Bool, []float64{1, 0}, ndarray.Bool, []float64{0, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ndarray.Unary(tc.op, fromFloats(tc.dt, tc.in, len(tc.in)))
			if err != nil {
				t.Fatal(err)
			}
			checkValues(t, got, tc.out, []int{len(tc.in)}, tc.want)
		})
	}
}

func TestIntegerWrap(t *testing.T) {
	tests := []struct {
		name string
		op   ndarray.BinaryOp
		a, b *ndarray.Array
		want *ndarray.Array
	}{
		{"int8 add", ndarray.AddOp, ints8(127, -128, 100), ints8(1, -1, 100), ints8(-128, 127, -56)},
		{"uint8 sub", ndarray.SubOp, uint8s(0, 5), uint8s(1, 10), uint8s(255, 251)},
		{"int16 mul", ndarray.MulOp, int16s(300, -32768), int16s(300, -1), int16s(24464, -32768)},
		{"int32 mul", ndarray.MulOp, int32s(1 << 20), int32s(1 << 12), int32s(0)},
		{"int64 add", ndarray.AddOp, int64s(math.MaxInt64), int64s(1), int64s(math.MinInt64)},
		{"int64 mul", ndarray.MulOp, int64s(math.MaxInt64), int64s(2), int64s(-2)},
		{"uint64 sub", ndarray.SubOp, uint64s(0), uint64s(1), uint64s(math.MaxUint64)},
		{"uint64 add", ndarray.AddOp, uint64s(math.MaxUint64), uint64s(math.MaxUint64), uint64s(math.MaxUint64 - 1)},
		{"int8+uint8 in int16", ndarray.AddOp, ints8(127), uint8s(255), int16s(382)},
		{"int8 maximum", ndarray.MaximumOp, ints8(-128, 5), ints8(127, -5), ints8(127, 5)},
		{"uint64 minimum", ndarray.MinimumOp, uint64s(math.MaxUint64, 3), uint64s(math.MaxUint64-1, 4), uint64s(math.MaxUint64-1, 3)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ndarray.Binary(tc.op, tc.a, tc.b)
			if err != nil {
				t.Fatal(err)
			}
			if got.DType() != tc.want.DType() || !slices.Equal(got.Shape(), tc.want.Shape()) {
				t.Fatalf("result %v%v, want %v%v", got.DType(), got.Shape(), tc.want.DType(), tc.want.Shape())
			}
			// Compare exactly, in the element type: float64 would round
			// the 64-bit values.
			for _, idx := range allIndices(got.Shape()) {
				if g, w := refAny(got, idx), refAny(tc.want, idx); g != w {
					t.Errorf("element %v = %v, want %v", idx, g, w)
				}
			}
		})
	}
}

func ints8(v ...int8) *ndarray.Array     { a, _ := ndarray.FromSlice(v); return a }
func int16s(v ...int16) *ndarray.Array   { a, _ := ndarray.FromSlice(v); return a }
func int32s(v ...int32) *ndarray.Array   { a, _ := ndarray.FromSlice(v); return a }
func int64s(v ...int64) *ndarray.Array   { a, _ := ndarray.FromSlice(v); return a }
func uint8s(v ...uint8) *ndarray.Array   { a, _ := ndarray.FromSlice(v); return a }
func uint64s(v ...uint64) *ndarray.Array { a, _ := ndarray.FromSlice(v); return a }
func f32s(v ...float32) *ndarray.Array   { a, _ := ndarray.FromSlice(v); return a }
func f64s(v ...float64) *ndarray.Array   { a, _ := ndarray.FromSlice(v); return a }
func bools(v ...bool) *ndarray.Array     { a, _ := ndarray.FromSlice(v); return a }

func TestNamedBinary(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name string
		f    func(a, b *ndarray.Array) (*ndarray.Array, error)
		a, b *ndarray.Array
		dt   ndarray.DType
		want []float64
	}{
		{"add", ndarray.Add, int16s(1, 2), int16s(10, 20), ndarray.Int16, []float64{11, 22}},
		{"sub", ndarray.Sub, f32s(1, 2), f32s(0.5, 4), ndarray.Float32, []float64{0.5, -2}},
		{"mul", ndarray.Mul, uint8s(3, 16), uint8s(5, 16), ndarray.Uint8, []float64{15, 0}},
		{"div ints", ndarray.Div, int32s(1, -7, 1, -1, 0), int32s(2, 2, 0, 0, 0), ndarray.Float64, []float64{0.5, -3.5, inf, -inf, nan}},
		{"div int8", ndarray.Div, ints8(1), ints8(3), ndarray.Float64, []float64{1.0 / 3}},
		{"div bools", ndarray.Div, bools(true, true), bools(true, false), ndarray.Float64, []float64{1, inf}},
		{"div float32", ndarray.Div, f32s(1), f32s(3), ndarray.Float32, []float64{float64(float32(1.0 / 3))}},
		{"div float32 by int16", ndarray.Div, f32s(1), int16s(3), ndarray.Float32, []float64{float64(float32(1.0 / 3))}},
		{"div float32 by int32", ndarray.Div, f32s(1), int32s(3), ndarray.Float64, []float64{1.0 / 3}},
		{"maximum nan first", ndarray.Maximum, f64s(nan, nan, 1), f64s(1, nan, nan), ndarray.Float64, []float64{nan, nan, nan}},
		{"minimum nan first", ndarray.Minimum, f64s(nan, nan, 1), f64s(1, nan, nan), ndarray.Float64, []float64{nan, nan, nan}},
		{"maximum float32 nan", ndarray.Maximum, f32s(float32(nan), 2, -1), f32s(3, float32(nan), -2), ndarray.Float32, []float64{nan, nan, -1}},
		{"minimum inf", ndarray.Minimum, f64s(-inf, inf), f64s(0, 0), ndarray.Float64, []float64{-inf, 0}},
		{"maximum mixed", ndarray.Maximum, int16s(-5, 7), f32s(-6, 7.5), ndarray.Float32, []float64{-5, 7.5}},
		{"bool add", ndarray.Add, bools(true, true, false), bools(true, false, false), ndarray.Int64, []float64{2, 1, 0}},
		{"bool sub", ndarray.Sub, bools(false, true), bools(true, true), ndarray.Int64, []float64{-1, 0}},
		{"bool maximum", ndarray.Maximum, bools(false, true), bools(false, false), ndarray.Int64, []float64{0, 1}},
		{"bool and int8", ndarray.Add, bools(true), ints8(127), ndarray.Int8, []float64{-128}},
		{"broadcast 0-d", ndarray.Add, ndarray.Scalar(int8(1)), ints8(1, 2, 3), ndarray.Int8, []float64{2, 3, 4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.f(tc.a, tc.b)
			if err != nil {
				t.Fatal(err)
			}
			checkValues(t, got, tc.dt, []int{len(tc.want)}, tc.want)
		})
	}
}

func TestPow(t *testing.T) {
	got, err := ndarray.Binary(ndarray.PowOp, int32s(2, -2, 0, 4, 2), int32s(10, 3, 0, -1, 0))
	if err != nil {
		t.Fatal(err)
	}
	checkValues(t, got, ndarray.Float64, []int{5}, []float64{1024, -8, 1, 0.25, 1})
	got, err = ndarray.Binary(ndarray.PowOp, f32s(-8, 2), f32s(1.0/3, 0.5))
	if err != nil {
		t.Fatal(err)
	}
	checkValues(t, got, ndarray.Float32, []int{2}, []float64{math.NaN(), float64(float32(math.Sqrt2))})
}

func TestCompareNaN(t *testing.T) {
	nan := math.NaN()
	a, b := f64s(nan, nan, 1, 1), f64s(nan, 1, nan, 1)
	a32 := f32s(float32(nan), float32(nan), 1, 1)
	tests := []struct {
		op   ndarray.CompareOp
		want []float64
	}{
		{ndarray.EqualOp, []float64{0, 0, 0, 1}},
		{ndarray.NotEqualOp, []float64{1, 1, 1, 0}},
		{ndarray.LessOp, []float64{0, 0, 0, 0}},
		{ndarray.LessEqualOp, []float64{0, 0, 0, 1}},
		{ndarray.GreaterOp, []float64{0, 0, 0, 0}},
		{ndarray.GreaterEqualOp, []float64{0, 0, 0, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.op.String(), func(t *testing.T) {
			got, err := ndarray.Compare(tc.op, a, b)
			if err != nil {
				t.Fatal(err)
			}
			checkValues(t, got, ndarray.Bool, []int{4}, tc.want)
			got, err = ndarray.Compare(tc.op, a32, b) // float32 against float64
			if err != nil {
				t.Fatal(err)
			}
			checkValues(t, got, ndarray.Bool, []int{4}, tc.want)
			got, err = ndarray.CompareScalar(tc.op, a, 1)
			if err != nil {
				t.Fatal(err)
			}
			checkValues(t, got, ndarray.Bool, []int{4}, []float64{tc.want[1], tc.want[1], tc.want[3], tc.want[3]})
		})
	}
}

func TestCompareMixed(t *testing.T) {
	tests := []struct {
		name string
		op   ndarray.CompareOp
		a, b *ndarray.Array
		want []float64
	}{
		// In int16, not in int8 or uint8: -1 < 255.
		{"int8 vs uint8", ndarray.LessOp, ints8(-1, 5), uint8s(255, 5), []float64{1, 0}},
		{"bools as 0 and 1", ndarray.GreaterOp, bools(true, false, true), bools(false, false, true), []float64{1, 0, 0}},
		{"bool vs int", ndarray.EqualOp, bools(true, false), ints8(1, 1), []float64{1, 0}},
		// float32(0.1) is not float64(0.1).
		{"float32 vs float64", ndarray.EqualOp, f32s(0.1, 0.5), f64s(0.1, 0.5), []float64{0, 1}},
		{"int64 vs uint64 in float64", ndarray.GreaterEqualOp, int64s(-1, math.MaxInt64), uint64s(0, math.MaxInt64), []float64{0, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ndarray.Compare(tc.op, tc.a, tc.b)
			if err != nil {
				t.Fatal(err)
			}
			checkValues(t, got, ndarray.Bool, []int{len(tc.want)}, tc.want)
		})
	}
}

func TestLogical(t *testing.T) {
	x, y := bools(false, false, true, true), bools(false, true, false, true)
	and, err := ndarray.Binary(ndarray.AndOp, x, y)
	if err != nil {
		t.Fatal(err)
	}
	checkValues(t, and, ndarray.Bool, []int{4}, []float64{0, 0, 0, 1})
	or, err := ndarray.Binary(ndarray.OrOp, x, y)
	if err != nil {
		t.Fatal(err)
	}
	checkValues(t, or, ndarray.Bool, []int{4}, []float64{0, 1, 1, 1})
	not, err := ndarray.Unary(ndarray.NotOp, x)
	if err != nil {
		t.Fatal(err)
	}
	checkValues(t, not, ndarray.Bool, []int{4}, []float64{1, 1, 0, 0})
	bc, err := ndarray.Binary(ndarray.OrOp, ndarray.Scalar(true), ndarray.Zeros(ndarray.Bool, 2, 2))
	if err != nil {
		t.Fatal(err)
	}
	checkValues(t, bc, ndarray.Bool, []int{2, 2}, []float64{1, 1, 1, 1})

	tests := []struct {
		name    string
		f       func() (*ndarray.Array, error)
		mention string
	}{
		{"and int8", func() (*ndarray.Array, error) { return ndarray.Binary(ndarray.AndOp, ints8(1), ints8(1)) }, "and of int8 and int8"},
		{"or bool int8", func() (*ndarray.Array, error) { return ndarray.Binary(ndarray.OrOp, bools(true), ints8(1)) }, "or of bool and int8"},
		{"and float", func() (*ndarray.Array, error) { return ndarray.Binary(ndarray.AndOp, f64s(1), bools(true)) }, "and of float64 and bool"},
		{"and scalar", func() (*ndarray.Array, error) { return ndarray.BinaryScalar(ndarray.AndOp, bools(true), 1) }, "and of bool and int64"},
		{"not float", func() (*ndarray.Array, error) { return ndarray.Unary(ndarray.NotOp, f32s(0)) }, "not of float32"},
		{"not uint8", func() (*ndarray.Array, error) { return ndarray.Unary(ndarray.NotOp, uint8s(0)) }, "not of uint8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.f()
			checkErr(t, err, ndarray.ErrDType, tc.mention)
		})
	}
}

// TestScalarNEP50 checks the dtype and values of operations with a
// scalar, which follow NEP 50: the array's dtype wins when the scalar is
// representable in it, an integral float64 counting as a Python int; a
// fractional scalar with an integer array gives float64.
func TestScalarNEP50(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name    string
		f       func() (*ndarray.Array, error)
		dt      ndarray.DType
		want    []float64
		mention string // for errors, which all wrap ErrRange
	}{
		{name: "int16 + 2 stays int16", f: func() (*ndarray.Array, error) { return ndarray.BinaryScalar(ndarray.AddOp, int16s(1, 32767), 2) },
			dt: ndarray.Int16, want: []float64{3, -32767}},
		{name: "int16 + 2.5 is float64", f: func() (*ndarray.Array, error) { return ndarray.BinaryScalar(ndarray.AddOp, int16s(1, -1), 2.5) },
			dt: ndarray.Float64, want: []float64{3.5, 1.5}},
		{name: "float32 + 2.5 stays float32", f: func() (*ndarray.Array, error) { return ndarray.BinaryScalar(ndarray.AddOp, f32s(0.1), 2.5) },
			dt: ndarray.Float32, want: []float64{float64(float32(0.1) + 2.5)}},
		{name: "float32 + 0.1 rounds the scalar to float32", f: func() (*ndarray.Array, error) { return ndarray.BinaryScalar(ndarray.AddOp, f32s(0), 0.1) },
			dt: ndarray.Float32, want: []float64{float64(float32(0.1))}},
		{name: "float32 * 1e300 overflows", f: func() (*ndarray.Array, error) { return ndarray.BinaryScalar(ndarray.MulOp, f32s(1), 1e300) },
			dt: ndarray.Float32, want: []float64{math.Inf(1)}},
		{name: "uint8 + 255 wraps", f: func() (*ndarray.Array, error) { return ndarray.BinaryScalar(ndarray.AddOp, uint8s(1), 255) },
			dt: ndarray.Uint8, want: []float64{0}},
		{name: "1 - uint8 wraps", f: func() (*ndarray.Array, error) { return ndarray.ScalarBinary(ndarray.SubOp, 1, uint8s(2, 0)) },
			dt: ndarray.Uint8, want: []float64{255, 1}},
		{name: "10 / int8 is float64", f: func() (*ndarray.Array, error) { return ndarray.ScalarBinary(ndarray.DivOp, 10, ints8(4)) },
			dt: ndarray.Float64, want: []float64{2.5}},
		{name: "int32 / 2 is float64", f: func() (*ndarray.Array, error) { return ndarray.BinaryScalar(ndarray.DivOp, int32s(3), 2) },
			dt: ndarray.Float64, want: []float64{1.5}},
		{name: "float32 / 2 stays float32", f: func() (*ndarray.Array, error) { return ndarray.BinaryScalar(ndarray.DivOp, f32s(3), 2) },
			dt: ndarray.Float32, want: []float64{1.5}},
		{name: "2 ** int8 is float64", f: func() (*ndarray.Array, error) { return ndarray.ScalarBinary(ndarray.PowOp, 2, ints8(3, -1)) },
			dt: ndarray.Float64, want: []float64{8, 0.5}},
		{name: "int8 + nan is float64", f: func() (*ndarray.Array, error) { return ndarray.BinaryScalar(ndarray.AddOp, ints8(1), nan) },
			dt: ndarray.Float64, want: []float64{nan}},
		{name: "int8 + inf is float64", f: func() (*ndarray.Array, error) { return ndarray.BinaryScalar(ndarray.AddOp, ints8(1), math.Inf(-1)) },
			dt: ndarray.Float64, want: []float64{math.Inf(-1)}},
		{name: "bool + 2 is int64", f: func() (*ndarray.Array, error) { return ndarray.BinaryScalar(ndarray.AddOp, bools(true, false), 2) },
			dt: ndarray.Int64, want: []float64{3, 2}},
		{name: "bool * 0.5 is float64", f: func() (*ndarray.Array, error) { return ndarray.BinaryScalar(ndarray.MulOp, bools(true, false), 0.5) },
			dt: ndarray.Float64, want: []float64{0.5, 0}},
		{name: "maximum int8 with -128", f: func() (*ndarray.Array, error) { return ndarray.BinaryScalar(ndarray.MaximumOp, ints8(-128, 3), -128) },
			dt: ndarray.Int8, want: []float64{-128, 3}},
		{name: "minimum float64 with nan", f: func() (*ndarray.Array, error) { return ndarray.BinaryScalar(ndarray.MinimumOp, f64s(1), nan) },
			dt: ndarray.Float64, want: []float64{nan}},
		{name: "int64 + -2^63 fits", f: func() (*ndarray.Array, error) { return ndarray.BinaryScalar(ndarray.AddOp, int64s(0), -1<<63) },
			dt: ndarray.Int64, want: []float64{-1 << 63}},
		{name: "uint8 + 256", f: func() (*ndarray.Array, error) { return ndarray.BinaryScalar(ndarray.AddOp, uint8s(1), 256) },
			mention: "256 does not fit uint8"},
		{name: "uint8 + -1", f: func() (*ndarray.Array, error) { return ndarray.BinaryScalar(ndarray.AddOp, uint8s(1), -1) },
			mention: "-1 does not fit uint8"},
		{name: "int16 + 40000", f: func() (*ndarray.Array, error) { return ndarray.ScalarBinary(ndarray.AddOp, 40000, int16s(1)) },
			mention: "40000 does not fit int16"},
		{name: "int64 + 2^63", f: func() (*ndarray.Array, error) { return ndarray.BinaryScalar(ndarray.AddOp, int64s(1), 1<<63) },
			mention: "does not fit int64"},
		{name: "uint64 + 2^64", f: func() (*ndarray.Array, error) { return ndarray.BinaryScalar(ndarray.AddOp, uint64s(1), 1<<64) },
			mention: "does not fit uint64"},
		{name: "int8 < 1000", f: func() (*ndarray.Array, error) { return ndarray.CompareScalar(ndarray.LessOp, ints8(1), 1000) },
			mention: "1000 does not fit int8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.f()
			if tc.mention != "" {
				checkErr(t, err, ndarray.ErrRange, tc.mention)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkValues(t, got, tc.dt, []int{len(tc.want)}, tc.want)
		})
	}
}

// TestScalarMatchesBinary checks BinaryScalar, ScalarBinary and
// CompareScalar against the reference on random layouts, with the scalar
// converted to the dtype NEP 50 gives it.
func TestScalarMatchesBinary(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 15))
	scalars := []float64{0, 1, 2, -3, 2.5, -0.25, math.NaN(), math.Inf(1)}
	for _, dt := range allDTypes {
		for _, s := range scalars {
			sdt := dt // NEP 50: the scalar takes the array's type if it can
			switch {
			case dt.IsFloat():
			case s != math.Trunc(s) || math.IsInf(s, 0) || math.IsNaN(s):
				sdt = ndarray.Float64
			case dt == ndarray.Bool:
				sdt = ndarray.Int64
			case dt.IsUnsigned() && s < 0:
				continue // out of range; tested in TestScalarNEP50
			}
			for _, l := range genLayouts(rng, dt, []int{2, 3})[:4] {
				z := fromFloats(sdt, []float64{cast(sdt, s)})
				for _, op := range allBinaryOps[:7] {
					t.Run(fmt.Sprintf("%v/%v(%s)/%v", op, dt, l.name, s), func(t *testing.T) {
						got, err := ndarray.BinaryScalar(op, l.a, s)
						if err != nil {
							t.Fatal(err)
						}
						want, _ := ndarray.Binary(op, l.a, z)
						checkValues(t, got, want.DType(), want.Shape(), refValues(want))
						checkBinary(t, op, l.a, z)

						got, err = ndarray.ScalarBinary(op, s, l.a)
						if err != nil {
							t.Fatal(err)
						}
						want, _ = ndarray.Binary(op, z, l.a)
						checkValues(t, got, want.DType(), want.Shape(), refValues(want))
						checkBinary(t, op, z, l.a)
					})
				}
				for _, op := range allCompareOps {
					t.Run(fmt.Sprintf("%v/%v(%s)/%v", op, dt, l.name, s), func(t *testing.T) {
						got, err := ndarray.CompareScalar(op, l.a, s)
						if err != nil {
							t.Fatal(err)
						}
						ct := wantPromote(dt, sdt)
						var want []float64
						for _, v := range refValues(l.a) {
							want = append(want, refCompare(op, cast(ct, v), cast(ct, cast(sdt, s))))
						}
						checkValues(t, got, ndarray.Bool, []int{2, 3}, want)
					})
				}
			}
		}
	}
}

// refWhere is the reference for Where: cond's truth value (nonzero; NaN
// is true) picks a's or b's element, converted to their promoted type.
func refWhere(cond, a, b *ndarray.Array) (ndarray.DType, []int, []float64) {
	ct := wantPromote(a.DType(), b.DType())
	shape := refBroadcast(cond.Shape(), a.Shape(), b.Shape())
	var want []float64
	for _, idx := range allIndices(shape) {
		if refAt(cond, broadcastIndex(idx, cond.Shape())) != 0 {
			want = append(want, cast(ct, refAt(a, broadcastIndex(idx, a.Shape()))))
		} else {
			want = append(want, cast(ct, refAt(b, broadcastIndex(idx, b.Shape()))))
		}
	}
	return ct, shape, want
}

func TestWhere(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 16))
	shapes := [][3][]int{
		{{}, {}, {}},
		{{4}, {4}, {4}},
		{{2, 1}, {3}, {}},
		{{3}, {2, 1}, {1, 3}},
		{{}, {2, 3}, {3}},
		{{0, 2}, {2}, {1}},
		{{2, 3, 4}, {2, 3, 4}, {2, 3, 4}},
	}
	condTypes := []ndarray.DType{ndarray.Bool, ndarray.Int8, ndarray.Float64}
	valueTypes := [][2]ndarray.DType{
		{ndarray.Float64, ndarray.Float64}, {ndarray.Int8, ndarray.Uint8}, {ndarray.Bool, ndarray.Bool},
		{ndarray.Float32, ndarray.Int32}, {ndarray.Uint64, ndarray.Int16}, {ndarray.Bool, ndarray.Float32},
	}
	for _, ct := range condTypes {
		for _, vt := range valueTypes {
			for _, sh := range shapes {
				lc := genLayouts(rng, ct, sh[0])
				la := genLayouts(rng, vt[0], sh[1])
				lb := genLayouts(rng, vt[1], sh[2])
				for i := range lc {
					c, a, b := lc[i], la[rng.IntN(len(la))], lb[rng.IntN(len(lb))]
					t.Run(fmt.Sprintf("%v%v(%s)/%v%v(%s)/%v%v(%s)", ct, sh[0], c.name, vt[0], sh[1], a.name, vt[1], sh[2], b.name), func(t *testing.T) {
						got, err := ndarray.Where(c.a, a.a, b.a)
						if err != nil {
							t.Fatal(err)
						}
						dt, shape, want := refWhere(c.a, a.a, b.a)
						checkValues(t, got, dt, shape, want)
					})
				}
			}
		}
	}
}

func TestWhereValues(t *testing.T) {
	nan := math.NaN()
	got, err := ndarray.Where(f64s(0, nan, -1, math.Copysign(0, -1)), ints8(1, 2, 3, 4), ndarray.Scalar(uint8(200)))
	if err != nil {
		t.Fatal(err)
	}
	// NaN and -1 are true, both zeros false; int8 and uint8 meet in int16.
	checkValues(t, got, ndarray.Int16, []int{4}, []float64{200, 2, 3, 200})

	col, _ := ndarray.FromSlice([]bool{true, false}, 2, 1)
	got, err = ndarray.Where(col, f32s(1, 2, 3), ndarray.Scalar(float32(nan)))
	if err != nil {
		t.Fatal(err)
	}
	checkValues(t, got, ndarray.Float32, []int{2, 3}, []float64{1, 2, 3, nan, nan, nan})
}

func TestBroadcastErrors(t *testing.T) {
	a := ndarray.Zeros(ndarray.Float64, 2, 3)
	b := ndarray.Zeros(ndarray.Float64, 4)
	tests := []struct {
		name    string
		f       func() (*ndarray.Array, error)
		mention []string
	}{
		{"add", func() (*ndarray.Array, error) { return ndarray.Add(a, b) }, []string{"add", "[[2 3] [4]]", "3 vs 4"}},
		{"pow", func() (*ndarray.Array, error) { return ndarray.Binary(ndarray.PowOp, b, a) }, []string{"pow", "[[4] [2 3]]"}},
		{"compare", func() (*ndarray.Array, error) { return ndarray.Compare(ndarray.LessOp, a, b) }, []string{"less", "[[2 3] [4]]"}},
		{"where", func() (*ndarray.Array, error) { return ndarray.Where(ndarray.Zeros(ndarray.Bool, 3), a, b) }, []string{"where", "[[3] [2 3] [4]]"}},
		{"where cond", func() (*ndarray.Array, error) { return ndarray.Where(ndarray.Zeros(ndarray.Bool, 5), a, a) }, []string{"where", "[[5] [2 3] [2 3]]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.f()
			checkErr(t, err, ndarray.ErrShape, tc.mention...)
		})
	}
}

func TestInvalidOps(t *testing.T) {
	a := f64s(1)
	tests := []struct {
		name    string
		f       func() (*ndarray.Array, error)
		mention string
	}{
		{"binary 0", func() (*ndarray.Array, error) { return ndarray.Binary(0, a, a) }, "BinaryOp(0)"},
		{"binary 10", func() (*ndarray.Array, error) { return ndarray.Binary(10, a, a) }, "BinaryOp(10)"},
		{"compare 0", func() (*ndarray.Array, error) { return ndarray.Compare(0, a, a) }, "CompareOp(0)"},
		{"compare 7", func() (*ndarray.Array, error) { return ndarray.CompareScalar(7, a, 1) }, "CompareOp(7)"},
		{"unary 0", func() (*ndarray.Array, error) { return ndarray.Unary(0, a) }, "UnaryOp(0)"},
		{"unary 9", func() (*ndarray.Array, error) { return ndarray.Unary(9, a) }, "UnaryOp(9)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.f()
			checkErr(t, err, ndarray.ErrOp, tc.mention)
		})
	}
}

func TestOpStrings(t *testing.T) {
	var got []string
	for _, op := range allBinaryOps {
		got = append(got, op.String())
	}
	for _, op := range allCompareOps {
		got = append(got, op.String())
	}
	for _, op := range allUnaryOps {
		got = append(got, op.String())
	}
	want := []string{"add", "sub", "mul", "div", "pow", "maximum", "minimum", "and", "or",
		"equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
		"abs", "neg", "sqrt", "exp", "log", "isnan", "isfinite", "not"}
	if !slices.Equal(got, want) {
		t.Errorf("op names = %q, want %q", got, want)
	}
}

// Operations never write to their operands, even when those are views
// sharing data with each other or the same array.
func TestOperandsUnchanged(t *testing.T) {
	base := ndarray.Arange(ndarray.Float32, -3, 3, 1)
	rev, _ := base.Slice(ndarray.Range{Start: 5, Stop: -1, Step: -1})
	before := refValues(base)
	if _, err := ndarray.Add(base, rev); err != nil {
		t.Fatal(err)
	}
	if _, err := ndarray.Unary(ndarray.NegOp, rev); err != nil {
		t.Fatal(err)
	}
	if _, err := ndarray.Where(base, rev, base); err != nil {
		t.Fatal(err)
	}
	if _, err := ndarray.BinaryScalar(ndarray.MulOp, base, 2); err != nil {
		t.Fatal(err)
	}
	checkValues(t, base, ndarray.Float32, []int{6}, before)
}

func TestBinaryInto(t *testing.T) {
	a, _ := ndarray.FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	b, _ := ndarray.FromSlice([]float64{10, 20, 30}, 3)
	dst := ndarray.Zeros(ndarray.Float64, 3, 3)
	view, _ := dst.Slice(ndarray.Range{Start: 1, Stop: 3, Step: 1}, ndarray.Whole)
	if err := ndarray.BinaryInto(ndarray.SubOp, view, a, b); err != nil {
		t.Fatal(err)
	}
	want := []float64{0, 0, 0, -9, -18, -27, -6, -15, -24}
	if got := ndarray.Float64s(dst); !slices.Equal(got, want) {
		t.Errorf("BinaryInto = %v, want %v", got, want)
	}
	if err := ndarray.BinaryInto(ndarray.AddOp, ndarray.Zeros(ndarray.Float32, 2, 3), a, b); !errors.Is(err, ndarray.ErrDType) {
		t.Errorf("float64 operands into float32: %v", err)
	}
	if err := ndarray.BinaryInto(ndarray.AddOp, ndarray.Zeros(ndarray.Float64, 3, 3), a, b); !errors.Is(err, ndarray.ErrShape) {
		t.Errorf("into the wrong shape: %v", err)
	}
}
