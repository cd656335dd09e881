package graph

import "strconv"

// TaskID indexes Plan.Tasks.
type TaskID int32

// Task is one concrete unit of work of a Plan.
type Task struct {
	// Layer indexes Plan.Layers: the layer the task computes a block of
	// (after fusion, the consuming layer of the fused chain).
	Layer int32
	// Block is the block's flat (row-major) index in the layer's grid.
	Block int32
	// Step is the step number of a fold step (0 for the first input),
	// -1 for every other task.
	Step int32
	Kind Kind
	// Inputs are the tasks whose values Run receives, in order. A task
	// may appear twice (a layer that uses one block twice, x*x).
	Inputs []TaskID
	Run    TaskFunc
	// Bytes is the projected number of bytes the task holds at once
	// while it runs: its output and its temporaries, not its inputs
	// (which the scheduler already counts as live).
	Bytes int64
	// CacheKey, for a task that reads, identifies its value in the run's
	// cache; "" means the value is not cached. Only a root task with
	// nothing fused into it has one (a fused task consults the cache for
	// its root part itself, see Build).
	CacheKey string
	// Fused lists the names of the layers whose blocks this task
	// computes before its own layer's, producers first; nil if the task
	// is not fused. Tasks fused alike share the slice: do not modify it.
	Fused []string
}

// LayerInfo describes a layer of a Plan for names, statistics and
// drawings.
type LayerInfo struct {
	Name string
	Kind Kind
	Grid []int
	// Fused lists the names of the layers whose blocks were computed
	// inside this layer's tasks, producers first; empty if none.
	Fused []string
}

// Plan is a lowered, culled and fused graph, ready for the scheduler:
// tasks with dense integer ids and explicit inputs.
type Plan struct {
	// Tasks are in a topological order: every task's inputs come before
	// it.
	Tasks []Task
	// Order is a static priority, also topological: when several tasks
	// are ready, the one earliest in Order should run first. It finishes
	// the reductions it has started before it opens new roots (see
	// the function Order).
	Order []TaskID
	// Outputs are the tasks computing the requested blocks, in the
	// order they were requested.
	Outputs []TaskID
	// Layers are the layers that own tasks, producers first. A layer
	// whose every needed block was fused into its consumer's tasks has
	// no entry; its name is in the consumer's LayerInfo.Fused.
	Layers []LayerInfo
}

// TaskName returns the readable name of a task: its layer and block,
// "mean-t2m/3,0,0", with "#k" for step k of a fold.
func (p *Plan) TaskName(id TaskID) string {
	t := &p.Tasks[id]
	l := &p.Layers[t.Layer]
	name := BlockName(l.Name, BlockIndex(l.Grid, int(t.Block), nil))
	if t.Step >= 0 {
		name += "#" + strconv.Itoa(int(t.Step))
	}
	return name
}
