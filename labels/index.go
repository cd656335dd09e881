package labels

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/tesseradata/tessera/ndarray"
)

// Index maps the labels of a dimension coordinate to positions: exact and
// nearest lookup, label slices, alignment. It is built from the
// coordinate's values, which are in memory. Float, integer, string and
// time (CF dates) labels are supported.
type Index interface {
	// Len returns the number of labels.
	Len() int
	// Kind names the label type: "float", "int", "string" or "time".
	Kind() string
	// Label returns label i formatted for display.
	Label(i int) string
	// Monotonic returns 1 if the labels increase strictly, -1 if they
	// decrease strictly, 0 otherwise.
	Monotonic() int

	locate(label any, o SelOptions) (positional, error)
	locateSlice(start, stop any) (ndarray.Range, error)
	isel(p positional) Index
	// align returns the positions in this index and in o of their
	// common labels, in this index's order; same reports equal labels.
	align(o Index) (pa, pb []int, same bool, err error)
}

// keyIndex is an Index over labels with an ordered key type: the labels
// themselves for numbers and strings, microseconds since a calendar's
// epoch for times.
type keyIndex[K cmp.Ordered] struct {
	kind string
	keys []K
	dir  int
	// key converts a user label to a key; interval is set when the
	// label denotes a range of keys [lo, hi) (a partial date string).
	key    func(label any) (k K, lo, hi K, interval bool, err error)
	format func(K) string
	// dist measures the distance between two keys for nearest lookup
	// and tolerance, in the unit tolerances are given in.
	dist func(a, b K) float64
	pos  map[K]int // exact lookup on unsorted labels, built on demand
}

func newKeyIndex[K cmp.Ordered](kind string, keys []K, key func(any) (K, K, K, bool, error), format func(K) string, dist func(a, b K) float64) *keyIndex[K] {
	x := &keyIndex[K]{kind: kind, keys: keys, key: key, format: format, dist: dist}
	x.dir = monotonic(keys)
	return x
}

func monotonic[K cmp.Ordered](keys []K) int {
	if len(keys) < 2 {
		return 1
	}
	inc, dec := true, true
	for i := 1; i < len(keys); i++ {
		inc = inc && keys[i-1] < keys[i]
		dec = dec && keys[i-1] > keys[i]
	}
	switch {
	case inc:
		return 1
	case dec:
		return -1
	}
	return 0
}

func (x *keyIndex[K]) Len() int           { return len(x.keys) }
func (x *keyIndex[K]) Kind() string       { return x.kind }
func (x *keyIndex[K]) Label(i int) string { return x.format(x.keys[i]) }
func (x *keyIndex[K]) Monotonic() int     { return x.dir }

// search returns the first position whose key is >= k in the index's
// order (for a decreasing index, the first whose key is <= k).
func (x *keyIndex[K]) search(k K) int {
	if x.dir >= 0 {
		return sort.Search(len(x.keys), func(i int) bool { return x.keys[i] >= k })
	}
	return sort.Search(len(x.keys), func(i int) bool { return x.keys[i] <= k })
}

// exact returns the position of key k, or -1.
func (x *keyIndex[K]) exact(k K) int {
	if x.dir != 0 {
		if i := x.search(k); i < len(x.keys) && x.keys[i] == k {
			return i
		}
		return -1
	}
	if x.pos == nil {
		x.pos = make(map[K]int, len(x.keys))
		for i := len(x.keys) - 1; i >= 0; i-- {
			x.pos[x.keys[i]] = i
		}
	}
	if i, ok := x.pos[k]; ok {
		return i
	}
	return -1
}

// nearest returns the position of the label nearest k.
func (x *keyIndex[K]) nearest(k K) int {
	if len(x.keys) == 0 {
		return -1
	}
	if x.dir == 0 {
		best := 0
		for i := range x.keys {
			if x.dist(x.keys[i], k) < x.dist(x.keys[best], k) {
				best = i
			}
		}
		return best
	}
	i := x.search(k)
	switch {
	case i == 0:
		return 0
	case i == len(x.keys):
		return len(x.keys) - 1
	case x.dist(x.keys[i-1], k) <= x.dist(x.keys[i], k):
		return i - 1
	}
	return i
}

// around formats the labels nearest k, for "not found" messages.
func (x *keyIndex[K]) around(k K) string {
	if len(x.keys) == 0 {
		return "the index is empty"
	}
	i := x.nearest(k)
	lo, hi := max(0, i-1), min(len(x.keys), i+2)
	var parts []string
	for j := lo; j < hi; j++ {
		parts = append(parts, x.format(x.keys[j]))
	}
	return "nearest labels: " + strings.Join(parts, ", ")
}

