package pde

import (
	"fmt"
	"strings"

	"github.com/gopinn/gopinn/sampling"
	"go.yaml.in/yaml/v3"
)

// geometryTypes are the 2-D shapes a spec's domain may be, with two scalar
// variables: the shape's own parameters go to sampling.NewDomain, which
// validates them (unknown keys are errors there too).
var geometryTypes = map[string]bool{
	"disk": true, "annulus": true, "polygon": true,
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
			var val any
			if err := v.Decode(&val); err != nil {
				b.errorf(v, "domain.%s: %v", k.Value, err)
				continue
			}
			params[k.Value] = val
		}
	}
	if namesNode == nil {
		b.errorf(n, "domain: a %s needs variables: [x, y]", typ)
		b.declFailed = true
		return
	}
	if len(names) != 2 {
		b.errorf(namesNode, "domain.variables: a %s has two variables, got %d", typ, len(names))
		b.declFailed = true
		return
	}
	dom, err := sampling.NewDomain(typ, params)
	if err != nil {
		b.errorf(n, "domain: %s", strings.TrimPrefix(err.Error(), "sampling: "))
		b.declFailed = true
		return
	}
	if dom.Dim() != 2 {
		b.errorf(n, "domain: a %s of dimension %d; with variables [x, y] the shape must be 2-D", typ, dom.Dim())
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

// geometryFaceError is the message for a "VAR == number" face of a space
// variable on a geometry domain.
func geometryFaceError(v string) string {
	return fmt.Sprintf("%s == ... is not a face of this domain: use \"boundary\" (and \"t == ...\" for time)", v)
}
