package compiler

// The high-dimensional path: problems with a vector variable x ∈ R^d (a ball
// or a vector box, pde.Problem.Vector). The Laplacian is read out of
// second-order Taylor jets along coordinate directions e_j, stacked B per
// point (autodiff.StackedJet): derivatives.method stde samples B coordinates
// per point without replacement and rescales by d/B (sparse STDE, Shi et al.
// NeurIPS 2024); method taylor takes all d coordinates (the exact
// Laplacian, B = d). The jet along e_j enters the network as row j of the
// first weight matrix (autodiff.RowGather), so a direction costs O(width)
// in the first layer whatever d is. Functions of x alone in the residual and
// the output transform (forcing terms, exact solutions, lap(exact(u))) are
// evaluated in float64 per point (expr.CompileVector, O(d) per point) and
// fed as columns.

import (
	"fmt"
	"math"
	"runtime"

	"github.com/gopinn/gopinn/autodiff"
	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pinn/optim"
	G "gorgonia.org/gorgonia"
)

// hdTerm is the state of one term of a vector problem on the fast path:
// an equation (jets along B directions per point), or a condition or data
// set (the fields' values, and dn along the normal).
type hdTerm struct {
	vec     *pde.VectorVariable
	prob    *pde.Problem
	d, P, B int
	prefix  string // of its input nodes' names: "hd/" for the first equation
	kind    int    // kindEquation, kindCondition or kindData (its points' stream)
	// valueOnly: the term takes the fields' values only (a condition, data):
	// one primal pass per point, no jets
	valueOnly bool
	// timeNormal: a condition with dn(u) on a time face, whose transform
	// needs ∂_t A and ∂_t C
	timeNormal bool
	faces      []pde.Face           // a condition's faces
	fixed      []float64            // a data term's points (raw, P × stride): never redrawn
	taylor     bool                 // exact Laplacian: all coordinates
	dense      *autodiff.Hutchinson // estimator rademacher | gaussian: dense directions
	V          *G.Node              // the dense directions, P·B × d (dense only)
	dirs       []float64            // their values
	every      int                  // point epochs: new points every this many steps
	cfg        *Config              // its streams (seed and rank: Config.pointStream)
	index      int
	lay        hdLayout // point storage and input normalisation (x, then t)
	sampler    string
	rows       *autodiff.Rows
	X          *G.Node // P × d, normalised
	// the solution networks' jets at the points (m.sol order): along the
	// B directions per point (an equation) or the normal (a condition
	// with dn), and along e_t (an equation with time)
	jets, tjets []autodiff.StackedJet
	// fields are the fields the term's residual reads (highdim_field.go),
	// in the order they were first read
	fields []*hdField
	xj     *G.Node             // x_j per sampled coordinate (coordinate sums)
	prim   map[*G.Node]*G.Node // X·w per first-layer matrix w (firstProduct)
	// a condition with dn(u): the outward normals (fed, P × stride, zero
	// in the time column)
	nrm      *G.Node
	knowns   []*hdKnown
	pts      []float64 // raw points, P × stride (x, then t)
	xn       []float64 // normalised points, reused by feed (P × d: 80 MB at 100K-D)
	ptsEpoch int
	pre      *hdPrefetch // the next epoch's points, computed ahead (highdim_prefetch.go)
	drawn    int         // step whose points and coordinates are drawn
	// read-outs of the latest run of the first field (tests)
	uVal, lapVal  G.Value
	utVal, uttVal G.Value
	resVal        G.Value
}

// hdKnown is a field-free subexpression of the residual, fed per point.
type hdKnown struct {
	e    expr.Expr
	node *G.Node
	evs  []*expr.VectorEval // one per worker
	vals []float64
}

// hdTransform is a field's output transform u = A(x, t)·N + C(x, t) (nil
// A: u = N).
type hdTransform struct {
	A, C     expr.Expr
	aEv, cEv []*expr.VectorEval // per worker
	// with time: ∂_t and ∂_tt of A and C (nil: zero), per worker
	tEv [4][]*expr.VectorEval
}

func hdWorkers(P int) int { return max(1, min(runtime.NumCPU(), P)) }

// offersHighDim is what the program of a vector problem offers the
// methods. A stage whose method needs a fixed objective holds the points and
// directions (the runner does not resample): with the exact Laplacian
// (method taylor) the loss is then one fixed function, and its residuals'
// Jacobian (ENGD, LM) comes from residual programs of one term each, as on
// the general compiler; with a stochastic estimator either would be one
// draw of the estimate, which a line search or a Gauss-Newton step would
// fit.
func offersHighDim(cfg *Config) optim.Offers {
	if cfg.Deriv.Method == "taylor" {
		return optim.Offers{FixedObjective: true, Residuals: true}
	}
	return optim.Offers{Why: "with derivatives.method stde the loss is a random estimate redrawn every step: use method taylor for a fixed objective, or adam"}
}

