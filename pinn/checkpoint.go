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

func (r *runner) saveCheckpoint() error {
	a := map[string]runio.Array{}
	a["theta"] = runio.Vector(r.theta)
	r.prog.SaveState(a, r.theta) // points, epochs, causal and balance state; named weights
	a["step"] = runio.Scalar(float64(r.step))
	a["wall_s"] = runio.Scalar(r.wallPrev + time.Since(r.start).Seconds())
	a["train_s"] = runio.Scalar(r.trainSec)
	a["setup_s"] = runio.Scalar(r.setupSec)
	a["eval_s"] = runio.Scalar(r.evalSec)
	a["seed"] = runio.Scalar(float64(r.cfg.Seed))
	// Only the current stage's optimizer has state that matters: earlier
	// stages are finished, later ones not started (and with rounds a plan
	// can hold dozens of L-BFGS stages of 100 curvature pairs each).
	cur, _ := r.cfg.stageAt(r.step)
	for k, v := range r.stages[cur].method.Save() {
		a[fmt.Sprintf("stage%d/%s", cur, k)] = v
	}
	a["loss"] = runio.Scalar(r.loss)
	for i, name := range r.prog.TermNames() {
		a[fmt.Sprintf("termloss/%d", i)] = runio.Scalar(r.losses[name])
	}
	a["ranks"] = runio.Scalar(float64(r.cfg.Ranks()))
	if r.par != nil {
		// every rank's points and epochs, gathered to the lead
		if err := r.par.gatherStates(a, r.theta); err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
	}
	if !r.lead {
		return nil
	}
	return runio.WriteNPZ(filepath.Join(r.cfg.opts.OutDir, "checkpoint.npz"), a)
}

func (r *runner) loadCheckpoint(path string) error {
	var a map[string]runio.Array
	var err error
	if r.lead {
		if a, err = runio.ReadNPZ(path); err != nil {
			err = fmt.Errorf("checkpoint: %w", err)
		}
	}
	if r.par != nil {
		// the lead's checkpoint, this rank's state in it
		a, err = r.par.broadcastCheckpoint(a, err)
	}
	if err != nil {
		return err
	}
	if n, ok := a["ranks"]; r.par == nil && ok && (len(n.Data) != 1 || n.Data[0] != 1) {
		return &InputError{Err: fmt.Errorf("checkpoint %s was written by a run of %v ranks; resume it with as many (mpirun -np N pinntrain resume)", path, n.Data)}
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
	if total := r.cfg.TotalSteps(); !(step >= 0 && step <= float64(total) && step == math.Trunc(step)) {
		return fmt.Errorf("checkpoint %s: step %v is not a whole number of steps in 0..%d (the plan)", path, step, total)
	}
	r.step = int(step)
	r.wallPrev = a["wall_s"].Data[0]
	r.trainSec = a["train_s"].Data[0]
	// setup_s and eval_s: absent in checkpoints written before they were
	for k, dst := range map[string]*float64{"setup_s": &r.setupSec, "eval_s": &r.evalSec} {
		if v, ok := a[k]; ok && len(v.Data) == 1 && v.Data[0] >= 0 && !math.IsInf(v.Data[0], 0) {
			*dst += v.Data[0]
		}
	}
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
	for i, name := range r.prog.TermNames() {
		v, ok := a[fmt.Sprintf("termloss/%d", i)]
		if !ok || len(v.Data) != 1 {
			return fmt.Errorf("checkpoint %s: no loss of term %q", path, name)
		}
		r.losses[name] = v.Data[0]
	}
	return r.prog.LoadState(a, path)
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
