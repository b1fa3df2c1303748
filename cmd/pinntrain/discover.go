package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/gopinn/gopinn/pinn"
	"github.com/gopinn/gopinn/pinn/symreg"
)

// cmdDiscover re-runs the symbolic regression of the hidden terms of a
// finished run:
//
//	pinntrain discover RUN_DIR [--degree N] [--extra EXPR]... [--max-rel-error E] [--threshold T] [--form strong|weak] [--hidden NAME]
//
// The options start from each hidden term's spec library
// (hidden.<name>.library) and the flags given replace the matching ones
// (--extra replaces the spec's extra terms); with --hidden NAME the flags
// apply to that hidden term only (the others keep their spec's library). It rewrites the run's
// hidden_<name>.txt and the hidden entries of summary.json, and prints one
// line per hidden term.
func cmdDiscover(args []string, stdout io.Writer) error {
	p, err := parseArgs(args, flagSpec{"hidden": true, "degree": true, "extra": true, "max-rel-error": true, "threshold": true, "form": true, "quiet": false})
	if err != nil {
		return err
	}
	dir, err := onePositional(p, "run directory")
	if err != nil {
		return err
	}
	if st, err := os.Stat(filepath.Join(dir, "checkpoint.npz")); err != nil || st.IsDir() {
		return usagef("%s: not a run directory (no checkpoint.npz)", dir)
	}
	var degree *int
	if s, ok := p.last("degree"); ok {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 8 {
			return usagef("flag --degree: want an integer from 0 to 8, got %q", s)
		}
		if n == 0 {
			n = -1 // the constant only (symreg: 0 means the default)
		}
		degree = &n
	}
	floatFlag := func(name string) (float64, bool, error) {
		s, ok := p.last(name)
		if !ok {
			return 0, false, nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || !(v > 0) {
			return 0, false, usagef("flag --%s: want a positive number, got %q", name, s)
		}
		return v, true, nil
	}
	maxRel, hasMaxRel, err := floatFlag("max-rel-error")
	if err != nil {
		return err
	}
	thr, hasThr, err := floatFlag("threshold")
	if err != nil {
		return err
	}
	form, hasForm := p.last("form")
	if hasForm && form != "strong" && form != "weak" {
		return usagef("flag --form: want strong or weak, got %q", form)
	}
	m, err := pinn.LoadRun(dir)
	if err != nil {
		return &userError{err}
	}
	only, hasOnly := p.last("hidden")
	if hasForm {
		for k := range m.Problem.Hidden {
			if !hasOnly || m.Problem.Hidden[k].Name == only {
				m.Problem.Hidden[k].Library.Form = form
			}
		}
	}
	opts := map[string]symreg.Options{}
	found := false
	for _, h := range m.Problem.Hidden {
		o := pinn.HiddenOptions(h)
		found = found || h.Name == only
		if hasOnly && h.Name != only {
			opts[h.Name] = o
			continue
		}
		if degree != nil {
			o.MaxDegree = *degree
		}
		if ex, ok := p.vals["extra"]; ok {
			o.Extra = ex
		}
		if hasMaxRel {
			o.MaxRelError = maxRel
		}
		if hasThr {
			o.Threshold = thr
		}
		opts[h.Name] = o
	}
	if len(m.Problem.Hidden) == 0 {
		return usagef("%s: the problem has no hidden terms", dir)
	}
	if hasOnly && !found {
		return usagef("flag --hidden: no hidden term %q", only)
	}
	ds, err := m.Discover(opts)
	if err != nil {
		if len(ds) == 0 {
			return err
		}
		// a bad --extra term is the user's
		return &userError{err}
	}
	names := make([]string, 0, len(ds))
	for n := range ds {
		names = append(names, n)
	}
	sort.Strings(names)
	if !p.set["quiet"] {
		for _, n := range names {
			d := ds[n]
			line := fmt.Sprintf("%s = %s  (rel_error %.3e, %d terms, %d samples", n, d.Best.Expression, d.Best.RelError, d.Best.Complexity, d.Samples)
			if d.RelL2 != nil {
				line += fmt.Sprintf("; network vs exact rel_l2 %.3e", *d.RelL2)
			}
			fmt.Fprintf(stdout, "%s); front in %s\n", line, filepath.Join(dir, "hidden_"+n+".txt"))
		}
	}
	return nil
}
