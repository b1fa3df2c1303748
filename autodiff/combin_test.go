package autodiff

import "testing"

func TestPartitionsCount(t *testing.T) {
	// p(n), OEIS A000041.
	want := []int{1, 1, 2, 3, 5, 7, 11, 15, 22, 30, 42}
	for n := 0; n <= 10; n++ {
		ps := Partitions(n)
		if len(ps) != want[n] {
			t.Errorf("p(%d) = %d, want %d", n, len(ps), want[n])
		}
		seen := map[string]bool{}
		for _, m := range ps {
			s := 0
			for j, x := range m {
				s += (j + 1) * x
			}
			if s != n {
				t.Errorf("partition %v does not sum to %d", m, n)
			}
			if seen[key(m)] {
				t.Errorf("partition %v repeated", m)
			}
			seen[key(m)] = true
		}
	}
}

func TestBellCoefficientsStirling(t *testing.T) {
	// Σ coefficients of B_{n,k} = S(n,k), Stirling numbers of the second kind,
	// computed here by their own recurrence S(n,k) = k S(n-1,k) + S(n-1,k-1).
	const N = 12
	var S [N + 1][N + 1]float64
	S[0][0] = 1
	for n := 1; n <= N; n++ {
		for k := 1; k <= n; k++ {
			S[n][k] = float64(k)*S[n-1][k] + S[n-1][k-1]
		}
	}
	for n := 1; n <= N; n++ {
		for k := 1; k <= n; k++ {
			sum := 0.0
			for _, b := range BellCoefficients(n, k) {
				sum += b.Coef
				parts := 0
				for _, m := range b.Mult {
					parts += m
				}
				if parts != k {
					t.Errorf("B_{%d,%d}: term %v has %d parts", n, k, b.Mult, parts)
				}
			}
			if sum != S[n][k] { // integers below 2^53: exact
				t.Errorf("Σ B_{%d,%d} coefficients = %v, want S = %v", n, k, sum, S[n][k])
			}
		}
	}
	if BellCoefficients(3, 0) != nil || BellCoefficients(2, 3) != nil {
		t.Error("BellCoefficients outside 1 ≤ k ≤ n should be nil")
	}
}
