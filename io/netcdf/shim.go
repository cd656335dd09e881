package netcdf

// #cgo pkg-config: netcdf
// #cgo LDFLAGS: -ldl
// #include <netcdf.h>
// #include <stdlib.h>
// #include <stdint.h>
// #include <dlfcn.h>
//
// // quiet_hdf5 turns off HDF5's printing of error stacks on the calling
// // thread. libnetcdf turns it off once, on the thread that initialises
// // it, but a thread-safe HDF5 keeps the setting per thread, and Go runs
// // C calls on any of its threads: libnetcdf 4.9 probes attributes that
// // are usually absent (_QuantizeBitGroomNumberOfSignificantDigits ...),
// // and every probe would print a dozen lines of "HDF5-DIAG" on stderr.
// // H5Eset_auto2 is looked up at run time (libnetcdf has loaded HDF5),
// // so that nothing links against HDF5 itself; without it, nothing is
// // done.
// typedef int (*h5e_set_auto2)(int64_t, void *, void *);
// static void quiet_hdf5(void) {
// 	static h5e_set_auto2 f;
// 	static int looked;
// 	if (!looked) {
// 		looked = 1;
// 		f = (h5e_set_auto2)dlsym(RTLD_DEFAULT, "H5Eset_auto2");
// 	}
// 	if (f) {
// 		f(0, NULL, NULL); // H5E_DEFAULT: the thread's default stack
// 	}
// }
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

// quietHDF5 stops HDF5 printing error stacks on the thread that runs the
// next C calls; callers hold mu and call it before the libnetcdf calls
// that follow, all on one goroutine (locked to its thread meanwhile).
func quietHDF5() { C.quiet_hdf5() }

func ncErr(status C.int) error {
	if status == C.NC_NOERR {
		return nil
	}
	return fmt.Errorf("%s", C.GoString(C.nc_strerror(status)))
}

// setNoFill turns off the prefilling of variables with fill values.
func setNoFill(ds nc.Dataset) error {
	var old C.int
	return ncErr(C.nc_set_fill(ncid(ds), C.NC_NOFILL, &old))
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

// putVara writes the hyperslab start/count of variable name from the
// values at p, which have the variable's own type (nc_put_vara; the
// unlimited dimension grows as needed, which go-netcdf's checked writes
// do not allow).
func putVara(ds nc.Dataset, name string, start, count []uint64, p unsafe.Pointer) error {
	id, err := varID(ds, name)
	if err != nil {
		return err
	}
	s, c := cIndex(start, count)
	return ncErr(C.nc_put_vara(ncid(ds), id, s, c, p))
}

// cIndex returns the start and count of a hyperslab as C arrays for the
// nc_put_vara calls: one element longer than the rank, so that a
// scalar's are valid pointers too.
func cIndex(start, count []uint64) (s, c *C.size_t) {
	ss := make([]C.size_t, len(start)+1)
	cc := make([]C.size_t, len(count)+1)
	for i := range start {
		ss[i], cc[i] = C.size_t(start[i]), C.size_t(count[i])
	}
	return &ss[0], &cc[0]
}

// putAtt writes the n values at p, of type t in their Go form, as the
// attribute name of variable varName ("" for the file's): nc_put_att,
// which, unlike go-netcdf's writes, takes a value of length 0 too.
func putAtt(ds nc.Dataset, varName, name string, t nc.Type, n int, p unsafe.Pointer) error {
	id := C.int(C.NC_GLOBAL)
	if varName != "" {
		var err error
		if id, err = varID(ds, varName); err != nil {
			return err
		}
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var zero [8]byte
	if n == 0 {
		p = unsafe.Pointer(&zero[0])
	}
	return ncErr(C.nc_put_att(ncid(ds), id, cname, C.nc_type(t), C.size_t(n), p))
}

// putStrings writes the labels strs as the hyperslab start/count of the
// NC_STRING variable name (nc_put_vara_string: the C library copies
// them).
func putStrings(ds nc.Dataset, name string, start, count []uint64, strs []string) error {
	id, err := varID(ds, name)
	if err != nil {
		return err
	}
	if len(strs) == 0 {
		return nil
	}
	// The array of pointers lives in C memory: Go memory handed to C
	// may not hold Go pointers.
	ptrs := (**C.char)(C.calloc(C.size_t(len(strs)), C.size_t(unsafe.Sizeof((*C.char)(nil)))))
	defer C.free(unsafe.Pointer(ptrs))
	ps := unsafe.Slice(ptrs, len(strs))
	for i, s := range strs {
		ps[i] = C.CString(s)
	}
	defer func() {
		for _, p := range ps {
			C.free(unsafe.Pointer(p))
		}
	}()
	s, c := cIndex(start, count)
	return ncErr(C.nc_put_vara_string(ncid(ds), id, s, c, ptrs))
}

// getStrings reads the n values of the 1-D NC_STRING variable name (a
// NULL string, netCDF-4's fill value, reads as "").
func getStrings(ds nc.Dataset, name string, n int) ([]string, error) {
	out := make([]string, n)
	if n == 0 {
		return out, nil
	}
	id, err := varID(ds, name)
	if err != nil {
		return nil, err
	}
	ptrs := (**C.char)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof((*C.char)(nil)))))
	defer C.free(unsafe.Pointer(ptrs))
	s := []C.size_t{0}
	c := []C.size_t{C.size_t(n)}
	if err := ncErr(C.nc_get_vara_string(ncid(ds), id, &s[0], &c[0], ptrs)); err != nil {
		return nil, err
	}
	ps := unsafe.Slice(ptrs, n)
	for i, p := range ps {
		if p != nil {
			out[i] = C.GoString(p)
		}
	}
	C.nc_free_string(C.size_t(n), ptrs)
	return out, nil
}
