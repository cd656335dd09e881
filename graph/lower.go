package graph

import (
	"context"
	"fmt"
	"maps"
	"slices"
)

// lower turns the groups of a fused dag into a Plan without Order. Nodes
// are visited in topological order and, within a node, blocks in flat
// order; each group becomes tasks when its root block is visited, so
// every task's inputs already have ids: Plan.Tasks is topologically
// ordered by construction (an input without an id would be a cycle,
// ErrCycle). A group of one non-fold block is a task running the
// layer's Func; a fold block is a chain of steps (foldChain); a larger
// group is a fused task (fusedTask).
func lower(d *dag, f *fusion) (*Plan, error) {
	nn := len(d.nodes)
	p := &Plan{}

	// Plan layers: the nodes that root at least one group.
	layerOf := make([]int32, nn)
	for i := range layerOf {
		layerOf[i] = -1
	}
	ntasks := 0
	for _, g := range f.groups {
		layerOf[g.node] = 0
		n := &d.nodes[g.node]
		if n.l.fold != nil {
			ntasks += max(1, int(n.depOff[g.k+1]-n.depOff[g.k]))
		} else {
			ntasks++
		}
	}
	for i := range d.nodes {
		if layerOf[i] < 0 {
			continue
		}
		l := d.nodes[i].l
		layerOf[i] = int32(len(p.Layers))
		p.Layers = append(p.Layers, LayerInfo{Name: l.name, Kind: l.kind, Grid: slices.Clone(l.grid)})
	}
	p.Tasks = make([]Task, 0, ntasks)

	lw := lowering{d: d, f: f, p: p, layerOf: layerOf}
	lw.memoGroup = make([]int32, nn)
	for i := range lw.memoGroup {
		lw.memoGroup[i] = -1
	}
	lw.memoPart = make([]int32, nn)
	lw.memoK = make([]int32, nn)
	lw.lastFused = make([][]int32, nn)
	lw.lastNames = make([][]string, nn)
	lw.layerFused = make([]map[int32]bool, nn)

	for i := range d.nodes {
		n := &d.nodes[i]
		for k := range n.need {
			g := f.owner[i][k]
			if f.groups[g].node != int32(i) {
				continue // inlined into a consumer's task
			}
			var err error
			switch {
			case n.l.fold != nil:
				err = lw.foldChain(int32(i), k, g)
			case f.groups[g].parts == 1:
				err = lw.single(int32(i), k, g)
			default:
				err = lw.fused(int32(i), k, g)
			}
			if err != nil {
				return nil, err
			}
		}
	}
	for i, set := range lw.layerFused {
		if len(set) == 0 {
			continue
		}
		fused := slices.Sorted(maps.Keys(set)) // node order is topological: producers first
		names := make([]string, len(fused))
		for j, pi := range fused {
			names[j] = d.nodes[pi].l.name
		}
		p.Layers[layerOf[i]].Fused = names
	}
	p.Outputs = make([]TaskID, len(d.outs))
	for j, o := range d.outs {
		t, err := lw.input(o.node, d.nodes[o.node].slot[o.block])
		if err != nil {
			return nil, err
		}
		p.Outputs[j] = t
	}
	return p, nil
}

// lowering is the state of lower.
type lowering struct {
	d       *dag
	f       *fusion
	p       *Plan
	layerOf []int32 // node -> Plan.Layers index, -1 if it roots no group

	ids   []TaskID    // slab for Task.Inputs
	args  []int32     // slab for fusedPart.args
	parts []fusedPart // slab for fusedTask.parts
	tasks []fusedTask // slab for fusedTasks

	// Scratch space of fused.
	stack    []fuseFrame
	ext      []TaskID
	argStack []int32

	// For the group being fused: the block of each node computed in it
	// and its part (a group holds at most one block per node, fusion
	// being one-to-one).
	memoGroup, memoK, memoPart []int32
	// Per root node, the fused nodes of its last fused task and their
	// names, shared by the tasks fused alike; and all its fused nodes.
	lastFused  [][]int32
	lastNames  [][]string
	layerFused []map[int32]bool
	cur        []int32 // the fused nodes of the task being built
}

