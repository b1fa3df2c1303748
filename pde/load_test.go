package pde

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gopinn/gopinn/pde/expr"
)

const (
	goodDir = "../testdata/specs/good"
	badDir  = "../testdata/specs/bad"
)

func mustLoad(t *testing.T, path string, overrides ...string) *Spec {
	t.Helper()
	s, err := Load(path, overrides)
	if err != nil {
		t.Fatalf("Load(%s): %v", path, err)
	}
	return s
}

// TestBadSpecs runs every malformed spec of the corpus through Load: each
// must fail with an Errors whose text contains NAME.want.
func TestBadSpecs(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(badDir, "*.yaml"))
	if err != nil || len(files) < 35 {
		t.Fatalf("bad corpus: %d files, %v", len(files), err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(strings.TrimSuffix(f, ".yaml") + ".want")
			if err != nil {
				t.Fatal(err)
			}
			_, err = Load(f, nil)
			if err == nil {
				t.Fatalf("loaded without error")
			}
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("error %T is not Errors: %v", err, err)
			}
			w := strings.TrimSpace(string(want))
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error\n  %v\nwant it to contain\n  %s", err, w)
			}
			if !strings.Contains(err.Error(), name+".yaml") {
				t.Errorf("error does not name the file: %v", err)
			}
		})
	}
}

func TestMissingSpecFile(t *testing.T) {
	_, err := Load(filepath.Join(badDir, "no_such_spec.yaml"), nil)
	if err == nil || !strings.Contains(err.Error(), "no_such_spec.yaml: no such file or directory") {
		t.Fatalf("got %v", err)
	}
}

func TestPoisson2D(t *testing.T) {
	s := mustLoad(t, filepath.Join(goodDir, "poisson2d.yaml"))
	p := s.Problem
	if p.Name != "poisson2d" || s.Seed != 1 || s.DType != "float64" {
		t.Errorf("name/seed/dtype: %q %d %q", p.Name, s.Seed, s.DType)
	}
	if want := []Variable{{"x", 0, 1}, {"y", 0, 1}}; !reflect.DeepEqual(p.Variables, want) {
		t.Errorf("variables %v", p.Variables)
	}
	if !reflect.DeepEqual(p.Fields, []string{"u"}) {
		t.Errorf("fields %v", p.Fields)
	}
	if len(p.Equations) != 1 || len(p.Conditions) != 1 || len(p.Data) != 0 {
		t.Fatalf("terms: %d %d %d", len(p.Equations), len(p.Conditions), len(p.Data))
	}
	eq := p.Equations[0]
	if eq.Name != "pde" || eq.Points != 1000 || eq.Sampler.Type != "sobol" || eq.ResampleEvery != 100 || eq.Weight != 1 {
		t.Errorf("equation %+v", eq)
	}
	// lap(u) stays a call; pi is folded to a number
	if c, ok := eq.Residual.(*expr.Binary); !ok || c.Op != '+' {
		t.Errorf("residual %v", eq.Residual)
	} else if l, ok := c.L.(*expr.Call); !ok || l.Func != "lap" {
		t.Errorf("residual lhs %v", c.L)
	}
	c := p.Conditions[0]
	wantOn := []Face{{Var: "x", Value: 0, Side: -1}, {Var: "x", Value: 1, Side: 1}, {Var: "y", Value: 0, Side: -1}, {Var: "y", Value: 1, Side: 1}}
	if c.Name != "edge" || c.Type != "dirichlet" || c.Field != "u" || c.Points != 200 || !reflect.DeepEqual(c.On, wantOn) {
		t.Errorf("condition %+v", c)
	}
	if c.Residual == nil || c.Residual.String() != "u - 0" {
		t.Errorf("dirichlet residual %v", c.Residual)
	}
	if !reflect.DeepEqual(s.Model.Layers, []int{32, 32, 32}) || s.Model.Activation != "tanh" || s.Model.NoNormalize {
		t.Errorf("model %+v", s.Model)
	}
	tr := s.Training
	if tr.Steps != 3000 || tr.Optimizer != "adam" || tr.LR != 2e-3 ||
		tr.Schedule != (Schedule{Type: "exponential", Rate: 0.9, Every: 500}) || tr.CheckpointEvery != 1000 {
		t.Errorf("training %+v", tr)
	}
	if tr.Then == nil || *tr.Then != (Stage{Optimizer: "lbfgs", Steps: 200, LR: 1, Schedule: Schedule{Type: "constant"}}) {
		t.Errorf("then %+v", tr.Then)
	}
	if s.Evaluation != (Evaluation{Points: 2000, Sampler: "uniform", Every: 500}) {
		t.Errorf("evaluation %+v", s.Evaluation)
	}
	ex := p.Exact["u"]
	if ex == nil {
		t.Fatal("no exact u")
	}
	v, err := expr.Eval(ex, []string{"x", "y"}, []float64{0.5, 0.5})
	if err != nil || v != 1 {
		t.Errorf("exact(0.5, 0.5) = %v, %v", v, err)
	}
	if s.Output.Dir != "results/poisson2d" {
		t.Errorf("output %q", s.Output.Dir)
	}
}

