package chunk

import (
	"fmt"
	"slices"

	"github.com/tesseradata/tessera/graph"
	"github.com/tesseradata/tessera/ndarray"
)

// Func computes an output block from the corresponding blocks of the
// inputs (broadcast against each other as numpy does). It must not
// modify its inputs.
type Func func(in ...*ndarray.Array) (*ndarray.Array, error)

// Map returns the lazy elementwise application of f to the arrays, which
// broadcast against each other by numpy's rules (shapes aligned at their
// last axis, length-1 axes stretched). Where the arrays' chunks differ
// along an axis, they are first rechunked to the coarsest common
// refinement, so each output block comes from exactly one block of each
// input. dt is the dtype f returns. name names the layer; Map calls with
// different functions never share a layer, whatever their names.
func Map(name string, dt ndarray.DType, f Func, arrays ...*Array) (*Array, error) {
	return mapOp("map:"+token(), name, dt, f, arrays...)
}

// mapOp is Map with a layer identity given by op, for the built-in
// operations (whose equal expressions may then merge).
func mapOp(op, name string, dt ndarray.DType, f Func, arrays ...*Array) (*Array, error) {
	if len(arrays) == 0 {
		return nil, fmt.Errorf("chunk: %s: no arrays", name)
	}
	shapes := make([][]int, len(arrays))
	for i, a := range arrays {
		shapes[i] = a.shape
	}
	shape, err := ndarray.BroadcastShapes(shapes...)
	if err != nil {
		return nil, fmt.Errorf("chunk: %s: %w", name, err)
	}
	nd := len(shape)
	// Common chunks along each output axis: the refinement of the
	// chunks of every input that is not broadcast along it.
	out := make(Chunks, nd)
	for ax := range out {
		for _, a := range arrays {
			i := ax - (nd - len(a.shape))
			if i < 0 || a.shape[i] != shape[ax] || (a.shape[i] == 1 && shape[ax] == 1 && out[ax] != nil) {
				continue
			}
			if out[ax] == nil {
				out[ax] = a.chunks[i]
			} else {
				out[ax] = unify(out[ax], a.chunks[i])
			}
		}
		if out[ax] == nil {
			out[ax] = []int{shape[ax]}
		}
	}
	ins := make([]*Array, len(arrays))
	for k, a := range arrays {
		want := make(Chunks, len(a.shape))
		for i := range a.shape {
			ax := i + nd - len(a.shape)
			if a.shape[i] == shape[ax] && shape[ax] != 1 {
				want[i] = out[ax]
			} else {
				want[i] = a.chunks[i]
			}
		}
		if ins[k], err = a.Rechunk(want); err != nil {
			return nil, fmt.Errorf("chunk: %s: %w", name, err)
		}
	}
	layers := make([]*graph.Layer, len(ins))
	for i, a := range ins {
		layers[i] = a.layer
	}
	grid := out.Grid()
	layer := graph.NewLayer(graph.Spec{
		Op: fmt.Sprintf("%s:%s:%s", op, dt, out), Name: name, Kind: graph.Compute,
		Grid: grid, Inputs: layers,
		Deps: func(b []int, dst []graph.Ref) []graph.Ref {
			for k, a := range ins {
				g := a.chunks.Grid()
				flat := 0
				for i, n := range g {
					bi := b[i+nd-len(g)]
					if n == 1 {
						bi = 0
					}
					flat = flat*n + bi
				}
				dst = append(dst, graph.Ref{Input: k, Block: flat})
			}
			return dst
		},
		Func: func(b []int) graph.TaskFunc {
			return func(_ *graph.Exec, in []any) (any, error) {
				arrs, err := asArrays(in)
				if err != nil {
					return nil, err
				}
				r, err := f(arrs...)
				if err != nil {
					return nil, err
				}
				if r.DType() != dt {
					return nil, fmt.Errorf("chunk: %s returned %s, declared %s", name, r.DType(), dt)
				}
				return r, nil
			}
		},
		Bytes: func(b []int) int64 { return blockBytes(dt, out, b) },
	})
	return &Array{dtype: dt, shape: shape, chunks: out, layer: layer}, nil
}

// resultType returns the dtype f gives for inputs of the given dtypes,
// found by applying f to 0-dimensional zeros: ndarray's promotion rules
// stay in one place.
func resultType(f Func, dts ...ndarray.DType) (ndarray.DType, error) {
	in := make([]*ndarray.Array, len(dts))
	for i, dt := range dts {
		in[i] = ndarray.Zeros(dt)
	}
	r, err := f(in...)
	if err != nil {
		return 0, err
	}
	return r.DType(), nil
}

// Binary returns the lazy a op b (see ndarray.Binary).
func Binary(op ndarray.BinaryOp, a, b *Array) (*Array, error) {
	f := func(in ...*ndarray.Array) (*ndarray.Array, error) { return ndarray.Binary(op, in[0], in[1]) }
	dt, err := resultType(f, a.dtype, b.dtype)
	if err != nil {
		return nil, fmt.Errorf("chunk: %s of %s: %w", op, describe([]*Array{a, b}), err)
	}
	return mapOp("binary:"+op.String(), op.String(), dt, f, a, b)
}

