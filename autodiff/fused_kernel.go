package autodiff

import (
	"runtime"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/blas"
)

// MaxFusedOrder is the highest jet order the fused MLP op carries; higher
// orders must use the graph-op path (Apply), which has no limit. The cap keeps
// the per-element Faà di Bruno scratch on the stack.
const MaxFusedOrder = 8

// fusedChunk is the number of points one work item of the fused op covers.
// Work is split by points in chunks of this FIXED size, never by the number
// of threads, so every output element and every partial sum of the reverse
// pass is computed the same way whatever GOMAXPROCS is: results are
// bit-identical for any thread count. 128 points × a few streams × 64 units
// keep a chunk's working set within L2.
var fusedChunk = 128

type float interface{ ~float32 | ~float64 }

// fdbFactor is a_j^m inside a Bell monomial (j is the 1-based coefficient).
type fdbFactor struct{ j, m int }

// fdbTerm is one monomial coef·Π a_j^{m_j} of the partial Bell polynomial
// B_{n,k} (Comtet 1974, §3.3), from BellCoefficients.
type fdbTerm struct {
	k    int
	coef float64
	fac  []fdbFactor
}

// fdbProgram lists, for every n = 1..K, the terms of Faà di Bruno's formula
// out_n = Σ_k f^(k)(a_0) B_{n,k}(a_1, ..., a_{n-k+1}) grouped by k in
// increasing order (the grouping Apply uses). Only coefficients come from
// BellCoefficients; none is typed here.
func fdbProgram(K int) [][]fdbTerm {
	prog := make([][]fdbTerm, K+1)
	for n := 1; n <= K; n++ {
		for k := 1; k <= n; k++ {
			for _, t := range bell(n, k) {
				ft := fdbTerm{k: k, coef: t.Coef}
				for j, m := range t.Mult {
					if m > 0 {
						ft.fac = append(ft.fac, fdbFactor{j: j + 1, m: m})
					}
				}
				prog[n] = append(prog[n], ft)
			}
		}
	}
	return prog
}

// fdbScratch is the per-element scratch of the activation rule: tower
// derivatives f^(0..K+1), input coefficients a_1..a_K, powers a_j^e.
type fdbScratch struct {
	f  [MaxFusedOrder + 2]float64
	a  [MaxFusedOrder + 1]float64
	pw [MaxFusedOrder + 1][MaxFusedOrder + 1]float64
	g  [MaxFusedOrder + 1]float64 // upstream gradients of out_1..out_K
	ga [MaxFusedOrder + 1]float64 // gradients w.r.t. a_1..a_K
}

func (s *fdbScratch) powers(K int) {
	for j := 1; j <= K; j++ {
		p := 1.0
		s.pw[j][0] = 1
		for e := 1; e*j <= K; e++ {
			p *= s.a[j]
			s.pw[j][e] = p
		}
	}
}

// mono returns Π a_j^{m_j} of a term, skipping factor skip (0: none) whose
// power is lowered by one (the partial derivative's monomial).
func (s *fdbScratch) mono(t *fdbTerm, skip int) float64 {
	p := 1.0
	for _, f := range t.fac {
		if f.j == skip {
			p *= s.pw[f.j][f.m-1]
		} else {
			p *= s.pw[f.j][f.m]
		}
	}
	return p
}

// forward evaluates out_n for n = 1..K from s.f, s.a (powers filled).
func (s *fdbScratch) forward(prog [][]fdbTerm, n int) float64 {
	acc, inner, k := 0.0, 0.0, 0
	for i := range prog[n] {
		t := &prog[n][i]
		if t.k != k {
			acc += s.f[k] * inner
			inner, k = 0, t.k
		}
		inner += t.coef * s.mono(t, 0)
	}
	return acc + s.f[k]*inner
}

