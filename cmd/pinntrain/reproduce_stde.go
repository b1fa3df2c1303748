package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn"
)

// The STDE study (PAPERS.md §1): two-body problems on the unit ball by
// sparse STDE, the exact Taylor Laplacian side by side, and a PyTorch SDGD
// timing reference (benchmarks/sdgd_torch.py). Step counts: the protocol's
// 10,000 unless GOPINN_STDE_STEPS (all rows) or GOPINN_STDE_STEPS_1K /
// GOPINN_STDE_STEPS_10K cap them; --quick runs 20 steps of the 100-D rows.

func init() { studies["stde"] = reproduceSTDE }

type stdeRow struct {
	op  string // allen_cahn | poisson | sine_gordon
	dim int
}

func (r stdeRow) config() string { return fmt.Sprintf("two_body_%s_%dd", r.op, r.dim) }

// paper numbers: STDE |J| = 16, rel L2 at 100D / 1K / 10K (PAPERS.md §1)
var stdePaper = map[string][3]string{
	"allen_cahn":  {"1.89e-2", "7.07e-4", "8.33e-4"},
	"poisson":     {"3.50e-3", "4.91e-4", "4.70e-3"},
	"sine_gordon": {"3.64e-3", "5.40e-4", "5.32e-3"},
}
var stdePaperIts = map[int]string{100: "1834", 1000: "1559", 10000: "588"}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

type stdeResult struct {
	row      stdeRow
	method   string
	steps    int
	planned  int
	minRel   float64
	lastRel  float64
	baseline float64
	itps     float64
	rss      float64
	wall     float64
	err      error
}

