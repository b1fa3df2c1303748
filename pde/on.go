package pde

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/sampling"
)

// onToken is a token of an `on:` selector with its byte offset.
type onToken struct {
	text string
	off  int
}

func lexOn(s string) []onToken {
	var toks []onToken
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '=' || c == '!' || c == '<' || c == '>':
			j := i + 1
			for j < len(s) && strings.IndexByte("=!<>", s[j]) >= 0 {
				j++
			}
			toks = append(toks, onToken{s[i:j], i})
			i = j
		default:
			j := i + 1
			for j < len(s) && strings.IndexByte(" \t=!<>", s[j]) < 0 {
				j++
			}
			toks = append(toks, onToken{s[i:j], i})
			i = j
		}
	}
	return toks
}

// onError reports an error at byte offset off of the on: text in n.
func (b *build) onError(n *yaml.Node, off int, format string, args ...any) {
	b.exprError(n, &expr.Error{Pos: expr.Pos{Offset: off, Line: 1, Col: off + 1}, Msg: fmt.Sprintf(format, args...)}, "on")
}

// parseOn reads a face selector: "boundary" (every face of the non-time
// variables) or clauses "VAR == number" joined with " or ", each number the
// low or high end of the variable's interval.
func (b *build) parseOn(n *yaml.Node, path string) ([]Face, bool) {
	text, ok := b.str(n, path)
	if !ok || b.declFailed {
		return nil, false
	}
	n = deref(n)
	toks := lexOn(text)
	if len(toks) == 1 && toks[0].text == "boundary" && (b.p.Geometry != nil || b.p.Vector != nil) {
		// a shape, or the sphere of a ball / the faces of a vector box
		return []Face{{Var: BoundaryFace}}, true
	}
	if faces, isParts, ok := b.parseParts(n, toks); isParts {
		return faces, ok
	}
	if len(toks) == 1 && toks[0].text == "boundary" {
		var faces []Face
		for _, v := range b.p.Variables {
			if v.IsTime() {
				continue
			}
			if _, ok := b.bounds[v.Name]; !ok {
				return nil, false
			}
			faces = append(faces, Face{Var: v.Name, Value: v.Lo, Side: -1}, Face{Var: v.Name, Value: v.Hi, Side: +1})
		}
		if len(faces) == 0 && len(b.p.Variables) > 0 {
			b.errorf(n, "%s: boundary: the domain has no space variables (a face of time is \"t == 0\")", path)
			return nil, false
		}
		return faces, true
	}
	var faces []Face
	ok = true
	end := len(text)
	for i := 0; ; i += 4 {
		if i+3 > len(toks) {
			off := end
			if i < len(toks) {
				off = toks[i].off
			}
			b.onError(n, off, `want "VAR == number" (faces joined with " or ") or "boundary"`)
			return nil, false
		}
		vt, eq, nt := toks[i], toks[i+1], toks[i+2]
		if eq.text != "==" {
			b.onError(n, eq.off, `want "==" after %q`, vt.text)
			return nil, false
		}
		val, err := strconv.ParseFloat(nt.text, 64)
		if err != nil {
			b.onError(n, nt.off, "want a number after ==, got %q", nt.text)
			return nil, false
		}
		iv, known := b.bounds[vt.text]
		switch {
		case b.declKind[vt.text] != "variable":
			b.onError(n, vt.off, "unknown variable %q", vt.text)
			ok = false
		case b.p.Geometry != nil && vt.text != "t":
			b.onError(n, vt.off, "%s", geometryFaceError(vt.text))
			ok = false
		case b.vecVars[vt.text] > 0:
			b.onError(n, vt.off, "%s is a vector variable: its faces are selected by \"boundary\" (the sphere of a ball, every face of a vector box)", vt.text)
			ok = false
		case !known:
			ok = false // its interval is in error already
		default:
			tol := 1e-12 * max(1, abs(iv[0]), abs(iv[1]))
			f := Face{Var: vt.text, Value: val}
			switch {
			case abs(val-iv[0]) <= tol:
				f.Side, f.Value = -1, iv[0]
			case abs(val-iv[1]) <= tol:
				f.Side, f.Value = +1, iv[1]
			default:
				b.onError(n, nt.off, "%s == %s is not a face of the domain (%s in [%s, %s])", vt.text, nt.text, vt.text, fmtNum(iv[0]), fmtNum(iv[1]))
				ok = false
			}
			if f.Side != 0 {
				for _, g := range faces {
					if g.Var == f.Var && g.Side == f.Side {
						b.onError(n, vt.off, "face %s == %s is listed twice", vt.text, nt.text)
						ok = false
					}
				}
				faces = append(faces, f)
			}
		}
		if i+3 == len(toks) {
			break
		}
		if toks[i+3].text != "or" {
			b.onError(n, toks[i+3].off, `want " or " between faces, got %q`, toks[i+3].text)
			return nil, false
		}
	}
	return faces, ok
}

// parseParts reads a selector of named CSG parts, "plate" or "hole1 or
// hole2" (SPEC §9); isParts reports whether toks is one (names that are not
// variables, joined with "or"), ok whether every name is a part.
func (b *build) parseParts(n *yaml.Node, toks []onToken) (faces []Face, isParts, ok bool) {
	for i, t := range toks {
		if i%2 == 1 && t.text != "or" || i%2 == 0 && (t.text == "boundary" || t.text == "or" || b.declKind[t.text] != "" || strings.ContainsAny(t.text, "=<>!")) {
			return nil, false, false
		}
	}
	if len(toks)%2 == 0 {
		return nil, false, false
	}
	var names []string
	if b.p.Geometry != nil {
		names = sampling.PartNames(b.p.Geometry)
	}
	ok = true
	for i := 0; i < len(toks); i += 2 {
		t := toks[i]
		switch {
		case len(names) == 0:
			b.onError(n, t.off, "unknown name %q: the domain has no named parts (give a part name: with `name:`, or select \"boundary\" or faces \"VAR == number\")", t.text)
			return nil, true, false
		case !slices.Contains(names, t.text):
			b.onError(n, t.off, "unknown part %q (the parts are %s)", t.text, strings.Join(names, ", "))
			ok = false
		default:
			for _, f := range faces {
				if f.Part == t.text {
					b.onError(n, t.off, "part %q is listed twice", t.text)
					ok = false
				}
			}
			faces = append(faces, Face{Var: BoundaryFace, Part: t.text})
		}
	}
	return faces, true, ok
}

// checkPeriodic requires both faces of every variable a periodic condition
// names.
func (b *build) checkPeriodic(n *yaml.Node, faces []Face, path string) {
	side := map[string]int{}
	var order []string
	for _, f := range faces {
		if side[f.Var] == 0 {
			order = append(order, f.Var)
		}
		side[f.Var] |= 1 << (f.Side + 1)
	}
	for _, v := range order {
		if side[v] != 1|4 {
			iv := b.bounds[v]
			b.errorf(deref(n), "%s: a periodic condition pairs opposite faces: give both %s == %s and %s == %s", path, v, fmtNum(iv[0]), v, fmtNum(iv[1]))
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
