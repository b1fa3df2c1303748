package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn"
	"github.com/gopinn/gopinn/pinn/precond"
)

// studies are reproductions driven by Go code: each runs its experiments
// (configs under configs/papers/<name>/ or a Go program) and writes
// results/<name>.md itself, with the command, the hardware and the paper's
// numbers beside ours. quick cuts the runs short (a smoke test).
var studies = map[string]func(ctx context.Context, resultsDir string, quick bool, log io.Writer) error{
	"precond": func(_ context.Context, dir string, _ bool, _ io.Writer) error { return precond.Run(dir) },
}

// cmdReproduce runs the paper experiments under configs/papers/NAME/ (one
// spec per table row), each into results/papers/NAME/ROW, and prints the
// table of what each run measured. --quick cuts every run to a tenth of its
// planned steps (a smoke test, not a reproduction) and writes under
// results/quick/ instead.
func cmdReproduce(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	p, err := parseArgs(args, flagSpec{"quick": false, "quiet": false})
	if err != nil {
		return err
	}
	name, err := onePositional(p, "experiment name (or all)")
	if err != nil {
		return err
	}
	root := filepath.Join("configs", "papers")
	var dirs []string
	if name == "all" {
		ents, err := os.ReadDir(root)
		if err != nil {
			return usagef("reproduce: %v (run from the project root)", err)
		}
		for _, e := range ents {
			// a study with configs of its own (upinn) runs them itself
			if _, isStudy := studies[e.Name()]; e.IsDir() && !isStudy {
				dirs = append(dirs, e.Name())
			}
		}
		for s := range studies {
			dirs = append(dirs, s)
		}
		sort.Strings(dirs)
		dirs = slices.Compact(dirs) // a study may also have a configs folder

	} else {
		dirs = []string{name}
	}
	// a smoke test (--quick) writes its tables and runs under results/quick/,
	// so that it never overwrites the real ones (nor the completed runs that
	// GOPINN_STDE_REUSE takes)
	resultsDir := "results"
	if p.set["quick"] {
		resultsDir = filepath.Join("results", "quick")
	}
	for _, d := range dirs {
		if run, ok := studies[d]; ok {
			fmt.Fprintf(stdout, "== %s\n", d)
			if err := run(ctx, resultsDir, p.set["quick"], stdout); err != nil {
				return fmt.Errorf("reproduce %s: %w", d, err)
			}
			continue
		}
		files, _ := filepath.Glob(filepath.Join(root, d, "*.yaml"))
		sort.Strings(files)
		if len(files) == 0 {
			ents, _ := os.ReadDir(root)
			var names []string
			for _, e := range ents {
				if e.IsDir() {
					names = append(names, e.Name())
				}
			}
			return usagef("reproduce: no experiment %q under %s (have: %s)", d, root, strings.Join(names, ", "))
		}
		for _, f := range files {
			row := strings.TrimSuffix(filepath.Base(f), ".yaml")
			out := filepath.Join(resultsDir, "papers", d, row)
			targs := []string{f, "--out", out, "--quiet"}
			if p.set["quick"] {
				spec, err := loadSpec(f, nil)
				if err != nil {
					return err
				}
				targs = append(targs, "--steps", fmt.Sprint(max(1, plannedSteps(spec)/10)))
			}
			fmt.Fprintf(stdout, "== %s/%s\n", d, row)
			if err := cmdTrain(ctx, targs, stdout, stderr); err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
		}
	}
	return nil
}

// paperRun is one trained row of a paper reproduction.
type paperRun struct {
	Spec    *pde.Spec
	OutDir  string
	Planned int // optimizer steps of the whole plan (all stages)
	Summary pinn.Summary
	Wall    time.Duration
}

// plannedSteps is the number of optimizer steps a spec plans, all stages.
func plannedSteps(spec *pde.Spec) int { return pinn.PlannedSteps(pinn.OptionsFromSpec(spec)) }

// planString writes a spec's stages for a table: "2000 + 500", or with
// rounds "15000 + 1000 + 10 × (1000 + 1000)".
func planString(spec *pde.Spec) string {
	t := spec.Training
	s := fmt.Sprint(t.Steps)
	if t.Then != nil {
		s += fmt.Sprintf(" + %d", t.Then.Steps)
	}
	if r := t.Rounds; r != nil {
		if r.Then != nil {
			s += fmt.Sprintf(" + %d × (%d + %d)", r.Count, r.Steps, r.Then.Steps)
		} else {
			s += fmt.Sprintf(" + %d × %d", r.Count, r.Steps)
		}
	}
	return s
}

// trainPaperRow trains configs/papers/<study>/<row>.yaml through the library
// into <resultsDir>/papers/<study>/<row>, cut to maxSteps if > 0 (quick: a
// tenth of the plan, if less), with plain log lines to logf. A run that
// fails is returned with its error so the table can say so; the context's
// cancellation is the caller's to check.
func trainPaperRow(ctx context.Context, study, row, resultsDir string, quick bool, maxSteps int, logf func(string)) (paperRun, error) {
	r := paperRun{OutDir: filepath.Join(resultsDir, "papers", study, row)}
	spec, err := pde.Load(filepath.Join("configs", "papers", study, row+".yaml"), nil)
	if err != nil {
		return r, err
	}
	r.Spec, r.Planned = spec, plannedSteps(spec)
	opts := pinn.OptionsFromSpec(spec)
	opts.OutDir = r.OutDir
	if quick {
		opts.MaxSteps = max(1, r.Planned/10)
	}
	if maxSteps > 0 && (opts.MaxSteps == 0 || maxSteps < opts.MaxSteps) {
		opts.MaxSteps = maxSteps
	}
	if err := os.MkdirAll(opts.OutDir, 0o755); err != nil {
		return r, err
	}
	if opts.SpecYAML, err = runSpecYAML(spec, opts.OutDir); err != nil {
		return r, err
	}
	opts.Log = logf
	logf("start")
	start := time.Now()
	out, err := pinn.Train(ctx, spec.Problem, opts)
	r.Wall = time.Since(start)
	if out != nil {
		r.Summary = out.Summary
	}
	return r, err
}

// writeResult writes a results table atomically (a temporary file renamed
// over path), creating its folder: a reproduction cut short leaves the
// previous table whole.
func writeResult(path, text string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
