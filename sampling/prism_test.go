package sampling

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCylinder checks the cylinder along each axis: points inside, the
// interior's axial and radial moments, and boundary points on the wall or a
// cap with the right outward normal, shared by area.
func TestCylinder(t *testing.T) {
	c := [3]float64{1, -2, 0.5}
	R, H := 0.5, 3.0
	for axis := range 3 {
		cyl := Cylinder(c, R, H, axis)
		if err := cyl.Validate(); err != nil {
			t.Fatal(err)
		}
		if v := cyl.Volume(); math.Abs(v-math.Pi*R*R*H) > 1e-12 {
			t.Errorf("axis %d: volume %g", axis, v)
		}
		lo, hi := cyl.Bounds()
		for k := range 3 {
			want := R
			if k == axis {
				want = H / 2
			}
			if math.Abs(lo[k]-(c[k]-want)) > 1e-12 || math.Abs(hi[k]-(c[k]+want)) > 1e-12 {
				t.Errorf("axis %d: bounds %v %v", axis, lo, hi)
			}
		}
		// split a point into axial offset and radial distance
		split := func(x []float64) (h, r float64) {
			s := 0.0
			for k := range 3 {
				if k == axis {
					h = x[k] - c[k]
				} else {
					s += sq(x[k] - c[k])
				}
			}
			return h, math.Sqrt(s)
		}
		x, err := cyl.Interior(4000, mustSampler(t, "sobol"), Stream(9, uint64(axis)))
		if err != nil {
			t.Fatal(err)
		}
		r2, h2 := 0.0, 0.0
		for i := 0; i < 4000; i++ {
			h, r := split(x[3*i : 3*i+3])
			if math.Abs(h) > H/2+1e-12 || r > R+1e-12 {
				t.Fatalf("axis %d: interior point %v outside", axis, x[3*i:3*i+3])
			}
			r2 += r * r / 4000
			h2 += h * h / 4000
		}
		// uniform: E r^2 = R^2/2, E h^2 = H^2/12 (Sobol: well inside 2%)
		if math.Abs(r2-R*R/2) > 0.02*R*R/2 || math.Abs(h2-H*H/12) > 0.02*H*H/12 {
			t.Errorf("axis %d: E r^2 %g (want %g), E h^2 %g (want %g)", axis, r2, R*R/2, h2, H*H/12)
		}
		pts, nv, err := cyl.Boundary(3000, mustSampler(t, "uniform"), Stream(9, 10+uint64(axis)))
		if err != nil {
			t.Fatal(err)
		}
		caps := 0
		for i := 0; i < 3000; i++ {
			p, n := pts[3*i:3*i+3], nv[3*i:3*i+3]
			h, r := split(p)
			switch {
			case math.Abs(math.Abs(h)-H/2) < 1e-12: // a cap: normal ±axis
				caps++
				if math.Abs(n[axis]-math.Copysign(1, h)) > 1e-12 || r > R+1e-12 {
					t.Fatalf("axis %d: cap point %v normal %v", axis, p, n)
				}
			case math.Abs(r-R) < 1e-12: // the wall: radial normal
				for k := range 3 {
					want := (p[k] - c[k]) / R
					if k == axis {
						want = 0
					}
					if math.Abs(n[k]-want) > 1e-12 {
						t.Fatalf("axis %d: wall point %v normal %v", axis, p, n)
					}
				}
			default:
				t.Fatalf("axis %d: point %v (h %g, r %g) not on the surface", axis, p, h, r)
			}
		}
		checkShare(t, "cylinder caps", caps, 3000, 2*math.Pi*R*R/cyl.BoundaryMeasure())
		if cyl.Contains([]float64{c[0] + 10, c[1], c[2]}, 0) {
			t.Errorf("axis %d: far point inside", axis)
		}
	}
	if err := Cylinder(c, R, H, 3).Validate(); err == nil {
		t.Errorf("axis 3 accepted")
	}
}

