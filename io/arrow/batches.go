package arrow

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/ndarray"
)

// Batches produces the long-form table of ds (see the package
// documentation) as record batches of at most Options.BatchRows rows, in
// row order, handing each to fn. A batch is released when fn returns:
// fn must Retain it to keep it longer. Lazy variables are computed a unit
// at a time, as the batches need them. The first error, from the
// computation or from fn, ends the export and is returned; a cancelled
// ctx ends it with context.Cause(ctx). A dataset with a dimension of
// length 0 has no rows and gives no batch; one without dimensions gives
// one row.
func Batches(ctx context.Context, ds *labels.Dataset, opts Options, fn func(arrow.RecordBatch) error) error {
	t, err := plan(ds, opts)
	if err != nil {
		return err
	}
	return t.batches(ctx, opts, fn)
}

// values are a column's values for one unit, or for the whole table when
// the column lacks the first dimension: over the column's own dimensions,
// the first one counted from the unit's start.
type values struct {
	arr *ndarray.Array
	// strs are the formatted dates of a kindDates column, arr holding
	// positions in strs.
	strs []string
	// nat reports that arr holds null markers (math.MinInt64).
	nat bool
}

func (t *table) batches(ctx context.Context, opts Options, fn func(arrow.RecordBatch) error) error {
	if size(t.sizes) == 0 {
		return nil
	}
	mem, rows := opts.allocator(), opts.batchRows()
	// Columns without the first dimension, once for all units.
	fixed := make([]*values, len(t.cols))
	var lazy []int
	for i, c := range t.cols {
		switch {
		case c.first():
		case c.lazy != nil:
			lazy = append(lazy, i)
		default:
			v, err := prepare(c, c.mem)
			if err != nil {
				return err
			}
			fixed[i] = v
		}
	}
	arrs := make([]*chunk.Array, len(lazy))
	for k, i := range lazy {
		arrs[k] = t.cols[i].lazy
	}
	if err := t.compute(ctx, opts, lazy, arrs, fixed, "columns without the first dimension"); err != nil {
		return err
	}
	if len(t.dims) == 0 {
		return t.emit(mem, fixed, []int{}, []int{}, fn)
	}
	for _, u := range t.units(rows) {
		if err := context.Cause(ctx); err != nil {
			return err
		}
		vals := slices.Clone(fixed)
		first := ndarray.Range{Start: u[0], Stop: u[1], Step: 1}
		lazy, arrs = lazy[:0], arrs[:0]
		for i, c := range t.cols {
			switch {
			case !c.first():
			case c.lazy != nil:
				a, err := c.lazy.Slice(first)
				if err != nil {
					return fmt.Errorf("io/arrow: column %q: %w", c.name, err)
				}
				lazy, arrs = append(lazy, i), append(arrs, a)
			default:
				a, err := c.mem.Slice(first)
				if err != nil {
					return fmt.Errorf("io/arrow: column %q: %w", c.name, err)
				}
				if vals[i], err = prepare(c, a); err != nil {
					return err
				}
			}
		}
		what := fmt.Sprintf("%s %d..%d", t.dims[0], u[0], u[1]-1)
		if err := t.compute(ctx, opts, lazy, arrs, vals, what); err != nil {
			return err
		}
		unit := slices.Clone(t.sizes)
		unit[0] = u[1] - u[0]
		err := slabs(unit, rows, func(start, shape []int) error {
			if err := context.Cause(ctx); err != nil {
				return err
			}
			return t.emit(mem, vals, start, shape, fn)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// compute computes arrs, the values of the columns which, together (so
// that they share their work), and stores them, prepared, in dst.
func (t *table) compute(ctx context.Context, opts Options, which []int, arrs []*chunk.Array, dst []*values, what string) error {
	if len(which) == 0 {
		return nil
	}
	names := make([]string, len(which))
	for k, i := range which {
		names[k] = t.cols[i].name
	}
	got, err := chunk.Compute(ctx, opts.Compute, arrs...)
	if err != nil {
		return fmt.Errorf("io/arrow: compute %q (%s): %w", names, what, err)
	}
	for k, i := range which {
		if dst[i], err = prepare(t.cols[i], got[k]); err != nil {
			return err
		}
	}
	return nil
}

// shapeOf returns a's shape, empty rather than nil for a scalar.
func shapeOf(a *ndarray.Array) []int {
	s := a.Shape()
	if s == nil {
		s = []int{}
	}
	return s
}

// prepare turns the values a of column c (over its own dimensions) into
// what its batches copy: the values themselves, or for time columns the
// microseconds since 1970 or the positions of formatted dates.
func prepare(c *column, a *ndarray.Array) (*values, error) {
	if c.kind == kindValues {
		return &values{arr: a}, nil
	}
	dates, _, err := decodeTimes(c, a)
	if err != nil {
		return nil, err
	}
	out := make([]int64, len(dates))
	v := &values{}
	for i, d := range dates {
		switch {
		case !d.ok:
			out[i], v.nat = math.MinInt64, true
		case c.kind == kindTimestamp:
			us, ok := micros(c.units.Calendar, d.Date)
			if !ok {
				return nil, fmt.Errorf("io/arrow: column %q: %s (calendar %s): %w; compute the variable before exporting it to have its dates written as strings",
					c.name, d.Date, c.units.Calendar, ErrTimestamp)
			}
			out[i] = us
		default:
			out[i] = int64(len(v.strs))
			v.strs = append(v.strs, d.Date.String())
		}
	}
	if v.arr, err = ndarray.FromSlice(out, shapeOf(a)...); err != nil {
		return nil, err
	}
	return v, nil
}

// units returns the ranges of the first dimension computed at once (see
// the package documentation): block boundaries of the lazy columns that
// have the first dimension, blocks grouped up to rows rows; the whole
// dimension when no lazy column has it.
func (t *table) units(rows int) [][2]int {
	n0 := t.sizes[0]
	per := size(t.sizes[1:]) // rows per position of the first dimension
	bounds := []int{0, n0}
	chunked := false
	for _, c := range t.cols {
		if c.lazy == nil || !c.first() {
			continue
		}
		chunked = true
		off := 0
		for _, b := range c.lazy.Chunks()[0] {
			off += b
			bounds = append(bounds, off)
		}
	}
	if !chunked {
		// Nothing to compute per unit: one unit, cut into even batches.
		return [][2]int{{0, n0}}
	}
	slices.Sort(bounds)
	bounds = slices.Compact(bounds)
	var units [][2]int
	start, prev := 0, 0
	for _, b := range bounds[1:] {
		if (b-start)*per > rows && prev > start {
			units = append(units, [2]int{start, prev})
			start = prev
		}
		prev = b
	}
	return append(units, [2]int{start, n0})
}

// slabs cuts a unit of the given shape (every length positive) into
// batches of at most rows rows, contiguous in row-major order, and calls
// yield with the start (within the unit) and shape of each, in order: for
// the outermost axis k whose trailing axes hold at most rows rows, the
// fewest ranges of axis k that keep to rows rows, their lengths differing
// by one at most, with the axes before k at one position each.
func slabs(unit []int, rows int, yield func(start, shape []int) error) error {
	m := len(unit)
	k := 0
	for k < m-1 && size(unit[k+1:]) > rows {
		k++
	}
	per := max(1, rows/size(unit[k+1:]))
	nb := (unit[k] + per - 1) / per
	prefix := make([]int, k)
	for {
		for i := range nb {
			start, shape := make([]int, m), slices.Clone(unit)
			copy(start, prefix)
			for j := range k {
				shape[j] = 1
			}
			s, e := i*unit[k]/nb, (i+1)*unit[k]/nb
			start[k], shape[k] = s, e-s
			if err := yield(start, shape); err != nil {
				return err
			}
		}
		j := k - 1
		for ; j >= 0; j-- {
			if prefix[j]++; prefix[j] < unit[j] {
				break
			}
			prefix[j] = 0
		}
		if j < 0 {
			return nil
		}
	}
}

// emit builds the record batch of the slab (start, shape) of a unit whose
// column values are vals and hands it to fn.
func (t *table) emit(mem memory.Allocator, vals []*values, start, shape []int, fn func(arrow.RecordBatch) error) error {
	cols := make([]arrow.Array, 0, len(t.cols))
	defer func() {
		for _, a := range cols {
			a.Release()
		}
	}()
	for i, c := range t.cols {
		a, err := c.batch(mem, vals[i], start, shape)
		if err != nil {
			return fmt.Errorf("io/arrow: column %q: %w", c.name, err)
		}
		cols = append(cols, a)
	}
	rec := array.NewRecordBatch(t.schema, cols, int64(size(shape)))
	defer rec.Release()
	return fn(rec)
}

// batch returns the column's values over the slab (start, shape) of its
// unit, broadcast over the dimensions it lacks, as an Arrow array.
func (c *column) batch(mem memory.Allocator, v *values, start, shape []int) (arrow.Array, error) {
	r := make([]ndarray.Range, len(c.axes))
	for k, ax := range c.axes {
		r[k] = ndarray.Range{Start: start[ax], Stop: start[ax] + shape[ax], Step: 1}
	}
	src, err := v.arr.Slice(r...)
	if err != nil {
		return nil, err
	}
	for j := range shape {
		if !slices.Contains(c.axes, j) {
			if src, err = src.ExpandDims(j); err != nil {
				return nil, err
			}
		}
	}
	switch c.kind {
	case kindDates:
		return fillDates(mem, src, v.strs, shape)
	case kindTimestamp:
		null := noNulls
		if v.nat {
			null = natNulls
		}
		return c.conv.fill(mem, c.field.Type, src, shape, null)
	}
	null := noNulls
	if c.field.Nullable && src.DType().IsFloat() {
		null = nanNulls
	}
	return c.conv.fill(mem, c.field.Type, src, shape, null)
}
