package kernel

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"
)

// Every kernel is checked against the plain loop its doc comment states,
// written out again here with Missing.is (the reference the package doc
// names), for every length from 0 to 33 (the unrolled loops' remainders)
// and a few around Sum's 4096-value blocks, with unit, larger and
// negative strides, with NaN and fill values. Slices are guard-padded, as
// gonum's guardVector does: the region a kernel may touch lies between
// sentinels, the gaps of a strided region hold "lure" values (the type's
// extremes, ±Inf for floats) that would change the result if read, and
// afterwards every element outside the region must be unchanged.

const guard = 5

var lengths = func() []int {
	var l []int
	for n := range 34 {
		l = append(l, n)
	}
	return append(l, 100, 4095, 4096, 4097, 9001)
}()

// strides returns the input strides to try for a row of n values.
func strides(n int) []int {
	if n > 100 {
		return []int{1, -2}
	}
	return []int{1, 2, 3, -1, -3}
}

// vec is a strided region of n elements inside a guard-padded slice.
type vec[T any] struct {
	s      []T
	i0, st int // the index of the first element, the stride
	n      int
}

// newVec returns a vec of n elements with stride st, every slot (region,
// gaps and guards) set to fill.
func newVec[T any](n, st int, fill T) vec[T] {
	span := 0
	if n > 0 {
		span = (n-1)*max(st, -st) + 1
	}
	v := vec[T]{s: make([]T, span+2*guard), i0: guard, st: st, n: n}
	if st < 0 {
		v.i0 = guard + span - 1
	}
	for i := range v.s {
		v.s[i] = fill
	}
	return v
}

func (v vec[T]) at(k int) *T { return &v.s[v.i0+k*v.st] }

func (v vec[T]) clone() vec[T] { v.s = slices.Clone(v.s); return v }

// inRegion reports whether slice index i is one of v's elements.
func (v vec[T]) inRegion(i int) bool {
	if v.n == 0 {
		return false
	}
	if v.st == 0 {
		return i == v.i0
	}
	d := i - v.i0
	return d%v.st == 0 && d/v.st >= 0 && d/v.st < v.n
}

// same compares two values bit for bit, NaN with NaN.
func same[T Number](a, b T) bool {
	if a != a || b != b {
		return a != a && b != b
	}
	return a == b
}

// checkOutside fails t if got differs from before anywhere outside v's
// region (everywhere, if region is false).
func checkOutside[T Number](t *testing.T, what string, before, got vec[T], region bool) {
	t.Helper()
	for i := range got.s {
		if (!region || !before.inRegion(i)) && !same(got.s[i], before.s[i]) {
			t.Errorf("%s: element %d outside the region changed from %v to %v", what, i, before.s[i], got.s[i])
			return
		}
	}
}

// extremes returns T's smallest and largest values (±Inf for floats).
func extremes[T Number]() (lo, hi T) {
	if isFloat[T]() {
		return T(math.Inf(-1)), T(math.Inf(1))
	}
	bits := 8 * int(unsafe.Sizeof(lo))
	neg := int64(-1)
	if T(neg) < 0 {
		return T(int64(-1) << (bits - 1)), T(int64(1)<<(bits-1) - 1)
	}
	return 0, T(^uint64(0) >> (64 - bits))
}

// lure returns one of T's extremes, at random.
func lure[T Number](rng *rand.Rand) T {
	lo, hi := extremes[T]()
	if rng.IntN(2) == 0 {
		return lo
	}
	return hi
}

// randVal returns a small value of T (within ±50, or 0 to 100 unsigned),
// f1 one time in ten, f2 one in twenty, and for floats NaN (7%) and ±Inf
// (2%) unless noNaN.
func randVal[T Number](rng *rand.Rand, f1, f2 T, noNaN bool) T {
	r := rng.IntN(100)
	switch {
	case r < 10:
		return f1
	case r < 15:
		return f2
	case isFloat[T]() && !noNaN && r < 22:
		return T(math.NaN())
	case isFloat[T]() && !noNaN && r < 24:
		return T(math.Inf(2*rng.IntN(2) - 1))
	}
	if lo, _ := extremes[T](); lo < 0 {
		return T(rng.IntN(101) - 50)
	}
	return T(rng.IntN(101))
}

