package autodiff_test

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/gopinn/gopinn/autodiff"
)

// ExampleNewPlan reads u_x, u_xy and u_xxy of u(x, y) = x²·y + sin(x) at
// (1, 2) out of directional jets: exactly 2xy + cos x, 2x and 2.
func ExampleNewPlan() {
	need := []autodiff.MultiIndex{{1, 0}, {1, 1}, {2, 1}}
	plan, _ := autodiff.NewPlan(2, need)

	g := G.NewGraph()
	mat := func(name string, r, c int, v ...float64) *G.Node {
		return G.NewMatrix(g, tensor.Float64, G.WithShape(r, c), G.WithName(name),
			G.WithValue(tensor.New(tensor.WithShape(r, c), tensor.WithBacking(v))))
	}
	X := mat("X", 1, 2, 1, 2)
	ex, ey := mat("ex", 2, 1, 1, 0), mat("ey", 2, 1, 0, 1)
	sin, _ := autodiff.Lookup("sin")

	var jets []autodiff.Jet
	for i, d := range plan.Directions() {
		in := autodiff.Const(X, d.Order)
		in.C[1] = mat(fmt.Sprint("v", i), 1, 2, d.V...)
		x, _ := autodiff.MatMul(in, ex) // x = X·e_x: linear, so its jet is exact
		y, _ := autodiff.MatMul(in, ey)
		x2y, _ := autodiff.Mul(x, x)
		x2y, _ = autodiff.Mul(x2y, y)
		sx, _ := autodiff.Apply(x, sin)
		u, _ := autodiff.Add(x2y, sx)
		jets = append(jets, u)
	}
	vals := make([]G.Value, len(need))
	for i, alpha := range need {
		terms, _ := plan.Readout(alpha)
		var acc *G.Node
		for _, t := range terms {
			term, _ := G.HadamardProd(G.NewConstant(t.Coef), jets[t.Dir].C[t.Order])
			if acc == nil {
				acc = term
			} else {
				acc, _ = G.Add(acc, term)
			}
		}
		G.Read(acc, &vals[i])
	}
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		fmt.Println(err)
		return
	}
	for i, alpha := range need {
		fmt.Printf("d%v u = %.6f\n", alpha, vals[i].Data().([]float64)[0])
	}
	// Output:
	// d[1 0] u = 4.540302
	// d[1 1] u = 2.000000
	// d[2 1] u = 2.000000
}
