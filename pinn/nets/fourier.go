package nets

import (
	"fmt"
	"math"

	"github.com/gopinn/gopinn/autodiff"
	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn/internal/tensors"
	"github.com/gopinn/gopinn/sampling"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Random Fourier features (Tancik et al. 2020, "Fourier features let
// networks learn high frequency functions in low dimensional domains"):
// the network sees gamma(x) = [cos(2 pi x B), sin(2 pi x B)] of the
// normalised input x (1 x n) instead of x, with B (n x F) drawn once from
// N(0, scale^2). A plain MLP is biased towards low frequencies (spectral
// bias); the embedding lets it fit frequencies up to about scale.
//
// On jets: x B is linear (a MatMul of every coefficient by the constant
// 2 pi B), cos and sin act through their towers (Faà di Bruno), and the
// first layer is split into W0c (on the cosines, W[0]) and W0s (on the
// sines): h = cos(2 pi x B) W0c + sin(2 pi x B) W0s + b0. Concat would be
// simpler but has wrong derivatives in this Gorgonia version.

// streamFourier labels the random stream of B (sampling.Stream), apart from
// the weights' and points' streams.
const streamFourier uint64 = 0x46464541 // "FFEA"

type fourier struct {
	F     int
	B     []float64 // n x F, row-major, 2 pi already applied
	node  *G.Node   // B as a graph constant
	n     int
	cos   autodiff.Tower
	sin   autodiff.Tower
	scale float64
}

// Extend turns the network into what the model config asks for: Fourier
// features (model.fourier) and/or the modified MLP (model.architecture).
// It adds weight nodes, so it runs before the model collects Params().
func (m *MLP) Extend(g *G.ExprGraph, dt tensor.Dtype, mc pde.Model, seed uint64) error {
	arch := mc.Architecture
	if arch == "" {
		arch = pde.DefaultArchitecture
	}
	if arch != "mlp" && arch != "modified" {
		return fmt.Errorf("model.architecture %q is not known (want mlp or modified)", arch)
	}
	switch mc.Type {
	case "", pde.DefaultModelType:
	case "gaussians":
		if mc.Fourier != nil || arch == "modified" {
			return fmt.Errorf("model.type gaussians takes neither model.fourier nor architecture modified: the Gaussians are the input embedding")
		}
		return m.addGaussians(g, dt, mc)
	case "fbpinn":
		if mc.Fourier != nil || arch == "modified" {
			return fmt.Errorf("model.type fbpinn takes neither model.fourier nor architecture modified: each subdomain's network is a plain MLP")
		}
		return m.addFBPINN(g, dt, mc)
	default:
		return fmt.Errorf("model.type %q is not known (want mlp, gaussians or fbpinn)", mc.Type)
	}
	if mc.Fourier != nil {
		F := mc.Fourier.Features
		if F == 0 {
			F = pde.DefaultFourierFeatures
		}
		scale := mc.Fourier.Scale
		if scale == 0 {
			scale = pde.DefaultFourierScale
		}
		if F < 0 || scale < 0 {
			return fmt.Errorf("model.fourier: features and scale must be positive")
		}
		n := m.Sizes[0]
		ff := &fourier{F: F, n: n, scale: scale, B: make([]float64, n*F)}
		rng := sampling.Stream(seed, streamFourier)
		for i := range ff.B {
			ff.B[i] = 2 * math.Pi * scale * rng.NormFloat64()
		}
		t := tensors.New(dt, n, F)
		tensors.Set(t, ff.B)
		ff.node = G.NewMatrix(g, dt, G.WithShape(n, F), G.WithName(m.name+"/fourierB"), G.WithValue(t))
		ff.cos, _ = autodiff.Lookup("cos")
		ff.sin, _ = autodiff.Lookup("sin")
		if ff.cos == nil || ff.sin == nil {
			return fmt.Errorf("model.fourier: no Taylor rule for sin/cos")
		}
		m.four = ff
		h := m.Sizes[1]
		m.W[0] = G.NewMatrix(g, dt, G.WithShape(F, h), G.WithName(m.name+"/W0c"), G.WithValue(tensors.New(dt, F, h)))
		m.W0s = G.NewMatrix(g, dt, G.WithShape(F, h), G.WithName(m.name+"/W0s"), G.WithValue(tensors.New(dt, F, h)))
	}
	if arch == "modified" {
		return m.addEncoders(g, dt)
	}
	return nil
}

// inWidths are the widths of the first layer's input parts: [n], or [F, F]
// (cosines, sines).
func (m *MLP) inWidths() []int {
	if m.gauss != nil {
		return []int{m.gauss.K}
	}
	if m.four != nil {
		return []int{m.four.F, m.four.F}
	}
	return []int{m.Sizes[0]}
}

// embed returns the first layer's input parts as jets: [x], or
// [cos(2 pi x B), sin(2 pi x B)].
func (m *MLP) embed(x autodiff.Jet) ([]autodiff.Jet, error) {
	if m.gauss != nil {
		phi, err := m.gauss.embed(x)
		return []autodiff.Jet{phi}, err
	}
	if m.four == nil {
		return []autodiff.Jet{x}, nil
	}
	xb, err := autodiff.MatMul(x, m.four.node)
	if err != nil {
		return nil, err
	}
	c, err := autodiff.Apply(xb, m.four.cos)
	if err != nil {
		return nil, err
	}
	s, err := autodiff.Apply(xb, m.four.sin)
	if err != nil {
		return nil, err
	}
	return []autodiff.Jet{c, s}, nil
}

// embed64 is embed on one float64 row.
func (m *MLP) embed64(x []float64) [][]float64 {
	if m.four == nil {
		return [][]float64{x}
	}
	F := m.four.F
	c, s := make([]float64, F), make([]float64, F)
	for j := 0; j < F; j++ {
		z := 0.0
		for i, xi := range x {
			z += xi * m.four.B[i*F+j]
		}
		c[j], s[j] = math.Cos(z), math.Sin(z)
	}
	return [][]float64{c, s}
}
