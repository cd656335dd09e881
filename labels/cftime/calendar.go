package cftime

import (
	"fmt"
	"strconv"
	"strings"
)

// Calendar is one of the calendars of CF §4.4.2. The zero value is
// Standard, the calendar CF assumes when a time variable has no calendar
// attribute.
//
// A Calendar is a small value; its methods are pure functions and may be
// called from any number of goroutines.
type Calendar uint8

// The CF calendars. The names in parentheses are the aliases ParseCalendar
// accepts.
const (
	// Standard (gregorian) is the mixed Julian/Gregorian calendar of
	// udunits: Julian up to 1582-10-04, Gregorian from the next day,
	// 1582-10-15. The ten dates 1582-10-05..14 do not exist. Years are
	// numbered without a year zero: year -1 (1 BC) precedes year 1.
	Standard Calendar = iota
	// ProlepticGregorian is the Gregorian calendar extended to all
	// dates. Years are numbered astronomically, as in ISO 8601: year 0
	// (1 BC) exists and is a leap year.
	ProlepticGregorian
	// Julian is the Julian calendar: every fourth year is a leap year.
	// Years are numbered without a year zero, so years -1, -5, -9, … are
	// leap years.
	Julian
	// NoLeap (365_day) has 365 days in every year. Year 0 exists.
	NoLeap
	// AllLeap (366_day) has 366 days in every year. Year 0 exists.
	AllLeap
	// Day360 (360_day) has twelve months of 30 days. Year 0 exists.
	Day360
)

var calendarNames = [...]string{
	Standard:           "standard",
	ProlepticGregorian: "proleptic_gregorian",
	Julian:             "julian",
	NoLeap:             "noleap",
	AllLeap:            "all_leap",
	Day360:             "360_day",
}

// Supported years. Dates outside [MinYear, MaxYear] are refused by Valid,
// ParseUnits and ParseDate, and Decode reports ErrRange for them. The
// range is far wider than what cftime can decode (its 64-bit microsecond
// offsets reach about 292,000 years either side of the reference date).
const (
	MinYear = -999_999_999
	MaxYear = 999_999_999
)

// ParseCalendar returns the calendar named by a CF calendar attribute.
// Case and surrounding white space (and NUL bytes, which some writers
// leave at the end of attributes) are ignored. It accepts every CF name
// and alias: standard, gregorian, proleptic_gregorian, julian, noleap,
// 365_day, all_leap, 366_day and 360_day; the empty string means Standard,
// the CF default. Any other attribute gives an error wrapping ErrCalendar
// that quotes it; that includes CF-1.12's utc and tai and the "none"
// calendar, which this package does not implement.
func ParseCalendar(attr string) (Calendar, error) {
	s := strings.Trim(attr, " \t\r\n\x00")
	switch {
	case s == "", strings.EqualFold(s, "standard"), strings.EqualFold(s, "gregorian"):
		return Standard, nil
	case strings.EqualFold(s, "proleptic_gregorian"):
		return ProlepticGregorian, nil
	case strings.EqualFold(s, "julian"):
		return Julian, nil
	case strings.EqualFold(s, "noleap"), strings.EqualFold(s, "365_day"):
		return NoLeap, nil
	case strings.EqualFold(s, "all_leap"), strings.EqualFold(s, "366_day"):
		return AllLeap, nil
	case strings.EqualFold(s, "360_day"):
		return Day360, nil
	case strings.EqualFold(s, "utc"), strings.EqualFold(s, "tai"):
		return Standard, fmt.Errorf("cftime: %w %q: calendars with leap seconds (CF-1.12 utc, tai) are not supported", ErrCalendar, attr)
	case strings.EqualFold(s, "none"):
		return Standard, fmt.Errorf("cftime: %w %q: a time axis without a calendar cannot be decoded", ErrCalendar, attr)
	}
	return Standard, fmt.Errorf("cftime: %w %q", ErrCalendar, attr)
}

// String returns the canonical CF name of the calendar: "standard",
// "proleptic_gregorian", "julian", "noleap", "all_leap" or "360_day"
// (cftime's names too). A value out of range gives "Calendar(N)".
func (c Calendar) String() string {
	if int(c) < len(calendarNames) {
		return calendarNames[c]
	}
	return "Calendar(" + strconv.Itoa(int(c)) + ")"
}

// known reports whether c is one of the defined calendars.
func (c Calendar) known() bool { return c <= Day360 }

