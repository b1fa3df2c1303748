package sampling

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// icosphere tessellates the sphere of radius r about c by subdividing an
// icosahedron level times (20·4^level facets, vertices on the sphere,
// facets counter-clockwise seen from outside). Midpoints are keyed by
// their vertex pair so neighbouring facets share them exactly.
func icosphere(level int, c [3]float64, r float64) []Triangle {
	g := (1 + math.Sqrt(5)) / 2
	vs := [][3]float64{{-1, g, 0}, {1, g, 0}, {-1, -g, 0}, {1, -g, 0}, {0, -1, g}, {0, 1, g}, {0, -1, -g}, {0, 1, -g}, {g, 0, -1}, {g, 0, 1}, {-g, 0, -1}, {-g, 0, 1}}
	norm := func(v [3]float64) [3]float64 {
		l := math.Sqrt(dot3(v, v))
		return [3]float64{v[0] / l, v[1] / l, v[2] / l}
	}
	for i := range vs {
		vs[i] = norm(vs[i])
	}
	faces := [][3]int{{0, 11, 5}, {0, 5, 1}, {0, 1, 7}, {0, 7, 10}, {0, 10, 11}, {1, 5, 9}, {5, 11, 4}, {11, 10, 2}, {10, 7, 6}, {7, 1, 8}, {3, 9, 4}, {3, 4, 2}, {3, 2, 6}, {3, 6, 8}, {3, 8, 9}, {4, 9, 5}, {2, 4, 11}, {6, 2, 10}, {8, 6, 7}, {9, 8, 1}}
	for range level {
		mid := map[[2]int]int{}
		at := func(a, b int) int {
			k := [2]int{min(a, b), max(a, b)}
			if i, ok := mid[k]; ok {
				return i
			}
			p, q := vs[a], vs[b]
			vs = append(vs, norm([3]float64{p[0] + q[0], p[1] + q[1], p[2] + q[2]}))
			mid[k] = len(vs) - 1
			return len(vs) - 1
		}
		var next [][3]int
		for _, f := range faces {
			a, b, c := at(f[0], f[1]), at(f[1], f[2]), at(f[2], f[0])
			next = append(next, [3]int{f[0], a, c}, [3]int{f[1], b, a}, [3]int{f[2], c, b}, [3]int{a, b, c})
		}
		faces = next
	}
	out := make([]Triangle, len(faces))
	for i, f := range faces {
		for v := range 3 {
			for k := range 3 {
				out[i][v][k] = c[k] + r*vs[f[v]][k]
			}
		}
	}
	return out
}

