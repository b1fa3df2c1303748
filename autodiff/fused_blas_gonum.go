//go:build !openblas

package autodiff

import "gonum.org/v1/gonum/blas/gonum"

// blasName is the BLAS of this build (see fused_openblas.go).
const blasName = "gonum"

func init() { useMicroBLAS(gonum.Implementation{}) }
