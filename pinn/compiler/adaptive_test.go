package compiler

import (
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pinn/internal/testprob"
)

func TestResampledEpochs(t *testing.T) {
	cfg := NewConfig(Settings{Training: pde.Training{Stage: pde.Stage{Optimizer: "lbfgs", Steps: 25},
		Then: &pde.Stage{Optimizer: "adam", Steps: 20}}})
	if got, want := resampledEpochs(cfg, 10), []int{2, 3, 4}; !reflect.DeepEqual(got, want) {
		t.Fatalf("resampled epochs %v, want %v", got, want)
	}
	cfg = NewConfig(Settings{Training: pde.Training{Stage: pde.Stage{Steps: 30}, Then: &pde.Stage{Steps: 10}}})
	if got, want := resampledEpochs(cfg, 10), []int{1, 2}; !reflect.DeepEqual(got, want) {
		t.Fatalf("resampled epochs %v, want %v", got, want)
	}
}

// TestRoundsPlan: rounds expand into alternating stages with the defaults
// (Adam at the first stage's learning rate, then L-BFGS), and adaptive
// terms redraw at the start of every round and nowhere else (their
// resample_every is ignored: the RAD paper's protocol).
func TestRoundsPlan(t *testing.T) {
	// Adam 20 + L-BFGS 10, then 3 rounds of Adam 5 + L-BFGS 5
	cfg := NewConfig(Settings{Training: pde.Training{Stage: pde.Stage{Steps: 20, LR: 3e-3}, Then: &pde.Stage{Optimizer: "lbfgs", Steps: 10},
		Rounds: &pde.Rounds{Count: 3, Stage: pde.Stage{Steps: 5}, Then: &pde.Stage{Steps: 5}}}})
	var got []string
	for _, st := range cfg.Stages {
		got = append(got, fmt.Sprintf("%s:%d@%g", st.Optimizer, st.Steps, st.LR))
	}
	want := []string{"adam:20@0.003", "lbfgs:10@0.003", "adam:5@0.003", "lbfgs:5@0.003", "adam:5@0.003", "lbfgs:5@0.003", "adam:5@0.003", "lbfgs:5@0.003"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("stages %v, want %v", got, want)
	}
	if n := cfg.TotalSteps(); n != 60 {
		t.Fatalf("total steps %d, want 60", n)
	}
	// rounds start at steps 30, 40, 50
	if got, want := resampledEpochs(cfg, 10), []int{1, 2, 3}; !reflect.DeepEqual(got, want) {
		t.Fatalf("resampled epochs %v, want %v", got, want)
	}
	for step, want := range map[int]int{0: 0, 15: 0, 29: 0, 30: 1, 39: 1, 40: 2, 59: 3} {
		if got := cfg.AdaptiveEpoch(step, 10); got != want {
			t.Errorf("adaptive epoch at step %d: %d, want %d", step, got, want)
		}
	}
}

// TestRADResidualsMatchTraining: after a RAD resampling the training loss
// is the mean square of the pool residuals at the chosen points — the pool
// program and the training program compute the same residual, and the new
// points are fed everywhere the training graph reads them.
func TestRADResidualsMatchTraining(t *testing.T) {
	prob, set := burgersRAD(t)
	p, err := New(prob, NewConfig(set))
	if err != nil {
		t.Fatal(err)
	}
	theta := p.InitTheta()
	term := p.terms[0]
	for e := 1; e <= 2; e++ {
		if err := p.adaptiveResample(term, e, theta); err != nil {
			t.Fatal(err)
		}
		grad := make([]float64, len(theta))
		loss, err := p.Run(theta, grad)
		if err != nil {
			t.Fatal(err)
		}
		eps, err := p.poolResiduals(term, term.pts, nil, theta)
		if err != nil {
			t.Fatal(err)
		}
		ms := 0.0
		for _, v := range eps {
			ms += v * v
		}
		ms /= float64(len(eps))
		t.Logf("epoch %d: training loss %.10g, mean square of pool residuals %.10g", e, loss, ms)
		if math.Abs(loss-ms) > 1e-10*ms {
			t.Fatalf("epoch %d: training loss %.17g != mean square of the pool residuals %.17g", e, loss, ms)
		}
	}
}

// burgersRAD is viscous Burgers with the hard IC/BC transform of the RAD
// paper and a RAD sampler: a nonlinear residual through an output transform.
func burgersRAD(t testing.TB) (*pde.Problem, Settings) {
	vars := []string{"x", "t"}
	sc := &expr.Scope{Variables: vars, Fields: []string{"u"}}
	p := &pde.Problem{Name: "burgers", Variables: testprob.Box(vars, []float64{-1, 0}, []float64{1, 1}), Fields: []string{"u"}}
	p.Equations = []pde.Term{{Name: "pde", Residual: testprob.MustResolve(t, "u_t + u*u_x - 0.01/pi*u_xx", sc), Points: 300,
		Sampler: pde.SamplerConfig{Type: "rad", Options: map[string]float64{"pool": 2000}}, ResampleEvery: 10, Weight: 1}}
	out := testprob.MustResolve(t, "-sin(pi*x) + (1 - x^2)*t*N", &expr.Scope{Variables: vars, NetOutputs: []string{"N"}})
	return p, Settings{Seed: 4, Model: pde.Model{Layers: []int{16, 16}, Output: map[string]expr.Expr{"u": out}},
		Training: pde.Training{Stage: pde.Stage{Steps: 30, LR: 1e-3}}, Evaluation: pde.Evaluation{Points: 50, Every: 1000}}
}
