package expr

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// divScope is a 2-D problem in time: the space variables are x and y, t is
// not one.
func divScope(t testing.TB) *Scope {
	return &Scope{
		Variables:  []string{"x", "y", "t"},
		Fields:     []string{"u", "v"},
		Constants:  map[string]float64{"a": 2, "b": 3},
		Parameters: []string{"lam"},
		Functions: map[string]Expr{
			"kx": mustParse(t, "1 + x^2"),
			"kt": mustParse(t, "2 + sin(x)*cos(y)*exp(-t)"),
		},
	}
}

// knownFields are closed forms substituted for the fields to evaluate a
// resolved residual: a polynomial-trigonometric u and v in x, y and t.
var knownFields = map[string]string{
	"u": "sin(2*x)*cos(y) + x^3*y - t*x*y^2",
	"v": "exp(x - y)*t + x*y^2",
}

// substitute replaces every field in the resolved e by its closed form:
// u by U, d(u, ...) by the symbolic derivative of U, lap(u) and biharm(u)
// by their sums over space. The result is free of fields and compiles.
func substitute(t testing.TB, e Expr, fields map[string]Expr, space []string) Expr {
	t.Helper()
	derive := func(u Expr, wrt ...string) Expr {
		for _, w := range wrt {
			var err error
			if u, err = Diff(u, w, nil); err != nil {
				t.Fatalf("Diff(%s, %s): %v", u, w, err)
			}
		}
		return u
	}
	lap := func(u Expr) Expr {
		var sum Expr = &Num{}
		for _, s := range space {
			sum = &Binary{Op: '+', L: sum, R: derive(u, s, s)}
		}
		return sum
	}
	var sub func(Expr) Expr
	sub = func(e Expr) Expr {
		switch n := e.(type) {
		case *Ident:
			if u, ok := fields[n.Name]; ok {
				return u
			}
		case *Deriv:
			if id, ok := n.Of.(*Ident); ok && fields[id.Name] != nil {
				return derive(fields[id.Name], n.Wrt...)
			}
			t.Fatalf("derivative of a non-field survived Resolve: %s", n)
		case *Unary:
			return &Unary{Op: n.Op, X: sub(n.X)}
		case *Binary:
			return &Binary{Op: n.Op, L: sub(n.L), R: sub(n.R)}
		case *Call:
			if id, ok := n.Args[0].(*Ident); ok && fields[id.Name] != nil {
				switch n.Func {
				case "lap":
					return lap(fields[id.Name])
				case "biharm":
					return lap(lap(fields[id.Name]))
				}
			}
			args := make([]Expr, len(n.Args))
			for i, a := range n.Args {
				args[i] = sub(a)
			}
			return &Call{Func: n.Func, Args: args}
		}
		return e
	}
	return sub(e)
}

// checkLowered fails unless e holds only what the network compiler knows:
// no vector forms, no grad or div, derivatives and lap only of fields.
func checkLowered(t testing.TB, src string, e Expr, s *Scope) {
	t.Helper()
	fields := set(s.Fields)
	Walk(e, func(x Expr) bool {
		switch n := x.(type) {
		case *VecLit:
			t.Errorf("Resolve(%q) left a vector literal: %s", src, e)
		case *Call:
			if n.Func == "grad" || n.Func == "div" {
				t.Errorf("Resolve(%q) left %s(...): %s", src, n.Func, e)
			}
			if n.Func == "lap" || n.Func == "biharm" {
				if id, ok := n.Args[0].(*Ident); !ok || !fields[id.Name] {
					t.Errorf("Resolve(%q) left %s of a non-field: %s", src, n.Func, e)
				}
			}
		case *Deriv:
			if id, ok := n.Of.(*Ident); !ok || !fields[id.Name] {
				t.Errorf("Resolve(%q) left a derivative of a non-field: %s", src, e)
			}
		}
		return true
	})
}

// divEvaluator resolves expressions in s and evaluates them with the
// fields replaced by knownFields, at points (x, y, t, lam).
type divEvaluator struct {
	t      testing.TB
	s      *Scope
	fields map[string]Expr
}

func newDivEvaluator(t testing.TB, s *Scope) *divEvaluator {
	fields := map[string]Expr{}
	for name, src := range knownFields {
		fields[name] = mustParse(t, src)
	}
	return &divEvaluator{t: t, s: s, fields: fields}
}

