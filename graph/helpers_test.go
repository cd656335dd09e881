package graph_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/tesseradata/tessera/graph"
)

// The test graphs compute float64 blocks: a root block with flat index f
// is f+1, and the other layers combine their inputs' values.

// calls builds test layers and counts, per layer name, how many tasks
// were materialised (Func calls) and how many times a task body ran
// (TaskFunc and fold Step calls).
type calls struct {
	mu    sync.Mutex
	funcs map[string]int
	runs  map[string]int
}

func newCalls() *calls { return &calls{funcs: map[string]int{}, runs: map[string]int{}} }

func (c *calls) fn(name string) {
	c.mu.Lock()
	c.funcs[name]++
	c.mu.Unlock()
}

func (c *calls) run(name string) {
	c.mu.Lock()
	c.runs[name]++
	c.mu.Unlock()
}

// bytesOf returns a Spec.Bytes giving n for every block.
func bytesOf(n int64) func([]int) int64 { return func([]int) int64 { return n } }

// root returns a Root layer named name whose block f is f+1.
func (c *calls) root(name string, grid []int, bytes int64) *graph.Layer {
	return graph.NewLayer(graph.Spec{
		Op: "root:" + name, Name: name, Kind: graph.Root, Grid: grid,
		Func: func(b []int) graph.TaskFunc {
			c.fn(name)
			v := float64(graph.FlatIndex(grid, b) + 1)
			return func(*graph.Exec, []any) (any, error) {
				c.run(name)
				return v, nil
			}
		},
		Bytes: bytesOf(bytes),
	})
}

// apply returns a layer whose block is f of its inputs' values. With
// deps nil it is blockwise (its grid is the largest of its inputs'
// along each axis); otherwise deps lists each block's inputs.
func (c *calls) apply(name string, grid []int, deps func(b []int) []graph.Ref, f func(in []float64) float64, bytes int64, ins ...*graph.Layer) *graph.Layer {
	if grid == nil {
		grid = ins[0].Grid()
		for _, in := range ins[1:] {
			for ax, n := range in.Grid() {
				grid[ax] = max(grid[ax], n)
			}
		}
	}
	s := graph.Spec{
		Op: "apply:" + name, Name: name, Kind: graph.Compute, Grid: grid, Inputs: ins,
		Func: func(b []int) graph.TaskFunc {
			c.fn(name)
			return func(_ *graph.Exec, in []any) (any, error) {
				c.run(name)
				v := make([]float64, len(in))
				for i, x := range in {
					v[i] = x.(float64)
				}
				return f(v), nil
			}
		},
		Bytes: bytesOf(bytes),
	}
	if deps != nil {
		s.Deps = func(b []int, dst []graph.Ref) []graph.Ref { return append(dst, deps(b)...) }
	}
	return graph.NewLayer(s)
}

// scale returns a blockwise layer computing k times its input.
func (c *calls) scale(name string, k float64, bytes int64, in *graph.Layer) *graph.Layer {
	return c.apply(name, nil, nil, func(v []float64) float64 { return k * v[0] }, bytes, in)
}

// sum returns a fold layer of the given grid whose block b adds up the
// blocks deps(b) of in, recording the order of its steps in *trace if
// trace is not nil.
func (c *calls) sum(name string, grid []int, in *graph.Layer, deps func(b []int) []int, trace *[]string) *graph.Layer {
	var mu sync.Mutex
	return graph.NewFold(graph.FoldSpec{
		Spec: graph.Spec{
			Op: "sum:" + name, Name: name, Grid: grid, Inputs: []*graph.Layer{in},
			Deps: func(b []int, dst []graph.Ref) []graph.Ref {
				for _, f := range deps(b) {
					dst = append(dst, graph.Ref{Input: 0, Block: f})
				}
				return dst
			},
			Bytes: bytesOf(8),
		},
		Fold: graph.Fold{
			Init: func(b []int) (any, error) { return 0.0, nil },
			Step: func(_ *graph.Exec, acc, x any) (any, error) {
				c.run(name)
				if trace != nil {
					mu.Lock()
					*trace = append(*trace, fmt.Sprintf("%v+%v", acc, x))
					mu.Unlock()
				}
				return acc.(float64) + x.(float64), nil
			},
		},
	})
}

