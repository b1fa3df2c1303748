package pinn

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/gopinn/gopinn/comm"
	"github.com/gopinn/gopinn/pinn/compiler"
	"github.com/gopinn/gopinn/pinn/internal/runio"
	"github.com/gopinn/gopinn/pinn/optim"
	"gonum.org/v1/gonum/mat"
)

// The trainer's side of a data-parallel run (SPEC §7; the program's side is
// compiler/parallel.go). Every rank runs the same loop on its own points;
// the optimizers see an objective whose every evaluation is one all-reduce
// of [gradient | loss | term losses | stop | failed], so all ranks hold the
// same loss, gradient and parameters and take the same decisions (L-BFGS
// line searches included) without knowing they run in parallel. The
// Gauss-Newton methods (engd, lm) get the Jacobian rows of every rank. A
// rank that wants to stop (Ctrl-C, SIGTERM from mpirun) says so in the next
// reduction; all ranks then stop after the same step. Rank 0 writes the run
// directory; the checkpoint holds every rank's program state, gathered to
// rank 0 and broadcast back on resume, so no file system needs to be shared.

// parallel is a data-parallel run's communicator and the results of its
// latest reduction.
type parallel struct {
	c      comm.Comm
	prog   *compiler.Program
	names  []string
	wants  func() bool        // this rank wants to stop
	stop   bool               // some rank wanted to stop at the latest reduction
	losses map[string]float64 // global term losses of the latest reduced evaluation
	buf    []float64
}

// errOtherRank is a step that failed on another rank (that rank reports
// its own error).
var errOtherRank = errors.New("another rank failed (see its error)")

// reduce adds loss, g (may be nil) and, with terms, the program's term
// losses over the ranks; a local error is reported to every rank.
func (pl *parallel) reduce(loss float64, g []float64, terms bool, local error) (float64, error) {
	k := 0
	if terms {
		k = len(pl.names)
	}
	n := len(g)
	pl.buf = slices.Grow(pl.buf[:0], n+k+3)[:n+k+3]
	buf := pl.buf
	clear(buf)
	if local == nil {
		copy(buf, g)
		buf[n] = loss
		if terms {
			tl := pl.prog.TermLosses()
			for i, name := range pl.names {
				buf[n+1+i] = tl[name]
			}
		}
	} else {
		buf[n+k+2] = 1
	}
	if pl.wants != nil && pl.wants() {
		buf[n+k+1] = 1
	}
	if err := pl.c.AllreduceSum(buf); err != nil {
		return 0, fmt.Errorf("all-reduce: %w", err)
	}
	pl.stop = pl.stop || buf[n+k+1] > 0
	if buf[n+k+2] > 0 {
		if local != nil {
			return 0, local
		}
		return 0, errOtherRank
	}
	copy(g, buf[:n])
	if terms {
		pl.losses = make(map[string]float64, k)
		for i, name := range pl.names {
			pl.losses[name] = buf[n+1+i]
		}
	}
	return buf[n], nil
}

// objective wraps a stage's objective for the ranks.
func (pl *parallel) objective(o optim.Objective) optim.Objective {
	po := parallelObjective{pl: pl, inner: o}
	if ls, ok := o.(optim.LeastSquares); ok {
		return parallelLeastSquares{parallelObjective: po, ls: ls}
	}
	return po
}

type parallelObjective struct {
	pl    *parallel
	inner optim.Objective
}

func (o parallelObjective) LossGrad(x, g []float64) (float64, error) {
	loss, err := o.inner.LossGrad(x, g)
	return o.pl.reduce(loss, g, true, err)
}

type parallelLeastSquares struct {
	parallelObjective
	ls optim.LeastSquares
}

var _ optim.LeastSquares = parallelLeastSquares{}

func (o parallelLeastSquares) Loss(x []float64) (float64, error) {
	f, err := o.ls.Loss(x)
	return o.pl.reduce(f, nil, false, err)
}

