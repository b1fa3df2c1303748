package autodiff_test

import (
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/gopinn/gopinn/autodiff"
)

// sinNet is u(x) = Σ_k a_k sin(w_k·x), w_k the columns of W (d × h): its
// derivatives are closed-form, so every estimator has an exact target.
type sinNet struct {
	d, h int
	W, a []float64 // W row-major d × h
	x    []float64
}

func newSinNet(d, h int, seed uint64) *sinNet {
	r := rand.New(rand.NewPCG(seed, 1))
	n := &sinNet{d: d, h: h, W: make([]float64, d*h), a: make([]float64, h), x: make([]float64, d)}
	for i := range n.W {
		n.W[i] = r.NormFloat64() / math.Sqrt(float64(d))
	}
	for i := range n.a {
		n.a[i] = r.NormFloat64()
	}
	for i := range n.x {
		n.x[i] = r.Float64()*2 - 1
	}
	return n
}

func (n *sinNet) pre(k int) float64 {
	s := 0.0
	for i := 0; i < n.d; i++ {
		s += n.x[i] * n.W[i*n.h+k]
	}
	return s
}

// hessian returns H (d × d).
func (n *sinNet) hessian() []float64 {
	H := make([]float64, n.d*n.d)
	for k := 0; k < n.h; k++ {
		c := -n.a[k] * math.Sin(n.pre(k))
		for i := 0; i < n.d; i++ {
			for j := 0; j < n.d; j++ {
				H[i*n.d+j] += c * n.W[i*n.h+k] * n.W[j*n.h+k]
			}
		}
	}
	return H
}

// biharm is Δ²u = Σ_k a_k sin(w_k·x) |w_k|⁴.
func (n *sinNet) biharm() float64 {
	s := 0.0
	for k := 0; k < n.h; k++ {
		w2 := 0.0
		for i := 0; i < n.d; i++ {
			w2 += n.W[i*n.h+k] * n.W[i*n.h+k]
		}
		s += n.a[k] * math.Sin(n.pre(k)) * w2 * w2
	}
	return s
}

// stacked builds the graph for P copies of x with B directions each, given
// by rows (sparse) or by V (dense, P·B × d), to order K, and returns the
// output jet's nodes and the machine.
func (n *sinNet) stacked(t *testing.T, P, B, K int, rows *autodiff.Rows, V []float64) (autodiff.StackedJet, G.VM) {
	t.Helper()
	g := G.NewGraph()
	X := make([]float64, 0, P*n.d)
	for p := 0; p < P; p++ {
		X = append(X, n.x...)
	}
	xn := input(g, tensor.Float64, "x", P, n.d, X)
	wn := input(g, tensor.Float64, "W", n.d, n.h, n.W)
	an := input(g, tensor.Float64, "a", n.h, 1, n.a)
	c := make([]*G.Node, K+1)
	var err error
	if c[0], err = G.Mul(xn, wn); err != nil {
		t.Fatal(err)
	}
	if rows != nil {
		c[1], err = autodiff.RowGather(wn, rows)
	} else {
		vn := input(g, tensor.Float64, "V", P*B, n.d, V)
		c[1], err = G.Mul(vn, wn)
	}
	if err != nil {
		t.Fatal(err)
	}
	sin, _ := autodiff.Lookup("sin")
	j, err := autodiff.StackedApply(autodiff.StackedJet{C: c, B: B}, sin)
	if err != nil {
		t.Fatal(err)
	}
	if j, err = autodiff.StackedMatMul(j, an); err != nil {
		t.Fatal(err)
	}
	return j, nil
}

func runOut(t *testing.T, out *G.Node) []float64 {
	t.Helper()
	vm := G.NewTapeMachine(out.Graph())
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	return values(out)
}

func meanVar(x []float64) (m, v float64) {
	for _, a := range x {
		m += a
	}
	m /= float64(len(x))
	for _, a := range x {
		v += (a - m) * (a - m)
	}
	return m, v / float64(len(x)-1)
}

