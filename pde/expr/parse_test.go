package expr

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func mustParse(t testing.TB, src string) Expr {
	t.Helper()
	e, err := Parse(src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return e
}

// TestPrecedence evaluates the precedence and associativity rules of SPEC
// §2 numerically. Tolerance: 1e-12 relative (these are a few flops).
func TestPrecedence(t *testing.T) {
	vars := []string{"x", "y"}
	at := []float64{3, 2}
	for _, c := range []struct {
		src  string
		want float64
	}{
		{"-x^2", -9},
		{"(-x)^2", 9},
		{"2^3^2", 512},
		{"(2^3)^2", 64},
		{"2^-1", 0.5},
		{"2^-1^2", 0.5}, // 2^(-(1^2))
		{"-2^2", -4},
		{"2*3+4", 10},
		{"2+3*4", 14},
		{"10-4-3", 3},
		{"24/4/3", 2},
		{"24/4*3", 18},
		{"2*-x", -6},
		{"--x", 3},
		{"-x*y", -6},
		{"+x", 3},
		{"x - -y", 5},
		{"x^y^2", 81},
		{"-x^-1", -1.0 / 3},
		{".5 + 2.5e-1 + 1E1", 10.75},
		{"sin(pi/2) + cos(0)*e", 1 + math.E},
		{"min(x, y) + max(x, y)*10", 32},
		{"x = y", 1},
		{"2*x = y + 1", 3},
		{"(x + y)*(x - y)", 5},
		// comparisons are 1 where they hold, else 0; looser than + -
		{"x < y", 0}, {"x > y", 1}, {"x >= 3", 1}, {"x <= 3", 1}, {"x < 3", 0}, {"x > 3", 0},
		{"x + 1 > y*2", 0}, {"x + 1 >= y*2", 1}, {"(x > 1)*(y > 1)", 1}, {"2*(y <= 1) + 1", 1},
		{"where(x > y, x, y)", 3}, {"where(x < y, 1, 2) + 1", 3}, {"where((x > 2)*(y > 2), 1, -1)", -1},
	} {
		e := mustParse(t, c.src)
		got, err := Eval(e, vars, at)
		if err != nil {
			t.Errorf("Eval(%q): %v", c.src, err)
			continue
		}
		if math.Abs(got-c.want) > 1e-12*math.Max(1, math.Abs(c.want)) {
			t.Errorf("%q = %v, want %v (tree %s)", c.src, got, c.want, e)
		}
	}
}

func TestParseTrees(t *testing.T) {
	for _, c := range []struct {
		src  string
		want Expr
	}{
		{"d(u, x, x)", &Deriv{Of: &Ident{Name: "u"}, Wrt: []string{"x", "x"}}},
		{"sum(i, 1, d-1, c[i])", &IndexedSum{Var: "i", From: &Num{Value: 1},
			To:   &Binary{Op: '-', L: &Ident{Name: "d"}, R: &Num{Value: 1}},
			Body: &Index{Name: "c", Index: &Ident{Name: "i"}}}},
		{"sum(sin(x))", &Call{Func: "sum", Args: []Expr{&Call{Func: "sin", Args: []Expr{&Ident{Name: "x"}}}}}},
		{"a = b", &Binary{Op: '-', L: &Ident{Name: "a"}, R: &Ident{Name: "b"}}},
		{"-2", &Num{Value: -2}},
		{"-(2)", &Unary{Op: '-', X: &Num{Value: 2}}},
		{"-2^2", &Unary{Op: '-', X: &Binary{Op: '^', L: &Num{Value: 2}, R: &Num{Value: 2}}}},
		{"h()", &Call{Func: "h"}},
		{"[x, -2]", &VecLit{Elems: []Expr{&Ident{Name: "x"}, &Num{Value: -2}}}},
		{"div(k*[u_x, 1])", &Call{Func: "div", Args: []Expr{&Binary{Op: '*', L: &Ident{Name: "k"},
			R: &VecLit{Elems: []Expr{&Ident{Name: "u_x"}, &Num{Value: 1}}}}}}},
		{"c[i]*[x]", &Binary{Op: '*', L: &Index{Name: "c", Index: &Ident{Name: "i"}}, R: &VecLit{Elems: []Expr{&Ident{Name: "x"}}}}},
	} {
		if got := mustParse(t, c.src); !Equal(got, c.want) {
			t.Errorf("Parse(%q) = %s, want %s", c.src, got, c.want)
		}
	}
}

func TestPositions(t *testing.T) {
	e := mustParse(t, "a +\n  sin(b)")
	bin := e.(*Binary)
	if p := bin.P; p != (Pos{Offset: 2, Line: 1, Col: 3}) {
		t.Errorf("binary at %+v", p)
	}
	if p := bin.R.Position(); p != (Pos{Offset: 6, Line: 2, Col: 3}) {
		t.Errorf("call at %+v", p)
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		src string
		col int
		msg string
	}{
		{"u_xx - * 2", 8, `unexpected "*"`},
		{"x < y < 1", 7, "comparisons do not chain"},
		{"x <", 4, "unexpected end of expression"},
		{"where(x > 0, 1)", 1, "where(...) takes a condition and two values, got 2"},
		{"x +", 4, "unexpected end of expression"},
		{"", 1, "unexpected end of expression"},
		{"(x+1", 1, "unbalanced parenthesis"},
		{"x+1)", 4, "unbalanced parenthesis"},
		{"sin(x", 4, "unbalanced parenthesis"},
		{"x[1", 2, "unbalanced bracket"},
		{"a = b = c", 7, `unexpected "="`},
		{"(a = b)", 4, `unexpected "="`},
		{"2 $ 3", 3, "unexpected character '$'"},
		{"x y", 3, `unexpected "y"`},
		{"2e", 2, `unexpected "e"`},
		{"1e999", 1, "number 1e999 out of range"},
		{"f(x,)", 5, `unexpected ")"`},
		{"d(u)", 1, "d(...) takes an expression and at least one variable"},
		{"d(u, 2)", 6, "d(...) takes variable names"},
		{"x^", 3, "unexpected end of expression"},
		{"div([])", 5, "empty vector literal"},
		{"[x, y", 1, "unbalanced bracket"},
		{"[x,]", 4, `unexpected "]"`},
		{"[x y]", 4, `unexpected "y"`},
		{"2[x]", 2, `unexpected "["`},
		{strings.Repeat("(", 1000) + "x" + strings.Repeat(")", 1000), 0, "nested too deeply"},
	} {
		_, err := Parse(c.src)
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q): error %v, want *Error", c.src, err)
			continue
		}
		if c.col != 0 && pe.Pos.Col != c.col || !strings.Contains(pe.Msg, c.msg) {
			t.Errorf("Parse(%q): %v (col %d), want col %d %q", c.src, err, pe.Pos.Col, c.col, c.msg)
		}
	}
}

