package pinn

import (
	"context"
	"testing"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn/internal/testprob"
)

// TestConvergenceResumeIsExact: a run with Fourier features, the modified
// MLP, loss balancing and causal weights, cut and resumed inside Adam and
// inside L-BFGS, ends bit-identical to the straight run, and reports the
// factors in summary.json.
func TestConvergenceResumeIsExact(t *testing.T) {
	prob := testprob.Heat1D(t)
	prob.Equations[0].Points = 64
	prob.Conditions[0].Points, prob.Conditions[1].Points = 16, 16
	prob.Equations[0].ResampleEvery = 10
	opts := func(dir string, maxSteps int) Options {
		return Options{Seed: 5, Model: pde.Model{Layers: []int{8, 8}, Architecture: "modified", Fourier: &pde.Fourier{Features: 4, Scale: 1}},
			Training: pde.Training{Stage: pde.Stage{Steps: 30, LR: 3e-3}, Then: &pde.Stage{Optimizer: "lbfgs", Steps: 10}, CheckpointEvery: 7,
				Balance: &pde.Balance{Every: 4, Alpha: 0.5}, Causal: &pde.Causal{Chunks: 4, Epsilon: 1}},
			Evaluation: pde.Evaluation{Points: 100, Every: 10}, OutDir: dir, MaxSteps: maxSteps}
	}
	full, err := Train(context.Background(), prob, opts(t.TempDir(), 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(full.Summary.Weights) != 3 {
		t.Errorf("summary weights %v, want one per term", full.Summary.Weights)
	}
	for _, k := range []int{13, 34} {
		dir := t.TempDir()
		if _, err := Train(context.Background(), prob, opts(dir, k)); err != nil {
			t.Fatal(err)
		}
		res, err := ResumeProblem(context.Background(), prob, opts(dir, 40))
		if err != nil {
			t.Fatal(err)
		}
		for i := range full.Theta {
			if full.Theta[i] != res.Theta[i] {
				t.Fatalf("cut at %d: theta[%d] = %.17g after resume, %.17g straight", k, i, res.Theta[i], full.Theta[i])
			}
		}
		for name, w := range full.Summary.Weights {
			if res.Summary.Weights[name] != w {
				t.Errorf("cut at %d: weight %s %.17g after resume, %.17g straight", k, name, res.Summary.Weights[name], w)
			}
		}
	}
}
