package labels

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/ndarray"
)

// Encoding records how a variable is (or will be) stored in a file, kept
// from decoding for writing back: the stored dtype and CF packing, the
// time units and calendar, and the file's chunking and compression.
type Encoding struct {
	// DType is the stored type; 0 means the variable's own dtype.
	DType ndarray.DType
	// Codec is the mask and scale that turned stored values into the
	// variable's (nil: none).
	Codec *ndarray.Codec
	// Units and Calendar are a time variable's CF units and calendar
	// attributes, verbatim.
	Units, Calendar string
	// Chunks is the file's chunk shape, Compression its deflate level
	// (0: none), Shuffle its shuffle filter.
	Chunks      []int
	Compression int
	Shuffle     bool
	// Source names where the variable was read from ("era.nc: t2m"),
	// for error messages.
	Source string
}

// Variable is an N-dimensional array with named dimensions: a lazy
// chunk.Array, its dimension names, attributes and encoding. Variables
// are immutable values: operations return new ones.
type Variable struct {
	dims  []string
	data  *chunk.Array
	mem   *ndarray.Array // the values, when they are in memory
	attrs Attrs
	enc   Encoding
	// strs is the label table of a string variable (StringVariable):
	// its values are positions into strs, so that selections, which
	// move positions, keep the labels.
	strs []string
}

// NewVariable returns a variable over lazy data. dims names each axis of
// data; names must be unique and non-empty.
func NewVariable(dims []string, data *chunk.Array, attrs Attrs) (*Variable, error) {
	if err := checkDims(dims, data.Shape()); err != nil {
		return nil, err
	}
	return &Variable{dims: slices.Clone(dims), data: data, attrs: slices.Clone(attrs)}, nil
}

// FromArray returns a variable holding the in-memory array a (not
// copied: a must not change afterwards), as a single chunk.
func FromArray(dims []string, a *ndarray.Array, attrs Attrs) (*Variable, error) {
	if err := checkDims(dims, a.Shape()); err != nil {
		return nil, err
	}
	c := chunk.Regular(a.Shape(), nil)
	data, err := chunk.FromArray(a, c)
	if err != nil {
		return nil, err
	}
	return &Variable{dims: slices.Clone(dims), data: data, mem: a, attrs: slices.Clone(attrs)}, nil
}

// FromSlice returns a variable holding values with the given dims and
// shape (one-dimensional when no shape is given).
func FromSlice[T ndarray.Elem](dims []string, values []T, attrs Attrs, shape ...int) (*Variable, error) {
	a, err := ndarray.FromSlice(values, shape...)
	if err != nil {
		return nil, fmt.Errorf("labels: variable %v: %w", dims, err)
	}
	return FromArray(dims, a, attrs)
}

func checkDims(dims []string, shape []int) error {
	if len(dims) != len(shape) {
		return fmt.Errorf("labels: dimensions %q for an array of shape %v: %w", dims, shape, ErrDims)
	}
	for i, d := range dims {
		if d == "" {
			return fmt.Errorf("labels: dimension %d of %q has no name: %w", i, dims, ErrDims)
		}
		if slices.Index(dims, d) != i {
			return fmt.Errorf("labels: dimension %q repeated in %q: %w", d, dims, ErrDims)
		}
	}
	return nil
}

// StringVariable returns a 1-dimensional variable along dim holding
// string labels (a "season" coordinate: "DJF", "MAM", ...). Labels
// index and select like numbers do; arithmetic on them is meaningless
// (their stored values are positions into the label table).
func StringVariable(dim string, values []string, attrs Attrs) (*Variable, error) {
	pos := make([]int64, len(values))
	for i := range pos {
		pos[i] = int64(i)
	}
	v, err := FromSlice([]string{dim}, pos, attrs)
	if err != nil {
		return nil, err
	}
	v.strs = slices.Clone(values)
	return v, nil
}

// Strings returns the labels of a string variable (StringVariable), in
// order, and whether v is one.
func (v *Variable) Strings() ([]string, bool) {
	if v.strs == nil || v.mem == nil {
		return nil, false
	}
	pos, err := ndarray.ToSlice[int64](v.mem.Contiguous())
	if err != nil {
		return nil, false
	}
	out := make([]string, len(pos))
	for i, p := range pos {
		out[i] = v.strs[p]
	}
	return out, true
}

// Dims returns the dimension names.
func (v *Variable) Dims() []string { return slices.Clone(v.dims) }

// Shape returns the length of each dimension.
func (v *Variable) Shape() []int { return v.data.Shape() }

// Sizes returns the length of each dimension by name.
func (v *Variable) Sizes() map[string]int {
	m := make(map[string]int, len(v.dims))
	for i, n := range v.data.Shape() {
		m[v.dims[i]] = n
	}
	return m
}

// DType returns the element type.
func (v *Variable) DType() ndarray.DType { return v.data.DType() }

// Data returns the lazy array.
func (v *Variable) Data() *chunk.Array { return v.data }

// Attrs returns the attributes.
func (v *Variable) Attrs() Attrs { return slices.Clone(v.attrs) }

// Encoding returns the encoding.
func (v *Variable) Encoding() Encoding { return v.enc }

// Loaded returns the values if they are in memory, without computing.
func (v *Variable) Loaded() (*ndarray.Array, bool) { return v.mem, v.mem != nil }

