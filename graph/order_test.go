package graph_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/tesseradata/tessera/graph"
)

// twoFolds builds two independent reductions of three blocks each, the
// layers named by names[role] so that tests can permute the names:
//
//	        s1/0                        s2/0
//	  (#0 -> #1 -> #2)            (#0 -> #1 -> #2)
//	   /      |      \             /      |      \
//	p1/0    p1/1    p1/2        p2/0    p2/1    p2/2
//	  |       |       |           |       |       |
//	r1/0    r1/1    r1/2        r2/0    r2/1    r2/2
func twoFolds(c *calls, names map[string]string) (s1, s2 *graph.Layer) {
	fold := func(i string) *graph.Layer {
		r := c.root(names["r"+i], []int{3}, 1)
		p := c.scale(names["p"+i], 2, 1, r)
		return c.sum(names["s"+i], []int{1}, p, func([]int) []int { return []int{0, 1, 2} }, nil)
	}
	return fold("1"), fold("2")
}

func TestOrder(t *testing.T) {
	roles := []string{"r1", "p1", "s1", "r2", "p2", "s2"}
	// The order a depth-first post-order walk must give, by role: each
	// reduction finished before the next one's roots are opened.
	first := func(i string) []string {
		var out []string
		for k, b := range []string{"0", "1", "2"} {
			step := "s" + i + "/0#" + string(rune('0'+k))
			out = append(out, "r"+i+"/"+b, "p"+i+"/"+b, step)
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		letters string // letters[i] names roles[i]
		reverse bool   // request s2 first
	}{
		{"abcdef", "abcdef", false},
		{"fedcba", "fedcba", false},
		{"dafceb", "dafceb", false},
		{"abcdef reversed", "abcdef", true},
		{"fedcba reversed", "fedcba", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			names, role := map[string]string{}, map[string]string{}
			for i, r := range roles {
				names[r] = tc.letters[i : i+1]
				role[tc.letters[i:i+1]] = r
			}
			c := newCalls()
			s1, s2 := twoFolds(c, names)
			outs := []graph.Output{{Layer: s1}, {Layer: s2}}
			want := append(first("1"), first("2")...)
			if tc.reverse {
				outs[0], outs[1] = outs[1], outs[0]
				want = append(first("2"), first("1")...)
			}
			p := mustBuild(t, outs, graph.Options{NoFuse: true})
			checkPlan(t, p)
			var got []string
			for _, id := range p.Order {
				name := p.TaskName(id)
				layer, rest, _ := strings.Cut(name, "/")
				got = append(got, role[layer]+"/"+rest)
			}
			if d := diffLines(got, want); d != "" {
				t.Error(d)
			}
			// The invariant itself: every task of the first reduction
			// comes before every root of the second.
			firstRole, secondRoot := "1", "r2"
			if tc.reverse {
				firstRole, secondRoot = "2", "r1"
			}
			lastFirst, firstSecond := -1, len(got)
			for i, g := range got {
				if strings.Contains(g, firstRole+"/") {
					lastFirst = i
				}
				if strings.HasPrefix(g, secondRoot+"/") {
					firstSecond = min(firstSecond, i)
				}
			}
			if lastFirst > firstSecond {
				t.Errorf("the second reduction's roots open at %d, before the first ends at %d", firstSecond, lastFirst)
			}
		})
	}
}

func TestOrderSharedRoots(t *testing.T) {
	// mean and max of the same blocks: the roots are shared, and both
	// reductions advance while a root is in memory.
	//
	//	  s/0      m/0
	//	  | \ ...  / |
	//	 p/k       q/k
	//	    \     /
	//	     r/k
	c := newCalls()
	r := c.root("r", []int{2}, 1)
	s := c.sum("s", []int{1}, c.scale("p", 2, 1, r), func([]int) []int { return []int{0, 1} }, nil)
	m := c.sum("m", []int{1}, c.scale("q", 3, 1, r), func([]int) []int { return []int{0, 1} }, nil)
	p := mustBuild(t, []graph.Output{{Layer: s}, {Layer: m}}, graph.Options{ShareRoots: true})
	want := []string{
		"r/0 root", "p/0 compute <- r/0", "s/0#0 reduce <- p/0", "q/0 compute <- r/0", "m/0#0 reduce <- q/0",
		"r/1 root", "p/1 compute <- r/1", "s/0#1 reduce <- s/0#0 p/1", "q/1 compute <- r/1", "m/0#1 reduce <- m/0#0 q/1",
	}
	if d := diffLines(describe(p), want); d != "" {
		t.Error(d)
	}
	if out := mustExecute(t, p); out[0] != 6.0 || out[1] != 9.0 {
		t.Errorf("outputs %v, want [6 9]", out)
	}
}

