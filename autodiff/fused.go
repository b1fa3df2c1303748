package autodiff

import (
	"fmt"
	"hash"
	"hash/fnv"
	"sync/atomic"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// MLP is a fully connected network given by its graph nodes: layer l maps
// width W[l].Shape()[0] to W[l].Shape()[1] as h·W[l] + B[l] (B[l] of shape
// (1, out)), and every layer but the last applies Act.
type MLP struct {
	W, B []*G.Node
	Act  Tower
}

// FusedJets is the result of FusedMLPJets: one graph node holding every
// Taylor coefficient of the network's output for every direction, and
// per-(direction, order) views of it as ordinary P × cols nodes.
type FusedJets struct {
	out  *G.Node // (S·P) × m, stream-major
	op   *mlpOp
	memo map[[4]int]*G.Node
}

// FusedMLPJets pushes, for every direction d, the pure directional input
// jet (x, dirs[d].V, 0, ..., 0) of order dirs[d].Order through the MLP, in
// ONE custom Gorgonia op: per layer all coefficient streams of all
// directions are stacked into one matrix multiply, the activation's Taylor
// rule runs in one pass (Faà di Bruno, coefficients from BellCoefficients),
// and the reverse pass w.r.t. the weights and biases is written by hand. The
// values are those of pushing each jet through MatMul, AddBias and Apply;
// the primal is computed once for all directions.
//
// x is P × n (the points, in the network's input coordinates); V is the
// coefficient-1 input row in the same coordinates. x gets no gradient (it
// is data); the weights and biases do. Orders up to MaxFusedOrder; the MLP
// needs at least one hidden layer. The op parallelises over chunks of points
// (GOMAXPROCS goroutines) with results independent of the thread count.
func FusedMLPJets(x *G.Node, net MLP, dirs []Direction) (*FusedJets, error) {
	L := len(net.W)
	if L < 2 || len(net.B) != L {
		return nil, fmt.Errorf("autodiff.FusedMLPJets: need ≥ 2 layers with one bias each, got %d weights and %d biases", L, len(net.B))
	}
	if net.Act == nil {
		return nil, fmt.Errorf("autodiff.FusedMLPJets: no activation")
	}
	xs := x.Shape()
	if x.Dims() != 2 {
		return nil, fmt.Errorf("autodiff.FusedMLPJets: input shape %v, want (P, n)", xs)
	}
	dt := x.Dtype()
	if dt != tensor.Float64 && dt != tensor.Float32 {
		return nil, fmt.Errorf("autodiff.FusedMLPJets: dtype %v not supported", dt)
	}
	sizes := []int{xs[1]}
	children := []*G.Node{x}
	for l := range L {
		w, b := net.W[l], net.B[l]
		ws := w.Shape()
		if w.Dims() != 2 || ws[0] != sizes[l] {
			return nil, fmt.Errorf("autodiff.FusedMLPJets: W[%d] shape %v, want (%d, ·)", l, ws, sizes[l])
		}
		if b.Dims() == 1 {
			var err error
			if b, err = G.Reshape(b, tensor.Shape{1, b.Shape()[0]}); err != nil {
				return nil, fmt.Errorf("autodiff.FusedMLPJets: B[%d]: %w", l, err)
			}
		}
		if bs := b.Shape(); b.Dims() != 2 || bs[0] != 1 || bs[1] != ws[1] {
			return nil, fmt.Errorf("autodiff.FusedMLPJets: B[%d] shape %v, want (1, %d)", l, b.Shape(), ws[1])
		}
		if w.Dtype() != dt || b.Dtype() != dt {
			return nil, fmt.Errorf("autodiff.FusedMLPJets: layer %d dtype differs from the input's %v", l, dt)
		}
		sizes = append(sizes, ws[1])
		children = append(children, w, b)
	}
	own := make([]Direction, len(dirs))
	for d, dir := range dirs {
		if len(dir.V) != sizes[0] {
			return nil, fmt.Errorf("autodiff.FusedMLPJets: direction %d has %d entries, want %d", d, len(dir.V), sizes[0])
		}
		if dir.Order < 0 || dir.Order > MaxFusedOrder {
			return nil, fmt.Errorf("autodiff.FusedMLPJets: direction %d order %d outside 0..%d", d, dir.Order, MaxFusedOrder)
		}
		own[d] = Direction{V: append([]float64(nil), dir.V...), Order: dir.Order}
	}
	op := &mlpOp{id: nextOpID(), dt: dt, sh: newMLPShape(xs[0], sizes, own, net.Act), act: net.Act.Name()}
	out, err := G.ApplyOp(op, children...)
	if err != nil {
		return nil, fmt.Errorf("autodiff.FusedMLPJets: %w", err)
	}
	return &FusedJets{out: out, op: op, memo: map[[4]int]*G.Node{}}, nil
}

// Output returns the stacked node: (S·P) × m, stream s in rows [s·P,
// (s+1)·P); stream 0 is the primal, then each direction's orders 1..K_d.
func (f *FusedJets) Output() *G.Node { return f.out }

// Coef returns output columns [c0, c1) of coefficient k of direction d's
// jet, a P × (c1-c0) node (k = 0, any d: the primal). The node is created
// once and shared.
func (f *FusedJets) Coef(d, k, c0, c1 int) (*G.Node, error) {
	sh := f.op.sh
	if c0 < 0 || c1 > sh.m || c0 >= c1 {
		return nil, fmt.Errorf("autodiff.FusedJets.Coef: columns [%d, %d) of %d", c0, c1, sh.m)
	}
	st := 0
	if k > 0 {
		if d < 0 || d >= len(sh.dirs) || k > sh.dirs[d].Order {
			return nil, fmt.Errorf("autodiff.FusedJets.Coef: no coefficient %d of direction %d", k, d)
		}
		st = sh.stream[d][k]
	}
	key := [4]int{st, c0, c1}
	if n, ok := f.memo[key]; ok {
		return n, nil
	}
	n, err := G.ApplyOp(&extractOp{id: nextOpID(), P: sh.P, S: sh.S, m: sh.m, st: st, c0: c0, c1: c1}, f.out)
	if err != nil {
		return nil, fmt.Errorf("autodiff.FusedJets.Coef: %w", err)
	}
	f.memo[key] = n
	return n, nil
}

// Jet returns direction d's output jet restricted to columns [c0, c1), its
// C[0] the shared primal. d = -1 gives the order-0 jet of the primal.
func (f *FusedJets) Jet(d, c0, c1 int) (Jet, error) {
	K := 0
	if d >= 0 {
		if d >= len(f.op.sh.dirs) {
			return Jet{}, fmt.Errorf("autodiff.FusedJets.Jet: no direction %d", d)
		}
		K = f.op.sh.dirs[d].Order
	}
	j := Jet{C: make([]*G.Node, K+1)}
	for k := range j.C {
		var err error
		if j.C[k], err = f.Coef(d, k, c0, c1); err != nil {
			return Jet{}, err
		}
	}
	return j, nil
}

var opIDs atomic.Uint64

// nextOpID makes every fused op distinct: Gorgonia merges nodes with equal
// hashes, and these ops carry per-node buffers.
func nextOpID() uint64 { return opIDs.Add(1) }

func matType() G.TensorType { return G.TensorType{Dims: 2, Of: hm.TypeVariable('a')} }

func opHash(op G.Op) uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}

