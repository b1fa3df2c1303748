package sampling

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
)

// checkShare asserts that k successes out of n are consistent with
// probability p: within 4.5 binomial standard deviations (two-sided
// false-alarm rate below 1e-5 per check, so a family of a few hundred
// checks stays under 1%).
func checkShare(t *testing.T, label string, k, n int, p float64) {
	t.Helper()
	sd := math.Sqrt(float64(n) * p * (1 - p))
	if math.Abs(float64(k)-float64(n)*p) > 4.5*sd+1e-9 {
		t.Errorf("%s: %d of %d (%.4f), want %.4f ± %.4f", label, k, n, float64(k)/float64(n), p, 4.5*sd/float64(n))
	}
}

// awayFrom drops the points (and normals) within r of any of the corners:
// near a corner the probe of checkBoundary can cross a second side.
func awayFrom(pts, normals []float64, corners [][2]float64, r float64) ([]float64, []float64) {
	var p, nv []float64
	for i := 0; i < len(pts)/2; i++ {
		near := false
		for _, c := range corners {
			if math.Hypot(pts[2*i]-c[0], pts[2*i+1]-c[1]) < r {
				near = true
				break
			}
		}
		if !near {
			p = append(p, pts[2*i:2*i+2]...)
			nv = append(nv, normals[2*i:2*i+2]...)
		}
	}
	return p, nv
}

func TestSphere(t *testing.T) {
	for _, s := range []Sphere{
		{Center: []float64{2}, Radius: 0.5},
		{Center: []float64{1, -1}, Radius: 2},
		{Center: []float64{0, 1, 2}, Radius: 1.5},
		CenteredSphere(6, 1),
	} {
		d := s.Dim()
		for _, name := range interiorSamplers {
			label := fmt.Sprintf("sphere d=%d %s", d, name)
			x, err := s.Interior(2000, mustSampler(t, name), Stream(20, uint64(d)))
			if err != nil {
				t.Fatalf("%s: %v", label, err)
			}
			m := len(x) / d
			if m != wantCount(name, 2000, s.unitDim()) {
				t.Fatalf("%s: %d points", label, m)
			}
			nv := s.Normals(x)
			for i := 0; i < m; i++ {
				p := x[i*d : (i+1)*d]
				r := 0.0
				for k := range p {
					r += (p[k] - s.Center[k]) * (p[k] - s.Center[k])
					if math.Abs(p[k]-s.Center[k]-s.Radius*nv[i*d+k]) > 1e-12*s.Radius {
						t.Fatalf("%s: normal %v not (x-c)/R", label, nv[i*d:(i+1)*d])
					}
				}
				if math.Abs(math.Sqrt(r)-s.Radius) > 1e-12*s.Radius || !s.Contains(p, 1e-12*s.Radius) {
					t.Fatalf("%s: |x - c| = %v, want %v", label, math.Sqrt(r), s.Radius)
				}
			}
			if name != "uniform" {
				continue
			}
			// Uniform on the sphere: each half-space through the centre
			// holds half the points, and in 3-D the height is uniform.
			for k := 0; k < d; k++ {
				pos := 0
				for i := 0; i < m; i++ {
					if x[i*d+k] > s.Center[k] {
						pos++
					}
				}
				checkShare(t, fmt.Sprintf("%s axis %d upper half", label, k), pos, m, 0.5)
			}
			if d == 3 {
				z := column(x, d, 2)
				for i := range z {
					z[i] = (z[i] - s.Center[2] + s.Radius) / (2 * s.Radius)
				}
				if D := ksUniform(z); D > ksCrit(m, 0.001) {
					t.Errorf("%s: KS D of height %.4f > %.4f", label, D, ksCrit(m, 0.001))
				}
			}
		}
		// No boundary: empty for n = 0, an error wrapping ErrNoBoundary otherwise.
		p, nv, err := s.Boundary(0, Uniform{}, Stream(1))
		if err != nil || len(p) != 0 || len(nv) != 0 {
			t.Errorf("d=%d: Boundary(0) = %v, %v, %v", d, p, nv, err)
		}
		if _, _, err := s.Boundary(3, Uniform{}, Stream(1)); !errors.Is(err, ErrNoBoundary) {
			t.Errorf("d=%d: Boundary(3) error %v, want ErrNoBoundary", d, err)
		}
	}
	if math.Abs(Sphere{Center: []float64{0, 0, 0}, Radius: 2}.Area()-16*math.Pi) > 1e-12 ||
		math.Abs(CenteredSphere(2, 3).Area()-6*math.Pi) > 1e-12 {
		t.Error("sphere area")
	}
	for _, s := range []Sphere{{}, {Center: []float64{0}, Radius: 0}, {Center: []float64{0, 0}, Radius: math.Inf(1)}} {
		if _, err := s.Interior(3, Uniform{}, Stream(1)); err == nil {
			t.Errorf("sphere %v accepted", s)
		}
	}
	if CenteredSphere(2, 1).Contains([]float64{0.5, 0}, 0.1) || !CenteredSphere(2, 1).Contains([]float64{0.95, 0}, 0.1) {
		t.Error("sphere Contains is not a shell of width tol")
	}
}

