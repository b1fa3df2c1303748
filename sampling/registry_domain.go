package sampling

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
)

// A DomainConstructor builds a domain from the parameters of a spec entry
// such as `domain: {type: annulus, inner: 0.5, outer: 1}` (everything but
// the type). Numbers may be any Go integer or float type, lists []any or
// typed slices, as a YAML or JSON decoder produces them.
type DomainConstructor func(params map[string]any) (Domain, error)

var domainRegistry = struct {
	sync.RWMutex
	m map[string]DomainConstructor
}{m: map[string]DomainConstructor{
	"box":       newBoxSpec,
	"ball":      newBallSpec,
	"disk":      newDiskSpec,
	"sphere":    newSphereSpec,
	"annulus":   newAnnulusSpec,
	"polygon":   newPolygonSpec,
	"mesh":      newMeshSpec,
	"cylinder":  newCylinderSpec,
	"extrusion": newExtrusionSpec,
}}

// The CSG constructors build their parts through NewDomain, which reads the
// registry, so they are added at init to break the initialisation cycle.
func init() {
	for _, op := range []string{"union", "intersection", "difference"} {
		domainRegistry.m[op] = newCSGSpec(op)
	}
}

// RegisterDomain makes a domain type available to NewDomain under name
// (matched case-insensitively). Registering a name again replaces the
// earlier constructor. It panics on an empty name or a nil constructor,
// which are programming errors.
func RegisterDomain(name string, c DomainConstructor) {
	key := strings.ToLower(strings.TrimSpace(name))
	if key == "" || c == nil {
		panic("sampling: RegisterDomain with empty name or nil constructor")
	}
	domainRegistry.Lock()
	domainRegistry.m[key] = c
	domainRegistry.Unlock()
}

// DomainNames returns the registered domain type names, sorted.
func DomainNames() []string {
	domainRegistry.RLock()
	names := make([]string, 0, len(domainRegistry.m))
	for k := range domainRegistry.m {
		names = append(names, k)
	}
	domainRegistry.RUnlock()
	sort.Strings(names)
	return names
}

// NewDomain builds the domain registered under typ (case-insensitive) from
// params. The built-in types and their parameter keys:
//
//	box          lo, hi: lists of equal length (the Box), or numbers
//	             together with dim (the cube [lo, hi]^dim)
//	ball         center: list, and/or dim (centre at the origin of R^dim);
//	             radius: number, default 1
//	disk         center: [x, y], default [0, 0]; radius, default 1
//	sphere       as ball; the surface (Sphere)
//	annulus      center: [x, y], default [0, 0]; inner, outer: radii
//	polygon      vertices: list of [x, y] pairs, either orientation
//	mesh         file: path of an ASCII or binary STL file (LoadSTL, NewMesh),
//	             or a *Mesh already built
//	cylinder     center: [x, y, z]; radius; height; axis: x, y or z
//	             (default z): the axis runs through center
//	extrusion    vertices: list of [a, b] pairs (the two other coordinates
//	             in cyclic order: (x, y) for axis z); range: [lo, hi]
//	             along axis (default z)
//	union        parts: list of domain specs, each a map with a "type" key
//	intersection parts: as for union
//	difference   parts: [A, B, ...] gives A \ (B ∪ ...)
//
// Unknown keys are errors, so a misspelt parameter does not silently fall
// back to a default. The error for an unknown type lists the valid ones.
func NewDomain(typ string, params map[string]any) (Domain, error) {
	key := strings.ToLower(strings.TrimSpace(typ))
	domainRegistry.RLock()
	c, ok := domainRegistry.m[key]
	domainRegistry.RUnlock()
	if !ok {
		return nil, fmt.Errorf("sampling: unknown domain type %q (valid: %s)", typ, strings.Join(DomainNames(), ", "))
	}
	d, err := c(params)
	if err != nil {
		return nil, fmt.Errorf("sampling: domain %q: %w", key, err)
	}
	return d, nil
}

// specParams reads typed values out of a parameter map whose keys have
// been checked against the allowed ones.
type specParams struct{ m map[string]any }

func newSpecParams(m map[string]any, allowed ...string) (*specParams, error) {
	for k := range m {
		if !slices.Contains(allowed, k) {
			return nil, fmt.Errorf("unknown parameter %q (valid: %s)", k, strings.Join(allowed, ", "))
		}
	}
	return &specParams{m: m}, nil
}

