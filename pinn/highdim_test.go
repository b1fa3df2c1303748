package pinn

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn/internal/tensors"
)

const hdSpec = `name: hd-test
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

func loadHD(t *testing.T, dim, method string) *pde.Spec {
	t.Helper()
	src := hdSpec
	for _, r := range [][2]string{{"DIM", dim}, {"METHOD", method}} {
		src = replaceAll(src, r[0], r[1])
	}
	return loadSpecText(t, src)
}

func replaceAll(s, old, new string) string {
	out := ""
	for {
		i := indexOf(s, old)
		if i < 0 {
			return out + s
		}
		out += s[:i] + new
		s = s[i+len(old):]
	}
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

// TestHighDimLaplacian: with method taylor the graph's Laplacian of
// u = (1 - |x|²)·N equals central finite differences of the float64
// predictor at the training points (to the FD floor), and each stochastic
// estimate — sparse (d/B)Σ_J u_jj, dense Rademacher and Gaussian
// (1/B)Σ vᵀH_u v with the transform's own Laplacians exact — averages to it
// over 400 steps' draws within 4 standard errors of that mean.
func TestHighDimLaplacian(t *testing.T) {
	for _, method := range []string{"taylor", "stde", "stde, estimator: rademacher", "stde, estimator: gaussian"} {
		prog, pred, theta := hdProgram(t, loadHD(t, "8", method), 1)
		grad := make([]float64, len(theta))
		tm := prog.terms[0]
		h := tm.hd
		d := h.d
		// u at points and its FD Laplacian
		fd := make([]float64, h.P)
		uPred := make([]float64, h.P)
		const step = 1e-4
		for p := 0; p < h.P; p++ {
			x := append([]float64(nil), h.pts[p*d:(p+1)*d]...)
			eval := func(y []float64) float64 { return pred.hd.point(pred.m, theta, y) }
			u0 := eval(x)
			uPred[p] = u0
			for j := 0; j < d; j++ {
				y := append([]float64(nil), x...)
				y[j] += step
				up := eval(y)
				y[j] -= 2 * step
				fd[p] += (up - 2*u0 + eval(y)) / (step * step)
			}
		}
		// average the estimate over many steps (new coordinates each step)
		runs := 1
		if method != "taylor" {
			runs = 400
		}
		mean, sq := make([]float64, h.P), make([]float64, h.P)
		for r := 0; r < runs; r++ {
			// new coordinates, same points (every = 1 would move them):
			// draw the step's coordinates with the points of epoch 0 kept
			h.every = math.MaxInt32
			h.draw(r)
			h.feed()
			if _, err := prog.run(theta, grad); err != nil {
				t.Fatal(err)
			}
			l := tensors.Get(h.lapVal, nil)
			for p := range mean {
				mean[p] += l[p] / float64(runs)
				sq[p] += l[p] * l[p] / float64(runs)
			}
			if r == 0 {
				u := tensors.Get(h.uVal, nil)
				for p := range u {
					if math.Abs(u[p]-uPred[p]) > 1e-12 {
						t.Fatalf("%s: u graph %v, float64 %v", method, u[p], uPred[p])
					}
				}
			}
		}
		checkEstimates(t, method, mean, sq, fd, runs, 0.2)
	}
}

// TestHighDimTrain: a short run through pinn.Train lowers the loss, writes
// the outputs, and a resumed run ends bit-identical to the uninterrupted one.
func TestHighDimTrain(t *testing.T) {
	spec := loadHD(t, "20", "stde")
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

// TestHDTestSetStreamed: a test set too large to keep is redrawn block by
// block and gives the same points, exact values and errors as the kept
// one (1300 points: three blocks, the last one short).
func TestHDTestSetStreamed(t *testing.T) {
	spec := loadHD(t, "20", "stde")
	opts := OptionsFromSpec(spec)
	opts.Evaluation.Points = 1300
	cfg := newConfig(opts)
	run := func() (*evaluation, [][]float64) {
		ev, err := newHDEvaluation(spec.Problem, cfg)
		if err != nil {
			t.Fatal(err)
		}
		pr, err := newHDPredictor(spec.Problem, cfg)
		if err != nil {
			t.Fatal(err)
		}
		theta := make([]float64, pr.m.net.NumParams())
		pr.m.net.Glorot(theta, rand.New(rand.NewPCG(1, 2)))
		f, _, _, err := pr.predictAll(theta, ev.pts)
		if err != nil {
			t.Fatal(err)
		}
		return ev, f
	}
	kept, fk := run()
	if set := hdLookup(kept.pts); set == nil || set.full == nil {
		t.Fatal("the small test set is not kept")
	}
	saved := hdTestKeep
	hdTestKeep = 100
	defer func() { hdTestKeep = saved }()
	streamed, fs := run()
	if set := hdLookup(streamed.pts); set == nil || set.full != nil {
		t.Fatal("the test set is kept although larger than hdTestKeep")
	}
	for i := range kept.pts {
		if kept.pts[i] != streamed.pts[i] || kept.exact["u"][i] != streamed.exact["u"][i] || fk[0][i] != fs[0][i] {
			t.Fatalf("point %d: radius %v / %v, exact %v / %v, prediction %v / %v", i,
				kept.pts[i], streamed.pts[i], kept.exact["u"][i], streamed.exact["u"][i], fk[0][i], fs[0][i])
		}
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
func trainFull(t *testing.T, spec *pde.Spec, dir string) (*Result, Options) {
	t.Helper()
	opts := OptionsFromSpec(spec)
	opts.OutDir = filepath.Join(dir, "full")
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
	pred, err := newPredictor(spec.Problem, newConfig(opts), 16)
	if err != nil {
		t.Fatal(err)
	}
	u, _, err := pred.predict(theta, pt)
	if err != nil {
		t.Fatal(err)
	}
	return u[0][0]
}

// hdProgram builds the training program and the float64 predictor of a
// vector spec, with the initial parameters scaled by scale (a network far
// from linear for scale > 1).
func hdProgram(t *testing.T, spec *pde.Spec, scale float64) (*program, *predictor, []float64) {
	t.Helper()
	cfg := newConfig(OptionsFromSpec(spec))
	prog, err := newProgram(spec.Problem, cfg)
	if err != nil {
		t.Fatal(err)
	}
	pred, err := newPredictor(spec.Problem, cfg, 16)
	if err != nil {
		t.Fatal(err)
	}
	theta := prog.initTheta()
	for i := range theta {
		theta[i] *= scale
	}
	return prog, pred, theta
}

// checkEstimates compares the mean over runs of an estimate (mean, and the
// mean of its squares sq, per point) with reference values want: within the
// finite-difference floor 2e-5 (relative) plus, for runs > 1, 4 standard
// errors of the mean. A stochastic estimate must vary, and by no more than
// maxSE (relative to max(1, |want|)), or the check would mean nothing.
func checkEstimates(t *testing.T, label string, mean, sq, want []float64, runs int, maxSE float64) {
	t.Helper()
	for p := range mean {
		scale := math.Max(1, math.Abs(want[p]))
		tol := 2e-5 * scale
		if runs > 1 {
			se := math.Sqrt(max(0, sq[p]-mean[p]*mean[p]) / float64(runs-1))
			if se == 0 || se > maxSE*scale {
				t.Errorf("%s point %d: standard error %v: the estimate does not vary, or too much for the check to mean anything", label, p, se)
			}
			tol += 4 * se
		}
		t.Logf("%s point %d: estimate %.8f, finite differences %.8f (tolerance %.2g)", label, p, mean[p], want[p], tol)
		if math.Abs(mean[p]-want[p]) > tol {
			t.Errorf("%s point %d: estimate %v, finite differences %v", label, p, mean[p], want[p])
		}
	}
}