func tensorData[T float](v G.Value) ([]T, error) {
	t, ok := v.(tensor.Tensor)
	if !ok {
		return nil, fmt.Errorf("value %T is not a tensor", v)
	}
	d, ok := t.Data().([]T)
	if !ok {
		return nil, fmt.Errorf("tensor data %T, want %T", t.Data(), d)
	}
	return d, nil
}

// mlpOp is the fused forward op: inputs X, W_0, b_0, ..., W_{L-1}, b_{L-1};
// output the stacked jets. It keeps its activations for the reverse pass
// (mlpGradOp), which the tape runs after it in the same pass.
type mlpOp struct {
	id  uint64
	dt  tensor.Dtype
	sh  *mlpShape
	act string

	k64 *mlpKernel[float64]
	k32 *mlpKernel[float32]
	res *tensor.Dense // output, reused every run
}

func (op *mlpOp) Arity() int { return 1 + 2*op.sh.L }
func (op *mlpOp) Type() hm.Type {
	ts := make([]hm.Type, op.Arity()+1)
	for i := range ts {
		ts[i] = matType()
	}
	return hm.NewFnType(ts...)
}
func (op *mlpOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{op.sh.S * op.sh.P, op.sh.m}, nil
}
func (op *mlpOp) ReturnsPtr() bool     { return false }
func (op *mlpOp) CallsExtern() bool    { return false }
func (op *mlpOp) OverwritesInput() int { return -1 }
func (op *mlpOp) String() string {
	return fmt.Sprintf("autodiff.FusedMLP%v(%s, S=%d)#%d", op.sh.sizes, op.act, op.sh.S, op.id)
}
func (op *mlpOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "autodiff.FusedMLP#%d", op.id) }
func (op *mlpOp) Hashcode() uint32      { return opHash(op) }

