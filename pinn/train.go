package pinn

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn/compiler"
	"github.com/gopinn/gopinn/pinn/internal/runio"
	"github.com/gopinn/gopinn/pinn/internal/tboard"
)

// Result is what a run produced.
type Result struct {
	Summary Summary
	// Theta is the final flat parameter vector (networks, then parameters).
	Theta []float64
}

// Check compiles the problem into its training and evaluation graphs without
// training: every check Train makes before the first step.
func Check(prob *pde.Problem, opts Options) error {
	cfg := newConfig(opts)
	sz, err := compiler.Check(prob, &cfg.Config)
	if err != nil {
		return err
	}
	if err := checkMemory(cfg, sz); err != nil {
		return err
	}
	if cfg.initFrom != "" {
		r := &runner{cfg: cfg, theta: make([]float64, sz.Params)}
		return r.warmStart(cfg.initFrom)
	}
	return nil
}

// Train trains the problem. It returns ErrInterrupted (after saving a
// checkpoint and the summary) if ctx is cancelled.
func Train(ctx context.Context, prob *pde.Problem, opts Options) (*Result, error) {
	r, err := newRunner(prob, opts)
	if err != nil {
		return nil, err
	}
	if r.cfg.initFrom != "" {
		if err := r.warmStart(r.cfg.initFrom); err != nil {
			return nil, err
		}
	}
	if opts.OutDir != "" && r.lead {
		if err := os.MkdirAll(opts.OutDir, 0o755); err != nil {
			return nil, err
		}
		unlock, err := lockRun(opts.OutDir)
		if err != nil {
			return nil, err
		}
		defer unlock()
		if opts.SpecYAML != nil {
			if err := runio.WriteFileAtomic(filepath.Join(opts.OutDir, "spec.yaml"), opts.SpecYAML); err != nil {
				return nil, err
			}
		}
		os.Remove(filepath.Join(opts.OutDir, "metrics.csv"))
		os.Remove(filepath.Join(opts.OutDir, "loss_history.csv"))
	}
	return r.loop(ctx)
}

// ErrRunLocked is returned (wrapped, as an *InputError) when another live
// process is writing a run directory.
var ErrRunLocked = runio.ErrLocked

// LockRun makes this process the one writer of the run directory dir (which
// must exist) until unlock: another process's Train, Resume or LockRun of
// it fails with ErrRunLocked meanwhile; a lock left by a killed process is
// taken over. Train and Resume take the lock themselves; inside a lock this
// process holds they go ahead, so a caller can lock, look at the
// directory's state, and then train or resume without a race (pinntrain
// sweep does).
func LockRun(dir string) (unlock func(), err error) { return lockRun(dir) }

// lockRun makes this process the one writer of a run directory (a second
// run into it at once is refused; a lock left by a killed process is taken
// over).
func lockRun(dir string) (func(), error) {
	unlock, err := runio.Lock(dir)
	if errors.Is(err, runio.ErrLocked) {
		return nil, &InputError{Err: err}
	}
	return unlock, err
}

// Resume continues the run in dir from its checkpoint up to maxSteps total
// steps (0: the whole plan). It ends exactly where an uninterrupted run of
// that many steps ends.
func Resume(ctx context.Context, dir string, maxSteps int, progress func(Progress), logf func(string)) (*Result, error) {
	return ResumeRun(ctx, dir, Options{MaxSteps: maxSteps, Progress: progress, Log: logf})
}

// ResumeRun is Resume with the run options a resumed run may set: MaxSteps,
// Progress, Log and Comm are taken from o, everything else from the run's
// spec.yaml.
func ResumeRun(ctx context.Context, dir string, o Options) (*Result, error) {
	spec, err := pde.Load(filepath.Join(dir, "spec.yaml"), nil)
	if err != nil {
		return nil, err
	}
	opts := OptionsFromSpec(spec)
	opts.OutDir = dir
	opts.MaxSteps, opts.Progress, opts.Log, opts.Comm = o.MaxSteps, o.Progress, o.Log, o.Comm
	if spec.Problem.Vector != nil {
		// a vector problem resumes on the compiler that trained it
		if a, err := runio.ReadNPZ(filepath.Join(dir, "checkpoint.npz")); err == nil {
			opts.PreferFastPath = compiler.CheckpointOnFastPath(a)
		}
	}
	return ResumeProblem(ctx, spec.Problem, opts)
}

