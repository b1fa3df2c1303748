package pinn

import (
	"fmt"
	"math"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pinn/internal/tensors"
	"github.com/gopinn/gopinn/sampling"
	G "gorgonia.org/gorgonia"
)

// predictor evaluates the fields and hidden terms at arbitrary points with a
// graph of its own (fixed batch size; the last chunk is padded), sharing the
// flat parameter layout with the training graph.
type predictor struct {
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

func newPredictor(prob *pde.Problem, cfg *config, E int) (*predictor, error) {
	if prob.Vector != nil {
		return newHDPredictor(prob, cfg)
	}
	m, err := newModel(prob, cfg)
	if err != nil {
		return nil, err
	}
	pr := &predictor{m: m, E: E}
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
func (pr *predictor) predict(theta []float64, pts []float64) (fields, hidden [][]float64, err error) {
	fields, hidden, _, err = pr.predictAll(theta, pts)
	return fields, hidden, err
}

// predictAll is predict that also returns the hidden terms' inputs:
// inputs[h][i][r] is input i of hidden term h at row r.
func (pr *predictor) predictAll(theta []float64, pts []float64) (fields, hidden [][]float64, inputs [][][]float64, err error) {
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
type evaluation struct {
	pts   []float64
	exact map[string][]float64 // by field, where known
	// hidden-term exact values are computed from the predicted inputs.
}

func newEvaluation(prob *pde.Problem, cfg *config) (*evaluation, error) {
	if prob.Vector != nil {
		return newHDEvaluation(prob, cfg)
	}
	ev := &evaluation{exact: map[string][]float64{}}
	n := len(prob.Variables)
	names := make([]string, n)
	for i, v := range prob.Variables {
		names[i] = v.Name
	}
	if ref := prob.Reference; ref != nil && ref.Len() > 0 {
		rows := ref.Len()
		ev.pts = make([]float64, rows*n)
		for j, v := range prob.Variables {
			col := ref.Inputs[v.Name]
			for i := 0; i < rows; i++ {
				ev.pts[i*n+j] = col[i]
			}
		}
		for f, col := range ref.Targets {
			ev.exact[f] = col
		}
		return ev, nil
	}
	s, err := sampling.NewUnitSampler(cfg.eval.Sampler)
	if err != nil {
		return nil, fmt.Errorf("evaluation.sampler: %w", err)
	}
	if ev.pts, err = domainInterior(prob, cfg.eval.Points, s, sampling.Stream(cfg.seed, streamEval)); err != nil {
		return nil, err
	}
	rows := len(ev.pts) / n
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
			col[i] = fn(ev.pts[i*n : (i+1)*n])
		}
		ev.exact[f] = col
	}
	return ev, nil
}

// relL2 is ||pred - exact||_2 / ||exact||_2; maxAbs the largest |pred - exact|.
func relL2(pred, exact []float64) (rel, maxAbs float64) {
	var num, den float64
	for i := range pred {
		d := pred[i] - exact[i]
		num += d * d
		den += exact[i] * exact[i]
		maxAbs = math.Max(maxAbs, math.Abs(d))
	}
	if den == 0 {
		return math.Sqrt(num), maxAbs
	}
	return math.Sqrt(num / den), maxAbs
}

// hiddenExact evaluates a hidden term's exact expression at its predicted
// inputs. Inputs that are plain names (u, x, t) are bound from fields or
// pts; any other input (u_x, d(u, x)) must be in fields under its input
// expression's String() (hiddenInputColumns puts them there); otherwise ok
// is false.
func hiddenExact(prob *pde.Problem, k int, fields map[string][]float64, pts []float64) (vals []float64, ok bool) {
	h := prob.Hidden[k]
	e := prob.Exact[h.Name]
	if e == nil {
		return nil, false
	}
	n := len(prob.Variables)
	var names []string
	var cols [][]float64
	for i, in := range h.Inputs {
		id, isID := in.(*expr.Ident)
		if !isID {
			c, has := fields[in.String()]
			if !has {
				return nil, false
			}
			// the exact expression holds the input in resolved form:
			// replace it by a name of its own to compile
			name := fmt.Sprintf("hidden input %d", i)
			e = substitute(e, in, name)
			names = append(names, name)
			cols = append(cols, c)
			continue
		}
		names = append(names, id.Name)
		if c, ok := fields[id.Name]; ok {
			cols = append(cols, c)
		} else if j := prob.VariableIndex(id.Name); j >= 0 {
			c := make([]float64, len(pts)/n)
			for i := range c {
				c[i] = pts[i*n+j]
			}
			cols = append(cols, c)
		} else {
			return nil, false
		}
	}
	fn, err := expr.Compile(e, names)
	if err != nil {
		return nil, false
	}
	rows := len(pts) / n
	vals = make([]float64, rows)
	x := make([]float64, len(names))
	for i := range vals {
		for j := range names {
			x[j] = cols[j][i]
		}
		vals[i] = fn(x)
	}
	return vals, true
}

// exactOn evaluates an exact expression at row-major points; nil if e is nil
// or cannot be evaluated numerically.
func exactOn(e expr.Expr, vars []pde.Variable, pts []float64) []float64 {
	if e == nil {
		return nil
	}
	names := make([]string, len(vars))
	for i, v := range vars {
		names[i] = v.Name
	}
	fn, err := expr.Compile(e, names)
	if err != nil {
		return nil
	}
	n := len(vars)
	out := make([]float64, len(pts)/n)
	for i := range out {
		out[i] = fn(pts[i*n : (i+1)*n])
	}
	return out
}

// hiddenInputColumns adds the predicted non-name inputs of every hidden term
// (derivatives such as u_x) to byName under their String(), for hiddenExact.
func hiddenInputColumns(prob *pde.Problem, byName map[string][]float64, inputs [][][]float64) {
	for k, h := range prob.Hidden {
		for i, in := range h.Inputs {
			if _, isID := in.(*expr.Ident); !isID && k < len(inputs) && i < len(inputs[k]) {
				byName[in.String()] = inputs[k][i]
			}
		}
	}
}

// substitute returns e with every subtree equal to old replaced by the name.
func substitute(e, old expr.Expr, name string) expr.Expr {
	if expr.Equal(e, old) {
		return &expr.Ident{P: e.Position(), Name: name}
	}
	switch n := e.(type) {
	case *expr.Unary:
		return &expr.Unary{P: n.P, Op: n.Op, X: substitute(n.X, old, name)}
	case *expr.Binary:
		return &expr.Binary{P: n.P, Op: n.Op, L: substitute(n.L, old, name), R: substitute(n.R, old, name)}
	case *expr.Call:
		args := make([]expr.Expr, len(n.Args))
		for i, a := range n.Args {
			args[i] = substitute(a, old, name)
		}
		return &expr.Call{P: n.P, Func: n.Func, Args: args}
	}
	return e
}
