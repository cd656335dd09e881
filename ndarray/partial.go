package ndarray

import (
	"math"
	"unsafe"

	"github.com/tesseradata/tessera/ndarray/internal/kernel"
)

// numPartial is the state of a reduction of values of type T, summed in
// accumulators of type A (int64 or uint64 for integer sums and means,
// float64 otherwise). Only the slices its op needs are allocated.
type numPartial[T Number, A kernel.Acc] struct {
	op   Op
	g    *geometry
	opts ReduceOptions
	m    kernel.Missing[T]

	// The number of elements accumulated into cell c is seenAll +
	// seen[c]: blocks that cover every cell (the usual case) count once
	// in seenAll instead of once per cell. seen is nil until a block
	// covers only some cells.
	seenAll int64
	seen    []int64
	miss    []int64 // of which missing; nil when m skips nothing

	sum      []A       // Sum, Mean
	mean, m2 []float64 // Var, Std: mean and sum of squared deviations of the valid values
	ext      []T       // Min, Max, ArgMin, ArgMax: the extremum so far
	idx      []int64   // ArgMin, ArgMax: its position (-1: none yet)
	first    []int64   // ArgMin, ArgMax: the first missing position (-1: none)
	flag     []bool    // Any, All
}

func (numK[T]) newPartial(op Op, g *geometry, opts ReduceOptions, missing []float64) (partial, error) {
	dt := DTypeOf[T]()
	switch {
	case dt.IsFloat() || op == Var || op == Std:
		return newNumPartial[T, float64](op, g, opts, missing), nil
	case op == Mean && dt.Size() == 8:
		// 64-bit integers could overflow an exact int64 sum; numpy also
		// averages them in float64.
		return newNumPartial[T, float64](op, g, opts, missing), nil
	case dt.IsUnsigned():
		return newNumPartial[T, uint64](op, g, opts, missing), nil
	}
	return newNumPartial[T, int64](op, g, opts, missing), nil
}

func (boolK) newPartial(Op, *geometry, ReduceOptions, []float64) (partial, error) {
	// Partial converts booleans to Int8 before they get here.
	return nil, ErrDType
}

func newNumPartial[T Number, A kernel.Acc](op Op, g *geometry, opts ReduceOptions, missing []float64) *numPartial[T, A] {
	p := &numPartial[T, A]{op: op, g: g, opts: opts}
	isFloat := isFloatType[T]()
	// Fill values that T cannot represent never match a stored value.
	var fills []T
	for _, f := range missing {
		if v := T(f); float64(v) == f {
			fills = append(fills, v)
		}
	}
	if len(fills) > 0 {
		p.m = kernel.Missing[T]{Fill: true, F1: fills[0], F2: fills[len(fills)-1]}
	} else if isFloat {
		// NaN must be detected to skip it, and always for the extrema
		// (min and max would otherwise ignore NaN rather than
		// propagate it) and for counting; a propagating sum lets it
		// flow through the arithmetic instead.
		switch op {
		case Sum, Mean, Var, Std, First, Last:
			p.m.NaN = opts.SkipNaN
		case Any, All:
		default:
			p.m.NaN = true
		}
	}
	n := g.cells
	// p.miss, the missing counts, is made when a block first has one
	// (see missing): data without gaps never needs it.
	switch op {
	case Sum, Mean:
		p.sum = getWords[A](n)
	case Var, Std:
		p.mean = getWords[float64](n)
		p.m2 = getWords[float64](n)
	case Min, Max, ArgMin, ArgMax, First, Last:
		p.ext = make([]T, n)
		if op == Min || op == Max {
			id := identity[T](op == Min)
			for i := range p.ext {
				p.ext[i] = id
			}
		} else {
			p.idx = getWords[int64](n)
			p.first = getWords[int64](n)
			for i := range p.idx {
				p.idx[i], p.first[i] = -1, -1
			}
		}
	case Any, All:
		p.flag = make([]bool, n)
		if op == All {
			for i := range p.flag {
				p.flag[i] = true
			}
		}
	}
	return p
}

