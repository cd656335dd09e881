package netcdf

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/graph"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/labels/cftime"
	"github.com/tesseradata/tessera/ndarray"
)

// Options control how files are opened.
type Options struct {
	// Chunks sets the block length along named dimensions. Dimensions
	// not named are kept whole, except one, split so that a block stays
	// within BlockBytes decoded (and within one file): the dimension the
	// files are concatenated along (the record dimension by default),
	// or else a variable's first.
	Chunks map[string]int
	// BlockBytes bounds default blocks (decoded); zero means
	// chunk.DefaultBlockBytes (64 MiB).
	BlockBytes int64
	// Raw skips CF decoding: values stay as stored, attributes as
	// written.
	Raw bool
}

// Open returns the dataset in the file at path, lazily: the header and
// the coordinate variables are read now, data only when computed, one
// hyperslab per block. Classic, 64-bit offset, CDF-5 and netCDF-4 files
// are read; CF conventions are decoded (labels.Decode) unless opts.Raw.
func Open(path string, opts ...Options) (*labels.Dataset, error) {
	return OpenMF([]string{path}, "", opts...)
}

// OpenMF opens files as one dataset concatenated along dim (the record
// dimension when dim is ""). paths may hold glob patterns. The files are
// ordered by their values of dim's coordinate, not by name, and must
// agree on everything else: the other dimensions, the coordinate values,
// the variables and their types, the calendar; repeated or overlapping
// steps are an error. Every error names the file and what differs.
func OpenMF(paths []string, dim string, opts ...Options) (*labels.Dataset, error) {
	o := Options{}
	if len(opts) > 0 {
		o = opts[0]
	}
	names, err := expand(paths)
	if err != nil {
		return nil, err
	}
	// Headers and time coordinates are read by several goroutines: a
	// record variable's values lie one record apart, a read each, and
	// 24 monthly files of 6-hourly steps took 23-31 ms one at a time and
	// 12-15 ms so (`tessera --stats`, "open").
	files := make([]*file, len(names))
	if err := parallel(len(names), func(i int) (err error) {
		files[i], err = openFile(names[i])
		return err
	}); err != nil {
		return nil, err
	}
	if dim == "" {
		dim = recordDim(files[0])
	}
	if dim != "" && len(files) > 1 {
		if err := parallel(len(files), func(i int) error {
			_, _, _, _, err := files[i].timeOrValues(dim)
			return err
		}); err != nil {
			return nil, err
		}
	}
	mf, err := newMulti(files, dim, o)
	if err != nil {
		return nil, err
	}
	return mf.dataset()
}

// FormatOf returns the format of the first file paths name, in OpenMF's
// order (patterns expanded, names sorted), as Write writes it: Classic
// for a CDF-1 file, Offset64 for CDF-2 and for CDF-5 (which Write does
// not write), NetCDF4 for netCDF-4 (HDF5). It reads the file's first
// bytes; anything else is an error naming the file.
func FormatOf(paths []string) (Format, error) {
	names, err := expand(paths)
	if err != nil {
		return 0, err
	}
	fh, err := os.Open(names[0])
	if err != nil {
		return 0, &FileError{names[0], err}
	}
	defer fh.Close()
	var magic [4]byte
	if _, err := io.ReadFull(fh, magic[:]); err != nil {
		return 0, &FileError{names[0], fmt.Errorf("not a netCDF file: %w", err)}
	}
	switch string(magic[:]) {
	case "CDF\x01":
		return Classic, nil
	case "CDF\x02", "CDF\x05":
		return Offset64, nil
	case "\x89HDF":
		return NetCDF4, nil
	}
	return 0, &FileError{names[0], fmt.Errorf("not a netCDF file (it starts with %q)", magic[:])}
}

