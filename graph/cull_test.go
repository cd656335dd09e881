package graph_test

import (
	"strings"
	"testing"

	"github.com/tesseradata/tessera/graph"
)

// bits formats a Cull bitset as "x.x." (x: needed).
func bits(need []bool) string {
	var sb strings.Builder
	for _, n := range need {
		if n {
			sb.WriteByte('x')
		} else {
			sb.WriteByte('.')
		}
	}
	return sb.String()
}

func TestCull(t *testing.T) {
	add := func(v []float64) float64 { return v[0] + v[1] }
	first := func(v []float64) float64 { return v[0] }
	for _, tc := range []struct {
		name string
		// build returns the outputs and the layers to check, in the
		// order of want.
		build func(c *calls) ([]graph.Output, []*graph.Layer)
		want  []string
	}{{
		// add/2 = a/2 + c/0: c's one block is broadcast.
		name: "broadcast",
		build: func(c *calls) ([]graph.Output, []*graph.Layer) {
			a, b := c.root("a", []int{4}, 0), c.root("c", []int{1}, 0)
			s := c.apply("add", nil, nil, add, 0, a, b)
			return []graph.Output{{Layer: s, Blocks: []int{2}}}, []*graph.Layer{s, a, b}
		},
		want: []string{"..x.", "..x.", "x"},
	}, {
		// gather/1 needs r/2 and r/3.
		name: "many to one",
		build: func(c *calls) ([]graph.Output, []*graph.Layer) {
			r := c.root("r", []int{6}, 0)
			deps := func(b []int) []graph.Ref { return []graph.Ref{{0, 2 * b[0]}, {0, 2*b[0] + 1}} }
			g := c.apply("gather", []int{3}, deps, add, 0, r)
			return []graph.Output{{Layer: g, Blocks: []int{1}}}, []*graph.Layer{g, r}
		},
		want: []string{".x.", "..xx.."},
	}, {
		// A 2-d selection: row 1 of a 2x3 grid, through a chain.
		name: "selection",
		build: func(c *calls) ([]graph.Output, []*graph.Layer) {
			r := c.root("r", []int{2, 3}, 0)
			m := c.scale("m", 2, 0, r)
			return []graph.Output{{Layer: m, Blocks: []int{3, 5}}}, []*graph.Layer{m, r}
		},
		want: []string{"...x.x", "...x.x"},
	}, {
		// concat of a and b, of which only a's blocks are requested:
		// b is reached but nothing of it is needed.
		name: "input unused",
		build: func(c *calls) ([]graph.Output, []*graph.Layer) {
			a, b := c.root("a", []int{2}, 0), c.root("b", []int{2}, 0)
			deps := func(o []int) []graph.Ref { return []graph.Ref{{o[0] / 2, o[0] % 2}} }
			cat := c.apply("cat", []int{4}, deps, first, 0, a, b)
			return []graph.Output{{Layer: cat, Blocks: []int{1, 0}}}, []*graph.Layer{cat, a, b}
		},
		want: []string{"xx..", "xx", ".."},
	}, {
		// Two outputs share their input blocks.
		name: "shared",
		build: func(c *calls) ([]graph.Output, []*graph.Layer) {
			r := c.root("r", []int{3}, 0)
			x, y := c.scale("x", 2, 0, r), c.scale("y", 3, 0, r)
			return []graph.Output{{Layer: x, Blocks: []int{0}}, {Layer: y, Blocks: []int{2, 0}}}, []*graph.Layer{x, y, r}
		},
		want: []string{"x..", "x.x", "x.x"},
	}, {
		name: "no blocks",
		build: func(c *calls) ([]graph.Output, []*graph.Layer) {
			r := c.root("r", []int{3}, 0)
			return []graph.Output{{Layer: r, Blocks: []int{}}}, []*graph.Layer{r}
		},
		want: []string{"..."},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			outs, layers := tc.build(newCalls())
			needed, err := graph.Cull(outs)
			if err != nil {
				t.Fatal(err)
			}
			if len(needed) != len(layers) {
				t.Errorf("Cull returned %d layers, want %d", len(needed), len(layers))
			}
			var got []string
			for _, l := range layers {
				got = append(got, bits(needed[l.ID()]))
			}
			if d := diffLines(got, tc.want); d != "" {
				t.Error(d)
			}
		})
	}
}
