package sampling

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// Polygon is a closed, simple 2-D polygon: the region bounded by the closed
// chain of its vertices, given in counter-clockwise or clockwise order (the
// orientation is detected and normals are made outward either way). Build
// one with NewPolygon, which rejects fewer than three vertices, repeated
// consecutive vertices, zero area and self-intersection (two non-adjacent
// edges meeting, including at a single point, or adjacent edges folding back
// on each other). Holes are made with Difference.
//
// Edge i joins vertex i to vertex i+1 (mod the vertex count), in the order
// given, so a spec can name edges for boundary conditions (EdgePoints).
//
// The zero Polygon is empty: its sampling methods return an error. A
// Polygon is immutable, so copies share storage safely and it may be used
// from several goroutines.
type Polygon struct {
	v     [][2]float64    // vertices as given
	cw    bool            // the given order is clockwise
	tris  [][3][2]float64 // ear-clipping triangulation, each counter-clockwise
	cum   []float64       // cumulative triangle areas / total area; last is 1
	area  float64
	edge  []float64 // edge lengths
	perim float64
}

var _ Domain = Polygon{}

// NewPolygon validates the vertices and triangulates the polygon. The
// slice is copied.
func NewPolygon(vertices [][2]float64) (Polygon, error) {
	n := len(vertices)
	if n < 3 {
		return Polygon{}, fmt.Errorf("sampling: polygon with %d vertices: need at least 3", n)
	}
	v := make([][2]float64, n)
	copy(v, vertices)
	for i, p := range v {
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
			return Polygon{}, fmt.Errorf("sampling: polygon vertex %d %v is not finite", i, p)
		}
	}
	p := Polygon{v: v, edge: make([]float64, n)}
	for i := range v {
		a, b := v[i], v[(i+1)%n]
		if a == b {
			return Polygon{}, fmt.Errorf("sampling: polygon vertices %d and %d coincide at %v (zero-length edge)", i, (i+1)%n, a)
		}
		p.edge[i] = math.Hypot(b[0]-a[0], b[1]-a[1])
		p.perim += p.edge[i]
	}
	if err := checkSimple(v); err != nil {
		return Polygon{}, err
	}
	// Shoelace formula; its sign gives the orientation.
	s := 0.0
	for i := range v {
		a, b := v[i], v[(i+1)%n]
		s += a[0]*b[1] - b[0]*a[1]
	}
	if s == 0 {
		return Polygon{}, fmt.Errorf("sampling: polygon has zero area")
	}
	p.cw = s < 0
	p.area = math.Abs(s) / 2
	ccw := v
	if p.cw {
		ccw = make([][2]float64, n)
		for i := range v {
			ccw[i] = v[n-1-i]
		}
	}
	tris, err := earClip(ccw)
	if err != nil {
		return Polygon{}, err
	}
	p.tris = tris
	p.cum = make([]float64, len(tris))
	acc := 0.0
	for k, t := range tris {
		acc += orient(t[0], t[1], t[2]) / 2
		p.cum[k] = acc
	}
	for k := range p.cum {
		p.cum[k] /= acc
	}
	p.cum[len(p.cum)-1] = 1
	return p, nil
}

// MustPolygon is NewPolygon that panics on invalid vertices, for polygons
// written in code.
func MustPolygon(vertices [][2]float64) Polygon {
	p, err := NewPolygon(vertices)
	if err != nil {
		panic(err)
	}
	return p
}

// orient is twice the signed area of the triangle (a, b, c): positive when
// the turn a -> b -> c is counter-clockwise.
func orient(a, b, c [2]float64) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

// onSegment reports whether p, known to be collinear with a and b, lies on
// the closed segment [a, b].
func onSegment(a, b, p [2]float64) bool {
	return math.Min(a[0], b[0]) <= p[0] && p[0] <= math.Max(a[0], b[0]) &&
		math.Min(a[1], b[1]) <= p[1] && p[1] <= math.Max(a[1], b[1])
}

// segmentsMeet reports whether the closed segments [p1, p2] and [q1, q2]
// share a point, by the orientation test (Cormen et al., Introduction to
// Algorithms, sec. 33.1).
func segmentsMeet(p1, p2, q1, q2 [2]float64) bool {
	d1, d2 := orient(q1, q2, p1), orient(q1, q2, p2)
	d3, d4 := orient(p1, p2, q1), orient(p1, p2, q2)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true
	}
	return (d1 == 0 && onSegment(q1, q2, p1)) || (d2 == 0 && onSegment(q1, q2, p2)) ||
		(d3 == 0 && onSegment(p1, p2, q1)) || (d4 == 0 && onSegment(p1, p2, q2))
}

