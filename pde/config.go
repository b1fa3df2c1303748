package pde

import (
	"go.yaml.in/yaml/v3"

	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pinn/optim"
)

// Spec is a whole problem spec: the problem and how to train it. Load reads
// one from YAML; Go users may build one (or only a Problem and pinn.Options)
// directly. The zero values of the config sections mean "use the default";
// Defaults fills them in.
type Spec struct {
	Problem *Problem

	Seed  uint64
	DType string // float64 (default) | float32

	Model       Model
	Derivatives Derivatives
	Training    Training
	Evaluation  Evaluation
	Output      Output

	// Path is the file the spec was read from ("" if built in Go).
	Path string

	// Warnings are what Load found suspect but not wrong, one line each
	// ("obs.csv: warning: 2 of 3 rows lie outside the domain (first:
	// line 3, x=2.5, y=0.5)"); the CLI prints them on stderr and goes on.
	Warnings []string

	// src is the YAML document as loaded, --set overrides applied (nil if
	// built in Go); MarshalRun writes it back with the defaults filled in.
	src *yaml.Node
}

// Model configures the solution network.
type Model struct {
	Layers     []int  // hidden widths; default [64, 64, 64]
	Activation string // tanh (default) | sin | gelu | softplus
	// Output is the optional hard-constraint transform, by field, in terms of
	// the variables and N (single field) or N_<field>. A nil entry (or a
	// missing field) means the field is the raw network output.
	Output map[string]expr.Expr
	// OutputText is the transform as written (for messages and spec.yaml)
	// when given as one string; OutputSource has the text by field when
	// given as a map.
	OutputText   string
	OutputSource map[string]string
	// NoNormalize switches off the default mapping of every variable's
	// interval to [-1, 1] before the first layer.
	NoNormalize bool
	// Type is the kind of network: mlp (default), or gaussians, the
	// physics-informed Gaussians of Kang et al. (ICLR 2025): Count
	// Gaussians with trainable centres and covariances whose values feed
	// the Layers (DefaultGaussianLayers by default; an empty list is the
	// Gaussian mixture alone).
	Type  string
	Count int // gaussians: how many (default DefaultGaussians)
	// Width is the Gaussians' initial width in units of the centres' mean
	// spacing (default DefaultGaussianWidth; the result depends on it).
	Width float64
	// Subdomains (type fbpinn: finite-basis PINNs, Moseley et al. 2023)
	// is the number of overlapping subdomains along each network input
	// (one entry per input, or one for all), each with a network of
	// Layers; Overlap is how far a subdomain reaches past its tile on each
	// side, as a fraction of the tile's width (default DefaultOverlap).
	Subdomains []int
	Overlap    float64
	// Architecture is mlp (default) or modified: the modified MLP of Wang,
	// Teng & Perdikaris (2021), whose hidden layers are gated between two
	// encoders of the input (all hidden widths must be equal).
	Architecture string
	// Fourier, if set, feeds the network random Fourier features of the
	// (normalised) inputs instead of the inputs (Tancik et al. 2020).
	Fourier *Fourier
	// Separate gives every field a network of its own, each with one
	// output (model.separate; PINNacle's PFNN), instead of one network with
	// an output per field. Fields implies it.
	Separate bool
	// Fields overrides the layers and activation of a field's network, by
	// field (model.fields); a field not listed uses Layers and Activation.
	Fields map[string]FieldNet
}

// FieldNet is one field's network in a model with separate networks.
type FieldNet struct {
	Layers     []int  // hidden widths; nil: Model.Layers
	Activation string // "": Model.Activation
}

// FieldNet returns the hidden widths and activation of field's own
// network (Model.Layers and Model.Activation where model.fields does not
// override them).
func (m *Model) FieldNet(field string) FieldNet {
	fn := FieldNet{Layers: m.Layers, Activation: m.Activation}
	if o, ok := m.Fields[field]; ok {
		if o.Layers != nil {
			fn.Layers = o.Layers
		}
		if o.Activation != "" {
			fn.Activation = o.Activation
		}
	}
	return fn
}

// Fourier configures random Fourier features gamma(x) = [cos(2 pi x B),
// sin(2 pi x B)] with B (inputs x features) drawn once from N(0, scale^2)
// by the run's seed.
type Fourier struct {
	Features int     // number of frequencies (each gives a cos and a sin); default 64
	Scale    float64 // standard deviation of B; default 1
}

