package testprob

import (
	"strings"
	"testing"

	"github.com/gopinn/gopinn/pde"
)

// HDSpec is a semilinear equation lap(u) + u - u^3 = g on the unit ball in
// DIM dimensions with a known solution and the Dirichlet condition built
// into the output transform; METHOD is the derivatives method (taylor,
// stde, ...). HD loads it.
const HDSpec = `name: hd-test
seed: 3
domain: {type: ball, dim: DIM, radius: 1, variable: x}
fields: [u]
constants:
  c: {normal: DIM, seed: 0}
functions:
  g: "lap(exact(u)) + exact(u) - exact(u)^3"
equations:
  - name: pde
    residual: "lap(u) + u - u^3 - g"
    points: 7
    sampler: ball-radial
    resample_every: 1
model:
  layers: [16, 16]
  output: "(1 - norm2(x))*N"
derivatives: {method: METHOD, samples: 3}
training: {steps: 30, lr: 1.0e-3, schedule: {type: linear}}
evaluation:
  exact:
    u: "(1 - norm2(x)) * sum(i, 1, d-1, c[i]*sin(x[i] + cos(x[i+1]) + x[i+1]*cos(x[i])))"
  points: 200
  sampler: ball-radial
  every: 10
`

// HD loads HDSpec in dim dimensions with derivatives method.
func HD(t testing.TB, dim, method string) *pde.Spec {
	t.Helper()
	return SpecText(t, strings.NewReplacer("DIM", dim, "METHOD", method).Replace(HDSpec))
}

// HeatSpec is the heat equation u_t = lap(u) in 5 dimensions with the exact
// solution u* = exp(-t)·Σ cos(x_i)/d (u*_t = -u* = lap u*), the initial
// condition imposed by the output transform OUTPUT, Gaussian-time points.
const HeatSpec = `name: hd-heat
seed: 1
domain: {type: box, dim: 5, range: [-2, 2], variable: x, time: [0, 0.5]}
fields: [u]
equations:
  - name: pde
    residual: "u_t - lap(u)"
    points: 64
    sampler: gaussian-time
    resample_every: 1
model:
  layers: [32, 32]
  output: "OUTPUT"
derivatives: {method: taylor}
training: {steps: 600, lr: 3.0e-3, schedule: {type: linear}}
evaluation:
  exact: {u: "exp(-t)*sum(cos(x))/d"}
  sampler: gaussian-time
  points: 500
  every: 600
`

// Heat loads HeatSpec with the output transform output.
func Heat(t testing.TB, output string) *pde.Spec {
	t.Helper()
	return SpecText(t, strings.ReplaceAll(HeatSpec, "OUTPUT", output))
}
