package expr

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// MaxOrder is the highest derivative order the language allows (SPEC §2).
const MaxOrder = 4

// Scope says what names mean, for Resolve. Its zero value knows only the
// built-in names.
type Scope struct {
	// Variables are the scalar independent variables, in order; "t" is time
	// and is excluded from lap and biharm.
	Variables []string
	// Fields are the solution network's outputs.
	Fields []string
	// Constants are scalar constants, inlined as numbers.
	Constants map[string]float64
	// Parameters are trainable scalars; they stay Ident.
	Parameters []string
	// Functions are helper expressions (parsed, unresolved), used by name
	// without arguments. They may use each other; cycles are an error.
	Functions map[string]Expr
	// Hidden maps each hidden-term network to its number of inputs.
	Hidden map[string]int
	// Exact maps a field to its exact solution (parsed, unresolved), in
	// terms of variables, constants and functions: exact(u) is replaced by
	// it, and derivatives of it are taken symbolically.
	Exact map[string]Expr
	// NetOutputs are the names allowed as raw network outputs here ("N", or
	// "N_u", "N_v", ...): only in output transforms.
	NetOutputs []string
	// AllowDn allows dn(u), the outward normal derivative (conditions only).
	AllowDn bool
	// Dim is the value of the name d; 0 means the number of Variables other
	// than t.
	Dim int
	// VectorVars and VectorConsts name vector variables (x[1..Dim]) and
	// vector constants with their lengths/values. Vector expressions are
	// recognised and rejected with an error for now: nothing downstream
	// evaluates them yet.
	VectorVars   map[string]int
	VectorConsts map[string][]float64
}

// reservedNames are names with a fixed meaning besides the functions.
var reservedNames = map[string]string{
	"pi": "the constant pi",
	"e":  "the constant e",
	"d":  "the dimension of the domain and the derivative d(...)",
	"N":  "the raw network output",
}

// CheckName returns an error if name cannot be declared by a spec (as a
// variable, field, constant, parameter, function or hidden term): it must
// be an identifier starting with a letter, and not one of the reserved
// names pi, e, d, N, N_<anything>, or a built-in function or operator name.
func CheckName(name string) error {
	if name == "" {
		return errors.New("empty name")
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(isLetter(c) || i > 0 && isDigit(c)) || i == 0 && c == '_' {
			return fmt.Errorf("invalid name %q: names are a letter followed by letters, digits and _", name)
		}
	}
	if why, ok := reservedNames[name]; ok {
		return fmt.Errorf("%q is reserved (%s)", name, why)
	}
	if strings.HasPrefix(name, "N_") {
		return fmt.Errorf("%q is reserved (N_<field> is a raw network output)", name)
	}
	if _, ok := builtins[name]; ok {
		return fmt.Errorf("%q is reserved (a built-in function)", name)
	}
	if operators[name] {
		return fmt.Errorf("%q is reserved (an operator)", name)
	}
	return nil
}

// Resolve checks every name in e against s and returns the resolved tree:
//
//   - constants, pi, e and d become Num; helper functions are replaced by
//     their resolved bodies; exact(u) by the resolved exact solution;
//   - variables, fields, parameters and allowed network outputs stay Ident;
//     a name that matches one of these exactly always wins over the
//     shorthand reading below (N_u is a name when it is a net output);
//   - shorthand u_xt becomes Deriv{u, [x t]} when u is a field or net
//     output, every variable name is one letter, and every letter after
//     the '_' is a variable;
//   - d(e, x, ...) of a field stays Deriv; of anything else it is
//     differentiated symbolically so that only derivatives of fields remain;
//   - lap and biharm of a field stay calls; of sums and constant multiples
//     they distribute; of anything else they are expanded symbolically over
//     the space variables;
//   - div(V) of a vector expression V (grad(f), scalar multiples, sums,
//     V/s, literals [e1, ..., en]) is lowered to lap and ordinary
//     derivatives (div.go); div(grad(e)) is lap(e); a vector anywhere else
//     is an error;
//   - dn(u) of a field stays a call where s.AllowDn; hidden calls stay calls
//     after checking their arity; built-ins are arity-checked.
//
// Derivatives of order above MaxOrder, unknown names and misuse are an
// *Error at the offending token. e is not modified.
func Resolve(e Expr, s *Scope) (Expr, error) {
	if s == nil {
		s = &Scope{}
	}
	r := newResolver(s)
	out, err := r.resolve(e)
	if err != nil {
		return nil, err
	}
	if err := checkOrder(out, nil); err != nil {
		return nil, err
	}
	return out, nil
}

