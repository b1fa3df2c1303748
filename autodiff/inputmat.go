package autodiff

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"gonum.org/v1/gonum/blas"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// InputMatMul returns x·w for a fed input x (P × n) and a weight matrix w
// (n × m), differentiable in w only. Gorgonia's Mul differentiates both
// operands, and its tape runs every node it built: for the first layer of a
// high-dimensional network that is a wasted P × n input gradient (and an
// n × m transpose of w) per step — 80 MB and 100 MB at 100K-D. The reverse
// here is one product, dw = xᵀ·g.
func InputMatMul(x, w *G.Node) (*G.Node, error) {
	if x.Dims() != 2 || w.Dims() != 2 || x.Shape()[1] != w.Shape()[0] {
		return nil, fmt.Errorf("autodiff.InputMatMul: shapes %v and %v", x.Shape(), w.Shape())
	}
	return G.ApplyOp(&inputMatOp{id: nextOpID(), rows: x.Shape()[0], n: x.Shape()[1], m: w.Shape()[1]}, x, w)
}

// inputMatOp computes x·w (P × m), or with grad set xᵀ·g (n × m) for
// inputs (x, g).
type inputMatOp struct {
	id         uint64
	rows, n, m int
	grad       bool
	res        *tensor.Dense
}

func (op *inputMatOp) Arity() int { return 2 }
func (op *inputMatOp) Type() hm.Type {
	return hm.NewFnType(matType(), matType(), matType())
}
func (op *inputMatOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	if op.grad {
		return tensor.Shape{op.n, op.m}, nil
	}
	return tensor.Shape{op.rows, op.m}, nil
}
func (op *inputMatOp) ReturnsPtr() bool     { return false }
func (op *inputMatOp) CallsExtern() bool    { return false }
func (op *inputMatOp) OverwritesInput() int { return -1 }
func (op *inputMatOp) String() string {
	if op.grad {
		return fmt.Sprintf("autodiff.InputMatMulGrad#%d", op.id)
	}
	return fmt.Sprintf("autodiff.InputMatMul#%d", op.id)
}
func (op *inputMatOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "%s", op.String()) }
func (op *inputMatOp) Hashcode() uint32      { return opHash(op) }

func (op *inputMatOp) Do(in ...G.Value) (G.Value, error) {
	if len(in) != 2 {
		return nil, fmt.Errorf("%v: %d inputs", op, len(in))
	}
	a, ok1 := in[0].(tensor.Tensor)
	b, ok2 := in[1].(tensor.Tensor)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("%v: inputs %T, %T", op, in[0], in[1])
	}
	sh, _ := op.InferShape()
	if op.res == nil {
		op.res = tensor.New(tensor.Of(a.Dtype()), tensor.WithShape(sh...))
	}
	// x·w: (P×n)(n×m); xᵀ·g: (P×n)ᵀ(P×m)
	tA, M, K := blas.NoTrans, op.rows, op.n
	if op.grad {
		tA, M, K = blas.Trans, op.n, op.rows
	}
	impl := tensor.WhichBLAS()
	switch x := a.Data().(type) {
	case []float64:
		y, ok := b.Data().([]float64)
		if !ok {
			return nil, fmt.Errorf("%v: mixed element types", op)
		}
		impl.Dgemm(tA, blas.NoTrans, M, op.m, K, 1, x, op.n, y, op.m, 0, op.res.Data().([]float64), op.m)
	case []float32:
		y, ok := b.Data().([]float32)
		if !ok {
			return nil, fmt.Errorf("%v: mixed element types", op)
		}
		impl.Sgemm(tA, blas.NoTrans, M, op.m, K, 1, x, op.n, y, op.m, 0, op.res.Data().([]float32), op.m)
	default:
		return nil, fmt.Errorf("%v: data %T", op, x)
	}
	return op.res, nil
}

// DiffWRT: w only (x is fed data); the gradient op is not differentiated.
func (op *inputMatOp) DiffWRT(int) []bool {
	if op.grad {
		return []bool{false, false}
	}
	return []bool{false, true}
}

func (op *inputMatOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	if op.grad {
		return nil, fmt.Errorf("%v: not differentiable", op)
	}
	back := &inputMatOp{id: nextOpID(), rows: op.rows, n: op.n, m: op.m, grad: true}
	dw, err := G.ApplyOp(back, inputs[0], grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{nil, dw}, nil
}
