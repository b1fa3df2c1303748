package autodiff

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The activation of a stacked 2-jet in a few single-pass ops. As graph ops
// (composeTower) every hidden layer of a high-dimensional step spends about
// ten elementwise Gorgonia ops on P·B × width matrices forward and as many
// backward, each a fresh buffer — 40 % of the network's time at 10K-D. Here
// the derivatives f, f', f”, f”' of the primal rows are computed once per
// layer (stDerivs, not differentiated), and each output coefficient and each
// input gradient is one loop over the rows:
//
//	y0 = f(z0)
//	y1 = f'(z0) ⊗ z1
//	y2 = f'(z0) ⊗ z2 + f''(z0) ⊗ z1²
//
// (⊗: the primal row's value against each of its B direction rows), with
// reverse
//
//	∂z0 = f' g0 + Σ_b (f'' z1 g1 + (f'' z2 + f''' z1²) g2)
//	∂z1 = f' g1 + 2 f'' z1 g2
//	∂z2 = f' g2.
type stKind int

const (
	stDerivs stKind = iota // [f; f'; f''; f'''](z0), 4P × m        in: z0
	stY0                   // f(z0), P × m                          in: z0, D
	stY1                   // f' ⊗ z1, PB × m                       in: z0, D, z1
	stY2                   // f' ⊗ z2 + f'' ⊗ z1², PB × m           in: z0, D, z1[, z2]
	stY0dz0                // f' g, P × m                           in: D, g
	stY1dz0                // Σ_b f'' z1 g, P × m                   in: D, z1, g
	stFdz                  // f' ⊗ g, PB × m (∂z1 of y1, ∂z2 of y2) in: D, g
	stY2dz0                // Σ_b (f'' z2 + f''' z1²) g, P × m      in: D, z1[, z2], g
	stY2dz1                // 2 f'' ⊗ z1 g, PB × m                  in: D, z1, g
)

var stNames = [...]string{"derivs", "y0", "y1", "y2", "y0/dz0", "y1/dz0", "f'·g", "y2/dz0", "y2/dz1"}

type stackedTowerOp struct {
	id      uint64
	kind    stKind
	P, B, m int
	z2      bool      // stY2, stY2dz0: z2 is an input (else a structural zero)
	df      derivFunc // stDerivs
	arity   int
	res     *tensor.Dense
}

// stackedApply2 is StackedApply for orders 1 and 2 with C[1] present.
func stackedApply2(a StackedJet, t Tower) (StackedJet, error) {
	K, z0 := a.Order(), a.C[0]
	P, m := z0.Shape()[0], z0.Shape()[1]
	for k, c := range a.C[1:] {
		if c != nil && (c.Dims() != 2 || c.Shape()[0] != P*a.B || c.Shape()[1] != m) {
			return StackedJet{}, fmt.Errorf("autodiff.StackedApply %s: C[%d] is %v, want %d×%d (B = %d rows per point)", t.Name(), k+1, c.Shape(), P*a.B, m, a.B)
		}
	}
	mk := func(kind stKind, z2 bool, in ...*G.Node) (*G.Node, error) {
		op := &stackedTowerOp{id: nextOpID(), kind: kind, P: P, B: a.B, m: m, z2: z2, arity: len(in)}
		if kind == stDerivs {
			op.df = towerFunc(t, 3)
		}
		n, err := G.ApplyOp(op, in...)
		if err != nil {
			return nil, fmt.Errorf("autodiff.StackedApply %s: %w", t.Name(), err)
		}
		return n, nil
	}
	D, err := mk(stDerivs, false, z0)
	if err != nil {
		return StackedJet{}, err
	}
	out := make([]*G.Node, K+1)
	if out[0], err = mk(stY0, false, z0, D); err != nil {
		return StackedJet{}, err
	}
	if out[1], err = mk(stY1, false, z0, D, a.C[1]); err != nil {
		return StackedJet{}, err
	}
	if K == 2 {
		in := []*G.Node{z0, D, a.C[1]}
		if a.C[2] != nil {
			in = append(in, a.C[2])
		}
		if out[2], err = mk(stY2, a.C[2] != nil, in...); err != nil {
			return StackedJet{}, err
		}
	}
	return StackedJet{C: out, B: a.B}, nil
}

