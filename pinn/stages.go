package pinn

import (
	"fmt"

	"github.com/gopinn/gopinn/pinn/optim"
)

// The runner's side of the optimizers (package optim): each training stage
// is a method with the objective it runs on. The methods know nothing of
// programs; the objectives here are the program seen as a function of the
// flat parameter vector.

// stage is one training stage's method and objective.
type stage struct {
	name   string
	method optim.Method
	obj    optim.Objective
}

// resamples reports whether points may change between the stage's steps.
func (s stage) resamples() bool { return !s.method.Needs().FixedObjective }

// newStages builds a fresh method per planned stage for n parameters, each
// with the objective it needs of prog.
func newStages(cfg *config, prog *program, n int) ([]stage, error) {
	var out []stage
	for _, st := range cfg.stages {
		m, err := optim.New(st.Optimizer, n)
		if err != nil {
			return nil, err
		}
		var obj optim.Objective = lossObjective{prog}
		if m.Needs().Residuals {
			obj = &residualObjective{lossObjective: lossObjective{prog}}
		}
		out = append(out, stage{name: st.Optimizer, method: m, obj: obj})
	}
	return out, nil
}

// checkMethods is the one place where the methods of the planned stages
// are checked against what a program offers.
func checkMethods(cfg *config, o optim.Offers) error {
	for _, st := range cfg.stages {
		m, err := optim.New(st.Optimizer, 0)
		if err != nil {
			return err
		}
		if err := optim.Check(st.Optimizer, m, o); err != nil {
			return err
		}
	}
	return nil
}

// offersScalar is what the program of scalar variables offers every method.
var offersScalar = optim.Offers{Residuals: true, FixedObjective: true}

// lossObjective is the training program's loss and gradient on its current
// points (the per-term losses of the run are read from it afterwards).
type lossObjective struct{ prog *program }

func (o lossObjective) LossGrad(x, g []float64) (float64, error) { return o.prog.run(x, g) }

// residualObjective adds the residuals' Jacobians (Gauss-Newton-type
// methods), from residual programs compiled at first use.
type residualObjective struct {
	lossObjective
	jac *jacobian
}

var _ optim.LeastSquares = (*residualObjective)(nil)

func (o *residualObjective) jacobian() (*jacobian, error) {
	if o.jac == nil {
		jc, err := newJacobian(o.prog)
		if err != nil {
			return nil, fmt.Errorf("residual programs: %w", err)
		}
		o.jac = jc
	}
	return o.jac, nil
}

func (o *residualObjective) Residuals(x []float64) ([]optim.Block, error) {
	jc, err := o.jacobian()
	if err != nil {
		return nil, err
	}
	return jc.assemble(x, o.prog)
}

func (o *residualObjective) Loss(x []float64) (float64, error) {
	jc, err := o.jacobian()
	if err != nil {
		return 0, err
	}
	return jc.lossAt(x, o.prog)
}
