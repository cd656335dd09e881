package scheduler

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors, for errors.Is.
var (
	// ErrBudget is wrapped by the error Check returns when a task's
	// projected bytes exceed the memory a worker may hold (see
	// BudgetError).
	ErrBudget = errors.New("scheduler: task exceeds the memory budget")
	// ErrPanic is wrapped by the error of a task that panicked (see
	// PanicError).
	ErrPanic = errors.New("scheduler: task panicked")
	// ErrPlan is wrapped by the error Check returns for a malformed plan
	// (an input that is not an earlier task, an Order that is not a
	// permutation of the tasks, ...): a bug in whatever built the plan.
	ErrPlan = errors.New("scheduler: malformed plan")
)

// TaskError records the failure of one task: its readable name (as
// graph.Plan.TaskName gives it), its layer's name and the cause.
type TaskError struct {
	Task, Layer string
	Err         error
}

func (e *TaskError) Error() string { return "scheduler: task " + e.Task + ": " + e.Err.Error() }

func (e *TaskError) Unwrap() error { return e.Err }

// PanicError is the cause of a TaskError when the task panicked. It wraps
// ErrPanic and, when the panic value is an error, that error too.
type PanicError struct {
	// Value is the value the task passed to panic.
	Value any
	// Stack holds the first few frames of the panicking goroutine's stack,
	// innermost first, one "function\n\tfile:line\n" per frame. It is not
	// part of Error().
	Stack string
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

func (e *PanicError) Unwrap() []error {
	if err, ok := e.Value.(error); ok {
		return []error{ErrPanic, err}
	}
	return []error{ErrPanic}
}

// BudgetError is Check's refusal of a plan with a task whose projected
// bytes exceed Memory/Workers. It wraps ErrBudget.
type BudgetError struct {
	// Task names the first such task in the plan; Layer is its layer and
	// Fused the layers fused into it, producers first.
	Task, Layer string
	Fused       []string
	// Bytes is the task's projected bytes; Limit is Memory/Workers.
	Bytes, Limit, Memory int64
	Workers              int
	// More counts the other tasks of the plan over the limit.
	More int
}

func (e *BudgetError) Error() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "scheduler: task %s (layer %s", e.Task, e.Layer)
	if len(e.Fused) > 0 {
		fmt.Fprintf(&sb, ", fused with %s", strings.Join(e.Fused, ", "))
	}
	fmt.Fprintf(&sb, ") needs %s, more than the %s a worker may hold (memory %s / %d workers)",
		formatBytes(e.Bytes), formatBytes(e.Limit), formatBytes(e.Memory), e.Workers)
	if e.More > 0 {
		fmt.Fprintf(&sb, "; %d more tasks are too large", e.More)
	}
	sb.WriteString(": use smaller chunks or a larger --memory")
	return sb.String()
}

func (e *BudgetError) Unwrap() error { return ErrBudget }

// formatBytes writes n in binary units: "512 B", "1.5 KiB", "2.0 GiB".
func formatBytes(n int64) string {
	const unit = 1024
	if n < unit && n > -unit {
		return fmt.Sprintf("%d B", n)
	}
	f := float64(n)
	for _, u := range []string{"KiB", "MiB", "GiB", "TiB"} {
		f /= unit
		if f < unit && f > -unit {
			return fmt.Sprintf("%.1f %s", f, u)
		}
	}
	return fmt.Sprintf("%.1f PiB", f/unit)
}
