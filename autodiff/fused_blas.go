package autodiff

import (
	"os"
	"unsafe"

	"github.com/gopinn/gopinn/autodiff/internal/microgemm"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
)

// gemmTile bounds the output tile of one call into gonum's pure-Go gemm. Its
// Dgemm goes parallel (new goroutines and channels on every call) once the
// output has 4 or more 64×64 blocks; the fused op already runs one chunk per
// core, so tiles of at most 64 × 192 keep gonum on its serial path: no
// oversubscription and no allocation. Tiling the output does not change any
// element's sum (each element's dot product still runs over the full inner
// dimension in the same order).
const (
	gemmTileRows = 64
	gemmTileCols = 192
)

// fusedGemm is the micro-kernel the fused op multiplies with, nil for the
// registered BLAS. The micro-kernels win on the op's shapes even against
// OpenBLAS (BenchmarkFusedGemm: a chunk is a few hundred rows times a
// 64-wide matrix, where OpenBLAS's packing and dispatch do not pay), so
// they are used in every build where the CPU has them; GOPINN_GEMM=blas
// selects the registered BLAS instead (for comparisons).
var fusedGemm = pickFusedGemm(os.Getenv("GOPINN_GEMM"))

func pickFusedGemm(env string) *microgemm.Kernel {
	if env == "blas" {
		return nil
	}
	return microgemm.Best
}

// gemm computes c = op(a)·op(b) (beta = 0) for row-major a, b, c with the
// micro-kernel (see fusedGemm) or the BLAS registered in blas64/blas32
// (gonum's pure Go by default, OpenBLAS under the openblas build tag).
func gemm[T float](tA, tB blas.Transpose, m, n, k int, a []T, lda int, b []T, ldb int, c []T, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		for i := range m {
			clear(c[i*ldc : i*ldc+n])
		}
		return
	}
	if fusedGemm != nil && tB == blas.NoTrans {
		microgemm.Gemm(fusedGemm, tA == blas.Trans, m, n, k, a, lda, b, ldb, c, ldc)
		return
	}
	if !pureGoBLAS() {
		gemmCall(tA, tB, m, n, k, a, lda, b, ldb, c, ldc)
		return
	}
	for i0 := 0; i0 < m; i0 += gemmTileRows {
		mi := min(gemmTileRows, m-i0)
		for j0 := 0; j0 < n; j0 += gemmTileCols {
			nj := min(gemmTileCols, n-j0)
			// rows i0.. of op(a), columns j0.. of op(b)
			var as, bs []T
			if tA == blas.NoTrans {
				as = a[i0*lda:]
			} else {
				as = a[i0:]
			}
			if tB == blas.NoTrans {
				bs = b[j0:]
			} else {
				bs = b[j0*ldb:]
			}
			gemmCall(tA, tB, mi, nj, k, as, lda, bs, ldb, c[i0*ldc+j0:], ldc)
		}
	}
}

// gemmCall dispatches on the element type without converting the slices to
// interfaces (which would allocate on every call).
func gemmCall[T float](tA, tB blas.Transpose, m, n, k int, a []T, lda int, b []T, ldb int, c []T, ldc int) {
	var z T
	switch any(z).(type) {
	case float64:
		a64 := unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(a))), len(a))
		b64 := unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(b))), len(b))
		c64 := unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(c))), len(c))
		blas64.Implementation().Dgemm(tA, tB, m, n, k, 1, a64, lda, b64, ldb, 0, c64, ldc)
	case float32:
		a32 := unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(a))), len(a))
		b32 := unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(b))), len(b))
		c32 := unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(c))), len(c))
		blas32.Implementation().Sgemm(tA, tB, m, n, k, 1, a32, lda, b32, ldb, 0, c32, ldc)
	}
}

// pureGoBLAS reports whether the registered BLAS is gonum's own.
func pureGoBLAS() bool {
	_, ok := blas64.Implementation().(gonum.Implementation)
	return ok
}

// BLAS names the matrix multiplies of this process: the fused op's kernel
// ("avx512" or "avx2", the assembly micro-kernels of
// autodiff/internal/microgemm, picked by CPU feature; otherwise the
// registered BLAS) and, when different, the registered BLAS that Gorgonia's
// own ops use ("gonum", pure Go, or "openblas" under the openblas build tag).
func BLAS() string {
	registered := "gonum"
	if !pureGoBLAS() {
		registered = blasName
	}
	if fusedGemm != nil {
		return fusedGemm.Name + " + " + registered
	}
	return registered
}
