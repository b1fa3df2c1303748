package comm

import (
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
)

// contribution is rank r's vector: values whose sum depends on the order
// of addition in floating point, so that a different order shows.
func contribution(r, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = math.Pow(10, float64((r*7+i)%17-8)) * (1 + float64(r)/3)
	}
	return x
}

// rankOrderSum is the reference: contributions added in rank order.
func rankOrderSum(size, n int) []float64 {
	want := contribution(0, n)
	for r := 1; r < size; r++ {
		c := contribution(r, n)
		for i := range want {
			want[i] += c[i]
		}
	}
	return want
}

// runRanks runs f on every in-process rank as its own goroutine.
func runRanks(cs []Comm, f func(c Comm) error) []error {
	errs := make([]error, len(cs))
	var wg sync.WaitGroup
	for r, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[r] = f(c)
		}()
	}
	wg.Wait()
	return errs
}

// TestInProcessCollectives: with 1 to 4 ranks, AllreduceSum gives every
// rank the bits of the rank-order sum (repeatedly, so the barrier is
// reusable), Bcast copies the root's vector, Barrier returns.
func TestInProcessCollectives(t *testing.T) {
	for size := 1; size <= 4; size++ {
		cs := InProcess(size)
		const n = 50
		want := rankOrderSum(size, n)
		got := make([][]float64, size)
		errs := runRanks(cs, func(c Comm) error {
			if c.Size() != size {
				t.Errorf("Size %d, want %d", c.Size(), size)
			}
			for round := 0; round < 3; round++ {
				x := contribution(c.Rank(), n)
				if err := c.AllreduceSum(x); err != nil {
					return err
				}
				got[c.Rank()] = x
				if err := c.Barrier(); err != nil {
					return err
				}
			}
			y := []float64{float64(c.Rank()), -1}
			if err := c.Bcast(y, size-1); err != nil {
				return err
			}
			if y[0] != float64(size-1) || y[1] != -1 {
				t.Errorf("rank %d: Bcast gave %v", c.Rank(), y)
			}
			return nil
		})
		for r, err := range errs {
			if err != nil {
				t.Fatalf("%d ranks, rank %d: %v", size, r, err)
			}
			for i := range want {
				if got[r][i] != want[i] {
					t.Fatalf("%d ranks, rank %d, element %d: %v, want the rank-order sum %v bit for bit", size, r, i, got[r][i], want[i])
				}
			}
		}
	}
}

// TestInProcessLengthMismatch: a collective whose vectors differ in length
// is an error on every rank, not a hang or a silent truncation.
func TestInProcessLengthMismatch(t *testing.T) {
	cs := InProcess(2)
	errs := runRanks(cs, func(c Comm) error { return c.AllreduceSum(make([]float64, 3+c.Rank())) })
	for r, err := range errs {
		if err == nil || !strings.Contains(err.Error(), "AllreduceSum of") {
			t.Errorf("rank %d: %v", r, err)
		}
	}
	if err := cs[0].Bcast(nil, 5); err == nil {
		t.Error("Bcast from root 5 of 2 ranks accepted")
	}
}

// TestSingle: one rank, collectives leave the data alone.
func TestSingle(t *testing.T) {
	c := Single()
	x := []float64{1, 2}
	if c.Rank() != 0 || c.Size() != 1 || c.AllreduceSum(x) != nil || c.Bcast(x, 0) != nil || c.Barrier() != nil || x[0] != 1 || x[1] != 2 {
		t.Errorf("Single: rank %d size %d x %v", c.Rank(), c.Size(), x)
	}
}

// TestLauncherSize reads the launchers' environment variables.
func TestLauncherSize(t *testing.T) {
	for _, env := range []string{"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "SLURM_STEP_ID", "SLURM_STEP_NUM_TASKS"} {
		t.Setenv(env, "")
	}
	if n := LauncherSize(); n != 1 {
		t.Errorf("no launcher: %d", n)
	}
	t.Setenv("SLURM_STEP_NUM_TASKS", "4")
	if n := LauncherSize(); n != 1 {
		t.Errorf("SLURM_STEP_NUM_TASKS without a step: %d", n)
	}
	t.Setenv("SLURM_STEP_ID", "0")
	if n := LauncherSize(); n != 4 {
		t.Errorf("srun -n 4: %d", n)
	}
	t.Setenv("OMPI_COMM_WORLD_SIZE", "3")
	if n := LauncherSize(); n != 3 {
		t.Errorf("mpirun -np 3: %d", n)
	}
}

// TestWorldWithoutMPI: without -tags mpi, one rank is Single and several
// ranks are refused with ErrNoMPI.
func TestWorldWithoutMPI(t *testing.T) {
	if worldMPI != nil {
		t.Skip("built with -tags mpi")
	}
	t.Setenv("OMPI_COMM_WORLD_SIZE", "1")
	c, err := World()
	if err != nil || c.Size() != 1 {
		t.Fatalf("one rank: %v, %v", c, err)
	}
	t.Setenv("OMPI_COMM_WORLD_SIZE", "2")
	if _, err := World(); !errors.Is(err, ErrNoMPI) || !strings.Contains(err.Error(), "-tags mpi") {
		t.Errorf("two ranks without MPI: %v", err)
	}
}
