package netcdf_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/graph"
	"github.com/tesseradata/tessera/io/netcdf"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/labels/cftime"
	"github.com/tesseradata/tessera/ndarray"
)

// The dataset writeDataset builds: 4 noleap steps, 3 x 4 grid.
const wT, wY, wX = 4, 3, 4

var (
	wUnits    = "hours since 1979-01-01 00:00:00"
	wCalendar = "noleap"
	// Packing exact in float32, as scale_factor and add_offset are
	// written (in t2m's decoded type, float32).
	wScale  = float64(float32(0.01))
	wOffset = float64(float32(273.15))
	wSSTNaN = float64(float32(1e20))
)

// wDates are the dates of writeDataset's time steps: 29 February does
// not exist in noleap, so Feb 28 is followed by Mar 1.
var wDates = []cftime.Date{
	{Year: 1999, Month: 2, Day: 28, Hour: 18},
	{Year: 1999, Month: 3, Day: 1},
	{Year: 2000, Month: 2, Day: 28, Hour: 23, Minute: 30},
	{Year: 2000, Month: 3, Day: 1, Hour: 6},
}

// wT2m is t2m's decoded value at flat index i (NaN: missing).
func wT2m(i int) float32 {
	if i%7 == 3 {
		return float32(math.NaN())
	}
	return float32(273.15 + float64((i*37)%200-100)*0.3 + 0.004)
}

func wSST(i int) float32 {
	if i%5 == 1 {
		return float32(math.NaN())
	}
	return float32(i)*0.25 - 2
}

func wPr(i int) float64 {
	if i%6 == 2 {
		return math.NaN()
	}
	return float64(i) * 1.5
}

// writeDataset builds, with the labels API, a dataset that exercises
// every CF encoding Write does: a noleap time coordinate with bounds, a
// packed int16 variable (lazy, one block per step), a float32 with a
// fill value, a float64 with two missing values, an int32, a scalar,
// text and numeric attributes, and a history to extend.
func writeDataset(t *testing.T) *labels.Dataset {
	t.Helper()
	tv := must[*labels.Variable](t)(labels.TimeVariable("time", wDates, wUnits, wCalendar))
	tv = tv.WithAttrs(labels.Attrs{{Name: "long_name", Value: "time"}, {Name: "bounds", Value: "time_bnds"}})
	hours := values(t, tv)
	var bnds []float64
	for _, h := range hours {
		bnds = append(bnds, h-3, h+3)
	}
	tb := must[*labels.Variable](t)(labels.FromSlice([]string{"time", "nv"}, bnds, nil, wT, 2))
	lat := must[*labels.Variable](t)(labels.FromSlice([]string{"lat"}, []float32{-45, 0, 45.5},
		labels.Attrs{{Name: "units", Value: "degrees_north"}, {Name: "long_name", Value: "latitude"}}))
	lon := must[*labels.Variable](t)(labels.FromSlice([]string{"lon"}, []float64{0, 90, 180, 270},
		labels.Attrs{{Name: "units", Value: "degrees_east"}}))

	dims := []string{"time", "lat", "lon"}
	shape := []int{wT, wY, wX}
	src := must[*chunk.Array](t)(chunk.FromSource(chunk.Source{
		Name: "t2m", DType: ndarray.Float32, Shape: shape, Chunks: chunk.Regular(shape, []int{1, wY, wX}),
		Load: func(_ *graph.Exec, start, count []int) (*ndarray.Array, error) {
			vals := make([]float32, 0, wY*wX)
			for i := start[0] * wY * wX; i < (start[0]+count[0])*wY*wX; i++ {
				vals = append(vals, wT2m(i))
			}
			return ndarray.FromSlice(vals, count...)
		},
	}))
	t2m := must[*labels.Variable](t)(labels.NewVariable(dims, src,
		labels.Attrs{{Name: "units", Value: "K"}, {Name: "long_name", Value: "2 metre temperature"}}))
	t2m = t2m.WithEncoding(labels.Encoding{DType: ndarray.Int16, Codec: &ndarray.Codec{
		Stored: ndarray.Int16, Decoded: ndarray.Float32, Scale: wScale, Offset: wOffset, Missing: []float64{-32767}}})

	n := wT * wY * wX
	sstVals, prVals := make([]float32, n), make([]float64, n)
	for i := range n {
		sstVals[i], prVals[i] = wSST(i), wPr(i)
	}
	sst := must[*labels.Variable](t)(labels.FromSlice(dims, sstVals, labels.Attrs{{Name: "units", Value: "degC"}}, shape...))
	sst = sst.WithEncoding(labels.Encoding{Codec: &ndarray.Codec{Stored: ndarray.Float32, Decoded: ndarray.Float32, Missing: []float64{wSSTNaN}}})
	pr := must[*labels.Variable](t)(labels.FromSlice(dims, prVals,
		labels.Attrs{{Name: "units", Value: "mm"}, {Name: "valid_range", Value: []float64{0, 1000}}}, shape...))
	pr = pr.WithEncoding(labels.Encoding{Codec: &ndarray.Codec{Stored: ndarray.Float64, Decoded: ndarray.Float64, Missing: []float64{-9999, -8888}}})
	cnt := make([]int32, wY*wX)
	for i := range cnt {
		cnt[i] = int32(i*1000 - 5000)
	}
	count := must[*labels.Variable](t)(labels.FromSlice([]string{"lat", "lon"}, cnt, labels.Attrs{{Name: "long_name", Value: "count"}}, wY, wX))
	height := must[*labels.Variable](t)(labels.FromArray(nil, ndarray.Full(ndarray.Float64, 2.0), labels.Attrs{{Name: "units", Value: "m"}}))

	return must[*labels.Dataset](t)(labels.NewDataset(
		labels.Vars{{Name: "t2m", Var: t2m}, {Name: "sst", Var: sst}, {Name: "pr", Var: pr}, {Name: "count", Var: count},
			{Name: "time_bnds", Var: tb}, {Name: "height", Var: height}},
		labels.Vars{{Name: "time", Var: tv}, {Name: "lat", Var: lat}, {Name: "lon", Var: lon}},
		labels.Attrs{{Name: "title", Value: "tessera write test"}, {Name: "version", Value: int32(3)},
			{Name: "history", Value: "2000-01-01T00:00:00Z: made by hand"}}))
}

