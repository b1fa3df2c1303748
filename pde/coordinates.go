package pde

import (
	"fmt"
	"maps"
	"math"

	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/sampling"
)

// CoordinateName is the name of coordinate k (1-based) of the vector
// variable vec as a scalar variable: "x[3]". It is also the column name of
// that coordinate in data, reference and evaluation-point CSV files.
func CoordinateName(vec string, k int) string { return fmt.Sprintf("%s[%d]", vec, k) }

// Coordinates returns the problem with its vector variable x ∈ R^D written
// as D scalar variables x[1], ..., x[D] (then t): the domain becomes the box
// of their intervals (vector box) or a D-ball Geometry centred at the
// origin, "boundary" selects every face of the box or the sphere, and every
// expression with vector forms is expanded over the coordinates
// (ExpandVector). The result is an ordinary problem of scalar variables, so
// every feature of the scalar compiler applies to it; its expressions grow
// with D, which suits moderate dimensions (the exact Laplacian is D
// second-order jets per point). A problem without a vector variable is
// returned as it is.
func (p *Problem) Coordinates() (*Problem, error) {
	v := p.Vector
	if v == nil {
		return p, nil
	}
	q := *p
	q.Vector = nil
	q.Variables = nil
	lo, hi := v.Lo, v.Hi
	if v.Domain == "ball" {
		lo, hi = -v.Radius, v.Radius
		q.Geometry = sampling.CenteredBall(v.Dim, v.Radius)
	}
	for k := 1; k <= v.Dim; k++ {
		q.Variables = append(q.Variables, Variable{Name: CoordinateName(v.Name, k), Lo: lo, Hi: hi})
	}
	for _, sv := range p.Variables {
		if sv.Name != RadialName {
			q.Variables = append(q.Variables, sv)
		}
	}
	ex := func(e expr.Expr) (expr.Expr, error) { return ExpandVector(e, v, p.VectorConstants) }
	var err error
	q.Equations = append([]Term(nil), p.Equations...)
	for i := range q.Equations {
		if q.Equations[i].Residual, err = ex(q.Equations[i].Residual); err != nil {
			return nil, fmt.Errorf("equation %q: %w", q.Equations[i].Name, err)
		}
	}
	q.Conditions = append([]Condition(nil), p.Conditions...)
	for i := range q.Conditions {
		c := &q.Conditions[i]
		if c.Residual != nil {
			if c.Residual, err = ex(c.Residual); err != nil {
				return nil, fmt.Errorf("condition %q: %w", c.Name, err)
			}
		}
		if v.Domain == "box" {
			c.On = boxBoundary(c.On, q.Variables)
		}
	}
	q.Hidden = append([]Hidden(nil), p.Hidden...)
	for i := range q.Hidden {
		h := &q.Hidden[i]
		h.Inputs = append([]expr.Expr(nil), h.Inputs...)
		for j := range h.Inputs {
			if h.Inputs[j], err = ex(h.Inputs[j]); err != nil {
				return nil, fmt.Errorf("hidden %q: input %d: %w", h.Name, j+1, err)
			}
		}
	}
	if p.Exact != nil {
		q.Exact = maps.Clone(p.Exact)
		for name, e := range q.Exact {
			if q.Exact[name], err = ex(e); err != nil {
				return nil, fmt.Errorf("exact %q: %w", name, err)
			}
		}
	}
	return &q, nil
}

// boxBoundary replaces the selector "boundary" of a vector box by its
// faces: both ends of every space coordinate.
func boxBoundary(on []Face, vars []Variable) []Face {
	var out []Face
	for _, f := range on {
		if f.Var != BoundaryFace {
			out = append(out, f)
			continue
		}
		for _, v := range vars {
			if !v.IsTime() {
				out = append(out, Face{Var: v.Name, Value: v.Lo, Side: -1}, Face{Var: v.Name, Value: v.Hi, Side: 1})
			}
		}
	}
	return out
}

