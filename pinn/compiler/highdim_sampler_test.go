package compiler

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gopinn/gopinn/pinn/internal/testprob"
)

// TestFastPathSamplers holds the fast path's points to the general
// compiler's (the problem in coordinates x[1..D]) for every interior
// sampler it takes, on a ball and a vector box, with and without time, in
// the equation, a condition on the boundary, one on t == 0 and the test
// set. On a vector box, and with the QMC samplers (lhs, sobol, halton,
// hammersley) in a ball, both draw through the sampling package's domains:
// the points are equal. uniform and ball-radial in a ball are drawn by the
// fast path's own loops (a Gaussian direction rather than the inverse
// normal CDF per coordinate): the same distributions, checked over 10
// epochs by two-sample Kolmogorov–Smirnov tests (level 0.001) on |x|, x_1,
// the largest |x_j| and t. uniform in a ball is uniform in its volume (most
// points near the sphere in 6-D), not ball-radial.
func TestFastPathSamplers(t *testing.T) {
	domains := map[string]string{
		"ball":      "{type: ball, dim: 6, radius: 1.5, variable: x}",
		"ball+time": "{type: ball, dim: 6, radius: 1.5, variable: x, time: [0, 2]}",
		"box":       "{type: box, dim: 5, range: [-1, 2], variable: x}",
		"box+time":  "{type: box, dim: 5, range: [-1, 2], variable: x, time: [0.5, 1]}",
	}
	for dname, dom := range domains {
		for _, s := range []string{"uniform", "ball-radial", "lhs", "sobol", "halton", "hammersley"} {
			t.Run(dname+"/"+s, func(t *testing.T) {
				timed := strings.Contains(dname, "time")
				cond := fmt.Sprintf("  - {name: wall, on: boundary, type: dirichlet, value: \"0\", points: 300, sampler: %s, resample_every: 1}\n", s)
				if timed {
					t0 := "0"
					if strings.HasPrefix(dname, "box") {
						t0 = "0.5"
					}
					cond += fmt.Sprintf("  - {name: ic, on: \"t == %s\", type: dirichlet, value: \"1\", points: 200, sampler: %s, resample_every: 1}\n", t0, s)
				}
				src := fmt.Sprintf(`name: samplers
seed: 3
domain: %s
fields: [u]
equations:
  - {name: pde, residual: "lap(u) - 1", points: 400, sampler: %s, resample_every: 1}
conditions:
%smodel: {layers: [4]}
evaluation: {points: 500, sampler: %s, exact: {u: "norm2(x)"}}
`, dom, s, cond, s)
				spec := testprob.SpecText(t, src)
				fast, err := New(spec.Problem, NewConfig(specSettings(spec)))
				if err != nil {
					t.Fatal(err)
				}
				if !fast.FastPath() {
					t.Fatal("the spec did not take the fast path")
				}
				gen, q, qcfg := generalTwin(t, spec)
				st := hdOf(fast.terms[0]).lay.stride()
				exact := unitSamplerOf(s) != nil || strings.HasPrefix(dname, "box")
				for i, ft := range fast.terms {
					var fp, gp []float64
					for e := range 10 {
						if err := fast.sample(ft, e); err != nil {
							t.Fatal(err)
						}
						if err := gen.sample(gen.terms[i], e); err != nil {
							t.Fatal(err)
						}
						if len(fast.rawPoints(ft)) != len(gen.terms[i].pts) {
							t.Fatalf("term %s: %d coordinates (fast) vs %d (general)", ft.name, len(fast.rawPoints(ft)), len(gen.terms[i].pts))
						}
						fp, gp = append(fp, fast.rawPoints(ft)...), append(gp, gen.terms[i].pts...)
					}
					checkSameDraws(t, ft.name, st, exact, fp, gp)
				}
				fev, err := NewEvaluation(spec.Problem, NewConfig(specSettings(spec)))
				if err != nil {
					t.Fatal(err)
				}
				gev, err := NewEvaluation(q, qcfg)
				if err != nil {
					t.Fatal(err)
				}
				checkSameDraws(t, "test set", st, exact, fev.Coordinates(), gev.Pts)
			})
		}
	}
}

// checkSameDraws compares two point sets (rows of stride columns, x then
// t): equal when exact, otherwise of one distribution by KS tests on |x|,
// x_1, max_j |x_j| and t.
func checkSameDraws(t *testing.T, what string, stride int, exact bool, fast, gen []float64) {
	t.Helper()
	if exact {
		if !slices.Equal(fast, gen) {
			t.Errorf("%s: the fast path's points differ from the general compiler's", what)
		}
		return
	}
	d := stride
	if strings.Contains(t.Name(), "time") {
		d--
	}
	stats := map[string]func(row []float64) float64{
		"|x|": func(row []float64) float64 { return math.Sqrt(floats(row[:d])) },
		"x_1": func(row []float64) float64 { return row[0] },
		"max |x_j|": func(row []float64) float64 {
			m := 0.0
			for _, v := range row[:d] {
				m = max(m, math.Abs(v))
			}
			return m
		},
	}
	if d < stride {
		stats["t"] = func(row []float64) float64 { return row[d] }
	}
	for name, f := range stats {
		var a, b []float64
		for p := 0; p+stride <= len(fast); p += stride {
			a = append(a, f(fast[p:p+stride]))
		}
		for p := 0; p+stride <= len(gen); p += stride {
			b = append(b, f(gen[p:p+stride]))
		}
		if stat, crit := testprob.KSTwoSample(a, b); stat > crit {
			t.Errorf("%s: %s distributed differently: KS %.4f > %.4f (%d vs %d points)", what, name, stat, crit, len(a), len(b))
		}
	}
}

func floats(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v * v
	}
	return s
}
