package compiler

import (
	"fmt"

	"github.com/gopinn/gopinn/autodiff"
	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
	G "gorgonia.org/gorgonia"
)

// residual compiles the residual with the one expression compiler
// (exprGraph, jetexpr.go); the leaves are the vector problem's: the
// fields, their u_t, u_tt, lap and dn (highdim_field.go), the trainable
// parameters and the hidden-term networks (on their compiled arguments)
// as graph nodes; inside an elementwise sum whose body uses a field, x,
// d(u, x) and d(u, x, x) per sampled coordinate (P·B×1: x_j, u_j, u_jj);
// every field-free subexpression a fed column. A form the fast path cannot
// compile is a fastPathError (the router hands the problem to the general
// compiler).
func (h *hdTerm) residual(m *model, e expr.Expr) (*G.Node, error) {
	prob := h.prob
	isField := func(name string) bool { return prob.FieldIndex(name) >= 0 }
	// fieldOf is the field an operator applies to (nil: not a field)
	fieldOf := func(x expr.Expr) (*hdField, error) {
		id, ok := x.(*expr.Ident)
		if !ok || !isField(id.Name) {
			return nil, nil
		}
		return h.fieldOf(m, id.Name)
	}
	param := func(name string) int {
		for k, p := range prob.Parameters {
			if p.Name == name {
				return k
			}
		}
		return -1
	}
	hidden := func(name string) int {
		for k, h := range prob.Hidden {
			if h.Name == name {
				return k
			}
		}
		return -1
	}
	// usesField: x depends on what is trained (the field, a derivative of
	// it, a trainable parameter, a hidden-term network), so it is a graph
	// node, not a fed column
	usesField := func(x expr.Expr) bool {
		found := false
		expr.Walk(x, func(y expr.Expr) bool {
			switch n := y.(type) {
			case *expr.Ident:
				found = found || isField(n.Name) || param(n.Name) >= 0
			case *expr.Deriv:
				found = true
			case *expr.Call:
				found = found || hidden(n.Func) >= 0
			}
			return !found
		})
		return found
	}
	// elem: inside an elementwise sum whose body uses the field
	elem := false
	rows := func() int {
		if elem {
			return h.P * h.B
		}
		return h.P
	}
	// lift makes a per-point column (P×1) per-sample inside a coordinate sum
	lift := func(n *G.Node) *G.Node {
		if !elem {
			return n
		}
		return m.keep(autodiff.Tile(n, h.B))
	}
	type constKey struct {
		v    float64
		rows int
	}
	consts := map[constKey]*G.Node{}
	g := exprGraph{konst: func(v float64) *G.Node {
		k := constKey{v, rows()}
		if n, ok := consts[k]; ok {
			return n
		}
		n := m.fixed(fmt.Sprintf("%sconst%d", h.prefix, len(consts)), k.rows, 1, filled(k.rows, v))
		consts[k] = n
		return n
	}}
	node := func(n *G.Node) (autodiff.Jet, bool, error) { return autodiff.Const(n, 0), true, m.err }
	fail := func(err error) (autodiff.Jet, bool, error) { return autodiff.Jet{}, true, err }
	limit := func(x expr.Expr) (autodiff.Jet, bool, error) {
		return fail(fastPathLimit(fmt.Errorf("%s is not supported in residuals on the high-dimensional path", x)))
	}
	// arithmetic: the forms exprGraph compiles from their operands
	arithmetic := func(x expr.Expr) bool {
		switch n := x.(type) {
		case *expr.Num, *expr.Unary, *expr.Binary:
			return true
		case *expr.Call:
			if n.Func == "min" || n.Func == "max" {
				return len(n.Args) == 2
			}
			_, ok := autodiff.Lookup(n.Func)
			return ok && len(n.Args) == 1
		}
		return false
	}
	var leaf leafFunc
	leaf = func(x expr.Expr) (autodiff.Jet, bool, error) {
		if n, ok := x.(*expr.Call); ok && n.Func == "sum" && !elem && usesField(n.Args[0]) {
			if h.valueOnly {
				return fail(errValueOnly(x))
			}
			s, err := h.coordSum(m, n.Args[0], func(body expr.Expr) (*G.Node, error) {
				elem = true
				defer func() { elem = false }()
				j, err := g.jet(body, 0, leaf)
				if err != nil {
					return nil, err
				}
				return j.C[0], nil
			})
			if err != nil {
				return fail(err)
			}
			return node(s)
		}
		if !usesField(x) {
			if _, ok := x.(*expr.Num); ok {
				return autodiff.Jet{}, false, nil
			}
			if elem && expr.Mentions(x, h.vec.Name) {
				// an expression of x_j: arithmetic on the x_j column
				if _, ok := x.(*expr.Ident); ok {
					xj, err := h.xjCol(m)
					if err != nil {
						return fail(err)
					}
					return node(xj)
				}
				if arithmetic(x) {
					return autodiff.Jet{}, false, nil
				}
				return limit(x)
			}
			kn, err := h.known(m, x, prob)
			if err != nil {
				return fail(err)
			}
			return node(lift(kn))
		}
		switch n := x.(type) {
		case *expr.Ident:
			if k := param(n.Name); k >= 0 {
				// broadcast to the rows by a product with a ones column,
				// which keeps the reverse pass a matrix product
				m.used[m.scalars[k]] = true
				return node(m.matmul(g.konst(1), m.scalars[k]))
			}
			f, err := h.fieldOf(m, n.Name)
			if err != nil {
				return fail(err)
			}
			return node(lift(f.u))
		case *expr.Deriv:
			if h.valueOnly {
				return fail(errValueOnly(x))
			}
			f, err := fieldOf(n.Of)
			if err != nil {
				return fail(err)
			}
			if f == nil {
				return limit(x)
			}
			if n.Wrt[0] == h.vec.Name {
				if !elem {
					return fail(fastPathLimit(fmt.Errorf("%s outside an elementwise sum", x)))
				}
				c, err := h.coordCols(m, f)
				if err != nil {
					return fail(err)
				}
				if len(n.Wrt) == 1 {
					return node(c.uj)
				}
				return node(c.ujj)
			}
			allT := f.ut != nil
			for _, w := range n.Wrt {
				allT = allT && w == "t"
			}
			switch {
			case allT && len(n.Wrt) == 1:
				return node(lift(f.ut))
			case allT && len(n.Wrt) == 2:
				return node(lift(f.utt))
			}
			return limit(x)
		case *expr.Call:
			if k := hidden(n.Func); k >= 0 {
				if len(n.Args) != m.hidden[k].Sizes[0] {
					return fail(expr.Errorf(n.P, "%s takes %d inputs, got %d", n.Func, m.hidden[k].Sizes[0], len(n.Args)))
				}
				cols := make([]*G.Node, len(n.Args))
				for i, a := range n.Args {
					j, err := g.jet(a, 0, leaf)
					if err != nil {
						return fail(err)
					}
					cols[i] = j.C[0]
				}
				out, err := m.hiddenForward(k, fmt.Sprintf("%sh%d", h.prefix, rows()), cols)
				if err != nil {
					return fail(err)
				}
				return node(out)
			}
			if n.Func == "dn" || n.Func == "lap" {
				if (n.Func == "lap" && h.valueOnly) || (n.Func == "dn" && h.nrm == nil) {
					return fail(errValueOnly(x))
				}
				f, err := fieldOf(n.Args[0])
				if err != nil {
					return fail(err)
				}
				if f == nil {
					return fail(fastPathLimit(fmt.Errorf("%s: only %s of a field on the high-dimensional path", x, n.Func)))
				}
				if n.Func == "dn" {
					return node(lift(f.dn))
				}
				return node(lift(f.lap))
			}
		}
		if arithmetic(x) {
			return autodiff.Jet{}, false, nil
		}
		return limit(x)
	}
	j, err := g.jet(e, 0, leaf)
	if err != nil {
		return nil, err
	}
	return j.C[0], m.err
}

