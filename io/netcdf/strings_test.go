package netcdf_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tesseradata/tessera/io/netcdf"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/ndarray"
)

// The labels of stringsDataset's coordinates: region's differ in length
// (4 bytes at most: "Süd" is 4 bytes of UTF-8) and one is empty.
var (
	sSeasons = []string{"DJF", "MAM", "JJA", "SON"}
	sRegions = []string{"Nord", "Süd", "", "x"}
)

// stringsDataset is a grouped result: t(season, region) = 10*season +
// region, with string coordinates season (with an attribute) and region.
func stringsDataset(t *testing.T) *labels.Dataset {
	t.Helper()
	season := must[*labels.Variable](t)(labels.StringVariable("season", sSeasons, labels.Attrs{{Name: "long_name", Value: "season"}}))
	region := must[*labels.Variable](t)(labels.StringVariable("region", sRegions, nil))
	vals := make([]float64, 0, 16)
	for s := range 4 {
		for r := range 4 {
			vals = append(vals, float64(10*s+r))
		}
	}
	tv := must[*labels.Variable](t)(labels.FromSlice([]string{"season", "region"}, vals, labels.Attrs{{Name: "units", Value: "K"}}, 4, 4))
	return must[*labels.Dataset](t)(labels.NewDataset(labels.Vars{{Name: "t", Var: tv}},
		labels.Vars{{Name: "season", Var: season}, {Name: "region", Var: region}}, nil))
}

// stringsCase is one file TestWriteStrings writes.
type stringsCase struct {
	file  string
	opts  netcdf.WriteOptions
	char  bool   // a char array, not NC_STRING
	dtype string // the netCDF4 package's dtype of season
}

var stringsCases = []stringsCase{
	{"nc4.nc", netcdf.WriteOptions{Format: netcdf.NetCDF4}, false, "<class 'str'>"},
	{"nc4-packed.nc", netcdf.WriteOptions{Format: netcdf.NetCDF4, Compression: 4, Shuffle: true,
		Chunks: map[string]int{"season": 2, "region": 3}, Unlimited: "season"}, false, "<class 'str'>"},
	{"nc4classic.nc", netcdf.WriteOptions{Format: netcdf.NetCDF4Classic, Compression: 1}, true, "|S1"},
	{"nc4classic-unlim.nc", netcdf.WriteOptions{Format: netcdf.NetCDF4Classic, Unlimited: "season"}, true, "|S1"},
	{"classic.nc", netcdf.WriteOptions{Format: netcdf.Classic}, true, "|S1"},
	{"classic-unlim.nc", netcdf.WriteOptions{Format: netcdf.Classic, Unlimited: "season"}, true, "|S1"},
	{"offset64.nc", netcdf.WriteOptions{Format: netcdf.Offset64}, true, "|S1"},
}

// strings returns the values of a "strings" variable of xdump.py; bytes
// (a char array that xarray does not decode to str) come back as
// "b'...'" so that they differ from the strings.
func (x xVar) strings(t *testing.T) []string {
	t.Helper()
	if x.Kind != "strings" {
		t.Fatalf("xarray gave %s, not strings", x.Kind)
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(x.Values, &raw); err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(raw))
	for i, r := range raw {
		if err := json.Unmarshal(r, &out[i]); err != nil {
			var b struct{ Bytes string }
			if err := json.Unmarshal(r, &b); err != nil {
				t.Fatal(err)
			}
			out[i] = "b'" + b.Bytes + "'"
		}
	}
	return out
}

// labelsOf returns the labels of a string variable of ds.
func labelsOf(t *testing.T, ds *labels.Dataset, name string) []string {
	t.Helper()
	s, ok := variable(t, ds, name).Strings()
	if !ok {
		t.Fatalf("%s is not a string variable: %s%q", name, variable(t, ds, name).DType(), variable(t, ds, name).Dims())
	}
	return s
}

