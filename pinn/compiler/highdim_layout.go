package compiler

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/sampling"
)

// hdLayout is how the points of a vector problem are stored and fed: rows
// of x_1..x_d, then t when the domain has a time interval (nt = 1). The
// network sees every column normalised, x_n = (x - center)·inv and
// t_n = (t - tc)·tinv. Training (hdTerm), the test set and the predictor
// share it.
type hdLayout struct {
	v        *pde.VectorVariable
	d, nt    int
	tLo, tHi float64
	center   float64
	inv      float64
	tc, tinv float64
}

func newHDLayout(prob *pde.Problem, noNormalize bool) (hdLayout, error) {
	v := prob.Vector
	l := hdLayout{v: v, d: v.Dim, inv: 1, tinv: 1}
	for _, x := range prob.Variables {
		switch {
		case x.Name == pde.RadialName:
		case x.IsTime():
			l.nt, l.tLo, l.tHi = 1, x.Lo, x.Hi
		default:
			return l, fmt.Errorf("problem %q: variable %s beside a vector variable: only the time t is supported", prob.Name, x.Name)
		}
	}
	if !noNormalize {
		if v.Domain == "ball" {
			l.inv = 1 / v.Radius
		} else {
			l.center, l.inv = (v.Lo+v.Hi)/2, 2/(v.Hi-v.Lo)
		}
		if l.nt > 0 && l.tHi > l.tLo {
			l.tc, l.tinv = (l.tLo+l.tHi)/2, 2/(l.tHi-l.tLo)
		}
	}
	return l, nil
}

// stride is the number of stored columns per point.
func (l hdLayout) stride() int { return l.d + l.nt }

// scalars are the names of the scalar columns, for expr.CompileVector.
func (l hdLayout) scalars() []string {
	if l.nt > 0 {
		return []string{"t"}
	}
	return nil
}

// split returns the x part and the scalar part of point p of pts.
func (l hdLayout) split(pts []float64, p int) (x, s []float64) {
	st := l.stride()
	row := pts[p*st : (p+1)*st]
	return row[:l.d], row[l.d:]
}

// normalise writes the network inputs of pts into dst (same shape).
func (l hdLayout) normalise(dst, pts []float64) {
	st := l.stride()
	for i, v := range pts {
		if i%st < l.d {
			dst[i] = (v - l.center) * l.inv
		} else {
			dst[i] = (v - l.tc) * l.tinv
		}
	}
}

// report returns the reporting columns of pts: |x|, then t.
func (l hdLayout) report(pts []float64) []float64 {
	st := l.stride()
	n := len(pts) / st
	out := make([]float64, 0, n*(1+l.nt))
	for p := range n {
		x, s := l.split(pts, p)
		r := 0.0
		for _, v := range x {
			r += v * v
		}
		out = append(out, math.Sqrt(r))
		out = append(out, s...)
	}
	return out
}

// draw returns n points of the sampler (rows of stride columns), drawn as
// the general compiler draws them for the spec through the sampling
// package's domains (pde.Problem.Coordinates: the same points from the
// same stream), except for:
//   - uniform (the default) and ball-radial in a ball: uniform in the ball
//     (a Gaussian direction, radius R·U^(1/d)) or the STDE papers' points
//     (uniform radius and direction, denser near the centre), t uniform:
//     the same distributions as the general compiler's, other points (its
//     map of unit points takes an inverse normal CDF per coordinate, 13×
//     the cost: 1.7 s per 100 points at 100K-D);
//   - gaussian-time: (x, t) with t ~ U[0, T], x ~ N(0, 2tI).
func (l hdLayout) draw(sampler string, n int, rng *rand.Rand) ([]float64, error) {
	if sampler == "gaussian-time" {
		return sampling.GaussianTime(l.d, l.tHi, n, rng), nil
	}
	if !l.ownBallDraw(sampler) {
		return l.domain(true).Interior(n, unitSamplerFor(sampler), rng)
	}
	x, err := l.drawX(sampler, n, rng)
	if err != nil || l.nt == 0 {
		return x, err
	}
	out := make([]float64, 0, n*l.stride())
	for p := range n {
		out = append(out, x[p*l.d:(p+1)*l.d]...)
		out = append(out, l.tLo+(l.tHi-l.tLo)*rng.Float64())
	}
	return out, nil
}

// ownBallDraw reports whether the fast path draws the sampler's points in
// the ball itself (see draw).
func (l hdLayout) ownBallDraw(sampler string) bool {
	return l.v.Domain == "ball" && (sampler == "" || sampler == "uniform" || sampler == "ball-radial")
}

// drawX returns n points x (rows of d) of the sampler (see draw).
func (l hdLayout) drawX(sampler string, n int, rng *rand.Rand) ([]float64, error) {
	if !l.ownBallDraw(sampler) {
		return l.domain(false).Interior(n, unitSamplerFor(sampler), rng)
	}
	if sampler == "ball-radial" {
		return sampling.BallRadial(sampling.CenteredBall(l.d, l.v.Radius), n, rng), nil
	}
	// uniform in the ball: a Gaussian direction (Muller 1959) and the
	// radius R·U^(1/d), whose d-th power is uniform (in high dimension
	// nearly every point lies close to the sphere)
	x := make([]float64, n*l.d)
	for p := range n {
		row := x[p*l.d : (p+1)*l.d]
		s := 0.0
		for j := range row {
			row[j] = rng.NormFloat64()
			s += row[j] * row[j]
		}
		k := l.v.Radius * math.Pow(rng.Float64(), 1/float64(l.d)) / math.Sqrt(s)
		for j := range row {
			row[j] *= k
		}
	}
	return x, nil
}

