package cdf

// Round trips through an independent writer and reader: netCDF-C, by way
// of go-netcdf (cgo). Files are written with typed values, read back with
// ReadHeader and ReadRaw, and compared value by value with what was
// written and with netCDF-C's own typed reads of the same hyperslabs.
// libnetcdf is not thread-safe: these tests do not run in parallel.

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	nc "github.com/fhs/go-netcdf/netcdf"
)

// ncCDF5 is NC_64BIT_DATA (netcdf.h), for which go-netcdf has no name.
const ncCDF5 nc.FileMode = 0x0020

func createMode(f Format) nc.FileMode {
	switch f {
	case Offset64:
		return nc.CLOBBER | nc.OFFSET_64BIT
	case CDF5:
		return nc.CLOBBER | ncCDF5
	}
	return nc.CLOBBER
}

// ncType maps a type to go-netcdf's.
var ncType = map[Type]nc.Type{
	Byte: nc.BYTE, Char: nc.CHAR, Short: nc.SHORT, Int: nc.INT, Float: nc.FLOAT, Double: nc.DOUBLE,
	UByte: nc.UBYTE, UShort: nc.USHORT, UInt: nc.UINT, Int64: nc.INT64, UInt64: nc.UINT64,
}

// Values travel through these tests as bit patterns in uint64s (the
// value's bits, zero-extended); ops converts them to and from the typed
// slices of go-netcdf's methods for one type.
type ops struct {
	writeAt   func(v nc.Var, idx []uint64, x uint64) error
	write     func(v nc.Var, start, count []uint64, xs []uint64) error
	writeAll  func(v nc.Var, xs []uint64) error
	read      func(v nc.Var, start, count []uint64, n int) ([]uint64, error)
	readAll   func(v nc.Var, n int) ([]uint64, error)
	writeAttr func(a nc.Attr, xs []uint64) error
	value     func(xs []uint64) any // the Attr.Value ReadHeader returns
	random    func(rng *rand.Rand) uint64
}

func mkOps[T any](
	from func(uint64) T, to func(T) uint64,
	writeAt func(nc.Var, []uint64, T) error,
	write func(nc.Var, []T, []uint64, []uint64) error,
	writeAll func(nc.Var, []T) error,
	read func(nc.Var, []T, []uint64, []uint64) error,
	readAll func(nc.Var, []T) error,
	writeAttr func(nc.Attr, []T) error,
	random func(*rand.Rand) uint64,
) ops {
	conv := func(xs []uint64) []T {
		out := make([]T, len(xs))
		for i, x := range xs {
			out[i] = from(x)
		}
		return out
	}
	back := func(ts []T) []uint64 {
		out := make([]uint64, len(ts))
		for i, t := range ts {
			out[i] = to(t)
		}
		return out
	}
	return ops{
		writeAt:  func(v nc.Var, idx []uint64, x uint64) error { return writeAt(v, idx, from(x)) },
		write:    func(v nc.Var, s, c []uint64, xs []uint64) error { return write(v, conv(xs), s, c) },
		writeAll: func(v nc.Var, xs []uint64) error { return writeAll(v, conv(xs)) },
		read: func(v nc.Var, s, c []uint64, n int) ([]uint64, error) {
			ts := make([]T, n)
			err := read(v, ts, s, c)
			return back(ts), err
		},
		readAll: func(v nc.Var, n int) ([]uint64, error) {
			ts := make([]T, n)
			err := readAll(v, ts)
			return back(ts), err
		},
		writeAttr: func(a nc.Attr, xs []uint64) error { return writeAttr(a, conv(xs)) },
		value:     func(xs []uint64) any { return conv(xs) },
		random:    random,
	}
}

func randBits(bits uint) func(*rand.Rand) uint64 {
	return func(rng *rand.Rand) uint64 { return rng.Uint64() >> (64 - bits) }
}