// ResumeProblem is Resume for Go users: the problem and options must be
// those of the run whose checkpoint is in opts.OutDir; opts.MaxSteps is the
// new total.
func ResumeProblem(ctx context.Context, prob *pde.Problem, opts Options) (*Result, error) {
	dir := opts.OutDir
	r, err := newRunner(prob, opts)
	if err != nil {
		return nil, err
	}
	if r.lead {
		unlock, err := lockRun(dir)
		if err != nil {
			return nil, err
		}
		defer unlock()
	}
	if err := r.loadCheckpoint(filepath.Join(dir, "checkpoint.npz")); err != nil {
		return nil, err
	}
	if m := opts.MaxSteps; m > 0 && m < r.step {
		return nil, &InputError{Err: fmt.Errorf("--steps %d is below the %d steps the run in %s has done: give a larger total", m, r.step, dir)}
	}
	if !r.lead {
		return r.loop(ctx)
	}
	// Keep the rows of regular evaluations only: the cut run's final,
	// off-schedule row would not be in an uninterrupted run's metrics.
	keep := r.step / r.cfg.Eval.Every * r.cfg.Eval.Every
	if err := runio.TruncateCSVAfter(filepath.Join(dir, "metrics.csv"), float64(keep)); err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	if err := runio.TruncateCSVAfter(filepath.Join(dir, "loss_history.csv"), float64(r.step/r.historyEvery()*r.historyEvery())); err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	return r.loop(ctx)
}

type runner struct {
	prob   *pde.Problem
	cfg    *config
	prog   *compiler.Program
	pred   *compiler.Predictor
	ev     *compiler.Evaluation
	theta  []float64
	stages []stage // one per planned stage (stages.go)
	step   int

	wallPrev, trainSec float64 // seconds accumulated before this process
	// setupSec and evalSec accumulate over the run's processes: the time
	// from the runner's creation to the first step, and the time in
	// evaluations and the final outputs (summary.json setup_seconds,
	// eval_seconds)
	setupSec, evalSec float64
	start             time.Time // this process's runner was created

	loss        float64
	losses      map[string]float64
	rel, maxAbs map[string]float64
	hiddenRel   map[string]float64
	// divergence watch (watchDivergence): best loss so far, per term, and
	// the steps since the loss last came within divergeFactor of it
	best     float64
	bestTerm map[string]float64
	above    int
	metrics  *runio.CSVAppender
	tb       *tboard.Writer     // output.tensorboard; nil otherwise
	history  *runio.CSVAppender // loss_history.csv: the loss curve's finer record
	lastPred *testPrediction    // predictTestSet's latest

	// a data-parallel run (parallel.go): nil with one rank; lead is rank 0,
	// the one that writes the run directory and reports
	par  *parallel
	lead bool
}

func newRunner(prob *pde.Problem, opts Options) (*runner, error) {
	created := time.Now()
	cfg := newConfig(opts)
	prob, err := cfg.route(prob)
	if err != nil {
		return nil, err
	}
	if prob.Vector != nil && needsMemoryCheck(cfg) {
		// before the program is built: at 1000-D with the exact Laplacian
		// the build alone takes minutes, while the check builds 4 points per
		// term (a scalar problem's check would be the full build again:
		// newStages checks it after its one build)
		sz, err := compiler.Check(prob, &cfg.Config)
		if err != nil {
			return nil, err
		}
		if err := checkMemory(cfg, sz); err != nil {
			return nil, err
		}
	}
	prog, err := compiler.New(prob, &cfg.Config)
	if err != nil {
		return nil, err
	}
	pred, err := compiler.NewPredictor(prob, &cfg.Config, 1024)
	if err != nil {
		return nil, err
	}
	ev, err := compiler.NewEvaluation(prob, &cfg.Config)
	if err != nil {
		return nil, err
	}
	r := &runner{prob: prob, cfg: cfg, prog: prog, pred: pred, ev: ev, lead: cfg.Rank() == 0, start: created}
	r.theta = prog.InitTheta()
	if r.stages, err = newStages(cfg, prog, len(r.theta)); err != nil {
		return nil, err
	}
	if cfg.Ranks() > 1 {
		r.par = &parallel{c: cfg.Comm, prog: prog, names: prog.TermNames()}
		for i := range r.stages {
			r.stages[i].obj = r.par.objective(r.stages[i].obj)
		}
	}
	return r, nil
}

func (r *runner) limit() int {
	total := r.cfg.TotalSteps()
	if m := r.cfg.opts.MaxSteps; m > 0 && m < total {
		return m
	}
	return total
}

