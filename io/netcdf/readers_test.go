package netcdf_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/io/netcdf"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/labels/cftime"
	"github.com/tesseradata/tessera/ndarray"
)

// withReaders runs the test with n reader processes, and checks when it
// ends that stopping the pool leaves no process behind (running or
// zombie) and no goroutine more than before.
func withReaders(t *testing.T, n int) {
	t.Helper()
	prev := netcdf.SetReaders(0) // stops the readers earlier tests started
	before := runtime.NumGoroutine()
	netcdf.SetReaders(n)
	t.Cleanup(func() {
		netcdf.SetReaders(0)
		if kids := children(t); len(kids) > 0 {
			t.Errorf("processes left after the pool stopped: %v", kids)
		}
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if g := runtime.NumGoroutine(); g > before {
			buf := make([]byte, 1<<20)
			t.Errorf("%d goroutines after the pool stopped, %d before:\n%s", g, before, buf[:runtime.Stack(buf, true)])
		}
		netcdf.SetReaders(prev)
	})
}

// children returns "pid (state)" for each child process of this one.
func children(t *testing.T) []string {
	t.Helper()
	ents, err := os.ReadDir("/proc")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	var out []string
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue // ended meanwhile
		}
		// pid (comm) state ppid ...; comm may hold spaces and parentheses.
		f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
		if len(f) > 1 && f[1] == strconv.Itoa(os.Getpid()) {
			out = append(out, e.Name()+" ("+f[0]+")")
		}
	}
	return out
}

// readersData writes three netCDF-4 files (deflate level 1) that split
// along time a dataset with a variable of every numeric type netCDF
// stores (a packed int16 among them), a variable without time and a
// scalar, and returns their glob.
func readersData(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	const ny, nx = 7, 9
	cal := must[cftime.Calendar](t)(cftime.ParseCalendar("standard"))
	units := must[cftime.Units](t)(cftime.ParseUnits("hours since 2000-01-01", cal))
	step := 0
	for fi, steps := range []int{10, 13, 8} {
		var dates []cftime.Date
		for range steps {
			dates = append(dates, must[cftime.Date](t)(units.Decode(float64(6*step))))
			step++
		}
		first := step - steps
		tv := must[*labels.Variable](t)(labels.TimeVariable("time", dates, "hours since 2000-01-01", "standard"))
		lat := must[*labels.Variable](t)(labels.FromSlice([]string{"lat"}, linspace(ny), nil))
		lon := must[*labels.Variable](t)(labels.FromSlice([]string{"lon"}, linspace(nx), nil))
		dims := []string{"time", "lat", "lon"}
		n := steps * ny * nx
		var data labels.Vars
		mv := must[*labels.Variable](t)
		add := func(name string, v *labels.Variable) { data = append(data, labels.Named{Name: name, Var: v}) }
		shape := []int{steps, ny, nx}
		add("i8", mv(labels.FromSlice(dims, gen(n, first, func(i int) int8 { return int8(i*7 - 100) }), nil, shape...)))
		add("u8", mv(labels.FromSlice(dims, gen(n, first, func(i int) uint8 { return uint8(i * 13) }), nil, shape...)))
		add("i16", mv(labels.FromSlice(dims, gen(n, first, func(i int) int16 { return int16(i*31 - 9000) }), nil, shape...)))
		add("u16", mv(labels.FromSlice(dims, gen(n, first, func(i int) uint16 { return uint16(i * 37) }), nil, shape...)))
		add("i32", mv(labels.FromSlice(dims, gen(n, first, func(i int) int32 { return int32(i*100003 - 1<<30) }), nil, shape...)))
		add("u32", mv(labels.FromSlice(dims, gen(n, first, func(i int) uint32 { return uint32(i) * 2654435761 }), nil, shape...)))
		add("i64", mv(labels.FromSlice(dims, gen(n, first, func(i int) int64 { return int64(i)*0x4E3779B97F4A7C15 - 1<<62 }), nil, shape...)))
		add("u64", mv(labels.FromSlice(dims, gen(n, first, func(i int) uint64 { return uint64(i) * 0x9E3779B97F4A7C15 }), nil, shape...)))
		add("f32", mv(labels.FromSlice(dims, gen(n, first, func(i int) float32 { return float32(i)/3 - 50 }), nil, shape...)))
		add("f64", mv(labels.FromSlice(dims, gen(n, first, func(i int) float64 { return float64(i)/7 - 1e6 }), nil, shape...)))
		t2m := must[*labels.Variable](t)(labels.FromSlice(dims, gen(n, first, func(i int) float32 { return 250 + float32(i%400)/8 }), nil, shape...))
		t2m = t2m.WithEncoding(labels.Encoding{DType: ndarray.Int16, Codec: &ndarray.Codec{
			Stored: ndarray.Int16, Decoded: ndarray.Float32, Scale: 0.01, Offset: 250, Missing: []float64{-32767}}})
		data = append(data, labels.Named{Name: "t2m", Var: t2m})
		add("orog", mv(labels.FromSlice([]string{"lat", "lon"}, gen(ny*nx, 0, func(i int) float64 { return float64(i) * 1.25 }), nil, ny, nx)))
		add("height", mv(labels.FromArray(nil, ndarray.Full(ndarray.Float64, 2.0), nil)))
		ds := must[*labels.Dataset](t)(labels.NewDataset(data,
			labels.Vars{{Name: "time", Var: tv}, {Name: "lat", Var: lat}, {Name: "lon", Var: lon}}, nil))
		p := filepath.Join(dir, fmt.Sprintf("part%d.nc", fi))
		if err := netcdf.Write(context.Background(), ds, p, netcdf.WriteOptions{Format: netcdf.NetCDF4, Compression: 1, Unlimited: "time"}); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "*.nc")
}

