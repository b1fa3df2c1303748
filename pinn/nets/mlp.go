package nets

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gopinn/gopinn/autodiff"
	"github.com/gopinn/gopinn/pinn/internal/tensors"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Activation maps a spec activation name to the tower that gives its Taylor
// rule. Every activation must have one: it is what the jets push through.
func Activation(name string) (autodiff.Tower, error) {
	if name == "" {
		name = "tanh"
	}
	switch name {
	case "tanh", "sin", "gelu", "softplus":
		if t, ok := autodiff.Lookup(name); ok {
			return t, nil
		}
	}
	return nil, fmt.Errorf("unknown activation %q (want tanh, sin, gelu or softplus)", name)
}

// MLP is a fully connected network whose weights are graph nodes. Layer l
// maps width[l] to width[l+1]; every layer but the last applies the
// activation.
//
// Two optional extensions (nil for a plain MLP and for hidden-term nets):
// random Fourier features of the input (fourier.go), with which W[0] acts
// on the cosines and W0s on the sines, and the modified MLP's encoders
// (modified.go). Only a plain MLP goes through the fused kernel.
type MLP struct {
	name  string
	Sizes []int          // input, hidden..., output
	Act   autodiff.Tower // the hidden layers' activation
	// W[l], B[l] are layer l's weights (Sizes[l] × Sizes[l+1]) and bias
	// (1 × Sizes[l+1]). Read them (the sparse first layer of the
	// high-dimensional estimators gathers rows of W[0]); do not replace them.
	W, B []*G.Node

	four  *fourier   // Fourier features of the input; nil: the input itself
	gauss *gaussians // model.type gaussians: the first layer acts on the Gaussians' values
	fb    *fbpinn    // model.type fbpinn: one network per subdomain (W, B empty)
	W0s   *G.Node    // with four: the first layer's weights on the sines
	enc   []*encoder // modified MLP: the encoders U and V; nil: plain layers
}

// NewMLP creates the weight nodes of an in → hidden... → out MLP, zero-valued
// (Glorot or a checkpoint fills them).
func NewMLP(g *G.ExprGraph, dt tensor.Dtype, name string, in int, hidden []int, out int, act autodiff.Tower) *MLP {
	m := &MLP{name: name, Act: act}
	m.Sizes = append(append([]int{in}, hidden...), out)
	for l := 0; l+1 < len(m.Sizes); l++ {
		r, c := m.Sizes[l], m.Sizes[l+1]
		m.W = append(m.W, G.NewMatrix(g, dt, G.WithShape(r, c), G.WithName(fmt.Sprintf("%s/W%d", name, l)), G.WithValue(tensors.New(dt, r, c))))
		m.B = append(m.B, G.NewMatrix(g, dt, G.WithShape(1, c), G.WithName(fmt.Sprintf("%s/b%d", name, l)), G.WithValue(tensors.New(dt, 1, c))))
	}
	return m
}

// Plain reports whether the network is a plain MLP (no Fourier features,
// no gates): the only kind the fused kernel and the high-dimensional path
// know.
func (m *MLP) Plain() bool { return m.four == nil && m.enc == nil && m.gauss == nil && m.fb == nil }

// Params lists the weight nodes in checkpoint order: per layer l the
// weights W[l] (with Fourier features, layer 0 has W0c = W[0] then W0s) and
// the bias b[l]; then, for a modified MLP, the encoder U (Wu, [Wus,] bu) and
// the encoder V (Wv, [Wvs,] bv).
func (m *MLP) Params() []*G.Node {
	var ps []*G.Node
	for _, q := range m.layout() {
		ps = append(ps, q.node)
	}
	return ps
}

// paramInfo is one weight node with what Glorot initialisation needs.
type paramInfo struct {
	node          *G.Node
	fanIn, fanOut int // fan_in counts every input the layer sees (2F for both Fourier halves)
	bias          bool
	init          func(flat []float64, rng *rand.Rand) // an initialisation of its own (not Glorot)
}

// layout is Params() with shapes; every flat-vector walk follows it.
func (m *MLP) layout() []paramInfo {
	if m.fb != nil {
		return m.fb.layout()
	}
	var ps []paramInfo
	for l := range m.W {
		fanIn := m.Sizes[l]
		if l == 0 && m.four != nil {
			fanIn = 2 * m.four.F
		}
		if l == 0 && m.gauss != nil {
			fanIn = m.gauss.K
		}
		ps = append(ps, paramInfo{node: m.W[l], fanIn: fanIn, fanOut: m.Sizes[l+1]})
		if l == 0 && m.W0s != nil {
			ps = append(ps, paramInfo{node: m.W0s, fanIn: fanIn, fanOut: m.Sizes[l+1]})
		}
		ps = append(ps, paramInfo{node: m.B[l], bias: true})
	}
	for _, e := range m.enc {
		ps = append(ps, e.layout(m)...)
	}
	if m.gauss != nil {
		ps = append(ps, m.gauss.layout()...)
	}
	return ps
}

// Glorot fills flat (laid out as Params()) with Glorot-normal weights and
// zero biases: std = sqrt(2 / (fan_in + fan_out)) (Glorot & Bengio 2010).
func (m *MLP) Glorot(flat []float64, rng *rand.Rand) {
	off := 0
	for _, q := range m.layout() {
		sz := q.node.Shape().TotalSize()
		if q.init != nil {
			q.init(flat[off:off+sz], rng)
		} else if q.bias {
			for i := 0; i < sz; i++ {
				flat[off+i] = 0
			}
		} else {
			std := math.Sqrt(2 / float64(q.fanIn+q.fanOut))
			for i := 0; i < sz; i++ {
				flat[off+i] = std * rng.NormFloat64()
			}
		}
		off += sz
	}
}

