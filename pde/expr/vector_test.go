package expr

import (
	"math"
	"math/rand/v2"
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
