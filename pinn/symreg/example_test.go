package symreg_test

import (
	"fmt"

	"github.com/gopinn/gopinn/pinn/symreg"
)

// Recover the interaction term of a predator–prey model from samples of it.
func ExampleFit() {
	var x, y, h []float64
	for i := range 10 {
		for j := range 10 {
			xi, yj := 0.2+0.3*float64(i), 0.5+0.4*float64(j)
			x, y = append(x, xi), append(y, yj)
			h = append(h, 0.8997*xi*yj)
		}
	}
	best, front, err := symreg.Fit([]string{"x", "y"}, [][]float64{x, y}, h, symreg.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println(best.Expression, best.Complexity, best.RelError < 1e-12)
	fmt.Println(len(front), "model(s) on the front")
	// Output:
	// 0.8997*x*y 1 true
	// 1 model(s) on the front
}
