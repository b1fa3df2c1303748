package sweep

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// RunDir is where run i writes its outputs.
func RunDir(out string, i int) string { return filepath.Join(out, "runs", strconv.Itoa(i)) }

// summary is what the tables read of a run's summary.json.
type summary struct {
	Status         string             `json:"status"`
	Steps          int                `json:"steps"`
	Loss           float64            `json:"loss"`
	RelL2          map[string]float64 `json:"rel_l2"`
	Parameters     map[string]float64 `json:"parameters"`
	StepsPerSecond float64            `json:"steps_per_second"`
	WallSeconds    float64            `json:"wall_seconds"`
}

// Status reads the status of run dir's summary.json ("" if it has none).
func Status(dir string) string {
	s, err := readSummary(dir)
	if err != nil {
		return ""
	}
	return s.Status
}

// Done reports whether the run in dir needs no more training: its
// summary.json says completed or, when the sweep cuts its runs
// (MaxSteps), stopped at the cut or later.
func (s *Sweep) Done(dir string) bool {
	sum, err := readSummary(dir)
	return err == nil && s.done(sum)
}

func (s *Sweep) done(sum *summary) bool {
	return sum.Status == "completed" || s.MaxSteps > 0 && sum.Status == "stopped" && sum.Steps >= s.MaxSteps
}

func readSummary(dir string) (*summary, error) {
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		return nil, err
	}
	var s summary
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "summary.json"), err)
	}
	return &s, nil
}

// figures are a run's numbers by table name.
func (s *summary) figures() map[string]float64 {
	f := map[string]float64{"loss": s.Loss, "steps_per_second": s.StepsPerSecond, "wall_seconds": s.WallSeconds}
	for k, v := range s.RelL2 {
		f["rel_l2_"+k] = v
	}
	for k, v := range s.Parameters {
		f["parameters_"+k] = v
	}
	return f
}

// figureOrder sorts figure names: rel_l2_*, loss, parameters_*,
// steps_per_second, wall_seconds.
func figureOrder(names map[string]bool) []string {
	rank := func(n string) int {
		switch {
		case strings.HasPrefix(n, "rel_l2_"):
			return 0
		case n == "loss":
			return 1
		case strings.HasPrefix(n, "parameters_"):
			return 2
		case n == "steps_per_second":
			return 3
		}
		return 4
	}
	var out []string
	for n := range names {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool {
		if ri, rj := rank(out[i]), rank(out[j]); ri != rj {
			return ri < rj
		}
		return out[i] < out[j]
	})
	return out
}

// WriteIndex writes DIR/sweep.csv: index, seed, the spec (with several)
// and the overrides of every run.
func (s *Sweep) WriteIndex(out string) error {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(append([]string{"index", "seed"}, s.Paths()...))
	for _, r := range s.Runs() {
		row := []string{strconv.Itoa(r.Index), strconv.FormatUint(r.Seed, 10)}
		for _, o := range r.Overrides {
			row = append(row, o.Value)
		}
		w.Write(row)
	}
	w.Flush()
	return writeAtomic(filepath.Join(out, "sweep.csv"), b.Bytes())
}

// Table is the collected sweep: one row per grid point × zip row.
type Table struct {
	Paths   []string
	Figures []string
	Rows    []TableRow
}

// TableRow is one grid point × zip row over its seeds.
type TableRow struct {
	Overrides []Override
	Runs      int // done runs (seeds; Done)
	// Mean, Std (sample, n-1; 0 for one run) and Min by figure; absent
	// when no completed run has the figure.
	Mean, Std, Min map[string]float64
}

// Collect reads the summaries of the done runs under out (Done).
func (s *Sweep) Collect(out string) (*Table, error) {
	t := &Table{Paths: s.Paths()}
	points := s.Points()
	vals := make([]map[string][]float64, len(points))
	runs := make([]int, len(points))
	names := map[string]bool{}
	for _, r := range s.Runs() {
		sum, err := readSummary(RunDir(out, r.Index))
		if err != nil || !s.done(sum) {
			continue
		}
		runs[r.Point]++
		if vals[r.Point] == nil {
			vals[r.Point] = map[string][]float64{}
		}
		for k, v := range sum.figures() {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			vals[r.Point][k] = append(vals[r.Point][k], v)
			names[k] = true
		}
	}
	t.Figures = figureOrder(names)
	for pt, ov := range points {
		row := TableRow{Overrides: ov, Runs: runs[pt], Mean: map[string]float64{}, Std: map[string]float64{}, Min: map[string]float64{}}
		for k, xs := range vals[pt] {
			mean, mn := 0.0, math.Inf(1)
			for _, x := range xs {
				mean += x
				mn = math.Min(mn, x)
			}
			mean /= float64(len(xs))
			ss := 0.0
			for _, x := range xs {
				ss += (x - mean) * (x - mean)
			}
			std := 0.0
			if len(xs) > 1 {
				std = math.Sqrt(ss / float64(len(xs)-1))
			}
			row.Mean[k], row.Std[k], row.Min[k] = mean, std, mn
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// header is the tables' header row.
func (t *Table) header() []string {
	h := append(append([]string(nil), t.Paths...), "runs")
	for _, f := range t.Figures {
		h = append(h, f+"_mean", f+"_std", f+"_min")
	}
	return h
}

func (t *Table) cells(r TableRow, num func(float64) string) []string {
	var c []string
	for _, o := range r.Overrides {
		c = append(c, o.Value)
	}
	c = append(c, strconv.Itoa(r.Runs))
	for _, f := range t.Figures {
		for _, m := range []map[string]float64{r.Mean, r.Std, r.Min} {
			if v, ok := m[f]; ok {
				c = append(c, num(v))
			} else {
				c = append(c, "")
			}
		}
	}
	return c
}

// CSV is the table as CSV (full precision).
func (t *Table) CSV() []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(t.header())
	for _, r := range t.Rows {
		w.Write(t.cells(r, func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }))
	}
	w.Flush()
	return b.Bytes()
}

// Markdown is the table as Markdown (4 significant digits).
func (t *Table) Markdown() []byte {
	var b bytes.Buffer
	h := t.header()
	esc := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	row := func(cs []string) {
		b.WriteString("|")
		for _, c := range cs {
			b.WriteString(" " + esc(c) + " |")
		}
		b.WriteString("\n")
	}
	row(h)
	b.WriteString("|" + strings.Repeat("---|", len(h)) + "\n")
	for _, r := range t.Rows {
		row(t.cells(r, func(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }))
	}
	return b.Bytes()
}

// WriteTables collects the runs and writes DIR/table.csv and DIR/table.md,
// each atomically.
func (s *Sweep) WriteTables(out string) (*Table, error) {
	t, err := s.Collect(out)
	if err != nil {
		return nil, err
	}
	if err := writeAtomic(filepath.Join(out, "table.csv"), t.CSV()); err != nil {
		return nil, err
	}
	return t, writeAtomic(filepath.Join(out, "table.md"), t.Markdown())
}

// writeAtomic writes data to path through a temporary file of its own in
// the same directory (so that concurrent writers never tear it) and a
// rename.
func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}
