// Package autodiff computes exact input derivatives of Gorgonia graphs by
// Taylor-mode (jet) forward propagation, so that the parameter gradient of a
// loss built from those derivatives needs only one reverse pass
// (gorgonia.Grad called once, w.r.t. the parameters).
//
// Why not nested reverse mode: in Gorgonia v0.9.18 a Grad of a Grad is
// silently wrong (per-node derivative caching, wrong higher-order rules for
// Slice/Concat). Every derivative here is built from ordinary first-order
// graph operations, whose single reverse pass Gorgonia gets right.
//
// # Conventions
//
// A Jet is a truncated univariate Taylor series in the DERIVATIVE convention:
// for an input path x(s) = x + v1 s + v2 s²/2! + ... + vK s^K/K!, the jet of a
// graph value f has C[k] = d^k/ds^k f(x(s)) at s = 0, k = 0..K. The input jet
// of a pure directional derivative along v is (x, v, 0, ..., 0). A nil
// coefficient C[k] (k ≥ 1) is a structural zero: operations skip it instead
// of materialising zeros, which keeps e.g. the jets of linear input maps cheap.
//
// Elementwise functions are pushed through jets by Faà di Bruno's formula
// with partial Bell polynomials,
//
//	(f∘a)_n = Σ_{k=1..n} f^(k)(a_0) · B_{n,k}(a_1, ..., a_{n-k+1}),
//
// whose coefficients are generated from integer partitions (Partitions,
// BellCoefficients), never typed by hand. A Tower supplies f^(k) for k=0..K;
// adding an activation means writing one Tower and one Register call.
//
// Mixed partial derivatives are read out of pure directional jets by
// polarization (Plan): the k-th directional derivative along b is a
// homogeneous polynomial in b whose coefficients are the k-th partials, so a
// unisolvent set of directions determines them by a small linear solve.
//
// The exact Laplacian needs only the sum of the second-order streams; LapJet
// propagates that sum (the "forward Laplacian"), saving d-1 second-order
// streams per layer.
//
// # Gorgonia notes (v0.9.18)
//
// HadamardProd accepts a scalar () node with a tensor of any shape (and
// differentiates correctly w.r.t. the scalar), so it is used for every
// elementwise and scalar product; gorgonia.Mul is used only for matrix
// products. Constants are created in the dtype of the node they combine with:
// a float32 graph must only see float32 constants. Gorgonia has no erf or
// atan operation; a small custom elementwise Op (fnOp) supplies them together
// with their first derivative, which is all the reverse pass needs.
//
// The plain float64 reference of all jet operations lives in subpackage
// jet64 and is the test oracle for this package and its users.
package autodiff
