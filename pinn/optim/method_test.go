package optim

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gopinn/gopinn/pinn/internal/runio"
	"gonum.org/v1/gonum/mat"
)

// TestCheck: every registered method's needs against every kind of offer,
// with the refusal naming the method and the missing capability.
func TestCheck(t *testing.T) {
	full := Offers{Residuals: true, FixedObjective: true}
	none := Offers{Why: "because"}
	for _, c := range []struct {
		name       string
		full, none bool // accepted with each offer
		missing    string
	}{
		{"adam", true, true, ""},
		{"lbfgs", true, false, "fixed during the stage"},
		{"engd", true, false, "Jacobian of the residuals"},
		{"lm", true, false, "Jacobian of the residuals"},
	} {
		m, err := New(c.name, 3)
		if err != nil {
			t.Fatal(err)
		}
		if err := Check(c.name, m, full); (err == nil) != c.full {
			t.Errorf("%s with every offer: %v", c.name, err)
		}
		err = Check(c.name, m, none)
		if (err == nil) != c.none {
			t.Errorf("%s with no offer: %v", c.name, err)
		}
		if err != nil && (!strings.Contains(err.Error(), c.missing) || !strings.Contains(err.Error(), "optimizer "+c.name) || !strings.Contains(err.Error(), "(because)")) {
			t.Errorf("%s: refusal %q does not name the method, %q and the reason", c.name, err, c.missing)
		}
	}
	if _, err := New("sgd", 1); err == nil || !strings.Contains(err.Error(), "adam") {
		t.Errorf("unknown method: %v", err)
	}
	if lr, ok := DefaultLR("adam"); !ok || lr != 1e-3 {
		t.Errorf("adam default lr %g %v", lr, ok)
	}
}

// linearLS is loss = |A x - b|² as a LeastSquares objective (one block).
type linearLS struct {
	A *mat.Dense
	b []float64
}

func (l linearLS) resid(x []float64) []float64 {
	r := mat.NewVecDense(len(l.b), nil)
	r.MulVec(l.A, mat.NewVecDense(len(x), x))
	out := r.RawVector().Data
	for i := range out {
		out[i] -= l.b[i]
	}
	return out
}

func (l linearLS) LossGrad(x, g []float64) (float64, error) {
	r := l.resid(x)
	gv := mat.NewVecDense(len(g), nil)
	gv.MulVec(l.A.T(), mat.NewVecDense(len(r), r))
	for i := range g {
		g[i] = 2 * gv.AtVec(i)
	}
	return dot(r, r), nil
}

func (l linearLS) Loss(x []float64) (float64, error) { r := l.resid(x); return dot(r, r), nil }

func (l linearLS) Residuals(x []float64) ([]Block, error) {
	return []Block{{Name: "lin", Scale: 1, J: l.A, R: l.resid(x)}}, nil
}

// TestGaussNewtonMethodsSolveLinearLeastSquares: on a linear least-squares
// problem ENGD's first step (the Gauss-Newton step) is the least-squares
// solution, and LM reaches it within 20 steps; to 1e-10.
func TestGaussNewtonMethodsSolveLinearLeastSquares(t *testing.T) {
	A := mat.NewDense(4, 2, []float64{1, 0, 1, 1, 1, 2, 1, 3})
	obj := linearLS{A, []float64{1, 2, 2, 4}}
	var want mat.VecDense
	if err := want.SolveVec(A, mat.NewVecDense(4, obj.b)); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"engd", "lm"} {
		m, _ := New(name, 2)
		x := []float64{5, -3}
		steps := 1
		if name == "lm" {
			steps = 20
		}
		for range steps {
			if _, err := m.Step(obj, x, 1); err != nil {
				t.Fatal(err)
			}
		}
		for i := range x {
			if math.Abs(x[i]-want.AtVec(i)) > 1e-10 {
				t.Errorf("%s: x = %v, want %v", name, x, want.RawVector().Data)
			}
		}
	}
	// a method that needs residuals refuses a plain objective
	if _, err := (&ENGD{}).Step(gradOnly{obj}, []float64{0, 0}, 1); err == nil {
		t.Error("engd stepped on an objective without residuals")
	}
}