// identity returns the largest value of T (the identity of min) or the
// smallest (of max): ±Inf for floats.
func identity[T Number](forMin bool) T {
	var z T
	var v any
	switch any(z).(type) {
	case float32:
		v = float32(math.Inf(-1))
		if forMin {
			v = float32(math.Inf(1))
		}
	case float64:
		v = math.Inf(-1)
		if forMin {
			v = math.Inf(1)
		}
	case int8:
		v = int8(math.MinInt8)
		if forMin {
			v = int8(math.MaxInt8)
		}
	case int16:
		v = int16(math.MinInt16)
		if forMin {
			v = int16(math.MaxInt16)
		}
	case int32:
		v = int32(math.MinInt32)
		if forMin {
			v = int32(math.MaxInt32)
		}
	case int64:
		v = int64(math.MinInt64)
		if forMin {
			v = int64(math.MaxInt64)
		}
	case uint8:
		v = uint8(0)
		if forMin {
			v = uint8(math.MaxUint8)
		}
	case uint16:
		v = uint16(0)
		if forMin {
			v = uint16(math.MaxUint16)
		}
	case uint32:
		v = uint32(0)
		if forMin {
			v = uint32(math.MaxUint32)
		}
	case uint64:
		v = uint64(0)
		if forMin {
			v = uint64(math.MaxUint64)
		}
	}
	return v.(T)
}

// walk runs fn over the rows of block x at origin, with the cells of each
// row addressed through cellStr from cellBase (the region's result cells,
// or a scratch box) and its positions within the reduced axes through the
// geometry. fn gets the offsets (x, cell, position), the row length and
// the strides; a cell stride of 0 means the whole row falls into one cell.
func (p *numPartial[T, A]) walk(x *Array, origin, cellStr []int, cellBase int, fn func(o []int, n int, s []int)) {
	red := 0
	for i, o := range origin {
		red += o * p.g.redStr[i]
	}
	r := newRows(x.shape, x.strides, cellStr, p.g.redStr)
	base := []int{x.offset, cellBase, red}
	if last := len(r.shape) - 1; last >= 0 && r.strides[1][last] != 0 {
		// Rows into rows of cells: keep a tile of cells in cache.
		r.eachTiled(base, cellTile, fn)
		return
	}
	r.each(base, fn)
}

// addRows is accumulate for a sum whose block has contiguous rows that
// add into contiguous rows of cells, up to four rows at a time
// (kernel.AddRowsTo): the time mean. It reports false, doing nothing,
// for any other layout.
func (p *numPartial[T, A]) addRows(x *Array, origin []int, base int) bool {
	r := newRows(x.shape, x.strides, p.g.outStr)
	last := len(r.shape) - 1
	if last < 1 || r.strides[0][last] != 1 || r.strides[1][last] != 1 || r.strides[1][last-1] != 0 {
		return false
	}
	xd := x.data.([]T)
	r.eachGroup([]int{x.offset, base}, 1, rowTile, func(o []int, n int, _ []int, k, rs int) {
		kernel.AddRowsTo(p.sum, p.miss, o[1], xd, o[0], rs, k, n, p.m)
	})
	return true
}

// rowTile is the number of cells addRows updates before moving to the
// next rows. Four rows at a time already divide the accumulators' traffic
// by four, and longer runs stream the input better, so the tile is long.
const rowTile = 16384

// cellTile is the number of result cells a reduction updates before it
// moves to the next rows: 2048 float64 accumulators and missing counts
// take 32 KiB, which stays in a core's L1 cache.
const cellTile = 2048

// missing returns the missing counts, made (zero) on first use.
func (p *numPartial[T, A]) missing() []int64 {
	if p.miss == nil {
		p.miss = getWords[int64](p.g.cells)
	}
	return p.miss
}

