package netcdf_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tesseradata/tessera/io/netcdf"
	"github.com/tesseradata/tessera/labels"
)

// TestClassicLoadsNoLibnetcdf checks that opening and computing classic
// files never loads libnetcdf (internal/libnc loads it at run time), and
// that a netCDF-4 file does: in a fresh process (this test binary run
// again), the library's mappings are looked for in /proc/self/maps.
func TestClassicLoadsNoLibnetcdf(t *testing.T) {
	if path := os.Getenv("TESSERA_TEST_OPEN"); path != "" {
		// The child: open, compute, report.
		ds := must[*labels.Dataset](t)(netcdf.Open(path))
		_ = values(t, variable(t, ds, "x"))
		maps := must[[]byte](t)(os.ReadFile("/proc/self/maps"))
		if strings.Contains(string(maps), "libnetcdf") {
			os.Stdout.WriteString("LOADED\n")
		} else {
			os.Stdout.WriteString("NOT LOADED\n")
		}
		return
	}
	if _, err := os.Stat("/proc/self/maps"); err != nil {
		t.Skip("no /proc/self/maps on this system")
	}
	x := must[*labels.Variable](t)(labels.FromSlice([]string{"c"}, lazyValues(1), nil))
	ds := must[*labels.Dataset](t)(labels.NewDataset(labels.Vars{{Name: "x", Var: x}}, nil, nil))
	for _, c := range []struct {
		format netcdf.Format
		want   string
	}{{netcdf.Classic, "NOT LOADED"}, {netcdf.Offset64, "NOT LOADED"}, {netcdf.NetCDF4, "LOADED"}} {
		path := filepath.Join(t.TempDir(), "f.nc")
		if err := netcdf.Write(context.Background(), ds, path, netcdf.WriteOptions{Format: c.format}); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestClassicLoadsNoLibnetcdf$", "-test.count=1")
		cmd.Env = append(os.Environ(), "TESSERA_TEST_OPEN="+path)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		if got := string(out); !strings.HasPrefix(got, c.want+"\n") {
			t.Errorf("format %v: the child reports %q, want %q first", c.format, got, c.want)
		}
	}
}