// Residuals returns the blocks of every rank, rank by rank: each rank's
// rows enter the buffer of an all-reduce at their own offset (the others
// add zeros there, which is exact).
func (o parallelLeastSquares) Residuals(x []float64) ([]optim.Block, error) {
	blocks, err := o.ls.Residuals(x)
	c := o.pl.c
	R, rank := c.Size(), c.Rank()
	nb := len(o.pl.names)
	if err == nil && len(blocks) != nb {
		err = fmt.Errorf("residuals: %d blocks for %d terms", len(blocks), nb)
	}
	// the rows of every block on every rank, the parameter count, failure
	head := make([]float64, R*nb+2)
	n := 0
	if err == nil {
		for b, bl := range blocks {
			head[rank*nb+b] = float64(len(bl.R))
			_, n = bl.J.Dims()
		}
		head[R*nb] = float64(n)
	} else {
		head[R*nb+1] = 1
	}
	if e := c.AllreduceSum(head); e != nil {
		return nil, fmt.Errorf("all-reduce: %w", e)
	}
	if head[R*nb+1] > 0 {
		if err != nil {
			return nil, err
		}
		return nil, errOtherRank
	}
	n = int(head[R*nb]) / R
	size, mine := 0, 0
	for r := 0; r < R; r++ {
		if r == rank {
			mine = size
		}
		for b := 0; b < nb; b++ {
			size += 1 + int(head[r*nb+b])*(n+1) // scale, then rows of J and R
		}
	}
	buf := make([]float64, size)
	off := mine
	for _, bl := range blocks {
		buf[off] = bl.Scale
		off++
		rows := len(bl.R)
		for i := 0; i < rows; i++ {
			copy(buf[off:off+n], bl.J.RawRowView(i))
			off += n
		}
		copy(buf[off:off+rows], bl.R)
		off += rows
	}
	if e := c.AllreduceSum(buf); e != nil {
		return nil, fmt.Errorf("all-reduce: %w", e)
	}
	var out []optim.Block
	off = 0
	for r := 0; r < R; r++ {
		for b := 0; b < nb; b++ {
			rows := int(head[r*nb+b])
			bl := optim.Block{Name: o.pl.names[b], Scale: buf[off]}
			off++
			if rows == 0 {
				bl.J = mat.NewDense(1, n, nil) // no rows: one zero row, no residual
				bl.R = []float64{0}
			} else {
				bl.J = mat.NewDense(rows, n, slices.Clone(buf[off:off+rows*n]))
				bl.R = slices.Clone(buf[off+rows*n : off+rows*n+rows])
			}
			off += rows * (n + 1)
			out = append(out, bl)
		}
	}
	return out, nil
}

// The program state of every rank travels as float64 values: a map of
// arrays is encoded as [count, then per array: key length, key bytes,
// dims, shape..., data length, data...] with every float64 of the data
// split into two exact 32-bit halves, so that an all-reduce that adds
// zeros to it (and broadcasts) carries every bit, -0 and NaN payloads
// included.

func encodeState(a map[string]runio.Array) []float64 {
	out := []float64{float64(len(a))}
	for _, k := range slices.Sorted(maps.Keys(a)) {
		v := a[k]
		out = append(out, float64(len(k)))
		for i := 0; i < len(k); i++ {
			out = append(out, float64(k[i]))
		}
		out = append(out, float64(len(v.Shape)))
		for _, d := range v.Shape {
			out = append(out, float64(d))
		}
		out = append(out, float64(len(v.Data)))
		for _, x := range v.Data {
			b := math.Float64bits(x)
			out = append(out, float64(b>>32), float64(b&0xffffffff))
		}
	}
	return out
}

func decodeState(x []float64) (map[string]runio.Array, error) {
	pos := 0
	// a count (at most the values left) or, with limit, a key byte
	nextMax := func(limit float64) (int, error) {
		if pos >= len(x) {
			return 0, fmt.Errorf("rank state: truncated")
		}
		v := x[pos]
		pos++
		if v < 0 || v != math.Trunc(v) || v > limit {
			return 0, fmt.Errorf("rank state: bad count %v", v)
		}
		return int(v), nil
	}
	next := func() (int, error) { return nextMax(float64(len(x))) }
	count, err := next()
	if err != nil {
		return nil, err
	}
	a := make(map[string]runio.Array, count)
	for range count {
		kl, err := next()
		if err != nil {
			return nil, err
		}
		var sb strings.Builder
		for range kl {
			c, err := nextMax(255)
			if err != nil {
				return nil, err
			}
			sb.WriteByte(byte(c))
		}
		nd, err := next()
		if err != nil {
			return nil, err
		}
		shape := make([]int, nd)
		for i := range shape {
			if shape[i], err = next(); err != nil {
				return nil, err
			}
		}
		nv, err := next()
		if err != nil {
			return nil, err
		}
		if pos+2*nv > len(x) {
			return nil, fmt.Errorf("rank state: truncated")
		}
		data := make([]float64, nv)
		for i := range data {
			data[i] = math.Float64frombits(uint64(x[pos])<<32 | uint64(x[pos+1]))
			pos += 2
		}
		a[sb.String()] = runio.Array{Shape: shape, Data: data}
	}
	return a, nil
}

