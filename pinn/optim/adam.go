package optim

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/gopinn/gopinn/pinn/internal/runio"
)

// Adam is Adam (Kingma & Ba 2015) on a flat parameter vector, with the
// bias corrections; its whole state is m, v and t.
type Adam struct {
	Beta1, Beta2, Eps float64
	m, v              []float64
	t                 int
	g                 []float64 // gradient buffer, reused every step
}

var _ Method = (*Adam)(nil)

func init() {
	Register("adam", 1e-3, func(n int) Method { return NewAdam(n) })
}

// NewAdam returns Adam for n parameters with beta1 0.9, beta2 0.999 and
// eps 1e-8.
func NewAdam(n int) *Adam {
	return &Adam{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, m: make([]float64, n), v: make([]float64, n)}
}

// Needs: a gradient; points may change every step.
func (a *Adam) Needs() Needs { return Needs{} }

// Step evaluates the gradient at x and updates x.
func (a *Adam) Step(obj Objective, x []float64, lr float64) (float64, error) {
	if len(a.g) != len(x) {
		a.g = make([]float64, len(x))
	}
	loss, err := obj.LossGrad(x, a.g)
	if err != nil {
		return loss, err
	}
	a.Update(x, a.g, lr)
	return loss, nil
}

// Update applies one Adam update with gradient grad to theta.
func (a *Adam) Update(theta, grad []float64, lr float64) {
	if len(a.m) != len(theta) {
		a.m, a.v = make([]float64, len(theta)), make([]float64, len(theta))
	}
	a.t++
	c1 := 1 - math.Pow(a.Beta1, float64(a.t))
	c2 := 1 - math.Pow(a.Beta2, float64(a.t))
	upd := func(lo, hi int) {
		m, v, g, th := a.m[lo:hi], a.v[lo:hi], grad[lo:hi], theta[lo:hi]
		for i := range g {
			m[i] = a.Beta1*m[i] + (1-a.Beta1)*g[i]
			v[i] = a.Beta2*v[i] + (1-a.Beta2)*g[i]*g[i]
			mh := m[i] / c1
			vh := v[i] / c2
			th[i] -= lr * mh / (math.Sqrt(vh) + a.Eps)
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

// Save returns m, v and t.
func (a *Adam) Save() State {
	return State{"m": runio.Vector(a.m), "v": runio.Vector(a.v), "t": runio.Scalar(float64(a.t))}
}

// Load restores what Save returned.
func (a *Adam) Load(s State) error {
	if err := require(s, "adam", "m", "v", "t"); err != nil {
		return err
	}
	if len(s["m"].Data) != len(a.m) || len(s["v"].Data) != len(a.v) {
		return fmt.Errorf("adam state: moments of %d values, the model has %d parameters", len(s["m"].Data), len(a.m))
	}
	copy(a.m, s["m"].Data)
	copy(a.v, s["v"].Data)
	a.t = int(s["t"].Data[0])
	return nil
}
