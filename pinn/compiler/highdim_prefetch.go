package compiler

// Overlapping the float64 columns with training: when a vector problem
// draws new points every step, the next step's points and their fed
// columns (the forcing: lap(exact(u)) and the like, O(d) per point and the
// larger half of a 10K-D step) are computed on a goroutine while this
// step's network runs, which leaves a core idle in its many small
// single-threaded ops. The points of an epoch come from their own stream,
// so what is prefetched is exactly what a synchronous draw would give, and a
// resumed run is unchanged.

// prefetchMaxFloats bounds the point sets computed ahead (P × (d + time)
// floats): beyond it a second set costs more than the overlap gains. At
// 100K-D (10M floats) five steps ran at 1.06 it/s and 1633 MB peak with the
// prefetch, 1.36 it/s and 1529 MB without; at 10K-D (1M) the prefetch took
// a step from 110 to 80 ms.
const prefetchMaxFloats = 1 << 22

// hdPrefetch is the point set of one epoch computed ahead.
type hdPrefetch struct {
	epoch int
	pts   []float64
	err   error       // of the draw
	vals  [][]float64 // per known
	done  chan struct{}
}

// drawPoints draws the points of epoch pe from its stream.
func (h *hdTerm) drawPoints(pe int) ([]float64, error) {
	if h.fixed != nil {
		return h.fixed, nil
	}
	rng := h.cfg.pointStream(uint64(h.kind), uint64(h.index), uint64(pe))
	if h.faces != nil {
		return h.lay.drawFaces(h.faces, h.sampler, h.P, rng)
	}
	return h.lay.draw(h.sampler, h.P, rng)
}

// prefetch starts computing epoch pe's points and columns. The knowns'
// evaluators belong to the prefetch until takePrefetched has waited for it.
func (h *hdTerm) prefetch(pe int) {
	pf := &hdPrefetch{epoch: pe, done: make(chan struct{})}
	if old := h.pre; old != nil {
		pf.vals = old.vals // reuse the buffers handed back by the last swap
	}
	if len(pf.vals) != len(h.knowns) {
		pf.vals = make([][]float64, len(h.knowns))
		for i := range pf.vals {
			pf.vals[i] = make([]float64, h.P)
		}
	}
	h.pre = pf
	go func() {
		defer close(pf.done)
		if pf.pts, pf.err = h.drawPoints(pe); pf.err == nil {
			h.evalKnowns(pf.pts, pf.vals)
		}
	}()
}

// takePrefetched waits for a prefetch in flight and, if it computed epoch
// pe, makes its points and columns the current ones (the knowns' old
// buffers go to the next prefetch). It reports whether it did.
func (h *hdTerm) takePrefetched(pe int) bool {
	pf := h.pre
	if pf == nil {
		return false
	}
	<-pf.done
	if pf.epoch != pe || pf.err != nil {
		return false
	}
	h.pts = pf.pts
	for i, k := range h.knowns {
		k.vals, pf.vals[i] = pf.vals[i], k.vals
	}
	pf.pts = nil
	return true
}
