package cftime

import (
	"errors"
	"strings"
	"testing"
)

func TestParseUnits(t *testing.T) {
	tests := []struct {
		attr string
		cal  Calendar
		want Units
		str  string // want String()
	}{
		{"hours since 1900-01-01 00:00:0.0", Standard,
			Units{Unit: Hour, Ref: date(1900, 1, 1)}, "hours since 1900-01-01 00:00:00"},
		{"days since 1-1-1", Standard,
			Units{Unit: Day, Ref: date(1, 1, 1)}, "days since 0001-01-01 00:00:00"},
		{"seconds since 1970-01-01T00:00:00Z", ProlepticGregorian,
			Units{Unit: Second, Ref: date(1970, 1, 1), Calendar: ProlepticGregorian}, "seconds since 1970-01-01 00:00:00"},
		{"days since 2000-01-01 00:00:00 +05:00", Standard,
			Units{Unit: Day, Ref: date(2000, 1, 1), TZOffsetMinutes: 300}, "days since 2000-01-01 00:00:00 +05:00"},
		{"hours since 1900-1-1 0:0:0", NoLeap,
			Units{Unit: Hour, Ref: date(1900, 1, 1), Calendar: NoLeap}, "hours since 1900-01-01 00:00:00"},
		{"days since 2000-01-01 00:00:00.0 UTC", Standard,
			Units{Unit: Day, Ref: date(2000, 1, 1)}, "days since 2000-01-01 00:00:00"},
		{"  days   since   2000-01-01   00:00:00  ", Standard,
			Units{Unit: Day, Ref: date(2000, 1, 1)}, "days since 2000-01-01 00:00:00"},
		{"Days Since 2000-01-01", Standard,
			Units{Unit: Day, Ref: date(2000, 1, 1)}, "days since 2000-01-01 00:00:00"},
		{"d since 2000-1-1 12:30", Day360,
			Units{Unit: Day, Ref: date(2000, 1, 1, 12, 30), Calendar: Day360}, "days since 2000-01-01 12:30:00"},
		{"hr since 2000-01-01 06", Standard, // hour only: 06:00 (cftime: 00:00)
			Units{Unit: Hour, Ref: date(2000, 1, 1, 6)}, "hours since 2000-01-01 06:00:00"},
		{"h since 2000-01-01T06", Julian,
			Units{Unit: Hour, Ref: date(2000, 1, 1, 6), Calendar: Julian}, "hours since 2000-01-01 06:00:00"},
		{"minutes since 2000-01-01 00:00:00 -0330", Standard,
			Units{Unit: Minute, Ref: date(2000, 1, 1), TZOffsetMinutes: -210}, "minutes since 2000-01-01 00:00:00 -03:30"},
		{"min since 2000-01-01 00:00:00+5", Standard,
			Units{Unit: Minute, Ref: date(2000, 1, 1), TZOffsetMinutes: 300}, "minutes since 2000-01-01 00:00:00 +05:00"},
		{"days since -4713-01-01-12", Julian, // fromordinal's idiom: midnight at UTC−12
			Units{Unit: Day, Ref: date(-4713, 1, 1), Calendar: Julian, TZOffsetMinutes: -720}, "days since -4713-01-01 00:00:00 -12:00"},
		{"sec since 2000-01-01 00:00:00.123456789123", Standard,
			Units{Unit: Second, Ref: date(2000, 1, 1, 0, 0, 0, 123_456_789)}, "seconds since 2000-01-01 00:00:00.123456789"},
		{"s since 2000-01-01 00:00:00.25", Standard,
			Units{Unit: Second, Ref: date(2000, 1, 1, 0, 0, 0, 250_000_000)}, "seconds since 2000-01-01 00:00:00.250000"},
		{"milliseconds since 1970-01-01", Standard,
			Units{Unit: Millisecond, Ref: date(1970, 1, 1)}, "milliseconds since 1970-01-01 00:00:00"},
		{"msec since 1970-01-01", Standard, Units{Unit: Millisecond, Ref: date(1970, 1, 1)}, ""},
		{"ms since 1970-01-01", Standard, Units{Unit: Millisecond, Ref: date(1970, 1, 1)}, ""},
		{"microseconds since 1970-01-01", Standard,
			Units{Unit: Microsecond, Ref: date(1970, 1, 1)}, "microseconds since 1970-01-01 00:00:00"},
		{"usec since 1970-01-01", Standard, Units{Unit: Microsecond, Ref: date(1970, 1, 1)}, ""},
		{"us since 1970-01-01", Standard, Units{Unit: Microsecond, Ref: date(1970, 1, 1)}, ""},
		{"months since 2000-01-01", Day360,
			Units{Unit: Month, Ref: date(2000, 1, 1), Calendar: Day360}, "months since 2000-01-01 00:00:00"},
		{"common_years since 0000-01-01", NoLeap,
			Units{Unit: CommonYear, Ref: date(0, 1, 1), Calendar: NoLeap}, "common_years since 0000-01-01 00:00:00"},
		{"days since 0000-01-01", ProlepticGregorian,
			Units{Unit: Day, Ref: date(0, 1, 1), Calendar: ProlepticGregorian}, "days since 0000-01-01 00:00:00"},
		{"days since +2000-01-01", Standard, Units{Unit: Day, Ref: date(2000, 1, 1)}, ""},
		{"days since 1582-10-15", Standard, Units{Unit: Day, Ref: date(1582, 10, 15)}, ""},
		{"days since 2000-02-30", Day360, Units{Unit: Day, Ref: date(2000, 2, 30), Calendar: Day360}, ""},
		{"days since 1850-01-01 00:00:00 GMT", Standard, Units{Unit: Day, Ref: date(1850, 1, 1)}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.attr, func(t *testing.T) {
			tc.want.Calendar = tc.cal
			got, err := ParseUnits(tc.attr, tc.cal)
			if err != nil {
				t.Fatalf("ParseUnits(%q, %s): %v", tc.attr, tc.cal, err)
			}
			if got != tc.want {
				t.Fatalf("ParseUnits(%q, %s) = %+v, want %+v", tc.attr, tc.cal, got, tc.want)
			}
			s := got.String()
			if tc.str != "" && s != tc.str {
				t.Errorf("String() = %q, want %q", s, tc.str)
			}
			back, err := ParseUnits(s, tc.cal)
			if err != nil || back != got {
				t.Errorf("ParseUnits(%q) = %+v, %v; want %+v (round trip)", s, back, err, got)
			}
		})
	}
}

