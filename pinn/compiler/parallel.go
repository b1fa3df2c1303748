package compiler

import (
	"fmt"
	"math/rand/v2"

	"github.com/gopinn/gopinn/sampling"
)

// Data-parallel programs (SPEC §7). Each rank compiles the same program on
// its own points: random point sets come from the rank's own streams (the
// global batch is ranks × points), fixed point sets (the grid) and data
// rows are split between the ranks (rank r takes rows r, r+N, ...). Each
// term's loss is scaled by its share of the global rows, so the sum over
// ranks of the losses — and of the gradients — is the loss of the union of
// the ranks' points: the trainer adds them with one all-reduce per
// evaluation (pinn/parallel.go). Rank 0 of a data-parallel run draws the
// points a plain run draws; with one rank nothing changes at all.

// rankMark separates a rank's labels from the stream labels before them,
// so that no rank's stream is another stream of the run.
const rankMark uint64 = 0x72616e6b // "rank"

// Rank is this program's rank of a data-parallel run (0 without one).
func (c *Config) Rank() int {
	if c.Comm == nil {
		return 0
	}
	return c.Comm.Rank()
}

// Ranks is the number of ranks of a data-parallel run (1 without one).
func (c *Config) Ranks() int {
	if c.Comm == nil {
		return 1
	}
	return c.Comm.Size()
}

// pointStream is the stream of a term's points (labels after streamPoints)
// on this rank: rank 0 uses the plain run's stream.
func (c *Config) pointStream(labels ...uint64) *rand.Rand {
	all := append([]uint64{streamPoints}, labels...)
	if r := c.Rank(); r > 0 {
		all = append(all, rankMark, uint64(r))
	}
	return sampling.Stream(c.Seed, all...)
}

// splitRows keeps the rows (n columns) of x that rank r of ranks holds:
// rows r, r+ranks, ... (nil x stays nil).
func splitRows(x []float64, n, r, ranks int) []float64 {
	if x == nil || ranks <= 1 {
		return x
	}
	var out []float64
	for i := r; i*n < len(x); i += ranks {
		out = append(out, x[i*n:(i+1)*n]...)
	}
	return out
}

// shareRows splits a fixed set of rows between the ranks and sets the
// term's share of the global rows; a random set (drawn per rank) keeps its
// rows, its share is 1/ranks.
func (p *Program) shareRows(t *term, fixed bool, n int) error {
	ranks := p.cfg.Ranks()
	if ranks <= 1 {
		return nil
	}
	if !fixed {
		t.share = 1 / float64(ranks)
		return nil
	}
	global := len(t.pts) / n
	t.pts = splitRows(t.pts, n, p.cfg.Rank(), ranks)
	t.normals = splitRows(t.normals, n, p.cfg.Rank(), ranks)
	local := len(t.pts) / n
	if local == 0 {
		return &InputError{Err: fmt.Errorf("%s %q: its %d fixed points cannot be split between %d ranks (fewer points than ranks)", termKindName[t.kind], t.name, global, ranks)}
	}
	t.share = float64(local) / float64(global)
	return nil
}

// lossShare is the factor of the term's loss: its share of the global rows
// (1 without a data-parallel run).
func (t *term) lossShare() float64 {
	if t.share == 0 {
		return 1
	}
	return t.share
}

// scaleShare scales a term's loss by its share (before its loss is read and
// weighted): summed over the ranks, the term's losses are its global mean.
func (p *Program) scaleShare(t *term) {
	if s := t.lossShare(); s != 1 && t.loss != nil {
		t.loss = p.scale(t.loss, s)
	}
}

// reduceSum adds x over the ranks of a data-parallel run (in place).
func (p *Program) reduceSum(x []float64) error {
	if p.cfg.Ranks() <= 1 {
		return nil
	}
	return p.cfg.Comm.AllreduceSum(x)
}
