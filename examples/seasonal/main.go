// Command seasonal is the demo `make demo` runs while tessera's CLI is
// being built: the seasonal climatology of a synthetic ERA-like 2 m
// temperature field, computed with ndarray's kernels straight from packed
// big-endian int16 bytes, as they sit in a netCDF classic file.
//
// It generates four years of 6-hourly data on a 96 x 192 grid (packed with
// scale_factor, add_offset and a _FillValue, like ERA-Interim), folds each
// run of time steps of one season into that season's partial mean without
// decoding a single value to float, and prints the climatology and the
// summer-minus-winter range, the xray announcement's example.
//
//	go run ./examples/seasonal [-years 4] [-lat 96] [-lon 192]
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/tesseradata/tessera/ndarray"
)

const (
	stepsPerDay = 4
	daysPerYear = 365 // a noleap calendar keeps the generator short
	fill        = -32767
)

var seasons = [4]string{"DJF", "MAM", "JJA", "SON"}

func main() {
	years := flag.Int("years", 4, "years of 6-hourly data")
	ny := flag.Int("lat", 96, "latitudes")
	nx := flag.Int("lon", 192, "longitudes")
	flag.Parse()
	if err := run(*years, *ny, *nx); err != nil {
		fmt.Fprintln(os.Stderr, "seasonal:", err)
		os.Exit(1)
	}
}

// monthOf returns the month (1-12) of day d of a noleap year.
func monthOf(d int) int {
	ends := [12]int{31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365}
	for m, e := range ends {
		if d < e {
			return m + 1
		}
	}
	return 12
}

// seasonOf returns 0 (DJF), 1 (MAM), 2 (JJA) or 3 (SON).
func seasonOf(month int) int { return month % 12 / 3 }

func run(years, ny, nx int) error {
	nt := years * daysPerYear * stepsPerDay
	cells := ny * nx
	codec := &ndarray.Codec{
		Stored: ndarray.Int16, Order: binary.BigEndian,
		Scale: 0.0025, Offset: 265, // 265 ± 82 K in steps of 2.5 mK
		Missing: []float64{fill}, Decoded: ndarray.Float32,
	}
	fmt.Printf("tessera demo: seasonal climatology of synthetic 2 m temperature\n")
	fmt.Printf("  %d years, 6-hourly (%d steps), %d x %d grid, packed int16 big-endian: %.0f MiB\n\n",
		years, nt, ny, nx, float64(2*nt*cells)/(1<<20))

	raw, season := generate(nt, ny, nx, codec)

	// One partial mean per season; each season's steps are a region
	// (steps, lat, lon) reduced over its first axis. Runs of consecutive
	// steps of one season are folded in as single blocks.
	count := [4]int{}
	for _, s := range season {
		count[s]++
	}
	var parts [4]*ndarray.Partial
	for s := range parts {
		p, err := codec.NewPartial(ndarray.Mean, []int{count[s], ny, nx}, []int{0}, ndarray.ReduceOptions{SkipNaN: true})
		if err != nil {
			return err
		}
		parts[s] = p
	}
	start := time.Now()
	seen := [4]int{}
	for t0 := 0; t0 < nt; {
		s := season[t0]
		t1 := t0
		for t1 < nt && season[t1] == s {
			t1++
		}
		block := raw[2*t0*cells : 2*t1*cells]
		if err := parts[s].AccumulateBytes(block, []int{t1 - t0, ny, nx}, seen[s], 0, 0); err != nil {
			return err
		}
		seen[s] += t1 - t0
		t0 = t1
	}
	clim := make([]*ndarray.Array, 4)
	for s, p := range parts {
		m, err := p.Result()
		if err != nil {
			return err
		}
		clim[s] = m
	}
	elapsed := time.Since(start)

	fmt.Printf("climatology (pooled over %d years; every step weighs the same):\n", years)
	fmt.Printf("  %-6s %6s %10s %10s %10s\n", "season", "steps", "mean K", "min K", "max K")
	for s, m := range clim {
		mean, lo, hi, err := summary(m)
		if err != nil {
			return err
		}
		fmt.Printf("  %-6s %6d %10.3f %10.3f %10.3f\n", seasons[s], count[s], mean, lo, hi)
	}

	diff, err := ndarray.Sub(clim[2], clim[0])
	if err != nil {
		return err
	}
	mag, err := ndarray.Unary(ndarray.AbsOp, diff)
	if err != nil {
		return err
	}
	mean, lo, hi, err := summary(diff)
	if err != nil {
		return err
	}
	arg, err := ndarray.Reduce(ndarray.ArgMax, mag, ndarray.ReduceOptions{SkipNaN: true})
	if err != nil {
		return err
	}
	i := int(arg.At())
	fmt.Printf("\nsummer minus winter, JJA - DJF:\n")
	fmt.Printf("  mean %.3f K, min %.3f K, max %.3f K\n", mean, lo, hi)
	fmt.Printf("  largest |JJA - DJF| at lat %.1f, lon %.1f: %.3f K\n",
		90-180*(float64(i/nx)+0.5)/float64(ny), 360*float64(i%nx)/float64(nx), diff.At(i/nx, i%nx))
	fmt.Printf("\nreduced %.0f MiB of packed values in %v (%.2f GB/s on one core, decoded on the fly)\n",
		float64(len(raw))/(1<<20), elapsed.Round(time.Millisecond), float64(len(raw))/elapsed.Seconds()/1e9)
	return nil
}

