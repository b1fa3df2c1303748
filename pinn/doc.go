// Package pinn turns a pde.Problem into a Gorgonia graph and trains it.
//
// Every PDE derivative is read out of univariate Taylor jets pushed forward
// through the networks (package autodiff); the weighted loss is then
// differentiated once, in reverse, with respect to the trainable parameters.
// Nested gorgonia.Grad is never used: on Gorgonia v0.9.18 it is silently
// wrong at second order (see DESIGN.md).
//
// The public entry point is Train; Resume continues a run from its
// checkpoint and LoadRun gives back a trained model for prediction.
//
// With Options.Comm of several ranks (package comm: OpenMPI under -tags
// mpi, or in-process ranks) a run is data-parallel: each rank trains on its
// own points, the gradient is summed over the ranks every evaluation in a
// fixed order, and rank 0 writes the run directory (parallel.go).
//
// # Packages
//
// pinn is the runner: Train, Resume, Check and LoadRun, the stages and
// their optimizers, checkpoints (exact resume), outputs, plots and hidden
// term discovery. It drives a compiled program through a small surface and
// knows nothing of terms or graphs. Below it:
//
//   - pinn/compiler: a pde.Problem into one Gorgonia graph — every term of
//     any kind, scalar or vector variables, the high-dimensional fast path,
//     adaptive sampling, balancing, evaluation and prediction;
//   - pinn/nets: the networks (MLP, Fourier features, modified MLP);
//   - pinn/optim: Adam, L-BFGS, ENGD, Levenberg-Marquardt and the
//     schedules, behind one Method interface;
//   - pinn/symreg: symbolic regression of hidden terms into formulas;
//   - pinn/precond: the operator-preconditioning study (De Ryck et al. 2024).
package pinn
