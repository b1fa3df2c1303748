package sampling

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// Test polygons: convex and not, both orientations, with straight
// vertices on edges.
var (
	lShape = [][2]float64{{0, 0}, {2, 0}, {2, 1}, {1, 1}, {1, 2}, {0, 2}} // area 3, CCW
	star   = func() [][2]float64 {
		var v [][2]float64
		for k := range 10 {
			r := 1.0
			if k%2 == 1 {
				r = 0.4
			}
			a := math.Pi/2 + float64(k)*math.Pi/5
			v = append(v, [2]float64{r * math.Cos(a), r * math.Sin(a)})
		}
		return v
	}()
	comb = [][2]float64{{0, 0}, {5, 0}, {5, 3}, {4, 3}, {4, 1}, {3, 1}, {3, 3}, {2, 3}, {2, 1}, {1, 1}, {1, 3}, {0, 3}}
	// A square with straight vertices at the edge midpoints, clockwise.
	squareMid = [][2]float64{{0, 0}, {0, 0.5}, {0, 1}, {0.5, 1}, {1, 1}, {1, 0.5}, {1, 0}, {0.5, 0}}
)

func reversed(v [][2]float64) [][2]float64 {
	r := slices.Clone(v)
	slices.Reverse(r)
	return r
}

// shoelace is the unsigned area of a vertex chain.
func shoelace(v [][2]float64) float64 {
	s := 0.0
	for i := range v {
		a, b := v[i], v[(i+1)%len(v)]
		s += a[0]*b[1] - b[0]*a[1]
	}
	return math.Abs(s) / 2
}

// clipRight clips a polygon to the half-plane x >= c (Sutherland–Hodgman,
// which is exact in area for any simple subject polygon and a convex clip
// region), an area oracle independent of the triangulation.
func clipRight(v [][2]float64, c float64) [][2]float64 {
	var out [][2]float64
	for i := range v {
		a, b := v[i], v[(i+1)%len(v)]
		ain, bin := a[0] >= c, b[0] >= c
		if ain {
			out = append(out, a)
		}
		if ain != bin {
			t := (c - a[0]) / (b[0] - a[0])
			out = append(out, [2]float64{c, a[1] + t*(b[1]-a[1])})
		}
	}
	return out
}

func TestPolygonValidation(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    [][2]float64
		want string
	}{
		{"two vertices", [][2]float64{{0, 0}, {1, 0}}, "at least 3"},
		{"bowtie", [][2]float64{{0, 0}, {1, 1}, {1, 0}, {0, 1}}, "intersect"},
		{"figure eight", [][2]float64{{0, 0}, {2, 0}, {2, 2}, {1, 2}, {1, -1}, {0, -1}}, "intersect"},
		{"repeated vertex", [][2]float64{{0, 0}, {1, 0}, {1, 0}, {0, 1}}, "coincide"},
		{"closing vertex repeated", [][2]float64{{0, 0}, {1, 0}, {0, 1}, {0, 0}}, "coincide"},
		{"collinear", [][2]float64{{0, 0}, {1, 0}, {2, 0}}, "fold back"},
		{"spike", [][2]float64{{0, 0}, {2, 0}, {1, 0}, {1, 1}}, "fold back"},
		{"vertex on an edge", [][2]float64{{0, 0}, {2, 0}, {2, 2}, {1, 0}, {0, 2}}, "intersect"},
		{"pinched", [][2]float64{{0, 0}, {1, 1}, {2, 0}, {2, 2}, {1, 1}, {0, 2}}, "intersect"},
		{"NaN", [][2]float64{{0, 0}, {1, math.NaN()}, {0, 1}}, "finite"},
	} {
		_, err := NewPolygon(tc.v)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q does not mention %q", tc.name, err, tc.want)
		}
	}
	var zero Polygon
	if _, err := zero.Interior(3, Uniform{}, Stream(1)); err == nil {
		t.Error("zero Polygon sampled")
	}
	if zero.Contains([]float64{0, 0}, 1) {
		t.Error("zero Polygon contains a point")
	}
}

