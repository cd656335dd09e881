package labels_test

import (
	"math"
	"slices"
	"testing"

	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/ndarray"
)

func TestCodecFor(t *testing.T) {
	tests := []struct {
		name    string
		stored  ndarray.DType
		attrs   labels.Attrs
		decoded ndarray.DType // 0: no codec
		scale   float64
		offset  float64
		missing []float64
	}{
		{"no CF attributes", ndarray.Int16, labels.Attrs{{Name: "units", Value: "K"}}, 0, 0, 0, nil},
		{"float32 scale_factor gives float32", ndarray.Int16, labels.Attrs{{Name: "scale_factor", Value: float32(0.5)}}, ndarray.Float32, 0.5, 0, nil},
		{"float64 scale_factor gives float64", ndarray.Int16, labels.Attrs{{Name: "scale_factor", Value: 0.01}, {Name: "add_offset", Value: 273.15}}, ndarray.Float64, 0.01, 273.15, nil},
		{"float32 offset alone", ndarray.Int8, labels.Attrs{{Name: "add_offset", Value: float32(10)}}, ndarray.Float32, 0, 10, nil},
		{"wider of scale and offset", ndarray.Int16, labels.Attrs{{Name: "scale_factor", Value: float32(2)}, {Name: "add_offset", Value: 1.5}}, ndarray.Float64, 2, 1.5, nil},
		{"integer scale_factor gives float64", ndarray.Int16, labels.Attrs{{Name: "scale_factor", Value: int16(10)}}, ndarray.Float64, 10, 0, nil},
		{"int16 only masked gives float32", ndarray.Int16, labels.Attrs{{Name: "_FillValue", Value: int16(-32767)}}, ndarray.Float32, 0, 0, []float64{-32767}},
		{"uint8 only masked gives float32", ndarray.Uint8, labels.Attrs{{Name: "missing_value", Value: uint8(255)}}, ndarray.Float32, 0, 0, []float64{255}},
		{"int32 masked gives float64", ndarray.Int32, labels.Attrs{{Name: "_FillValue", Value: int32(-1)}}, ndarray.Float64, 0, 0, []float64{-1}},
		{"float32 with _FillValue stays", ndarray.Float32, labels.Attrs{{Name: "_FillValue", Value: float32(1e20)}}, ndarray.Float32, 0, 0, []float64{float64(float32(1e20))}},
		{"float64 with missing_value stays", ndarray.Float64, labels.Attrs{{Name: "missing_value", Value: -999.0}}, ndarray.Float64, 0, 0, []float64{-999}},
		{"vector missing_value", ndarray.Int16, labels.Attrs{{Name: "missing_value", Value: []int16{-1, -2}}}, ndarray.Float32, 0, 0, []float64{-1, -2}},
		{"vector missing_value repeating _FillValue", ndarray.Int16, labels.Attrs{{Name: "_FillValue", Value: int16(-1)}, {Name: "missing_value", Value: []int16{-1, -2}}}, ndarray.Float32, 0, 0, []float64{-1, -2}},
		{"packed and masked", ndarray.Int16, labels.Attrs{{Name: "scale_factor", Value: float32(0.1)}, {Name: "_FillValue", Value: int16(-32767)}}, ndarray.Float32, float64(float32(0.1)), 0, []float64{-32767}},
		{"scale_factor in a vector of one", ndarray.Int16, labels.Attrs{{Name: "scale_factor", Value: []float32{0.5}}}, ndarray.Float32, 0.5, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := labels.CodecFor("v", tc.stored, tc.attrs)
			if err != nil {
				t.Fatal(err)
			}
			if tc.decoded == 0 {
				if c != nil {
					t.Errorf("codec %+v, want none", c)
				}
				return
			}
			if c == nil {
				t.Fatalf("no codec, want one decoding to %s", tc.decoded)
			}
			if c.Stored != tc.stored || c.Decoded != tc.decoded || c.Scale != tc.scale || c.Offset != tc.offset || !slices.Equal(c.Missing, tc.missing) {
				t.Errorf("codec %s -> %s scale %v offset %v missing %v, want %s -> %s scale %v offset %v missing %v",
					c.Stored, c.Decoded, c.Scale, c.Offset, c.Missing, tc.stored, tc.decoded, tc.scale, tc.offset, tc.missing)
			}
		})
	}
}

