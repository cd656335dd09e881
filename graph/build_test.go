package graph_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/tesseradata/tessera/graph"
)

// seasons builds the graph of abs(clim.sel(JJA) - clim.sel(DJF)) over a
// read of eight time blocks, two per season: season s holds blocks s
// and s+4.
//
//	           diff/0
//	          /      \
//	      JJA/0      DJF/0       MAM/0   SON/0   (folds; MAM, SON unused)
//	      /   \      /   \
//	partial/2 /6  partial/0 /4   partial/1 /3 /5 /7   (unused)
//	     |     |      |     |
//	 read/2  read/6 read/0 read/4   read/1 /3 /5 /7   (unused)
//
// It returns diff and clim, the four seasons stacked in a layer of four
// blocks (clim/s is fold s), which reaches all four folds.
func seasons(c *calls) (diff, clim *graph.Layer) {
	read := c.root("read", []int{8}, 100)
	partial := c.scale("partial", 10, 8, read)
	names := []string{"DJF", "MAM", "JJA", "SON"}
	folds := make([]*graph.Layer, 4)
	for s, name := range names {
		folds[s] = c.sum(name, []int{1}, partial, func([]int) []int { return []int{s, s + 4} }, nil)
	}
	diff = c.apply("diff", nil, nil, func(v []float64) float64 { return math.Abs(v[0] - v[1]) }, 8, folds[2], folds[0])
	clim = c.apply("clim", []int{4}, func(b []int) []graph.Ref { return []graph.Ref{{Input: b[0]}} },
		func(v []float64) float64 { return v[0] }, 8, folds...)
	return diff, clim
}

func TestBuildRunsOnlyUsedBranches(t *testing.T) {
	for _, tc := range []struct {
		name   string
		opts   graph.Options
		tasks  int
		layers []string
	}{
		{"fused", graph.Options{}, 9, []string{"partial(fused read)", "JJA", "DJF", "diff"}},
		{"unfused", graph.Options{NoFuse: true}, 13, []string{"read", "partial", "JJA", "DJF", "diff"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCalls()
			diff, _ := seasons(c)
			p := mustBuild(t, []graph.Output{{Layer: diff}}, tc.opts)
			if len(p.Tasks) != tc.tasks {
				t.Errorf("%d tasks, want %d:\n%s", len(p.Tasks), tc.tasks, strings.Join(describe(p), "\n"))
			}
			if d := diffLines(layerNames(p), tc.layers); d != "" {
				t.Errorf("layers: %s", d)
			}
			// Only the blocks of JJA and DJF are ever materialised.
			wantFuncs := map[string]int{"read": 4, "partial": 4, "diff": 1}
			if fmt.Sprint(c.funcs) != fmt.Sprint(wantFuncs) {
				t.Errorf("Func calls %v, want %v", c.funcs, wantFuncs)
			}
			out := mustExecute(t, p)
			// JJA = 10*(3+7), DJF = 10*(1+5).
			if out[0] != 40.0 {
				t.Errorf("diff = %v, want 40", out[0])
			}
			wantRuns := map[string]int{"read": 4, "partial": 4, "JJA": 2, "DJF": 2, "diff": 1}
			if fmt.Sprint(c.runs) != fmt.Sprint(wantRuns) {
				t.Errorf("runs %v, want %v", c.runs, wantRuns)
			}
		})
	}
	// clim.sel(season=["JJA", "DJF"]): all four folds are reached, two
	// are used.
	c := newCalls()
	_, clim := seasons(c)
	p := mustBuild(t, []graph.Output{{Layer: clim, Blocks: []int{2, 0}}}, graph.Options{})
	if out := mustExecute(t, p); fmt.Sprint(out) != "[100 60]" {
		t.Errorf("clim[JJA, DJF] = %v, want [100 60]", out)
	}
	wantRuns := map[string]int{"read": 4, "partial": 4, "JJA": 2, "DJF": 2, "clim": 2}
	if fmt.Sprint(c.runs) != fmt.Sprint(wantRuns) {
		t.Errorf("sel: runs %v, want %v", c.runs, wantRuns)
	}
}