func (p *numPartial[T, A]) accumulate(x *Array, origin []int) {
	if p.m.NaN || p.m.Fill {
		p.missing() // the kernels below count into it
	}
	xd := x.data.([]T)
	base := 0
	for i, o := range origin {
		base += o * p.g.outStr[i]
	}
	switch p.op {
	case Sum, Mean:
		if p.addRows(x, origin, base) {
			return
		}
		p.walk(x, origin, p.g.outStr, base, func(o []int, n int, s []int) {
			if s[1] != 0 {
				kernel.AddTo(p.sum, p.miss, o[1], s[1], xd, o[0], s[0], n, p.m)
				return
			}
			v, skipped := kernel.Sum[A](xd, o[0], s[0], n, p.m)
			p.sum[o[1]] += v
			if skipped > 0 {
				p.miss[o[1]] += skipped
			}
		})
	case Count:
		p.walk(x, origin, p.g.outStr, base, func(o []int, n int, s []int) {
			if s[1] != 0 {
				kernel.CountTo(p.miss, o[1], s[1], xd, o[0], s[0], n, p.m)
				return
			}
			if skipped := kernel.Count(xd, o[0], s[0], n, p.m); skipped > 0 {
				p.miss[o[1]] += skipped
			}
		})
	case Min, Max:
		isMin := p.op == Min
		p.walk(x, origin, p.g.outStr, base, func(o []int, n int, s []int) {
			c := o[1]
			switch {
			case s[1] != 0 && isMin:
				kernel.MinTo(p.ext, p.miss, c, s[1], xd, o[0], s[0], n, p.m)
				return
			case s[1] != 0:
				kernel.MaxTo(p.ext, p.miss, c, s[1], xd, o[0], s[0], n, p.m)
				return
			}
			var skipped int64
			if isMin {
				p.ext[c], skipped = kernel.Min(p.ext[c], xd, o[0], s[0], n, p.m)
			} else {
				p.ext[c], skipped = kernel.Max(p.ext[c], xd, o[0], s[0], n, p.m)
			}
			if skipped > 0 {
				p.miss[c] += skipped
			}
		})
	case ArgMin, ArgMax:
		isMax := p.op == ArgMax
		p.walk(x, origin, p.g.outStr, base, func(o []int, n int, s []int) {
			if s[1] != 0 {
				kernel.ArgTo(isMax, p.ext, p.idx, p.first, o[1], s[1], xd, o[0], s[0], n, int64(o[2]), p.m)
				return
			}
			v, i, f := kernel.Arg(isMax, xd, o[0], s[0], n, int64(o[2]), int64(s[2]), p.m)
			p.mergeArg(o[1], v, i, f)
		})
	case First, Last:
		last := p.op == Last
		p.walk(x, origin, p.g.outStr, base, func(o []int, n int, s []int) {
			xi, c, r := o[0], o[1], int64(o[2])
			for range n {
				if v := xd[xi]; !p.m.Is(v) {
					if j := p.idx[c]; j < 0 || !last && r < j || last && r > j {
						p.ext[c], p.idx[c] = v, r
					}
				}
				xi += s[0]
				c += s[1]
				r += int64(s[2])
			}
		})
	case Any, All:
		isAll := p.op == All
		p.walk(x, origin, p.g.outStr, base, func(o []int, n int, s []int) {
			xi, c := o[0], o[1]
			for range n {
				if isAll {
					p.flag[c] = p.flag[c] && xd[xi] != 0
				} else {
					p.flag[c] = p.flag[c] || xd[xi] != 0
				}
				xi += s[0]
				c += s[1]
			}
		})
	case Var, Std:
		p.accumulateMoments(x, origin, base)
	}
}

