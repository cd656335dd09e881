package graph_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/tesseradata/tessera/graph"
)

func TestFoldChain(t *testing.T) {
	// sum/b folds the blocks deps(b) of r (values 1..5) in the order
	// listed, which is not block order.
	deps := map[int][]int{0: {3, 0, 4}, 1: {1}, 2: {}}
	for _, tc := range []struct {
		name string
		opts graph.Options
	}{{"fused", graph.Options{}}, {"unfused", graph.Options{NoFuse: true}}} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCalls()
			var trace []string
			r := c.root("r", []int{5}, 1)
			sum := c.sum("sum", []int{3}, r, func(b []int) []int { return deps[b[0]] }, &trace)
			p := mustBuild(t, []graph.Output{{Layer: sum}}, tc.opts)
			want := []string{
				"r/3 root", "sum/0#0 reduce <- r/3",
				"r/0 root", "sum/0#1 reduce <- sum/0#0 r/0",
				"r/4 root", "sum/0#2 reduce <- sum/0#1 r/4",
				"r/1 root", "sum/1#0 reduce <- r/1",
				"sum/2 reduce",
			}
			if d := diffLines(describe(p), want); d != "" {
				t.Error(d)
			}
			var steps []int32
			for _, task := range p.Tasks {
				if p.Layers[task.Layer].Name == "sum" {
					steps = append(steps, task.Step)
				}
			}
			if want := []int32{0, 1, 2, 0, -1}; !slices.Equal(steps, want) {
				t.Errorf("steps %v, want %v", steps, want)
			}
			out := mustExecute(t, p)
			if fmt.Sprint(out) != "[10 2 0]" {
				t.Errorf("sums %v, want [10 2 0]", out)
			}
			// Each step adds the next input, in Deps order.
			if want := []string{"0+4", "4+1", "5+5", "0+2"}; !slices.Equal(trace, want) {
				t.Errorf("steps ran %v, want %v", trace, want)
			}
			for _, id := range p.Outputs {
				if task := p.Tasks[id]; task.Kind != graph.Reduce || task.Bytes != 8 {
					t.Errorf("output %s: %v, %d bytes; want reduce, 8", p.TaskName(id), task.Kind, task.Bytes)
				}
			}
		})
	}
}

func TestFoldFuncs(t *testing.T) {
	// Init, Step and Finish each see what they should, Finish runs once
	// per block, in the last step, and an error stops the chain.
	c := newCalls()
	r := c.root("r", []int{3}, 0)
	boom := errors.New("boom")
	var log []string
	fold := func(stepErr int) *graph.Layer {
		return graph.NewFold(graph.FoldSpec{
			Spec: graph.Spec{
				Op: fmt.Sprint("f", stepErr), Name: "f", Grid: []int{2}, Inputs: []*graph.Layer{r},
				Deps: func(b []int, dst []graph.Ref) []graph.Ref {
					if b[0] == 0 {
						return append(dst, graph.Ref{Block: 0}, graph.Ref{Block: 1}, graph.Ref{Block: 2})
					}
					return dst
				},
			},
			Fold: graph.Fold{
				Init: func(b []int) (any, error) {
					log = append(log, fmt.Sprintf("init %v", b))
					return []float64{}, nil
				},
				Step: func(_ *graph.Exec, acc, x any) (any, error) {
					a := acc.([]float64)
					if len(a) == stepErr {
						return nil, boom
					}
					return append(a, x.(float64)), nil
				},
				Finish: func(_ *graph.Exec, acc any) (any, error) {
					log = append(log, fmt.Sprintf("finish %v", acc))
					return len(acc.([]float64)), nil
				},
			},
		})
	}
	p := mustBuild(t, []graph.Output{{Layer: fold(-1)}}, graph.Options{})
	out := mustExecute(t, p)
	if fmt.Sprint(out) != "[3 0]" {
		t.Errorf("outputs %v, want [3 0]", out)
	}
	if want := []string{"init [0]", "finish [1 2 3]", "init [1]", "finish []"}; !slices.Equal(log, want) {
		t.Errorf("calls %q, want %q", log, want)
	}

	p = mustBuild(t, []graph.Output{{Layer: fold(1)}}, graph.Options{})
	if _, err := execute(t, p); !errors.Is(err, boom) || err.Error() != "task f/0#1: boom" {
		t.Errorf("error %v, want task f/0#1: boom", err)
	}

	// Without Init and Finish: a nil accumulator, returned as it is.
	nilFold := graph.NewFold(graph.FoldSpec{
		Spec: graph.Spec{
			Op: "nil", Name: "g", Grid: []int{2}, Inputs: []*graph.Layer{r},
			Deps: func(b []int, dst []graph.Ref) []graph.Ref {
				if b[0] == 0 {
					return append(dst, graph.Ref{Block: 2})
				}
				return dst
			},
		},
		Fold: graph.Fold{Step: func(_ *graph.Exec, acc, x any) (any, error) { return fmt.Sprint(acc, x), nil }},
	})
	out = mustExecute(t, mustBuild(t, []graph.Output{{Layer: nilFold}}, graph.Options{}))
	if fmt.Sprint(out) != "[<nil> 3 <nil>]" {
		t.Errorf("outputs %v, want [<nil> 3 <nil>]", out)
	}
}
