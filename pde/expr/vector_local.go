package expr

import "math"

// The local forward Laplacian for summands.
//
// A summand of an indexed sum such as c[i]*sin(x[i] + cos(x[i+1])) touches a
// few coordinates at fixed offsets from its index (here i and i+1). Its value,
// gradient, Hessian diagonal and Laplacian live in those K coordinates, so the
// summand is evaluated on dense K-vectors held in fixed arrays — no sparse
// entries, no arena — and scattered into the sum's d-vectors once per summand.
// This is the hot loop of the high-dimensional forcing (d summands per point
// and step); the sparse general path (lap in vector.go) stays for the bodies
// this one does not cover (nested reductions, indices that are not the sum's
// variable plus a constant, more than maxLocal coordinates).

// maxLocal is the most distinct coordinates one summand may touch here.
const maxLocal = 8

// ljet is the local forward-Laplacian value of a summand's node: value,
// Laplacian, and gradient and Hessian diagonal over the K local coordinates.
type ljet struct {
	v, l float64
	g, h [maxLocal]float64
}

type ljfn func(env *venv, out *ljet)

// lnode is a compiled summand node: cst when it does not depend on the
// vector variable (a plain value), f otherwise.
type lnode struct {
	cst vfn
	f   ljfn
}

// localSum describes the summand being compiled.
type localSum struct {
	c    *vcomp
	slot int    // the sum's index slot
	name string // the index variable ("" for the elementwise sum)
	offs []int  // the distinct coordinate offsets from the index, local order
	k    int    // len(offs) once collected
	fns  map[string]*coordFn
}

// coordFn caches a built-in of one coordinate, f(x_j) with f' and f”, per
// coordinate and evaluation: neighbouring summands share coordinates
// (cos(x[i]) in summand i is cos(x[i+1]) of summand i-1), so each value is
// computed once per point instead of once per summand that uses it.
type coordFn struct {
	name      string
	stamp     []uint64 // the evaluation (venv.gen) an entry is from
	f, f1, f2 []float64
}

func (t *coordFn) at(env *venv, j int) (f, f1, f2 float64) {
	if t.stamp[j] != env.gen {
		t.f[j], t.f1[j], t.f2[j], _ = derivs2(t.name, env.x[j])
		t.stamp[j] = env.gen
	}
	return t.f[j], t.f1[j], t.f2[j]
}

// lapLocal compiles the summand body of a sum over slot (index variable name;
// "" for the elementwise sum) for the local forward Laplacian. ok is false
// when the body is outside what it covers; the caller then uses the general
// path.
func (c *vcomp) lapLocal(body Expr, slot int, name string) (f ljfn, offs []int, ok bool, err error) {
	if c.noLocal {
		return nil, nil, false, nil
	}
	ls := &localSum{c: c, slot: slot, name: name}
	if !ls.collect(body) || len(ls.offs) == 0 {
		return nil, nil, false, nil
	}
	ls.k = len(ls.offs)
	n, err := ls.compile(body)
	if err != nil || n.f == nil {
		return nil, nil, false, err
	}
	return n.f, ls.offs, true, nil
}

// offset reports the coordinate offset of an index expression: the sum's
// variable plus or minus an integer constant.
func (ls *localSum) offset(e Expr) (int, bool) {
	isVar := func(e Expr) bool { id, ok := e.(*Ident); return ok && ls.name != "" && id.Name == ls.name }
	isInt := func(e Expr) (int, bool) {
		n, ok := e.(*Num)
		if !ok || n.Value != math.Trunc(n.Value) || math.Abs(n.Value) > 1e6 {
			return 0, false
		}
		return int(n.Value), true
	}
	if isVar(e) {
		return 0, true
	}
	b, ok := e.(*Binary)
	if !ok || (b.Op != '+' && b.Op != '-') {
		return 0, false
	}
	if isVar(b.L) {
		if k, ok := isInt(b.R); ok {
			if b.Op == '-' {
				k = -k
			}
			return k, true
		}
	}
	if b.Op == '+' && isVar(b.R) {
		if k, ok := isInt(b.L); ok {
			return k, true
		}
	}
	return 0, false
}

