package pde

import (
	"sort"

	"github.com/gopinn/gopinn/pinn/optim"
)

// The names a spec may use, with their options. Packages that implement a
// new sampler, activation or condition type register its spec name here
// (one line) so that specs naming it validate; optimizers are listed by
// their own registry (optim.Register).
var (
	// samplers maps a collocation sampler's name to the option keys its map
	// form accepts (all numbers).
	samplers = map[string][]string{
		"uniform": nil, "lhs": nil, "sobol": nil, "halton": nil, "grid": nil,
		"ball-radial": nil, "gaussian-time": nil,
		"rad":   {"k", "c", "pool"},
		"rar-d": {"k", "c", "pool", "add"},
	}
	activations    = map[string]bool{"tanh": true, "sin": true, "gelu": true, "softplus": true}
	conditionTypes = map[string]bool{"dirichlet": true, "neumann": true, "robin": true, "periodic": true}
	schedules      = map[string]bool{"constant": true, "exponential": true, "linear": true, "cosine": true}
)

// RegisterSampler makes a sampler name (and the numeric options of its map
// form) valid in specs.
func RegisterSampler(name string, options ...string) { samplers[name] = options }

// RegisterActivation makes an activation name valid in specs.
func RegisterActivation(name string) { activations[name] = true }

// RegisterConditionType makes a condition type valid in specs. Its residual
// is built by the trainer (pinn) from Condition.Type; the loader leaves
// Residual nil for types it does not build itself.
func RegisterConditionType(name string) { conditionTypes[name] = true }

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Defaults.
const (
	DefaultSteps           = 5000
	DefaultOptimizer       = "adam"
	DefaultThenOptimizer   = "lbfgs"
	DefaultCheckpointEvery = 1000
	DefaultActivation      = "tanh"
	DefaultMethod          = "taylor"
	DefaultSamples         = 16
	DefaultEstimator       = "sparse"
	DefaultEvalPoints      = 4096
	DefaultEvalSampler     = "uniform"
	DefaultEvalEvery       = 500
	DefaultSampler         = "uniform"
	DefaultDType           = "float64"
	DefaultScheduleRate    = 0.9
	DefaultScheduleEvery   = 1000
)

// DefaultLayers are the default hidden widths of the solution network, and
// DefaultHiddenLayers those of a hidden-term network.
var (
	DefaultLayers       = []int{64, 64, 64}
	DefaultHiddenLayers = []int{32, 32}
)

// DefaultLR is the learning rate of a stage using optimizer opt when the
// spec gives none, as the optimizer registered it (package pinn/optim, the
// one list of optimizers): 1e-3 for adam, 1 for the line-search and
// second-order methods (lbfgs, engd, lm).
func DefaultLR(opt string) float64 {
	if lr, ok := optim.DefaultLR(opt); ok {
		return lr
	}
	return 1e-3
}