// input returns a vec of n random values with stride st, lures in its
// gaps and guards.
func input[T Number](rng *rand.Rand, n, st int, f1, f2 T, noNaN bool) vec[T] {
	x := newVec(n, st, lure[T](rng))
	for k := range n {
		*x.at(k) = randVal(rng, f1, f2, noNaN)
	}
	return x
}

// accs returns a vec of n accumulators with stride st, set from init,
// between sentinels.
func accs[A any](n, st int, sentinel A, init func(k int) A) vec[A] {
	a := newVec(n, st, sentinel)
	for k := range n {
		*a.at(k) = init(k)
	}
	return a
}

// missings returns the Missing values to test: nothing, NaN, one fill
// value and two.
func missings[T Number]() []Missing[T] {
	return []Missing[T]{{}, {NaN: true}, {Fill: true, F1: 7, F2: 7}, {Fill: true, F1: 7, F2: 3}}
}

func skips[T Number](m Missing[T]) bool { return m.NaN || m.Fill }

// near reports whether got is within tol of want: NaN only matches NaN
// and an infinity only itself.
func near(got, want, tol float64) bool {
	switch {
	case math.IsNaN(want):
		return math.IsNaN(got)
	case math.IsInf(want, 0):
		return got == want
	}
	return math.Abs(got-want) <= tol
}

// eps is the unit roundoff of float64, in which floating kernels
// accumulate.
const eps = 0x1p-53

// sumTol is the error bound of a float64 sum of terms in any order:
// (n-1)·eps·Σ|term| (Higham, Accuracy and Stability, §4.2), doubled for
// the reference's own rounding.
func sumTol(n int, abs float64) float64 { return 2 * float64(max(n, 1)) * eps * abs }

func TestKernels(t *testing.T) {
	t.Run("int8", func(t *testing.T) { testKernels[int64, int8](t) })
	t.Run("int16", func(t *testing.T) { testKernels[int64, int16](t) })
	t.Run("int32", func(t *testing.T) { testKernels[int64, int32](t) })
	t.Run("int64", func(t *testing.T) { testKernels[int64, int64](t) })
	t.Run("uint8", func(t *testing.T) { testKernels[uint64, uint8](t) })
	t.Run("uint16", func(t *testing.T) { testKernels[uint64, uint16](t) })
	t.Run("uint32", func(t *testing.T) { testKernels[uint64, uint32](t) })
	t.Run("uint64", func(t *testing.T) { testKernels[uint64, uint64](t) })
	t.Run("float32", func(t *testing.T) { testKernels[float64, float32](t) })
	t.Run("float64", func(t *testing.T) { testKernels[float64, float64](t) })
	// Integers summed in float64: the variance's first pass.
	t.Run("int16 in float64", func(t *testing.T) { testKernels[float64, int16](t) })
	t.Run("uint64 in float64", func(t *testing.T) { testKernels[float64, uint64](t) })
}

func testKernels[A Acc, T Number](t *testing.T) {
	rng := rand.New(rand.NewPCG(uint64(unsafe.Sizeof(T(0))), uint64(unsafe.Sizeof(A(0)))))
	accIsFloat := any(A(0)) == any(float64(0))
	ls := lengths
	if testing.Short() {
		ls = append(lengths[:34:34], 100, 4097)
	}
	for _, m := range missings[T]() {
		for _, n := range ls {
			for _, xs := range strides(n) {
				for _, as := range []int{1, 2, 0} {
					if n > 100 && as != 1 {
						continue
					}
					what := fmt.Sprintf("n %d, x stride %d, acc stride %d, %+v", n, xs, as, m)
					testAddTo[A](t, rng, what, n, xs, as, m)
					testCountTo(t, rng, what, n, xs, as, m)
					testMinMaxTo(t, rng, what, n, xs, as, m)
					testArgTo(t, rng, what, n, xs, as, m)
					testSqDevTo(t, rng, what, n, xs, as, m)
				}
				what := fmt.Sprintf("n %d, x stride %d, %+v", n, xs, m)
				testSum[A](t, rng, what, n, xs, m, accIsFloat)
				testCount(t, rng, what, n, xs, m)
				testMinMax(t, rng, what, n, xs, m)
				testArg(t, rng, what, n, xs, m)
				testSqDev(t, rng, what, n, xs, m)
			}
			for k := 1; k <= 4; k++ {
				testAddRowsTo[A](t, rng, fmt.Sprintf("%d rows of %d, %+v", k, n, m), n, k, m, accIsFloat)
			}
		}
		if t.Failed() {
			return
		}
	}
}

