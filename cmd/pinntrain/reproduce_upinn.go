package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gopinn/gopinn/pinn"
)

func init() { paperRenderers["upinn"] = renderUPINN }

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

// renderUPINN writes results/upinn.md from the sweep over
// configs/papers/upinn (the UPINN rows of the paper): for each run it
// re-reads the symbolic regression of each hidden term and judges it
// against upinnRows' targets.
func renderUPINN(rep *paperReport) (string, error) {
	rows, err := rep.Rows()
	if err != nil {
		return "", err
	}
	var results []upinnResult
	for _, r := range rows {
		i := slices.IndexFunc(upinnRows, func(u upinnRow) bool { return u.File == r.Key+".yaml" })
		if i < 0 {
			return "", fmt.Errorf("configs/papers/upinn: no targets for row %s", r.Key)
		}
		row := upinnRows[i]
		if len(r.Done) == 0 {
			for _, t := range row.Targets {
				results = append(results, upinnResult{row: row, t: t, coef: math.NaN(), reason: r.Status()})
			}
			continue
		}
		rs, err := upinnCollect(row, r.DoneDirs[0])
		if err != nil {
			return "", fmt.Errorf("%s: %w", r.DoneDirs[0], err)
		}
		results = append(results, rs...)
	}
	var sb strings.Builder
	rep.header(&sb)
	writeUPINNMarkdown(&sb, results, rep.Notes)
	return sb.String(), nil
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

func writeUPINNMarkdown(w io.Writer, rs []upinnResult, notes string) {
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
		for _, k := range sortedNames(r.fieldErr) {
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
	fmt.Fprintf(w, "\n%s\n", notes)
	fmt.Fprintf(w, "\nPaper and published figures beside ours:\n\n")
	seen := map[string]bool{}
	for _, r := range rs {
		if !seen[r.row.File] {
			seen[r.row.File] = true
			fmt.Fprintf(w, "- `%s`: %s\n", r.row.File, r.row.Paper)
		}
	}
}
