package comm

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
)

// Comm is a communicator over a fixed set of ranks. Collectives must be
// called by every rank, in the same order, with slices of the same length.
type Comm interface {
	Rank() int
	Size() int
	// AllreduceSum replaces x on every rank by the element-wise sum of
	// every rank's x, added in rank order.
	AllreduceSum(x []float64) error
	// Bcast copies root's x into every rank's x.
	Bcast(x []float64, root int) error
	// Barrier returns once every rank has entered it.
	Barrier() error
}

// ErrNoMPI is returned by World when the launcher started several ranks but
// the binary has no MPI support (built without -tags mpi).
var ErrNoMPI = errors.New("started as one of several MPI ranks, but this binary is built without MPI support (build with: go build -tags mpi ./cmd/pinntrain; needs libopenmpi-dev)")

// LauncherSize is the number of ranks the launcher's environment reports
// (OMPI_COMM_WORLD_SIZE of mpirun, PMI_SIZE / PMIX_SIZE of other MPI
// launchers, SLURM_NTASKS inside an srun step), 1 when none does.
func LauncherSize() int {
	for _, env := range []string{"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"} {
		if n, err := strconv.Atoi(os.Getenv(env)); err == nil && n > 0 {
			return n
		}
	}
	// srun sets SLURM_STEP_NUM_TASKS for the step it launches; sbatch alone
	// (no srun) is one process even when SLURM_NTASKS > 1
	if os.Getenv("SLURM_STEP_ID") != "" {
		if n, err := strconv.Atoi(os.Getenv("SLURM_STEP_NUM_TASKS")); err == nil && n > 0 {
			return n
		}
	}
	return 1
}

// World is the communicator of this process's launch: MPI_COMM_WORLD when
// built with -tags mpi, else Single — or ErrNoMPI when the launcher says
// there are several ranks.
func World() (Comm, error) {
	if worldMPI != nil {
		return worldMPI()
	}
	if n := LauncherSize(); n > 1 {
		return nil, fmt.Errorf("%w [%d ranks]", ErrNoMPI, n)
	}
	return Single(), nil
}

// worldMPI is set by the mpi build (mpi.go).
var worldMPI func() (Comm, error)

// Single is the communicator of one rank.
func Single() Comm { return single{} }

type single struct{}

func (single) Rank() int                    { return 0 }
func (single) Size() int                    { return 1 }
func (single) AllreduceSum([]float64) error { return nil }
func (single) Bcast([]float64, int) error   { return nil }
func (single) Barrier() error               { return nil }

// InProcess returns n communicators whose ranks are meant to run as n
// goroutines of this process (tests of data-parallel code without MPI).
func InProcess(n int) []Comm {
	if n < 1 {
		panic("comm.InProcess: n < 1")
	}
	g := &group{n: n, slots: make([][]float64, n)}
	g.cond = sync.NewCond(&g.mu)
	out := make([]Comm, n)
	for r := range out {
		out[r] = &member{g: g, rank: r}
	}
	return out
}

// group is the shared state of in-process ranks: a slot per rank and a
// reusable barrier.
type group struct {
	n     int
	mu    sync.Mutex
	cond  *sync.Cond
	count int // ranks arrived at the current barrier
	gen   int // barrier generation
	slots [][]float64
}

func (g *group) barrier() {
	g.mu.Lock()
	gen := g.gen
	g.count++
	if g.count == g.n {
		g.count = 0
		g.gen++
		g.cond.Broadcast()
	} else {
		for gen == g.gen {
			g.cond.Wait()
		}
	}
	g.mu.Unlock()
}

type member struct {
	g    *group
	rank int
}

func (m *member) Rank() int { return m.rank }
func (m *member) Size() int { return m.g.n }

func (m *member) AllreduceSum(x []float64) error {
	g := m.g
	g.slots[m.rank] = x
	g.barrier()
	for r := 0; r < g.n; r++ {
		if len(g.slots[r]) != len(x) {
			g.barrier()
			return fmt.Errorf("comm: AllreduceSum of %d values on rank %d, %d on rank %d", len(x), m.rank, len(g.slots[r]), r)
		}
	}
	sum := make([]float64, len(x))
	for i := range sum {
		s := g.slots[0][i]
		for r := 1; r < g.n; r++ {
			s += g.slots[r][i]
		}
		sum[i] = s
	}
	g.barrier() // every rank has read every slot
	copy(x, sum)
	return nil
}

func (m *member) Bcast(x []float64, root int) error {
	g := m.g
	if root < 0 || root >= g.n {
		return fmt.Errorf("comm: Bcast root %d of %d ranks", root, g.n)
	}
	g.slots[m.rank] = x
	g.barrier()
	src := g.slots[root]
	var err error
	if len(src) != len(x) {
		err = fmt.Errorf("comm: Bcast of %d values on rank %d, %d on root %d", len(x), m.rank, len(src), root)
	} else if m.rank != root {
		copy(x, src)
	}
	g.barrier()
	return err
}

func (m *member) Barrier() error {
	m.g.barrier()
	return nil
}