// pipeline builds read -> decode -> scale -> map -> partial -> sum over n
// blocks, every layer projecting 10 bytes a block.
func pipeline(c *calls, n int) *graph.Layer {
	read := c.root("read", []int{n}, 10)
	decode := c.scale("decode", 0.5, 10, read)
	scale := c.apply("scale", nil, nil, func(v []float64) float64 { return v[0] + 1 }, 10, decode)
	m := c.apply("map", nil, nil, func(v []float64) float64 { return v[0] * v[0] }, 10, scale)
	partial := c.scale("partial", 2, 10, m)
	return c.sum("sum", []int{1}, partial, func([]int) []int { return all(n) }, nil)
}

func TestBuildFusedPipeline(t *testing.T) {
	const n = 16
	want := 0.0
	for f := range n {
		x := float64(f+1)*0.5 + 1
		want += 2 * x * x
	}

	c := newCalls()
	fused := mustBuild(t, []graph.Output{{Layer: pipeline(c, n)}}, graph.Options{})
	if len(fused.Tasks) != 2*n {
		t.Fatalf("fused: %d tasks, want %d (one per block and %d steps)", len(fused.Tasks), 2*n, n)
	}
	if d := diffLines(layerNames(fused), []string{"partial(fused read,decode,scale,map)", "sum"}); d != "" {
		t.Errorf("fused layers: %s", d)
	}
	for id, task := range fused.Tasks {
		if fused.Layers[task.Layer].Name != "partial" {
			continue
		}
		name := fused.TaskName(graph.TaskID(id))
		if task.Kind != graph.Root || len(task.Inputs) != 0 || task.Bytes != 50 || task.CacheKey != "" ||
			strings.Join(task.Fused, ",") != "read,decode,scale,map" {
			t.Errorf("%s: kind %v, inputs %v, bytes %d, key %q, fused %v; want root, none, 50, \"\", read..map",
				name, task.Kind, task.Inputs, task.Bytes, task.CacheKey, task.Fused)
		}
	}
	got := mustExecute(t, fused)[0]
	for _, name := range []string{"read", "decode", "scale", "map", "partial", "sum"} {
		if c.runs[name] != n {
			t.Errorf("fused: %s ran %d times, want %d", name, c.runs[name], n)
		}
	}

	c = newCalls()
	unfused := mustBuild(t, []graph.Output{{Layer: pipeline(c, n)}}, graph.Options{NoFuse: true})
	if len(unfused.Tasks) != 6*n {
		t.Fatalf("unfused: %d tasks, want %d", len(unfused.Tasks), 6*n)
	}
	ref := mustExecute(t, unfused)[0]
	if got != ref || got != want {
		t.Errorf("fused sum = %v, unfused %v, want %v", got, ref, want)
	}
}

func TestBuildMergesEqualIDs(t *testing.T) {
	// The same expression built twice, by two builders: equal IDs.
	c := newCalls()
	a := pipeline(c, 4)
	b := pipeline(c, 4)
	if a == b || a.ID() != b.ID() {
		t.Fatalf("IDs %v, %v: want distinct layers with equal IDs", a.ID(), b.ID())
	}
	one := mustBuild(t, []graph.Output{{Layer: a}}, graph.Options{})
	two := mustBuild(t, []graph.Output{{Layer: a}, {Layer: b}}, graph.Options{})
	if len(two.Tasks) != len(one.Tasks) {
		t.Errorf("built twice: %d tasks, want %d", len(two.Tasks), len(one.Tasks))
	}
	if len(two.Outputs) != 2 || two.Outputs[0] != two.Outputs[1] {
		t.Errorf("Outputs = %v, want the same task twice", two.Outputs)
	}
	// Shared subexpressions merge too: x + x over two builds of x.
	c = newCalls()
	x1 := c.scale("x", 3, 0, c.root("r", []int{2}, 0))
	x2 := c.scale("x", 3, 0, c.root("r", []int{2}, 0))
	add := c.apply("add", nil, nil, func(v []float64) float64 { return v[0] + v[1] }, 0, x1, x2)
	p := mustBuild(t, []graph.Output{{Layer: add}}, graph.Options{NoFuse: true})
	want := []string{
		"r/0 root", "x/0 compute <- r/0", "add/0 compute <- x/0 x/0",
		"r/1 root", "x/1 compute <- r/1", "add/1 compute <- x/1 x/1",
	}
	if d := diffLines(describe(p), want); d != "" {
		t.Error(d)
	}
	if out := mustExecute(t, p); out[0] != 6.0 || out[1] != 12.0 {
		t.Errorf("x + x = %v, want [6 12]", out)
	}
}

