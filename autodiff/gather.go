package autodiff

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Rows is a mutable list of row indices read by RowGather and RowScatter at
// every run, so that one graph serves a new draw of sampled coordinates per
// step (set Idx in place; its length is fixed when the op is built).
type Rows struct{ Idx []int }

// RowGather returns the rows w[idx[0]], w[idx[1]], ... of the matrix w
// (n × m) as a len(idx) × m matrix. It is the first layer's jet along a
// coordinate direction e_j: e_j·W1 is row j of W1, so a sampled direction
// costs O(m) instead of a d-long product. Its reverse is RowScatter
// (scatter-add into an n × m zero matrix). Gorgonia's own Slice/Concat have
// wrong derivatives in v0.9.18; this op is tested against finite differences.
func RowGather(w *G.Node, rows *Rows) (*G.Node, error) {
	if w.Dims() != 2 {
		return nil, fmt.Errorf("autodiff.RowGather: want a matrix, got shape %v", w.Shape())
	}
	sh := w.Shape()
	return G.ApplyOp(&rowOp{id: nextOpID(), rows: rows, n: sh[0], m: sh[1]}, w)
}

// RowScatter is the adjoint of RowGather: out (n × m) = Σ_k e_{idx[k]} g[k]
// for g of shape len(idx) × m.
func RowScatter(g *G.Node, rows *Rows, n int) (*G.Node, error) {
	return G.ApplyOp(&rowOp{id: nextOpID(), rows: rows, n: n, m: g.Shape()[1], scatter: true}, g)
}

type rowOp struct {
	id      uint64
	rows    *Rows
	n, m    int
	scatter bool
	res     *tensor.Dense
}

func (op *rowOp) Arity() int    { return 1 }
func (op *rowOp) Type() hm.Type { return hm.NewFnType(matType(), matType()) }
func (op *rowOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	if op.scatter {
		return tensor.Shape{op.n, op.m}, nil
	}
	return tensor.Shape{len(op.rows.Idx), op.m}, nil
}
func (op *rowOp) ReturnsPtr() bool     { return false }
func (op *rowOp) CallsExtern() bool    { return false }
func (op *rowOp) OverwritesInput() int { return -1 }
func (op *rowOp) String() string {
	if op.scatter {
		return fmt.Sprintf("autodiff.RowScatter#%d", op.id)
	}
	return fmt.Sprintf("autodiff.RowGather#%d", op.id)
}
func (op *rowOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "%s", op.String()) }
func (op *rowOp) Hashcode() uint32      { return opHash(op) }

func (op *rowOp) Do(in ...G.Value) (G.Value, error) {
	sh, _ := op.InferShape()
	return doInto(op, in[0], sh, &op.res)
}

func (op *rowOp) kernel64(src, dst []float64) error { return rowsDo(op, src, dst) }
func (op *rowOp) kernel32(src, dst []float32) error { return rowsDo(op, src, dst) }

// bufferKernel is a one-input op computed into a fixed-shape result buffer
// (doInto), in either element type.
type bufferKernel interface {
	fmt.Stringer
	kernel64(src, dst []float64) error
	kernel32(src, dst []float32) error
}

// doInto is the Do of a bufferKernel: it checks the input, allocates the
// result of shape sh at the first call (*res) and runs the kernel of the
// input's element type into it.
func doInto(op bufferKernel, in G.Value, sh []int, res **tensor.Dense) (G.Value, error) {
	t, ok := in.(tensor.Tensor)
	if !ok {
		return nil, fmt.Errorf("%v: input %T", op, in)
	}
	if *res == nil {
		*res = tensor.New(tensor.Of(t.Dtype()), tensor.WithShape(sh...))
	}
	var err error
	switch src := t.Data().(type) {
	case []float64:
		err = op.kernel64(src, (*res).Data().([]float64))
	case []float32:
		err = op.kernel32(src, (*res).Data().([]float32))
	default:
		err = fmt.Errorf("%v: data %T", op, src)
	}
	return *res, err
}

