package reference

import (
	"math"
	"runtime"
	"sync"
)

// Quadrature settings for the Cole–Hopf integrals. The integrand in η is a
// Gaussian exp(-η²/(4νt)) times the periodic weight f(x-η); the trapezoidal
// rule on the whole line converges geometrically for such entire, rapidly
// decaying integrands (Trefethen & Weideman 2014, "The exponentially
// convergent trapezoidal rule", SIAM Review 56(3)), so a uniform η grid whose
// step resolves the narrowest feature of the integrand is both simpler and
// more accurate than Gauss–Hermite nodes, which are placed for exp(-z²) and
// miss the sharp off-centre peaks that f produces when ν is small.
const (
	// burgersStepsPerWidth is how many trapezoid steps cover one local
	// width σ of the integrand (σ from its largest log-curvature). The
	// aliasing error is about exp(-2π²·burgersStepsPerWidth²); 5 already
	// puts it far below float64 rounding.
	burgersStepsPerWidth = 5
	// burgersTail is how far below its maximum (in log scale) the integrand
	// is truncated: exp(-50) ≈ 2e-22 relative.
	burgersTail = 50
)

// Burgers returns the solution u(x, t) of the viscous Burgers equation
//
//	u_t + u u_x = ν u_xx,  x ∈ [-1, 1],  u(x, 0) = -sin(πx),  u(±1, t) = 0,
//
// from the Cole–Hopf transformation (Cole 1951; Hopf 1950) in the form of
// Basdevant et al. 1986, "Spectral and finite difference solutions of the
// Burgers equation", Computers & Fluids 14(1), eq. (4):
//
//	u(x,t) = -∫ sin(π(x-η)) f(x-η) exp(-η²/(4νt)) dη / ∫ f(x-η) exp(-η²/(4νt)) dη,
//	f(y)   = exp(-cos(πy)/(2πν)).
//
// Both integrals are computed by the trapezoidal rule on a uniform η grid
// (see the constants above) with the exponentials combined in log space and
// a running maximum subtracted (log-sum-exp), so nothing overflows however
// small ν is. The result is accurate to about 1e-13 absolute, including
// ν = 0.01/π where the shock at x = 0 has slope ≈ -152 at t = 1/π.
//
// At t = 0 it returns the initial condition. For x outside [-1, 1] it returns
// the odd, 2-periodic extension. It returns NaN for ν ≤ 0, t < 0 or x not finite.
func Burgers(nu, x, t float64) float64 {
	u, _ := burgers(nu, x, t, false, burgersStepsPerWidth, burgersTail)
	return u
}

// burgers returns u and, when withDx, u_x, which is the same quadrature of
// the x-derivatives of both integrands (no finite differences). perWidth and
// tail are the quadrature settings (the constants above, or finer ones in
// the tests).
func burgers(nu, x, t float64, withDx bool, perWidth, tail float64) (u, ux float64) {
	switch {
	case !(nu > 0) || !(t >= 0) || math.IsNaN(x) || math.IsInf(x, 0):
		return math.NaN(), math.NaN()
	case t == 0:
		s, c := math.Sincos(math.Pi * x)
		return zeroAtIntegers(x, -s), -math.Pi * c
	}
	a := 1 / (2 * math.Pi * nu) // amplitude of log f
	inv := 1 / (4 * nu * t)     // Gaussian exponent per η²
	// Log-curvature of the integrand is at most 2·inv + π²a; σ is the
	// corresponding width. The exponent ψ(η) = -inv η² - a cos(π(x-η))
	// lies within 2a of its value at η = 0, so beyond L it is below the
	// maximum by more than burgersTail.
	sigma := 1 / math.Sqrt(2*inv+math.Pi*math.Pi*a)
	h := sigma / perWidth
	L := math.Sqrt((2*a + tail) / inv)
	n := int(math.Ceil(L / h))

	var (
		m                    = math.Inf(-1) // running maximum of ψ
		num, den, numX, denX float64
	)
	for k := -n; k <= n; k++ {
		eta := float64(k) * h
		s, c := math.Sincos(math.Pi * (x - eta))
		psi := -inv*eta*eta - a*c
		if psi > m {
			// Rescale what has been summed to the new maximum.
			r := math.Exp(m - psi)
			num *= r
			den *= r
			numX *= r
			denX *= r
			m = psi
		}
		w := math.Exp(psi - m)
		num += s * w
		den += w
		if withDx {
			// d/dx of log f(x-η) is πa sin(π(x-η)).
			g := math.Pi * a * s
			numX += (math.Pi*c + s*g) * w
			denX += g * w
		}
	}
	u = zeroAtIntegers(x, -num/den)
	if withDx {
		ux = -(numX*den - num*denX) / (den * den)
	}
	return u, ux
}

// BurgersGrid evaluates Burgers on the tensor grid xs × ts. The result has
// len(ts)·len(xs) entries, t slowest and x fastest: entry i·len(xs)+j is
// u(xs[j], ts[i]). The points are shared among GOMAXPROCS goroutines; each
// value is computed independently, so the result does not depend on the
// scheduling.
func BurgersGrid(nu float64, xs, ts []float64) []float64 {
	out := make([]float64, len(xs)*len(ts))
	if len(out) == 0 {
		return out
	}
	workers := min(runtime.GOMAXPROCS(0), len(out))
	// Hand out short runs of points so that the costlier late times are
	// spread over all workers.
	const chunk = 64
	next := make(chan int, (len(out)+chunk-1)/chunk)
	for lo := 0; lo < len(out); lo += chunk {
		next <- lo
	}
	close(next)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for lo := range next {
				for p := lo; p < min(lo+chunk, len(out)); p++ {
					out[p] = Burgers(nu, xs[p%len(xs)], ts[p/len(xs)])
				}
			}
		})
	}
	wg.Wait()
	return out
}

// zeroAtIntegers returns 0 at integer x and u elsewhere: the solution is odd
// and 2-periodic, so it vanishes at every integer (the boundary x = ±1
// included), and the tables should hold that exact 0, not a rounding
// residue of 1e-16.
func zeroAtIntegers(x, u float64) float64 {
	if x == math.Trunc(x) {
		return 0
	}
	return u
}
