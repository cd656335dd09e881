package cftime

import "fmt"

// resolution is the finest field a date string gives.
type resolution uint8

const (
	resYear resolution = iota
	resMonth
	resDay
	resHour
	resMinute
	resSecond
)

// maxYearDigits bounds the significant digits of a year, so that a
// string of a million digits is refused before any arithmetic on it.
const maxYearDigits = 9

// dateText is a parsed date string.
type dateText struct {
	d   Date
	res resolution
	tz  int // minutes east of UTC
}

// scanner reads a date string byte by byte; it never allocates.
type scanner struct {
	s string
	i int
}

func (p *scanner) done() bool { return p.i >= len(p.s) }

func (p *scanner) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }
func isSpace(b byte) bool { return b == ' ' || b == '\t' }

func (p *scanner) skipSpaces() bool {
	j := p.i
	for p.i < len(p.s) && isSpace(p.s[p.i]) {
		p.i++
	}
	return p.i > j
}

// field reads one to max digits; ok is false if there is none.
func (p *scanner) field(max int) (v int, ok bool) {
	j := p.i
	for p.i < len(p.s) && p.i-j < max && isDigit(p.s[p.i]) {
		v = v*10 + int(p.s[p.i]-'0')
		p.i++
	}
	return v, p.i > j
}

// rest quotes what is left, for error messages.
func (p *scanner) rest() string { return fmt.Sprintf("%q", p.s[p.i:]) }

// parseDateText parses
//
//	[+-]Y[-M[-D[(T|spaces)h[:m[:s[.fraction]]]]]]
//
// with a year of at most nine significant digits and one or two digits in
// the other fields. When units is true the day is required and a time
// zone may follow, after optional spaces: Z, UTC, GMT, or ±h, ±hh, ±hh:mm,
// ±hhmm. Digits of the fraction beyond the ninth are ignored. It checks
// the syntax only; the caller checks the date against a calendar. On
// failure it returns the reason.
func parseDateText(s string, units bool) (t dateText, reason string) {
	p := scanner{s: s}
	neg := false
	switch p.peek() {
	case '-':
		neg = true
		p.i++
	case '+':
		p.i++
	}
	for p.i+1 < len(s) && s[p.i] == '0' && isDigit(s[p.i+1]) {
		p.i++ // leading zeros are not significant
	}
	y, ok := p.field(maxYearDigits)
	if !ok {
		return t, "want a year at the start"
	}
	if isDigit(p.peek()) {
		return t, fmt.Sprintf("year has more than %d digits", maxYearDigits)
	}
	if neg {
		y = -y
	}
	t.d = Date{Year: y, Month: 1, Day: 1}
	fields := [...]struct {
		sep  byte
		dst  *int
		name string
	}{{'-', &t.d.Month, "month"}, {'-', &t.d.Day, "day"}}
	for _, f := range fields {
		if p.done() || p.peek() != f.sep {
			break
		}
		p.i++
		v, ok := p.field(2)
		if !ok || isDigit(p.peek()) {
			return t, fmt.Sprintf("want a %s of one or two digits at %s", f.name, p.rest())
		}
		*f.dst = v
		t.res++
	}
	if units && t.res < resDay {
		return t, "the reference time needs a year, a month and a day"
	}
	if t.res == resDay && !p.done() {
		// Separator between date and time: T, or spaces.
		j := p.i
		if b := p.peek(); b == 'T' || b == 't' {
			p.i++
		} else {
			p.skipSpaces()
		}
		if isDigit(p.peek()) && p.i > j {
			t.parseClock(&p)
			if isDigit(p.peek()) {
				return t, fmt.Sprintf("want a time of day h[:m[:s[.f]]] with one or two digits per field at %s", p.rest())
			}
		} else if !units || p.s[j] == 'T' || p.s[j] == 't' {
			return t, fmt.Sprintf("want a time of day after %q", s[:j])
		} else {
			p.i = j
		}
	}
	if units && !p.done() {
		p.skipSpaces()
		if !p.done() {
			tz, r := parseZone(&p)
			if r != "" {
				return t, r
			}
			t.tz = tz
		}
		p.skipSpaces()
	}
	if !p.done() {
		return t, fmt.Sprintf("unexpected %s", p.rest())
	}
	return t, ""
}

// parseClock reads h[:m[:s[.fraction]]], the first digit being at p.i.
func (t *dateText) parseClock(p *scanner) {
	t.d.Hour, _ = p.field(2)
	t.res = resHour
	for _, dst := range [...]*int{&t.d.Minute, &t.d.Second} {
		if p.peek() != ':' || p.i+1 >= len(p.s) || !isDigit(p.s[p.i+1]) {
			return
		}
		p.i++
		*dst, _ = p.field(2)
		t.res++
	}
	if t.res < resSecond || p.peek() != '.' || p.i+1 >= len(p.s) || !isDigit(p.s[p.i+1]) {
		return
	}
	p.i++
	scale := 100_000_000
	for p.i < len(p.s) && isDigit(p.s[p.i]) {
		t.d.Nanosecond += int(p.s[p.i]-'0') * scale
		scale /= 10
		p.i++
	}
}

// parseZone reads a time zone designator: Z, UTC, GMT, ±h, ±hh, ±hh:mm or
// ±hhmm, and returns its offset in minutes east of UTC.
func parseZone(p *scanner) (minutes int, reason string) {
	for _, name := range [...]string{"Z", "UTC", "GMT"} {
		if len(p.s)-p.i >= len(name) && equalFoldASCII(p.s[p.i:p.i+len(name)], name) {
			p.i += len(name)
			return 0, ""
		}
	}
	sign := 1
	switch p.peek() {
	case '-':
		sign = -1
	case '+':
	default:
		return 0, fmt.Sprintf("unexpected %s, want a time zone (Z, UTC, ±hh:mm)", p.rest())
	}
	p.i++
	h, ok := p.field(2)
	if !ok {
		return 0, fmt.Sprintf("want the hours of the time zone offset at %s", p.rest())
	}
	m := 0
	if p.peek() == ':' {
		p.i++
		if m, ok = p.field(2); !ok {
			return 0, fmt.Sprintf("want the minutes of the time zone offset at %s", p.rest())
		}
	} else if isDigit(p.peek()) {
		m, _ = p.field(2)
	}
	if h > 23 || m > 59 {
		return 0, fmt.Sprintf("time zone offset %02d:%02d out of range", h, m)
	}
	return sign * (h*60 + m), ""
}

// equalFoldASCII reports whether a and b are equal ignoring ASCII case.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}
