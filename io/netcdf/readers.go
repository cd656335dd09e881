package netcdf

// Reader processes. libnetcdf and HDF5 (as Debian builds them) are not
// thread-safe, so one process decompresses netCDF-4 data on one core at
// a time, under mu. To use more cores, data hyperslabs of netCDF-4 files
// are read by a pool of reader processes: the running executable started
// again with TESSERA_NC_READER=1 in its environment, which this
// package's init turns into a server of read requests before anything
// else of the program runs. Each reader reads with readNetCDF4Into, as
// the parent would, and sends the values back through a pipe in the
// machine's byte order.
//
// The protocol, over two pipes that the reader has as file descriptors
// 3 (requests) and 4 (replies), all integers little-endian:
//
//	hello:   the reader writes readerHello once, when it is ready
//	request: u32 len, path; u32 len, variable name; u8 dtype;
//	         u32 rank; rank x u64 start; rank x u64 count
//	reply:   u8 0, u64 n, n bytes of values; or
//	         u8 1, i32 errno (0 if none), u32 len, error message
//
// Descriptors 3 and 4 rather than standard input and output, so that
// nothing a library prints can mix with the replies (a reader's standard
// output goes to the parent's standard error). A reader exits when its
// request pipe reaches end of file, so when the parent closes it or
// exits, and on Linux it is also killed when the thread that started it
// ends (Pdeathsig; every reader is started from one locked thread that
// outlives them).

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"github.com/tesseradata/tessera/ndarray"
)

const (
	// readerEnv set to "1" makes a program that imports this package a
	// reader process.
	readerEnv = "TESSERA_NC_READER"
	// readersEnv sets the size of the pool (see SetReaders).
	readersEnv = "TESSERA_NC_READERS"
	// maxDefaultReaders caps the default size of the pool.
	maxDefaultReaders = 8
	// readerHello is the first thing a reader writes.
	readerHello = "tessera netCDF-4 reader 1\n"
	// helloTimeout bounds the wait for a new reader's hello; a reader
	// that does not answer in time is killed and reads stay in process.
	helloTimeout = 10 * time.Second
	// maxField bounds the strings and the rank of a request, and the
	// error message of a reply.
	maxField = 1 << 20
)

func init() {
	if os.Getenv(readerEnv) != "1" {
		return
	}
	os.Exit(serveReader(os.NewFile(3, "requests"), os.NewFile(4, "replies")))
}

// SetReaders sets how many reader processes decompress netCDF-4 data
// (see the package doc): n < 0 restores the default, the value of the
// environment variable TESSERA_NC_READERS if it holds a number, else
// min(GOMAXPROCS, 8); 0 or 1 reads in this process, one read at a time.
// The readers running now are stopped once their reads in flight are
// done; new ones start with the next read. SetReaders returns the
// previous setting (-1 for the default).
func SetReaders(n int) int {
	if n < 0 {
		n = -1
	}
	poolMu.Lock()
	old, prev := curPool, readersSetting
	curPool, readersSetting = nil, n
	poolMu.Unlock()
	if old != nil {
		old.close()
	}
	return prev
}

var (
	// readerExe returns the program a reader process runs (a variable
	// for the tests).
	readerExe = selfExe
	// readerIdle is how long a reader waits for work before it is
	// stopped (a variable for the tests).
	readerIdle = 30 * time.Second

	poolMu         sync.Mutex
	curPool        *pool // nil until the first netCDF-4 data read
	readersSetting = -1
)

// defaultReaders is the size of the pool when SetReaders has not set it.
func defaultReaders() int {
	if s := strings.TrimSpace(os.Getenv(readersEnv)); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n >= 0 {
			return n
		}
	}
	return min(runtime.GOMAXPROCS(0), maxDefaultReaders)
}

// readerPool returns the pool of reader processes, or nil when reads
// stay in this process.
func readerPool() *pool {
	poolMu.Lock()
	defer poolMu.Unlock()
	if curPool == nil {
		n := readersSetting
		if n < 0 {
			n = defaultReaders()
		}
		curPool = &pool{size: n, live: map[*reader]bool{}, wake: make(chan struct{})}
	}
	if curPool.size <= 1 {
		return nil
	}
	return curPool
}