// Balance configures loss balancing: every Every steps the factor of each
// term is moved towards mean_j |grad L_j| / |grad L_i| (learning-rate
// annealing, Wang, Teng & Perdikaris 2021; jaxpi's grad_norm weighting).
type Balance struct {
	Method string  // grad-norm (the only one)
	Every  int     // steps between updates; default 100
	Alpha  float64 // moving-average factor, in (0, 1); default 0.9
}

// Causal configures causal weighting of equation residuals in time (Wang,
// Sankaran & Perdikaris 2022): the points are split into Chunks time slabs
// and slab k is weighted by exp(-Epsilon * sum of the earlier slabs' losses).
type Causal struct {
	Chunks  int     // default 32
	Epsilon float64 // default 1
}

// Defaults of the convergence options.
const (
	DefaultArchitecture = "mlp"
	DefaultModelType    = "mlp"
	DefaultGaussians    = 64
	// DefaultGaussianWidth: wide enough that neighbouring Gaussians
	// overlap (the fit is smooth from the start), narrow enough to resolve
	// the centres' spacing (PIG on the multi-scale Poisson problem of
	// results/pig.md: 0.27 at 2, 5.2e-2 at 4, 3.4 at 8).
	DefaultGaussianWidth = 4.0
	DefaultOverlap       = 0.25
	// MaxSubdomains bounds model.type fbpinn's subdomains (one network
	// each, every network evaluated at every point).
	MaxSubdomains = 256
)

// DefaultGaussianLayers is the small network after physics-informed
// Gaussians (model.type gaussians) when model.layers is not given.
var DefaultGaussianLayers = []int{16}

const (
	DefaultFourierFeatures = 64
	DefaultFourierScale    = 1.0
	DefaultBalanceMethod   = "grad-norm"
	DefaultBalanceEvery    = 100
	DefaultBalanceAlpha    = 0.9
	DefaultCausalChunks    = 32
	DefaultCausalEpsilon   = 1.0
)

// Derivatives selects how PDE derivatives are computed.
type Derivatives struct {
	Method    string // taylor (default) | stde
	Samples   int    // stde: sampled dimensions / directions per point; default 16
	Estimator string // stde: sparse (default) | rademacher | gaussian
}

// Schedule is a learning-rate schedule.
type Schedule = optim.Schedule

// Stage is one optimizer stage of training.
type Stage struct {
	Optimizer string // adam | lbfgs | engd | lm
	Steps     int
	LR        float64
	Schedule  Schedule
}

// Training configures the optimizer stages and checkpoints.
type Training struct {
	Stage           // the first stage: default adam, 5000 steps, lr 1e-3
	InitFrom string // warm start from an earlier run directory
	Then     *Stage // optional second stage (default optimizer lbfgs)
	// Rounds, if set, repeats a stage (and an optional follow-up) after
	// the first two: the resample-and-retrain rounds of the
	// residual-adaptive sampling papers.
	Rounds          *Rounds
	CheckpointEvery int // default 1000
	// Balance, if set, rescales the terms' weights during training.
	Balance *Balance
	// Causal, if set, weights equation residuals causally in t.
	Causal *Causal
}

// Rounds repeats Count times the stage Stage (default optimizer adam) and,
// if set, Then (default lbfgs) after the training's own stages, each stage
// with a fresh optimizer. Adaptive terms (rad, rar-d) redraw their points
// at the start of every round and only then (their resample_every is
// ignored), as in the RAD paper: train, then redraw and retrain. Other
// terms keep their resample_every schedule (which counts every step and
// redraws in Adam stages only).
type Rounds struct {
	Count int
	Stage
	Then *Stage
}

// Evaluation configures error measurement against exact or reference values.
type Evaluation struct {
	Points  int    // test points, drawn once with a fixed seed; default 4096
	Sampler string // default uniform
	Every   int    // default 500
}

// Output configures where a run writes.
type Output struct {
	Dir string // default results/<name>
	// VTK writes solution.vtu (VTK XML unstructured grid of the evaluation
	// points) for ParaView, in 2-D and 3-D also solution.vti (a regular
	// grid); with time, one file per time slice and .pvd collections
	// (output.vtk).
	VTK bool
	// TensorBoard writes tb/events.out.tfevents.* with the scalars of
	// metrics.csv (output.tensorboard).
	TensorBoard bool
}
