package chunk_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/graph"
	"github.com/tesseradata/tessera/ndarray"
	"github.com/tesseradata/tessera/scheduler"
)

func opts(workers int) chunk.Options {
	return chunk.Options{Options: scheduler.Options{Workers: workers, Memory: 256 << 20}}
}

func randArray(r *rand.Rand, dt ndarray.DType, shape ...int) *ndarray.Array {
	a := ndarray.Zeros(ndarray.Float64, shape...)
	d, _ := ndarray.Data[float64](a)
	for i := range d {
		d[i] = math.Round(r.NormFloat64()*1000) / 8
	}
	b, err := a.Astype(dt)
	if err != nil {
		panic(err)
	}
	return b
}

func compute1(t *testing.T, o chunk.Options, a *chunk.Array) *ndarray.Array {
	t.Helper()
	r, err := chunk.Compute(t.Context(), o, a)
	if err != nil {
		t.Fatal(err)
	}
	return r[0]
}

// assertClose checks got against want elementwise, NaN equal to NaN, to
// a relative tolerance rtol.
func assertClose(t *testing.T, got, want *ndarray.Array, rtol float64) {
	t.Helper()
	if got.DType() != want.DType() || !slices.Equal(got.Shape(), want.Shape()) {
		t.Fatalf("got %s%v, want %s%v", got.DType(), got.Shape(), want.DType(), want.Shape())
	}
	g, w := ndarray.Float64s(got), ndarray.Float64s(want)
	for i := range g {
		if math.IsNaN(w[i]) && math.IsNaN(g[i]) {
			continue
		}
		if d := math.Abs(g[i] - w[i]); d > rtol*math.Abs(w[i]) && d > rtol {
			t.Fatalf("element %d: got %v, want %v (shape %v)", i, g[i], w[i], got.Shape())
		}
	}
}

func TestChunksRegularAutoString(t *testing.T) {
	c := chunk.Regular([]int{5, 6}, []int{2, 3})
	if want := (chunk.Chunks{{2, 2, 1}, {3, 3}}); !c.Equal(want) {
		t.Fatalf("Regular = %v, want %v", c, want)
	}
	if got := c.String(); got != "((2, 2, 1), (3, 3))" {
		t.Errorf("String = %q", got)
	}
	if got := (chunk.Chunks{{124, 124, 124, 124, 80}, {256}}).String(); got != "((124 x 4, 80), (256))" {
		t.Errorf("String = %q", got)
	}
	// 1460 x 256 x 512 float32 (766 MiB) in 64 MiB blocks: time split
	// evenly, the grid kept whole.
	a := chunk.Auto([]int{1460, 256, 512}, 4, 64<<20)
	if len(a[1]) != 1 || len(a[2]) != 1 {
		t.Errorf("Auto split the grid: %v", a)
	}
	for _, n := range a[0] {
		if int64(n)*256*512*4 > 64<<20 {
			t.Errorf("Auto block of %d steps exceeds 64 MiB: %v", n, a)
		}
	}
	if err := a.Check([]int{1460, 256, 512}); err != nil {
		t.Error(err)
	}
	if err := (chunk.Chunks{{2, 2}}).Check([]int{5}); err == nil || !strings.Contains(err.Error(), "sum to 4") {
		t.Errorf("Check of bad chunks: %v", err)
	}
}

// arrays returns a random array and chunked versions of it with several
// chunkings, for checking that results do not depend on chunking.
func chunkings(shape []int) []chunk.Chunks {
	out := []chunk.Chunks{chunk.Regular(shape, nil)}
	small := make([]int, len(shape))
	odd := make([]int, len(shape))
	for i, n := range shape {
		small[i] = max(1, n/3)
		odd[i] = max(1, n/2+1)
	}
	out = append(out, chunk.Regular(shape, small), chunk.Regular(shape, odd))
	return out
}

func TestComputeRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	x := randArray(r, ndarray.Float32, 7, 5, 4)
	for _, c := range chunkings(x.Shape()) {
		a, err := chunk.FromArray(x, c)
		if err != nil {
			t.Fatal(err)
		}
		assertClose(t, compute1(t, opts(2), a), x, 0)
	}
}

