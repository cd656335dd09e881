package groupby

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/labels/cftime"
)

// Stamp is how Resample labels each interval (SEASONAL.md S4).
type Stamp uint8

// The stamps.
const (
	// StampMiddle is CDO's default (timestat_date middle): the middle
	// member's time, or the mean of the two middle ones, averaged in the
	// file's units.
	StampMiddle Stamp = iota
	// StampStart is the start of the interval: xarray's and pandas'
	// label (1999-12-01 for DJF 2000).
	StampStart
	// StampFirst and StampLast are the first and last member's time.
	StampFirst
	StampLast
	// StampMidHigh is the member at floor(n/2).
	StampMidHigh
)

// ResampleOptions adjust Resample.
type ResampleOptions struct {
	// Stamp labels each interval; the default is CDO's middle member.
	Stamp Stamp
	// KeepEmpty keeps the intervals with no step (all missing) between
	// the first step's and the last step's, as xarray's resample does;
	// by default only intervals with data make groups, as CDO's seasmean
	// does (SEASONAL.md S1, E4). Empty intervals are stamped at their
	// start.
	KeepEmpty bool
	// Bounds names the input's time bounds variable (n, 2) when the time
	// coordinate's "bounds" attribute does not; Resample uses it for the
	// output bounds (S5).
	Bounds string
}

type resample struct {
	dim, freq string
	o         ResampleOptions
}

// Resample groups the steps of time coordinate dim into consecutive
// intervals of the frequency freq, pandas' and xarray's names: "nh" or
// "nH" (hours), "nD" (days), "nMS" (months), "nQS" (quarters starting in
// January, April, July and October; "nQS-MON" for the quarters starting
// in month MON, JAN..DEC: "QS-DEC" makes the meteorological seasons DJF,
// MAM, JJA, SON, December joining the next year's DJF), "nAS" or "nYS"
// (years starting in January; "nAS-MON" or "nYS-MON" in month MON); n is
// an optional multiple. The intervals are those of xarray's
// resample(time=freq) (pandas 1.5 and xarray 2023.01, origin
// "start_day", for the standard calendar and cftime's): hours and days
// count from midnight of the first step's day, in multiples of n; months,
// quarters and years start at the last month, quarter or year start at or
// before the first step, and then every n of them: "4QS" on data from May
// makes years April to March, "2AS" on data from 2001 makes 2001-2002,
// 2003-2004 and so on.
//
// The result keeps dim, with one step per interval labelled by the
// options' Stamp, and time bounds per SEASONAL.md S5: [lower bound of the
// first member, upper bound of the last] when the input has bounds,
// otherwise [first member, last member]; with StampStart, the interval's
// edges. Times must increase.
func Resample(dim, freq string, o ...ResampleOptions) Key {
	k := resample{dim: dim, freq: freq}
	if len(o) > 0 {
		k.o = o[0]
	}
	return k
}

func (k resample) String() string { return k.dim + " resampled " + k.freq }

var freqRE = regexp.MustCompile(`^([1-9][0-9]{0,5})?(h|H|D|MS|QS|AS|YS)(?:-(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC))?$`)

var monthAbbrevs = [...]string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}

// interval is a frequency: n units of hours, days or months.
type interval struct {
	n    int  // length in units: a multiple of period for months
	unit byte // 'h', 'D', 'M'
	// For months: period is the months between two anchors, 1 (MS), 3
	// (QS) or 12 (AS, YS), and anchor a month that starts a period
	// (1..12); the first interval starts at the last anchor at or before
	// the first step, and each is n months long.
	period, anchor int
}

