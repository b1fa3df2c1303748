package sampling

import "testing"

func benchSampler(b *testing.B, s UnitSampler, n, dim int) {
	rng := Stream(1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Unit(n, dim, rng); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSobol(b *testing.B)   { benchSampler(b, Sobol{}, 10000, 2) }
func BenchmarkUniform(b *testing.B) { benchSampler(b, Uniform{}, 10000, 2) }
func BenchmarkHalton(b *testing.B)  { benchSampler(b, Halton{}, 10000, 2) }
func BenchmarkLHS(b *testing.B)     { benchSampler(b, LHS{}, 10000, 2) }

func BenchmarkBallRadial1000D(b *testing.B) {
	rng := Stream(1)
	ball := CenteredBall(1000, 1)
	for b.Loop() {
		BallRadial(ball, 100, rng)
	}
}

func BenchmarkSampleWithoutReplacement(b *testing.B) {
	rng := Stream(1)
	w := make([]float64, 100000)
	for i := range w {
		w[i] = rng.Float64()
	}
	b.ReportAllocs()
	for b.Loop() {
		SampleWithoutReplacement(w, 2000, rng)
	}
}