func TestParseUnitsErrors(t *testing.T) {
	tests := []struct {
		attr string
		cal  Calendar
		is   []error
		msg  string
	}{
		{"fortnights since 2000-01-01", Standard, []error{ErrUnits}, `unknown unit "fortnights"`},
		{"months since 2000-01-01", Standard, []error{ErrUnits}, `"months" is allowed only with the 360_day calendar`},
		{"months since 2000-01-01", NoLeap, []error{ErrUnits}, "not noleap"},
		{"common_years since 2000-01-01", Standard, []error{ErrUnits}, `"common_years" is allowed only with the noleap calendar`},
		{"years since 2000-01-01", Day360, []error{ErrUnits}, `unit "years" has no fixed length`},
		{"days", Standard, []error{ErrUnits}, `want "<unit> since <reference time>"`},
		{"", Standard, []error{ErrUnits}, `want "<unit> since`},
		{"days after 2000-01-01", Standard, []error{ErrUnits}, `want "<unit> since`},
		{"days since", Standard, []error{ErrUnits}, "want a year"},
		{"days since 2000", Standard, []error{ErrUnits}, "needs a year, a month and a day"},
		{"days since 2000-01", Standard, []error{ErrUnits}, "needs a year, a month and a day"},
		{"days since 2000-001-01", Standard, []error{ErrUnits}, "want a month of one or two digits"},
		{"days since 2000-01-01T", Standard, []error{ErrUnits}, "want a time of day"},
		{"days since 2000-01-01 12:345", Standard, []error{ErrUnits}, "want a time of day"},
		{"days since 2000-01-01 00:00:00 EST", Standard, []error{ErrUnits}, "want a time zone"},
		{"days since 2000-01-01 00:00:00 +25:00", Standard, []error{ErrUnits}, "out of range"},
		{"days since 2000-01-01 00:00:00 +05:00 junk", Standard, []error{ErrUnits}, `unexpected "junk"`},
		{"days since 1234567890-01-01", Standard, []error{ErrUnits}, "year has more than 9 digits"},
		{"days since 2000-13-01", Standard, []error{ErrUnits, ErrDate}, "month 13 out of range"},
		{"days since 2001-02-29", Standard, []error{ErrUnits, ErrDate}, "day 29 out of range 1..28"},
		{"days since 2000-02-29", NoLeap, []error{ErrUnits, ErrDate}, "day 29 out of range 1..28"},
		{"days since 2000-01-31", Day360, []error{ErrUnits, ErrDate}, "day 31 out of range 1..30"},
		{"days since 0000-01-01", Standard, []error{ErrUnits, ErrDate}, "year 0 does not exist"},
		{"days since 0-1-1", Julian, []error{ErrUnits, ErrDate}, "year 0 does not exist"},
		{"days since 1582-10-10", Standard, []error{ErrUnits, ErrDate}, "1582-10-05..14 do not exist"},
		{"days since 2000-01-01 24:00:00", Standard, []error{ErrUnits, ErrDate}, "hour 24 out of range"},
		{"days since 2000-01-01", Calendar(7), []error{ErrCalendar}, "unknown calendar Calendar(7)"},
	}
	for _, tc := range tests {
		t.Run(tc.attr, func(t *testing.T) {
			_, err := ParseUnits(tc.attr, tc.cal)
			if err == nil {
				t.Fatalf("ParseUnits(%q, %s) succeeded, want an error", tc.attr, tc.cal)
			}
			for _, target := range tc.is {
				if !errors.Is(err, target) {
					t.Errorf("ParseUnits(%q, %s) = %v, want it to wrap %v", tc.attr, tc.cal, err, target)
				}
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("ParseUnits(%q, %s) = %q, want it to contain %q", tc.attr, tc.cal, err, tc.msg)
			}
			if tc.cal.known() && !strings.Contains(err.Error(), `"`+tc.attr+`"`) {
				t.Errorf("ParseUnits(%q, %s) = %q, want it to quote the attribute", tc.attr, tc.cal, err)
			}
		})
	}
}

