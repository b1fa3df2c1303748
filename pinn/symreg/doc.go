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
// The selected model follows PySR's "best" rule (Cranmer, "Interpretable
// machine learning for science with PySR and SymbolicRegression.jl", 2023,
// arXiv:2305.01582, model_selection="best"), with the loss filter on
// cross-validated rather than training error:
//
//  1. admit the models on the front whose 5-fold cross-validated relative
//     error (Candidate.CVError) is at most Options.LossFactor (default 2)
//     times the least on the front, plus 1e-6;
//  2. among those, take the one of highest score, -d ln(error) /
//     d(complexity) from its predecessor on the front (the zero model, with
//     error 1, precedes the first), ties to the simpler.
//
// Step 1 rejects models that miss real structure; cross-validation keeps
// over-fitted models (with few samples, on a nearly collinear library) from
// setting the bar. Step 2 is the knee of the log-error curve: a term that
// cuts the error by orders of magnitude is kept, terms that shave the last
// few per cent off a noisy or approximately learned function are not. On
// noiseless data (errors ~1e-15 at the exact model, 1e-15 floored in the
// logarithms) the exact model has by far the highest score. A plain
// "simplest model within a factor of the best training error" rule fails
// with few samples, and information criteria (AIC, BIC) fail with many
// samples of a smooth but imperfect network, where n·ln(RSS) rewards every
// term that fits its systematic error.
//
// No rule can tell a network's smooth systematic error from real structure
// that the library fits; when the accuracy of h is known,
// Options.MaxRelError selects the simplest model on the front whose error
// is within it of the best model's.
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
