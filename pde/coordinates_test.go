package pde

import (
	"math"
	"strings"
	"testing"

	"github.com/gopinn/gopinn/pde/expr"
)

// TestExpandVector: the coordinate form of each vector expression evaluates
// to the same number as the vector evaluator (expr.CompileVector) at a point
// of R^4, to 1e-14; lap of a field-free expression equals the vector
// evaluator's forward Laplacian. Misuse is an error.
func TestExpandVector(t *testing.T) {
	v := &VectorVariable{Name: "x", Dim: 4, Domain: "ball", Radius: 1}
	consts := map[string][]float64{"c": {0.5, -1, 2, 0.25}}
	x := []float64{0.1, -0.3, 0.25, 0.4}
	names := []string{"x[1]", "x[2]", "x[3]", "x[4]", "t"}
	pt := append(append([]float64(nil), x...), 0.7)
	sc := &expr.Scope{Variables: []string{"t"}, Dim: 4, VectorVars: map[string]int{"x": 4}, VectorConsts: consts}
	for _, src := range []string{
		"norm2(x) + t",
		"sum(sin(x)*c) - x[2]*x[4]",
		"sum(i, 1, d-1, c[i]*sin(x[i] + cos(x[i+1])))",
		"max(x) - min(x*x)",
		"lap(exp(-t)*(1 - norm2(x))*sum(cos(x)))",
	} {
		e, err := expr.Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		r, err := expr.Resolve(e, sc)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		ex, err := ExpandVector(r, v, consts)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		got, err := expr.Eval(ex, names, pt)
		if err != nil {
			t.Fatalf("%s -> %s: %v", src, ex, err)
		}
		var want float64
		if strings.HasPrefix(src, "lap(") {
			ev, err := expr.CompileVectorLap(r.(*expr.Call).Args[0], []string{"t"}, "x", 4, consts)
			if err != nil {
				t.Fatal(err)
			}
			_, want, err = ev.LapValue([]float64{0.7}, x, make([]float64, 4), make([]float64, 4))
			if err != nil {
				t.Fatal(err)
			}
		} else {
			ev, err := expr.CompileVector(r, []string{"t"}, "x", 4, consts)
			if err != nil {
				t.Fatal(err)
			}
			if want, err = ev.Value([]float64{0.7}, x); err != nil {
				t.Fatal(err)
			}
		}
		if math.Abs(got-want) > 1e-14*math.Max(1, math.Abs(want)) {
			t.Errorf("%s: coordinates %.16g, vector %.16g", src, got, want)
		}
	}
	for _, c := range []struct{ e expr.Expr }{
		{&expr.Ident{Name: "x"}},
		{&expr.Index{Name: "x", Index: &expr.Num{Value: 5}}},
		{&expr.Index{Name: "x", Index: &expr.Num{Value: 1.5}}},
	} {
		if _, err := ExpandVector(c.e, v, consts); err == nil {
			t.Errorf("%s: expanded without error", c.e)
		}
	}
}
