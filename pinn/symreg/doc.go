// Package symreg turns a learned function into a formula: given samples of
// h at points (in UPINN, PAPERS.md §3, the trained hidden-term network
// evaluated on the predicted fields) it finds a sparse linear combination
// of candidate terms that reproduces them, and writes it in the expression
// language of SPEC.md §2 with the input names, e.g. "0.8997*x*y".
//
// # Method
//
// The library holds every monomial of the inputs up to Options.MaxDegree
// (constant included, products included: for inputs x, y and degree 2 the
// terms 1, x, y, x^2, x*y, y^2) and the user's Options.Extra terms, any
// expressions of the inputs (e.g. "x/(0.1 + x)" for Michaelis–Menten
// kinetics), compiled and evaluated with package pde/expr.
//
// Models are subsets of the library fitted by least squares. Columns are
// scaled to unit norm and the whole problem is reduced once by a QR
// factorisation of [Theta | h] (gonum/mat), so every subset fit is a small
// triangular least-squares problem solved by SVD with a relative singular
// value cut-off of 1e-12 (rank-deficient libraries give the minimum-norm
// fit instead of garbage).
//
// Candidate subsets come from two searches:
//
//   - sequentially thresholded least squares, STLSQ (Brunton, Proctor &
//     Kutz, "Discovering governing equations from data by sparse
//     identification of nonlinear dynamical systems", PNAS 113 (2016)
//     3932–3937): fit, zero the coefficients below a threshold, refit the
//     rest, until the support stops changing; swept over thresholds equal to
//     every coefficient magnitude of the full fit plus 40 log-spaced values
//     between the smallest and the largest;
//   - greedy backward elimination: starting from the full library, drop the
//     term whose removal raises the residual least, refit, repeat down to
//     one term (for libraries of more than 40 terms, drop the smallest
//     coefficient instead, which costs one fit per size, not one per term);
//   - greedy forward selection: starting from no term, add the term that
//     lowers the residual most, up to the full library (at most 20 terms for
//     libraries of more than 40). Backward elimination alone can drop a true
//     term early when the library is nearly collinear, as monomials sampled
//     along one trajectory are.
//
// # Front and model selection
//
// Complexity is the number of terms. The Pareto front keeps, for each
// complexity, the candidate of least relative L2 error ||Theta c - h|| /
// ||h||, and only those better than every simpler one by more than 1e-12
// (round-off), so along the front complexity rises and error falls, and on
// noiseless data the front ends at the exact model.
//
// The selected model is the knee of the front: the simplest candidate whose
// error is at most Options.KneeFactor (default 1.5) times the best error on
// the front plus 1e-6. The factor accepts a model that only misses the
// noise or the network's own approximation error that extra terms would
// fit; the additive 1e-6 stops round-off (errors ~1e-14 on noiseless data)
// from favouring over-fitted models. An information criterion (AIC, BIC) is
// not used: with thousands of samples of a smooth but imperfect network,
// n·log(RSS) rewards every term that fits a systematic error.
//
// If Options.Threshold is set, the selected model is instead the STLSQ
// model at that threshold; the front is still reported.
//
// With Options.Normalize, thresholds compare each term's normalised
// contribution |c_j|·||theta_j|| / ||h|| (dimensionless, comparable across
// terms of different scales); otherwise they compare raw |c_j| as in the
// original SINDy.
//
// Coefficients in Candidate.Terms are the full-precision least-squares
// values, and RelError is computed with them; Candidate.Expression prints
// them to Options.Digits significant digits (default 4).
package symreg
