package autodiff_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/gopinn/gopinn/autodiff"
)

// fusedDirs covers orders 0..4, axis and oblique directions (n = 3 inputs).
var fusedDirs = []autodiff.Direction{
	{V: []float64{1, 0, 0}, Order: 2},
	{V: []float64{0, 1, 0}, Order: 4},
	{V: []float64{1, -1, 2}, Order: 3},
	{V: []float64{0, 0, 1}, Order: 1},
	{V: []float64{0.5, 0, -1}, Order: 0},
}

// fusedDirsLow stop at order 2, where the fused op takes its straight-line
// paths (the tower of tanh/sigmoid/exp/tan to f”' and the order-1 and
// order-2 Faà di Bruno sweeps).
var fusedDirsLow = []autodiff.Direction{
	{V: []float64{1, 0, 0}, Order: 2},
	{V: []float64{0, 1, 0}, Order: 2},
	{V: []float64{1, -1, 2}, Order: 1},
}

// fusedResult is what one graph (fused or reference) computed: every
// read-out (direction d, order k) as P×m row-major values, the loss, and
// the gradients of the loss w.r.t. every weight and bias.
type fusedResult struct {
	coef  map[[2]int][]float64
	loss  float64
	grads [][]float64
}

// buildFusedCase builds the loss Σ_{d,k} Σ (c_{d,k} - R_{d,k})² over every
// read-out c (fixed random targets R) with either the fused op or the
// graph-op jets (MatMul, AddBias, Apply per layer and direction), runs the
// forward and reverse pass, and returns the values.
func buildFusedCase(t *testing.T, net *mlp, dt tensor.Dtype, xs []float64, P int, dirs []autodiff.Direction, fused bool) fusedResult {
	t.Helper()
	n, m := net.sizes[0], net.sizes[len(net.sizes)-1]
	g := G.NewGraph()
	X := input(g, dt, "X", P, n, xs)
	W, B := net.nodes(g, dt)
	params := append(append([]*G.Node{}, W...), B...)
	tw, _ := autodiff.Lookup(net.act)
	coefs := map[[2]int][]*G.Node{} // per (d, k): one node per column (fused) or one P×m node
	var fj *autodiff.FusedJets
	if fused {
		var err error
		if fj, err = autodiff.FusedMLPJets(X, autodiff.MLP{W: W, B: B, Act: tw}, dirs); err != nil {
			t.Fatal(err)
		}
	}
	for d := -1; d < len(dirs); d++ {
		K := 0
		if d >= 0 {
			K = dirs[d].Order
		}
		if fused {
			for k := 0; k <= K; k++ {
				if d >= 0 && k == 0 {
					continue // the primal is read once, at d = -1
				}
				for c := range m { // column views exercise the scatter reverse
					node, err := fj.Coef(d, k, c, c+1)
					if err != nil {
						t.Fatal(err)
					}
					coefs[[2]int{d, k}] = append(coefs[[2]int{d, k}], node)
				}
			}
			continue
		}
		in := autodiff.Const(X, K)
		if K >= 1 {
			v := make([]float64, P*n)
			for r := range P {
				copy(v[r*n:], dirs[d].V)
			}
			in.C[1] = input(g, dt, fmt.Sprintf("dir%d", d), P, n, v)
		}
		j, err := net.jet(in, W, B)
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k <= K; k++ {
			if d >= 0 && k == 0 {
				continue
			}
			coefs[[2]int{d, k}] = []*G.Node{j.C[k]}
		}
	}
	// loss
	rng := rand.New(rand.NewPCG(7, 8))
	var loss *G.Node
	keys := sortedKeys(coefs)
	for _, key := range keys {
		nodes := coefs[key]
		R := uniform(rng, P*m, -1, 1)
		var parts []*G.Node
		if len(nodes) == 1 && nodes[0].Shape()[1] == m {
			parts = []*G.Node{must(G.Sub(nodes[0], input(g, dt, fmt.Sprintf("R%v", key), P, m, R)))}
		} else {
			for c, nd := range nodes {
				col := make([]float64, P)
				for i := range P {
					col[i] = R[i*m+c]
				}
				parts = append(parts, must(G.Sub(nd, input(g, dt, fmt.Sprintf("R%v_%d", key, c), P, 1, col))))
			}
		}
		for _, p := range parts {
			s := must(G.Sum(must(G.Square(p))))
			if loss == nil {
				loss = s
			} else {
				loss = must(G.Add(loss, s))
			}
		}
		for _, nd := range nodes {
			watchNode(nd)
		}
	}
	var lossVal G.Value
	G.Read(loss, &lossVal)
	if _, err := G.Grad(loss, params...); err != nil {
		t.Fatal(err)
	}
	vm := G.NewTapeMachine(g, G.BindDualValues(params...))
	defer vm.Close()
	// Two runs: the second checks that reused buffers give the same answer
	// (gradients are re-zeroed in between, as pinn does).
	for run := range 2 {
		if run == 1 {
			for _, p := range params {
				gv, _ := p.Grad()
				gv.(tensor.Tensor).Zero()
			}
		}
		vm.Reset()
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
	}
	res := fusedResult{coef: map[[2]int][]float64{}, loss: scalarF64(lossVal)}
	for _, key := range keys {
		nodes := coefs[key]
		full := make([]float64, P*m)
		if len(nodes) == 1 && nodes[0].Shape()[1] == m {
			copy(full, values(nodes[0]))
		} else {
			for c, nd := range nodes {
				for i, v := range values(nd) {
					full[i*m+c] = v
				}
			}
		}
		res.coef[key] = full
	}
	for _, p := range params {
		gv, err := p.Grad()
		if err != nil {
			t.Fatal(err)
		}
		res.grads = append(res.grads, valuesOf(gv))
	}
	return res
}