// expand resolves glob patterns; a path without pattern characters must
// exist. The result has no duplicates.
func expand(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		if !hasMeta(p) {
			out = append(out, p)
			continue
		}
		m, err := filepath.Glob(p)
		if err != nil {
			return nil, fmt.Errorf("netcdf: pattern %q: %w", p, err)
		}
		if len(m) == 0 {
			return nil, fmt.Errorf("netcdf: pattern %q matches no file: %w", p, fs.ErrNotExist)
		}
		out = append(out, m...)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("netcdf: no files to open")
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func hasMeta(p string) bool {
	for _, c := range p {
		if c == '*' || c == '?' || c == '[' {
			return true
		}
	}
	return false
}

// recordDim returns the file's unlimited dimension, else "time" if it has
// one, else "".
func recordDim(f *file) string {
	for _, d := range f.dims {
		if d.unlimited {
			return d.name
		}
	}
	for _, d := range f.dims {
		if d.name == "time" {
			return d.name
		}
	}
	return ""
}

// multi is a set of files forming one dataset along dim.
type multi struct {
	files []*file
	dim   string
	o     Options
	// offsets[i] is the position along dim of file i's first step.
	offsets []int
	// times is the concatenated time coordinate, decoded, in the first
	// file's units, when dim is a time coordinate.
	times []float64
}

func newMulti(files []*file, dim string, o Options) (*multi, error) {
	m := &multi{files: files, dim: dim, o: o}
	if err := m.order(); err != nil {
		return nil, err
	}
	if err := m.check(); err != nil {
		return nil, err
	}
	n := 0
	for _, f := range m.files {
		m.offsets = append(m.offsets, n)
		n += f.dimLen(dim)
	}
	return m, nil
}

func (f *file) dimLen(name string) int {
	for _, d := range f.dims {
		if d.name == name {
			return d.len
		}
	}
	return 0
}

// coordValues reads a whole 1-D coordinate variable of a file.
func (f *file) coordValues(name string) (*ndarray.Array, error) {
	v := f.variable(name)
	if v == nil {
		return nil, nil
	}
	if v.text != notText {
		return nil, &FileError{f.path, fmt.Errorf("variable %q holds text, not numbers", name)}
	}
	shape := f.shape(v)
	a, err := f.read(v, make([]int, len(shape)), shape)
	if err != nil {
		return nil, &FileError{f.path, fmt.Errorf("variable %q: %w", name, err)}
	}
	return a, nil
}

// order sorts the files by the first value of dim's coordinate (decoded
// to dates when it is a time coordinate, so files with different units
// order correctly), checks that they agree on the calendar (a file is
// compared with the earliest), and converts the time values to the
// earliest file's units.
func (m *multi) order() error {
	if m.dim == "" {
		return nil
	}
	if len(m.files) == 1 {
		return m.loadTimes()
	}
	type keyed struct {
		f     *file
		vals  []float64
		dates []cftime.Date
		cal   cftime.Calendar
		units string
	}
	ks := make([]keyed, len(m.files))
	for i, f := range m.files {
		vals, dates, c, u, err := f.timeOrValues(m.dim)
		if err != nil {
			return err
		}
		ks[i] = keyed{f, vals, dates, c, u}
	}
	// Files without steps first (they add nothing); dates compare field
	// by field, whatever the units.
	sort.SliceStable(ks, func(i, j int) bool {
		a, b := ks[i], ks[j]
		switch {
		case len(a.vals) == 0 || len(b.vals) == 0:
			return len(a.vals) < len(b.vals)
		case a.dates != nil && b.dates != nil:
			return a.dates[0].Compare(b.dates[0]) < 0
		case a.dates == nil && b.dates == nil:
			return a.vals[0] < b.vals[0]
		}
		return false // refused below
	})
	var ref *keyed
	for i := range ks {
		k := &ks[i]
		m.files[i] = k.f
		if len(k.vals) == 0 {
			continue
		}
		if ref == nil {
			ref = k
			continue
		}
		switch {
		case (k.dates == nil) != (ref.dates == nil):
			has, hasNot := k, ref
			if k.dates == nil {
				has, hasNot = ref, k
			}
			return &FileError{k.f.path, fmt.Errorf("%s has time units %q in %s, none in %s: %w", m.dim, has.units, has.f.path, hasNot.f.path, ErrMismatch)}
		case k.dates != nil && k.cal != ref.cal:
			return &FileError{k.f.path, fmt.Errorf("calendar %q of %s differs from %q in %s: %w", k.cal, m.dim, ref.cal, ref.f.path, ErrMismatch)}
		}
	}
	return m.loadTimes()
}

// parallel calls fn(0) ... fn(n-1) on up to GOMAXPROCS goroutines (at
// most 8) and returns the error of the lowest index that failed, so that
// which file an error names does not depend on timing.
func parallel(n int, fn func(i int) error) error {
	errs := make([]error, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0), 8) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				errs[i] = fn(i)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// coordTimes is what timeOrValues found for a dimension.
type coordTimes struct {
	dim   string
	vals  []float64
	dates []cftime.Date
	cal   cftime.Calendar
	units string
	err   error
}

// timeOrValues returns the values of coordinate dim in file f, and if it
// is a time coordinate, its dates, calendar and units. The answer for the
// last dim asked is kept: ordering the files and concatenating their
// times both ask.
func (f *file) timeOrValues(dim string) ([]float64, []cftime.Date, cftime.Calendar, string, error) {
	f.timesMu.Lock()
	defer f.timesMu.Unlock()
	if t := f.times; t != nil && t.dim == dim {
		return t.vals, t.dates, t.cal, t.units, t.err
	}
	vals, dates, cal, units, err := f.readTimes(dim)
	f.times = &coordTimes{dim, vals, dates, cal, units, err}
	return vals, dates, cal, units, err
}

func (f *file) readTimes(dim string) ([]float64, []cftime.Date, cftime.Calendar, string, error) {
	v := f.variable(dim)
	if v != nil && v.text != notText {
		// Labels: the files stay in the order of their names, and
		// their labels are concatenated.
		return nil, nil, 0, "", nil
	}
	a, err := f.coordValues(dim)
	if err != nil || a == nil {
		return nil, nil, 0, "", err
	}
	vals := ndarray.Float64s(a)
	units, _ := v.attrs.String("units")
	calAttr, _ := v.attrs.String("calendar")
	tv, err := labels.Decode(dim, mustVar(labels.FromSlice([]string{dim}, vals, labels.Attrs{{Name: "units", Value: units}, {Name: "calendar", Value: calAttr}})))
	if err != nil || tv.Encoding().Units == "" {
		if err != nil {
			return nil, nil, 0, "", &FileError{f.path, err}
		}
		return vals, nil, 0, "", nil
	}
	dates, cal, err := labels.Times(tv)
	if err != nil {
		return nil, nil, 0, "", &FileError{f.path, err}
	}
	return vals, dates, cal, units, nil
}

func mustVar(v *labels.Variable, err error) *labels.Variable {
	if err != nil {
		panic(err)
	}
	return v
}

// loadTimes reads dim's coordinate across the ordered files, converting
// times to the first file's units, and checks that the steps of several
// files strictly increase (no repeat, no overlap; one file may hold its
// steps in any order, as xarray opens it).
func (m *multi) loadTimes() error {
	var all []float64
	var lastDate cftime.Date
	var lastFile string
	first := m.files[0]
	v0 := first.variable(m.dim)
	if v0 == nil {
		return nil
	}
	units, _ := v0.attrs.String("units")
	for _, f := range m.files {
		vals, dates, cal, fileUnits, err := f.timeOrValues(m.dim)
		if err != nil {
			return err
		}
		if len(m.files) == 1 {
			m.times = vals // as they are
			return nil
		}
		if dates == nil {
			if len(all) > 0 && len(vals) > 0 && vals[0] <= all[len(all)-1] {
				return &FileError{f.path, fmt.Errorf("%s starts at %v, not after %v where %s ends: repeated or overlapping steps: %w", m.dim, vals[0], all[len(all)-1], lastFile, ErrMismatch)}
			}
			all = append(all, vals...)
			lastFile = f.path
			continue
		}
		ref, err := cftime.ParseUnits(units, cal)
		if err != nil {
			return &FileError{first.path, err}
		}
		conv := vals // in the first file's units already
		if fileUnits != units {
			conv = make([]float64, len(dates))
			if err := ref.EncodeAll(conv, dates); err != nil {
				return &FileError{f.path, err}
			}
		}
		for i, d := range dates {
			if (i > 0 || len(all) > 0) && d.Compare(lastDate) <= 0 {
				where := "in this file"
				if i == 0 {
					where = "in " + lastFile
				}
				return &FileError{f.path, fmt.Errorf("time step %s is not after %s %s: repeated or overlapping steps: %w", d, lastDate, where, ErrMismatch)}
			}
			lastDate = d
		}
		all = append(all, conv...)
		lastFile = f.path
	}
	m.times = all
	return nil
}

// check verifies that the files agree on everything but dim.
func (m *multi) check() error {
	if len(m.files) == 1 {
		return nil
	}
	f0 := m.files[0]
	// f0's numeric coordinates other than dim, read once.
	coords := map[string][]float64{}
	for _, v := range f0.vars {
		if !m.sharedCoord(&v) || v.text != notText {
			continue
		}
		a, err := f0.coordValues(v.name)
		if err != nil {
			return err
		}
		coords[v.name] = ndarray.Float64s(a)
	}
	// The other files, compared with f0 on several goroutines; the
	// first failing file in order is the one reported.
	return parallel(len(m.files)-1, func(i int) error { return m.checkFile(m.files[i+1], coords) })
}

// sharedCoord reports whether v, a variable of the first file, is a
// coordinate other than dim's: one every file must have with the same
// values.
func (m *multi) sharedCoord(v *varInfo) bool {
	f0 := m.files[0]
	return len(v.dims) == 1 && f0.dims[v.dims[0]].name == v.name && v.name != m.dim
}

// checkFile checks that f has the dimensions, variables and coordinates
// of the first file, whose coordinates' values are coords.
func (m *multi) checkFile(f *file, coords map[string][]float64) error {
	f0 := m.files[0]
	for _, d := range f0.dims {
		if d.name == m.dim {
			continue
		}
		if n := f.dimLen(d.name); n != d.len {
			return &FileError{f.path, fmt.Errorf("dimension %q has length %d, %d in %s: %w", d.name, n, d.len, f0.path, ErrMismatch)}
		}
	}
	for _, v := range f0.vars {
		w := f.variable(v.name)
		if w == nil {
			return &FileError{f.path, fmt.Errorf("variable %q is missing (it is in %s): %w", v.name, f0.path, ErrMismatch)}
		}
		if w.typeName() != v.typeName() || !slices.Equal(f.dimNames(w), f0.dimNames(&v)) {
			return &FileError{f.path, fmt.Errorf("variable %q is %s%v, %s%v in %s: %w", v.name, w.typeName(), f.dimNames(w), v.typeName(), f0.dimNames(&v), f0.path, ErrMismatch)}
		}
	}
	for _, w := range f.vars {
		if f0.variable(w.name) == nil {
			return &FileError{f.path, fmt.Errorf("variable %q is not in %s: %w", w.name, f0.path, ErrMismatch)}
		}
	}
	// Coordinates other than dim must have the same values.
	for _, v := range f0.vars {
		if !m.sharedCoord(&v) {
			continue
		}
		if v.text != notText {
			if !slices.Equal(f.variable(v.name).strs, v.strs) {
				return &FileError{f.path, fmt.Errorf("coordinate %q has different labels than in %s: %w", v.name, f0.path, ErrMismatch)}
			}
			continue
		}
		b, err := f.coordValues(v.name)
		if err != nil {
			return err
		}
		if !slices.EqualFunc(coords[v.name], ndarray.Float64s(b), func(x, y float64) bool {
			return x == y || math.IsNaN(x) && math.IsNaN(y)
		}) {
			return &FileError{f.path, fmt.Errorf("coordinate %q has different values than in %s (a different grid): %w", v.name, f0.path, ErrMismatch)}
		}
	}
	return nil
}

// dataset builds the labeled dataset of the files.
func (m *multi) dataset() (*labels.Dataset, error) {
	f0 := m.files[0]
	var data, cs labels.Vars
	var parents map[string]*varInfo
	if !m.o.Raw {
		parents = timeBounds(f0)
	}
	for i := range f0.vars {
		v := &f0.vars[i]
		dims := f0.dimNames(v)
		isCoord := len(dims) == 1 && dims[0] == v.name
		attrs := v.attrs
		// A time variable's bounds (CF §7.1) inherit its units and
		// calendar, as xarray decodes them.
		var conv *boundsConv
		if p := parents[v.name]; p != nil {
			units, _ := p.attrs.String("units")
			cal, hasCal := p.attrs.String("calendar")
			if p.name == m.dim && len(m.files) > 1 && m.times != nil && slices.Contains(dims, m.dim) {
				// Every file's bounds are converted to the units of
				// the time coordinate, m.times's.
				conv = &boundsConv{units: units, calendar: cal, first: f0.path}
				attrs = attrs.Delete("scale_factor", "add_offset", "_FillValue", "missing_value").Set("units", units)
				if hasCal {
					attrs = attrs.Set("calendar", cal)
				}
			} else {
				if _, ok := attrs.Get("units"); !ok {
					attrs = attrs.Set("units", units)
				}
				if _, ok := attrs.Get("calendar"); !ok && hasCal {
					attrs = attrs.Set("calendar", cal)
				}
			}
		}
		var lv *labels.Variable
		var err error
		switch {
		case v.text != notText:
			// Labels: concatenated along dim, else the first file's
			// (check found the others' equal).
			strs := v.strs
			if v.name == m.dim && len(m.files) > 1 {
				strs = []string{}
				for _, f := range m.files {
					strs = append(strs, f.variable(v.name).strs...)
				}
			}
			if !m.o.Raw {
				// How the labels were stored, as xarray keeps it in
				// the encoding.
				attrs = attrs.Delete("_Encoding")
			}
			if lv, err = labels.StringVariable(v.name, strs, attrs); err != nil {
				return nil, &FileError{f0.path, fmt.Errorf("variable %q: %w", v.name, err)}
			}
			cs = append(cs, labels.Named{Name: v.name, Var: lv})
			continue
		case isCoord && v.name == m.dim && m.times != nil:
			lv, err = labels.FromSlice(dims, m.times, attrs)
		case isCoord:
			var a *ndarray.Array
			if a, err = f0.coordValues(v.name); err == nil {
				lv, err = labels.FromArray(dims, a, attrs)
			}
		default:
			lv, err = m.lazy(v, attrs, conv)
		}
		if err != nil {
			return nil, err
		}
		if !m.o.Raw {
			if lv, err = decode(v.name, lv, m); err != nil {
				var fe *FileError
				if errors.As(err, &fe) {
					return nil, err // names the file that differs
				}
				return nil, &FileError{f0.path, err}
			}
		}
		if isCoord {
			cs = append(cs, labels.Named{Name: v.name, Var: lv})
		} else {
			data = append(data, labels.Named{Name: v.name, Var: lv})
		}
	}
	ds, err := labels.NewDataset(data, cs, f0.attrs)
	if err != nil {
		return nil, &FileError{f0.path, err}
	}
	return ds, nil
}

// decode applies CF decoding; the codec must be the same in every file
// (packing that differs between files is refused rather than decoded
// inconsistently).
func decode(name string, v *labels.Variable, m *multi) (*labels.Variable, error) {
	v0 := m.files[0].variable(name)
	c0, err := labels.CodecFor(name, v0.dtype, v0.attrs)
	if err != nil {
		return nil, err
	}
	for _, f := range m.files[1:] {
		w := f.variable(name)
		c, err := labels.CodecFor(name, w.dtype, w.attrs)
		if err != nil {
			return nil, &FileError{f.path, err}
		}
		if (c == nil) != (c0 == nil) || c != nil && (c.Scale != c0.Scale || c.Offset != c0.Offset || !slices.Equal(c.Missing, c0.Missing)) {
			return nil, &FileError{f.path, fmt.Errorf("variable %q is packed differently than in %s (scale_factor, add_offset or fill value): %w", name, m.files[0].path, ErrMismatch)}
		}
	}
	return labels.Decode(name, v)
}

// timeBounds returns the bounds variables of f's time variables (those
// with units "<unit> since <date>" and a bounds attribute naming another
// variable of f), each with its time variable.
func timeBounds(f *file) map[string]*varInfo {
	var out map[string]*varInfo
	for i := range f.vars {
		p := &f.vars[i]
		units, _ := p.attrs.String("units")
		b, ok := p.attrs.String("bounds")
		if !ok || !strings.Contains(units, " since ") || b == p.name || f.variable(b) == nil {
			continue
		}
		if out == nil {
			out = map[string]*varInfo{}
		}
		out[b] = p
	}
	return out
}

// boundsConv converts the bounds of the time coordinate that files are
// concatenated along to the units and calendar of the first file's time
// coordinate, as loadTimes converts the coordinate itself: files with
// different units would otherwise give bounds that mean other dates.
type boundsConv struct {
	units, calendar string
	first           string // the first file's path
}

// apply returns the part of bounds variable v read from f converted to
// float64 values in c's units.
func (c *boundsConv) apply(f *file, v *varInfo, a *chunk.Array) (*chunk.Array, error) {
	fail := func(err error) error {
		return &FileError{f.path, fmt.Errorf("variable %q: %w", v.name, err)}
	}
	// The file's own units: the bounds' attributes, else those of their
	// time variable in this file.
	var p *varInfo
	for i := range f.vars {
		if b, _ := f.vars[i].attrs.String("bounds"); b == v.name {
			p = &f.vars[i]
			break
		}
	}
	attr := func(name, def string) string {
		if s, ok := v.attrs.String(name); ok {
			return s
		}
		if p != nil {
			if s, ok := p.attrs.String(name); ok {
				return s
			}
		}
		return def
	}
	to, err := timeUnits(c.units, c.calendar)
	if err != nil {
		return nil, fail(err)
	}
	from, err := timeUnits(attr("units", c.units), attr("calendar", c.calendar))
	if err != nil {
		return nil, fail(err)
	}
	if from.Calendar != to.Calendar {
		return nil, fail(fmt.Errorf("calendar %q differs from %q in %s: %w", from.Calendar, to.Calendar, c.first, ErrMismatch))
	}
	// Packed or masked bounds are decoded first (the caller drops the
	// attributes that would decode them again).
	codec, err := labels.CodecFor(v.name, v.dtype, v.attrs)
	if err != nil {
		return nil, fail(err)
	}
	if codec != nil {
		if a, err = chunk.Decode(a, codec); err != nil {
			return nil, fail(err)
		}
	}
	return convertTimes(a, from, to, fail)
}

// timeUnits parses CF time units and calendar attributes.
func timeUnits(units, calendar string) (cftime.Units, error) {
	cal, err := cftime.ParseCalendar(calendar)
	if err != nil {
		return cftime.Units{}, err
	}
	return cftime.ParseUnits(units, cal)
}

// convertTimes returns a's values as float64 times in units to, lazily,
// from times in units from (the same calendar); NaN stays NaN. fail
// wraps a value that cannot be converted.
func convertTimes(a *chunk.Array, from, to cftime.Units, fail func(error) error) (*chunk.Array, error) {
	same := from == to
	return chunk.MapBlocks("convert-times", ndarray.Float64, nil, func(b *ndarray.Array, _ []int) (*ndarray.Array, error) {
		vals := ndarray.Float64s(b)
		for i, x := range vals {
			if same || math.IsNaN(x) {
				continue
			}
			d, err := from.Decode(x)
			if err == nil {
				vals[i], err = to.Encode(d)
			}
			if err != nil {
				return nil, fail(err)
			}
		}
		return ndarray.FromSlice(vals, b.Shape()...)
	}, a)
}

// lazy returns a variable whose blocks are read from the files when
// computed: along dim, each file is split into blocks of its own. conv,
// if not nil, converts each file's part.
func (m *multi) lazy(v *varInfo, attrs labels.Attrs, conv *boundsConv) (*labels.Variable, error) {
	f0 := m.files[0]
	dims := f0.dimNames(v)
	concat := slices.Index(dims, m.dim)
	var parts []*chunk.Array
	files := m.files
	if concat < 0 {
		files = files[:1]
	}
	for _, f := range files {
		w := f.variable(v.name)
		a, err := m.source(f, w)
		if err != nil {
			return nil, err
		}
		if conv != nil {
			if a, err = conv.apply(f, w, a); err != nil {
				return nil, err
			}
		}
		parts = append(parts, a)
	}
	data := parts[0]
	if len(parts) > 1 {
		var err error
		if data, err = chunk.Concat(concat, parts...); err != nil {
			return nil, &FileError{f0.path, fmt.Errorf("variable %q: %w", v.name, err)}
		}
	}
	return labels.NewVariable(dims, data, attrs)
}

// source returns the lazy array of variable v of file f.
func (m *multi) source(f *file, v *varInfo) (*chunk.Array, error) {
	shape := f.shape(v)
	dims := f.dimNames(v)
	c := m.chunks(dims, shape, v.dtype)
	name := v.name
	src := chunk.Source{
		Name: "read-" + name, DType: v.dtype, Shape: shape, Chunks: c,
		Key: f.identity() + " var=" + name + " chunks=" + c.String(),
	}
	fail := func(start []int, err error) error {
		return &FileError{f.path, fmt.Errorf("variable %q at %v: %w", name, start, err)}
	}
	if f.hdr != nil {
		// Classic files: the stored big-endian bytes, read without any
		// lock and decoded by whoever consumes them.
		src.Order = binary.BigEndian
		src.ReadRaw = func(x *graph.Exec, start, count []int, use func(raw []byte, origin, shape []int) error) error {
			if x != nil && x.Ctx != nil {
				if err := context.Cause(x.Ctx); err != nil {
					return err
				}
			}
			var used bool
			err := f.withClassicRaw(v, start, count, func(b []byte, origin, shape []int) error {
				used = true
				if x != nil {
					x.AddRead(int64(len(b)))
				}
				return use(b, origin, shape)
			})
			if err != nil && !used {
				return fail(start, err)
			}
			return err
		}
	} else {
		// netCDF-4 files: decompressed by libnetcdf, in a reader
		// process when the pool is on (readers.go).
		src.Load = func(x *graph.Exec, start, count []int) (*ndarray.Array, error) {
			ctx := context.Background()
			if x != nil && x.Ctx != nil {
				if err := context.Cause(x.Ctx); err != nil {
					return nil, err
				}
				ctx = x.Ctx
			}
			a, err := f.readNetCDF4Data(ctx, v, start, count)
			if err != nil {
				return nil, fail(start, err)
			}
			if x != nil {
				x.AddRead(int64(a.Nbytes()))
			}
			return a, nil
		}
	}
	return chunk.FromSource(src)
}

// chunks returns the blocks of one file's variable: Options.Chunks where
// given; otherwise dimensions whole, except that the dimension the files
// are concatenated along (or else the first one) is split so a decoded
// block stays within BlockBytes.
func (m *multi) chunks(dims []string, shape []int, dt ndarray.DType) chunk.Chunks {
	size := make([]int, len(dims))
	split := -1
	for i, d := range dims {
		if n, ok := m.o.Chunks[d]; ok && n > 0 {
			size[i] = n
		} else if d == m.dim {
			split = i
		}
	}
	if split < 0 && len(dims) > 0 {
		if _, ok := m.o.Chunks[dims[0]]; !ok {
			split = 0
		}
	}
	if split >= 0 {
		target := m.o.BlockBytes
		if target <= 0 {
			target = chunk.DefaultBlockBytes
		}
		// Decoded values are at most 8 bytes.
		per := int64(max(8, dt.Size()))
		for i, n := range shape {
			if i != split {
				if size[i] > 0 {
					per *= int64(size[i])
				} else {
					per *= int64(max(n, 1))
				}
			}
		}
		size[split] = int(max(1, target/per))
	}
	return chunk.Regular(shape, size)
}