func parseFreq(freq string) (interval, error) {
	m := freqRE.FindStringSubmatch(freq)
	if m == nil || m[3] != "" && m[2] != "QS" && m[2] != "AS" && m[2] != "YS" {
		return interval{}, fmt.Errorf("groupby: resample: frequency %q: want nh, nD, nMS, nQS[-MON], nAS[-MON] or nYS[-MON] (n an optional multiple, MON a month JAN..DEC: QS-DEC for seasons): %w", freq, ErrKey)
	}
	n := 1
	if m[1] != "" {
		n, _ = strconv.Atoi(m[1])
	}
	anchor := 1
	for i, a := range monthAbbrevs {
		if m[3] == a {
			anchor = i + 1
		}
	}
	switch m[2] {
	case "h", "H":
		return interval{n: n, unit: 'h'}, nil
	case "D":
		return interval{n: n, unit: 'D'}, nil
	case "MS":
		return interval{n: n, unit: 'M', period: 1, anchor: 1}, nil
	case "QS":
		return interval{n: 3 * n, unit: 'M', period: 3, anchor: anchor}, nil
	default: // AS, YS
		return interval{n: 12 * n, unit: 'M', period: 12, anchor: anchor}, nil
	}
}

// start returns the start of the first interval, for the first date:
// midnight of its day for hours and days (pandas' origin "start_day"),
// else the start of the last month, quarter or year (of the interval's
// anchor) at or before it, whatever the multiple: pandas rolls the first
// step back by one quarter or year, not by n of them.
func (iv interval) start(cal cftime.Calendar, d cftime.Date) cftime.Date {
	switch iv.unit {
	case 'h', 'D':
		return cftime.Date{Year: d.Year, Month: d.Month, Day: d.Day}
	}
	back := ((d.Month-iv.anchor)%iv.period + iv.period) % iv.period
	return cal.AddMonths(d.StartOfMonth(), -back)
}

// index returns the interval holding d, counted from start.
func (iv interval) index(cal cftime.Calendar, start, d cftime.Date) int {
	switch iv.unit {
	case 'D':
		days, _ := cal.Sub(d, start)
		return int(days) / iv.n
	case 'h':
		days, ns := cal.Sub(d, start)
		return int(days*24+ns/3_600_000_000_000) / iv.n
	}
	months := (d.Year-start.Year)*12 + d.Month - start.Month
	return months / iv.n
}

// edge returns the start of interval i.
func (iv interval) edge(cal cftime.Calendar, start cftime.Date, i int) cftime.Date {
	switch iv.unit {
	case 'D':
		return cal.AddDays(start, i*iv.n)
	case 'h':
		return cal.Add(start, time.Duration(i*iv.n)*time.Hour)
	}
	return cal.AddMonths(start, i*iv.n)
}

