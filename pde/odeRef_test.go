package pde

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// lvSpec is Lotka–Volterra with both interaction terms hidden, the reference
// and the data from the ODE (the UPINN setting, PAPERS.md §3).
const lvSpec = `name: lv
seed: 3
variables:
  t: [0, 3]
fields: [x, y]
hidden:
  h1: {inputs: [x, y], library: {degree: 2, extra: ["x/(0.1 + x)"], max_rel_error: 0.01, digits: 5}}
  h2: {inputs: [x, y]}
equations:
  - {name: prey, residual: "x_t - (1.3*x - h1(x, y))", points: 50}
  - {name: predator, residual: "y_t - (-1.8*y + h2(x, y))", points: 50}
data:
  - name: obs
    points: {t: {linspace: [0.1, 3, 30]}}
    noise: 0.05
    noise_model: mean
  - name: clean
    points: {t: [0, 1.5, 3]}
evaluation:
  exact: {h1: "0.9*x*y", h2: "0.8*x*y"}
  reference:
    ode:
      rhs: {x: "1.3*x - 0.9*x*y", y: "-1.8*y + 0.8*x*y"}
      initial: {x: 0.44249296, y: 4.6280594}
      rtol: 1.0e-11
  points: 301
`

func loadString(t *testing.T, src string) (*Spec, error) {
	t.Helper()
	return LoadBytes("spec.yaml", []byte(src), nil)
}

func TestODEReference(t *testing.T) {
	s, err := loadString(t, lvSpec)
	if err != nil {
		t.Fatal(err)
	}
	p := s.Problem
	if p.ODE == nil || p.Reference == nil {
		t.Fatalf("no ODE reference: %+v", p)
	}
	if n := p.Reference.Len(); n != 301 {
		t.Errorf("reference rows %d, want evaluation.points = 301", n)
	}
	ts := p.Reference.Inputs["t"]
	if ts[0] != 0 || ts[len(ts)-1] != 3 {
		t.Errorf("reference t from %g to %g", ts[0], ts[len(ts)-1])
	}
	// LV conserves V = delta*ln(x) - gamma*x + alpha*ln(y) - beta*y; the
	// reference must keep it to about the tolerance.
	V := func(x, y float64) float64 { return 1.8*math.Log(x) - 0.8*x + 1.3*math.Log(y) - 0.9*y }
	xs, ys := p.Reference.Targets["x"], p.Reference.Targets["y"]
	v0 := V(0.44249296, 4.6280594)
	for i := range xs {
		if d := math.Abs(V(xs[i], ys[i]) - v0); d > 1e-8 {
			t.Fatalf("invariant drifts by %.2e at t = %g", d, ts[i])
		}
	}
	h := p.Hidden[0].Library
	if h.Degree != 2 || len(h.Extra) != 1 || h.Extra[0] != "x/(0.1 + x)" || h.MaxRelError != 0.01 || h.Digits != 5 {
		t.Errorf("library %+v", h)
	}
	if p.Hidden[1].Library.Degree != 0 || p.Hidden[1].Library.Extra != nil {
		t.Errorf("default library %+v", p.Hidden[1].Library)
	}

	// Data: the clean set is the reference solution at its points; the
	// noisy one is x + 0.05*mean|x|*z, z from PCG(seed, data index), drawn
	// row by row and field by field.
	var clean, noisy *DataSet
	for i := range p.Data {
		switch p.Data[i].Name {
		case "clean":
			clean = &p.Data[i]
		case "obs":
			noisy = &p.Data[i]
		}
	}
	for i, tv := range clean.Inputs["t"] {
		want := p.ODE.At(tv)
		if math.Abs(clean.Targets["x"][i]-want[0]) > 1e-12 || math.Abs(clean.Targets["y"][i]-want[1]) > 1e-12 {
			t.Errorf("clean data at t = %g: %g, %g; reference %v", tv, clean.Targets["x"][i], clean.Targets["y"][i], want)
		}
	}
	if noisy.Len() != 30 || noisy.NoiseModel != "mean" || noisy.Noise != 0.05 {
		t.Fatalf("noisy data: %d rows, model %q, noise %g", noisy.Len(), noisy.NoiseModel, noisy.Noise)
	}
	var mean [2]float64
	cleanCols := make([][]float64, 2)
	for i, tv := range noisy.Inputs["t"] {
		y := p.ODE.At(tv)
		for k := range 2 {
			cleanCols[k] = append(cleanCols[k], y[k])
			mean[k] += math.Abs(y[k]) / 30
		}
		_ = i
	}
	rng := rand.New(rand.NewPCG(3, 0))
	for i := range 30 {
		for k, f := range []string{"x", "y"} {
			want := cleanCols[k][i] + 0.05*mean[k]*rng.NormFloat64()
			if got := noisy.Targets[f][i]; math.Abs(got-want) > 1e-12 {
				t.Fatalf("noisy %s[%d] = %g, want %g", f, i, got, want)
			}
		}
	}
}

