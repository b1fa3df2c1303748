package sampling

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// interiorSamplers are the samplers domain tests run through.
var interiorSamplers = allSamplers

func TestBoxInterior(t *testing.T) {
	boxes := []Box{
		Interval(-1, 2),
		{Lo: []float64{-1, 0}, Hi: []float64{1, 0.5}},
		{Lo: []float64{-1, 0, 3}, Hi: []float64{2, 0.5, 4}},
		Cube(6, -1, 1),
	}
	for _, b := range boxes {
		for _, name := range interiorSamplers {
			s := mustSampler(t, name)
			x, err := b.Interior(500, s, Stream(1))
			if err != nil {
				t.Fatalf("%v %s: %v", b, name, err)
			}
			if len(x) != wantCount(name, 500, b.Dim())*b.Dim() {
				t.Errorf("%v %s: %d coordinates", b, name, len(x))
			}
			for i := 0; i < len(x)/b.Dim(); i++ {
				if p := x[i*b.Dim() : (i+1)*b.Dim()]; !b.Contains(p, 0) {
					t.Fatalf("%v %s: point %v outside", b, name, p)
				}
			}
		}
	}
}

func TestBoxValidate(t *testing.T) {
	for _, b := range []Box{{}, {Lo: []float64{0}, Hi: []float64{1, 2}}, Interval(1, 1), Interval(2, 1), Interval(0, math.Inf(1))} {
		if _, err := b.Interior(3, Uniform{}, Stream(1)); err == nil {
			t.Errorf("box %v accepted", b)
		}
	}
}

// checkBoundary asserts that pts lie on the boundary of d with outward unit
// normals: |n| = 1 to 1e-12, x + h n outside and x - h n inside for h = 1e-6
// (domains of size O(1)).
func checkBoundary(t *testing.T, label string, d Domain, pts, normals []float64) {
	t.Helper()
	const h = 1e-6
	dim := d.Dim()
	if len(pts) != len(normals) || len(pts)%dim != 0 {
		t.Fatalf("%s: %d coordinates, %d normal coordinates", label, len(pts), len(normals))
	}
	out, in := make([]float64, dim), make([]float64, dim)
	for i := 0; i < len(pts)/dim; i++ {
		x, nv := pts[i*dim:(i+1)*dim], normals[i*dim:(i+1)*dim]
		norm := 0.0
		for k := range nv {
			norm += nv[k] * nv[k]
			out[k] = x[k] + h*nv[k]
			in[k] = x[k] - h*nv[k]
		}
		if math.Abs(math.Sqrt(norm)-1) > 1e-12 {
			t.Fatalf("%s: point %d normal %v has length %v", label, i, nv, math.Sqrt(norm))
		}
		if !d.Contains(x, 1e-12) {
			t.Fatalf("%s: boundary point %v outside the domain", label, x)
		}
		if d.Contains(out, 0) {
			t.Fatalf("%s: x + h n = %v is inside (normal %v not outward)", label, out, nv)
		}
		if !d.Contains(in, 0) {
			t.Fatalf("%s: x - h n = %v is outside (normal %v)", label, in, nv)
		}
	}
}

func TestBoxBoundary(t *testing.T) {
	boxes := []Box{
		Interval(-1, 2),
		{Lo: []float64{-1, 0}, Hi: []float64{1, 0.5}},
		{Lo: []float64{-1, 0, 3}, Hi: []float64{2, 0.5, 4}},
		Cube(5, 0, 1),
	}
	for _, b := range boxes {
		for _, name := range interiorSamplers {
			label := fmt.Sprintf("%v %s", b, name)
			pts, normals, face, err := b.FacePoints(b.Faces(), 400, mustSampler(t, name), Stream(2))
			if err != nil {
				t.Fatalf("%s: %v", label, err)
			}
			checkBoundary(t, label, b, pts, normals)
			fs := b.Faces()
			d := b.Dim()
			if len(face) != len(pts)/d {
				t.Fatalf("%s: %d face indices for %d points", label, len(face), len(pts)/d)
			}
			for i, k := range face {
				f := fs[k]
				want := b.Lo[f.Axis]
				if f.Side > 0 {
					want = b.Hi[f.Axis]
				}
				if pts[i*d+f.Axis] != want || normals[i*d+f.Axis] != float64(f.Side) {
					t.Fatalf("%s: point %v not on face %+v", label, pts[i*d:(i+1)*d], f)
				}
			}
			if name != "grid" && len(face) != 400 {
				t.Errorf("%s: %d points, want 400", label, len(face))
			}
			p2, n2, err := b.Boundary(400, mustSampler(t, name), Stream(2))
			if err != nil || !slices.Equal(p2, pts) || !slices.Equal(n2, normals) {
				t.Errorf("%s: Boundary differs from FacePoints over all faces (%v)", label, err)
			}
		}
	}
}

