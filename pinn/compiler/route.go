package compiler

import (
	"errors"
	"fmt"
	"maps"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pinn/optim"
)

// How a problem with a vector variable is compiled. The general compiler
// (program.go, batch.go) takes it with the vector written as D scalar
// coordinates (pde.Problem.Coordinates): every feature then applies —
// every condition type (dn(u) on the sphere and the faces of a vector box),
// every optimizer, data in x[1..D] columns, parameters, hidden terms,
// adaptive sampling, Fourier features, the modified MLP, balancing, causal
// weights, evaluation.reference. The high-dimensional fast path
// (highdim*.go) takes systems of any number of fields and equations (one
// network with an output per field, or one per field): lap(u), u_t,
// coordinate sums, trainable parameters, hidden terms of the fields'
// values, conditions of the values and dn(u) (sphere, box and time faces), data and
// evaluation.reference files, Fourier features and the modified MLP
// (nets.MLP.ForwardStacked), the interior samplers but grid (rad/rar-d for
// the equation, adaptive.go: the pool drawn in blocks, twice),
// Adam (and L-BFGS, ENGD and LM with the exact Laplacian: residual
// programs of each term give the Jacobian rows), loss balancing, causal
// weights (residual programs of the equation) — at any dimension:
// it never materialises D directions per point (a direction e_j through the
// first layer is a gathered row of W1) and it runs the stochastic
// estimators. It shares the expression compiler and the program's assembly
// with the general compiler. A problem with a stochastic estimator or
// beyond maxCoordinates takes the fast path when it can run it; with the
// exact Laplacian up to coordinatesFaster the general compiler is faster,
// and up to maxCoordinates it takes the problems beyond the papers' shape
// (beyondPapersShape); Config.PreferFastPath keeps the fast path for them.

// maxCoordinates is the largest dimension the general compiler takes a
// vector variable at: its exact Laplacian pushes D second-order jets per
// point and its expressions expand sums over D coordinates, so its cost
// per point grows like D (jets) and D (expanded sums); beyond it the fast
// path is the only way.
const maxCoordinates = 1000

// coordinatesFaster is the largest dimension at which the general compiler
// runs the exact Laplacian (method taylor) faster than the fast path, in
// less memory, on every problem measured: its fused kernel pushes the D
// jets of a point through one kernel call where the fast path stacks them
// through graph ops. Adam steps, fast path vs general compiler (2 cores):
// a heat equation on the D-ball (P interior + 100 or 1000 points on t == 0,
// 3 or 4 x 64 tanh; BenchmarkVectorRoute at D = 5): D = 5, P = 2000: 242
// vs 28 ms; D = 50, P = 1000: 963 vs 89 ms; D = 100, P = 1000: 2.18 vs
// 0.42 s; D = 500, P = 100: 0.78 vs 0.72 s. The two-body Allen–Cahn
// problem (100 points, 3 x 128): D = 10: 36 vs 22 ms; D = 50: 177 vs 121
// ms (RSS 491 vs 219 MB); D = 100: 291 vs 324 ms; D = 200: 0.77 vs 1.13 s.
// Where the crossover lies depends on the width and the points; 50 is
// below it in every case measured.
const coordinatesFaster = 50

