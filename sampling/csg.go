package sampling

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Union is the set union of Parts, all of one dimension.
//
// Union, Intersection and Difference combine domains of one dimension: they
// are built for 2-D shapes (Disk, 2-D Box, Polygon, Annulus and nested CSG
// nodes), and the same code runs in any dimension, with rejection growing
// costlier as the shape fills less of its bounding box. The parts are used
// as given, so keep them unchanged while the CSG value is in use.
//
// Interior points come by rejection from the node's bounding box:
// unit-cube points from the sampler are mapped affinely onto the box and
// those the node Contains are kept, in the sampler's order, until there are
// n; further batches are drawn as needed. Rejection loses the QMC structure
// in part: the accepted points of a randomised QMC set are still evenly
// spread over the shape, but their count is random and the set is cut to n
// and topped up from fresh batches, so the error bound of the QMC set no
// longer holds. A lattice sampler (one that returns a count of its own,
// like grid) gets one lattice sized so that about n points land inside,
// and all of those are returned. Sampling fails when fewer than one in 1000
// candidates is accepted once 4096 have been drawn (an empty or nearly
// empty set).
//
// Boundary points come from the boundaries of the leaves (the non-CSG
// domains in the tree), each drawn with the leaf's own Boundary in
// proportion to its boundary measure, so the pool is uniform in arc length
// over all leaf boundaries. A leaf point x with outward normal v is kept when
// the node's indicator jumps across it: the node contains x - h v but not
// x + h v (outward normal v), or x + h v but not x - h v (outward normal -v,
// e.g. the edge of a hole), with h = 1e-9 times the size of the bounding
// box. That is the rule for each operation — for a union, a part's
// boundary not strictly inside another part; for A \ B, A's boundary outside
// B and B's boundary inside A with flipped normals; for an intersection,
// each part's boundary inside the others — applied at any nesting depth, and
// it drops boundary pieces shared by two parts (a seam inside a union).
// Leaves are oversampled until n points are kept; a surplus is trimmed to
// exactly n by a uniformly random subset drawn from rng (kept in draw
// order). Boundary pieces where two leaves coincide with the same outward
// side (two parts of a union sharing an outer edge) are sampled twice as
// densely. A leaf must be a Box, a Ball or implement BoundaryMeasurer.
type Union struct{ Parts []Domain }

// Intersection is the set intersection of Parts, all of one dimension,
// sampled as described at Union.
type Intersection struct{ Parts []Domain }

// Difference is A \ B, closed: the points of A not in the interior of B
// (B's boundary inside A becomes the boundary of the hole), sampled as
// described at Union. For several holes, make B a Union.
type Difference struct{ A, B Domain }

var (
	_ Domain = Union{}
	_ Domain = Intersection{}
	_ Domain = Difference{}
)

// BoundaryMeasurer is implemented by domains that know the measure of their
// boundary (its length in 2-D, area in 3-D): Polygon and Annulus do, and a
// user-defined domain must, to be a leaf of a CSG shape. Box and Ball are
// known without it.
type BoundaryMeasurer interface{ BoundaryMeasure() float64 }

// minAcceptance is the smallest fraction of candidates rejection sampling
// accepts before declaring a CSG set (nearly) empty, checked once
// minRejectDraws candidates have been drawn.
const (
	minAcceptance  = 1e-3
	minRejectDraws = 4096
)

// csgNode is implemented by the CSG types; leaves are everything else.
type csgNode interface {
	Domain
	csgParts() []Domain
}

func (u Union) csgParts() []Domain        { return u.Parts }
func (s Intersection) csgParts() []Domain { return s.Parts }
func (d Difference) csgParts() []Domain   { return []Domain{d.A, d.B} }

// validateParts checks that parts is non-empty, non-nil and of one
// dimension, and validates each part that can validate itself.
func validateParts(op string, parts []Domain) error {
	if len(parts) == 0 {
		return fmt.Errorf("sampling: %s of no domains", op)
	}
	dim := -1
	for i, p := range parts {
		if p == nil {
			return fmt.Errorf("sampling: %s part %d is nil", op, i)
		}
		if v, ok := p.(interface{ Validate() error }); ok {
			if err := v.Validate(); err != nil {
				return fmt.Errorf("sampling: %s part %d: %w", op, i, err)
			}
		}
		if dim >= 0 && p.Dim() != dim {
			return fmt.Errorf("sampling: %s of domains of dimensions %d and %d", op, dim, p.Dim())
		}
		dim = p.Dim()
	}
	if dim < 1 {
		return fmt.Errorf("sampling: %s of %d-dimensional domains", op, dim)
	}
	return nil
}

