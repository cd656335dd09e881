package netcdf

import (
	"slices"
	"time"
)

// ReaderPIDs returns the process ids of the reader processes running
// now, sorted.
func ReaderPIDs() []int {
	poolMu.Lock()
	p := curPool
	poolMu.Unlock()
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var pids []int
	for r := range p.live {
		pids = append(pids, r.cmd.Process.Pid)
	}
	slices.Sort(pids)
	return pids
}

// SetReaderExe makes new reader processes run the program at path, and
// returns a function that undoes it. The pool must be stopped
// (SetReaders) around it.
func SetReaderExe(path string) (restore func()) {
	old := readerExe
	readerExe = func() (string, error) { return path, nil }
	return func() { readerExe = old }
}

// SetReaderIdle sets how long a reader waits for work before it is
// stopped, and returns a function that undoes it. The pool must be
// stopped (SetReaders) around it.
func SetReaderIdle(d time.Duration) (restore func()) {
	old := readerIdle
	readerIdle = d
	return func() { readerIdle = old }
}

// SetClassicViaLibnetcdf makes Write write the classic formats through
// libnetcdf (b) or in Go, and returns a function that undoes it.
func SetClassicViaLibnetcdf(b bool) (restore func()) {
	old := classicViaLibnetcdf
	classicViaLibnetcdf = b
	return func() { classicViaLibnetcdf = old }
}