// checkStringsRead checks a dataset read from a file of stringsDataset
// (or xarray's copy of it): the labels, indexed, and selection by label.
func checkStringsRead(t *testing.T, ds *labels.Dataset) {
	t.Helper()
	if got := labelsOf(t, ds, "season"); !slices.Equal(got, sSeasons) {
		t.Errorf("season %q, want %q", got, sSeasons)
	}
	if got := labelsOf(t, ds, "region"); !slices.Equal(got, sRegions) {
		t.Errorf("region %q, want %q", got, sRegions)
	}
	if got, want := ds.Dims(), []string{"season", "region"}; !slices.Equal(got, want) {
		t.Errorf("dimensions %q, want %q (not the char arrays' last ones)", got, want)
	}
	if !slices.Equal(ds.Coords(), []string{"season", "region"}) {
		t.Errorf("coordinates %q", ds.Coords())
	}
	for _, d := range []string{"season", "region"} {
		if x, ok := ds.Index(d); !ok || x.Len() != 4 {
			t.Errorf("%s is not indexed", d)
		}
	}
	if a, ok := variable(t, ds, "season").Attrs().String("long_name"); !ok || a != "season" {
		t.Errorf("season attributes %v", variable(t, ds, "season").Attrs())
	}
	if _, ok := variable(t, ds, "season").Attrs().Get("_Encoding"); ok {
		t.Errorf("season keeps _Encoding among its decoded attributes: %v", variable(t, ds, "season").Attrs())
	}
	jja, err := ds.Sel(map[string]any{"season": "JJA"})
	if err != nil {
		t.Fatalf("Sel(season=JJA): %v", err)
	}
	compareFloats(t, "t at JJA", values(t, variable(t, jja, "t")), []float64{20, 21, 22, 23}, nil)
	sud, err := ds.Sel(map[string]any{"region": []any{"Süd", ""}})
	if err != nil {
		t.Fatalf("Sel(region=[Süd, \"\"]): %v", err)
	}
	compareFloats(t, "t at Süd and \"\"", values(t, variable(t, sud, "t")), []float64{1, 2, 11, 12, 21, 22, 31, 32}, nil)
	if got := labelsOf(t, sud, "region"); !slices.Equal(got, []string{"Süd", ""}) {
		t.Errorf("region after Sel %q", got)
	}
}

