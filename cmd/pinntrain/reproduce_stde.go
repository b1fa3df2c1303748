package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gopinn/gopinn/autodiff"
	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn"
)

// The STDE study (the paper's two- and three-body problems on the unit
// ball, its semilinear parabolic problems, and its speed claims):
// configs/papers/stde/ holds the specs and eight sweeps over them (the
// protocol rows, the seed spread, the semilinear rows, the speed rows and
// 5 steps at 100K-D); paper.csv the paper's figures. Beside the sweeps the
// table needs one measurement that is not a training, the PyTorch SDGD
// timing (benchmarks/sdgd_torch.py), kept like a completed run: measured
// when its file is missing.

func init() { paperRenderers["stde"] = renderSTDE }

// stdeRun is what the STDE tables show of one row (its first run).
type stdeRun struct {
	row                       paperRow
	dim, points               int
	steps, planned            int
	minRel, lastRel, baseline float64
	itps, rss, wall           float64
	done                      bool
}

func stdeOf(r paperRow) stdeRun {
	s := stdeRun{row: r, minRel: math.NaN(), lastRel: math.NaN(), baseline: math.NaN(), planned: plannedSteps(r.Spec)}
	if v := r.Spec.Problem.Vector; v != nil {
		s.dim = v.Dim
	}
	if eqs := r.Spec.Problem.Equations; len(eqs) > 0 {
		s.points = eqs[0].Points
	}
	if len(r.Done) == 0 {
		return s
	}
	sum, dir := r.Done[0], r.DoneDirs[0]
	s.done = true
	s.steps, s.itps, s.rss, s.wall, s.lastRel = sum.Steps, sum.StepsPerSecond, sum.PeakRSSMB, sum.WallSeconds, sum.RelL2["u"]
	s.minRel = minColumn(filepath.Join(dir, "metrics.csv"), "rel_l2_u")
	s.baseline = bestConstant(filepath.Join(dir, "prediction.csv"))
	return s
}

// method is the row's derivatives.method (stde or taylor).
func (s stdeRun) method() string { return s.row.Spec.Derivatives.Method }

func renderSTDE(rep *paperReport) (string, error) {
	rows, err := rep.Rows()
	if err != nil {
		return "", err
	}
	by := map[string][]stdeRun{} // sweep file name → its rows
	for _, r := range rows {
		by[r.Sweep] = append(by[r.Sweep], stdeOf(r))
	}
	var b strings.Builder
	rep.header(&b)
	fmt.Fprintf(&b, "Build: pure Go (%s); float64. Every run is its own process: its peak RSS is its own.\n\n", autodiff.BLAS())
	b.WriteString(stdeProtocolText)
	b.WriteString("| problem | d | steps run / planned | rel L2 (min over evals) | final rel L2 | best-constant baseline | paper rel L2 | within 2x of the paper | it/s (ours) | paper it/s (A100) | peak RSS MB | wall s | status |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range by["protocol"] {
		paper, its := orDash(r.row.Paper["paper"]), orDash(r.row.Paper["paper_its"])
		if !r.done {
			fmt.Fprintf(&b, "| %s | %d | — | | | | %s | | | %s | | | %s |\n", r.row.Label(), r.dim, paper, its, r.row.Status())
			continue
		}
		within := "—"
		if p, err := strconv.ParseFloat(paper, 64); err == nil && r.steps == r.planned {
			within = fmt.Sprintf("%s (%.2fx)", yesNo(r.minRel <= 2*p), r.minRel/p)
		}
		fmt.Fprintf(&b, "| %s | %d | %d / %d | %s | %s | %s | %s | %s | %.2f | %s | %.0f | %.0f | %s |\n", r.row.Label(), r.dim, r.steps, r.planned,
			fmtE(r.minRel), fmtE(r.lastRel), fmtE(r.baseline), paper, within, r.itps, its, r.rss, r.wall, r.row.Status())
	}
	b.WriteString("\nThe best-constant baseline is the error of u = (1 - |x|²)·k with the best k: at high d the exact solution is close to it, so compare errors with it. Rows that ran fewer steps than planned (--quick) are cut runs of the same plan: their error is not comparable to the paper's.\n\n")
	writeSTDESeeds(&b, by["protocol"], by["seeds"])
	writeSTDESpeed(&b, rep, by)
	writeSTDESemilinear(&b, by["semilinear"])
	if h := by["huge"]; len(h) > 0 {
		b.WriteString("\n## 100K-D: how far 2 cores go\n\n")
		r := h[0]
		if !r.done {
			fmt.Fprintf(&b, "`configs/papers/stde/huge.yaml`: %s.\n", r.row.Status())
		} else {
			fmt.Fprintf(&b, "`configs/papers/stde/huge.yaml` (d = %d, %d steps, one evaluation on %d points): %.1f s/step (wall %.1f s in all, set-up %.0f s and evaluation %.0f s included), peak RSS %.0f MB; the paper (A100, d = 100,000): 283 it/s, 1063 MB; 10,000 steps would take about %.1f h here. ",
				r.dim, r.steps, r.row.Spec.Evaluation.Points, 1/r.itps, r.wall, r.row.Done[0].SetupSeconds, r.row.Done[0].EvalSeconds, r.rss, 10000/r.itps/3600)
		}
		b.WriteString(stdeHugeText)
	}
	if rep.Notes != "" {
		fmt.Fprintf(&b, "\n%s\n", rep.Notes)
	}
	return b.String(), nil
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "no"
}

