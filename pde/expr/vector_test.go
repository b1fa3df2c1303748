package expr

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func vecScope(d int, c []float64) *Scope {
	return &Scope{VectorVars: map[string]int{"x": d}, VectorConsts: map[string][]float64{"c": c}, Dim: d, Variables: []string{"t"}}
}

const (
	twoBody   = "(1 - norm2(x)) * sum(i, 1, d-1, c[i]*sin(x[i] + cos(x[i+1]) + x[i+1]*cos(x[i])))"
	threeBody = "(1 - norm2(x)) * sum(i, 1, d-2, c[i]*exp(x[i]*x[i+1]*x[i+2]))"
)

// fdLap is the central second difference in every coordinate (step h).
func fdLap(f func([]float64) float64, x []float64, h float64) (lap float64, diag []float64) {
	y := append([]float64(nil), x...)
	f0 := f(x)
	diag = make([]float64, len(x))
	for i := range x {
		y[i] = x[i] + h
		fp := f(y)
		y[i] = x[i] - h
		fm := f(y)
		y[i] = x[i]
		diag[i] = (fp - 2*f0 + fm) / (h * h)
		lap += diag[i]
	}
	return lap, diag
}

// TestVectorLaplacian checks value, gradient, Hessian diagonal and
// Laplacian of the STDE two-body and three-body solutions (and elementwise
// forms) against plain loops and central finite differences at d = 6
// (truncation floor ~1e-6 with h = 1e-4).
func TestVectorLaplacian(t *testing.T) {
	const d = 6
	r := rand.New(rand.NewPCG(1, 2))
	c := make([]float64, d)
	for i := range c {
		c[i] = r.NormFloat64()
	}
	x := make([]float64, d)
	for i := range x {
		x[i] = 0.8 * (r.Float64()*2 - 1) / math.Sqrt(d) * 2
	}
	direct := map[string]func([]float64) float64{
		twoBody: func(x []float64) float64 {
			s, n := 0.0, 0.0
			for i := 0; i < d-1; i++ {
				s += c[i] * math.Sin(x[i]+math.Cos(x[i+1])+x[i+1]*math.Cos(x[i]))
			}
			for _, v := range x {
				n += v * v
			}
			return (1 - n) * s
		},
		threeBody: func(x []float64) float64 {
			s, n := 0.0, 0.0
			for i := 0; i < d-2; i++ {
				s += c[i] * math.Exp(x[i]*x[i+1]*x[i+2])
			}
			for _, v := range x {
				n += v * v
			}
			return (1 - n) * s
		},
		"sum(x*cos(x)) / (2 + norm2(x)) + t^2": func(x []float64) float64 {
			s, n := 0.0, 0.0
			for _, v := range x {
				s += v * math.Cos(v)
				n += v * v
			}
			return s/(2+n) + 0.09
		},
	}
	for src, f := range direct {
		e, err := Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		re, err := Resolve(e, vecScope(d, c))
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		ev, err := CompileVectorLap(re, []string{"t"}, "x", d, map[string][]float64{"c": c})
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		s := []float64{0.3}
		v, err := ev.Value(s, x)
		if err != nil || math.Abs(v-f(x)) > 1e-14 {
			t.Errorf("%s: value %v (%v), want %v", src, v, err, f(x))
		}
		grad, hd := make([]float64, d), make([]float64, d)
		v2, lap, err := ev.LapValue(s, x, grad, hd)
		if err != nil || v2 != v {
			t.Fatalf("%s: %v %v", src, v2, err)
		}
		fl, fd := fdLap(f, x, 1e-4)
		t.Logf("%s: lap %.10f  fd %.10f", src, lap, fl)
		if math.Abs(lap-fl) > 1e-5*math.Max(1, math.Abs(fl)) {
			t.Errorf("%s: lap %v, finite differences %v", src, lap, fl)
		}
		for i := range hd {
			if math.Abs(hd[i]-fd[i]) > 1e-5*math.Max(1, math.Abs(fd[i])) {
				t.Errorf("%s: H[%d][%d] %v, fd %v", src, i, i, hd[i], fd[i])
			}
			y := append([]float64(nil), x...)
			y[i] += 1e-6
			fp := f(y)
			y[i] -= 2e-6
			g := (fp - f(y)) / 2e-6
			if math.Abs(grad[i]-g) > 1e-7*math.Max(1, math.Abs(g)) {
				t.Errorf("%s: grad[%d] %v, fd %v", src, i, grad[i], g)
			}
		}
		// lap(...) inside an expression: the same number through Value
		le, _ := Resolve(&Call{Func: "lap", Args: []Expr{e}}, vecScope(d, c))
		lev, err := CompileVector(le, []string{"t"}, "x", d, map[string][]float64{"c": c})
		if err != nil {
			t.Fatal(err)
		}
		if lv, _ := lev.Value(s, x); lv != lap {
			t.Errorf("%s: lap via Value %v, via LapValue %v", src, lv, lap)
		}
	}
}

