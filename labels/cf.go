package labels

import (
	"fmt"
	"math"
	"strings"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/ndarray"
)

// CF attribute names that decoding consumes (CF §8.1, §2.5.1).
const (
	attrScale   = "scale_factor"
	attrOffset  = "add_offset"
	attrFill    = "_FillValue"
	attrMissing = "missing_value"
)

// CodecFor returns the mask-and-scale codec CF attributes describe for a
// variable stored as stored (nil when the attributes ask for no
// decoding), named name in errors. The rules:
//
//   - scale_factor and add_offset pack values: decoded = stored ·
//     scale_factor + add_offset, in the type of scale_factor (of
//     add_offset if there is no scale_factor; the wider of the two if
//     they differ; float64 for integer-typed attributes), as CF §8.1 says;
//   - _FillValue and missing_value (a number or a vector of them) mark
//     missing values, compared with the stored values (CF §2.5.1); an
//     integer variable that is only masked decodes to float32 if it has at
//     most 16 bits, else float64 (xarray's promotion), a float variable
//     keeps its type;
//   - valid_min, valid_max and valid_range are kept as attributes and not
//     applied, as neither xarray nor CDO applies them.
func CodecFor(name string, stored ndarray.DType, attrs Attrs) (*ndarray.Codec, error) {
	c := &ndarray.Codec{Stored: stored}
	var packed []ndarray.DType
	for _, a := range []string{attrScale, attrOffset} {
		v, ok := attrs.Get(a)
		if !ok {
			continue
		}
		f := attrFloats(v)
		if len(f) != 1 || math.IsNaN(f[0]) || math.IsInf(f[0], 0) {
			return nil, fmt.Errorf("labels: variable %q: %s = %v is not a finite number: %w", name, a, formatAttr(v), ErrCF)
		}
		if a == attrScale {
			if f[0] == 0 {
				return nil, fmt.Errorf("labels: variable %q: scale_factor is 0: %w", name, ErrCF)
			}
			c.Scale = f[0]
		} else {
			c.Offset = f[0]
		}
		dt := attrDType(v)
		if !dt.IsFloat() {
			dt = ndarray.Float64
		}
		packed = append(packed, dt)
	}
	for _, a := range []string{attrFill, attrMissing} {
		v, ok := attrs.Get(a)
		if !ok {
			continue
		}
		f := attrFloats(v)
		if f == nil {
			return nil, fmt.Errorf("labels: variable %q: %s = %v is not numeric: %w", name, a, formatAttr(v), ErrCF)
		}
		for i, x := range f {
			// A missing_value equal to _FillValue (CDO writes both) is
			// kept, so that Encode writes both attributes back.
			if !containsFloat(f[:i], x) && (a == attrMissing && len(f) == 1 || !containsFloat(c.Missing, x)) {
				c.Missing = append(c.Missing, x)
			}
		}
	}
	switch {
	case len(packed) > 0:
		c.Decoded = packed[0]
		for _, dt := range packed[1:] {
			c.Decoded = max(c.Decoded, dt)
		}
	case len(c.Missing) > 0 && stored.IsFloat():
		c.Decoded = stored
	case len(c.Missing) > 0 && stored.Size() <= 2:
		c.Decoded = ndarray.Float32
	case len(c.Missing) > 0:
		c.Decoded = ndarray.Float64
	default:
		return nil, nil
	}
	// Check the codec now, so a bad one is reported with the variable.
	if _, err := c.Decode(ndarray.Zeros(stored)); err != nil {
		return nil, fmt.Errorf("labels: variable %q: %w", name, err)
	}
	return c, nil
}

func containsFloat(s []float64, x float64) bool {
	for _, v := range s {
		if v == x || math.IsNaN(v) && math.IsNaN(x) {
			return true
		}
	}
	return false
}

