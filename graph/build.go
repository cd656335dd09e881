package graph

import (
	"fmt"
	"math"
	"slices"
)

// Output requests blocks of a layer from Build, Cull or WriteLayersDOT.
type Output struct {
	Layer *Layer
	// Blocks are flat (row-major) block indices of Layer, in the order
	// Plan.Outputs lists their tasks. Nil means every block in order;
	// an empty, non-nil slice requests none.
	Blocks []int
}

// Options control Build.
type Options struct {
	// MaxTaskBytes bounds fusion: a producer is fused into its consumer
	// only while the fused task's projected bytes (the sum of its parts'
	// Bytes) stay within it. The scheduler passes its memory budget
	// divided by its workers (cubed's rule). Zero or less means no limit.
	MaxTaskBytes int64
	// NoFuse disables fusion: every needed block is a task of its own.
	NoFuse bool
	// ShareRoots computes a source block once for all the layers that
	// consume it, even when one of them depends on another, so that the
	// block is held from its first use to its last. By default such a
	// source is read once per consuming layer instead (see splitRoots).
	ShareRoots bool
}

// Build lowers the layers the outputs reach to a Plan of the tasks that
// compute the requested blocks: it merges layers with equal IDs (collect),
// keeps only the blocks the outputs need (Cull), fuses per-block
// pipelines into single tasks unless opts.NoFuse, lowers what remains to
// tasks with dense ids (a fold block becomes a chain of steps), and
// orders them (Order). The package documentation describes each step.
//
// Build calls each layer's Deps, Func, Bytes and CacheKey once per needed
// block and never for other blocks; it runs no TaskFunc. It returns an
// error wrapping ErrOutput, ErrDeps, ErrConflict, ErrCycle or ErrSize for
// a malformed request or graph; panics in the layers' functions are not
// recovered.
//
// A fused task's Run evaluates its parts in order, producers first, and
// hands their values to the consumers in the positions their Deps list
// them; it drops each intermediate value as soon as its consumer has run.
// An error from a part other than the last is wrapped with that part's
// block name ("read-t2m/3,0,0: ..."). A root part with a cache key
// consults x.Cache itself, as the scheduler does for a root task: a hit
// is counted by Exec.AddCacheHit, a miss stores the value with the part's
// Bytes as its cost.
func Build(outputs []Output, opts Options) (*Plan, error) {
	d, err := collect(outputs)
	if err != nil {
		return nil, err
	}
	if !opts.ShareRoots {
		d.splitRoots()
	}
	if err := d.cull(); err != nil {
		return nil, err
	}
	f := fuse(d, opts)
	p, err := lower(d, f)
	if err != nil {
		return nil, err
	}
	p.Order = Order(p)
	return p, nil
}

// dag is the symbolic graph the outputs reach, layers with equal IDs
// merged into one node.
type dag struct {
	// nodes are in topological order: a node's inputs come before it.
	nodes []node
	// outs are the requested blocks in request order.
	outs []outBlock
}

// outBlock is one requested block: a node and a flat block index.
type outBlock struct {
	node  int32
	block int32
}

// node is a layer of a dag. The fields after ins are set by cull, for
// the needed blocks only, numbered densely in increasing flat order.
type node struct {
	l      *Layer
	ins    []int32 // node of each of l's inputs
	nb     int     // number of blocks of l
	output bool    // some block of l is requested

	slot   []int32 // per flat block: its dense number, or -1 if not needed
	need   []int32 // per dense number: the flat block
	index  []int   // per dense number: the block index along each axis, len(l.grid) each
	depOff []int32 // per dense number k: deps[depOff[k]:depOff[k+1]] are its Refs
	deps   []Ref
}

// block returns the index of the needed block with dense number k.
func (n *node) block(k int) []int {
	d := len(n.l.grid)
	return n.index[k*d : (k+1)*d : (k+1)*d]
}

