package autodiff

import (
	"fmt"
	"sync"
)

// Partitions returns the integer partitions of n in multiplicity form: each
// partition m has len(m) == n and m[j-1] is the number of parts equal to j,
// so Σ_j j·m[j-1] == n. Partitions of n ≥ 1 are listed with the number of
// parts increasing; Partitions(0) is the single empty partition, and a
// negative n has none.
//
// The multiplicity form is the one Faà di Bruno's formula is written in
// (Comtet, Advanced Combinatorics, 1974, §3.3, Theorem A).
func Partitions(n int) [][]int {
	if n < 0 {
		return nil
	}
	if n == 0 {
		return [][]int{{}}
	}
	var out [][]int
	for k := 1; k <= n; k++ {
		out = append(out, partitionsK(n, k)...)
	}
	return out
}

// partitionsK lists the partitions of n into exactly k parts (multiplicity
// form, length n), by recursion on the largest part: parts are chosen in
// non-increasing order so each partition appears once.
func partitionsK(n, k int) [][]int {
	var out [][]int
	m := make([]int, n)
	var rec func(rem, parts, maxPart int)
	rec = func(rem, parts, maxPart int) {
		if parts == 0 {
			if rem == 0 {
				out = append(out, append([]int(nil), m...))
			}
			return
		}
		// The remaining parts must each be ≥ 1 and ≤ maxPart.
		for p := min(maxPart, rem-(parts-1)); p >= 1; p-- {
			if p*parts < rem {
				break
			}
			m[p-1]++
			rec(rem-p, parts-1, p)
			m[p-1]--
		}
	}
	rec(n, k, n)
	return out
}

// BellTerm is one monomial of the partial Bell polynomial B_{n,k}:
// Coef · Π_j x_j^Mult[j-1].
type BellTerm struct {
	Coef float64 // n! / Π_j (m_j! (j!)^m_j), an integer
	Mult []int   // multiplicities, len n; Σ_j m_j = k, Σ_j j m_j = n
}

// BellCoefficients returns the monomials of the partial (exponential) Bell
// polynomial B_{n,k}(x_1, ..., x_{n-k+1}), one per partition of n into k
// parts, with coefficient n!/Π_j (m_j! (j!)^m_j) (Comtet 1974, §3.3, eq. 3a).
// Their coefficients sum to the Stirling number of the second kind S(n,k).
// It returns nil unless 1 ≤ k ≤ n.
func BellCoefficients(n, k int) []BellTerm {
	if k < 1 || k > n {
		return nil
	}
	parts := partitionsK(n, k)
	out := make([]BellTerm, len(parts))
	for i, m := range parts {
		c := factorial(n)
		for j, mj := range m {
			c /= factorial(mj) * pow(factorial(j+1), mj)
		}
		out[i] = BellTerm{Coef: c, Mult: m}
	}
	return out
}

// bellCache memoises BellCoefficients for the orders jets use (graphs may be
// built from several goroutines, hence the lock). Cached slices are never
// modified.
var bellCache struct {
	sync.Mutex
	m map[[2]int][]BellTerm
}

func bell(n, k int) []BellTerm {
	bellCache.Lock()
	defer bellCache.Unlock()
	key := [2]int{n, k}
	if b, ok := bellCache.m[key]; ok {
		return b
	}
	if bellCache.m == nil {
		bellCache.m = map[[2]int][]BellTerm{}
	}
	b := BellCoefficients(n, k)
	bellCache.m[key] = b
	return b
}

func factorial(n int) float64 {
	f := 1.0
	for i := 2; i <= n; i++ {
		f *= float64(i)
	}
	return f
}

func pow(x float64, n int) float64 {
	r := 1.0
	for range n {
		r *= x
	}
	return r
}

// binom returns the binomial coefficient C(n, k) as a float64 (exact for the
// orders used here).
func binom(n, k int) float64 {
	if k < 0 || k > n {
		return 0
	}
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}

func errOrder(op string, a, b int) error {
	return fmt.Errorf("autodiff.%s: jet orders differ (%d vs %d)", op, a, b)
}
