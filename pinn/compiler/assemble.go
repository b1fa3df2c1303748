package compiler

import (
	"fmt"

	G "gorgonia.org/gorgonia"
)

// assemble adds the terms' weighted losses into the total and builds what
// bo's objective differentiates: one assembly for every kind of term (the
// batches of the general compiler and the equation and conditions of a
// vector problem, highdim.go).
func (p *Program) assemble(bo BuildOptions) error {
	m := p.model
	// total = sum of weight x mean square
	for _, t := range p.terms {
		p.scaleShare(t)         // a data-parallel rank's share (parallel.go)
		wl := p.weightedLoss(t) // weight fed, for loss balancing (balance.go)
		if p.loss == nil {
			p.loss = wl
		} else {
			p.loss = m.add(p.loss, wl)
		}
		if m.err == nil {
			G.Read(t.loss, &t.lossVal)
		}
	}
	if m.err != nil {
		return m.err
	}
	if err := p.checkTermsDepend(); err != nil {
		return err
	}
	G.Read(p.loss, &p.total)
	target := p.loss
	if bo.objective != objLoss {
		target = nil
		for _, t := range p.terms {
			t.resVals = make([]G.Value, len(t.residuals))
			for j, r := range t.residuals {
				G.Read(r, &t.resVals[j])
				if bo.objective != objResidualSum {
					continue
				}
				w := m.input(fmt.Sprintf("w%d_%d/%d", t.kind, t.index, j), t.P, 1)
				t.resW = append(t.resW, w)
				wr := m.keep(G.Sum(m.mul(w, r)))
				if target == nil {
					target = wr
				} else {
					target = m.add(target, wr)
				}
			}
		}
		if m.err != nil {
			return m.err
		}
	}
	if target != nil {
		// Grad errors on parameters the target cannot reach (e.g. the last
		// bias when only derivatives of the output enter the loss): keep the
		// reached ones.
		reach := reachable(target)
		var wrt []*G.Node
		for _, n := range m.params {
			m.used[n] = reach[n]
			if reach[n] {
				wrt = append(wrt, n)
			}
		}
		if _, err := G.Grad(target, wrt...); err != nil {
			return fmt.Errorf("reverse pass: %w", err)
		}
		p.grads = wrt
		if !bo.CheckOnly {
			p.vm = G.NewTapeMachine(m.g, G.BindDualValues(wrt...))
		}
	} else {
		for _, n := range m.params {
			m.used[n] = false
		}
		p.vm = G.NewTapeMachine(m.g)
	}
	return nil
}
