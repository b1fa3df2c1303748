package compiler

import (
	"fmt"
	"math"
	"testing"

	"github.com/gopinn/gopinn/pde"
)

// conditionDomains are the kinds of domain a condition can live on, each
// with the faces a spec may select there and the interior residual the
// loader needs.
var conditionDomains = []struct {
	name, domain, equation string
	faces                  []string
}{
	{"box", "variables: {x: [0, 1], y: [-1, 2]}", "lap(u)", []string{"x == 0", "y == 2", "x == 1 or y == -1"}},
	{"box+time", "variables: {x: [0, 1], t: [0, 0.5]}", "u_t - u_xx", []string{"x == 0", "x == 1", "t == 0", "t == 0.5", "x == 1 or t == 0"}},
	{"disk", "domain: {type: disk, center: [0.5, 0], radius: 0.8, variables: [x, y]}", "lap(u)", []string{"boundary"}},
	{"disk+time", "domain: {type: disk, center: [0, 0], radius: 1, variables: [x, y], time: [0, 1]}", "u_t - lap(u)", []string{"boundary", "t == 0", "t == 1"}},
	{"csg+time", "domain: {type: difference, parts: [{type: box, lo: [-1, -1], hi: [1, 1]}, {type: disk, center: [0, 0], radius: 0.4}], variables: [x, y], time: [0, 1]}",
		"u_t - lap(u)", []string{"boundary", "t == 0", "t == 1"}},
}

// conditionTypes are the typed conditions with the parts of their residual
// r = a*u + b*dn(u) - value that the oracle evaluates.
var conditionTypeForms = []struct {
	typ, keys string
	a, b      float64
}{
	{"dirichlet", `value: "0.3 + x"`, 1, 0},
	{"neumann", `value: "0.3 + x"`, 0, 1},
	{"robin", `a: "2", b: "3", value: "0.3 + x"`, 2, 3},
}

// TestConditionLossesMatchOracle audits every (condition type × face kind ×
// domain kind) combination the program accepts: the compiled loss of the
// condition equals the mean square of a*u + b*dn(u) - value computed here
// from the float64 predictor, with dn(u) = n·∇u by central finite
// differences (step 1e-5) along the outward normals of the drawn points —
// on a time face the normal is in time, so dn(u) = ∓u_t there. Tolerance
// 1e-6 relative: the finite differences' truncation error, about 1e-10 per
// derivative, squared into the loss. And the loss responds to the network:
// its gradient is not zero.
func TestConditionLossesMatchOracle(t *testing.T) {
	for _, dom := range conditionDomains {
		for _, face := range dom.faces {
			for _, ct := range conditionTypeForms {
				name := fmt.Sprintf("%s/%s/%s", dom.name, face, ct.typ)
				t.Run(name, func(t *testing.T) {
					src := fmt.Sprintf(`name: audit
seed: 3
%s
fields: [u]
equations: [{name: pde, residual: "%s", points: 8}]
conditions:
  - {name: c, on: "%s", type: %s, %s, points: 37, sampler: halton}
model: {layers: [8, 8]}
`, dom.domain, dom.equation, face, ct.typ, ct.keys)
					checkConditionOracle(t, src, func(u, dn, x float64) float64 { return ct.a*u + ct.b*dn - (0.3 + x) })
				})
			}
		}
	}
}

// TestPeriodicLossMatchesOracle: a periodic condition matches the value and
// the slope along its axis across the period.
func TestPeriodicLossMatchesOracle(t *testing.T) {
	spec := loadAudit(t, `name: audit
seed: 3
variables: {x: [0, 2], t: [0, 1]}
fields: [u]
equations: [{name: pde, residual: "u_t - u_xx", points: 8}]
conditions:
  - {name: c, on: "x == 0 or x == 2", type: periodic, points: 29, sampler: halton}
model: {layers: [8, 8]}
`)
	p, theta, loss, grad := auditProgram(t, spec)
	pr, err := NewPredictor(spec.Problem, p.cfg, 64)
	if err != nil {
		t.Fatal(err)
	}
	tm := p.terms[0]
	hi := append([]float64(nil), tm.pts...)
	for i := 0; i < len(hi); i += 2 {
		hi[i] = 2
	}
	var sv, sd float64
	P := len(tm.pts) / 2
	for i := 0; i < P; i++ {
		lo, h := tm.pts[2*i:2*i+2], hi[2*i:2*i+2]
		sv += sq(fieldAt(t, pr, theta, lo) - fieldAt(t, pr, theta, h))
		sd += sq(fdAlong(t, pr, theta, lo, []float64{1, 0}) - fdAlong(t, pr, theta, h, []float64{1, 0}))
	}
	want := (sv + sd) / float64(P)
	if math.Abs(loss-want) > 1e-6*want {
		t.Fatalf("periodic loss %.12g, oracle %.12g", loss, want)
	}
	if norm(grad) == 0 {
		t.Fatal("periodic loss has a zero gradient")
	}
}

