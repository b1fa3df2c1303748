package expr

import (
	"fmt"
	"strings"
)

// div(V) of a vector expression V over the space variables x_1..x_n
// (SPEC §9): grad(f), a scalar times a vector (either order, -V), sums and
// differences of vectors, a vector divided by a scalar, and a literal
// [e1, ..., en]. Resolve lowers it to scalars so that nothing downstream
// sees a vector: div(V) = sum_i d(V_i, x_i).
//
// The lowering follows the structure of V rather than building the
// components and differentiating them, so that the operators the compiler
// treats specially survive: div(grad(f)) is lap(f) (a call for a field,
// which a stochastic estimator may replace), sums distribute, and a scalar
// factor s uses the product rule at the vector level,
//
//	div(s V) = s div(V) + sum_i d(s, x_i) V_i,
//	div(V/s) = div(V)/s - (sum_i d(s, x_i) V_i)/s^2,
//
// whose gradient term vanishes when s does not depend on space. So
// div(k*grad(u)) is k*lap(u) + sum_i d(k, x_i)*d(u, x_i), the same as
// sum_i d(k*d(u, x_i), x_i) expanded. Only the gradient term and literals
// need the components V_i; those are resolved scalars (Deriv of fields,
// symbolic derivatives of the rest by DiffSpace).

// vecVal is a resolved vector expression: its divergence, and its
// components, one per space variable. comps is nil with a vector variable
// (Scope.VectorVars), whose coordinates are not names the resolved tree can
// differentiate by; then only the forms that need no components work.
type vecVal struct {
	div   Expr
	comps []Expr
}

// isVectorForm reports whether the unresolved e is a vector at its top:
// grad(...), a literal, or arithmetic with a vector operand. A vector
// hidden deeper (sin(grad(u))) is a scalar context and an error there.
func isVectorForm(e Expr) bool {
	switch n := e.(type) {
	case *VecLit:
		return true
	case *Call:
		return n.Func == "grad"
	case *Unary:
		return isVectorForm(n.X)
	case *Binary:
		return isVectorForm(n.L) || isVectorForm(n.R)
	}
	return false
}

// divergence resolves div(...) to a scalar expression.
func (r *resolver) divergence(n *Call) (Expr, error) {
	if err := arity(n, 1); err != nil {
		return nil, err
	}
	if len(r.space) == 0 && len(r.s.VectorVars) == 0 {
		return nil, Errorf(n.P, "div(...) needs space variables (t is not one)")
	}
	v, err := r.vector(n.Args[0])
	if err != nil {
		return nil, err
	}
	return v.div, checkOrder(v.div, &n.P)
}

// componentwise reports whether vector components can be written out: the
// space variables are scalar names.
func (r *resolver) componentwise() bool { return len(r.s.VectorVars) == 0 }

// noComponents is the error for a form that needs the components of a
// vector where the space is a vector variable.
func (r *resolver) noComponents(p Pos, what string) error {
	names := make([]string, 0, len(r.s.VectorVars))
	for k := range r.s.VectorVars {
		names = append(names, k)
	}
	if len(names) == 1 {
		return Errorf(p, "div(...) of %s is not supported with the vector variable %q: only grad(...), sums of them and space-independent multiples", what, names[0])
	}
	return Errorf(p, "div(...) of %s is not supported with vector variables: only grad(...), sums of them and space-independent multiples", what)
}

func (r *resolver) vector(e Expr) (*vecVal, error) {
	switch n := e.(type) {
	case *Call:
		if n.Func == "grad" {
			return r.grad(n)
		}
	case *VecLit:
		return r.vecLit(n)
	case *Unary:
		if isVectorForm(n.X) {
			x, err := r.vector(n.X)
			if err != nil {
				return nil, err
			}
			return mapVec(x, neg(n.P, x.div), func(c Expr) Expr { return neg(n.P, c) }), nil
		}
	case *Binary:
		if isVectorForm(n.L) || isVectorForm(n.R) {
			return r.vectorBinary(n)
		}
	}
	// A scalar: resolve it first, so that a vector misused inside it (or
	// an unknown name) is reported at its own token.
	if _, err := r.resolve(e); err != nil {
		return nil, err
	}
	return nil, Errorf(e.Position(), "div(...) takes a vector (grad(f), k*grad(f), a sum of vectors or [e1, ..., en]), got the scalar %s", e)
}

// mapVec returns the vector with divergence d and components f(V_i).
func mapVec(v *vecVal, d Expr, f func(Expr) Expr) *vecVal {
	out := &vecVal{div: d}
	if v.comps != nil {
		out.comps = make([]Expr, len(v.comps))
		for i, c := range v.comps {
			out.comps[i] = f(c)
		}
	}
	return out
}

