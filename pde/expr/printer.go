package expr

import (
	"math"
	"strconv"
	"strings"
)

// Binding strengths used by the printer: an operand is parenthesised only
// when its own strength is below what its position needs.
const (
	precAdd     = 1
	precMul     = 2
	precUnary   = 3
	precPow     = 4
	precPrimary = 5
)

func prec(e Expr) int {
	switch n := e.(type) {
	case *Num:
		// A negative literal prints with a leading minus, which parses as a
		// unary-level construct.
		if n.Value < 0 || n.Value == 0 && math.Signbit(n.Value) || !isFinite(n.Value) {
			return precUnary
		}
		return precPrimary
	case *Unary:
		return precUnary
	case *Binary:
		switch n.Op {
		case '+', '-':
			return precAdd
		case '*', '/':
			return precMul
		case '^':
			return precPow
		}
	}
	return precPrimary
}

func isFinite(v float64) bool { return !math.IsInf(v, 0) && !math.IsNaN(v) }

func write(b *strings.Builder, e Expr, need int) {
	if e == nil {
		b.WriteString("<nil>")
		return
	}
	if prec(e) < need {
		b.WriteByte('(')
		write(b, e, 0)
		b.WriteByte(')')
		return
	}
	switch n := e.(type) {
	case *Num:
		writeNum(b, n.Value)
	case *Ident:
		b.WriteString(n.Name)
	case *Unary:
		b.WriteByte(n.Op)
		// "-(2)" rather than "-2": the parser folds the latter into a literal.
		if x, ok := n.X.(*Num); ok && prec(x) == precPrimary {
			b.WriteByte('(')
			writeNum(b, x.Value)
			b.WriteByte(')')
			return
		}
		// A space keeps "- -x" readable; the lexer has no "--" token anyway.
		if prec(n.X) == precUnary {
			b.WriteByte(' ')
		}
		write(b, n.X, precUnary)
	case *Binary:
		switch n.Op {
		case '+', '-':
			write(b, n.L, precAdd)
			b.WriteString(" " + string(n.Op) + " ")
			write(b, n.R, precMul)
		case '*', '/':
			write(b, n.L, precMul)
			b.WriteString(string(n.Op))
			write(b, n.R, precUnary)
		case '^':
			write(b, n.L, precPrimary)
			b.WriteString("^")
			write(b, n.R, precUnary)
		default:
			write(b, n.L, precPrimary)
			b.WriteString(" " + string(n.Op) + " ")
			write(b, n.R, precPrimary)
		}
	case *Call:
		b.WriteString(n.Func)
		writeList(b, '(', n.Args, ')')
	case *Deriv:
		b.WriteString("d(")
		write(b, n.Of, 0)
		for _, w := range n.Wrt {
			b.WriteString(", ")
			b.WriteString(w)
		}
		b.WriteByte(')')
	case *Index:
		b.WriteString(n.Name)
		b.WriteByte('[')
		write(b, n.Index, 0)
		b.WriteByte(']')
	case *IndexedSum:
		b.WriteString("sum(")
		b.WriteString(n.Var)
		b.WriteString(", ")
		write(b, n.From, 0)
		b.WriteString(", ")
		write(b, n.To, 0)
		b.WriteString(", ")
		write(b, n.Body, 0)
		b.WriteByte(')')
	case *VecLit:
		writeList(b, '[', n.Elems, ']')
	}
}

// writeList writes expressions separated by ", " between open and close.
func writeList(b *strings.Builder, open byte, xs []Expr, close byte) {
	b.WriteByte(open)
	for i, a := range xs {
		if i > 0 {
			b.WriteString(", ")
		}
		write(b, a, 0)
	}
	b.WriteByte(close)
}

// writeNum prints with the shortest representation that reads back to the
// same float64. Infinities and NaN have no literal; they print as
// expressions with that value so the output still parses (to an unequal
// tree: Simplify never folds to them, so only hand-built trees hit this).
func writeNum(b *strings.Builder, v float64) {
	switch {
	case math.IsNaN(v):
		b.WriteString("(0/0)")
	case math.IsInf(v, 1):
		b.WriteString("(1/0)")
	case math.IsInf(v, -1):
		b.WriteString("(-1/0)")
	default:
		b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
	}
}

func str(e Expr) string {
	var b strings.Builder
	write(&b, e, 0)
	return b.String()
}

func (n *Num) String() string        { return str(n) }
func (n *Ident) String() string      { return str(n) }
func (n *Unary) String() string      { return str(n) }
func (n *Binary) String() string     { return str(n) }
func (n *Call) String() string       { return str(n) }
func (n *Deriv) String() string      { return str(n) }
func (n *Index) String() string      { return str(n) }
func (n *IndexedSum) String() string { return str(n) }
func (n *VecLit) String() string     { return str(n) }