// TestFaceApportion checks that points are shared out by face measure.
func TestFaceApportion(t *testing.T) {
	rect := Box{Lo: []float64{0, 0}, Hi: []float64{2, 1}} // faces x=0,2 have length 1; y=0,1 length 2
	spaceTime := Box{Lo: []float64{0, 0, 0}, Hi: []float64{1, 3, 10}}
	for _, tc := range []struct {
		name  string
		b     Box
		faces []Face
		n     int
		want  []int
	}{
		{"rect", rect, rect.Faces(), 600, []int{100, 100, 200, 200}},
		{"rect excl. y", rect, rect.Faces(1), 10, []int{5, 5}},
		{"rect one face", rect, []Face{{1, +1}}, 7, []int{7}},
		{"interval", Interval(0, 5), Interval(0, 5).Faces(), 6, []int{3, 3}},
		// Spatial boundary of (x, y, t): faces x=0,1 have area 3*10, y=0,3 area 1*10.
		{"space-time", spaceTime, spaceTime.Faces(2), 800, []int{300, 300, 100, 100}},
		// a face of [-5, 5]^400 measures 10^399 (+Inf in float64): the
		// faces are still equal and share the points evenly
		{"400-D cube", Cube(400, -5, 5), Cube(400, -5, 5).Faces(), 1600, slices.Repeat([]int{2}, 800)},
	} {
		_, _, face, err := tc.b.FacePoints(tc.faces, tc.n, Uniform{}, Stream(3))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := make([]int, len(tc.faces))
		for _, k := range face {
			got[k]++
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: counts %v, want %v", tc.name, got, tc.want)
		}
	}
	// An odd count on two equal faces: one gets the extra point, chosen at
	// random, so both outcomes occur over streams.
	seen := map[int]bool{}
	iv := Interval(0, 1)
	for r := range 20 {
		_, _, face, _ := iv.FacePoints(iv.Faces(), 1, Uniform{}, Stream(4, uint64(r)))
		seen[face[0]] = true
	}
	if len(seen) != 2 {
		t.Errorf("tie-break always picked face %v", seen)
	}
}

func TestFacePointsErrors(t *testing.T) {
	b := Cube(2, 0, 1)
	for _, faces := range [][]Face{{{2, 1}}, {{0, 0}}, {{0, 1}, {0, 1}}, nil} {
		if _, _, _, err := b.FacePoints(faces, 5, Uniform{}, Stream(1)); err == nil {
			t.Errorf("faces %v accepted", faces)
		}
	}
	if _, _, _, err := b.FacePoints(b.Faces(), -1, Uniform{}, Stream(1)); err == nil {
		t.Error("n = -1 accepted")
	}
	if fs := Cube(3, 0, 1).Faces(0, 2); !slices.Equal(fs, []Face{{1, -1}, {1, 1}}) {
		t.Errorf("Faces(0, 2) = %v", fs)
	}
}

