package scheduler

import (
	"bufio"
	"bytes"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tesseradata/tessera/graph"
)

// Options control a run. The zero value runs with the defaults below.
type Options struct {
	// Workers is the number of goroutines running tasks; zero or less
	// means runtime.GOMAXPROCS(0).
	Workers int
	// Memory is the budget in bytes for the values a run holds and the
	// tasks it runs (see the package doc, "Admission"); zero or less
	// means DefaultMemory().
	Memory int64
	// RootsPerWorker is K: at most K*Workers root outputs are live and
	// not yet consumed at a time; zero or less means 2.
	RootsPerWorker int
	// Cache, if set, keeps the values of tasks with a CacheKey between
	// runs (NewCache makes one).
	Cache graph.Cache
	// Progress, if set, is called from the bookkeeping goroutine at most
	// every ProgressInterval and once when the run ends. It must return
	// quickly: no task is dispatched while it runs.
	Progress func(Progress)
}

// ProgressInterval is the least time between two calls of
// Options.Progress during a run.
const ProgressInterval = 100 * time.Millisecond

// Progress is what Options.Progress receives.
type Progress struct {
	// Done counts the tasks finished (run or served from the cache) out
	// of Total, the plan's tasks.
	Done, Total int
	// BytesRead and CacheHits are the run's graph.Exec counters so far.
	BytesRead int64
	CacheHits int64
	Elapsed   time.Duration
}

// WithDefaults returns o with every unset field given its default.
func (o Options) WithDefaults() Options {
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Memory <= 0 {
		o.Memory = DefaultMemory()
	}
	if o.RootsPerWorker <= 0 {
		o.RootsPerWorker = 2
	}
	return o
}

// fallbackMemory is the physical memory assumed where it cannot be read,
// a quarter of which is the 4 GiB default budget.
const fallbackMemory = 16 << 30

// DefaultMemory returns the default budget: a quarter of the physical
// memory, read from /proc/meminfo (MemTotal) and lowered to the cgroup's
// memory limit where one is set (a container), or 4 GiB where neither
// can be read.
func DefaultMemory() int64 { return defaultMemory() }

var defaultMemory = sync.OnceValue(func() int64 { return physicalMemory() / 4 })

func physicalMemory() int64 {
	total := int64(-1)
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		total = parseMemInfo(b)
	}
	for _, path := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		// "max" (v2) or a huge number (v1) mean no limit.
		if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && n > 0 && n < 1<<50 && (total <= 0 || n < total) {
			total = n
		}
	}
	if total <= 0 {
		return fallbackMemory
	}
	return total
}

// parseMemInfo returns MemTotal from the text of /proc/meminfo, in bytes,
// or -1.
func parseMemInfo(b []byte) int64 {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 || f[0] != "MemTotal:" {
			continue
		}
		n, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil || n <= 0 {
			return -1
		}
		if len(f) < 3 || f[2] == "kB" {
			n *= 1024
		}
		return n
	}
	return -1
}
