package pinn

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn/internal/testprob"
)

// TestVectorFaceRefused: a face of the vector variable itself is not a
// face; the loader says so.
func TestVectorFaceRefused(t *testing.T) {
	_, err := pde.LoadBytes("c.yaml", []byte(`name: hd-cond-err
domain: {type: ball, dim: 3, radius: 1, variable: x}
fields: [u]
equations:
  - {name: pde, residual: "lap(u)", points: 4}
conditions:
  - {name: c, points: 4, on: "x == 1", residual: "u"}
model: {layers: [8]}
`), nil)
	if err == nil || !strings.Contains(err.Error(), `faces are selected by "boundary"`) {
		t.Errorf("on: x == 1 with a vector x: error %v", err)
	}
}

// TestHighDimHeatConditionTrains: a 5-D heat equation in the time to go,
// u_t + lap(u) = 0 on [0, 0.5] with exact u* = exp(t)·Σ cos(x_i)/d, its
// terminal value as a loss term (weight 10) on t == 0.5 (gaussian-time
// there: x ~ N(0, I)) instead of an output transform: 600 Adam steps reach
// a relative L2 error under 0.2 on gaussian-time test points (measured
// 0.113 when written; 0.141 with weight 1) and u(0, 0) within 5 % of 1
// (measured 1.5 %), and a resumed run is bit-identical (the condition's
// points come from their own stream).
func TestHighDimHeatConditionTrains(t *testing.T) {
	spec := testprob.SpecText(t, `name: hd-heat-terminal
seed: 1
domain: {type: box, dim: 5, range: [-2, 2], variable: x, time: [0, 0.5]}
fields: [u]
equations:
  - {name: pde, residual: "u_t + lap(u)", points: 64, sampler: gaussian-time, resample_every: 1}
conditions:
  - {name: final, on: "t == 0.5", residual: "u - exp(0.5)*sum(cos(x))/d", points: 64, sampler: gaussian-time, resample_every: 1, weight: 10}
model: {layers: [32, 32]}
derivatives: {method: taylor}
training: {steps: 600, lr: 3.0e-3, schedule: {type: linear}}
evaluation:
  exact: {u: "exp(t)*sum(cos(x))/d"}
  sampler: gaussian-time
  points: 500
  every: 600
`)
	dir := t.TempDir()
	full, opts := trainFull(t, spec, dir)
	rel := full.Summary.RelL2["u"]
	u := predictAt(t, spec, opts, full.Theta, []float64{0, 0}) // |x| = 0, t = 0
	pointErr := math.Abs(u - 1)
	t.Logf("heat 5-D, terminal value as a loss: rel L2 %.3e, u(0, 0) %.5f (rel. error %.2e), final loss %.2e", rel, u, pointErr, full.Summary.Losses["final"])
	if !(rel < 0.2) || !(pointErr < 0.05) {
		t.Errorf("rel L2 %v (want < 0.2), error at (0, 0) %v (want < 0.05)", rel, pointErr)
	}
	checkResumeExact(t, spec.Problem, opts, filepath.Join(dir, "cut"), 300, 600, full.Theta)
}
