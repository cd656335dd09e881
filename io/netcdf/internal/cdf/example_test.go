package cdf_test

import (
	"encoding/binary"
	"fmt"
	"log"
	"os"

	"github.com/tesseradata/tessera/io/netcdf/internal/cdf"
)

// Example reads the header of a classic file, then the second time step
// of its packed 2 m temperature, and unpacks it.
func Example() {
	f, err := os.Open("testdata/classic.nc")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		log.Fatal(err)
	}
	h, err := cdf.ReadHeader(f, fi.Size())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s file, %d records of %d bytes\n", h.Format, h.NumRecs, h.RecSize)
	t2m := -1
	for i, v := range h.Vars {
		fmt.Printf("%s %s%v at %d\n", v.Type, v.Name, h.Shape(i), v.Begin)
		if v.Name == "t2m" {
			t2m = i
		}
	}

	var scale, offset float64
	for _, a := range h.Vars[t2m].Attrs {
		switch a.Name {
		case "scale_factor":
			scale = a.Value.([]float64)[0]
		case "add_offset":
			offset = a.Value.([]float64)[0]
		}
	}
	raw := make([]byte, 1*2*3*cdf.Short.Size())
	if err := cdf.ReadRaw(f, h, t2m, []int64{1, 0, 0}, []int64{1, 2, 3}, raw); err != nil {
		log.Fatal(err)
	}
	var k []float64
	for i := 0; i < len(raw); i += 2 {
		packed := int16(binary.BigEndian.Uint16(raw[i:]))
		k = append(k, float64(packed)*scale+offset)
	}
	fmt.Printf("t2m[1] = %.2f K\n", k)
	// Output:
	// classic file, 2 records of 16 bytes
	// float longitude[3] at 660
	// float latitude[2] at 672
	// int time[2] at 680
	// short t2m[2 2 3] at 684
	// t2m[1] = [264.15 264.16 264.17 264.25 264.26 264.27] K
}
