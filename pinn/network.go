package pinn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gopinn/gopinn/autodiff"
	"github.com/gopinn/gopinn/pde/expr"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// activations maps a spec activation name to the tower that gives its Taylor
// rule. Every activation must have one: it is what the jets push through.
func activation(name string) (autodiff.Tower, error) {
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

// mlp is a fully connected network whose weights are graph nodes. Layer l
// maps width[l] to width[l+1]; every layer but the last applies the
// activation.
type mlp struct {
	name  string
	sizes []int // input, hidden..., output
	act   autodiff.Tower
	W, B  []*G.Node
}

// newMLP creates the weight nodes (zero-valued; initialise writes them).
func newMLP(g *G.ExprGraph, dt tensor.Dtype, name string, in int, hidden []int, out int, act autodiff.Tower) *mlp {
	m := &mlp{name: name, act: act}
	m.sizes = append(append([]int{in}, hidden...), out)
	for l := 0; l+1 < len(m.sizes); l++ {
		r, c := m.sizes[l], m.sizes[l+1]
		m.W = append(m.W, G.NewMatrix(g, dt, G.WithShape(r, c), G.WithName(fmt.Sprintf("%s/W%d", name, l)), G.WithValue(newTensor(dt, r, c))))
		m.B = append(m.B, G.NewMatrix(g, dt, G.WithShape(1, c), G.WithName(fmt.Sprintf("%s/b%d", name, l)), G.WithValue(newTensor(dt, 1, c))))
	}
	return m
}

// params lists the weight nodes in checkpoint order.
func (m *mlp) params() []*G.Node {
	var ps []*G.Node
	for l := range m.W {
		ps = append(ps, m.W[l], m.B[l])
	}
	return ps
}

// glorot fills flat (laid out as params()) with Glorot-normal weights and
// zero biases: std = sqrt(2 / (fan_in + fan_out)) (Glorot & Bengio 2010).
func (m *mlp) glorot(flat []float64, rng *rand.Rand) {
	off := 0
	for l := range m.W {
		r, c := m.sizes[l], m.sizes[l+1]
		std := math.Sqrt(2 / float64(r+c))
		for i := 0; i < r*c; i++ {
			flat[off+i] = std * rng.NormFloat64()
		}
		off += r * c
		for i := 0; i < c; i++ {
			flat[off+i] = 0
		}
		off += c
	}
}

// forward pushes a jet whose coefficients are (P x in) matrices through the
// network. Linear layers act on every coefficient; the activation acts by
// Faà di Bruno through its derivative tower.
func (m *mlp) forward(x autodiff.Jet) (autodiff.Jet, error) {
	h := x
	var err error
	for l := range m.W {
		if h, err = autodiff.MatMul(h, m.W[l]); err != nil {
			return h, fmt.Errorf("%s layer %d: %w", m.name, l, err)
		}
		if h, err = autodiff.AddBias(h, m.B[l]); err != nil {
			return h, fmt.Errorf("%s layer %d bias: %w", m.name, l, err)
		}
		if l+1 < len(m.W) {
			if h, err = autodiff.Apply(h, m.act); err != nil {
				return h, fmt.Errorf("%s layer %d activation: %w", m.name, l, err)
			}
		}
	}
	return h, nil
}

// netKernel selects how batches push the network's Taylor jets: "fused"
// (default) evaluates the primal and every direction's jets with one custom
// Gorgonia op per network and batch (autodiff.FusedMLPJets: stacked matrix
// multiplies, hand-written reverse pass, all cores); "graph" builds them
// from ordinary graph ops (forward), the reference the fused op is tested
// against. Networks or orders the fused op does not cover (no hidden layer,
// order above autodiff.MaxFusedOrder) use the graph ops either way. Hidden-
// term networks, whose inputs are expressions rather than coordinates,
// always use forward.
var netKernel = "fused"

// canFuse reports whether the fused op can push these input jets.
func (m *mlp) canFuse(dirs []autodiff.Direction) bool {
	if netKernel != "fused" || len(m.W) < 2 {
		return false
	}
	for _, d := range dirs {
		if d.Order > autodiff.MaxFusedOrder {
			return false
		}
	}
	return true
}

// fused pushes the plain coordinate jets (x, dirs[d].V, 0, ...) of every
// direction through the network with one fused op; x is P × n.
func (m *mlp) fused(x *G.Node, dirs []autodiff.Direction) (*autodiff.FusedJets, error) {
	fj, err := autodiff.FusedMLPJets(x, autodiff.MLP{W: m.W, B: m.B, Act: m.act}, dirs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", m.name, err)
	}
	return fj, nil
}

// forward64 is the same network in plain float64 on one input row, from a
// flat weight vector laid out as params(). Prediction and tests use it.
func (m *mlp) forward64(flat []float64, x []float64) []float64 {
	h := append([]float64(nil), x...)
	off := 0
	for l := range m.W {
		r, c := m.sizes[l], m.sizes[l+1]
		w := flat[off : off+r*c]
		b := flat[off+r*c : off+r*c+c]
		off += r*c + c
		out := make([]float64, c)
		copy(out, b)
		for i := 0; i < r; i++ {
			hi := h[i]
			row := w[i*c : (i+1)*c]
			for j := range out {
				out[j] += hi * row[j]
			}
		}
		if l+1 < len(m.W) {
			for j := range out {
				out[j] = m.act.Float64(out[j], 0)[0]
			}
		}
		h = out
	}
	return h
}

// numParams is the length of the network's flat weight vector.
func (m *mlp) numParams() int {
	n := 0
	for l := 0; l+1 < len(m.sizes); l++ {
		n += m.sizes[l]*m.sizes[l+1] + m.sizes[l+1]
	}
	return n
}

// predict64 evaluates the fields at one raw point in plain float64 (no
// output transform): the reference the graph is tested against.
func (m *model) predict64(theta []float64, p []float64) []float64 {
	xn := make([]float64, len(p))
	for i := range p {
		xn[i] = (p[i] - m.center[i]) / m.half[i]
	}
	out := m.net.forward64(theta[:m.net.numParams()], xn)
	if m.output == nil {
		return out
	}
	names := []string{}
	vals := []float64{}
	for i, v := range m.prob.Variables {
		names = append(names, v.Name)
		vals = append(vals, p[i])
	}
	if len(out) == 1 {
		names, vals = append(names, "N"), append(vals, out[0])
	}
	for f, name := range m.prob.Fields {
		names, vals = append(names, "N_"+name), append(vals, out[f])
	}
	res := make([]float64, len(out))
	for f, name := range m.prob.Fields {
		res[f] = out[f]
		if tr := m.output[name]; tr != nil {
			if v, err := expr.Eval(tr, names, vals); err == nil {
				res[f] = v
			}
		}
	}
	return res
}