// TestSparseSTDE: the mean over many draws is the trace within 4 standard
// errors, the variance matches the finite-population formula
// (d²/B)σ²(d-B)/(d-1) within 15% (so it falls like 1/B), and B = d is exact.
func TestSparseSTDE(t *testing.T) {
	const d, h, P = 40, 24, 6000
	n := newSinNet(d, h, 3)
	H := n.hessian()
	tr, mu2 := 0.0, 0.0
	for j := 0; j < d; j++ {
		tr += H[j*d+j]
		mu2 += H[j*d+j] * H[j*d+j]
	}
	sigma2 := mu2/d - (tr/d)*(tr/d)
	for _, B := range []int{1, 4, 16, d} {
		est := autodiff.SparseSTDE{Dim: d, Samples: B}
		rows := &autodiff.Rows{Idx: make([]int, P*B)}
		est.Draw(rand.New(rand.NewPCG(uint64(B), 9)), P, rows.Idx)
		j, _ := n.stacked(t, P, B, 2, rows, nil)
		lap, err := est.Laplacian(j.C[2])
		if err != nil {
			t.Fatal(err)
		}
		got := runOut(t, lap)
		m, v := meanVar(got)
		want := float64(d*d) / float64(B) * sigma2 * float64(d-B) / float64(d-1)
		t.Logf("B=%2d mean %.6f (trace %.6f)  var %.4e (theory %.4e)", B, m, tr, v, want)
		if B == d {
			for _, g := range got {
				if math.Abs(g-tr) > 1e-10*math.Max(1, math.Abs(tr)) {
					t.Fatalf("B = d: %v, want exact %v", g, tr)
				}
			}
			continue
		}
		if se := math.Sqrt(v / P); math.Abs(m-tr) > 4*se {
			t.Errorf("B=%d: mean %v, trace %v (4 se = %v)", B, m, tr, 4*se)
		}
		if math.Abs(v/want-1) > 0.15 {
			t.Errorf("B=%d: variance %v, theory %v", B, v, want)
		}
	}
}

// TestHutchinson: Rademacher and Gaussian means within 4 standard errors of
// the trace; per-direction variances 2Σ_{i≠j}H_ij² and 2‖H‖_F², divided by B.
func TestHutchinson(t *testing.T) {
	const d, h, P = 12, 16, 6000
	n := newSinNet(d, h, 5)
	H := n.hessian()
	tr, off, fro := 0.0, 0.0, 0.0
	for i := 0; i < d; i++ {
		tr += H[i*d+i]
		for j := 0; j < d; j++ {
			fro += H[i*d+j] * H[i*d+j]
			if i != j {
				off += H[i*d+j] * H[i*d+j]
			}
		}
	}
	for _, gauss := range []bool{false, true} {
		for _, B := range []int{1, 4, 16} {
			est := autodiff.Hutchinson{Dim: d, Samples: B, Gaussian: gauss}
			V := make([]float64, P*B*d)
			est.Draw(rand.New(rand.NewPCG(uint64(B), 11)), P, V)
			j, _ := n.stacked(t, P, B, 2, nil, V)
			lap, err := est.Laplacian(j.C[2])
			if err != nil {
				t.Fatal(err)
			}
			m, v := meanVar(runOut(t, lap))
			want := 2 * off / float64(B)
			if gauss {
				want = 2 * fro / float64(B)
			}
			t.Logf("gaussian=%v B=%2d mean %.6f (trace %.6f) var %.4e (theory %.4e)", gauss, B, m, tr, v, want)
			if se := math.Sqrt(v / P); math.Abs(m-tr) > 4*se {
				t.Errorf("gaussian=%v B=%d: mean %v, trace %v (4 se %v)", gauss, B, m, tr, 4*se)
			}
			if math.Abs(v/want-1) > 0.15 {
				t.Errorf("gaussian=%v B=%d: variance %v, theory %v", gauss, B, v, want)
			}
		}
	}
}

// TestBiharmonic: mean of C4/3 over Gaussian directions equals Δ²u within
// 4 standard errors, and the variance falls like 1/B (ratio within 20%).
func TestBiharmonic(t *testing.T) {
	const d, h, P = 6, 8, 20000
	n := newSinNet(d, h, 7)
	want := n.biharm()
	var v1 float64
	for _, B := range []int{1, 4} {
		est := autodiff.Biharmonic{Dim: d, Samples: B}
		V := make([]float64, P*B*d)
		est.Draw(rand.New(rand.NewPCG(uint64(B), 13)), P, V)
		j, _ := n.stacked(t, P, B, 4, nil, V)
		bh, err := est.Estimate(j.C[4])
		if err != nil {
			t.Fatal(err)
		}
		m, v := meanVar(runOut(t, bh))
		t.Logf("B=%d mean %.6f (exact %.6f) var %.4e", B, m, want, v)
		if se := math.Sqrt(v / P); math.Abs(m-want) > 4*se {
			t.Errorf("B=%d: mean %v, exact %v (4 se %v)", B, m, want, 4*se)
		}
		if B == 1 {
			v1 = v
		} else if r := v1 / v; math.Abs(r/float64(B)-1) > 0.25 {
			t.Errorf("variance ratio B=1/B=%d is %v, want about %d", B, r, B)
		}
	}
}

