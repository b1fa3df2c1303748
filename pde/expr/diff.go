package expr

import "fmt"

// Diff differentiates e symbolically with respect to the variable v.
//
// Names in fields (solution fields and raw network outputs N, N_u) are
// functions of every variable: they become Deriv nodes, and a Deriv of a
// field gets v appended to its Wrt. The name v itself has derivative 1; any
// other name is a constant (parameters, other variables). Products,
// quotients and general powers (u^c, c^u and u^w), and the chain rule for
// every built-in are applied; abs differentiates to sign (so along the
// active branch, like min and max, which are rewritten as
// (a+b)/2 -+ |a-b|/2 first). Hidden-term calls and dn cannot be
// differentiated. lap and biharm of a field need the space variables, which
// Diff is not told: use DiffSpace for those. The result is simplified.
func Diff(e Expr, v string, fields map[string]bool) (Expr, error) {
	return DiffSpace(e, v, fields, nil)
}

// DiffSpace is Diff for expressions that may contain lap(u) or biharm(u) of
// a field u: space lists the space variables those operators sum over, so
// that d/dv lap(u) becomes sum_s d(u, s, s, v).
func DiffSpace(e Expr, v string, fields map[string]bool, space []string) (Expr, error) {
	d := differ{fields: fields, space: space}
	r, err := d.diff(e, v)
	if err != nil {
		return nil, err
	}
	return Simplify(r), nil
}

type differ struct {
	fields map[string]bool
	space  []string
}

func num(p Pos, v float64) Expr { return &Num{P: p, Value: v} }

func (d differ) diff(e Expr, v string) (Expr, error) {
	p := e.Position()
	switch n := e.(type) {
	case *Num:
		return num(p, 0), nil
	case *Ident:
		switch {
		case d.fields[n.Name]:
			return &Deriv{P: p, Of: &Ident{P: p, Name: n.Name}, Wrt: []string{v}}, nil
		case n.Name == v:
			return num(p, 1), nil
		}
		return num(p, 0), nil
	case *Deriv:
		if id, ok := n.Of.(*Ident); ok && d.fields[id.Name] {
			wrt := append(append([]string(nil), n.Wrt...), v)
			return &Deriv{P: p, Of: &Ident{P: id.P, Name: id.Name}, Wrt: wrt}, nil
		}
		// A derivative of an expression: carry out the inner derivatives
		// first, then this one.
		inner := n.Of
		for _, w := range n.Wrt {
			var err error
			if inner, err = d.diff(inner, w); err != nil {
				return nil, err
			}
			inner = Simplify(inner)
		}
		return d.diff(inner, v)
	case *Unary:
		dx, err := d.diff(n.X, v)
		if err != nil {
			return nil, err
		}
		return neg(p, dx), nil
	case *Binary:
		dl, err := d.diff(n.L, v)
		if err != nil {
			return nil, err
		}
		dr, err := d.diff(n.R, v)
		if err != nil {
			return nil, err
		}
		dl, dr = Simplify(dl), Simplify(dr)
		l, r := n.L, n.R
		switch n.Op {
		case '+':
			return add(p, dl, dr), nil
		case '-':
			return sub(p, dl, dr), nil
		case '*':
			return add(p, mul(p, dl, r), mul(p, l, dr)), nil
		case '/':
			// d(l/r) = dl/r - l*dr/r^2
			return sub(p, div(p, dl, r), div(p, mul(p, l, dr), pow(p, r, num(p, 2)))), nil
		case '^':
			if isNum(dr, 0) {
				// Power rule; the exponent does not depend on v.
				return mul(p, mul(p, r, pow(p, l, Simplify(sub(p, r, num(p, 1))))), dl), nil
			}
			if isNum(dl, 0) {
				// Exponential rule: the base does not depend on v.
				return mul(p, mul(p, pow(p, l, r), call(p, "log", l)), dr), nil
			}
			// l^r = exp(r log l): d = l^r * (dr*log(l) + r*dl/l)
			return mul(p, pow(p, l, r), add(p, mul(p, dr, call(p, "log", l)), div(p, mul(p, r, dl), l))), nil
		}
		return nil, Errorf(p, "cannot differentiate operator %q", n.Op)
	case *Call:
		return d.diffCall(n, v)
	case *Index, *IndexedSum, *VecLit:
		return nil, Errorf(p, "cannot differentiate vector expression %s", e)
	}
	return nil, fmt.Errorf("diff: unexpected node %T", e)
}