// ExpandVector writes a resolved expression with vector forms as an
// expression of the scalar coordinates x[1..D] (CoordinateName): x[i] with
// a constant index becomes coordinate i, c[i] of a vector constant its
// value, norm2(x) the sum of squares, an elementwise sum(e) the sum over k
// of e with x standing for x[k] (and d(u, x) for d(u, x[k])), max(e) and
// min(e) nested maxima and minima, sum(i, a, b, body) the sum of its terms,
// and lap(f) of a field-free f the sum of its symbolic second derivatives.
// Sums are balanced trees (depth log D).
func ExpandVector(e expr.Expr, v *VectorVariable, consts map[string][]float64) (expr.Expr, error) {
	x := &expander{v: v, consts: consts, env: map[string]int{}}
	return x.expand(e)
}

type expander struct {
	v      *VectorVariable
	consts map[string][]float64
	env    map[string]int // index variables of enclosing indexed sums
	elem   int            // inside an elementwise reduction: the current coordinate (1-based); 0 outside
}

func (x *expander) coord(p expr.Pos, k int) expr.Expr {
	return &expr.Ident{P: p, Name: CoordinateName(x.v.Name, k)}
}

func (x *expander) expand(e expr.Expr) (expr.Expr, error) {
	switch n := e.(type) {
	case nil:
		return nil, nil
	case *expr.Num:
		return n, nil
	case *expr.Ident:
		if n.Name == x.v.Name {
			if x.elem == 0 {
				return nil, expr.Errorf(n.P, "%s as a whole is a vector: use it inside sum(...), norm2(...) or as %s[i]", n.Name, n.Name)
			}
			return x.coord(n.P, x.elem), nil
		}
		if c, ok := x.consts[n.Name]; ok {
			if x.elem == 0 || x.elem > len(c) {
				return nil, expr.Errorf(n.P, "vector constant %s used as a whole outside an elementwise sum", n.Name)
			}
			return &expr.Num{P: n.P, Value: c[x.elem-1]}, nil
		}
		if k, ok := x.env[n.Name]; ok {
			return &expr.Num{P: n.P, Value: float64(k)}, nil
		}
		return n, nil
	case *expr.Index:
		k, err := x.integer(n.Index)
		if err != nil {
			return nil, err
		}
		if n.Name == x.v.Name {
			if k < 1 || k > x.v.Dim {
				return nil, expr.Errorf(n.P, "%s[%d] is outside 1..%d", n.Name, k, x.v.Dim)
			}
			return x.coord(n.P, k), nil
		}
		c, ok := x.consts[n.Name]
		if !ok {
			return nil, expr.Errorf(n.P, "%s is not a vector", n.Name)
		}
		if k < 1 || k > len(c) {
			return nil, expr.Errorf(n.P, "%s[%d] is outside 1..%d", n.Name, k, len(c))
		}
		return &expr.Num{P: n.P, Value: c[k-1]}, nil
	case *expr.IndexedSum:
		from, err := x.integer(n.From)
		if err != nil {
			return nil, err
		}
		to, err := x.integer(n.To)
		if err != nil {
			return nil, err
		}
		old, had := x.env[n.Var]
		defer func() {
			if had {
				x.env[n.Var] = old
			} else {
				delete(x.env, n.Var)
			}
		}()
		var terms []expr.Expr
		for k := from; k <= to; k++ {
			x.env[n.Var] = k
			t, err := x.expand(n.Body)
			if err != nil {
				return nil, err
			}
			terms = append(terms, t)
		}
		return fold(n.P, '+', terms), nil
	case *expr.Unary:
		a, err := x.expand(n.X)
		if err != nil {
			return nil, err
		}
		return &expr.Unary{P: n.P, Op: n.Op, X: a}, nil
	case *expr.Binary:
		l, err := x.expand(n.L)
		if err != nil {
			return nil, err
		}
		r, err := x.expand(n.R)
		if err != nil {
			return nil, err
		}
		return &expr.Binary{P: n.P, Op: n.Op, L: l, R: r}, nil
	case *expr.Deriv:
		of, err := x.expand(n.Of)
		if err != nil {
			return nil, err
		}
		wrt := make([]string, len(n.Wrt))
		for i, w := range n.Wrt {
			wrt[i] = w
			if w == x.v.Name {
				if x.elem == 0 {
					return nil, expr.Errorf(n.P, "d(..., %s) is a vector: use it inside sum(...)", w)
				}
				wrt[i] = CoordinateName(w, x.elem)
			}
		}
		return &expr.Deriv{P: n.P, Of: of, Wrt: wrt}, nil
	case *expr.Call:
		return x.call(n)
	}
	return nil, fmt.Errorf("expand %s: unexpected expression %T", e, e)
}

