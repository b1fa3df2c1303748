package pinn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pinn/compiler"
	"github.com/gopinn/gopinn/pinn/internal/runio"
	"github.com/gopinn/gopinn/pinn/symreg"
)

// maxRegressionSamples bounds the samples of one regression: beyond it the
// evaluation points are thinned by a fixed stride (the fit's cost grows
// linearly with them and its answer does not change).
const maxRegressionSamples = 50000

// Discovery is the symbolic regression of one trained hidden term (UPINN,
// PAPERS.md §3): the network sampled at its inputs, evaluated at the
// evaluation points, fitted by pinn/symreg.
type Discovery struct {
	// Name is the hidden term; Names the input names the formulas are
	// written in (the declared inputs, e.g. u and u_x).
	Name  string
	Names []string
	// Samples is the number of points fitted.
	Samples int
	// Options are the regression options used.
	Options symreg.Options
	// Best is the selected formula, Front the Pareto front (simplest first).
	Best  symreg.Candidate
	Front []symreg.Candidate
	// RelL2 is the network's relative L2 error against the exact
	// expression of the term at the same inputs, when that is known.
	RelL2 *float64
	// Form is "weak" when the formula was fitted to integrals along the
	// trajectory (Samples is then the number of observations of WeakField
	// used), "" for a fit to the network's values.
	Form      string
	WeakField string
}

// HiddenOptions returns the regression options of a hidden term's spec
// (hidden.<name>.library).
func HiddenOptions(h pde.Hidden) symreg.Options {
	return symreg.Options{
		MaxDegree:   h.Library.Degree,
		Extra:       append([]string(nil), h.Library.Extra...),
		Threshold:   h.Library.Threshold,
		MaxRelError: h.Library.MaxRelError,
		Digits:      h.Library.Digits,
	}
}

// regressionNames are the names the formulas of hidden term h are written
// in: the declared inputs where they are plain names (u, x, u_x); a
// derivative written d(u, x) becomes its shorthand u_x when every variable
// name is one letter; anything else becomes in1, in2, ... (such a formula
// cannot be pasted back as is: the front file says which input is which).
func regressionNames(prob *pde.Problem, h pde.Hidden) []string {
	oneLetter := true
	for _, v := range prob.Variables {
		oneLetter = oneLetter && len(v.Name) == 1
	}
	names := make([]string, len(h.Inputs))
	used := map[string]bool{}
	for i := range h.Inputs {
		var cand string
		if i < len(h.InputNames) && plainName(h.InputNames[i]) {
			cand = h.InputNames[i]
		} else if d, ok := h.Inputs[i].(*expr.Deriv); ok && oneLetter {
			if id, ok := d.Of.(*expr.Ident); ok {
				cand = id.Name + "_" + strings.Join(d.Wrt, "")
			}
		}
		if cand == "" || used[cand] || !plainName(cand) {
			cand = fmt.Sprintf("in%d", i+1)
		}
		used[cand] = true
		names[i] = cand
	}
	return names
}

// plainName reports whether s parses as a bare name that is no built-in.
func plainName(s string) bool {
	e, err := expr.Parse(s)
	if err != nil {
		return false
	}
	id, ok := e.(*expr.Ident)
	if !ok || id.Name != s || s == "pi" || s == "e" {
		return false
	}
	_, fn := expr.IsBuiltin(s)
	return !fn
}

