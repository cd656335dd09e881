// Package netcdf reads netCDF files as labels.Dataset values and writes
// them back.
//
// Open and OpenMF read the header and the coordinate variables at once
// and a variable's data only when it is computed, one hyperslab per
// block. Classic, 64-bit offset and CDF-5 files are read in Go (package
// internal/cdf), without any lock; netCDF-4 files through libnetcdf
// (internal/libnc, loaded at run time by the first netCDF-4 read or
// write, so that programs reading and writing classic files never load
// it), which is not thread-safe: headers and coordinates are read under
// one process-wide lock, and data by a pool of reader processes, so that
// several decompress at once. Write writes the classic formats in Go too.
//
// A reader process is the running program started again with
// TESSERA_NC_READER=1 in its environment: this package's init then
// serves read requests and exits, before the program's own code runs.
// The pool starts with the first netCDF-4 data read and holds
// min(GOMAXPROCS, 8) readers, or the number in TESSERA_NC_READERS, or
// the number SetReaders sets; 0 or 1 reads in process. Readers idle for
// 30 seconds exit, as all do when the program exits. A reader that dies
// fails the read it was serving (a FileError naming the file) and is
// replaced; when no reader can be started (the program's file cannot be
// run again), reads stay in process.
//
// CF conventions are decoded by labels.Decode unless Options.Raw:
// packing and missing values become the variable's Encoding, a time
// variable keeps its numbers with its units and calendar in the
// Encoding, and the bounds of a time variable (CF §7.1) inherit its
// units and calendar, as xarray decodes them. A text coordinate, a char array name(name,
// strlen) or in netCDF-4 a string variable name(name), is read at open
// as labels (labels.StringVariable, indexed: Sel by label works), each
// label's trailing NULs dropped, as xarray decodes it; other text
// variables are not read, nor string attributes of netCDF-4 files.
//
// OpenMF concatenates files along a dimension, ordered by their time
// values (not by name), converting every file's times, and the bounds of
// the time coordinate, to the units of the earliest file. Files that do
// not form one dataset (grid, dimensions, variables, types, calendar,
// packing, repeated or overlapping steps) are refused with an error that
// wraps ErrMismatch and is a *FileError naming the file that differs.
//
// Write encodes a dataset by the CF conventions (labels.Encode: packing,
// fill values, time units and calendar; time bounds in their variable's
// units and calendar), writes string variables as text (NC_STRING in
// netCDF-4, else char arrays as xarray writes them), records itself in
// the history attribute, and
// streams the computed blocks to a temporary file beside the target,
// which replaces the target only when everything is written.
//
// Every error about a file is a *FileError naming its path, in one line.
package netcdf