// local returns the local coordinate of offset off, adding it if new.
func (ls *localSum) local(off int) int {
	for k, o := range ls.offs {
		if o == off {
			return k
		}
	}
	ls.offs = append(ls.offs, off)
	return len(ls.offs) - 1
}

// collect records the offsets the body touches and reports whether the
// body is covered.
func (ls *localSum) collect(e Expr) bool {
	ok := true
	Walk(e, func(x Expr) bool {
		if !ok {
			return false
		}
		switch n := x.(type) {
		case *IndexedSum, *Deriv:
			ok = false
		case *Call:
			if IsReduction(n) || n.Func == "norm2" || n.Func == "lap" {
				ok = false
			}
		case *Ident:
			if n.Name == ls.c.vec {
				if ls.name != "" {
					ok = false // the whole vector inside an indexed sum
				} else {
					ls.local(0)
				}
			}
		case *Index:
			if n.Name == ls.c.vec {
				if ls.name == "" {
					ok = false
					return false
				}
				off, good := ls.offset(n.Index)
				if !good {
					ok = false
					return false
				}
				ls.local(off)
				return false
			}
		}
		return true
	})
	return ok && len(ls.offs) <= maxLocal
}

// dependsOnVec reports whether e depends on the vector variable.
func (ls *localSum) dependsOnVec(e Expr) bool {
	dep := false
	Walk(e, func(x Expr) bool {
		switch n := x.(type) {
		case *Ident:
			dep = dep || (ls.name == "" && n.Name == ls.c.vec)
		case *Index:
			dep = dep || n.Name == ls.c.vec
		}
		return !dep
	})
	return dep
}

func (ls *localSum) compile(e Expr) (lnode, error) {
	c, K := ls.c, ls.k
	if !ls.dependsOnVec(e) {
		f, err := c.value(e)
		return lnode{cst: f}, err
	}
	switch n := e.(type) {
	case *Ident: // the elementwise sum's x
		return ls.coord(0, n.P), nil
	case *Index:
		off, _ := ls.offset(n.Index)
		return ls.coord(off, n.P), nil
	case *Unary:
		a, err := ls.compile(n.X)
		if err != nil {
			return lnode{}, err
		}
		return lnode{f: func(env *venv, out *ljet) {
			a.f(env, out)
			scaleJet(out, -1, K, env.noH)
		}}, nil
	case *Binary:
		if n.Op == '^' {
			if ls.dependsOnVec(n.R) {
				return lnode{}, Errorf(n.P, "lap of a power with a varying exponent is not supported")
			}
			a, err := ls.compile(n.L)
			if err != nil {
				return lnode{}, err
			}
			pf, err := c.value(n.R)
			if err != nil {
				return lnode{}, err
			}
			return lnode{f: func(env *venv, out *ljet) {
				a.f(env, out)
				p, x := pf(env), out.v
				var f, f1, f2 float64
				switch p {
				case 2:
					f, f1, f2 = x*x, 2*x, 2
				case 3:
					f, f1, f2 = x*x*x, 3*x*x, 6*x
				default:
					f, f1, f2 = math.Pow(x, p), p*math.Pow(x, p-1), p*(p-1)*math.Pow(x, p-2)
				}
				applyJet(out, f, f1, f2, K, env.noH)
			}}, nil
		}
		a, err := ls.compile(n.L)
		if err != nil {
			return lnode{}, err
		}
		b, err := ls.compile(n.R)
		if err != nil {
			return lnode{}, err
		}
		return ls.binary(n, a, b)
	case *Call:
		if _, ok := builtins[n.Func]; !ok {
			return lnode{}, Errorf(n.P, "cannot evaluate %s(...) numerically", n.Func)
		}
		a, err := ls.compile(n.Args[0])
		if err != nil {
			return lnode{}, err
		}
		if len(n.Args) == 2 { // min, max: the active branch
			b, err := ls.compile(n.Args[1])
			if err != nil {
				return lnode{}, err
			}
			a, b = ls.jetOf(a), ls.jetOf(b)
			isMin := n.Func == "min"
			tmp := new(ljet)
			return lnode{f: func(env *venv, out *ljet) {
				a.f(env, out)
				b.f(env, tmp)
				if (out.v <= tmp.v) != isMin {
					*out = *tmp
				}
			}}, nil
		}
		name := n.Func
		if off, ok := ls.coordArg(n.Args[0]); ok {
			return ls.cachedCoordFn(name, off, n.P)
		}
		return lnode{f: func(env *venv, out *ljet) {
			a.f(env, out)
			f, f1, f2, _ := derivs2(name, out.v)
			applyJet(out, f, f1, f2, K, env.noH)
		}}, nil
	}
	return lnode{}, Errorf(e.Position(), "cannot evaluate %s numerically", e)
}

