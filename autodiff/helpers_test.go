package autodiff_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/gopinn/gopinn/autodiff"
)

// input returns a named (r, c) input node in dtype dt holding data.
func input(g *G.ExprGraph, dt tensor.Dtype, name string, r, c int, data []float64) *G.Node {
	var back any = data
	if dt == tensor.Float32 {
		f := make([]float32, len(data))
		for i, x := range data {
			f[i] = float32(x)
		}
		back = f
	}
	return G.NewMatrix(g, dt, G.WithShape(r, c), G.WithName(name),
		G.WithValue(tensor.New(tensor.WithShape(r, c), tensor.WithBacking(back))))
}

// reads holds gorgonia.Read captures of computed nodes: the tape machine
// reuses buffers, so a computed node's Value() after RunAll is only
// trustworthy for graph outputs. Tests are not parallel.
var reads = map[*G.Node]*G.Value{}

// watch registers reads of the jets' coefficients; call before compiling.
func watch(js ...autodiff.Jet) {
	for _, j := range js {
		for _, n := range j.C {
			watchNode(n)
		}
	}
}

func watchNode(n *G.Node) {
	if n == nil || n.Op() == nil || reads[n] != nil {
		return
	}
	v := new(G.Value)
	G.Read(n, v)
	reads[n] = v
}

// values reads a node's value as float64s (a scalar gives one entry).
func values(n *G.Node) []float64 {
	val := n.Value()
	if r := reads[n]; r != nil && *r != nil {
		val = *r
	}
	switch v := val.(type) {
	case *G.F64:
		return []float64{float64(*v)}
	case *G.F32:
		return []float64{float64(*v)}
	}
	return valuesOf(val) // tensors (fused_test.go)
}

func run(g *G.ExprGraph, dual ...*G.Node) error {
	var opts []G.VMOpt
	if len(dual) > 0 {
		opts = append(opts, G.BindDualValues(dual...))
	}
	m := G.NewTapeMachine(g, opts...)
	defer m.Close()
	return m.RunAll()
}

func uniform(rng *rand.Rand, n int, lo, hi float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = lo + (hi-lo)*rng.Float64()
	}
	return out
}

// mlp is a small tanh network with float64 weights (layers[l] is (in, out)).
type mlp struct {
	sizes []int
	W, B  [][]float64 // W[l] row-major (sizes[l], sizes[l+1]); B[l] len sizes[l+1]
	act   string
}

func newMLP(rng *rand.Rand, act string, sizes ...int) *mlp {
	m := &mlp{sizes: sizes, act: act}
	for l := 0; l+1 < len(sizes); l++ {
		s := 1 / math.Sqrt(float64(sizes[l]))
		m.W = append(m.W, uniform(rng, sizes[l]*sizes[l+1], -1.5*s, 1.5*s))
		m.B = append(m.B, uniform(rng, sizes[l+1], -0.3, 0.3))
	}
	return m
}

// forward evaluates the network at one point in float64 (FD oracle).
func (m *mlp) forward(x []float64) float64 {
	tw, _ := autodiff.Lookup(m.act)
	h := x
	for l := range m.W {
		out := append([]float64(nil), m.B[l]...)
		for i, hi := range h {
			for j := range out {
				out[j] += hi * m.W[l][i*m.sizes[l+1]+j]
			}
		}
		if l+1 < len(m.W) {
			for j := range out {
				out[j] = tw.Float64(out[j], 0)[0]
			}
		}
		h = out
	}
	return h[0]
}

// nodes puts the weights into g as parameters.
func (m *mlp) nodes(g *G.ExprGraph, dt tensor.Dtype) (W, B []*G.Node) {
	for l := range m.W {
		W = append(W, input(g, dt, fmt.Sprintf("W%d", l), m.sizes[l], m.sizes[l+1], m.W[l]))
		B = append(B, input(g, dt, fmt.Sprintf("b%d", l), 1, m.sizes[l+1], m.B[l]))
	}
	return W, B
}

// jet pushes a jet through the network: MatMul, AddBias, Apply per layer.
func (m *mlp) jet(a autodiff.Jet, W, B []*G.Node) (autodiff.Jet, error) {
	tw, _ := autodiff.Lookup(m.act)
	var err error
	for l := range W {
		if a, err = autodiff.MatMul(a, W[l]); err != nil {
			return a, err
		}
		if a, err = autodiff.AddBias(a, B[l]); err != nil {
			return a, err
		}
		if l+1 < len(W) {
			if a, err = autodiff.Apply(a, tw); err != nil {
				return a, err
			}
		}
	}
	return a, nil
}

// directionJets builds, for each plan direction, the input jet (X, V, 0...)
// on the (N, n) input X, and pushes it through f.
func directionJets(g *G.ExprGraph, dt tensor.Dtype, X *G.Node, N int, p *autodiff.Plan,
	f func(autodiff.Jet) (autodiff.Jet, error)) ([]autodiff.Jet, error) {
	n := p.N()
	var out []autodiff.Jet
	for d, dir := range p.Directions() {
		v := make([]float64, N*n)
		for r := range N {
			copy(v[r*n:], dir.V)
		}
		in := autodiff.Const(X, dir.Order)
		if dir.Order >= 1 {
			in.C[1] = input(g, dt, fmt.Sprintf("dir%d", d), N, n, v)
		}
		j, err := f(in)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, nil
}

// readout builds Σ Coef · jet[Dir].C[Order] as a node.
func readout(p *autodiff.Plan, jets []autodiff.Jet, alpha autodiff.MultiIndex) (*G.Node, error) {
	terms, err := p.Readout(alpha)
	if err != nil {
		return nil, err
	}
	var acc *G.Node
	for _, t := range terms {
		c := jets[t.Dir].C[t.Order]
		if c == nil {
			continue
		}
		var s *G.Node
		if c.Dtype() == tensor.Float32 {
			s = G.NewConstant(float32(t.Coef))
		} else {
			s = G.NewConstant(t.Coef)
		}
		term, err := G.HadamardProd(s, c)
		if err != nil {
			return nil, err
		}
		if acc == nil {
			acc = term
		} else if acc, err = G.Add(acc, term); err != nil {
			return nil, err
		}
	}
	return acc, nil
}

// allIndices lists the multi-indices of n inputs with 1 ≤ |alpha| ≤ K.
func allIndices(n, K int) []autodiff.MultiIndex {
	var out []autodiff.MultiIndex
	cur := make(autodiff.MultiIndex, n)
	var rec func(i, rem int)
	rec = func(i, rem int) {
		if i == n {
			if o := cur.Order(); o >= 1 {
				out = append(out, append(autodiff.MultiIndex(nil), cur...))
			}
			return
		}
		for x := 0; x <= rem; x++ {
			cur[i] = x
			rec(i+1, rem-x)
		}
		cur[i] = 0
	}
	rec(0, K)
	return out
}
