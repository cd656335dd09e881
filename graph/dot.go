package graph

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteDOT draws the tasks of p for graphviz (dot -Tsvg): one node per
// task, labelled with its TaskName, a box for a root, an ellipse for a
// compute task, a diamond for a fold step; a fused task lists the layers
// it fused on a second line, and the requested outputs have a double
// border. Edges go from a task to the tasks that use it; inputs are
// drawn below their users. It returns the first error from w.
func WriteDOT(w io.Writer, p *Plan) error {
	bw := bufio.NewWriter(w)
	out := make([]bool, len(p.Tasks))
	for _, t := range p.Outputs {
		out[t] = true
	}
	bw.WriteString("digraph plan {\n\trankdir=BT;\n\tnode [fontname=\"Helvetica\"];\n")
	var sb strings.Builder
	for id := range p.Tasks {
		t := &p.Tasks[id]
		sb.Reset()
		sb.WriteString(p.TaskName(TaskID(id)))
		if len(t.Fused) > 0 {
			sb.WriteString("\nfused: ")
			sb.WriteString(strings.Join(t.Fused, ", "))
		}
		fmt.Fprintf(bw, "\tt%d [label=%s, shape=%s", id, quoteDOT(sb.String()), shapeDOT(t.Kind))
		if out[id] {
			bw.WriteString(", peripheries=2")
		}
		bw.WriteString("];\n")
	}
	for id := range p.Tasks {
		for _, in := range p.Tasks[id].Inputs {
			fmt.Fprintf(bw, "\tt%d -> t%d;\n", in, id)
		}
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

// WriteLayersDOT draws the symbolic graph the outputs reach, before
// fusion, for graphviz: one node per layer (layers with equal IDs are
// one), labelled with its name, kind, grid and the number of its blocks
// that Cull keeps; a layer of which no block is needed is dashed, a
// requested one has a double border. Edges go from a layer to the layers
// that use it. It returns Cull's errors, and the first error from w.
func WriteLayersDOT(w io.Writer, outputs []Output) error {
	d, err := collect(outputs)
	if err != nil {
		return err
	}
	if err := d.cull(); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	bw.WriteString("digraph layers {\n\trankdir=BT;\n\tnode [fontname=\"Helvetica\"];\n")
	for i := range d.nodes {
		n := &d.nodes[i]
		kind, shape := n.l.kind.String(), shapeDOT(n.l.kind)
		if n.l.fold != nil {
			kind = "fold"
		}
		label := fmt.Sprintf("%s\n%s, grid %s\n%d of %d blocks needed", n.l.name, kind, gridDOT(n.l.grid), len(n.need), n.nb)
		fmt.Fprintf(bw, "\tl%d [label=%s, shape=%s", i, quoteDOT(label), shape)
		if n.output {
			bw.WriteString(", peripheries=2")
		}
		if len(n.need) == 0 {
			bw.WriteString(", style=dashed")
		}
		bw.WriteString("];\n")
	}
	for i := range d.nodes {
		for j, in := range d.nodes[i].ins {
			dup := false
			for _, prev := range d.nodes[i].ins[:j] {
				dup = dup || prev == in
			}
			if !dup {
				fmt.Fprintf(bw, "\tl%d -> l%d;\n", in, i)
			}
		}
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

// shapeDOT is the node shape of a kind of task.
func shapeDOT(k Kind) string {
	switch k {
	case Root:
		return "box"
	case Reduce:
		return "diamond"
	}
	return "ellipse"
}

// gridDOT formats a grid as a Python tuple, as dask shows numblocks:
// "(4, 2)", "(4,)", "()".
func gridDOT(grid []int) string {
	var sb strings.Builder
	sb.WriteByte('(')
	for i, n := range grid {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(strconv.Itoa(n))
	}
	if len(grid) == 1 {
		sb.WriteByte(',')
	}
	sb.WriteByte(')')
	return sb.String()
}

// quoteDOT returns s as a DOT double-quoted string: quotes and
// backslashes escaped, line breaks as \n (which graphviz centres).
func quoteDOT(s string) string {
	var sb strings.Builder
	sb.Grow(len(s) + 2)
	sb.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			sb.WriteByte('\\')
			sb.WriteRune(r)
		case '\n':
			sb.WriteString(`\n`)
		case '\r':
		default:
			sb.WriteRune(r)
		}
	}
	sb.WriteByte('"')
	return sb.String()
}
