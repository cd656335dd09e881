package kernel

import (
	"math"
	"math/bits"
	"slices"
	"unsafe"
)

// Missing says which values of type T a kernel skips. The zero value
// skips nothing, which is right for integers without fill values and for
// NaN-propagating float sums (NaN then flows through the arithmetic).
type Missing[T Number] struct {
	NaN    bool // skip NaN (floating types only)
	Fill   bool // skip F1 and F2 (and NaN for floating types)
	F1, F2 T
}

// Is reports whether v is missing under m. Kernels inline the test in
// their loops; this is the reference they are checked against.
func (m Missing[T]) Is(v T) bool {
	return (m.NaN || m.Fill) && v != v || m.Fill && (v == m.F1 || v == m.F2)
}

// AddTo adds a row of n values into a row of accumulators, skipping
// missing values:
//
//	for k := range n {
//		if m.Is(x[xi+k*xs]) { miss[ai+k*as]++ } else { acc[ai+k*as] += A(x[xi+k*xs]) }
//	}
//
// miss is not touched when m skips nothing.
func AddTo[A Acc, T Number](acc []A, miss []int64, ai, as int, x []T, xi, xs, n int, m Missing[T]) {
	if n == 0 {
		return
	}
	if as == 1 && xs == 1 {
		a, v := acc[ai:ai+n], x[xi:xi+n]
		switch {
		case m.Fill && m.F1 == m.F2 && !isFloat[T]():
			ms := miss[ai : ai+n]
			f := m.F1
			for k, x := range v {
				if x == f {
					ms[k]++
					continue
				}
				a[k] += A(x)
			}
		case m.Fill:
			ms := miss[ai : ai+n]
			f1, f2 := m.F1, m.F2
			for k, x := range v {
				if x != x || x == f1 || x == f2 {
					ms[k]++
					continue
				}
				a[k] += A(x)
			}
		case m.NaN:
			ms := miss[ai : ai+n]
			for k, x := range v {
				if x != x {
					ms[k]++
					continue
				}
				a[k] += A(x)
			}
		default:
			addContiguous(a, v)
		}
		return
	}
	for range n {
		if v := x[xi]; m.Is(v) {
			miss[ai]++
		} else {
			acc[ai] += A(v)
		}
		ai += as
		xi += xs
	}
}

// addContiguous is AddTo with nothing missing and unit strides, unrolled
// four ways; len(a) == len(x).
func addContiguous[A Acc, T Number](a []A, x []T) {
	// The generic loop converts through a register the compiler cannot
	// fold into the add; the common element types get plain loops.
	switch a := any(a).(type) {
	case []float64:
		switch x := any(x).(type) {
		case []float32:
			addFloat32(a, x)
			return
		case []float64:
			addFloat64(a, x)
			return
		}
	case []int64:
		if x, ok := any(x).([]int16); ok {
			addInt16(a, x)
			return
		}
	}
	a = a[:len(x)]
	i := 0
	for ; i+4 <= len(x); i += 4 {
		aa := a[i : i+4 : i+4]
		xx := x[i : i+4 : i+4]
		aa[0] += A(xx[0])
		aa[1] += A(xx[1])
		aa[2] += A(xx[2])
		aa[3] += A(xx[3])
	}
	for ; i < len(x); i++ {
		a[i] += A(x[i])
	}
}

// sumBlock is the number of values summed with independent partial sums
// before they are folded into the running total. Within a block the
// rounding error grows with blockLen/8; across blocks with n/blockLen.
const sumBlock = 4096

