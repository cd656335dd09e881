// Package cdf reads netCDF classic-format files without libnetcdf: the
// header is parsed in Go and a variable's data is read as raw bytes with
// [io.ReaderAt] calls that may run concurrently.
//
// libnetcdf is not thread-safe, so io/netcdf serialises every C call
// behind one mutex. The classic formats (CDF-1 "classic", CDF-2 "64-bit
// offset" and CDF-5 "64-bit data", the formats of most CMIP and reanalysis
// archives) store each variable at a known offset, uncompressed and
// big-endian, so they need no library: [ReadHeader] parses the header
// once, and [ReadRaw] fills a buffer with the bytes of a hyperslab,
// leaving byte-swapping and decoding to the caller, outside any lock.
// netCDF-4 (HDF5) files are not classic files; [ReadHeader] reports them
// as [ErrNotCDF] and they go through libnetcdf.
//
// The package uses the standard library only.
//
// # Format
//
// The reference is Unidata's "NetCDF Classic Format Specification"
// (netcdf-c docs/file_format_specifications.md), with the CDF-5 additions
// from PnetCDF. A file is a header and then data:
//
//	header = magic numrecs dim_list gatt_list var_list
//	magic  = 'C' 'D' 'F' VERSION        // 1 classic, 2 64-bit offset, 5 CDF-5
//	data   = non_recs recs               // fixed variables, then records
//
// All numbers are big-endian. Counts, lengths and dimension ids (NON_NEG)
// are 32 bits in CDF-1 and CDF-2 and 64 bits in CDF-5; offsets (a
// variable's begin) are 32 bits in CDF-1 and 64 bits otherwise. Names and
// attribute values are padded with zero bytes to a multiple of 4.
//
// A fixed variable's data is one row-major block at its begin offset. A
// record variable has the record (unlimited) dimension first; its data is
// numrecs slabs, one per record, and each record holds the slab of every
// record variable in header order, so slab i of a variable lies at
// begin + i*RecSize. Each slab is padded to a multiple of 4, except when
// the file has exactly one record variable: its records are then packed,
// and RecSize is its slab's unpadded size (netCDF-C's rule, which applies
// it to any type; only the 1- and 2-byte types are affected).
//
// A numrecs of STREAMING (all bits set) means the count was not written;
// [ReadHeader] counts the whole records the file's size holds.
//
// # Validation
//
// [ReadHeader] checks everything it parses before trusting it: counts,
// name lengths and attribute lengths against the bytes left in the file
// before anything is allocated by them; tags, types (the five CDF-5 types
// only in CDF-5 files), dimension ids, the single record dimension and its
// place as the first dimension, unique names; then the layout: every
// variable starts after the header, each record variable's slab fits in
// the record, and every variable's data ends inside the file (its last
// value, not the padding after it; a record variable without records has
// no data, and its begin is not checked against the file's size). A header
// that passes can be read by [ReadRaw] without reading past the end of the
// file.
//
// The header's vsize field is not trusted: the spec calls it redundant,
// it is 2^32-1 for variables larger than 4 GiB in CDF-1 and CDF-2, and
// netCDF-C recomputes it from the dimensions; so does this package
// ([Var.VSize]). Overlaps between the data of different variables are not
// checked: they are harmless to a reader.
//
// # Concurrency
//
// Neither function keeps state or modifies its arguments (a [Header] is
// read-only once returned), so any number of goroutines may call them at
// once, with one *os.File or several: os.File.ReadAt is safe for
// concurrent use.
//
// # Values
//
// [ReadRaw] returns bytes as stored. Text (NC_CHAR) variables are bytes
// too; a char attribute is a Go string holding its bytes, trailing NULs
// included. Missing data holds the variable's _FillValue attribute if it
// has one, else the type's default fill value, [Fill]. Bytes (NC_BYTE)
// are signed; the _Unsigned convention is the caller's.
package cdf

//go:generate go test -run TestSeedFiles -update