// backward accumulates, for the jet out_1..out_K with upstream gradients
// s.g, the gradient w.r.t. a_1..a_K into s.ga and returns the part of the
// gradient w.r.t. a_0 (through f^(k+1)). First-order reverse mode of the
// forward rule, term by term:
//
//	∂out_n/∂a_0 = Σ_terms f^(k+1) coef Π a^m,
//	∂out_n/∂a_j = Σ_terms f^(k) coef m_j a_j^{m_j-1} Π_{i≠j} a_i^{m_i}.
func (s *fdbScratch) backward(prog [][]fdbTerm, K int) float64 {
	g0 := 0.0
	for j := 1; j <= K; j++ {
		s.ga[j] = 0
	}
	for n := 1; n <= K; n++ {
		gn := s.g[n]
		if gn == 0 {
			continue
		}
		for i := range prog[n] {
			t := &prog[n][i]
			c := gn * t.coef
			g0 += c * s.f[t.k+1] * s.mono(t, 0)
			for _, f := range t.fac {
				s.ga[f.j] += c * s.f[t.k] * float64(f.m) * s.mono(t, f.j)
			}
		}
	}
	return g0
}

// mlpKernel is the numerical part of the fused op: the MLP with Taylor
// jets along D pure directions, on P points, in element type T.
//
// Layout: S streams (the primal and, for each direction d, its orders
// 1..K_d). Per layer every buffer is chunk-major: chunk c (points
// [c·C, c·C+p_c)) holds S row blocks of p_c rows (stream s rows
// [s·p_c, (s+1)·p_c)), so one chunk's streams are one contiguous matrix and
// a layer is ONE matrix multiply per chunk for all streams.
type mlpKernel[T float] struct {
	sh *mlpShape

	Z   [][]T // pre-activations per layer (layer 0: primal rows only)
	H   [][]T // activations per hidden layer
	F   [][]T // f^(1..K+1)(z_0) per hidden layer, K+1 blocks of p_c rows
	Q   []T   // D × w_1: the first layer's coefficient-1 row r_d·W_0
	out []T   // S·P × m, stream-major (the op's output)

	gA, gB [][]T // per chunk reverse-pass scratch
	Wt     [][]T // transposed weights: gonum's A·Bᵀ is dot-product based and ~2x slower than A·B
	part   [][]T // per chunk partial parameter gradients (packed layout)
	packed []T   // summed parameter gradients

	// per chunk Faà di Bruno scratch, kept here because the tower call makes
	// a local one escape (one allocation per chunk and call otherwise)
	scr []fdbScratch

	// inputs of the current call
	X, up []T
	W, B  [][]T
}

// mlpShape is everything about the op that does not depend on T.
type mlpShape struct {
	P, n, m, L int
	sizes      []int
	dirs       []Direction
	K          int     // highest order
	S          int     // streams
	stream     [][]int // stream[d][k] for k = 1..K_d
	C, nc      int     // chunk size, number of chunks
	prog       [][]fdbTerm
	deriv      derivFunc
	quad       *quadTower // straight-line tower to f^(K+1) (nil: use deriv)
	woff, boff []int      // offsets of W_l, b_l in the packed gradient
	nparams    int
}

func newMLPShape(P int, sizes []int, dirs []Direction, act Tower) *mlpShape {
	sh := &mlpShape{P: P, n: sizes[0], m: sizes[len(sizes)-1], L: len(sizes) - 1, sizes: sizes, dirs: dirs}
	sh.S = 1
	sh.stream = make([][]int, len(dirs))
	for d, dir := range dirs {
		sh.K = max(sh.K, dir.Order)
		sh.stream[d] = make([]int, dir.Order+1)
		for k := 1; k <= dir.Order; k++ {
			sh.stream[d][k] = sh.S
			sh.S++
		}
	}
	sh.C = max(1, fusedChunk)
	sh.nc = (P + sh.C - 1) / sh.C
	sh.prog = fdbProgram(sh.K)
	// f^(K+1) is needed by the reverse pass (∂out_n/∂a_0).
	sh.deriv = towerFunc(act, sh.K+1)
	sh.quad = newQuadTower(act, sh.K+1)
	for l := 0; l < sh.L; l++ {
		sh.woff = append(sh.woff, sh.nparams)
		sh.nparams += sizes[l] * sizes[l+1]
		sh.boff = append(sh.boff, sh.nparams)
		sh.nparams += sizes[l+1]
	}
	return sh
}

