package cftime

import (
	"errors"
	"math"
	"testing"
)

// unitsSeeds are the units attributes found in real files, and some that
// must fail.
var unitsSeeds = []string{
	"hours since 1900-01-01 00:00:0.0",
	"days since 1-1-1",
	"seconds since 1970-01-01T00:00:00Z",
	"days since 2000-01-01 00:00:00 +05:00",
	"hours since 1900-1-1 0:0:0",
	"days since 2000-01-01 00:00:00.0 UTC",
	"  days   since   2000-01-01   00:00:00  ",
	"days since -4713-01-01-12",
	"minutes since 2000-01-01 00:00:00 -0330",
	"months since 2000-01-01",
	"common_years since 0000-01-01",
	"ms since 1970-01-01 00:00:00.123456789",
	"days since 1582-10-15",
	"days since 999999999-12-31 23:59:59 -23:59",
	"fortnights since 2000-01-01",
	"days since 2000-13-01",
}

// FuzzParseUnits checks that ParseUnits never panics, that its errors
// wrap ErrUnits (or ErrCalendar), that whatever parses comes back from
// its String, and that Encode(Decode(x)) ≈ x for small x.
func FuzzParseUnits(f *testing.F) {
	for i, s := range unitsSeeds {
		f.Add(s, uint8(i), 1.5)
	}
	f.Fuzz(func(t *testing.T, attr string, calIndex uint8, x float64) {
		cal := Calendar(calIndex % (uint8(Day360) + 1))
		u, err := ParseUnits(attr, cal)
		if err != nil {
			if !errors.Is(err, ErrUnits) {
				t.Fatalf("ParseUnits(%q, %s) = %v, not ErrUnits", attr, cal, err)
			}
			return
		}
		s := u.String()
		back, err := ParseUnits(s, cal)
		if err != nil || back != u {
			t.Fatalf("ParseUnits(%q) = %+v; ParseUnits(String() = %q) = %+v, %v", attr, u, s, back, err)
		}
		if math.IsNaN(x) || math.Abs(x) > 1e6 {
			return
		}
		d, err := u.Decode(x)
		if err != nil {
			if !errors.Is(err, ErrRange) {
				t.Fatalf("Decode(%v) with %q = %v, not ErrRange", x, s, err)
			}
			return
		}
		if err := cal.Valid(d); err != nil {
			t.Fatalf("Decode(%v) with %q = %v: %v", x, s, d, err)
		}
		v, err := u.Encode(d)
		if err != nil {
			t.Fatalf("Encode(Decode(%v) = %v) with %q: %v", x, d, s, err)
		}
		// Decode moves x by at most 1 µs (rounding to the microsecond and
		// cftime's snap); Encode adds half an ulp.
		tol := 1000/float64(u.Unit.Nanoseconds())*(1+1e-9) + ulp(x)
		if math.Abs(v-x) > tol {
			t.Fatalf("Encode(Decode(%v)) with %q = %v (via %v): off by %g > %g", x, s, v, d, v-x, tol)
		}
	})
}

func ulp(x float64) float64 {
	x = math.Abs(x)
	return math.Nextafter(x, math.Inf(1)) - x
}

// FuzzParseDate checks that ParseDate never panics, that its errors wrap
// ErrDate, that it returns valid start < end, and that a start written
// out with String parses back to itself.
func FuzzParseDate(f *testing.F) {
	for i, s := range []string{
		"2014", "2014-12", "2014-12-11", "2014-12-11T06", "2014-12-11 06:30",
		"2014-12-11T06:30:15.25", "1582-10-04", "-1", "2001-02-30", "2014-1-5T6",
		"99999999999999999999999999999", "2014-13", "0",
	} {
		f.Add(s, uint8(i))
	}
	f.Fuzz(func(t *testing.T, s string, calIndex uint8) {
		cal := Calendar(calIndex % (uint8(Day360) + 1))
		start, end, err := ParseDate(s, cal)
		if err != nil {
			if !errors.Is(err, ErrDate) {
				t.Fatalf("ParseDate(%q, %s) = %v, not ErrDate", s, cal, err)
			}
			return
		}
		if !start.Before(end) {
			t.Fatalf("ParseDate(%q, %s) = [%v, %v), empty", s, cal, start, end)
		}
		if err := cal.Valid(start); err != nil {
			t.Fatalf("ParseDate(%q, %s) start: %v", s, cal, err)
		}
		if err := cal.Valid(end); err != nil {
			t.Fatalf("ParseDate(%q, %s) end: %v", s, cal, err)
		}
		again, next, err := ParseDate(start.String(), cal)
		if err != nil || again != start || next != cal.Add(start, 1) {
			t.Fatalf("ParseDate(%q) = [%v, %v), %v; want [%v, +1ns)", start.String(), again, next, err, start)
		}
	})
}