// refs returns the Refs of the needed block with dense number k, in the
// order its Deps listed them.
func (n *node) refs(k int) []Ref { return n.deps[n.depOff[k]:n.depOff[k+1]] }

// collect walks the layers the outputs reach, depth first and without
// recursion, and returns them as a dag in topological order (the
// post-order of the walk: outputs in request order, each layer's inputs
// in order). Layers with equal IDs become one node, the first one met;
// they must agree on grid, kind and fold (ErrConflict). A layer met again
// while its own inputs are being walked is a cycle (ErrCycle).
func collect(outputs []Output) (*dag, error) {
	const (
		open = 1 // on the walk's stack
		done = 2
	)
	var (
		seen  = make(map[ID]int32) // layer ID -> discovery number
		found []*Layer             // by discovery number
		state []uint8              // by discovery number
		post  []int32              // discovery numbers in post-order
	)
	type frame struct {
		d    int32
		next int
	}
	var stack []frame
	// meet returns the discovery number of l, and whether it is new.
	meet := func(l *Layer) (int32, bool, error) {
		if d, ok := seen[l.id]; ok {
			if err := sameLayer(found[d], l); err != nil {
				return 0, false, err
			}
			if state[d] == open {
				return 0, false, fmt.Errorf("graph: layer %q depends on itself: %w", l.name, ErrCycle)
			}
			return d, false, nil
		}
		if n := l.NumBlocks(); n > math.MaxInt32 || n < 0 {
			return 0, false, fmt.Errorf("graph: layer %q has grid %v: %w", l.name, l.grid, ErrSize)
		}
		d := int32(len(found))
		seen[l.id] = d
		found = append(found, l)
		state = append(state, open)
		return d, true, nil
	}
	for i, o := range outputs {
		if o.Layer == nil {
			return nil, fmt.Errorf("graph: output %d has no layer: %w", i, ErrOutput)
		}
		d, isNew, err := meet(o.Layer)
		if err != nil {
			return nil, err
		}
		if !isNew {
			continue
		}
		stack = append(stack[:0], frame{d: d})
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			l := found[top.d]
			if top.next < len(l.inputs) {
				in := l.inputs[top.next]
				top.next++
				d, isNew, err := meet(in)
				if err != nil {
					return nil, err
				}
				if isNew {
					stack = append(stack, frame{d: d})
				}
				continue
			}
			state[top.d] = done
			post = append(post, top.d)
			stack = stack[:len(stack)-1]
		}
	}

	pos := make([]int32, len(found)) // discovery number -> node
	for i, d := range post {
		pos[d] = int32(i)
	}
	g := &dag{nodes: make([]node, len(post))}
	for i, d := range post {
		l := found[d]
		n := &g.nodes[i]
		n.l, n.nb = l, l.NumBlocks()
		n.ins = make([]int32, len(l.inputs))
		for j, in := range l.inputs {
			n.ins[j] = pos[seen[in.id]]
		}
	}
	for i, o := range outputs {
		ni := pos[seen[o.Layer.id]]
		n := &g.nodes[ni]
		n.output = true
		if o.Blocks == nil {
			for b := range n.nb {
				g.outs = append(g.outs, outBlock{ni, int32(b)})
			}
			continue
		}
		for _, b := range o.Blocks {
			if b < 0 || b >= n.nb {
				return nil, fmt.Errorf("graph: output %d: block %d of layer %q (grid %v) out of range [0, %d): %w",
					i, b, n.l.name, n.l.grid, n.nb, ErrOutput)
			}
			g.outs = append(g.outs, outBlock{ni, int32(b)})
		}
	}
	return g, nil
}

// sameLayer reports as an error (ErrConflict) two layers with one ID that
// would not compute the same blocks.
func sameLayer(a, b *Layer) error {
	if a == b {
		return nil
	}
	if !slices.Equal(a.grid, b.grid) || a.kind != b.kind || (a.fold == nil) != (b.fold == nil) || len(a.inputs) != len(b.inputs) {
		return fmt.Errorf("graph: layers %q (%v, grid %v) and %q (%v, grid %v) have the same ID %s: %w",
			a.name, a.kind, a.grid, b.name, b.kind, b.grid, a.id, ErrConflict)
	}
	return nil
}

