package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/gopinn/gopinn/pinn"
	"github.com/gopinn/gopinn/sweep"
)

// childEnv marks a process started by a sweep as one of its runs; the test
// binary (TestMain) reads it to act as pinntrain.
const childEnv = "PINNTRAIN_SWEEP_CHILD"

// runOutcome is how one run of a sweep ended.
type runOutcome int

const (
	runDone        runOutcome = iota // trained (or resumed) to completion
	runSkipped                       // already completed
	runBusy                          // another process is writing its directory
	runFailed                        // exit 1 or 2
	runInterrupted                   // Ctrl-C / SIGTERM: checkpoint saved
)

func cmdSweep(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	p, err := parseArgs(args, flagSpec{"jobs": true, "index": true, "out": true, "steps": true, "quiet": false, "count": false, "collect": false, "no-tables": false})
	if err != nil {
		return err
	}
	path, err := onePositional(p, "sweep file")
	if err != nil {
		return err
	}
	sw, err := sweep.Load(path)
	if err != nil {
		return &userError{err}
	}
	n := sw.Count()
	if p.set["count"] {
		fmt.Fprintln(stdout, n)
		return nil
	}
	out := sw.Out
	if d, ok := p.last("out"); ok {
		if d == "" {
			return usagef("flag --out: empty directory name")
		}
		out = d
	}
	jobs, hasJobs, err := p.intFlag("jobs")
	if err != nil {
		return err
	}
	if hasJobs && jobs < 1 {
		return usagef("flag --jobs: want at least 1, got %d", jobs)
	}
	if !hasJobs {
		jobs = 1
	}
	steps, hasSteps, err := p.intFlag("steps")
	if err != nil {
		return err
	}
	if hasSteps && steps < 1 {
		return usagef("flag --steps: want at least 1, got %d", steps)
	}
	sw.MaxSteps = steps
	index, hasIndex, err := sweepIndex(p, hasJobs)
	if err != nil {
		return err
	}
	if hasIndex && index >= n {
		return usagef("%s: index %d is out of range: the sweep has %d runs (0..%d)", indexSource(p), index, n, n-1)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("sweep directory: %w", err)
	}
	if !p.set["no-tables"] {
		if err := sw.WriteIndex(out); err != nil {
			return fmt.Errorf("write sweep.csv: %w", err)
		}
	}
	quiet := p.set["quiet"]
	var failed []string
	interrupted := false
	if !p.set["collect"] {
		runs := sw.Runs()
		if hasIndex {
			runs = runs[index : index+1]
		}
		failed, interrupted = outcomes(runSweep(ctx, path, sw, out, runs, jobs, hasIndex, quiet, stdout, stderr))
	}
	if p.set["no-tables"] {
		// a worker of a sweep with --jobs: the parent writes the tables
		if interrupted {
			return &interruptedError{dir: out}
		}
		if len(failed) > 0 {
			return errors.New(failed[0])
		}
		return nil
	}
	t, err := sw.WriteTables(out)
	if err != nil {
		return fmt.Errorf("write tables: %w", err)
	}
	if !quiet {
		done := 0
		for _, r := range t.Rows {
			done += r.Runs
		}
		fmt.Fprintf(stdout, "%s: %d of %d runs completed; tables in %s\n", path, done, n, out)
	}
	if interrupted {
		return &interruptedError{dir: out}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d run(s) failed (%s)", len(failed), failed[0])
	}
	return nil
}

// outcomes sums up a sweep's results: the failed runs, one line each, and
// whether any was interrupted.
func outcomes(res []runResult) (failed []string, interrupted bool) {
	for _, r := range res {
		switch r.outcome {
		case runFailed:
			failed = append(failed, fmt.Sprintf("run %d: %s", r.index, r.msg))
		case runInterrupted:
			interrupted = true
		}
	}
	return failed, interrupted
}

