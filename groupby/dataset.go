package groupby

import (
	"fmt"
	"slices"

	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/ndarray"
)

// DatasetGroups is a Dataset grouped along one dimension. Its operations
// apply to every data variable with the grouped dimension; the others
// (orography, latitude bounds) are kept unchanged. The reductions drop
// the grouped dimension's bounds variable (Resample replaces it with the
// groups' bounds); Apply, which keeps the grouped dimension, keeps it.
type DatasetGroups struct {
	ds *labels.Dataset
	g  *Grouping
	o  Options
}

// Dataset groups ds by key.
func Dataset(ds *labels.Dataset, key Key, o ...Options) (*DatasetGroups, error) {
	s := source{
		what:     "dataset",
		dims:     ds.Dims(),
		sizes:    ds.Sizes(),
		variable: ds.Variable,
	}
	g, err := key.resolve(s)
	if err != nil {
		return nil, err
	}
	if _, ok := ds.Sizes()[g.Dim]; !ok {
		return nil, fmt.Errorf("groupby: %s: the dataset has no dimension %q: %w", key, g.Dim, ErrKey)
	}
	return &DatasetGroups{ds: ds, g: g, o: first(o)}, nil
}

// Grouping returns the groups.
func (gd *DatasetGroups) Grouping() *Grouping { return gd.g }

// Reduce returns op over the members of each group for every data
// variable with the grouped dimension (see ArrayGroups.Reduce). Global
// attributes are kept.
func (gd *DatasetGroups) Reduce(op ndarray.Op, o labels.ReduceOptions) (*labels.Dataset, error) {
	return gd.each(func(a *labels.DataArray) (*labels.DataArray, error) {
		return reduceArray(a, gd.g, op, o, gd.o)
	})
}

// Sum, Mean, Min, Max, Count, Var, Std, First and Last are Reduce with
// xarray's defaults.
func (gd *DatasetGroups) Sum() (*labels.Dataset, error) {
	return gd.Reduce(ndarray.Sum, labels.ReduceOptions{})
}
func (gd *DatasetGroups) Mean() (*labels.Dataset, error) {
	return gd.Reduce(ndarray.Mean, labels.ReduceOptions{})
}
func (gd *DatasetGroups) Min() (*labels.Dataset, error) {
	return gd.Reduce(ndarray.Min, labels.ReduceOptions{})
}
func (gd *DatasetGroups) Max() (*labels.Dataset, error) {
	return gd.Reduce(ndarray.Max, labels.ReduceOptions{})
}
func (gd *DatasetGroups) Count() (*labels.Dataset, error) {
	return gd.Reduce(ndarray.Count, labels.ReduceOptions{})
}
func (gd *DatasetGroups) Var() (*labels.Dataset, error) {
	return gd.Reduce(ndarray.Var, labels.ReduceOptions{})
}
func (gd *DatasetGroups) Std() (*labels.Dataset, error) {
	return gd.Reduce(ndarray.Std, labels.ReduceOptions{})
}
func (gd *DatasetGroups) First() (*labels.Dataset, error) {
	return gd.Reduce(ndarray.First, labels.ReduceOptions{})
}
func (gd *DatasetGroups) Last() (*labels.Dataset, error) {
	return gd.Reduce(ndarray.Last, labels.ReduceOptions{})
}

// WeightedMean returns the weighted mean of each group for every data
// variable with the grouped dimension (see ArrayGroups.WeightedMean).
func (gd *DatasetGroups) WeightedMean(w *labels.Variable) (*labels.Dataset, error) {
	return gd.each(func(a *labels.DataArray) (*labels.DataArray, error) {
		return weightedMean(a, gd.g, w, gd.o)
	})
}

// Apply returns x op y[group] for every data variable x with the grouped
// dimension, y being the variable of the same name in clim (see
// ArrayGroups.Apply); every such variable must be in clim.
func (gd *DatasetGroups) Apply(op ndarray.BinaryOp, clim *labels.Dataset) (*labels.Dataset, error) {
	bounds := gd.boundsName()
	var data labels.Vars
	for _, n := range gd.ds.DataVars() {
		x, err := gd.ds.Array(n)
		if err != nil {
			return nil, err
		}
		if n == bounds || !slices.Contains(x.Dims(), gd.g.Dim) {
			data = append(data, labels.Named{Name: n, Var: x.Variable()})
			continue
		}
		y, err := clim.Array(n)
		if err != nil {
			return nil, fmt.Errorf("groupby: %s: variable %q is not in the grouped result: %w", op, n, err)
		}
		r, err := applyArray(x, gd.g, op, y)
		if err != nil {
			return nil, err
		}
		data = append(data, labels.Named{Name: n, Var: r.Variable()})
	}
	return labels.NewDataset(data, coordVars(gd.ds.Coords(), gd.ds.Variable, nil), gd.ds.Attrs())
}

// Sub returns the anomalies ds - clim[group].
func (gd *DatasetGroups) Sub(clim *labels.Dataset) (*labels.Dataset, error) {
	return gd.Apply(ndarray.SubOp, clim)
}

// boundsName returns the name of the grouped dimension's bounds
// variable, if its coordinate names one.
func (gd *DatasetGroups) boundsName() string {
	v, err := gd.ds.Variable(gd.g.Dim)
	if err != nil {
		return ""
	}
	for _, a := range []string{"bounds", "climatology"} {
		if b, ok := v.Attrs().String(a); ok {
			return b
		}
	}
	return ""
}

// each builds the result of f over every data variable with the grouped
// dimension, keeping the others, dropping the grouped dimension's bounds
// and adding the groups' bounds when there are some.
func (gd *DatasetGroups) each(f func(a *labels.DataArray) (*labels.DataArray, error)) (*labels.Dataset, error) {
	g := gd.g
	bounds := gd.boundsName()
	var data labels.Vars
	for _, n := range gd.ds.DataVars() {
		if n == bounds {
			continue
		}
		a, err := gd.ds.Array(n)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(a.Dims(), g.Dim) {
			data = append(data, labels.Named{Name: n, Var: a.Variable()})
			continue
		}
		r, err := f(a)
		if err != nil {
			return nil, err
		}
		data = append(data, labels.Named{Name: n, Var: r.Variable()})
	}
	if g.Bounds != nil {
		data = append(data, labels.Named{Name: g.BoundsName, Var: g.Bounds})
	}
	cs := coordVars(gd.ds.Coords(), gd.ds.Variable, func(n string, v *labels.Variable) bool {
		return n != g.Name && n != bounds && !slices.Contains(v.Dims(), g.Dim)
	})
	cs = append(cs, labels.Named{Name: g.Name, Var: g.Labels})
	return labels.NewDataset(data, cs, gd.ds.Attrs())
}
