package cdf

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

var benchSteps = flag.Int64("steps", 64, "time steps of the ReadRaw benchmark's file (a year of 6-hourly ERA data is 1460, 35 years 51100)")

// BenchmarkReadRaw reads an ERA-like t2m, time x 256 x 512 int16, in
// blocks of 16 records from 1 or 2 goroutines sharing one *os.File,
// reporting MB/s of raw data. "lone": t2m is the file's only record
// variable, so a block is one ReadAt; "interleaved": a time variable
// shares its records, so a block is 16 ReadAt calls. The file is read
// from the page cache: this measures ReadRaw's overhead, not a disk.
func BenchmarkReadRaw(b *testing.B) {
	const lat, lon, block = 256, 512, 16
	steps := *benchSteps
	for _, layout := range []string{"lone", "interleaved"} {
		h := &Header{Format: Offset64, NumRecs: steps,
			Dims: []Dim{{Name: "time", Unlimited: true}, {Name: "latitude", Len: lat}, {Name: "longitude", Len: lon}},
			Vars: []Var{
				{Name: "latitude", Dims: []int{1}, Type: Float},
				{Name: "longitude", Dims: []int{2}, Type: Float},
				{Name: "t2m", Dims: []int{0, 1, 2}, Type: Short},
			},
		}
		if layout == "interleaved" {
			h.Vars = append(h.Vars, Var{Name: "time", Dims: []int{0}, Type: Double})
		}
		path := filepath.Join(b.TempDir(), layout+".nc")
		if err := os.WriteFile(path, build(h, pattern), 0o644); err != nil {
			b.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		fi, _ := f.Stat()
		hdr, err := ReadHeader(f, fi.Size())
		if err != nil {
			b.Fatal(err)
		}
		v := varIndex(hdr, "t2m")
		blocks := (steps + block - 1) / block
		for _, workers := range []int64{1, 2} {
			b.Run(fmt.Sprintf("%s/steps=%d/goroutines=%d", layout, steps, workers), func(b *testing.B) {
				bufs := make([][]byte, workers)
				for g := range bufs {
					bufs[g] = make([]byte, block*lat*lon*2)
				}
				b.SetBytes(steps * lat * lon * 2)
				for b.Loop() {
					var wg sync.WaitGroup
					for g := range workers {
						wg.Go(func() {
							for k := g; k < blocks; k += workers {
								n := min(block, steps-k*block)
								dst := bufs[g][:n*lat*lon*2]
								if err := ReadRaw(f, hdr, v, []int64{k * block, 0, 0}, []int64{n, lat, lon}, dst); err != nil {
									b.Error(err)
									return
								}
							}
						})
					}
					wg.Wait()
				}
			})
		}
		f.Close()
	}
}
