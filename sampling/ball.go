package sampling

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Ball is the closed Euclidean ball |x - Center| <= Radius in dimension
// len(Center). A disk is the 2-D ball (see Disk); a 1-D ball is an interval.
type Ball struct {
	Center []float64
	Radius float64
}

// Disk returns the 2-D ball with centre (cx, cy).
func Disk(cx, cy, radius float64) Ball {
	return Ball{Center: []float64{cx, cy}, Radius: radius}
}

// CenteredBall returns the ball of the given radius about the origin of R^dim.
func CenteredBall(dim int, radius float64) Ball {
	return Ball{Center: make([]float64, dim), Radius: radius}
}

// Dim implements Domain.
func (b Ball) Dim() int { return len(b.Center) }

// Validate reports an empty centre or a radius that is not finite and > 0.
func (b Ball) Validate() error {
	if len(b.Center) == 0 {
		return fmt.Errorf("sampling: ball with empty centre")
	}
	if !(b.Radius > 0) || math.IsInf(b.Radius, 0) {
		return fmt.Errorf("sampling: ball radius %g: need finite > 0", b.Radius)
	}
	return nil
}

// Contains implements Domain.
func (b Ball) Contains(x []float64, tol float64) bool {
	if len(x) != len(b.Center) {
		return false
	}
	s := 0.0
	for i, v := range x {
		d := v - b.Center[i]
		s += d * d
	}
	r := b.Radius + tol
	return r >= 0 && s <= r*r
}

// Bounds implements Domain.
func (b Ball) Bounds() (lo, hi []float64) {
	lo = make([]float64, len(b.Center))
	hi = make([]float64, len(b.Center))
	for i, c := range b.Center {
		lo[i], hi[i] = c-b.Radius, c+b.Radius
	}
	return lo, hi
}

// sphereUnitDim is the number of unit-cube coordinates sphereDir consumes
// for a direction in R^d (d >= 2).
func sphereUnitDim(d int) int {
	switch d {
	case 2:
		return 1
	case 3:
		return 2
	}
	return d
}

// sphereDir maps unit-cube coordinates u (sphereUnitDim(d) of them) to a unit
// vector in R^d, uniformly distributed when u is. In 2-D and 3-D the maps are
// exact area-preserving parametrisations (angle; Archimedes' z = 1 - 2u),
// which keep a QMC sampler's stratification on the circle or sphere. In
// higher dimension it normalises a Gaussian vector z_k = Phi^-1(u_k) (Muller,
// "A note on a method for generating points uniformly on n-dimensional
// spheres", CACM 2, 1959).
func sphereDir(u []float64, d int, out []float64) {
	switch d {
	case 2:
		t := 2 * math.Pi * u[0]
		out[0], out[1] = math.Cos(t), math.Sin(t)
		return
	case 3:
		z := 1 - 2*u[0]
		rho := math.Sqrt(math.Max(0, 1-z*z))
		p := 2 * math.Pi * u[1]
		out[0], out[1], out[2] = rho*math.Cos(p), rho*math.Sin(p), z
		return
	}
	s := 0.0
	for k := 0; k < d; k++ {
		z := normalQuantile(u[k])
		out[k] = z
		s += z * z
	}
	if s == 0 {
		// Only when every u_k is exactly 1/2 (a grid centre): any direction is
		// as good as another.
		out[0] = 1
		return
	}
	inv := 1 / math.Sqrt(s)
	for k := 0; k < d; k++ {
		out[k] *= inv
	}
}

// normalQuantile is the standard normal inverse CDF, with u clamped away
// from 0 and 1 so a unit sampler's exact 0 maps to a finite value.
func normalQuantile(u float64) float64 {
	u = math.Min(math.Max(u, 0x1p-60), 1-0x1p-53)
	return -math.Sqrt2 * math.Erfcinv(2*u)
}

// BallRadialSampler is the spec sampler "ball-radial": in a ball (Interior)
// the STDE papers' points with a uniform radius and a uniform direction
// (BallRadial), denser near the centre than uniform; elsewhere (a box, the
// time coordinate) it draws uniform unit points.
type BallRadialSampler struct{}

// Name implements UnitSampler.
func (BallRadialSampler) Name() string { return "ball-radial" }

// Unit implements UnitSampler: uniform points.
func (BallRadialSampler) Unit(n, dim int, rng *rand.Rand) ([]float64, error) {
	return Uniform{}.Unit(n, dim, rng)
}

