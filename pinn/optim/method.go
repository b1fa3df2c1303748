package optim

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gopinn/gopinn/pinn/internal/runio"
	"gonum.org/v1/gonum/mat"
)

// Objective is what every method sees of the loss: its value and gradient
// at a point of parameter space, on the current collocation points.
type Objective interface {
	// LossGrad evaluates the loss at x and writes its gradient into g.
	LossGrad(x, g []float64) (float64, error)
}

// LeastSquares is an objective that is a weighted sum of squared
// residuals, loss = sum over blocks of Scale |R|², and offers their
// Jacobians (Gauss-Newton-type methods).
type LeastSquares interface {
	Objective
	// Residuals returns every block's residuals and Jacobian at x.
	Residuals(x []float64) ([]Block, error)
	// Loss evaluates the loss at x without its gradient (line searches).
	Loss(x []float64) (float64, error)
}

// Block is one group of residuals: its contribution to the loss is
// Scale·|R|², and J = dR/dx (rows × parameters).
type Block struct {
	Name  string
	Scale float64
	J     *mat.Dense
	R     []float64
}

// State is a method's whole state, saved in checkpoints (NumPy arrays by
// name).
type State = map[string]runio.Array

// Method advances the parameter vector by one step of an optimizer.
type Method interface {
	// Needs says what the method requires of the objective.
	Needs() Needs
	// Step performs one step in place on x with learning rate lr and
	// returns the loss to report for the step (at the new x where the
	// method evaluates it there).
	Step(obj Objective, x []float64, lr float64) (float64, error)
	// Save returns the whole state, Load restores it.
	Save() State
	Load(State) error
}

// Needs are the requirements of a method. The zero value asks for a
// gradient only.
type Needs struct {
	// Residuals: the objective must be a LeastSquares.
	Residuals bool
	// FixedObjective: the objective must stay the same function during the
	// stage (no resampling of points or directions between steps), as
	// curvature pairs and line searches compare values across evaluations.
	FixedObjective bool
}

// Sizer is implemented by a method that forms dense matrices of the
// residuals' Jacobian or of the parameters: Bytes estimates its largest
// working set for n parameters and rows residual rows, which the trainer
// compares with the machine's memory before a run starts (a 1000-D
// network of 3 x 128 has n = 161,281: an n x n matrix is 208 GB).
type Sizer interface {
	Bytes(n, rows int) float64
}

// Offers are what the trainer's objective can provide; Check compares them
// with a method's Needs.
type Offers struct {
	// Residuals: the objective offers the Jacobian of its residuals.
	Residuals bool
	// FixedObjective: the objective can be held fixed for a stage.
	FixedObjective bool
	// Why, if set, says why an offer is missing (it ends the error).
	Why string
}

// Check reports whether a method's needs are met, as one error naming the
// method and what is missing.
func Check(name string, m Method, o Offers) error {
	n := m.Needs()
	var missing []string
	if n.Residuals && !o.Residuals {
		missing = append(missing, "the Jacobian of the residuals")
	}
	if n.FixedObjective && !o.FixedObjective {
		missing = append(missing, "an objective that stays fixed during the stage")
	}
	if len(missing) == 0 {
		return nil
	}
	msg := fmt.Sprintf("optimizer %s needs %s, which this problem does not offer", name, strings.Join(missing, " and "))
	if o.Why != "" {
		msg += " (" + o.Why + ")"
	}
	return fmt.Errorf("%s", msg)
}

type entry struct {
	defaultLR float64
	make      func(n int) Method
}

var registry = map[string]entry{}

// Register makes a method available under a spec name, with the learning
// rate used when a stage names it without lr. make builds a fresh method
// for n parameters.
func Register(name string, defaultLR float64, make func(n int) Method) {
	registry[name] = entry{defaultLR, make}
}

// New returns a fresh method by name for n parameters.
func New(name string, n int) (Method, error) {
	e, ok := registry[name]
	if !ok {
		return nil, fmt.Errorf("optimizer %q is not available (have %v)", name, Names())
	}
	return e.make(n), nil
}

// Names lists the registered methods, sorted.
func Names() []string {
	out := make([]string, 0, len(registry))
	for k := range registry {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// DefaultLR is the default learning rate of a method, and whether it is
// registered.
func DefaultLR(name string) (float64, bool) {
	e, ok := registry[name]
	return e.defaultLR, ok
}

// flag is a boolean of the state, as 0 or 1.
func flag(b bool) runio.Array { return runio.Scalar(map[bool]float64{true: 1}[b]) }
func require(s State, what string, keys ...string) error {
	for _, k := range keys {
		if _, ok := s[k]; !ok {
			return fmt.Errorf("%s state has no %q", what, k)
		}
	}
	return nil
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
