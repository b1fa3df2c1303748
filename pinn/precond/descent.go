package precond

import (
	"fmt"
	"math"
	"time"
)

// DescentOptions configures Problem.Descend. The zero value runs plain gradient
// descent from θ = 0 to a 1e-10 relative loss reduction, capped at 10⁶ steps.
type DescentOptions struct {
	// Precondition uses θ ← θ − η S² ∇L with S = diag(Model.PrecondScale()), and η
	// chosen from the spectrum of S A S instead of A.
	Precondition bool
	// Tol is the target L(θ_k) ≤ Tol·L(θ_0); default 1e-10.
	Tol float64
	// MaxSteps caps the iteration; default 1_000_000.
	MaxSteps int
	// Theta0 is the starting point; default zero.
	Theta0 []float64
	// Trace, if set, is called with every iterate's loss, starting at step 0.
	Trace func(step int, loss float64)
}

// DescentResult reports one gradient-descent run.
type DescentResult struct {
	Steps   int  // iterations taken
	Reached bool // whether L ≤ Tol·L(θ_0) was reached within MaxSteps

	Eta   float64 // fixed step 2/(μ_max+μ_min) of the iteration matrix
	Kappa float64 // κ of the iteration matrix (A or S A S)

	InitialLoss, FinalLoss float64
	RelErr                 float64 // relative L² error of u against Exact at the end

	// Rate is the measured per-step loss ratio over the second half of the run,
	// PredictedRate = ((κ−1)/(κ+1))², the square of the error contraction of the
	// optimal fixed step (Theorem 2.3's (1 − c/κ)^k with c ≈ 2).
	Rate, PredictedRate float64

	Theta []float64
	Wall  time.Duration // the iteration loop only
}

// PredictedSteps is the number of steps after which the worst-case bound
// ((κ−1)/(κ+1))^{2k} drops below tol: ⌈ln(1/tol) / (2 ln((κ+1)/(κ−1)))⌉.
func PredictedSteps(kappa, tol float64) float64 {
	if kappa <= 1 {
		return 1
	}
	return math.Ceil(math.Log(1/tol) / (2 * math.Log1p(2/(kappa-1))))
}

// Descend runs gradient descent with the optimal fixed step on the quadratic loss
// (the paper's dynamics θ_{k+1} = θ_k − η ∇L(θ_k), or θ_{k+1} = θ_k − η P ∇L(θ_k)
// with P = S² for the preconditioned variant).
func (p *Problem) Descend(opt DescentOptions) (DescentResult, error) {
	if opt.Tol == 0 {
		opt.Tol = 1e-10
	}
	if opt.MaxSteps == 0 {
		opt.MaxSteps = 1_000_000
	}
	n := p.Model.N()
	theta := make([]float64, n)
	if opt.Theta0 != nil {
		if len(opt.Theta0) != n {
			return DescentResult{}, fmt.Errorf("precond: Theta0 has %d entries, want %d", len(opt.Theta0), n)
		}
		copy(theta, opt.Theta0)
	}

	// P = diag(pd): identity for plain descent, S² for the preconditioned one.
	pd := make([]float64, n)
	iter := p.A
	if opt.Precondition {
		s := p.Model.PrecondScale()
		for i := range pd {
			pd[i] = s[i] * s[i]
		}
		iter = Preconditioned(p.A, s)
	} else {
		for i := range pd {
			pd[i] = 1
		}
	}
	mu0, mu1, err := Spectrum(iter)
	if err != nil {
		return DescentResult{}, err
	}
	if !(mu0 > 0) {
		return DescentResult{}, fmt.Errorf("precond: iteration matrix not positive definite (μ_min = %g)", mu0)
	}
	kappa := mu1 / mu0
	eta := 2 / (mu0 + mu1)
	rho := (kappa - 1) / (kappa + 1)
	res := DescentResult{Eta: eta, Kappa: kappa, PredictedRate: rho * rho}

	g := make([]float64, n)
	// L(θ) = ½θᵀAθ − bᵀθ + c = ½θᵀg − ½bᵀθ + c with g = Aθ − b, so the loss
	// costs O(n) on top of the gradient; rounding in it is ~1e-15·c, far below
	// the 1e-10 targets used here (the tests compare it with Problem.Loss).
	loss := func() float64 {
		var tg, tb float64
		for i, t := range theta {
			tg += t * g[i]
			tb += t * p.B[i]
		}
		return 0.5*tg - 0.5*tb + p.C
	}
	hist := make([]float64, 0, 1024)
	start := time.Now()
	p.Grad(g, theta)
	l0 := loss()
	l := l0
	hist = append(hist, l)
	if opt.Trace != nil {
		opt.Trace(0, l)
	}
	k := 0
	for ; k < opt.MaxSteps && l > opt.Tol*l0; k++ {
		for i := range theta {
			theta[i] -= eta * pd[i] * g[i]
		}
		p.Grad(g, theta)
		l = loss()
		hist = append(hist, l)
		if opt.Trace != nil {
			opt.Trace(k+1, l)
		}
	}
	res.Wall = time.Since(start)
	res.Steps = k
	res.Reached = l <= opt.Tol*l0
	res.InitialLoss, res.FinalLoss = l0, p.Loss(theta)
	res.RelErr = p.RelL2Error(theta)
	res.Theta = theta
	if half := k / 2; k-half >= 1 && hist[half] > 0 && l > 0 {
		res.Rate = math.Pow(l/hist[half], 1/float64(k-half))
	}
	return res, nil
}