func (op *mlpOp) Do(in ...G.Value) (G.Value, error) {
	if len(in) != op.Arity() {
		return nil, fmt.Errorf("%v: %d inputs, want %d", op, len(in), op.Arity())
	}
	var err error
	if op.dt == tensor.Float32 {
		if op.k32 == nil {
			op.k32 = newMLPKernel[float32](op.sh)
			op.res = tensor.New(tensor.WithShape(op.sh.S*op.sh.P, op.sh.m), tensor.WithBacking(op.k32.out))
		}
		err = bindInputs(op.k32, in)
		if err == nil {
			op.k32.forward()
		}
	} else {
		if op.k64 == nil {
			op.k64 = newMLPKernel[float64](op.sh)
			op.res = tensor.New(tensor.WithShape(op.sh.S*op.sh.P, op.sh.m), tensor.WithBacking(op.k64.out))
		}
		err = bindInputs(op.k64, in)
		if err == nil {
			op.k64.forward()
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%v: %w", op, err)
	}
	return op.res, nil
}

// bindInputs points the kernel at the input values (X, W_0, b_0, ...).
func bindInputs[T float](k *mlpKernel[T], in []G.Value) error {
	sh := k.sh
	var err error
	if k.X, err = tensorData[T](in[0]); err != nil {
		return err
	}
	if len(k.X) != sh.P*sh.n {
		return fmt.Errorf("input has %d values, want %d", len(k.X), sh.P*sh.n)
	}
	if k.W == nil {
		k.W, k.B = make([][]T, sh.L), make([][]T, sh.L)
	}
	for l := range sh.L {
		if k.W[l], err = tensorData[T](in[1+2*l]); err != nil {
			return err
		}
		if k.B[l], err = tensorData[T](in[2+2*l]); err != nil {
			return err
		}
		if len(k.W[l]) != sh.sizes[l]*sh.sizes[l+1] || len(k.B[l]) != sh.sizes[l+1] {
			return fmt.Errorf("layer %d: %d weights and %d biases, want %d and %d", l, len(k.W[l]), len(k.B[l]), sh.sizes[l]*sh.sizes[l+1], sh.sizes[l+1])
		}
	}
	return nil
}

func (op *mlpOp) DiffWRT(n int) []bool {
	d := make([]bool, n)
	for i := 1; i < n; i++ {
		d[i] = true // weights and biases; X is data
	}
	return d
}

// SymDiff adds the hand-written reverse pass: one op computing all weight
// and bias gradients into a packed vector, and one view of it per parameter.
func (op *mlpOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	args := append(append(G.Nodes{}, inputs...), output, grad)
	packed, err := G.ApplyOp(&mlpGradOp{id: nextOpID(), fwd: op}, args...)
	if err != nil {
		return nil, fmt.Errorf("%v reverse pass: %w", op, err)
	}
	out := make(G.Nodes, len(inputs))
	for l := range op.sh.L {
		win, wout := op.sh.sizes[l], op.sh.sizes[l+1]
		if out[1+2*l], err = G.ApplyOp(&unpackOp{id: nextOpID(), off: op.sh.woff[l], r: win, c: wout}, packed); err != nil {
			return nil, err
		}
		if out[2+2*l], err = G.ApplyOp(&unpackOp{id: nextOpID(), off: op.sh.boff[l], r: 1, c: wout}, packed); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// mlpGradOp computes the packed parameter gradient of the fused op from the
// upstream gradient of its stacked output. Its inputs are the forward op's
// inputs, its output and the upstream gradient; the output node only orders
// it after the forward op, whose stored activations it reads.
type mlpGradOp struct {
	id  uint64
	fwd *mlpOp
	res *tensor.Dense
}

func (op *mlpGradOp) Arity() int { return op.fwd.Arity() + 2 }
func (op *mlpGradOp) Type() hm.Type {
	ts := make([]hm.Type, op.Arity()+1)
	for i := range ts {
		ts[i] = matType()
	}
	ts[len(ts)-1] = G.TensorType{Dims: 1, Of: hm.TypeVariable('a')}
	return hm.NewFnType(ts...)
}
func (op *mlpGradOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{op.fwd.sh.nparams}, nil
}
func (op *mlpGradOp) ReturnsPtr() bool      { return false }
func (op *mlpGradOp) CallsExtern() bool     { return false }
func (op *mlpGradOp) OverwritesInput() int  { return -1 }
func (op *mlpGradOp) String() string        { return fmt.Sprintf("autodiff.FusedMLPGrad#%d", op.id) }
func (op *mlpGradOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "autodiff.FusedMLPGrad#%d", op.id) }
func (op *mlpGradOp) Hashcode() uint32      { return opHash(op) }

func (op *mlpGradOp) Do(in ...G.Value) (G.Value, error) {
	if len(in) != op.Arity() {
		return nil, fmt.Errorf("%v: %d inputs, want %d", op, len(in), op.Arity())
	}
	f := op.fwd
	var err error
	if f.dt == tensor.Float32 {
		err = runBackward(f.k32, in, &op.res)
	} else {
		err = runBackward(f.k64, in, &op.res)
	}
	if err != nil {
		return nil, fmt.Errorf("%v: %w", op, err)
	}
	return op.res, nil
}

func runBackward[T float](k *mlpKernel[T], in []G.Value, res **tensor.Dense) error {
	if k == nil {
		return fmt.Errorf("forward op has not run")
	}
	// The forward op ran earlier in this pass with the same inputs (the tape
	// is topologically sorted and this op reads its output); rebinding keeps
	// the reverse pass correct even if a value was replaced in between.
	if err := bindInputs(k, in[:len(in)-2]); err != nil {
		return err
	}
	up, err := tensorData[T](in[len(in)-1])
	if err != nil {
		return err
	}
	if len(up) != len(k.out) {
		return fmt.Errorf("upstream gradient has %d values, want %d", len(up), len(k.out))
	}
	k.up = up
	k.backward()
	if *res == nil {
		*res = tensor.New(tensor.WithShape(len(k.packed)), tensor.WithBacking(k.packed))
	}
	return nil
}

// unpackOp views a parameter's gradient (r × c at off) in the packed vector.
type unpackOp struct {
	id        uint64
	off, r, c int
	res       *tensor.Dense
}

func (op *unpackOp) Arity() int { return 1 }
func (op *unpackOp) Type() hm.Type {
	return hm.NewFnType(G.TensorType{Dims: 1, Of: hm.TypeVariable('a')}, matType())
}
func (op *unpackOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{op.r, op.c}, nil
}
func (op *unpackOp) ReturnsPtr() bool     { return false }
func (op *unpackOp) CallsExtern() bool    { return false }
func (op *unpackOp) OverwritesInput() int { return -1 }
func (op *unpackOp) String() string {
	return fmt.Sprintf("autodiff.unpack[%d:+%dx%d]#%d", op.off, op.r, op.c, op.id)
}
func (op *unpackOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "autodiff.unpack#%d", op.id) }
func (op *unpackOp) Hashcode() uint32      { return opHash(op) }

// Do copies (rather than aliasing the packed vector) because downstream
// gradient sums may write into their inputs in place.
func (op *unpackOp) Do(in ...G.Value) (G.Value, error) {
	t, ok := in[0].(tensor.Tensor)
	if !ok {
		return nil, fmt.Errorf("%v: input %T", op, in[0])
	}
	n := op.r * op.c
	if op.res == nil {
		op.res = tensor.New(tensor.Of(t.Dtype()), tensor.WithShape(op.r, op.c))
	}
	switch src := t.Data().(type) {
	case []float64:
		copy(op.res.Data().([]float64), src[op.off:op.off+n])
	case []float32:
		copy(op.res.Data().([]float32), src[op.off:op.off+n])
	default:
		return nil, fmt.Errorf("%v: data %T", op, src)
	}
	return op.res, nil
}

// extractOp reads columns [c0, c1) of stream st out of the stacked output.
// Gorgonia's own Slice has wrong derivatives in v0.9.18; this one's reverse
// is scatterOp.
type extractOp struct {
	id         uint64
	P, S, m    int
	st, c0, c1 int
	res        *tensor.Dense
}

func (op *extractOp) Arity() int    { return 1 }
func (op *extractOp) Type() hm.Type { return hm.NewFnType(matType(), matType()) }
func (op *extractOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{op.P, op.c1 - op.c0}, nil
}
func (op *extractOp) ReturnsPtr() bool     { return false }
func (op *extractOp) CallsExtern() bool    { return false }
func (op *extractOp) OverwritesInput() int { return -1 }
func (op *extractOp) String() string {
	return fmt.Sprintf("autodiff.stream%d[:, %d:%d]#%d", op.st, op.c0, op.c1, op.id)
}
func (op *extractOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "autodiff.stream#%d", op.id) }
func (op *extractOp) Hashcode() uint32      { return opHash(op) }

