package pinn

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"time"

	"github.com/gopinn/gopinn/pinn/internal/runio"
)

// The checkpoint is a NumPy .npz. Besides the flat vector "theta" that a
// resumed run reads, every weight tensor is stored under its own name
// ("net/W0", "hidden_h/b1", "param/lam") for Python users.

// vec wraps x as a 1-D array without copying: a checkpoint is written
// synchronously from the live state, which nothing changes meanwhile (at
// 100K-D copies of θ and Adam's moments would add 500 MB to the peak).
func vec(x []float64) runio.Array {
	return runio.Array{Shape: []int{len(x)}, Data: x}
}
func scalarArr(x float64) runio.Array { return runio.Array{Shape: []int{}, Data: []float64{x}} }

func (r *runner) saveCheckpoint() error {
	a := map[string]runio.Array{}
	a["theta"] = vec(r.theta)
	off := 0
	for i, p := range r.prog.params {
		shape := append([]int(nil), p.Shape()...)
		a[p.Name()] = runio.Array{Shape: shape, Data: r.theta[off : off+r.prog.sizes[i]]}
		off += r.prog.sizes[i]
	}
	a["step"] = scalarArr(float64(r.step))
	a["wall_s"] = scalarArr(r.wallPrev + time.Since(r.start).Seconds())
	a["train_s"] = scalarArr(r.trainSec)
	a["seed"] = scalarArr(float64(r.cfg.seed))
	// Only the current stage's optimizer has state that matters: earlier
	// stages are finished, later ones not started (and with rounds a plan
	// can hold dozens of L-BFGS stages of 100 curvature pairs each).
	cur, _ := r.cfg.stageAt(r.step)
	for k, v := range r.stages[cur].method.Save() {
		a[fmt.Sprintf("stage%d/%s", cur, k)] = v
	}
	a["loss"] = scalarArr(r.loss)
	for i, t := range r.prog.terms {
		key := fmt.Sprintf("points/%d", i)
		n := len(r.prob.Variables)
		a[key] = runio.Array{Shape: []int{len(t.pts) / n, n}, Data: t.pts}
		if t.normals != nil {
			a[fmt.Sprintf("normals/%d", i)] = runio.Array{Shape: []int{len(t.normals) / n, n}, Data: t.normals}
		}
		a[fmt.Sprintf("epoch/%d", i)] = scalarArr(float64(t.epoch))
		a[fmt.Sprintf("termloss/%d", i)] = scalarArr(r.losses[t.name])
		if t.causal != nil {
			a[fmt.Sprintf("causal/%d", i)] = vec(t.causal.a)
		}
	}
	if lam := r.prog.balanceFactors(); lam != nil {
		a["balance/lambda"] = vec(lam)
	}
	return runio.WriteNPZ(filepath.Join(r.cfg.opts.OutDir, "checkpoint.npz"), a)
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
	for _, k := range []string{"step", "wall_s", "train_s", "loss"} {
		if _, err := get(k); err != nil {
			return err
		}
	}
	for _, k := range []string{"step", "wall_s", "train_s", "loss"} {
		if len(a[k].Data) != 1 {
			return fmt.Errorf("checkpoint %s: %q holds %d values, want 1", path, k, len(a[k].Data))
		}
	}
	step := a["step"].Data[0]
	if total := r.cfg.totalSteps(); !(step >= 0 && step <= float64(total) && step == math.Trunc(step)) {
		return fmt.Errorf("checkpoint %s: step %v is not a whole number of steps in 0..%d (the plan)", path, step, total)
	}
	r.step = int(step)
	r.wallPrev = a["wall_s"].Data[0]
	r.trainSec = a["train_s"].Data[0]
	r.loss = a["loss"].Data[0]
	for i, o := range r.stages {
		prefix := fmt.Sprintf("stage%d/", i)
		st := map[string]runio.Array{}
		for k, v := range a {
			if strings.HasPrefix(k, prefix) {
				st[k[len(prefix):]] = v
			}
		}
		if len(st) == 0 {
			continue // a stage without saved state: not started or finished
		}
		if err := o.method.Load(st); err != nil {
			return fmt.Errorf("checkpoint %s: stage %d: %w", path, i, err)
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
		if t.causal != nil {
			c, ok := a[fmt.Sprintf("causal/%d", i)]
			if !ok || len(c.Data) != t.P {
				return fmt.Errorf("checkpoint %s: causal weights of term %q missing or of another size", path, t.name)
			}
			r.prog.setCausal(t, c.Data)
		}
	}
	if r.prog.balanceCfg() != nil {
		lam, ok := a["balance/lambda"]
		if !ok || len(lam.Data) != len(r.prog.terms) {
			return fmt.Errorf("checkpoint %s: no loss-balancing factors for %d terms", path, len(r.prog.terms))
		}
		r.prog.setBalance(lam.Data)
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
