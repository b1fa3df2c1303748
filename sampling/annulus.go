package sampling

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Annulus is the closed 2-D ring Inner <= |x - Center| <= Outer, with
// 0 < Inner < Outer. Its boundary is two circles: the outer one with
// normals pointing away from the centre and the inner one (the edge of the
// hole) with normals pointing towards the centre, both outward of the ring.
type Annulus struct {
	Center       []float64
	Inner, Outer float64
}

var _ Domain = Annulus{}

// The circles of an annulus, as named by CirclePoints.
const (
	InnerCircle = 0
	OuterCircle = 1
)

// Dim implements Domain; an annulus is 2-D.
func (a Annulus) Dim() int { return 2 }

// Validate reports a centre that is not 2-D or radii that are not finite
// with 0 < Inner < Outer.
func (a Annulus) Validate() error {
	if len(a.Center) != 2 {
		return fmt.Errorf("sampling: annulus centre %v: need 2 coordinates", a.Center)
	}
	if !(a.Inner > 0 && a.Inner < a.Outer) || math.IsInf(a.Outer, 0) {
		return fmt.Errorf("sampling: annulus radii [%g, %g]: need finite 0 < inner < outer", a.Inner, a.Outer)
	}
	return nil
}

// Contains implements Domain.
func (a Annulus) Contains(x []float64, tol float64) bool {
	if len(x) != 2 || len(a.Center) != 2 {
		return false
	}
	dx, dy := x[0]-a.Center[0], x[1]-a.Center[1]
	r := math.Hypot(dx, dy)
	return r >= a.Inner-tol && r <= a.Outer+tol
}

// Bounds implements Domain.
func (a Annulus) Bounds() (lo, hi []float64) {
	return Disk(a.Center[0], a.Center[1], a.Outer).Bounds()
}

// Area is pi (Outer^2 - Inner^2).
func (a Annulus) Area() float64 { return math.Pi * (a.Outer*a.Outer - a.Inner*a.Inner) }

// BoundaryMeasure is the total length of the two circles, 2 pi (Inner + Outer).
func (a Annulus) BoundaryMeasure() float64 { return 2 * math.Pi * (a.Inner + a.Outer) }

// Interior implements Domain by inverting the radial CDF: the area within
// radius r is proportional to r^2 - Inner^2, so
//
//	r = sqrt(Inner^2 + u0 (Outer^2 - Inner^2)),  theta = 2 pi u1
//
// maps the unit square onto the ring preserving area (up to the constant
// factor), and a QMC sampler keeps its stratification in (r^2, theta).
func (a Annulus) Interior(n int, s UnitSampler, rng *rand.Rand) ([]float64, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	u, m, err := unitPoints(s, n, 2, rng)
	if err != nil {
		return nil, fmt.Errorf("sampling: annulus interior: %w", err)
	}
	return a.fromUnit(u, m), nil
}

// unitDim and fromUnit make the annulus a unitMapper, so SpaceTime draws
// one joint QMC set over the ring and time.
func (a Annulus) unitDim() int { return 2 }

func (a Annulus) fromUnit(u []float64, m int) []float64 {
	x := make([]float64, 2*m)
	r02, r12 := a.Inner*a.Inner, a.Outer*a.Outer
	for i := 0; i < m; i++ {
		r := math.Sqrt(r02 + u[2*i]*(r12-r02))
		// Rounding can put r a hair outside [Inner, Outer]; clamp so that
		// Contains(x, 0) holds to within the rounding of x itself.
		r = math.Min(math.Max(r, a.Inner), a.Outer)
		t := 2 * math.Pi * u[2*i+1]
		x[2*i] = a.Center[0] + r*math.Cos(t)
		x[2*i+1] = a.Center[1] + r*math.Sin(t)
	}
	return x
}

// surfaceToVolume is |boundary| / |area| = 2 / (Outer - Inner).
func (a Annulus) surfaceToVolume() float64 { return 2 / (a.Outer - a.Inner) }

// Boundary implements Domain: CirclePoints on both circles, so the points
// are shared out Inner : Outer by circumference.
func (a Annulus) Boundary(n int, s UnitSampler, rng *rand.Rand) (pts, normals []float64, err error) {
	pts, normals, _, err = a.CirclePoints([]int{InnerCircle, OuterCircle}, n, s, rng)
	return pts, normals, err
}

// CirclePoints draws n points on the listed circles (InnerCircle,
// OuterCircle), shared out by circumference (largest remainder, random
// tie-break), each uniform in angle with one unit coordinate from s. It
// returns the points, their outward unit normals ((x - c)/Outer on the outer
// circle, -(x - c)/Inner on the inner one, towards the centre) and, per
// point, the index into circles of the circle it lies on. Use it to impose
// different conditions on the two walls.
func (a Annulus) CirclePoints(circles []int, n int, s UnitSampler, rng *rand.Rand) (pts, normals []float64, circle []int, err error) {
	if err := a.Validate(); err != nil {
		return nil, nil, nil, err
	}
	if n < 0 {
		return nil, nil, nil, fmt.Errorf("sampling: annulus circles: negative point count %d", n)
	}
	if len(circles) == 0 {
		if n == 0 {
			return []float64{}, []float64{}, []int{}, nil
		}
		return nil, nil, nil, fmt.Errorf("sampling: annulus circles: %d points on no circles", n)
	}
	w := make([]float64, len(circles))
	seen := [2]bool{}
	for k, c := range circles {
		if c != InnerCircle && c != OuterCircle {
			return nil, nil, nil, fmt.Errorf("sampling: annulus circles: invalid circle %d (0 inner, 1 outer)", c)
		}
		if seen[c] {
			return nil, nil, nil, fmt.Errorf("sampling: annulus circles: circle %d listed twice", c)
		}
		seen[c] = true
		w[k] = a.radius(c)
	}
	counts := apportion(w, n, rng)
	pts = make([]float64, 0, 2*n)
	normals = make([]float64, 0, 2*n)
	circle = make([]int, 0, n)
	for k, c := range circles {
		if counts[k] == 0 {
			continue
		}
		u, m, err := unitPoints(s, counts[k], 1, rng)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("sampling: annulus circle %d: %w", c, err)
		}
		r, sign := a.radius(c), 1.0
		if c == InnerCircle {
			sign = -1
		}
		for i := 0; i < m; i++ {
			t := 2 * math.Pi * u[i]
			ct, st := math.Cos(t), math.Sin(t)
			pts = append(pts, a.Center[0]+r*ct, a.Center[1]+r*st)
			normals = append(normals, sign*ct, sign*st)
			circle = append(circle, k)
		}
	}
	return pts, normals, circle, nil
}

func (a Annulus) radius(c int) float64 {
	if c == InnerCircle {
		return a.Inner
	}
	return a.Outer
}
