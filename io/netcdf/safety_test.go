package netcdf_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/tesseradata/tessera/chunk"
	"github.com/tesseradata/tessera/graph"
	"github.com/tesseradata/tessera/io/netcdf"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/ndarray"
)

var errLoader = errors.New("the loader failed on purpose")

// blockDataset returns a dataset with one variable x(time, y) of
// float32, packed as int16 (scale 0.5) when packed, whose blocks (one per
// time step, 8 of them) come from load.
func blockDataset(t *testing.T, packed bool, load func(x *graph.Exec, step int) ([]float32, error)) *labels.Dataset {
	t.Helper()
	const nt, ny = 8, 1000
	shape := []int{nt, ny}
	src := must[*chunk.Array](t)(chunk.FromSource(chunk.Source{
		Name: "x", DType: ndarray.Float32, Shape: shape, Chunks: chunk.Regular(shape, []int{1, ny}),
		Load: func(x *graph.Exec, start, count []int) (*ndarray.Array, error) {
			vals, err := load(x, start[0])
			if err != nil {
				return nil, err
			}
			return ndarray.FromSlice(vals, count...)
		},
	}))
	v := must[*labels.Variable](t)(labels.NewVariable([]string{"time", "y"}, src, nil))
	if packed {
		v = v.WithEncoding(labels.Encoding{Codec: &ndarray.Codec{Stored: ndarray.Int16, Decoded: ndarray.Float32, Scale: 0.5, Missing: []float64{-32767}}})
	}
	return must[*labels.Dataset](t)(labels.NewDataset(labels.Vars{{Name: "x", Var: v}}, nil, nil))
}

// steady returns a block of ny values equal to step + 0.5.
func steady(_ *graph.Exec, step int) ([]float32, error) {
	vals := make([]float32, 1000)
	for i := range vals {
		vals[i] = float32(step) + 0.5
	}
	return vals, nil
}