// fastPath is the termCompiler of a vector problem on the
// high-dimensional fast path: every equation is a term with its own points
// and jets along its estimator's directions; conditions and data sets are
// terms beside them (their own points and inputs, the same networks and
// output transforms). base holds what the terms share: the layout, the
// estimator and the problem.
type fastPath struct {
	base *hdTerm
	prob *pde.Problem
	cfg  *Config
}

func newFastPath(prob *pde.Problem, cfg *Config) (*fastPath, error) {
	v := prob.Vector
	if err := checkMethods(cfg, offersHighDim(cfg)); err != nil {
		return nil, fmt.Errorf("problem %q: %w", prob.Name, err)
	}
	lay, err := newHDLayout(prob, cfg.Model.NoNormalize)
	if err != nil {
		return nil, err
	}
	h := &hdTerm{vec: v, prob: prob, d: v.Dim, cfg: cfg, lay: lay, ptsEpoch: -1, drawn: -1}
	switch cfg.Deriv.Method {
	case "taylor":
		h.taylor, h.B = true, h.d
	case "stde":
		h.B = cfg.Deriv.Samples
		if h.B <= 0 {
			h.B = 16
		}
		switch e := cfg.Deriv.Estimator; e {
		case "", "sparse":
			if h.B > h.d {
				return nil, fmt.Errorf("derivatives.samples %d > dimension %d", h.B, h.d)
			}
		case "rademacher", "gaussian":
			h.dense = &autodiff.Hutchinson{Dim: h.d, Samples: h.B, Gaussian: e == "gaussian"}
		default:
			return nil, fmt.Errorf("derivatives.estimator %q: want sparse, rademacher or gaussian", e)
		}
	default:
		return nil, fmt.Errorf("derivatives.method %q: want taylor or stde", cfg.Deriv.Method)
	}
	return &fastPath{base: h, prob: prob, cfg: cfg}, nil
}

// termOf is a new term of the problem beside the others: the base's
// layout, estimator and problem; its own points and nodes.
func (fp *fastPath) termOf(kind, index, P int, prefix string) *hdTerm {
	b := fp.base
	return &hdTerm{
		vec: b.vec, prob: b.prob, d: b.d, B: b.B, taylor: b.taylor, dense: b.dense, cfg: b.cfg, lay: b.lay,
		kind: kind, index: index, P: max(P, 1), prefix: prefix, ptsEpoch: -1, drawn: -1,
	}
}

// equation builds the term of equation i and its networks' jets; the
// fields its residual reads are built here (u, and the Laplacian's
// estimate), the residual by equationLoss.
func (fp *fastPath) equation(p *Program, i int, eq pde.Term) (*term, error) {
	prefix := "hd/" // the first equation's names, as before several were taken
	if i > 0 {
		prefix = fmt.Sprintf("hd/e%d/", i)
	}
	h := fp.termOf(kindEquation, i, eq.Points, prefix)
	h.sampler, h.every = eq.Sampler.Type, eq.ResampleEvery
	if s := eq.Sampler.Type; s == samplerRAD || s == samplerRARD {
		// adaptive (adaptive.go): uniform points at epoch 0, then the
		// resamplings' choices, kept between them (h.fixed)
		h.sampler, h.every = adaptiveBaseGen, 0
	} else if err := h.lay.checkSampler(fmt.Sprintf("equation %q: sampler", eq.Name), s); err != nil {
		return nil, err
	}
	if h.every <= 0 {
		h.every = math.MaxInt32 // fixed points; the sampled coordinates still change every step
	}
	t := &term{name: eq.Name, kind: kindEquation, index: i, weight: eq.Weight, every: 1, period: -1, P: h.P, src: h}
	if t.weight == 0 {
		t.weight = 1
	}
	if s := eq.Sampler.Type; s == samplerRAD || s == samplerRARD {
		if _, err := p.resolveSampler(t, eq, ""); err != nil {
			return nil, err
		}
		t.every = eq.ResampleEvery // resampling epochs (cfg.AdaptiveEpoch)
		if a := t.adapt; a.typ == samplerRARD {
			h.P = a.p0 + a.add*len(a.rounds) // its largest size (see adaptive.go)
			t.P = h.P
		}
	}
	if err := h.graph(p.model); err != nil {
		return nil, err
	}
	if err := h.fieldsOf(p.model, eq.Residual); err != nil {
		return nil, err
	}
	if f := h.field(fp.prob.Fields[0]); f != nil {
		G.Read(f.u, &h.uVal)
		G.Read(f.lap, &h.lapVal)
		if f.ut != nil {
			G.Read(f.ut, &h.utVal)
			G.Read(f.utt, &h.uttVal)
		}
	}
	return t, p.err
}

