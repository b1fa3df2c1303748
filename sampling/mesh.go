package sampling

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// Mesh is the solid bounded by a closed triangulated surface in 3-D, such as
// a part exported from CAD as STL (LoadSTL). Build one with NewMesh, which
// checks that the surface is closed and orients it outward.
//
//   - Contains is a ray-parity test (even-odd crossings, the majority of
//     three rays in fixed skew directions, so a ray grazing an edge does not
//     decide) over a bounding-volume hierarchy of the triangles, O(log n) per
//     point; with tol != 0 the distance to the surface, from the same
//     hierarchy, enlarges or shrinks the solid.
//   - Interior draws by rejection from the bounding box, as the CSG shapes
//     do (see Union): uniform for a uniform sampler.
//   - Boundary draws by area: one unit coordinate picks a triangle by its
//     cumulative area, two more are folded onto it (as Polygon.Interior
//     does), so points are uniform over the surface; each carries its
//     triangle's outward unit normal, so Neumann and Robin conditions work.
//
// A Mesh is immutable once built and safe for concurrent use; copy the
// pointer freely.
type Mesh struct {
	tris    []Triangle   // oriented outward (right-hand rule)
	normals [][3]float64 // outward unit normals
	cum     []float64    // cumulative area fractions; the last is 1
	area    float64
	volume  float64
	lo, hi  [3]float64
	nodes   []bvhNode
	order   []int32 // triangle indices in leaf order
	// surfaces are the named groups of facets (NewMeshSolids), each a
	// part of the boundary that conditions can select; nil: one surface
	surfaces []*MeshSurface
}

var _ Domain = (*Mesh)(nil)

// NewMesh checks a triangulated surface and builds the solid it bounds:
//
//   - at least 4 triangles, finite coordinates, none of zero area;
//   - closed and manifold: vertices are welded where coordinates are equal
//     (STL repeats them per facet), and every edge must then belong to
//     exactly two triangles. An edge of one triangle is a hole, of three or
//     more a non-manifold seam; both are errors naming the edge.
//
// Each connected sheet is then oriented consistently (neighbours flipped to
// traverse shared edges in opposite directions; a sheet that cannot be is
// an error) and outward, by probing the even-odd inside test just off its
// largest triangle, so mixed or inward-facing exports and cavities (a
// closed inner sheet) are handled. The triangles are copied.
func NewMesh(tris []Triangle) (*Mesh, error) { return NewMeshSolids(tris, nil) }