// accumulateRaw16 is accumulate for the hot path of packed files: a sum or
// mean of raw 16-bit integers over a block whose contiguous rows run into
// rows of cells (kernel.AddRowsToRaw16) or each into one cell
// (kernel.SumRaw16), decoded from bytes as they are added. It reports
// false, doing nothing, when the block is not of that form.
func (p *numPartial[T, A]) accumulateRaw16(raw []byte, shape, origin []int, swap bool) bool {
	if p.op != Sum && p.op != Mean {
		return false
	}
	base := 0
	for i, o := range origin {
		base += o * p.g.outStr[i]
	}
	r := newRows(shape, contiguousStrides(shape), p.g.outStr)
	last := len(r.shape) - 1
	if last < 0 || r.strides[0][last] != 1 {
		return false
	}
	sum := any(p.sum).([]int64)
	m := any(p.m).(kernel.Missing[int16])
	if r.strides[1][last] == 0 {
		// Rows that reduce to one cell each (a global mean).
		r.each([]int{0, base}, func(o []int, n int, _ []int) {
			v, skipped := kernel.SumRaw16(raw[2*o[0]:], n, swap, m)
			sum[o[1]] += v
			if skipped > 0 {
				p.missing()[o[1]] += skipped
			}
		})
		return true
	}
	if r.strides[1][last] != 1 {
		return false
	}
	r.eachGroup([]int{0, base}, 1, rowTile, func(o []int, n int, _ []int, k, rs int) {
		if kernel.AddRowsToRaw16(sum, p.miss, o[1], raw, o[0], rs, k, n, swap, m) {
			// The first missing values: counted now that there is
			// somewhere to count them.
			kernel.CountRowsRaw16(p.missing(), o[1], raw, o[0], rs, k, n, swap, m)
		}
	})
	return true
}

// addSeen counts the elements of a block of the given shape at origin
// into the cells it covers.
func (p *numPartial[T, A]) addSeen(shape, origin []int) {
	k := p.g.perCell(shape)
	if p.g.coversAll(shape, origin) {
		p.seenAll += k
		return
	}
	if p.seen == nil {
		p.seen = getWords[int64](p.g.cells)
	}
	p.g.addToCells(p.seen, shape, origin, k)
}

// seenAt is the number of elements accumulated into cell c.
func (p *numPartial[T, A]) seenAt(c int) int64 {
	if p.seen == nil {
		return p.seenAll
	}
	return p.seenAll + p.seen[c]
}

// accumulateMoments folds a block into the variance state in two passes
// over the block (its per-cell sums, then the squared deviations from its
// per-cell means), and merges the block's (n, mean, M2) into each cell
// with Chan, Golub and LeVeque's update:
//
//	n = na + nb;  d = mean_b - mean_a
//	mean = mean_a + d·nb/n;  M2 = M2_a + M2_b + d²·na·nb/n
//
// The scratch state covers only the cells the block touches.
func (p *numPartial[T, A]) accumulateMoments(x *Array, origin []int, base int) {
	xd := x.data.([]T)
	// The box of result cells the block covers, with contiguous strides.
	box := make([]int, len(x.shape))
	for i, d := range x.shape {
		box[i] = d
		if p.g.reduced[i] {
			box[i] = 1
		}
	}
	boxStr := contiguousStrides(box)
	for i := range boxStr {
		if p.g.reduced[i] {
			boxStr[i] = 0
		}
	}
	nb := sizeOf(box)
	bsum := make([]float64, nb)
	var bmiss []int64
	if p.miss != nil {
		bmiss = make([]int64, nb)
	}
	p.walk(x, origin, boxStr, 0, func(o []int, n int, s []int) {
		if s[1] != 0 {
			kernel.AddTo(bsum, bmiss, o[1], s[1], xd, o[0], s[0], n, p.m)
			return
		}
		v, skipped := kernel.Sum[float64](xd, o[0], s[0], n, p.m)
		bsum[o[1]] += v
		if skipped > 0 {
			bmiss[o[1]] += skipped
		}
	})
	k := p.g.perCell(x.shape)
	bn := make([]int64, nb)
	for c := range bsum {
		bn[c] = k
		if bmiss != nil {
			bn[c] -= bmiss[c]
		}
		if bn[c] > 0 {
			bsum[c] /= float64(bn[c]) // now the block mean
		}
	}
	bm2 := make([]float64, nb)
	p.walk(x, origin, boxStr, 0, func(o []int, n int, s []int) {
		if s[1] != 0 {
			kernel.SqDevTo(bm2, bsum, o[1], s[1], xd, o[0], s[0], n, p.m)
			return
		}
		bm2[o[1]] += kernel.SqDev(xd, o[0], s[0], n, bsum[o[1]], p.m)
	})
	outStr := make([]int, len(box))
	for i := range box {
		outStr[i] = p.g.outStr[i]
	}
	newRows(box, boxStr, outStr).each([]int{0, base}, func(o []int, n int, s []int) {
		b, c := o[0], o[1]
		for range n {
			p.mergeMoments(c, bn[b], bsum[b], bm2[b])
			if bmiss != nil {
				p.miss[c] += bmiss[b]
			}
			b += s[0]
			c += s[1]
		}
	})
}