var typeOps = map[Type]ops{
	Byte: mkOps(func(x uint64) int8 { return int8(x) }, func(t int8) uint64 { return uint64(uint8(t)) },
		nc.Var.WriteInt8At, nc.Var.WriteInt8Slice, nc.Var.WriteInt8s, nc.Var.ReadInt8Slice, nc.Var.ReadInt8s, nc.Attr.WriteInt8s, randBits(8)),
	Char: mkOps(func(x uint64) byte { return byte(x) }, func(t byte) uint64 { return uint64(t) },
		nc.Var.WriteBytesAt, nc.Var.WriteBytesSlice, nc.Var.WriteBytes, nc.Var.ReadBytesSlice, nc.Var.ReadBytes, nc.Attr.WriteBytes, randBits(8)),
	Short: mkOps(func(x uint64) int16 { return int16(x) }, func(t int16) uint64 { return uint64(uint16(t)) },
		nc.Var.WriteInt16At, nc.Var.WriteInt16Slice, nc.Var.WriteInt16s, nc.Var.ReadInt16Slice, nc.Var.ReadInt16s, nc.Attr.WriteInt16s, randBits(16)),
	Int: mkOps(func(x uint64) int32 { return int32(x) }, func(t int32) uint64 { return uint64(uint32(t)) },
		nc.Var.WriteInt32At, nc.Var.WriteInt32Slice, nc.Var.WriteInt32s, nc.Var.ReadInt32Slice, nc.Var.ReadInt32s, nc.Attr.WriteInt32s, randBits(32)),
	Float: mkOps(func(x uint64) float32 { return math.Float32frombits(uint32(x)) }, func(t float32) uint64 { return uint64(math.Float32bits(t)) },
		nc.Var.WriteFloat32At, nc.Var.WriteFloat32Slice, nc.Var.WriteFloat32s, nc.Var.ReadFloat32Slice, nc.Var.ReadFloat32s, nc.Attr.WriteFloat32s,
		func(rng *rand.Rand) uint64 { return uint64(math.Float32bits(float32(rng.NormFloat64() * 1e4))) }),
	Double: mkOps(math.Float64frombits, math.Float64bits,
		nc.Var.WriteFloat64At, nc.Var.WriteFloat64Slice, nc.Var.WriteFloat64s, nc.Var.ReadFloat64Slice, nc.Var.ReadFloat64s, nc.Attr.WriteFloat64s,
		func(rng *rand.Rand) uint64 { return math.Float64bits(rng.NormFloat64() * 1e100) }),
	UByte: mkOps(func(x uint64) uint8 { return uint8(x) }, func(t uint8) uint64 { return uint64(t) },
		nc.Var.WriteUint8At, nc.Var.WriteUint8Slice, nc.Var.WriteUint8s, nc.Var.ReadUint8Slice, nc.Var.ReadUint8s, nc.Attr.WriteUint8s, randBits(8)),
	UShort: mkOps(func(x uint64) uint16 { return uint16(x) }, func(t uint16) uint64 { return uint64(t) },
		nc.Var.WriteUint16At, nc.Var.WriteUint16Slice, nc.Var.WriteUint16s, nc.Var.ReadUint16Slice, nc.Var.ReadUint16s, nc.Attr.WriteUint16s, randBits(16)),
	UInt: mkOps(func(x uint64) uint32 { return uint32(x) }, func(t uint32) uint64 { return uint64(t) },
		nc.Var.WriteUint32At, nc.Var.WriteUint32Slice, nc.Var.WriteUint32s, nc.Var.ReadUint32Slice, nc.Var.ReadUint32s, nc.Attr.WriteUint32s, randBits(32)),
	Int64: mkOps(func(x uint64) int64 { return int64(x) }, func(t int64) uint64 { return uint64(t) },
		nc.Var.WriteInt64At, nc.Var.WriteInt64Slice, nc.Var.WriteInt64s, nc.Var.ReadInt64Slice, nc.Var.ReadInt64s, nc.Attr.WriteInt64s, randBits(64)),
	UInt64: mkOps(func(x uint64) uint64 { return x }, func(t uint64) uint64 { return t },
		nc.Var.WriteUint64At, nc.Var.WriteUint64Slice, nc.Var.WriteUint64s, nc.Var.ReadUint64Slice, nc.Var.ReadUint64s, nc.Attr.WriteUint64s, randBits(64)),
}

