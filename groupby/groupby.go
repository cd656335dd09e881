package groupby

import (
	"fmt"
	"slices"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/ndarray"
)

// Options adjust a grouping.
type Options struct {
	// Strategy forces the layout of grouped reductions (chunk.Blockwise,
	// chunk.Cohorts or chunk.MapReduce); the default picks from the
	// layout of the groups over the blocks.
	Strategy chunk.Strategy
}

// ArrayGroups is a DataArray grouped along one dimension.
type ArrayGroups struct {
	a *labels.DataArray
	g *Grouping
	o Options
}

// Array groups a by key.
func Array(a *labels.DataArray, key Key, o ...Options) (*ArrayGroups, error) {
	s := source{
		what:     fmt.Sprintf("array %q", a.Name()),
		dims:     a.Dims(),
		sizes:    a.Sizes(),
		variable: a.Coord,
	}
	g, err := key.resolve(s)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(a.Dims(), g.Dim) {
		return nil, fmt.Errorf("groupby: %s: array %q has no dimension %q: %w", key, a.Name(), g.Dim, ErrKey)
	}
	return &ArrayGroups{a: a, g: g, o: first(o)}, nil
}

// first returns the Options of a variadic argument: the first given, or
// the defaults.
func first(o []Options) Options {
	if len(o) > 0 {
		return o[0]
	}
	return Options{}
}

// Grouping returns the groups.
func (ga *ArrayGroups) Grouping() *Grouping { return ga.g }

// Reduce returns op over the members of each group: the grouped dimension
// is replaced by the groups' dimension, labelled by the groups. Each
// block of the input is read once and folded into the partial aggregates
// of the groups it holds (see chunk.GroupReduce); the result does not
// depend on the chunking. Missing values (NaN) are skipped unless
// o.KeepNaN; attributes are kept.
func (ga *ArrayGroups) Reduce(op ndarray.Op, o labels.ReduceOptions) (*labels.DataArray, error) {
	return reduceArray(ga.a, ga.g, op, o, ga.o)
}

// Sum, Mean, Min, Max, Count, Var, Std, First and Last are Reduce with
// xarray's defaults (NaN skipped, ddof 0; First and Last are the first
// and last valid values).
func (ga *ArrayGroups) Sum() (*labels.DataArray, error) {
	return ga.Reduce(ndarray.Sum, labels.ReduceOptions{})
}
func (ga *ArrayGroups) Mean() (*labels.DataArray, error) {
	return ga.Reduce(ndarray.Mean, labels.ReduceOptions{})
}
func (ga *ArrayGroups) Min() (*labels.DataArray, error) {
	return ga.Reduce(ndarray.Min, labels.ReduceOptions{})
}
func (ga *ArrayGroups) Max() (*labels.DataArray, error) {
	return ga.Reduce(ndarray.Max, labels.ReduceOptions{})
}
func (ga *ArrayGroups) Count() (*labels.DataArray, error) {
	return ga.Reduce(ndarray.Count, labels.ReduceOptions{})
}
func (ga *ArrayGroups) Var() (*labels.DataArray, error) {
	return ga.Reduce(ndarray.Var, labels.ReduceOptions{})
}
func (ga *ArrayGroups) Std() (*labels.DataArray, error) {
	return ga.Reduce(ndarray.Std, labels.ReduceOptions{})
}
func (ga *ArrayGroups) First() (*labels.DataArray, error) {
	return ga.Reduce(ndarray.First, labels.ReduceOptions{})
}
func (ga *ArrayGroups) Last() (*labels.DataArray, error) {
	return ga.Reduce(ndarray.Last, labels.ReduceOptions{})
}

// WeightedMean returns the weighted mean of each group, Σw·x / Σw over
// the valid values of each point (SEASONAL.md W3: weights of missing
// values do not count, as xarray's weighted().mean()). w is a 1-D
// variable along the grouped dimension (days per month for monthly
// means).
func (ga *ArrayGroups) WeightedMean(w *labels.Variable) (*labels.DataArray, error) {
	return weightedMean(ga.a, ga.g, w, ga.o)
}