func TestUnitString(t *testing.T) {
	for u := Microsecond; u <= CommonYear; u++ {
		if got := unitNames[u.String()]; got != u {
			t.Errorf("unitNames[%q] = %v, want %v", u.String(), got, u)
		}
	}
	if got := Unit(0).String(); got != "Unit(0)" {
		t.Errorf("Unit(0).String() = %q", got)
	}
	if Unit(0).Nanoseconds() != 0 || Day.Nanoseconds() != 86400e9 || Month.Nanoseconds() != 30*86400e9 {
		t.Errorf("Nanoseconds: Unit(0) %d, Day %d, Month %d", Unit(0).Nanoseconds(), Day.Nanoseconds(), Month.Nanoseconds())
	}
}

// TestUnitsCheck checks that Decode and Encode refuse a Units built by
// hand that ParseUnits would not return.
func TestUnitsCheck(t *testing.T) {
	tests := []struct {
		name string
		u    Units
		is   error
	}{
		{"zero unit", Units{Ref: date(2000, 1, 1)}, ErrUnits},
		{"months in standard", Units{Unit: Month, Ref: date(2000, 1, 1)}, ErrUnits},
		{"invalid reference", Units{Unit: Day, Ref: date(2001, 2, 29)}, ErrDate},
		{"zero reference", Units{Unit: Day}, ErrUnits},
		{"offset", Units{Unit: Day, Ref: date(2000, 1, 1), TZOffsetMinutes: 1440}, ErrUnits},
		{"calendar", Units{Unit: Day, Ref: date(2000, 1, 1), Calendar: 6}, ErrCalendar},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.u.Decode(0); !errors.Is(err, tc.is) {
				t.Errorf("Decode: %v, want %v", err, tc.is)
			}
			if _, err := tc.u.Encode(date(2000, 1, 1)); !errors.Is(err, tc.is) {
				t.Errorf("Encode: %v, want %v", err, tc.is)
			}
			if err := tc.u.DecodeAll(make([]Date, 1), []float64{0}); !errors.Is(err, tc.is) {
				t.Errorf("DecodeAll: %v, want %v", err, tc.is)
			}
			if err := tc.u.EncodeAll(make([]float64, 1), []Date{date(2000, 1, 1)}); !errors.Is(err, tc.is) {
				t.Errorf("EncodeAll: %v, want %v", err, tc.is)
			}
		})
	}
}
