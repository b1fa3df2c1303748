package reference

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/dsp/fourier"
)

const epsRAD = 0.001

// allenCahnFD integrates u_t = ε u_xx - 5(u³ - u) from u(x, 0) = x² cos(πx)
// on n+1 points x_i = -1 + 2i/n with fourth-order central differences for
// u_xx and classical RK4 in time, the independent check of AllenCahn. With
// periodic true the ends are identified; otherwise u(±1, t) = -1 is held
// (the Dirichlet problem of the RAD paper's hard constraint). It returns u
// on the grid at each of times (non-decreasing, multiples of dt).
func allenCahnFD(eps float64, n int, dt float64, times []float64, periodic bool) [][]float64 {
	dx := 2 / float64(n)
	u := make([]float64, n+1)
	for i := range u {
		x := -1 + float64(i)*dx
		u[i] = x * x * math.Cos(math.Pi*x)
	}
	// at reads u with periodic wrap (index n is index 0).
	at := func(v []float64, i int) float64 { return v[((i%n)+n)%n] }
	rhs := func(dst, v []float64) {
		c := eps / (12 * dx * dx)
		for i := 0; i <= n; i++ {
			var lap float64
			switch {
			case periodic:
				lap = c * (-at(v, i-2) + 16*at(v, i-1) - 30*v[i] + 16*at(v, i+1) - at(v, i+2))
			case i == 0 || i == n:
				dst[i] = 0
				continue
			case i == 1 || i == n-1:
				// Second order next to the boundary.
				lap = eps * (v[i-1] - 2*v[i] + v[i+1]) / (dx * dx)
			default:
				lap = c * (-v[i-2] + 16*v[i-1] - 30*v[i] + 16*v[i+1] - v[i+2])
			}
			dst[i] = lap - 5*(v[i]*v[i]*v[i]-v[i])
		}
		if periodic {
			dst[n] = dst[0]
		}
	}
	k1, k2, k3, k4, w := make([]float64, n+1), make([]float64, n+1), make([]float64, n+1), make([]float64, n+1), make([]float64, n+1)
	stage := func(k []float64, c float64) {
		for i := range w {
			w[i] = u[i] + c*k[i]
		}
	}
	out := make([][]float64, len(times))
	t := 0.0
	for i, target := range times {
		for ; t < target-dt/2; t += dt {
			rhs(k1, u)
			stage(k1, dt/2)
			rhs(k2, w)
			stage(k2, dt/2)
			rhs(k3, w)
			stage(k3, dt)
			rhs(k4, w)
			for j := range u {
				u[j] += dt / 6 * (k1[j] + 2*k2[j] + 2*k3[j] + k4[j])
			}
		}
		out[i] = append([]float64(nil), u...)
	}
	return out
}

func maxAbsDiff(a, b []float64) float64 {
	var d float64
	for i := range a {
		d = math.Max(d, math.Abs(a[i]-b[i]))
	}
	return d
}

func mustAllenCahn(t *testing.T, N int, dt float64, times []float64) ([]float64, [][]float64) {
	t.Helper()
	xs, u, err := AllenCahn(epsRAD, N, dt, times)
	if err != nil {
		t.Fatal(err)
	}
	return xs, u
}

// TestAllenCahnTimeConvergence checks that dt = 1e-4 is converged, and that
// the error falls like dt⁴ in the range of steps where it is above rounding.
func TestAllenCahnTimeConvergence(t *testing.T) {
	const tol = 1e-8
	times := []float64{0.1, 0.5, 1}
	_, u1 := mustAllenCahn(t, 512, 1e-4, times)
	_, uh := mustAllenCahn(t, 512, 5e-5, times)
	for i, tt := range times {
		d := maxAbsDiff(u1[i], uh[i])
		t.Logf("t = %g: |u(dt=1e-4) - u(dt=5e-5)| = %.3g", tt, d)
		if d > tol {
			t.Errorf("t = %g: halving dt = 1e-4 changes u by %.3g, want <= %g", tt, d, tol)
		}
	}
	dts := []float64{2e-2, 1e-2, 5e-3, 2.5e-3}
	us := make([][][]float64, len(dts))
	for k, dt := range dts {
		_, us[k] = mustAllenCahn(t, 256, dt, times)
	}
	for i, tt := range times {
		for k := 0; k+2 < len(dts); k++ {
			r := maxAbsDiff(us[k][i], us[k+1][i]) / maxAbsDiff(us[k+1][i], us[k+2][i])
			t.Logf("t = %g: dt = %g: successive-difference ratio %.1f (fourth order: 16)", tt, dts[k], r)
			if r < 12 || r > 20 {
				t.Errorf("t = %g, dt = %g: successive-difference ratio %.1f, want about 16", tt, dts[k], r)
			}
		}
	}
}