// bitsOf decodes big-endian values of type t to bit patterns.
func bitsOf(t Type, raw []byte) []uint64 {
	size := int(t.Size())
	out := make([]uint64, len(raw)/size)
	for i := range out {
		var x uint64
		for _, c := range raw[i*size : (i+1)*size] {
			x = x<<8 | uint64(c)
		}
		out[i] = x
	}
	return out
}

// ncVar describes a variable of an ncFile.
type ncVar struct {
	name  string
	typ   Type
	dims  []string
	skip  bool // never written: holds the default fill value
	attrs bool // has attributes of its own
}

// ncFile describes a file to write with netCDF-C. A dimension of length 0
// is the unlimited one.
type ncFile struct {
	name   string
	format Format
	dims   []Dim
	vars   []ncVar
	nrecs  int64
	gatts  bool // global attributes of every type
}

// written is what was written: the values of each variable, row-major,
// and the attributes.
type written struct {
	data  map[string][]uint64
	gatts []Attr
	vatts map[string][]Attr
}

// attrsFor returns attributes of every type the format allows, of
// several lengths (padding), text included.
func attrsFor(f Format, rng *rand.Rand, prefix string) []Attr {
	as := []Attr{{Name: prefix + "text", Type: Char, Value: "2 m temperature"}, {Name: prefix + "c1", Type: Char, Value: "K"}}
	for t := Byte; t <= UInt64; t++ {
		if t == Char || !t.validIn(f) {
			continue
		}
		n := 1 + int(t)%4 // 1 to 4 values
		xs := make([]uint64, n)
		for i := range xs {
			xs[i] = typeOps[t].random(rng)
		}
		as = append(as, Attr{Name: prefix + t.String(), Type: t, Value: typeOps[t].value(xs)})
	}
	return as
}

func writeAttrs(t *testing.T, attr func(string) nc.Attr, as []Attr) {
	t.Helper()
	for _, a := range as {
		var err error
		if a.Type == Char {
			err = attr(a.Name).WriteBytes([]byte(a.Value.(string)))
		} else {
			xs := bitsOf(a.Type, encodeValues(a.Value))
			err = typeOps[a.Type].writeAttr(attr(a.Name), xs)
		}
		if err != nil {
			t.Fatalf("attribute %q: %v", a.Name, err)
		}
	}
}

// writeNC writes spec to path with netCDF-C and returns what it wrote.
func writeNC(t *testing.T, path string, spec ncFile) *written {
	t.Helper()
	rng := rand.New(rand.NewPCG(uint64(len(spec.name)), uint64(spec.format)))
	ds, err := nc.CreateFile(path, createMode(spec.format))
	if err != nil {
		t.Fatalf("CreateFile: %v", err)
	}
	defer ds.Close()
	dims := map[string]nc.Dim{}
	lens := map[string]int64{}
	for _, d := range spec.dims {
		n := uint64(d.Len) // 0: NC_UNLIMITED
		dd, err := ds.AddDim(d.Name, n)
		if err != nil {
			t.Fatalf("AddDim %q: %v", d.Name, err)
		}
		dims[d.Name] = dd
		lens[d.Name] = d.Len
		if d.Len == 0 {
			lens[d.Name] = spec.nrecs
		}
	}
	w := &written{data: map[string][]uint64{}, vatts: map[string][]Attr{}}
	if spec.gatts {
		w.gatts = attrsFor(spec.format, rng, "g_")
		writeAttrs(t, ds.Attr, w.gatts)
	}
	vars := make([]nc.Var, len(spec.vars))
	for i, sv := range spec.vars {
		var vd []nc.Dim
		for _, name := range sv.dims {
			vd = append(vd, dims[name])
		}
		v, err := ds.AddVar(sv.name, ncType[sv.typ], vd)
		if err != nil {
			t.Fatalf("AddVar %q: %v", sv.name, err)
		}
		vars[i] = v
		if sv.attrs {
			w.vatts[sv.name] = attrsFor(spec.format, rng, "")
			writeAttrs(t, v.Attr, w.vatts[sv.name])
		}
	}
	if err := ds.EndDef(); err != nil {
		t.Fatalf("EndDef: %v", err)
	}
	for i, sv := range spec.vars {
		op := typeOps[sv.typ]
		n := int64(1)
		count := make([]uint64, len(sv.dims))
		for k, name := range sv.dims {
			n *= lens[name]
			count[k] = uint64(lens[name])
		}
		xs := make([]uint64, n)
		if sv.skip {
			fill := bitsOf(sv.typ, Fill(sv.typ))[0]
			for k := range xs {
				xs[k] = fill
			}
			w.data[sv.name] = xs
			continue
		}
		for k := range xs {
			xs[k] = op.random(rng)
		}
		w.data[sv.name] = xs
		if n == 0 {
			continue
		}
		if len(sv.dims) == 0 {
			err = op.writeAll(vars[i], xs)
		} else {
			// go-netcdf checks slices against the current number of
			// records: write the last value first to make room.
			last := make([]uint64, len(count))
			for k := range count {
				last[k] = count[k] - 1
			}
			if err = op.writeAt(vars[i], last, xs[n-1]); err == nil {
				err = op.write(vars[i], make([]uint64, len(count)), count, xs)
			}
		}
		if err != nil {
			t.Fatalf("writing %q: %v", sv.name, err)
		}
	}
	return w
}

