package cdf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// pattern is the data of crafted files: a byte that depends on its offset.
func pattern(off int64) byte { return byte(off*131 + off>>9) }

// sample returns a small header with fixed and record variables, and
// attributes of every type the format allows.
func sample(f Format) *Header {
	h := &Header{
		Format:  f,
		NumRecs: 3,
		Dims: []Dim{
			{Name: "time", Unlimited: true},
			{Name: "lat", Len: 2},
			{Name: "lon", Len: 3},
			{Name: "one", Len: 1},
		},
		Attrs: []Attr{
			{Name: "title", Type: Char, Value: "sample\x00"},
			{Name: "b", Type: Byte, Value: []int8{-128, 0, 127}},
			{Name: "s", Type: Short, Value: []int16{-32768, 1, 32767}},
			{Name: "i", Type: Int, Value: []int32{math.MinInt32, math.MaxInt32}},
			{Name: "f", Type: Float, Value: []float32{1.5, -2.25e30}},
			{Name: "d", Type: Double, Value: []float64{math.Pi}},
			{Name: "empty", Type: Short, Value: []int16{}},
			{Name: "nothing", Type: Char, Value: ""},
		},
		Vars: []Var{
			{Name: "lat", Dims: []int{1}, Type: Float, Attrs: []Attr{{Name: "units", Type: Char, Value: "degrees_north"}}},
			{Name: "lon", Dims: []int{2}, Type: Float},
			{Name: "flag", Dims: []int{2}, Type: Byte}, // 3 bytes, padded to 4
			{Name: "scalar", Type: Double},
			{Name: "time", Dims: []int{0}, Type: Double},
			{Name: "t2m", Dims: []int{0, 1, 2}, Type: Short, Attrs: []Attr{
				{Name: "scale_factor", Type: Double, Value: []float64{0.01}},
				{Name: "_FillValue", Type: Short, Value: []int16{-32767}},
			}},
			{Name: "code", Dims: []int{0, 3}, Type: Char},
		},
	}
	if f == CDF5 {
		h.Attrs = append(h.Attrs,
			Attr{Name: "ub", Type: UByte, Value: []uint8{0, 255}},
			Attr{Name: "us", Type: UShort, Value: []uint16{65535}},
			Attr{Name: "ui", Type: UInt, Value: []uint32{math.MaxUint32, 7}},
			Attr{Name: "i64", Type: Int64, Value: []int64{math.MinInt64, -1}},
			Attr{Name: "u64", Type: UInt64, Value: []uint64{math.MaxUint64}},
		)
		h.Vars = append(h.Vars,
			Var{Name: "u8", Dims: []int{0, 2}, Type: UByte},
			Var{Name: "i64", Dims: []int{1, 2}, Type: Int64},
		)
	}
	return h
}

var formats = []Format{Classic, Offset64, CDF5}

// TestSpecExamples reads the two files the spec dumps byte by byte.
func TestSpecExamples(t *testing.T) {
	empty := []byte("CDF\x01" + strings.Repeat("\x00", 28))
	h, err := ReadHeader(bytes.NewReader(empty), int64(len(empty)))
	if err != nil {
		t.Fatalf("empty: %v", err)
	}
	if h.Format != Classic || len(h.Dims)+len(h.Attrs)+len(h.Vars) != 0 || h.NumRecs != 0 {
		t.Errorf("empty: got %+v", h)
	}

	// netcdf tiny { dimensions: dim = 5; variables: short vx(dim); data: vx = 3, 1, 4, 1, 5 ; }
	tiny := []byte{
		'C', 'D', 'F', 1, 0, 0, 0, 0, 0, 0, 0, 0x0a, 0, 0, 0, 1,
		0, 0, 0, 3, 'd', 'i', 'm', 0, 0, 0, 0, 5, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0x0b, 0, 0, 0, 1, 0, 0, 0, 2,
		'v', 'x', 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0x0c, 0, 0, 0, 0x50,
		0, 3, 0, 1, 0, 4, 0, 1, 0, 5, 0x80, 0x01,
	}
	h, err = ReadHeader(bytes.NewReader(tiny), int64(len(tiny)))
	if err != nil {
		t.Fatalf("tiny: %v", err)
	}
	want := &Header{
		Format: Classic, Dims: []Dim{{Name: "dim", Len: 5}},
		Vars:      []Var{{Name: "vx", Dims: []int{0}, Type: Short, VSize: 12, Begin: 80}},
		headerLen: 80,
	}
	if !reflect.DeepEqual(h, want) {
		t.Errorf("tiny: got\n%+v\nwant\n%+v", h, want)
	}
	got := make([]byte, 6)
	if err := ReadRaw(bytes.NewReader(tiny), h, 0, []int64{1}, []int64{3}, got); err != nil {
		t.Fatal(err)
	}
	if want := []byte{0, 1, 0, 4, 0, 1}; !bytes.Equal(got, want) {
		t.Errorf("vx[1:4] = % x, want % x", got, want)
	}
}

