package scheduler_test

import (
	"testing"

	"github.com/tesseradata/tessera/graph"
)

// planBuilder makes graph.Plan values by hand, as graph.Build would.
type planBuilder struct{ p graph.Plan }

// layer adds a layer and returns its index.
func (b *planBuilder) layer(name string, kind graph.Kind, grid []int, fused ...string) int32 {
	b.p.Layers = append(b.p.Layers, graph.LayerInfo{Name: name, Kind: kind, Grid: grid, Fused: fused})
	return int32(len(b.p.Layers) - 1)
}

// task adds a task that is not a fold step.
func (b *planBuilder) task(layer, block int32, kind graph.Kind, bytes int64, run graph.TaskFunc, inputs ...graph.TaskID) graph.TaskID {
	b.p.Tasks = append(b.p.Tasks, graph.Task{Layer: layer, Block: block, Step: -1, Kind: kind, Inputs: inputs, Run: run, Bytes: bytes})
	return graph.TaskID(len(b.p.Tasks) - 1)
}

// step adds step k of a fold.
func (b *planBuilder) step(layer, block, k int32, bytes int64, run graph.TaskFunc, inputs ...graph.TaskID) graph.TaskID {
	b.p.Tasks = append(b.p.Tasks, graph.Task{Layer: layer, Block: block, Step: k, Kind: graph.Reduce, Inputs: inputs, Run: run, Bytes: bytes})
	return graph.TaskID(len(b.p.Tasks) - 1)
}

// plan returns the plan with the given outputs and, unless SetOrder was
// called, the order of Tasks as priority.
func (b *planBuilder) plan(outputs ...graph.TaskID) *graph.Plan {
	p := b.p
	if p.Order == nil {
		p.Order = make([]graph.TaskID, len(p.Tasks))
		for i := range p.Order {
			p.Order[i] = graph.TaskID(i)
		}
	}
	p.Outputs = outputs
	return &p
}

// block is a value with a size, as an ndarray.Array is.
type block struct {
	v float64
	n int
}

func (b *block) Nbytes() int { return b.n }

// constRoot returns a root task function returning a block of value v and
// n bytes.
func constRoot(v float64, n int) graph.TaskFunc {
	return func(*graph.Exec, []any) (any, error) { return &block{v: v, n: n}, nil }
}

// sumStep is a fold step adding its last input to its first (the
// accumulator, which it owns), or starting an accumulator of accBytes
// from its only input on step 0.
func sumStep(accBytes int) graph.TaskFunc {
	return func(_ *graph.Exec, in []any) (any, error) {
		if len(in) == 1 {
			return &block{v: in[0].(*block).v, n: accBytes}, nil
		}
		acc := in[0].(*block)
		acc.v += in[1].(*block).v
		return acc, nil
	}
}

// foldPlan is chains folds, each over perChain roots of rootBytes bytes
// whose values are 1, 2, ..., in the order dask.order would give:
// each chain's roots and steps interleaved, chain after chain.
//
//	r0   r1   r2
//	 |    |    |
//	s0 - s1 - s2     (one chain; its last step is an output)
//
// wrap, if not nil, wraps every root's and every step's function.
func foldPlan(chains, perChain int, rootBytes int64, wrap func(kind graph.Kind, f graph.TaskFunc) graph.TaskFunc) *graph.Plan {
	if wrap == nil {
		wrap = func(_ graph.Kind, f graph.TaskFunc) graph.TaskFunc { return f }
	}
	var b planBuilder
	read := b.layer("read", graph.Root, []int{chains, perChain})
	sum := b.layer("sum", graph.Reduce, []int{chains})
	var outs []graph.TaskID
	for c := range chains {
		var acc graph.TaskID
		for k := range perChain {
			r := b.task(read, int32(c*perChain+k), graph.Root, rootBytes, wrap(graph.Root, constRoot(float64(k+1), int(rootBytes))))
			if k == 0 {
				acc = b.step(sum, int32(c), 0, 8, wrap(graph.Reduce, sumStep(8)), r)
			} else {
				acc = b.step(sum, int32(c), int32(k), 8, wrap(graph.Reduce, sumStep(8)), acc, r)
			}
		}
		outs = append(outs, acc)
	}
	return b.plan(outs...)
}

// wantFold is the value of each output of foldPlan: 1 + 2 + ... + n.
func wantFold(n int) float64 { return float64(n * (n + 1) / 2) }

func checkFold(t *testing.T, vals []any, chains, perChain int) {
	t.Helper()
	if len(vals) != chains {
		t.Fatalf("got %d outputs, want %d", len(vals), chains)
	}
	for i, v := range vals {
		if got := v.(*block).v; got != wantFold(perChain) {
			t.Errorf("output %d = %v, want %v", i, got, wantFold(perChain))
		}
	}
}
