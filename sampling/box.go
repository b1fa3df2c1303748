package sampling

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Box is the axis-aligned box [Lo[0],Hi[0]] x ... x [Lo[d-1],Hi[d-1]] in any
// dimension d = len(Lo); a 1-D box is an interval. A time axis is just one
// more axis: exclude it from the spatial boundary with Faces(timeAxis).
type Box struct{ Lo, Hi []float64 }

// Interval returns the 1-D box [lo, hi].
func Interval(lo, hi float64) Box { return Box{Lo: []float64{lo}, Hi: []float64{hi}} }

// Cube returns the box [lo, hi]^dim.
func Cube(dim int, lo, hi float64) Box {
	b := Box{Lo: make([]float64, dim), Hi: make([]float64, dim)}
	for i := range b.Lo {
		b.Lo[i], b.Hi[i] = lo, hi
	}
	return b
}

// Dim implements Domain.
func (b Box) Dim() int { return len(b.Lo) }

// Validate reports a malformed box: mismatched or empty bounds, or an axis
// with Lo >= Hi or a non-finite end.
func (b Box) Validate() error {
	if len(b.Lo) == 0 || len(b.Lo) != len(b.Hi) {
		return fmt.Errorf("sampling: box with %d lower and %d upper bounds", len(b.Lo), len(b.Hi))
	}
	for i := range b.Lo {
		if !(b.Lo[i] < b.Hi[i]) || math.IsInf(b.Lo[i], 0) || math.IsInf(b.Hi[i], 0) {
			return fmt.Errorf("sampling: box axis %d: need finite lo < hi, have [%g, %g]", i, b.Lo[i], b.Hi[i])
		}
	}
	return nil
}

// Contains implements Domain; a point of the wrong length is not contained.
func (b Box) Contains(x []float64, tol float64) bool {
	if len(x) != len(b.Lo) {
		return false
	}
	for i, v := range x {
		if !(v >= b.Lo[i]-tol && v <= b.Hi[i]+tol) {
			return false
		}
	}
	return true
}

// Bounds implements Domain.
func (b Box) Bounds() (lo, hi []float64) {
	return append([]float64(nil), b.Lo...), append([]float64(nil), b.Hi...)
}

// Volume is the d-dimensional measure of the box.
func (b Box) Volume() float64 {
	v := 1.0
	for i := range b.Lo {
		v *= b.Hi[i] - b.Lo[i]
	}
	return v
}

// Interior implements Domain by the affine map of the unit cube onto the box.
func (b Box) Interior(n int, s UnitSampler, rng *rand.Rand) ([]float64, error) {
	if err := b.Validate(); err != nil {
		return nil, err
	}
	u, m, err := unitPoints(s, n, b.unitDim(), rng)
	if err != nil {
		return nil, fmt.Errorf("sampling: box interior: %w", err)
	}
	return b.fromUnit(u, m), nil
}

func (b Box) unitDim() int { return b.Dim() }

// fromUnit maps m unit points onto the box, in place.
func (b Box) fromUnit(u []float64, m int) []float64 {
	d := b.Dim()
	for i := 0; i < m; i++ {
		for j := 0; j < d; j++ {
			u[i*d+j] = b.Lo[j] + u[i*d+j]*(b.Hi[j]-b.Lo[j])
		}
	}
	return u
}

// surfaceToVolume is |boundary| / |box| = sum over axes of 2/(Hi-Lo).
func (b Box) surfaceToVolume() float64 {
	s := 0.0
	for i := range b.Lo {
		s += 2 / (b.Hi[i] - b.Lo[i])
	}
	return s
}

// Boundary implements Domain: FacePoints over all faces.
func (b Box) Boundary(n int, s UnitSampler, rng *rand.Rand) (pts, normals []float64, err error) {
	pts, normals, _, err = b.FacePoints(b.Faces(), n, s, rng)
	return pts, normals, err
}

// A Face of a box is the side where coordinate Axis is at its low end
// (Side = -1) or its high end (Side = +1). Its outward normal is Side * e_Axis.
type Face struct{ Axis, Side int }

// Faces lists the faces of the box, two per axis in axis order (low end
// first), omitting the axes listed in exclude, e.g. the time axis when only
// the spatial boundary is wanted.
func (b Box) Faces(exclude ...int) []Face {
	var fs []Face
axes:
	for a := range b.Lo {
		for _, e := range exclude {
			if a == e {
				continue axes
			}
		}
		fs = append(fs, Face{Axis: a, Side: -1}, Face{Axis: a, Side: +1})
	}
	return fs
}

// faceMeasure is the (d-1)-volume of a face; the faces of a 1-D box are
// points and count 1 each.
func (b Box) faceMeasure(f Face) float64 {
	m := 1.0
	for i := range b.Lo {
		if i != f.Axis {
			m *= b.Hi[i] - b.Lo[i]
		}
	}
	return m
}

// FacePoints draws n points on the union of faces, shared out by face
// measure (in any dimension) (largest remainder, random tie-break), each face's free
// coordinates drawn with s. It returns the points, their outward normals
// (Side * e_Axis) and, per point, the index into faces of the face it lies on.
// A face point has its fixed coordinate exactly at Lo or Hi. With the grid
// sampler the count can differ from n (len(face) is the count).
func (b Box) FacePoints(faces []Face, n int, s UnitSampler, rng *rand.Rand) (pts, normals []float64, face []int, err error) {
	if err := b.Validate(); err != nil {
		return nil, nil, nil, err
	}
	if n < 0 {
		return nil, nil, nil, fmt.Errorf("sampling: box faces: negative point count %d", n)
	}
	if len(faces) == 0 {
		if n == 0 {
			return []float64{}, []float64{}, []int{}, nil
		}
		return nil, nil, nil, fmt.Errorf("sampling: box faces: %d points on no faces", n)
	}
	d := b.Dim()
	seen := make(map[Face]bool, len(faces))
	w := make([]float64, len(faces))
	for k, f := range faces {
		if f.Axis < 0 || f.Axis >= d || (f.Side != -1 && f.Side != 1) {
			return nil, nil, nil, fmt.Errorf("sampling: box faces: invalid face %+v of a %d-D box", f, d)
		}
		if seen[f] {
			return nil, nil, nil, fmt.Errorf("sampling: box faces: face %+v listed twice", f)
		}
		seen[f] = true
		// the face's measure relative to the box's volume, 1/(Hi - Lo) on
		// its axis: the measure itself, (Hi - Lo)^(d-1) on a cube,
		// overflows beyond a few hundred dimensions
		w[k] = 1 / (b.Hi[f.Axis] - b.Lo[f.Axis])
	}
	counts := apportion(w, n, rng)
	pts = make([]float64, 0, n*d)
	normals = make([]float64, 0, n*d)
	face = make([]int, 0, n)
	for k, f := range faces {
		if counts[k] == 0 {
			continue
		}
		u, m, err := unitPoints(s, counts[k], d-1, rng)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("sampling: box face %+v: %w", f, err)
		}
		fixed := b.Lo[f.Axis]
		if f.Side > 0 {
			fixed = b.Hi[f.Axis]
		}
		for i := 0; i < m; i++ {
			c := 0
			for j := 0; j < d; j++ {
				if j == f.Axis {
					pts = append(pts, fixed)
					normals = append(normals, float64(f.Side))
					continue
				}
				pts = append(pts, b.Lo[j]+u[i*(d-1)+c]*(b.Hi[j]-b.Lo[j]))
				normals = append(normals, 0)
				c++
			}
			face = append(face, k)
		}
	}
	return pts, normals, face, nil
}