// coordArg reports whether e is a bare coordinate of the summand (x[i+off],
// or x in an elementwise sum) and its offset.
func (ls *localSum) coordArg(e Expr) (int, bool) {
	switch n := e.(type) {
	case *Ident:
		return 0, ls.name == "" && n.Name == ls.c.vec
	case *Index:
		if n.Name == ls.c.vec {
			return ls.offset(n.Index)
		}
	}
	return 0, false
}

// cachedCoordFn is name(x[i+off]) through the per-coordinate cache: the
// jet of f(x_j) is f, f' e_k, f” e_k (Hessian diagonal) and Laplacian f”.
func (ls *localSum) cachedCoordFn(name string, off int, p Pos) (lnode, error) {
	if _, _, _, ok := derivs2(name, 0.5); !ok {
		return lnode{}, Errorf(p, "lap of %s(...) is not supported", name)
	}
	t, ok := ls.fns[name]
	if !ok {
		d := ls.c.dim
		t = &coordFn{name: name, stamp: make([]uint64, d), f: make([]float64, d), f1: make([]float64, d), f2: make([]float64, d)}
		if ls.fns == nil {
			ls.fns = map[string]*coordFn{}
		}
		ls.fns[name] = t
	}
	k := ls.local(off)
	return lnode{f: func(env *venv, out *ljet) {
		*out = ljet{}
		j, ok := ls.coordIndex(env, off, p)
		if !ok {
			return
		}
		f, f1, f2 := t.at(env, j)
		out.v, out.l = f, f2
		out.g[k], out.h[k] = f1, f2
	}}, nil
}

// coordIndex is the 0-based coordinate at offset off from the sum's index
// in the current summand; out of range it records the error and reports
// false.
func (ls *localSum) coordIndex(env *venv, off int, p Pos) (int, bool) {
	i := env.iv[ls.slot] + off
	if i < 1 || i > ls.c.dim {
		if env.err == nil {
			env.err = Errorf(p, "index %s[%d] out of range 1..%d", ls.c.vec, i, ls.c.dim)
		}
		return 0, false
	}
	return i - 1, true
}

// coord is the local coordinate at offset off from the sum's index.
func (ls *localSum) coord(off int, p Pos) lnode {
	k := ls.local(off)
	return lnode{f: func(env *venv, out *ljet) {
		*out = ljet{}
		j, ok := ls.coordIndex(env, off, p)
		if !ok {
			return
		}
		out.v = env.x[j]
		out.g[k] = 1
	}}
}

// jetOf turns a constant node into a jet node (value only).
func (ls *localSum) jetOf(n lnode) lnode {
	if n.f != nil {
		return n
	}
	cst := n.cst
	return lnode{f: func(env *venv, out *ljet) { *out = ljet{v: cst(env)} }}
}

