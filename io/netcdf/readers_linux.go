package netcdf

import (
	"os"
	"syscall"
)

// selfExe returns the file to start a reader process from:
// /proc/self/exe, the running program's own file even if it was
// replaced or removed since it started.
func selfExe() (string, error) {
	if err := canReexec(); err != nil {
		return "", err
	}
	if _, err := os.Stat("/proc/self/exe"); err == nil {
		return "/proc/self/exe", nil
	}
	return os.Executable()
}

// readerSysProcAttr makes a reader die with the thread that started it
// (see spawner), and puts it in a process group of its own, so that an
// interrupt typed at the terminal reaches the parent, which then decides
// what to do with its reads, and not its readers.
func readerSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
}

// growPipe raises a pipe's capacity to 1 MiB (the default most systems
// allow), so that replies move in fewer, larger copies. Failing that, the
// pipe stays as it is.
func growPipe(f *os.File) {
	const fSetPipeSz = 1031 // F_SETPIPE_SZ
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	rc.Control(func(fd uintptr) {
		syscall.Syscall(syscall.SYS_FCNTL, fd, fSetPipeSz, 1<<20)
	})
}
