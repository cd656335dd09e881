package ndarray

import (
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"slices"
	"unsafe"
)

// Codec describes how values are stored in a file: their type and byte
// order, and the CF packing that maps a stored value s to the value the
// user sees, s·Scale + Offset (CF §8.1), with the stored values listed in
// Missing (_FillValue, missing_value; CF §2.5.1) read as missing (NaN).
// Missing values are compared in stored units, before scaling.
//
// Codec holds the kernels only; which attributes produce which Codec (and
// which decoded type) is decided by the labels package.
type Codec struct {
	// Stored is the type of the values in the file; not Bool.
	Stored DType
	// Order is the byte order of raw bytes handed to DecodeBytes and
	// AccumulateBytes (netCDF classic files are big-endian).
	Order binary.ByteOrder
	// Scale multiplies stored values; 0 means no scaling (1).
	Scale float64
	// Offset is added after scaling.
	Offset float64
	// Missing lists stored values that mean "no data". NaN always does
	// for floating types.
	Missing []float64
	// Decoded is the type of decoded values: Float32 or Float64, or
	// Stored itself when there is no scaling and nothing is missing.
	// Zero means Stored for floating types and Float64 for integers.
	Decoded DType
}

// check validates c and fills in the defaults. It returns a copy.
func (c *Codec) check() (Codec, error) {
	d := *c
	if !d.Stored.Valid() || d.Stored == Bool {
		return d, fmt.Errorf("ndarray: codec: stored type %v: %w", d.Stored, ErrDType)
	}
	if d.Scale == 0 {
		d.Scale = 1
	}
	if math.IsNaN(d.Scale) || math.IsInf(d.Scale, 0) || math.IsNaN(d.Offset) || math.IsInf(d.Offset, 0) {
		return d, fmt.Errorf("ndarray: codec: scale %v and offset %v must be finite: %w", d.Scale, d.Offset, ErrRange)
	}
	// Missing values the stored type cannot hold never match; the rest
	// are compared with every value.
	var distinct []float64
	for _, m := range d.Missing {
		if holds(d.Stored, m) && !slices.Contains(distinct, m) {
			distinct = append(distinct, m)
		}
	}
	if len(distinct) > 2 {
		// The kernels compare each value with two missing values; CF
		// allows a vector missing_value, which real files rarely use.
		return d, fmt.Errorf("ndarray: codec: missing values %v: at most two (a _FillValue and a missing_value) are supported: %w", d.Missing, ErrCodec)
	}
	if d.Decoded == 0 {
		d.Decoded = floatOf(d.Stored)
	}
	if !d.Decoded.IsFloat() && (d.Decoded != d.Stored || d.Scale != 1 || d.Offset != 0 || len(d.Missing) > 0) {
		return d, fmt.Errorf("ndarray: codec: %s decoded as %s: scaled or masked values need a float type: %w", d.Stored, d.Decoded, ErrDType)
	}
	return d, nil
}

// holds reports whether dt represents v exactly (NaN is never a value
// to compare with: it is always missing for floats).
func holds(dt DType, v float64) bool {
	switch {
	case math.IsNaN(v):
		return false
	case dt == Float64:
		return true
	case dt == Float32:
		return float64(float32(v)) == v || math.IsInf(v, 0)
	}
	lo, hi := limits(dt)
	return v == math.Trunc(v) && v >= lo && v < hi+1
}

func (c *Codec) equal(o *Codec) bool {
	if c == nil || o == nil {
		return c == o
	}
	// The byte order only says how raw input is read, not what the
	// values mean: partials of raw and of decoded blocks combine.
	return c.Stored == o.Stored && c.Scale == o.Scale && c.Offset == o.Offset &&
		c.Decoded == o.Decoded && slices.Equal(c.Missing, o.Missing)
}

