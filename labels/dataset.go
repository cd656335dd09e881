package labels

import (
	"context"
	"fmt"
	"slices"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/ndarray"
)

// Dataset is a set of data variables sharing dimensions and coordinates,
// with global attributes: what one netCDF file, or many files opened as
// one, holds. Datasets are immutable values.
type Dataset struct {
	names  []string
	vars   map[string]*Variable
	coords coords
	attrs  Attrs
	dims   []string // in order of first appearance
	sizes  map[string]int
}

// NewDataset returns a dataset of the given data variables and
// coordinates. Dimensions of one name must have one size throughout;
// dimension coordinates must be in memory, to be indexed; names must be
// unique across variables and coordinates.
func NewDataset(data, cs Vars, attrs Attrs) (*Dataset, error) {
	ds := &Dataset{vars: map[string]*Variable{}, coords: newCoords(), attrs: slices.Clone(attrs), sizes: map[string]int{}}
	for _, nv := range cs {
		if err := ds.addDims(nv.Name, nv.Var); err != nil {
			return nil, err
		}
		if err := ds.coords.add(nv.Name, nv.Var); err != nil {
			return nil, err
		}
	}
	for _, nv := range data {
		if _, dup := ds.vars[nv.Name]; dup || ds.coords.vars[nv.Name] != nil {
			return nil, fmt.Errorf("labels: variable %q given twice: %w", nv.Name, ErrDims)
		}
		if err := ds.addDims(nv.Name, nv.Var); err != nil {
			return nil, err
		}
		ds.names = append(ds.names, nv.Name)
		ds.vars[nv.Name] = nv.Var
	}
	return ds, nil
}

// addDims records the dimensions of variable name, checking sizes.
func (ds *Dataset) addDims(name string, v *Variable) error {
	for i, d := range v.dims {
		n := v.Shape()[i]
		if m, ok := ds.sizes[d]; ok && m != n {
			return fmt.Errorf("labels: variable %q has %d values along %q, other variables %d: %w", name, n, d, m, ErrAlign)
		}
		if _, ok := ds.sizes[d]; !ok {
			ds.dims = append(ds.dims, d)
			ds.sizes[d] = n
		}
	}
	return nil
}

// Dims returns the dimension names, in order of first appearance.
func (ds *Dataset) Dims() []string { return slices.Clone(ds.dims) }

// Sizes returns the length of each dimension.
func (ds *Dataset) Sizes() map[string]int {
	m := make(map[string]int, len(ds.sizes))
	for k, v := range ds.sizes {
		m[k] = v
	}
	return m
}

// DataVars returns the names of the data variables, in order.
func (ds *Dataset) DataVars() []string { return slices.Clone(ds.names) }

// Coords returns the names of the coordinates, in order.
func (ds *Dataset) Coords() []string { return slices.Clone(ds.coords.names) }

// Attrs returns the global attributes.
func (ds *Dataset) Attrs() Attrs { return slices.Clone(ds.attrs) }

// WithAttrs returns the dataset with new global attributes.
func (ds *Dataset) WithAttrs(attrs Attrs) *Dataset {
	d := *ds
	d.attrs = slices.Clone(attrs)
	return &d
}

// Index returns the index of dimension dim, if it has a coordinate.
func (ds *Dataset) Index(dim string) (Index, bool) {
	x, ok := ds.coords.index[dim]
	return x, ok
}

// Variable returns the data variable or coordinate name.
func (ds *Dataset) Variable(name string) (*Variable, error) {
	if v, ok := ds.vars[name]; ok {
		return v, nil
	}
	if v, ok := ds.coords.vars[name]; ok {
		return v, nil
	}
	return nil, fmt.Errorf("labels: no variable %q (data variables %q, coordinates %q): %w", name, ds.names, ds.coords.names, ErrVarNotFound)
}

// Array returns the data variable name as a DataArray with the
// coordinates that apply to it.
func (ds *Dataset) Array(name string) (*DataArray, error) {
	v, ok := ds.vars[name]
	if !ok {
		if c, isCoord := ds.coords.vars[name]; isCoord {
			return &DataArray{name: name, v: c, coords: ds.coords.keepDims(c.dims)}, nil
		}
		return nil, fmt.Errorf("labels: no data variable %q (it has %q): %w", name, ds.names, ErrVarNotFound)
	}
	return &DataArray{name: name, v: v, coords: ds.coords.keepDims(v.dims)}, nil
}

