package pde

import (
	"github.com/gopinn/gopinn/pde/expr"
)

func (b *build) variableNames() []string {
	out := make([]string, 0, len(b.p.Variables))
	for _, v := range b.p.Variables {
		if v.Name != RadialName {
			out = append(out, v.Name)
		}
	}
	return out
}

// dim is the value of d: the number of space dimensions.
func (b *build) dim() int {
	n := 0
	for _, v := range b.p.Variables {
		if !v.IsTime() && v.Name != RadialName {
			n++
		}
	}
	for _, d := range b.vecVars {
		n += d
	}
	return n
}

func (b *build) parameterNames() []string {
	out := make([]string, len(b.p.Parameters))
	for i, p := range b.p.Parameters {
		out[i] = p.Name
	}
	return out
}

// exactScope: exact solutions are functions of the variables alone.
func (b *build) exactScope() *expr.Scope {
	return &expr.Scope{
		Variables: b.variableNames(), Constants: b.p.Constants, Functions: b.funcs,
		Dim: b.dim(), VectorVars: b.vecVars, VectorConsts: b.vecConsts,
	}
}

// hiddenInputScope: hidden-term inputs and the exact forms of hidden terms
// are in the variables and fields.
func (b *build) hiddenInputScope() *expr.Scope {
	s := b.exactScope()
	s.Fields = b.p.Fields
	return s
}

func (b *build) equationScope() *expr.Scope {
	s := b.hiddenInputScope()
	s.Parameters = b.parameterNames()
	s.Hidden = b.hidden
	s.Exact = b.fieldExact()
	return s
}

// fieldExact is the exact solutions of fields (those of hidden terms are in
// the fields, not the variables, and exact(...) takes a field).
func (b *build) fieldExact() map[string]expr.Expr {
	m := map[string]expr.Expr{}
	for k, v := range b.exact {
		if b.declKind[k] == "field" {
			m[k] = v
		}
	}
	return m
}

func (b *build) conditionScope() *expr.Scope {
	s := b.equationScope()
	s.AllowDn = true
	return s
}

// outputScope: an output transform is in the variables and N (one field) or
// N_<field>, never in the fields themselves.
func (b *build) outputScope() *expr.Scope {
	s := b.exactScope()
	s.Parameters = b.parameterNames()
	s.Exact = b.fieldExact()
	if len(b.p.Fields) == 1 {
		s.NetOutputs = []string{"N"}
	}
	if b.s.Model.OutputSource != nil {
		for _, f := range b.p.Fields {
			s.NetOutputs = append(s.NetOutputs, "N_"+f)
		}
	}
	return s
}

// uses reports whether e names any of names (as a name or a call).
func uses(e expr.Expr, names map[string]bool) bool {
	found := false
	expr.Walk(e, func(n expr.Expr) bool {
		switch n := n.(type) {
		case *expr.Ident:
			found = found || names[n.Name]
		case *expr.Call:
			found = found || names[n.Func]
		}
		return !found
	})
	return found
}

// resolveAll resolves every expression once all names are declared. An
// expression that uses a helper function or exact solution that is itself
// in error is skipped: its error has been reported once, where it is.
func (b *build) resolveAll() {
	bad := map[string]bool{}
	// functions are inlined where used; check each alone, in the widest scope,
	// so that an error in one is reported in its own text
	for name, e := range b.funcs {
		if _, err := expr.Resolve(e, b.conditionScope()); err != nil {
			b.exprError(b.funcNodes[name], err, "function "+name)
			bad[name] = true
		}
	}
	b.p.Exact = nil
	for name, e := range b.exact {
		if uses(e, bad) {
			bad["exact"] = true
			continue
		}
		scope := b.exactScope()
		if b.declKind[name] == "hidden term" {
			scope = b.hiddenInputScope()
		}
		r, err := expr.Resolve(e, scope)
		if err != nil {
			b.exprError(b.exactNode[name], err, "evaluation.exact."+name)
			bad["exact"] = true
			continue
		}
		if b.p.Exact == nil {
			b.p.Exact = map[string]expr.Expr{}
		}
		b.p.Exact[name] = r
	}
	for _, p := range b.pending {
		if uses(p.e, bad) || p.failed != nil && *p.failed {
			continue
		}
		r, err := expr.Resolve(p.e, p.scope())
		if err != nil {
			if p.quiet {
				b.errorf(p.node, "%s: %v", p.what, err)
			} else {
				b.exprError(p.node, err, p.what)
			}
			if p.failed != nil {
				*p.failed = true
			}
			continue
		}
		if p.residual && !b.trains(r) {
			b.errorf(p.node, "%s: %q depends on no field, parameter or hidden term: it is a constant and would train nothing", p.what, p.node.Value)
			continue
		}
		p.assign(r)
	}
}

// trains reports whether a resolved expression mentions something trained:
// a field (or a derivative of one), a trainable parameter or a hidden term.
func (b *build) trains(e expr.Expr) bool {
	trained := map[string]bool{}
	for _, f := range b.p.Fields {
		trained[f] = true
	}
	for _, p := range b.p.Parameters {
		trained[p.Name] = true
	}
	for _, h := range b.p.Hidden {
		trained[h.Name] = true // a call
	}
	return uses(e, trained)
}
