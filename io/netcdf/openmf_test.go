package netcdf_test

import (
	"context"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/io/netcdf"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/labels/cftime"
	"github.com/tesseradata/tessera/ndarray"
)

// TestOpenMFOracle opens the three files testdata/mf_oracle.py writes
// (names out of time order, different time units and formats) as one
// dataset, by glob and by a shuffled list, and compares it with xarray's
// concatenation of the files in time order: the times, the bounds (which
// carry no units and must be converted with the times), the packed data,
// the variable without time.
func TestOpenMFOracle(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "oracle.json")
	runPython(t, "mf_oracle.py", dir, out)
	want := readJSON[struct {
		All   xFile
		Order []string
	}](t, out)
	if !slices.Equal(want.Order, []string{"b.nc", "c.nc", "a.nc"}) {
		t.Fatalf("the oracle's files are in order %q", want.Order)
	}
	for name, paths := range map[string][]string{
		"glob":     {filepath.Join(dir, "*.nc")},
		"shuffled": {filepath.Join(dir, "c.nc"), filepath.Join(dir, "a.nc"), filepath.Join(dir, "b.nc")},
	} {
		t.Run(name, func(t *testing.T) {
			ds := must[*labels.Dataset](t)(netcdf.OpenMF(paths, ""))
			compareDataset(t, ds, want.All, false)
			// One block per file along time (blocks never cross files).
			if c := variable(t, ds, "t2m").Data().Chunks(); !slices.Equal(c[0], []int{3, 5, 4}) {
				t.Errorf("t2m's blocks along time are %v, want one per file [3 5 4]", c[0])
			}
			// The time index is sorted and selects across files.
			sel := must[*labels.Dataset](t)(ds.Sel(map[string]any{"time": labels.Slice{Start: "2001-01-01T12", Stop: "2001-02-01T06"}}))
			got := dates(t, variable(t, sel, "time"))
			wantDates := []string{"2001-01-01 12:00:00.000000", "2001-02-01 00:00:00.000000", "2001-02-01 06:00:00.000000"}
			if !slices.Equal(got, wantDates) {
				t.Errorf("sel across files: %q, want %q", got, wantDates)
			}
		})
	}
}

// mfSpec describes one file of a dataset split along time, for the
// OpenMF tests.
type mfSpec struct {
	start, steps int    // first step, hours since 2000-01-01, and number of 6-hourly steps
	units        string // "" means hours since 2000-01-01
	calendar     string // "" means standard
	lats         []float32
	nlon         int
	scale        float64 // t2m's scale_factor
	t2m          ndarray.DType
	sst          bool // also a variable sst
}

func baseSpec() mfSpec {
	return mfSpec{steps: 4, lats: []float32{10, 20}, nlon: 3, scale: 0.5, t2m: ndarray.Int16, sst: true}
}

// mfDataset builds the dataset a spec describes.
func mfDataset(t *testing.T, s mfSpec) *labels.Dataset {
	t.Helper()
	cal := s.calendar
	if cal == "" {
		cal = "standard"
	}
	units := s.units
	if units == "" {
		units = "hours since 2000-01-01"
	}
	c := must[cftime.Calendar](t)(cftime.ParseCalendar(cal))
	ref := must[cftime.Units](t)(cftime.ParseUnits("hours since 2000-01-01", c))
	var ds []cftime.Date
	for i := range s.steps {
		ds = append(ds, must[cftime.Date](t)(ref.Decode(float64(s.start+6*i))))
	}
	tv := must[*labels.Variable](t)(labels.TimeVariable("time", ds, units, cal))
	lat := must[*labels.Variable](t)(labels.FromSlice([]string{"lat"}, s.lats, labels.Attrs{{Name: "units", Value: "degrees_north"}}))
	lons := make([]float32, s.nlon)
	for i := range lons {
		lons[i] = float32(i) * 360 / float32(s.nlon)
	}
	lon := must[*labels.Variable](t)(labels.FromSlice([]string{"lon"}, lons, nil))
	n := s.steps * len(s.lats) * s.nlon
	vals := make([]float32, n)
	for i := range vals {
		vals[i] = 250 + float32(s.start+i)*0.5
	}
	shape := []int{s.steps, len(s.lats), s.nlon}
	dims := []string{"time", "lat", "lon"}
	t2m := must[*labels.Variable](t)(labels.FromSlice(dims, vals, labels.Attrs{{Name: "units", Value: "K"}}, shape...))
	if s.t2m != ndarray.Float32 {
		t2m = t2m.WithEncoding(labels.Encoding{DType: s.t2m, Codec: &ndarray.Codec{
			Stored: s.t2m, Decoded: ndarray.Float32, Scale: s.scale, Offset: 250, Missing: []float64{-32767}}})
	}
	data := labels.Vars{{Name: "t2m", Var: t2m}}
	if s.sst {
		sst := must[*labels.Variable](t)(labels.FromSlice(dims, vals, nil, shape...))
		data = append(data, labels.Named{Name: "sst", Var: sst})
	}
	return must[*labels.Dataset](t)(labels.NewDataset(data,
		labels.Vars{{Name: "time", Var: tv}, {Name: "lat", Var: lat}, {Name: "lon", Var: lon}}, nil))
}