// sweepIndex is --index, else (without --jobs) SLURM_ARRAY_TASK_ID or
// JOB_COMPLETION_INDEX.
func sweepIndex(p *parsed, hasJobs bool) (int, bool, error) {
	if s, ok := p.last("index"); ok {
		i, err := strconv.Atoi(s)
		if err != nil || i < 0 {
			return 0, false, usagef("flag --index: want a non-negative integer, got %q", s)
		}
		return i, true, nil
	}
	if hasJobs {
		return 0, false, nil
	}
	for _, env := range []string{"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"} {
		if s, ok := os.LookupEnv(env); ok && s != "" {
			i, err := strconv.Atoi(s)
			if err != nil || i < 0 {
				return 0, false, usagef("%s: want a non-negative integer, got %q", env, s)
			}
			return i, true, nil
		}
	}
	return 0, false, nil
}

func indexSource(p *parsed) string {
	if _, ok := p.last("index"); ok {
		return "flag --index"
	}
	for _, env := range []string{"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"} {
		if os.Getenv(env) != "" {
			return env
		}
	}
	return "index"
}

type runResult struct {
	index   int
	outcome runOutcome
	msg     string
}

// runSweep trains the given runs, jobs at a time, each in a child process
// of its own (pinntrain sweep FILE --index I): runs share nothing, a child
// killed takes only its run with it, and each run's summary reports its
// own peak memory. inProcess trains them here instead (the one run of an
// --index invocation: a Slurm or Kubernetes task, or such a child).
// Workers take runs from one queue, so no run is started twice by this
// sweep; a run another process is writing (its directory locked) is left
// to it.
func runSweep(ctx context.Context, path string, sw *sweep.Sweep, out string, runs []sweep.Run, jobs int, inProcess, quiet bool, stdout, stderr io.Writer) []runResult {
	var mu sync.Mutex // serialises the output lines
	say := func(format string, args ...any) {
		if quiet {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(stdout, format+"\n", args...)
	}
	queue := make(chan sweep.Run)
	results := make([]runResult, 0, len(runs))
	var rmu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range queue {
				var res runResult
				if inProcess {
					res = runOne(sw, out, r, quiet, stdout, &mu)
				} else {
					res = runWorker(ctx, path, sw, out, r, jobs, quiet, stdout, &mu)
				}
				switch res.outcome {
				case runSkipped:
					say("run %d: already completed", r.Index)
				case runBusy:
					say("run %d: %s", r.Index, res.msg)
				case runFailed:
					mu.Lock()
					fmt.Fprintf(stderr, "pinntrain: run %d: %s\n", r.Index, res.msg)
					mu.Unlock()
				}
				rmu.Lock()
				results = append(results, res)
				rmu.Unlock()
			}
		}()
	}
	for _, r := range runs {
		if ctx.Err() != nil {
			break
		}
		select {
		case queue <- r:
		case <-ctx.Done():
		}
	}
	close(queue)
	wg.Wait()
	return results
}

