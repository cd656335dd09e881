// Package tessera is the root of the tessera module: labeled, chunked,
// out-of-core N-dimensional arrays for Go, and a command-line tool for
// seasonal statistics of netCDF files.
//
// The library lives in subpackages, layered from the bottom up (see
// docs/ARCHITECTURE.md):
//
//   - ndarray: dense N-d arrays, dtypes, views and fast, exact kernels
//   - graph: symbolic task graphs; cull, fuse, order, lower to plans
//   - scheduler: runs a plan on every core within a memory budget
//   - chunk: lazy chunked arrays, computed block by block
//   - labels, labels/cftime: named dimensions, coordinates, indexes,
//     Dataset and DataArray; CF conventions and calendars
//   - io/netcdf, io/arrow: netCDF files in and out; Arrow and Parquet out
//
// This package holds no code; its tests state the dependency policy
// between the subpackages.
package tessera