// checkSimple rejects a self-intersecting chain: non-adjacent edges that
// meet, or adjacent edges that overlap (a spike folding back). It tests all
// pairs, O(n^2), which is immaterial next to training for the vertex counts
// a spec holds.
func checkSimple(v [][2]float64) error {
	n := len(v)
	for i := 0; i < n; i++ {
		a, b, c := v[i], v[(i+1)%n], v[(i+2)%n]
		if orient(a, b, c) == 0 && (b[0]-a[0])*(c[0]-b[0])+(b[1]-a[1])*(c[1]-b[1]) < 0 {
			return fmt.Errorf("sampling: polygon edges %d and %d fold back on each other at vertex %d (not a simple polygon)", i, (i+1)%n, (i+1)%n)
		}
	}
	for i := 0; i < n; i++ {
		for j := i + 2; j < n; j++ {
			if i == 0 && j == n-1 {
				continue // adjacent through the wrap-around
			}
			if segmentsMeet(v[i], v[(i+1)%n], v[j], v[(j+1)%n]) {
				return fmt.Errorf("sampling: polygon edges %d and %d intersect (not a simple polygon)", i, j)
			}
		}
	}
	return nil
}

// earClip triangulates a simple counter-clockwise polygon by ear clipping
// (Meisters, "Polygons have ears", Amer. Math. Monthly 82, 1975; the
// two-ears theorem guarantees progress). A vertex is an ear when it turns
// left and no other remaining vertex lies in or on its triangle; straight
// vertices are dropped without a triangle. O(n^3) in the worst case, O(n^2)
// typically.
func earClip(v [][2]float64) ([][3][2]float64, error) {
	n := len(v)
	prev, next := make([]int, n), make([]int, n)
	for i := range n {
		prev[i], next[i] = (i+n-1)%n, (i+1)%n
	}
	tris := make([][3][2]float64, 0, n-2)
	left, i, stall := n, 0, 0
	remove := func(i int) {
		next[prev[i]], prev[next[i]] = next[i], prev[i]
		left--
		stall = 0
	}
	for left > 3 {
		p, q := prev[i], next[i]
		o := orient(v[p], v[i], v[q])
		if o == 0 {
			remove(i)
			i = p
			continue
		}
		ear := o > 0
		for j := next[q]; ear && j != p; j = next[j] {
			w := v[j]
			if orient(v[p], v[i], w) >= 0 && orient(v[i], v[q], w) >= 0 && orient(v[q], v[p], w) >= 0 {
				ear = false
			}
		}
		if ear {
			tris = append(tris, [3][2]float64{v[p], v[i], v[q]})
			remove(i)
			i = q
			continue
		}
		i = q
		if stall++; stall > left {
			return nil, fmt.Errorf("sampling: polygon triangulation found no ear among %d vertices (nearly degenerate polygon)", left)
		}
	}
	p, q := prev[i], next[i]
	if orient(v[p], v[i], v[q]) > 0 {
		tris = append(tris, [3][2]float64{v[p], v[i], v[q]})
	}
	if len(tris) == 0 {
		return nil, fmt.Errorf("sampling: polygon triangulation is empty (degenerate polygon)")
	}
	return tris, nil
}

// Dim implements Domain; a polygon is 2-D.
func (p Polygon) Dim() int { return 2 }

// Validate reports an empty (zero) Polygon; NewPolygon validates the rest.
func (p Polygon) Validate() error {
	if len(p.v) == 0 || len(p.tris) == 0 {
		return fmt.Errorf("sampling: empty polygon (build one with NewPolygon)")
	}
	return nil
}

// Vertices returns a copy of the vertices in the order given.
func (p Polygon) Vertices() [][2]float64 { return append([][2]float64(nil), p.v...) }

// NumEdges is the number of edges (= vertices); edge i joins vertex i to
// vertex i+1 mod NumEdges.
func (p Polygon) NumEdges() int { return len(p.v) }

// Clockwise reports whether the vertices were given in clockwise order.
func (p Polygon) Clockwise() bool { return p.cw }

// Area is the enclosed area.
func (p Polygon) Area() float64 { return p.area }