// BinaryScalar returns the lazy a op s (see ndarray.BinaryScalar).
func BinaryScalar(op ndarray.BinaryOp, a *Array, s float64) (*Array, error) {
	f := func(in ...*ndarray.Array) (*ndarray.Array, error) { return ndarray.BinaryScalar(op, in[0], s) }
	dt, err := resultType(f, a.dtype)
	if err != nil {
		return nil, fmt.Errorf("chunk: %s of %s and %v: %w", op, describe([]*Array{a}), s, err)
	}
	return mapOp(fmt.Sprintf("binary-scalar:%s:%v", op, s), op.String(), dt, f, a)
}

// ScalarBinary returns the lazy s op a (see ndarray.ScalarBinary).
func ScalarBinary(op ndarray.BinaryOp, s float64, a *Array) (*Array, error) {
	f := func(in ...*ndarray.Array) (*ndarray.Array, error) { return ndarray.ScalarBinary(op, s, in[0]) }
	dt, err := resultType(f, a.dtype)
	if err != nil {
		return nil, fmt.Errorf("chunk: %s of %v and %s: %w", op, s, describe([]*Array{a}), err)
	}
	return mapOp(fmt.Sprintf("scalar-binary:%s:%v", op, s), op.String(), dt, f, a)
}

// Compare returns the lazy Bool array a op b.
func Compare(op ndarray.CompareOp, a, b *Array) (*Array, error) {
	f := func(in ...*ndarray.Array) (*ndarray.Array, error) { return ndarray.Compare(op, in[0], in[1]) }
	if _, err := resultType(f, a.dtype, b.dtype); err != nil {
		return nil, fmt.Errorf("chunk: %s of %s: %w", op, describe([]*Array{a, b}), err)
	}
	return mapOp("compare:"+op.String(), op.String(), ndarray.Bool, f, a, b)
}

// Unary returns the lazy op(a) (see ndarray.Unary).
func Unary(op ndarray.UnaryOp, a *Array) (*Array, error) {
	f := func(in ...*ndarray.Array) (*ndarray.Array, error) { return ndarray.Unary(op, in[0]) }
	dt, err := resultType(f, a.dtype)
	if err != nil {
		return nil, fmt.Errorf("chunk: %s of %s: %w", op, describe([]*Array{a}), err)
	}
	return mapOp("unary:"+op.String(), op.String(), dt, f, a)
}

// Where returns the lazy where(cond, a, b) (see ndarray.Where).
func Where(cond, a, b *Array) (*Array, error) {
	f := func(in ...*ndarray.Array) (*ndarray.Array, error) { return ndarray.Where(in[0], in[1], in[2]) }
	dt, err := resultType(f, cond.dtype, a.dtype, b.dtype)
	if err != nil {
		return nil, fmt.Errorf("chunk: where of %s: %w", describe([]*Array{cond, a, b}), err)
	}
	return mapOp("where", "where", dt, f, cond, a, b)
}

// Astype returns the lazy conversion of a to dt (a itself if it has that
// dtype already).
func (a *Array) Astype(dt ndarray.DType) (*Array, error) {
	if a.dtype == dt {
		return a, nil
	}
	if !dt.Valid() {
		return nil, fmt.Errorf("chunk: astype: %w: %v", ndarray.ErrDType, dt)
	}
	return mapOp("astype:"+dt.String(), "astype", dt, func(in ...*ndarray.Array) (*ndarray.Array, error) {
		return in[0].Astype(dt)
	}, a)
}

// Decode returns the lazy decoding of stored values a (whose dtype must be
// c.Stored) under c: mask and scale (see ndarray.Codec.Decode). Reductions
// of the result fold a's raw blocks with c's exact packed kernels, without
// decoding them.
func Decode(a *Array, c *ndarray.Codec) (*Array, error) {
	if a.dtype != c.Stored {
		return nil, fmt.Errorf("chunk: decode %s with a codec for %s: %w", a.dtype, c.Stored, ndarray.ErrDType)
	}
	probe, err := c.Decode(ndarray.Zeros(a.dtype))
	if err != nil {
		return nil, fmt.Errorf("chunk: decode: %w", err)
	}
	cc := *c
	cc.Missing = slices.Clone(c.Missing)
	d, err := mapOp(fmt.Sprintf("decode:%+v", cc), "decode", probe.DType(), func(in ...*ndarray.Array) (*ndarray.Array, error) {
		return cc.Decode(in[0])
	}, a)
	if err != nil {
		return nil, err
	}
	d.decoded = &decoded{src: a, codec: &cc}
	return d, nil
}

// MapBlocks returns the array whose block b is f(block b of a, b), for f
// that keep each block's shape (or change it to the shape chunks gives
// for block b; nil chunks means a's). dt is the dtype f returns.
func MapBlocks(name string, dt ndarray.DType, c Chunks, f func(block *ndarray.Array, index []int) (*ndarray.Array, error), a *Array) (*Array, error) {
	if c == nil {
		c = a.chunks
	}
	if !slices.Equal(c.Grid(), a.chunks.Grid()) {
		return nil, fmt.Errorf("chunk: map blocks %s: chunks %s do not have the block grid of %s", name, c, a.chunks)
	}
	c = c.Clone()
	lay := newLayout(c)
	return blockwise("map-blocks:"+token(), name, dt, c, []*Array{a}, func(b []int, in []*ndarray.Array) (*ndarray.Array, error) {
		r, err := f(in[0], b)
		if err != nil {
			return nil, err
		}
		if _, want := lay.block(b); r.DType() != dt || !slices.Equal(r.Shape(), want) {
			return nil, fmt.Errorf("chunk: map blocks %s returned %s%v for block %v, declared %s%v", name, r.DType(), r.Shape(), b, dt, want)
		}
		return r, nil
	}), nil
}
