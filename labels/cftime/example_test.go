package cftime_test

import (
	"fmt"

	"github.com/tesseradata/tessera/labels/cftime"
)

// Decoding a monthly time axis and grouping it by season, as
// groupby("time.season") does.
func Example() {
	cal, err := cftime.ParseCalendar("gregorian")
	if err != nil {
		panic(err)
	}
	units, err := cftime.ParseUnits("days since 2000-01-01", cal)
	if err != nil {
		panic(err)
	}
	times := []float64{350.5, 381.5, 411.5} // mid-December 2000 to mid-February 2001
	dates := make([]cftime.Date, len(times))
	if err := units.DecodeAll(dates, times); err != nil {
		panic(err)
	}
	for _, d := range dates {
		fmt.Println(d, d.Season(), cal.SeasonYear(d))
	}
	// Output:
	// 2000-12-16 12:00:00 DJF 2001
	// 2001-01-16 12:00:00 DJF 2001
	// 2001-02-15 12:00:00 DJF 2001
}

func ExampleParseUnits() {
	u, err := cftime.ParseUnits("hours since 1900-01-01 00:00:0.0", cftime.Standard)
	if err != nil {
		panic(err)
	}
	fmt.Println(u)
	d, err := u.Decode(876576.5)
	if err != nil {
		panic(err)
	}
	fmt.Println(d)
	v, err := u.Encode(d)
	if err != nil {
		panic(err)
	}
	fmt.Println(v)

	_, err = cftime.ParseUnits("months since 2000-01-01", cftime.Standard)
	fmt.Println(err)
	// Output:
	// hours since 1900-01-01 00:00:00
	// 2000-01-01 00:30:00
	// 876576.5
	// cftime: invalid time units "months since 2000-01-01": "months" is allowed only with the 360_day calendar, not standard (as in cftime)
}

func ExampleParseDate() {
	for _, s := range []string{"2014", "2014-12", "2014-12-11T06", "1582-10-04"} {
		start, end, err := cftime.ParseDate(s, cftime.Standard)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-14s [%v, %v)\n", s, start, end)
	}
	_, _, err := cftime.ParseDate("2001-02-29", cftime.NoLeap)
	fmt.Println(err)
	// Output:
	// 2014           [2014-01-01 00:00:00, 2015-01-01 00:00:00)
	// 2014-12        [2014-12-01 00:00:00, 2015-01-01 00:00:00)
	// 2014-12-11T06  [2014-12-11 06:00:00, 2014-12-11 07:00:00)
	// 1582-10-04     [1582-10-04 00:00:00, 1582-10-15 00:00:00)
	// cftime: invalid date "2001-02-29" in calendar noleap: day 29 out of range 1..28
}

func ExampleCalendar_AddDays() {
	for _, cal := range []cftime.Calendar{cftime.Standard, cftime.ProlepticGregorian, cftime.Julian} {
		fmt.Println(cal, cal.AddDays(cftime.Date{Year: 1582, Month: 10, Day: 4}, 1))
	}
	fmt.Println(cftime.Julian.AddDays(cftime.Date{Year: -1, Month: 12, Day: 31}, 1)) // no year 0
	// Output:
	// standard 1582-10-15 00:00:00
	// proleptic_gregorian 1582-10-05 00:00:00
	// julian 1582-10-05 00:00:00
	// 0001-01-01 00:00:00
}

func ExampleCalendar_AddMonths() {
	jan31 := cftime.Date{Year: 2001, Month: 1, Day: 31}
	fmt.Println(cftime.Standard.AddMonths(jan31, 1))
	fmt.Println(cftime.AllLeap.AddMonths(jan31, 1))
	fmt.Println(cftime.Day360.AddMonths(cftime.Date{Year: 2001, Month: 1, Day: 30}, 1))
	// Output:
	// 2001-02-28 00:00:00
	// 2001-02-29 00:00:00
	// 2001-02-30 00:00:00
}
