package autodiff

import (
	"fmt"

	G "gorgonia.org/gorgonia"
)

// StackedJet is a batch of jets that share their primal: B directions per
// point. C0 is the primal, P × m (one row per point); C[k], k ≥ 1, are
// P·B × m, rows p·B .. p·B+B-1 holding point p's B directions. Pushing a
// stochastic estimator's directions through a network this way costs the
// primal once per point, not once per direction (the STDE paper's stacked
// jets; Shi et al., NeurIPS 2024, §4). A nil C[k] (k ≥ 1) is a structural
// zero.
type StackedJet struct {
	C []*G.Node
	B int
}

// Order returns K, the highest derivative order carried.
func (s StackedJet) Order() int { return len(s.C) - 1 }

func (s StackedJet) tile(n *G.Node) (*G.Node, error) {
	if n == nil || n.Dims() == 0 || s.B == 1 {
		return n, nil
	}
	return Tile(n, s.B)
}

// StackedMatMul returns a·w for every coefficient (a linear layer).
func StackedMatMul(a StackedJet, w *G.Node) (StackedJet, error) {
	j, err := MatMul(Jet{C: a.C}, w)
	return StackedJet{C: j.C, B: a.B}, err
}

// StackedAddBias adds a bias (1 × m) to the primal.
func StackedAddBias(a StackedJet, b *G.Node) (StackedJet, error) {
	j, err := AddBias(Jet{C: a.C}, b)
	return StackedJet{C: j.C, B: a.B}, err
}

// StackedApply pushes the stacked jet through an elementwise function by Faà
// di Bruno's formula (see Apply); the derivatives f^(k)(C0) are computed on
// the P primal rows and tiled to the P·B direction rows.
func StackedApply(a StackedJet, t Tower) (StackedJet, error) {
	if k := a.Order(); (k == 1 || k == 2) && a.C[1] != nil && a.C[0].Dims() == 2 {
		return stackedApply2(a, t) // single-pass ops (stacked_tower.go)
	}
	return stackedApplyGraph(a, t)
}

// stackedApplyGraph is StackedApply as graph ops, any order: the reference
// the single-pass ops are tested against.
func stackedApplyGraph(a StackedJet, t Tower) (StackedJet, error) {
	out, err := composeTower("autodiff.StackedApply", a.C, t, a.tile)
	if err != nil {
		return StackedJet{}, err
	}
	return StackedJet{C: out, B: a.B}, nil
}

// StackedMul is the elementwise product by Leibniz' rule; primal factors
// are tiled where they meet direction rows.
func StackedMul(a, b StackedJet) (StackedJet, error) {
	if a.Order() != b.Order() || a.B != b.B {
		return StackedJet{}, fmt.Errorf("autodiff.StackedMul: orders %d, %d and B %d, %d differ", a.Order(), b.Order(), a.B, b.B)
	}
	out := make([]*G.Node, len(a.C))
	var at, bt *G.Node
	var err error
	for n := range a.C {
		var acc *G.Node
		for k := 0; k <= n; k++ {
			x, y := a.C[k], b.C[n-k]
			if x == nil || y == nil {
				continue
			}
			if n > 0 && k == 0 {
				if at == nil {
					if at, err = a.tile(x); err != nil {
						return StackedJet{}, err
					}
				}
				x = at
			}
			if n > 0 && k == n {
				if bt == nil {
					if bt, err = b.tile(y); err != nil {
						return StackedJet{}, err
					}
				}
				y = bt
			}
			p, err := mulNode(x, y)
			if err != nil {
				return StackedJet{}, fmt.Errorf("autodiff.StackedMul C[%d]: %w", n, err)
			}
			if acc, err = axpy(acc, binom(n, k), p); err != nil {
				return StackedJet{}, fmt.Errorf("autodiff.StackedMul C[%d]: %w", n, err)
			}
		}
		out[n] = acc
	}
	return StackedJet{C: out, B: a.B}, nil
}

// StackedAdd returns a + b.
func StackedAdd(a, b StackedJet) (StackedJet, error) {
	j, err := Add(Jet{C: a.C}, Jet{C: b.C})
	return StackedJet{C: j.C, B: a.B}, err
}