// TestNeumannTimeFaceIsMinusUt is the failing-first test of the time-face
// bug: a neumann condition on t == 0 evaluated dn(u) as 0 (its loss was
// value² at every step). Its loss must equal the loss of the free residual
// -u_t - value on the same points, and on t == T that of u_t - value.
func TestNeumannTimeFaceIsMinusUt(t *testing.T) {
	for _, c := range []struct{ face, form string }{{"t == 0", "-u_t - (0.3 + x)"}, {"t == 1", "u_t - (0.3 + x)"}} {
		losses := map[string]float64{}
		for _, cond := range []string{
			fmt.Sprintf(`{name: c, on: "%s", type: neumann, value: "0.3 + x", points: 50, sampler: sobol}`, c.face),
			fmt.Sprintf(`{name: c, on: "%s", residual: "%s", points: 50, sampler: sobol}`, c.face, c.form),
		} {
			spec := loadAudit(t, `name: audit
seed: 3
variables: {x: [0, 1], t: [0, 1]}
fields: [u]
equations: [{name: pde, residual: "u_t - u_xx", points: 8}]
conditions: [`+cond+`]
model: {layers: [8, 8]}
`)
			_, _, loss, _ := auditProgram(t, spec)
			losses[cond] = loss
		}
		var vals []float64
		for _, v := range losses {
			vals = append(vals, v)
		}
		if math.Abs(vals[0]-vals[1]) > 1e-12*math.Abs(vals[1]) {
			t.Fatalf("%s: neumann loss and residual-form loss differ: %v", c.face, losses)
		}
	}
}

func checkConditionOracle(t *testing.T, src string, residual func(u, dn, x float64) float64) {
	t.Helper()
	spec := loadAudit(t, src)
	p, theta, loss, grad := auditProgram(t, spec)
	pr, err := NewPredictor(spec.Problem, p.cfg, 64)
	if err != nil {
		t.Fatal(err)
	}
	tm := p.terms[0]
	n := len(spec.Problem.Variables)
	var sum float64
	P := len(tm.pts) / n
	for i := 0; i < P; i++ {
		pt, nv := tm.pts[i*n:(i+1)*n], tm.normals[i*n:(i+1)*n]
		if l := norm(nv); math.Abs(l-1) > 1e-12 {
			t.Fatalf("point %v: normal %v has length %g", pt, nv, l)
		}
		sum += sq(residual(fieldAt(t, pr, theta, pt), fdAlong(t, pr, theta, pt, nv), pt[0]))
	}
	want := sum / float64(P)
	if math.Abs(loss-want) > 1e-6*want {
		t.Fatalf("condition loss %.12g, oracle %.12g", loss, want)
	}
	if norm(grad) == 0 {
		t.Fatal("condition loss has a zero gradient")
	}
}

func loadAudit(t *testing.T, src string) *pde.Spec {
	t.Helper()
	spec, err := pde.LoadBytes("audit.yaml", []byte(src), nil)
	if err != nil {
		t.Fatalf("load:\n%s\n%v", src, err)
	}
	return spec
}

// auditProgram compiles only the first condition and runs it once at the
// initial weights.
func auditProgram(t *testing.T, spec *pde.Spec) (p *Program, theta []float64, loss float64, grad []float64) {
	t.Helper()
	cfg := NewConfig(specSettings(spec))
	p, err := Build(spec.Problem, cfg, BuildOptions{only: &termRef{kind: kindCondition, index: 0}})
	if err != nil {
		t.Fatal(err)
	}
	theta = p.InitTheta()
	grad = make([]float64, len(theta))
	if loss, err = p.Run(theta, grad); err != nil {
		t.Fatal(err)
	}
	return p, theta, loss, grad
}

func fieldAt(t *testing.T, pr *Predictor, theta, pt []float64) float64 {
	t.Helper()
	f, _, err := pr.Predict(theta, pt)
	if err != nil {
		t.Fatal(err)
	}
	return f[0][0]
}

// fdAlong is the central difference of u at pt along direction v.
func fdAlong(t *testing.T, pr *Predictor, theta, pt, v []float64) float64 {
	const h = 1e-5
	at := func(s float64) float64 {
		q := append([]float64(nil), pt...)
		for i := range q {
			q[i] += s * v[i]
		}
		return fieldAt(t, pr, theta, q)
	}
	return (at(h) - at(-h)) / (2 * h)
}

func sq(x float64) float64 { return x * x }

func norm(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}
