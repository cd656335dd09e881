package netcdf_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/tesseradata/tessera/io/netcdf"
)

// TestNoHDF5Diagnostics reads netCDF-4 files from many goroutines (so
// from many threads) and checks that nothing is printed on the process's
// standard error: libnetcdf 4.9 probes attributes that are usually
// absent, and HDF5, whose error printing is set per thread, would print
// a dozen lines of "HDF5-DIAG" for each probe on threads other than the
// one libnetcdf initialised on.
func TestNoHDF5Diagnostics(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.nc")
	if err := netcdf.Write(context.Background(), writeDataset(t), p, netcdf.WriteOptions{Format: netcdf.NetCDF4, Compression: 1}); err != nil {
		t.Fatal(err)
	}
	// Standard error (the file descriptor C writes to) into a file.
	capture := filepath.Join(dir, "stderr")
	f := must[*os.File](t)(os.Create(capture))
	saved := must[int](t)(syscall.Dup(2))
	if err := syscall.Dup3(int(f.Fd()), 2, 0); err != nil {
		t.Fatal(err)
	}
	restore := sync.OnceFunc(func() {
		syscall.Dup3(saved, 2, 0)
		syscall.Close(saved)
		f.Close()
	})
	defer restore()
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for range 32 {
		wg.Go(func() {
			ds, err := netcdf.Open(p)
			if err == nil {
				for _, n := range ds.DataVars() {
					var v, _ = ds.Variable(n)
					if _, err = v.Values(context.Background(), computeOpts); err != nil {
						break
					}
				}
			}
			errs <- err
		})
	}
	wg.Wait()
	restore()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if out := string(must[[]byte](t)(os.ReadFile(capture))); out != "" {
		n := strings.Count(out, "HDF5-DIAG")
		if len(out) > 2000 {
			out = out[:2000] + "..."
		}
		t.Errorf("reading printed %d bytes on stderr (%d HDF5-DIAG):\n%s", len(out), n, out)
	}
}