// Validate reports an empty union, nil parts, mixed dimensions, or an
// invalid part.
func (u Union) Validate() error { return validateParts("union", u.Parts) }

// Validate reports an empty intersection, nil parts, mixed dimensions, or
// an invalid part.
func (s Intersection) Validate() error { return validateParts("intersection", s.Parts) }

// Validate reports a nil operand, mixed dimensions, or an invalid operand.
func (d Difference) Validate() error { return validateParts("difference", []Domain{d.A, d.B}) }

// Dim implements Domain.
func (u Union) Dim() int { return partsDim(u.Parts) }

// Dim implements Domain.
func (s Intersection) Dim() int { return partsDim(s.Parts) }

// Dim implements Domain.
func (d Difference) Dim() int {
	if d.A == nil {
		return 0
	}
	return d.A.Dim()
}

func partsDim(parts []Domain) int {
	if len(parts) == 0 || parts[0] == nil {
		return 0
	}
	return parts[0].Dim()
}

// Contains implements Domain: some part contains x (within tol).
func (u Union) Contains(x []float64, tol float64) bool {
	for _, p := range u.Parts {
		if p.Contains(x, tol) {
			return true
		}
	}
	return false
}

// Contains implements Domain: every part contains x (within tol).
func (s Intersection) Contains(x []float64, tol float64) bool {
	if len(s.Parts) == 0 {
		return false
	}
	for _, p := range s.Parts {
		if !p.Contains(x, tol) {
			return false
		}
	}
	return true
}

// Contains implements Domain: A.Contains(x, tol) and not B.Contains(x,
// -tol), i.e. x is within tol of A and not more than tol inside B. It relies
// on B shrinking for a negative tol, as Box, Ball, Annulus, Polygon and the
// CSG types do. With tol = 0 the edge of the hole itself is not contained;
// pass a small tol (1e-12) to accept sampled boundary points.
func (d Difference) Contains(x []float64, tol float64) bool {
	return d.A.Contains(x, tol) && !d.B.Contains(x, -tol)
}

// Bounds implements Domain: the box around all parts' boxes.
func (u Union) Bounds() (lo, hi []float64) {
	for i, p := range u.Parts {
		l, h := p.Bounds()
		if i == 0 {
			lo, hi = l, h
			continue
		}
		for k := range lo {
			lo[k], hi[k] = math.Min(lo[k], l[k]), math.Max(hi[k], h[k])
		}
	}
	return lo, hi
}

// Bounds implements Domain: the common part of the parts' boxes, which
// has lo > hi on some axis when they are disjoint.
func (s Intersection) Bounds() (lo, hi []float64) {
	for i, p := range s.Parts {
		l, h := p.Bounds()
		if i == 0 {
			lo, hi = l, h
			continue
		}
		for k := range lo {
			lo[k], hi[k] = math.Max(lo[k], l[k]), math.Min(hi[k], h[k])
		}
	}
	return lo, hi
}

// Bounds implements Domain: A's box.
func (d Difference) Bounds() (lo, hi []float64) { return d.A.Bounds() }

// Interior implements Domain by rejection from the bounding box (see Union).
func (u Union) Interior(n int, s UnitSampler, rng *rand.Rand) ([]float64, error) {
	return csgInterior(u, n, s, rng)
}

// Interior implements Domain by rejection from the bounding box (see Union).
func (s Intersection) Interior(n int, us UnitSampler, rng *rand.Rand) ([]float64, error) {
	return csgInterior(s, n, us, rng)
}

// Interior implements Domain by rejection from A's bounding box (see Union).
func (d Difference) Interior(n int, s UnitSampler, rng *rand.Rand) ([]float64, error) {
	return csgInterior(d, n, s, rng)
}

// Boundary implements Domain: leaf boundaries filtered by the union rule
// (see Union).
func (u Union) Boundary(n int, s UnitSampler, rng *rand.Rand) (pts, normals []float64, err error) {
	return csgBoundary(u, nil, n, s, rng)
}

// Boundary implements Domain: leaf boundaries filtered by the intersection
// rule (see Union).
func (s Intersection) Boundary(n int, us UnitSampler, rng *rand.Rand) (pts, normals []float64, err error) {
	return csgBoundary(s, nil, n, us, rng)
}

// Boundary implements Domain: A's boundary outside B, and B's boundary
// inside A with normals flipped to point into the hole (see Union).
func (d Difference) Boundary(n int, s UnitSampler, rng *rand.Rand) (pts, normals []float64, err error) {
	return csgBoundary(d, nil, n, s, rng)
}