// TestBuildRoundTrip checks that ReadHeader inverts the test encoder on
// the sample headers, and that the reference reader agrees with ReadRaw
// on every whole variable.
func TestBuildRoundTrip(t *testing.T) {
	for _, f := range formats {
		t.Run(f.String(), func(t *testing.T) {
			want := sample(f)
			b := build(want, pattern)
			got, err := ReadHeader(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("ReadHeader(build(h)) =\n%+v\nwant\n%+v", got, want)
			}
			if !bytes.Equal(encodeHeader(got, false), b[:got.headerLen]) {
				t.Errorf("encodeHeader(ReadHeader(b)) differs from b's header")
			}
		})
	}
}

func TestShapeAndRecSize(t *testing.T) {
	h := sample(Offset64)
	build(h, pattern)
	tests := []struct {
		v    string
		want []int64
	}{
		{"lat", []int64{2}}, {"scalar", []int64{}}, {"t2m", []int64{3, 2, 3}}, {"code", []int64{3, 1}},
	}
	for _, tc := range tests {
		if got := h.Shape(varIndex(h, tc.v)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Shape(%q) = %v, want %v", tc.v, got, tc.want)
		}
	}
	if got := h.Shape(-1); got != nil {
		t.Errorf("Shape(-1) = %v, want nil", got)
	}
	// time 8 + t2m 12 + code 1 padded to 4
	if h.RecSize != 24 {
		t.Errorf("RecSize = %d, want 24", h.RecSize)
	}
}

func varIndex(h *Header, name string) int {
	for i, v := range h.Vars {
		if v.Name == name {
			return i
		}
	}
	return -1
}

// TestSingleRecordVariable checks the spec's "Note on padding": records of
// a lone record variable are packed, whatever the vsize field says.
func TestSingleRecordVariable(t *testing.T) {
	tests := []struct {
		name    string
		f       Format
		typ     Type
		dims    []int64 // after the record dimension
		recSize int64
	}{
		{"byte scalar records", Classic, Byte, nil, 1},
		{"char 3", Offset64, Char, []int64{3}, 3},
		{"short 3", Classic, Short, []int64{3}, 6},
		{"short 2x3", CDF5, Short, []int64{2, 3}, 12},
		{"ubyte 5", CDF5, UByte, []int64{5}, 5},
		{"ushort 1", CDF5, UShort, []int64{1}, 2},
		{"int 3", Classic, Int, []int64{3}, 12},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := &Header{Format: tc.f, NumRecs: 5, Dims: []Dim{{Name: "t", Unlimited: true}}}
			v := Var{Name: "v", Dims: []int{0}, Type: tc.typ}
			for i, n := range tc.dims {
				h.Dims = append(h.Dims, Dim{Name: string(rune('a' + i)), Len: n})
				v.Dims = append(v.Dims, i+1)
			}
			h.Vars = []Var{{Name: "fixed", Type: Short}, v}
			b := build(h, pattern)
			got, err := ReadHeader(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			if got.RecSize != tc.recSize {
				t.Errorf("RecSize = %d, want %d", got.RecSize, tc.recSize)
			}
			if want := pad4(tc.recSize); got.Vars[1].VSize != want {
				t.Errorf("VSize = %d, want %d", got.Vars[1].VSize, want)
			}
			if int64(len(b)) != got.Vars[1].Begin+5*tc.recSize {
				t.Errorf("file is %d bytes, want begin %d + 5 packed records", len(b), got.Vars[1].Begin)
			}
			checkAllSlabs(t, b, got, 1, 200)
		})
	}
}

