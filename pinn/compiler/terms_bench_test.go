package compiler

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/gopinn/gopinn/pde"
)

// manyTermsSpec is a 2-D problem with n equations (distinct forcings, so
// no two residual graphs are shared) and one boundary condition.
func manyTermsSpec(n int) []byte {
	var b strings.Builder
	b.WriteString("name: terms\nvariables: {x: [0, 1], y: [0, 1]}\nfields: [u]\nequations:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - {name: e%d, residual: \"lap(u) + %d*x\", points: 4}\n", i, i)
	}
	b.WriteString("conditions:\n  - {name: wall, on: boundary, type: dirichlet, value: \"0\", points: 4}\ntraining: {steps: 1}\n")
	return []byte(b.String())
}

// BenchmarkValidateTerms times what `pinntrain validate` does — load the
// spec, then build and check the whole graph (residuals, losses,
// gradients) — for 10 to 10,000 terms, and reports the exponent p of the
// least-squares fit time ∝ terms^p (1 is linear) and the time per term at
// 10,000. Each size runs once per iteration (10,000 terms take seconds):
//
//	go test ./pinn/compiler -run '^$' -bench ValidateTerms -benchtime 1x
func BenchmarkValidateTerms(b *testing.B) {
	sizes := []int{10, 100, 1000, 10000}
	secs := make([]float64, len(sizes))
	for range b.N {
		for k, n := range sizes {
			src := manyTermsSpec(n)
			start := time.Now()
			spec, err := pde.LoadBytes("terms.yaml", src, nil)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := Check(spec.Problem, NewConfig(specSettings(spec))); err != nil {
				b.Fatal(err)
			}
			secs[k] += time.Since(start).Seconds() / float64(b.N)
		}
	}
	// least squares on (log n, log t)
	var sx, sy, sxx, sxy float64
	for k, n := range sizes {
		x, y := math.Log(float64(n)), math.Log(secs[k])
		sx, sy, sxx, sxy = sx+x, sy+y, sxx+x*x, sxy+x*y
		b.Logf("%6d terms: %.3f s", n, secs[k])
	}
	m := float64(len(sizes))
	b.ReportMetric((m*sxy-sx*sy)/(m*sxx-sx*sx), "exponent")
	b.ReportMetric(secs[len(secs)-1]/float64(sizes[len(sizes)-1])*1e6, "µs/term@10k")
}
