package sampling

import (
	"math"
	"slices"
)

// ksUniform returns the Kolmogorov–Smirnov statistic
// D = sup |F_n(x) - x| of the sample against U(0,1).
func ksUniform(x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	n := float64(len(s))
	d := 0.0
	for i, v := range s {
		d = math.Max(d, math.Max(float64(i+1)/n-v, v-float64(i)/n))
	}
	return d
}

// ksCrit is the asymptotic critical value of the one-sample KS statistic at
// level alpha, sqrt(-ln(alpha/2)/2)/sqrt(n) (Kolmogorov's limit law, first
// term); 1.358/sqrt(n) at alpha = 0.05.
func ksCrit(n int, alpha float64) float64 {
	return math.Sqrt(-math.Log(alpha/2)/2) / math.Sqrt(float64(n))
}

// column extracts coordinate j of row-major points of dimension d.
func column(x []float64, d, j int) []float64 {
	c := make([]float64, len(x)/d)
	for i := range c {
		c[i] = x[i*d+j]
	}
	return c
}

// l2StarSq is the squared L2-star discrepancy of points in [0,1)^d by
// Warnock's formula (Warnock 1972; see Niederreiter, "Random number
// generation and quasi-Monte Carlo methods", 1992, eq. 2.19):
//
//	T^2 = 3^-d - 2^(1-d)/n sum_i prod_k (1 - x_ik^2)
//	      + 1/n^2 sum_i sum_j prod_k (1 - max(x_ik, x_jk)).
func l2StarSq(x []float64, d int) float64 {
	n := len(x) / d
	s1 := 0.0
	for i := 0; i < n; i++ {
		p := 1.0
		for k := 0; k < d; k++ {
			v := x[i*d+k]
			p *= 1 - v*v
		}
		s1 += p
	}
	s2 := 0.0
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			p := 1.0
			for k := 0; k < d; k++ {
				p *= 1 - math.Max(x[i*d+k], x[j*d+k])
			}
			s2 += p
		}
	}
	fn := float64(n)
	return math.Pow(3, -float64(d)) - math.Pow(2, 1-float64(d))/fn*s1 + s2/(fn*fn)
}
