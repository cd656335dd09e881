package ndarray_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/tesseradata/tessera/ndarray"
)

// This file tests Codec against a reference decode written here from the
// rule on decodeTo, D(D(s)·D(Scale)) + D(Offset) rounded in the decoded
// type D, with missing values compared with the stored value exactly.

var decStored = []ndarray.DType{
	ndarray.Int8, ndarray.Int16, ndarray.Int32, ndarray.Int64,
	ndarray.Uint8, ndarray.Uint16, ndarray.Uint32, ndarray.Uint64,
	ndarray.Float32, ndarray.Float64,
}

var decOrders = []binary.ByteOrder{binary.LittleEndian, binary.BigEndian}

// decFilled returns c with the defaults Codec documents filled in.
func decFilled(c ndarray.Codec) ndarray.Codec {
	if c.Scale == 0 {
		c.Scale = 1
	}
	if c.Decoded == 0 {
		c.Decoded = ndarray.Float64
		if c.Stored == ndarray.Float32 {
			c.Decoded = ndarray.Float32
		}
	}
	return c
}

// decRepresents reports whether dt holds f exactly.
func decRepresents(dt ndarray.DType, f float64) bool {
	switch {
	case math.IsNaN(f):
		return false
	case dt == ndarray.Float64:
		return true
	case dt == ndarray.Float32:
		return float64(float32(f)) == f
	case f != math.Trunc(f):
		return false
	case dt.IsSigned():
		b := redBits(dt)
		return f >= -math.Ldexp(1, int(b)-1) && f < math.Ldexp(1, int(b)-1)
	}
	return f >= 0 && f < math.Ldexp(1, int(redBits(dt)))
}

// decOf returns the stored value f (which dt must represent).
func decOf(dt ndarray.DType, f float64) redNum {
	switch {
	case dt.IsFloat():
		return redF(f)
	case dt.IsSigned():
		return redI(int64(f))
	}
	return redNum{kind: 'u', u: uint64(f)}
}

// decIsMissing reports whether the stored value x is one of missing,
// compared exactly, or NaN.
func decIsMissing(x redNum, missing []float64) bool {
	if x.isNaN() {
		return true
	}
	for _, f := range missing {
		switch x.kind {
		case 'i':
			if f >= -0x1p63 && f < 0x1p63 && f == math.Trunc(f) && int64(f) == x.i {
				return true
			}
		case 'u':
			if f >= 0 && f < 0x1p64 && f == math.Trunc(f) && uint64(f) == x.u {
				return true
			}
		default:
			if x.f == f {
				return true
			}
		}
	}
	return false
}

// decRef decodes stored values under c (with defaults filled).
func decRef(c ndarray.Codec, vals []redNum) []redNum {
	out := make([]redNum, len(vals))
	for i, x := range vals {
		switch {
		case !c.Decoded.IsFloat():
			out[i] = x
		case decIsMissing(x, c.Missing):
			out[i] = redF(math.NaN())
		case c.Decoded == ndarray.Float32:
			var s float32 // converted straight from the stored type
			switch x.kind {
			case 'i':
				s = float32(x.i)
			case 'u':
				s = float32(x.u)
			default:
				s = float32(x.f)
			}
			out[i] = redF(float64(float32(s*float32(c.Scale)) + float32(c.Offset)))
		default:
			out[i] = redF(float64(x.float()*c.Scale) + c.Offset)
		}
	}
	return out
}

// decBytes encodes vals of dt in the given byte order (true as 0x80, to
// check that any nonzero byte is true).
func decBytes(dt ndarray.DType, order binary.ByteOrder, vals []redNum) []byte {
	es := dt.Size()
	raw := make([]byte, es*len(vals))
	for i, v := range vals {
		b := raw[i*es:]
		switch dt {
		case ndarray.Bool:
			if v.f != 0 {
				b[0] = 0x80
			}
		case ndarray.Int8:
			b[0] = byte(v.i)
		case ndarray.Uint8:
			b[0] = byte(v.u)
		case ndarray.Int16:
			order.PutUint16(b, uint16(v.i))
		case ndarray.Uint16:
			order.PutUint16(b, uint16(v.u))
		case ndarray.Int32:
			order.PutUint32(b, uint32(v.i))
		case ndarray.Uint32:
			order.PutUint32(b, uint32(v.u))
		case ndarray.Int64:
			order.PutUint64(b, uint64(v.i))
		case ndarray.Uint64:
			order.PutUint64(b, v.u)
		case ndarray.Float32:
			order.PutUint32(b, math.Float32bits(float32(v.f)))
		case ndarray.Float64:
			order.PutUint64(b, math.Float64bits(v.f))
		}
	}
	return raw
}

// decValue returns a random stored value of st: floats are 3% NaN, else
// small integers or normal values; integers are small or spread over a
// range whose sums stay far inside int64 (the whole range for 8- and
// 16-bit types, ±1e6 for 32-bit and ±1e12 for 64-bit).
func decValue(rng *rand.Rand, st ndarray.DType) redNum {
	small := rng.IntN(2) == 0
	switch {
	case st.IsFloat():
		if rng.IntN(33) == 0 {
			return redF(math.NaN())
		}
		v := float64(rng.IntN(101) - 50)
		if !small {
			v = rng.NormFloat64() * 100
		}
		if st == ndarray.Float32 {
			v = float64(float32(v))
		}
		return redF(v)
	case st.IsSigned():
		if small {
			return redI(int64(rng.IntN(101) - 50))
		}
		r := map[int]int64{1: 1 << 8, 2: 1 << 16, 4: 2e6, 8: 2e12}[st.Size()]
		return redI(rng.Int64N(r) - r/2)
	}
	if small {
		return redNum{kind: 'u', u: uint64(rng.IntN(101))}
	}
	r := map[int]uint64{1: 1 << 8, 2: 1 << 16, 4: 2e6, 8: 2e12}[st.Size()]
	return redNum{kind: 'u', u: rng.Uint64N(r)}
}

// decValues returns n random stored values of st, about a tenth of them
// replaced by one of fills (those st can hold).
func decValues(rng *rand.Rand, st ndarray.DType, n int, fills []float64) []redNum {
	var ok []float64
	for _, f := range fills {
		if decRepresents(st, f) {
			ok = append(ok, f)
		}
	}
	vals := make([]redNum, n)
	for i := range vals {
		if len(ok) > 0 && rng.IntN(10) == 0 {
			vals[i] = decOf(st, ok[rng.IntN(len(ok))])
			continue
		}
		vals[i] = decValue(rng, st)
	}
	return vals
}

// decFills returns two typical fill values of st: for integers the
// netCDF default fill (the type's minimum or maximum) and -1 or 0, for
// floats -9999 and the netCDF default fill.
func decFills(st ndarray.DType) (a, b float64) {
	switch {
	case st == ndarray.Float32:
		return -9999, float64(float32(9.96921e36))
	case st == ndarray.Float64:
		return -9999, 9.969209968386869e36
	case st.IsSigned():
		return -math.Ldexp(1, int(redBits(st))-1), -1
	case st == ndarray.Uint64:
		return math.Ldexp(1, 64) - 2048, 0 // the largest float64 below 2^64
	}
	return math.Ldexp(1, int(redBits(st))) - 1, 0
}