// Sum returns the sum of the n values x[xi], x[xi+xs], ... that m does not
// skip, and how many it skipped:
//
//	for k := range n {
//		if v := x[xi+k*xs]; m.Is(v) { skipped++ } else { s += A(v) }
//	}
//
// The contiguous path keeps eight partial sums over blocks of 4096 values
// (error O((512 + n/4096)·eps) instead of O(n·eps)).
func Sum[A Acc, T Number](x []T, xi, xs, n int, m Missing[T]) (s A, skipped int64) {
	if n == 0 {
		return 0, 0
	}
	if xs != 1 {
		for range n {
			if v := x[xi]; m.Is(v) {
				skipped++
			} else {
				s += A(v)
			}
			xi += xs
		}
		return s, skipped
	}
	x = x[xi : xi+n]
	for len(x) > 0 {
		b := x[:min(len(x), sumBlock)]
		x = x[len(b):]
		if m.NaN || m.Fill {
			t, k := sumSkip[A](b, m)
			s += t
			skipped += k
			continue
		}
		s += sumContiguous[A](b)
	}
	return s, skipped
}

// sumSkip is Sum's contiguous loop for a Missing that skips something: four
// partial sums, and one test per four values on the common path (the sum
// of four floats is NaN if any of them is; a fill value needs its own
// comparisons); a group that may hold a missing value is summed one value
// at a time.
func sumSkip[A Acc, T Number](x []T, m Missing[T]) (s A, skipped int64) {
	var s0, s1, s2, s3 A
	f1, f2 := m.F1, m.F2
	i := 0
	for ; i+4 <= len(x); i += 4 {
		v := x[i : i+4 : i+4]
		var suspect bool
		if m.Fill {
			suspect = v[0] == f1 || v[1] == f1 || v[2] == f1 || v[3] == f1 ||
				v[0] == f2 || v[1] == f2 || v[2] == f2 || v[3] == f2
		}
		if t := v[0] + v[1] + v[2] + v[3]; suspect || t != t {
			for _, u := range v {
				if m.Is(u) {
					skipped++
				} else {
					s0 += A(u)
				}
			}
			continue
		}
		s0 += A(v[0])
		s1 += A(v[1])
		s2 += A(v[2])
		s3 += A(v[3])
	}
	for _, u := range x[i:] {
		if m.Is(u) {
			skipped++
		} else {
			s0 += A(u)
		}
	}
	return (s0 + s1) + (s2 + s3), skipped
}

// sumContiguous returns the sum of x with eight independent partial sums.
func sumContiguous[A Acc, T Number](x []T) A {
	if _, ok := any(A(0)).(float64); ok {
		switch x := any(x).(type) {
		case []float64:
			return A(sumFloat64(x))
		case []float32:
			return A(sumFloat32(x))
		}
	}
	var s0, s1, s2, s3, s4, s5, s6, s7 A
	i := 0
	for ; i+8 <= len(x); i += 8 {
		v := x[i : i+8 : i+8]
		s0 += A(v[0])
		s1 += A(v[1])
		s2 += A(v[2])
		s3 += A(v[3])
		s4 += A(v[4])
		s5 += A(v[5])
		s6 += A(v[6])
		s7 += A(v[7])
	}
	for ; i < len(x); i++ {
		s0 += A(x[i])
	}
	return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
}

// CountTo counts the missing values of a row into miss:
//
//	for k := range n { if m.Is(x[xi+k*xs]) { miss[ai+k*as]++ } }
func CountTo[T Number](miss []int64, ai, as int, x []T, xi, xs, n int, m Missing[T]) {
	if !m.NaN && !m.Fill {
		return
	}
	for range n {
		if m.Is(x[xi]) {
			miss[ai]++
		}
		ai += as
		xi += xs
	}
}

// Count returns how many of the n values of a row are missing.
func Count[T Number](x []T, xi, xs, n int, m Missing[T]) (skipped int64) {
	if !m.NaN && !m.Fill {
		return 0
	}
	for range n {
		if m.Is(x[xi]) {
			skipped++
		}
		xi += xs
	}
	return skipped
}

func addFloat32(a []float64, x []float32) {
	a = a[:len(x)]
	for i, v := range x {
		a[i] += float64(v)
	}
}

