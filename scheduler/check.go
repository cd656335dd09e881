package scheduler

import (
	"fmt"

	"github.com/tesseradata/tessera/graph"
)

// Check refuses, before anything runs, a plan that Run could not run
// within opts (with defaults applied):
//
//   - a task whose projected Bytes exceed Memory/Workers: the error is a
//     *BudgetError, wrapping ErrBudget, naming the first such task, its
//     layer (with the layers fused into it), its bytes and the limit;
//   - a malformed plan: an error wrapping ErrPlan.
//
// Run calls Check first.
func Check(p *graph.Plan, opts Options) error {
	if err := validate(p); err != nil {
		return err
	}
	return checkBudget(p, opts.WithDefaults())
}

// checkBudget is Check's refusal of tasks over Memory/Workers, on a valid
// plan and options with defaults.
func checkBudget(p *graph.Plan, opts Options) error {
	limit := opts.Memory / int64(opts.Workers)
	var first *BudgetError
	for id := range p.Tasks {
		t := &p.Tasks[id]
		if t.Bytes <= limit {
			continue
		}
		if first != nil {
			first.More++
			continue
		}
		l := &p.Layers[t.Layer]
		first = &BudgetError{
			Task: p.TaskName(graph.TaskID(id)), Layer: l.Name, Fused: l.Fused,
			Bytes: t.Bytes, Limit: limit, Memory: opts.Memory, Workers: opts.Workers,
		}
	}
	if first != nil {
		return first
	}
	return nil
}

// validate checks the plan's structure, which Run relies on: Tasks in
// topological order (so the graph has no cycle), Order a permutation of
// the tasks, outputs and layers in range, a Run for every task.
func validate(p *graph.Plan) error {
	n := len(p.Tasks)
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrPlan}, args...)...)
	}
	if int64(n) > 1<<31-1 {
		return bad("%d tasks, more than a TaskID holds", n)
	}
	for id := range p.Tasks {
		t := &p.Tasks[id]
		if t.Layer < 0 || int(t.Layer) >= len(p.Layers) {
			return bad("task %d: layer %d of %d", id, t.Layer, len(p.Layers))
		}
		if t.Run == nil {
			return bad("task %s has no Run", p.TaskName(graph.TaskID(id)))
		}
		if t.Bytes < 0 {
			return bad("task %s has negative Bytes %d", p.TaskName(graph.TaskID(id)), t.Bytes)
		}
		for _, in := range t.Inputs {
			if in < 0 || int(in) >= id {
				return bad("task %s: input %d is not an earlier task", p.TaskName(graph.TaskID(id)), in)
			}
		}
	}
	if len(p.Order) != n {
		return bad("order has %d tasks, the plan %d", len(p.Order), n)
	}
	seen := make([]bool, n)
	for _, id := range p.Order {
		if id < 0 || int(id) >= n || seen[id] {
			return bad("order is not a permutation of the tasks (task %d)", id)
		}
		seen[id] = true
	}
	for _, id := range p.Outputs {
		if id < 0 || int(id) >= n {
			return bad("output %d of %d tasks", id, n)
		}
	}
	return nil
}
