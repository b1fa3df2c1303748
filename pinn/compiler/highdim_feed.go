package compiler

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"

	"github.com/gopinn/gopinn/autodiff"
	"github.com/gopinn/gopinn/pinn/internal/tensors"
	"gorgonia.org/tensor"
)

// draw sets the points for step e (new points every h.every steps) and the
// sampled coordinates (new every step), each from its own stream, so a
// resumed run draws exactly what an uninterrupted one did.
func (h *hdTerm) draw(e int) error {
	pe := e / h.every
	if pe != h.ptsEpoch {
		if !h.takePrefetched(pe) {
			pts, err := h.drawPoints(pe)
			if err != nil {
				return err
			}
			h.pts = pts
			h.evalKnowns(h.pts, nil)
		}
		h.ptsEpoch = pe
		if h.every == 1 && h.P*h.lay.stride() <= prefetchMaxFloats {
			h.prefetch(pe + 1) // the next step's points, while this one trains
		}
	}
	switch {
	case h.valueOnly: // no directions
	case h.taylor:
		for p := 0; p < h.P; p++ {
			for j := 0; j < h.d; j++ {
				h.rows.Idx[p*h.d+j] = j
			}
		}
	case h.dense != nil:
		rng := h.cfg.pointStream(uint64(kindEquation), uint64(h.index), uint64(e), 1)
		h.dense.Draw(rng, h.P, h.dirs)
	default:
		rng := h.cfg.pointStream(uint64(kindEquation), uint64(h.index), uint64(e), 1)
		autodiff.SparseSTDE{Dim: h.d, Samples: h.B}.Draw(rng, h.P, h.rows.Idx)
	}
	h.drawn = e
	return nil
}

// evalKnowns computes the fed columns of points pts in parallel, into
// the knowns' vals or, when out is not nil, into out[k] for known k.
func (h *hdTerm) evalKnowns(pts []float64, out [][]float64) {
	h.eachPoint(pts, func(w, p int, x, sc []float64) {
		for i, k := range h.knowns {
			v, err := k.evs[w].Value(sc, x)
			if err != nil {
				v = math.NaN()
			}
			if out != nil {
				out[i][p] = v
			} else {
				k.vals[p] = v
			}
		}
	})
}

// eachPoint calls f for every point of pts on hdWorkers goroutines (w: the
// worker, whose evaluators f may use; x, sc: the point's coordinates and
// scalars).
func (h *hdTerm) eachPoint(pts []float64, f func(w, p int, x, sc []float64)) {
	nw := hdWorkers(h.P)
	var wg sync.WaitGroup
	for w := range nw {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for p := w; p < h.P; p += nw {
				x, sc := h.lay.split(pts, p)
				f(w, p, x, sc)
			}
		}(w)
	}
	wg.Wait()
}

// feed writes the current points, coordinates and columns into the graph.
func (h *hdTerm) feedInputs() {
	P, B, d, st := h.P, h.B, h.d, h.lay.stride()
	if xd, ok := h.X.Value().Data().([]float64); ok {
		h.lay.normalise(xd, h.pts) // straight into the input: no P×d copy
	} else {
		if len(h.xn) != P*st {
			h.xn = make([]float64, P*st)
		}
		h.lay.normalise(h.xn, h.pts)
		tensors.Set(h.X.Value().(tensor.Tensor), h.xn)
	}
	if h.V != nil {
		vt := h.V.Value().(tensor.Tensor)
		if vd, ok := vt.Data().([]float64); ok && st != d {
			// rows of st columns, straight into the input; the time
			// column is never written and stays zero
			for r := range P * B {
				copy(vd[r*st:r*st+d], h.dirs[r*d:(r+1)*d])
			}
		} else if st == d {
			tensors.Set(vt, h.dirs)
		} else { // float32 with time
			v := make([]float64, P*B*st)
			for r := range P * B {
				copy(v[r*st:r*st+d], h.dirs[r*d:(r+1)*d])
			}
			tensors.Set(vt, v)
		}
	}
	for _, k := range h.knowns {
		tensors.Set(k.node.Value().(tensor.Tensor), k.vals)
	}
	if h.nrm != nil {
		h.feedNormals()
	}
	for _, f := range h.fields {
		switch {
		case f.trans == nil:
		case h.valueOnly:
			h.feedValues(f)
		default:
			h.feedTransform(f)
		}
	}
	if h.xj != nil {
		xj := make([]float64, P*B)
		for p := range P {
			x, _ := h.lay.split(h.pts, p)
			for k, j := range h.rows.Idx[p*B : (p+1)*B] {
				xj[p*B+k] = x[j]
			}
		}
		tensors.Set(h.xj.Value().(tensor.Tensor), xj)
	}
}

