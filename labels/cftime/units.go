package cftime

import (
	"fmt"
	"strconv"
	"strings"
)

// Unit is the unit of a time coordinate's numbers.
type Unit uint8

// The units of CF §4.4. The zero Unit is not a unit.
const (
	Microsecond Unit = iota + 1
	Millisecond
	Second
	Minute
	Hour
	Day
	// Month is 30 days. cftime allows "months since" only with the 360_day
	// calendar, where it is a calendar month; so does ParseUnits.
	Month
	// CommonYear is 365 days. cftime allows "common_years since" only
	// with the noleap calendar, where it is a calendar year; so does
	// ParseUnits.
	CommonYear
)

var unitInfo = [...]struct {
	name   string // canonical spelling, as String writes it
	micros uint64 // length in microseconds
}{
	Microsecond: {"microseconds", 1},
	Millisecond: {"milliseconds", 1_000},
	Second:      {"seconds", 1_000_000},
	Minute:      {"minutes", 60_000_000},
	Hour:        {"hours", 3_600_000_000},
	Day:         {"days", 86_400_000_000},
	Month:       {"months", 30 * 86_400_000_000},
	CommonYear:  {"common_years", 365 * 86_400_000_000},
}

// unitNames maps every accepted spelling, in lower case, to its unit:
// cftime 1.6's lists, plus udunits' usec and us.
var unitNames = map[string]Unit{
	"microseconds": Microsecond, "microsecond": Microsecond, "microsec": Microsecond,
	"microsecs": Microsecond, "usec": Microsecond, "usecs": Microsecond, "us": Microsecond,
	"milliseconds": Millisecond, "millisecond": Millisecond, "millisec": Millisecond,
	"millisecs": Millisecond, "msec": Millisecond, "msecs": Millisecond, "ms": Millisecond,
	"seconds": Second, "second": Second, "sec": Second, "secs": Second, "s": Second,
	"minutes": Minute, "minute": Minute, "min": Minute, "mins": Minute,
	"hours": Hour, "hour": Hour, "hr": Hour, "hrs": Hour, "h": Hour,
	"days": Day, "day": Day, "d": Day,
	"months": Month, "month": Month,
	"common_years": CommonYear, "common_year": CommonYear,
}

func (u Unit) known() bool { return u >= Microsecond && u <= CommonYear }

// String returns the unit's canonical plural name, "days", "hours", …,
// "common_years", or "Unit(N)" for a value out of range.
func (u Unit) String() string {
	if u.known() {
		return unitInfo[u].name
	}
	return "Unit(" + strconv.Itoa(int(u)) + ")"
}

// Nanoseconds returns the length of the unit in nanoseconds (0 for a
// value out of range).
func (u Unit) Nanoseconds() int64 {
	if !u.known() {
		return 0
	}
	return int64(unitInfo[u].micros) * 1000
}

// allowedWith returns why u cannot be used with c, or "".
func (u Unit) allowedWith(c Calendar) string {
	switch {
	case u == Month && c != Day360:
		return fmt.Sprintf(`"months" is allowed only with the 360_day calendar, not %s (as in cftime)`, c)
	case u == CommonYear && c != NoLeap:
		return fmt.Sprintf(`"common_years" is allowed only with the noleap calendar, not %s (as in cftime)`, c)
	}
	return ""
}

// Units is a parsed CF units attribute of a time coordinate, "<unit> since
// <reference time>" (CF §4.4), with the calendar it is read in. A value
// v stands for the reference time plus v units: Ref is the reference
// time as written, in a zone TZOffsetMinutes east of UTC, so the origin
// in UTC is Ref minus the offset, as in cftime and udunits.
//
// Units is a small value, safe for concurrent use; its methods check it,
// so a Units built by hand is as good as one from ParseUnits.
type Units struct {
	Unit            Unit
	Ref             Date
	Calendar        Calendar
	TZOffsetMinutes int // −1439..1439; "+05:30" is 330
}

