// Package libnc is a thin binding to libnetcdf, the netCDF C library,
// loaded at run time (dlopen) on the first call that needs it.
//
// Why not link it: libnetcdf pulls in 45 shared libraries (HDF5, curl,
// GnuTLS, ...), and the dynamic loader maps and relocates them all before
// main runs: 18.6 ms of every process start measured on this project's
// machines (an empty C program linked with -lnetcdf starts in 21.3 ms,
// unlinked in 2.7 ms), 10% of a seasonal climatology over two years of
// classic files, which never call the library (the io/netcdf package
// reads classic files itself). Loaded here, only netCDF-4 files and
// output pay for it.
//
// Only the header (netcdf.h, from libnetcdf-dev) is needed to build; at
// run time the library is found by its soname. The calls are not
// synchronised: libnetcdf is not thread-safe, and callers serialise every
// call (io/netcdf holds one process-wide lock).
package libnc

// #cgo LDFLAGS: -ldl
// #include <stdlib.h>
// #include <stdint.h>
// #include <dlfcn.h>
// #include <netcdf.h>
//
// // Pointers to the library's functions, set by load.
// #define FN(name) static __typeof__(&name) p_##name;
// FN(nc_open) FN(nc_create) FN(nc_close) FN(nc_enddef) FN(nc_set_fill)
// FN(nc_strerror) FN(nc_inq_ndims) FN(nc_inq_dim) FN(nc_inq_unlimdim)
// FN(nc_inq_nvars) FN(nc_inq_varnatts) FN(nc_inq_natts) FN(nc_inq_var)
// FN(nc_inq_varid) FN(nc_inq_attname) FN(nc_inq_att) FN(nc_get_att)
// FN(nc_get_vara) FN(nc_get_vara_string) FN(nc_free_string) FN(nc_def_dim)
// FN(nc_def_var) FN(nc_def_var_deflate) FN(nc_def_var_chunking)
// FN(nc_put_att) FN(nc_put_vara) FN(nc_put_vara_string) FN(nc_inq_libvers)
//
// typedef int (*h5e_set_auto2)(int64_t, void *, void *);
// static h5e_set_auto2 p_H5Eset_auto2;
//
// static void *lib;
//
// // load opens the library (the first soname that opens) and looks up
// // every function; it returns NULL or the reason it failed.
// static const char *load(void) {
// 	static const char *names[] = {"libnetcdf.so.19", "libnetcdf.so.22", "libnetcdf.so.21",
// 		"libnetcdf.so.18", "libnetcdf.so.15", "libnetcdf.so", "libnetcdf.dylib", NULL};
// 	const char *why = "not found";
// 	for (int i = 0; names[i] && !lib; i++) {
// 		lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
// 		if (!lib) {
// 			why = dlerror();
// 		}
// 	}
// 	if (!lib) {
// 		return why;
// 	}
// #define LOOK(name) if (!(p_##name = (__typeof__(p_##name))dlsym(lib, #name))) return #name " is missing";
// 	LOOK(nc_open) LOOK(nc_create) LOOK(nc_close) LOOK(nc_enddef) LOOK(nc_set_fill)
// 	LOOK(nc_strerror) LOOK(nc_inq_ndims) LOOK(nc_inq_dim) LOOK(nc_inq_unlimdim)
// 	LOOK(nc_inq_nvars) LOOK(nc_inq_varnatts) LOOK(nc_inq_natts) LOOK(nc_inq_var)
// 	LOOK(nc_inq_varid) LOOK(nc_inq_attname) LOOK(nc_inq_att) LOOK(nc_get_att)
// 	LOOK(nc_get_vara) LOOK(nc_get_vara_string) LOOK(nc_free_string) LOOK(nc_def_dim)
// 	LOOK(nc_def_var) LOOK(nc_def_var_deflate) LOOK(nc_def_var_chunking)
// 	LOOK(nc_put_att) LOOK(nc_put_vara) LOOK(nc_put_vara_string) LOOK(nc_inq_libvers)
// 	// HDF5 is loaded with libnetcdf (netCDF-4 builds); absent otherwise.
// 	p_H5Eset_auto2 = (h5e_set_auto2)dlsym(lib, "H5Eset_auto2");
// 	return NULL;
// }
//
// // quiet_hdf5 turns off HDF5's printing of error stacks on the calling
// // thread. libnetcdf turns it off once, on the thread that initialises
// // it, but a thread-safe HDF5 keeps the setting per thread, and Go runs
// // C calls on any of its threads: libnetcdf 4.9 probes attributes that
// // are usually absent (_QuantizeBitGroomNumberOfSignificantDigits ...),
// // and every probe would print a dozen lines of "HDF5-DIAG" on stderr.
// static void quiet_hdf5(void) {
// 	if (p_H5Eset_auto2) {
// 		p_H5Eset_auto2(0, NULL, NULL); // H5E_DEFAULT: the thread's default stack
// 	}
// }
//
// static int c_open(const char *path, int mode, int *id) { return p_nc_open(path, mode, id); }
// static int c_create(const char *path, int mode, int *id) { return p_nc_create(path, mode, id); }
// static int c_close(int id) { return p_nc_close(id); }
// static int c_enddef(int id) { return p_nc_enddef(id); }
// static int c_set_fill(int id, int mode, int *old) { return p_nc_set_fill(id, mode, old); }
// static const char *c_strerror(int status) { return p_nc_strerror(status); }
// static const char *c_libvers(void) { return p_nc_inq_libvers(); }
// static int c_inq_ndims(int id, int *n) { return p_nc_inq_ndims(id, n); }
// static int c_inq_dim(int id, int d, char *name, size_t *n) { return p_nc_inq_dim(id, d, name, n); }
// static int c_inq_unlimdim(int id, int *d) { return p_nc_inq_unlimdim(id, d); }
// static int c_inq_nvars(int id, int *n) { return p_nc_inq_nvars(id, n); }
// static int c_inq_natts(int id, int v, int *n) {
// 	return v == NC_GLOBAL ? p_nc_inq_natts(id, n) : p_nc_inq_varnatts(id, v, n);
// }
// static int c_inq_var(int id, int v, char *name, nc_type *t, int *nd, int *dims) {
// 	return p_nc_inq_var(id, v, name, t, nd, dims, NULL);
// }
// static int c_inq_varid(int id, const char *name, int *v) { return p_nc_inq_varid(id, name, v); }
// static int c_inq_attname(int id, int v, int i, char *name) { return p_nc_inq_attname(id, v, i, name); }
// static int c_inq_att(int id, int v, const char *name, nc_type *t, size_t *n) { return p_nc_inq_att(id, v, name, t, n); }
// static int c_get_att(int id, int v, const char *name, void *p) { return p_nc_get_att(id, v, name, p); }
// static int c_get_vara(int id, int v, const size_t *s, const size_t *c, void *p) { return p_nc_get_vara(id, v, s, c, p); }
// static int c_get_vara_string(int id, int v, const size_t *s, const size_t *c, char **p) { return p_nc_get_vara_string(id, v, s, c, p); }
// static int c_free_string(size_t n, char **p) { return p_nc_free_string(n, p); }
// static int c_def_dim(int id, const char *name, size_t n, int *d) { return p_nc_def_dim(id, name, n, d); }
// static int c_def_var(int id, const char *name, nc_type t, int nd, const int *dims, int *v) { return p_nc_def_var(id, name, t, nd, dims, v); }
// static int c_def_var_deflate(int id, int v, int shuffle, int deflate, int level) { return p_nc_def_var_deflate(id, v, shuffle, deflate, level); }
// static int c_def_var_chunking(int id, int v, const size_t *c) { return p_nc_def_var_chunking(id, v, NC_CHUNKED, c); }
// static int c_put_att(int id, int v, const char *name, nc_type t, size_t n, const void *p) { return p_nc_put_att(id, v, name, t, n, p); }
// static int c_put_vara(int id, int v, const size_t *s, const size_t *c, const void *p) { return p_nc_put_vara(id, v, s, c, p); }
// static int c_put_vara_string(int id, int v, const size_t *s, const size_t *c, const char **p) { return p_nc_put_vara_string(id, v, s, c, p); }
import "C"

