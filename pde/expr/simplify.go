package expr

import "math"

// Simplify folds constants and removes identities: x+0, x-0, 0-x, x*1,
// x*0, 0/x, x/1, x^1, x^0, 1^x, --x, x-x, and moves signs and numeric
// factors to the front of products (2*(-u) becomes -2*u). Each rule holds
// for every finite value of the operands; the only numeric change is
// rounding where two numeric factors are merged (c1*(c2*x) -> (c1c2)*x).
// Constants are never folded into Inf or NaN, so the result still prints as
// parseable text. e itself is not modified.
func Simplify(e Expr) Expr {
	switch n := e.(type) {
	case *Num:
		return &Num{P: n.P, Value: n.Value}
	case *Ident:
		return &Ident{P: n.P, Name: n.Name}
	case *Unary:
		x := Simplify(n.X)
		if n.Op != '-' {
			return &Unary{P: n.P, Op: n.Op, X: x}
		}
		return neg(n.P, x)
	case *Binary:
		l, r := Simplify(n.L), Simplify(n.R)
		return binary(n.P, n.Op, l, r)
	case *Call:
		args := make([]Expr, len(n.Args))
		for i, a := range n.Args {
			args[i] = Simplify(a)
		}
		return call(n.P, n.Func, args...)
	case *Deriv:
		return &Deriv{P: n.P, Of: Simplify(n.Of), Wrt: append([]string(nil), n.Wrt...)}
	case *Index:
		return &Index{P: n.P, Name: n.Name, Index: Simplify(n.Index)}
	case *IndexedSum:
		return &IndexedSum{P: n.P, Var: n.Var, From: Simplify(n.From), To: Simplify(n.To), Body: Simplify(n.Body)}
	case *VecLit:
		elems := make([]Expr, len(n.Elems))
		for i, a := range n.Elems {
			elems[i] = Simplify(a)
		}
		return &VecLit{P: n.P, Elems: elems}
	}
	return e
}

func binary(p Pos, op byte, l, r Expr) Expr {
	switch op {
	case '+':
		return add(p, l, r)
	case '-':
		return sub(p, l, r)
	case '*':
		return mul(p, l, r)
	case '/':
		return div(p, l, r)
	case '^':
		return pow(p, l, r)
	}
	return &Binary{P: p, Op: op, L: l, R: r}
}

// numVal reports whether e is a literal, and its value.
func numVal(e Expr) (float64, bool) {
	if n, ok := e.(*Num); ok {
		return n.Value, true
	}
	return 0, false
}

func isNum(e Expr, v float64) bool {
	x, ok := numVal(e)
	return ok && x == v
}

// fold returns a literal for v, or nil if v has no literal (Inf, NaN).
func fold(p Pos, v float64) Expr {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return nil
	}
	return &Num{P: p, Value: v}
}

func neg(p Pos, x Expr) Expr {
	switch n := x.(type) {
	case *Num:
		return &Num{P: p, Value: -n.Value}
	case *Unary:
		if n.Op == '-' {
			return n.X
		}
	case *Binary:
		// Absorb the sign into a leading numeric factor: -(2*u) -> -2*u.
		if c, rest, ok := coef(n); ok && rest != nil {
			return attach(n.P, -c, rest)
		}
		if c, ok := numVal(n.L); ok && n.Op == '/' {
			return div(n.P, &Num{P: n.L.Position(), Value: -c}, n.R)
		}
	}
	return &Unary{P: p, Op: '-', X: x}
}

func add(p Pos, l, r Expr) Expr {
	a, aok := numVal(l)
	b, bok := numVal(r)
	if aok && bok {
		if f := fold(p, a+b); f != nil {
			return f
		}
	}
	switch {
	case aok && a == 0:
		return r
	case bok && b == 0:
		return l
	case bok && b < 0:
		return sub(p, l, &Num{P: r.Position(), Value: -b})
	}
	if u, ok := r.(*Unary); ok && u.Op == '-' {
		return sub(p, l, u.X)
	}
	if c, rest, ok := coef(r); ok && rest != nil && c < 0 {
		return sub(p, l, attach(r.Position(), -c, rest))
	}
	if u, ok := l.(*Unary); ok && u.Op == '-' {
		return sub(p, r, u.X)
	}
	return &Binary{P: p, Op: '+', L: l, R: r}
}

func sub(p Pos, l, r Expr) Expr {
	a, aok := numVal(l)
	b, bok := numVal(r)
	if aok && bok {
		if f := fold(p, a-b); f != nil {
			return f
		}
	}
	switch {
	case bok && b == 0:
		return l
	case aok && a == 0:
		return neg(p, r)
	case bok && b < 0:
		return add(p, l, &Num{P: r.Position(), Value: -b})
	case Equal(l, r):
		return &Num{P: p, Value: 0}
	}
	if u, ok := r.(*Unary); ok && u.Op == '-' {
		return add(p, l, u.X)
	}
	if c, rest, ok := coef(r); ok && rest != nil && c < 0 {
		return add(p, l, attach(r.Position(), -c, rest))
	}
	return &Binary{P: p, Op: '-', L: l, R: r}
}

