package pinn

import (
	"fmt"
	"math"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
)

// Error figures of a prediction against exact values, and the exact values
// of hidden terms at predicted inputs.

// relL2 is ||pred - exact||_2 / ||exact||_2; maxAbs the largest |pred - exact|.
func relL2(pred, exact []float64) (rel, maxAbs float64) {
	var num, den float64
	for i := range pred {
		d := pred[i] - exact[i]
		num += d * d
		den += exact[i] * exact[i]
		maxAbs = math.Max(maxAbs, math.Abs(d))
	}
	if den == 0 {
		return math.Sqrt(num), maxAbs
	}
	return math.Sqrt(num / den), maxAbs
}

// hiddenExact evaluates a hidden term's exact expression at its predicted
// inputs. Inputs that are plain names (u, x, t) are bound from fields or
// pts; any other input (u_x, d(u, x)) must be in fields under its input
// expression's String() (hiddenInputColumns puts them there); otherwise ok
// is false.
func hiddenExact(prob *pde.Problem, k int, fields map[string][]float64, pts []float64) (vals []float64, ok bool) {
	h := prob.Hidden[k]
	e := prob.Exact[h.Name]
	if e == nil {
		return nil, false
	}
	n := len(prob.Variables)
	var names []string
	var cols [][]float64
	for i, in := range h.Inputs {
		id, isID := in.(*expr.Ident)
		if !isID {
			c, has := fields[in.String()]
			if !has {
				return nil, false
			}
			// the exact expression holds the input in resolved form:
			// replace it by a name of its own to compile
			name := fmt.Sprintf("hidden input %d", i)
			e = substitute(e, in, name)
			names = append(names, name)
			cols = append(cols, c)
			continue
		}
		names = append(names, id.Name)
		if c, ok := fields[id.Name]; ok {
			cols = append(cols, c)
		} else if j := prob.VariableIndex(id.Name); j >= 0 {
			c := make([]float64, len(pts)/n)
			for i := range c {
				c[i] = pts[i*n+j]
			}
			cols = append(cols, c)
		} else {
			return nil, false
		}
	}
	fn, err := expr.Compile(e, names)
	if err != nil {
		return nil, false
	}
	rows := len(pts) / n
	vals = make([]float64, rows)
	x := make([]float64, len(names))
	for i := range vals {
		for j := range names {
			x[j] = cols[j][i]
		}
		vals[i] = fn(x)
	}
	return vals, true
}

// exactOn evaluates an exact expression at row-major points; nil if e is nil
// or cannot be evaluated numerically.
func exactOn(e expr.Expr, vars []pde.Variable, pts []float64) []float64 {
	if e == nil {
		return nil
	}
	names := make([]string, len(vars))
	for i, v := range vars {
		names[i] = v.Name
	}
	fn, err := expr.Compile(e, names)
	if err != nil {
		return nil
	}
	n := len(vars)
	out := make([]float64, len(pts)/n)
	for i := range out {
		out[i] = fn(pts[i*n : (i+1)*n])
	}
	return out
}

// hiddenInputColumns adds the predicted non-name inputs of every hidden term
// (derivatives such as u_x) to byName under their String(), for hiddenExact.
func hiddenInputColumns(prob *pde.Problem, byName map[string][]float64, inputs [][][]float64) {
	for k, h := range prob.Hidden {
		for i, in := range h.Inputs {
			if _, isID := in.(*expr.Ident); !isID && k < len(inputs) && i < len(inputs[k]) {
				byName[in.String()] = inputs[k][i]
			}
		}
	}
}

// substitute returns e with every subtree equal to old replaced by the name.
func substitute(e, old expr.Expr, name string) expr.Expr {
	if expr.Equal(e, old) {
		return &expr.Ident{P: e.Position(), Name: name}
	}
	switch n := e.(type) {
	case *expr.Unary:
		return &expr.Unary{P: n.P, Op: n.Op, X: substitute(n.X, old, name)}
	case *expr.Binary:
		return &expr.Binary{P: n.P, Op: n.Op, L: substitute(n.L, old, name), R: substitute(n.R, old, name)}
	case *expr.Call:
		args := make([]expr.Expr, len(n.Args))
		for i, a := range n.Args {
			args[i] = substitute(a, old, name)
		}
		return &expr.Call{P: n.P, Func: n.Func, Args: args}
	}
	return e
}