func reproduceSTDE(ctx context.Context, resultsDir string, quick bool, log io.Writer) error {
	cfgDir := filepath.Join("configs", "papers", "stde")
	out := filepath.Join(resultsDir, "papers", "stde")
	steps := envInt("GOPINN_STDE_STEPS", 10000)
	rows := []stdeRow{{"allen_cahn", 100}, {"poisson", 100}, {"sine_gordon", 100}, {"allen_cahn", 1000}, {"allen_cahn", 10000}}
	stepsFor := func(d int) int {
		switch {
		case quick:
			return 20
		case d == 1000:
			return envInt("GOPINN_STDE_STEPS_1K", steps)
		case d == 10000:
			return envInt("GOPINN_STDE_STEPS_10K", steps)
		}
		return steps
	}
	if quick {
		rows = rows[:1]
	}
	start := time.Now()
	var results []stdeResult
	for _, r := range rows {
		res := runSTDE(ctx, cfgDir, out, r, "stde", stepsFor(r.dim), quick, log)
		results = append(results, res)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	// side by side: STDE vs the exact Taylor Laplacian (B = d), same spec
	var side []stdeResult
	sideSteps := 10
	if quick {
		sideSteps = 3
	}
	for _, d := range []int{100, 1000} {
		if quick && d > 100 {
			break
		}
		n := sideSteps
		if d >= 1000 {
			n = max(2, sideSteps/5) // the exact Laplacian pushes d jets per point
		}
		for _, m := range []string{"stde", "taylor"} {
			side = append(side, runSTDE(ctx, cfgDir, filepath.Join(out, "speed"), stdeRow{"allen_cahn", d}, m, n, true, log))
		}
	}
	torch := map[int]string{}
	for _, d := range []int{100, 1000} {
		if quick && d > 100 {
			break
		}
		torch[d] = runTorchSDGD(ctx, d, max(2, sideSteps*100/d))
		fmt.Fprintf(log, "sdgd torch %dD: %s\n", d, torch[d])
	}
	return writeSTDETable(filepath.Join(resultsDir, "stde.md"), results, side, torch, quick, time.Since(start))
}

func runSTDE(ctx context.Context, cfgDir, out string, r stdeRow, method string, steps int, short bool, log io.Writer) stdeResult {
	res := stdeResult{row: r, method: method, minRel: math.NaN(), baseline: math.NaN()}
	spec, err := pde.Load(filepath.Join(cfgDir, r.config()+".yaml"), nil)
	if err != nil {
		res.err = err
		return res
	}
	opts := pinn.OptionsFromSpec(spec)
	opts.Derivatives.Method = method
	res.planned = spec.Training.Steps
	opts.MaxSteps = steps
	if short {
		// speed rows: few steps, one evaluation on fewer points
		opts.Evaluation.Points = 2000
		opts.Evaluation.Every = steps
	}
	opts.OutDir = filepath.Join(out, r.config()+"_"+method)
	fmt.Fprintf(log, "stde: %s %s, %d steps\n", r.config(), method, steps)
	opts.Log = func(line string) { fmt.Fprintf(log, "  %s\n", line) }
	s, err := pinn.Train(ctx, spec.Problem, opts)
	if err != nil {
		res.err = err
		return res
	}
	res.steps, res.itps, res.rss, res.wall = s.Summary.Steps, s.Summary.StepsPerSecond, s.Summary.PeakRSSMB, s.Summary.WallSeconds
	res.lastRel = s.Summary.RelL2["u"]
	if hdr, cols, err := readCSVCols(filepath.Join(opts.OutDir, "metrics.csv")); err == nil {
		for i, h := range hdr {
			if h == "rel_l2_u" {
				for _, v := range cols[i] {
					if math.IsNaN(res.minRel) || v < res.minRel {
						res.minRel = v
					}
				}
			}
		}
	}
	res.baseline = bestConstant(filepath.Join(opts.OutDir, "prediction.csv"))
	return res
}

// bestConstant is the relative L2 error of the best network that outputs a
// constant k under the hard constraint, u = (1 - |x|²)k, on the test points:
// k = <u*, q>/<q, q>, q = 1 - |x|² (PAPERS.md: at high d u* is dominated by
// (1 - |x|²) sin(1) Σc, so this baseline is already small).
func bestConstant(predCSV string) float64 {
	hdr, cols, err := readCSVCols(predCSV)
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

func runTorchSDGD(ctx context.Context, d, steps int) string {
	cmd := exec.CommandContext(ctx, "/usr/bin/python3", "benchmarks/sdgd_torch.py", "--dim", strconv.Itoa(d), "--steps", strconv.Itoa(steps))
	b, err := cmd.Output()
	if err != nil {
		return "failed: " + err.Error()
	}
	return strings.TrimSpace(string(b))
}

func fmtE(x float64) string {
	if math.IsNaN(x) || x == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2e", x)
}

func writeSTDETable(path string, rows, side []stdeResult, torch map[int]string, quick bool, wall time.Duration) error {
	var b strings.Builder
	b.WriteString("# STDE (Shi et al., NeurIPS 2024): two-body problems on the unit ball\n\n")
	fmt.Fprintf(&b, "Generated by `go run ./cmd/pinntrain reproduce stde%s` (env: GOPINN_STDE_STEPS=%s GOPINN_STDE_STEPS_1K=%s GOPINN_STDE_STEPS_10K=%s) in %.0f s.\n",
		map[bool]string{true: " --quick", false: ""}[quick], os.Getenv("GOPINN_STDE_STEPS"), os.Getenv("GOPINN_STDE_STEPS_1K"), os.Getenv("GOPINN_STDE_STEPS_10K"), wall.Seconds())
	fmt.Fprintf(&b, "Hardware: %s, %d cores visible (GOMAXPROCS %d), pure-Go BLAS; float64. Configs: `configs/papers/stde/`.\n\n", cpuModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0))
	b.WriteString("Protocol (PAPERS.md §1): u = (1 - |x|²)·MLP(x), d-128-128-128-1 tanh, 100 fresh ball-radial points per step, sparse STDE with |J| = 16 coordinates per point (re-drawn every step), Adam lr 1e-3 linear to 0 over 10,000 planned steps, relative L2 on 20,000 fixed ball-radial test points every 1000 steps (minimum reported), seed 0, one seed (the paper: mean of 5). The forcing g = L u* is computed from the exact solution by a float64 forward Laplacian (pde/expr CompileVector), checked against finite differences. Rows that ran fewer steps than planned are cut runs of the same plan (the learning rate is where the full run's would be): their error is NOT comparable to the paper's.\n\n")
	b.WriteString("| problem | d | steps run / planned | rel L2 (min over evals) | best-constant baseline | paper rel L2 | it/s (ours) | paper it/s (A100) | peak RSS MB | wall s |\n|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		k := map[int]int{100: 0, 1000: 1, 10000: 2}[r.row.dim]
		if r.err != nil {
			fmt.Fprintf(&b, "| %s | %d | failed: %v | | | %s | | | | |\n", r.row.op, r.row.dim, r.err, stdePaper[r.row.op][k])
			continue
		}
		its := "—"
		if r.row.op == "allen_cahn" {
			its = stdePaperIts[r.row.dim]
		}
		fmt.Fprintf(&b, "| %s | %d | %d / %d | %s | %s | %s | %.2f | %s | %.0f | %.0f |\n", r.row.op, r.row.dim, r.steps, r.planned,
			fmtE(r.minRel), fmtE(r.baseline), stdePaper[r.row.op][k], r.itps, its, r.rss, r.wall)
	}
	b.WriteString("\nPeak RSS is the process's peak so far (getrusage), so later rows include earlier ones' peaks.\n\n")
	b.WriteString("## Side by side in this run: sparse STDE (|J| = 16) vs the exact Taylor Laplacian (all d coordinates), Allen-Cahn\n\n")
	b.WriteString("| d | STDE it/s | exact Taylor it/s | ratio | paper ratio (STDE / Forward Laplacian, A100) |\n|---|---|---|---|---|\n")
	paperRatio := map[int]string{100: "0.93", 1000: "4.2"}
	for i := 0; i+1 < len(side); i += 2 {
		s, t := side[i], side[i+1]
		if s.err != nil || t.err != nil {
			fmt.Fprintf(&b, "| %d | %v | %v | | |\n", s.row.dim, s.err, t.err)
			continue
		}
		fmt.Fprintf(&b, "| %d | %.2f | %.2f | %.1fx | %s |\n", s.row.dim, s.itps, t.itps, s.itps/t.itps, paperRatio[s.row.dim])
	}
	b.WriteString("\n## PyTorch SDGD reference on the same problem (benchmarks/sdgd_torch.py, 2 threads, float64)\n\n")
	for _, d := range []int{100, 1000} {
		if v, ok := torch[d]; ok {
			var m map[string]any
			if json.Unmarshal([]byte(v), &m) == nil {
				fmt.Fprintf(&b, "- %dD: %.2f it/s, peak RSS %.0f MB (torch %v); paper SDGD PyTorch on A100: %s it/s\n", d, m["it_per_s"], m["peak_rss_mb"], m["torch"], map[int]string{100: "55.6", 1000: "3.70"}[d])
			} else {
				fmt.Fprintf(&b, "- %dD: %s\n", d, v)
			}
		}
	}
	b.WriteString("\nThree-body problems: the exact solution is expressible in the spec language (sum(i, 1, d-2, c[i]*exp(x[i]*x[i+1]*x[i+2]))) and its forcing is the correct L u* (chain-rule factors included, finite-difference checked in pde/expr/vector_test.go); the authors' three-body forcing omits them, so paper three-body numbers are not comparable. No three-body rows were run here.\n")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// readCSVCols reads a numeric CSV with a header into columns.
func readCSVCols(path string) ([]string, [][]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) == 0 {
		return nil, nil, fmt.Errorf("%s: %v", path, err)
	}
	hdr := recs[0]
	cols := make([][]float64, len(hdr))
	for _, rec := range recs[1:] {
		for i := range hdr {
			v, _ := strconv.ParseFloat(rec[i], 64)
			cols[i] = append(cols[i], v)
		}
	}
	return hdr, cols, nil
}
