// Package jet64 is the plain float64 reference implementation of the jet
// arithmetic of package autodiff, on scalars. It shares the conventions of
// autodiff.Jet (derivative convention: J[k] = d^k/ds^k f(x(s)) at s = 0) and
// the Bell coefficients, and serves as the test oracle for graph versions
// (autodiff's own tests, and network code built on it).
package jet64

import (
	"github.com/gopinn/gopinn/autodiff"
)

// Jet is a truncated Taylor series in derivative convention; len = K+1.
type Jet []float64

// Order returns K.
func (a Jet) Order() int { return len(a) - 1 }

// Const is the jet of a constant.
func Const(x float64, K int) Jet {
	j := make(Jet, K+1)
	j[0] = x
	return j
}

// Var is the input jet (x, v, 0, ..., 0) of a pure directional derivative.
func Var(x, v float64, K int) Jet {
	j := Const(x, K)
	if K >= 1 {
		j[1] = v
	}
	return j
}

// Add returns a + b.
func Add(a, b Jet) Jet {
	out := make(Jet, len(a))
	for i := range a {
		out[i] = a[i] + b[i]
	}
	return out
}

// Sub returns a - b.
func Sub(a, b Jet) Jet {
	out := make(Jet, len(a))
	for i := range a {
		out[i] = a[i] - b[i]
	}
	return out
}

// Neg returns -a.
func Neg(a Jet) Jet { return Scale(a, -1) }

// Scale returns c·a.
func Scale(a Jet, c float64) Jet {
	out := make(Jet, len(a))
	for i := range a {
		out[i] = c * a[i]
	}
	return out
}

// AddConst returns a + c.
func AddConst(a Jet, c float64) Jet {
	out := append(Jet(nil), a...)
	out[0] += c
	return out
}

// Mul returns a·b by Leibniz' rule.
func Mul(a, b Jet) Jet {
	out := make(Jet, len(a))
	for n := range a {
		for k := 0; k <= n; k++ {
			out[n] += binom(n, k) * a[k] * b[n-k]
		}
	}
	return out
}

// Div returns a/b by the quotient recurrence
// q_n = (a_n - Σ_{k<n} binom(n,k) q_k b_{n-k}) / b_0.
func Div(a, b Jet) Jet {
	out := make(Jet, len(a))
	for n := range a {
		s := a[n]
		for k := range n {
			s -= binom(n, k) * out[k] * b[n-k]
		}
		out[n] = s / b[0]
	}
	return out
}

// Compose pushes a through a function whose derivatives at a[0] are
// d[0..K], by Faà di Bruno's formula with partial Bell polynomials.
func Compose(a Jet, d []float64) Jet {
	K := a.Order()
	out := make(Jet, K+1)
	out[0] = d[0]
	for n := 1; n <= K; n++ {
		for k := 1; k <= n; k++ {
			if d[k] == 0 {
				continue
			}
			inner := 0.0
			for _, t := range autodiff.BellCoefficients(n, k) {
				p := t.Coef
				for j, m := range t.Mult {
					for range m {
						p *= a[j+1]
					}
				}
				inner += p
			}
			out[n] += d[k] * inner
		}
	}
	return out
}

// Apply pushes a through the elementwise function of tower t.
func Apply(a Jet, t autodiff.Tower) Jet { return Compose(a, t.Float64(a[0], a.Order())) }

// Pow returns a^p.
func Pow(a Jet, p float64) Jet { return Apply(a, autodiff.PowerTower(p)) }

func binom(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}
