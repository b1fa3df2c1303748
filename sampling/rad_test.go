package sampling

import (
	"math"
	"slices"
	"testing"
)

func TestRADWeights(t *testing.T) {
	for _, tc := range []struct {
		name string
		eps  []float64
		k, c float64
		want []float64
	}{
		// |eps|^2 = 1, 4, 9; mean 14/3; p ∝ 3/14 + 1, 12/14 + 1, 27/14 + 1.
		{"k=2 c=1", []float64{1, -2, 3}, 2, 1, []float64{17.0 / 84, 26.0 / 84, 41.0 / 84}},
		{"c=0 is proportional", []float64{1, 3}, 1, 0, []float64{0.25, 0.75}},
		{"k=0 is uniform", []float64{1, 5, 100, 0}, 0, 0, []float64{0.25, 0.25, 0.25, 0.25}},
		{"all zero is uniform", []float64{0, 0}, 1, 0, []float64{0.5, 0.5}},
		// k = 1000 would overflow |eps|^k without the max-rescaling.
		{"large k", []float64{10, 20}, 1000, 1, []float64{1.0 / 4, 3.0 / 4}},
		{"large c tends to uniform", []float64{1, 2}, 1, 1e12, []float64{0.5, 0.5}},
	} {
		p := RADWeights(tc.eps, tc.k, tc.c)
		sum := 0.0
		for i, v := range p {
			sum += v
			if math.Abs(v-tc.want[i]) > 1e-12 {
				t.Errorf("%s: p = %v, want %v", tc.name, p, tc.want)
				break
			}
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Errorf("%s: sum %v", tc.name, sum)
		}
	}
	for _, bad := range []struct {
		eps  []float64
		k, c float64
	}{{nil, 1, 1}, {[]float64{1}, -1, 1}, {[]float64{1}, 1, -1}, {[]float64{math.NaN()}, 1, 1}, {[]float64{math.Inf(1)}, 1, 1}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("RADWeights(%v, %g, %g) did not panic", bad.eps, bad.k, bad.c)
				}
			}()
			RADWeights(bad.eps, bad.k, bad.c)
		}()
	}
}

func TestSampleWithoutReplacementBasic(t *testing.T) {
	rng := Stream(1)
	w := []float64{0.5, 0, 2, 1, 0, 3, 0.1}
	for m := 0; m <= len(w); m++ {
		got := SampleWithoutReplacement(w, m, rng)
		if len(got) != m {
			t.Fatalf("m=%d: %d indices", m, len(got))
		}
		s := slices.Clone(got)
		slices.Sort(s)
		if len(slices.Compact(s)) != m {
			t.Fatalf("m=%d: repeated index in %v", m, got)
		}
		for j, i := range got {
			if i < 0 || i >= len(w) {
				t.Fatalf("m=%d: index %d out of range", m, i)
			}
			// Zero weights come only after all five positive ones.
			if w[i] == 0 && j < 5 {
				t.Fatalf("m=%d: zero-weight index %d drawn at position %d: %v", m, i, j, got)
			}
		}
	}
	a := SampleWithoutReplacement(w, 4, Stream(2))
	b := SampleWithoutReplacement(w, 4, Stream(2))
	if !slices.Equal(a, b) {
		t.Errorf("same stream gave %v and %v", a, b)
	}
	for _, m := range []int{-1, len(w) + 1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("m=%d did not panic", m)
				}
			}()
			SampleWithoutReplacement(w, m, rng)
		}()
	}
}

// TestSampleWithoutReplacementFrequencies draws m = 2 of 4 weighted items
// N times and compares (a) how often each item is drawn first with
// w_i / sum(w), and (b) how often each is included at all with the exact
// inclusion probability of sequential weighted draws,
// P(i in S) = p_i + sum_{j != i} p_j p_i / (1 - p_j). Both bounds are 4.5
// binomial standard errors, sqrt(p(1-p)/N).
func TestSampleWithoutReplacementFrequencies(t *testing.T) {
	const N = 200000
	w := []float64{1, 2, 3, 4}
	p := []float64{0.1, 0.2, 0.3, 0.4}
	incl := make([]float64, len(p))
	for i := range p {
		incl[i] = p[i]
		for j := range p {
			if j != i {
				incl[i] += p[j] * p[i] / (1 - p[j])
			}
		}
	}
	first := make([]float64, len(w))
	in := make([]float64, len(w))
	rng := Stream(3)
	for range N {
		s := SampleWithoutReplacement(w, 2, rng)
		first[s[0]]++
		in[s[0]]++
		in[s[1]]++
	}
	for i := range w {
		f, g := first[i]/N, in[i]/N
		if tol := 4.5 * math.Sqrt(p[i]*(1-p[i])/N); math.Abs(f-p[i]) > tol {
			t.Errorf("item %d drawn first with frequency %.4f, want %.4f ± %.4f", i, f, p[i], tol)
		}
		if tol := 4.5 * math.Sqrt(incl[i]*(1-incl[i])/N); math.Abs(g-incl[i]) > tol {
			t.Errorf("item %d included with frequency %.4f, want %.4f ± %.4f", i, g, incl[i], tol)
		}
	}
}

// TestRADEndToEnd: with k = 1, c = 0 over a pool where one point has a
// residual 99 times the others', that point is drawn first about half the
// time (p = 99/198).
func TestRADEndToEnd(t *testing.T) {
	eps := make([]float64, 100)
	for i := range eps {
		eps[i] = 1
	}
	eps[42] = 99
	p := RADWeights(eps, 1, 0)
	const N = 20000
	hits := 0
	rng := Stream(4)
	for range N {
		if SampleWithoutReplacement(p, 10, rng)[0] == 42 {
			hits++
		}
	}
	if f := float64(hits) / N; math.Abs(f-0.5) > 4.5*math.Sqrt(0.25/N) {
		t.Errorf("high-residual point drawn first with frequency %.4f, want 0.5", f)
	}
}
