package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gopinn/gopinn/autodiff"
)

// The SDGD study's classic problems (PAPERS.md §2): HJB-LIN and
// Black-Scholes-Barenblatt, whose operators are sums over the coordinates,
// trained with sparse STDE over 16 sampled coordinates per point
// (configs/papers/sdgd/: the specs, their sweep, README.md's notes). The
// table shows the least error over the evaluations beside the final one,
// and the peak memory.

func init() { paperRenderers["sdgd"] = renderSDGD }

func renderSDGD(rep *paperReport) (string, error) {
	rows, err := rep.Rows()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	rep.header(&b)
	fmt.Fprintf(&b, "Build: pure Go (%s); float64.\n\n", autodiff.BLAS())
	b.WriteString("| row | d | steps | rel L2 (min over evals) | final rel L2 | it/s | peak RSS MB | wall s | status |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		d := 0
		if v := r.Spec.Problem.Vector; v != nil {
			d = v.Dim
		}
		if len(r.Done) == 0 {
			fmt.Fprintf(&b, "| %s | %d | — | — | — | — | — | — | %s |\n", r.Label(), d, r.Status())
			continue
		}
		s := r.Done[0]
		fmt.Fprintf(&b, "| %s | %d | %d | %s | %s | %.1f | %.0f | %.0f | %s |\n", r.Label(), d, s.Steps,
			fmtE(minColumn(filepath.Join(r.DoneDirs[0], "metrics.csv"), "rel_l2_u")), fmtE(s.RelL2["u"]), s.StepsPerSecond, s.PeakRSSMB, s.WallSeconds, r.Status())
	}
	if rep.Notes != "" {
		fmt.Fprintf(&b, "\n%s\n", rep.Notes)
	}
	return b.String(), nil
}
