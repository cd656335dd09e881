package ndarray

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

// iterIndices returns every multi-index of shape in row-major order.
func iterIndices(shape []int) [][]int {
	out := [][]int{{}}
	for _, d := range shape {
		var next [][]int
		for _, idx := range out {
			for i := range d {
				next = append(next, append(slices.Clone(idx), i))
			}
		}
		out = next
	}
	return out
}

// iterKey is the offsets of one element in every operand (at most 4).
type iterKey [4]int

// iterWalk runs r.each from base and returns how often each tuple of
// offsets was visited, the number of calls and the number of elements.
func iterWalk(t *testing.T, r rows, base []int) (seen map[iterKey]int, calls, elems int) {
	t.Helper()
	seen = map[iterKey]int{}
	r.each(base, func(offs []int, n int, inner []int) {
		calls++
		if n <= 0 {
			t.Errorf("row of length %d", n)
		}
		for k := range n {
			var key iterKey
			for op := range offs {
				key[op] = offs[op] + k*inner[op]
			}
			seen[key]++
		}
		elems += n
	})
	return seen, calls, elems
}

// iterWant returns how often each tuple of offsets occurs when shape is
// walked with the given strides, by a naive multi-index loop.
func iterWant(shape []int, base []int, strides [][]int) map[iterKey]int {
	want := map[iterKey]int{}
	for _, idx := range iterIndices(shape) {
		var key iterKey
		for op := range strides {
			key[op] = base[op]
			for i, x := range idx {
				key[op] += x * strides[op][i]
			}
		}
		want[key]++
	}
	return want
}

// TestRowsEachVisitsEveryElementOnce walks random shapes with random
// strides (negative and zero included) for one to three operands, plus a
// last "witness" operand with contiguous strides whose offsets are
// distinct for distinct indices: visiting the same tuples of offsets as a
// naive loop, each as often, then means visiting every element once.
func TestRowsEachVisitsEveryElementOnce(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 20))
	for trial := range 2000 {
		shape := make([]int, rng.IntN(5))
		for i := range shape {
			shape[i] = 1 + rng.IntN(4)
			if rng.IntN(12) == 0 {
				shape[i] = 0
			}
		}
		nops := 1 + rng.IntN(3)
		strides := make([][]int, nops+1)
		base := make([]int, nops+1)
		for op := range nops {
			strides[op] = make([]int, len(shape))
			switch rng.IntN(3) {
			case 0: // arbitrary
				for i := range shape {
					strides[op][i] = rng.IntN(15) - 7
				}
			case 1: // a permuted, sign-flipped, maybe broadcast contiguous layout
				perm := rng.Perm(len(shape))
				n := 1 + rng.IntN(2)
				for _, i := range perm {
					s := n
					if rng.IntN(3) == 0 {
						s = -s
					}
					if rng.IntN(5) == 0 {
						s = 0
					}
					strides[op][i] = s
					n *= shape[i]
				}
			default: // contiguous
				strides[op] = contiguousStrides(shape)
			}
			base[op] = rng.IntN(100)
		}
		strides[nops] = contiguousStrides(shape)
		base[nops] = rng.IntN(100)

		name := fmt.Sprintf("%d/%v/%v", trial, shape, strides)
		r := newRows(shape, strides...)
		seen, calls, elems := iterWalk(t, r, base)
		if want := iterWant(shape, base, strides); !maps.Equal(seen, want) {
			t.Fatalf("%s: each visited %v, want %v", name, seen, want)
		}
		if n := sizeOf(shape); elems != n {
			t.Errorf("%s: each visited %d elements, want %d", name, elems, n)
		}
		if sizeOf(shape) > 0 && calls != r.count() {
			t.Errorf("%s: each made %d calls, count() = %d", name, calls, r.count())
		}

		// Without the witness, the tuples still match a naive walk.
		r = newRows(shape, strides[:nops]...)
		seen, _, _ = iterWalk(t, r, base[:nops])
		if want := iterWant(shape, base[:nops], strides[:nops]); !maps.Equal(seen, want) {
			t.Fatalf("%s without witness: each visited %v, want %v", name, seen, want)
		}
	}
}

