package labels_test

import (
	"testing"

	"github.com/tesseradata/tessera/labels"
)

func TestAttrsGetString(t *testing.T) {
	a := labels.Attrs{{Name: "units", Value: "K"}, {Name: "scale_factor", Value: float32(0.5)}}
	tests := []struct {
		name      string
		attr      string
		wantValue any
		wantOK    bool
		wantStr   string
		wantStrOK bool
	}{
		{name: "string", attr: "units", wantValue: "K", wantOK: true, wantStr: "K", wantStrOK: true},
		{name: "number keeps its type", attr: "scale_factor", wantValue: float32(0.5), wantOK: true},
		{name: "missing", attr: "calendar"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, ok := a.Get(tc.attr)
			if v != tc.wantValue || ok != tc.wantOK {
				t.Errorf("Get(%q) = %#v, %v, want %#v, %v", tc.attr, v, ok, tc.wantValue, tc.wantOK)
			}
			s, ok := a.String(tc.attr)
			if s != tc.wantStr || ok != tc.wantStrOK {
				t.Errorf("String(%q) = %q, %v, want %q, %v", tc.attr, s, ok, tc.wantStr, tc.wantStrOK)
			}
		})
	}
}

func TestAttrsFloat(t *testing.T) {
	tests := []struct {
		name   string
		value  any
		want   float64
		wantOK bool
	}{
		{name: "float32", value: float32(0.25), want: 0.25, wantOK: true},
		{name: "float64", value: 273.15, want: 273.15, wantOK: true},
		{name: "int16", value: int16(-32767), want: -32767, wantOK: true},
		{name: "uint8", value: uint8(255), want: 255, wantOK: true},
		{name: "int", value: 7, want: 7, wantOK: true},
		{name: "slice of one", value: []int32{12}, want: 12, wantOK: true},
		{name: "slice of two", value: []float64{1, 2}},
		{name: "empty slice", value: []float32{}},
		{name: "string", value: "1.5"},
		{name: "bool", value: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := labels.Attrs{{Name: "x", Value: tc.value}}
			got, ok := a.Float("x")
			if got != tc.want || ok != tc.wantOK {
				t.Errorf("Float(%#v) = %v, %v, want %v, %v", tc.value, got, ok, tc.want, tc.wantOK)
			}
		})
	}
	if _, ok := (labels.Attrs{}).Float("x"); ok {
		t.Error("Float of a missing attribute reports ok")
	}
}

func TestAttrsSetDelete(t *testing.T) {
	orig := labels.Attrs{{Name: "a", Value: 1.0}, {Name: "b", Value: "x"}, {Name: "c", Value: int16(3)}}
	tests := []struct {
		name string
		do   func(labels.Attrs) labels.Attrs
		want labels.Attrs
	}{
		{name: "set replaces in place", do: func(a labels.Attrs) labels.Attrs { return a.Set("b", "y") },
			want: labels.Attrs{{Name: "a", Value: 1.0}, {Name: "b", Value: "y"}, {Name: "c", Value: int16(3)}}},
		{name: "set appends", do: func(a labels.Attrs) labels.Attrs { return a.Set("d", float32(4)) },
			want: labels.Attrs{{Name: "a", Value: 1.0}, {Name: "b", Value: "x"}, {Name: "c", Value: int16(3)}, {Name: "d", Value: float32(4)}}},
		{name: "delete several", do: func(a labels.Attrs) labels.Attrs { return a.Delete("a", "c", "absent") },
			want: labels.Attrs{{Name: "b", Value: "x"}}},
		{name: "delete nothing", do: func(a labels.Attrs) labels.Attrs { return a.Delete() }, want: orig},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := append(labels.Attrs(nil), orig...)
			got := tc.do(orig)
			if !got.Equal(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if !orig.Equal(before) {
				t.Errorf("the original changed to %v", orig)
			}
		})
	}
}

func TestAttrsEqual(t *testing.T) {
	base := labels.Attrs{{Name: "scale_factor", Value: float32(0.5)}, {Name: "valid_range", Value: []int16{0, 100}}}
	tests := []struct {
		name  string
		other labels.Attrs
		want  bool
	}{
		{name: "same", other: labels.Attrs{{Name: "scale_factor", Value: float32(0.5)}, {Name: "valid_range", Value: []int16{0, 100}}}, want: true},
		{name: "float64 is not float32", other: labels.Attrs{{Name: "scale_factor", Value: 0.5}, {Name: "valid_range", Value: []int16{0, 100}}}},
		{name: "int32 vector is not int16", other: labels.Attrs{{Name: "scale_factor", Value: float32(0.5)}, {Name: "valid_range", Value: []int32{0, 100}}}},
		{name: "other value", other: labels.Attrs{{Name: "scale_factor", Value: float32(0.25)}, {Name: "valid_range", Value: []int16{0, 100}}}},
		{name: "other order", other: labels.Attrs{{Name: "valid_range", Value: []int16{0, 100}}, {Name: "scale_factor", Value: float32(0.5)}}},
		{name: "shorter", other: labels.Attrs{{Name: "scale_factor", Value: float32(0.5)}}},
		{name: "nil", other: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := base.Equal(tc.other); got != tc.want {
				t.Errorf("%v.Equal(%v) = %v, want %v", base, tc.other, got, tc.want)
			}
		})
	}
	if !labels.Attrs(nil).Equal(labels.Attrs{}) {
		t.Error("nil and empty Attrs differ")
	}
}
