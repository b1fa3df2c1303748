package expr

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// fdCase is a closed-form function of x and y and the box its test points
// are drawn from (chosen so that every function is smooth there: log and
// sqrt of positive arguments, abs/min/max away from their kinks).
type fdCase struct {
	src      string
	xlo, xhi float64 // 0 means the default bound -2 or 2
	ylo, yhi float64
	kink     string // if set, skip points where |kink| < 1e-2
	maxOrder int    // highest derivative order checked (default 3)
}

var fdCases = []fdCase{
	{src: "sin(x)*y"}, {src: "cos(x*y)"}, {src: "tan(x/2)"}, {src: "exp(x*y)"},
	{src: "log(1 + x^2)"}, {src: "sqrt(2 + sin(x*y))"}, {src: "tanh(x*y)"},
	{src: "sinh(x) + cosh(x*y)"}, {src: "arctan(x*y)"}, {src: "sigmoid(3*x - y)"},
	{src: "abs(x - y)", kink: "x - y"}, {src: "min(x, y^2)", kink: "x - y^2"},
	{src: "max(x^3, y)", kink: "x^3 - y"}, {src: "x^y", xlo: 0.2}, {src: "2^(x*y)"},
	{src: "y^x", ylo: 0.2}, {src: "x^-3", xlo: 0.3}, {src: "1/(1 + x^2*y^2)"},
	{src: "(x + y)/(2 + cos(x))"}, {src: "-x^4 + 3*x^3*y - x*y"},
	// nested compositions
	{src: "sin(exp(x)*y) + tanh(x^2*y)/cosh(x)"},
	{src: "sigmoid(x*y)^3*arctan(sin(x)/(2 + y))"},
	{src: "log(2 + sin(x*y))*sqrt(1 + exp(-x^2))"},
	{src: "exp(-x^2)*sin(pi*x)*sin(pi*y)"},
	{src: "abs(sin(3*x))*x", kink: "sin(3*x)"},
	{src: "max(sin(x), cos(y))*exp(x)", kink: "sin(x) - cos(y)"},
	{src: "(1 + x^2)^(sin(y) + 2)"},
	{src: "a*x^2 + b*y"}, // a, b are constants to Diff (0 derivative)
	// piecewise: comparisons and where differentiate along the active piece
	{src: "where(x > y, x^2*y, sin(x*y))", kink: "x - y"},
	{src: "(x < 0.5)*x^3 + (x >= 0.5)*exp(x)", kink: "x - 0.5"},
}

// TestDiffFiniteDifferences checks Diff against central finite differences
// of compiled functions at random points, for first, second and third
// derivatives in x and in y (and mixed). The k-th derivative is checked
// against the finite difference of the symbolic (k-1)-th, so the error
// does not compound: with step h = 1e-5*max(1,|x|) the truncation and
// rounding errors are both about 1e-10, and we require agreement to 1e-6
// relative (|fd - d| <= 1e-6*max(1, |d|)).
func TestDiffFiniteDifferences(t *testing.T) {
	vars := []string{"x", "y", "a", "b"}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range fdCases {
		xlo, xhi := interval(c.xlo, c.xhi)
		ylo, yhi := interval(c.ylo, c.yhi)
		e := mustParse(t, c.src)
		var kink func([]float64) float64
		if c.kink != "" {
			var err error
			if kink, err = Compile(mustParse(t, c.kink), vars); err != nil {
				t.Fatal(err)
			}
		}
		order := c.maxOrder
		if order == 0 {
			order = 3
		}
		for _, path := range [][]string{{"x", "x", "x"}, {"y", "y", "y"}, {"x", "y", "x"}} {
			cur := e
			for k := 0; k < order; k++ {
				v := path[k]
				d, err := Diff(cur, v, nil)
				if err != nil {
					t.Fatalf("Diff(%s, %s): %v", cur, v, err)
				}
				f, err := Compile(cur, vars)
				if err != nil {
					t.Fatalf("Compile(%s): %v", cur, err)
				}
				df, err := Compile(d, vars)
				if err != nil {
					t.Fatalf("Compile(%s): %v", d, err)
				}
				vi := map[string]int{"x": 0, "y": 1}[v]
				for i := 0; i < 20; i++ {
					p := []float64{xlo + (xhi-xlo)*rng.Float64(), ylo + (yhi-ylo)*rng.Float64(), 1.3, -0.7}
					if kink != nil && math.Abs(kink(p)) < 1e-2 {
						continue
					}
					h := 1e-5 * math.Max(1, math.Abs(p[vi]))
					pp := append([]float64(nil), p...)
					pm := append([]float64(nil), p...)
					pp[vi] += h
					pm[vi] -= h
					fd := (f(pp) - f(pm)) / (2 * h)
					got := df(p)
					if math.Abs(fd-got) > 1e-6*math.Max(1, math.Abs(got)) {
						t.Errorf("d/d%s of %s at %v: symbolic %v (%s), finite difference %v", v, cur, p[:2], got, d, fd)
						break
					}
				}
				cur = d
			}
		}
	}
}

