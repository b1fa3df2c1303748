package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gopinn/gopinn/pinn"
	"github.com/gopinn/gopinn/pinn/precond"
)

func init() { studies["upinn"] = reproduceUPINN }

// upinnTarget is what one hidden term of one row should come out as: the
// formula Coef*Term, the coefficient within RelTol (relative) or AbsTol
// (absolute), and the network within MaxRelL2 of the exact term (0: no
// target on it).
type upinnTarget struct {
	Hidden   string
	Term     string
	Coef     float64
	AbsTol   float64
	RelTol   float64
	MaxRelL2 float64
}

// upinnRow is one config under configs/papers/upinn.
type upinnRow struct {
	File    string // config file name
	Problem string
	Noise   string
	Targets []upinnTarget
	Paper   string // the paper's / a published reproduction's figure
}

var upinnRows = []upinnRow{
	{"lv_eps0.yaml", "Lotka–Volterra", "0", []upinnTarget{
		{"h1", "x*y", 0.9, 0.01, 0, 1e-2}, {"h2", "x*y", 0.8, 0.01, 0, 1e-2}},
		"paper: interaction recovered; published reproduction 0.895*x*y (true 0.9*x*y)"},
	{"lv_eps001.yaml", "Lotka–Volterra", "0.01", []upinnTarget{
		{"h1", "x*y", 0.9, 0, 0.05, 0}, {"h2", "x*y", 0.8, 0, 0.05, 0}}, "paper: recovered"},
	{"lv_eps005.yaml", "Lotka–Volterra", "0.05", []upinnTarget{
		{"h1", "x*y", 0.9, 0, 0.05, 0}, {"h2", "x*y", 0.8, 0, 0.05, 0}}, "paper: recovered"},
	{"lv_eps01.yaml", "Lotka–Volterra", "0.1", []upinnTarget{
		{"h1", "x*y", 0.9, 0, 0.05, 0}, {"h2", "x*y", 0.8, 0, 0.05, 0}}, "paper: recovered"},
	{"apoptosis.yaml", "cell apoptosis", "0", []upinnTarget{
		{"h", "x*y/(0.1 + x)", 0.4, 0, 0.05, 0}}, "paper: recovered (sparse data, 30 points)"},
	{"burgers.yaml", "viscous Burgers", "0", []upinnTarget{
		{"h", "u*u_x", 1, 0, 0.05, 0}}, "paper: recovered u*u_x"},
}

// upinnResult is what one hidden term of one row came out as.
type upinnResult struct {
	row      upinnRow
	t        upinnTarget
	relL2    *float64
	formula  string
	coef     float64 // of t.Term in the selected formula (NaN: absent)
	oneTerm  string  // the one-term model on the front
	ok       bool
	reason   string
	wall     float64
	fieldErr map[string]float64
}

// reproduceUPINN trains every config of configs/papers/upinn (the UPINN
// rows of PAPERS.md §3) into RESULTS/papers/upinn/ROW, re-reads the
// symbolic regression of each hidden term and writes RESULTS/upinn.md
// (RESULTS/upinn-quick.md with --quick, so a smoke test never overwrites the
// reproduction).
func reproduceUPINN(ctx context.Context, resultsDir string, quick bool, log io.Writer) error {
	root := filepath.Join("configs", "papers", "upinn")
	if _, err := os.Stat(root); err != nil {
		return usagef("reproduce upinn: %v (run from the project root)", err)
	}
	var results []upinnResult
	start := time.Now()
	for _, row := range upinnRows {
		f := filepath.Join(root, row.File)
		name := strings.TrimSuffix(row.File, ".yaml")
		out := filepath.Join(resultsDir, "papers", "upinn", name)
		args := []string{f, "--out", out, "--quiet"}
		if quick {
			spec, err := loadSpec(f, nil)
			if err != nil {
				return err
			}
			args = append(args, "--steps", fmt.Sprint(max(1, plannedSteps(spec)/10)))
		}
		fmt.Fprintf(log, "== upinn/%s\n", name)
		if err := cmdTrain(ctx, args, log, log); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		rs, err := upinnCollect(row, out)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		results = append(results, rs...)
	}
	cmd := "go run ./cmd/pinntrain reproduce upinn"
	file := "upinn.md"
	if quick {
		cmd += " --quick"
		file = "upinn-quick.md"
	}
	var sb strings.Builder
	writeUPINNMarkdown(&sb, results, cmd, precond.Hardware(), quick, time.Since(start))
	path := filepath.Join(resultsDir, file)
	if err := writeResult(path, sb.String()); err != nil {
		return err
	}
	fmt.Fprintf(log, "wrote %s\n", path)
	return nil
}

