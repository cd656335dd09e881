//go:build !linux

package netcdf

import (
	"os"
	"syscall"
)

// selfExe returns the file to start a reader process from.
func selfExe() (string, error) {
	if err := canReexec(); err != nil {
		return "", err
	}
	return os.Executable()
}

// readerSysProcAttr: no parent-death signal outside Linux; a reader
// exits when its requests end, when the parent exits.
func readerSysProcAttr() *syscall.SysProcAttr { return nil }

// growPipe leaves the pipe as it is.
func growPipe(*os.File) {}
