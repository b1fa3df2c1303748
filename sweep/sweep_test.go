package sweep

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopinn/gopinn/pde"
)

// tinySpec is a small valid spec with seed 7.
const tinySpec = `name: tiny
seed: 7
variables: {x: [0, 1]}
fields: [u]
equations:
  - {name: pde, residual: "u_xx + 1", points: 16}
conditions:
  - {name: ends, on: "x == 0 or x == 1", type: dirichlet, value: "0", points: 2}
model: {layers: [8]}
training: {steps: 3}
`

// writeSweep writes tinySpec and a sweep file into a temporary directory
// and returns the sweep file's path.
func writeSweep(t *testing.T, sweep string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tiny.yaml"), []byte(tinySpec), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(path, []byte(sweep), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestExpansionOrder: runs are grid points × zip rows × seeds, seeds
// innermost, the first grid axis slowest; values are the YAML text --set
// takes.
func TestExpansionOrder(t *testing.T) {
	sw, err := Load(writeSweep(t, `spec: tiny.yaml
grid:
  model.layers: [[8, 8], [16]]
  training.lr: [1.0e-3, 3.0e-3, 0.01]
zip:
  equations.0.points: [10, 20]
  conditions.0.points: [2, 4]
seeds: [5, 6]
`))
	if err != nil {
		t.Fatal(err)
	}
	runs := sw.Runs()
	if len(runs) != 2*3*2*2 || sw.Count() != len(runs) {
		t.Fatalf("%d runs (Count %d), want 24", len(runs), sw.Count())
	}
	i := 0
	for _, layers := range []string{"[8, 8]", "[16]"} {
		for _, lr := range []string{"1.0e-3", "3.0e-3", "0.01"} {
			for z, pts := range []string{"10", "20"} {
				for _, seed := range []uint64{5, 6} {
					r := runs[i]
					want := []Override{{"model.layers", layers}, {"training.lr", lr}, {"equations.0.points", pts}, {"conditions.0.points", []string{"2", "4"}[z]}}
					if r.Index != i || r.Seed != seed || !reflect.DeepEqual(r.Overrides, want) || r.Point != i/2 {
						t.Fatalf("run %d = %+v, want seed %d overrides %v point %d", i, r, seed, want, i/2)
					}
					i++
				}
			}
		}
	}
	if got := runs[3].Sets(); !reflect.DeepEqual(got, []string{"model.layers=[8, 8]", "training.lr=1.0e-3", "equations.0.points=20", "conditions.0.points=4", "seed=6"}) {
		t.Errorf("Sets %v", got)
	}
	if !reflect.DeepEqual(sw.Paths(), []string{"model.layers", "training.lr", "equations.0.points", "conditions.0.points"}) {
		t.Errorf("Paths %v", sw.Paths())
	}
	// every run's overrides load
	for _, r := range runs[:4] {
		if _, err := pde.Load(r.Spec, r.Sets()); err != nil {
			t.Errorf("run %d: %v", r.Index, err)
		}
	}
}

// TestSeedsForms: {from, count}, and no seeds (one run per point with the
// spec's seed); out defaults to results/sweeps/<name>.
func TestSeedsForms(t *testing.T) {
	sw, err := Load(writeSweep(t, "spec: tiny.yaml\nseeds: {from: 3, count: 4}\n"))
	if err != nil {
		t.Fatal(err)
	}
	var seeds []uint64
	for _, r := range sw.Runs() {
		seeds = append(seeds, r.Seed)
	}
	if !reflect.DeepEqual(seeds, []uint64{3, 4, 5, 6}) {
		t.Errorf("seeds %v", seeds)
	}
	if sw.Out != filepath.Join("results", "sweeps", "s") {
		t.Errorf("default out %q", sw.Out)
	}
	sw, err = Load(writeSweep(t, "spec: tiny.yaml\ngrid: {training.lr: [0.1, 0.2]}\nout: runs/x\n"))
	if err != nil {
		t.Fatal(err)
	}
	if runs := sw.Runs(); len(runs) != 2 || runs[0].Seed != 7 || runs[1].Seed != 7 || sw.Out != "runs/x" {
		t.Errorf("no seeds: %+v, out %q", runs, sw.Out)
	}
}

// TestSeveralSpecs: spec: as a list is the slowest axis; each spec keeps
// its own seed, the spec column leads sweep.csv and the tables, and it is
// not an override.
func TestSeveralSpecs(t *testing.T) {
	path := writeSweep(t, "spec: [tiny.yaml, other.yaml]\ngrid: {training.lr: [0.1, 0.2]}\n")
	other := strings.Replace(strings.Replace(tinySpec, "seed: 7", "seed: 9", 1), "name: tiny", "name: other", 1)
	if err := os.WriteFile(filepath.Join(filepath.Dir(path), "other.yaml"), []byte(other), 0o644); err != nil {
		t.Fatal(err)
	}
	sw, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	runs := sw.Runs()
	if len(runs) != 4 {
		t.Fatalf("%d runs, want 4", len(runs))
	}
	dir := filepath.Dir(path)
	want := []struct {
		spec string
		seed uint64
		sets []string
	}{
		{"tiny.yaml", 7, []string{"training.lr=0.1", "seed=7"}},
		{"tiny.yaml", 7, []string{"training.lr=0.2", "seed=7"}},
		{"other.yaml", 9, []string{"training.lr=0.1", "seed=9"}},
		{"other.yaml", 9, []string{"training.lr=0.2", "seed=9"}},
	}
	for i, w := range want {
		r := runs[i]
		if r.Spec != filepath.Join(dir, w.spec) || r.Seed != w.seed || r.Point != i || !reflect.DeepEqual(r.Sets(), w.sets) {
			t.Errorf("run %d: spec %s seed %d point %d sets %v; want %+v", i, r.Spec, r.Seed, r.Point, r.Sets(), w)
		}
		if r.Overrides[0] != (Override{SpecColumn, w.spec}) {
			t.Errorf("run %d: first override %v", i, r.Overrides[0])
		}
	}
	if !reflect.DeepEqual(sw.Paths(), []string{"spec", "training.lr"}) {
		t.Errorf("Paths %v", sw.Paths())
	}
	out := t.TempDir()
	if err := sw.WriteIndex(out); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "sweep.csv")); !strings.HasPrefix(string(b), "index,seed,spec,training.lr\n0,7,tiny.yaml,0.1\n") {
		t.Errorf("sweep.csv:\n%s", b)
	}
}

