package compiler

import (
	"math"
	"testing"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pinn/internal/testprob"
)

// extModels are the network variants beyond the plain MLP.
var extModels = []struct {
	name  string
	model pde.Model
}{
	{"fourier", pde.Model{Layers: []int{8, 8}, Activation: "tanh", Fourier: &pde.Fourier{Features: 6, Scale: 1}}},
	{"modified", pde.Model{Layers: []int{8, 8, 8}, Activation: "tanh", Architecture: "modified"}},
	{"modified+fourier", pde.Model{Layers: []int{8, 8}, Activation: "sin", Architecture: "modified", Fourier: &pde.Fourier{Features: 5, Scale: 0.8}}},
}

// d4 is the fourth-order central difference of f along axis with step h:
// (-f(x+2h) + 8 f(x+h) - 8 f(x-h) + f(x-2h)) / 12h.
func d4(f func([]float64) float64, axis int, h float64) func([]float64) float64 {
	return func(p []float64) float64 {
		at := func(s float64) float64 {
			q := append([]float64(nil), p...)
			q[axis] += s
			return f(q)
		}
		return (-at(2*h) + 8*at(h) - 8*at(-h) + at(-2*h)) / (12 * h)
	}
}

// dd4 is the fourth-order central second difference:
// (-f(x+2h) + 16 f(x+h) - 30 f(x) + 16 f(x-h) - f(x-2h)) / 12h^2.
func dd4(f func([]float64) float64, axis int, h float64) func([]float64) float64 {
	return func(p []float64) float64 {
		at := func(s float64) float64 {
			q := append([]float64(nil), p...)
			q[axis] += s
			return f(q)
		}
		return (-at(2*h) + 16*at(h) - 30*at(0) + 16*at(-h) - at(-2*h)) / (12 * h * h)
	}
}

// TestExtendedNetworkDerivatives checks the Taylor read-outs of the Fourier-
// feature and modified networks (pure, mixed, orders 1 to 3, with and
// without an output transform) against finite differences of the float64
// reference (forward64), at the tolerances of
// TestDerivativesMatchFiniteDifferences: 1e-12 for values, 1e-6 relative
// for first and second derivatives, 1e-4 for third. The Fourier features
// raise the higher derivatives that set the truncation error of fd's
// second-order formulas (measured 2-4e-6 here), so the reference uses
// fourth-order central differences (truncation ~h^4, about 1e-10 with
// h = 1e-3).
func TestExtendedNetworkDerivatives(t *testing.T) {
	prob := &pde.Problem{Name: "p", Variables: testprob.Box([]string{"x", "y"}, []float64{0, -1}, []float64{1, 3}), Fields: []string{"u"}}
	pts := []float64{0.2, 0.3, 0.5, 2.1, 0.9, -0.4}
	worst := map[int]float64{}
	defer func() { t.Logf("largest relative error by order: %v", worst) }()
	for _, net := range extModels {
		for _, transform := range []string{"", "x*(1-x)*N + sin(y)"} {
			cfg := NewConfig(Settings{Seed: 3, Model: net.model})
			if transform != "" {
				cfg.Model.Output = map[string]expr.Expr{"u": testprob.MustResolve(t, transform, &expr.Scope{Variables: []string{"x", "y"}, NetOutputs: []string{"N"}})}
			}
			type fn = func([]float64) float64
			cases := []struct {
				src   string
				order int
				ref   func(f fn, p []float64) float64
			}{
				{"u", 0, func(f fn, p []float64) float64 { return f(p) }},
				{"u_x", 1, func(f fn, p []float64) float64 { return d4(f, 0, 5e-4)(p) }},
				{"u_y", 1, func(f fn, p []float64) float64 { return d4(f, 1, 1e-3)(p) }},
				{"u_xx", 2, func(f fn, p []float64) float64 { return dd4(f, 0, 5e-4)(p) }},
				{"u_xy", 2, func(f fn, p []float64) float64 { return d4(d4(f, 0, 1e-3), 1, 1e-3)(p) }},
				{"lap(u)", 2, func(f fn, p []float64) float64 { return dd4(f, 0, 1e-3)(p) + dd4(f, 1, 1e-3)(p) }},
				{"u_xxy", 3, func(f fn, p []float64) float64 { return d4(dd4(f, 0, 1e-3), 1, 1e-2)(p) }},
				{"u_yyy", 3, func(f fn, p []float64) float64 { return d4(dd4(f, 1, 1e-3), 1, 1e-2)(p) }},
			}
			for _, c := range cases {
				got, m, theta := evalResidual(t, prob, cfg, c.src, pts)
				if m.net.Plain() {
					t.Fatalf("%s: network is plain", net.name)
				}
				f := func(p []float64) float64 { return m.predict64(theta, p)[0] }
				tol := map[int]float64{0: 1e-12, 1: 1e-6, 2: 1e-6, 3: 1e-4}[c.order]
				for i := 0; i < len(pts)/2; i++ {
					want := c.ref(f, pts[2*i:2*i+2])
					err := math.Abs(got[i]-want) / (1 + math.Abs(want))
					worst[c.order] = math.Max(worst[c.order], err)
					if err > tol {
						t.Errorf("%s, transform %q, %s at point %d: got %.12g, finite differences %.12g (rel err %.2e > %.0e)", net.name, transform, c.src, i, got[i], want, err, tol)
					}
				}
			}
		}
	}
}