// all returns the flat indices 0..n-1.
func all(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// execute checks p's invariants (checkPlan), then runs its tasks one at
// a time in Plan.Order, as a scheduler with one worker would, and returns
// the values of p.Outputs.
func execute(t *testing.T, p *graph.Plan) ([]any, error) {
	t.Helper()
	checkPlan(t, p)
	x := &graph.Exec{Ctx: t.Context()}
	vals := make([]any, len(p.Tasks))
	for _, id := range p.Order {
		task := &p.Tasks[id]
		in := make([]any, len(task.Inputs))
		for j, i := range task.Inputs {
			in[j] = vals[i]
		}
		v, err := task.Run(x, in)
		if err != nil {
			return nil, fmt.Errorf("task %s: %w", p.TaskName(id), err)
		}
		vals[id] = v
	}
	out := make([]any, len(p.Outputs))
	for i, id := range p.Outputs {
		out[i] = vals[id]
	}
	return out, nil
}

// mustExecute is execute failing the test on an error.
func mustExecute(t *testing.T, p *graph.Plan) []any {
	t.Helper()
	out, err := execute(t, p)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// mustBuild is graph.Build failing the test on an error.
func mustBuild(t testing.TB, outs []graph.Output, opts graph.Options) *graph.Plan {
	t.Helper()
	p, err := graph.Build(outs, opts)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return p
}

// checkPlan asserts the invariants of a Plan: Tasks and Order are
// topological, Order is a permutation of the tasks, and every index is in
// range.
func checkPlan(t testing.TB, p *graph.Plan) {
	t.Helper()
	n := len(p.Tasks)
	for id, task := range p.Tasks {
		if task.Layer < 0 || int(task.Layer) >= len(p.Layers) {
			t.Fatalf("task %d: layer %d of %d", id, task.Layer, len(p.Layers))
		}
		nb := 1
		for _, g := range p.Layers[task.Layer].Grid {
			nb *= g
		}
		if task.Block < 0 || int(task.Block) >= nb {
			t.Fatalf("task %s: block %d of %d", p.TaskName(graph.TaskID(id)), task.Block, nb)
		}
		if task.Step >= 0 && task.Kind != graph.Reduce {
			t.Fatalf("task %s: step %d of a %v task", p.TaskName(graph.TaskID(id)), task.Step, task.Kind)
		}
		if task.Run == nil {
			t.Fatalf("task %s has no Run", p.TaskName(graph.TaskID(id)))
		}
		for _, in := range task.Inputs {
			if in < 0 || int(in) >= id {
				t.Fatalf("Tasks not topological: task %d (%s) has input %d", id, p.TaskName(graph.TaskID(id)), in)
			}
		}
	}
	if len(p.Order) != n {
		t.Fatalf("len(Order) = %d, want %d tasks", len(p.Order), n)
	}
	pos := make([]int, n)
	for i := range pos {
		pos[i] = -1
	}
	for i, id := range p.Order {
		if id < 0 || int(id) >= n || pos[id] >= 0 {
			t.Fatalf("Order is not a permutation: %v", p.Order)
		}
		pos[id] = i
	}
	for id, task := range p.Tasks {
		for _, in := range task.Inputs {
			if pos[in] > pos[id] {
				t.Fatalf("Order not topological: %s before its input %s", p.TaskName(graph.TaskID(id)), p.TaskName(in))
			}
		}
	}
	for _, id := range p.Outputs {
		if id < 0 || int(id) >= n {
			t.Fatalf("output %d of %d tasks", id, n)
		}
	}
}

// describe lists the tasks of p in Plan.Order, one string each: name,
// kind, fused layers, inputs:
//
//	"map/1 root fused(read,decode) <- clim/0"
func describe(p *graph.Plan) []string {
	var out []string
	for _, id := range p.Order {
		t := &p.Tasks[id]
		s := p.TaskName(id) + " " + t.Kind.String()
		if len(t.Fused) > 0 {
			s += " fused(" + strings.Join(t.Fused, ",") + ")"
		}
		if len(t.Inputs) > 0 {
			names := make([]string, len(t.Inputs))
			for i, in := range t.Inputs {
				names[i] = p.TaskName(in)
			}
			s += " <- " + strings.Join(names, " ")
		}
		out = append(out, s)
	}
	return out
}

// layerNames lists p.Layers as "name" or "name(fused a,b)".
func layerNames(p *graph.Plan) []string {
	var out []string
	for _, l := range p.Layers {
		s := l.Name
		if len(l.Fused) > 0 {
			s += "(fused " + strings.Join(l.Fused, ",") + ")"
		}
		out = append(out, s)
	}
	return out
}

// diffLines reports the first difference between two lists of lines.
func diffLines(got, want []string) string {
	if slices.Equal(got, want) {
		return ""
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "got %d lines, want %d:\n", len(got), len(want))
	for i := range max(len(got), len(want)) {
		g, w := "", ""
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		mark := "  "
		if g != w {
			mark = "! "
		}
		fmt.Fprintf(&sb, "%s%-50q %q\n", mark, g, w)
	}
	return sb.String()
}
