package compiler

import (
	"fmt"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn/internal/runio"
)

// What of a program a checkpoint keeps besides the flat parameter vector:
// every term's current points (and normals), its resampling epoch and causal
// weights, and the loss-balancing factors; restored, the program is the one
// that was saved, so a resumed run is exact.

// TermNames lists the loss terms in program order (the order of metrics
// columns and checkpoint members).
func (p *Program) TermNames() []string {
	names := make([]string, len(p.terms))
	for i, t := range p.terms {
		names[i] = t.name
	}
	return names
}

// TermView is what a program shows of one of its terms: where its points
// are now. Points and Normals are the program's own slices, read-only.
type TermView struct {
	Name      string
	Condition bool      // a boundary, initial or time-face condition
	Points    []float64 // rows of raw coordinates, one per collocation point
	Normals   []float64 // outward unit normals of a condition's points; nil otherwise
	Rows      int       // rows of the term's batch (RAR-D: sized for the whole plan)
	Live      int       // rows in the loss now (RAR-D: the points added so far)
	Epoch     int       // resampling epoch of the current points
}

// Terms lists the program's terms in program order.
func (p *Program) Terms() []TermView {
	out := make([]TermView, len(p.terms))
	for i, t := range p.terms {
		live := t.P
		if t.adapt != nil && t.adapt.typ == samplerRARD {
			live = t.adapt.active(t.epoch)
		}
		out[i] = TermView{Name: t.name, Condition: t.isCondition(), Points: t.pts, Normals: t.normals,
			Rows: t.P, Live: live, Epoch: t.epoch}
	}
	return out
}

// SaveState adds to a the program's state and, for Python users, every
// weight tensor of theta under its own name ("net/W0", "hidden_h/b1",
// "param/lam"), without copying.
func (p *Program) SaveState(a map[string]runio.Array, theta []float64) {
	off := 0
	for i, n := range p.params {
		a[n.Name()] = runio.Array{Shape: append([]int(nil), n.Shape()...), Data: theta[off : off+p.sizes[i]]}
		off += p.sizes[i]
	}
	n := len(p.prob.Variables)
	for i, t := range p.terms {
		a[fmt.Sprintf("points/%d", i)] = runio.Array{Shape: []int{len(t.pts) / n, n}, Data: t.pts}
		if t.normals != nil {
			a[fmt.Sprintf("normals/%d", i)] = runio.Array{Shape: []int{len(t.normals) / n, n}, Data: t.normals}
		}
		a[fmt.Sprintf("epoch/%d", i)] = runio.Scalar(float64(t.epoch))
		if t.adapt != nil && p.FastPath() {
			// the chosen points in R^D: not redrawn from a stream, and
			// their reported |x| (points/i) does not give them back
			raw, s := p.rawPoints(t), p.pointStride(t)
			a[fmt.Sprintf("points/raw/%d", i)] = runio.Array{Shape: []int{len(raw) / s, s}, Data: raw}
		}
		if t.causal != nil {
			a[fmt.Sprintf("causal/%d", i)] = runio.Vector(t.causal.a)
		}
	}
	if lam := p.balanceFactors(); lam != nil {
		a["balance/lambda"] = runio.Vector(lam)
	}
	if p.FastPath() {
		a[stateFastPath] = runio.Scalar(1)
	}
}

// stateFastPath marks a checkpoint written by a program on the
// high-dimensional fast path (see CheckpointOnFastPath).
const stateFastPath = "fast_path"

// ResidualRows is the number of rows of the residuals' Jacobian of a
// training step: every term's points times its residual vectors.
func (p *Program) ResidualRows() int {
	n := 0
	for _, t := range p.terms {
		n += t.residualRows()
	}
	return n
}

// residualRows is the number of rows of the term's residual vectors.
func (t *term) residualRows() int {
	n := 0
	for _, r := range t.residuals {
		n += r.Shape()[0]
	}
	return n
}