func TestFusion(t *testing.T) {
	id := func(v []float64) float64 { return v[0] }
	add := func(v []float64) float64 { return v[0] + v[1] }
	for _, tc := range []struct {
		name  string
		build func(c *calls) []graph.Output
		opts  graph.Options
		want  []string // describe(plan)
		out   []any
	}{{
		name: "chain",
		build: func(c *calls) []graph.Output {
			return []graph.Output{{Layer: c.scale("b", 2, 1, c.scale("a", 2, 1, c.root("r", []int{2}, 1)))}}
		},
		want: []string{"b/0 root fused(r,a)", "b/1 root fused(r,a)"},
		out:  []any{4.0, 8.0},
	}, {
		name: "no fuse",
		build: func(c *calls) []graph.Output {
			return []graph.Output{{Layer: c.scale("b", 2, 1, c.scale("a", 2, 1, c.root("r", []int{1}, 1)))}}
		},
		opts: graph.Options{NoFuse: true},
		want: []string{"r/0 root", "a/0 compute <- r/0", "b/0 compute <- a/0"},
		out:  []any{4.0},
	}, {
		// A broadcast block read by two consumer blocks stays a task;
		// the other input fuses.
		//
		//	add/0   add/1
		//	 | \   / |
		//	 |  c/0  |
		//	r/0     r/1
		name: "broadcast",
		build: func(c *calls) []graph.Output {
			return []graph.Output{{Layer: c.apply("add", nil, nil, add, 1, c.root("r", []int{2}, 1), c.root("c", []int{1}, 1))}}
		},
		want: []string{"c/0 root", "add/0 root fused(r) <- c/0", "add/1 root fused(r) <- c/0"},
		out:  []any{2.0, 3.0},
	}, {
		name: "two consumers",
		build: func(c *calls) []graph.Output {
			r := c.root("r", []int{1}, 1)
			return []graph.Output{{Layer: c.apply("add", nil, nil, add, 1, c.scale("a", 2, 1, r), c.scale("b", 3, 1, r))}}
		},
		opts: graph.Options{ShareRoots: true},
		want: []string{"r/0 root", "add/0 compute fused(a,b) <- r/0"},
		out:  []any{5.0},
	}, {
		// Without ShareRoots the source is still shared: neither of its
		// consumers depends on the other.
		name: "two independent consumers",
		build: func(c *calls) []graph.Output {
			r := c.root("r", []int{1}, 1)
			return []graph.Output{{Layer: c.apply("add", nil, nil, add, 1, c.scale("a", 2, 1, r), c.scale("b", 3, 1, r))}}
		},
		want: []string{"r/0 root", "add/0 compute fused(a,b) <- r/0"},
		out:  []any{5.0},
	}, {
		name: "producer requested",
		build: func(c *calls) []graph.Output {
			a := c.scale("a", 2, 1, c.root("r", []int{1}, 1))
			return []graph.Output{{Layer: c.scale("b", 2, 1, a)}, {Layer: a}}
		},
		want: []string{"a/0 root fused(r)", "b/0 compute <- a/0"},
		out:  []any{4.0, 2.0},
	}, {
		name: "x*x",
		build: func(c *calls) []graph.Output {
			a := c.scale("a", 3, 1, c.root("r", []int{1}, 1))
			return []graph.Output{{Layer: c.apply("sq", nil, nil, func(v []float64) float64 { return v[0] * v[1] }, 1, a, a)}}
		},
		want: []string{"sq/0 root fused(r,a)"},
		out:  []any{9.0},
	}, {
		// A rechunk gathers two blocks into one: not one-to-one.
		name: "many to one",
		build: func(c *calls) []graph.Output {
			deps := func(b []int) []graph.Ref { return []graph.Ref{{0, 2 * b[0]}, {0, 2*b[0] + 1}} }
			return []graph.Output{{Layer: c.apply("gather", []int{1}, deps, add, 1, c.root("r", []int{2}, 1))}}
		},
		want: []string{"r/0 root", "r/1 root", "gather/0 compute <- r/0 r/1"},
		out:  []any{3.0},
	}, {
		// Nothing fuses into a fold step, and a fold does not fuse into
		// its consumer; the partial's chain does fuse.
		name: "fold",
		build: func(c *calls) []graph.Output {
			s := c.sum("s", []int{1}, c.scale("p", 2, 1, c.root("r", []int{2}, 1)), func([]int) []int { return []int{0, 1} }, nil)
			return []graph.Output{{Layer: c.scale("m", 10, 1, s)}}
		},
		want: []string{"p/0 root fused(r)", "s/0#0 reduce <- p/0", "p/1 root fused(r)", "s/0#1 reduce <- s/0#0 p/1", "m/0 compute <- s/0#1"},
		out:  []any{60.0},
	}, {
		// 1+1 fits in 2, a third part does not: read and a fuse,
		// b and c fuse, no task holds more than 2 bytes.
		name: "budget",
		build: func(c *calls) []graph.Output {
			return []graph.Output{{Layer: c.scale("c", 1, 1, c.scale("b", 1, 1, c.scale("a", 1, 1, c.root("r", []int{2}, 1))))}}
		},
		opts: graph.Options{MaxTaskBytes: 2},
		want: []string{"a/0 root fused(r)", "c/0 compute fused(b) <- a/0", "a/1 root fused(r)", "c/1 compute fused(b) <- a/1"},
		out:  []any{1.0, 2.0},
	}, {
		// Block 1 of r is too big to fuse: the budget is per block.
		name: "budget per block",
		build: func(c *calls) []graph.Output {
			r := graph.NewLayer(graph.Spec{
				Op: "big", Name: "r", Kind: graph.Root, Grid: []int{2},
				Func: func(b []int) graph.TaskFunc {
					return func(*graph.Exec, []any) (any, error) { return float64(b[0] + 1), nil }
				},
				Bytes: func(b []int) int64 { return int64(1 + 10*b[0]) },
			})
			return []graph.Output{{Layer: c.scale("a", 1, 1, r)}}
		},
		opts: graph.Options{MaxTaskBytes: 5},
		want: []string{"a/0 root fused(r)", "r/1 root", "a/1 compute <- r/1"},
		out:  []any{1.0, 2.0},
	}, {
		name: "budget below one task",
		build: func(c *calls) []graph.Output {
			return []graph.Output{{Layer: c.scale("a", 1, 10, c.root("r", []int{1}, 1))}}
		},
		opts: graph.Options{MaxTaskBytes: 5},
		want: []string{"r/0 root", "a/0 compute <- r/0"},
		out:  []any{1.0},
	}, {
		name: "identity deps",
		build: func(c *calls) []graph.Output {
			// An explicit Deps that reverses the blocks is one-to-one.
			deps := func(b []int) []graph.Ref { return []graph.Ref{{0, 1 - b[0]}} }
			return []graph.Output{{Layer: c.apply("rev", []int{2}, deps, id, 1, c.root("r", []int{2}, 1))}}
		},
		want: []string{"rev/0 root fused(r)", "rev/1 root fused(r)"},
		out:  []any{2.0, 1.0},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCalls()
			p := mustBuild(t, tc.build(c), tc.opts)
			if d := diffLines(describe(p), tc.want); d != "" {
				t.Error(d)
			}
			if max := tc.opts.MaxTaskBytes; max > 0 {
				for id, task := range p.Tasks {
					if len(task.Fused) > 0 && task.Bytes > max {
						t.Errorf("%s: %d bytes > %d", p.TaskName(graph.TaskID(id)), task.Bytes, max)
					}
				}
			}
			out := mustExecute(t, p)
			if fmt.Sprint(out) != fmt.Sprint(tc.out) {
				t.Errorf("outputs %v, want %v", out, tc.out)
			}
			for name, n := range c.runs {
				if n != c.funcs[name] && name != "s" {
					t.Errorf("%s ran %d times for %d tasks", name, n, c.funcs[name])
				}
			}
		})
	}
}