// writeCase is one file TestWrite writes.
type writeCase struct {
	file   string
	opts   netcdf.WriteOptions
	model  string   // the netCDF4 package's data_model
	format string   // ncdump -hs's _Format
	chunks []int    // t2m's chunk shape (netCDF-4)
	extra  []string // more lines ncdump -hs must show
}

var writeCases = []writeCase{
	{file: "nc4.nc", opts: netcdf.WriteOptions{Format: netcdf.NetCDF4, Compression: 4, Shuffle: true,
		Chunks: map[string]int{"time": 2, "lat": 2, "nowhere": 5}, Unlimited: "time", History: "go test -run TestWrite"},
		model: "NETCDF4", format: "netCDF-4", chunks: []int{2, 2, 4},
		extra: []string{"t2m:_DeflateLevel = 4 ;", `t2m:_Shuffle = "true" ;`, "t2m:_ChunkSizes = 2, 2, 4 ;", `t2m:_Storage = "chunked" ;`}},
	{file: "nc4classic.nc", opts: netcdf.WriteOptions{Format: netcdf.NetCDF4Classic, Compression: 1, Unlimited: "time"},
		model: "NETCDF4_CLASSIC", format: "netCDF-4 classic model", chunks: []int{1, 3, 4},
		extra: []string{"t2m:_DeflateLevel = 1 ;", "t2m:_ChunkSizes = 1, 3, 4 ;"}},
	{file: "classic.nc", opts: netcdf.WriteOptions{Format: netcdf.Classic, Unlimited: "time"},
		model: "NETCDF3_CLASSIC", format: "classic"},
	{file: "offset64.nc", opts: netcdf.WriteOptions{Format: netcdf.Offset64},
		model: "NETCDF3_64BIT_OFFSET", format: "64-bit offset"},
}

