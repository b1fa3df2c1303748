package expr

// Parse parses one expression of the language of SPEC.md §2.
//
// Precedence, loosest first: "=" (at most one, "lhs = rhs" becomes
// Binary{'-', lhs, rhs}), then one comparison < <= > >= (parseExpr), then
// + - (left-associative), * / (left), unary
// minus, ^ (right-associative, binding tighter than unary minus, so -x^2 is
// -(x^2); its right operand may itself start with a minus: 2^-1).
//
// d(u, x, x) becomes Deriv, sum(i, a, b, body) with a name first IndexedSum,
// name[expr] Index, a bracket list [e1, ..., en] not preceded by a name a
// VecLit, and any other name(args) a Call. A minus directly in
// front of a number literal (and not followed by ^) is folded into the
// literal, so "-2" is Num{-2} while "-(2)" stays Unary; the printer relies on
// this to print negative numbers that parse back to themselves.
//
// Errors are *Error at the offending token.
func Parse(src string) (Expr, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	e, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind == tokOp && t.text == "=" {
		p.next()
		r, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		e = &Binary{P: t.pos, Op: '-', L: e, R: r}
	}
	if t := p.peek(); t.kind != tokEOF {
		if t.text == ")" || t.text == "]" {
			return nil, Errorf(t.pos, "unbalanced parenthesis")
		}
		return nil, Errorf(t.pos, "unexpected %s", t.describe())
	}
	return e, nil
}

// maxDepth bounds nesting so that hostile input gives an error, not a stack
// that grows until the process dies.
const maxDepth = 500

type parser struct {
	toks  []token
	i     int
	depth int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) peekAt(k int) token {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	return p.toks[len(p.toks)-1]
}
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}
func (p *parser) isOp(s string) bool {
	t := p.peek()
	return t.kind == tokOp && t.text == s
}

func (p *parser) unexpected(t token) error {
	return Errorf(t.pos, "unexpected %s", t.describe())
}

// parseExpr parses a sum, or a comparison of two sums: a < b is
// heaviside(b - a), 1 where it holds and 0 elsewhere (a constant piece by
// piece, so its derivatives are zero); a <= b is 1 - heaviside(a - b).
// Comparisons do not chain.
func (p *parser) parseExpr() (Expr, error) {
	l, err := p.parseSum()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if !isComparison(t) {
		return l, nil
	}
	p.next()
	r, err := p.parseSum()
	if err != nil {
		return nil, err
	}
	if n := p.peek(); isComparison(n) {
		return nil, Errorf(n.pos, "comparisons do not chain: write (a < b)*(b < c) for a < b < c")
	}
	h := func(x Expr) Expr { return &Call{P: t.pos, Func: "heaviside", Args: []Expr{x}} }
	diff := func(a, b Expr) Expr { return &Binary{P: t.pos, Op: '-', L: a, R: b} }
	one := func() Expr { return &Num{P: t.pos, Value: 1} }
	switch t.text {
	case "<":
		return h(diff(r, l)), nil
	case ">":
		return h(diff(l, r)), nil
	case "<=":
		return diff(one(), h(diff(l, r))), nil
	default: // >=
		return diff(one(), h(diff(r, l))), nil
	}
}

func isComparison(t token) bool {
	return t.kind == tokOp && (t.text == "<" || t.text == "<=" || t.text == ">" || t.text == ">=")
}

func (p *parser) parseSum() (Expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, Errorf(p.peek().pos, "expression nested too deeply")
	}
	l, err := p.parseMul()
	if err != nil {
		return nil, err
	}
	for p.isOp("+") || p.isOp("-") {
		t := p.next()
		r, err := p.parseMul()
		if err != nil {
			return nil, err
		}
		l = &Binary{P: t.pos, Op: t.text[0], L: l, R: r}
	}
	return l, nil
}

func (p *parser) parseMul() (Expr, error) {
	l, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for p.isOp("*") || p.isOp("/") {
		t := p.next()
		r, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		l = &Binary{P: t.pos, Op: t.text[0], L: l, R: r}
	}
	return l, nil
}

func (p *parser) parseUnary() (Expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, Errorf(p.peek().pos, "expression nested too deeply")
	}
	if p.isOp("-") {
		t := p.next()
		if n := p.peek(); n.kind == tokNum {
			if a := p.peekAt(1); !(a.kind == tokOp && a.text == "^") {
				p.next()
				return &Num{P: t.pos, Value: -n.num}, nil
			}
		}
		x, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return &Unary{P: t.pos, Op: '-', X: x}, nil
	}
	if p.isOp("+") {
		p.next()
		return p.parseUnary()
	}
	return p.parsePow()
}

