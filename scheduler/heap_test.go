package scheduler

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPrioHeap pushes and pops random priorities, interleaved, against a
// sorted slice.
func TestPrioHeap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 3, 10, 1000} {
		var h prioHeap
		var ref []int32
		for i := range n {
			p := rng.Int32N(int32(n))
			h.push(p)
			ref = append(ref, p)
			if i%3 == 2 {
				slices.Sort(ref)
				if got := h.pop(); got != ref[0] {
					t.Fatalf("n %d: pop = %d, want %d", n, got, ref[0])
				}
				ref = ref[1:]
			}
		}
		slices.Sort(ref)
		for _, want := range ref {
			if got := h.pop(); got != want {
				t.Fatalf("n %d: pop = %d, want %d", n, got, want)
			}
		}
		if len(h) != 0 {
			t.Errorf("n %d: %d left in the heap", n, len(h))
		}
	}
}
