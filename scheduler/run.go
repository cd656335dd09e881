package scheduler

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/tesseradata/tessera/graph"
)

// Run runs the plan on opts.Workers goroutines within opts.Memory, as the
// package doc describes, and returns the values of p.Outputs in order,
// with the run's statistics.
//
// Run calls Check first and returns its error, with nil Stats, without
// running anything; so too context.Cause(ctx) if ctx is already done.
// Otherwise it returns non-nil Stats, also on failure. The first task to
// fail (return an error or panic) cancels the run: Run waits for the
// tasks already running, then returns a *TaskError naming it. If ctx is
// cancelled first, Run returns context.Cause(ctx). No goroutine Run
// starts outlives it.
//
// Run does not modify the plan, and may be called concurrently with
// other Runs.
func Run(ctx context.Context, p *graph.Plan, opts Options) ([]any, *Stats, error) {
	return run(ctx, p, opts, true)
}

// run is Run, with the budget check optional (for tests of the rule that
// keeps an over-budget task from deadlocking the run).
func run(ctx context.Context, p *graph.Plan, opts Options, checkBudgets bool) ([]any, *Stats, error) {
	opts = opts.WithDefaults()
	if err := validate(p); err != nil {
		return nil, nil, err
	}
	if checkBudgets {
		if err := checkBudget(p, opts); err != nil {
			return nil, nil, err
		}
	}
	if ctx.Err() != nil {
		return nil, nil, context.Cause(ctx)
	}
	defer raiseMemoryLimit(gcLimitFor(opts))()

	s := newState(ctx, p, opts)
	s.execute()
	if opts.Progress != nil {
		opts.Progress(s.progress())
	}
	stats := s.statistics()
	if s.stopped {
		return nil, stats, context.Cause(s.ctx)
	}
	if s.done < len(p.Tasks) {
		// Unreachable on a valid plan: kept so that a bug in the
		// scheduler is an error, not a hang or wrong results.
		return nil, stats, fmt.Errorf("scheduler: internal error: %d of %d tasks never became ready", len(p.Tasks)-s.done, len(p.Tasks))
	}
	out := make([]any, len(p.Outputs))
	for i, id := range p.Outputs {
		out[i] = s.values[id]
	}
	return out, stats, nil
}

// job is a task handed to a worker with its inputs' values.
type job struct {
	id graph.TaskID
	in []any
}

// result is a worker's report of a task.
type result struct {
	id   graph.TaskID
	v    any
	size int64 // the value's size, see sizeOf
	busy time.Duration
	err  error // a *TaskError, or the run's cause if the task was skipped
}

// state is a run's state, owned by the bookkeeping goroutine (see the
// package doc, "State"). Workers read only p, x, ctx, ctxDone and cache.
type state struct {
	p       *graph.Plan
	opts    Options
	x       *graph.Exec
	ctx     context.Context
	ctxDone <-chan struct{}
	cancel  context.CancelCauseFunc
	cache   graph.Cache
	start   time.Time

	jobs    chan job
	results chan result

	prio     []int32        // prio[id]: the task's position in p.Order
	waiting  []int32        // waiting[id]: input edges not yet finished
	refs     []int32        // refs[id]: dependent edges not yet finished
	depStart []int32        // dependents of id: deps[depStart[id]:depStart[id+1]]
	deps     []graph.TaskID //
	output   []bool
	values   []any
	sizes    []int64
	ready    prioHeap // ready non-root tasks, by priority
	roots    prioHeap // ready root tasks, by priority

	running   int   // tasks handed to workers and not yet reported
	rootsLive int   // root tasks started whose outputs are not yet consumed
	live      int64 // bytes of values held plus Bytes of running tasks
	held      int   // values held
	peak      int64
	done      int
	stopped   bool // an error or cancellation: dispatch nothing more
	layers    []LayerStats
}

func newState(ctx context.Context, p *graph.Plan, opts Options) *state {
	n := len(p.Tasks)
	s := &state{
		p: p, opts: opts, cache: opts.Cache, start: time.Now(),
		jobs:    make(chan job, opts.Workers),
		results: make(chan result, opts.Workers),
		prio:    make([]int32, n), waiting: make([]int32, n), refs: make([]int32, n),
		depStart: make([]int32, n+1), output: make([]bool, n),
		values: make([]any, n), sizes: make([]int64, n),
		layers: make([]LayerStats, len(p.Layers)),
	}
	s.ctx, s.cancel = context.WithCancelCause(ctx)
	s.ctxDone = s.ctx.Done()
	s.x = &graph.Exec{Ctx: s.ctx, Cache: opts.Cache}
	for i, l := range p.Layers {
		s.layers[i] = LayerStats{Name: l.Name, Kind: l.Kind, Fused: l.Fused}
	}
	edges := 0
	for id := range p.Tasks {
		t := &p.Tasks[id]
		s.waiting[id] = int32(len(t.Inputs))
		for _, in := range t.Inputs {
			s.refs[in]++
		}
		edges += len(t.Inputs)
	}
	for id := range n {
		s.depStart[id+1] = s.depStart[id] + s.refs[id]
	}
	s.deps = make([]graph.TaskID, edges)
	fill := append([]int32(nil), s.depStart[:n]...)
	for id := range p.Tasks {
		for _, in := range p.Tasks[id].Inputs {
			s.deps[fill[in]] = graph.TaskID(id)
			fill[in]++
		}
	}
	for _, id := range p.Outputs {
		s.output[id] = true
	}
	for pr, id := range p.Order {
		s.prio[id] = int32(pr)
	}
	for _, id := range p.Order { // in priority order: each push is O(1)
		if s.waiting[id] == 0 {
			s.push(id)
		}
	}
	return s
}