// splitRoots gives each consumer of a source (a Root layer without
// inputs that is not itself requested) a copy of the source of its own,
// when one of its consumers depends on another: then a shared source
// block would be held from its first use, across a reduction, to its
// last, and a copy per consumer reads it again instead.
//
// That is the founding design's rule "a value that came from a local file
// is dropped and re-read rather than spilled", applied when the plan is
// built. In x - mean(x), every block of x would otherwise stay in memory
// until the mean is known, and a dataset larger than memory could not be
// processed at all; with a copy per consumer, each read fuses into its
// consumer and is gone when that task ends. Re-reading costs I/O, which
// the run's cache of decoded chunks saves whenever the data fit in it
// (copies share the layer, so they share its cache keys). Consumers that
// do not depend on each other (mean(u*u) and mean(u*v)) keep sharing:
// Order interleaves them so that a block is used by all of them while it
// is fresh, and one task that fuses several of them reads the block once.
func (d *dag) splitRoots() {
	nn := len(d.nodes)
	users := make([][]int32, nn)
	split := false
	for j := range d.nodes {
		for _, in := range d.nodes[j].ins {
			if u := users[in]; len(u) == 0 || u[len(u)-1] != int32(j) {
				users[in] = append(users[in], int32(j))
			}
		}
	}
	// reaches reports whether node b depends on node a, walking a's
	// users forward (nodes are in topological order, so only nodes
	// between a and b can be on the way).
	reaches := func(a, b int32) bool {
		if a > b {
			return false
		}
		seen := map[int32]bool{a: true}
		stack := []int32{a}
		for len(stack) > 0 {
			x := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, u := range users[x] {
				if u == b {
					return true
				}
				if u < b && !seen[u] {
					seen[u] = true
					stack = append(stack, u)
				}
			}
		}
		return false
	}
	doSplit := make([]bool, nn)
	for i := range nn {
		n := &d.nodes[i]
		if n.l.kind != Root || len(n.l.inputs) > 0 || n.output || len(users[i]) < 2 {
			continue
		}
		us := users[i]
		for a := 0; a < len(us) && !doSplit[i]; a++ {
			for b := a + 1; b < len(us); b++ {
				if reaches(us[a], us[b]) {
					doSplit[i] = true
					break
				}
			}
		}
		split = split || doSplit[i]
	}
	splits := func(i int) bool { return doSplit[i] }
	if !split {
		return
	}
	// New node list: each split source becomes one copy per consumer, in
	// place, so the order stays topological.
	remap := make([]int32, nn)          // old node -> new node (first copy)
	copyFor := make(map[[2]int32]int32) // (old source, old consumer) -> new copy
	var nodes []node
	for i := range d.nodes {
		if !splits(i) {
			remap[i] = int32(len(nodes))
			nodes = append(nodes, d.nodes[i])
			continue
		}
		remap[i] = int32(len(nodes))
		for _, u := range users[i] {
			copyFor[[2]int32{int32(i), u}] = int32(len(nodes))
			c := d.nodes[i]
			c.ins = nil
			nodes = append(nodes, c)
		}
	}
	for j := range d.nodes {
		n := &nodes[remap[j]]
		if splits(j) {
			continue
		}
		ins := make([]int32, len(n.ins))
		for k, in := range n.ins {
			if c, ok := copyFor[[2]int32{in, int32(j)}]; ok {
				ins[k] = c
			} else {
				ins[k] = remap[in]
			}
		}
		n.ins = ins
	}
	for k := range d.outs {
		d.outs[k].node = remap[d.outs[k].node]
	}
	d.nodes = nodes
}