// A PDE on a sphere in time: the space-time boundary is only the two time
// caps, and the joint QMC set covers surface and time.
func TestSphereSpaceTime(t *testing.T) {
	st := SpaceTime{Space: CenteredSphere(3, 1), T0: 0, T1: 2}
	x, err := st.Interior(100, Sobol{}, Stream(21))
	if err != nil || len(x) != 400 {
		t.Fatalf("interior: %d coordinates, %v", len(x), err)
	}
	pts, normals, err := st.Boundary(100, Sobol{}, Stream(22))
	if err != nil || len(pts) != 400 {
		t.Fatalf("boundary: %d coordinates, %v", len(pts), err)
	}
	for i := 0; i < 100; i++ {
		tt, nt := pts[4*i+3], normals[4*i+3]
		if !(tt == 0 && nt == -1) && !(tt == 2 && nt == 1) {
			t.Fatalf("boundary point %v normal %v not on a time cap", pts[4*i:4*i+4], normals[4*i:4*i+4])
		}
	}
}

func TestAnnulusInterior(t *testing.T) {
	a := Annulus{Center: []float64{1, -2}, Inner: 0.5, Outer: 1.5}
	for _, name := range interiorSamplers {
		label := "annulus " + name
		x, err := a.Interior(4000, mustSampler(t, name), Stream(23))
		if err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		m := len(x) / 2
		if m != wantCount(name, 4000, 2) {
			t.Fatalf("%s: %d points", label, m)
		}
		quad := [4]int{}
		inner := 0 // points with r < 1
		rr := make([]float64, m)
		for i := 0; i < m; i++ {
			p := x[2*i : 2*i+2]
			if !a.Contains(p, 1e-12) {
				t.Fatalf("%s: %v outside", label, p)
			}
			dx, dy := p[0]-a.Center[0], p[1]-a.Center[1]
			q := 0
			if dx < 0 {
				q++
			}
			if dy < 0 {
				q += 2
			}
			quad[q]++
			r := math.Hypot(dx, dy)
			if r < 1 {
				inner++
			}
			rr[i] = (r*r - a.Inner*a.Inner) / (a.Outer*a.Outer - a.Inner*a.Inner)
		}
		if name == "grid" {
			continue
		}
		// Each quadrant holds a quarter of the area; the ring 0.5 < r < 1
		// holds (1 - 0.25) / (2.25 - 0.25) of it; (r^2 - r0^2)/(r1^2 - r0^2)
		// is U(0,1) for a uniform point.
		for q, k := range quad {
			checkShare(t, fmt.Sprintf("%s quadrant %d", label, q), k, m, 0.25)
		}
		checkShare(t, label+" r < 1", inner, m, 0.75/2)
		if D := ksUniform(rr); D > ksCrit(m, 0.001) {
			t.Errorf("%s: KS D of normalised r^2 = %.4f > %.4f", label, D, ksCrit(m, 0.001))
		}
	}
	if math.Abs(a.Area()-2*math.Pi) > 1e-12 {
		t.Errorf("area %v", a.Area())
	}
}

