package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn"
	"github.com/gopinn/gopinn/pinn/precond"
	"github.com/gopinn/gopinn/sweep"
)

// A paper reproduction is a folder configs/papers/NAME/ holding its specs,
// one or more sweep files over them (files with a spec: key), the paper's
// numbers (paper.csv, one row per table row) and the prose of its table
// (README.md: a title line, then the notes). `pinntrain reproduce NAME`
// runs every sweep of the folder, exactly as `pinntrain sweep` does
// (completed runs are skipped, interrupted ones resumed, --jobs workers),
// then writes results/NAME.md from the sweeps' tables: by the paper's own
// renderer where it shows more than the common columns (paperRenderers),
// else by renderPaperTable.

// studies are reproductions that are not trainings: each writes its
// results/<name>.md itself.
var studies = map[string]func(ctx context.Context, resultsDir string, quick bool, log io.Writer) error{
	"precond": func(_ context.Context, dir string, _ bool, _ io.Writer) error { return precond.Run(dir) },
}

// paperRenderers write results/<name>.md of the papers whose tables show
// more than renderPaperTable's columns.
var paperRenderers = map[string]func(*paperReport) (string, error){}

// papersRoot is where the reproductions live, relative to the project root.
var papersRoot = filepath.Join("configs", "papers")

type reproduceOptions struct {
	quick, quiet, collect bool
	jobs                  int
}

// cmdReproduce runs the reproduction NAME (or all of them).
func cmdReproduce(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	p, err := parseArgs(args, flagSpec{"quick": false, "quiet": false, "collect": false, "jobs": true})
	if err != nil {
		return err
	}
	name, err := onePositional(p, "experiment name (or all)")
	if err != nil {
		return err
	}
	o := reproduceOptions{quick: p.set["quick"], quiet: p.set["quiet"], collect: p.set["collect"], jobs: 1}
	if j, ok, err := p.intFlag("jobs"); err != nil {
		return err
	} else if ok {
		if j < 1 {
			return usagef("flag --jobs: want at least 1, got %d", j)
		}
		o.jobs = j
	}
	have, err := reproductions()
	if err != nil {
		return err
	}
	names := []string{name}
	if name == "all" {
		names = have
	} else if !slices.Contains(have, name) {
		return usagef("reproduce: no experiment %q under %s (have: %s)", name, papersRoot, strings.Join(have, ", "))
	}
	// a smoke test (--quick) writes its tables and runs under
	// results/quick/, so that it never overwrites the real ones
	resultsDir := "results"
	if o.quick {
		resultsDir = filepath.Join("results", "quick")
	}
	for _, n := range names {
		fmt.Fprintf(stdout, "== %s\n", n)
		if run, ok := studies[n]; ok {
			if err := run(ctx, resultsDir, o.quick, stdout); err != nil {
				return fmt.Errorf("reproduce %s: %w", n, err)
			}
			continue
		}
		if err := reproducePaper(ctx, n, resultsDir, o, stdout, stderr); err != nil {
			return err
		}
	}
	return nil
}

