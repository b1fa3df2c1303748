package compiler

import (
	"fmt"

	"github.com/gopinn/gopinn/comm"
	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn/optim"
)

// Config is what the compiler needs of a run, every default filled in
// (pinn's Options complete it with the trainer's own settings).
type Config struct {
	Seed  uint64
	DType string // float64 | float32
	Model pde.Model
	Deriv pde.Derivatives
	// Stages are the planned training stages, rounds expanded: the compiler
	// checks their methods against what its program offers, and adaptive
	// terms plan their resampling over them.
	Stages []pde.Stage
	// RoundStarts are the global steps at which training.rounds' rounds
	// begin (empty without rounds): adaptive terms redraw there, and only
	// there (AdaptiveEpoch).
	RoundStarts []int
	Eval        pde.Evaluation
	Balance     *pde.Balance // training.balance; nil: fixed weights
	Causal      *pde.Causal  // training.causal; nil: none
	// ForceCoordinates compiles a vector problem by the general compiler
	// even where the fast path applies (tests holding the two equal).
	ForceCoordinates bool
	// PreferFastPath compiles a vector problem on the fast path whenever it
	// can take it, also where the router would give it to the general
	// compiler as the faster one (beyondPapersShape).
	PreferFastPath bool
	// Comm is the communicator of a data-parallel run (nil: one rank). The
	// program of rank r draws its own points from its own streams, holds
	// its share of fixed point sets and data rows, and scales each term so
	// that the sum of the ranks' losses is the loss of the union of their
	// points (parallel.go).
	Comm comm.Comm
}

// Settings are the run settings the compiler reads, as a spec writes them:
// a zero field means its default.
type Settings struct {
	Seed        uint64
	DType       string
	Model       pde.Model
	Derivatives pde.Derivatives
	Training    pde.Training
	Evaluation  pde.Evaluation
}

// NewConfig fills in every default of s (the one place they are set): a
// float64 64x64x64 tanh network, Taylor-mode derivatives, one Adam stage
// of 5000 steps at 1e-3 with follow-up stages on L-BFGS, and 4096
// uniform evaluation points every 500 steps.
func NewConfig(o Settings) *Config {
	c := &Config{Seed: o.Seed, DType: o.DType, Model: o.Model, Deriv: o.Derivatives, Eval: o.Evaluation,
		Balance: o.Training.Balance, Causal: o.Training.Causal}
	if c.DType == "" {
		c.DType = "float64"
	}
	switch gauss := c.Model.Type == "gaussians"; {
	case gauss && c.Model.Layers == nil:
		c.Model.Layers = pde.DefaultGaussianLayers
	case !gauss && len(c.Model.Layers) == 0:
		// (for Gaussians an empty list is the mixture alone)
		c.Model.Layers = pde.DefaultLayers
	}
	if c.Model.Activation == "" {
		c.Model.Activation = "tanh"
	}
	if c.Deriv.Method == "" {
		c.Deriv.Method = "taylor"
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
	c.Stages = []pde.Stage{st}
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
		c.Stages = append(c.Stages, then(*t))
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
			c.RoundStarts = append(c.RoundStarts, c.TotalSteps())
			c.Stages = append(c.Stages, rs)
			if r.Then != nil {
				c.Stages = append(c.Stages, then(*r.Then))
			}
		}
	}
	if c.Eval.Points <= 0 {
		c.Eval.Points = 4096
	}
	if c.Eval.Every <= 0 {
		c.Eval.Every = 500
	}
	if c.Eval.Sampler == "" {
		c.Eval.Sampler = "uniform"
	}
	return c
}

// TotalSteps is the planned number of optimizer steps over all stages.
func (c *Config) TotalSteps() int {
	n := 0
	for _, s := range c.Stages {
		n += s.Steps
	}
	return n
}

