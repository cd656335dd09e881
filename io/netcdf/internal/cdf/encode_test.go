package cdf

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"sync"
)

// This file holds test-only tools: a header encoder (the inverse of
// ReadHeader, used for round trips and for crafting files netCDF-C would
// not write), a file builder that lays variables out as netCDF-C does,
// a reference reader that fetches one value at a time, and a ReaderAt
// that records what is asked of it.

// encodeHeader encodes h as a header. VSize and Begin are written as they
// are (a VSize beyond 32 bits as 2^32-1 in CDF-1 and CDF-2, as the spec
// says); NumRecs as STREAMING if streaming is set.
func encodeHeader(h *Header, streaming bool) []byte {
	var b []byte
	cdf5 := h.Format == CDF5
	u32 := func(v uint32) { b = binary.BigEndian.AppendUint32(b, v) }
	u64 := func(v uint64) { b = binary.BigEndian.AppendUint64(b, v) }
	nonNeg := func(v int64) {
		if cdf5 {
			u64(uint64(v))
		} else {
			u32(uint32(v))
		}
	}
	pad := func() {
		for len(b)%4 != 0 {
			b = append(b, 0)
		}
	}
	name := func(s string) { nonNeg(int64(len(s))); b = append(b, s...); pad() }
	list := func(tag uint32, n int) {
		if n == 0 {
			u32(0)
		} else {
			u32(tag)
		}
		nonNeg(int64(n))
	}
	attrs := func(as []Attr) {
		list(tagAttribute, len(as))
		for _, a := range as {
			name(a.Name)
			u32(uint32(a.Type))
			v := encodeValues(a.Value)
			nonNeg(int64(len(v)) / max(a.Type.Size(), 1))
			b = append(b, v...)
			pad()
		}
	}

	b = append(b, 'C', 'D', 'F', byte(h.Format))
	switch {
	case streaming && cdf5:
		u64(math.MaxUint64)
	case streaming:
		u32(math.MaxUint32)
	default:
		nonNeg(h.NumRecs)
	}
	list(tagDimension, len(h.Dims))
	for _, d := range h.Dims {
		name(d.Name)
		nonNeg(d.Len)
	}
	attrs(h.Attrs)
	list(tagVariable, len(h.Vars))
	for _, v := range h.Vars {
		name(v.Name)
		nonNeg(int64(len(v.Dims)))
		for _, id := range v.Dims {
			nonNeg(int64(id))
		}
		attrs(v.Attrs)
		u32(uint32(v.Type))
		if !cdf5 && v.VSize > math.MaxUint32 {
			u32(math.MaxUint32)
		} else {
			nonNeg(v.VSize)
		}
		if h.Format == Classic {
			u32(uint32(v.Begin))
		} else {
			u64(uint64(v.Begin))
		}
	}
	return b
}

// encodeValues encodes an attribute value big-endian, unpadded.
func encodeValues(v any) []byte {
	var b []byte
	be := binary.BigEndian
	switch x := v.(type) {
	case string:
		b = append(b, x...)
	case []int8:
		for _, e := range x {
			b = append(b, byte(e))
		}
	case []uint8:
		b = append(b, x...)
	case []int16:
		for _, e := range x {
			b = be.AppendUint16(b, uint16(e))
		}
	case []uint16:
		for _, e := range x {
			b = be.AppendUint16(b, e)
		}
	case []int32:
		for _, e := range x {
			b = be.AppendUint32(b, uint32(e))
		}
	case []uint32:
		for _, e := range x {
			b = be.AppendUint32(b, e)
		}
	case []float32:
		for _, e := range x {
			b = be.AppendUint32(b, math.Float32bits(e))
		}
	case []int64:
		for _, e := range x {
			b = be.AppendUint64(b, uint64(e))
		}
	case []uint64:
		for _, e := range x {
			b = be.AppendUint64(b, e)
		}
	case []float64:
		for _, e := range x {
			b = be.AppendUint64(b, math.Float64bits(e))
		}
	default:
		panic(fmt.Sprintf("encodeValues: %T", v))
	}
	return b
}

// build lays out the variables of h as netCDF-C does (fixed variables one
// after the other from the end of the header, then the records, each slab
// padded to 4 except for a lone record variable), sets Record, VSize,
// Begin and RecSize, and returns the file: the header, then data whose
// every byte is fill(offset).
func build(h *Header, fill func(off int64) byte) []byte {
	rec := -1
	for i, d := range h.Dims {
		if d.Len == 0 {
			rec = i
		}
	}
	slab := make([]int64, len(h.Vars))
	nrec := 0
	for i := range h.Vars {
		v := &h.Vars[i]
		v.Record = len(v.Dims) > 0 && v.Dims[0] == rec
		n := v.Type.Size()
		for k, id := range v.Dims {
			if k > 0 || !v.Record {
				n *= h.Dims[id].Len
			}
		}
		slab[i], v.VSize = n, pad4(n)
		if v.Record {
			nrec++
		}
	}
	off := int64(len(encodeHeader(h, false)))
	h.RecSize = 0
	for i := range h.Vars {
		if v := &h.Vars[i]; !v.Record {
			v.Begin, off = off, off+v.VSize
		}
	}
	for i := range h.Vars {
		if v := &h.Vars[i]; v.Record {
			v.Begin = off + h.RecSize
			h.RecSize += v.VSize
			if nrec == 1 {
				h.RecSize = slab[i]
			}
		}
	}
	size := off + h.NumRecs*h.RecSize
	b := encodeHeader(h, false)
	h.headerLen = int64(len(b))
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
