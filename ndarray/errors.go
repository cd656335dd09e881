package ndarray

import "errors"

// Sentinel errors. Every error ndarray returns wraps one of them, so
// callers test with errors.Is; the message says which shapes, axis or
// dtype were involved.
var (
	// ErrDType reports an operation that does not support a dtype, or an
	// unknown dtype.
	ErrDType = errors.New("unsupported dtype")
	// ErrShape reports shapes that do not match and cannot broadcast, a
	// reshape to a different size, or data whose length is not the
	// product of a shape.
	ErrShape = errors.New("shape mismatch")
	// ErrAxis reports an axis out of range or repeated.
	ErrAxis = errors.New("invalid axis")
	// ErrIndex reports an index or slice bound out of range.
	ErrIndex = errors.New("index out of range")
	// ErrEmpty reports a reduction without identity (min, max, argmin,
	// argmax of integers) over zero elements.
	ErrEmpty = errors.New("empty reduction")
	// ErrRange reports a value that does not fit the target type, for
	// example NaN or 1e10 converted to int32.
	ErrRange = errors.New("value out of range")
	// ErrOp reports an operation code that is not one of the defined
	// BinaryOp, CompareOp, UnaryOp or Op values.
	ErrOp = errors.New("unknown operation")
	// ErrCodec reports a Codec that cannot be used: no byte order for
	// raw bytes, a scale or offset that is not finite, more than two
	// missing values, a partial not made by a Codec given raw bytes.
	ErrCodec = errors.New("invalid codec")
	// ErrSize reports a shape whose element count overflows int or
	// exceeds MaxElements.
	ErrSize = errors.New("array too large")
)