func (r *runner) loop(ctx context.Context) (*Result, error) {
	// wall time counts from the runner's creation: compiling, drawing the
	// evaluation set and reading a checkpoint are part of the user's wait
	r.setupSec += time.Since(r.start).Seconds()
	out := r.cfg.opts.OutDir
	if r.par != nil {
		r.par.wants = func() bool { return ctx.Err() != nil }
	}
	if out != "" && r.lead {
		header := []string{"step", "wall_s", "lr", "loss"}
		for _, name := range r.prog.TermNames() {
			header = append(header, "loss_"+name)
		}
		for _, f := range r.prob.Fields {
			if r.ev.Exact[f] != nil {
				header = append(header, "rel_l2_"+f)
			}
		}
		header = append(header, r.prog.ConvergenceColumns()...) // balance.go, causal.go
		var err error
		if r.metrics, err = runio.OpenCSVAppender(filepath.Join(out, "metrics.csv"), header); err != nil {
			return nil, err
		}
		defer r.metrics.Close()
		hh := []string{"step", "loss"}
		for _, name := range r.prog.TermNames() {
			hh = append(hh, "loss_"+name)
		}
		if r.history, err = runio.OpenCSVAppender(filepath.Join(out, "loss_history.csv"), hh); err != nil {
			return nil, err
		}
		defer r.history.Close()
		if r.cfg.opts.TensorBoard {
			// a new events file per process: TensorBoard reads every file
			// of the directory (a resumed run's first rows repeat steps
			// the cut one wrote after its last checkpoint)
			if r.tb, err = tboard.Create(filepath.Join(out, "tb")); err != nil {
				return nil, err
			}
			defer r.tb.Close()
		}
	}
	limit := r.limit()
	total := r.cfg.TotalSteps()
	lastEval := -1
	var lr float64
	for r.step < limit {
		if r.stopping(ctx) {
			// the summary holds the figures of the state the run ended in
			if lastEval != r.step && r.step > 0 {
				if err := r.evaluate(lr); err != nil {
					return r.finish("failed", err)
				}
			}
			return r.finish("interrupted", ErrInterrupted)
		}
		si, ss := r.cfg.stageAt(r.step)
		st := r.cfg.Stages[si]
		lr = st.Schedule.LearningRate(st.LR, ss, st.Steps)
		t0 := time.Now()
		opt := r.stages[si]
		if opt.resamples() {
			if err := r.resample(); err != nil {
				return r.finish("failed", err)
			}
		}
		// loss balancing and causal weights (balance.go, causal.go)
		if err := r.prog.ConvergenceStep(r.step, r.theta, opt.resamples()); err != nil {
			return r.finish("failed", err)
		}
		loss, err := opt.method.Step(opt.obj, r.theta, lr)
		if err != nil {
			return r.finish("failed", err)
		}
		losses := r.termLosses()
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return r.finish("failed", r.nonFinite(loss, losses, st.Optimizer))
		}
		if err := r.watchDivergence(loss, losses); err != nil {
			return r.finish("failed", err)
		}
		r.loss = loss
		r.losses = losses
		r.trainSec += time.Since(t0).Seconds()
		r.step++
		if r.history != nil && (r.step%r.historyEvery() == 0 || r.step == limit) {
			row := []float64{float64(r.step), r.loss}
			for _, name := range r.prog.TermNames() {
				row = append(row, r.losses[name])
			}
			if err := r.history.Append(row); err != nil {
				return r.finish("failed", err)
			}
		}
		if r.step%r.cfg.Eval.Every == 0 || r.step == limit {
			if err := r.evaluate(lr); err != nil {
				return r.finish("failed", err)
			}
			lastEval = r.step
		}
		if out != "" && r.step%r.cfg.checkEvery == 0 && r.step < limit {
			if err := r.saveCheckpoint(); err != nil {
				return r.finish("failed", err)
			}
		}
		if p := r.cfg.opts.Progress; p != nil && r.lead {
			ips := float64(r.step) / math.Max(r.trainSec, 1e-9)
			p(Progress{Step: r.step, Total: limit, Stage: st.Optimizer, LR: lr, Loss: r.loss, Losses: r.losses,
				RelL2: r.rel, ItPerSec: ips, ETA: time.Duration(float64(limit-r.step) / ips * float64(time.Second))})
		}
	}
	if lastEval != r.step {
		if err := r.evaluate(lr); err != nil {
			return r.finish("failed", err)
		}
	}
	if r.step < total {
		return r.finish("stopped", nil) // --steps ended it before the plan's end; resume continues
	}
	return r.finish("completed", nil)
}

