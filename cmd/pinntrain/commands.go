package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gopinn/gopinn/autodiff"
	"github.com/gopinn/gopinn/comm"
	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn"
	"github.com/gopinn/gopinn/sweep"
	"golang.org/x/term"
)

// flagSpec says which flags a command takes and whether they take a value.
type flagSpec map[string]bool // name -> takes a value

// parsed holds a command line: flags may stand before or after the
// positional arguments.
type parsed struct {
	pos  []string
	vals map[string][]string
	set  map[string]bool
}

func parseArgs(args []string, spec flagSpec) (*parsed, error) {
	p := &parsed{vals: map[string][]string{}, set: map[string]bool{}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			p.pos = append(p.pos, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			p.pos = append(p.pos, a)
			continue
		}
		name := strings.TrimLeft(a, "-")
		val, hasVal := "", false
		if k := strings.IndexByte(name, '='); k >= 0 {
			name, val, hasVal = name[:k], name[k+1:], true
		}
		takes, ok := spec[name]
		if !ok {
			return nil, usagef("unknown flag --%s", name)
		}
		if takes {
			if !hasVal {
				if i+1 >= len(args) {
					return nil, usagef("flag --%s needs a value", name)
				}
				i++
				val = args[i]
			}
			p.vals[name] = append(p.vals[name], val)
		} else if hasVal {
			b, err := strconv.ParseBool(val)
			if err != nil {
				return nil, usagef("flag --%s: want true or false, got %q", name, val)
			}
			p.set[name] = b
			continue
		}
		p.set[name] = true
	}
	return p, nil
}

func (p *parsed) last(name string) (string, bool) {
	v := p.vals[name]
	if len(v) == 0 {
		return "", false
	}
	return v[len(v)-1], true
}

func (p *parsed) intFlag(name string) (int, bool, error) {
	s, ok := p.last(name)
	if !ok {
		return 0, false, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, false, usagef("flag --%s: want a non-negative integer, got %q", name, s)
	}
	return n, true, nil
}

func onePositional(p *parsed, what string) (string, error) {
	if len(p.pos) != 1 {
		return "", usagef("want exactly one %s, got %d arguments\n%s", what, len(p.pos), usage)
	}
	return p.pos[0], nil
}

// userError marks an error as the user's (exit 2).
type userError struct{ err error }

func (e *userError) Error() string { return e.err.Error() }
func (e *userError) Unwrap() error { return e.err }

func isUserError(err error) bool {
	var ue *usageError
	var u2 *userError
	var se *pde.SpecError
	var es pde.Errors
	var ie *pinn.InputError
	return errors.As(err, &ie) || errors.As(err, &ue) || errors.As(err, &u2) || errors.As(err, &se) || errors.As(err, &es)
}

// loadSpec loads a spec with the command line's overrides; every failure is
// a user error.
func loadSpec(path string, sets []string) (*pde.Spec, error) {
	spec, err := pde.Load(path, sets)
	if err != nil {
		return nil, &userError{err}
	}
	return spec, nil
}

// printWarnings writes the loader's warnings (rows outside the domain, ...)
// on stderr, one a line; they do not stop a command.
func printWarnings(spec *pde.Spec, stderr io.Writer) {
	for _, w := range spec.Warnings {
		fmt.Fprintln(stderr, w)
	}
}

// checkSpec makes every check train makes before training.
func checkSpec(spec *pde.Spec, path string) error {
	if err := pinn.Check(spec.Problem, pinn.OptionsFromSpec(spec)); err != nil {
		return &userError{fmt.Errorf("%s: %w", path, err)}
	}
	return nil
}

func cmdValidate(args []string, stdout, stderr io.Writer) error {
	p, err := parseArgs(args, flagSpec{"quiet": false, "set": true})
	if err != nil {
		return err
	}
	path, err := onePositional(p, "spec file")
	if err != nil {
		return err
	}
	if len(p.vals["set"]) == 0 && sweep.IsSweepFile(path) {
		// a sweep file: its spec with every override, and the expansion
		sw, err := sweep.Load(path)
		if err != nil {
			return &userError{err}
		}
		if !p.set["quiet"] {
			fmt.Fprintf(stdout, "ok (sweep of %d runs)\n", sw.Count())
		}
		return nil
	}
	spec, err := loadSpec(path, p.vals["set"])
	if err != nil {
		return err
	}
	printWarnings(spec, stderr)
	if err := checkSpec(spec, path); err != nil {
		return err
	}
	if !p.set["quiet"] {
		fmt.Fprintln(stdout, "ok")
	}
	return nil
}

// worldComm is the communicator of a train or resume launch: one rank, or
// with -tags mpi the ranks mpirun/srun started (data-parallel training). A
// binary without MPI started as several ranks exits 2: each rank would
// train its own copy into one directory.
func worldComm() (comm.Comm, error) {
	c, err := comm.World()
	if err != nil {
		return nil, usagef("%v", err)
	}
	return c, nil
}

