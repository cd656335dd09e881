package cftime

import (
	"bufio"
	_ "embed"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

//go:embed testdata/cftime_oracle.py
var oracleScript []byte

// oraclePython is the interpreter that has Debian's python3-cftime. Not
// plain python3: a pyenv interpreter without Debian's packages may come
// first in PATH.
const oraclePython = "/usr/bin/python3"

// needOracle fails the test when the oracle cannot run, or skips it when
// TESSERA_SKIP_ORACLES=1: a missing oracle is a failure, not a skip.
func needOracle(t *testing.T) {
	t.Helper()
	if os.Getenv("TESSERA_SKIP_ORACLES") == "1" {
		t.Skip("TESSERA_SKIP_ORACLES=1")
	}
	out, err := exec.Command(oraclePython, "-c", "import cftime; print(cftime.__version__)").CombinedOutput()
	if err != nil {
		t.Fatalf("oracle unavailable: %s -c 'import cftime': %v\n%s\nrun `make deps` (it installs python3-cftime), or set TESSERA_SKIP_ORACLES=1 to skip",
			oraclePython, err, out)
	}
}

// oracleCase is one line of the oracle's input.
type oracleCase struct {
	kind  byte // 'E' encode a date, 'D' decode a number
	cal   Calendar
	alias string // calendar attribute as written to the oracle
	attr  string // units attribute
	units Units
	date  Date    // E: the date; D: what we decoded
	num   float64 // D: the number; E: what we encoded
	what  string  // how the case was made, for failure messages
}

func (c oracleCase) line() string {
	if c.kind == 'E' {
		d := c.date
		return fmt.Sprintf("E\t%s\t%s\t%d %d %d %d %d %d %d", c.alias, c.attr,
			d.Year, d.Month, d.Day, d.Hour, d.Minute, d.Second, d.Nanosecond/1000)
	}
	return fmt.Sprintf("D\t%s\t%s\t%s", c.alias, c.attr, strconv.FormatFloat(c.num, 'g', -1, 64))
}

var calendarAliases = map[Calendar][]string{
	Standard:           {"standard", "gregorian", "Gregorian", "STANDARD"},
	ProlepticGregorian: {"proleptic_gregorian", "Proleptic_Gregorian"},
	Julian:             {"julian", "Julian"},
	NoLeap:             {"noleap", "365_day", "NoLeap"},
	AllLeap:            {"all_leap", "366_day"},
	Day360:             {"360_day"},
}

// Spellings both cftime 1.6 and ParseUnits accept.
var unitSpellings = map[Unit][]string{
	Microsecond: {"microseconds", "microsecond", "microsecs"},
	Millisecond: {"milliseconds", "msec", "ms", "millisecs"},
	Second:      {"seconds", "second", "sec", "s", "secs"},
	Minute:      {"minutes", "minute", "min", "mins"},
	Hour:        {"hours", "hour", "hr", "h", "hrs"},
	Day:         {"days", "day", "d", "Days"},
	Month:       {"months", "month"},
	CommonYear:  {"common_years", "common_year"},
}

// oracleUnitsVariants are spellings of units attributes found in real
// files that cftime reads as ParseUnits does.
var oracleUnitsVariants = []string{
	"hours since 1900-01-01 00:00:0.0",
	"days since 1-1-1",
	"seconds since 1970-01-01T00:00:00Z",
	"days since 2000-01-01 00:00:00 +05:00",
	"hours since 1900-1-1 0:0:0",
	"days since 2000-01-01 00:00:00.0 UTC",
	"  days   since   2000-01-01   00:00:00  ",
	"Days Since 1850-01-01",
	"days since -4713-01-01-12",
	"minutes since 2000-01-01 00:00:00 -0330",
	"hours since 1582-10-15 00:00:00",
	"days since 1582-10-04 12:00:00",
	"ms since 1970-01-01 00:00:00.5",
}

// randomYear returns a year in [lo, hi] that exists in c.
func randomYear(r *rand.Rand, c Calendar, lo, hi int) int {
	for {
		y := lo + r.IntN(hi-lo+1)
		if y != 0 || c.HasYearZero() {
			return y
		}
	}
}

// randomDate returns a valid date of c with a whole number of
// microseconds. One date in five is at the end of a month, one in ten
// (in Standard) near the Julian/Gregorian change.
func randomDate(r *rand.Rand, c Calendar, lo, hi int) Date {
	for {
		d := Date{Year: randomYear(r, c, lo, hi), Month: 1 + r.IntN(12)}
		if c == Standard && r.IntN(10) == 0 {
			d.Year, d.Month = 1582, 9+r.IntN(3)
		}
		last := c.lastDay(int64(d.Year), d.Month)
		d.Day = 1 + r.IntN(last)
		if r.IntN(5) == 0 {
			d.Day = last
		}
		switch r.IntN(4) {
		case 0: // midnight
		case 1:
			d.Hour, d.Minute, d.Second = r.IntN(24), r.IntN(60), r.IntN(60)
		default:
			d.Hour, d.Minute, d.Second = r.IntN(24), r.IntN(60), r.IntN(60)
			d.Nanosecond = r.IntN(1_000_000) * 1000
		}
		if c.Valid(d) == nil {
			return d
		}
	}
}

// randomUnits returns a units attribute in one of the spellings both
// parsers read, and what it parses to.
func randomUnits(t *testing.T, r *rand.Rand, c Calendar) (string, Units) {
	units := []Unit{Microsecond, Millisecond, Second, Minute, Hour, Day, Day, Hour}
	switch c {
	case Day360:
		units = append(units, Month, Month)
	case NoLeap:
		units = append(units, CommonYear, CommonYear)
	}
	u := units[r.IntN(len(units))]
	sp := unitSpellings[u]
	ref := randomDate(r, c, -1000, 3000)
	ref.Nanosecond = 0
	if r.IntN(5) == 0 {
		ref.Nanosecond = []int{500_000_000, 250_000_000, 125_000_000}[r.IntN(3)]
	}
	var date string
	switch r.IntN(4) {
	case 0: // String's form
		date = ref.String()
	case 1: // unpadded
		date = fmt.Sprintf("%d-%d-%d %d:%d:%d", ref.Year, ref.Month, ref.Day, ref.Hour, ref.Minute, ref.Second)
	case 2: // ISO with T
		date = strings.Replace(ref.String(), " ", "T", 1)
	default: // date only, if it is midnight
		date = ref.String()
		if ref.Hour == 0 && ref.Minute == 0 && ref.Second == 0 && ref.Nanosecond == 0 {
			date = date[:strings.IndexByte(date, ' ')]
		}
	}
	if ref.Nanosecond != 0 && !strings.Contains(date, ".") {
		date = strings.Replace(ref.String(), " ", "T", 1)
	}
	switch r.IntN(8) {
	case 0:
		date += "Z"
	case 1:
		h, m := r.IntN(15), []int{0, 30, 45}[r.IntN(3)]
		date += fmt.Sprintf(" +%02d:%02d", h, m)
	case 2:
		h, m := r.IntN(13), []int{0, 30}[r.IntN(2)]
		date += fmt.Sprintf("-%02d%02d", h, m)
	}
	attr := sp[r.IntN(len(sp))] + " since " + date
	parsed, err := ParseUnits(attr, c)
	if err != nil {
		t.Fatalf("ParseUnits(%q, %s): %v", attr, c, err)
	}
	return attr, parsed
}

// TestOracleCftime checks Encode and Decode against cftime's date2num and
// num2date (Debian's python3-cftime, run by /usr/bin/python3) on random
// dates of every calendar over the years -1000..3000, with random units:
//
//   - E cases: date2num of a random date must agree with Encode within
//     one microsecond's worth of the unit (in practice they are equal:
//     both round the exact quotient once);
//   - D cases: num2date of our encoding of that date, and of random
//     numbers (whole, half, near whole seconds, arbitrary), must give the
//     same date as Decode to the microsecond, and the same day of year;
//   - Decode(Encode(d)) must come back to d within the float64 resolution
//     of the number plus cftime's rounding (1.5 µs).
func TestOracleCftime(t *testing.T) {
	needOracle(t)
	const perCalendar = 2000 // E cases per calendar, each with its D case
	seed := uint64(20240611)
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))

	var cases []oracleCase
	for c := Standard; c <= Day360; c++ {
		aliases := calendarAliases[c]
		for i := 0; i < perCalendar; i++ {
			attr, u := randomUnits(t, r, c)
			alias := aliases[r.IntN(len(aliases))]
			d := randomDate(r, c, -1000, 3000)
			v, err := u.Encode(d)
			if err != nil {
				t.Fatalf("%s: Encode(%v) with %q: %v", c, d, attr, err)
			}
			back, err := u.Decode(v)
			if err != nil {
				t.Fatalf("%s: Decode(%v) with %q: %v", c, v, attr, err)
			}
			checkRoundTrip(t, u, d, v, back)
			cases = append(cases,
				oracleCase{kind: 'E', cal: c, alias: alias, attr: attr, units: u, date: d, num: v, what: "random date"},
				oracleCase{kind: 'D', cal: c, alias: alias, attr: attr, units: u, date: back, num: v, what: "encoded date"})
			if i%2 == 0 {
				x, what := randomNumber(r, u)
				got, err := u.Decode(x)
				if err != nil {
					t.Fatalf("%s: Decode(%v) with %q: %v", c, x, attr, err)
				}
				cases = append(cases, oracleCase{kind: 'D', cal: c, alias: alias, attr: attr, units: u, date: got, num: x, what: what})
			}
		}
	}

	// The units attributes of real files, in every calendar.
	for c := Standard; c <= Day360; c++ {
		for _, attr := range oracleUnitsVariants {
			u, err := ParseUnits(attr, c)
			if err != nil {
				t.Fatalf("ParseUnits(%q, %s): %v", attr, c, err)
			}
			for _, x := range []float64{0, 1.5, -100.25, 12345.678, 1e6 + 1.0/3} {
				got, err := u.Decode(x)
				if err != nil {
					t.Fatalf("%s: Decode(%v) with %q: %v", c, x, attr, err)
				}
				cases = append(cases, oracleCase{kind: 'D', cal: c, alias: c.String(), attr: attr, units: u, date: got, num: x, what: "units variant"})
			}
			d := randomDate(r, c, 1500, 2100)
			v, err := u.Encode(d)
			if err != nil {
				t.Fatalf("%s: Encode(%v) with %q: %v", c, d, attr, err)
			}
			cases = append(cases, oracleCase{kind: 'E', cal: c, alias: c.String(), attr: attr, units: u, date: d, num: v, what: "units variant"})
		}
	}

	dir := t.TempDir()
	script, input := filepath.Join(dir, "cftime_oracle.py"), filepath.Join(dir, "cases.tsv")
	if err := os.WriteFile(script, oracleScript, 0o644); err != nil {
		t.Fatal(err)
	}
	var in strings.Builder
	for _, c := range cases {
		in.WriteString(c.line())
		in.WriteByte('\n')
	}
	if err := os.WriteFile(input, []byte(in.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(oraclePython, script, input)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v", oraclePython, script, err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	sc.Buffer(nil, 1<<20)
	sc.Scan()
	version := sc.Text()

	var nE, nD, exactE, failures int
	fail := func(c oracleCase, format string, args ...any) {
		t.Helper()
		failures++
		if failures <= 20 {
			t.Errorf("%s (%s) %s with %q: %s", c.cal, c.alias, c.line(), c.attr, fmt.Sprintf(format, args...))
		}
	}
	for i, c := range cases {
		if !sc.Scan() {
			t.Fatalf("oracle output ends after %d of %d cases", i, len(cases))
		}
		got := sc.Text()
		if strings.HasPrefix(got, "ERR") {
			fail(c, "cftime: %s", got)
			continue
		}
		switch c.kind {
		case 'E':
			nE++
			want, err := strconv.ParseFloat(got, 64)
			if err != nil {
				t.Fatalf("oracle line %q: %v", got, err)
			}
			// One microsecond's worth of the unit.
			tol := 1000 / float64(c.units.Unit.Nanoseconds())
			if math.Abs(c.num-want) > tol {
				fail(c, "Encode(%v) = %v, cftime date2num = %v (differ by %g > %g)", c.date, c.num, want, c.num-want, tol)
			}
			if c.num == want {
				exactE++
			}
		case 'D':
			nD++
			var w [8]int
			if _, err := fmt.Sscan(got, &w[0], &w[1], &w[2], &w[3], &w[4], &w[5], &w[6], &w[7]); err != nil {
				t.Fatalf("oracle line %q: %v", got, err)
			}
			want := Date{w[0], w[1], w[2], w[3], w[4], w[5], w[6] * 1000}
			if c.date != want {
				fail(c, "%s: Decode(%v) = %v, cftime num2date = %v", c.what, c.num, c.date, want)
			}
			if doy := c.cal.DayOfYear(c.date); doy != w[7] {
				fail(c, "DayOfYear(%v) = %d, cftime dayofyr = %d", c.date, doy, w[7])
			}
		}
	}
	t.Logf("cftime %s: %d date2num cases (%d bit-identical), %d num2date cases, %d calendars; %d failures",
		version, nE, exactE, nD, Day360+1, failures)
}

// checkRoundTrip checks that back = Decode(Encode(d)) is within the
// float64 resolution of v (half an ulp, in the unit) plus cftime's
// rounding to the microsecond (half a microsecond, one more for the
// whole-second snap) of d.
func checkRoundTrip(t *testing.T, u Units, d Date, v float64, back Date) {
	t.Helper()
	unit := float64(u.Unit.Nanoseconds())
	tol := (math.Nextafter(math.Abs(v), math.Inf(1))-math.Abs(v))/2*unit + 1500
	days, ns := u.Calendar.Sub(back, d)
	diff := float64(days)*float64(nsPerDay) + float64(ns)
	if math.Abs(diff) > tol {
		t.Errorf("%s: Decode(Encode(%v)) with %q = %v (Encode gave %v): off by %g ns > %g",
			u.Calendar, d, u, back, v, diff, tol)
	}
}

// randomNumber returns a number to decode with u, within about 4000
// years of the reference, of one of several kinds that exercise cftime's
// rounding.
func randomNumber(r *rand.Rand, u Units) (float64, string) {
	unit := float64(u.Unit.Nanoseconds())
	span := 4000 * 365.0 * float64(nsPerDay) / unit // about 4000 years in the unit
	sign := 1.0
	if r.IntN(2) == 0 {
		sign = -1
	}
	whole := math.Floor(r.Float64() * span / float64(1+r.IntN(1000)))
	switch k := r.IntN(6); k {
	case 0:
		return sign * whole, "whole number"
	case 1:
		return sign * (whole + []float64{0.5, 0.25, 0.125, 0.1, 0.2, 1.0 / 3}[r.IntN(6)]), "simple fraction"
	case 2: // a whole second plus or minus up to 1.5 µs: cftime's snap
		secs := math.Floor(r.Float64() * span * unit / 1e9 / float64(1+r.IntN(1000)))
		off := []float64{-1.5, -1, -0.6, -0.5, -0.4, 0.4, 0.5, 0.6, 1, 1.5}[r.IntN(10)] * 1e3
		return sign * (secs*1e9 + off) / unit, "near a whole second"
	case 3: // exactly half a microsecond: rint's ties
		us := math.Floor(r.Float64()*span*unit/1e3/float64(1+r.IntN(1e6))) + 0.5
		return sign * us * 1e3 / unit, "half a microsecond"
	default:
		return sign * r.Float64() * span / float64(1+r.IntN(1000)), "random"
	}
}
