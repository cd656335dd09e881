// Command gen writes deterministic ERA-like 2 m temperature files for
// tessera's tests, demo and benchmarks: a smooth climate (colder poles, a
// seasonal cycle strongest over northern mid-latitude "land", a diurnal
// cycle) plus reproducible noise, packed as int16 with scale_factor and
// add_offset like ERA-Interim, with an optional fraction of missing
// values, one file per month or per year.
//
//	go run ./bench/gen -out data/era -years 2 [-start 2000] [-lat 256] [-lon 512]
//	    [-step 6] [-calendar standard] [-per month] [-format classic]
//	    [-pack int16] [-fill 0] [-compress 0]
//
// The same flags always give the same bytes of data.
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/graph"
	"github.com/tesseradata/tessera/io/netcdf"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/labels/cftime"
	"github.com/tesseradata/tessera/ndarray"
)

type config struct {
	out                 string
	start, years        int
	nlat, nlon, step    int
	calendar, per, pack string
	format              string
	fill                float64
	compress            int
}

func main() {
	var c config
	flag.StringVar(&c.out, "out", "data/era", "output directory")
	flag.IntVar(&c.start, "start", 2000, "first year")
	flag.IntVar(&c.years, "years", 2, "number of years")
	flag.IntVar(&c.nlat, "lat", 256, "latitudes")
	flag.IntVar(&c.nlon, "lon", 512, "longitudes")
	flag.IntVar(&c.step, "step", 6, "hours between steps (24 for daily)")
	flag.StringVar(&c.calendar, "calendar", "standard", "CF calendar")
	flag.StringVar(&c.per, "per", "month", "one file per month or per year")
	flag.StringVar(&c.pack, "pack", "int16", "storage: int16 (packed) or float32")
	flag.StringVar(&c.format, "format", "classic", "classic, offset64, netcdf4 or netcdf4-classic")
	flag.Float64Var(&c.fill, "fill", 0, "fraction of missing values")
	flag.IntVar(&c.compress, "compress", 0, "deflate level for netcdf4 formats")
	flag.Parse()
	if err := run(context.Background(), c); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, c config) error {
	cal, err := cftime.ParseCalendar(c.calendar)
	if err != nil {
		return err
	}
	if c.step <= 0 || 24%c.step != 0 {
		return fmt.Errorf("-step %d: must divide 24", c.step)
	}
	if c.per != "month" && c.per != "year" {
		return fmt.Errorf("-per %q: must be month or year", c.per)
	}
	format, ok := map[string]netcdf.Format{"classic": netcdf.Classic, "offset64": netcdf.Offset64,
		"netcdf4": netcdf.NetCDF4, "netcdf4-classic": netcdf.NetCDF4Classic}[c.format]
	if !ok {
		return fmt.Errorf("-format %q: must be classic, offset64, netcdf4 or netcdf4-classic", c.format)
	}
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		return err
	}
	opts := netcdf.WriteOptions{Format: format, Compression: c.compress, Shuffle: c.compress > 0, Unlimited: "time",
		Chunks: map[string]int{"time": 1}}
	months := 12 // per file
	if c.per == "month" {
		months = 1
	}
	for y := c.start; y < c.start+c.years; y++ {
		for m := 1; m <= 12; m += months {
			name := fmt.Sprintf("era_%04d.nc", y)
			if c.per == "month" {
				name = fmt.Sprintf("era_%04d_%02d.nc", y, m)
			}
			ds, err := dataset(c, cal, y, m, m+months-1)
			if err != nil {
				return err
			}
			path := filepath.Join(c.out, name)
			if err := netcdf.Write(ctx, ds, path, opts); err != nil {
				return err
			}
			fmt.Println(path)
		}
	}
	return nil
}

