package pinn

import (
	"errors"
	"time"

	"github.com/gopinn/gopinn/pde"
)

// Options configures a training run. The zero value of every config section
// means "the default" (as documented on the pde types).
type Options struct {
	Seed        uint64
	DType       string // float64 (default) | float32
	Model       pde.Model
	Derivatives pde.Derivatives
	Training    pde.Training
	Evaluation  pde.Evaluation

	// OutDir is where the run writes spec.yaml, metrics.csv, summary.json,
	// checkpoint.npz, prediction.csv and plots. Empty: nothing is written.
	OutDir string
	// SpecYAML is written as OutDir/spec.yaml (the spec as run).
	SpecYAML []byte
	// MaxSteps stops after this many optimizer steps of the planned run,
	// all stages counted (0: the whole plan). The plan itself is unchanged,
	// so the cut run is an exact prefix of the full run.
	MaxSteps int
	// Progress, if set, is called after every optimizer step.
	Progress func(Progress)
	// Log, if set, receives a plain line at every evaluation.
	Log func(line string)
}

// OptionsFromSpec takes the run configuration out of a loaded spec.
func OptionsFromSpec(s *pde.Spec) Options {
	return Options{Seed: s.Seed, DType: s.DType, Model: s.Model, Derivatives: s.Derivatives,
		Training: s.Training, Evaluation: s.Evaluation, OutDir: s.Output.Dir}
}

// Progress is reported after every optimizer step.
type Progress struct {
	Step, Total int
	Stage       string // optimizer of the current stage
	LR          float64
	Loss        float64
	Losses      map[string]float64
	RelL2       map[string]float64 // at the latest evaluation
	ItPerSec    float64
	ETA         time.Duration
}

// ErrInterrupted is returned when the context was cancelled: the run saved a
// checkpoint and a summary with status "interrupted" first.
var ErrInterrupted = errors.New("interrupted")

// config is Options with every default filled in.
type config struct {
	seed   uint64
	dtype  string
	model  pde.Model
	deriv  pde.Derivatives
	stages []pde.Stage
	// roundStarts are the global steps at which training.rounds' rounds
	// begin (empty without rounds): adaptive terms redraw there, and only
	// there (adaptiveEpoch).
	roundStarts []int
	checkEvery  int
	initFrom    string
	eval        pde.Evaluation
	opts        Options
	// forceCoordinates compiles a vector problem by the general compiler
	// even where the fast path applies (tests holding the two equal).
	forceCoordinates bool
}

func newConfig(o Options) *config {
	c := &config{seed: o.Seed, dtype: o.DType, model: o.Model, deriv: o.Derivatives, eval: o.Evaluation, opts: o}
	if c.dtype == "" {
		c.dtype = "float64"
	}
	if len(c.model.Layers) == 0 {
		c.model.Layers = []int{64, 64, 64}
	}
	if c.model.Activation == "" {
		c.model.Activation = "tanh"
	}
	if c.deriv.Method == "" {
		c.deriv.Method = "taylor"
	}
	st := o.Training.Stage
	if st.Optimizer == "" {
		st.Optimizer = "adam"
	}
	if st.Steps == 0 {
		st.Steps = 5000
	}
	if st.LR == 0 {
		st.LR = 1e-3
	}
	c.stages = []pde.Stage{st}
	// follow-up stages default to L-BFGS, learning rates to the first's
	then := func(t pde.Stage) pde.Stage {
		if t.Optimizer == "" {
			t.Optimizer = "lbfgs"
		}
		if t.LR == 0 {
			t.LR = st.LR
		}
		return t
	}
	if t := o.Training.Then; t != nil {
		c.stages = append(c.stages, then(*t))
	}
	if r := o.Training.Rounds; r != nil {
		rs := r.Stage
		if rs.Optimizer == "" {
			rs.Optimizer = "adam"
		}
		if rs.LR == 0 {
			rs.LR = st.LR
		}
		for range r.Count {
			c.roundStarts = append(c.roundStarts, c.totalSteps())
			c.stages = append(c.stages, rs)
			if r.Then != nil {
				c.stages = append(c.stages, then(*r.Then))
			}
		}
	}
	c.checkEvery = o.Training.CheckpointEvery
	if c.checkEvery <= 0 {
		c.checkEvery = 1000
	}
	c.initFrom = o.Training.InitFrom
	if c.eval.Points <= 0 {
		c.eval.Points = 4096
	}
	if c.eval.Every <= 0 {
		c.eval.Every = 500
	}
	if c.eval.Sampler == "" {
		c.eval.Sampler = "uniform"
	}
	return c
}

// PlannedSteps is the number of optimizer steps the options plan over all
// stages (rounds expanded), before any MaxSteps cut.
func PlannedSteps(o Options) int { return newConfig(o).totalSteps() }

// totalSteps is the planned number of optimizer steps over all stages.
func (c *config) totalSteps() int {
	n := 0
	for _, s := range c.stages {
		n += s.Steps
	}
	return n
}

// adaptiveEpoch is the resampling epoch of an adaptive (rad, rar-d) term
// at global step s: with training.rounds the number of rounds begun (the
// RAD paper's protocol: train, then redraw at the start of every round,
// never inside the first stages or a round), otherwise s / every (0: never).
func (c *config) adaptiveEpoch(s, every int) int {
	if len(c.roundStarts) > 0 {
		e := 0
		for _, r := range c.roundStarts {
			if r <= s {
				e++
			}
		}
		return e
	}
	if every <= 0 {
		return 0
	}
	return s / every
}

// stageAt returns the stage index of global step s and the step within it.
func (c *config) stageAt(s int) (int, int) {
	for i, st := range c.stages {
		if s < st.Steps {
			return i, s
		}
		s -= st.Steps
	}
	last := len(c.stages) - 1
	return last, c.stages[last].Steps
}
