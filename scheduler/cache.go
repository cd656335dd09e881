package scheduler

import (
	"fmt"
	"sync"

	"github.com/dgraph-io/ristretto/v2"
)

// Cache is a graph.Cache of decoded chunks kept between runs: a ristretto
// cache whose cost is bytes, with its own budget, apart from
// Options.Memory. Its methods may be called simultaneously from multiple
// goroutines.
//
// Keys must identify the source's state (the io layer puts the path, size
// and modification time in them), so that a changed source gets a new
// key and is never served stale; Cache itself never checks a source.
//
// Values are shared between runs, and between the tasks of a run: no one
// may modify a value after it is Set.
type Cache struct {
	mu       sync.RWMutex // Close excludes the others
	c        *ristretto.Cache[string, any]
	maxBytes int64
}

// NewCache returns a cache holding at most maxBytes of values. It starts
// the goroutines ristretto needs; Close stops them.
func NewCache(maxBytes int64) (*Cache, error) {
	if maxBytes <= 0 {
		return nil, fmt.Errorf("scheduler: cache of %d bytes: the budget must be positive", maxBytes)
	}
	// ristretto advises 10 counters per item the cache holds when full;
	// assume items of 64 KiB at least (a small chunk).
	counters := min(max(maxBytes/(64<<10)*10, 1<<10), 1<<24)
	c, err := ristretto.NewCache(&ristretto.Config[string, any]{
		NumCounters:        counters,
		MaxCost:            maxBytes,
		BufferItems:        64,
		IgnoreInternalCost: true, // the cost is the value's bytes alone
	})
	if err != nil {
		return nil, fmt.Errorf("scheduler: cache: %w", err)
	}
	return &Cache{c: c, maxBytes: maxBytes}, nil
}

// Get returns the value stored under key, if any. A nil or closed Cache
// holds nothing.
func (c *Cache) Get(key string) (any, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.c == nil {
		return nil, false
	}
	return c.c.Get(key)
}

// Set stores v under key with cost bytes, evicting other values if
// needed, and waits until a Get sees it. The cache may refuse the value:
// one costing more than the budget, or one its admission policy
// (TinyLFU) finds less worth keeping than those it would evict. Set on a
// nil or closed Cache does nothing.
func (c *Cache) Set(key string, v any, cost int64) {
	if c == nil {
		return
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.c == nil {
		return
	}
	if c.c.Set(key, v, cost) {
		c.c.Wait()
	}
}

// MaxBytes returns the cache's budget.
func (c *Cache) MaxBytes() int64 { return c.maxBytes }

// Close drops every value and stops the cache's goroutines. Get and Set
// after Close find nothing and store nothing.
func (c *Cache) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.c != nil {
		c.c.Close()
		c.c = nil
	}
}
