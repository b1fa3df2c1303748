// Package precond reproduces the mechanism of De Ryck, Bonnet, Mishra and de Bézenac,
// "An operator preconditioning perspective on training in physics-informed machine
// learning" (ICLR 2024; arXiv:2310.05801), on the paper's own toy problem: a linear
// Fourier-feature model of the 1-D Poisson equation trained by gradient descent.
//
// # The claim
//
// For a model u_θ(x) = Σ_i θ_i φ_i(x) and the physics-informed loss
//
//	L(θ) = ½ ∫_Ω (D u_θ − f)² dx + (λ/2) ∫_∂Ω (u_θ − g)² ds,
//
// the loss is quadratic in θ with Hessian (the paper's matrix A, Section 2)
//
//	A_ij = ⟨D φ_i, D φ_j⟩_{L²(Ω)} + λ ⟨φ_i, φ_j⟩_{L²(∂Ω)},
//
// and gradient descent θ_{k+1} = θ_k − η ∇L(θ_k) converges like (1 − c/κ(A))^k
// (the paper's Theorem 2.3; for a quadratic with the optimal fixed step
// η = 2/(λ_max+λ_min) the contraction of the error is exactly (κ−1)/(κ+1) per step).
// A is the Hermitian square D*D of the PDE operator seen through the model, so for
// D = d²/dx² and Fourier features of top frequency K, κ(A) grows like K⁴. A
// preconditioner P ≈ A⁻¹, used as θ_{k+1} = θ_k − η P ∇L(θ_k), makes training
// converge at the rate set by κ(P^{1/2} A P^{1/2}) instead.
//
// # The problem reproduced here
//
// −u″ = f on Ω = [−π, π], u(±π) = 0, with the manufactured solution
//
//	u*(x) = sin x + ½ sin 2x + ½(1 + cos x),   f = −u*″ = sin x + 2 sin 2x + ½ cos x.
//
// The domain is the paper's [−π, π] rather than [0, π]: on a full period the
// features below are L²-orthonormal, so the interior part of A is exactly
// diag(k⁴) and every effect seen is the operator's, not the basis'. (On [0, π] the
// union of {sin kx} and {cos kx} is two complete bases at once and its Gram
// matrix becomes ill-conditioned by itself as K grows.)
//
// Basis for top frequency K, n = 2K+1 functions, ordered
//
//	φ_0 = 1/√(2π),  φ_{2k−1} = cos(kx)/√π,  φ_{2k} = sin(kx)/√π   (k = 1..K).
//
// The cosines and the constant do not vanish at ±π, so the boundary term matters:
// A = diag(0, 1, 1, 16, 16, …, K⁴, K⁴) + λ(v vᵀ + w wᵀ) with v = φ(−π), w = φ(π)
// (here v = w, a rank-one term on the constant and cosine modes). The constant mode
// is controlled by the boundary term alone, which sets λ_min(A) = O(λ) while
// λ_max(A) ≈ K⁴.
//
// The preconditioner is diagonal: P = S², S = diag(s_i), s_i = 1/max(k_i, 1)², where
// k_i is the frequency of φ_i. Equivalently the model is reparametrised as
// u = Σ ψ_i s_i φ_i, which divides each feature's second derivative by k², and plain
// gradient descent in ψ is preconditioned descent in θ = Sψ. The preconditioned
// matrix is S A S = diag(0, 1, …, 1) + λ (Sv)(Sv)ᵀ + λ (Sw)(Sw)ᵀ, whose spectrum is
// bounded independently of K (Sv has entries decaying like 1/k²). Note that S (a
// 1/k² scaling of the features) is P^{1/2}: the scaling P = diag(1/k²) applied as
// P^{1/2} A P^{1/2} only reduces κ from K⁴ to K²; Study reports both.
//
// The loss is evaluated by Gauss–Legendre quadrature on [−π, π] with enough nodes
// (6K+32) that products of features of frequency up to 2K are integrated to
// rounding; tests check A against its closed form and against a finite-difference
// Hessian of the quadrature loss.
//
// Entry points: NewProblem builds A and the gradient; Problem.Descend runs plain or
// preconditioned gradient descent; Study tabulates κ and training cost over K;
// WriteMarkdown and Run write results/precond.md and results/precond_kappa.png.
package precond
