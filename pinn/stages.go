package pinn

import (
	"fmt"

	"github.com/gopinn/gopinn/pinn/compiler"
	"github.com/gopinn/gopinn/pinn/optim"
)

// The runner's side of the optimizers (package optim): each training stage
// is a method with the objective it runs on. The methods know nothing of
// programs; the objective is the program seen as a function of the flat
// parameter vector (compiler.Program.Objective).

// stage is one training stage's method and objective.
type stage struct {
	name   string
	method optim.Method
	obj    optim.Objective
}

// resamples reports whether points may change between the stage's steps.
func (s stage) resamples() bool { return !s.method.Needs().FixedObjective }

// newStages builds a fresh method per planned stage for n parameters, each
// with the objective it needs of prog.
func newStages(cfg *config, prog *compiler.Program, n int) ([]stage, error) {
	var out []stage
	for _, st := range cfg.Stages {
		m, err := optim.New(st.Optimizer, n)
		if err != nil {
			return nil, err
		}
		if err := fitsMemory(st.Optimizer, m, n, prog.ResidualRows()); err != nil {
			return nil, err
		}
		out = append(out, stage{name: st.Optimizer, method: m, obj: prog.Objective(m)})
	}
	return out, nil
}

// needsMemoryCheck reports whether a planned stage's method forms dense
// matrices (optim.Sizer), whose size checkMemory checks before the
// program is built.
func needsMemoryCheck(cfg *config) bool {
	for _, st := range cfg.Stages {
		if m, err := optim.New(st.Optimizer, 1); err == nil {
			if _, ok := m.(optim.Sizer); ok {
				return true
			}
		}
	}
	return false
}

// checkMemory is fitsMemory for every planned stage at the run's size
// (compiler.Check): pinntrain validate and a run's start refuse a method
// that would not fit before anything is built at full size.
func checkMemory(cfg *config, sz compiler.Size) error {
	for _, st := range cfg.Stages {
		m, err := optim.New(st.Optimizer, sz.Params)
		if err != nil {
			return err
		}
		if err := fitsMemory(st.Optimizer, m, sz.Params, sz.Rows); err != nil {
			return err
		}
	}
	return nil
}

// fitsMemory refuses, before any training, a method whose dense matrices
// (optim.Sizer) would not fit in the machine's memory: at 90 % of MemTotal
// the run would be killed by the kernel or swap for hours.
func fitsMemory(name string, m optim.Method, n, rows int) error {
	sz, ok := m.(optim.Sizer)
	if !ok {
		return nil
	}
	total := memTotal()
	if total <= 0 {
		return nil // unknown: let it try
	}
	if need := sz.Bytes(n, rows); need > 0.9*total {
		return &compiler.InputError{Err: fmt.Errorf("optimizer %s: %d parameters and %d residual rows need %s for its matrices, this machine has %s; use a smaller network or fewer points, or lbfgs (O(n) memory)",
			name, n, rows, humanBytes(need), humanBytes(total))}
	}
	return nil
}

// memTotal is the machine's memory in bytes (Linux /proc/meminfo), 0 if
// unknown.
func memTotal() float64 { return 1024 * procKB("/proc/meminfo", "MemTotal") }

func humanBytes(b float64) string {
	switch {
	case b >= 1<<40:
		return fmt.Sprintf("%.1f TB", b/(1<<40))
	case b >= 1<<30:
		return fmt.Sprintf("%.1f GB", b/(1<<30))
	default:
		return fmt.Sprintf("%.0f MB", b/(1<<20))
	}
}
