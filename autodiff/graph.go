package autodiff

import (
	"fmt"
	"hash"
	"hash/fnv"
	"sync"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// constLike returns the scalar constant c in the dtype of n: a float32 graph
// must only ever see float32 constants (Gorgonia type-checks them).
func constLike(n *G.Node, c float64) *G.Node {
	if n.Dtype() == tensor.Float32 {
		return G.NewConstant(float32(c))
	}
	return G.NewConstant(c)
}

// scaleNode returns c·n, avoiding a multiplication for c = ±1.
func scaleNode(n *G.Node, c float64) (*G.Node, error) {
	switch c {
	case 1:
		return n, nil
	case -1:
		return G.Neg(n)
	}
	return G.HadamardProd(constLike(n, c), n)
}

// mulNode is the elementwise product; HadamardProd also accepts a scalar ()
// node on either side (checked, including its gradient, in v0.9.18).
func mulNode(a, b *G.Node) (*G.Node, error) { return G.HadamardProd(a, b) }

// addNil adds with nil as a structural zero.
func addNil(a, b *G.Node) (*G.Node, error) {
	switch {
	case a == nil:
		return b, nil
	case b == nil:
		return a, nil
	}
	return G.Add(a, b)
}

// axpy returns acc + c·x with nil as zero.
func axpy(acc *G.Node, c float64, x *G.Node) (*G.Node, error) {
	if x == nil || c == 0 {
		return acc, nil
	}
	if acc == nil {
		return scaleNode(x, c)
	}
	switch c {
	case 1:
		return G.Add(acc, x)
	case -1:
		return G.Sub(acc, x)
	}
	t, err := scaleNode(x, c)
	if err != nil {
		return nil, err
	}
	return G.Add(acc, t)
}

// fnOp is an elementwise Gorgonia Op for a scalar function Gorgonia lacks
// (erf-based Φ, atan). It only needs its first derivative as a graph
// expression: jets never differentiate it (the tower supplies higher
// derivatives), and the single reverse pass is first order.
//
// The embedded Op is a Gorgonia elementwise unary op used only for its
// Type() (a → a); this avoids importing the type-system package directly,
// which go.mod does not require.
type fnOp struct {
	G.Op
	name string
	f    func(float64) float64
	d    func(x *G.Node) (*G.Node, error) // f'(x) as a graph expression
}

var unaryTemplate = sync.OnceValue(func() G.Op {
	g := G.NewGraph()
	x := G.NewScalar(g, G.Float64)
	t, err := G.Tanh(x)
	if err != nil {
		panic(err)
	}
	return t.Op()
})

func newFnOp(name string, f func(float64) float64, d func(*G.Node) (*G.Node, error)) *fnOp {
	return &fnOp{Op: unaryTemplate(), name: name, f: f, d: d}
}

func (op *fnOp) Arity() int { return 1 }
func (op *fnOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, ok := in[0].(tensor.Shape)
	if !ok {
		return nil, fmt.Errorf("autodiff %s: cannot infer shape from %v", op.name, in[0])
	}
	return s.Clone(), nil
}
func (op *fnOp) ReturnsPtr() bool      { return false }
func (op *fnOp) CallsExtern() bool     { return false }
func (op *fnOp) OverwritesInput() int  { return -1 }
func (op *fnOp) String() string        { return "autodiff." + op.name }
func (op *fnOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "autodiff.%s", op.name) }
func (op *fnOp) Hashcode() uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}
func (op *fnOp) IsUnary() bool { return true }

func (op *fnOp) Do(in ...G.Value) (G.Value, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("autodiff %s: want 1 input, got %d", op.name, len(in))
	}
	switch v := in[0].(type) {
	case *G.F64:
		r := G.F64(op.f(float64(*v)))
		return &r, nil
	case *G.F32:
		r := G.F32(float32(op.f(float64(*v))))
		return &r, nil
	case tensor.Tensor:
		out := v.Clone().(tensor.Tensor)
		switch d := out.Data().(type) {
		case []float64:
			for i, x := range d {
				d[i] = op.f(x)
			}
		case []float32:
			for i, x := range d {
				d[i] = float32(op.f(float64(x)))
			}
		case float64:
			out = tensor.New(tensor.FromScalar(op.f(d)))
		case float32:
			out = tensor.New(tensor.FromScalar(float32(op.f(float64(d)))))
		default:
			return nil, fmt.Errorf("autodiff %s: unsupported data %T", op.name, d)
		}
		return out, nil
	}
	return nil, fmt.Errorf("autodiff %s: unsupported value %T", op.name, in[0])
}

func (op *fnOp) DiffWRT(n int) []bool { return []bool{true} }

func (op *fnOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	d, err := op.d(in[0])
	if err != nil {
		return nil, err
	}
	r, err := G.HadamardProd(grad, d)
	if err != nil {
		return nil, err
	}
	return G.Nodes{r}, nil
}

var (
	_ G.Op   = (*fnOp)(nil)
	_ G.SDOp = (*fnOp)(nil)
)
