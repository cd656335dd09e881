package cdf

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// randomSlab returns a random hyperslab of shape; counts may be 0 only if
// zeros is set.
func randomSlab(rng *rand.Rand, shape []int64, zeros bool) (start, count []int64) {
	start, count = make([]int64, len(shape)), make([]int64, len(shape))
	for i, n := range shape {
		if n == 0 {
			continue
		}
		start[i] = rng.Int64N(n)
		count[i] = 1 + rng.Int64N(n-start[i])
		switch rng.IntN(4) {
		case 0: // whole dimension, to exercise coalescing
			start[i], count[i] = 0, n
		case 1:
			if zeros {
				count[i] = 0
			}
		}
	}
	return start, count
}

// checkAllSlabs compares ReadRaw with the reference reader on variable v:
// the whole variable, then iters random hyperslabs.
func checkAllSlabs(t *testing.T, b []byte, h *Header, v int, iters int) {
	t.Helper()
	r := bytes.NewReader(b)
	rng := rand.New(rand.NewPCG(uint64(v), uint64(len(b))))
	shape := h.Shape(v)
	for it := -1; it < iters; it++ {
		start, count := make([]int64, len(shape)), shape
		if it >= 0 {
			start, count = randomSlab(rng, shape, true)
		}
		want, err := readRef(r, h, v, start, count)
		if err != nil {
			t.Fatalf("readRef(%q, %v, %v): %v", h.Vars[v].Name, start, count, err)
		}
		got := make([]byte, len(want))
		if err := ReadRaw(r, h, v, start, count, got); err != nil {
			t.Fatalf("ReadRaw(%q, %v, %v): %v", h.Vars[v].Name, start, count, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("ReadRaw(%q, %v, %v) =\n% x\nwant\n% x", h.Vars[v].Name, start, count, got, want)
		}
	}
}

// TestReadRawReference compares ReadRaw with the one-value-at-a-time
// reference on crafted files of every format.
func TestReadRawReference(t *testing.T) {
	for _, f := range formats {
		t.Run(f.String(), func(t *testing.T) {
			h := sample(f)
			b := build(h, pattern)
			for v := range h.Vars {
				checkAllSlabs(t, b, h, v, 300)
			}
		})
	}
	t.Run("rank 10", func(t *testing.T) {
		// More dimensions than ReadRaw keeps on the stack.
		h := &Header{Format: Offset64, NumRecs: 3, Dims: []Dim{{Name: "t", Unlimited: true}}}
		v := Var{Name: "v", Dims: []int{0}, Type: Short}
		w := Var{Name: "w", Dims: []int{0}, Type: Byte}
		for i := range 9 {
			h.Dims = append(h.Dims, Dim{Name: string(rune('a' + i)), Len: int64(1 + i%3)})
			v.Dims = append(v.Dims, i+1)
			w.Dims = append(w.Dims, 9-i)
		}
		h.Vars = []Var{v, w}
		b := build(h, pattern)
		checkAllSlabs(t, b, h, 0, 300)
		checkAllSlabs(t, b, h, 1, 300)
	})
}

// TestReadRawCalls checks that contiguous runs become one ReadAt.
func TestReadRawCalls(t *testing.T) {
	// era: one record variable (packed records)
	era := &Header{Format: Offset64, NumRecs: 20,
		Dims: []Dim{{Name: "time", Unlimited: true}, {Name: "lat", Len: 4}, {Name: "lon", Len: 6}},
		Vars: []Var{{Name: "t2m", Dims: []int{0, 1, 2}, Type: Short}},
	}
	// mixed: two record variables (interleaved) and a fixed one
	mixed := &Header{Format: Classic, NumRecs: 20,
		Dims: []Dim{{Name: "time", Unlimited: true}, {Name: "lat", Len: 4}, {Name: "lon", Len: 6}},
		Vars: []Var{
			{Name: "time", Dims: []int{0}, Type: Double},
			{Name: "t2m", Dims: []int{0, 1, 2}, Type: Short},
			{Name: "orog", Dims: []int{0 + 1, 2}, Type: Float},
			{Name: "cube", Dims: []int{1, 1, 2}, Type: Byte},
		},
	}
	eraFile, mixedFile := build(era, pattern), build(mixed, pattern)
	tests := []struct {
		name         string
		h            *Header
		b            []byte
		v            int
		start, count []int64
		calls        int
	}{
		{"lone record variable, 16 whole records", era, eraFile, 0, []int64{2, 0, 0}, []int64{16, 4, 6}, 1},
		{"lone record variable, all records", era, eraFile, 0, []int64{0, 0, 0}, []int64{20, 4, 6}, 1},
		{"lone record variable, part of each record", era, eraFile, 0, []int64{0, 1, 0}, []int64{5, 2, 6}, 5},
		{"lone record variable, a column", era, eraFile, 0, []int64{0, 0, 3}, []int64{3, 4, 1}, 12},
		{"interleaved, 16 whole records", mixed, mixedFile, 1, []int64{2, 0, 0}, []int64{16, 4, 6}, 16},
		{"interleaved 1-D, 10 records", mixed, mixedFile, 0, []int64{0}, []int64{10}, 10},
		{"fixed, leading rows", mixed, mixedFile, 2, []int64{1, 0}, []int64{3, 6}, 1},
		{"fixed, one value", mixed, mixedFile, 2, []int64{1, 2}, []int64{1, 1}, 1},
		{"fixed 3-D, slabs", mixed, mixedFile, 3, []int64{1, 0, 0}, []int64{2, 4, 6}, 1},
		{"fixed 3-D, rows of slabs", mixed, mixedFile, 3, []int64{0, 1, 0}, []int64{4, 2, 6}, 4},
		{"fixed 3-D, one row", mixed, mixedFile, 3, []int64{2, 3, 0}, []int64{1, 1, 6}, 1},
		{"empty", mixed, mixedFile, 3, []int64{2, 3, 0}, []int64{1, 0, 6}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &recorder{b: tc.b}
			want, err := readRef(r, tc.h, tc.v, tc.start, tc.count)
			if err != nil {
				t.Fatal(err)
			}
			r.calls = 0
			got := make([]byte, len(want))
			if err := ReadRaw(r, tc.h, tc.v, tc.start, tc.count, got); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("ReadRaw = % x, want % x", got, want)
			}
			if r.calls != tc.calls {
				t.Errorf("%d ReadAt calls, want %d", r.calls, tc.calls)
			}
		})
	}
}

