package expr

import (
	"fmt"
	"strconv"
)

type tokKind int

const (
	tokEOF tokKind = iota
	tokNum
	tokIdent
	tokOp // one of + - * / ^ ( ) [ ] , = < <= > >=
)

type token struct {
	kind tokKind
	text string
	num  float64
	pos  Pos
}

func (t token) describe() string {
	if t.kind == tokEOF {
		return "end of expression"
	}
	return strconv.Quote(t.text)
}

func isLetter(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

// lex splits src into tokens. The whole string is lexed up front so that the
// parser can look two tokens ahead (needed to fold "-2" into a literal but
// not "-2^2").
func lex(src string) ([]token, error) {
	var toks []token
	line, lineStart := 1, 0
	pos := func(i int) Pos { return Pos{Offset: i, Line: line, Col: i - lineStart + 1} }
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == '\n':
			i++
			line, lineStart = line+1, i
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case isDigit(c) || c == '.' && i+1 < len(src) && isDigit(src[i+1]):
			start := i
			for i < len(src) && isDigit(src[i]) {
				i++
			}
			if i < len(src) && src[i] == '.' {
				i++
				for i < len(src) && isDigit(src[i]) {
					i++
				}
			}
			// An exponent only if digits follow, so that "2e" is the number 2
			// followed by the name e (a syntax error later, not a bad number).
			if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
				j := i + 1
				if j < len(src) && (src[j] == '+' || src[j] == '-') {
					j++
				}
				if j < len(src) && isDigit(src[j]) {
					for j < len(src) && isDigit(src[j]) {
						j++
					}
					i = j
				}
			}
			text := src[start:i]
			v, err := strconv.ParseFloat(text, 64)
			if err != nil {
				return nil, Errorf(pos(start), "number %s out of range", text)
			}
			toks = append(toks, token{kind: tokNum, text: text, num: v, pos: pos(start)})
		case isLetter(c):
			start := i
			for i < len(src) && (isLetter(src[i]) || isDigit(src[i])) {
				i++
			}
			toks = append(toks, token{kind: tokIdent, text: src[start:i], pos: pos(start)})
		case c == '<' || c == '>':
			// comparisons: < <= > >=
			n := 1
			if i+1 < len(src) && src[i+1] == '=' {
				n = 2
			}
			toks = append(toks, token{kind: tokOp, text: src[i : i+n], pos: pos(i)})
			i += n
		case c == '+' || c == '-' || c == '*' || c == '/' || c == '^' ||
			c == '(' || c == ')' || c == '[' || c == ']' || c == ',' || c == '=':
			toks = append(toks, token{kind: tokOp, text: src[i : i+1], pos: pos(i)})
			i++
		default:
			r := []rune(src[i:])[0]
			if r == '\uFFFD' {
				return nil, Errorf(pos(i), "unexpected byte 0x%02x", c)
			}
			return nil, Errorf(pos(i), "unexpected character %s", fmt.Sprintf("%q", r))
		}
	}
	toks = append(toks, token{kind: tokEOF, pos: pos(len(src))})
	return toks, nil
}
