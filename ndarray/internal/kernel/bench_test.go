package kernel

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
)

// Kernel benchmarks over sizes from cache-resident to memory-bound, with
// gonum's assembly float64 sum as the baseline of the same run:
//
//	go test -run '^$' -bench . ./ndarray/internal/kernel/

var benchSizes = []struct {
	name string
	n    int
}{{"4K", 4 << 10}, {"256K", 256 << 10}, {"32M", 32 << 20}}

var sinkF float64

func benchData(n int) []float64 {
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, n)
	for i := range x {
		x[i] = 250 + 50*r.Float64()
	}
	return x
}

func BenchmarkSumFloat64(b *testing.B) {
	for _, sz := range benchSizes {
		x := benchData(sz.n)
		b.Run("kernel/"+sz.name, func(b *testing.B) {
			b.SetBytes(int64(8 * sz.n))
			for b.Loop() {
				s, _ := Sum[float64](x, 0, 1, len(x), Missing[float64]{})
				sinkF += s
			}
		})
		b.Run("gonum/"+sz.name, func(b *testing.B) {
			b.SetBytes(int64(8 * sz.n))
			for b.Loop() {
				sinkF += floats.Sum(x)
			}
		})
	}
}

func BenchmarkSumFloat32(b *testing.B) {
	for _, sz := range benchSizes {
		x64 := benchData(sz.n)
		x := make([]float32, len(x64))
		for i, v := range x64 {
			x[i] = float32(v)
		}
		for _, skip := range []bool{false, true} {
			name := "plain/"
			if skip {
				name = "skipnan/"
			}
			b.Run(name+sz.name, func(b *testing.B) {
				b.SetBytes(int64(4 * sz.n))
				for b.Loop() {
					s, _ := Sum[float64](x, 0, 1, len(x), Missing[float32]{NaN: skip})
					sinkF += s
				}
			})
		}
	}
}

// BenchmarkAddTo is the time-mean kernel: a row of float32 values added
// into a row of float64 accumulators (256x512 cells, an ERA grid).
func BenchmarkAddTo(b *testing.B) {
	const cells = 256 * 512
	x64 := benchData(cells * 64)
	x := make([]float32, len(x64))
	for i, v := range x64 {
		x[i] = float32(v)
	}
	acc := make([]float64, cells)
	miss := make([]int64, cells)
	for _, skip := range []bool{false, true} {
		name := "plain"
		if skip {
			name = "skipnan"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(4 * len(x)))
			for b.Loop() {
				for t := 0; t < len(x); t += cells {
					AddTo(acc, miss, 0, 1, x, t, 1, cells, Missing[float32]{NaN: skip})
				}
			}
		})
	}
}

// BenchmarkSumRaw16 is the inner loop of a global mean over packed
// classic files: big-endian int16 with one fill value, 1% missing.
func BenchmarkSumRaw16(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	const n = 8 << 20
	raw := make([]byte, 2*n)
	for i := 0; i < n; i++ {
		v := int16(r.IntN(60000) - 30000)
		if r.IntN(100) == 0 {
			v = -32767
		}
		raw[2*i], raw[2*i+1] = byte(uint16(v)>>8), byte(v)
	}
	m := Missing[int16]{Fill: true, F1: -32767, F2: -32767}
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		s, _ := SumRaw16(raw, n, true, m)
		sinkF += float64(s)
	}
}

// BenchmarkAddRowsToRaw16 is the inner loop of a seasonal climatology over
// packed classic files: pieces of k big-endian 256 x 512 int16 steps (one
// fill value, 0.1% missing) added into one step of accumulators, tiled
// as ndarray does. Run with -tags purego for the scalar loop.
func BenchmarkAddRowsToRaw16(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	const n = 256 * 512
	for _, k := range []int{4, 8, 16} {
		b.Run(fmt.Sprintf("rows=%d", k), func(b *testing.B) {
			raw := make([]byte, 2*n*k)
			for i := 0; i < n*k; i++ {
				v := int16(r.IntN(60000) - 30000)
				if r.IntN(1000) == 0 {
					v = -32767
				}
				raw[2*i], raw[2*i+1] = byte(uint16(v)>>8), byte(v)
			}
			acc, miss := make([]int64, n), make([]int64, n)
			m := Missing[int16]{Fill: true, F1: -32767, F2: -32767}
			const tile = 16384
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				for t := 0; t < n; t += tile {
					AddRowsToRaw16(acc, miss, t, raw, t, n, k, tile, true, m)
				}
			}
		})
	}
}
