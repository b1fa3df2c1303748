package compiler

import (
	"fmt"
	"math"
	"testing"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pinn/internal/testprob"
	"github.com/gopinn/gopinn/pinn/optim"
)

// withKernel runs f with netKernel set to kernel.
func withKernel(kernel string, f func()) {
	prev := netKernel
	netKernel = kernel
	defer func() { netKernel = prev }()
	f()
}

// twoFields is a coupled problem with an output transform, so the kernels
// are compared on several fields (column read-outs), mixed and third-order
// partials, and jets through a hard-constraint transform.
func twoFields(t testing.TB) *pde.Problem {
	vars := []string{"x", "y"}
	sc := &expr.Scope{Variables: vars, Fields: []string{"u", "v"}}
	p := &pde.Problem{Name: "two", Variables: testprob.Box(vars, []float64{0, -1}, []float64{1, 2}), Fields: []string{"u", "v"}}
	p.Equations = []pde.Term{
		{Name: "a", Residual: testprob.MustResolve(t, "lap(u) + v_x - x*y", sc), Points: 150, Weight: 1},
		{Name: "b", Residual: testprob.MustResolve(t, "v_yy + u*u_x + u_xxy", sc), Points: 150, Weight: 1},
	}
	p.Conditions = []pde.Condition{{Term: pde.Term{Name: "edge", Residual: testprob.MustResolve(t, "v - 1", sc), Points: 40, Weight: 1},
		On: []pde.Face{{Var: "x", Value: 0, Side: -1}}, Type: "dirichlet", Field: "v"}}
	return p
}

// TestKernelsAgree compiles whole training programs with the fused and the
// graph-op network kernels and compares the loss and its gradient w.r.t.
// every parameter at the same weights: 1e-12 relative in float64, 1e-4 in
// float32.
func TestKernelsAgree(t *testing.T) {
	probs := []struct {
		name   string
		prob   *pde.Problem
		layers []int
		output map[string]expr.Expr
		fields map[string]pde.FieldNet // non-nil: model.fields (separate networks)
	}{
		{"poisson2d", testprob.Poisson2D(t, 200, 64), []int{16, 16, 16}, nil, nil},
		{"poisson2d/1layer", testprob.Poisson2D(t, 200, 64), []int{32}, nil, nil},
		{"heat1d", testprob.Heat1D(t), []int{12, 12}, nil, nil},
		{"ode3", testprob.ThirdOrderODE(t), []int{10, 10}, nil, nil},
		{"two+transform", twoFields(t), []int{12, 12}, map[string]expr.Expr{
			"u": testprob.MustResolve(t, "x*(1-x)*N_u + sin(y)", &expr.Scope{Variables: []string{"x", "y"}, NetOutputs: []string{"N_u", "N_v"}})}, nil},
		{"two/separate", twoFields(t), []int{12, 12}, nil, map[string]pde.FieldNet{"v": {Layers: []int{6, 6, 6}, Activation: "sin"}}},
	}
	for _, c := range probs {
		for _, dt := range []string{"float64", "float32"} {
			t.Run(c.name+"/"+dt, func(t *testing.T) {
				set := Settings{Seed: 2, DType: dt, Model: pde.Model{Layers: c.layers, Activation: "tanh", Output: c.output,
					Separate: c.fields != nil, Fields: c.fields}}
				run := func(kernel string) (float64, []float64) {
					var loss float64
					var grad []float64
					withKernel(kernel, func() {
						p, err := New(c.prob, NewConfig(set))
						if err != nil {
							t.Fatal(err)
						}
						theta := p.InitTheta()
						grad = make([]float64, len(theta))
						if loss, err = p.Run(theta, grad); err != nil {
							t.Fatal(err)
						}
					})
					return loss, grad
				}
				lf, gf := run("fused")
				lg, gg := run("graph")
				tol := 1e-12
				if dt == "float32" {
					tol = 1e-4
				}
				el := math.Abs(lf-lg) / math.Max(1, math.Abs(lg))
				num, den := 0.0, 1e-300
				for i := range gg {
					num = math.Max(num, math.Abs(gf[i]-gg[i]))
					den = math.Max(den, math.Abs(gg[i]))
				}
				eg := num / den
				if el > tol || eg > tol {
					t.Errorf("fused vs graph: loss %v vs %v (rel %.3g), gradient rel diff %.3g; tolerance %g", lf, lg, el, eg, tol)
				}
				t.Logf("fused vs graph: loss rel diff %.2g, gradient rel diff %.2g", el, eg)
			})
		}
	}
}

// BenchmarkStepReference times one full Adam step (forward with every jet,
// reverse pass, update) on the reference problem of DESIGN.md: 2-D Poisson,
// MLP 2-64x4-1 tanh, 1024 interior + 256 boundary points. Points stay fixed
// (resampling is not part of a step). Sub-benchmarks: dtype / kernel.
// benchmarks/compare.sh runs it next to the PyTorch reference.
func BenchmarkStepReference(b *testing.B) {
	for _, dt := range []string{"float64", "float32"} {
		for _, kernel := range []string{"fused", "graph"} {
			b.Run(fmt.Sprintf("%s/%s", dt, kernel), func(b *testing.B) {
				withKernel(kernel, func() { benchStep(b, dt) })
			})
		}
	}
}

