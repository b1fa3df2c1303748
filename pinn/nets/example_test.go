package nets_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/gopinn/gopinn/pinn/nets"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// A 2-16-16-1 tanh network: its flat weight layout, Glorot initialisation
// and the float64 forward pass on one point.
func ExampleNewMLP() {
	act, err := nets.Activation("tanh")
	if err != nil {
		panic(err)
	}
	m := nets.NewMLP(G.NewGraph(), tensor.Float64, "net", 2, []int{16, 16}, 1, act)
	flat := make([]float64, m.NumParams())
	m.Glorot(flat, rand.New(rand.NewPCG(1, 2)))
	y := m.Forward64(flat, []float64{0.5, -0.25})
	fmt.Println(m.NumParams(), len(m.Params()), len(y))
	// Output: 337 6 1
}