// discover fits every hidden term from its sampled inputs and outputs.
// opts holds the options by hidden-term name; a term not in it uses its
// spec's library. byName carries the predicted fields and non-name inputs
// (for the exact values); pts are the points.
//
// A term whose library asks for the weak form is fitted to integrals along
// the trajectory instead (weak.go), with predict evaluating the networks on
// the integration grid.
func discover(prob *pde.Problem, opts map[string]symreg.Options, pts []float64, byName map[string][]float64,
	hidden [][]float64, inputs [][][]float64, predict weakPredict) (map[string]*Discovery, error) {
	out := map[string]*Discovery{}
	var errs []string
	for k, h := range prob.Hidden {
		o, ok := opts[h.Name]
		if !ok {
			o = HiddenOptions(h)
		}
		d := &Discovery{Name: h.Name, Names: regressionNames(prob, h), Options: o}
		if ex, ok := hiddenExact(prob, k, byName, pts); ok {
			rel, _ := relL2(hidden[k], ex)
			d.RelL2 = &rel
		}
		var best symreg.Candidate
		var front []symreg.Candidate
		var err error
		if h.Library.Form == "weak" {
			d.Form = "weak"
			var w *weakProblem
			if w, err = newWeakProblem(prob, k, predict); err == nil {
				d.Samples = len(w.target)
				d.WeakField = w.field
				best, front, err = w.fit(d.Names, o)
			}
		} else {
			target, cols := thin(hidden[k], inputs[k])
			d.Samples = len(target)
			best, front, err = symreg.Fit(d.Names, cols, target, o)
		}
		if err != nil {
			errs = append(errs, fmt.Sprintf("hidden %q: %v", h.Name, err))
			out[h.Name] = d
			continue
		}
		d.Best, d.Front = best, front
		out[h.Name] = d
	}
	if len(errs) > 0 {
		return out, fmt.Errorf("symbolic regression: %s", strings.Join(errs, "; "))
	}
	return out, nil
}

// thin keeps at most maxRegressionSamples rows, by a fixed stride.
func thin(target []float64, inputs [][]float64) ([]float64, [][]float64) {
	m := len(target)
	if m <= maxRegressionSamples {
		return target, inputs
	}
	stride := (m + maxRegressionSamples - 1) / maxRegressionSamples
	pick := func(c []float64) []float64 {
		out := make([]float64, 0, m/stride+1)
		for i := 0; i < m; i += stride {
			out = append(out, c[i])
		}
		return out
	}
	cols := make([][]float64, len(inputs))
	for i, c := range inputs {
		cols[i] = pick(c)
	}
	return pick(target), cols
}

// writeFront writes RUN_DIR/hidden_<name>.txt: a few "#" lines saying what
// was fitted, then the Pareto front (symreg.WriteFront).
func writeFront(dir string, prob *pde.Problem, d *Discovery) error {
	var buf bytes.Buffer
	var h pde.Hidden
	for _, x := range prob.Hidden {
		if x.Name == d.Name {
			h = x
		}
	}
	var ins []string
	for i, n := range d.Names {
		src := n
		if i < len(h.InputNames) {
			src = h.InputNames[i]
		}
		if src != n {
			ins = append(ins, n+" = "+src)
		} else {
			ins = append(ins, n)
		}
	}
	deg := d.Options.MaxDegree
	if deg == 0 {
		deg = 3
	}
	if deg < 0 {
		deg = 0
	}
	if d.Form == "weak" {
		fmt.Fprintf(&buf, "# hidden term %s(%s): symbolic regression in weak form: integrals from t0 to each of %d observations of %s\n", d.Name, strings.Join(ins, ", "), d.Samples, d.WeakField)
	} else {
		fmt.Fprintf(&buf, "# hidden term %s(%s): symbolic regression of the trained network at %d evaluation points\n", d.Name, strings.Join(ins, ", "), d.Samples)
	}
	fmt.Fprintf(&buf, "# library: monomials up to degree %d", deg)
	if len(d.Options.Extra) > 0 {
		fmt.Fprintf(&buf, ", extra %s", strings.Join(d.Options.Extra, "; "))
	}
	buf.WriteString("\n")
	if d.RelL2 != nil {
		fmt.Fprintf(&buf, "# network vs exact %s: rel_l2 %.3e\n", prob.Exact[d.Name], *d.RelL2)
	}
	if len(d.Front) == 0 {
		buf.WriteString("# no front: the regression failed\n")
	} else {
		fmt.Fprintf(&buf, "# selected: %s\n", d.Best.Expression)
		if err := symreg.WriteFront(&buf, d.Front); err != nil {
			return err
		}
	}
	return runio.WriteFileAtomic(filepath.Join(dir, "hidden_"+d.Name+".txt"), buf.Bytes())
}