// errLayer is a root whose block fails with err.
func errLayer(name string, err error) *graph.Layer {
	return graph.NewLayer(graph.Spec{
		Op: "err:" + name, Name: name, Kind: graph.Root, Grid: []int{2},
		Func: func(b []int) graph.TaskFunc {
			return func(*graph.Exec, []any) (any, error) {
				if b[0] == 1 {
					return nil, err
				}
				return 1.0, nil
			}
		},
	})
}

func TestFusedError(t *testing.T) {
	boom := errors.New("boom")
	c := newCalls()
	p := mustBuild(t, []graph.Output{{Layer: c.scale("a", 2, 0, errLayer("read", boom))}}, graph.Options{})
	_, err := execute(t, p)
	const want = "task a/1: read/1: boom"
	if err == nil || err.Error() != want || !errors.Is(err, boom) {
		t.Errorf("error %v, want %q wrapping boom", err, want)
	}
	// The last part's error is the task's own: not wrapped again.
	fail := graph.NewLayer(graph.Spec{
		Op: "fail", Name: "b", Grid: []int{1}, Inputs: []*graph.Layer{c.root("r", []int{1}, 0)},
		Func: func([]int) graph.TaskFunc {
			return func(*graph.Exec, []any) (any, error) { return nil, boom }
		},
	})
	p = mustBuild(t, []graph.Output{{Layer: fail}}, graph.Options{})
	if len(p.Tasks) != 1 {
		t.Fatalf("%d tasks, want 1 fused", len(p.Tasks))
	}
	if _, err := execute(t, p); err == nil || err.Error() != "task b/0: boom" {
		t.Errorf("error %v, want %q", err, "task b/0: boom")
	}
}

