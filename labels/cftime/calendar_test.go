package cftime

import (
	"errors"
	"strings"
	"testing"
)

func TestParseCalendar(t *testing.T) {
	tests := []struct {
		attr string
		want Calendar
	}{
		{"", Standard},
		{"standard", Standard},
		{"gregorian", Standard},
		{"Gregorian", Standard},
		{" STANDARD \x00", Standard},
		{"proleptic_gregorian", ProlepticGregorian},
		{"Proleptic_Gregorian", ProlepticGregorian},
		{"julian", Julian},
		{"noleap", NoLeap},
		{"365_day", NoLeap},
		{"NOLEAP", NoLeap},
		{"all_leap", AllLeap},
		{"366_day", AllLeap},
		{"360_day", Day360},
	}
	for _, tc := range tests {
		t.Run(tc.attr, func(t *testing.T) {
			got, err := ParseCalendar(tc.attr)
			if err != nil || got != tc.want {
				t.Errorf("ParseCalendar(%q) = %v, %v; want %v, nil", tc.attr, got, err, tc.want)
			}
		})
	}
	for _, c := range []Calendar{Standard, ProlepticGregorian, Julian, NoLeap, AllLeap, Day360} {
		if got, err := ParseCalendar(c.String()); err != nil || got != c {
			t.Errorf("ParseCalendar(%q) = %v, %v; want %v (round trip)", c.String(), got, err, c)
		}
	}
}

func TestParseCalendarErrors(t *testing.T) {
	tests := []struct{ attr, msg string }{
		{"gregorain", `cftime: unknown calendar "gregorain"`},
		{"365", `cftime: unknown calendar "365"`},
		{"utc", `cftime: unknown calendar "utc": calendars with leap seconds`},
		{"TAI", `cftime: unknown calendar "TAI"`},
		{"none", `cftime: unknown calendar "none": a time axis without a calendar`},
		{"proleptic gregorian", `"proleptic gregorian"`},
	}
	for _, tc := range tests {
		t.Run(tc.attr, func(t *testing.T) {
			_, err := ParseCalendar(tc.attr)
			if !errors.Is(err, ErrCalendar) {
				t.Fatalf("ParseCalendar(%q) error = %v, want ErrCalendar", tc.attr, err)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("ParseCalendar(%q) error = %q, want it to contain %q", tc.attr, err, tc.msg)
			}
		})
	}
}

func TestCalendarString(t *testing.T) {
	want := []string{"standard", "proleptic_gregorian", "julian", "noleap", "all_leap", "360_day", "Calendar(6)"}
	for c, w := range want {
		if got := Calendar(c).String(); got != w {
			t.Errorf("Calendar(%d).String() = %q, want %q", c, got, w)
		}
	}
}

func TestIsLeap(t *testing.T) {
	tests := []struct {
		cal  Calendar
		year int
		want bool
	}{
		{Standard, 2000, true},
		{Standard, 1900, false}, // Gregorian rule from 1582
		{Standard, 1600, true},
		{Standard, 1500, true}, // Julian rule before 1582
		{Standard, 1582, false},
		{Standard, 1584, true},
		{Standard, -1, true}, // 1 BC: no year zero
		{Standard, -5, true},
		{Standard, -4, false},
		{ProlepticGregorian, 1900, false},
		{ProlepticGregorian, 1500, false},
		{ProlepticGregorian, 2000, true},
		{ProlepticGregorian, 0, true}, // 1 BC in ISO 8601
		{ProlepticGregorian, -4, true},
		{ProlepticGregorian, -1, false},
		{ProlepticGregorian, -100, false},
		{ProlepticGregorian, -400, true},
		{Julian, 1900, true},
		{Julian, 1500, true},
		{Julian, 2001, false},
		{Julian, -1, true},
		{Julian, -9, true},
		{Julian, -4, false},
		{NoLeap, 2000, false},
		{NoLeap, 0, false},
		{AllLeap, 2001, true},
		{AllLeap, 0, true},
		{Day360, 2000, false},
		{Calendar(9), 2000, false},
	}
	for _, tc := range tests {
		if got := tc.cal.IsLeap(tc.year); got != tc.want {
			t.Errorf("%s.IsLeap(%d) = %v, want %v", tc.cal, tc.year, got, tc.want)
		}
	}
}

