package autodiff

import "math"

// derivFunc writes f^(k)(y) for k = 0..len(out)-1 into out without
// allocating: the fused MLP op calls it once per hidden unit and point, where
// Tower.Float64's fresh slice per call would dominate the step.
type derivFunc func(y float64, out []float64)

// towerFunc returns the allocation-free evaluation of t up to order K. The
// registered activation towers get a fast path that reuses their own
// recurrences (value polynomials, derivative cycles, Hermite polynomials), so
// the numbers are those of Float64; any other tower falls back to Float64.
func towerFunc(t Tower, K int) derivFunc {
	switch tw := t.(type) {
	case *polyTower:
		ps := tw.ps(K)
		val := tw.val64
		return func(y float64, out []float64) {
			v := val(y)
			for k := range out {
				out[k] = ps[k].eval(v)
			}
		}
	case cycleTower:
		first, hyp := tw.cycle()
		return func(y float64, out []float64) {
			var a, b float64
			if hyp {
				a, b = math.Sinh(y), math.Cosh(y)
			} else {
				a, b = math.Sincos(y)
			}
			vals := [4]float64{a, b, -a, -b}
			for k := range out {
				i := (first + k) % 4
				if hyp {
					i %= 2
				}
				out[k] = vals[i]
			}
		}
	case softplusTower:
		// softplus' = sigmoid: orders ≥ 1 are the sigmoid tower.
		var ps []poly
		if K >= 1 {
			ps = sigmoidTower.ps(K - 1)
		}
		return func(y float64, out []float64) {
			out[0] = softplus64(y)
			if len(out) == 1 {
				return
			}
			s := sigmoidTower.val64(y)
			for k := 1; k < len(out); k++ {
				out[k] = ps[k-1].eval(s)
			}
		}
	case geluTower:
		q := geluPolys(K)
		return func(y float64, out []float64) {
			Phi, phi := normCDF(y), normPDF(y)
			out[0] = y * Phi
			if len(out) > 1 {
				out[1] = Phi + y*phi
			}
			for k := 2; k < len(out); k++ {
				out[k] = q[k].eval(y) * phi
			}
		}
	}
	return func(y float64, out []float64) { copy(out, t.Float64(y, len(out)-1)) }
}

// quadTower is a tower whose derivative is a polynomial of degree ≤ 2 in its
// value, f' = P(f) = c0 + c1 f + c2 f² (tanh, sigmoid, tan, exp), needed to
// order 3 or less: then f⁽²⁾ = P'(f)·f' and f⁽³⁾ = P”(f)·f'² + P'(f)·f⁽²⁾
// in straight-line code, which the fused op evaluates over a whole block
// without a call per element (the generic tower was a quarter of the step).
type quadTower struct {
	val        func(float64) float64
	c0, c1, c2 float64
}

// newQuadTower returns the straight-line tower of act up to order K, nil
// where it does not apply.
func newQuadTower(act Tower, K int) *quadTower {
	pt, ok := act.(*polyTower)
	if !ok || K > 3 || len(pt.P) > 3 {
		return nil
	}
	q := &quadTower{val: pt.val64}
	var c [3]float64
	copy(c[:], pt.P)
	q.c0, q.c1, q.c2 = c[0], c[1], c[2]
	return q
}

// towerBlock writes f(z) into h and f^(1..K) into the K blocks of f (block
// q-1 holds f^(q), each len(z) long).
func towerBlock[T float](q *quadTower, z, h, f []T, K int) {
	n := len(z)
	h = h[:n]
	f1 := f[:n]
	var f2, f3 []T
	if K >= 2 {
		f2 = f[n : 2*n]
	}
	if K >= 3 {
		f3 = f[2*n : 3*n]
	}
	c0, c1, c2 := q.c0, q.c1, q.c2
	for e, ze := range z {
		v := q.val(float64(ze))
		d1 := c0 + v*(c1+c2*v)
		h[e] = T(v)
		f1[e] = T(d1)
		if K < 2 {
			continue
		}
		dp := c1 + 2*c2*v // P'(f)
		d2 := dp * d1
		f2[e] = T(d2)
		if K < 3 {
			continue
		}
		f3[e] = T(2*c2*d1*d1 + dp*d2)
	}
}
