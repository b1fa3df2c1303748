package autodiff_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/gopinn/gopinn/autodiff"
	"github.com/gopinn/gopinn/autodiff/jet64"
)

// randJet makes an input jet of shape (r, c) with C[0] drawn around points
// and random higher coefficients; if sparse, only C[1] is set (the others are
// structural zeros).
func randJet(g *G.ExprGraph, dt tensor.Dtype, rng *rand.Rand, name string, K, r, c int, points []float64, sparse bool) autodiff.Jet {
	x0 := make([]float64, r*c)
	for i := range x0 {
		x0[i] = points[i%len(points)] + 0.01*rng.Float64()
	}
	j := autodiff.Const(input(g, dt, name+"0", r, c, x0), K)
	for k := 1; k <= K; k++ {
		if sparse && k > 1 {
			break
		}
		j.C[k] = input(g, dt, fmt.Sprintf("%s%d", name, k), r, c, uniform(rng, r*c, -0.6, 0.6))
	}
	return j
}

// elem returns the jet64 of element e (structural zeros as 0).
func elem(j autodiff.Jet, e int) jet64.Jet {
	out := make(jet64.Jet, len(j.C))
	for k, n := range j.C {
		if n != nil {
			out[k] = values(n)[e]
		}
	}
	return out
}

// compareJets returns the largest |graph - ref| / max(1, max_e |ref_k|) over
// elements and orders.
func compareJets(t *testing.T, got autodiff.Jet, ref func(e int) jet64.Jet, size int) float64 {
	t.Helper()
	K := got.Order()
	refs := make([]jet64.Jet, size)
	for e := range refs {
		refs[e] = ref(e)
	}
	worst := 0.0
	for k := 0; k <= K; k++ {
		var g []float64
		if got.C[k] != nil {
			g = values(got.C[k])
		}
		scale := 1.0
		for e := range refs {
			scale = math.Max(scale, math.Abs(refs[e][k]))
		}
		for e := range refs {
			v := 0.0
			if g != nil {
				v = g[e%len(g)]
			}
			worst = math.Max(worst, math.Abs(v-refs[e][k])/scale)
		}
	}
	return worst
}

// TestJetVsJet64 pushes random full and sparse jets through products,
// quotients and every tower, K = 7, and compares with the float64 reference.
// Tolerances (relative to the largest reference coefficient of each order):
// 1e-10 in float64, 1e-4 in float32.
func TestJetVsJet64(t *testing.T) {
	const K, R, C = 7, 3, 4
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		tol := 1e-10
		if dt == tensor.Float32 {
			tol = 1e-4
		}
		for _, tc := range towerCases() {
			for _, sparse := range []bool{false, true} {
				name := fmt.Sprintf("%v/%s/sparse=%v", dt, tc.t.Name(), sparse)
				t.Run(name, func(t *testing.T) {
					rng := rand.New(rand.NewPCG(1, 2))
					g := G.NewGraph()
					a := randJet(g, dt, rng, "a", K, R, C, tc.points, sparse)
					b := randJet(g, dt, rng, "b", K, R, C, []float64{-0.8, 0.3, 0.9}, false)
					must := func(j autodiff.Jet, err error) autodiff.Jet {
						t.Helper()
						if err != nil {
							t.Fatal(err)
						}
						return j
					}
					fa := must(autodiff.Apply(a, tc.t))
					prod := must(autodiff.Mul(fa, b))
					den := must(autodiff.AddConst(must(autodiff.Mul(b, b)), 1.5))
					q := must(autodiff.Div(prod, den))
					e := must(autodiff.Sub(q, must(autodiff.Scale(a, 0.7))))
					e = must(autodiff.Add(e, must(autodiff.Neg(b))))
					watch(fa, e)
					if err := run(g); err != nil {
						t.Fatal(err)
					}
					ref := func(i int) jet64.Jet {
						ja, jb := elem(a, i), elem(b, i)
						fa := jet64.Apply(ja, tc.t)
						q := jet64.Div(jet64.Mul(fa, jb), jet64.AddConst(jet64.Mul(jb, jb), 1.5))
						return jet64.Add(jet64.Sub(q, jet64.Scale(ja, 0.7)), jet64.Neg(jb))
					}
					errApply := compareJets(t, fa, func(i int) jet64.Jet { return jet64.Apply(elem(a, i), tc.t) }, R*C)
					errAll := compareJets(t, e, ref, R*C)
					if errApply > tol || errAll > tol {
						t.Errorf("max scaled error: Apply %.3g, composition %.3g (tol %g)", errApply, errAll, tol)
					}
					t.Logf("max scaled error: Apply %.3g, composition %.3g", errApply, errAll)
				})
			}
		}
	}
}

// TestPow checks Pow, including integer powers of negative numbers, against
// jet64 to 1e-10 (scaled as in TestJetVsJet64).
func TestPow(t *testing.T) {
	const K = 6
	for _, p := range []float64{0, 1, 2, 3, -1, -2, 0.5, 2.5, -1.5} {
		pts := []float64{-1.2, -0.5, 0.7, 1.4}
		if p != math.Trunc(p) {
			pts = []float64{0.5, 0.9, 1.6}
		}
		t.Run(fmt.Sprint(p), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, 4))
			g := G.NewGraph()
			a := randJet(g, tensor.Float64, rng, "a", K, 2, 3, pts, false)
			got, err := autodiff.Pow(a, p)
			if err != nil {
				t.Fatal(err)
			}
			watch(got)
			if err := run(g); err != nil {
				t.Fatal(err)
			}
			worst := compareJets(t, got, func(i int) jet64.Jet {
				ja := elem(a, i)
				if p == 2 { // independent check: x² = x·x
					return jet64.Mul(ja, ja)
				}
				return jet64.Pow(ja, p)
			}, 6)
			if worst > 1e-10 {
				t.Errorf("max scaled error %.3g", worst)
			}
		})
	}
}

// TestMulNode checks a scalar parameter times matrix coefficients, its
// values and its gradient: d/ds Σ (s·C[k]) = Σ C[k].
func TestMulNode(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	g := G.NewGraph()
	a := randJet(g, tensor.Float64, rng, "a", 3, 2, 3, []float64{0.3, -0.2}, false)
	s := G.NewScalar(g, tensor.Float64, G.WithName("s"), G.WithValue(1.7))
	j, err := autodiff.MulNode(a, s)
	if err != nil {
		t.Fatal(err)
	}
	loss, err := G.Sum(j.C[2])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := G.Grad(loss, s); err != nil {
		t.Fatal(err)
	}
	if err := run(g, s); err != nil {
		t.Fatal(err)
	}
	want := 0.0
	for _, v := range values(a.C[2]) {
		want += v
	}
	gs, err := s.Grad()
	if err != nil {
		t.Fatal(err)
	}
	if got := float64(*gs.(*G.F64)); math.Abs(got-want) > 1e-12 {
		t.Errorf("d/ds = %v, want %v", got, want)
	}
	if got := values(loss)[0]; math.Abs(got-1.7*want) > 1e-12 {
		t.Errorf("value %v, want %v", got, 1.7*want)
	}
}