func writeSpec(t *testing.T, path string, s mfSpec) string {
	t.Helper()
	if err := netcdf.Write(context.Background(), mfDataset(t, s), path, netcdf.WriteOptions{Format: netcdf.Classic, Unlimited: "time"}); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestOpenMFOrder checks the ordering and the values of files written by
// Write in units that differ, given in an order that is neither the
// files' names nor their times.
func TestOpenMFOrder(t *testing.T) {
	dir := t.TempDir()
	a, b, c := baseSpec(), baseSpec(), baseSpec()
	a.start, a.units = 48, "days since 2000-01-03" // third in time
	b.start = 0                                    // first
	c.start, c.units = 24, "minutes since 1999-12-31 00:00:00"
	pa := writeSpec(t, filepath.Join(dir, "1.nc"), a)
	pb := writeSpec(t, filepath.Join(dir, "2.nc"), b)
	pc := writeSpec(t, filepath.Join(dir, "3.nc"), c)
	ds := must[*labels.Dataset](t)(netcdf.OpenMF([]string{pc, pa, pb}, "time"))
	tv := variable(t, ds, "time")
	if u := tv.Encoding().Units; u != "hours since 2000-01-01" {
		t.Errorf("time units %q, want the earliest file's", u)
	}
	var want []float64
	for h := 0; h < 72; h += 6 {
		want = append(want, float64(h))
	}
	compareFloats(t, "time", values(t, tv), want, nil)
	// The values are the concatenation of the files' in time order.
	var concat []float64
	for _, p := range []string{pb, pc, pa} {
		concat = append(concat, values(t, variable(t, must[*labels.Dataset](t)(netcdf.Open(p)), "t2m"))...)
	}
	compareFloats(t, "t2m", values(t, variable(t, ds, "t2m")), concat, nil)
	// A reduction over time reads every file.
	m := must[*labels.DataArray](t)(must[*labels.DataArray](t)(ds.Array("sst")).Mean("time"))
	got := ndarray.Float64s(must[*ndarray.Array](t)(m.Values(context.Background(), chunk.Options{})))
	for i, g := range got {
		// sst = 250 + (start+k)/2 over k = step*6 + i for each file: the
		// mean over the 12 steps of the three files.
		sum := 0.0
		for _, s := range []mfSpec{a, b, c} {
			for st := range s.steps {
				sum += float64(250 + float32(s.start+st*6+i)*0.5)
			}
		}
		if w := sum / 12; math.Abs(g-w) > 1e-4 {
			t.Errorf("mean sst[%d] = %v, want %v", i, g, w)
		}
	}
}

// TestOpenMFErrors checks that files which do not form one dataset are
// refused with an ErrMismatch that is a FileError naming the file that
// differs (the later one; the earlier is the reference), in one line that
// also names what differs.
func TestOpenMFErrors(t *testing.T) {
	later := func(f func(*mfSpec)) mfSpec {
		s := baseSpec()
		s.start = 24
		f(&s)
		return s
	}
	cases := []struct {
		name  string
		b     mfSpec
		words []string // in the message, besides both paths
	}{
		{"grid", later(func(s *mfSpec) { s.lats = []float32{10, 21} }), []string{`"lat"`, "grid"}},
		{"dimension length", later(func(s *mfSpec) { s.nlon = 4 }), []string{`"lon"`, "length 4"}},
		{"missing variable", later(func(s *mfSpec) { s.sst = false }), []string{`"sst"`, "missing"}},
		{"overlapping steps", later(func(s *mfSpec) { s.start = 18 }), []string{"overlapping", "2000-01-01 18:00"}},
		{"calendar", later(func(s *mfSpec) { s.calendar = "noleap" }), []string{"calendar", "noleap"}},
		{"packing", later(func(s *mfSpec) { s.scale = 0.25 }), []string{`"t2m"`, "packed differently"}},
		{"type", later(func(s *mfSpec) { s.t2m = ndarray.Int32 }), []string{`"t2m"`, "int32", "int16"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			// The offending file sorts first by name: the reference is
			// the earliest in time, not in the list.
			pa := writeSpec(t, filepath.Join(dir, "b_first.nc"), baseSpec())
			pb := writeSpec(t, filepath.Join(dir, "a_second.nc"), c.b)
			ds, err := netcdf.OpenMF([]string{filepath.Join(dir, "*.nc")}, "")
			if err == nil {
				t.Fatalf("no error; dataset:\n%v", ds)
			}
			checkMismatch(t, err, pb, append([]string{pa}, c.words...)...)
		})
	}
	t.Run("extra variable", func(t *testing.T) {
		dir := t.TempDir()
		s := baseSpec()
		s.sst = false
		pa := writeSpec(t, filepath.Join(dir, "a.nc"), s)
		pb := writeSpec(t, filepath.Join(dir, "b.nc"), later(func(*mfSpec) {}))
		_, err := netcdf.OpenMF([]string{pb, pa}, "time")
		checkMismatch(t, err, pb, pa, `"sst"`)
	})
	t.Run("repeated file", func(t *testing.T) {
		dir := t.TempDir()
		pa := writeSpec(t, filepath.Join(dir, "a.nc"), baseSpec())
		pb := filepath.Join(dir, "copy.nc")
		if err := os.WriteFile(pb, must[[]byte](t)(os.ReadFile(pa)), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := netcdf.OpenMF([]string{pa, pb}, "")
		checkMismatch(t, err, pb, pa, "repeated")
	})
	t.Run("repeated step in a file", func(t *testing.T) {
		dir := t.TempDir()
		s := baseSpec()
		ds := mfDataset(t, s)
		// Steps 0, 6, 6, 18.
		tv := variable(t, ds, "time")
		vals := values(t, tv)
		vals[2] = vals[1]
		tv2 := must[*labels.Variable](t)(labels.FromSlice([]string{"time"}, vals, nil)).WithEncoding(tv.Encoding())
		ds = withVar(t, ds, "time", tv2)
		pa := filepath.Join(dir, "a.nc")
		if err := netcdf.Write(context.Background(), ds, pa, netcdf.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		// One file, with the time coordinate concatenated along: still
		// checked (an index with a repeated label would be ambiguous).
		_, err := netcdf.OpenMF([]string{pa, writeSpec(t, filepath.Join(dir, "b.nc"), later(func(*mfSpec) {}))}, "")
		checkMismatch(t, err, pa, "repeated", "in this file")
	})
	t.Run("no match", func(t *testing.T) {
		pattern := filepath.Join(t.TempDir(), "*.nc")
		_, err := netcdf.OpenMF([]string{pattern}, "")
		oneLine(t, err, pattern, "matches no file")
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%v: not fs.ErrNotExist", err)
		}
	})
	t.Run("bad pattern", func(t *testing.T) {
		_, err := netcdf.OpenMF([]string{"[.nc"}, "")
		oneLine(t, err, "[.nc")
	})
	t.Run("no paths", func(t *testing.T) {
		_, err := netcdf.OpenMF(nil, "")
		oneLine(t, err, "no files")
	})
}

// checkMismatch checks an OpenMF error: ErrMismatch, a FileError whose
// path is the offending file, one line naming it and the words.
func checkMismatch(t *testing.T, err error, path string, words ...string) {
	t.Helper()
	if !errors.Is(err, netcdf.ErrMismatch) {
		t.Errorf("%v: not ErrMismatch", err)
	}
	var fe *netcdf.FileError
	if !errors.As(err, &fe) || fe.Path != path {
		t.Errorf("%v: not a FileError for %s (%#v)", err, path, fe)
	}
	oneLine(t, err, append([]string{path}, words...)...)
	if err != nil && strings.Count(err.Error(), "netcdf: ") > 1 {
		t.Errorf("error %q is wrapped twice", err)
	}
}

// withVar returns ds with the variable name replaced by v.
func withVar(t *testing.T, ds *labels.Dataset, name string, v *labels.Variable) *labels.Dataset {
	t.Helper()
	var data, cs labels.Vars
	for _, n := range ds.Coords() {
		w := variable(t, ds, n)
		if n == name {
			w = v
		}
		cs = append(cs, labels.Named{Name: n, Var: w})
	}
	for _, n := range ds.DataVars() {
		w := variable(t, ds, n)
		if n == name {
			w = v
		}
		data = append(data, labels.Named{Name: n, Var: w})
	}
	return must[*labels.Dataset](t)(labels.NewDataset(data, cs, ds.Attrs()))
}

// TestOpenUnorderedTime checks that one file may hold its steps in any
// order, repeated or decreasing (xarray opens it; only several files
// must follow each other), and that they are kept as stored.
func TestOpenUnorderedTime(t *testing.T) {
	ds := mfDataset(t, baseSpec())
	tv := variable(t, ds, "time")
	vals := []float64{18, 6, 6, 0.1}
	tv2 := must[*labels.Variable](t)(labels.FromSlice([]string{"time"}, vals, nil)).WithEncoding(tv.Encoding())
	path := filepath.Join(t.TempDir(), "a.nc")
	if err := netcdf.Write(context.Background(), withVar(t, ds, "time", tv2), path, netcdf.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	got := must[*labels.Dataset](t)(netcdf.Open(path))
	compareFloats(t, "time", values(t, variable(t, got, "time")), vals, nil)
	if _, err := netcdf.OpenMF([]string{path}, "time"); err != nil {
		t.Error(err)
	}
}

// TestOpenMFBounds checks that the bounds of the time coordinate are
// converted with it to the earliest file's units, when they are stored as
// masked integers, and that time bounds keep their own units in a
// single file.
func TestOpenMFBounds(t *testing.T) {
	dir := t.TempDir()
	mk := func(name string, start int, units string) string {
		s := baseSpec()
		s.start, s.units = start, units
		ds := mfDataset(t, s)
		tv := variable(t, ds, "time")
		tv = tv.WithAttrs(labels.Attrs{{Name: "bounds", Value: "time_bnds"}})
		var b []float64
		for _, x := range values(t, tv) {
			// ±3 hours in the file's units (hours or minutes).
			d := 3.0
			if strings.HasPrefix(units, "minutes") {
				d = 180
			}
			b = append(b, x-d, x+d)
		}
		if start == 0 {
			b[0] = math.NaN()
		}
		bv := must[*labels.Variable](t)(labels.FromSlice([]string{"time", "nv"}, b, nil, s.steps, 2)).
			WithEncoding(labels.Encoding{Codec: &ndarray.Codec{Stored: ndarray.Int32, Decoded: ndarray.Float64, Missing: []float64{-999}}})
		ds = withVar(t, ds, "time", tv)
		ds = must[*labels.Dataset](t)(labels.NewDataset(append(labels.Vars{{Name: "time_bnds", Var: bv}}, varsOf(t, ds, ds.DataVars())...),
			varsOf(t, ds, ds.Coords()), nil))
		p := filepath.Join(dir, name)
		if err := netcdf.Write(context.Background(), ds, p, netcdf.WriteOptions{Format: netcdf.Classic}); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pa := mk("a.nc", 24, "minutes since 2000-01-01 12:00")
	pb := mk("b.nc", 0, "hours since 2000-01-01")
	raw := variable(t, must[*labels.Dataset](t)(netcdf.Open(pb, netcdf.Options{Raw: true})), "time_bnds")
	if fill, _ := raw.Attrs().Get("_FillValue"); raw.DType() != ndarray.Int32 || fill != int32(-999) {
		t.Fatalf("bounds stored as %s with _FillValue %v", raw.DType(), fill)
	}
	ds := must[*labels.Dataset](t)(netcdf.OpenMF([]string{pa, pb}, ""))
	b := variable(t, ds, "time_bnds")
	if e := b.Encoding(); e.Units != "hours since 2000-01-01" || e.Calendar != "standard" {
		t.Errorf("bounds in %q %q", e.Units, e.Calendar)
	}
	want := []float64{math.NaN(), 3}
	for h := 6; h < 48; h += 6 {
		want = append(want, float64(h-3), float64(h+3))
	}
	compareFloats(t, "time_bnds", values(t, b), want, nil)

	// One file: its own units.
	one := variable(t, must[*labels.Dataset](t)(netcdf.Open(pa)), "time_bnds")
	if e := one.Encoding(); e.Units != "minutes since 2000-01-01 12:00" {
		t.Errorf("one file: bounds in %q", e.Units)
	}
	if got := dates(t, one); got[0] != "2000-01-01 21:00:00.000000" {
		t.Errorf("one file: bounds %q", got)
	}
}

// varsOf returns the named variables of ds.
func varsOf(t *testing.T, ds *labels.Dataset, names []string) labels.Vars {
	var out labels.Vars
	for _, n := range names {
		out = append(out, labels.Named{Name: n, Var: variable(t, ds, n)})
	}
	return out
}
