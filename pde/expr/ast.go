package expr

import "fmt"

// Pos is a position inside one expression string: Offset is the 0-based byte
// offset, Col the 1-based column of that byte on its line (expressions are
// one line, so Col = Offset+1 unless the source had newlines).
type Pos struct {
	Offset int
	Line   int // 1-based line inside the expression string
	Col    int // 1-based column inside the expression string
}

// Expr is a node of the expression AST. Every node knows where it starts so
// that errors can point at the offending token.
type Expr interface {
	Position() Pos
	// String prints the node in the expression language of SPEC.md §2 so that
	// the output parses back to an equal tree.
	String() string
	exprNode()
}

// Num is a numeric literal (also the result of folding constants).
type Num struct {
	P     Pos
	Value float64
}

// Ident is a bare name: a variable, field, constant, parameter, helper
// function, pi, e, d, N or N_<field>. Shorthand derivatives such as u_xx are
// parsed as Ident and turned into Deriv by Resolve.
type Ident struct {
	P    Pos
	Name string
}

// Unary is a prefix operator; Op is '-' (a leading '+' is dropped).
type Unary struct {
	P  Pos
	Op byte
	X  Expr
}

// Binary is an infix operator; Op is one of + - * / ^.
type Binary struct {
	P    Pos
	Op   byte
	L, R Expr
}

// Call is a function application: built-in functions (sin ... max), the
// differential operators lap, biharm, grad, div, dn, the reductions norm2 and
// sum (elementwise form sum(expr)), exact(u), and hidden-term networks h(...).
type Call struct {
	P    Pos
	Func string
	Args []Expr
}

// Deriv is a partial derivative d(Of, Wrt[0], Wrt[1], ...), written either as
// d(u, x, x) or as the shorthand u_xx. Wrt lists variable names, repeated for
// higher order, in the order written.
type Deriv struct {
	P   Pos
	Of  Expr
	Wrt []string
}

// Index is an indexed vector name: x[i], c[i+1].
type Index struct {
	P     Pos
	Name  string
	Index Expr
}

// IndexedSum is sum(i, from, to, body): Var runs over the integers from..to
// inclusive.
type IndexedSum struct {
	P        Pos
	Var      string
	From, To Expr
	Body     Expr
}

// VecLit is a vector literal [e1, ..., en], written as a bracket list not
// preceded by a name. It means one component per space variable and is only
// accepted inside div(...), which Resolve lowers to scalar derivatives, so
// no VecLit survives Resolve.
type VecLit struct {
	P     Pos
	Elems []Expr
}

func (n *Num) Position() Pos        { return n.P }
func (n *Ident) Position() Pos      { return n.P }
func (n *Unary) Position() Pos      { return n.P }
func (n *Binary) Position() Pos     { return n.P }
func (n *Call) Position() Pos       { return n.P }
func (n *Deriv) Position() Pos      { return n.P }
func (n *Index) Position() Pos      { return n.P }
func (n *IndexedSum) Position() Pos { return n.P }
func (n *VecLit) Position() Pos     { return n.P }

func (*Num) exprNode()        {}
func (*Ident) exprNode()      {}
func (*Unary) exprNode()      {}
func (*Binary) exprNode()     {}
func (*Call) exprNode()       {}
func (*Deriv) exprNode()      {}
func (*Index) exprNode()      {}
func (*IndexedSum) exprNode() {}
func (*VecLit) exprNode()     {}

// Error is an error at a position inside an expression. The spec loader adds
// the file name and the expression's own line and column in the YAML file.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string { return fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Col, e.Msg) }

// Errorf returns an *Error at p.
func Errorf(p Pos, format string, args ...any) *Error {
	return &Error{Pos: p, Msg: fmt.Sprintf(format, args...)}
}
