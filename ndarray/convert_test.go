package ndarray_test

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tesseradata/tessera/ndarray"
)

// convertSamples are values of every dtype, chosen at the edges of the
// others: limits, one past them, values that wrap, values float32 or
// float64 must round, fractions to truncate, NaN and infinities.
var convertSamples = []any{
	false, true,
	int8(0), int8(1), int8(-1), int8(127), int8(-128), int8(100), int8(-100),
	int16(0), int16(-1), int16(300), int16(-300), int16(32767), int16(-32768), int16(255), int16(256), int16(-129),
	int32(0), int32(-1), int32(70000), int32(-70000), int32(math.MaxInt32), int32(math.MinInt32),
	int32(1<<24 + 1), int32(65536 + 255),
	int64(0), int64(-1), int64(1<<40 + 3), int64(-1 << 40), int64(math.MaxInt64), int64(math.MinInt64),
	int64(1<<53 + 1), int64(1<<32 + 7),
	uint8(0), uint8(1), uint8(255), uint8(128), uint8(127),
	uint16(0), uint16(65535), uint16(256), uint16(32768), uint16(300),
	uint32(0), uint32(math.MaxUint32), uint32(1 << 31), uint32(1<<24 + 1),
	uint64(0), uint64(math.MaxUint64), uint64(1 << 63), uint64(math.MaxInt64), uint64(1<<53 + 1), uint64(1<<32 + 1),
	float32(0), float32(math.Copysign(0, -1)), float32(0.5), float32(-0.5), float32(1.9), float32(-1.9),
	float32(127.9), float32(128), float32(-128.9), float32(-129), float32(255.5), float32(256), float32(65535.9),
	float32(3e9), float32(-3e9), float32(1e20), float32(math.MaxFloat32), float32(1e-40),
	float32(1 << 31), float32(-1 << 31), float32(1 << 63), float32(-1 << 63), float32(1 << 64),
	float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)),
	float64(0), float64(0.7), float64(-0.7), float64(1.5), float64(127.999), float64(128), float64(-128),
	float64(-129), float64(255), float64(256), float64(2147483647.9), float64(2147483648), float64(-2147483648.5),
	float64(-2147483649), float64(4294967295.5), float64(4294967296), float64(1<<63 - 1024), float64(1 << 63),
	float64(-1 << 63), float64(1<<64 - 2048), float64(1 << 64), float64(1e300), float64(-1e300), float64(1e-300),
	float64(1e39), float64(1<<24 + 1), float64(0.1),
	math.NaN(), math.Inf(1), math.Inf(-1),
}

// exactValue returns v as a big.Int if it is an integer type (bool as 0
// or 1), or as a float64 if it is a float.
func exactValue(v any) (*big.Int, float64, bool) {
	switch x := v.(type) {
	case bool:
		if x {
			return big.NewInt(1), 0, true
		}
		return big.NewInt(0), 0, true
	case int8:
		return big.NewInt(int64(x)), 0, true
	case int16:
		return big.NewInt(int64(x)), 0, true
	case int32:
		return big.NewInt(int64(x)), 0, true
	case int64:
		return big.NewInt(x), 0, true
	case uint8:
		return new(big.Int).SetUint64(uint64(x)), 0, true
	case uint16:
		return new(big.Int).SetUint64(uint64(x)), 0, true
	case uint32:
		return new(big.Int).SetUint64(uint64(x)), 0, true
	case uint64:
		return new(big.Int).SetUint64(x), 0, true
	case float32:
		return nil, float64(x), false
	case float64:
		return nil, x, false
	}
	panic(fmt.Sprintf("exactValue(%T)", v))
}

// intBounds returns the smallest and largest values of integer dtype dt
// and its width in bits.
func intBounds(dt ndarray.DType) (lo, hi *big.Int, bits uint) {
	bits = uint(8 * dt.Size())
	if dt.IsSigned() {
		hi = new(big.Int).Lsh(big.NewInt(1), bits-1)
		lo = new(big.Int).Neg(hi)
		return lo, hi.Sub(hi, big.NewInt(1)), bits
	}
	hi = new(big.Int).Lsh(big.NewInt(1), bits)
	return big.NewInt(0), hi.Sub(hi, big.NewInt(1)), bits
}

