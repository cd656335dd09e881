package cftime

import "errors"

// Sentinel errors. Every error returned by this package wraps one of them
// (one about the reference time of a units attribute wraps both ErrUnits
// and ErrDate), so callers test with [errors.Is]:
//
//	if errors.Is(err, cftime.ErrCalendar) { … }
//
// The messages are built as strconv's are: the package prefix, the
// sentinel's text, then the offending input, quoted, and the reason, as in
//
//	cftime: unknown calendar "gregorain"
//	cftime: invalid time units "fortnights since 2000-01-01": unknown unit "fortnights"
//	cftime: invalid date "2014-13" in calendar standard: month 13 out of range 1..12
var (
	// ErrCalendar reports a calendar attribute that is not one of the CF
	// calendars this package implements, or a Calendar value out of range.
	ErrCalendar = errors.New("unknown calendar")

	// ErrUnits reports a units attribute that is not "<unit> since
	// <reference time>" with a unit and a reference time this package
	// accepts for the calendar.
	ErrUnits = errors.New("invalid time units")

	// ErrDate reports a date that does not exist in its calendar
	// (2001-02-29 in noleap, 1582-10-10 in standard, year 0 in julian, …)
	// or a date string that cannot be parsed.
	ErrDate = errors.New("invalid date")

	// ErrRange reports a number that cannot be decoded to a date (NaN,
	// ±Inf, beyond the 64-bit microsecond range cftime uses, or past the
	// supported years) or a date beyond the supported years.
	ErrRange = errors.New("value out of range")
)