// ParseUnits parses a units attribute, "<unit> since <reference time>",
// for the calendar cal (see ParseCalendar).
//
// The unit is matched without regard to case: microseconds
// (microsecond, microsec(s), usec(s), us), milliseconds (millisecond,
// millisec(s), msec(s), ms), seconds (second, sec(s), s), minutes
// (minute, min(s)), hours (hour, hr(s), h), days (day, d); months (month)
// with the 360_day calendar only and common_years (common_year) with
// noleap only, as cftime allows; "since" may have any case. Years and
// months of real calendars have no fixed length and are refused, as
// cftime refuses them.
//
// The reference time is
//
//	[+-]Y-M-D[(T|spaces)h[:m[:s[.fraction]]]][spaces][zone]
//
// with one or two digits in every field but the year, which may have a
// sign and up to nine significant digits; zone is Z, UTC, GMT, ±h, ±hh,
// ±hhmm or ±hh:mm. White space may surround every part. So these parse:
//
//	hours since 1900-01-01 00:00:0.0
//	days since 1-1-1
//	seconds since 1970-01-01T00:00:00Z
//	days since 2000-01-01 00:00:00 +05:00
//	hours since 1900-1-1 0:0:0
//	days since 2000-01-01 00:00:00.0 UTC
//	days since -4713-01-01-12    (midnight at UTC−12, i.e. noon UTC)
//
// The reference time must exist in cal (year 0 does not in standard and
// julian; see Calendar.Valid).
//
// Where cftime 1.6 silently ignores what it cannot read after the
// reference date, ParseUnits reads more or refuses: an hour without
// minutes ("2000-01-01 06") is 06:00 (cftime reads 00:00; pandas and
// udunits read 06:00), an offset with a one-digit hour ("+5:00") is five
// hours (cftime reads none), and any other trailing text is an error
// (cftime ignores it). Fractions of a second are kept to the nanosecond
// (cftime truncates them to the microsecond).
//
// Errors wrap ErrUnits and quote attr; an invalid cal gives ErrCalendar, a
// reference date that does not exist in cal wraps ErrDate as well.
func ParseUnits(attr string, cal Calendar) (Units, error) {
	if err := cal.check(); err != nil {
		return Units{}, err
	}
	fail := func(format string, args ...any) (Units, error) {
		return Units{}, fmt.Errorf("cftime: %w %q: %s", ErrUnits, attr, fmt.Sprintf(format, args...))
	}
	s := strings.Trim(attr, " \t\r\n\x00")
	word, rest := cutSpace(s)
	since, rest := cutSpace(rest)
	if word == "" || !equalFoldASCII(since, "since") {
		return fail(`want "<unit> since <reference time>"`)
	}
	unit, ok := unitNames[strings.ToLower(word)]
	if !ok {
		switch strings.ToLower(word) {
		case "years", "year", "yr", "yrs", "a":
			return fail("unit %q has no fixed length (cftime accepts common_years with the noleap calendar)", word)
		}
		return fail("unknown unit %q", word)
	}
	if r := unit.allowedWith(cal); r != "" {
		return fail("%s", r)
	}
	t, reason := parseDateText(rest, true)
	if reason != "" {
		return fail("reference time %q: %s", rest, reason)
	}
	if r := cal.invalid(t.d); r != "" {
		return Units{}, fmt.Errorf("cftime: %w %q: reference time: %w %s in calendar %s: %s", ErrUnits, attr, ErrDate, t.d, cal, r)
	}
	return Units{Unit: unit, Ref: t.d, Calendar: cal, TZOffsetMinutes: t.tz}, nil
}

// cutSpace splits s at its first run of white space.
func cutSpace(s string) (head, tail string) {
	i := strings.IndexAny(s, " \t\r\n")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimLeft(s[i:], " \t\r\n")
}

// String formats u as a CF units attribute: "days since 2000-01-01
// 00:00:00", followed by the offset as " +05:30" when TZOffsetMinutes is
// not zero. The calendar is not part of it. For any u that ParseUnits
// returned, ParseUnits(u.String(), u.Calendar) returns u again.
func (u Units) String() string {
	s := u.Unit.String() + " since " + u.Ref.String()
	if tz := u.TZOffsetMinutes; tz != 0 {
		sign := byte('+')
		if tz < 0 {
			sign, tz = '-', -tz
		}
		b := []byte{' ', sign}
		b = appendPadded(b, tz/60, 2)
		b = append(b, ':')
		b = appendPadded(b, tz%60, 2)
		s += string(b)
	}
	return s
}

// check returns an error if u cannot be used: an unknown calendar or unit,
// a unit the calendar does not allow, a reference time that does not
// exist, an offset out of range.
func (u Units) check() error {
	if err := u.Calendar.check(); err != nil {
		return err
	}
	var r string
	switch {
	case !u.Unit.known():
		r = fmt.Sprintf("unknown unit %s", u.Unit)
	case u.Unit.allowedWith(u.Calendar) != "":
		r = u.Unit.allowedWith(u.Calendar)
	case u.TZOffsetMinutes < -1439 || u.TZOffsetMinutes > 1439:
		r = fmt.Sprintf("time zone offset of %d minutes out of range", u.TZOffsetMinutes)
	case u.Calendar.invalid(u.Ref) != "":
		return fmt.Errorf("cftime: %w %q: reference time: %w %s in calendar %s: %s",
			ErrUnits, u.String(), ErrDate, u.Ref, u.Calendar, u.Calendar.invalid(u.Ref))
	default:
		return nil
	}
	return fmt.Errorf("cftime: %w %q: %s", ErrUnits, u.String(), r)
}

// origin returns the reference time in UTC. u must be valid. Near
// MinYear or MaxYear it may lie a day outside the supported range, which
// Decode then reports.
func (u Units) origin() instant {
	t := u.Calendar.toInstant(u.Ref)
	t.ns -= int64(u.TZOffsetMinutes) * 60 * nsPerSecond
	switch {
	case t.ns < 0:
		t.ns += nsPerDay
		t.day--
	case t.ns >= nsPerDay:
		t.ns -= nsPerDay
		t.day++
	}
	return t
}