// BoundaryMeasure is the perimeter.
func (p Polygon) BoundaryMeasure() float64 { return p.perim }

// Triangles returns the ear-clipping triangulation Interior samples from,
// each triangle counter-clockwise; their areas sum to Area.
func (p Polygon) Triangles() [][3][2]float64 { return append([][3][2]float64(nil), p.tris...) }

// Contains implements Domain: inside by the even-odd crossing rule, or
// within tol of an edge. A negative tol shrinks the polygon: the point must
// be inside and at least -tol from every edge.
func (p Polygon) Contains(x []float64, tol float64) bool {
	if len(x) != 2 || len(p.v) == 0 || math.IsNaN(x[0]) || math.IsNaN(x[1]) {
		return false
	}
	d := p.edgeDistance(x)
	if tol >= 0 && d <= tol {
		return true
	}
	return p.inside(x) && d >= -tol
}

// inside is the even-odd crossing test with the half-open rule on edge end
// points (Haines, "Point in polygon strategies", Graphics Gems IV, 1994).
func (p Polygon) inside(x []float64) bool {
	in := false
	n := len(p.v)
	for i, j := 0, n-1; i < n; j, i = i, i+1 {
		a, b := p.v[i], p.v[j]
		if (a[1] > x[1]) != (b[1] > x[1]) &&
			x[0] < (b[0]-a[0])*(x[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

// edgeDistance is the Euclidean distance from x to the polygon's boundary.
func (p Polygon) edgeDistance(x []float64) float64 {
	best := math.Inf(1)
	n := len(p.v)
	for i := range p.v {
		best = math.Min(best, segmentDistance(p.v[i], p.v[(i+1)%n], x))
	}
	return best
}

// segmentDistance is the distance from x to the closed segment [a, b].
func segmentDistance(a, b [2]float64, x []float64) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	t := ((x[0]-a[0])*dx + (x[1]-a[1])*dy) / (dx*dx + dy*dy)
	t = math.Min(math.Max(t, 0), 1)
	return math.Hypot(x[0]-a[0]-t*dx, x[1]-a[1]-t*dy)
}

// Bounds implements Domain: the vertices' bounding box.
func (p Polygon) Bounds() (lo, hi []float64) {
	lo = []float64{math.Inf(1), math.Inf(1)}
	hi = []float64{math.Inf(-1), math.Inf(-1)}
	for _, v := range p.v {
		for k := range 2 {
			lo[k] = math.Min(lo[k], v[k])
			hi[k] = math.Max(hi[k], v[k])
		}
	}
	return lo, hi
}

// Interior implements Domain by area-weighted triangle sampling over the
// ear-clipping triangulation, a measure-preserving map of the unit cube
// [0,1)^3 onto the polygon (Turk, "Generating random points in triangles",
// Graphics Gems, 1990):
//
//   - u0 picks triangle k, the first whose cumulative area fraction exceeds
//     u0, so each triangle receives the u0-stratum of its area share;
//   - (u1, u2) is folded onto the triangle (a, b, c): if u1 + u2 > 1 it is
//     reflected to (1-u1, 1-u2), then x = a + u1 (b-a) + u2 (c-a). The fold
//     maps the square 2:1 onto the triangle, preserving area.
//
// So a uniform sampler gives uniform points, and a QMC sampler's points
// are stratified across triangles by u0 and within each triangle by the
// (u1, u2) projection of those falling in its u0-stratum. A Sobol sampler
// then needs 3 <= SobolMaxDim axes. The grid sampler gives a lattice in
// (u0, u1, u2), not in the plane, and with few points per axis can leave
// small triangles empty; prefer a QMC sampler.
func (p Polygon) Interior(n int, s UnitSampler, rng *rand.Rand) ([]float64, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	u, m, err := unitPoints(s, n, 3, rng)
	if err != nil {
		return nil, fmt.Errorf("sampling: polygon interior: %w", err)
	}
	return p.fromUnit(u, m), nil
}

// unitDim and fromUnit make the polygon a unitMapper, so SpaceTime draws
// one joint QMC set over the polygon and time.
func (p Polygon) unitDim() int { return 3 }

func (p Polygon) fromUnit(u []float64, m int) []float64 {
	x := make([]float64, 2*m)
	for i := 0; i < m; i++ {
		k, s, t := inTriangle(p.cum, u[3*i:3*i+3])
		tr := p.tris[k]
		a, b, c := tr[0], tr[1], tr[2]
		x[2*i] = a[0] + s*(b[0]-a[0]) + t*(c[0]-a[0])
		x[2*i+1] = a[1] + s*(b[1]-a[1]) + t*(c[1]-a[1])
	}
	return x
}

// inTriangle maps a unit point (u0, s, t) onto a triangulation by area
// (Polygon.Interior, Mesh.Boundary): u0 picks triangle k, the first whose
// cumulative area fraction cum[k] exceeds it, and (s, t) folded onto the
// unit triangle (reflected to (1-s, 1-t) when s + t > 1) are the
// barycentric weights of its second and third vertices.
func inTriangle(cum []float64, u []float64) (k int, s, t float64) {
	u0, s, t := u[0], u[1], u[2]
	k = sort.Search(len(cum)-1, func(k int) bool { return cum[k] > u0 })
	if s+t > 1 {
		s, t = 1-s, 1-t
	}
	return k, s, t
}

// surfaceToVolume is perimeter / area.
func (p Polygon) surfaceToVolume() float64 { return p.perim / p.area }

// Boundary implements Domain: EdgePoints over all edges.
func (p Polygon) Boundary(n int, s UnitSampler, rng *rand.Rand) (pts, normals []float64, err error) {
	all := make([]int, len(p.v))
	for i := range all {
		all[i] = i
	}
	pts, normals, _, err = p.EdgePoints(all, n, s, rng)
	return pts, normals, err
}

// EdgePoints draws n points on the listed edges, shared out by edge length
// (largest remainder, random tie-break), each uniform along its edge with one
// unit coordinate from s: x = v_i + u (v_{i+1} - v_i). It returns the
// points, their outward unit normals (the edge direction turned a right angle
// away from the interior, constant along the edge) and, per point, the
// index into edges of the edge it lies on. At a vertex the normal is that of
// the edge the point was drawn on.
func (p Polygon) EdgePoints(edges []int, n int, s UnitSampler, rng *rand.Rand) (pts, normals []float64, edge []int, err error) {
	if err := p.Validate(); err != nil {
		return nil, nil, nil, err
	}
	if n < 0 {
		return nil, nil, nil, fmt.Errorf("sampling: polygon edges: negative point count %d", n)
	}
	if len(edges) == 0 {
		if n == 0 {
			return []float64{}, []float64{}, []int{}, nil
		}
		return nil, nil, nil, fmt.Errorf("sampling: polygon edges: %d points on no edges", n)
	}
	nv := len(p.v)
	seen := make(map[int]bool, len(edges))
	w := make([]float64, len(edges))
	for k, e := range edges {
		if e < 0 || e >= nv {
			return nil, nil, nil, fmt.Errorf("sampling: polygon edges: invalid edge %d of %d", e, nv)
		}
		if seen[e] {
			return nil, nil, nil, fmt.Errorf("sampling: polygon edges: edge %d listed twice", e)
		}
		seen[e] = true
		w[k] = p.edge[e]
	}
	counts := apportion(w, n, rng)
	pts = make([]float64, 0, 2*n)
	normals = make([]float64, 0, 2*n)
	edge = make([]int, 0, n)
	for k, e := range edges {
		if counts[k] == 0 {
			continue
		}
		u, m, err := unitPoints(s, counts[k], 1, rng)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("sampling: polygon edge %d: %w", e, err)
		}
		nx, ny := p.EdgeNormal(e)
		a, b := p.v[e], p.v[(e+1)%nv]
		for i := 0; i < m; i++ {
			pts = append(pts, a[0]+u[i]*(b[0]-a[0]), a[1]+u[i]*(b[1]-a[1]))
			normals = append(normals, nx, ny)
			edge = append(edge, k)
		}
	}
	return pts, normals, edge, nil
}

// EdgeNormal is the outward unit normal of edge e: for a counter-clockwise
// polygon the edge direction (dx, dy) turned clockwise, (dy, -dx)/|d|, and
// the opposite for a clockwise one. It panics if e is out of range.
func (p Polygon) EdgeNormal(e int) (nx, ny float64) {
	a, b := p.v[e], p.v[(e+1)%len(p.v)]
	dx, dy := (b[0]-a[0])/p.edge[e], (b[1]-a[1])/p.edge[e]
	if p.cw {
		return -dy, dx
	}
	return dy, -dx
}