func TestDecayODE(t *testing.T) {
	s := mustLoad(t, filepath.Join(goodDir, "decay_ode.yaml"))
	p := s.Problem
	if !reflect.DeepEqual(p.Variables, []Variable{{"t", 0, 2}}) || !p.Variables[0].IsTime() {
		t.Errorf("variables %v", p.Variables)
	}
	if !reflect.DeepEqual(p.Parameters, []Parameter{{"k", 0.3}}) {
		t.Errorf("parameters %v", p.Parameters)
	}
	eq := p.Equations[0]
	if eq.Residual.String() != "d(u, t) + k*u" || eq.Sampler.Type != "uniform" || eq.ResampleEvery != 50 {
		t.Errorf("equation %+v (residual %s)", eq, eq.Residual)
	}
	c := p.Conditions[0]
	if c.Type != "" || c.Residual.String() != "u - 1" || !reflect.DeepEqual(c.On, []Face{{Var: "t", Value: 0, Side: -1}}) || c.Points != 1 {
		t.Errorf("condition %+v", c)
	}
	if len(p.Data) != 1 {
		t.Fatalf("data %v", p.Data)
	}
	d := p.Data[0]
	if d.Name != "obs" || d.Weight != 10 || d.Len() != 11 || d.File != filepath.Join(goodDir, "decay_ode.csv") {
		t.Errorf("data %+v", d)
	}
	if d.Inputs["t"][1] != 0.2 || d.Targets["u"][1] != 0.740818 || d.Targets["u"][10] != 0.049787 {
		t.Errorf("data values %v %v", d.Inputs["t"], d.Targets["u"])
	}
	if !reflect.DeepEqual(s.Model.Layers, []int{16, 16}) || s.Training.LR != 3e-3 || s.Training.Then != nil {
		t.Errorf("config %+v %+v", s.Model, s.Training)
	}
	if s.Evaluation.Points != 200 || s.Seed != 2 {
		t.Errorf("evaluation %+v seed %d", s.Evaluation, s.Seed)
	}
}

const minimal = `name: m
variables:
  x: [0, 1]
fields: [u]
equations:
  - name: pde
    residual: "u_xx + 1"
    points: 10
`

