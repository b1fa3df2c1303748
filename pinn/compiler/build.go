package compiler

import (
	"fmt"

	"github.com/gopinn/gopinn/pde"
)

// Build compiles the terms bo selects. The zero BuildOptions give the
// training program; residual programs (one term, a chosen batch size,
// residual vectors read out, optionally the gradient of w . r) serve
// residual-adaptive sampling and Gauss-Newton-type optimizers without
// touching the training graph.
//
// One function compiles every problem: a termCompiler (the general
// compiler's coordinates, or the high-dimensional fast path for a vector
// problem; Route chooses) compiles each equation, condition and data set
// into a term, and the program assembles their losses alike.
func Build(prob *pde.Problem, cfg *Config, bo BuildOptions) (*Program, error) {
	tc, err := newTermCompiler(prob, cfg, bo)
	if err != nil {
		return nil, err
	}
	m, err := newModel(prob, cfg)
	if err != nil {
		return nil, err
	}
	p := &Program{model: m, cfg: cfg, box: problemBox(prob)}
	var eqTerms []*term
	for i, eq := range prob.Equations {
		if !bo.wants(kindEquation, i) {
			continue
		}
		if bo.Points > 0 {
			eq.Points = bo.Points
		}
		t, err := tc.equation(p, i, eq)
		if err != nil {
			return nil, fmt.Errorf("equation %q: %w", eq.Name, err)
		}
		p.terms = append(p.terms, t)
		eqTerms = append(eqTerms, t)
	}
	for i, c := range prob.Conditions {
		if !bo.wants(kindCondition, i) {
			continue
		}
		if bo.Points > 0 {
			c.Points = bo.Points
		}
		t, err := tc.condition(p, i, c)
		if err != nil {
			return nil, fmt.Errorf("condition %q: %w", c.Name, err)
		}
		p.terms = append(p.terms, t)
	}
	// the equations' residuals after the conditions': the order of the
	// graph's nodes, and so of the reverse pass's sums, of earlier versions
	for _, t := range eqTerms {
		if err := tc.equationLoss(p, t, prob.Equations[t.index]); err != nil {
			return nil, fmt.Errorf("equation %q: %w", t.name, err)
		}
	}
	for i := range prob.Data {
		if !bo.wants(kindData, i) {
			continue
		}
		t, err := tc.data(p, i, &prob.Data[i])
		if err != nil {
			return nil, fmt.Errorf("data %q: %w", prob.Data[i].Name, err)
		}
		p.terms = append(p.terms, t)
	}
	if len(p.terms) == 0 {
		return nil, fmt.Errorf("problem %q has no equations, conditions or data", prob.Name)
	}
	if err := tc.finish(p); err != nil {
		return nil, err
	}
	if err := p.assemble(bo); err != nil {
		return nil, err
	}
	return p, nil
}

// termCompiler compiles the terms of a problem for one pointSource (points.go):
// the general compiler's coordinates, or the high-dimensional fast path
// (highdim.go). Each term's residual vectors become its loss through
// Program.residualsLoss, the same for both.
type termCompiler interface {
	// equation compiles the term of equation i (its points and its
	// network's jets); equationLoss, called after every condition's
	// term, compiles its residual and loss.
	equation(p *Program, i int, eq pde.Term) (*term, error)
	equationLoss(p *Program, t *term, eq pde.Term) error
	condition(p *Program, i int, c pde.Condition) (*term, error)
	data(p *Program, i int, ds *pde.DataSet) (*term, error)
	// finish draws and feeds what the terms have not yet (before the
	// program is assembled).
	finish(p *Program) error
}

// newTermCompiler returns the term compiler of the problem's kind, once the
// problem's shape and the planned stages' methods (what the program will
// offer them, checkMethods) are checked.
func newTermCompiler(prob *pde.Problem, cfg *Config, bo BuildOptions) (termCompiler, error) {
	if prob.Vector != nil {
		return newFastPath(prob, cfg)
	}
	if len(prob.Variables) == 0 {
		return nil, fmt.Errorf("problem %q has no variables", prob.Name)
	}
	if len(prob.Fields) == 0 {
		return nil, fmt.Errorf("problem %q has no fields", prob.Name)
	}
	if err := checkScalarMethod(prob, cfg.Deriv); err != nil {
		return nil, err
	}
	if err := checkMethods(cfg, offersScalar); err != nil {
		return nil, err
	}
	return coordinateTerms{}, nil
}

// coordinateTerms is the general compiler's termCompiler: each term's
// points are the values of the problem's variables, its jets those its
// residual asks for (batch.go).
type coordinateTerms struct{}

func (coordinateTerms) equation(p *Program, i int, eq pde.Term) (*term, error) {
	return p.newTerm(eq, kindEquation, i, nil, "")
}

func (coordinateTerms) equationLoss(p *Program, t *term, eq pde.Term) error {
	return p.residualLoss(t, eq.Residual)
}

func (coordinateTerms) condition(p *Program, i int, c pde.Condition) (*term, error) {
	t, err := p.newTerm(c.Term, kindCondition, i, c.On, c.Type)
	if err != nil {
		return nil, err
	}
	if c.Type == "periodic" {
		err = p.periodicLoss(t, c)
	} else {
		err = p.residualLoss(t, c.Residual)
	}
	return t, err
}

func (coordinateTerms) data(p *Program, i int, ds *pde.DataSet) (*term, error) {
	return p.dataTerm(ds, i)
}

// finish: the general compiler's terms draw and feed their points as they
// are compiled.
func (coordinateTerms) finish(*Program) error { return nil }
