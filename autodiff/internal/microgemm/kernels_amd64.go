//go:build amd64 && !purego

package microgemm

import "golang.org/x/sys/cpu"

// The micro-kernels of kernels_amd64.s. Each computes one 4 × nr block of
// C = A·B with every element summed over p = 0..k-1 in order by fused
// multiply-adds, so a result does not depend on how the blocks are
// scheduled.

//go:noescape
func kern4x8f64avx2(k int, a *float64, rsA, ksA int, b *float64, ldb int, c *float64, ldc int)

//go:noescape
func kern4x4f64avx2(k int, a *float64, rsA, ksA int, b *float64, ldb int, c *float64, ldc int)

//go:noescape
func kern4x16f32avx2(k int, a *float32, rsA, ksA int, b *float32, ldb int, c *float32, ldc int)

//go:noescape
func kern4x8f32avx2(k int, a *float32, rsA, ksA int, b *float32, ldb int, c *float32, ldc int)

//go:noescape
func kern4x16f64avx512(k int, a *float64, rsA, ksA int, b *float64, ldb int, c *float64, ldc int)

//go:noescape
func kern4x32f32avx512(k int, a *float32, rsA, ksA int, b *float32, ldb int, c *float32, ldc int)

func init() {
	hasAVX2 := cpu.X86.HasAVX2 && cpu.X86.HasFMA
	hasAVX512 := hasAVX2 && cpu.X86.HasAVX512F
	avx2 := Kernel{Name: "avx2",
		f64: []block[float64]{{8, kern4x8f64avx2}, {4, kern4x4f64avx2}},
		f32: []block[float32]{{16, kern4x16f32avx2}, {8, kern4x8f32avx2}}}
	if hasAVX2 {
		Kernels = append(Kernels, avx2)
	}
	if hasAVX512 {
		Kernels = append(Kernels, Kernel{Name: "avx512",
			f64: append([]block[float64]{{16, kern4x16f64avx512}}, avx2.f64...),
			f32: append([]block[float32]{{32, kern4x32f32avx512}}, avx2.f32...)})
	}
	if len(Kernels) > 0 {
		Best = &Kernels[len(Kernels)-1]
	}
}
