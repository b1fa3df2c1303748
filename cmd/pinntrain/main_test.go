package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	if strings.Contains(errb.String(), "goroutine ") || strings.Contains(errb.String(), "panic") {
		t.Fatalf("%v: a Go panic reached the user:\n%s", args, errb.String())
	}
	return code, out.String(), errb.String()
}

// TestBadSpecsExit2 runs every malformed spec of the corpus through validate
// and train: exit 2, the file named, no panic.
func TestBadSpecsExit2(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/specs/bad/*.yaml")
	if len(files) < 30 {
		t.Fatalf("only %d bad specs in the corpus", len(files))
	}
	for _, f := range files {
		for _, verb := range []string{"validate", "train"} {
			args := []string{verb, f}
			if verb == "train" {
				args = append(args, "--out", t.TempDir())
			}
			code, _, stderr := runCLI(t, args...)
			if code != 2 {
				t.Errorf("%s %s: exit %d, want 2 (%s)", verb, filepath.Base(f), code, stderr)
				continue
			}
			if !strings.Contains(stderr, filepath.Base(f)) {
				t.Errorf("%s %s: message does not name the file: %s", verb, filepath.Base(f), stderr)
			}
		}
	}
}

func TestFlagErrorsExit2(t *testing.T) {
	good := "../../testdata/specs/good/poisson2d.yaml"
	cases := [][]string{
		{},
		{"frobnicate"},
		{"train"},
		{"train", good, "--bogus"},
		{"train", good, "--steps", "many"},
		{"train", good, "--steps"},
		{"train", good, "--set", "model.widths=[3]"},
		{"train", good, "--set", "training.lr=abc"},
		{"train", good, "--seed", "-1"},
		{"resume", t.TempDir()},
		{"eval", t.TempDir(), "--points", "nope.csv"},
		{"validate", "no_such_spec.yaml"},
	}
	for _, args := range cases {
		if code, _, stderr := runCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, stderr)
		}
	}
	_, _, stderr := runCLI(t, "train", good, "--set", "model.widths=[3]")
	if !strings.Contains(stderr, "--set model.widths=[3]") {
		t.Errorf("an override error must name the flag: %s", stderr)
	}
}

// TestCommandHelp: COMMAND --help prints that command's usage line and
// exits 0 for every command (nothing runs); an unknown command with --help
// is still an error.
func TestCommandHelp(t *testing.T) {
	for _, cmd := range []string{"train", "validate", "eval", "resume", "discover", "reproduce", "sweep", "version"} {
		code, stdout, stderr := runCLI(t, cmd, "--help")
		if code != 0 || !strings.Contains(stdout, "pinntrain "+cmd) || !strings.Contains(stdout, "docs/cli.md#"+cmd) {
			t.Errorf("%s --help: exit %d, stdout %q, stderr %q", cmd, code, stdout, stderr)
		}
	}
	if code, _, _ := runCLI(t, "train", "../../testdata/specs/good/poisson2d.yaml", "-h"); code != 0 {
		t.Errorf("train SPEC -h: exit %d, want 0 (help, no training)", code)
	}
	if code, _, _ := runCLI(t, "frobnicate", "--help"); code != 2 {
		t.Errorf("frobnicate --help: exit %d, want 2", code)
	}
}

// TestTrainResumeEval drives a short run through the CLI: flags after the
// positional argument, outputs as documented, resume, eval.
func TestTrainResumeEval(t *testing.T) {
	dir := t.TempDir()
	spec := "../../testdata/specs/good/decay_ode.yaml"
	if code, _, stderr := runCLI(t, "validate", spec); code != 0 {
		t.Fatalf("validate: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, "train", spec, "--out", dir, "--steps", "40", "--quiet", "--set", "evaluation.every=20")
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "step 20/40") {
		t.Errorf("no plain log line in quiet mode: %q", stdout)
	}
	for _, f := range []string{"spec.yaml", "metrics.csv", "summary.json", "checkpoint.npz", "prediction.csv", "loss.png", "solution_u.png", "data/decay_ode.csv"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("missing output %s", f)
		}
	}
	var sum map[string]any
	data, _ := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err := json.Unmarshal(data, &sum); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"name", "seed", "dtype", "steps", "wall_seconds", "steps_per_second", "loss", "losses", "rel_l2", "parameters", "status"} {
		if _, ok := sum[k]; !ok {
			t.Errorf("summary.json lacks %q", k)
		}
	}
	if sum["status"] != "stopped" {
		t.Errorf("a --steps run: status %v, want stopped", sum["status"])
	}
	if code, _, stderr := runCLI(t, "resume", dir, "--steps", "60", "--quiet"); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, stderr)
	}
	data, _ = os.ReadFile(filepath.Join(dir, "summary.json"))
	json.Unmarshal(data, &sum)
	// SPEC §3: a run that --steps ends before the plan's end is "stopped"
	if sum["steps"].(float64) != 60 || sum["status"] != "stopped" {
		t.Errorf("after resume: steps %v status %v", sum["steps"], sum["status"])
	}
	pts := filepath.Join(dir, "pts.csv")
	os.WriteFile(pts, []byte("t\n0\n1\n2\n"), 0o644)
	out := filepath.Join(dir, "pred.csv")
	if code, _, stderr := runCLI(t, "eval", "--points", pts, dir, "--out", out); code != 0 {
		t.Fatalf("eval: exit %d: %s", code, stderr)
	}
	pred, _ := os.ReadFile(out)
	if lines := strings.Split(strings.TrimSpace(string(pred)), "\n"); len(lines) != 4 || lines[0] != "t,u" {
		t.Errorf("eval output: %q", pred)
	}
	if code, out, _ := runCLI(t, "version"); code != 0 || !strings.HasPrefix(out, "pinntrain ") {
		t.Errorf("version: %d %q", code, out)
	}
}

// TestMeshRunSelfContained: a run on an STL domain copies the mesh into
// its directory (data/, like data files), so resume and eval work after
// the spec's own directory is gone.
func TestMeshRunSelfContained(t *testing.T) {
	src, dir := t.TempDir(), t.TempDir()
	stl, err := os.ReadFile("../../configs/data/bracket/bracket.stl")
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(src, "parts"), 0o755)
	if err := os.WriteFile(filepath.Join(src, "parts", "bracket.stl"), stl, 0o644); err != nil {
		t.Fatal(err)
	}
	spec := filepath.Join(src, "m.yaml")
	os.WriteFile(spec, []byte(`name: m
domain: {type: mesh, file: parts/bracket.stl, variables: [x, y, z]}
fields: [u]
equations: [{name: pde, residual: "lap(u) + 1", points: 64}]
conditions: [{name: wall, on: boundary, type: dirichlet, value: "0", points: 32}]
model: {layers: [8]}
training: {steps: 10}
evaluation: {points: 50, every: 5}
`), 0o644)
	if code, _, stderr := runCLI(t, "train", spec, "--out", dir, "--steps", "4", "--quiet"); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	if err := os.RemoveAll(src); err != nil {
		t.Fatal(err)
	}
	if copied, err := os.ReadFile(filepath.Join(dir, "data", "bracket.stl")); err != nil || !bytes.Equal(copied, stl) {
		t.Fatalf("the mesh was not copied into the run: %v", err)
	}
	if code, _, stderr := runCLI(t, "resume", dir, "--quiet"); code != 0 {
		t.Fatalf("resume without the spec's directory: exit %d: %s", code, stderr)
	}
}
