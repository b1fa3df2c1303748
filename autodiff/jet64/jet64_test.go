package jet64_test

import (
	"math"
	"testing"

	"github.com/gopinn/gopinn/autodiff"
	"github.com/gopinn/gopinn/autodiff/jet64"
)

// TestIdentities checks the reference against identities that hold exactly
// (to rounding, 1e-12 relative): f applied to the identity path gives the
// tower itself; (a·b)/b = a; exp(log a) = a; sin² + cos² = 1.
func TestIdentities(t *testing.T) {
	const K = 7
	a := jet64.Jet{0.7, 0.3, -0.2, 0.5, 0.1, -0.4, 0.25, 0.05}
	b := jet64.Jet{1.3, -0.6, 0.4, 0.2, -0.3, 0.1, 0.6, -0.2}
	near := func(name string, got, want jet64.Jet) {
		t.Helper()
		for k := range want {
			if math.Abs(got[k]-want[k]) > 1e-12*math.Max(1, math.Abs(want[k])) {
				t.Errorf("%s: C[%d] = %v, want %v", name, k, got[k], want[k])
			}
		}
	}
	tanh, _ := autodiff.Lookup("tanh")
	near("tanh(x + s)", jet64.Apply(jet64.Var(0.4, 1, K), tanh), tanh.Float64(0.4, K))
	near("(a·b)/b", jet64.Div(jet64.Mul(a, b), b), a)
	exp, _ := autodiff.Lookup("exp")
	log, _ := autodiff.Lookup("log")
	near("exp(log b)", jet64.Apply(jet64.Apply(b, log), exp), b)
	sin, _ := autodiff.Lookup("sin")
	cos, _ := autodiff.Lookup("cos")
	s, c := jet64.Apply(a, sin), jet64.Apply(a, cos)
	near("sin²+cos²", jet64.Add(jet64.Mul(s, s), jet64.Mul(c, c)), jet64.Const(1, K))
	near("b^2", jet64.Pow(b, 2), jet64.Mul(b, b))
	near("sqrt(b)²", jet64.Pow(jet64.Pow(b, 0.5), 2), b)
}