// checkCalendar returns an error wrapping ErrCalendar for a value out of
// range.
func (c Calendar) check() error {
	if c.known() {
		return nil
	}
	return fmt.Errorf("cftime: %w %s", ErrCalendar, c)
}

// HasYearZero reports whether year 0 exists in c. It is false for
// Standard and Julian, which number years historically (1 BC is year -1),
// and true for the others: ProlepticGregorian numbers years as ISO 8601
// does, and the idealised calendars always have a year 0. These are
// cftime's defaults (has_year_zero, cftime ≥ 1.5), which follow CF-1.9.
func (c Calendar) HasYearZero() bool { return c != Standard && c != Julian }

// astro returns the astronomical number of year y (… -1, 0, 1 …, with 0
// for 1 BC). In calendars without a year zero, year 0, which does not
// exist, is read as 1 BC, like year -1.
func (c Calendar) astro(y int64) int64 {
	if y < 0 && !c.HasYearZero() {
		return y + 1
	}
	return y
}

// historical is the inverse of astro.
func (c Calendar) historical(a int64) int64 {
	if a <= 0 && !c.HasYearZero() {
		return a - 1
	}
	return a
}

// AddYears returns the year n years after year y, skipping year 0 in
// calendars that have none: in Julian, AddYears(-1, 1) is 1. Year 0 in
// such a calendar is read as 1 BC (-1).
func (c Calendar) AddYears(y, n int) int {
	return int(c.historical(c.astro(int64(y)) + int64(n)))
}

// IsLeap reports whether year is a leap year in c: in Standard, by the
// Julian rule before 1582 and the Gregorian rule from 1582 on (cftime's
// is_leap_year); in ProlepticGregorian, divisible by 4 and not by 100
// unless by 400; in Julian, divisible by 4, counting astronomically, so
// that 1 BC (year -1) is a leap year; never in NoLeap and Day360; always
// in AllLeap. Year 0 in Standard and Julian, which does not exist, is read
// as 1 BC.
func (c Calendar) IsLeap(year int) bool {
	switch c {
	case Standard:
		if year >= 1582 {
			return gregorianLeap(int64(year))
		}
		return c.astro(int64(year))&3 == 0
	case ProlepticGregorian:
		return gregorianLeap(int64(year))
	case Julian:
		return c.astro(int64(year))&3 == 0
	case AllLeap:
		return true
	}
	return false
}

func gregorianLeap(y int64) bool {
	return y&3 == 0 && (y%100 != 0 || y%400 == 0)
}

var (
	monthDays     = [12]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	cumDays       = [13]int{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365}
	cumDaysLeap   = [13]int{0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366}
	monthOfDay365 = monthTable(cumDays)
	monthOfDay366 = monthTable(cumDaysLeap)
)

// monthTable maps a 0-based day of the year to its month, 1..12.
func monthTable(cum [13]int) []uint8 {
	t := make([]uint8, cum[12])
	for m := 1; m <= 12; m++ {
		for d := cum[m-1]; d < cum[m]; d++ {
			t[d] = uint8(m)
		}
	}
	return t
}

// lastDay returns the number of the last day of the month: DaysInMonth,
// except in Standard's October 1582, whose last day is the 31st although
// it has 21 days. month must be in 1..12.
func (c Calendar) lastDay(year int64, month int) int {
	switch {
	case c == Day360:
		return 30
	case month == 2 && c.IsLeap(int(year)):
		return 29
	}
	return monthDays[month-1]
}

// DaysInMonth returns the number of days in the month, or 0 if month is
// not in 1..12: 30 in Day360; in Standard, 21 for October 1582, whose
// dates 5..14 were dropped (cftime's daysinmonth says 31 there, the
// number of its last day).
func (c Calendar) DaysInMonth(year, month int) int {
	if month < 1 || month > 12 || !c.known() {
		return 0
	}
	if c == Standard && year == 1582 && month == 10 {
		return 21
	}
	return c.lastDay(int64(year), month)
}

// DaysInYear returns the number of days in the year: 360, 365 or 366, and
// 355 for 1582 in Standard.
func (c Calendar) DaysInYear(year int) int {
	switch c {
	case Day360:
		return 360
	case Standard:
		if year == 1582 {
			return 355
		}
	}
	if !c.known() {
		return 0
	}
	if c.IsLeap(year) {
		return 366
	}
	return 365
}