// mapCache is a Cache for tests.
type mapCache map[string]any

func (m mapCache) Get(k string) (any, bool)     { v, ok := m[k]; return v, ok }
func (m mapCache) Set(k string, v any, _ int64) { m[k] = v }

func TestFusedCache(t *testing.T) {
	c := newCalls()
	read := graph.NewLayer(graph.Spec{
		Op: "read", Name: "read", Kind: graph.Root, Grid: []int{3},
		Func: func(b []int) graph.TaskFunc {
			return func(*graph.Exec, []any) (any, error) {
				c.run("read")
				return float64(b[0]), nil
			}
		},
		Bytes:    bytesOf(8),
		CacheKey: func(b []int) string { return graph.BlockName("file.nc:t2m", b) },
	})
	for _, tc := range []struct {
		name string
		opts graph.Options
	}{{"fused", graph.Options{}}, {"unfused", graph.Options{NoFuse: true}}} {
		t.Run(tc.name, func(t *testing.T) {
			p := mustBuild(t, []graph.Output{{Layer: c.scale("decode", 2, 8, read)}}, tc.opts)
			var keys []string
			for _, task := range p.Tasks {
				keys = append(keys, task.CacheKey)
			}
			want := []string{"", "", ""}
			if tc.opts.NoFuse {
				// The scheduler caches unfused roots by their key.
				want = []string{"file.nc:t2m/0", "file.nc:t2m/1", "file.nc:t2m/2", "", "", ""}
			}
			if !slices.Equal(keys, want) {
				t.Errorf("cache keys %q, want %q", keys, want)
			}
		})
	}
	p := mustBuild(t, []graph.Output{{Layer: c.scale("decode", 2, 8, read)}}, graph.Options{})
	cache := mapCache{}
	c.runs = map[string]int{}
	for run := range 2 {
		x := &graph.Exec{Ctx: t.Context(), Cache: cache}
		for _, id := range p.Order {
			v, err := p.Tasks[id].Run(x, nil)
			if err != nil || v != 2*float64(p.Tasks[id].Block) {
				t.Fatalf("run %d: %s = %v, %v", run, p.TaskName(id), v, err)
			}
		}
		if want := int64(3 * run); x.CacheHits() != want {
			t.Errorf("run %d: %d cache hits, want %d", run, x.CacheHits(), want)
		}
	}
	if c.runs["read"] != 3 || len(cache) != 3 || cache["file.nc:t2m/2"] != 2.0 {
		t.Errorf("read ran %d times, cache %v; want 3 and 3 entries", c.runs["read"], cache)
	}
}