// WithArray returns the dataset with a data variable set from a (named
// a.Name()), replacing one of that name; a's coordinates join the
// dataset's (those of the same name must agree in size).
func (ds *Dataset) WithArray(a *DataArray) (*Dataset, error) {
	data := Vars{}
	for _, n := range ds.names {
		if n != a.name {
			data = append(data, Named{n, ds.vars[n]})
		}
	}
	data = append(data, Named{a.name, a.v})
	cs := ds.coordVars()
	for _, n := range a.coords.names {
		if _, ok := ds.coords.vars[n]; !ok {
			cs = append(cs, Named{n, a.coords.vars[n]})
		}
	}
	return newDatasetIndexed(data, cs, ds.attrs, mergeIndex(ds.coords.index, a.coords.index))
}

// newDatasetIndexed is NewDataset reusing existing indexes (which may
// come from coordinates not in memory, after a lazy selection).
func newDatasetIndexed(data, cs Vars, attrs Attrs, idx map[string]Index) (*Dataset, error) {
	ds := &Dataset{vars: map[string]*Variable{}, coords: newCoords(), attrs: attrs, sizes: map[string]int{}}
	for _, nv := range cs {
		if err := ds.addDims(nv.Name, nv.Var); err != nil {
			return nil, err
		}
		ds.coords.names = append(ds.coords.names, nv.Name)
		ds.coords.vars[nv.Name] = nv.Var
		if x, ok := idx[nv.Name]; ok && len(nv.Var.dims) == 1 && nv.Var.dims[0] == nv.Name {
			ds.coords.index[nv.Name] = x
		}
	}
	for _, nv := range data {
		if err := ds.addDims(nv.Name, nv.Var); err != nil {
			return nil, err
		}
		ds.names = append(ds.names, nv.Name)
		ds.vars[nv.Name] = nv.Var
	}
	return ds, nil
}

func mergeIndex(a, b map[string]Index) map[string]Index {
	m := make(map[string]Index, len(a)+len(b))
	for k, v := range b {
		m[k] = v
	}
	for k, v := range a {
		m[k] = v
	}
	return m
}

func (ds *Dataset) coordVars() Vars {
	cs := make(Vars, len(ds.coords.names))
	for i, n := range ds.coords.names {
		cs[i] = Named{n, ds.coords.vars[n]}
	}
	return cs
}

// Isel selects by position on every variable that has the dimensions
// (see DataArray.Isel).
func (ds *Dataset) Isel(sel map[string]any) (*Dataset, error) {
	p, err := resolveIsel(sel, ds.dims, ds.sizes)
	if err != nil {
		return nil, err
	}
	return ds.isel(p)
}

func (ds *Dataset) isel(p map[string]positional) (*Dataset, error) {
	data := make(Vars, len(ds.names))
	for i, n := range ds.names {
		v, err := ds.vars[n].isel(p)
		if err != nil {
			return nil, fmt.Errorf("labels: isel variable %q: %w", n, err)
		}
		data[i] = Named{n, v}
	}
	c, err := ds.coords.isel(p)
	if err != nil {
		return nil, err
	}
	cs := make(Vars, len(c.names))
	for i, n := range c.names {
		cs[i] = Named{n, c.vars[n]}
	}
	return newDatasetIndexed(data, cs, ds.attrs, c.index)
}

// Sel selects by label on every variable that has the dimensions (see
// DataArray.Sel).
func (ds *Dataset) Sel(sel map[string]any, o ...SelOptions) (*Dataset, error) {
	p, err := resolveSel(sel, ds.coords.index, ds.dims, ds.sizes, firstOpts(o))
	if err != nil {
		return nil, err
	}
	return ds.isel(p)
}

