package pde

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/gopinn/gopinn/pde/expr"
)

// loader walks a spec's YAML node tree, collecting every error with its
// position.
type loader struct {
	file   string                // the spec's name, for messages
	dir    string                // relative data paths are relative to this
	errs   Errors                //
	origin map[*yaml.Node]string // nodes that came from a --set flag -> the flag
}

// deref follows YAML aliases to the node they stand for.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func (l *loader) where(n *yaml.Node) (file string, line, col int) {
	if n == nil {
		return l.file, 0, 0
	}
	if f, ok := l.origin[n]; ok {
		return "--set " + f, 0, 0
	}
	return l.file, n.Line, n.Column
}

func (l *loader) errorf(n *yaml.Node, format string, args ...any) {
	f, line, col := l.where(n)
	l.errs = append(l.errs, &SpecError{File: f, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
}

// exprError reports err (from expr.Parse or expr.Resolve of the text of the
// scalar n) at the offending token in the file.
func (l *loader) exprError(n *yaml.Node, err error, what string) {
	var ee *expr.Error
	if !errors.As(err, &ee) {
		l.errorf(n, "%v in %s", err, what)
		return
	}
	msg := ee.Msg + " in " + what
	f, line, col := l.where(n)
	if line > 0 {
		switch {
		case ee.Pos.Line > 1 || n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
			// a multi-line scalar: the node's own position is the best we know
		case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
			col += ee.Pos.Col // +1 for the quote, -1 for 1-based columns
		default:
			col += ee.Pos.Col - 1
		}
	}
	l.errs = append(l.errs, &SpecError{File: f, Line: line, Col: col, Msg: msg})
}

// entry is one key: value pair of a mapping.
type entry struct{ key, val *yaml.Node }

func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

// pairs returns the entries of the mapping n (null = empty) in order,
// reporting duplicate keys and non-scalar keys. path names n in messages.
func (l *loader) pairs(n *yaml.Node, path string) ([]entry, bool) {
	n = deref(n)
	if isNull(n) {
		return nil, true
	}
	if n.Kind != yaml.MappingNode {
		l.errorf(n, "%s: want a map", path)
		return nil, false
	}
	seen := map[string]*yaml.Node{}
	var out []entry
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k == nil || k.Kind != yaml.ScalarNode {
			l.errorf(k, "%s: keys must be names", path)
			continue
		}
		if prev, ok := seen[k.Value]; ok {
			if prev.Line > 0 {
				l.errorf(k, "duplicate key %q in %s (first at line %d)", k.Value, orTop(path), prev.Line)
			} else {
				l.errorf(k, "duplicate key %q in %s", k.Value, orTop(path))
			}
			continue
		}
		seen[k.Value] = k
		out = append(out, entry{k, deref(v)})
	}
	return out, true
}

func orTop(path string) string {
	if path == "" {
		return "the spec"
	}
	return path
}

// fields returns the entries of the mapping n by key, reporting unknown keys.
func (l *loader) fields(n *yaml.Node, path string, allowed ...string) map[string]entry {
	es, _ := l.pairs(n, path)
	m := map[string]entry{}
	for _, e := range es {
		ok := false
		for _, a := range allowed {
			if e.key.Value == a {
				ok = true
				break
			}
		}
		if !ok {
			if path == "" {
				l.errorf(e.key, "unknown key %q", e.key.Value)
			} else {
				l.errorf(e.key, "unknown key %q in %s", e.key.Value, path)
			}
			continue
		}
		m[e.key.Value] = e
	}
	return m
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// list returns the items of the sequence n (null = empty).
func (l *loader) list(n *yaml.Node, path string) ([]*yaml.Node, bool) {
	n = deref(n)
	if isNull(n) {
		return nil, true
	}
	if n.Kind != yaml.SequenceNode {
		l.errorf(n, "%s: want a list", path)
		return nil, false
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out[i] = deref(c)
	}
	return out, true
}

// str reads a scalar as text (any scalar but null).
func (l *loader) str(n *yaml.Node, path string) (string, bool) {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || isNull(n) {
		l.errorf(n, "%s: want a string", path)
		return "", false
	}
	return n.Value, true
}

// oneOf reads a string that must be one of choices.
func (l *loader) oneOf(n *yaml.Node, path string, choices ...string) (string, bool) {
	s, ok := l.str(n, path)
	if !ok {
		return "", false
	}
	for _, c := range choices {
		if s == c {
			return s, true
		}
	}
	l.errorf(n, "%s: %q is not one of %s", path, s, strings.Join(choices, ", "))
	return "", false
}

func isNumber(n *yaml.Node) bool {
	if n == nil || n.Kind != yaml.ScalarNode {
		return false
	}
	t := n.ShortTag()
	return t == "!!int" || t == "!!float"
}

// number reads a finite number.
func (l *loader) number(n *yaml.Node, path string) (float64, bool) {
	n = deref(n)
	var f float64
	if !isNumber(n) || n.Decode(&f) != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		l.errorf(n, "%s: want a number%s", path, got(n))
		return 0, false
	}
	return f, true
}

// positive reads a number > 0.
func (l *loader) positive(n *yaml.Node, path string) (float64, bool) {
	f, ok := l.number(n, path)
	if ok && f <= 0 {
		l.errorf(n, "%s: want a positive number%s", path, got(n))
		return 0, false
	}
	return f, ok
}

// integer reads an integer >= min (integral floats such as 1e3 are accepted).
func (l *loader) integer(n *yaml.Node, path string, min int64) (int64, bool) {
	n = deref(n)
	want := "an integer"
	switch min {
	case 0:
		want = "an integer >= 0"
	case 1:
		want = "a positive integer"
	}
	if isNumber(n) {
		var i int64
		if n.ShortTag() == "!!int" && n.Decode(&i) == nil && i >= min {
			return i, true
		}
		var f float64
		if n.ShortTag() == "!!float" && n.Decode(&f) == nil && f == math.Trunc(f) && f >= float64(min) && f < 1<<53 {
			return int64(f), true
		}
	}
	l.errorf(n, "%s: want %s%s", path, want, got(n))
	return 0, false
}

// intOf is integer for values that must fit an int.
func (l *loader) intOf(n *yaml.Node, path string, min int64) (int, bool) {
	i, ok := l.integer(n, path, min)
	if ok && i > math.MaxInt32 {
		l.errorf(n, "%s: %d is too large", path, i)
		return 0, false
	}
	return int(i), ok
}

func (l *loader) boolean(n *yaml.Node, path string) (bool, bool) {
	n = deref(n)
	var b bool
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&b) != nil {
		l.errorf(n, "%s: want true or false%s", path, got(n))
		return false, false
	}
	return b, true
}