// NewMeshSolids is NewMesh for a surface whose facets come in named groups
// (solids[i] names triangle i's, as ParseSTLSolids returns them): with two
// or more distinct names, each group whose name is a valid part name
// ([a-z][a-z0-9_]*) becomes a MeshSurface that a condition can select
// (`on: top`); facets of other names are in no surface but still bound
// the solid.
func NewMeshSolids(tris []Triangle, solids []string) (*Mesh, error) {
	if solids != nil && len(solids) != len(tris) {
		return nil, fmt.Errorf("sampling: mesh: %d solid names for %d triangles", len(solids), len(tris))
	}
	if len(tris) < 4 {
		return nil, fmt.Errorf("sampling: mesh of %d triangles: a closed surface needs at least 4", len(tris))
	}
	m := &Mesh{tris: slices.Clone(tris)}
	ids := map[[3]float64]int32{}
	idx := make([][3]int32, len(tris))
	for i, t := range m.tris {
		for v := range 3 {
			for k := range 3 {
				if x := t[v][k]; math.IsNaN(x) || math.IsInf(x, 0) {
					return nil, fmt.Errorf("sampling: mesh triangle %d: vertex %v is not finite", i, t[v])
				}
			}
			id, ok := ids[t[v]]
			if !ok {
				id = int32(len(ids))
				ids[t[v]] = id
			}
			idx[i][v] = id
		}
		if triangleArea(t) == 0 {
			return nil, fmt.Errorf("sampling: mesh triangle %d %v has zero area", i, t)
		}
	}
	// Closedness: every undirected edge in exactly two triangles.
	uses := map[edge][]int32{} // undirected (a < b) -> triangles
	for i, t := range idx {
		for v := range 3 {
			a, b := t[v], t[(v+1)%3]
			k := edge{min(a, b), max(a, b)}
			uses[k] = append(uses[k], int32(i))
		}
	}
	var corner [][3]float64 // vertex coordinates by id, for messages
	vertex := func(id int32) [3]float64 {
		if corner == nil {
			corner = make([][3]float64, len(ids))
			for p, i := range ids {
				corner[i] = p
			}
		}
		return corner[id]
	}
	// Report the first bad edge in triangle order, so the message is stable.
	for i, t := range idx {
		for v := range 3 {
			a, b := t[v], t[(v+1)%3]
			switch u := uses[edge{min(a, b), max(a, b)}]; {
			case len(u) == 1:
				return nil, fmt.Errorf("sampling: mesh is not closed: the edge from %v to %v belongs only to triangle %d (a hole in the surface)", vertex(a), vertex(b), i)
			case len(u) > 2:
				return nil, fmt.Errorf("sampling: mesh is not manifold: the edge from %v to %v is shared by %d triangles (%v)", vertex(a), vertex(b), len(u), u)
			}
		}
	}
	sheet, seeds, err := orientSheets(m.tris, idx, uses, vertex)
	if err != nil {
		return nil, err
	}
	m.lo = [3]float64{math.Inf(1), math.Inf(1), math.Inf(1)}
	m.hi = [3]float64{math.Inf(-1), math.Inf(-1), math.Inf(-1)}
	for _, t := range m.tris {
		for _, p := range t {
			for k := range 3 {
				m.lo[k], m.hi[k] = math.Min(m.lo[k], p[k]), math.Max(m.hi[k], p[k])
			}
		}
	}
	m.buildBVH()
	flip, err := m.outward(sheet, seeds)
	if err != nil {
		return nil, err
	}
	m.normals = make([][3]float64, len(m.tris))
	mid := [3]float64{(m.lo[0] + m.hi[0]) / 2, (m.lo[1] + m.hi[1]) / 2, (m.lo[2] + m.hi[2]) / 2}
	for i := range m.tris {
		if flip[sheet[i]] {
			m.tris[i][1], m.tris[i][2] = m.tris[i][2], m.tris[i][1]
		}
		t := m.tris[i]
		m.normals[i] = unitNormal(t)
		// about the box centre, not the origin: CAD parts often sit far
		// from it, and the tetrahedra's volumes would then cancel
		a, b, c := sub3(t[0], mid), sub3(t[1], mid), sub3(t[2], mid)
		m.volume += dot3(a, cross3(b, c)) / 6
	}
	m.cum, m.area = m.cumulativeAreas(nil)
	if !(m.volume > 0) {
		return nil, fmt.Errorf("sampling: mesh encloses volume %g: not a solid", m.volume)
	}
	m.surfaces = meshSurfaces(m, solids)
	return m, nil
}

// edge is an undirected edge between welded vertex ids, a < b.
type edge struct{ a, b int32 }

// orientSheets orients every connected sheet of a closed manifold surface
// consistently: it walks each sheet breadth first from its first triangle
// and flips (in tris and in their vertex ids idx) every neighbour that
// traverses the shared edge in the same direction, as exports often mix
// orientations. Neighbours already placed must agree, or the sheet is not
// orientable (it then intersects itself). It returns each triangle's sheet
// and each sheet's first triangle.
func orientSheets(tris []Triangle, idx [][3]int32, uses map[edge][]int32, vertex func(int32) [3]float64) (sheet, seeds []int32, err error) {
	runs := func(t [3]int32, a, b int32) bool { // t traverses a -> b
		for v := range 3 {
			if t[v] == a && t[(v+1)%3] == b {
				return true
			}
		}
		return false
	}
	sheet = make([]int32, len(idx))
	for i := range sheet {
		sheet[i] = -1
	}
	for start := range idx {
		if sheet[start] >= 0 {
			continue
		}
		id := int32(len(seeds))
		seeds = append(seeds, int32(start))
		sheet[start] = id
		queue := []int32{int32(start)}
		for len(queue) > 0 {
			i := queue[0]
			queue = queue[1:]
			for v := range 3 {
				a, b := idx[i][v], idx[i][(v+1)%3]
				u := uses[edge{min(a, b), max(a, b)}]
				j := u[0]
				if j == i {
					j = u[1]
				}
				switch {
				case sheet[j] < 0:
					sheet[j] = id
					if runs(idx[j], a, b) {
						idx[j][1], idx[j][2] = idx[j][2], idx[j][1]
						tris[j][1], tris[j][2] = tris[j][2], tris[j][1]
					}
					queue = append(queue, j)
				case runs(idx[j], a, b):
					return nil, nil, fmt.Errorf("sampling: mesh cannot be oriented: at the edge from %v to %v (triangles %d and %d) the surface is not orientable; it intersects itself", vertex(a), vertex(b), i, j)
				}
			}
		}
	}
	return sheet, seeds, nil
}