func rowsDo[T float](op *rowOp, src, dst []T) error {
	m := op.m
	if op.scatter {
		// rewritten every run: downstream ops may have accumulated into it
		clear(dst)
		for k, j := range op.rows.Idx {
			if j < 0 || j >= op.n {
				return fmt.Errorf("%v: row %d out of range [0, %d)", op, j, op.n)
			}
			axpy64(1, src[k*m:(k+1)*m], dst[j*m:(j+1)*m])
		}
		return nil
	}
	for k, j := range op.rows.Idx {
		if j < 0 || j >= op.n {
			return fmt.Errorf("%v: row %d out of range [0, %d)", op, j, op.n)
		}
		copy(dst[k*m:(k+1)*m], src[j*m:(j+1)*m])
	}
	return nil
}

func (op *rowOp) DiffWRT(int) []bool { return []bool{true} }

func (op *rowOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	back := &rowOp{id: nextOpID(), rows: op.rows, n: op.n, m: op.m, scatter: !op.scatter}
	s, err := G.ApplyOp(back, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{s}, nil
}

// Tile repeats every row of x (P × m) B times: row p of x becomes rows
// p·B .. p·B+B-1 of the result (P·B × m). It broadcasts a point's primal
// values to the stacked rows of its B sampled directions. Its reverse is
// GroupSum.
func Tile(x *G.Node, B int) (*G.Node, error) {
	if x.Dims() != 2 {
		return nil, fmt.Errorf("autodiff.Tile: want a matrix, got shape %v", x.Shape())
	}
	sh := x.Shape()
	return G.ApplyOp(&tileOp{id: nextOpID(), P: sh[0], m: sh[1], B: B}, x)
}

// GroupSum sums every B consecutive rows of x (P·B × m) into one (P × m):
// the per-point sum over sampled directions, and the adjoint of Tile.
func GroupSum(x *G.Node, B int) (*G.Node, error) {
	if x.Dims() != 2 || x.Shape()[0]%B != 0 {
		return nil, fmt.Errorf("autodiff.GroupSum: shape %v not a multiple of %d rows", x.Shape(), B)
	}
	sh := x.Shape()
	return G.ApplyOp(&tileOp{id: nextOpID(), P: sh[0] / B, m: sh[1], B: B, sum: true}, x)
}

type tileOp struct {
	id      uint64
	P, m, B int
	sum     bool
	res     *tensor.Dense
}

func (op *tileOp) Arity() int    { return 1 }
func (op *tileOp) Type() hm.Type { return hm.NewFnType(matType(), matType()) }
func (op *tileOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	if op.sum {
		return tensor.Shape{op.P, op.m}, nil
	}
	return tensor.Shape{op.P * op.B, op.m}, nil
}
func (op *tileOp) ReturnsPtr() bool     { return false }
func (op *tileOp) CallsExtern() bool    { return false }
func (op *tileOp) OverwritesInput() int { return -1 }
func (op *tileOp) String() string {
	if op.sum {
		return fmt.Sprintf("autodiff.GroupSum(%d)#%d", op.B, op.id)
	}
	return fmt.Sprintf("autodiff.Tile(%d)#%d", op.B, op.id)
}
func (op *tileOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "%s", op.String()) }
func (op *tileOp) Hashcode() uint32      { return opHash(op) }

func (op *tileOp) Do(in ...G.Value) (G.Value, error) {
	sh, _ := op.InferShape()
	return doInto(op, in[0], sh, &op.res)
}

func (op *tileOp) kernel64(src, dst []float64) error { tileDo(op, src, dst); return nil }
func (op *tileOp) kernel32(src, dst []float32) error { tileDo(op, src, dst); return nil }

func tileDo[T float](op *tileOp, src, dst []T) {
	m, B := op.m, op.B
	for p := 0; p < op.P; p++ {
		if op.sum {
			row := dst[p*m : (p+1)*m]
			copy(row, src[p*B*m:(p*B+1)*m])
			for b := 1; b < B; b++ {
				axpy64(1, src[(p*B+b)*m:(p*B+b+1)*m], row)
			}
			continue
		}
		for b := 0; b < B; b++ {
			copy(dst[(p*B+b)*m:(p*B+b+1)*m], src[p*m:(p+1)*m])
		}
	}
}

func (op *tileOp) DiffWRT(int) []bool { return []bool{true} }

func (op *tileOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	back := &tileOp{id: nextOpID(), P: op.P, m: op.m, B: op.B, sum: !op.sum}
	s, err := G.ApplyOp(back, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{s}, nil
}

var (
	_ G.SDOp = (*rowOp)(nil)
	_ G.SDOp = (*tileOp)(nil)
)
