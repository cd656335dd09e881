package graph_test

import (
	"testing"

	"github.com/tesseradata/tessera/graph"
)

// benchGraph builds read -> map -> fold over n blocks: a read layer of n
// blocks, a blockwise map, and a fold of n/1000 blocks each folding 1000
// consecutive mapped blocks.
func benchGraph(n int) *graph.Layer {
	grid := []int{n}
	read := graph.NewLayer(graph.Spec{
		Op: "read", Name: "read", Kind: graph.Root, Grid: grid,
		Func: func(b []int) graph.TaskFunc {
			return func(*graph.Exec, []any) (any, error) { return float64(b[0]), nil }
		},
		Bytes:    func([]int) int64 { return 1 << 20 },
		CacheKey: func(b []int) string { return "" },
	})
	m := graph.NewLayer(graph.Spec{
		Op: "map", Name: "map", Grid: grid, Inputs: []*graph.Layer{read},
		Func: func([]int) graph.TaskFunc {
			return func(_ *graph.Exec, in []any) (any, error) { return 2 * in[0].(float64), nil }
		},
		Bytes: func([]int) int64 { return 1 << 20 },
	})
	const per = 1000
	return graph.NewFold(graph.FoldSpec{
		Spec: graph.Spec{
			Op: "sum", Name: "sum", Grid: []int{n / per}, Inputs: []*graph.Layer{m},
			Deps: func(b []int, dst []graph.Ref) []graph.Ref {
				for i := b[0] * per; i < (b[0]+1)*per; i++ {
					dst = append(dst, graph.Ref{Input: 0, Block: i})
				}
				return dst
			},
			Bytes: func([]int) int64 { return 8 },
		},
		Fold: graph.Fold{Step: func(_ *graph.Exec, acc, x any) (any, error) { return x, nil }},
	})
}

// BenchmarkBuild lowers read -> map -> fold over 1e5 blocks: 2e5 tasks
// fused (a read+map task and a fold step per block), 3e5 unfused.
func BenchmarkBuild(b *testing.B) {
	const n = 100_000
	out := []graph.Output{{Layer: benchGraph(n)}}
	for _, bc := range []struct {
		name string
		opts graph.Options
	}{{"fused", graph.Options{}}, {"unfused", graph.Options{NoFuse: true}}} {
		b.Run(bc.name, func(b *testing.B) {
			tasks := 0
			for b.Loop() {
				p, err := graph.Build(out, bc.opts)
				if err != nil {
					b.Fatal(err)
				}
				tasks = len(p.Tasks)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(tasks), "ns/task")
			b.ReportMetric(float64(tasks), "tasks")
		})
	}
}

func TestBuildLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large plan")
	}
	p := mustBuild(t, []graph.Output{{Layer: benchGraph(100_000)}}, graph.Options{})
	checkPlan(t, p)
	if len(p.Tasks) != 200_000 || len(p.Outputs) != 100 {
		t.Fatalf("%d tasks, %d outputs; want 200000, 100", len(p.Tasks), len(p.Outputs))
	}
}
