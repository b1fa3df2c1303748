package pde

import (
	"fmt"
	"sort"
	"strings"
)

// SpecError is a user error in a spec: the file (or, for an error in a
// --set override, "--set key=value"), the 1-based line and column in it
// (0 where unknown) and what is wrong. It prints as "file:line:col: message".
type SpecError struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *SpecError) Error() string {
	switch {
	case e.Line > 0 && e.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	case e.File != "":
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return e.Msg
}

// Errors is a list of spec errors, in the order of the file (errors in --set
// overrides first). It prints one error per line.
type Errors []*SpecError

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// sortErrors orders errors by file position; errors without a line (from
// --set flags or about the whole file) come first, in their own order.
func sortErrors(es Errors) {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if (a.Line == 0) != (b.Line == 0) {
			return a.Line == 0
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}
