package compiler

import (
	"testing"

	"github.com/gopinn/gopinn/pde"
)

// TestPrefetchMatchesDraw: the points and fed columns computed ahead for an
// epoch are bit for bit those of a synchronous draw of that epoch, and a
// training draw takes them (two-body Allen–Cahn forcing, d = 20).
func TestPrefetchMatchesDraw(t *testing.T) {
	spec, err := pde.TwoBody("allen_cahn", 20, 3)
	if err != nil {
		t.Fatal(err)
	}
	prog, _, _ := hdProgram(t, spec, 1)
	h := hdOf(prog.terms[0])
	if len(h.knowns) == 0 {
		t.Fatal("no fed columns: the forcing should be one")
	}
	for _, e := range []int{1, 2, 7} {
		h.prefetch(e)
		if !h.takePrefetched(e) {
			t.Fatalf("epoch %d: the prefetch was not taken", e)
		}
		got := append([]float64(nil), h.pts...)
		gotVals := append([]float64(nil), h.knowns[0].vals...)
		want, err := h.drawPoints(e)
		if err != nil {
			t.Fatal(err)
		}
		wantVals := [][]float64{make([]float64, h.P)}
		for range h.knowns[1:] {
			wantVals = append(wantVals, make([]float64, h.P))
		}
		h.evalKnowns(want, wantVals)
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("epoch %d: point coordinate %d %v, synchronous %v", e, i, got[i], want[i])
			}
		}
		for p := range gotVals {
			if gotVals[p] != wantVals[0][p] {
				t.Fatalf("epoch %d: forcing at point %d %v, synchronous %v", e, p, gotVals[p], wantVals[0][p])
			}
		}
	}
	// a training draw of the next epoch takes the prefetch started by the last
	h.every = 1
	if err := h.draw(8); err != nil {
		t.Fatal(err)
	}
	if h.pre == nil || h.pre.epoch != 9 {
		t.Fatalf("after drawing epoch 8 the prefetch is %+v, want epoch 9 in flight", h.pre)
	}
	if err := h.draw(9); err != nil {
		t.Fatal(err)
	}
	if h.pre.epoch != 10 || h.ptsEpoch != 9 {
		t.Errorf("after drawing epoch 9: prefetch of %d, current epoch %d", h.pre.epoch, h.ptsEpoch)
	}
}
