package autodiff

import (
	"fmt"
	"strconv"
	"strings"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Jet is a truncated univariate Taylor series of a graph value along an
// input path, in derivative convention: C[k] = d^k/ds^k f(x + path(s)) at
// s = 0, with the input path x(s) = x + v1 s + v2 s²/2! + ... . len(C) = K+1.
// C[0] is never nil; a nil C[k] (k ≥ 1) is a structural zero.
type Jet struct{ C []*G.Node }

// Order returns K, the highest derivative order carried.
func (j Jet) Order() int { return len(j.C) - 1 }

// Const returns the jet of a value that does not depend on the path.
func Const(x *G.Node, K int) Jet {
	c := make([]*G.Node, K+1)
	c[0] = x
	return Jet{C: c}
}

func sameOrder(op string, a, b Jet) error {
	if len(a.C) == 0 || len(b.C) == 0 {
		return fmt.Errorf("autodiff.%s: empty jet", op)
	}
	if a.Order() != b.Order() {
		return errOrder(op, a.Order(), b.Order())
	}
	return nil
}

// Add returns a + b.
func Add(a, b Jet) (Jet, error) {
	if err := sameOrder("Add", a, b); err != nil {
		return Jet{}, err
	}
	out := make([]*G.Node, len(a.C))
	for k := range a.C {
		var err error
		if out[k], err = addNil(a.C[k], b.C[k]); err != nil {
			return Jet{}, fmt.Errorf("autodiff.Add C[%d]: %w", k, err)
		}
	}
	return Jet{C: out}, nil
}

// Sub returns a - b.
func Sub(a, b Jet) (Jet, error) {
	if err := sameOrder("Sub", a, b); err != nil {
		return Jet{}, err
	}
	out := make([]*G.Node, len(a.C))
	for k := range a.C {
		var err error
		if out[k], err = axpy(a.C[k], -1, b.C[k]); err != nil {
			return Jet{}, fmt.Errorf("autodiff.Sub C[%d]: %w", k, err)
		}
	}
	return Jet{C: out}, nil
}

// Neg returns -a.
func Neg(a Jet) (Jet, error) { return Scale(a, -1) }

// Scale returns c·a; the constant is created in the graph's dtype.
func Scale(a Jet, c float64) (Jet, error) {
	out := make([]*G.Node, len(a.C))
	for k, x := range a.C {
		if x == nil || (c == 0 && k > 0) {
			continue
		}
		var err error
		if out[k], err = scaleNode(x, c); err != nil {
			return Jet{}, fmt.Errorf("autodiff.Scale C[%d]: %w", k, err)
		}
	}
	return Jet{C: out}, nil
}

// AddConst returns a + c (only C[0] changes).
func AddConst(a Jet, c float64) (Jet, error) {
	out := append([]*G.Node(nil), a.C...)
	if c == 0 {
		return Jet{C: out}, nil
	}
	var err error
	if out[0], err = G.Add(a.C[0], constLike(a.C[0], c)); err != nil {
		return Jet{}, fmt.Errorf("autodiff.AddConst: %w", err)
	}
	return Jet{C: out}, nil
}

// Mul returns the elementwise product a·b by Leibniz' rule,
// C[n] = Σ_k binom(n,k) a_k b_{n-k}.
func Mul(a, b Jet) (Jet, error) {
	if err := sameOrder("Mul", a, b); err != nil {
		return Jet{}, err
	}
	out := make([]*G.Node, len(a.C))
	for n := range a.C {
		var acc *G.Node
		for k := 0; k <= n; k++ {
			if a.C[k] == nil || b.C[n-k] == nil {
				continue
			}
			p, err := mulNode(a.C[k], b.C[n-k])
			if err != nil {
				return Jet{}, fmt.Errorf("autodiff.Mul C[%d]: %w", n, err)
			}
			if acc, err = axpy(acc, binom(n, k), p); err != nil {
				return Jet{}, fmt.Errorf("autodiff.Mul C[%d]: %w", n, err)
			}
		}
		out[n] = acc
	}
	return Jet{C: out}, nil
}

// MulNode multiplies every coefficient by s, a node without a jet (a
// parameter, or a same-shape tensor). A scalar () s works with tensor
// coefficients, gradient w.r.t. s included.
func MulNode(a Jet, s *G.Node) (Jet, error) {
	out := make([]*G.Node, len(a.C))
	for k, x := range a.C {
		if x == nil {
			continue
		}
		var err error
		if out[k], err = mulNode(x, s); err != nil {
			return Jet{}, fmt.Errorf("autodiff.MulNode C[%d]: %w", k, err)
		}
	}
	return Jet{C: out}, nil
}

// Div returns a/b. From a = q·b and Leibniz,
// q_n = (a_n - Σ_{k<n} binom(n,k) q_k b_{n-k}) / b_0.
func Div(a, b Jet) (Jet, error) {
	if err := sameOrder("Div", a, b); err != nil {
		return Jet{}, err
	}
	out := make([]*G.Node, len(a.C))
	var err error
	if out[0], err = G.HadamardDiv(a.C[0], b.C[0]); err != nil {
		return Jet{}, fmt.Errorf("autodiff.Div C[0]: %w", err)
	}
	var inv *G.Node
	for n := 1; n < len(a.C); n++ {
		acc := a.C[n]
		for k := range n {
			if out[k] == nil || b.C[n-k] == nil {
				continue
			}
			p, err := mulNode(out[k], b.C[n-k])
			if err != nil {
				return Jet{}, fmt.Errorf("autodiff.Div C[%d]: %w", n, err)
			}
			if acc, err = axpy(acc, -binom(n, k), p); err != nil {
				return Jet{}, fmt.Errorf("autodiff.Div C[%d]: %w", n, err)
			}
		}
		if acc == nil {
			continue
		}
		if inv == nil {
			if inv, err = G.Inverse(b.C[0]); err != nil {
				return Jet{}, fmt.Errorf("autodiff.Div: %w", err)
			}
		}
		if out[n], err = mulNode(acc, inv); err != nil {
			return Jet{}, fmt.Errorf("autodiff.Div C[%d]: %w", n, err)
		}
	}
	return Jet{C: out}, nil
}

// MatMul returns a·w for every coefficient (a linear layer is linear in
// every Taylor coefficient).
func MatMul(a Jet, w *G.Node) (Jet, error) {
	out := make([]*G.Node, len(a.C))
	for k, x := range a.C {
		if x == nil {
			continue
		}
		var err error
		if out[k], err = G.Mul(x, w); err != nil {
			return Jet{}, fmt.Errorf("autodiff.MatMul C[%d]: %w", k, err)
		}
	}
	return Jet{C: out}, nil
}

// AddBias adds a bias b of shape (1, m) (or (m)) to C[0], broadcast over
// rows; the bias does not move along the path, so higher coefficients stay.
func AddBias(a Jet, b *G.Node) (Jet, error) {
	out := append([]*G.Node(nil), a.C...)
	var err error
	if out[0], err = addBias(a.C[0], b); err != nil {
		return Jet{}, fmt.Errorf("autodiff.AddBias: %w", err)
	}
	return Jet{C: out}, nil
}

func addBias(x, b *G.Node) (*G.Node, error) {
	if b.Dims() == 1 {
		var err error
		if b, err = G.Reshape(b, tensor.Shape{1, b.Shape()[0]}); err != nil {
			return nil, err
		}
	}
	return G.BroadcastAdd(x, b, nil, []byte{0})
}

// monomials builds products Π_j a_j^{m_j} of jet coefficients, sharing
// every common factor: the product for m is the product for m minus its
// largest part, times that part's coefficient (a trie over partitions).
type monomials struct {
	c    []*G.Node
	memo map[string]*G.Node
}

func key(m []int) string {
	var b strings.Builder
	for _, x := range m {
		b.WriteString(strconv.Itoa(x))
		b.WriteByte(',')
	}
	return b.String()
}

// get returns the product, or nil if it contains a structural zero.
func (mo *monomials) get(m []int) (*G.Node, error) {
	top := -1
	for j := len(m) - 1; j >= 0; j-- {
		if m[j] > 0 {
			top = j
			break
		}
	}
	if top < 0 {
		return nil, fmt.Errorf("empty monomial")
	}
	if mo.c[top+1] == nil {
		return nil, nil
	}
	k := key(m)
	if p, ok := mo.memo[k]; ok {
		return p, nil
	}
	rest := append([]int(nil), m...)
	rest[top]--
	var p *G.Node
	if isZero(rest) {
		p = mo.c[top+1]
	} else {
		q, err := mo.get(rest)
		if err != nil || q == nil {
			return nil, err
		}
		if p, err = mulNode(q, mo.c[top+1]); err != nil {
			return nil, err
		}
	}
	mo.memo[k] = p
	return p, nil
}

func isZero(m []int) bool {
	for _, x := range m {
		if x != 0 {
			return false
		}
	}
	return true
}

// Apply pushes a jet through an elementwise function by Faà di Bruno's
// formula (Comtet 1974, §3.4, Theorem A):
//
//	out_n = Σ_{k=1..n} f^(k)(a_0) · B_{n,k}(a_1, ..., a_{n-k+1}),
//
// with the partial Bell polynomials B_{n,k} generated from the partitions of
// n into k parts (BellCoefficients).
func Apply(a Jet, t Tower) (Jet, error) {
	out, err := composeTower("autodiff.Apply", a.C, t, func(d *G.Node) (*G.Node, error) { return d, nil })
	if err != nil {
		return Jet{}, err
	}
	return Jet{C: out}, nil
}

// composeTower is Faà di Bruno's formula on a coefficient series c:
// out[0] = f(c0), out[n] = sum_{k=1..n} f^(k)(c0) * B_{n,k}(c1, ..., c_{n-k+1}),
// with the Bell-polynomial terms from integer partitions (bell). rows maps a
// derivative f^(k)(c0), which has the primal's rows, to the rows of the
// higher coefficients (the identity for Jet; tiling for StackedJet).
func composeTower(op string, c []*G.Node, t Tower, rows func(*G.Node) (*G.Node, error)) ([]*G.Node, error) {
	K := len(c) - 1
	d, err := t.Derivs(c[0], K)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", op, t.Name(), err)
	}
	if len(d) < K+1 {
		return nil, fmt.Errorf("%s %s: tower gave %d derivatives, need %d", op, t.Name(), len(d), K+1)
	}
	out := make([]*G.Node, K+1)
	out[0] = d[0]
	mo := &monomials{c: c, memo: map[string]*G.Node{}}
	dr := make([]*G.Node, K+1) // d[k] in the coefficients' rows, made once
	for n := 1; n <= K; n++ {
		var acc *G.Node
		for k := 1; k <= n; k++ {
			if d[k] == nil {
				continue
			}
			var inner *G.Node
			for _, term := range bell(n, k) {
				p, err := mo.get(term.Mult)
				if err != nil {
					return nil, fmt.Errorf("%s %s C[%d]: %w", op, t.Name(), n, err)
				}
				if inner, err = axpy(inner, term.Coef, p); err != nil {
					return nil, fmt.Errorf("%s %s C[%d]: %w", op, t.Name(), n, err)
				}
			}
			if inner == nil {
				continue
			}
			if dr[k] == nil {
				if dr[k], err = rows(d[k]); err != nil {
					return nil, fmt.Errorf("%s %s: %w", op, t.Name(), err)
				}
			}
			p, err := mulNode(dr[k], inner)
			if err != nil {
				return nil, fmt.Errorf("%s %s C[%d]: %w", op, t.Name(), n, err)
			}
			if acc, err = addNil(acc, p); err != nil {
				return nil, fmt.Errorf("%s %s C[%d]: %w", op, t.Name(), n, err)
			}
		}
		out[n] = acc
	}
	return out, nil
}

// Pow returns a^p elementwise through the power tower; integer p is exact
// (and defined for negative a).
func Pow(a Jet, p float64) (Jet, error) { return Apply(a, PowerTower(p)) }
