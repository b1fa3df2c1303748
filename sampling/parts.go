package sampling

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// Named is a domain with a name, so that the part of a CSG shape's boundary
// that lies on its surface can be selected (a spec's `name:` on a part, and
// `on: plate` in a condition). It behaves exactly as the domain it wraps.
// The named surfaces of a Mesh (MeshSurface, from an STL file's solids) are
// parts too, alone or inside a CSG shape.
type Named struct {
	Name string
	Domain
}

// PartNames lists the names of the named parts of d (depth first).
func PartNames(d Domain) []string {
	var out []string
	for _, l := range csgLeaves(d, nil) {
		for _, name := range leafNames(l) {
			if !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	return out
}

// leafNames are the part names that select a leaf of csgLeaves: a named
// shape's name; a mesh surface's own name and the name of the mesh it is
// part of.
func leafNames(l Domain) []string {
	var names []string
	switch v := l.(type) {
	case Named:
		names = []string{v.Name}
	case *MeshSurface:
		names = []string{v.parent, v.Name}
	}
	return slices.DeleteFunc(names, func(s string) bool { return s == "" })
}

// Parts returns the domain d whose Boundary draws only the points of d's
// boundary that lie on the surfaces of the named parts, with the outward
// normals of d (a hole's surface has normals pointing into the hole). Every
// other method is d's. An unknown name is an error listing the names.
func Parts(d Domain, names []string) (Domain, error) {
	have := PartNames(d)
	for _, n := range names {
		if !slices.Contains(have, n) {
			if len(have) == 0 {
				return nil, fmt.Errorf("sampling: no part named %q: the domain has no named parts", n)
			}
			return nil, fmt.Errorf("sampling: no part named %q (the parts are %s)", n, strings.Join(have, ", "))
		}
	}
	return partsOf{Domain: d, names: names}, nil
}

type partsOf struct {
	Domain
	names []string
}

// Boundary draws n points of the selected parts' share of the boundary.
func (p partsOf) Boundary(n int, s UnitSampler, rng *rand.Rand) (pts, normals []float64, err error) {
	keep := func(l Domain) bool {
		return slices.ContainsFunc(leafNames(l), func(s string) bool { return slices.Contains(p.names, s) })
	}
	if c, ok := p.Domain.(csgNode); ok {
		return csgBoundary(c, keep, n, s, rng)
	}
	// a leaf alone (a named shape, a mesh with surfaces): as a union of one
	return csgBoundary(Union{Parts: []Domain{p.Domain}}, keep, n, s, rng)
}

// boundaryMeasure of a named part is its domain's.
func (n Named) BoundaryMeasure() float64 {
	m, err := boundaryMeasure(n.Domain)
	if err != nil {
		return 0
	}
	return m
}
