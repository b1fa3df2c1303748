package expr

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func testScope(t testing.TB) *Scope {
	return &Scope{
		Variables:  []string{"x", "y", "t"},
		Fields:     []string{"u", "v"},
		Constants:  map[string]float64{"nu": 0.01, "k": 2},
		Parameters: []string{"lam"},
		Functions: map[string]Expr{
			"f":    mustParse(t, "-2*pi^2*sin(pi*x)*sin(pi*y)"),
			"g":    mustParse(t, "f + k"),
			"flux": mustParse(t, "u^2/2"),
		},
		Hidden: map[string]int{"h": 2},
		Exact: map[string]Expr{
			"u": mustParse(t, "sin(pi*x)*sin(pi*y)*exp(-t)"),
		},
	}
}

func TestResolve(t *testing.T) {
	s := testScope(t)
	for _, c := range []struct{ src, want string }{
		{"u_t - nu*u_xx", "d(u, t) - 0.01*d(u, x, x)"},
		{"u_xyt + v_y", "d(u, x, y, t) + d(v, y)"},
		{"d(u, x, x)", "d(u, x, x)"},
		{"d(u_x, y)", "d(u, x, y)"},
		{"d(u^2, x)", "2*u*d(u, x)"},
		{"d(flux, x)", "u*d(u, x)"},
		{"d(lam*x^2, x)", "2*lam*x"},
		{"lam*u", "lam*u"},
		{"k*pi + e + d", fmt.Sprint("2*", math.Pi, " + ", math.E, " + 2")},
		{"g", fmt.Sprint("-2*", math.Pi, "^2*sin(", math.Pi, "*x)*sin(", math.Pi, "*y) + 2")},
		{"lap(u)", "lap(u)"},
		{"lap(2*u - v)", "2*lap(u) - lap(v)"},
		{"lap(exp(-t)*u)", "exp(-t)*lap(u)"},
		{"div(grad(u))", "lap(u)"},
		{"lap(lap(u))", "biharm(u)"},
		{"biharm(u)", "biharm(u)"},
		{"biharm(3*u)", "3*biharm(u)"},
		{"lap(u^2)", "2*d(u, x)*d(u, x) + 2*u*d(u, x, x) + (2*d(u, y)*d(u, y) + 2*u*d(u, y, y))"},
		{"h(u, u_x)", "h(u, d(u, x))"},
		{"max(u, 0) + sigmoid(x)", "max(u, 0) + sigmoid(x)"},
		{"u = f", fmt.Sprint("u - -2*", math.Pi, "^2*sin(", math.Pi, "*x)*sin(", math.Pi, "*y)")},
		{"d(x*y, x, y)", "1"},
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
}

func TestResolveNetOutputs(t *testing.T) {
	single := &Scope{Variables: []string{"x", "t"}, NetOutputs: []string{"N"}}
	multi := &Scope{Variables: []string{"x", "t"}, NetOutputs: []string{"N_u", "N_v"}}
	fieldsToo := &Scope{Variables: []string{"x", "u"}, Fields: []string{"u"}, NetOutputs: []string{"N_u"}}
	for _, c := range []struct {
		s         *Scope
		src, want string
	}{
		{single, "x*(1-x)*N_x + N_t", "x*(1 - x)*d(N, x) + d(N, t)"},
		{multi, "N_u + N_v_x + d(N_u, t, t)", "N_u + d(N_v, x) + d(N_u, t, t)"},
		// N_u is a name even where "u" could be read as a variable.
		{fieldsToo, "N_u", "N_u"},
		{fieldsToo, "N_u_x", "d(N_u, x)"},
	} {
		got, err := Resolve(mustParse(t, c.src), c.s)
		if err != nil {
			t.Errorf("Resolve(%q): %v", c.src, err)
			continue
		}
		if want := mustParse(t, c.want); !Equal(got, want) {
			t.Errorf("Resolve(%q) = %s, want %s", c.src, got, c.want)
		}
	}
	if _, err := Resolve(mustParse(t, "N"), testScope(t)); err == nil {
		t.Error("N outside output transforms: no error")
	}
}

// TestLapExact checks the manufactured-solution path: lap(exact(u)) for
// u = sin(pi x) sin(pi y) is -2 pi^2 u, to 1e-12 relative, at random points.
func TestLapExact(t *testing.T) {
	s := &Scope{
		Variables: []string{"x", "y"},
		Fields:    []string{"u"},
		Exact:     map[string]Expr{"u": mustParse(t, "sin(pi*x)*sin(pi*y)")},
	}
	lap, err := Resolve(mustParse(t, "lap(exact(u))"), s)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := Resolve(mustParse(t, "exact(u)"), s)
	if err != nil {
		t.Fatal(err)
	}
	fl, err := Compile(lap, s.Variables)
	if err != nil {
		t.Fatalf("Compile(%s): %v", lap, err)
	}
	fu, err := Compile(ex, s.Variables)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 100; i++ {
		p := []float64{rng.Float64(), rng.Float64()}
		got, want := fl(p), -2*math.Pi*math.Pi*fu(p)
		if math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
			t.Fatalf("lap(exact(u)) at %v = %v, want %v", p, got, want)
		}
	}
	// Also through helpers, biharm and d(): d(exact(u), x) and
	// biharm(exact(u)) = 4 pi^4 u.
	bi, err := Resolve(mustParse(t, "biharm(exact(u)) - 4*pi^4*exact(u) + d(exact(u), x) - pi*cos(pi*x)*sin(pi*y)"), s)
	if err != nil {
		t.Fatal(err)
	}
	fb, err := Compile(bi, s.Variables)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		p := []float64{rng.Float64(), rng.Float64()}
		if v := fb(p); math.Abs(v) > 1e-9 {
			t.Fatalf("biharm/d of exact at %v: residual %v", p, v)
		}
	}
}

