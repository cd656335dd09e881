package scheduler

import (
	"context"

	"github.com/tesseradata/tessera/graph"
)

// RunUnchecked is Run without Check's budget refusal (the plan's
// structure is still validated), to test the rule that runs an
// over-budget task rather than deadlock.
func RunUnchecked(ctx context.Context, p *graph.Plan, opts Options) ([]any, *Stats, error) {
	return run(ctx, p, opts, false)
}

// SetFinishHook makes f be called by the bookkeeping goroutine after each
// task finishes, with the live bytes and the number of values held, until
// the returned function is called. Tests that use it must not run in
// parallel.
func SetFinishHook(f func(live int64, held int)) (restore func()) {
	testHookFinish = f
	return func() { testHookFinish = nil }
}

var (
	ParseMemInfo = parseMemInfo
	FormatBytes  = formatBytes
	GCLimitFor   = gcLimitFor
)