// dataset builds one file's dataset: months m0..m1 of year y.
func dataset(c config, cal cftime.Calendar, y, m0, m1 int) (*labels.Dataset, error) {
	var dates []cftime.Date
	for m := m0; m <= m1; m++ {
		for d := 1; d <= cal.DaysInMonth(y, m); d++ {
			for h := 0; h < 24; h += c.step {
				dates = append(dates, cftime.Date{Year: y, Month: m, Day: d, Hour: h})
			}
		}
	}
	units := "hours since 1900-01-01 00:00:0.0"
	tv, err := labels.TimeVariable("time", dates, units, c.calendar)
	if err != nil {
		return nil, err
	}
	tv = tv.WithAttrs(labels.Attrs{{Name: "long_name", Value: "time"}, {Name: "standard_name", Value: "time"}, {Name: "axis", Value: "T"}})
	lats := make([]float32, c.nlat)
	for i := range lats {
		lats[i] = float32(90 - 180*float64(i)/float64(max(1, c.nlat-1)))
	}
	lons := make([]float32, c.nlon)
	for i := range lons {
		lons[i] = float32(360 * float64(i) / float64(c.nlon))
	}
	lat, _ := labels.FromSlice([]string{"latitude"}, lats, labels.Attrs{{Name: "units", Value: "degrees_north"}, {Name: "long_name", Value: "latitude"}})
	lon, _ := labels.FromSlice([]string{"longitude"}, lons, labels.Attrs{{Name: "units", Value: "degrees_east"}, {Name: "long_name", Value: "longitude"}})

	// Hours since the start of the first year, per step, drive the cycles.
	hours := make([]float64, len(dates))
	for i, d := range dates {
		days, ns := cal.Sub(d, cftime.Date{Year: c.start, Month: 1, Day: 1})
		hours[i] = float64(days)*24 + float64(ns)/3.6e12
	}
	nt, ny, nx := len(dates), c.nlat, c.nlon
	const lo, hi = 180.0, 330.0 // K, the packed range
	scale := (hi - lo) / 65534
	offset := (hi + lo) / 2
	const fillValue = -32767
	field := func(t, yi, xi int) float64 {
		latR := float64(lats[yi]) * math.Pi / 180
		lonR := float64(lons[xi]) * math.Pi / 180
		land := 0.5 + 0.5*math.Sin(2*lonR)*math.Cos(lonR)
		seasonal := -math.Cos(2*math.Pi*(hours[t]/24-15)/365.25) * (6 + 24*land) * math.Sin(2*latR)
		if latR < 0 {
			seasonal *= 0.4
		}
		diurnal := 3 * land * math.Cos(2*math.Pi*(hours[t]/24+float64(lons[xi])/360-0.6))
		return 300 - 45*math.Pow(math.Sin(latR), 2) + seasonal + diurnal + noise(t, yi, xi, y)
	}
	missing := func(t, yi, xi int) bool {
		return c.fill > 0 && hash(uint64(t), uint64(yi), uint64(xi), uint64(y)+7)%1_000_000 < uint64(c.fill*1_000_000)
	}
	shape := []int{nt, ny, nx}
	var src *chunk.Array
	attrs := labels.Attrs{{Name: "units", Value: "K"}, {Name: "long_name", Value: "2 metre temperature"}, {Name: "standard_name", Value: "air_temperature"}}
	switch c.pack {
	case "int16":
		src, err = generate(ndarray.Int16, shape, missing, fillValue, func(t, yi, xi int) int16 {
			return int16(math.Round((field(t, yi, xi) - offset) / scale))
		})
		attrs = append(labels.Attrs{{Name: "scale_factor", Value: scale}, {Name: "add_offset", Value: offset},
			{Name: "_FillValue", Value: int16(fillValue)}, {Name: "missing_value", Value: int16(fillValue)}}, attrs...)
	case "float32":
		src, err = generate(ndarray.Float32, shape, missing, 1e20, func(t, yi, xi int) float32 {
			return float32(field(t, yi, xi))
		})
		attrs = append(labels.Attrs{{Name: "_FillValue", Value: float32(1e20)}}, attrs...)
	default:
		return nil, fmt.Errorf("-pack %q: must be int16 or float32", c.pack)
	}
	if err != nil {
		return nil, err
	}
	t2m, err := labels.NewVariable([]string{"time", "latitude", "longitude"}, src, attrs)
	if err != nil {
		return nil, err
	}
	return labels.NewDataset(labels.Vars{{Name: "t2m", Var: t2m}},
		labels.Vars{{Name: "time", Var: tv}, {Name: "latitude", Var: lat}, {Name: "longitude", Var: lon}},
		labels.Attrs{{Name: "Conventions", Value: "CF-1.6"}, {Name: "title", Value: "synthetic ERA-like 2 m temperature (tessera bench/gen)"}})
}

// generate returns the (time, lat, lon) data of shape as dt, produced
// block by block (about 8 MiB each, whole time steps): value(t, y, x),
// or fill where missing(t, y, x).
func generate[T int16 | float32](dt ndarray.DType, shape []int, missing func(t, y, x int) bool, fill T, value func(t, y, x int) T) (*chunk.Array, error) {
	ny, nx := shape[1], shape[2]
	return chunk.FromSource(chunk.Source{
		Name: "generate", DType: dt, Shape: shape, Chunks: chunk.Regular(shape, []int{max(1, (8<<20)/(dt.Size()*ny*nx)), ny, nx}),
		Load: func(_ *graph.Exec, start, count []int) (*ndarray.Array, error) {
			b := ndarray.Zeros(dt, count...)
			d, _ := ndarray.Data[T](b)
			k := 0
			for t := start[0]; t < start[0]+count[0]; t++ {
				for yi := range ny {
					for xi := range nx {
						if missing(t, yi, xi) {
							d[k] = fill
						} else {
							d[k] = value(t, yi, xi)
						}
						k++
					}
				}
			}
			return b, nil
		},
	})
}

// noise is reproducible weather: ±4 K from a hash of the position.
func noise(t, y, x, year int) float64 {
	return float64(hash(uint64(t), uint64(y), uint64(x), uint64(year))%8001)/1000 - 4
}

func hash(a, b, c, d uint64) uint64 {
	h := a*0x9E3779B97F4A7C15 ^ b*0xC2B2AE3D27D4EB4F ^ c*0x165667B19E3779F9 ^ d*0x27D4EB2F165667C5
	h ^= h >> 31
	h *= 0x94D049BB133111EB
	h ^= h >> 29
	return h
}