// TestAllenCahnSpaceConvergence compares N = 256 and 512 with 1024 on the
// common points: spectral convergence once the kink of the initial condition
// at x = ±1 has been smoothed.
func TestAllenCahnSpaceConvergence(t *testing.T) {
	times := []float64{0.01, 0.05, 0.5, 1}
	tol512 := []float64{1e-6, 1e-8, 1e-9, 1e-9}
	_, ref := mustAllenCahn(t, 1024, 1e-4, times)
	for _, n := range []int{256, 512} {
		_, u := mustAllenCahn(t, n, 1e-4, times)
		for i, tt := range times {
			r := 1024 / n
			var d float64
			for j := range u[i] {
				d = math.Max(d, math.Abs(u[i][j]-ref[i][r*j]))
			}
			t.Logf("t = %g, N = %d: max |u - u(N=1024)| = %.3g", tt, n, d)
			if n == 512 && d > tol512[i] {
				t.Errorf("t = %g: N = 512 differs from N = 1024 by %.3g, want <= %g", tt, d, tol512[i])
			}
		}
	}
}

// TestAllenCahnSymmetry: the initial condition is even, so u(x) = u(-x); the
// solution obeys the maximum principle |u| <= 1 (|u0| <= 1 and ±1 are
// stable states).
func TestAllenCahnSymmetry(t *testing.T) {
	const tol = 1e-12
	times := []float64{0, 0.1, 0.5, 1}
	xs, u := mustAllenCahn(t, 512, 1e-4, times)
	n := len(xs)
	for i, tt := range times {
		for j := range xs {
			if d := math.Abs(u[i][j] - u[i][(n-j)%n]); d > tol {
				t.Fatalf("t = %g: |u(%g) - u(%g)| = %.3g, want <= %g", tt, xs[j], -xs[j], d, tol)
			}
			if math.Abs(u[i][j]) > 1+tol {
				t.Fatalf("t = %g: u(%g) = %g, outside [-1, 1]", tt, xs[j], u[i][j])
			}
		}
	}
}

// acEnergy is the Ginzburg–Landau energy ∫ ε/2 u_x² + 5/4 (u² - 1)² dx of
// grid values u (periodic, uniform on [-1, 1)), u_x spectrally. The equation
// is its L² gradient flow, so it cannot increase.
func acEnergy(eps float64, u []float64) float64 {
	n := len(u)
	fft := fourier.NewFFT(n)
	c := fft.Coefficients(nil, u)
	for k := range c {
		c[k] *= complex(0, math.Pi*float64(k)/float64(n))
	}
	c[len(c)-1] = 0 // the Nyquist mode has no odd part
	ux := fft.Sequence(nil, c)
	var e float64
	for j := range u {
		w := u[j]*u[j] - 1
		e += eps/2*ux[j]*ux[j] + 1.25*w*w
	}
	return e * 2 / float64(n)
}

func TestAllenCahnEnergy(t *testing.T) {
	times := linspace(0.01, 1, 100)
	_, u := mustAllenCahn(t, 512, 1e-4, times)
	prev := math.Inf(1)
	for i, tt := range times {
		e := acEnergy(epsRAD, u[i])
		if e > prev*(1+1e-12) {
			t.Errorf("energy increased from %.15g to %.15g at t = %g", prev, e, tt)
		}
		prev = e
	}
	t.Logf("energy %.6f at t = 0.01, %.6f at t = 1", acEnergy(epsRAD, u[0]), prev)
}

// TestAllenCahnQualitative checks the known shape at t = 1 (Wu et al. 2023,
// Fig. of the Allen–Cahn reference): the reaction has driven the solution to
// the plateaus u ≈ 1 for 0.1 ≲ |x| ≲ 0.4 and u ≈ -1 for |x| ≳ 0.6, with a dip
// at x = 0 (u0 = 0 there is the unstable state, left slowly) and interfaces
// near |x| ≈ 0.5.
func TestAllenCahnQualitative(t *testing.T) {
	xs, u := mustAllenCahn(t, 512, 1e-4, []float64{1})
	for j, x := range xs {
		v := u[0][j]
		ax := math.Abs(x)
		switch {
		case ax >= 0.2 && ax <= 0.35 && v < 0.95:
			t.Errorf("u(%g, 1) = %g, want a plateau near 1", x, v)
		case ax >= 0.65 && v > -0.99:
			t.Errorf("u(%g, 1) = %g, want a plateau near -1", x, v)
		}
	}
	u0 := PeriodicInterp(xs, u[0], 0)
	if u0 < 0.1 || u0 > 0.5 {
		t.Errorf("u(0, 1) = %g, want the dip between 0.1 and 0.5", u0)
	}
	t.Logf("t = 1: u(0) = %.6f, u(0.25) = %.6f, u(0.5) = %.6f, u(0.75) = %.6f, u(1) = %.8f",
		u0, PeriodicInterp(xs, u[0], 0.25), PeriodicInterp(xs, u[0], 0.5), PeriodicInterp(xs, u[0], 0.75), u[0][0])
}