// interval defaults an unset bound of a test box to [-2, 2].
func interval(lo, hi float64) (float64, float64) {
	if lo == 0 {
		lo = -2
	}
	if hi == 0 {
		hi = 2
	}
	return lo, hi
}

func TestDiffFields(t *testing.T) {
	fields := map[string]bool{"u": true, "N": true}
	for _, c := range []struct{ src, v, want string }{
		{"u^2", "x", "2*u*d(u, x)"},
		{"d(u, x)", "t", "d(u, x, t)"},
		{"nu*u", "x", "nu*d(u, x)"},
		{"x*N", "x", "N + x*d(N, x)"},
		{"sin(u)", "y", "cos(u)*d(u, y)"},
		{"3*x + y", "x", "3"},
		{"-u", "x", "-d(u, x)"},
		{"d(x^3, x)", "x", "6*x"}, // Deriv of a closed form is carried out
	} {
		d, err := Diff(mustParse(t, c.src), c.v, fields)
		if err != nil {
			t.Fatalf("Diff(%s): %v", c.src, err)
		}
		if want := mustParse(t, c.want); !Equal(d, want) {
			t.Errorf("Diff(%s, %s) = %s, want %s", c.src, c.v, d, c.want)
		}
	}
	if _, err := Diff(mustParse(t, "h(u)"), "x", fields); err == nil || err.(*Error).Msg != "cannot differentiate hidden term h" {
		t.Errorf("hidden: %v", err)
	}
	if _, err := Diff(mustParse(t, "lap(u)"), "x", fields); err == nil {
		t.Error("lap without space variables: no error")
	}
	d, err := DiffSpace(mustParse(t, "lap(u)"), "t", fields, []string{"x", "y"})
	if err != nil || !Equal(d, mustParse(t, "d(u, x, x, t) + d(u, y, y, t)")) {
		t.Errorf("DiffSpace lap = %v, %v", d, err)
	}
}

// randExpr builds a random expression in x and y with literals that
// exercise Simplify's identities (0, 1, -1) and folding.
func randExpr(rng *rand.Rand, depth int) Expr {
	if depth == 0 || rng.IntN(4) == 0 {
		switch rng.IntN(4) {
		case 0:
			return &Ident{Name: "x"}
		case 1:
			return &Ident{Name: "y"}
		default:
			lits := []float64{0, 1, -1, 2, -2.5, 0.5, 3, 1e-3}
			return &Num{Value: lits[rng.IntN(len(lits))]}
		}
	}
	switch rng.IntN(6) {
	case 0:
		return &Unary{Op: '-', X: randExpr(rng, depth-1)}
	case 1:
		fns := []string{"sin", "cos", "exp", "tanh", "arctan", "sigmoid", "abs", "sign"}
		return &Call{Func: fns[rng.IntN(len(fns))], Args: []Expr{randExpr(rng, depth-1)}}
	case 2:
		return &Call{Func: []string{"min", "max"}[rng.IntN(2)], Args: []Expr{randExpr(rng, depth-1), randExpr(rng, depth-1)}}
	default:
		ops := "+-*/^"
		op := ops[rng.IntN(len(ops))]
		r := randExpr(rng, depth-1)
		if op == '^' {
			// integer exponents keep the value real for negative bases
			r = &Num{Value: float64(rng.IntN(5) - 2)}
		}
		return &Binary{Op: op, L: randExpr(rng, depth-1), R: r}
	}
}

