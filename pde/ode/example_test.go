package ode_test

import (
	"fmt"
	"math"

	"github.com/gopinn/gopinn/pde/ode"
)

// The harmonic oscillator y” = -y as a first-order system, read through
// the dense output between steps.
func ExampleSolve() {
	f := func(t float64, y, dy []float64) {
		dy[0] = y[1]
		dy[1] = -y[0]
	}
	sol, err := ode.Solve(f, 0, 10, []float64{1, 0}, ode.Options{})
	if err != nil {
		panic(err)
	}
	for _, t := range []float64{0.5, math.Pi, 10} {
		y := sol.At(t)
		fmt.Printf("y(%.4f) = %.9f (cos: %.9f)\n", t, y[0], math.Cos(t))
	}
	// Output:
	// y(0.5000) = 0.877582562 (cos: 0.877582562)
	// y(3.1416) = -1.000000000 (cos: -1.000000000)
	// y(10.0000) = -0.839071529 (cos: -0.839071529)
}
