//go:build mpi

package comm

/*
#cgo pkg-config: ompi
#include <mpi.h>

static int gp_init(int *provided) {
	int done;
	MPI_Initialized(&done);
	if (done) { *provided = MPI_THREAD_SERIALIZED; return MPI_SUCCESS; }
	// calls come from one goroutine at a time, on any OS thread
	return MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, provided);
}
static int gp_rank(int *r) { return MPI_Comm_rank(MPI_COMM_WORLD, r); }
static int gp_size(int *s) { return MPI_Comm_size(MPI_COMM_WORLD, s); }
static int gp_gather(double *send, double *recv, int n) {
	return MPI_Gather(send, n, MPI_DOUBLE, recv, n, MPI_DOUBLE, 0, MPI_COMM_WORLD);
}
static int gp_exchange(double *send, double *recv, int n, int peer) {
	return MPI_Sendrecv(send, n, MPI_DOUBLE, peer, 7, recv, n, MPI_DOUBLE, peer, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}
static int gp_bcast(double *buf, int n, int root) { return MPI_Bcast(buf, n, MPI_DOUBLE, root, MPI_COMM_WORLD); }
static int gp_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }
static int gp_finalize(void) {
	int done;
	MPI_Finalized(&done);
	return done ? MPI_SUCCESS : MPI_Finalize();
}
*/
import "C"

import (
	"fmt"
	"sync"
	"unsafe"
)

func init() { worldMPI = mpiWorld }

var (
	mpiOnce sync.Once
	mpiComm *mpi
	mpiErr  error
)

func mpiWorld() (Comm, error) {
	mpiOnce.Do(func() {
		var provided C.int
		if rc := C.gp_init(&provided); rc != C.MPI_SUCCESS {
			mpiErr = fmt.Errorf("MPI_Init_thread: error %d", int(rc))
			return
		}
		if provided < C.MPI_THREAD_SERIALIZED {
			mpiErr = fmt.Errorf("MPI_Init_thread: the MPI library gives thread level %d, need MPI_THREAD_SERIALIZED", int(provided))
			return
		}
		var r, s C.int
		if rc := C.gp_rank(&r); rc != C.MPI_SUCCESS {
			mpiErr = fmt.Errorf("MPI_Comm_rank: error %d", int(rc))
			return
		}
		if rc := C.gp_size(&s); rc != C.MPI_SUCCESS {
			mpiErr = fmt.Errorf("MPI_Comm_size: error %d", int(rc))
			return
		}
		mpiComm = &mpi{rank: int(r), size: int(s)}
	})
	return mpiComm, mpiErr
}

// Finalize ends MPI (call once, at exit, after the last collective).
func Finalize() error {
	if mpiComm == nil {
		return nil
	}
	if rc := C.gp_finalize(); rc != C.MPI_SUCCESS {
		return fmt.Errorf("MPI_Finalize: error %d", int(rc))
	}
	return nil
}

// mpi is MPI_COMM_WORLD. AllreduceSum gathers every rank's vector on rank
// 0, which adds them in rank order and broadcasts the sum: MPI_Allreduce's
// own order depends on the algorithm the library picks, this one is fixed.
// Two ranks exchange their vectors instead and each adds them in rank
// order (the same bits, one transfer each way).
type mpi struct {
	mu         sync.Mutex // one collective at a time (MPI_THREAD_SERIALIZED)
	rank, size int
	buf        []float64
}

func (m *mpi) Rank() int { return m.rank }
func (m *mpi) Size() int { return m.size }

func ptr(x []float64) *C.double {
	if len(x) == 0 {
		return nil
	}
	return (*C.double)(unsafe.Pointer(&x[0]))
}

func (m *mpi) AllreduceSum(x []float64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := len(x)
	if n == 0 {
		return nil
	}
	if m.size == 2 {
		// two ranks swap their vectors and both add them in rank order:
		// one transfer each way instead of a gather and a broadcast
		if cap(m.buf) < n {
			m.buf = make([]float64, n)
		}
		m.buf = m.buf[:n]
		if rc := C.gp_exchange(ptr(x), ptr(m.buf), C.int(n), C.int(1-m.rank)); rc != C.MPI_SUCCESS {
			return fmt.Errorf("MPI_Sendrecv: error %d", int(rc))
		}
		if m.rank == 0 {
			for i, v := range m.buf {
				x[i] += v
			}
		} else {
			for i, v := range m.buf {
				x[i] = v + x[i]
			}
		}
		return nil
	}
	var recv *C.double
	if m.rank == 0 {
		if cap(m.buf) < n*m.size {
			m.buf = make([]float64, n*m.size)
		}
		m.buf = m.buf[:n*m.size]
		recv = ptr(m.buf)
	}
	if rc := C.gp_gather(ptr(x), recv, C.int(n)); rc != C.MPI_SUCCESS {
		return fmt.Errorf("MPI_Gather: error %d", int(rc))
	}
	if m.rank == 0 {
		for i := range x {
			s := m.buf[i]
			for r := 1; r < m.size; r++ {
				s += m.buf[r*n+i]
			}
			x[i] = s
		}
	}
	if rc := C.gp_bcast(ptr(x), C.int(n), 0); rc != C.MPI_SUCCESS {
		return fmt.Errorf("MPI_Bcast: error %d", int(rc))
	}
	return nil
}

func (m *mpi) Bcast(x []float64, root int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if root < 0 || root >= m.size {
		return fmt.Errorf("comm: Bcast root %d of %d ranks", root, m.size)
	}
	if len(x) == 0 {
		return nil
	}
	if rc := C.gp_bcast(ptr(x), C.int(len(x)), C.int(root)); rc != C.MPI_SUCCESS {
		return fmt.Errorf("MPI_Bcast: error %d", int(rc))
	}
	return nil
}

func (m *mpi) Barrier() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if rc := C.gp_barrier(); rc != C.MPI_SUCCESS {
		return fmt.Errorf("MPI_Barrier: error %d", int(rc))
	}
	return nil
}
