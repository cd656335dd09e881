package cftime

import (
	"fmt"
	"strings"
	"time"
)

// ParseDate parses a date string for selection, such as a label of
// labels' Sel, and returns the half-open interval [start, end) of the
// calendar cal that it names, as xarray's partial date strings do:
//
//	"2014"                 the year:   [2014-01-01 00:00, 2015-01-01 00:00)
//	"2014-12"              the month:  [2014-12-01 00:00, 2015-01-01 00:00)
//	"2014-12-11"           the day:    [2014-12-11 00:00, 2014-12-12 00:00)
//	"2014-12-11T06"        the hour:   [2014-12-11 06:00, 2014-12-11 07:00)
//	"2014-12-11T06:30"     the minute: [06:30, 06:31)
//	"2014-12-11T06:30:15"  an instant: [06:30:15, 06:30:15.000000001)
//	"2014-12-11 06:30:15.25"
//
// Fields other than the year may have one digit ("2014-1-5T6"); the
// year may have a sign and up to nine significant digits (and must lie
// in [MinYear, MaxYear)); "T", "t" or spaces separate the date from the
// time; white space around the string is ignored; a time zone is not
// accepted. A string with seconds names the instant it spells, to the
// nanosecond. The interval follows the calendar: "1582-10-04" ends at
// 1582-10-15 in Standard, "-1" is followed by year 1 in Julian,
// "2001-02-30" exists only in Day360.
//
// The error wraps ErrDate and quotes s; an invalid cal gives ErrCalendar.
func ParseDate(s string, cal Calendar) (start, end Date, err error) {
	if err := cal.check(); err != nil {
		return Date{}, Date{}, err
	}
	t, reason := parseDateText(strings.Trim(s, " \t\r\n"), false)
	if reason == "" {
		if t.d.Year >= MaxYear {
			reason = fmt.Sprintf("year %d out of range %d..%d", t.d.Year, MinYear, MaxYear-1)
		} else {
			reason = cal.invalid(t.d)
		}
	}
	if reason != "" {
		return Date{}, Date{}, fmt.Errorf("cftime: %w %q in calendar %s: %s", ErrDate, s, cal, reason)
	}
	start = t.d
	switch t.res {
	case resYear:
		end = Date{Year: cal.AddYears(start.Year, 1), Month: 1, Day: 1}
	case resMonth:
		end = cal.AddMonths(start, 1)
	case resDay:
		end = cal.AddDays(start, 1)
	case resHour:
		end = cal.Add(start, time.Hour)
	case resMinute:
		end = cal.Add(start, time.Minute)
	default:
		end = cal.Add(start, time.Nanosecond)
	}
	return start, end, nil
}
