package compiler

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn/internal/testprob"
	"github.com/gopinn/gopinn/pinn/optim"
	"github.com/gopinn/gopinn/sweep"
)

// TestCoordinatesMatchFastPath holds the general compiler, taking a vector
// problem in coordinates x[1..D], equal to the high-dimensional fast path on
// problems both can run (method taylor: the exact Laplacian): on the fast
// path's points, with the same parameters (scaled by 2: far from linear),
// every term's loss (relative to the larger of it and the total loss) and
// the gradient (relative to its largest component) agree to 1e-12, and so
// do the factors of one loss-balancing update. Covered: a ball with a
// transform, vector constants and an indexed-sum forcing; a vector box in
// time with a Dirichlet condition on t == 0 and on the faces; coordinate
// sums of derivatives; forms of the shared expression compiler; data from
// a CSV file (x[1..D]) and trainable parameters in the equation, in a
// coordinate sum and in a condition; Neumann and Robin conditions; a hidden
// term; Fourier features and the modified MLP; causal weights.
func TestCoordinatesMatchFastPath(t *testing.T) {
	specs := map[string]string{
		"ball": strings.NewReplacer("DIM", "8", "METHOD", "taylor").Replace(testprob.HDSpec),
		"box+time": strings.Replace(strings.ReplaceAll(testprob.HeatSpec, "OUTPUT", "sum(cos(x))/d + t*N"), "    sampler: gaussian-time\n", "", 1) +
			"conditions:\n  - {name: ic, on: \"t == 0\", residual: \"u - sum(cos(x))/d - 0.01\", points: 9}\n  - {name: faces, on: boundary, type: dirichlet, value: \"exp(-t)*sum(cos(x))/d\", points: 11}\n",
		"coordinate sums": `name: hd-coord
seed: 4
domain: {type: ball, dim: 6, radius: 1, variable: x, time: [0, 1]}
fields: [u]
equations:
  - name: pde
    residual: "sum(x^2*d(u, x, x)) + 0.5*sum(x*d(u, x)) + sum(abs(d(u, x))^1.75) + sum(t*d(u, x)) + sum(u_t*cos(x)*d(u, x))"
    points: 5
    sampler: ball-radial
model:
  layers: [12, 12]
  output: "(1 + t)*(1 - norm2(x))*N + t*sum(sin(x)) + norm2(x)"
training: {steps: 5}
`,
		// forms the fast path compiles through the shared expression
		// compiler (exprGraph) since it has no residual compiler of its own:
		// a field in an exponent, max of two operands, a comparison
		"shared forms": `name: hd-forms
seed: 5
domain: {type: ball, dim: 5, radius: 1, variable: x}
fields: [u]
equations:
  - name: pde
    residual: "lap(u) + 2^u + u^(1 + norm2(x)) + max(u, 0.1) + where(u > 0, u, -u) + sum(sin(x)*d(u, x)^2) - 3"
    points: 7
    sampler: ball-radial
model:
  layers: [10, 10]
  output: "(1 - norm2(x))*N + 1"
training: {steps: 5}
`,
		// data and a trainable parameter (an inverse problem), in the
		// equation and a condition
		"data and parameter": `name: hd-inverse
seed: 6
domain: {type: ball, dim: 5, radius: 1, variable: x}
fields: [u]
parameters: {k: {init: 0.7}, c: {init: -0.2}}
equations:
  - {name: pde, residual: "k*lap(u) + c*u^2 + sum(k*x*d(u, x)) - 2", points: 6, sampler: ball-radial}
conditions:
  - {name: wall, on: boundary, residual: "u - 1 - c", points: 4}
data:
  - {name: obs, file: obs.csv, weight: 3}
model: {layers: [8, 8]}
`,
		// Neumann on the sphere through a transform (∇A·n, ∇C·n fed), and
		// a residual of u and dn(u)
		"neumann ball": `name: hd-neumann
seed: 9
domain: {type: ball, dim: 6, radius: 1.5, variable: x}
fields: [u]
equations:
  - {name: pde, residual: "lap(u) + u - sum(cos(x))", points: 6, sampler: ball-radial}
conditions:
  - {name: flux, on: boundary, type: neumann, value: "sum(x)/d", points: 7}
  - {name: mixed, on: boundary, residual: "u*dn(u) - 0.3", points: 5}
model:
  layers: [8, 8]
  output: "(1 + 0.2*norm2(x))*N + sum(sin(x))/d"
`,
		// Robin on the faces of a vector box in time
		"robin box+time": `name: hd-robin
seed: 10
domain: {type: box, dim: 4, range: [-1, 2], variable: x, time: [0, 1]}
fields: [u]
equations:
  - {name: pde, residual: "u_t - lap(u)", points: 6}
conditions:
  - {name: ic, on: "t == 0", residual: "u - sum(x)", points: 5}
  - {name: faces, on: boundary, type: robin, a: "1 + t", b: "2", value: "sum(x^2)", points: 8}
model: {layers: [8]}
`,
		// a hidden term, of the field and of a coordinate sum, called in
		// the equation and inside a coordinate sum
		"hidden term": `name: hd-hidden
seed: 8
domain: {type: box, dim: 4, range: [-1, 1], variable: x}
fields: [u]
parameters: {k: {init: 1.3}}
hidden:
  h: {inputs: [u, "sum(x)"], layers: [6]}
equations:
  - {name: pde, residual: "lap(u) - k*h(u, sum(x)) + sum(h(u, x)*d(u, x))", points: 5, sampler: uniform}
conditions:
  - {name: wall, on: boundary, type: dirichlet, value: "0.5", points: 6}
model: {layers: [8]}
`,
		// dn(u) on the time faces: -u_t at t == 0, u_t at t == T (the
		// outward normal in time), through a transform with A_t, C_t,
		// beside dn(u) on the sphere
		"dn on time faces": `name: hd-time-faces
seed: 15
domain: {type: ball, dim: 4, radius: 1.5, variable: x, time: [0, 2]}
fields: [u]
equations:
  - {name: pde, residual: "u_t - lap(u) - 1", points: 6, sampler: ball-radial}
conditions:
  - {name: start, on: "t == 0", type: neumann, value: "norm2(x)", points: 5}
  - {name: end, on: "t == 2", type: robin, a: "1", b: "2", value: "1", points: 4}
  - {name: wall, on: boundary, residual: "dn(u) - t", points: 6}
model:
  layers: [8, 8]
  output: "(1 + t^2)*N + t*norm2(x)"
`,
		// Fourier features and the modified MLP through the stacked
		// jets (nets.MLP.ForwardStacked): the Laplacian's and u_t's jets,
		// the value and dn(u) of the conditions
		"fourier modified": `name: hd-fourier
seed: 12
domain: {type: ball, dim: 5, radius: 1.2, variable: x, time: [0, 1]}
fields: [u]
equations:
  - {name: pde, residual: "u_t - lap(u) + u^2 - sum(x*d(u, x)) - 1", points: 7, sampler: ball-radial}
conditions:
  - {name: ic, on: "t == 0", residual: "u - norm2(x)", points: 5}
  - {name: flux, on: boundary, type: neumann, value: "1 + t", points: 6}
model:
  layers: [8, 8]
  fourier: {features: 4, scale: 1}
  architecture: modified
  output: "(1 + t)*N + norm2(x)"
`,
		"fourier": `name: hd-fourier-plain
seed: 13
domain: {type: box, dim: 4, range: [-1, 1], variable: x}
fields: [u]
equations:
  - {name: pde, residual: "lap(u) + sin(u)", points: 6}
conditions:
  - {name: wall, on: boundary, type: robin, a: "1", b: "0.5", value: "0", points: 6}
model: {layers: [6, 6], fourier: {features: 5, scale: 2}}
`,
		// a system: two fields of one network (its output columns), two
		// equations coupling them (their own points and directions),
		// transforms in N_u and N_v, coordinate sums of each, conditions of
		// each field's value and dn, data of both fields
		"system": `name: hd-system
seed: 16
domain: {type: ball, dim: 5, radius: 1.2, variable: x, time: [0, 1]}
fields: [u, v]
parameters: {k: {init: 0.8}}
equations:
  - {name: pu, residual: "u_t - lap(u) + u*v - sum(x*d(v, x))", points: 6, sampler: ball-radial}
  - {name: pv, residual: "v_tt - k*lap(v) + sum(d(u, x)*d(v, x)) - u", points: 5}
conditions:
  - {name: ic, on: "t == 0", residual: "u - norm2(x) + v", points: 5}
  - {name: wall, on: boundary, residual: "dn(v) + u - t", points: 6}
  - {name: flux, on: boundary, type: neumann, field: u, value: "1", points: 4}
data:
  - {name: obs, file: obs2.csv, weight: 2}
model:
  layers: [8, 8]
  output: {u: "(1 + t)*N_u + norm2(x)", v: "(1 - norm2(x))*N_v + t*sum(sin(x))"}
`,
		// one network per field (model.separate), a hidden term of both
		// fields, and a field without a transform; data of one field
		"separate networks": `name: hd-separate
seed: 17
domain: {type: box, dim: 5, range: [-1, 1], variable: x}
fields: [u, v]
hidden:
  h: {inputs: [u, v], layers: [6]}
equations:
  - {name: pu, residual: "lap(u) - h(u, v) + sum(sin(x)*d(u, x)^2)", points: 6}
  - {name: pv, residual: "lap(v) + v - u^2", points: 5}
conditions:
  - {name: wall, on: boundary, residual: "u + v - 0.5", points: 6}
data:
  - {name: obs, file: obs.csv}
model:
  separate: true
  layers: [8, 8]
  output: {v: "(1 + sum(x))*N_v"}
`,
		// causal weights over time slabs: the fast path's residual
		// program of the equation gives the general compiler's weights
		"causal": `name: hd-causal
seed: 11
domain: {type: ball, dim: 5, radius: 1, variable: x, time: [0, 2]}
fields: [u]
equations:
  - {name: pde, residual: "u_t - lap(u) - t*norm2(x)", points: 12, sampler: ball-radial}
conditions:
  - {name: ic, on: "t == 0", residual: "u - norm2(x)", points: 5}
model: {layers: [8, 8]}
training: {causal: {chunks: 3, epsilon: 2}}
`,
	}
	for name, src := range specs {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeObservations(t, filepath.Join(dir, "obs.csv"), 5, 20, func(x []float64) float64 { return 1 + x[0]*x[1] })
			writeFieldObservations(t, filepath.Join(dir, "obs2.csv"), 5, 20, []string{"t", "u", "v"}, func(x []float64) float64 { return math.Abs(x[0]) },
				func(x []float64) float64 { return 1 + x[0]*x[1] }, func(x []float64) float64 { return x[2] - x[3]*x[4] })
			spec := testprob.SpecFile(t, filepath.Join(dir, "spec.yaml"), src)
			fast, _, theta := hdProgram(t, spec, 2)
			if hdOf(fast.terms[0]) == nil {
				t.Fatal("the spec did not take the fast path")
			}
			gen, q, qcfg := generalTwin(t, spec)
			if len(gen.terms) != len(fast.terms) || gen.NumParams() != len(theta) {
				t.Fatalf("general program: %d terms, %d parameters; fast: %d, %d", len(gen.terms), gen.NumParams(), len(fast.terms), len(theta))
			}
			gf := make([]float64, len(theta))
			lf, err := fast.Run(theta, gf)
			if err != nil {
				t.Fatal(err)
			}
			for i, ft := range fast.terms {
				var normals []float64 // the fast path's, fed
				if hdOf(ft).nrm != nil {
					normals = hdOf(ft).physicalNormals()
					checkOutwardNormals(t, spec.Problem.Vector, hdOf(ft).lay, hdOf(ft).pts, normals)
				}
				gen.setPoints(gen.terms[i], append([]float64(nil), hdOf(ft).pts...), normals)
			}
			gg := make([]float64, len(theta))
			lg, err := gen.Run(theta, gg)
			if err != nil {
				t.Fatal(err)
			}
			fl, gl := fast.TermLosses(), gen.TermLosses()
			for k, v := range fl {
				if math.Abs(v-gl[k]) > 1e-12*math.Max(math.Abs(v), lf) {
					t.Errorf("term %s: loss %.15g (fast) vs %.15g (general)", k, v, gl[k])
				}
			}
			if math.Abs(lf-lg) > 1e-12*math.Abs(lf) {
				t.Errorf("loss %.15g (fast) vs %.15g (general)", lf, lg)
			}
			scale := 0.0
			for _, g := range gf {
				scale = math.Max(scale, math.Abs(g))
			}
			for i := range gf {
				if math.Abs(gf[i]-gg[i]) > 1e-12*scale {
					t.Fatalf("gradient %d: %.15g (fast) vs %.15g (general), max |g| %g", i, gf[i], gg[i], scale)
				}
			}
			// loss balancing runs through the one assembly (fed weights):
			// the factors of one update agree too
			for _, p := range []*Program{fast, gen} {
				p.cfg.Balance = &pde.Balance{Every: 1, Alpha: 0.5}
				if err := p.ConvergenceStep(0, theta, true); err != nil {
					t.Fatal(err)
				}
			}
			fw, gw := fast.BalanceWeights(), gen.BalanceWeights()
			for k, v := range fw {
				if math.Abs(v-gw[k]) > 1e-10*math.Abs(v) {
					t.Errorf("balance factor %s: %.15g (fast) vs %.15g (general)", k, v, gw[k])
				}
			}
			if len(fw) != len(fast.terms) || (len(fw) > 1 && fw[fast.terms[0].name] == 1) {
				t.Errorf("balance factors %v: want one per term, updated", fw)
			}
			if fc := fast.terms[0].causal; fc != nil {
				// ConvergenceStep updated the causal weights too: per
				// point, then the loss they weight
				gc := gen.terms[0].causal
				for k := range fc.weight {
					if math.Abs(fc.weight[k]-gc.weight[k]) > 1e-12 {
						t.Errorf("causal weight of slab %d: %.15g (fast) vs %.15g (general)", k, fc.weight[k], gc.weight[k])
					}
				}
				for i := range fc.a {
					if math.Abs(fc.a[i]-gc.a[i]) > 1e-12*math.Abs(gc.a[i]) {
						t.Errorf("causal factor of point %d: %.15g (fast) vs %.15g (general)", i, fc.a[i], gc.a[i])
					}
				}
				if fc.weight[len(fc.weight)-1] == 1 {
					t.Errorf("causal weights %v: the last slab's should be below 1", fc.weight)
				}
				lf, _ := fast.Run(theta, gf)
				lg, _ := gen.Run(theta, gg)
				if math.Abs(lf-lg) > 1e-12*math.Abs(lg) {
					t.Errorf("causally weighted loss %.15g (fast) vs %.15g (general)", lf, lg)
				}
			} else if spec.Training.Causal != nil {
				t.Error("training.causal: the fast path compiled no causal weights")
			}
			if len(spec.Problem.Hidden) == 0 && spec.Model.Fourier == nil && len(spec.Problem.Fields) == 1 {
				return
			}
			// the fast path's float64 predictor gives the field (through
			// Fourier features and the modified MLP's gates too), the
			// hidden terms and their inputs that the general one computes
			// in its graph
			full := append([]float64(nil), hdOf(fast.terms[0]).pts...)
			fpred, err := NewPredictor(spec.Problem, NewConfig(specSettings(spec)), 16)
			if err != nil {
				t.Fatal(err)
			}
			ffields, fh, fin, err := hdPredOf(fpred).predictCoordinatesAll(fpred.m, theta, full)
			if err != nil {
				t.Fatal(err)
			}
			gpred, err := NewPredictor(q, qcfg, 16)
			if err != nil {
				t.Fatal(err)
			}
			gfields, gh, gin, err := gpred.PredictAll(theta, full)
			if err != nil {
				t.Fatal(err)
			}
			near := func(what string, a, b []float64) {
				for i := range a {
					if math.Abs(a[i]-b[i]) > 1e-12*math.Max(1, math.Abs(b[i])) {
						t.Errorf("%s row %d: %.15g (fast) vs %.15g (general)", what, i, a[i], b[i])
					}
				}
			}
			for f, name := range spec.Problem.Fields {
				near(name, ffields[f], gfields[f])
			}
			for k := range gh {
				near("hidden", fh[k], gh[k])
				for i := range gin[k] {
					near(fmt.Sprintf("hidden input %d", i), fin[k][i], gin[k][i])
				}
			}
		})
	}
}

