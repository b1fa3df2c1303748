package nets

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gopinn/gopinn/autodiff"
	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn/internal/tensors"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Physics-informed Gaussians (PIG; Kang, Lee, Park et al., "PIG:
// Physics-Informed Gaussians as Adaptive Parametric Mesh Representations",
// ICLR 2025): the solution is built from K Gaussians with trainable centres
// mu_k and full covariances (precision L_k L_k^T),
//
//	phi_k(x) = exp(-|L_k^T (x - mu_k)|^2 / 2),
//
// whose values
// feed the network's layers: with hidden layers (by default one of 16) the
// first layer's rows are the Gaussians' feature vectors and the small MLP
// after them reads the mixed features, as in the paper; with none
// (model.layers: []) u = sum_k w_k phi_k(x) + c, a Gaussian mixture. The Gaussians move
// and stretch where the solution needs resolution, which is how the method
// escapes the spectral bias of a plain MLP on multi-scale solutions.
//
// On jets every step is one the MLP already takes: x L (a MatMul of every
// coefficient by the trainable n × Kn matrix L = [L_1 ... L_K]), minus the
// row beta_k = mu_k^T L_k (a bias, built from mu and L in the graph), the
// square (a jet product), the sum over each Gaussian's n components times
// -1/2 (a MatMul by a constant Kn × K block matrix) and exp (its Taylor
// tower). So every PDE derivative is exact, as for the MLP, and one
// reverse pass differentiates through the centres and shapes too. The
// centres are parameters of their own (not folded into a bias) so that an
// optimizer step moves them by about its learning rate, whatever the width.
// The initial width of a Gaussian is model.width (pde.DefaultGaussianWidth)
// times the centres' mean spacing: strongly overlapping Gaussians train
// better than ones as wide as the spacing, too wide ones worse (the sweep
// configs/papers/pig/width.yaml measures it; results/pig.md).

type gaussians struct {
	K, n  int
	L, mu *G.Node // n × Kn and K × n, trainable
	negB  *G.Node // -beta, 1 × Kn
	sum   *G.Node // Kn × K: -1/2 on each Gaussian's block of n rows
	exp   autodiff.Tower
	sigma float64 // initial width, in normalised units
}

