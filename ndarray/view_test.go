package ndarray_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tesseradata/tessera/ndarray"
)

// refRange returns the positions Range r selects on an axis of length n,
// by walking them one at a time as Range's doc describes.
func refRange(r ndarray.Range, n int) []int {
	step := r.Step
	if step == 0 {
		step = 1
	}
	var out []int
	if step > 0 {
		for p := r.Start; p < min(r.Stop, n); p += step {
			out = append(out, p)
		}
		return out
	}
	for p := min(r.Start, n-1); p > r.Stop; p += step {
		out = append(out, p)
	}
	return out
}

func floats(xs ...int) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = float64(x)
	}
	return out
}

func TestSliceRange(t *testing.T) {
	const n = 10
	tests := []struct {
		name    string
		r       ndarray.Range
		want    []float64
		mention []string // for errors, which all wrap ErrIndex
	}{
		{name: "whole", r: ndarray.Whole, want: floats(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)},
		{name: "middle", r: ndarray.Range{Start: 2, Stop: 7, Step: 1}, want: floats(2, 3, 4, 5, 6)},
		{name: "step 2", r: ndarray.Range{Start: 2, Stop: 7, Step: 2}, want: floats(2, 4, 6)},
		{name: "step 2 exclusive stop", r: ndarray.Range{Start: 2, Stop: 8, Step: 2}, want: floats(2, 4, 6)},
		{name: "step 0 means 1", r: ndarray.Range{Start: 3, Stop: 5}, want: floats(3, 4)},
		{name: "stop clipped", r: ndarray.Range{Start: 5, Stop: 100, Step: 1}, want: floats(5, 6, 7, 8, 9)},
		{name: "step larger than axis", r: ndarray.Range{Start: 1, Stop: 100, Step: 50}, want: floats(1)},
		{name: "start at end", r: ndarray.Range{Start: n, Stop: 20, Step: 1}, want: nil},
		{name: "stop before start", r: ndarray.Range{Start: 5, Stop: 3, Step: 1}, want: nil},
		{name: "negative stop is absolute", r: ndarray.Range{Start: 0, Stop: -1, Step: 1}, want: nil},
		{name: "zero Range is empty", r: ndarray.Range{}, want: nil},
		{name: "reverse", r: ndarray.Range{Start: n - 1, Stop: -1, Step: -1}, want: floats(9, 8, 7, 6, 5, 4, 3, 2, 1, 0)},
		{name: "reverse start clipped", r: ndarray.Range{Start: 100, Stop: -1, Step: -1}, want: floats(9, 8, 7, 6, 5, 4, 3, 2, 1, 0)},
		{name: "step -3", r: ndarray.Range{Start: 9, Stop: -1, Step: -3}, want: floats(9, 6, 3, 0)},
		{name: "step -2 exclusive stop", r: ndarray.Range{Start: 8, Stop: 2, Step: -2}, want: floats(8, 6, 4)},
		{name: "negative step start equals stop", r: ndarray.Range{Start: 3, Stop: 3, Step: -1}, want: nil},
		{name: "negative step start below stop", r: ndarray.Range{Start: 2, Stop: 5, Step: -1}, want: nil},
		{name: "negative step start -1", r: ndarray.Range{Start: -1, Stop: -1, Step: -1}, want: nil},
		// Steps near the int limits must not overflow the count.
		{name: "step MaxInt", r: ndarray.Range{Start: 0, Stop: math.MaxInt, Step: math.MaxInt}, want: floats(0)},
		{name: "step MaxInt from 3", r: ndarray.Range{Start: 3, Stop: math.MaxInt, Step: math.MaxInt}, want: floats(3)},
		{name: "step -MaxInt", r: ndarray.Range{Start: 9, Stop: -1, Step: -math.MaxInt}, want: floats(9)},
		{name: "step MinInt", r: ndarray.Range{Start: 9, Stop: -1, Step: math.MinInt}, want: floats(9)},
		{name: "start past end", r: ndarray.Range{Start: n + 1, Stop: 20, Step: 1}, mention: []string{"axis 0 of length 10", "start 11"}},
		{name: "negative start", r: ndarray.Range{Start: -1, Stop: 5, Step: 1}, mention: []string{"axis 0 of length 10", "start -1"}},
		{name: "negative step stop below -1", r: ndarray.Range{Start: 5, Stop: -2, Step: -1}, mention: []string{"axis 0 of length 10", "stop -2"}},
		{name: "negative step start below -1", r: ndarray.Range{Start: -2, Stop: -1, Step: -1}, mention: []string{"axis 0 of length 10", "start -2"}},
	}
	a := ndarray.Arange(ndarray.Int64, 0, n, 1)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := a.Slice(tc.r)
			if tc.mention != nil {
				checkErr(t, err, ndarray.ErrIndex, tc.mention...)
				return
			}
			if err != nil {
				t.Fatalf("Slice(%+v): %v", tc.r, err)
			}
			checkValues(t, got, ndarray.Int64, []int{len(tc.want)}, tc.want)
			// refRange would overflow on the huge steps.
			if want := floats(refRange(tc.r, n)...); tc.r.Step > -n && tc.r.Step < n && !slices.Equal(want, tc.want) {
				t.Errorf("refRange(%+v) = %v, disagrees with the table", tc.r, want)
			}
		})
	}
}

