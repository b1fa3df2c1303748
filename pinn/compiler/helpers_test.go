package compiler

import (
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
