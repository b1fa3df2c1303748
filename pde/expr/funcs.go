package expr

import "math"

// builtin is an elementwise function of the language.
type builtin struct {
	arity int
	f1    func(float64) float64
	f2    func(float64, float64) float64
}

// builtins are the elementwise functions of SPEC.md §2, plus sign, which
// Diff needs for the derivative of abs (and of min and max), and
// heaviside, the value of a comparison. Both are ordinary functions to the
// compiler whose derivatives are all zero (they are constant piece by
// piece).
var builtins = map[string]builtin{
	"sin":       {arity: 1, f1: math.Sin},
	"cos":       {arity: 1, f1: math.Cos},
	"tan":       {arity: 1, f1: math.Tan},
	"exp":       {arity: 1, f1: math.Exp},
	"log":       {arity: 1, f1: math.Log},
	"sqrt":      {arity: 1, f1: math.Sqrt},
	"abs":       {arity: 1, f1: math.Abs},
	"tanh":      {arity: 1, f1: math.Tanh},
	"sinh":      {arity: 1, f1: math.Sinh},
	"cosh":      {arity: 1, f1: math.Cosh},
	"arctan":    {arity: 1, f1: math.Atan},
	"sigmoid":   {arity: 1, f1: sigmoid},
	"sign":      {arity: 1, f1: sign},
	"heaviside": {arity: 1, f1: heaviside},
	"min":       {arity: 2, f2: math.Min},
	"max":       {arity: 2, f2: math.Max},
}

// sigmoid avoids exp overflow for large |x| by using the form whose
// exponential is at most 1.
func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	z := math.Exp(x)
	return z / (1 + z)
}

// heaviside is 1 for x > 0, 0 for x <= 0 (NaN stays NaN): the value of a
// comparison (a < b is heaviside(b - a)).
func heaviside(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x <= 0:
		return 0
	}
	return x
}

func sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return x // 0, -0 and NaN stay as they are
}

// operators are the calls that act on fields rather than on numbers; they
// are left for the network compiler (or expanded) by Resolve.
var operators = map[string]bool{
	"d": true, "lap": true, "biharm": true, "grad": true, "div": true, "dn": true,
	"norm2": true, "sum": true, "exact": true,
}

// IsBuiltin reports whether name is an elementwise built-in function
// (sin ... max, and sign) and returns its number of arguments.
func IsBuiltin(name string) (arity int, ok bool) {
	b, ok := builtins[name]
	return b.arity, ok
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
