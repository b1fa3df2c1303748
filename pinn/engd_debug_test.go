package pinn

import (
	"context"
	"os"
	"strconv"
	"testing"
)

func envf(k string, d float64) float64 {
	if v := os.Getenv(k); v != "" {
		f, _ := strconv.ParseFloat(v, 64)
		return f
	}
	return d
}

func TestENGDDebug(t *testing.T) {
	engdRcond0 = envf("RCOND", engdRcond0)
	engdStall = envf("STALL", engdStall)
	engdDamp = envf("DAMP", engdDamp)
	steps := int(envf("STEPS", 100))
	width := int(envf("WIDTH", 32))
	prob := poissonENGD(t, 28, 112)
	opts := engdOpts([]int{width}, "engd", steps)
	opts.Seed = uint64(envf("SEED", 1))
	opts.Evaluation.Every = 5
	opts.Log = func(s string) { t.Log(s) }
	r, err := newRunner(prob, opts)
	if err != nil {
		t.Fatal(err)
	}
	o := r.opts[0].(*engd)
	r.cfg.opts.Progress = func(p Progress) {
		if os.Getenv("V") != "" {
			t.Logf("step %d loss %.3e alpha %g kept %d rcond %g", p.Step, p.Loss, o.alpha, o.kept, o.rcond)
		}
	}
	_, err = r.loop(context.Background())
	if err != nil {
		t.Fatal(err)
	}
}
