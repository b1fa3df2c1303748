package compiler

import (
	"fmt"

	"github.com/gopinn/gopinn/autodiff"
	"github.com/gopinn/gopinn/pde/expr"
	G "gorgonia.org/gorgonia"
)

// Hidden-term networks in the graph: called from a residual of the general
// batches (hiddenCall) or of the vector path (highdim_residual.go), both
// through hiddenForward.

// hiddenCall evaluates hidden-term network k on the call's arguments.
func (b *batch) hiddenCall(k int, c *expr.Call, leaf leafFunc) (*G.Node, error) {
	if len(c.Args) != b.m.hidden[k].Sizes[0] {
		return nil, expr.Errorf(c.P, "%s takes %d inputs, got %d", c.Func, b.m.hidden[k].Sizes[0], len(c.Args))
	}
	cols := make([]*G.Node, len(c.Args))
	for i, a := range c.Args {
		j, err := b.jetExpr(a, 0, leaf)
		if err != nil {
			return nil, err
		}
		cols[i] = j.C[0]
	}
	return b.m.hiddenForward(k, b.name, cols)
}

// hiddenForward is hidden-term network k on its input columns (rows × 1
// each, concatenated into rows × inputs by fixed selector products). prefix
// names the selectors (the batch or term).
func (m *model) hiddenForward(k int, prefix string, cols []*G.Node) (*G.Node, error) {
	net := m.hidden[k]
	for _, p := range net.Params() {
		m.used[p] = true
	}
	var in *G.Node
	for i, col := range cols {
		if len(cols) > 1 {
			sel := make([]float64, len(cols))
			sel[i] = 1
			col = m.matmul(col, m.fixed(fmt.Sprintf("%s/hsel%d_%d_%d", prefix, k, i, len(cols)), 1, len(cols), sel))
		}
		if in == nil {
			in = col
		} else {
			in = m.add(in, col)
		}
	}
	if m.err != nil {
		return nil, m.err
	}
	out, err := net.Forward(autodiff.Const(in, 0))
	if err != nil {
		return nil, err
	}
	return out.C[0], nil
}
