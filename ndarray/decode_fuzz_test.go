package ndarray_test

import (
	"encoding/binary"
	"errors"
	"math"
	"testing"

	"github.com/tesseradata/tessera/ndarray"
)

// fuzzCodec builds a Codec from fuzzed parameters: any dtype code (valid
// or not) for the stored and decoded types, either byte order, and up to
// two missing values.
func fuzzCodec(stored, decoded uint8, bigEndian bool, scale, offset, fill1, fill2 float64, nfill uint8) ndarray.Codec {
	c := ndarray.Codec{Stored: ndarray.DType(stored % 12), Decoded: ndarray.DType(decoded % 12),
		Order: binary.ByteOrder(binary.LittleEndian), Scale: scale, Offset: offset}
	if bigEndian {
		c.Order = binary.BigEndian
	}
	c.Missing = []float64{fill1, fill2}[:nfill%3]
	return c
}

// fuzzErr fails t unless err wraps one of the package's sentinels.
func fuzzErr(t *testing.T, what string, err error) {
	t.Helper()
	for _, s := range []error{ndarray.ErrDType, ndarray.ErrShape, ndarray.ErrRange, ndarray.ErrSize} {
		if errors.Is(err, s) {
			return
		}
	}
	t.Fatalf("%s: error %v wraps no sentinel", what, err)
}

// fuzzRoundTripTol is how far Decode(Encode(v)) may be from a decoded v:
// half a Scale from rounding to an integer, plus a few roundings in the
// decoded type of numbers of the size of v and Offset (and in float32
// for float32 storage), and what underflows below the smallest normal
// number, stored or decoded.
func fuzzRoundTripTol(c ndarray.Codec, v float64) float64 {
	eps, tiny := 0x1p-52, 0x1p-1022
	if c.Decoded == ndarray.Float32 || c.Stored == ndarray.Float32 {
		eps, tiny = 0x1p-23, 0x1p-126
	}
	tol := 8*eps*(math.Abs(v)+math.Abs(c.Offset)) + tiny*(1+math.Abs(c.Scale))
	if c.Stored.IsInteger() {
		tol += math.Abs(c.Scale) / 2
	}
	return tol
}

// fuzzCheckRoundTrip checks that decoded values (from stored) re-encode:
// Decode(Encode(dec)) is dec within fuzzRoundTripTol, NaN stays NaN, and
// a value may only turn into NaN by packing onto a missing value.
func fuzzCheckRoundTrip(t *testing.T, c, filled ndarray.Codec, dec *ndarray.Array) {
	t.Helper()
	enc, err := c.Encode(dec, true)
	if err != nil {
		// Clipped, only a NaN without a fill value the type holds fails.
		if !errors.Is(err, ndarray.ErrRange) {
			t.Fatalf("Encode(%v, clip) under %+v: %v", dec, c, err)
		}
		return
	}
	back, err := c.Decode(enc)
	if err != nil {
		t.Fatalf("Decode(Encode(%v)) under %+v: %v", dec, c, err)
	}
	d, b, s := ndarray.Float64s(dec), ndarray.Float64s(back), redRead(enc)
	for i := range d {
		switch {
		case math.IsNaN(d[i]):
			if !math.IsNaN(b[i]) {
				t.Fatalf("%+v: NaN re-encoded as %v, decoded as %v", c, s[i], b[i])
			}
		case math.IsNaN(b[i]):
			if !decIsMissing(s[i], filled.Missing) {
				t.Fatalf("%+v: %v re-encoded as %v, decoded as NaN", c, d[i], s[i])
			}
		case math.IsInf(d[i], 0) || math.IsInf(b[i], 0):
			if b[i] != d[i] {
				t.Fatalf("%+v: %v re-encoded as %v, decoded as %v", c, d[i], s[i], b[i])
			}
		case math.Abs(b[i]-d[i]) > fuzzRoundTripTol(filled, d[i]):
			t.Fatalf("%+v: %v re-encoded as %v, decoded as %v: off by %g > %g", c, d[i], s[i], b[i], math.Abs(b[i]-d[i]), fuzzRoundTripTol(filled, d[i]))
		}
	}
}

