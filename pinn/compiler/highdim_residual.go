package compiler

import (
	"fmt"

	"github.com/gopinn/gopinn/autodiff"
	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
	G "gorgonia.org/gorgonia"
)

// residual compiles the residual: fields and lap(field) become graph nodes,
// every field-free subexpression a fed column.
func (h *hdTerm) residual(m *model, e expr.Expr, prob *pde.Problem, u, lap *G.Node) (*G.Node, error) {
	field := prob.Fields[0]
	usesField := func(x expr.Expr) bool {
		found := false
		expr.Walk(x, func(y expr.Expr) bool {
			switch n := y.(type) {
			case *expr.Ident:
				found = found || n.Name == field
			case *expr.Deriv:
				found = true
			}
			return !found
		})
		return found
	}
	// elem: inside an elementwise sum whose body uses the field: values are
	// per sampled coordinate (P·B×1), x is x_j, d(u, x) is u_j
	elem := false
	// lift makes a per-point column (P×1) per-sample inside a coordinate sum
	lift := func(n *G.Node) *G.Node {
		if !elem {
			return n
		}
		return m.keep(autodiff.Tile(n, h.B))
	}
	var comp, compField func(x expr.Expr) (*G.Node, error)
	comp = func(x expr.Expr) (*G.Node, error) {
		if n, ok := x.(*expr.Call); ok && n.Func == "sum" && !elem && usesField(n.Args[0]) {
			if h.faces != nil {
				return nil, errValueOnly(x)
			}
			return h.coordSum(m, n.Args[0], func(body expr.Expr) (*G.Node, error) {
				elem = true
				defer func() { elem = false }()
				return comp(body)
			})
		}
		if elem && !usesField(x) && expr.Mentions(x, h.vec.Name) {
			switch n := x.(type) {
			case *expr.Num:
				return m.scalar(n.Value), nil
			case *expr.Ident:
				c, err := h.coordCols(m)
				if err != nil {
					return nil, err
				}
				return c.xj, nil
			}
			// an expression of x_j: compiled below, like one of the field
		} else if !usesField(x) {
			if n, ok := x.(*expr.Num); ok {
				return m.scalar(n.Value), nil
			}
			kn, err := h.known(m, x, prob)
			if err != nil {
				return nil, err
			}
			return lift(kn), m.err
		}
		switch n := x.(type) {
		case *expr.Ident:
			return lift(u), m.err
		case *expr.Deriv:
			if h.faces != nil {
				return nil, errValueOnly(x)
			}
			if id, ok := n.Of.(*expr.Ident); ok && id.Name == field && n.Wrt[0] == h.vec.Name {
				if !elem {
					return nil, fastPathLimit(fmt.Errorf("%s outside an elementwise sum", x))
				}
				c, err := h.coordCols(m)
				if err != nil {
					return nil, err
				}
				if len(n.Wrt) == 1 {
					return c.uj, nil
				}
				return c.ujj, nil
			}
			if id, ok := n.Of.(*expr.Ident); ok && id.Name == field && h.ut != nil {
				allT := true
				for _, w := range n.Wrt {
					allT = allT && w == "t"
				}
				switch {
				case allT && len(n.Wrt) == 1:
					return lift(h.ut), m.err
				case allT && len(n.Wrt) == 2:
					return lift(h.utt), m.err
				}
			}
		}
		return compField(x)
	}
	compField = func(x expr.Expr) (*G.Node, error) {
		switch n := x.(type) {
		case *expr.Unary:
			a, err := comp(n.X)
			if err != nil {
				return nil, err
			}
			return m.keep(G.Neg(a)), m.err
		case *expr.Binary:
			a, err := comp(n.L)
			if err != nil {
				return nil, err
			}
			if n.Op == '^' {
				num, ok := n.R.(*expr.Num)
				if !ok {
					return nil, fastPathLimit(fmt.Errorf("%s: only constant exponents of fields on the high-dimensional path", x))
				}
				switch num.Value {
				case 1:
					return a, nil
				case 2:
					return m.keep(G.Square(a)), m.err
				case 3:
					return m.mul(m.keep(G.Square(a)), a), m.err
				}
				return m.keep(G.Pow(a, m.scalar(num.Value))), m.err
			}
			b, err := comp(n.R)
			if err != nil {
				return nil, err
			}
			switch n.Op {
			case '+':
				return m.keep(G.Add(a, b)), m.err
			case '-':
				return m.keep(G.Sub(a, b)), m.err
			case '*':
				return m.keep(G.HadamardProd(a, b)), m.err
			case '/':
				return m.keep(G.HadamardDiv(a, b)), m.err
			}
		case *expr.Call:
			if n.Func == "lap" {
				if h.faces != nil {
					return nil, errValueOnly(x)
				}
				if id, ok := n.Args[0].(*expr.Ident); ok && id.Name == field {
					return lift(lap), m.err
				}
				return nil, fastPathLimit(fmt.Errorf("%s: only lap(%s) of the field on the high-dimensional path", x, field))
			}
			if len(n.Args) == 1 {
				a, err := comp(n.Args[0])
				if err != nil {
					return nil, err
				}
				fns := map[string]func(*G.Node) (*G.Node, error){
					"sin": G.Sin, "cos": G.Cos, "exp": G.Exp, "log": G.Log, "sqrt": G.Sqrt,
					"tanh": G.Tanh, "abs": G.Abs, "sigmoid": G.Sigmoid,
				}
				if f, ok := fns[n.Func]; ok {
					return m.keep(f(a)), m.err
				}
			}
		}
		return nil, fastPathLimit(fmt.Errorf("%s is not supported in residuals on the high-dimensional path", x))
	}
	return comp(e)
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

// hdCoord holds the per-sample columns of coordinate sums: for each point's
// sampled coordinate j, x_j, u_j = ∂u/∂x_j and u_jj. With the transform
// u = A·N + C: u_j = A_j N + A N_j + C_j, u_jj = A_jj N + 2 A_j N_j +
// A N_jj + C_jj, the A and C columns fed per sample.
type hdCoord struct {
	xj, uj, ujj      *G.Node
	aT, ajj, cj, cjj *G.Node // fed (transform only)
}

// coordCols builds the per-sample columns once.
func (h *hdTerm) coordCols(m *model) (*hdCoord, error) {
	if h.coord != nil {
		return h.coord, nil
	}
	if h.dense != nil {
		return nil, fmt.Errorf("coordinate sums (d(u, %s) inside sum(...)) need coordinate directions: derivatives.estimator sparse, or method taylor", h.vec.Name)
	}
	PB := h.P * h.B
	c := &hdCoord{xj: m.input(h.prefix+"xj", PB, 1)}
	c.uj, c.ujj = h.N1, h.N2
	if h.trans != nil {
		c.aT = m.input(h.prefix+"A_tiled", PB, 1)
		c.ajj = m.input(h.prefix+"A_jj", PB, 1)
		c.cj = m.input(h.prefix+"C_j", PB, 1)
		c.cjj = m.input(h.prefix+"C_jj", PB, 1)
		N0 := m.keep(autodiff.Tile(h.N0, h.B))
		c.uj = m.add(m.add(m.mul(h.a1, N0), m.mul(c.aT, h.N1)), c.cj)
		c.ujj = m.add(m.add(m.mul(c.ajj, N0), m.scale(m.mul(h.a1, h.N1), 2)), m.add(m.mul(c.aT, h.N2), c.cjj))
	}
	h.coord = c
	return c, m.err
}

// coordSum is an elementwise sum over the coordinates whose body uses the
// field: the body per sampled coordinate (P·B×1), summed per point and
// rescaled by d/B (sparse STDE: unbiased for any sum of per-coordinate
// terms; exact with method taylor).
func (h *hdTerm) coordSum(m *model, body expr.Expr, comp func(expr.Expr) (*G.Node, error)) (*G.Node, error) {
	if _, err := h.coordCols(m); err != nil {
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
