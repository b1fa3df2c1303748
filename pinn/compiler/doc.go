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
// One function, Build, compiles every problem, through three seams:
//
//   - a termCompiler (build.go) turns each equation, condition and data set
//     into a term: coordinateTerms, the general compiler (compile.go,
//     program.go, batch.go), for problems of scalar variables, each term
//     compiled from its resolved expression into jets of the network with
//     one derivative plan per batch of points; fastPath (highdim*.go) for a
//     vector variable x ∈ R^D (a ball or vector box), any number of fields
//     and equations at any D, which never forms D directions per point and
//     runs the stochastic estimators (a field is its network's output
//     column through its output transform, highdim_field.go);
//   - a pointSource (points.go) is how a term's points are drawn, held and
//     fed: coordinates, or the fast path's points in R^D with the
//     directions of its estimator;
//   - a predictor (eval.go) evaluates a trained θ: a graph of its own, or
//     the fast path's blocked evaluation of points in R^D.
//
// Everything else is shared: the expression compiler (exprGraph: the fast
// path supplies its own leaves), the networks' forward (nets.MLP.Forward,
// ForwardStacked), the samplers (the sampling package's domains), a term's
// loss (Program.residualsLoss), the program's assembly (Program.assemble:
// weighted losses, loss balancing, the reverse pass), the residual programs
// behind causal weights, RAD and the Gauss-Newton Jacobians, checkpoints.
// A vector problem may also be compiled by the general compiler, with x
// written as the D scalar coordinates x[1..D] (pde.Problem.Coordinates):
// every feature applies, up to D = 1000. Route decides, in one place, at
// every entry point; both give the same loss and gradient where both apply
// (TestCoordinatesMatchFastPath).
//
// Around the terms: adaptive resampling (adaptive.go: RAD, rounds), loss
// balancing by gradient norms (balance.go), causal weights in time
// (causal.go), residual Jacobians for the Gauss-Newton methods
// (jacobian.go), shape domains and their normals (geometry.go).
package compiler