// TestStreaming checks that a STREAMING numrecs counts the whole records
// the file holds.
func TestStreaming(t *testing.T) {
	for _, f := range formats {
		h := sample(f)
		h.NumRecs = 7
		b := build(h, pattern)
		copy(b, encodeHeader(h, true))
		// The last record variable's slab may end before the record's
		// padding: cutting that padding leaves 7 whole records.
		last := h.Vars[len(h.Vars)-1]
		if f == CDF5 {
			last = h.Vars[len(h.Vars)-2] // u8; i64 is fixed
		}
		padding := h.RecSize - (last.Begin - h.Vars[varIndex(h, "time")].Begin + slabSize(h, varIndex(h, last.Name)))
		for _, cut := range []int64{0, padding, padding + 1, h.RecSize, h.RecSize + 1} {
			b := b[:int64(len(b))-cut]
			got, err := ReadHeader(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatalf("%s cut %d: %v", f, cut, err)
			}
			want := int64(7)
			switch {
			case cut > h.RecSize+padding:
				want = 5
			case cut > padding:
				want = 6
			}
			if got.NumRecs != want {
				t.Errorf("%s cut %d: NumRecs = %d, want %d", f, cut, got.NumRecs, want)
			}
		}
	}
	// No record variables: no records.
	h := &Header{Format: Classic, Dims: []Dim{{Name: "t", Unlimited: true}}, Vars: []Var{{Name: "x", Type: Int}}}
	b := build(h, pattern)
	copy(b, encodeHeader(h, true))
	got, err := ReadHeader(bytes.NewReader(b), int64(len(b)))
	if err != nil || got.NumRecs != 0 {
		t.Errorf("no record variables: NumRecs = %v, %v; want 0", got, err)
	}
}

// TestNotCDF checks the files that are not classic netCDF at all.
func TestNotCDF(t *testing.T) {
	tests := []struct {
		name string
		b    string
		want error
	}{
		{"text", "netcdf tiny {\ndimensions:\n dim = 5;\n}\n", ErrNotCDF},
		{"hdf5", "\x89HDF\r\n\x1a\n\x00\x00\x00\x00\x00\x08\x08\x00", ErrNotCDF},
		{"empty", "", ErrNotCDF},
		{"version 3", "CDF\x03\x00\x00\x00\x00", ErrNotCDF},
		{"version 0", "CDF\x00", ErrNotCDF},
		{"lower case", "cdf\x01\x00\x00\x00\x00", ErrNotCDF},
		{"magic cut", "CD", ErrTruncated},
		{"one byte", "x", ErrNotCDF},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadHeader(strings.NewReader(tc.b), int64(len(tc.b)))
			if !errors.Is(err, tc.want) {
				t.Errorf("ReadHeader(%q) = %v, want %v", tc.b, err, tc.want)
			}
		})
	}
}

// TestTruncatedEveryOffset cuts valid files at every byte: each prefix
// shorter than the data is an error (ErrTruncated, or ErrNotCDF for an
// empty file), never a panic; each longer one parses.
func TestTruncatedEveryOffset(t *testing.T) {
	for _, f := range formats {
		t.Run(f.String(), func(t *testing.T) {
			h := sample(f)
			b := build(h, pattern)
			// The data ends with t2m, code or u8 of the last record; the
			// last slab may end before the padding.
			dataEnd := int64(0)
			for i, v := range h.Vars {
				end := v.Begin + v.VSize
				if v.Record {
					end = v.Begin + (h.NumRecs-1)*h.RecSize + slabSize(h, i)
				} else {
					end = v.Begin + slabSize(h, i)
				}
				dataEnd = max(dataEnd, end)
			}
			for n := int64(0); n <= int64(len(b)); n++ {
				_, err := ReadHeader(bytes.NewReader(b[:n]), n)
				switch {
				case n >= dataEnd:
					if err != nil {
						t.Fatalf("cut at %d of %d (data ends at %d): %v", n, len(b), dataEnd, err)
					}
				case n == 0:
					if !errors.Is(err, ErrNotCDF) {
						t.Fatalf("empty: %v, want ErrNotCDF", err)
					}
				case !errors.Is(err, ErrTruncated):
					t.Fatalf("cut at %d: %v, want ErrTruncated", n, err)
				case n >= h.headerLen && !strings.Contains(err.Error(), "variable \""):
					t.Fatalf("cut at %d, after the header: %v does not name the variable", n, err)
				}
			}
		})
	}
}

// slabSize is the unpadded size of variable i (of one record).
func slabSize(h *Header, i int) int64 {
	v := h.Vars[i]
	n := v.Type.Size()
	for k, d := range v.Dims {
		if k > 0 || !v.Record {
			n *= h.Dims[d].Len
		}
	}
	return n
}

