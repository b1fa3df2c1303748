package pinn

import (
	"fmt"
	"math"
	"sort"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pinn/symreg"
)

// The weak form of a hidden term's regression (hidden.<name>.library.form:
// weak), for problems in one variable t. The term's equation must read
//
//	α·f_t + a·h(...) + b(t, fields, other hidden terms) = 0
//
// with constant α, a ≠ 0 (checked numerically). Integrating from t0 to an
// observation time t_i,
//
//	a·∫ h dt = −α·(f_obs(t_i) − f(t0)) − ∫ b dt,
//
// so the formula's coefficients solve a linear least-squares problem whose
// columns are the integrals of the library terms along the trained
// trajectory and whose right-hand side carries the observations themselves:
// their noise enters linearly and is averaged by the fit, instead of being
// differentiated by the solution network and absorbed by the hidden one
// (weak SINDy; Messenger & Bortz 2021). f(t0) and the integrands come from
// the trained networks.

// weakGridPerInterval is the number of trapezoid intervals between
// consecutive observation times (the integrands are smooth network outputs).
const weakGridPerInterval = 64

// weakProblem is the weak-form regression of one hidden term.
type weakProblem struct {
	grid   []float64 // time points, t0 first; the observation times are on it
	obsAt  []int     // grid index of each observation
	target []float64 // right-hand side / a, one per observation
	field  string
	inputs [][]float64 // the term's inputs on the grid (its library columns' arguments)
}

// weakPredict evaluates the trained networks at points (n × 1 for one
// variable): fields, hidden outputs and hidden inputs as predictAll.
type weakPredict func(pts []float64) (fields, hidden [][]float64, inputs [][][]float64, err error)