// upinnCollect reads a finished row: the regression of each hidden term
// (re-run with the spec's library, which rewrites the same files) and the
// summary.
func upinnCollect(row upinnRow, dir string) ([]upinnResult, error) {
	m, err := pinn.LoadRun(dir)
	if err != nil {
		return nil, err
	}
	ds, err := m.Discover(nil)
	if err != nil {
		return nil, err
	}
	var sum pinn.Summary
	data, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &sum); err != nil {
		return nil, err
	}
	var out []upinnResult
	for _, t := range row.Targets {
		d := ds[t.Hidden]
		r := upinnResult{row: row, t: t, coef: math.NaN(), wall: sum.WallSeconds, fieldErr: sum.RelL2}
		if d == nil {
			r.reason = "no hidden term " + t.Hidden
			out = append(out, r)
			continue
		}
		r.relL2 = d.RelL2
		r.formula = d.Best.Expression
		for _, term := range d.Best.Terms {
			if term.Expr == t.Term {
				r.coef = term.Coef
			}
		}
		for _, c := range d.Front {
			if c.Complexity == 1 {
				r.oneTerm = c.Expression
			}
		}
		var why []string
		switch {
		case len(d.Best.Terms) != 1:
			why = append(why, fmt.Sprintf("selected formula has %d terms", len(d.Best.Terms)))
		case math.IsNaN(r.coef):
			why = append(why, fmt.Sprintf("selected formula is not a multiple of %s", t.Term))
		default:
			e := math.Abs(r.coef - t.Coef)
			if t.AbsTol > 0 && e > t.AbsTol {
				why = append(why, fmt.Sprintf("|c - %g| = %.3g > %g", t.Coef, e, t.AbsTol))
			}
			if t.RelTol > 0 && e > t.RelTol*math.Abs(t.Coef) {
				why = append(why, fmt.Sprintf("c off by %.1f%% > %g%%", 100*e/math.Abs(t.Coef), 100*t.RelTol))
			}
		}
		if t.MaxRelL2 > 0 && (d.RelL2 == nil || *d.RelL2 > t.MaxRelL2) {
			why = append(why, fmt.Sprintf("network rel. L2 > %g", t.MaxRelL2))
		}
		r.ok = len(why) == 0
		r.reason = strings.Join(why, "; ")
		out = append(out, r)
	}
	return out, nil
}

