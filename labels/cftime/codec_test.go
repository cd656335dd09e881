package cftime

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
)

func mustUnits(t testing.TB, attr string, cal Calendar) Units {
	t.Helper()
	u, err := ParseUnits(attr, cal)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestDecode(t *testing.T) {
	tests := []struct {
		attr string
		cal  Calendar
		v    float64
		want Date
	}{
		// SEASONAL.md fixture FM: days since 2000-01-01, standard.
		{"days since 2000-01-01", Standard, 30.5, date(2000, 1, 31, 12)},
		{"days since 2000-01-01", Standard, 106, date(2000, 4, 16)},
		{"days since 2000-01-01", Standard, 1080.5, date(2002, 12, 16, 12)},
		{"days since 2000-01-01", Standard, -31, date(1999, 12, 1)},
		{"days since 2000-01-01", Standard, 1155, date(2003, 3, 1)},
		{"days since 2000-01-01", NoLeap, 365, date(2001, 1, 1)},
		{"days since 2000-01-01", Day360, 59.5, date(2000, 2, 30, 12)},
		// The Gregorian switch.
		{"days since 1582-10-01", Standard, 4, date(1582, 10, 15)},
		{"days since 1582-10-01", Standard, 3.75, date(1582, 10, 4, 18)},
		{"days since 1582-10-01", ProlepticGregorian, 4, date(1582, 10, 5)},
		{"hours since 1582-10-15", Standard, -1, date(1582, 10, 4, 23)},
		// Year numbering.
		{"days since 1-1-1", Standard, -1, date(-1, 12, 31)},
		{"days since 1-1-1", Julian, -366, date(-1, 1, 1)}, // 1 BC is a leap year
		{"days since 1-1-1", ProlepticGregorian, -1, date(0, 12, 31)},
		{"days since 1-1-1", ProlepticGregorian, -366, date(0, 1, 1)},
		{"days since 0-1-1", NoLeap, 370, date(1, 1, 6)},
		{"days since 1-1-1", Standard, 730119, date(1999, 12, 30)}, // Julian 0001-01-01 is proleptic 0000-12-30
		// Time zones: the origin is Ref minus the offset.
		{"days since 2000-01-01 00:00:00 +05:00", Standard, 0, date(1999, 12, 31, 19)},
		{"hours since 2000-01-01T00:00:00-03:30", Standard, 0.5, date(2000, 1, 1, 4)},
		{"days since -4713-01-01-12", Julian, 0, date(-4713, 1, 1, 12)},
		// Other units.
		{"months since 2000-01-01", Day360, 13.5, date(2001, 2, 16)},
		{"common_years since 2000-01-01", NoLeap, -1.5, date(1998, 7, 2, 12)},
		{"seconds since 1970-01-01", ProlepticGregorian, 1e9, date(2001, 9, 9, 1, 46, 40)},
		{"milliseconds since 1970-01-01", Standard, -0.001, date(1969, 12, 31, 23, 59, 59, 999_999_000)},
		// cftime's rounding: to the microsecond, half to even …
		{"microseconds since 2000-01-01", Standard, 0.5, date(2000, 1, 1)},
		{"microseconds since 2000-01-01", Standard, 1.5, date(2000, 1, 1, 0, 0, 0, 2000)},
		{"microseconds since 2000-01-01", Standard, 2.5, date(2000, 1, 1, 0, 0, 0, 2000)},
		{"microseconds since 2000-01-01", Standard, -1.5, date(1999, 12, 31, 23, 59, 59, 999_998_000)},
		{"microseconds since 2000-01-01", Standard, 1000000.6, date(2000, 1, 1, 0, 0, 1, 1000)},
		{"milliseconds since 2000-01-01", Standard, 1000.0006, date(2000, 1, 1, 0, 0, 1, 1000)},
		// … and, in seconds and longer units, within 1 µs of a whole
		// second, to the second (cftime issue #187).
		{"seconds since 2000-01-01", Standard, 1.0000006, date(2000, 1, 1, 0, 0, 1)},
		{"seconds since 2000-01-01", Standard, 0.9999994, date(2000, 1, 1, 0, 0, 1)},
		{"seconds since 2000-01-01", Standard, 1.000002, date(2000, 1, 1, 0, 0, 1, 2000)},
		// The snap takes the floor or ceiling of the product, so it
		// depends on which side of the microsecond the float64 lies, as
		// in cftime: 1.000001 is just below 1 s + 1 µs (→ 1 s), 2.000001
		// just above 2 s + 1 µs and 0.999999 just below 1 s − 1 µs (kept).
		{"seconds since 2000-01-01", Standard, 1.000001, date(2000, 1, 1, 0, 0, 1)},
		{"seconds since 2000-01-01", Standard, 2.000001, date(2000, 1, 1, 0, 0, 2, 1000)},
		{"seconds since 2000-01-01", Standard, 0.999999, date(2000, 1, 1, 0, 0, 0, 999_999_000)},
		{"seconds since 2000-01-01", Standard, -1.0000006, date(1999, 12, 31, 23, 59, 59)},
		{"days since 2000-01-01", Standard, 1.0 / 3, date(2000, 1, 1, 8)},
		{"hours since 2000-01-01", Standard, 1.0 / 3, date(2000, 1, 1, 0, 20)},
		{"days since 2000-01-01", Standard, 0.1, date(2000, 1, 1, 2, 24)},
		{"days since 2000-01-01", Standard, math.SmallestNonzeroFloat64, date(2000, 1, 1)},
		{"days since 2000-01-01", Standard, math.Copysign(0, -1), date(2000, 1, 1)},
	}
	for _, tc := range tests {
		u := mustUnits(t, tc.attr, tc.cal)
		got, err := u.Decode(tc.v)
		if err != nil || got != tc.want {
			t.Errorf("Decode(%v) with %q (%s) = %v, %v; want %v", tc.v, tc.attr, tc.cal, got, err, tc.want)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		attr string
		cal  Calendar
		v    float64
	}{
		{"days since 2000-01-01", Standard, math.NaN()},
		{"days since 2000-01-01", Standard, math.Inf(1)},
		{"days since 2000-01-01", Standard, math.Inf(-1)},
		{"days since 2000-01-01", Standard, 1e300},
		{"days since 2000-01-01", Standard, -1e300},
		{"days since 2000-01-01", NoLeap, 106752 * 1000}, // past 2^63 µs
		{"microseconds since 2000-01-01", Standard, 0x1p63},
		{"days since 999999999-12-31", ProlepticGregorian, 1},
		{"days since -999999999-01-01", Day360, -1e-6},
	}
	for _, tc := range tests {
		u := mustUnits(t, tc.attr, tc.cal)
		_, err := u.Decode(tc.v)
		if !errors.Is(err, ErrRange) {
			t.Errorf("Decode(%v) with %q = %v, want ErrRange", tc.v, tc.attr, err)
			continue
		}
		if !strings.Contains(err.Error(), u.String()) {
			t.Errorf("Decode(%v) error %q does not name the units", tc.v, err)
		}
	}
	// The largest value cftime accepts: 2^63−1 µs, rounded to float64.
	u := mustUnits(t, "microseconds since 2000-01-01", Standard)
	if _, err := u.Decode(0x1p63 - 1024); err != nil {
		t.Errorf("Decode(2^63-1024 µs): %v", err)
	}
}

func TestEncode(t *testing.T) {
	tests := []struct {
		attr string
		cal  Calendar
		d    Date
		want float64
	}{
		{"days since 2000-01-01", Standard, date(2000, 1, 31, 12), 30.5},
		{"days since 2000-01-01", Standard, date(1999, 12, 1), -31},
		{"days since 1582-10-01", Standard, date(1582, 10, 15), 4},
		{"days since 1582-10-01", Julian, date(1582, 10, 15), 14},
		{"days since 2000-01-01", Day360, date(2001, 1, 1), 360},
		{"days since 2000-01-01", AllLeap, date(2001, 1, 1), 366},
		{"hours since 2000-01-01 00:00:00 +05:00", Standard, date(1999, 12, 31, 19), 0},
		{"hours since 2000-01-01 00:00:00 +05:00", Standard, date(2000, 1, 1), 5},
		{"seconds since 1970-01-01", ProlepticGregorian, date(2001, 9, 9, 1, 46, 40), 1e9},
		{"days since 2000-01-01", Standard, date(2000, 1, 1, 8), 1.0 / 3},
		{"days since 2000-01-01", Standard, date(2000, 1, 1, 0, 0, 0, 1), 1.0 / 86400e9},
		{"months since 2000-01-01", Day360, date(2001, 2, 16), 13.5},
		{"common_years since 2000-01-01", NoLeap, date(1998, 7, 2, 12), -1.5},
		{"microseconds since 1-1-1", ProlepticGregorian, date(2000, 1, 1, 0, 0, 0, 1000), 63082281600000001},
	}
	for _, tc := range tests {
		u := mustUnits(t, tc.attr, tc.cal)
		got, err := u.Encode(tc.d)
		if err != nil || got != tc.want {
			t.Errorf("Encode(%v) with %q (%s) = %v, %v; want %v", tc.d, tc.attr, tc.cal, got, err, tc.want)
		}
	}
	u := mustUnits(t, "days since 2000-01-01", NoLeap)
	if _, err := u.Encode(date(2000, 2, 29)); !errors.Is(err, ErrDate) {
		t.Errorf("Encode(2000-02-29) in noleap = %v, want ErrDate", err)
	}
}

func TestDecodeAll(t *testing.T) {
	u := mustUnits(t, "days since 2000-01-01", Standard)
	v := []float64{0, 30.5, -31, 1155}
	want := []Date{date(2000, 1, 1), date(2000, 1, 31, 12), date(1999, 12, 1), date(2003, 3, 1)}
	got := make([]Date, len(v))
	if err := u.DecodeAll(got, v); err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("DecodeAll: dst[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	enc := make([]float64, len(want))
	if err := u.EncodeAll(enc, want); err != nil {
		t.Fatal(err)
	}
	for i := range v {
		if enc[i] != v[i] {
			t.Errorf("EncodeAll: dst[%d] = %v, want %v", i, enc[i], v[i])
		}
	}

	// The first failure stops it and is named; the rest is untouched.
	sentinel := date(1, 2, 3)
	dst := []Date{sentinel, sentinel, sentinel}
	err := u.DecodeAll(dst, []float64{1, math.NaN(), 2})
	if !errors.Is(err, ErrRange) || !strings.Contains(err.Error(), "cftime: decode value 1, NaN days since 2000-01-01 00:00:00 (calendar standard)") {
		t.Errorf("DecodeAll with NaN at 1 = %v, want ErrRange naming value 1", err)
	}
	if dst[0] != date(2000, 1, 2) || dst[1] != sentinel || dst[2] != sentinel {
		t.Errorf("DecodeAll with NaN at 1 left dst = %v", dst)
	}
	err = u.EncodeAll(make([]float64, 2), []Date{date(2000, 1, 1), date(2001, 2, 29)})
	if !errors.Is(err, ErrDate) || !strings.Contains(err.Error(), "date 1") {
		t.Errorf("EncodeAll with 2001-02-29 at 1 = %v, want ErrDate naming date 1", err)
	}

	// It allocates nothing.
	big := make([]float64, 1000)
	for i := range big {
		big[i] = float64(i) * 0.37
	}
	out := make([]Date, len(big))
	if n := testing.AllocsPerRun(10, func() { _ = u.DecodeAll(out, big) }); n != 0 {
		t.Errorf("DecodeAll allocates %v times a call, want 0", n)
	}

	defer func() {
		if recover() == nil {
			t.Error("DecodeAll with lengths 1 and 2 did not panic")
		}
	}()
	_ = u.DecodeAll(make([]Date, 1), make([]float64, 2))
}

// refScaleMicros is scaleMicros with math/big: the product rounded to a
// 64-bit significand (x87 extended), then rint, then cftime's snap.
func refScaleMicros(v float64, factor uint64, snap bool) (int64, bool) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	x := new(big.Float).SetPrec(64).SetMode(big.ToNearestEven)
	x.Mul(new(big.Float).SetFloat64(v), new(big.Float).SetUint64(factor))
	fl, _ := x.Int(nil) // truncated toward zero
	if x.Sign() < 0 && new(big.Float).SetInt(fl).Cmp(x) != 0 {
		fl.Sub(fl, big.NewInt(1))
	}
	frac := new(big.Float).Sub(x, new(big.Float).SetInt(fl)) // in [0, 1)
	ce := new(big.Int).Set(fl)
	if frac.Sign() != 0 {
		ce.Add(ce, big.NewInt(1))
	}
	r := new(big.Int).Set(fl)
	switch frac.Cmp(big.NewFloat(0.5)) {
	case 1:
		r.Add(r, big.NewInt(1))
	case 0:
		if fl.Bit(0) == 1 {
			r.Add(r, big.NewInt(1))
		}
	}
	if !r.IsInt64() || !fl.IsInt64() || !ce.IsInt64() {
		return 0, false
	}
	out := r.Int64()
	if snap {
		switch m := ((out % 1_000_000) + 1_000_000) % 1_000_000; m {
		case 1:
			out = fl.Int64()
		case 999_999:
			out = ce.Int64()
		}
	}
	return out, true
}

func TestScaleMicros(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	factors := []uint64{1, 1000, 1e6, 60e6, 3600e6, 86400e6, 30 * 86400e6, 365 * 86400e6}
	values := []float64{0, 1, -1, 0.5, -0.5, 1.5, 2.5, 1.0000006, 0.9999994, 1.0 / 3, 0.1,
		0x1p62, -0x1p62, 0x1p63, 0x1p-1074, 1e-300, 4.5e-7, 5e-7, 1e18, 106751.99}
	for i := 0; i < 20000; i++ {
		var v float64
		switch i % 4 {
		case 0:
			v = math.Float64frombits(r.Uint64()) // anything at all
		case 1:
			v = (r.Float64() - 0.5) * math.Pow(10, float64(r.IntN(14)))
		case 2:
			v = float64(r.Int64N(1<<40)) + float64(r.IntN(16))/16
		default:
			f := factors[r.IntN(len(factors))]
			v = (float64(r.Int64N(1<<50)) + []float64{0.5, 1, -1, 0.6, -0.6}[r.IntN(5)]*1e-0) / float64(f) * 1e6
		}
		values = append(values, v)
	}
	for _, v := range values {
		for _, f := range factors {
			for _, snap := range []bool{false, true} {
				got, gotOK := scaleMicros(v, f, snap)
				want, wantOK := refScaleMicros(v, f, snap)
				if got != want || gotOK != wantOK {
					t.Fatalf("scaleMicros(%v, %d, %v) = %d, %v; want %d, %v", v, f, snap, got, gotOK, want, wantOK)
				}
			}
		}
	}
}

func TestDivRound(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 50000; i++ {
		var hi, lo uint64
		switch i % 3 {
		case 0:
			lo = r.Uint64N(1 << 53)
		case 1:
			lo = r.Uint64()
		default:
			hi, lo = r.Uint64N(1<<36), r.Uint64()
		}
		if hi == 0 && lo == 0 {
			lo = 1
		}
		d := []uint64{1000, 1e6, 1e9, 60e9, 3600e9, 86400e9, 30 * 86400e9, 365 * 86400e9, r.Uint64N(1<<63) + 1}[r.IntN(9)]
		num := new(big.Int).Lsh(new(big.Int).SetUint64(hi), 64)
		num.Or(num, new(big.Int).SetUint64(lo))
		want, _ := new(big.Rat).SetFrac(num, new(big.Int).SetUint64(d)).Float64()
		if got := divRound(hi, lo, d); got != want {
			t.Fatalf("divRound(%d:%d, %d) = %v, want %v", hi, lo, d, got, want)
		}
	}
	// A tie: 2^53+1 is halfway between two float64s; 2^54+2 over 2 too.
	if got := divRound(0, 1<<54+2, 2); got != 0x1p53 {
		t.Errorf("divRound(2^54+2, 2) = %v, want 2^53 (tie to even)", got)
	}
	if got := divRound(0, 1<<54+6, 2); got != 0x1p53+4 {
		t.Errorf("divRound(2^54+6, 2) = %v, want 2^53+4 (tie to even)", got)
	}
}

// TestRoundTrip checks Decode(Encode(d)) = d for dates with whole
// microseconds where the number is exact (units that divide the time
// since the reference), in every calendar.
func TestRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for c := Standard; c <= Day360; c++ {
		for _, unit := range []string{"microseconds", "milliseconds", "seconds", "minutes", "hours", "days"} {
			ref := randomDate(r, c, 1, 2100)
			ref.Nanosecond = 0
			u := Units{Unit: unitNames[unit], Ref: ref, Calendar: c}
			step := u.Unit.Nanoseconds()
			// Keep |v| below 2^53, where float64 holds every integer.
			span := int(min(200_000, float64(1<<53)*float64(step)/float64(nsPerDay)-2))
			for i := 0; i < 200; i++ {
				d := c.AddDays(ref, r.IntN(2*span)-span)
				if step < nsPerDay {
					n := r.Int64N(nsPerDay / step)
					d = c.fromInstant(c.addNanos(c.toInstant(d), 0, n*step))
				}
				v, err := u.Encode(d)
				if err != nil {
					t.Fatal(err)
				}
				if v != math.Trunc(v) {
					t.Fatalf("%s: Encode(%v) with %q = %v, want a whole number", c, d, u, v)
				}
				back, err := u.Decode(v)
				if err != nil || back != d {
					t.Fatalf("%s: Decode(Encode(%v)) with %q = %v, %v (via %v)", c, d, u, back, err, v)
				}
			}
		}
	}
}

// BenchmarkDecodeAll decodes 10^6 hourly values, in standard and 360_day.
func BenchmarkDecodeAll(b *testing.B) {
	const n = 1_000_000
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(i) + 0.5
	}
	dst := make([]Date, n)
	for _, tc := range []struct{ name, attr string }{
		{"standard", "hours since 1850-01-01 00:00:00"},
		{"360_day", "hours since 1850-01-01 00:00:00"},
		{"noleap", "hours since 1850-01-01 00:00:00"},
	} {
		cal, _ := ParseCalendar(tc.name)
		u := mustUnits(b, tc.attr, cal)
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(8 * n)
			for b.Loop() {
				if err := u.DecodeAll(dst, v); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/value")
		})
	}
}

// BenchmarkEncodeAll encodes 10^6 hourly dates.
func BenchmarkEncodeAll(b *testing.B) {
	const n = 1_000_000
	u := mustUnits(b, "hours since 1850-01-01", Standard)
	dates := make([]Date, n)
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(i)
	}
	if err := u.DecodeAll(dates, v); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(8 * n)
	for b.Loop() {
		if err := u.EncodeAll(v, dates); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/value")
}
