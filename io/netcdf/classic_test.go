package netcdf_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/tesseradata/tessera/io/netcdf"
	"github.com/tesseradata/tessera/labels"
)

// TestClassicWriterMatchesLibnetcdf writes datasets in the classic
// formats with the Go writer and through libnetcdf and compares the
// files byte for byte: the same header, layout, padding and data (the
// files are written in the same second so that their history lines
// agree; a run that straddles a second boundary is retried).
func TestClassicWriterMatchesLibnetcdf(t *testing.T) {
	for _, c := range []struct {
		name string
		ds   *labels.Dataset
		opts netcdf.WriteOptions
	}{
		{"classic, records", writeDataset(t), netcdf.WriteOptions{Format: netcdf.Classic, Unlimited: "time", History: "go test"}},
		{"classic, fixed", writeDataset(t), netcdf.WriteOptions{Format: netcdf.Classic}},
		{"64-bit offset, records", writeDataset(t), netcdf.WriteOptions{Format: netcdf.Offset64, Unlimited: "time"}},
		{"strings", stringsDataset(t), netcdf.WriteOptions{Format: netcdf.Classic}},
		{"strings, records", stringsDataset(t), netcdf.WriteOptions{Format: netcdf.Offset64, Unlimited: "season"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			write := func(viaC bool) []byte {
				defer netcdf.SetClassicViaLibnetcdf(viaC)()
				p := filepath.Join(dir, "f.nc")
				if err := netcdf.Write(context.Background(), c.ds, p, c.opts); err != nil {
					t.Fatal(err)
				}
				return must[[]byte](t)(os.ReadFile(p))
			}
			for try := 0; ; try++ {
				goFile, cFile := write(false), write(true)
				if bytes.Equal(goFile, cFile) {
					break
				}
				if try == 2 || len(goFile) != len(cFile) {
					for i := range min(len(goFile), len(cFile)) {
						if goFile[i] != cFile[i] {
							t.Fatalf("the Go writer's file (%d bytes) differs from libnetcdf's (%d bytes) first at byte %d", len(goFile), len(cFile), i)
						}
					}
					t.Fatalf("the Go writer's file has %d bytes, libnetcdf's %d", len(goFile), len(cFile))
				}
			}
		})
	}
}
