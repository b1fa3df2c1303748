package reference

import (
	"math"
	"testing"
)

const nuRAD = 0.01 / math.Pi

// burgersFD integrates u_t + (u²/2)_x = ν u_xx on [-1, 1] with u(±1) = 0 on
// n+1 points: second-order central differences (the cell Péclet number
// |u|Δx/ν stays below 2 for the grids used, so no upwinding is needed) and
// classical RK4 in time with the step 0.5Δx²/ν (RK4 is stable up to about
// 0.7Δx²/ν for this diffusion; its error is far below the spatial one). It is the independent
// check of the Cole–Hopf quadrature. It returns the grid and u at time T.
func burgersFD(nu float64, n int, T float64) (xs, u []float64) {
	dx := 2 / float64(n)
	xs = make([]float64, n+1)
	u = make([]float64, n+1)
	for i := range xs {
		xs[i] = -1 + float64(i)*dx
		u[i] = -math.Sin(math.Pi * xs[i])
	}
	u[0], u[n] = 0, 0
	rhs := func(dst, v []float64) {
		dst[0], dst[n] = 0, 0
		for i := 1; i < n; i++ {
			dst[i] = -(v[i+1]*v[i+1]-v[i-1]*v[i-1])/(4*dx) + nu*(v[i+1]-2*v[i]+v[i-1])/(dx*dx)
		}
	}
	dt := min(0.5*dx*dx/nu, 0.5*dx)
	steps := int(math.Ceil(T/dt - 1e-9))
	h := T / float64(steps)
	k1, k2, k3, k4, w := make([]float64, n+1), make([]float64, n+1), make([]float64, n+1), make([]float64, n+1), make([]float64, n+1)
	stage := func(k []float64, c float64) {
		for i := range w {
			w[i] = u[i] + c*k[i]
		}
	}
	for range steps {
		rhs(k1, u)
		stage(k1, h/2)
		rhs(k2, w)
		stage(k2, h/2)
		rhs(k3, w)
		stage(k3, h)
		rhs(k4, w)
		for i := range u {
			u[i] += h / 6 * (k1[i] + 2*k2[i] + 2*k3[i] + k4[i])
		}
	}
	return xs, u
}

// maxDiffFD is the largest |u_i - Burgers(ν, x_i, T)| over the grid.
func maxDiffFD(nu, T float64, xs, u []float64) float64 {
	var d float64
	for i, x := range xs {
		d = math.Max(d, math.Abs(u[i]-Burgers(nu, x, T)))
	}
	return d
}

// TestBurgersInitialStep compares u(x, 1e-3) with one forward-Euler step of
// the finite-difference right-hand side from the initial condition; the step
// is first order, so they agree to O(t²·|u_tt|/2) with |u_tt| ≲ π³.
func TestBurgersInitialStep(t *testing.T) {
	const (
		n   = 4096
		dt  = 1e-3
		tol = 2e-5
	)
	for _, nu := range []float64{nuRAD, 0.01} {
		dx := 2.0 / n
		u0 := func(i int) float64 { return -math.Sin(math.Pi * (-1 + float64(i)*dx)) }
		var maxErr float64
		for i := 1; i < n; i++ {
			x := -1 + float64(i)*dx
			a, b, c := u0(i-1), u0(i), u0(i+1)
			step := b + dt*(-(c*c-a*a)/(4*dx)+nu*(c-2*b+a)/(dx*dx))
			maxErr = math.Max(maxErr, math.Abs(step-Burgers(nu, x, dt)))
		}
		t.Logf("nu = %.6g: max |Euler step - Burgers| at t = %g: %.3g", nu, dt, maxErr)
		if maxErr > tol {
			t.Errorf("nu = %.6g: max |Euler step - Burgers| = %.3g, want <= %g", nu, maxErr, tol)
		}
	}
}

