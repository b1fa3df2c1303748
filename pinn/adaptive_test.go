package pinn

import (
	"context"
	"math"
	"reflect"
	"testing"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pinn/internal/testprob"
)

// peak1D is a 1-D problem on [-1, 1] whose residual barely depends on the
// network: r = exp(-50 x^2) + 1e-12 u, so |r| is large near x = 0 whatever
// the weights.
func peak1D(t testing.TB, sampler pde.SamplerConfig, points, every int) *pde.Problem {
	sc := &expr.Scope{Variables: []string{"x"}, Fields: []string{"u"}}
	p := &pde.Problem{Name: "peak", Variables: testprob.Box([]string{"x"}, []float64{-1}, []float64{1}), Fields: []string{"u"}}
	p.Equations = []pde.Term{{Name: "pde", Residual: testprob.MustResolve(t, "exp(-50*x^2) + 1e-12*u", sc),
		Points: points, Sampler: sampler, ResampleEvery: every, Weight: 1}}
	return p
}

func peakOpts(steps int) Options {
	return Options{Seed: 3, Model: pde.Model{Layers: []int{8}},
		Training:   pde.Training{Stage: pde.Stage{Steps: steps, LR: 1e-3}},
		Evaluation: pde.Evaluation{Points: 50, Every: 1000}}
}

