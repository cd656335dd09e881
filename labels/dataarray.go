package labels

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/ndarray"
)

// DataArray is a Variable with a name and coordinates: the labeled array
// users compute with. Its coordinates are those whose dimensions are all
// among its own; the dimension coordinates among them are indexed.
// DataArrays are immutable values.
type DataArray struct {
	name   string
	v      *Variable
	coords coords
}

// NewDataArray returns a named array over v with the given coordinates.
// Every coordinate's dimensions must be among v's, with the same sizes;
// dimension coordinates (named as their only dimension) must be in
// memory, to be indexed.
func NewDataArray(name string, v *Variable, cs Vars) (*DataArray, error) {
	c := newCoords()
	sizes := v.Sizes()
	for _, nv := range cs {
		for i, d := range nv.Var.dims {
			n, ok := sizes[d]
			if !ok {
				return nil, fmt.Errorf("labels: coordinate %q has dimension %q, not in %s of %q: %w", nv.Name, d, dimList(v.dims), name, ErrDimNotFound)
			}
			if m := nv.Var.Shape()[i]; m != n {
				return nil, fmt.Errorf("labels: coordinate %q has %d values along %q, the array %d: %w", nv.Name, m, d, n, ErrAlign)
			}
		}
		if err := c.add(nv.Name, nv.Var); err != nil {
			return nil, err
		}
	}
	return &DataArray{name: name, v: v, coords: c}, nil
}

// Name returns the array's name.
func (a *DataArray) Name() string { return a.name }

// Variable returns the underlying variable.
func (a *DataArray) Variable() *Variable { return a.v }

// Dims returns the dimension names.
func (a *DataArray) Dims() []string { return a.v.Dims() }

// Shape returns the length of each dimension.
func (a *DataArray) Shape() []int { return a.v.Shape() }

// Sizes returns the length of each dimension by name.
func (a *DataArray) Sizes() map[string]int { return a.v.Sizes() }

// DType returns the element type.
func (a *DataArray) DType() ndarray.DType { return a.v.DType() }

// Attrs returns the attributes.
func (a *DataArray) Attrs() Attrs { return a.v.Attrs() }

// Data returns the lazy array.
func (a *DataArray) Data() *chunk.Array { return a.v.data }

// Coords returns the names of the coordinates, in order.
func (a *DataArray) Coords() []string { return slices.Clone(a.coords.names) }

// Coord returns the coordinate variable name.
func (a *DataArray) Coord(name string) (*Variable, error) {
	if v, ok := a.coords.vars[name]; ok {
		return v, nil
	}
	return nil, fmt.Errorf("labels: %q has no coordinate %q (it has %q): %w", a.name, name, a.coords.names, ErrVarNotFound)
}

// Index returns the index of dimension dim, if it has a coordinate.
func (a *DataArray) Index(dim string) (Index, bool) {
	x, ok := a.coords.index[dim]
	return x, ok
}

// Rename returns the array with a new name.
func (a *DataArray) Rename(name string) *DataArray {
	b := *a
	b.name = name
	return &b
}

// Isel selects by position: for each dimension an int (the dimension is
// dropped; negative counts from the end), an ndarray.Range or a []int.
func (a *DataArray) Isel(sel map[string]any) (*DataArray, error) {
	p, err := resolveIsel(sel, a.v.dims, a.v.Sizes())
	if err != nil {
		return nil, fmt.Errorf("%w (array %q)", err, a.name)
	}
	return a.isel(p)
}

func (a *DataArray) isel(p map[string]positional) (*DataArray, error) {
	v, err := a.v.isel(p)
	if err != nil {
		return nil, fmt.Errorf("labels: isel %q: %w", a.name, err)
	}
	c, err := a.coords.isel(p)
	if err != nil {
		return nil, err
	}
	return &DataArray{name: a.name, v: v, coords: c}, nil
}

// Sel selects by label: for each dimension a label (the dimension is
// dropped), a Slice of labels, or a []any of labels. Time coordinates take
// dates (cftime.Date) and date strings; a partial date ("2014-12",
// "2014-12-11") selects every step it covers and keeps the dimension.
// The first SelOptions, if given, sets the lookup method.
func (a *DataArray) Sel(sel map[string]any, o ...SelOptions) (*DataArray, error) {
	p, err := resolveSel(sel, a.coords.index, a.v.dims, a.v.Sizes(), firstOpts(o))
	if err != nil {
		return nil, fmt.Errorf("%w (array %q)", err, a.name)
	}
	return a.isel(p)
}

func firstOpts(o []SelOptions) SelOptions {
	if len(o) > 0 {
		return o[0]
	}
	return SelOptions{}
}