// rankPrefix is the prefix of rank r's program state in a checkpoint
// (rank 0's is unprefixed: it is the state a plain run saves).
func rankPrefix(r int) string {
	if r == 0 {
		return ""
	}
	return fmt.Sprintf("rank%d/", r)
}

// gatherStates adds every rank's program state to rank 0's checkpoint map
// a, under rankPrefix(r) (a collective: every rank calls it at the same
// step).
func (pl *parallel) gatherStates(a map[string]runio.Array, theta []float64) error {
	c := pl.c
	R := c.Size()
	own := map[string]runio.Array{}
	pl.prog.SaveState(own, theta)
	enc := encodeState(own)
	sizes := make([]float64, R)
	sizes[c.Rank()] = float64(len(enc))
	if err := c.AllreduceSum(sizes); err != nil {
		return fmt.Errorf("all-reduce: %w", err)
	}
	total, mine := 0, 0
	for r, s := range sizes {
		if r == c.Rank() {
			mine = total
		}
		total += int(s)
	}
	buf := make([]float64, total)
	copy(buf[mine:], enc)
	if err := c.AllreduceSum(buf); err != nil {
		return fmt.Errorf("all-reduce: %w", err)
	}
	if c.Rank() != 0 {
		return nil
	}
	off := 0
	for r := 0; r < R; r++ {
		n := int(sizes[r])
		if r > 0 {
			st, err := decodeState(buf[off : off+n])
			if err != nil {
				return err
			}
			for k, v := range st {
				if isProgramState(k) { // weights and factors: rank 0's are every rank's
					a[rankPrefix(r)+k] = v
				}
			}
		}
		off += n
	}
	return nil
}

// isProgramState reports whether a checkpoint key is per-rank program
// state (points, normals, epochs, causal weights) rather than weights or
// factors every rank shares.
func isProgramState(k string) bool {
	for _, p := range []string{"points/", "normals/", "epoch/", "causal/"} {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// broadcastCheckpoint gives every rank rank 0's checkpoint (read there:
// the other ranks need no access to the run directory) and returns the
// map with this rank's program state unprefixed.
func (pl *parallel) broadcastCheckpoint(a map[string]runio.Array, readErr error) (map[string]runio.Array, error) {
	c := pl.c
	var enc []float64
	head := []float64{0, 0}
	if c.Rank() == 0 {
		if readErr != nil {
			head[1] = 1
		} else {
			enc = encodeState(a)
			head[0] = float64(len(enc))
		}
	}
	if err := c.Bcast(head, 0); err != nil {
		return nil, fmt.Errorf("broadcast: %w", err)
	}
	if head[1] > 0 {
		if readErr != nil {
			return nil, readErr
		}
		return nil, fmt.Errorf("rank 0 could not read the checkpoint")
	}
	if c.Rank() != 0 {
		enc = make([]float64, int(head[0]))
	}
	if err := c.Bcast(enc, 0); err != nil {
		return nil, fmt.Errorf("broadcast: %w", err)
	}
	all, err := decodeState(enc)
	if err != nil {
		return nil, err
	}
	if n, ok := all["ranks"]; !ok || len(n.Data) != 1 || int(n.Data[0]) != c.Size() {
		was := 1.0
		if ok && len(n.Data) == 1 {
			was = n.Data[0]
		}
		return nil, &InputError{Err: fmt.Errorf("the checkpoint was written by a run of %g ranks; resume it with as many (mpirun -np %g), this launch has %d", was, was, c.Size())}
	}
	out := map[string]runio.Array{}
	for k, v := range all {
		if r, rest, ok := splitRankKey(k); ok {
			if r == c.Rank() {
				out[rest] = v
			}
			continue
		}
		if c.Rank() != 0 && isProgramState(k) {
			continue // rank 0's own state
		}
		out[k] = v
	}
	return out, nil
}

// splitRankKey splits "rank<r>/rest" into r and rest.
func splitRankKey(k string) (int, string, bool) {
	rest, ok := strings.CutPrefix(k, "rank")
	if !ok {
		return 0, "", false
	}
	num, rest, ok := strings.Cut(rest, "/")
	r, err := strconv.Atoi(num)
	if !ok || err != nil || r <= 0 {
		return 0, "", false
	}
	return r, rest, true
}