// writeSTDESeeds writes the seed spread: two-body Allen–Cahn, seed 0 (the
// protocol row) and the seeds sweep's, each its own network, points and c.
func writeSTDESeeds(b *strings.Builder, protocol, seeds []stdeRun) {
	if len(seeds) == 0 {
		return
	}
	b.WriteString(stdeSeedsText)
	b.WriteString("| d | seed | \\|Σc\\|/√(d-1) | rel L2 (min over evals) | final rel L2 | best-constant baseline | it/s | wall s |\n|---|---|---|---|---|---|---|---|\n")
	var flats []string
	for _, d := range []int{100, 1000, 10000} {
		var all []stdeRun
		for _, r := range append(append([]stdeRun(nil), protocol...), seeds...) {
			if r.dim == d && strings.HasPrefix(r.row.Key, "two_body_allen_cahn_") {
				all = append(all, r)
			}
		}
		sum, n, flat := 0.0, 0, 0
		paper := ""
		for _, r := range all {
			if p := r.row.Paper["paper"]; p != "" {
				paper = p
			}
			seed := r.row.Spec.Seed
			c := pde.NormalVector(d-1, seed)
			sc := 0.0
			for _, v := range c {
				sc += v
			}
			if !r.done {
				fmt.Fprintf(b, "| %d | %d | %.3f | %s | | | | |\n", d, seed, math.Abs(sc)/math.Sqrt(float64(d-1)), r.row.Status())
				continue
			}
			fmt.Fprintf(b, "| %d | %d | %.3f | %s | %s | %s | %.2f | %.0f |\n", d, seed, math.Abs(sc)/math.Sqrt(float64(d-1)), fmtE(r.minRel), fmtE(r.lastRel), fmtE(r.baseline), r.itps, r.wall)
			if r.steps == r.planned {
				sum += r.minRel
				n++
				if r.minRel > r.baseline/1.5 {
					flat++
				}
			}
		}
		if n == 0 {
			continue
		}
		p, _ := strconv.ParseFloat(paper, 64)
		mean := sum / float64(n)
		fmt.Fprintf(b, "| %d | **mean of %d** | | **%s** | | | paper (mean of 5): %s | within 2x: **%s (%.2fx)** |\n", d, n, fmtE(mean), paper, yesNo(mean <= 2*p), mean/p)
		flats = append(flats, fmt.Sprintf("%d of %d at d = %d", flat, n, d))
	}
	if len(flats) == 0 {
		b.WriteString("\n")
		return
	}
	fmt.Fprintf(b, "\nSeeds whose best error stayed within 1.5x of their best-constant baseline (the network learned the mean (1 - |x|²)·sin(1)·Σc and little of the rest): %s.\n\n", strings.Join(flats, ", "))
}