import (
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"
)

var (
	loaded = sync.OnceValue(func() error {
		if why := C.load(); why != nil {
			return fmt.Errorf("cannot load libnetcdf, which netCDF-4 files need (install libnetcdf19 or libnetcdf-dev): %s", C.GoString(why))
		}
		C.quiet_hdf5() // the loading thread; QuietHDF5 does the others
		isLoaded.Store(true)
		return nil
	})
	isLoaded atomic.Bool
)

// Load loads the library if it is not loaded yet; every function below
// calls it. It returns why the library cannot be loaded, every time.
func Load() error { return loaded() }

// Version returns the library's version string ("" when it cannot be
// loaded).
func Version() string {
	if Load() != nil {
		return ""
	}
	return C.GoString(C.c_libvers())
}

// QuietHDF5 stops HDF5 printing error stacks on the thread that runs the
// next C calls; call it before them, on a goroutine locked to its thread.
// It loads nothing: before the library is loaded there is nothing to
// quiet, and Load quiets the thread that loads it.
func QuietHDF5() {
	if isLoaded.Load() {
		C.quiet_hdf5()
	}
}

// Loaded reports whether the library has been loaded.
func Loaded() bool { return isLoaded.Load() }

// Error is a libnetcdf status: negative for the library's own errors,
// positive for a system error (errno).
type Error int