func testAddTo[A Acc, T Number](t *testing.T, rng *rand.Rand, what string, n, xs, as int, m Missing[T]) {
	what = "AddTo: " + what
	x := input[T](rng, n, xs, m.F1, m.F2, false)
	acc := accs(n, as, A(12345), func(int) A { return A(rng.IntN(100)) })
	var miss vec[int64]
	var ms []int64 // nil when m skips nothing: "miss is not touched"
	if skips(m) {
		miss = accs(n, as, int64(12345), func(int) int64 { return int64(rng.IntN(3)) })
		ms = miss.s
	}
	x0, wantAcc, wantMiss := x.clone(), acc.clone(), miss.clone()
	for k := range n {
		if v := *x.at(k); m.Is(v) {
			(*wantMiss.at(k))++
		} else {
			*wantAcc.at(k) += A(v)
		}
	}
	AddTo(acc.s, ms, acc.i0, as, x.s, x.i0, xs, n, m)
	// One add per value into its own accumulator, in order: exact.
	for i := range acc.s {
		if !same(acc.s[i], wantAcc.s[i]) {
			t.Errorf("%s: acc[%d] = %v, want %v", what, i, acc.s[i], wantAcc.s[i])
			return
		}
	}
	if skips(m) && !slices.Equal(miss.s, wantMiss.s) {
		t.Errorf("%s: miss = %v, want %v", what, miss.s, wantMiss.s)
	}
	checkOutside(t, what+", x", x0, x, false)
}

func testSum[A Acc, T Number](t *testing.T, rng *rand.Rand, what string, n, xs int, m Missing[T], accIsFloat bool) {
	what = "Sum: " + what
	x := input[T](rng, n, xs, m.F1, m.F2, false)
	x0 := x.clone()
	var want A
	var wantSkipped int64
	abs := 0.0
	for k := range n {
		if v := *x.at(k); m.Is(v) {
			wantSkipped++
		} else {
			want += A(v)
			if f := math.Abs(float64(v)); !math.IsInf(f, 0) {
				abs += f
			}
		}
	}
	got, skipped := Sum[A](x.s, x.i0, xs, n, m)
	if skipped != wantSkipped {
		t.Errorf("%s: skipped %d, want %d", what, skipped, wantSkipped)
	}
	// Integers are exact (wrapping alike in any order); float64 sums are
	// reordered by the partial sums and blocks.
	if accIsFloat && !near(float64(got), float64(want), sumTol(n, abs)) || !accIsFloat && got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
	checkOutside(t, what+", x", x0, x, false)
}

func testCountTo[T Number](t *testing.T, rng *rand.Rand, what string, n, xs, as int, m Missing[T]) {
	what = "CountTo: " + what
	x := input[T](rng, n, xs, m.F1, m.F2, false)
	var ms []int64
	var miss vec[int64]
	if skips(m) {
		miss = accs(n, as, int64(12345), func(int) int64 { return int64(rng.IntN(3)) })
		ms = miss.s
	}
	want := miss.clone()
	for k := range n {
		if m.Is(*x.at(k)) {
			(*want.at(k))++
		}
	}
	CountTo(ms, miss.i0, as, x.s, x.i0, xs, n, m)
	if !slices.Equal(miss.s, want.s) {
		t.Errorf("%s: miss = %v, want %v", what, miss.s, want.s)
	}
}