// unitSamplerOf is the sampling package's sampler for the QMC names (lhs,
// sobol, halton, hammersley), nil for the others.
func unitSamplerOf(name string) sampling.UnitSampler {
	switch name {
	case "lhs", "sobol", "halton", "hammersley":
		s, _ := sampling.NewUnitSampler(name)
		return s
	}
	return nil
}

// unitSamplerFor is the sampling package's sampler of a name the fast path
// takes other than gaussian-time ("" is uniform).
func unitSamplerFor(name string) sampling.UnitSampler {
	if s := unitSamplerOf(name); s != nil {
		return s
	}
	if name == "ball-radial" {
		return sampling.BallRadialSampler{}
	}
	return sampling.Uniform{}
}

// domain is the vector domain as the general compiler's sampling domain
// (pde.Problem.Coordinates): the centred D-ball or the cube; withTime adds
// the time interval (a SpaceTime for the ball, one more axis for the box).
func (l hdLayout) domain(withTime bool) sampling.Domain {
	if l.v.Domain == "ball" {
		b := sampling.CenteredBall(l.d, l.v.Radius)
		if withTime && l.nt > 0 {
			return sampling.SpaceTime{Space: b, T0: l.tLo, T1: l.tHi}
		}
		return b
	}
	return l.box(withTime)
}

// box is the vector box, with the time interval as its last axis when
// withTime.
func (l hdLayout) box(withTime bool) sampling.Box {
	b := sampling.Cube(l.d, l.v.Lo, l.v.Hi)
	if withTime && l.nt > 0 {
		b.Lo, b.Hi = append(b.Lo, l.tLo), append(b.Hi, l.tHi)
	}
	return b
}

// checkSampler reports whether a training or test sampler applies.
func (l hdLayout) checkSampler(what, s string) error {
	switch s {
	case "", "ball-radial", "uniform":
		return nil
	case "gaussian-time":
		if l.nt == 0 || l.tLo != 0 {
			return fmt.Errorf("%s gaussian-time: needs a time interval [0, T] on the domain (x ~ N(0, 2tI), t ~ U[0, T])", what)
		}
		return nil
	}
	if u := unitSamplerOf(s); u != nil {
		// the draw fails only for the dimension (sobol): try one point
		if _, err := l.domain(true).Interior(1, u, rand.New(rand.NewPCG(1, 1))); err != nil {
			if s == "sobol" {
				return fmt.Errorf("%s sobol: a %d-D %s takes more unit coordinates than the %d of Sobol's direction table (Joe–Kuo); use halton, lhs or uniform", what, l.d, l.v.Domain, sampling.SobolMaxDim)
			}
			return fmt.Errorf("%s %s: %w", what, s, err)
		}
		return nil
	}
	return fmt.Errorf("%s %s is not supported on the high-dimensional path: %s; use uniform, ball-radial, lhs, sobol, halton, hammersley, or gaussian-time with a time interval", what, s, whyNotSampler(s))
}

// whyNotSampler says why a sampler does not run on the high-dimensional
// path.
func whyNotSampler(s string) string {
	switch s {
	case "grid":
		return "a lattice has round(n^(1/D)) cells per axis, one cell beyond D = log2(n)"
	case "rad", "rar-d":
		return "on the high-dimensional path adaptive sampling redraws the equation's interior points, not a condition's or the test set"
	}
	return "unknown sampler"
}

// diffScalar differentiates e (an expression of the vector variable and
// scalar variables) with respect to the scalar v: every subexpression with
// vector forms that does not mention v is a constant for the derivative
// (expr.Diff cannot differentiate vector forms) and is put back afterwards.
func diffScalar(e expr.Expr, v string) (expr.Expr, error) {
	var hidden []expr.Expr
	name := func(k int) string { return fmt.Sprintf("hidden·%d", k) }
	var hide func(x expr.Expr) (expr.Expr, error)
	hide = func(x expr.Expr) (expr.Expr, error) {
		if expr.IsVector(x) && !expr.Mentions(x, v) {
			hidden = append(hidden, x)
			return &expr.Ident{P: x.Position(), Name: name(len(hidden) - 1)}, nil
		}
		return mapChildren(x, hide)
	}
	h, err := hide(e)
	if err != nil {
		return nil, err
	}
	dh, err := expr.Diff(h, v, nil)
	if err != nil {
		return nil, err
	}
	var show func(x expr.Expr) (expr.Expr, error)
	show = func(x expr.Expr) (expr.Expr, error) {
		if id, ok := x.(*expr.Ident); ok {
			for k, y := range hidden {
				if id.Name == name(k) {
					return y, nil
				}
			}
		}
		return mapChildren(x, show)
	}
	return show(dh)
}

// mapChildren rebuilds x with f applied to its direct children (unary,
// binary and call nodes; other nodes are returned as they are).
func mapChildren(x expr.Expr, f func(expr.Expr) (expr.Expr, error)) (expr.Expr, error) {
	switch n := x.(type) {
	case *expr.Unary:
		a, err := f(n.X)
		if err != nil {
			return nil, err
		}
		return &expr.Unary{P: n.P, Op: n.Op, X: a}, nil
	case *expr.Binary:
		a, err := f(n.L)
		if err != nil {
			return nil, err
		}
		b, err := f(n.R)
		if err != nil {
			return nil, err
		}
		return &expr.Binary{P: n.P, Op: n.Op, L: a, R: b}, nil
	case *expr.Call:
		args := make([]expr.Expr, len(n.Args))
		for i, a := range n.Args {
			var err error
			if args[i], err = f(a); err != nil {
				return nil, err
			}
		}
		return &expr.Call{P: n.P, Func: n.Func, Args: args}, nil
	}
	return x, nil
}
