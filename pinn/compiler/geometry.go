package compiler

import (
	"fmt"
	"math/rand/v2"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/sampling"
)

// Point drawing for both kinds of space domain: the box of the variables'
// intervals (faces selected by "VAR == value"), or a 2-D or 3-D shape
// (pde.Problem.Geometry: disk, annulus, polygon, mesh, cylinder,
// extrusion, CSG), whose conditions are on its whole boundary, on named
// parts of it, or on a time slice.

// geometryFaces checks and keeps a condition's selector on a shape domain.
func (p *Program) geometryFaces(t *term, on []pde.Face, typ string) error {
	if typ == "periodic" {
		return fmt.Errorf("periodic conditions need a box domain")
	}
	var parts []string
	for _, f := range on {
		if f.Var != pde.BoundaryFace && f.Var != "t" {
			return fmt.Errorf("face %s == %g: on a shape domain use \"boundary\" or a time slice", f.Var, f.Value)
		}
		if f.Part != "" {
			parts = append(parts, f.Part)
		}
	}
	if len(parts) > 0 {
		if len(parts) != len(on) {
			return fmt.Errorf("named parts are joined with other faces: select parts alone")
		}
		shape, err := sampling.Parts(p.prob.Geometry, parts)
		if err != nil {
			return err
		}
		t.geomOn, t.shape = pde.Face{Var: pde.BoundaryFace}, shape
		return nil
	}
	if len(on) != 1 {
		return fmt.Errorf("on a shape domain a condition is on \"boundary\" or on one time slice, not on several faces")
	}
	t.geomOn = on[0]
	return nil
}

// spaceTime is the shape with the time interval, when there is a time
// variable (the last variable: the loader appends it after the shape's two).
func (p *Program) spaceTime() (sampling.SpaceTime, bool) { return spaceTimeOf(p.prob) }

func spaceTimeOf(prob *pde.Problem) (sampling.SpaceTime, bool) {
	vars := prob.Variables
	if last := vars[len(vars)-1]; last.IsTime() {
		return sampling.SpaceTime{Space: prob.Geometry, T0: last.Lo, T1: last.Hi}, true
	}
	return sampling.SpaceTime{}, false
}

// drawInterior draws n interior points of the whole domain.
func (p *Program) drawInterior(n int, s sampling.UnitSampler, rng *rand.Rand) ([]float64, error) {
	return domainInterior(p.prob, n, s, rng)
}

// domainInterior draws n interior points of a problem's domain: the box of
// its variables, or its shape (times the time interval).
func domainInterior(prob *pde.Problem, n int, s sampling.UnitSampler, rng *rand.Rand) ([]float64, error) {
	if prob.Geometry == nil {
		return problemBox(prob).Interior(n, s, rng)
	}
	if st, ok := spaceTimeOf(prob); ok {
		return st.Interior(n, s, rng)
	}
	return prob.Geometry.Interior(n, s, rng)
}

// isCondition reports whether a term's points lie on the boundary.
func (t *term) isCondition() bool { return t.faces != nil || t.geomOn.Var != "" }

// drawCondition draws n points of a condition term with outward normals.
func (p *Program) drawCondition(t *term, n int, s sampling.UnitSampler, rng *rand.Rand) (pts, normals []float64, err error) {
	if p.prob.Geometry == nil {
		pts, normals, _, err = p.box.FacePoints(t.faces, n, s, rng)
		return pts, normals, err
	}
	st, timed := p.spaceTime()
	if t.geomOn.Var == pde.BoundaryFace {
		shape := p.prob.Geometry
		if t.shape != nil {
			shape = t.shape // named parts' share of the boundary
		}
		if timed {
			st.Space = shape
			return st.Lateral(n, s, rng)
		}
		return shape.Boundary(n, s, rng)
	}
	// a time slice: points of the shape at t, normal along -t or +t
	if !timed {
		return nil, nil, fmt.Errorf("no time variable for the face t == %g", t.geomOn.Value)
	}
	if pts, err = st.AtTime(t.geomOn.Value, n, s, rng); err != nil {
		return nil, nil, err
	}
	dim := len(p.prob.Variables)
	normals = make([]float64, len(pts))
	for i := dim - 1; i < len(normals); i += dim {
		normals[i] = float64(t.geomOn.Side)
	}
	return pts, normals, nil
}