func TestCodecForErrors(t *testing.T) {
	tests := []struct {
		name  string
		attrs labels.Attrs
		parts []string
	}{
		{"string scale_factor", labels.Attrs{{Name: "scale_factor", Value: "0.5"}}, []string{`"t2m"`, "scale_factor", "0.5"}},
		{"zero scale_factor", labels.Attrs{{Name: "scale_factor", Value: 0.0}}, []string{`"t2m"`, "scale_factor is 0"}},
		{"NaN add_offset", labels.Attrs{{Name: "add_offset", Value: math.NaN()}}, []string{`"t2m"`, "add_offset", "nan"}},
		{"infinite scale_factor", labels.Attrs{{Name: "scale_factor", Value: math.Inf(1)}}, []string{`"t2m"`, "scale_factor"}},
		{"vector scale_factor", labels.Attrs{{Name: "scale_factor", Value: []float64{1, 2}}}, []string{`"t2m"`, "scale_factor", "1, 2"}},
		{"string _FillValue", labels.Attrs{{Name: "_FillValue", Value: "none"}}, []string{`"t2m"`, "_FillValue", "none"}},
		{"bool missing_value", labels.Attrs{{Name: "missing_value", Value: true}}, []string{`"t2m"`, "missing_value"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := labels.CodecFor("t2m", ndarray.Int16, tc.attrs)
			if err == nil {
				t.Fatalf("CodecFor(%v) = %+v, want an error", tc.attrs, c)
			}
			checkErr(t, err, labels.ErrCF, tc.parts...)
		})
	}
	// ndarray's codec holds at most two missing values (a _FillValue
	// and a missing_value); a third is refused, naming the variable.
	_, err := labels.CodecFor("t2m", ndarray.Int16, labels.Attrs{{Name: "missing_value", Value: []int16{-1, -2, -3}}})
	checkErr(t, err, ndarray.ErrCodec, `"t2m"`, "[-1 -2 -3]")
	// Decode reports the same errors.
	v := vec(t, []string{"x"}, []int16{1}, labels.Attrs{{Name: "scale_factor", Value: "x"}})
	_, err = labels.Decode("t2m", v)
	checkErr(t, err, labels.ErrCF, `"t2m"`, "scale_factor")
}

// TestDecodeEncodeRoundTrip decodes a packed int16 variable, as ERA
// files store temperatures, and encodes it back: values within half a
// scale step, the CF attributes restored with their types, NaN written
// as the fill value.
func TestDecodeEncodeRoundTrip(t *testing.T) {
	const scale, offset, fill = 0.002, 260.0, int16(-32767)
	stored := []int16{-1000, 0, 1000, fill, 32000, -32000}
	attrs := labels.Attrs{
		{Name: "units", Value: "K"},
		{Name: "scale_factor", Value: scale},
		{Name: "add_offset", Value: offset},
		{Name: "_FillValue", Value: fill},
		{Name: "long_name", Value: "2 metre temperature"},
	}
	tests := []struct {
		name string
		v    *labels.Variable
	}{
		{"in memory", vec(t, []string{"time", "x"}, stored, attrs, 2, 3)},
		{"lazy", func() *labels.Variable {
			v := vec(t, []string{"time", "x"}, stored, attrs, 2, 3)
			data := must(v.Data().Rechunk([][]int{{1, 1}, {2, 1}}))(t)
			return must(labels.NewVariable(v.Dims(), data, attrs))(t)
		}()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := must(labels.Decode("t2m", tc.v))(t)
			if d.DType() != ndarray.Float64 {
				t.Errorf("decoded dtype %s, want float64", d.DType())
			}
			wantAttrs := labels.Attrs{{Name: "units", Value: "K"}, {Name: "long_name", Value: "2 metre temperature"}}
			if !d.Attrs().Equal(wantAttrs) {
				t.Errorf("decoded attrs %v, want %v", d.Attrs(), wantAttrs)
			}
			enc := d.Encoding()
			if enc.DType != ndarray.Int16 || enc.Codec == nil {
				t.Fatalf("encoding %+v, want int16 with a codec", enc)
			}
			got := varValues(t, d)
			for i, s := range stored {
				want := float64(s)*scale + offset
				if s == fill {
					want = nan
				}
				if !closeFloats([]float64{got[i]}, []float64{want}, 1e-15) {
					t.Errorf("decoded[%d] = %v, want %v", i, got[i], want)
				}
			}
			// Move the values by less than half a step; NaN stays.
			moved := make([]float64, len(got))
			for i, x := range got {
				moved[i] = x + 0.4*scale*float64(1-2*(i%2))
			}
			m := must(labels.FromSlice(d.Dims(), moved, d.Attrs(), 2, 3))(t).WithEncoding(enc)
			for _, in := range []*labels.Variable{d, m} {
				e := must(labels.Encode("t2m", in, false))(t)
				if e.DType() != ndarray.Int16 {
					t.Errorf("encoded dtype %s, want int16", e.DType())
				}
				back := varValues(t, e)
				if !sameFloats(back, []float64{-1000, 0, 1000, float64(fill), 32000, -32000}) {
					t.Errorf("encoded %v, want the stored values %v", back, stored)
				}
				if !e.Attrs().Equal(attrs.Delete("scale_factor", "add_offset", "_FillValue").
					Set("scale_factor", scale).Set("add_offset", offset).Set("_FillValue", fill)) {
					t.Errorf("encoded attrs %v", e.Attrs())
				}
				// Decoding again gives the decoded values back exactly.
				again := varValues(t, must(labels.Decode("t2m", e))(t))
				if !sameFloats(again, got) {
					t.Errorf("decode(encode) = %v, want %v", again, got)
				}
			}
		})
	}
}