func TestFusedCancel(t *testing.T) {
	c := newCalls()
	p := mustBuild(t, []graph.Output{{Layer: c.scale("a", 2, 0, c.root("r", []int{1}, 0))}}, graph.Options{})
	errStop := errors.New("stop")
	ctx, cancel := context.WithCancelCause(t.Context())
	cancel(errStop)
	_, err := p.Tasks[0].Run(&graph.Exec{Ctx: ctx}, nil)
	if !errors.Is(err, errStop) {
		t.Errorf("error %v, want the context's cause", err)
	}
	if c.runs["a"] != 0 {
		t.Errorf("a ran after cancellation")
	}
}

func TestBuildDeepChain(t *testing.T) {
	// A chain deeper than any recursion should go: 20000 layers of +1.
	const depth = 20000
	c := newCalls()
	l := c.root("r", []int{1}, 0)
	for range depth {
		l = c.apply("inc", nil, nil, func(v []float64) float64 { return v[0] + 1 }, 0, l)
	}
	for _, tc := range []struct {
		name  string
		opts  graph.Options
		tasks int
	}{{"fused", graph.Options{}, 1}, {"unfused", graph.Options{NoFuse: true}, depth + 1}} {
		t.Run(tc.name, func(t *testing.T) {
			p := mustBuild(t, []graph.Output{{Layer: l}}, tc.opts)
			if len(p.Tasks) != tc.tasks {
				t.Fatalf("%d tasks, want %d", len(p.Tasks), tc.tasks)
			}
			if out := mustExecute(t, p); out[0] != float64(depth+1) {
				t.Errorf("value %v, want %d", out[0], depth+1)
			}
		})
	}
}

