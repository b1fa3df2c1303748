package optim_test

import (
	"fmt"

	"github.com/gopinn/gopinn/pinn/optim"
)

// quadratic is f(x) = sum (x_i - 1)², an Objective.
type quadratic struct{}

func (quadratic) LossGrad(x, g []float64) (float64, error) {
	f := 0.0
	for i := range x {
		f += (x[i] - 1) * (x[i] - 1)
		g[i] = 2 * (x[i] - 1)
	}
	return f, nil
}

// A method is chosen by its spec name, checked against what the objective
// offers, and stepped.
func ExampleNew() {
	m, err := optim.New("lbfgs", 2)
	if err != nil {
		panic(err)
	}
	if err := optim.Check("lbfgs", m, optim.Offers{FixedObjective: true}); err != nil {
		panic(err)
	}
	x := []float64{3, -2}
	var loss float64
	for range 10 {
		loss, _ = m.Step(quadratic{}, x, 1)
	}
	fmt.Printf("x = (%.6f, %.6f), loss %.1e\n", x[0], x[1], loss)
	fmt.Println(optim.Check("engd", must(optim.New("engd", 2)), optim.Offers{}))
	// Output:
	// x = (1.000000, 1.000000), loss 0.0e+00
	// optimizer engd needs the Jacobian of the residuals and an objective that stays fixed during the stage, which this problem does not offer
}

func must(m optim.Method, err error) optim.Method {
	if err != nil {
		panic(err)
	}
	return m
}