func (d *divEvaluator) compile(src string) func([]float64) float64 {
	d.t.Helper()
	r, err := Resolve(mustParse(d.t, src), d.s)
	if err != nil {
		d.t.Fatalf("Resolve(%q): %v", src, err)
	}
	checkLowered(d.t, src, r, d.s)
	var space []string
	for _, v := range d.s.Variables {
		if v != "t" {
			space = append(space, v)
		}
	}
	f, err := Compile(substitute(d.t, r, d.fields, space), append(append([]string(nil), d.s.Variables...), d.s.Parameters...))
	if err != nil {
		d.t.Fatalf("Compile(resolved %q = %s): %v", src, r, err)
	}
	return f
}

// agree evaluates got and want at 200 random points of [-1, 1]^2 x [0, 1]
// (lam in [0.5, 2]) and requires |got - want| <= tol*max(1, |want|).
func (d *divEvaluator) agree(got, want string, tol float64) {
	d.t.Helper()
	fg, fw := d.compile(got), d.compile(want)
	rng := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 200; i++ {
		p := []float64{2*rng.Float64() - 1, 2*rng.Float64() - 1, rng.Float64(), 0.5 + 1.5*rng.Float64()}
		g, w := fg(p), fw(p)
		if math.IsNaN(g) || math.Abs(g-w) > tol*math.Max(1, math.Abs(w)) {
			d.t.Errorf("%s = %v, want %s = %v at (x, y, t, lam) = %v", got, g, want, w, p)
			return
		}
	}
}

// TestDivProductRule: div(k*grad(u)) = sum_i d(k*d(u, x_i), x_i) =
// k*lap(u) + dk/dx*u_x + dk/dy*u_y for constant, space-dependent,
// parameter, helper and time-dependent k, in every written form (k*grad,
// grad*k, negated, as a literal, divided), evaluated with u a known
// closed form and compared with the hand expansion to 1e-12 relative.
func TestDivProductRule(t *testing.T) {
	ev := newDivEvaluator(t, divScope(t))
	for _, c := range []struct{ k, kx, ky string }{
		{"2.5", "0", "0"},
		{"a", "0", "0"},
		{"1 + x^2", "2*x", "0"},
		{"kx", "2*x", "0"},
		{"exp(x*y)", "y*exp(x*y)", "x*exp(x*y)"},
		{"lam", "0", "0"},
		{"lam*(1 + x^2)*y", "2*lam*x*y", "lam*(1 + x^2)"},
		{"exp(-t)", "0", "0"},
		{"kt", "cos(x)*cos(y)*exp(-t)", "-sin(x)*sin(y)*exp(-t)"},
		{"u", "u_x", "u_y"}, // a field factor: div(u grad u) = u lap u + |grad u|^2
	} {
		k := "(" + c.k + ")"
		hand := fmt.Sprintf("%s*lap(u) + (%s)*u_x + (%s)*u_y", k, c.kx, c.ky)
		quot := fmt.Sprintf("lap(u)/%s - ((%s)*u_x + (%s)*u_y)/%s^2", k, c.kx, c.ky, k)
		for _, form := range []struct{ src, want string }{
			{"div(K*grad(u))", hand},
			{"div(grad(u)*K)", hand},
			{"div(-(K*grad(u)))", "-(" + hand + ")"},
			{"div(-K*grad(u))", "-(" + hand + ")"},
			{"div([K*u_x, K*u_y])", hand},
			{"div(K*[u_x, u_y])", hand},
			{"d(K*u_x, x) + d(K*u_y, y)", hand},
			{"div(K*grad(u) + grad(v))", hand + " + lap(v)"},
			{"div(grad(u)/K)", quot},
		} {
			if c.k == "u" && strings.Contains(form.src, "/") {
				continue // u has zeros in the box
			}
			ev.agree(strings.ReplaceAll(form.src, "K", k), form.want, 1e-12)
		}
	}
}

