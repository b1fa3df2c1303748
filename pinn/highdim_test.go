package pinn

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn/compiler"
	"github.com/gopinn/gopinn/pinn/internal/testprob"
)

// TestHighDimTrain: a short run through pinn.Train lowers the loss, writes
// the outputs, and a resumed run ends bit-identical to the uninterrupted one.
func TestHighDimTrain(t *testing.T) {
	spec := testprob.HD(t, "20", "stde")
	dir := t.TempDir()
	full, opts := trainFull(t, spec, dir)
	if full.Summary.RelL2["u"] <= 0 || math.IsNaN(full.Summary.RelL2["u"]) {
		t.Fatalf("rel_l2 %v", full.Summary.RelL2)
	}
	checkResumeExact(t, spec.Problem, opts, filepath.Join(dir, "cut"), 20, 30, full.Theta)
	if _, err := os.Stat(filepath.Join(dir, "full", "prediction.csv")); err != nil {
		t.Fatal(err)
	}
}

// checkResumeExact trains prob for cut steps into dir, resumes it to total
// steps, and requires the parameters of an uninterrupted run (want)
// bit for bit.
func checkResumeExact(t *testing.T, prob *pde.Problem, opts Options, dir string, cut, total int, want []float64) {
	t.Helper()
	opts.OutDir, opts.MaxSteps = dir, cut
	if _, err := Train(context.Background(), prob, opts); err != nil {
		t.Fatal(err)
	}
	opts.MaxSteps = total
	res, err := ResumeProblem(context.Background(), prob, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range res.Theta {
		if res.Theta[i] != want[i] {
			t.Fatalf("resume differs at parameter %d: %v vs %v", i, res.Theta[i], want[i])
		}
	}
}

// trainFull trains spec into dir/full.
func trainFull(t *testing.T, spec *pde.Spec, dir string, mods ...func(*Options)) (*Result, Options) {
	t.Helper()
	opts := OptionsFromSpec(spec)
	for _, mod := range mods {
		mod(&opts)
	}
	opts.OutDir = filepath.Join(dir, "full")
	yml, err := spec.MarshalRun(nil) // spec.yaml, so that LoadRun can rebuild the run
	if err != nil {
		t.Fatal(err)
	}
	opts.SpecYAML = yml
	full, err := Train(context.Background(), spec.Problem, opts)
	if err != nil {
		t.Fatal(err)
	}
	return full, opts
}

// predictAt is the float64 predictor's u at a reporting point (|x|, t) of
// trained parameters theta.
func predictAt(t *testing.T, spec *pde.Spec, opts Options, theta, pt []float64) float64 {
	t.Helper()
	pred, err := compiler.NewPredictor(spec.Problem, &newConfig(opts).Config, 16)
	if err != nil {
		t.Fatal(err)
	}
	u, _, err := pred.Predict(theta, pt)
	if err != nil {
		t.Fatal(err)
	}
	return u[0][0]
}
