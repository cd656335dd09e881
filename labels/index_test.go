package labels_test

import (
	"slices"
	"testing"

	"github.com/tesseradata/tessera/labels"
)

func TestIndexKinds(t *testing.T) {
	tests := []struct {
		name      string
		x         labels.Index
		kind      string
		monotonic int
		labels    []string
	}{
		{"float increasing", labels.NewFloatIndex([]float64{0, 0.5, 1.25}), "float", 1, []string{"0", "0.5", "1.25"}},
		{"float decreasing", labels.NewFloatIndex([]float64{90, 45, -45}), "float", -1, []string{"90", "45", "-45"}},
		{"float unsorted", labels.NewFloatIndex([]float64{3, 1, 2}), "float", 0, []string{"3", "1", "2"}},
		{"float repeated", labels.NewFloatIndex([]float64{1, 1, 2}), "float", 0, []string{"1", "1", "2"}},
		{"int", labels.NewIntIndex([]int64{-5, 0, 7}), "int", 1, []string{"-5", "0", "7"}},
		{"string", labels.NewStringIndex([]string{"b", "a"}), "string", -1, []string{`"b"`, `"a"`}},
		{"one label", labels.NewIntIndex([]int64{4}), "int", 1, []string{"4"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.x.Kind() != tc.kind || tc.x.Monotonic() != tc.monotonic || tc.x.Len() != len(tc.labels) {
				t.Errorf("kind %q monotonic %d len %d, want %q %d %d", tc.x.Kind(), tc.x.Monotonic(), tc.x.Len(), tc.kind, tc.monotonic, len(tc.labels))
			}
			for i, l := range tc.labels {
				if got := tc.x.Label(i); got != l {
					t.Errorf("Label(%d) = %q, want %q", i, got, l)
				}
			}
		})
	}
}

func TestIndexLocate(t *testing.T) {
	inc := labels.NewFloatIndex([]float64{0, 10, 20, 30, 40})
	dec := labels.NewFloatIndex([]float64{90, 60, 30, 0, -30, -60, -90})
	ints := labels.NewIntIndex([]int64{1990, 1995, 2000})
	strs := labels.NewStringIndex([]string{"djf", "mam", "jja", "son"})
	unsorted := labels.NewFloatIndex([]float64{30, 10, 20, 10})
	nearest := labels.SelOptions{Method: "nearest"}
	tests := []struct {
		name  string
		x     labels.Index
		label any
		o     labels.SelOptions
		want  int
	}{
		{"exact increasing", inc, 20.0, labels.SelOptions{}, 2},
		{"exact decreasing", dec, -30.0, labels.SelOptions{}, 4},
		{"exact int label on floats", inc, 40, labels.SelOptions{}, 4},
		{"exact float32 label", dec, float32(60), labels.SelOptions{}, 1},
		{"exact first", dec, 90, labels.SelOptions{}, 0},
		{"int index, float label", ints, 1995.0, labels.SelOptions{}, 1},
		{"int index, int16 label", ints, int16(2000), labels.SelOptions{}, 2},
		{"string", strs, "jja", labels.SelOptions{}, 2},
		{"unsorted exact takes the first", unsorted, 10, labels.SelOptions{}, 1},
		{"nearest below", inc, 14.9, nearest, 1},
		{"nearest above", inc, 15.1, nearest, 2},
		{"nearest tie takes the earlier", inc, 15, nearest, 1},
		{"nearest before the first", inc, -100, nearest, 0},
		{"nearest after the last", inc, 1e9, nearest, 4},
		{"nearest decreasing", dec, 44, nearest, 2},
		{"nearest decreasing beyond", dec, -95, nearest, 6},
		{"nearest within tolerance", dec, 62, labels.SelOptions{Method: "nearest", Tolerance: 2}, 1},
		{"nearest at the tolerance", dec, 58, labels.SelOptions{Method: "nearest", Tolerance: 2}, 1},
		{"nearest int", ints, 1998, nearest, 2},
		{"nearest exact", ints, 1990, nearest, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pos, drop, err := labels.Locate(tc.x, tc.label, tc.o)
			if err != nil {
				t.Fatal(err)
			}
			if !drop || !slices.Equal(pos, []int{tc.want}) {
				t.Errorf("Locate(%v) = %v (drop %v), want [%d] (drop true)", tc.label, pos, drop, tc.want)
			}
		})
	}
}