// TestRelativeNoiseDefault: without noise_model the noise stays relative,
// v*(1 + noise*z), as before the mean model existed.
func TestRelativeNoiseDefault(t *testing.T) {
	s, err := loadString(t, `name: n
seed: 5
variables: {t: [0, 1]}
fields: [u]
equations: [{name: ode, residual: "u_t + u", points: 10}]
data: [{name: obs, points: {t: {linspace: [0, 1, 11]}}, noise: 0.1}]
evaluation: {exact: {u: "exp(-t)"}}
`)
	if err != nil {
		t.Fatal(err)
	}
	d := s.Problem.Data[0]
	rng := rand.New(rand.NewPCG(5, 0))
	for i, tv := range d.Inputs["t"] {
		want := math.Exp(-tv) * (1 + 0.1*rng.NormFloat64())
		if math.Abs(d.Targets["u"][i]-want) > 1e-15 {
			t.Fatalf("u[%d] = %g, want %g", i, d.Targets["u"][i], want)
		}
	}
	if d.NoiseModel != "relative" {
		t.Errorf("noise model %q", d.NoiseModel)
	}
}

// TestODEReferenceMarshal: the spec as run keeps the ODE reference (it is
// not a file to copy) and loads back to the same reference.
func TestODEReferenceMarshal(t *testing.T) {
	s, err := loadString(t, lvSpec)
	if err != nil {
		t.Fatal(err)
	}
	yml, err := s.MarshalRun(func(name, path string) string { return "data/" + name + ".csv" })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(yml), "ode:") || !strings.Contains(string(yml), "library:") || !strings.Contains(string(yml), "noise_model: mean") {
		t.Fatalf("spec as run lost keys:\n%s", yml)
	}
	s2, err := loadString(t, string(yml))
	if err != nil {
		t.Fatalf("reload: %v\n%s", err, yml)
	}
	a, b := s.Problem.Reference.Targets["x"], s2.Problem.Reference.Targets["x"]
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("reference differs after reload at %d", i)
		}
	}
	if s2.Problem.Data[0].Targets["y"][7] != s.Problem.Data[0].Targets["y"][7] {
		t.Errorf("noisy data not reproducible")
	}
}

