package pinn_test

import (
	"context"
	"fmt"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn"
)

// Train solves u” = -π² sin(πx) on [0, 1] with u(0) = u(1) = 0 (exact
// u = sin(πx)) from a spec held in memory; with no output directory
// nothing is written and the summary comes back in the result.
func ExampleTrain() {
	spec, err := pde.LoadBytes("sine.yaml", []byte(`
name: sine
seed: 1
variables: {x: [0, 1]}
fields: [u]
equations:
  - {name: ode, residual: "u_xx + pi^2*sin(pi*x)", points: 64, sampler: sobol}
conditions:
  - {name: ends, on: "x == 0 or x == 1", type: dirichlet, value: "0", points: 2}
model: {layers: [16, 16]}
training: {steps: 500, lr: 1e-2, then: {optimizer: lbfgs, steps: 100}}
evaluation: {exact: {u: "sin(pi*x)"}, points: 200, every: 600}
`), nil)
	if err != nil {
		panic(err)
	}
	opts := pinn.OptionsFromSpec(spec)
	opts.OutDir = "" // nothing written
	res, err := pinn.Train(context.Background(), spec.Problem, opts)
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Summary.Status, res.Summary.Steps, res.Summary.RelL2["u"] < 1e-3)
	// Output: completed 600 true
}
