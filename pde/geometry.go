package pde

import (
	"fmt"
	"strings"

	"github.com/gopinn/gopinn/sampling"
	"go.yaml.in/yaml/v3"
)

// geometryTypes are the shapes a spec's domain may be besides boxes and
// balls: 2-D shapes with variables [x, y], 3-D ones (an STL mesh, a
// cylinder, a polygon extrusion) with [x, y, z], and CSG combinations of
// either. The shape's own parameters go to sampling.NewDomain, which
// validates them (unknown keys are errors there too).
var geometryTypes = map[string]bool{
	"disk": true, "annulus": true, "polygon": true,
	"mesh": true, "cylinder": true, "extrusion": true,
	"union": true, "intersection": true, "difference": true,
}

// BoundaryFace is the Face.Var of the selector "boundary" on a geometry
// domain: the whole spatial boundary of Problem.Geometry.
const BoundaryFace = "boundary"

// mapValue returns the value node of key in a mapping node, or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// geometryDomain reads `domain: {type: disk, center: [0, 0], radius: 1,
// variables: [x, y], time: [0, 1]}` and the other 2-D shapes (annulus:
// center, inner, outer; polygon: vertices; union / intersection /
// difference: parts, a list of shapes). The variables get the shape's
// bounding box as their intervals (for input normalisation); sampling uses
// the shape itself.
func (b *build) geometryDomain(n *yaml.Node) {
	n = deref(n)
	params := map[string]any{}
	var names []string
	var namesNode *yaml.Node
	var timeIv *[2]float64
	var timeKey *yaml.Node
	typ := ""
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "type":
			typ = deref(v).Value
		case "variables":
			names = b.nameList(v, "domain.variables")
			namesNode = deref(v)
		case "time":
			if lo, hi, ok := b.interval(v, "domain.time"); ok {
				timeIv, timeKey = &[2]float64{lo, hi}, k
			}
		default:
			val, ok := b.geometryParam(v, typ, k.Value, "domain."+k.Value)
			if !ok {
				b.declFailed = true
				return
			}
			params[k.Value] = val
		}
	}
	if namesNode == nil {
		b.errorf(n, "domain: a %s needs variables: [x, y] (a 2-D shape) or [x, y, z] (a 3-D one)", typ)
		b.declFailed = true
		return
	}
	dom, err := sampling.NewDomain(typ, params)
	if err != nil {
		b.errorf(n, "domain: %s", strings.TrimPrefix(err.Error(), "sampling: "))
		b.declFailed = true
		return
	}
	if len(names) != dom.Dim() {
		b.errorf(namesNode, "domain.variables: this %s is %d-D: give %d variables, not %d", typ, dom.Dim(), dom.Dim(), len(names))
		b.declFailed = true
		return
	}
	lo, hi := dom.Bounds()
	for i, nm := range names {
		b.declare(nm, "variable", namesNode.Content[i])
		b.p.Variables = append(b.p.Variables, Variable{Name: nm, Lo: lo[i], Hi: hi[i]})
		b.bounds[nm] = [2]float64{lo[i], hi[i]}
	}
	if timeIv != nil {
		b.declare("t", "variable", timeKey)
		b.p.Variables = append(b.p.Variables, Variable{Name: "t", Lo: timeIv[0], Hi: timeIv[1]})
		b.bounds["t"] = *timeIv
	}
	b.p.Geometry = dom
}

// geometryParam decodes the value v of a shape parameter (key of a shape
// of type typ). The file of a mesh, at any depth of a CSG tree, is read
// here, relative to the spec, so a missing or malformed STL file is an
// error at its own line and column, and the shape gets the checked
// *sampling.Mesh.
func (b *build) geometryParam(v *yaml.Node, typ, key, path string) (any, bool) {
	if typ == "mesh" && key == "file" {
		name, ok := b.str(v, path)
		if !ok {
			return nil, false
		}
		tris, solids, err := sampling.LoadSTLSolids(b.dataPath(name))
		if err == nil {
			var m *sampling.Mesh
			if m, err = sampling.NewMeshSolids(tris, solids); err == nil {
				return m, true
			}
		}
		msg := strings.TrimPrefix(err.Error(), b.dataPath(name)+": ")
		b.errorf(v, "%s: %s: %s", path, name, strings.TrimPrefix(msg, "sampling: "))
		return nil, false
	}
	d := deref(v)
	switch {
	case d != nil && d.Kind == yaml.MappingNode:
		out := map[string]any{}
		sub := ""
		if t := mapValue(d, "type"); t != nil {
			sub = deref(t).Value
		}
		for i := 0; i+1 < len(d.Content); i += 2 {
			k := d.Content[i].Value
			val, ok := b.geometryParam(d.Content[i+1], sub, k, path+"."+k)
			if !ok {
				return nil, false
			}
			out[k] = val
		}
		return out, true
	case d != nil && d.Kind == yaml.SequenceNode:
		out := make([]any, len(d.Content))
		for i, it := range d.Content {
			val, ok := b.geometryParam(it, "", "", fmt.Sprintf("%s.%d", path, i))
			if !ok {
				return nil, false
			}
			out[i] = val
		}
		return out, true
	}
	var val any
	if err := v.Decode(&val); err != nil {
		b.errorf(v, "%s: %v", path, err)
		return nil, false
	}
	return val, true
}

// geometryFaceError is the message for a "VAR == number" face of a space
// variable on a geometry domain.
func geometryFaceError(v string) string {
	return fmt.Sprintf("%s == ... is not a face of this domain: use \"boundary\" (and \"t == ...\" for time)", v)
}