// runOne trains run r in this process. Under the run directory's lock it
// decides: completed, skip; a checkpoint of an unfinished run, resume;
// otherwise train. So two sweeps of one file (local workers, array tasks
// resubmitted while others still run) never train a run twice, and a run
// killed with SIGKILL resumes from its last checkpoint.
func runOne(sw *sweep.Sweep, out string, r sweep.Run, quiet bool, stdout io.Writer, mu *sync.Mutex) runResult {
	res := runResult{index: r.Index}
	dir := sweep.RunDir(out, r.Index)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		res.outcome, res.msg = runFailed, err.Error()
		return res
	}
	unlock, err := pinn.LockRun(dir)
	if errors.Is(err, pinn.ErrRunLocked) {
		res.outcome, res.msg = runBusy, err.Error()
		return res
	}
	if err != nil {
		res.outcome, res.msg = runFailed, err.Error()
		return res
	}
	defer unlock()
	if sw.Done(dir) {
		res.outcome = runSkipped
		return res
	}
	args := []string{"train", r.Spec, "--out", dir, "--quiet"}
	for _, s := range r.Sets() {
		args = append(args, "--set", s)
	}
	if st, err := os.Stat(filepath.Join(dir, "checkpoint.npz")); err == nil && st.Mode().IsRegular() {
		args = []string{"resume", dir, "--quiet"}
	}
	if sw.MaxSteps > 0 {
		args = append(args, "--steps", strconv.Itoa(sw.MaxSteps))
	}
	if !quiet {
		mu.Lock()
		fmt.Fprintf(stdout, "run %d: %s %s\n", r.Index, args[0], strings.Join(r.Sets(), " "))
		mu.Unlock()
	}
	var runOut, errb bytes.Buffer
	code := run(args, &runOut, &errb)
	if !quiet {
		// the run's own lines, prefixed with its index
		mu.Lock()
		sc := bufio.NewScanner(&runOut)
		for sc.Scan() {
			fmt.Fprintf(stdout, "run %d: %s\n", r.Index, sc.Text())
		}
		mu.Unlock()
	}
	msg := strings.TrimPrefix(lastLine(errb.String()), "pinntrain: ")
	switch code {
	case exitOK:
		res.outcome = runDone
	case exitInterrupted:
		res.outcome = runInterrupted
	default:
		res.outcome, res.msg = runFailed, msg
		if msg == "" {
			res.msg = fmt.Sprintf("exit %d", code)
		}
	}
	return res
}

// runWorker runs run r in a child process (pinntrain sweep FILE --index I
// --no-tables), whose output lines (already prefixed) it passes on.
func runWorker(ctx context.Context, path string, sw *sweep.Sweep, out string, r sweep.Run, jobs int, quiet bool, stdout io.Writer, mu *sync.Mutex) runResult {
	res := runResult{index: r.Index}
	args := []string{"sweep", path, "--index", strconv.Itoa(r.Index), "--out", out, "--no-tables"}
	if sw.MaxSteps > 0 {
		args = append(args, "--steps", strconv.Itoa(sw.MaxSteps))
	}
	if quiet {
		args = append(args, "--quiet")
	}
	var runOut bytes.Buffer
	code, errText := runChild(ctx, args, jobs, &runOut)
	mu.Lock()
	stdout.Write(runOut.Bytes())
	mu.Unlock()
	msg := strings.TrimPrefix(lastLine(errText), "pinntrain: ")
	switch {
	case code == exitOK:
		res.outcome = runDone
	case code == exitInterrupted || ctx.Err() != nil:
		res.outcome = runInterrupted
	default:
		res.outcome, res.msg = runFailed, strings.TrimPrefix(msg, fmt.Sprintf("run %d: ", r.Index))
		if res.msg == "" {
			res.msg = fmt.Sprintf("exit %d", code)
		}
	}
	return res
}

// runChild runs pinntrain args as a child process, with GOMAXPROCS shared
// out between the workers unless the environment sets it. A cancelled
// context has already reached the child as the same SIGINT/SIGTERM (one
// process group); the child saves and exits 130.
func runChild(ctx context.Context, args []string, jobs int, stdout io.Writer) (int, string) {
	exe, err := os.Executable()
	if err != nil {
		return exitFailed, "cannot find the pinntrain executable: " + err.Error()
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	if os.Getenv("GOMAXPROCS") == "" {
		cmd.Env = append(cmd.Env, "GOMAXPROCS="+strconv.Itoa(max(1, runtime.NumCPU()/jobs)))
	}
	var errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = stdout, &errb
	if err := cmd.Start(); err != nil {
		return exitFailed, "start: " + err.Error()
	}
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			// a signal sent to this process alone (kill PID): pass it on
			cmd.Process.Signal(os.Interrupt)
		case <-done:
		}
	}()
	err = cmd.Wait()
	close(done)
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if code := ee.ExitCode(); code >= 0 {
			return code, errb.String()
		}
		return exitFailed, "killed: " + ee.String()
	}
	if err != nil {
		return exitFailed, err.Error()
	}
	return exitOK, errb.String()
}

func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}
