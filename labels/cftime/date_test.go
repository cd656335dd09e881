package cftime

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func date(y, m, d int, hms ...int) Date {
	out := Date{Year: y, Month: m, Day: d}
	for i, v := range hms {
		switch i {
		case 0:
			out.Hour = v
		case 1:
			out.Minute = v
		case 2:
			out.Second = v
		case 3:
			out.Nanosecond = v
		}
	}
	return out
}

func TestValid(t *testing.T) {
	tests := []struct {
		name string
		cal  Calendar
		d    Date
		msg  string // "" for a valid date, else part of the error
	}{
		{"leap day", Standard, date(2000, 2, 29), ""},
		{"no leap day 1900", Standard, date(1900, 2, 29), "day 29 out of range 1..28"},
		{"julian leap day 1500", Standard, date(1500, 2, 29), ""},
		{"last julian day", Standard, date(1582, 10, 4, 23, 59, 59, 999_999_999), ""},
		{"first gregorian day", Standard, date(1582, 10, 15), ""},
		{"dropped day 5", Standard, date(1582, 10, 5), "1582-10-05..14 do not exist"},
		{"dropped day 14", Standard, date(1582, 10, 14), "1582-10-05..14 do not exist"},
		{"october 31 1582", Standard, date(1582, 10, 31), ""},
		{"year 0 standard", Standard, date(0, 1, 1), "year 0 does not exist"},
		{"1 BC standard", Standard, date(-1, 12, 31), ""},
		{"1 BC leap standard", Standard, date(-1, 2, 29), ""},
		{"year 0 julian", Julian, date(0, 6, 1), "year 0 does not exist"},
		{"julian 1582-10-10", Julian, date(1582, 10, 10), ""},
		{"julian 1900-02-29", Julian, date(1900, 2, 29), ""},
		{"proleptic year 0", ProlepticGregorian, date(0, 2, 29), ""},
		{"proleptic 1582-10-10", ProlepticGregorian, date(1582, 10, 10), ""},
		{"proleptic 1900-02-29", ProlepticGregorian, date(1900, 2, 29), "day 29 out of range 1..28"},
		{"noleap feb 29", NoLeap, date(2000, 2, 29), "day 29 out of range 1..28"},
		{"noleap year 0", NoLeap, date(0, 1, 1), ""},
		{"all_leap feb 29", AllLeap, date(2001, 2, 29), ""},
		{"all_leap feb 30", AllLeap, date(2001, 2, 30), "day 30 out of range 1..29"},
		{"360_day feb 30", Day360, date(2001, 2, 30), ""},
		{"360_day jan 31", Day360, date(2001, 1, 31), "day 31 out of range 1..30"},
		{"360_day year 0", Day360, date(0, 12, 30), ""},
		{"month 13", Standard, date(2000, 13, 1), "month 13 out of range 1..12"},
		{"month 0", NoLeap, date(2000, 0, 1), "month 0 out of range"},
		{"day 0", Standard, date(2000, 1, 0), "day 0 out of range 1..31"},
		{"april 31", Standard, date(2000, 4, 31), "day 31 out of range 1..30"},
		{"hour 24", Standard, date(2000, 1, 1, 24), "hour 24 out of range 0..23"},
		{"minute 60", Day360, date(2000, 1, 1, 0, 60), "minute 60 out of range"},
		{"leap second", Standard, date(2016, 12, 31, 23, 59, 60), "second 60 out of range"},
		{"negative nanosecond", Standard, date(2000, 1, 1, 0, 0, 0, -1), "nanosecond -1 out of range"},
		{"huge year", ProlepticGregorian, date(MaxYear+1, 1, 1), "year 1000000000 out of range"},
		{"max year", ProlepticGregorian, date(MaxYear, 12, 31), ""},
		{"zero date", ProlepticGregorian, Date{}, "month 0 out of range"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cal.Valid(tc.d)
			if tc.msg == "" {
				if err != nil {
					t.Errorf("%s.Valid(%v) = %v, want nil", tc.cal, tc.d, err)
				}
				return
			}
			if !errors.Is(err, ErrDate) {
				t.Fatalf("%s.Valid(%v) = %v, want an error wrapping ErrDate", tc.cal, tc.d, err)
			}
			if !strings.Contains(err.Error(), tc.msg) || !strings.Contains(err.Error(), tc.cal.String()) {
				t.Errorf("%s.Valid(%v) = %q, want it to name the calendar and contain %q", tc.cal, tc.d, err, tc.msg)
			}
		})
	}
	if err := Calendar(42).Valid(date(2000, 1, 1)); !errors.Is(err, ErrCalendar) {
		t.Errorf("Calendar(42).Valid = %v, want ErrCalendar", err)
	}
}