func linspace(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(i) * 2.5
	}
	return v
}

// gen returns n values f(1000*first + i): different in each file.
func gen[T any](n, first int, f func(int) T) []T {
	v := make([]T, n)
	for i := range v {
		v[i] = f(first*1000 + i)
	}
	return v
}

// computeAll computes every data variable of the files at glob, raw and
// decoded, blocks of two steps (so many reads per file), several
// variables at once, and returns each one's values as bytes.
func computeAll(t *testing.T, glob string) map[string][]byte {
	t.Helper()
	out, errs := tryComputeAll(t, glob)
	for _, err := range errs {
		t.Error(err)
	}
	return out
}

// tryComputeAll is computeAll returning the variables' errors.
func tryComputeAll(t *testing.T, glob string) (map[string][]byte, []error) {
	t.Helper()
	out := map[string][]byte{}
	var errs []error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, raw := range []bool{true, false} {
		ds := must[*labels.Dataset](t)(netcdf.OpenMF([]string{glob}, "", netcdf.Options{Chunks: map[string]int{"time": 2}, Raw: raw}))
		for _, name := range ds.DataVars() {
			v := variable(t, ds, name)
			wg.Go(func() {
				a, err := v.Values(context.Background(), chunk.Options{})
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, fmt.Errorf("%s (raw %v): %w", name, raw, err))
					return
				}
				var b bytes.Buffer
				if err := binary.Write(&b, binary.LittleEndian, a.Copy().Storage()); err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", name, err))
				}
				out[fmt.Sprintf("%s raw=%v %v %v", name, raw, a.DType(), a.Shape())] = b.Bytes()
			})
		}
	}
	wg.Wait()
	return out, errs
}

// TestReadersSameValues computes every value of a multi-file netCDF-4
// dataset in this process and through reader processes, and requires
// the same bytes.
func TestReadersSameValues(t *testing.T) {
	withReaders(t, 0)
	glob := readersData(t)
	want := computeAll(t, glob)
	if len(want) != 2*13 {
		t.Fatalf("%d variables computed, want 26", len(want))
	}
	if pids := netcdf.ReaderPIDs(); len(pids) > 0 {
		t.Fatalf("reader processes %v with SetReaders(0)", pids)
	}
	for _, n := range []int{2, 4} {
		netcdf.SetReaders(n)
		got := computeAll(t, glob)
		pids := netcdf.ReaderPIDs()
		if len(pids) == 0 || len(pids) > n {
			t.Fatalf("SetReaders(%d): %d reader processes ran", n, len(pids))
		}
		for k, w := range want {
			if !bytes.Equal(got[k], w) {
				t.Errorf("SetReaders(%d): %s differs from the values read in process", n, k)
			}
		}
		if len(got) != len(want) {
			t.Errorf("SetReaders(%d): %d variables, want %d", n, len(got), len(want))
		}
	}
}

