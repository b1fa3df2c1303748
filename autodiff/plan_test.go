package autodiff_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/gopinn/gopinn/autodiff"
)

type monomial struct {
	c float64
	e []int
}

// polyDeriv is the exact ∂^alpha of Σ c x^e at x.
func polyDeriv(ms []monomial, alpha autodiff.MultiIndex, x []float64) float64 {
	sum := 0.0
	for _, m := range ms {
		v := m.c
		for i, e := range m.e {
			a := alpha[i]
			if a > e {
				v = 0
				break
			}
			for j := range a {
				v *= float64(e - j)
			}
			v *= math.Pow(x[i], float64(e-a))
		}
		sum += v
	}
	return sum
}

// selector returns the (n, 1) constant picking column i: x_i = X·E_i is
// linear, so its jet is exact (unlike Slice, whose higher-order rules are
// wrong in Gorgonia v0.9.18).
func selector(g *G.ExprGraph, dt tensor.Dtype, n, i int) *G.Node {
	e := make([]float64, n)
	e[i] = 1
	return input(g, dt, fmt.Sprintf("E%d", i), n, 1, e)
}

// polyJet builds Σ c x^e from the jet of X with Mul/Scale/Add only.
func polyJet(in autodiff.Jet, sel []*G.Node, ms []monomial) (autodiff.Jet, error) {
	var xs []autodiff.Jet
	for _, s := range sel {
		x, err := autodiff.MatMul(in, s)
		if err != nil {
			return x, err
		}
		xs = append(xs, x)
	}
	var sum autodiff.Jet
	for mi, m := range ms {
		var term autodiff.Jet
		first := true
		for i, e := range m.e {
			for range e {
				var err error
				if first {
					term, first = xs[i], false
				} else if term, err = autodiff.Mul(term, xs[i]); err != nil {
					return term, err
				}
			}
		}
		term, err := autodiff.Scale(term, m.c)
		if err != nil {
			return term, err
		}
		if mi == 0 {
			sum = term
		} else if sum, err = autodiff.Add(sum, term); err != nil {
			return sum, err
		}
	}
	return sum, nil
}

var polys = map[int][]monomial{
	2: {{1, []int{3, 1}}, {2, []int{2, 2}}, {-1, []int{0, 4}}, {0.5, []int{1, 0}},
		{1.5, []int{4, 0}}, {-0.7, []int{1, 2}}, {0.4, []int{3, 2}}, {0.3, []int{1, 4}}},
	3: {{1, []int{1, 1, 2}}, {-2, []int{2, 1, 1}}, {0.3, []int{0, 0, 3}}, {1, []int{1, 1, 1}},
		{0.25, []int{0, 2, 2}}, {0.2, []int{2, 1, 2}}, {-0.6, []int{3, 0, 1}}, {0.9, []int{0, 4, 1}}, {0.7, []int{1, 0, 0}}},
}

// TestPlanPolynomial reads every partial of order 1..4 of polynomials in 2
// and 3 inputs out of a plan and compares with the exact derivatives:
// tolerance 1e-10 relative to max(1, |exact|).
func TestPlanPolynomial(t *testing.T) {
	const N = 5
	for _, n := range []int{2, 3} {
		t.Run(fmt.Sprintf("n=%d", n), func(t *testing.T) {
			need := allIndices(n, 4)
			p, err := autodiff.NewPlan(n, need)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(7, uint64(n)))
			xs := uniform(rng, N*n, -1, 1)
			g := G.NewGraph()
			X := input(g, tensor.Float64, "X", N, n, xs)
			sel := make([]*G.Node, n)
			for i := range sel {
				sel[i] = selector(g, tensor.Float64, n, i)
			}
			jets, err := directionJets(g, tensor.Float64, X, N, p, func(a autodiff.Jet) (autodiff.Jet, error) {
				return polyJet(a, sel, polys[n])
			})
			if err != nil {
				t.Fatal(err)
			}
			outs := make([]*G.Node, len(need))
			for i, alpha := range need {
				if outs[i], err = readout(p, jets, alpha); err != nil {
					t.Fatal(err)
				}
				watchNode(outs[i])
			}
			if err := run(g); err != nil {
				t.Fatal(err)
			}
			worst := 0.0
			for i, alpha := range need {
				got := values(outs[i])
				for r := range N {
					want := polyDeriv(polys[n], alpha, xs[r*n:(r+1)*n])
					e := math.Abs(got[r]-want) / math.Max(1, math.Abs(want))
					worst = math.Max(worst, e)
					if e > 1e-10 {
						t.Errorf("∂%v at point %d: %v, want %v", alpha, r, got[r], want)
					}
				}
			}
			t.Logf("%d partials from %d directional jets; max relative error %.2g", len(need), len(p.Directions()), worst)
		})
	}
}