// peakLive returns the most values held at once by a sequential run of
// p in Plan.Order that drops each value after its last user (outputs are
// kept), and the most root values among them.
func peakLive(p *graph.Plan) (values, roots int) {
	pos := make([]int, len(p.Tasks))
	for i, id := range p.Order {
		pos[id] = i
	}
	lastUse := make([]int, len(p.Tasks))
	for id := range lastUse {
		lastUse[id] = pos[id]
	}
	for id, task := range p.Tasks {
		for _, in := range task.Inputs {
			lastUse[in] = max(lastUse[in], pos[id])
		}
	}
	for _, id := range p.Outputs {
		lastUse[id] = len(p.Order)
	}
	live, liveRoots := 0, 0
	for i, id := range p.Order {
		live++
		if p.Tasks[id].Kind == graph.Root {
			liveRoots++
		}
		values, roots = max(values, live), max(roots, liveRoots)
		// Release what this task was the last to use.
		for _, in := range append([]graph.TaskID{id}, p.Tasks[id].Inputs...) {
			if lastUse[in] == i {
				lastUse[in] = -1
				live--
				if p.Tasks[in].Kind == graph.Root {
					liveRoots--
				}
			}
		}
	}
	return values, roots
}

func TestOrderQuadraticMeans(t *testing.T) {
	// mean(u*u), mean(v*v), mean(u*v) over n blocks each: the shape
	// that makes a plain depth-first order hold all of u (dask's
	// test_order has it as "quadratic means").
	const n = 8
	for _, tc := range []struct {
		name string
		perm []int // request order of uu, vv, uv
	}{{"uu vv uv", []int{0, 1, 2}}, {"uv vv uu", []int{2, 1, 0}}, {"vv uv uu", []int{1, 2, 0}}} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCalls()
			u, v := c.root("u", []int{n}, 1), c.root("v", []int{n}, 1)
			mul := func(a, b float64) float64 { return a * b }
			prod := func(name string, a, b *graph.Layer) *graph.Layer {
				l := c.apply(name, nil, nil, func(x []float64) float64 { return mul(x[0], x[1]) }, 1, a, b)
				return c.sum("mean-"+name, []int{1}, l, func([]int) []int { return all(n) }, nil)
			}
			means := []*graph.Layer{prod("uu", u, u), prod("vv", v, v), prod("uv", u, v)}
			var outs []graph.Output
			for _, i := range tc.perm {
				outs = append(outs, graph.Output{Layer: means[i]})
			}
			p := mustBuild(t, outs, graph.Options{ShareRoots: true})
			checkPlan(t, p)
			if tc.name == "uu vv uv" {
				// The order Order's documentation shows.
				want := []string{"u/0", "uu/0", "mean-uu/0#0", "v/0", "uv/0", "mean-uv/0#0", "vv/0", "mean-vv/0#0", "u/1"}
				var got []string
				for _, id := range p.Order[:len(want)] {
					got = append(got, p.TaskName(id))
				}
				if d := diffLines(got, want); d != "" {
					t.Error(d)
				}
			}
			values, roots := peakLive(p)
			// At most u/k and v/k, and a partial and an accumulator per
			// mean, plus the outputs.
			if roots > 2 || values > 2+2*3 {
				t.Errorf("peak %d values, %d roots; want at most 8, 2:\n%s", values, roots, strings.Join(describe(p), "\n"))
			}
			var sum float64
			for f := 1; f <= n; f++ {
				sum += float64(f * f)
			}
			out := mustExecute(t, p)
			for i, o := range out {
				if o != sum {
					t.Errorf("mean %d = %v, want %v", i, o, sum)
				}
			}
		})
	}
}

