package nets

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gopinn/gopinn/autodiff"
	"github.com/gopinn/gopinn/pde"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// build makes a 2-input, 1-output network of the model config in a fresh
// graph and fills it with Glorot weights of the seed plus small bias offsets,
// so every parameter matters.
func build(t *testing.T, mc pde.Model, seed uint64) (*G.ExprGraph, *MLP, []float64) {
	t.Helper()
	g := G.NewGraph()
	act, err := Activation(mc.Activation)
	if err != nil {
		t.Fatal(err)
	}
	m := NewMLP(g, tensor.Float64, "net", 2, mc.Layers, 1, act)
	if err := m.Extend(g, tensor.Float64, mc, seed); err != nil {
		t.Fatal(err)
	}
	flat := make([]float64, m.NumParams())
	m.Glorot(flat, rand.New(rand.NewPCG(seed, 7)))
	for i := range flat {
		flat[i] += 0.05 * math.Sin(float64(3*i+1))
	}
	off := 0
	for _, p := range m.Params() {
		n := p.Shape().TotalSize()
		if err := G.Let(p, tensor.New(tensor.WithShape(p.Shape()...), tensor.WithBacking(append([]float64(nil), flat[off:off+n]...)))); err != nil {
			t.Fatal(err)
		}
		off += n
	}
	return g, m, flat
}

var models = []struct {
	name  string
	model pde.Model
}{
	{"plain", pde.Model{Layers: []int{6, 5}, Activation: "tanh"}},
	{"fourier", pde.Model{Layers: []int{6, 6}, Activation: "sin", Fourier: &pde.Fourier{Features: 4, Scale: 1.5}}},
	{"modified", pde.Model{Layers: []int{5, 5, 5}, Activation: "tanh", Architecture: "modified"}},
	{"modified+fourier", pde.Model{Layers: []int{5, 5}, Activation: "gelu", Architecture: "modified", Fourier: &pde.Fourier{Features: 3, Scale: 0.8}}},
	{"gaussians", pde.Model{Type: "gaussians", Count: 5, Layers: []int{}}},
	{"gaussians+net", pde.Model{Type: "gaussians", Count: 6, Layers: []int{4}, Activation: "tanh"}},
	{"fbpinn", pde.Model{Type: "fbpinn", Subdomains: []int{3, 2}, Overlap: 0.3, Layers: []int{4}, Activation: "tanh"}},
	{"fbpinn 1-D tiles", pde.Model{Type: "fbpinn", Subdomains: []int{4, 1}, Layers: []int{5, 3}, Activation: "tanh"}},
}