func writeUPINNMarkdown(w io.Writer, rs []upinnResult, cmd, hw string, quick bool, wall time.Duration) {
	fmt.Fprintf(w, "# UPINN: hidden terms and their formulas (Podina, Eastman, Kohandel; ICML 2023)\n\n")
	if quick {
		fmt.Fprintf(w, "**Quick smoke test (every run cut to a tenth of its steps): not a reproduction.**\n\n")
	}
	fmt.Fprintf(w, "Generated by `%s` (%s in all) on %s, %s.\n", cmd, wall.Round(time.Second), hw, time.Now().UTC().Format("2006-01-02"))
	fmt.Fprintf(w, "Configs: `configs/papers/upinn/*.yaml`; runs in `results/papers/upinn/ROW/` (summary.json,\n")
	fmt.Fprintf(w, "hidden_<name>.txt with the Pareto front, hidden_<name>.png learned vs exact).\n\n")
	fmt.Fprintf(w, "A hidden network stands for an unknown term; it trains jointly with the solution network on\n")
	fmt.Fprintf(w, "the known part of the equations and the data; `pinn/symreg` (sparse regression over monomials up\n")
	fmt.Fprintf(w, "to the spec's degree plus its extra terms, PySR-style knee selection) then turns the network,\n")
	fmt.Fprintf(w, "sampled at the predicted inputs on the evaluation points, into a formula. \"rel. L2\" compares the\n")
	fmt.Fprintf(w, "network with the exact term at the same inputs; \"1-term fit\" is the best one-term model on the front.\n\n")
	fmt.Fprintf(w, "| problem | config | noise eps | hidden | target | net rel. L2 | fields rel. L2 | selected formula | c of target term | 1-term fit | met | wall |\n")
	fmt.Fprintf(w, "|---|---|---:|---|---|---:|---|---|---:|---|---|---:|\n")
	for _, r := range rs {
		rel := "–"
		if r.relL2 != nil {
			rel = fmt.Sprintf("%.2e", *r.relL2)
		}
		var fe []string
		for _, k := range sortedKeys(r.fieldErr) {
			fe = append(fe, fmt.Sprintf("%s %.1e", k, r.fieldErr[k]))
		}
		coef := "–"
		if !math.IsNaN(r.coef) {
			coef = fmt.Sprintf("%.4g", r.coef)
		}
		tol := ""
		if r.t.AbsTol > 0 {
			tol = fmt.Sprintf("±%g", r.t.AbsTol)
		} else {
			tol = fmt.Sprintf("±%g%%", 100*r.t.RelTol)
		}
		if r.t.MaxRelL2 > 0 {
			tol += fmt.Sprintf(", L2 ≤ %g", r.t.MaxRelL2)
		}
		met := "yes"
		if !r.ok {
			met = "**no**: " + r.reason
		}
		fmt.Fprintf(w, "| %s | `%s` | %s | %s | %g·%s (%s) | %s | %s | `%s` | %s | `%s` | %s | %.0f s |\n",
			r.row.Problem, r.row.File, r.row.Noise, r.t.Hidden, r.t.Coef, r.t.Term, tol, rel, strings.Join(fe, ", "),
			r.formula, coef, r.oneTerm, met, r.wall)
	}
	fmt.Fprint(w, upinnNotes)
	fmt.Fprintf(w, "\nPaper and published figures beside ours:\n\n")
	seen := map[string]bool{}
	for _, r := range rs {
		if !seen[r.row.File] {
			seen[r.row.File] = true
			fmt.Fprintf(w, "- `%s`: %s\n", r.row.File, r.row.Paper)
		}
	}
}

func sortedKeys(m map[string]float64) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// upinnNotes are the setup choices behind the table.
const upinnNotes = `
Setup (details in each config's header):

- Lotka–Volterra: x' = 1.3 x − h1(x, y), y' = −1.8 y + h2(x, y) (exact h1 = 0.9 x y, h2 = 0.8 x y),
  t ∈ [0, 3], initial state imposed by the output transform, 30 observations of (x, y) at
  t = 0.1, 0.2, ..., 3.0 from the DOPRI5 reference (` + "`evaluation.reference.ode`" + `), noise
  x_obs = x + eps·mean|x|·N(0,1) (` + "`noise_model: mean`" + `), seeded. Solution net 3×32 tanh, hidden nets
  2×16 tanh, Adam 3000 steps then L-BFGS 8000 (eps = 0) or 5000 (eps > 0) iterations. The noisy
  rows fit the formula in weak form (` + "`library.form: weak`" + `): with noise the solution network follows
  the observations and the hidden networks absorb its derivative's noise (they are 20–140 % off),
  so the formula is fitted to the integrals of each equation from t = 0 to the observation times,
  where the observations enter linearly (weak SINDy; README "Noisy data"). Their "net rel. L2"
  is still the hidden network's, which the weak form does not use.
- Cell apoptosis: the hidden term is the Michaelis–Menten degradation of x in x',
  h(x, y) = k2 x y/(j2 + x) = 0.4 x y/(0.1 + x); time rescaled to s = t/400; library degree 2 plus
  x·y/(0.1 + x) and y/(0.1 + y). y collapses from 0.097 to 0.0009 within the first 5% of the
  interval (t < 20), so the hidden term is only exercised where there are one or two of the 30
  observations.
- Burgers: u_t + h(u, u_x) = 0.01 u_xx, initial and wall values by the output transform; data: 640
  reference values (10 snapshots × 64 x), evaluation on the full 256 × 101 reference; Adam 10000
  (lr 3e-3 halved every 2500) + L-BFGS 5000.
- Model selection: ` + "`max_rel_error: 0.05`" + ` (simplest formula on the front whose error is within 5% of
  the best formula's: the Burgers network is 6 % off u·u_x at the steep front, which no library
  term fits).
  The default knee rule admits only models within twice the least cross-validated error, which on
  one trajectory (nearly collinear monomials) lets higher-order terms fit the network's own
  smooth error (a few 1e-3); the one-term fit shown beside it is what a parsimony bound selects.
`
