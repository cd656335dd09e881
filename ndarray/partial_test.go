package ndarray_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/tesseradata/tessera/ndarray"
)

// partBlock is one block of a split region: its origin and its ranges.
type partBlock struct {
	origin []int
	ranges []ndarray.Range
}

// partSplit cuts every axis of shape at up to three random points
// (repeated cuts make empty blocks) and returns the blocks of the grid.
func partSplit(rng *rand.Rand, shape []int) []partBlock {
	bounds := make([][]int, len(shape))
	for i, d := range shape {
		b := []int{0, d}
		for range rng.IntN(4) {
			b = append(b, rng.IntN(d+1))
		}
		slices.Sort(b)
		bounds[i] = b
	}
	counts := make([]int, len(shape))
	for i, b := range bounds {
		counts[i] = len(b) - 1
	}
	var blocks []partBlock
	redEach(counts, func(idx []int) {
		var b partBlock
		for i, k := range idx {
			b.origin = append(b.origin, bounds[i][k])
			b.ranges = append(b.ranges, ndarray.Range{Start: bounds[i][k], Stop: bounds[i][k+1], Step: 1})
		}
		blocks = append(blocks, b)
	})
	return blocks
}

// partRelayout returns a view with the same values as a but a random
// layout (transposed, stepped, reversed backing), so that blocks reach
// Accumulate with strides unrelated to the whole array's.
func partRelayout(rng *rand.Rand, a *ndarray.Array) (*ndarray.Array, string) {
	v, desc := redViewOf(rng, a.DType(), a.Shape(), false, nil)
	if err := v.SetFrom(a); err != nil {
		panic(err)
	}
	return v, desc
}

// partExact reports whether Partial promises a bit-identical result for
// op over dt whatever the split: everything but floating-point sums and
// moments (Mean of 64-bit integers is summed in float64).
func partExact(op ndarray.Op, dt ndarray.DType) bool {
	switch op {
	case ndarray.Var, ndarray.Std:
		return false
	case ndarray.Sum:
		return !dt.IsFloat()
	case ndarray.Mean:
		return !dt.IsFloat() && dt.Size() < 8
	}
	return true
}

