package ndarray

import (
	"fmt"
	"runtime"
	"slices"
)

// Op is a reduction.
type Op uint8

// The reductions. Var and Std divide by n - DDOF; ArgMin and ArgMax give
// the position of the extremum within the reduced axes in row-major order
// (the index along the axis when one axis is reduced), the first one on
// ties; Any and All test for nonzero values (NaN is nonzero).
const (
	Sum Op = iota + 1
	Mean
	Min
	Max
	Count
	Var
	Std
	ArgMin
	ArgMax
	Any
	All
	// First and Last give the value at the lowest and highest position
	// within the reduced axes (with SkipNaN, the first and last valid
	// values), as xarray's groupby first() and last().
	First
	Last
)

var opNames = [...]string{Sum: "sum", Mean: "mean", Min: "min", Max: "max", Count: "count",
	Var: "var", Std: "std", ArgMin: "argmin", ArgMax: "argmax", Any: "any", All: "all", First: "first", Last: "last"}

func (op Op) String() string {
	if op >= Sum && op <= Last {
		return opNames[op]
	}
	return fmt.Sprintf("Op(%d)", uint8(op))
}

// ReduceOptions adjust a reduction. The zero value gives numpy's
// defaults: NaN propagates, no minimum count, DDOF 0, reduced axes
// removed.
type ReduceOptions struct {
	// SkipNaN ignores missing values (NaN, and a Codec's fill values)
	// instead of letting them make the result missing: numpy's nansum,
	// nanmean, ..., xarray's skipna=True. ArgMin and ArgMax give -1 where
	// every value is missing. Without it, ArgMin and ArgMax give the
	// position of the first missing value, as numpy's argmin does.
	SkipNaN bool
	// MinCount makes a result missing where fewer than MinCount values
	// were valid (xarray's min_count). Sum, Mean, Min, Max, Var and Std
	// honour it; integer results then become Float64 so that they can
	// be missing (NaN).
	MinCount int
	// DDOF is the delta degrees of freedom of Var and Std: the divisor
	// is n - DDOF, and the result is missing when that is not positive.
	DDOF int
	// KeepDims keeps the reduced axes in the result, with length 1.
	KeepDims bool
}

// Reduce applies op to a over the given axes (all axes when none are
// given; negative axes count from the end). It is NewPartial, one
// Accumulate and Result.
func Reduce(op Op, a *Array, opts ReduceOptions, axes ...int) (*Array, error) {
	p, err := NewPartial(op, a.dtype, a.shape, axes, opts)
	if err != nil {
		return nil, err
	}
	defer p.Release()
	if err := p.Accumulate(a); err != nil {
		return nil, err
	}
	return p.Result()
}

// SumOf returns the sum of a over axes (all when none), NaN propagating.
// Integer sums are exact in int64 (uint64 for unsigned input).
func SumOf(a *Array, axes ...int) (*Array, error) { return Reduce(Sum, a, ReduceOptions{}, axes...) }

// MeanOf returns the mean of a over axes (all when none), NaN propagating.
func MeanOf(a *Array, axes ...int) (*Array, error) { return Reduce(Mean, a, ReduceOptions{}, axes...) }

// MinOf returns the minimum of a over axes (all when none), NaN propagating.
func MinOf(a *Array, axes ...int) (*Array, error) { return Reduce(Min, a, ReduceOptions{}, axes...) }

// MaxOf returns the maximum of a over axes (all when none), NaN propagating.
func MaxOf(a *Array, axes ...int) (*Array, error) { return Reduce(Max, a, ReduceOptions{}, axes...) }

// geometry maps the elements of a region (the shape a Partial covers) to
// the cells of the reduced result.
type geometry struct {
	shape   []int  // the region
	reduced []bool // per region axis
	out     []int  // result shape: the region without its reduced axes
	outStr  []int  // per region axis: stride between result cells (0 if reduced)
	redStr  []int  // per region axis: stride of the row-major position within the reduced axes (0 if kept)
	cells   int    // number of result cells
}

