package compiler

import (
	"fmt"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pinn/internal/tensors"
	"github.com/gopinn/gopinn/pinn/nets"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// model holds the networks and trainable parameters of one graph. The
// training graph and the evaluation graph each have one; they share the flat
// parameter layout, so weights move between them as one vector.
type model struct {
	ops
	prob    *pde.Problem
	net     *nets.MLP
	hidden  []*nets.MLP // in prob.Hidden order
	scalars []*G.Node
	// output transforms by field (nil: raw network output)
	output map[string]expr.Expr
	// normalisation x_n = (x - center) / half, per variable
	center, half []float64
	params       []*G.Node // every trainable node, flat-vector order
	sizes        []int
	used         map[*G.Node]bool // params the loss reaches
}

func newModel(prob *pde.Problem, cfg *Config) (*model, error) {
	m := &model{prob: prob, output: cfg.Model.Output}
	m.g = G.NewGraph()
	var err error
	if m.dt, err = tensors.Dtype(cfg.DType); err != nil {
		return nil, err
	}
	act, err := nets.Activation(cfg.Model.Activation)
	if err != nil {
		return nil, err
	}
	n := len(prob.Variables)
	if prob.Vector != nil {
		n = prob.Vector.Dim + len(prob.Variables) - 1 // x, then t (not |x|)
	}
	m.net = nets.NewMLP(m.g, m.dt, "net", n, cfg.Model.Layers, len(prob.Fields), act)
	if err := m.net.Extend(m.g, m.dt, cfg.Model, cfg.Seed); err != nil {
		return nil, err
	}
	for _, h := range prob.Hidden {
		hact, err := nets.Activation(h.Activation)
		if err != nil {
			return nil, fmt.Errorf("hidden %q: %w", h.Name, err)
		}
		m.hidden = append(m.hidden, nets.NewMLP(m.g, m.dt, "hidden_"+h.Name, len(h.Inputs), h.Layers, 1, hact))
	}
	for _, p := range prob.Parameters {
		m.scalars = append(m.scalars, G.NewMatrix(m.g, m.dt, G.WithShape(1, 1), G.WithName("param/"+p.Name), G.WithValue(tensors.New(m.dt, 1, 1))))
	}
	m.params = append(m.params, m.net.Params()...)
	for _, h := range m.hidden {
		m.params = append(m.params, h.Params()...)
	}
	m.params = append(m.params, m.scalars...)
	for _, p := range m.params {
		m.sizes = append(m.sizes, p.Shape().TotalSize())
	}
	for _, v := range prob.Variables {
		if cfg.Model.NoNormalize {
			m.center, m.half = append(m.center, 0), append(m.half, 1)
		} else {
			m.center = append(m.center, (v.Lo+v.Hi)/2)
			m.half = append(m.half, (v.Hi-v.Lo)/2)
		}
	}
	m.used = map[*G.Node]bool{}
	for _, p := range m.net.Params() {
		m.used[p] = true
	}
	return m, nil
}

// numParams is the length of the flat parameter vector.
func (m *model) NumParams() int {
	n := 0
	for _, s := range m.sizes {
		n += s
	}
	return n
}

// setFlat writes a flat parameter vector into the weight tensors.
func (m *model) setFlat(theta []float64) {
	off := 0
	for i, p := range m.params {
		tensors.Set(p.Value().(tensor.Tensor), theta[off:off+m.sizes[i]])
		off += m.sizes[i]
	}
}

// getFlat reads the weight tensors into a flat vector.
func (m *model) getFlat(dst []float64) []float64 {
	dst = dst[:0]
	var tmp []float64
	for _, p := range m.params {
		tmp = tensors.Get(p.Value(), tmp)
		dst = append(dst, tmp...)
	}
	return dst
}

// predict64 evaluates the fields at one raw point in plain float64 (no
// output transform): the reference the graph is tested against.
func (m *model) predict64(theta []float64, p []float64) []float64 {
	xn := make([]float64, len(p))
	for i := range p {
		xn[i] = (p[i] - m.center[i]) / m.half[i]
	}
	out := m.net.Forward64(theta[:m.net.NumParams()], xn)
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