// csgBox validates the node and returns its bounding box, which must be
// finite and non-empty.
func csgBox(d csgNode) (Box, error) {
	if err := d.(interface{ Validate() error }).Validate(); err != nil {
		return Box{}, err
	}
	lo, hi := d.Bounds()
	b := Box{Lo: lo, Hi: hi}
	if err := b.Validate(); err != nil {
		return Box{}, fmt.Errorf("sampling: %s: empty or unbounded bounding box: %w", opName(d), err)
	}
	return b, nil
}

func opName(d csgNode) string {
	switch d.(type) {
	case Union, *Union:
		return "union"
	case Intersection, *Intersection:
		return "intersection"
	}
	return "difference"
}

// csgInterior draws n points of d by rejection from its bounding box.
func csgInterior(d csgNode, n int, s UnitSampler, rng *rand.Rand) ([]float64, error) {
	box, err := csgBox(d)
	if err != nil {
		return nil, err
	}
	return rejectionInterior(opName(d), d, box, n, s, rng)
}

// rejectionInterior draws n points of d (named name in messages) by
// rejection from box, which holds d (see Union for the rules).
func rejectionInterior(name string, d Domain, box Box, n int, s UnitSampler, rng *rand.Rand) ([]float64, error) {
	if n < 0 {
		return nil, fmt.Errorf("sampling: %s interior: negative point count %d", name, n)
	}
	dim := box.Dim()
	out := make([]float64, 0, n*dim)
	drawn, acc := 0, 0
	for acc < n {
		m := n - acc + 16
		if acc > 0 {
			m = int(math.Ceil(float64(n-acc)*float64(drawn)/float64(acc)*1.1)) + 16
		}
		m = min(m, 4*drawn+n+16)
		u, got, err := unitPoints(s, m, dim, rng)
		if err != nil {
			return nil, fmt.Errorf("sampling: %s interior: %w", name, err)
		}
		x := box.fromUnit(u, got)
		if got != m {
			return latticeInterior(name, d, box, x, got, n, s, rng)
		}
		for i := 0; i < got && acc < n; i++ {
			if p := x[i*dim : (i+1)*dim]; d.Contains(p, 0) {
				out = append(out, p...)
				acc++
			}
		}
		drawn += got
		if drawn >= minRejectDraws && float64(acc) < minAcceptance*float64(drawn) {
			return nil, fmt.Errorf("sampling: %s interior: %d of %d candidates from the bounding box accepted; the set is empty or nearly so", name, acc, drawn)
		}
	}
	return out, nil
}

// latticeInterior handles a sampler that chose its own count (grid): it
// estimates the accepted fraction from the first lattice x (got points),
// draws one lattice sized to put about n points inside, and returns all of
// them.
func latticeInterior(name string, d Domain, box Box, x []float64, got, n int, s UnitSampler, rng *rand.Rand) ([]float64, error) {
	dim := box.Dim()
	inside := func(x []float64, m int) []float64 {
		var out []float64
		for i := 0; i < m; i++ {
			if p := x[i*dim : (i+1)*dim]; d.Contains(p, 0) {
				out = append(out, p...)
			}
		}
		return out
	}
	in := inside(x, got)
	frac := float64(len(in)/dim) / float64(got)
	if frac < minAcceptance || got == 0 {
		return nil, fmt.Errorf("sampling: %s interior: %d of %d lattice points accepted; the set is empty or nearly so (or the lattice too coarse)", name, len(in)/dim, got)
	}
	u, m, err := unitPoints(s, int(math.Ceil(float64(n)/frac)), dim, rng)
	if err != nil {
		return nil, fmt.Errorf("sampling: %s interior: %w", name, err)
	}
	return inside(box.fromUnit(u, m), m), nil
}

// csgLeaves lists the non-CSG domains of the tree under d, depth first. A
// mesh with named surfaces (a Named one too) stands for its surfaces, so
// that each can be selected as a part.
func csgLeaves(d Domain, out []Domain) []Domain {
	if c, ok := d.(csgNode); ok {
		for _, p := range c.csgParts() {
			out = csgLeaves(p, out)
		}
		return out
	}
	parent := ""
	m, ok := d.(*Mesh)
	if nm, named := d.(Named); named {
		parent = nm.Name
		m, ok = nm.Domain.(*Mesh)
	}
	if ok && len(m.surfaces) > 0 {
		for _, s := range m.surfaces {
			c := *s
			c.parent = parent
			out = append(out, &c)
		}
		return out
	}
	return append(out, d)
}