// Apply returns x op y[group of each step]: y is a result indexed by
// group (a climatology, with the groups' dimension), matched to the
// groups by label; groups y lacks give missing values. The result has
// x's dimensions and coordinates; there is one task per block of x (see
// chunk.GroupApply).
func (ga *ArrayGroups) Apply(op ndarray.BinaryOp, y *labels.DataArray) (*labels.DataArray, error) {
	return applyArray(ga.a, ga.g, op, y)
}

// Sub returns the anomalies x - y[group]: x.GroupBy("time.season").Sub(clim).
func (ga *ArrayGroups) Sub(y *labels.DataArray) (*labels.DataArray, error) {
	return ga.Apply(ndarray.SubOp, y)
}

// Add, Mul and Div are Apply with the operation named.
func (ga *ArrayGroups) Add(y *labels.DataArray) (*labels.DataArray, error) {
	return ga.Apply(ndarray.AddOp, y)
}
func (ga *ArrayGroups) Mul(y *labels.DataArray) (*labels.DataArray, error) {
	return ga.Apply(ndarray.MulOp, y)
}
func (ga *ArrayGroups) Div(y *labels.DataArray) (*labels.DataArray, error) {
	return ga.Apply(ndarray.DivOp, y)
}

// Map applies f to each group (the array restricted to the group's
// members, with the group's label) and combines the results: if f keeps
// the grouped dimension at the group's length, the results are put back
// in the original order (a transform; every position must be in a
// group); if f removes it, they are stacked along the groups' dimension,
// first. Each group's selection reads only the blocks holding its
// members.
func (ga *ArrayGroups) Map(f func(label string, g *labels.DataArray) (*labels.DataArray, error)) (*labels.DataArray, error) {
	return mapArray(ga.a, ga.g, f)
}

// reduceArray is ArrayGroups.Reduce; arrays without the grouped
// dimension are returned unchanged.
func reduceArray(a *labels.DataArray, g *Grouping, op ndarray.Op, o labels.ReduceOptions, opts Options) (*labels.DataArray, error) {
	ax := slices.Index(a.Dims(), g.Dim)
	if ax < 0 {
		return a, nil
	}
	nd := ndarray.ReduceOptions{SkipNaN: !o.KeepNaN, MinCount: o.MinCount, DDOF: o.DDOF}
	data, err := chunk.GroupReduce(op, a.Data(), ax, g.groups(), nd, opts.Strategy)
	if err != nil {
		return nil, fmt.Errorf("groupby: %s of %q by %s: %w", op, a.Name(), g.Name, err)
	}
	return grouped(a, g, ax, data)
}

// grouped returns data, a grouped result of a along its axis ax, as a
// DataArray: a's name and attributes, the groups' dimension in place of
// the grouped one, a's coordinates without those along the grouped
// dimension, and the groups' labels.
func grouped(a *labels.DataArray, g *Grouping, ax int, data *chunk.Array) (*labels.DataArray, error) {
	dims := a.Dims()
	dims[ax] = g.Name
	v, err := labels.NewVariable(dims, data, a.Attrs())
	if err != nil {
		return nil, err
	}
	cs := coordVars(a.Coords(), a.Coord, func(n string, c *labels.Variable) bool {
		return n != g.Name && !slices.Contains(c.Dims(), g.Dim)
	})
	return labels.NewDataArray(a.Name(), v, append(cs, labels.Named{Name: g.Name, Var: g.Labels}))
}

// coordVars returns the coordinates names of an array or a dataset,
// looked up by coord, that keep accepts (every one when keep is nil).
func coordVars(names []string, coord func(string) (*labels.Variable, error), keep func(name string, v *labels.Variable) bool) labels.Vars {
	var cs labels.Vars
	for _, n := range names {
		v, _ := coord(n)
		if keep == nil || keep(n, v) {
			cs = append(cs, labels.Named{Name: n, Var: v})
		}
	}
	return cs
}