// Transpose returns the array with its dimensions in the given order (a
// permutation of its dims; reversed when none are given).
func (a *DataArray) Transpose(dims ...string) (*DataArray, error) {
	if len(dims) == 0 {
		dims = slices.Clone(a.v.dims)
		slices.Reverse(dims)
	}
	if len(dims) != len(a.v.dims) {
		return nil, fmt.Errorf("labels: transpose %q: %s is not a permutation of %s: %w", a.name, dimList(dims), dimList(a.v.dims), ErrDims)
	}
	v, err := a.v.transpose(dims)
	if err != nil {
		return nil, fmt.Errorf("labels: transpose %q: %w", a.name, err)
	}
	return &DataArray{name: a.name, v: v, coords: a.coords}, nil
}

// Squeeze drops the given dimensions, which must have length 1 (all
// dimensions of length 1 when none are given). Their coordinates stay as
// scalar coordinates.
func (a *DataArray) Squeeze(dims ...string) (*DataArray, error) {
	sizes := a.v.Sizes()
	if len(dims) == 0 {
		for _, d := range a.v.dims {
			if sizes[d] == 1 {
				dims = append(dims, d)
			}
		}
	}
	sel := make(map[string]any, len(dims))
	for _, d := range dims {
		n, ok := sizes[d]
		if !ok {
			return nil, fmt.Errorf("labels: squeeze %q: dimension %q not in %s: %w", a.name, d, dimList(a.v.dims), ErrDimNotFound)
		}
		if n != 1 {
			return nil, fmt.Errorf("labels: squeeze %q: dimension %q has length %d, not 1: %w", a.name, d, n, ErrDims)
		}
		sel[d] = 0
	}
	return a.Isel(sel)
}

// RenameDims returns the array with dimensions (and the coordinates named
// as them) renamed, old name to new.
func (a *DataArray) RenameDims(names map[string]string) (*DataArray, error) {
	for old := range names {
		if !slices.Contains(a.v.dims, old) && a.coords.vars[old] == nil {
			return nil, fmt.Errorf("labels: rename %q: %q is neither a dimension nor a coordinate: %w", a.name, old, ErrDimNotFound)
		}
	}
	v := renameVar(a.v, names)
	c := newCoords()
	for _, n := range a.coords.names {
		nn := n
		if r, ok := names[n]; ok {
			nn = r
		}
		c.names = append(c.names, nn)
		c.vars[nn] = renameVar(a.coords.vars[n], names)
		if x, ok := a.coords.index[n]; ok {
			c.index[nn] = x
		}
	}
	if err := checkDims(v.dims, v.Shape()); err != nil {
		return nil, err
	}
	return &DataArray{name: a.name, v: v, coords: c}, nil
}

func renameVar(v *Variable, names map[string]string) *Variable {
	dims := slices.Clone(v.dims)
	for i, d := range dims {
		if r, ok := names[d]; ok {
			dims[i] = r
		}
	}
	w := *v
	w.dims = dims
	return &w
}

// ReduceOptions adjust a reduction by dimension name. The zero value is
// xarray's default: missing values (NaN) are skipped.
type ReduceOptions struct {
	// KeepNaN lets missing values make the result missing (xarray's
	// skipna=False).
	KeepNaN bool
	// MinCount makes the result missing where fewer values were valid.
	MinCount int
	// DDOF is the delta degrees of freedom of Var and Std.
	DDOF int
	// KeepAttrs copies the attributes to the result (xarray drops them).
	KeepAttrs bool
}

func (o ReduceOptions) nd() ndarray.ReduceOptions {
	return ndarray.ReduceOptions{SkipNaN: !o.KeepNaN, MinCount: o.MinCount, DDOF: o.DDOF}
}

// Reduce applies op over the named dimensions (all when none are given).
// Coordinates along them are dropped.
func (a *DataArray) Reduce(op ndarray.Op, dims []string, o ReduceOptions) (*DataArray, error) {
	if len(dims) == 0 {
		dims = a.v.dims
	}
	axes := make([]int, len(dims))
	for i, d := range dims {
		ax, err := a.v.axis(d)
		if err != nil {
			return nil, fmt.Errorf("labels: %s of %q: %w", op, a.name, err)
		}
		axes[i] = ax
	}
	data, err := chunk.Reduce(op, a.v.data, o.nd(), axes...)
	if err != nil {
		return nil, fmt.Errorf("labels: %s of %q over %s: %w", op, a.name, dimList(dims), err)
	}
	var keep []string
	for _, d := range a.v.dims {
		if !slices.Contains(dims, d) {
			keep = append(keep, d)
		}
	}
	v := &Variable{dims: keep, data: data}
	if o.KeepAttrs {
		v.attrs = a.v.attrs
	}
	if keep == nil {
		v.dims = []string{}
	}
	return &DataArray{name: a.name, v: v, coords: a.coords.keepDims(keep)}, nil
}

