package compiler

import (
	"fmt"

	"github.com/gopinn/gopinn/autodiff"
	G "gorgonia.org/gorgonia"
)

// fusedJets computes the primal and every direction's jets with one fused
// op (autodiff.FusedMLPJets): the network's input jets here are the plain
// coordinate jets (x, v/h, 0, ...), exactly what the op takes. It sets
// b.primal and returns the field jets by direction.
func (b *batch) fusedJets(dirs, rows []autodiff.Direction) ([][]autodiff.Jet, error) {
	fjs := make([]*autodiff.FusedJets, len(b.m.sol))
	for k, net := range b.m.sol {
		var err error
		if fjs[k], err = net.Fused(b.in, rows); err != nil {
			return nil, err
		}
	}
	nf := len(b.m.prob.Fields)
	// raw network output jets, one per field (a column of its network's output)
	raw := func(d int) ([]autodiff.Jet, error) {
		out := make([]autodiff.Jet, nf)
		for f := range out {
			var err error
			c := b.m.fieldCol[f]
			if out[f], err = fjs[b.m.fieldNet[f]].Jet(d, c, c+1); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	r0, err := raw(-1)
	if err != nil {
		return nil, err
	}
	fj0, err := b.fieldJets(r0, nil, 0)
	if err != nil {
		return nil, err
	}
	for _, j := range fj0 {
		b.primal = append(b.primal, j.C[0])
	}
	jets := make([][]autodiff.Jet, len(dirs))
	for d, dir := range dirs {
		r, err := raw(d)
		if err != nil {
			return nil, err
		}
		if jets[d], err = b.fieldJets(r, dir.V, dir.Order); err != nil {
			return nil, err
		}
	}
	return jets, nil
}

// graphJets is the reference path: every jet pushed through the network as
// ordinary graph ops (mlp.forward), one direction at a time. It sets
// b.primal and returns the field jets by direction.
func (b *batch) graphJets(dirs, rows []autodiff.Direction) ([][]autodiff.Jet, error) {
	n := len(b.m.prob.Variables)
	// primal: an order-0 jet of the inputs.
	r0, err := b.forwardFields(autodiff.Const(b.in, 0))
	if err != nil {
		return nil, err
	}
	fj, err := b.fieldJets(r0, nil, 0)
	if err != nil {
		return nil, err
	}
	for _, j := range fj {
		b.primal = append(b.primal, j.C[0])
	}
	jets := make([][]autodiff.Jet, len(dirs))
	for d, dir := range dirs {
		vals := make([]float64, b.P*n)
		for p := 0; p < b.P; p++ {
			copy(vals[p*n:], rows[d].V)
		}
		in := autodiff.Jet{C: make([]*G.Node, dir.Order+1)}
		in.C[0] = b.in
		in.C[1] = b.m.fixed(fmt.Sprintf("%s/dir%d", b.name, d), b.P, n, vals)
		r, err := b.forwardFields(in)
		if err != nil {
			return nil, err
		}
		if jets[d], err = b.fieldJets(r, dir.V, dir.Order); err != nil {
			return nil, err
		}
	}
	return jets, nil
}

// forwardFields pushes the input jet through every solution network as
// graph ops and returns the raw output jet of each field.
func (b *batch) forwardFields(in autodiff.Jet) ([]autodiff.Jet, error) {
	ys := make([]autodiff.Jet, len(b.m.sol))
	for k, net := range b.m.sol {
		var err error
		if ys[k], err = net.Forward(in); err != nil {
			return nil, err
		}
	}
	return b.splitFields(ys)
}