// allocIDs returns a slice of n TaskIDs from a slab.
func (lw *lowering) allocIDs(n int) []TaskID {
	if cap(lw.ids)-len(lw.ids) < n {
		lw.ids = make([]TaskID, 0, max(n, 1<<14))
	}
	s := len(lw.ids)
	lw.ids = lw.ids[:s+n]
	return lw.ids[s : s+n : s+n]
}

// input returns the task computing node i's needed block k for a task
// outside its group: the root of its group. The task must exist already.
func (lw *lowering) input(i, k int32) (TaskID, error) {
	g := &lw.f.groups[lw.f.owner[i][k]]
	n := &lw.d.nodes[i]
	if g.node != i || g.task < 0 {
		// Unreachable when layers form no cycle: every input of a task
		// is lowered before it.
		return -1, fmt.Errorf("graph: %s is used before it is computed: %w",
			BlockName(n.l.name, n.block(int(k))), ErrCycle)
	}
	return g.task, nil
}

// refInput resolves a Ref of node i for a task outside the referenced
// block's group.
func (lw *lowering) refInput(i int32, r Ref) (TaskID, error) {
	pi := lw.d.nodes[i].ins[r.Input]
	return lw.input(pi, lw.d.nodes[pi].slot[r.Block])
}

// single lowers a block computed by its layer's Func alone.
func (lw *lowering) single(i int32, k int, g int32) error {
	n := &lw.d.nodes[i]
	refs := n.refs(k)
	ins := lw.allocIDs(len(refs))
	for j, r := range refs {
		t, err := lw.refInput(i, r)
		if err != nil {
			return err
		}
		ins[j] = t
	}
	blk := n.block(k)
	t := Task{
		Layer: lw.layerOf[i], Block: n.need[k], Step: -1, Kind: n.l.kind,
		Inputs: ins, Run: n.l.fn(blk), Bytes: lw.f.bytes[i][k],
	}
	if n.l.kind == Root && n.l.key != nil {
		t.CacheKey = n.l.key(blk)
	}
	lw.f.groups[g].task = lw.push(t)
	return nil
}

// push appends t to the plan and returns its id.
func (lw *lowering) push(t Task) TaskID {
	id := TaskID(len(lw.p.Tasks))
	lw.p.Tasks = append(lw.p.Tasks, t)
	return id
}

// foldChain lowers a fold block with inputs r_0..r_{n-1} to n Reduce
// tasks: step 0 computes Step(Init(block), r_0) from inputs [r_0], step
// k computes Step(step k-1, r_k) from [step k-1, r_k], and the last step
// applies Finish too, so consumers use the last step. A block without
// inputs is one task computing Finish(Init(block)), with Step -1.
func (lw *lowering) foldChain(i int32, k int, g int32) error {
	n := &lw.d.nodes[i]
	fd := n.l.fold
	blk := n.block(k)
	refs := n.refs(k)
	base := Task{Layer: lw.layerOf[i], Block: n.need[k], Kind: Reduce, Bytes: lw.f.bytes[i][k]}
	if len(refs) == 0 {
		t := base
		t.Step = -1
		t.Run = func(x *Exec, _ []any) (any, error) {
			acc, err := foldInit(fd, blk)
			if err != nil {
				return nil, err
			}
			return foldFinish(fd, x, acc)
		}
		lw.f.groups[g].task = lw.push(t)
		return nil
	}
	prev := TaskID(-1)
	for s, r := range refs {
		in, err := lw.refInput(i, r)
		if err != nil {
			return err
		}
		t := base
		t.Step = int32(s)
		last := s == len(refs)-1
		if s == 0 {
			t.Inputs = lw.allocIDs(1)
			t.Inputs[0] = in
			t.Run = func(x *Exec, in []any) (any, error) {
				acc, err := foldInit(fd, blk)
				if err != nil {
					return nil, err
				}
				if acc, err = fd.Step(x, acc, in[0]); err != nil || !last {
					return acc, err
				}
				return foldFinish(fd, x, acc)
			}
		} else {
			t.Inputs = lw.allocIDs(2)
			t.Inputs[0], t.Inputs[1] = prev, in
			t.Run = func(x *Exec, in []any) (any, error) {
				acc, err := fd.Step(x, in[0], in[1])
				if err != nil || !last {
					return acc, err
				}
				return foldFinish(fd, x, acc)
			}
		}
		prev = lw.push(t)
	}
	lw.f.groups[g].task = prev
	return nil
}

