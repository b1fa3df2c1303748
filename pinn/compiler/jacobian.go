package compiler

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/gopinn/gopinn/pinn/internal/tensors"
	"github.com/gopinn/gopinn/pinn/optim"
	"gonum.org/v1/gonum/mat"
)

// Jacobians of the residual vectors for the Gauss-Newton-type optimizers
// (engd, lm).
//
// The training loss is L = sum over terms t of w_t * mean(r_t^2), i.e.
//
//	L(theta) = sum_t s_t |r_t(theta)|^2,   s_t = w_t / P_t
//
// (P_t the term's number of squared residuals averaged: its points, or for a
// data term points x observed fields). Stacking A = [sqrt(s_t) J_t] and
// b = [sqrt(s_t) r_t] over the terms (J_t = dr_t/dtheta):
//
//	L = |b|^2,  grad L = 2 A^T b,  Gauss-Newton Hessian 2 A^T A = 2 G,
//	G = sum_t (w_t / P_t) J_t^T J_t
//
// and the Gauss-Newton (for the linear PDE operators of Mueller & Zeinhofer,
// the energy natural gradient) step is s = G^+ (grad L / 2) = A^+ b.
//
// Rows of J_t come from residual programs (buildProgram with one term, a
// block of B points and the objective sum_j w_j . r_j): the term's current
// points are fed block by block, and for each point and residual vector the
// weights are set to a unit vector e_i, so that one reverse pass gives one
// row of J_t. The graph work of a run grows with B while the number of runs
// is the number of rows, so small blocks win (see jacobianBlock). Runs of
// different blocks are independent: jacobianWorkers programs per term run
// them in parallel.

// jacobianBlock is the number of points a residual program takes per run.
// Per-run overhead dominates at these sizes: on the 2-D Poisson problem of
// the ENGD tests (2-32-1 tanh, 784 + 112 points, 2 workers, measured while
// another run shared the 2 cores, so noisy) one assembly took 0.13 / 0.10 /
// 0.20 / 0.16 s with blocks of 1 / 4 / 16 / 64 points. 1 wastes no padded
// rows.
const jacobianBlock = 1

// jacobianWorkers is the number of residual programs per term run
// concurrently (at most GOMAXPROCS).
const jacobianWorkers = 8

// A term's Jacobian block at the current parameters is an optim.Block:
// Scale s_t = w_t / P_t (the term's loss is s_t |r|^2), J rows x n (row
// j*P + i: residual vector j at point i), R the residual values in the same
// row order.

// jacobian holds the residual programs of every term of a training program.
type jacobian struct {
	terms []*jacTerm
	loss  *Program // the whole loss, forward only (line searches)
	n     int      // parameters
}

type jacTerm struct {
	progs []*Program // one per worker; each compiles just this term
	block int        // points per run (the residual program's P)
	data  bool       // data term: the residual program holds all rows itself
}

// newJacobian compiles the residual programs for the terms of train.
func newJacobian(train *Program) (*jacobian, error) {
	prob, cfg := train.prob, train.cfg
	jc := &jacobian{n: train.NumParams()}
	workers := max(1, min(jacobianWorkers, runtime.GOMAXPROCS(0)))
	for _, t := range train.terms {
		jt := &jacTerm{data: t.kind == kindData}
		w := workers
		bo := BuildOptions{only: &termRef{t.kind, t.index}, Points: jacobianBlock, objective: objResidualSum}
		if jt.data {
			// A data term's rows are its fixed observations: one program
			// holds them all and their targets.
			bo.Points, w = 0, 1
		}
		for k := 0; k < w; k++ {
			p, err := Build(prob, cfg, bo)
			if err != nil {
				return nil, fmt.Errorf("residual program of %q: %w", t.name, err)
			}
			if len(p.terms) != 1 || p.NumParams() != jc.n {
				return nil, fmt.Errorf("residual program of %q: unexpected layout", t.name)
			}
			rt := p.terms[0]
			if jt.data && rt.P != t.P {
				return nil, fmt.Errorf("residual program of %q: %d rows, training has %d", t.name, rt.P, t.P)
			}
			jt.block = rt.P // the grid sampler may have chosen another count
			jt.progs = append(jt.progs, p)
		}
		jc.terms = append(jc.terms, jt)
	}
	lp, err := Build(prob, cfg, BuildOptions{objective: objNone})
	if err != nil {
		return nil, fmt.Errorf("loss program: %w", err)
	}
	if len(lp.terms) != len(train.terms) {
		return nil, fmt.Errorf("loss program: %d terms, training has %d", len(lp.terms), len(train.terms))
	}
	jc.loss = lp
	return jc, nil
}