func testCount[T Number](t *testing.T, rng *rand.Rand, what string, n, xs int, m Missing[T]) {
	x := input[T](rng, n, xs, m.F1, m.F2, false)
	var want int64
	for k := range n {
		if m.Is(*x.at(k)) {
			want++
		}
	}
	if got := Count(x.s, x.i0, xs, n, m); got != want {
		t.Errorf("Count: %s = %d, want %d", what, got, want)
	}
}

func testMinMaxTo[T Number](t *testing.T, rng *rand.Rand, what string, n, xs, as int, m Missing[T]) {
	// Without NaN: with nothing skipped, the contiguous path's min and
	// max builtins propagate NaN where the documented loop (v < acc)
	// ignores it. The package never gets there: float extrema always
	// skip (and count) NaN.
	x := input[T](rng, n, xs, m.F1, m.F2, !skips(m))
	for _, isMin := range []bool{true, false} {
		name := "MaxTo: " + what
		if isMin {
			name = "MinTo: " + what
		}
		acc := accs(n, as, T(99), func(int) T { return randVal[T](rng, 1, 2, true) })
		var ms []int64
		var miss vec[int64]
		if skips(m) {
			miss = accs(n, as, int64(12345), func(int) int64 { return 0 })
			ms = miss.s
		}
		wantAcc, wantMiss, x0 := acc.clone(), miss.clone(), x.clone()
		for k := range n {
			if v, a := *x.at(k), wantAcc.at(k); m.Is(v) {
				(*wantMiss.at(k))++
			} else if isMin && v < *a || !isMin && v > *a {
				*a = v
			}
		}
		if isMin {
			MinTo(acc.s, ms, acc.i0, as, x.s, x.i0, xs, n, m)
		} else {
			MaxTo(acc.s, ms, acc.i0, as, x.s, x.i0, xs, n, m)
		}
		for i := range acc.s {
			// == rather than same: min(0, -0) may give either zero.
			if acc.s[i] != wantAcc.s[i] && !same(acc.s[i], wantAcc.s[i]) {
				t.Errorf("%s: acc[%d] = %v, want %v", name, i, acc.s[i], wantAcc.s[i])
				return
			}
		}
		if !slices.Equal(miss.s, wantMiss.s) {
			t.Errorf("%s: miss = %v, want %v", name, miss.s, wantMiss.s)
		}
		checkOutside(t, name+", x", x0, x, false)
	}
}

func testMinMax[T Number](t *testing.T, rng *rand.Rand, what string, n, xs int, m Missing[T]) {
	x := input[T](rng, n, xs, m.F1, m.F2, false)
	init := randVal[T](rng, 1, 2, true)
	var lo, hi T = init, init
	var skipped int64
	for k := range n {
		if v := *x.at(k); m.Is(v) {
			skipped++
		} else {
			if v < lo {
				lo = v
			}
			if v > hi {
				hi = v
			}
		}
	}
	if got, s := Min(init, x.s, x.i0, xs, n, m); !same(got, lo) || s != skipped {
		t.Errorf("Min(%v): %s = %v, %d; want %v, %d", init, what, got, s, lo, skipped)
	}
	if got, s := Max(init, x.s, x.i0, xs, n, m); !same(got, hi) || s != skipped {
		t.Errorf("Max(%v): %s = %v, %d; want %v, %d", init, what, got, s, hi, skipped)
	}
}

