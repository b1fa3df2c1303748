package compiler

import (
	"math"
	"testing"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn/internal/testprob"
)

// specSettings are the run settings a loaded spec writes.
func specSettings(s *pde.Spec) Settings {
	return Settings{Seed: s.Seed, DType: s.DType, Model: s.Model, Derivatives: s.Derivatives,
		Training: s.Training, Evaluation: s.Evaluation}
}

// fdLossGrad is the central finite difference (step 1e-6) of the program's
// loss with respect to theta[i], the other parameters fixed.
func fdLossGrad(p *Program, theta []float64, i int) float64 {
	tmp := make([]float64, len(theta))
	return testprob.FDDerivative(func(th []float64) float64 {
		f, _ := p.Run(th, tmp)
		return f
	}, theta, i)
}

// checkGradientFD compares the program's gradient at theta, moved off its
// initial values (non-zero biases, so that every parameter matters), with
// central differences in every parameter: relative error (to 1 + |fd|)
// at most tol. It returns the largest error.
func checkGradientFD(t *testing.T, name string, p *Program, theta []float64, tol float64) float64 {
	t.Helper()
	for i := range theta {
		theta[i] += 0.05 * math.Sin(float64(3*i+1))
	}
	g := make([]float64, len(theta))
	if _, err := p.Run(theta, g); err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for i := range theta {
		want := fdLossGrad(p, theta, i)
		err := math.Abs(g[i]-want) / (1 + math.Abs(want))
		worst = math.Max(worst, err)
		if err > tol {
			t.Errorf("%s: dloss/dtheta[%d]: graph %.10g, finite differences %.10g (rel err %.1e)", name, i, g[i], want, err)
		}
	}
	t.Logf("%s: %d parameters, largest relative error %.1e", name, len(theta), worst)
	return worst
}

// generalTwin compiles the vector problem of spec on the general compiler,
// x written as coordinates (Config.ForceCoordinates), for comparison with
// the fast path; it returns the program and the routed problem and config.
func generalTwin(t testing.TB, spec *pde.Spec) (*Program, *pde.Problem, *Config) {
	t.Helper()
	return routed(t, spec, func(c *Config) { c.ForceCoordinates = true })
}

// routed compiles spec the way Route sends it, with the run settings
// changed by mod first.
func routed(t testing.TB, spec *pde.Spec, mod func(*Config)) (*Program, *pde.Problem, *Config) {
	t.Helper()
	cfg := NewConfig(specSettings(spec))
	mod(cfg)
	q, qcfg, err := Route(spec.Problem, cfg)
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(q, qcfg)
	if err != nil {
		t.Fatal(err)
	}
	return p, q, qcfg
}
