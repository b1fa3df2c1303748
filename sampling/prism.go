package sampling

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Prism is a 3-D solid swept by a 2-D cross-section along a coordinate
// axis: the points whose two other coordinates, in cyclic order after Axis
// ((y, z) for x, (z, x) for y, (x, y) for z), lie in Section and whose Axis
// coordinate lies in [Lo, Hi]. A cylinder is a disk swept (Cylinder), a
// polygon extrusion a polygon swept (Extrusion); any 2-D shape with a
// known area and boundary measure works (Ball, Polygon, Annulus).
//
// It is sampled as a SpaceTime with the axis as time: the interior by the
// section's measure-preserving map and one more unit coordinate, the
// boundary shared between the side wall and the two end caps in proportion
// to their areas, with outward normals (along ±Axis on the caps).
type Prism struct {
	Section Domain
	Axis    int // 0, 1 or 2: x, y or z
	Lo, Hi  float64
}

var _ Domain = Prism{}

// Cylinder returns the solid circular cylinder of the given radius whose
// axis runs along coordinate axis through center, from center[axis] -
// height/2 to center[axis] + height/2.
func Cylinder(center [3]float64, radius, height float64, axis int) Prism {
	if axis < 0 || axis > 2 {
		return Prism{Axis: axis} // Validate reports it
	}
	return Prism{
		Section: Disk(center[(axis+1)%3], center[(axis+2)%3], radius),
		Axis:    axis,
		Lo:      center[axis] - height/2,
		Hi:      center[axis] + height/2,
	}
}

// Extrusion returns the polygon swept along axis from lo to hi; the
// polygon's coordinates are the two other axes in cyclic order.
func Extrusion(section Polygon, axis int, lo, hi float64) Prism {
	return Prism{Section: section, Axis: axis, Lo: lo, Hi: hi}
}

// Validate reports an axis other than 0, 1, 2, a section that is not a
// valid 2-D shape, or an empty or unbounded axial interval.
func (p Prism) Validate() error {
	if p.Axis < 0 || p.Axis > 2 {
		return fmt.Errorf("sampling: prism axis %d: want 0, 1 or 2 (x, y, z)", p.Axis)
	}
	if p.Section == nil || p.Section.Dim() != 2 {
		return fmt.Errorf("sampling: prism: the cross-section must be a 2-D shape")
	}
	if v, ok := p.Section.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			return fmt.Errorf("sampling: prism cross-section: %w", err)
		}
	}
	if !(p.Lo < p.Hi) || math.IsInf(p.Lo, 0) || math.IsInf(p.Hi, 0) {
		return fmt.Errorf("sampling: prism extent [%g, %g] along the axis: need finite lo < hi", p.Lo, p.Hi)
	}
	if _, err := sectionArea(p.Section); err != nil {
		return err
	}
	return nil
}

// sectionArea is the area of a 2-D cross-section.
func sectionArea(s Domain) (float64, error) {
	switch v := s.(type) {
	case Ball:
		return math.Pi * v.Radius * v.Radius, nil
	case interface{ Area() float64 }:
		return v.Area(), nil
	}
	return 0, fmt.Errorf("sampling: prism: the area of a %T cross-section is not known (use a disk, annulus or polygon)", s)
}

// Dim implements Domain: a prism is 3-D.
func (p Prism) Dim() int { return 3 }

func (p Prism) spaceTime() SpaceTime { return SpaceTime{Space: p.Section, T0: p.Lo, T1: p.Hi} }

// toLocal and toGlobal permute between world coordinates and (section,
// axis) coordinates.
func (p Prism) toLocal(x []float64) []float64 {
	return []float64{x[(p.Axis+1)%3], x[(p.Axis+2)%3], x[p.Axis]}
}

func (p Prism) toGlobal(local []float64) {
	for i := 0; i+3 <= len(local); i += 3 {
		a, b, c := local[i], local[i+1], local[i+2]
		local[i+(p.Axis+1)%3], local[i+(p.Axis+2)%3], local[i+p.Axis] = a, b, c
	}
}

// Contains implements Domain.
func (p Prism) Contains(x []float64, tol float64) bool {
	if len(x) != 3 || p.Section == nil {
		return false
	}
	return p.spaceTime().Contains(p.toLocal(x), tol)
}

// Bounds implements Domain.
func (p Prism) Bounds() (lo, hi []float64) {
	slo, shi := p.Section.Bounds()
	lo = []float64{slo[0], slo[1], p.Lo}
	hi = []float64{shi[0], shi[1], p.Hi}
	p.toGlobal(lo)
	p.toGlobal(hi)
	return lo, hi
}

// Volume is the section's area times the length.
func (p Prism) Volume() float64 {
	a, _ := sectionArea(p.Section)
	return a * (p.Hi - p.Lo)
}

// BoundaryMeasure is the wall area (section perimeter times length) plus
// the two caps.
func (p Prism) BoundaryMeasure() float64 {
	a, _ := sectionArea(p.Section)
	perim, _ := boundaryMeasure(p.Section)
	return perim*(p.Hi-p.Lo) + 2*a
}

func (p Prism) surfaceToVolume() float64 { return p.BoundaryMeasure() / p.Volume() }

// Interior implements Domain.
func (p Prism) Interior(n int, s UnitSampler, rng *rand.Rand) ([]float64, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	x, err := p.spaceTime().Interior(n, s, rng)
	if err != nil {
		return nil, fmt.Errorf("sampling: prism interior: %w", err)
	}
	p.toGlobal(x)
	return x, nil
}

// Boundary implements Domain: wall and caps by area, outward normals.
func (p Prism) Boundary(n int, s UnitSampler, rng *rand.Rand) (pts, normals []float64, err error) {
	if err := p.Validate(); err != nil {
		return nil, nil, err
	}
	pts, normals, err = p.spaceTime().Boundary(n, s, rng)
	if err != nil {
		return nil, nil, fmt.Errorf("sampling: prism boundary: %w", err)
	}
	p.toGlobal(pts)
	p.toGlobal(normals)
	return pts, normals, nil
}

// ExtrusionSurface tessellates the closed surface of a polygon swept along
// axis from lo to hi: the polygon's ear-clipping triangles as the two caps,
// two triangles per edge on the wall, every facet oriented outward and
// every vertex shared exactly, so NewMesh accepts it. It is how generated
// STL parts (configs/data/bracket) are made, and a check of Mesh against
// Extrusion.
func ExtrusionSurface(section Polygon, axis int, lo, hi float64) []Triangle {
	e := Extrusion(section, axis, lo, hi)
	at := func(q [2]float64, h float64) [3]float64 {
		l := []float64{q[0], q[1], h}
		e.toGlobal(l)
		return [3]float64{l[0], l[1], l[2]}
	}
	var out []Triangle
	for _, t := range section.Triangles() { // counter-clockwise in the section
		out = append(out,
			Triangle{at(t[0], hi), at(t[1], hi), at(t[2], hi)}, // normal +axis
			Triangle{at(t[0], lo), at(t[2], lo), at(t[1], lo)}) // normal -axis
	}
	v := section.Vertices()
	if section.Clockwise() {
		for i, j := 0, len(v)-1; i < j; i, j = i+1, j-1 {
			v[i], v[j] = v[j], v[i]
		}
	}
	for i := range v {
		a, b := v[i], v[(i+1)%len(v)] // counter-clockwise: outward is to the right
		out = append(out,
			Triangle{at(a, lo), at(b, lo), at(b, hi)},
			Triangle{at(a, lo), at(b, hi), at(a, hi)})
	}
	return out
}
