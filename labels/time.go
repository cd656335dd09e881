package labels

import (
	"fmt"
	"math"
	"math/bits"
	"strings"
	"time"

	"github.com/tesseradata/tessera/labels/cftime"
	"github.com/tesseradata/tessera/ndarray"
)

// isTime reports whether v is a time variable decoded by Decode (or built
// by TimeVariable): its encoding holds CF time units.
func isTime(v *Variable) bool { return strings.Contains(v.enc.Units, " since ") }

// checkTimeUnits reports units or a calendar that cftime cannot decode,
// naming the variable and quoting the attribute.
func checkTimeUnits(name, units, cal string) error {
	c, err := cftime.ParseCalendar(cal)
	if err != nil {
		return fmt.Errorf("labels: variable %q: %w", name, err)
	}
	if _, err := cftime.ParseUnits(units, c); err != nil {
		return fmt.Errorf("labels: variable %q: %w", name, err)
	}
	return nil
}

// TimeVariable returns a 1-dimensional time variable along dim holding
// dates, encoded as numbers in units ("days since 2000-01-01") and the
// calendar (CF name), as Decode leaves a time variable read from a file.
func TimeVariable(dim string, dates []cftime.Date, units, calendar string) (*Variable, error) {
	cal, err := cftime.ParseCalendar(calendar)
	if err != nil {
		return nil, fmt.Errorf("labels: time variable %q: %w", dim, err)
	}
	u, err := cftime.ParseUnits(units, cal)
	if err != nil {
		return nil, fmt.Errorf("labels: time variable %q: %w", dim, err)
	}
	vals := make([]float64, len(dates))
	if err := u.EncodeAll(vals, dates); err != nil {
		return nil, fmt.Errorf("labels: time variable %q: %w", dim, err)
	}
	v, err := FromSlice([]string{dim}, vals, nil)
	if err != nil {
		return nil, err
	}
	v.enc.Units, v.enc.Calendar = units, calendar
	return v, nil
}

// Times returns the dates of a time variable (one whose encoding has CF
// time units), which must be in memory.
func Times(v *Variable) ([]cftime.Date, cftime.Calendar, error) {
	if !isTime(v) {
		return nil, 0, fmt.Errorf("labels: not a time variable (no CF time units in its encoding): %w", ErrIndex)
	}
	mem, ok := v.Loaded()
	if !ok {
		return nil, 0, fmt.Errorf("labels: time values must be in memory: %w", ErrNotLoaded)
	}
	cal, err := cftime.ParseCalendar(v.enc.Calendar)
	if err != nil {
		return nil, 0, err
	}
	u, err := cftime.ParseUnits(v.enc.Units, cal)
	if err != nil {
		return nil, 0, err
	}
	c := mem.Contiguous()
	f64, err := c.Astype(ndarray.Float64)
	if err != nil {
		return nil, 0, err
	}
	vals := float64sOf(f64)
	dates := make([]cftime.Date, len(vals))
	if err := u.DecodeAll(dates, vals); err != nil {
		return nil, 0, err
	}
	return dates, cal, nil
}

// timeEpoch is the origin of time index keys.
var timeEpoch = cftime.Date{Year: 1, Month: 1, Day: 1}

// timeKey returns the microseconds from timeEpoch to d in cal: an
// ordered integer key (dates within ±290,000 years of the epoch).
func timeKey(cal cftime.Calendar, d cftime.Date) (int64, error) {
	days, ns := cal.Sub(d, timeEpoch)
	hi, lo := bits.Mul64(uint64(abs64(days)), 86_400_000_000)
	if hi != 0 || lo > math.MaxInt64/2 {
		return 0, fmt.Errorf("date %s is too far from year 1 to index: %w", d, ErrIndex)
	}
	us := int64(lo)
	if days < 0 {
		us = -us
	}
	return us + ns/1000, nil
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// Time index resolutions, from coarse to fine: the finest clock field any
// label uses.
const (
	resDay = iota
	resHour
	resMinute
	resSecond
)

// newTimeIndex builds the index of time coordinate name: labels are the
// dates, keyed by microseconds, formatted as cftime does. A label to look
// up is a cftime.Date or a date string: a string as precise as the
// index's labels (or more) must match one label exactly; a coarser one (a
// day of 6-hourly data, a month, a year) selects every label it covers,
// as pandas' partial string indexing does. Tolerances are in days.
func newTimeIndex(name string, v *Variable) (Index, error) {
	dates, cal, err := Times(v)
	if err != nil {
		return nil, fmt.Errorf("labels: coordinate %q: %w", name, err)
	}
	keys := make([]int64, len(dates))
	res := resDay
	for i, d := range dates {
		if keys[i], err = timeKey(cal, d); err != nil {
			return nil, fmt.Errorf("labels: coordinate %q: %w", name, err)
		}
		switch {
		case d.Second != 0 || d.Nanosecond != 0:
			res = max(res, resSecond)
		case d.Minute != 0:
			res = max(res, resMinute)
		case d.Hour != 0:
			res = max(res, resHour)
		}
	}
	format := func(k int64) string {
		days, us := k/86_400_000_000, k%86_400_000_000
		if us < 0 {
			days, us = days-1, us+86_400_000_000
		}
		d := cal.AddDays(timeEpoch, int(days))
		return cal.Add(d, durationMicros(us)).String()
	}
	key := func(label any) (int64, int64, int64, bool, error) {
		switch l := label.(type) {
		case cftime.Date:
			k, err := timeKey(cal, l)
			return k, 0, 0, false, err
		case string:
			start, end, err := cftime.ParseDate(l, cal)
			if err != nil {
				return 0, 0, 0, false, err
			}
			lo, err := timeKey(cal, start)
			if err != nil {
				return 0, 0, 0, false, err
			}
			hi, err := timeKey(cal, end)
			if err != nil {
				return 0, 0, 0, false, err
			}
			if stringResolution(start, end, cal) >= res {
				return lo, 0, 0, false, nil
			}
			return 0, lo, hi, true, nil
		}
		return 0, 0, 0, false, fmt.Errorf("label %v (%T) is not a date or a date string: %w", label, label, ErrIndex)
	}
	x := newKeyIndex("time", keys, key, format, func(a, b int64) float64 { return math.Abs(float64(a-b)) / 86_400e6 })
	return x, nil
}

// stringResolution returns the resolution of a date string from the
// interval it denotes.
func stringResolution(start, end cftime.Date, cal cftime.Calendar) int {
	days, ns := cal.Sub(end, start)
	switch {
	case days >= 1:
		return resDay
	case ns >= 3600e9:
		return resHour
	case ns >= 60e9:
		return resMinute
	}
	return resSecond
}

func durationMicros(us int64) time.Duration { return time.Duration(us) * time.Microsecond }

func float64sOf(a *ndarray.Array) []float64 {
	d, _ := ndarray.Data[float64](a)
	return d[a.Offset() : a.Offset()+a.Size()]
}