// TestDefaults checks every default is filled in, in the Spec and in the
// written spec.
func TestDefaults(t *testing.T) {
	s, err := LoadBytes("m.yaml", []byte(minimal), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := &Spec{
		Problem: s.Problem, DType: "float64",
		Model:       Model{Layers: []int{64, 64, 64}, Activation: "tanh", Type: "mlp", Architecture: "mlp"},
		Derivatives: Derivatives{Method: "taylor", Samples: 16, Estimator: "sparse"},
		Training: Training{Stage: Stage{Optimizer: "adam", Steps: 5000, LR: 1e-3, Schedule: Schedule{Type: "constant"}},
			CheckpointEvery: 1000},
		Evaluation: Evaluation{Points: 4096, Sampler: "uniform", Every: 500},
		Output:     Output{Dir: "results/m"},
		Path:       "m.yaml", src: s.src,
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("got  %+v\nwant %+v", s, want)
	}
	eq := s.Problem.Equations[0]
	if eq.Weight != 1 || eq.Sampler.Type != "uniform" || eq.ResampleEvery != 0 {
		t.Errorf("equation defaults %+v", eq)
	}
	out, err := s.MarshalRun(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"seed: 0", "dtype: float64", "layers: [64, 64, 64]", "activation: tanh", "normalize: true",
		"method: taylor", "samples: 16", "estimator: sparse", "steps: 5000", "optimizer: adam", "lr: 0.001",
		"schedule: {type: constant}", "checkpoint_every: 1000", "points: 4096", "sampler: uniform", "every: 500",
		"dir: results/m", "weight: 1", "resample_every: 0"} {
		if !strings.Contains(string(out), w) {
			t.Errorf("spec as run lacks %q:\n%s", w, out)
		}
	}
}

func TestSet(t *testing.T) {
	f := filepath.Join(goodDir, "poisson2d.yaml")
	s := mustLoad(t, f, "model.layers=[64,64]", "training.lr=1e-3", "equations.0.sampler=uniform",
		"conditions.0.points=17", "seed=9", "training.then.steps=7", "derivatives.method=stde",
		"equations.0.sampler={type: rad, k: 2}", "output.dir=out/x", "training.schedule.rate=0.5")
	if !reflect.DeepEqual(s.Model.Layers, []int{64, 64}) || s.Training.LR != 1e-3 || s.Seed != 9 ||
		s.Problem.Conditions[0].Points != 17 || s.Training.Then.Steps != 7 || s.Derivatives.Method != "stde" ||
		s.Output.Dir != "out/x" || s.Training.Schedule.Rate != 0.5 {
		t.Errorf("overrides not applied: %+v", s)
	}
	if sc := s.Problem.Equations[0].Sampler; sc.Type != "rad" || sc.Options["k"] != 2 {
		t.Errorf("sampler %+v", sc)
	}
	// later flags win
	s = mustLoad(t, f, "training.steps=5", "training.steps=6")
	if s.Training.Steps != 6 {
		t.Errorf("steps %d", s.Training.Steps)
	}
	// new keys where the schema has them
	s = mustLoad(t, f, "description=hello", "constants.c=2", "equations.0.residual=lap(u) + c*2*pi^2*sin(pi*x)*sin(pi*y)")
	if s.Problem.Description != "hello" || s.Problem.Constants["c"] != 2 {
		t.Errorf("new keys: %+v", s.Problem)
	}

	for _, c := range []struct{ flag, want string }{
		{"model.widths=3", `--set model.widths=3: unknown key "widths" in model`},
		{"equations.3.points=10", `--set equations.3.points=10: index 3 out of range: equations has 1 items`},
		{"equations.x.points=10", `--set equations.x.points=10: equations is a list: want an index, got "x"`},
		{"training.lr=fast", `--set training.lr=fast: training.lr: want a number, got "fast"`},
		{"model.layers=[64,-2]", `--set model.layers=[64,-2]: model.layers: want a list of positive integers, got -2`},
		{"equations.0.residual=u_xx + nu2", `--set equations.0.residual=u_xx + nu2: unknown name "nu2" in residual`},
		{"name.x=1", `--set name.x=1: name is not a map or a list`},
		{"training.steps", `--set training.steps: want key.path=value`},
		{"model..layers=1", `--set model..layers=1: empty key`},
		{"model.layers=[1", `--set model.layers=[1: value:`},
	} {
		_, err := Load(f, []string{c.flag})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("--set %s: got %v, want %q", c.flag, err, c.want)
		}
	}
}