// AdaptiveEpoch is the resampling epoch of an adaptive (rad, rar-d) term
// at global step s: with training.rounds the number of rounds begun (the
// RAD paper's protocol: train, then redraw at the start of every round,
// never inside the first stages or a round), otherwise s / every (0: never).
func (c *Config) AdaptiveEpoch(s, every int) int {
	if len(c.RoundStarts) > 0 {
		e := 0
		for _, r := range c.RoundStarts {
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

// Size is what a check learns of a run's size before its program is
// built: the parameters (networks, then trainable parameters) and the
// residual rows of the full training program (the rows of a Gauss-Newton
// method's Jacobian).
type Size struct{ Params, Rows int }

// Check compiles prob under cfg without training: the training program,
// the predictor and a few evaluation points, so that every error a run
// would meet at its start is met here. It returns the run's size.
func Check(prob *pde.Problem, cfg *Config) (Size, error) {
	prob, cfg, err := Route(prob, cfg)
	if err != nil {
		return Size{}, err
	}
	// A vector problem is compiled on a few points: its forcing terms cost
	// O(d) per point to evaluate (seconds for 100 points at 100K-D).
	bo := BuildOptions{CheckOnly: true}
	if prob.Vector != nil {
		bo.Points = 4
	}
	prog, err := Build(prob, cfg, bo)
	if err != nil {
		return Size{}, err
	}
	if _, err := NewPredictor(prob, cfg, 16); err != nil {
		return Size{}, err
	}
	// A few evaluation points check that the exact solutions evaluate;
	// the full set (20,000 points in 10,000 dimensions for STDE) would make
	// validate slow for nothing.
	small := *cfg
	small.Eval.Points = min(cfg.Eval.Points, 8)
	if _, err := NewEvaluation(prob, &small); err != nil {
		return Size{}, err
	}
	return Size{Params: prog.NumParams(), Rows: prog.plannedRows(prob, bo)}, nil
}

// InputError marks an error of the input (the problem, its options or a
// file it names) rather than of the run: the CLI exits 2 on it.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// checkMethods is the one place where the methods of the planned stages
// are checked against what a program offers.
func checkMethods(cfg *Config, o optim.Offers) error {
	for _, st := range cfg.Stages {
		m, err := optim.New(st.Optimizer, 0)
		if err != nil {
			return err
		}
		if err := optim.Check(st.Optimizer, m, o); err != nil {
			return err
		}
	}
	return nil
}

// offersScalar is what the program of scalar variables offers every method.
var offersScalar = optim.Offers{Residuals: true, FixedObjective: true}

// Objective is the program as a function of the flat parameter vector for
// a method: its loss and gradient on the current points, and where the
// method needs them (m.Needs().Residuals) the residuals' Jacobians, from
// residual programs compiled at first use.
func (p *Program) Objective(m optim.Method) optim.Objective {
	if m.Needs().Residuals {
		return &residualObjective{lossObjective: lossObjective{p}}
	}
	return lossObjective{p}
}

// lossObjective is the training program's loss and gradient on its current
// points (the per-term losses of the run are read from it afterwards).
type lossObjective struct{ prog *Program }

func (o lossObjective) LossGrad(x, g []float64) (float64, error) { return o.prog.Run(x, g) }

// residualObjective adds the residuals' Jacobians (Gauss-Newton-type
// methods).
type residualObjective struct {
	lossObjective
	jac *jacobian
}

var _ optim.LeastSquares = (*residualObjective)(nil)

func (o *residualObjective) jacobian() (*jacobian, error) {
	if o.jac == nil {
		jc, err := newJacobian(o.prog)
		if err != nil {
			return nil, fmt.Errorf("residual programs: %w", err)
		}
		o.jac = jc
	}
	return o.jac, nil
}

func (o *residualObjective) Residuals(x []float64) ([]optim.Block, error) {
	jc, err := o.jacobian()
	if err != nil {
		return nil, err
	}
	return jc.assemble(x, o.prog)
}

func (o *residualObjective) Loss(x []float64) (float64, error) {
	jc, err := o.jacobian()
	if err != nil {
		return 0, err
	}
	return jc.lossAt(x, o.prog)
}