// outward reports, per sheet, whether it must be flipped to face outward:
// just outside its largest triangle along the normal, the solid (the
// BVH's even-odd test) must not contain the point, just inside it must.
func (m *Mesh) outward(sheet, seeds []int32) ([]bool, error) {
	largest := make([]int, len(seeds))
	for k, i := range seeds {
		largest[k] = int(i)
	}
	for i := range m.tris {
		if r := sheet[i]; triangleArea(m.tris[i]) > triangleArea(m.tris[largest[r]]) {
			largest[r] = i
		}
	}
	flip := make([]bool, len(seeds))
	h := 1e-7 * m.diagonal()
	for r, i := range largest {
		t := m.tris[i]
		n := unitNormal(t)
		var c, out, in [3]float64
		for k := range 3 {
			c[k] = (t[0][k] + t[1][k] + t[2][k]) / 3
			out[k], in[k] = c[k]+h*n[k], c[k]-h*n[k]
		}
		oi, ii := m.inside(out[:]), m.inside(in[:])
		if oi == ii {
			return nil, fmt.Errorf("sampling: mesh: cannot tell inside from outside at triangle %d %v (the surface may intersect itself)", i, t)
		}
		flip[r] = oi
	}
	return flip, nil
}

// MeshSurface is a named group of a Mesh's facets: a Domain that is the
// mesh's solid, except that Boundary draws only on these facets (uniform in
// area, outward normals), so a condition can hold on one face of a CAD
// part. Get them from Mesh.Surfaces; in a CSG shape their names are parts.
type MeshSurface struct {
	Name   string // "" for the facets in no named group
	parent string // the name of the CSG part the mesh is, in csgLeaves
	mesh   *Mesh
	tris   []int32   // facet indices
	cum    []float64 // cumulative area fractions
	area   float64
}

var _ Domain = (*MeshSurface)(nil)

// meshSurfaces groups the facets by solid name when there are two names
// at least: a surface per valid part name, in order of appearance, and one
// unnamed surface for the facets of other names.
func meshSurfaces(m *Mesh, solids []string) []*MeshSurface {
	byName := map[string]*MeshSurface{}
	var out []*MeshSurface
	var rest *MeshSurface
	for i, name := range solids {
		s := byName[name]
		switch {
		case s != nil:
		case partName.MatchString(name):
			s = &MeshSurface{Name: name, mesh: m}
			out = append(out, s)
		default:
			if rest == nil {
				rest = &MeshSurface{mesh: m}
			}
			s = rest
		}
		byName[name] = s
		s.tris = append(s.tris, int32(i))
	}
	if len(byName) < 2 {
		return nil
	}
	if rest != nil {
		out = append(out, rest)
	}
	for _, s := range out {
		s.cum, s.area = m.cumulativeAreas(s.tris)
	}
	return out
}

// cumulativeAreas returns the cumulative area fractions of the facets ids
// (nil: all), the last exactly 1, and their total area.
func (m *Mesh) cumulativeAreas(ids []int32) ([]float64, float64) {
	n := len(ids)
	if ids == nil {
		n = len(m.tris)
	}
	cum := make([]float64, n)
	total := 0.0
	for k := range cum {
		t := k
		if ids != nil {
			t = int(ids[k])
		}
		total += triangleArea(m.tris[t])
		cum[k] = total
	}
	for k := range cum {
		cum[k] /= total
	}
	cum[n-1] = 1
	return cum, total
}

// Surfaces returns the named facet groups (nil for a mesh of one solid).
func (m *Mesh) Surfaces() []*MeshSurface { return m.surfaces }

// Dim implements Domain.
func (s *MeshSurface) Dim() int { return 3 }

// Contains implements Domain: the mesh's solid.
func (s *MeshSurface) Contains(x []float64, tol float64) bool { return s.mesh.Contains(x, tol) }

// Bounds implements Domain: the mesh's box.
func (s *MeshSurface) Bounds() (lo, hi []float64) { return s.mesh.Bounds() }

// Interior implements Domain: the mesh's interior.
func (s *MeshSurface) Interior(n int, us UnitSampler, rng *rand.Rand) ([]float64, error) {
	return s.mesh.Interior(n, us, rng)
}