// TestAllenCahnFD compares with the fourth-order finite-difference solver on
// 2048 intervals (it contains the 512-point spectral grid) and measures how
// far the periodic problem is from the Dirichlet problem u(±1, t) = -1 that
// the RAD paper's hard constraint imposes.
func TestAllenCahnFD(t *testing.T) {
	const (
		nFD   = 2048
		dtFD  = 1e-4
		tolFD = 2e-5 // measured 7.8e-6 at t = 0.05, near the initial kink at x = ±1
		// The periodic solution leaves -1 at x = ±1 by up to about 0.01
		// (see below); the Dirichlet solution differs only near the ends,
		// away from them by what diffusion carries in (exponentially
		// small) plus the FD error.
		tolDirichlet = 1.5e-2
		tolInner     = 1e-6
	)
	if testing.Short() {
		t.Skip("finite-difference comparison skipped in short mode")
	}
	times := []float64{0.05, 0.25, 0.5, 1}
	xs, u := mustAllenCahn(t, 512, 1e-4, times)
	fd := allenCahnFD(epsRAD, nFD, dtFD, times, true)
	dir := allenCahnFD(epsRAD, nFD, dtFD, times, false)
	r := nFD / len(xs)
	for i, tt := range times {
		var d, dd, ddInner float64
		for j, x := range xs {
			d = math.Max(d, math.Abs(u[i][j]-fd[i][r*j]))
			e := math.Abs(u[i][j] - dir[i][r*j])
			dd = math.Max(dd, e)
			if math.Abs(x) <= 0.9 {
				ddInner = math.Max(ddInner, e)
			}
		}
		t.Logf("t = %g: max |spectral - FD| = %.3g; periodic vs Dirichlet: |u(±1)+1| = %.3g, max diff %.3g (%.3g for |x| <= 0.9)",
			tt, d, math.Abs(u[i][0]+1), dd, ddInner)
		if d > tolFD {
			t.Errorf("t = %g: max |spectral - FD| = %.3g, want <= %g", tt, d, tolFD)
		}
		if dd > tolDirichlet || ddInner > tolInner {
			t.Errorf("t = %g: periodic and Dirichlet solutions differ by %.3g (%.3g for |x| <= 0.9), want <= %g (%g)",
				tt, dd, ddInner, tolDirichlet, tolInner)
		}
	}
	// The largest departure from -1 at the ends: the kink smoothed by
	// diffusion, 4√(εt/π), damped by the stable state, e^{-10t}, peaks at
	// t = 1/20 at 4√(ε/(20π)) e^{-1/2} ≈ 0.0097.
	ts := linspace(0.005, 0.3, 60)
	_, ue := mustAllenCahn(t, 512, 1e-4, ts)
	var worst, at float64
	for i, tt := range ts {
		if d := math.Abs(ue[i][0] + 1); d > worst {
			worst, at = d, tt
		}
	}
	want := 4 * math.Sqrt(epsRAD/(20*math.Pi)) * math.Exp(-0.5)
	t.Logf("max |u(±1, t) + 1| = %.4g at t = %g (estimate %.4g at t = 0.05)", worst, at, want)
	if math.Abs(worst-want) > 0.2*want {
		t.Errorf("max |u(±1, t) + 1| = %.4g, want about %.4g", worst, want)
	}
}

func TestAllenCahnErrors(t *testing.T) {
	for _, c := range []struct {
		name  string
		eps   float64
		n     int
		dt    float64
		times []float64
	}{
		{"odd N", epsRAD, 511, 1e-4, []float64{1}},
		{"small N", epsRAD, 2, 1e-4, []float64{1}},
		{"dt", epsRAD, 64, 0, []float64{1}},
		{"eps", -1, 64, 1e-4, []float64{1}},
		{"negative time", epsRAD, 64, 1e-4, []float64{-1}},
		{"decreasing", epsRAD, 64, 1e-4, []float64{0.5, 0.2}},
		{"NaN time", epsRAD, 64, 1e-4, []float64{math.NaN()}},
	} {
		if _, _, err := AllenCahn(c.eps, c.n, c.dt, c.times); err == nil {
			t.Errorf("%s: want an error", c.name)
		}
	}
	// Output times that are not multiples of dt are hit exactly: one step of
	// 0.3 vs three of 0.1 agree to the scheme's accuracy, and the t = 0 row
	// is the initial condition itself.
	xs, u, err := AllenCahn(epsRAD, 64, 1e-3, []float64{0, 0, 0.0123})
	if err != nil {
		t.Fatal(err)
	}
	for j, x := range xs {
		if u[0][j] != x*x*math.Cos(math.Pi*x) || u[1][j] != u[0][j] {
			t.Fatalf("t = 0 row: u(%g) = %v, want the initial condition", x, u[0][j])
		}
	}
}
