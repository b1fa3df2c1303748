package reference_test

import (
	"fmt"
	"math"

	"github.com/gopinn/gopinn/pde/reference"
)

// The steepest slope of the Burgers shock for ν = 0.01/π (Basdevant et al.
// 1986: -152.00516 at t = 1.6037/π), from the reference solution.
func ExampleBurgers() {
	nu, t, h := 0.01/math.Pi, 1.6037/math.Pi, 1e-6
	slope := (reference.Burgers(nu, h, t) - reference.Burgers(nu, -h, t)) / (2 * h)
	fmt.Printf("u(0.5, 1) = %.6f\n", reference.Burgers(nu, 0.5, 1))
	fmt.Printf("du/dx(0, 1.6037/pi) = %.4f\n", slope)
	// Output:
	// u(0.5, 1) = -0.376181
	// du/dx(0, 1.6037/pi) = -152.0052
}

func ExampleAllenCahn() {
	xs, u, err := reference.AllenCahn(0.001, 512, 1e-4, []float64{1})
	if err != nil {
		panic(err)
	}
	for _, x := range []float64{0, 0.25, 0.75} {
		fmt.Printf("u(%.2f, 1) = %.4f\n", x, reference.PeriodicInterp(xs, u[0], x))
	}
	// Output:
	// u(0.00, 1) = 0.2753
	// u(0.25, 1) = 0.9873
	// u(0.75, 1) = -0.9999
}
