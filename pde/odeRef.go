package pde

import (
	"fmt"
	"math"

	"go.yaml.in/yaml/v3"

	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pde/ode"
)

// ODEReference is a reference solution computed by the loader: the system
// d(field)/d(var) = RHS[field](var, fields), one equation per field, started
// from Initial at the lower end of the problem's single variable and
// integrated over its interval by Dormand–Prince 5(4) (package pde/ode).
// Written in a spec as
//
//	evaluation:
//	  reference:
//	    ode:
//	      rhs: {x: "1.3*x - 0.9*x*y", y: "-1.8*y + 0.8*x*y"}
//	      initial: {x: 0.44249296, y: 4.6280594}
//	      rtol: 1.0e-10    # optional, default 1e-10
//	      atol: 1.0e-12    # optional, default 1e-12
//
// The right-hand sides are explicit rather than derived from the equations:
// a residual with a hidden term (or any implicit form) cannot be solved for
// the time derivative, and the reference must not depend on what is being
// learned.
type ODEReference struct {
	// Var is the independent variable, Fields the state in Problem.Fields
	// order, RHS the right-hand side of each field's equation (resolved).
	Var    string
	Fields []string
	RHS    []expr.Expr
	// Initial is the state at T0; the solution covers [T0, T1], the
	// variable's interval.
	Initial []float64
	T0, T1  float64
	// RelTol and AbsTol are the integrator's tolerances (defaults 1e-10,
	// 1e-12).
	RelTol, AbsTol float64
	// Solution is the dense solution (nil until solved).
	Solution *ode.Solution
}

// At returns the state at t (clamped to [T0, T1]).
func (o *ODEReference) At(t float64) []float64 { return o.Solution.At(t) }

// Solve integrates the system and sets Solution.
func (o *ODEReference) Solve() error {
	names := append([]string{o.Var}, o.Fields...)
	fns := make([]func([]float64) float64, len(o.RHS))
	for i, e := range o.RHS {
		fn, err := expr.Compile(e, names)
		if err != nil {
			return fmt.Errorf("rhs of %s: %w", o.Fields[i], err)
		}
		fns[i] = fn
	}
	x := make([]float64, len(names))
	f := func(t float64, y, dy []float64) {
		x[0] = t
		copy(x[1:], y)
		for i, fn := range fns {
			dy[i] = fn(x)
		}
	}
	sol, err := ode.Solve(f, o.T0, o.T1, o.Initial, ode.Options{RelTol: o.RelTol, AbsTol: o.AbsTol})
	if err != nil {
		return err
	}
	o.Solution = sol
	return nil
}

// odeSrc is evaluation.reference.ode while the spec is read.
type odeSrc struct {
	node    *yaml.Node // the ode mapping
	ref     *ODEReference
	rhsNode map[string]*yaml.Node
	failed  bool
}