// Decode applies the CF conventions to a variable read from a file: mask
// and scale (CodecFor), lazily, and time units. The attributes it
// consumes (scale_factor, add_offset, _FillValue, missing_value, and for a
// time variable units and calendar) move to the Encoding, where Encode
// finds them for writing back. A time variable (units "<unit> since
// <date>") keeps its numbers, as float64, and is recognised by its
// Encoding: its coordinate is indexed by date.
func Decode(name string, v *Variable) (*Variable, error) {
	c, err := CodecFor(name, v.DType(), v.attrs)
	if err != nil {
		return nil, err
	}
	w := *v
	w.enc.DType = v.DType()
	if c != nil {
		d, err := chunk.Decode(v.data, c)
		if err != nil {
			return nil, fmt.Errorf("labels: variable %q: %w", name, err)
		}
		w.data = d
		w.enc.Codec = c
		if v.mem != nil {
			if w.mem, err = c.Decode(v.mem); err != nil {
				return nil, fmt.Errorf("labels: variable %q: %w", name, err)
			}
		}
		w.attrs = w.attrs.Delete(attrScale, attrOffset, attrFill, attrMissing)
	}
	if units, ok := v.attrs.String("units"); ok && strings.Contains(units, " since ") {
		cal, _ := v.attrs.String("calendar")
		if err := checkTimeUnits(name, units, cal); err != nil {
			return nil, err
		}
		w.enc.Units, w.enc.Calendar = units, cal
		w.attrs = w.attrs.Delete("units", "calendar")
		if w.DType() != ndarray.Float64 {
			d, err := w.data.Astype(ndarray.Float64)
			if err != nil {
				return nil, err
			}
			w.data = d
			if w.mem != nil {
				if w.mem, err = w.mem.Astype(ndarray.Float64); err != nil {
					return nil, err
				}
			}
		}
	}
	return &w, nil
}

// Encode is the reverse of Decode, for writing: it packs the values with
// the encoding's codec (rounding half away from zero, missing values to
// the fill value, out-of-range values refused with ndarray.ErrRange
// unless clip) lazily, and puts the CF attributes back.
func Encode(name string, v *Variable, clip bool) (*Variable, error) {
	w := *v
	attrs := v.attrs
	if v.enc.Units != "" {
		attrs = attrs.Set("units", v.enc.Units)
		if v.enc.Calendar != "" {
			attrs = attrs.Set("calendar", v.enc.Calendar)
		}
	}
	if c := v.enc.Codec; c != nil {
		data, err := chunk.MapBlocks("encode-"+name, c.Stored, nil, func(b *ndarray.Array, _ []int) (*ndarray.Array, error) {
			x, err := c.Encode(b, clip)
			if err != nil {
				return nil, fmt.Errorf("labels: encoding variable %q: %w", name, err)
			}
			return x, nil
		}, v.data)
		if err != nil {
			return nil, err
		}
		w.data, w.mem = data, nil
		if c.Scale != 0 && c.Scale != 1 {
			attrs = attrs.Set(attrScale, typedAttr(c.Decoded, c.Scale))
		}
		if c.Offset != 0 {
			attrs = attrs.Set(attrOffset, typedAttr(c.Decoded, c.Offset))
		}
		if len(c.Missing) > 0 {
			attrs = attrs.Set(attrFill, typedAttr(c.Stored, c.Missing[0]))
		}
		if len(c.Missing) > 1 {
			attrs = attrs.Set(attrMissing, typedAttr(c.Stored, c.Missing[1]))
		}
	}
	w.attrs = attrs
	return &w, nil
}

// typedAttr returns v as a Go value of dtype dt, for writing attributes
// in the type CF expects.
func typedAttr(dt ndarray.DType, v float64) any {
	switch dt {
	case ndarray.Int8:
		return int8(v)
	case ndarray.Int16:
		return int16(v)
	case ndarray.Int32:
		return int32(v)
	case ndarray.Int64:
		return int64(v)
	case ndarray.Uint8:
		return uint8(v)
	case ndarray.Uint16:
		return uint16(v)
	case ndarray.Uint32:
		return uint32(v)
	case ndarray.Uint64:
		return uint64(v)
	case ndarray.Float32:
		return float32(v)
	}
	return v
}