func mustMesh(t *testing.T, tris []Triangle) *Mesh {
	t.Helper()
	m, err := NewMesh(tris)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func flipAll(tris []Triangle) []Triangle {
	out := make([]Triangle, len(tris))
	for i, t := range tris {
		out[i] = Triangle{t[0], t[2], t[1]}
	}
	return out
}

// TestMeshSphere holds a tessellated sphere (5120 facets) to the ball it
// approximates: the inside test on points clear of the facets, the volume
// (exact polyhedron and Monte Carlo), the surface points and normals.
func TestMeshSphere(t *testing.T) {
	c := [3]float64{0.3, -0.2, 0.5}
	ball := Ball{Center: c[:], Radius: 1}
	for _, name := range []string{"outward", "inward"} {
		tris := icosphere(4, c, 1)
		if name == "inward" {
			tris = flipAll(tris) // NewMesh must orient it outward anyway
		}
		m := mustMesh(t, tris)
		// The inscribed polyhedron's volume: within 1% of the ball's.
		if v, want := m.Volume(), 4*math.Pi/3; math.Abs(v-want) > 0.01*want {
			t.Errorf("%s: volume %g, ball %g", name, v, want)
		}
		// Monte Carlo volume fraction of the bounding box, 1% tolerance
		// (200,000 points: the standard error is 0.2%).
		rng := Stream(7, 1)
		inside, n := 0, 200000
		for range n {
			x := []float64{c[0] + 2*rng.Float64() - 1, c[1] + 2*rng.Float64() - 1, c[2] + 2*rng.Float64() - 1}
			in := m.Contains(x, 0)
			if in {
				inside++
			}
			// Facets lie between radius 0.9987 and 1 at this level.
			r := math.Sqrt(sq(x[0]-c[0]) + sq(x[1]-c[1]) + sq(x[2]-c[2]))
			if r < 0.998 && !in || r > 1 && in {
				t.Fatalf("%s: Contains(%v) = %v at radius %g", name, x, in, r)
			}
		}
		if frac, want := 8*float64(inside)/float64(n), m.Volume(); math.Abs(frac-want) > 0.01*want {
			t.Errorf("%s: Monte Carlo volume %g, polyhedron %g", name, frac, want)
		}
		pts, nv, err := m.Boundary(3000, mustSampler(t, "sobol"), Stream(7, 2))
		if err != nil {
			t.Fatal(err)
		}
		if len(pts) != 9000 || len(nv) != 9000 {
			t.Fatalf("%s: %d boundary coordinates", name, len(pts))
		}
		var mean [3]float64
		for i := 0; i < 3000; i++ {
			d := [3]float64{pts[3*i] - c[0], pts[3*i+1] - c[1], pts[3*i+2] - c[2]}
			r := math.Sqrt(dot3(d, d))
			if r < 0.998 || r > 1+1e-12 {
				t.Fatalf("%s: boundary point at radius %g", name, r)
			}
			cos := dot3(d, [3]float64{nv[3*i], nv[3*i+1], nv[3*i+2]}) / r
			if cos < 0.998 { // facets are within 0.06 rad of the radial direction
				t.Fatalf("%s: normal %v at %v: cos to radial %g", name, nv[3*i:3*i+3], d, cos)
			}
			for k := range 3 {
				mean[k] += d[k] / 3000
			}
		}
		if math.Sqrt(dot3(mean, mean)) > 0.03 {
			t.Errorf("%s: boundary points' mean offset %v: not uniform over the surface", name, mean)
		}
		x, err := m.Interior(4000, mustSampler(t, "uniform"), Stream(7, 3))
		if err != nil {
			t.Fatal(err)
		}
		r2 := 0.0
		for i := 0; i < 4000; i++ {
			if !ball.Contains(x[3*i:3*i+3], 0) {
				t.Fatalf("%s: interior point %v outside the ball", name, x[3*i:3*i+3])
			}
			r2 += (sq(x[3*i]-c[0]) + sq(x[3*i+1]-c[1]) + sq(x[3*i+2]-c[2])) / 4000
		}
		// E|x-c|^2 = 3/5 for the uniform unit ball; sd of the mean 0.0039.
		if math.Abs(r2-0.6) > 0.02 {
			t.Errorf("%s: interior mean squared radius %g, want 0.6", name, r2)
		}
	}
}

func sq(x float64) float64 { return x * x }

// TestMeshTolerance checks Contains with tol against the distance to the
// surface of a cube mesh (the extrusion of a square).
func TestMeshTolerance(t *testing.T) {
	sq := MustPolygon([][2]float64{{0, 0}, {1, 0}, {1, 1}, {0, 1}})
	m := mustMesh(t, ExtrusionSurface(sq, 2, 0, 1))
	for _, tc := range []struct {
		x    []float64
		tol  float64
		want bool
	}{
		{[]float64{0.5, 0.5, 0.5}, 0, true},
		{[]float64{1.01, 0.5, 0.5}, 0, false},
		{[]float64{1.01, 0.5, 0.5}, 0.02, true},
		{[]float64{1.01, 0.5, 0.5}, 0.005, false},
		{[]float64{1.01, 1.01, 1.01}, 0.02, true}, // distance 0.0173 to the corner
		{[]float64{1.01, 1.01, 1.01}, 0.017, false},
		{[]float64{0.99, 0.5, 0.5}, -0.005, true},
		{[]float64{0.99, 0.5, 0.5}, -0.02, false},
		{[]float64{math.NaN(), 0.5, 0.5}, 0.1, false},
		{[]float64{0.5, 0.5}, 0, false},
	} {
		if got := m.Contains(tc.x, tc.tol); got != tc.want {
			t.Errorf("Contains(%v, %g) = %v, want %v", tc.x, tc.tol, got, tc.want)
		}
	}
	if v := m.Volume(); math.Abs(v-1) > 1e-12 {
		t.Errorf("cube volume %g", v)
	}
	if a := m.BoundaryMeasure(); math.Abs(a-6) > 1e-12 {
		t.Errorf("cube area %g", a)
	}
}

// TestMeshCavity: a sphere with a spherical void, given as two sheets in
// the same orientation; the inner sheet's normals must point into the void.
func TestMeshCavity(t *testing.T) {
	tris := append(icosphere(3, [3]float64{}, 1), icosphere(3, [3]float64{}, 0.5)...)
	m := mustMesh(t, tris)
	outer := icosphere(3, [3]float64{}, 1)
	vo, vi := mustMesh(t, outer).Volume(), mustMesh(t, icosphere(3, [3]float64{}, 0.5)).Volume()
	if v := m.Volume(); math.Abs(v-(vo-vi)) > 1e-9 {
		t.Errorf("shell volume %g, want %g", v, vo-vi)
	}
	if m.Contains([]float64{0, 0, 0}, 0) || !m.Contains([]float64{0, 0, 0.75}, 0) {
		t.Errorf("the void or the shell is misclassified")
	}
	pts, nv, err := m.Boundary(2000, mustSampler(t, "uniform"), Stream(8, 1))
	if err != nil {
		t.Fatal(err)
	}
	inner := 0
	for i := 0; i < 2000; i++ {
		p, n := [3]float64{pts[3*i], pts[3*i+1], pts[3*i+2]}, [3]float64{nv[3*i], nv[3*i+1], nv[3*i+2]}
		r := math.Sqrt(dot3(p, p))
		radial := dot3(p, n) / r
		if r < 0.75 {
			inner++
			if radial > -0.99 {
				t.Fatalf("void wall normal %v at %v points out of the void", n, p)
			}
		} else if radial < 0.99 {
			t.Fatalf("outer normal %v at %v points inward", n, p)
		}
	}
	// Area share of the void wall: 0.25/1.25 = 0.2.
	checkShare(t, "void wall share", inner, 2000, 0.25/1.25)
}

// TestMeshMixedOrientation: a surface exported with every third facet
// flipped is oriented consistently and outward.
func TestMeshMixedOrientation(t *testing.T) {
	tris := icosphere(2, [3]float64{}, 1)
	want := mustMesh(t, tris).Volume()
	for i := 0; i < len(tris); i += 3 {
		tris[i] = Triangle{tris[i][0], tris[i][2], tris[i][1]}
	}
	m := mustMesh(t, tris)
	if math.Abs(m.Volume()-want) > 1e-12 {
		t.Errorf("volume %g, want %g", m.Volume(), want)
	}
	for i, tr := range m.Triangles() {
		n := unitNormal(tr)
		if dot3(n, tr[0]) <= 0 {
			t.Fatalf("facet %d faces inward", i)
		}
	}
}

// TestMeshErrors: every defect of a surface is an error that says what.
func TestMeshErrors(t *testing.T) {
	sphere := icosphere(1, [3]float64{}, 1)
	twoTets := func() []Triangle {
		// two tetrahedra sharing the edge from (0,0,0) to (0,0,1)
		tet := func(s float64) []Triangle {
			a, b, c, d := [3]float64{0, 0, 0}, [3]float64{0, 0, 1}, [3]float64{s, 0, 0}, [3]float64{0, s, 0}
			return []Triangle{{a, c, b}, {a, b, d}, {a, d, c}, {b, c, d}}
		}
		return append(tet(1), tet(-1)...)
	}
	nan := append([]Triangle(nil), sphere...)
	nan[3][1][2] = math.NaN()
	flat := append([]Triangle(nil), sphere...)
	flat[0][2] = flat[0][1]
	for _, tc := range []struct {
		name string
		tris []Triangle
		want string
	}{
		{"too few", sphere[:3], "at least 4"},
		{"open", sphere[1:], "not closed"},
		{"non-manifold", twoTets(), "not manifold"},
		{"nan", nan, "not finite"},
		{"zero area", flat, "zero area"},
	} {
		_, err := NewMesh(tc.tris)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one saying %q", tc.name, err, tc.want)
		}
	}
}