// BoundaryMeasure is the group's area.
func (s *MeshSurface) BoundaryMeasure() float64 { return s.area }

// Boundary implements Domain: n points on the group's facets.
func (s *MeshSurface) Boundary(n int, us UnitSampler, rng *rand.Rand) (pts, normals []float64, err error) {
	return s.mesh.facetPoints(s.tris, s.cum, n, us, rng)
}

// Dim implements Domain: a mesh is 3-D.
func (m *Mesh) Dim() int { return 3 }

// Validate reports a zero Mesh (not built by NewMesh).
func (m *Mesh) Validate() error {
	if m == nil || len(m.tris) == 0 {
		return fmt.Errorf("sampling: empty mesh (build one with NewMesh)")
	}
	return nil
}

// NumTriangles is the number of facets.
func (m *Mesh) NumTriangles() int { return len(m.tris) }

// Triangles returns the facets, oriented outward (a copy).
func (m *Mesh) Triangles() []Triangle { return slices.Clone(m.tris) }

// Volume is the enclosed volume (divergence theorem over the facets).
func (m *Mesh) Volume() float64 { return m.volume }

// BoundaryMeasure is the surface area.
func (m *Mesh) BoundaryMeasure() float64 { return m.area }

// surfaceToVolume is area / volume, for SpaceTime's boundary split.
func (m *Mesh) surfaceToVolume() float64 { return m.area / m.volume }

// Bounds implements Domain: the vertices' bounding box.
func (m *Mesh) Bounds() (lo, hi []float64) { return m.lo[:], m.hi[:] }

func (m *Mesh) diagonal() float64 {
	d := sub3(m.hi, m.lo)
	return math.Sqrt(dot3(d, d))
}

// Contains implements Domain: inside by ray parity, or within tol of the
// surface; a negative tol requires the point inside and at least -tol from
// the surface.
func (m *Mesh) Contains(x []float64, tol float64) bool {
	if len(x) != 3 || len(m.tris) == 0 {
		return false
	}
	slack := math.Max(tol, 0)
	for k := range 3 {
		if !(x[k] >= m.lo[k]-slack && x[k] <= m.hi[k]+slack) { // also NaN
			return false
		}
	}
	in := m.inside(x)
	switch {
	case tol == 0:
		return in
	case tol > 0:
		return in || m.distance(x, tol) <= tol
	}
	return in && m.distance(x, -tol) >= -tol
}

// rayDirs are three fixed unit directions, skew to the axes and to one
// another, so axis-aligned CAD faces and edges are not grazed.
var rayDirs = func() [3][3]float64 {
	raw := [3][3]float64{{0.5773, 0.6181, 0.5331}, {-0.4387, 0.7071, -0.5547}, {0.3011, -0.4413, 0.8453}}
	for i, d := range raw {
		l := math.Sqrt(dot3(d, d))
		raw[i] = [3]float64{d[0] / l, d[1] / l, d[2] / l}
	}
	return raw
}()

// inside is the even-odd test: the majority over rayDirs of the parity of
// the number of facets a ray from x crosses.
func (m *Mesh) inside(x []float64) bool {
	o := [3]float64{x[0], x[1], x[2]}
	a := m.crossings(o, rayDirs[0])%2 == 1
	if b := m.crossings(o, rayDirs[1])%2 == 1; a == b {
		return a // two of three agree: the third cannot change the vote
	}
	return m.crossings(o, rayDirs[2])%2 == 1
}

// crossings counts the facets the ray o + s d (s > 0) passes through.
func (m *Mesh) crossings(o, d [3]float64) int {
	var inv [3]float64
	for k := range 3 {
		inv[k] = 1 / d[k]
	}
	count := 0
	stack := make([]int32, 0, 64) // stays on the stack: 0 allocations per query
	stack = append(stack, 0)
	for len(stack) > 0 {
		n := &m.nodes[stack[len(stack)-1]]
		stack = stack[:len(stack)-1]
		if !rayHitsBox(o, inv, n.lo, n.hi) {
			continue
		}
		if n.count > 0 {
			for _, t := range m.order[n.first : n.first+n.count] {
				if rayHitsTriangle(o, d, &m.tris[t]) {
					count++
				}
			}
			continue
		}
		stack = append(stack, n.first, n.first+1)
	}
	return count
}