// chunk returns the first point and the number of points of chunk c.
func (sh *mlpShape) chunk(c int) (int, int) {
	p0 := c * sh.C
	return p0, min(sh.C, sh.P-p0)
}

func newMLPKernel[T float](sh *mlpShape) *mlpKernel[T] {
	k := &mlpKernel[T]{sh: sh}
	maxw := 0
	for _, w := range sh.sizes {
		maxw = max(maxw, w)
	}
	for l := 0; l < sh.L; l++ {
		w := sh.sizes[l+1]
		k.Z = append(k.Z, make([]T, sh.S*sh.P*w))
		if l+1 < sh.L {
			k.H = append(k.H, make([]T, sh.S*sh.P*w))
			k.F = append(k.F, make([]T, (sh.K+1)*sh.P*w))
		}
	}
	k.Q = make([]T, len(sh.dirs)*sh.sizes[1])
	k.out = make([]T, sh.S*sh.P*sh.m)
	k.scr = make([]fdbScratch, sh.nc)
	return k
}

// allocReverse allocates the reverse-pass buffers on first use (a graph
// that is never differentiated, like the predictor's, never pays for them).
func (k *mlpKernel[T]) allocReverse() {
	if k.packed != nil {
		return
	}
	sh := k.sh
	maxw := 0
	for _, w := range sh.sizes {
		maxw = max(maxw, w)
	}
	k.gA = make([][]T, sh.nc)
	k.gB = make([][]T, sh.nc)
	k.part = make([][]T, sh.nc)
	for c := range sh.nc {
		_, pc := sh.chunk(c)
		k.gA[c] = make([]T, sh.S*pc*maxw)
		k.gB[c] = make([]T, sh.S*pc*maxw)
		k.part[c] = make([]T, sh.nparams+len(sh.dirs)*sh.sizes[1])
	}
	k.packed = make([]T, sh.nparams)
	k.Wt = make([][]T, sh.L)
	for l := 1; l < sh.L; l++ {
		k.Wt[l] = make([]T, sh.sizes[l]*sh.sizes[l+1])
	}
}

// forward runs the network on inputs X (P×n), W, B.
func (k *mlpKernel[T]) forward() {
	sh := k.sh
	// r_d·W_0, once per call: the coefficient-1 input is the same row for
	// every point, so the first layer's coefficient-1 output is one row, and
	// its higher input coefficients are zero (not multiplied at all).
	w1 := sh.sizes[1]
	for d, dir := range sh.dirs {
		q := k.Q[d*w1 : (d+1)*w1]
		clear(q)
		for a, v := range dir.V {
			if v != 0 {
				axpy64(T(v), k.W[0][a*w1:(a+1)*w1], q)
			}
		}
	}
	parallelFor(sh.nc, k.forwardChunk)
}

func axpy64[T float](alpha T, x, y []T) {
	for i, v := range x {
		y[i] += alpha * v
	}
}