func (x *expander) call(n *expr.Call) (expr.Expr, error) {
	if x.elem == 0 && len(n.Args) == 1 && (expr.IsReduction(n) || n.Func == "norm2") {
		var terms []expr.Expr
		for k := 1; k <= x.v.Dim; k++ {
			x.elem = k
			t, err := x.expand(n.Args[0])
			x.elem = 0
			if err != nil {
				return nil, err
			}
			if n.Func == "norm2" {
				t = &expr.Binary{P: n.P, Op: '*', L: t, R: t}
			}
			terms = append(terms, t)
		}
		switch n.Func {
		case "max", "min":
			return foldCall(n.P, n.Func, terms), nil
		}
		return fold(n.P, '+', terms), nil
	}
	args := make([]expr.Expr, len(n.Args))
	for i, a := range n.Args {
		var err error
		if args[i], err = x.expand(a); err != nil {
			return nil, err
		}
	}
	if n.Func == "lap" && len(args) == 1 && expr.IsVector(n.Args[0]) {
		// lap of a field-free expression of x (a forcing from lap(exact(u))):
		// the sum of its second derivatives in the coordinates
		var terms []expr.Expr
		for k := 1; k <= x.v.Dim; k++ {
			c := CoordinateName(x.v.Name, k)
			d1, err := expr.Diff(args[0], c, nil)
			if err != nil {
				return nil, err
			}
			d2, err := expr.Diff(d1, c, nil)
			if err != nil {
				return nil, err
			}
			terms = append(terms, d2)
		}
		return expr.Simplify(fold(n.P, '+', terms)), nil
	}
	return &expr.Call{P: n.P, Func: n.Func, Args: args}, nil
}

// integer evaluates an index expression (numbers, d, enclosing sum indices)
// to an integer.
func (x *expander) integer(e expr.Expr) (int, error) {
	ie, err := x.expand(e)
	if err != nil {
		return 0, err
	}
	v, err := expr.Eval(ie, nil, nil)
	if err != nil {
		return 0, err
	}
	if v != math.Trunc(v) || math.Abs(v) > 1<<31 {
		return 0, expr.Errorf(e.Position(), "index %s = %g is not an integer", e, v)
	}
	return int(v), nil
}

// fold joins terms with a binary operator as a balanced tree.
func fold(p expr.Pos, op byte, terms []expr.Expr) expr.Expr {
	switch len(terms) {
	case 0:
		return &expr.Num{P: p, Value: 0}
	case 1:
		return terms[0]
	}
	m := len(terms) / 2
	return &expr.Binary{P: p, Op: op, L: fold(p, op, terms[:m]), R: fold(p, op, terms[m:])}
}

// foldCall nests a two-argument function (max, min) as a balanced tree.
func foldCall(p expr.Pos, fn string, terms []expr.Expr) expr.Expr {
	if len(terms) == 1 {
		return terms[0]
	}
	m := len(terms) / 2
	return &expr.Call{P: p, Func: fn, Args: []expr.Expr{foldCall(p, fn, terms[:m]), foldCall(p, fn, terms[m:])}}
}