// weightedMean is ArrayGroups.WeightedMean; arrays without the grouped
// dimension are returned unchanged.
func weightedMean(a *labels.DataArray, g *Grouping, w *labels.Variable, opts Options) (*labels.DataArray, error) {
	ax := slices.Index(a.Dims(), g.Dim)
	if ax < 0 {
		return a, nil
	}
	if w == nil || len(w.Dims()) != 1 || w.Shape()[0] != len(g.Codes) {
		return nil, fmt.Errorf("groupby: weighted mean of %q: weights must be one value per position of %q (%d): %w", a.Name(), g.Dim, len(g.Codes), ErrKey)
	}
	if w.Dims()[0] != g.Dim {
		var ok bool
		if w, ok = renamed(w, g.Dim); !ok {
			return nil, fmt.Errorf("groupby: weighted mean of %q: weights: %w", a.Name(), ErrKey)
		}
	}
	wa, err := labels.NewDataArray("weights", w, nil)
	if err != nil {
		return nil, err
	}
	// Σ w·x over valid x, and Σ w over the same: x·0 + w is w where x is
	// valid and NaN where it is missing, so the NaN-skipping sum drops
	// the weights of missing values.
	plain, err := labels.NewDataArray(a.Name(), a.Variable(), nil)
	if err != nil {
		return nil, err
	}
	wx, err := labels.Binary(ndarray.MulOp, plain, wa)
	if err != nil {
		return nil, fmt.Errorf("groupby: weighted mean of %q: %w", a.Name(), err)
	}
	zero, err := plain.BinaryScalar(ndarray.MulOp, 0)
	if err != nil {
		return nil, err
	}
	ww, err := labels.Binary(ndarray.AddOp, zero, wa)
	if err != nil {
		return nil, err
	}
	o := ndarray.ReduceOptions{SkipNaN: true, MinCount: 1}
	num, err := chunk.GroupReduce(ndarray.Sum, wx.Data(), ax, g.groups(), o, opts.Strategy)
	if err != nil {
		return nil, fmt.Errorf("groupby: weighted mean of %q: %w", a.Name(), err)
	}
	den, err := chunk.GroupReduce(ndarray.Sum, ww.Data(), ax, g.groups(), o, opts.Strategy)
	if err != nil {
		return nil, fmt.Errorf("groupby: weighted mean of %q: %w", a.Name(), err)
	}
	mean, err := chunk.Binary(ndarray.DivOp, num, den)
	if err != nil {
		return nil, err
	}
	return grouped(a, g, ax, mean)
}

// applyArray is ArrayGroups.Apply.
func applyArray(x *labels.DataArray, g *Grouping, op ndarray.BinaryOp, y *labels.DataArray) (*labels.DataArray, error) {
	ax := slices.Index(x.Dims(), g.Dim)
	if ax < 0 {
		return nil, fmt.Errorf("groupby: %s: array %q has no dimension %q: %w", op, x.Name(), g.Dim, ErrKey)
	}
	yx, ok := y.Index(g.Name)
	if !ok {
		return nil, fmt.Errorf("groupby: %s of %q and %q: %q has no indexed dimension %q (the groups' labels): %w", op, x.Name(), y.Name(), y.Name(), g.Name, ErrKey)
	}
	// The position in y of each group, by label.
	pos := make(map[string]int, yx.Len())
	for i := range yx.Len() {
		pos[yx.Label(i)] = i
	}
	codes := make([]int, len(g.Codes))
	toY := make([]int, g.N())
	for c := range toY {
		toY[c] = -1
		if i, ok := pos[g.index.Label(c)]; ok {
			toY[c] = i
		}
	}
	for p, c := range g.Codes {
		codes[p] = -1
		if c >= 0 {
			codes[p] = toY[c]
		}
	}
	// y laid out as x: x's dimensions with the groups' one in place of
	// the grouped one; dimensions y lacks become length 1.
	order := x.Dims()
	order[ax] = g.Name
	for _, d := range y.Dims() {
		if !slices.Contains(order, d) {
			return nil, fmt.Errorf("groupby: %s of %q and %q: %q has dimension %q, which %q lacks: %w", op, x.Name(), y.Name(), y.Name(), d, x.Name(), ErrKey)
		}
	}
	var mine []string
	for _, d := range order {
		if slices.Contains(y.Dims(), d) {
			mine = append(mine, d)
		}
	}
	yt, err := y.Transpose(mine...)
	if err != nil {
		return nil, err
	}
	yd := yt.Data()
	for i, d := range order {
		if !slices.Contains(mine, d) {
			if yd, err = yd.ExpandDims(i); err != nil {
				return nil, err
			}
		} else if d != g.Name && yd.Shape()[i] != x.Shape()[i] {
			return nil, fmt.Errorf("groupby: %s of %q and %q: dimension %q has %d positions in %q, %d in %q: %w", op, x.Name(), y.Name(), d, x.Shape()[i], x.Name(), yd.Shape()[i], y.Name(), labels.ErrAlign)
		}
	}
	data, err := chunk.GroupApply(op, x.Data(), ax, chunk.Groups{Codes: codes, N: yx.Len()}, yd)
	if err != nil {
		return nil, fmt.Errorf("groupby: %s of %q and %q: %w", op, x.Name(), y.Name(), err)
	}
	v, err := labels.NewVariable(x.Dims(), data, nil)
	if err != nil {
		return nil, err
	}
	return labels.NewDataArray(x.Name(), v, coordVars(x.Coords(), x.Coord, nil))
}