func (k *mlpKernel[T]) forwardChunk(c int) {
	sh := k.sh
	p0, pc := sh.chunk(c)
	S, K := sh.S, sh.K
	s := &k.scr[c]
	fd := s.f[:K+2]
	for l := 0; l < sh.L; l++ {
		win, wout := sh.sizes[l], sh.sizes[l+1]
		z := k.Z[l][S*p0*wout : S*(p0+pc)*wout]
		if l == 0 {
			// primal: z = X W_0 + b_0 (n is small: a plain loop)
			for i := range pc {
				row := z[i*wout : (i+1)*wout]
				copy(row, k.B[0])
				x := k.X[(p0+i)*win : (p0+i+1)*win]
				for a, xa := range x {
					axpy64(xa, k.W[0][a*wout:(a+1)*wout], row)
				}
			}
		} else {
			h := k.H[l-1][S*p0*win : S*(p0+pc)*win]
			gemm(blas.NoTrans, blas.NoTrans, S*pc, wout, win, h, win, k.W[l], wout, z, wout)
			b := k.B[l]
			for i := range pc {
				row := z[i*wout : (i+1)*wout]
				for j, bj := range b {
					row[j] += bj
				}
			}
		}
		if l+1 == sh.L {
			// copy into the stream-major output
			for st := range S {
				copy(k.out[(st*sh.P+p0)*wout:(st*sh.P+p0+pc)*wout], z[st*pc*wout:(st+1)*pc*wout])
			}
			break
		}
		h := k.H[l][S*p0*wout : S*(p0+pc)*wout]
		f := k.F[l][(K+1)*p0*wout : (K+1)*(p0+pc)*wout]
		blk := pc * wout
		// the tower f^(0..K+1) at every primal pre-activation
		if sh.quad != nil {
			towerBlock(sh.quad, z[:blk], h[:blk], f, K+1)
		} else {
			for e, ze := range z[:blk] {
				sh.deriv(float64(ze), fd)
				h[e] = T(fd[0])
				for q := 1; q <= K+1; q++ {
					f[(q-1)*blk+e] = T(fd[q])
				}
			}
		}
		if l == 0 {
			k.firstLayerJets(h, f, blk, wout)
			continue
		}
		// Faà di Bruno per direction, one sweep over the chunk per stream.
		f1 := f[:blk]
		for d, dir := range sh.dirs {
			st := sh.stream[d]
			switch dir.Order {
			case 1:
				a1, h1 := z[st[1]*blk:][:blk], h[st[1]*blk:][:blk]
				for e, v := range a1 {
					h1[e] = f1[e] * v
				}
			case 2:
				// straight-line order 2 (Laplacians, second-order operators):
				// out_1 = f1·a1, out_2 = f1·a2 + f2·a1²
				f2 := f[blk : 2*blk]
				a1, a2 := z[st[1]*blk:][:blk], z[st[2]*blk:][:blk]
				h1, h2 := h[st[1]*blk:][:blk], h[st[2]*blk:][:blk]
				for e, v := range a1 {
					h1[e] = f1[e] * v
					h2[e] = T(float64(f1[e])*float64(a2[e]) + float64(f2[e])*float64(v)*float64(v))
				}
			default:
				Kd := dir.Order
				for e := range blk {
					for q := 1; q <= K+1; q++ {
						s.f[q] = float64(f[(q-1)*blk+e])
					}
					for j := 1; j <= Kd; j++ {
						s.a[j] = float64(z[st[j]*blk+e])
					}
					s.powers(Kd)
					for n := 1; n <= Kd; n++ {
						h[st[n]*blk+e] = T(s.forward(sh.prog, n))
					}
				}
			}
		}
	}
}

// firstLayerJets fills the first hidden layer's direction streams. The input
// coefficients along direction d are (q_d, 0, 0, ...) (q_d = r_d·W_0, the
// same row for every point), so out_n = f^(n)·q^n (B_{n,k}(q, 0, ...) =
// q^n δ_{nk}).
func (k *mlpKernel[T]) firstLayerJets(h, f []T, blk, w int) {
	sh := k.sh
	for d, dir := range sh.dirs {
		q := k.Q[d*w : (d+1)*w]
		for n := 1; n <= dir.Order; n++ {
			hn := h[sh.stream[d][n]*blk:][:blk]
			fn := f[(n-1)*blk:][:blk]
			for i := 0; i < blk; i += w {
				for j, qj := range q {
					qp := float64(qj)
					for range n - 1 {
						qp *= float64(qj)
					}
					hn[i+j] = T(float64(fn[i+j]) * qp)
				}
			}
		}
	}
}

