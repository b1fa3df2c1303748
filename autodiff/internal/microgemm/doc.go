// Package microgemm multiplies small dense matrices with register-blocked
// assembly micro-kernels (AVX2+FMA and AVX-512 on amd64), for the fused MLP
// op's shapes: a chunk of a few hundred rows times a 64-wide weight matrix.
// gonum's pure-Go Dgemm reaches about 12 GFLOP/s on them; the AVX-512
// kernel about 80–115 (BenchmarkGemm).
//
// It is a separate package because Go forbids assembly in a package that
// uses cgo, and autodiff does under the openblas build tag.
//
// Where no kernel applies (another architecture, the purego build tag, a CPU
// without AVX2 and FMA) Best is nil and callers fall back to gonum.
package microgemm
