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
// planned steps (a smoke test, not a reproduction).
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
	for _, d := range dirs {
		if run, ok := studies[d]; ok {
			fmt.Fprintf(stdout, "== %s\n", d)
			if err := run(ctx, "results", p.set["quick"], stdout); err != nil {
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
			out := filepath.Join("results", "papers", d, row)
			targs := []string{f, "--out", out, "--quiet"}
			if p.set["quick"] {
				spec, err := loadSpec(f, nil)
				if err != nil {
					return err
				}
				total := spec.Training.Steps
				if spec.Training.Then != nil {
					total += spec.Training.Then.Steps
				}
				targs = append(targs, "--steps", fmt.Sprint(max(1, total/10)))
			}
			fmt.Fprintf(stdout, "== %s/%s\n", d, row)
			if err := cmdTrain(ctx, targs, stdout, stderr); err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
		}
	}
	return nil
}
