package compiler

// Conditions of a vector problem: the field's value on a face of the
// domain — a time slice t == T0 (an initial or terminal condition) or the
// boundary (the sphere |x| = R of a ball, the faces of a vector box) — as a
// loss term. Such a term needs no derivatives: one primal pass of the
// network per point, u = A·N + C with A and C evaluated in float64.
//
// This is how data that the output transform cannot carry are imposed: the
// semilinear Allen–Cahn problem's g(x) = arctan(max_i x_i) has kinks where
// two coordinates tie, and written into u = g + (T - t)·N its singular
// Laplacian (a measure on the ties) would be missing from every residual.

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pinn/internal/tensors"
	"github.com/gopinn/gopinn/sampling"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// errValueOnly is the fast path's limit on a derivative in a condition of a
// vector problem: the general compiler takes it.
func errValueOnly(x expr.Expr) error {
	return fastPathLimit(fmt.Errorf("%s: on the high-dimensional path a condition takes the fields' values and dn on the boundary only", x))
}

// condition builds the loss term of condition c (index i): its own points
// and inputs, the same networks and output transforms.
func (fp *fastPath) condition(p *Program, i int, c pde.Condition) (*term, error) {
	m := p.model
	switch c.Type {
	case "", "dirichlet", "neumann", "robin":
	default:
		return nil, fastPathLimit(fmt.Errorf("type %s is not supported on the high-dimensional path (dirichlet, neumann, robin, or a residual of the field's value and dn(u))", c.Type))
	}
	withNormal := usesDn(c.Residual)
	for _, f := range c.On {
		if f.Var != pde.BoundaryFace && f.Var != "t" {
			return nil, fastPathLimit(fmt.Errorf("face %s: on the high-dimensional path a condition is on \"boundary\" or a time slice \"t == T\"", f.Var))
		}
	}
	ch := fp.termOf(kindCondition, i, c.Points, fmt.Sprintf("hd/c%d/", i))
	ch.valueOnly, ch.faces, ch.sampler = true, c.On, c.Sampler.Type
	if err := ch.lay.checkFaceSampler(c.On, ch.sampler); err != nil {
		return nil, err
	}
	ch.every = c.ResampleEvery
	if ch.every <= 0 {
		ch.every = math.MaxInt32
	}
	for _, f := range c.On {
		ch.timeNormal = ch.timeNormal || (withNormal && f.Var == "t")
	}
	if err := ch.valueGraph(m, withNormal); err != nil {
		return nil, err
	}
	if err := ch.fieldsOf(m, c.Residual); err != nil {
		return nil, err
	}
	r, err := ch.residual(m, c.Residual)
	if err != nil {
		return nil, err
	}
	G.Read(r, &ch.resVal)
	t := &term{name: c.Name, kind: kindCondition, index: i, weight: c.Weight, every: 1, period: -1, P: ch.P, src: ch}
	if t.weight == 0 {
		t.weight = 1
	}
	return t, p.residualsLoss(t, r)
}

// physicalNormals are the fed outward normals with the time column's
// scaling undone (see feedNormals): rows of stride values, unit length.
func (h *hdTerm) physicalNormals() []float64 {
	n := tensors.Get(h.nrm.Value(), nil)
	if st := h.lay.stride(); h.lay.nt > 0 {
		for p := h.d; p < len(n); p += st {
			n[p] *= h.lay.inv / h.lay.tinv
		}
	}
	return n
}

// usesDn reports whether e takes dn(...).
func usesDn(e expr.Expr) bool {
	found := false
	expr.Walk(e, func(x expr.Expr) bool {
		if c, ok := x.(*expr.Call); ok && c.Func == "dn" {
			found = true
		}
		return !found
	})
	return found
}

// outwardNormal writes the outward unit normal at boundary point x (the
// sphere of a ball: x/R; a face x_j = lo or hi of a vector box: ∓e_j, the
// first such coordinate) into n.
func (l hdLayout) outwardNormal(x, n []float64) {
	clear(n)
	if l.v.Domain == "ball" {
		for j, xj := range x {
			n[j] = xj / l.v.Radius
		}
		return
	}
	for j, xj := range x {
		switch xj {
		case l.v.Lo:
			n[j] = -1
			return
		case l.v.Hi:
			n[j] = 1
			return
		}
	}
}