func TestBuildErrors(t *testing.T) {
	c := newCalls()
	r := c.root("r", []int{2, 3}, 0)
	badDeps := func(ref graph.Ref) *graph.Layer {
		return c.apply("bad", []int{2}, func([]int) []graph.Ref { return []graph.Ref{ref} }, func([]float64) float64 { return 0 }, 0, r)
	}
	other := graph.NewLayer(graph.Spec{Op: "root:r", Name: "r2", Kind: graph.Root, Grid: []int{3},
		Func: func([]int) graph.TaskFunc { return nil }})
	for _, tc := range []struct {
		name string
		outs []graph.Output
		is   error
		want string
	}{
		{"nil layer", []graph.Output{{Layer: r}, {}}, graph.ErrOutput,
			"graph: output 1 has no layer: invalid output"},
		{"block out of range", []graph.Output{{Layer: r, Blocks: []int{0, 6}}}, graph.ErrOutput,
			`graph: output 0: block 6 of layer "r" (grid [2 3]) out of range [0, 6): invalid output`},
		{"negative block", []graph.Output{{Layer: r, Blocks: []int{-1}}}, graph.ErrOutput,
			`graph: output 0: block -1 of layer "r" (grid [2 3]) out of range [0, 6): invalid output`},
		{"deps input", []graph.Output{{Layer: badDeps(graph.Ref{Input: 1})}}, graph.ErrDeps,
			"graph: bad/0: Deps returned input 1 of a layer with 1 inputs: invalid dependency"},
		{"deps block", []graph.Output{{Layer: badDeps(graph.Ref{Block: 6})}, {Layer: r}}, graph.ErrDeps,
			`graph: bad/0: Deps returned block 6 of input 0 ("r", grid [2 3]), out of range [0, 6): invalid dependency`},
		{"deps negative", []graph.Output{{Layer: badDeps(graph.Ref{Block: -2}), Blocks: []int{1}}}, graph.ErrDeps,
			`graph: bad/1: Deps returned block -2 of input 0 ("r", grid [2 3]), out of range [0, 6): invalid dependency`},
		{"conflict", []graph.Output{{Layer: r}, {Layer: other}}, graph.ErrConflict,
			`graph: layers "r" (root, grid [2 3]) and "r2" (root, grid [3]) have the same ID ` + r.ID().String() + `: conflicting layers`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := graph.Build(tc.outs, graph.Options{})
			if !errors.Is(err, tc.is) || err.Error() != tc.want {
				t.Errorf("Build error\n%v\nwant\n%s (%v)", err, tc.want, tc.is)
			}
			_, err = graph.Cull(tc.outs)
			if !errors.Is(err, tc.is) {
				t.Errorf("Cull error %v, want %v", err, tc.is)
			}
		})
	}
}

func TestBuildEmpty(t *testing.T) {
	c := newCalls()
	r := c.root("r", []int{3}, 0)
	for _, tc := range []struct {
		name string
		outs []graph.Output
	}{
		{"no outputs", nil},
		{"no blocks", []graph.Output{{Layer: c.scale("a", 1, 0, r), Blocks: []int{}}}},
		{"empty grid", []graph.Output{{Layer: c.root("e", []int{0, 4}, 0)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mustBuild(t, tc.outs, graph.Options{})
			if len(p.Tasks) != 0 || len(p.Order) != 0 || len(p.Outputs) != 0 || len(p.Layers) != 0 {
				t.Errorf("plan %+v, want empty", p)
			}
		})
	}
}

func TestTaskName(t *testing.T) {
	p := &graph.Plan{
		Layers: []graph.LayerInfo{
			{Name: "mean-t2m", Grid: []int{4, 2, 3}},
			{Name: "sum", Grid: []int{2}},
			{Name: "scalar", Grid: nil},
		},
		Tasks: []graph.Task{
			{Layer: 0, Block: 18, Step: -1},
			{Layer: 0, Block: 0, Step: -1},
			{Layer: 1, Block: 1, Step: 0},
			{Layer: 1, Block: 1, Step: 12},
			{Layer: 2, Block: 0, Step: -1},
		},
	}
	for id, want := range []string{"mean-t2m/3,0,0", "mean-t2m/0,0,0", "sum/1#0", "sum/1#12", "scalar/"} {
		if got := p.TaskName(graph.TaskID(id)); got != want {
			t.Errorf("TaskName(%d) = %q, want %q", id, got, want)
		}
	}
}

func TestNewLayerPanics(t *testing.T) {
	fn := func([]int) graph.TaskFunc { return nil }
	r := graph.NewLayer(graph.Spec{Op: "r", Name: "r", Kind: graph.Root, Grid: []int{2}, Func: fn})
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"no func", func() { graph.NewLayer(graph.Spec{Name: "x"}) }},
		{"root with inputs", func() {
			graph.NewLayer(graph.Spec{Name: "x", Kind: graph.Root, Grid: []int{2}, Inputs: []*graph.Layer{r}, Func: fn})
		}},
		{"nil input", func() { graph.NewLayer(graph.Spec{Name: "x", Grid: []int{2}, Inputs: []*graph.Layer{nil}, Func: fn}) }},
		{"negative grid", func() { graph.NewLayer(graph.Spec{Name: "x", Grid: []int{-1}, Func: fn}) }},
		{"bad kind", func() { graph.NewLayer(graph.Spec{Name: "x", Kind: 9, Func: fn}) }},
		{"blockwise grids", func() { graph.NewLayer(graph.Spec{Name: "x", Grid: []int{3}, Inputs: []*graph.Layer{r}, Func: fn}) }},
		{"fold without deps", func() { graph.NewFold(graph.FoldSpec{Spec: graph.Spec{Name: "x"}, Fold: graph.Fold{}}) }},
		{"fold without step", func() {
			graph.NewFold(graph.FoldSpec{Spec: graph.Spec{Name: "x", Deps: func(_ []int, d []graph.Ref) []graph.Ref { return d }}})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("no panic")
				}
			}()
			tc.f()
		})
	}
	if k := graph.NewLayer(graph.Spec{Name: "x", Func: fn}).Kind(); k != graph.Compute {
		t.Errorf("zero Kind became %v, want compute", k)
	}
}