func (e Error) Error() string {
	if e > 0 {
		return syscall.Errno(e).Error() // as Go's own file errors read
	}
	if Load() != nil {
		return fmt.Sprintf("netCDF error %d", int(e))
	}
	return C.GoString(C.c_strerror(C.int(e)))
}

// Unwrap makes a system error an errno, so that errors.Is(err,
// fs.ErrNotExist) and the like hold.
func (e Error) Unwrap() error {
	if e > 0 {
		return syscall.Errno(e)
	}
	return nil
}

func check(status C.int) error {
	if status == C.NC_NOERR {
		return nil
	}
	return Error(status)
}

// Type is a netCDF external type (nc_type).
type Type int

const (
	Byte   Type = C.NC_BYTE
	Char   Type = C.NC_CHAR
	Short  Type = C.NC_SHORT
	Int    Type = C.NC_INT
	Float  Type = C.NC_FLOAT
	Double Type = C.NC_DOUBLE
	UByte  Type = C.NC_UBYTE
	UShort Type = C.NC_USHORT
	UInt   Type = C.NC_UINT
	Int64  Type = C.NC_INT64
	UInt64 Type = C.NC_UINT64
	String Type = C.NC_STRING
)

// Mode flags of Open and Create.
const (
	NoWrite      = C.NC_NOWRITE
	Clobber      = C.NC_CLOBBER
	NetCDF4      = C.NC_NETCDF4
	ClassicModel = C.NC_CLASSIC_MODEL
	Offset64     = C.NC_64BIT_OFFSET
)

// Global is the variable id of the file's own attributes.
const Global = C.NC_GLOBAL

// File is an open dataset (its ncid).
type File int

// Open opens the file at path with mode (NoWrite to read).
func Open(path string, mode int) (File, error) {
	if err := Load(); err != nil {
		return 0, err
	}
	p := C.CString(path)
	defer C.free(unsafe.Pointer(p))
	var id C.int
	err := check(C.c_open(p, C.int(mode), &id))
	return File(id), err
}

// Create creates the file at path with mode (Clobber to replace one).
func Create(path string, mode int) (File, error) {
	if err := Load(); err != nil {
		return 0, err
	}
	p := C.CString(path)
	defer C.free(unsafe.Pointer(p))
	var id C.int
	err := check(C.c_create(p, C.int(mode), &id))
	return File(id), err
}

// Close closes f, writing what is buffered.
func (f File) Close() error { return check(C.c_close(C.int(f))) }