// typedInt returns x, which fits dt, as a value of dt's Go type.
func typedInt(dt ndarray.DType, x *big.Int) any {
	switch dt {
	case ndarray.Int8:
		return int8(x.Int64())
	case ndarray.Int16:
		return int16(x.Int64())
	case ndarray.Int32:
		return int32(x.Int64())
	case ndarray.Int64:
		return x.Int64()
	case ndarray.Uint8:
		return uint8(x.Uint64())
	case ndarray.Uint16:
		return uint16(x.Uint64())
	case ndarray.Uint32:
		return uint32(x.Uint64())
	}
	return x.Uint64()
}

// wantConvert is the reference for converting v to dt, in exact
// arithmetic: integers wrap modulo 2^bits; floats truncate towards zero
// into an integer type and must then fit it (ok is false if not, or for
// NaN and infinities); integers round to the nearest float; anything
// nonzero (NaN too) is true.
func wantConvert(v any, dt ndarray.DType) (want any, ok bool) {
	i, f, isInt := exactValue(v)
	switch {
	case dt == ndarray.Bool && isInt:
		return i.Sign() != 0, true
	case dt == ndarray.Bool:
		return f != 0, true
	case dt.IsFloat() && isInt:
		bf := new(big.Float).SetInt(i)
		if dt == ndarray.Float32 {
			x, _ := bf.Float32()
			return x, true
		}
		x, _ := bf.Float64()
		return x, true
	case dt.IsFloat():
		if dt == ndarray.Float32 {
			if math.IsNaN(f) {
				return float32(math.NaN()), true
			}
			x, _ := new(big.Float).SetFloat64(f).Float32()
			return x, true
		}
		return f, true
	case isInt:
		lo, _, bits := intBounds(dt)
		m := new(big.Int).Sub(i, lo) // wrap into [lo, lo+2^bits)
		m.Mod(m, new(big.Int).Lsh(big.NewInt(1), bits))
		return typedInt(dt, m.Add(m, lo)), true
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, false
	}
	t, _ := new(big.Float).SetFloat64(f).Int(nil)
	if lo, hi, _ := intBounds(dt); t.Cmp(lo) < 0 || t.Cmp(hi) > 0 {
		return nil, false
	}
	return typedInt(dt, t), true
}

// scalarOf returns a 1-element array holding v.
func scalarOf(v any) *ndarray.Array {
	var a *ndarray.Array
	var err error
	switch x := v.(type) {
	case bool:
		a, err = ndarray.FromSlice([]bool{x})
	case int8:
		a, err = ndarray.FromSlice([]int8{x})
	case int16:
		a, err = ndarray.FromSlice([]int16{x})
	case int32:
		a, err = ndarray.FromSlice([]int32{x})
	case int64:
		a, err = ndarray.FromSlice([]int64{x})
	case uint8:
		a, err = ndarray.FromSlice([]uint8{x})
	case uint16:
		a, err = ndarray.FromSlice([]uint16{x})
	case uint32:
		a, err = ndarray.FromSlice([]uint32{x})
	case uint64:
		a, err = ndarray.FromSlice([]uint64{x})
	case float32:
		a, err = ndarray.FromSlice([]float32{x})
	case float64:
		a, err = ndarray.FromSlice([]float64{x})
	}
	if err != nil {
		panic(err)
	}
	return a
}

// refAny returns element idx of a as a value of its Go type, read from the
// backing slice.
func refAny(a *ndarray.Array, idx []int) any {
	p := a.Offset()
	for i, s := range a.Strides() {
		p += idx[i] * s
	}
	switch a.DType() {
	case ndarray.Bool:
		return dataAt[bool](a, p)
	case ndarray.Int8:
		return dataAt[int8](a, p)
	case ndarray.Int16:
		return dataAt[int16](a, p)
	case ndarray.Int32:
		return dataAt[int32](a, p)
	case ndarray.Int64:
		return dataAt[int64](a, p)
	case ndarray.Uint8:
		return dataAt[uint8](a, p)
	case ndarray.Uint16:
		return dataAt[uint16](a, p)
	case ndarray.Uint32:
		return dataAt[uint32](a, p)
	case ndarray.Uint64:
		return dataAt[uint64](a, p)
	case ndarray.Float32:
		return dataAt[float32](a, p)
	}
	return dataAt[float64](a, p)
}