// TestRowsMerge checks the rows newRows prepares: axes of length 1 are
// dropped, the rest ordered by the first operand's stride and merged
// where every operand allows, so a contiguous array is one row.
func TestRowsMerge(t *testing.T) {
	tests := []struct {
		name        string
		shape       []int
		strides     [][]int
		wantShape   []int
		wantStrides [][]int
	}{
		{"contiguous 3-d", []int{2, 3, 4}, [][]int{{12, 4, 1}}, []int{24}, [][]int{{1}}},
		{"transposed contiguous", []int{4, 3, 2}, [][]int{{1, 4, 12}}, []int{24}, [][]int{{1}}},
		{"reversed", []int{2, 3, 4}, [][]int{{-12, -4, -1}}, []int{24}, [][]int{{-1}}},
		{"with broadcast scalar", []int{2, 3, 4}, [][]int{{12, 4, 1}, {0, 0, 0}}, []int{24}, [][]int{{1}, {0}}},
		{"two contiguous", []int{2, 3, 4}, [][]int{{12, 4, 1}, {12, 4, 1}}, []int{24}, [][]int{{1}, {1}}},
		{"with broadcast row", []int{2, 3, 4}, [][]int{{12, 4, 1}, {0, 0, 1}}, []int{6, 4}, [][]int{{4, 1}, {0, 1}}},
		{"inner step 2", []int{2, 3, 4}, [][]int{{24, 8, 2}}, []int{24}, [][]int{{2}}},
		{"middle sliced", []int{2, 3, 4}, [][]int{{24, 8, 1}}, []int{6, 4}, [][]int{{8, 1}}},
		{"size-1 axes dropped", []int{1, 5, 1}, [][]int{{99, 1, 7}}, []int{5}, [][]int{{1}}},
		{"all ones", []int{1, 1}, [][]int{{3, 1}}, []int{}, [][]int{{}}},
		{"0-d", []int{}, [][]int{{}}, []int{}, [][]int{{}}},
		{"fortran and c order", []int{2, 3}, [][]int{{1, 2}, {3, 1}}, []int{3, 2}, [][]int{{2, 1}, {1, 3}}},
		{"inner reversed only", []int{2, 3}, [][]int{{3, -1}}, []int{2, 3}, [][]int{{3, -1}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRows(tc.shape, tc.strides...)
			if !slices.Equal(r.shape, tc.wantShape) {
				t.Errorf("shape = %v, want %v", r.shape, tc.wantShape)
			}
			for op := range tc.wantStrides {
				if !slices.Equal(r.strides[op], tc.wantStrides[op]) {
					t.Errorf("strides of operand %d = %v, want %v", op, r.strides[op], tc.wantStrides[op])
				}
			}
			if want := sizeOf(tc.wantShape[:max(0, len(tc.wantShape)-1)]); r.count() != want {
				t.Errorf("count() = %d, want %d", r.count(), want)
			}
		})
	}
}

