package autodiff

import (
	"runtime"
	"sync"

	"github.com/gopinn/gopinn/autodiff/internal/microgemm"
	"gonum.org/v1/gonum/blas"
	"gorgonia.org/tensor"
)

// microBLAS is the BLAS Gorgonia's own matrix products (tensor's MatMul:
// the graph-op kernel, the high-dimensional path's first layer, the loss
// graphs) run on: a fallback BLAS (gonum's, or OpenBLAS under the openblas
// build tag) with Dgemm and Sgemm on the assembly micro-kernels where they
// apply (alpha = 1, beta = 0, the CPU has them), split over the cores by
// blocks of rows. Each element is still one fixed sequence of FMAs, so
// results do not depend on the thread count.
type microBLAS struct{ tensor.BLAS }

// useMicroBLAS registers microBLAS over fallback for Gorgonia, where the
// CPU has a micro-kernel (and otherwise the fallback itself).
func useMicroBLAS(fallback tensor.BLAS) {
	if microgemm.Best != nil {
		tensor.Use(microBLAS{fallback})
	} else {
		tensor.Use(fallback)
	}
}

// microMinFlops is the size below which gonum's own gemm is used (the
// small products of the loss graph).
const microMinFlops = 1 << 15

// microRowBlock is the number of rows of C one goroutine computes at a time.
const microRowBlock = 64

var transposePool = sync.Pool{New: func() any { return new([]float64) }}
var transposePool32 = sync.Pool{New: func() any { return new([]float32) }}

func (b microBLAS) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, bm []float64, ldb int, beta float64, c []float64, ldc int) {
	if !microGemm(tA, tB, m, n, k, alpha == 1 && beta == 0, a, lda, bm, ldb, c, ldc, &transposePool) {
		b.BLAS.Dgemm(tA, tB, m, n, k, alpha, a, lda, bm, ldb, beta, c, ldc)
	}
}

func (b microBLAS) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, bm []float32, ldb int, beta float32, c []float32, ldc int) {
	if !microGemm(tA, tB, m, n, k, alpha == 1 && beta == 0, a, lda, bm, ldb, c, ldc, &transposePool32) {
		b.BLAS.Sgemm(tA, tB, m, n, k, alpha, a, lda, bm, ldb, beta, c, ldc)
	}
}

// microGemm computes c = op(a)·op(b) on the micro-kernels and reports true,
// or reports false (the caller's gonum does it) when they do not apply:
// no kernel, alpha ≠ 1 or beta ≠ 0 (plain false), a small product.
func microGemm[T float](tA, tB blas.Transpose, m, n, k int, plain bool, a []T, lda int, bm []T, ldb int, c []T, ldc int, pool *sync.Pool) bool {
	mk := fusedGemm
	if mk == nil || !plain || m*n*k < microMinFlops || k == 0 || tA == blas.ConjTrans || tB == blas.ConjTrans {
		return false
	}
	bb, ldbb := bm, ldb
	if tB == blas.Trans { // B is n×k: its transpose, k×n, for the kernels
		p := pool.Get().(*[]T)
		defer pool.Put(p)
		bb, ldbb = transposeInto(p, bm, ldb, n, k), n
	}
	microParallel(mk, tA == blas.Trans, m, n, k, a, lda, bb, ldbb, c, ldc)
	return true
}

// transposeInto writes the k×n transpose of the n×k matrix b (leading
// dimension ldb) into *buf, grown as needed.
func transposeInto[T float](buf *[]T, b []T, ldb, n, k int) []T {
	if cap(*buf) < n*k {
		*buf = make([]T, n*k)
	}
	t := (*buf)[:n*k]
	for j := range n {
		for p, v := range b[j*ldb : j*ldb+k] {
			t[p*n+j] = v
		}
	}
	return t
}

// microParallel computes c = op(a)·b by blocks of microRowBlock rows on up
// to GOMAXPROCS goroutines.
func microParallel[T float](mk *microgemm.Kernel, transA bool, m, n, k int, a []T, lda int, b []T, ldb int, c []T, ldc int) {
	blocks := (m + microRowBlock - 1) / microRowBlock
	one := func(i int) {
		r0 := i * microRowBlock
		rows := min(microRowBlock, m-r0)
		var as []T
		if transA {
			as = a[r0:]
		} else {
			as = a[r0*lda:]
		}
		microgemm.Gemm(mk, transA, rows, n, k, as, lda, b, ldb, c[r0*ldc:], ldc)
	}
	if blocks == 1 || runtime.GOMAXPROCS(0) == 1 {
		for i := range blocks {
			one(i)
		}
		return
	}
	parallelFor(blocks, one)
}