func dataAt[T ndarray.Elem](a *ndarray.Array, p int) any {
	d, err := ndarray.Data[T](a)
	if err != nil {
		panic(err)
	}
	return d[p]
}

// sameAny reports whether x and y have the same type and value, NaN
// being equal to NaN.
func sameAny(x, y any) bool {
	if x == y {
		return true
	}
	switch x := x.(type) {
	case float32:
		y, ok := y.(float32)
		return ok && x != x && y != y
	case float64:
		y, ok := y.(float64)
		return ok && x != x && y != y
	}
	return false
}

func TestAstypeSamples(t *testing.T) {
	for _, v := range convertSamples {
		src := scalarOf(v)
		for _, dt := range allDTypes {
			t.Run(fmt.Sprintf("%v(%v)->%v", src.DType(), v, dt), func(t *testing.T) {
				want, ok := wantConvert(v, dt)
				got, err := src.Astype(dt)
				if !ok {
					// The message prints the value as float64, also for float32.
					_, f, _ := exactValue(v)
					checkErr(t, err, ndarray.ErrRange, fmt.Sprintf("astype %v to %v", src.DType(), dt), fmt.Sprint(f))
					return
				}
				if err != nil {
					t.Fatalf("Astype(%v) of %v: %v", dt, v, err)
				}
				if got.DType() != dt {
					t.Errorf("dtype = %v, want %v", got.DType(), dt)
				}
				if g := refAny(got, []int{0}); !sameAny(g, want) {
					t.Errorf("Astype(%v) of %T(%v) = %T(%v), want %T(%v)", dt, v, v, g, g, want, want)
				}
			})
		}
	}
}

// TestAstypeSpot pins a few conversions whose reference is easy to get
// wrong, independently of wantConvert.
func TestAstypeSpot(t *testing.T) {
	tests := []struct {
		name string
		v    any
		dt   ndarray.DType
		want any
	}{
		{"int16 300 wraps to int8", int16(300), ndarray.Int8, int8(44)},
		{"int16 -129 wraps to int8", int16(-129), ndarray.Int8, int8(127)},
		{"int8 -1 wraps to uint8", int8(-1), ndarray.Uint8, uint8(255)},
		{"int8 -1 wraps to uint64", int8(-1), ndarray.Uint64, uint64(math.MaxUint64)},
		{"uint64 max wraps to int64", uint64(math.MaxUint64), ndarray.Int64, int64(-1)},
		{"int32 70000 wraps to uint16", int32(70000), ndarray.Uint16, uint16(4464)},
		{"float truncates", -1.9, ndarray.Int32, int32(-1)},
		{"float -0.5 to uint8", -0.5, ndarray.Uint8, uint8(0)},
		{"float 255.9 to uint8", 255.9, ndarray.Uint8, uint8(255)},
		{"2^24+1 rounds to even in float32", int32(1<<24 + 1), ndarray.Float32, float32(1 << 24)},
		{"2^53+1 rounds to even in float64", int64(1<<53 + 1), ndarray.Float64, float64(1 << 53)},
		{"uint64 max rounds up in float64", uint64(math.MaxUint64), ndarray.Float64, float64(1 << 64)},
		{"nan is true", math.NaN(), ndarray.Bool, true},
		{"negative zero is false", math.Copysign(0, -1), ndarray.Bool, false},
		{"1e39 overflows float32", 1e39, ndarray.Float32, float32(math.Inf(1))},
		{"true to float32", true, ndarray.Float32, float32(1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := scalarOf(tc.v).Astype(tc.dt)
			if err != nil {
				t.Fatal(err)
			}
			if g := refAny(got, []int{0}); !sameAny(g, tc.want) {
				t.Errorf("Astype(%v) of %T(%v) = %T(%v), want %T(%v)", tc.dt, tc.v, tc.v, g, g, tc.want, tc.want)
			}
			if w, _ := wantConvert(tc.v, tc.dt); !sameAny(w, tc.want) {
				t.Errorf("wantConvert(%v, %v) = %v, disagrees with the table", tc.v, tc.dt, w)
			}
		})
	}
}

