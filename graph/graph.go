package graph

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
)

// Kind classifies a task for the scheduler.
type Kind uint8

const (
	// Root tasks bring data in from outside the graph (read a file, call
	// a loader, slice an in-memory source). The scheduler admits them
	// under its memory budget. A Root layer has no inputs, but a fused
	// task (see Build) that contains a root is a Root task too and may
	// have inputs: the scheduler admits it as a root once its inputs
	// exist.
	Root Kind = iota + 1
	// Compute tasks transform their inputs.
	Compute
	// Reduce tasks merge partial results (the steps of a fold).
	Reduce
)

func (k Kind) String() string {
	switch k {
	case Root:
		return "root"
	case Compute:
		return "compute"
	case Reduce:
		return "reduce"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// TaskFunc computes one task's value from its inputs' values, in the
// order of Task.Inputs. It must not keep or modify its inputs unless it
// is their only consumer (a fold step owns its accumulator).
type TaskFunc func(x *Exec, in []any) (any, error)

// Exec is what a running task may use besides its inputs: the run's
// context (cancelled on the first error), the run's cache of decoded
// chunks, and counters the scheduler reports as progress. The scheduler
// makes one Exec per run and shares it between all tasks; its methods may
// be called concurrently.
type Exec struct {
	Ctx   context.Context
	Cache Cache // nil when the run has no cache

	bytesRead atomic.Int64
	cacheHits atomic.Int64
}

// AddRead records n bytes read from outside (files), for progress and
// statistics.
func (x *Exec) AddRead(n int64) { x.bytesRead.Add(n) }

// AddCacheHit records a value served from the cache instead of read.
func (x *Exec) AddCacheHit() { x.cacheHits.Add(1) }

// BytesRead returns the bytes recorded by AddRead so far.
func (x *Exec) BytesRead() int64 { return x.bytesRead.Load() }

// CacheHits returns the hits recorded by AddCacheHit so far.
func (x *Exec) CacheHits() int64 { return x.cacheHits.Load() }

// Cache keeps values between runs, with a cost in bytes. Implementations
// must be safe for concurrent use. Keys identify both the computation and
// the state of its sources (for files: path, size and modification time),
// so a changed source is never served stale.
type Cache interface {
	Get(key string) (any, bool)
	Set(key string, v any, cost int64)
}

// ID is a layer's identity: a digest of its operation, parameters and
// input layers' identities. Building the same expression twice gives
// layers with equal IDs, which a graph merges into one.
type ID [16]byte

// MakeID returns the identity of a layer computing op (an operation name
// with its parameters, written so that different parameters give
// different strings) on the given inputs.
func MakeID(op string, inputs ...*Layer) ID {
	h := sha256.New()
	// The length prefix keeps op unambiguous: without it, an op ending
	// in a zero byte and an input's identity would hash like a shorter
	// op with one more input.
	h.Write(binary.AppendUvarint(nil, uint64(len(op))))
	h.Write([]byte(op))
	for _, in := range inputs {
		h.Write([]byte{0})
		h.Write(in.id[:])
	}
	var id ID
	copy(id[:], h.Sum(nil))
	return id
}

func (id ID) String() string { return hex.EncodeToString(id[:6]) }

// Ref names one block of one input of a layer: Input indexes the layer's
// inputs, Block is the input layer's block in row-major (flat) order.
type Ref struct {
	Input int
	Block int
}

// Layer is a symbolic layer: one operation over a grid of blocks. It
// knows, for each of its blocks, which blocks of its input layers that
// block needs (Deps), how to compute it from them (Func), and how many
// bytes computing it holds at most (Bytes). Nothing is materialised per
// block until a Plan is built, and then only for the blocks the outputs
// need.
//
// A fold layer (NewFold) reduces the blocks each output block depends on
// in the fixed order Deps lists them, one step at a time.
type Layer struct {
	id     ID
	name   string
	kind   Kind
	grid   []int
	inputs []*Layer

	deps  func(block []int, dst []Ref) []Ref
	fn    func(block []int) TaskFunc
	bytes func(block []int) int64
	fold  *Fold
	key   func(block []int) string // cache key of a root block; nil: not cached
}

// Spec describes a layer for NewLayer.
type Spec struct {
	// Op identifies the operation and its parameters; with the inputs'
	// identities it makes the layer's ID.
	Op string
	// Name is the readable name used in errors, statistics and drawings
	// ("read-t2m", "mean").
	Name string
	// Kind is the kind of the layer's tasks; zero means Compute.
	Kind Kind
	// Grid is the number of blocks along each axis.
	Grid   []int
	Inputs []*Layer
	// Deps appends to dst the input blocks that block needs, in the
	// order its TaskFunc receives them. Nil means blockwise: each input
	// contributes its block with the same index (inputs whose grid has
	// 1 along an axis contribute block 0 along it, as broadcasting).
	// Build checks what Deps returns: a reference to an input or a
	// block that does not exist is an error wrapping ErrDeps.
	//
	// Deps, Func, Bytes and CacheKey must not modify block; Func may
	// keep it.
	Deps func(block []int, dst []Ref) []Ref
	// Func returns the task function of a block.
	Func func(block []int) TaskFunc
	// Bytes returns the most bytes computing a block holds at once: its
	// output and whatever it allocates while running, not its inputs.
	// Nil means 0; a negative count is taken as 0.
	Bytes func(block []int) int64
	// CacheKey, for a Root layer, returns the cache key of a block's
	// value (which identifies the source's state); "" or nil: not cached.
	CacheKey func(block []int) string
}

// NewLayer returns the layer described by s. It panics if s is
// malformed (no Func, a nil input, a negative grid, an unknown Kind, a
// Root with inputs, a blockwise layer whose inputs' grids do not match),
// which is a bug in the caller. The layer keeps copies of s.Grid and
// s.Inputs.
func NewLayer(s Spec) *Layer {
	if s.Func == nil {
		panic("graph: layer " + s.Name + " has no Func")
	}
	if s.Kind == 0 {
		s.Kind = Compute
	}
	if s.Kind > Reduce {
		panic(fmt.Sprintf("graph: layer %s has unknown kind %v", s.Name, s.Kind))
	}
	if s.Kind == Root && len(s.Inputs) > 0 {
		panic("graph: root layer " + s.Name + " has inputs")
	}
	for i, in := range s.Inputs {
		if in == nil {
			panic(fmt.Sprintf("graph: layer %s has a nil input %d", s.Name, i))
		}
	}
	for _, n := range s.Grid {
		if n < 0 {
			panic(fmt.Sprintf("graph: layer %s has grid %v", s.Name, s.Grid))
		}
	}
	l := &Layer{
		id: MakeID(s.Op, s.Inputs...), name: s.Name, kind: s.Kind,
		grid: append([]int(nil), s.Grid...), inputs: slices.Clone(s.Inputs),
		deps: s.Deps, fn: s.Func, bytes: s.Bytes, key: s.CacheKey,
	}
	if l.deps == nil {
		for _, in := range s.Inputs {
			if len(in.grid) != len(s.Grid) {
				panic(fmt.Sprintf("graph: blockwise layer %s (grid %v) has input %s with grid %v", s.Name, s.Grid, in.name, in.grid))
			}
			for i, n := range in.grid {
				if n != 1 && n != s.Grid[i] {
					panic(fmt.Sprintf("graph: blockwise layer %s (grid %v) has input %s with grid %v", s.Name, s.Grid, in.name, in.grid))
				}
			}
		}
	}
	return l
}

// Fold describes how a fold layer reduces the input blocks of each of its
// blocks: acc = Init(block); acc = Step(acc, in_k) for each input block k
// in the order Deps lists them; value = Finish(acc). Each step is a
// Reduce task that owns acc and may update it in place; steps run in
// order, so the result does not depend on which input finished first.
// Step is required; a nil Init starts from a nil acc and a nil Finish
// returns acc as it is.
type Fold struct {
	Init   func(block []int) (any, error)
	Step   func(x *Exec, acc, in any) (any, error)
	Finish func(x *Exec, acc any) (any, error)
}

// FoldSpec describes a fold layer for NewFold: Spec's fields (Func is
// unused; Kind is Reduce) and the fold.
type FoldSpec struct {
	Spec
	Fold Fold
}

// NewFold returns a fold layer. Its Deps and Fold.Step must be given: it
// panics otherwise.
func NewFold(s FoldSpec) *Layer {
	if s.Deps == nil {
		panic("graph: fold layer " + s.Name + " needs Deps")
	}
	if s.Fold.Step == nil {
		panic("graph: fold layer " + s.Name + " needs Fold.Step")
	}
	s.Kind = Reduce
	s.Func = func([]int) TaskFunc { return nil }
	l := NewLayer(s.Spec)
	f := s.Fold
	l.fold = &f
	return l
}

// ID returns the layer's identity.
func (l *Layer) ID() ID { return l.id }

// Name returns the layer's readable name.
func (l *Layer) Name() string { return l.name }

// Kind returns the layer's task kind.
func (l *Layer) Kind() Kind { return l.kind }

// Grid returns a copy of the layer's block grid.
func (l *Layer) Grid() []int { return append([]int(nil), l.grid...) }

// Inputs returns the layer's input layers.
func (l *Layer) Inputs() []*Layer { return append([]*Layer(nil), l.inputs...) }

// NumBlocks returns the number of blocks of the layer.
func (l *Layer) NumBlocks() int {
	n := 1
	for _, g := range l.grid {
		n *= g
	}
	return n
}

// Deps appends the input blocks that block (given by its index along each
// axis) needs to dst.
func (l *Layer) Deps(block []int, dst []Ref) []Ref {
	if l.deps != nil {
		return l.deps(block, dst)
	}
	for i, in := range l.inputs {
		flat := 0
		for ax, n := range in.grid {
			b := block[ax]
			if n == 1 {
				b = 0
			}
			flat = flat*n + b
		}
		dst = append(dst, Ref{Input: i, Block: flat})
	}
	return dst
}

// BlockIndex returns the index along each axis of the flat block index
// flat of a grid (row-major).
func BlockIndex(grid []int, flat int, dst []int) []int {
	dst = append(dst[:0], make([]int, len(grid))...)
	for ax := len(grid) - 1; ax >= 0; ax-- {
		dst[ax] = flat % grid[ax]
		flat /= grid[ax]
	}
	return dst
}

// FlatIndex returns the row-major flat index of a block of a grid.
func FlatIndex(grid, block []int) int {
	flat := 0
	for ax, n := range grid {
		flat = flat*n + block[ax]
	}
	return flat
}

// BlockName formats a block of a layer as errors and drawings show it:
// "mean-t2m/3,0,0".
func BlockName(layer string, block []int) string {
	var sb strings.Builder
	sb.WriteString(layer)
	sb.WriteByte('/')
	for i, b := range block {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(strconv.Itoa(b))
	}
	return sb.String()
}
