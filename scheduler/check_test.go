package scheduler_test

import (
	"errors"
	"testing"

	"github.com/tesseradata/tessera/graph"
	"github.com/tesseradata/tessera/scheduler"
)

func nop(*graph.Exec, []any) (any, error) { return nil, nil }

func TestCheck(t *testing.T) {
	// A fused read+decode+mean layer on a 4x2x2 grid:
	//
	//	mean-t2m/0,0,0 … mean-t2m/3,1,1   (read-t2m, decode fused in)
	//	          \        /
	//	            total
	budgetPlan := func(bytes func(block int) int64) *graph.Plan {
		var b planBuilder
		l := b.layer("mean-t2m", graph.Root, []int{4, 2, 2}, "read-t2m", "decode")
		tot := b.layer("total", graph.Reduce, []int{1})
		var in []graph.TaskID
		for i := range 16 {
			in = append(in, b.task(l, int32(i), graph.Root, bytes(i), nop))
		}
		return b.plan(b.task(tot, 0, graph.Compute, 8, nop, in...))
	}
	const mib = 1 << 20
	opts := scheduler.Options{Workers: 4, Memory: 1 << 30}
	for _, tc := range []struct {
		name    string
		plan    *graph.Plan
		opts    scheduler.Options
		wantIs  error
		wantMsg string
	}{
		{name: "fits", plan: budgetPlan(func(int) int64 { return 256 * mib }), opts: opts},
		{
			name:    "one block too large",
			plan:    budgetPlan(func(b int) int64 { return map[bool]int64{true: 300 * mib, false: mib}[b == 12] }),
			opts:    opts,
			wantIs:  scheduler.ErrBudget,
			wantMsg: "scheduler: task mean-t2m/3,0,0 (layer mean-t2m, fused with read-t2m, decode) needs 300.0 MiB, more than the 256.0 MiB a worker may hold (memory 1.0 GiB / 4 workers): use smaller chunks or a larger --memory",
		},
		{
			name:    "all too large",
			plan:    budgetPlan(func(int) int64 { return 257 * mib }),
			opts:    opts,
			wantIs:  scheduler.ErrBudget,
			wantMsg: "scheduler: task mean-t2m/0,0,0 (layer mean-t2m, fused with read-t2m, decode) needs 257.0 MiB, more than the 256.0 MiB a worker may hold (memory 1.0 GiB / 4 workers); 15 more tasks are too large: use smaller chunks or a larger --memory",
		},
		{
			name: "fits one worker",
			plan: budgetPlan(func(int) int64 { return 300 * mib }),
			opts: scheduler.Options{Workers: 1, Memory: 1 << 30},
		},
		{
			name:    "order too short",
			plan:    func() *graph.Plan { p := budgetPlan(func(int) int64 { return 1 }); p.Order = p.Order[1:]; return p }(),
			wantIs:  scheduler.ErrPlan,
			wantMsg: "scheduler: malformed plan: order has 16 tasks, the plan 17",
		},
		{
			name:    "order repeats",
			plan:    func() *graph.Plan { p := budgetPlan(func(int) int64 { return 1 }); p.Order[3] = 2; return p }(),
			wantIs:  scheduler.ErrPlan,
			wantMsg: "scheduler: malformed plan: order is not a permutation of the tasks (task 2)",
		},
		{
			name: "input after its task",
			plan: func() *graph.Plan {
				p := budgetPlan(func(int) int64 { return 1 })
				p.Tasks[0].Inputs = []graph.TaskID{5}
				return p
			}(),
			wantIs:  scheduler.ErrPlan,
			wantMsg: "scheduler: malformed plan: task mean-t2m/0,0,0: input 5 is not an earlier task",
		},
		{
			name: "cycle to itself",
			plan: func() *graph.Plan {
				p := budgetPlan(func(int) int64 { return 1 })
				p.Tasks[4].Inputs = []graph.TaskID{4}
				return p
			}(),
			wantIs:  scheduler.ErrPlan,
			wantMsg: "scheduler: malformed plan: task mean-t2m/1,0,0: input 4 is not an earlier task",
		},
		{
			name: "output out of range",
			plan: func() *graph.Plan {
				p := budgetPlan(func(int) int64 { return 1 })
				p.Outputs = []graph.TaskID{17}
				return p
			}(),
			wantIs:  scheduler.ErrPlan,
			wantMsg: "scheduler: malformed plan: output 17 of 17 tasks",
		},
		{
			name:    "layer out of range",
			plan:    func() *graph.Plan { p := budgetPlan(func(int) int64 { return 1 }); p.Tasks[2].Layer = 2; return p }(),
			wantIs:  scheduler.ErrPlan,
			wantMsg: "scheduler: malformed plan: task 2: layer 2 of 2",
		},
		{
			name:    "no Run",
			plan:    func() *graph.Plan { p := budgetPlan(func(int) int64 { return 1 }); p.Tasks[16].Run = nil; return p }(),
			wantIs:  scheduler.ErrPlan,
			wantMsg: "scheduler: malformed plan: task total/0 has no Run",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := scheduler.Check(tc.plan, tc.opts)
			if tc.wantIs == nil {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tc.wantIs) {
				t.Fatalf("Check = %v, want an error wrapping %v", err, tc.wantIs)
			}
			if err.Error() != tc.wantMsg {
				t.Errorf("Check = %q,\nwant          %q", err, tc.wantMsg)
			}
			// Run refuses the same plans without running anything.
			vals, stats, runErr := scheduler.Run(t.Context(), tc.plan, tc.opts)
			if !errors.Is(runErr, tc.wantIs) || vals != nil || stats != nil {
				t.Errorf("Run = %v, %v, %v; want nil, nil and Check's error", vals, stats, runErr)
			}
		})
	}
}

func TestBudgetErrorFields(t *testing.T) {
	var b planBuilder
	l := b.layer("read", graph.Root, []int{2})
	b.task(l, 0, graph.Root, 10, nop)
	r := b.task(l, 1, graph.Root, 600, nop)
	err := scheduler.Check(b.plan(r), scheduler.Options{Workers: 2, Memory: 1000})
	var be *scheduler.BudgetError
	if !errors.As(err, &be) {
		t.Fatalf("Check = %v, want a *BudgetError", err)
	}
	want := scheduler.BudgetError{Task: "read/1", Layer: "read", Bytes: 600, Limit: 500, Memory: 1000, Workers: 2}
	if be.Task != want.Task || be.Layer != want.Layer || be.Bytes != want.Bytes || be.Limit != want.Limit || be.Memory != want.Memory || be.Workers != want.Workers || be.More != 0 {
		t.Errorf("BudgetError %+v, want %+v", *be, want)
	}
}

func TestFormatBytes(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "0 B"}, {1023, "1023 B"}, {1024, "1.0 KiB"}, {1536, "1.5 KiB"},
		{300 << 20, "300.0 MiB"}, {1 << 30, "1.0 GiB"}, {5 << 40, "5.0 TiB"}, {3 << 50, "3.0 PiB"},
	} {
		if got := scheduler.FormatBytes(tc.n); got != tc.want {
			t.Errorf("formatBytes(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}
