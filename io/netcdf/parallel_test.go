package netcdf

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
)

// TestParallel checks that parallel calls fn once for every index and
// returns the error of the lowest failing index, whatever the timing (the
// file an OpenMF error names must not depend on which goroutine ran
// first).
func TestParallel(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 100} {
		var calls atomic.Int64
		seen := make([]atomic.Int32, n)
		err := parallel(n, func(i int) error {
			calls.Add(1)
			seen[i].Add(1)
			if i%3 == 2 {
				return fmt.Errorf("index %d", i)
			}
			return nil
		})
		if calls.Load() != int64(n) {
			t.Errorf("n %d: %d calls", n, calls.Load())
		}
		for i := range seen {
			if seen[i].Load() != 1 {
				t.Errorf("n %d: index %d called %d times", n, i, seen[i].Load())
			}
		}
		var want error
		if n > 2 {
			want = errors.New("index 2")
		}
		if (err == nil) != (want == nil) || err != nil && err.Error() != want.Error() {
			t.Errorf("n %d: error %v, want %v", n, err, want)
		}
	}
}
