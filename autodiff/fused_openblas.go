//go:build openblas

package autodiff

// Build with -tags openblas (cgo; Debian/Ubuntu: apt-get install -y
// libopenblas-dev) to run every matrix multiply — the fused op's and
// Gorgonia's own — through OpenBLAS via gonum's netlib bindings.
//
// The fused op already runs one chunk of points per core, so OpenBLAS is set
// to one thread: its own pthreads on top would oversubscribe the cores
// (measured several times slower on 2 cores). Set OPENBLAS_NUM_THREADS to
// override.

// #cgo LDFLAGS: -lopenblas
// void openblas_set_num_threads(int);
import "C"

import (
	"os"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

const blasName = "openblas"

func init() {
	if os.Getenv("OPENBLAS_NUM_THREADS") == "" {
		C.openblas_set_num_threads(1)
	}
	blas64.Use(netlib.Implementation{})
	blas32.Use(netlib.Implementation{})
	// Gorgonia's products: the micro-kernels where they apply (2x OpenBLAS on
	// the fused op's shapes, BenchmarkFusedGemm), OpenBLAS for the rest.
	useMicroBLAS(netlib.Implementation{})
}