func newGeometry(shape, axes []int) (*geometry, error) {
	nd := len(shape)
	g := &geometry{shape: append([]int(nil), shape...), reduced: make([]bool, nd),
		outStr: make([]int, nd), redStr: make([]int, nd)}
	if len(axes) == 0 {
		for i := range g.reduced {
			g.reduced[i] = true
		}
	}
	for _, ax := range axes {
		a := ax
		if a < 0 {
			a += nd
		}
		if a < 0 || a >= nd {
			return nil, fmt.Errorf("axis %d for %d-dimensional array: %w", ax, nd, ErrAxis)
		}
		if g.reduced[a] {
			return nil, fmt.Errorf("axis %d repeated in %v: %w", a, axes, ErrAxis)
		}
		g.reduced[a] = true
	}
	if _, err := checkedSize(shape); err != nil {
		return nil, err
	}
	cs, rs := 1, 1
	for i := nd - 1; i >= 0; i-- {
		if g.reduced[i] {
			g.redStr[i] = rs
			rs *= shape[i]
		} else {
			g.outStr[i] = cs
			cs *= shape[i]
		}
	}
	for i, d := range shape {
		if !g.reduced[i] {
			g.out = append(g.out, d)
		}
	}
	if g.out == nil {
		g.out = []int{}
	}
	g.cells = cs
	return g, nil
}

// coversAll reports whether a block of the given shape at origin covers
// every result cell.
func (g *geometry) coversAll(shape, origin []int) bool {
	for i, d := range shape {
		if !g.reduced[i] && (origin[i] != 0 || d != g.shape[i]) {
			return false
		}
	}
	return true
}

// addToCells adds k to dst at every result cell that a block of the given
// shape at origin covers.
func (g *geometry) addToCells(dst []int64, shape, origin []int, k int64) {
	box := slices.Clone(shape)
	base := 0
	for i := range box {
		if g.reduced[i] {
			box[i] = 1
		}
		base += origin[i] * g.outStr[i]
	}
	newRows(box, g.outStr).each([]int{base}, func(o []int, n int, s []int) {
		c := o[0]
		for range n {
			dst[c] += k
			c += s[0]
		}
	})
}

// perCell is the number of elements of a block of the given shape that
// fall into each result cell it covers.
func (g *geometry) perCell(shape []int) int64 {
	k := int64(1)
	for i, d := range shape {
		if g.reduced[i] {
			k *= int64(d)
		}
	}
	return k
}

// resultShape is the shape Result returns.
func (g *geometry) resultShape(keep bool) []int {
	if !keep {
		return slices.Clone(g.out)
	}
	s := slices.Clone(g.shape)
	for i := range s {
		if g.reduced[i] {
			s[i] = 1
		}
	}
	return s
}

// Partial is the partial aggregate of a reduction: the state of reducing
// some of the elements of a region (an array of a given shape) over some
// of its axes. It is built in four steps, the same for every reduction:
//
//   - NewPartial (or Codec.NewPartial) makes an empty one;
//   - Accumulate folds in a block of the region, wherever it lies;
//   - Combine merges another Partial of the same region that saw other
//     blocks;
//   - Result finalises it into an array.
//
// Every block of the region must be accumulated exactly once, into one of
// the Partials that are finally combined; then the result is that of
// reducing the whole region at once, whatever the split and the order:
// exactly for integer sums (and means of integers of up to 32 bits;
// 64-bit integers are averaged in float64, as numpy does), min, max,
// count, arg and logical reductions,
// and within rounding for floating-point sums and moments (which are
// accumulated in float64, with partial sums, and combined with Chan et
// al.'s pairwise update for the variance). For bit-identical floating
// results, combine in a fixed order.
//
// A Partial is not safe for concurrent use; give each goroutine its own
// and Combine them.
type Partial struct {
	op    Op
	in    DType // element type of the blocks it accepts
	opts  ReduceOptions
	g     *geometry
	codec *Codec
	impl  partial
	// cleanup releases impl's pooled state if the Partial becomes
	// unreachable without Release (the pool's memory is not the
	// collector's); Release stops it.
	cleanup runtime.Cleanup
}