// TestSimplifyKeepsValues compares random expressions before and after
// Simplify at random points: equal to 1e-12 relative wherever the original
// is finite (merging numeric factors may change the last bits; identities
// such as 0*x differ only where x is infinite or NaN).
func TestSimplifyKeepsValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	vars := []string{"x", "y"}
	for i := 0; i < 3000; i++ {
		e := randExpr(rng, 5)
		s := Simplify(e)
		roundTrip(t, e)
		roundTrip(t, s)
		if s2 := Simplify(s); !Equal(s, s2) {
			t.Fatalf("Simplify not idempotent: %s -> %s -> %s", e, s, s2)
		}
		f, err := Compile(e, vars)
		if err != nil {
			t.Fatal(err)
		}
		g, err := Compile(s, vars)
		if err != nil {
			t.Fatal(err)
		}
		for j := 0; j < 5; j++ {
			p := []float64{4*rng.Float64() - 2, 4*rng.Float64() - 2}
			if !allFinite(t, e, vars, p) {
				continue
			}
			a, b := f(p), g(p)
			if math.Abs(a-b) > 1e-12*math.Max(1, math.Abs(a)) {
				t.Fatalf("Simplify changed the value at %v: %s = %v, %s = %v", p, e, a, s, b)
			}
		}
	}
}

// allFinite reports whether every sub-expression of e is finite (and not
// huge) at p: identities like 0*x hold only for finite x, and min/max can
// hide an infinite operand from the final value.
func allFinite(t *testing.T, e Expr, vars []string, p []float64) bool {
	ok := true
	Walk(e, func(n Expr) bool {
		v, err := Eval(n, vars, p)
		if err != nil {
			t.Fatal(err)
		}
		if math.IsInf(v, 0) || math.IsNaN(v) || math.Abs(v) > 1e100 {
			ok = false
		}
		return ok
	})
	return ok
}

func TestSimplifyRules(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"x*0 + 1*y", "y"}, {"x^1 - 0", "x"}, {"--x", "x"}, {"0 - x", "-x"},
		{"2*(3*x)", "6*x"}, {"x*2", "2*x"}, {"2*(-u)", "-2*u"}, {"x + -y", "x - y"},
		{"x - -2", "x + 2"}, {"2^3 + sin(0)", "8"}, {"x^0", "1"}, {"x - x", "0"},
		{"1/0", "1/0"}, // no literal for Inf: left alone
		{"a + -2*b", "a - 2*b"}, {"a - -2*b*c", "a + 2*b*c"}, {"lam*(2*x)", "2*lam*x"},
		{"2*u*v/2", "u*v"}, {"-(2*a*b)", "-2*a*b"}, {"(2*a)*(3*b*c)", "6*a*b*c"},
	} {
		if got := Simplify(mustParse(t, c.in)); !Equal(got, mustParse(t, c.want)) {
			t.Errorf("Simplify(%s) = %s, want %s", c.in, got, c.want)
		}
	}
}

func ExampleDiff() {
	e, _ := Parse("sin(x)*u^2")
	d, _ := Diff(e, "x", map[string]bool{"u": true})
	fmt.Println(d)
	// Output: cos(x)*u^2 + 2*sin(x)*u*d(u, x)
}
