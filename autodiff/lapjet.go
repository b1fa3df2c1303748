package autodiff

import (
	"fmt"

	G "gorgonia.org/gorgonia"
)

// LapJet carries the primal C0, the first-order stream C1[i] along e_i for
// each input i of the Laplacian's set, and S2, the SUM over i of the
// second-order streams: the forward Laplacian (Li et al., "A computational
// framework for neural network-based variational Monte Carlo with Forward
// Laplacian", 2023). Because every rule below needs the second-order
// streams only through their sum, one S2 replaces d separate streams, and at
// the output S2 is the exact Laplacian. nil is a structural zero (C0 never
// nil).
type LapJet struct {
	C0 *G.Node
	C1 []*G.Node
	S2 *G.Node
}

func lapCheck(op string, a, b LapJet) error {
	if len(a.C1) != len(b.C1) {
		return fmt.Errorf("autodiff.%s: %d vs %d first-order streams", op, len(a.C1), len(b.C1))
	}
	return nil
}

// LapAdd returns a + b.
func LapAdd(a, b LapJet) (LapJet, error) { return lapAxpy("LapAdd", a, 1, b) }

// LapSub returns a - b.
func LapSub(a, b LapJet) (LapJet, error) { return lapAxpy("LapSub", a, -1, b) }

func lapAxpy(op string, a LapJet, c float64, b LapJet) (LapJet, error) {
	if err := lapCheck(op, a, b); err != nil {
		return LapJet{}, err
	}
	var out LapJet
	var err error
	wrap := func(e error) error { return fmt.Errorf("autodiff.%s: %w", op, e) }
	if out.C0, err = axpy(a.C0, c, b.C0); err != nil {
		return LapJet{}, wrap(err)
	}
	out.C1 = make([]*G.Node, len(a.C1))
	for i := range a.C1 {
		if out.C1[i], err = axpy(a.C1[i], c, b.C1[i]); err != nil {
			return LapJet{}, wrap(err)
		}
	}
	if out.S2, err = axpy(a.S2, c, b.S2); err != nil {
		return LapJet{}, wrap(err)
	}
	return out, nil
}

// lapMap applies the same linear map to every stream (linear in the jet).
func lapMap(op string, a LapJet, f func(*G.Node) (*G.Node, error)) (LapJet, error) {
	var out LapJet
	var err error
	if out.C0, err = f(a.C0); err != nil {
		return LapJet{}, fmt.Errorf("autodiff.%s C0: %w", op, err)
	}
	out.C1 = make([]*G.Node, len(a.C1))
	for i, x := range a.C1 {
		if x == nil {
			continue
		}
		if out.C1[i], err = f(x); err != nil {
			return LapJet{}, fmt.Errorf("autodiff.%s C1[%d]: %w", op, i, err)
		}
	}
	if a.S2 != nil {
		if out.S2, err = f(a.S2); err != nil {
			return LapJet{}, fmt.Errorf("autodiff.%s S2: %w", op, err)
		}
	}
	return out, nil
}

// LapScale returns c·a.
func LapScale(a LapJet, c float64) (LapJet, error) {
	return lapMap("LapScale", a, func(x *G.Node) (*G.Node, error) { return scaleNode(x, c) })
}

// LapMulNode multiplies every stream by a node without a jet (parameter).
func LapMulNode(a LapJet, s *G.Node) (LapJet, error) {
	return lapMap("LapMulNode", a, func(x *G.Node) (*G.Node, error) { return mulNode(x, s) })
}

// LapMatMul multiplies every stream by w (linear layer).
func LapMatMul(a LapJet, w *G.Node) (LapJet, error) {
	return lapMap("LapMatMul", a, func(x *G.Node) (*G.Node, error) { return G.Mul(x, w) })
}

// LapAddBias adds a (1, m) bias to the primal only.
func LapAddBias(a LapJet, b *G.Node) (LapJet, error) {
	out := LapJet{C0: nil, C1: append([]*G.Node(nil), a.C1...), S2: a.S2}
	var err error
	if out.C0, err = addBias(a.C0, b); err != nil {
		return LapJet{}, fmt.Errorf("autodiff.LapAddBias: %w", err)
	}
	return out, nil
}

