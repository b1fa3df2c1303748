package optim

import (
	"math"
	"testing"
)

// rosenbrock in n dimensions (n even): sum 100 (x_{2i}-x_{2i-1}^2)^2 + (1-x_{2i-1})^2.
func rosenbrock(x, g []float64) (float64, error) {
	f := 0.0
	for i := range g {
		g[i] = 0
	}
	for i := 0; i+1 < len(x); i += 2 {
		a, b := x[i], x[i+1]
		f += 100*(b-a*a)*(b-a*a) + (1-a)*(1-a)
		g[i] += -400*a*(b-a*a) - 2*(1-a)
		g[i+1] += 200 * (b - a*a)
	}
	return f, nil
}

// TestLBFGSRosenbrock: L-BFGS with a strong-Wolfe line search reaches the
// minimum of the 10-D Rosenbrock function from (-1.2, 1, ...) to 1e-8 in
// at most 100 iterations (Nocedal & Wright report ~40 for the 2-D case).
func TestLBFGSRosenbrock(t *testing.T) {
	x := make([]float64, 10)
	for i := range x {
		x[i] = map[bool]float64{true: -1.2, false: 1}[i%2 == 0]
	}
	o := NewLBFGS(20)
	it := 0
	for ; it < 100; it++ {
		if err := o.Iterate(x, rosenbrock); err != nil {
			t.Fatal(err)
		}
		if o.f < 1e-16 || o.done {
			break
		}
	}
	for i := range x {
		if math.Abs(x[i]-1) > 1e-8 {
			t.Fatalf("after %d iterations x[%d] = %.12g, want 1 (f = %g)", it, i, x[i], o.f)
		}
	}
	t.Logf("converged in %d iterations, f = %.3g", it+1, o.f)
}

// TestAdamQuadratic: Adam minimises a badly scaled quadratic; its update
// is invariant to the gradient's scale per coordinate.
func TestAdamQuadratic(t *testing.T) {
	x := []float64{1, 1}
	g := make([]float64, 2)
	a := NewAdam(2)
	for i := 0; i < 3000; i++ {
		g[0], g[1] = 2*x[0], 2e4*x[1]
		a.Update(x, g, Schedule{Type: "cosine"}.LearningRate(0.05, i, 3000))
	}
	if math.Abs(x[0]) > 1e-4 || math.Abs(x[1]) > 1e-4 {
		t.Fatalf("Adam did not converge: %v", x)
	}
}

// TestLearningRateSchedules checks each schedule's documented values.
func TestLearningRateSchedules(t *testing.T) {
	cases := []struct {
		sch  Schedule
		s, n int
		want float64
	}{
		{Schedule{}, 500, 1000, 1},
		{Schedule{Type: "exponential", Rate: 0.9, Every: 1000}, 500, 5000, math.Pow(0.9, 0.5)},
		{Schedule{Type: "exponential", Rate: 0.9, Every: 1000, Staircase: true}, 1500, 5000, 0.9},
		{Schedule{Type: "linear"}, 250, 1000, 0.75},
		{Schedule{Type: "cosine"}, 500, 1000, 0.5},
		{Schedule{Type: "cosine"}, 1000, 1000, 0},
	}
	for _, c := range cases {
		if got := c.sch.LearningRate(1, c.s, c.n); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%+v at %d/%d: lr %g, want %g", c.sch, c.s, c.n, got, c.want)
		}
	}
}