// FuzzDecodeBytes decodes random bytes under random codec parameters.
// Nothing may panic; whatever decodes must equal the reference decode of
// FromBytes of the same bytes, bit for bit, and re-encode within Scale/2.
func FuzzDecodeBytes(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1}, uint8(ndarray.Int16), uint8(0), true, 0.01, 270.0, -32767.0, 0.0, uint8(1), uint8(2), uint8(1))
	f.Add([]byte{0x80, 1, 0x7f, 0xff}, uint8(ndarray.Int16), uint8(ndarray.Float32), false, -2.5, 1e3, -32768.0, 0.5, uint8(2), uint8(0), uint8(0))
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8}, uint8(ndarray.Float32), uint8(ndarray.Float64), true, 0.0, 0.0, 0.0, 0.0, uint8(0), uint8(1), uint8(2))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, uint8(ndarray.Uint64), uint8(0), false, 1e-3, -1.0, 0.0, 0.0, uint8(1), uint8(1), uint8(1))
	f.Add([]byte{0, 0, 0xc0, 0x7f}, uint8(ndarray.Float32), uint8(0), false, 1.0, 0.0, -9999.0, 0.0, uint8(1), uint8(0), uint8(0))
	f.Add([]byte{200, 100, 0}, uint8(ndarray.Uint8), uint8(ndarray.Uint8), true, 0.0, 0.0, 0.0, 0.0, uint8(0), uint8(3), uint8(1))
	f.Fuzz(func(t *testing.T, raw []byte, stored, decoded uint8, bigEndian bool, scale, offset, fill1, fill2 float64, nfill, d0, d1 uint8) {
		c := fuzzCodec(stored, decoded, bigEndian, scale, offset, fill1, fill2, nfill)
		var shape []int // none: one-dimensional
		if d0 > 0 {
			shape = []int{int(d0) - 1, int(d1)}
		}
		if len(raw) > 1<<20 {
			return
		}
		got, err := c.DecodeBytes(raw, shape...)
		if err != nil {
			fuzzErr(t, "DecodeBytes", err)
			return
		}
		stored2, err := ndarray.FromBytes(c.Stored, c.Order, raw, shape...)
		if err != nil {
			t.Fatalf("DecodeBytes succeeded under %+v but FromBytes failed: %v", c, err)
		}
		filled := decFilled(c)
		want := decRef(filled, redRead(stored2))
		g := redRead(got)
		if got.DType() != filled.Decoded || len(g) != len(want) {
			t.Fatalf("DecodeBytes under %+v = %s%v, want %s with %d values", c, got.DType(), got.Shape(), filled.Decoded, len(want))
		}
		for i := range want {
			if !decSame(g[i], want[i]) {
				t.Fatalf("DecodeBytes under %+v: element %d = %v, want %v", c, i, g[i], want[i])
			}
		}
		viaArray, err := c.Decode(stored2)
		if err != nil {
			t.Fatalf("Decode: %v", err)
		}
		for i, v := range redRead(viaArray) {
			if !decSame(v, want[i]) {
				t.Fatalf("Decode under %+v: element %d = %v, want %v", c, i, v, want[i])
			}
		}

		// The partial reduction of the same bytes must not panic either,
		// and counts the values that are not missing.
		region := stored2.Shape()
		p, err := c.NewPartial(ndarray.Count, region, nil, ndarray.ReduceOptions{})
		if err != nil {
			t.Fatalf("NewPartial: %v", err)
		}
		if err := p.AccumulateBytes(raw, region); err != nil {
			t.Fatalf("AccumulateBytes: %v", err)
		}
		n, err := p.Result()
		if err != nil {
			t.Fatalf("Result: %v", err)
		}
		missing := 0
		for _, v := range redRead(stored2) {
			if decIsMissing(v, filled.Missing) {
				missing++
			}
		}
		if n.At() != float64(len(want)-missing) {
			t.Fatalf("count under %+v = %v, want %d", c, n.At(), len(want)-missing)
		}

		if filled.Decoded.IsFloat() {
			fuzzCheckRoundTrip(t, c, filled, got)
		}
	})
}