// TestExtendedNetworkGradient checks the reverse pass through the new
// networks against central differences of the loss in every parameter
// (1e-5 relative, as TestGradientMatchesFiniteDifferences).
func TestExtendedNetworkGradient(t *testing.T) {
	sc := &expr.Scope{Variables: []string{"x", "y"}, Fields: []string{"u"}}
	prob := &pde.Problem{Name: "p", Variables: testprob.Box([]string{"x", "y"}, []float64{0, 0}, []float64{1, 1}), Fields: []string{"u"}}
	prob.Equations = []pde.Term{{Name: "pde", Residual: testprob.MustResolve(t, "lap(u) + u*u_x + 2*pi^2*sin(pi*x)*sin(pi*y)", sc), Points: 12, Weight: 1}}
	prob.Conditions = []pde.Condition{{Term: pde.Term{Name: "edge", Residual: testprob.MustResolve(t, "u - 0", sc), Points: 6, Weight: 3},
		On: []pde.Face{{Var: "x", Value: 0, Side: -1}, {Var: "y", Value: 1, Side: 1}}}}
	for _, net := range extModels {
		mc := net.model
		mc.Layers = []int{4, 4}
		cfg := NewConfig(Settings{Seed: 1, Model: mc})
		p, err := New(prob, cfg)
		if err != nil {
			t.Fatal(err)
		}
		checkGradientFD(t, net.name, p, p.InitTheta(), 1e-5)
	}
}

// TestExtendedNetworkLayout checks the flat layout: parameter count and a
// plain MLP's initial weights unchanged
// by the refactoring (same draws in the same order).
func TestExtendedNetworkLayout(t *testing.T) {
	prob := &pde.Problem{Name: "p", Variables: testprob.Box([]string{"x", "y"}, []float64{0, 0}, []float64{1, 1}), Fields: []string{"u", "v"}}
	count := func(mc pde.Model, seed uint64) (*model, []float64) {
		cfg := NewConfig(Settings{Seed: seed, Model: mc})
		m, err := newModel(prob, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return m, (&Program{model: m, cfg: cfg}).InitTheta()
	}
	m, _ := count(pde.Model{Layers: []int{5, 5}, Fourier: &pde.Fourier{Features: 3, Scale: 2}, Architecture: "modified"}, 1)
	// W0c, W0s, b0, W1, b1, W2, b2, Wuc, Wus, bu, Wvc, Wvs, bv
	want := 3*5 + 3*5 + 5 + 5*5 + 5 + 5*2 + 2 + 2*(3*5+3*5+5)
	if m.NumParams() != want {
		t.Errorf("modified+fourier: %d parameters, want %d", m.NumParams(), want)
	}
	// plain MLP: W0 ~ N(0, 2/(2+5)) and zero biases, drawn in layer order
	pm, th := count(pde.Model{Layers: []int{5, 5}}, 4)
	if !pm.net.Plain() || len(th) != 2*5+5+5*5+5+5*2+2 {
		t.Fatalf("plain MLP layout changed: %d parameters", len(th))
	}
	for i := 10; i < 15; i++ {
		if th[i] != 0 {
			t.Errorf("bias b0[%d] = %g, want 0", i-10, th[i])
		}
	}
	if _, err := newModel(prob, NewConfig(Settings{Model: pde.Model{Layers: []int{5, 6}, Architecture: "modified"}})); err == nil {
		t.Errorf("modified MLP with unequal widths: no error")
	}
}
