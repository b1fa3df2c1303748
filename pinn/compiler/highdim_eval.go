package compiler

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pinn/nets"
	"github.com/gopinn/gopinn/sampling"
	"gonum.org/v1/gonum/mat"
)

// Evaluation of vector problems on the fast path. The test points live in
// R^d (× time), held by the Evaluation's set (kept, or redrawn block by
// block); its Pts (which prediction.csv and the checkpoint read with
// len(prob.Variables) columns) are their reporting columns |x| (and t).
// Predictor.PredictEvaluation predicts at the set; any other points given
// to the predictor are radii along the fixed ray x = r·(1, ..., 1)/√d (the
// 1-D plot), with their t.

// hdTestBlock is the most test points drawn, predicted and scored at a
// time (hdBlockRows); hdTestKeep the most coordinates (points × d) kept in
// memory: a larger test set is redrawn block by block from its seeded
// stream at every evaluation, so that memory stays O(block·d) (20,000
// points at 100K-D would be 16 GB).
const hdTestBlock = 512

// hdBlockRows is the number of points of d coordinates handled at a time
// (test blocks, predictor chunks): 512, fewer at high d (blockRows).
func hdBlockRows(d int) int { return blockRows(d, hdTestBlock) }

// blockRows is the number of points of stride values handled at a time by
// work done in blocks (test sets, predictor chunks, adaptive candidate
// pools and their residual batches): at most most, and at most 4M values,
// so that a block stays within 32 MiB (41 points at 100K-D).
func blockRows(stride, most int) int { return max(1, min(most, blockValues/max(stride, 1))) }

var blockValues = 1 << 22 // a variable for the tests

var hdTestKeep = 1 << 24 // 128 MiB of float64 (a variable for the tests)

// hdTestSet is the fixed test set of a vector problem: n points from the
// evaluation stream, the same points whether kept or redrawn (the
// samplers draw point after point from one stream).
type hdTestSet struct {
	lay     hdLayout
	sampler string
	n       int
	seed    uint64
	full    []float64 // all points, when n·stride ≤ hdTestKeep
}

func newHDTestSet(lay hdLayout, sampler string, n int, seed uint64) *hdTestSet {
	s := &hdTestSet{lay: lay, sampler: sampler, n: n, seed: seed}
	if n*lay.stride() <= hdTestKeep {
		full := make([]float64, 0, n*lay.stride())
		// cannot fail: the evaluation checked its sampler (checkSampler)
		_ = s.each(func(_ int, pts []float64) error { full = append(full, pts...); return nil })
		s.full = full
	}
	return s
}

// each calls fn with consecutive blocks of the test points (start is the
// index of the block's first point), stopping at the first error.
func (s *hdTestSet) each(fn func(start int, pts []float64) error) error {
	d := s.lay.stride()
	block := hdBlockRows(d)
	if s.full != nil {
		for start := 0; start < s.n; start += block {
			k := min(block, s.n-start)
			if err := fn(start, s.full[start*d:(start+k)*d]); err != nil {
				return err
			}
		}
		return nil
	}
	rng := sampling.Stream(s.seed, streamEval)
	for start := 0; start < s.n; start += block {
		k := min(block, s.n-start)
		pts, err := s.lay.draw(s.sampler, k, rng)
		if err != nil {
			return err
		}
		if err := fn(start, pts); err != nil {
			return err
		}
	}
	return nil
}