// allTypes returns fixed and record variables of every type f allows,
// plus a scalar, a text variable and unwritten variables.
func allTypes(f Format) []ncVar {
	var vs []ncVar
	for t := Byte; t <= UInt64; t++ {
		if !t.validIn(f) {
			continue
		}
		vs = append(vs,
			ncVar{name: "f_" + t.String(), typ: t, dims: []string{"y", "x"}, attrs: t == Short},
			ncVar{name: "r_" + t.String(), typ: t, dims: []string{"time", "y", "x"}},
			ncVar{name: "r1_" + t.String(), typ: t, dims: []string{"time"}},
		)
	}
	return append(vs,
		ncVar{name: "scalar", typ: Double},
		ncVar{name: "one", typ: Int, dims: []string{"one"}},
		ncVar{name: "odd", typ: Short, dims: []string{"x"}}, // 10 bytes, padded to 12
		ncVar{name: "label", typ: Char, dims: []string{"y", "strlen"}},
		ncVar{name: "rlabel", typ: Char, dims: []string{"time", "strlen"}},
		ncVar{name: "unwritten", typ: Float, dims: []string{"x"}, skip: true},
		ncVar{name: "r_unwritten", typ: Short, dims: []string{"time", "x"}, skip: true},
	)
}

func ncFiles() []ncFile {
	grid := []Dim{{Name: "time"}, {Name: "y", Len: 3}, {Name: "x", Len: 5}, {Name: "one", Len: 1}, {Name: "strlen", Len: 7}}
	var files []ncFile
	for _, f := range formats {
		files = append(files,
			ncFile{name: "all types", format: f, dims: grid, vars: allTypes(f), nrecs: 4, gatts: true},
			ncFile{name: "all types, no records", format: f, dims: grid, vars: allTypes(f), nrecs: 0, gatts: true},
			ncFile{name: "lone short record variable", format: f, nrecs: 5,
				dims: []Dim{{Name: "time"}, {Name: "x", Len: 3}},
				vars: []ncVar{{name: "x", typ: Float, dims: []string{"x"}}, {name: "v", typ: Short, dims: []string{"time", "x"}}}},
			ncFile{name: "lone byte record variable", format: f, nrecs: 7,
				dims: []Dim{{Name: "time"}},
				vars: []ncVar{{name: "v", typ: Byte, dims: []string{"time"}}}},
			ncFile{name: "lone char record variable", format: f, nrecs: 3,
				dims: []Dim{{Name: "time"}, {Name: "n", Len: 5}},
				vars: []ncVar{{name: "v", typ: Char, dims: []string{"time", "n"}}}},
			ncFile{name: "records only", format: f, nrecs: 3,
				dims: []Dim{{Name: "time"}},
				vars: []ncVar{{name: "a", typ: Byte, dims: []string{"time"}}, {name: "b", typ: Double, dims: []string{"time"}}}},
			ncFile{name: "unused record dimension", format: f, nrecs: 0,
				dims: []Dim{{Name: "time"}, {Name: "x", Len: 1}},
				vars: []ncVar{{name: "a", typ: Int, dims: []string{"x"}}}},
			ncFile{name: "no variables", format: f, dims: []Dim{{Name: "x", Len: 2}}, gatts: true},
		)
	}
	files = append(files,
		ncFile{name: "lone ushort record variable", format: CDF5, nrecs: 4,
			dims: []Dim{{Name: "time"}, {Name: "x", Len: 3}},
			vars: []ncVar{{name: "v", typ: UShort, dims: []string{"time", "x"}}}},
		ncFile{name: "lone ubyte record variable", format: CDF5, nrecs: 6,
			dims: []Dim{{Name: "time"}, {Name: "x", Len: 1}},
			vars: []ncVar{{name: "v", typ: UByte, dims: []string{"time", "x"}}}},
	)
	return files
}

