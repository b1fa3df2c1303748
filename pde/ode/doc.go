// Package ode integrates systems of ordinary differential equations
// y' = f(t, y) with the explicit Runge–Kutta pair of Dormand and Prince,
// order 5 with an embedded order-4 error estimate, adaptive step size and
// dense output.
//
// It exists to compute reference trajectories for the ODE paper problems
// (Lotka–Volterra, cell apoptosis; PAPERS.md §3) to tolerances far below
// what a trained network reaches, so the defaults are tight (RelTol 1e-10,
// AbsTol 1e-12) rather than fast.
//
// The method follows Hairer, Nørsett & Wanner, Solving Ordinary Differential
// Equations I (2nd ed., Springer 1993), §II.4–II.6 and their code DOPRI5:
//
//   - the coefficients of Dormand & Prince, "A family of embedded Runge-Kutta
//     formulae", J. Comp. Appl. Math. 6 (1980) 19–26 (Table 5.2 of HNW);
//   - first same as last (FSAL): the seventh stage of an accepted step is the
//     first stage of the next, so a step costs six evaluations of f;
//   - the error norm of HNW (4.11), a root mean square over components of the
//     local error scaled by AbsTol + RelTol·max(|y_old|, |y_new|);
//   - PI step-size control (HNW §IV.2, as in DOPRI5 with beta = 0.04, safety
//     0.9, step ratio limited to [0.2, 10]);
//   - the initial step guess of HNW §II.4 when Options.InitialStep is zero;
//   - the continuous extension of order 4 by Shampine (HNW §II.6, the
//     coefficients d_i of DOPRI5's CONTD5), so Solution.At costs no
//     evaluations of f and is accurate to about the tolerance anywhere in
//     the interval.
//
// Solve refuses to loop forever: after Options.MaxSteps steps (accepted or
// rejected) or when the step size underflows it returns an error together
// with the part of the solution computed so far.
package ode