// TestODEAndLibraryErrors: each mistake is reported at its line and column.
func TestODEAndLibraryErrors(t *testing.T) {
	base := `name: e
variables: {t: [0, 1]}
fields: [u, v]
hidden:
  h: {inputs: [u, v]%s}
equations: [{name: a, residual: "u_t + h(u, v)", points: 10}, {name: b, residual: "v_t - u", points: 10}]
%s
evaluation:
  reference:
%s
`
	ode := `    ode:
      rhs: {u: "-u", v: "u"}
      initial: {u: 1, v: 0}`
	cases := []struct{ hidden, data, ref, want string }{
		{"", "", `    ode: {rhs: {u: "-u"}, initial: {u: 1, v: 0}}`, `spec.yaml:10:16: evaluation.reference.ode.rhs: no entry for field "v"`},
		{"", "", `    ode: {rhs: {u: "-u", v: "u", w: "1"}, initial: {u: 1, v: 0}}`, `spec.yaml:10:34: evaluation.reference.ode.rhs: "w" is not a field`},
		{"", "", `    ode: {rhs: {u: "-u", v: "u"}}`, `spec.yaml:10:10: evaluation.reference.ode: initial is required`},
		{"", "", `    ode: {rhs: {u: "-k*u", v: "u"}, initial: {u: 1, v: 0}}`, `spec.yaml:10:22: unknown name "k" in evaluation.reference.ode.rhs.u`},
		{"", "", `    ode: {rhs: {u: "-u_t", v: "u"}, initial: {u: 1, v: 0}}`, `spec.yaml:10:22: cannot evaluate derivative d(u, t) numerically in evaluation.reference.ode.rhs.u`},
		{"", "", `    ode: {rhs: {u: "-u", v: "u"}, initial: {u: one, v: 0}}`, `spec.yaml:10:48: evaluation.reference.ode.initial.u`},
		{"", "", `    ode: {rhs: {u: "-u", v: "u"}, initial: {u: 1, v: 0}, rtol: -1}`, `spec.yaml:10:64: evaluation.reference.ode.rtol`},
		{"", "", `    ode: {rhs: {u: "-u", v: "u"}, initial: {u: 1, v: 0}, method: rk4}`, `spec.yaml:10:58: unknown key "method"`},
		{"", "", `    csv: ref.csv`, `spec.yaml:10:5: unknown key "csv"`},
		{"", "", `    ode: {rhs: {u: "u^2", v: "u"}, initial: {u: 1, v: 0}}`, `evaluation.reference.ode: cannot integrate over [0, 1]`},
		{"", "data: [{name: d, points: {t: [0, 2]}}]", ode, `spec.yaml:7:26: data "d": t = 2 is outside the ODE reference's interval [0, 1]`},
		{"", "data: [{name: d, points: {t: [0, 1]}, noise: 0.1, noise_model: gauss}]", ode, `spec.yaml:7:64: data.0.noise_model`},
		{"", "data: [{name: d, file: d.csv, noise_model: mean}]", ode, `spec.yaml:7:31: data.0: noise_model applies only to synthetic data`},
		{", library: {degree: 3, extra: [\"u/(0.1 + w)\"]}", "", ode, `spec.yaml:5:62: unknown name "w" in hidden.h.library.extra`},
		{", library: {degree: 9}", "", ode, `spec.yaml:5:41: hidden.h.library.degree: 9 is too high`},
		{", library: {terms: 3}", "", ode, `spec.yaml:5:33: unknown key "terms"`},
		{", library: {max_rel_error: 0}", "", ode, `spec.yaml:5:48: hidden.h.library.max_rel_error`},
	}
	for _, c := range cases {
		src := strings.Replace(base, "%s", c.hidden, 1)
		src = strings.Replace(src, "%s", c.data, 1)
		src = strings.Replace(src, "%s", c.ref, 1)
		_, err := loadString(t, src)
		var es Errors
		if err == nil || !errors.As(err, &es) {
			t.Errorf("%q: loaded without error (want %s)", c.ref+c.data+c.hidden, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("error\n  %v\nwant it to contain\n  %s", err, c.want)
		}
	}
	// two variables: no ODE reference
	_, err := loadString(t, `name: e
variables: {x: [0, 1], t: [0, 1]}
fields: [u]
equations: [{name: a, residual: "u_t - u_xx", points: 10}]
evaluation:
  reference:
    ode: {rhs: {u: "-u"}, initial: {u: 1}}
`)
	if err == nil || !strings.Contains(err.Error(), "spec.yaml:7:5: evaluation.reference.ode: an ODE reference needs exactly one (scalar) variable") {
		t.Errorf("two variables: %v", err)
	}
}
