package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/gopinn/gopinn/sweep"
)

// TestConfigs validates every shipped spec and trains each worked example
// (configs/*.yaml) for a few steps through the CLI, so that a broken example
// fails CI. The full runs and their errors are in README.md.
func TestConfigs(t *testing.T) {
	files, _ := filepath.Glob("../../configs/*.yaml")
	papers, _ := filepath.Glob("../../configs/papers/*/*.yaml") // specs and the sweep files over them
	sweeps, _ := filepath.Glob("../../configs/sweeps/*.yaml")   // validate checks sweep files too
	papers = append(papers, sweeps...)
	if len(files) < 8 {
		t.Fatalf("only %d worked examples in configs/", len(files))
	}
	for _, f := range append(files, papers...) {
		if code, _, stderr := runCLI(t, "validate", f); code != 0 {
			t.Errorf("validate %s: exit %d: %s", f, code, stderr)
		}
	}
	for _, f := range files {
		dir := t.TempDir()
		code, _, stderr := runCLI(t, "train", f, "--steps", "5", "--out", dir, "--quiet", "--set", "evaluation.points=64")
		if code != 0 {
			t.Errorf("train %s: exit %d: %s", f, code, stderr)
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "summary.json")); err != nil {
			t.Errorf("train %s: no summary.json", f)
		}
	}
	// the PINNacle ports train too (two steps at full size: their point
	// counts are the benchmark's)
	pinnacle, _ := filepath.Glob("../../configs/papers/pinnacle/*.yaml")
	if len(pinnacle) < 2 {
		t.Fatalf("only %d PINNacle configs", len(pinnacle))
	}
	// Each in a process of its own (runChild: the test binary as pinntrain,
	// TestMain, as a sweep's workers):
	// one takes 1.4-2.5 GB (peak RSS of a 2-step run), and with all eleven in
	// this process the test binary was killed for memory at 22.7 GB
	// (2026-12-07, dmesg; why the runs' memory added up is not known yet).
	for _, f := range pinnacle {
		if sweep.IsSweepFile(f) {
			continue // validated above
		}
		var out bytes.Buffer
		if code, stderr := runChild(context.Background(), []string{"train", f, "--steps", "2", "--out", t.TempDir(), "--quiet", "--set", "evaluation.points=64"}, 1, &out); code != exitOK {
			t.Errorf("train %s: exit %d: %s", f, code, stderr)
		}
	}
}
