package autodiff

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gopinn/gopinn/autodiff/internal/microgemm"
	"gonum.org/v1/gonum/blas"
)

// BenchmarkFusedKernel times the fused op's numerical kernel alone (forward
// and reverse pass, no graph) on the reference shape: MLP 2-64x4-1 tanh,
// 1024 points, the Laplacian's two second-order directions.
// The width-100 case (the RAD paper's wave network, 5x100) has widths that
// are not a multiple of the micro-kernel's 16 columns.
func BenchmarkFusedKernel(b *testing.B) {
	ref := []int{2, 64, 64, 64, 64, 1}
	b.Run("float64", func(b *testing.B) { benchKernel[float64](b, ref) })
	b.Run("float32", func(b *testing.B) { benchKernel[float32](b, ref) })
	b.Run("float64/width100", func(b *testing.B) { benchKernel[float64](b, []int{2, 100, 100, 100, 100, 100, 1}) })
	b.Run("float64/width96", func(b *testing.B) { benchKernel[float64](b, []int{2, 96, 96, 96, 96, 96, 1}) })
}

func benchKernel[T float](b *testing.B, sizes []int) {
	const P = 1024
	dirs := []Direction{{V: []float64{2, 0}, Order: 2}, {V: []float64{0, 2}, Order: 2}}
	k := randomKernel[T](P, sizes, dirs, 1, 0.2)
	k.forward()
	k.backward()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		k.forward()
		k.backward()
	}
}

// randomKernel is a tanh fused-MLP kernel on P random points with random
// weights (standard deviation wScale), biases and upstream gradients,
// seeded.
func randomKernel[T float](P int, sizes []int, dirs []Direction, seed uint64, wScale float64) *mlpKernel[T] {
	tw, _ := Lookup("tanh")
	k := newMLPKernel[T](newMLPShape(P, sizes, dirs, tw))
	rng := rand.New(rand.NewPCG(seed, seed+1))
	fill := func(n int, s float64) []T {
		x := make([]T, n)
		for i := range x {
			x[i] = T(s * rng.NormFloat64())
		}
		return x
	}
	k.X = fill(P*sizes[0], 1)
	for l := 0; l+1 < len(sizes); l++ {
		k.W = append(k.W, fill(sizes[l]*sizes[l+1], wScale))
		k.B = append(k.B, fill(sizes[l+1], 0.1))
	}
	k.up = fill(len(k.out), 1)
	return k
}

// BenchmarkFusedGemm times the fused op's two matrix-multiply shapes (a
// chunk of 128 points × 5 streams through a 64-wide layer, and the weight
// gradient) with the micro-kernel and with the registered BLAS (gonum, or
// OpenBLAS under -tags openblas): the measurement behind fusedGemm's choice.
func BenchmarkFusedGemm(b *testing.B) {
	shapes := []struct {
		name    string
		tA      blas.Transpose
		m, n, k int
	}{
		{"forward_640x64x64", blas.NoTrans, 640, 64, 64},
		{"weightgrad_64x64x640", blas.Trans, 64, 64, 640},
	}
	kernels := map[string]*microgemm.Kernel{"blas": nil}
	if microgemm.Best != nil {
		kernels[microgemm.Best.Name] = microgemm.Best
	}
	for _, sh := range shapes {
		lda := sh.k
		if sh.tA == blas.Trans {
			lda = sh.m
		}
		rng := rand.New(rand.NewPCG(3, 4))
		a, bm, c := make([]float64, sh.m*sh.k), make([]float64, sh.k*sh.n), make([]float64, sh.m*sh.n)
		for i := range a {
			a[i] = rng.NormFloat64()
		}
		for i := range bm {
			bm[i] = rng.NormFloat64()
		}
		for name, mk := range kernels {
			b.Run(sh.name+"/"+name, func(b *testing.B) {
				saved := fusedGemm
				fusedGemm = mk
				defer func() { fusedGemm = saved }()
				for b.Loop() {
					gemm(sh.tA, blas.NoTrans, sh.m, sh.n, sh.k, a, lda, bm, sh.n, c, sh.n)
				}
				b.ReportMetric(2*float64(sh.m*sh.n*sh.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// TestFusedGemmPaths: the fused kernel's outputs and parameter gradients
// are the same (1e-12 relative, float64) whether its products run on the
// micro-kernels or on the registered BLAS (the tiled gonum path that CPUs
// without AVX2 and the purego build take).
func TestFusedGemmPaths(t *testing.T) {
	if microgemm.Best == nil {
		t.Skip("no micro-kernel: only one path on this CPU")
	}
	const P = 300
	sizes := []int{3, 20, 36, 20, 2}
	dirs := []Direction{{V: []float64{1, 0, 0}, Order: 2}, {V: []float64{0, 1, -1}, Order: 3}, {V: []float64{0, 0, 1}, Order: 1}}
	run := func(mk *microgemm.Kernel) ([]float64, []float64) {
		saved := fusedGemm
		fusedGemm = mk
		defer func() { fusedGemm = saved }()
		k := randomKernel[float64](P, sizes, dirs, 5, 0.3)
		k.forward()
		k.backward()
		return append([]float64(nil), k.out...), append([]float64(nil), k.packed...)
	}
	o1, g1 := run(microgemm.Best)
	o2, g2 := run(nil)
	for name, pair := range map[string][2][]float64{"outputs": {o1, o2}, "gradients": {g1, g2}} {
		worst := 0.0
		for i := range pair[0] {
			worst = max(worst, math.Abs(pair[0][i]-pair[1][i])/math.Max(1, math.Abs(pair[1][i])))
		}
		t.Logf("%s: max relative difference %.2g", name, worst)
		if worst > 1e-12 {
			t.Errorf("%s differ by %.3g between the micro-kernels and the BLAS path", name, worst)
		}
	}
}
