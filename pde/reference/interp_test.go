package reference

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestPeriodicInterpExact: the interpolant reproduces trigonometric
// polynomials below the Nyquist frequency exactly, and the grid values.
func TestPeriodicInterpExact(t *testing.T) {
	const tol = 1e-12
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{8, 9, 64, 65} {
		xs := make([]float64, n)
		u := make([]float64, n)
		// Period 2 on [-1, 1), as AllenCahn's grid.
		f := func(x float64) float64 {
			v := 0.3
			for k := 1; k < (n-1)/2; k++ {
				v += math.Cos(math.Pi*float64(k)*x+float64(k))/float64(k) + 0.5*math.Sin(math.Pi*float64(k)*x)/float64(k*k)
			}
			return v
		}
		for j := range xs {
			xs[j] = -1 + 2*float64(j)/float64(n)
			u[j] = f(xs[j])
		}
		for j, x := range xs {
			// Exact where x/Δx rounds to an integer (power-of-two n).
			if got := PeriodicInterp(xs, u, x); math.Abs(got-u[j]) > 1e-15 {
				t.Errorf("n = %d: at node %g got %v, want %v", n, x, got, u[j])
			}
		}
		for range 200 {
			x := -3 + 6*rng.Float64() // also outside one period
			if got, want := PeriodicInterp(xs, u, x), f(x); math.Abs(got-want) > tol {
				t.Errorf("n = %d, x = %g: got %.16g, want %.16g", n, x, got, want)
			}
		}
	}
	if !math.IsNaN(PeriodicInterp(nil, nil, 0)) || !math.IsNaN(PeriodicInterp([]float64{0, 1}, []float64{1}, 0)) {
		t.Error("want NaN for empty or mismatched input")
	}
}

// TestPeriodicInterpAllenCahn interpolates the N = 512 solution at the odd
// points of the N = 1024 grid, which it does not contain.
func TestPeriodicInterpAllenCahn(t *testing.T) {
	const tol = 1e-8
	times := []float64{0.1, 1}
	xs, u := mustAllenCahn(t, 512, 1e-4, times)
	fine, v := mustAllenCahn(t, 1024, 1e-4, times)
	for i, tt := range times {
		var d float64
		for j := 1; j < len(fine); j += 2 {
			d = math.Max(d, math.Abs(PeriodicInterp(xs, u[i], fine[j])-v[i][j]))
		}
		t.Logf("t = %g: max |interpolated N=512 - N=1024| between nodes = %.3g", tt, d)
		if d > tol {
			t.Errorf("t = %g: interpolation error %.3g, want <= %g", tt, d, tol)
		}
	}
}
