package cdf

import (
	"bytes"
	"errors"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// FuzzReadHeader feeds arbitrary bytes to ReadHeader. It must never
// panic, never read beyond the size it is given, never allocate more than
// a bound proportional to that size, and fail with one of the package's
// sentinels; what it accepts must satisfy the header's invariants (every
// variable's data inside the file, ReadRaw able to read it) and survive
// a round trip through the test encoder.
//
// Seeds: the testdata files of each format, their STREAMING variants,
// and the crafted sample headers.
func FuzzReadHeader(f *testing.F) {
	for _, fm := range formats {
		b, err := os.ReadFile(seedFiles[fm])
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		s := slices.Clone(b)
		copy(s[4:], bytes.Repeat([]byte{0xFF}, 4+4*boolInt(fm == CDF5)))
		f.Add(s)
		f.Add(build(sample(fm), pattern))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := &recorder{b: b}
		size := int64(len(b))
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		h, err := ReadHeader(r, size)
		runtime.ReadMemStats(&m1)
		// 64 bytes per input byte covers the Go structures a header's
		// smallest elements become (a 12-byte dimension is a 40-byte Dim,
		// doubled by append, plus its name's map entry); 64 KiB covers
		// the read buffer and the error message.
		if alloc, bound := m1.TotalAlloc-m0.TotalAlloc, 64*uint64(size)+64<<10; alloc > bound {
			t.Fatalf("ReadHeader allocated %d bytes for %d bytes of input (bound %d)", alloc, size, bound)
		}
		if r.maxEnd > size {
			t.Fatalf("ReadHeader read up to offset %d of %d bytes", r.maxEnd, size)
		}
		if err != nil {
			if !errors.Is(err, ErrNotCDF) && !errors.Is(err, ErrFormat) && !errors.Is(err, ErrTruncated) {
				t.Fatalf("error %q wraps none of ErrNotCDF, ErrFormat, ErrTruncated", err)
			}
			if strings.Contains(err.Error(), "\n") || !strings.HasPrefix(err.Error(), "cdf: ") {
				t.Fatalf("error %q is not one line starting with \"cdf: \"", err)
			}
			return
		}
		checkInvariants(t, h, b)

		// Round trip: the encoder writes a header of the same length
		// (same values, canonical padding and ABSENT lists); with the
		// same data after it, it parses to a header that encodes the same.
		enc := encodeHeader(h, false)
		if int64(len(enc)) != h.headerLen {
			t.Fatalf("re-encoded header has %d bytes, the original %d", len(enc), h.headerLen)
		}
		b2 := append(enc, b[h.headerLen:]...)
		h2, err := ReadHeader(bytes.NewReader(b2), size)
		if err != nil {
			t.Fatalf("re-encoded header: %v", err)
		}
		if !bytes.Equal(encodeHeader(h2, false), enc) || h2.RecSize != h.RecSize || h2.NumRecs != h.NumRecs {
			t.Fatalf("round trip changed the header:\n%+v\n%+v", h, h2)
		}
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// checkInvariants checks what ReadHeader promises of a header it accepts
// for the file b.
func checkInvariants(t *testing.T, h *Header, b []byte) {
	t.Helper()
	size := int64(len(b))
	switch h.Format {
	case Classic, Offset64, CDF5:
	default:
		t.Fatalf("format %d", h.Format)
	}
	if h.NumRecs < 0 || h.RecSize < 0 || h.headerLen < 4 || h.headerLen > size {
		t.Fatalf("NumRecs %d, RecSize %d, header length %d", h.NumRecs, h.RecSize, h.headerLen)
	}
	uniq := func(what string, names []string) {
		seen := map[string]bool{}
		for _, n := range names {
			if n == "" || seen[n] {
				t.Fatalf("%s name %q empty or repeated", what, n)
			}
			seen[n] = true
		}
	}
	attrNames := func(as []Attr) []string {
		var ns []string
		for _, a := range as {
			ns = append(ns, a.Name)
			if !a.Type.validIn(h.Format) || a.Value == nil {
				t.Fatalf("attribute %q: type %s, value %v", a.Name, a.Type, a.Value)
			}
		}
		return ns
	}
	var dn, vn []string
	rec := -1
	for i, d := range h.Dims {
		dn = append(dn, d.Name)
		if d.Unlimited != (d.Len == 0) || d.Len < 0 {
			t.Fatalf("dimension %+v", d)
		}
		if d.Unlimited {
			if rec >= 0 {
				t.Fatalf("two record dimensions")
			}
			rec = i
		}
	}
	uniq("dimension", dn)
	uniq("global attribute", attrNames(h.Attrs))
	for i, v := range h.Vars {
		vn = append(vn, v.Name)
		uniq("attribute of "+v.Name, attrNames(v.Attrs))
		if !v.Type.validIn(h.Format) {
			t.Fatalf("variable %q: type %d", v.Name, v.Type)
		}
		for k, d := range v.Dims {
			if d < 0 || d >= len(h.Dims) || (d == rec && k > 0) {
				t.Fatalf("variable %q: dimension ids %v", v.Name, v.Dims)
			}
		}
		if v.Record != (len(v.Dims) > 0 && v.Dims[0] == rec) {
			t.Fatalf("variable %q: Record %v, dims %v", v.Name, v.Record, v.Dims)
		}
		slab := slabSize(h, i)
		if v.VSize != pad4(slab) {
			t.Fatalf("variable %q: VSize %d for %d bytes", v.Name, v.VSize, slab)
		}
		if v.Begin < h.headerLen {
			t.Fatalf("variable %q: begin %d inside the %d-byte header", v.Name, v.Begin, h.headerLen)
		}
		// Extents inside the file (a record variable without records has
		// none: its begin is not checked).
		end, ok := v.Begin, true
		if v.Record && h.NumRecs == 0 {
			end = 0
		} else if !v.Record {
			end, ok = addOK(end, slab)
		} else if h.NumRecs > 0 {
			var skip int64
			if skip, ok = mulOK(h.NumRecs-1, h.RecSize); ok {
				if end, ok = addOK(end, skip); ok {
					end, ok = addOK(end, slab)
				}
			}
		}
		if !ok || end > size {
			t.Fatalf("variable %q: data ends at %d (ok %v), beyond the file's %d bytes", v.Name, end, ok, size)
		}
		// ReadRaw reads all of it (small variables), as the reference does.
		shape := h.Shape(i)
		n := v.Type.Size() * product(shape)
		if n > 1<<20 {
			continue
		}
		raw := make([]byte, n)
		r := bytes.NewReader(b)
		if err := ReadRaw(r, h, i, make([]int64, len(shape)), shape, raw); err != nil {
			t.Fatalf("ReadRaw(%q) of an accepted header: %v", v.Name, err)
		}
		if n <= 4096 {
			want, err := readRef(r, h, i, make([]int64, len(shape)), shape)
			if err != nil || !bytes.Equal(raw, want) {
				t.Fatalf("ReadRaw(%q) differs from the reference (%v)", v.Name, err)
			}
		}
	}
	uniq("variable", vn)
}