// odeReference reads evaluation.reference: {ode: {...}}.
func (b *build) odeReference(n *yaml.Node) {
	f := b.fields(n, "evaluation.reference", "ode")
	oe, ok := f["ode"]
	if !ok {
		b.errorf(n, "evaluation.reference: want a CSV file name or {ode: {rhs: ..., initial: ...}}")
		return
	}
	const path = "evaluation.reference.ode"
	of := b.fields(oe.val, path, "rhs", "initial", "rtol", "atol")
	src := &odeSrc{node: deref(oe.val), rhsNode: map[string]*yaml.Node{}}
	ref := &ODEReference{Fields: b.p.Fields}
	src.ref = ref
	b.ode = src
	if b.declFailed {
		return
	}
	if len(b.p.Variables) != 1 || len(b.vecVars) > 0 {
		b.errorf(oe.key, "%s: an ODE reference needs exactly one (scalar) variable, the problem has %d", path, len(b.p.Variables))
		src.failed = true
	} else {
		v := b.p.Variables[0]
		ref.Var, ref.T0, ref.T1 = v.Name, v.Lo, v.Hi
	}
	ref.RHS = make([]expr.Expr, len(b.p.Fields))
	ref.Initial = make([]float64, len(b.p.Fields))
	// perField reads a map field -> value, one entry for every field.
	perField := func(key string, read func(i int, e entry) bool) {
		e, ok := of[key]
		if !ok {
			b.errorf(oe.val, "%s: %s is required (one entry per field: %s)", path, key, joinNames(b.p.Fields))
			src.failed = true
			return
		}
		es, _ := b.pairs(e.val, path+"."+key)
		seen := map[string]bool{}
		for _, x := range es {
			name := x.key.Value
			i := b.p.FieldIndex(name)
			if i < 0 {
				b.errorf(x.key, "%s.%s: %q is not a field (fields: %s)", path, key, name, joinNames(b.p.Fields))
				src.failed = true
				continue
			}
			seen[name] = true
			if !read(i, x) {
				src.failed = true
			}
		}
		for _, fl := range b.p.Fields {
			if !seen[fl] {
				b.errorf(e.val, "%s.%s: no entry for field %q", path, key, fl)
				src.failed = true
			}
		}
	}
	perField("rhs", func(i int, x entry) bool {
		ex, ok := b.parse(x.val, path+".rhs."+x.key.Value)
		if !ok {
			return false
		}
		src.rhsNode[b.p.Fields[i]] = x.val
		b.pending = append(b.pending, pending{node: x.val, e: ex, what: path + ".rhs." + x.key.Value,
			scope:  b.hiddenInputScope,
			assign: func(r expr.Expr) { ref.RHS[i] = r }})
		return true
	})
	perField("initial", func(i int, x entry) bool {
		v, ok := b.number(x.val, path+".initial."+x.key.Value)
		ref.Initial[i] = v
		return ok
	})
	if e, ok := of["rtol"]; ok {
		ref.RelTol, _ = b.positive(e.val, path+".rtol")
	}
	if e, ok := of["atol"]; ok {
		ref.AbsTol, _ = b.positive(e.val, path+".atol")
	}
}

func joinNames(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}

// solveODE integrates the ODE reference once its right-hand sides are
// resolved, and makes Problem.Reference: the solution at evaluation.points
// equispaced values of the variable.
func (b *build) solveODE() {
	src := b.ode
	if src == nil || src.failed || len(b.errs) > 0 {
		return
	}
	ref := src.ref
	names := append([]string{ref.Var}, ref.Fields...)
	for i, e := range ref.RHS {
		if e == nil {
			return // reported by resolveAll
		}
		if _, err := expr.Compile(e, names); err != nil {
			b.exprError(src.rhsNode[ref.Fields[i]], err, fmt.Sprintf("evaluation.reference.ode.rhs.%s (a right-hand side is a function of %s and the fields only)", ref.Fields[i], ref.Var))
			return
		}
	}
	if err := ref.Solve(); err != nil {
		b.errorf(src.node, "evaluation.reference.ode: cannot integrate over [%s, %s]: %v", fmtNum(ref.T0), fmtNum(ref.T1), err)
		return
	}
	b.p.ODE = ref
	rows := b.s.Evaluation.Points
	if rows < 2 {
		rows = 2
	}
	ds := &DataSet{Name: "reference", Inputs: map[string][]float64{}, Targets: map[string][]float64{}}
	ts := linspace(ref.T0, ref.T1, rows)
	ds.Inputs[ref.Var] = ts
	cols := make([][]float64, len(ref.Fields))
	for i := range cols {
		cols[i] = make([]float64, rows)
	}
	y := make([]float64, len(ref.Fields))
	for r, t := range ts {
		ref.Solution.AtTo(y, t)
		for i, v := range y {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				b.errorf(src.node, "evaluation.reference.ode: the solution is not finite at %s = %g", ref.Var, t)
				return
			}
			cols[i][r] = v
		}
	}
	for i, f := range ref.Fields {
		ds.Targets[f] = cols[i]
	}
	b.p.Reference = ds
}
