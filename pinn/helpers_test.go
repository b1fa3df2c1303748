package pinn

import (
	"testing"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
)

func mustResolve(t testing.TB, src string, s *expr.Scope) expr.Expr {
	t.Helper()
	e, err := expr.Parse(src)
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	r, err := expr.Resolve(e, s)
	if err != nil {
		t.Fatalf("resolve %q: %v", src, err)
	}
	return r
}

func box(names []string, lo, hi []float64) []pde.Variable {
	var vs []pde.Variable
	for i, n := range names {
		vs = append(vs, pde.Variable{Name: n, Lo: lo[i], Hi: hi[i]})
	}
	return vs
}

// poisson2D is -lap(u) = 2 pi^2 sin(pi x) sin(pi y) on the unit square with
// u = 0 on the boundary; exact u = sin(pi x) sin(pi y).
func poisson2D(t testing.TB, points, bpoints int) *pde.Problem {
	sc := &expr.Scope{Variables: []string{"x", "y"}, Fields: []string{"u"}}
	p := &pde.Problem{Name: "poisson2d", Variables: box([]string{"x", "y"}, []float64{0, 0}, []float64{1, 1}), Fields: []string{"u"}}
	p.Equations = []pde.Term{{Name: "pde", Residual: mustResolve(t, "lap(u) + 2*pi^2*sin(pi*x)*sin(pi*y)", sc),
		Points: points, Sampler: pde.SamplerConfig{Type: "sobol"}, ResampleEvery: 100, Weight: 1}}
	p.Conditions = []pde.Condition{{Term: pde.Term{Name: "edge", Residual: mustResolve(t, "u", sc), Points: bpoints, Weight: 1},
		On:   []pde.Face{{Var: "x", Value: 0, Side: -1}, {Var: "x", Value: 1, Side: 1}, {Var: "y", Value: 0, Side: -1}, {Var: "y", Value: 1, Side: 1}},
		Type: "dirichlet", Field: "u"}}
	p.Exact = map[string]expr.Expr{"u": mustResolve(t, "sin(pi*x)*sin(pi*y)", &expr.Scope{Variables: []string{"x", "y"}})}
	return p
}

// heat1D is u_t = u_xx/pi^2 on [0,1]x[0,1], u(x,0) = sin(pi x), u(0,t) =
// u(1,t) = 0; exact u = exp(-t) sin(pi x).
func heat1D(t testing.TB) *pde.Problem {
	sc := &expr.Scope{Variables: []string{"x", "t"}, Fields: []string{"u"}}
	p := &pde.Problem{Name: "heat1d", Variables: box([]string{"x", "t"}, []float64{0, 0}, []float64{1, 1}), Fields: []string{"u"}}
	p.Equations = []pde.Term{{Name: "pde", Residual: mustResolve(t, "u_t - u_xx/pi^2", sc), Points: 400, Sampler: pde.SamplerConfig{Type: "sobol"}, ResampleEvery: 100, Weight: 1}}
	p.Conditions = []pde.Condition{
		{Term: pde.Term{Name: "ic", Residual: mustResolve(t, "u - sin(pi*x)", sc), Points: 100, Weight: 1}, On: []pde.Face{{Var: "t", Value: 0, Side: -1}}},
		{Term: pde.Term{Name: "walls", Residual: mustResolve(t, "u", sc), Points: 100, Weight: 1}, On: []pde.Face{{Var: "x", Value: 0, Side: -1}, {Var: "x", Value: 1, Side: 1}}, Type: "dirichlet", Field: "u"},
	}
	p.Exact = map[string]expr.Expr{"u": mustResolve(t, "exp(-t)*sin(pi*x)", &expr.Scope{Variables: []string{"x", "t"}})}
	return p
}

// thirdOrderODE is u”' = -pi^3 cos(pi x) on [0, 1] with u(0) = 0, u'(0) =
// pi, u'(1) = -pi (value and slope conditions); exact u = sin(pi x).
func thirdOrderODE(t testing.TB) *pde.Problem {
	sc := &expr.Scope{Variables: []string{"x"}, Fields: []string{"u"}}
	p := &pde.Problem{Name: "ode3", Variables: box([]string{"x"}, []float64{0}, []float64{1}), Fields: []string{"u"}}
	p.Equations = []pde.Term{{Name: "ode", Residual: mustResolve(t, "u_xxx + pi^3*cos(pi*x)", sc), Points: 200, Sampler: pde.SamplerConfig{Type: "sobol"}, ResampleEvery: 100, Weight: 1}}
	p.Conditions = []pde.Condition{
		{Term: pde.Term{Name: "value0", Residual: mustResolve(t, "u", sc), Points: 1, Weight: 1}, On: []pde.Face{{Var: "x", Value: 0, Side: -1}}},
		{Term: pde.Term{Name: "slope0", Residual: mustResolve(t, "u_x - pi", sc), Points: 1, Weight: 1}, On: []pde.Face{{Var: "x", Value: 0, Side: -1}}},
		{Term: pde.Term{Name: "slope1", Residual: mustResolve(t, "u_x + pi", sc), Points: 1, Weight: 1}, On: []pde.Face{{Var: "x", Value: 1, Side: 1}}},
	}
	p.Exact = map[string]expr.Expr{"u": mustResolve(t, "sin(pi*x)", &expr.Scope{Variables: []string{"x"}})}
	return p
}

// fdLossGrad is the central finite difference (step 1e-6) of the program's
// loss with respect to theta[i], the other parameters fixed.
func fdLossGrad(p *program, theta []float64, i int) float64 {
	tmp := make([]float64, len(theta))
	obj := func(s float64) float64 {
		th := append([]float64(nil), theta...)
		th[i] = s
		f, _ := p.run(th, tmp)
		return f
	}
	return fd.Derivative(obj, theta[i], &fd.Settings{Formula: fd.Central, Step: 1e-6})
}
