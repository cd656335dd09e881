// Package measure holds what several bench programs measure alike: a
// child process's wall time and peak resident memory, the median of
// repeated runs, the size of the input files, and a CPU profile.
package measure

import (
	"cmp"
	"os"
	"os/exec"
	"runtime/pprof"
	"slices"
	"syscall"
	"time"
)

// Run runs cmd (its output goes where the caller set it) and returns
// its wall time and its peak resident memory in bytes, from wait4: the
// child's own, not the parent's.
func Run(cmd *exec.Cmd) (time.Duration, int64, error) {
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, 0, err
	}
	wall := time.Since(start)
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss << 10 // KiB on Linux
	}
	return wall, rss, nil
}

// Median returns the middle of xs (the upper one of an even count).
// xs must not be empty; it is left unsorted.
func Median[T cmp.Ordered](xs []T) T {
	s := slices.Sorted(slices.Values(xs))
	return s[len(s)/2]
}

// Size returns the total size in bytes of files, skipping those it
// cannot stat.
func Size(files []string) int64 {
	var n int64
	for _, f := range files {
		if st, err := os.Stat(f); err == nil {
			n += st.Size()
		}
	}
	return n
}

// CPUProfile starts a CPU profile written to path, or nothing if path is
// empty. The returned function stops it and closes the file; call it
// before os.Exit, which runs no deferred calls.
func CPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