func (op *stackedTowerOp) Arity() int { return op.arity }
func (op *stackedTowerOp) Type() hm.Type {
	ts := make([]hm.Type, op.arity+1)
	for i := range ts {
		ts[i] = matType()
	}
	return hm.NewFnType(ts...)
}
func (op *stackedTowerOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	switch op.kind {
	case stDerivs:
		return tensor.Shape{4 * op.P, op.m}, nil
	case stY0, stY0dz0, stY1dz0, stY2dz0:
		return tensor.Shape{op.P, op.m}, nil
	}
	return tensor.Shape{op.P * op.B, op.m}, nil
}
func (op *stackedTowerOp) ReturnsPtr() bool     { return false }
func (op *stackedTowerOp) CallsExtern() bool    { return false }
func (op *stackedTowerOp) OverwritesInput() int { return -1 }
func (op *stackedTowerOp) String() string {
	return fmt.Sprintf("autodiff.stackedTower.%s(B=%d)#%d", stNames[op.kind], op.B, op.id)
}
func (op *stackedTowerOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "%s", op.String()) }
func (op *stackedTowerOp) Hashcode() uint32      { return opHash(op) }

func (op *stackedTowerOp) Do(in ...G.Value) (G.Value, error) {
	if len(in) != op.arity {
		return nil, fmt.Errorf("%v: %d inputs, want %d", op, len(in), op.arity)
	}
	t, ok := in[0].(tensor.Tensor)
	if !ok {
		return nil, fmt.Errorf("%v: input %T", op, in[0])
	}
	if op.res == nil {
		sh, _ := op.InferShape()
		op.res = tensor.New(tensor.Of(t.Dtype()), tensor.WithShape(sh...))
	}
	var err error
	switch t.Dtype() {
	case tensor.Float64:
		err = stackedTowerDo[float64](op, in, op.res.Data().([]float64))
	case tensor.Float32:
		err = stackedTowerDo[float32](op, in, op.res.Data().([]float32))
	default:
		err = fmt.Errorf("%v: dtype %v", op, t.Dtype())
	}
	return op.res, err
}