type resolver struct {
	s                             *Scope
	vars, fields, params, netOuts map[string]bool
	diffFields                    map[string]bool // fields and net outputs: what Diff turns into Deriv
	space                         []string
	oneLetter                     bool
	funcs                         map[string]Expr // resolved helper bodies
	stack                         []string        // helper functions being resolved, for cycles
	exact                         *resolver       // resolves exact solutions (no fields)
	// ivars are the index variables of the enclosing indexed sums; elem is
	// set inside an elementwise sum(expr), where a bare vector name means
	// its current element.
	ivars map[string]bool
	elem  bool
}

func set(names []string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

func newResolver(s *Scope) *resolver {
	r := &resolver{
		s:         s,
		vars:      set(s.Variables),
		fields:    set(s.Fields),
		params:    set(s.Parameters),
		netOuts:   set(s.NetOutputs),
		funcs:     map[string]Expr{},
		oneLetter: true,
	}
	r.diffFields = set(append(append([]string(nil), s.Fields...), s.NetOutputs...))
	for _, v := range s.Variables {
		if v != "t" {
			r.space = append(r.space, v)
		}
		if len(v) != 1 {
			r.oneLetter = false
		}
	}
	return r
}

// exactResolver resolves exact solutions: the same names, but no fields,
// parameters, network outputs, hidden terms or dn, since an exact solution
// is a closed-form function of the variables.
func (r *resolver) exactResolver() *resolver {
	if r.exact == nil {
		s := *r.s
		s.Fields, s.Parameters, s.NetOutputs, s.Hidden, s.AllowDn = nil, nil, nil, nil, false
		if s.Dim == 0 {
			s.Dim = r.dim()
		}
		r.exact = newResolver(&s)
	}
	return r.exact
}

func (r *resolver) dim() int {
	if r.s.Dim > 0 {
		return r.s.Dim
	}
	return len(r.space)
}

// inner rewrites an error found inside a helper function or exact solution
// (whose positions refer to another string) as an error at ref, the name
// that brought it in.
func inner(ref Pos, what string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		if strings.HasPrefix(e.Msg, "in ") {
			return Errorf(ref, "%s: %s", what, e.Msg)
		}
		return Errorf(ref, "%s: %s (column %d of its definition)", what, e.Msg, e.Pos.Col)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func (r *resolver) resolve(e Expr) (Expr, error) {
	switch n := e.(type) {
	case *Num:
		return &Num{P: n.P, Value: n.Value}, nil
	case *Ident:
		return r.ident(n)
	case *Unary:
		x, err := r.resolve(n.X)
		if err != nil {
			return nil, err
		}
		return &Unary{P: n.P, Op: n.Op, X: x}, nil
	case *Binary:
		l, err := r.resolve(n.L)
		if err != nil {
			return nil, err
		}
		rr, err := r.resolve(n.R)
		if err != nil {
			return nil, err
		}
		return &Binary{P: n.P, Op: n.Op, L: l, R: rr}, nil
	case *Deriv:
		return r.deriv(n)
	case *Call:
		return r.call(n)
	case *Index:
		if !hasKey(r.s.VectorVars, n.Name) && !hasKey(r.s.VectorConsts, n.Name) {
			return nil, r.vectorError(n.P, n.Name, n.String())
		}
		ix, err := r.resolve(n.Index)
		if err != nil {
			return nil, err
		}
		return &Index{P: n.P, Name: n.Name, Index: ix}, nil
	case *IndexedSum:
		if len(r.s.VectorVars) == 0 {
			return nil, r.vectorError(n.P, "", "sum(...)")
		}
		return r.indexedSum(n)
	case *VecLit:
		return nil, Errorf(n.P, "%s is a vector, but a scalar is needed here (vectors are only supported inside div(...))", n)
	}
	return nil, fmt.Errorf("resolve: unexpected node %T", e)
}

// vectorError explains why a vector form cannot be used here.
func (r *resolver) vectorError(p Pos, name, what string) error {
	if name != "" {
		_, vv := r.s.VectorVars[name]
		_, vc := r.s.VectorConsts[name]
		switch {
		case vv:
			return Errorf(p, "vector variable %q: vector expressions such as %s are not supported yet", name, what)
		case vc:
			return Errorf(p, "vector constant %q: vector expressions such as %s are not supported yet", name, what)
		case r.vars[name] || r.fields[name] || r.params[name] || r.s.Constants != nil && hasKey(r.s.Constants, name):
			return Errorf(p, "%q is a scalar and cannot be indexed", name)
		}
		return Errorf(p, "unknown name %q", name)
	}
	if len(r.s.VectorVars) == 0 {
		return Errorf(p, "%s needs a vector variable (a ball or vector box domain)", what)
	}
	return Errorf(p, "vector expressions such as %s are not supported yet", what)
}

func hasKey[V any](m map[string]V, k string) bool {
	_, ok := m[k]
	return ok
}

func (r *resolver) ident(n *Ident) (Expr, error) {
	name := n.Name
	switch {
	case r.ivars[name]:
		return &Ident{P: n.P, Name: name}, nil
	case r.elem && (hasKey(r.s.VectorVars, name) || hasKey(r.s.VectorConsts, name)):
		return &Ident{P: n.P, Name: name}, nil
	case r.netOuts[name], r.vars[name], r.fields[name], r.params[name]:
		return &Ident{P: n.P, Name: name}, nil
	case hasKey(r.s.VectorVars, name):
		return nil, Errorf(n.P, "vector variable %q must be indexed (%s[i]) or reduced (sum(...), norm2(%s))", name, name, name)
	case hasKey(r.s.VectorConsts, name):
		return nil, Errorf(n.P, "vector constant %q must be indexed (%s[i])", name, name)
	case hasKey(r.s.Constants, name):
		return &Num{P: n.P, Value: r.s.Constants[name]}, nil
	case hasKey(r.s.Functions, name):
		return r.function(n)
	case hasKey(r.s.Hidden, name):
		return nil, Errorf(n.P, "hidden term %q must be called: %s(...)", name, name)
	}
	switch name {
	case "pi":
		return &Num{P: n.P, Value: math.Pi}, nil
	case "e":
		return &Num{P: n.P, Value: math.E}, nil
	case "d":
		return &Num{P: n.P, Value: float64(r.dim())}, nil
	}
	if d, err := r.shorthand(n); d != nil || err != nil {
		return d, err
	}
	if _, ok := builtins[name]; ok || operators[name] {
		return nil, Errorf(n.P, "%s is a function: call it as %s(...)", name, name)
	}
	return nil, Errorf(n.P, "unknown name %q", name)
}

// shorthand reads u_xt as d(u, x, t). It returns (nil, nil) when name is
// not shorthand at all, and an error when it clearly tries to be.
func (r *resolver) shorthand(n *Ident) (Expr, error) {
	name := n.Name
	// Try every '_' from the right, so that a field whose name contains '_'
	// (or N_u) can carry a suffix too.
	for k := strings.LastIndexByte(name, '_'); k > 0; k = strings.LastIndexByte(name[:k], '_') {
		base, suf := name[:k], name[k+1:]
		if !r.diffFields[base] || suf == "" {
			continue
		}
		if !r.oneLetter {
			return nil, Errorf(n.P, "unknown name %q (shorthand derivatives need one-letter variable names; write d(%s, ...))", name, base)
		}
		wrt := make([]string, len(suf))
		for i := range suf {
			if !r.vars[suf[i:i+1]] {
				return nil, Errorf(n.P, "unknown name %q (not a derivative: %q is not a variable)", name, suf[i:i+1])
			}
			wrt[i] = suf[i : i+1]
		}
		if len(wrt) > MaxOrder {
			return nil, Errorf(n.P, "derivative order %d > %d", len(wrt), MaxOrder)
		}
		return &Deriv{P: n.P, Of: &Ident{P: n.P, Name: base}, Wrt: wrt}, nil
	}
	return nil, nil
}

func (r *resolver) function(n *Ident) (Expr, error) {
	name := n.Name
	if body, ok := r.funcs[name]; ok {
		return withPos(body, n.P), nil
	}
	for i, f := range r.stack {
		if f == name {
			cycle := append(append([]string(nil), r.stack[i:]...), name)
			return nil, Errorf(n.P, "function %q refers to itself (%s)", name, strings.Join(cycle, " -> "))
		}
	}
	r.stack = append(r.stack, name)
	body, err := r.resolve(r.s.Functions[name])
	r.stack = r.stack[:len(r.stack)-1]
	if err != nil {
		return nil, inner(n.P, fmt.Sprintf("in function %q", name), err)
	}
	r.funcs[name] = body
	return withPos(body, n.P), nil
}

func (r *resolver) deriv(n *Deriv) (Expr, error) {
	vec := 0
	for _, w := range n.Wrt {
		if hasKey(r.s.VectorVars, w) {
			vec++
		}
	}
	if vec > 0 {
		return r.coordDeriv(n, vec)
	}
	for _, w := range n.Wrt {
		if !r.vars[w] {
			return nil, Errorf(n.P, "d(...): %q is not a variable", w)
		}
	}
	of, err := r.resolve(n.Of)
	if err != nil {
		return nil, err
	}
	var out Expr
	switch o := of.(type) {
	case *Ident:
		if r.diffFields[o.Name] {
			out = &Deriv{P: n.P, Of: o, Wrt: append([]string(nil), n.Wrt...)}
		}
	case *Deriv:
		if id, ok := o.Of.(*Ident); ok && r.diffFields[id.Name] {
			out = &Deriv{P: n.P, Of: id, Wrt: append(append([]string(nil), o.Wrt...), n.Wrt...)}
		}
	}
	if out == nil {
		out = of
		for _, w := range n.Wrt {
			if out, err = DiffSpace(out, w, r.diffFields, r.space); err != nil {
				return nil, err
			}
		}
	}
	return out, checkOrder(out, &n.P)
}

// coordDeriv resolves d(u, x) and d(u, x, x) for the vector variable x:
// inside an elementwise sum(...) they are ∂u/∂x_i and ∂²u/∂x_i² of the
// sum's coordinate i, so that sum(d(u, x)^2) = |∇u|², sum(x*d(u, x)) = x·∇u
// and sum(x^2*d(u, x, x)) = Σ x_i² u_ii (a stochastic estimator samples
// these sums like the Laplacian).
func (r *resolver) coordDeriv(n *Deriv, vec int) (Expr, error) {
	w := n.Wrt[0]
	switch {
	case !r.elem:
		return nil, Errorf(n.P, "d(..., %s) with respect to the vector variable %q is its coordinate derivative: use it inside an elementwise sum, e.g. sum(d(u, %s)^2) for |grad u|^2", w, w, w)
	case vec != len(n.Wrt) || len(n.Wrt) > 2 || (len(n.Wrt) == 2 && n.Wrt[1] != w):
		return nil, Errorf(n.P, "d(...) with respect to the vector variable %q: only d(u, %s) and d(u, %s, %s) (first and second derivative in the same coordinate)", w, w, w, w)
	}
	of, err := r.resolve(n.Of)
	if err != nil {
		return nil, err
	}
	id, ok := of.(*Ident)
	if !ok || !r.diffFields[id.Name] {
		return nil, Errorf(n.P, "d(..., %s): only of a field (coordinate derivatives of expressions are not supported)", w)
	}
	return &Deriv{P: n.P, Of: id, Wrt: append([]string(nil), n.Wrt...)}, nil
}

// checkOrder reports a Deriv of order above MaxOrder, at at if given (the
// operator that produced it), else at the Deriv itself.
func checkOrder(e Expr, at *Pos) error {
	var err error
	Walk(e, func(x Expr) bool {
		if d, ok := x.(*Deriv); ok && err == nil && len(d.Wrt) > MaxOrder {
			p := d.P
			if at != nil {
				p = *at
			}
			err = Errorf(p, "derivative order %d > %d", len(d.Wrt), MaxOrder)
		}
		return err == nil
	})
	return err
}

func (r *resolver) args(n *Call) ([]Expr, error) {
	out := make([]Expr, len(n.Args))
	for i, a := range n.Args {
		var err error
		if out[i], err = r.resolve(a); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func arity(n *Call, want int) error {
	if len(n.Args) != want {
		return Errorf(n.P, "%s takes %d argument%s, got %d", n.Func, want, plural(want), len(n.Args))
	}
	return nil
}

func (r *resolver) call(n *Call) (Expr, error) {
	if h, ok := r.s.Hidden[n.Func]; ok {
		if err := arity(n, h); err != nil {
			return nil, err
		}
		args, err := r.args(n)
		if err != nil {
			return nil, err
		}
		return &Call{P: n.P, Func: n.Func, Args: args}, nil
	}
	if (n.Func == "max" || n.Func == "min") && len(n.Args) == 1 && len(r.s.VectorVars) > 0 {
		// max(e), min(e) with one argument: the reduction over the
		// coordinates of an elementwise expression, like sum(e)
		return r.elementwise(n)
	}
	if b, ok := builtins[n.Func]; ok {
		if err := arity(n, b.arity); err != nil {
			return nil, err
		}
		args, err := r.args(n)
		if err != nil {
			return nil, err
		}
		return &Call{P: n.P, Func: n.Func, Args: args}, nil
	}
	switch n.Func {
	case "exact":
		if err := arity(n, 1); err != nil {
			return nil, err
		}
		id, ok := n.Args[0].(*Ident)
		if !ok {
			return nil, Errorf(n.Args[0].Position(), "exact(...) takes a field name, got %s", n.Args[0])
		}
		src, ok := r.s.Exact[id.Name]
		if !ok {
			if r.fields[id.Name] {
				return nil, Errorf(id.P, "no exact solution for %q (evaluation.exact)", id.Name)
			}
			return nil, Errorf(id.P, "exact(...) takes a field name, got %q", id.Name)
		}
		body, err := r.exactResolver().resolve(src)
		if err != nil {
			return nil, inner(n.P, fmt.Sprintf("in exact solution of %q", id.Name), err)
		}
		return withPos(body, n.P), nil
	case "lap", "biharm":
		if err := arity(n, 1); err != nil {
			return nil, err
		}
		args, err := r.args(n)
		if err != nil {
			return nil, err
		}
		var out Expr
		if n.Func == "lap" {
			out, err = r.lap(args[0], n.P)
		} else {
			out, err = r.biharm(args[0], n.P)
		}
		if err != nil {
			return nil, err
		}
		return out, checkOrder(out, &n.P)
	case "div":
		return r.divergence(n)
	case "grad":
		return nil, Errorf(n.P, "%s is a vector, but a scalar is needed here (vectors are only supported inside div(...))", n)
	case "dn":
		if !r.s.AllowDn {
			return nil, Errorf(n.P, "dn(...) is only allowed in conditions")
		}
		if err := arity(n, 1); err != nil {
			return nil, err
		}
		args, err := r.args(n)
		if err != nil {
			return nil, err
		}
		if id, ok := args[0].(*Ident); !ok || !r.diffFields[id.Name] {
			return nil, Errorf(n.Args[0].Position(), "dn(...) takes a field, got %s", n.Args[0])
		}
		return &Call{P: n.P, Func: "dn", Args: args}, nil
	case "norm2", "sum":
		if len(r.s.VectorVars) == 0 {
			return nil, r.vectorError(n.P, "", n.Func+"(...)")
		}
		if err := arity(n, 1); err != nil {
			return nil, err
		}
		if n.Func == "norm2" {
			id, ok := n.Args[0].(*Ident)
			if !ok || !hasKey(r.s.VectorVars, id.Name) && !hasKey(r.s.VectorConsts, id.Name) {
				return nil, Errorf(n.Args[0].Position(), "norm2(...) takes a vector name, got %s", n.Args[0])
			}
			return &Call{P: n.P, Func: "norm2", Args: []Expr{&Ident{P: id.P, Name: id.Name}}}, nil
		}
		return r.elementwise(n)
	case "d":
		return nil, Errorf(n.P, "d(...) takes an expression and at least one variable")
	}
	if hasKey(r.s.Functions, n.Func) {
		return nil, Errorf(n.P, "%q is a helper expression, not a function: write %s without arguments", n.Func, n.Func)
	}
	return nil, Errorf(n.P, "unknown function %q", n.Func)
}

// spaceFree reports whether e does not depend on the space variables (or
// on fields, whose values do): such factors pass through lap and biharm.
func (r *resolver) spaceFree(e Expr) bool {
	free := true
	Walk(e, func(x Expr) bool {
		switch n := x.(type) {
		case *Ident:
			if r.diffFields[n.Name] || r.vars[n.Name] && n.Name != "t" {
				free = false
			}
		case *Deriv, *Index, *IndexedSum:
			free = false
		case *Call:
			if _, ok := builtins[n.Func]; !ok {
				free = false
			}
		}
		return free
	})
	return free
}

// lap returns the Laplacian of the resolved expression e: lap(u) stays a
// call for a field u (so that a stochastic estimator can replace it), sums
// and space-independent factors distribute, lap(lap(u)) is biharm(u), and
// anything else is expanded symbolically.
func (r *resolver) lap(e Expr, p Pos) (Expr, error) {
	switch n := e.(type) {
	case *Ident:
		if r.diffFields[n.Name] {
			return &Call{P: p, Func: "lap", Args: []Expr{n}}, nil
		}
	case *Call:
		if id, ok := n.Args[0].(*Ident); ok && n.Func == "lap" && len(n.Args) == 1 && r.diffFields[id.Name] {
			return &Call{P: p, Func: "biharm", Args: []Expr{id}}, nil
		}
	case *Unary:
		x, err := r.lap(n.X, p)
		if err != nil {
			return nil, err
		}
		return neg(n.P, x), nil
	case *Binary:
		switch {
		case n.Op == '+' || n.Op == '-':
			l, err := r.lap(n.L, p)
			if err != nil {
				return nil, err
			}
			rr, err := r.lap(n.R, p)
			if err != nil {
				return nil, err
			}
			return binary(n.P, n.Op, l, rr), nil
		case n.Op == '*' && r.spaceFree(n.L):
			x, err := r.lap(n.R, p)
			if err != nil {
				return nil, err
			}
			return mul(n.P, n.L, x), nil
		case (n.Op == '*' || n.Op == '/') && r.spaceFree(n.R):
			x, err := r.lap(n.L, p)
			if err != nil {
				return nil, err
			}
			return binary(n.P, n.Op, x, n.R), nil
		}
	}
	if r.spaceFree(e) {
		return &Num{P: p, Value: 0}, nil
	}
	if IsVector(e) {
		// Laplacians of vector expressions stay calls: CompileVector
		// evaluates them numerically (forward Laplacian, O(d) per point).
		if r.usesFields(e) {
			return nil, Errorf(p, "lap(...) of an expression mixing fields and vector forms is not supported; write lap(u) for fields")
		}
		return &Call{P: p, Func: "lap", Args: []Expr{e}}, nil
	}
	if len(r.space) == 0 {
		return nil, Errorf(p, "lap(...) needs space variables")
	}
	var sum Expr = &Num{P: p, Value: 0}
	for _, s := range r.space {
		d1, err := DiffSpace(e, s, r.diffFields, r.space)
		if err != nil {
			return nil, err
		}
		d2, err := DiffSpace(d1, s, r.diffFields, r.space)
		if err != nil {
			return nil, err
		}
		sum = add(p, sum, d2)
	}
	return sum, nil
}

func (r *resolver) biharm(e Expr, p Pos) (Expr, error) {
	if id, ok := e.(*Ident); ok && r.diffFields[id.Name] {
		return &Call{P: p, Func: "biharm", Args: []Expr{id}}, nil
	}
	l, err := r.lap(e, p)
	if err != nil {
		return nil, err
	}
	return r.lap(l, p)
}

func (r *resolver) indexedSum(n *IndexedSum) (Expr, error) {
	if r.vars[n.Var] || hasKey(r.s.VectorVars, n.Var) || hasKey(r.s.VectorConsts, n.Var) || r.fields[n.Var] {
		return nil, Errorf(n.P, "sum(...): index %q is already a name", n.Var)
	}
	from, err := r.resolve(n.From)
	if err != nil {
		return nil, err
	}
	to, err := r.resolve(n.To)
	if err != nil {
		return nil, err
	}
	if r.ivars == nil {
		r.ivars = map[string]bool{}
	}
	had := r.ivars[n.Var]
	r.ivars[n.Var] = true
	body, err := r.resolve(n.Body)
	r.ivars[n.Var] = had
	if err != nil {
		return nil, err
	}
	return &IndexedSum{P: n.P, Var: n.Var, From: from, To: to, Body: body}, nil
}

// elementwise resolves a reduction over the coordinates, sum(e), max(e) or
// min(e), whose argument uses the vector variable elementwise.
func (r *resolver) elementwise(n *Call) (Expr, error) {
	if r.elem {
		return nil, Errorf(n.P, "elementwise %s(...) cannot be nested", n.Func)
	}
	r.elem = true
	body, err := r.resolve(n.Args[0])
	r.elem = false
	if err != nil {
		return nil, err
	}
	if n.Func != "sum" && r.usesFields(body) {
		return nil, Errorf(n.P, "%s(...) over the coordinates of a field is not supported (only sum)", n.Func)
	}
	return &Call{P: n.P, Func: n.Func, Args: []Expr{body}}, nil
}

// IsReduction reports whether c is a reduction over the coordinates of a
// vector variable: sum(e), or max(e) / min(e) with one argument.
func IsReduction(c *Call) bool {
	return c.Func == "sum" || (c.Func == "max" || c.Func == "min") && len(c.Args) == 1
}

func (r *resolver) usesFields(e Expr) bool {
	found := false
	Walk(e, func(x Expr) bool {
		switch n := x.(type) {
		case *Ident:
			found = found || r.diffFields[n.Name]
		case *Deriv:
			found = true
		}
		return !found
	})
	return found
}

// IsVector reports whether e contains vector forms (x[i], norm2, sum).
func IsVector(e Expr) bool {
	found := false
	Walk(e, func(x Expr) bool {
		switch n := x.(type) {
		case *Index, *IndexedSum:
			found = true
		case *Call:
			found = found || n.Func == "norm2" || IsReduction(n)
		}
		return !found
	})
	return found
}
