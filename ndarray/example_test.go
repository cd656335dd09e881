package ndarray_test

import (
	"errors"
	"fmt"
	"math"

	"github.com/tesseradata/tessera/ndarray"
)

func Example() {
	// Six temperatures in kelvin, two rows of three stations.
	k, _ := ndarray.FromSlice([]float32{273, 280, 291, 300, 250, 263}, 2, 3)

	// A Python-style scalar keeps the array's dtype (NEP 50).
	c, _ := ndarray.BinaryScalar(ndarray.SubOp, k, 273)
	fmt.Println(c)

	// A per-station offset broadcasts along the rows.
	offset, _ := ndarray.FromSlice([]float32{0.5, -1, 2})
	adj, _ := ndarray.Add(c, offset)
	fmt.Println(adj)

	// Freezing stations, and the temperature clipped at zero.
	frost, _ := ndarray.CompareScalar(ndarray.LessOp, adj, 0)
	fmt.Println(frost)
	clipped, _ := ndarray.Where(frost, ndarray.Scalar(float32(0)), adj)
	fmt.Println(clipped)

	// Views share data: the transpose sees a write to the original.
	tr, _ := clipped.Transpose()
	clipped.Set(math.NaN(), 0, 1)
	fmt.Println(tr)
	// Output:
	// [[0 7 18],
	//  [27 -23 -10]] float32[2 3]
	// [[0.5 6 20],
	//  [27.5 -24 -8]] float32[2 3]
	// [[false false false],
	//  [false true true]] bool[2 3]
	// [[0.5 6 20],
	//  [27.5 0 0]] float32[2 3]
	// [[0.5 27.5],
	//  [NaN 0],
	//  [20 0]] float32[3 2]
}

func ExampleArray_Slice() {
	a := ndarray.Arange(ndarray.Int32, 0, 10, 1)

	every3rd, _ := a.Slice(ndarray.Range{Start: 1, Stop: math.MaxInt, Step: 3})
	fmt.Println(every3rd)

	// Positions are absolute; a negative step walks down while above Stop.
	reversed, _ := a.Slice(ndarray.Range{Start: 9, Stop: -1, Step: -1})
	fmt.Println(reversed)
	evensDown, _ := a.Slice(ndarray.Range{Start: 8, Stop: 0, Step: -2})
	fmt.Println(evensDown)

	// Stop is clipped to the axis; Start is not.
	tail, _ := a.Slice(ndarray.Range{Start: 7, Stop: 100, Step: 1})
	fmt.Println(tail)
	_, err := a.Slice(ndarray.Range{Start: 11, Stop: 12, Step: 1})
	fmt.Println(errors.Is(err, ndarray.ErrIndex), err)
	// Output:
	// [1 4 7] int32[3]
	// [9 8 7 6 5 4 3 2 1 0] int32[10]
	// [8 6 4 2] int32[4]
	// [7 8 9] int32[3]
	// true ndarray: slice axis 0 of length 10: start 11 outside [0, 10]: index out of range
}

func ExampleArray_Reshape() {
	a, _ := ndarray.Arange(ndarray.Int64, 0, 6, 1).Reshape(2, -1)
	fmt.Println(a)

	// A contiguous array reshapes to a view...
	flat, _ := a.Reshape(6)
	flat.Set(100, 0)
	fmt.Println(a.At(0, 0))

	// ... anything else to a copy, in the view's row-major order.
	tr, _ := a.Transpose()
	c, _ := tr.Reshape(6)
	c.Set(-1, 1)
	fmt.Println(c, a.At(1, 0))
	// Output:
	// [[0 1 2],
	//  [3 4 5]] int64[2 3]
	// 100
	// [100 -1 1 4 2 5] int64[6] 3
}

func ExampleBinaryScalar() {
	i16, _ := ndarray.FromSlice([]int16{1, 2, 32767})
	f32, _ := ndarray.FromSlice([]float32{1, 2, 3})

	a, _ := ndarray.BinaryScalar(ndarray.AddOp, i16, 2) // wraps, as numpy does
	b, _ := ndarray.BinaryScalar(ndarray.AddOp, i16, 2.5)
	c, _ := ndarray.BinaryScalar(ndarray.AddOp, f32, 2.5)
	d, _ := ndarray.BinaryScalar(ndarray.DivOp, i16, 2)
	_, err := ndarray.BinaryScalar(ndarray.AddOp, i16, 40000)
	fmt.Println(a)
	fmt.Println(b)
	fmt.Println(c)
	fmt.Println(d)
	fmt.Println(err)
	// Output:
	// [3 4 -32767] int16[3]
	// [3.5 4.5 32769.5] float64[3]
	// [3.5 4.5 5.5] float32[3]
	// [0.5 1 16383.5] float64[3]
	// ndarray: scalar 40000 does not fit int16: value out of range
}

func ExampleArray_Astype() {
	a, _ := ndarray.FromSlice([]int16{-1, 255, 300})
	u8, _ := a.Astype(ndarray.Uint8) // integers wrap
	fmt.Println(u8)

	f, _ := ndarray.FromSlice([]float64{1.9, -1.9, math.NaN()})
	_, err := f.Astype(ndarray.Int32) // but NaN has no integer value
	fmt.Println(errors.Is(err, ndarray.ErrRange), err)
	b, _ := f.Astype(ndarray.Bool)
	fmt.Println(b)
	// Output:
	// [255 255 44] uint8[3]
	// true ndarray: astype float64 to int32: value NaN does not fit int32: value out of range
	// [true true true] bool[3]
}

func ExampleBroadcastShapes() {
	fmt.Println(ndarray.BroadcastShapes([]int{5, 1, 4}, []int{3, 1}, []int{}))
	_, err := ndarray.BroadcastShapes([]int{2, 3}, []int{4})
	fmt.Println(errors.Is(err, ndarray.ErrShape), err)
	// Output:
	// [5 3 4] <nil>
	// true ndarray: shapes [[2 3] [4]] do not broadcast (axis 1: 3 vs 4): shape mismatch
}

func ExampleWhere() {
	cond, _ := ndarray.FromSlice([]float64{0, math.NaN(), -2}) // NaN and -2 are true
	a, _ := ndarray.FromSlice([]int8{1, 2, 3})
	w, _ := ndarray.Where(cond, a, ndarray.Scalar(uint8(200)))
	fmt.Println(w)
	// Output:
	// [200 2 3] int16[3]
}