// timeFace returns the side (-1 at the interval's start, +1 at its end)
// of the time face of the term's faces that a point at time t lies on, 0
// if none: there the outward normal is -e_t or +e_t (dn(u) = ∓u_t).
func (h *hdTerm) timeFace(t float64) int {
	for _, f := range h.faces {
		if f.Var == "t" && f.Value == t {
			return f.Side
		}
	}
	return 0
}

// feedNormals writes the outward normals at the term's points and, for
// each field with a transform, ∇A·n and ∇C·n. On a time face the normal
// is ±e_t, fed as ±tinv/inv in the time column: the graph scales the fed
// normal by inv (the x columns' normalisation), so the network sees ±tinv
// along its time input (physicalNormals undoes it).
func (h *hdTerm) feedNormals() {
	P, st, d := h.P, h.lay.stride(), h.d
	// straight into the input when it is float64 (no P × stride buffer per
	// feed: 80 MB at 100K-D)
	nv, direct := h.nrm.Value().Data().([]float64)
	if !direct {
		nv = make([]float64, P*st)
	}
	// the fields' ∇A·n and ∇C·n
	type dnCols struct {
		f      *hdField
		an, cn []float64
	}
	var cols []dnCols
	for _, f := range h.fields {
		if f.trans != nil {
			cols = append(cols, dnCols{f, make([]float64, P), make([]float64, P)})
		}
	}
	grads := make([][]float64, hdWorkers(P))
	h.eachPoint(h.pts, func(w, p int, x, sc []float64) {
		n := nv[p*st : p*st+d]
		if h.lay.nt > 0 {
			if side := h.timeFace(sc[0]); side != 0 {
				clear(n)
				nv[p*st+d] = float64(side) * h.lay.tinv / h.lay.inv
				// ±∂_t A and ±∂_t C (nil evaluators: zero)
				for _, c := range cols {
					for k, out := range [][]float64{c.an, c.cn} {
						if evs := c.f.trans.tEv[2*k]; evs != nil {
							v, err := evs[w].Value(sc, x)
							if err != nil {
								v = math.NaN()
							}
							out[p] = float64(side) * v
						}
					}
				}
				return
			}
			nv[p*st+d] = 0
		}
		h.lay.outwardNormal(x, n)
		if len(cols) == 0 {
			return
		}
		if grads[w] == nil {
			grads[w] = make([]float64, d)
		}
		g := grads[w]
		for _, c := range cols {
			for k, out := range [][]float64{c.an, c.cn} {
				evs := c.f.trans.aEv
				if k == 1 {
					evs = c.f.trans.cEv
				}
				if evs == nil {
					continue
				}
				_, _, err := evs[w].LapValue(sc, x, g, nil)
				s := 0.0
				for j, gj := range g {
					s += gj * n[j]
				}
				if err != nil {
					s = math.NaN()
				}
				out[p] = s
			}
		}
	})
	if !direct {
		tensors.Set(h.nrm.Value().(tensor.Tensor), nv)
	}
	for _, c := range cols {
		tensors.Set(c.f.an.Value().(tensor.Tensor), c.an)
		tensors.Set(c.f.cn.Value().(tensor.Tensor), c.cn)
	}
}

// feedValues computes a field's transform A and C at the term's points.
func (h *hdTerm) feedValues(f *hdField) {
	P, tr := h.P, f.trans
	a0, c0 := make([]float64, P), make([]float64, P)
	h.eachPoint(h.pts, func(w, p int, x, sc []float64) {
		for k, out := range [][]float64{a0, c0} {
			evs := tr.aEv
			if k == 1 {
				evs = tr.cEv
			}
			if evs == nil {
				continue
			}
			v, err := evs[w].Value(sc, x)
			if err != nil {
				v = math.NaN()
			}
			out[p] = v
		}
	})
	// (a nil evaluator leaves its column zero)
	tensors.Set(f.a0.Value().(tensor.Tensor), a0)
	tensors.Set(f.c0.Value().(tensor.Tensor), c0)
}

