package autodiff

import (
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestInputMatMul: x·w and the gradient of sum((x·w)²) in w equal
// Gorgonia's Mul on the same values (1e-12), for products below and above
// the micro-kernel threshold, and the graph has fewer nodes (no gradient is
// built for x).
func TestInputMatMul(t *testing.T) {
	for _, sz := range [][3]int{{5, 7, 3}, {40, 300, 64}} {
		P, n, m := sz[0], sz[1], sz[2]
		r := rand.New(rand.NewPCG(uint64(P), 9))
		xv, wv := make([]float64, P*n), make([]float64, n*m)
		for i := range xv {
			xv[i] = r.NormFloat64()
		}
		for i := range wv {
			wv[i] = r.NormFloat64() / math.Sqrt(float64(n))
		}
		run := func(custom bool) (out, grad []float64, nodes int) {
			g := G.NewGraph()
			x := G.NewMatrix(g, G.Float64, G.WithShape(P, n), G.WithName("x"), G.WithValue(tensor.New(tensor.WithShape(P, n), tensor.WithBacking(append([]float64(nil), xv...)))))
			w := G.NewMatrix(g, G.Float64, G.WithShape(n, m), G.WithName("w"), G.WithValue(tensor.New(tensor.WithShape(n, m), tensor.WithBacking(append([]float64(nil), wv...)))))
			var y *G.Node
			var err error
			if custom {
				y, err = InputMatMul(x, w)
			} else {
				y, err = G.Mul(x, w)
			}
			if err != nil {
				t.Fatal(err)
			}
			cost := G.Must(G.Sum(G.Must(G.Square(y))))
			var yv G.Value
			G.Read(y, &yv)
			if _, err := G.Grad(cost, w); err != nil {
				t.Fatal(err)
			}
			vm := G.NewTapeMachine(g, G.BindDualValues(w))
			defer vm.Close()
			if err := vm.RunAll(); err != nil {
				t.Fatal(err)
			}
			gw, _ := w.Grad()
			return append([]float64(nil), yv.Data().([]float64)...), append([]float64(nil), gw.Data().([]float64)...), g.AllNodes().Len()
		}
		o1, g1, n1 := run(true)
		o2, g2, n2 := run(false)
		for i := range o1 {
			if math.Abs(o1[i]-o2[i]) > 1e-12*math.Max(1, math.Abs(o2[i])) {
				t.Fatalf("%v: out[%d] %v, Mul %v", sz, i, o1[i], o2[i])
			}
		}
		for i := range g1 {
			if math.Abs(g1[i]-g2[i]) > 1e-12*math.Max(1, math.Abs(g2[i])) {
				t.Fatalf("%v: grad[%d] %v, Mul %v", sz, i, g1[i], g2[i])
			}
		}
		if n1 >= n2 {
			t.Errorf("%v: %d graph nodes with InputMatMul, %d with Mul: the input gradient is still built", sz, n1, n2)
		}
	}
}