// runPeak trains the peak problem and returns the runner (its program holds
// the term's final points).
func runPeak(t *testing.T, prob *pde.Problem, opts Options) *runner {
	t.Helper()
	r, err := newRunner(prob, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.loop(context.Background()); err != nil {
		t.Fatal(err)
	}
	return r
}

func fractionNear0(pts []float64, n int) float64 {
	c := 0
	for _, x := range pts[:n] {
		if math.Abs(x) < 0.2 {
			c++
		}
	}
	return float64(c) / float64(n)
}

// TestRADConcentrates: after one RAD resampling (k = 1, c = 1) the share of
// points with |x| < 0.2 rises from 0.2 (uniform) to the share of the
// density p ∝ eps/mean(eps) + 1 there, about 0.58.
func TestRADConcentrates(t *testing.T) {
	const P = 1000
	rad := pde.SamplerConfig{Type: "rad", Options: map[string]float64{"pool": 20000}}
	prob := peak1D(t, rad, P, 5)
	r0 := runPeak(t, prob, peakOpts(3)) // epoch 0 only: uniform
	u := fractionNear0(r0.prog.Terms()[0].Points, P)
	r1 := runPeak(t, prob, peakOpts(6)) // resampled once, at step 5
	a := fractionNear0(r1.prog.Terms()[0].Points, P)
	t.Logf("share of points with |x| < 0.2: uniform %.3f, RAD %.3f (expected about 0.20 and 0.58)", u, a)
	if math.Abs(u-0.2) > 0.04 || math.Abs(a-0.58) > 0.06 {
		t.Fatalf("share near 0: uniform %.3f (want 0.20 +- 0.04), RAD %.3f (want 0.58 +- 0.06)", u, a)
	}
	if r1.prog.Terms()[0].Epoch != 1 || len(r1.prog.Terms()[0].Points) != P {
		t.Fatalf("epoch %d, %d points after resampling", r1.prog.Terms()[0].Epoch, len(r1.prog.Terms()[0].Points))
	}
}

// TestRARDGrows: rar-d adds `add` points per resampling; the graph is sized
// for the whole plan; the loss is the mean square over the live points only;
// the added points follow p ∝ eps^2 (defaults k = 2, c = 0).
func TestRARDGrows(t *testing.T) {
	const P0, add = 200, 50
	rard := pde.SamplerConfig{Type: "rar-d", Options: map[string]float64{"pool": 5000, "add": add}}
	prob := peak1D(t, rard, P0, 5)
	opts := peakOpts(20)
	opts.Training.Then = &pde.Stage{Optimizer: "lbfgs", Steps: 3}
	for _, tc := range []struct{ steps, live int }{{3, P0}, {7, P0 + add}, {12, P0 + 2*add}, {23, P0 + 3*add}} {
		o := opts
		o.MaxSteps = tc.steps
		r := runPeak(t, prob, o)
		tm := r.prog.Terms()[0]
		if tm.Rows != P0+3*add || len(tm.Points) != tm.Rows {
			t.Fatalf("batch of %d rows (%d points), want %d (resamplings at steps 5, 10, 15)", tm.Rows, len(tm.Points), P0+3*add)
		}
		if got := tm.Live; got != tc.live {
			t.Fatalf("after %d steps: %d live points, want %d", tc.steps, got, tc.live)
		}
		want := 0.0
		for _, x := range tm.Points[:tc.live] {
			want += math.Exp(-100 * x * x)
		}
		want /= float64(tc.live)
		if got := r.losses["pde"]; math.Abs(got-want) > 1e-9*want {
			t.Fatalf("after %d steps: loss %.12g, mean square over the live points %.12g", tc.steps, got, want)
		}
		if tc.live == P0+3*add {
			u := fractionNear0(tm.Points[:P0], P0)
			a := fractionNear0(tm.Points[P0:tc.live], 3*add)
			t.Logf("share with |x| < 0.2: initial %.3f, added %.3f", u, a)
			if a < 0.8 || u > 0.32 {
				t.Fatalf("share near 0: initial %.3f, added %.3f (want about 0.2 and > 0.8)", u, a)
			}
		}
	}
}

// TestAdaptiveDeterministic: the same seed gives the same points and
// weights; another seed other points.
func TestAdaptiveDeterministic(t *testing.T) {
	for _, typ := range []string{"rad", "rar-d"} {
		s := pde.SamplerConfig{Type: typ, Options: map[string]float64{"pool": 3000}}
		prob := peak1D(t, s, 300, 4)
		a := runPeak(t, prob, peakOpts(13))
		b := runPeak(t, prob, peakOpts(13))
		o := peakOpts(13)
		o.Seed = 4
		c := runPeak(t, prob, o)
		if !reflect.DeepEqual(a.prog.Terms()[0].Points, b.prog.Terms()[0].Points) || !reflect.DeepEqual(a.theta, b.theta) {
			t.Fatalf("%s: two runs with one seed differ", typ)
		}
		if reflect.DeepEqual(a.prog.Terms()[0].Points, c.prog.Terms()[0].Points) {
			t.Fatalf("%s: seeds 3 and 4 gave the same points", typ)
		}
	}
}

// TestAdaptiveResumeIsExact: as TestResumeIsExact, with RAD (and RAR-D)
// resampling every 10 steps from a pool scored by the residual program,
// cut inside Adam (between resamplings) and inside L-BFGS.
func TestAdaptiveResumeIsExact(t *testing.T) {
	checkAdaptiveResume(t, resumeOpts, []int{13, 37}, 50)
}

// checkAdaptiveResume trains a RAD and a RAR-D Poisson problem straight
// to total steps and cut at each of cuts then resumed, and requires
// bit-identical weights and loss.
func checkAdaptiveResume(t *testing.T, opts func(dir string, maxSteps int) Options, cuts []int, total int) {
	t.Helper()
	for _, s := range []pde.SamplerConfig{
		{Type: "rad", Options: map[string]float64{"pool": 1000}},
		{Type: "rar-d", Options: map[string]float64{"pool": 1000, "add": 8}},
	} {
		prob := testprob.Poisson2D(t, 64, 32)
		prob.Equations[0].Sampler = s
		prob.Equations[0].ResampleEvery = 10
		full, err := Train(context.Background(), prob, opts(t.TempDir(), 0))
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range cuts {
			dir := t.TempDir()
			if _, err := Train(context.Background(), prob, opts(dir, k)); err != nil {
				t.Fatal(err)
			}
			res, err := ResumeProblem(context.Background(), prob, opts(dir, total))
			if err != nil {
				t.Fatal(err)
			}
			if res.Summary.Steps != total {
				t.Fatalf("%s, cut at %d: resumed run ended at step %d", s.Type, k, res.Summary.Steps)
			}
			for i := range full.Theta {
				if full.Theta[i] != res.Theta[i] {
					t.Fatalf("%s, cut at %d: theta[%d] = %.17g after resume, %.17g straight", s.Type, k, i, res.Theta[i], full.Theta[i])
				}
			}
			if res.Summary.Loss != full.Summary.Loss {
				t.Fatalf("%s, cut at %d: loss %.17g after resume, %.17g straight", s.Type, k, res.Summary.Loss, full.Summary.Loss)
			}
		}
	}
}

// TestAdaptiveOptionErrors: impossible options are reported at build time.
func TestAdaptiveOptionErrors(t *testing.T) {
	for _, s := range []pde.SamplerConfig{
		{Type: "rad", Options: map[string]float64{"pool": 100}},
		{Type: "rad", Options: map[string]float64{"k": -1}},
		{Type: "rar-d", Options: map[string]float64{"pool": 10, "add": 20}},
	} {
		if err := Check(peak1D(t, s, 200, 5), peakOpts(10)); err == nil {
			t.Errorf("%v: no error", s)
		}
	}
}

// roundsOpts: Adam 20 + L-BFGS 10, then 3 rounds of Adam 5 + L-BFGS 5
// (the adaptive terms redraw at the start of each round).
func roundsOpts(dir string, maxSteps int) Options {
	o := resumeOpts(dir, maxSteps)
	o.Training.Stage.Steps, o.Training.Then.Steps = 20, 10
	o.Training.Rounds = &pde.Rounds{Count: 3, Stage: pde.Stage{Steps: 5}, Then: &pde.Stage{Steps: 5}}
	return o
}

// TestRoundsResumeIsExact: cut inside a round's Adam stage, inside a
// round's L-BFGS stage and at a round boundary, then resume: bit-identical
// to the straight run, for RAD and RAR-D.
func TestRoundsResumeIsExact(t *testing.T) {
	checkAdaptiveResume(t, roundsOpts, []int{33, 47, 50}, 60)
}