func TestAstypeErrors(t *testing.T) {
	tests := []struct {
		name    string
		vals    []float64
		src, dt ndarray.DType
		mention []string
	}{
		{"nan", []float64{1, math.NaN()}, ndarray.Float64, ndarray.Int32, []string{"astype float64 to int32", "NaN", "does not fit int32"}},
		{"inf", []float64{math.Inf(1)}, ndarray.Float32, ndarray.Uint64, []string{"astype float32 to uint64", "+Inf"}},
		{"-inf", []float64{0, 0, math.Inf(-1)}, ndarray.Float64, ndarray.Int64, []string{"-Inf", "does not fit int64"}},
		{"too large", []float64{1e10}, ndarray.Float64, ndarray.Int32, []string{"1e+10", "does not fit int32"}},
		{"negative to unsigned", []float64{-1}, ndarray.Float32, ndarray.Uint8, []string{"-1", "does not fit uint8"}},
		{"2^63 to int64", []float64{1 << 63}, ndarray.Float64, ndarray.Int64, []string{"9.223372036854776e+18", "does not fit int64"}},
		{"2^64 to uint64", []float64{1 << 64}, ndarray.Float64, ndarray.Uint64, []string{"does not fit uint64"}},
		{"128 to int8", []float64{127, 128}, ndarray.Float32, ndarray.Int8, []string{"128", "does not fit int8"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := fromFloats(tc.src, tc.vals, len(tc.vals)).Astype(tc.dt)
			checkErr(t, err, ndarray.ErrRange, tc.mention...)
		})
	}

	_, err := ndarray.Zeros(ndarray.Int8, 2).Astype(0)
	checkErr(t, err, ndarray.ErrDType, "DType(0)")
	_, err = ndarray.Zeros(ndarray.Int8, 2).Astype(42)
	checkErr(t, err, ndarray.ErrDType, "DType(42)")
}

func TestAstypeSameDType(t *testing.T) {
	a, _ := ndarray.Arange(ndarray.Int16, 0, 6, 1).Reshape(2, 3)
	v, _ := a.Transpose()
	got, err := v.Astype(ndarray.Int16)
	if err != nil || got != v {
		t.Errorf("Astype to its own dtype = %p, %v, want the array itself %p", got, err, v)
	}
}

// TestAstypeLayouts converts every layout of random arrays between every
// pair of dtypes and checks each element against wantConvert. Float
// sources hold values in [0, 120) (with NaN only when converting to
// floats or bool), so that they fit every integer type and the whole
// array converts.
func TestAstypeLayouts(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	shapes := [][]int{{}, {0, 3}, {5}, {1, 3, 1}, {2, 3, 4}}
	for _, from := range allDTypes {
		for _, to := range allDTypes {
			for _, shape := range shapes {
				gen := func(shape ...int) *ndarray.Array {
					if !from.IsFloat() {
						return genArray(rng, from, shape...)
					}
					vals := make([]float64, shapeSize(shape))
					for i := range vals {
						vals[i] = float64(float32(rng.Float64() * 120))
						if !to.IsInteger() && rng.IntN(5) == 0 {
							vals[i] = math.NaN()
						}
					}
					return fromFloats(from, vals, shape...)
				}
				for _, l := range layoutsOf(rng, shape, gen) {
					t.Run(fmt.Sprintf("%v->%v/%v/%s", from, to, shape, l.name), func(t *testing.T) {
						got, err := l.a.Astype(to)
						if err != nil {
							t.Fatal(err)
						}
						if got.DType() != to || !slices.Equal(got.Shape(), shape) {
							t.Fatalf("Astype(%v) = %v%v, want %v%v", to, got.DType(), got.Shape(), to, shape)
						}
						if from != to && (!got.IsContiguous() || got.Offset() != 0) {
							t.Errorf("result is not a new contiguous array: strides %v, offset %d", got.Strides(), got.Offset())
						}
						for _, idx := range allIndices(shape) {
							v := refAny(l.a, idx)
							want, ok := wantConvert(v, to)
							if !ok {
								t.Fatalf("bad test value %v", v)
							}
							if g := refAny(got, idx); !sameAny(g, want) {
								t.Errorf("element %v: %T(%v) became %T(%v), want %T(%v)", idx, v, v, g, g, want, want)
							}
						}
					})
				}
			}
		}
	}
}