// mapArray is ArrayGroups.Map.
func mapArray(a *labels.DataArray, g *Grouping, f func(string, *labels.DataArray) (*labels.DataArray, error)) (*labels.DataArray, error) {
	ax := slices.Index(a.Dims(), g.Dim)
	members := g.Members()
	results := make([]*labels.DataArray, len(members))
	for c, m := range members {
		label := g.index.Label(c)
		if len(m) == 0 {
			return nil, fmt.Errorf("groupby: map over %q: group %s has no members", a.Name(), label)
		}
		sub, err := a.Isel(map[string]any{g.Dim: m})
		if err != nil {
			return nil, err
		}
		if results[c], err = f(label, sub); err != nil {
			return nil, fmt.Errorf("groupby: map over %q: group %s: %w", a.Name(), label, err)
		}
	}
	r0 := results[0]
	keeps := slices.Contains(r0.Dims(), g.Dim)
	for c, r := range results {
		if slices.Contains(r.Dims(), g.Dim) != keeps || !slices.Equal(r.Dims(), r0.Dims()) {
			return nil, fmt.Errorf("groupby: map over %q: group %s gave dimensions %q, group %s %q: results must agree", a.Name(), g.index.Label(c), r.Dims(), g.index.Label(0), r0.Dims())
		}
	}
	datas := make([]*chunk.Array, len(results))
	for c, r := range results {
		datas[c] = r.Data()
	}
	if !keeps {
		// Stack along the groups' dimension, first.
		data, err := chunk.Stack(0, datas...)
		if err != nil {
			return nil, fmt.Errorf("groupby: map over %q: %w", a.Name(), err)
		}
		v, err := labels.NewVariable(append([]string{g.Name}, r0.Dims()...), data, r0.Attrs())
		if err != nil {
			return nil, err
		}
		cs := coordVars(r0.Coords(), r0.Coord, nil)
		return labels.NewDataArray(a.Name(), v, append(cs, labels.Named{Name: g.Name, Var: g.Labels}))
	}
	// A transform: concatenate in group order, then put the positions
	// back where they came from.
	rax := slices.Index(r0.Dims(), g.Dim)
	var order []int
	for c, m := range members {
		if results[c].Shape()[rax] != len(m) {
			return nil, fmt.Errorf("groupby: map over %q: group %s gave %d positions along %q for %d members", a.Name(), g.index.Label(c), results[c].Shape()[rax], g.Dim, len(m))
		}
		order = append(order, m...)
	}
	if len(order) != a.Shape()[ax] {
		return nil, fmt.Errorf("groupby: map over %q: %d of %d positions along %q are in no group; a transform needs them all", a.Name(), a.Shape()[ax]-len(order), a.Shape()[ax], g.Dim)
	}
	cat, err := chunk.Concat(rax, datas...)
	if err != nil {
		return nil, fmt.Errorf("groupby: map over %q: %w", a.Name(), err)
	}
	inv := make([]int, len(order))
	for i, p := range order {
		inv[p] = i
	}
	if cat, err = cat.Take(rax, inv); err != nil {
		return nil, err
	}
	v, err := labels.NewVariable(r0.Dims(), cat, r0.Attrs())
	if err != nil {
		return nil, err
	}
	cs := coordVars(a.Coords(), a.Coord, func(_ string, c *labels.Variable) bool { return within(c.Dims(), r0.Dims()) })
	return labels.NewDataArray(a.Name(), v, cs)
}

// within reports whether every one of dims is in of.
func within(dims, of []string) bool {
	for _, d := range dims {
		if !slices.Contains(of, d) {
			return false
		}
	}
	return true
}