// execute starts the workers, runs the bookkeeping loop and waits for
// the workers to end, also when the loop panics (in Options.Progress or
// in a Cache): then the run is cancelled and the panic goes on once the
// running tasks have finished.
func (s *state) execute() {
	var wg sync.WaitGroup
	defer func() {
		s.cancel(nil) // no-op after a failure; ends the run's context otherwise
		close(s.jobs)
		wg.Wait()
	}()
	for range min(s.opts.Workers, len(s.p.Tasks)) {
		wg.Go(s.worker)
	}
	s.loop()
}

// loop is the bookkeeping goroutine's work: dispatch what the policy
// allows, then wait for a result, a cancellation or a progress tick. It
// returns when nothing is running and nothing more will be dispatched.
func (s *state) loop() {
	var tick <-chan time.Time
	if s.opts.Progress != nil {
		t := time.NewTicker(ProgressInterval)
		defer t.Stop()
		tick = t.C
	}
	ctxDone := s.ctxDone
	for {
		if !s.stopped {
			s.dispatch()
		}
		if s.running == 0 {
			return
		}
		select {
		case r := <-s.results:
			s.complete(r)
			// Take every other result already there before dispatching
			// again, so that priority sees all ready tasks.
			for more := true; more; {
				select {
				case r := <-s.results:
					s.complete(r)
				default:
					more = false
				}
			}
		case <-ctxDone:
			s.fail(context.Cause(s.ctx))
			ctxDone = nil
		case <-tick:
			s.opts.Progress(s.progress())
		}
	}
}

// dispatch starts ready tasks while a worker is free: a non-root task
// first, else the root of highest priority if it is admitted, or if
// nothing is running at all.
func (s *state) dispatch() {
	for s.running < s.opts.Workers {
		select {
		case <-s.ctxDone:
			s.fail(context.Cause(s.ctx))
			return
		default:
		}
		var pr int32
		switch {
		case len(s.ready) > 0:
			pr = s.ready.pop()
		case len(s.roots) > 0:
			if s.running > 0 && !s.admit(&s.p.Tasks[s.p.Order[s.roots[0]]]) {
				return
			}
			pr = s.roots.pop()
		default:
			return
		}
		s.startTask(s.p.Order[pr])
	}
}

// admit reports whether a root task may start: fewer than K*Workers root
// outputs unconsumed, and its projected bytes fit in what the budget has
// left.
func (s *state) admit(t *graph.Task) bool {
	return s.rootsLive < s.opts.RootsPerWorker*s.opts.Workers && s.live+t.Bytes <= s.opts.Memory
}

// startTask serves the task from the cache, or hands it to a worker.
func (s *state) startTask(id graph.TaskID) {
	t := &s.p.Tasks[id]
	if t.Kind == graph.Root {
		s.rootsLive++
	}
	if t.CacheKey != "" && s.cache != nil {
		if v, ok := s.cache.Get(t.CacheKey); ok {
			s.x.AddCacheHit()
			s.finish(id, v, sizeOf(v, t.Bytes))
			return
		}
	}
	var in []any
	if len(t.Inputs) > 0 {
		in = make([]any, len(t.Inputs))
		for i, d := range t.Inputs {
			in[i] = s.values[d]
		}
	}
	s.running++
	s.live += t.Bytes
	s.peak = max(s.peak, s.live)
	s.jobs <- job{id: id, in: in} // never blocks: the buffer holds Workers jobs
}

// complete takes a worker's result.
func (s *state) complete(r result) {
	s.running--
	t := &s.p.Tasks[r.id]
	s.live -= t.Bytes
	if r.err != nil {
		if t.Kind == graph.Root {
			s.rootsLive--
		}
		s.fail(r.err)
		return
	}
	s.layers[t.Layer].Busy += r.busy
	s.finish(r.id, r.v, r.size)
}