// TestExtrusionMatchesMesh: the extrusion of an L-shaped polygon and the
// Mesh of its tessellated surface (ExtrusionSurface) are the same solid:
// same volume and area, same inside test on random points, and the mesh's
// boundary points lie on the extrusion's boundary with its normals.
func TestExtrusionMatchesMesh(t *testing.T) {
	L := MustPolygon([][2]float64{{0, 0}, {2, 0}, {2, 0.5}, {0.5, 0.5}, {0.5, 1.5}, {0, 1.5}})
	for axis := range 3 {
		e := Extrusion(L, axis, -0.2, 0.3)
		m := mustMesh(t, ExtrusionSurface(L, axis, -0.2, 0.3))
		if math.Abs(e.Volume()-m.Volume()) > 1e-12 || math.Abs(e.BoundaryMeasure()-m.BoundaryMeasure()) > 1e-12 {
			t.Errorf("axis %d: volume %g / %g, area %g / %g", axis, e.Volume(), m.Volume(), e.BoundaryMeasure(), m.BoundaryMeasure())
		}
		elo, ehi := e.Bounds()
		mlo, mhi := m.Bounds()
		for k := range 3 {
			if elo[k] != mlo[k] || ehi[k] != mhi[k] {
				t.Fatalf("axis %d: bounds %v %v vs %v %v", axis, elo, ehi, mlo, mhi)
			}
		}
		rng := Stream(10, uint64(axis))
		for range 20000 {
			x := make([]float64, 3)
			for k := range 3 {
				x[k] = elo[k] - 0.1 + (ehi[k]-elo[k]+0.2)*rng.Float64()
			}
			if e.Contains(x, 0) != m.Contains(x, 0) {
				t.Fatalf("axis %d: %v: extrusion %v, mesh %v", axis, x, e.Contains(x, 0), m.Contains(x, 0))
			}
		}
		pts, nv, err := m.Boundary(2000, mustSampler(t, "uniform"), Stream(10, 5))
		if err != nil {
			t.Fatal(err)
		}
		probe := make([]float64, 3)
		for i := 0; i < 2000; i++ {
			p, n := pts[3*i:3*i+3], nv[3*i:3*i+3]
			for k := range 3 {
				probe[k] = p[k] + 1e-6*n[k]
			}
			out := e.Contains(probe, 0)
			for k := range 3 {
				probe[k] = p[k] - 1e-6*n[k]
			}
			if out || !e.Contains(probe, 0) {
				// a point within 1e-6 of an edge can probe across it
				if !e.Contains(p, 1e-9) {
					t.Fatalf("axis %d: mesh boundary point %v not on the extrusion", axis, p)
				}
				continue
			}
		}
		ep, en, err := e.Boundary(2000, mustSampler(t, "uniform"), Stream(10, 6))
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2000; i++ {
			p, n := ep[3*i:3*i+3], en[3*i:3*i+3]
			if !m.Contains(p, 1e-9) || math.Abs(dot3([3]float64(n), [3]float64(n))-1) > 1e-12 {
				t.Fatalf("axis %d: extrusion boundary point %v (normal %v) not on the mesh", axis, p, n)
			}
		}
	}
}

// TestSolidSpecs builds the 3-D shapes through NewDomain, in CSG too, and
// checks the errors of bad parameters.
func TestSolidSpecs(t *testing.T) {
	dir := t.TempDir()
	stl := filepath.Join(dir, "ball.stl")
	var buf bytes.Buffer
	if err := WriteSTL(&buf, icosphere(3, [3]float64{}, 1)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stl, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := NewDomain("difference", map[string]any{"parts": []any{
		map[string]any{"type": "mesh", "file": stl, "name": "shell"},
		map[string]any{"type": "cylinder", "radius": 0.3, "height": 4, "axis": "x", "name": "bore"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if d.Dim() != 3 || d.Contains([]float64{0, 0, 0}, 0) || !d.Contains([]float64{0, 0.6, 0}, 0) {
		t.Errorf("ball minus a bore along x: wrong inside test")
	}
	bore, err := Parts(d, []string{"bore"})
	if err != nil {
		t.Fatal(err)
	}
	pts, nv, err := bore.Boundary(500, mustSampler(t, "uniform"), Stream(11, 1))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 500; i++ {
		p, n := pts[3*i:3*i+3], nv[3*i:3*i+3]
		r := math.Hypot(p[1], p[2])
		// the bore's wall inside the ball, normals into the bore
		if math.Abs(r-0.3) > 1e-9 || math.Abs(n[1]+p[1]/r) > 1e-9 || math.Abs(n[2]+p[2]/r) > 1e-9 || n[0] != 0 {
			t.Fatalf("bore point %v normal %v", p, n)
		}
	}
	e, err := NewDomain("extrusion", map[string]any{"vertices": []any{[]any{0, 0}, []any{1, 0}, []any{0, 1}}, "range": []any{0, 2}, "axis": "y"})
	if err != nil {
		t.Fatal(err)
	}
	// axis y: the polygon is in (z, x)
	if !e.Contains([]float64{0.2, 1, 0.2}, 0) || e.Contains([]float64{0.2, 2.5, 0.2}, 0) || e.Contains([]float64{0.8, 1, 0.8}, 0) {
		t.Errorf("extrusion along y: wrong inside test")
	}
	for _, tc := range []struct {
		typ    string
		params map[string]any
		want   string
	}{
		{"mesh", map[string]any{}, `missing parameter "file"`},
		{"mesh", map[string]any{"file": filepath.Join(dir, "none.stl")}, "none.stl: no such file"},
		{"mesh", map[string]any{"file": stl, "scale": 2}, `unknown parameter "scale"`},
		{"cylinder", map[string]any{"radius": 1}, `missing parameter "height"`},
		{"cylinder", map[string]any{"radius": -1, "height": 1}, "need finite > 0"},
		{"cylinder", map[string]any{"height": 1, "center": []any{0, 0}}, "3 coordinates"},
		{"cylinder", map[string]any{"height": 1, "axis": "w"}, "want x, y or z"},
		{"extrusion", map[string]any{"vertices": []any{[]any{0, 0}, []any{1, 0}, []any{0, 1}}}, `missing parameter "range"`},
		{"extrusion", map[string]any{"vertices": []any{[]any{0, 0}, []any{1, 0}, []any{0, 1}}, "range": []any{1, 1}}, "lo < hi"},
	} {
		_, err := NewDomain(tc.typ, tc.params)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %v: error %v, want %q", tc.typ, tc.params, err, tc.want)
		}
	}
}
