package compiler

import (
	"fmt"
	"slices"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pinn/internal/tensors"
	"github.com/gopinn/gopinn/pinn/nets"
	"github.com/gopinn/gopinn/sampling"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// term kinds
const (
	kindEquation = iota
	kindCondition
	kindData
)

// term is one loss term: its points, how they are drawn, and its loss node.
type term struct {
	name    string
	kind    int
	index   int // position in the problem's list of its kind
	weight  float64
	every   int // resample every this many steps (0: fixed)
	sampler sampling.UnitSampler
	faces   []sampling.Face // conditions
	period  int             // periodic: the axis; -1 otherwise
	geomOn  pde.Face        // condition on a shape domain: pde.BoundaryFace or a time slice
	shape   sampling.Domain // on named parts: the domain whose Boundary is their share (nil: the whole)
	P       int

	batches []*batch // one, or two for periodic (low face, high face)
	loss    *G.Node
	lossVal G.Value
	// residuals are the term's residual vectors (P x 1 each): one for an
	// equation or condition, two per field for periodic (values, slopes),
	// one per observed field for data.
	residuals []*G.Node
	resVals   []G.Value // read only in residual programs
	resW      []*G.Node // fed weights of objResidualSum

	pts, normals []float64 // current points (raw coordinates) and normals
	epoch        int
	adapt        *adaptive   // rad / rar-d (adaptive.go); nil otherwise
	src          pointSource // how its points are drawn and fed (points.go)

	// share is the term's share of the global rows of a data-parallel run,
	// its loss's factor (parallel.go); 0 means 1
	share float64

	wIn    *G.Node     // the term's weight, a fed 1x1 input (balance.go)
	causal *causalTerm // causal weights of an equation (causal.go); nil otherwise
}

// program is the training graph: the model, the terms and the total loss.
type Program struct {
	*model
	cfg   *Config
	box   sampling.Box
	terms []*term
	loss  *G.Node
	total G.Value
	grads []*G.Node
	vm    G.VM
	// lambda are the loss-balancing factors by term (balance.go); nil
	// without training.balance
	lambda []float64
}

// labels of the independent random streams of a run (see sampling.Stream)
const (
	streamWeights uint64 = iota + 1
	streamPoints
	streamEval
)

func problemBox(prob *pde.Problem) sampling.Box {
	var b sampling.Box
	for _, v := range prob.Variables {
		b.Lo = append(b.Lo, v.Lo)
		b.Hi = append(b.Hi, v.Hi)
	}
	return b
}

// What a program's single reverse pass differentiates.
const (
	objLoss        = iota // the weighted total loss (training)
	objResidualSum        // sum over terms and residual vectors of w . r, w fed (Jacobian rows)
	objNone               // no reverse pass: residual values only
)

// BuildOptions select what a program compiles. The zero value is the
// training program.
type BuildOptions struct {
	only      *termRef // compile just this term
	Points    int      // if > 0, every compiled term gets this many points
	objective int
	// CheckOnly builds the graph and its reverse pass but no tape machine
	// (Check): Gorgonia's compilation of the tape is super-linear in the
	// number of nodes (1000 terms: a minute) and checks nothing more.
	CheckOnly bool
}

type termRef struct{ kind, index int }

func (o BuildOptions) wants(kind, index int) bool {
	return o.only == nil || (o.only.kind == kind && o.only.index == index)
}

// newProgram compiles the problem into the training graph. Points of epoch
// 0 are drawn (their count fixes the batch shapes; the grid sampler may
// change it) and fed.
func New(prob *pde.Problem, cfg *Config) (*Program, error) {
	return Build(prob, cfg, BuildOptions{})
}

// setPoints feeds arbitrary points (row-major, t.P rows, the layout of
// rawPoints) and their outward normals (nil if none) to a term of a
// residual program.
func (p *Program) setPoints(t *term, pts, normals []float64) { t.src.setPoints(p, t, pts, normals) }

// rawPoints are the points of a term as setPoints takes them.
func (p *Program) rawPoints(t *term) []float64 { return t.src.rawPoints(t) }

// pointStride is the number of values per point of rawPoints.
func (p *Program) pointStride(t *term) int { return t.src.stride(p) }

// setResidualWeights feeds the weights w (t.P values) of residual vector j
// of a term (objResidualSum programs): the next run's gradient is then
// sum over terms and vectors of J_j^T w.
func (p *Program) setResidualWeights(t *term, j int, w []float64) {
	tensors.Set(t.resW[j].Value().(tensor.Tensor), w)
}

// residualValues returns the residual vectors of a term after a run.
func (p *Program) residualValues(t *term) [][]float64 {
	out := make([][]float64, len(t.resVals))
	for j, v := range t.resVals {
		out[j] = tensors.Get(v, nil)
	}
	return out
}

func (p *Program) newTerm(tm pde.Term, kind, index int, on []pde.Face, typ string) (*term, error) {
	t := &term{name: tm.Name, kind: kind, index: index, weight: tm.Weight, every: tm.ResampleEvery, period: -1, src: coordinates{}}
	if t.weight == 0 {
		t.weight = 1
	}
	s, err := p.resolveSampler(t, tm, typ)
	if err != nil {
		return nil, err
	}
	t.sampler = s
	if p.prob.Geometry != nil && kind == kindCondition {
		if err := p.geometryFaces(t, on, typ); err != nil {
			return nil, err
		}
		on = nil
	}
	for _, f := range on {
		ax := p.prob.VariableIndex(f.Var)
		if ax < 0 {
			return nil, fmt.Errorf("face %s == %g: unknown variable", f.Var, f.Value)
		}
		if typ == "periodic" {
			if f.Side < 0 {
				t.faces = append(t.faces, sampling.Face{Axis: ax, Side: -1})
				t.period = ax
			}
			continue
		}
		t.faces = append(t.faces, sampling.Face{Axis: ax, Side: f.Side})
	}
	if kind == kindCondition && !t.isCondition() {
		return nil, fmt.Errorf("no faces to sample")
	}
	t.P = tm.Points
	if t.P <= 0 {
		t.P = 1
	}
	if err := p.sampleInitial(t); err != nil {
		return nil, err
	}
	n := len(p.prob.Variables)
	t.P = len(t.pts) / n
	t.batches = []*batch{newBatch(p.model, fmt.Sprintf("t%d_%d", kind, index), t.P)}
	if t.period >= 0 {
		t.batches = append(t.batches, newBatch(p.model, fmt.Sprintf("t%d_%d_hi", kind, index), t.P))
	}
	for _, b := range t.batches {
		b.normalAxes = p.normalAxes(t)
	}
	return t, nil
}

// normalAxes are the variables along which a condition's outward normals
// can be nonzero: the axes of its box faces (a time face's normal is in
// time), the time axis on a time slice of a shape, nil (the space
// variables) on a shape's lateral boundary and for interior terms.
func (p *Program) normalAxes(t *term) []int {
	if t.geomOn.Var != "" && t.geomOn.Var != pde.BoundaryFace {
		return []int{p.prob.VariableIndex(t.geomOn.Var)}
	}
	var axes []int
	for _, f := range t.faces {
		if !slices.Contains(axes, f.Axis) {
			axes = append(axes, f.Axis)
		}
	}
	slices.Sort(axes)
	return axes
}

// sample draws the points of epoch e for a term from its own stream, so a
// resumed run (or a cut run) draws exactly the same points.
func (p *Program) sample(t *term, e int) error { return t.src.sample(p, t, e) }

// feed copies a term's current points into its graph's inputs.
func (p *Program) feed(t *term) { t.src.feed(p, t) }

func (p *Program) residualLoss(t *term, e expr.Expr) error {
	if e == nil {
		return fmt.Errorf("no residual")
	}
	b := t.batches[0]
	if err := b.need(e); err != nil {
		return err
	}
	r, err := b.residual(e)
	if err != nil {
		return err
	}
	if err := p.residualsLoss(t, r); err != nil {
		return err
	}
	p.feed(t)
	return p.err
}

// residualsLoss makes a term's residual vector r its loss: the mean square
// (masked for rar-d, adaptive.go), or the causally weighted sum for an
// equation with training.causal (causal.go). Every compiler's terms of one
// residual end here.
func (p *Program) residualsLoss(t *term, r *G.Node) error {
	t.residuals = []*G.Node{r}
	t.loss = p.termLoss(t, r)
	p.causalLoss(t, r)
	return p.err
}

// periodicLoss matches the field and its derivative across the period on
// points of the low face and their images on the high face.
func (p *Program) periodicLoss(t *term, c pde.Condition) error {
	fields := p.prob.Fields
	if c.Field != "" {
		fields = []string{c.Field}
	}
	axis := p.prob.Variables[t.period].Name
	var parts []*G.Node
	for _, f := range fields {
		val := &expr.Ident{Name: f}
		der := &expr.Deriv{Of: &expr.Ident{Name: f}, Wrt: []string{axis}}
		var lo, hi [2]*G.Node
		for k, b := range t.batches {
			for _, e := range []expr.Expr{val, der} {
				if err := b.need(e); err != nil {
					return err
				}
			}
			var err error
			if k == 0 {
				if lo[0], err = b.residual(val); err == nil {
					lo[1], err = b.residual(der)
				}
			} else {
				if hi[0], err = b.residual(val); err == nil {
					hi[1], err = b.residual(der)
				}
			}
			if err != nil {
				return err
			}
		}
		rv, rd := p.sub(lo[0], hi[0]), p.sub(lo[1], hi[1])
		t.residuals = append(t.residuals, rv, rd)
		parts = append(parts, p.meanSquare(rv), p.meanSquare(rd))
	}
	t.loss = parts[0]
	for _, q := range parts[1:] {
		t.loss = p.add(t.loss, q)
	}
	p.feed(t)
	return p.err
}

// dataTerm is the mean square misfit over every observed value.
func (p *Program) dataTerm(d *pde.DataSet, index int) (*term, error) {
	n := d.Len()
	if n == 0 {
		return nil, fmt.Errorf("no rows")
	}
	t := &term{name: d.Name, kind: kindData, index: index, weight: d.Weight, period: -1, P: n, src: coordinates{}}
	if t.weight == 0 {
		t.weight = 1
	}
	nv := len(p.prob.Variables)
	t.pts = make([]float64, n*nv)
	for j, v := range p.prob.Variables {
		col, ok := d.Inputs[v.Name]
		if !ok {
			return nil, fmt.Errorf("no column for variable %q", v.Name)
		}
		for i := 0; i < n; i++ {
			t.pts[i*nv+j] = col[i]
		}
	}
	// a data-parallel rank fits its share of the rows (parallel.go)
	targets := d.Targets
	if ranks := p.cfg.Ranks(); ranks > 1 {
		if err := p.shareRows(t, true, nv); err != nil {
			return nil, err
		}
		targets = map[string][]float64{}
		for f, col := range d.Targets {
			targets[f] = splitRows(col, 1, p.cfg.Rank(), ranks)
		}
		n = len(t.pts) / nv
		t.P = n
	}
	b := newBatch(p.model, fmt.Sprintf("t%d_%d", kindData, index), n)
	t.batches = []*batch{b}
	if err := b.build(); err != nil {
		return nil, err
	}
	var sum *G.Node
	count := 0
	for _, f := range p.prob.Fields {
		if _, ok := targets[f]; !ok {
			continue
		}
		r := p.sub(b.primal[p.prob.FieldIndex(f)], b.targetCol(f))
		t.residuals = append(t.residuals, r)
		sq := p.keep(G.Sum(p.keep(G.Square(r))))
		if sum == nil {
			sum = sq
		} else {
			sum = p.add(sum, sq)
		}
		count += n
	}
	if sum == nil {
		return nil, fmt.Errorf("no field columns to fit")
	}
	t.loss = p.scale(sum, 1/float64(count))
	p.feed(t)
	b.feedTargets(targets)
	return t, p.err
}

// run evaluates the loss and gradient at theta into grad (flat layout,
// unreached parameters get 0). It returns the total loss.
func (p *Program) Run(theta, grad []float64) (float64, error) {
	p.setFlat(theta)
	p.vm.Reset()
	if err := p.vm.RunAll(); err != nil {
		return 0, fmt.Errorf("graph: %w", err)
	}
	off := 0
	var tmp []float64
	for i, n := range p.params {
		sz := p.sizes[i]
		if p.used[n] {
			gv, err := n.Grad()
			if err != nil {
				return 0, fmt.Errorf("gradient of %s: %w", n.Name(), err)
			}
			tmp = tensors.Get(gv, tmp)
			copy(grad[off:off+sz], tmp)
			// Gorgonia accumulates into bound gradients across runs; the
			// optimisers want this run's gradient only.
			gv.(tensor.Tensor).Zero()
		} else {
			for j := off; j < off+sz; j++ {
				grad[j] = 0
			}
		}
		off += sz
	}
	return tensors.Scalar(p.total), nil
}

// termLosses reads the per-term mean squares of the latest run.
func (p *Program) TermLosses() map[string]float64 {
	out := make(map[string]float64, len(p.terms))
	for _, t := range p.terms {
		if t.lossVal != nil {
			out[t.name] = tensors.Scalar(t.lossVal)
		}
	}
	return out
}

// initTheta draws the initial weights (Glorot) and parameter values.
func (p *Program) InitTheta() []float64 {
	theta := make([]float64, p.NumParams())
	rng := sampling.Stream(p.cfg.Seed, streamWeights)
	off := 0
	nets := append(append([]*nets.MLP(nil), p.sol...), p.hidden...)
	for k, net := range nets {
		r := rng
		if k > 0 {
			r = sampling.Stream(p.cfg.Seed, streamWeights, uint64(k))
		}
		net.Glorot(theta[off:off+net.NumParams()], r)
		off += net.NumParams()
	}
	for _, prm := range p.prob.Parameters {
		theta[off] = prm.Init
		off++
	}
	return theta
}

// checkTermsDepend refuses a term whose loss reaches no network weight and
// no trainable parameter: its loss is a constant and its gradient zero, so
// the term would silently do nothing (e.g. a condition whose residual has no
// field in it).
func (p *Program) checkTermsDepend() error {
	for _, t := range p.terms {
		if t.loss == nil {
			continue
		}
		reach := reachable(t.loss)
		if !slices.ContainsFunc(p.params, func(n *G.Node) bool { return reach[n] }) {
			return &InputError{Err: fmt.Errorf("%s %q: its loss cannot depend on the networks or parameters (its residual is a constant); write the residual in terms of a field",
				termKindName[t.kind], t.name)}
		}
	}
	return nil
}

var termKindName = map[int]string{kindEquation: "equation", kindCondition: "condition", kindData: "data"}

// reachable returns the nodes the given node depends on (itself included).
func reachable(n *G.Node) map[*G.Node]bool {
	seen := map[*G.Node]bool{}
	for x := range G.WalkGraph(n) {
		seen[x] = true
	}
	return seen
}

// checkScalarMethod decides the derivative method for a problem of scalar
// variables. Stochastic estimators are for a vector variable (domain: ball
// or vector box); with scalar variables, sparse STDE with at least as many
// samples as space variables draws every coordinate, where it equals the
// exact Taylor operator, which is then what is computed.
func checkScalarMethod(prob *pde.Problem, d pde.Derivatives) error {
	switch d.Method {
	case "", "taylor":
		return nil
	case "stde":
		space := len(prob.SpaceVariables())
		samples := d.Samples
		if samples == 0 {
			samples = 16
		}
		if (d.Estimator == "" || d.Estimator == "sparse") && samples >= space {
			return nil
		}
		return fmt.Errorf("derivatives: stde with %d samples (estimator %s) over %d scalar space variables: stochastic estimation needs a vector variable (domain: {type: ball, dim: ..., variable: x}); with scalar variables use method taylor (exact)", samples, orDefault(d.Estimator, "sparse"), space)
	}
	return fmt.Errorf("derivatives.method %q is not supported (use taylor or stde)", d.Method)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
