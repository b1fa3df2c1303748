package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// soakSpec trains in well under a second: Adam with resampling every 7
// steps, then L-BFGS, a checkpoint every 4 steps.
const soakSpec = `name: soak
seed: 3
variables: {x: [0, 1], t: [0, 1]}
fields: [u]
equations:
  - {name: pde, residual: "u_t - 0.1*u_xx", points: 48, resample_every: 7}
conditions:
  - {name: ic, on: "t == 0", residual: "u - sin(pi*x)", points: 16}
  - {name: walls, on: "x == 0 or x == 1", type: dirichlet, value: "0", points: 16}
model: {layers: [10, 10]}
training: {steps: 60, lr: 3.0e-3, checkpoint_every: 4, then: {optimizer: lbfgs, steps: 20}}
evaluation: {exact: {u: "exp(-0.1*pi^2*t)*sin(pi*x)"}, points: 64, every: 20}
`

// TestSoakKillResume (GOPINN_SOAK=N, default off): N runs, each killed
// again and again at random times (SIGKILL or SIGTERM, 20-400 ms after its
// start) and resumed (or started afresh when no checkpoint was written yet)
// until it completes; every run must end bit-identical to an uninterrupted
// one (prediction.csv byte for byte, and the summary's loss and steps).
func TestSoakKillResume(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("GOPINN_SOAK"))
	if n <= 0 {
		t.Skip("GOPINN_SOAK=N runs the soak test with N runs")
	}
	dir := t.TempDir()
	spec := filepath.Join(dir, "soak.yaml")
	if err := os.WriteFile(spec, []byte(soakSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	child := func(args ...string) *exec.Cmd {
		c := exec.Command(os.Args[0], args...)
		c.Env = append(os.Environ(), childEnv+"=1")
		return c
	}
	ref := filepath.Join(dir, "ref")
	if out, err := child("train", spec, "--out", ref, "--quiet").CombinedOutput(); err != nil {
		t.Fatalf("reference run: %v\n%s", err, out)
	}
	refPred, err := os.ReadFile(filepath.Join(ref, "prediction.csv"))
	if err != nil {
		t.Fatal(err)
	}
	figures := regexp.MustCompile(`"(loss|steps|status)": *("?[^,}\n]*"?)`)
	summaryFigures := func(d string) string {
		b, _ := os.ReadFile(filepath.Join(d, "summary.json"))
		var out []byte
		for _, m := range figures.FindAllSubmatch(b, -1) {
			out = append(append(out, m[0]...), ' ')
		}
		return string(out)
	}
	want := summaryFigures(ref)
	rng := rand.New(rand.NewPCG(1, 2))
	var kills, terms, resumes, restarts, finishedEarly int
	start := time.Now()
	for i := range n {
		out := filepath.Join(dir, "run"+strconv.Itoa(i))
		for attempt := 0; ; attempt++ {
			if attempt > 200 {
				t.Fatalf("run %d: not completed after %d attempts", i, attempt)
			}
			var c *exec.Cmd
			if _, err := os.Stat(filepath.Join(out, "checkpoint.npz")); err == nil {
				c = child("resume", out, "--quiet")
				resumes++
			} else {
				c = child("train", spec, "--out", out, "--quiet")
				if attempt > 0 {
					restarts++
				}
			}
			var stderr bytes.Buffer
			c.Stderr = &stderr
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- c.Wait() }()
			// later attempts wait longer, so that every run ends
			delay := time.Duration(20+rng.IntN(380)+10*attempt) * time.Millisecond
			var werr error
			select {
			case werr = <-done:
				finishedEarly++
			case <-time.After(delay):
				sig := syscall.SIGKILL
				if rng.IntN(2) == 0 {
					sig = syscall.SIGTERM
					terms++
				} else {
					kills++
				}
				c.Process.Signal(sig)
				werr = <-done
			}
			if werr == nil {
				break // completed (exit 0)
			}
			if ee, ok := werr.(*exec.ExitError); ok && ee.ExitCode() != 130 && ee.ExitCode() != -1 {
				t.Fatalf("run %d attempt %d: exit %d: %s", i, attempt, ee.ExitCode(), stderr.String())
			}
		}
		pred, err := os.ReadFile(filepath.Join(out, "prediction.csv"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(pred, refPred) {
			t.Fatalf("run %d: prediction.csv differs from the uninterrupted run's", i)
		}
		if got := summaryFigures(out); got != want {
			t.Fatalf("run %d: summary %s, uninterrupted %s", i, got, want)
		}
	}
	t.Logf("%d runs in %.0f s: %d SIGKILL, %d SIGTERM, %d resumes, %d fresh restarts (killed before a checkpoint), %d processes ended on their own; every run bit-identical to the uninterrupted one",
		n, time.Since(start).Seconds(), kills, terms, resumes, restarts, finishedEarly)
}
