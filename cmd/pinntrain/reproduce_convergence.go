package main

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"github.com/gopinn/gopinn/pinn"
)

// Training that converges: configs/papers/convergence/ holds pairs of
// specs (a feature on, and the same spec with it off) and the sweep over
// them; its paper.csv gives each row's study, label and whether it is the
// row with the feature (whose verdict judges the pair).

func init() { paperRenderers["convergence"] = renderConvergence }

// convResult is one row as the table shows it.
type convResult struct {
	row     paperRow
	feature bool
	sum     pinn.Summary // the row's run (one seed)
	causal  float64      // min causal slab weight at the end (NaN: none)
	err     error        // not done
}

func (r convResult) study() string { return r.row.Paper["study"] }

func renderConvergence(rep *paperReport) (string, error) {
	rows, err := rep.Rows()
	if err != nil {
		return "", err
	}
	var res []convResult
	for _, row := range rows {
		r := convResult{row: row, feature: row.Paper["feature"] == "yes", causal: math.NaN()}
		if len(row.Done) == 0 {
			r.err = errors.New(row.Status())
		} else {
			r.sum = *row.Done[0]
			r.causal = lastColumn(filepath.Join(row.DoneDirs[0], "metrics.csv"), "causal_min_")
		}
		res = append(res, r)
	}
	return convergenceTable(rep, res), nil
}

func relOf(s pinn.Summary) float64 {
	if v, ok := s.RelL2["u"]; ok {
		return v
	}
	return math.NaN()
}

// convVerdict judges a pair: (a) the baseline must be >= 10 % and the
// Fourier run <= 1e-2; (b), (c) the feature must beat the baseline.
func convVerdict(base, feat convResult) string {
	if base.err != nil || feat.err != nil {
		return "no verdict (a run failed)"
	}
	b, f := relOf(base.sum), relOf(feat.sum)
	if strings.HasPrefix(feat.study(), "(a)") {
		var miss []string
		if !(b >= 0.1) {
			miss = append(miss, fmt.Sprintf("baseline %.2e below the 10 %% it should show", b))
		}
		if !(f <= 1e-2) {
			miss = append(miss, fmt.Sprintf("Fourier %.2e above 1e-2", f))
		}
		if len(miss) == 0 {
			return fmt.Sprintf("met (baseline >= 1e-1, Fourier <= 1e-2; %.0fx lower)", b/f)
		}
		return "missed: " + strings.Join(miss, "; ")
	}
	if f < b {
		return fmt.Sprintf("met (%.1fx lower)", b/f)
	}
	return fmt.Sprintf("missed (%.2fx the baseline's error)", f/b)
}

func convergenceTable(rep *paperReport, res []convResult) string {
	var b strings.Builder
	rep.header(&b)
	fmt.Fprintf(&b, "Each study is a pair of specs that differ only in the feature; both runs have the same network, points, optimizer and steps (the budget column).\n\n")
	fmt.Fprintf(&b, "| study | run | spec | rel. L2 (u) | budget: steps | wall time | it/s | notes | target |\n")
	fmt.Fprintf(&b, "|---|---|---|---|---|---|---|---|---|\n")
	for i, r := range res {
		verdict := ""
		if r.feature && i > 0 {
			verdict = convVerdict(res[i-1], r)
		}
		spec := "`" + filepath.Join(rep.Dir, r.row.Key+".yaml") + "`"
		if r.err != nil {
			fmt.Fprintf(&b, "| %s | %s | %s | %v | | | | | %s |\n", r.study(), r.row.Label(), spec, r.err, verdict)
			continue
		}
		var notes []string
		if len(r.sum.Weights) > 0 {
			var ws []string
			for _, k := range sortedNames(r.sum.Weights) {
				ws = append(ws, fmt.Sprintf("%s %.3g", k, r.sum.Weights[k]))
			}
			notes = append(notes, "final factors: "+strings.Join(ws, ", "))
		}
		if !math.IsNaN(r.causal) {
			notes = append(notes, fmt.Sprintf("last slab weight %.2g", r.causal))
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %.2e | %d / %d Adam | %.1f s | %.1f | %s | %s |\n", r.study(), r.row.Label(), spec, relOf(r.sum),
			r.sum.Steps, plannedSteps(r.row.Spec), r.sum.WallSeconds, r.sum.StepsPerSecond, strings.Join(notes, "; "), verdict)
	}
	if rep.Notes != "" {
		fmt.Fprintf(&b, "\n%s\n", rep.Notes)
	}
	for i, r := range res {
		if !r.feature || i == 0 {
			continue
		}
		if v := convVerdict(res[i-1], r); strings.HasPrefix(v, "missed") {
			fmt.Fprintf(&b, "\n%s %s: the loss histories are in %s and %s (metrics.csv); a run still descending at its last step ran out of budget.\n",
				r.study(), v, res[i-1].row.Dirs[0], r.row.Dirs[0])
		}
	}
	return b.String()
}