// checkFaceSampler reports whether sampler s applies on the faces: on a
// time slice t == T0 the x samplers of the interior (uniform, ball-radial,
// lhs, sobol, halton, hammersley) or gaussian-time (x ~ N(0, 2·T0·I), the
// heat kernel's spread at that time); on the boundary uniform (the
// default; ball-radial is uniform there too) or a QMC sampler.
func (l hdLayout) checkFaceSampler(faces []pde.Face, s string) error {
	if len(faces) == 0 {
		return errors.New("no faces to sample")
	}
	for _, f := range faces {
		switch {
		case s == "gaussian-time" && f.Var == pde.BoundaryFace:
			return errors.New("sampler gaussian-time: on the boundary the points are uniform on it (give no sampler)")
		case s == "gaussian-time" && f.Value <= 0:
			return fmt.Errorf("sampler gaussian-time on t == %g: x ~ N(0, 2t·I) needs t > 0 (at t = 0 every point is the origin); give ball-radial or uniform", f.Value)
		}
	}
	switch s {
	case "", "ball-radial", "uniform", "gaussian-time":
		return nil
	}
	if u := unitSamplerOf(s); u != nil {
		_, err := l.drawFaces(faces, s, 1, rand.New(rand.NewPCG(1, 1)))
		return err
	}
	return fmt.Errorf("sampler %s is not supported for a condition on the high-dimensional path: %s; use uniform, lhs, sobol, halton, hammersley, or gaussian-time on a time slice", s, whyNotSampler(s))
}

// drawFaces returns n points (rows of stride columns) on the faces, drawn
// as the general compiler draws them (see hdLayout.draw): on a vector box
// by sampling.Box.FacePoints over the union of the faces (shared out by
// measure), with a QMC sampler through the sampling package's domains,
// one set per face in turn. The fast path's own draws: on the sphere with
// uniform (the default) a Gaussian direction z/|z| per point, and x on a
// time slice of a ball as in the interior (uniform, ball-radial) or from
// gaussian-time; those points are shared out in turn (point p on face
// p mod len(faces)).
func (l hdLayout) drawFaces(faces []pde.Face, sampler string, n int, rng *rand.Rand) ([]float64, error) {
	if l.v.Domain == "box" && sampler != "gaussian-time" {
		b := l.box(true)
		pts, _, _, err := b.FacePoints(l.boxFaces(faces), n, unitSamplerFor(sampler), rng)
		return pts, err
	}
	if s := unitSamplerOf(sampler); s != nil {
		return l.drawFacesSampled(faces, s, n, rng)
	}
	st, d := l.stride(), l.d
	out := make([]float64, n*st)
	for p := range n {
		row := out[p*st : (p+1)*st]
		f := faces[p%len(faces)]
		x := row[:d]
		switch {
		case f.Var == pde.BoundaryFace && l.v.Domain == "ball":
			s := 0.0
			for j := range x {
				x[j] = rng.NormFloat64()
				s += x[j] * x[j]
			}
			k := l.v.Radius / math.Sqrt(s)
			for j := range x {
				x[j] *= k
			}
		case sampler == "gaussian-time":
			s := math.Sqrt(2 * f.Value)
			for j := range x {
				x[j] = s * rng.NormFloat64()
			}
		default:
			x1, err := l.drawX(sampler, 1, rng)
			if err != nil {
				return nil, err
			}
			copy(x, x1)
		}
		if l.nt > 0 {
			if f.Var == "t" {
				row[d] = f.Value
			} else {
				row[d] = l.tLo + (l.tHi-l.tLo)*rng.Float64()
			}
		}
	}
	return out, nil
}

// boxFaces is the union of a vector box's faces as the sampling package's
// faces of the box with time (l.box(true)): "boundary" every spatial face,
// t == T the time axis's end (the loader takes only the interval's ends).
func (l hdLayout) boxFaces(faces []pde.Face) []sampling.Face {
	var out []sampling.Face
	for _, f := range faces {
		if f.Var == pde.BoundaryFace {
			out = append(out, l.box(false).Faces()...)
		} else {
			out = append(out, sampling.Face{Axis: l.d, Side: f.Side})
		}
	}
	return out
}