func (d differ) diffCall(n *Call, v string) (Expr, error) {
	p := n.P
	if b, ok := builtins[n.Func]; ok {
		if len(n.Args) != b.arity {
			return nil, Errorf(p, "%s takes %d argument%s, got %d", n.Func, b.arity, plural(b.arity), len(n.Args))
		}
		a := n.Args[0]
		if b.arity == 2 {
			// min(a,b) = (a+b)/2 - |a-b|/2, max(a,b) = (a+b)/2 + |a-b|/2:
			// the derivative of |.| is sign(.), i.e. the active branch.
			c := n.Args[1]
			half := num(p, 0.5)
			mean := mul(p, half, add(p, a, c))
			dev := mul(p, half, call(p, "abs", sub(p, a, c)))
			if n.Func == "min" {
				return d.diff(sub(p, mean, dev), v)
			}
			return d.diff(add(p, mean, dev), v)
		}
		da, err := d.diff(a, v)
		if err != nil {
			return nil, err
		}
		da = Simplify(da)
		if isNum(da, 0) {
			return num(p, 0), nil
		}
		one := num(p, 1)
		var outer Expr // f'(a)
		switch n.Func {
		case "sin":
			outer = call(p, "cos", a)
		case "cos":
			outer = neg(p, call(p, "sin", a))
		case "tan":
			outer = add(p, one, pow(p, call(p, "tan", a), num(p, 2)))
		case "exp":
			outer = call(p, "exp", a)
		case "log":
			return div(p, da, a), nil
		case "sqrt":
			return div(p, da, mul(p, num(p, 2), call(p, "sqrt", a))), nil
		case "abs":
			outer = call(p, "sign", a)
		case "sign", "heaviside":
			return num(p, 0), nil
		case "tanh":
			outer = sub(p, one, pow(p, call(p, "tanh", a), num(p, 2)))
		case "sinh":
			outer = call(p, "cosh", a)
		case "cosh":
			outer = call(p, "sinh", a)
		case "arctan":
			return div(p, da, add(p, one, pow(p, a, num(p, 2)))), nil
		case "sigmoid":
			s := call(p, "sigmoid", a)
			outer = mul(p, s, sub(p, one, s))
		default:
			return nil, Errorf(p, "cannot differentiate %s", n.Func)
		}
		return mul(p, outer, da), nil
	}
	switch n.Func {
	case "lap", "biharm":
		if len(n.Args) != 1 {
			return nil, Errorf(p, "%s takes 1 argument, got %d", n.Func, len(n.Args))
		}
		id, ok := n.Args[0].(*Ident)
		if !ok || !d.fields[id.Name] {
			return nil, Errorf(p, "cannot differentiate %s of %s", n.Func, n.Args[0])
		}
		if d.space == nil {
			return nil, Errorf(p, "cannot differentiate %s(%s) without the space variables (use DiffSpace)", n.Func, id.Name)
		}
		var sum Expr = num(p, 0)
		for _, s := range d.space {
			if n.Func == "lap" {
				sum = add(p, sum, &Deriv{P: p, Of: &Ident{P: id.P, Name: id.Name}, Wrt: []string{s, s, v}})
				continue
			}
			for _, r := range d.space {
				sum = add(p, sum, &Deriv{P: p, Of: &Ident{P: id.P, Name: id.Name}, Wrt: []string{s, s, r, r, v}})
			}
		}
		return sum, nil
	case "dn":
		return nil, Errorf(p, "cannot differentiate dn(...)")
	}
	if operators[n.Func] {
		return nil, Errorf(p, "cannot differentiate %s(...)", n.Func)
	}
	return nil, Errorf(p, "cannot differentiate hidden term %s", n.Func)
}
