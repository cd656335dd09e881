package ndarray_test

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	gonum "gonum.org/v1/gonum/floats"

	"github.com/tesseradata/tessera/ndarray"
)

// The benchmarks below are the figures the foundation issue asks for; each
// reports input bytes per second (b.SetBytes), and the ratios are taken
// between benchmarks of one run:
//
//	go test -run '^$' -bench . -benchtime 20x ./ndarray/
//
// Sizes are larger than the caches (256 MiB of input), so they measure
// streaming from memory, which is what a reduction over a file does.

const (
	benchT, benchY, benchX = 512, 256, 512 // ERA-Interim's grid, 512 steps
	benchBig               = benchT * benchY * benchX
)

func randFloat32(n int, nanFrac float64) []float32 {
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, n)
	for i := range x {
		x[i] = 250 + 50*r.Float32()
		if r.Float64() < nanFrac {
			x[i] = float32(math.NaN())
		}
	}
	return x
}

func randFloat64(n int) []float64 {
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, n)
	for i := range x {
		x[i] = 250 + 50*r.Float64()
	}
	return x
}

var sink float64

// BenchmarkSumFloat64 compares the contiguous float64 sum with gonum's
// floats.Sum (assembly on amd64) on the same 256 MiB slice.
func BenchmarkSumFloat64(b *testing.B) {
	x := randFloat64(benchBig / 2)
	a, _ := ndarray.FromSlice(x)
	b.Run("tessera", func(b *testing.B) {
		b.SetBytes(int64(len(x) * 8))
		for b.Loop() {
			s, err := ndarray.SumOf(a)
			if err != nil {
				b.Fatal(err)
			}
			sink += s.At()
		}
	})
	b.Run("gonum", func(b *testing.B) {
		b.SetBytes(int64(len(x) * 8))
		for b.Loop() {
			sink += gonum.Sum(x)
		}
	})
}

// BenchmarkMean compares a time mean, a (T, Y, X) float32 array reduced
// over axis 0 into a (Y, X) float64 accumulator, with the contiguous
// float32 mean of all elements of the same array, with and without
// NaN-skipping (and with 10% NaNs for the skipping kernels).
func BenchmarkMean(b *testing.B) {
	clean := randFloat32(benchBig, 0)
	holes := randFloat32(benchBig, 0.1)
	run := func(name string, x []float32, opts ndarray.ReduceOptions, axes ...int) {
		a, _ := ndarray.FromSlice(x, benchT, benchY, benchX)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(x) * 4))
			for b.Loop() {
				if _, err := ndarray.Reduce(ndarray.Mean, a, opts, axes...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	run("all/plain", clean, ndarray.ReduceOptions{})
	run("all/skipnan", clean, ndarray.ReduceOptions{SkipNaN: true})
	run("all/skipnan-10pct", holes, ndarray.ReduceOptions{SkipNaN: true})
	run("time/plain", clean, ndarray.ReduceOptions{}, 0)
	run("time/skipnan", clean, ndarray.ReduceOptions{SkipNaN: true}, 0)
	run("time/skipnan-10pct", holes, ndarray.ReduceOptions{SkipNaN: true}, 0)
}

// BenchmarkTimeMeanPacked is the inner loop of a seasonal mean over
// ERA-like files: big-endian int16 with scale_factor, add_offset and a
// _FillValue (1% of values), decoded and accumulated over time in one
// pass (Partial.AccumulateBytes), against decoding to float32 first and
// then reducing (what xarray does).
func BenchmarkTimeMeanPacked(b *testing.B) {
	const t = benchT
	r := rand.New(rand.NewPCG(3, 4))
	raw := make([]byte, 2*t*benchY*benchX)
	for i := 0; i < len(raw); i += 2 {
		v := int16(r.IntN(60000) - 30000)
		if r.Float64() < 0.01 {
			v = -32767
		}
		binary.BigEndian.PutUint16(raw[i:], uint16(v))
	}
	codec := &ndarray.Codec{Stored: ndarray.Int16, Order: binary.BigEndian, Scale: 0.0017, Offset: 265,
		Missing: []float64{-32767}, Decoded: ndarray.Float32}
	shape := []int{t, benchY, benchX}
	opts := ndarray.ReduceOptions{SkipNaN: true}
	b.Run("fused", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		for b.Loop() {
			p, err := codec.NewPartial(ndarray.Mean, shape, []int{0}, opts)
			if err != nil {
				b.Fatal(err)
			}
			if err := p.AccumulateBytes(raw, shape); err != nil {
				b.Fatal(err)
			}
			if _, err := p.Result(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode-then-reduce", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		for b.Loop() {
			d, err := codec.DecodeBytes(raw, shape...)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := ndarray.Reduce(ndarray.Mean, d, opts, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
}
