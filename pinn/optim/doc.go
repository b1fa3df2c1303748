// Package optim holds the optimizers of training, each one file, behind
// one interface that the training loop drives without knowing which method
// it runs (the shape of gonum's optimize.Method and Minimize):
//
//   - Adam (adam.go), first-order, any objective;
//   - L-BFGS (lbfgs.go), with a strong-Wolfe line search;
//   - ENGD (engd.go), energy natural gradient descent, and LM (lm.go),
//     Levenberg-Marquardt: Gauss-Newton-type methods on the residuals;
//   - learning-rate schedules (schedule.go).
//
// A Method declares what it Needs of the objective (a gradient always; the
// Jacobian of the residuals; an objective that stays the same function
// during the stage, i.e. no resampling of points). The trainer states what
// its objective Offers, and Check compares the two in one place, so that a
// refusal is one clear capability mismatch.
//
// The package knows nothing of PDEs or Gorgonia graphs: an objective is a
// function of a flat float64 parameter vector. A method's whole state is
// returned by Save and restored by Load, so that a resumed run continues
// exactly, mid-L-BFGS included.
//
// Adding an optimizer is one file: a type implementing Method and a
// Register call in its init. Spec validation (package pde) reads the names
// and default learning rates from this registry.
package optim
