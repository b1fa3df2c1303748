package pinn

import (
	"math"
	"runtime"
	"sync"

	"github.com/gopinn/gopinn/pde"
)

// learningRate evaluates a schedule at step s (0-based) of a stage of n
// planned steps. Exponential decay is continuous, lr0 * rate^(s/every),
// unless staircase; linear and cosine run to 0 over the stage.
func learningRate(lr0 float64, sch pde.Schedule, s, n int) float64 {
	switch sch.Type {
	case "", "constant":
		return lr0
	case "exponential":
		every := sch.Every
		if every <= 0 {
			every = 1
		}
		e := float64(s) / float64(every)
		if sch.Staircase {
			e = math.Floor(e)
		}
		return lr0 * math.Pow(sch.Rate, e)
	case "linear":
		if n <= 0 {
			return lr0
		}
		return lr0 * math.Max(0, 1-float64(s)/float64(n))
	case "cosine":
		if n <= 0 {
			return lr0
		}
		return lr0 * 0.5 * (1 + math.Cos(math.Pi*math.Min(1, float64(s)/float64(n))))
	}
	return lr0
}

// adam is Adam (Kingma & Ba 2015) on a flat parameter vector, with the
// bias corrections; its whole state is m, v and t, saved in checkpoints.
type adam struct {
	beta1, beta2, eps float64
	m, v              []float64
	t                 int
	g                 []float64 // gradient buffer, reused every step
}

func newAdam(n int) *adam {
	return &adam{beta1: 0.9, beta2: 0.999, eps: 1e-8, m: make([]float64, n), v: make([]float64, n)}
}

func (a *adam) update(theta, grad []float64, lr float64) {
	a.t++
	c1 := 1 - math.Pow(a.beta1, float64(a.t))
	c2 := 1 - math.Pow(a.beta2, float64(a.t))
	upd := func(lo, hi int) {
		m, v, g, th := a.m[lo:hi], a.v[lo:hi], grad[lo:hi], theta[lo:hi]
		for i := range g {
			m[i] = a.beta1*m[i] + (1-a.beta1)*g[i]
			v[i] = a.beta2*v[i] + (1-a.beta2)*g[i]*g[i]
			mh := m[i] / c1
			vh := v[i] / c2
			th[i] -= lr * mh / (math.Sqrt(vh) + a.eps)
		}
	}
	// elementwise, so splitting the vector changes no bit; worth a
	// goroutine from ~64K parameters (a 10K-D first layer has 1.28M)
	n, nw := len(grad), runtime.GOMAXPROCS(0)
	if n < 1<<16 || nw == 1 {
		upd(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := range nw {
		lo, hi := w*n/nw, (w+1)*n/nw
		wg.Add(1)
		go func() {
			defer wg.Done()
			upd(lo, hi)
		}()
	}
	wg.Wait()
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
