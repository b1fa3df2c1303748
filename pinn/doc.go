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
// # How a problem is compiled
//
// The compiler (program.go, batch.go) takes every problem of scalar
// variables: each term (equation, condition, data) is compiled once from its
// expression into jets of the network, with one derivative plan per batch of
// points. A problem with a vector variable x ∈ R^D (a ball or vector box)
// is compiled either by it, with x written as the D scalar coordinates
// x[1..D] (pde.Problem.Coordinates) — every feature applies, up to D = 1000
// — or by the high-dimensional fast path (highdim*.go), a special case for
// the STDE papers' problems at any D that never forms D directions per
// point and runs the stochastic estimators. route.go decides, in one place,
// at every entry point; both give the same loss and gradient where both
// apply.
//
// The optimizers live in package pinn/optim behind one Method interface;
// the runner (train.go, stages.go) hands each stage's method the objective
// it needs (the loss and gradient, or the residuals' Jacobians).
package pinn