// LapAddConst adds c to the primal.
func LapAddConst(a LapJet, c float64) (LapJet, error) {
	out := LapJet{C1: append([]*G.Node(nil), a.C1...), S2: a.S2}
	var err error
	if out.C0, err = G.Add(a.C0, constLike(a.C0, c)); err != nil {
		return LapJet{}, fmt.Errorf("autodiff.LapAddConst: %w", err)
	}
	return out, nil
}

// sumProducts returns Σ_i x_i ⊙ y_i (nil terms skipped).
func sumProducts(x, y []*G.Node) (*G.Node, error) {
	var acc *G.Node
	for i := range x {
		if x[i] == nil || y[i] == nil {
			continue
		}
		p, err := mulNode(x[i], y[i])
		if err != nil {
			return nil, err
		}
		if acc, err = addNil(acc, p); err != nil {
			return nil, err
		}
	}
	return acc, nil
}

// LapMul returns a ⊙ b: (ab)_i = a0 b_i + a_i b0 and, summing Leibniz'
// second-order rule over i, S2 = a0 S2b + S2a b0 + 2 Σ_i a_i b_i.
func LapMul(a, b LapJet) (LapJet, error) {
	if err := lapCheck("LapMul", a, b); err != nil {
		return LapJet{}, err
	}
	wrap := func(e error) error { return fmt.Errorf("autodiff.LapMul: %w", e) }
	var out LapJet
	var err error
	if out.C0, err = mulNode(a.C0, b.C0); err != nil {
		return LapJet{}, wrap(err)
	}
	prod := func(x, y *G.Node) (*G.Node, error) {
		if x == nil || y == nil {
			return nil, nil
		}
		return mulNode(x, y)
	}
	out.C1 = make([]*G.Node, len(a.C1))
	for i := range a.C1 {
		p, err := prod(a.C0, b.C1[i])
		if err != nil {
			return LapJet{}, wrap(err)
		}
		q, err := prod(a.C1[i], b.C0)
		if err != nil {
			return LapJet{}, wrap(err)
		}
		if out.C1[i], err = addNil(p, q); err != nil {
			return LapJet{}, wrap(err)
		}
	}
	p, err := prod(a.C0, b.S2)
	if err != nil {
		return LapJet{}, wrap(err)
	}
	q, err := prod(a.S2, b.C0)
	if err != nil {
		return LapJet{}, wrap(err)
	}
	cross, err := sumProducts(a.C1, b.C1)
	if err != nil {
		return LapJet{}, wrap(err)
	}
	if out.S2, err = addNil(p, q); err != nil {
		return LapJet{}, wrap(err)
	}
	if out.S2, err = axpy(out.S2, 2, cross); err != nil {
		return LapJet{}, wrap(err)
	}
	return out, nil
}

// LapApply pushes a through an elementwise function: new C1_i = f^(1)(c0) C1_i
// and new S2 = f^(2)(c0) Σ_i C1_i² + f^(1)(c0) S2 (Faà di Bruno at order 2,
// summed over i).
func LapApply(a LapJet, t Tower) (LapJet, error) {
	wrap := func(e error) error { return fmt.Errorf("autodiff.LapApply %s: %w", t.Name(), e) }
	d, err := t.Derivs(a.C0, 2)
	if err != nil {
		return LapJet{}, wrap(err)
	}
	out := LapJet{C0: d[0], C1: make([]*G.Node, len(a.C1))}
	if d[1] != nil {
		for i, x := range a.C1 {
			if x == nil {
				continue
			}
			if out.C1[i], err = mulNode(d[1], x); err != nil {
				return LapJet{}, wrap(err)
			}
		}
		if a.S2 != nil {
			if out.S2, err = mulNode(d[1], a.S2); err != nil {
				return LapJet{}, wrap(err)
			}
		}
	}
	if d[2] != nil {
		sq, err := sumProducts(a.C1, a.C1)
		if err != nil {
			return LapJet{}, wrap(err)
		}
		if sq != nil {
			p, err := mulNode(d[2], sq)
			if err != nil {
				return LapJet{}, wrap(err)
			}
			if out.S2, err = addNil(out.S2, p); err != nil {
				return LapJet{}, wrap(err)
			}
		}
	}
	return out, nil
}