func TestIndexLocateErrors(t *testing.T) {
	dec := labels.NewFloatIndex([]float64{90, 60, 30, 0, -30})
	ints := labels.NewIntIndex([]int64{1990, 1995, 2000})
	strs := labels.NewStringIndex([]string{"djf", "mam", "jja", "son"})
	unsorted := labels.NewFloatIndex([]float64{30, 10, 20})
	empty := labels.NewFloatIndex(nil)
	tests := []struct {
		name   string
		x      labels.Index
		label  any
		o      labels.SelOptions
		target error
		parts  []string
	}{
		{"not found lists the nearest", dec, 29.0, labels.SelOptions{}, labels.ErrLabelNotFound, []string{"label 29 not found", "nearest labels: 60, 30, 0"}},
		{"not found at the start", dec, 100, labels.SelOptions{}, labels.ErrLabelNotFound, []string{"nearest labels: 90, 60"}},
		{"not found at the end", dec, -100, labels.SelOptions{}, labels.ErrLabelNotFound, []string{"nearest labels: 0, -30"}},
		{"int not found", ints, 1996, labels.SelOptions{}, labels.ErrLabelNotFound, []string{"1996", "1990, 1995, 2000"}},
		{"string not found", strs, "annual", labels.SelOptions{}, labels.ErrLabelNotFound, []string{`label "annual" not found`, `"djf", "mam"`}},
		{"empty index", empty, 1.0, labels.SelOptions{}, labels.ErrLabelNotFound, []string{"the index is empty"}},
		{"empty index nearest", empty, 1.0, labels.SelOptions{Method: "nearest"}, labels.ErrLabelNotFound, []string{"the index is empty"}},
		{"beyond tolerance", dec, 64, labels.SelOptions{Method: "nearest", Tolerance: 2}, labels.ErrLabelNotFound, []string{"tolerance 2", "60"}},
		{"nearest on unsorted", unsorted, 15, labels.SelOptions{Method: "nearest"}, labels.ErrIndex, []string{"sorted"}},
		{"unknown method", dec, 60, labels.SelOptions{Method: "pad"}, labels.ErrIndex, []string{`"pad"`}},
		{"string label on floats", dec, "60", labels.SelOptions{}, labels.ErrIndex, []string{"not a number"}},
		{"NaN label", dec, nan, labels.SelOptions{}, labels.ErrIndex, []string{"not a number"}},
		{"fraction on ints", ints, 1995.5, labels.SelOptions{}, labels.ErrIndex, []string{"not an integer"}},
		{"number on strings", strs, 3, labels.SelOptions{}, labels.ErrIndex, []string{"not a string"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pos, _, err := labels.Locate(tc.x, tc.label, tc.o)
			if err == nil {
				t.Fatalf("Locate(%v) = %v, want an error", tc.label, pos)
			}
			checkErr(t, err, tc.target, tc.parts...)
		})
	}
}

