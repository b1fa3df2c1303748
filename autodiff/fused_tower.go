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
