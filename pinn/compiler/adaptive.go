package compiler

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn/internal/tensors"
	"github.com/gopinn/gopinn/pinn/optim"
	"github.com/gopinn/gopinn/sampling"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Residual-based adaptive sampling (Wu, Zhu, Tan, Kartha & Lu, "A
// comprehensive study of non-adaptive and residual-based adaptive sampling
// for physics-informed neural networks", CMAME 403, 2023).
//
// A term whose sampler is "rad" or "rar-d" starts from uniform random points
// (epoch 0). At every resampling (a new epoch, every resample_every steps of
// a stage whose optimizer resamples, i.e. not during L-BFGS) a candidate pool
// of `pool` uniform points is drawn from the term's stream for that epoch,
// |residual| is evaluated on it with the current weights by a residual
// program (the term alone, compiled once with a fixed batch of
// adaptiveBatch points), and the density p ∝ eps^k / mean(eps^k) + c is
// formed (sampling.RADWeights). Then
//
//   - rad replaces all points by a draw of `points` pool points without
//     replacement from p (defaults k = 1, c = 1, the paper's recommendation);
//   - rar-d adds `add` points drawn from p without replacement to the set
//     (defaults k = 2, c = 0, add = ceil(points/100)); `points` is the
//     initial number.
//
// The training graph has fixed batch shapes, so a rar-d term is compiled
// once at its largest size: points + add x (number of resamplings the plan
// contains). Its rows beyond the active count hold copies of active points
// and a fed per-point mask (1/active on active rows, 0 elsewhere) turns the
// term's loss into the mean square over the active rows only. The active
// count is a function of the term's epoch and the plan, and the checkpoint
// stores every row and the epoch, so resume is exact with no extra state.
// The draws use only the term's stream for the epoch (pool first, then the
// weighted choice), so the same seed gives the same points.
//
// Cost: every resampling evaluates the residual on `pool` points (a forward
// pass with jets, no reverse pass). Optimizers other than Adam that compile
// their own residual programs of a rar-d term see all of its rows.

const (
	adaptiveBatch   = 2048   // batch size of the residual program
	defaultPool     = 100000 // candidate pool (paper: 100000)
	samplerRAD      = "rad"
	samplerRARD     = "rar-d"
	adaptiveBaseGen = "uniform" // how epoch-0 points and candidates are drawn
)

// adaptive is the state of an adaptive term.
type adaptive struct {
	typ    string
	k, c   float64
	pool   int
	add    int // rar-d: points added per resampling
	p0     int // rar-d: initial points
	every  int
	mask   *G.Node  // rar-d: per-point loss weights (training programs)
	prog   *Program // residual program, built at the first resampling
	rounds []int    // rar-d: the epochs the plan resamples at, ascending
}

// resolveSampler returns the unit sampler that draws a term's regular
// Points: the named one, or uniform for an adaptive term, whose state it
// attaches to t.
func (p *Program) resolveSampler(t *term, tm pde.Term, typ string) (sampling.UnitSampler, error) {
	name := tm.Sampler.Type
	if name == "" {
		name = "uniform"
	}
	if name != samplerRAD && name != samplerRARD {
		return sampling.NewUnitSampler(name)
	}
	opt := func(key string, def float64) float64 {
		if v, ok := tm.Sampler.Options[key]; ok {
			return v
		}
		return def
	}
	a := &adaptive{typ: name, every: tm.ResampleEvery}
	if name == samplerRAD {
		a.k, a.c = opt("k", 1), opt("c", 1)
	} else {
		a.k, a.c = opt("k", 2), opt("c", 0)
	}
	a.pool = int(opt("pool", defaultPool))
	if !(a.k >= 0) || math.IsInf(a.k, 0) || !(a.c >= 0) || math.IsInf(a.c, 0) {
		return nil, fmt.Errorf("sampler %s: need finite k >= 0 and c >= 0, have k=%g c=%g", name, a.k, a.c)
	}
	if a.k == 0 && a.c == 0 {
		a.c = 1 // p is uniform either way; keeps the weights finite
	}
	P := max(tm.Points, 1)
	if name == samplerRAD {
		if a.pool < P {
			return nil, fmt.Errorf("sampler rad: pool %d is smaller than points %d", a.pool, P)
		}
	} else {
		if typ == "periodic" {
			return nil, fmt.Errorf("sampler rar-d is not supported on periodic conditions (use rad)")
		}
		a.add = int(opt("add", math.Ceil(float64(P)/100)))
		if a.add < 1 || a.pool < a.add {
			return nil, fmt.Errorf("sampler rar-d: need 1 <= add <= pool, have add=%d pool=%d", a.add, a.pool)
		}
		a.p0 = P
		a.rounds = resampledEpochs(p.cfg, a.every)
	}
	t.adapt = a
	return sampling.NewUnitSampler(adaptiveBaseGen)
}

// resampledEpochs lists the epochs > 0 (config.adaptiveEpoch) that the plan
// reaches at a step of a stage whose optimizer resamples: those are the
// epochs at which the runner resamples an adaptive term.
func resampledEpochs(cfg *Config, every int) []int {
	var out []int
	start := 0
	last := 0
	for _, st := range cfg.Stages {
		o, err := optim.New(st.Optimizer, 0)
		if err == nil && !o.Needs().FixedObjective && st.Steps > 0 {
			lo, hi := cfg.AdaptiveEpoch(start, every), cfg.AdaptiveEpoch(start+st.Steps-1, every)
			for e := max(lo, last+1, 1); e <= hi; e++ {
				out = append(out, e)
				last = e
			}
		}
		start += st.Steps
	}
	return out
}

// active is the number of live points of a rar-d term at epoch e: the
// initial ones and `add` per resampling up to e.
func (a *adaptive) active(e int) int {
	n := 0
	for _, r := range a.rounds {
		if r <= e {
			n++
		}
	}
	return a.p0 + a.add*n
}

// sampleInitial draws the epoch-0 points of a term; a rar-d term is then
// padded to its largest size with copies of its points.
func (p *Program) sampleInitial(t *term) error {
	a := t.adapt
	if a == nil || a.typ != samplerRARD {
		return p.sample(t, 0)
	}
	t.P = a.p0
	if err := p.sample(t, 0); err != nil {
		return err
	}
	pmax := a.p0 + a.add*len(a.rounds)
	t.pts = padRows(t.pts, len(p.prob.Variables), pmax)
	if t.normals != nil {
		t.normals = padRows(t.normals, len(p.prob.Variables), pmax)
	}
	return nil
}

// padRows extends row-major rows (n columns) to m rows with cyclic copies.
func padRows(x []float64, n, m int) []float64 {
	have := len(x) / n
	if have == 0 || have >= m {
		return x
	}
	out := make([]float64, m*n)
	copy(out, x)
	for i := have; i < m; i++ {
		copy(out[i*n:(i+1)*n], x[(i%have)*n:(i%have+1)*n])
	}
	return out
}

// termLoss is the mean square of a term's residual vector: over all rows,
// or over the active rows of a rar-d term (through its fed mask).
func (p *Program) termLoss(t *term, r *G.Node) *G.Node {
	a := t.adapt
	if a == nil || a.typ != samplerRARD || p.err != nil {
		return p.meanSquare(r)
	}
	a.mask = p.input(t.src.inputName(t)+"/mask", t.P, 1)
	sq := p.keep(G.Square(r))
	return p.keep(G.Sum(p.mul(a.mask, sq)))
}

// feedAdaptive feeds a rar-d term's mask for its current epoch.
func (p *Program) feedAdaptive(t *term) {
	a := t.adapt
	if a == nil || a.mask == nil {
		return
	}
	n := min(a.active(t.epoch), t.P)
	m := make([]float64, t.P)
	for i := 0; i < n; i++ {
		m[i] = 1 / float64(n)
	}
	tensors.Set(a.mask.Value().(tensor.Tensor), m)
}

// adaptiveResample performs the resampling of epoch e of an adaptive term
// with the weights theta, and feeds the new points. Only the residuals of
// the whole candidate pool are held: the fast path draws the pool in blocks
// (pointSource.candidates; a pool of 100000 points at 1000-D would be
// 800 MB) and draws it again from a second copy of the epoch's stream to
// gather the chosen rows; a pool that came as one block (the general
// compiler's) is gathered from directly. The weighted choice continues the
// first copy of the stream, as if the pool had been drawn at once.
func (p *Program) adaptiveResample(t *term, e int, theta []float64) error {
	a := t.adapt
	stream := func() *rand.Rand { return p.cfg.pointStream(uint64(t.kind), uint64(t.index), uint64(e)) }
	rng := stream()
	eps := make([]float64, 0, a.pool)
	var first, firstN []float64 // the pool, while it is one block
	blocks := 0
	err := t.src.candidates(p, t, a.pool, rng, func(cand, candN []float64) error {
		if blocks++; blocks == 1 {
			first, firstN = cand, candN
		} else {
			first, firstN = nil, nil
		}
		r, err := p.poolResiduals(t, cand, candN, theta)
		eps = append(eps, r...)
		return err
	})
	if err != nil {
		return err
	}
	pool := func(fn func(pts, normals []float64) error) error { return fn(first, firstN) }
	if blocks > 1 {
		pool = func(fn func(pts, normals []float64) error) error { return t.src.candidates(p, t, a.pool, stream(), fn) }
	}
	// rad replaces all rows; rar-d adds the rows from the active count at
	// epoch t.epoch to that at e
	at, end := 0, t.P
	if a.typ == samplerRARD {
		at, end = min(a.active(t.epoch), t.P), min(a.active(e), t.P)
	}
	idx := sampling.SampleWithoutReplacement(sampling.RADWeights(eps, a.k, a.c), max(end-at, 0), rng)
	st := p.pointStride(t)
	pts, nrm, err := gatherRows(st, a.pool, idx, pool)
	if err != nil {
		return err
	}
	if a.typ == samplerRARD {
		add, addN := pts, nrm
		pts = append([]float64(nil), p.rawPoints(t)...)
		copy(pts[at*st:], add)
		pts = padRows(pts[:end*st], st, t.P)
		nrm = t.normals
		if addN != nil && t.normals != nil {
			nrm = append([]float64(nil), t.normals...)
			copy(nrm[at*st:], addN)
			nrm = padRows(nrm[:end*st], st, t.P)
		}
	}
	t.epoch = e
	p.setPoints(t, pts, nrm)
	return nil
}

// gatherRows returns the rows idx (of st values) of a pool of n points that
// pool hands to its callback in consecutive blocks, with their normals
// (nil if none), in the order of idx.
func gatherRows(st, n int, idx []int, pool func(fn func(pts, normals []float64) error) error) (pts, nrm []float64, err error) {
	where := make([]int, n)
	for i := range where {
		where[i] = -1
	}
	for k, i := range idx {
		where[i] = k
	}
	pts = make([]float64, len(idx)*st)
	off := 0
	err = pool(func(cand, candN []float64) error {
		rows := len(cand) / st
		if candN != nil && nrm == nil {
			nrm = make([]float64, len(idx)*st)
		}
		for r := range rows {
			k := where[off+r]
			if k < 0 {
				continue
			}
			copy(pts[k*st:(k+1)*st], cand[r*st:(r+1)*st])
			if candN != nil {
				copy(nrm[k*st:(k+1)*st], candN[r*st:(r+1)*st])
			}
		}
		off += rows
		return nil
	})
	return pts, nrm, err
}

// poolResiduals returns |residual| (the Euclidean norm over the term's
// residual vectors) at the candidate points, evaluated in batches by the
// term's residual program with the weights theta.
func (p *Program) poolResiduals(t *term, cand, candN []float64, theta []float64) ([]float64, error) {
	a := t.adapt
	if a.prog == nil {
		prob := *p.prob
		prob.Equations = append([]pde.Term(nil), prob.Equations...)
		prob.Conditions = append([]pde.Condition(nil), prob.Conditions...)
		plain := pde.SamplerConfig{Type: adaptiveBaseGen}
		if t.kind == kindEquation {
			prob.Equations[t.index].Sampler, prob.Equations[t.index].ResampleEvery = plain, 0
		} else {
			prob.Conditions[t.index].Sampler, prob.Conditions[t.index].ResampleEvery = plain, 0
		}
		// 2048 points up to 2048-D, 419 at 10K-D
		B := blockRows(p.pointStride(t), min(adaptiveBatch, a.pool))
		rp, err := Build(&prob, p.cfg, BuildOptions{only: &termRef{t.kind, t.index}, Points: B, objective: objNone})
		if err != nil {
			return nil, fmt.Errorf("residual program: %w", err)
		}
		a.prog = rp
	}
	rp := a.prog
	rt := rp.terms[0]
	n := p.pointStride(t)
	B := rt.P
	rp.setFlat(theta)
	N := len(cand) / n
	eps := make([]float64, N)
	for lo := 0; lo < N; lo += B {
		hi := min(lo+B, N)
		pts := padRows(cand[lo*n:hi*n], n, B)
		var nrm []float64
		if candN != nil {
			nrm = padRows(candN[lo*n:hi*n], n, B)
		}
		rp.setPoints(rt, pts, nrm)
		rp.vm.Reset()
		if err := rp.vm.RunAll(); err != nil {
			return nil, fmt.Errorf("residual program: %w", err)
		}
		vals := rp.residualValues(rt)
		for i := lo; i < hi; i++ {
			s := 0.0
			for _, v := range vals {
				s += v[i-lo] * v[i-lo]
			}
			eps[i] = math.Sqrt(s)
			if math.IsNaN(eps[i]) || math.IsInf(eps[i], 0) {
				return nil, fmt.Errorf("term %q: residual is %v at a candidate point (diverged?)", t.name, eps[i])
			}
		}
	}
	return eps, nil
}

// The randomised Hammersley set of package sampling (a non-adaptive row of
// the RAD paper) is valid in specs too.
func init() { pde.RegisterSampler("hammersley") }