func (p *parser) parsePow() (Expr, error) {
	base, err := p.parsePrimary()
	if err != nil {
		return nil, err
	}
	if !p.isOp("^") {
		return base, nil
	}
	t := p.next()
	// The exponent is a unary expression, which makes ^ right-associative
	// (parseUnary -> parsePow recurses) and allows 2^-1.
	exp, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	return &Binary{P: t.pos, Op: '^', L: base, R: exp}, nil
}

func (p *parser) parsePrimary() (Expr, error) {
	t := p.next()
	switch t.kind {
	case tokNum:
		return &Num{P: t.pos, Value: t.num}, nil
	case tokIdent:
		switch {
		case p.isOp("("):
			return p.parseCall(t)
		case p.isOp("["):
			open := p.next()
			idx, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			if !p.isOp("]") {
				if p.peek().kind == tokEOF {
					return nil, Errorf(open.pos, "unbalanced bracket")
				}
				return nil, p.unexpected(p.peek())
			}
			p.next()
			return &Index{P: t.pos, Name: t.text, Index: idx}, nil
		}
		return &Ident{P: t.pos, Name: t.text}, nil
	case tokOp:
		if t.text == "[" {
			return p.parseVecLit(t)
		}
		if t.text == "(" {
			e, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			if !p.isOp(")") {
				if p.peek().kind == tokEOF {
					return nil, Errorf(t.pos, "unbalanced parenthesis")
				}
				return nil, p.unexpected(p.peek())
			}
			p.next()
			return e, nil
		}
	}
	return nil, p.unexpected(t)
}

// parseVecLit parses the vector literal [e1, ..., en] after its '['.
func (p *parser) parseVecLit(open token) (Expr, error) {
	if p.isOp("]") {
		return nil, Errorf(open.pos, "empty vector literal []")
	}
	var elems []Expr
	for {
		e, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		elems = append(elems, e)
		if p.isOp(",") {
			p.next()
			continue
		}
		if p.isOp("]") {
			p.next()
			return &VecLit{P: open.pos, Elems: elems}, nil
		}
		if p.peek().kind == tokEOF {
			return nil, Errorf(open.pos, "unbalanced bracket")
		}
		return nil, p.unexpected(p.peek())
	}
}

// parseCall parses name(args...) after the name token; the '(' is next.
func (p *parser) parseCall(name token) (Expr, error) {
	open := p.next()
	var args []Expr
	if !p.isOp(")") {
		for {
			a, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			args = append(args, a)
			if p.isOp(",") {
				p.next()
				continue
			}
			if p.isOp(")") {
				break
			}
			if p.peek().kind == tokEOF {
				return nil, Errorf(open.pos, "unbalanced parenthesis")
			}
			return nil, p.unexpected(p.peek())
		}
	}
	p.next() // ')'
	switch name.text {
	case "d":
		if len(args) < 2 {
			return nil, Errorf(name.pos, "d(...) takes an expression and at least one variable, got %d argument(s)", len(args))
		}
		wrt := make([]string, 0, len(args)-1)
		for _, a := range args[1:] {
			id, ok := a.(*Ident)
			if !ok {
				return nil, Errorf(a.Position(), "d(...) takes variable names after the expression, got %s", a)
			}
			wrt = append(wrt, id.Name)
		}
		return &Deriv{P: name.pos, Of: args[0], Wrt: wrt}, nil
	case "sum":
		if id, ok := firstIdent(args); ok && len(args) == 4 {
			return &IndexedSum{P: name.pos, Var: id.Name, From: args[1], To: args[2], Body: args[3]}, nil
		}
	case "where":
		// where(c, a, b) = c*a + (1 - c)*b for a condition c of value 0 or 1
		// (a comparison, or a product of them for "and"); both branches are
		// evaluated everywhere.
		if len(args) != 3 {
			return nil, Errorf(name.pos, "where(...) takes a condition and two values, got %d argument(s)", len(args))
		}
		c, a, b := args[0], args[1], args[2]
		notC := withPos(c, c.Position()) // a second copy: trees are not shared
		return &Binary{P: name.pos, Op: '+',
			L: &Binary{P: name.pos, Op: '*', L: c, R: a},
			R: &Binary{P: name.pos, Op: '*', L: &Binary{P: name.pos, Op: '-', L: &Num{P: name.pos, Value: 1}, R: notC}, R: b}}, nil
	}
	return &Call{P: name.pos, Func: name.text, Args: args}, nil
}

func firstIdent(args []Expr) (*Ident, bool) {
	if len(args) == 0 {
		return nil, false
	}
	id, ok := args[0].(*Ident)
	return id, ok
}