func testArgTo[T Number](t *testing.T, rng *rand.Rand, what string, n, xs, as int, m Missing[T]) {
	for _, isMax := range []bool{false, true} {
		name := fmt.Sprintf("ArgTo(max %v): %s", isMax, what)
		val := accs(n, as, T(99), func(int) T { return 0 })
		idx := accs(n, as, int64(12345), func(int) int64 { return -1 })
		first := accs(n, as, int64(12345), func(int) int64 { return -1 })
		wantVal, wantIdx, wantFirst := val.clone(), idx.clone(), first.clone()
		// Rows at positions 0..R-1 of the reduced axes, in random order.
		rowsN := 1 + rng.IntN(4)
		type seen struct {
			r int64
			v T
		}
		byCell := make([][]seen, n) // the values each cell saw (as != 0)
		for _, r := range rng.Perm(rowsN) {
			x := input[T](rng, n, xs, m.F1, m.F2, false)
			x0 := x.clone()
			for k := range n {
				c, v := k, *x.at(k)
				byCell[c] = append(byCell[c], seen{int64(r), v})
				vc, ic, fc := wantVal.at(c), wantIdx.at(c), wantFirst.at(c)
				switch {
				case m.Is(v):
					if *fc < 0 || int64(r) < *fc {
						*fc = int64(r)
					}
				case *ic < 0 || isMax && v > *vc || !isMax && v < *vc || v == *vc && int64(r) < *ic:
					*vc, *ic = v, int64(r)
				}
			}
			ArgTo(isMax, val.s, idx.s, first.s, val.i0, as, x.s, x.i0, xs, n, int64(r), m)
			checkOutside(t, name+", x", x0, x, false)
		}
		for i := range val.s {
			if !same(val.s[i], wantVal.s[i]) || idx.s[i] != wantIdx.s[i] || first.s[i] != wantFirst.s[i] {
				t.Errorf("%s: cell %d = %v at %d (first missing %d), want %v at %d (%d)", name, i,
					val.s[i], idx.s[i], first.s[i], wantVal.s[i], wantIdx.s[i], wantFirst.s[i])
				return
			}
		}
		// The documented property: ties go to the lowest position,
		// whatever order the rows came in. (With NaN not skipped, NaN
		// compares false and the order matters, as in numpy's loop.)
		if as == 0 || isFloat[T]() && !skips(m) {
			continue
		}
		for c, s := range byCell {
			slices.SortFunc(s, func(a, b seen) int { return int(a.r - b.r) })
			bi, fi := int64(-1), int64(-1)
			var bv T
			for _, e := range s {
				switch {
				case m.Is(e.v):
					if fi < 0 {
						fi = e.r
					}
				case bi < 0 || isMax && e.v > bv || !isMax && e.v < bv:
					bv, bi = e.v, e.r
				}
			}
			if *idx.at(c) != bi || *first.at(c) != fi {
				t.Errorf("%s: cell %d: position %d (first missing %d), want the lowest, %d (%d)", name, c, *idx.at(c), *first.at(c), bi, fi)
				return
			}
		}
	}
}

func testArg[T Number](t *testing.T, rng *rand.Rand, what string, n, xs int, m Missing[T]) {
	x := input[T](rng, n, xs, m.F1, m.F2, false)
	r0, rs := int64(rng.IntN(10)), int64(1+rng.IntN(3))
	for _, isMax := range []bool{false, true} {
		var val T
		idx, first := int64(-1), int64(-1)
		for k := range n {
			v, r := *x.at(k), r0+int64(k)*rs
			switch {
			case m.Is(v):
				if first < 0 || r < first {
					first = r
				}
			case idx < 0, isMax && v > val, !isMax && v < val, v == val && r < idx:
				val, idx = v, r
			}
		}
		gv, gi, gf := Arg(isMax, x.s, x.i0, xs, n, r0, rs, m)
		if gi != idx || gf != first || idx >= 0 && !same(gv, val) {
			t.Errorf("Arg(max %v, r0 %d, rs %d): %s = %v at %d (first missing %d), want %v at %d (%d)",
				isMax, r0, rs, what, gv, gi, gf, val, idx, first)
		}
	}
}

func testSqDevTo[T Number](t *testing.T, rng *rand.Rand, what string, n, xs, as int, m Missing[T]) {
	what = "SqDevTo: " + what
	x := input[T](rng, n, xs, m.F1, m.F2, false)
	m2 := accs(n, as, 12345.0, func(int) float64 { return rng.Float64() * 10 })
	mean := accs(n, as, 54321.0, func(int) float64 { return rng.NormFloat64() * 20 })
	mean0, want, x0 := mean.clone(), m2.clone(), x.clone()
	scale := m2.clone()
	for k := range n {
		if v := *x.at(k); !m.Is(v) {
			d := float64(v) - *mean.at(k)
			*want.at(k) += d * d
			*scale.at(k) += d * d
		}
	}
	SqDevTo(m2.s, mean.s, m2.i0, as, x.s, x.i0, xs, n, m)
	for i := range m2.s {
		// The same operations in the same order; 4 eps allows a
		// compiler that fuses d*d + s (arm64).
		if !near(m2.s[i], want.s[i], 4*eps*math.Abs(scale.s[i])) {
			t.Errorf("%s: m2[%d] = %v, want %v", what, i, m2.s[i], want.s[i])
			return
		}
	}
	checkOutside(t, what+", mean", mean0, mean, false)
	checkOutside(t, what+", x", x0, x, false)
}