// roundTrip checks the printer's contract: the text parses back to an equal
// tree, and printing is then a fixed point.
func roundTrip(t testing.TB, e Expr) {
	t.Helper()
	s := e.String()
	back, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q) (printed from %#v): %v", s, e, err)
	}
	if !Equal(e, back) {
		t.Fatalf("round trip of %q: got %s", s, back)
	}
	if s2 := back.String(); s2 != s {
		t.Fatalf("printing not stable: %q then %q", s, s2)
	}
}

func TestRoundTrip(t *testing.T) {
	for _, src := range []string{
		"-x^2", "(-x)^2", "2^3^2", "(2^3)^2", "2^-1", "a - (b - c)", "a - b - c",
		"a/(b*c)", "a/b*c", "a*(b/c)", "-(a + b)", "- -x", "-(2)", "-2", "(-2)^x",
		"x^(-2)", "1e-300*x", "1.5e+300", "0.1 + 0.2", "-0", "d(u^2, x, t)",
		"sum(i, 1, d - 1, c[i]*sin(x[i] + cos(x[i + 1])))", "norm2(x)", "x[-1]",
		"u_xx - nu*(u_x)^2 = f", "h(u, u_x)", "min(a, -b)", "a^b^c^d", "(a^b)^c",
		"-a^-b", "a*-b", "a - -2", "a + -2", "-x*y", "-(x*y)", "2*-(3)",
		"[x, y]", "div(k*grad(u) + [x*u_x, -2])", "-[a + b, c]^2", "[[x], (y)]",
	} {
		roundTrip(t, mustParse(t, src))
	}
	// Hand-built trees the parser never produces directly.
	roundTrip(t, &Unary{Op: '-', X: &Num{Value: -3}})
	roundTrip(t, &Binary{Op: '^', L: &Num{Value: -3}, R: &Unary{Op: '-', X: &Num{Value: 2}}})
	roundTrip(t, &Binary{Op: '*', L: &Ident{Name: "x"}, R: &Num{Value: math.Copysign(0, -1)}})
}

func TestWalk(t *testing.T) {
	e := mustParse(t, "sin(x) + y*z")
	var seen []string
	Walk(e, func(n Expr) bool {
		seen = append(seen, n.String())
		_, isCall := n.(*Call)
		return !isCall // do not descend into calls
	})
	want := []string{"sin(x) + y*z", "sin(x)", "y*z", "y", "z"}
	if strings.Join(seen, "|") != strings.Join(want, "|") {
		t.Errorf("Walk visited %q, want %q", seen, want)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"u_t - nu*u_xx", "-x^2", "2^3^2", "2^-1", "d(u, x, t)", "lap(exact(u))",
		"sum(i, 1, d-1, c[i]*sin(x[i] + cos(x[i+1])))", "sum(x*cos(x))", "x = y",
		"(((a)))", "-(2)", "- -2", ".5e-3", "1e+21^2", "max(a, b)/min(a,b)", "a b",
		"(x+1", "x)", "", "\n x +\n y", "h()", "-2^-2^-x", "f(,)", "x[i][j]", "é",
		"div(k*grad(u) + [x, -y])", "[]", "[x,", "[a, [b]]",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q): error %T, want *Error", src, err)
			}
			if pe.Pos.Offset < 0 || pe.Pos.Offset > len(src) {
				t.Fatalf("Parse(%q): error position %+v outside the input", src, pe.Pos)
			}
			return
		}
		roundTrip(t, e)
	})
}