// TestSeedInZip: without seeds:, seed may be varied in grid or zip; the
// run's seed is that value (sweep.csv and --set agree).
func TestSeedInZip(t *testing.T) {
	sw, err := Load(writeSweep(t, "spec: tiny.yaml\nzip:\n  seed: [1, 2]\n  training.lr: [0.1, 0.2]\n"))
	if err != nil {
		t.Fatal(err)
	}
	runs := sw.Runs()
	for i, want := range []uint64{1, 2} {
		r := runs[i]
		if r.Seed != want || !reflect.DeepEqual(r.Sets(), []string{"training.lr=" + []string{"0.1", "0.2"}[i], "seed=" + strconv.FormatUint(want, 10)}) {
			t.Errorf("run %d: seed %d, sets %v; want seed %d", i, r.Seed, r.Sets(), want)
		}
		spec, err := pde.Load(r.Spec, r.Sets())
		if err != nil || spec.Seed != want {
			t.Errorf("run %d: loaded seed %v (%v), want %d", i, spec, err, want)
		}
	}
}

// TestMaxStepsDone: with MaxSteps a run stopped at the cut (or later) is
// done and counted; one stopped before it, or without MaxSteps, is not.
func TestMaxStepsDone(t *testing.T) {
	sw, err := Load(writeSweep(t, "spec: tiny.yaml\nseeds: [0, 1]\n"))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	for i, steps := range []int{5, 4} {
		dir := RunDir(out, i)
		os.MkdirAll(dir, 0o755)
		b, _ := json.Marshal(map[string]any{"status": "stopped", "steps": steps, "loss": 1.0, "rel_l2": map[string]float64{"u": 0.5}})
		if err := os.WriteFile(filepath.Join(dir, "summary.json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if sw.Done(RunDir(out, 0)) {
		t.Error("a stopped run is done without MaxSteps")
	}
	sw.MaxSteps = 5
	if !sw.Done(RunDir(out, 0)) || sw.Done(RunDir(out, 1)) {
		t.Errorf("MaxSteps 5: done %v %v, want true false", sw.Done(RunDir(out, 0)), sw.Done(RunDir(out, 1)))
	}
	tab, err := sw.Collect(out)
	if err != nil || tab.Rows[0].Runs != 1 {
		t.Errorf("collected %v runs (%v), want 1", tab.Rows[0].Runs, err)
	}
}

// TestBadSweeps: every malformed sweep file is an error at file:line:col.
func TestBadSweeps(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"unknown key", "spec: tiny.yaml\ngrids: {training.lr: [1]}\n", `s.yaml:2:1: unknown key "grids" (want spec, grid, zip, seeds, out)`},
		{"no spec", "grid: {training.lr: [1]}\n", "s.yaml:1:1: spec: required"},
		{"missing spec file", "spec: nope.yaml\n", "s.yaml:1:7: spec: "},
		{"path not in spec", "spec: tiny.yaml\ngrid:\n  model.widths: [1, 2]\n", `s.yaml:3:18: grid: model.widths: unknown key "widths" in model`},
		{"index out of range", "spec: tiny.yaml\ngrid:\n  equations.3.points: [1]\n", "s.yaml:3:24: grid: equations.3.points: index 3 out of range"},
		{"bad value", "spec: tiny.yaml\ngrid:\n  model.layers: [[8], [-1]]\n", "s.yaml:3:23: grid: model.layers: model.layers: want a list of positive integers"},
		{"zip lengths", "spec: tiny.yaml\nzip:\n  training.lr: [1, 2]\n  training.steps: [1, 2, 3]\n", "s.yaml:4:3: zip: training.steps has 3 values, training.lr has 2"},
		{"empty grid", "spec: tiny.yaml\ngrid: {}\n", "s.yaml:2:7: grid: empty"},
		{"empty list", "spec: tiny.yaml\ngrid:\n  training.lr: []\n", "s.yaml:3:16: grid: training.lr: empty list"},
		{"not a list", "spec: tiny.yaml\ngrid:\n  training.lr: 0.1\n", "s.yaml:3:16: grid: training.lr: want a list of values"},
		{"both grid and zip", "spec: tiny.yaml\ngrid: {training.lr: [1]}\nzip: {training.lr: [2]}\n", "s.yaml:3:7: zip: training.lr is also in grid"},
		{"seed twice", "spec: tiny.yaml\ngrid: {seed: [1, 2]}\nseeds: [0]\n", "s.yaml:2:8: seed: seed is varied by seeds:"},
		{"negative seed", "spec: tiny.yaml\nseeds: [0, -1]\n", `s.yaml:2:12: seeds: want a non-negative integer, got "-1"`},
		{"repeated seed", "spec: tiny.yaml\nseeds: [0, 0]\n", "s.yaml:2:12: seeds: 0 appears twice"},
		{"seeds count", "spec: tiny.yaml\nseeds: {from: 0}\n", "s.yaml:2:8: seeds: count is required"},
		{"bad path", "spec: tiny.yaml\ngrid:\n  \"model..layers\": [1]\n", `s.yaml:3:3: grid: "model..layers" is not an override path`},
		{"not yaml", "spec: [tiny.yaml\n", "s.yaml:"},
		{"not a mapping", "- 1\n", "s.yaml:1:1: sweep: want a mapping"},
		{"empty", "", "empty sweep file"},
		{"duplicate key", "spec: tiny.yaml\nspec: tiny.yaml\n", `s.yaml:2:1: sweep: key "spec" appears twice`},
		{"empty spec list", "spec: []\n", "s.yaml:1:7: spec: empty list"},
		{"spec listed twice", "spec: [tiny.yaml, tiny.yaml]\n", "s.yaml:1:19: spec: tiny.yaml appears twice"},
		{"spec not a name", "spec: [tiny.yaml, [a]]\n", "s.yaml:1:19: spec: want a file name or a list of file names"},
		{"missing spec in list", "spec: [tiny.yaml, nope.yaml]\n", "s.yaml:1:19: spec: "},
		{"spec as a path", "spec: tiny.yaml\ngrid: {spec: [a.yaml]}\n", "s.yaml:2:8: grid: spec is not an override path"},
		{"too many runs", "spec: tiny.yaml\nseeds: {from: 0, count: 2000000}\n", "s.yaml:2:25: seeds.count: want 1 to 1000000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(writeSweep(t, c.src))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %s", err, c.want)
			}
			var se *pde.SpecError
			var es pde.Errors
			if !errors.As(err, &se) && !errors.As(err, &es) {
				t.Errorf("error %T is not a positioned spec error", err)
			}
		})
	}
}

