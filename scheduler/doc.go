// Package scheduler runs a graph.Plan on all cores within a memory
// budget. It is the only place in tessera where compute goroutines start.
//
//	vals, stats, err := scheduler.Run(ctx, plan, scheduler.Options{Memory: 2 << 30})
//
// Run hands tasks to Options.Workers worker goroutines. One bookkeeping
// goroutine (the one that called Run) owns all state: it alone decides
// which task runs next, holds the values, and counts bytes. Workers
// receive a task and its inputs' values on one channel and send back its
// value on another; they touch no shared state, so the hot path takes no
// lock beyond the channels'.
//
// # Task Selection Policy
//
// When a worker is free, the bookkeeping goroutine picks, in this order:
//
//  1. the ready non-root task (Compute or Reduce) earliest in Plan.Order;
//     such a task always runs, since it consumes values and so frees
//     memory;
//  2. else the ready Root task earliest in Plan.Order (fused roots with
//     inputs included), if admitted (below); a later root never jumps
//     ahead of one that does not fit;
//  3. else, if no task is running at all, that root anyway, so a run
//     never deadlocks: this is how a plan whose root does not fit the
//     budget (Check refuses those) or whose consumer needs more than K
//     roots at once still finishes, one task at a time.
//
// Plan.Order is graph.Build's static priority, which finishes the
// reductions it has started before it opens new roots, in the spirit of
// dask.order; the scheduler follows it and adds admission control, the
// queuing rule of dask's distributed scheduler made exact.
//
// # Admission
//
// A root task starts only while both hold:
//
//   - fewer than RootsPerWorker*Workers (K*Workers) root outputs are
//     unconsumed: a root counts from the moment it starts until its last
//     dependent finishes;
//   - live + Bytes <= Memory, where live is the sum of the sizes of the
//     values held plus the projected Bytes of the tasks running.
//
// The size of a value is its Nbytes() if it has that method (ndarray
// arrays and partials do), else the projected Bytes of its task.
// Non-root tasks are not held back, so the budget holds as long as the
// plan leaves room for them, which it does when tasks are small next to
// Memory; Check refuses a plan with a task whose Bytes exceed
// Memory/Workers (cubed's rule), so that Workers tasks at their largest
// fit. Stats.PeakLiveBytes reports the most that was live.
//
// # State
//
// The bookkeeping goroutine keeps, per task, in slices indexed by
// graph.TaskID:
//
//   - waiting: inputs not yet finished; at zero the task is ready;
//   - refs: dependents not yet finished; at zero the value is released;
//   - the value and its size while held;
//   - its priority, its position in Plan.Order.
//
// The dependents of each task are kept in one compact adjacency list;
// ready tasks wait in two binary heaps by priority, non-roots and roots.
// Counters: tasks running, root outputs unconsumed, live bytes (and their
// peak), tasks done, and per layer the tasks, busy time and output bytes
// of Stats.
//
// # Release
//
// A value is dropped the moment the last of its dependents finishes (a
// value nobody depends on is dropped as soon as its task finishes);
// outputs are kept until Run returns them. A held value is never evicted:
// the scheduler does not re-read or spill under pressure. Keeping what is
// held small is the plan's job: graph.Order uses a source block by all
// its consumers while it is fresh (mean(u*u), mean(v*v) and mean(u*v)
// read u and v once, block by block), and graph.Build gives a source whose
// consumers depend on each other (x - mean(x)) a copy per consumer, so
// its blocks are read again rather than held across the reduction.
//
// # Cache
//
// With Options.Cache set, a task with a CacheKey is first looked up in the
// cache (by the bookkeeping goroutine, when the task is dispatched,
// after admission): a hit finishes the task with the cached value without
// running it and counts a cache hit (graph.Exec.AddCacheHit). A task with
// a key that runs stores its value with its size as cost. Cached values
// are shared between runs and between tasks, so tasks must not modify
// their inputs; a fold step owns its accumulator, which never comes from
// the cache, since only root tasks have keys. NewCache makes a cache over
// ristretto with its own byte budget.
//
// # Errors and cancellation
//
// Run derives a context (context.WithCancelCause) from its ctx and gives
// it to the tasks as graph.Exec.Ctx. The first task that fails (returns an
// error, or panics: a *TaskError wrapping a *PanicError and ErrPanic)
// cancels it with its error as the cause. Run then dispatches nothing
// more, waits for the running tasks, and returns the cause: the
// *TaskError, or context.Cause(ctx) if ctx was cancelled first. The
// context is checked before each task is dispatched and again before a
// worker runs it, not only at the end.
//
// # Determinism
//
// Results depend only on the plan: values go to each task in the order of
// its Inputs, and fold steps are chained in the plan, each taking the
// previous step's accumulator, so partials are combined in a fixed order
// whatever the number of workers and whichever task finishes first.
//
// # Garbage collector
//
// While runs are active and the program has no memory limit of its own
// (debug.SetMemoryLimit, GOMEMLIMIT), Run sets the GC's soft limit to the
// sum of the active runs' Memory×1.5, plus the budget of a Cache, plus
// 64 MiB, and removes it when the last run ends. It is a backstop that
// makes the GC collect harder near the budget, not the budget itself,
// which admission keeps. A limit set by anyone else is left alone.
//
// # Goroutines
//
// Run starts min(Workers, tasks) workers and waits for all of them before
// it returns; Options.Progress is called on the bookkeeping goroutine, at
// most every ProgressInterval and once at the end. A Cache has goroutines
// of its own until Close.
package scheduler
