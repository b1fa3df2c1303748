package precond

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mat"
)

// Model is the linear Fourier-feature model of top frequency K on [−π, π]:
// n = 2K+1 L²-orthonormal features φ_0 = 1/√(2π), φ_{2k−1} = cos(kx)/√π,
// φ_{2k} = sin(kx)/√π for k = 1..K.
type Model struct {
	// K is the top frequency; K ≥ 1.
	K int
}

// N returns the number of parameters, 2K+1.
func (m Model) N() int { return 2*m.K + 1 }

// Freq returns the frequency k of feature i (0 for the constant).
func (m Model) Freq(i int) int { return (i + 1) / 2 }

var (
	invSqrtPi  = 1 / math.Sqrt(math.Pi)
	invSqrt2Pi = 1 / math.Sqrt(2*math.Pi)
)

// Feature returns φ_i(x) and φ_i″(x).
func (m Model) Feature(i int, x float64) (phi, d2phi float64) {
	if i == 0 {
		return invSqrt2Pi, 0
	}
	k := float64(m.Freq(i))
	var v float64
	if i%2 == 1 {
		v = math.Cos(k*x) * invSqrtPi
	} else {
		v = math.Sin(k*x) * invSqrtPi
	}
	return v, -k * k * v
}

// Eval returns u_θ(x) and u_θ″(x).
func (m Model) Eval(theta []float64, x float64) (u, d2u float64) {
	for i, t := range theta {
		p, d := m.Feature(i, x)
		u += t * p
		d2u += t * d
	}
	return u, d2u
}

// PrecondScale returns s_i = 1/max(k_i, 1)², the diagonal of S = P^{1/2}.
func (m Model) PrecondScale() []float64 {
	s := make([]float64, m.N())
	for i := range s {
		k := float64(max(m.Freq(i), 1))
		s[i] = 1 / (k * k)
	}
	return s
}

// Exact is the manufactured solution u*(x) = sin x + ½ sin 2x + ½(1 + cos x); it
// vanishes at ±π and lies in the span of the model for K ≥ 2.
func Exact(x float64) float64 {
	return math.Sin(x) + 0.5*math.Sin(2*x) + 0.5*(1+math.Cos(x))
}

// Source is f = −u*″ for Exact.
func Source(x float64) float64 {
	return math.Sin(x) + 2*math.Sin(2*x) + 0.5*math.Cos(x)
}

// ExactTheta returns the coefficients of Exact in the basis of m (K ≥ 2).
func (m Model) ExactTheta() []float64 {
	th := make([]float64, m.N())
	sp := math.Sqrt(math.Pi)
	th[0] = 0.5 * math.Sqrt(2*math.Pi) // ½ = θ_0/√(2π)
	th[1] = 0.5 * sp                   // ½ cos x
	th[2] = sp                         // sin x
	th[4] = 0.5 * sp                   // ½ sin 2x
	return th
}

// Problem is the quadrature-discretised PINN loss for −u″ = f on [−π, π] with
// u(±π) = 0,
//
//	L(θ) = ½ Σ_q w_q (u_θ″(x_q) + f(x_q))² + (λ/2)(u_θ(−π)² + u_θ(π)²),
//
// which is quadratic: L(θ) = ½ θᵀAθ − bᵀθ + c, ∇L(θ) = Aθ − b.
type Problem struct {
	Model  Model
	Lambda float64
	F      func(float64) float64

	// Nodes and Weights are the Gauss–Legendre rule on [−π, π].
	Nodes, Weights []float64

	// A is the Hessian of L (the paper's A with D = d²/dx²), b and c as above.
	A *mat.SymDense
	B []float64
	C float64

	d2 *mat.Dense // d2[q][i] = φ_i″(x_q)
	bd *mat.Dense // bd[j][i] = φ_i(boundary point j)
}

// QuadNodes is the number of Gauss–Legendre nodes used for top frequency K.
// Products φ_i″ φ_j″ have frequency up to 2K over a length-2π interval; about
// π nodes per wavelength are needed asymptotically, plus a margin.
func QuadNodes(K int) int { return 6*K + 32 }

