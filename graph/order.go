package graph

// maxPull bounds the inputs of a task that Order pulls forward (rule 2):
// a task gathering many blocks is left to the depth-first walk.
const maxPull = 8

// Order returns a static priority for the tasks of p, in the spirit of
// dask.order, by two rules:
//
//  1. Depth first: the post-order of a walk from p.Outputs, in the order
//     they were requested, that visits each task's inputs in the order of
//     Task.Inputs (then from any task not reached that way, in id order).
//  2. Use what is in memory before reading more: before the walk opens a
//     Root task, each task placed since the last time is settled, latest
//     first: its dependents (in id order) that do not read (are not
//     Root tasks, fused or not) and have at most 8 inputs, each of them
//     placed or ready (all its own inputs placed), are placed, those
//     ready inputs first, and settled in turn.
//
// Rule 1 alone interleaves a fold with its inputs. A fold step's inputs
// are [previous step, next input], so the walk from a fold's last step
// reaches step 0 first and then climbs the chain, each step right after
// the input it folds in:
//
//	read/0 partial/0 sum/0#0 read/1 partial/1 sum/0#1 read/2 ...
//
// so a scheduler that prefers the earliest ready task finishes the
// reductions it has started before it opens the roots of the next one,
// and a partial is folded in while its block is fresh. Rule 2 matters
// when reductions share their inputs. For mean(u*u), mean(v*v) and
// mean(u*v), rule 1 alone would read every block of u for the first
// mean and hold all of them until the third; with rule 2, before u/1 is
// read, u/0 is settled: the partial of u*v for block 0 is placed, with
// v/0 before it, and then what waited only for v/0:
//
//	u/0 uu/0 mean-uu/0#0 v/0 uv/0 mean-uv/0#0 vv/0 mean-vv/0#0 u/1 ...
//
// Rule 2 pulls only tasks that are one ready input away, and only when a
// new root would be opened otherwise, so it never delays the walk's own
// next step and never opens a chain of reads to release one value.
//
// The result is a permutation of the task ids and a topological order
// (a task comes after its inputs) of any acyclic plan; a cycle is not
// followed. Ties are broken by the structure alone, never by names. The
// walk keeps explicit stacks: a chain of a million steps is fine. Order
// takes time linear in the tasks and their inputs.
func Order(p *Plan) []TaskID {
	n := len(p.Tasks)
	order := make([]TaskID, 0, n)

	// The dependents of each task, in id order, as one adjacency list;
	// and the number of inputs of each not placed yet.
	start := make([]int32, n+1)
	missing := make([]int32, n)
	for id := range p.Tasks {
		missing[id] = int32(len(p.Tasks[id].Inputs))
		for _, in := range p.Tasks[id].Inputs {
			start[in+1]++
		}
	}
	for i := range n {
		start[i+1] += start[i]
	}
	users := make([]TaskID, start[n])
	fill := make([]int32, n)
	copy(fill, start[:n])
	for id := range p.Tasks {
		for _, in := range p.Tasks[id].Inputs {
			users[fill[in]] = TaskID(id)
			fill[in]++
		}
	}

	const (
		open = 1 // on the walk's stack
		done = 2 // placed
	)
	state := make([]uint8, n)
	var pending []TaskID // placed, not settled
	place := func(t TaskID) {
		state[t] = done
		order = append(order, t)
		for _, u := range users[start[t]:start[t+1]] {
			missing[u]--
		}
		pending = append(pending, t)
	}
	// pullable reports whether rule 2 places t: new, with few inputs,
	// each placed or ready.
	pullable := func(t TaskID) bool {
		ins := p.Tasks[t].Inputs
		if state[t] != 0 || len(ins) > maxPull || p.Tasks[t].Kind == Root {
			return false // a task that reads is the walk's to open
		}
		for _, in := range ins {
			if state[in] != done && (state[in] != 0 || missing[in] != 0) {
				return false
			}
		}
		return true
	}
	settle := func() {
		for len(pending) > 0 {
			t := pending[len(pending)-1]
			pending = pending[:len(pending)-1]
			for _, u := range users[start[t]:start[t+1]] {
				if !pullable(u) {
					continue
				}
				for _, in := range p.Tasks[u].Inputs {
					if state[in] == 0 {
						place(in)
					}
				}
				place(u)
			}
		}
	}

	type frame struct {
		t    TaskID
		next int32
	}
	var stack []frame
	// push opens t on the walk, after settling if t is a root.
	push := func(t TaskID) {
		if p.Tasks[t].Kind == Root {
			settle()
			if state[t] != 0 {
				return // placed while settling
			}
		}
		state[t] = open
		stack = append(stack, frame{t: t})
	}
	walk := func(root TaskID) {
		if state[root] != 0 {
			return
		}
		stack = stack[:0]
		push(root)
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			ins := p.Tasks[top.t].Inputs
			if int(top.next) < len(ins) {
				in := ins[top.next]
				top.next++
				if state[in] == 0 {
					push(in)
				}
				continue
			}
			stack = stack[:len(stack)-1]
			place(top.t)
		}
	}
	for _, t := range p.Outputs {
		walk(t)
	}
	for t := range n {
		walk(TaskID(t))
	}
	return order
}