func (k resample) resolve(s source) (*Grouping, error) {
	iv, err := parseFreq(k.freq)
	if err != nil {
		return nil, err
	}
	tv, err := s.variable(k.dim)
	if err != nil || len(tv.Dims()) != 1 || tv.Dims()[0] != k.dim {
		return nil, fmt.Errorf("groupby: resample: %s has no time coordinate %q: %w", s.what, k.dim, ErrKey)
	}
	dates, cal, err := times(tv)
	if err != nil {
		return nil, fmt.Errorf("groupby: resample %q: %w", k.dim, err)
	}
	nums, err := values(tv)
	if err != nil {
		return nil, fmt.Errorf("groupby: resample %q: %w", k.dim, err)
	}
	for i := 1; i < len(dates); i++ {
		if !dates[i].After(dates[i-1]) {
			return nil, fmt.Errorf("groupby: resample: %q must increase: step %d (%s) is not after %s: %w", k.dim, i, dates[i], dates[i-1], ErrKey)
		}
	}
	enc := tv.Encoding()
	units, err := cftime.ParseUnits(enc.Units, cal)
	if err != nil {
		return nil, fmt.Errorf("groupby: resample %q: %w", k.dim, err)
	}
	g := &Grouping{Dim: k.dim, Name: k.dim, Codes: make([]int, len(dates))}
	if len(dates) == 0 {
		return nil, fmt.Errorf("groupby: resample: %q is empty: %w", k.dim, ErrKey)
	}
	start := iv.start(cal, dates[0])
	// Interval of every step, and the intervals that make groups.
	bin := make([]int, len(dates))
	for p, d := range dates {
		bin[p] = iv.index(cal, start, d)
	}
	last := bin[len(bin)-1]
	code := make([]int, last+1) // group of each interval
	var kept []int              // interval of each group
	if k.o.KeepEmpty {
		// The intervals from the first step's to the last step's, as
		// xarray: none before the first step (hours counted from
		// midnight may leave some).
		for i := range code {
			code[i] = i - bin[0]
			if i >= bin[0] {
				kept = append(kept, i)
			}
		}
	} else {
		for i := range code {
			code[i] = -1
		}
		for _, b := range bin {
			if code[b] < 0 {
				code[b] = len(kept)
				kept = append(kept, b)
			}
		}
	}
	for p, b := range bin {
		g.Codes[p] = code[b]
	}
	// Input bounds, for S5.
	var inLo, inHi []float64
	bname := k.o.Bounds
	if bname == "" {
		bname, _ = tv.Attrs().String("bounds")
	}
	boundsDim := "bnds"
	if bname != "" {
		if bv, err := s.variable(bname); err == nil && len(bv.Dims()) == 2 && bv.Dims()[0] == k.dim && bv.Shape()[1] == 2 {
			bvals, err := values(bv)
			if err != nil {
				return nil, fmt.Errorf("groupby: resample: bounds %q: %w", bname, err)
			}
			inLo, inHi = make([]float64, len(dates)), make([]float64, len(dates))
			for p := range dates {
				inLo[p], inHi[p] = bvals[2*p], bvals[2*p+1]
			}
			boundsDim = bv.Dims()[1]
		}
	} else {
		bname = k.dim + "_bnds"
	}
	positions := members(g.Codes, len(kept))
	stamps := make([]float64, len(kept))
	bounds := make([]float64, 2*len(kept))
	for c, b := range kept {
		m := positions[c]
		lo, hi := iv.edge(cal, start, b), iv.edge(cal, start, b+1)
		elo, err := units.Encode(lo)
		if err != nil {
			return nil, fmt.Errorf("groupby: resample %q: interval %s: %w", k.dim, lo, err)
		}
		ehi, err := units.Encode(hi)
		if err != nil {
			return nil, fmt.Errorf("groupby: resample %q: interval %s: %w", k.dim, lo, err)
		}
		if len(m) == 0 || k.o.Stamp == StampStart {
			stamps[c] = elo
			bounds[2*c], bounds[2*c+1] = elo, ehi
			continue
		}
		n := len(m)
		switch k.o.Stamp {
		case StampMiddle:
			if n%2 == 1 {
				stamps[c] = nums[m[(n-1)/2]]
			} else {
				stamps[c] = (nums[m[n/2-1]] + nums[m[n/2]]) / 2
			}
		case StampFirst:
			stamps[c] = nums[m[0]]
		case StampLast:
			stamps[c] = nums[m[n-1]]
		case StampMidHigh:
			stamps[c] = nums[m[n/2]]
		}
		if inLo != nil {
			bounds[2*c], bounds[2*c+1] = inLo[m[0]], inHi[m[n-1]]
		} else {
			bounds[2*c], bounds[2*c+1] = nums[m[0]], nums[m[n-1]]
		}
	}
	attrs := tv.Attrs().Delete("bounds", "climatology").Set("bounds", bname)
	tenc := labels.Encoding{Units: enc.Units, Calendar: enc.Calendar}
	lv, err := labels.FromSlice([]string{k.dim}, stamps, attrs)
	if err != nil {
		return nil, err
	}
	g.Labels = lv.WithEncoding(tenc)
	bv, err := labels.FromSlice([]string{k.dim, boundsDim}, bounds, nil, len(kept), 2)
	if err != nil {
		return nil, err
	}
	g.Bounds, g.BoundsName = bv.WithEncoding(tenc), bname
	return g, g.finish()
}
