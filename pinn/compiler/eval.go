package compiler

import (
	"fmt"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pinn/internal/tensors"
	"github.com/gopinn/gopinn/sampling"
	G "gorgonia.org/gorgonia"
)

// Predictor evaluates the fields and hidden terms of a trained θ at
// arbitrary points, sharing the flat parameter layout with the training
// program. How depends on how the problem is compiled (predictor).
type Predictor struct {
	m    *model
	E    int // the most points evaluated at a time
	impl predictor
}

// predictor is a Predictor's evaluation: graphPredictor on the general
// compiler, *hdPredictor (highdim_eval.go) for a vector problem on the
// high-dimensional fast path.
type predictor interface {
	// predictAll returns fields[f][i], hidden[h][i] and the hidden terms'
	// inputs inputs[h][k][i] at the rows of pts (the layout of the
	// runner's evaluation points).
	predictAll(m *model, theta, pts []float64) (fields, hidden [][]float64, inputs [][][]float64, err error)
	// predictCoordinates is every field and hidden term at points given
	// in coordinates: rows of x[1..D] then the other variables, the
	// layout of data files.
	predictCoordinates(m *model, theta, full []float64) (fields, hidden [][]float64, err error)
	// predictEvaluation is predictAll at an evaluation's test points.
	predictEvaluation(m *model, theta []float64, ev *Evaluation) (fields, hidden [][]float64, inputs [][][]float64, err error)
}

// graphPredictor evaluates with a graph of its own (fixed batch size; the
// last chunk is padded).
type graphPredictor struct {
	b          *batch
	E          int
	fieldVals  []G.Value
	hiddenVals []G.Value
	// hiddenIn[k][i] is input i of hidden term k (its declared input
	// expression evaluated at the points), for exact values and symbolic
	// regression.
	hiddenIn [][]G.Value
	vm       G.VM
}

func NewPredictor(prob *pde.Problem, cfg *Config, E int) (*Predictor, error) {
	if prob.Vector != nil {
		return newHDPredictor(prob, cfg)
	}
	m, err := newModel(prob, cfg)
	if err != nil {
		return nil, err
	}
	pr := &graphPredictor{E: E}
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
	return &Predictor{m: m, E: E, impl: pr}, nil
}

// Predict returns fields[f][i] and hidden[h][i] at the rows of pts.
func (pr *Predictor) Predict(theta []float64, pts []float64) (fields, hidden [][]float64, err error) {
	fields, hidden, _, err = pr.PredictAll(theta, pts)
	return fields, hidden, err
}

// PredictAll is Predict that also returns the hidden terms' inputs:
// inputs[h][i][r] is input i of hidden term h at row r.
func (pr *Predictor) PredictAll(theta []float64, pts []float64) (fields, hidden [][]float64, inputs [][][]float64, err error) {
	return pr.impl.predictAll(pr.m, theta, pts)
}

// PredictEvaluation is PredictAll at the test points of ev, an evaluation
// of the same problem (NewEvaluation).
func (pr *Predictor) PredictEvaluation(theta []float64, ev *Evaluation) (fields, hidden [][]float64, inputs [][][]float64, err error) {
	return pr.impl.predictEvaluation(pr.m, theta, ev)
}

// PredictCoordinates is every field and hidden term at points given in
// coordinates: rows of x[1..D] then the other variables (no radius), the
// layout of data files. On the general compiler these are the rows of the
// problem's variables.
func (pr *Predictor) PredictCoordinates(theta, full []float64) (fields, hidden [][]float64, err error) {
	return pr.impl.predictCoordinates(pr.m, theta, full)
}

func (pr *graphPredictor) predictAll(m *model, theta []float64, pts []float64) (fields, hidden [][]float64, inputs [][][]float64, err error) {
	m.setFlat(theta)
	n := len(m.prob.Variables)
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

func (pr *graphPredictor) predictEvaluation(m *model, theta []float64, ev *Evaluation) (fields, hidden [][]float64, inputs [][][]float64, err error) {
	return pr.predictAll(m, theta, ev.Pts)
}

func (pr *graphPredictor) predictCoordinates(m *model, theta, full []float64) (fields, hidden [][]float64, err error) {
	fields, hidden, _, err = pr.predictAll(m, theta, full)
	return fields, hidden, err
}

// Evaluation holds the fixed test points and the exact values there
// (hidden-term exact values are computed from the predicted inputs).
type Evaluation struct {
	// Pts are the test points, rows of the problem's variables; on the
	// high-dimensional fast path their reporting columns |x| (then t), of
	// the points in R^D that set holds.
	Pts   []float64
	Exact map[string][]float64 // by field, where known
	set   *hdTestSet           // the fast path's test points (highdim_eval.go); nil otherwise
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