// plannedRows is ResidualRows of the full program of a program built with
// bo: a check of a vector problem builds bo.Points points per equation and
// condition, a rar-d term the growth beyond them; each such term's rows per
// point times its points at the spec's size. Data terms keep their rows.
func (p *Program) plannedRows(prob *pde.Problem, bo BuildOptions) int {
	n := 0
	for _, t := range p.terms {
		rows := t.residualRows()
		if bo.Points > 0 && t.kind != kindData && t.P > 0 {
			spec := 0
			if t.kind == kindEquation {
				spec = prob.Equations[t.index].Points
			} else {
				spec = prob.Conditions[t.index].Points
			}
			rows = rows / t.P * (t.P - bo.Points + max(spec, 1))
		}
		n += rows
	}
	return n
}

// FastPath reports whether the program runs on the high-dimensional fast
// path.
func (p *Program) FastPath() bool {
	if len(p.terms) == 0 {
		return false
	}
	_, fast := p.terms[0].src.(*hdTerm)
	return fast
}

// CheckpointOnFastPath reports whether checkpoint arrays a were written by
// a program on the high-dimensional fast path: a run trained there (by the
// router's choice or Config.PreferFastPath) is loaded and resumed there, so
// its points, reports and predictions keep their layout.
func CheckpointOnFastPath(a map[string]runio.Array) bool {
	v, ok := a[stateFastPath]
	return ok && len(v.Data) == 1 && v.Data[0] == 1
}

// LoadState restores what SaveState saved (path names the checkpoint in
// errors) and feeds the restored points.
func (p *Program) LoadState(a map[string]runio.Array, path string) error {
	if CheckpointOnFastPath(a) && !p.FastPath() {
		return fmt.Errorf("checkpoint %s was written on the high-dimensional fast path; resume it there (pinn.Options.PreferFastPath)", path)
	}
	for i, t := range p.terms {
		pts, ok := a[fmt.Sprintf("points/%d", i)]
		if !ok || len(pts.Data) != len(t.pts) {
			return fmt.Errorf("checkpoint %s: points of term %q missing or of another size", path, t.name)
		}
		t.pts = append(t.pts[:0], pts.Data...)
		if nv, ok := a[fmt.Sprintf("normals/%d", i)]; ok {
			t.normals = append([]float64(nil), nv.Data...)
		}
		ep, ok := a[fmt.Sprintf("epoch/%d", i)]
		if !ok || len(ep.Data) != 1 {
			return fmt.Errorf("checkpoint %s: no resampling epoch of term %q", path, t.name)
		}
		t.epoch = int(ep.Data[0])
		if raw, ok := a[fmt.Sprintf("points/raw/%d", i)]; ok {
			if len(raw.Data) != len(p.rawPoints(t)) {
				return fmt.Errorf("checkpoint %s: points of term %q of another size", path, t.name)
			}
			p.setPoints(t, append([]float64(nil), raw.Data...), t.normals)
		} else {
			p.feed(t)
		}
		if t.causal != nil {
			c, ok := a[fmt.Sprintf("causal/%d", i)]
			if !ok || len(c.Data) != t.P {
				return fmt.Errorf("checkpoint %s: causal weights of term %q missing or of another size", path, t.name)
			}
			p.setCausal(t, c.Data)
		}
	}
	if p.balanceCfg() != nil {
		lam, ok := a["balance/lambda"]
		if !ok || len(lam.Data) != len(p.terms) {
			return fmt.Errorf("checkpoint %s: no loss-balancing factors for %d terms", path, len(p.terms))
		}
		p.setBalance(lam.Data)
	}
	return nil
}

// Resample draws new points for the terms whose resampling epoch changed at
// global step step (adaptive terms from the residuals at theta).
func (p *Program) Resample(step int, theta []float64) error {
	for _, t := range p.terms {
		if t.adapt != nil {
			if e := p.cfg.AdaptiveEpoch(step, t.every); e != t.epoch {
				if err := p.adaptiveResample(t, e, theta); err != nil {
					return err
				}
			}
		}
		if err := t.src.advance(p, t, step); err != nil {
			return err
		}
	}
	return nil
}