// Mean returns the mean over the named dimensions (all when none).
func (a *DataArray) Mean(dims ...string) (*DataArray, error) {
	return a.Reduce(ndarray.Mean, dims, ReduceOptions{})
}

// Sum returns the sum over the named dimensions (all when none).
func (a *DataArray) Sum(dims ...string) (*DataArray, error) {
	return a.Reduce(ndarray.Sum, dims, ReduceOptions{})
}

// Min returns the minimum over the named dimensions (all when none).
func (a *DataArray) Min(dims ...string) (*DataArray, error) {
	return a.Reduce(ndarray.Min, dims, ReduceOptions{})
}

// Max returns the maximum over the named dimensions (all when none).
func (a *DataArray) Max(dims ...string) (*DataArray, error) {
	return a.Reduce(ndarray.Max, dims, ReduceOptions{})
}

// Std returns the standard deviation (ddof 0) over the named dimensions.
func (a *DataArray) Std(dims ...string) (*DataArray, error) {
	return a.Reduce(ndarray.Std, dims, ReduceOptions{})
}

// Var returns the variance (ddof 0) over the named dimensions.
func (a *DataArray) Var(dims ...string) (*DataArray, error) {
	return a.Reduce(ndarray.Var, dims, ReduceOptions{})
}

// Count returns the number of valid values over the named dimensions.
func (a *DataArray) Count(dims ...string) (*DataArray, error) {
	return a.Reduce(ndarray.Count, dims, ReduceOptions{})
}

// Compute returns the array with its values computed and held in memory.
func (a *DataArray) Compute(ctx context.Context, opts chunk.Options) (*DataArray, error) {
	vals, err := a.v.Values(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("labels: compute %q: %w", a.name, err)
	}
	v, err := FromArray(a.v.dims, vals, a.v.attrs)
	if err != nil {
		return nil, err
	}
	v.enc = a.v.enc
	return &DataArray{name: a.name, v: v, coords: a.coords}, nil
}

// Values computes the array and returns its values.
func (a *DataArray) Values(ctx context.Context, opts chunk.Options) (*ndarray.Array, error) {
	return a.v.Values(ctx, opts)
}

// Persist computes the array's blocks and keeps them in memory, chunked
// as before.
func (a *DataArray) Persist(ctx context.Context, opts chunk.Options) (*DataArray, error) {
	p, err := chunk.Persist(ctx, opts, a.v.data)
	if err != nil {
		return nil, fmt.Errorf("labels: persist %q: %w", a.name, err)
	}
	return &DataArray{name: a.name, v: a.v.with(p[0], a.v.mem), coords: a.coords}, nil
}

// Where returns the array where cond is true and missing (NaN) elsewhere;
// cond broadcasts by dimension name and aligns by its coordinates.
// Integer arrays become floats to hold NaN.
func (a *DataArray) Where(cond *DataArray) (*DataArray, error) {
	x := a
	if !a.DType().IsFloat() {
		d, err := a.v.data.Astype(ndarray.Float64)
		if err != nil {
			return nil, err
		}
		x = &DataArray{name: a.name, v: a.v.with(d, nil), coords: a.coords}
	}
	nan, err := scalarArray(math.NaN(), x.DType())
	if err != nil {
		return nil, err
	}
	out, err := combine("where", x, cond, func(xd, cd *chunk.Array) (*chunk.Array, error) {
		return chunk.Where(cd, xd, nan)
	})
	if err != nil {
		return nil, err
	}
	out.v.attrs = a.v.attrs // xarray's DataArray.where keeps attributes
	return out, nil
}

// scalarArray returns a 0-dimensional lazy array holding v as dt.
func scalarArray(v float64, dt ndarray.DType) (*chunk.Array, error) {
	s := ndarray.Full(dt, v)
	return chunk.FromArray(s, chunk.Chunks{})
}

// Binary returns a op b, aligned by their coordinates (an inner join
// along each shared indexed dimension) and broadcast by dimension name:
// the result has a's dimensions, then b's others. Attributes are dropped,
// as xarray does.
func Binary(op ndarray.BinaryOp, a, b *DataArray) (*DataArray, error) {
	return combine(op.String(), a, b, func(x, y *chunk.Array) (*chunk.Array, error) {
		return chunk.Binary(op, x, y)
	})
}