// TestBurgersFD compares with burgersFD. At t = 0.25 the 4096-point solution
// is used directly; at t = 1, where the shock is steep, the 2048- and
// 4096-point solutions are combined by Richardson extrapolation (the scheme
// is second order: the errors measured are 4.5e-4 and 1.1e-4, ratio 4), which
// reaches the 1e-7 level in a few seconds.
func TestBurgersFD(t *testing.T) {
	const tol025 = 2e-5 // measured 7.9e-6
	xs, u := burgersFD(nuRAD, 4096, 0.25)
	d := maxDiffFD(nuRAD, 0.25, xs, u)
	t.Logf("nu = 0.01/pi, t = 0.25, 4096 points: max |FD - Burgers| = %.3g", d)
	if d > tol025 {
		t.Errorf("nu = 0.01/pi, t = 0.25: max |FD - Burgers| = %.3g, want <= %g", d, tol025)
	}
	if testing.Short() {
		t.Skip("t = 1 comparisons skipped in short mode")
	}
	for _, c := range []struct {
		name string
		nu   float64
		n    int
		tol  float64
	}{
		{"0.01/pi", nuRAD, 2048, 2e-6}, // measured 2.5e-7
		{"0.01", 0.01, 1024, 5e-7},     // measured 3.7e-8
	} {
		xs, u1 := burgersFD(c.nu, c.n, 1)
		_, u2 := burgersFD(c.nu, 2*c.n, 1)
		r := make([]float64, len(xs))
		for i := range xs {
			r[i] = (4*u2[2*i] - u1[i]) / 3
		}
		d := maxDiffFD(c.nu, 1, xs, r)
		t.Logf("nu = %s, t = 1, FD %d/%d points extrapolated: max |FD - Burgers| = %.3g (fine grid alone %.3g)",
			c.name, c.n, 2*c.n, d, maxDiffFD(c.nu, 1, xs, everyOther(u2)))
		if d > c.tol {
			t.Errorf("nu = %s, t = 1: max |FD - Burgers| = %.3g, want <= %g", c.name, d, c.tol)
		}
	}
}

func everyOther(u []float64) []float64 {
	v := make([]float64, (len(u)+1)/2)
	for i := range v {
		v[i] = u[2*i]
	}
	return v
}

// TestBurgersSymmetry checks u(-x, t) = -u(x, t), u(±1, t) = 0 and the
// maximum principle |u| <= 1.
func TestBurgersSymmetry(t *testing.T) {
	const tol = 1e-14
	for _, nu := range []float64{nuRAD, 0.01, 0.1, 1e-3 / math.Pi} {
		for _, tt := range []float64{0, 1e-4, 0.01, 0.3, 1 / math.Pi, 0.7, 1, 3} {
			for _, b := range []float64{-1, 1} {
				if u := Burgers(nu, b, tt); u != 0 {
					t.Errorf("nu = %g, t = %g: u(%g) = %g, want 0", nu, tt, b, u)
				}
			}
			for x := 0.0; x <= 1; x += 1.0 / 64 {
				u, v := Burgers(nu, x, tt), Burgers(nu, -x, tt)
				if math.Abs(u+v) > tol || math.Abs(u) > 1+tol || math.IsNaN(u) {
					t.Errorf("nu = %g, t = %g, x = %g: u(x) = %g, u(-x) = %g", nu, tt, x, u, v)
				}
			}
		}
	}
}

// TestBurgersQuadrature checks that the quadrature has converged: twice the
// steps and a longer tail change nothing beyond rounding. u_x is the
// difference of sums of terms up to π²/(2πν) times larger than itself, so its
// rounding is larger.
func TestBurgersQuadrature(t *testing.T) {
	const (
		tol   = 1e-13
		tolDx = 1e-11
	)
	var worst, worstDx float64
	for _, nu := range []float64{nuRAD, 0.01, 1, 1e-3 / math.Pi} {
		for _, tt := range []float64{1e-6, 1e-3, 0.1, 0.5, 1, 10} {
			for x := -1.0; x <= 1; x += 1.0 / 50 {
				u, ux := burgers(nu, x, tt, true, burgersStepsPerWidth, burgersTail)
				v, vx := burgers(nu, x, tt, true, 2*burgersStepsPerWidth, 2*burgersTail)
				worst = math.Max(worst, math.Abs(u-v))
				worstDx = math.Max(worstDx, math.Abs(ux-vx)/math.Max(1, math.Abs(vx)))
				if math.Abs(u-v) > tol || math.Abs(ux-vx) > tolDx*math.Max(1, math.Abs(vx)) {
					t.Errorf("nu = %g, t = %g, x = %g: u = %.17g, %.17g; u_x = %.17g, %.17g", nu, tt, x, u, v, ux, vx)
				}
			}
		}
	}
	t.Logf("max change with doubled resolution: u %.3g, u_x %.3g (relative above 1)", worst, worstDx)
}