// feedTransform computes a field's transform columns at an equation's
// points and directions: A, C and their derivatives along the directions
// (and in t), and the per-sample columns of coordinate sums.
func (h *hdTerm) feedTransform(f *hdField) {
	P, B, d, tr := h.P, h.B, h.d, f.trans
	a0, a1 := make([]float64, P), make([]float64, P*B)
	a2, c0, c2 := make([]float64, P), make([]float64, P), make([]float64, P)
	var tcols [4][]float64
	for k, evs := range tr.tEv {
		if evs != nil {
			tcols[k] = make([]float64, P)
		}
	}
	var cc *coordVals
	if f.coord != nil {
		cc = &coordVals{make([]float64, P*B), make([]float64, P*B), make([]float64, P*B), make([]float64, P*B)}
	}
	nw := hdWorkers(P)
	var wg sync.WaitGroup
	for w := 0; w < nw; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			g, hd := make([]float64, d), make([]float64, d)
			for p := w; p < P; p += nw {
				x, sc := h.lay.split(h.pts, p)
				for k, evs := range tr.tEv {
					if evs != nil {
						v, err := evs[w].Value(sc, x)
						if err != nil {
							v = math.NaN()
						}
						tcols[k][p] = v
					}
				}
				if h.dense != nil {
					h.feedDense(tr, w, p, x, sc, g, a0, a1, a2, c0, c2)
					continue
				}
				idx := h.rows.Idx[p*B : (p+1)*B]
				if tr.aEv != nil {
					v, _, err := tr.aEv[w].LapValue(sc, x, g, hd)
					if err != nil {
						v = math.NaN()
					}
					a0[p] = v
					for k, j := range idx {
						a1[p*B+k] = g[j]
						a2[p] += hd[j]
						if cc != nil {
							cc.aT[p*B+k], cc.ajj[p*B+k] = v, hd[j]
						}
					}
				}
				if tr.cEv != nil {
					var gc []float64
					if cc != nil {
						gc = g // A's gradient is used up
					}
					v, _, err := tr.cEv[w].LapValue(sc, x, gc, hd)
					if err != nil {
						v = math.NaN()
					}
					c0[p] = v
					for k, j := range idx {
						c2[p] += hd[j]
						if cc != nil {
							cc.cj[p*B+k], cc.cjj[p*B+k] = gc[j], hd[j]
						}
					}
				}
			}
		}(w)
	}
	wg.Wait()
	tensors.Set(f.a0.Value().(tensor.Tensor), a0)
	tensors.Set(f.a1.Value().(tensor.Tensor), a1)
	tensors.Set(f.a2s.Value().(tensor.Tensor), a2)
	tensors.Set(f.c0.Value().(tensor.Tensor), c0)
	tensors.Set(f.c2s.Value().(tensor.Tensor), c2)
	for k, col := range tcols {
		if col != nil && f.tcols[k] != nil {
			tensors.Set(f.tcols[k].Value().(tensor.Tensor), col)
		}
	}
	if cc != nil {
		c := f.coord
		tensors.Set(c.aT.Value().(tensor.Tensor), cc.aT)
		tensors.Set(c.ajj.Value().(tensor.Tensor), cc.ajj)
		tensors.Set(c.cj.Value().(tensor.Tensor), cc.cj)
		tensors.Set(c.cjj.Value().(tensor.Tensor), cc.cjj)
	}
}

// coordVals are the fed per-sample transform columns of coordinate sums.
type coordVals struct{ aT, ajj, cj, cjj []float64 }

