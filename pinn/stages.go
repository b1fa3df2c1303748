package pinn

import (
	"github.com/gopinn/gopinn/pinn/compiler"
	"github.com/gopinn/gopinn/pinn/optim"
)

// The runner's side of the optimizers (package optim): each training stage
// is a method with the objective it runs on. The methods know nothing of
// programs; the objective is the program seen as a function of the flat
// parameter vector (compiler.Program.Objective).

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
func newStages(cfg *config, prog *compiler.Program, n int) ([]stage, error) {
	var out []stage
	for _, st := range cfg.Stages {
		m, err := optim.New(st.Optimizer, n)
		if err != nil {
			return nil, err
		}
		out = append(out, stage{name: st.Optimizer, method: m, obj: prog.Objective(m)})
	}
	return out, nil
}
