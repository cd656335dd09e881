package scheduler

import (
	"math"
	"runtime/debug"
	"sync"
)

// gcLimit tracks the soft memory limit the package set for the GC, shared
// by concurrent runs: the first run that finds no limit set owns it, every
// run adds its share while it runs, and the last one out restores "no
// limit". A limit set by someone else (GOMEMLIMIT, the program, or a
// change while runs are active) is never touched.
var gcLimit struct {
	sync.Mutex
	runs  int
	owned bool
	sum   int64 // the shares of the active runs
}

// gcLimitFor is a run's share of the GC's soft limit: its budget, half
// as much again for garbage not yet collected and the decoded-chunk
// cache's budget when it tells it (MaxBytes), plus 64 MiB for the rest of
// the program.
func gcLimitFor(opts Options) int64 {
	const limit = 1 << 60
	want := min(opts.Memory, limit/4)
	want += want/2 + 64<<20
	if c, ok := opts.Cache.(interface{ MaxBytes() int64 }); ok && c != nil {
		want += min(max(c.MaxBytes(), 0), limit/4)
	}
	return want
}

// raiseMemoryLimit adds want to the GC's soft memory limit if the package
// owns the limit (see gcLimit), and returns the function that takes it
// back out.
func raiseMemoryLimit(want int64) (restore func()) {
	gcLimit.Lock()
	defer gcLimit.Unlock()
	cur := debug.SetMemoryLimit(-1)
	if gcLimit.runs == 0 {
		gcLimit.owned = cur == math.MaxInt64
		gcLimit.sum = 0
	} else if gcLimit.owned && cur != gcLimit.sum {
		gcLimit.owned = false
	}
	gcLimit.runs++
	if gcLimit.owned {
		gcLimit.sum += want
		debug.SetMemoryLimit(gcLimit.sum)
	}
	return func() {
		gcLimit.Lock()
		defer gcLimit.Unlock()
		gcLimit.runs--
		if !gcLimit.owned {
			return
		}
		if debug.SetMemoryLimit(-1) != gcLimit.sum {
			gcLimit.owned = false
			return
		}
		gcLimit.sum -= want
		if gcLimit.runs == 0 {
			debug.SetMemoryLimit(math.MaxInt64)
		} else {
			debug.SetMemoryLimit(gcLimit.sum)
		}
	}
}