func (fp *fastPath) equationLoss(p *Program, t *term, eq pde.Term) error {
	h := t.src.(*hdTerm)
	r, err := h.residual(p.model, eq.Residual)
	if err != nil {
		return err
	}
	G.Read(r, &h.resVal)
	return p.residualsLoss(t, r)
}

// finish draws and feeds the first points of the program's terms (a rar-d
// term's initial points padded to its largest size with copies of them, as
// on the general compiler).
func (fp *fastPath) finish(p *Program) error {
	for _, t := range p.terms {
		if a := t.adapt; a != nil && a.typ == samplerRARD {
			h := t.src.(*hdTerm)
			pts, err := h.lay.draw(h.sampler, a.p0, p.cfg.pointStream(uint64(t.kind), uint64(t.index), 0))
			if err != nil {
				return err
			}
			t.epoch = 0
			p.setPoints(t, padRows(pts, h.lay.stride(), t.P), nil)
		} else {
			if err := p.sample(t, 0); err != nil {
				return err
			}
			p.feed(t)
		}
		if r := p.cfg.Ranks(); r > 1 && t.share == 0 {
			t.share = 1 / float64(r) // every rank draws its own points
		}
	}
	return nil
}

// splitOutput splits field f's output transform into A·N + C, N the
// field's raw network output (named N with one field, N_<f>).
func splitOutput(prob *pde.Problem, out expr.Expr, f string) (A, C expr.Expr, err error) {
	A, C, ok := linearInN(out, "N", "N_"+f)
	if !ok {
		return nil, nil, fmt.Errorf("model.output %s: on the high-dimensional path the transform must be A(x)*N + C(x)", out)
	}
	for _, g := range prob.Fields {
		if g != f && (A != nil && expr.Mentions(A, "N_"+g) || C != nil && expr.Mentions(C, "N_"+g)) {
			return nil, nil, fmt.Errorf("model.output.%s takes N_%s: on the high-dimensional path a field's transform takes its own network output only", f, g)
		}
	}
	return A, C, nil
}

// linearInN splits e = A·N + C with A, C free of N (nil: zero), N any of
// the names.
func linearInN(e expr.Expr, names ...string) (A, C expr.Expr, ok bool) {
	has := func(x expr.Expr) bool {
		for _, n := range names {
			if expr.Mentions(x, n) {
				return true
			}
		}
		return false
	}
	if !has(e) {
		return nil, e, true
	}
	num := func(v float64) expr.Expr { return &expr.Num{Value: v} }
	bin := func(op byte, a, b expr.Expr) expr.Expr {
		if a == nil && b == nil {
			return nil
		}
		if a == nil {
			a = num(0)
		}
		if b == nil {
			b = num(0)
		}
		return &expr.Binary{Op: op, L: a, R: b}
	}
	switch x := e.(type) {
	case *expr.Ident:
		return num(1), nil, true
	case *expr.Unary:
		a, c, ok := linearInN(x.X, names...)
		return bin('-', nil, a), bin('-', nil, c), ok
	case *expr.Binary:
		switch x.Op {
		case '+', '-':
			a1, c1, ok1 := linearInN(x.L, names...)
			a2, c2, ok2 := linearInN(x.R, names...)
			return bin(x.Op, a1, a2), bin(x.Op, c1, c2), ok1 && ok2
		case '*':
			if !has(x.L) {
				a, c, ok := linearInN(x.R, names...)
				return mulOrNil(x.L, a), mulOrNil(x.L, c), ok
			}
			if !has(x.R) {
				a, c, ok := linearInN(x.L, names...)
				return mulOrNil(x.R, a), mulOrNil(x.R, c), ok
			}
		case '/':
			if !has(x.R) {
				a, c, ok := linearInN(x.L, names...)
				div := func(y expr.Expr) expr.Expr {
					if y == nil {
						return nil
					}
					return &expr.Binary{Op: '/', L: y, R: x.R}
				}
				return div(a), div(c), ok
			}
		}
	}
	return nil, nil, false
}

func mulOrNil(k, y expr.Expr) expr.Expr {
	if y == nil {
		return nil
	}
	return &expr.Binary{Op: '*', L: k, R: y}
}
