package compiler

import (
	"fmt"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pinn/internal/tensors"
	"github.com/gopinn/gopinn/sampling"
	G "gorgonia.org/gorgonia"
)

// predictor evaluates the fields and hidden terms at arbitrary points with a
// graph of its own (fixed batch size; the last chunk is padded), sharing the
// flat parameter layout with the training graph.
type Predictor struct {
	m          *model
	b          *batch
	E          int
	fieldVals  []G.Value
	hiddenVals []G.Value
	// hiddenIn[k][i] is input i of hidden term k (its declared input
	// expression evaluated at the points), for exact values and symbolic
	// regression.
	hiddenIn [][]G.Value
	vm       G.VM
	hd       *hdPredictor // vector problems (highdim_eval.go); nil otherwise
}

func NewPredictor(prob *pde.Problem, cfg *Config, E int) (*Predictor, error) {
	if prob.Vector != nil {
		return newHDPredictor(prob, cfg)
	}
	m, err := newModel(prob, cfg)
	if err != nil {
		return nil, err
	}
	pr := &Predictor{m: m, E: E}
	b := newBatch(m, "eval", E)
	pr.b = b
	var hcalls []expr.Expr
	for _, h := range prob.Hidden {
		c := &expr.Call{Func: h.Name, Args: h.Inputs}
		hcalls = append(hcalls, c)
		if err := b.need(c); err != nil {
			return nil, err
		}
	}
	if err := b.build(); err != nil {
		return nil, err
	}
	pr.fieldVals = make([]G.Value, len(prob.Fields))
	for f := range prob.Fields {
		G.Read(b.primal[f], &pr.fieldVals[f])
	}
	pr.hiddenVals = make([]G.Value, len(hcalls))
	for k, c := range hcalls {
		node, err := b.residual(c)
		if err != nil {
			return nil, fmt.Errorf("hidden %q: %w", prob.Hidden[k].Name, err)
		}
		G.Read(node, &pr.hiddenVals[k])
	}
	pr.hiddenIn = make([][]G.Value, len(prob.Hidden))
	for k, h := range prob.Hidden {
		pr.hiddenIn[k] = make([]G.Value, len(h.Inputs))
		for i, in := range h.Inputs {
			node, err := b.residual(in)
			if err != nil {
				return nil, fmt.Errorf("hidden %q input %d: %w", h.Name, i+1, err)
			}
			G.Read(node, &pr.hiddenIn[k][i])
		}
	}
	if m.err != nil {
		return nil, m.err
	}
	pr.vm = G.NewTapeMachine(m.g)
	return pr, nil
}

// predict returns fields[f][i] and hidden[h][i] at the rows of pts.
func (pr *Predictor) Predict(theta []float64, pts []float64) (fields, hidden [][]float64, err error) {
	fields, hidden, _, err = pr.PredictAll(theta, pts)
	return fields, hidden, err
}

// predictAll is predict that also returns the hidden terms' inputs:
// inputs[h][i][r] is input i of hidden term h at row r.
func (pr *Predictor) PredictAll(theta []float64, pts []float64) (fields, hidden [][]float64, inputs [][][]float64, err error) {
	if pr.hd != nil {
		return pr.hd.predictAll(pr.m, theta, pts)
	}
	pr.m.setFlat(theta)
	n := len(pr.m.prob.Variables)
	rows := len(pts) / n
	fields = make([][]float64, len(pr.fieldVals))
	hidden = make([][]float64, len(pr.hiddenVals))
	inputs = make([][][]float64, len(pr.hiddenIn))
	for k := range inputs {
		inputs[k] = make([][]float64, len(pr.hiddenIn[k]))
	}
	chunk := make([]float64, pr.E*n)
	var tmp []float64
	for start := 0; start < rows; start += pr.E {
		cnt := min(pr.E, rows-start)
		copy(chunk, pts[start*n:(start+cnt)*n])
		for i := cnt * n; i < len(chunk); i++ { // pad with the first point
			chunk[i] = pts[i%n]
		}
		pr.b.feed(chunk, nil)
		pr.vm.Reset()
		if err := pr.vm.RunAll(); err != nil {
			return nil, nil, nil, fmt.Errorf("evaluation graph: %w", err)
		}
		for f, v := range pr.fieldVals {
			tmp = tensors.Get(v, tmp)
			fields[f] = append(fields[f], tmp[:cnt]...)
		}
		for h, v := range pr.hiddenVals {
			tmp = tensors.Get(v, tmp)
			hidden[h] = append(hidden[h], tmp[:cnt]...)
		}
		for h, vs := range pr.hiddenIn {
			for i, v := range vs {
				tmp = tensors.Get(v, tmp)
				inputs[h][i] = append(inputs[h][i], tmp[:cnt]...)
			}
		}
	}
	return fields, hidden, inputs, nil
}

// evaluation holds the fixed test points and the exact values there.
type Evaluation struct {
	Pts   []float64            // row-major raw coordinates
	Exact map[string][]float64 // by field, where known
	// hidden-term exact values are computed from the predicted inputs.
}

func NewEvaluation(prob *pde.Problem, cfg *Config) (*Evaluation, error) {
	if prob.Vector != nil {
		return newHDEvaluation(prob, cfg)
	}
	ev := &Evaluation{Exact: map[string][]float64{}}
	n := len(prob.Variables)
	names := make([]string, n)
	for i, v := range prob.Variables {
		names[i] = v.Name
	}
	if ref := prob.Reference; ref != nil && ref.Len() > 0 {
		rows := ref.Len()
		ev.Pts = make([]float64, rows*n)
		for j, v := range prob.Variables {
			col := ref.Inputs[v.Name]
			for i := 0; i < rows; i++ {
				ev.Pts[i*n+j] = col[i]
			}
		}
		for f, col := range ref.Targets {
			ev.Exact[f] = col
		}
		return ev, nil
	}
	s, err := sampling.NewUnitSampler(cfg.Eval.Sampler)
	if err != nil {
		return nil, fmt.Errorf("evaluation.sampler: %w", err)
	}
	if ev.Pts, err = domainInterior(prob, cfg.Eval.Points, s, sampling.Stream(cfg.Seed, streamEval)); err != nil {
		return nil, err
	}
	rows := len(ev.Pts) / n
	for _, f := range prob.Fields {
		e := prob.Exact[f]
		if e == nil {
			continue
		}
		fn, err := expr.Compile(e, names)
		if err != nil {
			return nil, fmt.Errorf("evaluation.exact %s: %w", f, err)
		}
		col := make([]float64, rows)
		for i := range col {
			col[i] = fn(ev.Pts[i*n : (i+1)*n])
		}
		ev.Exact[f] = col
	}
	return ev, nil
}

// NumParams is the length of the flat parameter vector the predictor reads.
func (pr *Predictor) NumParams() int { return pr.m.NumParams() }

// PredictCoordinates is the field of a problem compiled on the
// high-dimensional fast path at points given in coordinates: rows of
// x[1..D] then the other variables (no radius), the layout of data files.
func (pr *Predictor) PredictCoordinates(theta, full []float64) ([]float64, error) {
	if pr.hd == nil {
		return nil, fmt.Errorf("PredictCoordinates: the problem is not compiled on the high-dimensional path")
	}
	return pr.hd.predictPoints(pr.m, theta, full)
}