type decCase struct {
	name string
	c    ndarray.Codec
}

// decCodecs returns codecs for st covering no packing, scale and offset
// (also negative, and to Float32), _FillValue and missing_value, and fill
// values st cannot hold.
func decCodecs(st ndarray.DType) []decCase {
	fa, fb := decFills(st)
	cs := []decCase{
		{"plain", ndarray.Codec{}},
		{"scale and offset", ndarray.Codec{Scale: 0.01, Offset: 270}},
		{"scale and offset to float32", ndarray.Codec{Scale: 0.01, Offset: 270, Decoded: ndarray.Float32}},
		{"negative scale", ndarray.Codec{Scale: -2.5, Offset: 1000}},
		{"_FillValue", ndarray.Codec{Missing: []float64{fa}}},
		{"_FillValue and missing_value", ndarray.Codec{Scale: 0.5, Offset: -3, Missing: []float64{fa, fb}}},
		{"both, to float32", ndarray.Codec{Scale: 3, Missing: []float64{fb, fa}, Decoded: ndarray.Float32}},
		{"fill values the type cannot hold", ndarray.Codec{Missing: []float64{0.25, 1e30}}},
		{"fill value equal to missing_value", ndarray.Codec{Scale: 2, Offset: 1, Missing: []float64{fb, fb}}},
	}
	if st == ndarray.Float32 {
		cs = append(cs, decCase{"float32 to float64", ndarray.Codec{Scale: 0.1, Missing: []float64{fa}, Decoded: ndarray.Float64}})
	}
	if st.IsInteger() {
		cs = append(cs, decCase{"decoded as stored", ndarray.Codec{Decoded: st}})
	}
	for i := range cs {
		cs[i].c.Stored = st
	}
	return cs
}

// decSame reports whether two decoded values are identical: the same
// bits, or both NaN.
func decSame(got, want redNum) bool {
	if want.kind != 'f' {
		return got == want
	}
	if math.IsNaN(want.f) {
		return got.kind == 'f' && math.IsNaN(got.f)
	}
	return got.kind == 'f' && math.Float64bits(got.f) == math.Float64bits(want.f)
}

// decCheck compares decoded values with the reference bit for bit.
func decCheck(t *testing.T, what string, got *ndarray.Array, err error, dt ndarray.DType, shape []int, want []redNum) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: %v", what, err)
		return
	}
	if got.DType() != dt || !slices.Equal(got.Shape(), shape) {
		t.Errorf("%s = %s%v, want %s%v", what, got.DType(), got.Shape(), dt, shape)
		return
	}
	if !got.IsContiguous() {
		t.Errorf("%s is not contiguous", what)
	}
	g := redRead(got)
	for i := range want {
		if !decSame(g[i], want[i]) {
			t.Errorf("%s: element %d = %v, want %v", what, i, g[i], want[i])
			return
		}
	}
}

// TestCodecDecode decodes every stored type under every codec, as arrays
// (contiguous and as random views) and as raw bytes in both byte orders,
// in sizes from 0-d to more than the lookup table's 65,536 values and
// DecodeBytes' 16,384-value slabs.
func TestCodecDecode(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	shapes := [][]int{{}, {0}, {7}, {3, 5, 7}, {2, 33001}}
	if testing.Short() {
		shapes[4] = []int{2, 8193} // two slabs, but no lookup table
	}
	for _, st := range decStored {
		for _, tc := range decCodecs(st) {
			t.Run(st.String()+"/"+tc.name, func(t *testing.T) {
				c := decFilled(tc.c)
				for _, shape := range shapes {
					vals := decValues(rng, st, redSize(shape), c.Missing)
					want := decRef(c, vals)
					stored := redArray(st, vals, shape)

					got, err := tc.c.Decode(stored)
					decCheck(t, fmt.Sprintf("Decode(%s%v)", st, shape), got, err, c.Decoded, shape, want)

					view, desc := partRelayout(rng, stored)
					got, err = tc.c.Decode(view)
					decCheck(t, fmt.Sprintf("Decode(%s%v [%s])", st, shape, desc), got, err, c.Decoded, shape, want)

					for _, order := range decOrders {
						bc := tc.c
						bc.Order = order
						got, err := bc.DecodeBytes(decBytes(st, order, vals), shape...)
						decCheck(t, fmt.Sprintf("DecodeBytes(%s%v, %v)", st, shape, order), got, err, c.Decoded, shape, want)
					}
				}
				// Without a shape, DecodeBytes is one-dimensional, as
				// FromBytes is.
				vals := decValues(rng, st, 5, c.Missing)
				bc := tc.c
				bc.Order = binary.BigEndian
				got, err := bc.DecodeBytes(decBytes(st, binary.BigEndian, vals))
				decCheck(t, fmt.Sprintf("DecodeBytes(%s, no shape)", st), got, err, c.Decoded, []int{5}, decRef(c, vals))
			})
		}
	}
}

// TestCodecDecodeNative checks DecodeBytes with binary.NativeEndian,
// which is neither LittleEndian nor BigEndian as a value.
func TestCodecDecodeNative(t *testing.T) {
	c := ndarray.Codec{Stored: ndarray.Int32, Order: binary.NativeEndian, Scale: 2}
	raw := binary.NativeEndian.AppendUint32(nil, 7)
	raw = binary.NativeEndian.AppendUint32(raw, uint32(0xFFFFFFFF)) // -1
	got, err := c.DecodeBytes(raw, 2)
	if err != nil || !slices.Equal(ndarray.Float64s(got), []float64{14, -2}) {
		t.Errorf("DecodeBytes(7, -1 native) = %v, %v; want [14 -2]", got, err)
	}
}

// TestCodecMissingValues checks that missing values are compared in
// stored units, before scaling.
func TestCodecMissingValues(t *testing.T) {
	nan := math.NaN()
	pk := func(s float64) float64 { return float64(s*0.01) + 270 } // at run time, rounded as Decode rounds
	f32, _ := ndarray.FromSlice([]float32{float32(1e20), 1, float32(math.NaN()), -9999})
	i16, _ := ndarray.FromSlice([]int16{-32767, 0, 1, 100})
	tests := []struct {
		name   string
		c      ndarray.Codec
		stored *ndarray.Array
		want   []float64
	}{
		{"fill in stored units", ndarray.Codec{Stored: ndarray.Int16, Scale: 0.01, Offset: 270, Missing: []float64{-32767}}, i16, []float64{nan, pk(0), pk(1), pk(100)}},
		{"a decoded value equal to the fill is not missing", ndarray.Codec{Stored: ndarray.Int16, Scale: 0.01, Offset: 270, Missing: []float64{271}}, i16, []float64{pk(-32767), pk(0), pk(1), pk(100)}},
		{"missing_value too", ndarray.Codec{Stored: ndarray.Int16, Missing: []float64{-32767, 100}}, i16, []float64{nan, 0, 1, nan}},
		{"a fractional fill never matches an integer", ndarray.Codec{Stored: ndarray.Int16, Missing: []float64{0.5}}, i16, []float64{-32767, 0, 1, 100}},
		{"NaN is always missing in floats", ndarray.Codec{Stored: ndarray.Float32, Decoded: ndarray.Float64}, f32, []float64{float64(float32(1e20)), 1, nan, -9999}},
		{"a float32 fill must be the float32 value", ndarray.Codec{Stored: ndarray.Float32, Decoded: ndarray.Float64, Missing: []float64{1e20, -9999}}, f32, []float64{float64(float32(1e20)), 1, nan, nan}},
		{"the float32 value of 1e20 matches", ndarray.Codec{Stored: ndarray.Float32, Decoded: ndarray.Float64, Missing: []float64{float64(float32(1e20))}}, f32, []float64{nan, 1, nan, -9999}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.c.Decode(tc.stored)
			if err != nil {
				t.Fatal(err)
			}
			g := ndarray.Float64s(got)
			for i := range g {
				if !redClose(redF(g[i]), redF(tc.want[i]), 0) {
					t.Errorf("Decode(%v) = %v, want %v", tc.stored, g, tc.want)
					break
				}
			}
			// The partial reduction sees the same missing values.
			p, _ := tc.c.NewPartial(ndarray.Count, tc.stored.Shape(), nil, ndarray.ReduceOptions{})
			if err := p.Accumulate(tc.stored); err != nil {
				t.Fatal(err)
			}
			n, _ := p.Result()
			want := 0
			for _, v := range tc.want {
				if !math.IsNaN(v) {
					want++
				}
			}
			if n.At() != float64(want) {
				t.Errorf("count = %v, want %d", n.At(), want)
			}
		})
	}
}