// mergeMoments merges nb valid values with mean mb and squared-deviation
// sum m2b into cell c (before c's counts are updated).
func (p *numPartial[T, A]) mergeMoments(c int, nb int64, mb, m2b float64) {
	if nb == 0 {
		return
	}
	na := p.seenAt(c)
	if p.miss != nil {
		na -= p.miss[c]
	}
	if na == 0 {
		p.mean[c], p.m2[c] = mb, m2b
		return
	}
	n := float64(na + nb)
	d := mb - p.mean[c]
	p.mean[c] += d * float64(nb) / n
	p.m2[c] += m2b + d*d*float64(na)*float64(nb)/n
}

// mergeArg merges an extremum v at position i, and a first missing
// position f, into cell c.
func (p *numPartial[T, A]) mergeArg(c int, v T, i, f int64) {
	if f >= 0 && (p.first[c] < 0 || f < p.first[c]) {
		p.first[c] = f
	}
	if i < 0 {
		return
	}
	better := v < p.ext[c]
	if p.op == ArgMax {
		better = v > p.ext[c]
	}
	if j := p.idx[c]; j < 0 || better || v == p.ext[c] && i < j {
		p.ext[c], p.idx[c] = v, i
	}
}

func (p *numPartial[T, A]) combine(qi partial) {
	q := qi.(*numPartial[T, A])
	switch p.op {
	case Sum, Mean:
		for c, v := range q.sum {
			p.sum[c] += v
		}
	case Var, Std:
		for c := range q.mean {
			nb := q.seenAt(c)
			if q.miss != nil {
				nb -= q.miss[c]
			}
			p.mergeMoments(c, nb, q.mean[c], q.m2[c])
		}
	case Min:
		for c, v := range q.ext {
			p.ext[c] = min(p.ext[c], v)
		}
	case Max:
		for c, v := range q.ext {
			p.ext[c] = max(p.ext[c], v)
		}
	case ArgMin, ArgMax:
		for c := range q.ext {
			p.mergeArg(c, q.ext[c], q.idx[c], q.first[c])
		}
	case First, Last:
		for c, j := range q.idx {
			if i := p.idx[c]; j >= 0 && (i < 0 || p.op == First && j < i || p.op == Last && j > i) {
				p.ext[c], p.idx[c] = q.ext[c], j
			}
		}
	case Any:
		for c, v := range q.flag {
			p.flag[c] = p.flag[c] || v
		}
	case All:
		for c, v := range q.flag {
			p.flag[c] = p.flag[c] && v
		}
	}
	p.seenAll += q.seenAll
	if q.seen != nil {
		if p.seen == nil {
			p.seen = getWords[int64](p.g.cells)
		}
		for c, v := range q.seen {
			p.seen[c] += v
		}
	}
	if q.miss != nil {
		pm := p.missing()
		for c, v := range q.miss {
			pm[c] += v
		}
	}
}

