package reference

import "math"

// PeriodicInterp evaluates at x the trigonometric interpolant of the values u
// on the uniform periodic grid xs (xs[j] = xs[0] + j·Δx, period len(xs)·Δx,
// the last point of the period excluded, as AllenCahn returns it). It is the
// periodic sinc (Dirichlet kernel) sum of Trefethen 2000, "Spectral Methods
// in MATLAB", ch. 3,
//
//	p(x) = Σ_j u_j S_N(θ - θ_j),  S_N(d) = sin(Nd/2) / (N tan(d/2))  (N even),
//	                                      sin(Nd/2) / (N sin(d/2))  (N odd),
//
// with θ = 2π(x - xs[0])/period; for even N the Nyquist mode is the real
// cos(Nθ/2) term, as in the FFT. It costs O(N) per point and reproduces
// the grid values exactly. It returns NaN if len(xs) != len(u) or xs is
// empty.
func PeriodicInterp(xs, u []float64, x float64) float64 {
	n := len(xs)
	switch {
	case n == 0 || len(u) != n:
		return math.NaN()
	case n == 1:
		return u[0]
	}
	dx := (xs[n-1] - xs[0]) / float64(n-1)
	// Position in grid units, split into the nearest node j0 and an offset
	// f ∈ [-1/2, 1/2], so that sin(Nd/2) is computed from f without the
	// rounding of a large argument.
	q := (x - xs[0]) / dx
	j0 := math.Round(q)
	f := q - j0
	jn := int(math.Mod(j0, float64(n)))
	if jn < 0 {
		jn += n
	}
	if f == 0 {
		return u[jn]
	}
	// sin(N(θ-θ_j)/2) = sin(π(q-j)) = (-1)^(j0-j) sin(πf).
	sf := math.Sin(math.Pi * f)
	if int(j0)%2 != 0 {
		sf = -sf
	}
	even := n%2 == 0
	var sum float64
	for j, uj := range u {
		d := math.Pi * (q - float64(j)) / float64(n) // (θ-θ_j)/2
		var den float64
		if even {
			den = math.Tan(d)
		} else {
			den = math.Sin(d)
		}
		t := sf / den
		if j%2 != 0 {
			t = -t
		}
		sum += uj * t
	}
	return sum / float64(n)
}