// Decode returns the decoded values of stored (which must have type
// c.Stored) as a new contiguous array of type c.Decoded: missing values
// become NaN and the rest s·Scale + Offset, computed in the decoded type
// (as xarray does), in one pass.
func (c *Codec) Decode(stored *Array) (*Array, error) {
	d, err := c.check()
	if err != nil {
		return nil, err
	}
	if stored.dtype != d.Stored {
		return nil, fmt.Errorf("ndarray: decode: array of %s with codec for %s: %w", stored.dtype, d.Stored, ErrDType)
	}
	if !d.Decoded.IsFloat() {
		return stored.Copy(), nil
	}
	dst := Zeros(d.Decoded, stored.shape...)
	dispatch(d.Stored).decoder(&d, d.Decoded, dst.Size())(dst, stored)
	return dst, nil
}

// FromBytes returns the values of type dt held in raw in the given byte
// order, as a new contiguous array of the given shape (one-dimensional
// when no shape is given). len(raw) must be the element count times
// dt.Size().
func FromBytes(dt DType, order binary.ByteOrder, raw []byte, shape ...int) (*Array, error) {
	if !dt.Valid() {
		return nil, fmt.Errorf("ndarray: from bytes: %w: %v", ErrDType, dt)
	}
	if shape == nil {
		shape = []int{len(raw) / dt.Size()}
	}
	a, err := New(dt, shape...)
	if err != nil {
		return nil, fmt.Errorf("ndarray: from bytes: %w", err)
	}
	if len(raw) != a.Size()*dt.Size() {
		return nil, fmt.Errorf("ndarray: from bytes: %d bytes for %s%v (%d bytes): %w", len(raw), dt, shape, a.Size()*dt.Size(), ErrShape)
	}
	if order == nil {
		return nil, fmt.Errorf("ndarray: from bytes: no byte order: %w", ErrCodec)
	}
	decodeBytes(a, raw, order)
	return a, nil
}

// decodeBytes fills the contiguous array a from raw, swapping bytes as
// order requires.
func decodeBytes(a *Array, raw []byte, order binary.ByteOrder) {
	n := a.Size()
	if n == 0 {
		return
	}
	big := isBig(order)
	switch d := a.data.(type) {
	case []bool:
		for i, b := range raw[:n] {
			d[i] = b != 0
		}
	case []int8:
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&d[0])), n), raw)
	case []uint8:
		copy(d, raw)
	case []int16:
		swap16(unsafe.Slice((*uint16)(unsafe.Pointer(&d[0])), n), raw, big)
	case []uint16:
		swap16(d[:n], raw, big)
	case []int32:
		swap32(unsafe.Slice((*uint32)(unsafe.Pointer(&d[0])), n), raw, big)
	case []uint32:
		swap32(d[:n], raw, big)
	case []float32:
		swap32(unsafe.Slice((*uint32)(unsafe.Pointer(&d[0])), n), raw, big)
	case []int64:
		swap64(unsafe.Slice((*uint64)(unsafe.Pointer(&d[0])), n), raw, big)
	case []uint64:
		swap64(d[:n], raw, big)
	case []float64:
		swap64(unsafe.Slice((*uint64)(unsafe.Pointer(&d[0])), n), raw, big)
	}
}

// isBig reports whether order is big-endian (binary.NativeEndian
// included, on a big-endian machine).
func isBig(order binary.ByteOrder) bool {
	return order.Uint16([]byte{0, 1}) == 1
}

func swap16(dst []uint16, raw []byte, big bool) {
	raw = raw[:2*len(dst)]
	if big {
		for i := range dst {
			dst[i] = binary.BigEndian.Uint16(raw[2*i:])
		}
		return
	}
	for i := range dst {
		dst[i] = binary.LittleEndian.Uint16(raw[2*i:])
	}
}

func swap32(dst []uint32, raw []byte, big bool) {
	raw = raw[:4*len(dst)]
	if big {
		for i := range dst {
			dst[i] = binary.BigEndian.Uint32(raw[4*i:])
		}
		return
	}
	for i := range dst {
		dst[i] = binary.LittleEndian.Uint32(raw[4*i:])
	}
}

func swap64(dst []uint64, raw []byte, big bool) {
	raw = raw[:8*len(dst)]
	if big {
		for i := range dst {
			dst[i] = binary.BigEndian.Uint64(raw[8*i:])
		}
		return
	}
	for i := range dst {
		dst[i] = binary.LittleEndian.Uint64(raw[8*i:])
	}
}

