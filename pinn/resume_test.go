package pinn

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn/internal/runio"
	"github.com/gopinn/gopinn/pinn/internal/testprob"
)

func resumeOpts(dir string, maxSteps int) Options {
	return Options{Seed: 5, Model: pde.Model{Layers: []int{12, 12}},
		Training:   pde.Training{Stage: pde.Stage{Steps: 30, LR: 3e-3, Schedule: pde.Schedule{Type: "cosine"}}, Then: &pde.Stage{Optimizer: "lbfgs", Steps: 20}, CheckpointEvery: 7},
		Evaluation: pde.Evaluation{Points: 200, Every: 10}, OutDir: dir, MaxSteps: maxSteps}
}

// TestResumeIsExact: k steps, then resume to N, gives bit-identical weights
// to N steps straight — for k inside the Adam stage (with resampling every
// 10 steps), exactly at the stage boundary, and in the middle of L-BFGS.
func TestResumeIsExact(t *testing.T) {
	prob := testprob.Poisson2D(t, 64, 32)
	prob.Equations[0].ResampleEvery = 10
	full, err := Train(context.Background(), prob, resumeOpts(t.TempDir(), 0))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []int{13, 30, 37} {
		dir := t.TempDir()
		if _, err := Train(context.Background(), prob, resumeOpts(dir, k)); err != nil {
			t.Fatal(err)
		}
		res, err := ResumeProblem(context.Background(), prob, resumeOpts(dir, 50))
		if err != nil {
			t.Fatal(err)
		}
		if res.Summary.Steps != 50 {
			t.Fatalf("resumed run ended at step %d, want 50", res.Summary.Steps)
		}
		for i := range full.Theta {
			if full.Theta[i] != res.Theta[i] {
				t.Fatalf("cut at %d: theta[%d] = %.17g after resume, %.17g straight", k, i, res.Theta[i], full.Theta[i])
			}
		}
		if res.Summary.Loss != full.Summary.Loss {
			t.Fatalf("cut at %d: loss %.17g after resume, %.17g straight", k, res.Summary.Loss, full.Summary.Loss)
		}
		// metrics.csv has one row per evaluation step, no duplicates.
		data, err := os.ReadFile(filepath.Join(dir, "metrics.csv"))
		if err != nil {
			t.Fatal(err)
		}
		if rows := countLines(data) - 1; rows != 5 {
			t.Errorf("cut at %d: metrics.csv has %d rows, want 5 (steps 10..50)", k, rows)
		}
	}
}

func countLines(b []byte) int {
	n := 0
	for _, c := range b {
		if c == '\n' {
			n++
		}
	}
	return n
}

// TestInterruptSavesCheckpoint: a cancelled context stops the run with
// ErrInterrupted after writing the checkpoint and an "interrupted" summary.
func TestInterruptSavesCheckpoint(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	opts := resumeOpts(dir, 0)
	opts.Progress = func(p Progress) {
		if p.Step == 5 {
			cancel()
		}
	}
	res, err := Train(ctx, testprob.Poisson2D(t, 64, 32), opts)
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("err = %v, want ErrInterrupted", err)
	}
	if res.Summary.Status != "interrupted" || res.Summary.Steps != 5 {
		t.Fatalf("summary status %q at step %d, want interrupted at 5", res.Summary.Status, res.Summary.Steps)
	}
	for _, f := range []string{"checkpoint.npz", "summary.json"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s not written: %v", f, err)
		}
	}
}

// TestFloat32 trains in float32 (the graph's derivatives are held to the
// float64 graph's by the compiler's TestFloat32Derivatives): the summary
// says float32 and the loss falls.
func TestFloat32(t *testing.T) {
	opts := resumeOpts("", 0)
	opts.DType = "float32"
	res, err := Train(context.Background(), testprob.Poisson2D(t, 64, 32), opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary.DType != "float32" || !(res.Summary.Loss < 10) {
		t.Fatalf("float32 run: dtype %s, final loss %g", res.Summary.DType, res.Summary.Loss)
	}
}

// TestResumeRefusesBadSteps: a checkpoint whose step is negative, not a
// whole number or beyond the plan is refused, and so is a resume to fewer
// total steps than the run has done (it used to print "step 3300/10" and
// exit 0 without a word).
func TestResumeRefusesBadSteps(t *testing.T) {
	prob := testprob.Poisson2D(t, 32, 16)
	dir := t.TempDir()
	if _, err := Train(context.Background(), prob, resumeOpts(dir, 20)); err != nil {
		t.Fatal(err)
	}
	var ie *InputError
	if _, err := ResumeProblem(context.Background(), prob, resumeOpts(dir, 10)); !errors.As(err, &ie) {
		t.Errorf("resume to 10 of a 20-step run: %v, want an input error", err)
	}
	path := filepath.Join(dir, "checkpoint.npz")
	orig, err := runio.ReadNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []float64{-5, 25.5, 1e18} {
		a := maps.Clone(orig)
		a["step"] = runio.Array{Shape: []int{}, Data: []float64{step}}
		if err := runio.WriteNPZ(path, a); err != nil {
			t.Fatal(err)
		}
		if _, err := ResumeProblem(context.Background(), prob, resumeOpts(dir, 50)); err == nil {
			t.Errorf("checkpoint step %v accepted", step)
		}
	}
}
