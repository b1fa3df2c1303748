// Package sampling draws the points a physics-informed network is trained
// and evaluated on: collocation points inside a domain, points on its
// boundary with outward unit normals, and residual-adaptive redraws.
//
// Everything is row-major flat []float64: n points of dimension d are
// x[i*d : (i+1)*d], and normals share the layout of their points.
//
// Three layers, each extended by writing one type:
//
//   - A UnitSampler draws n points in the unit cube [0,1)^dim. Built in,
//     under their spec names: uniform (Monte Carlo), lhs (Latin hypercube),
//     sobol (digitally shifted Sobol, Joe–Kuo directions, up to SobolMaxDim
//     axes), halton (scrambled), hammersley (randomised) and grid (cell
//     centres; it rounds the count to a full lattice). NewUnitSampler looks
//     one up by name; RegisterUnitSampler adds one.
//   - A Domain (Box, Ball, Sphere, Annulus, Polygon, and in 3-D Prism —
//     Cylinder, Extrusion — and Mesh, a closed STL surface from LoadSTL)
//     maps unit-cube points
//     onto its interior and its boundary by measure-preserving maps, so a
//     uniform sampler gives uniform points and a QMC sampler keeps its
//     stratification. Box.FacePoints samples chosen faces, e.g. the spatial
//     boundary of a space-time box from Faces(timeAxis), or the initial
//     slice from one face; Polygon.EdgePoints and Annulus.CirclePoints do
//     the same for edges and walls. Union, Intersection and Difference
//     combine domains, sampled by rejection, as is a Mesh's interior (ray
//     parity over a bounding-volume hierarchy). NewDomain builds a domain from
//     its spec name and parameters; RegisterDomain adds a type.
//   - SpaceTime is a non-box spatial domain times a time interval (time is
//     the last coordinate), with Lateral and AtTime for boundary and initial
//     conditions. A box with time is just a Box with one more axis.
//   - BallRadial is the STDE papers' uniform-radius sampler of the ball
//     (not uniform in the ball), GaussianTime their parabolic-problem
//     sampler; RADWeights and SampleWithoutReplacement implement
//     residual-based adaptive sampling (RAD, Wu et al. 2023).
//
// Randomness: every function takes a *rand.Rand (math/rand/v2) and is a pure
// function of its arguments and that generator's state. Stream derives a
// generator from a run seed and labels such as (term, epoch), so the points
// of any term at any resampling epoch can be regenerated without storing
// generator state. PCG output is fixed across Go versions, so runs reproduce
// across toolchains.
//
// QMC samplers are randomised (digital shift, digit scrambling) so that each
// call gives fresh points of the same quality; every point is marginally
// uniform, which keeps Monte Carlo error estimates unbiased.
package sampling
