package pinn

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/gopinn/gopinn/pinn/internal/runio"
)

// The checkpoint is a NumPy .npz. Besides the flat vector "theta" that a
// resumed run reads, every weight tensor is stored under its own name
// ("net/W0", "hidden_h/b1", "param/lam") for Python users.

func vec(x []float64) runio.Array {
	return runio.Array{Shape: []int{len(x)}, Data: append([]float64(nil), x...)}
}
func scalarArr(x float64) runio.Array { return runio.Array{Shape: []int{}, Data: []float64{x}} }

func (r *runner) saveCheckpoint() error {
	a := map[string]runio.Array{}
	a["theta"] = vec(r.theta)
	off := 0
	for i, p := range r.prog.params {
		shape := append([]int(nil), p.Shape()...)
		a[p.Name()] = runio.Array{Shape: shape, Data: append([]float64(nil), r.theta[off:off+r.prog.sizes[i]]...)}
		off += r.prog.sizes[i]
	}
	a["step"] = scalarArr(float64(r.step))
	a["wall_s"] = scalarArr(r.wallPrev + time.Since(r.start).Seconds())
	a["train_s"] = scalarArr(r.trainSec)
	a["seed"] = scalarArr(float64(r.cfg.seed))
	a["adam/m"] = vec(r.adam.m)
	a["adam/v"] = vec(r.adam.v)
	a["adam/t"] = scalarArr(float64(r.adam.t))
	lb := r.lb
	a["lbfgs/k"] = scalarArr(float64(lb.k))
	a["lbfgs/done"] = scalarArr(b2f(lb.done))
	a["lbfgs/has"] = scalarArr(b2f(lb.has))
	if lb.has {
		a["lbfgs/x"] = vec(lb.x)
		a["lbfgs/g"] = vec(lb.g)
		a["lbfgs/f"] = scalarArr(lb.f)
		n := len(lb.x)
		S := runio.Array{Shape: []int{len(lb.S), n}}
		Y := runio.Array{Shape: []int{len(lb.Y), n}}
		for i := range lb.S {
			S.Data = append(S.Data, lb.S[i]...)
			Y.Data = append(Y.Data, lb.Y[i]...)
		}
		a["lbfgs/S"], a["lbfgs/Y"] = S, Y
	}
	a["loss"] = scalarArr(r.loss)
	for i, t := range r.prog.terms {
		key := fmt.Sprintf("points/%d", i)
		n := len(r.prob.Variables)
		a[key] = runio.Array{Shape: []int{len(t.pts) / n, n}, Data: append([]float64(nil), t.pts...)}
		if t.normals != nil {
			a[fmt.Sprintf("normals/%d", i)] = runio.Array{Shape: []int{len(t.normals) / n, n}, Data: append([]float64(nil), t.normals...)}
		}
		a[fmt.Sprintf("epoch/%d", i)] = scalarArr(float64(t.epoch))
		a[fmt.Sprintf("termloss/%d", i)] = scalarArr(r.losses[t.name])
	}
	return runio.WriteNPZ(filepath.Join(r.cfg.opts.OutDir, "checkpoint.npz"), a)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func (r *runner) loadCheckpoint(path string) error {
	a, err := runio.ReadNPZ(path)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	get := func(k string) (runio.Array, error) {
		v, ok := a[k]
		if !ok {
			return v, fmt.Errorf("checkpoint %s: no %q", path, k)
		}
		return v, nil
	}
	th, err := get("theta")
	if err != nil {
		return err
	}
	if len(th.Data) != len(r.theta) {
		return fmt.Errorf("checkpoint %s: %d parameters, the spec's model has %d", path, len(th.Data), len(r.theta))
	}
	copy(r.theta, th.Data)
	for _, k := range []string{"step", "wall_s", "train_s", "adam/m", "adam/v", "adam/t", "lbfgs/k", "lbfgs/done", "lbfgs/has", "loss"} {
		if _, err := get(k); err != nil {
			return err
		}
	}
	r.step = int(a["step"].Data[0])
	r.wallPrev = a["wall_s"].Data[0]
	r.trainSec = a["train_s"].Data[0]
	copy(r.adam.m, a["adam/m"].Data)
	copy(r.adam.v, a["adam/v"].Data)
	r.adam.t = int(a["adam/t"].Data[0])
	r.loss = a["loss"].Data[0]
	lb := r.lb
	lb.k = int(a["lbfgs/k"].Data[0])
	lb.done = a["lbfgs/done"].Data[0] != 0
	lb.has = a["lbfgs/has"].Data[0] != 0
	if lb.has {
		lb.x = append([]float64(nil), a["lbfgs/x"].Data...)
		lb.g = append([]float64(nil), a["lbfgs/g"].Data...)
		lb.f = a["lbfgs/f"].Data[0]
		n := len(lb.x)
		S, Y := a["lbfgs/S"], a["lbfgs/Y"]
		lb.S, lb.Y = nil, nil
		for i := 0; i+n <= len(S.Data); i += n {
			lb.S = append(lb.S, append([]float64(nil), S.Data[i:i+n]...))
			lb.Y = append(lb.Y, append([]float64(nil), Y.Data[i:i+n]...))
		}
	}
	r.losses = map[string]float64{}
	for i, t := range r.prog.terms {
		p, ok := a[fmt.Sprintf("points/%d", i)]
		if !ok || len(p.Data) != len(t.pts) {
			return fmt.Errorf("checkpoint %s: points of term %q missing or of another size", path, t.name)
		}
		t.pts = append(t.pts[:0], p.Data...)
		if nv, ok := a[fmt.Sprintf("normals/%d", i)]; ok {
			t.normals = append([]float64(nil), nv.Data...)
		}
		t.epoch = int(a[fmt.Sprintf("epoch/%d", i)].Data[0])
		r.losses[t.name] = a[fmt.Sprintf("termloss/%d", i)].Data[0]
		r.prog.feed(t)
	}
	return nil
}

// warmStart takes the weights and parameters of an earlier run.
func (r *runner) warmStart(dir string) error {
	a, err := runio.ReadNPZ(filepath.Join(dir, "checkpoint.npz"))
	if err != nil {
		return fmt.Errorf("training.init_from: %w", err)
	}
	th, ok := a["theta"]
	if !ok || len(th.Data) != len(r.theta) {
		return fmt.Errorf("training.init_from %s: the model there has another shape", dir)
	}
	copy(r.theta, th.Data)
	return nil
}
