package pinn

import (
	"testing"
	"time"
)

func TestENGDTiming(t *testing.T) {
	prob := poissonENGD(t, 28, 112)
	cfg := newConfig(engdOpts([]int{32}, "engd", 1))
	train, _ := newProgram(prob, cfg)
	theta := train.initTheta()
	t0 := time.Now()
	jc, err := newJacobian(train)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("build %v", time.Since(t0))
	t0 = time.Now()
	tjs, _ := jc.assemble(theta, train)
	t.Logf("assemble %v", time.Since(t0))
	t0 = time.Now()
	A, b := stacked(tjs)
	newLstsq(A, b)
	t.Logf("svd %v", time.Since(t0))
	t0 = time.Now()
	for i := 0; i < 31; i++ {
		jc.lossAt(theta, train)
	}
	t.Logf("31 losses %v", time.Since(t0))
	t0 = time.Now()
	g := make([]float64, len(theta))
	for i := 0; i < 10; i++ {
		train.run(theta, g)
	}
	t.Logf("10 train runs %v", time.Since(t0))
}