// hiddenSummaries runs the regression of every hidden term at the runner's
// evaluation points, writes the fronts into the run directory (if any) and
// returns the summary entries. A failed regression leaves the expression
// out (the error is logged).
func (r *runner) hiddenSummaries() map[string]HiddenSummary {
	out := map[string]HiddenSummary{}
	for _, h := range r.prob.Hidden {
		var hs HiddenSummary
		if v, ok := r.hiddenRel[h.Name]; ok {
			v := v
			hs.RelL2 = &v
		}
		out[h.Name] = hs
	}
	if !finiteAll(r.theta) {
		return out
	}
	fields, hidden, inputs, err := r.pred.PredictEvaluation(r.theta, r.ev)
	if err != nil {
		r.logf("hidden terms: %v", err)
		return out
	}
	byName := map[string][]float64{}
	for f, name := range r.prob.Fields {
		byName[name] = fields[f]
	}
	hiddenInputColumns(r.prob, byName, inputs)
	ds, err := discover(r.prob, nil, r.ev.Pts, byName, hidden, inputs, func(pts []float64) ([][]float64, [][]float64, [][][]float64, error) {
		return r.pred.PredictAll(r.theta, pts)
	})
	if err != nil {
		r.logf("%v", err)
	}
	for name, d := range ds {
		hs := out[name]
		if d.RelL2 != nil {
			hs.RelL2 = d.RelL2
		}
		if len(d.Front) > 0 {
			hs.Expression = d.Best.Expression
		}
		out[name] = hs
		if dir := r.cfg.opts.OutDir; dir != "" {
			if err := writeFront(dir, r.prob, d); err != nil {
				r.logf("hidden %s: %v", name, err)
			}
		}
	}
	return out
}

func (r *runner) logf(format string, args ...any) {
	if l := r.cfg.opts.Log; l != nil {
		l(fmt.Sprintf(format, args...))
	}
}

func finiteAll(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// Discover re-runs the symbolic regression of the hidden terms of a loaded
// run at its evaluation points. opts holds options by hidden-term name; a
// term not in it uses its spec's library (hidden.<name>.library, see
// HiddenOptions). For a model from LoadRun it also rewrites the run's
// hidden_<name>.txt and the hidden.<name> entries of summary.json (the rest
// of the summary is kept).
func (m *Model) Discover(opts map[string]symreg.Options) (map[string]*Discovery, error) {
	if len(m.Problem.Hidden) == 0 {
		return nil, &InputError{Err: fmt.Errorf("the problem has no hidden terms")}
	}
	cfg := newConfig(OptionsFromSpec(m.Spec))
	ev, err := compiler.NewEvaluation(m.Problem, &cfg.Config)
	if err != nil {
		return nil, err
	}
	fields, hidden, inputs, err := m.pred.PredictEvaluation(m.theta, ev)
	if err != nil {
		return nil, err
	}
	byName := map[string][]float64{}
	for f, name := range m.Problem.Fields {
		byName[name] = fields[f]
	}
	hiddenInputColumns(m.Problem, byName, inputs)
	ds, err := discover(m.Problem, opts, ev.Pts, byName, hidden, inputs, func(pts []float64) ([][]float64, [][]float64, [][][]float64, error) {
		return m.pred.PredictAll(m.theta, pts)
	})
	if err != nil {
		return ds, err
	}
	if m.dir == "" {
		return ds, nil
	}
	for _, d := range ds {
		if err := writeFront(m.dir, m.Problem, d); err != nil {
			return ds, err
		}
	}
	return ds, updateSummaryHidden(filepath.Join(m.dir, "summary.json"), ds)
}

// updateSummaryHidden rewrites the hidden entries of an existing
// summary.json, keeping every other key as it was.
func updateSummaryHidden(path string, ds map[string]*Discovery) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var s Summary
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if s.Hidden == nil {
		s.Hidden = map[string]HiddenSummary{}
	}
	for name, d := range ds {
		hs := s.Hidden[name]
		if d.RelL2 != nil {
			hs.RelL2 = d.RelL2
		}
		hs.Expression = ""
		if len(d.Front) > 0 {
			hs.Expression = d.Best.Expression
		}
		s.Hidden[name] = hs
	}
	return writeSummary(path, &s)
}