// summary returns the NaN-skipping mean, minimum and maximum of a.
func summary(a *ndarray.Array) (mean, lo, hi float64, err error) {
	opts := ndarray.ReduceOptions{SkipNaN: true}
	var out [3]float64
	for k, op := range []ndarray.Op{ndarray.Mean, ndarray.Min, ndarray.Max} {
		r, err := ndarray.Reduce(op, a, opts)
		if err != nil {
			return 0, 0, 0, err
		}
		out[k] = r.At()
	}
	return out[0], out[1], out[2], nil
}

// generate returns nt packed steps of a smooth field with a seasonal cycle
// that is strongest over the northern mid-latitude "continents", plus
// deterministic noise and a few missing values, and the season of every
// step.
func generate(nt, ny, nx int, c *ndarray.Codec) ([]byte, []int) {
	cells := ny * nx
	base := make([]float64, cells)
	amp := make([]float64, cells)
	for y := range ny {
		lat := math.Pi * (0.5 - (float64(y)+0.5)/float64(ny))
		for x := range nx {
			lon := 2 * math.Pi * float64(x) / float64(nx)
			land := 0.5 + 0.5*math.Sin(2*lon)*math.Cos(lon)
			base[y*nx+x] = 300 - 45*math.Pow(math.Sin(lat), 2)
			amp[y*nx+x] = (6 + 24*land) * math.Sin(2*lat) // strongest at 45°
			if lat < 0 {
				amp[y*nx+x] *= 0.4 // the southern hemisphere is mostly ocean
			}
		}
	}
	raw := make([]byte, 2*nt*cells)
	season := make([]int, nt)
	state := uint64(0x9E3779B97F4A7C15)
	for t := range nt {
		day := t / stepsPerDay % daysPerYear
		season[t] = seasonOf(monthOf(day))
		cycle := -math.Cos(2 * math.Pi * (float64(day) - 15) / daysPerYear) // -1 mid-January
		for i := range cells {
			state ^= state << 13
			state ^= state >> 7
			state ^= state << 17
			noise := float64(int(state%2001)-1000) / 250 // ±4 K
			v := int16(math.Round((base[i] + amp[i]*cycle + noise - c.Offset) / c.Scale))
			if state%997 == 0 {
				v = fill
			}
			binary.BigEndian.PutUint16(raw[2*(t*cells+i):], uint16(v))
		}
	}
	return raw, season
}
