// Package compiler turns a pde.Problem into a Program: one Gorgonia graph
// whose forward pass gives every loss term and whose one reverse pass gives
// the gradient of the weighted loss with respect to the flat parameter
// vector θ (network weights, then trainable parameters).
//
// Every PDE derivative is read out of univariate Taylor jets pushed forward
// through the networks (package autodiff, networks from pinn/nets); nested
// gorgonia.Grad is never used, being silently wrong at second order on
// Gorgonia v0.9.18.
//
// # Entry points
//
// NewConfig fills the defaults of a run's settings (the model, derivatives,
// training and evaluation sections of a spec) in one place. Route decides
// how a problem is compiled, Build and New compile it, Check compiles it on
// a few points without training, NewPredictor evaluates a trained θ at any
// points and NewEvaluation measures it against exact solutions or a
// reference. The training loop (package pinn) drives a Program only through
// Run, Objective, Resample, the convergence columns and SaveState/LoadState;
// it knows nothing of terms or graphs.
//
// # How a problem is compiled
//
// The general compiler (compile.go, program.go, batch.go) takes every
// problem of scalar variables: each term (equation, condition, data) is
// compiled once from its resolved expression into jets of the network, with
// one derivative plan per batch of points. A problem with a vector variable
// x ∈ R^D (a ball or vector box) is compiled either by it, with x written as
// the D scalar coordinates x[1..D] (pde.Problem.Coordinates) — every
// feature applies, up to D = 1000 — or by the high-dimensional fast path
// (highdim*.go), for one field and one equation at any D, which never
// forms D directions per point and runs the stochastic estimators. The two
// share the expression compiler (exprGraph: the fast path supplies its own
// leaves), the networks' forward (nets.MLP.Forward, ForwardStacked), the
// samplers (the sampling package's domains), the program's assembly
// (Program.assemble: weighted losses, loss balancing, the reverse pass) and
// the residual programs behind causal weights and the Gauss-Newton
// Jacobians, so what differs is how the jets along the vector's
// coordinates are formed and fed.
// Route decides, in one place, at every entry point; both give the same
// loss and gradient where both apply (TestCoordinatesMatchFastPath).
//
// Around the terms: adaptive resampling (adaptive.go: RAD, rounds), loss
// balancing by gradient norms (balance.go), causal weights in time
// (causal.go), residual Jacobians for the Gauss-Newton methods
// (jacobian.go), shape domains and their normals (geometry.go).
package compiler
