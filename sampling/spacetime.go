package sampling

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// SpaceTime is the cylinder Space x [T0, T1] for a non-box spatial domain
// (a ball with a time axis, as in `domain: {type: ball, time: [0, 1]}`);
// for a box, add time as one more axis of the Box instead. Points are
// (x_1, ..., x_d, t): time is the last coordinate.
type SpaceTime struct {
	Space  Domain
	T0, T1 float64
}

var _ Domain = SpaceTime{}

// unitMapper is implemented by domains whose interior is the image of a unit
// cube (Box, Ball), which lets a product domain draw one joint QMC set.
type unitMapper interface {
	unitDim() int
	fromUnit(u []float64, m int) []float64
}

// surfaceToVolumer is implemented by domains that know |boundary|/|volume|.
type surfaceToVolumer interface{ surfaceToVolume() float64 }

// Dim implements Domain.
func (c SpaceTime) Dim() int { return c.Space.Dim() + 1 }

// Validate reports a missing space or a time interval that is not finite
// with T0 < T1.
func (c SpaceTime) Validate() error {
	if c.Space == nil {
		return fmt.Errorf("sampling: space-time domain without a space")
	}
	if !(c.T0 < c.T1) || math.IsInf(c.T0, 0) || math.IsInf(c.T1, 0) {
		return fmt.Errorf("sampling: time interval [%g, %g]: need finite T0 < T1", c.T0, c.T1)
	}
	return nil
}

// Contains implements Domain.
func (c SpaceTime) Contains(x []float64, tol float64) bool {
	d := len(x) - 1
	if d < 0 || d != c.Space.Dim() {
		return false
	}
	t := x[d]
	return t >= c.T0-tol && t <= c.T1+tol && c.Space.Contains(x[:d], tol)
}

// Bounds implements Domain.
func (c SpaceTime) Bounds() (lo, hi []float64) {
	lo, hi = c.Space.Bounds()
	return append(lo, c.T0), append(hi, c.T1)
}

// Interior implements Domain. When the space is a Box or Ball the sampler
// draws one joint set in unitDim+1 dimensions (time last), so QMC
// stratification covers space and time together; for other spaces the
// spatial points and the times are drawn separately and paired by a random
// permutation, which keeps each block's stratification.
func (c SpaceTime) Interior(n int, s UnitSampler, rng *rand.Rand) ([]float64, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	d := c.Space.Dim()
	_, radial := s.(BallRadialSampler)
	if sp, ok := c.Space.(unitMapper); ok && !radial {
		ud := sp.unitDim()
		u, m, err := unitPoints(s, n, ud+1, rng)
		if err != nil {
			return nil, fmt.Errorf("sampling: space-time interior: %w", err)
		}
		us, ts := make([]float64, m*ud), make([]float64, m)
		for i := 0; i < m; i++ {
			copy(us[i*ud:(i+1)*ud], u[i*(ud+1):])
			ts[i] = u[i*(ud+1)+ud]
		}
		return c.join(sp.fromUnit(us, m), nil, ts, d), nil
	}
	x, err := c.Space.Interior(n, s, rng)
	if err != nil {
		return nil, fmt.Errorf("sampling: space-time interior: %w", err)
	}
	ts, err := c.times(len(x)/d, s, rng)
	if err != nil {
		return nil, err
	}
	return c.join(x, nil, ts, d), nil
}

// times draws m unit times with s, in random order.
func (c SpaceTime) times(m int, s UnitSampler, rng *rand.Rand) ([]float64, error) {
	u, err := s.Unit(m, 1, rng)
	if err != nil {
		return nil, fmt.Errorf("sampling: space-time times: %w", err)
	}
	if len(u) != m {
		// A grid sampler returns its own count; reuse it cyclically.
		v := make([]float64, m)
		for i := range v {
			v[i] = u[i%max(len(u), 1)]
		}
		u = v
	}
	out := make([]float64, m)
	for i, p := range rng.Perm(m) {
		out[i] = u[p]
	}
	return out, nil
}

// join appends the time coordinate T0 + u (T1-T0) to each spatial row; with
// spatial normals it returns the normals padded with a zero time component.
func (c SpaceTime) join(x, normals, tu []float64, d int) []float64 {
	src := x
	if normals != nil {
		src = normals
	}
	m := len(src) / d
	out := make([]float64, 0, m*(d+1))
	for i := 0; i < m; i++ {
		out = append(out, src[i*d:(i+1)*d]...)
		if normals != nil {
			out = append(out, 0)
		} else {
			out = append(out, c.T0+tu[i]*(c.T1-c.T0))
		}
	}
	return out
}