// TestForwardMatchesForward64 holds the graph network (value jets of three
// input rows) equal to the float64 reference on every variant, to 1e-12.
func TestForwardMatchesForward64(t *testing.T) {
	rows := [][]float64{{0.2, -0.7}, {-1, 1}, {0.55, 0.05}}
	for _, c := range models {
		g, m, flat := build(t, c.model, 3)
		var x []float64
		for _, r := range rows {
			x = append(x, r...)
		}
		in := G.NewMatrix(g, tensor.Float64, G.WithShape(len(rows), 2), G.WithName("x"), G.WithValue(tensor.New(tensor.WithShape(len(rows), 2), tensor.WithBacking(x))))
		out, err := m.Forward(autodiff.Const(in, 0))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		vm := G.NewTapeMachine(g)
		if err := vm.RunAll(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		vm.Close()
		got := out.C[0].Value().Data().([]float64)
		for i, r := range rows {
			want := m.Forward64(flat, r)[0]
			if math.Abs(got[i]-want) > 1e-12*(1+math.Abs(want)) {
				t.Errorf("%s row %d: graph %.15g, float64 %.15g", c.name, i, got[i], want)
			}
		}
		if c.name == "plain" != m.Plain() {
			t.Errorf("%s: Plain() = %v", c.name, m.Plain())
		}
	}
}

// TestLayout checks the parameter count of every variant and that Glorot
// leaves biases at zero and draws weights of the stated spread.
func TestLayout(t *testing.T) {
	for _, c := range []struct {
		name  string
		model pde.Model
		want  int
	}{
		{"plain", pde.Model{Layers: []int{5, 5}}, 2*5 + 5 + 5*5 + 5 + 5*1 + 1},
		// W0c, W0s, b0, W1, b1, W2, b2, Wuc, Wus, bu, Wvc, Wvs, bv
		{"modified+fourier", pde.Model{Layers: []int{5, 5}, Fourier: &pde.Fourier{Features: 3, Scale: 2}, Architecture: "modified"},
			3*5 + 3*5 + 5 + 5*5 + 5 + 5*1 + 1 + 2*(3*5+3*5+5)},
		// W0 (K x 1), b0, L (n x Kn), mu (K x n)
		{"gaussians", pde.Model{Type: "gaussians", Count: 5, Layers: []int{}}, 5*1 + 1 + 2*10 + 10},
		// 3 × 2 subdomains (one number for both inputs: 3 × 3), each a 2-5-1 network
		{"fbpinn", pde.Model{Type: "fbpinn", Subdomains: []int{3}, Layers: []int{5}}, 9 * (2*5 + 5 + 5 + 1)},
	} {
		g := G.NewGraph()
		act, _ := Activation("")
		m := NewMLP(g, tensor.Float64, "net", 2, c.model.Layers, 1, act)
		if err := m.Extend(g, tensor.Float64, c.model, 1); err != nil {
			t.Fatal(err)
		}
		if m.NumParams() != c.want {
			t.Errorf("%s: %d parameters, want %d", c.name, m.NumParams(), c.want)
		}
	}
	g := G.NewGraph()
	act, _ := Activation("tanh")
	m := NewMLP(g, tensor.Float64, "net", 400, []int{300}, 1, act)
	flat := make([]float64, m.NumParams())
	m.Glorot(flat, rand.New(rand.NewPCG(1, 2)))
	w0 := flat[:400*300]
	var ss float64
	for _, v := range w0 {
		ss += v * v
	}
	// std of N(0, 2/(400+300)); 120,000 draws estimate it to ~0.3 %.
	if got, want := math.Sqrt(ss/float64(len(w0))), math.Sqrt(2.0/700); math.Abs(got-want)/want > 0.01 {
		t.Errorf("W0 spread %.5f, want %.5f", got, want)
	}
	for i, v := range flat[400*300 : 400*300+300] {
		if v != 0 {
			t.Fatalf("b0[%d] = %g, want 0", i, v)
		}
	}
}

// TestFourierFixedBySeed: the Fourier matrix B is a function of the seed.
func TestFourierFixedBySeed(t *testing.T) {
	mc := pde.Model{Layers: []int{5, 5}, Fourier: &pde.Fourier{Features: 3, Scale: 2}}
	_, a, _ := build(t, mc, 1)
	_, b, _ := build(t, mc, 1)
	_, c, _ := build(t, mc, 2)
	same := true
	for i := range a.four.B {
		if a.four.B[i] != b.four.B[i] {
			t.Fatalf("B differs between two networks of the same seed")
		}
		same = same && a.four.B[i] == c.four.B[i]
	}
	if same {
		t.Errorf("B is the same for seeds 1 and 2")
	}
}

// TestErrors: configurations that cannot be built say why.
func TestErrors(t *testing.T) {
	if _, err := Activation("relu"); err == nil {
		t.Errorf("relu: no error")
	}
	for _, mc := range []pde.Model{
		{Layers: []int{5, 6}, Architecture: "modified"},
		{Layers: []int{5}, Architecture: "resnet"},
		{Layers: []int{5}, Fourier: &pde.Fourier{Features: -1}},
	} {
		g := G.NewGraph()
		act, _ := Activation("")
		m := NewMLP(g, tensor.Float64, "net", 2, mc.Layers, 1, act)
		if err := m.Extend(g, tensor.Float64, mc, 1); err == nil {
			t.Errorf("%+v: no error", mc)
		}
	}
}

// TestGaussianJets: the jets of the Gaussian network along a direction v
// (orders 1 and 2) equal central finite differences of Forward64 along v,
// with and without the small network after the Gaussians (FD step 1e-4:
// truncation ~1e-8 relative, tolerance 1e-6).
func TestGaussianJets(t *testing.T) {
	x0, v := []float64{0.3, -0.4}, []float64{0.6, 0.8}
	for _, mc := range []pde.Model{
		{Type: "gaussians", Count: 7, Layers: []int{}},
		{Type: "gaussians", Count: 4, Layers: []int{5}, Activation: "tanh"},
	} {
		g, m, flat := build(t, mc, 5)
		in := G.NewMatrix(g, tensor.Float64, G.WithShape(1, 2), G.WithName("x"), G.WithValue(tensor.New(tensor.WithShape(1, 2), tensor.WithBacking(append([]float64(nil), x0...)))))
		dir := G.NewMatrix(g, tensor.Float64, G.WithShape(1, 2), G.WithName("v"), G.WithValue(tensor.New(tensor.WithShape(1, 2), tensor.WithBacking(append([]float64(nil), v...)))))
		jet := autodiff.Const(in, 2)
		jet.C[1] = dir
		out, err := m.Forward(jet)
		if err != nil {
			t.Fatal(err)
		}
		vm := G.NewTapeMachine(g)
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		vm.Close()
		f := func(s float64) float64 { return m.Forward64(flat, []float64{x0[0] + s*v[0], x0[1] + s*v[1]})[0] }
		const h = 1e-4
		want := []float64{f(0), (f(h) - f(-h)) / (2 * h), (f(h) - 2*f(0) + f(-h)) / (h * h)}
		for k := range 3 {
			got := out.C[k].Value().Data().([]float64)[0]
			if math.Abs(got-want[k]) > 1e-6*(1+math.Abs(want[k])) {
				t.Errorf("%d Gaussians, layers %v: order %d: jet %.12g, finite differences %.12g", mc.Count, mc.Layers, k, got, want[k])
			}
		}
	}
}

// TestFBPINNJets: the jets of a finite-basis network along a direction v
// (orders 1 to 3) equal finite differences of Forward64 along v, at points
// inside tiles and in an overlap (central differences at h = 2e-3 and
// 1e-3 with one Richardson step: error O(h^4), ~1e-8 relative for windows
// whose scale is 0.05; tolerance 1e-6).
func TestFBPINNJets(t *testing.T) {
	mc := pde.Model{Type: "fbpinn", Subdomains: []int{3, 2}, Overlap: 0.3, Layers: []int{4}, Activation: "tanh"}
	v := []float64{0.6, 0.8}
	for _, x0 := range [][]float64{{0.1, -0.5}, {-1 / 3.0, 0.02}, {0.95, 0.9}} {
		g, m, flat := build(t, mc, 4)
		in := G.NewMatrix(g, tensor.Float64, G.WithShape(1, 2), G.WithName("x"), G.WithValue(tensor.New(tensor.WithShape(1, 2), tensor.WithBacking(append([]float64(nil), x0...)))))
		dir := G.NewMatrix(g, tensor.Float64, G.WithShape(1, 2), G.WithName("v"), G.WithValue(tensor.New(tensor.WithShape(1, 2), tensor.WithBacking(append([]float64(nil), v...)))))
		jet := autodiff.Const(in, 3)
		jet.C[1] = dir
		out, err := m.Forward(jet)
		if err != nil {
			t.Fatal(err)
		}
		vals := make([]G.Value, 4)
		for k := range vals {
			G.Read(out.C[k], &vals[k]) // the tape reuses buffers
		}
		vm := G.NewTapeMachine(g)
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		vm.Close()
		f := func(s float64) float64 { return m.Forward64(flat, []float64{x0[0] + s*v[0], x0[1] + s*v[1]})[0] }
		// C[k] is the k-th derivative along v; central differences with
		// one Richardson step (error O(h^4))
		fd := func(h float64) []float64 {
			return []float64{f(0), (f(h) - f(-h)) / (2 * h), (f(h) - 2*f(0) + f(-h)) / (h * h),
				(f(2*h) - 2*f(h) + 2*f(-h) - f(-2*h)) / (2 * h * h * h)}
		}
		a, b := fd(2e-3), fd(1e-3)
		want := make([]float64, 4)
		for k := range want {
			want[k] = (4*b[k] - a[k]) / 3
		}
		for k := range 4 {
			got := vals[k].Data().([]float64)[0]
			if math.Abs(got-want[k]) > 1e-6*(1+math.Abs(want[k])) {
				t.Errorf("at %v: order %d: jet %.12g, finite differences %.12g", x0, k, got, want[k])
			}
		}
	}
}

// TestFBPINNPartitionOfUnity: with every subdomain network outputting 1
// the windowed sum is 1 everywhere, edges and corners included (the sum of
// windows never vanishes there); with network k outputting 1 and the
// others 0 the sum is subdomain k's share w_k/Σw, which at the centre of
// its tile is most of it (the neighbours leak σ(-4) ≈ 0.018 each through
// an overlap of 0.5: the bound is 0.9), so each window sits on its tile.
func TestFBPINNPartitionOfUnity(t *testing.T) {
	mc := pde.Model{Type: "fbpinn", Subdomains: []int{4, 3}, Overlap: 0.5, Layers: []int{3}, Activation: "tanh"}
	_, m, flat := build(t, mc, 2)
	// every weight 0, subdomain k's output bias bias(k): N_k = bias(k)
	set := func(bias func(k int) float64) {
		for i := range flat {
			flat[i] = 0
		}
		off := 0
		for k, s := range m.fb.subs {
			np := s.NumParams()
			flat[off+np-1] = bias(k)
			off += np
		}
	}
	set(func(int) float64 { return 1 })
	for _, z := range [][]float64{{-1, -1}, {1, 1}, {-0.5, 1 / 3.0}, {0.49, -0.02}, {0.999, -1}} {
		if got := m.Forward64(flat, z)[0]; math.Abs(got-1) > 1e-14 {
			t.Errorf("at %v: windowed sum of ones %.16g, want 1", z, got)
		}
	}
	for k := range m.fb.subs {
		set(func(i int) float64 { return map[bool]float64{true: 1}[i == k] })
		z := m.fb.centre[k]
		if got := m.Forward64(flat, z)[0]; !(got >= 0.9 && got <= 1) {
			t.Errorf("at the centre %v of tile %v: its share %.4f, want 0.9..1", z, m.fb.tile[k], got)
		}
	}
}