// TestNetCDFRoundTrip writes files with netCDF-C and reads them back.
func TestNetCDFRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for i, spec := range ncFiles() {
		t.Run(spec.format.String()+"/"+spec.name, func(t *testing.T) {
			path := filepath.Join(dir, filepath.Base(t.Name())+string(rune('a'+i))+".nc")
			w := writeNC(t, path, spec)
			checkNC(t, path, spec, w)
		})
	}
}

func checkNC(t *testing.T, path string, spec ncFile, w *written) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	h, err := ReadHeader(f, fi.Size())
	if err != nil {
		t.Fatalf("ReadHeader: %v", err)
	}

	// The header against the spec.
	if h.Format != spec.format || h.NumRecs != spec.nrecs {
		t.Errorf("format %s, %d records; want %s, %d", h.Format, h.NumRecs, spec.format, spec.nrecs)
	}
	if len(h.Dims) != len(spec.dims) {
		t.Fatalf("%d dimensions, want %d", len(h.Dims), len(spec.dims))
	}
	for i, d := range spec.dims {
		want := Dim{Name: d.Name, Len: d.Len, Unlimited: d.Len == 0}
		if h.Dims[i] != want {
			t.Errorf("dimension %d = %+v, want %+v", i, h.Dims[i], want)
		}
	}
	if !reflect.DeepEqual(h.Attrs, w.gatts) {
		t.Errorf("global attributes =\n%v\nwant\n%v", h.Attrs, w.gatts)
	}
	if len(h.Vars) != len(spec.vars) {
		t.Fatalf("%d variables, want %d", len(h.Vars), len(spec.vars))
	}
	wantRec := int64(0)
	nrec := 0
	for i, sv := range spec.vars {
		v := h.Vars[i]
		var names []string
		for _, d := range v.Dims {
			names = append(names, h.Dims[d].Name)
		}
		if v.Name != sv.name || v.Type != sv.typ || !reflect.DeepEqual(names, sv.dims) {
			t.Errorf("variable %d = %s %s%v, want %s %s%v", i, v.Type, v.Name, names, sv.typ, sv.name, sv.dims)
		}
		if !reflect.DeepEqual(v.Attrs, w.vatts[sv.name]) {
			t.Errorf("attributes of %q =\n%v\nwant\n%v", v.Name, v.Attrs, w.vatts[sv.name])
		}
		if v.Record {
			nrec++
			wantRec += v.VSize
		}
	}
	if nrec == 1 {
		for i, v := range h.Vars {
			if v.Record {
				wantRec = slabSize(h, i)
			}
		}
	}
	if h.RecSize != wantRec {
		t.Errorf("RecSize = %d, want %d", h.RecSize, wantRec)
	}

	// The data against what was written and against netCDF-C's reads.
	ds, err := nc.OpenFile(path, nc.NOWRITE)
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	rng := rand.New(rand.NewPCG(7, uint64(len(h.Vars))))
	for i, v := range h.Vars {
		shape := h.Shape(i)
		all := w.data[v.Name]
		ncv, err := ds.Var(v.Name)
		if err != nil {
			t.Fatal(err)
		}
		op := typeOps[v.Type]
		for it := -1; it < 40; it++ {
			start, count := make([]int64, len(shape)), shape
			if it >= 0 {
				start, count = randomSlab(rng, shape, it%8 == 7)
			}
			raw := make([]byte, v.Type.Size()*product(count))
			if err := ReadRaw(f, h, i, start, count, raw); err != nil {
				t.Fatalf("ReadRaw(%q, %v, %v): %v", v.Name, start, count, err)
			}
			got := bitsOf(v.Type, raw)
			if want := gather(all, shape, start, count); !reflect.DeepEqual(got, want) {
				t.Fatalf("ReadRaw(%q, %v, %v) = %x, wrote %x", v.Name, start, count, got, want)
			}
			if product(count) == 0 {
				continue
			}
			var lib []uint64
			if len(shape) == 0 {
				lib, err = op.readAll(ncv, 1)
			} else {
				lib, err = op.read(ncv, toU64(start), toU64(count), len(got))
			}
			if err != nil {
				t.Fatalf("netCDF-C read of %q: %v", v.Name, err)
			}
			if !reflect.DeepEqual(got, lib) {
				t.Fatalf("ReadRaw(%q, %v, %v) = %x, netCDF-C reads %x", v.Name, start, count, got, lib)
			}
		}
	}
}

