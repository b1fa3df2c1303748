package expr

import "math"

// Walk visits every node of e depth-first in pre-order. When fn returns
// false, the children of that node are skipped (the walk goes on with its
// siblings).
func Walk(e Expr, fn func(Expr) bool) {
	if e == nil || !fn(e) {
		return
	}
	for _, c := range children(e) {
		Walk(c, fn)
	}
}

// children returns the direct sub-expressions of e in source order.
func children(e Expr) []Expr {
	switch n := e.(type) {
	case *Unary:
		return []Expr{n.X}
	case *Binary:
		return []Expr{n.L, n.R}
	case *Call:
		return n.Args
	case *Deriv:
		return []Expr{n.Of}
	case *Index:
		return []Expr{n.Index}
	case *IndexedSum:
		return []Expr{n.From, n.To, n.Body}
	case *VecLit:
		return n.Elems
	}
	return nil
}

// Equal reports whether a and b are the same tree, ignoring positions.
// Numbers compare by value (NaN equals NaN, so that Equal is reflexive).
func Equal(a, b Expr) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	switch x := a.(type) {
	case *Num:
		y, ok := b.(*Num)
		return ok && (x.Value == y.Value || math.IsNaN(x.Value) && math.IsNaN(y.Value))
	case *Ident:
		y, ok := b.(*Ident)
		return ok && x.Name == y.Name
	case *Unary:
		y, ok := b.(*Unary)
		return ok && x.Op == y.Op && Equal(x.X, y.X)
	case *Binary:
		y, ok := b.(*Binary)
		return ok && x.Op == y.Op && Equal(x.L, y.L) && Equal(x.R, y.R)
	case *Call:
		y, ok := b.(*Call)
		if !ok || x.Func != y.Func || len(x.Args) != len(y.Args) {
			return false
		}
		for i := range x.Args {
			if !Equal(x.Args[i], y.Args[i]) {
				return false
			}
		}
		return true
	case *Deriv:
		y, ok := b.(*Deriv)
		if !ok || len(x.Wrt) != len(y.Wrt) || !Equal(x.Of, y.Of) {
			return false
		}
		for i := range x.Wrt {
			if x.Wrt[i] != y.Wrt[i] {
				return false
			}
		}
		return true
	case *Index:
		y, ok := b.(*Index)
		return ok && x.Name == y.Name && Equal(x.Index, y.Index)
	case *IndexedSum:
		y, ok := b.(*IndexedSum)
		return ok && x.Var == y.Var && Equal(x.From, y.From) && Equal(x.To, y.To) && Equal(x.Body, y.Body)
	case *VecLit:
		y, ok := b.(*VecLit)
		if !ok || len(x.Elems) != len(y.Elems) {
			return false
		}
		for i := range x.Elems {
			if !Equal(x.Elems[i], y.Elems[i]) {
				return false
			}
		}
		return true
	}
	return false
}

// withPos returns a deep copy of e in which every node has position p. It is
// used when an expression from elsewhere (a helper function, an exact
// solution) is inlined, so that later errors point at the name the user
// wrote in this expression rather than at offsets of another string.
func withPos(e Expr, p Pos) Expr {
	switch n := e.(type) {
	case *Num:
		return &Num{P: p, Value: n.Value}
	case *Ident:
		return &Ident{P: p, Name: n.Name}
	case *Unary:
		return &Unary{P: p, Op: n.Op, X: withPos(n.X, p)}
	case *Binary:
		return &Binary{P: p, Op: n.Op, L: withPos(n.L, p), R: withPos(n.R, p)}
	case *Call:
		args := make([]Expr, len(n.Args))
		for i, a := range n.Args {
			args[i] = withPos(a, p)
		}
		return &Call{P: p, Func: n.Func, Args: args}
	case *Deriv:
		return &Deriv{P: p, Of: withPos(n.Of, p), Wrt: append([]string(nil), n.Wrt...)}
	case *Index:
		return &Index{P: p, Name: n.Name, Index: withPos(n.Index, p)}
	case *IndexedSum:
		return &IndexedSum{P: p, Var: n.Var, From: withPos(n.From, p), To: withPos(n.To, p), Body: withPos(n.Body, p)}
	case *VecLit:
		elems := make([]Expr, len(n.Elems))
		for i, a := range n.Elems {
			elems[i] = withPos(a, p)
		}
		return &VecLit{P: p, Elems: elems}
	}
	return e
}

// Mentions reports whether the bare identifier name occurs in e. An
// element x[i] of a vector is not the identifier x (inside an elementwise
// sum the bare x is the summed coordinate, x[i] a fixed one).
func Mentions(e Expr, name string) bool {
	found := false
	Walk(e, func(x Expr) bool {
		if id, ok := x.(*Ident); ok && id.Name == name {
			found = true
		}
		return !found
	})
	return found
}
