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

// draw returns n points of the sampler (rows of stride columns): x
// ball-radial in a ball, uniform in a vector box, t uniform in its
// interval; gaussian-time draws (x, t) with t ~ U[0, T], x ~ N(0, 2tI).
// Without time the draws are exactly the x sampler's.
func (l hdLayout) draw(sampler string, n int, rng *rand.Rand) []float64 {
	if sampler == "gaussian-time" {
		return sampling.GaussianTime(l.d, l.tHi, n, rng)
	}
	x := l.drawX(n, rng)
	if l.nt == 0 {
		return x
	}
	out := make([]float64, 0, n*l.stride())
	for p := range n {
		out = append(out, x[p*l.d:(p+1)*l.d]...)
		out = append(out, l.tLo+(l.tHi-l.tLo)*rng.Float64())
	}
	return out
}

// drawX returns n points x (rows of d): ball-radial in a ball, uniform in a
// vector box.
func (l hdLayout) drawX(n int, rng *rand.Rand) []float64 {
	if l.v.Domain == "ball" {
		return sampling.BallRadial(sampling.CenteredBall(l.d, l.v.Radius), n, rng)
	}
	x := make([]float64, n*l.d)
	for i := range x {
		x[i] = l.v.Lo + (l.v.Hi-l.v.Lo)*rng.Float64()
	}
	return x
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
	return fmt.Errorf("%s %s is not supported on the high-dimensional path (ball-radial, uniform, or gaussian-time with a time interval)", what, s)
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
