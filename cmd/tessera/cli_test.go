package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/io/netcdf"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/labels/cftime"
	"github.com/tesseradata/tessera/ndarray"
)

// writeMonthly writes n monthly steps from (y0, m0) of a 2x3 grid to
// path: tas = step index + 1 (+ point index), mid-month stamps, month
// bounds, and an orography without time.
func writeMonthly(t *testing.T, path, cal string, y0, m0, n int) {
	t.Helper()
	c, _ := cftime.ParseCalendar(cal)
	units := "days since 2000-01-01"
	u, _ := cftime.ParseUnits(units, c)
	stamps, bnds := make([]float64, n), make([]float64, 2*n)
	start := cftime.Date{Year: y0, Month: m0, Day: 1}
	for i := range n {
		a, _ := u.Encode(c.AddMonths(start, i))
		b, _ := u.Encode(c.AddMonths(start, i+1))
		bnds[2*i], bnds[2*i+1] = a, b
		stamps[i] = (a + b) / 2
	}
	vals := make([]float32, n*6)
	for i := range vals {
		vals[i] = float32(i/6+1) + float32(i%6)
	}
	tv, _ := labels.FromSlice([]string{"time"}, stamps, labels.Attrs{{Name: "bounds", Value: "time_bnds"}, {Name: "long_name", Value: "time"}})
	tv = tv.WithEncoding(labels.Encoding{Units: units, Calendar: cal})
	bv, _ := labels.FromSlice([]string{"time", "bnds"}, bnds, nil, n, 2)
	lat, _ := labels.FromSlice([]string{"lat"}, []float64{10, 20}, labels.Attrs{{Name: "units", Value: "degrees_north"}})
	lon, _ := labels.FromSlice([]string{"lon"}, []float64{0, 1, 2}, labels.Attrs{{Name: "units", Value: "degrees_east"}})
	tas, _ := labels.FromSlice([]string{"time", "lat", "lon"}, vals, labels.Attrs{{Name: "units", Value: "K"}, {Name: "valid_max", Value: float32(400)}}, n, 2, 3)
	tas = tas.WithEncoding(labels.Encoding{Codec: &ndarray.Codec{Stored: ndarray.Float32, Missing: []float64{1e20}}})
	orog, _ := labels.FromSlice([]string{"lat", "lon"}, []float32{1, 2, 3, 4, 5, 6}, labels.Attrs{{Name: "units", Value: "m"}}, 2, 3)
	ds, err := labels.NewDataset(labels.Vars{{Name: "tas", Var: tas}, {Name: "time_bnds", Var: bv}, {Name: "orog", Var: orog}},
		labels.Vars{{Name: "time", Var: tv}, {Name: "lat", Var: lat}, {Name: "lon", Var: lon}}, labels.Attrs{{Name: "history", Value: "made by a test"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := netcdf.Write(context.Background(), ds, path, netcdf.WriteOptions{Unlimited: "time"}); err != nil {
		t.Fatal(err)
	}
}

// tessera runs the command line and returns its exit status, stdout and
// stderr.
func tessera(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(ctx, args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.nc")
	writeMonthly(t, in, "standard", 2000, 1, 12)
	out := filepath.Join(dir, "out.nc")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{}, "Usage"},
		{[]string{"seasmedian", in}, `unknown command "seasmedian"`},
		{[]string{"yseasmean", in}, "no output file"},
		{[]string{"yseasmean", "-o", out}, "no input files"},
		{[]string{"yseasmean", "--bogus", "-o", out, in}, "flag provided but not defined: -bogus"},
		{[]string{"yseasmean", "--format", "grib", "-o", out, in}, `--format "grib": want nc4, classic or offset64`},
		{[]string{"yseasmean", "--compress", "12", "-o", out, in}, "--compress 12"},
		{[]string{"yseasmean", "--format", "classic", "--compress", "4", "-o", out, in}, "--compress needs --format nc4"},
		{[]string{"yseasmean", "--min-valid", "0", "-o", out, in}, "--min-valid 0"},
		{[]string{"yseasstd", "--weights", "time", "-o", out, in}, "means only"},
		{[]string{"yseasmean", "--progress", "sometimes", "-o", out, in}, `--progress "sometimes"`},
		{[]string{"yseasmean", "--memory", "lots", "-o", out, in}, `invalid size "lots"`},
		{[]string{"yseasmean", "--time", "2000", "-o", out, in}, "want START:END"},
		{[]string{"yseasmean", "-o", in, in}, "is also an input"},
	} {
		code, stdout, stderr := tessera(t, context.Background(), c.args...)
		msg := stderr + stdout
		if code != exitUsage || !strings.Contains(msg, c.want) {
			t.Errorf("tessera %q: exit %d, output %q; want exit 2 mentioning %q", c.args, code, msg, c.want)
		}
		if c.want != "Usage" && strings.Count(stderr, "\n") != 1 {
			t.Errorf("tessera %q: error is not one line: %q", c.args, stderr)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a usage error wrote the output")
	}
}

func TestRuntimeErrorsLeaveNoOutput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.nc")
	writeMonthly(t, in, "standard", 2000, 1, 12)
	other := filepath.Join(dir, "other.nc")
	writeMonthly(t, other, "noleap", 2001, 1, 12)
	notnc := filepath.Join(dir, "notnc.nc")
	os.WriteFile(notnc, []byte("this is not a netCDF file\n"), 0o644)
	out := filepath.Join(dir, "out.nc")
	old := []byte("an earlier output")
	os.WriteFile(out, old, 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"yseasmean", "-o", out, filepath.Join(dir, "missing.nc")}, "missing.nc"},
		{[]string{"yseasmean", "-o", out, notnc}, "notnc.nc"},
		{[]string{"yseasmean", "-o", out, filepath.Join(dir, "nothing*.nc")}, "matches no file"},
		{[]string{"yseasmean", "-o", out, in, other}, "calendar"},
		{[]string{"yseasmean", "-v", "pr", "-o", out, in}, "-v pr: no such data variable"},
		{[]string{"yseasmean", "-v", "orog", "-o", out, in}, "-v orog: the variable has no time dimension"},
		{[]string{"yseasmean", "--time", "1990:1995", "-o", out, in}, "no time step"},
		{[]string{"yseasmean", "--drop-incomplete", "--time", "2000-01:2000-01", "-o", out, in}, "every season lacks"},
		{[]string{"yseasmean", "-o", filepath.Join(dir, "no", "such", "dir.nc"), in}, "dir.nc"},
	} {
		code, _, stderr := tessera(t, context.Background(), c.args...)
		if code != exitError || !strings.Contains(stderr, c.want) || strings.Count(stderr, "\n") != 1 || strings.Contains(stderr, "goroutine") {
			t.Errorf("tessera %q: exit %d, stderr %q; want exit 1 and one line mentioning %q", c.args, code, stderr, c.want)
		}
	}
	if b, _ := os.ReadFile(out); !bytes.Equal(b, old) {
		t.Error("a failed run changed the existing output")
	}
	assertNoTemp(t, dir)

	// An interrupted run (the context is cancelled, as Ctrl-C does).
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code, _, stderr := tessera(t, ctx, "yseasmean", "-o", out, in)
	if code != exitError || !strings.Contains(stderr, "interrupted") {
		t.Errorf("cancelled run: exit %d, %q", code, stderr)
	}
	if b, _ := os.ReadFile(out); !bytes.Equal(b, old) {
		t.Error("a cancelled run changed the existing output")
	}
	assertNoTemp(t, dir)
}

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".tmp") || strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestHelpVersionInfo(t *testing.T) {
	code, out, _ := tessera(t, context.Background(), "help")
	if code != 0 || !strings.Contains(out, "yseas<stat>") || !strings.Contains(out, "Examples:") {
		t.Errorf("help: %d %q", code, out)
	}
	for _, cmd := range []string{"yseasmean", "seasstd", "info"} {
		code, out, _ := tessera(t, context.Background(), cmd, "--help")
		if code != 0 || !strings.Contains(out, "Example:") || !strings.Contains(out, "tessera "+cmd) {
			t.Errorf("%s --help: exit %d, %q", cmd, code, out)
		}
	}
	code, out, _ = tessera(t, context.Background(), "version")
	if code != 0 || !strings.HasPrefix(out, "tessera "+version) {
		t.Errorf("version: %d %q", code, out)
	}
	dir := t.TempDir()
	a, b := filepath.Join(dir, "b.nc"), filepath.Join(dir, "a.nc")
	writeMonthly(t, a, "360_day", 2000, 1, 12)
	writeMonthly(t, b, "360_day", 2001, 1, 12)
	code, out, stderr := tessera(t, context.Background(), "info", filepath.Join(dir, "*.nc"))
	if code != 0 || !strings.Contains(out, "(time: 24, lat: 2, lon: 3, bnds: 2)") || !strings.Contains(out, "2000-01-16") {
		t.Errorf("info: exit %d, %q %q", code, out, stderr)
	}
}

