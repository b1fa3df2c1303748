package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// discoverSpec is u' = -h(u) with h(u) = u^2 (u = 1/(1 + t)), data from the
// ODE reference: small enough to train in a second or two.
const discoverSpec = `name: discover-square
seed: 1
variables: {t: [0, 1]}
fields: [u]
hidden:
  h: {inputs: [u], layers: [8, 8], library: {degree: 2}}
equations:
  - {name: ode, residual: "u_t + h(u)", points: 64, sampler: grid}
data:
  - {name: obs, points: {t: {linspace: [0, 1, 21]}}, weight: 10}
model: {layers: [16, 16], output: "1 + t*N"}
training: {steps: 800, lr: 5.0e-3, then: {optimizer: lbfgs, steps: 400}}
evaluation:
  exact: {h: "u^2"}
  reference: {ode: {rhs: {u: "-u^2"}, initial: {u: 1}}}
  points: 200
  every: 100000
`

// TestDiscover trains a hidden-term run, then re-runs the regression with
// other options through the CLI: summary.json's hidden.h.expression and
// hidden_h.txt are rewritten, other keys kept; bad input exits 2.
func TestDiscover(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(spec, []byte(discoverSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	run := filepath.Join(dir, "run")
	if code, _, stderr := runCLI(t, "train", spec, "--out", run, "--quiet"); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	readSummary := func() map[string]any {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(run, "summary.json"))
		if err != nil {
			t.Fatal(err)
		}
		var s map[string]any
		if err := json.Unmarshal(data, &s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	expression := func(s map[string]any) string {
		h, _ := s["hidden"].(map[string]any)["h"].(map[string]any)
		e, _ := h["expression"].(string)
		return e
	}
	before := readSummary()
	if e := expression(before); e != "u^2" && !strings.HasSuffix(e, "*u^2") {
		t.Fatalf("after training: expression %q, want c*u^2", e)
	}

	// The constant-only library cannot fit u^2: the formula is a number.
	code, stdout, stderr := runCLI(t, "discover", run, "--degree", "0")
	if code != 0 {
		t.Fatalf("discover --degree 0: exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(stdout, "h = ") {
		t.Errorf("discover output %q", stdout)
	}
	after := readSummary()
	if e := expression(after); strings.Contains(e, "u") {
		t.Errorf("--degree 0: expression %q, want a constant", e)
	}
	if after["loss"] != before["loss"] || after["steps"] != before["steps"] {
		t.Errorf("discover changed other summary keys: %v -> %v", before, after)
	}
	front, _ := os.ReadFile(filepath.Join(run, "hidden_h.txt"))
	if !strings.Contains(string(front), "degree 0") {
		t.Errorf("hidden_h.txt not rewritten:\n%s", front)
	}

	// An extra term, flags after the positional argument or before it.
	code, stdout, stderr = runCLI(t, "discover", "--degree=0", run, "--extra", "u*u", "--extra", "sin(u)")
	if code != 0 {
		t.Fatalf("discover --extra: exit %d: %s", code, stderr)
	}
	if e := expression(readSummary()); e != "u*u" && !strings.HasSuffix(e, "*u*u") {
		t.Errorf("--extra u*u: expression %q (stdout %q)", e, stdout)
	}

	// Back to the spec's library.
	if code, _, stderr := runCLI(t, "discover", run); code != 0 {
		t.Fatalf("discover: exit %d: %s", code, stderr)
	}
	if e := expression(readSummary()); e != expression(before) {
		t.Errorf("spec library again: %q, want %q", e, expression(before))
	}

	for _, args := range [][]string{
		{"discover"},
		{"discover", t.TempDir()},
		{"discover", run, "--degree", "x"},
		{"discover", run, "--degree", "12"},
		{"discover", run, "--extra", "v^2"},
		{"discover", run, "--hidden", "nope"},
		{"discover", run, "--max-rel-error", "-1"},
	} {
		if code, _, stderr := runCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, stderr)
		}
	}
}