// Interior implements Domain. The unit-cube map is measure preserving:
// radius R u_0^(1/d) times a direction from sphereDir, so the ball uses
// d unit coordinates in 2-D and 3-D and d+1 above (a Sobol sampler then
// needs d+1 <= SobolMaxDim). A 1-D ball maps the interval affinely. This
// samples uniformly in the ball; for the STDE papers' uniform-radius
// sampler use BallRadial.
func (b Ball) Interior(n int, s UnitSampler, rng *rand.Rand) ([]float64, error) {
	if err := b.Validate(); err != nil {
		return nil, err
	}
	if _, ok := s.(BallRadialSampler); ok {
		if n < 0 {
			return nil, fmt.Errorf("sampling: ball interior: negative point count %d", n)
		}
		return BallRadial(b, n, rng), nil
	}
	u, m, err := unitPoints(s, n, b.unitDim(), rng)
	if err != nil {
		return nil, fmt.Errorf("sampling: ball interior: %w", err)
	}
	return b.fromUnit(u, m), nil
}

func (b Ball) unitDim() int {
	if b.Dim() == 1 {
		return 1
	}
	return 1 + sphereUnitDim(b.Dim())
}

// surfaceToVolume is |sphere| / |ball| = d / R, computed without the
// volumes themselves, which under- or overflow in high dimension.
func (b Ball) surfaceToVolume() float64 { return float64(b.Dim()) / b.Radius }

// fromUnit maps m unit points (unitDim coordinates each) into the ball.
func (b Ball) fromUnit(u []float64, m int) []float64 {
	d, ud := b.Dim(), b.unitDim()
	x := make([]float64, m*d)
	for i := 0; i < m; i++ {
		row, ui := x[i*d:(i+1)*d], u[i*ud:(i+1)*ud]
		if d == 1 {
			row[0] = b.Center[0] + b.Radius*(2*ui[0]-1)
			continue
		}
		sphereDir(ui[1:], d, row)
		r := b.Radius * math.Pow(ui[0], 1/float64(d))
		for k := range row {
			row[k] = b.Center[k] + r*row[k]
		}
	}
	return x
}

// Boundary implements Domain: points uniform on the sphere |x - c| = R
// (sphereDir), with normals (x - c)/R. In 1-D the boundary is two points,
// which share n equally (ties broken at random).
func (b Ball) Boundary(n int, s UnitSampler, rng *rand.Rand) (pts, normals []float64, err error) {
	if err := b.Validate(); err != nil {
		return nil, nil, err
	}
	if n < 0 {
		return nil, nil, fmt.Errorf("sampling: ball boundary: negative point count %d", n)
	}
	d := b.Dim()
	if d == 1 {
		iv := Interval(b.Center[0]-b.Radius, b.Center[0]+b.Radius)
		pts, normals, _, err = iv.FacePoints(iv.Faces(), n, s, rng)
		return pts, normals, err
	}
	ud := sphereUnitDim(d)
	u, m, err := unitPoints(s, n, ud, rng)
	if err != nil {
		return nil, nil, fmt.Errorf("sampling: ball boundary: %w", err)
	}
	pts = make([]float64, m*d)
	normals = make([]float64, m*d)
	for i := 0; i < m; i++ {
		nv := normals[i*d : (i+1)*d]
		sphereDir(u[i*ud:(i+1)*ud], d, nv)
		for k, v := range nv {
			pts[i*d+k] = b.Center[k] + b.Radius*v
		}
	}
	return pts, normals, nil
}

// BallRadial draws n points x = c + R r z/|z| with z ~ N(0, I_d) and
// r ~ U(0,1): a uniform direction at a uniform radius. This is the sampler of
// the STDE and SDGD papers (Shi et al., NeurIPS 2024, training and test
// points), and it is deliberately NOT uniform in the ball: it puts as much
// mass near the centre as near the boundary (density ∝ |x|^(1-d)). It panics
// on an invalid ball or n < 0, like a slice index out of range.
func BallRadial(b Ball, n int, rng *rand.Rand) []float64 {
	if err := b.Validate(); err != nil {
		panic(err)
	}
	if n < 0 {
		panic(fmt.Sprintf("sampling: BallRadial: negative point count %d", n))
	}
	d := b.Dim()
	x := make([]float64, n*d)
	for i := 0; i < n; i++ {
		row := x[i*d : (i+1)*d]
		s := 0.0
		for s == 0 { // redraw the measure-zero event z = 0
			for k := range row {
				z := rng.NormFloat64()
				row[k] = z
				s += z * z
			}
		}
		f := b.Radius * rng.Float64() / math.Sqrt(s)
		for k := range row {
			row[k] = b.Center[k] + f*row[k]
		}
	}
	return x
}