func TestVectorIndexRange(t *testing.T) {
	e, _ := Parse("sum(i, 1, d, x[i+1])")
	re, err := Resolve(e, vecScope(3, nil))
	if err != nil {
		t.Fatal(err)
	}
	ev, _ := CompileVector(re, nil, "x", 3, nil)
	if _, err := ev.Value(nil, []float64{1, 2, 3}); err == nil {
		t.Error("x[4] in 3 dimensions: no error")
	}
}

func BenchmarkTwoBodyLap1000(b *testing.B) {
	const d = 1000
	c := make([]float64, d)
	x := make([]float64, d)
	for i := range c {
		c[i], x[i] = 1, 0.01
	}
	e, _ := Parse("lap(" + twoBody + ")")
	re, _ := Resolve(e, vecScope(d, c))
	ev, _ := CompileVector(re, []string{"t"}, "x", d, map[string][]float64{"c": c})
	for b.Loop() {
		ev.Value(nil, x)
	}
}

// TestLocalSummandsMatchGeneral holds the local forward Laplacian of
// summands (vector_local.go) equal to the general sparse path on bodies that
// exercise each of its rules — constant scales and shifts on either side,
// quotients, powers, min/max, negative offsets, elementwise sums, built-ins
// of a bare coordinate (cached per coordinate: each evaluator first sees
// another point), sums the local path does not cover — within 1e-12
// relative (the two paths add the same terms in different orders).
func TestLocalSummandsMatchGeneral(t *testing.T) {
	const d = 7
	r := rand.New(rand.NewPCG(3, 4))
	c := make([]float64, d)
	x := make([]float64, d)
	for i := range c {
		c[i] = r.NormFloat64()
		x[i] = 0.6 * (r.Float64()*2 - 1)
	}
	srcs := []string{
		twoBody,
		threeBody,
		"sum(i, 2, d, x[i-1]^3 / (2 + x[i]^2) - 3*x[i] + 2/(3 + cos(x[i-1])))",
		"sum(i, 1, d-2, (1 - x[i+2]) * tanh(c[i]*x[i] - x[i+1]) + min(x[i], x[i+2]^2) - max(sin(x[i]), 0.1))",
		"sum(i, 1, d, i*exp(x[i]/4)^1.5 + sqrt(2 + x[i]) + (x[i] - 1)*(1 + x[i]) - t*x[i])",
		"sum(i, 1, d-1, -(x[i] - x[i+1])^2 + 0.5*x[i+1]*x[i] + arctan(x[i]) + sigmoid(x[i+1]) + log(2 + x[i]))",
		"sum(x*cos(x)) / (2 + norm2(x)) + t^2",
		"sum(sinh(x) - 2*cosh(x)/(3 + x^2))",
		"sum(i, 1, d-1, sum(j, i, d, x[i]*x[j]))", // nested: the general path
	}
	s := []float64{0.3}
	for _, src := range srcs {
		e, err := Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		re, err := Resolve(e, vecScope(d, c))
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		type res struct {
			v, l    float64
			g, hd   []float64
			viaLapV float64
		}
		run := func(noLocal bool) res {
			ev, err := compileVectorLap(re, []string{"t"}, "x", d, map[string][]float64{"c": c}, noLocal)
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			out := res{g: make([]float64, d), hd: make([]float64, d)}
			// another point first: values cached per coordinate must not
			// outlive their evaluation
			other := make([]float64, d)
			for i := range other {
				other[i] = -0.7 * x[(i+3)%d]
			}
			if _, _, err = ev.LapValue(s, other, nil, nil); err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			if out.v, out.l, err = ev.LapValue(s, x, out.g, out.hd); err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			return out
		}
		loc, gen := run(false), run(true)
		near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }
		if !near(loc.v, gen.v) || !near(loc.l, gen.l) {
			t.Errorf("%s: local (%v, lap %v), general (%v, lap %v)", src, loc.v, loc.l, gen.v, gen.l)
		}
		for i := range d {
			if !near(loc.g[i], gen.g[i]) || !near(loc.hd[i], gen.hd[i]) {
				t.Errorf("%s: coordinate %d: local grad %v hess %v, general %v %v", src, i, loc.g[i], loc.hd[i], gen.g[i], gen.hd[i])
			}
		}
		if loc.l == 0 {
			t.Errorf("%s: zero Laplacian: the comparison is vacuous", src)
		}
	}
}