// Lateral draws n points on the spatial boundary over time, dOmega x [T0, T1],
// with outward normals (n_x, 0): where boundary conditions are imposed.
// Spatial boundary points and times are drawn separately and paired by a
// random permutation.
func (c SpaceTime) Lateral(n int, s UnitSampler, rng *rand.Rand) (pts, normals []float64, err error) {
	if err := c.Validate(); err != nil {
		return nil, nil, err
	}
	d := c.Space.Dim()
	x, nx, err := c.Space.Boundary(n, s, rng)
	if err != nil {
		return nil, nil, fmt.Errorf("sampling: space-time lateral: %w", err)
	}
	ts, err := c.times(len(x)/d, s, rng)
	if err != nil {
		return nil, nil, err
	}
	return c.join(x, nil, ts, d), c.join(nil, nx, nil, d), nil
}

// AtTime draws n points of the spatial interior at the fixed time t (for
// an initial condition, t = T0).
func (c SpaceTime) AtTime(t float64, n int, s UnitSampler, rng *rand.Rand) ([]float64, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	x, err := c.Space.Interior(n, s, rng)
	if err != nil {
		return nil, fmt.Errorf("sampling: space-time slice at t=%g: %w", t, err)
	}
	d := c.Space.Dim()
	out := make([]float64, 0, len(x)/d*(d+1))
	for i := 0; i < len(x)/d; i++ {
		out = append(append(out, x[i*d:(i+1)*d]...), t)
	}
	return out, nil
}

// Boundary implements Domain: the whole surface of the cylinder, the lateral
// part and the two time caps shared out by measure (lateral : cap : cap =
// (|dOmega|/|Omega|)(T1-T0) : 1 : 1), with normals (n_x, 0) on the side and
// -e_t, +e_t on the caps. A PINN's spatial boundary conditions want Lateral
// and its initial condition AtTime(T0). The space must be a Box or a Ball
// (or know its surface-to-volume ratio).
func (c SpaceTime) Boundary(n int, s UnitSampler, rng *rand.Rand) (pts, normals []float64, err error) {
	if err := c.Validate(); err != nil {
		return nil, nil, err
	}
	sv, ok := c.Space.(surfaceToVolumer)
	if !ok {
		return nil, nil, fmt.Errorf("sampling: space-time boundary: %T has no known boundary measure", c.Space)
	}
	if n < 0 {
		return nil, nil, fmt.Errorf("sampling: space-time boundary: negative point count %d", n)
	}
	counts := apportion([]float64{sv.surfaceToVolume() * (c.T1 - c.T0), 1, 1}, n, rng)
	pts, normals, err = c.Lateral(counts[0], s, rng)
	if err != nil {
		return nil, nil, err
	}
	d := c.Space.Dim()
	for k, t := range []float64{c.T0, c.T1} {
		x, err := c.AtTime(t, counts[k+1], s, rng)
		if err != nil {
			return nil, nil, err
		}
		pts = append(pts, x...)
		for i := 0; i < len(x)/(d+1); i++ {
			normals = append(normals, make([]float64, d)...)
			normals = append(normals, float64(2*k-1))
		}
	}
	return pts, normals, nil
}

// GaussianTime draws n points (x, t) of R^dim x [0, T] with t ~ U[0, T] and
// x | t ~ N(0, 2t I): the heat kernel's spread at time t, which is where the
// solution of a parabolic problem u_t = lap(u) + F started from data near 0
// varies. It is the residual sampler of the STDE paper's semilinear
// parabolic experiments (Shi et al., NeurIPS 2024, App. on Tables 7-9).
// Rows are (x_1, ..., x_dim, t). It panics on dim < 1, n < 0 or T <= 0.
func GaussianTime(dim int, T float64, n int, rng *rand.Rand) []float64 {
	if dim < 1 || n < 0 || !(T > 0) || math.IsInf(T, 0) {
		panic(fmt.Sprintf("sampling: GaussianTime(dim=%d, T=%g, n=%d): need dim >= 1, finite T > 0, n >= 0", dim, T, n))
	}
	x := make([]float64, n*(dim+1))
	for i := 0; i < n; i++ {
		row := x[i*(dim+1) : (i+1)*(dim+1)]
		t := T * rng.Float64()
		sd := math.Sqrt(2 * t)
		for k := 0; k < dim; k++ {
			row[k] = sd * rng.NormFloat64()
		}
		row[dim] = t
	}
	return x
}
