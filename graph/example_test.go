package graph_test

import (
	"context"
	"fmt"
	"os"

	"github.com/tesseradata/tessera/graph"
)

// Example builds the plan of a sum over three blocks read from outside,
// scaled, and runs it one task at a time in its priority order, as the
// scheduler would with one worker.
func Example() {
	read := graph.NewLayer(graph.Spec{
		Op: "read:t2m.nc", Name: "read", Kind: graph.Root, Grid: []int{3},
		Func: func(b []int) graph.TaskFunc {
			return func(*graph.Exec, []any) (any, error) { return float64(b[0] + 1), nil }
		},
	})
	scale := graph.NewLayer(graph.Spec{
		Op: "scale:10", Name: "scale", Kind: graph.Compute, Grid: []int{3},
		Inputs: []*graph.Layer{read}, // Deps nil: blockwise
		Func: func([]int) graph.TaskFunc {
			return func(_ *graph.Exec, in []any) (any, error) { return 10 * in[0].(float64), nil }
		},
	})
	sum := graph.NewFold(graph.FoldSpec{
		Spec: graph.Spec{
			Op: "sum", Name: "sum", Grid: []int{1}, Inputs: []*graph.Layer{scale},
			Deps: func(_ []int, dst []graph.Ref) []graph.Ref {
				return append(dst, graph.Ref{Block: 0}, graph.Ref{Block: 1}, graph.Ref{Block: 2})
			},
		},
		Fold: graph.Fold{
			Init: func([]int) (any, error) { return 0.0, nil },
			Step: func(_ *graph.Exec, acc, x any) (any, error) { return acc.(float64) + x.(float64), nil },
		},
	})

	p, err := graph.Build([]graph.Output{{Layer: sum}}, graph.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	x := &graph.Exec{Ctx: context.Background()}
	vals := make([]any, len(p.Tasks))
	for _, id := range p.Order {
		t := p.Tasks[id]
		in := make([]any, len(t.Inputs))
		for i, dep := range t.Inputs {
			in[i] = vals[dep]
		}
		if vals[id], err = t.Run(x, in); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%-8s %-7v fused %v -> %v\n", p.TaskName(id), t.Kind, t.Fused, vals[id])
	}
	fmt.Println("sum:", vals[p.Outputs[0]])
	// Output:
	// scale/0  root    fused [read] -> 10
	// sum/0#0  reduce  fused [] -> 10
	// scale/1  root    fused [read] -> 20
	// sum/0#1  reduce  fused [] -> 30
	// scale/2  root    fused [read] -> 30
	// sum/0#2  reduce  fused [] -> 60
	// sum: 60
}

// ExampleCull culls the graph below for block 0 of d: the blocks a/2 and
// c/1 are not needed.
//
//	    d/0                 d = f(b, c)
//	   /    \
//	b/0      c/0    c/1     b = g(a), c = h(a)
//	 |      /        |
//	a/0  a/1        a/2     a: read
func ExampleCull() {
	layer := func(name string, grid int, deps func(b int) []graph.Ref, inputs ...*graph.Layer) *graph.Layer {
		s := graph.Spec{
			Op: name, Name: name, Kind: graph.Compute, Grid: []int{grid}, Inputs: inputs,
			Func: func([]int) graph.TaskFunc { return nil },
		}
		if deps != nil {
			s.Deps = func(b []int, dst []graph.Ref) []graph.Ref { return append(dst, deps(b[0])...) }
		} else {
			s.Kind = graph.Root
		}
		return graph.NewLayer(s)
	}
	a := layer("a", 3, nil)
	b := layer("b", 1, func(int) []graph.Ref { return []graph.Ref{{Input: 0, Block: 0}} }, a)
	c := layer("c", 2, func(k int) []graph.Ref { return []graph.Ref{{Input: 0, Block: k + 1}} }, a)
	d := layer("d", 1, func(int) []graph.Ref { return []graph.Ref{{Input: 0, Block: 0}, {Input: 1, Block: 0}} }, b, c)

	needed, err := graph.Cull([]graph.Output{{Layer: d, Blocks: []int{0}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range []*graph.Layer{a, b, c, d} {
		fmt.Println(l.Name(), needed[l.ID()])
	}
	// Output:
	// a [true true false]
	// b [true]
	// c [true false]
	// d [true]
}

// ExampleWriteDOT draws the plan of a blockwise sum of a read and a
// broadcast climatology: each read fuses into its sum; the climatology,
// used by both, stays a task of its own.
func ExampleWriteDOT() {
	root := func(name string, n int) *graph.Layer {
		return graph.NewLayer(graph.Spec{
			Op: name, Name: name, Kind: graph.Root, Grid: []int{n},
			Func: func([]int) graph.TaskFunc { return nil },
		})
	}
	sub := graph.NewLayer(graph.Spec{
		Op: "sub", Name: "anomaly", Grid: []int{2}, Inputs: []*graph.Layer{root("read", 2), root("clim", 1)},
		Func: func([]int) graph.TaskFunc { return nil },
	})
	p, err := graph.Build([]graph.Output{{Layer: sub}}, graph.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := graph.WriteDOT(os.Stdout, p); err != nil {
		fmt.Println(err)
	}
	// Output:
	// digraph plan {
	// 	rankdir=BT;
	// 	node [fontname="Helvetica"];
	// 	t0 [label="clim/0", shape=box];
	// 	t1 [label="anomaly/0\nfused: read", shape=box, peripheries=2];
	// 	t2 [label="anomaly/1\nfused: read", shape=box, peripheries=2];
	// 	t0 -> t1;
	// 	t0 -> t2;
	// }
}
