package sampling

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// TestCSGSquareMinusDisk: [-1,1]^2 minus the disk of radius 0.5 about the
// origin. Interior points avoid the hole and are uniform (the ring
// 0.5 < r < 0.8 holds its area share; quadrants a quarter each); boundary
// points split by length between the square and the hole, and the hole's
// normals point into the hole, outward of the domain.
func TestCSGSquareMinusDisk(t *testing.T) {
	const r = 0.5
	sq := Box{Lo: []float64{-1, -1}, Hi: []float64{1, 1}}
	d := Difference{A: sq, B: Disk(0, 0, r)}
	area := 4 - math.Pi*r*r

	// The fraction of square points the difference contains is its area
	// fraction 1 - pi r^2 / 4.
	u, _ := sq.Interior(20000, Uniform{}, Stream(40))
	in := 0
	for i := 0; i < len(u)/2; i++ {
		if d.Contains(u[2*i:2*i+2], 0) {
			in++
		}
	}
	checkShare(t, "square points in the difference", in, len(u)/2, area/4)

	for _, name := range interiorSamplers {
		label := "square minus disk " + name
		x, err := d.Interior(6000, mustSampler(t, name), Stream(41))
		if err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		m := len(x) / 2
		if name != "grid" && m != 6000 {
			t.Fatalf("%s: %d points", label, m)
		}
		if name == "grid" && math.Abs(float64(m)-6000) > 0.05*6000 {
			t.Errorf("%s: %d lattice points, want about 6000", label, m)
		}
		ring, quad := 0, [4]int{}
		for i := 0; i < m; i++ {
			p := x[2*i : 2*i+2]
			if !d.Contains(p, 0) || math.Hypot(p[0], p[1]) < r {
				t.Fatalf("%s: %v not in the domain", label, p)
			}
			if math.Hypot(p[0], p[1]) < 0.8 {
				ring++
			}
			q := 0
			if p[0] < 0 {
				q++
			}
			if p[1] < 0 {
				q += 2
			}
			quad[q]++
		}
		if name == "grid" {
			continue
		}
		checkShare(t, label+" ring", ring, m, math.Pi*(0.64-r*r)/area)
		for q, k := range quad {
			checkShare(t, fmt.Sprintf("%s quadrant %d", label, q), k, m, 0.25)
		}
	}

	for _, name := range interiorSamplers {
		label := "square minus disk boundary " + name
		pts, normals, err := d.Boundary(4000, mustSampler(t, name), Stream(42))
		if err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		if len(pts) != 8000 {
			t.Fatalf("%s: %d points", label, len(pts)/2)
		}
		ap, an := awayFrom(pts, normals, [][2]float64{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}}, 1e-4)
		checkBoundary(t, label, d, ap, an)
		hole := 0
		for i := 0; i < 4000; i++ {
			x, nv := pts[2*i:2*i+2], normals[2*i:2*i+2]
			rr := math.Hypot(x[0], x[1])
			onHole := math.Abs(rr-r) <= 1e-12
			onSquare := math.Abs(math.Max(math.Abs(x[0]), math.Abs(x[1]))-1) <= 1e-12
			if onHole == onSquare {
				t.Fatalf("%s: %v on neither (or both) boundary pieces", label, x)
			}
			if onHole {
				hole++
				// Into the hole: n = -x/r.
				if math.Abs(nv[0]+x[0]/r) > 1e-12 || math.Abs(nv[1]+x[1]/r) > 1e-12 {
					t.Fatalf("%s: hole point %v normal %v, want %v", label, x, nv, []float64{-x[0] / r, -x[1] / r})
				}
			}
		}
		checkShare(t, label+" hole share", hole, 4000, 2*math.Pi*r/(8+2*math.Pi*r))
	}
}