// nonFinite is the error of a step whose loss is NaN or ±Inf, naming the
// term. At the first step of a run nothing has been trained yet, so the
// cause is the problem (a residual not finite at some sampled points), not
// the learning rate.
func (r *runner) nonFinite(loss float64, losses map[string]float64, opt string) error {
	term := ""
	for _, name := range r.prog.TermNames() {
		if v := losses[name]; math.IsNaN(v) || math.IsInf(v, 0) {
			term = name
			break
		}
	}
	if r.step == 0 {
		return fmt.Errorf("loss of term %q is %v at the initial weights: its residual is not finite at some of its points (a division by zero, a log or sqrt of a negative number, an overflow?)", term, loss)
	}
	return fmt.Errorf("diverged at step %d (%s): loss of term %q is %v; lower the learning rate or check the scaling of the problem", r.step+1, opt, term, loss)
}

// divergeFactor and the evaluation interval define divergence without a
// NaN (SPEC §3): a loss that stays above divergeFactor times its best value
// so far for a whole evaluation interval.
const divergeFactor = 1e6

// watchDivergence keeps the best loss (and each term's) and fails a run
// whose loss has stayed above divergeFactor times its best for
// evaluation.every steps, naming the term that grew most.
func (r *runner) watchDivergence(loss float64, losses map[string]float64) error {
	if r.best == 0 || loss < r.best {
		r.best = loss
	}
	if r.bestTerm == nil {
		r.bestTerm = map[string]float64{}
	}
	for k, v := range losses {
		if b, ok := r.bestTerm[k]; !ok || v < b {
			r.bestTerm[k] = v
		}
	}
	if !(loss > divergeFactor*r.best) {
		r.above = 0
		return nil
	}
	r.above++
	if r.above < max(1, r.cfg.Eval.Every) {
		return nil
	}
	worst, ratio := "", 0.0
	names := slices.Sorted(maps.Keys(losses)) // a fixed order: ties name the same term every run
	for _, name := range names {
		if b := r.bestTerm[name]; b > 0 && losses[name]/b > ratio {
			worst, ratio = name, losses[name]/b
		}
	}
	return fmt.Errorf("diverged at step %d: the loss %.3e has stayed above %g x its best (%.3e) for %d steps; term %q grew most (%.3g x its best); lower the learning rate",
		r.step+1, loss, divergeFactor, r.best, r.above, worst, ratio)
}

// historyEvery is the spacing of loss_history.csv rows: about 500 rows over
// the planned run, enough for a smooth loss curve at negligible cost.
func (r *runner) historyEvery() int { return max(1, r.cfg.TotalSteps()/500) }

// resample draws new points for terms whose resampling epoch changed.
func (r *runner) resample() error { return r.prog.Resample(r.step, r.theta) }

// stopping reports whether the run stops before its next step: ctx is
// cancelled, or in a data-parallel run some rank's was at the latest
// reduction (every rank then stops after the same step).
func (r *runner) stopping(ctx context.Context) bool {
	if r.par != nil {
		return r.par.stop
	}
	return ctx.Err() != nil
}

// termLosses are the term losses of the step just taken (over every rank).
func (r *runner) termLosses() map[string]float64 {
	if r.par != nil {
		return maps.Clone(r.par.losses)
	}
	return r.prog.TermLosses()
}

// testPrediction is the prediction at the test points for the parameters
// theta, kept so that the final outputs after the last evaluation do not
// predict again (at high dimension the test set is redrawn for every
// prediction: seconds at 10K-D).
type testPrediction struct {
	theta          []float64
	fields, hidden [][]float64
	inputs         [][][]float64
}

// predictTestSet predicts the fields, hidden terms and their inputs at the
// test points for the current parameters, once per parameter vector.
func (r *runner) predictTestSet() (fields, hidden [][]float64, inputs [][][]float64, err error) {
	if c := r.lastPred; c != nil && slices.Equal(c.theta, r.theta) {
		return c.fields, c.hidden, c.inputs, nil
	}
	fields, hidden, inputs, err = r.pred.PredictEvaluation(r.theta, r.ev)
	if err != nil {
		return nil, nil, nil, err
	}
	r.lastPred = &testPrediction{theta: slices.Clone(r.theta), fields: fields, hidden: hidden, inputs: inputs}
	return fields, hidden, inputs, nil
}