func benchStep(b *testing.B, dt string) {
	prob := testprob.Poisson2D(b, 1024, 256)
	cfg := NewConfig(Settings{Seed: 1, DType: dt, Model: pde.Model{Layers: []int{64, 64, 64, 64}, Activation: "tanh"}})
	p, err := New(prob, cfg)
	if err != nil {
		b.Fatal(err)
	}
	theta := p.InitTheta()
	grad := make([]float64, len(theta))
	opt := optim.NewAdam(len(theta))
	step := func() {
		if _, err := p.Run(theta, grad); err != nil {
			b.Fatal(err)
		}
		opt.Update(theta, grad, 1e-3)
	}
	for range 3 { // warm-up: first runs allocate the tape's and the ops' buffers
		step()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		step()
	}
}

// BenchmarkHighDimStep times training steps of the two-body Allen–Cahn
// problem (pde.TwoBody; 100 points, sparse STDE with 16 coordinates per
// point, d-128-128-128-1): drawing the points, the float64 forcing, the
// stacked jets, the reverse pass and Adam — what `it/s` in results/stde.md
// measures, without evaluations and checkpoints. The "fixed-points" cases
// keep one point set (the forcing is evaluated once; the coordinates are
// still drawn every step): the network's share of a step.
func BenchmarkHighDimStep(b *testing.B) {
	for _, d := range []int{1000, 10000} {
		for _, fixed := range []bool{false, true} {
			name := fmt.Sprintf("d=%d", d)
			if fixed {
				name += "/fixed-points"
			}
			b.Run(name, func(b *testing.B) {
				spec, err := pde.TwoBody("allen_cahn", d, 0)
				if err != nil {
					b.Fatal(err)
				}
				if fixed {
					spec.Problem.Equations[0].ResampleEvery = 0
				}
				p, err := New(spec.Problem, NewConfig(specSettings(spec)))
				if err != nil {
					b.Fatal(err)
				}
				theta := p.InitTheta()
				adam, err := optim.New("adam", len(theta))
				if err != nil {
					b.Fatal(err)
				}
				obj := p.Objective(adam)
				b.ResetTimer()
				for step := 0; step < b.N; step++ {
					if err := p.Resample(step, theta); err != nil {
						b.Fatal(err)
					}
					if _, err := adam.Step(obj, theta, 1e-3); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkVectorRoute times an Adam step of a 5-D problem with a vector
// variable on both compilers (issue 21's comparison): the heat equation on
// the 5-D unit ball (2000 interior + 1000 points on t == 0, MLP 4 x 64
// tanh, method taylor) on the high-dimensional fast path ("fast") and on
// the general compiler with x in coordinates and the fused kernel
// ("coordinates"); "box-scalar" is the same-size 5-D box Poisson problem
// with five scalar variables, the scalar path's speed for that size.
func BenchmarkVectorRoute(b *testing.B) {
	const heat = `name: heat5
seed: 1
domain: {type: ball, dim: 5, radius: 1, variable: x, time: [0, 1]}
fields: [u]
equations:
  - {name: pde, residual: "u_t - lap(u) + exp(-t)*(1 + 0.5*norm2(x)) + 5*exp(-t)", points: 2000}
conditions:
  - {name: ic, on: "t == 0", residual: "u - 1 - 0.5*norm2(x)", points: 1000}
model: {layers: [64, 64, 64, 64]}
`
	const box = `name: box5
seed: 1
variables: {a: [0, 1], b: [0, 1], c: [0, 1], f: [0, 1], g: [0, 1]}
fields: [u]
equations:
  - {name: pde, residual: "lap(u) + 1", points: 2000}
conditions:
  - {name: wall, on: "a == 0 or a == 1 or b == 0 or b == 1 or c == 0 or c == 1 or f == 0 or f == 1 or g == 0 or g == 1", type: dirichlet, value: "0", points: 1000}
model: {layers: [64, 64, 64, 64]}
`
	for _, c := range []struct {
		name, src   string
		coordinates bool
	}{{"fast", heat, false}, {"coordinates", heat, true}, {"box-scalar", box, false}} {
		b.Run(c.name, func(b *testing.B) {
			spec := testprob.SpecText(b, c.src)
			p, _, _ := routed(b, spec, func(cfg *Config) {
				cfg.ForceCoordinates = c.coordinates
				cfg.PreferFastPath = c.name == "fast" // the router gives 5-D to the general compiler
			})
			if (hdOf(p.terms[0]) != nil) != (c.name == "fast") {
				b.Fatalf("compiled on the fast path: %v", hdOf(p.terms[0]) != nil)
			}
			theta := p.InitTheta()
			adam, err := optim.New("adam", len(theta))
			if err != nil {
				b.Fatal(err)
			}
			obj := p.Objective(adam)
			b.ResetTimer()
			for step := 0; step < b.N; step++ {
				if _, err := adam.Step(obj, theta, 1e-3); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