func scalarF64(v G.Value) float64 { return valuesOf(v)[0] }

func valuesOf(v G.Value) []float64 {
	switch d := v.Data().(type) {
	case []float64:
		return append([]float64(nil), d...)
	case []float32:
		out := make([]float64, len(d))
		for i, x := range d {
			out[i] = float64(x)
		}
		return out
	case float64:
		return []float64{d}
	case float32:
		return []float64{float64(d)}
	}
	panic(fmt.Sprintf("unexpected data %T", v.Data()))
}

func must(n *G.Node, err error) *G.Node {
	if err != nil {
		panic(err)
	}
	return n
}

func sortedKeys(m map[[2]int][]*G.Node) [][2]int {
	var keys [][2]int
	for d := -1; d < 16; d++ {
		for k := 0; k <= autodiff.MaxFusedOrder; k++ {
			if _, ok := m[[2]int{d, k}]; ok {
				keys = append(keys, [2]int{d, k})
			}
		}
	}
	return keys
}

// relDiff is max|a-b| / max(1, max|b|): the error relative to the scale of
// the reference tensor (high-order coefficients reach 1e2-1e3).
func relDiff(a, b []float64) float64 {
	num, den := 0.0, 1.0
	for i := range b {
		num = math.Max(num, math.Abs(a[i]-b[i]))
		den = math.Max(den, math.Abs(b[i]))
	}
	return num / den
}

