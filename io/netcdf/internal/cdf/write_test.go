package cdf

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"
)

// buffer is an io.WriterAt over a growing byte slice.
type buffer struct{ b []byte }

func (w *buffer) WriteAt(p []byte, off int64) (int, error) {
	if n := off + int64(len(p)); n > int64(len(w.b)) {
		w.b = append(w.b, make([]byte, n-int64(len(w.b)))...)
	}
	return copy(w.b[off:], p), nil
}

// TestWriteRaw writes every variable of the sample files tile by tile
// (random hyperslabs covering it, records growing NumRecs as a writer's
// do) and checks that the file equals the one build lays out with the
// same bytes, and that ReadRaw reads every tile back.
func TestWriteRaw(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	for _, f := range formats {
		t.Run(f.String(), func(t *testing.T) {
			want := sample(f)
			ref := build(want, pattern) // NumRecs 3: the data every write takes from

			h := sample(f)
			numrecs := h.NumRecs
			h.NumRecs = 0
			Layout(h)
			w := &buffer{b: EncodeHeader(h)}
			for v := range h.Vars {
				shape := want.Shape(v)
				// Tiles: cut each dimension at one random point.
				var tiles [][2][]int64
				var cut func(d int, start, count []int64)
				cut = func(d int, start, count []int64) {
					if d == len(shape) {
						tiles = append(tiles, [2][]int64{append([]int64(nil), start...), append([]int64(nil), count...)})
						return
					}
					at := rng.Int64N(shape[d] + 1)
					for _, part := range [][2]int64{{0, at}, {at, shape[d] - at}} {
						if part[1] > 0 || shape[d] == 0 {
							cut(d+1, append(start, part[0]), append(count, part[1]))
						}
					}
				}
				cut(0, nil, nil)
				rng.Shuffle(len(tiles), func(i, j int) { tiles[i], tiles[j] = tiles[j], tiles[i] })
				for _, tl := range tiles {
					src, err := readRef(bytes.NewReader(ref), want, v, tl[0], tl[1])
					if err != nil {
						t.Fatal(err)
					}
					if err := WriteRaw(w, h, v, tl[0], tl[1], src); err != nil {
						t.Fatalf("%s %v %v: %v", h.Vars[v].Name, tl[0], tl[1], err)
					}
					got := make([]byte, len(src))
					if err := ReadRaw(bytes.NewReader(w.b), h, v, tl[0], tl[1], got); err != nil || !bytes.Equal(got, src) {
						t.Fatalf("%s %v %v: read back %v (err %v)", h.Vars[v].Name, tl[0], tl[1], got, err)
					}
				}
			}
			if h.NumRecs != numrecs {
				t.Fatalf("NumRecs grew to %d, want %d", h.NumRecs, numrecs)
			}
			copy(w.b, EncodeHeader(h))
			if int64(len(w.b)) > h.DataEnd() {
				t.Fatalf("wrote %d bytes, beyond the data's end %d", len(w.b), h.DataEnd())
			}
			w.b = append(w.b, make([]byte, h.DataEnd()-int64(len(w.b)))...)
			// The padding build filled with the pattern is zeros here.
			for i := range ref {
				if w.b[i] != ref[i] && !isPadding(want, int64(i)) {
					t.Fatalf("byte %d: wrote %d, want %d", i, w.b[i], ref[i])
				}
			}
			if !bytes.Equal(PutNumRecs(f, 3), w.b[4:4+len(PutNumRecs(f, 3))]) {
				t.Fatalf("numrecs field %v", w.b[4:12])
			}
		})
	}
}

// isPadding reports whether offset off of a file laid out by build lies
// in no variable's values (the padding after a slab).
func isPadding(h *Header, off int64) bool {
	for v := range h.Vars {
		vr := h.Vars[v]
		n := vr.Type.Size()
		for k, d := range h.Shape(v) {
			if k > 0 || !vr.Record {
				n *= d
			}
		}
		if !vr.Record {
			if off >= vr.Begin && off < vr.Begin+n {
				return false
			}
			continue
		}
		for r := range h.NumRecs {
			b := vr.Begin + r*h.RecSize
			if off >= b && off < b+n {
				return false
			}
		}
	}
	return off >= h.headerLen
}

func TestWriteRawErrors(t *testing.T) {
	h := sample(Classic)
	Layout(h)
	w := &buffer{}
	for _, c := range []struct {
		v            int
		start, count []int64
		n            int
	}{
		{99, nil, nil, 0},               // no such variable
		{0, []int64{0}, []int64{3}, 12}, // lat has 2
		{0, []int64{0}, []int64{2}, 7},  // wrong buffer size
		{5, []int64{-1, 0, 0}, []int64{1, 2, 3}, 12},
		{5, []int64{1 << 40, 0, 0}, []int64{1, 2, 3}, 12},
	} {
		if err := WriteRaw(w, h, c.v, c.start, c.count, make([]byte, c.n)); !errors.Is(err, ErrIndex) {
			t.Errorf("WriteRaw(%d, %v, %v, %d bytes) = %v, want ErrIndex", c.v, c.start, c.count, c.n, err)
		}
	}
}