// release gives the pooled state back; p is not used after.
func (p *numPartial[T, A]) release() {
	putWords(p.sum)
	for _, s := range [][]int64{p.miss, p.seen, p.idx, p.first} {
		putWords(s)
	}
	putWords(p.mean)
	putWords(p.m2)
	*p = numPartial[T, A]{}
}

func (p *numPartial[T, A]) nbytes() int {
	var t T
	var a A
	return 8*(len(p.seen)+len(p.miss)+len(p.mean)+len(p.m2)+len(p.idx)+len(p.first)) +
		int(unsafe.Sizeof(a))*len(p.sum) + int(unsafe.Sizeof(t))*len(p.ext) + len(p.flag)
}

// valid returns the number of valid (accumulated, not missing) values
// per cell.
func (p *numPartial[T, A]) valid() []int64 {
	n := getWords[int64](p.g.cells)
	for c := range n {
		n[c] = p.seenAt(c)
		if p.miss != nil {
			n[c] -= p.miss[c]
		}
	}
	return n
}

// result writes the finalised value of every cell into out, whose dtype is
// Float64 for every floating result (converted once by the caller) and
// the result type otherwise; n is the valid count per cell.
func (p *numPartial[T, A]) result(out *Array, n []int64) error {
	propagate := !p.opts.SkipNaN && p.miss != nil
	missingAt := func(c int, need int64) bool {
		return propagate && p.miss[c] > 0 || n[c] < need
	}
	minCount := int64(p.opts.MinCount)
	switch p.op {
	case Count:
		copy(out.data.([]int64), n)
	case Any, All:
		copy(out.data.([]bool), p.flag)
	case ArgMin, ArgMax:
		d := out.data.([]int64)
		for c := range d {
			d[c] = p.idx[c]
			if propagate && p.first[c] >= 0 {
				d[c] = p.first[c]
			}
			if p.seenAt(c) == 0 {
				return ErrEmpty
			}
		}
	case Sum:
		switch d := out.data.(type) {
		case []float64:
			for c := range d {
				d[c] = float64(p.sum[c])
				if missingAt(c, minCount) {
					d[c] = math.NaN()
				}
			}
		case []int64:
			copy(d, any(p.sum).([]int64))
		case []uint64:
			copy(d, any(p.sum).([]uint64))
		}
	case Mean:
		d := out.data.([]float64)
		for c := range d {
			d[c] = float64(p.sum[c]) / float64(n[c])
			if missingAt(c, max(1, minCount)) {
				d[c] = math.NaN()
			}
		}
	case Var, Std:
		d := out.data.([]float64)
		ddof := int64(p.opts.DDOF)
		for c := range d {
			d[c] = p.m2[c] / float64(n[c]-ddof)
			if p.op == Std {
				d[c] = math.Sqrt(d[c])
			}
			if missingAt(c, max(1, minCount, ddof+1)) {
				d[c] = math.NaN()
			}
		}
	case First, Last:
		if d, ok := out.data.([]float64); ok {
			for c := range d {
				d[c] = float64(p.ext[c])
				if p.idx[c] < 0 || n[c] < minCount {
					d[c] = math.NaN()
				}
			}
			return nil
		}
		for c := range n {
			if p.idx[c] < 0 {
				return ErrEmpty
			}
		}
		copy(out.data.([]T), p.ext)
	case Min, Max:
		if d, ok := out.data.([]float64); ok {
			for c := range d {
				d[c] = float64(p.ext[c])
				if missingAt(c, max(1, minCount)) {
					d[c] = math.NaN()
				}
			}
			return nil
		}
		for c := range n {
			if n[c] == 0 {
				return ErrEmpty
			}
		}
		copy(out.data.([]T), p.ext)
	}
	return nil
}
