package ndarray_test

import (
	"slices"
	"testing"

	"github.com/tesseradata/tessera/ndarray"
)

// TestReleaseReuse checks that partials made after others were released
// (and so built on recycled buffers) start empty: each result equals the
// reduction of its own data alone, for every op whose state is pooled.
func TestReleaseReuse(t *testing.T) {
	const ny, nx = 64, 128 // 8192 cells: above the pooling threshold
	data := func(seed float64) *ndarray.Array {
		v := make([]float64, 3*ny*nx)
		for i := range v {
			v[i] = seed + float64(i%97)
		}
		a, err := ndarray.FromSlice(v, 3, ny, nx)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	for _, op := range []ndarray.Op{ndarray.Sum, ndarray.Mean, ndarray.Var, ndarray.ArgMax, ndarray.Last, ndarray.Count} {
		for round := range 3 {
			x := data(float64(100 * round))
			p, err := ndarray.NewPartial(op, ndarray.Float64, []int{3, ny, nx}, []int{0}, ndarray.ReduceOptions{SkipNaN: true})
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Accumulate(x); err != nil {
				t.Fatal(err)
			}
			got, err := p.Result()
			if err != nil {
				t.Fatal(err)
			}
			p.Release()
			want, err := ndarray.Reduce(op, x, ndarray.ReduceOptions{SkipNaN: true}, 0)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ndarray.Float64s(got), ndarray.Float64s(want)) {
				t.Fatalf("%v, round %d: a partial after released ones differs from Reduce", op, round)
			}
		}
	}
}
