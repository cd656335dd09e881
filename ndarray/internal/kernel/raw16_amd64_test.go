//go:build amd64 && !purego

package kernel

import "testing"

// withoutAVX512 runs f with the 512-bit kernel off (the 256-bit one
// serves every multiple of eight), as on CPUs without AVX-512.
func withoutAVX512(t testing.TB, f func()) {
	if !haveAVX512 {
		t.Skip("no AVX-512 here: the other tests ran the 256-bit kernel")
	}
	haveAVX512 = false
	defer func() { haveAVX512 = true }()
	f()
}

func TestAddToRaw16AVX2(t *testing.T) { withoutAVX512(t, func() { TestAddToRaw16(t) }) }

func TestAddRowsToRaw16ExtremesAVX2(t *testing.T) {
	withoutAVX512(t, func() { TestAddRowsToRaw16Extremes(t) })
}

func BenchmarkAddRowsToRaw16AVX2(b *testing.B) {
	withoutAVX512(b, func() { BenchmarkAddRowsToRaw16(b) })
}
