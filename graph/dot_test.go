package graph_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tesseradata/tessera/graph"
)

var update = flag.Bool("update", false, "rewrite the testdata/*.golden files")

// golden compares got with testdata/name, or rewrites the file with
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./graph -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test ./graph -update rewrites it):\n%s",
			path, diffLines(strings.Split(string(got), "\n"), strings.Split(string(want), "\n")))
	}
}

func TestWriteDOT(t *testing.T) {
	for _, tc := range []struct {
		file   string
		layers bool // WriteLayersDOT rather than WriteDOT
		opts   graph.Options
		sel    bool // clim.sel(JJA, DJF) rather than diff
	}{
		{file: "seasons-layers.golden", layers: true, sel: true},
		{file: "seasons-plan.golden"},
		{file: "seasons-plan-nofuse.golden", opts: graph.Options{NoFuse: true}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			diff, clim := seasons(newCalls())
			outs := []graph.Output{{Layer: diff}}
			if tc.sel {
				outs = []graph.Output{{Layer: clim, Blocks: []int{2, 0}}}
			}
			var buf bytes.Buffer
			var err error
			var p *graph.Plan
			if tc.layers {
				err = graph.WriteLayersDOT(&buf, outs)
			} else {
				p = mustBuild(t, outs, tc.opts)
				err = graph.WriteDOT(&buf, p)
			}
			if err != nil {
				t.Fatal(err)
			}
			g, err := parseDOT(buf.String())
			if err != nil {
				t.Fatalf("invalid DOT: %v\n%s", err, buf.String())
			}
			if p != nil {
				checkDOTPlan(t, g, p)
			}
			golden(t, tc.file, buf.Bytes())
		})
	}
}

// checkDOTPlan checks that the drawing g of p has a node per task
// labelled with its name and an edge per input.
func checkDOTPlan(t *testing.T, g *dotGraph, p *graph.Plan) {
	t.Helper()
	if len(g.order) != len(p.Tasks) {
		t.Errorf("%d nodes for %d tasks", len(g.order), len(p.Tasks))
	}
	edges := 0
	for id, task := range p.Tasks {
		attrs := g.nodes[fmt.Sprintf("t%d", id)]
		label, _, _ := strings.Cut(attrs["label"], "\n")
		if label != p.TaskName(graph.TaskID(id)) {
			t.Errorf("task %d labelled %q, want %q", id, label, p.TaskName(graph.TaskID(id)))
		}
		edges += len(task.Inputs)
	}
	if len(g.edges) != edges {
		t.Errorf("%d edges for %d inputs", len(g.edges), edges)
	}
}

func TestWriteLayersDOTGrids(t *testing.T) {
	var buf bytes.Buffer
	fn := func([]int) graph.TaskFunc { return nil }
	scalar := graph.NewLayer(graph.Spec{Op: "s", Name: "s", Kind: graph.Root, Func: fn})
	plane := graph.NewLayer(graph.Spec{Op: "p", Name: "p", Grid: []int{2, 3}, Inputs: []*graph.Layer{scalar},
		Deps: func(_ []int, dst []graph.Ref) []graph.Ref { return append(dst, graph.Ref{}) }, Func: fn})
	if err := graph.WriteLayersDOT(&buf, []graph.Output{{Layer: plane, Blocks: []int{4}}}); err != nil {
		t.Fatal(err)
	}
	g, err := parseDOT(buf.String())
	if err != nil {
		t.Fatalf("invalid DOT: %v\n%s", err, buf.String())
	}
	for id, want := range map[string]string{
		"l0": "s\nroot, grid ()\n1 of 1 blocks needed",
		"l1": "p\ncompute, grid (2, 3)\n1 of 6 blocks needed",
	} {
		if got := g.nodes[id]["label"]; got != want {
			t.Errorf("%s: label %q, want %q", id, got, want)
		}
	}
}