// TestBurgersBasdevant checks the classic benchmark value of Basdevant et al.
// 1986 (Table 1): for ν = 0.01/π the steepest slope at x = 0 is
// (∂u/∂x)max = -152.00516, reached at t = 1.6037/π. (At t = 1/π the slope
// is only about -34.23; the benchmark time is 1.6037/π.)
func TestBurgersBasdevant(t *testing.T) {
	const (
		want    = -152.00516
		tMaxPi  = 1.6037
		relTol  = 1e-6
		tTolPi  = 1e-4
		fdStep  = 1e-6
		fdRelTo = 1e-7
	)
	slope := func(c float64) float64 {
		_, ux := burgers(nuRAD, 0, c/math.Pi, true, burgersStepsPerWidth, burgersTail)
		return ux
	}
	got := slope(tMaxPi)
	t.Logf("u_x(0, 1.6037/pi) = %.8f (Basdevant et al.: %.5f)", got, want)
	if math.Abs(got-want) > relTol*math.Abs(want) {
		t.Errorf("u_x(0, 1.6037/pi) = %.8f, want %.5f to %g relative", got, want, relTol)
	}
	// The analytic u_x agrees with a central difference of u.
	tt := tMaxPi / math.Pi
	fd := (Burgers(nuRAD, fdStep, tt) - Burgers(nuRAD, -fdStep, tt)) / (2 * fdStep)
	if math.Abs(fd-got) > fdRelTo*math.Abs(got) {
		t.Errorf("u_x = %.10g, central difference %.10g", got, fd)
	}
	// Golden-section search for the time of the steepest slope.
	lo, hi := 1.5, 1.7
	g := (math.Sqrt(5) - 1) / 2
	for range 60 {
		c1, c2 := hi-g*(hi-lo), lo+g*(hi-lo)
		if slope(c1) < slope(c2) {
			hi = c2
		} else {
			lo = c1
		}
	}
	c := (lo + hi) / 2
	t.Logf("steepest slope %.8f at t = %.6f/pi", slope(c), c)
	if math.Abs(c-tMaxPi) > tTolPi {
		t.Errorf("steepest slope at t = %.6f/pi, want %.4f/pi", c, tMaxPi)
	}
}

func TestBurgersEdgeCases(t *testing.T) {
	if u := Burgers(nuRAD, 0.3, 0); u != -math.Sin(math.Pi*0.3) {
		t.Errorf("t = 0: u = %v, want the initial condition", u)
	}
	for _, c := range [][3]float64{{0, 0.1, 1}, {-1, 0.1, 1}, {nuRAD, 0.1, -1}, {nuRAD, math.NaN(), 1}, {nuRAD, math.Inf(1), 1}} {
		if u := Burgers(c[0], c[1], c[2]); !math.IsNaN(u) {
			t.Errorf("Burgers(%v, %v, %v) = %v, want NaN", c[0], c[1], c[2], u)
		}
	}
}

func TestBurgersGrid(t *testing.T) {
	xs := []float64{-1, -0.5, 0, 0.1, 0.7}
	ts := []float64{0, 0.2, 1}
	got := BurgersGrid(nuRAD, xs, ts)
	if len(got) != len(xs)*len(ts) {
		t.Fatalf("len = %d, want %d", len(got), len(xs)*len(ts))
	}
	for i, tt := range ts {
		for j, x := range xs {
			if w := Burgers(nuRAD, x, tt); got[i*len(xs)+j] != w {
				t.Errorf("grid[%d][%d] = %v, want %v", i, j, got[i*len(xs)+j], w)
			}
		}
	}
	if len(BurgersGrid(nuRAD, nil, ts)) != 0 {
		t.Error("empty xs: want an empty grid")
	}
}

func BenchmarkBurgersGrid(b *testing.B) {
	xs := linspace(-1, 1, 256)
	ts := linspace(0, 1, 201)
	for b.Loop() {
		BurgersGrid(nuRAD, xs, ts)
	}
}

func linspace(a, b float64, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = a + (b-a)*float64(i)/float64(n-1)
	}
	v[n-1] = b
	return v
}
