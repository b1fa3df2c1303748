package pinn

import (
	"errors"
	"time"

	"github.com/gopinn/gopinn/comm"
	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn/compiler"
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
	// VTK also writes the predictions for ParaView (output.vtk):
	// solution.vtu, or with time solution_<k>.vtu and solution.pvd; in 2-D
	// and 3-D also solution.vti (solution_grid_<k>.vti, solution_grid.pvd).
	VTK bool
	// TensorBoard also writes the metrics as TensorBoard scalars
	// (output.tensorboard): OutDir/tb/events.out.tfevents.*.
	TensorBoard bool
	// MaxSteps stops after this many optimizer steps of the planned run,
	// all stages counted (0: the whole plan). The plan itself is unchanged,
	// so the cut run is an exact prefix of the full run.
	MaxSteps int
	// Progress, if set, is called after every optimizer step.
	Progress func(Progress)
	// Log, if set, receives a plain line at every evaluation.
	Log func(line string)
	// Comm, if it has more than one rank, makes the run data-parallel
	// (SPEC §7): every rank calls Train (or Resume) with the same problem
	// and options; each trains on its own points, the gradients are added
	// over the ranks every step, and rank 0 alone writes OutDir and calls
	// Progress and Log. Nil: one rank.
	Comm comm.Comm
	// PreferFastPath compiles a vector problem on the high-dimensional path
	// whenever it can take it (by default a problem with data, parameters,
	// hidden terms, a reference, balancing, L-BFGS or dn(u) goes to the
	// general compiler where that can take it: method taylor, D <= 1000).
	PreferFastPath bool
}

// OptionsFromSpec takes the run configuration out of a loaded spec.
func OptionsFromSpec(s *pde.Spec) Options {
	return Options{Seed: s.Seed, DType: s.DType, Model: s.Model, Derivatives: s.Derivatives,
		Training: s.Training, Evaluation: s.Evaluation, OutDir: s.Output.Dir,
		VTK: s.Output.VTK, TensorBoard: s.Output.TensorBoard}
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

// config is Options with every default filled in: what the compiler needs
// (compiler.Config) and the trainer's own settings.
type config struct {
	compiler.Config
	checkEvery int
	initFrom   string
	opts       Options
}

func newConfig(o Options) *config {
	c := &config{Config: *compiler.NewConfig(compiler.Settings{Seed: o.Seed, DType: o.DType, Model: o.Model,
		Derivatives: o.Derivatives, Training: o.Training, Evaluation: o.Evaluation}), opts: o}
	c.Config.Comm = o.Comm
	c.Config.PreferFastPath = o.PreferFastPath
	c.checkEvery = o.Training.CheckpointEvery
	if c.checkEvery <= 0 {
		c.checkEvery = 1000
	}
	c.initFrom = o.Training.InitFrom
	return c
}

// PlannedSteps is the number of optimizer steps the options plan over all
// stages (rounds expanded), before any MaxSteps cut.
func PlannedSteps(o Options) int { return newConfig(o).TotalSteps() }

// route returns the problem the compiler runs and sets c's compiler
// settings to go with it (compiler.Route: a vector problem's coordinate
// form, with its output transforms expanded, or the problem itself).
func (c *config) route(prob *pde.Problem) (*pde.Problem, error) {
	q, cc, err := compiler.Route(prob, &c.Config)
	if err != nil {
		return nil, err
	}
	c.Config = *cc
	return q, nil
}

// stageAt returns the stage index of global step s and the step within it.
func (c *config) stageAt(s int) (int, int) {
	for i, st := range c.Stages {
		if s < st.Steps {
			return i, s
		}
		s -= st.Steps
	}
	last := len(c.Stages) - 1
	return last, c.Stages[last].Steps
}