func (p *specParams) has(key string) bool {
	_, ok := p.m[key]
	return ok
}

// number reads a number, or def when the key is absent.
func (p *specParams) number(key string, def float64) (float64, error) {
	v, ok := p.m[key]
	if !ok {
		return def, nil
	}
	x, ok := toFloat(v)
	if !ok {
		return 0, fmt.Errorf("parameter %q: %v (%T) is not a number", key, v, v)
	}
	return x, nil
}

// requiredNumber reads a number that must be present.
func (p *specParams) requiredNumber(key string) (float64, error) {
	if !p.has(key) {
		return 0, fmt.Errorf("missing parameter %q", key)
	}
	return p.number(key, 0)
}

// integer reads a whole number, or def when absent.
func (p *specParams) integer(key string, def int) (int, error) {
	x, err := p.number(key, float64(def))
	if err != nil {
		return 0, err
	}
	if x != math.Trunc(x) || math.Abs(x) > 1<<30 {
		return 0, fmt.Errorf("parameter %q: %g is not an integer", key, x)
	}
	return int(x), nil
}

// vector reads a list of numbers, or nil when absent.
func (p *specParams) vector(key string) ([]float64, error) {
	v, ok := p.m[key]
	if !ok {
		return nil, nil
	}
	x, ok := toFloats(v)
	if !ok {
		return nil, fmt.Errorf("parameter %q: %v (%T) is not a list of numbers", key, v, v)
	}
	return x, nil
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int8:
		return float64(x), true
	case int16:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint:
		return float64(x), true
	case uint8:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint64:
		return float64(x), true
	}
	return 0, false
}

func toFloats(v any) ([]float64, bool) {
	switch x := v.(type) {
	case []float64:
		return slices.Clone(x), true
	case []int:
		out := make([]float64, len(x))
		for i, y := range x {
			out[i] = float64(y)
		}
		return out, true
	case [2]float64:
		return x[:], true
	case []any:
		out := make([]float64, len(x))
		for i, y := range x {
			f, ok := toFloat(y)
			if !ok {
				return nil, false
			}
			out[i] = f
		}
		return out, true
	}
	return nil, false
}

func newBoxSpec(m map[string]any) (Domain, error) {
	p, err := newSpecParams(m, "lo", "hi", "dim")
	if err != nil {
		return nil, err
	}
	if !p.has("lo") || !p.has("hi") {
		return nil, fmt.Errorf("need parameters \"lo\" and \"hi\"")
	}
	var b Box
	if _, scalar := toFloat(m["lo"]); scalar {
		dim, err := p.integer("dim", 0)
		if err != nil {
			return nil, err
		}
		if dim < 1 {
			return nil, fmt.Errorf("scalar lo and hi need \"dim\" >= 1")
		}
		lo, err := p.number("lo", 0)
		if err != nil {
			return nil, err
		}
		hi, err := p.number("hi", 0)
		if err != nil {
			return nil, err
		}
		b = Cube(dim, lo, hi)
	} else {
		if b.Lo, err = p.vector("lo"); err != nil {
			return nil, err
		}
		if b.Hi, err = p.vector("hi"); err != nil {
			return nil, err
		}
		if p.has("dim") {
			dim, err := p.integer("dim", 0)
			if err != nil {
				return nil, err
			}
			if dim != len(b.Lo) {
				return nil, fmt.Errorf("dim %d but lo has %d entries", dim, len(b.Lo))
			}
		}
	}
	if err := b.Validate(); err != nil {
		return nil, err
	}
	return b, nil
}

// centerRadius reads the centre (or dim, centre at the origin) and radius
// shared by ball, disk and sphere; fixedDim > 0 fixes the dimension and
// makes the centre default to the origin.
func centerRadius(m map[string]any, fixedDim int) ([]float64, float64, error) {
	allowed := []string{"center", "radius", "dim"}
	p, err := newSpecParams(m, allowed...)
	if err != nil {
		return nil, 0, err
	}
	c, err := p.vector("center")
	if err != nil {
		return nil, 0, err
	}
	dim, err := p.integer("dim", fixedDim)
	if err != nil {
		return nil, 0, err
	}
	switch {
	case fixedDim > 0 && dim != fixedDim:
		return nil, 0, fmt.Errorf("dim %d, but this domain is %d-D", dim, fixedDim)
	case c == nil && dim < 1:
		return nil, 0, fmt.Errorf("need \"center\" or \"dim\" >= 1")
	case c == nil:
		c = make([]float64, dim)
	case (p.has("dim") || fixedDim > 0) && len(c) != dim:
		return nil, 0, fmt.Errorf("dim %d but center has %d entries", dim, len(c))
	}
	r, err := p.number("radius", 1)
	return c, r, err
}

