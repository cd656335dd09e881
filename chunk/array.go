package chunk

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/tesseradata/tessera/graph"
	"github.com/tesseradata/tessera/ndarray"
)

// Array is a lazy chunked N-dimensional array: a dtype, a shape, a
// chunking, and the graph layer that computes each block as an
// *ndarray.Array. Arrays are immutable values; every operation returns a
// new Array whose layer extends its inputs' layers. Nothing is computed
// until Compute, Persist or Blocks.
type Array struct {
	dtype  ndarray.DType
	shape  []int
	chunks Chunks
	layer  *graph.Layer
	// decoded is set when the array is Decode(src, codec): reductions
	// then fold src's raw blocks with codec's exact packed kernels
	// instead of decoding them.
	decoded *decoded
	// raw is set on a source read by a RawReader.
	raw *rawSource
}

type decoded struct {
	src   *Array
	codec *ndarray.Codec
}

// DType returns the element type.
func (a *Array) DType() ndarray.DType { return a.dtype }

// Shape returns a copy of the shape.
func (a *Array) Shape() []int { return slices.Clone(a.shape) }

// NDim returns the number of dimensions.
func (a *Array) NDim() int { return len(a.shape) }

// Size returns the number of elements.
func (a *Array) Size() int {
	n := 1
	for _, d := range a.shape {
		n *= d
	}
	return n
}

// Chunks returns a copy of the chunking.
func (a *Array) Chunks() Chunks { return a.chunks.Clone() }

// Layer returns the graph layer that computes the blocks (for drawing and
// for packages that build graphs of their own).
func (a *Array) Layer() *graph.Layer { return a.layer }

// Nbytes returns the decoded size of the whole array in bytes.
func (a *Array) Nbytes() int64 { return int64(a.Size()) * int64(a.dtype.Size()) }

// String describes the array without computing it:
// "chunk.Array<float32>[1460 256 512] chunks ((124 x 11, 96), (256), (512)) layer mean".
func (a *Array) String() string {
	return fmt.Sprintf("chunk.Array<%s>%v chunks %s layer %s", a.dtype, a.shape, a.chunks, a.layer.Name())
}

// blockBytes returns the decoded bytes of block b of a chunking.
func blockBytes(dt ndarray.DType, c Chunks, b []int) int64 {
	n := int64(dt.Size())
	for ax, i := range b {
		n *= int64(c[ax][i])
	}
	return n
}

// RawReader reads one block of a source as stored. It calls use once or
// more, each time with the stored bytes (row-major, in the Source's byte
// order) of a contiguous sub-block at origin within the block, of the
// given shape; together the calls cover the block exactly once. The bytes
// are valid only during the call: a reader may map them from the page
// cache rather than copy them, and deliver a file's interleaved records
// one by one. A reduction of Decode(source, codec) folds them straight
// into the codec's packed kernels, byte-swapping and accumulating in one
// pass without ever holding the block; every other consumer gets the
// block decoded into an array. It is called from several goroutines at
// once.
type RawReader func(x *graph.Exec, start, shape []int, use func(raw []byte, origin, shape []int) error) error

// rawSource is what Reduce needs to read the blocks of a raw source (or
// of a concatenation of raw sources) itself: read calls use with the
// stored bytes of block b, as a RawReader does.
type rawSource struct {
	read  func(x *graph.Exec, b []int, use func(raw []byte, origin, shape []int) error) error
	order binary.ByteOrder
}

// box returns the ranges that select the part of the given shape at
// start.
func box(start, shape []int) []ndarray.Range {
	r := make([]ndarray.Range, len(start))
	for i := range r {
		r[i] = ndarray.Range{Start: start[i], Stop: start[i] + shape[i], Step: 1}
	}
	return r
}

// asArray returns a block's value as an array.
func asArray(v any) (*ndarray.Array, error) {
	if a, ok := v.(*ndarray.Array); ok {
		return a, nil
	}
	return nil, fmt.Errorf("chunk: block of unexpected type %T", v)
}