// writeSTDESpeed writes the speed sections: STDE against the exact Taylor
// Laplacian, and against PyTorch SDGD.
func writeSTDESpeed(b *strings.Builder, rep *paperReport, by map[string][]stdeRun) {
	side := append(append([]stdeRun(nil), by["speed_side"]...), by["speed_side_10000d"]...)
	b.WriteString("## Sparse STDE (|J| = 16) vs the exact Taylor Laplacian (all d coordinates), two-body Allen-Cahn\n\n")
	b.WriteString("Same spec, a few steps each (`speed_side.yaml`, `speed_side_10000d.yaml`; it/s over the run, graph build excluded). At 10K-D the exact Laplacian needs d jets per point, ten times more memory at 100 points than at 10 (more than this machine has), so both methods run on 10 points per step there.\n\n")
	b.WriteString("| d | points/step | STDE it/s | exact Taylor it/s | ratio | target | paper ratio (STDE / Forward Laplacian, A100) |\n|---|---|---|---|---|---|---|\n")
	paperRatio := map[int]string{100: "0.93", 1000: "4.2", 10000: "18.3"}
	whole := map[int]float64{} // ours, whole steps on 100 points
	for _, d := range []int{100, 1000, 10000} {
		var st, ta *stdeRun
		for i := range side {
			if r := &side[i]; r.dim == d && r.done {
				if r.method() == "taylor" {
					ta = r
				} else {
					st = r
				}
			}
		}
		if st != nil && st.points == 100 {
			whole[d] = st.itps
		}
		if st == nil || ta == nil {
			if st != nil || ta != nil {
				fmt.Fprintf(b, "| %d | | | | not both run | | |\n", d)
			}
			continue
		}
		target := ""
		if d == 10000 {
			target = fmt.Sprintf("≥ 30x: %s", map[bool]string{true: "met", false: "missed"}[st.itps/ta.itps >= 30])
		}
		fmt.Fprintf(b, "| %d | %d | %.2f | %.3f | %.1fx | %s | %s |\n", d, st.points, st.itps, ta.itps, st.itps/ta.itps, target, paperRatio[d])
	}
	for _, r := range by["speed_whole"] {
		if r.done {
			whole[r.dim] = r.itps
		}
	}
	fixed := map[int]float64{}
	for _, r := range by["speed_fixed"] {
		if r.done {
			fixed[r.dim] = r.itps
		}
	}
	b.WriteString(stdeTorchText)
	b.WriteString("| d | torch it/s (training) | torch it/s (whole step) | torch peak RSS MB | ours it/s (whole step) | ours / torch (whole step) | target | ours it/s (fixed points) | ours / torch (training) | paper SDGD PyTorch it/s (A100) |\n|---|---|---|---|---|---|---|---|---|---|\n")
	dims := []int{100, 1000, 10000}
	if rep.Quick {
		dims = dims[:1]
	}
	for _, d := range dims {
		m, err := torchTiming(rep, d, map[int]int{100: 100, 1000: 20, 10000: 3}[d])
		if err != nil {
			fmt.Fprintf(b, "| %d | %v | | | | | | | | |\n", d, err)
			continue
		}
		tr, _ := m["it_per_s"].(float64)
		tot, _ := m["it_per_s_step"].(float64)
		our, ratio, target := "—", "—", ""
		if o, ok := whole[d]; ok && tot > 0 {
			our, ratio = fmt.Sprintf("%.2f", o), fmt.Sprintf("%.1fx", o/tot)
			if d == 10000 {
				target = fmt.Sprintf("≥ 100x: %s", map[bool]string{true: "met", false: "missed"}[o/tot >= 100])
			}
		}
		fix, fratio := "—", "—"
		if f, ok := fixed[d]; ok && tr > 0 {
			fix, fratio = fmt.Sprintf("%.2f", f), fmt.Sprintf("%.1fx", f/tr)
		}
		fmt.Fprintf(b, "| %d | %.3f | %.3f | %.0f | %s | %s | %s | %s | %s | %s |\n", d, tr, tot, m["peak_rss_mb"], our, ratio, target, fix, fratio, map[int]string{100: "55.6", 1000: "3.70", 10000: "1.85"}[d])
	}
}

