package arrow

import "errors"

// Sentinel errors. Errors from this package wrap one of them, or an error
// of the package that detected the problem (labels, cftime, chunk, the
// scheduler, arrow-go), and name the column, dimension or file involved.
var (
	// ErrColumns reports a column name used twice: a data variable or
	// coordinate named as a dimension that has no coordinate.
	ErrColumns = errors.New("duplicate column name")
	// ErrTimestamp reports a date of a lazy time variable that cannot be
	// an Arrow timestamp: a date before 1582-10-15 in the standard
	// calendar, or one more than 292,000 years from 1970.
	ErrTimestamp = errors.New("date not representable as a timestamp")
)