// TestMarshalRunRoundTrip: the spec as run loads back to an equal Spec.
func TestMarshalRunRoundTrip(t *testing.T) {
	specs := map[string]string{
		"poisson2d.yaml": "", "decay_ode.yaml": "",
		"rich.yaml": rich,
		// the map form of the noise is written back as written
		"noisy.yaml": strings.Replace(noisySpec, "NOISE", "{sigma: 0.1}", 1),
		// per-field networks
		"separate.yaml": separateSpec,
		// physics-informed Gaussians: with the default small network, and alone
		"pig.yaml":    pigSpec,
		"pigmix.yaml": strings.Replace(pigSpec, "count: 12}", "count: 12, layers: []}", 1),
	}
	for name, text := range specs {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(goodDir, name)
			var s *Spec
			var err error
			if text == "" {
				s, err = Load(path, []string{"model.layers=[8,8]", "equations.0.weight=2"})
			} else {
				s, err = LoadBytes(path, []byte(text), nil)
			}
			if err != nil {
				t.Fatal(err)
			}
			out, err := s.MarshalRun(nil)
			if err != nil {
				t.Fatal(err)
			}
			s2, err := LoadBytes(path, out, nil)
			if err != nil {
				t.Fatalf("reload: %v\n%s", err, out)
			}
			out2, err := s2.MarshalRun(nil)
			if err == nil && string(out2) != string(out) {
				t.Errorf("MarshalRun is not idempotent:\n%s\n---\n%s", out, out2)
			}
			s.src, s2.src = nil, nil
			if !reflect.DeepEqual(s, s2) {
				t.Errorf("reloaded spec differs\nwas %+v\nnow %+v\n%s", s, s2, out)
			}
		})
	}
}

const rich = `# a spec using most keys
name: rich
description: most keys at once
seed: 3
dtype: float32
variables:
  x: [0, 1]
  t: [0, 0.5]
fields: [u, v]
constants:
  nu: 0.01
  c: {normal: 5, seed: 7}
parameters:
  lam: {init: 0.5}
  mu: 2
functions:
  f: "sin(pi*x)"
hidden:
  h: {inputs: [u, u_x], activation: sin}
equations:
  - name: pde
    residual: "u_t - nu*u_xx + h(u, u_x) = f*exp(-t)"
    points: 100
    sampler: {type: rad, k: 1, c: 1, pool: 1000}
    resample_every: 10
  - name: second
    residual: "v_t - lam*v_xx - mu*exact(u)"
    points: 100
    weight: 0.5
conditions:
  - name: ic
    on: t == 0
    residual: "u - f"
    points: 20
  - name: walls
    on: "x == 0 or x == 1"
    type: robin
    field: v
    a: 1
    b: "2*nu"
    value: "0"
    points: 20
  - name: per
    on: "x == 0 or x == 1"
    type: periodic
    field: u
    points: 20
data:
  - name: obs
    points: {t: [0, 0.25], x: {linspace: [0, 1, 5]}}
    noise: 0.01
    weight: 3
model:
  layers: [16]
  activation: gelu
  output:
    u: "x*(1-x)*N_u"
    v: "N_v"
  normalize: false
derivatives:
  method: stde
  samples: 4
  estimator: rademacher
training:
  steps: 100
  optimizer: adam
  lr: 1.0e-2
  schedule: cosine
  init_from: results/old
  then: {steps: 10, schedule: {type: exponential, rate: 0.5, every: 5, staircase: true}}
  rounds: {count: 3, steps: 7, then: {steps: 4}}
  checkpoint_every: 0
evaluation:
  exact:
    u: "exp(-t)*sin(pi*x)"
    h: "u^2"
  points: 64
  sampler: sobol
  every: 10
output:
  dir: out/rich
`