// TestCodecThreeMissingValues: CF allows missing_value to be a vector,
// but the kernels compare with two values (a _FillValue and a
// missing_value); a Codec with more is refused, by Decode and by
// NewPartial alike, rather than applied inconsistently.
func TestCodecThreeMissingValues(t *testing.T) {
	c := ndarray.Codec{Stored: ndarray.Int16, Missing: []float64{1, 2, 3}}
	x, _ := ndarray.FromSlice([]int16{1, 2, 3, 4})
	if _, err := c.Decode(x); !errors.Is(err, ndarray.ErrCodec) || !strings.Contains(err.Error(), "[1 2 3]") {
		t.Errorf("Decode with three missing values: %v", err)
	}
	if _, err := c.NewPartial(ndarray.Count, []int{4}, nil, ndarray.ReduceOptions{}); !errors.Is(err, ndarray.ErrCodec) {
		t.Errorf("NewPartial with three missing values: %v", err)
	}
	// Repeats count once.
	c.Missing = []float64{1, 1, 2}
	if _, err := c.Decode(x); err != nil {
		t.Errorf("Decode with missing values %v: %v", c.Missing, err)
	}
}

// TestCodecPacked is the project's example: int16 stored big-endian with
// scale_factor 0.01 and add_offset 270; raw 0 and 1 decode to 270 and
// 270.01, and their mean is 270.005, whether decoded first or reduced
// from the raw bytes.
func TestCodecPacked(t *testing.T) {
	raw := []byte{0x00, 0x00, 0x00, 0x01}
	one, scale, offset := 1.0, 0.01, 270.0 // variables: arithmetic at run time, as Decode's
	for _, dec := range []ndarray.DType{ndarray.Float64, ndarray.Float32} {
		c := ndarray.Codec{Stored: ndarray.Int16, Order: binary.BigEndian, Scale: scale, Offset: offset,
			Missing: []float64{-32767}, Decoded: dec}
		// 270.005 is not a binary fraction: the results are within one
		// rounding in the decoded type (half an ulp for the decode, one
		// for the mean of two decoded values).
		eps := map[ndarray.DType]float64{ndarray.Float64: 0x1p-52, ndarray.Float32: 0x1p-23}[dec]
		d, err := c.DecodeBytes(raw, 2)
		if err != nil {
			t.Fatal(err)
		}
		want := []float64{270, one*scale + offset}
		if dec == ndarray.Float32 {
			want[1] = float64(float32(one)*float32(scale) + float32(offset))
		}
		if got := ndarray.Float64s(d); d.DType() != dec || !slices.Equal(got, want) {
			t.Errorf("%s: DecodeBytes(0, 1) = %v, want %v", dec, d, want)
		}
		m, err := ndarray.MeanOf(d)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.At(); m.DType() != dec || math.Abs(got-270.005) > 270.005*eps {
			t.Errorf("%s: mean of decoded = %v (%s), want 270.005", dec, got, m.DType())
		}
		p, err := c.NewPartial(ndarray.Mean, []int{2}, nil, ndarray.ReduceOptions{SkipNaN: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.AccumulateBytes(raw, []int{2}); err != nil {
			t.Fatal(err)
		}
		r, err := p.Result()
		if err != nil {
			t.Fatal(err)
		}
		// The raw mean 0.5 is exact; 0.5·0.01 + 270 rounds once.
		if got := r.At(); r.DType() != dec || math.Abs(got-270.005) > 270.005*eps {
			t.Errorf("%s: partial mean from bytes = %v (%s), want 270.005", dec, got, r.DType())
		}
	}
}

// decOps are the reductions a Codec's partial supports.
var decOps = []redOp{
	{ndarray.Sum, 0}, {ndarray.Mean, 0}, {ndarray.Min, 0}, {ndarray.Max, 0}, {ndarray.Count, 0},
	{ndarray.Var, 0}, {ndarray.Var, 1}, {ndarray.Std, 0}, {ndarray.Std, 1},
	{ndarray.ArgMin, 0}, {ndarray.ArgMax, 0},
}

// decTols returns per result cell the tolerances of op over the stored
// values vals under c, against decoding every value and reducing the
// decoded array: t64 for Decoded Float64, and t32 to add for Decoded
// Float32. For Std both are in units of the variance (see decStdTol).
//
// With m = |s·Scale| + |Offset| for each valid stored value s: a value
// decoded in float64 is off by at most eps·m, and a float64 sum adds
// (n-1)·eps of the same scale (Higham §4.2), so redTol (1e-12) of Σm
// bounds sums, Σm/n means and Σm²/(n-ddof) variances (a perturbation δ
// moves M2 by 2·Σ|x-mean|·δ). Extrema are one value decoded the same way
// in both, up to the last bit where the compiler fuses x·Scale + Offset
// (arm64): 4 eps of m. A value decoded in float32 is off by up to four
// roundings (the stored value, Scale, the product, the sum), 2^-22·m, so
// 2^-21 bounds sums, means and extrema and 2^-20·Σm·max(m)/(n-ddof)
// variances.
func decTols(op redOp, c ndarray.Codec, shape []int, vals []redNum, axes []int) (t64, t32 []float64) {
	cells, _, _ := redGroup(shape, vals, axes)
	t64, t32 = make([]float64, len(cells)), make([]float64, len(cells))
	for i, cell := range cells {
		var a, a2, hi float64
		n := 0
		for _, x := range cell {
			if decIsMissing(x, c.Missing) {
				continue
			}
			m := math.Abs(x.float()*c.Scale) + math.Abs(c.Offset)
			a += m
			a2 += m * m
			hi = max(hi, m)
			n++
		}
		switch op.op {
		case ndarray.Sum:
			t64[i], t32[i] = redTol*a, 0x1p-21*a
		case ndarray.Mean:
			t64[i], t32[i] = redTol*a/float64(max(n, 1)), 0x1p-21*a/float64(max(n, 1))
		case ndarray.Min, ndarray.Max:
			t64[i], t32[i] = 4*0x1p-52*hi, 0x1p-21*hi
		case ndarray.Var, ndarray.Std:
			d := float64(max(n-op.ddof, 1))
			t64[i], t32[i] = redTol*a2/d, 0x1p-20*a*hi/d
		}
	}
	return t64, t32
}

// decStdTol converts a tolerance tv of a variance into one of the
// standard deviation w: |√a - √b| ≤ 2|a-b|/(√b + √|a-b|).
func decStdTol(tv, w float64) float64 {
	if tv == 0 || math.IsNaN(w) {
		return tv
	}
	return 2 * tv / (math.Abs(w) + math.Sqrt(tv))
}

// decExact reports whether op over stored type st gives the same bits
// however the values are split or ordered: all but floating sums and
// moments (and means of 64-bit integers, summed in float64).
func decExact(op ndarray.Op, st ndarray.DType) bool {
	switch op {
	case ndarray.Var, ndarray.Std:
		return false
	case ndarray.Sum:
		return st.IsInteger()
	case ndarray.Mean:
		return st.IsInteger() && st.Size() < 8
	}
	return true
}

// TestCodecPartial checks that Codec.NewPartial, which reduces raw
// stored values exactly and applies scale and offset once, agrees with
// decoding every value and reducing the decoded array: within float64
// rounding for Decoded Float64, and, for Decoded Float32, bit for bit
// with the Float64 result rounded to float32 and within float32 rounding
// of reducing the float32-decoded values. A negative Scale swaps min and
// max (and argmin and argmax).
func TestCodecPartial(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	failures := 0
	for _, st := range decStored {
		fa, fb := decFills(st)
		for _, c := range []ndarray.Codec{
			{Scale: 0.01, Offset: 270, Missing: []float64{fa}},
			{Scale: -2.5, Offset: 1000, Missing: []float64{fa, fb}},
			{Scale: 3},
			{Offset: -40, Missing: []float64{fb}},
		} {
			c.Stored = st
			for range 6 {
				nd := 1 + rng.IntN(3)
				shape := redShape(rng, nd, []int{0, 30, 8, 5}[nd])
				subsets := redSubsets(rng, nd)
				axes := subsets[rng.IntN(len(subsets))]
				vals := decValues(rng, st, redSize(shape), c.Missing)
				stored, _ := partRelayout(rng, redArray(st, vals, shape))
				c64, c32 := c, c
				c64.Decoded, c32.Decoded = ndarray.Float64, ndarray.Float32
				dec64, err := c64.Decode(stored)
				if err != nil {
					t.Fatal(err)
				}
				dec32, _ := c32.Decode(stored)
				for _, op := range decOps {
					o := ndarray.ReduceOptions{SkipNaN: rng.IntN(4) != 0, DDOF: op.ddof, MinCount: []int{0, 0, 2}[rng.IntN(3)], KeepDims: rng.IntN(2) == 0}
					what := fmt.Sprintf("%v of %s%v, codec %+v, %+v, axes %v", op.op, st, shape, c, o, axes)
					res := func(c ndarray.Codec) (*ndarray.Array, error) {
						p, err := c.NewPartial(op.op, shape, axes, o)
						if err != nil {
							t.Fatalf("%s: NewPartial: %v", what, err)
						}
						if err := p.Accumulate(stored); err != nil {
							t.Fatalf("%s: Accumulate: %v", what, err)
						}
						return p.Result()
					}
					got64, err64 := res(c64)
					got32, err32 := res(c32)
					want64, werr64 := ndarray.Reduce(op.op, dec64, o, axes...)
					want32, werr32 := ndarray.Reduce(op.op, dec32, o, axes...)
					if werr64 != nil || err64 != nil || err32 != nil || werr32 != nil {
						if !errors.Is(werr64, ndarray.ErrEmpty) || !errors.Is(err64, ndarray.ErrEmpty) ||
							!errors.Is(err32, ndarray.ErrEmpty) || !errors.Is(werr32, ndarray.ErrEmpty) {
							t.Errorf("%s: errors %v, %v (partials) and %v, %v (decoded)", what, err64, err32, werr64, werr32)
							failures++
						}
						continue
					}
					if got64.DType() != want64.DType() || got32.DType() != want32.DType() || !slices.Equal(got64.Shape(), want64.Shape()) {
						t.Errorf("%s: partials give %s%v and %s, decoded %s%v and %s", what,
							got64.DType(), got64.Shape(), got32.DType(), want64.DType(), want64.Shape(), want32.DType())
						failures++
						continue
					}
					t64, t32 := decTols(op, decFilled(c64), shape, redRead(stored), axes)
					g64, w64, g32, w32 := redRead(got64), redRead(want64), redRead(got32), redRead(want32)
					for i := range g64 {
						// Decoded Float32 finalises in float64 and rounds once.
						f32 := g64[i]
						if f32.kind == 'f' {
							f32.f = float64(float32(f32.f))
						}
						tol64, tol32 := t64[i], t64[i]+t32[i]
						if op.op == ndarray.Std {
							tol64, tol32 = decStdTol(tol64, w64[i].f), decStdTol(tol32, w32[i].f)
						}
						if w32[i].kind == 'f' {
							tol32 += 0x1p-23 * math.Abs(w32[i].f)
						}
						switch {
						case !redClose(g64[i], w64[i], tol64):
							t.Errorf("%s: cell %d: partial %v, decoded then reduced %v (tolerance %g)", what, i, g64[i], w64[i], tol64)
						case !decSame(g32[i], f32):
							t.Errorf("%s: cell %d: Float32 partial %v, want the Float64 one rounded, %v", what, i, g32[i], f32)
						case op.op != ndarray.ArgMin && op.op != ndarray.ArgMax && !redClose(g32[i], w32[i], tol32):
							// (float32 decoding may make distinct stored
							// values tie, so arg positions are compared
							// in float64 only)
							t.Errorf("%s: cell %d: Float32 partial %v, float32-decoded then reduced %v (tolerance %g)", what, i, g32[i], w32[i], tol32)
						default:
							continue
						}
						failures++
						break
					}
					if failures > 10 {
						t.Fatal("too many failures")
					}
				}
			}
		}
	}
}

// TestCodecIdentityPartial checks a Codec that decodes integers as
// themselves (no scale, nothing missing): its partials give what
// NewPartial over the stored type gives.
func TestCodecIdentityPartial(t *testing.T) {
	x, _ := ndarray.FromSlice([]int16{3, -7, 12, 5}, 2, 2)
	c := ndarray.Codec{Stored: ndarray.Int16, Decoded: ndarray.Int16}
	for _, op := range decOps {
		o := ndarray.ReduceOptions{DDOF: op.ddof}
		p, err := c.NewPartial(op.op, []int{2, 2}, []int{1}, o)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Accumulate(x); err != nil {
			t.Fatal(err)
		}
		got, err := p.Result()
		want := redReduce(op.op, o, ndarray.Int16, []int{2, 2}, redRead(x), []int{1})
		redCheck(t, fmt.Sprintf("%v with codec %+v", op.op, c), got, err, want)
	}
}

// TestAccumulateBytes checks that AccumulateBytes on raw bytes equals
// Accumulate on FromBytes of the same bytes, for blocks larger than the
// 16,384-value slab and with odd shapes, placed anywhere in a larger
// region, in both byte orders and from unaligned buffers. Integer
// reductions must agree exactly; floating sums and moments are merged
// slab by slab and agree within redTol.
func TestAccumulateBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	// Slabs of several rows ({3, 7001}, {2, 17, 1031}), of one row
	// ({3, 10000}), and of part of a row ({40000}, {2, 20000}).
	shapes := [][]int{{40000}, {3, 7001}, {3, 10000}, {2, 20000}, {2, 17, 1031}, {16385, 1}, {3, 5, 7}, {1, 13, 1}, {0, 4}}
	if testing.Short() {
		shapes = [][]int{{16385, 1}, {2, 9000}, {3, 5, 7}, {1, 13, 1}, {0, 4}}
	}
	failures := 0
	run := func(st ndarray.DType, c ndarray.Codec, op redOp, shape, axes []int, order binary.ByteOrder, o ndarray.ReduceOptions) {
		region := slices.Clone(shape)
		origin := make([]int, len(shape))
		for i := range region {
			region[i] += rng.IntN(3)
			origin[i] = rng.IntN(region[i] - shape[i] + 1)
		}
		c.Order = order
		what := fmt.Sprintf("%v of %s%v at %v in %v, %v, codec %+v, %+v, axes %v", op.op, st, shape, origin, region, order, c, o, axes)
		vals := decValues(rng, st, redSize(shape), c.Missing)
		raw := decBytes(st, order, vals)
		unaligned := make([]byte, len(raw)+1)
		copy(unaligned[1:], raw)

		p, err := c.NewPartial(op.op, region, axes, o)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		q, _ := c.NewPartial(op.op, region, axes, o)
		if err := p.AccumulateBytes(unaligned[1:], shape, origin...); err != nil {
			t.Fatalf("%s: AccumulateBytes: %v", what, err)
		}
		x, err := ndarray.FromBytes(st, order, raw, shape...)
		if err != nil {
			t.Fatalf("%s: FromBytes: %v", what, err)
		}
		if err := q.Accumulate(x, origin...); err != nil {
			t.Fatalf("%s: Accumulate: %v", what, err)
		}
		got, gerr := p.Result()
		want, werr := q.Result()
		if gerr != nil || werr != nil {
			if !errors.Is(gerr, ndarray.ErrEmpty) || !errors.Is(werr, ndarray.ErrEmpty) {
				t.Errorf("%s: errors %v from bytes, %v from the array", what, gerr, werr)
				failures++
			}
			return
		}
		if got.DType() != want.DType() || !slices.Equal(got.Shape(), want.Shape()) {
			t.Errorf("%s: from bytes %s%v, from the array %s%v", what, got.DType(), got.Shape(), want.DType(), want.Shape())
			failures++
			return
		}
		g, w := redRead(got), redRead(want)
		tols := make([]float64, len(g))
		if !decExact(op.op, st) {
			// Padding cells hold nothing; place the block's values in
			// the region for the tolerances.
			full := make([]redNum, redSize(region))
			for i := range full {
				full[i] = decOf(st, 0)
			}
			k := 0
			str := make([]int, len(region))
			for i, n := len(region)-1, 1; i >= 0; i-- {
				str[i], n = n, n*region[i]
			}
			redEach(shape, func(idx []int) {
				p := 0
				for i, v := range idx {
					p += (v + origin[i]) * str[i]
				}
				full[p] = vals[k]
				k++
			})
			t64, _ := decTols(op, decFilled(c), region, full, axes)
			for i := range tols {
				tols[i] = 2 * t64[i] // both within t64 of the exact value
				if op.op == ndarray.Std {
					tols[i] = decStdTol(tols[i], w[i].f)
				}
				if got.DType() == ndarray.Float32 {
					tols[i] += redF32Tol * math.Abs(w[i].f)
				}
			}
		}
		for i := range g {
			if !redClose(g[i], w[i], tols[i]) {
				t.Errorf("%s: cell %d: from bytes %v, from the array %v (tolerance %g)", what, i, g[i], w[i], tols[i])
				failures++
				break
			}
		}
		if failures > 10 {
			t.Fatal("too many failures")
		}
	}
	for _, st := range decStored {
		fa, fb := decFills(st)
		codecs := []ndarray.Codec{
			{Stored: st, Scale: 0.01, Offset: 270, Missing: []float64{fa}, Decoded: ndarray.Float32},
			{Stored: st, Scale: -0.5, Missing: []float64{fa, fb}},
			{Stored: st},
		}
		for _, shape := range shapes {
			subsets := redSubsets(rng, len(shape))
			for _, order := range decOrders {
				for range 2 {
					op := decOps[rng.IntN(len(decOps))]
					o := ndarray.ReduceOptions{SkipNaN: rng.IntN(2) == 0, DDOF: op.ddof, MinCount: rng.IntN(2)}
					run(st, codecs[rng.IntN(len(codecs))], op, shape, subsets[rng.IntN(len(subsets))], order, o)
				}
			}
		}
	}
	// The fused path for packed int16 sums and means: every shape, every
	// subset of axes, both orders, with no, one and two fill values.
	for _, op := range []redOp{{ndarray.Sum, 0}, {ndarray.Mean, 0}} {
		for _, shape := range shapes {
			for _, axes := range redSubsets(rng, len(shape)) {
				for _, order := range decOrders {
					for _, missing := range [][]float64{nil, {-32767}, {-32767, 7}} {
						c := ndarray.Codec{Stored: ndarray.Int16, Scale: 0.01, Offset: 270, Missing: missing}
						run(ndarray.Int16, c, op, shape, axes, order, ndarray.ReduceOptions{SkipNaN: rng.IntN(2) == 0})
					}
				}
			}
		}
	}
}

// TestCodecPartialSplit is the property test for codecs: a region split
// into blocks handed over as raw bytes (AccumulateBytes), into several
// Partials in random order, combined in random order, equals one
// Accumulate of the whole stored array.
func TestCodecPartialSplit(t *testing.T) {
	rng := rand.New(rand.NewPCG(27, 28))
	cases := 200
	if testing.Short() {
		cases = 50
	}
	for k := range cases {
		st := decStored[rng.IntN(len(decStored))]
		fa, fb := decFills(st)
		c := ndarray.Codec{Stored: st, Order: decOrders[rng.IntN(2)], Scale: []float64{0.01, -3, 1}[rng.IntN(3)],
			Offset: []float64{0, 270}[rng.IntN(2)], Missing: [][]float64{nil, {fa}, {fb, fa}}[rng.IntN(3)]}
		nd := 1 + rng.IntN(3)
		shape := make([]int, nd)
		for i := range shape {
			shape[i] = 1 + rng.IntN([]int{0, 3000, 60, 15}[nd])
		}
		subsets := redSubsets(rng, nd)
		axes := subsets[rng.IntN(len(subsets))]
		op := decOps[rng.IntN(len(decOps))]
		o := ndarray.ReduceOptions{SkipNaN: rng.IntN(2) == 0, DDOF: op.ddof, MinCount: rng.IntN(3)}
		what := fmt.Sprintf("case %d: %v of %s%v, codec %+v, %+v, axes %v", k, op.op, st, shape, c, o, axes)
		vals := decValues(rng, st, redSize(shape), c.Missing)
		whole := redArray(st, vals, shape)

		ref, _ := c.NewPartial(op.op, shape, axes, o)
		if err := ref.Accumulate(whole); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		want, werr := ref.Result()

		parts := make([]*ndarray.Partial, 1+rng.IntN(3))
		for i := range parts {
			parts[i], _ = c.NewPartial(op.op, shape, axes, o)
		}
		blocks := partSplit(rng, shape)
		for _, bi := range rng.Perm(len(blocks)) {
			b := blocks[bi]
			x, _ := whole.Slice(b.ranges...)
			raw := decBytes(st, c.Order, redRead(x))
			if err := parts[rng.IntN(len(parts))].AccumulateBytes(raw, x.Shape(), b.origin...); err != nil {
				t.Fatalf("%s: AccumulateBytes(%v at %v): %v", what, x.Shape(), b.origin, err)
			}
		}
		for len(parts) > 1 {
			if err := parts[0].Combine(parts[len(parts)-1]); err != nil {
				t.Fatal(err)
			}
			parts = parts[:len(parts)-1]
		}
		got, gerr := parts[0].Result()
		if werr != nil || gerr != nil {
			if !errors.Is(werr, ndarray.ErrEmpty) || !errors.Is(gerr, ndarray.ErrEmpty) {
				t.Errorf("%s: split error %v, whole %v", what, gerr, werr)
			}
			continue
		}
		t64, _ := decTols(op, decFilled(c), shape, vals, axes)
		g, w := redRead(got), redRead(want)
		if len(g) != len(w) {
			t.Fatalf("%s: %d cells, want %d", what, len(g), len(w))
		}
		for i := range g {
			tol := 0.0
			if !decExact(op.op, st) {
				tol = 2 * t64[i] // both within t64 of the exact value
				if op.op == ndarray.Std {
					tol = decStdTol(tol, w[i].f)
				}
				if got.DType() == ndarray.Float32 {
					tol += redF32Tol * math.Abs(w[i].f)
				}
			}
			if !redClose(g[i], w[i], tol) {
				t.Errorf("%s: cell %d: split %v, whole %v (tolerance %g)", what, i, g[i], w[i], tol)
				break
			}
		}
	}
}

// TestFromBytes checks FromBytes for every dtype in both byte orders.
func TestFromBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(29, 30))
	for _, dt := range redDTypes {
		for _, order := range decOrders {
			for _, shape := range [][]int{{}, {0}, {5}, {3, 1, 4}} {
				vals := redValues(rng, dt, redSize(shape), 0.2)
				got, err := ndarray.FromBytes(dt, order, decBytes(dt, order, vals), shape...)
				decCheck(t, fmt.Sprintf("FromBytes(%s, %v, %v)", dt, order, shape), got, err, dt, shape, vals)
			}
			vals := redValues(rng, dt, 6, 0)
			got, err := ndarray.FromBytes(dt, order, decBytes(dt, order, vals))
			decCheck(t, fmt.Sprintf("FromBytes(%s, %v) without a shape", dt, order), got, err, dt, []int{6}, vals)
		}
	}
}

