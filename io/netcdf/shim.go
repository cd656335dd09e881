package netcdf

// #cgo pkg-config: netcdf
// #include <netcdf.h>
// #include <stdlib.h>
import "C"

import (
	"fmt"
	"unsafe"

	nc "github.com/fhs/go-netcdf/netcdf"
)

// The few libnetcdf calls go-netcdf v1.2.1 does not wrap. A go-netcdf
// Dataset is the C library's ncid, so it converts directly. Callers hold
// mu, as for every C call.

func ncid(ds nc.Dataset) C.int { return C.int(int32(ds)) }

func ncErr(status C.int) error {
	if status == C.NC_NOERR {
		return nil
	}
	return fmt.Errorf("%s", C.GoString(C.nc_strerror(status)))
}

// unlimitedDim returns the id of the unlimited dimension, or -1.
func unlimitedDim(ds nc.Dataset) (int, error) {
	var id C.int
	if err := ncErr(C.nc_inq_unlimdim(ncid(ds), &id)); err != nil {
		return -1, err
	}
	return int(id), nil
}

// inqDim returns the name and length of dimension id.
func inqDim(ds nc.Dataset, id int) (string, uint64, error) {
	buf := (*C.char)(C.malloc(C.NC_MAX_NAME + 1))
	defer C.free(unsafe.Pointer(buf))
	var n C.size_t
	if err := ncErr(C.nc_inq_dim(ncid(ds), C.int(id), buf, &n)); err != nil {
		return "", 0, err
	}
	return C.GoString(buf), uint64(n), nil
}

// numDims returns the number of dimensions of the file.
func numDims(ds nc.Dataset) (int, error) {
	var n C.int
	err := ncErr(C.nc_inq_ndims(ncid(ds), &n))
	return int(n), err
}

// varID returns the id of variable name.
func varID(ds nc.Dataset, name string) (C.int, error) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var id C.int
	err := ncErr(C.nc_inq_varid(ncid(ds), cname, &id))
	return id, err
}

// defChunking sets the chunk shape of variable name (netCDF-4 only).
func defChunking(ds nc.Dataset, name string, chunks []int) error {
	id, err := varID(ds, name)
	if err != nil {
		return err
	}
	sizes := make([]C.size_t, len(chunks))
	for i, c := range chunks {
		sizes[i] = C.size_t(c)
	}
	var p *C.size_t
	if len(sizes) > 0 {
		p = &sizes[0]
	}
	return ncErr(C.nc_def_var_chunking(ncid(ds), id, C.NC_CHUNKED, p))
}

// createMode is the nc_create mode of the CDF-5 format, which go-netcdf
// does not name.
const modeCDF5 = nc.FileMode(C.NC_64BIT_DATA)

// putVara writes the hyperslab start/count of variable name from the
// values at p, which have the variable's own type (nc_put_vara; the
// unlimited dimension grows as needed, which go-netcdf's checked writes
// do not allow).
func putVara(ds nc.Dataset, name string, start, count []uint64, p unsafe.Pointer) error {
	id, err := varID(ds, name)
	if err != nil {
		return err
	}
	s := make([]C.size_t, len(start)+1)
	c := make([]C.size_t, len(count)+1)
	for i := range start {
		s[i], c[i] = C.size_t(start[i]), C.size_t(count[i])
	}
	return ncErr(C.nc_put_vara(ncid(ds), id, &s[0], &c[0], p))
}