// TestPaperVectorConfigsTakeFastPath: every vector-variable config of the
// STDE and SDGD reproductions runs on the high-dimensional fast path, so the
// speed and memory rows of results/stde.md and results/sdgd.md are those of
// the code they were measured with.
func TestPaperVectorConfigsTakeFastPath(t *testing.T) {
	// (other papers' vector configs, e.g. PINNacle's HNd with its Neumann
	// condition, may take the general compiler)
	files, _ := filepath.Glob("../../configs/papers/stde/*.yaml")
	sdgd, _ := filepath.Glob("../../configs/papers/sdgd/*.yaml")
	files = append(files, sdgd...)
	n := 0
	for _, f := range files {
		if sweep.IsSweepFile(f) {
			continue // the sweeps over the specs
		}
		spec, err := pde.Load(f, nil)
		if err != nil {
			t.Fatal(err)
		}
		if spec.Problem.Vector == nil {
			continue
		}
		n++
		if why := fastPathRefusal(spec.Problem, NewConfig(specSettings(spec))); why != "" {
			t.Errorf("%s: not on the fast path: %s", f, why)
		}
	}
	if n < 10 {
		t.Fatalf("only %d vector configs found", n)
	}
}

// TestFastPathFormFallsBack: a residual of the fast path's shape whose form
// it does not compile (biharm: fourth-order jets) goes to the general compiler
// with method taylor, and is refused naming the form with method stde.
func TestFastPathFormFallsBack(t *testing.T) {
	src := `name: form
domain: {type: ball, dim: 4, radius: 1, variable: x}
fields: [u]
equations:
  - {name: pde, residual: "biharm(u) - 8 + 2^u - 2^norm2(x)", points: 10, sampler: ball-radial}
model: {layers: [8]}
derivatives: {method: METHOD, samples: 2}
`
	spec := testprob.SpecText(t, strings.Replace(src, "METHOD", "taylor", 1))
	q, _, err := Route(spec.Problem, NewConfig(specSettings(spec)))
	if err != nil || q.Vector != nil {
		t.Fatalf("taylor: %v, vector %v: want the general compiler", err, q != nil && q.Vector != nil)
	}
	if _, err := Check(spec.Problem, NewConfig(specSettings(spec))); err != nil {
		t.Fatal(err)
	}
	spec = testprob.SpecText(t, strings.Replace(src, "METHOD", "stde", 1))
	if _, err := Check(spec.Problem, NewConfig(specSettings(spec))); err == nil || !strings.Contains(err.Error(), "biharm(u)") {
		t.Fatalf("stde: %v, want the form refused", err)
	}
}

