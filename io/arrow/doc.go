// Package arrow writes a labels.Dataset as Apache Arrow record batches in
// long form, the table xarray's Dataset.to_dataframe() builds, and streams
// them to the Arrow IPC file format and to Parquet. It needs no C: it
// builds on labels, chunk and ndarray and on the pure-Go arrow-go. Import
// it as arrowio, so that arrow stays arrow-go's package:
//
//	arrowio "github.com/tesseradata/tessera/io/arrow"
//
// # Long form
//
// The table has one row per combination of dimension positions, in
// row-major order over the dimensions (the first varies slowest): the
// order of ds.Dims(), or Options.DimOrder, as to_dataframe's dim_order.
// Its columns are, in order:
//
//   - one per dimension: the labels of its coordinate, or the position
//     (int64, 0, 1, ...) when the dimension has no coordinate, as
//     to_dataframe's RangeIndex levels;
//   - one per other coordinate (auxiliary coordinates such as a
//     curvilinear grid's 2-D latitude, and scalar coordinates left by a
//     selection), in the order of ds.Coords();
//   - one per data variable, in the order of ds.DataVars().
//
// A variable that lacks some of the dimensions is broadcast over them,
// as to_dataframe does: an orography (lat, lon) repeats at every time
// step, a scalar coordinate on every row. Every ndarray dtype maps to the
// Arrow type of the same width (float32 to float32, uint16 to uint16,
// bool to boolean). A column name used twice (a data variable named as a
// dimension that has no coordinate) is an error wrapping ErrColumns.
//
// # Time
//
// A variable is a time variable when its encoding holds CF time units
// (labels.Decode and labels.TimeVariable leave them there). Its column is
// an Arrow timestamp[us, tz=UTC] when its calendar is standard
// (gregorian) or proleptic_gregorian and every date can be one: in the
// standard calendar, dates before 1582-10-15 are Julian and their labels
// would change on a proleptic Gregorian time line, so they cannot. That
// is what xarray decodes to numpy datetime64 and pyarrow converts to a
// timestamp. Otherwise (360_day, noleap, all_leap, julian, or
// unrepresentable dates) the column holds the dates as strings formatted
// as cftime formats them, "2000-01-16 12:00:00": what str() gives for the
// cftime objects xarray decodes those calendars to, which pyarrow cannot
// convert by itself. Both kinds record the CF calendar name in the
// field's metadata under "calendar". A NaN time value (numpy's NaT) is
// null, as pyarrow makes NaT.
//
// Time variables in memory (dimension coordinates usually are) are checked
// value by value when the schema is made. A lazy time variable (a data
// variable of dates read from a file) cannot be checked without computing
// it: with a standard or proleptic_gregorian calendar its column is a
// timestamp, and a date that turns out not to be representable ends the
// export with an error wrapping ErrTimestamp. Compute the variable first
// to have such dates written as strings.
//
// # NaN
//
// Floating-point NaN stays NaN and the column has no validity bitmap: the
// values are exactly those of the dataset, as pyarrow's pa.array makes
// them from a NumPy array. pyarrow's Table.from_pandas (and so pandas'
// to_parquet) instead turns NaN into null, following pandas' missing
// value semantics; Options.NaNAsNull does the same, which query engines
// that skip nulls in aggregates (DuckDB, Polars, Spark) then treat as the
// masked values they usually are in CF data (xarray's skipna).
//
// # Metadata
//
// A variable's attributes (units, long_name, standard_name, ...) become
// its field's metadata, the dataset's global attributes the schema's
// metadata. Arrow metadata is strings: numbers are written in their
// shortest exact decimal form for their type, slices of numbers with
// ", " between elements, as ncdump writes them. Parquet keeps the field
// metadata through the Arrow schema pqarrow stores in the file
// (ARROW:schema), which its readers restore.
//
// # Streaming and memory
//
// Batches produces the table batch by batch; the whole table is never in
// memory. The rows are cut in two steps:
//
//  1. Units along the first dimension. The first dimension's block
//     boundaries in every lazy column that has it split its range;
//     neighbouring blocks are grouped into one unit while the unit has at
//     most BatchRows rows, and a block with more rows is a unit alone.
//     Each unit's slice of every lazy column is computed with one
//     chunk.Compute, so the blocks of a unit are computed in parallel and
//     every block exactly once (when the columns share their chunks along
//     the first dimension; a block that spans units is computed once per
//     unit). When no lazy column has the first dimension, the whole table
//     is one unit. Columns without the first dimension are computed once,
//     before the first unit, and columns in memory are read in place.
//  2. Batches within a unit. A batch is a slab of at most BatchRows rows:
//     for the outermost dimension k whose trailing dimensions hold at most
//     BatchRows rows, a range of dimension k with the dimensions before it
//     fixed. The fewest such ranges split dimension k, their lengths
//     differing by one at most.
//
// So with blocks of fewer than BatchRows rows a batch covers whole blocks
// of the first dimension (one batch per unit), and with larger blocks
// each block gives several batches. Memory is bounded by one unit of the
// lazy columns (the blocks chunk.Compute computes within Options.Compute's
// budget, and the unit's values it assembles from them), the columns
// without the first dimension (each at most one position of the first
// dimension's worth of rows), the microseconds or date strings of the
// unit's time values, and one record batch, whose Arrow buffers come from
// Options.Allocator. Broadcast columns are expanded only in the batch.
// A consumer that keeps batches (fn retaining them) holds more, of course.
//
// WriteIPC writes each batch as a record batch of an Arrow IPC file,
// WriteParquet each batch as a row group (zstd-compressed by default).
// WriteIPCFile and WriteParquetFile write to a temporary file in the
// target's directory and rename it over the target only once everything
// is written: a failed or cancelled export leaves no partial file.
package arrow