// evaluate measures the errors on the test points and logs a metrics row.
// Only the lead rank evaluates: the others hold the same parameters.
func (r *runner) evaluate(lr float64) error {
	if !r.lead {
		return nil
	}
	defer func(t0 time.Time) { r.evalSec += time.Since(t0).Seconds() }(time.Now())
	fields, hidden, _, err := r.predictTestSet()
	if err != nil {
		return err
	}
	r.rel, r.maxAbs = map[string]float64{}, map[string]float64{}
	byName := map[string][]float64{}
	for f, name := range r.prob.Fields {
		byName[name] = fields[f]
		if ex := r.ev.Exact[name]; ex != nil {
			r.rel[name], r.maxAbs[name] = relL2(fields[f], ex)
		}
	}
	r.hiddenRel = map[string]float64{}
	for k, h := range r.prob.Hidden {
		if ex, ok := hiddenExact(r.prob, k, byName, r.ev.Pts); ok {
			r.hiddenRel[h.Name], _ = relL2(hidden[k], ex)
		}
	}
	wall := r.wallPrev + time.Since(r.start).Seconds()
	if r.metrics != nil {
		row := []float64{float64(r.step), wall, lr, r.loss}
		for _, name := range r.prog.TermNames() {
			row = append(row, r.losses[name])
		}
		for _, f := range r.prob.Fields {
			if r.ev.Exact[f] != nil {
				row = append(row, r.rel[f])
			}
		}
		row = append(row, r.prog.ConvergenceRow()...)
		if err := r.metrics.Append(row); err != nil {
			return err
		}
		if r.tb != nil {
			// the scalars of the metrics row, under its column names
			vals := map[string]float64{"lr": lr, "loss": r.loss}
			for _, name := range r.prog.TermNames() {
				vals["loss_"+name] = r.losses[name]
			}
			for f, v := range r.rel {
				vals["rel_l2_"+f] = v
			}
			if err := r.tb.Scalars(int64(r.step), float64(time.Now().UnixNano())/1e9, vals); err != nil {
				return err
			}
			if err := r.tb.Flush(); err != nil {
				return err
			}
		}
	}
	if logf := r.cfg.opts.Log; logf != nil {
		var sb strings.Builder
		fmt.Fprintf(&sb, "step %d/%d  loss %.3e", r.step, r.limit(), r.loss)
		for _, name := range r.prog.TermNames() {
			fmt.Fprintf(&sb, "  %s %.2e", name, r.losses[name])
		}
		for _, f := range sortedKeys(r.rel) {
			fmt.Fprintf(&sb, "  rel_l2(%s) %.3e", f, r.rel[f])
		}
		fmt.Fprintf(&sb, "  %.1f it/s", float64(r.step)/math.Max(r.trainSec, 1e-9))
		logf(sb.String())
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// finish writes the checkpoint, outputs and summary, then returns err.
func (r *runner) finish(status string, err error) (*Result, error) {
	res := &Result{Theta: append([]float64(nil), r.theta...)}
	summarize := func() {
		res.Summary = r.summary(status)
		if status == "failed" && err != nil {
			res.Summary.Reason = err.Error()
		}
	}
	summarize()
	if r.par != nil && status == "failed" {
		// the ranks may not all be here (a failure of one rank's own
		// points or of the lead's evaluation): no collective, and the last
		// checkpoint stays the one to resume from
		if r.lead && r.cfg.opts.OutDir != "" {
			if e := writeSummary(filepath.Join(r.cfg.opts.OutDir, "summary.json"), &res.Summary); e != nil && err == nil {
				err = e
			}
		}
		return res, err
	}
	if r.cfg.opts.OutDir != "" {
		if e := r.saveCheckpoint(); e != nil && err == nil {
			err = e
		}
		if !r.lead {
			return res, err
		}
		if status == "interrupted" {
			// A signal may be followed by a kill (mpirun sends SIGKILL
			// to the ranks soon after forwarding SIGINT/SIGTERM; a batch
			// system after its grace time): say what the checkpoint holds
			// before the slower outputs, which then rewrite it.
			if e := writeSummary(filepath.Join(r.cfg.opts.OutDir, "summary.json"), &res.Summary); e != nil && err == nil {
				err = e
			}
		}
		if status != "failed" {
			t0 := time.Now()
			if e := r.writeOutputs(); e != nil && err == nil {
				err = e
			}
			r.evalSec += time.Since(t0).Seconds()
			summarize() // wall_seconds and eval_seconds with the outputs
		}
		if e := writeSummary(filepath.Join(r.cfg.opts.OutDir, "summary.json"), &res.Summary); e != nil && err == nil {
			err = e
		}
	}
	return res, err
}