func addFloat64(a []float64, x []float64) {
	a = a[:len(x)]
	for i, v := range x {
		a[i] += v
	}
}

func addInt16(a []int64, x []int16) {
	a = a[:len(x)]
	for i, v := range x {
		a[i] += int64(v)
	}
}

// sumFloat64 is sumContiguous for float64: four partial sums of pairs,
// which the compiler keeps in registers with the loads folded into the
// adds.
func sumFloat64(x []float64) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+8 <= len(x); i += 8 {
		v := x[i : i+8 : i+8]
		s0 += v[0] + v[4]
		s1 += v[1] + v[5]
		s2 += v[2] + v[6]
		s3 += v[3] + v[7]
	}
	for ; i < len(x); i++ {
		s0 += x[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// sumFloat32 is sumContiguous for float32, accumulating in float64.
func sumFloat32(x []float32) float64 {
	var s0, s1, s2, s3, s4, s5 float64
	i := 0
	for ; i+6 <= len(x); i += 6 {
		v := x[i : i+6 : i+6]
		s0 += float64(v[0])
		s1 += float64(v[1])
		s2 += float64(v[2])
		s3 += float64(v[3])
		s4 += float64(v[4])
		s5 += float64(v[5])
	}
	for ; i < len(x); i++ {
		s0 += float64(x[i])
	}
	return ((s0 + s1) + (s2 + s3)) + (s4 + s5)
}

// AddToRaw16 is AddTo for a contiguous row of n 16-bit signed integers
// still in their stored bytes, in the machine's byte order or, with swap
// set, the other one (big-endian files on little-endian machines),
// decoded as they are added: the inner loop of a time mean over packed
// netCDF classic files, fused so that the row is read from memory once.
//
//	for k := range n { v := int16(order.Uint16(raw[2*k:])); ...as AddTo... }
func AddToRaw16(acc, miss []int64, ai int, raw []byte, n int, swap bool, m Missing[int16]) {
	a := acc[ai : ai+n]
	u := uint16s(raw[:2*n])
	u = u[:len(a)]
	big := swap
	if swap {
		// Swap the comparands once instead of every value.
		m.F1 = int16(bits.ReverseBytes16(uint16(m.F1)))
		m.F2 = int16(bits.ReverseBytes16(uint16(m.F2)))
	}
	f1, f2 := uint16(m.F1), uint16(m.F2)
	switch {
	case big && m.Fill && f1 == f2:
		// One fill value (the usual case): one comparison per value.
		ms := miss[ai : ai+n]
		ms = ms[:len(a)]
		for k, r := range u {
			if r == f1 {
				ms[k]++
				continue
			}
			a[k] += int64(int16(bits.ReverseBytes16(r)))
		}
	case big && m.Fill:
		ms := miss[ai : ai+n]
		ms = ms[:len(a)]
		for k, r := range u {
			if r == f1 || r == f2 {
				ms[k]++
				continue
			}
			a[k] += int64(int16(bits.ReverseBytes16(r)))
		}
	case big:
		for k, r := range u {
			a[k] += int64(int16(bits.ReverseBytes16(r)))
		}
	case m.Fill:
		ms := miss[ai : ai+n]
		ms = ms[:len(a)]
		for k, r := range u {
			if r == f1 || r == f2 {
				ms[k]++
				continue
			}
			a[k] += int64(int16(r))
		}
	default:
		for k, r := range u {
			a[k] += int64(int16(r))
		}
	}
}

// uint16s views raw (of even length) as native-order 16-bit words. The
// view may be unaligned, which amd64 and arm64 load without penalty and
// Go permits for pointer-free element types.
func uint16s(raw []byte) []uint16 {
	if len(raw) < 2 {
		return nil
	}
	return unsafe.Slice((*uint16)(unsafe.Pointer(unsafe.SliceData(raw))), len(raw)/2)
}

// isFloat reports whether T is a floating-point type (whose NaN must be
// tested for besides the fill values).
func isFloat[T Number]() bool {
	var z T
	switch any(z).(type) {
	case float32, float64:
		return true
	}
	return false
}

// AddRowsTo adds k rows of n contiguous values (1 <= k <= 4; row j starts
// at x[xi+j*xr]) into one contiguous row of accumulators, skipping and
// counting missing values:
//
//	for i := range n { for j := range k { ...AddTo of x[xi+j*xr+i] into acc[ai+i]... } }
//
// The k values of an accumulator are summed first, (x0 + x1) + (x2 + x3),
// so the accumulators are read and written once per k rows: the inner
// loop of a reduction over a leading axis (a time mean) is bound by
// reading x rather than by the accumulators' traffic.
func AddRowsTo[A Acc, T Number](acc []A, miss []int64, ai int, x []T, xi, xr, k, n int, m Missing[T]) {
	if k < 4 || n == 0 {
		for j := range k {
			AddTo(acc, miss, ai, 1, x, xi+j*xr, 1, n, m)
		}
		return
	}
	a := acc[ai : ai+n]
	x0, x1, x2, x3 := x[xi:xi+n], x[xi+xr:xi+xr+n], x[xi+2*xr:xi+2*xr+n], x[xi+3*xr:xi+3*xr+n]
	if !m.NaN && !m.Fill {
		if a, ok := any(a).([]float64); ok {
			if x0, ok := any(x0).([]float32); ok {
				add4Float32(a, x0, any(x1).([]float32), any(x2).([]float32), any(x3).([]float32))
				return
			}
		}
		x1, x2, x3 = x1[:len(x0)], x2[:len(x0)], x3[:len(x0)]
		a = a[:len(x0)]
		for i, v0 := range x0 {
			a[i] += (A(v0) + A(x1[i])) + (A(x2[i]) + A(x3[i]))
		}
		return
	}
	ms := miss[ai : ai+n]
	x1, x2, x3 = x1[:len(x0)], x2[:len(x0)], x3[:len(x0)]
	a, ms = a[:len(x0)], ms[:len(x0)]
	f1, f2 := m.F1, m.F2
	for i, v0 := range x0 {
		v1, v2, v3 := x1[i], x2[i], x3[i]
		suspect := m.Fill && (v0 == f1 || v1 == f1 || v2 == f1 || v3 == f1 || v0 == f2 || v1 == f2 || v2 == f2 || v3 == f2)
		if t := v0 + v1 + v2 + v3; suspect || t != t {
			for _, v := range [4]T{v0, v1, v2, v3} {
				if m.Is(v) {
					ms[i]++
				} else {
					a[i] += A(v)
				}
			}
			continue
		}
		a[i] += (A(v0) + A(v1)) + (A(v2) + A(v3))
	}
}

func add4Float32(a []float64, x0, x1, x2, x3 []float32) {
	x1, x2, x3 = x1[:len(x0)], x2[:len(x0)], x3[:len(x0)]
	a = a[:len(x0)]
	for i, v := range x0 {
		a[i] += (float64(v) + float64(x1[i])) + (float64(x2[i]) + float64(x3[i]))
	}
}

// AddRowsToRaw16 is AddRowsTo for rows of raw 16-bit integers (see
// AddToRaw16): k >= 0 rows of n values, row j starting at value xi+j*xr
// of raw, added into acc[ai:ai+n]:
//
//	for j := range k { AddToRaw16(acc, miss, ai, raw[2*(xi+j*xr):], n, swap, m) }
//
// miss may be nil although m has fill values: they are then skipped but
// not counted, and uncounted reports whether there were any (the caller
// counts them with CountRowsRaw16 into the missing counts it then
// allocates: a partial need not hold counts for data without gaps).
//
// On amd64 with AVX2 (and without the purego build tag) the rows are
// summed eight positions at a time in 32-bit vector lanes, fill values
// zeroed and counted on the way, and the accumulators are read and
// written once per call instead of once per four rows; the positions
// past the last multiple of eight, and fills that differ from
// missing_value, take the scalar loop.
func AddRowsToRaw16(acc, miss []int64, ai int, raw []byte, xi, xr, k, n int, swap bool, m Missing[int16]) (uncounted bool) {
	if k <= 0 || n <= 0 {
		return false
	}
	done := 0
	if xr >= 0 && (!m.Fill || m.F1 == m.F2) {
		// Bounds, checked once here: the vector loop trusts them.
		_ = raw[2*(xi+(k-1)*xr+n)-1]
		_ = acc[ai+n-1]
		fill := int32(math.MaxInt32) // no int16 equals it
		if m.Fill {
			if miss != nil {
				_ = miss[ai+n-1]
			}
			fill = int32(m.F1)
		}
		// At most 65535 rows per call: their sum fits the 32-bit lanes.
		const most = 1<<16 - 1
		for j := 0; j < k; j += most {
			d, u := addRows16(acc, miss, ai, raw, xi+j*xr, xr, min(most, k-j), n, swap, fill)
			done, uncounted = d, uncounted || u
		}
		if done == n {
			return uncounted
		}
	}
	if miss == nil && m.Fill {
		// The scalar loop counts: into a scratch, to learn whether any.
		scratch := make([]int64, n-done)
		for j := 0; j < k; j += 4 {
			addRowsToRaw16(acc[ai+done:], scratch, 0, raw, xi+j*xr+done, xr, min(4, k-j), n-done, swap, m)
		}
		return uncounted || slices.ContainsFunc(scratch, func(c int64) bool { return c != 0 })
	}
	for j := 0; j < k; j += 4 {
		addRowsToRaw16(acc, miss, ai+done, raw, xi+j*xr+done, xr, min(4, k-j), n-done, swap, m)
	}
	return uncounted
}

// CountRowsRaw16 counts the fill values of m in k rows of n raw 16-bit
// integers (laid out as for AddRowsToRaw16) into miss[ai:ai+n]:
//
//	for j := range k { for i := range n { if m.Is(value i of row j) { miss[ai+i]++ } } }
func CountRowsRaw16(miss []int64, ai int, raw []byte, xi, xr, k, n int, swap bool, m Missing[int16]) {
	if !m.Fill || n <= 0 {
		return
	}
	f1, f2 := uint16(m.F1), uint16(m.F2)
	if swap {
		f1, f2 = bits.ReverseBytes16(f1), bits.ReverseBytes16(f2)
	}
	ms := miss[ai : ai+n]
	u := uint16s(raw)
	for j := range k {
		row := u[xi+j*xr : xi+j*xr+n]
		for i, r := range row {
			if r == f1 || r == f2 {
				ms[i]++
			}
		}
	}
}

// addRowsToRaw16 is AddRowsToRaw16's scalar form for k <= 4 rows.
func addRowsToRaw16(acc, miss []int64, ai int, raw []byte, xi, xr, k, n int, swap bool, m Missing[int16]) {
	if k < 4 || n == 0 || (m.Fill && m.F1 != m.F2) {
		for j := range k {
			AddToRaw16(acc, miss, ai, raw[2*(xi+j*xr):], n, swap, m)
		}
		return
	}
	a := acc[ai : ai+n]
	u := uint16s(raw)
	u0, u1, u2, u3 := u[xi:xi+n], u[xi+xr:xi+xr+n], u[xi+2*xr:xi+2*xr+n], u[xi+3*xr:xi+3*xr+n]
	u1, u2, u3, a = u1[:len(u0)], u2[:len(u0)], u3[:len(u0)], a[:len(u0)]
	dec := func(r uint16) int64 {
		if swap {
			r = bits.ReverseBytes16(r)
		}
		return int64(int16(r))
	}
	if !m.Fill {
		for i, r0 := range u0 {
			a[i] += (dec(r0) + dec(u1[i])) + (dec(u2[i]) + dec(u3[i]))
		}
		return
	}
	f := uint16(m.F1)
	if swap {
		f = bits.ReverseBytes16(f)
	}
	ms := miss[ai : ai+n]
	ms = ms[:len(u0)]
	for i, r0 := range u0 {
		r1, r2, r3 := u1[i], u2[i], u3[i]
		if r0 == f || r1 == f || r2 == f || r3 == f {
			for _, r := range [4]uint16{r0, r1, r2, r3} {
				if r == f {
					ms[i]++
				} else {
					a[i] += dec(r)
				}
			}
			continue
		}
		a[i] += (dec(r0) + dec(r1)) + (dec(r2) + dec(r3))
	}
}

// SumRaw16 is Sum for a contiguous row of n 16-bit signed integers still
// in their stored bytes (see AddToRaw16), skipping the fill values of m:
//
//	for k := range n { v := int16(order.Uint16(raw[2*k:])); if !m.Is(v) { s += int64(v) } else { skipped++ } }
//
// Four values are loaded at once as a 64-bit word. A word holding no fill
// value (found by the "has a zero lane" bit trick on word XOR fill) is
// summed without decoding its values: a value is 256·hi + lo with hi
// signed, so the sum is 256·Σhi_unsigned − 65536·#(negative) + Σlo, and
// the three sums are kept in the four 16-bit lanes of three words,
// flushed every 256 words before a lane can overflow. Words holding a
// fill value are summed one value at a time.
func SumRaw16(raw []byte, n int, swap bool, m Missing[int16]) (s int64, skipped int64) {
	u := uint16s(raw[:2*n])
	f1, f2 := uint16(m.F1), uint16(m.F2)
	if swap {
		f1, f2 = bits.ReverseBytes16(f1), bits.ReverseBytes16(f2)
	}
	const (
		lanes = 0x0001_0001_0001_0001
		bytes = 0x00FF_00FF_00FF_00FF
	)
	p1, p2 := uint64(f1)*lanes, uint64(f2)*lanes
	twoFills := m.Fill && f1 != f2
	hasZero := func(x uint64) bool { return (x-lanes)&^x&(lanes<<15) != 0 }
	// Shifts of the high byte, the low byte and the sign bit of a value
	// within its lane, by byte order.
	hiShift, loShift, signShift := uint(0), uint(8), uint(7)
	if !swap {
		hiShift, loShift, signShift = 8, 0, 15
	}
	laneSum := func(x uint64) int64 {
		return int64(x&0xFFFF) + int64(x>>16&0xFFFF) + int64(x>>32&0xFFFF) + int64(x>>48)
	}
	var hi, lo, neg uint64 // lane sums since the last flush
	flush := func() {
		s += 256*laneSum(hi) - 65536*laneSum(neg) + laneSum(lo)
		hi, lo, neg = 0, 0, 0
	}
	i := 0
	if n >= 4 {
		w := unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(raw))), n/4)
		for j, x := range w {
			if j&255 == 0 {
				flush() // before any lane can overflow
			}
			if m.Fill && (hasZero(x^p1) || twoFills && hasZero(x^p2)) {
				for k := range 4 {
					r := uint16(x >> (16 * k))
					if r == f1 || r == f2 {
						skipped++
						continue
					}
					if swap {
						r = bits.ReverseBytes16(r)
					}
					s += int64(int16(r))
				}
				continue
			}
			hi += x >> hiShift & bytes
			lo += x >> loShift & bytes
			neg += x >> signShift & lanes
		}
		flush()
		i = 4 * len(w)
	}
	for ; i < n; i++ {
		r := u[i]
		if m.Fill && (r == f1 || r == f2) {
			skipped++
			continue
		}
		if swap {
			r = bits.ReverseBytes16(r)
		}
		s += int64(int16(r))
	}
	return s, skipped
}
