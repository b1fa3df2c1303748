package symreg

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteFront writes the front as a text table, one candidate a line,
// simplest first: complexity, relative error, cross-validated relative
// error, score, a "*" on the selected model, and the formula. It is the format of the hidden_<name>.txt outputs.
func WriteFront(w io.Writer, front []Candidate) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "terms\trel_error\tcv_error\tscore\tsel\tformula")
	for _, c := range front {
		mark := ""
		if c.Selected {
			mark = "*"
		}
		fmt.Fprintf(tw, "%d\t%.3e\t%.3e\t%.3g\t%s\t%s\n", c.Complexity, c.RelError, c.CVError, c.Score, mark, c.Expression)
	}
	return tw.Flush()
}