// boundaryMeasure is the measure of a leaf's boundary.
func boundaryMeasure(d Domain) (float64, error) {
	switch v := d.(type) {
	case Box:
		m := 0.0
		for a := range v.Lo {
			m += 2 * v.faceMeasure(Face{Axis: a})
		}
		return m, nil
	case Ball:
		return sphereArea(v.Dim(), v.Radius), nil
	case BoundaryMeasurer:
		return v.BoundaryMeasure(), nil
	}
	return 0, fmt.Errorf("sampling: %T has no known boundary measure (implement BoundaryMeasurer to use it in a CSG shape)", d)
}

// csgBoundary draws n points on the boundary of d (see Union); with keep,
// only on the surfaces of the leaves keep accepts (named parts).
func csgBoundary(d csgNode, keep func(Domain) bool, n int, s UnitSampler, rng *rand.Rand) (pts, normals []float64, err error) {
	box, err := csgBox(d)
	if err != nil {
		return nil, nil, err
	}
	if n < 0 {
		return nil, nil, fmt.Errorf("sampling: %s boundary: negative point count %d", opName(d), n)
	}
	leaves := csgLeaves(d, nil)
	if keep != nil {
		leaves = slices.DeleteFunc(leaves, func(l Domain) bool { return !keep(l) })
	}
	w := make([]float64, len(leaves))
	for i, l := range leaves {
		if w[i], err = boundaryMeasure(l); err != nil {
			return nil, nil, fmt.Errorf("sampling: %s boundary: %w", opName(d), err)
		}
		if !(w[i] >= 0) || math.IsInf(w[i], 0) {
			return nil, nil, fmt.Errorf("sampling: %s boundary: leaf %d (%T) has boundary measure %g", opName(d), i, l, w[i])
		}
	}
	total := 0.0
	for _, x := range w {
		total += x
	}
	if !(total > 0) {
		return nil, nil, fmt.Errorf("sampling: %s boundary: leaves have no boundary measure", opName(d))
	}
	dim := box.Dim()
	size := 0.0
	for k := range box.Lo {
		size = math.Max(size, box.Hi[k]-box.Lo[k])
	}
	h := 1e-9 * size
	probe := make([]float64, dim)
	// side reports whether d contains x + t v.
	side := func(x, v []float64, t float64) bool {
		for k := range probe {
			probe[k] = x[k] + t*v[k]
		}
		return d.Contains(probe, 0)
	}
	pts = make([]float64, 0, n*dim)
	normals = make([]float64, 0, n*dim)
	drawn, kept := 0, 0
	for kept < n {
		m := n - kept + 16
		if kept > 0 {
			m = int(math.Ceil(float64(n-kept)*float64(drawn)/float64(kept)*1.2)) + 16
		}
		m = min(m, 4*drawn+n+16)
		counts := apportion(w, m, rng)
		before := drawn
		for i, l := range leaves {
			if counts[i] == 0 {
				continue
			}
			p, nv, err := l.Boundary(counts[i], s, rng)
			if err != nil {
				return nil, nil, fmt.Errorf("sampling: %s boundary: leaf %d: %w", opName(d), i, err)
			}
			for j := 0; j < len(p)/dim; j++ {
				x, v := p[j*dim:(j+1)*dim], nv[j*dim:(j+1)*dim]
				in, out := side(x, v, -h), side(x, v, h)
				switch {
				case in && !out:
					pts = append(pts, x...)
					normals = append(normals, v...)
				case out && !in:
					pts = append(pts, x...)
					for _, c := range v {
						normals = append(normals, -c)
					}
				default:
					continue
				}
				kept++
			}
			drawn += len(p) / dim
		}
		if drawn == before {
			return nil, nil, fmt.Errorf("sampling: %s boundary: leaves returned no points", opName(d))
		}
		if drawn >= minRejectDraws && float64(kept) < minAcceptance*float64(drawn) {
			return nil, nil, fmt.Errorf("sampling: %s boundary: %d of %d leaf boundary points lie on the boundary; it is empty or nearly so", opName(d), kept, drawn)
		}
	}
	if kept == n {
		return pts, normals, nil
	}
	pick := rng.Perm(kept)[:n]
	slices.Sort(pick)
	for i, j := range pick {
		copy(pts[i*dim:(i+1)*dim], pts[j*dim:(j+1)*dim])
		copy(normals[i*dim:(i+1)*dim], normals[j*dim:(j+1)*dim])
	}
	return pts[:n*dim], normals[:n*dim], nil
}