// grad resolves grad(f): its divergence is lap(f), its components the
// first derivatives of f.
func (r *resolver) grad(n *Call) (*vecVal, error) {
	if err := arity(n, 1); err != nil {
		return nil, err
	}
	if isVectorForm(n.Args[0]) {
		return nil, Errorf(n.Args[0].Position(), "grad(...) takes a scalar, got the vector %s", n.Args[0])
	}
	f, err := r.resolve(n.Args[0])
	if err != nil {
		return nil, err
	}
	l, err := r.lap(f, n.P)
	if err != nil {
		return nil, err
	}
	out := &vecVal{div: l}
	if r.componentwise() {
		out.comps = make([]Expr, len(r.space))
		for i, s := range r.space {
			if out.comps[i], err = DiffSpace(f, s, r.diffFields, r.space); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func (r *resolver) vecLit(n *VecLit) (*vecVal, error) {
	if !r.componentwise() {
		return nil, r.noComponents(n.P, "a vector literal")
	}
	if len(n.Elems) != len(r.space) {
		return nil, Errorf(n.P, "vector literal has %d component%s, want %d (one per space variable: %s)",
			len(n.Elems), plural(len(n.Elems)), len(r.space), strings.Join(r.space, ", "))
	}
	out := &vecVal{comps: make([]Expr, len(n.Elems)), div: &Num{P: n.P, Value: 0}}
	for i, e := range n.Elems {
		if isVectorForm(e) {
			return nil, Errorf(e.Position(), "a component of a vector literal must be a scalar, got the vector %s", e)
		}
		c, err := r.resolve(e)
		if err != nil {
			return nil, err
		}
		dc, err := DiffSpace(c, r.space[i], r.diffFields, r.space)
		if err != nil {
			return nil, err
		}
		out.comps[i], out.div = c, add(n.P, out.div, dc)
	}
	return out, nil
}

func (r *resolver) vectorBinary(n *Binary) (*vecVal, error) {
	lv, rv := isVectorForm(n.L), isVectorForm(n.R)
	switch n.Op {
	case '+', '-':
		if !lv || !rv {
			what := map[byte]string{'+': "add", '-': "subtract"}[n.Op]
			return nil, Errorf(n.P, "cannot %s a vector and a scalar (%s)", what, n)
		}
		l, err := r.vector(n.L)
		if err != nil {
			return nil, err
		}
		rr, err := r.vector(n.R)
		if err != nil {
			return nil, err
		}
		out := &vecVal{div: binary(n.P, n.Op, l.div, rr.div)}
		if l.comps != nil && rr.comps != nil {
			out.comps = make([]Expr, len(l.comps))
			for i := range l.comps {
				out.comps[i] = binary(n.P, n.Op, l.comps[i], rr.comps[i])
			}
		}
		return out, nil
	case '*':
		if lv && rv {
			return nil, Errorf(n.P, "cannot multiply two vectors (%s): write a dot product out by components", n)
		}
		if lv {
			return r.scaled(n, n.R, n.L)
		}
		return r.scaled(n, n.L, n.R)
	case '/':
		if rv {
			return nil, Errorf(n.P, "cannot divide by a vector (%s)", n)
		}
		return r.scaled(n, n.R, n.L)
	}
	return nil, Errorf(n.P, "%c of a vector is not defined (%s): only +, -, scalar*vector and vector/scalar", n.Op, n)
}

// scaled resolves s*V, V*s (n.Op '*') and V/s (n.Op '/') by the product
// and quotient rules.
func (r *resolver) scaled(n *Binary, sx, vx Expr) (*vecVal, error) {
	s, err := r.resolve(sx)
	if err != nil {
		return nil, err
	}
	v, err := r.vector(vx)
	if err != nil {
		return nil, err
	}
	p := n.P
	var comp func(Expr) Expr
	var d Expr
	if n.Op == '*' {
		comp = func(c Expr) Expr {
			if vx == n.L {
				return mul(p, c, s)
			}
			return mul(p, s, c)
		}
		d = mul(p, s, v.div)
	} else {
		comp = func(c Expr) Expr { return div(p, c, s) }
		d = div(p, v.div, s)
	}
	out := mapVec(v, nil, comp)
	if r.spaceFree(s) {
		out.div = d
		return out, nil
	}
	if v.comps == nil {
		return nil, r.noComponents(sx.Position(), fmt.Sprintf("a vector times the space-dependent factor %s", sx))
	}
	// grad(s) . V
	var dot Expr = &Num{P: p, Value: 0}
	for i, x := range r.space {
		ds, err := DiffSpace(s, x, r.diffFields, r.space)
		if err != nil {
			return nil, err
		}
		dot = add(p, dot, mul(p, ds, v.comps[i]))
	}
	if n.Op == '*' {
		out.div = add(p, d, dot)
	} else {
		out.div = sub(p, d, div(p, dot, pow(p, s, &Num{P: p, Value: 2})))
	}
	return out, nil
}