// checkOneRank refuses a launch as several MPI ranks for the commands that
// do not train data-parallel.
func checkOneRank(cmd string) error {
	c, err := worldComm()
	if err != nil {
		return err
	}
	if c.Size() > 1 {
		return usagef("%s: started as %d MPI ranks; only train and resume run data-parallel: run %s as one process", cmd, c.Size(), cmd)
	}
	return nil
}

func cmdTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	p, err := parseArgs(args, flagSpec{"out": true, "steps": true, "seed": true, "set": true, "quiet": false})
	if err != nil {
		return err
	}
	world, err := worldComm()
	if err != nil {
		return err
	}
	lead := world.Rank() == 0
	path, err := onePositional(p, "spec file")
	if err != nil {
		return err
	}
	sets := append([]string(nil), p.vals["set"]...)
	if s, ok := p.last("seed"); ok {
		if _, err := strconv.ParseUint(s, 10, 64); err != nil {
			return usagef("flag --seed: want a non-negative integer, got %q", s)
		}
		sets = append(sets, "seed="+s)
	}
	if d, ok := p.last("out"); ok {
		if d == "" {
			return usagef("flag --out: empty directory name")
		}
		sets = append(sets, "output.dir="+strconv.Quote(d))
	}
	steps, _, err := p.intFlag("steps")
	if err != nil {
		return err
	}
	spec, err := loadSpec(path, sets)
	if err != nil {
		return err
	}
	if lead {
		printWarnings(spec, stderr)
	}
	if err := checkSpec(spec, path); err != nil {
		return err
	}
	opts := pinn.OptionsFromSpec(spec)
	if opts.OutDir == "" {
		opts.OutDir = filepath.Join("results", spec.Problem.Name)
	}
	opts.MaxSteps = steps
	opts.Comm = world
	memoryPolicy(spec)
	if !lead {
		// the other ranks of a data-parallel run train silently; rank 0
		// writes the run directory and reports
		res, err := pinn.Train(ctx, spec.Problem, opts)
		return finishRun(res, err, opts.OutDir, io.Discard, stderr, true)
	}
	if err := os.MkdirAll(opts.OutDir, 0o755); err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	// the run directory is ours before anything is written into it (the
	// data copies below); Train takes the same lock again as a no-op
	unlock, err := pinn.LockRun(opts.OutDir)
	if err != nil {
		return err
	}
	defer unlock()
	yml, err := runSpecYAML(spec, opts.OutDir)
	if err != nil {
		return err
	}
	opts.SpecYAML = yml
	attachProgress(&opts, p.set["quiet"], stdout, stderr)
	res, err := pinn.Train(ctx, spec.Problem, opts)
	return finishRun(res, err, opts.OutDir, stdout, stderr, p.set["quiet"])
}

// runSpecYAML copies the data files into RUN_DIR/data/ and returns the spec
// as run, referring to the copies.
func runSpecYAML(spec *pde.Spec, dir string) ([]byte, error) {
	var copyErr error
	used := map[string]string{}
	rename := func(name, src string) string {
		if src == "" {
			return src
		}
		// src is already resolved against the spec's directory.
		dst := filepath.Join("data", filepath.Base(src))
		if prev, ok := used[dst]; ok && prev != src {
			// two data files of the same name from different directories
			dst = filepath.Join("data", name+"-"+filepath.Base(src))
		}
		used[dst] = src
		data, err := os.ReadFile(src)
		if err == nil {
			err = os.MkdirAll(filepath.Join(dir, "data"), 0o755)
		}
		if err == nil {
			tmp := filepath.Join(dir, dst+".tmp")
			if err = os.WriteFile(tmp, data, 0o644); err == nil {
				err = os.Rename(tmp, filepath.Join(dir, dst))
			}
		}
		if err != nil && copyErr == nil {
			copyErr = fmt.Errorf("copy data %q: %w", name, err)
		}
		return dst
	}
	yml, err := spec.MarshalRun(rename)
	if err != nil {
		return nil, err
	}
	return yml, copyErr
}

func attachProgress(opts *pinn.Options, quiet bool, stdout, stderr io.Writer) {
	tty := false
	if f, ok := stderr.(*os.File); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	if tty && !quiet {
		var last time.Time
		opts.Progress = func(p pinn.Progress) {
			if time.Since(last) < 100*time.Millisecond && p.Step != p.Total {
				return
			}
			last = time.Now()
			fmt.Fprintf(stderr, "\r\033[K%s", progressLine(p))
		}
		opts.Log = func(line string) { fmt.Fprintf(stderr, "\r\033[K%s\n", line) }
		return
	}
	opts.Log = func(line string) { fmt.Fprintln(stdout, line) }
}