func (op *extractOp) Do(in ...G.Value) (G.Value, error) {
	return doInto(op, in[0], []int{op.P, op.c1 - op.c0}, &op.res)
}

func (op *extractOp) kernel64(src, dst []float64) error { extractCols(op, src, dst); return nil }
func (op *extractOp) kernel32(src, dst []float32) error { extractCols(op, src, dst); return nil }

func extractCols[T float](op *extractOp, src, dst []T) {
	w := op.c1 - op.c0
	for i := range op.P {
		r := (op.st*op.P + i) * op.m
		copy(dst[i*w:(i+1)*w], src[r+op.c0:r+op.c1])
	}
}

func (op *extractOp) DiffWRT(int) []bool { return []bool{true} }

func (op *extractOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	s, err := G.ApplyOp(&scatterOp{id: nextOpID(), ex: op}, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{s}, nil
}

// scatterOp is the reverse of extractOp: the gradient of its block placed in
// a zero (S·P) × m matrix.
type scatterOp struct {
	id  uint64
	ex  *extractOp
	res *tensor.Dense
}

func (op *scatterOp) Arity() int    { return 1 }
func (op *scatterOp) Type() hm.Type { return hm.NewFnType(matType(), matType()) }
func (op *scatterOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{op.ex.S * op.ex.P, op.ex.m}, nil
}
func (op *scatterOp) ReturnsPtr() bool      { return false }
func (op *scatterOp) CallsExtern() bool     { return false }
func (op *scatterOp) OverwritesInput() int  { return -1 }
func (op *scatterOp) String() string        { return fmt.Sprintf("autodiff.scatter#%d", op.id) }
func (op *scatterOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "autodiff.scatter#%d", op.id) }
func (op *scatterOp) Hashcode() uint32      { return opHash(op) }

