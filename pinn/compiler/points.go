package compiler

import (
	"math/rand/v2"

	"github.com/gopinn/gopinn/sampling"
)

// pointSource is how a term's points are drawn, held and fed to its graph:
// the one seam between the terms of the program and the two ways the jets
// of a term are formed. Everything above it (the loss, balancing, causal
// weights, residual programs, checkpoints, the optimizers) treats both
// alike.
//
//   - coordinates (below): each point is the values of the problem's
//     variables, fed to the term's batches (batch.go), whose derivative
//     plan asks for jets along the variables;
//   - *hdTerm (highdim_feed.go): a point of a vector problem on the
//     high-dimensional fast path, x ∈ R^D (then t), with the directions
//     of its estimator drawn every step and the jets formed along the
//     sampled coordinates only.
type pointSource interface {
	// sample draws the points of epoch e from the term's own stream.
	sample(p *Program, t *term, e int) error
	// setPoints gives a term of a residual program points of the layout
	// of rawPoints (and their outward normals, nil if none), and feeds
	// them.
	setPoints(p *Program, t *term, pts, normals []float64)
	// rawPoints are the term's current points as setPoints takes them.
	rawPoints(t *term) []float64
	// stride is the number of values per point of rawPoints.
	stride(p *Program) int
	// feed copies the term's current points into its graph's inputs.
	feed(p *Program, t *term)
	// inputName is the prefix of the names of the term's fed inputs.
	inputName(t *term) string
	// advance draws and feeds what changes at training step step: new
	// points at a new resampling epoch (adaptive terms are resampled by
	// adaptiveResample, before), on the fast path new directions every
	// step.
	advance(p *Program, t *term, step int) error
	// candidates draws n candidate points of an adaptive term from rng
	// (uniform, in the layout of rawPoints) and calls fn with consecutive
	// blocks of them and their outward normals (nil if none). The same
	// n and stream give the same blocks.
	candidates(p *Program, t *term, n int, rng *rand.Rand, fn func(pts, normals []float64) error) error
}

// coordinates is the point source of the general compiler's terms.
type coordinates struct{}

func (c coordinates) sample(p *Program, t *term, e int) error {
	rng := p.cfg.pointStream(uint64(t.kind), uint64(t.index), uint64(e))
	fixed := sampling.IsFixedSet(t.sampler)
	if fixed {
		// every rank draws the whole set, then keeps its share of it
		rng = sampling.Stream(p.cfg.Seed, streamPoints, uint64(t.kind), uint64(t.index), uint64(e))
	}
	var err error
	t.pts, t.normals, err = c.draw(p, t, t.P, rng)
	t.epoch = e
	if err != nil {
		return err
	}
	return p.shareRows(t, fixed, len(p.prob.Variables))
}

func (coordinates) setPoints(p *Program, t *term, pts, normals []float64) {
	t.pts, t.normals = pts, normals
	p.feed(t)
}

func (coordinates) rawPoints(t *term) []float64 { return t.pts }

func (coordinates) stride(p *Program) int { return len(p.prob.Variables) }

func (coordinates) feed(p *Program, t *term) {
	t.batches[0].feed(t.pts, t.normals)
	if t.period >= 0 {
		hi := append([]float64(nil), t.pts...)
		n := len(p.prob.Variables)
		for i := t.period; i < len(hi); i += n {
			hi[i] = p.prob.Variables[t.period].Hi
		}
		t.batches[1].feed(hi, t.normals)
	}
	p.feedAdaptive(t)
}

func (coordinates) inputName(t *term) string { return t.batches[0].name }

func (coordinates) advance(p *Program, t *term, step int) error { return resampleEvery(p, t, step) }

// resampleEvery draws and feeds new points for a term that takes them every
// t.every steps, at a step of a new epoch.
func resampleEvery(p *Program, t *term, step int) error {
	if t.adapt != nil || t.every <= 0 || t.kind == kindData {
		return nil
	}
	if e := step / t.every; e != t.epoch {
		if err := p.sample(t, e); err != nil {
			return err
		}
		p.feed(t)
	}
	return nil
}

// candidates draws the whole pool at once (the general compiler's
// problems have few coordinates).
func (c coordinates) candidates(p *Program, t *term, n int, rng *rand.Rand, fn func(pts, normals []float64) error) error {
	cand, candN, err := c.draw(p, t, n, rng)
	if err != nil {
		return err
	}
	return fn(cand, candN)
}

// draw draws n points of the term's sampler from rng: in the domain, or on
// a condition's faces with their outward normals.
func (coordinates) draw(p *Program, t *term, n int, rng *rand.Rand) (pts, normals []float64, err error) {
	if !t.isCondition() {
		pts, err = p.drawInterior(n, t.sampler, rng)
		return pts, nil, err
	}
	return p.drawCondition(t, n, t.sampler, rng)
}