// Day numbers. Internally a date is a day number, counted from an epoch
// fixed per calendar, plus nanoseconds of the day. The real-world
// calendars share one epoch, 1970-01-01 of the proleptic Gregorian
// calendar, so that Standard can switch between its Julian and Gregorian
// halves; the idealised calendars count from 0000-01-01.

// gregorianDays returns the days from 1970-01-01 to the date of the
// proleptic Gregorian calendar with astronomical year y (H. Hinnant,
// "chrono-Compatible Low-Level Date Algorithms", days_from_civil). day may
// lie outside the month: the result is then the first of the month plus
// day-1 days.
func gregorianDays(y int64, month int, day int64) int64 {
	if month <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400                               // [0, 399]
	doy := int64((153*((month+9)%12)+2)/5) + day - 1 // days since March 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy           // [0, 146096]
	return era*146097 + doe - 719468
}

// gregorianCivil is the inverse of gregorianDays (civil_from_days).
func gregorianCivil(n int64) (y int64, month, day int) {
	z := n + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	return marchCivil(yoe+era*400, doy)
}

// julianShift aligns the Julian day numbers with the Gregorian ones: Julian
// 1582-10-04 is the day before Gregorian 1582-10-15.
const julianShift = 719470

// julianDays is gregorianDays for the Julian calendar (astronomical y).
func julianDays(y int64, month int, day int64) int64 {
	if month <= 2 {
		y--
	}
	era := floorDiv(y, 4)
	yoe := y - era*4
	doy := int64((153*((month+9)%12)+2)/5) + day - 1
	return era*1461 + yoe*365 + doy - julianShift
}

// julianCivil is the inverse of julianDays.
func julianCivil(n int64) (y int64, month, day int) {
	z := n + julianShift
	era := floorDiv(z, 1461)
	doe := z - era*1461
	yoe := (doe - doe/1460) / 365
	return marchCivil(yoe+era*4, doe-365*yoe)
}

// marchCivil turns a year counted from March and a day of that year into
// a civil date.
func marchCivil(y, doy int64) (int64, int, int) {
	mp := (5*doy + 2) / 153
	day := int(doy - (153*mp+2)/5 + 1)
	month := int(mp + 3)
	if mp >= 10 {
		month = int(mp - 9)
		y++
	}
	return y, month, day
}

// gregorianStart is the day number of 1582-10-15, the first Gregorian
// date of Standard.
var gregorianStart = gregorianDays(1582, 10, 15)

// dayNumber returns the day number of day `day` of the month (year
// numbered as c numbers it; month in 1..12; day counted from the first
// of the month, so it may lie outside the month).
func (c Calendar) dayNumber(year int64, month int, day int64) int64 {
	switch c {
	case ProlepticGregorian:
		return gregorianDays(year, month, day)
	case Julian:
		return julianDays(c.astro(year), month, day)
	case NoLeap:
		return year*365 + int64(cumDays[month-1]) + day - 1
	case AllLeap:
		return year*366 + int64(cumDaysLeap[month-1]) + day - 1
	case Day360:
		return year*360 + int64(month-1)*30 + day - 1
	}
	// Standard: dates before 1582-10-15 are Julian. A day counted from
	// the first of October 1582 (normalize) runs on from the Julian
	// 1582-10-01.
	if year < 1582 || (year == 1582 && (month < 10 || (month == 10 && day < 15))) {
		return julianDays(c.astro(year), month, day)
	}
	return gregorianDays(year, month, day)
}

// civil is the inverse of dayNumber.
func (c Calendar) civil(n int64) (year int64, month, day int) {
	switch c {
	case ProlepticGregorian:
		return gregorianCivil(n)
	case Julian:
		year, month, day = julianCivil(n)
		return c.historical(year), month, day
	case NoLeap:
		year = floorDiv(n, 365)
		doy := n - year*365
		month = int(monthOfDay365[doy])
		return year, month, int(doy) - cumDays[month-1] + 1
	case AllLeap:
		year = floorDiv(n, 366)
		doy := n - year*366
		month = int(monthOfDay366[doy])
		return year, month, int(doy) - cumDaysLeap[month-1] + 1
	case Day360:
		year = floorDiv(n, 360)
		doy := int(n - year*360)
		return year, doy/30 + 1, doy%30 + 1
	}
	if n < gregorianStart {
		year, month, day = julianCivil(n)
		return c.historical(year), month, day
	}
	return gregorianCivil(n)
}

// floorDiv returns ⌊a/b⌋ for b > 0.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}
