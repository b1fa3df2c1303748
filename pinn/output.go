package pinn

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gopinn/gopinn/pinn/internal/plots"
	"github.com/gopinn/gopinn/pinn/internal/runio"
)

// Summary is summary.json (SPEC.md §4). Keys that cannot be computed are
// left out, never filled with placeholders.
type Summary struct {
	Name           string  `json:"name"`
	Seed           uint64  `json:"seed"`
	DType          string  `json:"dtype"`
	Steps          int     `json:"steps"`
	WallSeconds    float64 `json:"wall_seconds"`
	StepsPerSecond float64 `json:"steps_per_second"`
	// SetupSeconds is the time before the first step (compiling the
	// problem, drawing and evaluating the test set, reading a checkpoint),
	// EvalSeconds the time in evaluations and the final outputs; both
	// summed over the run's processes (each up to its last checkpoint, as
	// WallSeconds is), both inside WallSeconds.
	SetupSeconds float64                  `json:"setup_seconds"`
	EvalSeconds  float64                  `json:"eval_seconds"`
	PeakRSSMB    float64                  `json:"peak_rss_mb,omitempty"`
	Loss         float64                  `json:"loss"`
	Losses       map[string]float64       `json:"losses"`
	RelL2        map[string]float64       `json:"rel_l2"`
	MaxAbsError  map[string]float64       `json:"max_abs_error,omitempty"`
	Parameters   map[string]float64       `json:"parameters,omitempty"`
	Hidden       map[string]HiddenSummary `json:"hidden,omitempty"`
	Status       string                   `json:"status"`
	Reason       string                   `json:"reason,omitempty"`
	// Ranks is the number of data-parallel ranks the run trained on.
	Ranks int `json:"ranks"`

	// Weights are the loss-balancing factors by term (training.balance).
	Weights map[string]float64 `json:"weights,omitempty"`
}

// HiddenSummary reports a hidden term.
type HiddenSummary struct {
	RelL2      *float64 `json:"rel_l2,omitempty"`
	Expression string   `json:"expression,omitempty"`
}

func (r *runner) summary(status string) Summary {
	s := Summary{Name: r.prob.Name, Seed: r.cfg.Seed, DType: r.cfg.DType, Steps: r.step, Status: status,
		Loss: r.loss, Losses: r.losses, RelL2: r.rel, MaxAbsError: r.maxAbs}
	if r.step == 0 && r.losses == nil {
		s.Loss = math.NaN() // no step was taken: there is no loss to report
	}
	if !r.start.IsZero() {
		s.WallSeconds = r.wallPrev + time.Since(r.start).Seconds()
	}
	if r.trainSec > 0 {
		s.StepsPerSecond = float64(r.step) / r.trainSec
	}
	s.SetupSeconds, s.EvalSeconds = r.setupSec, r.evalSec
	s.PeakRSSMB = peakRSSMB()
	s.Ranks = r.cfg.Ranks()
	s.Weights = r.prog.BalanceWeights()
	if s.Losses == nil {
		s.Losses = map[string]float64{}
	}
	if s.RelL2 == nil {
		s.RelL2 = map[string]float64{}
	}
	if len(r.prob.Parameters) > 0 {
		s.Parameters = map[string]float64{}
		off := len(r.theta) - len(r.prob.Parameters)
		for i, p := range r.prob.Parameters {
			s.Parameters[p.Name] = r.theta[off+i]
		}
	}
	if len(r.prob.Hidden) > 0 {
		if status == "failed" {
			s.Hidden = map[string]HiddenSummary{}
			for _, h := range r.prob.Hidden {
				var hs HiddenSummary
				if v, ok := r.hiddenRel[h.Name]; ok {
					v := v
					hs.RelL2 = &v
				}
				s.Hidden[h.Name] = hs
			}
		} else {
			// rel_l2 at the inputs (derivative inputs included) and the
			// formula found by symbolic regression; fronts to hidden_<name>.txt
			s.Hidden = r.hiddenSummaries()
		}
	}
	return s
}

// peakRSSMB reads the peak resident set size (VmHWM) on Linux; 0 elsewhere.
func peakRSSMB() float64 {
	return math.Round(procKB("/proc/self/status", "VmHWM")/1024*10) / 10
}

// procKB reads the field key ("key:  123 kB") of a Linux /proc file, in
// kB; 0 if the file or the field is missing.
func procKB(path, key string) float64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), key+":"); ok {
			if fs := strings.Fields(rest); len(fs) >= 1 {
				kb, _ := strconv.ParseFloat(fs[0], 64)
				return kb
			}
		}
	}
	return 0
}

func writeSummary(path string, s *Summary) error {
	clean := func(m map[string]float64) {
		for k, v := range m {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				delete(m, k)
			}
		}
	}
	clean(s.Losses)
	clean(s.RelL2)
	clean(s.MaxAbsError)
	var data []byte
	var err error
	if math.IsNaN(s.Loss) || math.IsInf(s.Loss, 0) {
		// a loss that was not computed (a run failed at its first step) or
		// not finite is left out, never written as 0 (SPEC §3)
		type noLoss struct {
			*Summary
			Loss *float64 `json:"loss,omitempty"`
		}
		data, err = json.MarshalIndent(noLoss{Summary: s}, "", "  ")
	} else {
		data, err = json.MarshalIndent(s, "", "  ")
	}
	if err != nil {
		return err
	}
	return runio.WriteFileAtomic(path, append(data, '\n'))
}