// TestEncode checks packing: (v - Offset)/Scale, rounded half away from
// zero, NaN stored as the first missing value, and values out of range an
// error or, with clip, the nearest representable value.
func TestEncode(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name    string
		c       ndarray.Codec
		in      []float64
		clip    bool
		want    []float64 // stored values, exact
		err     error
		mention []string
	}{
		{"half away from zero", ndarray.Codec{Stored: ndarray.Int16, Scale: 0.5},
			[]float64{1.25, -1.25, 0.25, -0.25, 0.75, 1, 0.2, -0.2}, false, []float64{3, -3, 1, -1, 2, 2, 0, 0}, nil, nil},
		{"offset", ndarray.Codec{Stored: ndarray.Int16, Scale: 0.5, Offset: 270},
			[]float64{270, 271, 269.75, 270.25}, false, []float64{0, 2, -1, 1}, nil, nil},
		{"negative scale", ndarray.Codec{Stored: ndarray.Int8, Scale: -2},
			[]float64{4, -5, 3}, false, []float64{-2, 3, -2}, nil, nil},
		{"no scale", ndarray.Codec{Stored: ndarray.Int32},
			[]float64{-2.5, 2.5, 1e9}, false, []float64{-3, 3, 1e9}, nil, nil},
		{"NaN to the fill value", ndarray.Codec{Stored: ndarray.Int16, Scale: 0.01, Missing: []float64{-32767, 7}},
			[]float64{nan, 0.5}, false, []float64{-32767, 50}, nil, nil},
		{"NaN to the float fill value", ndarray.Codec{Stored: ndarray.Float32, Missing: []float64{-9999}},
			[]float64{nan, 0.5}, false, []float64{-9999, 0.5}, nil, nil},
		{"NaN to the first fill value the type holds", ndarray.Codec{Stored: ndarray.Int16, Missing: []float64{0.5, 1e30, -32767, 7}},
			[]float64{nan, 1}, false, []float64{-32767, 1}, nil, nil},
		{"NaN to a float32 fill value", ndarray.Codec{Stored: ndarray.Float32, Missing: []float64{1e20, -9999}},
			[]float64{nan}, false, []float64{-9999}, nil, nil},
		{"NaN as NaN", ndarray.Codec{Stored: ndarray.Float32, Missing: []float64{nan}},
			[]float64{nan, 2}, false, []float64{nan, 2}, nil, nil},
		{"NaN with no fill value the type holds", ndarray.Codec{Stored: ndarray.Int8, Missing: []float64{1e30, 0.5, nan}},
			[]float64{nan}, true, nil, ndarray.ErrRange, []string{"NaN", "int8"}},
		{"NaN without a fill value", ndarray.Codec{Stored: ndarray.Int16},
			[]float64{1, nan}, false, nil, ndarray.ErrRange, []string{"NaN", "element 1", "int16"}},
		{"NaN without a fill value, even clipped", ndarray.Codec{Stored: ndarray.Float64},
			[]float64{nan}, true, nil, ndarray.ErrRange, []string{"NaN"}},
		{"rounds out of range", ndarray.Codec{Stored: ndarray.Int8},
			[]float64{127.4, 127.5}, false, nil, ndarray.ErrRange, []string{"127.5", "element 1", "int8"}},
		{"below range", ndarray.Codec{Stored: ndarray.Int8, Scale: 0.5, Offset: 10},
			[]float64{-54.25}, false, nil, ndarray.ErrRange, []string{"-54.25", "[-54, 73.5]"}},
		{"clipped", ndarray.Codec{Stored: ndarray.Int8},
			[]float64{127.4, 127.5, -128.4, -128.5, 1e300, math.Inf(-1)}, true, []float64{127, 127, -128, -128, 127, -128}, nil, nil},
		{"unsigned rounds -0.4 to 0", ndarray.Codec{Stored: ndarray.Uint8},
			[]float64{-0.4, 255.4}, false, []float64{0, 255}, nil, nil},
		{"unsigned below 0", ndarray.Codec{Stored: ndarray.Uint8},
			[]float64{-0.5}, false, nil, ndarray.ErrRange, []string{"-0.5", "uint8"}},
		{"uint64 clipped below 2^64", ndarray.Codec{Stored: ndarray.Uint64},
			[]float64{1e30, 0x1p64, -1}, true, []float64{0x1p64 - 2048, 0x1p64 - 2048, 0}, nil, nil},
		{"uint64 2^64 is out of range", ndarray.Codec{Stored: ndarray.Uint64},
			[]float64{0x1p64}, false, nil, ndarray.ErrRange, nil},
		{"int64 2^63 is out of range", ndarray.Codec{Stored: ndarray.Int64},
			[]float64{0x1p63}, false, nil, ndarray.ErrRange, nil},
		{"int64 clipped", ndarray.Codec{Stored: ndarray.Int64},
			[]float64{0x1p63, -0x1p63, -1e300}, true, []float64{0x1p63 - 1024, -0x1p63, -0x1p63}, nil, nil},
		{"float32 overflow", ndarray.Codec{Stored: ndarray.Float32},
			[]float64{1e39}, false, nil, ndarray.ErrRange, []string{"1e+39", "float32"}},
		{"float32 clipped", ndarray.Codec{Stored: ndarray.Float32, Scale: 2},
			[]float64{1e39, -1e39, math.Inf(1), 3}, true, []float64{math.MaxFloat32, -math.MaxFloat32, math.Inf(1), 1.5}, nil, nil},
		{"float64 scaled", ndarray.Codec{Stored: ndarray.Float64, Scale: 4, Offset: 1},
			[]float64{1, 3, -1e300}, false, []float64{0, 0.5, -2.5e299}, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x, _ := ndarray.FromSlice(tc.in)
			got, err := tc.c.Encode(x, tc.clip)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("Encode(%v) = %v, %v; want an error wrapping %q", tc.in, got, err, tc.err)
				}
				for _, m := range tc.mention {
					if !strings.Contains(err.Error(), m) {
						t.Errorf("error %q does not mention %q", err, m)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Encode(%v): %v", tc.in, err)
			}
			want := make([]redNum, len(tc.want))
			for i, w := range tc.want {
				want[i] = decOf(tc.c.Stored, w)
			}
			decCheck(t, fmt.Sprintf("Encode(%v, clip %v)", tc.in, tc.clip), got, nil, tc.c.Stored, []int{len(tc.in)}, want)
		})
	}

	// Any input dtype and layout; the result has the input's shape.
	i32, _ := ndarray.FromSlice([]int32{1, 2, 3, 4, 5, 6}, 2, 3)
	tr, _ := i32.Transpose()
	c := ndarray.Codec{Stored: ndarray.Int16, Scale: 0.5}
	got, err := c.Encode(tr, false)
	if err != nil || got.DType() != ndarray.Int16 || !slices.Equal(got.Shape(), []int{3, 2}) ||
		!slices.Equal(ndarray.Float64s(got), []float64{2, 8, 4, 10, 6, 12}) {
		t.Errorf("Encode(transposed int32) = %v, %v; want [[2 8] [4 10] [6 12]] int16", got, err)
	}
}