func TestIndexSlice(t *testing.T) {
	inc := labels.NewFloatIndex([]float64{-90, -60, -30, 0, 30, 60, 90})
	dec := labels.NewFloatIndex([]float64{90, 60, 30, 0, -30, -60, -90})
	ints := labels.NewIntIndex([]int64{1, 2, 3, 4})
	strs := labels.NewStringIndex([]string{"a", "c", "e"})
	tests := []struct {
		name        string
		x           labels.Index
		start, stop any
		want        []int
	}{
		{"increasing", inc, 30, 60, []int{4, 5}},
		{"increasing reversed bounds", inc, 60, 30, []int{4, 5}},
		{"decreasing north to south", dec, 60, 30, []int{1, 2}},
		{"decreasing south to north", dec, 30, 60, []int{1, 2}},
		{"bounds between labels", dec, 45, -45, []int{2, 3, 4}},
		{"increasing between labels", inc, -45, 45, []int{2, 3, 4}},
		{"one label", dec, 0, 0, []int{3}},
		{"nothing between", dec, 10, 20, []int{}},
		{"outside", inc, 100, 200, []int{}},
		{"covering everything", dec, -1000, 1000, []int{0, 1, 2, 3, 4, 5, 6}},
		{"increasing from", inc, 30, nil, []int{4, 5, 6}},
		{"increasing up to", inc, nil, -60, []int{0, 1}},
		{"decreasing from", dec, 30, nil, []int{2, 3, 4, 5, 6}},
		{"decreasing up to", dec, nil, 30, []int{0, 1, 2}},
		{"decreasing from between", dec, 45, nil, []int{2, 3, 4, 5, 6}},
		{"decreasing up to between", dec, nil, 45, []int{0, 1}},
		{"open", dec, nil, nil, []int{0, 1, 2, 3, 4, 5, 6}},
		{"ints", ints, 2, 3, []int{1, 2}},
		{"strings", strs, "b", "e", []int{1, 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := labels.LocateSlice(tc.x, tc.start, tc.stop)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("slice(%v, %v) = %v, want %v", tc.start, tc.stop, got, tc.want)
			}
		})
	}
}

func TestIndexSliceErrors(t *testing.T) {
	tests := []struct {
		name        string
		x           labels.Index
		start, stop any
		target      error
	}{
		{"unsorted", labels.NewFloatIndex([]float64{3, 1, 2}), 1, 2, labels.ErrIndex},
		{"repeated labels", labels.NewIntIndex([]int64{1, 1, 2}), 1, 2, labels.ErrIndex},
		{"bad start", labels.NewFloatIndex([]float64{1, 2}), "a", 2, labels.ErrIndex},
		{"bad stop", labels.NewFloatIndex([]float64{1, 2}), 1, "b", labels.ErrIndex},
		{"bad one-sided", labels.NewIntIndex([]int64{1, 2}), nil, 1.5, labels.ErrIndex},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := labels.LocateSlice(tc.x, tc.start, tc.stop)
			if err == nil {
				t.Fatalf("slice(%v, %v) = %v, want an error", tc.start, tc.stop, got)
			}
			checkErr(t, err, tc.target)
		})
	}
	if got, err := labels.LocateSlice(labels.NewFloatIndex(nil), 1, 2); err != nil || len(got) != 0 {
		t.Errorf("slice of an empty index = %v, %v, want nothing", got, err)
	}
}

func TestIndexIsel(t *testing.T) {
	x := labels.NewFloatIndex([]float64{90, 60, 30, 0})
	tests := []struct {
		name              string
		start, stop, step int
		want              []string
	}{
		{"whole", 0, 1 << 30, 1, []string{"90", "60", "30", "0"}},
		{"every other", 1, 4, 2, []string{"60", "0"}},
		{"reversed", 3, -1, -1, []string{"0", "30", "60", "90"}},
		// ndarray.Range clips a negative step's start to the last
		// position; the index must too.
		{"reversed from beyond the end", 10, -1, -1, []string{"0", "30", "60", "90"}},
		{"empty", 2, 2, 1, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := labels.IselIndex(x, tc.start, tc.stop, tc.step); !slices.Equal(got, tc.want) {
				t.Errorf("isel(%d:%d:%d) = %q, want %q", tc.start, tc.stop, tc.step, got, tc.want)
			}
		})
	}
}