func TestElementwiseBroadcastAndAlign(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	x := randArray(r, ndarray.Float32, 6, 5, 4)
	y := randArray(r, ndarray.Int16, 5, 1)
	want, err := ndarray.Mul(x, y)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := chunk.FromArray(x, chunk.Regular(x.Shape(), []int{4, 2, 3}))
	b, _ := chunk.FromArray(y, chunk.Regular(y.Shape(), []int{3, 1}))
	m, err := chunk.Binary(ndarray.MulOp, a, b)
	if err != nil {
		t.Fatal(err)
	}
	if m.DType() != want.DType() {
		t.Fatalf("dtype %s, want %s", m.DType(), want.DType())
	}
	assertClose(t, compute1(t, opts(2), m), want, 0)

	// Where with a comparison and a scalar.
	pos, _ := chunk.BinaryScalar(ndarray.MaximumOp, a, 0)
	cond, _ := chunk.Compare(ndarray.GreaterOp, a, pos)
	w, err := chunk.Where(cond, a, pos)
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, compute1(t, opts(1), w), func() *ndarray.Array {
		p, _ := ndarray.BinaryScalar(ndarray.MaximumOp, x, 0)
		return p
	}(), 0)

	// Shapes that do not broadcast are an error naming them.
	z, _ := chunk.FromArray(randArray(r, ndarray.Float32, 3), nil)
	if _, err := chunk.Binary(ndarray.AddOp, a, z); !errors.Is(err, ndarray.ErrShape) || !strings.Contains(err.Error(), "[6 5 4]") {
		t.Errorf("mismatched shapes: %v", err)
	}
}

func TestReduceMatchesNdarray(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	x := randArray(r, ndarray.Float64, 9, 4, 5)
	// Holes, to exercise NaN skipping and propagation.
	for _, i := range []int{3, 50, 51, 100} {
		idx := []int{i / 20, i / 5 % 4, i % 5}
		x.Set(math.NaN(), idx...)
	}
	ops := []ndarray.Op{ndarray.Sum, ndarray.Mean, ndarray.Min, ndarray.Max, ndarray.Count, ndarray.Var, ndarray.Std, ndarray.ArgMin, ndarray.ArgMax, ndarray.Any, ndarray.All}
	axesSets := [][]int{{0}, {1}, {2}, {0, 2}, nil}
	for _, c := range chunkings(x.Shape()) {
		a, _ := chunk.FromArray(x, c)
		for _, op := range ops {
			for _, axes := range axesSets {
				for _, o := range []ndarray.ReduceOptions{{}, {SkipNaN: true, DDOF: 1}, {SkipNaN: true, KeepDims: true, MinCount: 2}} {
					if (op == ndarray.ArgMin || op == ndarray.ArgMax) && len(axes) != 1 {
						continue // positions within several reduced axes depend on the split
					}
					name := fmt.Sprintf("%s/%s/%v/%+v", c, op, axes, o)
					want, err := ndarray.Reduce(op, x, o, axes...)
					if err != nil {
						t.Fatal(name, err)
					}
					lazy, err := chunk.Reduce(op, a, o, axes...)
					if err != nil {
						t.Fatal(name, err)
					}
					got := compute1(t, opts(2), lazy)
					if lazy.DType() != got.DType() {
						t.Errorf("%s: declared %s, computed %s", name, lazy.DType(), got.DType())
					}
					t.Run(name, func(t *testing.T) { assertClose(t, got, want, 1e-12) })
				}
			}
		}
	}
}

