// Package reference computes reference solutions of the paper problems that
// have no closed form, to measure a trained network against: the viscous
// Burgers equation by the Cole–Hopf integral (Burgers, BurgersGrid), the
// Allen–Cahn equation by a Fourier pseudo-spectral method with ETDRK4 time
// stepping (AllenCahn, PeriodicInterp), and a CSV writer for the tables the
// configs read (WriteReferenceCSV).
package reference