// Forward pushes a jet whose coefficients are (P x in) matrices through the
// network. Linear layers act on every coefficient; the activation acts by
// Faà di Bruno through its derivative tower.
func (m *MLP) Forward(x autodiff.Jet) (autodiff.Jet, error) {
	if m.fb != nil {
		j, err := m.fb.forward(x)
		if err != nil {
			return j, fmt.Errorf("%s subdomains: %w", m.name, err)
		}
		return j, nil
	}
	// the first layer's inputs: x, or cos(2 pi x B) and sin(2 pi x B)
	in, err := m.embed(x)
	if err != nil {
		return x, fmt.Errorf("%s Fourier features: %w", m.name, err)
	}
	var uv []autodiff.Jet
	for k, e := range m.enc {
		j, err := e.forward(in, m.Act)
		if err != nil {
			return x, fmt.Errorf("%s encoder %d: %w", m.name, k, err)
		}
		uv = append(uv, j)
	}
	var h autodiff.Jet
	for l := range m.W {
		if l == 0 {
			ws := []*G.Node{m.W[0]}
			if m.W0s != nil {
				ws = append(ws, m.W0s)
			}
			h, err = linear(in, ws)
		} else {
			h, err = autodiff.MatMul(h, m.W[l])
		}
		if err != nil {
			return h, fmt.Errorf("%s layer %d: %w", m.name, l, err)
		}
		if h, err = autodiff.AddBias(h, m.B[l]); err != nil {
			return h, fmt.Errorf("%s layer %d bias: %w", m.name, l, err)
		}
		if l+1 < len(m.W) {
			if h, err = autodiff.Apply(h, m.Act); err != nil {
				return h, fmt.Errorf("%s layer %d activation: %w", m.name, l, err)
			}
			if uv != nil && l > 0 {
				if h, err = gate(h, uv[0], uv[1]); err != nil {
					return h, fmt.Errorf("%s layer %d gate: %w", m.name, l, err)
				}
			}
		}
	}
	return h, nil
}

// linear is sum_k in[k] ws[k]: one layer acting on the parts of its input
// (Concat has wrong derivatives in this Gorgonia version, so the parts stay
// apart and the weight matrix is split instead).
func linear(in []autodiff.Jet, ws []*G.Node) (autodiff.Jet, error) {
	var h autodiff.Jet
	for k, w := range ws {
		p, err := autodiff.MatMul(in[k], w)
		if err != nil {
			return p, err
		}
		if k == 0 {
			h = p
		} else if h, err = autodiff.Add(h, p); err != nil {
			return h, err
		}
	}
	return h, nil
}

// CanFuse reports whether autodiff.FusedMLPJets can push these input jets
// through the network: a plain MLP with a hidden layer, orders up to
// autodiff.MaxFusedOrder.
func (m *MLP) CanFuse(dirs []autodiff.Direction) bool {
	if len(m.W) < 2 || !m.Plain() {
		return false
	}
	for _, d := range dirs {
		if d.Order > autodiff.MaxFusedOrder {
			return false
		}
	}
	return true
}

// Fused pushes the plain coordinate jets (x, dirs[d].V, 0, ...) of every
// direction through the network with one fused op; x is P × n.
func (m *MLP) Fused(x *G.Node, dirs []autodiff.Direction) (*autodiff.FusedJets, error) {
	fj, err := autodiff.FusedMLPJets(x, autodiff.MLP{W: m.W, B: m.B, Act: m.Act}, dirs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", m.name, err)
	}
	return fj, nil
}

// Forward64 is the same network in plain float64 on one input row, from a
// flat weight vector laid out as Params(). Prediction and tests use it.
func (m *MLP) Forward64(flat []float64, x []float64) []float64 {
	if m.fb != nil {
		return m.fb.forward64(flat, x)
	}
	vals := map[*G.Node][]float64{}
	off := 0
	for _, q := range m.layout() {
		sz := q.node.Shape().TotalSize()
		vals[q.node] = flat[off : off+sz]
		off += sz
	}
	in := m.embed64(x)
	if m.gauss != nil {
		in = [][]float64{m.gauss.embed64(vals, x)}
	}
	var u, v []float64
	if m.enc != nil {
		u, v = m.enc[0].forward64(vals, in, m.Act), m.enc[1].forward64(vals, in, m.Act)
	}
	var h []float64
	for l := range m.W {
		if l == 0 {
			ws := []*G.Node{m.W[0]}
			if m.W0s != nil {
				ws = append(ws, m.W0s)
			}
			h = linear64(vals, in, ws, m.B[0])
		} else {
			h = linear64(vals, [][]float64{h}, []*G.Node{m.W[l]}, m.B[l])
		}
		if l+1 < len(m.W) {
			for j := range h {
				h[j] = m.Act.Float64(h[j], 0)[0]
			}
			if u != nil && l > 0 {
				for j := range h {
					h[j] = u[j] + h[j]*(v[j]-u[j])
				}
			}
		}
	}
	return h
}

// linear64 is sum_k in[k] W_k + b in float64 with the weights taken from
// vals (row-major, rows = len(in[k])).
func linear64(vals map[*G.Node][]float64, in [][]float64, ws []*G.Node, b *G.Node) []float64 {
	out := append([]float64(nil), vals[b]...)
	c := len(out)
	for k, wn := range ws {
		w := vals[wn]
		for i, hi := range in[k] {
			row := w[i*c : (i+1)*c]
			for j := range out {
				out[j] += hi * row[j]
			}
		}
	}
	return out
}

// NumParams is the length of the network's flat weight vector.
func (m *MLP) NumParams() int {
	n := 0
	for _, q := range m.layout() {
		n += q.node.Shape().TotalSize()
	}
	return n
}
