package compiler

import (
	"fmt"
	"math"
	"sync"
	"testing"

	"github.com/gopinn/gopinn/comm"
	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn/internal/testprob"
)

// parallelSpec has every kind of term a rank holds: random interior and
// boundary points (drawn per rank), a Neumann condition (normals), a grid
// (a fixed set, split), data rows (split; 7 rows do not divide evenly) and
// a trainable parameter. The %d are point counts, the %s extra settings.
const parallelSpec = `
name: parallel
seed: 5
variables:
  x: [0, 1]
  t: [0, 1]
fields: [u]
parameters:
  kappa: {init: 0.4}
equations:
  - name: pde
    residual: "u_t - kappa*u_xx"
    points: %d
conditions:
  - name: ic
    on: "t == 0"
    residual: "u - sin(pi*x)"
    points: %d
    sampler: grid
  - name: flux
    on: "x == 1"
    type: neumann
    value: "0"
    points: %d
data:
  - name: obs
    points: {x: {linspace: [0.1, 0.9, 7]}, t: [0.5]}
evaluation:
  exact:
    u: "exp(-0.1*pi^2*t)*sin(pi*x)"
model:
  layers: [6, 6]
%s`

// TestDataParallelUnion: on 2, 3 and 4 in-process ranks, the sum of the
// ranks' losses and gradients is the loss and gradient of one program on
// the union of their points (to 1e-12 relative; float64), for every kind of
// term, and with causal weights (their slab losses reduced over the ranks)
// too; rank 0's points are a plain run's.
func TestDataParallelUnion(t *testing.T) {
	const P = 12
	for _, ranks := range []int{2, 3, 4} {
		for _, causal := range []string{"", "training: {causal: {chunks: 4, epsilon: 0.5}}\n"} {
			t.Run(fmt.Sprint(ranks, " ranks ", causal != ""), func(t *testing.T) { unionCase(t, ranks, P, causal) })
		}
	}
}

