package microgemm

import "fmt"

// Float is the element type of a multiply.
type Float interface{ ~float32 | ~float64 }

// Kernel is one set of register-blocked gemm kernels (assembly, see
// kernels_amd64.s): each computes a 4 × nr block of C = A·B, A addressed by
// a row stride and a k stride so that the same kernel serves A and Aᵀ.
// Blocks are listed widest first; narrower ones cover the right edge.
type Kernel struct {
	Name string
	f64  []block[float64]
	f32  []block[float32]
}

// block is one micro-kernel: nr columns of C per call.
type block[T Float] struct {
	nr int
	f  func(k int, a *T, rsA, ksA int, b *T, ldb int, c *T, ldc int)
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
	// The assembly reads and writes through raw pointers: check the slices
	// once here, as Go would on every element.
	if k > 0 && (len(a) < (m-1)*rsA+(k-1)*ksA+1 || len(b) < (k-1)*ldb+n) || len(c) < (m-1)*ldc+n {
		panic(fmt.Sprintf("microgemm: %d×%d×%d product with slices of %d, %d, %d elements (lda %d, ldb %d, ldc %d)",
			m, n, k, len(a), len(b), len(c), lda, ldb, ldc))
	}
	var blocks []block[T]
	switch any(a).(type) {
	case []float64:
		blocks = any(mk.f64).([]block[T])
	case []float32:
		blocks = any(mk.f32).([]block[T])
	}
	// columns [0, nFull) in blocks of the widest kernel that fits
	type col struct {
		j0 int
		f  func(k int, a *T, rsA, ksA int, b *T, ldb int, c *T, ldc int)
	}
	var cols [16]col // no allocation up to 16 blocks (width 256 in float64)
	cs := cols[:0]
	nFull := 0
	for _, bk := range blocks {
		for ; nFull+bk.nr <= n; nFull += bk.nr {
			cs = append(cs, col{nFull, bk.f})
		}
	}
	mFull := m - m%4
	for i0 := 0; i0 < mFull; i0 += 4 {
		ap := &a[i0*rsA]
		for _, c0 := range cs {
			c0.f(k, ap, rsA, ksA, &b[c0.j0], ldb, &c[i0*ldc+c0.j0], ldc)
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
