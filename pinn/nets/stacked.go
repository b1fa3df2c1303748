package nets

import (
	"fmt"

	"github.com/gopinn/gopinn/autodiff"
	G "gorgonia.org/gorgonia"
)

// FirstProduct gives the stacked jet of x·w for a matrix w with the
// network's input width (n × m): C[0] = x·w for the P points, C[1], C[2],
// ... the directions' parts (P·B × m; nil where zero). The input is linear
// in its directions, so a caller that pushes coordinate directions e_j
// gathers row j of w instead of forming the product (the
// high-dimensional path), and one with a dense direction v forms v·w.
type FirstProduct func(w *G.Node) (autodiff.StackedJet, error)

// ForwardStacked is Forward on a stacked jet (autodiff.StackedJet: B
// directions per point sharing one primal) whose input enters through its
// products with the first layer's matrices (first): the weights, or the
// Fourier matrix and the modified MLP's encoders. It takes plain MLPs,
// Fourier features and the modified MLP; model.type gaussians and fbpinn
// are refused.
func (m *MLP) ForwardStacked(first FirstProduct) (autodiff.StackedJet, error) {
	switch {
	case m.gauss != nil || m.fb != nil:
		return autodiff.StackedJet{}, fmt.Errorf("%s: model.type gaussians and fbpinn have no stacked-jet forward", m.name)
	case len(m.W) < 2:
		return autodiff.StackedJet{}, fmt.Errorf("the network needs a hidden layer")
	}
	// the first layer's input parts: x itself (through first), or
	// cos(2 pi x B) and sin(2 pi x B)
	var emb []autodiff.StackedJet
	if m.four != nil {
		z, err := first(m.four.node)
		if err != nil {
			return z, fmt.Errorf("%s Fourier features: %w", m.name, err)
		}
		c, err := autodiff.StackedApply(z, m.four.cos)
		if err != nil {
			return c, fmt.Errorf("%s Fourier features: %w", m.name, err)
		}
		s, err := autodiff.StackedApply(z, m.four.sin)
		if err != nil {
			return s, fmt.Errorf("%s Fourier features: %w", m.name, err)
		}
		emb = []autodiff.StackedJet{c, s}
	}
	// lin is sum_k in[k]·ws[k] over the input parts, plus the bias b
	lin := func(ws []*G.Node, b *G.Node) (autodiff.StackedJet, error) {
		var h autodiff.StackedJet
		var err error
		if emb == nil {
			h, err = first(ws[0])
		} else {
			for k, w := range ws {
				p, err := autodiff.StackedMatMul(emb[k], w)
				if err != nil {
					return p, err
				}
				if k == 0 {
					h = p
				} else if h, err = autodiff.StackedAdd(h, p); err != nil {
					return h, err
				}
			}
		}
		if err != nil {
			return h, err
		}
		return autodiff.StackedAddBias(h, b)
	}
	var uv []autodiff.StackedJet
	for k, e := range m.enc {
		h, err := lin(e.W, e.B)
		if err == nil {
			h, err = autodiff.StackedApply(h, m.Act)
		}
		if err != nil {
			return h, fmt.Errorf("%s encoder %d: %w", m.name, k, err)
		}
		uv = append(uv, h)
	}
	ws := []*G.Node{m.W[0]}
	if m.W0s != nil {
		ws = append(ws, m.W0s)
	}
	h, err := lin(ws, m.B[0])
	if err != nil {
		return h, fmt.Errorf("%s layer 0: %w", m.name, err)
	}
	for l := 1; l < len(m.W); l++ {
		// the activation of layer l-1, gated after the first layer
		if h, err = autodiff.StackedApply(h, m.Act); err != nil {
			return h, fmt.Errorf("%s layer %d activation: %w", m.name, l-1, err)
		}
		if uv != nil && l > 1 {
			if h, err = stackedGate(h, uv[0], uv[1]); err != nil {
				return h, fmt.Errorf("%s layer %d gate: %w", m.name, l-1, err)
			}
		}
		if h, err = autodiff.StackedMatMul(h, m.W[l]); err != nil {
			return h, fmt.Errorf("%s layer %d: %w", m.name, l, err)
		}
		if h, err = autodiff.StackedAddBias(h, m.B[l]); err != nil {
			return h, fmt.Errorf("%s layer %d bias: %w", m.name, l, err)
		}
	}
	return h, nil
}

// stackedGate is gate on stacked jets: u + z ⊙ (v - u). u and v share the
// layout of z (a primal row per point, B direction rows), so the
// difference and the sum are coefficientwise; the product tiles primals
// where they meet direction rows (StackedMul).
func stackedGate(z, u, v autodiff.StackedJet) (autodiff.StackedJet, error) {
	d, err := autodiff.Sub(autodiff.Jet{C: v.C}, autodiff.Jet{C: u.C})
	if err != nil {
		return z, err
	}
	p, err := autodiff.StackedMul(z, autodiff.StackedJet{C: d.C, B: z.B})
	if err != nil {
		return p, err
	}
	return autodiff.StackedAdd(u, p)
}