// TestMalformed checks that each kind of broken header is an error that
// wraps the right sentinel and says what is wrong.
func TestMalformed(t *testing.T) {
	// Each mutation edits a fresh sample header (already laid out) and
	// returns the file; re-encoding keeps the data after the header.
	reencode := func(h *Header, b []byte) []byte {
		e := encodeHeader(h, false)
		return append(e, b[min(len(e), len(b)):]...)
	}
	put32 := func(b []byte, off int, v uint32) []byte { binary.BigEndian.PutUint32(b[off:], v); return b }
	tests := []struct {
		name   string
		format Format
		mutate func(h *Header, b []byte) []byte
		want   error
		msg    string // part of the message
	}{
		{"dimension tag", Classic, func(h *Header, b []byte) []byte { return put32(b, 8, tagVariable) }, ErrFormat, "dimension list tag at offset 8 is 0xB"},
		{"absent with elements", Offset64, func(h *Header, b []byte) []byte { return put32(b, 8, 0) }, ErrFormat, "absent (tag 0) but has 4 elements"},
		{"unknown attribute type", Classic, func(h *Header, b []byte) []byte {
			h.Attrs[1].Type = 13
			return reencode(h, b)
		}, ErrFormat, `global attribute "b": type 13`},
		{"CDF-5 type in CDF-2", Offset64, func(h *Header, b []byte) []byte {
			h.Attrs[1] = Attr{Name: "b", Type: UByte, Value: []uint8{1, 2, 3}}
			return reencode(h, b)
		}, ErrFormat, "not a type of the 64-bit offset format"},
		{"variable type 0", CDF5, func(h *Header, b []byte) []byte {
			h.Vars[0].Type = 0
			return reencode(h, b)
		}, ErrFormat, `variable "lat": type 0`},
		{"dimension id", Classic, func(h *Header, b []byte) []byte {
			h.Vars[5].Dims = []int{0, 1, 7}
			return reencode(h, b)
		}, ErrFormat, "dimension id 7"},
		{"record dimension second", Classic, func(h *Header, b []byte) []byte {
			h.Vars[5].Dims = []int{1, 0, 2}
			return reencode(h, b)
		}, ErrFormat, "record dimension"},
		{"two record dimensions", CDF5, func(h *Header, b []byte) []byte {
			h.Dims[3].Len = 0
			return reencode(h, b)
		}, ErrFormat, "already the record dimension"},
		{"duplicate dimension", Classic, func(h *Header, b []byte) []byte {
			h.Dims[2].Name = "lat"
			return reencode(h, b)
		}, ErrFormat, `dimension "lat": name is also the name of dimension #1`},
		{"duplicate variable", Offset64, func(h *Header, b []byte) []byte {
			h.Vars[1].Name = "lat"
			return reencode(h, b)
		}, ErrFormat, "also the name of variable #0"},
		{"duplicate attribute", CDF5, func(h *Header, b []byte) []byte {
			h.Vars[5].Attrs[1].Name = "scale_factor"
			return reencode(h, b)
		}, ErrFormat, `variable "t2m" attribute "scale_factor": name is also`},
		{"duplicate attribute in a long list", Offset64, func(h *Header, b []byte) []byte {
			for i := range 20 {
				h.Attrs = append(h.Attrs, Attr{Name: fmt.Sprintf("a%02d", i), Type: Int, Value: []int32{int32(i)}})
			}
			h.Attrs[len(h.Attrs)-1].Name = "a03"
			return reencode(h, b)
		}, ErrFormat, `global attribute "a03": name is also the name of attribute #11`},
		{"empty name", Classic, func(h *Header, b []byte) []byte {
			h.Dims[1].Name = ""
			return reencode(h, b)
		}, ErrFormat, "dimension #1: name at offset"},
		{"negative count", CDF5, func(h *Header, b []byte) []byte {
			binary.BigEndian.PutUint64(b[16:], 1<<63)
			return b
		}, ErrFormat, "negative"},
		{"begin in header", Offset64, func(h *Header, b []byte) []byte {
			h.Vars[0].Begin = 8
			return reencode(h, b)
		}, ErrFormat, "overlaps the header"},
		{"record slab beyond record", Classic, func(h *Header, b []byte) []byte {
			h.Vars[6].Begin += 4
			return reencode(h, b)
		}, ErrFormat, "extend beyond the"},
		{"fixed data beyond file", Classic, func(h *Header, b []byte) []byte {
			h.Vars[1].Begin = int64(len(b)) - 8
			return reencode(h, b)
		}, ErrTruncated, `cdf: variable "lon": data at offset`},
		{"records beyond file", CDF5, func(h *Header, b []byte) []byte {
			h.NumRecs = 1 << 40
			return reencode(h, b)
		}, ErrTruncated, `variable "time": data of 1099511627776 records at offset`},
		{"numrecs negative", CDF5, func(h *Header, b []byte) []byte {
			binary.BigEndian.PutUint64(b[4:], 1<<63+5)
			return b
		}, ErrFormat, "numrecs at offset 4 is negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := sample(tc.format)
			b := tc.mutate(h, build(h, pattern))
			_, err := ReadHeader(bytes.NewReader(b), int64(len(b)))
			if !errors.Is(err, tc.want) {
				t.Fatalf("ReadHeader = %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.msg) || strings.Contains(err.Error(), "\n") || !strings.HasPrefix(err.Error(), "cdf: ") {
				t.Errorf("error %q, want one line starting \"cdf: \" containing %q", err, tc.msg)
			}
		})
	}
}