// termScale is s_t: the term's contribution to the loss is s_t |r_t|^2.
func termScale(t *term) float64 {
	count := t.P
	if t.kind == kindData {
		count *= len(t.residuals)
	}
	return t.weight * t.lossShare() / float64(count)
}

// assemble computes every term's Jacobian and residuals at theta with the
// current points of train's terms.
func (jc *jacobian) assemble(theta []float64, train *Program) ([]optim.Block, error) {
	if len(train.terms) != len(jc.terms) {
		return nil, fmt.Errorf("jacobian: %d terms, training has %d", len(jc.terms), len(train.terms))
	}
	out := make([]optim.Block, len(train.terms))
	for k, t := range train.terms {
		jt := jc.terms[k]
		nres := len(jt.progs[0].terms[0].residuals)
		P := len(train.rawPoints(t)) / train.pointStride(t)
		if jt.data {
			P = t.P
		}
		tj := optim.Block{Name: t.name, Scale: termScale(t), J: mat.NewDense(nres*P, jc.n, nil), R: make([]float64, nres*P)}
		nblocks := (P + jt.block - 1) / jt.block
		var wg sync.WaitGroup
		errs := make([]error, len(jt.progs))
		for w, p := range jt.progs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for blk := w; blk < nblocks; blk += len(jt.progs) {
					if err := jt.runBlock(p, t, blk, P, theta, &tj); err != nil {
						errs[w] = err
						return
					}
				}
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return nil, fmt.Errorf("jacobian of %q: %w", t.name, err)
			}
		}
		out[k] = tj
	}
	return out, nil
}

// runBlock fills the rows of block blk (points blk*B ...) of one term.
func (jt *jacTerm) runBlock(p *Program, t *term, blk, P int, theta []float64, tj *optim.Block) error {
	rt := p.terms[0]
	B := jt.block
	start := blk * B
	valid := min(B, P-start)
	if !jt.data {
		nv := p.pointStride(rt)
		raw := p.rawPoints(t)
		pts := make([]float64, B*nv)
		var nrm []float64
		if t.normals != nil {
			nrm = make([]float64, B*nv)
		}
		for i := 0; i < B; i++ {
			src := start + min(i, valid-1) // pad with the last valid point
			copy(pts[i*nv:(i+1)*nv], raw[src*nv:(src+1)*nv])
			if nrm != nil {
				copy(nrm[i*nv:(i+1)*nv], t.normals[src*nv:(src+1)*nv])
			}
		}
		p.setPoints(rt, pts, nrm)
	}
	w := make([]float64, B)
	for j := range rt.resW {
		p.setResidualWeights(rt, j, w)
	}
	for j := range rt.resW {
		for i := 0; i < valid; i++ {
			w[i] = 1
			p.setResidualWeights(rt, j, w)
			w[i] = 0
			row := j*P + start + i
			if _, err := p.Run(theta, tj.J.RawRowView(row)); err != nil {
				return err
			}
			if j == 0 && i == 0 {
				for jj, rv := range p.residualValues(rt) {
					copy(tj.R[jj*P+start:jj*P+start+valid], rv[:valid])
				}
			}
		}
		p.setResidualWeights(rt, j, w)
	}
	return nil
}

// lossAt evaluates the training loss at theta (forward only) with the
// current points of train's terms.
func (jc *jacobian) lossAt(theta []float64, train *Program) (float64, error) {
	lp := jc.loss
	for k, t := range train.terms {
		if t.kind == kindData {
			continue
		}
		lp.setPoints(lp.terms[k], train.rawPoints(t), t.normals)
	}
	lp.setFlat(theta)
	lp.vm.Reset()
	if err := lp.vm.RunAll(); err != nil {
		return 0, fmt.Errorf("graph: %w", err)
	}
	return tensors.Scalar(lp.total), nil
}
