package labels

import "github.com/tesseradata/tessera/ndarray"

// Locate exposes an index's label lookup to labels_test: the positions
// label selects (one, or a run of them for a partial date), and whether
// the selection drops the dimension (a single label does).
func Locate(x Index, label any, o SelOptions) (pos []int, drop bool, err error) {
	p, err := x.locate(label, o)
	if err != nil {
		return nil, false, err
	}
	return positions(p, x.Len()), p.kind == posInt, nil
}

// LocateSlice exposes an index's label slicing to labels_test: the
// positions the labels from start to stop select, in stored order.
func LocateSlice(x Index, start, stop any) ([]int, error) {
	r, err := x.locateSlice(start, stop)
	if err != nil {
		return nil, err
	}
	return positions(positional{kind: posRange, r: r}, x.Len()), nil
}

// IselIndex exposes Index.isel with a range of positions, returning the
// labels of the result.
func IselIndex(x Index, start, stop, step int) []string {
	y := x.isel(positional{kind: posRange, r: ndarray.Range{Start: start, Stop: stop, Step: step}})
	out := make([]string, y.Len())
	for i := range out {
		out[i] = y.Label(i)
	}
	return out
}

// positions expands a positional selection on a dimension of length n.
func positions(p positional, n int) []int {
	switch p.kind {
	case posInt:
		return []int{p.i}
	case posList:
		return append([]int{}, p.list...)
	}
	out := []int{}
	step := p.r.Step
	if step == 0 {
		step = 1
	}
	for i := p.r.Start; step > 0 && i < min(p.r.Stop, n) || step < 0 && i > p.r.Stop; i += step {
		out = append(out, i)
	}
	return out
}
