package autodiff_test

import (
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/gopinn/gopinn/autodiff"
)

// residualLoss builds mean((u_xx + u_yy + 0.3 u_xy + 0.1 u_xxxy - 1)²) for
// the network from plan read-outs.
func residualLoss(g *G.ExprGraph, net *mlp, xs []float64, N int) (*G.Node, []*G.Node, error) {
	p, err := autodiff.NewPlan(2, []autodiff.MultiIndex{{2, 0}, {0, 2}, {1, 1}, {3, 1}})
	if err != nil {
		return nil, nil, err
	}
	X := input(g, tensor.Float64, "X", N, 2, xs)
	W, B := net.nodes(g, tensor.Float64)
	jets, err := directionJets(g, tensor.Float64, X, N, p, func(a autodiff.Jet) (autodiff.Jet, error) {
		return net.jet(a, W, B)
	})
	if err != nil {
		return nil, nil, err
	}
	var res *G.Node
	for i, c := range []struct {
		alpha autodiff.MultiIndex
		w     float64
	}{{autodiff.MultiIndex{2, 0}, 1}, {autodiff.MultiIndex{0, 2}, 1}, {autodiff.MultiIndex{1, 1}, 0.3}, {autodiff.MultiIndex{3, 1}, 0.1}} {
		d, err := readout(p, jets, c.alpha)
		if err != nil {
			return nil, nil, err
		}
		if d, err = G.HadamardProd(G.NewConstant(c.w), d); err != nil {
			return nil, nil, err
		}
		if i == 0 {
			res = d
		} else if res, err = G.Add(res, d); err != nil {
			return nil, nil, err
		}
	}
	if res, err = G.Sub(res, G.NewConstant(1.0)); err != nil {
		return nil, nil, err
	}
	sq, err := G.Square(res)
	if err != nil {
		return nil, nil, err
	}
	loss, err := G.Mean(sq)
	if err != nil {
		return nil, nil, err
	}
	// The output bias cannot reach a loss made only of derivatives, and Grad
	// errors on unreachable parameters: leave it out.
	return loss, append(W, B[:len(B)-1]...), nil
}

// TestReverseGrad checks the single reverse pass: gorgonia.Grad of a loss
// made of jet read-outs w.r.t. the weights against central differences of
// the loss (step 1e-5; O(h²) truncation and ε/h rounding give ~1e-9, so the
// tolerance is 1e-6 relative to max(1e-3, |g|)).
func TestReverseGrad(t *testing.T) {
	const N = 5
	rng := rand.New(rand.NewPCG(31, 32))
	net := newMLP(rng, "tanh", 2, 6, 6, 1)
	xs := uniform(rng, N*2, -1, 1)

	g := G.NewGraph()
	loss, params, err := residualLoss(g, net, xs, N)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := G.Grad(loss, params...); err != nil {
		t.Fatal(err)
	}
	if err := run(g, params...); err != nil {
		t.Fatal(err)
	}
	grads := make([][]float64, len(params))
	for i, p := range params {
		gv, err := p.Grad()
		if err != nil {
			t.Fatal(err)
		}
		grads[i] = append([]float64(nil), gv.Data().([]float64)...)
	}

	lossAt := func() float64 {
		g := G.NewGraph()
		l, _, err := residualLoss(g, net, xs, N)
		if err != nil {
			t.Fatal(err)
		}
		if err := run(g); err != nil {
			t.Fatal(err)
		}
		return values(l)[0]
	}
	const h = 1e-5
	worst := 0.0
	// A few weights of every layer (params are W0, W1, W2, b0, b1).
	for pi := range params {
		vals, layer := net.W, pi
		if pi >= len(net.W) {
			vals, layer = net.B, pi-len(net.W)
		}
		for _, idx := range []int{0, len(vals[layer]) / 2, len(vals[layer]) - 1} {
			orig := vals[layer][idx]
			vals[layer][idx] = orig + h
			up := lossAt()
			vals[layer][idx] = orig - h
			dn := lossAt()
			vals[layer][idx] = orig
			want := (up - dn) / (2 * h)
			got := grads[pi][idx]
			e := math.Abs(got-want) / math.Max(1e-3, math.Abs(want))
			worst = math.Max(worst, e)
			if e > 1e-6 {
				t.Errorf("%s[%d]: Grad %v, finite differences %v (rel err %.2g)", params[pi].Name(), idx, got, want, e)
			}
		}
	}
	t.Logf("max relative error of the reverse pass vs finite differences: %.2g", worst)
}