// TestWriteStrings writes string coordinates in every format (NC_STRING
// in netCDF-4, char arrays with xarray's "string<N>" last dimension and
// _Encoding otherwise; fixed and unlimited, with and without filters)
// and checks them by reading them back with Open (the labels, an index,
// Sel by label), with xarray (the same labels, as str) and the netCDF4
// package (how they are stored), and with ncdump.
func TestWriteStrings(t *testing.T) {
	needPython(t)
	ncdump := needTool(t, "ncdump")
	ds := stringsDataset(t)
	dir := t.TempDir()
	var paths []string
	for _, c := range stringsCases {
		p := filepath.Join(dir, c.file)
		if err := netcdf.Write(context.Background(), ds, p, c.opts); err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		paths = append(paths, p)
	}
	out := filepath.Join(dir, "oracle.json")
	runPython(t, "write_oracle.py", append([]string{out}, paths...)...)
	oracle := readJSON[map[string]struct {
		Decoded xFile
		Storage struct {
			Unlimited []string
			Vars      map[string]struct{ DType string }
		}
	}](t, out)

	for i, c := range stringsCases {
		t.Run(c.file, func(t *testing.T) {
			path := paths[i]

			back := must[*labels.Dataset](t)(netcdf.Open(path))
			checkStringsRead(t, back)
			raw := must[*labels.Dataset](t)(netcdf.Open(path, netcdf.Options{Raw: true}))
			if got := labelsOf(t, raw, "season"); !slices.Equal(got, sSeasons) {
				t.Errorf("raw: season %q", got)
			}
			if enc, ok := variable(t, raw, "season").Attrs().String("_Encoding"); c.char && (!ok || enc != "utf-8") {
				t.Errorf("raw: season attributes %v, want _Encoding utf-8 as written", variable(t, raw, "season").Attrs())
			}

			// xarray: the same labels, as str; the netCDF4 package:
			// how they are stored.
			o := oracle[c.file]
			for n, want := range map[string][]string{"season": sSeasons, "region": sRegions} {
				x := o.Decoded.Vars[n]
				if got := x.strings(t); !slices.Equal(got, want) || !slices.Equal(x.Dims, []string{n}) {
					t.Errorf("xarray: %s%q = %q, want %q", n, x.Dims, got, want)
				}
				if got := o.Storage.Vars[n].DType; got != c.dtype {
					t.Errorf("netCDF4: %s stored as %s, want %s", n, got, c.dtype)
				}
			}
			if x := o.Decoded.Vars["season"]; x.Attrs["long_name"] != "season" {
				t.Errorf("xarray: season attributes %v", x.Attrs)
			}
			compareFloats(t, "xarray t", o.Decoded.Vars["t"].numbers(t), values(t, variable(t, ds, "t")), nil)
			wantUnlim := []string{}
			if c.opts.Unlimited != "" {
				wantUnlim = []string{c.opts.Unlimited}
			}
			if !slices.Equal(o.Storage.Unlimited, wantUnlim) {
				t.Errorf("unlimited dimensions %q, want %q", o.Storage.Unlimited, wantUnlim)
			}

			// ncdump: the declarations and the labels (ncdump writes
			// a char array's bytes beyond ASCII in octal).
			dump := strings.Join(strings.Fields(runCmd(t, ncdump, path)), " ")
			want := []string{
				`season = "DJF", "MAM", "JJA", "SON" ;`,
				`season:long_name = "season" ;`,
			}
			if c.char {
				want = append(want, `char season(season, string3) ;`, `char region(region, string4) ;`,
					`string3 = 3 ;`, `string4 = 4 ;`, `season:_Encoding = "utf-8" ;`,
					`region = "Nord", "S\303\274d", "", "x" ;`)
			} else {
				// "" is netCDF-4's fill value for strings, which
				// ncdump shows as _ (as for xarray's files).
				want = append(want, `string season(season) ;`, `string region(region) ;`,
					`region = "Nord", "Süd", _, "x" ;`)
			}
			for _, w := range want {
				if !strings.Contains(dump, w) {
					t.Errorf("ncdump does not show %q:\n%s", w, dump)
				}
			}
			if !c.char && strings.Contains(dump, "_Encoding") {
				t.Errorf("ncdump shows _Encoding on NC_STRING variables:\n%s", dump)
			}

			// Written again from what was read: the same file.
			again := filepath.Join(t.TempDir(), "again.nc")
			if err := netcdf.Write(context.Background(), back, again, c.opts); err != nil {
				t.Fatal(err)
			}
			checkStringsRead(t, must[*labels.Dataset](t)(netcdf.Open(again)))
		})
	}
}

// TestWriteStringScalar writes the scalar label a selection leaves
// (season after Sel(season="JJA")): a char array of the label's bytes,
// or a scalar NC_STRING, which xarray reads as the label. Open does not
// read text that is not a coordinate along its own dimension.
func TestWriteStringScalar(t *testing.T) {
	needPython(t)
	ncdump := needTool(t, "ncdump")
	jja := must[*labels.Dataset](t)(stringsDataset(t).Sel(map[string]any{"season": "JJA"}))
	if s, ok := variable(t, jja, "season").Strings(); !ok || !slices.Equal(s, []string{"JJA"}) {
		t.Fatalf("season after Sel: %q %v", s, ok)
	}
	dir := t.TempDir()
	formats := map[string]netcdf.Format{"nc4.nc": netcdf.NetCDF4, "classic.nc": netcdf.Classic}
	var paths []string
	for f, format := range formats {
		p := filepath.Join(dir, f)
		if err := netcdf.Write(context.Background(), jja, p, netcdf.WriteOptions{Format: format}); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		paths = append(paths, p)
	}
	out := filepath.Join(dir, "oracle.json")
	runPython(t, "write_oracle.py", append([]string{out}, paths...)...)
	oracle := readJSON[map[string]struct{ Decoded xFile }](t, out)
	for f, format := range formats {
		x := oracle[f].Decoded.Vars["season"]
		if got := x.strings(t); !slices.Equal(got, []string{"JJA"}) || len(x.Dims) != 0 {
			t.Errorf("%s: xarray: season%q = %q, want the scalar JJA", f, x.Dims, got)
		}
		dump := strings.Join(strings.Fields(runCmd(t, ncdump, filepath.Join(dir, f))), " ")
		for _, w := range []string{`season = "JJA" ;`, map[netcdf.Format]string{netcdf.NetCDF4: "string season ;", netcdf.Classic: "char season(string3) ;"}[format]} {
			if !strings.Contains(dump, w) {
				t.Errorf("%s: ncdump does not show %q:\n%s", f, w, dump)
			}
		}
		back := must[*labels.Dataset](t)(netcdf.Open(filepath.Join(dir, f)))
		if got := allNames(back); !slices.Equal(got, []string{"region", "t"}) {
			t.Errorf("%s: read back %q, want region and t", f, got)
		}
		checkStringsSame(t, f, labelsOf(t, back, "region"), sRegions)
		compareFloats(t, f+": t", values(t, variable(t, back, "t")), []float64{20, 21, 22, 23}, nil)
	}
}