// TestDivForms checks the lowered trees of simple forms exactly, and the
// values of the rest with the known fields (1e-12 relative).
func TestDivForms(t *testing.T) {
	s := divScope(t)
	for _, c := range []struct{ src, want string }{
		{"div(grad(u))", "lap(u)"},
		{"div(2*grad(u))", "2*lap(u)"},
		{"div(-grad(u))", "-lap(u)"},
		{"div(grad(u) - grad(v))", "lap(u) - lap(v)"},
		{"div(lam*grad(u))", "lam*lap(u)"},
		{"div(grad(u)/lam)", "lap(u)/lam"},
		{"div(grad(u) + [x, y])", "lap(u) + 2"},
		{"div([a*u_x, b*u_y])", "2*d(u, x, x) + 3*d(u, y, y)"},
		{"div([x*y, -x*y])", "y - x"},
		{"div(grad(x^2*y))", "2*y"},
		{"div([t, t])", "0"},
		{"div(kx*grad(u))", "(1 + x^2)*lap(u) + 2*x*d(u, x)"},
		{"div(grad(u_x))", "d(u, x, x, x) + d(u, x, y, y)"},
	} {
		got, err := Resolve(mustParse(t, c.src), s)
		if err != nil {
			t.Errorf("Resolve(%q): %v", c.src, err)
			continue
		}
		if want := mustParse(t, c.want); !Equal(got, want) {
			t.Errorf("Resolve(%q) = %s, want %s", c.src, got, c.want)
		}
	}

	ev := newDivEvaluator(t, s)
	for _, c := range []struct{ got, want string }{
		{"div(grad(u) + [x, y])", "lap(u) + 2"},
		{"div([a*u_x, b*u_y])", "a*u_xx + b*u_yy"},
		{"div(kx*grad(u) + [x*u, y^2*v])", "kx*lap(u) + 2*x*u_x + u + x*u_x + 2*y*v + y^2*v_y"},
		{"div(grad(u)*u - v*grad(v))", "u*lap(u) + u_x^2 + u_y^2 - (v*lap(v) + v_x^2 + v_y^2)"},
		{"div(grad(u^2))", "2*(u*lap(u) + u_x^2 + u_y^2)"},
		{"div((1 + x^2)*grad(u)/exp(y))", "((1 + x^2)*lap(u) + 2*x*u_x - (1 + x^2)*u_y)/exp(y)"},
		{"div(sin(x)*(grad(u) + [y, x]))", "sin(x)*(lap(u)) + cos(x)*(u_x + y)"},
		{"div(exp(x*y)*grad(lap(u)))", "exp(x*y)*biharm(u) + y*exp(x*y)*d(lap(u), x) + x*exp(x*y)*d(lap(u), y)"},
		{"div([d(u*v, x), lam*sin(y)*u])", "d(u*v, x, x) + lam*(cos(y)*u + sin(y)*u_y)"},
		{"div(div(grad(v))*grad(u))", "lap(v)*lap(u) + d(lap(v), x)*u_x + d(lap(v), y)*u_y"},
	} {
		ev.agree(c.got, c.want, 1e-12)
	}

	// Three space variables and time: a literal has one component per space
	// variable, t excluded.
	s3 := &Scope{Variables: []string{"x", "y", "z", "t"}, Fields: []string{"u"}}
	got, err := Resolve(mustParse(t, "div([x, y*z, z*t] + x*grad(u))"), s3)
	want := mustParse(t, "1 + z + t + (x*lap(u) + d(u, x))")
	if err != nil || !Equal(got, want) {
		t.Errorf("3-D literal: %v, %v; want %s", got, err, want)
	}

	// With a vector variable the forms that need no components work.
	vec := &Scope{Variables: []string{"t"}, Fields: []string{"u"}, Parameters: []string{"lam"}, VectorVars: map[string]int{"x": 100}, Dim: 100}
	for _, c := range []struct{ src, want string }{
		{"div(grad(u))", "lap(u)"},
		{"div(2*grad(u) - grad(u)/lam)", "2*lap(u) - lap(u)/lam"},
		{"div(exp(-t)*grad(u))", "exp(-t)*lap(u)"},
	} {
		got, err := Resolve(mustParse(t, c.src), vec)
		if err != nil || !Equal(got, mustParse(t, c.want)) {
			t.Errorf("vector variable: Resolve(%q) = %v, %v; want %s", c.src, got, err, c.want)
		}
	}
}