func TestPolygonTriangulation(t *testing.T) {
	for name, v := range map[string][][2]float64{
		"triangle": {{0, 0}, {1, 0}, {0, 1}}, "L": lShape, "L cw": reversed(lShape),
		"star": star, "comb": comb, "comb cw": reversed(comb), "square+mid": squareMid,
	} {
		p, err := NewPolygon(v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if math.Abs(p.Area()-shoelace(v)) > 1e-12 {
			t.Errorf("%s: area %v, want %v", name, p.Area(), shoelace(v))
		}
		sum := 0.0
		for _, tr := range p.Triangles() {
			a := orient(tr[0], tr[1], tr[2]) / 2
			if a <= 0 {
				t.Errorf("%s: triangle %v not counter-clockwise", name, tr)
			}
			sum += a
			c := []float64{(tr[0][0] + tr[1][0] + tr[2][0]) / 3, (tr[0][1] + tr[1][1] + tr[2][1]) / 3}
			if !p.Contains(c, 0) {
				t.Errorf("%s: triangle %v centroid outside", name, tr)
			}
		}
		if math.Abs(sum-p.Area()) > 1e-12*p.Area() {
			t.Errorf("%s: triangles sum to %v, area %v", name, sum, p.Area())
		}
		if wantCW := name == "L cw" || name == "comb cw" || name == "square+mid"; p.Clockwise() != wantCW {
			t.Errorf("%s: Clockwise() = %v", name, p.Clockwise())
		}
	}
}

func TestPolygonInterior(t *testing.T) {
	for name, v := range map[string][][2]float64{"L": lShape, "L cw": reversed(lShape), "star": star, "comb": comb} {
		p := MustPolygon(v)
		for _, sname := range interiorSamplers {
			label := fmt.Sprintf("%s %s", name, sname)
			x, err := p.Interior(6000, mustSampler(t, sname), Stream(30))
			if err != nil {
				t.Fatalf("%s: %v", label, err)
			}
			m := len(x) / 2
			if m != wantCount(sname, 6000, 3) {
				t.Fatalf("%s: %d points", label, m)
			}
			for i := 0; i < m; i++ {
				if !p.Contains(x[2*i:2*i+2], 1e-12) {
					t.Fatalf("%s: %v outside", label, x[2*i:2*i+2])
				}
			}
			if sname == "grid" {
				continue
			}
			// Sub-triangle counts ∝ triangle area.
			tris := p.Triangles()
			for k, tr := range tris {
				in := 0
				for i := 0; i < m; i++ {
					w := [2]float64{x[2*i], x[2*i+1]}
					if orient(tr[0], tr[1], w) >= 0 && orient(tr[1], tr[2], w) >= 0 && orient(tr[2], tr[0], w) >= 0 {
						in++
					}
				}
				checkShare(t, fmt.Sprintf("%s triangle %d", label, k), in, m, orient(tr[0], tr[1], tr[2])/2/p.Area())
			}
			// Half-plane shares against the clipped area (independent of the
			// triangulation), at a few cut positions.
			lo, hi := p.Bounds()
			for _, f := range []float64{0.3, 0.5, 0.8} {
				c := lo[0] + f*(hi[0]-lo[0])
				right := 0
				for i := 0; i < m; i++ {
					if x[2*i] >= c {
						right++
					}
				}
				checkShare(t, fmt.Sprintf("%s x >= %.2f", label, c), right, m, shoelace(clipRight(v, c))/p.Area())
			}
		}
	}
}

func TestPolygonBoundary(t *testing.T) {
	for name, v := range map[string][][2]float64{"L": lShape, "L cw": reversed(lShape), "star": star, "comb": comb, "square+mid": squareMid} {
		p := MustPolygon(v)
		for _, sname := range interiorSamplers {
			label := fmt.Sprintf("%s %s boundary", name, sname)
			all := make([]int, p.NumEdges())
			for i := range all {
				all[i] = i
			}
			pts, normals, edge, err := p.EdgePoints(all, 2000, mustSampler(t, sname), Stream(31))
			if err != nil {
				t.Fatalf("%s: %v", label, err)
			}
			if len(edge) != 2000 {
				t.Fatalf("%s: %d points", label, len(edge))
			}
			counts := make([]int, p.NumEdges())
			for i, e := range edge {
				counts[e]++
				if d := p.edgeDistance(pts[2*i : 2*i+2]); d > 1e-12 {
					t.Fatalf("%s: point %v is %g from the boundary", label, pts[2*i:2*i+2], d)
				}
				a, b := v[e], v[(e+1)%len(v)]
				if d := segmentDistance(a, b, pts[2*i:2*i+2]); d > 1e-12 {
					t.Fatalf("%s: point %v is %g from its edge %d", label, pts[2*i:2*i+2], d, e)
				}
			}
			// Shares ∝ edge length, within one point (largest remainder).
			for e := range counts {
				want := 2000 * p.edge[e] / p.BoundaryMeasure()
				if math.Abs(float64(counts[e])-want) >= 1 {
					t.Errorf("%s: edge %d has %d points, want %.2f", label, e, counts[e], want)
				}
			}
			ap, an := awayFrom(pts, normals, v, 1e-4)
			checkBoundary(t, label, p, ap, an)
			p2, n2, err := p.Boundary(2000, mustSampler(t, sname), Stream(31))
			if err != nil || !slices.Equal(p2, pts) || !slices.Equal(n2, normals) {
				t.Errorf("%s: Boundary differs from EdgePoints over all edges (%v)", label, err)
			}
		}
	}
	// Named edges: edge 4, (1,2)-(0,2), has normal +y; edge 1, (2,0)-(2,1), +x.
	p := MustPolygon(lShape)
	pts, normals, edge, err := p.EdgePoints([]int{4, 1}, 30, Uniform{}, Stream(32))
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range edge {
		want := [][2]float64{{0, 1}, {1, 0}}[k]
		if normals[2*i] != want[0] || normals[2*i+1] != want[1] {
			t.Errorf("edge %d point %v normal %v, want %v", []int{4, 1}[k], pts[2*i:2*i+2], normals[2*i:2*i+2], want)
		}
	}
	for _, es := range [][]int{{6}, {-1}, {1, 1}, nil} {
		if _, _, _, err := p.EdgePoints(es, 5, Uniform{}, Stream(1)); err == nil {
			t.Errorf("edges %v accepted", es)
		}
	}
}

func TestPolygonContains(t *testing.T) {
	p := MustPolygon(lShape)
	for _, tc := range []struct {
		x    []float64
		tol  float64
		want bool
	}{
		{[]float64{0.5, 0.5}, 0, true},
		{[]float64{1.5, 1.5}, 0, false}, // the notch
		{[]float64{1.5, 1.5}, 0.6, true},
		{[]float64{2, 0.5}, 0, true}, // on an edge
		{[]float64{1, 1}, 0, true},   // the reflex vertex
		{[]float64{2 + 1e-9, 0.5}, 0, false},
		{[]float64{2 + 1e-9, 0.5}, 1e-8, true},
		{[]float64{1.9, 0.5}, -0.05, true}, // shrunk
		{[]float64{1.99, 0.5}, -0.05, false},
		{[]float64{0.5}, 1, false},
		{[]float64{math.NaN(), 0.5}, 1, false},
	} {
		if got := p.Contains(tc.x, tc.tol); got != tc.want {
			t.Errorf("Contains(%v, %g) = %v", tc.x, tc.tol, got)
		}
	}
	lo, hi := p.Bounds()
	if !slices.Equal(lo, []float64{0, 0}) || !slices.Equal(hi, []float64{2, 2}) {
		t.Errorf("bounds %v %v", lo, hi)
	}
	if p.BoundaryMeasure() != 8 {
		t.Errorf("perimeter %v", p.BoundaryMeasure())
	}
}

func BenchmarkPolygonInterior(b *testing.B) {
	for _, tc := range []struct {
		name string
		v    [][2]float64
	}{{"L", lShape}, {"comb", comb}, {"star", star}, {"circle256", func() [][2]float64 {
		v := make([][2]float64, 256)
		for k := range v {
			a := 2 * math.Pi * float64(k) / 256
			v[k] = [2]float64{math.Cos(a), math.Sin(a)}
		}
		return v
	}()}} {
		p := MustPolygon(tc.v)
		for _, s := range []UnitSampler{Uniform{}, Sobol{}} {
			b.Run(tc.name+"/"+s.Name(), func(b *testing.B) {
				rng := Stream(1)
				b.ReportAllocs()
				for b.Loop() {
					if _, err := p.Interior(10000, s, rng); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkNewPolygon256(b *testing.B) {
	v := make([][2]float64, 256)
	for k := range v {
		a := 2 * math.Pi * float64(k) / 256
		r := 1 + 0.3*float64(k%2) // a 128-pointed star: every other vertex reflex
		v[k] = [2]float64{r * math.Cos(a), r * math.Sin(a)}
	}
	for b.Loop() {
		if _, err := NewPolygon(v); err != nil {
			b.Fatal(err)
		}
	}
}

// A polygon in time: the joint QMC set covers (u0, u1, u2, t), and the
// space-time boundary knows the polygon's perimeter-to-area ratio.
func TestPolygonSpaceTime(t *testing.T) {
	st := SpaceTime{Space: MustPolygon(lShape), T0: 0, T1: 1}
	x, err := st.Interior(256, Sobol{}, Stream(33))
	if err != nil || len(x) != 256*3 {
		t.Fatalf("interior: %d, %v", len(x), err)
	}
	for i := 0; i < 256; i++ {
		if !st.Contains(x[3*i:3*i+3], 1e-12) {
			t.Fatalf("%v outside", x[3*i:3*i+3])
		}
	}
	// Lateral : caps = (8/3)*1 : 1 : 1 of 1400 points = 800 : 300 : 300.
	pts, _, err := st.Boundary(1400, Sobol{}, Stream(34))
	if err != nil {
		t.Fatal(err)
	}
	caps := 0
	for i := 0; i < 1400; i++ {
		if tt := pts[3*i+2]; tt == 0 || tt == 1 {
			caps++
		}
	}
	if caps != 600 {
		t.Errorf("%d cap points, want 600", caps)
	}
}

// TestPolygonRandomStars triangulates random star-shaped polygons (simple
// by construction, mostly non-convex) of 3 to 80 vertices in both
// orientations: the triangles are counter-clockwise, inside, and sum to the
// shoelace area.
func TestPolygonRandomStars(t *testing.T) {
	rng := Stream(35)
	for trial := range 200 {
		n := 3 + rng.IntN(78)
		ang := make([]float64, n)
		for k := range ang {
			ang[k] = 2 * math.Pi * (float64(k) + 0.8*rng.Float64()) / float64(n)
		}
		v := make([][2]float64, n)
		for k, a := range ang {
			r := 0.2 + rng.Float64()
			v[k] = [2]float64{r * math.Cos(a), r * math.Sin(a)}
		}
		if trial%2 == 1 {
			v = reversed(v)
		}
		p, err := NewPolygon(v)
		if err != nil {
			t.Fatalf("trial %d (%d vertices): %v", trial, n, err)
		}
		tris := p.Triangles()
		if len(tris) > n-2 {
			t.Errorf("trial %d: %d triangles for %d vertices", trial, len(tris), n)
		}
		sum := 0.0
		for _, tr := range tris {
			a := orient(tr[0], tr[1], tr[2]) / 2
			c := []float64{(tr[0][0] + tr[1][0] + tr[2][0]) / 3, (tr[0][1] + tr[1][1] + tr[2][1]) / 3}
			if a <= 0 || !p.Contains(c, 0) {
				t.Fatalf("trial %d: bad triangle %v", trial, tr)
			}
			sum += a
		}
		if math.Abs(sum-shoelace(v)) > 1e-12*shoelace(v) {
			t.Errorf("trial %d: triangles sum to %v, area %v", trial, sum, shoelace(v))
		}
	}
}
