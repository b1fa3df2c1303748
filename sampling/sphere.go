package sampling

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// ErrNoBoundary is returned (wrapped) by Boundary for a positive point count
// on a domain without boundary, such as a Sphere.
var ErrNoBoundary = errors.New("domain has no boundary")

// Sphere is the surface |x - Center| = Radius in dimension len(Center), as a
// domain of its own: a closed manifold, e.g. for a PDE posed on the sphere
// with the Laplace–Beltrami operator. Its "interior" points are points on
// the surface, and it has no boundary. The 1-D sphere is the two points
// Center ± Radius. For the solid ball use Ball.
type Sphere struct {
	Center []float64
	Radius float64
}

var _ Domain = Sphere{}

// CenteredSphere returns the sphere of the given radius about the origin of
// R^dim.
func CenteredSphere(dim int, radius float64) Sphere {
	return Sphere{Center: make([]float64, dim), Radius: radius}
}

// Dim implements Domain: the ambient dimension (the surface has Dim()-1).
func (s Sphere) Dim() int { return len(s.Center) }

// Validate reports an empty centre or a radius that is not finite and > 0.
func (s Sphere) Validate() error {
	if len(s.Center) == 0 {
		return fmt.Errorf("sampling: sphere with empty centre")
	}
	if !(s.Radius > 0) || math.IsInf(s.Radius, 0) {
		return fmt.Errorf("sampling: sphere radius %g: need finite > 0", s.Radius)
	}
	return nil
}

// Contains implements Domain: ||x - c| - R| <= tol. The surface has no
// volume, so with tol = 0 almost no computed point is contained; pass a
// tolerance of a few ulps of R (1e-12 R) to test sampled points.
func (s Sphere) Contains(x []float64, tol float64) bool {
	if len(x) != len(s.Center) {
		return false
	}
	r := 0.0
	for i, v := range x {
		d := v - s.Center[i]
		r += d * d
	}
	return math.Abs(math.Sqrt(r)-s.Radius) <= tol
}

// Bounds implements Domain.
func (s Sphere) Bounds() (lo, hi []float64) {
	return Ball{Center: s.Center, Radius: s.Radius}.Bounds()
}

// Area is the (d-1)-dimensional measure of the sphere, 2 pi^(d/2) / Gamma(d/2)
// R^(d-1); the 0-sphere (d = 1) counts its two points.
func (s Sphere) Area() float64 { return sphereArea(s.Dim(), s.Radius) }

// sphereArea is the surface measure of the sphere of radius r in R^d,
// computed through logarithms so that high dimensions neither over- nor
// underflow before the final exponent.
func sphereArea(d int, r float64) float64 {
	if d == 1 {
		return 2
	}
	hd := float64(d) / 2
	lg, _ := math.Lgamma(hd)
	return math.Exp(math.Log(2) + hd*math.Log(math.Pi) - lg + float64(d-1)*math.Log(r))
}

// Interior implements Domain: n points uniform on the surface (there is no
// other interior). Directions come from sphereDir, the map Ball.Boundary
// uses: the exact area-preserving parametrisations in 2-D (angle) and 3-D
// (Archimedes' z = 1 - 2u), which keep a QMC sampler's stratification, and
// in higher dimension a normalised Gaussian vector z_k = Phi^-1(u_k)
// (Muller, CACM 2, 1959), uniform by the rotation invariance of N(0, I).
// The normal at a point x is (x - c)/R.
func (s Sphere) Interior(n int, us UnitSampler, rng *rand.Rand) ([]float64, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	u, m, err := unitPoints(us, n, s.unitDim(), rng)
	if err != nil {
		return nil, fmt.Errorf("sampling: sphere points: %w", err)
	}
	return s.fromUnit(u, m), nil
}

// unitDim and fromUnit make a Sphere a unitMapper, so SpaceTime draws one
// joint QMC set over the surface and time.
func (s Sphere) unitDim() int { return sphereUnitDim(s.Dim()) }

func (s Sphere) fromUnit(u []float64, m int) []float64 {
	d, ud := s.Dim(), s.unitDim()
	x := make([]float64, m*d)
	for i := 0; i < m; i++ {
		row := x[i*d : (i+1)*d]
		sphereDir(u[i*ud:(i+1)*ud], d, row)
		for k := range row {
			row[k] = s.Center[k] + s.Radius*row[k]
		}
	}
	return x
}

// surfaceToVolume is 0: the boundary of a closed manifold is empty, so a
// SpaceTime over a sphere has only its two time caps as boundary.
func (s Sphere) surfaceToVolume() float64 { return 0 }

// Boundary implements Domain. A sphere is a closed manifold and has no
// boundary: n = 0 gives empty slices, any n > 0 an error wrapping
// ErrNoBoundary, so a spec that puts a boundary condition on a sphere fails
// loudly instead of silently training without it.
func (s Sphere) Boundary(n int, _ UnitSampler, _ *rand.Rand) (pts, normals []float64, err error) {
	if err := s.Validate(); err != nil {
		return nil, nil, err
	}
	if n < 0 {
		return nil, nil, fmt.Errorf("sampling: sphere boundary: negative point count %d", n)
	}
	if n > 0 {
		return nil, nil, fmt.Errorf("sampling: sphere boundary (%d points): %w", n, ErrNoBoundary)
	}
	return []float64{}, []float64{}, nil
}

// Normals returns the outward unit normals (x - c)/|x - c| of points x on
// (or near) the sphere, e.g. to build the tangent projection of a
// surface PDE.
func (s Sphere) Normals(x []float64) []float64 {
	d := s.Dim()
	out := make([]float64, len(x))
	for i := 0; i < len(x)/d; i++ {
		r := 0.0
		for k := 0; k < d; k++ {
			out[i*d+k] = x[i*d+k] - s.Center[k]
			r += out[i*d+k] * out[i*d+k]
		}
		if r == 0 {
			continue
		}
		inv := 1 / math.Sqrt(r)
		for k := 0; k < d; k++ {
			out[i*d+k] *= inv
		}
	}
	return out
}