func testSqDev[T Number](t *testing.T, rng *rand.Rand, what string, n, xs int, m Missing[T]) {
	x := input[T](rng, n, xs, m.F1, m.F2, false)
	mean := rng.NormFloat64() * 20
	var want, abs float64
	for k := range n {
		if v := *x.at(k); !m.Is(v) {
			d := float64(v) - mean
			want += d * d
			if !math.IsInf(d, 0) {
				abs += d * d
			}
		}
	}
	if got := SqDev(x.s, x.i0, xs, n, mean, m); !near(got, want, sumTol(n, abs)) {
		t.Errorf("SqDev(mean %v): %s = %v, want %v", mean, what, got, want)
	}
}

// testAddRowsTo checks AddRowsTo: k rows of n values, xr apart, into one
// row of accumulators, against k AddTo loops.
func testAddRowsTo[A Acc, T Number](t *testing.T, rng *rand.Rand, what string, n, k int, m Missing[T], accIsFloat bool) {
	what = "AddRowsTo: " + what
	xr := n + rng.IntN(3)
	x := input[T](rng, (k-1)*xr+n, 1, m.F1, m.F2, false)
	acc := accs(n, 1, A(12345), func(int) A { return A(rng.IntN(100)) })
	var miss vec[int64]
	var ms []int64
	if skips(m) {
		miss = accs(n, 1, int64(12345), func(int) int64 { return 0 })
		ms = miss.s
	}
	wantAcc, wantMiss, x0 := acc.clone(), miss.clone(), x.clone()
	abs := make([]float64, n)
	for i := range n {
		abs[i] = math.Abs(float64(*acc.at(i)))
		for j := range k {
			if v := *x.at(j*xr + i); m.Is(v) {
				(*wantMiss.at(i))++
			} else {
				*wantAcc.at(i) += A(v)
				if f := math.Abs(float64(v)); !math.IsInf(f, 0) {
					abs[i] += f
				}
			}
		}
	}
	AddRowsTo(acc.s, ms, acc.i0, x.s, x.i0, xr, k, n, m)
	for i := range n {
		g, w := *acc.at(i), *wantAcc.at(i)
		// Four rows are summed pairwise first: float64 may round
		// differently (by at most k·eps of the magnitudes).
		if accIsFloat && !near(float64(g), float64(w), sumTol(k+1, abs[i])) || !accIsFloat && g != w {
			t.Errorf("%s: acc[%d] = %v, want %v", what, i, g, w)
			return
		}
	}
	checkOutside(t, what+", acc", wantAcc, acc, true)
	if skips(m) && !slices.Equal(miss.s, wantMiss.s) {
		t.Errorf("%s: miss = %v, want %v", what, miss.s, wantMiss.s)
	}
	checkOutside(t, what+", x", x0, x, false)
}

// rawInt16 encodes vals in the machine's byte order, or the other one
// with swap, starting at byte off of a guard-padded buffer.
func rawInt16(vals []int16, swap bool, off int) []byte {
	order := binary.ByteOrder(binary.NativeEndian)
	if swap {
		if binary.NativeEndian.Uint16([]byte{0, 1}) == 1 {
			order = binary.LittleEndian
		} else {
			order = binary.BigEndian
		}
	}
	raw := make([]byte, off+2*len(vals)+2*guard)
	for i := range raw {
		raw[i] = 0xEE
	}
	for i, v := range vals {
		order.PutUint16(raw[off+2*i:], uint16(v))
	}
	return raw[off:]
}

