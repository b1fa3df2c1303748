package symreg

import (
	"fmt"
	"math"
	"strings"

	"github.com/gopinn/gopinn/pde/expr"
)

// libTerm is one candidate column: its expression text and whether it needs
// parentheses as the right operand of a product.
type libTerm struct {
	text   string
	paren  bool
	values []float64
}

// checkNames requires every input name to parse as a bare name, so that the
// formulas written with them parse back.
func checkNames(names []string) error {
	seen := map[string]bool{}
	for _, n := range names {
		e, err := expr.Parse(n)
		if err != nil {
			return fmt.Errorf("input name %q: %w", n, err)
		}
		id, ok := e.(*expr.Ident)
		if !ok || id.Name != n {
			return fmt.Errorf("input name %q is not a plain name", n)
		}
		if _, fn := expr.IsBuiltin(n); fn || n == "pi" || n == "e" {
			return fmt.Errorf("input name %q is reserved", n)
		}
		if seen[n] {
			return fmt.Errorf("input name %q repeated", n)
		}
		seen[n] = true
	}
	return nil
}

// exponents lists the exponent tuples of all monomials in len(names)
// variables of total degree 0..maxDeg, by degree, then with higher powers
// of earlier variables first (1, x, y, x^2, x*y, y^2, ...).
func exponents(nvar, maxDeg int) [][]int {
	var out [][]int
	var rec func(cur []int, i, left int)
	rec = func(cur []int, i, left int) {
		if i == nvar-1 {
			e := append(append([]int(nil), cur...), left)
			out = append(out, e)
			return
		}
		for p := left; p >= 0; p-- {
			rec(append(cur, p), i+1, left-p)
		}
	}
	for d := 0; d <= maxDeg; d++ {
		if nvar == 0 {
			break
		}
		rec(nil, 0, d)
	}
	return out
}

func monomialText(names []string, exp []int) string {
	var parts []string
	for i, p := range exp {
		switch {
		case p == 1:
			parts = append(parts, names[i])
		case p > 1:
			parts = append(parts, fmt.Sprintf("%s^%d", names[i], p))
		}
	}
	if len(parts) == 0 {
		return "1"
	}
	return strings.Join(parts, "*")
}

// buildLibrary evaluates every candidate term at the m samples.
func buildLibrary(names []string, inputs [][]float64, m, maxDeg int, extra []string) ([]libTerm, error) {
	var lib []libTerm
	for _, exp := range exponents(len(names), maxDeg) {
		v := make([]float64, m)
		for r := range v {
			x := 1.0
			for i, p := range exp {
				for range p {
					x *= inputs[i][r]
				}
			}
			v[r] = x
		}
		lib = append(lib, libTerm{text: monomialText(names, exp), values: v})
	}
	row := make([]float64, len(names))
	for _, src := range extra {
		text := strings.TrimSpace(src)
		e, err := expr.Parse(text)
		if err != nil {
			return nil, fmt.Errorf("extra term %q: %w", src, err)
		}
		f, err := expr.Compile(e, names)
		if err != nil {
			return nil, fmt.Errorf("extra term %q: %w", src, err)
		}
		v := make([]float64, m)
		for r := range v {
			for i := range names {
				row[i] = inputs[i][r]
			}
			v[r] = f(row)
			if math.IsNaN(v[r]) || math.IsInf(v[r], 0) {
				return nil, fmt.Errorf("extra term %q is %g at sample %d", src, v[r], r)
			}
		}
		lib = append(lib, libTerm{text: text, paren: needsParen(e), values: v})
	}
	return lib, nil
}

// needsParen reports whether e must be parenthesised after "c*": sums,
// differences and unary minus bind looser than the product.
func needsParen(e expr.Expr) bool {
	switch n := e.(type) {
	case *expr.Binary:
		return n.Op == '+' || n.Op == '-'
	case *expr.Unary:
		return true
	case *expr.Num:
		return n.Value < 0
	}
	return false
}
