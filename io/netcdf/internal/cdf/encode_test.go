package cdf

import (
	"fmt"
	"io"
	"sync"
)

// This file holds test-only tools: a header encoder (the inverse of
// ReadHeader, used for round trips and for crafting files netCDF-C would
// not write), a file builder that lays variables out as netCDF-C does,
// a reference reader that fetches one value at a time, and a ReaderAt
// that records what is asked of it.

// encodeHeader encodes h as a header (NumRecs as STREAMING if streaming
// is set).
func encodeHeader(h *Header, streaming bool) []byte { return appendHeader(nil, h, streaming) }

// build lays out the variables of h as netCDF-C does ([Layout]) and
// returns the file: the header, then data whose every byte is
// fill(offset).
func build(h *Header, fill func(off int64) byte) []byte {
	Layout(h)
	size := h.DataEnd()
	b := encodeHeader(h, false)
	for o := int64(len(b)); o < size; o++ {
		b = append(b, fill(o))
	}
	return b
}

// readRef is the reference ReadRaw: one ReadAt per value, at the offset
// the spec's "Notes on Computing File Offsets" give.
func readRef(r io.ReaderAt, h *Header, v int, start, count []int64) ([]byte, error) {
	vr := &h.Vars[v]
	shape := h.Shape(v)
	size := vr.Type.Size()
	n := int64(1)
	for _, c := range count {
		n *= c
	}
	out := make([]byte, 0, n*size)
	if n == 0 {
		return out, nil
	}
	idx := make([]int64, len(count))
	for {
		// product vector, skipping the record dimension
		off, p := vr.Begin, size
		for i := len(idx) - 1; i >= 0; i-- {
			if i == 0 && vr.Record {
				off += (start[0] + idx[0]) * h.RecSize
				break
			}
			off += (start[i] + idx[i]) * p
			p *= shape[i]
		}
		buf := make([]byte, size)
		if _, err := r.ReadAt(buf, off); err != nil {
			return nil, err
		}
		out = append(out, buf...)
		i := len(idx) - 1
		for ; i >= 0; i-- {
			if idx[i]++; idx[i] < count[i] {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			return out, nil
		}
	}
}

// recorder is an io.ReaderAt over b that counts calls and records the
// largest read and the furthest offset asked for.
type recorder struct {
	b []byte

	mu      sync.Mutex
	calls   int
	maxRead int
	maxEnd  int64
}

func (r *recorder) ReadAt(p []byte, off int64) (int, error) {
	r.mu.Lock()
	r.calls++
	r.maxRead = max(r.maxRead, len(p))
	r.maxEnd = max(r.maxEnd, off+int64(len(p)))
	r.mu.Unlock()
	if off < 0 {
		return 0, fmt.Errorf("recorder: negative offset %d", off)
	}
	if off >= int64(len(r.b)) {
		return 0, io.EOF
	}
	n := copy(p, r.b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