// centralDiff is the tensor product of centered m-th differences
// δ^m f = Σ_j (-1)^j C(m,j) f(x + (m/2 - j) h) / h^m, error O(h²).
func centralDiff(f func([]float64) float64, x []float64, alpha autodiff.MultiIndex, h float64) float64 {
	var rec func(i int, y []float64) float64
	rec = func(i int, y []float64) float64 {
		if i == len(alpha) {
			return f(y)
		}
		m := alpha[i]
		if m == 0 {
			return rec(i+1, y)
		}
		sum := 0.0
		for j := 0; j <= m; j++ {
			c := binom(m, j)
			if j%2 == 1 {
				c = -c
			}
			z := append([]float64(nil), y...)
			z[i] += (float64(m)/2 - float64(j)) * h
			sum += c * rec(i+1, z)
		}
		return sum / math.Pow(h, float64(m))
	}
	return rec(0, x)
}

func binom(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}

// TestPlanMLP reads every partial of order 1..4 of a random tanh MLP out of a
// plan and compares with finite differences at their truncation floor:
// orders 1-2 with gonum fd (Derivative with Central, Hessian with Central and
// step 1e-4)
// and tensor-product centered differences (h = 1e-4), tolerance 1e-6;
// orders 3-4 with centered differences (h = 5e-3: O(h²) truncation ~1e-5,
// rounding ~16ε/h⁴ ~ 3e-6), tolerance 1e-3; all relative to max(1, |fd|).
func TestPlanMLP(t *testing.T) {
	const N = 4
	for _, n := range []int{2, 3} {
		t.Run(fmt.Sprintf("n=%d", n), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(11, uint64(n)))
			net := newMLP(rng, "tanh", n, 8, 8, 1)
			need := allIndices(n, 4)
			p, err := autodiff.NewPlan(n, need)
			if err != nil {
				t.Fatal(err)
			}
			xs := uniform(rng, N*n, -1, 1)
			g := G.NewGraph()
			X := input(g, tensor.Float64, "X", N, n, xs)
			W, B := net.nodes(g, tensor.Float64)
			jets, err := directionJets(g, tensor.Float64, X, N, p, func(a autodiff.Jet) (autodiff.Jet, error) {
				return net.jet(a, W, B)
			})
			if err != nil {
				t.Fatal(err)
			}
			outs := make([]*G.Node, len(need))
			for i, alpha := range need {
				if outs[i], err = readout(p, jets, alpha); err != nil {
					t.Fatal(err)
				}
				watchNode(outs[i])
			}
			if err := run(g); err != nil {
				t.Fatal(err)
			}
			worst := map[int]float64{}
			for r := range N {
				x := xs[r*n : (r+1)*n]
				var hess mat.SymDense
				fd.Hessian(&hess, net.forward, x, &fd.Settings{Formula: fd.Central, Step: 1e-4})
				for i, alpha := range need {
					k := alpha.Order()
					got := values(outs[i])[r]
					var want float64
					tol := 1e-6
					switch {
					case k <= 2:
						want = centralDiff(net.forward, x, alpha, 1e-4)
						// Cross-check with gonum fd where it has a formula.
						var ij []int
						for v, a := range alpha {
							for range a {
								ij = append(ij, v)
							}
						}
						var ref float64
						if k == 1 {
							ref = fd.Derivative(func(s float64) float64 {
								y := append([]float64(nil), x...)
								y[ij[0]] += s
								return net.forward(y)
							}, 0, &fd.Settings{Formula: fd.Central})
						} else {
							ref = hess.At(ij[0], ij[1])
						}
						if e := math.Abs(got-ref) / math.Max(1, math.Abs(ref)); e > tol {
							t.Errorf("∂%v at point %d: %v, gonum fd %v", alpha, r, got, ref)
						}
					default:
						want = centralDiff(net.forward, x, alpha, 5e-3)
						tol = 1e-3
					}
					e := math.Abs(got-want) / math.Max(1, math.Abs(want))
					worst[k] = math.Max(worst[k], e)
					if e > tol {
						t.Errorf("∂%v at point %d: %v, finite differences %v (rel err %.2g)", alpha, r, got, want, e)
					}
				}
			}
			t.Logf("max relative error vs finite differences by order: 1: %.2g, 2: %.2g, 3: %.2g, 4: %.2g",
				worst[1], worst[2], worst[3], worst[4])
		})
	}
}

func TestPlanErrors(t *testing.T) {
	if _, err := autodiff.NewPlan(0, nil); err == nil {
		t.Error("n = 0 accepted")
	}
	if _, err := autodiff.NewPlan(2, []autodiff.MultiIndex{{1}}); err == nil {
		t.Error("wrong-length multi-index accepted")
	}
	if _, err := autodiff.NewPlan(2, []autodiff.MultiIndex{{-1, 2}}); err == nil {
		t.Error("negative count accepted")
	}
	p, err := autodiff.NewPlan(2, []autodiff.MultiIndex{{1, 1}, {0, 0}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Readout(autodiff.MultiIndex{2, 0}); err == nil {
		t.Error("unplanned read-out accepted")
	}
	// ∂xy from the 2-jets along e_x, e_y and e_x+e_y: u_xy = (D²[1,1] - D²[1,0] - D²[0,1]) / 2.
	if got := len(p.Directions()); got != 3 {
		t.Errorf("∂xy uses %d directions, want 3", got)
	}
}