// slabElems is the number of elements DecodeBytes and AccumulateBytes
// byte-swap at a time: small enough that the swapped values are still in
// the core's cache when they are decoded or accumulated.
const slabElems = 16 << 10

// eachSlab splits a contiguous block of the given shape into slabs of at
// most about slabElems elements along one axis, each itself contiguous,
// and calls fn with the slab's element offset, shape and origin within
// the block.
func eachSlab(shape []int, fn func(off int, sub, origin []int)) {
	nd := len(shape)
	if nd == 0 {
		fn(0, shape, shape)
		return
	}
	// Split along the outermost axis whose inner elements fit a slab.
	ax, inner := nd-1, 1
	for ax > 0 && inner*shape[ax] <= slabElems {
		inner *= shape[ax]
		ax--
	}
	if inner*shape[ax] <= slabElems && ax == 0 {
		fn(0, shape, make([]int, nd))
		return
	}
	step := max(1, slabElems/inner)
	outer := sizeOf(shape[:ax])
	origin := make([]int, nd)
	sub := slices.Clone(shape)
	for o := range outer {
		// Position of this outer index.
		r := o
		for i := ax - 1; i >= 0; i-- {
			origin[i] = r % shape[i]
			r /= shape[i]
			sub[i] = 1
		}
		for s := 0; s < shape[ax]; s += step {
			sub[ax] = min(step, shape[ax]-s)
			origin[ax] = s
			fn((o*shape[ax]+s)*inner, sub, origin)
		}
	}
}

// DecodeBytes returns the decoded values of the raw stored bytes of a
// contiguous block of the given shape: Decode(FromBytes(...)) in one pass
// over raw, swapping a cache-sized slab at a time.
func (c *Codec) DecodeBytes(raw []byte, shape ...int) (*Array, error) {
	d, err := c.check()
	if err != nil {
		return nil, err
	}
	if d.Order == nil {
		return nil, fmt.Errorf("ndarray: decode bytes: codec has no byte order: %w", ErrCodec)
	}
	if !d.Decoded.IsFloat() {
		return FromBytes(d.Stored, d.Order, raw, shape...)
	}
	if shape == nil {
		shape = []int{len(raw) / d.Stored.Size()} // as FromBytes
	}
	dst, err := New(d.Decoded, shape...)
	if err != nil {
		return nil, fmt.Errorf("ndarray: decode bytes: %w", err)
	}
	es := d.Stored.Size()
	if len(raw) != dst.Size()*es {
		return nil, fmt.Errorf("ndarray: decode bytes: %d bytes for %s%v (%d bytes): %w", len(raw), d.Stored, shape, dst.Size()*es, ErrShape)
	}
	decode := dispatch(d.Stored).decoder(&d, d.Decoded, dst.Size())
	buf := Zeros(d.Stored, min(slabElems, dst.Size()))
	for off := 0; off < dst.Size(); off += slabElems {
		n := min(slabElems, dst.Size()-off)
		b := &Array{dtype: d.Stored, shape: []int{n}, strides: []int{1}, data: buf.data}
		decodeBytes(b, raw[off*es:(off+n)*es], d.Order)
		o := &Array{dtype: d.Decoded, shape: []int{n}, strides: []int{1}, offset: off, data: dst.data}
		decode(o, b)
	}
	return dst, nil
}

func (numK[T]) decoder(c *Codec, dt DType, n int) func(dst, src *Array) {
	if dt == Float32 {
		lut := decodeTable[float32, T](c, n)
		return func(dst, src *Array) { decodeTo(dst.data.([]float32), src.data.([]T), c, dst, src, lut) }
	}
	lut := decodeTable[float64, T](c, n)
	return func(dst, src *Array) { decodeTo(dst.data.([]float64), src.data.([]T), c, dst, src, lut) }
}

func (boolK) decoder(*Codec, DType, int) func(dst, src *Array) {
	return func(dst, src *Array) {} // a Codec never stores Bool
}