// rayHitsBox is the slab test for the ray o + s inv^-1, s >= 0.
func rayHitsBox(o, inv, lo, hi [3]float64) bool {
	tmin, tmax := 0.0, math.Inf(1)
	for k := range 3 {
		t1, t2 := (lo[k]-o[k])*inv[k], (hi[k]-o[k])*inv[k]
		if t1 > t2 {
			t1, t2 = t2, t1
		}
		tmin, tmax = math.Max(tmin, t1), math.Min(tmax, t2)
		if tmin > tmax {
			return false
		}
	}
	return true
}

// rayHitsTriangle is the Möller–Trumbore test (Möller and Trumbore, "Fast,
// minimum storage ray-triangle intersection", 1997) for a crossing at s > 0.
func rayHitsTriangle(o, d [3]float64, t *Triangle) bool {
	e1, e2 := sub3(t[1], t[0]), sub3(t[2], t[0])
	p := cross3(d, e2)
	det := dot3(e1, p)
	if det == 0 {
		return false // ray parallel to the facet's plane
	}
	inv := 1 / det
	s := sub3(o, t[0])
	u := dot3(s, p) * inv
	if u < 0 || u > 1 {
		return false
	}
	q := cross3(s, e1)
	v := dot3(d, q) * inv
	if v < 0 || u+v > 1 {
		return false
	}
	return dot3(e2, q)*inv > 0
}

// distance is the distance from x to the surface when it is at most
// limit; subtrees farther than limit or than the best found so far are
// skipped, so a larger result only says the surface is farther than limit.
func (m *Mesh) distance(x []float64, limit float64) float64 {
	p := [3]float64{x[0], x[1], x[2]}
	best := math.Inf(1)
	stack := make([]int32, 0, 64) // stays on the stack: 0 allocations per query
	stack = append(stack, 0)
	for len(stack) > 0 {
		n := &m.nodes[stack[len(stack)-1]]
		stack = stack[:len(stack)-1]
		if boxDistance(p, n.lo, n.hi) > math.Min(best, limit) {
			continue
		}
		if n.count > 0 {
			for _, t := range m.order[n.first : n.first+n.count] {
				best = math.Min(best, triangleDistance(p, &m.tris[t]))
			}
			continue
		}
		stack = append(stack, n.first, n.first+1)
	}
	return best
}

func boxDistance(p, lo, hi [3]float64) float64 {
	s := 0.0
	for k := range 3 {
		d := math.Max(math.Max(lo[k]-p[k], 0), p[k]-hi[k])
		s += d * d
	}
	return math.Sqrt(s)
}

// triangleDistance is the distance from p to the closest point of t, by the
// Voronoi-region walk of Ericson, "Real-Time Collision Detection" (2005),
// §5.1.5.
func triangleDistance(p [3]float64, t *Triangle) float64 {
	a, b, c := t[0], t[1], t[2]
	ab, ac, ap := sub3(b, a), sub3(c, a), sub3(p, a)
	at := func(q [3]float64) float64 { d := sub3(p, q); return math.Sqrt(dot3(d, d)) }
	lerp := func(q, e [3]float64, s float64) [3]float64 {
		return [3]float64{q[0] + s*e[0], q[1] + s*e[1], q[2] + s*e[2]}
	}
	d1, d2 := dot3(ab, ap), dot3(ac, ap)
	if d1 <= 0 && d2 <= 0 {
		return at(a)
	}
	bp := sub3(p, b)
	d3, d4 := dot3(ab, bp), dot3(ac, bp)
	if d3 >= 0 && d4 <= d3 {
		return at(b)
	}
	if vc := d1*d4 - d3*d2; vc <= 0 && d1 >= 0 && d3 <= 0 {
		return at(lerp(a, ab, d1/(d1-d3)))
	}
	cp := sub3(p, c)
	d5, d6 := dot3(ab, cp), dot3(ac, cp)
	if d6 >= 0 && d5 <= d6 {
		return at(c)
	}
	if vb := d5*d2 - d1*d6; vb <= 0 && d2 >= 0 && d6 <= 0 {
		return at(lerp(a, ac, d2/(d2-d6)))
	}
	if va := d3*d6 - d5*d4; va <= 0 && d4-d3 >= 0 && d5-d6 >= 0 {
		return at(lerp(b, sub3(c, b), (d4-d3)/((d4-d3)+(d5-d6))))
	}
	va, vb, vc := d3*d6-d5*d4, d5*d2-d1*d6, d1*d4-d3*d2
	den := 1 / (va + vb + vc)
	v, w := vb*den, vc*den
	q := a
	for k := range 3 {
		q[k] += ab[k]*v + ac[k]*w
	}
	return at(q)
}