func mul(p Pos, l, r Expr) Expr {
	a, aok := numVal(l)
	b, bok := numVal(r)
	if aok && bok {
		if f := fold(p, a*b); f != nil {
			return f
		}
	}
	switch {
	case aok && a == 0 || bok && b == 0:
		return &Num{P: p, Value: 0}
	case aok && a == 1:
		return r
	case bok && b == 1:
		return l
	case aok && a == -1:
		return neg(p, r)
	case bok && b == -1:
		return neg(p, l)
	case bok && !aok:
		// Numbers first, so that factors meet and fold below.
		return mul(p, r, l)
	}
	if u, ok := l.(*Unary); ok && u.Op == '-' {
		return neg(p, mul(p, u.X, r))
	}
	if u, ok := r.(*Unary); ok && u.Op == '-' {
		return neg(p, mul(p, l, u.X))
	}
	// Gather the numeric factors of both sides into one leading
	// coefficient: lam*(2*x) -> 2*lam*x, (2*u)*(3*v) -> 6*u*v.
	cl, rl, okl := coef(l)
	cr, rr, okr := coef(r)
	if okl || okr {
		if c := cl * cr; isFinite(c) {
			body := rl
			switch {
			case rl == nil:
				body = rr
			case rr != nil:
				body = chain(p, rl, rr)
			}
			return attach(p, c, body)
		}
	}
	return &Binary{P: p, Op: '*', L: l, R: r}
}

// coef splits a product chain with a numeric leftmost factor, ((c*a)*b)*...,
// into c and the rest (nil if e is just a number). ok is false, with c = 1
// and rest = e, if there is no numeric factor to take.
func coef(e Expr) (c float64, rest Expr, ok bool) {
	switch n := e.(type) {
	case *Num:
		return n.Value, nil, true
	case *Binary:
		if n.Op != '*' {
			break
		}
		if c, ok := numVal(n.L); ok {
			return c, n.R, true
		}
		if c, rest, ok := coef(n.L); ok && rest != nil {
			return c, &Binary{P: n.P, Op: '*', L: rest, R: n.R}, true
		}
	}
	return 1, e, false
}

// chain returns l*r as one left-leaning product chain, l*a*b rather than
// l*(a*b), so that it prints without parentheses.
func chain(p Pos, l, r Expr) Expr {
	if b, ok := r.(*Binary); ok && b.Op == '*' {
		return &Binary{P: b.P, Op: '*', L: chain(p, l, b.L), R: b.R}
	}
	return &Binary{P: p, Op: '*', L: l, R: r}
}

// attach multiplies body (nil meaning 1) by c, putting c leftmost in the
// product chain so that the result prints as c*a*b.
func attach(p Pos, c float64, body Expr) Expr {
	switch {
	case body == nil:
		return &Num{P: p, Value: c}
	case c == 0:
		return &Num{P: p, Value: 0}
	case c == 1:
		return body
	case c == -1:
		return &Unary{P: p, Op: '-', X: body}
	}
	var put func(e Expr) Expr
	put = func(e Expr) Expr {
		if b, ok := e.(*Binary); ok && b.Op == '*' {
			return &Binary{P: b.P, Op: '*', L: put(b.L), R: b.R}
		}
		return &Binary{P: p, Op: '*', L: &Num{P: p, Value: c}, R: e}
	}
	return put(body)
}

func div(p Pos, l, r Expr) Expr {
	a, aok := numVal(l)
	b, bok := numVal(r)
	if aok && bok && b != 0 {
		if f := fold(p, a/b); f != nil {
			return f
		}
	}
	if bok && b != 0 && b != 1 && b != -1 {
		// (c*x)/k -> (c/k)*x, so that 2*u*u_x/2 becomes u*u_x.
		if c, rest, ok := coef(l); ok && rest != nil {
			if q := c / b; isFinite(q) {
				return attach(p, q, rest)
			}
		}
	}
	switch {
	case aok && a == 0 && !(bok && b == 0):
		return &Num{P: p, Value: 0}
	case bok && b == 1:
		return l
	case bok && b == -1:
		return neg(p, l)
	}
	if u, ok := l.(*Unary); ok && u.Op == '-' {
		return neg(p, div(p, u.X, r))
	}
	if u, ok := r.(*Unary); ok && u.Op == '-' {
		return neg(p, div(p, l, u.X))
	}
	return &Binary{P: p, Op: '/', L: l, R: r}
}

func pow(p Pos, l, r Expr) Expr {
	a, aok := numVal(l)
	b, bok := numVal(r)
	if aok && bok {
		if f := fold(p, math.Pow(a, b)); f != nil {
			return f
		}
	}
	switch {
	case bok && b == 1:
		return l
	case bok && b == 0, aok && a == 1:
		// x^0 = 1 and 1^x = 1 for every x, NaN included (IEEE pow).
		return &Num{P: p, Value: 1}
	}
	return &Binary{P: p, Op: '^', L: l, R: r}
}

// call folds a built-in of literals; anything else is rebuilt as is.
func call(p Pos, name string, args ...Expr) Expr {
	if b, ok := builtins[name]; ok && len(args) == b.arity {
		if x, ok := numVal(args[0]); ok {
			if b.arity == 1 {
				if f := fold(p, b.f1(x)); f != nil {
					return f
				}
			} else if y, ok := numVal(args[1]); ok {
				if f := fold(p, b.f2(x, y)); f != nil {
					return f
				}
			}
		}
	}
	return &Call{P: p, Func: name, Args: args}
}
