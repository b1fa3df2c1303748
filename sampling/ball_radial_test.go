package sampling

import (
	"math"
	"testing"
)

// TestBallRadialSampler: through the registry, "ball-radial" draws the
// uniform-radius points of BallRadial in a ball (alone and with time), so
// the radius of the points has mean R/2 (uniform on [0, R]) instead of the
// uniform ball's R·d/(d+1); tolerance 4 standard errors.
func TestBallRadialSampler(t *testing.T) {
	s, err := NewUnitSampler("ball-radial")
	if err != nil {
		t.Fatal(err)
	}
	const n, d, R = 4000, 5, 2.0
	b := CenteredBall(d, R)
	for _, dom := range []Domain{b, SpaceTime{Space: b, T0: 0, T1: 1}} {
		pts, err := dom.Interior(n, s, Stream(3))
		if err != nil {
			t.Fatal(err)
		}
		stride := len(pts) / n
		mean := 0.0
		for i := 0; i < n; i++ {
			r := 0.0
			for _, x := range pts[i*stride : i*stride+d] {
				r += x * x
			}
			mean += math.Sqrt(r) / n
		}
		se := R / math.Sqrt(12*n)
		if math.Abs(mean-R/2) > 4*se {
			t.Errorf("%T: mean radius %.4f, want %.4f ± %.4f", dom, mean, R/2, 4*se)
		}
	}
}