// TestCollect: the tables hold, per grid point, the completed runs' mean,
// sample standard deviation and minimum of every figure; runs not
// completed are left out.
func TestCollect(t *testing.T) {
	sw, err := Load(writeSweep(t, "spec: tiny.yaml\ngrid: {training.lr: [0.1, 0.2]}\nseeds: [0, 1, 2]\n"))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	write := func(i int, status string, rel, k float64) {
		dir := RunDir(out, i)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(map[string]any{"status": status, "loss": rel * 10, "rel_l2": map[string]float64{"u": rel},
			"parameters": map[string]float64{"k": k}, "steps_per_second": 100, "wall_seconds": 2})
		if err := os.WriteFile(filepath.Join(dir, "summary.json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(0, "completed", 1e-3, 1)
	write(1, "completed", 3e-3, 2)
	write(2, "interrupted", 1, 100) // not counted
	write(3, "completed", 5e-3, 4)
	tab, err := sw.WriteTables(out)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tab.Figures, []string{"rel_l2_u", "loss", "parameters_k", "steps_per_second", "wall_seconds"}) {
		t.Errorf("figures %v", tab.Figures)
	}
	r0, r1 := tab.Rows[0], tab.Rows[1]
	if r0.Runs != 2 || r1.Runs != 1 {
		t.Errorf("runs %d, %d; want 2, 1", r0.Runs, r1.Runs)
	}
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-15*math.Max(1, math.Abs(b)) }
	if !near(r0.Mean["rel_l2_u"], 2e-3) || !near(r0.Std["rel_l2_u"], math.Sqrt(2e-6)) || r0.Min["rel_l2_u"] != 1e-3 {
		t.Errorf("row 0 rel_l2_u mean %g std %g min %g", r0.Mean["rel_l2_u"], r0.Std["rel_l2_u"], r0.Min["rel_l2_u"])
	}
	if r1.Std["parameters_k"] != 0 || r1.Mean["parameters_k"] != 4 {
		t.Errorf("row 1 k mean %g std %g", r1.Mean["parameters_k"], r1.Std["parameters_k"])
	}
	csvText, err := os.ReadFile(filepath.Join(out, "table.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(csvText)), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "training.lr,runs,rel_l2_u_mean,rel_l2_u_std,rel_l2_u_min,loss_mean") {
		t.Errorf("table.csv:\n%s", csvText)
	}
	if md, err := os.ReadFile(filepath.Join(out, "table.md")); err != nil || !strings.Contains(string(md), "| 0.1 | 2 | 0.002 |") {
		t.Errorf("table.md (%v):\n%s", err, md)
	}
	if Status(RunDir(out, 2)) != "interrupted" || Status(RunDir(out, 5)) != "" {
		t.Error("Status")
	}
	// no temporary files left
	if m, _ := filepath.Glob(filepath.Join(out, ".*.tmp")); len(m) != 0 {
		t.Errorf("left %v", m)
	}
}

// FuzzLoad: whatever a sweep file holds (beside a valid spec), Load returns
// a sweep or an error, never panics, and an error of the file names it.
// Seeds: valid sweeps of every form and a few broken ones.
func FuzzLoad(f *testing.F) {
	for _, s := range []string{
		"spec: tiny.yaml\ngrid:\n  training.lr: [1.0e-3, 3.0e-3]\nseeds: [0, 1]\n",
		"spec: tiny.yaml\nzip:\n  model.layers: [[8], [16]]\n  training.steps: [3, 4]\nseeds: 3\n",
		"spec: tiny.yaml\ngrid: {}\n",
		"spec: tiny.yaml\ngrid:\n  nope.key: [1]\n",
		"spec: [\n",
		"grid: {training.lr: [1]}\n",
		"spec: tiny.yaml\nseeds: {from: 0, count: 3}\nout: o\n",
	} {
		f.Add(s)
	}
	dir := f.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tiny.yaml"), []byte(tinySpec), 0o644); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src string) {
		path := filepath.Join(dir, "fuzz.yaml")
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		var sw *Sweep
		var err error
		done := make(chan struct{})
		go func() {
			defer close(done)
			sw, err = Load(path)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("Load took over 10 s on %q", src)
		}
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.yaml") && !strings.Contains(err.Error(), "tiny.yaml") {
				t.Errorf("error names no file: %v", err)
			}
			return
		}
		sw.Count()
	})
}
