package sampling

import (
	"fmt"
	"math"
	"testing"
)

func TestSpaceTime(t *testing.T) {
	const n = 3000
	c := SpaceTime{Space: Disk(0, 0, 1), T0: 0, T1: 2}
	if c.Dim() != 3 {
		t.Fatalf("Dim = %d", c.Dim())
	}
	// KS tests below: family-wise 5% over the 3 samplers x 2 statistics.
	alpha := 0.05 / 6
	for _, name := range []string{"uniform", "sobol", "halton"} {
		s := mustSampler(t, name)
		label := fmt.Sprintf("disk x time %s", name)
		x, err := c.Interior(n, s, Stream(1))
		if err != nil {
			t.Fatal(err)
		}
		r2, tt := make([]float64, n), make([]float64, n)
		for i := 0; i < n; i++ {
			p := x[i*3 : (i+1)*3]
			if !c.Contains(p, 0) {
				t.Fatalf("%s: %v outside", label, p)
			}
			r2[i] = p[0]*p[0] + p[1]*p[1]
			tt[i] = p[2] / 2
		}
		for _, col := range []struct {
			what string
			v    []float64
		}{{"r^2", r2}, {"t/T", tt}} {
			if D := ksUniform(col.v); D > ksCrit(n, alpha) {
				t.Errorf("%s: KS D of %s = %.4f > %.4f", label, col.what, D, ksCrit(n, alpha))
			}
		}
		pts, normals, err := c.Boundary(600, s, Stream(2))
		if err != nil {
			t.Fatal(err)
		}
		checkBoundary(t, label, c, pts, normals)
		// Lateral area 2*pi*1*2 = 4 pi, caps pi each: 400, 100, 100.
		side, bottom, top := 0, 0, 0
		for i := 0; i < len(pts)/3; i++ {
			switch normals[i*3+2] {
			case -1:
				bottom++
			case 1:
				top++
			default:
				side++
			}
		}
		if side != 400 || bottom != 100 || top != 100 {
			t.Errorf("%s: boundary split %d/%d/%d, want 400/100/100", label, side, bottom, top)
		}
		ic, err := c.AtTime(0, 50, s, Stream(3))
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 50; i++ {
			if ic[i*3+2] != 0 || !c.Contains(ic[i*3:(i+1)*3], 0) {
				t.Fatalf("%s: initial point %v", label, ic[i*3:(i+1)*3])
			}
		}
	}
	if err := (SpaceTime{Space: Disk(0, 0, 1), T0: 1, T1: 1}).Validate(); err == nil {
		t.Error("empty time interval accepted")
	}
}

// TestGaussianTime checks t/T ~ U(0,1) and x_k/sqrt(2t) ~ N(0,1) by KS tests
// (family-wise 5% over the 1 + dim statistics).
func TestGaussianTime(t *testing.T) {
	const n, dim, T = 4000, 5, 0.3
	x := GaussianTime(dim, T, n, Stream(1))
	if len(x) != n*(dim+1) {
		t.Fatalf("%d coordinates", len(x))
	}
	alpha := 0.05 / (dim + 1)
	tt := column(x, dim+1, dim)
	for i := range tt {
		if tt[i] < 0 || tt[i] > T {
			t.Fatalf("t = %v outside [0, %v]", tt[i], T)
		}
		tt[i] /= T
	}
	if D := ksUniform(tt); D > ksCrit(n, alpha) {
		t.Errorf("KS D of t/T = %.4f > %.4f", D, ksCrit(n, alpha))
	}
	for k := 0; k < dim; k++ {
		c := column(x, dim+1, k)
		for i := range c {
			z := c[i] / math.Sqrt(2*T*tt[i])
			c[i] = 0.5 * math.Erfc(-z/math.Sqrt2) // standard normal CDF
		}
		if D := ksUniform(c); D > ksCrit(n, alpha) {
			t.Errorf("axis %d: KS D of Phi(x/sqrt(2t)) = %.4f > %.4f", k, D, ksCrit(n, alpha))
		}
	}
}