// readNetCDF4Data reads a data hyperslab of a netCDF-4 file: through a
// reader process when the pool is on, else in this process. Waiting for
// a reader ends with ctx; a read in flight is completed.
func (f *file) readNetCDF4Data(ctx context.Context, v *varInfo, start, count []int) (*ndarray.Array, error) {
	p := readerPool()
	if p == nil {
		return f.readNetCDF4Slab(v, start, count)
	}
	a, err := ndarray.New(v.dtype, count...)
	if err != nil || a.Size() == 0 {
		return a, err
	}
	r, err := p.acquire(ctx)
	if err != nil {
		return nil, err
	}
	if r == nil {
		// The pool is closed, or no reader could be started.
		return f.readNetCDF4Slab(v, start, count)
	}
	// The reader's working directory is this process's when it
	// started: a relative path is resolved here, now, as a read in
	// process would resolve it.
	path, err := filepath.Abs(f.path)
	if err != nil {
		p.put(r)
		return nil, err
	}
	remote, broken := r.read(path, v.name, v.dtype, start, count, storageBytes(a.Storage()))
	if broken != nil {
		pid := r.cmd.Process.Pid
		if status := p.drop(r); status != nil {
			return nil, fmt.Errorf("netCDF-4 reader process %d died (%v)", pid, status)
		}
		return nil, fmt.Errorf("netCDF-4 reader process %d: %v", pid, broken)
	}
	p.put(r)
	if remote != nil {
		return nil, remote
	}
	return a, nil
}

// pool holds up to size reader processes, started as reads need them.
type pool struct {
	size int

	mu       sync.Mutex
	idle     []*reader
	live     map[*reader]bool // started and not yet stopped
	starting int
	closed   bool // by SetReaders: reads go in process
	broken   bool // a reader could not be started: reads go in process
	wake     chan struct{}
	children sync.WaitGroup // readers live or starting

	spawnOnce sync.Once
	spawnc    chan chan spawned
}

type spawned struct {
	r   *reader
	err error
}

// broadcast wakes the reads waiting for a reader; p.mu is held.
func (p *pool) broadcast() {
	close(p.wake)
	p.wake = make(chan struct{})
}

// acquire returns an idle reader, starting one if fewer than size run,
// else waits for one. It returns nil and no error when reads should stay
// in process.
func (p *pool) acquire(ctx context.Context) (*reader, error) {
	for {
		p.mu.Lock()
		if p.closed || p.broken {
			p.mu.Unlock()
			return nil, nil
		}
		if n := len(p.idle); n > 0 {
			r := p.idle[n-1]
			p.idle = p.idle[:n-1]
			r.expire.Stop() // if it fired, expire finds r no longer idle
			p.mu.Unlock()
			return r, nil
		}
		if len(p.live)+p.starting < p.size {
			p.starting++
			p.children.Add(1)
			p.mu.Unlock()
			r, err := p.spawn()
			if err == nil {
				err = r.hello()
			}
			p.mu.Lock()
			p.starting--
			if err != nil {
				p.broken = true
				p.broadcast()
				p.mu.Unlock()
				p.children.Done()
				return nil, nil
			}
			p.live[r] = true
			p.mu.Unlock()
			return r, nil
		}
		wake := p.wake
		p.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		}
	}
}

// put gives back a reader after a read that left it able to serve.
func (p *pool) put(r *reader) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		r.stop()
		p.forget(r)
		return
	}
	p.idle = append(p.idle, r)
	r.idleAt = time.Now()
	if r.expire == nil {
		r.expire = time.AfterFunc(readerIdle, func() { p.expire(r) })
	} else {
		r.expire.Reset(readerIdle)
	}
	p.broadcast()
	p.mu.Unlock()
}

// expire stops a reader that has been idle for readerIdle, unless it
// was taken meanwhile (or taken and given back: a timer that fired
// while the reader was in use finds it idle for less than readerIdle).
func (p *pool) expire(r *reader) {
	p.mu.Lock()
	i := slices.Index(p.idle, r)
	if i < 0 || time.Since(r.idleAt) < readerIdle {
		p.mu.Unlock()
		return
	}
	p.idle = slices.Delete(p.idle, i, i+1)
	p.mu.Unlock()
	r.stop()
	p.forget(r)
}