// backward computes the packed parameter gradients from the upstream
// gradient up (S·P × m, stream-major), using the buffers of the last
// forward call.
func (k *mlpKernel[T]) backward() {
	k.allocReverse()
	sh := k.sh
	for l := 1; l < sh.L; l++ {
		win, wout := sh.sizes[l], sh.sizes[l+1]
		for i := range win {
			for j := range wout {
				k.Wt[l][j*win+i] = k.W[l][i*wout+j]
			}
		}
	}
	parallelFor(sh.nc, k.backwardChunk)
	// Reduce the per-chunk partials in chunk order: fixed whatever the
	// number of threads.
	copy(k.packed, k.part[0][:sh.nparams])
	for c := 1; c < sh.nc; c++ {
		for i, v := range k.part[c][:sh.nparams] {
			k.packed[i] += v
		}
	}
}

func (k *mlpKernel[T]) backwardChunk(c int) {
	sh := k.sh
	p0, pc := sh.chunk(c)
	S, K, L := sh.S, sh.K, sh.L
	part := k.part[c]
	gQ := part[sh.nparams:]
	clear(gQ)
	ga, gb := k.gA[c], k.gB[c]
	m := sh.m
	for st := range S {
		copy(ga[st*pc*m:(st+1)*pc*m], k.up[(st*sh.P+p0)*m:(st*sh.P+p0+pc)*m])
	}
	s := &k.scr[c]
	for l := L - 1; l >= 0; l-- {
		win, wout := sh.sizes[l], sh.sizes[l+1]
		dW := part[sh.woff[l] : sh.woff[l]+win*wout]
		db := part[sh.boff[l] : sh.boff[l]+wout]
		// bias: only the primal carries it
		clear(db)
		for i := range pc {
			for j, g := range ga[i*wout : (i+1)*wout] {
				db[j] += g
			}
		}
		if l == 0 {
			// dW_0 = X^T g_primal + Σ_d r_d ⊗ gQ_d
			clear(dW)
			for i := range pc {
				g := ga[i*wout : (i+1)*wout]
				for a, xa := range k.X[(p0+i)*win : (p0+i+1)*win] {
					axpy64(xa, g, dW[a*wout:(a+1)*wout])
				}
			}
			for d, dir := range sh.dirs {
				for a, v := range dir.V {
					if v != 0 {
						axpy64(T(v), gQ[d*wout:(d+1)*wout], dW[a*wout:(a+1)*wout])
					}
				}
			}
			break
		}
		h := k.H[l-1][S*p0*win : S*(p0+pc)*win]
		gemm(blas.Trans, blas.NoTrans, win, wout, S*pc, h, win, ga[:S*pc*wout], wout, dW, wout)
		gemm(blas.NoTrans, blas.NoTrans, S*pc, win, wout, ga[:S*pc*wout], wout, k.Wt[l], win, gb[:S*pc*win], win)
		// reverse of the activation of layer l-1 (width win): gb -> ga
		z := k.Z[l-1][S*p0*win : S*(p0+pc)*win]
		f := k.F[l-1][(K+1)*p0*win : (K+1)*(p0+pc)*win]
		blk := pc * win
		k.activationBackward(ga, gb, z, f, blk, win, l-1 == 0, gQ, s)
	}
}