// TestReadRawBadArguments checks that bad arguments are errors, not
// panics.
func TestReadRawBadArguments(t *testing.T) {
	h := sample(Classic)
	b := build(h, pattern)
	r := bytes.NewReader(b)
	t2m := varIndex(h, "t2m") // shape 3, 2, 3 of shorts
	huge := &Header{Format: CDF5, NumRecs: 1 << 62, RecSize: 1 << 62,
		Dims: []Dim{{Name: "t", Unlimited: true}, {Name: "x", Len: 1 << 62}},
		Vars: []Var{{Name: "v", Dims: []int{0, 1}, Type: Double, Record: true, Begin: 100}},
	}
	tests := []struct {
		name         string
		h            *Header
		v            int
		start, count []int64
		dst          int
		want         error
	}{
		{"nil header", nil, 0, nil, nil, 0, ErrIndex},
		{"variable -1", h, -1, nil, nil, 0, ErrIndex},
		{"variable out of range", h, 100, nil, nil, 0, ErrIndex},
		{"short start", h, t2m, []int64{0, 0}, []int64{1, 1, 1}, 2, ErrIndex},
		{"negative start", h, t2m, []int64{-1, 0, 0}, []int64{1, 1, 1}, 2, ErrIndex},
		{"negative count", h, t2m, []int64{0, 0, 0}, []int64{1, -1, 1}, 2, ErrIndex},
		{"past the records", h, t2m, []int64{2, 0, 0}, []int64{2, 1, 1}, 4, ErrIndex},
		{"start past the end", h, t2m, []int64{0, 0, 4}, []int64{1, 1, 0}, 0, ErrIndex},
		{"dst too short", h, t2m, []int64{0, 0, 0}, []int64{1, 1, 2}, 3, ErrIndex},
		{"dst too long", h, t2m, []int64{0, 0, 0}, []int64{1, 1, 2}, 5, ErrIndex},
		{"huge count", huge, 0, []int64{0, 0}, []int64{1 << 62, 1 << 62}, 0, ErrIndex},
		{"huge offset", huge, 0, []int64{1 << 61, 1 << 61}, []int64{1, 1}, 8, ErrFormat},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ReadRaw(r, tc.h, tc.v, tc.start, tc.count, make([]byte, tc.dst))
			if !errors.Is(err, tc.want) {
				t.Errorf("ReadRaw = %v, want %v", err, tc.want)
			}
		})
	}

	// A header whose data is not there: ErrTruncated from the read.
	cut := b[:len(b)-10]
	dst := make([]byte, 3*2*3*2)
	err := ReadRaw(bytes.NewReader(cut), h, t2m, []int64{0, 0, 0}, []int64{3, 2, 3}, dst)
	if !errors.Is(err, ErrTruncated) {
		t.Errorf("ReadRaw of a cut file = %v, want ErrTruncated", err)
	}
}

// TestReadRawConcurrent reads random hyperslabs of one *os.File from
// several goroutines (run it with -race).
func TestReadRawConcurrent(t *testing.T) {
	h := sample(CDF5)
	h.NumRecs = 40
	b := build(h, pattern)
	path := filepath.Join(t.TempDir(), "c.nc")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	hdr, err := ReadHeader(f, int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 1))
			for range 200 {
				v := rng.IntN(len(hdr.Vars))
				start, count := randomSlab(rng, hdr.Shape(v), false)
				want, err := readRef(bytes.NewReader(b), hdr, v, start, count)
				if err != nil {
					errs <- err
					return
				}
				got := make([]byte, len(want))
				if err := ReadRaw(f, hdr, v, start, count, got); err != nil {
					errs <- err
					return
				}
				if !bytes.Equal(got, want) {
					errs <- errors.New("ReadRaw of " + hdr.Vars[v].Name + " differs from the reference")
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