// torchTiming is the PyTorch SDGD timing at dimension d: read from
// RESULTS/papers/stde/torch_<d>d.json, else (unless --collect) measured by
// benchmarks/sdgd_torch.py and kept there, like a completed run.
func torchTiming(rep *paperReport, d, steps int) (map[string]any, error) {
	path := filepath.Join(rep.Results, "papers", "stde", fmt.Sprintf("torch_%dd.json", d))
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && !rep.Collect {
		fmt.Fprintf(rep.Log, "stde: PyTorch SDGD at %d-D, %d steps\n", d, steps)
		cmd := exec.CommandContext(rep.Ctx, "/usr/bin/python3", "benchmarks/sdgd_torch.py", "--dim", strconv.Itoa(d), "--steps", strconv.Itoa(steps))
		var errb strings.Builder
		cmd.Stderr = &errb
		out, rerr := cmd.Output()
		if rerr != nil {
			return nil, fmt.Errorf("not measured: %v %s", rerr, lastLine(errb.String()))
		}
		data = out
		if err = writeResult(path, string(out)); err != nil {
			return nil, err
		}
	}
	if err != nil {
		return nil, fmt.Errorf("not measured (%s)", path)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return m, nil
}

// writeSTDESemilinear writes the semilinear rows: u at the origin at the
// paper's final time (the spec's t = 0: time to go) against the reference.
func writeSTDESemilinear(b *strings.Builder, semi []stdeRun) {
	if len(semi) == 0 {
		return
	}
	b.WriteString(stdeSemilinearText)
	b.WriteString("| problem | d | steps | u(x = 0, t = 0.3) ours | reference | rel. L1 error | paper STDE rel. L1 | it/s | wall s |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range semi {
		ref, paper := r.row.Paper["reference"], orDash(r.row.Paper["paper"])
		if !r.done {
			fmt.Fprintf(b, "| %s | %d | %s | | %s | | %s | | |\n", r.row.Label(), r.dim, r.row.Status(), ref, paper)
			continue
		}
		at0, err := valueAt(r.row.DoneDirs[0], []float64{0, 0})
		if err != nil {
			fmt.Fprintf(b, "| %s | %d | %d | %v | %s | | %s | | |\n", r.row.Label(), r.dim, r.steps, err, ref, paper)
			continue
		}
		v, _ := strconv.ParseFloat(ref, 64)
		fmt.Fprintf(b, "| %s | %d | %d | %.5f | %s | %.2e | %s | %.1f | %.0f |\n", r.row.Label(), r.dim, r.steps, at0, ref, math.Abs(at0-v)/math.Abs(v), paper, r.itps, r.wall)
	}
}

// The prose of results/stde.md beside its tables.
const (
	stdeProtocolText   = "Protocol (PAPERS.md §1): u = (1 - |x|²)·MLP(x), d-128-128-128-1 tanh, 100 fresh ball-radial points per step, sparse STDE with |J| = 16 coordinates per point (re-drawn every step), Adam lr 1e-3 linear to 0 over 10,000 planned steps, relative L2 on 20,000 fixed ball-radial test points every 1000 steps (minimum reported, final beside it), seed 0 (the paper: the mean of 5 seeds; the seed spread below gives it for Allen-Cahn at 100, 1K and 10K-D). The forcing g = L u* is computed at every step's new points from the exact solution by a float64 forward Laplacian (pde/expr CompileVector, O(d) per point), checked against finite differences; it is inside every it/s below. Rows that ran fewer steps than planned are cut runs of the same plan (the learning rate is where the full run's would be): their error is NOT comparable to the paper's.\n\n"
	stdeSeedsText      = "## Seed spread: two-body Allen-Cahn, the paper's mean of 5 seeds\n\n"
	stdeTorchText      = "\n## PyTorch SDGD reference on the same problem (benchmarks/sdgd_torch.py, 2 threads, float64, 100 points, 16 sampled dimensions)\n\n" + "SDGD as its code does it: one first-order autograd pass per sampled dimension over the gradient. \"training\" times the network work only (as the script always has); \"whole step\" adds drawing the points and the closed-form forcing, like our it/s. Ours, measured alone in this run with 100 points per step: \"whole step\" draws new points and evaluates the forcing every step (the 100-point STDE rows above; at 10K-D a 30-step row of its own); \"fixed points\" keeps one point set (the forcing evaluated once, the coordinates still drawn every step): the network's share, to set beside torch's \"training\". Our forcing is the general float64 evaluation of lap(exact(u)) + ... from the spec (two sincos per coordinate and point), torch's a hand-written closed form.\n\n"
	stdeSemilinearText = "\n## Semilinear parabolic problems (the paper's Tables 7-9)\n\n" + "u_t = lap(u) + F(u) on R^d × [0, 0.3], u(x, 0) = g(x) = 5/(10 + 2|x|²) with F = (1 - u²)/(1 + u²) (heat) or sin u (Sine-Gordon), g(x) = arctan(max_i x_i) with F = u - u³ (Allen-Cahn; `max(x)` with one argument is the maximum over the coordinates, its Laplacian that of the active coordinate). The specs use the time to go (their t = 0.3 - the paper's t): u_t + lap(u) + F(u) = 0, u(x, 0.3) = g(x), and the value compared is u(0, 0); heat and Sine-Gordon impose the data by u = g(x) + (0.3 - t)·N, Allen-Cahn by a loss term on the slice t = 0.3 (200 points x ~ N(0, 0.6·I) per step: its data have kinks where two coordinates tie, whose singular Laplacian a transform would drop from the residual); residual points t ~ U[0, 0.3], x ~ N(0, 2tI) (`sampler: gaussian-time`: the heat kernel's spread from the origin; in the forward time the same points would crowd the origin at the start and miss it at the end, where u is compared), 200 per step, 10 sampled coordinates (sparse STDE; at d = 10 all of them), d-128-128-128-1 tanh (the paper: width 1024, depth 4, 2000 points), Adam lr 1e-3 linear to 0, seed 0. Error: relative L1 of u at the origin at the paper's t = 0.3 against the multilevel-Picard reference (PAPERS.md). Configs `configs/papers/stde/semilinear_*.yaml`.\n\n"
	stdeHugeText       = "Memory: test points are redrawn block by block at each evaluation when they would not fit (20,000 × 100K coordinates would be 16 GB), predictor blocks are capped at 32 MiB; what remains is the model (12.8M parameters: θ, gradient, Adam moments, Gorgonia's weight and gradient tensors). What keeps the peak down with no environment setting: the first layer builds no gradient for the fed points (autodiff.InputMatMul, no P×d input gradient and no transpose of W1), checkpoints are written from the live arrays instead of copies, and for a first layer of 4M weights or more pinntrain sets the collector's target to GOGC=25 (the heap may otherwise grow to twice the live data; GOGC or GOMEMLIMIT in the environment take precedence). Target ≤ 2 GB at 100K-D.\n"
)

// valueAt is the trained field at one point (reporting columns: |x|, t) of
// a run directory.
func valueAt(dir string, pt []float64) (float64, error) {
	m, err := pinn.LoadRun(dir)
	if err != nil {
		return math.NaN(), err
	}
	f, _, err := m.Predict([][]float64{pt})
	if err != nil {
		return math.NaN(), err
	}
	return f[0][0], nil
}

func fmtE(x float64) string {
	if math.IsNaN(x) || x == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2e", x)
}

// bestConstant is the relative L2 error of the best network that outputs a
// constant k under the hard constraint, u = (1 - |x|²)k, on the test points:
// k = <u*, q>/<q, q>, q = 1 - |x|² (PAPERS.md: at high d u* is dominated by
// (1 - |x|²) sin(1) Σc, so this baseline is already small).
func bestConstant(predCSV string) float64 {
	hdr, cols, err := csvColumns(predCSV)
	if err != nil {
		return math.NaN()
	}
	var r, ex []float64
	for i, h := range hdr {
		switch h {
		case pde.RadialName:
			r = cols[i]
		case "exact_u":
			ex = cols[i]
		}
	}
	if r == nil || ex == nil {
		return math.NaN()
	}
	var uq, qq, uu float64
	for i := range r {
		q := 1 - r[i]*r[i]
		uq += ex[i] * q
		qq += q * q
		uu += ex[i] * ex[i]
	}
	k := uq / qq
	var num float64
	for i := range r {
		e := ex[i] - k*(1-r[i]*r[i])
		num += e * e
	}
	return math.Sqrt(num / uu)
}