func TestDaysInMonthAndYear(t *testing.T) {
	tests := []struct {
		cal                      Calendar
		year, month              int
		wantMonth, wantYearTotal int
	}{
		{Standard, 2000, 2, 29, 366},
		{Standard, 1900, 2, 28, 365},
		{Standard, 1500, 2, 29, 366},
		{Standard, 1582, 10, 21, 355}, // 1582-10-05..14 dropped
		{Standard, 1582, 9, 30, 355},
		{Standard, 2001, 4, 30, 365},
		{ProlepticGregorian, 1582, 10, 31, 365},
		{ProlepticGregorian, 1500, 2, 28, 365},
		{Julian, 1900, 2, 29, 366},
		{Julian, 1582, 10, 31, 365},
		{NoLeap, 2000, 2, 28, 365},
		{AllLeap, 2001, 2, 29, 366},
		{Day360, 2000, 2, 30, 360},
		{Day360, 2000, 12, 30, 360},
		{Day360, 2000, 1, 30, 360},
		{Standard, 2000, 13, 0, 366},
		{Standard, 2000, 0, 0, 366},
	}
	for _, tc := range tests {
		if got := tc.cal.DaysInMonth(tc.year, tc.month); got != tc.wantMonth {
			t.Errorf("%s.DaysInMonth(%d, %d) = %d, want %d", tc.cal, tc.year, tc.month, got, tc.wantMonth)
		}
		if got := tc.cal.DaysInYear(tc.year); got != tc.wantYearTotal {
			t.Errorf("%s.DaysInYear(%d) = %d, want %d", tc.cal, tc.year, got, tc.wantYearTotal)
		}
	}
	// DaysInYear is the sum of DaysInMonth and the days AddDays counts.
	for c := Standard; c <= Day360; c++ {
		for _, y := range []int{-401, -5, -1, 1, 4, 100, 1581, 1582, 1583, 1600, 1700, 2000, 2100} {
			if y == 0 && !c.HasYearZero() {
				continue
			}
			sum := 0
			for m := 1; m <= 12; m++ {
				sum += c.DaysInMonth(y, m)
			}
			if n := c.DaysInYear(y); sum != n {
				t.Errorf("%s %d: months sum to %d days, DaysInYear = %d", c, y, sum, n)
			}
			start := Date{Year: y, Month: 1, Day: 1}
			next := Date{Year: c.AddYears(y, 1), Month: 1, Day: 1}
			if days, ns := c.Sub(next, start); days != int64(sum) || ns != 0 {
				t.Errorf("%s: Sub(%v, %v) = %d days %d ns, want %d days", c, next, start, days, ns, sum)
			}
		}
	}
}

func TestHasYearZero(t *testing.T) {
	want := map[Calendar]bool{Standard: false, Julian: false, ProlepticGregorian: true, NoLeap: true, AllLeap: true, Day360: true}
	for c, w := range want {
		if got := c.HasYearZero(); got != w {
			t.Errorf("%s.HasYearZero() = %v, want %v", c, got, w)
		}
	}
}

func TestAddYears(t *testing.T) {
	tests := []struct {
		cal        Calendar
		y, n, want int
	}{
		{Standard, -1, 1, 1},
		{Standard, 1, -1, -1},
		{Julian, -2, 3, 2},
		{Standard, 0, 1, 1}, // year 0 read as 1 BC
		{ProlepticGregorian, -1, 1, 0},
		{NoLeap, -1, 2, 1},
		{Day360, 2000, -2001, -1},
	}
	for _, tc := range tests {
		if got := tc.cal.AddYears(tc.y, tc.n); got != tc.want {
			t.Errorf("%s.AddYears(%d, %d) = %d, want %d", tc.cal, tc.y, tc.n, got, tc.want)
		}
	}
}

// TestDayNumbers checks the day-number conversions against each other
// and against known dates over a wide range, every day.
func TestDayNumbers(t *testing.T) {
	// Known day numbers (days since 1970-01-01, proleptic Gregorian).
	known := []struct {
		cal     Calendar
		y, m, d int
		want    int64
	}{
		{ProlepticGregorian, 1970, 1, 1, 0},
		{ProlepticGregorian, 2000, 3, 1, 11017},
		{Standard, 1582, 10, 15, -141427},
		{Standard, 1582, 10, 4, -141428},
		{Julian, 1582, 10, 4, -141428},
		{Julian, 1970, 1, 1, 13},          // Julian 1970-01-01 is Gregorian 1970-01-14
		{Standard, -4713, 1, 1, -2440588}, // Julian day 0 at noon: Unix epoch is JD 2440587.5
		{NoLeap, 0, 1, 1, 0},
		{NoLeap, 1, 1, 1, 365},
		{AllLeap, -1, 12, 31, -1},
		{Day360, 1, 2, 1, 390},
	}
	for _, tc := range known {
		if got := tc.cal.dayNumber(int64(tc.y), tc.m, int64(tc.d)); got != tc.want {
			t.Errorf("%s day number of %d-%02d-%02d = %d, want %d", tc.cal, tc.y, tc.m, tc.d, got, tc.want)
		}
	}
	for c := Standard; c <= Day360; c++ {
		first := c.dayNumber(-2001, 1, 1)
		last := c.dayNumber(2401, 1, 1)
		prev := Date{Year: -2002, Month: 12, Day: 31}
		for n := first; n < last; n++ {
			y, m, d := c.civil(n)
			date := Date{Year: int(y), Month: m, Day: d}
			if err := c.Valid(date); err != nil {
				t.Fatalf("%s: civil(%d) = %v: %v", c, n, date, err)
			}
			if back := c.dayNumber(y, m, int64(d)); back != n {
				t.Fatalf("%s: civil(%d) = %v, whose day number is %d", c, n, date, back)
			}
			if !prev.Before(date) {
				t.Fatalf("%s: day %d is %v, not after %v", c, n, date, prev)
			}
			prev = date
		}
	}
	// The supported range converts both ways at its ends.
	for c := Standard; c <= Day360; c++ {
		for _, d := range []Date{{Year: MinYear, Month: 1, Day: 1}, {Year: MaxYear, Month: 12, Day: c.DaysInMonth(MaxYear, 12)}} {
			n := c.dayNumber(int64(d.Year), d.Month, int64(d.Day))
			y, m, dd := c.civil(n)
			if got := (Date{Year: int(y), Month: m, Day: dd}); got != d {
				t.Errorf("%s: civil(dayNumber(%v)) = %v", c, d, got)
			}
		}
	}
}