func (op *scatterOp) Do(in ...G.Value) (G.Value, error) {
	t, ok := in[0].(tensor.Tensor)
	if !ok {
		return nil, fmt.Errorf("%v: input %T", op, in[0])
	}
	ex := op.ex
	if op.res == nil {
		op.res = tensor.New(tensor.Of(t.Dtype()), tensor.WithShape(ex.S*ex.P, ex.m))
	}
	var err error
	switch g := t.Data().(type) {
	case []float64:
		scatterCols(ex, g, op.res.Data().([]float64))
	case []float32:
		scatterCols(ex, g, op.res.Data().([]float32))
	default:
		err = fmt.Errorf("%v: data %T", op, g)
	}
	return op.res, err
}

// scatterCols rewrites the whole matrix every run: downstream sums may have
// written into it in place during the previous run.
func scatterCols[T float](ex *extractOp, g, dst []T) {
	clear(dst)
	w := ex.c1 - ex.c0
	for i := range ex.P {
		r := (ex.st*ex.P + i) * ex.m
		copy(dst[r+ex.c0:r+ex.c1], g[i*w:(i+1)*w])
	}
}

var (
	_ G.SDOp = (*mlpOp)(nil)
	_ G.SDOp = (*extractOp)(nil)
	_ G.Op   = (*mlpGradOp)(nil)
	_ G.Op   = (*unpackOp)(nil)
	_ G.Op   = (*scatterOp)(nil)
)
