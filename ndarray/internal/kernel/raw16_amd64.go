//go:build amd64 && !purego

package kernel

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// haveAVX2 and haveAVX512 select the vector kernels of addRows16 (the
// CPU and the OS support 256-bit integer vectors, and 512-bit ones with
// 16-bit elements and mask registers).
var (
	haveAVX2   = cpu.X86.HasAVX2
	haveAVX512 = cpu.X86.HasAVX2 && cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW
)

//go:noescape
func addRows16AVX2(acc, miss *int64, raw *byte, stride, k, n int, mask *[32]byte, fill int32) (uncounted int)

//go:noescape
func addRows16AVX512(acc, miss *int64, raw *byte, stride, k, n int, mask *[32]byte, fill int32) (uncounted int)

// swap masks for addRows16AVX512: byte-swap each 16-bit value of a
// 32-byte load in place (big-endian storage), or keep it.
var (
	swapBig    = swapMask(true)
	swapNative = swapMask(false)
)

func swapMask(big bool) *[32]byte {
	var m [32]byte
	for i := range m {
		m[i] = byte(i % 16) // VPSHUFB indexes within each 16-byte lane
		if big {
			m[i] ^= 1
		}
	}
	return &m
}

// shuffle masks for addRows16AVX2: each 128-bit lane of a broadcast
// 16-byte load (8 values) keeps four values, the low lane values 0-3 and
// the high lane values 4-7, each moved into the high half of a 32-bit
// lane (0x80 zeroes a byte), big-endian ones byte-swapped on the way.
var (
	shuffleBig    = shuffleMask(true)
	shuffleNative = shuffleMask(false)
)

func shuffleMask(big bool) *[32]byte {
	var m [32]byte
	for lane := range 2 {
		for i := range 4 {
			v := 4*lane + i // the value, 0-7
			b := m[16*lane+4*i:]
			b[0], b[1] = 0x80, 0x80
			lo, hi := 2*v, 2*v+1 // little-endian storage
			if big {
				lo, hi = hi, lo
			}
			b[2], b[3] = byte(lo), byte(hi)
		}
	}
	return &m
}

// addRows16 is the vector part of AddRowsToRaw16: it adds the first n8
// = n &^ 7 positions of k rows (row j at byte 2*(xi+j*xr) of raw) into
// acc[ai:] and counts values equal to fill into miss[ai:], and returns
// n8, or 0 if it cannot (no AVX2). With miss nil, fill values are not
// counted, and uncounted reports whether there were any. The caller has
// checked every bound, k <= 65535 (sums of that many int16 fit 32 bits)
// and that miss, if not nil, is long enough. amd64 is little-endian, so
// swap means the values are stored big-endian.
func addRows16(acc, miss []int64, ai int, raw []byte, xi, xr, k, n int, swap bool, fill int32) (done int, uncounted bool) {
	if haveAVX512 && n >= 16 {
		mask := swapNative
		if swap {
			mask = swapBig
		}
		n16 := n &^ 15
		var mp *int64
		if miss != nil {
			mp = &miss[ai]
		}
		u := addRows16AVX512(&acc[ai], mp, (*byte)(unsafe.Pointer(&raw[2*xi])), 2*xr, k, n16, mask, fill)
		if n-n16 < 8 {
			return n16, u != 0
		}
		// Eight more with 256-bit vectors.
		d, u2 := addRows16Vec256(acc, miss, ai+n16, raw, xi+n16, xr, k, 8, swap, fill)
		return n16 + d, u != 0 || u2
	}
	return addRows16Vec256(acc, miss, ai, raw, xi, xr, k, n, swap, fill)
}

// addRows16Vec256 is addRows16 with AVX2 only.
func addRows16Vec256(acc, miss []int64, ai int, raw []byte, xi, xr, k, n int, swap bool, fill int32) (done int, uncounted bool) {
	n8 := n &^ 7
	if !haveAVX2 || n8 == 0 {
		return 0, false
	}
	mask := shuffleNative
	if swap {
		mask = shuffleBig
	}
	var mp *int64
	if miss != nil {
		mp = &miss[ai]
	}
	u := addRows16AVX2(&acc[ai], mp, (*byte)(unsafe.Pointer(&raw[2*xi])), 2*xr, k, n8, mask, fill)
	return n8, u != 0
}