func foldInit(fd *Fold, blk []int) (any, error) {
	if fd.Init == nil {
		return nil, nil
	}
	return fd.Init(blk)
}

func foldFinish(fd *Fold, x *Exec, acc any) (any, error) {
	if fd.Finish == nil {
		return acc, nil
	}
	return fd.Finish(x, acc)
}

// fused lowers a group of several blocks rooted at node i's block k to
// one task. It walks the group from the root, depth first and without
// recursion, following each block's Refs in order: a Ref to a block of
// the group becomes a part computed before its user, any other Ref an
// input of the task (each distinct task once). Parts come out in
// post-order, producers first and the root last.
func (lw *lowering) fused(i int32, k int, g int32) error {
	d, f := lw.d, lw.f
	np := int(f.groups[g].parts)
	if cap(lw.parts)-len(lw.parts) < np {
		lw.parts = make([]fusedPart, 0, max(np, 1<<12))
	}
	parts := lw.parts[len(lw.parts) : len(lw.parts) : len(lw.parts)+np]
	lw.parts = lw.parts[:len(lw.parts)+np]
	var (
		ext    = lw.ext[:0] // the task's inputs
		extIdx map[TaskID]int32
		args   = lw.argStack[:0] // pending args of the frames on the stack
		kind   = d.nodes[i].l.kind
	)
	stack := append(lw.stack[:0], fuseFrame{node: i, k: int32(k)})
	defer func() { lw.stack, lw.ext, lw.argStack = stack[:0], ext[:0], args[:0] }()
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		n := &d.nodes[top.node]
		refs := n.refs(int(top.k))
		if int(top.next) < len(refs) {
			r := refs[top.next]
			top.next++
			pi := n.ins[r.Input]
			pk := d.nodes[pi].slot[r.Block]
			if f.owner[pi][pk] == g {
				if lw.memoGroup[pi] == g && lw.memoK[pi] == pk {
					args = append(args, ^lw.memoPart[pi]) // used twice (x*x)
				} else {
					stack = append(stack, fuseFrame{node: pi, k: pk, argStart: len(args)})
				}
				continue
			}
			t, err := lw.input(pi, pk)
			if err != nil {
				return err
			}
			j := int32(-1)
			if extIdx != nil {
				if v, ok := extIdx[t]; ok {
					j = v
				}
			} else if v := slices.Index(ext, t); v >= 0 {
				j = int32(v)
			}
			if j < 0 {
				j = int32(len(ext))
				ext = append(ext, t)
				if extIdx == nil && len(ext) > 16 {
					extIdx = make(map[TaskID]int32, 2*len(ext))
					for v, t := range ext {
						extIdx[t] = int32(v)
					}
				} else if extIdx != nil {
					extIdx[t] = j
				}
			}
			args = append(args, j)
			continue
		}
		// All Refs seen: the block becomes the next part.
		nargs := len(args) - top.argStart
		if cap(lw.args)-len(lw.args) < nargs {
			lw.args = make([]int32, 0, max(nargs, 1<<14))
		}
		s := len(lw.args)
		lw.args = append(lw.args, args[top.argStart:]...)
		blk := n.block(int(top.k))
		part := fusedPart{
			run: n.l.fn(blk), args: lw.args[s : s+nargs : s+nargs],
			name: n.l.name, block: blk, bytes: f.bytes[top.node][top.k],
		}
		if n.l.kind == Root {
			kind = Root
			if n.l.key != nil {
				part.key = n.l.key(blk)
			}
		}
		j := int32(len(parts))
		parts = append(parts, part)
		lw.memoGroup[top.node], lw.memoK[top.node], lw.memoPart[top.node] = g, top.k, j
		args = args[:top.argStart]
		node := top.node
		stack = stack[:len(stack)-1]
		if len(stack) > 0 {
			args = append(args, ^j)
			lw.partNode(i, node)
		}
	}
	ins := lw.allocIDs(len(ext))
	copy(ins, ext)
	if len(lw.tasks) == cap(lw.tasks) {
		lw.tasks = make([]fusedTask, 0, 1<<12)
	}
	lw.tasks = append(lw.tasks, fusedTask{parts: parts})
	ft := &lw.tasks[len(lw.tasks)-1]
	n := &d.nodes[i]
	lw.f.groups[g].task = lw.push(Task{
		Layer: lw.layerOf[i], Block: n.need[k], Step: -1, Kind: kind,
		Inputs: ins, Run: ft.run, Bytes: f.groups[g].bytes,
		Fused: lw.fusedNames(i),
	})
	return nil
}