func newBallSpec(m map[string]any) (Domain, error) {
	c, r, err := centerRadius(m, 0)
	if err != nil {
		return nil, err
	}
	b := Ball{Center: c, Radius: r}
	return b, b.Validate()
}

func newDiskSpec(m map[string]any) (Domain, error) {
	c, r, err := centerRadius(m, 2)
	if err != nil {
		return nil, err
	}
	b := Ball{Center: c, Radius: r}
	return b, b.Validate()
}

func newSphereSpec(m map[string]any) (Domain, error) {
	c, r, err := centerRadius(m, 0)
	if err != nil {
		return nil, err
	}
	s := Sphere{Center: c, Radius: r}
	return s, s.Validate()
}

func newAnnulusSpec(m map[string]any) (Domain, error) {
	p, err := newSpecParams(m, "center", "inner", "outer")
	if err != nil {
		return nil, err
	}
	a := Annulus{Center: []float64{0, 0}}
	if p.has("center") {
		if a.Center, err = p.vector("center"); err != nil {
			return nil, err
		}
	}
	if a.Inner, err = p.requiredNumber("inner"); err != nil {
		return nil, err
	}
	if a.Outer, err = p.requiredNumber("outer"); err != nil {
		return nil, err
	}
	return a, a.Validate()
}

func newMeshSpec(m map[string]any) (Domain, error) {
	if _, err := newSpecParams(m, "file"); err != nil {
		return nil, err
	}
	switch f := m["file"].(type) {
	case *Mesh:
		return f, f.Validate()
	case string:
		tris, solids, err := LoadSTLSolids(f)
		if err != nil {
			return nil, err
		}
		mesh, err := NewMeshSolids(tris, solids)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		return mesh, nil
	case nil:
		return nil, fmt.Errorf("missing parameter \"file\" (an STL file)")
	default:
		return nil, fmt.Errorf("parameter \"file\": %v (%T) is not a file name", f, f)
	}
}

// axisParam reads "axis": x, y or z (or 0, 1, 2); default z.
func axisParam(m map[string]any) (int, error) {
	v, ok := m["axis"]
	if !ok {
		return 2, nil
	}
	if s, ok := v.(string); ok {
		switch strings.ToLower(s) {
		case "x":
			return 0, nil
		case "y":
			return 1, nil
		case "z":
			return 2, nil
		}
	} else if f, ok := toFloat(v); ok && (f == 0 || f == 1 || f == 2) {
		return int(f), nil
	}
	return 0, fmt.Errorf("parameter \"axis\": %v: want x, y or z", v)
}

func newCylinderSpec(m map[string]any) (Domain, error) {
	p, err := newSpecParams(m, "center", "radius", "height", "axis")
	if err != nil {
		return nil, err
	}
	c := []float64{0, 0, 0}
	if p.has("center") {
		if c, err = p.vector("center"); err != nil {
			return nil, err
		}
		if len(c) != 3 {
			return nil, fmt.Errorf("center %v: a cylinder's centre has 3 coordinates", c)
		}
	}
	r, err := p.number("radius", 1)
	if err != nil {
		return nil, err
	}
	h, err := p.requiredNumber("height")
	if err != nil {
		return nil, err
	}
	if !(r > 0) || !(h > 0) || math.IsInf(r, 0) || math.IsInf(h, 0) {
		return nil, fmt.Errorf("radius %g, height %g: need finite > 0", r, h)
	}
	axis, err := axisParam(m)
	if err != nil {
		return nil, err
	}
	cyl := Cylinder([3]float64{c[0], c[1], c[2]}, r, h, axis)
	return cyl, cyl.Validate()
}

