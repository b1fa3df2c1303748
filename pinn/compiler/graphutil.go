package compiler

import (
	"fmt"

	"github.com/gopinn/gopinn/pinn/internal/tensors"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// ops wraps Gorgonia calls and keeps the first error, so that graph
// construction reads as arithmetic and is checked once at the end.
type ops struct {
	g   *G.ExprGraph
	dt  tensor.Dtype
	err error
}

func (o *ops) keep(n *G.Node, err error) *G.Node {
	if o.err == nil && err != nil {
		o.err = err
	}
	if o.err != nil {
		return nil
	}
	return n
}

func (o *ops) add(a, b *G.Node) *G.Node {
	if o.err != nil {
		return nil
	}
	return o.keep(G.Add(a, b))
}
func (o *ops) sub(a, b *G.Node) *G.Node {
	if o.err != nil {
		return nil
	}
	return o.keep(G.Sub(a, b))
}
func (o *ops) mul(a, b *G.Node) *G.Node { // elementwise
	if o.err != nil {
		return nil
	}
	return o.keep(G.HadamardProd(a, b))
}
func (o *ops) matmul(a, b *G.Node) *G.Node {
	if o.err != nil {
		return nil
	}
	return o.keep(G.Mul(a, b))
}
func (o *ops) scale(a *G.Node, c float64) *G.Node {
	if o.err != nil {
		return nil
	}
	return o.keep(G.HadamardProd(a, o.scalar(c)))
}
func (o *ops) meanSquare(a *G.Node) *G.Node {
	if o.err != nil {
		return nil
	}
	sq := o.keep(G.Square(a))
	if o.err != nil {
		return nil
	}
	return o.keep(G.Mean(sq))
}

// scalar is a graph constant in the graph's dtype (float32 graphs need
// float32 constants).
func (o *ops) scalar(c float64) *G.Node {
	if o.dt == tensor.Float32 {
		return G.NewConstant(float32(c))
	}
	return G.NewConstant(c)
}

// input creates a fed (non-trainable) matrix node with its own backing.
func (o *ops) input(name string, r, c int) *G.Node {
	return G.NewMatrix(o.g, o.dt, G.WithShape(r, c), G.WithName(name), G.WithValue(tensors.New(o.dt, r, c)))
}

// fixed creates a matrix node holding constant values, fed once.
func (o *ops) fixed(name string, r, c int, vals []float64) *G.Node {
	t := tensors.New(o.dt, r, c)
	tensors.Set(t, vals)
	return G.NewMatrix(o.g, o.dt, G.WithShape(r, c), G.WithName(name), G.WithValue(t))
}

func filled(n int, v float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
