package compiler_test

import (
	"fmt"
	"math"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn/compiler"
)

// Route picks how a problem is compiled, and New compiles it into a
// program whose Run gives the loss and its gradient in one pass: the same
// Poisson problem on a ball goes to the general compiler at 3-D (x written
// as x[1..3], every feature applies) and to the high-dimensional fast path
// at 2000-D (directions through the first layer as gathered rows of W1).
func ExampleRoute() {
	for _, dim := range []int{3, 2000} {
		spec, err := pde.LoadBytes("ball.yaml", []byte(fmt.Sprintf(`
name: ball
seed: 1
domain: {type: ball, dim: %d, radius: 1, variable: x}
fields: [u]
equations:
  - {name: pde, residual: "lap(u) + 2*d", points: 16}
model: {layers: [8, 8], output: "(1 - norm2(x)^2)*N"}
derivatives: {method: taylor}
evaluation: {exact: {u: "1 - norm2(x)^2"}, points: 10}
`, dim)), nil)
		if err != nil {
			panic(err)
		}
		cfg := compiler.NewConfig(compiler.Settings{Seed: spec.Seed, DType: spec.DType, Model: spec.Model,
			Derivatives: spec.Derivatives, Training: spec.Training, Evaluation: spec.Evaluation})
		prob, pcfg, err := compiler.Route(spec.Problem, cfg)
		if err != nil {
			panic(err)
		}
		prog, err := compiler.New(prob, pcfg)
		if err != nil {
			panic(err)
		}
		theta := prog.InitTheta()
		grad := make([]float64, len(theta))
		loss, err := prog.Run(theta, grad)
		if err != nil {
			panic(err)
		}
		fmt.Printf("dim %d: fast path %v, %d parameters, loss > 0 %v\n", dim, prog.FastPath(), len(theta), loss > 0 && !math.IsInf(loss, 0))
	}
	// Output:
	// dim 3: fast path false, 113 parameters, loss > 0 true
	// dim 2000: fast path true, 16089 parameters, loss > 0 true
}