// TestHugeClaims feeds headers that claim 2^40 (or 2^32-1) elements and
// checks that ReadHeader fails without allocating for them or reading
// beyond the file.
func TestHugeClaims(t *testing.T) {
	type enc struct {
		b    []byte
		cdf5 bool
	}
	nn := func(e *enc, v uint64) {
		if e.cdf5 {
			e.b = binary.BigEndian.AppendUint64(e.b, v)
		} else {
			e.b = binary.BigEndian.AppendUint32(e.b, uint32(v))
		}
	}
	u32 := func(e *enc, v uint32) { e.b = binary.BigEndian.AppendUint32(e.b, v) }
	start := func(f Format) *enc {
		e := &enc{b: []byte{'C', 'D', 'F', byte(f)}, cdf5: f == CDF5}
		nn(e, 0) // numrecs
		return e
	}
	absent := func(e *enc) { u32(e, 0); nn(e, 0) }
	name := func(e *enc, s string) {
		nn(e, uint64(len(s)))
		e.b = append(e.b, s...)
		e.b = append(e.b, make([]byte, pad4(int64(len(s)))-int64(len(s)))...)
	}

	const huge = 1 << 40
	tests := []struct {
		name  string
		f     Format
		write func(e *enc, n uint64)
	}{
		{"dimensions", CDF5, func(e *enc, n uint64) { u32(e, tagDimension); nn(e, n) }},
		{"dimension name", CDF5, func(e *enc, n uint64) { u32(e, tagDimension); nn(e, 1); nn(e, n) }},
		{"global attributes", CDF5, func(e *enc, n uint64) { absent(e); u32(e, tagAttribute); nn(e, n) }},
		{"attribute values", CDF5, func(e *enc, n uint64) {
			absent(e)
			u32(e, tagAttribute)
			nn(e, 1)
			name(e, "a")
			u32(e, uint32(Double))
			nn(e, n)
		}},
		{"variables", CDF5, func(e *enc, n uint64) { absent(e); absent(e); u32(e, tagVariable); nn(e, n) }},
		{"variable rank", CDF5, func(e *enc, n uint64) {
			absent(e)
			absent(e)
			u32(e, tagVariable)
			nn(e, 1)
			name(e, "v")
			nn(e, n)
		}},
		{"variable attributes", CDF5, func(e *enc, n uint64) {
			absent(e)
			absent(e)
			u32(e, tagVariable)
			nn(e, 1)
			name(e, "v")
			nn(e, 0)
			u32(e, tagAttribute)
			nn(e, n)
		}},
		{"classic dimensions", Classic, func(e *enc, n uint64) { u32(e, tagDimension); nn(e, math.MaxUint32) }},
		{"classic name", Offset64, func(e *enc, n uint64) { u32(e, tagDimension); nn(e, 1); nn(e, math.MaxUint32) }},
		{"classic attribute values", Classic, func(e *enc, n uint64) {
			absent(e)
			u32(e, tagAttribute)
			nn(e, 1)
			name(e, "a")
			u32(e, uint32(Char))
			nn(e, math.MaxUint32)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := start(tc.f)
			tc.write(e, huge)
			e.b = append(e.b, make([]byte, 64)...) // room for a few more fields
			r := &recorder{b: e.b}
			size := int64(len(e.b))

			// The least of a few measurements (after a warm-up), so that
			// allocations by the runtime or other tests' goroutines are
			// not counted against the parser.
			_, err := ReadHeader(r, size)
			least := uint64(math.MaxUint64)
			for range 5 {
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				ReadHeader(r, size)
				runtime.ReadMemStats(&after)
				least = min(least, after.TotalAlloc-before.TotalAlloc)
			}
			if !errors.Is(err, ErrTruncated) {
				t.Fatalf("ReadHeader = %v, want ErrTruncated", err)
			}
			if r.maxEnd > size {
				t.Errorf("read up to offset %d of a %d-byte file", r.maxEnd, size)
			}
			if got := least; got > 4<<10 {
				t.Errorf("allocated %d bytes for a %d-byte file", got, size)
			}
			allocs := testing.AllocsPerRun(10, func() { ReadHeader(r, size) })
			if allocs > 32 { // error messages; none sized by the claim
				t.Errorf("%v allocations, want at most 32", allocs)
			}
			t.Log(err)
		})
	}
}

