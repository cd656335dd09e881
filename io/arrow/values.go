package arrow

import (
	"math"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/tesseradata/tessera/ndarray"
)

// valueType is the Arrow side of an ndarray dtype: its Arrow type and a
// function that writes values, broadcast to a batch, as an Arrow array.
type valueType struct {
	arrow arrow.DataType
	// fill returns src (broadcast to shape) in row-major order as an
	// Arrow array of type dt, its buffers from mem. A value for which
	// null reports true is null (nil: none is).
	fill func(mem memory.Allocator, dt arrow.DataType, src *ndarray.Array, shape []int, null nullTest) (arrow.Array, error)
}

// nullTest says which values are null.
type nullTest uint8

const (
	noNulls  nullTest = iota
	nanNulls          // NaN (floats)
	natNulls          // math.MinInt64 (NaT, in timestamps and date indices)
)

// valueTypes is the one place where ndarray dtypes meet Arrow types: the
// Arrow type of the same width for each, and its writer.
var valueTypes = map[ndarray.DType]valueType{
	ndarray.Bool:    {arrow.FixedWidthTypes.Boolean, fillBool},
	ndarray.Int8:    {arrow.PrimitiveTypes.Int8, fillFixed[int8]},
	ndarray.Int16:   {arrow.PrimitiveTypes.Int16, fillFixed[int16]},
	ndarray.Int32:   {arrow.PrimitiveTypes.Int32, fillFixed[int32]},
	ndarray.Int64:   {arrow.PrimitiveTypes.Int64, fillFixed[int64]},
	ndarray.Uint8:   {arrow.PrimitiveTypes.Uint8, fillFixed[uint8]},
	ndarray.Uint16:  {arrow.PrimitiveTypes.Uint16, fillFixed[uint16]},
	ndarray.Uint32:  {arrow.PrimitiveTypes.Uint32, fillFixed[uint32]},
	ndarray.Uint64:  {arrow.PrimitiveTypes.Uint64, fillFixed[uint64]},
	ndarray.Float32: {arrow.PrimitiveTypes.Float32, fillFixed[float32]},
	ndarray.Float64: {arrow.PrimitiveTypes.Float64, fillFixed[float64]},
}

func size(shape []int) int {
	n := 1
	for _, s := range shape {
		n *= s
	}
	return n
}

// fillFixed writes a fixed-width column: the values buffer is allocated
// from mem and src is copied into it through an ndarray that shares it,
// so that broadcasting and strides are ndarray's business and the values
// are copied once.
func fillFixed[T ndarray.Number](mem memory.Allocator, dt arrow.DataType, src *ndarray.Array, shape []int, null nullTest) (arrow.Array, error) {
	n := size(shape)
	var zero T
	buf := memory.NewResizableBuffer(mem)
	defer buf.Release()
	buf.Resize(n * int(unsafe.Sizeof(zero)))
	vals := arrow.GetData[T](buf.Bytes())[:n]
	dst, err := ndarray.FromSlice(vals, shape...)
	if err != nil {
		return nil, err
	}
	if err := dst.SetFrom(src); err != nil {
		return nil, err
	}
	var bitmap *memory.Buffer
	nulls := 0
	if null != noNulls {
		for i, v := range vals {
			isNull := false
			switch null {
			case nanNulls:
				isNull = math.IsNaN(float64(v))
			case natNulls:
				isNull = int64(v) == math.MinInt64
			}
			if !isNull {
				continue
			}
			if bitmap == nil {
				bitmap = allBits(mem, n)
				defer bitmap.Release()
			}
			bitutil.ClearBit(bitmap.Bytes(), i)
			nulls++
		}
	}
	data := array.NewData(dt, n, []*memory.Buffer{bitmap, buf}, nil, nulls, 0)
	defer data.Release()
	return array.MakeFromData(data), nil
}

// allBits returns a validity bitmap of n set bits.
func allBits(mem memory.Allocator, n int) *memory.Buffer {
	b := memory.NewResizableBuffer(mem)
	b.Resize(int(bitutil.BytesForBits(int64(n))))
	bitutil.SetBitsTo(b.Bytes(), 0, int64(n), true)
	return b
}

// fillBool writes a boolean column (Arrow packs bits, ndarray bytes).
func fillBool(mem memory.Allocator, dt arrow.DataType, src *ndarray.Array, shape []int, _ nullTest) (arrow.Array, error) {
	n := size(shape)
	tmp := make([]bool, n)
	dst, err := ndarray.FromSlice(tmp, shape...)
	if err != nil {
		return nil, err
	}
	if err := dst.SetFrom(src); err != nil {
		return nil, err
	}
	buf := memory.NewResizableBuffer(mem)
	defer buf.Release()
	buf.Resize(int(bitutil.BytesForBits(int64(n))))
	bits := buf.Bytes()
	for i, v := range tmp {
		bitutil.SetBitTo(bits, i, v)
	}
	data := array.NewData(dt, n, []*memory.Buffer{nil, buf}, nil, 0, 0)
	defer data.Release()
	return array.MakeFromData(data), nil
}

// fillDates writes a column of formatted dates: idx, broadcast to shape,
// holds for each row the position of its date in strs, or
// math.MinInt64 for null.
func fillDates(mem memory.Allocator, idx *ndarray.Array, strs []string, shape []int) (arrow.Array, error) {
	n := size(shape)
	pos := make([]int64, n)
	dst, err := ndarray.FromSlice(pos, shape...)
	if err != nil {
		return nil, err
	}
	if err := dst.SetFrom(idx); err != nil {
		return nil, err
	}
	b := array.NewStringBuilder(mem)
	defer b.Release()
	b.Reserve(n)
	bytes := 0
	for _, p := range pos {
		if p >= 0 {
			bytes += len(strs[p])
		}
	}
	b.ReserveData(bytes)
	for _, p := range pos {
		if p < 0 {
			b.AppendNull()
			continue
		}
		b.Append(strs[p])
	}
	return b.NewArray(), nil
}
