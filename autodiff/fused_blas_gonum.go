//go:build !openblas

package autodiff

// blasName is the BLAS of this build (see fused_openblas.go).
const blasName = "gonum"
