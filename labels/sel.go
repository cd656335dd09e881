package labels

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/tesseradata/tessera/ndarray"
)

// Slice selects, in Sel, the labels from Start to Stop inclusive (as
// xarray's slice(start, stop) on labels); a nil bound is open. For a
// monotonic index the bounds may come in either order.
type Slice struct {
	Start, Stop any
}

// SelOptions adjust label lookup in Sel.
type SelOptions struct {
	// Method "" looks labels up exactly; "nearest" takes the nearest
	// label of a sorted index.
	Method string
	// Tolerance, with Method "nearest", is the largest distance
	// accepted: in the labels' unit for numbers, in days for times.
	Tolerance float64
}

// posKind says what a positional selection of one dimension is.
type posKind uint8

const (
	posInt   posKind = iota + 1 // one position: the dimension is dropped
	posRange                    // a Range of positions
	posList                     // a list of positions
)

// positional is a selection of one dimension by position.
type positional struct {
	kind posKind
	i    int
	r    ndarray.Range
	list []int
}

// resolveIsel checks positional selections given by the user (an int,
// negative from the end; an ndarray.Range; a []int) against the sizes.
func resolveIsel(sel map[string]any, dims []string, sizes map[string]int) (map[string]positional, error) {
	out := make(map[string]positional, len(sel))
	for _, d := range slices.Sorted(maps.Keys(sel)) {
		n, ok := sizes[d]
		if !ok {
			return nil, fmt.Errorf("labels: isel: dimension %q not in %s: %w", d, sizeList(dims, sizes), ErrDimNotFound)
		}
		switch s := sel[d].(type) {
		case int:
			i := s
			if i < 0 {
				i += n
			}
			if i < 0 || i >= n {
				return nil, fmt.Errorf("labels: isel: position %d out of range for dimension %q of length %d: %w", s, d, n, ndarray.ErrIndex)
			}
			out[d] = positional{kind: posInt, i: i}
		case ndarray.Range:
			if _, err := ndarray.Zeros(ndarray.Bool, n).Slice(s); err != nil {
				return nil, fmt.Errorf("labels: isel: dimension %q: %w", d, err)
			}
			out[d] = positional{kind: posRange, r: s}
		case []int:
			list := slices.Clone(s)
			for k, i := range list {
				if i < 0 {
					list[k] += n
				}
				if list[k] < 0 || list[k] >= n {
					return nil, fmt.Errorf("labels: isel: position %d out of range for dimension %q of length %d: %w", i, d, n, ndarray.ErrIndex)
				}
			}
			out[d] = positional{kind: posList, list: list}
		default:
			return nil, fmt.Errorf("labels: isel: dimension %q: selection %v of type %T (want int, ndarray.Range or []int): %w", d, s, s, ErrIndex)
		}
	}
	return out, nil
}

// resolveSel turns label selections into positional ones through the
// indexes: a label (exact or nearest), a Slice of labels, or a list of
// labels. A partial date string selects the steps it covers, keeping the
// dimension.
func resolveSel(sel map[string]any, idx map[string]Index, dims []string, sizes map[string]int, o SelOptions) (map[string]positional, error) {
	out := make(map[string]positional, len(sel))
	for _, d := range slices.Sorted(maps.Keys(sel)) {
		x, ok := idx[d]
		if !ok {
			if _, isDim := sizes[d]; isDim {
				return nil, fmt.Errorf("labels: sel: dimension %q has no coordinate to select labels by (use Isel): %w", d, ErrIndex)
			}
			return nil, fmt.Errorf("labels: sel: dimension %q not in %s: %w", d, sizeList(dims, sizes), ErrDimNotFound)
		}
		var (
			p   positional
			err error
		)
		switch s := sel[d].(type) {
		case Slice:
			var r ndarray.Range
			r, err = x.locateSlice(s.Start, s.Stop)
			p = positional{kind: posRange, r: r}
		case []any:
			p = positional{kind: posList}
			for _, l := range s {
				var q positional
				if q, err = x.locate(l, o); err != nil {
					break
				}
				if q.kind != posInt {
					err = fmt.Errorf("label %v in a list selects more than one position: %w", l, ErrIndex)
					break
				}
				p.list = append(p.list, q.i)
			}
		default:
			p, err = x.locate(s, o)
		}
		if err != nil {
			return nil, fmt.Errorf("labels: sel: dimension %q: %w", d, err)
		}
		out[d] = p
	}
	return out, nil
}

// sizeList formats dimension sizes for messages: (time: 1460, lat: 256).
func sizeList(dims []string, sizes map[string]int) string {
	parts := make([]string, len(dims))
	for i, d := range dims {
		parts[i] = fmt.Sprintf("%s: %d", d, sizes[d])
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
