package nets

import (
	"fmt"

	"github.com/gopinn/gopinn/autodiff"
	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn/internal/tensors"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Finite-basis PINNs (Moseley, Markham & Nissen-Meyer, "Finite basis
// physics-informed neural networks (FBPINNs): a scalable domain
// decomposition approach for solving differential equations", Adv.
// Comput. Math. 2023): the normalised input box [-1, 1]^n is tiled by a
// grid of m_1 × ... × m_n tiles; subdomain k is its tile widened by
// delta = overlap × (tile width) on each side, has a small network N_k of
// its own that sees the input mapped from the subdomain to [-1, 1]^n, and
// a smooth window w_k. The field is the windowed sum
//
//	u(z) = Σ_k w_k(z) N_k((z - c_k)/h_k) / Σ_k w_k(z)
//
// (c_k, h_k the subdomain's centre and half-widths). Each network only
// represents the solution on its piece and at its own scale, so a solution
// of many oscillations becomes many pieces of few, which a small network
// fits despite its spectral bias.
//
// The window along axis j of a tile [a, b] is σ((z - a)/s) σ((b - z)/s),
// s = delta/4, whose rise is centred on the tile's edges (from 0.12 to
// 0.88 over the overlap); the first tile of an axis has no lower factor
// and the last no upper one, so the domain's own boundary is not a window
// edge and the sum of windows never vanishes there. The product over the
// axes, divided by the sum over the subdomains, is a partition of unity.
//
// On jets everything is jet arithmetic: a column of the input (a MatMul by
// a selector), affine maps (MatMul by a constant diagonal, AddBias),
// sigmoid through its tower, products and the quotient by the sum. Every
// network sees every point (no sparsity); the cost is K networks.

type fbpinn struct {
	m       []int // tiles per axis
	overlap float64
	subs    []*MLP // one per subdomain, in row-major order of the tile grid
	// per subdomain and axis: the tile's index, and the subdomain's centre
	// c and half-width h (its network sees (z - c)/h)
	tile         [][]int
	centre, half [][]float64
	out          int
	sigma        autodiff.Tower
	// graph constants: the selector of each axis (n × 1), each
	// subdomain's input map (n × n diagonal 1/h, 1 × n bias -c/h), and
	// a 1 × out row of ones (a window times every output)
	sel        []*G.Node
	scale, off []*G.Node
	ones       *G.Node
}

// tileEdges are tile i's edges along an axis of m tiles.
func tileEdges(i, m int) (a, b float64) {
	w := 2 / float64(m)
	return -1 + float64(i)*w, -1 + float64(i+1)*w
}

// windowScale is s = delta/4 along an axis of m tiles.
func (f *fbpinn) windowScale(m int) float64 { return f.overlap * (2 / float64(m)) / 4 }

// addFBPINN makes the network a finite-basis PINN: it replaces its own
// layers by one network of the same widths per subdomain.
func (m *MLP) addFBPINN(g *G.ExprGraph, dt tensor.Dtype, mc pde.Model) error {
	n, out := m.Sizes[0], m.Sizes[len(m.Sizes)-1]
	tiles := append([]int(nil), mc.Subdomains...)
	if len(tiles) == 1 && n > 1 {
		for len(tiles) < n {
			tiles = append(tiles, tiles[0])
		}
	}
	if len(tiles) != n {
		return fmt.Errorf("model.subdomains: %d entries for %d network inputs (give one per variable, in order, or one number for all)", len(mc.Subdomains), n)
	}
	total := 1
	for _, k := range tiles {
		if k < 1 {
			return fmt.Errorf("model.subdomains: want positive numbers, got %v", mc.Subdomains)
		}
		total *= k
		if total > pde.MaxSubdomains {
			return fmt.Errorf("model.subdomains: more than %d subdomains", pde.MaxSubdomains)
		}
	}
	overlap := mc.Overlap
	if overlap == 0 {
		overlap = pde.DefaultOverlap
	}
	if !(overlap > 0 && overlap <= 1) {
		return fmt.Errorf("model.overlap: want a fraction in (0, 1], got %g", overlap)
	}
	sig, ok := autodiff.Lookup("sigmoid")
	if !ok {
		return fmt.Errorf("model.type fbpinn: no Taylor rule for sigmoid")
	}
	f := &fbpinn{m: tiles, overlap: overlap, out: out, sigma: sig}
	constant := func(name string, r, c int, vals []float64) *G.Node {
		t := tensors.New(dt, r, c)
		tensors.Set(t, vals)
		return G.NewMatrix(g, dt, G.WithShape(r, c), G.WithName(m.name+"/"+name), G.WithValue(t))
	}
	for j := range n {
		e := make([]float64, n)
		e[j] = 1
		f.sel = append(f.sel, constant(fmt.Sprintf("fbsel%d", j), n, 1, e))
	}
	ones := make([]float64, out)
	for i := range ones {
		ones[i] = 1
	}
	f.ones = constant("fbones", 1, out, ones)
	hidden := m.Sizes[1 : len(m.Sizes)-1]
	for k := range total {
		idx := make([]int, n)
		for j, r := n-1, k; j >= 0; j-- {
			idx[j], r = r%tiles[j], r/tiles[j]
		}
		diag, bias := make([]float64, n*n), make([]float64, n)
		c, h := make([]float64, n), make([]float64, n)
		for j := range n {
			a, b := tileEdges(idx[j], tiles[j])
			c[j], h[j] = (a+b)/2, (b-a)/2+overlap*(b-a)
			diag[j*n+j], bias[j] = 1/h[j], -c[j]/h[j]
		}
		f.tile, f.centre, f.half = append(f.tile, idx), append(f.centre, c), append(f.half, h)
		f.scale = append(f.scale, constant(fmt.Sprintf("fbscale%d", k), n, n, diag))
		f.off = append(f.off, constant(fmt.Sprintf("fboff%d", k), 1, n, bias))
		f.subs = append(f.subs, NewMLP(g, dt, fmt.Sprintf("%s/sub%d", m.name, k), n, hidden, out, m.Act))
	}
	m.fb = f
	m.W, m.B = nil, nil // the subdomains' networks are the weights
	return nil
}

// layout is the subdomains' networks' weights, one network after another.
func (f *fbpinn) layout() []paramInfo {
	var ps []paramInfo
	for _, s := range f.subs {
		ps = append(ps, s.layout()...)
	}
	return ps
}

// window returns the window factor of a tile along one axis as a jet of
// the axis' coordinate z (P × 1): σ((z - a)/s) unless the tile is the
// first, times σ((b - z)/s) unless it is the last (a zero jet C: nil when
// it is both: no factor).
func (f *fbpinn) window(z autodiff.Jet, i, m int, s float64) (autodiff.Jet, error) {
	a, b := tileEdges(i, m)
	var w autodiff.Jet
	// sig is σ(c z + d)
	sig := func(c, d float64) error {
		x, err := autodiff.Scale(z, c)
		if err == nil {
			x, err = autodiff.AddConst(x, d)
		}
		if err == nil {
			x, err = autodiff.Apply(x, f.sigma)
		}
		if err != nil {
			return err
		}
		if w.C == nil {
			w = x
			return nil
		}
		w, err = autodiff.Mul(w, x)
		return err
	}
	if i > 0 {
		if err := sig(1/s, -a/s); err != nil {
			return w, err
		}
	}
	if i < m-1 {
		if err := sig(-1/s, b/s); err != nil {
			return w, err
		}
	}
	return w, nil
}

// forward pushes the input jet (P × n coefficients) through the windowed
// sum.
func (f *fbpinn) forward(x autodiff.Jet) (autodiff.Jet, error) {
	z := make([]autodiff.Jet, len(f.sel))
	for j, s := range f.sel {
		var err error
		if z[j], err = autodiff.MatMul(x, s); err != nil {
			return x, err
		}
	}
	// the window factor of every tile of every axis, once (subdomains
	// share them: in 2-D each axis' factor serves a row of subdomains)
	win := make([][]autodiff.Jet, len(z))
	for j := range z {
		if f.m[j] == 1 {
			continue
		}
		for i := range f.m[j] {
			wj, err := f.window(z[j], i, f.m[j], f.windowScale(f.m[j]))
			if err != nil {
				return x, err
			}
			win[j] = append(win[j], wj)
		}
	}
	var num, den autodiff.Jet
	for k, sub := range f.subs {
		xk, err := autodiff.MatMul(x, f.scale[k])
		if err == nil {
			xk, err = autodiff.AddBias(xk, f.off[k])
		}
		if err != nil {
			return x, err
		}
		nk, err := sub.Forward(xk)
		if err != nil {
			return x, err
		}
		var w autodiff.Jet
		for j := range z {
			if f.m[j] == 1 {
				continue
			}
			wj := win[j][f.tile[k][j]]
			if w.C == nil {
				w = wj
			} else if w, err = autodiff.Mul(w, wj); err != nil {
				return x, err
			}
		}
		if w.C == nil { // one subdomain: the window is 1
			return nk, nil
		}
		wo, err := autodiff.MatMul(w, f.ones) // P × out
		if err != nil {
			return x, err
		}
		term, err := autodiff.Mul(wo, nk)
		if err != nil {
			return x, err
		}
		if k == 0 {
			num, den = term, wo
		} else {
			if num, err = autodiff.Add(num, term); err != nil {
				return x, err
			}
			if den, err = autodiff.Add(den, wo); err != nil {
				return x, err
			}
		}
	}
	return autodiff.Div(num, den)
}

// forward64 is forward in float64 on one input row.
func (f *fbpinn) forward64(flat []float64, z []float64) []float64 {
	num, den := make([]float64, f.out), 0.0
	off := 0
	sig := func(v float64) float64 { return f.sigma.Float64(v, 0)[0] }
	for k, sub := range f.subs {
		np := sub.NumParams()
		xk := make([]float64, len(z))
		for j := range z {
			xk[j] = (z[j] - f.centre[k][j]) / f.half[k][j]
		}
		nk := sub.Forward64(flat[off:off+np], xk)
		off += np
		w := 1.0
		for j := range z {
			i, m := f.tile[k][j], f.m[j]
			if m == 1 {
				continue
			}
			a, b := tileEdges(i, m)
			s := f.windowScale(m)
			if i > 0 {
				w *= sig((z[j] - a) / s)
			}
			if i < m-1 {
				w *= sig((b - z[j]) / s)
			}
		}
		for o := range num {
			num[o] += w * nk[o]
		}
		den += w
	}
	for o := range num {
		num[o] /= den
	}
	return num
}
