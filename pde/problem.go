package pde

import (
	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/sampling"
)

// Problem is a PDE problem in memory: what must hold, where, and what is
// known. It is what pinn.Train consumes. Every expression in it is resolved
// (see expr.Resolve): helper functions and scalar constants are inlined, pi, e
// and d are numbers, shorthand derivatives are Deriv nodes, and exact(u) has
// been replaced by the exact expression (differentiated symbolically where a
// derivative was taken of it). What remains for a compiler are numbers,
// variables, fields, parameters, N / N_<field> (output transforms only),
// arithmetic, elementwise functions, Deriv of fields, and the operator calls
// lap, biharm, dn and hidden-term calls.
type Problem struct {
	Name        string
	Description string

	// Geometry, if set, is the (2-D or 3-D) space domain when it is not the
	// box of the variables' intervals: a disk, annulus, polygon, STL mesh,
	// cylinder, extrusion or a CSG of shapes.
	// The space variables' intervals are then its bounding box, and the
	// condition selector "boundary" is its whole boundary (Face.Var ==
	// BoundaryFace).
	Geometry sampling.Domain

	// Variables are the independent variables in network-input order. The
	// domain is the box of their intervals. A variable named "t" is time.
	// With a Vector variable, Variables[0] is instead the radial coordinate
	// RadialName = |x| (not a network input: a reporting column), then t if
	// the domain has time.
	Variables []Variable
	// Vector, if non-nil, is the vector variable x ∈ R^Dim of a ball or
	// vector-box domain (SPEC §1 domain); expressions use x[i], norm2(x),
	// sum(...). Coordinates gives the same problem in D scalar variables
	// x[1..D]; pinn compiles it that way, or on its high-dimensional fast
	// path when the problem fits it (see pinn's package doc).
	Vector *VectorVariable
	// Fields are the outputs of the solution network, in output order.
	Fields []string
	// Constants are the named scalar constants (already inlined in
	// expressions; kept for reporting).
	Constants map[string]float64
	// VectorConstants are the named vector constants (c[1..n]), by name.
	VectorConstants map[string][]float64
	// Parameters are trainable scalars, reported after training.
	Parameters []Parameter
	// Hidden are hidden-term networks used in residuals as calls h(...).
	Hidden []Hidden

	Equations  []Term
	Conditions []Condition
	Data       []DataSet

	// Exact maps a field or hidden-term name to its exact expression in the
	// variables (hidden terms: in the hidden term's inputs' names), if known.
	Exact map[string]expr.Expr
	// Reference, if non-nil, is a table of reference values at points (from
	// evaluation.reference): columns named by variables and fields.
	Reference *DataSet
	// ODE, if non-nil, is the system of ODEs whose numerical solution gave
	// Reference (evaluation.reference.ode) and the synthetic data of fields
	// without an exact expression.
	ODE *ODEReference
}

// Variable is one independent variable and its interval.
type Variable struct {
	Name   string
	Lo, Hi float64
}

// IsTime reports whether the variable is time, which is excluded from lap,
// grad and the spatial boundary.
func (v Variable) IsTime() bool { return v.Name == "t" }

// Parameter is a trainable scalar.
type Parameter struct {
	Name string
	Init float64
}

// Hidden is a hidden-term network standing in for an unknown term.
type Hidden struct {
	Name string
	// Inputs are the resolved input expressions (fields, derivatives of
	// fields, variables) in network-input order; InputNames their source text.
	Inputs     []expr.Expr
	InputNames []string
	Layers     []int
	Activation string
	// Library configures the symbolic regression of the trained network
	// (hidden.<name>.library); its zero value means the defaults.
	Library Library
}