// writeObservations writes a CSV of rows points x in the unit ball of R^dim
// (columns x[1]..x[dim], u = f(x)).
func writeObservations(t *testing.T, path string, dim, rows int, f func(x []float64) float64) {
	t.Helper()
	writeFieldObservations(t, path, dim, rows, []string{"u"}, f)
}

// writeFieldObservations is writeObservations of several fields: column
// names[k] is fs[k](x).
func writeFieldObservations(t *testing.T, path string, dim, rows int, names []string, fs ...func(x []float64) float64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	var sb strings.Builder
	for k := 1; k <= dim; k++ {
		fmt.Fprintf(&sb, "x[%d],", k)
	}
	sb.WriteString(strings.Join(names, ",") + "\n")
	for range rows {
		x := make([]float64, dim)
		for k := range x {
			x[k] = (2*rng.Float64() - 1) / math.Sqrt(float64(dim))
			fmt.Fprintf(&sb, "%.17g,", x[k])
		}
		for k, f := range fs {
			if k > 0 {
				sb.WriteString(",")
			}
			fmt.Fprintf(&sb, "%.17g", f(x))
		}
		sb.WriteString("\n")
	}
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkOutwardNormals: every normal has unit length and points out of the
// domain: x + εn is outside it and x - εn inside (ε = 1e-6).
func checkOutwardNormals(t *testing.T, v *pde.VectorVariable, lay hdLayout, pts, normals []float64) {
	t.Helper()
	st, d := lay.stride(), lay.d
	inside := func(x []float64) bool {
		if v.Domain == "ball" {
			s := 0.0
			for _, xj := range x {
				s += xj * xj
			}
			return s < v.Radius*v.Radius
		}
		for _, xj := range x {
			if xj < v.Lo || xj > v.Hi {
				return false
			}
		}
		return true
	}
	// a row (x, then t) is inside when x is and t is in the interval
	insideRow := func(row []float64) bool {
		if st > d && (row[d] < lay.tLo || row[d] > lay.tHi) {
			return false
		}
		return inside(row[:d])
	}
	for p := 0; p*st < len(pts); p++ {
		x, n := pts[p*st:(p+1)*st], normals[p*st:(p+1)*st]
		out, in := make([]float64, st), make([]float64, st)
		s := 0.0
		for j := range x {
			out[j], in[j] = x[j]+1e-6*n[j], x[j]-1e-6*n[j]
			s += n[j] * n[j]
		}
		if math.Abs(s-1) > 1e-12 || insideRow(out) || !insideRow(in) {
			t.Fatalf("point %d: normal %v at %v is not the outward unit normal", p, n, x)
		}
	}
}

// TestFastPathReference: evaluation.reference on the high-dimensional path:
// the file's rows (columns x[1..D]) are the test set, its column the exact
// values, and the predictions at the evaluation points are the field at
// those rows.
func TestFastPathReference(t *testing.T) {
	dir := t.TempDir()
	f := func(x []float64) float64 { return 1 + x[0] - x[2]*x[3] }
	writeObservations(t, filepath.Join(dir, "ref.csv"), 4, 37, f)
	spec := testprob.SpecFile(t, filepath.Join(dir, "spec.yaml"), `name: hd-ref
domain: {type: ball, dim: 4, radius: 1, variable: x}
fields: [u]
equations:
  - {name: pde, residual: "lap(u) + 2", points: 5, sampler: ball-radial}
model: {layers: [8], output: "(1 - norm2(x))*N + 1"}
evaluation: {reference: ref.csv}
`)
	cfg := NewConfig(specSettings(spec))
	if q, _, err := Route(spec.Problem, cfg); err != nil || q.Vector != nil {
		t.Fatalf("route: %v: want the general compiler by default (a reference, 4-D, taylor)", err)
	}
	cfg.PreferFastPath = true
	if q, _, err := Route(spec.Problem, cfg); err != nil || q.Vector == nil {
		t.Fatalf("route: %v: want the high-dimensional path when preferred", err)
	}
	ev, err := NewEvaluation(spec.Problem, cfg)
	if err != nil {
		t.Fatal(err)
	}
	full := ev.Coordinates()
	if len(full) != 37*4 || len(ev.Exact["u"]) != 37 {
		t.Fatalf("%d coordinates, %d exact values: want the file's 37 rows", len(full), len(ev.Exact["u"]))
	}
	for r := range 37 {
		if want := f(full[r*4 : r*4+4]); math.Abs(ev.Exact["u"][r]-want) > 1e-15 {
			t.Fatalf("row %d: exact %.17g, file %.17g", r, ev.Exact["u"][r], want)
		}
	}
	pred, err := NewPredictor(spec.Problem, cfg, 16)
	if err != nil {
		t.Fatal(err)
	}
	prog, err := New(spec.Problem, cfg)
	if err != nil {
		t.Fatal(err)
	}
	theta := prog.InitTheta()
	fields, _, _, err := pred.PredictEvaluation(theta, ev)
	if err != nil {
		t.Fatal(err)
	}
	uc, _, err := pred.PredictCoordinates(theta, full)
	if err != nil {
		t.Fatal(err)
	}
	u := uc[0]
	for r := range u {
		if fields[0][r] != u[r] {
			t.Fatalf("row %d: prediction at the evaluation point %g, at its coordinates %g", r, fields[0][r], u[r])
		}
	}
}

// TestFastPathTrainsLikeGeneral runs 30 Adam steps of the same problem on
// both compilers from the same parameters (method taylor, ball-radial
// points redrawn every step: the same points from the same stream on
// both; the condition is in the output transform, since on the sphere the
// fast path draws its own points, of the same distribution): the losses
// agree at every step to 1e-9 relative, with a plain MLP and with Fourier
// features and the modified MLP.
func TestFastPathTrainsLikeGeneral(t *testing.T) {
	for _, model := range []string{`{layers: [10, 10], output: "(1 - norm2(x))*N"}`, `{layers: [10, 10], fourier: {features: 6, scale: 0.5}, architecture: modified, output: "(1 - norm2(x))*N"}`} {
		t.Run(model, func(t *testing.T) {
			spec := testprob.SpecText(t, `name: hd-trains
seed: 4
domain: {type: ball, dim: 8, radius: 1, variable: x}
fields: [u]
equations:
  - {name: pde, residual: "lap(u) + 1 + sum(sin(x))/d", points: 40, sampler: ball-radial, resample_every: 1}
model: `+model+`
`)
			fast, err := New(spec.Problem, NewConfig(specSettings(spec)))
			if err != nil {
				t.Fatal(err)
			}
			gen, _, _ := generalTwin(t, spec)
			var losses [2][]float64
			for k, p := range []*Program{fast, gen} {
				theta := fast.InitTheta()
				adam, err := optim.New("adam", len(theta))
				if err != nil {
					t.Fatal(err)
				}
				obj := p.Objective(adam)
				for step := range 30 {
					if err := p.Resample(step, theta); err != nil {
						t.Fatal(err)
					}
					l, err := adam.Step(obj, theta, 3e-3)
					if err != nil {
						t.Fatal(err)
					}
					losses[k] = append(losses[k], l)
				}
			}
			for s := range losses[0] {
				if a, b := losses[0][s], losses[1][s]; math.Abs(a-b) > 1e-9*math.Abs(b) {
					t.Fatalf("step %d: loss %.15g (fast) vs %.15g (general)", s, a, b)
				}
			}
			t.Logf("loss %.6g -> %.6g on both", losses[0][0], losses[0][29])
		})
	}
}

// TestFastPathJacobian holds the residual Jacobians (ENGD, LM) of the fast
// path equal to the general compiler's at the same points and parameters
// (method taylor): per term the scale, the residuals and every row of
// dr/dθ agree to 1e-12 relative to the term's largest entry. The problem
// has an equation with a transform, a Neumann condition on the sphere, a
// condition on t == 0, data and a trainable parameter.
func TestFastPathJacobian(t *testing.T) {
	dir := t.TempDir()
	obs := "x[1],x[2],x[3],x[4],x[5],t,u\n"
	for i := range 7 {
		v := float64(i) / 20
		obs += fmt.Sprintf("%g,%g,%g,%g,%g,%g,%g\n", v, -v, 0.1, v/2, 0.2-v, float64(i)/7, 1+v)
	}
	if err := os.WriteFile(filepath.Join(dir, "obs.csv"), []byte(obs), 0o644); err != nil {
		t.Fatal(err)
	}
	spec := testprob.SpecFile(t, filepath.Join(dir, "spec.yaml"), `name: hd-jacobian
seed: 14
domain: {type: ball, dim: 5, radius: 1, variable: x, time: [0, 1]}
fields: [u]
parameters: {k: {init: 0.8}}
equations:
  - {name: pde, residual: "u_t - k*lap(u) + u^2 - 1", points: 6, sampler: ball-radial}
conditions:
  - {name: ic, on: "t == 0", residual: "u - norm2(x)", points: 4}
  - {name: flux, on: boundary, type: neumann, value: "t", points: 5}
data:
  - {name: obs, file: obs.csv}
model: {layers: [6, 6], output: "(1 + t)*N + norm2(x)"}
`)
	fast, _, theta := hdProgram(t, spec, 2)
	gen, _, _ := generalTwin(t, spec)
	for i, ft := range fast.terms {
		if ft.kind == kindData {
			continue
		}
		var normals []float64 // the fast path's, fed
		if hdOf(ft).nrm != nil {
			normals = hdOf(ft).physicalNormals()
		}
		gen.setPoints(gen.terms[i], append([]float64(nil), hdOf(ft).pts...), normals)
	}
	var blocks [2][]optim.Block
	for k, p := range []*Program{fast, gen} {
		jc, err := newJacobian(p)
		if err != nil {
			t.Fatal(err)
		}
		if blocks[k], err = jc.assemble(theta, p); err != nil {
			t.Fatal(err)
		}
	}
	if len(blocks[0]) != len(blocks[1]) {
		t.Fatalf("%d blocks (fast) vs %d (general)", len(blocks[0]), len(blocks[1]))
	}
	for b, fb := range blocks[0] {
		gb := blocks[1][b]
		if fb.Name != gb.Name || fb.Scale != gb.Scale {
			t.Errorf("block %d: %s scale %v (fast) vs %s scale %v", b, fb.Name, fb.Scale, gb.Name, gb.Scale)
		}
		r, c := fb.J.Dims()
		if gr, gc := gb.J.Dims(); r != gr || c != gc || len(fb.R) != len(gb.R) {
			t.Fatalf("block %s: J %dx%d (fast) vs %dx%d", fb.Name, r, c, gr, gc)
		}
		scale := 0.0
		for i := range r {
			for j := range c {
				scale = math.Max(scale, math.Abs(gb.J.At(i, j)))
			}
		}
		for i := range r {
			if math.Abs(fb.R[i]-gb.R[i]) > 1e-12*math.Max(1, math.Abs(gb.R[i])) {
				t.Errorf("block %s: residual %d %.15g (fast) vs %.15g (general)", fb.Name, i, fb.R[i], gb.R[i])
			}
			for j := range c {
				if math.Abs(fb.J.At(i, j)-gb.J.At(i, j)) > 1e-12*scale {
					t.Fatalf("block %s: J[%d][%d] %.15g (fast) vs %.15g (general)", fb.Name, i, j, fb.J.At(i, j), gb.J.At(i, j))
				}
			}
		}
		t.Logf("block %s: %dx%d, max |J| %.3g", fb.Name, r, c, scale)
	}
}

// TestCheckPlansResidualRows: Check builds a vector problem on 4 points per
// term, and the residual rows it reports are those of the full program
// (what an LM or ENGD stage's Jacobian will have), for a rar-d equation
// (its largest size), a system's second equation, a condition and a data
// set of two fields.
func TestCheckPlansResidualRows(t *testing.T) {
	dir := t.TempDir()
	writeFieldObservations(t, filepath.Join(dir, "obs2.csv"), 5, 20, []string{"u", "v"},
		func(x []float64) float64 { return x[0] }, func(x []float64) float64 { return x[1] })
	spec := testprob.SpecFile(t, filepath.Join(dir, "spec.yaml"), `name: hd-rows
seed: 2
domain: {type: ball, dim: 5, radius: 1, variable: x}
fields: [u, v]
equations:
  - {name: pu, residual: "lap(u) - v", points: 30, sampler: {type: rar-d, pool: 200, add: 5}, resample_every: 10}
  - {name: pv, residual: "lap(v) - 1", points: 17}
conditions:
  - {name: wall, on: boundary, residual: "u + v", points: 11}
data:
  - {name: obs, file: obs2.csv}
model: {layers: [6]}
training: {steps: 30}
`)
	cfg := NewConfig(specSettings(spec))
	cfg.PreferFastPath = true
	sz, err := Check(spec.Problem, cfg)
	if err != nil {
		t.Fatal(err)
	}
	full, err := New(spec.Problem, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// 30 + 5·2 rar-d rows (resamplings at steps 10 and 20), 17, 11 and
	// 2·20 observed values
	if want := full.ResidualRows(); sz.Rows != want || want != 40+17+11+40 {
		t.Errorf("Check plans %d residual rows, the full program has %d (want 108)", sz.Rows, want)
	}
	if sz.Params != full.NumParams() {
		t.Errorf("Check: %d parameters, the program %d", sz.Params, full.NumParams())
	}
}