// asArrays converts every input of a task.
func asArrays(in []any) ([]*ndarray.Array, error) {
	out := make([]*ndarray.Array, len(in))
	for i, v := range in {
		a, err := asArray(v)
		if err != nil {
			return nil, err
		}
		out[i] = a
	}
	return out, nil
}

// Loader computes one block of a source: the part of the array of the
// given shape that starts at start. It may report the bytes it read with
// x.AddRead. It is called from several goroutines at once.
type Loader func(x *graph.Exec, start, shape []int) (*ndarray.Array, error)

// Source describes an array whose blocks come from outside the graph.
type Source struct {
	// Name names the layer in errors, statistics and drawings
	// ("read-t2m").
	Name  string
	DType ndarray.DType
	Shape []int
	// Chunks splits the array into blocks; nil means Auto with
	// BlockBytes.
	Chunks Chunks
	// BlockBytes is the block size Auto aims for when Chunks is nil;
	// zero means DefaultBlockBytes (64 MiB).
	BlockBytes int64
	// Load computes a block; or ReadRaw reads it as bytes in byte order
	// Order (exactly one of the two).
	Load    Loader
	ReadRaw RawReader
	Order   binary.ByteOrder
	// Key identifies the data and its state (a file's path, size,
	// modification time and variable). Two sources with the same Key
	// and chunks are one layer, and their blocks are cached under it
	// when the run has a cache. Empty: the source is unique and its
	// blocks are not cached.
	Key string
}

var uniq atomic.Uint64

// token returns a string no other call returns, for the identity of
// operations that carry a Go function (which cannot be compared).
func token() string { return fmt.Sprintf("#%d", uniq.Add(1)) }

// FromSource returns the lazy array s describes.
func FromSource(s Source) (*Array, error) {
	if (s.Load == nil) == (s.ReadRaw == nil) || s.ReadRaw != nil && s.Order == nil {
		return nil, fmt.Errorf("chunk: source %q needs either Load, or ReadRaw and Order", s.Name)
	}
	if !s.DType.Valid() {
		return nil, fmt.Errorf("chunk: source %q: %w: %v", s.Name, ndarray.ErrDType, s.DType)
	}
	for i, d := range s.Shape {
		if d < 0 {
			return nil, fmt.Errorf("chunk: source %q: dimension %d has negative length %d", s.Name, i, d)
		}
	}
	c := s.Chunks
	if c == nil {
		c = Auto(s.Shape, s.DType.Size(), s.BlockBytes)
	}
	if err := c.Check(s.Shape); err != nil {
		return nil, fmt.Errorf("chunk: source %q: %w", s.Name, err)
	}
	key := s.Key
	if key == "" {
		key = token()
	}
	name := s.Name
	if name == "" {
		name = "source"
	}
	c = c.Clone()
	lay := newLayout(c)
	dt, load, readRaw, order := s.DType, s.Load, s.ReadRaw, s.Order
	spec := graph.Spec{
		Op:   fmt.Sprintf("source:%s:%s:%v:%s", key, dt, s.Shape, c),
		Name: name, Kind: graph.Root, Grid: c.Grid(),
		Func: func(b []int) graph.TaskFunc {
			start, shape := lay.block(b)
			if readRaw != nil {
				return func(x *graph.Exec, _ []any) (any, error) {
					dst := ndarray.Zeros(dt, shape...)
					err := readRaw(x, start, shape, func(raw []byte, origin, sub []int) error {
						v, err := ndarray.FromBytes(dt, order, raw, sub...)
						if err == nil && len(sub) == 0 {
							v, err = v.Reshape() // a 0-d piece (FromBytes without a shape is 1-D)
						}
						if err != nil {
							return fmt.Errorf("chunk: raw reader of %s: %w", name, err)
						}
						d, err := dst.Slice(box(origin, sub)...)
						if err != nil {
							return fmt.Errorf("chunk: raw reader of %s: sub-block %v at %v: %w", name, sub, origin, err)
						}
						return d.SetFrom(v)
					})
					if err != nil {
						return nil, err
					}
					return dst, nil
				}
			}
			return func(x *graph.Exec, _ []any) (any, error) {
				v, err := load(x, start, shape)
				if err != nil {
					return nil, err
				}
				if v.DType() != dt || !slices.Equal(v.Shape(), shape) {
					return nil, fmt.Errorf("chunk: loader of %s returned %s%v for a block of %s%v", name, v.DType(), v.Shape(), dt, shape)
				}
				return v, nil
			}
		},
		Bytes: func(b []int) int64 { return blockBytes(dt, c, b) },
	}
	if s.Key != "" {
		spec.CacheKey = func(b []int) string { return s.Key + "/" + graph.BlockName(name, b) }
	}
	a := &Array{dtype: dt, shape: slices.Clone(s.Shape), chunks: c, layer: graph.NewLayer(spec)}
	if readRaw != nil {
		a.raw = &rawSource{order: order, read: func(x *graph.Exec, b []int, use func([]byte, []int, []int) error) error {
			start, shape := lay.block(b)
			return readRaw(x, start, shape, use)
		}}
	}
	return a, nil
}

