// Package pde describes a physics-informed learning problem: what must hold
// (equations, conditions on faces of the domain, observations), where
// (variables and their intervals), and how to train it (network, derivative
// method, optimizer stages, evaluation, output). pinn.Train consumes a
// Spec; the expression language of SPEC.md §2 lives in package pde/expr.
//
// # Problems from Go
//
// TwoBody, ThreeBody, SemilinearParabolic, HJBLin and BSB build the STDE and
// SDGD papers' high-dimensional problems for research code, in any
// dimension; each is the spec of its file under configs/papers/.
//
// # Loading specs
//
// Load (or LoadBytes) reads a YAML spec (SPEC.md §1), applies --set
// overrides, fills in every default, validates it, reads its data files and
// resolves every expression. It walks the YAML node tree itself so that each
// error carries the file, line and column: unknown keys, duplicate keys,
// wrong types, values out of range, and expression errors, which point at
// the offending token inside the expression text (for a quoted scalar the
// column is the scalar's column + 1 for the quote + the token's column - 1).
// All problems found are returned together as Errors, one "file:line:col:
// message" per line; an error in an override names the flag instead:
//
//	--set model.widths=3: unknown key "widths" in model
//
// YAML syntax errors carry the line the parser gives, and a column where the
// message says what to look for (the tab of "found character that cannot
// start any token").
// Every error Load returns is a user error.
//
// # Overrides
//
// An override "a.b.0.c=value" addresses maps by key and lists by index; the
// value is YAML ("model.layers=[64,64]", "training.lr=1e-3"). Overrides are
// applied in order to the node tree before validation; missing map keys are
// created (and rejected if the schema does not know them), list indices
// must exist.
//
// # Defaults and choices not fixed by SPEC.md
//
//   - equations and conditions: points is required; sampler uniform,
//     resample_every 0, weight 1; a typed condition's field defaults to the
//     only field (required when there are several).
//   - a residual must mention a field, a trainable parameter or a hidden
//     term; a constant residual would train nothing and is an error at its
//     position. dn(u) on a time face is the outward time derivative (-u_t
//     on t == t0, u_t on t == T).
//   - hidden terms: layers [32, 32], activation tanh.
//   - parameters: {init: v} or just v; init defaults to 0.
//   - training: lr defaults by optimizer (DefaultLR: adam 1e-3, lbfgs, engd
//     and lm 1); an exponential schedule defaults to rate 0.9 every 1000
//     steps; then needs steps, its optimizer defaults to lbfgs.
//   - derivatives: samples and estimator are checked only with method stde
//     (otherwise ignored, as SPEC.md says).
//   - synthetic data (points: {var: [values] | {linspace: [a, b, n]}}): the
//     cartesian grid, first variable slowest; values from evaluation.exact
//     for each field that has one; noise is relative, v*(1 + noise*z) with
//     z ~ N(0, 1), drawn row by row, field by field, from a PCG generator
//     seeded (spec seed, index of the data entry).
//   - data fields: [u, ...] names the observed fields: of synthetic data the
//     fields drawn (each needs an exact value), of a file the field columns
//     used (each must be a column; the others are ignored).
//   - data noise: a bare number or {relative: r} is relative noise;
//     {sigma: s} is absolute, v + s*z (N(0, s^2)), from the same draws;
//     DataSet.NoiseModel records which (relative | absolute | mean).
//   - data and reference rows outside the domain (its box, with 1e-9 of an
//     interval's width to spare; outside a Geometry or in its hole; outside
//     the ball or vector box) are kept: Spec.Warnings gets one line per
//     file, "obs.csv: warning: 2 of 3 rows lie outside the domain (first:
//     line 3, x=2.5, y=0.5)" (synthetic data: data "name" and row N).
//   - vector constants {normal: n, seed: s}: n standard normals from a PCG
//     generator seeded (s, 0) (NormalVector); a list of numbers is a vector
//     constant too.
//   - domain: a box with named variables (domain: {type: box, variables:
//     [x, y], range: [0, 1]} or ranges: [[..], [..]], optional time: [t0,
//     t1]) becomes Variables. A shape (2-D: disk, annulus, polygon; 3-D:
//     mesh — an STL file read and checked here, so its errors carry the
//     file: key's position — cylinder, extrusion; union, intersection,
//     difference of either; parameters validated by sampling.NewDomain)
//     becomes Problem.Geometry, its variables get the bounding box, and
//     "boundary" selects its whole boundary (Face.Var == BoundaryFace). A
//     ball or vector box with variable: x and dim: d makes x a vector
//     variable (Problem.Vector; x[i], norm2, sums in expressions); there
//     "boundary" selects the sphere of the ball or every face of the box
//     (Face.Var == BoundaryFace), and "x == c" is refused.
//   - model: type mlp | gaussians (physics-informed Gaussians, Kang et al.
//     2025: count Gaussians with trainable centres and covariances, of
//     initial width width, feed 16-wide layers by default; layers: [] is
//     the mixture) | fbpinn (finite-basis PINNs, Moseley et al. 2023:
//     subdomains tiles of the normalised inputs, each with its own network
//     of layers and a window; overlap), architecture mlp | modified (Wang, Teng & Perdikaris 2021),
//     fourier: {features, scale} (random Fourier features of the inputs),
//     separate: true (one network per field, Model.Separate) and
//     fields: {f: {layers, activation}} (that field's own network,
//     Model.Fields, Model.FieldNet; implies separate);
//     training: balance: {method: grad-norm, every, alpha} (loss balancing
//     by gradient norms), causal: {chunks, epsilon} (causal weighting of
//     the equations in t); hidden terms: library: {degree, extra,
//     max_rel_error, threshold, digits, form} (their symbolic regression);
//     evaluation.reference may be {ode: {rhs, initial, rtol, atol}} (a
//     Dormand-Prince reference for ODE systems); data noise_model:
//     relative (default) | mean.
//   - CSV data: a header of variable and field names (every variable, at
//     least one field), '#' comment lines, finite numbers only.
//   - term names (equations, conditions, data) are [A-Za-z0-9_-]+ and unique:
//     they name the per-term losses.
//
// # The spec as run
//
// Spec.MarshalRun writes the spec back as YAML with the overrides applied
// and every default present, expressions as written, so that a run
// directory's spec.yaml reproduces the run; loading it gives an equal Spec.
//
// Names the spec may use for samplers, activations and condition types are
// kept in small registries (RegisterSampler, RegisterActivation,
// RegisterConditionType); optimizer names and their default learning rates
// come from the optimizers' own registry (package pinn/optim).
package pde
