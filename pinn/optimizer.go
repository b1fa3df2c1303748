package pinn

import (
	"fmt"
	"sort"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn/internal/runio"
)

// optimizer advances the flat parameter vector by one step. Each training
// stage has its own. Adding an optimizer is one file: a type implementing
// this interface and a registerOptimizer line in its init.
type optimizer interface {
	// step performs one optimizer step in place on c.theta and returns the
	// loss to report for the step.
	step(c *stepContext) (float64, error)
	// resamples reports whether collocation points may change between steps
	// (false for methods that keep curvature information, like L-BFGS).
	resamples() bool
	// save returns the optimizer's whole state (for exact resume).
	save() map[string]runio.Array
	// load restores what save returned.
	load(a map[string]runio.Array) error
}

// stepContext is what an optimizer sees of the run at one step.
type stepContext struct {
	theta []float64
	lr    float64
	// eval computes the total loss and its gradient at x (into g) with the
	// current points.
	eval func(x, g []float64) (float64, error)
	prog *program
}

// optimizers maps spec names to constructors (n = number of parameters).
var optimizers = map[string]func(n int, st pde.Stage) optimizer{}

// registerOptimizer registers an optimizer with the trainer and its name
// (and default learning rate) with the spec loader.
func registerOptimizer(name string, defaultLR float64, f func(n int, st pde.Stage) optimizer) {
	optimizers[name] = f
	pde.RegisterOptimizer(name, defaultLR)
}

func newOptimizer(st pde.Stage, n int) (optimizer, error) {
	f, ok := optimizers[st.Optimizer]
	if !ok {
		var names []string
		for k := range optimizers {
			names = append(names, k)
		}
		sort.Strings(names)
		return nil, fmt.Errorf("optimizer %q is not available (have %v)", st.Optimizer, names)
	}
	return f(n, st), nil
}

func init() {
	registerOptimizer("adam", 1e-3, func(n int, _ pde.Stage) optimizer { return newAdam(n) })
	registerOptimizer("lbfgs", 1, func(int, pde.Stage) optimizer { return newLBFGS(lbfgsMemory) })
}

// Adam as an optimizer.

func (a *adam) resamples() bool { return true }

func (a *adam) step(c *stepContext) (float64, error) {
	if len(a.g) != len(c.theta) {
		a.g = make([]float64, len(c.theta))
	}
	loss, err := c.eval(c.theta, a.g)
	if err != nil {
		return loss, err
	}
	a.update(c.theta, a.g, c.lr)
	return loss, nil
}

func (a *adam) save() map[string]runio.Array {
	return map[string]runio.Array{"m": vec(a.m), "v": vec(a.v), "t": scalarArr(float64(a.t))}
}

func (a *adam) load(s map[string]runio.Array) error {
	for _, k := range []string{"m", "v", "t"} {
		if _, ok := s[k]; !ok {
			return fmt.Errorf("adam state has no %q", k)
		}
	}
	copy(a.m, s["m"].Data)
	copy(a.v, s["v"].Data)
	a.t = int(s["t"].Data[0])
	return nil
}

// L-BFGS as an optimizer.

func (o *lbfgs) resamples() bool { return false }

func (o *lbfgs) step(c *stepContext) (float64, error) {
	if err := o.iterate(c.theta, c.eval); err != nil {
		return 0, err
	}
	return o.f, nil
}

func (o *lbfgs) save() map[string]runio.Array {
	a := map[string]runio.Array{"k": scalarArr(float64(o.k)), "done": scalarArr(b2f(o.done)), "has": scalarArr(b2f(o.has))}
	if o.has {
		a["x"], a["g"], a["f"] = vec(o.x), vec(o.g), scalarArr(o.f)
		n := len(o.x)
		S := runio.Array{Shape: []int{len(o.S), n}}
		Y := runio.Array{Shape: []int{len(o.Y), n}}
		for i := range o.S {
			S.Data = append(S.Data, o.S[i]...)
			Y.Data = append(Y.Data, o.Y[i]...)
		}
		a["S"], a["Y"] = S, Y
	}
	return a
}

func (o *lbfgs) load(a map[string]runio.Array) error {
	for _, k := range []string{"k", "done", "has"} {
		if _, ok := a[k]; !ok {
			return fmt.Errorf("lbfgs state has no %q", k)
		}
	}
	o.k = int(a["k"].Data[0])
	o.done = a["done"].Data[0] != 0
	o.has = a["has"].Data[0] != 0
	o.S, o.Y = nil, nil
	if o.has {
		o.x = append([]float64(nil), a["x"].Data...)
		o.g = append([]float64(nil), a["g"].Data...)
		o.f = a["f"].Data[0]
		n := len(o.x)
		S, Y := a["S"], a["Y"]
		for i := 0; i+n <= len(S.Data); i += n {
			o.S = append(o.S, append([]float64(nil), S.Data[i:i+n]...))
			o.Y = append(o.Y, append([]float64(nil), Y.Data[i:i+n]...))
		}
	}
	return nil
}
