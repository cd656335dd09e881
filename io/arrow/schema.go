package arrow

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/labels/cftime"
	"github.com/tesseradata/tessera/ndarray"
)

// DefaultBatchRows is the number of rows a batch holds at most when
// Options.BatchRows is zero.
const DefaultBatchRows = 1 << 16

// Options control an export. The zero value is ready to use.
type Options struct {
	// BatchRows bounds the rows of a record batch, and so of a Parquet
	// row group; 0 means DefaultBatchRows. See the package documentation
	// for how batches are cut.
	BatchRows int
	// DimOrder orders the rows and the dimension columns, the slowest
	// varying dimension first, as to_dataframe's dim_order. It must name
	// every dimension of the dataset once; nil means ds.Dims().
	DimOrder []string
	// NaNAsNull writes floating-point NaN as null, as pyarrow's
	// Table.from_pandas does, instead of keeping NaN values with no
	// validity bitmap.
	NaNAsNull bool
	// Compute controls the computation of lazy variables (workers,
	// memory budget).
	Compute chunk.Options
	// Allocator allocates the buffers of the record batches (and of the
	// default Parquet writer); nil means memory.DefaultAllocator. Every
	// byte is released by the time an export returns.
	Allocator memory.Allocator
	// Parquet, if set, replaces WriteParquet's writer properties
	// (compression, dictionary encoding, statistics, allocator). The
	// default compresses every column with zstd and allocates from
	// Allocator.
	Parquet *parquet.WriterProperties
}

func (o Options) allocator() memory.Allocator {
	if o.Allocator == nil {
		return memory.DefaultAllocator
	}
	return o.Allocator
}

func (o Options) batchRows() int {
	if o.BatchRows <= 0 {
		return DefaultBatchRows
	}
	return o.BatchRows
}

// kind says how a column's values become Arrow values.
type kind uint8

const (
	kindValues    kind = iota // numbers and bools, as they are
	kindTimestamp             // CF times as microseconds since 1970 (math.MinInt64: null)
	kindDates                 // CF times as formatted dates
)

// column is one column of the table and where its values come from.
type column struct {
	name  string
	field arrow.Field
	kind  kind
	// axes are the positions, in the table's dimension order, of the
	// column's dimensions, increasing: the values are transposed to it.
	axes []int
	// Exactly one of lazy and mem is set: values to compute, or values
	// in memory (a view of the variable's, or the positions of a
	// dimension without coordinate).
	lazy *chunk.Array
	mem  *ndarray.Array
	// units decode a time column's numbers.
	units cftime.Units
	// conv writes values (broadcast to a batch) as an Arrow array.
	conv valueType
}

// first reports whether the column has the table's first dimension.
func (c *column) first() bool { return len(c.axes) > 0 && c.axes[0] == 0 }

// table is the plan of an export: the schema and where each column's
// values come from.
type table struct {
	schema *arrow.Schema
	dims   []string
	sizes  []int
	cols   []*column
}

// Schema returns the Arrow schema of the long-form table of ds (see the
// package documentation): its columns, their types and metadata. It reads
// the values of time variables in memory, to choose between timestamps
// and strings, and computes nothing. Batches, WriteIPC and WriteParquet
// write this schema.
func Schema(ds *labels.Dataset, opts Options) (*arrow.Schema, error) {
	t, err := plan(ds, opts)
	if err != nil {
		return nil, err
	}
	return t.schema, nil
}