func (numK[T]) encode(e encoder, dst any, vals []float64) error {
	return encodeInto(e, dst.([]T), vals)
}

func (boolK) encode(e encoder, _ any, _ []float64) error {
	return fmt.Errorf("ndarray: encode to %s: %w", e.stored, ErrDType) // a Codec never stores Bool
}

// decodeTable returns, for 8- and 16-bit stored types and a decode of at
// least n >= 65536 values, the decoded value of every possible stored
// value, indexed by its 16 low bits; otherwise nil. Looking values up is
// faster than converting them: x86's integer-to-float conversion writes
// only part of its register, which chains each conversion to the last.
func decodeTable[D Float, S Number](c *Codec, n int) []D {
	var z S
	if unsafe.Sizeof(z) > 2 || isFloatType[S]() || n < 1<<16 {
		return nil
	}
	lut := make([]D, 1<<16)
	for i := range lut {
		s := S(uint16(i))
		lut[i] = decodeOne[D](s, c)
	}
	return lut
}

// decodeOne is the decode rule for one value (see decodeTo).
func decodeOne[D Float, S Number](v S, c *Codec) D {
	for _, f := range c.Missing {
		if float64(v) == f {
			return D(math.NaN())
		}
	}
	return D(D(v)*D(c.Scale)) + D(c.Offset)
}

// decodeTo is the decode kernel, decodeOne for every element:
//
//	dst = missing(s) ? NaN : D(D(D(s)*D(Scale)) + D(Offset))
//
// with each operation rounded to D (no fused multiply-add), which is
// what numpy computes for xarray's mask-and-scale. lut, if not nil,
// holds the result for every 16-bit pattern (decodeTable).
func decodeTo[D Float, S Number](d []D, s []S, c *Codec, dst, src *Array, lut []D) {
	var m [2]S
	nm := 0
	for _, f := range c.Missing {
		if v := S(f); float64(v) == f && nm < 2 {
			m[nm] = v
			nm++
		}
	}
	if nm == 1 {
		m[1] = m[0]
	}
	scale, offset := D(c.Scale), D(c.Offset)
	plain := scale == 1 && offset == 0
	nan := D(math.NaN())
	newRows(dst.shape, dst.strides, src.strides).each([]int{dst.offset, src.offset}, func(o []int, n int, st []int) {
		i, j := o[0], o[1]
		switch {
		case st[0] == 1 && st[1] == 1 && lut != nil:
			dd, ss := d[i:i+n], s[j:j+n]
			lut = lut[:1<<16]
			for k, v := range ss {
				dd[k] = lut[uint16(v)]
			}
		case st[0] == 1 && st[1] == 1 && nm == 0 && plain:
			dd, ss := d[i:i+n], s[j:j+n]
			for k, v := range ss {
				dd[k] = D(v)
			}
		case st[0] == 1 && st[1] == 1 && nm == 0:
			dd, ss := d[i:i+n], s[j:j+n]
			for k, v := range ss {
				dd[k] = D(D(v)*scale) + offset
			}
		case st[0] == 1 && st[1] == 1:
			dd, ss := d[i:i+n], s[j:j+n]
			f1, f2 := m[0], m[1]
			for k, v := range ss {
				if v == f1 || v == f2 {
					dd[k] = nan
					continue
				}
				dd[k] = D(D(v)*scale) + offset
			}
		default:
			for range n {
				v := s[j]
				if nm > 0 && (v == m[0] || v == m[1]) {
					d[i] = nan
				} else {
					d[i] = D(D(v)*scale) + offset
				}
				i += st[0]
				j += st[1]
			}
		}
	})
}