// FromArray returns a chunked view of an in-memory array; its blocks are
// views of a, not copies (a must not change while the Array is in use).
// Nil chunks means Auto.
func FromArray(a *ndarray.Array, c Chunks) (*Array, error) {
	shape := a.Shape()
	if c == nil {
		c = Auto(shape, a.DType().Size(), 0)
	}
	if err := c.Check(shape); err != nil {
		return nil, err
	}
	c = c.Clone()
	lay := newLayout(c)
	dt := a.DType()
	layer := graph.NewLayer(graph.Spec{
		Op:   fmt.Sprintf("array:%p:%s", a, c),
		Name: "array", Kind: graph.Root, Grid: c.Grid(),
		Func: func(b []int) graph.TaskFunc {
			start, bs := lay.block(b)
			return func(*graph.Exec, []any) (any, error) { return a.Slice(box(start, bs)...) }
		},
		// A block is a view: running the task allocates nothing.
	})
	return &Array{dtype: dt, shape: shape, chunks: c, layer: layer}, nil
}

// blockwise returns an array of the given dtype and chunks whose block b
// is f applied to the block b of each input (inputs' grids equal, or 1
// along an axis to broadcast). op identifies the operation for layer
// identity; bytes is the projected size of an output block (nil: its
// decoded size).
func blockwise(op, name string, dt ndarray.DType, c Chunks, inputs []*Array,
	f func(b []int, in []*ndarray.Array) (*ndarray.Array, error)) *Array {
	layers := make([]*graph.Layer, len(inputs))
	for i, in := range inputs {
		layers[i] = in.layer
	}
	layer := graph.NewLayer(graph.Spec{
		Op: op, Name: name, Kind: graph.Compute, Grid: c.Grid(), Inputs: layers,
		Func: func(b []int) graph.TaskFunc {
			b = slices.Clone(b)
			return func(_ *graph.Exec, in []any) (any, error) {
				arrs, err := asArrays(in)
				if err != nil {
					return nil, err
				}
				return f(b, arrs)
			}
		},
		Bytes: func(b []int) int64 { return blockBytes(dt, c, b) },
	})
	return &Array{dtype: dt, shape: c.shape(), chunks: c, layer: layer}
}

// shape returns the shape a chunking covers.
func (c Chunks) shape() []int {
	s := make([]int, len(c))
	for i, d := range c {
		for _, n := range d {
			s[i] += n
		}
	}
	return s
}

// describe lists the arrays for error messages.
func describe(arrs []*Array) string {
	parts := make([]string, len(arrs))
	for i, a := range arrs {
		parts[i] = fmt.Sprintf("%s%v", a.dtype, a.shape)
	}
	return strings.Join(parts, ", ")
}
