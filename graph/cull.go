package graph

import "fmt"

// Cull returns, for every layer the outputs reach (by ID), which of its
// blocks the outputs need: needed[id][b] is true when flat block b of the
// layer with that ID is a requested block or an input, direct or not, of
// one. Blocks nobody needs are never looked at again: Build materialises
// no task, and calls no Func, for them.
//
// Cull works on the symbolic level, as dask's cull does on tasks: it
// visits the layers consumers first and asks each needed block's Deps for
// the input blocks it needs, so its cost is the number of needed blocks
// and their dependencies, plus one bit per block of every layer reached.
// It returns an error wrapping ErrOutput or ErrDeps (naming the layer and
// block) for an output or a dependency that does not exist, and
// ErrConflict or ErrCycle as Build does.
func Cull(outputs []Output) (map[ID][]bool, error) {
	d, err := collect(outputs)
	if err != nil {
		return nil, err
	}
	if err := d.cull(); err != nil {
		return nil, err
	}
	needed := make(map[ID][]bool, len(d.nodes))
	for i := range d.nodes {
		n := &d.nodes[i]
		need := make([]bool, n.nb)
		for _, b := range n.need {
			need[b] = true
		}
		needed[n.l.id] = need
	}
	return needed, nil
}

// cull marks the blocks the outputs need and records, for each of them,
// its block index and its Refs (checked), in the fields of d's nodes.
// Nodes are visited in reverse topological order, so that all consumers
// of a node have marked its blocks before the node is visited.
func (d *dag) cull() error {
	for i := range d.nodes {
		n := &d.nodes[i]
		n.slot = make([]int32, n.nb)
		for b := range n.slot {
			n.slot[b] = -1
		}
	}
	for _, o := range d.outs {
		d.nodes[o.node].slot[o.block] = 0
	}
	var scratch []Ref
	for i := len(d.nodes) - 1; i >= 0; i-- {
		n := &d.nodes[i]
		count := 0
		for _, s := range n.slot {
			if s >= 0 {
				count++
			}
		}
		n.need = make([]int32, 0, count)
		for b, s := range n.slot {
			if s >= 0 {
				n.slot[b] = int32(len(n.need))
				n.need = append(n.need, int32(b))
			}
		}
		ndim := len(n.l.grid)
		n.index = make([]int, count*ndim)
		n.depOff = make([]int32, count+1)
		for k, b := range n.need {
			BlockIndex(n.l.grid, int(b), n.index[k*ndim:k*ndim])
		}
		if n.l.deps == nil && len(n.l.inputs) == 0 {
			continue // a source: nothing to ask
		}
		for k := range n.need {
			blk := n.block(k)
			scratch = n.l.Deps(blk, scratch[:0])
			for _, r := range scratch {
				if r.Input < 0 || r.Input >= len(n.ins) {
					return fmt.Errorf("graph: %s: Deps returned input %d of a layer with %d inputs: %w",
						BlockName(n.l.name, blk), r.Input, len(n.ins), ErrDeps)
				}
				in := &d.nodes[n.ins[r.Input]]
				if r.Block < 0 || r.Block >= in.nb {
					return fmt.Errorf("graph: %s: Deps returned block %d of input %d (%q, grid %v), out of range [0, %d): %w",
						BlockName(n.l.name, blk), r.Block, r.Input, in.l.name, in.l.grid, in.nb, ErrDeps)
				}
				if in.slot[r.Block] < 0 {
					in.slot[r.Block] = 0
				}
			}
			if len(n.deps)+len(scratch) > maxRefs {
				return fmt.Errorf("graph: layer %q: more than %d dependencies: %w", n.l.name, maxRefs, ErrSize)
			}
			if n.deps == nil {
				// Most layers need as many blocks for each of their
				// blocks: size for that.
				n.deps = make([]Ref, 0, max(1, count*len(scratch)))
			}
			n.deps = append(n.deps, scratch...)
			n.depOff[k+1] = int32(len(n.deps))
		}
	}
	return nil
}

// maxRefs bounds the dependencies of one layer, which depOff indexes with
// int32.
const maxRefs = 1<<31 - 1