// Encode is the reverse of Decode: it returns x (of any numeric type)
// packed into c.Stored: (v - Offset) / Scale, rounded half away from zero
// for integer types, with NaN stored as the first Missing value that
// c.Stored holds. A value
// that does not fit the stored type is an error wrapping ErrRange naming
// it, unless clip is set, which stores the nearest representable value
// instead; a NaN with no Missing value to store it as is always an error.
// Decode(Encode(x)) equals x within Scale/2 for integers. When packing
// changes nothing (stored as float64, unscaled, every value finite),
// Encode returns x's values without copying them.
func (c *Codec) Encode(x *Array, clip bool) (*Array, error) {
	d, err := c.check()
	if err != nil {
		return nil, err
	}
	v, err := x.Astype(Float64)
	if err != nil {
		return nil, fmt.Errorf("ndarray: encode: %w", err)
	}
	v = v.Contiguous()
	vals := v.data.([]float64)[v.offset : v.offset+v.Size()]
	if d.Stored == Float64 && d.Scale == 1 && d.Offset == 0 && allFinite(vals) {
		return v, nil // a fresh copy would cost a page fault per 4 KiB
	}
	lo, hi := limits(d.Stored)
	isInt := d.Stored.IsInteger()
	if d.Stored == Float32 {
		lo, hi = -math.MaxFloat32, math.MaxFloat32
	}
	top := hi // the largest value that converts without overflow
	if isInt && hi+1 == hi {
		top = math.Nextafter(hi, 0) // 2^63 and 2^64 are not representable
	}
	out := Zeros(d.Stored, x.shape...)
	k := dispatch(d.Stored)
	// NaN is stored as the first missing value the stored type holds;
	// Decode does not recognise the others.
	fill, hasFill := 0.0, false
	probe := Zeros(d.Stored, 1)
	for _, m := range d.Missing {
		if k.set(probe.data, 0, m); k.get(probe.data, 0) == m || d.Stored.IsFloat() && math.IsNaN(m) {
			fill, hasFill = m, true
			break
		}
	}
	e := encoder{scale: d.Scale, offset: d.Offset, lo: lo, hi: hi, top: top, isInt: isInt, fill: fill, hasFill: hasFill, clip: clip, stored: d.Stored}
	if err := k.encode(e, out.data, vals); err != nil {
		return nil, err
	}
	return out, nil
}

// allFinite reports whether no value is NaN or infinite.
func allFinite(vals []float64) bool {
	var acc float64
	for _, v := range vals {
		acc += v - v // NaN for NaN and ±Inf, else 0
	}
	return acc == 0
}

// encoder holds what Codec.Encode packs with.
type encoder struct {
	scale, offset, lo, hi, top float64
	isInt                      bool
	fill                       float64
	hasFill, clip              bool
	stored                     DType
}

// encodeInto packs vals into dst (of the stored type T, as long): NaN to
// the fill value, the rest scaled, rounded half away from zero for
// integers, and checked against T's range (clipped with clip).
func encodeInto[T Number](e encoder, dst []T, vals []float64) error {
	dst = dst[:len(vals)]
	for i, f := range vals {
		if f != f {
			if !e.hasFill {
				return fmt.Errorf("ndarray: encode to %s: NaN at element %d and no fill value: %w", e.stored, i, ErrRange)
			}
			dst[i] = T(e.fill)
			continue
		}
		s := (f - e.offset) / e.scale
		fits := s >= e.lo && s <= e.hi || !e.isInt && math.IsInf(s, 0)
		if e.isInt {
			s = math.Round(s)
			fits = s >= e.lo && s < e.hi+1
		}
		if !fits {
			if !e.clip {
				return fmt.Errorf("ndarray: encode to %s: value %v (element %d) is outside [%v, %v] after packing: %w", e.stored, f, i, e.lo*e.scale+e.offset, e.hi*e.scale+e.offset, ErrRange)
			}
			s = math.Max(e.lo, math.Min(s, e.top))
		}
		dst[i] = T(s)
	}
	return nil
}

