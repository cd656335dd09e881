//go:build !linux

package mem

// mapArena maps nothing: buffers come from the Go heap.
func mapArena(int) []byte { return nil }

func release([]byte) {}