// Library is the candidate library and model selection of the symbolic
// regression of a hidden term after training (package pinn/symreg). Zero
// values mean the defaults of symreg.Options.
type Library struct {
	// Degree is the highest total degree of the monomials of the inputs
	// (default 3); -1 keeps only the constant (with Extra: Extra alone).
	Degree int
	// Extra are further candidate terms: expressions of the input names,
	// e.g. "x/(0.1 + x)".
	Extra []string
	// Threshold, if positive, selects the STLSQ model at that threshold.
	Threshold float64
	// MaxRelError, if positive, selects the simplest model on the front
	// within that relative error of the best model's.
	MaxRelError float64
	// Digits is the number of significant digits printed (default 4).
	Digits int
	// Form is what the formula is fitted to: "strong" (default) the hidden
	// network's values at the evaluation points; "weak" (problems in one
	// variable t) the integrals of the term over [t0, t_i] implied by its
	// equation and the observations at t_i — robust to noise in the data.
	Form string
}

// SamplerConfig names a collocation sampler and its options.
type SamplerConfig struct {
	Type    string             // uniform | lhs | sobol | halton | grid | ball-radial | rad | rar-d
	Options map[string]float64 // e.g. rad: k, c, pool
}

// Term is a residual that must vanish at sampled points.
type Term struct {
	Name     string
	Residual expr.Expr
	// Text is the residual as written (typed conditions: the value), for
	// messages.
	Text          string
	Points        int
	Sampler       SamplerConfig
	ResampleEvery int // 0: fixed points
	Weight        float64
}

// Face is one face of the box domain: the set where Var == Value, which is
// the low (Side = -1) or high (Side = +1) end of that variable's interval.
type Face struct {
	Var   string
	Value float64
	Side  int
	// Part, with Var == BoundaryFace, restricts the selector to the share
	// of the boundary on the named CSG part's surface (on: plate).
	Part string
}

// Condition is a residual on part of the boundary or on an initial slice.
type Condition struct {
	Term
	// On lists the faces the condition applies to; points are shared out in
	// proportion to the faces' measures.
	On []Face
	// Type is "" for a free residual, or dirichlet, neumann, robin, periodic.
	// For dirichlet, neumann and robin, Residual has already been built from
	// the value (and a, b for robin); for periodic, Residual is nil and the
	// compiler matches Field and its first derivatives on opposite faces.
	Type  string
	Field string
}

// DataSet is a table of observations: Inputs[v] and Targets[f] are columns
// of equal length, by variable and by field name.
type DataSet struct {
	Name    string
	File    string // source file, if any (for messages and copying)
	Inputs  map[string][]float64
	Targets map[string][]float64
	Weight  float64
	// Noise and NoiseModel record how synthetic values were perturbed:
	// NoiseModel is relative (noise: r, noise: {relative: r}), absolute
	// (noise: {sigma: s}, Noise = s) or mean (noise_model: mean); zero and
	// "" for file data, zero for clean synthetic data.
	Noise      float64
	NoiseModel string
}

// Len is the number of rows.
func (d *DataSet) Len() int {
	for _, c := range d.Inputs {
		return len(c)
	}
	for _, c := range d.Targets {
		return len(c)
	}
	return 0
}

// VariableNames lists the variables' names in order.
func (p *Problem) VariableNames() []string {
	names := make([]string, len(p.Variables))
	for i, v := range p.Variables {
		names[i] = v.Name
	}
	return names
}

// VariableIndex returns the index of the named variable, or -1.
func (p *Problem) VariableIndex(name string) int {
	for i, v := range p.Variables {
		if v.Name == name {
			return i
		}
	}
	return -1
}

// FieldIndex returns the index of the named field, or -1.
func (p *Problem) FieldIndex(name string) int {
	for i, f := range p.Fields {
		if f == name {
			return i
		}
	}
	return -1
}

// SpaceVariables returns the indices of the variables that are not time.
func (p *Problem) SpaceVariables() []int {
	var idx []int
	for i, v := range p.Variables {
		if !v.IsTime() {
			idx = append(idx, i)
		}
	}
	return idx
}

// RadialName is the name of the reporting coordinate |x| of a problem with a
// vector variable; it is not a valid expression name, so no expression can
// refer to it.
const RadialName = "|x|"

// VectorVariable is the vector variable of a ball (centred at 0, Radius) or
// of a vector box [Lo, Hi]^Dim.
type VectorVariable struct {
	Name   string
	Dim    int
	Domain string // ball | box
	Radius float64
	Lo, Hi float64
}