// TestBallInterior checks containment and uniformity in the ball: for a
// uniform point, (|x - c|/R)^d is U(0,1) (KS, family-wise 5% over the 25
// ball-sampler pairs by Bonferroni) and each coordinate has mean c_k and
// variance R^2/(d+2) (within 4 standard errors).
func TestBallInterior(t *testing.T) {
	const n = 4000
	const alpha = 0.05 / 25
	for _, b := range []Ball{
		{Center: []float64{0.5}, Radius: 2},
		Disk(1, -1, 0.5),
		{Center: []float64{0, 1, 2}, Radius: 1.5},
		CenteredBall(4, 1),
		CenteredBall(7, 2),
	} {
		d := b.Dim()
		for _, name := range interiorSamplers {
			label := fmt.Sprintf("ball d=%d %s", d, name)
			x, err := b.Interior(n, mustSampler(t, name), Stream(5, uint64(d)))
			if err != nil {
				t.Fatalf("%s: %v", label, err)
			}
			m := len(x) / d
			if name != "grid" && m != n {
				t.Fatalf("%s: %d points", label, m)
			}
			rd := make([]float64, m)
			for i := 0; i < m; i++ {
				p := x[i*d : (i+1)*d]
				if !b.Contains(p, 1e-12) {
					t.Fatalf("%s: %v outside", label, p)
				}
				r := 0.0
				for k := range p {
					r += (p[k] - b.Center[k]) * (p[k] - b.Center[k])
				}
				rd[i] = math.Pow(math.Sqrt(r)/b.Radius, float64(d))
			}
			if name == "grid" {
				continue // a lattice image, not a uniform sample
			}
			if D := ksUniform(rd); D > ksCrit(m, alpha) {
				t.Errorf("%s: KS D of (r/R)^d = %.4f > %.4f", label, D, ksCrit(m, alpha))
			}
			v := b.Radius * b.Radius / float64(d+2)
			for k := 0; k < d; k++ {
				c := column(x, d, k)
				mean, sq := 0.0, 0.0
				for _, y := range c {
					mean += y - b.Center[k]
					sq += (y - b.Center[k]) * (y - b.Center[k])
				}
				mean /= float64(m)
				sq /= float64(m)
				if math.Abs(mean) > 4*math.Sqrt(v/float64(m)) {
					t.Errorf("%s axis %d: mean offset %.4f, want 0 ± %.4f", label, k, mean, 4*math.Sqrt(v/float64(m)))
				}
				// s.e. of the second moment: sd(y^2)/sqrt(m) <= R^2/sqrt(m).
				if math.Abs(sq-v) > 4*b.Radius*b.Radius/math.Sqrt(float64(m)) {
					t.Errorf("%s axis %d: E[(x-c)^2] = %.4f, want %.4f", label, k, sq, v)
				}
			}
		}
	}
}

// TestBallBoundary checks |x - c| = R to 1e-12 R, unit outward normals
// parallel to x - c, and, for the uniform sampler, a uniform distribution:
// in 3-D the height z is uniform on [-R, R] (Archimedes; KS at 5%), and in
// every dimension the coordinates average to c.
func TestBallBoundary(t *testing.T) {
	const n = 3000
	for _, b := range []Ball{
		{Center: []float64{0.5}, Radius: 2},
		Disk(1, -1, 0.5),
		{Center: []float64{0, 1, 2}, Radius: 1.5},
		CenteredBall(5, 1),
	} {
		d := b.Dim()
		for _, name := range interiorSamplers {
			label := fmt.Sprintf("sphere d=%d %s", d, name)
			pts, normals, err := b.Boundary(n, mustSampler(t, name), Stream(6, uint64(d)))
			if err != nil {
				t.Fatalf("%s: %v", label, err)
			}
			checkBoundary(t, label, b, pts, normals)
			m := len(pts) / d
			for i := 0; i < m; i++ {
				r := 0.0
				for k := 0; k < d; k++ {
					y := pts[i*d+k] - b.Center[k]
					r += y * y
					if math.Abs(y-b.Radius*normals[i*d+k]) > 1e-12*b.Radius {
						t.Fatalf("%s: normal %v not (x-c)/R", label, normals[i*d:(i+1)*d])
					}
				}
				if math.Abs(math.Sqrt(r)-b.Radius) > 1e-12*b.Radius {
					t.Fatalf("%s: |x - c| = %v, want %v", label, math.Sqrt(r), b.Radius)
				}
			}
			if name != "uniform" {
				continue
			}
			if d == 3 {
				z := column(pts, d, 2)
				for i := range z {
					z[i] = (z[i] - b.Center[2] + b.Radius) / (2 * b.Radius)
				}
				if D := ksUniform(z); D > ksCrit(m, 0.05) {
					t.Errorf("%s: KS D of height = %.4f > %.4f", label, D, ksCrit(m, 0.05))
				}
			}
			for k := 0; k < d; k++ {
				mean := 0.0
				for _, y := range column(pts, d, k) {
					mean += (y - b.Center[k]) / float64(m)
				}
				if tol := 4 * b.Radius / math.Sqrt(float64(d*m)); math.Abs(mean) > tol {
					t.Errorf("%s axis %d: mean offset %.4f > %.4f", label, k, mean, tol)
				}
			}
		}
	}
}