// finish records a task's value, releases the values nobody needs any
// more and makes the task's dependents ready.
func (s *state) finish(id graph.TaskID, v any, size int64) {
	t := &s.p.Tasks[id]
	s.done++
	s.values[id], s.sizes[id] = v, size
	s.held++
	s.live += size
	s.peak = max(s.peak, s.live)
	ls := &s.layers[t.Layer]
	ls.Tasks++
	ls.OutBytes += size
	for _, in := range t.Inputs {
		if s.refs[in]--; s.refs[in] == 0 {
			s.consumed(in)
		}
	}
	if s.refs[id] == 0 {
		s.consumed(id)
	}
	for _, d := range s.deps[s.depStart[id]:s.depStart[id+1]] {
		if s.waiting[d]--; s.waiting[d] == 0 {
			s.push(d)
		}
	}
	if testHookFinish != nil {
		testHookFinish(s.live, s.held)
	}
}

// consumed is called when the last dependent of id has finished: the
// value is dropped unless it is an output.
func (s *state) consumed(id graph.TaskID) {
	if s.p.Tasks[id].Kind == graph.Root {
		s.rootsLive--
	}
	if !s.output[id] {
		s.values[id] = nil
		s.live -= s.sizes[id]
		s.held--
	}
}

func (s *state) push(id graph.TaskID) {
	if s.p.Tasks[id].Kind == graph.Root {
		s.roots.push(s.prio[id])
	} else {
		s.ready.push(s.prio[id])
	}
}

// fail stops the run with the cause err, unless it is stopped already.
func (s *state) fail(err error) {
	if !s.stopped {
		s.cancel(err)
		s.stopped = true
	}
}

func (s *state) progress() Progress {
	return Progress{
		Done: s.done, Total: len(s.p.Tasks),
		BytesRead: s.x.BytesRead(), CacheHits: s.x.CacheHits(),
		Elapsed: time.Since(s.start),
	}
}

func (s *state) statistics() *Stats {
	return &Stats{
		Wall: time.Since(s.start), Tasks: s.done, PeakLiveBytes: s.peak,
		BytesRead: s.x.BytesRead(), CacheHits: s.x.CacheHits(), Layers: s.layers,
	}
}

// testHookFinish, when set by a test, is called by the bookkeeping
// goroutine after each task finishes, with the live bytes and the number
// of values held.
var testHookFinish func(live int64, held int)

// worker runs jobs until the channel closes.
func (s *state) worker() {
	for j := range s.jobs {
		s.results <- s.exec(j)
	}
}

// exec runs one task, unless the run is cancelled, turning a panic into
// an error and storing the value in the cache if the task has a key.
func (s *state) exec(j job) (r result) {
	r.id = j.id
	select {
	case <-s.ctxDone:
		r.err = context.Cause(s.ctx)
		return r
	default:
	}
	t := &s.p.Tasks[j.id]
	start := time.Now()
	defer func() {
		if v := recover(); v != nil {
			r.busy = time.Since(start)
			r.v = nil
			r.err = s.taskError(j.id, &PanicError{Value: v, Stack: panicStack()})
		}
	}()
	v, err := t.Run(s.x, j.in)
	r.busy = time.Since(start)
	if err != nil {
		r.err = s.taskError(j.id, err)
		return r
	}
	r.v, r.size = v, sizeOf(v, t.Bytes)
	if t.CacheKey != "" && s.cache != nil {
		s.cache.Set(t.CacheKey, v, r.size)
	}
	return r
}

func (s *state) taskError(id graph.TaskID, err error) error {
	return &TaskError{Task: s.p.TaskName(id), Layer: s.p.Layers[s.p.Tasks[id].Layer].Name, Err: err}
}

// sizeOf returns the bytes a value holds: its Nbytes() if it has the
// method, else the task's projected bytes.
func sizeOf(v any, projected int64) int64 {
	if n, ok := v.(interface{ Nbytes() int }); ok {
		return int64(n.Nbytes())
	}
	return projected
}

// panicStackFrames is how many frames a PanicError's Stack keeps.
const panicStackFrames = 8

// panicStack returns the stack of a panicking task from the frame that
// panicked, called from exec's deferred recover. Frames of the runtime
// (gopanic, panicIndex, ...) and of the scheduler are left out.
func panicStack() string {
	pcs := make([]uintptr, 64)
	pcs = pcs[:runtime.Callers(1, pcs)]
	frames := runtime.CallersFrames(pcs)
	var sb strings.Builder
	n, inTask := 0, false
	for n < panicStackFrames {
		f, more := frames.Next()
		switch {
		case f.Function == "runtime.gopanic":
			inTask = true
		case !inTask, strings.HasPrefix(f.Function, "runtime."):
		case strings.HasSuffix(f.Function, "scheduler.(*state).exec"):
			return sb.String()
		default:
			fmt.Fprintf(&sb, "%s\n\t%s:%d\n", f.Function, f.File, f.Line)
			n++
		}
		if !more {
			break
		}
	}
	return sb.String()
}