func TestMakeID(t *testing.T) {
	c := newCalls()
	a, b := c.root("a", []int{1}, 0), c.root("b", []int{1}, 0)
	ids := map[graph.ID]string{}
	for name, id := range map[string]graph.ID{
		"op":         graph.MakeID("op"),
		"op(a)":      graph.MakeID("op", a),
		"op(b)":      graph.MakeID("op", b),
		"op(a,b)":    graph.MakeID("op", a, b),
		"op(b,a)":    graph.MakeID("op", b, a),
		"op2":        graph.MakeID("op2"),
		"op+a bytes": graph.MakeID("op\x00" + string(func() []byte { id := a.ID(); return id[:] }())),
	} {
		if prev, ok := ids[id]; ok {
			t.Errorf("MakeID: %s and %s collide", prev, name)
		}
		ids[id] = name
	}
	if graph.MakeID("op", a) != graph.MakeID("op", a) {
		t.Errorf("MakeID is not deterministic")
	}
}

func TestBuildTooManyBlocks(t *testing.T) {
	l := graph.NewLayer(graph.Spec{Op: "huge", Name: "huge", Kind: graph.Root, Grid: []int{1 << 16, 1 << 16},
		Func: func([]int) graph.TaskFunc { return nil }})
	_, err := graph.Build([]graph.Output{{Layer: l, Blocks: []int{0}}}, graph.Options{})
	if !errors.Is(err, graph.ErrSize) {
		t.Errorf("error %v, want ErrSize", err)
	}
}

func TestFusedManyInputs(t *testing.T) {
	// A chain x_k = x_{k-1} + c_k over two blocks, where each c_k is a
	// broadcast block (not fused): each fused task has one input per
	// c_k, and x_21 uses c_1 again, which appears once.
	const k = 20
	c := newCalls()
	add := func(v []float64) float64 { return v[0] + v[1] }
	var cs []*graph.Layer
	x := c.root("r", []int{2}, 0)
	for i := 1; i <= k; i++ {
		cs = append(cs, c.root(fmt.Sprint("c", i), []int{1}, 0))
		x = c.apply(fmt.Sprint("x", i), nil, nil, add, 0, x, cs[i-1])
	}
	x = c.apply("last", nil, nil, add, 0, x, cs[0])
	p := mustBuild(t, []graph.Output{{Layer: x}}, graph.Options{ShareRoots: true})
	if len(p.Tasks) != k+2 {
		t.Fatalf("%d tasks, want %d", len(p.Tasks), k+2)
	}
	for _, id := range p.Outputs {
		task := p.Tasks[id]
		if len(task.Inputs) != k || len(task.Fused) != k+1 {
			t.Errorf("%s: %d inputs, %d fused; want %d, %d", p.TaskName(id), len(task.Inputs), len(task.Fused), k, k+1)
		}
	}
	// Block b: (b+1) + k ones + c_1 again.
	if out := mustExecute(t, p); out[0] != float64(k+2) || out[1] != float64(k+3) {
		t.Errorf("outputs %v, want [%d %d]", out, k+2, k+3)
	}
}
