package cdf

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// EncodeHeader returns h encoded as a classic-format header, Begin and
// VSize as h holds them (see [Layout]).
func EncodeHeader(h *Header) []byte { return appendHeader(nil, h, false) }

// Layout lays the variables of h out as netCDF-C lays out a new file
// (nc_enddef's defaults): the fixed variables one after the other from
// the end of the header, each padded to 4 bytes, then the records, each
// record variable's slab padded to 4 except for a file's only record
// variable. It sets every variable's Record, VSize and Begin, and h's
// RecSize; the record dimension is the one of length 0.
func Layout(h *Header) {
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
				n = mulSat(n, h.Dims[id].Len)
			}
		}
		slab[i], v.VSize = n, pad4(n)
		if v.Record {
			nrec++
		}
	}
	off := int64(len(EncodeHeader(h))) // Begin and VSize do not change its length
	h.headerLen = off
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
}

// DataEnd returns the offset just past the data of h: its fixed
// variables and NumRecs records.
func (h *Header) DataEnd() int64 {
	end := h.headerLen
	var recStart int64 = -1
	for _, v := range h.Vars {
		if v.Record {
			if recStart < 0 || v.Begin < recStart {
				recStart = v.Begin
			}
			continue
		}
		end = max(end, v.Begin+v.VSize)
	}
	if recStart >= 0 {
		end = max(end, recStart+h.NumRecs*h.RecSize)
	}
	return end
}

// WriteRaw writes src, the values of the hyperslab start, count of
// variable v as the file stores them (big-endian, row-major), at their
// places in w, with one WriteAt per run of adjacent bytes (see
// [ReadRaw]). The hyperslab of a record variable may reach beyond
// h.NumRecs, which then grows to its end: the caller writes the header
// (numrecs) again before closing. Like ReadRaw, it never panics on bad
// arguments; they are errors wrapping [ErrIndex].
func WriteRaw(w io.WriterAt, h *Header, v int, start, count []int64, src []byte) error {
	err := runs(h, v, start, count, int64(len(src)), true, func(off, pos, n int64) error {
		if _, err := w.WriteAt(src[pos:pos+n], off); err != nil {
			return fmt.Errorf("cdf: variable %q: writing %d bytes at offset %d: %w", h.Vars[v].Name, n, off, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if h.Vars[v].Record && len(start) > 0 {
		h.NumRecs = max(h.NumRecs, start[0]+count[0])
	}
	return nil
}

// PutNumRecs encodes n as the numrecs field of a header of format f, at
// its offset 4.
func PutNumRecs(f Format, n int64) []byte {
	if f == CDF5 {
		return binary.BigEndian.AppendUint64(nil, uint64(n))
	}
	return binary.BigEndian.AppendUint32(nil, uint32(min(n, math.MaxUint32-1)))
}

// appendHeader appends h encoded as a header to b. VSize and Begin are
// written as they are (a VSize beyond 32 bits as 2^32-1 in CDF-1 and
// CDF-2, as the spec says); NumRecs as STREAMING if streaming is set.
func appendHeader(b []byte, h *Header, streaming bool) []byte {
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

// encodeValues encodes an attribute value big-endian, unpadded: a string
// or a slice of a type's Go counterpart (see [Attr]); nil for anything
// else.
func encodeValues(v any) []byte {
	if s, ok := v.(string); ok {
		return []byte(s)
	}
	b, err := binary.Append(nil, binary.BigEndian, v)
	if err != nil {
		return nil
	}
	return b
}
