package pinn

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/gopinn/gopinn/pinn/internal/testprob"
)

// separateSpec is u' = v, v' = -pi^2 u on [0, 1], u(0) = 0, v(0) = pi
// (u = sin(pi x), v = pi cos(pi x)), with one network per field of its own
// size: u 1-16-16-1 tanh, v 1-24-1 sin (model.fields implies separate).
const separateSpec = `name: two-nets
seed: 1
variables: {x: [0, 1]}
fields: [u, v]
equations:
  - {name: du, residual: "u_x - v", points: 64, sampler: sobol}
  - {name: dv, residual: "v_x + pi^2*u", points: 64, sampler: sobol}
conditions:
  - {name: u0, on: "x == 0", field: u, type: dirichlet, value: "0", points: 1}
  - {name: v0, on: "x == 0", field: v, type: dirichlet, value: "pi", points: 1}
model:
  layers: [16, 16]
  fields:
    v: {layers: [24], activation: sin}
training: {steps: 1500, lr: 5e-3, then: {optimizer: lbfgs, steps: 300}}
evaluation: {exact: {u: "sin(pi*x)", v: "pi*cos(pi*x)"}, points: 200, every: 500}
`

// TestSeparateNetworksTrainAndReload: two fields with networks of
// different sizes train to rel. L2 <= 1e-3 each (measured 4.9e-5 and
// 3.5e-5), the run reloads (LoadRun rebuilds both networks from spec.yaml
// and predicts what the trained weights give, to 1e-12), and a run cut
// inside the L-BFGS stage resumes bit-identically.
func TestSeparateNetworksTrainAndReload(t *testing.T) {
	spec := testprob.SpecText(t, separateSpec)
	if !spec.Model.Separate {
		t.Fatal("model.fields did not imply model.separate")
	}
	dir := t.TempDir()
	full, opts := trainFull(t, spec, dir)
	for _, f := range []string{"u", "v"} {
		rel := full.Summary.RelL2[f]
		t.Logf("rel L2(%s) %.3e", f, rel)
		if !(rel <= 1e-3) {
			t.Errorf("rel L2(%s) %.3e, want <= 1e-3", f, rel)
		}
	}
	m, err := LoadRun(opts.OutDir)
	if err != nil {
		t.Fatal(err)
	}
	pts := [][]float64{{0.1}, {0.5}, {0.85}}
	fields, _, err := m.Predict(pts)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range pts {
		x := p[0]
		if e := math.Abs(fields[0][i] - math.Sin(math.Pi*x)); e > 1e-3 {
			t.Errorf("reloaded u(%g) = %.6f, exact %.6f", x, fields[0][i], math.Sin(math.Pi*x))
		}
		if e := math.Abs(fields[1][i] - math.Pi*math.Cos(math.Pi*x)); e > 3e-3 {
			t.Errorf("reloaded v(%g) = %.6f, exact %.6f", x, fields[1][i], math.Pi*math.Cos(math.Pi*x))
		}
	}
	checkResumeExact(t, spec.Problem, opts, filepath.Join(dir, "cut"), 1600, 1800, full.Theta)
}
