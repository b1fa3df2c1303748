package autodiff

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// MultiIndex counts derivatives per input: alpha[i] = order in input i. Its
// order is the sum of the counts.
type MultiIndex []int

// Order returns |alpha|.
func (a MultiIndex) Order() int {
	s := 0
	for _, x := range a {
		s += x
	}
	return s
}

func (a MultiIndex) key() string { return key(a) }

// Direction is a pure directional jet: input coefficients (x, V, 0, ...)
// pushed to Order. V has integer entries with gcd 1.
type Direction struct {
	V     []float64
	Order int
}

// ReadTerm says: derivative += Coef · jet[Dir].C[Order].
type ReadTerm struct {
	Dir, Order int
	Coef       float64
}

// Plan lists the pure directional jets to push for a set of partial
// derivatives, and how to read each derivative out of them.
type Plan struct {
	n     int
	dirs  []Direction
	index map[string]int // normalised direction -> index in dirs
	reads map[string][]ReadTerm
}

// NewPlan plans the jets for the partial derivatives need of a function of n
// inputs, any order.
//
// A pure partial k·e_i is read from the jet along e_i. A mixed partial of
// order k with support S uses polarization: the k-th directional derivative
// along b is the homogeneous polynomial
//
//	D^k u[b] = Σ_{|g|=k, supp g ⊆ S} k!/g! · ∂^g u · b^g,
//
// so pushing jets along all integer b with |b| = k, supp b ⊆ S (the
// principal lattice of the simplex, unisolvent for degree-k polynomials;
// Nicolaides 1972, Chung & Yao 1977) and solving that square system gives
// ∂^alpha u as a combination of the D^k u[b]. Directions are normalised by
// the gcd of their entries (D^k u[c b] = c^k D^k u[b]) and shared across all
// derivatives, each pushed to the highest order any read-out needs.
func NewPlan(n int, need []MultiIndex) (*Plan, error) {
	if n < 1 {
		return nil, fmt.Errorf("autodiff.NewPlan: n = %d inputs, need ≥ 1", n)
	}
	p := &Plan{n: n, index: map[string]int{}, reads: map[string][]ReadTerm{}}
	var zeroOrder []MultiIndex
	for _, alpha := range need {
		if len(alpha) != n {
			return nil, fmt.Errorf("autodiff.NewPlan: multi-index %v has %d entries, want %d", alpha, len(alpha), n)
		}
		for _, a := range alpha {
			if a < 0 {
				return nil, fmt.Errorf("autodiff.NewPlan: negative count in %v", alpha)
			}
		}
		if _, done := p.reads[alpha.key()]; done {
			continue
		}
		if alpha.Order() == 0 {
			zeroOrder = append(zeroOrder, alpha)
			continue
		}
		terms, err := p.polarize(alpha)
		if err != nil {
			return nil, fmt.Errorf("autodiff.NewPlan %v: %w", alpha, err)
		}
		p.reads[alpha.key()] = terms
	}
	// The value itself is C[0] of any jet.
	for _, alpha := range zeroOrder {
		if len(p.dirs) == 0 {
			e := make([]int, n)
			e[0] = 1
			p.direction(e, 0)
		}
		p.reads[alpha.key()] = []ReadTerm{{Dir: 0, Order: 0, Coef: 1}}
	}
	return p, nil
}

// direction registers the normalised direction b (pushed to order at
// least k) and returns its index and the gcd it was divided by.
func (p *Plan) direction(b []int, k int) (int, int) {
	g := 0
	for _, x := range b {
		g = gcd(g, x)
	}
	nb := make([]int, len(b))
	for i, x := range b {
		nb[i] = x / g
	}
	kk := key(nb)
	if i, ok := p.index[kk]; ok {
		p.dirs[i].Order = max(p.dirs[i].Order, k)
		return i, g
	}
	v := make([]float64, len(nb))
	for i, x := range nb {
		v[i] = float64(x)
	}
	p.dirs = append(p.dirs, Direction{V: v, Order: k})
	p.index[kk] = len(p.dirs) - 1
	return len(p.dirs) - 1, g
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// polarize returns the read-out of ∂^alpha u from directional jets.
func (p *Plan) polarize(alpha MultiIndex) ([]ReadTerm, error) {
	k := alpha.Order()
	var S []int
	for i, a := range alpha {
		if a > 0 {
			S = append(S, i)
		}
	}
	if len(S) == 1 {
		e := make([]int, p.n)
		e[S[0]] = 1
		d, _ := p.direction(e, k)
		return []ReadTerm{{Dir: d, Order: k, Coef: 1}}, nil
	}
	// Exponents on the support: all compositions of k into len(S) parts
	// (allowing zeros). They index both the unknown partials g and the
	// directions b.
	comps := compositions(k, len(S))
	m := len(comps)
	target := -1
	for r, g := range comps {
		match := true
		for j, i := range S {
			if g[j] != alpha[i] {
				match = false
				break
			}
		}
		if match {
			target = r
		}
	}
	// A[b][g] = k!/g! · b^g; we want w with Σ_b w_b A[b][g] = δ_{g,alpha},
	// i.e. Aᵀ w = e_alpha.
	A := mat.NewDense(m, m, nil)
	for r, b := range comps {
		for c, g := range comps {
			v := factorial(k)
			for j := range g {
				v *= pow(float64(b[j]), g[j]) / factorial(g[j])
			}
			A.Set(r, c, v)
		}
	}
	rhs := mat.NewVecDense(m, nil)
	rhs.SetVec(target, 1)
	var w mat.VecDense
	if err := w.SolveVec(A.T(), rhs); err != nil {
		return nil, fmt.Errorf("polarization system (k=%d, |S|=%d): %w", k, len(S), err)
	}
	var terms []ReadTerm
	for r, b := range comps {
		c := w.AtVec(r)
		if math.Abs(c) < 1e-13 {
			// Exact zeros of the rational solution come out at rounding level;
			// dropping them saves a read and a jet.
			continue
		}
		full := make([]int, p.n)
		for j, i := range S {
			full[i] = b[j]
		}
		d, g := p.direction(full, k)
		terms = append(terms, ReadTerm{Dir: d, Order: k, Coef: c * pow(float64(g), k)})
	}
	return terms, nil
}

// compositions lists the s-tuples of non-negative integers summing to k.
func compositions(k, s int) [][]int {
	var out [][]int
	cur := make([]int, s)
	var rec func(j, rem int)
	rec = func(j, rem int) {
		if j == s-1 {
			cur[j] = rem
			out = append(out, append([]int(nil), cur...))
			return
		}
		for x := rem; x >= 0; x-- {
			cur[j] = x
			rec(j+1, rem-x)
		}
	}
	rec(0, k)
	return out
}

// N returns the number of inputs.
func (p *Plan) N() int { return p.n }

// Directions returns the jets to push, in a fixed order (the Dir of
// ReadTerm indexes it).
func (p *Plan) Directions() []Direction { return p.dirs }

// Readout returns how to combine jet coefficients into ∂^alpha u.
func (p *Plan) Readout(alpha MultiIndex) ([]ReadTerm, error) {
	t, ok := p.reads[alpha.key()]
	if !ok {
		return nil, fmt.Errorf("autodiff.Plan.Readout: %v was not planned", alpha)
	}
	return t, nil
}