// FuzzCodecRoundTrip encodes random float64 values under random codec
// parameters. Nothing may panic; an error must be ErrRange for a value
// out of range or a NaN without a fill value; and Decode(Encode(x)) must
// be x within Scale/2 for every value that fits (clipped ones become the
// nearest representable value).
func FuzzCodecRoundTrip(f *testing.F) {
	le := func(v ...float64) []byte {
		var b []byte
		for _, x := range v {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
		}
		return b
	}
	f.Add(le(270, 270.01, 269.995, math.NaN()), uint8(ndarray.Int16), uint8(0), 0.01, 270.0, -32767.0, false)
	f.Add(le(127.5, -128.5, 1e300, math.Inf(-1)), uint8(ndarray.Int8), uint8(0), 1.0, 0.0, 0.0, true)
	f.Add(le(1e39, -3.5, 0), uint8(ndarray.Float32), uint8(ndarray.Float32), 2.0, 1.0, -9999.0, true)
	f.Add(le(1.8446744073709552e19, -1), uint8(ndarray.Uint64), uint8(0), 1.0, 0.0, 0.0, false)
	f.Add(le(42), uint8(ndarray.Int32), uint8(ndarray.Int32), 0.0, 0.0, 0.0, false)
	f.Fuzz(func(t *testing.T, raw []byte, stored, decoded uint8, scale, offset, fill float64, clip bool) {
		if len(raw) > 8<<10 {
			return
		}
		x := make([]float64, len(raw)/8)
		for i := range x {
			x[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
		}
		c := fuzzCodec(stored, decoded, false, scale, offset, fill, 0, 1)
		if math.IsNaN(fill) {
			c.Missing = nil
		}
		xa, _ := ndarray.FromSlice(x)
		enc, err := c.Encode(xa, clip)
		if err != nil {
			if errors.Is(err, ndarray.ErrRange) || errors.Is(err, ndarray.ErrDType) {
				return
			}
			t.Fatalf("Encode(%v, clip %v) under %+v: %v", x, clip, c, err)
		}
		filled := decFilled(c)
		if enc.DType() != filled.Stored || enc.Size() != len(x) {
			t.Fatalf("Encode under %+v = %s%v", c, enc.DType(), enc.Shape())
		}
		dec, err := c.Decode(enc)
		if err != nil {
			t.Fatalf("Decode(Encode(%v)) under %+v: %v", x, c, err)
		}
		if !filled.Decoded.IsFloat() {
			// Decoded as stored: no scale, so Encode rounded (or clipped)
			// to the integer, which is what comes back.
			return
		}
		d, s := ndarray.Float64s(dec), redRead(enc)
		maxDecoded := math.MaxFloat64
		if filled.Decoded == ndarray.Float32 {
			maxDecoded = math.MaxFloat32
		}
		for i, v := range x {
			packed := (v - filled.Offset) / filled.Scale
			if filled.Stored.IsInteger() {
				packed = math.Round(packed)
			}
			fits := !math.IsNaN(v) && decRepresentsRounded(filled.Stored, packed)
			if filled.Stored == ndarray.Float32 {
				packed = float64(float32(packed))
			}
			switch {
			case math.IsNaN(v):
				if !math.IsNaN(d[i]) {
					t.Fatalf("%+v: NaN encoded as %v, decoded as %v", c, s[i], d[i])
				}
			case !fits:
				if !clip {
					t.Fatalf("%+v: %v (packed %v) does not fit %s, yet Encode succeeded without clip", c, v, packed, filled.Stored)
				}
			case s[i].float() != packed:
				t.Fatalf("%+v: %v encoded as %v, want %v", c, v, s[i], packed)
			case math.IsNaN(d[i]):
				if !decIsMissing(s[i], filled.Missing) {
					t.Fatalf("%+v: %v encoded as %v, decoded as NaN", c, v, s[i])
				}
			case math.IsInf(v, 0) || math.IsInf(d[i], 0):
				// An infinity comes back as itself, and a finite value
				// too large for the decoded type as an infinity.
				if d[i] != v && !(math.Abs(v) > maxDecoded*(1-0x1p-20) && d[i] == math.Inf(int(math.Copysign(1, v)))) {
					t.Fatalf("%+v: %v encoded as %v, decoded as %v", c, v, s[i], d[i])
				}
			case math.Abs(d[i]-v) > fuzzRoundTripTol(filled, v):
				t.Fatalf("%+v: %v encoded as %v, decoded as %v: off by %g > %g", c, v, s[i], d[i], math.Abs(d[i]-v), fuzzRoundTripTol(filled, v))
			}
		}
	})
}

// decRepresentsRounded reports whether the packed value s (already
// rounded for integer types) is within dt's range, as Encode decides.
func decRepresentsRounded(dt ndarray.DType, s float64) bool {
	switch {
	case dt == ndarray.Float64:
		return true
	case dt == ndarray.Float32:
		return math.Abs(s) <= math.MaxFloat32 || math.IsInf(s, 0)
	case dt.IsSigned():
		b := float64(redBits(dt) - 1)
		return s >= -math.Exp2(b) && s < math.Exp2(b)
	}
	return s >= 0 && s < math.Exp2(float64(redBits(dt)))
}