// TestEncodeOutOfRange checks that a value the packing cannot hold is
// refused, naming the variable, unless clipped.
func TestEncodeOutOfRange(t *testing.T) {
	c := must(labels.CodecFor("x", ndarray.Int8, labels.Attrs{{Name: "scale_factor", Value: float32(1)}, {Name: "add_offset", Value: float32(0.5)}}))(t)
	v := vec(t, []string{"x"}, []float32{1000, -3.5}, nil).WithEncoding(labels.Encoding{DType: ndarray.Int8, Codec: c})
	e := must(labels.Encode("x", v, false))(t)
	_, err := e.Values(t.Context(), chunkOpts)
	checkErr(t, err, ndarray.ErrRange, `"x"`)
	clipped := varValues(t, must(labels.Encode("x", v, true))(t))
	if !sameFloats(clipped, []float64{127, -4}) {
		t.Errorf("clipped %v, want [127 -4]", clipped)
	}
}

// TestDecodeEncodeAttrTypes checks that Encode writes the CF attributes
// back in the types they were read in: scale_factor and add_offset in
// the decoded type, _FillValue and missing_value in the stored type.
func TestDecodeEncodeAttrTypes(t *testing.T) {
	tests := []struct {
		name  string
		v     *labels.Variable
		attrs labels.Attrs
	}{
		{"int8", vec(t, []string{"x"}, []int8{1, -127}, nil),
			labels.Attrs{{Name: "scale_factor", Value: float32(0.5)}, {Name: "_FillValue", Value: int8(-127)}}},
		{"uint8", vec(t, []string{"x"}, []uint8{1, 255}, nil),
			labels.Attrs{{Name: "add_offset", Value: float32(-10)}, {Name: "_FillValue", Value: uint8(255)}}},
		{"uint16", vec(t, []string{"x"}, []uint16{1, 0}, nil),
			labels.Attrs{{Name: "scale_factor", Value: 0.25}, {Name: "_FillValue", Value: uint16(0)}, {Name: "missing_value", Value: uint16(65535)}}},
		{"int32", vec(t, []string{"x"}, []int32{1, -1}, nil),
			labels.Attrs{{Name: "_FillValue", Value: int32(-1)}}},
		{"int64", vec(t, []string{"x"}, []int64{1, -1}, nil),
			labels.Attrs{{Name: "scale_factor", Value: 1e-3}, {Name: "_FillValue", Value: int64(-1)}}},
		{"uint32", vec(t, []string{"x"}, []uint32{1, 7}, nil),
			labels.Attrs{{Name: "_FillValue", Value: uint32(7)}}},
		{"uint64", vec(t, []string{"x"}, []uint64{1, 7}, nil),
			labels.Attrs{{Name: "add_offset", Value: 100.0}, {Name: "_FillValue", Value: uint64(7)}}},
		{"float32", vec(t, []string{"x"}, []float32{1, -9999}, nil),
			labels.Attrs{{Name: "_FillValue", Value: float32(-9999)}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := tc.v.WithAttrs(tc.attrs)
			d := must(labels.Decode("x", v))(t)
			if got := varValues(t, d); !math.IsNaN(got[1]) || math.IsNaN(got[0]) {
				t.Errorf("decoded %v, want the second value missing", got)
			}
			e := must(labels.Encode("x", d, false))(t)
			if !e.Attrs().Equal(tc.attrs) {
				t.Errorf("encoded attrs %v, want %v", e.Attrs(), tc.attrs)
			}
			if e.DType() != v.DType() || !sameFloats(varValues(t, e), varValues(t, v)) {
				t.Errorf("encoded %s %v, want %s %v", e.DType(), varValues(t, e), v.DType(), varValues(t, v))
			}
		})
	}
}