func TestFill(t *testing.T) {
	be := binary.BigEndian
	tests := []struct {
		t    Type
		want float64 // the value, as the spec writes it
		get  func([]byte) float64
	}{
		{Byte, -127, func(b []byte) float64 { return float64(int8(b[0])) }},
		{Char, 0, func(b []byte) float64 { return float64(b[0]) }},
		{Short, -32767, func(b []byte) float64 { return float64(int16(be.Uint16(b))) }},
		{Int, -2147483647, func(b []byte) float64 { return float64(int32(be.Uint32(b))) }},
		{Float, float64(float32(9.9692099683868690e+36)), func(b []byte) float64 { return float64(math.Float32frombits(be.Uint32(b))) }},
		{Double, 9.9692099683868690e+36, func(b []byte) float64 { return math.Float64frombits(be.Uint64(b)) }},
		{UByte, 255, func(b []byte) float64 { return float64(b[0]) }},
		{UShort, 65535, func(b []byte) float64 { return float64(be.Uint16(b)) }},
		{UInt, 4294967295, func(b []byte) float64 { return float64(be.Uint32(b)) }},
	}
	for _, tc := range tests {
		b := Fill(tc.t)
		if int64(len(b)) != tc.t.Size() {
			t.Errorf("Fill(%s) has %d bytes, want %d", tc.t, len(b), tc.t.Size())
			continue
		}
		if got := tc.get(b); got != tc.want {
			t.Errorf("Fill(%s) = %v, want %v", tc.t, got, tc.want)
		}
	}
	if got := int64(be.Uint64(Fill(Int64))); got != -9223372036854775806 {
		t.Errorf("Fill(int64) = %d", got)
	}
	if got := be.Uint64(Fill(UInt64)); got != 18446744073709551614 {
		t.Errorf("Fill(uint64) = %d", got)
	}
	if Fill(0) != nil || Fill(12) != nil {
		t.Errorf("Fill of a non-type is not nil")
	}
	Fill(Short)[0] = 0
	if Fill(Short)[0] != 0x80 {
		t.Errorf("Fill returns shared memory")
	}
}