func TestWriteDOTQuotes(t *testing.T) {
	name := "we\"ird\\name\nwith {braces} -> [brackets];"
	l := graph.NewLayer(graph.Spec{
		Op: "q", Name: name, Kind: graph.Root, Grid: []int{1},
		Func: func([]int) graph.TaskFunc { return nil },
	})
	var buf bytes.Buffer
	p := mustBuild(t, []graph.Output{{Layer: l}}, graph.Options{})
	if err := graph.WriteDOT(&buf, p); err != nil {
		t.Fatal(err)
	}
	g, err := parseDOT(buf.String())
	if err != nil {
		t.Fatalf("invalid DOT: %v\n%s", err, buf.String())
	}
	if got := g.nodes["t0"]["label"]; got != name+"/0" {
		t.Errorf("label %q, want %q", got, name+"/0")
	}
	buf.Reset()
	if err := graph.WriteLayersDOT(&buf, []graph.Output{{Layer: l}}); err != nil {
		t.Fatal(err)
	}
	g, err = parseDOT(buf.String())
	if err != nil {
		t.Fatalf("invalid DOT: %v\n%s", err, buf.String())
	}
	if got, want := g.nodes["l0"]["label"], name+"\nroot, grid (1,)\n1 of 1 blocks needed"; got != want {
		t.Errorf("label %q, want %q", got, want)
	}
}

// failWriter fails every write.
type failWriter struct{}

var errWrite = errors.New("disk full")

func (failWriter) Write([]byte) (int, error) { return 0, errWrite }

func TestWriteDOTErrors(t *testing.T) {
	diff, _ := seasons(newCalls())
	p := mustBuild(t, []graph.Output{{Layer: diff}}, graph.Options{})
	if err := graph.WriteDOT(failWriter{}, p); !errors.Is(err, errWrite) {
		t.Errorf("WriteDOT error %v, want the writer's", err)
	}
	if err := graph.WriteLayersDOT(failWriter{}, []graph.Output{{Layer: diff}}); !errors.Is(err, errWrite) {
		t.Errorf("WriteLayersDOT error %v, want the writer's", err)
	}
	if err := graph.WriteLayersDOT(&bytes.Buffer{}, []graph.Output{{Layer: diff, Blocks: []int{1}}}); !errors.Is(err, graph.ErrOutput) {
		t.Errorf("WriteLayersDOT error %v, want ErrOutput", err)
	}
}

