package autodiff

import (
	"unsafe"

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

// gemm computes c = op(a)·op(b) (beta = 0) for row-major a, b, c with the
// BLAS registered in blas64/blas32 (gonum's pure Go by default, OpenBLAS
// under the openblas build tag).
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

// BLAS names the BLAS implementation the fused op calls: "gonum" (pure Go,
// the default build) or "openblas" (build tag openblas).
func BLAS() string {
	if pureGoBLAS() {
		return "gonum"
	}
	return blasName
}
