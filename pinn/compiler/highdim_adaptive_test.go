package compiler

import (
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gopinn/gopinn/pinn/internal/runio"
	"github.com/gopinn/gopinn/pinn/internal/testprob"
)

// TestFastPathAdaptive holds RAD and RAR-D on the fast path to the general
// compiler's: on a vector box (whose uniform points both draw through the
// sampling package's domain from the same stream) with the exact
// Laplacian, the same parameters resample the same points at epochs 1 and
// 2 (rar-d: growing the active rows through the mask), and the loss and
// gradient then agree to 1e-12. The fast path draws its pool of 300 in
// blocks of 64 points here (blockValues), so the chosen rows come from a
// second draw of the pool; the general compiler's comes in one block. A
// checkpoint of the fast-path program restores the chosen points in R^D
// (points/raw) into a fresh program.
func TestFastPathAdaptive(t *testing.T) {
	saved := blockValues
	blockValues = 3 * 64
	defer func() { blockValues = saved }()
	for _, sampler := range []string{
		"{type: rad, pool: 300}",
		"{type: rar-d, pool: 300, add: 7}",
	} {
		spec := testprob.SpecFile(t, filepath.Join(t.TempDir(), "spec.yaml"), `name: hd-adaptive
seed: 5
domain: {type: box, dim: 3, range: [-1, 1], variable: x}
fields: [u]
equations:
  - {name: pde, residual: "lap(u) + 3*sin(sum(x))", points: 40, sampler: `+sampler+`, resample_every: 10}
conditions:
  - {name: wall, on: boundary, type: dirichlet, value: "sin(sum(x))", points: 30}
model: {layers: [8, 8]}
training: {steps: 30}
`)
		fast, _, theta := hdProgram(t, spec, 1)
		gen, _, _ := generalTwin(t, spec)
		ft, gt := fast.terms[0], gen.terms[0]
		if ft.adapt == nil || gt.adapt == nil || ft.P != gt.P {
			t.Fatalf("%s: adaptive state fast %v general %v, rows %d vs %d", sampler, ft.adapt != nil, gt.adapt != nil, ft.P, gt.P)
		}
		// the condition's points: the fast path's, given to the general program
		gen.setPoints(gen.terms[1], append([]float64(nil), fast.rawPoints(fast.terms[1])...), nil)
		for i := range theta {
			theta[i] += 0.1 * math.Sin(float64(7*i+2))
		}
		for _, step := range []int{10, 20} {
			for _, p := range []*Program{fast, gen} {
				if err := p.adaptiveResample(p.terms[0], step/10, theta); err != nil {
					t.Fatalf("%s: step %d: %v", sampler, step, err)
				}
			}
			fp, gp := fast.rawPoints(ft), gen.rawPoints(gt)
			if !slices.Equal(fp, gp) {
				t.Fatalf("%s: epoch %d: the fast path chose other points than the general compiler", sampler, step/10)
			}
			if ft.adapt.typ == samplerRARD && ft.adapt.active(ft.epoch) != ft.adapt.p0+ft.adapt.add*(step/10) {
				t.Fatalf("%s: %d active rows at epoch %d", sampler, ft.adapt.active(ft.epoch), ft.epoch)
			}
			gf, gg := make([]float64, len(theta)), make([]float64, len(theta))
			lf, err := fast.Run(theta, gf)
			if err != nil {
				t.Fatal(err)
			}
			lg, err := gen.Run(theta, gg)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(lf-lg) > 1e-12*math.Abs(lg) {
				t.Errorf("%s: epoch %d: loss %.17g (fast) vs %.17g (general)", sampler, step/10, lf, lg)
			}
			for i := range gf {
				if math.Abs(gf[i]-gg[i]) > 1e-12*(1+math.Abs(gg[i])) {
					t.Fatalf("%s: epoch %d: gradient %d: %.17g vs %.17g", sampler, step/10, i, gf[i], gg[i])
				}
			}
		}
		// resume: a fresh fast-path program gets the chosen points back
		a := map[string]runio.Array{}
		fast.SaveState(a, theta)
		again, _, _ := hdProgram(t, spec, 1)
		if err := again.LoadState(a, "test"); err != nil {
			t.Fatalf("%s: load: %v", sampler, err)
		}
		if !slices.Equal(again.rawPoints(again.terms[0]), fast.rawPoints(ft)) || again.terms[0].epoch != ft.epoch {
			t.Fatalf("%s: the restored program has other points or epoch %d (want %d)", sampler, again.terms[0].epoch, ft.epoch)
		}
		l1, _ := fast.Run(theta, make([]float64, len(theta)))
		l2, _ := again.Run(theta, make([]float64, len(theta)))
		if l1 != l2 {
			t.Errorf("%s: loss %v after the checkpoint, %v before", sampler, l2, l1)
		}
	}
}
