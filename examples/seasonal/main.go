// Command seasonal prints what `make demo` shows after `tessera
// yseasmean` has made a seasonal climatology: the output's repr, and the
// xray announcement's summer-minus-winter range, JJA - DJF, as statistics
// over the globe and by latitude band.
//
//	go run ./bench/gen -out bench/data/sample -years 2 -lat 96 -lon 192
//	tessera yseasmean -o out/clim.nc 'bench/data/sample/*.nc'
//	go run ./examples/seasonal [-var t2m] out/clim.nc
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/io/netcdf"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/ndarray"
)

func main() {
	variable := flag.String("var", "t2m", "variable")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: seasonal [-var NAME] CLIMATOLOGY.nc")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := show(flag.Arg(0), *variable); err != nil {
		fmt.Fprintln(os.Stderr, "seasonal:", err)
		os.Exit(1)
	}
}

// show prints the climatology at path and the summer-minus-winter
// range of its variable.
func show(path, variable string) error {
	ds, err := netcdf.Open(path)
	if err != nil {
		return err
	}
	fmt.Printf("The climatology (%s):\n\n%s\n", path, ds)
	a, err := ds.Array(variable)
	if err != nil {
		return err
	}
	tv, err := ds.Variable("time")
	if err != nil {
		return err
	}
	dates, _, err := labels.Times(tv)
	if err != nil {
		return err
	}
	// Each step of a climatology is one season; its stamp's month says
	// which (SEASONAL.md C4).
	pos := map[string]int{}
	for i, d := range dates {
		pos[d.Season().String()] = i
	}
	jj, ok1 := pos["JJA"]
	dj, ok2 := pos["DJF"]
	if !ok1 || !ok2 {
		return fmt.Errorf("%s lacks a summer or a winter step", path)
	}
	jja, err := a.Isel(map[string]any{"time": jj})
	if err != nil {
		return err
	}
	djf, err := a.Isel(map[string]any{"time": dj})
	if err != nil {
		return err
	}
	diff, err := labels.Binary(ndarray.SubOp, jja, djf)
	if err != nil {
		return err
	}
	vals, err := diff.Values(context.Background(), chunk.Options{})
	if err != nil {
		return err
	}
	d := ndarray.Float64s(vals)
	dims := diff.Dims()
	if len(dims) != 2 {
		return fmt.Errorf("%s: JJA - DJF has dimensions %v, want (lat, lon)", variable, dims)
	}
	lat, err := coordValues(diff, dims[0])
	if err != nil {
		return err
	}
	lon, err := coordValues(diff, dims[1])
	if err != nil {
		return err
	}
	nx := len(lon)
	units, _ := a.Attrs().String("units")
	// Global statistics, area-weighted by cos(latitude).
	var sw, swx float64
	lo, hi := math.Inf(1), math.Inf(-1)
	var ilo, ihi int
	for i, v := range d {
		if math.IsNaN(v) {
			continue
		}
		w := math.Cos(lat[i/nx] * math.Pi / 180)
		sw += w
		swx += w * v
		if v < lo {
			lo, ilo = v, i
		}
		if v > hi {
			hi, ihi = v, i
		}
	}
	fmt.Printf("Summer minus winter (JJA - DJF) of %s:\n", variable)
	fmt.Printf("  area-weighted mean %+8.2f %s\n", swx/sw, units)
	fmt.Printf("  largest            %+8.2f %s at %s\n", hi, units, place(lat[ihi/nx], lon[ihi%nx]))
	fmt.Printf("  smallest           %+8.2f %s at %s\n\n", lo, units, place(lat[ilo/nx], lon[ilo%nx]))
	fmt.Println("  zonal mean by latitude band:")
	for b := 90.0; b > -90; b -= 30 {
		var s float64
		var n int
		for i, v := range d {
			if l := lat[i/nx]; l <= b && l > b-30 || b-30 == -90 && l == -90 {
				if !math.IsNaN(v) {
					s += v
					n++
				}
			}
		}
		if n == 0 {
			continue
		}
		m := s / float64(n)
		bar := strings.Repeat("#", min(40, int(math.Abs(m)+0.5)))
		fmt.Printf("  %4.0f° to %4.0f°  %+7.2f %s  %s\n", b-30, b, m, units, bar)
	}
	return nil
}

// coordValues returns the values of a's coordinate name as float64.
func coordValues(a *labels.DataArray, name string) ([]float64, error) {
	c, err := a.Coord(name)
	if err != nil {
		return nil, err
	}
	v, err := c.Values(context.Background(), chunk.Options{})
	if err != nil {
		return nil, err
	}
	return ndarray.Float64s(v), nil
}

// place writes a latitude and longitude as 44.5°S 35.6°E (longitudes
// beyond 180 as west).
func place(lat, lon float64) string {
	ns, ew := "N", "E"
	if lat < 0 {
		lat, ns = -lat, "S"
	}
	if lon > 180 {
		lon -= 360
	}
	if lon < 0 {
		lon, ew = -lon, "W"
	}
	return fmt.Sprintf("%5.1f°%s %6.1f°%s", lat, ns, lon, ew)
}