func TestRich(t *testing.T) {
	s, err := LoadBytes(filepath.Join(goodDir, "rich.yaml"), []byte(rich), nil)
	if err != nil {
		t.Fatal(err)
	}
	p := s.Problem
	if len(p.VectorConstants["c"]) != 5 || p.Constants["nu"] != 0.01 {
		t.Errorf("constants %v %v", p.Constants, p.VectorConstants)
	}
	if !reflect.DeepEqual(p.Parameters, []Parameter{{"lam", 0.5}, {"mu", 2}}) {
		t.Errorf("parameters %v", p.Parameters)
	}
	h := p.Hidden[0]
	if h.Name != "h" || len(h.Inputs) != 2 || h.Inputs[1].String() != "d(u, x)" || !reflect.DeepEqual(h.Layers, []int{32, 32}) || h.Activation != "sin" {
		t.Errorf("hidden %+v", h)
	}
	w := p.Conditions[1]
	if w.Type != "robin" || w.Field != "v" || w.Residual == nil || !strings.Contains(w.Residual.String(), "dn(v)") {
		t.Errorf("robin %+v", w)
	}
	per := p.Conditions[2]
	if per.Type != "periodic" || per.Residual != nil || len(per.On) != 2 {
		t.Errorf("periodic %+v", per)
	}
	d := p.Data[0]
	if d.Len() != 10 || d.Inputs["t"][1] != 0.25 || d.Inputs["x"][2] != 0.25 || d.Inputs["x"][1] != 0 || d.Targets["v"] != nil || d.Weight != 3 {
		t.Errorf("synthetic data %+v", d)
	}
	for i := range d.Targets["u"] {
		x, tt := d.Inputs["x"][i], d.Inputs["t"][i]
		exact, _ := expr.Eval(p.Exact["u"], []string{"x", "t"}, []float64{x, tt})
		// 1% relative noise: within 5 standard deviations, and not zero
		if diff := d.Targets["u"][i] - exact; diff*diff > 25e-4*(exact*exact)+1e-30 || exact > 0.1 && diff == 0 {
			t.Errorf("row %d: %v vs exact %v (noise 1%%)", i, d.Targets["u"][i], exact)
		}
	}
	if len(s.Model.Output) != 2 || !s.Model.NoNormalize || s.Model.OutputSource["u"] != "x*(1-x)*N_u" {
		t.Errorf("model %+v", s.Model)
	}
	if s.Derivatives != (Derivatives{"stde", 4, "rademacher"}) || s.DType != "float32" {
		t.Errorf("derivatives %+v", s.Derivatives)
	}
	if s.Training.Schedule.Type != "cosine" || s.Training.InitFrom != "results/old" ||
		*s.Training.Then != (Stage{Optimizer: "lbfgs", Steps: 10, LR: 1, Schedule: Schedule{Type: "exponential", Rate: 0.5, Every: 5, Staircase: true}}) {
		t.Errorf("training %+v %+v", s.Training, s.Training.Then)
	}
	if p.Exact["h"] == nil || s.Output.Dir != "out/rich" {
		t.Errorf("exact %v", p.Exact)
	}
}