// EndDef leaves define mode.
func (f File) EndDef() error { return check(C.c_enddef(C.int(f))) }

// SetNoFill turns off the prefilling of variables with fill values.
func (f File) SetNoFill() error {
	var old C.int
	return check(C.c_set_fill(C.int(f), C.NC_NOFILL, &old))
}

// NDims returns the number of dimensions.
func (f File) NDims() (int, error) {
	var n C.int
	err := check(C.c_inq_ndims(C.int(f), &n))
	return int(n), err
}

// Dim returns the name and length of dimension id.
func (f File) Dim(id int) (string, uint64, error) {
	var buf [C.NC_MAX_NAME + 1]C.char
	var n C.size_t
	if err := check(C.c_inq_dim(C.int(f), C.int(id), &buf[0], &n)); err != nil {
		return "", 0, err
	}
	return C.GoString(&buf[0]), uint64(n), nil
}

// Unlimited returns the id of the unlimited dimension, or -1.
func (f File) Unlimited() (int, error) {
	var id C.int
	err := check(C.c_inq_unlimdim(C.int(f), &id))
	return int(id), err
}

// NVars returns the number of variables.
func (f File) NVars() (int, error) {
	var n C.int
	err := check(C.c_inq_nvars(C.int(f), &n))
	return int(n), err
}

// Var returns the name, type and dimension ids of variable id.
func (f File) Var(id int) (string, Type, []int, error) {
	var buf [C.NC_MAX_NAME + 1]C.char
	var t C.nc_type
	var nd C.int
	var dims [C.NC_MAX_VAR_DIMS]C.int
	if err := check(C.c_inq_var(C.int(f), C.int(id), &buf[0], &t, &nd, &dims[0])); err != nil {
		return "", 0, nil, err
	}
	out := make([]int, nd)
	for i := range out {
		out[i] = int(dims[i])
	}
	return C.GoString(&buf[0]), Type(t), out, nil
}

// VarID returns the id of the variable called name.
func (f File) VarID(name string) (int, error) {
	p := C.CString(name)
	defer C.free(unsafe.Pointer(p))
	var id C.int
	err := check(C.c_inq_varid(C.int(f), p, &id))
	return int(id), err
}

// NAtts returns the number of attributes of variable v (Global: the
// file's).
func (f File) NAtts(v int) (int, error) {
	var n C.int
	err := check(C.c_inq_natts(C.int(f), C.int(v), &n))
	return int(n), err
}

// AttName returns the name of attribute i of variable v.
func (f File) AttName(v, i int) (string, error) {
	var buf [C.NC_MAX_NAME + 1]C.char
	if err := check(C.c_inq_attname(C.int(f), C.int(v), C.int(i), &buf[0])); err != nil {
		return "", err
	}
	return C.GoString(&buf[0]), nil
}

// Att returns the type and number of values of attribute name of v.
func (f File) Att(v int, name string) (Type, int, error) {
	p := C.CString(name)
	defer C.free(unsafe.Pointer(p))
	var t C.nc_type
	var n C.size_t
	err := check(C.c_inq_att(C.int(f), C.int(v), p, &t, &n))
	return Type(t), int(n), err
}

// GetAtt reads the values of attribute name of v into dst, which must
// hold them all in the attribute's own type.
func (f File) GetAtt(v int, name string, dst unsafe.Pointer) error {
	p := C.CString(name)
	defer C.free(unsafe.Pointer(p))
	return check(C.c_get_att(C.int(f), C.int(v), p, dst))
}

// index returns start and count as C arrays, one element longer than the
// rank so that a scalar's are valid pointers too. They are C memory (the
// caller frees them), so that Go memory handed to C holds no Go
// pointers.
func index(start, count []int) (*C.size_t, *C.size_t) {
	n := len(start) + 1
	s := (*C.size_t)(C.calloc(C.size_t(2*n), C.size_t(unsafe.Sizeof(C.size_t(0)))))
	both := unsafe.Slice(s, 2*n)
	for i := range start {
		both[i], both[n+i] = C.size_t(start[i]), C.size_t(count[i])
	}
	return s, &both[n]
}