// plan builds the table of ds.
func plan(ds *labels.Dataset, opts Options) (*table, error) {
	dims, err := dimOrder(ds, opts.DimOrder)
	if err != nil {
		return nil, err
	}
	sizes := ds.Sizes()
	t := &table{dims: dims, sizes: make([]int, len(dims))}
	for i, d := range dims {
		t.sizes[i] = sizes[d]
	}
	coords := ds.Coords()
	isDimCoord := func(name string) bool {
		if !slices.Contains(dims, name) || !slices.Contains(coords, name) {
			return false
		}
		v, err := ds.Variable(name)
		return err == nil && slices.Equal(v.Dims(), []string{name})
	}
	seen := map[string]string{}
	add := func(name, what string, v *labels.Variable) error {
		if prev, dup := seen[name]; dup {
			return fmt.Errorf("io/arrow: column %q is both %s and %s: %w", name, prev, what, ErrColumns)
		}
		seen[name] = what
		c, err := newColumn(name, v, dims, opts)
		if err != nil {
			return err
		}
		t.cols = append(t.cols, c)
		return nil
	}
	for i, d := range dims {
		if isDimCoord(d) {
			v, _ := ds.Variable(d)
			if err := add(d, "a dimension coordinate", v); err != nil {
				return nil, err
			}
			continue
		}
		seen[d] = "a dimension without coordinate"
		pos := ndarray.Arange(ndarray.Int64, 0, float64(t.sizes[i]), 1)
		t.cols = append(t.cols, &column{
			name:  d,
			field: arrow.Field{Name: d, Type: arrow.PrimitiveTypes.Int64},
			axes:  []int{i},
			mem:   pos,
			conv:  valueTypes[ndarray.Int64],
		})
	}
	for _, n := range coords {
		if isDimCoord(n) {
			continue
		}
		v, err := ds.Variable(n)
		if err != nil {
			return nil, err
		}
		if err := add(n, "a coordinate", v); err != nil {
			return nil, err
		}
	}
	for _, n := range ds.DataVars() {
		v, err := ds.Variable(n)
		if err != nil {
			return nil, err
		}
		if err := add(n, "a data variable", v); err != nil {
			return nil, err
		}
	}
	fields := make([]arrow.Field, len(t.cols))
	for i, c := range t.cols {
		fields[i] = c.field
	}
	md := attrMetadata(ds.Attrs(), nil)
	t.schema = arrow.NewSchema(fields, &md)
	return t, nil
}

// dimOrder returns the row order: order itself (checked against ds's
// dimensions) or ds.Dims().
func dimOrder(ds *labels.Dataset, order []string) ([]string, error) {
	dims := ds.Dims()
	if order == nil {
		return dims, nil
	}
	for i, d := range order {
		if !slices.Contains(dims, d) {
			return nil, fmt.Errorf("io/arrow: dimension order %q: %q is not a dimension of the dataset %q: %w", order, d, dims, labels.ErrDimNotFound)
		}
		if slices.Index(order, d) != i {
			return nil, fmt.Errorf("io/arrow: dimension order %q: %q repeated: %w", order, d, labels.ErrDims)
		}
	}
	if len(order) != len(dims) {
		return nil, fmt.Errorf("io/arrow: dimension order %q lacks some of the dataset's dimensions %q: %w", order, dims, labels.ErrDims)
	}
	return slices.Clone(order), nil
}

// newColumn returns the column of variable v named name, its values
// transposed to the table's dimension order dims.
func newColumn(name string, v *labels.Variable, dims []string, opts Options) (*column, error) {
	vd := v.Dims()
	c := &column{name: name}
	perm := make([]int, 0, len(vd))
	for i, d := range dims {
		if j := slices.Index(vd, d); j >= 0 {
			c.axes = append(c.axes, i)
			perm = append(perm, j)
		}
	}
	if mem, ok := v.Loaded(); ok {
		m, err := mem.Transpose(perm...)
		if err != nil {
			return nil, fmt.Errorf("io/arrow: column %q: %w", name, err)
		}
		c.mem = m
	} else {
		l, err := v.Data().Transpose(perm...)
		if err != nil {
			return nil, fmt.Errorf("io/arrow: column %q: %w", name, err)
		}
		c.lazy = l
	}
	var typ arrow.DataType
	nullable := false
	extra := map[string]string{}
	enc := v.Encoding()
	if strings.Contains(enc.Units, " since ") {
		cal, err := cftime.ParseCalendar(enc.Calendar)
		if err != nil {
			return nil, fmt.Errorf("io/arrow: column %q: %w", name, err)
		}
		if c.units, err = cftime.ParseUnits(enc.Units, cal); err != nil {
			return nil, fmt.Errorf("io/arrow: column %q: %w", name, err)
		}
		c.kind, err = timeKind(c)
		if err != nil {
			return nil, err
		}
		extra["calendar"] = cal.String()
		nullable = true
		if c.kind == kindTimestamp {
			typ = timestampType
			c.conv = valueTypes[ndarray.Int64]
		} else {
			typ = arrow.BinaryTypes.String
		}
	} else {
		vt, ok := valueTypes[v.DType()]
		if !ok {
			return nil, fmt.Errorf("io/arrow: column %q: dtype %s: %w", name, v.DType(), ndarray.ErrDType)
		}
		typ, c.conv = vt.arrow, vt
		nullable = opts.NaNAsNull && v.DType().IsFloat()
	}
	md := attrMetadata(v.Attrs(), extra)
	c.field = arrow.Field{Name: name, Type: typ, Nullable: nullable, Metadata: md}
	return c, nil
}

var timestampType = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}

