package compiler

import (
	"math"
	"testing"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pinn/internal/testprob"
)

// TestCompiledFunctionsMatchFloat64 compiles expressions of a field u
// through the graph (operators, every built-in function, numeric and
// non-numeric powers) and compares them with the float64 evaluator at the
// network's own values of u. Tolerance 1e-12 relative: both are float64
// evaluations of the same formula.
func TestCompiledFunctionsMatchFloat64(t *testing.T) {
	prob := &pde.Problem{Name: "p", Variables: testprob.Box([]string{"x", "y"}, []float64{0.5, 1}, []float64{1.5, 2}), Fields: []string{"u"}}
	cfg := NewConfig(Settings{Seed: 7, Model: pde.Model{Layers: []int{6}}})
	pts := []float64{0.6, 1.2, 0.9, 1.7, 1.4, 1.1}
	base, _, _ := evalResidual(t, prob, cfg, "u", pts)
	srcs := []string{
		"u + 2", "2 - u", "3*u", "u/4", "1/(2 + u)", "u*x - y/u", "-u^2", "u^3", "u^4", "(1+u^2)^2.5", "2^u", "x^u",
		"sin(u)", "cos(u)", "tan(u/3)", "exp(u)", "log(2 + u)", "sqrt(2 + u)", "abs(u)", "tanh(u)", "sinh(u)", "cosh(u)",
		"arctan(u)", "sigmoid(u)", "min(u, 0.1)", "max(u, x - 1)", "sin(x)*u + exp(-y)", "2*3*u", "u + 2^3", "(1 - 4)*u/(2*2)",
	}
	for _, src := range srcs {
		got, _, _ := evalResidual(t, prob, cfg, src, pts)
		e := testprob.MustResolve(t, src, &expr.Scope{Variables: []string{"x", "y"}, Fields: []string{"u"}})
		for i := range got {
			want, err := expr.Eval(e, []string{"x", "y", "u"}, []float64{pts[2*i], pts[2*i+1], base[i]})
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			if d := math.Abs(got[i]-want) / (1 + math.Abs(want)); d > 1e-12 {
				t.Errorf("%s at point %d: graph %.15g, float64 %.15g", src, i, got[i], want)
			}
		}
	}
}

// TestScalarMethod: stde on scalar variables is exact when it would draw
// every coordinate, and a clear error otherwise.
func TestScalarMethod(t *testing.T) {
	prob := &pde.Problem{Variables: testprob.Box([]string{"x", "y", "t"}, []float64{0, 0, 0}, []float64{1, 1, 1})}
	cases := []struct {
		d  pde.Derivatives
		ok bool
	}{
		{pde.Derivatives{}, true},
		{pde.Derivatives{Method: "taylor"}, true},
		{pde.Derivatives{Method: "stde"}, true}, // default 16 samples >= 2 space variables
		{pde.Derivatives{Method: "stde", Samples: 2, Estimator: "sparse"}, true},
		{pde.Derivatives{Method: "stde", Samples: 1}, false},
		{pde.Derivatives{Method: "stde", Samples: 4, Estimator: "gaussian"}, false},
		{pde.Derivatives{Method: "magic"}, false},
	}
	for _, c := range cases {
		if err := checkScalarMethod(prob, c.d); (err == nil) != c.ok {
			t.Errorf("%+v: err = %v, want ok = %v", c.d, err, c.ok)
		}
	}
}
