package pinn

import (
	"context"
	"testing"

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

func TestSmokePoisson(t *testing.T) {
	sc := &expr.Scope{Variables: []string{"x", "y"}, Fields: []string{"u"}}
	prob := &pde.Problem{Name: "p", Variables: []pde.Variable{{Name: "x", Lo: 0, Hi: 1}, {Name: "y", Lo: 0, Hi: 1}}, Fields: []string{"u"}}
	prob.Equations = []pde.Term{{Name: "pde", Residual: mustResolve(t, "lap(u) + 2*pi^2*sin(pi*x)*sin(pi*y)", sc), Points: 500, Sampler: pde.SamplerConfig{Type: "sobol"}, ResampleEvery: 100, Weight: 1}}
	bc := *sc
	bc.AllowDn = true
	prob.Conditions = []pde.Condition{{Term: pde.Term{Name: "edge", Residual: mustResolve(t, "u - 0", &bc), Points: 100, Weight: 1},
		On: []pde.Face{{Var: "x", Value: 0, Side: -1}, {Var: "x", Value: 1, Side: 1}, {Var: "y", Value: 0, Side: -1}, {Var: "y", Value: 1, Side: 1}}, Type: "dirichlet", Field: "u"}}
	prob.Exact = map[string]expr.Expr{"u": mustResolve(t, "sin(pi*x)*sin(pi*y)", &expr.Scope{Variables: []string{"x", "y"}})}
	opts := Options{Seed: 1, Model: pde.Model{Layers: []int{32, 32}}, Training: pde.Training{Stage: pde.Stage{Steps: 300, LR: 3e-3}},
		Evaluation: pde.Evaluation{Points: 1000, Every: 100}, OutDir: t.TempDir()}
	opts.Log = func(s string) { t.Log(s) }
	res, err := Train(context.Background(), prob, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", res.Summary)
}
