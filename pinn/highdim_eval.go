package pinn

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/sampling"
	"gonum.org/v1/gonum/mat"
)

// Evaluation of vector problems. The test points live in R^d; the runner's
// evaluation.pts (which prediction.csv and the checkpoint read with
// len(prob.Variables) columns) is their radial column |x|, and the full
// points are looked up by that slice's identity. Any other points given to
// the predictor are radii along the fixed ray x = r·(1, ..., 1)/√d (the 1-D
// plot).

var hdEvalCache struct {
	sync.Mutex
	radial [][]float64
	full   [][]float64
}

func hdRemember(radial, full []float64) {
	c := &hdEvalCache
	c.Lock()
	defer c.Unlock()
	const keep = 2 // the evaluation of the run in progress (and one more)
	c.radial = append(c.radial, radial)
	c.full = append(c.full, full)
	if len(c.radial) > keep {
		c.radial, c.full = c.radial[1:], c.full[1:]
	}
}

func hdLookup(radial []float64) []float64 {
	c := &hdEvalCache
	c.Lock()
	defer c.Unlock()
	if len(radial) == 0 {
		return nil
	}
	for i, r := range c.radial {
		if len(r) == len(radial) && &r[0] == &radial[0] {
			return c.full[i]
		}
	}
	return nil
}

// hdTestPoints draws the fixed test points of a vector problem.
func hdTestPoints(v *pde.VectorVariable, n int, seed uint64) []float64 {
	rng := sampling.Stream(seed, streamEval)
	if v.Domain == "ball" {
		return sampling.BallRadial(sampling.CenteredBall(v.Dim, v.Radius), n, rng)
	}
	pts := make([]float64, n*v.Dim)
	for i := range pts {
		pts[i] = v.Lo + (v.Hi-v.Lo)*rng.Float64()
	}
	return pts
}

// vectorColumn evaluates a field-free vector expression at every point, in
// parallel.
func vectorColumn(e expr.Expr, prob *pde.Problem, pts []float64) ([]float64, error) {
	d := prob.Vector.Dim
	rows := len(pts) / d
	nw := max(1, min(runtime.NumCPU(), rows))
	evs := make([]*expr.VectorEval, nw)
	for w := range evs {
		var err error
		if evs[w], err = expr.CompileVector(e, nil, prob.Vector.Name, d, prob.VectorConstants); err != nil {
			return nil, err
		}
	}
	out := make([]float64, rows)
	errs := make([]error, nw)
	var wg sync.WaitGroup
	for w := range nw {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < rows; i += nw {
				v, err := evs[w].Value(nil, pts[i*d:(i+1)*d])
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

func newHDEvaluation(prob *pde.Problem, cfg *config) (*evaluation, error) {
	if prob.Reference != nil {
		return nil, fmt.Errorf("evaluation.reference is not supported with a vector variable yet")
	}
	if s := cfg.eval.Sampler; s != "" && s != "uniform" && s != "ball-radial" {
		return nil, fmt.Errorf("evaluation.sampler %s: ball-radial (or uniform, for a vector box) with a vector variable", s)
	}
	full := hdTestPoints(prob.Vector, cfg.eval.Points, cfg.seed)
	ev := &evaluation{exact: map[string][]float64{}, pts: radialOf(full, prob.Vector.Dim)}
	hdRemember(ev.pts, full)
	for _, f := range prob.Fields {
		e := prob.Exact[f]
		if e == nil {
			continue
		}
		col, err := vectorColumn(e, prob, full)
		if err != nil {
			return nil, fmt.Errorf("evaluation.exact %s: %w", f, err)
		}
		ev.exact[f] = col
	}
	return ev, nil
}

// hdPredictor evaluates u = A(x)·N(x) + C(x) in float64 (gonum matrix
// products for the layers).
type hdPredictor struct {
	prob      *pde.Problem
	center    float64
	inv       float64
	A, C      expr.Expr
	aEv, cEv  *expr.VectorEval
	chunkRows int
}

func newHDPredictor(prob *pde.Problem, cfg *config) (*predictor, error) {
	m, err := newModel(prob, cfg)
	if err != nil {
		return nil, err
	}
	v := prob.Vector
	hp := &hdPredictor{prob: prob, inv: 1, chunkRows: 512}
	if !cfg.model.NoNormalize {
		if v.Domain == "ball" {
			hp.inv = 1 / v.Radius
		} else {
			hp.center, hp.inv = (v.Lo+v.Hi)/2, 2/(v.Hi-v.Lo)
		}
	}
	if out := cfg.model.Output[prob.Fields[0]]; out != nil {
		A, C, ok := linearInN(out, "N")
		if !ok {
			return nil, fmt.Errorf("model.output %s: with a vector variable the transform must be A(x)*N + C(x)", out)
		}
		hp.A, hp.C = A, C
	}
	return &predictor{m: m, E: hp.chunkRows, hd: hp}, nil
}

func (hp *hdPredictor) predictAll(m *model, theta, pts []float64) (fields, hidden [][]float64, inputs [][][]float64, err error) {
	d := hp.prob.Vector.Dim
	full := hdLookup(pts)
	if full == nil { // radii along the diagonal ray
		full = make([]float64, len(pts)*d)
		s := 1 / math.Sqrt(float64(d))
		for i, r := range pts {
			for j := 0; j < d; j++ {
				full[i*d+j] = r * s
			}
		}
	}
	rows := len(full) / d
	N := hp.network(m, theta, full)
	u := N
	if hp.A != nil || hp.C != nil {
		var a, c []float64
		if hp.A != nil {
			if a, err = vectorColumn(hp.A, hp.prob, full); err != nil {
				return nil, nil, nil, err
			}
		}
		if hp.C != nil {
			if c, err = vectorColumn(hp.C, hp.prob, full); err != nil {
				return nil, nil, nil, err
			}
		}
		u = make([]float64, rows)
		for i := range u {
			if a != nil {
				u[i] = a[i] * N[i]
			}
			if c != nil {
				u[i] += c[i]
			}
		}
	}
	return [][]float64{u}, nil, nil, nil
}

// network is the raw network output at rows of full (raw coordinates).
func (hp *hdPredictor) network(m *model, theta, full []float64) []float64 {
	net := m.net
	d := net.sizes[0]
	rows := len(full) / d
	out := make([]float64, 0, rows)
	act := func(v float64) float64 { return net.act.Float64(v, 0)[0] }
	switch net.act.Name() {
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
		r, c := net.sizes[l], net.sizes[l+1]
		Ws = append(Ws, mat.NewDense(r, c, theta[off:off+r*c]))
		Bs = append(Bs, theta[off+r*c:off+r*c+c])
		off += r*c + c
	}
	for start := 0; start < rows; start += hp.chunkRows {
		n := min(hp.chunkRows, rows-start)
		xs := make([]float64, n*d)
		for i, v := range full[start*d : (start+n)*d] {
			xs[i] = (v - hp.center) * hp.inv
		}
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
			out = append(out, h.At(i, 0))
		}
	}
	return out
}

// point is the prediction at one raw point (tests).
func (hp *hdPredictor) point(m *model, theta, x []float64) float64 {
	N := hp.network(m, theta, x)[0]
	u := N
	if hp.A != nil || hp.C != nil {
		u = 0
		if hp.A != nil {
			a, _ := vectorColumn(hp.A, hp.prob, x)
			u = a[0] * N
		}
		if hp.C != nil {
			c, _ := vectorColumn(hp.C, hp.prob, x)
			u += c[0]
		}
	}
	return u
}