// TestAddToRaw16 checks the fused 16-bit kernels against AddTo on the
// decoded values, for both byte orders, odd byte offsets (unaligned
// words), and zero, one and two fill values.
func TestAddToRaw16(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 16))
	for _, m := range []Missing[int16]{{}, {Fill: true, F1: 7, F2: 7}, {Fill: true, F1: 7, F2: -3}, {Fill: true, F1: -32767, F2: -32767}} {
		for _, n := range lengths {
			for _, swap := range []bool{false, true} {
				for _, off := range []int{0, 1} {
					what := fmt.Sprintf("n %d, swap %v, offset %d, %+v", n, swap, off, m)
					vals := make([]int16, n)
					for i := range vals {
						vals[i] = randVal[int16](rng, m.F1, m.F2, true)
						if rng.IntN(50) == 0 {
							vals[i] = int16(rng.Uint32()) // the full range
						}
					}
					raw := rawInt16(vals, swap, off)
					raw0 := slices.Clone(raw)
					acc := accs(n, 1, int64(12345), func(int) int64 { return int64(rng.IntN(100)) })
					miss := accs(n, 1, int64(12345), func(int) int64 { return 0 })
					want, wantMiss := acc.clone(), miss.clone()
					AddTo(want.s, wantMiss.s, want.i0, 1, vals, 0, 1, n, m)
					AddToRaw16(acc.s, miss.s, acc.i0, raw, n, swap, m)
					if !slices.Equal(acc.s, want.s) || !slices.Equal(miss.s, wantMiss.s) {
						t.Errorf("AddToRaw16: %s = %v, %v; want %v, %v", what, acc.s, miss.s, want.s, wantMiss.s)
					}
					if !slices.Equal(raw, raw0) {
						t.Errorf("AddToRaw16: %s wrote to its input", what)
					}

					// Rows: k rows of n values, xr values apart, starting
					// at value xi of the buffer.
					for _, k := range []int{1, 2, 3, 4, 5, 8, 13} {
						xi, xr := rng.IntN(3), n+rng.IntN(3)
						rows := make([]int16, xi+(k-1)*xr+n)
						for i := range rows {
							rows[i] = randVal[int16](rng, m.F1, m.F2, true)
						}
						raw := rawInt16(rows, swap, off)
						acc := accs(n, 1, int64(12345), func(int) int64 { return int64(rng.IntN(100)) })
						miss := accs(n, 1, int64(12345), func(int) int64 { return 0 })
						want, wantMiss := acc.clone(), miss.clone()
						for j := range k {
							AddTo(want.s, wantMiss.s, want.i0, 1, rows, xi+j*xr, 1, n, m)
						}
						acc0 := acc.clone()
						if AddRowsToRaw16(acc.s, miss.s, acc.i0, raw, xi, xr, k, n, swap, m) {
							t.Errorf("AddRowsToRaw16: %d rows, %s: uncounted missing values with counts", k, what)
						}
						if !slices.Equal(acc.s, want.s) || !slices.Equal(miss.s, wantMiss.s) {
							t.Errorf("AddRowsToRaw16: %d rows at %d, %d apart, %s = %v, %v; want %v, %v", k, xi, xr, what, acc.s, miss.s, want.s, wantMiss.s)
						}
						// Without counts: the same sums, and whether any
						// value was skipped; CountRowsRaw16 then counts.
						anyMissing := slices.ContainsFunc(wantMiss.s[wantMiss.i0:wantMiss.i0+n], func(c int64) bool { return c != 0 })
						if got := AddRowsToRaw16(acc0.s, nil, acc0.i0, raw, xi, xr, k, n, swap, m); got != anyMissing || !slices.Equal(acc0.s, want.s) {
							t.Errorf("AddRowsToRaw16 without counts: %d rows, %s = %v, uncounted %v; want %v, %v", k, what, acc0.s, got, want.s, anyMissing)
						}
						counts := accs(n, 1, int64(12345), func(int) int64 { return 0 })
						CountRowsRaw16(counts.s, counts.i0, raw, xi, xr, k, n, swap, m)
						if !slices.Equal(counts.s, wantMiss.s) {
							t.Errorf("CountRowsRaw16: %d rows, %s = %v; want %v", k, what, counts.s, wantMiss.s)
						}
					}
					if t.Failed() {
						return
					}
				}
			}
		}
	}
}