func TestTypeAndFormatNames(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{Byte.String(), "byte"}, {UInt64.String(), "uint64"}, {Type(12).String(), "Type(12)"},
		{Classic.String(), "classic"}, {Offset64.String(), "64-bit offset"}, {CDF5.String(), "cdf5"},
		{Format(3).String(), "Format(3)"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if Type(0).Size() != 0 || Type(200).Size() != 0 || Double.Size() != 8 {
		t.Errorf("Size is wrong")
	}
}

// sparse is a file of size bytes that holds head and then, at offset at,
// the bytes tail; everything else is zero.
type sparse struct {
	head, tail []byte
	at, size   int64
}

func (s *sparse) ReadAt(p []byte, off int64) (int, error) {
	if off >= s.size {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), s.size-off))
	clear(p[:n])
	if off < int64(len(s.head)) {
		copy(p[:n], s.head[off:])
	}
	if lo, hi := max(off, s.at), min(off+int64(n), s.at+int64(len(s.tail))); lo < hi {
		copy(p[lo-off:hi-off], s.tail[lo-s.at:hi-s.at])
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// TestLargeVariables reads headers of files larger than 4 GiB, whose
// vsize fields say 2^32-1, and values near their ends.
func TestLargeVariables(t *testing.T) {
	for _, f := range []Format{Offset64, CDF5} {
		t.Run(f.String(), func(t *testing.T) {
			// a 6 GB fixed variable, then records of 2 x 2.1 GB
			h := &Header{Format: f, NumRecs: 2,
				Dims: []Dim{{Name: "time", Unlimited: true}, {Name: "y", Len: 60000}, {Name: "x", Len: 50000}, {Name: "z", Len: 35000}},
				Vars: []Var{
					{Name: "big", Dims: []int{1, 2}, Type: Short},
					{Name: "rec", Dims: []int{0, 3, 3}, Type: Short},
					{Name: "t", Dims: []int{0}, Type: Double},
				},
			}
			head := encodeHeader(h, false)
			big := int64(len(head))
			rec := big + 60000*50000*2
			h.Vars[0].Begin, h.Vars[1].Begin, h.Vars[2].Begin = big, rec, rec+35000*35000*2
			h.Vars[0].VSize, h.Vars[1].VSize, h.Vars[2].VSize = 60000*50000*2, 35000*35000*2, 8
			head = encodeHeader(h, false)
			recSize := int64(35000*35000*2 + 8)
			size := rec + 2*recSize
			last := size - 8 - 2 // the last value of rec
			s := &sparse{head: head, tail: []byte{0x12, 0x34}, at: last, size: size}
			got, err := ReadHeader(s, size)
			if err != nil {
				t.Fatal(err)
			}
			if got.RecSize != recSize || got.Vars[0].VSize != 60000*50000*2 {
				t.Errorf("RecSize %d, VSize %d", got.RecSize, got.Vars[0].VSize)
			}
			dst := make([]byte, 4)
			if err := ReadRaw(s, got, 1, []int64{1, 34999, 34998}, []int64{1, 1, 2}, dst); err != nil {
				t.Fatal(err)
			}
			if want := []byte{0, 0, 0x12, 0x34}; !bytes.Equal(dst, want) {
				t.Errorf("rec[1, 34999, 34998:] = % x, want % x", dst, want)
			}
			if _, err := ReadHeader(s, size-1); !errors.Is(err, ErrTruncated) {
				t.Errorf("one byte short: %v, want ErrTruncated", err)
			}
		})
	}
}

// failing is a ReaderAt that fails with err once off reaches at.
type failing struct {
	b   []byte
	at  int64
	err error
}

func (f *failing) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > f.at {
		n := copy(p, f.b[off:max(off, f.at)])
		return n, f.err
	}
	return copy(p, f.b[off:]), nil
}

// TestReaderErrors checks that a file shorter than its stated size is
// ErrTruncated and that other read errors come back wrapped, unchanged.
func TestReaderErrors(t *testing.T) {
	h := sample(Classic)
	b := build(h, pattern)
	size := int64(len(b))
	boom := errors.New("boom")
	tests := []struct {
		name string
		r    io.ReaderAt
		want error
	}{
		{"short file", &failing{b: b, at: 100, err: io.EOF}, ErrTruncated},
		{"short magic", &failing{b: b, at: 2, err: io.EOF}, ErrTruncated},
		{"error in header", &failing{b: b, at: 100, err: boom}, boom},
		{"error in magic", &failing{b: b, at: 0, err: boom}, boom},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadHeader(tc.r, size)
			if !errors.Is(err, tc.want) {
				t.Errorf("ReadHeader = %v, want %v", err, tc.want)
			}
			if tc.want == boom && (errors.Is(err, ErrTruncated) || errors.Is(err, ErrFormat)) {
				t.Errorf("ReadHeader = %v: a read error is not a format error", err)
			}
		})
	}
	v := varIndex(h, "t2m")
	dst := make([]byte, 3*2*3*2)
	err := ReadRaw(&failing{b: b, at: h.Vars[v].Begin, err: boom}, h, v, []int64{0, 0, 0}, []int64{3, 2, 3}, dst)
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), `variable "t2m"`) {
		t.Errorf("ReadRaw = %v, want boom, naming the variable", err)
	}
	if _, err := ReadHeader(bytes.NewReader(b), -1); !errors.Is(err, ErrIndex) {
		t.Errorf("ReadHeader(size -1) = %v, want ErrIndex", err)
	}
}
