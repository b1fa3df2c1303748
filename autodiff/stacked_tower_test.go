package autodiff_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gopinn/gopinn/autodiff"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestStackedApplyOps: the single-pass stacked activation (stackedApply2)
// gives the graph-op reference's coefficients and, through a random linear
// read-out L = Σ w_k ⊙ y_k, its gradients in z0, z1 and z2 — for orders 1
// and 2, with and without a second-order input coefficient, four towers,
// float64 (1e-12 relative) and float32 (1e-5).
func TestStackedApplyOps(t *testing.T) {
	const P, B, m = 3, 4, 5
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		for _, act := range []string{"tanh", "sin", "gelu", "softplus"} {
			for _, c := range []struct{ K, z2 int }{{1, 0}, {2, 0}, {2, 1}} {
				name := fmt.Sprintf("%v/%s/K=%d/z2=%d", dt, act, c.K, c.z2)
				fast := stackedRun(t, name, dt, act, c.K, c.z2 == 1, P, B, m, autodiff.StackedApplySinglePass)
				ref := stackedRun(t, name, dt, act, c.K, c.z2 == 1, P, B, m, autodiff.StackedApplyGraphOps)
				tol := 1e-12
				if dt == tensor.Float32 {
					tol = 1e-5
				}
				for i := range ref {
					for j := range ref[i] {
						if d := math.Abs(fast[i][j] - ref[i][j]); d > tol*math.Max(1, math.Abs(ref[i][j])) {
							t.Fatalf("%s: output %d entry %d: single-pass %v, graph ops %v", name, i, j, fast[i][j], ref[i][j])
						}
					}
				}
			}
		}
	}
}

// stackedRun applies apply to a random stacked jet and returns the output
// coefficients followed by the gradients of L in z0, z1 (and z2).
func stackedRun(t *testing.T, name string, dt tensor.Dtype, act string, K int, withZ2 bool, P, B, m int,
	apply func(autodiff.StackedJet, autodiff.Tower) (autodiff.StackedJet, error)) [][]float64 {
	t.Helper()
	tw, ok := autodiff.Lookup(act)
	if !ok {
		t.Fatalf("no tower %s", act)
	}
	rng := rand.New(rand.NewPCG(7, uint64(K)))
	g := G.NewGraph()
	mat := func(label string, r int) *G.Node {
		v := make([]float64, r*m)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		return input(g, dt, label, r, m, v)
	}
	z := []*G.Node{mat("z0", P), mat("z1", P*B)}
	if K == 2 {
		z = append(z, nil)
		if withZ2 {
			z[2] = mat("z2", P*B)
		}
	}
	out, err := apply(autodiff.StackedJet{C: z, B: B}, tw)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var loss *G.Node
	reads := make([]G.Value, len(out.C))
	for k, y := range out.C {
		G.Read(y, &reads[k])
		w := mat(fmt.Sprintf("w%d", k), y.Shape()[0])
		s, err := G.Sum(must(G.HadamardProd(y, w)))
		if err != nil {
			t.Fatal(err)
		}
		if loss == nil {
			loss = s
		} else {
			loss = must(G.Add(loss, s))
		}
	}
	var wrt []*G.Node
	for _, n := range z {
		if n != nil {
			wrt = append(wrt, n)
		}
	}
	if _, err := G.Grad(loss, wrt...); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	vm := G.NewTapeMachine(g, G.BindDualValues(wrt...))
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var res [][]float64
	for _, v := range reads {
		res = append(res, valuesOf(v))
	}
	for _, n := range wrt {
		gv, err := n.Grad()
		if err != nil {
			t.Fatal(err)
		}
		res = append(res, valuesOf(gv))
	}
	return res
}