func TestResolveErrors(t *testing.T) {
	cyc := testScope(t)
	cyc.Functions = map[string]Expr{"p": mustParse(t, "q + 1"), "q": mustParse(t, "2*p"), "bad": mustParse(t, "x + zz")}
	long := &Scope{Variables: []string{"x1", "x2"}, Fields: []string{"u"}}
	vec := &Scope{Variables: []string{"t"}, Fields: []string{"u"}, VectorVars: map[string]int{"x": 100}, Dim: 100}
	for _, c := range []struct {
		s   *Scope
		src string
		col int
		msg string
	}{
		{nil, "u_xx - 2*undefined_thing", 10, `unknown name "undefined_thing"`},
		{nil, "u_t - nu2*u_xx", 7, `unknown name "nu2"`},
		{nil, "foo(x)", 1, `unknown function "foo"`},
		{nil, "1 + sin(x, y)", 5, "sin takes 1 argument, got 2"},
		{nil, "max(x)", 1, "max takes 2 arguments, got 1"},
		{nil, "u_xxxxx", 1, "derivative order 5 > 4"},
		{nil, "d(u, x, x, x, x, y)", 1, "derivative order 5 > 4"},
		{nil, "d(u_xx, x, x, x)", 1, "derivative order 5 > 4"},
		{nil, "lap(u_xxx)", 1, "derivative order 5 > 4"},
		{nil, "h(u)", 1, "h takes 2 arguments, got 1"},
		{nil, "h", 1, `hidden term "h" must be called`},
		{nil, "2*d(h(u, x), x)", 5, "cannot differentiate hidden term h"},
		{nil, "d(u, q)", 1, `"q" is not a variable`},
		{nil, "u_q", 1, `"q" is not a variable`},
		{nil, "grad(u)", 1, "grad(u) is a vector, but a scalar is needed here (vectors are only supported inside div(...))"},
		{nil, "div(u)", 5, "div(...) takes a vector (grad(f), k*grad(f), a sum of vectors or [e1, ..., en]), got the scalar u"},
		{nil, "x + dn(u)", 5, "dn(...) is only allowed in conditions"},
		{nil, "exact(v)", 7, `no exact solution for "v" (evaluation.exact)`},
		{nil, "exact(x)", 7, "exact(...) takes a field name"},
		{nil, "f(x)", 1, "helper expression"},
		{nil, "sin", 1, "sin is a function"},
		{nil, "x[1]", 1, `"x" is a scalar and cannot be indexed`},
		{nil, "c[1]", 1, `unknown name "c"`},
		{nil, "norm2(x)", 1, "norm2(...) needs a vector variable"},
		{nil, "sum(i, 1, 3, i)", 1, "sum(...) needs a vector variable"},
		{cyc, "1 + p", 5, `function "p" refers to itself (p -> q -> p)`},
		{cyc, "bad", 1, `in function "bad": unknown name "zz" (column 5 of its definition)`},
		{long, "u_x1", 1, "shorthand derivatives need one-letter variable names"},
		{vec, "x", 1, `vector variable "x" must be indexed`},
		{vec, "u + q[1]", 5, `unknown name "q"`},
		{vec, "norm2(u)", 7, "norm2(...) takes a vector name"},
		{vec, "sum(sum(x))", 5, "cannot be nested"},
		{vec, "d(u, x)^2", 1, "use it inside an elementwise sum"},
		{vec, "sum(d(u, x, t))", 5, "only d(u, x) and d(u, x, x)"},
		{vec, "sum(d(u, x, x, x))", 5, "only d(u, x) and d(u, x, x)"},
		{vec, "sum(d(u^2, x))", 5, "only of a field"},
		{vec, "max(d(u, x))", 1, "only sum"},
		{vec, "max(max(x))", 5, "cannot be nested"},
		{&Scope{Variables: []string{"x"}, Exact: map[string]Expr{"u": mustParse(t, "u*x")}, Fields: []string{"u"}},
			"exact(u)", 1, `in exact solution of "u": unknown name "u"`},
	} {
		s := c.s
		if s == nil {
			s = testScope(t)
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

func TestResolveAllowDn(t *testing.T) {
	s := testScope(t)
	s.AllowDn = true
	got, err := Resolve(mustParse(t, "dn(u) + 2*u"), s)
	if err != nil || got.String() != "dn(u) + 2*u" {
		t.Errorf("dn: %v, %v", got, err)
	}
	if _, err := Resolve(mustParse(t, "dn(u^2)"), s); err == nil {
		t.Error("dn of an expression: no error")
	}
}

func TestCheckName(t *testing.T) {
	for _, ok := range []string{"u", "nu", "x1", "lam_2", "Re", "t"} {
		if err := CheckName(ok); err != nil {
			t.Errorf("CheckName(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "pi", "e", "d", "N", "N_u", "sin", "max", "lap", "dn", "exact", "sum", "sign", "1x", "_x", "a-b", "a b", "é"} {
		if err := CheckName(bad); err == nil {
			t.Errorf("CheckName(%q): no error", bad)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	for _, c := range []struct {
		src string
		col int
		msg string
	}{
		{"x + zz", 5, `unknown name "zz"`},
		{"x + d(u, x)", 5, "cannot evaluate derivative"},
		{"lap(u)", 1, "cannot evaluate lap(...)"},
		{"h(x)", 1, `unknown function "h"`},
		{"sin(x, x)", 1, "sin takes 1 argument, got 2"},
	} {
		_, err := Compile(mustParse(t, c.src), []string{"x"})
		var ce *Error
		if !errors.As(err, &ce) || ce.Pos.Col != c.col || !strings.Contains(ce.Msg, c.msg) {
			t.Errorf("Compile(%q): %v, want col %d %q", c.src, err, c.col, c.msg)
		}
	}
	if _, err := Eval(mustParse(t, "x"), []string{"x"}, nil); err == nil {
		t.Error("Eval with too few values: no error")
	}
}

func ExampleResolve() {
	s := &Scope{
		Variables: []string{"x", "t"},
		Fields:    []string{"u"},
		Constants: map[string]float64{"nu": 0.01},
	}
	e, _ := Parse("u_t + d(u^2/2, x) = nu*u_xx")
	r, err := Resolve(e, s)
	fmt.Println(r, err)
	// Output: d(u, t) + u*d(u, x) - 0.01*d(u, x, x) <nil>
}

// TestMentions: a bare identifier anywhere in the tree; not a prefix of
// another name, not an indexed element.
func TestMentions(t *testing.T) {
	for _, c := range []struct {
		src, name string
		want      bool
	}{
		{"sin(x[i] + t)*u", "t", true},
		{"sin(x[i] + t)*u", "x", false},
		{"sum(x^2) + x[1]", "x", true},
		{"tt + t2", "t", false},
		{"3", "t", false},
	} {
		e, err := Parse(c.src)
		if err != nil {
			t.Fatal(err)
		}
		if got := Mentions(e, c.name); got != c.want {
			t.Errorf("Mentions(%s, %s) = %v, want %v", c.src, c.name, got, c.want)
		}
	}
}
