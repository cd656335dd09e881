package labels

import "errors"

// Sentinel errors. Errors from this package wrap one of them (or one of
// ndarray's, for dtype and shape problems detected below), and their
// messages name the dimension, coordinate, variable or label involved.
var (
	// ErrDimNotFound reports a dimension a value does not have.
	ErrDimNotFound = errors.New("dimension not found")
	// ErrVarNotFound reports a variable or coordinate a dataset does not
	// have.
	ErrVarNotFound = errors.New("variable not found")
	// ErrLabelNotFound reports a label an index does not contain (the
	// message lists the nearest labels it does contain).
	ErrLabelNotFound = errors.New("label not found")
	// ErrAlign reports arrays that cannot be aligned: no common labels
	// along a dimension, or equal dimension names of different sizes
	// without an index to align them by.
	ErrAlign = errors.New("cannot align")
	// ErrDims reports dimension names that are repeated, missing or do
	// not match the data's number of dimensions.
	ErrDims = errors.New("invalid dimensions")
	// ErrIndex reports an index that cannot answer a query: nearest
	// lookup or slicing on an unsorted index, a label of the wrong kind.
	ErrIndex = errors.New("unsupported index query")
	// ErrNotLoaded reports a dimension coordinate whose values are not
	// in memory, so no index can be built from it.
	ErrNotLoaded = errors.New("coordinate not loaded")
	// ErrCF reports attributes that break the CF conventions in a way
	// decoding cannot follow (a non-numeric scale_factor, say).
	ErrCF = errors.New("invalid CF attributes")
)
