package ndarray

import "slices"

// rows walks the elements of a common shape for several operands (each
// with its own strides into its own backing slice) one row at a time: the
// innermost loop of every kernel in this package is a row, a run of n
// elements with a fixed stride per operand, handed to a typed function
// that can specialise for stride 1.
//
// Before walking, axes of length 1 are dropped, the remaining axes are
// ordered by the first operand's absolute stride (largest outermost), and
// adjacent axes that are contiguous for every operand are merged, so a
// contiguous array is one row however many dimensions it has. The order
// of the walk is therefore an implementation detail: kernels that are
// order-sensitive (floating-point sums) are deterministic for a given
// layout, not across layouts.
type rows struct {
	shape   []int   // outer axes..., row axis last; empty for a single element
	strides [][]int // per operand, per axis
}

// newRows prepares a walk over shape for operands with the given strides
// (one slice per operand, each of len(shape)).
func newRows(shape []int, strides ...[]int) rows {
	type axis struct {
		n int
		s []int
	}
	axes := make([]axis, 0, len(shape))
	for i, n := range shape {
		if n == 1 {
			continue
		}
		s := make([]int, len(strides))
		for k := range strides {
			s[k] = strides[k][i]
		}
		axes = append(axes, axis{n, s})
	}
	slices.SortStableFunc(axes, func(a, b axis) int {
		return abs(b.s[0]) - abs(a.s[0])
	})
	// Merge axis i+1 into axis i when stepping axis i is the same as
	// stepping axis i+1 n times, for every operand.
	merged := axes[:0]
	for _, ax := range axes {
		if len(merged) > 0 {
			last := &merged[len(merged)-1]
			ok := true
			for k := range ax.s {
				if last.s[k] != ax.s[k]*ax.n {
					ok = false
					break
				}
			}
			if ok {
				last.n *= ax.n
				copy(last.s, ax.s)
				continue
			}
		}
		merged = append(merged, ax)
	}
	r := rows{shape: make([]int, len(merged)), strides: make([][]int, len(strides))}
	for k := range strides {
		r.strides[k] = make([]int, len(merged))
	}
	for i, ax := range merged {
		r.shape[i] = ax.n
		for k := range strides {
			r.strides[k][i] = ax.s[k]
		}
	}
	return r
}

// each calls fn for every row with the offsets of its first element (one
// per operand, starting from base), its length and the per-operand
// strides along it. fn must not keep offs or inner. A shape with a zero
// dimension has no rows; a 0-dimensional shape has one row of length 1.
func (r rows) each(base []int, fn func(offs []int, n int, inner []int)) {
	nops := len(r.strides)
	offs := append([]int(nil), base...)
	if len(r.shape) == 0 {
		fn(offs, 1, make([]int, nops))
		return
	}
	for _, n := range r.shape {
		if n == 0 {
			return
		}
	}
	last := len(r.shape) - 1
	inner := make([]int, nops)
	for k := range nops {
		inner[k] = r.strides[k][last]
	}
	n := r.shape[last]
	if last == 0 {
		fn(offs, n, inner)
		return
	}
	idx := make([]int, last)
	cur := make([]int, nops)
	for {
		copy(cur, offs)
		fn(cur, n, inner)
		// Advance the odometer over the outer axes.
		ax := last - 1
		for ; ax >= 0; ax-- {
			idx[ax]++
			for k := range nops {
				offs[k] += r.strides[k][ax]
			}
			if idx[ax] < r.shape[ax] {
				break
			}
			for k := range nops {
				offs[k] -= r.strides[k][ax] * r.shape[ax]
			}
			idx[ax] = 0
		}
		if ax < 0 {
			return
		}
	}
}

// eachTiled is each with the row axis cut into tiles of at most tile
// elements, visited tile by tile: for every tile, all rows in the order
// each visits them. An element's rows are thus visited in the same order
// as by each, so per-element results are identical; but a reduction that
// adds many rows into one row of accumulators keeps a tile of them in
// cache instead of streaming the whole row of accumulators once per row.
func (r rows) eachTiled(base []int, tile int, fn func(offs []int, n int, inner []int)) {
	last := len(r.shape) - 1
	if last < 1 || r.shape[last] <= tile {
		r.each(base, fn)
		return
	}
	n := r.shape[last]
	sub := rows{shape: slices.Clone(r.shape), strides: r.strides}
	b := slices.Clone(base)
	for t := 0; t < n; t += tile {
		sub.shape[last] = min(tile, n-t)
		for k := range b {
			b[k] = base[k] + t*r.strides[k][last]
		}
		sub.each(b, fn)
	}
}

// eachGroup is eachTiled for reductions that add rows into rows of
// accumulators: when consecutive rows along the second innermost axis
// go to the same accumulators (operand acc has stride 0 there), up to
// four of them are handed to fn at once, as k rows whose starts in
// operand 0 are rstride apart. Each accumulator still receives its rows
// in the order each visits them; without such an axis fn gets one row at
// a time (k = 1).
func (r rows) eachGroup(base []int, acc, tile int, fn func(offs []int, n int, inner []int, k, rstride int)) {
	last := len(r.shape) - 1
	if last < 1 || r.strides[acc][last-1] != 0 {
		r.eachTiled(base, tile, func(o []int, n int, in []int) { fn(o, n, in, 1, 0) })
		return
	}
	n, g := r.shape[last], r.shape[last-1]
	inner := make([]int, len(r.strides))
	gs := make([]int, len(r.strides))
	for k := range r.strides {
		inner[k] = r.strides[k][last]
		gs[k] = r.strides[k][last-1]
	}
	// One "row" of length 1 per index of the outer axes.
	outer := rows{shape: append(slices.Clone(r.shape[:last-1]), 1), strides: make([][]int, len(r.strides))}
	for k := range r.strides {
		outer.strides[k] = append(slices.Clone(r.strides[k][:last-1]), 0)
	}
	offs := make([]int, len(base))
	outer.each(base, func(o []int, _ int, _ []int) {
		for t := 0; t < n; t += tile {
			for j := 0; j < g; j += 4 {
				for k := range offs {
					offs[k] = o[k] + j*gs[k] + t*inner[k]
				}
				fn(offs, min(tile, n-t), inner, min(4, g-j), gs[0])
			}
		}
	})
}

// count returns the number of rows each visits.
func (r rows) count() int {
	if len(r.shape) == 0 {
		return 1
	}
	return sizeOf(r.shape[:len(r.shape)-1])
}

// forEachIndex calls fn with the backing-slice index of every element of
// a, in row-major order. It is the slow path for formatting and tests.
func forEachIndex(a *Array, fn func(i int)) {
	n := a.Size()
	if n == 0 {
		return
	}
	idx := make([]int, len(a.shape))
	p := a.offset
	for range n {
		fn(p)
		for ax := len(a.shape) - 1; ax >= 0; ax-- {
			idx[ax]++
			p += a.strides[ax]
			if idx[ax] < a.shape[ax] {
				break
			}
			p -= a.strides[ax] * a.shape[ax]
			idx[ax] = 0
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
