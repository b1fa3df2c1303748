// Package testprob holds the problems and spec loaders that the tests of
// pinn and of its compiler share: small problems with exact solutions,
// built in Go, and specs loaded from YAML text.
package testprob

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
	"gonum.org/v1/gonum/diff/fd"
)

// MustResolve parses and resolves src in scope s, failing the test on an
// error.
func MustResolve(t testing.TB, src string, s *expr.Scope) expr.Expr {
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

// Box is the box domain names[i] in [lo[i], hi[i]].
func Box(names []string, lo, hi []float64) []pde.Variable {
	var vs []pde.Variable
	for i, n := range names {
		vs = append(vs, pde.Variable{Name: n, Lo: lo[i], Hi: hi[i]})
	}
	return vs
}

// Poisson2D is -lap(u) = 2 pi^2 sin(pi x) sin(pi y) on the unit square with
// u = 0 on the boundary; exact u = sin(pi x) sin(pi y).
func Poisson2D(t testing.TB, points, bpoints int) *pde.Problem {
	sc := &expr.Scope{Variables: []string{"x", "y"}, Fields: []string{"u"}}
	p := &pde.Problem{Name: "poisson2d", Variables: Box([]string{"x", "y"}, []float64{0, 0}, []float64{1, 1}), Fields: []string{"u"}}
	p.Equations = []pde.Term{{Name: "pde", Residual: MustResolve(t, "lap(u) + 2*pi^2*sin(pi*x)*sin(pi*y)", sc),
		Points: points, Sampler: pde.SamplerConfig{Type: "sobol"}, ResampleEvery: 100, Weight: 1}}
	p.Conditions = []pde.Condition{{Term: pde.Term{Name: "edge", Residual: MustResolve(t, "u", sc), Points: bpoints, Weight: 1},
		On:   []pde.Face{{Var: "x", Value: 0, Side: -1}, {Var: "x", Value: 1, Side: 1}, {Var: "y", Value: 0, Side: -1}, {Var: "y", Value: 1, Side: 1}},
		Type: "dirichlet", Field: "u"}}
	p.Exact = map[string]expr.Expr{"u": MustResolve(t, "sin(pi*x)*sin(pi*y)", &expr.Scope{Variables: []string{"x", "y"}})}
	return p
}

// Heat1D is u_t = u_xx/pi^2 on [0,1]x[0,1], u(x,0) = sin(pi x), u(0,t) =
// u(1,t) = 0; exact u = exp(-t) sin(pi x).
func Heat1D(t testing.TB) *pde.Problem {
	sc := &expr.Scope{Variables: []string{"x", "t"}, Fields: []string{"u"}}
	p := &pde.Problem{Name: "heat1d", Variables: Box([]string{"x", "t"}, []float64{0, 0}, []float64{1, 1}), Fields: []string{"u"}}
	p.Equations = []pde.Term{{Name: "pde", Residual: MustResolve(t, "u_t - u_xx/pi^2", sc), Points: 400, Sampler: pde.SamplerConfig{Type: "sobol"}, ResampleEvery: 100, Weight: 1}}
	p.Conditions = []pde.Condition{
		{Term: pde.Term{Name: "ic", Residual: MustResolve(t, "u - sin(pi*x)", sc), Points: 100, Weight: 1}, On: []pde.Face{{Var: "t", Value: 0, Side: -1}}},
		{Term: pde.Term{Name: "walls", Residual: MustResolve(t, "u", sc), Points: 100, Weight: 1}, On: []pde.Face{{Var: "x", Value: 0, Side: -1}, {Var: "x", Value: 1, Side: 1}}, Type: "dirichlet", Field: "u"},
	}
	p.Exact = map[string]expr.Expr{"u": MustResolve(t, "exp(-t)*sin(pi*x)", &expr.Scope{Variables: []string{"x", "t"}})}
	return p
}

// ThirdOrderODE is u”' = -pi^3 cos(pi x) on [0, 1] with u(0) = 0, u'(0) =
// pi, u'(1) = -pi (value and slope conditions); exact u = sin(pi x).
func ThirdOrderODE(t testing.TB) *pde.Problem {
	sc := &expr.Scope{Variables: []string{"x"}, Fields: []string{"u"}}
	p := &pde.Problem{Name: "ode3", Variables: Box([]string{"x"}, []float64{0}, []float64{1}), Fields: []string{"u"}}
	p.Equations = []pde.Term{{Name: "ode", Residual: MustResolve(t, "u_xxx + pi^3*cos(pi*x)", sc), Points: 200, Sampler: pde.SamplerConfig{Type: "sobol"}, ResampleEvery: 100, Weight: 1}}
	p.Conditions = []pde.Condition{
		{Term: pde.Term{Name: "value0", Residual: MustResolve(t, "u", sc), Points: 1, Weight: 1}, On: []pde.Face{{Var: "x", Value: 0, Side: -1}}},
		{Term: pde.Term{Name: "slope0", Residual: MustResolve(t, "u_x - pi", sc), Points: 1, Weight: 1}, On: []pde.Face{{Var: "x", Value: 0, Side: -1}}},
		{Term: pde.Term{Name: "slope1", Residual: MustResolve(t, "u_x + pi", sc), Points: 1, Weight: 1}, On: []pde.Face{{Var: "x", Value: 1, Side: 1}}},
	}
	p.Exact = map[string]expr.Expr{"u": MustResolve(t, "sin(pi*x)", &expr.Scope{Variables: []string{"x"}})}
	return p
}

// SpecText loads the spec src, written to a temporary spec.yaml.
func SpecText(t testing.TB, src string) *pde.Spec {
	t.Helper()
	return SpecFile(t, filepath.Join(t.TempDir(), "spec.yaml"), src)
}

// SpecFile writes src to path and loads it (data files beside it).
func SpecFile(t testing.TB, path, src string) *pde.Spec {
	t.Helper()
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	spec, err := pde.Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// FDDerivative is the central finite difference (step 1e-6) of loss with
// respect to theta[i], the other parameters fixed.
func FDDerivative(loss func(theta []float64) float64, theta []float64, i int) float64 {
	at := func(s float64) float64 {
		th := append([]float64(nil), theta...)
		th[i] = s
		return loss(th)
	}
	return fd.Derivative(at, theta[i], &fd.Settings{Formula: fd.Central, Step: 1e-6})
}

// Nonlinear1D is u_xx = u^3 + f on [0, 1], u(0) = u(1) = 0, with
// f = -pi^2 sin(pi x) - sin(pi x)^3: exact u = sin(pi x).
func Nonlinear1D(t testing.TB, points int) *pde.Problem {
	sc := &expr.Scope{Variables: []string{"x"}, Fields: []string{"u"}}
	p := &pde.Problem{Name: "nonlinear1d", Variables: Box([]string{"x"}, []float64{0}, []float64{1}), Fields: []string{"u"}}
	p.Equations = []pde.Term{{Name: "ode", Residual: MustResolve(t, "u_xx - u^3 + pi^2*sin(pi*x) + sin(pi*x)^3", sc),
		Points: points, Sampler: pde.SamplerConfig{Type: "grid"}, Weight: 1}}
	p.Conditions = []pde.Condition{{Term: pde.Term{Name: "ends", Residual: MustResolve(t, "u", sc), Points: 2, Weight: 1},
		On: []pde.Face{{Var: "x", Value: 0, Side: -1}, {Var: "x", Value: 1, Side: 1}}, Type: "dirichlet", Field: "u"}}
	p.Exact = map[string]expr.Expr{"u": MustResolve(t, "sin(pi*x)", &expr.Scope{Variables: []string{"x"}})}
	return p
}

// KSTwoSample is the two-sample Kolmogorov–Smirnov statistic of a and b
// (sup |F_a - F_b|) and its critical value at level 0.001,
// 1.949·sqrt((n+m)/(n·m)): two samples of one distribution exceed it once in
// a thousand tries.
func KSTwoSample(a, b []float64) (stat, crit float64) {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		x := min(a[i], b[j])
		for i < len(a) && a[i] <= x {
			i++
		}
		for j < len(b) && b[j] <= x {
			j++
		}
		stat = max(stat, math.Abs(float64(i)/float64(len(a))-float64(j)/float64(len(b))))
	}
	n, m := float64(len(a)), float64(len(b))
	return stat, 1.949 * math.Sqrt((n+m)/(n*m))
}
