package cftime

import (
	"fmt"
	"math"
	"math/bits"
)

// decoder is Units made ready to decode many values.
type decoder struct {
	cal    Calendar
	origin instant
	micros uint64 // unit length in microseconds
	snap   bool   // apply cftime's whole-second snap (units of seconds and longer)
	lo, hi int64  // supported day numbers
}

func (u Units) decoder() (decoder, error) {
	if err := u.check(); err != nil {
		return decoder{}, err
	}
	r := dayRange[u.Calendar]
	return decoder{
		cal:    u.Calendar,
		origin: u.origin(),
		micros: unitInfo[u.Unit].micros,
		snap:   u.Unit >= Second,
		lo:     r[0], hi: r[1],
	}, nil
}

// Decode returns the date that the number v stands for: the reference
// time in UTC plus v units, rounded to the microsecond exactly as cftime's
// num2date rounds (see the package documentation, "Decoding"). It returns
// an error wrapping ErrUnits if u is not valid, and one wrapping ErrRange
// if v is NaN or ±Inf, if v units are not within ±(2^63−1) microseconds
// (cftime's limit), or if the date falls outside [MinYear, MaxYear].
func (u Units) Decode(v float64) (Date, error) {
	dec, err := u.decoder()
	if err != nil {
		return Date{}, err
	}
	d, ok := dec.decode(v)
	if !ok {
		return Date{}, u.rangeError(-1, v)
	}
	return d, nil
}

// rangeError reports that value v (number i of a slice, if i ≥ 0) cannot
// be decoded.
func (u Units) rangeError(i int, v float64) error {
	at := ""
	if i >= 0 {
		at = fmt.Sprintf(" value %d,", i)
	}
	return fmt.Errorf("cftime: decode%s %v %s (calendar %s): %w", at, v, u, u.Calendar, ErrRange)
}

// DecodeAll decodes v[i] into dst[i] for every i, as Decode does; it
// checks u once and allocates nothing. At the first value it cannot
// decode it stops and returns an error wrapping ErrRange that gives the
// value's index; dst[i:] is then left as it was. It panics if dst and v
// differ in length.
func (u Units) DecodeAll(dst []Date, v []float64) error {
	if len(dst) != len(v) {
		panic(fmt.Sprintf("cftime: DecodeAll: len(dst) = %d, len(v) = %d", len(dst), len(v)))
	}
	dec, err := u.decoder()
	if err != nil {
		return err
	}
	for i, x := range v {
		t, ok := dec.instant(x)
		if !ok {
			return u.rangeError(i, x)
		}
		dec.cal.fromInstantTo(&dst[i], t)
	}
	return nil
}

func (dec *decoder) decode(v float64) (Date, bool) {
	t, ok := dec.instant(v)
	if !ok {
		return Date{}, false
	}
	return dec.cal.fromInstant(t), true
}

// instant returns the instant v stands for.
func (dec *decoder) instant(v float64) (instant, bool) {
	us, ok := scaleMicros(v, dec.micros, dec.snap)
	if !ok {
		return instant{}, false
	}
	days := floorDiv(us, 86_400_000_000)
	t := dec.origin
	t.day += days
	t.ns += (us - days*86_400_000_000) * 1000
	if t.ns >= nsPerDay {
		t.ns -= nsPerDay
		t.day++
	}
	if t.day < dec.lo || t.day > dec.hi {
		return instant{}, false
	}
	return t, true
}

// scaleMicros returns v·factor rounded to an integer number of
// microseconds exactly as cftime 1.6 does on x86-64 Linux (cast_to_int in
// _cftime.pyx): the product is taken in numpy's longdouble, the x87
// 80-bit format with a 64-bit significand, and rounded once to it; then
// it is rounded half to even to an integer (np.rint); then, for units of
// a second and longer (snap), a result that ends in 000001 µs is replaced
// by the floor of the product and one that ends in 999999 µs by its
// ceiling, which undoes float noise near whole seconds (cftime issue
// #187). ok is false for NaN, ±Inf and products that do not fit in an
// int64.
func scaleMicros(v float64, factor uint64, snap bool) (us int64, ok bool) {
	b := math.Float64bits(v)
	neg := b>>63 != 0
	exp := int(b>>52) & 0x7ff
	mant := b & (1<<52 - 1)
	switch exp {
	case 0x7ff:
		return 0, false // NaN, ±Inf
	case 0:
		exp = 1 // zero or subnormal
	default:
		mant |= 1 << 52
	}
	if mant == 0 {
		return 0, true
	}
	e := exp - 1075 // |v| = mant·2^e
	// |v|·factor = hi:lo·2^e, at most 53+37 bits; round it to 64 bits.
	hi, lo := bits.Mul64(mant, factor)
	q := lo
	if hi != 0 {
		s := uint(bits.Len64(hi)) // bits beyond the 64 kept, 1..26
		q = hi<<(64-s) | lo>>s
		rem, half := lo&(1<<s-1), uint64(1)<<(s-1)
		e += int(s)
		if rem > half || (rem == half && q&1 == 1) {
			q++
			if q == 0 { // carried out of 64 bits
				q, e = 1<<63, e+1
			}
		}
	}
	// |x| = q·2^e; floor, ceiling and rint of |x|.
	var fl, ce, r uint64
	switch {
	case e >= 0:
		if e >= 63 || q > (1<<63-1)>>uint(e) {
			return 0, false
		}
		fl = q << uint(e)
		ce, r = fl, fl
	case e > -64:
		s := uint(-e)
		fl = q >> s
		rem, half := q&(1<<s-1), uint64(1)<<(s-1)
		ce, r = fl, fl
		if rem != 0 {
			ce++
		}
		if rem > half || (rem == half && fl&1 == 1) {
			r++
		}
	case e == -64:
		ce = 1 // 0 < |x| < 1
		if q > 1<<63 {
			r = 1
		}
	default:
		ce = 1 // 0 < |x| < 1/2
	}
	if r > 1<<63-1 || ce > 1<<63-1 {
		return 0, false
	}
	rint, floor, ceil := int64(r), int64(fl), int64(ce)
	if neg {
		rint, floor, ceil = -rint, -ceil, -floor
	}
	if snap {
		switch rint - floorDiv(rint, 1_000_000)*1_000_000 {
		case 1:
			rint = floor
		case 999_999:
			rint = ceil
		}
	}
	return rint, true
}

