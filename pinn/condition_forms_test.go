package pinn

import (
	"errors"
	"strings"
	"testing"

	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pinn/internal/testprob"
)

// TestConstantTermRefused: a term whose loss cannot depend on the network
// is an input error naming the term, not a silent no-op. The loader refuses
// such a residual with its position (testdata/specs/bad/constant_residual);
// this is the compiler's own guard, for problems built in Go.
func TestConstantTermRefused(t *testing.T) {
	prob := testprob.Poisson2D(t, 16, 8)
	sc := &expr.Scope{Variables: []string{"x", "y"}, Fields: []string{"u"}}
	prob.Conditions[0].Residual = testprob.MustResolve(t, "x - 1", sc)
	err := Check(prob, Options{})
	var ie *InputError
	if err == nil || !strings.Contains(err.Error(), `condition "edge"`) || !errors.As(err, &ie) {
		t.Fatalf("constant condition: got %v, want an input error naming the condition", err)
	}
}