// partial is the typed state behind a Partial.
type partial interface {
	// accumulate folds a block's values (and missing counts) in;
	// addSeen then counts its elements. They are separate so that a
	// block processed in slabs is counted once.
	accumulate(x *Array, origin []int)
	addSeen(shape, origin []int)
	combine(q partial)
	valid() []int64
	nbytes() int
	release()
	result(out *Array, n []int64) error // n: the valid count per cell
}

// NewPartial returns an empty partial aggregate of op over a region of
// the given shape and element type, reduced over axes (all when none;
// negative axes count from the end).
func NewPartial(op Op, dt DType, shape []int, axes []int, opts ReduceOptions) (*Partial, error) {
	return newPartial(op, dt, shape, axes, opts, nil)
}

func newPartial(op Op, dt DType, shape []int, axes []int, opts ReduceOptions, c *Codec) (*Partial, error) {
	if op < Sum || op > Last {
		return nil, fmt.Errorf("ndarray: reduce: %w: %v", ErrOp, op)
	}
	if !dt.Valid() {
		return nil, fmt.Errorf("ndarray: %s: %w: %v", op, ErrDType, dt)
	}
	if opts.MinCount < 0 || opts.DDOF < 0 {
		return nil, fmt.Errorf("ndarray: %s: negative MinCount %d or DDOF %d: %w", op, opts.MinCount, opts.DDOF, ErrRange)
	}
	g, err := newGeometry(shape, axes)
	if err != nil {
		return nil, fmt.Errorf("ndarray: %s over %v of %v: %w", op, axes, shape, err)
	}
	work := dt
	if dt == Bool {
		work = Int8 // reduce booleans as 0 and 1
	}
	var missing []float64
	if c != nil {
		missing = c.Missing
	}
	impl, err := dispatch(work).newPartial(op, g, opts, missing)
	if err != nil {
		return nil, fmt.Errorf("ndarray: %s of %s: %w", op, dt, err)
	}
	p := &Partial{op: op, in: dt, opts: opts, g: g, codec: c, impl: impl}
	p.cleanup = runtime.AddCleanup(p, partial.release, impl)
	return p, nil
}

// Op returns the reduction.
func (p *Partial) Op() Op { return p.op }

// Shape returns the shape of the region the Partial covers.
func (p *Partial) Shape() []int { return slices.Clone(p.g.shape) }

// ResultShape returns the shape Result returns.
func (p *Partial) ResultShape() []int { return p.g.resultShape(p.opts.KeepDims) }

// Nbytes returns the approximate memory the partial's state holds, for
// schedulers that account for memory.
func (p *Partial) Nbytes() int { return p.impl.nbytes() }

// Accumulate folds the block x, whose first element sits at origin in
// the region (all zeros when origin is omitted), into p. x must have p's
// element type and dimensions and lie inside the region; it may be any
// view. Accumulating the same element twice counts it twice.
func (p *Partial) Accumulate(x *Array, origin ...int) error {
	if x.dtype != p.in {
		return fmt.Errorf("ndarray: %s: block of %s into partial of %s: %w", p.op, x.dtype, p.in, ErrDType)
	}
	if origin == nil {
		origin = make([]int, len(p.g.shape))
	}
	if len(x.shape) != len(p.g.shape) || len(origin) != len(p.g.shape) {
		return fmt.Errorf("ndarray: %s: block %v at %v in region %v: %w", p.op, x.shape, origin, p.g.shape, ErrShape)
	}
	for i, o := range origin {
		if o < 0 || o+x.shape[i] > p.g.shape[i] {
			return fmt.Errorf("ndarray: %s: block %v at %v outside region %v (axis %d): %w", p.op, x.shape, origin, p.g.shape, i, ErrIndex)
		}
	}
	if x.dtype == Bool {
		x, _ = x.Astype(Int8)
	}
	if x.Size() == 0 {
		return nil
	}
	p.impl.accumulate(x, origin)
	p.impl.addSeen(x.shape, origin)
	runtime.KeepAlive(p) // its cleanup must not release impl meanwhile
	return nil
}

