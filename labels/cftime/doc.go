// Package cftime implements the CF time coordinate (CF conventions §4.4,
// "Time Coordinate", and §4.4.2, "Calendar"): the calendars, the units
// attribute "<unit> since <reference time>", and the conversions between
// the numbers stored in files and dates, compatible with Python's cftime
// 1.6 (num2date, date2num), which xarray uses. It also parses the partial
// date strings used to select by time ("2014-12") and gives the time
// components that data are grouped by (season, season-year, day of year).
//
// It is the time layer of labels, groupby and io; it imports only the
// standard library.
//
// # Calendars
//
// A [Calendar] is one of Standard (alias gregorian), ProlepticGregorian,
// Julian, NoLeap (365_day), AllLeap (366_day) and Day360; [ParseCalendar]
// reads a calendar attribute. Standard is Julian up to 1582-10-04 and
// Gregorian from the next day, 1582-10-15; the dates in between do not
// exist.
//
// # Year numbering
//
// Years are numbered as cftime ≥ 1.5 numbers them by default
// (has_year_zero), following CF-1.9:
//
//	calendar             year zero   the year before 1
//	standard, julian     no          -1 (1 BC)
//	proleptic_gregorian  yes         0 (1 BC, ISO 8601)
//	noleap, all_leap,    yes         0
//	360_day
//
// So -1 is a leap year in julian and standard (it is 1 BC, four years
// before 4 AD), and 0 and -4 are leap years in proleptic_gregorian.
// Year 0 is not a valid year of standard or julian; the functions that
// take any year read it as 1 BC.
//
// # Dates
//
// A [Date] holds the fields of a date and time of day, to the nanosecond,
// in UTC; it carries no calendar. Whatever depends on the calendar is a
// method of [Calendar]: [Calendar.Valid], [Calendar.DayOfYear],
// [Calendar.SeasonYear], [Calendar.AddDays], [Calendar.AddMonths],
// [Calendar.Sub], …; the rest are methods of Date ([Date.String],
// [Date.Compare], [Date.Season]). Internally a date is a day number (int64
// days from an epoch fixed per calendar) and the nanoseconds of the day.
// Supported years are [MinYear]..[MaxYear].
//
// # Decoding and encoding
//
// [ParseUnits] reads a units attribute for a calendar; see it for the
// accepted spellings. [Units.Decode] turns a number into a date, like
// cftime.num2date:
//
//	date = reference − utc offset + v·unit
//
// and rounds as cftime does, to the microsecond: v·unit in microseconds
// is computed in x87 extended precision (64-bit significand; numpy's
// longdouble on x86-64 Linux, emulated exactly here with integer
// arithmetic) and rounded half to even; then, for units of a second or
// longer, a result that ends in 000001 µs is replaced by the floor of the
// product and one that ends in 999999 µs by its ceiling (cftime's
// cast_to_int, issue #187), which pulls products less than 1 µs from a
// whole second onto it. So 1.000001 "seconds since" decodes to a whole
// second, its float64 being just below 1 s + 1 µs, as in cftime. Decoded
// dates have whole microseconds, and Decode agrees with num2date to the
// microsecond on every value (the tests compare them). NaN, ±Inf,
// products beyond ±(2^63−1) µs (cftime's limit, about 292,000 years) and
// dates outside the supported years are errors wrapping [ErrRange].
// [Units.DecodeAll] decodes a slice without allocating, in a few tens of
// nanoseconds a value.
//
// [Units.Encode] is cftime.date2num: the exact difference between the
// date and the reference in nanoseconds divided by the unit, rounded once
// to the nearest float64 (Python divides the two integers exactly, with a
// single rounding). For dates with whole microseconds the result is
// bit-identical to date2num's. A float64 holds about 16 significant
// digits, so days since a reference 2,000 years away keep about 10 µs;
// Decode(Encode(d)) returns d to within that and the microsecond rounding.
//
// # Partial dates and seasons
//
// [ParseDate] turns "2014", "2014-12", "2014-12-11", "2014-12-11T06", … into
// the half-open interval of the calendar that the string names, for
// selection. [Date.Season] gives DJF, MAM, JJA or SON, and
// [Calendar.SeasonYear] the year of the season, the next year for
// December (SEASONAL.md §1), so DJF 2001 is December 2000 to February
// 2001.
//
// # Differences from cftime 1.6
//
// Where cftime silently ignores text it cannot read after the reference
// date, ParseUnits reads it or refuses it: "2000-01-01 06" is 06:00
// (cftime: 00:00), "+5:00" is an offset of five hours (cftime: none),
// other trailing text is an error. Reference times and dates keep
// nanoseconds (cftime: microseconds). "usec" and "us" are accepted as
// microseconds (udunits; cftime refuses them). DaysInMonth(1582, 10) is 21
// in Standard (cftime's daysinmonth: 31). The calendars utc and tai of
// CF-1.12, and non-default has_year_zero settings, are not supported.
//
// # Errors
//
// Errors wrap [ErrCalendar], [ErrUnits], [ErrDate] or [ErrRange]; test
// them with errors.Is. All functions are safe for concurrent use.
package cftime