// compiledProblem returns the problem and configuration that the compiler
// runs: the problem itself when it has no vector variable or the fast path
// applies, else its coordinate form (with the output transforms expanded
// too). Every entry point (Check, Train, Resume, LoadRun) goes through it,
// so the program, the predictor and the evaluation agree.
func Route(prob *pde.Problem, cfg *Config) (*pde.Problem, *Config, error) {
	if prob.Vector == nil {
		return prob, cfg, nil
	}
	why := fastPathRefusal(prob, cfg)
	if why == "" && !cfg.ForceCoordinates {
		// The fast path takes the problem's shape; whether it compiles the
		// residual's form is known by compiling it, on a few points, where
		// the general compiler could take over.
		if cfg.Deriv.Method == "stde" || prob.Vector.Dim > maxCoordinates {
			return prob, cfg, nil
		}
		why = beyondPapersShape(prob, cfg)
		if why == "" && prob.Vector.Dim <= coordinatesFaster && !usesGaussianTime(prob, cfg) {
			why = fmt.Sprintf("the general compiler is faster at dimension %d with the exact Laplacian", prob.Vector.Dim)
		}
		if why == "" || cfg.PreferFastPath {
			_, err := Build(prob, cfg, BuildOptions{Points: 4})
			var lim *fastPathError
			if !errors.As(err, &lim) {
				return prob, cfg, nil // compiled, or an error of the problem itself
			}
			why = lim.Error()
		}
	}
	if why == "" {
		why = "the general compiler was asked for"
	}
	v := prob.Vector
	if cfg.Deriv.Method == "stde" {
		if err := checkMethods(cfg, offersHighDim(cfg)); err != nil {
			return nil, nil, &InputError{Err: fmt.Errorf("problem %q: %w", prob.Name, err)} // names the method and why
		}
	}
	if v.Dim > maxCoordinates {
		return nil, nil, &InputError{Err: fmt.Errorf("problem %q: %s, which at dimension %d the high-dimensional path does not support; the general compiler takes a vector variable up to dimension %d (its exact Laplacian is D jets per point)", prob.Name, why, v.Dim, maxCoordinates)}
	}
	if cfg.Deriv.Method == "stde" {
		return nil, nil, &InputError{Err: fmt.Errorf("problem %q: %s, which the stochastic estimators (derivatives.method stde) do not support; use derivatives.method taylor (exact, up to dimension %d)", prob.Name, why, maxCoordinates)}
	}
	q, err := prob.Coordinates()
	if err != nil {
		return nil, nil, fmt.Errorf("problem %q: %w", prob.Name, err)
	}
	c := *cfg
	c.Model.Output = maps.Clone(cfg.Model.Output)
	for f, e := range c.Model.Output {
		if c.Model.Output[f], err = pde.ExpandVector(e, v, prob.VectorConstants); err != nil {
			return nil, nil, fmt.Errorf("model.output: %w", err)
		}
	}
	return q, &c, nil
}

// beyondPapersShape says which feature takes a vector problem beyond the
// STDE papers' shape ("" if none): data, parameters, hidden terms,
// evaluation.reference, loss balancing, causal weights, adaptive sampling
// of the equation, a stage whose
// method needs more than a gradient (L-BFGS, ENGD, LM), a condition with
// dn(u). The fast path runs them, but where the general compiler can
// too (method taylor, D <= maxCoordinates) the router gives them to it: its
// fused kernel is faster and far lighter on the many points such problems
// use (PINNacle's HNd, 5-D, 32768 + 16384 points: 16 GB and 23 s per step
// on the fast path, 0.29 it/s on the general compiler). The papers'
// problems keep the fast path their speed rows were measured on.
func beyondPapersShape(prob *pde.Problem, cfg *Config) string {
	switch {
	case len(prob.Data) > 0:
		return "it has data"
	case len(prob.Parameters) > 0:
		return "it has trainable parameters"
	case len(prob.Hidden) > 0:
		return "it has hidden terms"
	case prob.Reference != nil:
		return "it has evaluation.reference"
	case cfg.Balance != nil:
		return "it uses training.balance"
	case cfg.Causal != nil:
		return "it uses training.causal"
	}
	for _, eq := range prob.Equations {
		if s := eq.Sampler.Type; s == samplerRAD || s == samplerRARD {
			return "equation " + eq.Name + " uses sampler " + s
		}
	}
	for _, st := range cfg.Stages {
		// a method that holds the objective fixed (a line search, a
		// Gauss-Newton step) trains on many points per step
		if m, err := optim.New(st.Optimizer, 0); err == nil && m.Needs() != (optim.Needs{}) {
			return "it uses optimizer " + st.Optimizer
		}
	}
	for _, c := range prob.Conditions {
		if usesDn(c.Residual) {
			return "condition " + c.Name + " takes dn(u)"
		}
	}
	return ""
}

