package cftime

import (
	"fmt"
	"strconv"
	"time"
)

// Date is a date and time of day in some calendar, in UTC, with
// nanosecond resolution. It carries no calendar: the Calendar methods
// interpret it. Years are numbered as the calendar numbers them (see
// Calendar.HasYearZero).
//
// The zero Date, 0000-00-00 00:00:00, is valid in no calendar.
type Date struct {
	Year       int
	Month      int // 1..12
	Day        int // 1..DaysInMonth, or 1..31 in Standard's October 1582
	Hour       int // 0..23
	Minute     int // 0..59
	Second     int // 0..59; there are no leap seconds
	Nanosecond int // 0..999,999,999
}

const (
	nsPerSecond = int64(time.Second)
	nsPerDay    = 86400 * nsPerSecond
)

// Valid returns nil if d exists in c, and otherwise an error wrapping
// ErrDate that names the date, the calendar and the field at fault. Year
// 0 does not exist in Standard and Julian, nor do 1582-10-05..14 in
// Standard; years must lie in [MinYear, MaxYear].
func (c Calendar) Valid(d Date) error {
	if err := c.check(); err != nil {
		return err
	}
	if r := c.invalid(d); r != "" {
		return fmt.Errorf("cftime: %w %s in calendar %s: %s", ErrDate, d, c, r)
	}
	return nil
}

// invalid returns why d does not exist in c, or "" if it does.
func (c Calendar) invalid(d Date) string {
	switch {
	case d.Year < MinYear || d.Year > MaxYear:
		return fmt.Sprintf("year %d out of range %d..%d", d.Year, MinYear, MaxYear)
	case d.Year == 0 && !c.HasYearZero():
		return "year 0 does not exist (1 BC is year -1)"
	case d.Month < 1 || d.Month > 12:
		return fmt.Sprintf("month %d out of range 1..12", d.Month)
	}
	if n := c.lastDay(int64(d.Year), d.Month); d.Day < 1 || d.Day > n {
		return fmt.Sprintf("day %d out of range 1..%d", d.Day, n)
	}
	switch {
	case c == Standard && d.Year == 1582 && d.Month == 10 && d.Day > 4 && d.Day < 15:
		return "1582-10-05..14 do not exist: 1582-10-04 (Julian) is followed by 1582-10-15 (Gregorian)"
	case d.Hour < 0 || d.Hour > 23:
		return fmt.Sprintf("hour %d out of range 0..23", d.Hour)
	case d.Minute < 0 || d.Minute > 59:
		return fmt.Sprintf("minute %d out of range 0..59", d.Minute)
	case d.Second < 0 || d.Second > 59:
		return fmt.Sprintf("second %d out of range 0..59", d.Second)
	case d.Nanosecond < 0 || d.Nanosecond > 999_999_999:
		return fmt.Sprintf("nanosecond %d out of range 0..999999999", d.Nanosecond)
	}
	return ""
}

// String formats d as cftime does: "2000-01-16 12:00:00", the year with
// at least four digits ("-0001" for 1 BC in Standard), and a fraction of
// a second only when it is not zero: six digits when it is a whole
// number of microseconds (".500000"), nine otherwise.
func (d Date) String() string {
	var buf [48]byte
	b := appendPadded(buf[:0], d.Year, 4)
	b = append(b, '-')
	b = appendPadded(b, d.Month, 2)
	b = append(b, '-')
	b = appendPadded(b, d.Day, 2)
	b = append(b, ' ')
	b = appendPadded(b, d.Hour, 2)
	b = append(b, ':')
	b = appendPadded(b, d.Minute, 2)
	b = append(b, ':')
	b = appendPadded(b, d.Second, 2)
	if ns := d.Nanosecond; ns != 0 {
		b = append(b, '.')
		if ns%1000 == 0 {
			b = appendPadded(b, ns/1000, 6)
		} else {
			b = appendPadded(b, ns, 9)
		}
	}
	return string(b)
}