func checkStringsSame(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s: %q, want %q", what, got, want)
	}
}

// TestReadStrings opens the text coordinates xarray writes in the five
// formats, and raw char arrays and NC_STRING values the netCDF4 package
// writes (testdata/strings_oracle.py).
func TestReadStrings(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	runPython(t, "strings_oracle.py", dir)
	for _, f := range []string{"NETCDF4", "NETCDF4_CLASSIC", "NETCDF3_CLASSIC", "NETCDF3_64BIT_OFFSET", "NETCDF3_64BIT_DATA"} {
		t.Run(f, func(t *testing.T) {
			checkStringsRead(t, must[*labels.Dataset](t)(netcdf.Open(filepath.Join(dir, f+".nc"))))
		})
	}
	t.Run("raw", func(t *testing.T) {
		ds := must[*labels.Dataset](t)(netcdf.Open(filepath.Join(dir, "raw.nc")))
		// names (a char array along station, not its coordinate) is
		// not read.
		if got := allNames(ds); !slices.Equal(got, []string{"h", "kind", "station"}) {
			t.Errorf("variables %q, want h, kind, station", got)
		}
		checkStringsSame(t, "station", labelsOf(t, ds, "station"), []string{"A", "Bergen", "Oslo"})
		checkStringsSame(t, "kind", labelsOf(t, ds, "kind"), []string{"land", ""})
		h := must[*labels.Dataset](t)(ds.Sel(map[string]any{"station": "Oslo", "kind": "land"}))
		compareFloats(t, "h at Oslo, land", values(t, variable(t, h, "h")), []float64{4}, nil)
	})
}

// TestOpenMFStrings concatenates files along a dimension of labels (in
// the order of the files' names: labels have no order), and refuses
// files whose other label coordinates differ.
func TestOpenMFStrings(t *testing.T) {
	ds := stringsDataset(t)
	dir := t.TempDir()
	for i, f := range []struct {
		name   string
		format netcdf.Format
	}{{"a.nc", netcdf.NetCDF4}, {"b.nc", netcdf.Classic}} {
		part := must[*labels.Dataset](t)(ds.Isel(map[string]any{"season": ndarray.Range{Start: 2 * i, Stop: 2*i + 2, Step: 1}}))
		if err := netcdf.Write(context.Background(), part, filepath.Join(dir, f.name), netcdf.WriteOptions{Format: f.format}); err != nil {
			t.Fatal(err)
		}
	}
	all := must[*labels.Dataset](t)(netcdf.OpenMF([]string{filepath.Join(dir, "*.nc")}, "season"))
	checkStringsRead(t, all)
	compareFloats(t, "t", values(t, variable(t, all, "t")), values(t, variable(t, ds, "t")), nil)

	tv := must[*labels.Variable](t)(labels.FromSlice([]string{"season", "region"}, make([]float64, 8), nil, 2, 4))
	other := must[*labels.Dataset](t)(labels.NewDataset(labels.Vars{{Name: "t", Var: tv}}, labels.Vars{
		{Name: "season", Var: must[*labels.Variable](t)(labels.StringVariable("season", []string{"JJA", "SON"}, nil))},
		{Name: "region", Var: must[*labels.Variable](t)(labels.StringVariable("region", []string{"N", "S", "E", "W"}, nil))},
	}, nil))
	b := filepath.Join(dir, "b.nc")
	if err := netcdf.Write(context.Background(), other, b, netcdf.WriteOptions{Format: netcdf.Classic}); err != nil {
		t.Fatal(err)
	}
	_, err := netcdf.OpenMF([]string{filepath.Join(dir, "a.nc"), b}, "season")
	if !errors.Is(err, netcdf.ErrMismatch) {
		t.Fatalf("OpenMF of files with different regions: %v, want ErrMismatch", err)
	}
	oneLine(t, err, b, `"region"`, "labels")
}