// drop kills a reader that failed, reaps it and returns its exit status
// (nil if it exited with status 0).
func (p *pool) drop(r *reader) error {
	status := r.kill()
	p.forget(r)
	return status
}

// forget removes a stopped reader, which the next read replaces.
func (p *pool) forget(r *reader) {
	p.mu.Lock()
	delete(p.live, r)
	p.broadcast()
	p.mu.Unlock()
	p.children.Done()
}

// close stops the idle readers and those in use as their reads end,
// waits for all of them, and ends the thread that started them.
func (p *pool) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	idle := p.idle
	p.idle = nil
	p.broadcast()
	p.mu.Unlock()
	for _, r := range idle {
		r.expire.Stop()
		r.stop()
		p.forget(r)
	}
	p.children.Wait()
	if p.spawnc != nil {
		close(p.spawnc)
	}
}

// spawn starts a reader on the pool's spawning thread.
func (p *pool) spawn() (*reader, error) {
	p.spawnOnce.Do(func() {
		p.spawnc = make(chan chan spawned)
		go spawner(p.spawnc)
	})
	reply := make(chan spawned, 1)
	p.spawnc <- reply
	s := <-reply
	return s.r, s.err
}

// spawner starts readers on one OS thread, which it never gives back: on
// Linux a reader is killed when the thread that started it ends
// (Pdeathsig), and Go may end a thread that a goroutine leaves locked.
// This thread ends when the pool is closed, after its readers.
func spawner(reqs chan chan spawned) {
	runtime.LockOSThread()
	for reply := range reqs {
		r, err := startReader()
		reply <- spawned{r, err}
	}
}

// reader is one reader process and its pipes.
type reader struct {
	cmd *exec.Cmd
	req *os.File // requests, written here
	rep *os.File // replies, read here
	br  *bufio.Reader
	buf []byte // the request being encoded
	// expire stops the reader when it has been idle for readerIdle,
	// since idleAt.
	expire *time.Timer
	idleAt time.Time
}

// startReader starts a reader process (on the spawner's thread; hello
// waits for it to be ready).
func startReader() (r *reader, err error) {
	exe, err := readerExe()
	if err != nil {
		return nil, err
	}
	reqR, reqW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	repR, repW, err := os.Pipe()
	if err != nil {
		reqR.Close()
		reqW.Close()
		return nil, err
	}
	growPipe(repW)
	env := make([]string, 0, len(os.Environ())+1)
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, readerEnv+"=") {
			env = append(env, e)
		}
	}
	cmd := &exec.Cmd{
		Path:        exe,
		Args:        []string{os.Args[0]},
		Env:         append(env, readerEnv+"=1"),
		Stdout:      os.Stderr,
		Stderr:      os.Stderr,
		ExtraFiles:  []*os.File{reqR, repW},
		SysProcAttr: readerSysProcAttr(),
	}
	err = cmd.Start()
	reqR.Close()
	repW.Close()
	if err != nil {
		reqW.Close()
		repR.Close()
		return nil, err
	}
	return &reader{cmd: cmd, req: reqW, rep: repR, br: bufio.NewReaderSize(repR, 64<<10)}, nil
}

// hello waits for a new reader's hello. A program that does not answer
// in time, or answers something else, is killed.
func (r *reader) hello() error {
	hello := make([]byte, len(readerHello))
	r.rep.SetReadDeadline(time.Now().Add(helloTimeout))
	_, err := io.ReadFull(r.br, hello)
	r.rep.SetReadDeadline(time.Time{})
	if err != nil || string(hello) != readerHello {
		status := r.kill()
		if err == nil {
			err = fmt.Errorf("it answered %q", hello)
		}
		return fmt.Errorf("reader process: %v (%v)", err, status)
	}
	return nil
}

