package symreg

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteFront writes the front as a text table, one candidate a line,
// simplest first: complexity, relative error, a "*" on the selected model,
// and the formula. It is the format of the hidden_<name>.txt outputs.
func WriteFront(w io.Writer, front []Candidate) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "terms\trel_error\tsel\tformula")
	for _, c := range front {
		mark := ""
		if c.Selected {
			mark = "*"
		}
		fmt.Fprintf(tw, "%d\t%.3e\t%s\t%s\n", c.Complexity, c.RelError, mark, c.Expression)
	}
	return tw.Flush()
}
