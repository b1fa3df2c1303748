package pinn

import (
	"math"
	"strings"
	"testing"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/ode"
)

// weakLV is Lotka–Volterra with both interaction terms hidden and 5 % noisy
// observations (noise_model mean), fitted in weak form.
const weakLV = `name: lv
seed: 3
variables:
  t: [0, 3]
fields: [x, y]
hidden:
  h1: {inputs: [x, y], library: {degree: 3, max_rel_error: 0.05, form: weak}}
  h2: {inputs: [x, y], library: {degree: 3, max_rel_error: 0.05, form: weak}}
equations:
  - {name: prey, residual: "x_t - (1.3*x - h1(x, y))", points: 50}
  - {name: predator, residual: "2*y_t - 2*(-1.8*y + h2(x, y))", points: 50}
data:
  - name: obs
    points: {t: {linspace: [0.1, 3, 30]}}
    noise: 0.05
    noise_model: mean
evaluation:
  reference:
    ode:
      rhs: {x: "1.3*x - 0.9*x*y", y: "-1.8*y + 0.8*x*y"}
      initial: {x: 0.44249296, y: 4.6280594}
      rtol: 1.0e-11
`

// exactLV predicts like trained networks that found the true trajectory
// (DOPRI5) but whose hidden networks are useless (zero): the weak form
// uses only the fields and the observations.
func exactLV(t *testing.T) weakPredict {
	sol, err := ode.Solve(func(_ float64, y, dy []float64) {
		dy[0] = 1.3*y[0] - 0.9*y[0]*y[1]
		dy[1] = -1.8*y[1] + 0.8*y[0]*y[1]
	}, 0, 3, []float64{0.44249296, 4.6280594}, ode.Options{RelTol: 1e-11, AbsTol: 1e-13})
	if err != nil {
		t.Fatal(err)
	}
	return func(pts []float64) ([][]float64, [][]float64, [][][]float64, error) {
		x, y := make([]float64, len(pts)), make([]float64, len(pts))
		for i, tt := range pts {
			s := sol.At(tt)
			x[i], y[i] = s[0], s[1]
		}
		zero := make([]float64, len(pts))
		return [][]float64{x, y}, [][]float64{zero, zero}, [][][]float64{{x, y}, {x, y}}, nil
	}
}

// TestWeakFormLV: from noisy observations (eps = 0.05) and the trajectory,
// the weak form recovers 0.9·x·y and 0.8·x·y within 3 % — the second
// equation scaled by 2 to check that the coefficients α and a are read
// from the residual.
func TestWeakFormLV(t *testing.T) {
	spec, err := pde.LoadBytes("lv.yaml", []byte(weakLV), nil)
	if err != nil {
		t.Fatal(err)
	}
	prob := spec.Problem
	predict := exactLV(t)
	for k, want := range map[int]float64{0: 0.9, 1: 0.8} {
		w, err := newWeakProblem(prob, k, predict)
		if err != nil {
			t.Fatal(err)
		}
		best, _, err := w.fit([]string{"x", "y"}, HiddenOptions(prob.Hidden[k]))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %s (%d observations of %s)", prob.Hidden[k].Name, best.Expression, len(w.target), w.field)
		if len(best.Terms) != 1 || best.Terms[0].Expr != "x*y" || math.Abs(best.Terms[0].Coef/want-1) > 0.03 {
			t.Errorf("%s = %s, want %g*x*y within 3 %%", prob.Hidden[k].Name, best.Expression, want)
		}
	}
}

// TestWeakFormErrors: problems the weak form cannot take say why.
func TestWeakFormErrors(t *testing.T) {
	cases := []struct{ edit, old, want string }{
		{"two equations", `"2*y_t - 2*(-1.8*y + h2(x, y))"`, "exactly one equation"},
		{"nonlinear", `"x_t - (1.3*x - h1(x, y))"`, "not linear"},
		{"no data", "  - name: obs\n    points: {t: {linspace: [0.1, 3, 30]}}\n    noise: 0.05\n    noise_model: mean\n", "needs observations"},
	}
	repl := map[string]string{
		"two equations": `"2*y_t - 2*(-1.8*y + h2(x, y)) + 0*h1(x, y)"`,
		"nonlinear":     `"x_t - (1.3*x - h1(x, y)^2)"`,
		"no data":       "",
	}
	for _, c := range cases {
		src := strings.Replace(weakLV, c.old, repl[c.edit], 1)
		spec, err := pde.LoadBytes("lv.yaml", []byte(src), nil)
		if err != nil {
			t.Fatalf("%s: %v", c.edit, err)
		}
		_, err = newWeakProblem(spec.Problem, 0, exactLV(t))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.edit, err, c.want)
		}
	}
}