// TestEncodeRoundTrip checks Decode(Encode(x)) == x within Scale/2 for
// random values across every stored type's range.
func TestEncodeRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	for _, st := range decStored {
		fa, _ := decFills(st)
		for _, c := range []ndarray.Codec{
			{Stored: st},
			{Stored: st, Scale: 0.01, Offset: 270, Missing: []float64{fa}},
			{Stored: st, Scale: -3.5, Offset: -1},
			{Stored: st, Scale: 1e-3, Decoded: ndarray.Float32},
		} {
			f := decFilled(c)
			// Values whose packed form stays inside the stored range.
			lo, hi := -1e6, 1e6
			if st.IsInteger() {
				// One step inside the range: the fill value is at its end.
				lo, hi = -math.Ldexp(1, int(redBits(st))-1)+1, math.Ldexp(1, int(redBits(st))-1)-2
				if st.IsUnsigned() {
					lo, hi = 0, 2*hi+2
				}
				hi = min(hi, 1e15) // keep float64 steps well below Scale
				lo = max(lo, -1e15)
			}
			x := make([]float64, 500)
			for i := range x {
				s := lo + rng.Float64()*(hi-lo)
				x[i] = s*f.Scale + f.Offset
			}
			x[0] = math.NaN()
			xa, _ := ndarray.FromSlice(x)
			enc, err := c.Encode(xa, false)
			if len(c.Missing) == 0 {
				if !errors.Is(err, ndarray.ErrRange) {
					t.Errorf("%+v: Encode with NaN and no fill value: %v", c, err)
				}
				x[0] = f.Offset
				enc, err = c.Encode(xa, false)
			}
			if err != nil {
				t.Fatalf("%+v: Encode: %v", c, err)
			}
			dec, err := c.Decode(enc)
			if err != nil {
				t.Fatal(err)
			}
			d := ndarray.Float64s(dec)
			for i, v := range x {
				// Scale/2 from rounding to an integer (0 for floats),
				// plus the rounding of the arithmetic in the decoded type.
				eps := 0x1p-52
				if f.Decoded == ndarray.Float32 || st == ndarray.Float32 {
					eps = 0x1p-23
				}
				tol := 2 * eps * (math.Abs(v) + math.Abs(f.Offset))
				if st.IsInteger() {
					tol += math.Abs(f.Scale) / 2
				}
				if math.IsNaN(v) != math.IsNaN(d[i]) || math.Abs(d[i]-v) > tol {
					t.Errorf("%+v: Decode(Encode(%v)) = %v (stored %v), want within %g", c, v, d[i], enc.At(i), tol)
					break
				}
			}
		}
	}
}