// addGaussians makes the network's input embedding the K Gaussians
// (model.type: gaussians); the first layer then acts on their values.
func (m *MLP) addGaussians(g *G.ExprGraph, dt tensor.Dtype, mc pde.Model) error {
	K := mc.Count
	if K == 0 {
		K = pde.DefaultGaussians
	}
	n := m.Sizes[0]
	// The block sum and the spread of the centres are dense K n × K
	// constants: bound their size (16M entries, 128 MiB in float64).
	if maxK := int(math.Sqrt(float64(1<<24) / float64(n))); K < 1 || K > maxK {
		return fmt.Errorf("model.count: %d Gaussians in %d dimensions: want 1..%d", K, n, maxK)
	}
	gs := &gaussians{K: K, n: n}
	gs.L = G.NewMatrix(g, dt, G.WithShape(n, K*n), G.WithName(m.name+"/gaussL"), G.WithValue(tensors.New(dt, n, K*n)))
	gs.mu = G.NewMatrix(g, dt, G.WithShape(K, n), G.WithName(m.name+"/gaussmu"), G.WithValue(tensors.New(dt, K, n)))
	constant := func(name string, r, c int, vals []float64) *G.Node {
		t := tensors.New(dt, r, c)
		tensors.Set(t, vals)
		return G.NewMatrix(g, dt, G.WithShape(r, c), G.WithName(m.name+"/"+name), G.WithValue(t))
	}
	s := make([]float64, K*n*K)   // Kn × K block sums, times -1/2
	rep := make([]float64, K*K*n) // K × Kn: E[k, k n + j] = 1
	for k := range K {
		for j := range n {
			s[(k*n+j)*K+k] = -0.5
			rep[k*K*n+k*n+j] = 1
		}
	}
	gs.sum = constant("gausssum", K*n, K, s)
	ones := make([]float64, n)
	for i := range ones {
		ones[i] = 1
	}
	// beta[k n + c] = sum_j mu[k, j] L[j, k n + c]: mu^T E spreads mu_k
	// over Gaussian k's columns, the Hadamard product with L and a column
	// sum finish it
	spread, err := G.Mul(G.Must(G.Transpose(gs.mu)), constant("gaussrep", K, K*n, rep))
	if err != nil {
		return fmt.Errorf("model.type gaussians: %w", err)
	}
	lm, err := G.HadamardProd(gs.L, spread)
	if err != nil {
		return fmt.Errorf("model.type gaussians: %w", err)
	}
	beta, err := G.Mul(constant("gaussones", 1, n, ones), lm)
	if err != nil {
		return fmt.Errorf("model.type gaussians: %w", err)
	}
	if gs.negB, err = G.Neg(beta); err != nil {
		return fmt.Errorf("model.type gaussians: %w", err)
	}
	var ok bool
	if gs.exp, ok = autodiff.Lookup("exp"); !ok {
		return fmt.Errorf("model.type gaussians: no Taylor rule for exp")
	}
	// Initial width: gaussWidth times the spacing of K points spread over
	// [-1, 1]^n.
	width := mc.Width
	if width <= 0 {
		width = pde.DefaultGaussianWidth // a Model not from the loader
	}
	gs.sigma = 2 * width / math.Pow(float64(K), 1/float64(n))
	m.gauss = gs
	h := m.Sizes[1]
	m.W[0] = G.NewMatrix(g, dt, G.WithShape(K, h), G.WithName(m.name+"/W0"), G.WithValue(tensors.New(dt, K, h)))
	return nil
}

// embed pushes the input jet through the Gaussians:
// exp(-|L_k^T (x - mu_k)|^2 / 2) per Gaussian, a P × K jet.
func (gs *gaussians) embed(x autodiff.Jet) (autodiff.Jet, error) {
	z, err := autodiff.MatMul(x, gs.L)
	if err != nil {
		return z, err
	}
	if z, err = autodiff.AddBias(z, gs.negB); err != nil {
		return z, err
	}
	sq, err := autodiff.Mul(z, z)
	if err != nil {
		return sq, err
	}
	q, err := autodiff.MatMul(sq, gs.sum)
	if err != nil {
		return q, err
	}
	return autodiff.Apply(q, gs.exp)
}

// embed64 is embed on one float64 row, with L and mu from vals.
func (gs *gaussians) embed64(vals map[*G.Node][]float64, x []float64) []float64 {
	L, mu := vals[gs.L], vals[gs.mu]
	cols := gs.K * gs.n
	phi := make([]float64, gs.K)
	for k := range gs.K {
		q := 0.0
		for j := range gs.n {
			c := k*gs.n + j
			z := 0.0
			for i, xi := range x {
				z += (xi - mu[k*gs.n+i]) * L[i*cols+c]
			}
			q += z * z
		}
		phi[k] = math.Exp(-q / 2)
	}
	return phi
}

// layout lists L then mu. Initially the Gaussians are round, of width
// sigma (L_k = I / sigma), centred uniformly at random in [-1, 1]^n (the
// normalised domain).
func (gs *gaussians) layout() []paramInfo {
	return []paramInfo{
		{node: gs.L, init: func(flat []float64, _ *rand.Rand) {
			clear(flat)
			cols := gs.K * gs.n
			for k := range gs.K {
				for j := range gs.n {
					flat[j*cols+k*gs.n+j] = 1 / gs.sigma
				}
			}
		}},
		{node: gs.mu, init: func(flat []float64, rng *rand.Rand) {
			for c := range flat {
				flat[c] = 2*rng.Float64() - 1
			}
		}},
	}
}