// countingSource is a float64 source whose blocks are computed from their
// position, counting the blocks loaded.
func countingSource(t *testing.T, name string, shape []int, c chunk.Chunks, loads *atomic.Int64) *chunk.Array {
	t.Helper()
	a, err := chunk.FromSource(chunk.Source{
		Name: name, DType: ndarray.Float64, Shape: shape, Chunks: c,
		Load: func(x *graph.Exec, start, bshape []int) (*ndarray.Array, error) {
			loads.Add(1)
			b := ndarray.Zeros(ndarray.Float64, bshape...)
			d, _ := ndarray.Data[float64](b)
			idx := make([]int, len(bshape))
			for i := range d {
				v := 0.0
				for ax := range idx {
					v = v*100 + float64(start[ax]+idx[ax])
				}
				d[i] = v
				for ax := len(idx) - 1; ax >= 0; ax-- {
					idx[ax]++
					if idx[ax] < bshape[ax] {
						break
					}
					idx[ax] = 0
				}
			}
			x.AddRead(int64(b.Nbytes()))
			return b, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestSelectionPrunesReads(t *testing.T) {
	var loads atomic.Int64
	shape := []int{12, 6}
	a := countingSource(t, "read", shape, chunk.Regular(shape, []int{3, 3}), &loads)
	whole := compute1(t, opts(2), a)
	if n := loads.Swap(0); n != 8 {
		t.Fatalf("whole array loaded %d blocks, want 8", n)
	}
	cases := []struct {
		name   string
		sel    func() (*chunk.Array, error)
		want   func() (*ndarray.Array, error)
		blocks int64
	}{
		{"rows 4-5", func() (*chunk.Array, error) { return a.Slice(ndarray.Range{Start: 4, Stop: 6}) },
			func() (*ndarray.Array, error) { return whole.Slice(ndarray.Range{Start: 4, Stop: 6}) }, 2},
		{"reversed columns 0-2", func() (*chunk.Array, error) {
			return a.Slice(ndarray.Whole, ndarray.Range{Start: 2, Stop: -1, Step: -1})
		}, func() (*ndarray.Array, error) {
			return whole.Slice(ndarray.Whole, ndarray.Range{Start: 2, Stop: -1, Step: -1})
		}, 4},
		{"every 5th row", func() (*chunk.Array, error) { return a.Slice(ndarray.Range{Start: 0, Stop: 12, Step: 5}) },
			func() (*ndarray.Array, error) { return whole.Slice(ndarray.Range{Start: 0, Stop: 12, Step: 5}) }, 6},
		{"take 10, 1, 2", func() (*chunk.Array, error) { return a.Take(0, []int{10, 1, 2}) },
			func() (*ndarray.Array, error) { return whole.Take(0, []int{10, 1, 2}) }, 4},
		{"compress", func() (*chunk.Array, error) {
			m := make([]bool, 12)
			m[7] = true
			return a.Compress(0, m)
		}, func() (*ndarray.Array, error) { return whole.Take(0, []int{7}) }, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := tc.sel()
			if err != nil {
				t.Fatal(err)
			}
			want, err := tc.want()
			if err != nil {
				t.Fatal(err)
			}
			loads.Store(0)
			assertClose(t, compute1(t, opts(2), s), want.Copy(), 0)
			if n := loads.Load(); n != tc.blocks {
				t.Errorf("loaded %d blocks, want %d", n, tc.blocks)
			}
		})
	}
}

func TestConcatStackRechunk(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	x := randArray(r, ndarray.Int32, 5, 4)
	y := randArray(r, ndarray.Int32, 3, 4)
	a, _ := chunk.FromArray(x, chunk.Regular(x.Shape(), []int{2, 3}))
	b, _ := chunk.FromArray(y, chunk.Regular(y.Shape(), []int{2, 2}))
	c, err := chunk.Concat(0, a, b)
	if err != nil {
		t.Fatal(err)
	}
	got := compute1(t, opts(2), c)
	top, _ := got.Slice(ndarray.Range{Start: 0, Stop: 5})
	bottom, _ := got.Slice(ndarray.Range{Start: 5, Stop: 8})
	assertClose(t, top.Copy(), x, 0)
	assertClose(t, bottom.Copy(), y, 0)

	s, err := chunk.Stack(1, a, a)
	if err != nil {
		t.Fatal(err)
	}
	st := compute1(t, opts(1), s)
	if !slices.Equal(st.Shape(), []int{5, 2, 4}) {
		t.Fatalf("stack shape %v", st.Shape())
	}
	second, _ := st.Index(1, 1)
	assertClose(t, second.Copy(), x, 0)

	re, err := a.Rechunk(chunk.Chunks{{1, 4}, {4}})
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, compute1(t, opts(2), re), x, 0)
	if _, err := a.Rechunk(chunk.Chunks{{1, 1}, {4}}); err == nil {
		t.Error("rechunk to chunks of the wrong length succeeded")
	}
}

func TestBlocksInOrderAndPersist(t *testing.T) {
	var loads atomic.Int64
	shape := []int{10, 4}
	a := countingSource(t, "read", shape, chunk.Regular(shape, []int{3, 2}), &loads)
	var seen [][]int
	err := chunk.Blocks(t.Context(), opts(2), a, func(index []int, b *ndarray.Array) error {
		seen = append(seen, slices.Clone(index))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]int{{0, 0}, {0, 1}, {1, 0}, {1, 1}, {2, 0}, {2, 1}, {3, 0}, {3, 1}}
	if !slices.EqualFunc(seen, want, slices.Equal[[]int]) {
		t.Errorf("blocks in order %v, want %v", seen, want)
	}
	p, err := chunk.Persist(t.Context(), opts(2), a)
	if err != nil {
		t.Fatal(err)
	}
	loads.Store(0)
	sum, _ := chunk.Reduce(ndarray.Sum, p[0], ndarray.ReduceOptions{})
	got := compute1(t, opts(2), sum)
	if n := loads.Load(); n != 0 {
		t.Errorf("persisted array loaded %d blocks again", n)
	}
	whole := compute1(t, opts(1), a)
	want0, _ := ndarray.SumOf(whole)
	assertClose(t, got, want0, 0)

	// An error from the consumer ends the run with it.
	stop := errors.New("enough")
	err = chunk.Blocks(t.Context(), opts(2), a, func([]int, *ndarray.Array) error { return stop })
	if !errors.Is(err, stop) {
		t.Errorf("Blocks returned %v, want the consumer's error", err)
	}
}

// TestEachBlock checks that every block reaches the consumer exactly
// once with its own values (placed by index, they rebuild the array),
// and that the consumer's error ends the run.
func TestEachBlock(t *testing.T) {
	var loads atomic.Int64
	shape := []int{10, 4}
	a := countingSource(t, "read", shape, chunk.Regular(shape, []int{3, 2}), &loads)
	whole := compute1(t, opts(1), a)
	got := ndarray.Zeros(whole.DType(), shape...)
	var mu sync.Mutex
	seen := map[[2]int]int{}
	err := chunk.EachBlock(t.Context(), opts(2), a, func(index []int, b *ndarray.Array) error {
		mu.Lock()
		defer mu.Unlock()
		seen[[2]int{index[0], index[1]}]++
		d, err := got.Slice(ndarray.Range{Start: 3 * index[0], Stop: min(10, 3*index[0]+3), Step: 1}, ndarray.Range{Start: 2 * index[1], Stop: 2*index[1] + 2, Step: 1})
		if err != nil {
			return err
		}
		return d.SetFrom(b)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 8 {
		t.Errorf("%d blocks seen, want 8: %v", len(seen), seen)
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("block %v seen %d times", k, n)
		}
	}
	assertClose(t, got, whole, 0)
	stop := errors.New("enough")
	if err := chunk.EachBlock(t.Context(), opts(2), a, func([]int, *ndarray.Array) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("EachBlock returned %v, want the consumer's error", err)
	}
}

func TestDecodeReduceFoldsPackedValues(t *testing.T) {
	raw := packedInt16(rand.New(rand.NewPCG(5, 5)), 2000, 17, 20, 3, 4)
	codec := &ndarray.Codec{Stored: ndarray.Int16, Scale: 0.01, Offset: 270, Missing: []float64{-32767}, Decoded: ndarray.Float32}
	src, _ := chunk.FromArray(raw, chunk.Regular(raw.Shape(), []int{6, 3, 2}))
	dec, err := chunk.Decode(src, codec)
	if err != nil {
		t.Fatal(err)
	}
	decoded, _ := codec.Decode(raw)
	for _, op := range []ndarray.Op{ndarray.Mean, ndarray.Sum, ndarray.Max, ndarray.Std} {
		lazy, err := chunk.Reduce(op, dec, ndarray.ReduceOptions{SkipNaN: true}, 0)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := ndarray.Reduce(op, decoded, ndarray.ReduceOptions{SkipNaN: true}, 0)
		// float32 decoding rounds every value; the packed fold does not.
		assertClose(t, compute1(t, opts(2), lazy), want, 1e-5)
	}
}

// TestDeterministic checks that a reduction gives the same bits for any
// number of workers and on every run.
func TestDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	x := ndarray.Zeros(ndarray.Float64, 400, 30)
	d, _ := ndarray.Data[float64](x)
	for i := range d {
		d[i] = r.NormFloat64() * math.Pow(10, float64(r.IntN(12)))
	}
	a, _ := chunk.FromArray(x, chunk.Regular(x.Shape(), []int{7, 30}))
	sq, _ := chunk.Binary(ndarray.MulOp, a, a)
	var first []float64
	for _, w := range []int{1, 2, 16, 2, 16} {
		for _, lazy := range []*chunk.Array{must(chunk.Reduce(ndarray.Mean, sq, ndarray.ReduceOptions{}, 0)), must(chunk.Reduce(ndarray.Var, a, ndarray.ReduceOptions{}))} {
			got := ndarray.Float64s(compute1(t, opts(w), lazy))
			if first == nil || len(first) != len(got) {
				if lazy.NDim() == 1 {
					first = got
				}
				continue
			}
			for i := range got {
				if math.Float64bits(got[i]) != math.Float64bits(first[i]) {
					t.Fatalf("workers=%d: element %d = %v, first run %v", w, i, got[i], first[i])
				}
			}
		}
	}
}

func must(a *chunk.Array, err error) *chunk.Array {
	if err != nil {
		panic(err)
	}
	return a
}

func TestLoaderErrorNamesTask(t *testing.T) {
	bad := errors.New("disk on fire")
	a, _ := chunk.FromSource(chunk.Source{
		Name: "read-t2m", DType: ndarray.Float32, Shape: []int{4, 2}, Chunks: chunk.Regular([]int{4, 2}, []int{1, 2}),
		Load: func(_ *graph.Exec, start, shape []int) (*ndarray.Array, error) {
			if start[0] == 2 {
				return nil, bad
			}
			return ndarray.Zeros(ndarray.Float32, shape...), nil
		},
	})
	m, _ := chunk.Reduce(ndarray.Mean, a, ndarray.ReduceOptions{})
	_, err := chunk.Compute(t.Context(), opts(2), m)
	if !errors.Is(err, bad) {
		t.Fatalf("error %v does not wrap the loader's", err)
	}
	if !strings.Contains(err.Error(), "read-t2m") || !strings.Contains(err.Error(), "2,0") {
		t.Errorf("error %q does not name the layer and block", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := chunk.Compute(ctx, opts(2), m); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled compute returned %v", err)
	}
}

// TestMemoryPressure runs the graph shapes that trouble dask's ordering
// on sources four times the memory budget, and checks that the live bytes
// stay within the budget: several reductions of the same inputs (the
// quadratic means of two fields), and an anomaly x - mean(x) followed by
// a reduction.
func TestMemoryPressure(t *testing.T) {
	const budget = 8 << 20
	shape := []int{256, 64, 64} // 8 MiB per field in float64, blocks of 256 KiB
	c := chunk.Regular(shape, []int{8, 64, 64})
	var loads atomic.Int64
	u := countingSource(t, "read-u", shape, c, &loads)
	v := countingSource(t, "read-v", shape, c, &loads)
	mean := func(a *chunk.Array) *chunk.Array {
		return must(chunk.Reduce(ndarray.Mean, a, ndarray.ReduceOptions{}, 0))
	}
	mul := func(a, b *chunk.Array) *chunk.Array { return must(chunk.Binary(ndarray.MulOp, a, b)) }

	o := chunk.Options{Options: scheduler.Options{Workers: 2, Memory: budget}}
	var peak int64
	o.OnStats = func(s *scheduler.Stats) { peak = s.PeakLiveBytes }
	res, err := chunk.Compute(t.Context(), o, mean(mul(u, u)), mean(mul(v, v)), mean(mul(u, v)))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("quadratic means: peak live %d KiB of a %d KiB budget, %d block loads", peak>>10, budget>>10, loads.Load())
	if peak > budget {
		t.Errorf("quadratic means held %d bytes, budget %d", peak, budget)
	}
	// u and v are equal fields, so all three means are equal.
	assertClose(t, res[1], res[0], 0)
	assertClose(t, res[2], res[0], 0)

	anom := must(chunk.Binary(ndarray.SubOp, u, mean(u)))
	sq := must(chunk.Reduce(ndarray.Mean, mul(anom, anom), ndarray.ReduceOptions{}, 0))
	varU := must(chunk.Reduce(ndarray.Var, u, ndarray.ReduceOptions{}, 0))
	res, err = chunk.Compute(t.Context(), o, sq, varU)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("anomaly: peak live %d KiB of a %d KiB budget", peak>>10, budget>>10)
	if peak > budget {
		t.Errorf("anomaly held %d bytes, budget %d", peak, budget)
	}
	assertClose(t, res[0], res[1], 1e-9)
}

// TestCacheServesUnchangedSourcesOnly computes a keyed source twice with a
// cache (the second run reads nothing), then with the key of a changed
// file (it reads again and sees the new data).
func TestCacheServesUnchangedSourcesOnly(t *testing.T) {
	cache, err := scheduler.NewCache(64 << 20)
	if err != nil {
		t.Fatal(err)
	}
	defer cache.Close()
	var loads atomic.Int64
	source := func(version int) *chunk.Array {
		a, err := chunk.FromSource(chunk.Source{
			Name: "read", DType: ndarray.Float64, Shape: []int{8, 4}, Chunks: chunk.Regular([]int{8, 4}, []int{2, 4}),
			Key: fmt.Sprintf("/data/t2m.nc size=1024 mtime=%d var=t2m", version),
			Load: func(_ *graph.Exec, start, shape []int) (*ndarray.Array, error) {
				loads.Add(1)
				return ndarray.Full(ndarray.Float64, float64(version), shape...), nil
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		return must(chunk.Reduce(ndarray.Mean, a, ndarray.ReduceOptions{}))
	}
	o := opts(2)
	o.Cache = cache
	for run, tc := range []struct {
		version int
		loads   int64
	}{{1, 4}, {1, 0}, {2, 4}, {2, 0}} {
		loads.Store(0)
		got := compute1(t, o, source(tc.version)).At()
		if got != float64(tc.version) || loads.Load() != tc.loads {
			t.Errorf("run %d (version %d): mean %v with %d loads, want %d with %d", run, tc.version, got, loads.Load(), tc.version, tc.loads)
		}
	}
}

func TestAutoChunksSource(t *testing.T) {
	a, err := chunk.FromSource(chunk.Source{
		Name: "read", DType: ndarray.Float32, Shape: []int{100, 64, 64}, BlockBytes: 64 << 10,
		Load: func(_ *graph.Exec, _, shape []int) (*ndarray.Array, error) {
			return ndarray.Zeros(ndarray.Float32, shape...), nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	// 16 KiB per step: 4 steps per 64 KiB block.
	if c := a.Chunks(); len(c[0]) != 25 || c[0][0] != 4 || len(c[1]) != 1 {
		t.Errorf("auto chunks %v, want ((4 x 25), (64), (64))", c)
	}
}

func TestTransposeExpandSqueeze(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	x := randArray(r, ndarray.Float32, 4, 1, 6)
	a, _ := chunk.FromArray(x, chunk.Regular(x.Shape(), []int{3, 1, 4}))
	tr, err := a.Transpose(2, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := x.Transpose(2, 0, 1)
	assertClose(t, compute1(t, opts(2), tr), want.Copy(), 0)
	if _, err := a.Transpose(0, 0, 1); !errors.Is(err, ndarray.ErrAxis) {
		t.Errorf("bad permutation: %v", err)
	}
	sq, err := a.Squeeze()
	if err != nil {
		t.Fatal(err)
	}
	ws, _ := x.Squeeze()
	assertClose(t, compute1(t, opts(2), sq), ws.Copy(), 0)
	ex, err := sq.ExpandDims(0)
	if err != nil {
		t.Fatal(err)
	}
	we, _ := ws.ExpandDims(0)
	assertClose(t, compute1(t, opts(1), ex), we.Copy(), 0)
	if _, err := a.Squeeze(0); !errors.Is(err, ndarray.ErrShape) {
		t.Errorf("squeeze of a long axis: %v", err)
	}
}

// TestEmptySelectionSeveralBlocks: a selection empty along one axis and
// with several blocks along another computes to an empty array.
func TestEmptySelectionSeveralBlocks(t *testing.T) {
	x := ndarray.Zeros(ndarray.Float32, 3, 4, 5)
	a, _ := chunk.FromArray(x, chunk.Regular(x.Shape(), []int{2, 2, 5}))
	s, err := a.Slice(ndarray.Whole, ndarray.Range{Start: 2, Stop: 2, Step: 1})
	if err != nil {
		t.Fatal(err)
	}
	got := compute1(t, opts(2), s)
	if !slices.Equal(got.Shape(), []int{3, 0, 5}) {
		t.Errorf("shape %v, want [3 0 5]", got.Shape())
	}
}

// packedInt16 returns random int16 values in [-span/2, span/2), every
// every-th one (in row-major order, from the first) the missing value
// -32767, as a packed variable stores them.
func packedInt16(r *rand.Rand, span, every int, shape ...int) *ndarray.Array {
	a := ndarray.Zeros(ndarray.Int16, shape...)
	d, _ := ndarray.Data[int16](a)
	for i := range d {
		d[i] = int16(r.IntN(span) - span/2)
		if i%every == 0 {
			d[i] = -32767
		}
	}
	return a
}

// rawCodec is the codec of the raw sources' packed values: hundredths of
// a kelvin from 280, -32767 missing, decoded to float64.
func rawCodec() *ndarray.Codec {
	return &ndarray.Codec{Stored: ndarray.Int16, Scale: 0.01, Offset: 280, Missing: []float64{-32767}, Decoded: ndarray.Float64}
}

// rawSource returns a big-endian int16 source whose reader hands each
// block over in pieces of at most two rows of the first axis, as
// io/netcdf's classic reader does.
func rawSource(t *testing.T, vals *ndarray.Array, c chunk.Chunks, reads *atomic.Int64) *chunk.Array {
	t.Helper()
	a, err := chunk.FromSource(chunk.Source{
		Name: "read-raw", DType: ndarray.Int16, Shape: vals.Shape(), Chunks: c, Order: binary.BigEndian,
		ReadRaw: func(_ *graph.Exec, start, bshape []int, use func([]byte, []int, []int) error) error {
			reads.Add(1)
			for r := 0; r < bshape[0]; r += 2 {
				// Rows r, r+1 of the block.
				sub := append([]int{min(2, bshape[0]-r)}, bshape[1:]...)
				ranges := make([]ndarray.Range, len(sub))
				for ax := range sub {
					ranges[ax] = ndarray.Range{Start: start[ax], Stop: start[ax] + sub[ax], Step: 1}
				}
				ranges[0].Start += r
				ranges[0].Stop += r
				piece, err := vals.Slice(ranges...)
				if err != nil {
					return err
				}
				d, err := ndarray.ToSlice[int16](piece)
				if err != nil {
					return err
				}
				var raw []byte
				for _, x := range d {
					raw = binary.BigEndian.AppendUint16(raw, uint16(x))
				}
				origin := make([]int, len(sub))
				origin[0] = r
				if err := use(raw, origin, sub); err != nil {
					return err
				}
			}
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestRawSource checks a source read as raw bytes: reductions of its
// decoding fold the bytes directly and equal decoding first, every other
// consumer sees the decoded values, and a concatenation of raw sources
// keeps the direct path.
func TestRawSource(t *testing.T) {
	vals := packedInt16(rand.New(rand.NewPCG(8, 8)), 20000, 13, 9, 3, 4)
	codec := rawCodec()
	decoded, _ := codec.Decode(vals)
	var reads atomic.Int64
	c := chunk.Regular(vals.Shape(), []int{4, 3, 4})
	src := rawSource(t, vals, c, &reads)
	assertClose(t, compute1(t, opts(2), src), vals, 0)

	top, _ := vals.Slice(ndarray.Range{Start: 0, Stop: 5, Step: 1})
	bottom, _ := vals.Slice(ndarray.Range{Start: 5, Stop: 9, Step: 1})
	cat, err := chunk.Concat(0, rawSource(t, top.Copy(), chunk.Regular([]int{5, 3, 4}, []int{3, 3, 4}), &reads),
		rawSource(t, bottom.Copy(), chunk.Regular([]int{4, 3, 4}, []int{4, 3, 4}), &reads))
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []*chunk.Array{src, cat} {
		dec, err := chunk.Decode(in, codec)
		if err != nil {
			t.Fatal(err)
		}
		assertClose(t, compute1(t, opts(2), dec), decoded, 0)
		for _, axes := range [][]int{nil, {0}, {1, 2}} {
			for _, op := range []ndarray.Op{ndarray.Mean, ndarray.Sum, ndarray.Min, ndarray.Std, ndarray.Count} {
				want, _ := ndarray.Reduce(op, decoded, ndarray.ReduceOptions{SkipNaN: true}, axes...)
				lazy, err := chunk.Reduce(op, dec, ndarray.ReduceOptions{SkipNaN: true}, axes...)
				if err != nil {
					t.Fatal(err)
				}
				var layers []string
				o := opts(2)
				o.OnPlan = func(p *graph.Plan) {
					for _, l := range p.Layers {
						layers = append(layers, l.Name)
					}
				}
				got := compute1(t, o, lazy)
				assertClose(t, got, want, 1e-12)
				if !slices.ContainsFunc(layers, func(n string) bool { return strings.HasPrefix(n, "read-partial-") }) {
					t.Errorf("%s over %v: the reduction did not read the raw blocks itself (layers %v)", op, axes, layers)
				}
			}
		}
	}
}
