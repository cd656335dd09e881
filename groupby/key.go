package groupby

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/labels/cftime"
	"github.com/tesseradata/tessera/ndarray"
)

// ErrKey reports a grouping key that does not apply to the object
// grouped: an unknown coordinate or time component, a coordinate that is
// not one-dimensional, labels of the wrong length.
var ErrKey = errors.New("invalid grouping key")

// Grouping is what a Key resolves to against an array or a dataset: the
// group of every position along one dimension, and the labels of the
// groups, which become the coordinate of the result's new dimension.
type Grouping struct {
	// Dim is the grouped dimension; Name the result's dimension, one
	// position per group ("season"; Dim itself for Resample).
	Dim, Name string
	// Codes holds the group of each position along Dim, or -1 for a
	// position in no group.
	Codes []int
	// Labels is the coordinate along Name: one label per group, in
	// memory.
	Labels *labels.Variable
	// Bounds, set by Resample, is the (Name, BoundsDim) time bounds of
	// each group, named BoundsName in a Dataset result.
	Bounds     *labels.Variable
	BoundsName string

	index labels.Index // of Labels
}

// N returns the number of groups.
func (g *Grouping) N() int { return g.Labels.Shape()[0] }

// Members returns the positions along Dim of each group, ascending.
func (g *Grouping) Members() [][]int { return members(g.Codes, g.N()) }

// members returns the positions of each of n groups, ascending, given
// the group of every position (codes, -1 for none).
func members(codes []int, n int) [][]int {
	m := make([][]int, n)
	for p, c := range codes {
		if c >= 0 {
			m[c] = append(m[c], p)
		}
	}
	return m
}

// groups is the Grouping as chunk.GroupReduce takes it.
func (g *Grouping) groups() chunk.Groups { return chunk.Groups{Codes: g.Codes, N: g.N()} }

// finish indexes the labels.
func (g *Grouping) finish() error {
	a, err := labels.NewDataArray(g.Name, g.Labels, labels.Vars{{Name: g.Name, Var: g.Labels}})
	if err != nil {
		return err
	}
	x, ok := a.Index(g.Name)
	if !ok {
		return fmt.Errorf("groupby: labels of %q cannot be indexed: %w", g.Name, ErrKey)
	}
	g.index = x
	return nil
}

// source is what a key needs from the object grouped.
type source struct {
	what     string // "array \"t2m\"" or "dataset", for errors
	dims     []string
	sizes    map[string]int
	variable func(name string) (*labels.Variable, error)
}

// A Key says how to group: by a coordinate or a time component of one
// (By), by explicit labels (ByLabels), by bins of a coordinate (ByBins)
// or by time intervals (Resample).
type Key interface {
	resolve(s source) (*Grouping, error)
	String() string
}

type byName string

// By groups by a one-dimensional coordinate (its distinct values, in
// ascending order), or by a component of a time coordinate written
// "coord.component": "time.season" (groups in the order DJF, MAM, JJA,
// SON, where xarray sorts them alphabetically), "time.month",
// "time.year", "time.day", "time.dayofyear", "time.hour". Only the
// components present make groups.
func By(name string) Key { return byName(name) }

func (k byName) String() string { return string(k) }

// timeComponents are the components By takes after "coord.".
var timeComponents = []string{"season", "month", "year", "day", "dayofyear", "hour"}

func (k byName) resolve(s source) (*Grouping, error) {
	name := string(k)
	if v, err := s.variable(name); err == nil {
		return groupByCoord(name, v)
	}
	coord, comp, ok := strings.Cut(name, ".")
	if !ok {
		return nil, fmt.Errorf("groupby: %s has no coordinate %q (dimensions %q): %w", s.what, name, s.dims, ErrKey)
	}
	if !slices.Contains(timeComponents, comp) {
		return nil, fmt.Errorf("groupby: %q: unknown time component %q (one of %s): %w", name, comp, strings.Join(timeComponents, ", "), ErrKey)
	}
	v, err := s.variable(coord)
	if err != nil {
		return nil, fmt.Errorf("groupby: %q: %s has no coordinate %q: %w", name, s.what, coord, ErrKey)
	}
	if len(v.Dims()) != 1 {
		return nil, fmt.Errorf("groupby: %q: coordinate %q has dimensions %q, not one: %w", name, coord, v.Dims(), ErrKey)
	}
	dates, cal, err := times(v)
	if err != nil {
		return nil, fmt.Errorf("groupby: %q: %w", name, err)
	}
	g := &Grouping{Dim: v.Dims()[0], Name: comp}
	if comp == "season" {
		present := [4]bool{}
		for _, d := range dates {
			present[d.Season()] = true
		}
		code := [4]int{}
		var names []string
		for s := cftime.DJF; s <= cftime.SON; s++ {
			if present[s] {
				code[s] = len(names)
				names = append(names, s.String())
			}
		}
		g.Codes = make([]int, len(dates))
		for p, d := range dates {
			g.Codes[p] = code[d.Season()]
		}
		if g.Labels, err = labels.StringVariable(comp, names, nil); err != nil {
			return nil, err
		}
		return g, g.finish()
	}
	keys := make([]int64, len(dates))
	for p, d := range dates {
		switch comp {
		case "month":
			keys[p] = int64(d.Month)
		case "year":
			keys[p] = int64(d.Year)
		case "day":
			keys[p] = int64(d.Day)
		case "dayofyear":
			keys[p] = int64(cal.DayOfYear(d))
		case "hour":
			keys[p] = int64(d.Hour)
		}
	}
	var uniq []int64
	g.Codes, uniq = factorize(keys)
	if g.Labels, err = labels.FromSlice([]string{comp}, uniq, nil); err != nil {
		return nil, err
	}
	return g, g.finish()
}

