//go:build mpi

package comm

import (
	"os"
	"testing"
)

// TestMPIWorld runs under mpirun (see mpitest.sh): every rank of
// MPI_COMM_WORLD gets the bits of the rank-order sum from AllreduceSum
// (a vector of 100,003 values, past MPI's eager limits), Bcast copies the
// last rank's vector, Barrier returns. Started without mpirun it checks
// the same with one rank.
func TestMPIWorld(t *testing.T) {
	c, err := World()
	if err != nil {
		t.Fatal(err)
	}
	if want := LauncherSize(); c.Size() != want {
		t.Fatalf("MPI size %d, the launcher says %d", c.Size(), want)
	}
	for _, n := range []int{1, 50, 100003} {
		want := rankOrderSum(c.Size(), n)
		x := contribution(c.Rank(), n)
		if err := c.AllreduceSum(x); err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if x[i] != want[i] {
				t.Fatalf("rank %d of %d, n %d, element %d: %v, want %v bit for bit", c.Rank(), c.Size(), n, i, x[i], want[i])
			}
		}
	}
	y := []float64{float64(c.Rank()), 7}
	if err := c.Bcast(y, c.Size()-1); err != nil {
		t.Fatal(err)
	}
	if y[0] != float64(c.Size()-1) || y[1] != 7 {
		t.Errorf("rank %d: Bcast gave %v", c.Rank(), y)
	}
	if err := c.Barrier(); err != nil {
		t.Fatal(err)
	}
	t.Logf("rank %d of %d: AllreduceSum and Bcast exact", c.Rank(), c.Size())
}

func TestMain(m *testing.M) {
	code := m.Run()
	Finalize()
	os.Exit(code)
}
