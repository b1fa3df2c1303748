package compiler

import (
	"strings"
	"testing"

	"github.com/gopinn/gopinn/pde"
)

// TestHighDimConditionErrors: what the fast path cannot take in a condition
// of a vector problem it refuses with a message that says why; the router
// then gives the problem to the general compiler, which takes it (a
// derivative on a time slice, the grid sampler) or refuses it with the same
// message (gaussian-time points, which only the fast path draws).
func TestHighDimConditionErrors(t *testing.T) {
	for _, c := range []struct {
		cond, want string
		general    bool // the general compiler takes it
	}{
		{`{name: c, points: 4, on: "t == 0", residual: "u_t"}`, "takes the fields' values and dn on the boundary only", true},
		{`{name: c, points: 4, on: "t == 0", residual: "lap(u) - 1"}`, "takes the fields' values and dn on the boundary only", true},
		{`{name: c, points: 4, on: "t == 0", residual: "sum(u*x)"}`, "takes the fields' values and dn on the boundary only", true},
		{`{name: c, points: 4, on: "t == 0", residual: "u", sampler: grid}`, "sampler grid is not supported", true},
		{`{name: c, points: 4, on: boundary, residual: "u", sampler: gaussian-time}`, "on the boundary the points are uniform", false},
		{`{name: c, points: 4, on: "t == 0", residual: "u", sampler: gaussian-time}`, "needs t > 0", false},
	} {
		src := `name: hd-cond-err
domain: {type: ball, dim: 3, radius: 1, variable: x, time: [0, 1]}
fields: [u]
equations:
  - {name: pde, residual: "u_t - lap(u)", points: 4}
conditions:
  - ` + c.cond + `
model: {layers: [8]}
training: {steps: 2}
`
		spec, err := pde.LoadBytes("c.yaml", []byte(src), nil)
		if err != nil {
			t.Fatalf("%s: %v", c.cond, err)
		}
		cfg := NewConfig(specSettings(spec))
		if _, err := Build(spec.Problem, cfg, BuildOptions{Points: 4}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: fast path error %v, want one containing %q", c.cond, err, c.want)
		}
		_, err = Check(spec.Problem, cfg)
		switch {
		case c.general && err != nil:
			t.Errorf("%s: the general compiler refused it: %v", c.cond, err)
		case !c.general && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: Check error %v, want one containing %q", c.cond, err, c.want)
		}
	}
}