// Encode returns the number that stands for d: d minus the reference time
// in UTC, in units, as cftime's date2num computes it, the exact quotient
// of two integers rounded once to the nearest float64. d must exist in
// u.Calendar, else the error wraps ErrDate; an invalid u gives an error
// wrapping ErrUnits.
func (u Units) Encode(d Date) (float64, error) {
	if err := u.check(); err != nil {
		return 0, err
	}
	if err := u.Calendar.Valid(d); err != nil {
		return 0, err
	}
	return encode(u.Calendar.toInstant(d), u.origin(), unitInfo[u.Unit].micros*1000), nil
}

// EncodeAll encodes dates[i] into dst[i] for every i, as Encode does. At
// the first date that is not valid it stops and returns an error wrapping
// ErrDate that gives the date's index; dst[i:] is then left as it was.
// It panics if dst and dates differ in length.
func (u Units) EncodeAll(dst []float64, dates []Date) error {
	if len(dst) != len(dates) {
		panic(fmt.Sprintf("cftime: EncodeAll: len(dst) = %d, len(dates) = %d", len(dst), len(dates)))
	}
	if err := u.check(); err != nil {
		return err
	}
	origin, unit := u.origin(), unitInfo[u.Unit].micros*1000
	for i, d := range dates {
		if r := u.Calendar.invalid(d); r != "" {
			return fmt.Errorf("cftime: encode date %d: %w %s in calendar %s: %s", i, ErrDate, d, u.Calendar, r)
		}
		dst[i] = encode(u.Calendar.toInstant(d), origin, unit)
	}
	return nil
}

// encode returns (t−origin)/unit, unit in nanoseconds, correctly rounded.
func encode(t, origin instant, unit uint64) float64 {
	days, ns := t.day-origin.day, t.ns-origin.ns
	if ns < 0 {
		ns += nsPerDay
		days--
	}
	// |t−origin| in nanoseconds as a 128-bit hi:lo.
	neg := days < 0
	var hi, lo uint64
	if neg {
		hi, lo = bits.Mul64(uint64(-days), uint64(nsPerDay))
		var borrow uint64
		lo, borrow = bits.Sub64(lo, uint64(ns), 0)
		hi -= borrow
	} else {
		hi, lo = bits.Mul64(uint64(days), uint64(nsPerDay))
		var carry uint64
		lo, carry = bits.Add64(lo, uint64(ns), 0)
		hi += carry
	}
	x := divRound(hi, lo, unit)
	if neg {
		return -x
	}
	return x
}

// divRound returns hi:lo / d rounded to the nearest float64, ties to
// even; hi:lo < 2^100 and d > 0.
func divRound(hi, lo, d uint64) float64 {
	if hi == 0 && lo == 0 {
		return 0
	}
	// Shift the dividend so that the quotient has at least 56 bits: 53
	// for the significand, a rounding bit and more, the rest of the
	// division going into the sticky remainder.
	k := 0
	if n := len128(hi, lo) - bits.Len64(d); n < 56 {
		k = 56 - n
		hi, lo = shl128(hi, lo, uint(k))
	}
	q1, r1 := hi/d, hi%d
	q0, r := bits.Div64(r1, lo, d)
	s := len128(q1, q0) - 53 // bits below the significand, ≥ 3
	m := shr128(q1, q0, uint(s))
	round := bit128(q1, q0, uint(s-1))
	sticky := r != 0 || low128(q1, q0, uint(s-1))
	if round && (sticky || m&1 == 1) {
		m++
	}
	return math.Ldexp(float64(m), s-k)
}

func len128(hi, lo uint64) int {
	if hi != 0 {
		return 64 + bits.Len64(hi)
	}
	return bits.Len64(lo)
}

func shl128(hi, lo uint64, s uint) (uint64, uint64) {
	if s >= 64 {
		return lo << (s - 64), 0
	}
	return hi<<s | lo>>(64-s), lo << s
}

// shr128 returns the low 64 bits of hi:lo >> s.
func shr128(hi, lo uint64, s uint) uint64 {
	if s >= 64 {
		return hi >> (s - 64)
	}
	return lo>>s | hi<<(64-s)
}

// bit128 reports bit i of hi:lo.
func bit128(hi, lo uint64, i uint) bool {
	if i >= 64 {
		return hi>>(i-64)&1 == 1
	}
	return lo>>i&1 == 1
}

// low128 reports whether any of the bits of hi:lo below bit i is set.
func low128(hi, lo uint64, i uint) bool {
	if i > 64 {
		return lo != 0 || hi&(1<<(i-64)-1) != 0
	}
	return lo&(1<<i-1) != 0
}
