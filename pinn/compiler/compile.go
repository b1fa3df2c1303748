package compiler

import (
	"fmt"

	"github.com/gopinn/gopinn/autodiff"
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
	prob *pde.Problem
	// sol are the solution networks: one with an output per field, or
	// (model.separate) one per field. Field f is output column fieldCol[f]
	// of sol[fieldNet[f]].
	sol                []*nets.MLP
	fieldNet, fieldCol []int
	// net is sol[0]; with one solution network (always on the
	// high-dimensional fast path) it is the network.
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
	n := len(prob.Variables)
	if prob.Vector != nil {
		n = prob.Vector.Dim + len(prob.Variables) - 1 // x, then t (not |x|)
	}
	if err := m.solutionNets(cfg, n); err != nil {
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
	for _, net := range m.sol {
		m.params = append(m.params, net.Params()...)
	}
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
	for _, net := range m.sol {
		for _, p := range net.Params() {
			m.used[p] = true
		}
	}
	return m, nil
}

// solutionNets creates the solution networks on n inputs: one network
// with an output per field, or with model.separate (and several fields)
// one network per field with that field's layers and activation.
func (m *model) solutionNets(cfg *Config, n int) error {
	fields := m.prob.Fields
	add := func(name string, fn pde.FieldNet, out int) error {
		act, err := nets.Activation(fn.Activation)
		if err != nil {
			return err
		}
		net := nets.NewMLP(m.g, m.dt, name, n, fn.Layers, out, act)
		if err := net.Extend(m.g, m.dt, cfg.Model, cfg.Seed); err != nil {
			return err
		}
		m.sol = append(m.sol, net)
		return nil
	}
	if cfg.Model.Separate && len(fields) > 1 {
		for f, name := range fields {
			if err := add("net_"+name, cfg.Model.FieldNet(name), 1); err != nil {
				return fmt.Errorf("model.fields.%s: %w", name, err)
			}
			m.fieldNet, m.fieldCol = append(m.fieldNet, f), append(m.fieldCol, 0)
		}
	} else {
		fn := pde.FieldNet{Layers: cfg.Model.Layers, Activation: cfg.Model.Activation}
		if len(fields) == 1 {
			fn = cfg.Model.FieldNet(fields[0]) // model.fields may name the one field
		}
		if err := add("net", fn, len(fields)); err != nil {
			return err
		}
		for f := range fields {
			m.fieldNet, m.fieldCol = append(m.fieldNet, 0), append(m.fieldCol, f)
		}
	}
	m.net = m.sol[0]
	return nil
}

// canFuse reports whether the fused kernel takes every solution network
// for these input directions.
func (m *model) canFuse(rows []autodiff.Direction) bool {
	for _, net := range m.sol {
		if !net.CanFuse(rows) {
			return false
		}
	}
	return true
}

// solParams is the length of the solution networks' part of the flat
// parameter vector (it comes first).
func (m *model) solParams() int {
	n := 0
	for _, net := range m.sol {
		n += net.NumParams()
	}
	return n
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
	out := make([]float64, len(m.prob.Fields))
	off := 0
	for k, net := range m.sol {
		y := net.Forward64(theta[off:off+net.NumParams()], xn)
		off += net.NumParams()
		for f := range out {
			if m.fieldNet[f] == k {
				out[f] = y[m.fieldCol[f]]
			}
		}
	}
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