// read sends one request and reads its reply into dst, which must have
// the hyperslab's size. remote is the reader's error (the reader stays
// usable); broken is a failure of the reader itself.
func (r *reader) read(path, name string, dt ndarray.DType, start, count []int, dst []byte) (remote, broken error) {
	b := r.buf[:0]
	b = appendString(b, path)
	b = appendString(b, name)
	b = append(b, byte(dt))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(start)))
	for _, s := range start {
		b = binary.LittleEndian.AppendUint64(b, uint64(s))
	}
	for _, c := range count {
		b = binary.LittleEndian.AppendUint64(b, uint64(c))
	}
	r.buf = b
	if _, err := r.req.Write(b); err != nil {
		return nil, err
	}
	var hdr [9]byte
	if _, err := io.ReadFull(r.br, hdr[:1]); err != nil {
		return nil, eof(err)
	}
	switch hdr[0] {
	case 0:
		if _, err := io.ReadFull(r.br, hdr[1:9]); err != nil {
			return nil, eof(err)
		}
		if n := binary.LittleEndian.Uint64(hdr[1:9]); n != uint64(len(dst)) {
			return nil, fmt.Errorf("it sent %d bytes for %d", n, len(dst))
		}
		if _, err := io.ReadFull(r.br, dst); err != nil {
			return nil, eof(err)
		}
		return nil, nil
	case 1:
		if _, err := io.ReadFull(r.br, hdr[1:9]); err != nil {
			return nil, eof(err)
		}
		errno := int32(binary.LittleEndian.Uint32(hdr[1:5]))
		n := binary.LittleEndian.Uint32(hdr[5:9])
		if n > maxField {
			return nil, fmt.Errorf("it sent an error message of %d bytes", n)
		}
		msg := make([]byte, n)
		if _, err := io.ReadFull(r.br, msg); err != nil {
			return nil, eof(err)
		}
		if errno != 0 {
			return syscall.Errno(errno), nil
		}
		return errors.New(string(msg)), nil
	}
	return nil, fmt.Errorf("it sent reply type %d", hdr[0])
}

// eof names the end of a reader's replies.
func eof(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("its replies ended")
	}
	return err
}

// stop ends an idle reader and waits for it: the end of its requests
// makes it exit; one that has not exited after a while is killed.
func (r *reader) stop() {
	r.req.Close()
	done := make(chan struct{})
	go func() {
		r.cmd.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		r.cmd.Process.Kill()
		<-done
	}
	r.rep.Close()
}

// kill ends a reader at once and returns its exit status: its own, if it
// had died already.
func (r *reader) kill() error {
	r.cmd.Process.Kill()
	err := r.cmd.Wait()
	r.req.Close()
	r.rep.Close()
	return err
}

func appendString(b []byte, s string) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// serveReader is a reader process's loop: it answers requests until
// their end, and returns the exit status.
func serveReader(in, out *os.File) int {
	if in == nil || out == nil {
		fmt.Fprintf(os.Stderr, "%s=1: not started as a netCDF-4 reader process (no file descriptors 3 and 4)\n", readerEnv)
		return 2
	}
	br := bufio.NewReaderSize(in, 64<<10)
	bw := bufio.NewWriterSize(out, 64<<10)
	if _, err := bw.WriteString(readerHello); err != nil || bw.Flush() != nil {
		return 1 // the parent is gone
	}
	var buf []uint64 // the values, reused from request to request
	for {
		path, name, dt, start, count, err := readRequest(br)
		if err == io.EOF {
			return 0
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "netCDF-4 reader process %d: bad request: %v\n", os.Getpid(), err)
			return 2
		}
		var data []byte
		n, err := slabBytes(dt, count)
		if err == nil {
			if need := (n + 7) / 8; int64(cap(buf)) < need {
				buf = make([]uint64, need)
			}
			data = asBytes(buf)[:n]
			if n > 0 {
				err = readNetCDF4Into(path, name, start, count, typedView(dt, data))
			}
		}
		if err != nil {
			bw.WriteByte(1)
			var errno syscall.Errno
			var code int32
			if errors.As(err, &errno) {
				code = int32(errno)
			}
			msg := err.Error()
			if len(msg) > maxField {
				msg = msg[:maxField]
			}
			bw.Write(binary.LittleEndian.AppendUint32(nil, uint32(code)))
			bw.Write(appendString(nil, msg))
		} else {
			bw.WriteByte(0)
			bw.Write(binary.LittleEndian.AppendUint64(nil, uint64(n)))
			bw.Write(data)
		}
		if bw.Flush() != nil {
			return 1 // the parent is gone
		}
		if cap(buf) > 256<<20/8 {
			buf = nil // an exceptionally large read: give the memory back
		}
	}
}

