package cdf

import (
	"errors"
	"fmt"
	"io"
	"math"
)

// maxStackRank is the rank up to which ReadRaw keeps its index arrays on
// the stack.
const maxStackRank = 8

// ReadRaw reads the hyperslab start, count (one element per dimension of
// variable v, outermost first) into dst, which must be exactly
// prod(count) * h.Vars[v].Type.Size() bytes long: the values as the file
// stores them, big-endian, in row-major order. Byte-swapping and decoding
// are the caller's, outside any lock.
//
// Contiguous runs are coalesced, so ReadRaw issues one r.ReadAt per run of
// adjacent bytes in the file: the innermost dimensions read whole merge
// with the next one out. A block of whole leading-dimension slabs of a
// fixed variable, or a block of whole records of a file's only record
// variable (whose records are packed), is one ReadAt; a record variable
// that shares its records with others takes at least one per record, the
// records being RecSize bytes apart.
//
// ReadRaw keeps no state and does not modify h, so it may be called from
// many goroutines at once on the same h and the same r, if r allows
// concurrent ReadAt calls as *os.File does. It never panics on bad
// arguments: a variable number out of range, a start or count of the
// wrong length, negative or outside the shape, or a dst of the wrong
// length is an error wrapping [ErrIndex]. A read that ends early wraps
// [ErrTruncated]; another read error is wrapped as is.
func ReadRaw(r io.ReaderAt, h *Header, v int, start, count []int64, dst []byte) error {
	return runs(h, v, start, count, int64(len(dst)), false, func(off, pos, n int64) error {
		return readFull(r, dst[pos:pos+n], off, h.Vars[v].Name)
	})
}

// runs checks the hyperslab start, count of variable v against a buffer
// of size bytes and calls fn with the file offset, the buffer position
// and the length of each run of adjacent bytes, in order. With grow, a
// record variable's hyperslab may reach beyond h.NumRecs (a writer's),
// up to 2^31-1 records.
func runs(h *Header, v int, start, count []int64, size int64, grow bool, fn func(off, pos, n int64) error) error {
	if h == nil {
		return fmt.Errorf("cdf: nil header: %w", ErrIndex)
	}
	shape, err := h.shape(v)
	if err != nil {
		return err
	}
	vr := &h.Vars[v]
	es := vr.Type.Size()
	if es == 0 {
		return fmt.Errorf("cdf: variable %q: unknown type %d: %w", vr.Name, vr.Type, ErrFormat)
	}
	rank := len(shape)
	if len(start) != rank || len(count) != rank {
		return fmt.Errorf("cdf: variable %q: start has %d elements and count %d, want its rank %d: %w",
			vr.Name, len(start), len(count), rank, ErrIndex)
	}
	if grow && vr.Record && rank > 0 {
		shape[0] = math.MaxInt32
	}
	n, ok := es, true
	for i := range rank {
		s, c := start[i], count[i]
		if s < 0 || c < 0 || s > shape[i] || c > shape[i]-s {
			return fmt.Errorf("cdf: variable %q: dimension %d: start %d, count %d outside its length %d: %w",
				vr.Name, i, s, c, shape[i], ErrIndex)
		}
		if n, ok = mulOK(n, c); !ok {
			return fmt.Errorf("cdf: variable %q: the hyperslab's size overflows 64 bits: %w", vr.Name, ErrIndex)
		}
	}
	var sbuf, ibuf [maxStackRank]int64
	stride, idx := sbuf[:0], ibuf[:0]
	if rank > maxStackRank {
		stride, idx = make([]int64, rank), make([]int64, rank)
	}
	stride, idx = stride[:rank], idx[:rank]

	// Byte strides in the file: row-major within the variable (within a
	// record, for a record variable) and RecSize between records.
	s := es
	for i := rank - 1; i >= 0; i-- {
		if i == 0 && vr.Record {
			stride[0] = h.RecSize
			break
		}
		stride[i] = s
		if s, ok = mulOK(s, shape[i]); !ok {
			return fmt.Errorf("cdf: variable %q: its size overflows 64 bits: %w", vr.Name, ErrFormat)
		}
	}
	if size != n {
		return fmt.Errorf("cdf: variable %q: the buffer has %d bytes, the hyperslab %d: %w", vr.Name, size, n, ErrIndex)
	}
	if n == 0 {
		return nil
	}

	// Merge the innermost dimensions into one run while the run fills the
	// stride of the next dimension out; the outer k dimensions remain.
	run, k := es, rank
	for k > 0 && run == stride[k-1] {
		k--
		run = count[k] * stride[k]
	}

	// Offsets of the first and the last run; the last bounds all others.
	if vr.Begin < 0 || h.RecSize < 0 {
		return fmt.Errorf("cdf: variable %q: negative offset or record size: %w", vr.Name, ErrFormat)
	}
	first := vr.Begin
	for i := 0; i < rank && ok; i++ {
		var d int64
		if d, ok = mulOK(start[i], stride[i]); ok {
			first, ok = addOK(first, d)
		}
	}
	last := first
	for i := 0; i < k && ok; i++ {
		var d int64
		if d, ok = mulOK(count[i]-1, stride[i]); ok {
			last, ok = addOK(last, d)
		}
	}
	if ok {
		_, ok = addOK(last, run)
	}
	if !ok {
		return fmt.Errorf("cdf: variable %q: the hyperslab's offsets overflow 64 bits: %w", vr.Name, ErrFormat)
	}

	off, pos := first, int64(0)
	for {
		if err := fn(off, pos, run); err != nil {
			return err
		}
		pos += run
		// Advance the odometer over the outer k dimensions.
		i := k - 1
		for ; i >= 0; i-- {
			idx[i]++
			off += stride[i]
			if idx[i] < count[i] {
				break
			}
			off -= count[i] * stride[i]
			idx[i] = 0
		}
		if i < 0 {
			return nil
		}
	}
}

// readFull reads len(p) bytes at off.
func readFull(r io.ReaderAt, p []byte, off int64, name string) error {
	n, err := r.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		return fmt.Errorf("cdf: variable %q: data at offset %d ends after %d of %d bytes: %w", name, off, n, len(p), ErrTruncated)
	}
	return fmt.Errorf("cdf: variable %q: reading %d bytes at offset %d: %w", name, len(p), off, err)
}
