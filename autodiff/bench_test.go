package autodiff_test

import (
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/gopinn/gopinn/autodiff"
)

// benchPlan builds and runs (forward) the jets of every partial up to order
// K of a 2-64x4-1 tanh MLP on 1024 points, read out through the plan.
func benchPlan(b *testing.B, K int) {
	const N = 1024
	rng := rand.New(rand.NewPCG(41, 42))
	net := newMLP(rng, "tanh", 2, 64, 64, 64, 64, 1)
	xs := uniform(rng, N*2, -1, 1)
	need := allIndices(2, K)
	p, err := autodiff.NewPlan(2, need)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		g := G.NewGraph()
		X := input(g, tensor.Float64, "X", N, 2, xs)
		W, B := net.nodes(g, tensor.Float64)
		jets, err := directionJets(g, tensor.Float64, X, N, p, func(a autodiff.Jet) (autodiff.Jet, error) {
			return net.jet(a, W, B)
		})
		if err != nil {
			b.Fatal(err)
		}
		for _, alpha := range need {
			if _, err := readout(p, jets, alpha); err != nil {
				b.Fatal(err)
			}
		}
		if err := run(g); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(p.Directions())), "jets")
}

func BenchmarkPlanOrder2(b *testing.B) { benchPlan(b, 2) }
func BenchmarkPlanOrder4(b *testing.B) { benchPlan(b, 4) }
