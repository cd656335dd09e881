package cftime

import (
	"errors"
	"strings"
	"testing"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		s          string
		cal        Calendar
		start, end Date
	}{
		{"2014", Standard, date(2014, 1, 1), date(2015, 1, 1)},
		{"2014-12", Standard, date(2014, 12, 1), date(2015, 1, 1)},
		{"2014-02", Standard, date(2014, 2, 1), date(2014, 3, 1)},
		{"2014-12-11", Standard, date(2014, 12, 11), date(2014, 12, 12)},
		{"2014-12-31", Standard, date(2014, 12, 31), date(2015, 1, 1)},
		{"2014-12-11T06", Standard, date(2014, 12, 11, 6), date(2014, 12, 11, 7)},
		{"2014-12-31T23", Standard, date(2014, 12, 31, 23), date(2015, 1, 1)},
		{"2014-12-11 06", Standard, date(2014, 12, 11, 6), date(2014, 12, 11, 7)},
		{"2014-12-11t06:30", Standard, date(2014, 12, 11, 6, 30), date(2014, 12, 11, 6, 31)},
		{"2014-12-11T06:30:15", Standard, date(2014, 12, 11, 6, 30, 15), date(2014, 12, 11, 6, 30, 15, 1)},
		{"2014-12-11 06:30:15.25", Standard, date(2014, 12, 11, 6, 30, 15, 250_000_000), date(2014, 12, 11, 6, 30, 15, 250_000_001)},
		{"2014-1-5T6", Standard, date(2014, 1, 5, 6), date(2014, 1, 5, 7)},
		{"  2014-1-5   6:7:8 ", Standard, date(2014, 1, 5, 6, 7, 8), date(2014, 1, 5, 6, 7, 8, 1)},
		{"1582-10-04", Standard, date(1582, 10, 4), date(1582, 10, 15)},
		{"1582-10", Standard, date(1582, 10, 1), date(1582, 11, 1)},
		{"1582-10-04", ProlepticGregorian, date(1582, 10, 4), date(1582, 10, 5)},
		{"-1", Julian, date(-1, 1, 1), date(1, 1, 1)},
		{"-1-12", Standard, date(-1, 12, 1), date(1, 1, 1)},
		{"-1", ProlepticGregorian, date(-1, 1, 1), date(0, 1, 1)},
		{"0", NoLeap, date(0, 1, 1), date(1, 1, 1)},
		{"+0300", Day360, date(300, 1, 1), date(301, 1, 1)},
		{"2001-02", NoLeap, date(2001, 2, 1), date(2001, 3, 1)},
		{"2000-02-29", Standard, date(2000, 2, 29), date(2000, 3, 1)},
		{"2001-02-30", Day360, date(2001, 2, 30), date(2001, 3, 1)},
		{"2001-12-30", Day360, date(2001, 12, 30), date(2002, 1, 1)},
		{"2001-02-29", AllLeap, date(2001, 2, 29), date(2001, 3, 1)},
		{"000000002014", Standard, date(2014, 1, 1), date(2015, 1, 1)},
		{"999999998", ProlepticGregorian, date(999999998, 1, 1), date(999999999, 1, 1)},
	}
	for _, tc := range tests {
		t.Run(tc.cal.String()+"/"+tc.s, func(t *testing.T) {
			start, end, err := ParseDate(tc.s, tc.cal)
			if err != nil {
				t.Fatalf("ParseDate(%q, %s): %v", tc.s, tc.cal, err)
			}
			if start != tc.start || end != tc.end {
				t.Errorf("ParseDate(%q, %s) = [%v, %v), want [%v, %v)", tc.s, tc.cal, start, end, tc.start, tc.end)
			}
		})
	}
}

func TestParseDateErrors(t *testing.T) {
	tests := []struct {
		s   string
		cal Calendar
		msg string
	}{
		{"", Standard, "want a year"},
		{"x2014", Standard, "want a year"},
		{"2014-13", Standard, "month 13 out of range 1..12"},
		{"2014-00", Standard, "month 0 out of range"},
		{"2014-12-32", Standard, "day 32 out of range 1..31"},
		{"2001-02-29", Standard, "day 29 out of range 1..28"},
		{"2000-02-29", NoLeap, "day 29 out of range 1..28"},
		{"2000-01-31", Day360, "day 31 out of range 1..30"},
		{"1582-10-10", Standard, "1582-10-05..14 do not exist"},
		{"0", Standard, "year 0 does not exist"},
		{"0000-06", Julian, "year 0 does not exist"},
		{"2014-12-11T24", Standard, "hour 24 out of range"},
		{"2014-12-11T06:60", Standard, "minute 60 out of range"},
		{"2014-12-11T06:30:60", Standard, "second 60 out of range"},
		{"2014-", Standard, "want a month"},
		{"2014-123", Standard, "want a month of one or two digits"},
		{"2014-12-", Standard, "want a day"},
		{"2014-12-11T", Standard, "want a time of day"},
		{"2014-12-11T06:", Standard, `unexpected ":"`},
		{"2014-12-11T06:30:15.", Standard, `unexpected "."`},
		{"2014-12-11T06:30.5", Standard, `unexpected ".5"`},
		{"2014-12-11T06:30:15Z", Standard, `unexpected "Z"`},
		{"2014-12-11 x", Standard, "want a time of day"},
		{"2014/12/11", Standard, `unexpected "/12/11"`},
		{"12345678901234567890", Standard, "year has more than 9 digits"},
		{"999999999", ProlepticGregorian, "year 999999999 out of range"},
		{"-1000000000", ProlepticGregorian, "year has more than 9 digits"},
	}
	for _, tc := range tests {
		t.Run(tc.s, func(t *testing.T) {
			_, _, err := ParseDate(tc.s, tc.cal)
			if !errors.Is(err, ErrDate) {
				t.Fatalf("ParseDate(%q, %s) = %v, want ErrDate", tc.s, tc.cal, err)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.msg) || !strings.Contains(msg, `"`+tc.s+`"`) {
				t.Errorf("ParseDate(%q, %s) = %q, want it to quote the string and contain %q", tc.s, tc.cal, msg, tc.msg)
			}
		})
	}
	if _, _, err := ParseDate("2000", Calendar(6)); !errors.Is(err, ErrCalendar) {
		t.Errorf("ParseDate with Calendar(6) = %v, want ErrCalendar", err)
	}
}
