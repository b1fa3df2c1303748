package autodiff_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/gopinn/gopinn/autodiff"
)

type towerCase struct {
	t      autodiff.Tower
	points []float64
	f      func(float64) float64 // closed form of f^(0)
}

func towerCases() []towerCase {
	lk := func(name string) autodiff.Tower {
		t, ok := autodiff.Lookup(name)
		if !ok {
			panic("tower not registered: " + name)
		}
		return t
	}
	gen := []float64{-1.3, -0.4, 0.2, 0.9, 1.7}
	pos := []float64{0.4, 0.9, 1.6, 2.5}
	return []towerCase{
		{lk("tanh"), gen, math.Tanh},
		{lk("sigmoid"), gen, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }},
		{lk("exp"), gen, math.Exp},
		{lk("tan"), []float64{-0.7, 0.1, 0.6}, math.Tan},
		{lk("sin"), gen, math.Sin},
		{lk("cos"), gen, math.Cos},
		{lk("sinh"), gen, math.Sinh},
		{lk("cosh"), gen, math.Cosh},
		{lk("log"), pos, math.Log},
		{lk("sqrt"), pos, math.Sqrt},
		{lk("softplus"), gen, func(x float64) float64 { return math.Log(1 + math.Exp(x)) }},
		{lk("gelu"), gen, func(x float64) float64 { return 0.5 * x * (1 + math.Erf(x/math.Sqrt2)) }},
		{lk("arctan"), gen, math.Atan},
		{lk("abs"), []float64{-1.3, -0.4, 0.2, 0.9}, math.Abs},
		{autodiff.PowerTower(2), gen, func(x float64) float64 { return x * x }},
		{autodiff.PowerTower(3), gen, func(x float64) float64 { return x * x * x }},
		{autodiff.PowerTower(-2), gen, func(x float64) float64 { return 1 / (x * x) }},
		{autodiff.PowerTower(2.5), pos, func(x float64) float64 { return math.Pow(x, 2.5) }},
		{autodiff.PowerTower(-0.5), pos, func(x float64) float64 { return math.Pow(x, -0.5) }},
	}
}

// TestTowerFloat64 checks f^(k) against a central difference of f^(k-1)
// (step h = 1e-5: truncation h²|f^(k+2)|/6 plus rounding ε|f^(k-1)|/h, so a
// tolerance of 1e-6 relative to max(1, |f^(k-1)|, |f^(k)|, |f^(k+1)|)),
// for k ≤ 7, and f^(0) against the closed form to 1e-14 relative.
func TestTowerFloat64(t *testing.T) {
	const K, h = 7, 1e-5
	for _, c := range towerCases() {
		t.Run(c.t.Name(), func(t *testing.T) {
			worst := 0.0
			for _, y := range c.points {
				d := c.t.Float64(y, K+1)
				if len(d) != K+2 {
					t.Fatalf("Float64(%v, %d) has %d entries", y, K+1, len(d))
				}
				if f := c.f(y); math.Abs(d[0]-f) > 1e-14*math.Max(1, math.Abs(f)) {
					t.Errorf("f(%v) = %v, closed form %v", y, d[0], f)
				}
				up, dn := c.t.Float64(y+h, K), c.t.Float64(y-h, K)
				for k := 1; k <= K; k++ {
					fd := (up[k-1] - dn[k-1]) / (2 * h)
					scale := math.Max(1, math.Max(math.Abs(d[k-1]), math.Max(math.Abs(d[k]), math.Abs(d[k+1]))))
					err := math.Abs(fd-d[k]) / scale
					worst = math.Max(worst, err)
					if err > 1e-6 {
						t.Errorf("y=%v k=%d: tower %v, central difference %v (rel err %.2g)", y, k, d[k], fd, err)
					}
				}
			}
			t.Logf("max scaled error vs central differences: %.2g", worst)
		})
	}
}

func TestRegistry(t *testing.T) {
	for _, name := range []string{"tanh", "sin", "cos", "exp", "log", "sqrt", "sigmoid", "softplus", "gelu", "sinh", "cosh", "arctan", "abs", "tan"} {
		tw, ok := autodiff.Lookup(name)
		if !ok || tw.Name() != name {
			t.Errorf("Lookup(%q) = %v, %v", name, tw, ok)
		}
	}
	if _, ok := autodiff.Lookup("nope"); ok {
		t.Error("Lookup of an unknown name succeeded")
	}
	defer func() {
		if recover() == nil {
			t.Error("registering tanh twice did not panic")
		}
	}()
	tw, _ := autodiff.Lookup("tanh")
	autodiff.Register(tw)
}

func ExampleLookup() {
	tw, _ := autodiff.Lookup("tanh")
	fmt.Printf("%.4f\n", tw.Float64(0.5, 3))
	// Output: [0.4621 0.7864 -0.7269 -0.5652]
}