// readRequest decodes one request; io.EOF means there are no more.
func readRequest(br *bufio.Reader) (path, name string, dt ndarray.DType, start, count []int, err error) {
	var b [8]byte
	if _, err = io.ReadFull(br, b[:4]); err != nil {
		return
	}
	defer func() {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF // within a request
		}
	}()
	u32 := func() (uint32, error) {
		_, err := io.ReadFull(br, b[:4])
		return binary.LittleEndian.Uint32(b[:4]), err
	}
	str := func(n uint32) (string, error) {
		if n > maxField {
			return "", fmt.Errorf("a string of %d bytes", n)
		}
		s := make([]byte, n)
		_, err := io.ReadFull(br, s)
		return string(s), err
	}
	if path, err = str(binary.LittleEndian.Uint32(b[:4])); err != nil {
		return
	}
	n, err := u32()
	if err != nil {
		return
	}
	if name, err = str(n); err != nil {
		return
	}
	t, err := br.ReadByte()
	if err != nil {
		return
	}
	dt = ndarray.DType(t)
	if n, err = u32(); err != nil {
		return
	}
	if n > maxField {
		err = fmt.Errorf("rank %d", n)
		return
	}
	vals := make([]int, 2*n)
	for i := range vals {
		if _, err = io.ReadFull(br, b[:]); err != nil {
			return
		}
		x := binary.LittleEndian.Uint64(b[:])
		if x > 1<<50 {
			err = fmt.Errorf("index %d", x)
			return
		}
		vals[i] = int(x)
	}
	return path, name, dt, vals[:n], vals[n:], nil
}

// slabBytes returns the size of a hyperslab of count values of type dt.
func slabBytes(dt ndarray.DType, count []int) (int64, error) {
	if typedView(dt, nil) == nil {
		return 0, fmt.Errorf("cannot read type %v", dt)
	}
	n := int64(dt.Size())
	for _, c := range count {
		if c != 0 && n > (1<<40)/int64(c) {
			return 0, fmt.Errorf("hyperslab %v is too large", count)
		}
		n *= int64(c)
	}
	return n, nil
}

// typedView returns b as a slice of dt's element type (nil for a type
// netCDF does not store). b must be aligned for it.
func typedView(dt ndarray.DType, b []byte) any {
	switch dt {
	case ndarray.Int8:
		return viewAs[int8](b)
	case ndarray.Int16:
		return viewAs[int16](b)
	case ndarray.Int32:
		return viewAs[int32](b)
	case ndarray.Int64:
		return viewAs[int64](b)
	case ndarray.Uint8:
		return viewAs[uint8](b)
	case ndarray.Uint16:
		return viewAs[uint16](b)
	case ndarray.Uint32:
		return viewAs[uint32](b)
	case ndarray.Uint64:
		return viewAs[uint64](b)
	case ndarray.Float32:
		return viewAs[float32](b)
	case ndarray.Float64:
		return viewAs[float64](b)
	}
	return nil
}

func viewAs[T any](b []byte) []T {
	var zero T
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/int(unsafe.Sizeof(zero)))
}

// storageBytes returns the bytes of an array's backing slice.
func storageBytes(s any) []byte {
	switch d := s.(type) {
	case []int8:
		return asBytes(d)
	case []int16:
		return asBytes(d)
	case []int32:
		return asBytes(d)
	case []int64:
		return asBytes(d)
	case []uint8:
		return d
	case []uint16:
		return asBytes(d)
	case []uint32:
		return asBytes(d)
	case []uint64:
		return asBytes(d)
	case []float32:
		return asBytes(d)
	case []float64:
		return asBytes(d)
	}
	panic(fmt.Sprintf("netcdf: no bytes for %T", s))
}

func asBytes[T any](s []T) []byte {
	var zero T
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(zero)))
}

// canReexec refuses to start reader processes from a program that is not
// Go's own executable (a C library built with -buildmode=c-shared or
// c-archive): its executable is some other program, which would not
// serve.
func canReexec() error {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return nil
	}
	for _, s := range bi.Settings {
		if s.Key == "-buildmode" && (s.Value == "c-shared" || s.Value == "c-archive") {
			return fmt.Errorf("built with -buildmode=%s", s.Value)
		}
	}
	return nil
}
