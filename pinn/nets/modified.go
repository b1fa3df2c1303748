package nets

import (
	"fmt"

	"github.com/gopinn/gopinn/autodiff"
	"github.com/gopinn/gopinn/pinn/internal/tensors"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The modified MLP (Wang, Teng & Perdikaris 2021, "Understanding and
// mitigating gradient pathologies in physics-informed neural networks";
// the default network of jaxpi). Two encoders of the input,
//
//	U = act(X Wu + bu),  V = act(X Wv + bv),
//
// gate every hidden layer after the first:
//
//	H = act(X W0 + b0)
//	Z = act(H Wl + bl),  H = (1 - Z) ⊙ U + Z ⊙ V   (l = 1 .. L-1)
//	out = H W_L + b_L.
//
// With model.layers of L equal widths it has the plain MLP's weights plus
// the two encoders. X is the input, or its Fourier features (then every
// encoder has a cosine and a sine half like the first layer). On jets the
// gate is U + Z ⊙ (V - U): autodiff.Sub, Mul, Add.

// encoder is one of U, V: parts of the first layer's input times their
// weights, plus a bias, through the activation.
type encoder struct {
	W []*G.Node // one per input part (x; or cosines, sines)
	B *G.Node
}

func (m *MLP) addEncoders(g *G.ExprGraph, dt tensor.Dtype) error {
	h := m.Sizes[1]
	for _, w := range m.Sizes[1 : len(m.Sizes)-1] {
		if w != h {
			return fmt.Errorf("model.architecture modified needs equal hidden widths, have %v", m.Sizes[1:len(m.Sizes)-1])
		}
	}
	if len(m.Sizes) < 3 {
		return fmt.Errorf("model.architecture modified needs at least one hidden layer")
	}
	suffix := []string{"", "s"}
	if m.four != nil {
		suffix = []string{"c", "s"}
	}
	for _, name := range []string{"u", "v"} {
		e := &encoder{}
		for k, r := range m.inWidths() {
			e.W = append(e.W, G.NewMatrix(g, dt, G.WithShape(r, h), G.WithName(fmt.Sprintf("%s/W%s%s", m.name, name, suffix[k])), G.WithValue(tensors.New(dt, r, h))))
		}
		e.B = G.NewMatrix(g, dt, G.WithShape(1, h), G.WithName(fmt.Sprintf("%s/b%s", m.name, name)), G.WithValue(tensors.New(dt, 1, h)))
		m.enc = append(m.enc, e)
	}
	return nil
}

// layout lists the encoder's weights then its bias (Glorot fans over the
// whole input).
func (e *encoder) layout(m *MLP) []paramInfo {
	fanIn := 0
	for _, w := range m.inWidths() {
		fanIn += w
	}
	var ps []paramInfo
	for _, w := range e.W {
		ps = append(ps, paramInfo{node: w, fanIn: fanIn, fanOut: m.Sizes[1]})
	}
	return append(ps, paramInfo{node: e.B, bias: true})
}

func (e *encoder) forward(in []autodiff.Jet, act autodiff.Tower) (autodiff.Jet, error) {
	h, err := linear(in, e.W)
	if err != nil {
		return h, err
	}
	if h, err = autodiff.AddBias(h, e.B); err != nil {
		return h, err
	}
	return autodiff.Apply(h, act)
}

func (e *encoder) forward64(vals map[*G.Node][]float64, in [][]float64, act autodiff.Tower) []float64 {
	h := linear64(vals, in, e.W, e.B)
	for j := range h {
		h[j] = act.Float64(h[j], 0)[0]
	}
	return h
}

// gate is (1 - z) ⊙ u + z ⊙ v = u + z ⊙ (v - u) on jets.
func gate(z, u, v autodiff.Jet) (autodiff.Jet, error) {
	d, err := autodiff.Sub(v, u)
	if err != nil {
		return d, err
	}
	p, err := autodiff.Mul(z, d)
	if err != nil {
		return p, err
	}
	return autodiff.Add(u, p)
}
