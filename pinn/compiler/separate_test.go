package compiler

import (
	"math"
	"testing"

	"github.com/gopinn/gopinn/pde"
)

// separateModel is model.separate with an override for v: u's network is
// 2-8-8-1 tanh, v's 2-5-5-5-1 sin.
var separateModel = pde.Model{Layers: []int{8, 8}, Activation: "tanh", Separate: true,
	Fields: map[string]pde.FieldNet{"v": {Layers: []int{5, 5, 5}, Activation: "sin"}}}

// TestSeparateNetworkLayout: one network per field, in field order, with
// the overridden widths; the flat vector is the two networks' weights.
func TestSeparateNetworkLayout(t *testing.T) {
	prob := twoFields(t)
	m, err := newModel(prob, NewConfig(Settings{Seed: 1, Model: separateModel}))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.sol) != 2 {
		t.Fatalf("%d solution networks, want 2", len(m.sol))
	}
	wantU := (2*8 + 8) + (8*8 + 8) + (8*1 + 1)
	wantV := (2*5 + 5) + 2*(5*5+5) + (5*1 + 1)
	if got := m.sol[0].NumParams(); got != wantU {
		t.Errorf("u's network: %d parameters, want %d", got, wantU)
	}
	if got := m.sol[1].NumParams(); got != wantV {
		t.Errorf("v's network: %d parameters, want %d", got, wantV)
	}
	if m.NumParams() != wantU+wantV {
		t.Errorf("flat vector %d, want %d", m.NumParams(), wantU+wantV)
	}
	// without separate: one network 2-8-8-2
	one, err := newModel(prob, NewConfig(Settings{Seed: 1, Model: pde.Model{Layers: []int{8, 8}}}))
	if err != nil {
		t.Fatal(err)
	}
	if len(one.sol) != 1 || one.NumParams() != (2*8+8)+(8*8+8)+(8*2+2) {
		t.Errorf("shared network: %d networks, %d parameters", len(one.sol), one.NumParams())
	}
}

// TestSeparateNetworkDerivatives: with separate networks each field's
// Taylor read-outs (orders 0 to 3) match fourth-order finite differences of
// its own float64 network (tolerances of TestExtendedNetworkDerivatives),
// and a field does not depend on the other's weights.
func TestSeparateNetworkDerivatives(t *testing.T) {
	prob := twoFields(t)
	cfg := NewConfig(Settings{Seed: 3, Model: separateModel})
	pts := []float64{0.2, 0.3, 0.5, 1.1, 0.9, -0.4}
	type fn = func([]float64) float64
	cases := []struct {
		src   string
		field int
		order int
		ref   func(f fn, p []float64) float64
	}{
		{"u", 0, 0, func(f fn, p []float64) float64 { return f(p) }},
		{"v", 1, 0, func(f fn, p []float64) float64 { return f(p) }},
		{"v_x", 1, 1, func(f fn, p []float64) float64 { return d4(f, 0, 1e-3)(p) }},
		{"lap(u)", 0, 2, func(f fn, p []float64) float64 { return dd4(f, 0, 1e-3)(p) + dd4(f, 1, 1e-3)(p) }},
		{"v_xy", 1, 2, func(f fn, p []float64) float64 { return d4(d4(f, 0, 1e-3), 1, 1e-3)(p) }},
		{"u_xxy", 0, 3, func(f fn, p []float64) float64 { return d4(dd4(f, 0, 1e-3), 1, 1e-2)(p) }},
		{"v_yyy", 1, 3, func(f fn, p []float64) float64 { return d4(dd4(f, 1, 1e-3), 1, 1e-2)(p) }},
	}
	for _, c := range cases {
		got, m, theta := evalResidual(t, prob, cfg, c.src, pts)
		f := func(p []float64) float64 { return m.predict64(theta, p)[c.field] }
		tol := map[int]float64{0: 1e-12, 1: 1e-6, 2: 1e-6, 3: 1e-4}[c.order]
		for i := 0; i < len(pts)/2; i++ {
			want := c.ref(f, pts[2*i:2*i+2])
			if err := math.Abs(got[i]-want) / (1 + math.Abs(want)); err > tol {
				t.Errorf("%s at point %d: got %.12g, finite differences %.12g (rel err %.2e > %.0e)", c.src, i, got[i], want, err, tol)
			}
		}
		if c.order == 0 {
			// moving the other field's network leaves this field unchanged
			moved := append([]float64(nil), theta...)
			lo, hi := 0, m.sol[0].NumParams()
			if c.field == 0 {
				lo, hi = hi, m.solParams()
			}
			for i := lo; i < hi; i++ {
				moved[i] += 0.3
			}
			for i := 0; i < len(pts)/2; i++ {
				p := pts[2*i : 2*i+2]
				if a, b := m.predict64(theta, p)[c.field], m.predict64(moved, p)[c.field]; a != b {
					t.Errorf("%s depends on the other field's weights: %v vs %v", c.src, a, b)
				}
			}
		}
	}
}

// TestSeparateNetworkGradient: the loss gradient of a coupled two-field
// problem with separate networks matches central differences in every
// parameter (1e-5 relative, as TestGradientMatchesFiniteDifferences).
func TestSeparateNetworkGradient(t *testing.T) {
	prob := twoFields(t)
	for i := range prob.Equations {
		prob.Equations[i].Points = 10
	}
	prob.Conditions[0].Points = 5
	mc := separateModel
	mc.Layers = []int{4, 4}
	mc.Fields = map[string]pde.FieldNet{"v": {Layers: []int{3, 3}, Activation: "sin"}}
	p, err := New(prob, NewConfig(Settings{Seed: 1, Model: mc}))
	if err != nil {
		t.Fatal(err)
	}
	checkGradientFD(t, "separate", p, p.InitTheta(), 1e-5)
}