// NewProblem assembles A, b and c for top frequency K, boundary weight λ and source
// f (Source if nil).
func NewProblem(K int, lambda float64, f func(float64) float64) (*Problem, error) {
	if K < 1 {
		return nil, fmt.Errorf("precond: top frequency K = %d, want ≥ 1", K)
	}
	if !(lambda > 0) {
		return nil, fmt.Errorf("precond: boundary weight λ = %v, want > 0", lambda)
	}
	if f == nil {
		f = Source
	}
	m := Model{K: K}
	n, nq := m.N(), QuadNodes(K)
	p := &Problem{Model: m, Lambda: lambda, F: f,
		Nodes: make([]float64, nq), Weights: make([]float64, nq)}
	quad.Legendre{}.FixedLocations(p.Nodes, p.Weights, -math.Pi, math.Pi)

	p.d2 = mat.NewDense(nq, n, nil)
	fq := make([]float64, nq)
	for q, x := range p.Nodes {
		for i := 0; i < n; i++ {
			_, d := m.Feature(i, x)
			p.d2.Set(q, i, d)
		}
		fq[q] = f(x)
	}
	p.bd = mat.NewDense(2, n, nil)
	for j, x := range []float64{-math.Pi, math.Pi} {
		for i := 0; i < n; i++ {
			v, _ := m.Feature(i, x)
			p.bd.Set(j, i, v)
		}
	}

	// A_ij = Σ_q w_q φ_i″(x_q) φ_j″(x_q) + λ Σ_{x∈{±π}} φ_i(x) φ_j(x)
	// (the paper's ⟨Dφ_i, Dφ_j⟩ + λ⟨φ_i, φ_j⟩_∂Ω), built as DᵀWD + λBᵀB.
	wd := mat.DenseCopyOf(p.d2)
	for q := 0; q < nq; q++ {
		w := math.Sqrt(p.Weights[q])
		for i := 0; i < n; i++ {
			wd.Set(q, i, w*wd.At(q, i))
		}
	}
	p.A = mat.NewSymDense(n, nil)
	p.A.SymOuterK(1, wd.T())
	bnd := mat.NewSymDense(n, nil)
	bnd.SymOuterK(lambda, p.bd.T())
	p.A.AddSym(p.A, bnd)

	// Residual u″ + f: ∇L = Σ w φ″(u″+f) + λ Σ φ u = Aθ − b with b_i = −Σ w φ_i″ f.
	p.B = make([]float64, n)
	for q := 0; q < nq; q++ {
		wf := p.Weights[q] * fq[q]
		p.C += 0.5 * wf * fq[q]
		for i := 0; i < n; i++ {
			p.B[i] -= wf * p.d2.At(q, i)
		}
	}
	return p, nil
}

// Loss evaluates L(θ) directly as a sum of squared residuals (no cancellation).
func (p *Problem) Loss(theta []float64) float64 {
	if len(theta) != p.Model.N() {
		panic("precond: parameter length mismatch")
	}
	th := mat.NewVecDense(len(theta), theta)
	var r mat.VecDense
	r.MulVec(p.d2, th)
	var l float64
	for q, w := range p.Weights {
		v := r.AtVec(q) + p.F(p.Nodes[q])
		l += 0.5 * w * v * v
	}
	var bv mat.VecDense
	bv.MulVec(p.bd, th)
	for j := 0; j < 2; j++ {
		l += 0.5 * p.Lambda * bv.AtVec(j) * bv.AtVec(j)
	}
	return l
}

// Grad writes ∇L(θ) = Aθ − b into dst (allocated if nil) and returns it.
func (p *Problem) Grad(dst, theta []float64) []float64 {
	n := p.Model.N()
	if dst == nil {
		dst = make([]float64, n)
	}
	g := mat.NewVecDense(n, dst)
	g.MulVec(p.A, mat.NewVecDense(n, theta))
	for i := range dst {
		dst[i] -= p.B[i]
	}
	return dst
}

// RelL2Error returns ‖u_θ − u*‖_{L²}/‖u*‖_{L²} by the problem's quadrature.
func (p *Problem) RelL2Error(theta []float64) float64 {
	var num, den float64
	for q, x := range p.Nodes {
		u, _ := p.Model.Eval(theta, x)
		e := Exact(x)
		num += p.Weights[q] * (u - e) * (u - e)
		den += p.Weights[q] * e * e
	}
	return math.Sqrt(num / den)
}

// Preconditioned returns S A S with S = diag(s).
func Preconditioned(a mat.Symmetric, s []float64) *mat.SymDense {
	n := a.SymmetricDim()
	out := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			out.SetSym(i, j, s[i]*a.At(i, j)*s[j])
		}
	}
	return out
}

// Spectrum returns the smallest and largest eigenvalue of a symmetric matrix.
func Spectrum(a mat.Symmetric) (lmin, lmax float64, err error) {
	var es mat.EigenSym
	if !es.Factorize(a, false) {
		return 0, 0, errors.New("precond: symmetric eigendecomposition failed")
	}
	v := es.Values(nil) // ascending
	return v[0], v[len(v)-1], nil
}

// Kappa returns the spectral condition number λ_max/λ_min of a symmetric positive
// definite matrix, or an error if it is not positive definite.
func Kappa(a mat.Symmetric) (float64, error) {
	lmin, lmax, err := Spectrum(a)
	if err != nil {
		return 0, err
	}
	if !(lmin > 0) {
		return math.Inf(1), fmt.Errorf("precond: matrix not positive definite (λ_min = %g)", lmin)
	}
	return lmax / lmin, nil
}