// BinaryScalar returns a op s elementwise; attributes are dropped.
func (a *DataArray) BinaryScalar(op ndarray.BinaryOp, s float64) (*DataArray, error) {
	d, err := chunk.BinaryScalar(op, a.v.data, s)
	if err != nil {
		return nil, fmt.Errorf("labels: %s of %q and %v: %w", op, a.name, s, err)
	}
	return &DataArray{name: a.name, v: &Variable{dims: a.v.dims, data: d}, coords: a.coords}, nil
}

// Compare returns the Bool array a op b, aligned and broadcast as Binary.
func Compare(op ndarray.CompareOp, a, b *DataArray) (*DataArray, error) {
	return combine(op.String(), a, b, func(x, y *chunk.Array) (*chunk.Array, error) {
		return chunk.Compare(op, x, y)
	})
}

// Unary returns op applied to every element of a (attributes dropped).
func (a *DataArray) Unary(op ndarray.UnaryOp) (*DataArray, error) {
	d, err := chunk.Unary(op, a.v.data)
	if err != nil {
		return nil, fmt.Errorf("labels: %s of %q: %w", op, a.name, err)
	}
	return &DataArray{name: a.name, v: &Variable{dims: a.v.dims, data: d}, coords: a.coords}, nil
}

// combine aligns a and b, lays both out on the union of their dimensions
// and applies f to their data. The result is named after a.
func combine(what string, a, b *DataArray, f func(x, y *chunk.Array) (*chunk.Array, error)) (*DataArray, error) {
	a2, b2, err := align(a, b)
	if err != nil {
		return nil, fmt.Errorf("labels: %s of %q and %q: %w", what, a.name, b.name, err)
	}
	dims := slices.Clone(a2.v.dims)
	for _, d := range b2.v.dims {
		if !slices.Contains(dims, d) {
			dims = append(dims, d)
		}
	}
	x, err := a2.v.expandTo(dims)
	if err != nil {
		return nil, err
	}
	y, err := b2.v.expandTo(dims)
	if err != nil {
		return nil, err
	}
	d, err := f(x, y)
	if err != nil {
		return nil, fmt.Errorf("labels: %s of %q and %q: %w", what, a.name, b.name, err)
	}
	c := a2.coords.clone()
	for _, n := range b2.coords.names {
		if _, dup := c.vars[n]; dup {
			continue
		}
		c.names = append(c.names, n)
		c.vars[n] = b2.coords.vars[n]
		if x, ok := b2.coords.index[n]; ok {
			c.index[n] = x
		}
	}
	return &DataArray{name: a.name, v: &Variable{dims: dims, data: d}, coords: c}, nil
}

// align returns a and b restricted to their common labels along every
// shared dimension that both index (inner join, in a's order). A shared
// dimension without an index on both sides must have the same size.
func align(a, b *DataArray) (*DataArray, *DataArray, error) {
	sa, sb := a.v.Sizes(), b.v.Sizes()
	pa := map[string]positional{}
	pb := map[string]positional{}
	for _, d := range slices.Sorted(maps.Keys(sa)) {
		nb, shared := sb[d]
		if !shared {
			continue
		}
		xa, oka := a.coords.index[d]
		xb, okb := b.coords.index[d]
		if !oka || !okb {
			if sa[d] != nb {
				return nil, nil, fmt.Errorf("dimension %q has length %d and %d and no index on both sides to align them: %w", d, sa[d], nb, ErrAlign)
			}
			continue
		}
		ia, ib, same, err := xa.align(xb)
		if err != nil {
			return nil, nil, fmt.Errorf("dimension %q: %w", d, err)
		}
		if same {
			continue
		}
		if len(ia) == 0 {
			return nil, nil, fmt.Errorf("dimension %q: no common labels (%s ... %s and %s ... %s): %w",
				d, labelAt(xa, 0), labelAt(xa, xa.Len()-1), labelAt(xb, 0), labelAt(xb, xb.Len()-1), ErrAlign)
		}
		pa[d] = positional{kind: posList, list: ia}
		pb[d] = positional{kind: posList, list: ib}
	}
	if len(pa) == 0 {
		return a, b, nil
	}
	a2, err := a.isel(pa)
	if err != nil {
		return nil, nil, err
	}
	b2, err := b.isel(pb)
	if err != nil {
		return nil, nil, err
	}
	return a2, b2, nil
}

func labelAt(x Index, i int) string {
	if i < 0 || i >= x.Len() {
		return "(none)"
	}
	return x.Label(i)
}