// TestENGDUnderdetermined: with fewer residuals than parameters (a wide
// Jacobian: few points, a large network) the Gauss-Newton step is the
// minimum-norm solution and zeroes the residuals; to 1e-12.
func TestENGDUnderdetermined(t *testing.T) {
	A := mat.NewDense(2, 3, []float64{1, 2, 0, 0, 1, 1})
	obj := linearLS{A, []float64{1, 2}}
	x := []float64{0, 0, 0}
	if _, err := (&ENGD{}).Step(obj, x, 1); err != nil {
		t.Fatal(err)
	}
	// min-norm solution A^T (A A^T)^-1 b: A A^T = [5 2; 2 2], solution y = (-1/3, 4/3)
	want := []float64{-1.0 / 3, -2.0/3 + 4.0/3, 4.0 / 3}
	for i := range x {
		if math.Abs(x[i]-want[i]) > 1e-12 {
			t.Fatalf("x = %v, want the minimum-norm solution %v", x, want)
		}
	}
}

type gradOnly struct{ o Objective }

func (g gradOnly) LossGrad(x, gr []float64) (float64, error) { return g.o.LossGrad(x, gr) }

// TestResumeIsExact: for every method, k steps, Save, a checkpoint file
// written and read back, Load into a fresh method, and the remaining steps
// end bit-identical to an uninterrupted run.
func TestResumeIsExact(t *testing.T) {
	A := mat.NewDense(4, 2, []float64{1, 0, 1, 1, 1, 2, 1, 3})
	lin := linearLS{A, []float64{1, 2, 2, 4}}
	dir := t.TempDir()
	for _, name := range Names() {
		var obj Objective = lin
		x0 := []float64{5, -3}
		if name == "adam" || name == "lbfgs" {
			obj = rosen{}
			x0 = []float64{-1.2, 1}
		}
		run := func(split int) []float64 {
			x := append([]float64(nil), x0...)
			m, _ := New(name, len(x))
			for s := 0; s < 12; s++ {
				if s == split {
					path := filepath.Join(dir, name+".npz")
					if err := runio.WriteNPZ(path, m.Save()); err != nil {
						t.Fatalf("%s: write state: %v", name, err)
					}
					st, err := runio.ReadNPZ(path)
					if err != nil {
						t.Fatal(err)
					}
					m, _ = New(name, len(x))
					if err := m.Load(st); err != nil {
						t.Fatalf("%s: load: %v", name, err)
					}
				}
				if _, err := m.Step(obj, x, 1e-2); err != nil {
					t.Fatal(err)
				}
			}
			return x
		}
		whole, cut := run(-1), run(5)
		for i := range whole {
			if whole[i] != cut[i] {
				t.Errorf("%s: resumed run ends at %v, uninterrupted at %v", name, cut, whole)
			}
		}
	}
}

type rosen struct{}

func (rosen) LossGrad(x, g []float64) (float64, error) { return rosenbrock(x, g) }

// TestLBFGSEmptyHistorySaves: an L-BFGS stage whose first line search
// fails (a flat objective: no descent) keeps no curvature pairs; its state
// is still written to a checkpoint and resumes.
func TestLBFGSEmptyHistorySaves(t *testing.T) {
	flat := func(x, g []float64) (float64, error) {
		for i := range g {
			g[i] = 0
		}
		return 1, nil
	}
	o := NewLBFGS(10)
	x := []float64{1, 2, 3}
	if err := o.Iterate(x, flat); err != nil {
		t.Fatal(err)
	}
	if !o.Done() || len(o.S) != 0 {
		t.Fatalf("flat objective: done %v, %d pairs", o.Done(), len(o.S))
	}
	path := filepath.Join(t.TempDir(), "s.npz")
	if err := runio.WriteNPZ(path, o.Save()); err != nil {
		t.Fatalf("empty history not written: %v", err)
	}
	st, err := runio.ReadNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	back := NewLBFGS(10)
	if err := back.Load(st); err != nil || !back.Done() || back.Loss() != 1 {
		t.Fatalf("reload: %v, done %v, loss %g", err, back.Done(), back.Loss())
	}
}