// newWeakProblem sets up the weak form of hidden term k.
func newWeakProblem(prob *pde.Problem, k int, predict weakPredict) (*weakProblem, error) {
	name := prob.Hidden[k].Name
	if len(prob.Variables) != 1 || prob.Vector != nil {
		return nil, fmt.Errorf("form weak needs a problem in one variable (an ODE system); this one has %d", len(prob.Variables))
	}
	tv := prob.Variables[0].Name
	t0 := prob.Variables[0].Lo
	// the equation holding the term
	var eq *pde.Term
	var call *expr.Call
	count := 0
	for i := range prob.Equations {
		found := false
		expr.Walk(prob.Equations[i].Residual, func(e expr.Expr) bool {
			if c, ok := e.(*expr.Call); ok && c.Func == name {
				call, found = c, true
			}
			return true
		})
		if found {
			eq = &prob.Equations[i]
			count++
		}
	}
	if count != 1 {
		return nil, fmt.Errorf("form weak needs %s in exactly one equation (it is in %d)", name, count)
	}
	// its one time derivative, of one field
	var deriv *expr.Deriv
	var bad error
	expr.Walk(eq.Residual, func(e expr.Expr) bool {
		d, ok := e.(*expr.Deriv)
		if !ok {
			return true
		}
		_, isID := d.Of.(*expr.Ident)
		switch {
		case !isID || len(d.Wrt) != 1 || d.Wrt[0] != tv:
			bad = fmt.Errorf("form weak: equation %q has %s; only first derivatives of fields in %s are supported", eq.Name, d, tv)
		case deriv != nil && !expr.Equal(deriv, d):
			bad = fmt.Errorf("form weak: equation %q has two time derivatives (%s, %s)", eq.Name, deriv, d)
		default:
			deriv = d
		}
		return false
	})
	if bad != nil {
		return nil, bad
	}
	if deriv == nil {
		return nil, fmt.Errorf("form weak: equation %q has no time derivative", eq.Name)
	}
	field := deriv.Of.(*expr.Ident).Name
	// R(D, H, others) with D = f_t and H = h(...), compiled in float64
	r := substitute(eq.Residual, deriv, "__D")
	r = substitute(r, call, "__H")
	vars := []string{tv}
	vars = append(vars, prob.Fields...)
	vars = append(vars, "__D", "__H")
	for j, h := range prob.Hidden {
		if j == k {
			continue
		}
		expr.Walk(r, func(e expr.Expr) bool {
			if c, ok := e.(*expr.Call); ok && c.Func == h.Name {
				r = substitute(r, c, fmt.Sprintf("__H%d", j))
				return false
			}
			return true
		})
		vars = append(vars, fmt.Sprintf("__H%d", j))
	}
	R, err := expr.Compile(r, vars)
	if err != nil {
		return nil, fmt.Errorf("form weak: equation %q: %w", eq.Name, err)
	}
	// the observations of the field, after t0
	type obs struct{ t, v float64 }
	var os []obs
	for _, ds := range prob.Data {
		vals, ok := ds.Targets[field]
		ts, okT := ds.Inputs[tv]
		if !ok || !okT {
			continue
		}
		for i, v := range vals {
			if ts[i] > t0 {
				os = append(os, obs{ts[i], v})
			}
		}
	}
	if len(os) < 2 {
		return nil, fmt.Errorf("form weak: %s needs observations of %s after %s = %g (data with a %s column)", name, field, tv, t0, field)
	}
	sort.SliceStable(os, func(i, j int) bool { return os[i].t < os[j].t })
	w := &weakProblem{field: field, grid: []float64{t0}}
	for _, o := range os {
		last := w.grid[len(w.grid)-1]
		if o.t > last {
			for s := 1; s <= weakGridPerInterval; s++ {
				w.grid = append(w.grid, last+(o.t-last)*float64(s)/weakGridPerInterval)
			}
		}
		w.obsAt = append(w.obsAt, len(w.grid)-1)
	}
	fields, hidden, inputs, err := predict(w.grid)
	if err != nil {
		return nil, err
	}
	w.inputs = inputs[k]
	fi := -1
	for i, f := range prob.Fields {
		if f == field {
			fi = i
		}
	}
	// R at (D, H) = (0, 0), (1, 0), (0, 1): b, α + b, a + b
	n := len(w.grid)
	b := make([]float64, n)
	var alpha, a float64
	x := make([]float64, len(vars))
	for i := range n {
		x[0] = w.grid[i]
		for f := range prob.Fields {
			x[1+f] = fields[f][i]
		}
		o := 1 + len(prob.Fields) + 2
		for j := range prob.Hidden {
			if j != k {
				x[o] = hidden[j][i]
				o++
			}
		}
		d := 1 + len(prob.Fields)
		x[d], x[d+1] = 0, 0
		b[i] = R(x)
		x[d] = 1
		al := R(x) - b[i]
		x[d] = 2
		al2 := R(x) - b[i]
		x[d], x[d+1] = 0, 1
		ai := R(x) - b[i]
		x[d+1] = 2
		ai2 := R(x) - b[i]
		if i == 0 {
			alpha, a = al, ai
		}
		near := func(u, v float64) bool { return math.Abs(u-v) <= 1e-9*math.Max(1, math.Abs(v)) }
		if !near(al, alpha) || !near(ai, a) || !near(al2, 2*alpha) || !near(ai2, 2*a) {
			return nil, fmt.Errorf("form weak: equation %q is not linear with constant coefficients in %s and %s(...)", eq.Name, deriv, name)
		}
	}
	if a == 0 || alpha == 0 {
		return nil, fmt.Errorf("form weak: equation %q: %s or %s(...) has a zero coefficient", eq.Name, deriv, name)
	}
	intB := w.integrate(b)
	f0 := fields[fi][0]
	for i, o := range os {
		w.target = append(w.target, -(alpha*(o.v-f0)+intB[i])/a)
	}
	return w, nil
}

// integrate returns the trapezoid integrals of col (sampled on the grid)
// from t0 to each observation time.
func (w *weakProblem) integrate(col []float64) []float64 {
	out := make([]float64, len(w.obsAt))
	acc, next := 0.0, 0
	for i := 1; i < len(w.grid) && next < len(w.obsAt); i++ {
		acc += 0.5 * (col[i] + col[i-1]) * (w.grid[i] - w.grid[i-1])
		for next < len(w.obsAt) && w.obsAt[next] == i {
			out[next] = acc
			next++
		}
	}
	return out
}

// fit runs the regression of the hidden term in weak form: the library
// columns are the term's inputs on the grid, integrated to the observation
// times.
func (w *weakProblem) fit(names []string, o symreg.Options) (symreg.Candidate, []symreg.Candidate, error) {
	o.Transform = w.integrate
	return symreg.Fit(names, w.inputs, w.target, o)
}
