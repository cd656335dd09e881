package graph

// fusion is the result of fuse: the needed blocks of a dag partitioned
// into groups, each of which lowers to one task (or one fold chain).
type fusion struct {
	groups []group
	// owner[i][k] is the group of node i's needed block with dense
	// number k.
	owner [][]int32
	// bytes[i][k] is the projected bytes of that block alone.
	bytes [][]int64
}

// group is a set of blocks computed by one task: a root block (of the
// consumer at the end of a fused chain) and the producer blocks inlined
// into it, directly or not.
type group struct {
	node  int32 // the root block's node
	k     int32 // the root block's dense number
	parts int32 // blocks in the group, the root included
	bytes int64 // the sum of the parts' bytes
	task  TaskID
}

// fuse partitions the needed blocks of a culled dag into groups. A
// producer node P may be inlined into a consumer node C (P "fuses into"
// C) when
//
//   - fusion is enabled (!opts.NoFuse),
//   - C is the only node that uses P's needed blocks,
//   - P is not requested as an output,
//   - neither P nor C is a fold,
//   - each needed block of P is used by exactly one block of C, and each
//     block of C uses at most one block of P (one-to-one: a broadcast
//     block read by several consumer blocks is not inlined, nor are the
//     many blocks a rechunk gathers into one).
//
// Then, block by block and consumers first, a block of P joins the group
// of the block of C that uses it if the group's bytes plus its own stay
// within opts.MaxTaskBytes (no limit when it is 0 or less); otherwise it
// roots a group of its own. Since C's block may itself have joined its
// consumer's group, chains fuse transitively: read, decode, scale and a
// partial reduction of one block become one group.
func fuse(d *dag, opts Options) *fusion {
	nn := len(d.nodes)
	f := &fusion{owner: make([][]int32, nn), bytes: make([][]int64, nn)}
	for i := range d.nodes {
		n := &d.nodes[i]
		f.owner[i] = make([]int32, len(n.need))
		f.bytes[i] = make([]int64, len(n.need))
		for k := range n.need {
			f.owner[i][k] = -1
			if n.l.bytes != nil {
				f.bytes[i][k] = max(0, n.l.bytes(n.block(k)))
			}
		}
	}
	into := fusible(d, opts)
	total := 0
	for i := range d.nodes {
		total += len(d.nodes[i].need)
	}
	f.groups = make([]group, 0, total)

	budget := opts.MaxTaskBytes
	for i := nn - 1; i >= 0; i-- {
		n := &d.nodes[i]
		inlines := false
		for _, in := range n.ins {
			inlines = inlines || into[in] == int32(i)
		}
		for k := range n.need {
			g := f.owner[i][k]
			if g < 0 {
				g = int32(len(f.groups))
				f.groups = append(f.groups, group{node: int32(i), k: int32(k), parts: 1, bytes: f.bytes[i][k], task: -1})
				f.owner[i][k] = g
			}
			if !inlines {
				continue
			}
			for _, r := range n.refs(k) {
				pi := n.ins[r.Input]
				if into[pi] != int32(i) {
					continue
				}
				pk := d.nodes[pi].slot[r.Block]
				if f.owner[pi][pk] >= 0 {
					continue // used twice by this block (x*x)
				}
				b := f.bytes[pi][pk]
				if budget > 0 && f.groups[g].bytes+b > budget {
					continue
				}
				f.owner[pi][pk] = g
				f.groups[g].bytes += b
				f.groups[g].parts++
			}
		}
	}
	return f
}

// fusible returns, for each node, the node it may be inlined into, or -1
// (see fuse for the rules).
func fusible(d *dag, opts Options) []int32 {
	nn := len(d.nodes)
	into := make([]int32, nn)
	for i := range into {
		into[i] = -1
	}
	if opts.NoFuse {
		return into
	}
	const several = -2
	consumer := make([]int32, nn) // the only consumer node, -1 none yet, several
	user := make([][]int32, nn)   // per needed block: the consumer's block using it, -1, several
	// The last block seen using each node, to find a consumer block
	// using two of its blocks.
	lastC, lastK, lastP := make([]int32, nn), make([]int32, nn), make([]int32, nn)
	for i := range d.nodes {
		consumer[i], lastC[i] = -1, -1
		user[i] = make([]int32, len(d.nodes[i].need))
		for k := range user[i] {
			user[i][k] = -1
		}
	}
	for ci := range d.nodes {
		c := &d.nodes[ci]
		for k := range c.need {
			for _, r := range c.refs(k) {
				pi := c.ins[r.Input]
				if consumer[pi] == several {
					continue
				}
				if consumer[pi] >= 0 && consumer[pi] != int32(ci) {
					consumer[pi] = several
					continue
				}
				consumer[pi] = int32(ci)
				pk := d.nodes[pi].slot[r.Block]
				switch u := user[pi][pk]; {
				case u == -1:
					user[pi][pk] = int32(k)
				case u != int32(k):
					consumer[pi] = several // a block used by two blocks
					continue
				}
				if lastC[pi] == int32(ci) && lastK[pi] == int32(k) && lastP[pi] != pk {
					consumer[pi] = several // a block using two blocks
					continue
				}
				lastC[pi], lastK[pi], lastP[pi] = int32(ci), int32(k), pk
			}
		}
	}
	for pi := range d.nodes {
		ci := consumer[pi]
		p := &d.nodes[pi]
		if ci < 0 || p.output || p.l.fold != nil || d.nodes[ci].l.fold != nil {
			continue
		}
		into[pi] = ci
	}
	return into
}