func TestOutputMetadataStatsGraph(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.nc")
	writeMonthly(t, in, "noleap", 2000, 1, 36)
	out := filepath.Join(dir, "out.nc")
	dot := filepath.Join(dir, "plan.dot")
	code, _, stderr := tessera(t, context.Background(), "yseasmean", in, "-o", out, "--stats", "--graph", dot, "--progress", "never", "--memory", "64MiB", "--workers", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, w := range []string{"stats: open", "peak RSS", "group-mean"} {
		if !strings.Contains(stderr, w) {
			t.Errorf("--stats output lacks %q:\n%s", w, stderr)
		}
	}
	if b, err := os.ReadFile(dot); err != nil || !strings.Contains(string(b), "digraph") {
		t.Errorf("--graph: %v %q", err, b)
	}
	ds, err := netcdf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	tv, _ := ds.Variable("time")
	if e := tv.Encoding(); e.Units != "days since 2000-01-01" || e.Calendar != "noleap" {
		t.Errorf("time units %q calendar %q (copied verbatim, E12)", e.Units, e.Calendar)
	}
	a := tv.Attrs()
	if c, _ := a.String("climatology"); c != "climatology_bnds" {
		t.Errorf("time:climatology = %q", c)
	}
	if _, ok := a.Get("bounds"); ok {
		t.Error("a climatology time has a bounds attribute")
	}
	if s, _ := a.String("standard_name"); s != "time" {
		t.Error("time:standard_name missing")
	}
	tas, _ := ds.Variable("tas")
	if cm, _ := tas.Attrs().String("cell_methods"); cm != "time: mean within years time: mean over years" {
		t.Errorf("cell_methods %q", cm)
	}
	if _, ok := tas.Attrs().Get("valid_max"); ok {
		t.Error("valid_max kept")
	}
	if c := tas.Encoding().Codec; c == nil || len(c.Missing) == 0 || c.Missing[0] != float64(float32(1e20)) {
		t.Errorf("fill value not copied: %+v", c)
	}
	if tas.DType() != ndarray.Float32 {
		t.Errorf("tas is %s, want float32 (float in, same float out)", tas.DType())
	}
	h, _ := ds.Attrs().String("history")
	if lines := strings.Split(h, "\n"); len(lines) != 3 || !strings.Contains(lines[0], ": tessera yseasmean") || lines[2] != "made by a test" {
		t.Errorf("history %q", h)
	}
	orog, err := ds.Variable("orog")
	if err != nil {
		t.Fatal("orog not copied")
	}
	v, _ := orog.Values(context.Background(), chunk.Options{})
	if f := ndarray.Float64s(v); f[5] != 6 {
		t.Errorf("orog %v", f)
	}
	vals, _ := tas.Values(context.Background(), chunk.Options{})
	got := ndarray.Float64s(vals)
	// Point 0: DJF 17, MAM 16, JJA 19, SON 22 (SEASONAL.md FM).
	want := []float64{17, 16, 19, 22}
	for i, w := range want {
		if got[6*i] != w {
			t.Errorf("climatology %v, want %v at point 0", got, want)
			break
		}
	}
}

// TestOutputFormat checks the output's format: the first input's by
// default (as CDO and NCO do), netCDF-4 when compressing, and --format's
// when given.
func TestOutputFormat(t *testing.T) {
	dir := t.TempDir()
	inputs := map[netcdf.Format]string{}
	for _, f := range []netcdf.Format{netcdf.Classic, netcdf.Offset64, netcdf.NetCDF4} {
		src := filepath.Join(dir, "monthly.nc")
		writeMonthly(t, src, "standard", 2000, 1, 12)
		ds, err := netcdf.Open(src)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, fmt.Sprintf("in%d.nc", f))
		if err := netcdf.Write(context.Background(), ds, p, netcdf.WriteOptions{Format: f, Unlimited: "time"}); err != nil {
			t.Fatal(err)
		}
		inputs[f] = p
	}
	out := filepath.Join(dir, "out.nc")
	for _, c := range []struct {
		in    netcdf.Format
		flags []string
		want  netcdf.Format
	}{
		{netcdf.Classic, nil, netcdf.Classic},
		{netcdf.Offset64, nil, netcdf.Offset64},
		{netcdf.NetCDF4, nil, netcdf.NetCDF4},
		{netcdf.Classic, []string{"--compress", "1"}, netcdf.NetCDF4},
		{netcdf.Classic, []string{"--format", "nc4"}, netcdf.NetCDF4},
		{netcdf.NetCDF4, []string{"--format", "classic"}, netcdf.Classic},
		{netcdf.NetCDF4, []string{"--format", "offset64"}, netcdf.Offset64},
	} {
		args := append(append([]string{"seasmean", "--progress", "never", "-o", out}, c.flags...), inputs[c.in])
		if code, _, stderr := tessera(t, context.Background(), args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		if got, err := netcdf.FormatOf([]string{out}); err != nil || got != c.want {
			t.Errorf("input %v, flags %v: output format %v (%v), want %v", c.in, c.flags, got, err, c.want)
		}
	}
	if _, err := netcdf.FormatOf([]string{filepath.Join(dir, "absent.nc")}); err == nil {
		t.Errorf("FormatOf of a missing file: no error")
	}
}

// TestProfilesAfterValidation checks that --cpuprofile and --trace
// create their files only for a run whose flags are good.
func TestProfilesAfterValidation(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.nc")
	writeMonthly(t, in, "standard", 2000, 1, 12)
	prof, tr := filepath.Join(dir, "cpu.prof"), filepath.Join(dir, "trace.out")
	out := filepath.Join(dir, "out.nc")
	if code, _, _ := tessera(t, context.Background(), "yseasmean", "--format", "grib", "--cpuprofile", prof, "--trace", tr, "-o", out, in); code != 2 {
		t.Fatalf("bad --format: exit %d, want 2", code)
	}
	for _, p := range []string{prof, tr} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("a usage error left %s", filepath.Base(p))
		}
	}
	if code, _, stderr := tessera(t, context.Background(), "yseasmean", "--progress", "never", "--cpuprofile", prof, "--trace", tr, "-o", out, in); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, p := range []string{prof, tr} {
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v, want a non-empty file", filepath.Base(p), err)
		}
	}
}
