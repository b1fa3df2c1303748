package pinn

import (
	"path/filepath"
	"testing"

	"github.com/gopinn/gopinn/pinn/compiler"
	"github.com/gopinn/gopinn/pinn/internal/testprob"
)

// systemSpec is a coupled system of two fields on the unit ball in 20-D
// with sparse STDE (4 of 20 coordinates per point), the Dirichlet
// conditions in the output transforms; the forcing terms make the stated
// u*, v* exact.
const systemSpec = `name: hd-system
seed: 3
domain: {type: ball, dim: 20, radius: 1, variable: x}
fields: [u, v]
constants:
  c: {normal: 20, seed: 0}
functions:
  gu: "lap(exact(u)) + exact(v)"
  gv: "lap(exact(v)) - exact(u)*exact(v)"
equations:
  - {name: pu, residual: "lap(u) + v - gu", points: 48, sampler: ball-radial, resample_every: 1}
  - {name: pv, residual: "lap(v) - u*v - gv", points: 32, sampler: ball-radial, resample_every: 1}
model:
  layers: [16, 16]
  output: {u: "(1 - norm2(x))*N_u", v: "(1 - norm2(x))*N_v"}
derivatives: {method: stde, samples: 4}
training: {steps: 1500, lr: 3.0e-3, schedule: {type: linear}}
evaluation:
  exact:
    u: "(1 - norm2(x)) * sum(i, 1, d-1, c[i]*sin(x[i] + cos(x[i+1]) + x[i+1]*cos(x[i])))"
    v: "(1 - norm2(x)) * (1 + sum(i, 1, d, c[i]*x[i])/3)"
  points: 200
  sampler: ball-radial
  every: 50
`

// TestFastPathSystemTrains: a system of two fields and two equations with
// a stochastic estimator (before, the fast path took one field and one
// equation, and STDE nothing else) trains to both exact solutions, and a
// resumed run ends where the uninterrupted one did.
func TestFastPathSystemTrains(t *testing.T) {
	spec := testprob.SpecText(t, systemSpec)
	dir := t.TempDir()
	full, opts := trainFull(t, spec, dir)
	if q, _, err := compiler.Route(spec.Problem, &newConfig(opts).Config); err != nil || q.Vector == nil {
		t.Fatalf("the system did not take the fast path (%v)", err)
	}
	for _, f := range []string{"u", "v"} {
		rel := full.Summary.RelL2[f]
		t.Logf("%s: rel L2 %.3e after %d steps", f, rel, full.Summary.Steps)
		if !(rel <= 0.1) {
			t.Errorf("%s: rel L2 %.3e, want <= 0.1", f, rel)
		}
	}
	checkResumeExact(t, spec.Problem, opts, filepath.Join(dir, "cut"), 125, 1500, full.Theta)
}
