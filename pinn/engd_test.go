package pinn

import (
	"context"
	"testing"
	"time"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn/internal/testprob"
)

// poissonENGD is the 2-D Poisson problem of Mueller & Zeinhofer (ICML 2023):
// -lap(u) = 2 pi^2 sin(pi x) sin(pi y) on [0,1]^2, u = 0 on the boundary,
// on an n x n interior grid and nb boundary grid points, fixed.
func poissonENGD(t testing.TB, n, nb int) *pde.Problem {
	p := testprob.Poisson2D(t, n*n, nb)
	p.Equations[0].Sampler = pde.SamplerConfig{Type: "grid"}
	p.Equations[0].ResampleEvery = 0
	p.Conditions[0].Sampler = pde.SamplerConfig{Type: "grid"}
	return p
}

func engdOpts(layers []int, opt string, steps int) Options {
	return Options{Seed: 1, Model: pde.Model{Layers: layers},
		Training:   pde.Training{Stage: pde.Stage{Optimizer: opt, Steps: steps, LR: 1}},
		Evaluation: pde.Evaluation{Points: 4096, Every: steps}}
}

// TestENGDPoisson2D: the paper's 2-D Poisson setup (MLP 2-32-1 tanh, 28x28
// interior grid). Default: 100 steps, relative L2 <= 1e-5; GOPINN_LONG=1:
// <= 1e-6 (the paper's figure). ENGD's path depends on rounding (the
// cutoff and line-search decisions are discrete), and it crosses plateaus:
// the same run went from 7.5e-7 after 60 steps to 1.1e-3 when the fused
// op's straight-line tower changed the last bit of tanh's f” and f”', and
// reaches 3.3e-7 after 100 steps either way — so the test runs 100.
func TestENGDPoisson2D(t *testing.T) {
	steps, tol := 100, 1e-5
	if long() {
		tol = 1e-6
	}
	prob := poissonENGD(t, 28, 112)
	start := time.Now()
	res, err := Train(context.Background(), prob, engdOpts([]int{32}, "engd", steps))
	if err != nil {
		t.Fatal(err)
	}
	s := res.Summary
	t.Logf("engd poisson2d: rel_l2 %.3e loss %.3e after %d steps in %.1fs", s.RelL2["u"], s.Loss, s.Steps, time.Since(start).Seconds())
	if s.RelL2["u"] > tol {
		t.Errorf("rel_l2 %.3e > %.0e", s.RelL2["u"], tol)
	}
}

// TestLMNonlinear: Levenberg-Marquardt on u_xx = u^3 + f (a nonlinear
// residual), 1-16-16-1 tanh, 64 grid points: relative L2 <= 1e-4 in 60
// steps.
func TestLMNonlinear(t *testing.T) {
	start := time.Now()
	res, err := Train(context.Background(), testprob.Nonlinear1D(t, 64), engdOpts([]int{16, 16}, "lm", 60))
	if err != nil {
		t.Fatal(err)
	}
	s := res.Summary
	t.Logf("lm nonlinear1d: rel_l2 %.3e loss %.3e after %d steps in %.1fs", s.RelL2["u"], s.Loss, s.Steps, time.Since(start).Seconds())
	if s.RelL2["u"] > 1e-4 {
		t.Errorf("rel_l2 %.3e > 1e-4", s.RelL2["u"])
	}
}

// TestSecondOrderResumeIsExact: engd and lm runs cut and resumed end with
// bit-identical weights (their state, the cutoff and mu, is checkpointed),
// also after an Adam stage that resampled.
func TestSecondOrderResumeIsExact(t *testing.T) {
	prob := testprob.Poisson2D(t, 40, 24)
	prob.Equations[0].ResampleEvery = 3
	for _, opt := range []string{"engd", "lm"} {
		mk := func(dir string, maxSteps int) Options {
			return Options{Seed: 3, Model: pde.Model{Layers: []int{6}},
				Training:   pde.Training{Stage: pde.Stage{Steps: 5, LR: 1e-2}, Then: &pde.Stage{Optimizer: opt, Steps: 8}, CheckpointEvery: 4},
				Evaluation: pde.Evaluation{Points: 100, Every: 4}, OutDir: dir, MaxSteps: maxSteps}
		}
		full, err := Train(context.Background(), prob, mk(t.TempDir(), 0))
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []int{9} {
			dir := t.TempDir()
			if _, err := Train(context.Background(), prob, mk(dir, k)); err != nil {
				t.Fatal(err)
			}
			res, err := ResumeProblem(context.Background(), prob, mk(dir, 13))
			if err != nil {
				t.Fatal(err)
			}
			for i := range full.Theta {
				if full.Theta[i] != res.Theta[i] {
					t.Fatalf("%s cut at %d: theta[%d] = %.17g after resume, %.17g straight", opt, k, i, res.Theta[i], full.Theta[i])
				}
			}
		}
		t.Logf("%s: loss %.3e after 5 adam + 8 %s steps", opt, full.Summary.Loss, opt)
	}
}