// drawFacesSampled draws the points of a QMC sampler on the faces of a
// ball: n shared out in
// turn among the faces, each face's share one set of the sampler.
func (l hdLayout) drawFacesSampled(faces []pde.Face, s sampling.UnitSampler, n int, rng *rand.Rand) ([]float64, error) {
	out := make([]float64, 0, n*l.stride())
	for k, f := range faces {
		m := n / len(faces)
		if k < n%len(faces) {
			m++
		}
		var pts []float64
		var err error
		switch {
		case f.Var == "t": // the space at t = f.Value
			var x []float64
			if x, err = l.domain(false).Interior(m, s, rng); err == nil {
				for p := range m {
					pts = append(append(pts, x[p*l.d:(p+1)*l.d]...), f.Value)
				}
			}
		case l.nt > 0:
			pts, _, err = sampling.SpaceTime{Space: sampling.CenteredBall(l.d, l.v.Radius), T0: l.tLo, T1: l.tHi}.Lateral(m, s, rng)
		default:
			pts, _, err = sampling.CenteredBall(l.d, l.v.Radius).Boundary(m, s, rng)
		}
		if err != nil {
			return nil, fmt.Errorf("sampler %s: %w", s.Name(), err)
		}
		out = append(out, pts...)
	}
	return out, nil
}

// data builds the loss term of data set ds (index i): the fields' values
// at the observations' coordinates x[1..D] (and t) against the observed
// columns, the mean square of every difference, as on the general
// compiler. A data-parallel rank fits its share of the rows.
func (fp *fastPath) data(p *Program, i int, ds *pde.DataSet) (*term, error) {
	m, cfg := p.model, fp.cfg
	n := ds.Len()
	if n == 0 {
		return nil, fmt.Errorf("no rows")
	}
	st := fp.base.lay.stride()
	pts, err := fp.base.lay.rowsOf(ds)
	if err != nil {
		return nil, err
	}
	targets := ds.Targets
	share := 0.0
	if ranks := cfg.Ranks(); ranks > 1 {
		pts = splitRows(pts, st, cfg.Rank(), ranks)
		targets = map[string][]float64{}
		for f, col := range ds.Targets {
			targets[f] = splitRows(col, 1, cfg.Rank(), ranks)
		}
		rows := len(pts) / st
		if rows == 0 {
			return nil, &InputError{Err: fmt.Errorf("data %q: its %d rows cannot be split between %d ranks (fewer rows than ranks)", ds.Name, n, ranks)}
		}
		share = float64(rows) / float64(n)
		n = rows
	}
	dh := fp.termOf(kindData, i, n, fmt.Sprintf("hd/d%d/", i))
	dh.valueOnly, dh.fixed, dh.every = true, pts, math.MaxInt32
	if err := dh.valueGraph(m, false); err != nil {
		return nil, err
	}
	var parts []*G.Node
	for _, name := range fp.prob.Fields {
		y, ok := targets[name]
		if !ok {
			continue
		}
		f, err := dh.fieldOf(m, name)
		if err != nil {
			return nil, err
		}
		parts = append(parts, m.sub(f.u, m.fixed(dh.fieldName(f, "target"), n, 1, y)))
	}
	if len(parts) == 0 {
		return nil, fmt.Errorf("no field columns to fit")
	}
	r := parts[0]
	if len(parts) > 1 {
		// one residual vector of every observed value: its mean square
		// is the general compiler's sum of squares over their count
		r = m.keep(G.Concat(0, parts...))
	}
	G.Read(r, &dh.resVal)
	t := &term{name: ds.Name, kind: kindData, index: i, weight: ds.Weight, period: -1, P: n, src: dh, share: share}
	if t.weight == 0 {
		t.weight = 1
	}
	return t, p.residualsLoss(t, r)
}

// rowsOf gathers a table's input columns x[1..D] (and t) into points
// (rows of stride columns).
func (l hdLayout) rowsOf(ds *pde.DataSet) ([]float64, error) {
	n, st := ds.Len(), l.stride()
	pts := make([]float64, n*st)
	cols := make([]string, 0, st)
	for k := 1; k <= l.d; k++ {
		cols = append(cols, pde.CoordinateName(l.v.Name, k))
	}
	cols = append(cols, l.scalars()...)
	for j, name := range cols {
		col, ok := ds.Inputs[name]
		if !ok {
			return nil, fmt.Errorf("no column for %q", name)
		}
		for r := range n {
			pts[r*st+j] = col[r]
		}
	}
	return pts, nil
}