func TestSliceMultiAxis(t *testing.T) {
	a, _ := ndarray.Arange(ndarray.Int32, 0, 24, 1).Reshape(2, 3, 4)
	tests := []struct {
		name    string
		ranges  []ndarray.Range
		shape   []int
		want    []float64
		mention []string // for errors, which all wrap ErrIndex
	}{
		{name: "none", ranges: nil, shape: []int{2, 3, 4}, want: floats(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
			12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23)},
		{name: "leading only", ranges: []ndarray.Range{{Start: 1, Stop: 2}}, shape: []int{1, 3, 4},
			want: floats(12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23)},
		{name: "all three", ranges: []ndarray.Range{{Start: 1, Stop: 2}, ndarray.Whole, {Start: 3, Stop: -1, Step: -2}},
			shape: []int{1, 3, 2}, want: floats(15, 13, 19, 17, 23, 21)},
		{name: "empty middle", ranges: []ndarray.Range{ndarray.Whole, {Start: 2, Stop: 2}}, shape: []int{2, 0, 4}},
		{name: "too many", ranges: []ndarray.Range{ndarray.Whole, ndarray.Whole, ndarray.Whole, ndarray.Whole},
			mention: []string{"4 ranges for 3-dimensional"}},
		{name: "bad last axis", ranges: []ndarray.Range{ndarray.Whole, ndarray.Whole, {Start: 5, Stop: 6}},
			mention: []string{"axis 2 of length 4", "start 5"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := a.Slice(tc.ranges...)
			if tc.mention != nil {
				checkErr(t, err, ndarray.ErrIndex, tc.mention...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkValues(t, got, ndarray.Int32, tc.shape, tc.want)
		})
	}

	s := ndarray.Scalar(2.5)
	if v, err := s.Slice(); err != nil || v.NDim() != 0 || v.At() != 2.5 {
		t.Errorf("Slice() of a 0-d array = %v, %v", v, err)
	}
	_, err := s.Slice(ndarray.Whole)
	checkErr(t, err, ndarray.ErrIndex, "1 ranges for 0-dimensional")
}

// genRange returns a random valid Range for an axis of length n, with a
// step in [-3, 3] (0 meaning 1) and bounds that are sometimes out of the
// axis, to be clipped.
func genRange(rng *rand.Rand, n int) ndarray.Range {
	step := rng.IntN(7) - 3
	if step >= 0 {
		r := ndarray.Range{Start: rng.IntN(n + 1), Stop: rng.IntN(n+3) - 1, Step: step}
		if rng.IntN(4) == 0 {
			r.Stop = math.MaxInt
		}
		return r
	}
	return ndarray.Range{Start: rng.IntN(n+3) - 1, Stop: rng.IntN(n+2) - 1, Step: step}
}

// TestSliceRandom slices random layouts twice with random ranges and
// checks every element against the base array indexed by the positions
// refRange lists.
func TestSliceRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for trial := range 200 {
		shape := make([]int, rng.IntN(4))
		for i := range shape {
			shape[i] = rng.IntN(6)
		}
		for _, l := range genLayouts(rng, ndarray.Float64, shape) {
			r1 := make([]ndarray.Range, rng.IntN(len(shape)+1))
			pos := make([][]int, len(shape)) // positions in l.a of each axis of v1
			for i := range shape {
				if i < len(r1) {
					r1[i] = genRange(rng, shape[i])
					pos[i] = refRange(r1[i], shape[i])
				} else {
					pos[i] = refRange(ndarray.Whole, shape[i])
				}
			}
			v1, err := l.a.Slice(r1...)
			if err != nil {
				t.Fatalf("trial %d: %v%v.Slice(%+v): %v", trial, l.name, shape, r1, err)
			}
			r2 := make([]ndarray.Range, len(shape))
			for i := range shape {
				r2[i] = genRange(rng, len(pos[i]))
				var p2 []int
				for _, j := range refRange(r2[i], len(pos[i])) {
					p2 = append(p2, pos[i][j])
				}
				pos[i] = p2
			}
			v2, err := v1.Slice(r2...)
			if err != nil {
				t.Fatalf("trial %d: %v%v.Slice(%+v).Slice(%+v): %v", trial, l.name, shape, r1, r2, err)
			}
			wantShape := make([]int, len(shape))
			for i := range pos {
				wantShape[i] = len(pos[i])
			}
			var want []float64
			for _, idx := range allIndices(wantShape) {
				src := make([]int, len(idx))
				for i, j := range idx {
					src[i] = pos[i][j]
				}
				want = append(want, refAt(l.a, src))
			}
			t.Run(fmt.Sprintf("%d/%s%v/%+v/%+v", trial, l.name, shape, r1, r2), func(t *testing.T) {
				checkValues(t, v2, ndarray.Float64, wantShape, want)
			})
		}
	}
}

// TestViewsShareData writes through views and reads the base, and the
// other way round. base is 2x3x4; each case maps an index of its view to
// the index of the base element it names.
func TestViewsShareData(t *testing.T) {
	must := func(a *ndarray.Array, err error) *ndarray.Array {
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	tests := []struct {
		name string
		view func(base *ndarray.Array) *ndarray.Array
		at   func(idx []int) []int
	}{
		{"slice", func(b *ndarray.Array) *ndarray.Array {
			return must(b.Slice(ndarray.Range{Start: 1, Stop: 2}, ndarray.Range{Start: 2, Stop: -1, Step: -1}, ndarray.Range{Start: 0, Stop: 4, Step: 2}))
		}, func(i []int) []int { return []int{1 + i[0], 2 - i[1], 2 * i[2]} }},
		{"index", func(b *ndarray.Array) *ndarray.Array { return must(b.Index(1, 2)) },
			func(i []int) []int { return []int{i[0], 2, i[1]} }},
		{"transpose", func(b *ndarray.Array) *ndarray.Array { return must(b.Transpose(2, 0, 1)) },
			func(i []int) []int { return []int{i[1], i[2], i[0]} }},
		{"reshape", func(b *ndarray.Array) *ndarray.Array { return must(b.Reshape(6, -1)) },
			func(i []int) []int { return []int{i[0] / 3, i[0] % 3, i[1]} }},
		{"reshape of offset row", func(b *ndarray.Array) *ndarray.Array { return must(must(b.Index(0, 1)).Reshape(2, 6)) },
			func(i []int) []int { k := i[0]*6 + i[1]; return []int{1, k / 4, k % 4} }},
		{"expand dims", func(b *ndarray.Array) *ndarray.Array { return must(b.ExpandDims(3)) },
			func(i []int) []int { return i[:3] }},
		{"squeeze", func(b *ndarray.Array) *ndarray.Array {
			return must(must(b.Slice(ndarray.Range{Start: 1, Stop: 2})).Squeeze())
		}, func(i []int) []int { return []int{1, i[0], i[1]} }},
		{"broadcast", func(b *ndarray.Array) *ndarray.Array { return must(must(b.Index(0, 0)).BroadcastTo(5, 3, 4)) },
			func(i []int) []int { return []int{0, i[1], i[2]} }},
		{"transposed slice", func(b *ndarray.Array) *ndarray.Array {
			return must(must(b.Transpose()).Slice(ndarray.Range{Start: 3, Stop: -1, Step: -3}))
		}, func(i []int) []int { return []int{i[2], i[1], 3 - 3*i[0]} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := ndarray.Zeros(ndarray.Float64, 2, 3, 4)
			v := tc.view(base)
			for k, idx := range allIndices(v.Shape()) {
				v.Set(float64(1000+k), idx...)
				if got := base.At(tc.at(idx)...); got != float64(1000+k) {
					t.Errorf("after view.Set(%d, %v), base.At(%v) = %v", 1000+k, idx, tc.at(idx), got)
				}
			}
			for k, idx := range allIndices(base.Shape()) {
				base.Set(float64(k), idx...)
			}
			for _, idx := range allIndices(v.Shape()) {
				if got, want := v.At(idx...), base.At(tc.at(idx)...); got != want {
					t.Errorf("view.At(%v) = %v, want base.At(%v) = %v", idx, got, tc.at(idx), want)
				}
			}
		})
	}
}

func TestReshape(t *testing.T) {
	a := ndarray.Arange(ndarray.Float32, 0, 24, 1)
	a3, _ := a.Reshape(2, 3, 4)
	e := ndarray.Zeros(ndarray.Int8, 0, 3)
	s := ndarray.Scalar(uint8(5))
	tests := []struct {
		name    string
		a       *ndarray.Array
		shape   []int
		want    []int
		err     error
		mention []string
	}{
		{name: "flatten", a: a3, shape: []int{24}, want: []int{24}},
		{name: "infer last", a: a3, shape: []int{4, -1}, want: []int{4, 6}},
		{name: "infer only", a: a3, shape: []int{-1}, want: []int{24}},
		{name: "infer middle", a: a3, shape: []int{2, -1, 3}, want: []int{2, 4, 3}},
		{name: "ones", a: a3, shape: []int{1, 24, 1}, want: []int{1, 24, 1}},
		{name: "empty", a: e, shape: []int{3, 0}, want: []int{3, 0}},
		{name: "empty infer", a: e, shape: []int{-1, 3}, want: []int{0, 3}},
		{name: "scalar to 0-d", a: s, shape: []int{}, want: []int{}},
		{name: "scalar to ones", a: s, shape: []int{1, 1}, want: []int{1, 1}},
		{name: "scalar infer", a: s, shape: []int{-1}, want: []int{1}},
		{name: "size mismatch", a: a3, shape: []int{5, 5}, err: ndarray.ErrShape, mention: []string{"[2 3 4]", "[5 5]", "24"}},
		{name: "two unknowns", a: a3, shape: []int{-1, -1}, err: ndarray.ErrShape, mention: []string{"[2 3 4]", "[-1 -1]"}},
		{name: "not divisible", a: a3, shape: []int{5, -1}, err: ndarray.ErrShape, mention: []string{"[2 3 4]", "[5 -1]"}},
		{name: "infer with zero", a: e, shape: []int{0, -1}, err: ndarray.ErrShape, mention: []string{"[0 3]", "[0 -1]"}},
		{name: "negative", a: a3, shape: []int{-2, -12}, err: ndarray.ErrShape, mention: []string{"[-2 -12]"}},
		// 2^32 * 2^32 wraps to 0 in int; the empty array must not take
		// that shape.
		{name: "overflow", a: e, shape: []int{1 << 32, 1 << 32}, err: ndarray.ErrSize, mention: []string{"[4294967296 4294967296]"}},
		{name: "overflow inferred", a: a3, shape: []int{1 << 62, 4, -1}, err: ndarray.ErrShape, mention: []string{"[4611686018427387904 4 -1]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.a.Reshape(tc.shape...)
			if tc.err != nil {
				checkErr(t, err, tc.err, tc.mention...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkValues(t, got, tc.a.DType(), tc.want, refValues(tc.a))
			if !got.IsContiguous() {
				t.Errorf("result has strides %v, not contiguous", got.Strides())
			}
		})
	}
}

// Reshape copies an array that is not contiguous, in row-major order of
// the view, and the copy does not share data.
func TestReshapeCopies(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, l := range genLayouts(rng, ndarray.Int16, []int{3, 2, 4}) {
		t.Run(l.name, func(t *testing.T) {
			got, err := l.a.Reshape(4, -1)
			if err != nil {
				t.Fatal(err)
			}
			want := refValues(l.a)
			checkValues(t, got, ndarray.Int16, []int{4, 6}, want)
			old := l.a.At(0, 0, 0)
			got.Set(old+1, 0, 0)
			shared := l.a.At(0, 0, 0) != old
			if shared != l.a.IsContiguous() {
				t.Errorf("contiguous %v, but Reshape shares data: %v", l.a.IsContiguous(), shared)
			}
		})
	}
}

func TestIndex(t *testing.T) {
	a, _ := ndarray.Arange(ndarray.Uint8, 0, 24, 1).Reshape(2, 3, 4)
	v, _ := ndarray.Arange(ndarray.Uint8, 0, 5, 1).Slice(ndarray.Range{Start: 4, Stop: -1, Step: -1})
	tests := []struct {
		name    string
		a       *ndarray.Array
		axis, i int
		shape   []int
		want    []float64
		err     error
		mention []string
	}{
		{name: "first axis", a: a, axis: 0, i: 1, shape: []int{3, 4}, want: floats(12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23)},
		{name: "middle axis", a: a, axis: 1, i: 2, shape: []int{2, 4}, want: floats(8, 9, 10, 11, 20, 21, 22, 23)},
		{name: "last axis", a: a, axis: 2, i: 3, shape: []int{2, 3}, want: floats(3, 7, 11, 15, 19, 23)},
		{name: "to 0-d", a: v, axis: 0, i: 1, shape: []int{}, want: floats(3)},
		{name: "axis too large", a: a, axis: 3, i: 0, err: ndarray.ErrAxis, mention: []string{"axis 3 for 3-dimensional"}},
		{name: "negative axis", a: a, axis: -1, i: 0, err: ndarray.ErrAxis, mention: []string{"axis -1 for 3-dimensional"}},
		{name: "index too large", a: a, axis: 1, i: 3, err: ndarray.ErrIndex, mention: []string{"index 3 on axis 1 of length 3"}},
		{name: "negative index", a: a, axis: 2, i: -1, err: ndarray.ErrIndex, mention: []string{"index -1 on axis 2 of length 4"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.a.Index(tc.axis, tc.i)
			if tc.err != nil {
				checkErr(t, err, tc.err, tc.mention...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkValues(t, got, ndarray.Uint8, tc.shape, tc.want)
		})
	}
}

func TestTakeCompress(t *testing.T) {
	a, _ := ndarray.Arange(ndarray.Int64, 0, 12, 1).Reshape(3, 4)
	at, _ := a.Transpose()
	tests := []struct {
		name    string
		f       func() (*ndarray.Array, error)
		shape   []int
		want    []float64
		err     error
		mention []string
	}{
		{name: "take repeats", f: func() (*ndarray.Array, error) { return a.Take(1, []int{3, 0, 3}) },
			shape: []int{3, 3}, want: floats(3, 0, 3, 7, 4, 7, 11, 8, 11)},
		{name: "take one row", f: func() (*ndarray.Array, error) { return a.Take(0, []int{2}) },
			shape: []int{1, 4}, want: floats(8, 9, 10, 11)},
		{name: "take none", f: func() (*ndarray.Array, error) { return a.Take(0, nil) }, shape: []int{0, 4}},
		{name: "take from transposed", f: func() (*ndarray.Array, error) { return at.Take(0, []int{1, 0}) },
			shape: []int{2, 3}, want: floats(1, 5, 9, 0, 4, 8)},
		{name: "take bad axis", f: func() (*ndarray.Array, error) { return a.Take(2, []int{0}) },
			err: ndarray.ErrAxis, mention: []string{"take", "axis 2 for 2-dimensional"}},
		{name: "take bad index", f: func() (*ndarray.Array, error) { return a.Take(0, []int{0, 3}) },
			err: ndarray.ErrIndex, mention: []string{"take 3 on axis 0 of length 3"}},
		{name: "take negative index", f: func() (*ndarray.Array, error) { return a.Take(1, []int{-1}) },
			err: ndarray.ErrIndex, mention: []string{"take -1 on axis 1 of length 4"}},
		{name: "take from 0-d", f: func() (*ndarray.Array, error) { return ndarray.Scalar(1.0).Take(0, nil) },
			err: ndarray.ErrAxis, mention: []string{"axis 0 for 0-dimensional"}},
		{name: "compress", f: func() (*ndarray.Array, error) { return a.Compress(1, []bool{true, false, false, true}) },
			shape: []int{3, 2}, want: floats(0, 3, 4, 7, 8, 11)},
		{name: "compress none", f: func() (*ndarray.Array, error) { return a.Compress(0, []bool{false, false, false}) },
			shape: []int{0, 4}},
		{name: "compress transposed", f: func() (*ndarray.Array, error) { return at.Compress(1, []bool{false, true, true}) },
			shape: []int{4, 2}, want: floats(4, 8, 5, 9, 6, 10, 7, 11)},
		{name: "compress short mask", f: func() (*ndarray.Array, error) { return a.Compress(1, []bool{true, true, true}) },
			err: ndarray.ErrShape, mention: []string{"mask of length 3 for axis 1 of length 4"}},
		{name: "compress bad axis", f: func() (*ndarray.Array, error) { return a.Compress(-1, nil) },
			err: ndarray.ErrAxis, mention: []string{"compress", "axis -1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.f()
			if tc.err != nil {
				checkErr(t, err, tc.err, tc.mention...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkValues(t, got, ndarray.Int64, tc.shape, tc.want)
			if !got.IsContiguous() {
				t.Errorf("result has strides %v, not contiguous", got.Strides())
			}
			if got.Size() > 0 {
				before := a.At(0, 0)
				got.Set(-5, make([]int, got.NDim())...)
				if a.At(0, 0) != before {
					t.Errorf("result shares data with its input")
				}
			}
		})
	}
}

// TestTakeRandom checks Take on every layout and axis against refAt.
func TestTakeRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	shape := []int{3, 4, 2}
	for _, dt := range []ndarray.DType{ndarray.Bool, ndarray.Uint32, ndarray.Float32} {
		for _, l := range genLayouts(rng, dt, shape) {
			for axis := range shape {
				idx := make([]int, rng.IntN(6))
				for i := range idx {
					idx[i] = rng.IntN(shape[axis])
				}
				t.Run(fmt.Sprintf("%v/%s/axis%d/%v", dt, l.name, axis, idx), func(t *testing.T) {
					got, err := l.a.Take(axis, idx)
					if err != nil {
						t.Fatal(err)
					}
					ws := slices.Clone(shape)
					ws[axis] = len(idx)
					var want []float64
					for _, i := range allIndices(ws) {
						src := slices.Clone(i)
						src[axis] = idx[i[axis]]
						want = append(want, refAt(l.a, src))
					}
					checkValues(t, got, dt, ws, want)
				})
			}
		}
	}
}

func TestTranspose(t *testing.T) {
	a := genArray(rand.New(rand.NewPCG(6, 6)), ndarray.Float64, 2, 3, 4)
	tests := []struct {
		name    string
		perm    []int
		shape   []int
		mention []string // for errors, which all wrap ErrAxis
	}{
		{name: "reverse", perm: nil, shape: []int{4, 3, 2}},
		{name: "identity", perm: []int{0, 1, 2}, shape: []int{2, 3, 4}},
		{name: "rotate", perm: []int{1, 2, 0}, shape: []int{3, 4, 2}},
		{name: "swap", perm: []int{0, 2, 1}, shape: []int{2, 4, 3}},
		{name: "too short", perm: []int{1, 0}, mention: []string{"[1 0]", "3 axes"}},
		{name: "too long", perm: []int{0, 1, 2, 3}, mention: []string{"[0 1 2 3]", "3 axes"}},
		{name: "repeated", perm: []int{0, 0, 1}, mention: []string{"[0 0 1]", "not a permutation"}},
		{name: "out of range", perm: []int{0, 1, 3}, mention: []string{"[0 1 3]", "not a permutation"}},
		{name: "negative", perm: []int{-1, 0, 1}, mention: []string{"[-1 0 1]", "not a permutation"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := a.Transpose(tc.perm...)
			if tc.mention != nil {
				checkErr(t, err, ndarray.ErrAxis, tc.mention...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			perm := tc.perm
			if perm == nil {
				perm = []int{2, 1, 0}
			}
			var want []float64
			for _, idx := range allIndices(tc.shape) {
				src := make([]int, 3)
				for i, p := range perm {
					src[p] = idx[i]
				}
				want = append(want, refAt(a, src))
			}
			checkValues(t, got, ndarray.Float64, tc.shape, want)
		})
	}
	if s, err := ndarray.Scalar(int8(1)).Transpose(); err != nil || s.NDim() != 0 {
		t.Errorf("Transpose() of a 0-d array = %v, %v", s, err)
	}
}

func TestBroadcastShapes(t *testing.T) {
	tests := []struct {
		name    string
		shapes  [][]int
		want    []int
		mention []string // for errors, which all wrap ErrShape
	}{
		{name: "no shapes", shapes: nil, want: []int{}},
		{name: "scalar", shapes: [][]int{{}}, want: []int{}},
		{name: "scalar and vector", shapes: [][]int{{3}, {}}, want: []int{3}},
		{name: "outer", shapes: [][]int{{2, 1}, {1, 3}}, want: []int{2, 3}},
		{name: "aligned at the end", shapes: [][]int{{5, 1, 4}, {3, 1}}, want: []int{5, 3, 4}},
		{name: "zero with one", shapes: [][]int{{0}, {1}}, want: []int{0}},
		{name: "zero in 2-d", shapes: [][]int{{1, 0}, {4, 1}}, want: []int{4, 0}},
		{name: "three", shapes: [][]int{{2, 3}, {2, 3}, {3}}, want: []int{2, 3}},
		{name: "three outer", shapes: [][]int{{2, 1, 1}, {1, 3, 1}, {4}}, want: []int{2, 3, 4}},
		{name: "mismatch", shapes: [][]int{{3}, {4}}, mention: []string{"[[3] [4]]", "3 vs 4"}},
		{name: "zero mismatch", shapes: [][]int{{0}, {5}}, mention: []string{"[[0] [5]]", "0 vs 5"}},
		{name: "swapped", shapes: [][]int{{2, 3}, {3, 2}}, mention: []string{"[[2 3] [3 2]]", "axis 0: 2 vs 3"}},
		{name: "third conflicts", shapes: [][]int{{2, 1}, {1, 3}, {1, 4}}, mention: []string{"[[2 1] [1 3] [1 4]]", "axis 1: 3 vs 4"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ndarray.BroadcastShapes(tc.shapes...)
			if tc.mention != nil {
				checkErr(t, err, ndarray.ErrShape, tc.mention...)
				return
			}
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("BroadcastShapes(%v) = %v, %v, want %v", tc.shapes, got, err, tc.want)
			}
		})
	}
}

func TestBroadcastTo(t *testing.T) {
	v, _ := ndarray.FromSlice([]int16{1, 2, 3})
	c, _ := ndarray.FromSlice([]int16{1, 2}, 2, 1)
	tests := []struct {
		name    string
		a       *ndarray.Array
		shape   []int
		strides []int
		want    []float64
		mention []string // for errors, which all wrap ErrShape
	}{
		{name: "new leading axis", a: v, shape: []int{2, 3}, strides: []int{0, 1}, want: floats(1, 2, 3, 1, 2, 3)},
		{name: "stretch column", a: c, shape: []int{2, 4}, strides: []int{1, 0}, want: floats(1, 1, 1, 1, 2, 2, 2, 2)},
		{name: "scalar", a: ndarray.Scalar(int16(7)), shape: []int{2, 2}, strides: []int{0, 0}, want: floats(7, 7, 7, 7)},
		{name: "to empty", a: c, shape: []int{2, 0}, strides: []int{1, 0}},
		{name: "same", a: v, shape: []int{3}, strides: []int{1}, want: floats(1, 2, 3)},
		{name: "fewer dimensions", a: c, shape: []int{2}, mention: []string{"[2 1]", "[2]", "fewer dimensions"}},
		{name: "incompatible", a: v, shape: []int{4}, mention: []string{"[3]", "[4]", "axis 0 has length 3"}},
		{name: "incompatible inner", a: c, shape: []int{3, 1}, mention: []string{"[2 1]", "[3 1]", "axis 0 has length 2"}},
		{name: "negative", a: ndarray.Scalar(int16(7)), shape: []int{-3}, mention: []string{"[-3]"}},
		{name: "negative stretched", a: c, shape: []int{2, -1}, mention: []string{"[2 -1]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.a.BroadcastTo(tc.shape...)
			if tc.mention != nil {
				checkErr(t, err, ndarray.ErrShape, tc.mention...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkValues(t, got, ndarray.Int16, tc.shape, tc.want)
			if !slices.Equal(got.Strides(), tc.strides) {
				t.Errorf("strides = %v, want %v", got.Strides(), tc.strides)
			}
		})
	}
}

func TestSqueezeExpandDims(t *testing.T) {
	a := genArray(rand.New(rand.NewPCG(7, 7)), ndarray.Float32, 1, 3, 1, 2)
	m := genArray(rand.New(rand.NewPCG(8, 8)), ndarray.Float32, 2, 3)
	tests := []struct {
		name    string
		f       func() (*ndarray.Array, error)
		src     *ndarray.Array
		shape   []int
		err     error
		mention []string
	}{
		{name: "squeeze all", f: func() (*ndarray.Array, error) { return a.Squeeze() }, src: a, shape: []int{3, 2}},
		{name: "squeeze first", f: func() (*ndarray.Array, error) { return a.Squeeze(0) }, src: a, shape: []int{3, 1, 2}},
		{name: "squeeze two", f: func() (*ndarray.Array, error) { return a.Squeeze(2, 0) }, src: a, shape: []int{3, 2}},
		{name: "squeeze repeated", f: func() (*ndarray.Array, error) { return a.Squeeze(2, 2) }, src: a, shape: []int{1, 3, 2}},
		{name: "squeeze nothing to squeeze", f: func() (*ndarray.Array, error) { return m.Squeeze() }, src: m, shape: []int{2, 3}},
		{name: "squeeze to 0-d", f: func() (*ndarray.Array, error) { return ndarray.Zeros(ndarray.Float32, 1, 1).Squeeze() },
			src: ndarray.Scalar(float32(0)), shape: []int{}},
		{name: "squeeze long axis", f: func() (*ndarray.Array, error) { return a.Squeeze(1) },
			err: ndarray.ErrShape, mention: []string{"squeeze axis 1 of length 3"}},
		{name: "squeeze bad axis", f: func() (*ndarray.Array, error) { return a.Squeeze(4) },
			err: ndarray.ErrAxis, mention: []string{"squeeze", "axis 4 for 4-dimensional"}},
		{name: "squeeze negative axis", f: func() (*ndarray.Array, error) { return a.Squeeze(-1) },
			err: ndarray.ErrAxis, mention: []string{"axis -1 for 4-dimensional"}},
		{name: "expand front", f: func() (*ndarray.Array, error) { return m.ExpandDims(0) }, src: m, shape: []int{1, 2, 3}},
		{name: "expand middle", f: func() (*ndarray.Array, error) { return m.ExpandDims(1) }, src: m, shape: []int{2, 1, 3}},
		{name: "expand end", f: func() (*ndarray.Array, error) { return m.ExpandDims(2) }, src: m, shape: []int{2, 3, 1}},
		{name: "expand 0-d", f: func() (*ndarray.Array, error) { return ndarray.Scalar(float32(0)).ExpandDims(0) },
			src: ndarray.Scalar(float32(0)), shape: []int{1}},
		{name: "expand too far", f: func() (*ndarray.Array, error) { return m.ExpandDims(3) },
			err: ndarray.ErrAxis, mention: []string{"axis 3 for 2-dimensional"}},
		{name: "expand negative", f: func() (*ndarray.Array, error) { return m.ExpandDims(-1) },
			err: ndarray.ErrAxis, mention: []string{"axis -1 for 2-dimensional"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.f()
			if tc.err != nil {
				checkErr(t, err, tc.err, tc.mention...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkValues(t, got, ndarray.Float32, tc.shape, refValues(tc.src))
		})
	}
}
