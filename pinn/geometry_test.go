package pinn

import (
	"context"
	"math"
	"testing"

	"github.com/gopinn/gopinn/pde"
)

// TestShapeDomain: on a disk, interior points lie inside, boundary points on
// the circle with outward unit normals x/|x|, and Poisson with u = 0 on the
// circle trains (short run: relative L2 < 5e-2; the full config reaches
// 3.3e-4, see configs/disk_poisson.yaml).
func TestShapeDomain(t *testing.T) {
	spec, err := pde.LoadBytes("disk.yaml", []byte(`
name: disk
seed: 1
domain: {type: disk, center: [0, 0], radius: 1, variables: [x, y]}
fields: [u]
equations:
  - {name: pde, residual: "lap(u) + 4", points: 300, sampler: sobol, resample_every: 100}
conditions:
  - {name: circle, on: boundary, type: dirichlet, value: "0", points: 100}
model: {layers: [16, 16]}
training: {steps: 600, lr: 5e-3, then: {optimizer: lbfgs, steps: 100}}
evaluation: {exact: {u: "1 - x^2 - y^2"}, points: 500, every: 1000}
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := newConfig(OptionsFromSpec(spec))
	p, err := newProgram(spec.Problem, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, tm := range p.terms {
		for i := 0; i < len(tm.pts); i += 2 {
			x, y := tm.pts[i], tm.pts[i+1]
			r := math.Hypot(x, y)
			if !tm.isCondition() {
				if r > 1+1e-12 {
					t.Fatalf("%s: interior point (%g, %g) outside the disk", tm.name, x, y)
				}
				continue
			}
			nx, ny := tm.normals[i], tm.normals[i+1]
			if math.Abs(r-1) > 1e-12 || math.Abs(nx-x/r) > 1e-12 || math.Abs(ny-y/r) > 1e-12 {
				t.Fatalf("%s: boundary point (%g, %g) with normal (%g, %g)", tm.name, x, y, nx, ny)
			}
		}
	}
	opts := OptionsFromSpec(spec)
	opts.OutDir = ""
	res, err := Train(context.Background(), spec.Problem, opts)
	if err != nil {
		t.Fatal(err)
	}
	if e := res.Summary.RelL2["u"]; !(e < 5e-2) {
		t.Fatalf("disk Poisson: rel L2 %.3e, want < 5e-2", e)
	}
}