// unionCase is one case of TestDataParallelUnion: ranks in-process ranks
// of P points per random term, extra settings appended to the spec.
func unionCase(t *testing.T, ranks, P int, extra string) {
	spec, err := pde.LoadBytes("p.yaml", []byte(fmt.Sprintf(parallelSpec, P, P, P, extra)), nil)
	if err != nil {
		t.Fatal(err)
	}
	cs := comm.InProcess(ranks)
	progs := make([]*Program, ranks)
	for r := range progs {
		cfg := NewConfig(specSettings(spec))
		cfg.Comm = cs[r]
		if progs[r], err = New(spec.Problem, cfg); err != nil {
			t.Fatal(err)
		}
	}
	plain, err := New(spec.Problem, NewConfig(specSettings(spec)))
	if err != nil {
		t.Fatal(err)
	}
	for i, tm := range plain.terms {
		random := tm.kind != kindData && tm.sampler.Name() != "grid"
		if random && !equalFloats(tm.pts, progs[0].terms[i].pts) {
			t.Errorf("term %s: rank 0's points are not a plain run's", tm.name)
		}
	}
	// the union program: the random terms with ranks x P points
	uspec, err := pde.LoadBytes("u.yaml", []byte(fmt.Sprintf(parallelSpec, ranks*P, P, ranks*P, extra)), nil)
	if err != nil {
		t.Fatal(err)
	}
	union, err := New(uspec.Problem, NewConfig(specSettings(uspec)))
	if err != nil {
		t.Fatal(err)
	}
	for i, ut := range union.terms {
		if ut.kind == kindData || ut.sampler.Name() == "grid" {
			continue // the whole set, as the ranks' shares are
		}
		var pts, nrm []float64
		for _, p := range progs {
			pts = append(pts, p.terms[i].pts...)
			nrm = append(nrm, p.terms[i].normals...)
		}
		if ut.normals == nil {
			nrm = nil
		}
		union.setPoints(ut, pts, nrm)
	}
	// the grid and the data were split, not duplicated
	for i, ut := range union.terms {
		rows := 0
		for _, p := range progs {
			rows += len(p.terms[i].pts)
		}
		if rows != len(ut.pts) {
			t.Errorf("term %s: the ranks hold %d values, the union %d", ut.name, rows, len(ut.pts))
		}
	}
	theta := union.InitTheta()
	for i := range theta {
		theta[i] += 0.05 * math.Sin(float64(3*i+1))
	}
	if extra != "" {
		// the causal weights at theta: the union's, and every
		// rank's from the reduced slab losses
		if err := union.causalStep(theta); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for _, p := range progs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := p.causalStep(theta); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if union.terms[0].causal == nil {
			t.Fatal("no causal weights")
		}
	}
	want := make([]float64, len(theta))
	wantLoss, err := union.Run(theta, want)
	if err != nil {
		t.Fatal(err)
	}
	wantTerms := union.TermLosses()
	got := make([]float64, len(theta))
	gotTerms := map[string]float64{}
	gotLoss := 0.0
	var mu sync.Mutex
	var wg sync.WaitGroup
	for r, p := range progs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := make([]float64, len(theta))
			loss, err := p.Run(theta, g)
			if err != nil {
				t.Error(err)
				return
			}
			// the balance step's reduction, exercised here too
			if err := p.reduceSum(g); err != nil {
				t.Error(err)
			}
			mu.Lock()
			defer mu.Unlock()
			gotLoss += loss
			for k, v := range p.TermLosses() {
				gotTerms[k] += v
			}
			if r == 0 {
				copy(got, g)
			}
		}()
	}
	wg.Wait()
	rel := func(a, b float64) float64 { return math.Abs(a-b) / math.Max(math.Abs(b), 1e-300) }
	if e := rel(gotLoss, wantLoss); e > 1e-12 {
		t.Errorf("loss: ranks %.15g, union %.15g (rel %.1e)", gotLoss, wantLoss, e)
	}
	for k, v := range wantTerms {
		if e := rel(gotTerms[k], v); e > 1e-12 {
			t.Errorf("loss of %s: ranks %.15g, union %.15g (rel %.1e)", k, gotTerms[k], v, e)
		}
	}
	worst, norm := checkGradientsEqual(t, got, want)
	t.Logf("%d ranks: loss %.6g, gradient max diff %.1e of %.3g", ranks, wantLoss, worst, norm)
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestDataParallelUnionHighDim: on the high-dimensional path (20-D ball,
// sparse STDE, the boundary imposed by the output transform) each of 2
// ranks' loss and gradient is half those of a plain program given that
// rank's points and sampled coordinates, so their sum is the union's (to
// 1e-12); the ranks draw different points.
func TestDataParallelUnionHighDim(t *testing.T) {
	spec := testprob.HD(t, "20", "stde")
	cs := comm.InProcess(2)
	progs := make([]*Program, 2)
	var err error
	for r := range progs {
		cfg := NewConfig(specSettings(spec))
		cfg.Comm = cs[r]
		if progs[r], err = New(spec.Problem, cfg); err != nil {
			t.Fatal(err)
		}
		if hdOf(progs[r].terms[0]) == nil {
			t.Fatal("not on the high-dimensional path")
		}
	}
	if equalFloats(hdOf(progs[0].terms[0]).pts, hdOf(progs[1].terms[0]).pts) {
		t.Fatal("the ranks drew the same points")
	}
	theta := progs[0].InitTheta()
	for i := range theta {
		theta[i] += 0.05 * math.Sin(float64(3*i+1))
	}
	sum := make([]float64, len(theta))
	want := make([]float64, len(theta))
	sumLoss, wantLoss := 0.0, 0.0
	for r, rp := range progs {
		plain, err := New(spec.Problem, NewConfig(specSettings(spec)))
		if err != nil {
			t.Fatal(err)
		}
		for i, pt := range plain.terms {
			h, src := hdOf(pt), hdOf(rp.terms[i])
			h.pts = append(h.pts[:0], src.pts...)
			h.evalKnowns(h.pts, nil)
			if h.rows != nil {
				copy(h.rows.Idx, src.rows.Idx)
			}
			plain.feed(pt)
		}
		g := make([]float64, len(theta))
		loss, err := rp.Run(theta, g) // not reduced: this rank's share
		if err != nil {
			t.Fatal(err)
		}
		pg := make([]float64, len(theta))
		pl, err := plain.Run(theta, pg)
		if err != nil {
			t.Fatal(err)
		}
		sumLoss += loss
		wantLoss += pl / 2
		for i := range g {
			sum[i] += g[i]
			want[i] += pg[i] / 2
		}
		t.Logf("rank %d: loss %.10g, plain program on its points %.10g", r, loss, pl)
	}
	if e := math.Abs(sumLoss-wantLoss) / wantLoss; e > 1e-12 {
		t.Errorf("loss: ranks %.15g, union %.15g (rel %.1e)", sumLoss, wantLoss, e)
	}
	checkGradientsEqual(t, sum, want)
}

// checkGradientsEqual requires |got - want| <= 1e-12 max|want| elementwise
// and returns the largest difference and max|want|.
func checkGradientsEqual(t *testing.T, got, want []float64) (worst, norm float64) {
	t.Helper()
	for i := range want {
		worst = math.Max(worst, math.Abs(got[i]-want[i]))
		norm = math.Max(norm, math.Abs(want[i]))
	}
	if worst > 1e-12*norm {
		t.Errorf("gradient: largest difference %.3g (max |g| %.3g)", worst, norm)
	}
	return worst, norm
}