// TestWrite writes writeDataset in every format and checks the files
// with xarray and the netCDF4 package (values, dates, bounds decoded
// with their time variable's units and calendar, attributes, storage:
// data model, unlimited dimension, dtypes, deflate, shuffle, chunks),
// with ncdump -hs (the header: CF attributes, history, UNLIMITED,
// _DeflateLevel ...), with CDO (time axis, packed values), and by
// reading them back with Open.
func TestWrite(t *testing.T) {
	needPython(t)
	ncdump := needTool(t, "ncdump")
	cdo := needTool(t, "cdo")
	ds := writeDataset(t)
	dir := t.TempDir()
	before := time.Now().UTC().Truncate(time.Second)
	var paths []string
	for _, c := range writeCases {
		p := filepath.Join(dir, c.file)
		if err := netcdf.Write(context.Background(), ds, p, c.opts); err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		paths = append(paths, p)
	}
	after := time.Now().UTC()
	out := filepath.Join(dir, "oracle.json")
	runPython(t, "write_oracle.py", append([]string{out}, paths...)...)
	oracle := readJSON[map[string]struct {
		Decoded xFile
		Storage struct {
			DataModel string `json:"data_model"`
			Unlimited []string
			Vars      map[string]struct {
				DType     string
				Zlib      bool
				Complevel int
				Shuffle   bool
				Chunks    any
			}
		}
	}](t, out)

	wantDates := make([]string, len(wDates))
	var wantBounds []string
	for i, d := range wDates {
		wantDates[i] = dateString(d)
		cal := must[cftime.Calendar](t)(cftime.ParseCalendar(wCalendar))
		for _, h := range []int{-3, 3} {
			wantBounds = append(wantBounds, dateString(cal.Add(d, time.Duration(h)*time.Hour)))
		}
	}

	for i, c := range writeCases {
		t.Run(c.file, func(t *testing.T) {
			path := paths[i]
			o, ok := oracle[c.file]
			if !ok {
				t.Fatal("not in the oracle's output")
			}
			x := o.Decoded

			// xarray: dates, bounds, values, attributes.
			for _, n := range []string{"time", "time_bnds"} {
				v := x.Vars[n]
				if deref(v.Units) != wUnits || deref(v.Calendar) != wCalendar {
					t.Errorf("xarray: %s in %q %q, want %q %q", n, deref(v.Units), deref(v.Calendar), wUnits, wCalendar)
				}
			}
			if got := x.Vars["time"].dates(t); !slices.Equal(got, wantDates) {
				t.Errorf("xarray: time %q, want %q", got, wantDates)
			}
			if got := x.Vars["time_bnds"].dates(t); !slices.Equal(got, wantBounds) {
				t.Errorf("xarray: time_bnds %q, want %q", got, wantBounds)
			}
			n := wT * wY * wX
			wantT2m, wantSST, wantPr := make([]float64, n), make([]float64, n), make([]float64, n)
			for i := range n {
				wantT2m[i], wantSST[i], wantPr[i] = float64(wT2m(i)), float64(wSST(i)), wPr(i)
			}
			// Packing quantizes to half a scale step; decoding in float32
			// rounds twice more (see compareVariable).
			packTol := func(i int) float64 { return wScale/2 + math.Ldexp(math.Abs(wantT2m[i])+wOffset, -22) }
			compareFloats(t, "xarray t2m", x.Vars["t2m"].numbers(t), wantT2m, packTol)
			compareFloats(t, "xarray sst", x.Vars["sst"].numbers(t), wantSST, nil)
			compareFloats(t, "xarray pr", x.Vars["pr"].numbers(t), wantPr, nil)
			compareFloats(t, "xarray count", x.Vars["count"].numbers(t), []float64{-5000, -4000, -3000, -2000, -1000, 0, 1000, 2000, 3000, 4000, 5000, 6000}, nil)
			compareFloats(t, "xarray height", x.Vars["height"].numbers(t), []float64{2}, nil)
			compareFloats(t, "xarray lat", x.Vars["lat"].numbers(t), []float64{-45, 0, 45.5}, nil)
			for n, dt := range map[string]string{"t2m": "float32", "sst": "float32", "pr": "float64", "count": "int32", "lat": "float32", "lon": "float64"} {
				if x.Vars[n].DType != dt {
					t.Errorf("xarray: %s is %s, want %s", n, x.Vars[n].DType, dt)
				}
			}
			if x.Vars["t2m"].Attrs["long_name"] != "2 metre temperature" || x.Vars["t2m"].Attrs["units"] != "K" ||
				x.Vars["time"].Attrs["bounds"] != "time_bnds" || x.Vars["lat"].Attrs["units"] != "degrees_north" {
				t.Errorf("xarray: attributes t2m %v, time %v, lat %v", x.Vars["t2m"].Attrs, x.Vars["time"].Attrs, x.Vars["lat"].Attrs)
			}
			if got := x.Vars["pr"].NumAttrs["valid_range"]; !slices.Equal(got, []float64{0, 1000}) {
				t.Errorf("xarray: pr:valid_range %v", got)
			}
			if x.Attrs["title"] != "tessera write test" {
				t.Errorf("xarray: global attributes %v", x.Attrs)
			}
			checkHistory(t, x.Attrs["history"], c.opts.History, "2000-01-01T00:00:00Z: made by hand", before, after)

			// Storage, as the netCDF4 package sees it.
			st := o.Storage
			if st.DataModel != c.model {
				t.Errorf("data model %s, want %s", st.DataModel, c.model)
			}
			wantUnlim := []string{}
			if c.opts.Unlimited != "" {
				wantUnlim = []string{c.opts.Unlimited}
			}
			if !slices.Equal(st.Unlimited, wantUnlim) {
				t.Errorf("unlimited dimensions %q, want %q", st.Unlimited, wantUnlim)
			}
			t2m := st.Vars["t2m"]
			if t2m.DType != "int16" || st.Vars["sst"].DType != "float32" || st.Vars["count"].DType != "int32" {
				t.Errorf("stored dtypes t2m %s, sst %s, count %s", t2m.DType, st.Vars["sst"].DType, st.Vars["count"].DType)
			}
			if c.chunks != nil {
				if t2m.Zlib != (c.opts.Compression > 0) || t2m.Complevel != c.opts.Compression || t2m.Shuffle != c.opts.Shuffle {
					t.Errorf("t2m filters zlib %v level %d shuffle %v, want %+v", t2m.Zlib, t2m.Complevel, t2m.Shuffle, c.opts)
				}
				if fmt.Sprint(t2m.Chunks) != fmt.Sprint(c.chunks) {
					t.Errorf("t2m chunks %v, want %v", t2m.Chunks, c.chunks)
				}
			}

			// ncdump's header.
			h := runCmd(t, ncdump, "-hs", path)
			lines := []string{
				`short t2m(time, lat, lon) ;`,
				`t2m:scale_factor = 0.01f ;`,
				`t2m:add_offset = 273.15f ;`,
				`t2m:_FillValue = -32767s ;`,
				`t2m:long_name = "2 metre temperature" ;`,
				`float sst(time, lat, lon) ;`,
				`sst:_FillValue = 1.e+20f ;`,
				`pr:_FillValue = -9999. ;`,
				`pr:missing_value = -8888. ;`,
				`pr:valid_range = 0., 1000. ;`,
				`double time(time) ;`,
				`time:units = "hours since 1979-01-01 00:00:00" ;`,
				`time:calendar = "noleap" ;`,
				`time:bounds = "time_bnds" ;`,
				`double time_bnds(time, nv) ;`,
				`time_bnds:units = "hours since 1979-01-01 00:00:00" ;`,
				`time_bnds:calendar = "noleap" ;`,
				`double height ;`,
				`int count(lat, lon) ;`,
				`:title = "tessera write test" ;`,
				`:version = 3 ;`,
				`:_Format = "` + c.format + `" ;`,
			}
			if c.opts.Unlimited == "time" {
				lines = append(lines, "time = UNLIMITED ; // (4 currently)")
			} else {
				lines = append(lines, "time = 4 ;")
			}
			for _, l := range append(lines, c.extra...) {
				if !strings.Contains(h, l) {
					t.Errorf("ncdump -hs does not show %q:\n%s", l, h)
				}
			}
			if c.chunks == nil && strings.Contains(h, "_DeflateLevel") {
				t.Errorf("a classic file with _DeflateLevel:\n%s", h)
			}

			// CDO: the time axis in its calendar, the packed values.
			stamps := strings.Fields(runCmd(t, cdo, "-s", "showtimestamp", path))
			wantStamps := []string{"1999-02-28T18:00:00", "1999-03-01T00:00:00", "2000-02-28T23:30:00", "2000-03-01T06:00:00"}
			if !slices.Equal(stamps, wantStamps) {
				t.Errorf("cdo showtimestamp: %q, want %q", stamps, wantStamps)
			}
			var cdoT2m []float64
			for _, f := range strings.Fields(runCmd(t, cdo, "-s", "-outputtab,nohead,value", "-selname,t2m", path)) {
				var x float64
				if _, err := fmt.Sscan(f, &x); err != nil {
					t.Fatalf("cdo output %q: %v", f, err)
				}
				if x == -32767 { // how CDO shows a missing value here
					x = math.NaN()
				}
				cdoT2m = append(cdoT2m, x)
			}
			// CDO prints 6 significant digits.
			compareFloats(t, "cdo t2m", cdoT2m, wantT2m, func(i int) float64 { return packTol(i) + 1e-3 })

			// Read back with Open.
			back := must[*labels.Dataset](t)(netcdf.Open(path))
			checkRoundTrip(t, ds, back)
			compareFloats(t, "t2m", values(t, variable(t, back, "t2m")), wantT2m, packTol)
			// tessera decodes as xarray does, bit for bit.
			compareFloats(t, "t2m vs xarray", values(t, variable(t, back, "t2m")), x.Vars["t2m"].numbers(t), nil)
			if got := dates(t, variable(t, back, "time_bnds")); !slices.Equal(got, wantBounds) {
				t.Errorf("time_bnds read back: %q, want %q", got, wantBounds)
			}
			checkHistory(t, must[string](t)(attrString(back.Attrs(), "history")), c.opts.History, "2000-01-01T00:00:00Z: made by hand", before, after)
			if st, err := os.Stat(path); err != nil || st.Mode().Perm() != newFileMode(t, dir) {
				t.Errorf("mode %v (%v), want %v as for any new file", st.Mode().Perm(), err, newFileMode(t, dir))
			}
		})
	}
}

