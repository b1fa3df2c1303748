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
	"github.com/gopinn/gopinn/pinn/nets"
	"github.com/gopinn/gopinn/pinn/optim"
	G "gorgonia.org/gorgonia"
)

// hdTerm is the state of the one equation of a vector problem.
type hdTerm struct {
	vec     *pde.VectorVariable
	d, P, B int
	prefix  string // of its input nodes' names: "hd/" for the equation
	kind    int    // kindEquation, or kindCondition (its points' stream)
	// valueOnly: the term takes the field's value only (a condition, data):
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
	trans      *hdTransform
	a0, a1     *G.Node   // transform columns: A (P×1), ∂_j A (PB×1)
	a2s, c0    *G.Node   // Σ_J ∂_jj A, C (P×1)
	c2s        *G.Node   // Σ_J ∂_jj C (P×1)
	tcols      []*G.Node // with time: A_t, A_tt, C_t, C_tt (P×1 each; nil when zero)
	ut, utt    *G.Node   // with time: u_t, u_tt (P×1)
	// network jets (P×1, P·B×1, P·B×1) and, when the residual has
	// coordinate sums, the per-sample columns (P·B×1 each)
	N0, N1, N2 *G.Node
	coord      *hdCoord
	prim       map[*G.Node]*G.Node // X·w per first-layer matrix w (firstProduct)
	// a condition with dn(u): the outward normals (fed, P × stride, zero
	// in the time column), ∇A·n and ∇C·n of the transform (fed, P×1) and
	// dn(u) from one first-order jet along the normal
	nrm, an, cn *G.Node
	dn          *G.Node
	knowns      []*hdKnown
	pts         []float64 // raw points, P × stride (x, then t)
	xn          []float64 // normalised points, reused by feed (P × d: 80 MB at 100K-D)
	ptsEpoch    int
	pre         *hdPrefetch // the next epoch's points, computed ahead (highdim_prefetch.go)
	drawn       int         // step whose points and coordinates are drawn
	u, lap      *G.Node     // the equation's value and Laplacian (estimate) nodes
	// read-outs of the latest run (tests)
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

// hdTransform is the output transform u = A(x, t)·N + C(x, t) (nil A:
// u = N).
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
// high-dimensional fast path: one field and one equation, whose term h
// holds the estimator; its conditions and data sets are terms beside it
// (their own points and inputs, the same network and output transform).
type fastPath struct {
	h    *hdTerm
	prob *pde.Problem
	cfg  *Config
}

func newFastPath(prob *pde.Problem, cfg *Config, bo BuildOptions) (*fastPath, error) {
	v := prob.Vector
	switch {
	case len(prob.Fields) != 1:
		return nil, fmt.Errorf("problem %q: the high-dimensional path takes one field", prob.Name)
	case len(prob.Equations) != 1:
		return nil, fmt.Errorf("problem %q: the high-dimensional path takes one equation", prob.Name)
	}
	if err := checkMethods(cfg, offersHighDim(cfg)); err != nil {
		return nil, fmt.Errorf("problem %q: %w", prob.Name, err)
	}
	eq := prob.Equations[0]
	h := &hdTerm{vec: v, d: v.Dim, P: max(eq.Points, 1), prefix: "hd/", cfg: cfg, ptsEpoch: -1, drawn: -1}
	if bo.Points > 0 {
		h.P = bo.Points // a check of the spec (Check) on a few points
	}
	lay, err := newHDLayout(prob, cfg.Model.NoNormalize)
	if err != nil {
		return nil, err
	}
	h.lay, h.sampler = lay, eq.Sampler.Type
	h.every = eq.ResampleEvery
	if s := eq.Sampler.Type; s == samplerRAD || s == samplerRARD {
		// adaptive (adaptive.go): uniform points at epoch 0, then the
		// resamplings' choices, kept between them (h.fixed)
		h.sampler, h.every = adaptiveBaseGen, 0
	} else if err := lay.checkSampler(fmt.Sprintf("equation %q: sampler", eq.Name), s); err != nil {
		return nil, err
	}
	if h.every <= 0 {
		h.every = math.MaxInt32 // fixed points; the sampled coordinates still change every step
	}
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
	return &fastPath{h: h, prob: prob, cfg: cfg}, nil
}

// equation builds the term of the problem's equation and its network's
// jets (u, and the Laplacian's estimate).
func (fp *fastPath) equation(p *Program, _ int, eq pde.Term) (*term, error) {
	h := fp.h
	t := &term{name: eq.Name, kind: kindEquation, weight: eq.Weight, every: 1, period: -1, P: h.P, src: h}
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
	if err := h.transform(fp.cfg.Model.Output[fp.prob.Fields[0]], fp.prob); err != nil {
		return nil, err
	}
	u, lap, err := h.graph(p.model)
	if err != nil {
		return nil, err
	}
	G.Read(u, &h.uVal)
	G.Read(lap, &h.lapVal)
	if h.ut != nil {
		G.Read(h.ut, &h.utVal)
		G.Read(h.utt, &h.uttVal)
	}
	h.u, h.lap = u, lap
	return t, p.err
}

func (fp *fastPath) equationLoss(p *Program, t *term, eq pde.Term) error {
	h := fp.h
	r, err := h.residual(p.model, eq.Residual, fp.prob, h.u, h.lap)
	if err != nil {
		return err
	}
	G.Read(r, &h.resVal)
	return p.residualsLoss(t, r)
}

func (fp *fastPath) condition(p *Program, i int, c pde.Condition) (*term, error) {
	return fp.h.condition(p, fp.prob, fp.cfg, c, i)
}

func (fp *fastPath) data(p *Program, i int, ds *pde.DataSet) (*term, error) {
	return fp.h.data(p, fp.prob, fp.cfg, ds, i)
}

// finish draws and feeds the first points of the program's terms (a rar-d
// term's initial points padded to its largest size with copies of them, as
// on the general compiler).
func (fp *fastPath) finish(p *Program) error {
	for _, t := range p.terms {
		if a := t.adapt; a != nil && a.typ == samplerRARD {
			h := fp.h
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

// linearInN splits e = A·N + C with A, C free of N (nil: zero).
func linearInN(e expr.Expr, n string) (A, C expr.Expr, ok bool) {
	has := func(x expr.Expr) bool { return expr.Mentions(x, n) }
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
		a, c, ok := linearInN(x.X, n)
		return bin('-', nil, a), bin('-', nil, c), ok
	case *expr.Binary:
		switch x.Op {
		case '+', '-':
			a1, c1, ok1 := linearInN(x.L, n)
			a2, c2, ok2 := linearInN(x.R, n)
			return bin(x.Op, a1, a2), bin(x.Op, c1, c2), ok1 && ok2
		case '*':
			if !has(x.L) {
				a, c, ok := linearInN(x.R, n)
				return mulOrNil(x.L, a), mulOrNil(x.L, c), ok
			}
			if !has(x.R) {
				a, c, ok := linearInN(x.L, n)
				return mulOrNil(x.R, a), mulOrNil(x.R, c), ok
			}
		case '/':
			if !has(x.R) {
				a, c, ok := linearInN(x.L, n)
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

func (h *hdTerm) compileLap(e expr.Expr, prob *pde.Problem) ([]*expr.VectorEval, error) {
	if e == nil {
		return nil, nil
	}
	evs := make([]*expr.VectorEval, hdWorkers(h.P))
	for w := range evs {
		var err error
		if evs[w], err = expr.CompileVectorLap(e, h.lay.scalars(), h.vec.Name, h.d, prob.VectorConstants); err != nil {
			return nil, err
		}
	}
	return evs, nil
}

func (h *hdTerm) transform(out expr.Expr, prob *pde.Problem) error {
	if out == nil {
		return nil
	}
	A, C, ok := linearInN(out, "N")
	if !ok {
		return fmt.Errorf("model.output %s: on the high-dimensional path the transform must be A(x)*N + C(x)", out)
	}
	tr := &hdTransform{A: A, C: C}
	var err error
	if tr.aEv, err = h.compileLap(A, prob); err != nil {
		return fmt.Errorf("model.output: %w", err)
	}
	if tr.cEv, err = h.compileLap(C, prob); err != nil {
		return fmt.Errorf("model.output: %w", err)
	}
	if h.lay.nt > 0 && (!h.valueOnly || h.timeNormal) {
		// ∂_t and ∂_tt of A and C, symbolically (zero ones are left out)
		for k, e := range []expr.Expr{A, C} {
			if e == nil {
				continue
			}
			dt, err := diffScalar(e, "t")
			if err != nil {
				return fmt.Errorf("model.output: d/dt of %s: %w", e, err)
			}
			dtt, err := diffScalar(dt, "t")
			if err != nil {
				return fmt.Errorf("model.output: d/dt of %s: %w", dt, err)
			}
			for i, de := range []expr.Expr{dt, dtt} {
				if n, ok := de.(*expr.Num); ok && n.Value == 0 {
					continue
				}
				evs := make([]*expr.VectorEval, hdWorkers(h.P))
				for w := range evs {
					if evs[w], err = expr.CompileVector(de, h.lay.scalars(), h.vec.Name, h.d, prob.VectorConstants); err != nil {
						return fmt.Errorf("model.output: %w", err)
					}
				}
				tr.tEv[2*k+i] = evs
			}
		}
	}
	h.trans = tr
	return nil
}

// graph builds u (P×1) and the Laplacian estimate (P×1); with time also
// h.ut and h.utt.
func (h *hdTerm) graph(m *model) (u, lap *G.Node, err error) {
	P, B, st := h.P, h.B, h.lay.stride()
	h.X = m.input(h.prefix+"x", P, st)
	if h.dense != nil {
		// a dense direction v enters as v·W: O(d·width) per direction
		// (zero in the time column)
		h.V = m.input(h.prefix+"v", P*B, st)
		h.dirs = make([]float64, P*B*h.d)
	} else {
		// e_j enters as row j of W: O(width) per direction
		h.rows = &autodiff.Rows{Idx: make([]int, P*B)}
	}
	j, err := m.net.ForwardStacked(h.firstProduct(m, B, 2, func(w *G.Node) (*G.Node, error) {
		if h.dense != nil {
			return autodiff.InputMatMul(h.V, w)
		}
		return autodiff.RowGather(w, h.rows)
	}, h.lay.inv))
	if err != nil {
		return nil, nil, err
	}
	N0, N1, N2 := j.C[0], j.C[1], j.C[2]
	h.N0, h.N1, h.N2 = N0, N1, N2
	sumN2 := m.keep(autodiff.GroupSum(N2, B))
	if h.trans == nil {
		u, lap = N0, sumN2
	} else {
		h.a0 = m.input(h.prefix+"A", P, 1)
		h.a1 = m.input(h.prefix+"dA", P*B, 1)
		h.a2s = m.input(h.prefix+"d2A", P, 1)
		h.c0 = m.input(h.prefix+"C", P, 1)
		h.c2s = m.input(h.prefix+"d2C", P, 1)
		u = m.add(m.mul(h.a0, N0), h.c0)
		// Σ_J u_jj = N0 Σ A_jj + 2 Σ A_j N_j + A Σ N_jj + Σ C_jj; dense
		// directions: Σ_b vᵀH_u v with vᵀH_A v and vᵀH_C v replaced by their
		// means ΔA and ΔC, computed exactly (fed as B·ΔA, B·ΔC: unbiased,
		// and with less variance than sampling them)
		cross := m.keep(autodiff.GroupSum(m.mul(h.a1, N1), B))
		lap = m.add(m.add(m.mul(N0, h.a2s), m.scale(cross, 2)), m.add(m.mul(h.a0, sumN2), h.c2s))
	}
	switch {
	case h.dense != nil:
		lap = m.scale(lap, 1/float64(B))
	case !h.taylor:
		lap = m.scale(lap, float64(h.d)/float64(B))
	}
	if h.lay.nt > 0 {
		if err := h.timeGraph(m, N0); err != nil {
			return nil, nil, err
		}
	}
	return u, lap, m.err
}

// firstProduct is the network's FirstProduct at the term's points: the
// primal X·w (fed points, no input gradient; one product per matrix,
// shared by every jet of the term) and, in direction rows of B per point,
// dir(w)·scale (the direction in normalised coordinates), up to the jet's
// order (the input is linear: its higher coefficients are zero).
func (h *hdTerm) firstProduct(m *model, B, order int, dir func(w *G.Node) (*G.Node, error), scale float64) nets.FirstProduct {
	if h.prim == nil {
		h.prim = map[*G.Node]*G.Node{}
	}
	return func(w *G.Node) (autodiff.StackedJet, error) {
		c0, ok := h.prim[w]
		if !ok {
			c0 = m.keep(autodiff.InputMatMul(h.X, w)) // no gradient for the fed points
			h.prim[w] = c0
		}
		c := make([]*G.Node, order+1)
		c[0] = c0
		if order > 0 {
			c[1] = m.keep(dir(w))
			if scale != 1 {
				c[1] = m.scale(c[1], scale)
			}
		}
		return autodiff.StackedJet{C: c, B: B}, m.err
	}
}

// timeGraph builds u_t and u_tt from one 2-jet per point along e_t (row d
// of the first weight matrix): with u = A·N + C,
// u_t = A_t N + A N_t + C_t and u_tt = A_tt N + 2 A_t N_t + A N_tt + C_tt.
func (h *hdTerm) timeGraph(m *model, N0 *G.Node) error {
	P := h.P
	rows := &autodiff.Rows{Idx: make([]int, P)}
	for p := range rows.Idx {
		rows.Idx[p] = h.d
	}
	jt, err := m.net.ForwardStacked(h.firstProduct(m, 1, 2, func(w *G.Node) (*G.Node, error) {
		return autodiff.RowGather(w, rows)
	}, h.lay.tinv))
	if err != nil {
		return err
	}
	Nt, Ntt := jt.C[1], jt.C[2]
	if h.trans == nil {
		h.ut, h.utt = Nt, Ntt
		return m.err
	}
	h.tcols = make([]*G.Node, 4)
	for k, name := range []string{"A_t", "A_tt", "C_t", "C_tt"} {
		if h.trans.tEv[k] != nil {
			h.tcols[k] = m.input(h.prefix+name, P, 1)
		}
	}
	// sum of products, skipping zero factors
	sum := func(terms ...*G.Node) *G.Node {
		var out *G.Node
		for _, t := range terms {
			switch {
			case t == nil:
			case out == nil:
				out = t
			default:
				out = m.add(out, t)
			}
		}
		if out == nil {
			out = m.mul(N0, m.scalar(0))
		}
		return out
	}
	mulOr := func(a, b *G.Node) *G.Node {
		if a == nil || b == nil {
			return nil
		}
		return m.mul(a, b)
	}
	At, Att, Ct, Ctt := h.tcols[0], h.tcols[1], h.tcols[2], h.tcols[3]
	h.ut = sum(mulOr(At, N0), m.mul(h.a0, Nt), Ct)
	var cross *G.Node
	if At != nil {
		cross = m.scale(m.mul(At, Nt), 2)
	}
	h.utt = sum(mulOr(Att, N0), cross, m.mul(h.a0, Ntt), Ctt)
	return m.err
}
