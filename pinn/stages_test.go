package pinn

import (
	"errors"
	"strings"
	"testing"

	"github.com/gopinn/gopinn/pinn/internal/testprob"
	"github.com/gopinn/gopinn/pinn/optim"
)

// TestFitsMemory: a method whose dense matrices exceed the machine is
// refused before training as an input error naming the method, the sizes
// and the alternative; a small one, and a method without matrices, pass.
func TestFitsMemory(t *testing.T) {
	if memTotal() <= 0 {
		t.Skip("no /proc/meminfo: the check is skipped on this system")
	}
	for _, name := range []string{"lm", "engd"} {
		m, err := optim.New(name, 0)
		if err != nil {
			t.Fatal(err)
		}
		// 10^7 parameters: LM's n x n matrices alone are 1.6e15 bytes,
		// ENGD's 10^5 x 10^7 Jacobian and SVD 3.2e13
		err = fitsMemory(name, m, 10_000_000, 100_000)
		var ie *InputError
		if err == nil || !errors.As(err, &ie) || !strings.Contains(err.Error(), "optimizer "+name) || !strings.Contains(err.Error(), "lbfgs") {
			t.Errorf("%s at 10^7 parameters: %v, want an input error naming it and lbfgs", name, err)
		}
		if err := fitsMemory(name, m, 1000, 500); err != nil {
			t.Errorf("%s at 1000 parameters: %v", name, err)
		}
	}
	adam, _ := optim.New("adam", 0)
	if err := fitsMemory("adam", adam, 1<<40, 1<<40); err != nil {
		t.Errorf("adam forms no matrices: %v", err)
	}
	if got := (&optim.LM{}).Bytes(161281, 20); got < 4.1e11 || got > 4.2e11 {
		t.Errorf("LM at 1000-D 3 x 128: %g bytes, want 8(20n + 2n^2) = 4.16e11", got)
	}
}

// TestCheckRefusesMatricesThatDoNotFit: pinntrain validate (Check) refuses
// an LM stage whose matrices would not fit, at the full run's size (the
// check program of a vector problem has 4 points per term); before, only
// the run refused it, after building its program (87 s at 1000-D).
func TestCheckRefusesMatricesThatDoNotFit(t *testing.T) {
	total := memTotal()
	if total <= 0 {
		t.Skip("no /proc/meminfo: the check is skipped on this system")
	}
	// 2 x 400 hidden: n = 163,601 parameters (6 inputs), LM's 2 n^2 doubles 428 GB
	if need := (&optim.LM{}).Bytes(163601, 50); need <= 0.9*total {
		t.Skipf("this machine has %.0f GB: LM fits", total/(1<<30))
	}
	spec := testprob.SpecText(t, `name: lm-big
seed: 1
domain: {type: ball, dim: 6, radius: 1, variable: x}
fields: [u]
equations:
  - {name: pde, residual: "lap(u) - 1", points: 50, sampler: ball-radial}
model: {layers: [400, 400], output: "(1 - norm2(x))*N"}
training: {steps: 3, optimizer: lm}
`)
	err := Check(spec.Problem, OptionsFromSpec(spec))
	var ie *InputError
	if err == nil || !errors.As(err, &ie) || !strings.Contains(err.Error(), "optimizer lm: 163601 parameters and 50 residual rows") {
		t.Fatalf("Check: %v, want the memory refusal of lm at 163601 parameters and 50 rows", err)
	}
}