func stackedTowerDo[T float](op *stackedTowerOp, in []G.Value, dst []T) error {
	data := make([][]T, len(in))
	for i, v := range in {
		t, ok := v.(tensor.Tensor)
		if !ok {
			return fmt.Errorf("%v: input %d is %T", op, i, v)
		}
		if data[i], ok = t.Data().([]T); !ok {
			return fmt.Errorf("%v: input %d holds %T", op, i, t.Data())
		}
	}
	P, B, m := op.P, op.B, op.m
	n := P * m
	if op.kind == stDerivs {
		var d [4]float64
		z0 := data[0]
		for i, z := range z0 {
			op.df(float64(z), d[:])
			dst[i], dst[n+i], dst[2*n+i], dst[3*n+i] = T(d[0]), T(d[1]), T(d[2]), T(d[3])
		}
		return nil
	}
	// D's blocks: f, f', f'', f''' of the primal rows
	var D []T
	if op.kind <= stY2 {
		D = data[1]
	} else {
		D = data[0]
	}
	f0, f1, f2, f3 := D[:n], D[n:2*n], D[2*n:3*n], D[3*n:]
	last := data[len(data)-1] // the upstream gradient g of a reverse op
	// each case walks the direction rows r = p·B+b of every point p beside
	// the primal row p: fi = f^(i) of row p, the others row r
	row := func(x []T, p int) []T { return x[p*m : (p+1)*m] }
	dir := func(x []T, p, b int) []T { r := (p*B + b) * m; return x[r : r+m] }
	switch op.kind {
	case stY0:
		copy(dst, f0)
	case stY1, stFdz:
		z := last // stFdz: g
		if op.kind == stY1 {
			z = data[2] // z1
		}
		for p := range P {
			d1 := row(f1, p)
			for b := range B {
				zr, dr := dir(z, p, b), dir(dst, p, b)
				for k, v := range d1 {
					dr[k] = v * zr[k]
				}
			}
		}
	case stY2:
		z1 := data[2]
		for p := range P {
			d1, d2 := row(f1, p), row(f2, p)
			for b := range B {
				a, dr := dir(z1, p, b), dir(dst, p, b)
				if op.z2 {
					c := dir(data[3], p, b)
					for k := range dr {
						dr[k] = d1[k]*c[k] + d2[k]*a[k]*a[k]
					}
				} else {
					for k := range dr {
						dr[k] = d2[k] * a[k] * a[k]
					}
				}
			}
		}
	case stY0dz0:
		for i, g := range last {
			dst[i] = f1[i] * g
		}
	case stY1dz0, stY2dz0:
		z1 := data[1]
		for p := range P {
			d2, d3, dr := row(f2, p), row(f3, p), row(dst, p)
			clear(dr)
			for b := range B {
				a, g := dir(z1, p, b), dir(last, p, b)
				switch {
				case op.kind == stY1dz0:
					for k := range dr {
						dr[k] += d2[k] * a[k] * g[k]
					}
				case op.z2:
					c := dir(data[2], p, b)
					for k := range dr {
						dr[k] += (d2[k]*c[k] + d3[k]*a[k]*a[k]) * g[k]
					}
				default:
					for k := range dr {
						dr[k] += d3[k] * a[k] * a[k] * g[k]
					}
				}
			}
		}
	case stY2dz1:
		z1 := data[1]
		for p := range P {
			d2 := row(f2, p)
			for b := range B {
				a, g, dr := dir(z1, p, b), dir(last, p, b), dir(dst, p, b)
				for k := range dr {
					dr[k] = 2 * d2[k] * a[k] * g[k]
				}
			}
		}
	default:
		return fmt.Errorf("%v: not a forward or reverse kind", op)
	}
	return nil
}

// DiffWRT: the forward coefficients are differentiated in z0 and the
// direction coefficients, never in D (their reverse ops carry its part).
func (op *stackedTowerOp) DiffWRT(n int) []bool {
	d := make([]bool, n)
	switch op.kind {
	case stY0, stY1, stY2:
		for i := range d {
			d[i] = i != 1
		}
	}
	return d
}

func (op *stackedTowerOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	mk := func(kind stKind, z2 bool, in ...*G.Node) (*G.Node, error) {
		return G.ApplyOp(&stackedTowerOp{id: nextOpID(), kind: kind, P: op.P, B: op.B, m: op.m, z2: z2, arity: len(in)}, in...)
	}
	out := make(G.Nodes, len(inputs))
	D := inputs[1]
	var err error
	switch op.kind {
	case stY0:
		out[0], err = mk(stY0dz0, false, D, grad)
	case stY1:
		if out[0], err = mk(stY1dz0, false, D, inputs[2], grad); err == nil {
			out[2], err = mk(stFdz, false, D, grad)
		}
	case stY2:
		dz0 := []*G.Node{D, inputs[2]}
		if op.z2 {
			dz0 = append(dz0, inputs[3])
		}
		if out[0], err = mk(stY2dz0, op.z2, append(dz0, grad)...); err != nil {
			break
		}
		if out[2], err = mk(stY2dz1, false, D, inputs[2], grad); err != nil || !op.z2 {
			break
		}
		out[3], err = mk(stFdz, false, D, grad)
	default:
		return nil, fmt.Errorf("%v is not differentiable", op)
	}
	if err != nil {
		return nil, fmt.Errorf("%v reverse pass: %w", op, err)
	}
	return out, nil
}

var _ G.SDOp = (*stackedTowerOp)(nil)