// TestLocalIndexOutOfRange: an offset past the end is an error on the local
// path as on the general one.
func TestLocalIndexOutOfRange(t *testing.T) {
	e, _ := Parse("lap(sum(i, 1, d, x[i+1]^2))")
	re, err := Resolve(e, vecScope(3, nil))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := CompileVector(re, nil, "x", 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ev.Value(nil, []float64{1, 2, 3}); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("x[4] in 3 dimensions: error %v", err)
	}
}

// TestForcingSharesTheSolution: the forcing lap(E) + E - E^3 computes E once
// per evaluation (memo) and still equals the Laplacian and value of E taken
// separately, at successive points (a stale memo would repeat the first).
func TestForcingSharesTheSolution(t *testing.T) {
	const d = 9
	r := rand.New(rand.NewPCG(5, 6))
	c := make([]float64, d)
	for i := range c {
		c[i] = r.NormFloat64()
	}
	scope := vecScope(d, c)
	consts := map[string][]float64{"c": c}
	e, _ := Parse(twoBody)
	E, err := Resolve(e, scope)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := Parse("lap(" + twoBody + ") + " + twoBody + " - (" + twoBody + ")^3")
	F, err := Resolve(f, scope)
	if err != nil {
		t.Fatal(err)
	}
	fev, err := CompileVector(F, nil, "x", d, consts)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(fev.memoKeys(), E.String()) {
		t.Errorf("the solution is not among the shared values %q", fev.memoKeys())
	}
	eev, err := CompileVectorLap(E, nil, "x", d, consts)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		x := make([]float64, d)
		for i := range x {
			x[i] = 0.5 * (r.Float64()*2 - 1)
		}
		got, err := fev.Value(nil, x)
		if err != nil {
			t.Fatal(err)
		}
		v, lap, err := eev.LapValue(nil, x, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := lap + v - v*v*v
		if math.Abs(got-want) > 1e-13*math.Max(1, math.Abs(want)) {
			t.Errorf("forcing %v, want %v", got, want)
		}
	}
}

func BenchmarkTwoBodyForcing1000(b *testing.B) {
	const d = 1000
	c := make([]float64, d)
	x := make([]float64, d)
	for i := range c {
		c[i], x[i] = 1, 0.01
	}
	e, _ := Parse("lap(" + twoBody + ") + " + twoBody + " - (" + twoBody + ")^3")
	re, _ := Resolve(e, vecScope(d, c))
	ev, _ := CompileVector(re, nil, "x", d, map[string][]float64{"c": c})
	for b.Loop() {
		ev.Value(nil, x)
	}
}

// TestVectorExtremum: max(e) and min(e) over the coordinates — value and
// Laplacian (along the active coordinate) against a plain loop and central
// finite differences (h = 1e-4, a point with a unique extremum).
func TestVectorExtremum(t *testing.T) {
	const d = 5
	x := []float64{0.3, -0.8, 0.9, 0.1, -0.4}
	for _, c := range []struct {
		src string
		f   func([]float64) float64
	}{
		{"arctan(max(x))", func(x []float64) float64 { return math.Atan(slices.Max(x)) }},
		{"norm2(x)*min(sin(x) + x^2)", func(x []float64) float64 {
			m, n := math.Inf(1), 0.0
			for _, v := range x {
				m = math.Min(m, math.Sin(v)+v*v)
				n += v * v
			}
			return n * m
		}},
	} {
		e, err := Parse(c.src)
		if err != nil {
			t.Fatal(err)
		}
		re, err := Resolve(e, vecScope(d, nil))
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		ev, err := CompileVectorLap(re, nil, "x", d, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		v, lap, err := ev.LapValue(nil, x, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		fl, _ := fdLap(c.f, x, 1e-4)
		if math.Abs(v-c.f(x)) > 1e-14 || math.Abs(lap-fl) > 1e-5*math.Max(1, math.Abs(fl)) {
			t.Errorf("%s: value %v lap %v, want %v and (finite differences) %v", c.src, v, lap, c.f(x), fl)
		}
		if re.String() != c.src { // prints back as written: max with one argument is the reduction
			t.Errorf("%s prints as %s", c.src, re)
		}
	}
}