// vectorColumn evaluates a vector expression (its evaluators' pool) at
// every point (rows of lay.stride() columns), in parallel. extra[k][i] is
// the value of the pool's scalar k after the layout's own (t) at point i:
// the field for a hidden term's input.
func vectorColumn(pool *evalPool, lay hdLayout, pts []float64, extra ...[]float64) ([]float64, error) {
	rows := len(pts) / lay.stride()
	nw := max(1, min(runtime.NumCPU(), rows))
	evs := make([]*expr.VectorEval, nw)
	for w := range evs {
		ev, err := pool.get()
		if err != nil {
			return nil, err
		}
		evs[w] = ev
		defer pool.put(ev)
	}
	out := make([]float64, rows)
	errs := make([]error, nw)
	var wg sync.WaitGroup
	for w := range nw {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var scx []float64
			for i := w; i < rows; i += nw {
				x, sc := lay.split(pts, i)
				if extra != nil {
					scx = append(scx[:0], sc...)
					for _, col := range extra {
						scx = append(scx, col[i])
					}
					sc = scx
				}
				v, err := evs[w].Value(sc, x)
				if err != nil && errs[w] == nil {
					errs[w] = err
				}
				out[i] = v
			}
		}(w)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// evalPool keeps compiled evaluators of one expression for reuse: the
// test set and the predictor evaluate in blocks of points (41 at 100K-D),
// and compiling per block allocated the evaluator's d-sized caches again
// for each.
type evalPool struct {
	compile func() (*expr.VectorEval, error)
	mu      sync.Mutex
	free    []*expr.VectorEval
}

func (p *evalPool) get() (*expr.VectorEval, error) {
	p.mu.Lock()
	if n := len(p.free); n > 0 {
		ev := p.free[n-1]
		p.free = p.free[:n-1]
		p.mu.Unlock()
		return ev, nil
	}
	p.mu.Unlock()
	return p.compile()
}

func (p *evalPool) put(ev *expr.VectorEval) {
	p.mu.Lock()
	p.free = append(p.free, ev)
	p.mu.Unlock()
}

// newEvalPool is an empty pool of evaluators of e (nil e: nil pool), a
// function of the vector, the layout's scalars and then extra scalars.
func newEvalPool(e expr.Expr, prob *pde.Problem, lay hdLayout, extra ...string) *evalPool {
	if e == nil {
		return nil
	}
	names := append(lay.scalars(), extra...)
	return &evalPool{compile: func() (*expr.VectorEval, error) {
		return expr.CompileVector(e, names, prob.Vector.Name, prob.Vector.Dim, prob.VectorConstants)
	}}
}

func newHDEvaluation(prob *pde.Problem, cfg *Config) (*Evaluation, error) {
	lay, err := newHDLayout(prob, cfg.Model.NoNormalize)
	if err != nil {
		return nil, err
	}
	if ref := prob.Reference; ref != nil && ref.Len() > 0 {
		// the reference's rows are the test set, kept whole
		full, err := lay.rowsOf(ref)
		if err != nil {
			return nil, fmt.Errorf("evaluation.reference: %w", err)
		}
		ev := &Evaluation{Pts: lay.report(full), Exact: map[string][]float64{}, set: &hdTestSet{lay: lay, n: ref.Len(), full: full}}
		for f, col := range ref.Targets {
			ev.Exact[f] = col
		}
		return ev, nil
	}
	if err := lay.checkSampler("evaluation.sampler", cfg.Eval.Sampler); err != nil {
		return nil, err
	}
	set := newHDTestSet(lay, cfg.Eval.Sampler, cfg.Eval.Points, cfg.Seed)
	pools := map[string]*evalPool{}
	for _, f := range prob.Fields {
		pools[f] = newEvalPool(prob.Exact[f], prob, lay)
	}
	ev := &Evaluation{Exact: map[string][]float64{}, Pts: make([]float64, 0, set.n*(1+lay.nt)), set: set}
	err = set.each(func(_ int, pts []float64) error {
		ev.Pts = append(ev.Pts, lay.report(pts)...)
		for _, f := range prob.Fields {
			if pools[f] == nil {
				continue
			}
			col, err := vectorColumn(pools[f], lay, pts)
			if err != nil {
				return fmt.Errorf("evaluation.exact %s: %w", f, err)
			}
			ev.Exact[f] = append(ev.Exact[f], col...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ev, nil
}

// hdPredictor evaluates every field u = A(x)·N(x) + C(x) in float64
// (gonum matrix products for the layers of plain networks).
type hdPredictor struct {
	prob      *pde.Problem
	lay       hdLayout
	trans     []hdOutput // by field
	chunkRows int
	// inPools[k][i] evaluates input i of hidden term k, a function of x,
	// t and the fields (the router keeps derivatives of the fields out of
	// them)
	inPools [][]*evalPool
}

// hdOutput is a field's output transform for the predictor: evaluators of
// A and C (nil: no such part; both nil: u = N).
type hdOutput struct{ aPool, cPool *evalPool }

func newHDPredictor(prob *pde.Problem, cfg *Config) (*Predictor, error) {
	m, err := newModel(prob, cfg)
	if err != nil {
		return nil, err
	}
	lay, err := newHDLayout(prob, cfg.Model.NoNormalize)
	if err != nil {
		return nil, err
	}
	hp := &hdPredictor{prob: prob, lay: lay, chunkRows: hdBlockRows(lay.stride()), trans: make([]hdOutput, len(prob.Fields))}
	for f, name := range prob.Fields {
		if out := cfg.Model.Output[name]; out != nil {
			A, C, err := splitOutput(prob, out, name)
			if err != nil {
				return nil, err
			}
			hp.trans[f] = hdOutput{newEvalPool(A, prob, lay), newEvalPool(C, prob, lay)}
		}
	}
	for _, h := range prob.Hidden {
		var pools []*evalPool
		for _, in := range h.Inputs {
			pools = append(pools, newEvalPool(in, prob, lay, prob.Fields...))
		}
		hp.inPools = append(hp.inPools, pools)
	}
	return &Predictor{m: m, E: hp.chunkRows, impl: hp}, nil
}

// predictEvaluation predicts at the points in R^D of the evaluation's set,
// block by block.
func (hp *hdPredictor) predictEvaluation(m *model, theta []float64, ev *Evaluation) (fields, hidden [][]float64, inputs [][][]float64, err error) {
	if ev.set == nil {
		return nil, nil, nil, fmt.Errorf("the evaluation is not one of a problem on the high-dimensional path")
	}
	return hp.predictBlocks(m, theta, ev.set.each)
}

// predictAll predicts at radii along the diagonal ray (then t).
func (hp *hdPredictor) predictAll(m *model, theta, pts []float64) (fields, hidden [][]float64, inputs [][][]float64, err error) {
	d, nt := hp.lay.d, hp.lay.nt
	n := len(pts) / (1 + nt)
	full := make([]float64, 0, n*hp.lay.stride())
	s := 1 / math.Sqrt(float64(d))
	for i := range n {
		r := pts[i*(1+nt)]
		for range d {
			full = append(full, r*s)
		}
		full = append(full, pts[i*(1+nt)+1:(i+1)*(1+nt)]...)
	}
	return hp.predictCoordinatesAll(m, theta, full)
}

// predictCoordinates is every field and hidden term at rows of raw
// coordinates.
func (hp *hdPredictor) predictCoordinates(m *model, theta, full []float64) (fields, hidden [][]float64, err error) {
	fields, hidden, _, err = hp.predictCoordinatesAll(m, theta, full)
	return fields, hidden, err
}

func (hp *hdPredictor) predictCoordinatesAll(m *model, theta, full []float64) (fields, hidden [][]float64, inputs [][][]float64, err error) {
	return hp.predictBlocks(m, theta, func(fn func(int, []float64) error) error { return fn(0, full) })
}

// predictBlocks predicts the fields, the hidden terms and their inputs at
// the blocks of points (rows of x_1..x_d, then t) that each gives.
func (hp *hdPredictor) predictBlocks(m *model, theta []float64, each func(func(start int, block []float64) error) error) (fields, hidden [][]float64, inputs [][][]float64, err error) {
	fields = make([][]float64, len(hp.prob.Fields))
	hidden = make([][]float64, len(hp.inPools))
	inputs = make([][][]float64, len(hp.inPools))
	for k, pools := range hp.inPools {
		inputs[k] = make([][]float64, len(pools))
	}
	// predict appends the fields, hidden terms and their inputs at the
	// rows of full
	predict := func(full []float64) error {
		ub, err := hp.fieldsAt(m, theta, full)
		if err != nil {
			return err
		}
		for f := range fields {
			fields[f] = append(fields[f], ub[f]...)
		}
		hb, ib, err := hp.hiddenAt(m, theta, full, ub)
		for k := range hb {
			hidden[k] = append(hidden[k], hb[k]...)
			for i := range ib[k] {
				inputs[k][i] = append(inputs[k][i], ib[k][i]...)
			}
		}
		return err
	}
	err = each(func(_ int, block []float64) error { return predict(block) })
	return fields, hidden, inputs, err
}

// hiddenAt is every hidden term and its inputs at the rows of full, where
// the fields are u: the inputs in float64 from x, t and the fields, the
// networks by their float64 forward pass.
func (hp *hdPredictor) hiddenAt(m *model, theta, full []float64, u [][]float64) (hidden [][]float64, inputs [][][]float64, err error) {
	if len(hp.inPools) == 0 {
		return nil, nil, nil
	}
	off := m.solParams()
	rows := len(full) / hp.lay.stride()
	for k, pools := range hp.inPools {
		net := m.hidden[k]
		cols := make([][]float64, len(pools))
		for i, pool := range pools {
			if cols[i], err = vectorColumn(pool, hp.lay, full, u...); err != nil {
				return nil, nil, fmt.Errorf("hidden %q input %d: %w", hp.prob.Hidden[k].Name, i+1, err)
			}
		}
		out := make([]float64, rows)
		in := make([]float64, len(pools))
		flat := theta[off : off+net.NumParams()]
		for r := range out {
			for i := range cols {
				in[i] = cols[i][r]
			}
			out[r] = net.Forward64(flat, in)[0]
		}
		off += net.NumParams()
		hidden = append(hidden, out)
		inputs = append(inputs, cols)
	}
	return hidden, inputs, nil
}

// fieldsAt is every field at the rows of full (raw coordinates).
func (hp *hdPredictor) fieldsAt(m *model, theta, full []float64) ([][]float64, error) {
	rows := len(full) / hp.lay.stride()
	outs := make([][][]float64, len(m.sol)) // outs[k][c]: output c of network k
	off := 0
	for k, net := range m.sol {
		outs[k] = hp.network(net, theta[off:off+net.NumParams()], full)
		off += net.NumParams()
	}
	fields := make([][]float64, len(hp.prob.Fields))
	for f := range fields {
		N := outs[m.fieldNet[f]][m.fieldCol[f]]
		tr := hp.trans[f]
		if tr.aPool == nil && tr.cPool == nil {
			fields[f] = N
			continue
		}
		var a, c []float64
		var err error
		if tr.aPool != nil {
			if a, err = vectorColumn(tr.aPool, hp.lay, full); err != nil {
				return nil, err
			}
		}
		if tr.cPool != nil {
			if c, err = vectorColumn(tr.cPool, hp.lay, full); err != nil {
				return nil, err
			}
		}
		u := make([]float64, rows)
		for i := range u {
			if a != nil {
				u[i] = a[i] * N[i]
			}
			if c != nil {
				u[i] += c[i]
			}
		}
		fields[f] = u
	}
	return fields, nil
}

// network is the raw output of a solution network (its weights flat) at
// rows of full (raw coordinates): out[c][i] is output c at row i.
func (hp *hdPredictor) network(net *nets.MLP, flat, full []float64) [][]float64 {
	d := net.Sizes[0]
	nout := net.Sizes[len(net.Sizes)-1]
	rows := len(full) / d
	out := make([][]float64, nout)
	for c := range out {
		out[c] = make([]float64, 0, rows)
	}
	if !net.Plain() {
		// Fourier features, the modified MLP: the network's own float64
		// forward, row by row
		x := make([]float64, d)
		for i := range rows {
			hp.lay.normalise(x, full[i*d:(i+1)*d])
			for c, v := range net.Forward64(flat, x) {
				out[c] = append(out[c], v)
			}
		}
		return out
	}
	act := func(v float64) float64 { return net.Act.Float64(v, 0)[0] }
	switch net.Act.Name() {
	case "tanh":
		act = math.Tanh
	case "sin":
		act = math.Sin
	}
	// weights as gonum matrices
	var Ws []*mat.Dense
	var Bs [][]float64
	off := 0
	for l := range net.W {
		r, c := net.Sizes[l], net.Sizes[l+1]
		Ws = append(Ws, mat.NewDense(r, c, flat[off:off+r*c]))
		Bs = append(Bs, flat[off+r*c:off+r*c+c])
		off += r*c + c
	}
	for start := 0; start < rows; start += hp.chunkRows {
		n := min(hp.chunkRows, rows-start)
		xs := make([]float64, n*d)
		hp.lay.normalise(xs, full[start*d:(start+n)*d])
		h := mat.NewDense(n, d, xs)
		for l, W := range Ws {
			var z mat.Dense
			z.Mul(h, W)
			raw := z.RawMatrix()
			for i := 0; i < n; i++ {
				row := raw.Data[i*raw.Stride : i*raw.Stride+raw.Cols]
				for j := range row {
					row[j] += Bs[l][j]
					if l+1 < len(Ws) {
						row[j] = act(row[j])
					}
				}
			}
			h = &z
		}
		for i := 0; i < n; i++ {
			for c := range out {
				out[c] = append(out[c], h.At(i, c))
			}
		}
	}
	return out
}

// point is the first field's prediction at one raw point (tests).
func (hp *hdPredictor) point(m *model, theta, x []float64) float64 {
	u, err := hp.fieldsAt(m, theta, x)
	if err != nil {
		return math.NaN()
	}
	return u[0][0]
}

// Coordinates returns the evaluation points of a problem with a vector
// variable in coordinates: rows of x[1..D] then the other variables (the
// layout PredictCoordinates takes), where Pts holds them reported as |x|
// (and t). It is nil for other problems.
func (ev *Evaluation) Coordinates() []float64 {
	set := ev.set
	if set == nil {
		return nil
	}
	full := make([]float64, 0, set.n*set.lay.stride())
	set.each(func(_ int, pts []float64) error { full = append(full, pts...); return nil })
	return full
}