// TestSTLRoundTrip writes a mesh as binary STL, as ASCII STL, and reads
// both back (coordinates are float32 in binary STL).
func TestSTLRoundTrip(t *testing.T) {
	tris := icosphere(2, [3]float64{1, 2, 3}, 0.5)
	var bin bytes.Buffer
	if err := WriteSTL(&bin, tris); err != nil {
		t.Fatal(err)
	}
	if bin.Len() != 84+50*len(tris) {
		t.Fatalf("binary STL of %d bytes", bin.Len())
	}
	got, err := ParseSTL(bin.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	var ascii bytes.Buffer
	if err := WriteASCIISTL(&ascii, tris, nil); err != nil {
		t.Fatal(err)
	}
	gotASCII, err := ParseSTL(ascii.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(tris) || len(gotASCII) != len(tris) {
		t.Fatalf("%d and %d triangles read, %d written", len(got), len(gotASCII), len(tris))
	}
	for i := range tris {
		for v := range 3 {
			for k := range 3 {
				if got[i][v][k] != float64(float32(tris[i][v][k])) || gotASCII[i][v][k] != tris[i][v][k] {
					t.Fatalf("triangle %d vertex %d: %v / %v, wrote %v", i, v, got[i][v], gotASCII[i][v], tris[i][v])
				}
			}
		}
	}
	// The float32 rounding keeps shared vertices shared: still closed.
	if _, err := NewMesh(got); err != nil {
		t.Fatal(err)
	}
}

// TestSTLErrors: malformed files are errors that say what and where.
func TestSTLErrors(t *testing.T) {
	var bin bytes.Buffer
	if err := WriteSTL(&bin, icosphere(0, [3]float64{}, 1)); err != nil {
		t.Fatal(err)
	}
	b := bin.Bytes()
	nanBin := bytes.Clone(b)
	copy(nanBin[84+12:], []byte{0, 0, 0xc0, 0x7f}) // first vertex x = NaN
	zero := make([]byte, 84)
	for _, tc := range []struct {
		name string
		data string
		want string
	}{
		{"truncated binary", string(b[:len(b)-7]), "truncated"},
		{"nan binary", string(nanBin), "not finite"},
		{"zero binary", string(zero), "0 triangles"},
		{"empty", "", "not an STL file"},
		{"zero ascii", "solid x\nendsolid x\n", "0 triangles"},
		{"nan ascii", "solid x\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 nan\n", "line 5: vertex coordinate nan is not finite"},
		{"bad number", "solid x\nfacet normal 0 0 1\nouter loop\nvertex 0 0 zero\n", "line 4"},
		{"quad", "solid x\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nvertex 1 1 0\nvertex 0 1 0\n", "line 7: more than 3 vertices"},
		{"two vertices", "solid x\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nendloop\n", "line 6: a facet needs 3 vertices, has 2"},
		{"unterminated", "solid x\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nvertex 1 1 0\nendloop\nendfacet\n", "missing \"endsolid\""},
		{"garbage", "solid x\nhello\n", "line 2: unknown keyword"},
	} {
		_, err := ParseSTL([]byte(tc.data))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	// Size bound: a sparse file just over MaxSTLBytes.
	big := filepath.Join(t.TempDir(), "big.stl")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxSTLBytes + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := LoadSTL(big); err == nil || !strings.Contains(err.Error(), "MaxSTLBytes") {
		t.Errorf("oversized file: %v", err)
	}
	if _, err := LoadSTL(filepath.Join(t.TempDir(), "missing.stl")); err == nil || !strings.Contains(err.Error(), "missing.stl: no such file") {
		t.Errorf("missing file: %v", err)
	}
}

// FuzzParseSTL: no input makes the reader or the mesh check panic, and
// whatever parses has finite coordinates.
func FuzzParseSTL(f *testing.F) {
	var bin bytes.Buffer
	if err := WriteSTL(&bin, icosphere(0, [3]float64{}, 1)); err != nil {
		f.Fatal(err)
	}
	f.Add(bin.Bytes())
	f.Add([]byte("solid t\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nvertex 0 1 0\nendloop\nendfacet\nendsolid t\n"))
	f.Add([]byte("solid\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tris, err := ParseSTL(data)
		if err != nil {
			return
		}
		for _, tr := range tris {
			for _, v := range tr {
				for _, x := range v {
					if math.IsNaN(x) || math.IsInf(x, 0) {
						t.Fatalf("non-finite coordinate %g accepted", x)
					}
				}
			}
		}
		if m, err := NewMesh(tris); err == nil {
			m.Contains([]float64{0.1, 0.2, 0.3}, 0.01)
			if _, _, err := m.Boundary(8, Uniform{}, Stream(1, 1)); err != nil {
				t.Fatalf("boundary of a valid mesh: %v", err)
			}
		}
	})
}

// topAndRest is the unit cube's surface with the top face's two facets
// first; topAndRestNames names them "top" and the others "rest".
func topAndRest() []Triangle {
	sq := MustPolygon([][2]float64{{0, 0}, {1, 0}, {1, 1}, {0, 1}})
	var top, rest []Triangle
	for _, tr := range ExtrusionSurface(sq, 2, 0, 1) {
		if tr[0][2] == 1 && tr[1][2] == 1 && tr[2][2] == 1 {
			top = append(top, tr)
		} else {
			rest = append(rest, tr)
		}
	}
	return append(top, rest...)
}

func topAndRestNames() []string {
	names := make([]string, 12)
	for i := range names {
		names[i] = "rest"
	}
	names[0], names[1] = "top", "top"
	return names
}

// TestMeshSurfaces: the solids of an ASCII STL file are named surfaces;
// Parts draws on the selected ones only (uniform in area, outward
// normals), alone and inside a CSG shape, where the mesh's own name
// selects all its surfaces.
func TestMeshSurfaces(t *testing.T) {
	var b bytes.Buffer
	if err := WriteASCIISTL(&b, topAndRest(), topAndRestNames()); err != nil {
		t.Fatal(err)
	}
	tris, solids, err := ParseSTLSolids(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewMeshSolids(tris, solids)
	if err != nil {
		t.Fatal(err)
	}
	if got := PartNames(m); !slices.Equal(got, []string{"top", "rest"}) {
		t.Fatalf("parts %v", got)
	}
	top, err := Parts(m, []string{"top"})
	if err != nil {
		t.Fatal(err)
	}
	pts, nv, err := top.Boundary(400, Uniform{}, Stream(12, 1))
	if err != nil || len(pts) != 1200 {
		t.Fatalf("top: %d coordinates, %v", len(pts), err)
	}
	for i := 0; i < 400; i++ {
		if pts[3*i+2] != 1 || nv[3*i] != 0 || nv[3*i+1] != 0 || nv[3*i+2] != 1 {
			t.Fatalf("top point %v normal %v", pts[3*i:3*i+3], nv[3*i:3*i+3])
		}
	}
	// in a CSG shape: the cube minus a small ball at its centre
	d, err := NewDomain("difference", map[string]any{"parts": []any{
		map[string]any{"type": "mesh", "file": m, "name": "cube"},
		map[string]any{"type": "ball", "center": []any{0.5, 0.5, 0.5}, "radius": 0.2, "name": "hole"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got := PartNames(d); !slices.Equal(got, []string{"cube", "top", "rest", "hole"}) {
		t.Fatalf("CSG parts %v", got)
	}
	for _, tc := range []struct {
		names []string
		share float64 // of the points on the top face
	}{{[]string{"top"}, 1}, {[]string{"cube"}, 1.0 / 6}, {[]string{"rest"}, 0}} {
		p, err := Parts(d, tc.names)
		if err != nil {
			t.Fatal(err)
		}
		pts, _, err := p.Boundary(1200, Uniform{}, Stream(12, 2))
		if err != nil {
			t.Fatal(err)
		}
		onTop := 0
		for i := 0; i < 1200; i++ {
			if pts[3*i+2] == 1 {
				onTop++
			}
		}
		checkShare(t, fmt.Sprint(tc.names), onTop, 1200, tc.share)
	}
}

// BenchmarkMeshContains: the inside test of a 5120-facet sphere, per point.
func BenchmarkMeshContains(b *testing.B) {
	m, err := NewMesh(icosphere(4, [3]float64{}, 1))
	if err != nil {
		b.Fatal(err)
	}
	rng := Stream(1, 1)
	pts := make([][]float64, 1024)
	for i := range pts {
		pts[i] = []float64{2*rng.Float64() - 1, 2*rng.Float64() - 1, 2*rng.Float64() - 1}
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m.Contains(pts[i%len(pts)], 0)
	}
}