func TestParseDOT(t *testing.T) {
	// The checker itself must reject what graphviz would.
	for _, src := range []string{
		"digraph g {\n\ta [label=\"x\"];\n",   // unbalanced braces
		"digraph g {\n\ta [label=\"x];\n}\n",  // unterminated string
		"digraph g {\n\ta;\n\ta -> b;\n}\n",   // edge to an undeclared node
		"digraph g {\n\ta [label=x y];\n}\n",  // two values
		"digraph g {\n\ta [label=\"x\"]\n}\n", // missing semicolon
		"digraph g {\n\ta;\n\ta;\n}\n",        // node declared twice
		"digraph g {\n\ta;\n}\n}\n",           // trailing brace
		"graph g {\n\ta;\n}\n",                // not a digraph
	} {
		if _, err := parseDOT(src); err == nil {
			t.Errorf("parseDOT accepted %q", src)
		}
	}
	g, err := parseDOT("digraph g {\n\trankdir=BT;\n\tnode [fontname=\"H\"];\n\ta [label=\"x\\\"y\\\\z\\nw\", shape=box];\n\tb;\n\ta -> b;\n}\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := g.nodes["a"]["label"]; got != "x\"y\\z\nw" || len(g.edges) != 1 {
		t.Errorf("label %q, %d edges", got, len(g.edges))
	}
}

// dotGraph is what parseDOT finds in a drawing.
type dotGraph struct {
	nodes map[string]map[string]string // node -> attribute -> decoded value
	order []string                     // nodes in order of declaration
	edges [][2]string
}

// parseDOT checks that src is a digraph in the subset of graphviz's DOT
// language that WriteDOT writes (graphviz is not installed where the
// tests run): statements ended by semicolons, attribute lists of
// name=value pairs separated by commas, quoted strings with escapes,
// balanced braces, and edges only between nodes declared before them.
func parseDOT(src string) (*dotGraph, error) {
	toks, err := lexDOT(src)
	if err != nil {
		return nil, err
	}
	g := &dotGraph{nodes: map[string]map[string]string{}}
	i := 0
	peek := func() dotTok {
		if i < len(toks) {
			return toks[i]
		}
		return dotTok{kind: 'E'}
	}
	next := func() dotTok { t := peek(); i++; return t }
	expect := func(kind byte) (dotTok, error) {
		t := next()
		if t.kind != kind {
			return t, fmt.Errorf("token %d: got %q (%c), want %c", i-1, t.text, t.kind, kind)
		}
		return t, nil
	}
	attrs := func() (map[string]string, error) {
		m := map[string]string{}
		if peek().kind != '[' {
			return m, nil
		}
		next()
		for peek().kind != ']' {
			k, err := expect('I')
			if err != nil {
				return nil, err
			}
			if _, err := expect('='); err != nil {
				return nil, err
			}
			v, err := expect('I')
			if err != nil {
				return nil, err
			}
			m[k.text] = v.text
			if peek().kind == ',' {
				next()
			} else if peek().kind != ']' {
				return nil, fmt.Errorf("token %d: %q in an attribute list", i, peek().text)
			}
		}
		next()
		return m, nil
	}
	if t, err := expect('I'); err != nil || t.text != "digraph" || t.quoted {
		return nil, fmt.Errorf("not a digraph: %q", t.text)
	}
	if peek().kind == 'I' {
		next()
	}
	if _, err := expect('{'); err != nil {
		return nil, err
	}
	for peek().kind != '}' {
		id, err := expect('I')
		if err != nil {
			return nil, err
		}
		switch {
		case peek().kind == '=':
			next()
			if _, err := expect('I'); err != nil {
				return nil, err
			}
		case !id.quoted && (id.text == "node" || id.text == "edge" || id.text == "graph"):
			if _, err := attrs(); err != nil {
				return nil, err
			}
		case peek().kind == '>':
			next()
			to, err := expect('I')
			if err != nil {
				return nil, err
			}
			for _, n := range []string{id.text, to.text} {
				if g.nodes[n] == nil {
					return nil, fmt.Errorf("edge %s -> %s: node %s not declared", id.text, to.text, n)
				}
			}
			if _, err := attrs(); err != nil {
				return nil, err
			}
			g.edges = append(g.edges, [2]string{id.text, to.text})
		default:
			if g.nodes[id.text] != nil {
				return nil, fmt.Errorf("node %s declared twice", id.text)
			}
			m, err := attrs()
			if err != nil {
				return nil, err
			}
			g.nodes[id.text] = m
			g.order = append(g.order, id.text)
		}
		if _, err := expect(';'); err != nil {
			return nil, err
		}
	}
	next()
	if t := next(); t.kind != 'E' {
		return nil, fmt.Errorf("%q after the closing brace", t.text)
	}
	return g, nil
}

// dotTok is a token of DOT: kind 'I' for an ID (text decoded if quoted),
// '>' for an edge operator, the character itself for punctuation, 'E'
// for the end.
type dotTok struct {
	kind   byte
	text   string
	quoted bool
}

func lexDOT(src string) ([]dotTok, error) {
	var toks []dotTok
	isID := func(c byte) bool {
		return c == '_' || c == '.' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
	}
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			i++
		case strings.IndexByte("{}[];,=", c) >= 0:
			toks = append(toks, dotTok{kind: c, text: string(c)})
			i++
		case c == '-' && i+1 < len(src) && src[i+1] == '>':
			toks = append(toks, dotTok{kind: '>', text: "->"})
			i += 2
		case c == '"':
			var sb strings.Builder
			i++
			for {
				if i >= len(src) {
					return nil, fmt.Errorf("unterminated string")
				}
				c := src[i]
				if c == '"' {
					i++
					break
				}
				if c == '\n' {
					return nil, fmt.Errorf("raw line break in a string")
				}
				if c == '\\' && i+1 < len(src) {
					// graphviz's escString: \n \l \r are line breaks.
					switch e := src[i+1]; e {
					case 'n', 'l', 'r':
						sb.WriteByte('\n')
					default:
						sb.WriteByte(e)
					}
					i += 2
					continue
				}
				sb.WriteByte(c)
				i++
			}
			toks = append(toks, dotTok{kind: 'I', text: sb.String(), quoted: true})
		case isID(c):
			j := i
			for j < len(src) && isID(src[j]) {
				j++
			}
			toks = append(toks, dotTok{kind: 'I', text: src[i:j]})
			i = j
		default:
			return nil, fmt.Errorf("unexpected %q at offset %d", c, i)
		}
	}
	return toks, nil
}
