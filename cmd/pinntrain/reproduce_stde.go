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

	"github.com/gopinn/gopinn/autodiff"
	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn"
)

// The STDE study (PAPERS.md §1): two-body problems on the unit ball at
// 100, 1K and 10K dimensions and three-body problems at 100 by sparse STDE,
// the exact Taylor Laplacian side by side, a PyTorch SDGD timing reference
// (benchmarks/sdgd_torch.py) and a few 100K-D steps. Step counts: the
// protocol's 10,000 unless GOPINN_STDE_STEPS (all rows) or
// GOPINN_STDE_STEPS_1K / GOPINN_STDE_STEPS_10K cap them; --quick runs 20
// steps of one 100-D row. The table is rewritten after every row, so a cut
// run keeps what it finished; GOPINN_STDE_REUSE=1 takes protocol rows whose
// run directory already holds a completed run of the same length (the speed
// rows are always measured afresh).

func init() { studies["stde"] = reproduceSTDE }

type stdeRow struct {
	body string // two | three | semilinear | sdgd
	op   string // allen_cahn | poisson | sine_gordon | heat | hjb_lin | bsb
	dim  int
	// seed, when not 0, replaces the spec's seed and that of its vector
	// constant c: another network, other points and another exact solution
	// (the seed-spread rows; run directory <config>_<method>_seed<seed>)
	seed int
	// fixed: one point set for the whole run, the forcing evaluated once
	// (speed rows: the network's share of a step; run directory suffix _fixed)
	fixed bool
}

func (r stdeRow) config() string {
	switch r.body {
	case "semilinear":
		return fmt.Sprintf("semilinear_%s_%dd", r.op, r.dim)
	case "sdgd":
		return fmt.Sprintf("%s_%dd", r.op, r.dim)
	}
	return fmt.Sprintf("%s_body_%s_%dd", r.body, r.op, r.dim)
}

// semilinearRef holds the reference u(0, 0.3) (multilevel Picard) and the
// paper's STDE relative L1 error (heat only) at d = 10 and 100
// (PAPERS.md §1, the paper's Tables 7-9).
var semilinearRef = map[string]map[int][2]string{
	"heat":        {10: {"0.47006", "6.99e-5"}, 100: {"0.31674", "3.69e-4"}},
	"allen_cahn":  {10: {"0.89060", "—"}, 100: {"1.04510", "—"}},
	"sine_gordon": {10: {"0.3229470", "—"}, 100: {"0.0528368", "—"}},
}

// seedSpreadDims are the dimensions of the seed-spread rows (two-body
// Allen–Cahn, seeds 0..GOPINN_STDE_SEEDS-1, default 5: the paper's mean of
// 5 seeds; about 15 min a seed at 10K-D on 2 cores).
var seedSpreadDims = []int{100, 1000, 10000}

// paper numbers: STDE |J| = 16, two-body rel L2 at 100D / 1K / 10K (PAPERS.md §1)
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
	points   int // residual points per step
	steps    int
	planned  int
	minRel   float64
	lastRel  float64
	at0      float64 // semilinear rows: u at x = 0 and the paper's t = 0.3
	reused   bool    // taken from an earlier run (GOPINN_STDE_REUSE)
	baseline float64
	itps     float64
	rss      float64
	wall     float64
	err      error
}

// stdeReport is everything results/stde.md shows.
type stdeReport struct {
	rows, side []stdeResult
	// 100-point speed rows for the PyTorch comparison, by d: whole steps
	// (10K-D only: below, the side-by-side STDE row is one) and fixed points
	whole, fixed map[int]stdeResult
	seeds        []stdeResult // seed spread: seeds 1.. (seed 0 is the protocol row)
	semi         []stdeResult
	torch        map[int]string
	huge         string // the 100K-D steps: a line of text
	quick        bool
	start        time.Time
}