// partNode records that a block of node pi was fused into the task being
// built for a block of node i.
func (lw *lowering) partNode(i, pi int32) {
	lw.cur = append(lw.cur, pi)
}

// fusedNames returns the names of the nodes partNode recorded for the
// task just built, producers first, shared with the previous task of
// node i when they are the same, and resets the record.
func (lw *lowering) fusedNames(i int32) []string {
	cur := lw.cur
	lw.cur = lw.cur[:0]
	slices.Sort(cur)
	if slices.Equal(cur, lw.lastFused[i]) {
		return lw.lastNames[i]
	}
	names := make([]string, len(cur))
	if lw.layerFused[i] == nil {
		lw.layerFused[i] = make(map[int32]bool)
	}
	for j, pi := range cur {
		names[j] = lw.d.nodes[pi].l.name
		lw.layerFused[i][pi] = true
	}
	lw.lastFused[i] = slices.Clone(cur)
	lw.lastNames[i] = names
	return names
}

// fuseFrame is a block being visited by fused.
type fuseFrame struct {
	node, k, next int32
	argStart      int
}

// fusedPart is one block computed inside a fused task.
type fusedPart struct {
	run TaskFunc
	// args are the part's inputs in the order its Deps listed them:
	// j >= 0 is the task's input j, j < 0 the value of part ^j.
	args  []int32
	name  string // the part's layer, for errors
	block []int
	key   string // the cache key of a root part, or ""
	bytes int64
}

// fusedTask runs the parts of a fused task in order.
type fusedTask struct {
	parts []fusedPart
}

// run is the fused task's TaskFunc. Inlined values are only ever used
// by the one part after them that reads them (fusion is one-to-one), so
// each is dropped once that part has its arguments: a decoded block does
// not outlive the step that consumes it.
func (f *fusedTask) run(x *Exec, in []any) (any, error) {
	vals := make([]any, len(f.parts))
	nargs := 0
	for j := range f.parts {
		nargs += len(f.parts[j].args)
	}
	buf := make([]any, nargs)
	last := len(f.parts) - 1
	for j := range f.parts {
		p := &f.parts[j]
		if j > 0 && x != nil && x.Ctx != nil && x.Ctx.Err() != nil {
			return nil, context.Cause(x.Ctx)
		}
		if p.key != "" && x != nil && x.Cache != nil {
			if v, ok := x.Cache.Get(p.key); ok {
				x.AddCacheHit()
				vals[j] = v
				continue
			}
		}
		a := buf[:len(p.args):len(p.args)]
		buf = buf[len(p.args):]
		for i, s := range p.args {
			if s >= 0 {
				a[i] = in[s]
			} else {
				a[i] = vals[^s]
			}
		}
		for _, s := range p.args {
			if s < 0 {
				vals[^s] = nil
			}
		}
		v, err := p.run(x, a)
		clear(a)
		if err != nil {
			if j == last {
				return nil, err
			}
			return nil, fmt.Errorf("%s: %w", BlockName(p.name, p.block), err)
		}
		if p.key != "" && x != nil && x.Cache != nil {
			x.Cache.Set(p.key, v, p.bytes)
		}
		vals[j] = v
	}
	return vals[last], nil
}