func (x *keyIndex[K]) locate(label any, o SelOptions) (positional, error) {
	k, lo, hi, interval, err := x.key(label)
	if err != nil {
		return positional{}, err
	}
	if interval {
		// A partial date: every label in [lo, hi).
		if x.dir == 0 {
			var list []int
			for i, v := range x.keys {
				if v >= lo && v < hi {
					list = append(list, i)
				}
			}
			if len(list) == 0 {
				return positional{}, fmt.Errorf("label %s not found (%s): %w", quote(label), x.around(lo), ErrLabelNotFound)
			}
			return positional{kind: posList, list: list}, nil
		}
		r := x.rangeOf(lo, hi, false)
		if r.Stop == r.Start && r.Step > 0 || r.Step < 0 && r.Start == r.Stop {
			return positional{}, fmt.Errorf("label %s not found (%s): %w", quote(label), x.around(lo), ErrLabelNotFound)
		}
		return positional{kind: posRange, r: r}, nil
	}
	if o.Method == "nearest" {
		if x.dir == 0 {
			return positional{}, fmt.Errorf("nearest lookup of %v needs a sorted index: %w", label, ErrIndex)
		}
		i := x.nearest(k)
		if i < 0 {
			return positional{}, fmt.Errorf("label %s not found (the index is empty): %w", quote(label), ErrLabelNotFound)
		}
		if o.Tolerance > 0 && x.dist(x.keys[i], k) > o.Tolerance {
			return positional{}, fmt.Errorf("label %s not found within tolerance %v (%s): %w", quote(label), o.Tolerance, x.around(k), ErrLabelNotFound)
		}
		return positional{kind: posInt, i: i}, nil
	}
	if o.Method != "" {
		return positional{}, fmt.Errorf("unknown selection method %q (use \"\" or \"nearest\"): %w", o.Method, ErrIndex)
	}
	if i := x.exact(k); i >= 0 {
		return positional{kind: posInt, i: i}, nil
	}
	return positional{}, fmt.Errorf("label %s not found (%s): %w", quote(label), x.around(k), ErrLabelNotFound)
}

// rangeOf returns the positions of the keys in [lo, hi) (hi inclusive
// when closed) as a Range in the index's order.
func (x *keyIndex[K]) rangeOf(lo, hi K, closed bool) ndarray.Range {
	n := len(x.keys)
	if x.dir >= 0 {
		a := sort.Search(n, func(i int) bool { return x.keys[i] >= lo })
		b := sort.Search(n, func(i int) bool { return x.keys[i] > hi || !closed && x.keys[i] >= hi })
		return ndarray.Range{Start: a, Stop: max(a, b), Step: 1}
	}
	// Decreasing: the labels between hi and lo are a contiguous run.
	a := sort.Search(n, func(i int) bool { return x.keys[i] < hi || closed && x.keys[i] <= hi })
	b := sort.Search(n, func(i int) bool { return x.keys[i] < lo })
	return ndarray.Range{Start: a, Stop: max(a, b), Step: 1}
}

// locateSlice returns the labels between start and stop inclusive, in
// the index's order; either bound may be nil (open). With both bounds,
// they are taken in either order, so slice(60, 30) and slice(30, 60) both
// select the latitudes from 30 to 60 whichever way the coordinate runs.
// With one, start means "from this label on" and stop "up to this label",
// in the index's order. A partial date string as a bound stands for its
// whole interval.
func (x *keyIndex[K]) locateSlice(start, stop any) (ndarray.Range, error) {
	if x.dir == 0 {
		return ndarray.Range{}, fmt.Errorf("slice of labels needs a sorted index: %w", ErrIndex)
	}
	n := len(x.keys)
	if n == 0 {
		return ndarray.Range{Start: 0, Stop: 0, Step: 1}, nil
	}
	type bound struct {
		lo, hi K
		open   bool // hi excluded (a partial date's end)
	}
	conv := func(b any) (bound, error) {
		k, l, h, interval, err := x.key(b)
		if err != nil {
			return bound{}, err
		}
		if interval {
			return bound{l, h, true}, nil
		}
		return bound{k, k, false}, nil
	}
	// The whole index, as an interval.
	all := bound{min(x.keys[0], x.keys[n-1]), max(x.keys[0], x.keys[n-1]), false}
	sel := all
	switch {
	case start != nil && stop != nil:
		a, err := conv(start)
		if err != nil {
			return ndarray.Range{}, err
		}
		b, err := conv(stop)
		if err != nil {
			return ndarray.Range{}, err
		}
		sel.lo = min(a.lo, b.lo)
		switch {
		case a.hi > b.hi:
			sel.hi, sel.open = a.hi, a.open
		case b.hi > a.hi:
			sel.hi, sel.open = b.hi, b.open
		default:
			sel.hi, sel.open = a.hi, a.open && b.open
		}
	case start != nil || stop != nil:
		isStart := start != nil
		b, err := conv(firstNonNil(start, stop))
		if err != nil {
			return ndarray.Range{}, err
		}
		// Increasing: start is a lower bound; decreasing: an upper one.
		if isStart == (x.dir > 0) {
			sel.lo = b.lo
		} else {
			sel.hi, sel.open = b.hi, b.open
		}
	}
	return x.rangeOf(sel.lo, sel.hi, !sel.open), nil
}