// TestMarshalRunRename: data files are renamed, and the renamed copy loads.
func TestMarshalRunRename(t *testing.T) {
	s := mustLoad(t, filepath.Join(goodDir, "decay_ode.yaml"))
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	var got []string
	out, err := s.MarshalRun(func(name, path string) string {
		got = append(got, name+"="+path)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "data", name+".csv"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		return "data/" + name + ".csv"
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, []string{"obs=" + filepath.Join(goodDir, "decay_ode.csv")}) {
		t.Errorf("rename calls %v", got)
	}
	spec := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(spec, out, 0o644); err != nil {
		t.Fatal(err)
	}
	s2 := mustLoad(t, spec)
	if !reflect.DeepEqual(s2.Problem.Data[0].Targets, s.Problem.Data[0].Targets) || s2.Problem.Data[0].File != filepath.Join(dir, "data", "obs.csv") {
		t.Errorf("copied data %+v", s2.Problem.Data[0])
	}
}

// TestMarshalRunGo: a Spec built in Go is written from its fields.
func TestMarshalRunGo(t *testing.T) {
	s := mustLoad(t, filepath.Join(goodDir, "poisson2d.yaml"))
	s.src = nil
	out, err := s.MarshalRun(nil)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := LoadBytes(filepath.Join(goodDir, "x.yaml"), out, nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if s2.Problem.Conditions[0].Residual.String() != "u - 0" || len(s2.Problem.Conditions[0].On) != 4 || s2.Training.Then.Steps != 200 {
		t.Errorf("reloaded %+v\n%s", s2.Problem, out)
	}
}

// separateSpec has one network per field, v's with its own layers and
// activation.
const pigSpec = `name: pig
variables: {x: [0, 1]}
fields: [u]
equations:
  - {name: pde, residual: "u_xx + 1", points: 8}
conditions:
  - {name: ends, on: "x == 0 or x == 1", type: dirichlet, value: "0", points: 2}
model: {type: gaussians, count: 12}
`

// TestGaussianModel: model.type gaussians defaults to 64 Gaussians and a
// small network of DefaultGaussianLayers; its conflicts are errors at their
// keys.
func TestGaussianModel(t *testing.T) {
	s, err := LoadBytes("pig.yaml", []byte(strings.Replace(pigSpec, ", count: 12", "", 1)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if m := s.Model; m.Type != "gaussians" || m.Count != DefaultGaussians || m.Width != DefaultGaussianWidth || !reflect.DeepEqual(m.Layers, DefaultGaussianLayers) {
		t.Errorf("model %+v: want gaussians, %d, width %g, layers %v", m, DefaultGaussians, DefaultGaussianWidth, DefaultGaussianLayers)
	}
	if s, err := LoadBytes("pig.yaml", []byte(pigSpec), []string{"model.width=2.5"}); err != nil || s.Model.Width != 2.5 {
		t.Errorf("model.width=2.5: %v, width %v", err, s)
	}
	for _, tc := range []struct{ model, want string }{
		{"{type: gaussians, count: 0}", "model.count"},
		{"{type: gaussians, fourier: {features: 8}}", "model.fourier: not with model.type gaussians"},
		{"{type: gaussians, architecture: modified}", "model.architecture: not with model.type gaussians"},
		{"{count: 5}", "model.count: the number of Gaussians, for model.type gaussians only"},
		{"{width: 2}", "model.width: the Gaussians' initial width, for model.type gaussians only"},
		{"{type: gaussians, width: 0}", "model.width"},
		{"{type: splines}", "model.type"},
		{"{layers: []}", "model.layers: want a list of positive integers"},
	} {
		_, err := LoadBytes("pig.yaml", []byte(strings.Replace(pigSpec, "{type: gaussians, count: 12}", tc.model, 1)), nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("model %s: error %v, want %q", tc.model, err, tc.want)
		}
	}
}

// TestFBPINNModel: model.type fbpinn reads subdomains (a list or one
// number) and overlap (default DefaultOverlap); its conflicts are errors at
// their keys.
func TestFBPINNModel(t *testing.T) {
	fb := strings.Replace(pigSpec, "{type: gaussians, count: 12}", "{type: fbpinn, subdomains: [4], layers: [8]}", 1)
	s, err := LoadBytes("fb.yaml", []byte(fb), nil)
	if err != nil {
		t.Fatal(err)
	}
	if m := s.Model; m.Type != "fbpinn" || !reflect.DeepEqual(m.Subdomains, []int{4}) || m.Overlap != DefaultOverlap {
		t.Errorf("model %+v", m)
	}
	if s, err := LoadBytes("fb.yaml", []byte(fb), []string{"model.subdomains=3", "model.overlap=0.5"}); err != nil || !reflect.DeepEqual(s.Model.Subdomains, []int{3}) || s.Model.Overlap != 0.5 {
		t.Errorf("subdomains=3, overlap=0.5: %v", err)
	}
	for _, tc := range []struct{ model, want string }{
		{"{type: fbpinn}", "model.type fbpinn needs model.subdomains"},
		{"{type: fbpinn, subdomains: [0]}", "model.subdomains: want a list of positive integers"},
		{"{type: fbpinn, subdomains: [4, 2]}", "model.subdomains: 2 entries for 1 variables"},
		{"{type: fbpinn, subdomains: [20, 20]}", "model.subdomains: more than 256 subdomains"},
		{"{type: fbpinn, subdomains: 2, overlap: 2}", "model.overlap: want a fraction of the tile width in (0, 1]"},
		{"{type: fbpinn, subdomains: 2, fourier: {features: 8}}", "model.fourier: not with model.type fbpinn"},
		{"{type: fbpinn, subdomains: 2, normalize: false}", "model.normalize: model.type fbpinn tiles the normalised inputs"},
		{"{subdomains: [2]}", "model.subdomains: for model.type fbpinn only"},
		{"{overlap: 0.1}", "model.overlap: for model.type fbpinn only"},
	} {
		_, err := LoadBytes("fb.yaml", []byte(strings.Replace(pigSpec, "{type: gaussians, count: 12}", tc.model, 1)), nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("model %s: error %v, want %q", tc.model, err, tc.want)
		}
	}
}

const separateSpec = `name: sep
variables: {x: [0, 1]}
fields: [u, v]
equations:
  - {name: a, residual: "u_xx - v", points: 20}
  - {name: b, residual: "v - 2", points: 20}
model:
  layers: [8, 8]
  fields:
    v: {layers: [4], activation: sin}
`

// TestSeparateModel: model.fields implies separate, FieldNet falls back to
// the shared layers and activation, and a Spec built in Go writes its
// per-field networks into spec.yaml.
func TestSeparateModel(t *testing.T) {
	s, err := LoadBytes(filepath.Join(goodDir, "sep.yaml"), []byte(separateSpec), nil)
	if err != nil {
		t.Fatal(err)
	}
	m := s.Model
	if !m.Separate {
		t.Error("model.fields did not imply separate")
	}
	if got := m.FieldNet("u"); !reflect.DeepEqual(got, FieldNet{Layers: []int{8, 8}, Activation: "tanh"}) {
		t.Errorf("FieldNet(u) = %+v", got)
	}
	if got := m.FieldNet("v"); !reflect.DeepEqual(got, FieldNet{Layers: []int{4}, Activation: "sin"}) {
		t.Errorf("FieldNet(v) = %+v", got)
	}
	s.src = nil // as if built in Go
	out, err := s.MarshalRun(nil)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := LoadBytes(filepath.Join(goodDir, "x.yaml"), out, nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !s2.Model.Separate || !reflect.DeepEqual(s2.Model.Fields, m.Fields) {
		t.Errorf("reloaded model %+v\n%s", s2.Model, out)
	}
	// separate alone: every field the shared layers
	s3, err := LoadBytes(filepath.Join(goodDir, "y.yaml"), []byte(strings.Replace(separateSpec, "  fields:\n    v: {layers: [4], activation: sin}\n", "  separate: true\n", 1)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !s3.Model.Separate || s3.Model.Fields != nil || !reflect.DeepEqual(s3.Model.FieldNet("v").Layers, []int{8, 8}) {
		t.Errorf("separate: true gives %+v", s3.Model)
	}
}

func TestSpecErrorFormat(t *testing.T) {
	es := Errors{{File: "a.yaml", Line: 3, Col: 4, Msg: "m1"}, {File: "--set x=1", Msg: "m2"}, {File: "a.yaml", Line: 2, Msg: "m3"}}
	if got := es.Error(); got != "a.yaml:3:4: m1\n--set x=1: m2\na.yaml:2: m3" {
		t.Errorf("got %q", got)
	}
}

// FuzzLoad: LoadBytes never panics, whatever the input.
func FuzzLoad(f *testing.F) {
	for _, dir := range []string{goodDir, badDir} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Add([]byte(rich))
	f.Add([]byte(minimal))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := LoadBytes(filepath.Join(badDir, "fuzz.yaml"), data, nil)
		if err == nil {
			if _, err := s.MarshalRun(nil); err != nil {
				t.Errorf("MarshalRun of a loaded spec: %v", err)
			}
		} else if _, ok := err.(Errors); !ok {
			t.Errorf("error is %T, not Errors", err)
		}
	})
}

// TestEndlessSpecBounded: an endless stream as a spec (/dev/zero) is an
// error after MaxSpecBytes, not an unbounded read.
func TestEndlessSpecBounded(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero here")
	}
	_, err := Load("/dev/zero", nil)
	if err == nil || !strings.Contains(err.Error(), "/dev/zero: longer than 16 MiB") {
		t.Fatalf("Load(/dev/zero): %v", err)
	}
}