// usesGaussianTime reports whether a term or the evaluation draws with
// gaussian-time, a sampler of the fast path only.
func usesGaussianTime(prob *pde.Problem, cfg *Config) bool {
	if cfg.Eval.Sampler == "gaussian-time" {
		return true
	}
	for _, e := range prob.Equations {
		if e.Sampler.Type == "gaussian-time" {
			return true
		}
	}
	for _, c := range prob.Conditions {
		if c.Sampler.Type == "gaussian-time" {
			return true
		}
	}
	return false
}

// fastPathError is an expression form the fast path does not compile (the
// general compiler does).
type fastPathError struct{ err error }

func (e *fastPathError) Error() string { return e.err.Error() }
func (e *fastPathError) Unwrap() error { return e.err }

func fastPathLimit(err error) error { return &fastPathError{err} }

// fastPathRefusal says why the high-dimensional fast path cannot run a
// vector problem ("" if it can). Conservative: what it does not know to be
// supported goes to the general compiler.
func fastPathRefusal(prob *pde.Problem, cfg *Config) string {
	if cfg.Model.Type != "" && cfg.Model.Type != "mlp" {
		return "it uses model.type " + cfg.Model.Type
	}
	for _, h := range prob.Hidden {
		for _, in := range h.Inputs {
			if derivativeOfField(in, prob.Fields, "") {
				return "hidden term " + h.Name + " takes a derivative of the field as an input"
			}
		}
	}
	for _, st := range cfg.Stages {
		if m, err := optim.New(st.Optimizer, 0); err != nil || optim.Check(st.Optimizer, m, offersHighDim(cfg)) != nil {
			return "it uses optimizer " + st.Optimizer
		}
	}
	samplerOK := func(s string) bool {
		return s == "" || s == "uniform" || s == "ball-radial" || s == "gaussian-time" || unitSamplerOf(s) != nil
	}
	for _, eq := range prob.Equations {
		if s := eq.Sampler.Type; !samplerOK(s) && s != samplerRAD && s != samplerRARD {
			return "equation " + eq.Name + " uses sampler " + s + " (" + whyNotSampler(s) + ")"
		}
	}
	for _, c := range prob.Conditions {
		if c.Type == "periodic" {
			return "condition " + c.Name + " is periodic"
		}
		if !samplerOK(c.Sampler.Type) {
			return "condition " + c.Name + " uses sampler " + c.Sampler.Type + " (" + whyNotSampler(c.Sampler.Type) + ")"
		}
		if derivativeOfField(c.Residual, prob.Fields, "dn") {
			return "condition " + c.Name + " takes a derivative of the field other than dn(u)"
		}
		for _, f := range c.On {
			if f.Var != pde.BoundaryFace && f.Var != "t" {
				return "condition " + c.Name + " is on a face other than the boundary or a time slice"
			}
		}
	}
	if !samplerOK(cfg.Eval.Sampler) {
		return "its evaluation uses sampler " + cfg.Eval.Sampler + " (" + whyNotSampler(cfg.Eval.Sampler) + ")"
	}
	for _, f := range prob.Fields {
		e := cfg.Model.Output[f]
		if e == nil {
			continue
		}
		if _, _, err := splitOutput(prob, e, f); err != nil {
			return "its output transform of " + f + " is not of the form A*N + C in its own network output"
		}
		for _, p := range prob.Parameters {
			if expr.Mentions(e, p.Name) {
				return "its output transform uses the trainable parameter " + p.Name
			}
		}
	}
	return ""
}

// derivativeOfField reports whether e takes a derivative of a field or an
// operator of one (dn, lap, ...) other than the operator allowed ("": none).
func derivativeOfField(e expr.Expr, fields []string, allowed string) bool {
	found := false
	expr.Walk(e, func(x expr.Expr) bool {
		switch n := x.(type) {
		case *expr.Deriv:
			found = true
		case *expr.Call:
			switch n.Func {
			case "dn", "lap", "biharm", "grad", "div":
				found = found || n.Func != allowed
			}
		}
		return !found
	})
	return found
}