func product(xs []int64) int64 {
	n := int64(1)
	for _, x := range xs {
		n *= x
	}
	return n
}

func toU64(xs []int64) []uint64 {
	out := make([]uint64, len(xs))
	for i, x := range xs {
		out[i] = uint64(x)
	}
	return out
}

// gather returns the hyperslab start, count of the row-major array all.
func gather(all []uint64, shape, start, count []int64) []uint64 {
	out := make([]uint64, 0, product(count))
	if product(count) == 0 {
		return out
	}
	idx := make([]int64, len(shape))
	for {
		off := int64(0)
		for k := range shape {
			off = off*shape[k] + start[k] + idx[k]
		}
		out = append(out, all[off])
		k := len(idx) - 1
		for ; k >= 0; k-- {
			if idx[k]++; idx[k] < count[k] {
				break
			}
			idx[k] = 0
		}
		if k < 0 {
			return out
		}
	}
}

// TestNetCDF4IsNotCDF checks that a netCDF-4 (HDF5) file written by
// netCDF-C is ErrNotCDF.
func TestNetCDF4IsNotCDF(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nc4.nc")
	ds, err := nc.CreateFile(path, nc.CLOBBER|nc.NETCDF4)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ds.AddDim("x", 3); err != nil {
		t.Fatal(err)
	}
	if err := ds.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ReadHeader(bytes.NewReader(b), int64(len(b)))
	if !errors.Is(err, ErrNotCDF) {
		t.Errorf("ReadHeader(netCDF-4 file) = %v, want ErrNotCDF", err)
	}
}

// TestEncoderMatchesNetCDF checks the test tools against netCDF-C: files
// laid out by build (used by the pure-Go tests, the fuzzer's seeds and
// the benchmark) are read by netCDF-C with the values the reference
// reader sees.
func TestEncoderMatchesNetCDF(t *testing.T) {
	dir := t.TempDir()
	for _, f := range formats {
		h := sample(f)
		b := build(h, pattern)
		path := filepath.Join(dir, f.String()+".nc")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		ds, err := nc.OpenFile(path, nc.NOWRITE)
		if err != nil {
			t.Fatalf("%s: netCDF-C cannot open a built file: %v", f, err)
		}
		for i, v := range h.Vars {
			ncv, err := ds.Var(v.Name)
			if err != nil {
				t.Fatal(err)
			}
			shape := h.Shape(i)
			raw, err := readRef(bytes.NewReader(b), h, i, make([]int64, len(shape)), shape)
			if err != nil {
				t.Fatal(err)
			}
			lib, err := typeOps[v.Type].readAll(ncv, int(product(shape)))
			if err != nil {
				t.Fatal(err)
			}
			if got := bitsOf(v.Type, raw); !reflect.DeepEqual(got, lib) {
				t.Errorf("%s %q: reference reads %x, netCDF-C %x", f, v.Name, got, lib)
			}
		}
		ds.Close()
	}
}