// TestReaderKilled kills the reader processes: the next read fails with
// a one-line FileError naming the file and the dead reader, and the
// readers are replaced, so the read after it succeeds.
func TestReaderKilled(t *testing.T) {
	withReaders(t, 2)
	glob := readersData(t)
	want := computeAll(t, glob)
	pids := netcdf.ReaderPIDs()
	if len(pids) == 0 {
		t.Fatal("no reader process ran")
	}
	for _, pid := range pids {
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
	}
	// Each killed reader fails the one read it is handed next, with a
	// FileError naming the file, and is replaced: at most len(pids)
	// reads fail (which ones depends on the scheduling), then every
	// value reads as before.
	failed := 0
	for {
		got, errs := tryComputeAll(t, glob)
		for _, err := range errs {
			var fe *netcdf.FileError
			if !errors.As(err, &fe) || !strings.HasPrefix(filepath.Base(fe.Path), "part") {
				t.Fatalf("after the readers were killed: %v, want a FileError naming a file", err)
			}
			oneLine(t, errors.Unwrap(err), fe.Path, "reader process", "died", "killed")
			t.Log(err)
		}
		if failed += len(errs); failed > len(pids) {
			t.Fatalf("%d reads failed after %d readers were killed", failed, len(pids))
		}
		if len(errs) > 0 {
			continue
		}
		if failed == 0 {
			t.Fatalf("no read failed after the readers were killed")
		}
		for k, w := range want {
			if !bytes.Equal(got[k], w) {
				t.Errorf("after the readers were replaced: %s differs", k)
			}
		}
		break
	}
	now := netcdf.ReaderPIDs()
	if len(now) == 0 || slices.ContainsFunc(now, func(p int) bool { return slices.Contains(pids, p) }) {
		t.Errorf("readers %v after %v were killed", now, pids)
	}
}

// TestReaderErrors removes a file after Open: the reader's error comes
// back as the same FileError a read in process gives, naming the path
// and wrapping fs.ErrNotExist.
func TestReaderErrors(t *testing.T) {
	withReaders(t, 0)
	msgs := map[int]string{}
	for _, n := range []int{0, 3} {
		netcdf.SetReaders(n)
		p := filepath.Join(t.TempDir(), "gone.nc")
		if err := netcdf.Write(context.Background(), writeDataset(t), p, netcdf.WriteOptions{Format: netcdf.NetCDF4, Compression: 1}); err != nil {
			t.Fatal(err)
		}
		ds := must[*labels.Dataset](t)(netcdf.Open(p))
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
		_, err := variable(t, ds, "t2m").Values(context.Background(), computeOpts)
		var fe *netcdf.FileError
		if !errors.As(err, &fe) || fe.Path != p || !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("SetReaders(%d): %v, want a FileError for %s wrapping fs.ErrNotExist", n, err, p)
		}
		oneLine(t, err, p, "t2m")
		t.Log(err)
		msgs[n] = strings.ReplaceAll(err.Error(), p, "PATH")
	}
	if msgs[0] != msgs[3] {
		t.Errorf("in process: %q\nreader process: %q", msgs[0], msgs[3])
	}
	if len(netcdf.ReaderPIDs()) == 0 {
		t.Error("no reader process ran")
	}
}

