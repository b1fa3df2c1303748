package microgemm

import "unsafe"

// Float is the element type of a multiply.
type Float interface{ ~float32 | ~float64 }

// Kernel is one set of register-blocked gemm kernels (assembly, see
// gemm_amd64.s): each computes a 4 × nr block of C = A·B, A addressed by a
// row stride and a k stride so that the same kernel serves A and Aᵀ.
type Kernel struct {
	Name       string
	nr64, nr32 int // block columns for float64 and float32
	f64        func(k int, a *float64, rsA, ksA int, b *float64, ldb int, c *float64, ldc int)
	f32        func(k int, a *float32, rsA, ksA int, b *float32, ldb int, c *float32, ldc int)
}

// Kernels lists the kernels this CPU can run, slowest first (filled by the
// architecture's init); Best is the fastest, nil where none applies (other
// architectures, the purego build tag, CPUs without AVX2 and FMA).
var (
	Kernels []Kernel
	Best    *Kernel
)

// Gemm computes c = op(a)·b (beta = 0, row-major; op(a) = aᵀ when transA)
// with the kernel mk: full 4 × nr blocks in assembly, the ragged right and
// bottom edges by a scalar loop. Every element is a sum over p = 0..k-1 in
// a fixed order, so results do not depend on how callers split the work.
func Gemm[T Float](mk *Kernel, transA bool, m, n, k int, a []T, lda int, b []T, ldb int, c []T, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	rsA, ksA := lda, 1
	if transA {
		rsA, ksA = 1, lda
	}
	var z T
	_, is64 := any(z).(float64)
	nr := mk.nr32
	if is64 {
		nr = mk.nr64
	}
	mFull, nFull := m-m%4, n-n%nr
	if nFull > 0 {
		for i0 := 0; i0 < mFull; i0 += 4 {
			ap := &a[i0*rsA]
			for j0 := 0; j0 < nFull; j0 += nr {
				if is64 {
					mk.f64(k, (*float64)(unsafe.Pointer(ap)), rsA, ksA,
						(*float64)(unsafe.Pointer(&b[j0])), ldb, (*float64)(unsafe.Pointer(&c[i0*ldc+j0])), ldc)
				} else {
					mk.f32(k, (*float32)(unsafe.Pointer(ap)), rsA, ksA,
						(*float32)(unsafe.Pointer(&b[j0])), ldb, (*float32)(unsafe.Pointer(&c[i0*ldc+j0])), ldc)
				}
			}
		}
	}
	// right edge (all rows), then bottom edge (full-block columns)
	gemmScalar(0, m, nFull, n, k, a, rsA, ksA, b, ldb, c, ldc)
	gemmScalar(mFull, m, 0, nFull, k, a, rsA, ksA, b, ldb, c, ldc)
}

// gemmScalar computes the block rows [i0, i1) × columns [j0, j1) of
// c = A·b, A(i,p) = a[i·rsA + p·ksA].
func gemmScalar[T Float](i0, i1, j0, j1, k int, a []T, rsA, ksA int, b []T, ldb int, c []T, ldc int) {
	if j0 >= j1 {
		return
	}
	if j1-j0 == 1 {
		// one column (a network's scalar output): dot products, or axpys
		// along A's rows when A is transposed
		if ksA == 1 {
			for i := i0; i < i1; i++ {
				ai := a[i*rsA : i*rsA+k]
				acc := T(0)
				for p, v := range ai {
					acc += v * b[p*ldb+j0]
				}
				c[i*ldc+j0] = acc
			}
			return
		}
		for i := i0; i < i1; i++ {
			c[i*ldc+j0] = 0
		}
		for p := range k {
			bp := b[p*ldb+j0]
			ap := a[p*ksA+i0*rsA : p*ksA+(i1-1)*rsA+1]
			for i := i0; i < i1; i++ {
				c[i*ldc+j0] += ap[(i-i0)*rsA] * bp
			}
		}
		return
	}
	for i := i0; i < i1; i++ {
		row := c[i*ldc+j0 : i*ldc+j1]
		clear(row)
		for p := range k {
			aip := a[i*rsA+p*ksA]
			bp := b[p*ldb+j0 : p*ldb+j1]
			for j, v := range bp {
				row[j] += aip * v
			}
		}
	}
}