// TestWriteStringsDimName writes labels beside a dimension that has
// xarray's name for their char dimension ("string3") but another length:
// the char dimension is then "<name>_strlen".
func TestWriteStringsDimName(t *testing.T) {
	ds := stringsDataset(t)
	other := must[*labels.Variable](t)(labels.FromSlice([]string{"string3"}, []int32{1, 2, 3, 4, 5}, nil))
	ds = must[*labels.Dataset](t)(labels.NewDataset(labels.Vars{{Name: "t", Var: variable(t, ds, "t")}, {Name: "other", Var: other}},
		labels.Vars{{Name: "season", Var: variable(t, ds, "season")}, {Name: "region", Var: variable(t, ds, "region")}}, nil))
	for _, f := range []netcdf.Format{netcdf.NetCDF4Classic, netcdf.Classic} {
		p := filepath.Join(t.TempDir(), "f.nc")
		if err := netcdf.Write(context.Background(), ds, p, netcdf.WriteOptions{Format: f}); err != nil {
			t.Fatal(err)
		}
		back := must[*labels.Dataset](t)(netcdf.Open(p))
		checkStringsRead(t, must[*labels.Dataset](t)(labels.NewDataset(labels.Vars{{Name: "t", Var: variable(t, back, "t")}},
			labels.Vars{{Name: "season", Var: variable(t, back, "season")}, {Name: "region", Var: variable(t, back, "region")}}, nil)))
		if got := back.Sizes()["string3"]; got != 5 {
			t.Errorf("format %d: string3 has length %d, want 5", f, got)
		}
		compareFloats(t, "other", values(t, variable(t, back, "other")), []float64{1, 2, 3, 4, 5}, nil)
		t.Run("ncdump", func(t *testing.T) {
			if dump := runCmd(t, needTool(t, "ncdump"), "-h", p); !strings.Contains(dump, "char season(season, season_strlen) ;") ||
				!strings.Contains(dump, "char region(region, string4) ;") {
				t.Errorf("format %d: ncdump -h:\n%s", f, dump)
			}
		})
	}
}

// TestWriteStringsOwnDim writes labels whose dimension has xarray's name
// for their char dimension: the char dimension is another one.
func TestWriteStringsOwnDim(t *testing.T) {
	v := must[*labels.Variable](t)(labels.StringVariable("string3", []string{"abc", "de", "f"}, nil))
	ds := must[*labels.Dataset](t)(labels.NewDataset(nil, labels.Vars{{Name: "string3", Var: v}}, nil))
	p := filepath.Join(t.TempDir(), "f.nc")
	if err := netcdf.Write(context.Background(), ds, p, netcdf.WriteOptions{Format: netcdf.Classic}); err != nil {
		t.Fatal(err)
	}
	checkStringsSame(t, "string3", labelsOf(t, must[*labels.Dataset](t)(netcdf.Open(p)), "string3"), []string{"abc", "de", "f"})
	t.Run("ncdump", func(t *testing.T) {
		if dump := runCmd(t, needTool(t, "ncdump"), "-h", p); !strings.Contains(dump, "char string3(string3, string3_strlen) ;") {
			t.Errorf("ncdump -h:\n%s", dump)
		}
	})
}