// TestReadersFallback points the pool at programs that cannot serve:
// reads stay in this process, without error.
func TestReadersFallback(t *testing.T) {
	withReaders(t, 0)
	glob := readersData(t)
	want := computeAll(t, glob)
	for _, exe := range []string{filepath.Join(t.TempDir(), "missing"), "/bin/true"} {
		netcdf.SetReaders(0)
		restore := netcdf.SetReaderExe(exe)
		netcdf.SetReaders(3)
		got := computeAll(t, glob)
		for k, w := range want {
			if !bytes.Equal(got[k], w) {
				t.Errorf("%s: %s differs", exe, k)
			}
		}
		if pids := netcdf.ReaderPIDs(); len(pids) > 0 {
			t.Errorf("%s: reader processes %v", exe, pids)
		}
		netcdf.SetReaders(0)
		restore()
	}
}

// TestReadersCancel cancels a computation while its reads wait for the
// one reader: it ends with the context's error.
func TestReadersCancel(t *testing.T) {
	withReaders(t, 2)
	glob := readersData(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ds := must[*labels.Dataset](t)(netcdf.OpenMF([]string{glob}, "", netcdf.Options{Chunks: map[string]int{"time": 1}}))
	if _, err := variable(t, ds, "f32").Values(ctx, chunk.Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: %v", err)
	}
}

// TestReadersIdle checks that readers idle for long enough are stopped
// (and reaped), and that reads afterwards start new ones.
func TestReadersIdle(t *testing.T) {
	withReaders(t, 0)
	restore := netcdf.SetReaderIdle(50 * time.Millisecond)
	defer func() {
		netcdf.SetReaders(0)
		restore()
	}()
	netcdf.SetReaders(2)
	glob := readersData(t)
	want := computeAll(t, glob)
	if len(netcdf.ReaderPIDs()) == 0 {
		t.Fatal("no reader process ran")
	}
	deadline := time.Now().Add(10 * time.Second)
	for (len(netcdf.ReaderPIDs()) > 0 || len(children(t)) > 0) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if pids, kids := netcdf.ReaderPIDs(), children(t); len(pids) > 0 || len(kids) > 0 {
		t.Fatalf("readers %v, child processes %v after they were idle", pids, kids)
	}
	got := computeAll(t, glob)
	for k, w := range want {
		if !bytes.Equal(got[k], w) {
			t.Errorf("%s differs", k)
		}
	}
}

// TestReadersKilledMidRun kills readers again and again while a
// computation reads: it either succeeds with the right values or fails
// with a one-line FileError naming a dead reader; the readers are
// replaced and the next computation is right.
func TestReadersKilledMidRun(t *testing.T) {
	withReaders(t, 3)
	glob := readersData(t)
	want := computeAll(t, glob)
	rounds := 5
	if testing.Short() {
		rounds = 2
	}
	for round := range rounds {
		done := make(chan struct{})
		var errs []error
		go func() {
			defer close(done)
			ds, err := netcdf.OpenMF([]string{glob}, "", netcdf.Options{Chunks: map[string]int{"time": 1}})
			if err != nil {
				errs = append(errs, err)
				return
			}
			for _, name := range ds.DataVars() {
				v, _ := ds.Variable(name)
				if _, err := v.Values(context.Background(), computeOpts); err != nil {
					errs = append(errs, err)
				}
			}
		}()
		killed := map[int]bool{}
	loop:
		for {
			select {
			case <-done:
				break loop
			default:
			}
			for _, pid := range netcdf.ReaderPIDs() {
				if !killed[pid] && syscall.Kill(pid, syscall.SIGKILL) == nil {
					killed[pid] = true
				}
			}
			time.Sleep(time.Duration(round*round) * time.Millisecond)
		}
		for _, err := range errs {
			var fe *netcdf.FileError
			if !errors.As(err, &fe) {
				t.Errorf("round %d: %v, want a FileError", round, err)
				continue
			}
			oneLine(t, err, fe.Path, "reader process")
		}
		t.Logf("round %d: %d readers killed, %d of 13 computations failed", round, len(killed), len(errs))
	}
	// A reader killed between the last computation's end and the loop
	// seeing it end is idle and dead; by design its next read fails
	// (TestReadersKilledIdle). Start the check on a fresh pool.
	netcdf.SetReaders(3)
	got := computeAll(t, glob)
	for k, w := range want {
		if !bytes.Equal(got[k], w) {
			t.Errorf("after the kills: %s differs", k)
		}
	}
}