// TestFusedMatchesGraph holds the fused MLP op equal to the graph-op jets:
// every read-out (orders 0..4, five directions, three output columns) and
// the gradient of a loss built from all of them w.r.t. every weight and
// bias, on random networks with each activation. Tolerances: 1e-12 relative
// in float64 (the two differ only in summation order), 1e-4 in float32
// (the fused op evaluates the activation rule in float64, the graph in
// float32). 300 points make three chunks with a short last one. The "low"
// direction set (orders ≤ 2) exercises the straight-line paths.
func TestFusedMatchesGraph(t *testing.T) {
	const P = 300
	cases := []struct {
		name string
		dirs []autodiff.Direction
		acts []string
	}{
		{"to4", fusedDirs, []string{"tanh", "sin", "softplus", "gelu"}},
		{"low", fusedDirsLow, []string{"tanh", "sigmoid", "exp", "sin"}},
	}
	for _, c := range cases {
		for _, act := range c.acts {
			for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
				t.Run(fmt.Sprintf("%s/%s/%v", c.name, act, dt), func(t *testing.T) {
					rng := rand.New(rand.NewPCG(11, uint64(len(act))))
					net := newMLP(rng, act, 3, 7, 6, 5, 3)
					xs := uniform(rng, P*3, -1, 1)
					ref := buildFusedCase(t, net, dt, xs, P, c.dirs, false)
					got := buildFusedCase(t, net, dt, xs, P, c.dirs, true)
					tol := 1e-12
					if dt == tensor.Float32 {
						tol = 1e-4
					}
					worstV, worstG := 0.0, 0.0
					for key, want := range ref.coef {
						e := relDiff(got.coef[key], want)
						worstV = math.Max(worstV, e)
						if e > tol {
							t.Errorf("read-out (dir %d, order %d): rel diff %.3g > %g", key[0], key[1], e, tol)
						}
					}
					for i := range ref.grads {
						e := relDiff(got.grads[i], ref.grads[i])
						worstG = math.Max(worstG, e)
						if e > tol {
							t.Errorf("gradient of param %d: rel diff %.3g > %g", i, e, tol)
						}
					}
					if e := math.Abs(got.loss-ref.loss) / math.Max(1, math.Abs(ref.loss)); e > tol {
						t.Errorf("loss %v vs %v (rel %.3g)", got.loss, ref.loss, e)
					}
					t.Logf("max rel diff fused vs graph: read-outs %.2g, gradients %.2g", worstV, worstG)
				})
			}
		}
	}
}

// TestFusedPrimalOnly covers the order-0 case (no directions), as a
// boundary batch uses it.
func TestFusedPrimalOnly(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	net := newMLP(rng, "tanh", 2, 8, 8, 1)
	xs := uniform(rng, 50*2, -1, 1)
	ref := buildFusedCase(t, net, tensor.Float64, xs, 50, nil, false)
	got := buildFusedCase(t, net, tensor.Float64, xs, 50, nil, true)
	if e := relDiff(got.coef[[2]int{-1, 0}], ref.coef[[2]int{-1, 0}]); e > 1e-12 {
		t.Errorf("primal rel diff %.3g", e)
	}
	for i := range ref.grads {
		if e := relDiff(got.grads[i], ref.grads[i]); e > 1e-12 {
			t.Errorf("gradient %d rel diff %.3g", i, e)
		}
	}
}

// TestFusedThreadIndependent checks that the fused op's values and
// gradients are bit-identical whatever GOMAXPROCS is: work is split in
// fixed chunks of points and reduced in chunk order.
func TestFusedThreadIndependent(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	net := newMLP(rng, "tanh", 3, 16, 16, 2)
	const P = 700
	xs := uniform(rng, P*3, -1, 1)
	prev := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(prev)
	var first fusedResult
	for i, procs := range []int{1, 2, 3, 8} {
		runtime.GOMAXPROCS(procs)
		r := buildFusedCase(t, net, tensor.Float64, xs, P, fusedDirs, true)
		if i == 0 {
			first = r
			continue
		}
		for key, want := range first.coef {
			for j, v := range r.coef[key] {
				if v != want[j] {
					t.Fatalf("GOMAXPROCS=%d: read-out %v[%d] = %v, with 1 thread %v", procs, key, j, v, want[j])
				}
			}
		}
		for p := range first.grads {
			for j, v := range r.grads[p] {
				if v != first.grads[p][j] {
					t.Fatalf("GOMAXPROCS=%d: gradient %d[%d] = %v, with 1 thread %v", procs, p, j, v, first.grads[p][j])
				}
			}
		}
	}
}
