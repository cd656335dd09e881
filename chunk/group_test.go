package chunk_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/graph"
	"github.com/tesseradata/tessera/ndarray"
)

// groupRef reduces the positions of each group along axis 0 with
// ndarray, the reference for GroupReduce.
func groupRef(t *testing.T, op ndarray.Op, x *ndarray.Array, g chunk.Groups, o ndarray.ReduceOptions) *ndarray.Array {
	t.Helper()
	var parts []*ndarray.Array
	for c := range g.N {
		var idx []int
		for p, k := range g.Codes {
			if k == c {
				idx = append(idx, p)
			}
		}
		sub, err := x.Take(0, idx)
		if err != nil {
			t.Fatal(err)
		}
		r, err := ndarray.Reduce(op, sub, o, 0)
		if err != nil {
			t.Fatal(err)
		}
		r, _ = r.ExpandDims(0)
		parts = append(parts, r)
	}
	shape := parts[0].Shape()
	shape[0] = len(parts)
	out := ndarray.Zeros(parts[0].DType(), shape...)
	for c, p := range parts {
		d, _ := out.Slice(ndarray.Range{Start: c, Stop: c + 1, Step: 1})
		if err := d.SetFrom(p); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func seasonCodes(n int) chunk.Groups {
	codes := make([]int, n)
	for i := range codes {
		month := i/3%12 + 1 // 3 steps a month
		codes[i] = month % 12 / 3
	}
	return chunk.Groups{Codes: codes, N: 4}
}

func TestGroupReduce(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	const nt = 72
	x := randArray(r, ndarray.Float64, nt, 3, 4)
	for i := 0; i < 40; i++ {
		x.Set(math.NaN(), r.IntN(nt), r.IntN(3), r.IntN(4))
	}
	hours := make([]int, nt)
	for i := range hours {
		hours[i] = i % 4
		if i%11 == 0 {
			hours[i] = -1 // in no group
		}
	}
	groupings := map[string]chunk.Groups{
		"seasons":     seasonCodes(nt),
		"interleaved": {Codes: hours, N: 4},
		"with empty":  {Codes: hours, N: 6},
	}
	for gname, g := range groupings {
		for _, c := range []chunk.Chunks{chunk.Regular(x.Shape(), []int{9, 3, 4}), chunk.Regular(x.Shape(), []int{7, 2, 3}), chunk.Regular(x.Shape(), []int{72, 3, 4})} {
			a, _ := chunk.FromArray(x, c)
			for _, st := range []chunk.Strategy{chunk.AutoStrategy, chunk.Cohorts, chunk.MapReduce} {
				for _, op := range []ndarray.Op{ndarray.Mean, ndarray.Sum, ndarray.Min, ndarray.Max, ndarray.Count, ndarray.Std, ndarray.Var} {
					name := fmt.Sprintf("%s/%s/%s/%s", gname, c, st, op)
					o := ndarray.ReduceOptions{SkipNaN: true}
					want := groupRef(t, op, x, g, o)
					lazy, err := chunk.GroupReduce(op, a, 0, g, o, st)
					if err != nil {
						t.Fatal(name, err)
					}
					got := compute1(t, opts(2), lazy)
					t.Run(name, func(t *testing.T) { assertClose(t, got, want, 1e-12) })
				}
			}
		}
	}
	// Blockwise refuses groups that span blocks.
	a, _ := chunk.FromArray(x, chunk.Regular(x.Shape(), []int{5, 3, 4}))
	if _, err := chunk.GroupReduce(ndarray.Mean, a, 0, seasonCodes(nt), ndarray.ReduceOptions{}, chunk.Blockwise); err == nil {
		t.Error("blockwise grouping of groups spanning blocks succeeded")
	}
}

// TestGroupReducePrunesReads selects the JJA and DJF groups of a seasonal
// mean and checks that no block holding only spring or autumn steps is
// read.
func TestGroupReducePrunesReads(t *testing.T) {
	var loads atomic.Int64
	const nt = 72 // 2 years, 3 steps a month
	shape := []int{nt, 2, 2}
	a := countingSource(t, "read", shape, chunk.Regular(shape, []int{3, 2, 2}), &loads) // a block a month
	g := seasonCodes(nt)
	m, err := chunk.GroupReduce(ndarray.Mean, a, 0, g, ndarray.ReduceOptions{}, chunk.AutoStrategy)
	if err != nil {
		t.Fatal(err)
	}
	jja, _ := m.Slice(ndarray.Range{Start: 2, Stop: 3, Step: 1})
	djf, _ := m.Slice(ndarray.Range{Start: 0, Stop: 1, Step: 1})
	diff, err := chunk.Binary(ndarray.SubOp, jja, djf)
	if err != nil {
		t.Fatal(err)
	}
	compute1(t, opts(2), diff)
	if n := loads.Load(); n != 12 {
		t.Errorf("read %d monthly blocks, want 12 (the JJA and DJF months of two years)", n)
	}
}

// TestGroupReduceRaw folds a raw source's stored bytes by group (pieces
// of two steps that may straddle groups) and matches decoding first.
func TestGroupReduceRaw(t *testing.T) {
	vals := packedInt16(rand.New(rand.NewPCG(10, 10)), 20000, 17, 36, 2, 3)
	codec := rawCodec()
	decoded, _ := codec.Decode(vals)
	var reads atomic.Int64
	src := rawSource(t, vals, chunk.Regular(vals.Shape(), []int{5, 2, 3}), &reads)
	dec, err := chunk.Decode(src, codec)
	if err != nil {
		t.Fatal(err)
	}
	g := seasonCodes(36)
	for _, op := range []ndarray.Op{ndarray.Mean, ndarray.Sum, ndarray.Max, ndarray.Std, ndarray.Count} {
		o := ndarray.ReduceOptions{SkipNaN: true}
		want := groupRef(t, op, decoded, g, o)
		lazy, err := chunk.GroupReduce(op, dec, 0, g, o, chunk.AutoStrategy)
		if err != nil {
			t.Fatal(err)
		}
		assertClose(t, compute1(t, opts(2), lazy), want, 1e-12)
	}
}

func TestGroupApplyAnomalies(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 11))
	const nt = 36
	x := randArray(r, ndarray.Float64, nt, 2, 3)
	g := seasonCodes(nt)
	g.Codes[5] = -1
	a, _ := chunk.FromArray(x, chunk.Regular(x.Shape(), []int{7, 2, 3}))
	clim, err := chunk.GroupReduce(ndarray.Mean, a, 0, g, ndarray.ReduceOptions{SkipNaN: true}, chunk.AutoStrategy)
	if err != nil {
		t.Fatal(err)
	}
	anom, err := chunk.GroupApply(ndarray.SubOp, a, 0, g, clim)
	if err != nil {
		t.Fatal(err)
	}
	var tasks int
	o := opts(2)
	o.OnPlan = func(p *graph.Plan) { tasks = len(p.Tasks) }
	got := compute1(t, o, anom)
	want := groupRef(t, ndarray.Mean, x, g, ndarray.ReduceOptions{SkipNaN: true})
	for p := range nt {
		for i := range 2 {
			for j := range 3 {
				w := math.NaN()
				if c := g.Codes[p]; c >= 0 {
					w = x.At(p, i, j) - want.At(c, i, j)
				}
				if gv := got.At(p, i, j); !(gv == w || math.IsNaN(gv) && math.IsNaN(w)) && math.Abs(gv-w) > 1e-12 {
					t.Fatalf("anomaly at %d,%d,%d = %v, want %v", p, i, j, gv, w)
				}
			}
		}
	}
	t.Logf("anomaly plan: %d tasks for %d blocks", tasks, len(a.Chunks()[0]))
}