// GetVara reads the hyperslab start/count of variable v into dst, which
// holds its values in the variable's own type (converted to the
// machine's byte order).
func (f File) GetVara(v int, start, count []int, dst unsafe.Pointer) error {
	s, c := index(start, count)
	defer C.free(unsafe.Pointer(s))
	return check(C.c_get_vara(C.int(f), C.int(v), s, c, dst))
}

// GetStrings reads the hyperslab start/count of the NC_STRING variable
// v, n strings (a NULL string, netCDF-4's fill value, reads as "").
func (f File) GetStrings(v int, start, count []int, n int) ([]string, error) {
	out := make([]string, n)
	if n == 0 {
		return out, nil
	}
	ptrs := (**C.char)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof((*C.char)(nil)))))
	defer C.free(unsafe.Pointer(ptrs))
	s, c := index(start, count)
	defer C.free(unsafe.Pointer(s))
	if err := check(C.c_get_vara_string(C.int(f), C.int(v), s, c, ptrs)); err != nil {
		return nil, err
	}
	for i, p := range unsafe.Slice(ptrs, n) {
		if p != nil {
			out[i] = C.GoString(p)
		}
	}
	C.c_free_string(C.size_t(n), ptrs)
	return out, nil
}

// DefDim defines a dimension of length n (0: unlimited) and returns its
// id.
func (f File) DefDim(name string, n uint64) (int, error) {
	p := C.CString(name)
	defer C.free(unsafe.Pointer(p))
	var id C.int
	err := check(C.c_def_dim(C.int(f), p, C.size_t(n), &id))
	return int(id), err
}

// DefVar defines a variable of type t over the dimensions dims and
// returns its id.
func (f File) DefVar(name string, t Type, dims []int) (int, error) {
	p := C.CString(name)
	defer C.free(unsafe.Pointer(p))
	d := make([]C.int, len(dims)+1)
	for i, x := range dims {
		d[i] = C.int(x)
	}
	var id C.int
	err := check(C.c_def_var(C.int(f), p, C.nc_type(t), C.int(len(dims)), &d[0], &id))
	return int(id), err
}

// DefDeflate sets variable v's filters (netCDF-4 only).
func (f File) DefDeflate(v int, shuffle, deflate bool, level int) error {
	b := func(x bool) C.int {
		if x {
			return 1
		}
		return 0
	}
	return check(C.c_def_var_deflate(C.int(f), C.int(v), b(shuffle), b(deflate), C.int(level)))
}

// DefChunking sets variable v's chunk shape (netCDF-4 only).
func (f File) DefChunking(v int, chunks []int) error {
	c := make([]C.size_t, len(chunks)+1)
	for i, x := range chunks {
		c[i] = C.size_t(x)
	}
	return check(C.c_def_var_chunking(C.int(f), C.int(v), &c[0]))
}

// PutAtt writes the n values at p, of type t, as attribute name of v; n
// may be 0.
func (f File) PutAtt(v int, name string, t Type, n int, p unsafe.Pointer) error {
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cn))
	var zero [8]byte
	if n == 0 || p == nil {
		p = unsafe.Pointer(&zero[0])
	}
	return check(C.c_put_att(C.int(f), C.int(v), cn, C.nc_type(t), C.size_t(n), p))
}

// PutVara writes the hyperslab start/count of variable v from the values
// at p, in the variable's own type (the unlimited dimension grows as
// needed).
func (f File) PutVara(v int, start, count []int, p unsafe.Pointer) error {
	s, c := index(start, count)
	defer C.free(unsafe.Pointer(s))
	return check(C.c_put_vara(C.int(f), C.int(v), s, c, p))
}

// PutStrings writes strs as the hyperslab start/count of the NC_STRING
// variable v (the library copies them).
func (f File) PutStrings(v int, start, count []int, strs []string) error {
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
	s, c := index(start, count)
	defer C.free(unsafe.Pointer(s))
	return check(C.c_put_vara_string(C.int(f), C.int(v), s, c, ptrs))
}