func TestDivErrors(t *testing.T) {
	vec := &Scope{Variables: []string{"t"}, Fields: []string{"u"}, VectorVars: map[string]int{"x": 100}, Dim: 100}
	timeOnly := &Scope{Variables: []string{"t"}, Fields: []string{"u"}}
	for _, c := range []struct {
		s   *Scope
		src string
		col int
		msg string
	}{
		{nil, "div([u, v, x])", 5, "vector literal has 3 components, want 2 (one per space variable: x, y)"},
		{nil, "1 + div([u])", 9, "vector literal has 1 component, want 2"},
		{nil, "div(u)", 5, "div(...) takes a vector"},
		{nil, "div(u + 1)", 7, "got the scalar u + 1"},
		{nil, "div(lap(u))", 5, "got the scalar lap(u)"},
		{nil, "div(sin(grad(u)))", 9, "grad(u) is a vector, but a scalar is needed here"},
		{nil, "div(grad(zz))", 10, `unknown name "zz"`},
		{nil, "grad(u)", 1, "grad(u) is a vector, but a scalar is needed here"},
		{nil, "u + 2*grad(u)", 7, "only supported inside div(...)"},
		{nil, "[x, y]", 1, "[x, y] is a vector, but a scalar is needed here"},
		{nil, "lap([x, y])", 5, "is a vector"},
		{nil, "d(grad(u), x)", 3, "is a vector"},
		{nil, "div(grad(u)*grad(v))", 12, "cannot multiply two vectors"},
		{nil, "div([x, y]*grad(v))", 11, "cannot multiply two vectors"},
		{nil, "div(grad(u) + u)", 13, "cannot add a vector and a scalar"},
		{nil, "div(u - grad(u))", 7, "cannot subtract a vector and a scalar"},
		{nil, "div(2/grad(u))", 6, "cannot divide by a vector"},
		{nil, "div(grad(u)^2)", 12, "^ of a vector is not defined"},
		{nil, "div(grad(grad(u)))", 10, "grad(...) takes a scalar, got the vector grad(u)"},
		{nil, "div([grad(u), x])", 6, "a component of a vector literal must be a scalar"},
		{nil, "div([x, y + [1, 2]])", 11, "a component of a vector literal must be a scalar, got the vector y + [1, 2]"},
		{nil, "div(sin([x, y])*grad(u))", 9, "is a vector"},
		{nil, "div(grad(u), grad(v))", 1, "div takes 1 argument, got 2"},
		{nil, "div(grad())", 5, "grad takes 1 argument, got 0"},
		{nil, "div(x*grad(u_xxx))", 1, "derivative order 5 > 4"},
		{nil, "div(2*grad(u_xxx))", 1, "derivative order 5 > 4"},
		{nil, "div([u_xxxx, 0])", 1, "derivative order 5 > 4"},
		{nil, "div(grad(h(u, x)))", 10, "cannot differentiate hidden term h"},
		{timeOnly, "div(grad(u))", 1, "div(...) needs space variables"},
		{vec, "div([u, u])", 5, `div(...) of a vector literal is not supported with the vector variable "x"`},
		{vec, "div(x[1]*grad(u))", 5, "space-dependent factor x[1]"},
	} {
		s := c.s
		if s == nil {
			s = divScope(t)
			s.Hidden = map[string]int{"h": 2}
		}
		_, err := Resolve(mustParse(t, c.src), s)
		var re *Error
		if !errors.As(err, &re) {
			t.Errorf("Resolve(%q): error %v, want *Error", c.src, err)
			continue
		}
		if re.Pos.Col != c.col || !strings.Contains(re.Msg, c.msg) {
			t.Errorf("Resolve(%q): %v, want col %d %q", c.src, err, c.col, c.msg)
		}
	}
}

func ExampleResolve_div() {
	s := &Scope{
		Variables: []string{"x", "y"},
		Fields:    []string{"u"},
		Functions: map[string]Expr{"k": mustParseExample("1 + x^2")},
	}
	for _, src := range []string{"div(k*grad(u))", "div([x*d(u, x), 2*u])"} {
		e, _ := Parse(src)
		r, err := Resolve(e, s)
		fmt.Println(r, err)
	}
	// Output:
	// (1 + x^2)*lap(u) + 2*x*d(u, x) <nil>
	// d(u, x) + x*d(u, x, x) + 2*d(u, y) <nil>
}

func mustParseExample(src string) Expr {
	e, err := Parse(src)
	if err != nil {
		panic(err)
	}
	return e
}