func progressLine(p pinn.Progress) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s step %d/%d  loss %.3e", p.Stage, p.Step, p.Total, p.Loss)
	for _, k := range sortedNames(p.Losses) {
		fmt.Fprintf(&sb, " %s %.2e", k, p.Losses[k])
	}
	for _, k := range sortedNames(p.RelL2) {
		fmt.Fprintf(&sb, "  rel_l2(%s) %.2e", k, p.RelL2[k])
	}
	fmt.Fprintf(&sb, "  %.1f it/s  ETA %s", p.ItPerSec, p.ETA.Round(time.Second))
	return sb.String()
}

func sortedNames[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

func finishRun(res *pinn.Result, err error, dir string, stdout, stderr io.Writer, quiet bool) error {
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) && !quiet {
		fmt.Fprintln(stderr)
	}
	if errors.Is(err, pinn.ErrInterrupted) {
		return &interruptedError{dir: dir}
	}
	if err != nil {
		return err
	}
	s := res.Summary
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s: %s after %d steps in %.1f s, loss %.3e", s.Name, s.Status, s.Steps, s.WallSeconds, s.Loss)
	for _, k := range sortedNames(s.RelL2) {
		fmt.Fprintf(&sb, ", rel_l2(%s) %.3e", k, s.RelL2[k])
	}
	for _, k := range sortedNames(s.Parameters) {
		fmt.Fprintf(&sb, ", %s = %.6g", k, s.Parameters[k])
	}
	fmt.Fprintf(&sb, "; outputs in %s", dir)
	fmt.Fprintln(stdout, sb.String())
	return nil
}

func cmdResume(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	p, err := parseArgs(args, flagSpec{"steps": true, "quiet": false})
	if err != nil {
		return err
	}
	world, err := worldComm()
	if err != nil {
		return err
	}
	dir, err := onePositional(p, "run directory")
	if err != nil {
		return err
	}
	if st, err := os.Stat(filepath.Join(dir, "checkpoint.npz")); err != nil || st.IsDir() {
		return usagef("%s: no checkpoint.npz to resume from", dir)
	}
	steps, _, err := p.intFlag("steps")
	if err != nil {
		return err
	}
	if spec, err := pde.Load(filepath.Join(dir, "spec.yaml"), nil); err == nil {
		memoryPolicy(spec)
	}
	opts := pinn.Options{MaxSteps: steps, Comm: world}
	quiet := p.set["quiet"] || world.Rank() > 0
	if world.Rank() > 0 {
		stdout = io.Discard
	}
	attachProgress(&opts, quiet, stdout, stderr)
	res, err := pinn.ResumeRun(ctx, dir, opts)
	if err != nil && !errors.Is(err, pinn.ErrInterrupted) && res == nil {
		var se *pde.SpecError
		var es pde.Errors
		if errors.As(err, &se) || errors.As(err, &es) {
			return &userError{err}
		}
	}
	return finishRun(res, err, dir, stdout, stderr, quiet)
}

// largeFirstLayer is the size of the first weight matrix (inputs × width)
// above which memoryPolicy applies: 4M weights, 32 MB per copy.
const largeFirstLayer = 4 << 20

// memoryPolicy lowers the garbage collector's heap target for models with a
// huge first layer (100K-D problems: 12.8M weights, about 1.3 GB live).
// Go lets the heap grow to twice the live data before collecting, which
// there means ~2.9 GB peak; at GOGC=25 the peak stays near the live size
// for a few percent more collector time (a step takes seconds). GOGC or
// GOMEMLIMIT in the environment take precedence.
func memoryPolicy(spec *pde.Spec) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	prob := spec.Problem
	in := len(prob.Variables)
	if prob.Vector != nil {
		in = prob.Vector.Dim + len(prob.Variables) - 1
	}
	if len(spec.Model.Layers) > 0 && in*spec.Model.Layers[0] >= largeFirstLayer {
		debug.SetGCPercent(25)
	}
}

func cmdEval(args []string, stdout io.Writer) error {
	p, err := parseArgs(args, flagSpec{"points": true, "out": true})
	if err != nil {
		return err
	}
	dir, err := onePositional(p, "run directory")
	if err != nil {
		return err
	}
	in, ok := p.last("points")
	if !ok {
		return usagef("eval needs --points FILE.csv")
	}
	m, err := pinn.LoadRun(dir)
	if err != nil {
		return &userError{err}
	}
	out, _ := p.last("out")
	if err := m.PredictCSV(in, out, stdout); err != nil {
		return err
	}
	return nil
}

func versionString() string {
	v := "devel"
	deps := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, d := range bi.Deps {
			if d.Path == "gorgonia.org/gorgonia" {
				deps = ", gorgonia " + d.Version
			}
		}
		return fmt.Sprintf("pinntrain %s (%s%s, matmul %s)", v, bi.GoVersion, deps, autodiff.BLAS())
	}
	return "pinntrain " + v
}