// bvhNode is a node of the bounding-volume hierarchy: a leaf holds
// order[first : first+count]; an inner node (count 0) has children first
// and first+1.
type bvhNode struct {
	lo, hi       [3]float64
	first, count int32
}

// bvhLeaf is the most triangles a leaf holds.
const bvhLeaf = 4

// buildBVH splits the triangles at the median centroid along the longest
// axis of their centroids' box, recursively.
func (m *Mesh) buildBVH() {
	n := len(m.tris)
	m.order = make([]int32, n)
	cent := make([][3]float64, n)
	for i, t := range m.tris {
		m.order[i] = int32(i)
		for k := range 3 {
			cent[i][k] = (t[0][k] + t[1][k] + t[2][k]) / 3
		}
	}
	m.nodes = make([]bvhNode, 1, 2*n/bvhLeaf+2)
	var build func(node int32, first, count int)
	build = func(node int32, first, count int) {
		span := m.order[first : first+count]
		nd := bvhNode{lo: [3]float64{math.Inf(1), math.Inf(1), math.Inf(1)}, hi: [3]float64{math.Inf(-1), math.Inf(-1), math.Inf(-1)}}
		clo, chi := nd.lo, nd.hi
		for _, t := range span {
			for _, p := range m.tris[t] {
				for k := range 3 {
					nd.lo[k], nd.hi[k] = math.Min(nd.lo[k], p[k]), math.Max(nd.hi[k], p[k])
				}
			}
			for k := range 3 {
				clo[k], chi[k] = math.Min(clo[k], cent[t][k]), math.Max(chi[k], cent[t][k])
			}
		}
		axis := 0
		for k := 1; k < 3; k++ {
			if chi[k]-clo[k] > chi[axis]-clo[axis] {
				axis = k
			}
		}
		if count <= bvhLeaf || chi[axis] == clo[axis] {
			nd.first, nd.count = int32(first), int32(count)
			m.nodes[node] = nd
			return
		}
		sort.Slice(span, func(i, j int) bool { return cent[span[i]][axis] < cent[span[j]][axis] })
		child := int32(len(m.nodes))
		m.nodes = append(m.nodes, bvhNode{}, bvhNode{})
		nd.first = child
		m.nodes[node] = nd
		half := count / 2
		build(child, first, half)
		build(child+1, first+half, count-half)
	}
	build(0, 0, n)
}

// Interior implements Domain: rejection from the bounding box.
func (m *Mesh) Interior(n int, s UnitSampler, rng *rand.Rand) ([]float64, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	lo, hi := m.Bounds()
	return rejectionInterior("mesh", m, Box{Lo: lo, Hi: hi}, n, s, rng)
}

// Boundary implements Domain: n points uniform in area over the facets
// with their outward normals (see Mesh).
func (m *Mesh) Boundary(n int, s UnitSampler, rng *rand.Rand) (pts, normals []float64, err error) {
	if err := m.Validate(); err != nil {
		return nil, nil, err
	}
	if n < 0 {
		return nil, nil, fmt.Errorf("sampling: mesh boundary: negative point count %d", n)
	}
	return m.facetPoints(nil, m.cum, n, s, rng)
}

// facetPoints draws n points uniform in area over the facets ids (nil: all)
// whose cumulative area fractions are cum, with their outward normals.
func (m *Mesh) facetPoints(ids []int32, cum []float64, n int, s UnitSampler, rng *rand.Rand) (pts, normals []float64, err error) {
	u, got, err := unitPoints(s, n, 3, rng)
	if err != nil {
		return nil, nil, fmt.Errorf("sampling: mesh boundary: %w", err)
	}
	pts = make([]float64, 3*got)
	normals = make([]float64, 3*got)
	for i := 0; i < got; i++ {
		k, a, b := inTriangle(cum, u[3*i:3*i+3])
		if ids != nil {
			k = int(ids[k])
		}
		t := &m.tris[k]
		for c := range 3 {
			pts[3*i+c] = t[0][c] + a*(t[1][c]-t[0][c]) + b*(t[2][c]-t[0][c])
			normals[3*i+c] = m.normals[k][c]
		}
	}
	return pts, normals, nil
}
