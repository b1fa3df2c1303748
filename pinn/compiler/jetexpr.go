package compiler

import (
	"math"

	"github.com/gopinn/gopinn/autodiff"
	"github.com/gopinn/gopinn/pde/expr"
	G "gorgonia.org/gorgonia"
)

// leafFunc compiles the leaves whose meaning depends on the context (a
// field, a derivative, a hidden-term call): ok false hands e back to
// jetExpr.
type leafFunc func(e expr.Expr) (autodiff.Jet, bool, error)

// exprGraph is the one compiler of expressions into Gorgonia jets, shared
// by every kind of point set: a batch of the general compiler and the
// equation and conditions of a vector problem (highdim_residual.go). What
// differs between them is only the meaning of the leaves (leafFunc) and the
// rows of a constant column (konst: P for a per-point value, P·B for a
// per-sampled-coordinate one).
type exprGraph struct {
	konst func(v float64) *G.Node
}

// jetExpr compiles an expression into a jet of order K. leaf handles the
// names and operators whose meaning depends on the context (fields,
// derivatives, network outputs); everything else is arithmetic on jets.
func (b *batch) jetExpr(e expr.Expr, K int, leaf leafFunc) (autodiff.Jet, error) {
	return exprGraph{konst: b.constCol}.jet(e, K, leaf)
}

func (g exprGraph) jet(e expr.Expr, K int, leaf leafFunc) (autodiff.Jet, error) {
	if j, ok, err := leaf(e); ok || err != nil {
		return j, err
	}
	switch n := e.(type) {
	case *expr.Num:
		return autodiff.Const(g.konst(n.Value), K), nil
	case *expr.Unary:
		x, err := g.jet(n.X, K, leaf)
		if err != nil {
			return x, err
		}
		return autodiff.Neg(x)
	case *expr.Binary:
		return g.binary(n, K, leaf)
	case *expr.Call:
		return g.call(n, K, leaf)
	}
	return autodiff.Jet{}, expr.Errorf(e.Position(), "%s is not supported here", e.String())
}

func numValue(e expr.Expr) (float64, bool) {
	if n, ok := e.(*expr.Num); ok {
		return n.Value, true
	}
	return 0, false
}

func (g exprGraph) binary(n *expr.Binary, K int, leaf leafFunc) (autodiff.Jet, error) {
	lv, lnum := numValue(n.L)
	rv, rnum := numValue(n.R)
	if lnum && rnum { // unfolded constant arithmetic such as 2*pi
		v, err := expr.Eval(n, nil, nil)
		if err != nil {
			return autodiff.Jet{}, err
		}
		return autodiff.Const(g.konst(v), K), nil
	}
	// A numeric operand stays a number (Scale, AddConst, Pow): no constant
	// column and no jet product for it.
	var l, r autodiff.Jet
	var err error
	if !lnum || n.Op == '/' || (n.Op == '^' && rnum) {
		if l, err = g.jet(n.L, K, leaf); err != nil {
			return l, err
		}
	}
	if !rnum {
		if r, err = g.jet(n.R, K, leaf); err != nil {
			return r, err
		}
	}
	switch n.Op {
	case '+', '-':
		sign := 1.0
		if n.Op == '-' {
			sign = -1
		}
		switch {
		case rnum:
			return autodiff.AddConst(l, sign*rv)
		case lnum:
			if sign < 0 {
				if r, err = autodiff.Neg(r); err != nil {
					return r, err
				}
			}
			return autodiff.AddConst(r, lv)
		case sign < 0:
			return autodiff.Sub(l, r)
		}
		return autodiff.Add(l, r)
	case '*':
		switch {
		case lnum:
			return autodiff.Scale(r, lv)
		case rnum:
			return autodiff.Scale(l, rv)
		}
		return autodiff.Mul(l, r)
	case '/':
		if rnum {
			return autodiff.Scale(l, 1/rv)
		}
		return autodiff.Div(l, r)
	case '^':
		switch {
		case rnum:
			return g.power(l, rv)
		case lnum:
			// c^r = exp(r ln c)
			if lv <= 0 {
				return r, expr.Errorf(n.P, "power with base %g <= 0 and a non-constant exponent", lv)
			}
			s, err := autodiff.Scale(r, math.Log(lv))
			if err != nil {
				return s, err
			}
			return g.apply("exp", s, n.P)
		}
		// l^r = exp(r log l)
		lg, err := g.apply("log", l, n.P)
		if err != nil {
			return lg, err
		}
		p, err := autodiff.Mul(r, lg)
		if err != nil {
			return p, err
		}
		return g.apply("exp", p, n.P)
	}
	return autodiff.Jet{}, expr.Errorf(n.P, "unknown operator %q", string(n.Op))
}

// power raises a jet to a constant power; small integer powers are exact
// products (valid for negative bases).
func (g exprGraph) power(x autodiff.Jet, p float64) (autodiff.Jet, error) {
	switch p {
	case 0:
		return autodiff.Const(g.konst(1), x.Order()), nil
	case 1:
		return x, nil
	case 2:
		return autodiff.Mul(x, x)
	case 3:
		x2, err := autodiff.Mul(x, x)
		if err != nil {
			return x2, err
		}
		return autodiff.Mul(x2, x)
	case 4:
		x2, err := autodiff.Mul(x, x)
		if err != nil {
			return x2, err
		}
		return autodiff.Mul(x2, x2)
	}
	return autodiff.Pow(x, p)
}

func (g exprGraph) apply(fn string, x autodiff.Jet, p expr.Pos) (autodiff.Jet, error) {
	t, ok := autodiff.Lookup(fn)
	if !ok {
		return x, expr.Errorf(p, "function %s has no Taylor rule", fn)
	}
	return autodiff.Apply(x, t)
}

func (g exprGraph) call(n *expr.Call, K int, leaf leafFunc) (autodiff.Jet, error) {
	args := make([]autodiff.Jet, len(n.Args))
	for i, a := range n.Args {
		j, err := g.jet(a, K, leaf)
		if err != nil {
			return j, err
		}
		args[i] = j
	}
	switch n.Func {
	case "min", "max":
		if len(args) != 2 {
			return autodiff.Jet{}, expr.Errorf(n.P, "%s takes 2 arguments", n.Func)
		}
		// min/max(a,b) = (a+b)/2 -/+ |a-b|/2: differentiates along the active branch.
		s, err := autodiff.Add(args[0], args[1])
		if err != nil {
			return s, err
		}
		d, err := autodiff.Sub(args[0], args[1])
		if err != nil {
			return d, err
		}
		ad, err := g.apply("abs", d, n.P)
		if err != nil {
			return ad, err
		}
		if s, err = autodiff.Scale(s, 0.5); err != nil {
			return s, err
		}
		if ad, err = autodiff.Scale(ad, 0.5); err != nil {
			return ad, err
		}
		if n.Func == "min" {
			return autodiff.Sub(s, ad)
		}
		return autodiff.Add(s, ad)
	}
	if len(args) != 1 {
		return autodiff.Jet{}, expr.Errorf(n.P, "%s(...) is not supported here", n.Func)
	}
	return g.apply(n.Func, args[0], n.P)
}
