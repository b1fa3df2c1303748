package pinn

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gopinn/gopinn/pde"
)

// TestCoordinatesMatchFastPath holds the general compiler, taking a vector
// problem in coordinates x[1..D], equal to the high-dimensional fast path on
// problems both can run (method taylor: the exact Laplacian): on the fast
// path's points, with the same parameters (scaled by 2: far from linear),
// every term's loss (relative to the larger of it and the total loss) and
// the gradient (relative to its largest component) agree to 1e-12. Covered: a ball with a transform, vector constants
// and an indexed-sum forcing; a vector box in time with a Dirichlet
// condition on t == 0 and on the faces; coordinate sums of derivatives.
func TestCoordinatesMatchFastPath(t *testing.T) {
	specs := map[string]string{
		"ball": replaceAll(replaceAll(hdSpec, "DIM", "8"), "METHOD", "taylor"),
		"box+time": strings.Replace(replaceAll(heatSpec, "OUTPUT", "sum(cos(x))/d + t*N"), "    sampler: gaussian-time\n", "", 1) +
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
	}
	for name, src := range specs {
		t.Run(name, func(t *testing.T) {
			spec := loadSpecText(t, src)
			fast, _, theta := hdProgram(t, spec, 2)
			if fast.terms[0].hd == nil {
				t.Fatal("the spec did not take the fast path")
			}
			cfg := newConfig(OptionsFromSpec(spec))
			cfg.forceCoordinates = true
			q, qcfg, err := compiledProblem(spec.Problem, cfg)
			if err != nil {
				t.Fatal(err)
			}
			gen, err := newProgram(q, qcfg)
			if err != nil {
				t.Fatal(err)
			}
			if len(gen.terms) != len(fast.terms) || gen.numParams() != len(theta) {
				t.Fatalf("general program: %d terms, %d parameters; fast: %d, %d", len(gen.terms), gen.numParams(), len(fast.terms), len(theta))
			}
			gf := make([]float64, len(theta))
			lf, err := fast.run(theta, gf)
			if err != nil {
				t.Fatal(err)
			}
			for i, ft := range fast.terms {
				gen.setPoints(gen.terms[i], append([]float64(nil), ft.hd.pts...), nil)
			}
			gg := make([]float64, len(theta))
			lg, err := gen.run(theta, gg)
			if err != nil {
				t.Fatal(err)
			}
			fl, gl := fast.termLosses(), gen.termLosses()
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
		})
	}
}

// heatBallSpec is a 5-D heat equation on the unit ball with a Neumann
// condition on the sphere: u = exp(-t)(1 + |x|²/2), so u_t - lap(u) =
// -u - 5 exp(-t) and dn(u) = x·∇u/|x| = exp(-t) on |x| = 1.
const heatBallSpec = `name: heat-ball
seed: 1
domain: {type: ball, dim: 5, radius: 1, variable: x, time: [0, 1]}
fields: [u]
equations:
  - {name: pde, residual: "u_t - lap(u) + exp(-t)*(1 + 0.5*norm2(x)) + 5*exp(-t)", points: 500, sampler: sobol, resample_every: 100}
conditions:
  - {name: ic, on: "t == 0", residual: "u - 1 - 0.5*norm2(x)", points: 150}
  - {name: wall, on: boundary, type: neumann, value: "exp(-t)", points: 150}
model: {layers: [24, 24]}
training: {steps: 1200, lr: 3e-3, then: {optimizer: lbfgs, steps: 200}}
evaluation: {exact: {u: "exp(-t)*(1 + 0.5*norm2(x))"}, points: 1000, every: 700}
`

// TestVectorHeatNeumannLBFGS: the 5-D ball heat equation with a Neumann
// condition on the sphere and an L-BFGS stage — both refused for a vector
// variable before — reaches a relative L2 error below 1e-2, and a run cut
// mid-L-BFGS resumes bit-identically.
func TestVectorHeatNeumannLBFGS(t *testing.T) {
	spec := loadSpecText(t, heatBallSpec)
	dir := t.TempDir()
	full, opts := trainFull(t, spec, dir)
	rel := full.Summary.RelL2["u"]
	t.Logf("5-D ball heat, Neumann + L-BFGS: rel L2 %.3e after %d steps", rel, full.Summary.Steps)
	if !(rel <= 1e-2) {
		t.Errorf("rel L2 %.3e, want <= 1e-2", rel)
	}
	checkResumeExact(t, spec.Problem, opts, filepath.Join(dir, "cut"), 1300, 1400, full.Theta)
}