// activationBackward is the reverse of one hidden layer's activation on a
// chunk: from the upstream gradients gb of its output streams to the
// gradients ga of its pre-activation streams (first layer: of the primal
// and, per direction, of the shared row q_d, accumulated into gQ). One sweep
// per stream for orders 1 and 2; the primal's gradient is summed over the
// directions in their order.
func (k *mlpKernel[T]) activationBackward(ga, gb, z, f []T, blk, w int, first bool, gQ []T, s *fdbScratch) {
	sh := k.sh
	K := sh.K
	g0 := ga[:blk]
	f1 := f[:blk]
	for e, g := range gb[:blk] {
		g0[e] = g * f1[e]
	}
	if first {
		// out_n = f^(n)·q^n: ∂/∂z0 = f^(n+1) q^n, ∂/∂q = n f^(n) q^(n-1)
		for d, dir := range sh.dirs {
			q := k.Q[d*w : (d+1)*w]
			gq := gQ[d*w : (d+1)*w]
			for n := 1; n <= dir.Order; n++ {
				gn := gb[sh.stream[d][n]*blk:][:blk]
				fn, fn1 := f[(n-1)*blk:][:blk], f[n*blk:][:blk]
				for i := 0; i < blk; i += w {
					for j, qj := range q {
						qm := 1.0 // q^(n-1)
						for range n - 1 {
							qm *= float64(qj)
						}
						g := float64(gn[i+j])
						g0[i+j] = T(float64(g0[i+j]) + g*float64(fn1[i+j])*qm*float64(qj))
						gq[j] = T(float64(gq[j]) + g*float64(fn[i+j])*float64(n)*qm)
					}
				}
			}
		}
		return
	}
	for d, dir := range sh.dirs {
		st := sh.stream[d]
		switch dir.Order {
		case 1:
			// out_1 = f1·a1
			f2 := f[blk : 2*blk]
			a1, g1, ga1 := z[st[1]*blk:][:blk], gb[st[1]*blk:][:blk], ga[st[1]*blk:][:blk]
			for e, g := range g1 {
				g0[e] += g * f2[e] * a1[e]
				ga1[e] = g * f1[e]
			}
		case 2:
			// out_1 = f1·a1, out_2 = f1·a2 + f2·a1²
			f2, f3 := f[blk:2*blk], f[2*blk:3*blk]
			a1, a2 := z[st[1]*blk:][:blk], z[st[2]*blk:][:blk]
			g1, g2 := gb[st[1]*blk:][:blk], gb[st[2]*blk:][:blk]
			ga1, ga2 := ga[st[1]*blk:][:blk], ga[st[2]*blk:][:blk]
			for e := range g1 {
				x1, x2 := float64(a1[e]), float64(a2[e])
				y1, y2 := float64(g1[e]), float64(g2[e])
				d1, d2, d3 := float64(f1[e]), float64(f2[e]), float64(f3[e])
				g0[e] = T(float64(g0[e]) + y1*d2*x1 + y2*(d2*x2+d3*x1*x1))
				ga1[e] = T(y1*d1 + y2*d2*2*x1)
				ga2[e] = T(y2 * d1)
			}
		default:
			Kd := dir.Order
			for e := range blk {
				for q := 1; q <= K+1; q++ {
					s.f[q] = float64(f[(q-1)*blk+e])
				}
				for j := 1; j <= Kd; j++ {
					s.a[j] = float64(z[st[j]*blk+e])
					s.g[j] = float64(gb[st[j]*blk+e])
				}
				s.powers(Kd)
				g0[e] = T(float64(g0[e]) + s.backward(sh.prog, Kd))
				for j := 1; j <= Kd; j++ {
					ga[st[j]*blk+e] = T(s.ga[j])
				}
			}
		}
	}
}

// parallelFor runs fn(0..n-1) on up to GOMAXPROCS goroutines (the caller's
// included). Which goroutine runs which index does not matter: every index
// writes its own outputs.
func parallelFor(n int, fn func(int)) {
	workers := min(n, runtime.GOMAXPROCS(0))
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	work := func() {
		for {
			i := int(next.Add(1) - 1)
			if i >= n {
				return
			}
			fn(i)
		}
	}
	wg.Add(workers - 1)
	for range workers - 1 {
		go func() {
			defer wg.Done()
			work()
		}()
	}
	work()
	wg.Wait()
}
