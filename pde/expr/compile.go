package expr

import (
	"fmt"
	"math"
)

// Compile turns an expression free of derivatives, operator calls, hidden
// calls and vector forms into a float64 function of the named inputs: x[i]
// is the value of vars[i]. The result is a tree of closures built once, so
// evaluating it at many points costs no parsing or map look-ups. pi and e
// are accepted as constants unless vars names them. Anything else unknown
// is an *Error at its token.
//
// The returned function does not check len(x); Eval does.
func Compile(e Expr, vars []string) (func(x []float64) float64, error) {
	idx := make(map[string]int, len(vars))
	for i, v := range vars {
		if _, dup := idx[v]; !dup {
			idx[v] = i
		}
	}
	return compile(e, idx)
}

// Eval compiles e and evaluates it once at x (len(x) must equal len(vars)).
func Eval(e Expr, vars []string, x []float64) (float64, error) {
	if len(x) != len(vars) {
		return 0, fmt.Errorf("eval %s: %d values for %d variables", e, len(x), len(vars))
	}
	f, err := Compile(e, vars)
	if err != nil {
		return 0, err
	}
	return f(x), nil
}

func compile(e Expr, idx map[string]int) (func([]float64) float64, error) {
	switch n := e.(type) {
	case *Num:
		v := n.Value
		return func([]float64) float64 { return v }, nil
	case *Ident:
		if i, ok := idx[n.Name]; ok {
			return func(x []float64) float64 { return x[i] }, nil
		}
		switch n.Name {
		case "pi":
			return func([]float64) float64 { return math.Pi }, nil
		case "e":
			return func([]float64) float64 { return math.E }, nil
		}
		return nil, Errorf(n.P, "unknown name %q", n.Name)
	case *Unary:
		f, err := compile(n.X, idx)
		if err != nil {
			return nil, err
		}
		if n.Op != '-' {
			return nil, Errorf(n.P, "unknown operator %q", n.Op)
		}
		return func(x []float64) float64 { return -f(x) }, nil
	case *Binary:
		l, err := compile(n.L, idx)
		if err != nil {
			return nil, err
		}
		// Squares are everywhere in residuals; x*x is exact and faster
		// than math.Pow.
		if r, ok := n.R.(*Num); ok && n.Op == '^' && r.Value == 2 {
			return func(x []float64) float64 { v := l(x); return v * v }, nil
		}
		r, err := compile(n.R, idx)
		if err != nil {
			return nil, err
		}
		switch n.Op {
		case '+':
			return func(x []float64) float64 { return l(x) + r(x) }, nil
		case '-':
			return func(x []float64) float64 { return l(x) - r(x) }, nil
		case '*':
			return func(x []float64) float64 { return l(x) * r(x) }, nil
		case '/':
			return func(x []float64) float64 { return l(x) / r(x) }, nil
		case '^':
			return func(x []float64) float64 { return math.Pow(l(x), r(x)) }, nil
		}
		return nil, Errorf(n.P, "unknown operator %q", n.Op)
	case *Call:
		b, ok := builtins[n.Func]
		if !ok {
			if operators[n.Func] {
				return nil, Errorf(n.P, "cannot evaluate %s(...) numerically", n.Func)
			}
			return nil, Errorf(n.P, "unknown function %q", n.Func)
		}
		if len(n.Args) != b.arity {
			return nil, Errorf(n.P, "%s takes %d argument%s, got %d", n.Func, b.arity, plural(b.arity), len(n.Args))
		}
		a, err := compile(n.Args[0], idx)
		if err != nil {
			return nil, err
		}
		if b.arity == 1 {
			f := b.f1
			return func(x []float64) float64 { return f(a(x)) }, nil
		}
		c, err := compile(n.Args[1], idx)
		if err != nil {
			return nil, err
		}
		f := b.f2
		return func(x []float64) float64 { return f(a(x), c(x)) }, nil
	case *Deriv:
		return nil, Errorf(n.P, "cannot evaluate derivative %s numerically", n)
	case *Index:
		return nil, Errorf(n.P, "cannot evaluate vector element %s numerically", n)
	case *IndexedSum:
		return nil, Errorf(n.P, "cannot evaluate indexed sum numerically")
	case *VecLit:
		return nil, Errorf(n.P, "cannot evaluate vector %s numerically", n)
	}
	return nil, fmt.Errorf("compile: unexpected node %T", e)
}
