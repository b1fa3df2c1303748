package compiler

import (
	"fmt"
	"math"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn/internal/tensors"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Loss balancing by gradient norms: learning-rate annealing (Wang, Teng &
// Perdikaris 2021, "Understanding and mitigating gradient pathologies in
// physics-informed neural networks", Algorithm 1) in the form jaxpi calls
// "grad_norm" weighting. Every `every` steps of a first-order stage, at the
// step's parameters and points,
//
//	g_i = |grad_theta L_i|   (L_i the term's mean-square loss, unweighted)
//	lambda_i <- alpha lambda_i + (1 - alpha) mean_j(g_j) / g_i
//
// (jaxpi normalises by the mean of the norms, so the factors stay near 1
// and a term with an average gradient keeps its weight), and training
// minimises sum_i lambda_i w_i L_i with w_i the spec weight: after
// balancing every term's weighted gradient has the norm w_i mean_j(g_j).
// The first update is at step 0 (from lambda = 1). Stages that keep
// curvature or Gauss-Newton information (lbfgs, engd, lm) keep the factors
// fixed. The factors are in the checkpoint, metrics.csv (weight_<term>) and
// summary.json ("weights").
//
// The term weights are fed 1x1 inputs of the graph (not constants), so a
// run with one-hot weights gives a single term's gradient.

// weightedLoss is w_i x L_i with w_i a fed input holding the spec weight.
func (p *Program) weightedLoss(t *term) *G.Node {
	if p.err != nil {
		return nil
	}
	t.wIn = p.input(fmt.Sprintf("weight_%d_%d", t.kind, t.index), 1, 1)
	tensors.Set(t.wIn.Value().(tensor.Tensor), []float64{t.weight})
	return p.keep(G.HadamardProd(t.loss, p.keep(G.Sum(t.wIn))))
}

// feedWeights feeds w[i] as the weight of term i.
func (p *Program) feedWeights(w []float64) {
	for i, t := range p.terms {
		if t.wIn != nil {
			tensors.Set(t.wIn.Value().(tensor.Tensor), []float64{w[i]})
		}
	}
}

func (p *Program) balanceCfg() *pde.Balance { return p.cfg.Balance }

// balanceFactors returns the current factors lambda (1 before the first
// update); nil without training.balance.
func (p *Program) balanceFactors() []float64 {
	if p.balanceCfg() == nil {
		return nil
	}
	if p.lambda == nil {
		p.lambda = filled(len(p.terms), 1)
	}
	return p.lambda
}

// setBalance sets the factors (from a checkpoint) and feeds the weights.
func (p *Program) setBalance(lambda []float64) {
	p.lambda = append([]float64(nil), lambda...)
	p.feedBalanced()
}

func (p *Program) feedBalanced() {
	lam := p.balanceFactors()
	w := make([]float64, len(p.terms))
	for i, t := range p.terms {
		w[i] = lam[i] * t.weight
	}
	p.feedWeights(w)
}

// balanceStep updates the factors if step is an update step.
func (p *Program) balanceStep(step int, theta []float64) error {
	bc := p.balanceCfg()
	if bc == nil {
		return nil
	}
	every, alpha := bc.Every, bc.Alpha
	if every <= 0 {
		every = pde.DefaultBalanceEvery
	}
	if alpha == 0 {
		alpha = pde.DefaultBalanceAlpha
	}
	if step%every != 0 {
		return nil
	}
	lam := p.balanceFactors()
	for _, t := range p.terms {
		if t.wIn == nil {
			return fmt.Errorf("training.balance: term %q has no fed weight (not supported for this problem)", t.name)
		}
	}
	norms := make([]float64, len(p.terms))
	g := make([]float64, len(theta))
	onehot := make([]float64, len(p.terms))
	for i := range p.terms {
		clear(onehot)
		onehot[i] = 1
		p.feedWeights(onehot)
		if _, err := p.Run(theta, g); err != nil {
			return fmt.Errorf("training.balance: gradient of term %q: %w", p.terms[i].name, err)
		}
		// the ranks' shares add up to the term's global gradient
		if err := p.reduceSum(g); err != nil {
			return fmt.Errorf("training.balance: %w", err)
		}
		s := 0.0
		for _, x := range g {
			s += x * x
		}
		norms[i] = math.Sqrt(s)
	}
	mean, cnt := 0.0, 0
	for _, n := range norms {
		if n > 0 && !math.IsInf(n, 0) && !math.IsNaN(n) {
			mean += n
			cnt++
		}
	}
	if cnt > 0 {
		mean /= float64(cnt)
		for i, n := range norms {
			// a term without a usable gradient keeps its factor
			if n > 0 && !math.IsInf(n, 0) && !math.IsNaN(n) {
				lam[i] = alpha*lam[i] + (1-alpha)*mean/n
			}
		}
	}
	p.feedBalanced()
	return nil
}

// balanceColumns are the metrics.csv columns of the factors.
func (p *Program) balanceColumns() []string {
	if p.balanceCfg() == nil {
		return nil
	}
	var h []string
	for _, t := range p.terms {
		h = append(h, "weight_"+t.name)
	}
	return h
}

// balanceWeights are the factors by term name for summary.json (nil without
// training.balance).
func (p *Program) BalanceWeights() map[string]float64 {
	lam := p.balanceFactors()
	if lam == nil {
		return nil
	}
	m := map[string]float64{}
	for i, t := range p.terms {
		m[t.name] = lam[i]
	}
	return m
}
