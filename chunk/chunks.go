package chunk

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Chunks gives the block lengths along each dimension, as dask spells
// them: Chunks{{2, 2, 1}, {3, 3}} splits shape (5, 6) into a 3 x 2 grid of
// blocks. Every dimension has at least one block; a dimension of length 0
// has the single block length 0.
type Chunks [][]int

// Regular returns the chunks that split shape into blocks of size along
// each dimension (the last block of a dimension may be shorter). A size
// of 0 or less, or larger than the dimension, keeps the dimension whole.
func Regular(shape, size []int) Chunks {
	c := make(Chunks, len(shape))
	for i, n := range shape {
		s := n
		if i < len(size) && size[i] > 0 && size[i] < n {
			s = size[i]
		}
		c[i] = split(n, s)
	}
	return c
}

// split cuts n into pieces of s (the last one shorter).
func split(n, s int) []int {
	if n == 0 || s <= 0 {
		return []int{n}
	}
	out := make([]int, 0, (n+s-1)/s)
	for n > 0 {
		out = append(out, min(s, n))
		n -= s
	}
	return out
}

// DefaultBlockBytes is the size Auto aims for: about 64 MiB decoded, big
// enough that per-task overhead vanishes, small enough that every core
// can hold a few blocks within a modest memory budget.
const DefaultBlockBytes = 64 << 20

// Auto returns chunks for an array of the given shape and element size
// whose blocks hold at most about target bytes (DefaultBlockBytes if
// target <= 0): trailing dimensions are kept whole as long as possible and
// the outermost dimension that does not fit is split evenly, so that
// blocks are contiguous slabs of the array in row-major order.
func Auto(shape []int, itemSize int, target int64) Chunks {
	if target <= 0 {
		target = DefaultBlockBytes
	}
	size := make([]int, len(shape))
	inner := int64(max(itemSize, 1))
	for i := len(shape) - 1; i >= 0; i-- {
		n := int64(shape[i])
		if inner*n <= target || n == 0 {
			size[i] = shape[i]
			inner *= max(n, 1)
			continue
		}
		// Split this axis; every axis before it gets blocks of 1.
		per := max(1, target/inner)
		blocks := (n + per - 1) / per
		size[i] = int((n + blocks - 1) / blocks) // even pieces
		for j := range i {
			size[j] = 1
		}
		break
	}
	return Regular(shape, size)
}

// Check reports whether c is a valid chunking of shape.
func (c Chunks) Check(shape []int) error {
	if len(c) != len(shape) {
		return fmt.Errorf("chunk: %d chunk dimensions for shape %v", len(c), shape)
	}
	for i, d := range c {
		if len(d) == 0 {
			return fmt.Errorf("chunk: dimension %d has no chunks", i)
		}
		sum := 0
		for _, n := range d {
			if n < 0 || (n == 0 && shape[i] != 0) {
				return fmt.Errorf("chunk: dimension %d has chunk length %d", i, n)
			}
			sum += n
		}
		if sum != shape[i] {
			return fmt.Errorf("chunk: chunks %v of dimension %d sum to %d, not its length %d", d, i, sum, shape[i])
		}
	}
	return nil
}

// Grid returns the number of blocks along each dimension.
func (c Chunks) Grid() []int {
	g := make([]int, len(c))
	for i, d := range c {
		g[i] = len(d)
	}
	return g
}

// NumBlocks returns the number of blocks.
func (c Chunks) NumBlocks() int {
	n := 1
	for _, d := range c {
		n *= len(d)
	}
	return n
}

// Offsets returns the start of every block along dimension axis, and the
// dimension's length as a final element.
func (c Chunks) Offsets(axis int) []int {
	off := make([]int, len(c[axis])+1)
	for i, n := range c[axis] {
		off[i+1] = off[i] + n
	}
	return off
}

// Block returns the start and shape of the block at index block. It
// takes time proportional to the block index; code that locates many
// blocks uses a layout.
func (c Chunks) Block(block []int) (start, shape []int) {
	return newLayout(c).block(block)
}

// layout is a chunking with the offsets of its blocks precomputed, to
// locate blocks in constant time.
type layout struct {
	c   Chunks
	off [][]int // per axis: Offsets(axis)
}

func newLayout(c Chunks) layout {
	l := layout{c: c, off: make([][]int, len(c))}
	for ax := range c {
		l.off[ax] = c.Offsets(ax)
	}
	return l
}

// block returns the start and shape of the block at index b.
func (l layout) block(b []int) (start, shape []int) {
	start = make([]int, len(l.c))
	shape = make([]int, len(l.c))
	for ax, i := range b {
		start[ax] = l.off[ax][i]
		shape[ax] = l.c[ax][i]
	}
	return start, shape
}

// Clone returns a deep copy.
func (c Chunks) Clone() Chunks {
	out := make(Chunks, len(c))
	for i, d := range c {
		out[i] = slices.Clone(d)
	}
	return out
}

// Equal reports whether c and d are the same chunking.
func (c Chunks) Equal(d Chunks) bool {
	return slices.EqualFunc(c, d, func(a, b []int) bool { return slices.Equal(a, b) })
}

// String formats c as dask does: ((2, 2, 1), (3, 3)), with long runs of
// equal blocks abbreviated: ((124 x 10, 80), (256), (512)).
func (c Chunks) String() string {
	var sb strings.Builder
	sb.WriteByte('(')
	for i, d := range c {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('(')
		for j := 0; j < len(d); {
			k := j
			for k < len(d) && d[k] == d[j] {
				k++
			}
			if j > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(strconv.Itoa(d[j]))
			if k-j > 2 {
				sb.WriteString(" x " + strconv.Itoa(k-j))
			} else if k-j == 2 {
				sb.WriteString(", " + strconv.Itoa(d[j]))
			}
			j = k
		}
		sb.WriteByte(')')
	}
	sb.WriteByte(')')
	return sb.String()
}

// unify returns the coarsest chunking of one dimension that refines
// both a and b (the union of their block boundaries). They must cover the
// same length.
func unify(a, b []int) []int {
	if slices.Equal(a, b) {
		return a
	}
	var out []int
	i, j, ra, rb := 0, 0, 0, 0
	if len(a) > 0 {
		ra = a[0]
	}
	if len(b) > 0 {
		rb = b[0]
	}
	for i < len(a) && j < len(b) {
		n := min(ra, rb)
		if n > 0 {
			out = append(out, n)
		}
		ra -= n
		rb -= n
		if ra == 0 {
			i++
			if i < len(a) {
				ra = a[i]
			}
		}
		if rb == 0 {
			j++
			if j < len(b) {
				rb = b[j]
			}
		}
	}
	if len(out) == 0 {
		return []int{0}
	}
	return out
}