// known makes a field-free subexpression of the residual a fed column
// (P×1), evaluated in float64 at every new point set.
func (h *hdTerm) known(m *model, x expr.Expr, prob *pde.Problem) (*G.Node, error) {
	k := &hdKnown{e: x, node: m.input(fmt.Sprintf("%sknown%d", h.prefix, len(h.knowns)), h.P, 1), vals: make([]float64, h.P)}
	for range hdWorkers(h.P) {
		ev, err := expr.CompileVector(x, h.lay.scalars(), h.vec.Name, h.d, prob.VectorConstants)
		if err != nil {
			return nil, err
		}
		k.evs = append(k.evs, ev)
	}
	h.knowns = append(h.knowns, k)
	return k.node, nil
}

// hdCoord holds a field's per-sample columns of coordinate sums: for each
// point's sampled coordinate j, u_j = ∂u/∂x_j and u_jj (x_j is the term's
// h.xj). With the transform u = A·N + C: u_j = A_j N + A N_j + C_j, u_jj =
// A_jj N + 2 A_j N_j + A N_jj + C_jj, the A and C columns fed per sample.
type hdCoord struct {
	uj, ujj          *G.Node
	aT, ajj, cj, cjj *G.Node // fed (transform only)
}

// xjCol is the term's column of x_j per sampled coordinate (P·B×1).
func (h *hdTerm) xjCol(m *model) (*G.Node, error) {
	if h.dense != nil {
		return nil, fmt.Errorf("coordinate sums (d(u, %s) inside sum(...)) need coordinate directions: derivatives.estimator sparse, or method taylor", h.vec.Name)
	}
	if h.xj == nil {
		h.xj = m.input(h.prefix+"xj", h.P*h.B, 1)
	}
	return h.xj, m.err
}

