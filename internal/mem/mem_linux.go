package mem

import (
	"syscall"
	"unsafe"
)

// mapArena maps n bytes (rounded up to whole huge pages) of private
// anonymous memory aligned to a huge page and advises the kernel to back
// it with transparent huge pages; nil when mapping fails. Callers hold
// pool.mu.
func mapArena(n int) []byte {
	n = (n + hugePage - 1) &^ (hugePage - 1)
	m, err := syscall.Mmap(-1, 0, n+hugePage, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
	if err != nil {
		return nil
	}
	off := int((hugePage - uintptr(unsafe.Pointer(unsafe.SliceData(m)))%hugePage) % hugePage)
	m = m[off : off+n : off+n]
	// Only advice: where transparent huge pages are off, 4 KiB pages it is.
	_ = syscall.Madvise(m, syscall.MADV_HUGEPAGE)
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(m)))
	arenas = append(arenas, span{lo, lo + uintptr(n)})
	return m
}

// release gives b's pages back to the OS; they read as zeros when next
// touched.
func release(b []byte) { _ = syscall.Madvise(b, syscall.MADV_DONTNEED) }