// axis returns the position of dimension d, or an error naming it.
func (v *Variable) axis(d string) (int, error) {
	if i := slices.Index(v.dims, d); i >= 0 {
		return i, nil
	}
	return -1, fmt.Errorf("labels: dimension %q not in %s: %w", d, dimList(v.dims), ErrDimNotFound)
}

func dimList(dims []string) string { return "(" + strings.Join(dims, ", ") + ")" }

// with returns a copy of v with new data (and its in-memory values, if
// any), the same dims, attrs, encoding and string labels.
func (v *Variable) with(data *chunk.Array, mem *ndarray.Array) *Variable {
	w := *v
	w.data, w.mem = data, mem
	return &w
}

// withDims is with for data laid out along other dims.
func (v *Variable) withDims(dims []string, data *chunk.Array, mem *ndarray.Array) *Variable {
	w := v.with(data, mem)
	w.dims = dims
	return w
}

// WithAttrs returns v with attrs replacing its attributes.
func (v *Variable) WithAttrs(attrs Attrs) *Variable {
	w := *v
	w.attrs = slices.Clone(attrs)
	return &w
}

// WithEncoding returns v with enc replacing its encoding.
func (v *Variable) WithEncoding(enc Encoding) *Variable {
	w := *v
	w.enc = enc
	return &w
}

// Values returns the variable's values in memory, computing them if
// needed.
func (v *Variable) Values(ctx context.Context, opts chunk.Options) (*ndarray.Array, error) {
	if v.mem != nil {
		return v.mem, nil
	}
	r, err := chunk.Compute(ctx, opts, v.data)
	if err != nil {
		return nil, err
	}
	return r[0], nil
}

// isel returns the variable restricted by positional selections on some
// of its dimensions; a selection that is an int drops the dimension.
func (v *Variable) isel(sel map[string]positional) (*Variable, error) {
	data, mem := v.data, v.mem
	dims := slices.Clone(v.dims)
	ranges := make([]ndarray.Range, len(dims))
	sliced := false
	for i, d := range dims {
		ranges[i] = ndarray.Whole
		if p, ok := sel[d]; ok && p.kind == posRange {
			ranges[i] = p.r
			sliced = true
		}
	}
	var err error
	if sliced {
		if data, err = data.Slice(ranges...); err != nil {
			return nil, err
		}
		if mem != nil {
			if mem, err = mem.Slice(ranges...); err != nil {
				return nil, err
			}
		}
	}
	// Lists of positions, then single positions (which drop the axis),
	// from the last axis so earlier axis numbers stay valid.
	for i := len(dims) - 1; i >= 0; i-- {
		p, ok := sel[dims[i]]
		if !ok {
			continue
		}
		switch p.kind {
		case posList:
			if data, err = data.Take(i, p.list); err != nil {
				return nil, err
			}
			if mem != nil {
				if mem, err = mem.Take(i, p.list); err != nil {
					return nil, err
				}
			}
		case posInt:
			if data, err = data.Slice(singleRanges(len(dims), i, p.i)...); err != nil {
				return nil, err
			}
			if data, err = data.Squeeze(i); err != nil {
				return nil, err
			}
			if mem != nil {
				if mem, err = mem.Index(i, p.i); err != nil {
					return nil, err
				}
			}
			dims = slices.Delete(dims, i, i+1)
		}
	}
	return v.withDims(dims, data, mem), nil
}

func singleRanges(nd, axis, i int) []ndarray.Range {
	r := make([]ndarray.Range, nd)
	for k := range r {
		r[k] = ndarray.Whole
	}
	r[axis] = ndarray.Range{Start: i, Stop: i + 1, Step: 1}
	return r
}

// transpose returns v with its dimensions in the given order (a
// permutation of its dims).
func (v *Variable) transpose(order []string) (*Variable, error) {
	if slices.Equal(order, v.dims) {
		return v, nil
	}
	perm := make([]int, len(order))
	for i, d := range order {
		ax, err := v.axis(d)
		if err != nil {
			return nil, err
		}
		perm[i] = ax
	}
	if checkDims(order, v.Shape()) != nil { // too few or too many, or one repeated
		return nil, fmt.Errorf("labels: transpose %s to %s: %w", dimList(v.dims), dimList(order), ErrDims)
	}
	data, err := v.data.Transpose(perm...)
	if err != nil {
		return nil, err
	}
	var mem *ndarray.Array
	if v.mem != nil {
		if mem, err = v.mem.Transpose(perm...); err != nil {
			return nil, err
		}
	}
	return v.withDims(slices.Clone(order), data, mem), nil
}

// expandTo returns v's data laid out for the dimensions order (a
// superset of v's dims): v's dims transposed into their order in order,
// with length-1 axes inserted for the others, ready to broadcast.
func (v *Variable) expandTo(order []string) (*chunk.Array, error) {
	var mine []string
	for _, d := range order {
		if slices.Contains(v.dims, d) {
			mine = append(mine, d)
		}
	}
	if len(mine) != len(v.dims) {
		return nil, fmt.Errorf("labels: dimensions %s are not all in %s: %w", dimList(v.dims), dimList(order), ErrDims)
	}
	t, err := v.transpose(mine)
	if err != nil {
		return nil, err
	}
	data := t.data
	for i, d := range order {
		if !slices.Contains(v.dims, d) {
			if data, err = data.ExpandDims(i); err != nil {
				return nil, err
			}
		}
	}
	return data, nil
}