// Map returns the dataset with f applied to every data variable (as a
// DataArray); coordinates follow the results.
func (ds *Dataset) Map(f func(a *DataArray) (*DataArray, error)) (*Dataset, error) {
	data := make(Vars, 0, len(ds.names))
	idx := map[string]Index{}
	var cs Vars
	seen := map[string]bool{}
	for _, n := range ds.names {
		a, err := ds.Array(n)
		if err != nil {
			return nil, err
		}
		r, err := f(a)
		if err != nil {
			return nil, err
		}
		data = append(data, Named{n, r.v})
		for _, cn := range r.coords.names {
			if !seen[cn] {
				seen[cn] = true
				cs = append(cs, Named{cn, r.coords.vars[cn]})
			}
		}
		for k, x := range r.coords.index {
			idx[k] = x
		}
	}
	// Coordinates no data variable uses (or a dataset without data
	// variables) keep those whose dimensions survive.
	var dims []string
	for _, nv := range data {
		dims = append(dims, nv.Var.dims...)
	}
	for _, cn := range ds.coords.names {
		if seen[cn] {
			continue
		}
		v := ds.coords.vars[cn]
		keep := true
		for _, d := range v.dims {
			keep = keep && (slices.Contains(dims, d) || len(ds.names) == 0)
		}
		if keep && len(data) > 0 {
			cs = append(cs, Named{cn, v})
			if x, ok := ds.coords.index[cn]; ok {
				idx[cn] = x
			}
		}
	}
	return newDatasetIndexed(data, cs, ds.attrs, idx)
}

// Reduce applies op over the named dimensions (all when none) to every
// data variable that has any of them, over those it has; variables with
// none of them are kept unchanged, attributes included (a time mean keeps
// the orography). xarray gives the same values for means, sums and
// extrema, but "reduces" such a variable over no dimension for the
// spreads and counts (std 0, count 1); keeping it is what a climatology
// needs. Global attributes are dropped unless o.KeepAttrs.
func (ds *Dataset) Reduce(op ndarray.Op, dims []string, o ReduceOptions) (*Dataset, error) {
	for _, d := range dims {
		if _, ok := ds.sizes[d]; !ok {
			return nil, fmt.Errorf("labels: %s: dimension %q not in %s: %w", op, d, sizeList(ds.dims, ds.sizes), ErrDimNotFound)
		}
	}
	out, err := ds.Map(func(a *DataArray) (*DataArray, error) {
		var mine []string
		for _, d := range dims {
			if slices.Contains(a.v.dims, d) {
				mine = append(mine, d)
			}
		}
		if len(dims) > 0 && len(mine) == 0 {
			return a, nil
		}
		return a.Reduce(op, mine, o)
	})
	if err != nil {
		return nil, err
	}
	if !o.KeepAttrs {
		out.attrs = nil
	}
	return out, nil
}

// Mean returns the mean over the named dimensions (see Reduce).
func (ds *Dataset) Mean(dims ...string) (*Dataset, error) {
	return ds.Reduce(ndarray.Mean, dims, ReduceOptions{})
}

// Transpose reorders the dimensions of every variable to follow dims
// (each variable keeps the ones it has).
func (ds *Dataset) Transpose(dims ...string) (*Dataset, error) {
	for _, d := range dims {
		if _, ok := ds.sizes[d]; !ok {
			return nil, fmt.Errorf("labels: transpose: dimension %q not in %s: %w", d, sizeList(ds.dims, ds.sizes), ErrDimNotFound)
		}
	}
	return ds.Map(func(a *DataArray) (*DataArray, error) {
		var order []string
		for _, d := range dims {
			if slices.Contains(a.v.dims, d) {
				order = append(order, d)
			}
		}
		for _, d := range a.v.dims {
			if !slices.Contains(order, d) {
				order = append(order, d)
			}
		}
		return a.Transpose(order...)
	})
}

// Squeeze drops the given dimensions of length 1 (all of them when none
// are given) from every variable.
func (ds *Dataset) Squeeze(dims ...string) (*Dataset, error) {
	if len(dims) == 0 {
		for _, d := range ds.dims {
			if ds.sizes[d] == 1 {
				dims = append(dims, d)
			}
		}
	}
	sel := map[string]any{}
	for _, d := range dims {
		n, ok := ds.sizes[d]
		if !ok {
			return nil, fmt.Errorf("labels: squeeze: dimension %q not in %s: %w", d, sizeList(ds.dims, ds.sizes), ErrDimNotFound)
		}
		if n != 1 {
			return nil, fmt.Errorf("labels: squeeze: dimension %q has length %d, not 1: %w", d, n, ErrDims)
		}
		sel[d] = 0
	}
	return ds.Isel(sel)
}