func TestAnnulusBoundary(t *testing.T) {
	a := Annulus{Center: []float64{1, -2}, Inner: 0.5, Outer: 1.5}
	for _, name := range interiorSamplers {
		label := "annulus boundary " + name
		pts, normals, circle, err := a.CirclePoints([]int{InnerCircle, OuterCircle}, 1000, mustSampler(t, name), Stream(24))
		if err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		checkBoundary(t, label, a, pts, normals)
		counts := [2]int{}
		for i, c := range circle {
			counts[c]++
			dx, dy := pts[2*i]-a.Center[0], pts[2*i+1]-a.Center[1]
			r := a.Outer
			if c == InnerCircle {
				r = a.Inner
				// Outward of the ring = towards the centre.
				if dx*normals[2*i]+dy*normals[2*i+1] >= 0 {
					t.Fatalf("%s: inner normal %v points away from the centre", label, normals[2*i:2*i+2])
				}
			}
			if math.Abs(math.Hypot(dx, dy)-r) > 1e-12 {
				t.Fatalf("%s: point %v at radius %v, want %v", label, pts[2*i:2*i+2], math.Hypot(dx, dy), r)
			}
		}
		// Circumference shares 0.5 : 1.5, by largest remainder.
		if counts != [2]int{250, 750} {
			t.Errorf("%s: circle counts %v, want [250 750]", label, counts)
		}
		p2, n2, err := a.Boundary(1000, mustSampler(t, name), Stream(24))
		if err != nil || !slices.Equal(p2, pts) || !slices.Equal(n2, normals) {
			t.Errorf("%s: Boundary differs from CirclePoints on both circles (%v)", label, err)
		}
	}
	p, _, c, err := a.CirclePoints([]int{OuterCircle}, 10, Uniform{}, Stream(1))
	if err != nil || len(p) != 20 || slices.ContainsFunc(c, func(k int) bool { return k != 0 }) {
		t.Errorf("outer circle only: %v %v", c, err)
	}
	for _, cs := range [][]int{{2}, {0, 0}, nil} {
		if _, _, _, err := a.CirclePoints(cs, 5, Uniform{}, Stream(1)); err == nil {
			t.Errorf("circles %v accepted", cs)
		}
	}
	for _, b := range []Annulus{{Center: []float64{0}, Inner: 1, Outer: 2}, {Center: []float64{0, 0}, Inner: 0, Outer: 1}, {Center: []float64{0, 0}, Inner: 2, Outer: 1}} {
		if _, err := b.Interior(3, Uniform{}, Stream(1)); err == nil {
			t.Errorf("annulus %+v accepted", b)
		}
	}
	// In space-time, the lateral boundary has both walls.
	st := SpaceTime{Space: a, T0: 0, T1: 1}
	if _, _, err := st.Boundary(100, Sobol{}, Stream(25)); err != nil {
		t.Errorf("space-time annulus boundary: %v", err)
	}
	if x, err := st.Interior(64, Sobol{}, Stream(25)); err != nil || len(x) != 64*3 {
		t.Errorf("space-time annulus interior: %d, %v", len(x), err)
	}
}

func TestShapesDeterministic(t *testing.T) {
	sq := Box{Lo: []float64{-1, -1}, Hi: []float64{1, 1}}
	for _, d := range []Domain{
		Annulus{Center: []float64{0, 0}, Inner: 1, Outer: 2},
		MustPolygon([][2]float64{{0, 0}, {2, 0}, {2, 1}, {1, 1}, {1, 2}, {0, 2}}),
		Difference{A: sq, B: Disk(0, 0, 0.5)},
		Union{Parts: []Domain{sq, Disk(1, 1, 0.7)}},
	} {
		for _, name := range []string{"uniform", "sobol", "halton"} {
			s := mustSampler(t, name)
			a, _ := d.Interior(50, s, Stream(9, 1, 0))
			b, _ := d.Interior(50, s, Stream(9, 1, 0))
			c, _ := d.Interior(50, s, Stream(9, 1, 1))
			if len(a) != 100 || !slices.Equal(a, b) || slices.Equal(a, c) {
				t.Errorf("%T %s interior: %d coordinates, same-stream equal %v, next-epoch equal %v", d, name, len(a), slices.Equal(a, b), slices.Equal(a, c))
			}
			p, pn, _ := d.Boundary(50, s, Stream(9, 2, 0))
			q, qn, _ := d.Boundary(50, s, Stream(9, 2, 0))
			if len(p) != 100 || !slices.Equal(p, q) || !slices.Equal(pn, qn) {
				t.Errorf("%T %s boundary: %d coordinates, same stream equal %v", d, name, len(p), slices.Equal(p, q))
			}
		}
	}
	s := CenteredSphere(4, 1)
	a, _ := s.Interior(50, Sobol{}, Stream(9))
	b, _ := s.Interior(50, Sobol{}, Stream(9))
	if !slices.Equal(a, b) {
		t.Error("sphere: same stream, different points")
	}
}
