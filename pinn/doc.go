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
package pinn