// TestBallRadial checks the STDE sampler: points in the ball, |x - c|/R
// uniform on [0,1] (KS, family-wise 5% over the 4 balls), directions centred; and that it is not
// uniform in the ball: about half the points lie within R/2, where a
// uniform sample in 10-D would put 2^-10 of them.
func TestBallRadial(t *testing.T) {
	const n = 5000
	for _, b := range []Ball{{Center: []float64{3}, Radius: 1}, Disk(0, 1, 2), CenteredBall(10, 1), CenteredBall(100, 0.5)} {
		d := b.Dim()
		x := BallRadial(b, n, Stream(7, uint64(d)))
		if len(x) != n*d {
			t.Fatalf("d=%d: %d coordinates", d, len(x))
		}
		r := make([]float64, n)
		inner := 0
		for i := 0; i < n; i++ {
			p := x[i*d : (i+1)*d]
			if !b.Contains(p, 1e-12) {
				t.Fatalf("d=%d: %v outside", d, p)
			}
			s := 0.0
			for k := range p {
				s += (p[k] - b.Center[k]) * (p[k] - b.Center[k])
			}
			r[i] = math.Sqrt(s) / b.Radius
			if r[i] < 0.5 {
				inner++
			}
		}
		if D, crit := ksUniform(r), ksCrit(n, 0.05/4); D > crit {
			t.Errorf("d=%d: KS D of radius = %.4f > %.4f", d, D, crit)
		}
		// Binomial(n, 1/2): s.d. sqrt(n)/2 ≈ 35.
		if math.Abs(float64(inner)-n/2) > 4*math.Sqrt(n)/2 {
			t.Errorf("d=%d: %d of %d points within R/2, want about half", d, inner, n)
		}
		// E[x_k - c_k] = 0 with variance R^2 E[r^2]/d = R^2/(3d).
		tol := 4 * b.Radius / math.Sqrt(3*float64(d)*n)
		for k := 0; k < min(d, 10); k++ {
			mean := 0.0
			for _, y := range column(x, d, k) {
				mean += (y - b.Center[k]) / n
			}
			if math.Abs(mean) > tol {
				t.Errorf("d=%d axis %d: mean offset %.4f > %.4f", d, k, mean, tol)
			}
		}
	}
}

func TestDomainsDeterministic(t *testing.T) {
	for _, d := range []Domain{Cube(3, 0, 1), CenteredBall(5, 1), Disk(0, 0, 1)} {
		for _, name := range []string{"uniform", "sobol", "halton"} {
			s := mustSampler(t, name)
			a, _ := d.Interior(50, s, Stream(9, 1, 0))
			b, _ := d.Interior(50, s, Stream(9, 1, 0))
			c, _ := d.Interior(50, s, Stream(9, 1, 1))
			if !slices.Equal(a, b) || slices.Equal(a, c) {
				t.Errorf("%T %s interior: same-stream equal %v, next-epoch equal %v", d, name, slices.Equal(a, b), slices.Equal(a, c))
			}
			p, _, _ := d.Boundary(50, s, Stream(9, 2, 0))
			q, _, _ := d.Boundary(50, s, Stream(9, 2, 0))
			if !slices.Equal(p, q) {
				t.Errorf("%T %s boundary: same stream, different points", d, name)
			}
		}
	}
}

func TestBoundsAndContains(t *testing.T) {
	b := Ball{Center: []float64{1, 2}, Radius: 3}
	lo, hi := b.Bounds()
	if !slices.Equal(lo, []float64{-2, -1}) || !slices.Equal(hi, []float64{4, 5}) {
		t.Errorf("ball bounds %v %v", lo, hi)
	}
	bx := Box{Lo: []float64{0, 1}, Hi: []float64{2, 3}}
	lo, hi = bx.Bounds()
	lo[0] = 99 // Bounds returns copies
	if bx.Lo[0] != 0 || !slices.Equal(hi, []float64{2, 3}) {
		t.Errorf("box bounds alias or wrong: %v %v", bx.Lo, hi)
	}
	for _, tc := range []struct {
		d    Domain
		x    []float64
		tol  float64
		want bool
	}{
		{bx, []float64{0, 3}, 0, true},
		{bx, []float64{-1e-9, 2}, 0, false},
		{bx, []float64{-1e-9, 2}, 1e-8, true},
		{bx, []float64{1}, 0, false},
		{bx, []float64{math.NaN(), 2}, 1, false},
		{b, []float64{4, 2}, 0, true},
		{b, []float64{4 + 1e-9, 2}, 0, false},
		{b, []float64{4 + 1e-9, 2}, 1e-8, true},
		{b, []float64{1, 2, 0}, 0, false},
	} {
		if got := tc.d.Contains(tc.x, tc.tol); got != tc.want {
			t.Errorf("%T.Contains(%v, %g) = %v", tc.d, tc.x, tc.tol, got)
		}
	}
}
