package autodiff

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkFusedKernel times the fused op's numerical kernel alone (forward
// and reverse pass, no graph) on the reference shape: MLP 2-64x4-1 tanh,
// 1024 points, the Laplacian's two second-order directions.
func BenchmarkFusedKernel(b *testing.B) {
	b.Run("float64", func(b *testing.B) { benchKernel[float64](b) })
	b.Run("float32", func(b *testing.B) { benchKernel[float32](b) })
}

func benchKernel[T float](b *testing.B) {
	const P = 1024
	sizes := []int{2, 64, 64, 64, 64, 1}
	tw, _ := Lookup("tanh")
	dirs := []Direction{{V: []float64{2, 0}, Order: 2}, {V: []float64{0, 2}, Order: 2}}
	k := newMLPKernel[T](newMLPShape(P, sizes, dirs, tw))
	rng := rand.New(rand.NewPCG(1, 2))
	fill := func(n int, s float64) []T {
		x := make([]T, n)
		for i := range x {
			x[i] = T(s * rng.NormFloat64())
		}
		return x
	}
	k.X = fill(P*2, 1)
	for l := 0; l+1 < len(sizes); l++ {
		k.W = append(k.W, fill(sizes[l]*sizes[l+1], 0.2))
		k.B = append(k.B, fill(sizes[l+1], 0.1))
	}
	k.up = fill(len(k.out), 1)
	k.forward()
	k.backward()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		k.forward()
		k.backward()
	}
}