func attrString(a labels.Attrs, name string) (string, error) {
	s, ok := a.String(name)
	if !ok {
		return "", fmt.Errorf("no text attribute %q in %v", name, a)
	}
	return s, nil
}

// newFileMode returns the permissions a file created in dir gets (0666
// less the umask).
func newFileMode(t *testing.T, dir string) os.FileMode {
	t.Helper()
	p := filepath.Join(dir, "mode-probe")
	if err := os.WriteFile(p, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(p)
	return must[os.FileInfo](t)(os.Stat(p)).Mode().Perm()
}

var historyLine = regexp.MustCompile(`^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ): (.*)$`)

// checkHistory checks a history attribute: its first line is "<UTC
// time>: cmd" (cmd "" means "written by tessera"), the time within
// [before, after], then the old history.
func checkHistory(t *testing.T, h, cmd, old string, before, after time.Time) {
	t.Helper()
	if cmd == "" {
		cmd = "written by tessera"
	}
	first, rest, _ := strings.Cut(h, "\n")
	m := historyLine.FindStringSubmatch(first)
	if m == nil || m[2] != cmd || rest != old {
		t.Errorf("history %q, want \"<time>: %s\\n%s\"", h, cmd, old)
		return
	}
	at, err := time.Parse(time.RFC3339, m[1])
	if err != nil || at.Before(before) || at.After(after) {
		t.Errorf("history time %s (%v), written between %s and %s", m[1], err, before, after)
	}
}

// checkRoundTrip compares a dataset read back with the one written: the
// same variables, dims, shapes, attributes, time encoding and packing,
// and the values (exact but for packed ones).
func checkRoundTrip(t *testing.T, want, got *labels.Dataset) {
	t.Helper()
	if !slices.Equal(allNames(got), allNames(want)) {
		t.Errorf("variables %q, want %q", allNames(got), allNames(want))
		return
	}
	if !slices.Equal(got.Coords(), want.Coords()) {
		t.Errorf("coordinates %q, want %q", got.Coords(), want.Coords())
	}
	for _, n := range allNames(want) {
		w, g := variable(t, want, n), variable(t, got, n)
		if !slices.Equal(g.Dims(), w.Dims()) || !slices.Equal(g.Shape(), w.Shape()) || g.DType() != w.DType() {
			t.Errorf("%s: %s%q%v, want %s%q%v", n, g.DType(), g.Dims(), g.Shape(), w.DType(), w.Dims(), w.Shape())
			continue
		}
		if !g.Attrs().Equal(w.Attrs()) {
			t.Errorf("%s: attributes %v, want %v", n, g.Attrs(), w.Attrs())
		}
		ge, we := g.Encoding(), w.Encoding()
		if n == "time_bnds" {
			// Given its time variable's units on writing.
			we.Units, we.Calendar = wUnits, wCalendar
		}
		if ge.Units != we.Units || ge.Calendar != we.Calendar {
			t.Errorf("%s: time encoding %q %q, want %q %q", n, ge.Units, ge.Calendar, we.Units, we.Calendar)
		}
		if (ge.Codec == nil) != (we.Codec == nil) {
			t.Errorf("%s: codec %+v, want %+v", n, ge.Codec, we.Codec)
		} else if ge.Codec != nil {
			gc, wc := *ge.Codec, *we.Codec
			// Two missing values are written as _FillValue and
			// missing_value; the order is kept.
			if gc.Stored != wc.Stored || gc.Decoded != wc.Decoded || gc.Scale != wc.Scale && !(gc.Scale == 0 && wc.Scale == 1) ||
				gc.Offset != wc.Offset || !slices.Equal(gc.Missing, wc.Missing) {
				t.Errorf("%s: codec %+v, want %+v", n, gc, wc)
			}
		}
		if n != "t2m" {
			compareFloats(t, n, values(t, g), values(t, w), nil)
		}
	}
}

// TestWriteBounds checks that a time variable's bounds are written in its
// units and calendar: bounds without units (numbers in the time
// variable's units, as CF allows), and bounds decoded in other units,
// which are converted; bounds in another calendar are refused. xarray
// reads the bounds back as dates.
func TestWriteBounds(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	base := writeDataset(t)
	tb := variable(t, base, "time_bnds")
	// The bounds in days since 1970-01-01 (noleap), as Open leaves bounds
	// that carry their own units.
	cal := must[cftime.Calendar](t)(cftime.ParseCalendar(wCalendar))
	from := must[cftime.Units](t)(cftime.ParseUnits(wUnits, cal))
	to := must[cftime.Units](t)(cftime.ParseUnits("days since 1970-01-01", cal))
	hours := values(t, tb)
	days := make([]float64, len(hours))
	for i, h := range hours {
		days[i] = must[float64](t)(to.Encode(must[cftime.Date](t)(from.Decode(h))))
	}
	inDays := must[*labels.Variable](t)(labels.FromSlice(tb.Dims(), days, nil, tb.Shape()...)).
		WithEncoding(labels.Encoding{Units: "days since 1970-01-01", Calendar: "365_day"})
	inAttrs := must[*labels.Variable](t)(labels.FromSlice(tb.Dims(), days, labels.Attrs{{Name: "units", Value: "days since 1970-01-01"}}, tb.Shape()...))
	cases := map[string]*labels.Variable{"plain.nc": tb, "days.nc": inDays, "attrs.nc": inAttrs}
	var paths []string
	for name, v := range cases {
		p := filepath.Join(dir, name)
		if err := netcdf.Write(context.Background(), withVar(t, base, "time_bnds", v), p, netcdf.WriteOptions{}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		paths = append(paths, p)
		back := must[*labels.Dataset](t)(netcdf.Open(p))
		b := variable(t, back, "time_bnds")
		if e := b.Encoding(); e.Units != wUnits || e.Calendar != wCalendar {
			t.Errorf("%s: bounds written in %q %q, want the time variable's %q %q", name, e.Units, e.Calendar, wUnits, wCalendar)
		}
		// Converted to hours, exactly (whole hours).
		compareFloats(t, name+" time_bnds", values(t, b), hours, nil)
	}
	out := filepath.Join(dir, "oracle.json")
	runPython(t, "write_oracle.py", append([]string{out}, paths...)...)
	oracle := readJSON[map[string]struct{ Decoded xFile }](t, out)
	want := oracle["plain.nc"].Decoded.Vars["time_bnds"].dates(t)
	if len(want) != 2*wT || want[0] != "1999-02-28 15:00:00.000000" {
		t.Errorf("xarray: bounds %q", want)
	}
	for name := range cases {
		if got := oracle[name].Decoded.Vars["time_bnds"].dates(t); !slices.Equal(got, want) {
			t.Errorf("xarray: %s: bounds %q, want %q", name, got, want)
		}
	}

	// Another calendar: refused, naming both variables.
	other := inDays.WithEncoding(labels.Encoding{Units: "days since 1970-01-01", Calendar: "360_day"})
	p := filepath.Join(dir, "bad.nc")
	err := netcdf.Write(context.Background(), withVar(t, base, "time_bnds", other), p, netcdf.WriteOptions{})
	oneLine(t, err, p, `"time_bnds"`, `"time"`, "calendar")
	if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused write left %s: %v", p, err)
	}
}

// TestWriteHistory checks the history attribute of a dataset that has
// none, and the default line.
func TestWriteHistory(t *testing.T) {
	ds := writeDataset(t)
	ds = ds.WithAttrs(ds.Attrs().Delete("history"))
	p := filepath.Join(t.TempDir(), "h.nc")
	before := time.Now().UTC().Truncate(time.Second)
	if err := netcdf.Write(context.Background(), ds, p, netcdf.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	after := time.Now().UTC()
	back := must[*labels.Dataset](t)(netcdf.Open(p))
	h := must[string](t)(attrString(back.Attrs(), "history"))
	m := historyLine.FindStringSubmatch(h)
	if m == nil || m[2] != "written by tessera" {
		t.Fatalf("history %q, want one line \"<time>: written by tessera\"", h)
	}
	checkHistory(t, h+"\nx", "", "x", before, after)
	// Written again: the new line first.
	p2 := filepath.Join(t.TempDir(), "h2.nc")
	if err := netcdf.Write(context.Background(), back, p2, netcdf.WriteOptions{History: "tessera again"}); err != nil {
		t.Fatal(err)
	}
	h2 := must[string](t)(attrString(must[*labels.Dataset](t)(netcdf.Open(p2)).Attrs(), "history"))
	checkHistory(t, h2, "tessera again", h, before, time.Now().UTC())
}

// TestRewrite opens a written file, writes the lazy dataset to other
// formats and checks that the stored values are the same, packed values
// included (decoding then encoding gives back the stored integers).
func TestRewrite(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.nc")
	if err := netcdf.Write(context.Background(), writeDataset(t), src, netcdf.WriteOptions{Format: netcdf.NetCDF4, Compression: 2, Unlimited: "time"}); err != nil {
		t.Fatal(err)
	}
	ds := must[*labels.Dataset](t)(netcdf.Open(src))
	rawSrc := must[*labels.Dataset](t)(netcdf.Open(src, netcdf.Options{Raw: true}))
	for _, f := range []netcdf.Format{netcdf.Classic, netcdf.Offset64, netcdf.NetCDF4Classic, netcdf.NetCDF4} {
		p := filepath.Join(dir, fmt.Sprintf("re%d.nc", f))
		if err := netcdf.Write(context.Background(), ds, p, netcdf.WriteOptions{Format: f}); err != nil {
			t.Fatalf("format %d: %v", f, err)
		}
		raw := must[*labels.Dataset](t)(netcdf.Open(p, netcdf.Options{Raw: true}))
		for _, n := range allNames(rawSrc) {
			w, g := variable(t, rawSrc, n), variable(t, raw, n)
			if g.DType() != w.DType() {
				t.Errorf("format %d: %s stored as %s, was %s", f, n, g.DType(), w.DType())
			}
			compareFloats(t, fmt.Sprintf("format %d: %s", f, n), values(t, g), values(t, w), nil)
			wa, ga := w.Attrs().Delete("history"), g.Attrs().Delete("history")
			if !ga.Equal(wa) {
				t.Errorf("format %d: %s: attributes %v, were %v", f, n, ga, wa)
			}
		}
	}
}

// TestWriteInPlace writes a dataset opened from a file back to the same
// path, converting it: its blocks are read from the old file while the
// new one is written beside it, and the rename comes last.
func TestWriteInPlace(t *testing.T) {
	for f, other := range map[netcdf.Format]netcdf.Format{netcdf.Classic: netcdf.NetCDF4, netcdf.NetCDF4: netcdf.Offset64} {
		dir := t.TempDir()
		p := filepath.Join(dir, "a.nc")
		if err := netcdf.Write(context.Background(), writeDataset(t), p, netcdf.WriteOptions{Format: f}); err != nil {
			t.Fatal(err)
		}
		want := must[*labels.Dataset](t)(netcdf.Open(p, netcdf.Options{Raw: true}))
		wantT2m := values(t, variable(t, want, "t2m"))
		ds := must[*labels.Dataset](t)(netcdf.Open(p))
		if err := netcdf.Write(context.Background(), ds, p, netcdf.WriteOptions{Format: other, Chunks: map[string]int{"time": 1}}); err != nil {
			t.Fatal(err)
		}
		got := must[*labels.Dataset](t)(netcdf.Open(p, netcdf.Options{Raw: true}))
		compareFloats(t, "t2m stored", values(t, variable(t, got, "t2m")), wantT2m, nil)
		checkDir(t, dir, "a.nc")
	}
}

// TestWriteErrors checks writes that cannot be done: the error names the
// file, and nothing is left behind.
func TestWriteErrors(t *testing.T) {
	ctx := context.Background()
	u16 := must[*labels.Variable](t)(labels.FromSlice([]string{"x"}, []uint16{1, 2}, nil))
	dsU16 := must[*labels.Dataset](t)(labels.NewDataset(labels.Vars{{Name: "u", Var: u16}}, nil, nil))
	for _, f := range []netcdf.Format{netcdf.Classic, netcdf.Offset64, netcdf.NetCDF4Classic} {
		dir := t.TempDir()
		p := filepath.Join(dir, "u.nc")
		err := netcdf.Write(ctx, dsU16, p, netcdf.WriteOptions{Format: f})
		oneLine(t, err, p, `"u"`, "uint16")
		if !errors.Is(err, ndarray.ErrDType) {
			t.Errorf("format %d: %v is not ErrDType", f, err)
		}
		checkDir(t, dir)
	}
	// netCDF-4 stores it.
	p := filepath.Join(t.TempDir(), "u.nc")
	if err := netcdf.Write(ctx, dsU16, p, netcdf.WriteOptions{Format: netcdf.NetCDF4}); err != nil {
		t.Fatal(err)
	}
	back := variable(t, must[*labels.Dataset](t)(netcdf.Open(p)), "u")
	if back.DType() != ndarray.Uint16 || !slices.Equal(values(t, back), []float64{1, 2}) {
		t.Errorf("uint16 read back as %s %v", back.DType(), values(t, back))
	}

	dir := t.TempDir()
	missing := filepath.Join(dir, "no", "such", "dir", "x.nc")
	oneLine(t, netcdf.Write(ctx, dsU16, missing, netcdf.WriteOptions{Format: netcdf.NetCDF4}), missing)
	p = filepath.Join(dir, "x.nc")
	oneLine(t, netcdf.Write(ctx, dsU16, p, netcdf.WriteOptions{Format: 9}), p, "format")
	oneLine(t, netcdf.Write(ctx, dsU16, p, netcdf.WriteOptions{Format: netcdf.NetCDF4, Compression: 10}), p, "compression")
	checkDir(t, dir)
}

// checkDir fails the test if dir holds anything but the named files.
func checkDir(t *testing.T, dir string, names ...string) {
	t.Helper()
	var got []string
	for _, e := range must[[]os.DirEntry](t)(os.ReadDir(dir)) {
		got = append(got, e.Name())
	}
	slices.Sort(names)
	if !slices.Equal(got, names) {
		t.Errorf("%s holds %q, want %q", dir, got, names)
	}
}

// TestWriteAttrs round-trips attributes of every type through every
// format: text (empty included), each numeric type, scalars and vectors
// (empty included), Go ints. The classic data model stores the integer
// types it lacks as the signed type of their size (int32 for 64-bit
// ones) when the values fit, as xarray does, and refuses them otherwise.
func TestWriteAttrs(t *testing.T) {
	common := labels.Attrs{
		{Name: "text", Value: "hello"}, {Name: "empty", Value: ""}, {Name: "i8", Value: int8(-3)},
		{Name: "i16", Value: int16(-300)}, {Name: "i32", Value: int32(-70000)}, {Name: "f32", Value: float32(1.5)},
		{Name: "f64", Value: 2.25}, {Name: "f64s", Value: []float64{1, 2.5}}, {Name: "i16s", Value: []int16{1, -2}},
		{Name: "nothing", Value: []float64{}}, {Name: "goint", Value: 7},
	}
	small := labels.Attrs{
		{Name: "u8", Value: uint8(100)}, {Name: "u16", Value: uint16(30000)}, {Name: "u32", Value: uint32(2e9)},
		{Name: "i64", Value: int64(-5)}, {Name: "u64", Value: uint64(1<<31 - 1)}, {Name: "u16s", Value: []uint16{1, 2}},
	}
	big := labels.Attrs{
		{Name: "u8", Value: uint8(200)}, {Name: "u16", Value: uint16(60000)}, {Name: "u32", Value: uint32(4e9)},
		{Name: "i64", Value: int64(1) << 40}, {Name: "u64", Value: uint64(1) << 63}, {Name: "u16s", Value: []uint16{1, 40000}},
	}
	// What the classic data model stores.
	asClassic := map[string]any{"goint": int32(7), "u8": int8(100), "u16": int16(30000), "u32": int32(2e9), "i64": int32(-5),
		"u64": int32(1<<31 - 1), "u16s": []int16{1, 2}}
	dataset := func(attrs labels.Attrs) *labels.Dataset {
		x := must[*labels.Variable](t)(labels.FromSlice([]string{"x"}, []float64{1, 2}, attrs))
		return must[*labels.Dataset](t)(labels.NewDataset(labels.Vars{{Name: "v", Var: x}}, nil, attrs))
	}
	for _, f := range []netcdf.Format{netcdf.NetCDF4, netcdf.NetCDF4Classic, netcdf.Classic, netcdf.Offset64} {
		dir := t.TempDir()
		p := filepath.Join(dir, "a.nc")
		attrs := append(slices.Clone(common), small...)
		if err := netcdf.Write(context.Background(), dataset(attrs), p, netcdf.WriteOptions{Format: f}); err != nil {
			t.Fatalf("format %d: %v", f, err)
		}
		back := must[*labels.Dataset](t)(netcdf.Open(p))
		for _, got := range []labels.Attrs{variable(t, back, "v").Attrs(), back.Attrs().Delete("history")} {
			if len(got) != len(attrs) {
				t.Errorf("format %d: attributes %v, want %v", f, got, attrs)
			}
			for _, a := range attrs {
				want := a.Value
				if f != netcdf.NetCDF4 {
					if w, ok := asClassic[a.Name]; ok {
						want = w
					}
				} else if a.Name == "goint" {
					want = int64(7)
				}
				g, _ := got.Get(a.Name)
				if fmt.Sprintf("%T %v", g, g) != fmt.Sprintf("%T %v", want, want) {
					t.Errorf("format %d: attribute %q = %T %v, want %T %v", f, a.Name, g, g, want, want)
				}
			}
		}
		for _, a := range big {
			err := netcdf.Write(context.Background(), dataset(labels.Attrs{a}), p, netcdf.WriteOptions{Format: f})
			if f == netcdf.NetCDF4 {
				if err != nil {
					t.Errorf("format %d: attribute %q = %v: %v", f, a.Name, a.Value, err)
				}
				continue
			}
			oneLine(t, err, p, fmt.Sprintf("%q", a.Name), "does not fit")
			isErr(t, err, ndarray.ErrRange)
		}
		checkDir(t, dir, "a.nc")
	}
}
