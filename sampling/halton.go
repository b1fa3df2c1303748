package sampling

import (
	"math"
	"math/rand/v2"
)

// Halton draws a randomly scrambled Halton sequence (Halton, Numer. Math. 2,
// 1960): axis j is the radical inverse of the point index in the j-th prime.
// Unscrambled Halton points in neighbouring large prime bases are strongly
// correlated, so every digit is scrambled by an independent random affine
// permutation d -> (a d + c) mod b, a != 0 (Matoušek's random linear digit
// scrambling, J. Complexity 14, 1998; see also Owen, "A randomized Halton
// algorithm in R", 2017). The digits below the last one that distinguishes
// the n indices are replaced by a uniform random tail, which is what a full
// scramble of the infinitely many trailing zero digits amounts to. Each point
// is then exactly uniform in [0,1)^dim while the set keeps Halton's
// stratification; new rng state gives a new scramble.
//
// Any dimension is supported; quality in very high dimension (hundreds of
// axes, large primes) approaches that of plain Monte Carlo.
type Halton struct{}

// Name implements UnitSampler.
func (Halton) Name() string { return "halton" }

// Unit implements UnitSampler.
func (Halton) Unit(n, dim int, rng *rand.Rand) ([]float64, error) {
	if err := checkND("halton", n, dim); err != nil {
		return nil, err
	}
	u := make([]float64, n*dim)
	primes := firstPrimes(dim)
	for j, b := range primes {
		sc := newDigitScramble(b, n, rng)
		for i := 0; i < n; i++ {
			u[i*dim+j] = sc.radicalInverse(uint64(i), rng)
		}
	}
	return u, nil
}

// Hammersley draws a randomised Hammersley point set (Hammersley 1960): the
// first axis is (i + U)/n with one uniform shift U per call, the others are
// scrambled radical inverses of i in the primes 2, 3, 5, ... as in Halton.
// Unlike Halton it is a fixed-size set, not a sequence: the n points are
// designed together, which lowers discrepancy at that n.
type Hammersley struct{}

// Name implements UnitSampler.
func (Hammersley) Name() string { return "hammersley" }

// Unit implements UnitSampler.
func (Hammersley) Unit(n, dim int, rng *rand.Rand) ([]float64, error) {
	if err := checkND("hammersley", n, dim); err != nil {
		return nil, err
	}
	u := make([]float64, n*dim)
	shift := rng.Float64()
	for i := 0; i < n; i++ {
		u[i*dim] = clampUnit((float64(i) + shift) / float64(n))
	}
	primes := firstPrimes(dim - 1)
	for j, b := range primes {
		sc := newDigitScramble(b, n, rng)
		for i := 0; i < n; i++ {
			u[i*dim+j+1] = sc.radicalInverse(uint64(i), rng)
		}
	}
	return u, nil
}

// digitScramble is a random affine permutation of each of the first k base-b
// digits.
type digitScramble struct {
	b    uint64
	binv float64
	a, c []uint64
	tail float64 // b^-k: the weight of the random tail
}

// newDigitScramble draws the scramble for indices 0..n-1 in base b: k digits
// with b^k >= n distinguish them all.
func newDigitScramble(b, n int, rng *rand.Rand) *digitScramble {
	k := 0
	for p := 1; p < n; p *= b {
		k++
	}
	s := &digitScramble{b: uint64(b), binv: 1 / float64(b), a: make([]uint64, k), c: make([]uint64, k)}
	for l := 0; l < k; l++ {
		s.a[l] = uint64(rng.IntN(b-1)) + 1 // for prime b, a != 0 makes d -> a d + c a bijection
		s.c[l] = uint64(rng.IntN(b))
	}
	s.tail = math.Pow(float64(b), -float64(k))
	return s
}

// radicalInverse returns the scrambled radical inverse of i plus a fresh
// uniform tail below the last scrambled digit.
func (s *digitScramble) radicalInverse(i uint64, rng *rand.Rand) float64 {
	x, w := 0.0, s.binv
	for l := range s.a {
		d := i % s.b
		i /= s.b
		x += float64((s.a[l]*d+s.c[l])%s.b) * w
		w *= s.binv
	}
	return clampUnit(x + rng.Float64()*s.tail)
}

// firstPrimes returns the first n primes, by a sieve of Eratosthenes sized
// with Rosser's bound p_n < n (ln n + ln ln n) for n >= 6.
func firstPrimes(n int) []int {
	if n <= 0 {
		return nil
	}
	limit := 15
	if n >= 6 {
		fn := float64(n)
		limit = int(fn*(math.Log(fn)+math.Log(math.Log(fn)))) + 1
	}
	composite := make([]bool, limit+1)
	primes := make([]int, 0, n)
	for p := 2; p <= limit && len(primes) < n; p++ {
		if composite[p] {
			continue
		}
		primes = append(primes, p)
		for q := p * p; q <= limit; q += p {
			composite[q] = true
		}
	}
	return primes
}
