package pinn

import (
	"math"
	"testing"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
)

func TestDebugGrad(t *testing.T) {
	sc := &expr.Scope{Variables: []string{"x", "y"}, Fields: []string{"u"}}
	prob := &pde.Problem{Name: "p", Variables: []pde.Variable{{Name: "x", Lo: 0, Hi: 1}, {Name: "y", Lo: 0, Hi: 1}}, Fields: []string{"u"}}
	prob.Equations = []pde.Term{{Name: "pde", Residual: mustResolve(t, "lap(u) + 2*pi^2*sin(pi*x)*sin(pi*y)", sc), Points: 20, Weight: 1}}
	prob.Conditions = []pde.Condition{{Term: pde.Term{Name: "edge", Residual: mustResolve(t, "u - 0", sc), Points: 8, Weight: 1},
		On: []pde.Face{{Var: "x", Value: 0, Side: -1}, {Var: "y", Value: 1, Side: 1}}, Type: "dirichlet", Field: "u"}}
	cfg := newConfig(Options{Seed: 1, Model: pde.Model{Layers: []int{5, 5}}})
	p, err := newProgram(prob, cfg)
	if err != nil {
		t.Fatal(err)
	}
	theta := p.initTheta()
	g := make([]float64, len(theta))
	f0, err := p.run(theta, g)
	if err != nil {
		t.Fatal(err)
	}
	g0 := append([]float64(nil), g...)
	tmp := make([]float64, len(theta))
	h := 1e-6
	bad := 0
	for i := range theta {
		th := append([]float64(nil), theta...)
		th[i] += h
		fp, _ := p.run(th, tmp)
		th[i] -= 2 * h
		fm, _ := p.run(th, tmp)
		fd := (fp - fm) / (2 * h)
		if math.Abs(fd-g0[i]) > 1e-4*(1+math.Abs(fd)) {
			bad++
			if bad < 10 {
				t.Errorf("param %d: grad %g fd %g (f0 %g)", i, g0[i], fd, f0)
			}
		}
	}
	t.Logf("loss %g, %d/%d bad", f0, bad, len(theta))
}

func TestDebugGradRepeat(t *testing.T) {
	sc := &expr.Scope{Variables: []string{"x", "y"}, Fields: []string{"u"}}
	prob := &pde.Problem{Name: "p", Variables: []pde.Variable{{Name: "x", Lo: 0, Hi: 1}, {Name: "y", Lo: 0, Hi: 1}}, Fields: []string{"u"}}
	prob.Equations = []pde.Term{{Name: "pde", Residual: mustResolve(t, "lap(u) + 2*pi^2*sin(pi*x)*sin(pi*y)", sc), Points: 20, Weight: 1}}
	cfg := newConfig(Options{Seed: 1, Model: pde.Model{Layers: []int{5, 5}}})
	p, err := newProgram(prob, cfg)
	if err != nil {
		t.Fatal(err)
	}
	theta := p.initTheta()
	g1 := make([]float64, len(theta))
	g2 := make([]float64, len(theta))
	p.run(theta, g1)
	p.run(theta, g2)
	p.run(theta, g2)
	for i := range g1 {
		if g1[i] != g2[i] {
			t.Fatalf("grad %d differs between runs: %g vs %g", i, g1[i], g2[i])
		}
	}
}
