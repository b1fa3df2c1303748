package pinn

import (
	"math"
	"testing"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
	G "gorgonia.org/gorgonia"
)

func TestDebugLap(t *testing.T) {
	sc := &expr.Scope{Variables: []string{"x", "y"}, Fields: []string{"u"}}
	prob := &pde.Problem{Name: "p", Variables: []pde.Variable{{Name: "x", Lo: 0, Hi: 1}, {Name: "y", Lo: 0, Hi: 2}}, Fields: []string{"u"}}
	cfg := newConfig(Options{Seed: 3, Model: pde.Model{Layers: []int{8, 8}}})
	for _, src := range []string{"u", "d(u,x)", "d(u,y)", "d(u,x,x)", "d(u,y,y)", "d(u,x,y)", "lap(u)", "d(u,x,x,y)"} {
		m, _ := newModel(prob, cfg)
		b := newBatch(m, "b", 3)
		e := mustResolve(t, src, sc)
		if err := b.need(e); err != nil {
			t.Fatal(err)
		}
		r, err := b.residual(e)
		if err != nil {
			t.Fatal(err)
		}
		var v G.Value
		G.Read(r, &v)
		p := &program{model: m, cfg: cfg}
		theta := p.initTheta()
		m.setFlat(theta)
		pts := []float64{0.2, 0.3, 0.5, 1.1, 0.9, 0.1}
		b.feed(pts, nil)
		vm := G.NewTapeMachine(m.g)
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		got := getData(v, nil)
		// FD reference through forward64
		f := func(x, y float64) float64 {
			xn := []float64{(x - m.center[0]) / m.half[0], (y - m.center[1]) / m.half[1]}
			return m.net.forward64(theta, xn)[0]
		}
		h := 1e-3
		for i := 0; i < 3; i++ {
			x, y := pts[2*i], pts[2*i+1]
			var want float64
			switch src {
			case "u":
				want = f(x, y)
			case "d(u,x)":
				want = (f(x+h, y) - f(x-h, y)) / (2 * h)
			case "d(u,y)":
				want = (f(x, y+h) - f(x, y-h)) / (2 * h)
			case "d(u,x,x)":
				want = (f(x+h, y) - 2*f(x, y) + f(x-h, y)) / (h * h)
			case "d(u,y,y)":
				want = (f(x, y+h) - 2*f(x, y) + f(x, y-h)) / (h * h)
			case "d(u,x,y)":
				want = (f(x+h, y+h) - f(x+h, y-h) - f(x-h, y+h) + f(x-h, y-h)) / (4 * h * h)
			case "lap(u)":
				want = (f(x+h, y) - 2*f(x, y) + f(x-h, y) + f(x, y+h) - 2*f(x, y) + f(x, y-h)) / (h * h)
			case "d(u,x,x,y)":
				g := func(y float64) float64 { return (f(x+h, y) - 2*f(x, y) + f(x-h, y)) / (h * h) }
				want = (g(y+h) - g(y-h)) / (2 * h)
			}
			if math.Abs(got[i]-want) > 1e-3*(1+math.Abs(want)) {
				t.Errorf("%s at %d: got %g want %g", src, i, got[i], want)
			}
		}
	}
}