// TestCodecErrors checks the errors of Codec's methods and FromBytes.
func TestCodecErrors(t *testing.T) {
	i16 := ndarray.Codec{Stored: ndarray.Int16, Order: binary.LittleEndian}
	x16 := ndarray.Zeros(ndarray.Int16, 2)
	check := func(name string, err, want error, mention ...string) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: no error, want one wrapping %v", name, want)
			return
		}
		if want != nil && !errors.Is(err, want) {
			t.Errorf("%s: error %q does not wrap %q", name, err, want)
		}
		for _, m := range mention {
			if !strings.Contains(err.Error(), m) {
				t.Errorf("%s: error %q does not mention %q", name, err, m)
			}
		}
	}
	err2 := func(_ any, err error) error { return err }

	// Invalid codecs fail every method.
	for _, tc := range []struct {
		name    string
		c       ndarray.Codec
		want    error
		mention string
	}{
		{"stored bool", ndarray.Codec{Stored: ndarray.Bool}, ndarray.ErrDType, "bool"},
		{"no stored type", ndarray.Codec{}, ndarray.ErrDType, "DType(0)"},
		{"NaN scale", ndarray.Codec{Stored: ndarray.Int16, Scale: math.NaN()}, ndarray.ErrRange, "NaN"},
		{"infinite offset", ndarray.Codec{Stored: ndarray.Int16, Offset: math.Inf(1)}, ndarray.ErrRange, "+Inf"},
		{"scaled integers", ndarray.Codec{Stored: ndarray.Int16, Scale: 2, Decoded: ndarray.Int16}, ndarray.ErrDType, "int16 decoded as int16"},
		{"masked integers", ndarray.Codec{Stored: ndarray.Int16, Missing: []float64{1}, Decoded: ndarray.Int16}, ndarray.ErrDType, "float type"},
		{"decoded as another integer", ndarray.Codec{Stored: ndarray.Int16, Decoded: ndarray.Int32}, ndarray.ErrDType, "int32"},
	} {
		tc.c.Order = binary.BigEndian
		check(tc.name+": Decode", err2(tc.c.Decode(x16)), tc.want, tc.mention)
		check(tc.name+": DecodeBytes", err2(tc.c.DecodeBytes([]byte{0, 0}, 1)), tc.want, tc.mention)
		check(tc.name+": Encode", err2(tc.c.Encode(x16, false)), tc.want, tc.mention)
		check(tc.name+": NewPartial", err2(tc.c.NewPartial(ndarray.Sum, []int{2}, nil, ndarray.ReduceOptions{})), tc.want, tc.mention)
	}

	check("Decode of another dtype", err2(i16.Decode(ndarray.Zeros(ndarray.Int32, 2))), ndarray.ErrDType, "int32", "int16")
	check("DecodeBytes, odd length", err2(i16.DecodeBytes([]byte{1, 2, 3}, 1)), ndarray.ErrShape, "3 bytes", "int16[1]")
	check("DecodeBytes, short", err2(i16.DecodeBytes(make([]byte, 10), 2, 3)), ndarray.ErrShape, "10 bytes", "[2 3]", "12 bytes")
	check("DecodeBytes, negative shape", err2(i16.DecodeBytes(nil, -1)), ndarray.ErrShape)
	check("DecodeBytes without a byte order", err2((&ndarray.Codec{Stored: ndarray.Int16}).DecodeBytes([]byte{0, 0}, 1)), nil, "byte order")
	check("FromBytes, odd length", err2(ndarray.FromBytes(ndarray.Int16, binary.LittleEndian, []byte{1, 2, 3})), ndarray.ErrShape, "3 bytes")
	check("FromBytes, wrong shape", err2(ndarray.FromBytes(ndarray.Int32, binary.LittleEndian, make([]byte, 8), 3)), ndarray.ErrShape, "8 bytes", "int32[3]", "12 bytes")
	check("FromBytes, invalid dtype", err2(ndarray.FromBytes(ndarray.DType(42), binary.LittleEndian, nil)), ndarray.ErrDType, "DType(42)")
	check("FromBytes, negative shape", err2(ndarray.FromBytes(ndarray.Int8, binary.LittleEndian, nil, 2, -2)), ndarray.ErrShape, "-2")
	check("FromBytes without a byte order", err2(ndarray.FromBytes(ndarray.Int8, nil, []byte{1})), nil, "byte order")
	check("NewPartial of any", err2(i16.NewPartial(ndarray.Any, []int{2}, nil, ndarray.ReduceOptions{})), ndarray.ErrDType, "any")
	check("NewPartial of all", err2(i16.NewPartial(ndarray.All, []int{2}, nil, ndarray.ReduceOptions{})), ndarray.ErrDType, "all")
	check("NewPartial, bad axis", err2(i16.NewPartial(ndarray.Sum, []int{2}, []int{1}, ndarray.ReduceOptions{})), ndarray.ErrAxis, "axis 1")

	p, _ := i16.NewPartial(ndarray.Sum, []int{4, 4}, []int{0}, ndarray.ReduceOptions{})
	check("AccumulateBytes, wrong length", p.AccumulateBytes(make([]byte, 7), []int{2, 2}), ndarray.ErrShape, "7 bytes", "int16[2 2]", "8 bytes")
	check("AccumulateBytes, outside the region", p.AccumulateBytes(make([]byte, 8), []int{2, 2}, 3, 0), ndarray.ErrIndex, "[3 0]", "[4 4]", "axis 0")
	check("AccumulateBytes, other dimensions", p.AccumulateBytes(make([]byte, 8), []int{4}), ndarray.ErrShape, "[4]", "[4 4]")
	check("AccumulateBytes, origin of other dimensions", p.AccumulateBytes(make([]byte, 8), []int{2, 2}, 1), ndarray.ErrShape, "[1]")
	check("AccumulateBytes, negative shape", p.AccumulateBytes(nil, []int{2, -2}), ndarray.ErrShape)
	// The byte-order and not-a-codec errors wrap no sentinel (as in
	// TestPartialErrors): only their messages are checked.
	plain, _ := ndarray.NewPartial(ndarray.Sum, ndarray.Int16, []int{4, 4}, nil, ndarray.ReduceOptions{})
	check("AccumulateBytes into a plain partial", plain.AccumulateBytes(make([]byte, 8), []int{2, 2}), nil, "codec")
	noOrder, _ := (&ndarray.Codec{Stored: ndarray.Int16}).NewPartial(ndarray.Sum, []int{4, 4}, nil, ndarray.ReduceOptions{})
	check("AccumulateBytes without a byte order", noOrder.AccumulateBytes(make([]byte, 8), []int{2, 2}), nil, "byte order")
	check("Accumulate of decoded values into a codec's partial", p.Accumulate(ndarray.Zeros(ndarray.Float64, 2, 2)), ndarray.ErrDType, "float64", "int16")

	// Failed calls leave the partial unchanged.
	if err := p.AccumulateBytes([]byte{1, 0, 2, 0, 3, 0, 4, 0}, []int{2, 2}, 2, 2); err != nil {
		t.Fatal(err)
	}
	got, _ := p.Result()
	if want := []float64{0, 0, 4, 6}; !slices.Equal(ndarray.Float64s(got), want) {
		t.Errorf("after failed accumulations, sum = %v, want %v", got, want)
	}
}