// groupByCoord groups the positions along the dimension of a 1-D
// coordinate by its distinct values; the groups' dimension is called
// res (the coordinate's own name, or ByLabels' name).
func groupByCoord(res string, v *labels.Variable) (*Grouping, error) {
	if len(v.Dims()) != 1 {
		return nil, fmt.Errorf("groupby: coordinate %q has dimensions %q, not one: %w", res, v.Dims(), ErrKey)
	}
	g := &Grouping{Dim: v.Dims()[0], Name: res}
	if strs, ok := v.Strings(); ok {
		var uniq []string
		g.Codes, uniq = factorize(strs)
		var err error
		if g.Labels, err = labels.StringVariable(res, uniq, v.Attrs()); err != nil {
			return nil, err
		}
		return g, g.finish()
	}
	vals, err := values(v)
	if err != nil {
		return nil, fmt.Errorf("groupby: coordinate %q: %w", res, err)
	}
	if v.DType().IsInteger() || v.DType() == ndarray.Bool {
		ints := make([]int64, len(vals))
		for i, x := range vals {
			ints[i] = int64(x)
		}
		var uniq []int64
		g.Codes, uniq = factorize(ints)
		g.Labels, err = labels.FromSlice([]string{res}, uniq, v.Attrs())
	} else {
		var clean []float64
		for _, x := range vals {
			if !math.IsNaN(x) {
				clean = append(clean, x)
			}
		}
		uniq := distinct(clean)
		g.Codes = make([]int, len(vals))
		for p, x := range vals {
			g.Codes[p] = -1
			if !math.IsNaN(x) {
				g.Codes[p], _ = slices.BinarySearch(uniq, x)
			}
		}
		g.Labels, err = labels.FromSlice([]string{res}, uniq, v.Attrs())
		if err == nil && v.Encoding().Units != "" {
			e := v.Encoding()
			g.Labels = g.Labels.WithEncoding(labels.Encoding{Units: e.Units, Calendar: e.Calendar})
		}
	}
	if err != nil {
		return nil, err
	}
	return g, g.finish()
}

type byLabels struct {
	dim  string
	name string
	v    *labels.Variable
}

// ByLabels groups the positions along dim by the 1-D labels v (a
// variable along dim: numbers or StringVariable labels); the result's
// dimension is called name.
func ByLabels(dim, name string, v *labels.Variable) Key { return byLabels{dim, name, v} }

func (k byLabels) String() string { return k.name }

func (k byLabels) resolve(s source) (*Grouping, error) {
	n, ok := s.sizes[k.dim]
	if !ok {
		return nil, fmt.Errorf("groupby: labels %q: %s has no dimension %q: %w", k.name, s.what, k.dim, ErrKey)
	}
	if k.v == nil || len(k.v.Dims()) != 1 || k.v.Shape()[0] != n {
		return nil, fmt.Errorf("groupby: labels %q must be one value per position of %q (%d): %w", k.name, k.dim, n, ErrKey)
	}
	g, err := groupByCoord(k.name, k.v)
	if err != nil {
		return nil, err
	}
	g.Dim = k.dim
	if g.Name == g.Dim {
		return nil, fmt.Errorf("groupby: labels %q: the result's dimension must differ from %q: %w", k.name, k.dim, ErrKey)
	}
	return g, nil
}

// renamed returns the 1-D variable v along dim instead of its own
// dimension.
func renamed(v *labels.Variable, dim string) (*labels.Variable, bool) {
	if strs, ok := v.Strings(); ok {
		w, err := labels.StringVariable(dim, strs, v.Attrs())
		return w, err == nil
	}
	mem, err := values(v)
	if err != nil {
		return nil, false
	}
	w, err := labels.FromSlice([]string{dim}, mem, v.Attrs())
	return w, err == nil
}

type byBins struct {
	coord string
	edges []float64
	o     BinOptions
}

// BinOptions adjust ByBins.
type BinOptions struct {
	// Left makes the bins closed on the left, [a, b), instead of on the
	// right, (a, b] (pandas' default, right=True).
	Left bool
	// IncludeLowest closes the first bin on the left too (right-closed
	// bins only), as pandas' include_lowest.
	IncludeLowest bool
	// Labels names the bins; by default "(a, b]" or "[a, b)".
	Labels []string
}

