package microgemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// naiveGemm is the reference c = op(a)·b in float64.
func naiveGemm[T Float](transA bool, m, n, k int, a []T, lda int, b []T, ldb int) []float64 {
	c := make([]float64, m*n)
	for i := range m {
		for j := range n {
			s := 0.0
			for p := range k {
				var aip T
				if transA {
					aip = a[p*lda+i]
				} else {
					aip = a[i*lda+p]
				}
				s += float64(aip) * float64(b[p*ldb+j])
			}
			c[i*n+j] = s
		}
	}
	return c
}

// TestKernels runs every micro-kernel this CPU has on shapes with
// full blocks, ragged edges, padded leading dimensions and both A layouts,
// against a float64 triple loop. Each element's error must be within the
// rigorous dot-product bound k·u·Σ_p |A(i,p)||B(p,j)| (Higham, Accuracy and
// Stability, §3.1; u = 2⁻⁵³ or 2⁻²⁴). Elements outside the output block must
// stay untouched.
func TestKernels(t *testing.T) {
	if len(Kernels) == 0 {
		t.Skip("no assembly micro-kernel on this CPU/architecture")
	}
	shapes := []struct{ m, n, k int }{
		{4, 8, 1}, {4, 16, 3}, {8, 32, 64}, {640, 64, 64}, {64, 64, 640},
		{5, 9, 7}, {7, 33, 5}, {3, 2, 11}, {130, 70, 17}, {1, 1, 1}, {64, 1, 640},
		{12, 100, 33}, {8, 28, 5}, {100, 100, 100},
	}
	for _, mk := range Kernels {
		for _, sh := range shapes {
			for _, tA := range []bool{false, true} {
				name := fmt.Sprintf("%s/%dx%dx%d/trans=%v", mk.Name, sh.m, sh.n, sh.k, tA)
				t.Run(name+"/float64", func(t *testing.T) { checkKernel[float64](t, &mk, tA, sh.m, sh.n, sh.k, 0x1p-53) })
				t.Run(name+"/float32", func(t *testing.T) { checkKernel[float32](t, &mk, tA, sh.m, sh.n, sh.k, 0x1p-24) })
			}
		}
	}
}

func checkKernel[T Float](t *testing.T, mk *Kernel, transA bool, m, n, k int, u float64) {
	rng := rand.New(rand.NewPCG(uint64(m*1000+n), uint64(k)))
	// padded leading dimensions catch stride mistakes
	lda := k + 3
	rowsA := m
	if transA {
		lda, rowsA = m+2, k
	}
	ldb, ldc := n+5, n+1
	a := make([]T, rowsA*lda)
	b := make([]T, k*ldb)
	c := make([]T, m*ldc)
	for i := range a {
		a[i] = T(rng.NormFloat64())
	}
	for i := range b {
		b[i] = T(rng.NormFloat64())
	}
	const sentinel = 12345
	for i := range c {
		c[i] = sentinel
	}
	Gemm(mk, transA, m, n, k, a, lda, b, ldb, c, ldc)
	want := naiveGemm(transA, m, n, k, a, lda, b, ldb)
	absA := make([]T, len(a))
	absB := make([]T, len(b))
	for i, v := range a {
		absA[i] = T(math.Abs(float64(v)))
	}
	for i, v := range b {
		absB[i] = T(math.Abs(float64(v)))
	}
	scale := naiveGemm(transA, m, n, k, absA, lda, absB, ldb)
	worst := 0.0
	for i := range m {
		for j := range ldc {
			got := float64(c[i*ldc+j])
			if j >= n {
				if got != sentinel {
					t.Fatalf("c[%d,%d] (outside the %d×%d block) written: %g", i, j, m, n, got)
				}
				continue
			}
			// error in units of the bound k·u·Σ|a||b|
			worst = math.Max(worst, math.Abs(got-want[i*n+j])/(float64(k)*u*scale[i*n+j]))
		}
	}
	if worst > 1 {
		t.Fatalf("error %.3g × the bound k·u·Σ|a||b|", worst)
	}
}

// BenchmarkGemm compares the kernels with gonum's pure-Go Dgemm on the
// fused MLP op's shapes (a chunk of 128 points × 5 streams, width 64).
func BenchmarkGemm(b *testing.B) {
	shapes := []struct {
		name    string
		transA  bool
		m, n, k int
	}{
		{"forward_640x64x64", false, 640, 64, 64},
		{"weightgrad_64x64x640", true, 64, 64, 640},
	}
	for _, sh := range shapes {
		lda, tA := sh.k, blas.NoTrans
		if sh.transA {
			lda, tA = sh.m, blas.Trans
		}
		a := make([]float64, sh.m*sh.k)
		bm := make([]float64, sh.k*sh.n)
		c := make([]float64, sh.m*sh.n)
		for i := range a {
			a[i] = float64(i%7) - 3
		}
		for i := range bm {
			bm[i] = float64(i%5) - 2
		}
		flops := 2 * float64(sh.m*sh.n*sh.k)
		run := func(b *testing.B, f func()) {
			for b.Loop() {
				f()
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		}
		b.Run(sh.name+"/gonum", func(b *testing.B) {
			run(b, func() {
				gonum.Implementation{}.Dgemm(tA, blas.NoTrans, sh.m, sh.n, sh.k, 1, a, lda, bm, sh.n, 0, c, sh.n)
			})
		})
		for _, mk := range Kernels {
			b.Run(sh.name+"/"+mk.Name, func(b *testing.B) {
				run(b, func() { Gemm(&mk, sh.transA, sh.m, sh.n, sh.k, a, lda, bm, sh.n, c, sh.n) })
			})
		}
	}
}

// TestShortSlices: a slice too short for the product panics before the
// assembly touches memory.
func TestShortSlices(t *testing.T) {
	if len(Kernels) == 0 {
		t.Skip("no assembly micro-kernel")
	}
	for _, c := range []struct{ la, lb, lc int }{{63, 64, 64}, {64, 63, 64}, {64, 64, 63}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("slices %v: no panic", c)
				}
			}()
			Gemm(Best, false, 8, 8, 8, make([]float64, c.la), 8, make([]float64, c.lb), 8, make([]float64, c.lc), 8)
		}()
	}
}
