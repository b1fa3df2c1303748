// Command precond reproduces the operator-preconditioning study (De Ryck et al.,
// ICLR 2024) and writes precond.md and precond_kappa.png into -out:
//
//	go run ./pinn/precond/cmd/precond -out results
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/gopinn/gopinn/pinn/precond"
)

func main() {
	out := flag.String("out", "results", "directory for precond.md and precond_kappa.png")
	lambda := flag.Float64("lambda", precond.DefaultRunOptions.Lambda, "boundary weight λ")
	maxSteps := flag.Int("max-steps", precond.DefaultRunOptions.MaxSteps, "gradient-descent step cap")
	flag.Parse()

	// Record the command as it is run from the repository root.
	cmd := strings.Join(append([]string{"go run ./pinn/precond/cmd/precond"}, os.Args[1:]...), " ")
	opt := precond.DefaultRunOptions
	opt.Lambda, opt.MaxSteps = *lambda, *maxSteps
	if err := precond.RunCommand(*out, cmd, opt); err != nil {
		fmt.Fprintln(os.Stderr, "precond:", err)
		os.Exit(1)
	}
}