func TestCSGShapes(t *testing.T) {
	sq := Box{Lo: []float64{0, 0}, Hi: []float64{1, 1}}
	right := Box{Lo: []float64{1, 0}, Hi: []float64{2, 1}}
	tri := MustPolygon([][2]float64{{0.5, 0.5}, {2.5, 0.5}, {1.5, 2}})
	ann := Annulus{Center: []float64{1, 1}, Inner: 0.3, Outer: 0.9}
	for _, tc := range []struct {
		name    string
		d       Domain
		area    float64 // 0 when not known in closed form
		corners [][2]float64
		onBdry  func(x []float64) bool // exact boundary membership, 1e-12
	}{
		{
			name: "two disks union", d: Union{Parts: []Domain{Disk(0, 0, 1), Disk(1, 0, 1)}},
			area:    2*math.Pi - (2*math.Pi/3 - math.Sqrt(3)/2),
			corners: [][2]float64{{0.5, math.Sqrt(3) / 2}, {0.5, -math.Sqrt(3) / 2}},
			onBdry: func(x []float64) bool {
				r0, r1 := math.Hypot(x[0], x[1]), math.Hypot(x[0]-1, x[1])
				return (math.Abs(r0-1) < 1e-12 && r1 >= 1-1e-12) || (math.Abs(r1-1) < 1e-12 && r0 >= 1-1e-12)
			},
		},
		{
			name: "two disks lens", d: Intersection{Parts: []Domain{Disk(0, 0, 1), Disk(1, 0, 1)}},
			area:    2*math.Pi/3 - math.Sqrt(3)/2,
			corners: [][2]float64{{0.5, math.Sqrt(3) / 2}, {0.5, -math.Sqrt(3) / 2}},
			onBdry: func(x []float64) bool {
				r0, r1 := math.Hypot(x[0], x[1]), math.Hypot(x[0]-1, x[1])
				return (math.Abs(r0-1) < 1e-12 && r1 <= 1+1e-12) || (math.Abs(r1-1) < 1e-12 && r0 <= 1+1e-12)
			},
		},
		{
			// The seam x = 1 between the squares is not boundary.
			name: "squares sharing an edge", d: Union{Parts: []Domain{sq, right}}, area: 2,
			corners: [][2]float64{{0, 0}, {2, 0}, {2, 1}, {0, 1}, {1, 0}, {1, 1}},
			onBdry: func(x []float64) bool {
				return (math.Abs(x[1]) < 1e-12 || math.Abs(x[1]-1) < 1e-12 || math.Abs(x[0]) < 1e-12 || math.Abs(x[0]-2) < 1e-12) &&
					x[0] > -1e-12 && x[0] < 2+1e-12 && x[1] > -1e-12 && x[1] < 1+1e-12
			},
		},
		{
			name: "square minus two disks", d: Difference{A: Box{Lo: []float64{0, 0}, Hi: []float64{3, 1}}, B: Union{Parts: []Domain{Disk(0.75, 0.5, 0.25), Disk(2.25, 0.5, 0.3)}}},
			area:    3 - math.Pi*(0.0625+0.09),
			corners: [][2]float64{{0, 0}, {3, 0}, {3, 1}, {0, 1}},
		},
		{
			name: "annulus cut by a polygon", d: Intersection{Parts: []Domain{ann, tri}},
			corners: append(tri.Vertices(), [2]float64{1, 1}),
		},
		{
			name: "nested: (square ∪ triangle) \\ annulus", d: Difference{A: Union{Parts: []Domain{sq, tri}}, B: ann},
			corners: append(tri.Vertices(), [2]float64{1, 1}, [2]float64{0, 0}, [2]float64{1, 0}, [2]float64{0, 1}, [2]float64{1, 0.5}, [2]float64{0.5, 1}),
		},
	} {
		for _, name := range []string{"uniform", "sobol", "halton", "lhs"} {
			label := tc.name + " " + name
			x, err := tc.d.Interior(4000, mustSampler(t, name), Stream(43))
			if err != nil {
				t.Fatalf("%s: %v", label, err)
			}
			if len(x) != 8000 {
				t.Fatalf("%s: %d points", label, len(x)/2)
			}
			for i := 0; i < 4000; i++ {
				if !tc.d.Contains(x[2*i:2*i+2], 0) {
					t.Fatalf("%s: %v outside", label, x[2*i:2*i+2])
				}
			}
			pts, normals, err := tc.d.Boundary(3000, mustSampler(t, name), Stream(44))
			if err != nil {
				t.Fatalf("%s boundary: %v", label, err)
			}
			if len(pts) != 6000 {
				t.Fatalf("%s boundary: %d points", label, len(pts)/2)
			}
			if tc.onBdry != nil {
				for i := 0; i < 3000; i++ {
					if !tc.onBdry(pts[2*i : 2*i+2]) {
						t.Fatalf("%s: %v not on the boundary", label, pts[2*i:2*i+2])
					}
				}
			}
			ap, an := awayFrom(pts, normals, tc.corners, 1e-4)
			checkBoundary(t, label+" boundary", tc.d, ap, an)
			if tc.area == 0 || name != "uniform" {
				continue
			}
			// Uniformity: the share left of the bounding box's mid-line,
			// against a 200k-point Monte Carlo estimate of the area there
			// (its own error is tiny next to the test's).
			lo, hi := tc.d.Bounds()
			mid := (lo[0] + hi[0]) / 2
			left := 0
			for i := 0; i < 4000; i++ {
				if x[2*i] < mid {
					left++
				}
			}
			ref, err := Box{Lo: lo, Hi: hi}.Interior(200000, Uniform{}, Stream(45))
			if err != nil {
				t.Fatal(err)
			}
			inL, inAll := 0, 0
			for i := 0; i < len(ref)/2; i++ {
				if tc.d.Contains(ref[2*i:2*i+2], 0) {
					inAll++
					if ref[2*i] < mid {
						inL++
					}
				}
			}
			boxArea := (hi[0] - lo[0]) * (hi[1] - lo[1])
			if got := boxArea * float64(inAll) / float64(len(ref)/2); math.Abs(got-tc.area) > 0.02*tc.area {
				t.Errorf("%s: Monte Carlo area %.4f, want %.4f", label, got, tc.area)
			}
			checkShare(t, label+" left half", left, 4000, float64(inL)/float64(inAll))
		}
	}
}