func TestDateString(t *testing.T) {
	tests := []struct {
		d    Date
		want string
	}{
		{date(2000, 1, 16, 12), "2000-01-16 12:00:00"},
		{date(1, 1, 1), "0001-01-01 00:00:00"},
		{date(-1, 12, 31, 23, 59, 59), "-0001-12-31 23:59:59"},
		{date(-12345, 1, 1), "-12345-01-01 00:00:00"},
		{date(12345, 6, 7, 8, 9, 10), "12345-06-07 08:09:10"},
		{date(2000, 1, 1, 0, 0, 0, 500_000_000), "2000-01-01 00:00:00.500000"},
		{date(2000, 1, 1, 0, 0, 0, 1000), "2000-01-01 00:00:00.000001"},
		{date(2000, 1, 1, 0, 0, 0, 1), "2000-01-01 00:00:00.000000001"},
		{date(2000, 1, 1, 0, 0, 0, 123_456_789), "2000-01-01 00:00:00.123456789"},
		{Date{Month: -1}, "0000--01-00 00:00:00"},
	}
	for _, tc := range tests {
		if got := tc.d.String(); got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestCompare(t *testing.T) {
	ordered := []Date{
		date(-100, 1, 1), date(-1, 12, 31, 23, 59, 59, 999_999_999), date(1, 1, 1),
		date(1582, 10, 4), date(1582, 10, 15), date(2000, 1, 1), date(2000, 1, 1, 0, 0, 0, 1),
		date(2000, 1, 1, 0, 0, 1), date(2000, 1, 1, 0, 1), date(2000, 1, 1, 1), date(2000, 1, 2),
		date(2000, 2, 1), date(2001, 1, 1),
	}
	for i, a := range ordered {
		for j, b := range ordered {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := a.Compare(b); got != want {
				t.Errorf("%v.Compare(%v) = %d, want %d", a, b, got, want)
			}
			if a.Before(b) != (want < 0) || a.After(b) != (want > 0) {
				t.Errorf("%v.Before/After(%v) disagree with Compare = %d", a, b, want)
			}
		}
	}
}

func TestSeasons(t *testing.T) {
	tests := []struct {
		cal        Calendar
		d          Date
		season     Season
		seasonYear int
		start      Date
	}{
		{Standard, date(2000, 12, 1), DJF, 2001, date(2000, 12, 1)},
		{Standard, date(2001, 1, 15), DJF, 2001, date(2000, 12, 1)},
		{Standard, date(2001, 2, 28), DJF, 2001, date(2000, 12, 1)},
		{Standard, date(2001, 3, 1), MAM, 2001, date(2001, 3, 1)},
		{Standard, date(2001, 5, 31), MAM, 2001, date(2001, 3, 1)},
		{Standard, date(2001, 6, 1), JJA, 2001, date(2001, 6, 1)},
		{Standard, date(2001, 8, 31), JJA, 2001, date(2001, 6, 1)},
		{Standard, date(2001, 9, 1), SON, 2001, date(2001, 9, 1)},
		{Standard, date(2001, 11, 30), SON, 2001, date(2001, 9, 1)},
		{Standard, date(2001, 12, 31, 23), DJF, 2002, date(2001, 12, 1)},
		{Standard, date(-1, 12, 25), DJF, 1, date(-1, 12, 1)}, // no year 0
		{Standard, date(1, 1, 1), DJF, 1, date(-1, 12, 1)},
		{Julian, date(-1, 12, 25), DJF, 1, date(-1, 12, 1)},
		{ProlepticGregorian, date(-1, 12, 25), DJF, 0, date(-1, 12, 1)},
		{ProlepticGregorian, date(0, 2, 29), DJF, 0, date(-1, 12, 1)},
		{Day360, date(1999, 12, 30), DJF, 2000, date(1999, 12, 1)},
		{NoLeap, date(0, 1, 1), DJF, 0, date(-1, 12, 1)},
	}
	for _, tc := range tests {
		if got := tc.d.Season(); got != tc.season {
			t.Errorf("%v.Season() = %v, want %v", tc.d, got, tc.season)
		}
		if got := tc.cal.SeasonYear(tc.d); got != tc.seasonYear {
			t.Errorf("%s.SeasonYear(%v) = %d, want %d", tc.cal, tc.d, got, tc.seasonYear)
		}
		if got := tc.cal.StartOfSeason(tc.d); got != tc.start {
			t.Errorf("%s.StartOfSeason(%v) = %v, want %v", tc.cal, tc.d, got, tc.start)
		}
	}
	months := map[Season][3]int{DJF: {12, 1, 2}, MAM: {3, 4, 5}, JJA: {6, 7, 8}, SON: {9, 10, 11}}
	for s, want := range months {
		if got := s.Months(); got != want {
			t.Errorf("%v.Months() = %v, want %v", s, got, want)
		}
		for _, m := range want {
			if got := SeasonOf(m); got != s {
				t.Errorf("SeasonOf(%d) = %v, want %v", m, got, s)
			}
		}
	}
	if SeasonOf(0) != DJF || SeasonOf(13) != DJF || SeasonOf(-9) != MAM {
		t.Errorf("SeasonOf(0, 13, -9) = %v, %v, %v; want DJF, DJF, MAM", SeasonOf(0), SeasonOf(13), SeasonOf(-9))
	}
	names := []string{"DJF", "MAM", "JJA", "SON", "Season(4)"}
	for i, w := range names {
		if got := Season(i).String(); got != w {
			t.Errorf("Season(%d).String() = %q, want %q", i, got, w)
		}
	}
	d := date(2003, 7, 19, 5, 6, 7, 8)
	if got, want := d.StartOfMonth(), date(2003, 7, 1); got != want {
		t.Errorf("StartOfMonth = %v, want %v", got, want)
	}
	if got, want := d.StartOfYear(), date(2003, 1, 1); got != want {
		t.Errorf("StartOfYear = %v, want %v", got, want)
	}
}

func TestDayOfYear(t *testing.T) {
	tests := []struct {
		cal  Calendar
		d    Date
		want int
	}{
		{Standard, date(2000, 1, 1), 1},
		{Standard, date(2000, 3, 1), 61},
		{Standard, date(2001, 3, 1), 60},
		{Standard, date(2000, 12, 31), 366},
		{Standard, date(1900, 12, 31), 365},
		{Standard, date(1500, 12, 31), 366},
		{Standard, date(1582, 10, 4), 277},
		{Standard, date(1582, 10, 15), 288}, // as cftime's dayofyr: the gap is not subtracted
		{ProlepticGregorian, date(1500, 12, 31), 365},
		{Julian, date(1900, 3, 1), 61},
		{NoLeap, date(2000, 12, 31), 365},
		{AllLeap, date(2001, 3, 1), 61},
		{Day360, date(2000, 3, 1), 61},
		{Day360, date(2000, 12, 30), 360},
	}
	for _, tc := range tests {
		if got := tc.cal.DayOfYear(tc.d); got != tc.want {
			t.Errorf("%s.DayOfYear(%v) = %d, want %d", tc.cal, tc.d, got, tc.want)
		}
	}
}

func TestAddDays(t *testing.T) {
	tests := []struct {
		name string
		cal  Calendar
		d    Date
		n    int
		want Date
	}{
		{"gregorian switch", Standard, date(1582, 10, 4), 1, date(1582, 10, 15)},
		{"gregorian switch back", Standard, date(1582, 10, 15), -1, date(1582, 10, 4)},
		{"across the switch", Standard, date(1582, 10, 1, 6), 20, date(1582, 10, 31, 6)},
		{"proleptic has the days", ProlepticGregorian, date(1582, 10, 4), 1, date(1582, 10, 5)},
		{"julian has the days", Julian, date(1582, 10, 4), 1, date(1582, 10, 5)},
		{"leap day", Standard, date(2000, 2, 28), 1, date(2000, 2, 29)},
		{"no leap day", Standard, date(1900, 2, 28), 1, date(1900, 3, 1)},
		{"julian 1900 leap", Julian, date(1900, 2, 28), 1, date(1900, 2, 29)},
		{"no year zero", Standard, date(-1, 12, 31), 1, date(1, 1, 1)},
		{"no year zero julian", Julian, date(1, 1, 1), -1, date(-1, 12, 31)},
		{"year zero proleptic", ProlepticGregorian, date(-1, 12, 31), 1, date(0, 1, 1)},
		{"noleap", NoLeap, date(2000, 2, 28), 1, date(2000, 3, 1)},
		{"noleap year", NoLeap, date(2000, 1, 1), 365, date(2001, 1, 1)},
		{"all_leap", AllLeap, date(2001, 2, 28), 1, date(2001, 2, 29)},
		{"360_day month", Day360, date(2000, 1, 30), 1, date(2000, 2, 1)},
		{"360_day feb 30", Day360, date(2000, 2, 29), 1, date(2000, 2, 30)},
		{"360_day year", Day360, date(2000, 12, 30, 12), 1, date(2001, 1, 1, 12)},
		{"360_day back", Day360, date(0, 1, 1), -1, date(-1, 12, 30)},
		{"long span", Standard, date(1, 1, 1), 730121, date(2000, 1, 1)}, // Julian 0001-01-01 is proleptic 0000-12-30
		{"invalid normalised", Standard, date(2001, 2, 29), 0, date(2001, 3, 1)},
		{"saturates", ProlepticGregorian, date(2000, 1, 1), 1 << 62, date(MaxYear, 12, 31, 23, 59, 59, 999_999_999)},
		{"saturates low", NoLeap, date(2000, 1, 1), -1 << 62, date(MinYear, 1, 1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.cal.AddDays(tc.d, tc.n); got != tc.want {
				t.Errorf("%s.AddDays(%v, %d) = %v, want %v", tc.cal, tc.d, tc.n, got, tc.want)
			}
		})
	}
}

func TestAdd(t *testing.T) {
	tests := []struct {
		cal  Calendar
		d    Date
		dur  time.Duration
		want Date
	}{
		{Standard, date(1582, 10, 4, 23), time.Hour, date(1582, 10, 15)},
		{Standard, date(2000, 1, 1), -time.Nanosecond, date(1999, 12, 31, 23, 59, 59, 999_999_999)},
		{Day360, date(2000, 2, 30, 23, 30), 30 * time.Minute, date(2000, 3, 1)},
		{NoLeap, date(2000, 1, 1), 365 * 24 * time.Hour, date(2001, 1, 1)},
		{Standard, date(2000, 1, 1), 1<<63 - 1, date(2292, 4, 10, 23, 47, 16, 854_775_807)}, // as time.Time.Add
	}
	for _, tc := range tests {
		if got := tc.cal.Add(tc.d, tc.dur); got != tc.want {
			t.Errorf("%s.Add(%v, %v) = %v, want %v", tc.cal, tc.d, tc.dur, got, tc.want)
		}
	}
}

func TestAddMonths(t *testing.T) {
	tests := []struct {
		cal  Calendar
		d    Date
		n    int
		want Date
	}{
		{Standard, date(2000, 1, 31), 1, date(2000, 2, 29)},
		{Standard, date(2001, 1, 31), 1, date(2001, 2, 28)},
		{Standard, date(2000, 12, 15, 6), 1, date(2001, 1, 15, 6)},
		{Standard, date(2000, 3, 31), -1, date(2000, 2, 29)},
		{Standard, date(2000, 1, 1), -12, date(1999, 1, 1)},
		{Standard, date(1, 1, 1), -1, date(-1, 12, 1)},
		{Standard, date(-1, 12, 1), 1, date(1, 1, 1)},
		{ProlepticGregorian, date(1, 1, 1), -1, date(0, 12, 1)},
		{Standard, date(1582, 9, 10), 1, date(1582, 10, 15)}, // into the dropped days
		{Standard, date(1582, 9, 4), 1, date(1582, 10, 4)},
		{NoLeap, date(2000, 1, 29), 1, date(2000, 2, 28)},
		{AllLeap, date(2001, 1, 31), 1, date(2001, 2, 29)},
		{Day360, date(2000, 1, 30), 1, date(2000, 2, 30)},
		{Day360, date(2000, 1, 30), 23, date(2001, 12, 30)},
		{Julian, date(1900, 1, 31), 1, date(1900, 2, 29)},
		{Standard, date(2000, 1, 1), 1 << 62, date(MaxYear, 12, 31, 23, 59, 59, 999_999_999)},
	}
	for _, tc := range tests {
		if got := tc.cal.AddMonths(tc.d, tc.n); got != tc.want {
			t.Errorf("%s.AddMonths(%v, %d) = %v, want %v", tc.cal, tc.d, tc.n, got, tc.want)
		}
	}
}

func TestSub(t *testing.T) {
	tests := []struct {
		cal          Calendar
		a, b         Date
		days, ns     int64
		fractionDays float64
	}{
		{Standard, date(1582, 10, 15), date(1582, 10, 4), 1, 0, 1},
		{Standard, date(2000, 3, 1), date(2000, 2, 1), 29, 0, 29},
		{NoLeap, date(2000, 3, 1), date(2000, 2, 1), 28, 0, 28},
		{Day360, date(2000, 3, 1), date(2000, 2, 1), 30, 0, 30},
		{Standard, date(2000, 1, 1), date(2000, 1, 1, 0, 0, 0, 1), -1, nsPerDay - 1, -1e-9 / 86400},
		{Standard, date(2000, 1, 2, 12), date(2000, 1, 1), 1, nsPerDay / 2, 1.5},
		{Julian, date(1, 1, 1), date(-1, 1, 1), 366, 0, 366}, // 1 BC is a leap year
		{ProlepticGregorian, date(1, 1, 1), date(0, 1, 1), 366, 0, 366},
		{Standard, date(2001, 1, 1), date(2001, 2, 29), -59, 0, -59}, // b normalised to March 1
	}
	for _, tc := range tests {
		days, ns := tc.cal.Sub(tc.a, tc.b)
		if days != tc.days || ns != tc.ns {
			t.Errorf("%s.Sub(%v, %v) = %d days %d ns, want %d days %d ns", tc.cal, tc.a, tc.b, days, ns, tc.days, tc.ns)
		}
		if got := tc.cal.SubDays(tc.a, tc.b); got != tc.fractionDays {
			t.Errorf("%s.SubDays(%v, %v) = %v, want %v", tc.cal, tc.a, tc.b, got, tc.fractionDays)
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		cal  Calendar
		d    Date
		want Date
	}{
		{Standard, date(2000, 1, 1), date(2000, 1, 1)},
		{Standard, date(2000, 13, 1), date(2001, 1, 1)},
		{Standard, date(2000, 0, 1), date(1999, 12, 1)},
		{Standard, date(2000, 3, 0), date(2000, 2, 29)},
		{Standard, date(2001, 2, 29), date(2001, 3, 1)},
		{Standard, date(2000, 1, 1, 23, 59, 60), date(2000, 1, 2)},
		{Standard, date(2000, 1, 1, 0, 0, 0, -1), date(1999, 12, 31, 23, 59, 59, 999_999_999)},
		{Standard, date(2000, 1, 1, 48), date(2000, 1, 3)},
		{Standard, date(1582, 10, 10), date(1582, 10, 20)}, // 9 days after 1582-10-01
		{Standard, date(0, 1, 1), date(-1, 1, 1)},          // year 0 is 1 BC
		{Julian, date(1, 0, 1), date(-1, 12, 1)},
		{ProlepticGregorian, date(1, 0, 1), date(0, 12, 1)},
		{NoLeap, date(2000, 2, 29), date(2000, 3, 1)},
		{Day360, date(2000, 2, 31), date(2000, 3, 1)},
		{Day360, date(2000, 1, -29), date(1999, 12, 1)},
		{ProlepticGregorian, Date{Year: 1 << 62, Month: 1, Day: 1}, date(MaxYear, 12, 31, 23, 59, 59, 999_999_999)},
		{Julian, Date{Year: -1 << 62, Month: -1 << 62, Day: -1 << 62, Hour: -1 << 62, Minute: -1 << 62, Second: -1 << 62, Nanosecond: -1 << 62}, date(MinYear, 1, 1)},
		{Calendar(9), date(2000, 13, 1), date(2000, 13, 1)},
	}
	for _, tc := range tests {
		got := tc.cal.Normalize(tc.d)
		if got != tc.want {
			t.Errorf("%s.Normalize(%v) = %v, want %v", tc.cal, tc.d, got, tc.want)
		}
		if tc.cal.known() {
			if err := tc.cal.Valid(got); err != nil {
				t.Errorf("%s.Normalize(%v) = %v: %v", tc.cal, tc.d, got, err)
			}
		}
	}
}
