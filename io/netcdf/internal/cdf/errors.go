package cdf

import "errors"

// Sentinel errors. Every error returned by this package wraps at most one
// of them and says, in one line, what is wrong and where (the header field
// and its offset, or the variable). Match them with [errors.Is].
var (
	// ErrNotCDF reports a file that does not start with the magic number
	// of a classic, 64-bit offset or CDF-5 netCDF file ("CDF" and a
	// version byte 1, 2 or 5). A netCDF-4 file (an HDF5 file) is one.
	ErrNotCDF = errors.New("not a netCDF classic, 64-bit offset or CDF-5 file")

	// ErrFormat reports a header that breaks the format's grammar or
	// rules: a wrong tag, an unknown type, a dimension id out of range, a
	// duplicate name, a count that cannot be a count, data that overlaps
	// the header.
	ErrFormat = errors.New("malformed header")

	// ErrTruncated reports a header or variable data that extends beyond
	// the end of the file: a truncated or partly written file.
	ErrTruncated = errors.New("truncated file")

	// ErrIndex reports arguments outside what the header describes: a
	// variable number out of range, a hyperslab outside the variable's
	// shape, or a destination of the wrong length.
	ErrIndex = errors.New("index out of range")
)