// TestPartialSplitCombine is the property the reductions are built on:
// for random shapes, reduced axes, options and dtypes, splitting the
// region into random blocks (each handed over as a differently strided
// view), accumulating them in random order into several Partials and
// combining those in random order gives the result of reducing the whole
// array at once: bit-identical for integer sums, min, max, count,
// argmin, argmax, any and all, and within redTol for floating sums,
// means and moments, whose float64 rounding depends on the order.
func TestPartialSplitCombine(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	cases := 600
	if testing.Short() {
		cases = 150
	}
	failures := 0
	for k := range cases {
		dt := redDTypes[rng.IntN(len(redDTypes))]
		nd := 1 + rng.IntN(4)
		shape := make([]int, nd)
		for i := range shape {
			switch r := rng.IntN(20); {
			case r == 0:
				shape[i] = 0
			case r < 3:
				shape[i] = 1
			default:
				shape[i] = 1 + rng.IntN([]int{0, 300, 25, 10, 6}[nd])
			}
		}
		subsets := redSubsets(rng, nd)
		axes := subsets[rng.IntN(len(subsets))]
		op := redOps[rng.IntN(len(redOps))]
		o := ndarray.ReduceOptions{SkipNaN: rng.IntN(2) == 0, KeepDims: rng.IntN(2) == 0, DDOF: op.ddof,
			MinCount: []int{0, 0, 1, 3}[rng.IntN(4)]}
		whole, desc := redView(rng, dt, shape, redNaNFrac(rng)/4, true)
		what := fmt.Sprintf("case %d: %v of %s%v [%s], %+v, axes %v", k, op.op, dt, shape, desc, o, axes)

		want, werr := ndarray.Reduce(op.op, whole, o, axes...)

		parts := make([]*ndarray.Partial, 1+rng.IntN(4))
		for i := range parts {
			var err error
			if parts[i], err = ndarray.NewPartial(op.op, dt, shape, axes, o); err != nil {
				t.Fatalf("%s: NewPartial: %v", what, err)
			}
		}
		blocks := partSplit(rng, shape)
		for _, bi := range rng.Perm(len(blocks)) {
			b := blocks[bi]
			x, err := whole.Slice(b.ranges...)
			if err != nil {
				t.Fatal(err)
			}
			if rng.IntN(2) == 0 {
				x, _ = partRelayout(rng, x)
			}
			if err := parts[rng.IntN(len(parts))].Accumulate(x, b.origin...); err != nil {
				t.Fatalf("%s: Accumulate(%s%v at %v): %v", what, x.DType(), x.Shape(), b.origin, err)
			}
		}
		for len(parts) > 1 {
			i, j := rng.IntN(len(parts)), rng.IntN(len(parts)-1)
			if j >= i {
				j++
			}
			if err := parts[i].Combine(parts[j]); err != nil {
				t.Fatalf("%s: Combine: %v", what, err)
			}
			parts = slices.Delete(parts, j, j+1)
		}
		got, gerr := parts[0].Result()
		what = fmt.Sprintf("%s, %d blocks", what, len(blocks))

		if werr != nil || gerr != nil {
			if !errors.Is(werr, ndarray.ErrEmpty) || !errors.Is(gerr, ndarray.ErrEmpty) {
				t.Errorf("%s: split error %v, whole error %v", what, gerr, werr)
				failures++
			}
			continue
		}
		// The tolerance of each cell, from the exact reference (which
		// TestReduce checks the whole-array result against).
		ref := redReduce(op.op, o, dt, shape, redRead(whole), axes)
		exact := partExact(op.op, dt)
		if got.DType() != want.DType() || !slices.Equal(got.Shape(), want.Shape()) {
			t.Errorf("%s: split gives %s%v, whole %s%v", what, got.DType(), got.Shape(), want.DType(), want.Shape())
			failures++
			continue
		}
		g, w := redRead(got), redRead(want)
		for c := range g {
			tol := 0.0
			if !exact {
				// Both results are within ref.tol of the exact value.
				tol = 2 * ref.tol[c]
			}
			if !redClose(g[c], w[c], tol) {
				t.Errorf("%s: cell %d: split %v, whole %v (tolerance %g)", what, c, g[c], w[c], tol)
				failures++
				break
			}
		}
		if failures > 10 {
			t.Fatal("too many failures")
		}
	}
}