func TestOrderAnomaly(t *testing.T) {
	// sum(x - sum(x)): the first reduction needs every block of x before
	// any anomaly exists, so all of x is held (or re-read) whatever the
	// order; the order still runs each anomaly and its step as soon as
	// the sum exists, one block at a time.
	const n = 4
	c := newCalls()
	x := c.root("x", []int{n}, 1)
	total := c.sum("total", []int{1}, x, func([]int) []int { return all(n) }, nil)
	anom := c.apply("anom", nil, nil, func(v []float64) float64 { return v[0] - v[1] }, 1, x, total)
	s := c.sum("s", []int{1}, anom, func([]int) []int { return all(n) }, nil)
	p := mustBuild(t, []graph.Output{{Layer: s}}, graph.Options{ShareRoots: true})
	want := []string{
		"x/0 root", "total/0#0 reduce <- x/0",
		"x/1 root", "total/0#1 reduce <- total/0#0 x/1",
		"x/2 root", "total/0#2 reduce <- total/0#1 x/2",
		"x/3 root", "total/0#3 reduce <- total/0#2 x/3",
		"anom/0 compute <- x/0 total/0#3", "s/0#0 reduce <- anom/0",
		"anom/1 compute <- x/1 total/0#3", "s/0#1 reduce <- s/0#0 anom/1",
		"anom/2 compute <- x/2 total/0#3", "s/0#2 reduce <- s/0#1 anom/2",
		"anom/3 compute <- x/3 total/0#3", "s/0#3 reduce <- s/0#2 anom/3",
	}
	if d := diffLines(describe(p), want); d != "" {
		t.Error(d)
	}
	if out := mustExecute(t, p); out[0] != 10.0-4*10 {
		t.Errorf("sum of anomalies = %v, want -30", out[0])
	}
}

// TestSplitRootsAnomaly is TestOrderAnomaly without ShareRoots: x is read
// once for the sum and again for the anomalies, each read fused into its
// consumer, so no block of x is held while the sum is computed.
func TestSplitRootsAnomaly(t *testing.T) {
	const n = 4
	c := newCalls()
	x := c.root("x", []int{n}, 1)
	total := c.sum("total", []int{1}, x, func([]int) []int { return all(n) }, nil)
	anom := c.apply("anom", nil, nil, func(v []float64) float64 { return v[0] - v[1] }, 1, x, total)
	s := c.sum("s", []int{1}, anom, func([]int) []int { return all(n) }, nil)
	p := mustBuild(t, []graph.Output{{Layer: s}}, graph.Options{})
	want := []string{
		"x/0 root", "total/0#0 reduce <- x/0",
		"x/1 root", "total/0#1 reduce <- total/0#0 x/1",
		"x/2 root", "total/0#2 reduce <- total/0#1 x/2",
		"x/3 root", "total/0#3 reduce <- total/0#2 x/3",
		"anom/0 root fused(x) <- total/0#3", "s/0#0 reduce <- anom/0",
		"anom/1 root fused(x) <- total/0#3", "s/0#1 reduce <- s/0#0 anom/1",
		"anom/2 root fused(x) <- total/0#3", "s/0#2 reduce <- s/0#1 anom/2",
		"anom/3 root fused(x) <- total/0#3", "s/0#3 reduce <- s/0#2 anom/3",
	}
	if d := diffLines(describe(p), want); d != "" {
		t.Error(d)
	}
	if out := mustExecute(t, p); out[0] != 10.0-4*10 {
		t.Errorf("sum of anomalies = %v, want -30", out[0])
	}
	if got := c.runs["x"]; got != 2*n {
		t.Errorf("x read %d times, want %d (once per consumer)", got, 2*n)
	}
}

func TestOrderHandBuilt(t *testing.T) {
	for _, tc := range []struct {
		name  string
		tasks [][]graph.TaskID // inputs of each task
		outs  []graph.TaskID
		want  []graph.TaskID
	}{
		{"inputs in order", [][]graph.TaskID{{}, {}, {1, 0}}, []graph.TaskID{2}, []graph.TaskID{1, 0, 2}},
		{"outputs in order", [][]graph.TaskID{{}, {0}, {0}}, []graph.TaskID{2, 1}, []graph.TaskID{0, 2, 1}},
		{"unreached tasks last", [][]graph.TaskID{{}, {0}, {}, {2}}, []graph.TaskID{1}, []graph.TaskID{0, 1, 2, 3}},
		{"repeated input", [][]graph.TaskID{{}, {0, 0}}, []graph.TaskID{1}, []graph.TaskID{0, 1}},
		{"cycle not followed", [][]graph.TaskID{{1}, {0}}, []graph.TaskID{1}, []graph.TaskID{0, 1}},
		{"empty", nil, nil, []graph.TaskID{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &graph.Plan{Outputs: tc.outs}
			for _, in := range tc.tasks {
				p.Tasks = append(p.Tasks, graph.Task{Inputs: in})
			}
			if got := graph.Order(p); !slices.Equal(got, tc.want) {
				t.Errorf("Order = %v, want %v", got, tc.want)
			}
		})
	}
}