// TestAddRowsToRaw16Extremes sums many rows of the extreme values, more
// than the 65535 rows whose sum fits the vector kernel's 32-bit lanes,
// with and without a fill value, and with a nil miss when nothing can be
// missing.
func TestAddRowsToRaw16Extremes(t *testing.T) {
	const k, n = 70000, 19
	for _, v := range []int16{math.MinInt16, math.MaxInt16, -1} {
		for _, m := range []Missing[int16]{{}, {Fill: true, F1: -32767, F2: -32767}} {
			for _, swap := range []bool{false, true} {
				rows := make([]int16, k*n)
				for i := range rows {
					rows[i] = v
					if m.Fill && i%n == 3 && (i/n)%7 == 0 {
						rows[i] = m.F1
					}
				}
				raw := rawInt16(rows, swap, 0)
				acc := make([]int64, n)
				var miss []int64
				if m.Fill {
					miss = make([]int64, n)
				}
				AddRowsToRaw16(acc, miss, 0, raw, 0, n, k, n, swap, m)
				for i := range n {
					var wantMiss int64
					if m.Fill && i == 3 {
						wantMiss = (k + 6) / 7
					}
					if want := int64(v) * (k - wantMiss); acc[i] != want || m.Fill && miss[i] != wantMiss {
						t.Fatalf("value %d, %+v, swap %v: position %d: sum %d, missing %v; want %d, %d", v, m, swap, i, acc[i], miss, want, wantMiss)
					}
				}
			}
		}
	}
}

// TestMissingIs pins the reference predicate itself.
func TestMissingIs(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		m    Missing[float64]
		v    float64
		want bool
	}{
		{Missing[float64]{}, nan, false},
		{Missing[float64]{}, 7, false},
		{Missing[float64]{NaN: true}, nan, true},
		{Missing[float64]{NaN: true}, 7, false},
		{Missing[float64]{Fill: true, F1: 7, F2: 3}, nan, true},
		{Missing[float64]{Fill: true, F1: 7, F2: 3}, 7, true},
		{Missing[float64]{Fill: true, F1: 7, F2: 3}, 3, true},
		{Missing[float64]{Fill: true, F1: 7, F2: 3}, 5, false},
		{Missing[float64]{F1: 7, F2: 7}, 7, false}, // Fill not set
	}
	for _, tc := range tests {
		if got := tc.m.Is(tc.v); got != tc.want {
			t.Errorf("%+v.Is(%v) = %v, want %v", tc.m, tc.v, got, tc.want)
		}
	}
	if (Missing[int16]{NaN: true}).Is(0) {
		t.Error("Missing[int16]{NaN: true}.Is(0) = true, want false")
	}
}

// TestSumRaw16 checks SumRaw16 against Sum on the decoded values, for
// every length, both byte orders, unaligned buffers and fill values that
// fall in every lane of the four-value groups.
func TestSumRaw16(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 16))
	for _, m := range []Missing[int16]{{}, {Fill: true, F1: 7, F2: 7}, {Fill: true, F1: 7, F2: -3}, {Fill: true, F1: -32767, F2: -32767}} {
		for _, n := range lengths {
			for _, swap := range []bool{false, true} {
				for _, off := range []int{0, 1} {
					vals := make([]int16, n)
					for i := range vals {
						vals[i] = randVal[int16](rng, m.F1, m.F2, true)
						if rng.IntN(50) == 0 {
							vals[i] = int16(rng.Uint32())
						}
					}
					raw := rawInt16(vals, swap, off)
					want, wantSkipped := Sum[int64](vals, 0, 1, n, m)
					got, skipped := SumRaw16(raw, n, swap, m)
					if got != want || skipped != wantSkipped {
						t.Errorf("SumRaw16(n %d, swap %v, offset %d, %+v) = %d, %d; want %d, %d", n, swap, off, m, got, skipped, want, wantSkipped)
					}
				}
			}
		}
	}
}
