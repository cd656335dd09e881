package labels

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/tesseradata/tessera/ndarray"
)

// Attr is one attribute: a name and a value, which is a string, a number
// of one of Go's fixed-size numeric types (int8 ... uint64, float32,
// float64), or a slice of one of them. The numeric type is kept, since CF
// decoding depends on it (a float32 scale_factor decodes to float32).
type Attr struct {
	Name  string
	Value any
}

// Attrs is an ordered list of attributes with unique names, as netCDF
// keeps them. Methods that change attributes return a new list; an Attrs
// is never modified in place once it belongs to a Variable or Dataset.
type Attrs []Attr

// Get returns the value of the attribute name.
func (a Attrs) Get(name string) (any, bool) {
	for _, x := range a {
		if x.Name == name {
			return x.Value, true
		}
	}
	return nil, false
}

// String returns the attribute name if it is a string.
func (a Attrs) String(name string) (string, bool) {
	v, ok := a.Get(name)
	s, isStr := v.(string)
	return s, ok && isStr
}

// Float returns the attribute name as a float64 if it is a single number
// (or a slice holding one).
func (a Attrs) Float(name string) (float64, bool) {
	v, ok := a.Get(name)
	if !ok {
		return 0, false
	}
	f := attrFloats(v)
	if len(f) != 1 {
		return 0, false
	}
	return f[0], true
}

// Set returns a copy of a with name set to v, replacing an attribute of
// that name in place or appending it.
func (a Attrs) Set(name string, v any) Attrs {
	out := slices.Clone(a)
	for i := range out {
		if out[i].Name == name {
			out[i].Value = v
			return out
		}
	}
	return append(out, Attr{name, v})
}

// Delete returns a copy of a without the named attributes.
func (a Attrs) Delete(names ...string) Attrs {
	out := make(Attrs, 0, len(a))
	for _, x := range a {
		if !slices.Contains(names, x.Name) {
			out = append(out, x)
		}
	}
	return out
}

// Equal reports whether a and b hold the same attributes in the same
// order with equal values.
func (a Attrs) Equal(b Attrs) bool {
	return slices.EqualFunc(a, b, func(x, y Attr) bool {
		return x.Name == y.Name && fmt.Sprintf("%T%v", x.Value, x.Value) == fmt.Sprintf("%T%v", y.Value, y.Value)
	})
}

// attrFloats returns a numeric attribute value as float64s (nil for a
// string or an unknown type).
func attrFloats(v any) []float64 {
	switch x := v.(type) {
	case int8:
		return []float64{float64(x)}
	case int16:
		return []float64{float64(x)}
	case int32:
		return []float64{float64(x)}
	case int64:
		return []float64{float64(x)}
	case int:
		return []float64{float64(x)}
	case uint8:
		return []float64{float64(x)}
	case uint16:
		return []float64{float64(x)}
	case uint32:
		return []float64{float64(x)}
	case uint64:
		return []float64{float64(x)}
	case float32:
		return []float64{float64(x)}
	case float64:
		return []float64{x}
	case []int8:
		return floatsOf(x)
	case []int16:
		return floatsOf(x)
	case []int32:
		return floatsOf(x)
	case []int64:
		return floatsOf(x)
	case []uint8:
		return floatsOf(x)
	case []uint16:
		return floatsOf(x)
	case []uint32:
		return floatsOf(x)
	case []uint64:
		return floatsOf(x)
	case []float32:
		return floatsOf(x)
	case []float64:
		return slices.Clone(x)
	}
	return nil
}

func floatsOf[T ndarray.Number](x []T) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

// attrDType returns the ndarray dtype of a numeric attribute value, or 0.
func attrDType(v any) ndarray.DType {
	switch v.(type) {
	case int8, []int8:
		return ndarray.Int8
	case int16, []int16:
		return ndarray.Int16
	case int32, []int32:
		return ndarray.Int32
	case int64, []int64, int:
		return ndarray.Int64
	case uint8, []uint8:
		return ndarray.Uint8
	case uint16, []uint16:
		return ndarray.Uint16
	case uint32, []uint32:
		return ndarray.Uint32
	case uint64, []uint64:
		return ndarray.Uint64
	case float32, []float32:
		return ndarray.Float32
	case float64, []float64:
		return ndarray.Float64
	}
	return 0
}

// formatAttr formats an attribute value for reprs: strings as they are
// (one line), numbers with their Go formatting.
func formatAttr(v any) string {
	switch x := v.(type) {
	case string:
		s := strings.ReplaceAll(x, "\n", "\\n")
		if len(s) > 80 {
			s = s[:77] + "..."
		}
		return s
	case float32:
		return fmtFloat(float64(x), 32)
	case float64:
		return fmtFloat(x, 64)
	}
	if f := attrFloats(v); f != nil {
		parts := make([]string, len(f))
		for i, x := range f {
			parts[i] = fmtFloat(x, 64)
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

func fmtFloat(x float64, bits int) string {
	if math.IsNaN(x) {
		return "nan"
	}
	return strings.TrimSuffix(fmt.Sprintf("%.*g", map[int]int{32: 7, 64: 15}[bits], x), ".0")
}