// writeOutputs writes prediction.csv and the plots.
func (r *runner) writeOutputs() error {
	out := r.cfg.opts.OutDir
	fields, hidden, inputs, err := r.predictTestSet()
	if err != nil {
		return err
	}
	n := len(r.prob.Variables)
	rows := len(r.ev.Pts) / n
	var header []string
	var cols [][]float64
	for j, v := range r.prob.Variables {
		header = append(header, v.Name)
		c := make([]float64, rows)
		for i := range c {
			c[i] = r.ev.Pts[i*n+j]
		}
		cols = append(cols, c)
	}
	for f, name := range r.prob.Fields {
		header = append(header, name)
		cols = append(cols, fields[f])
		if ex := r.ev.Exact[name]; ex != nil {
			header = append(header, "exact_"+name)
			cols = append(cols, ex)
		}
	}
	for k, h := range r.prob.Hidden {
		header = append(header, h.Name)
		cols = append(cols, hidden[k])
	}
	if err := runio.WriteCSV(filepath.Join(out, "prediction.csv"), header, cols); err != nil {
		return err
	}
	if r.cfg.opts.VTK {
		if err := r.writeVTK(); err != nil {
			return err
		}
	}
	return r.plot(fields, hidden, inputs)
}

func (r *runner) plot(fields, hidden [][]float64, inputs [][][]float64) error {
	out := r.cfg.opts.OutDir
	// Loss curves from the whole loss history (earlier processes included),
	// errors from the metrics.
	series := map[string][]float64{}
	var steps []float64
	if hdr, cols, err := runio.ReadCSV(filepath.Join(out, "loss_history.csv")); err == nil && len(cols) > 0 && len(cols[0]) > 0 {
		steps = cols[0]
		for i, h := range hdr {
			if h == "loss" || strings.HasPrefix(h, "loss_") {
				series[h] = cols[i]
			}
		}
	}
	if len(steps) > 0 {
		if err := plots.Loss(filepath.Join(out, "loss.png"), r.prob.Name+": training loss", steps, series); err != nil {
			return err
		}
	}
	if hdr, cols, err := runio.ReadCSV(filepath.Join(out, "metrics.csv")); err == nil && len(cols) > 0 && len(cols[0]) > 1 {
		errs := map[string][]float64{}
		for i, h := range hdr {
			if strings.HasPrefix(h, "rel_l2_") {
				errs[h] = cols[i]
			}
		}
		if len(errs) > 0 {
			if err := plots.Loss(filepath.Join(out, "error.png"), r.prob.Name+": relative L2 error", cols[0], errs); err != nil {
				return err
			}
		}
	}
	vars := r.prob.Variables
	for f, name := range r.prob.Fields {
		exactExpr := r.prob.Exact[name]
		switch len(vars) {
		case 1:
			const N = 201
			pts := make([]float64, N)
			for i := range pts {
				pts[i] = vars[0].Lo + (vars[0].Hi-vars[0].Lo)*float64(i)/(N-1)
			}
			pf, _, err := r.pred.Predict(r.theta, pts)
			if err != nil {
				return err
			}
			ref := exactOn(exactExpr, vars, pts)
			if ref == nil && r.prob.ODE != nil {
				ref = make([]float64, len(pts))
				for i, t := range pts {
					ref[i] = r.prob.ODE.At(t)[f]
				}
			}
			if err := plots.Line1D(filepath.Join(out, "solution_"+name+".png"), r.prob.Name+": "+name, vars[0].Name, pts, pf[f], ref); err != nil {
				return err
			}
		case 2:
			const N = 81
			xs := make([]float64, N)
			ys := make([]float64, N)
			for i := range xs {
				xs[i] = vars[0].Lo + (vars[0].Hi-vars[0].Lo)*float64(i)/(N-1)
				ys[i] = vars[1].Lo + (vars[1].Hi-vars[1].Lo)*float64(i)/(N-1)
			}
			pts := make([]float64, 0, 2*N*N)
			for j := range ys {
				for i := range xs {
					pts = append(pts, xs[i], ys[j])
				}
			}
			pf, _, err := r.pred.Predict(r.theta, pts)
			if err != nil {
				return err
			}
			ref := exactOn(exactExpr, vars, pts)
			if g := r.prob.Geometry; g != nil {
				// outside the shape there is nothing to show
				for i := range xs {
					for j := range ys {
						if !g.Contains([]float64{xs[i], ys[j]}, 1e-9) {
							pf[f][j*N+i] = math.NaN()
							if ref != nil {
								ref[j*N+i] = math.NaN()
							}
						}
					}
				}
			}
			if err := plots.Heatmap2D(filepath.Join(out, "solution_"+name+".png"), r.prob.Name+": "+name, vars[0].Name, vars[1].Name, xs, ys, pf[f], ref); err != nil {
				return err
			}
		}
	}
	byName := map[string][]float64{}
	for f, name := range r.prob.Fields {
		byName[name] = fields[f]
	}
	hiddenInputColumns(r.prob, byName, inputs)
	for k, h := range r.prob.Hidden {
		if ex, ok := hiddenExact(r.prob, k, byName, r.ev.Pts); ok {
			if err := plots.LearnedVsExact(filepath.Join(out, "hidden_"+h.Name+".png"), r.prob.Name+": hidden "+h.Name, ex, hidden[k]); err != nil {
				return err
			}
		}
	}
	return nil
}