// quote formats a label for messages: strings quoted, others as they
// print.
func quote(label any) string {
	if s, ok := label.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprint(label)
}

func firstNonNil(a, b any) any {
	if a != nil {
		return a
	}
	return b
}

func (x *keyIndex[K]) isel(p positional) Index {
	y := *x
	y.pos = nil
	switch p.kind {
	case posRange:
		var keys []K
		start, step := p.r.Start, p.r.Step
		if step == 0 {
			step = 1
		}
		if step < 0 {
			start = min(start, len(x.keys)-1) // as ndarray.Range clips it
		}
		for i := start; (step > 0 && i < p.r.Stop && i < len(x.keys)) || (step < 0 && i > p.r.Stop && i >= 0); i += step {
			keys = append(keys, x.keys[i])
		}
		y.keys = keys
	case posList:
		keys := make([]K, len(p.list))
		for j, i := range p.list {
			keys[j] = x.keys[i]
		}
		y.keys = keys
	case posInt:
		y.keys = []K{x.keys[p.i]}
	}
	y.dir = monotonic(y.keys)
	return &y
}

func (x *keyIndex[K]) align(o Index) (pa, pb []int, same bool, err error) {
	y, ok := o.(*keyIndex[K])
	if !ok || y.kind != x.kind {
		return nil, nil, false, fmt.Errorf("cannot align %s labels with %s labels: %w", x.kind, o.Kind(), ErrAlign)
	}
	if slices.Equal(x.keys, y.keys) {
		return nil, nil, true, nil
	}
	for i, k := range x.keys {
		if j := y.exact(k); j >= 0 {
			pa = append(pa, i)
			pb = append(pb, j)
		}
	}
	return pa, pb, false, nil
}

// NewFloatIndex returns an index over float labels.
func NewFloatIndex(values []float64) Index { return newFloatIndex(values, 64) }

// newFloatIndex is NewFloatIndex formatting labels to the precision of a
// float of the given bits (float32 coordinates print as 88.10526, not
// 88.1052627563477).
func newFloatIndex(values []float64, bits int) Index {
	return newKeyIndex("float", values, func(label any) (float64, float64, float64, bool, error) {
		f := attrFloats(label)
		if len(f) != 1 || math.IsNaN(f[0]) {
			return 0, 0, 0, false, fmt.Errorf("label %v (%T) is not a number: %w", label, label, ErrIndex)
		}
		return f[0], 0, 0, false, nil
	}, func(k float64) string { return fmtFloat(k, bits) }, func(a, b float64) float64 { return math.Abs(a - b) })
}

// NewIntIndex returns an index over integer labels.
func NewIntIndex(values []int64) Index {
	return newKeyIndex("int", values, func(label any) (int64, int64, int64, bool, error) {
		f := attrFloats(label)
		if len(f) != 1 || f[0] != math.Trunc(f[0]) {
			return 0, 0, 0, false, fmt.Errorf("label %v (%T) is not an integer: %w", label, label, ErrIndex)
		}
		return int64(f[0]), 0, 0, false, nil
	}, func(k int64) string { return fmt.Sprint(k) }, func(a, b int64) float64 { return math.Abs(float64(a - b)) })
}

// NewStringIndex returns an index over string labels.
func NewStringIndex(values []string) Index {
	return newKeyIndex("string", values, func(label any) (string, string, string, bool, error) {
		s, ok := label.(string)
		if !ok {
			return "", "", "", false, fmt.Errorf("label %v (%T) is not a string: %w", label, label, ErrIndex)
		}
		return s, "", "", false, nil
	}, func(k string) string { return fmt.Sprintf("%q", k) }, func(a, b string) float64 {
		if a == b {
			return 0
		}
		return math.Inf(1)
	})
}

// indexFromValues builds the index of a dimension coordinate from its
// in-memory values: float for floating types, int for integers, string
// labels are built by NewStringIndex.
func indexFromValues(a *ndarray.Array) (Index, error) {
	if a.NDim() != 1 {
		return nil, fmt.Errorf("an index needs 1-dimensional values, not shape %v: %w", a.Shape(), ErrIndex)
	}
	switch {
	case a.DType() == ndarray.Float32:
		return newFloatIndex(ndarray.Float64s(a), 32), nil
	case a.DType().IsFloat():
		return NewFloatIndex(ndarray.Float64s(a)), nil
	case a.DType().IsInteger():
		c, err := a.Astype(ndarray.Int64)
		if err != nil {
			return nil, err
		}
		v, _ := ndarray.ToSlice[int64](c)
		return NewIntIndex(v), nil
	}
	return nil, fmt.Errorf("no index for %s values: %w", a.DType(), ErrIndex)
}
