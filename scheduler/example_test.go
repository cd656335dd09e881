package scheduler_test

import (
	"context"
	"fmt"

	"github.com/tesseradata/tessera/graph"
	"github.com/tesseradata/tessera/scheduler"
)

// A plan as graph.Build lowers it: three roots read numbers, a fold adds
// them up in a chain, one step per root:
//
//	read/0   read/1   read/2
//	   |        |        |
//	sum/0#0 - sum/0#1 - sum/0#2
func Example() {
	read := func(v float64) graph.TaskFunc {
		return func(*graph.Exec, []any) (any, error) { return v, nil }
	}
	add := func(_ *graph.Exec, in []any) (any, error) {
		if len(in) == 1 {
			return in[0], nil
		}
		return in[0].(float64) + in[1].(float64), nil
	}
	p := &graph.Plan{
		Tasks: []graph.Task{
			{Layer: 0, Block: 0, Step: -1, Kind: graph.Root, Run: read(1), Bytes: 8},
			{Layer: 1, Block: 0, Step: 0, Kind: graph.Reduce, Inputs: []graph.TaskID{0}, Run: add, Bytes: 8},
			{Layer: 0, Block: 1, Step: -1, Kind: graph.Root, Run: read(2), Bytes: 8},
			{Layer: 1, Block: 0, Step: 1, Kind: graph.Reduce, Inputs: []graph.TaskID{1, 2}, Run: add, Bytes: 8},
			{Layer: 0, Block: 2, Step: -1, Kind: graph.Root, Run: read(3), Bytes: 8},
			{Layer: 1, Block: 0, Step: 2, Kind: graph.Reduce, Inputs: []graph.TaskID{3, 4}, Run: add, Bytes: 8},
		},
		Order:   []graph.TaskID{0, 1, 2, 3, 4, 5},
		Outputs: []graph.TaskID{5},
		Layers: []graph.LayerInfo{
			{Name: "read", Kind: graph.Root, Grid: []int{3}},
			{Name: "sum", Kind: graph.Reduce, Grid: []int{1}},
		},
	}
	vals, stats, err := scheduler.Run(context.Background(), p, scheduler.Options{Workers: 2, Memory: 1 << 20})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("sum:", vals[0])
	for _, l := range stats.Layers {
		fmt.Printf("%s: %d %s tasks, %d bytes out\n", l.Name, l.Tasks, l.Kind, l.OutBytes)
	}
	// Output:
	// sum: 6
	// read: 3 root tasks, 24 bytes out
	// sum: 3 reduce tasks, 24 bytes out
}

// A task that fails is named in the error: its layer and block, and for
// a fold step the step.
func ExampleTaskError() {
	p := &graph.Plan{
		Tasks: []graph.Task{{Layer: 0, Block: 12, Step: -1, Kind: graph.Root, Run: func(*graph.Exec, []any) (any, error) {
			return nil, fmt.Errorf("io: read t2m.nc: variable %q: short read", "t2m")
		}}},
		Order:   []graph.TaskID{0},
		Outputs: []graph.TaskID{0},
		Layers:  []graph.LayerInfo{{Name: "read-t2m", Kind: graph.Root, Grid: []int{4, 2, 2}}},
	}
	_, _, err := scheduler.Run(context.Background(), p, scheduler.Options{})
	fmt.Println(err)
	// Output:
	// scheduler: task read-t2m/3,0,0: io: read t2m.nc: variable "t2m": short read
}