func newExtrusionSpec(m map[string]any) (Domain, error) {
	p, err := newSpecParams(m, "vertices", "range", "axis")
	if err != nil {
		return nil, err
	}
	sec, err := newPolygonSpec(map[string]any{"vertices": m["vertices"]})
	if err != nil {
		return nil, err
	}
	if !p.has("range") {
		return nil, fmt.Errorf("missing parameter \"range\" ([lo, hi] along the axis)")
	}
	rg, err := p.vector("range")
	if err != nil {
		return nil, err
	}
	if len(rg) != 2 {
		return nil, fmt.Errorf("range %v: want [lo, hi] along the axis", rg)
	}
	axis, err := axisParam(m)
	if err != nil {
		return nil, err
	}
	e := Extrusion(sec.(Polygon), axis, rg[0], rg[1])
	return e, e.Validate()
}

func newPolygonSpec(m map[string]any) (Domain, error) {
	if _, err := newSpecParams(m, "vertices"); err != nil {
		return nil, err
	}
	raw, ok := m["vertices"]
	if !ok {
		return nil, fmt.Errorf("missing parameter \"vertices\"")
	}
	var vs [][2]float64
	switch x := raw.(type) {
	case [][2]float64:
		vs = x
	case [][]float64:
		for i, v := range x {
			if len(v) != 2 {
				return nil, fmt.Errorf("vertex %d: %v is not an [x, y] pair", i, v)
			}
			vs = append(vs, [2]float64{v[0], v[1]})
		}
	case []any:
		for i, v := range x {
			f, ok := toFloats(v)
			if !ok || len(f) != 2 {
				return nil, fmt.Errorf("vertex %d: %v is not an [x, y] pair", i, v)
			}
			vs = append(vs, [2]float64{f[0], f[1]})
		}
	default:
		return nil, fmt.Errorf("parameter \"vertices\": %T is not a list of [x, y] pairs", raw)
	}
	return NewPolygon(vs)
}

// partName is the form of a part's name.
var partName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// newCSGSpec builds a union, intersection or difference from "parts", a
// list of nested specs (maps with a "type" key and that type's parameters).
func newCSGSpec(op string) DomainConstructor {
	return func(m map[string]any) (Domain, error) {
		if _, err := newSpecParams(m, "parts"); err != nil {
			return nil, err
		}
		raw, ok := m["parts"].([]any)
		if !ok {
			return nil, fmt.Errorf("parameter \"parts\": need a list of domain specs, have %T", m["parts"])
		}
		parts := make([]Domain, len(raw))
		for i, r := range raw {
			spec, ok := toStringMap(r)
			if !ok {
				return nil, fmt.Errorf("part %d: %T is not a domain spec", i, r)
			}
			typ, ok := spec["type"].(string)
			if !ok {
				return nil, fmt.Errorf("part %d: missing \"type\"", i)
			}
			params := make(map[string]any, len(spec)-1)
			for k, v := range spec {
				if k != "type" && k != "name" {
					params[k] = v
				}
			}
			d, err := NewDomain(typ, params)
			if err != nil {
				return nil, fmt.Errorf("part %d: %w", i, err)
			}
			if nm, ok := spec["name"]; ok {
				name, ok := nm.(string)
				if !ok || !partName.MatchString(name) {
					return nil, fmt.Errorf("part %d: name %v: want [a-z][a-z0-9_]*", i, nm)
				}
				if _, isCSG := d.(csgNode); isCSG {
					return nil, fmt.Errorf("part %d: name %q: only a shape (not a union, intersection or difference) can be named", i, name)
				}
				for _, p := range parts[:i] {
					if pn, ok := p.(Named); ok && pn.Name == name {
						return nil, fmt.Errorf("part %d: name %q is used twice", i, name)
					}
				}
				d = Named{Name: name, Domain: d}
			}
			parts[i] = d
		}
		var d interface {
			Domain
			Validate() error
		}
		switch op {
		case "union":
			d = Union{Parts: parts}
		case "intersection":
			d = Intersection{Parts: parts}
		default:
			if len(parts) < 2 {
				return nil, fmt.Errorf("difference needs at least 2 parts, have %d", len(parts))
			}
			var b Domain = parts[1]
			if len(parts) > 2 {
				b = Union{Parts: parts[1:]}
			}
			d = Difference{A: parts[0], B: b}
		}
		return d, d.Validate()
	}
}

func toStringMap(v any) (map[string]any, bool) {
	switch x := v.(type) {
	case map[string]any:
		return x, true
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, y := range x {
			s, ok := k.(string)
			if !ok {
				return nil, false
			}
			out[s] = y
		}
		return out, true
	}
	return nil, false
}