// TestVectorInverse10D: a 10-D inverse problem, k·lap(u) = 20 in the unit
// ball with u = 1.5 on the sphere (true k = 2, u = 1 + |x|²/2), recovers k
// within 2 % from 300 observations of u in a CSV file with columns
// x[1]..x[10] — data, a trainable parameter and a vector variable together.
func TestVectorInverse10D(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(5, 6))
	var sb strings.Builder
	for k := 1; k <= 10; k++ {
		fmt.Fprintf(&sb, "x[%d],", k)
	}
	sb.WriteString("u\n")
	for range 300 {
		x := make([]float64, 10)
		r2 := 0.0
		for k := range x {
			x[k] = rng.NormFloat64()
			r2 += x[k] * x[k]
		}
		rad := math.Pow(rng.Float64(), 0.1) / math.Sqrt(r2) // uniform in the ball
		r2 = 0
		for k := range x {
			x[k] *= rad
			r2 += x[k] * x[k]
			fmt.Fprintf(&sb, "%.17g,", x[k])
		}
		fmt.Fprintf(&sb, "%.17g\n", 1+r2/2)
	}
	if err := os.WriteFile(filepath.Join(dir, "obs.csv"), []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	spec := loadSpecFile(t, filepath.Join(dir, "inv.yaml"), `name: inv10
seed: 2
domain: {type: ball, dim: 10, radius: 1, variable: x}
fields: [u]
parameters: {k: {init: 1}}
equations:
  - {name: pde, residual: "k*lap(u) - 20", points: 300, sampler: sobol, resample_every: 100}
conditions:
  - {name: wall, on: boundary, type: dirichlet, value: "1.5", points: 100}
data:
  - {name: obs, file: obs.csv, weight: 10}
model: {layers: [24, 24]}
training: {steps: 1000, lr: 3e-3, then: {optimizer: lbfgs, steps: 1000}}
evaluation: {exact: {u: "1 + 0.5*norm2(x)"}, points: 500, every: 2000}
`)
	opts := OptionsFromSpec(spec)
	opts.OutDir = filepath.Join(dir, "run")
	res, err := Train(context.Background(), spec.Problem, opts)
	if err != nil {
		t.Fatal(err)
	}
	k := res.Summary.Parameters["k"]
	t.Logf("10-D inverse: k = %.5f (true 2), rel L2(u) %.3e", k, res.Summary.RelL2["u"])
	if math.Abs(k-2) > 0.04 {
		t.Errorf("k = %.5f, want 2 within 2 %%", k)
	}
}

// TestPaperVectorConfigsTakeFastPath: every vector-variable config of the
// STDE and SDGD reproductions runs on the high-dimensional fast path, so the
// speed and memory rows of results/stde.md and results/sdgd.md are those of
// the code they were measured with.
func TestPaperVectorConfigsTakeFastPath(t *testing.T) {
	files, _ := filepath.Glob("../configs/papers/*/*.yaml")
	n := 0
	for _, f := range files {
		spec, err := pde.Load(f, nil)
		if err != nil {
			t.Fatal(err)
		}
		if spec.Problem.Vector == nil {
			continue
		}
		n++
		if why := fastPathRefusal(spec.Problem, newConfig(OptionsFromSpec(spec))); why != "" {
			t.Errorf("%s: not on the fast path: %s", f, why)
		}
	}
	if n < 10 {
		t.Fatalf("only %d vector configs found", n)
	}
}

// TestEvalCoordinatesOnFastPath: a run of the fast path (reports along the
// diagonal ray, column |x|) evaluates at points given in coordinates
// x[1]..x[D]; on the ray the two agree to 1e-12.
func TestEvalCoordinatesOnFastPath(t *testing.T) {
	dir := t.TempDir()
	spec := loadSpecText(t, `name: fast-eval
seed: 1
domain: {type: ball, dim: 5, radius: 1, variable: x}
fields: [u]
equations:
  - {name: pde, residual: "lap(u) - 10", points: 20, sampler: ball-radial, resample_every: 1}
model: {layers: [8], output: "(1 - norm2(x))*N + norm2(x)"}
training: {steps: 3}
evaluation: {exact: {u: "norm2(x)"}, points: 20, every: 3}
`)
	opts := OptionsFromSpec(spec)
	opts.OutDir = filepath.Join(dir, "run")
	yml, err := spec.MarshalRun(nil)
	if err != nil {
		t.Fatal(err)
	}
	opts.SpecYAML = yml
	if _, err := Train(context.Background(), spec.Problem, opts); err != nil {
		t.Fatal(err)
	}
	m, err := LoadRun(opts.OutDir)
	if err != nil {
		t.Fatal(err)
	}
	r := 0.6
	ray, _, err := m.Predict([][]float64{{r}})
	if err != nil {
		t.Fatal(err)
	}
	c := r / math.Sqrt(5)
	in := filepath.Join(dir, "pts.csv")
	src := fmt.Sprintf("x[1],x[2],x[3],x[4],x[5]\n%[1]g,%[1]g,%[1]g,%[1]g,%[1]g\n", c)
	if err := os.WriteFile(in, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "pred.csv")
	if err := m.PredictCSV(in, out, nil); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 || lines[0] != "x[1],x[2],x[3],x[4],x[5],u" {
		t.Fatalf("prediction file:\n%s", b)
	}
	var got float64
	f := strings.Split(lines[1], ",")
	fmt.Sscan(f[len(f)-1], &got)
	if math.Abs(got-ray[0][0]) > 1e-12 {
		t.Errorf("u on the ray: %.15g from coordinates, %.15g from |x|", got, ray[0][0])
	}
}

// TestFastPathFormFallsBack: a residual of the fast path's shape whose form
// it does not compile (a field in an exponent) goes to the general compiler
// with method taylor, and is refused naming the form with method stde.
func TestFastPathFormFallsBack(t *testing.T) {
	src := `name: form
domain: {type: ball, dim: 4, radius: 1, variable: x}
fields: [u]
equations:
  - {name: pde, residual: "lap(u) - 8 + 2^u - 2^norm2(x)", points: 10, sampler: ball-radial}
model: {layers: [8]}
derivatives: {method: METHOD, samples: 2}
`
	spec := loadSpecText(t, strings.Replace(src, "METHOD", "taylor", 1))
	q, _, err := compiledProblem(spec.Problem, newConfig(OptionsFromSpec(spec)))
	if err != nil || q.Vector != nil {
		t.Fatalf("taylor: %v, vector %v: want the general compiler", err, q != nil && q.Vector != nil)
	}
	if err := Check(spec.Problem, OptionsFromSpec(spec)); err != nil {
		t.Fatal(err)
	}
	spec = loadSpecText(t, strings.Replace(src, "METHOD", "stde", 1))
	if err := Check(spec.Problem, OptionsFromSpec(spec)); err == nil || !strings.Contains(err.Error(), "2^u") {
		t.Fatalf("stde: %v, want the form refused", err)
	}
}
