package labels

import (
	"fmt"
	"strings"

	"github.com/tesseradata/tessera/ndarray"
)

// The reprs follow xarray's: dimensions with sizes, coordinates with
// their first and last values (indexed ones marked *), data variables with
// dtype and chunking, attributes. They read only what is in memory (the
// indexes and in-memory coordinates); they never compute data.

// String describes the dataset, in the spirit of xarray's repr.
func (ds *Dataset) String() string {
	var sb strings.Builder
	sb.WriteString("<tessera.Dataset>\n")
	parts := make([]string, len(ds.dims))
	for i, d := range ds.dims {
		parts[i] = fmt.Sprintf("%s: %d", d, ds.sizes[d])
	}
	fmt.Fprintf(&sb, "Dimensions:  (%s)\n", strings.Join(parts, ", "))
	width := 0
	for _, n := range append(append([]string(nil), ds.coords.names...), ds.names...) {
		width = max(width, len(n))
	}
	writeCoords(&sb, ds.coords, width)
	if len(ds.names) > 0 {
		sb.WriteString("Data variables:\n")
		for _, n := range ds.names {
			writeVar(&sb, "   ", n, ds.vars[n], nil, width)
		}
	}
	writeAttrs(&sb, ds.attrs)
	return strings.TrimRight(sb.String(), "\n")
}

// String describes the array, in the spirit of xarray's repr.
func (a *DataArray) String() string {
	var sb strings.Builder
	parts := make([]string, len(a.v.dims))
	shape := a.v.Shape()
	for i, d := range a.v.dims {
		parts[i] = fmt.Sprintf("%s: %d", d, shape[i])
	}
	fmt.Fprintf(&sb, "<tessera.DataArray %q (%s)>\n", a.name, strings.Join(parts, ", "))
	fmt.Fprintf(&sb, "%s %s\n", a.v.DType(), describeData(a.v))
	width := 0
	for _, n := range a.coords.names {
		width = max(width, len(n))
	}
	writeCoords(&sb, a.coords, width)
	writeAttrs(&sb, a.v.attrs)
	return strings.TrimRight(sb.String(), "\n")
}

func describeData(v *Variable) string {
	if mem, ok := v.Loaded(); ok && mem.Size() <= 6 {
		return strings.TrimSuffix(mem.String(), fmt.Sprintf(" %s%v", mem.DType(), mem.Shape()))
	}
	if mem, ok := v.Loaded(); ok {
		return "in memory, " + previewValues(mem)
	}
	return "chunks " + v.data.Chunks().String()
}

func writeCoords(sb *strings.Builder, c coords, width int) {
	if len(c.names) == 0 {
		return
	}
	sb.WriteString("Coordinates:\n")
	for _, n := range c.names {
		mark := "   "
		if _, ok := c.index[n]; ok {
			mark = "  *"
		}
		writeVar(sb, mark, n, c.vars[n], c.index[n], width)
	}
}

// writeVar writes one line: name, dims, dtype and a preview of the values
// (the index's labels, in-memory values, or the chunking).
func writeVar(sb *strings.Builder, mark, name string, v *Variable, x Index, width int) {
	dtype := v.DType().String()
	preview := ""
	switch {
	case x != nil && x.Kind() == "time":
		dtype = "time"
		preview = previewIndex(x)
	case v.strs != nil:
		dtype = "string"
		if strs, ok := v.Strings(); ok {
			preview = previewStrings(strs)
		}
	case x != nil:
		preview = previewIndex(x)
	case isTime(v) && v.mem != nil:
		// A time coordinate left scalar by a selection: its dates.
		dtype = "time"
		if dates, _, err := Times(v); err == nil {
			preview = previewLabels(len(dates), func(i int) string { return dates[i].String() })
		} else {
			preview = previewValues(v.mem)
		}
	default:
		if mem, ok := v.Loaded(); ok {
			preview = previewValues(mem)
		} else {
			preview = "chunks " + v.data.Chunks().String()
		}
	}
	fmt.Fprintf(sb, "%s %-*s  %s %s %s\n", mark, width, name, dimList(v.dims), dtype, preview)
}

// previewLabels shows the first three and the last two of n labels.
func previewLabels(n int, label func(i int) string) string {
	var parts []string
	for i := 0; i < n; i++ {
		if n > 6 && i == 3 {
			parts = append(parts, "...")
			i = n - 3
			continue
		}
		parts = append(parts, label(i))
	}
	return strings.Join(parts, " ")
}

func previewIndex(x Index) string { return previewLabels(x.Len(), x.Label) }

func previewStrings(s []string) string {
	return previewLabels(len(s), func(i int) string { return s[i] })
}

func previewValues(a *ndarray.Array) string {
	vals := ndarray.Float64s(a)
	return previewLabels(len(vals), func(i int) string { return fmtFloat(vals[i], 32) })
}

func writeAttrs(sb *strings.Builder, attrs Attrs) {
	if len(attrs) == 0 {
		return
	}
	sb.WriteString("Attributes:\n")
	width := 0
	for _, a := range attrs {
		width = max(width, len(a.Name))
	}
	for _, a := range attrs {
		fmt.Fprintf(sb, "    %-*s  %s\n", width+1, a.Name+":", formatAttr(a.Value))
	}
}