func reproduceSTDE(ctx context.Context, resultsDir string, quick bool, log io.Writer) error {
	cfgDir := filepath.Join("configs", "papers", "stde")
	out := filepath.Join(resultsDir, "papers", "stde")
	steps := envInt("GOPINN_STDE_STEPS", 10000)
	var rows []stdeRow
	for _, d := range []int{100, 1000, 10000} {
		for _, op := range []string{"allen_cahn", "poisson", "sine_gordon"} {
			rows = append(rows, stdeRow{body: "two", op: op, dim: d})
		}
	}
	for _, op := range []string{"allen_cahn", "poisson", "sine_gordon"} {
		rows = append(rows, stdeRow{body: "three", op: op, dim: 100})
	}
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
	rep := &stdeReport{torch: map[int]string{}, whole: map[int]stdeResult{}, fixed: map[int]stdeResult{}, quick: quick, start: time.Now()}
	path := filepath.Join(resultsDir, "stde.md")
	for _, r := range rows {
		res := runSTDE(ctx, cfgDir, out, r, "stde", stepsFor(r.dim), 0, quick, log)
		rep.rows = append(rep.rows, res)
		if err := rep.write(path); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	// seed spread: the paper reports a mean of 5 seeds, and at high d the
	// relative error moves with the draw of c (‖u*‖ ∝ |Σc|)
	if !quick {
		for _, d := range seedSpreadDims {
			for seed := 1; seed < envInt("GOPINN_STDE_SEEDS", 5); seed++ {
				r := stdeRow{body: "two", op: "allen_cahn", dim: d, seed: seed}
				rep.seeds = append(rep.seeds, runSTDE(ctx, cfgDir, out, r, "stde", stepsFor(d), 0, false, log))
				if err := rep.write(path); err != nil {
					return err
				}
				if ctx.Err() != nil {
					return ctx.Err()
				}
			}
		}
	}
	// semilinear parabolic problems: u at the origin at the paper's final
	// time (the spec's t = 0: time to go) against the reference
	for _, op := range semilinearOps(quick) {
		for _, d := range []int{10, 100} {
			r := stdeRow{body: "semilinear", op: op, dim: d}
			res := runSTDE(ctx, cfgDir, out, r, "stde", steps, 0, false, log)
			if res.err == nil {
				res.at0, res.err = valueAt(filepath.Join(out, r.config()+"_stde"), []float64{0, 0})
			}
			rep.semi = append(rep.semi, res)
			if err := rep.write(path); err != nil {
				return err
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
	}
	return rep.measureSpeed(ctx, cfgDir, out, path, quick, log)
}

// semilinearOps are the semilinear rows' operators (none with --quick).
func semilinearOps(quick bool) []string {
	if quick {
		return nil
	}
	return []string{"heat", "allen_cahn", "sine_gordon"}
}

// measureSpeed runs the side-by-side speed rows, the PyTorch reference and
// the 100K-D steps, and writes the table.
func (rep *stdeReport) measureSpeed(ctx context.Context, cfgDir, out, path string, quick bool, log io.Writer) error {
	// Speed last: the exact Laplacian's rows take far more memory (~14 GB
	// at 1K-D) than any protocol row, and the peak RSS a row reports is its
	// process's so far. STDE vs the exact Taylor Laplacian (B = d) on the
	// same spec, then PyTorch SDGD. The exact Laplacian pushes d jets per
	// point: at 10K-D 100 points would need ~36 GB, so both methods run there
	// on 10 points.
	sideDims := []int{100, 1000, 10000}
	if quick {
		sideDims = sideDims[:1]
	}
	// For PyTorch: 100 points per step, whole steps (at 10K-D the
	// side-by-side rows have 10) and steps on one fixed point set (the
	// network's share). First, before the exact Laplacian's rows leave a
	// heap of many GB behind: a 10K-D fixed-point row measured after them
	// ran at 8 it/s, alone at 32.
	for _, d := range sideDims {
		row := stdeRow{body: "two", op: "allen_cahn", dim: d}
		if d == 10000 {
			rep.whole[d] = runSTDE(ctx, cfgDir, filepath.Join(out, "speed"), row, "stde", 30, 100, true, log)
		}
		row.fixed = true
		rep.fixed[d] = runSTDE(ctx, cfgDir, filepath.Join(out, "speed"), row, "stde", map[bool]int{true: 10, false: 30}[quick], 100, true, log)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	for _, d := range sideDims {
		// steps per method: enough that the first step's set-up is a small part
		ns, nt, pts := 50, 10, 100
		switch {
		case quick:
			ns, nt = 10, 3
		case d == 1000:
			ns, nt = 30, 3
		case d == 10000:
			ns, nt, pts = 30, 3, 10
		}
		for _, m := range []string{"stde", "taylor"} {
			n := map[string]int{"stde": ns, "taylor": nt}[m]
			rep.side = append(rep.side, runSTDE(ctx, cfgDir, filepath.Join(out, "speed"), stdeRow{body: "two", op: "allen_cahn", dim: d}, m, n, pts, true, log))
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	for _, d := range sideDims {
		rep.torch[d] = runTorchSDGD(ctx, d, map[int]int{100: 100, 1000: 20, 10000: 3}[d])
		fmt.Fprintf(log, "sdgd torch %dD: %s\n", d, rep.torch[d])
	}
	if !quick {
		rep.huge = runHugeSTDE(ctx, cfgDir, out, log)
	}
	return rep.write(path)
}

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

// runHugeSTDE runs 5 steps of the 100K-D Allen-Cahn spec in a child process
// (its own peak RSS; pinntrain's own memory policy, no environment) and
// reports them in a line.
func runHugeSTDE(ctx context.Context, cfgDir, out string, log io.Writer) string {
	exe, err := os.Executable()
	if err != nil {
		return "not run: " + err.Error()
	}
	dir := filepath.Join(out, "two_body_allen_cahn_100000d_5steps")
	cmd := exec.CommandContext(ctx, exe, "train", filepath.Join(cfgDir, "two_body_allen_cahn_100000d.yaml"), "--out", dir,
		"--steps", "5", "--set", "evaluation.points=200", "--set", "evaluation.every=5", "--quiet")
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOGC=") && !strings.HasPrefix(kv, "GOMEMLIMIT=") {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	fmt.Fprintf(log, "stde: 100K-D, 5 steps\n")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Sprintf("failed: %v: %s", err, strings.TrimSpace(string(b)))
	}
	var sum pinn.Summary
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err == nil {
		err = json.Unmarshal(b, &sum)
	}
	if err != nil {
		return "no summary: " + err.Error()
	}
	return fmt.Sprintf("d = 100,000, 5 of 10,000 steps: %.1f s/step (wall %.1f s including one evaluation on 200 points), peak RSS %.0f MB; the paper (A100): 283 it/s, 1063 MB; 10,000 steps would take about %.1f h here",
		1/sum.StepsPerSecond, sum.WallSeconds, sum.PeakRSSMB, 10000/sum.StepsPerSecond/3600)
}

// runSTDE trains one row (points > 0 overrides the residual points per step).
// runSTDE trains row r (or reuses its completed run, GOPINN_STDE_REUSE=1)
// with method for steps steps; points > 0 sets the points per step; short:
// a speed row (one small evaluation, never reused).
func runSTDE(ctx context.Context, cfgDir, out string, r stdeRow, method string, steps, points int, short bool, log io.Writer) stdeResult {
	res := stdeResult{row: r, method: method, minRel: math.NaN(), baseline: math.NaN()}
	var sets []string
	suffix := ""
	if points > 0 {
		sets = append(sets, fmt.Sprintf("equations.0.points=%d", points))
		suffix += fmt.Sprintf("_p%d", points)
	}
	if r.fixed {
		sets = append(sets, "equations.0.resample_every=0")
		suffix += "_fixed"
	}
	if r.seed != 0 {
		sets = append(sets, fmt.Sprintf("seed=%d", r.seed), fmt.Sprintf("constants.c.seed=%d", r.seed))
		suffix += fmt.Sprintf("_seed%d", r.seed)
	}
	spec, err := pde.Load(filepath.Join(cfgDir, r.config()+".yaml"), sets)
	if err != nil {
		res.err = err
		return res
	}
	res.points = spec.Problem.Equations[0].Points
	opts := pinn.OptionsFromSpec(spec)
	opts.Derivatives.Method = method
	if y, err := spec.MarshalRun(func(_, path string) string { return path }); err == nil {
		opts.SpecYAML = y // the run directory loads (pinn.LoadRun)
	}
	res.planned = spec.Training.Steps
	opts.MaxSteps = steps
	if short {
		// speed rows: few steps, one evaluation on fewer points
		opts.Evaluation.Points = 2000
		opts.Evaluation.Every = steps
	}
	opts.OutDir = filepath.Join(out, r.config()+"_"+method+suffix)
	var sum pinn.Summary
	if b, err := os.ReadFile(filepath.Join(opts.OutDir, "summary.json")); !short && os.Getenv("GOPINN_STDE_REUSE") == "1" && err == nil &&
		json.Unmarshal(b, &sum) == nil && sum.Status == "completed" && sum.Steps == steps {
		fmt.Fprintf(log, "stde: %s %s, %d steps: reusing %s\n", r.config(), method, steps, opts.OutDir)
		res.reused = true
	} else {
		fmt.Fprintf(log, "stde: %s %s, %d steps\n", r.config(), method, steps)
		opts.Log = func(line string) { fmt.Fprintf(log, "  %s\n", line) }
		s, err := pinn.Train(ctx, spec.Problem, opts)
		if err != nil {
			res.err = err
			return res
		}
		sum = s.Summary
	}
	res.steps, res.itps, res.rss, res.wall = sum.Steps, sum.StepsPerSecond, sum.PeakRSSMB, sum.WallSeconds
	res.lastRel = sum.RelL2["u"]
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

func (rep *stdeReport) write(path string) error {
	var b strings.Builder
	b.WriteString("# STDE (Shi et al., NeurIPS 2024): two- and three-body problems on the unit ball\n\n")
	fmt.Fprintf(&b, "Generated by `go run ./cmd/pinntrain reproduce stde%s` (env: GOPINN_STDE_STEPS=%s GOPINN_STDE_STEPS_1K=%s GOPINN_STDE_STEPS_10K=%s), %.0f s so far, finished %s.\n",
		map[bool]string{true: " --quick", false: ""}[rep.quick], os.Getenv("GOPINN_STDE_STEPS"), os.Getenv("GOPINN_STDE_STEPS_1K"), os.Getenv("GOPINN_STDE_STEPS_10K"),
		time.Since(rep.start).Seconds(), time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&b, "Hardware: %s, %d cores visible (GOMAXPROCS %d), pure-Go build (%s); float64. Configs: `configs/papers/stde/`.\n\n", cpuModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0), autodiff.BLAS())
	b.WriteString("Protocol (PAPERS.md §1): u = (1 - |x|²)·MLP(x), d-128-128-128-1 tanh, 100 fresh ball-radial points per step, sparse STDE with |J| = 16 coordinates per point (re-drawn every step), Adam lr 1e-3 linear to 0 over 10,000 planned steps, relative L2 on 20,000 fixed ball-radial test points every 1000 steps (minimum reported, final beside it), seed 0 (the paper: the mean of 5 seeds; the seed spread below gives it for Allen-Cahn at 100, 1K and 10K-D). The forcing g = L u* is computed at every step's new points from the exact solution by a float64 forward Laplacian (pde/expr CompileVector, O(d) per point), checked against finite differences; it is inside every it/s below. Rows that ran fewer steps than planned are cut runs of the same plan (the learning rate is where the full run's would be): their error is NOT comparable to the paper's.\n\n")
	b.WriteString("| problem | d | steps run / planned | rel L2 (min over evals) | final rel L2 | best-constant baseline | paper rel L2 | within 2x of the paper | it/s (ours) | paper it/s (A100) | peak RSS MB | wall s |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rep.rows {
		k := map[int]int{100: 0, 1000: 1, 10000: 2}[r.row.dim]
		paper, its := stdePaper[r.row.op][k], "—"
		if r.row.body == "three" {
			paper = "— (other forcing)"
		} else if r.row.op == "allen_cahn" {
			its = stdePaperIts[r.row.dim]
		}
		name := r.row.body + "-body " + r.row.op
		if r.reused {
			name += " *"
		}
		if r.err != nil {
			fmt.Fprintf(&b, "| %s | %d | failed: %v | | | | %s | | | | | |\n", name, r.row.dim, r.err, paper)
			continue
		}
		within := "—"
		if p, err := strconv.ParseFloat(paper, 64); err == nil && r.steps == r.planned {
			within = fmt.Sprintf("%s (%.2fx)", map[bool]string{true: "yes", false: "no"}[r.minRel <= 2*p], r.minRel/p)
		}
		fmt.Fprintf(&b, "| %s | %d | %d / %d | %s | %s | %s | %s | %s | %.2f | %s | %.0f | %.0f |\n", name, r.row.dim, r.steps, r.planned,
			fmtE(r.minRel), fmtE(r.lastRel), fmtE(r.baseline), paper, within, r.itps, its, r.rss, r.wall)
	}
	b.WriteString("\nRows marked * were trained by an earlier run into the same directory (GOPINN_STDE_REUSE=1: `pinntrain train CONFIG --out results/papers/stde/<config>_stde`, or an earlier reproduce): their it/s, peak RSS and wall are that run's, and those runs shared the 2 cores with other training jobs, so their it/s is a lower bound (the speed section below is measured alone). Peak RSS is the process's peak so far (getrusage), so later rows include earlier ones' peaks.")
	for _, r := range rep.rows {
		if r.reused && r.rss > 4096 {
			b.WriteString(" Reused rows with a peak RSS above 4 GB ran in a reproduce process after its exact-Laplacian speed rows, whose peak they carry; the rows run alone stay under 0.6 GB.")
			break
		}
	}
	b.WriteString(" The best-constant baseline is the error of u = (1 - |x|²)·k with the best k: at high d the exact solution is close to it (PAPERS.md), so compare errors with it.\n\n")
	rep.writeSeeds(&b)
	b.WriteString("## Side by side in this run: sparse STDE (|J| = 16) vs the exact Taylor Laplacian (all d coordinates), two-body Allen-Cahn\n\n")
	b.WriteString("Same spec, same machine, back to back, after the long rows; a few steps each (it/s over the run, graph build excluded). At 10K-D the exact Laplacian needs d jets per point, ten times more memory at 100 points than at 10 (more than this machine has), so both methods run on 10 points per step there.\n\n")
	b.WriteString("| d | points/step | STDE it/s | exact Taylor it/s | ratio | target | paper ratio (STDE / Forward Laplacian, A100) |\n|---|---|---|---|---|---|---|\n")
	paperRatio := map[int]string{100: "0.93", 1000: "4.2", 10000: "18.3"}
	for i := 0; i+1 < len(rep.side); i += 2 {
		s, t := rep.side[i], rep.side[i+1]
		if s.err != nil || t.err != nil {
			fmt.Fprintf(&b, "| %d | | %v | %v | | | |\n", s.row.dim, s.err, t.err)
			continue
		}
		target := ""
		if s.row.dim == 10000 {
			target = fmt.Sprintf("≥ 30x: %s", map[bool]string{true: "met", false: "missed"}[s.itps/t.itps >= 30])
		}
		fmt.Fprintf(&b, "| %d | %d | %.2f | %.3f | %.1fx | %s | %s |\n", s.row.dim, s.points, s.itps, t.itps, s.itps/t.itps, target, paperRatio[s.row.dim])
	}
	b.WriteString("\n## PyTorch SDGD reference on the same problem (benchmarks/sdgd_torch.py, 2 threads, float64, 100 points, 16 sampled dimensions)\n\n")
	b.WriteString("SDGD as its code does it: one first-order autograd pass per sampled dimension over the gradient. \"training\" times the network work only (as the script always has); \"whole step\" adds drawing the points and the closed-form forcing, like our it/s. Ours, measured alone in this run with 100 points per step: \"whole step\" draws new points and evaluates the forcing every step (the 100-point STDE rows above; at 10K-D a 30-step row of its own); \"fixed points\" keeps one point set (the forcing evaluated once, the coordinates still drawn every step): the network's share, to set beside torch's \"training\". Our forcing is the general float64 evaluation of lap(exact(u)) + ... from the spec (two sincos per coordinate and point), torch's a hand-written closed form.\n\n")
	b.WriteString("| d | torch it/s (training) | torch it/s (whole step) | torch peak RSS MB | ours it/s (whole step) | ours / torch (whole step) | target | ours it/s (fixed points) | ours / torch (training) | paper SDGD PyTorch it/s (A100) |\n|---|---|---|---|---|---|---|---|---|---|\n")
	ours := map[int]float64{}
	for _, s := range rep.side {
		if s.method == "stde" && s.err == nil && s.points == 100 {
			ours[s.row.dim] = s.itps
		}
	}
	for d, s := range rep.whole {
		if s.err == nil {
			ours[d] = s.itps
		}
	}
	for _, d := range []int{100, 1000, 10000} {
		v, ok := rep.torch[d]
		if !ok {
			continue
		}
		var m map[string]any
		if json.Unmarshal([]byte(v), &m) != nil {
			fmt.Fprintf(&b, "| %d | %s | | | | | | |\n", d, v)
			continue
		}
		tr, _ := m["it_per_s"].(float64)
		tot, _ := m["it_per_s_step"].(float64)
		our, ratio, target := "—", "—", ""
		if o, ok := ours[d]; ok && tot > 0 {
			our, ratio = fmt.Sprintf("%.2f", o), fmt.Sprintf("%.1fx", o/tot)
			if d == 10000 {
				target = fmt.Sprintf("≥ 100x: %s", map[bool]string{true: "met", false: "missed"}[o/tot >= 100])
			}
		}
		fix, fratio := "—", "—"
		if f, ok := rep.fixed[d]; ok && f.err == nil && tr > 0 {
			fix, fratio = fmt.Sprintf("%.2f", f.itps), fmt.Sprintf("%.1fx", f.itps/tr)
		}
		fmt.Fprintf(&b, "| %d | %.3f | %.3f | %.0f | %s | %s | %s | %s | %s | %s |\n", d, tr, tot, m["peak_rss_mb"], our, ratio, target, fix, fratio, map[int]string{100: "55.6", 1000: "3.70", 10000: "1.85"}[d])
	}
	if len(rep.semi) > 0 {
		b.WriteString("\n## Semilinear parabolic problems (the paper's Tables 7-9)\n\n")
		b.WriteString("u_t = lap(u) + F(u) on R^d × [0, 0.3], u(x, 0) = g(x) = 5/(10 + 2|x|²) with F = (1 - u²)/(1 + u²) (heat) or sin u (Sine-Gordon), g(x) = arctan(max_i x_i) with F = u - u³ (Allen-Cahn; `max(x)` with one argument is the maximum over the coordinates, its Laplacian that of the active coordinate). The specs use the time to go (their t = 0.3 - the paper's t): u_t + lap(u) + F(u) = 0, u(x, 0.3) = g(x), and the value compared is u(0, 0); heat and Sine-Gordon impose the data by u = g(x) + (0.3 - t)·N, Allen-Cahn by a loss term on the slice t = 0.3 (200 points x ~ N(0, 0.6·I) per step: its data have kinks where two coordinates tie, whose singular Laplacian a transform would drop from the residual); residual points t ~ U[0, 0.3], x ~ N(0, 2tI) (`sampler: gaussian-time`: the heat kernel's spread from the origin; in the forward time the same points would crowd the origin at the start and miss it at the end, where u is compared), 200 per step, 10 sampled coordinates (sparse STDE; at d = 10 all of them), d-128-128-128-1 tanh (the paper: width 1024, depth 4, 2000 points), Adam lr 1e-3 linear to 0, seed 0. Error: relative L1 of u at the origin at the paper's t = 0.3 against the multilevel-Picard reference (PAPERS.md). Configs `configs/papers/stde/semilinear_*.yaml`.\n\n")
		b.WriteString("| problem | d | steps | u(x = 0, t = 0.3) ours | reference | rel. L1 error | paper STDE rel. L1 | it/s | wall s |\n|---|---|---|---|---|---|---|---|---|\n")
		for _, r := range rep.semi {
			ref := semilinearRef[r.row.op][r.row.dim]
			if r.err != nil {
				fmt.Fprintf(&b, "| %s | %d | failed: %v | | %s | | %s | | |\n", r.row.op, r.row.dim, r.err, ref[0], ref[1])
				continue
			}
			v, _ := strconv.ParseFloat(ref[0], 64)
			name := r.row.op
			if r.reused {
				name += " *"
			}
			fmt.Fprintf(&b, "| %s | %d | %d | %.5f | %s | %.2e | %s | %.1f | %.0f |\n", name, r.row.dim, r.steps, r.at0, ref[0], math.Abs(r.at0-v)/math.Abs(v), ref[1], r.itps, r.wall)
		}
	}
	if rep.huge != "" {
		b.WriteString("\n## 100K-D: how far 2 cores go\n\n")
		fmt.Fprintf(&b, "`pinntrain train configs/papers/stde/two_body_allen_cahn_100000d.yaml --steps 5 --set evaluation.points=200 --set evaluation.every=5`, in its own process: %s. Memory: test points are redrawn block by block at each evaluation when they would not fit (20,000 × 100K coordinates would be 16 GB), predictor blocks are capped at 32 MiB; what remains is the model (12.8M parameters: θ, gradient, Adam moments, Gorgonia's weight and gradient tensors). What keeps the peak down with no environment setting: the first layer builds no gradient for the fed points (autodiff.InputMatMul, no P×d input gradient and no transpose of W1), checkpoints are written from the live arrays instead of copies, and for a first layer of 4M weights or more pinntrain sets the collector's target to GOGC=25 (the heap may otherwise grow to twice the live data; GOGC or GOMEMLIMIT in the environment take precedence). Target ≤ 2 GB at 100K-D: see the peak RSS above.\n", rep.huge)
	}
	b.WriteString("\nThree-body problems: the exact solution is expressible in the spec language (sum(i, 1, d-2, c[i]*exp(x[i]*x[i+1]*x[i+2]))) and its forcing is the correct L u* (chain-rule factors included, finite-difference checked in pde/expr/vector_test.go); the authors' three-body forcing omits them, so the paper's three-body numbers are not comparable and are not shown.\n")
	return writeResult(path, b.String())
}

// writeSeeds writes the seed-spread section: two-body Allen–Cahn with
// seeds 0.. (seed 0: the protocol row), each its own network, points and c.
func (rep *stdeReport) writeSeeds(b *strings.Builder) {
	if len(rep.seeds) == 0 {
		return
	}
	b.WriteString("## Seed spread: two-body Allen-Cahn, the paper's mean of 5 seeds\n\n")
	b.WriteString("Each seed s runs the protocol above with `--seed s --set constants.c.seed=s` (run directories `<config>_stde_seed<s>`; seed 0 is the row above): its own initial network, points and exact solution, since c ~ N(0, I) is drawn from the seed. At high d ‖u*‖ is about |sin(1)·Σc|·‖1 - |x|²‖, and |Σc|/√(d-1) is a |N(0,1)| draw (median 0.67), so the scale of the solution changes from seed to seed, and so does the error. The paper reports the mean over 5 seeds; \"within 2x\" below compares that mean.\n\n")
	b.WriteString("| d | seed | \\|Σc\\|/√(d-1) | rel L2 (min over evals) | final rel L2 | best-constant baseline | it/s | wall s |\n|---|---|---|---|---|---|---|---|\n")
	var flats []string
	for _, d := range seedSpreadDims {
		var all []stdeResult
		for _, r := range rep.rows {
			if r.row.body == "two" && r.row.op == "allen_cahn" && r.row.dim == d {
				all = append(all, r)
			}
		}
		for _, r := range rep.seeds {
			if r.row.dim == d {
				all = append(all, r)
			}
		}
		sum, n, flat := 0.0, 0, 0
		for _, r := range all {
			c := pde.NormalVector(d-1, uint64(r.row.seed))
			sc := 0.0
			for _, v := range c {
				sc += v
			}
			mark := ""
			if r.reused {
				mark = " *"
			}
			if r.err != nil {
				fmt.Fprintf(b, "| %d | %d%s | %.3f | failed: %v | | | | |\n", d, r.row.seed, mark, math.Abs(sc)/math.Sqrt(float64(d-1)), r.err)
				continue
			}
			fmt.Fprintf(b, "| %d | %d%s | %.3f | %s | %s | %s | %.2f | %.0f |\n", d, r.row.seed, mark, math.Abs(sc)/math.Sqrt(float64(d-1)), fmtE(r.minRel), fmtE(r.lastRel), fmtE(r.baseline), r.itps, r.wall)
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
		k := map[int]int{100: 0, 1000: 1, 10000: 2}[d]
		paper := stdePaper["allen_cahn"][k]
		p, _ := strconv.ParseFloat(paper, 64)
		mean := sum / float64(n)
		fmt.Fprintf(b, "| %d | **mean of %d** | | **%s** | | | paper (mean of 5): %s | within 2x: **%s (%.2fx)** |\n", d, n, fmtE(mean), paper, map[bool]string{true: "yes", false: "no"}[mean <= 2*p], mean/p)
		flats = append(flats, fmt.Sprintf("%d of %d at d = %d", flat, n, d))
	}
	fmt.Fprintf(b, "\nSeeds whose best error stayed within 1.5x of their best-constant baseline (the network learned the mean (1 - |x|²)·sin(1)·Σc and little of the rest): %s. For comparison, PAPERS.md's JAX implementation of this protocol (one H100, seed 0) reached 2.6e-3 / 7.0e-4 / 4.2e-3 at 100 / 1K / 10K-D, itself 5x off the paper at 10K-D.\n\n", strings.Join(flats, ", "))
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