// NewPartial returns an empty partial aggregate of op over stored values
// of type c.Stored: blocks hold raw stored values (Accumulate) or raw
// bytes (AccumulateBytes), missing values are recognised in stored units,
// and integers are accumulated exactly, with the scale and offset applied
// once, to the final statistic, by Result (sum·Scale + n·Offset, mean·Scale +
// Offset, var·Scale², std·|Scale|). This is both faster and more accurate
// than decoding every value. Any and All are not supported.
func (c *Codec) NewPartial(op Op, shape, axes []int, opts ReduceOptions) (*Partial, error) {
	d, err := c.check()
	if err != nil {
		return nil, err
	}
	if op == Any || op == All {
		return nil, fmt.Errorf("ndarray: %s of packed values: %w", op, ErrDType)
	}
	impl := op
	if d.Scale < 0 {
		// A negative scale turns the stored minimum into the maximum.
		switch op {
		case Min:
			impl = Max
		case Max:
			impl = Min
		case ArgMin:
			impl = ArgMax
		case ArgMax:
			impl = ArgMin
		}
	}
	p, err := newPartial(impl, d.Stored, shape, axes, opts, &d)
	if err != nil {
		return nil, err
	}
	p.op = op
	return p, nil
}

// unscale maps raw-unit statistics to decoded units (see NewPartial).
func (c *Codec) unscale(op Op, v []float64, n []int64) {
	for i, x := range v {
		switch op {
		case Sum:
			v[i] = x*c.Scale + float64(n[i])*c.Offset
		case Mean, Min, Max, First, Last:
			v[i] = x*c.Scale + c.Offset
		case Var:
			v[i] = x * c.Scale * c.Scale
		case Std:
			v[i] = x * math.Abs(c.Scale)
		}
	}
}

// AccumulateBytes folds a block given as raw stored bytes (contiguous,
// row-major, of the given shape, in the codec's byte order) at origin
// into p, which must have been made by Codec.NewPartial. The bytes are
// swapped a cache-sized slab at a time and accumulated straight away, so
// the block is read from memory once.
func (p *Partial) AccumulateBytes(raw []byte, shape []int, origin ...int) error {
	if p.codec == nil || p.codec.Order == nil {
		return fmt.Errorf("ndarray: %s: accumulate bytes needs a partial made by a codec with a byte order: %w", p.op, ErrCodec)
	}
	n, err := checkedSize(shape)
	if err != nil {
		return fmt.Errorf("ndarray: %s: accumulate bytes: %w", p.op, err)
	}
	es := p.in.Size()
	if len(raw) != n*es {
		return fmt.Errorf("ndarray: %s: accumulate bytes: %d bytes for %s%v (%d bytes): %w", p.op, len(raw), p.in, shape, n*es, ErrShape)
	}
	if origin == nil {
		origin = make([]int, len(shape))
	}
	if len(origin) != len(shape) || len(shape) != len(p.g.shape) {
		return fmt.Errorf("ndarray: %s: accumulate bytes: block %v at %v in region %v: %w", p.op, shape, origin, p.g.shape, ErrShape)
	}
	for i, o := range origin {
		if o < 0 || o+shape[i] > p.g.shape[i] {
			return fmt.Errorf("ndarray: %s: block %v at %v outside region %v (axis %d): %w", p.op, shape, origin, p.g.shape, i, ErrIndex)
		}
	}
	if n == 0 {
		return nil
	}
	if q, ok := p.impl.(*numPartial[int16, int64]); ok && q.accumulateRaw16(raw, shape, origin, isBig(p.codec.Order) != isBig(binary.NativeEndian)) {
		q.addSeen(shape, origin)
		runtime.KeepAlive(p) // its cleanup must not release impl meanwhile
		return nil
	}
	// The variance merges each slab with Chan's update, which needs the
	// counts of the slabs before it; the other reductions count the
	// block once at the end.
	moments := p.op == Var || p.op == Std
	buf := Zeros(p.in, min(n, slabElems))
	at := make([]int, len(shape))
	eachSlab(shape, func(off int, sub, so []int) {
		m := sizeOf(sub)
		b := &Array{dtype: p.in, shape: sub, strides: contiguousStrides(sub), data: buf.data}
		decodeBytes(b, raw[off*es:(off+m)*es], p.codec.Order)
		for i := range at {
			at[i] = origin[i] + so[i]
		}
		p.impl.accumulate(b, at)
		if moments {
			p.impl.addSeen(sub, at)
		}
	})
	if !moments {
		p.impl.addSeen(shape, origin)
	}
	runtime.KeepAlive(p)
	return nil
}