// TestWriteSafety checks that a write that fails midway (a block's
// loader fails, a value does not fit the packed type, the context is
// cancelled before or during the write) leaves the file already at the
// path byte for byte as it was and no temporary file, in every format;
// and that a write that succeeds replaces it.
func TestWriteSafety(t *testing.T) {
	formats := []netcdf.Format{netcdf.NetCDF4, netcdf.NetCDF4Classic, netcdf.Classic, netcdf.Offset64}
	old := []byte("the old file, which must survive a failed write\n")
	type failure struct {
		name  string
		ds    func(t *testing.T, cancel context.CancelFunc) *labels.Dataset
		ctx   func() (context.Context, context.CancelFunc)
		check func(t *testing.T, err error)
	}
	background := func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) }
	failures := []failure{
		{
			name: "loader fails on a late block",
			ds: func(t *testing.T, _ context.CancelFunc) *labels.Dataset {
				return blockDataset(t, false, func(x *graph.Exec, step int) ([]float32, error) {
					if step == 6 {
						return nil, fmt.Errorf("step %d: %w", step, errLoader)
					}
					return steady(x, step)
				})
			},
			ctx:   background,
			check: func(t *testing.T, err error) { isErr(t, err, errLoader) },
		},
		{
			name: "value out of the packed range",
			ds: func(t *testing.T, _ context.CancelFunc) *labels.Dataset {
				return blockDataset(t, true, func(x *graph.Exec, step int) ([]float32, error) {
					vals, _ := steady(x, step)
					if step == 5 {
						vals[999] = 1e6 // 2e6 packed: beyond int16
					}
					return vals, nil
				})
			},
			ctx:   background,
			check: func(t *testing.T, err error) { isErr(t, err, ndarray.ErrRange) },
		},
		{
			name: "context cancelled before",
			ds:   func(t *testing.T, _ context.CancelFunc) *labels.Dataset { return blockDataset(t, true, steady) },
			ctx: func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				return ctx, cancel
			},
			check: func(t *testing.T, err error) { isErr(t, err, context.Canceled) },
		},
		{
			name: "context cancelled during",
			ds: func(t *testing.T, cancel context.CancelFunc) *labels.Dataset {
				return blockDataset(t, false, func(x *graph.Exec, step int) ([]float32, error) {
					if step == 4 {
						cancel()
					}
					return steady(x, step)
				})
			},
			ctx:   background,
			check: func(t *testing.T, err error) { isErr(t, err, context.Canceled) },
		},
	}
	for _, f := range formats {
		for _, fl := range failures {
			t.Run(fmt.Sprintf("format %d: %s", f, fl.name), func(t *testing.T) {
				dir := t.TempDir()
				path := filepath.Join(dir, "out.nc")
				if err := os.WriteFile(path, old, 0o644); err != nil {
					t.Fatal(err)
				}
				ctx, cancel := fl.ctx()
				defer cancel()
				err := netcdf.Write(ctx, fl.ds(t, cancel), path, netcdf.WriteOptions{Format: f, Unlimited: "time"})
				fl.check(t, err)
				oneLine(t, err, path)
				var fe *netcdf.FileError
				if !errors.As(err, &fe) || fe.Path != path {
					t.Errorf("%v: not a FileError for %s", err, path)
				}
				if got := must[[]byte](t)(os.ReadFile(path)); !bytes.Equal(got, old) {
					t.Errorf("the file at the path changed: %q", got)
				}
				checkDir(t, dir, "out.nc")
			})
		}
		t.Run(fmt.Sprintf("format %d: success replaces", f), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.nc")
			if err := os.WriteFile(path, old, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := netcdf.Write(context.Background(), blockDataset(t, true, steady), path, netcdf.WriteOptions{Format: f}); err != nil {
				t.Fatal(err)
			}
			checkDir(t, dir, "out.nc")
			x := values(t, variable(t, must[*labels.Dataset](t)(netcdf.Open(path)), "x"))
			if len(x) != 8000 || x[0] != 0.5 || x[7999] != 7.5 {
				t.Errorf("read back %d values, %v ... %v", len(x), x[0], x[len(x)-1])
			}
		})
	}
	t.Run("clip", func(t *testing.T) {
		// With Clip the value out of range is stored as the largest
		// int16, not refused, not wrapped.
		ds := blockDataset(t, true, func(x *graph.Exec, step int) ([]float32, error) {
			vals, _ := steady(x, step)
			vals[0], vals[1] = 1e6, -1e6
			return vals, nil
		})
		path := filepath.Join(t.TempDir(), "clip.nc")
		if err := netcdf.Write(context.Background(), ds, path, netcdf.WriteOptions{Clip: true}); err != nil {
			t.Fatal(err)
		}
		raw := values(t, variable(t, must[*labels.Dataset](t)(netcdf.Open(path, netcdf.Options{Raw: true})), "x"))
		// -32767 is the fill value: the smallest value kept is -32766.
		if raw[0] != 32767 || raw[1] > -32766 || raw[1] < -32768 || raw[2] != 1 {
			t.Errorf("clipped values stored as %v", raw[:3])
		}
	})
}

func isErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("error %v is not %v", err, target)
	}
}

// TestWriteConcurrent writes several files at once (libnetcdf is called
// under one lock) and reads them back, also at once.
func TestWriteConcurrent(t *testing.T) {
	dir := t.TempDir()
	formats := []netcdf.Format{netcdf.NetCDF4, netcdf.NetCDF4Classic, netcdf.Classic, netcdf.Offset64}
	errs := make(chan error, 2*len(formats))
	for i, f := range formats {
		go func() {
			p := filepath.Join(dir, fmt.Sprintf("%d.nc", i))
			errs <- netcdf.Write(context.Background(), blockDataset(t, i%2 == 0, steady), p, netcdf.WriteOptions{Format: f, Compression: 1})
		}()
	}
	for range formats {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for i := range formats {
		go func() {
			p := filepath.Join(dir, fmt.Sprintf("%d.nc", i))
			ds, err := netcdf.Open(p)
			if err == nil {
				var v *labels.Variable
				if v, err = ds.Variable("x"); err == nil {
					var a *ndarray.Array
					if a, err = v.Values(context.Background(), chunk.Options{}); err == nil {
						if s := ndarray.Float64s(a); s[7999] != 7.5 {
							err = fmt.Errorf("%s: x[7999] = %v", p, s[7999])
						}
					}
				}
			}
			errs <- err
		}()
	}
	for range formats {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
