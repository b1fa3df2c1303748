package main

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopinn/gopinn/sweep"
)

// TestMain lets the test binary stand in for pinntrain when a sweep starts
// its runs as child processes (--jobs > 1).
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// sweepSpec trains in a few milliseconds.
const sweepSpec = `name: tiny
seed: 7
variables: {x: [0, 1]}
fields: [u]
equations:
  - {name: pde, residual: "u_xx + 1", points: 16}
conditions:
  - {name: ends, on: "x == 0 or x == 1", type: dirichlet, value: "0", points: 2}
model: {layers: [6]}
training: {steps: 20, checkpoint_every: 10}
evaluation: {exact: {u: "x*(1 - x)/2"}, points: 20, every: 20}
`

// newSweep writes the spec and a 2 × 2-seed sweep of it; it returns the
// sweep file and its out directory.
func newSweep(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if err := os.WriteFile(filepath.Join(dir, "tiny.yaml"), []byte(sweepSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	src := "spec: tiny.yaml\ngrid:\n  training.lr: [1.0e-3, 3.0e-3]\nseeds: [0, 1]\nout: " + out + "\n"
	path := filepath.Join(dir, "sw.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, out
}

// trained lists the runs a sweep's output says it started (train or
// resume), by index.
func trained(out string) []string {
	return regexp.MustCompile(`(?m)^run (\d+): (?:train|resume) `).FindAllString(out, -1)
}

// TestSweepSkipResume: a sweep trains every run and writes its tables; run
// again it trains nothing; a run whose summary is lost but whose
// checkpoint is kept (a task killed mid-run) is resumed, alone.
func TestSweepSkipResume(t *testing.T) {
	path, out := newSweep(t)
	code, stdout, stderr := runCLI(t, "sweep", path, "--count")
	if code != 0 || strings.TrimSpace(stdout) != "4" {
		t.Fatalf("--count: exit %d, %q %s", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(t, "sweep", path)
	if code != 0 || len(trained(stdout)) != 4 {
		t.Fatalf("first sweep: exit %d, trained %v\n%s%s", code, trained(stdout), stdout, stderr)
	}
	idx, err := os.ReadFile(filepath.Join(out, "sweep.csv"))
	if err != nil || !strings.HasPrefix(string(idx), "index,seed,training.lr\n0,0,1.0e-3\n1,1,1.0e-3\n2,0,3.0e-3\n") {
		t.Errorf("sweep.csv (%v):\n%s", err, idx)
	}
	for i := range 4 {
		if s := sweep.Status(sweep.RunDir(out, i)); s != "completed" {
			t.Errorf("run %d: status %q", i, s)
		}
	}
	tab, err := os.ReadFile(filepath.Join(out, "table.csv"))
	if err != nil || len(strings.Split(strings.TrimSpace(string(tab)), "\n")) != 3 || !strings.Contains(string(tab), "rel_l2_u_mean") {
		t.Errorf("table.csv (%v):\n%s", err, tab)
	}
	code, stdout, _ = runCLI(t, "sweep", path)
	if code != 0 || len(trained(stdout)) != 0 || strings.Count(stdout, "already completed") != 4 {
		t.Errorf("second sweep trained %v:\n%s", trained(stdout), stdout)
	}
	// run 2 killed after its checkpoint: no summary
	if err := os.Remove(filepath.Join(sweep.RunDir(out, 2), "summary.json")); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = runCLI(t, "sweep", path)
	if got := trained(stdout); code != 0 || len(got) != 1 || !strings.HasPrefix(got[0], "run 2: resume") {
		t.Errorf("after losing run 2's summary: exit %d, started %v\n%s", code, got, stdout)
	}
	if code, _, _ := runCLI(t, "sweep", path, "--collect", "--quiet"); code != 0 {
		t.Errorf("--collect: exit %d", code)
	}
}

// TestSweepIndex: --index, SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX
// each run one run; --jobs turns the environment off; an index out of
// range exits 2 naming its source.
func TestSweepIndex(t *testing.T) {
	path, out := newSweep(t)
	cases := []struct {
		env, val string
		args     []string
		want     string // the run started, "" for none
	}{
		{"", "", []string{"--index", "3"}, "run 3: train"},
		{"SLURM_ARRAY_TASK_ID", "1", nil, "run 1: train"},
		{"JOB_COMPLETION_INDEX", "0", nil, "run 0: train"},
	}
	for _, c := range cases {
		if c.env != "" {
			t.Setenv(c.env, c.val)
		}
		code, stdout, stderr := runCLI(t, append([]string{"sweep", path}, c.args...)...)
		got := trained(stdout)
		if code != 0 || len(got) != 1 || !strings.HasPrefix(got[0], c.want) {
			t.Errorf("%s=%s %v: exit %d, started %v\n%s", c.env, c.val, c.args, code, got, stderr)
		}
		if c.env != "" {
			os.Unsetenv(c.env)
		}
	}
	if s := sweep.Status(sweep.RunDir(out, 2)); s != "" {
		t.Errorf("run 2 ran (status %q)", s)
	}
	t.Setenv("SLURM_ARRAY_TASK_ID", "9")
	code, _, stderr := runCLI(t, "sweep", path)
	if code != 2 || !strings.Contains(stderr, "SLURM_ARRAY_TASK_ID: index 9 is out of range: the sweep has 4 runs (0..3)") {
		t.Errorf("index 9: exit %d: %s", code, stderr)
	}
	// --jobs: every run, the environment ignored (run 2 is the only one left)
	code, stdout, stderr := runCLI(t, "sweep", path, "--jobs", "1")
	if got := trained(stdout); code != 0 || len(got) != 1 || !strings.HasPrefix(got[0], "run 2: train") {
		t.Errorf("--jobs 1 with SLURM_ARRAY_TASK_ID set: exit %d, started %v\n%s", code, got, stderr)
	}
	for _, bad := range [][]string{{"--index", "-1"}, {"--jobs", "0"}, {"--index", "x"}} {
		if code, _, stderr := runCLI(t, append([]string{"sweep", path}, bad...)...); code != 2 {
			t.Errorf("%v: exit %d: %s", bad, code, stderr)
		}
	}
}

// TestSweepConcurrent: two sweeps of one file at once, each with two child
// workers, train every run exactly once between them (a run directory has
// one writer: the other sweep skips it as busy or completed), and every
// run's summary is whole.
func TestSweepConcurrent(t *testing.T) {
	path, out := newSweep(t)
	var wg sync.WaitGroup
	outs := make([]string, 2)
	codes := make([]int, 2)
	for k := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[k], outs[k], _ = runCLI(t, "sweep", path, "--jobs", "2")
		}()
	}
	wg.Wait()
	count := map[string]int{}
	for _, o := range outs {
		for _, s := range trained(o) {
			count[strings.Fields(s)[1]]++ // "3:"
		}
	}
	for i := range 4 {
		if key := strconv.Itoa(i) + ":"; count[key] != 1 {
			t.Errorf("run %d started %d times\n%s\n---\n%s", i, count[key], outs[0], outs[1])
		}
		if s := sweep.Status(sweep.RunDir(out, i)); s != "completed" {
			t.Errorf("run %d: status %q", i, s)
		}
	}
	if codes[0] != 0 || codes[1] != 0 {
		t.Errorf("exit codes %v", codes)
	}
}

// TestSweepErrorsExit2: a bad sweep file exits 2 with file:line:col.
func TestSweepErrorsExit2(t *testing.T) {
	path, _ := newSweep(t)
	if err := os.WriteFile(path, []byte("spec: tiny.yaml\ngrid:\n  model.widths: [1]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "sweep", path)
	if code != 2 || !strings.Contains(stderr, "sw.yaml:3:18: grid: model.widths: unknown key \"widths\" in model") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "sweep"); code != 2 {
		t.Errorf("no file: exit %d: %s", code, stderr)
	}
}

// TestSweepAfterSIGKILL: a run killed with SIGKILL (no chance to save or
// unlock) is resumed from its last checkpoint by the next sweep; its stale
// lock is taken over.
func TestSweepAfterSIGKILL(t *testing.T) {
	path, out := newSweep(t)
	spec := filepath.Join(filepath.Dir(path), "tiny.yaml")
	long := strings.Replace(sweepSpec, "training: {steps: 20, checkpoint_every: 10}", "training: {steps: 200000, checkpoint_every: 50}", 1)
	if err := os.WriteFile(spec, []byte(long), 0o644); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "sweep", path, "--index", "0", "--quiet")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ckpt := filepath.Join(sweep.RunDir(out, 0), "checkpoint.npz")
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(ckpt); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if _, err := os.Stat(ckpt); err != nil {
		t.Fatalf("no checkpoint before the kill: %v", err)
	}
	if _, err := os.Stat(filepath.Join(sweep.RunDir(out, 0), ".lock")); err != nil {
		t.Fatalf("the killed run left no lock (test does not test takeover): %v", err)
	}
	// the next sweep takes the stale lock over and resumes the run; it is
	// stopped by SIGINT once it has said so (the plan is long), and saves
	second := exec.Command(exe, "sweep", path, "--index", "0")
	second.Env = append(os.Environ(), childEnv+"=1")
	pipe, err := second.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := second.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(pipe)
	first := ""
	for sc.Scan() {
		if first = sc.Text(); strings.HasPrefix(first, "run 0:") {
			break
		}
	}
	time.Sleep(200 * time.Millisecond)
	second.Process.Signal(os.Interrupt)
	go io.Copy(io.Discard, pipe)
	err = second.Wait()
	if !strings.HasPrefix(first, "run 0: resume") {
		t.Errorf("after SIGKILL the next sweep printed %q, want run 0: resume", first)
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Errorf("interrupted resume: %v, want exit %d", err, exitInterrupted)
	}
	if s := sweep.Status(sweep.RunDir(out, 0)); s != "interrupted" {
		t.Errorf("status %q after the interrupted resume", s)
	}
}

// TestTrainLockedDirUntouched: train into a directory another live process
// holds exits 2 naming the holder, and writes nothing there (not even the
// data copies, which come after the lock).
func TestTrainLockedDirUntouched(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "run")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	// process 1 is alive and is not us
	if err := os.WriteFile(filepath.Join(out, ".lock"), []byte("1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "obs.csv"), []byte("x,u\n0.5,0.125\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	spec := strings.Replace(sweepSpec, "model:", "data:\n  - {name: obs, file: obs.csv}\nmodel:", 1)
	if err := os.WriteFile(filepath.Join(dir, "s.yaml"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "train", filepath.Join(dir, "s.yaml"), "--out", out)
	if code != 2 || !strings.Contains(stderr, "is being written by process 1") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	ents, _ := os.ReadDir(out)
	if len(ents) != 1 {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("the locked directory was written: %v", names)
	}
}