// ByBins groups the positions along the dimension of a 1-D numeric
// coordinate by the bins between consecutive edges (ascending): xarray's
// groupby_bins. Values outside every bin (and NaN) are in no group. The
// result's dimension is coord + "_bins" and has one position per bin,
// empty bins included.
func ByBins(coord string, edges []float64, o ...BinOptions) Key {
	k := byBins{coord: coord, edges: slices.Clone(edges)}
	if len(o) > 0 {
		k.o = o[0]
	}
	return k
}

func (k byBins) String() string { return k.coord + "_bins" }

func (k byBins) resolve(s source) (*Grouping, error) {
	name := k.coord + "_bins"
	if len(k.edges) < 2 {
		return nil, fmt.Errorf("groupby: bins of %q: %d edges, need at least 2: %w", k.coord, len(k.edges), ErrKey)
	}
	for i := 1; i < len(k.edges); i++ {
		if !(k.edges[i] > k.edges[i-1]) {
			return nil, fmt.Errorf("groupby: bins of %q: edges must increase (%v then %v): %w", k.coord, k.edges[i-1], k.edges[i], ErrKey)
		}
	}
	nb := len(k.edges) - 1
	if k.o.Labels != nil && len(k.o.Labels) != nb {
		return nil, fmt.Errorf("groupby: bins of %q: %d labels for %d bins: %w", k.coord, len(k.o.Labels), nb, ErrKey)
	}
	v, err := s.variable(k.coord)
	if err != nil {
		return nil, fmt.Errorf("groupby: bins: %s has no coordinate %q: %w", s.what, k.coord, ErrKey)
	}
	if len(v.Dims()) != 1 {
		return nil, fmt.Errorf("groupby: bins: coordinate %q has dimensions %q, not one: %w", k.coord, v.Dims(), ErrKey)
	}
	vals, err := values(v)
	if err != nil {
		return nil, fmt.Errorf("groupby: bins of %q: %w", k.coord, err)
	}
	g := &Grouping{Dim: v.Dims()[0], Name: name, Codes: make([]int, len(vals))}
	e := k.edges
	for p, x := range vals {
		g.Codes[p] = -1
		if math.IsNaN(x) {
			continue
		}
		if k.o.Left {
			// [e_i, e_i+1): the last edge <= x.
			if i := sort.SearchFloat64s(e, x); i < len(e) && e[i] == x {
				if i < nb {
					g.Codes[p] = i
				}
			} else if i > 0 && i <= nb {
				g.Codes[p] = i - 1
			}
			continue
		}
		// (e_i, e_i+1]: the first edge >= x is e_i+1.
		i := sort.SearchFloat64s(e, x)
		switch {
		case i == 0 && x == e[0] && k.o.IncludeLowest:
			g.Codes[p] = 0
		case i > 0 && i <= nb:
			g.Codes[p] = i - 1
		}
	}
	names := k.o.Labels
	if names == nil {
		for i := range nb {
			lo, hi := "(", "]"
			if k.o.Left {
				lo, hi = "[", ")"
			} else if i == 0 && k.o.IncludeLowest {
				lo = "["
			}
			names = append(names, lo+strconv.FormatFloat(e[i], 'g', -1, 64)+", "+strconv.FormatFloat(e[i+1], 'g', -1, 64)+hi)
		}
	}
	if g.Labels, err = labels.StringVariable(name, names, nil); err != nil {
		return nil, err
	}
	return g, g.finish()
}

// distinct returns the sorted distinct values of s.
func distinct[T int64 | float64 | string](s []T) []T {
	u := slices.Clone(s)
	slices.Sort(u)
	return slices.Compact(u)
}

// factorize returns the sorted distinct values of s and, for each value,
// its position among them: its group code.
func factorize[T int64 | string](s []T) (codes []int, uniq []T) {
	uniq = distinct(s)
	codes = make([]int, len(s))
	for p, x := range s {
		codes[p], _ = slices.BinarySearch(uniq, x)
	}
	return codes, uniq
}

// values returns a 1-D variable's values as float64, computing them if
// they are not in memory (coordinates are small).
func values(v *labels.Variable) ([]float64, error) {
	mem, err := v.Values(context.Background(), chunk.Options{})
	if err != nil {
		return nil, err
	}
	f, err := mem.Contiguous().Astype(ndarray.Float64)
	if err != nil {
		return nil, err
	}
	return ndarray.Float64s(f), nil
}

// times returns the dates of a time coordinate, computing its values if
// they are not in memory.
func times(v *labels.Variable) ([]cftime.Date, cftime.Calendar, error) {
	if _, ok := v.Loaded(); !ok {
		mem, err := v.Values(context.Background(), chunk.Options{})
		if err != nil {
			return nil, 0, err
		}
		w, err := labels.FromArray(v.Dims(), mem, v.Attrs())
		if err != nil {
			return nil, 0, err
		}
		v = w.WithEncoding(v.Encoding())
	}
	dates, cal, err := labels.Times(v)
	if err != nil {
		return nil, 0, fmt.Errorf("%w (group by time components needs a CF time coordinate): %w", err, ErrKey)
	}
	return dates, cal, nil
}
