package kernel

// MinTo lowers a row of running minima by a row of values, skipping
// missing ones:
//
//	for k := range n {
//		if v := x[xi+k*xs]; m.Is(v) { miss[ai+k*as]++ } else if v < acc[ai+k*as] { acc[ai+k*as] = v }
//	}
func MinTo[T Number](acc []T, miss []int64, ai, as int, x []T, xi, xs, n int, m Missing[T]) {
	if as == 1 && xs == 1 && n > 0 && !m.NaN && !m.Fill {
		a, v := acc[ai:ai+n], x[xi:xi+n]
		a = a[:len(v)]
		for k, x := range v {
			a[k] = min(a[k], x)
		}
		return
	}
	for range n {
		if v := x[xi]; m.Is(v) {
			miss[ai]++
		} else if v < acc[ai] {
			acc[ai] = v
		}
		ai += as
		xi += xs
	}
}

// MaxTo is MinTo for maxima.
func MaxTo[T Number](acc []T, miss []int64, ai, as int, x []T, xi, xs, n int, m Missing[T]) {
	if as == 1 && xs == 1 && n > 0 && !m.NaN && !m.Fill {
		a, v := acc[ai:ai+n], x[xi:xi+n]
		a = a[:len(v)]
		for k, x := range v {
			a[k] = max(a[k], x)
		}
		return
	}
	for range n {
		if v := x[xi]; m.Is(v) {
			miss[ai]++
		} else if v > acc[ai] {
			acc[ai] = v
		}
		ai += as
		xi += xs
	}
}

// Min returns the smaller of init and the values of a row that m does not
// skip, and how many it skipped:
//
//	lo = init
//	for k := range n {
//		if v := x[xi+k*xs]; m.Is(v) { skipped++ } else if v < lo { lo = v }
//	}
func Min[T Number](init T, x []T, xi, xs, n int, m Missing[T]) (lo T, skipped int64) {
	lo = init
	for range n {
		if v := x[xi]; m.Is(v) {
			skipped++
		} else if v < lo {
			lo = v
		}
		xi += xs
	}
	return lo, skipped
}

// Max is Min for the maximum.
func Max[T Number](init T, x []T, xi, xs, n int, m Missing[T]) (hi T, skipped int64) {
	hi = init
	for range n {
		if v := x[xi]; m.Is(v) {
			skipped++
		} else if v > hi {
			hi = v
		}
		xi += xs
	}
	return hi, skipped
}

// ArgTo updates a row of running extrema and their positions with a row
// of values that all sit at position r of the reduced axes:
//
//	for k := range n {
//		c, v := ai+k*as, x[xi+k*xs]
//		if m.Is(v) { if first[c] < 0 || r < first[c] { first[c] = r } }
//		else if idx[c] < 0 || better(v, val[c]) || v == val[c] && r < idx[c] { val[c], idx[c] = v, r }
//	}
//
// where better is < for the minimum (isMax false) and > for the maximum.
// Ties go to the lower position whatever order rows arrive in, so split
// and merged partials agree with a whole-array scan.
func ArgTo[T Number](isMax bool, val []T, idx, first []int64, ai, as int, x []T, xi, xs, n int, r int64, m Missing[T]) {
	for range n {
		v := x[xi]
		switch {
		case m.Is(v):
			if f := first[ai]; f < 0 || r < f {
				first[ai] = r
			}
		case idx[ai] < 0, isMax && v > val[ai], !isMax && v < val[ai], v == val[ai] && r < idx[ai]:
			val[ai], idx[ai] = v, r
		}
		ai += as
		xi += xs
	}
}

// Arg finds the extremum of a row whose values sit at positions r0,
// r0+rs, ... of the reduced axes. It returns the value and position of
// the extremum (position -1 if every value was missing) and the position
// of the first missing value (-1 if none):
//
//	for k := range n { v, r := x[xi+k*xs], r0+k*rs; ...as ArgTo for one cell... }
func Arg[T Number](isMax bool, x []T, xi, xs, n int, r0, rs int64, m Missing[T]) (val T, idx, first int64) {
	idx, first = -1, -1
	r := r0
	for range n {
		v := x[xi]
		switch {
		case m.Is(v):
			if first < 0 || r < first {
				first = r
			}
		case idx < 0, isMax && v > val, !isMax && v < val, v == val && r < idx:
			val, idx = v, r
		}
		xi += xs
		r += rs
	}
	return val, idx, first
}