// reproductions lists the studies and the folders of configs/papers that
// hold a sweep file, sorted.
func reproductions() ([]string, error) {
	ents, err := os.ReadDir(papersRoot)
	if err != nil {
		return nil, usagef("reproduce: %v (run from the project root)", err)
	}
	var out []string
	for _, e := range ents {
		if files, _ := paperSweeps(filepath.Join(papersRoot, e.Name())); e.IsDir() && len(files) > 0 {
			out = append(out, e.Name())
		}
	}
	for s := range studies {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out, nil
}

// paperSweeps are the sweep files of a reproduction's folder, sorted.
func paperSweeps(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range files {
		if sweep.IsSweepFile(f) {
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out, nil
}

// paperReport is one reproduction after its sweeps ran: what a renderer
// writes the table from.
type paperReport struct {
	Name    string // the folder's name: rad, engd, ...
	Dir     string // configs/papers/NAME
	Command string // the command that wrote the table
	Quick   bool
	Sweeps  []paperSweep
	Paper   map[string]map[string]string // paper.csv: row key → column → text
	Title   string                       // README.md's first line, without "# "
	Notes   string                       // the rest of README.md
	Wall    time.Duration                // this invocation
	Results string                       // results, or results/quick
	// Collect is --collect: a renderer measures nothing (torchTiming).
	Collect bool
	// Ctx and Log are for what a renderer measures beside the sweeps.
	Ctx context.Context
	Log io.Writer
}

// paperSweep is one sweep of a reproduction and its collected table.
type paperSweep struct {
	File  string
	Sweep *sweep.Sweep
	Out   string
	Table *sweep.Table
}

// paperRow is one table row of a reproduction (a spec × grid point × zip
// row of one of its sweeps) with everything its runs left.
type paperRow struct {
	Sweep string          // the sweep file's name without .yaml
	Key   string          // the spec's file name without .yaml; overrides appended as " path=value"
	Spec  *pde.Spec       // the row's spec with its overrides
	Cells sweep.TableRow  // mean, std and min of the done runs' figures
	Dirs  []string        // every run directory of the row (one per seed)
	Done  []*pinn.Summary // the summaries of its done runs, in seed order
	// DoneDirs are the done runs' directories, beside Done
	DoneDirs []string
	Sums     []*pinn.Summary   // every run's summary (nil: not run)
	Paper    map[string]string // its paper.csv row (nil: none)
}

// Label is the row's paper.csv label, else its key.
func (r *paperRow) Label() string {
	if l := r.Paper["label"]; l != "" {
		return l
	}
	return r.Key
}

// Status says how the row's runs stand: "completed" when all are done,
// else how many of how many, and what the others are.
func (r *paperRow) Status() string {
	counts := map[string]int{}
	for _, s := range r.Sums {
		switch {
		case s == nil:
			counts["not run"]++
		default:
			counts[s.Status]++
		}
	}
	if len(counts) == 1 {
		for k := range counts {
			return k
		}
	}
	var parts []string
	for _, k := range sortedNames(counts) {
		parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
	}
	return strings.Join(parts, ", ")
}

// Mean is the mean of a figure over the row's done runs (NaN: none).
func (r *paperRow) Mean(figure string) float64 {
	if v, ok := r.Cells.Mean[figure]; ok {
		return v
	}
	return math.NaN()
}

// Rows returns the table rows of every sweep, in sweep and run order.
func (rep *paperReport) Rows() ([]paperRow, error) {
	var rows []paperRow
	for _, ps := range rep.Sweeps {
		byPoint := make([][]sweep.Run, len(ps.Table.Rows))
		for _, r := range ps.Sweep.Runs() {
			byPoint[r.Point] = append(byPoint[r.Point], r)
		}
		for pt, cells := range ps.Table.Rows {
			row := paperRow{Cells: cells, Sweep: strings.TrimSuffix(filepath.Base(ps.File), ".yaml")}
			for _, r := range byPoint[pt] {
				dir := sweep.RunDir(ps.Out, r.Index)
				row.Dirs = append(row.Dirs, dir)
				s, err := readSummary(filepath.Join(dir, "summary.json"))
				if err != nil {
					s = nil
				}
				row.Sums = append(row.Sums, s)
				if s != nil && ps.Sweep.Done(dir) {
					row.Done, row.DoneDirs = append(row.Done, s), append(row.DoneDirs, dir)
				}
				if row.Spec == nil {
					spec, err := pde.Load(r.Spec, r.Sets())
					if err != nil {
						return nil, fmt.Errorf("%s: run %d: %w", ps.File, r.Index, err)
					}
					row.Spec = spec
					row.Key = strings.TrimSuffix(filepath.Base(r.Spec), ".yaml")
					for _, o := range r.Overrides {
						if o.Path != sweep.SpecColumn {
							row.Key += " " + o.Path + "=" + o.Value
						}
					}
				}
			}
			row.Paper = rep.Paper[row.Key]
			rows = append(rows, row)
		}
	}
	return rows, nil
}

// reproducePaper runs the sweeps of configs/papers/NAME and writes
// RESULTS/NAME.md.
func reproducePaper(ctx context.Context, name, resultsDir string, o reproduceOptions, stdout, stderr io.Writer) error {
	dir := filepath.Join(papersRoot, name)
	files, err := paperSweeps(dir)
	if err != nil {
		return err
	}
	rep := &paperReport{Name: name, Dir: dir, Quick: o.quick, Command: "pinntrain reproduce " + name,
		Results: resultsDir, Collect: o.collect, Ctx: ctx, Log: stdout}
	if o.quick {
		rep.Command += " --quick"
	}
	if rep.Paper, err = readPaperCSV(filepath.Join(dir, "paper.csv")); err != nil {
		return &userError{err}
	}
	if rep.Title, rep.Notes, err = readNotes(filepath.Join(dir, "README.md")); err != nil {
		return &userError{err}
	}
	start := time.Now()
	var failed []string
	interrupted, lastOut := false, ""
	for _, f := range files {
		sw, err := sweep.Load(f)
		if err != nil {
			return &userError{err}
		}
		out := sw.Out
		if o.quick {
			out = quickDir(out)
			sw.MaxSteps = quickSteps(sw)
		}
		if err := os.MkdirAll(out, 0o755); err != nil {
			return fmt.Errorf("sweep directory: %w", err)
		}
		if err := sw.WriteIndex(out); err != nil {
			return fmt.Errorf("write sweep.csv: %w", err)
		}
		if !o.collect && !interrupted {
			if !o.quiet {
				fmt.Fprintf(stdout, "%s: %d runs into %s\n", f, sw.Count(), out)
			}
			fs, in := outcomes(runSweep(ctx, f, sw, out, sw.Runs(), o.jobs, false, o.quiet, stdout, stderr))
			failed = append(failed, fs...)
			interrupted, lastOut = in || ctx.Err() != nil, out
		}
		t, err := sw.WriteTables(out)
		if err != nil {
			return fmt.Errorf("write tables: %w", err)
		}
		rep.Sweeps = append(rep.Sweeps, paperSweep{File: f, Sweep: sw, Out: out, Table: t})
	}
	rep.Wall = time.Since(start)
	render := paperRenderers[name]
	if render == nil {
		render = renderPaperTable
	}
	text, err := render(rep)
	if err != nil {
		return fmt.Errorf("reproduce %s: %w", name, err)
	}
	path := filepath.Join(resultsDir, name+".md")
	if err := writeResult(path, text); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", path)
	switch {
	case interrupted:
		return &interruptedError{dir: lastOut}
	case len(failed) > 0:
		return fmt.Errorf("reproduce %s: %d run(s) failed (%s)", name, len(failed), failed[0])
	}
	return nil
}

// quickDir is where a --quick run of a sweep writes: results/quick/...
// for a sweep under results/, else results/quick/<out>.
func quickDir(out string) string {
	if rel, err := filepath.Rel("results", out); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.Join("results", "quick", rel)
	}
	return filepath.Join("results", "quick", out)
}

// quickSteps is the --quick cut: a tenth of the shortest plan of the
// sweep's specs, at least 1 and at most 100 steps (a smoke test of every
// row, the 10K-D ones included, in minutes).
func quickSteps(sw *sweep.Sweep) int {
	n := math.MaxInt
	for _, sf := range sw.Specs {
		if spec, err := pde.Load(sf.Path, nil); err == nil {
			n = min(n, plannedSteps(spec))
		}
	}
	if n == math.MaxInt {
		return 1
	}
	return min(100, max(1, n/10))
}

// readPaperCSV reads a reproduction's paper.csv: a header whose first
// column is row (the table row's key), then one line per row. A missing
// file is no paper numbers.
func readPaperCSV(path string) (map[string]map[string]string, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 || recs[0][0] != "row" {
		return nil, fmt.Errorf("%s:1: the header's first column must be row (the table row's key: the spec's file name without .yaml)", path)
	}
	out := map[string]map[string]string{}
	for i, rec := range recs[1:] {
		m := map[string]string{}
		for j, h := range recs[0] {
			m[h] = strings.TrimSpace(rec[j])
		}
		if _, dup := out[m["row"]]; dup {
			return nil, fmt.Errorf("%s:%d: row %q appears twice", path, i+2, m["row"])
		}
		out[m["row"]] = m
	}
	return out, nil
}

// readNotes splits README.md into its title (the first line's "# ...")
// and the rest.
func readNotes(path string) (title, notes string, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", "", nil
	}
	if err != nil {
		return "", "", err
	}
	first, rest, _ := strings.Cut(string(b), "\n")
	if !strings.HasPrefix(first, "# ") {
		return "", "", fmt.Errorf("%s:1: want a title line \"# ...\"", path)
	}
	return strings.TrimPrefix(first, "# "), strings.TrimSpace(rest), nil
}

// header writes a results file's title, command, date and hardware.
func (rep *paperReport) header(b *strings.Builder) {
	title := rep.Title
	if title == "" {
		title = rep.Name
	}
	fmt.Fprintf(b, "# %s\n\n", title)
	var outs []string
	for _, s := range rep.Sweeps {
		outs = append(outs, "`"+s.Out+"`")
	}
	fmt.Fprintf(b, "Generated by `%s` (from the project root; %s) in %s, %s.\n", rep.Command, rep.sweepList(), rep.Wall.Round(time.Second), time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(b, "Runs: `<dir>/runs/<i>/`, their tables `<dir>/table.csv`, for dir %s. Completed runs are not trained again: ", strings.Join(outs, ", "))
	fmt.Fprintf(b, "delete a run's directory to retrain it; a row's wall time is its own run's.\n")
	fmt.Fprintf(b, "Hardware: %s (shared machine: wall times are indicative).\n\n", precond.Hardware())
	if rep.Quick {
		fmt.Fprintf(b, "**Quick run (--quick): every run cut to a tenth of the shortest plan of its sweep, at most 100 steps; a smoke test, not the reproduction.**\n\n")
	}
}

// sweepList names the sweep files.
func (rep *paperReport) sweepList() string {
	var fs []string
	for _, s := range rep.Sweeps {
		fs = append(fs, "`"+s.File+"`")
	}
	if len(fs) == 1 {
		return "sweep " + fs[0]
	}
	return "sweeps " + strings.Join(fs, ", ")
}

// renderPaperTable writes the common table: per row the paper's figure
// (paper.csv column paper), ours (the mean over the done runs of the
// figure in column figure, default rel_l2_u; ± std and n with several
// seeds), the target (column target: a number, met when ours is at most
// it), the steps run of the plan, wall time, it/s and status; then the
// verdicts and README.md's notes.
func renderPaperTable(rep *paperReport) (string, error) {
	rows, err := rep.Rows()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	rep.header(&b)
	b.WriteString("| row | paper | ours | target | steps run (plan) | wall s | it/s | status |\n|---|---|---|---|---|---|---|---|\n")
	var verdicts []string
	for _, r := range rows {
		fig := r.Paper["figure"]
		if fig == "" {
			fig = "rel_l2_u"
		}
		ours := "—"
		v := r.Mean(fig)
		if len(r.Done) > 0 {
			ours = fmt.Sprintf("%.2e", v)
			if len(r.Done) > 1 {
				ours += fmt.Sprintf(" ± %.1e (%d seeds, min %.2e)", r.Cells.Std[fig], len(r.Done), r.Cells.Min[fig])
			}
		}
		target := "—"
		if t := r.Paper["target"]; t != "" {
			var tv float64
			if _, err := fmt.Sscan(t, &tv); err != nil {
				return "", fmt.Errorf("paper.csv: row %s: target %q is not a number", r.Key, t)
			}
			target = "≤ " + t
			if len(r.Done) > 0 {
				if v <= tv {
					verdicts = append(verdicts, fmt.Sprintf("- %s: met (%.2e ≤ %s).", r.Label(), v, t))
				} else {
					verdicts = append(verdicts, fmt.Sprintf("- %s: **missed** by a factor %.1f (%.2e > %s).", r.Label(), v/tv, v, t))
				}
			}
		}
		steps := "—"
		if len(r.Done) > 0 {
			steps = fmt.Sprint(r.Done[0].Steps)
		}
		paper := r.Paper["paper"]
		if paper == "" {
			paper = "—"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s (%s) | %s | %s | %s |\n", r.Label(), paper, ours, target, steps, planString(r.Spec),
			meanText(r, "wall_seconds", "%.0f"), meanText(r, "steps_per_second", "%.1f"), r.Status())
	}
	fmt.Fprintf(&b, "\nours: the relative L2 error of u (or the figure paper.csv names) against the spec's exact solution or reference; the mean over seeds where a row has several.\n")
	if len(verdicts) > 0 {
		fmt.Fprintf(&b, "\n## Targets\n\n%s\n", strings.Join(verdicts, "\n"))
	}
	if rep.Notes != "" {
		fmt.Fprintf(&b, "\n%s\n", rep.Notes)
	}
	return b.String(), nil
}

// meanText formats a figure's mean over the row's done runs ("—": none).
func meanText(r paperRow, figure, format string) string {
	v := r.Mean(figure)
	if math.IsNaN(v) {
		return "—"
	}
	return fmt.Sprintf(format, v)
}

// csvColumns reads a CSV with a header (metrics.csv, prediction.csv)
// into its columns, row-aligned; a cell that is empty or not a number is
// NaN.
func csvColumns(path string) (header []string, cols [][]float64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) == 0 {
		return nil, nil, fmt.Errorf("%s: no header (%v)", path, err)
	}
	cols = make([][]float64, len(rows[0]))
	for _, r := range rows[1:] {
		for i := range cols {
			v := math.NaN()
			if i < len(r) {
				if x, err := strconv.ParseFloat(r[i], 64); err == nil {
					v = x
				}
			}
			cols[i] = append(cols[i], v)
		}
	}
	return rows[0], cols, nil
}

// metricsColumn is the column of a metrics.csv whose name starts with
// prefix (the first such), its empty and unparsable cells left out.
func metricsColumn(path, prefix string) []float64 {
	hdr, cols, err := csvColumns(path)
	if err != nil {
		return nil
	}
	for i, h := range hdr {
		if strings.HasPrefix(h, prefix) {
			var out []float64
			for _, v := range cols[i] {
				if !math.IsNaN(v) {
					out = append(out, v)
				}
			}
			return out
		}
	}
	return nil
}

// lastColumn is the last value of a metrics.csv column (NaN: none).
func lastColumn(path, prefix string) float64 {
	if c := metricsColumn(path, prefix); len(c) > 0 {
		return c[len(c)-1]
	}
	return math.NaN()
}

// minColumn is the least value of a metrics.csv column (NaN: none).
func minColumn(path, prefix string) float64 {
	c := metricsColumn(path, prefix)
	if len(c) == 0 {
		return math.NaN()
	}
	return slices.Min(c)
}

// plannedSteps is the number of optimizer steps a spec plans, all stages.
func plannedSteps(spec *pde.Spec) int { return pinn.PlannedSteps(pinn.OptionsFromSpec(spec)) }

// planString writes a spec's stages for a table: "2000 + 500", or with
// rounds "15000 + 1000 + 10 × (1000 + 1000)".
func planString(spec *pde.Spec) string {
	if spec == nil {
		return "—"
	}
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

func readSummary(path string) (*pinn.Summary, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s pinn.Summary
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, err
	}
	return &s, nil
}
