package graph

import (
	"errors"
	"testing"
)

// Layers cannot form a cycle through the API (a layer's inputs exist
// before it, and equal IDs would need a hash collision); collect checks
// anyway. The cycle is made by hand here:
//
//	a -> b -> a
func TestCollectCycle(t *testing.T) {
	fn := func([]int) TaskFunc { return nil }
	a := &Layer{id: ID{1}, name: "a", kind: Compute, grid: []int{1}, fn: fn}
	b := &Layer{id: ID{2}, name: "b", kind: Compute, grid: []int{1}, fn: fn, inputs: []*Layer{a}}
	a.inputs = []*Layer{b}
	_, err := Build([]Output{{Layer: b}}, Options{})
	const want = `graph: layer "b" depends on itself: dependency cycle`
	if !errors.Is(err, ErrCycle) || err.Error() != want {
		t.Errorf("Build error %v, want %q", err, want)
	}
}