func (ls *localSum) binary(n *Binary, a, b lnode) (lnode, error) {
	K := ls.k
	switch {
	case a.cst != nil || b.cst != nil: // one side constant: a scale or a shift
		j, cst, cLeft := a, b.cst, false
		if a.cst != nil {
			j, cst, cLeft = b, a.cst, true
		}
		switch n.Op {
		case '+':
			return lnode{f: func(env *venv, out *ljet) { j.f(env, out); out.v += cst(env) }}, nil
		case '-':
			if cLeft {
				return lnode{f: func(env *venv, out *ljet) {
					j.f(env, out)
					scaleJet(out, -1, K, env.noH)
					out.v += cst(env)
				}}, nil
			}
			return lnode{f: func(env *venv, out *ljet) { j.f(env, out); out.v -= cst(env) }}, nil
		case '*':
			return lnode{f: func(env *venv, out *ljet) { j.f(env, out); scaleJet(out, cst(env), K, env.noH) }}, nil
		case '/':
			if !cLeft {
				return lnode{f: func(env *venv, out *ljet) { j.f(env, out); scaleJet(out, 1/cst(env), K, env.noH) }}, nil
			}
			return lnode{f: func(env *venv, out *ljet) {
				j.f(env, out)
				x := out.v
				applyJet(out, 1/x, -1/(x*x), 2/(x*x*x), K, env.noH)
				scaleJet(out, cst(env), K, env.noH)
			}}, nil
		}
	default:
		tmp := new(ljet)
		switch n.Op {
		case '+', '-':
			s := 1.0
			if n.Op == '-' {
				s = -1
			}
			return lnode{f: func(env *venv, out *ljet) {
				a.f(env, out)
				b.f(env, tmp)
				out.v += s * tmp.v
				out.l += s * tmp.l
				for k := range K {
					out.g[k] += s * tmp.g[k]
					out.h[k] += s * tmp.h[k]
				}
			}}, nil
		case '*':
			return lnode{f: func(env *venv, out *ljet) {
				a.f(env, out)
				b.f(env, tmp)
				mulJet(out, tmp, K, env.noH)
			}}, nil
		case '/':
			return lnode{f: func(env *venv, out *ljet) {
				a.f(env, out)
				b.f(env, tmp)
				x := tmp.v
				applyJet(tmp, 1/x, -1/(x*x), 2/(x*x*x), K, env.noH)
				mulJet(out, tmp, K, env.noH)
			}}, nil
		}
	}
	return lnode{}, Errorf(n.P, "unknown operator %q", n.Op)
}

// scaleJet multiplies a jet by s in place.
func scaleJet(a *ljet, s float64, K int, noH bool) {
	a.v *= s
	a.l *= s
	for k := range K {
		a.g[k] *= s
	}
	if !noH {
		for k := range K {
			a.h[k] *= s
		}
	}
}

// applyJet replaces a by f(a) in place, given f, f' and f” at a.v:
// ∇f = f'∇a, ∂²f/∂x_k² = f' a_kk + f” a_k², Δf = f'Δa + f”|∇a|².
func applyJet(a *ljet, f, f1, f2 float64, K int, noH bool) {
	gg := 0.0
	for k := range K {
		g := a.g[k]
		gg += g * g
		if !noH {
			a.h[k] = f1*a.h[k] + f2*g*g
		}
		a.g[k] = f1 * g
	}
	a.v, a.l = f, f1*a.l+f2*gg
}

// mulJet replaces a by a·b in place: ∇(ab) = b∇a + a∇b,
// ∂²(ab)/∂x_k² = b a_kk + a b_kk + 2 a_k b_k, Δ(ab) = bΔa + 2∇a·∇b + aΔb.
func mulJet(a, b *ljet, K int, noH bool) {
	av, bv, dot := a.v, b.v, 0.0
	for k := range K {
		ga, gb := a.g[k], b.g[k]
		dot += ga * gb
		if !noH {
			a.h[k] = bv*a.h[k] + av*b.h[k] + 2*ga*gb
		}
		a.g[k] = bv*ga + av*gb
	}
	a.v, a.l = av*bv, a.l*bv+2*dot+av*b.l
}