// widths reads a non-empty list of positive integers.
func (l *loader) widths(n *yaml.Node, path string) ([]int, bool) {
	n = deref(n)
	if n == nil || n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		l.errorf(n, "%s: want a list of positive integers", path)
		return nil, false
	}
	out := make([]int, 0, len(n.Content))
	for _, c := range n.Content {
		c = deref(c)
		var i int64
		if c == nil || c.ShortTag() != "!!int" || c.Decode(&i) != nil || i < 1 || i > 1<<20 {
			l.errorf(c, "%s: want a list of positive integers%s", path, got(c))
			return nil, false
		}
		out = append(out, int(i))
	}
	return out, true
}

// got describes the value of n for a message.
func got(n *yaml.Node) string {
	n = deref(n)
	switch {
	case n == nil || n.Kind == 0:
		return ""
	case n.Kind == yaml.ScalarNode && isNull(n):
		return ", got nothing"
	case n.Kind == yaml.ScalarNode:
		v := n.Value
		if len(v) > 40 {
			v = v[:40] + "..."
		}
		if isNumber(n) {
			return ", got " + v
		}
		return fmt.Sprintf(", got %q", v)
	case n.Kind == yaml.MappingNode:
		return ", got a map"
	case n.Kind == yaml.SequenceNode:
		return ", got a list"
	}
	return ""
}