// Rename renames variables, coordinates and dimensions, old name to new.
func (ds *Dataset) Rename(names map[string]string) (*Dataset, error) {
	for old := range names {
		_, isDim := ds.sizes[old]
		if ds.vars[old] == nil && ds.coords.vars[old] == nil && !isDim {
			return nil, fmt.Errorf("labels: rename: %q is not a variable, coordinate or dimension: %w", old, ErrVarNotFound)
		}
	}
	rn := func(n string) string {
		if r, ok := names[n]; ok {
			return r
		}
		return n
	}
	data := make(Vars, len(ds.names))
	for i, n := range ds.names {
		data[i] = Named{rn(n), renameVar(ds.vars[n], names)}
	}
	cs := make(Vars, len(ds.coords.names))
	idx := map[string]Index{}
	for i, n := range ds.coords.names {
		cs[i] = Named{rn(n), renameVar(ds.coords.vars[n], names)}
		if x, ok := ds.coords.index[n]; ok {
			idx[rn(n)] = x
		}
	}
	seen := make(map[string]bool, len(data)+len(cs))
	for _, nv := range append(slices.Clone(data), cs...) {
		if seen[nv.Name] {
			return nil, fmt.Errorf("labels: rename: two variables named %q: %w", nv.Name, ErrDims)
		}
		seen[nv.Name] = true
		if err := checkDims(nv.Var.dims, nv.Var.Shape()); err != nil {
			return nil, fmt.Errorf("labels: rename: variable %q: %w", nv.Name, err)
		}
	}
	return newDatasetIndexed(data, cs, ds.attrs, idx)
}

// Compute computes every data variable into memory.
func (ds *Dataset) Compute(ctx context.Context, opts chunk.Options) (*Dataset, error) {
	arrs := make([]*chunk.Array, len(ds.names))
	for i, n := range ds.names {
		arrs[i] = ds.vars[n].data
	}
	vals, err := chunk.Compute(ctx, opts, arrs...)
	if err != nil {
		return nil, fmt.Errorf("labels: compute: %w", err)
	}
	data := make(Vars, len(ds.names))
	for i, n := range ds.names {
		v, err := FromArray(ds.vars[n].dims, vals[i], ds.vars[n].attrs)
		if err != nil {
			return nil, err
		}
		v.enc = ds.vars[n].enc
		data[i] = Named{n, v}
	}
	return newDatasetIndexed(data, ds.coordVars(), ds.attrs, ds.coords.index)
}

// Persist computes every data variable's blocks and keeps them in memory.
func (ds *Dataset) Persist(ctx context.Context, opts chunk.Options) (*Dataset, error) {
	arrs := make([]*chunk.Array, len(ds.names))
	for i, n := range ds.names {
		arrs[i] = ds.vars[n].data
	}
	p, err := chunk.Persist(ctx, opts, arrs...)
	if err != nil {
		return nil, fmt.Errorf("labels: persist: %w", err)
	}
	data := make(Vars, len(ds.names))
	for i, n := range ds.names {
		data[i] = Named{n, ds.vars[n].with(p[i], nil)}
	}
	return newDatasetIndexed(data, ds.coordVars(), ds.attrs, ds.coords.index)
}

// BinaryDatasets returns a op b for every data variable the two datasets
// share (aligned and broadcast as Binary); global attributes are dropped.
func BinaryDatasets(op ndarray.BinaryOp, a, b *Dataset) (*Dataset, error) {
	var data Vars
	var cs Vars
	idx := map[string]Index{}
	seen := map[string]bool{}
	for _, n := range a.names {
		if _, ok := b.vars[n]; !ok {
			continue
		}
		x, _ := a.Array(n)
		y, _ := b.Array(n)
		r, err := Binary(op, x, y)
		if err != nil {
			return nil, err
		}
		data = append(data, Named{n, r.v})
		for _, cn := range r.coords.names {
			if !seen[cn] {
				seen[cn] = true
				cs = append(cs, Named{cn, r.coords.vars[cn]})
			}
		}
		for k, v := range r.coords.index {
			idx[k] = v
		}
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("labels: %s of datasets with no data variable in common (%q and %q): %w", op, a.names, b.names, ErrVarNotFound)
	}
	return newDatasetIndexed(data, cs, nil, idx)
}

// BinaryScalar returns ds op s for every data variable.
func (ds *Dataset) BinaryScalar(op ndarray.BinaryOp, s float64) (*Dataset, error) {
	out, err := ds.Map(func(a *DataArray) (*DataArray, error) { return a.BinaryScalar(op, s) })
	if err != nil {
		return nil, err
	}
	out.attrs = nil
	return out, nil
}