// TestEncodeIdentity checks the unscaled float64 codec: finite values
// encode as themselves (the values, whatever Encode shares), NaN as the
// fill value and infinities as themselves, without changing the input.
func TestEncodeIdentity(t *testing.T) {
	c := &ndarray.Codec{Stored: ndarray.Float64, Missing: []float64{-9999}}
	x, _ := ndarray.FromSlice([]float64{1.5, -2, 3e300, 0}, 2, 2)
	got, err := c.Encode(x, false)
	if err != nil || !slices.Equal(ndarray.Float64s(got), []float64{1.5, -2, 3e300, 0}) || !slices.Equal(got.Shape(), []int{2, 2}) {
		t.Fatalf("Encode(finite) = %v %v, %v", ndarray.Float64s(got), got.Shape(), err)
	}
	y, _ := ndarray.FromSlice([]float64{1.5, math.NaN(), 3}, 3)
	got, err = c.Encode(y, false)
	if err != nil || !slices.Equal(ndarray.Float64s(got), []float64{1.5, -9999, 3}) {
		t.Fatalf("Encode(with NaN) = %v, %v", ndarray.Float64s(got), err)
	}
	if !math.IsNaN(ndarray.Float64s(y)[1]) {
		t.Fatalf("Encode changed its input")
	}
	z, _ := ndarray.FromSlice([]float64{1, math.Inf(-1)}, 2)
	if got, err := c.Encode(z, false); err != nil || !slices.Equal(ndarray.Float64s(got), []float64{1, math.Inf(-1)}) {
		t.Fatalf("Encode(-Inf) = %v, %v", ndarray.Float64s(got), err)
	}
}
