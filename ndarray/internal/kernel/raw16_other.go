//go:build !amd64 || purego

package kernel

// addRows16 has no vector form on this platform (see raw16_amd64.go).
func addRows16(acc, miss []int64, ai int, raw []byte, xi, xr, k, n int, swap bool, fill int32) (done int, uncounted bool) {
	return 0, false
}