// timeKind chooses how time column c is written: as timestamps when its
// calendar agrees with Arrow's proleptic Gregorian time line and, for
// values in memory, every date is representable; as strings otherwise.
func timeKind(c *column) (kind, error) {
	cal := c.units.Calendar
	if cal != cftime.Standard && cal != cftime.ProlepticGregorian {
		return kindDates, nil
	}
	if c.mem == nil {
		return kindTimestamp, nil
	}
	dates, _, err := decodeTimes(c, c.mem)
	if err != nil {
		return 0, err
	}
	for _, d := range dates {
		if d.ok {
			if _, ok := micros(cal, d.Date); !ok {
				return kindDates, nil
			}
		}
	}
	return kindTimestamp, nil
}

// maybeDate is a decoded time value; ok is false for NaN (NaT).
type maybeDate struct {
	cftime.Date
	ok bool
}

// decodeTimes decodes the numbers of time column c in a (any shape) to
// dates, in row-major order, with the contiguous float64 copy of a.
func decodeTimes(c *column, a *ndarray.Array) ([]maybeDate, *ndarray.Array, error) {
	f, err := a.Astype(ndarray.Float64)
	if err != nil {
		return nil, nil, fmt.Errorf("io/arrow: column %q: %w", c.name, err)
	}
	f = f.Contiguous()
	data, _ := ndarray.Data[float64](f)
	vals := data[f.Offset() : f.Offset()+f.Size()]
	finite := make([]float64, 0, len(vals))
	for _, x := range vals {
		if !math.IsNaN(x) {
			finite = append(finite, x)
		}
	}
	dates := make([]cftime.Date, len(finite))
	if err := c.units.DecodeAll(dates, finite); err != nil {
		return nil, nil, fmt.Errorf("io/arrow: column %q: %w", c.name, err)
	}
	out := make([]maybeDate, len(vals))
	k := 0
	for i, x := range vals {
		if !math.IsNaN(x) {
			out[i] = maybeDate{dates[k], true}
			k++
		}
	}
	return out, f, nil
}

var (
	unixEpoch      = cftime.Date{Year: 1970, Month: 1, Day: 1}
	gregorianStart = cftime.Date{Year: 1582, Month: 10, Day: 15}
)

const usPerDay = 86_400_000_000

// micros returns the microseconds from 1970-01-01 to d in cal (Standard
// or ProlepticGregorian), and false if d is not on the proleptic
// Gregorian time line (a Julian date of Standard) or too far from 1970
// for an int64 (math.MinInt64 itself is kept for null).
func micros(cal cftime.Calendar, d cftime.Date) (int64, bool) {
	if cal == cftime.Standard && d.Before(gregorianStart) {
		return 0, false
	}
	days, ns := cal.Sub(d, unixEpoch)
	if days >= math.MaxInt64/usPerDay || days <= math.MinInt64/usPerDay {
		return 0, false
	}
	return days*usPerDay + ns/1000, true
}

// attrMetadata returns attributes as Arrow metadata (see the package
// documentation), with extra entries replacing attributes of their name.
func attrMetadata(attrs labels.Attrs, extra map[string]string) arrow.Metadata {
	var keys, vals []string
	for _, a := range attrs {
		if _, over := extra[a.Name]; over {
			continue
		}
		keys = append(keys, a.Name)
		vals = append(vals, formatAttr(a.Value))
	}
	names := make([]string, 0, len(extra))
	for k := range extra {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		keys = append(keys, k)
		vals = append(vals, extra[k])
	}
	return arrow.NewMetadata(keys, vals)
}

// formatAttr formats an attribute value: strings as they are, numbers in
// the shortest decimal form that reads back to the same value of their
// type, slices with ", " between elements.
func formatAttr(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case int:
		return strconv.Itoa(x)
	case int8:
		return strconv.FormatInt(int64(x), 10)
	case int16:
		return strconv.FormatInt(int64(x), 10)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case int64:
		return strconv.FormatInt(x, 10)
	case uint8:
		return strconv.FormatUint(uint64(x), 10)
	case uint16:
		return strconv.FormatUint(uint64(x), 10)
	case uint32:
		return strconv.FormatUint(uint64(x), 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case []float32:
		return join(x)
	case []float64:
		return join(x)
	case []int8:
		return join(x)
	case []int16:
		return join(x)
	case []int32:
		return join(x)
	case []int64:
		return join(x)
	case []uint8:
		return join(x)
	case []uint16:
		return join(x)
	case []uint32:
		return join(x)
	case []uint64:
		return join(x)
	case []string:
		return strings.Join(x, ", ")
	}
	return fmt.Sprint(v)
}

func join[T any](xs []T) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = formatAttr(x)
	}
	return strings.Join(parts, ", ")
}
