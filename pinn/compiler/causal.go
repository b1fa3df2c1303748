package compiler

import (
	"fmt"
	"math"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn/internal/tensors"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Causal weighting (Wang, Sankaran & Perdikaris 2022, "Respecting causality
// is all you need for training physics-informed neural networks"; jaxpi's
// causal_tol / num_chunks). The time range is cut into M equal slabs; an
// equation's points fall into slabs by their t. With L_k the mean square
// residual of slab k at the step's parameters and points,
//
//	w_k = exp(-epsilon * sum_{j<k} L_j),   loss = (1/M) sum_k w_k L_k,
//
// so a slab is trained only once the slabs before it are resolved. The w_k
// are constants of the step (stop-gradient): before every step of a
// first-order stage a forward-only residual program evaluates the residuals
// at the current parameters and points, and the weights enter the training
// graph as a fed P x 1 column a (a_p = w_k / (M n_k) for a point in slab k
// holding n_k points), loss = sum_p a_p r_p^2. Before the first update (and
// without training.causal) a_p = 1/P: the plain mean. Stages that keep
// curvature (lbfgs, engd, lm) keep the last weights. An empty slab has
// L_k = 0.

type causalTerm struct {
	cw     *G.Node   // P x 1 per-point weights, fed
	a      []float64 // their current values
	prog   *Program  // forward-only residual program of the equation
	weight []float64 // w_k of the latest update
}

func (p *Program) causalCfg() *pde.Causal { return p.cfg.Causal }

// causalLoss replaces an equation's plain mean square by the causally
// weighted one when training.causal is set.
func (p *Program) causalLoss(t *term, r *G.Node) {
	c := p.causalCfg()
	if c == nil || t.kind != kindEquation || p.err != nil {
		return
	}
	if p.prob.VariableIndex("t") < 0 {
		p.err = fmt.Errorf("training.causal needs a time variable named t")
		return
	}
	if t.adapt != nil && t.adapt.mask != nil {
		p.err = fmt.Errorf("training.causal does not combine with rar-d sampling")
		return
	}
	ct := &causalTerm{cw: p.input(t.src.inputName(t)+"/causal", t.P, 1), a: filled(t.P, 1/float64(t.P))}
	tensors.Set(ct.cw.Value().(tensor.Tensor), ct.a)
	t.causal = ct
	t.loss = p.keep(G.Sum(p.mul(ct.cw, p.keep(G.Square(r)))))
}

// setCausal sets the per-point weights of a term (from a checkpoint).
func (p *Program) setCausal(t *term, a []float64) {
	copy(t.causal.a, a)
	tensors.Set(t.causal.cw.Value().(tensor.Tensor), t.causal.a)
}

// causalStep recomputes the causal weights of every equation at theta.
func (p *Program) causalStep(theta []float64) error {
	c := p.causalCfg()
	if c == nil {
		return nil
	}
	M := c.Chunks
	if M <= 0 {
		M = pde.DefaultCausalChunks
	}
	eps := c.Epsilon
	if eps == 0 {
		eps = pde.DefaultCausalEpsilon
	}
	ti := p.prob.VariableIndex("t")
	v := p.prob.Variables[ti]
	n := len(p.prob.Variables)
	for _, t := range p.terms {
		ct := t.causal
		if ct == nil {
			continue
		}
		if ct.prog == nil {
			prob := *p.prob
			prob.Equations = append([]pde.Term(nil), prob.Equations...)
			prob.Equations[t.index].Sampler = pde.SamplerConfig{Type: "uniform"}
			prob.Equations[t.index].ResampleEvery = 0
			rp, err := Build(&prob, p.cfg, BuildOptions{only: &termRef{kindEquation, t.index}, Points: t.P, objective: objNone})
			if err != nil {
				return fmt.Errorf("training.causal: residual program: %w", err)
			}
			if rp.terms[0].P != t.P {
				return fmt.Errorf("training.causal: residual program has %d points, the term %d", rp.terms[0].P, t.P)
			}
			ct.prog = rp
		}
		rp := ct.prog
		rt := rp.terms[0]
		rp.setFlat(theta)
		rp.setPoints(rt, p.rawPoints(t), t.normals)
		rp.vm.Reset()
		if err := rp.vm.RunAll(); err != nil {
			return fmt.Errorf("training.causal: residual program: %w", err)
		}
		res := rp.residualValues(rt)[0]
		chunk := make([]int, t.P)
		// the slabs' sums of squares, then their point counts: over every
		// rank of a data-parallel run
		sums := make([]float64, 2*M)
		L, cnt := sums[:M], sums[M:]
		for i := 0; i < t.P; i++ {
			k := int(math.Floor((t.pts[i*n+ti] - v.Lo) / (v.Hi - v.Lo) * float64(M)))
			k = min(max(k, 0), M-1)
			chunk[i] = k
			L[k] += res[i] * res[i]
			cnt[k]++
		}
		if err := p.reduceSum(sums); err != nil {
			return fmt.Errorf("training.causal: %w", err)
		}
		ct.weight = make([]float64, M)
		acc := 0.0
		for k := range L {
			if cnt[k] > 0 {
				L[k] /= cnt[k]
			}
			ct.weight[k] = math.Exp(-eps * acc)
			acc += L[k]
		}
		// a rank's loss is scaled by its share (parallel.go): the ranks'
		// a_p r_p^2 then add up to the global causal loss
		share := t.lossShare()
		for i, k := range chunk {
			ct.a[i] = ct.weight[k] / (float64(M) * cnt[k]) / share
		}
		if math.IsNaN(acc) || math.IsInf(acc, 0) {
			return fmt.Errorf("training.causal: residual of %q is %v (diverged?)", t.name, acc)
		}
		tensors.Set(ct.cw.Value().(tensor.Tensor), ct.a)
	}
	return nil
}

// causalColumns are the metrics.csv columns of the causal weights: the
// weight of the last slab, min_k w_k (jaxpi's "cas_weight"; training is
// causally complete when it nears 1).
func (p *Program) causalColumns() []string {
	var h []string
	for _, t := range p.terms {
		if t.causal != nil {
			h = append(h, "causal_min_"+t.name)
		}
	}
	return h
}

func (p *Program) causalRow() []float64 {
	var row []float64
	for _, t := range p.terms {
		if t.causal != nil {
			w := 1.0
			if len(t.causal.weight) > 0 {
				w = t.causal.weight[len(t.causal.weight)-1]
			}
			row = append(row, w)
		}
	}
	return row
}

// convergenceStep runs the loss-weight updates due before a step of a
// first-order stage: causal weights at every step, then balance factors
// every training.balance.every steps.
func (p *Program) ConvergenceStep(step int, theta []float64, firstOrder bool) error {
	if !firstOrder {
		return nil
	}
	if err := p.causalStep(theta); err != nil {
		return err
	}
	return p.balanceStep(step, theta)
}

// convergenceColumns and convergenceRow are the extra metrics.csv columns.
func (p *Program) ConvergenceColumns() []string {
	return append(p.balanceColumns(), p.causalColumns()...)
}

func (p *Program) ConvergenceRow() []float64 {
	return append(append([]float64(nil), p.balanceFactors()...), p.causalRow()...)
}