func TestCSGErrors(t *testing.T) {
	sq := Cube(2, 0, 1)
	for _, tc := range []struct {
		name string
		d    Domain
		want string
	}{
		{"empty union", Union{}, "no domains"},
		{"nil part", Union{Parts: []Domain{sq, nil}}, "nil"},
		{"mixed dimensions", Intersection{Parts: []Domain{sq, Cube(3, 0, 1)}}, "dimensions"},
		{"invalid part", Difference{A: sq, B: Disk(0, 0, -1)}, "radius"},
		{"disjoint intersection", Intersection{Parts: []Domain{sq, Disk(5, 5, 1)}}, "bounding box"},
		{"tangent disks", Intersection{Parts: []Domain{Disk(0, 0, 1), Disk(2, 0, 1)}}, "empty"},
		{"nothing left", Difference{A: sq, B: Cube(2, -1, 2)}, "empty"},
	} {
		if _, err := tc.d.Interior(100, Uniform{}, Stream(46)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: interior error %v, want %q", tc.name, err, tc.want)
		}
		if _, _, err := tc.d.Boundary(100, Uniform{}, Stream(46)); err == nil {
			t.Errorf("%s: boundary accepted", tc.name)
		}
	}
	// A leaf without a known boundary measure.
	st := SpaceTime{Space: Disk(0, 0, 1), T0: 0, T1: 1}
	u := Union{Parts: []Domain{st, Cube(3, 0, 1)}}
	if _, _, err := u.Boundary(10, Uniform{}, Stream(47)); err == nil || !strings.Contains(err.Error(), "BoundaryMeasurer") {
		t.Errorf("space-time leaf: %v", err)
	}
	if _, err := u.Interior(10, Uniform{}, Stream(47)); err != nil {
		t.Errorf("space-time leaf interior: %v", err)
	}
}

// TestCSG3D runs the same code in 3-D: the unit cube minus a ball.
func TestCSG3D(t *testing.T) {
	d := Difference{A: Cube(3, -1, 1), B: CenteredBall(3, 0.6)}
	x, err := d.Interior(2000, Sobol{}, Stream(48))
	if err != nil || len(x) != 6000 {
		t.Fatalf("interior: %d, %v", len(x), err)
	}
	pts, normals, err := d.Boundary(2000, Sobol{}, Stream(49))
	if err != nil || len(pts) != 6000 {
		t.Fatalf("boundary: %d, %v", len(pts), err)
	}
	checkBoundary(t, "cube minus ball", d, pts, normals)
	hole := 0
	for i := 0; i < 2000; i++ {
		if r := math.Sqrt(pts[3*i]*pts[3*i] + pts[3*i+1]*pts[3*i+1] + pts[3*i+2]*pts[3*i+2]); math.Abs(r-0.6) < 1e-12 {
			hole++
		}
	}
	checkShare(t, "3-D hole share", hole, 2000, 4*math.Pi*0.36/(24+4*math.Pi*0.36))
}

// TestPartsErrors: names are listed, unknown ones refused with the list,
// and only shapes can be named.
func TestPartsErrors(t *testing.T) {
	d, err := NewDomain("difference", map[string]any{"parts": []any{
		map[string]any{"type": "box", "name": "plate", "lo": []any{-1.0, -1.0}, "hi": []any{1.0, 1.0}},
		map[string]any{"type": "disk", "name": "hole", "center": []any{0.0, 0.0}, "radius": 0.4},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got := PartNames(d); len(got) != 2 || got[0] != "plate" || got[1] != "hole" {
		t.Fatalf("PartNames = %v", got)
	}
	if _, err := Parts(d, []string{"rim"}); err == nil || !strings.Contains(err.Error(), "plate, hole") {
		t.Errorf("unknown part: %v", err)
	}
	for _, bad := range []map[string]any{
		{"type": "disk", "name": "Hole", "center": []any{0.0, 0.0}, "radius": 0.4},
		{"type": "union", "name": "u", "parts": []any{map[string]any{"type": "disk", "center": []any{0.0, 0.0}, "radius": 0.4}}},
	} {
		_, err := NewDomain("difference", map[string]any{"parts": []any{
			map[string]any{"type": "box", "lo": []any{-1.0, -1.0}, "hi": []any{1.0, 1.0}}, bad}})
		if err == nil {
			t.Errorf("%v: accepted", bad)
		}
	}
}