// coordCols builds a field's per-sample columns once.
func (h *hdTerm) coordCols(m *model, f *hdField) (*hdCoord, error) {
	if f.coord != nil {
		return f.coord, nil
	}
	if _, err := h.xjCol(m); err != nil {
		return nil, err
	}
	PB := h.P * h.B
	c := &hdCoord{uj: f.N1, ujj: f.N2}
	if f.trans != nil {
		c.aT = m.input(h.fieldName(f, "A_tiled"), PB, 1)
		c.ajj = m.input(h.fieldName(f, "A_jj"), PB, 1)
		c.cj = m.input(h.fieldName(f, "C_j"), PB, 1)
		c.cjj = m.input(h.fieldName(f, "C_jj"), PB, 1)
		N0 := m.keep(autodiff.Tile(f.N0, h.B))
		c.uj = m.add(m.add(m.mul(f.a1, N0), m.mul(c.aT, f.N1)), c.cj)
		c.ujj = m.add(m.add(m.mul(c.ajj, N0), m.scale(m.mul(f.a1, f.N1), 2)), m.add(m.mul(c.aT, f.N2), c.cjj))
	}
	f.coord = c
	return c, m.err
}

// coordSum is an elementwise sum over the coordinates whose body uses a
// field: the body per sampled coordinate (P·B×1), summed per point and
// rescaled by d/B (sparse STDE: unbiased for any sum of per-coordinate
// terms; exact with method taylor).
func (h *hdTerm) coordSum(m *model, body expr.Expr, comp func(expr.Expr) (*G.Node, error)) (*G.Node, error) {
	if _, err := h.xjCol(m); err != nil {
		return nil, err
	}
	b, err := comp(body)
	if err != nil {
		return nil, err
	}
	s := m.keep(autodiff.GroupSum(b, h.B))
	if !h.taylor {
		s = m.scale(s, float64(h.d)/float64(h.B))
	}
	return s, m.err
}