// TestMixedThird checks the 7-jet read-outs (u_iij = C7/105, u_ii = C4/3,
// u_j = C3) on the polynomial u = x1²x2 + 2x1x2² + x2³ (u_112 = 2,
// u_11 = 2x2, u_2 = x1² + 4x1x2 + 3x2²) and on the sin network.
func TestMixedThird(t *testing.T) {
	if n, c := autodiff.SeriesCoefficient(map[int]int{2: 2, 3: 1}); n != 7 || c != 105 {
		t.Fatalf("coefficient %d %v", n, c)
	}
	if !autodiff.UniquePartition(7, []int{2, 3}) || !autodiff.UniquePartition(4, []int{2, 3}) || autodiff.UniquePartition(6, []int{2, 3}) {
		t.Fatal("UniquePartition")
	}
	g := G.NewGraph()
	pts := []float64{0.3, -0.7, 1.1, 0.4}
	x := input(g, tensor.Float64, "x", 2, 2, pts)
	e1 := input(g, tensor.Float64, "e1", 2, 2, []float64{1, 0, 1, 0})
	e2 := input(g, tensor.Float64, "e2", 2, 2, []float64{0, 1, 0, 1})
	s1 := input(g, tensor.Float64, "s1", 2, 1, []float64{1, 0})
	s2 := input(g, tensor.Float64, "s2", 2, 1, []float64{0, 1})
	in := autodiff.MixedThirdJet(x, e1, e2)
	x1, _ := autodiff.MatMul(in, s1)
	x2, _ := autodiff.MatMul(in, s2)
	m := func(a, b autodiff.Jet) autodiff.Jet {
		j, err := autodiff.Mul(a, b)
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	u, _ := autodiff.Add(m(m(x1, x1), x2), m(m(x1, x2), x2))
	u, _ = autodiff.Add(u, m(m(x1, x2), x2))
	u, _ = autodiff.Add(u, m(m(x2, x2), x2))
	uiij, uii, uj, err := autodiff.MixedThirdReadout(u)
	if err != nil {
		t.Fatal(err)
	}
	watchNode(uiij)
	watchNode(uii)
	watchNode(uj)
	vm := G.NewTapeMachine(g)
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	a, b, c := values(uiij), values(uii), values(uj)
	for p := 0; p < 2; p++ {
		X1, X2 := pts[2*p], pts[2*p+1]
		want := []float64{2, 2 * X2, X1*X1 + 4*X1*X2 + 3*X2*X2}
		got := []float64{a[p], b[p], c[p]}
		for k := range want {
			if math.Abs(got[k]-want[k]) > 1e-12 {
				t.Errorf("point %d read-out %d: %v, want %v", p, k, got[k], want[k])
			}
		}
	}
}

// TestRowGatherTileGrad checks the reverse passes of RowGather (scatter-add,
// repeated rows included) and Tile/GroupSum against the explicit formulas.
func TestRowGatherTileGrad(t *testing.T) {
	g := G.NewGraph()
	r := rand.New(rand.NewPCG(1, 2))
	const n, m, P, B = 5, 3, 2, 3
	W := make([]float64, n*m)
	for i := range W {
		W[i] = r.NormFloat64()
	}
	X := make([]float64, P*m)
	for i := range X {
		X[i] = r.NormFloat64()
	}
	R := make([]float64, P*B*m)
	for i := range R {
		R[i] = r.NormFloat64()
	}
	rows := &autodiff.Rows{Idx: []int{4, 0, 4, 2, 1, 4}}
	wn := input(g, tensor.Float64, "W", n, m, W)
	xn := input(g, tensor.Float64, "X", P, m, X)
	rn := input(g, tensor.Float64, "R", P*B, m, R)
	gat, err := autodiff.RowGather(wn, rows)
	if err != nil {
		t.Fatal(err)
	}
	til, err := autodiff.Tile(xn, B)
	if err != nil {
		t.Fatal(err)
	}
	prod, _ := G.HadamardProd(gat, til)
	prod, _ = G.HadamardProd(prod, rn)
	gs, err := autodiff.GroupSum(prod, B)
	if err != nil {
		t.Fatal(err)
	}
	loss, _ := G.Sum(gs)
	if _, err := G.Grad(loss, wn, xn); err != nil {
		t.Fatal(err)
	}
	vm := G.NewTapeMachine(g, G.BindDualValues(wn, xn))
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	gw, _ := wn.Grad()
	gx, _ := xn.Grad()
	dW := gw.Data().([]float64)
	dX := gx.Data().([]float64)
	wantW := make([]float64, n*m)
	wantX := make([]float64, P*m)
	for k, j := range rows.Idx {
		p := k / B
		for c := 0; c < m; c++ {
			wantW[j*m+c] += X[p*m+c] * R[k*m+c]
			wantX[p*m+c] += W[j*m+c] * R[k*m+c]
		}
	}
	for i := range wantW {
		if math.Abs(dW[i]-wantW[i]) > 1e-12 {
			t.Fatalf("dW[%d] = %v, want %v", i, dW[i], wantW[i])
		}
	}
	for i := range wantX {
		if math.Abs(dX[i]-wantX[i]) > 1e-12 {
			t.Fatalf("dX[%d] = %v, want %v", i, dX[i], wantX[i])
		}
	}
	_ = tensor.Float64
}