// feedDense computes the transform columns of point p for dense directions:
// a1 = ∇A·v per direction, a2 = B·ΔA and c2 = B·ΔC (the graph divides the
// sum over directions by B).
func (h *hdTerm) feedDense(tr *hdTransform, w, p int, x, sc, g, a0, a1, a2, c0, c2 []float64) {
	B, d := h.B, h.d
	if tr.aEv != nil {
		v, lap, err := tr.aEv[w].LapValue(sc, x, g, nil)
		if err != nil {
			v, lap = math.NaN(), math.NaN()
		}
		a0[p], a2[p] = v, float64(B)*lap
		for k := range B {
			dir := h.dirs[(p*B+k)*d : (p*B+k+1)*d]
			s := 0.0
			for j, gj := range g {
				s += gj * dir[j]
			}
			a1[p*B+k] = s
		}
	}
	if tr.cEv != nil {
		v, lap, err := tr.cEv[w].LapValue(sc, x, nil, nil)
		if err != nil {
			v, lap = math.NaN(), math.NaN()
		}
		c0[p], c2[p] = v, float64(B)*lap
	}
}

// radial returns the reporting columns (|x|, then t) of every current point
// (the checkpoint's point columns).
func (h *hdTerm) radial() []float64 { return h.lay.report(h.pts) }

// The fast path's point source (pointSource, points.go): t.pts report
// the points as |x| (then t), the layout of the runner's evaluation and
// checkpoints; the raw points x_1..x_d (then t) are h.pts.

func (h *hdTerm) sample(p *Program, t *term, e int) error {
	if err := h.draw(e); err != nil {
		return err
	}
	t.epoch = e
	t.pts = h.radial()
	return nil
}

// setPoints keeps the given raw points (rows of x_1..x_d, then t) until the
// next call; their directions are those of the term's epoch. A fast-path
// condition computes its own normals from the points (normals is nil).
func (h *hdTerm) setPoints(p *Program, t *term, pts, normals []float64) {
	if h.pre != nil {
		<-h.pre.done // a prefetch of other points must not replace these
		h.pre = nil
	}
	h.fixed, h.ptsEpoch = pts, -1
	// cannot fail: the points are given, and the coordinates drawn
	_ = h.draw(t.epoch)
	t.pts = h.radial()
	h.feedInputs()
	p.feedAdaptive(t)
}

func (h *hdTerm) rawPoints(t *term) []float64 { return h.pts }

func (h *hdTerm) stride(p *Program) int { return h.lay.stride() }

func (h *hdTerm) feed(p *Program, t *term) {
	// (an adaptive term's epoch counts resamplings: its directions are
	// drawn by advance, every step)
	if t.adapt == nil && h.drawn != t.epoch {
		// cannot fail: a draw fails only for its sampler's dimension,
		// which the build checked, and sample drew this epoch already
		_ = h.draw(t.epoch)
	}
	h.feedInputs()
	p.feedAdaptive(t)
}

// advance: a term resampled every step draws its points (every h.every
// steps) and directions for the step; an adaptive term keeps its points
// between resamplings (h.fixed) and draws the step's directions.
func (h *hdTerm) advance(p *Program, t *term, step int) error {
	if t.adapt == nil {
		return resampleEvery(p, t, step)
	}
	if h.drawn != step {
		if err := h.draw(step); err != nil {
			return err
		}
		h.feedInputs()
	}
	return nil
}

// candidates draws the pool in blocks (blockRows), uniform in the domain
// (with t).
func (h *hdTerm) candidates(p *Program, t *term, n int, rng *rand.Rand, fn func(pts, normals []float64) error) error {
	if h.faces != nil {
		return fmt.Errorf("term %q: adaptive sampling on the boundary is not supported on the high-dimensional path", t.name)
	}
	block := blockRows(h.lay.stride(), n)
	for lo := 0; lo < n; lo += block {
		pts, err := h.lay.draw(h.sampler, min(block, n-lo), rng)
		if err != nil {
			return err
		}
		if err := fn(pts, nil); err != nil {
			return err
		}
	}
	return nil
}

func (h *hdTerm) inputName(t *term) string { return strings.TrimSuffix(h.prefix, "/") }
