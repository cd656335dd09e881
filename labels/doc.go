// Package labels gives tessera's lazy arrays names and labels: Variable
// (an array with named dimensions, attributes and encoding), DataArray (a
// variable with coordinates) and Dataset (variables sharing dimensions
// and coordinates), as xarray has them.
//
// # Selection
//
// Isel selects by position, Sel by label through the indexes of the
// dimension coordinates: exact or nearest labels, inclusive label slices
// (in either direction on a sorted coordinate, so a latitude stored from
// north to south slices as users expect), lists of labels, and, on time
// coordinates, partial date strings: Sel(time: "2014-12") keeps the
// December steps. Selections are lazy and prune reads: only the chunks
// they touch are ever read.
//
// # Arithmetic and reductions
//
// Binary operations align their operands (an inner join on the labels of
// every shared indexed dimension; no common label is an error) and
// broadcast them by dimension name. Reductions take dimension names.
// Attributes follow xarray's defaults: selections, transposes and renames
// keep them, arithmetic and reductions drop them (ReduceOptions.KeepAttrs
// keeps them).
//
// # CF conventions
//
// Decode and Encode apply the CF conventions as pure functions on
// variables, independent of any file format: mask and scale (CodecFor)
// and time units with their calendars (package labels/cftime).
//
// Nothing here reads data until Compute, Values or Persist: a repr shows
// the indexes and what is in memory, never computed values.
package labels