// TestPartialAccessors checks what a Partial reports about itself.
func TestPartialAccessors(t *testing.T) {
	p, err := ndarray.NewPartial(ndarray.Var, ndarray.Int16, []int{4, 5, 6}, []int{-1, 0}, ndarray.ReduceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Op() != ndarray.Var {
		t.Errorf("Op() = %v, want var", p.Op())
	}
	if got := p.Shape(); !slices.Equal(got, []int{4, 5, 6}) {
		t.Errorf("Shape() = %v, want [4 5 6]", got)
	}
	if got := p.ResultShape(); !slices.Equal(got, []int{5}) {
		t.Errorf("ResultShape() = %v, want [5]", got)
	}
	p.Shape()[0] = 99 // a copy
	if got := p.Shape(); got[0] != 4 {
		t.Errorf("Shape() shares its slice: %v", got)
	}
	k, _ := ndarray.NewPartial(ndarray.Sum, ndarray.Float32, []int{4, 5, 6}, []int{2, 0}, ndarray.ReduceOptions{KeepDims: true})
	if got := k.ResultShape(); !slices.Equal(got, []int{1, 5, 1}) {
		t.Errorf("ResultShape() with KeepDims = %v, want [1 5 1]", got)
	}
	all, _ := ndarray.NewPartial(ndarray.Max, ndarray.Uint8, []int{4, 5}, nil, ndarray.ReduceOptions{})
	if got := all.ResultShape(); len(got) != 0 {
		t.Errorf("ResultShape() over all axes = %v, want []", got)
	}

	// Nbytes grows with the number of result cells: a float64 sum keeps
	// at least one float64 per cell.
	small, _ := ndarray.NewPartial(ndarray.Sum, ndarray.Float64, []int{10, 10}, []int{0}, ndarray.ReduceOptions{})
	large, _ := ndarray.NewPartial(ndarray.Sum, ndarray.Float64, []int{10, 1000}, []int{0}, ndarray.ReduceOptions{})
	if small.Nbytes() < 8*10 || large.Nbytes() < 8*1000 || large.Nbytes() <= small.Nbytes() {
		t.Errorf("Nbytes() = %d for 10 cells and %d for 1000, want at least 8 per cell", small.Nbytes(), large.Nbytes())
	}
}

// TestPartialResultRepeatable checks that Result does not change the
// Partial, which may go on accumulating, and that accumulating the same
// block twice counts it twice.
func TestPartialResultRepeatable(t *testing.T) {
	x, _ := ndarray.FromSlice([]float64{1, 2, math.NaN(), 4, 5, 6}, 2, 3)
	for _, op := range redOps {
		o := ndarray.ReduceOptions{SkipNaN: true, DDOF: op.ddof}
		p, _ := ndarray.NewPartial(op.op, ndarray.Float64, []int{2, 3}, []int{1}, o)
		if err := p.Accumulate(x); err != nil {
			t.Fatal(err)
		}
		r1, err1 := p.Result()
		r2, err2 := p.Result()
		if err1 != nil || err2 != nil || !slices.EqualFunc(redRead(r1), redRead(r2), func(a, b redNum) bool { return redClose(a, b, 0) }) {
			t.Errorf("%v: Result() twice = %v, %v (%v, %v)", op.op, r1, r2, err1, err2)
		}
		// Again: every element twice.
		if err := p.Accumulate(x); err != nil {
			t.Fatal(err)
		}
		got, err := p.Result()
		if err != nil {
			t.Fatal(err)
		}
		xx, _ := ndarray.FromSlice([]float64{1, 2, math.NaN(), 1, 2, math.NaN(), 4, 5, 6, 4, 5, 6}, 2, 6)
		want := redReduce(op.op, o, ndarray.Float64, []int{2, 6}, redRead(xx), []int{1})
		if op.op == ndarray.ArgMin || op.op == ndarray.ArgMax {
			// Positions refer to the region, where both copies sit:
			// the first of the tied extrema is where it was.
			want = redReduce(op.op, o, ndarray.Float64, []int{2, 3}, redRead(x), []int{1})
		}
		redCheck(t, fmt.Sprintf("%v of a block accumulated twice", op.op), got, err, want)
	}
}

// TestPartialErrors checks the errors of NewPartial, Accumulate and
// Combine.
func TestPartialErrors(t *testing.T) {
	region := []int{4, 6}
	p, _ := ndarray.NewPartial(ndarray.Sum, ndarray.Float64, region, []int{0}, ndarray.ReduceOptions{})
	block := ndarray.Zeros(ndarray.Float64, 2, 3)

	check := func(name string, err, want error, mention ...string) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: no error, want one wrapping %q", name, want)
			return
		}
		if want != nil && !errors.Is(err, want) {
			t.Errorf("%s: error %q does not wrap %q", name, err, want)
		}
		for _, m := range mention {
			if !strings.Contains(err.Error(), m) {
				t.Errorf("%s: error %q does not mention %q", name, err, m)
			}
		}
	}

	check("block past the end", p.Accumulate(block, 3, 0), ndarray.ErrIndex, "[2 3]", "[3 0]", "[4 6]", "axis 0")
	check("block past the end of axis 1", p.Accumulate(block, 0, 4), ndarray.ErrIndex, "axis 1")
	check("negative origin", p.Accumulate(block, -1, 0), ndarray.ErrIndex, "[-1 0]")
	check("block larger than the region", p.Accumulate(ndarray.Zeros(ndarray.Float64, 5, 1)), ndarray.ErrIndex, "[5 1]")
	check("block of another dtype", p.Accumulate(ndarray.Zeros(ndarray.Float32, 2, 3)), ndarray.ErrDType, "float32", "float64")
	check("block of other dimensions", p.Accumulate(ndarray.Zeros(ndarray.Float64, 6)), ndarray.ErrShape, "[6]", "[4 6]")
	check("origin of other dimensions", p.Accumulate(block, 0), ndarray.ErrShape, "[0]")

	q, _ := ndarray.NewPartial(ndarray.Sum, ndarray.Float64, region, []int{1}, ndarray.ReduceOptions{})
	check("combine over other axes", p.Combine(q), ndarray.ErrShape)
	q, _ = ndarray.NewPartial(ndarray.Mean, ndarray.Float64, region, []int{0}, ndarray.ReduceOptions{})
	check("combine another op", p.Combine(q), ndarray.ErrShape, "sum", "mean")
	q, _ = ndarray.NewPartial(ndarray.Sum, ndarray.Float32, region, []int{0}, ndarray.ReduceOptions{})
	check("combine another dtype", p.Combine(q), ndarray.ErrShape, "float32")
	q, _ = ndarray.NewPartial(ndarray.Sum, ndarray.Float64, []int{4, 7}, []int{0}, ndarray.ReduceOptions{})
	check("combine another region", p.Combine(q), ndarray.ErrShape, "[4 7]")
	q, _ = ndarray.NewPartial(ndarray.Sum, ndarray.Float64, region, []int{0}, ndarray.ReduceOptions{SkipNaN: true})
	check("combine other options", p.Combine(q), ndarray.ErrShape)
	c := ndarray.Codec{Stored: ndarray.Float64}
	q, _ = c.NewPartial(ndarray.Sum, region, []int{0}, ndarray.ReduceOptions{})
	check("combine with a codec's partial", p.Combine(q), ndarray.ErrShape)

	_, err := ndarray.NewPartial(ndarray.Sum, ndarray.DType(0), region, nil, ndarray.ReduceOptions{})
	check("invalid dtype", err, ndarray.ErrDType, "DType(0)")
	_, err = ndarray.NewPartial(ndarray.Op(99), ndarray.Int8, region, nil, ndarray.ReduceOptions{})
	check("invalid op", err, ndarray.ErrOp, "Op(99)")
	_, err = ndarray.NewPartial(ndarray.Sum, ndarray.Int8, region, []int{2}, ndarray.ReduceOptions{})
	check("axis out of range", err, ndarray.ErrAxis, "axis 2", "[4 6]")
	_, err = ndarray.NewPartial(ndarray.Sum, ndarray.Int8, []int{4, -1}, nil, ndarray.ReduceOptions{})
	check("negative region", err, ndarray.ErrShape, "[4 -1]")
	_, err = ndarray.NewPartial(ndarray.Sum, ndarray.Int8, []int{math.MaxInt / 2, 4}, nil, ndarray.ReduceOptions{})
	check("region too large", err, ndarray.ErrSize)
	// errors.go promises that every error wraps a sentinel, but these
	// two wrap none (none of the sentinels fits): only the message is
	// checked.
	_, err = ndarray.NewPartial(ndarray.Var, ndarray.Int8, region, nil, ndarray.ReduceOptions{DDOF: -1})
	check("negative DDOF", err, nil, "DDOF -1")
	_, err = ndarray.NewPartial(ndarray.Sum, ndarray.Int8, region, nil, ndarray.ReduceOptions{MinCount: -2})
	check("negative MinCount", err, nil, "MinCount -2")

	// A failed Accumulate leaves the partial as it was.
	ones := ndarray.Full(ndarray.Float64, 1, 2, 3)
	if err := p.Accumulate(ones, 2, 3); err != nil {
		t.Fatal(err)
	}
	got, _ := p.Result()
	if want := []float64{0, 0, 0, 2, 2, 2}; !slices.Equal(ndarray.Float64s(got), want) {
		t.Errorf("after failed accumulations, sum = %v, want %v", got, want)
	}
}