// Combine merges q, a partial of the same reduction over the same region
// that accumulated other blocks, into p. q is not changed.
func (p *Partial) Combine(q *Partial) error {
	if p.op != q.op || p.in != q.in || p.opts != q.opts || !slices.Equal(p.g.shape, q.g.shape) ||
		!slices.Equal(p.g.reduced, q.g.reduced) || !p.codec.equal(q.codec) {
		return fmt.Errorf("ndarray: combine %s of %s%v with %s of %s%v: different reductions: %w",
			p.op, p.in, p.g.shape, q.op, q.in, q.g.shape, ErrShape)
	}
	p.impl.combine(q.impl)
	runtime.KeepAlive(p)
	runtime.KeepAlive(q)
	return nil
}

// Release gives p's buffers back for reuse by partials made later, which
// then need no fresh memory from the OS. p must not be used after it; a
// partial never released is garbage collected as usual. Reductions
// release each partial once it is combined into another or finalised.
func (p *Partial) Release() {
	if p.impl != nil {
		p.cleanup.Stop()
		p.impl.release()
		p.impl = nil
	}
}

// Result returns the reduction of everything accumulated so far. It does
// not change p, which may go on accumulating.
//
// Result types: Count, ArgMin and ArgMax give Int64; Any and All give
// Bool; Mean, Var and Std give the input's float type (Float64 for
// integers); Sum gives the float type for floats, Int64 for signed
// integers and booleans, Uint64 for unsigned; Min and Max keep the input
// type. With MinCount > 0, integer results of Sum, Min and Max become
// Float64. A partial made by a Codec gives its Decoded type for every
// value result when that is a float type (a Codec that decodes integers
// as themselves gives the types above).
//
// Min and Max of an integer type, and ArgMin and ArgMax of any type, over
// no elements have no value: the error wraps ErrEmpty.
func (p *Partial) Result() (*Array, error) {
	dt := p.resultType()
	work := dt
	if dt.IsFloat() {
		work = Float64 // finalise in float64, round once at the end
	}
	if p.in == Bool && (p.op == Min || p.op == Max || p.op == First || p.op == Last) && dt == Int8 {
		dt = Bool
	}
	shape := p.ResultShape()
	var out *Array
	if work == Float64 && dt != Float64 {
		// A scratch, converted below: from the pool and given back.
		w := getWords[float64](sizeOf(shape))
		defer putWords(w)
		out = &Array{dtype: work, shape: shape, strides: contiguousStrides(shape), data: w}
	} else {
		out = Zeros(work, shape...) // the caller's: the collector's to free
	}
	n := p.impl.valid()
	defer putWords(n)
	if err := p.impl.result(out, n); err != nil {
		return nil, fmt.Errorf("ndarray: %s of %s%v: %w", p.op, p.in, p.g.shape, err)
	}
	if p.codec != nil && work == Float64 {
		p.codec.unscale(p.op, out.data.([]float64), n)
	}
	return out.Astype(dt)
}

// resultType is the dtype Result returns.
func (p *Partial) resultType() DType {
	in := p.in
	switch p.op {
	case Count, ArgMin, ArgMax:
		return Int64
	case Any, All:
		return Bool
	}
	if p.codec != nil && p.codec.Decoded.IsFloat() {
		return p.codec.Decoded
	}
	switch p.op {
	case Mean, Var, Std:
		return floatOf(in)
	case Sum:
		switch {
		case in.IsFloat():
			return in
		case p.opts.MinCount > 0:
			return Float64
		case in.IsUnsigned():
			return Uint64
		}
		return Int64
	}
	// Min, Max
	if in == Bool {
		in = Int8
	}
	if p.opts.MinCount > 0 && !in.IsFloat() {
		return Float64
	}
	return in
}
