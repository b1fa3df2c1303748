package autodiff_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/gopinn/gopinn/autodiff"
)

// lapInput is the forward-Laplacian input over all n inputs of X: C1[i] is
// the constant e_i per row, no second-order stream.
func lapInput(g *G.ExprGraph, X *G.Node, N, n int) autodiff.LapJet {
	in := autodiff.LapJet{C0: X, C1: make([]*G.Node, n)}
	for i := range n {
		e := make([]float64, N*n)
		for r := range N {
			e[r*n+i] = 1
		}
		in.C1[i] = input(g, X.Dtype(), fmt.Sprintf("lapE%d", i), N, n, e)
	}
	return in
}

// TestLapJet compares the collapsed Laplacian of a tanh MLP, and of products
// and sums built on it, with the sum of pure second derivatives from
// ordinary jets along e_i: tolerance 1e-12 relative to max(1, |Δu|).
func TestLapJet(t *testing.T) {
	const N, n = 6, 3
	rng := rand.New(rand.NewPCG(21, 22))
	net := newMLP(rng, "tanh", n, 8, 8, 1)
	g := G.NewGraph()
	X := input(g, tensor.Float64, "X", N, n, uniform(rng, N*n, -1, 1))
	W, B := net.nodes(g, tensor.Float64)
	s := G.NewScalar(g, tensor.Float64, G.WithName("s"), G.WithValue(0.8))
	tw, _ := autodiff.Lookup("sin")

	// Forward Laplacian: u, then w = sin(u)·u - 0.5·s·u + 3u.
	lapNet := func(a autodiff.LapJet) (autodiff.LapJet, error) {
		var err error
		for l := range W {
			if a, err = autodiff.LapMatMul(a, W[l]); err != nil {
				return a, err
			}
			if a, err = autodiff.LapAddBias(a, B[l]); err != nil {
				return a, err
			}
			if l+1 < len(W) {
				if a, err = autodiff.LapApply(a, mustTower("tanh")); err != nil {
					return a, err
				}
			}
		}
		return a, nil
	}
	u, err := lapNet(lapInput(g, X, N, n))
	if err != nil {
		t.Fatal(err)
	}
	su, err := autodiff.LapApply(u, tw)
	if err != nil {
		t.Fatal(err)
	}
	w, err := autodiff.LapMul(su, u)
	if err != nil {
		t.Fatal(err)
	}
	hs, err := autodiff.LapMulNode(u, s)
	if err != nil {
		t.Fatal(err)
	}
	if hs, err = autodiff.LapScale(hs, 0.5); err != nil {
		t.Fatal(err)
	}
	if w, err = autodiff.LapSub(w, hs); err != nil {
		t.Fatal(err)
	}
	u3, err := autodiff.LapScale(u, 3)
	if err != nil {
		t.Fatal(err)
	}
	if w, err = autodiff.LapAdd(w, u3); err != nil {
		t.Fatal(err)
	}
	watchNode(u.S2)
	watchNode(w.S2)

	// Reference: the same with 2-jets along each e_i.
	need := make([]autodiff.MultiIndex, n)
	for i := range need {
		need[i] = make(autodiff.MultiIndex, n)
		need[i][i] = 2
	}
	p, err := autodiff.NewPlan(n, need)
	if err != nil {
		t.Fatal(err)
	}
	var refU, refW []*G.Node
	jets, err := directionJets(g, tensor.Float64, X, N, p, func(a autodiff.Jet) (autodiff.Jet, error) {
		u, err := net.jet(a, W, B)
		if err != nil {
			return u, err
		}
		su, err := autodiff.Apply(u, tw)
		if err != nil {
			return u, err
		}
		w, err := autodiff.Mul(su, u)
		if err != nil {
			return u, err
		}
		hs, err := autodiff.MulNode(u, s)
		if err != nil {
			return u, err
		}
		if hs, err = autodiff.Scale(hs, 0.5); err != nil {
			return u, err
		}
		if w, err = autodiff.Sub(w, hs); err != nil {
			return u, err
		}
		u3, err := autodiff.Scale(u, 3)
		if err != nil {
			return u, err
		}
		if w, err = autodiff.Add(w, u3); err != nil {
			return u, err
		}
		refU = append(refU, u.C[2])
		refW = append(refW, w.C[2])
		watchNode(u.C[2])
		watchNode(w.C[2])
		return u, nil
	})
	if err != nil || len(jets) != n {
		t.Fatal(err, len(jets))
	}
	if err := run(g); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		lap  *G.Node
		ref  []*G.Node
	}{{"u", u.S2, refU}, {"w", w.S2, refW}} {
		got := values(c.lap)
		worst := 0.0
		for r := range N {
			want := 0.0
			for _, x := range c.ref {
				want += values(x)[r]
			}
			e := math.Abs(got[r]-want) / math.Max(1, math.Abs(want))
			worst = math.Max(worst, e)
			if e > 1e-12 {
				t.Errorf("Δ%s at point %d: %v, sum of pure second derivatives %v", c.name, r, got[r], want)
			}
		}
		t.Logf("Δ%s: max relative error %.2g", c.name, worst)
	}
}

func mustTower(name string) autodiff.Tower {
	t, ok := autodiff.Lookup(name)
	if !ok {
		panic(name)
	}
	return t
}