// appendPadded appends v in decimal with at least width digits, the sign
// before them.
func appendPadded(b []byte, v, width int) []byte {
	u := uint64(v)
	if v < 0 {
		b = append(b, '-')
		u = -u
	}
	var digits [20]byte
	s := strconv.AppendUint(digits[:0], u, 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// Compare returns -1, 0 or +1 as d is before, equal to or after e. It
// compares the fields from Year to Nanosecond, which orders valid dates of
// one calendar chronologically.
func (d Date) Compare(e Date) int {
	for _, p := range [...][2]int{
		{d.Year, e.Year}, {d.Month, e.Month}, {d.Day, e.Day},
		{d.Hour, e.Hour}, {d.Minute, e.Minute}, {d.Second, e.Second},
		{d.Nanosecond, e.Nanosecond},
	} {
		if p[0] != p[1] {
			if p[0] < p[1] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// Before reports whether d is before e (see Compare).
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e (see Compare).
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// StartOfMonth returns 00:00 of the first day of d's month.
func (d Date) StartOfMonth() Date { return Date{Year: d.Year, Month: d.Month, Day: 1} }

// StartOfYear returns 00:00 of January 1 of d's year.
func (d Date) StartOfYear() Date { return Date{Year: d.Year, Month: 1, Day: 1} }

// Season is a meteorological season, a group of three months.
type Season uint8

// The seasons, in the order of a season-year: DJF comes first, its
// December belonging to the year before.
const (
	DJF Season = iota // December, January, February
	MAM               // March, April, May
	JJA               // June, July, August
	SON               // September, October, November
)

var seasonNames = [...]string{"DJF", "MAM", "JJA", "SON"}

// String returns "DJF", "MAM", "JJA" or "SON" (xarray's time.season
// labels), or "Season(N)" for a value out of range.
func (s Season) String() string {
	if int(s) < len(seasonNames) {
		return seasonNames[s]
	}
	return "Season(" + strconv.Itoa(int(s)) + ")"
}

// Months returns the season's months in chronological order: {12, 1, 2}
// for DJF.
func (s Season) Months() [3]int {
	first := int(s)*3 + 12
	return [3]int{(first-1)%12 + 1, first%12 + 1, (first+1)%12 + 1}
}

// SeasonOf returns the season of a month, 1..12 (counted modulo 12
// otherwise): DJF for 12, 1 and 2.
func SeasonOf(month int) Season {
	m := (month%12 + 12) % 12 // 0 for December
	return Season(m / 3)
}

// Season returns the season of d's month.
func (d Date) Season() Season { return SeasonOf(d.Month) }

// SeasonYear returns the year of d's season (SEASONAL.md §1): d's year,
// or the next year for December, so that December 2000, January 2001 and
// February 2001 make up DJF 2001. In Standard and Julian, December of 1 BC
// (-1) belongs to DJF of year 1.
func (c Calendar) SeasonYear(d Date) int {
	if d.Month == 12 {
		return c.AddYears(d.Year, 1)
	}
	return d.Year
}

// StartOfSeason returns 00:00 of the first day of d's season: March 1,
// June 1 or September 1 of d's year, or December 1 of the year before
// d's season-year for DJF.
func (c Calendar) StartOfSeason(d Date) Date {
	s := d.Season()
	y := d.Year
	if s == DJF && d.Month != 12 {
		y = c.AddYears(y, -1)
	}
	return Date{Year: y, Month: s.Months()[0], Day: 1}
}

// DayOfYear returns the ordinal of d's month and day in its year, 1 for
// January 1, as cftime's dayofyr does: the days of the months before
// d.Month, then d.Day; (Month-1)*30 + Day in Day360. In Standard the ten
// dropped days of 1582 are not subtracted, so 1582-10-15 is day 288, as in
// any other common year.
func (c Calendar) DayOfYear(d Date) int {
	if c == Day360 {
		return (d.Month-1)*30 + d.Day
	}
	m := min(max(d.Month, 1), 12)
	if c.IsLeap(d.Year) {
		return cumDaysLeap[m-1] + d.Day
	}
	return cumDays[m-1] + d.Day
}

// instant is a date as a day number and the nanoseconds of that day, in
// [0, nsPerDay).
type instant struct{ day, ns int64 }

// toInstant returns the instant of a valid date.
func (c Calendar) toInstant(d Date) instant {
	return instant{
		day: c.dayNumber(int64(d.Year), d.Month, int64(d.Day)),
		ns:  (int64(d.Hour*60+d.Minute)*60+int64(d.Second))*nsPerSecond + int64(d.Nanosecond),
	}
}

// fromInstant returns the date of an instant within c's day range.
func (c Calendar) fromInstant(t instant) Date {
	var d Date
	c.fromInstantTo(&d, t)
	return d
}

// fromInstantTo sets *dst to the date of an instant within c's day range.
func (c Calendar) fromInstantTo(dst *Date, t instant) {
	y, m, d := c.civil(t.day)
	s := t.ns / nsPerSecond
	*dst = Date{
		Year: int(y), Month: m, Day: d,
		Hour: int(s / 3600), Minute: int(s / 60 % 60), Second: int(s % 60),
		Nanosecond: int(t.ns % nsPerSecond),
	}
}

// dayRange holds, per calendar, the day numbers of the first day of
// MinYear and of the last day of MaxYear.
var dayRange = func() (r [Day360 + 1][2]int64) {
	for c := Standard; c <= Day360; c++ {
		r[c] = [2]int64{c.dayNumber(MinYear, 1, 1), c.dayNumber(MaxYear, 12, int64(c.lastDay(MaxYear, 12)))}
	}
	return r
}()

// clampInstant saturates day at the first or last instant of the
// supported years.
func (c Calendar) clampInstant(t instant) instant {
	r := dayRange[c]
	switch {
	case t.day < r[0]:
		return instant{r[0], 0}
	case t.day > r[1]:
		return instant{r[1], nsPerDay - 1}
	}
	return t
}

// fieldLimit bounds the fields Normalize reads, so that its sums cannot
// overflow; larger fields saturate.
const fieldLimit = 1 << 40

func clampField(v int) int64 { return int64(min(max(v, -fieldLimit), fieldLimit)) }

// normalize returns the instant of d, folding out-of-range fields into
// the larger ones, and the date it names.
func (c Calendar) normalize(d Date) instant {
	ns := clampField(d.Nanosecond)
	sec := clampField(d.Second) + floorDiv(ns, nsPerSecond)
	ns -= floorDiv(ns, nsPerSecond) * nsPerSecond
	mins := clampField(d.Minute) + floorDiv(sec, 60)
	sec -= floorDiv(sec, 60) * 60
	hours := clampField(d.Hour) + floorDiv(mins, 60)
	mins -= floorDiv(mins, 60) * 60
	days := floorDiv(hours, 24)
	hours -= days * 24
	month0 := clampField(d.Month) - 1
	year := c.historical(c.astro(clampField(d.Year)) + floorDiv(month0, 12))
	month := int(month0-floorDiv(month0, 12)*12) + 1
	day := c.dayNumber(year, month, 1) + clampField(d.Day) - 1 + days
	return c.clampInstant(instant{day, ((hours*60+mins)*60+sec)*nsPerSecond + ns})
}

// Normalize returns the valid date that d's fields denote when those out
// of range are carried into the larger ones, as time.Date does: second 60
// is the next minute, day 0 the last day of the previous month, month 13
// January of the next year; Day counts days from the first of the month,
// so 1582-10-10 in Standard (ten days after 1582-10-01, across the
// calendar change) is 1582-10-20. Year 0 in Standard and Julian is read
// as 1 BC (-1). Fields beyond ±2^40 are clamped to it, and results
// outside [MinYear, MaxYear] saturate at the first or last instant of
// those years. For a valid d, Normalize returns d.
func (c Calendar) Normalize(d Date) Date {
	if !c.known() {
		return d
	}
	if c.invalid(d) == "" {
		return d
	}
	return c.fromInstant(c.normalize(d))
}

// instantOf returns the instant of d, normalising it if it is not valid.
func (c Calendar) instantOf(d Date) instant {
	if c.invalid(d) == "" {
		return c.toInstant(d)
	}
	return c.normalize(d)
}

// addNanos returns t plus days and ns, saturating at the supported years.
func (c Calendar) addNanos(t instant, days, ns int64) instant {
	days += floorDiv(ns, nsPerDay)
	t.ns += ns - floorDiv(ns, nsPerDay)*nsPerDay
	if t.ns >= nsPerDay {
		t.ns -= nsPerDay
		t.day++
	}
	// Day numbers of supported dates are below 2^39 in magnitude, so the
	// clamp keeps the sum far from overflow.
	days = min(max(days, -1<<50), 1<<50)
	t.day += days
	return c.clampInstant(t)
}

// AddDays returns d plus n days of 24 hours: in Standard,
// 1582-10-04 plus one day is 1582-10-15. An invalid d is first normalised
// (see Normalize); results outside [MinYear, MaxYear] saturate. c must be
// one of the defined calendars; any other value returns d unchanged.
func (c Calendar) AddDays(d Date, n int) Date {
	if !c.known() {
		return d
	}
	return c.fromInstant(c.addNanos(c.instantOf(d), int64(n), 0))
}

// Add returns d plus the duration (which may be negative), under the same
// rules as AddDays.
func (c Calendar) Add(d Date, dur time.Duration) Date {
	if !c.known() {
		return d
	}
	return c.fromInstant(c.addNanos(c.instantOf(d), 0, int64(dur)))
}

// AddMonths returns d plus n calendar months, keeping the day of the
// month and the time of day, the day clamped to the end of a shorter
// month (January 31 plus one month is February 28 or 29), as pandas'
// DateOffset(months=n) does. A day that falls into Standard's dropped
// days 1582-10-05..14 moves to 1582-10-15. Year 0 is skipped in calendars
// without one. An invalid d is first normalised; results outside
// [MinYear, MaxYear] saturate.
func (c Calendar) AddMonths(d Date, n int) Date {
	if !c.known() {
		return d
	}
	d = c.Normalize(d)
	months := c.astro(int64(d.Year))*12 + int64(d.Month-1) + min(max(int64(n), -1<<40), 1<<40)
	y := c.historical(floorDiv(months, 12))
	switch {
	case y < MinYear:
		return c.fromInstant(c.clampInstant(instant{dayRange[c][0] - 1, 0}))
	case y > MaxYear:
		return c.fromInstant(c.clampInstant(instant{dayRange[c][1] + 1, 0}))
	}
	d.Year = int(y)
	d.Month = int(months-floorDiv(months, 12)*12) + 1
	d.Day = min(d.Day, c.lastDay(y, d.Month))
	if c == Standard && d.Year == 1582 && d.Month == 10 && d.Day > 4 && d.Day < 15 {
		d.Day = 15
	}
	return d
}

// Sub returns a−b as whole days plus nanoseconds, a−b = days·86400 s + ns
// with 0 ≤ ns < 86,400,000,000,000 (so −1 ns is days −1, ns 86399999999999).
// Invalid dates are first normalised. For a c that is not one of the
// defined calendars it returns 0, 0.
func (c Calendar) Sub(a, b Date) (days, ns int64) {
	if !c.known() {
		return 0, 0
	}
	ta, tb := c.instantOf(a), c.instantOf(b)
	days, ns = ta.day-tb.day, ta.ns-tb.ns
	if ns < 0 {
		ns += nsPerDay
		days--
	}
	return days, ns
}

// SubDays returns a−b in days, rounded to a float64.
func (c Calendar) SubDays(a, b Date) float64 {
	days, ns := c.Sub(a, b)
	if days < 0 && ns != 0 {
		days, ns = days+1, ns-nsPerDay // same signs: no cancellation
	}
	return float64(days) + float64(ns)/float64(nsPerDay)
}