func TestRowsEachEdgeCases(t *testing.T) {
	// A 0-d shape is one row of one element with zero strides.
	var calls int
	newRows([]int{}, []int{}, []int{}).each([]int{5, 7}, func(offs []int, n int, inner []int) {
		calls++
		if !slices.Equal(offs, []int{5, 7}) || n != 1 || !slices.Equal(inner, []int{0, 0}) {
			t.Errorf("each on 0-d: offs %v, n %d, inner %v; want [5 7], 1, [0 0]", offs, n, inner)
		}
	})
	if calls != 1 {
		t.Errorf("each on 0-d made %d calls, want 1", calls)
	}
	// A zero dimension anywhere means no rows.
	for _, shape := range [][]int{{0}, {3, 0}, {0, 3}, {2, 0, 2}} {
		calls = 0
		newRows(shape, contiguousStrides(shape)).each([]int{0}, func([]int, int, []int) { calls++ })
		if calls != 0 {
			t.Errorf("each on %v made %d calls, want 0", shape, calls)
		}
	}
	// A contiguous 3-d array is walked as one call.
	calls = 0
	newRows([]int{2, 3, 4}, []int{12, 4, 1}).each([]int{3}, func(offs []int, n int, inner []int) {
		calls++
		if offs[0] != 3 || n != 24 || inner[0] != 1 {
			t.Errorf("each on contiguous: offs %v, n %d, inner %v; want [3], 24, [1]", offs, n, inner)
		}
	})
	if calls != 1 {
		t.Errorf("each on contiguous 3-d made %d calls, want 1", calls)
	}
}

// TestForEachIndex checks that forEachIndex visits the backing-slice
// positions of a view in row-major order.
func TestForEachIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 21))
	for trial := range 300 {
		shape := make([]int, rng.IntN(4))
		for i := range shape {
			shape[i] = rng.IntN(4)
		}
		strides := make([]int, len(shape))
		for i := range strides {
			strides[i] = rng.IntN(11) - 5
		}
		a := &Array{dtype: Float64, shape: shape, strides: strides, offset: 50, data: make([]float64, 100)}
		var want []int
		for _, idx := range iterIndices(shape) {
			p := a.offset
			for i, x := range idx {
				p += x * strides[i]
			}
			want = append(want, p)
		}
		var got []int
		forEachIndex(a, func(i int) { got = append(got, i) })
		if !slices.Equal(got, want) {
			t.Errorf("%d: forEachIndex(shape %v strides %v) visited %v, want %v", trial, shape, strides, got, want)
		}
	}
}

// TestRowsEachTiled checks that eachTiled visits the same elements as
// each, in rows of at most tile elements, and that the rows through any
// one position of the row axis come in the same order as with each. The
// rows are built by hand with two operands: the first has stride 1 along
// the row axis and 0 elsewhere, so its offset is the element's position
// along the row axis; the second is contiguous (times 3), so its offset
// identifies the element.
func TestRowsEachTiled(t *testing.T) {
	rng := rand.New(rand.NewPCG(22, 22))
	for trial := range 500 {
		shape := make([]int, rng.IntN(4))
		for i := range shape {
			shape[i] = 1 + rng.IntN(9)
		}
		col := make([]int, len(shape))
		if len(shape) > 0 {
			col[len(shape)-1] = 1
		}
		id := contiguousStrides(shape)
		for i := range id {
			id[i] *= 3 // a row stride unlike the first operand's
		}
		r := rows{shape: shape, strides: [][]int{col, id}}
		tile := 1 + rng.IntN(10)
		base := []int{0, rng.IntN(50)}

		// order[c] lists the elements at position c of the row axis in
		// the order they are visited.
		walk := func(f func(base []int, fn func([]int, int, []int))) (order map[int][]int, longest int) {
			order = map[int][]int{}
			f(base, func(offs []int, n int, inner []int) {
				longest = max(longest, n)
				for k := range n {
					c, e := offs[0]+k*inner[0], offs[1]+k*inner[1]
					order[c] = append(order[c], e)
				}
			})
			return order, longest
		}
		want, _ := walk(r.each)
		got, longest := walk(func(b []int, fn func([]int, int, []int)) { r.eachTiled(b, tile, fn) })
		name := fmt.Sprintf("%d: shape %v tile %d", trial, shape, tile)
		if !maps.EqualFunc(got, want, slices.Equal[[]int]) {
			t.Fatalf("%s: eachTiled visited %v, each %v", name, got, want)
		}
		if len(shape) > 1 && longest > tile {
			t.Errorf("%s: eachTiled made a row of %d elements", name, longest)
		}
	}
}
