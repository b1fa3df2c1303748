package autodiff

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gopinn/gopinn/autodiff/internal/microgemm"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// TestMicroBLAS holds the BLAS registered for Gorgonia's matrix products
// equal to gonum's Dgemm/Sgemm (relative 1e-13 / 1e-5 of Σ|a||b|) for all
// four transpose combinations, shapes above and below the size where it
// switches to the micro-kernels, several row blocks, and alpha/beta cases
// it hands to gonum.
func TestMicroBLAS(t *testing.T) {
	if microgemm.Best == nil {
		t.Skip("no micro-kernel on this CPU")
	}
	shapes := []struct{ m, n, k int }{{200, 64, 64}, {130, 37, 90}, {8, 8, 8}, {70, 100, 300}}
	trans := []blas.Transpose{blas.NoTrans, blas.Trans}
	for _, sh := range shapes {
		for _, tA := range trans {
			for _, tB := range trans {
				for _, ab := range [][2]float64{{1, 0}, {2, 0.5}} {
					name := fmt.Sprintf("%dx%dx%d/%c%c/alpha=%g", sh.m, sh.n, sh.k, tA, tB, ab[0])
					t.Run(name, func(t *testing.T) {
						r := rand.New(rand.NewPCG(uint64(sh.m), uint64(sh.k)))
						lda, ldb := sh.k, sh.n
						if tA == blas.Trans {
							lda = sh.m
						}
						if tB == blas.Trans {
							ldb = sh.k
						}
						a := make([]float64, sh.m*sh.k)
						b := make([]float64, sh.k*sh.n)
						for i := range a {
							a[i] = r.NormFloat64()
						}
						for i := range b {
							b[i] = r.NormFloat64()
						}
						c0 := make([]float64, sh.m*sh.n)
						for i := range c0 {
							c0[i] = r.NormFloat64()
						}
						want := append([]float64(nil), c0...)
						got := append([]float64(nil), c0...)
						gonum.Implementation{}.Dgemm(tA, tB, sh.m, sh.n, sh.k, ab[0], a, lda, b, ldb, ab[1], want, sh.n)
						microBLAS{gonum.Implementation{}}.Dgemm(tA, tB, sh.m, sh.n, sh.k, ab[0], a, lda, b, ldb, ab[1], got, sh.n)
						a32 := make([]float32, len(a))
						b32 := make([]float32, len(b))
						for i := range a {
							a32[i] = float32(a[i])
						}
						for i := range b {
							b32[i] = float32(b[i])
						}
						w32 := make([]float32, len(c0))
						g32 := make([]float32, len(c0))
						gonum.Implementation{}.Sgemm(tA, tB, sh.m, sh.n, sh.k, float32(ab[0]), a32, lda, b32, ldb, 0, w32, sh.n)
						microBLAS{gonum.Implementation{}}.Sgemm(tA, tB, sh.m, sh.n, sh.k, float32(ab[0]), a32, lda, b32, ldb, 0, g32, sh.n)
						scale := float64(sh.k) * 3 // ~Σ|a||b| for N(0,1) entries
						for i := range want {
							if e := math.Abs(got[i] - want[i]); e > 1e-13*scale {
								t.Fatalf("float64 c[%d] = %.17g, gonum %.17g", i, got[i], want[i])
							}
							if e := math.Abs(float64(g32[i] - w32[i])); e > 1e-5*scale {
								t.Fatalf("float32 c[%d] = %g, gonum %g", i, g32[i], w32[i])
							}
						}
					})
				}
			}
		}
	}
}
