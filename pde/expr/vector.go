package expr

import (
	"fmt"
	"math"
)

// VectorEval evaluates a resolved expression with vector forms at points
// x ∈ R^d: x[i] (1-based), norm2(x), elementwise sum(expr), indexed sums
// sum(i, a, b, body), vector constants c[i], scalar variables, and lap(e)
// of vector expressions. Each evaluation costs O(d) per reduction: nothing
// is unrolled into d scalar nodes.
//
// lap(e) is evaluated by a float64 forward Laplacian (value, gradient,
// Laplacian) whose gradients are sparse inside a summand — a summand of an
// indexed sum touches only the coordinates it indexes (x_i, x_{i+1}, ...) —
// and dense only where a reduction (sum, norm2) produces them, so the
// Laplacian of sum_i f(x_i, x_{i+1}, x_{i+2}) costs O(d), not O(d²).
// Products use Δ(ab) = Δa b + 2∇a·∇b + a Δb and functions
// Δf(a) = f'(a)Δa + f”(a)|∇a|².
//
// A VectorEval is not safe for concurrent use (it keeps scratch space);
// make one per goroutine.
type VectorEval struct {
	root     vfn
	lroot    lfn
	env      venv
	dim      int
	nslots   int
	memoList []string // the shared top-level values (memo), for tests
}

type venv struct {
	s, x []float64
	iv   []int
	ar   arena[ent]     // sparse entries
	fa   arena[float64] // dense vectors
	err  error
	noH  bool   // skip the Hessian diagonal (only the Laplacian is wanted)
	gen  uint64 // evaluation count: the generation of memoised values
}

type vfn func(*venv) float64
type lfn func(*venv) lval

// CompileVector compiles e (resolved, free of fields and derivatives) for
// points given as scalar variable values (in the order of scalars) and the
// vector variable vec ∈ R^dim. consts holds the vector constants.
func CompileVector(e Expr, scalars []string, vec string, dim int, consts map[string][]float64) (*VectorEval, error) {
	c := &vcomp{scalars: map[string]int{}, vec: vec, dim: dim, consts: consts, slots: map[string]int{}}
	for i, s := range scalars {
		c.scalars[s] = i
	}
	root, err := c.value(e)
	if err != nil {
		return nil, err
	}
	ev := &VectorEval{root: root, dim: dim}
	for k := range c.memos {
		ev.memoList = append(ev.memoList, k)
	}
	ev.nslots = c.maxSlot
	ev.env.iv = make([]int, c.maxSlot+1)
	return ev, nil
}

// CompileVectorLap compiles e for its value and Laplacian in the vector
// variable (LapValue).
func CompileVectorLap(e Expr, scalars []string, vec string, dim int, consts map[string][]float64) (*VectorEval, error) {
	return compileVectorLap(e, scalars, vec, dim, consts, false)
}

// compileVectorLap is CompileVectorLap; noLocal (tests) keeps every sum on
// the general sparse path.
func compileVectorLap(e Expr, scalars []string, vec string, dim int, consts map[string][]float64, noLocal bool) (*VectorEval, error) {
	ev, err := CompileVector(e, scalars, vec, dim, consts)
	if err != nil {
		return nil, err
	}
	c := &vcomp{scalars: map[string]int{}, vec: vec, dim: dim, consts: consts, slots: map[string]int{}, noLocal: noLocal}
	for i, s := range scalars {
		c.scalars[s] = i
	}
	if ev.lroot, err = c.lap(e); err != nil {
		return nil, err
	}
	if c.maxSlot+1 > len(ev.env.iv) {
		ev.env.iv = make([]int, c.maxSlot+1)
	}
	return ev, nil
}

// Value evaluates at (s, x).
func (v *VectorEval) Value(s, x []float64) (float64, error) {
	if len(x) != v.dim {
		return 0, fmt.Errorf("vector expression: point of dimension %d, want %d", len(x), v.dim)
	}
	v.env.s, v.env.x, v.env.err = s, x, nil
	v.env.gen++
	v.env.ar.reset()
	v.env.fa.reset()
	out := v.root(&v.env)
	return out, v.env.err
}

// LapValue returns the value, the gradient in x (len dim, written into grad
// if non-nil), the diagonal of the Hessian (into hdiag if non-nil) and the
// Laplacian at (s, x). Only for evaluators made by CompileVectorLap.
func (v *VectorEval) LapValue(s, x, grad, hdiag []float64) (val, lap float64, err error) {
	if v.lroot == nil {
		return 0, 0, fmt.Errorf("vector expression: compiled without Laplacian")
	}
	if len(x) != v.dim {
		return 0, 0, fmt.Errorf("vector expression: point of dimension %d, want %d", len(x), v.dim)
	}
	v.env.s, v.env.x, v.env.err = s, x, nil
	v.env.gen++
	v.env.ar.reset()
	v.env.fa.reset()
	v.env.noH = hdiag == nil
	r := v.lroot(&v.env)
	r.g.dense(grad, v.dim)
	r.h.dense(hdiag, v.dim)
	return r.v, r.l, v.env.err
}

type vcomp struct {
	scalars map[string]int
	vec     string
	dim     int
	consts  map[string][]float64
	slots   map[string]int // index variable -> slot
	elem    int            // slot of the elementwise sum's implicit index, -1 outside
	inElem  bool
	maxSlot int
	noLocal bool // tests: always the general sparse path (vector_local.go)
	memos   map[string]*memoVal
}

func (c *vcomp) pushSlot(name string) (slot int, restore func()) {
	old, had := c.slots[name]
	slot = len(c.slots) + 1
	for _, s := range c.slots {
		if s >= slot {
			slot = s + 1
		}
	}
	if slot > c.maxSlot {
		c.maxSlot = slot
	}
	c.slots[name] = slot
	return slot, func() {
		if had {
			c.slots[name] = old
		} else {
			delete(c.slots, name)
		}
	}
}

// index compiles an index expression to a 0-based, checked position.
func (c *vcomp) index(e Expr, name string, n int, p Pos) (func(*venv) int, error) {
	f, err := c.value(e)
	if err != nil {
		return nil, err
	}
	return func(env *venv) int {
		k := int(math.Round(f(env)))
		if k < 1 || k > n {
			if env.err == nil {
				env.err = Errorf(p, "index %s[%d] out of range 1..%d", name, k, n)
			}
			return 0
		}
		return k - 1
	}, nil
}

// element returns the compiled element accessor of a vector name.
func (c *vcomp) element(name string, ix func(*venv) int, p Pos) (func(*venv) (int, float64), bool, error) {
	if name == c.vec {
		return func(env *venv) (int, float64) { k := ix(env); return k, env.x[k] }, true, nil
	}
	if v, ok := c.consts[name]; ok {
		return func(env *venv) (int, float64) {
			k := ix(env)
			if k >= len(v) {
				if env.err == nil {
					env.err = Errorf(p, "index %s[%d] out of range 1..%d", name, k+1, len(v))
				}
				return 0, 0
			}
			return k, v[k]
		}, false, nil
	}
	return nil, false, Errorf(p, "unknown vector %q", name)
}

func (c *vcomp) vecLen(name string) int {
	if name == c.vec {
		return c.dim
	}
	if v, ok := c.consts[name]; ok {
		return len(v)
	}
	return 0
}

func (c *vcomp) bounds(n *IndexedSum) (from, to vfn, err error) {
	if from, err = c.value(n.From); err != nil {
		return
	}
	to, err = c.value(n.To)
	return
}

// value compiles e for its value. A reduction outside any sum that occurs
// more than once (the forcing lap(E) + E - E^3 of an exact solution E) is
// computed once per evaluation and shared (memo), and lap(E) leaves E's
// value there too: the forcing then costs one forward-Laplacian pass.
func (c *vcomp) value(e Expr) (vfn, error) {
	switch e.(type) {
	case *Num, *Ident, *Index:
	default:
		if c.topLevel() && IsVector(e) {
			m, err := c.memo(e)
			if err != nil {
				return nil, err
			}
			return m.read, nil
		}
	}
	return c.valueOnce(e)
}

// topLevel reports whether compilation is outside every sum (where a value
// depends on no index).
func (c *vcomp) topLevel() bool { return len(c.slots) == 0 && !c.inElem }

// memoVal is a top-level value computed once per evaluation (gen).
type memoVal struct {
	f   vfn
	gen uint64
	v   float64
}

func (m *memoVal) read(env *venv) float64 {
	if m.gen != env.gen {
		m.v, m.gen = m.f(env), env.gen
	}
	return m.v
}

func (c *vcomp) memo(e Expr) (*memoVal, error) {
	key := e.String()
	if m, ok := c.memos[key]; ok {
		return m, nil
	}
	f, err := c.valueOnce(e)
	if err != nil {
		return nil, err
	}
	if c.memos == nil {
		c.memos = map[string]*memoVal{}
	}
	m := &memoVal{f: f}
	c.memos[key] = m
	return m, nil
}

func (c *vcomp) valueOnce(e Expr) (vfn, error) {
	switch n := e.(type) {
	case *Num:
		v := n.Value
		return func(*venv) float64 { return v }, nil
	case *Ident:
		if s, ok := c.slots[n.Name]; ok {
			return func(env *venv) float64 { return float64(env.iv[s]) }, nil
		}
		if i, ok := c.scalars[n.Name]; ok {
			return func(env *venv) float64 { return env.s[i] }, nil
		}
		if c.inElem && c.vecLen(n.Name) > 0 {
			slot := c.elem
			acc, _, err := c.element(n.Name, func(env *venv) int { return env.iv[slot] - 1 }, n.P)
			if err != nil {
				return nil, err
			}
			return func(env *venv) float64 { _, v := acc(env); return v }, nil
		}
		switch n.Name {
		case "pi":
			return func(*venv) float64 { return math.Pi }, nil
		case "e":
			return func(*venv) float64 { return math.E }, nil
		}
		return nil, Errorf(n.P, "unknown name %q", n.Name)
	case *Index:
		ix, err := c.index(n.Index, n.Name, c.vecLen(n.Name), n.P)
		if err != nil {
			return nil, err
		}
		acc, _, err := c.element(n.Name, ix, n.P)
		if err != nil {
			return nil, err
		}
		return func(env *venv) float64 { _, v := acc(env); return v }, nil
	case *IndexedSum:
		from, to, err := c.bounds(n)
		if err != nil {
			return nil, err
		}
		slot, restore := c.pushSlot(n.Var)
		body, err := c.value(n.Body)
		restore()
		if err != nil {
			return nil, err
		}
		return func(env *venv) float64 {
			a, b := int(math.Round(from(env))), int(math.Round(to(env)))
			s := 0.0
			for i := a; i <= b; i++ {
				env.iv[slot] = i
				s += body(env)
			}
			return s
		}, nil
	case *Unary:
		f, err := c.value(n.X)
		if err != nil {
			return nil, err
		}
		return func(env *venv) float64 { return -f(env) }, nil
	case *Binary:
		l, err := c.value(n.L)
		if err != nil {
			return nil, err
		}
		r, err := c.value(n.R)
		if err != nil {
			return nil, err
		}
		switch n.Op {
		case '+':
			return func(env *venv) float64 { return l(env) + r(env) }, nil
		case '-':
			return func(env *venv) float64 { return l(env) - r(env) }, nil
		case '*':
			return func(env *venv) float64 { return l(env) * r(env) }, nil
		case '/':
			return func(env *venv) float64 { return l(env) / r(env) }, nil
		case '^':
			if num, ok := n.R.(*Num); ok && num.Value == 2 {
				return func(env *venv) float64 { v := l(env); return v * v }, nil
			}
			return func(env *venv) float64 { return math.Pow(l(env), r(env)) }, nil
		}
		return nil, Errorf(n.P, "unknown operator %q", n.Op)
	case *Call:
		switch n.Func {
		case "norm2":
			id := n.Args[0].(*Ident)
			if id.Name == c.vec {
				return func(env *venv) float64 {
					s := 0.0
					for _, v := range env.x {
						s += v * v
					}
					return s
				}, nil
			}
			s := 0.0
			for _, v := range c.consts[id.Name] {
				s += v * v
			}
			return func(*venv) float64 { return s }, nil
		case "sum":
			if c.inElem {
				return nil, Errorf(n.P, "elementwise sum(...) cannot be nested")
			}
			var body vfn
			slot, err := c.inElement(func() (err error) { body, err = c.value(n.Args[0]); return })
			if err != nil {
				return nil, err
			}
			dim := c.dim
			return func(env *venv) float64 {
				s := 0.0
				for i := 1; i <= dim; i++ {
					env.iv[slot] = i
					s += body(env)
				}
				return s
			}, nil
		case "max", "min":
			if len(n.Args) == 1 {
				_, best, err := c.extremum(n)
				return best, err
			}
		case "lap":
			lf, err := c.lap(n.Args[0])
			if err != nil {
				return nil, err
			}
			var m *memoVal // the argument's value, computed on the way
			if c.topLevel() {
				if m, err = c.memo(n.Args[0]); err != nil {
					return nil, err
				}
			}
			return func(env *venv) float64 {
				mark := env.mark()
				env.noH = true
				r := lf(env)
				env.release(mark)
				if m != nil {
					m.v, m.gen = r.v, env.gen
				}
				return r.l
			}, nil
		}
		b, ok := builtins[n.Func]
		if !ok {
			return nil, Errorf(n.P, "cannot evaluate %s(...) numerically", n.Func)
		}
		a, err := c.value(n.Args[0])
		if err != nil {
			return nil, err
		}
		if b.arity == 1 {
			f := b.f1
			return func(env *venv) float64 { return f(a(env)) }, nil
		}
		a2, err := c.value(n.Args[1])
		if err != nil {
			return nil, err
		}
		f := b.f2
		return func(env *venv) float64 { return f(a(env), a2(env)) }, nil
	case *Deriv:
		return nil, Errorf(n.P, "cannot evaluate derivative %s numerically", n)
	}
	return nil, fmt.Errorf("vector compile: unexpected node %T", e)
}

// ---- forward Laplacian with sparse gradients ----

type ent struct {
	i int
	v float64
}

// svec is a gradient-like vector: sparse entries (duplicates allowed: every
// operation on it is linear or bilinear, so duplicates add up) or dense.
type svec struct {
	sp []ent
	d  []float64
}

func (a svec) dense(dst []float64, n int) {
	if dst == nil {
		return
	}
	clear(dst[:n])
	if a.d != nil {
		copy(dst, a.d)
	}
	for _, e := range a.sp {
		dst[e.i] += e.v
	}
}

type lval struct {
	v, l float64
	g, h svec // gradient, Hessian diagonal
}

// arena hands out slices of one growing buffer; mark and release free what
// a summand used. A buffer that grows is replaced (gen), never copied, so
// slices handed out earlier stay valid.
type arena[T any] struct {
	buf []T
	gen int
}

func (a *arena[T]) reset() { a.buf = a.buf[:0] }

type amark struct{ n, gen int }

func (a *arena[T]) mark() amark { return amark{len(a.buf), a.gen} }

// release frees what was allocated since m, unless the buffer was replaced.
func (a *arena[T]) release(m amark) {
	if m.gen == a.gen {
		a.buf = a.buf[:m.n]
	}
}

// alloc returns n zeroed elements.
func (a *arena[T]) alloc(n int) []T {
	if len(a.buf)+n > cap(a.buf) {
		a.buf = make([]T, 0, 2*cap(a.buf)+n+256)
		a.gen++
	}
	k := len(a.buf)
	a.buf = a.buf[:k+n]
	out := a.buf[k : k+n : k+n]
	clear(out)
	return out
}

// mark and release cover both arenas of an evaluation.
type emark struct{ sp, d amark }

func (env *venv) mark() emark { return emark{env.ar.mark(), env.fa.mark()} }

func (env *venv) release(m emark) {
	env.ar.release(m.sp)
	env.fa.release(m.d)
}

// lin returns ca·a + cb·b.
func lin(env *venv, ca float64, a svec, cb float64, b svec) svec {
	var out svec
	if a.d == nil && b.d == nil && len(a.sp)+len(b.sp) == 0 {
		return out
	}
	if a.d != nil || b.d != nil {
		n := max(len(a.d), len(b.d))
		out.d = env.fa.alloc(n)
		for i, v := range a.d {
			out.d[i] += ca * v
		}
		for i, v := range b.d {
			out.d[i] += cb * v
		}
	}
	if len(a.sp)+len(b.sp) > 0 {
		sp := env.ar.alloc(len(a.sp) + len(b.sp))
		for k, e := range a.sp {
			sp[k] = ent{e.i, ca * e.v}
		}
		for k, e := range b.sp {
			sp[len(a.sp)+k] = ent{e.i, cb * e.v}
		}
		out.sp = sp
	}
	return out
}

func dot(a, b svec) float64 {
	s := 0.0
	if a.d != nil && b.d != nil {
		for i := range min(len(a.d), len(b.d)) {
			s += a.d[i] * b.d[i]
		}
	}
	if a.d != nil {
		for _, e := range b.sp {
			s += a.d[e.i] * e.v
		}
	}
	if b.d != nil {
		for _, e := range a.sp {
			s += b.d[e.i] * e.v
		}
	}
	for _, p := range a.sp {
		for _, q := range b.sp {
			if p.i == q.i {
				s += p.v * q.v
			}
		}
	}
	return s
}

// had is the elementwise product a ⊙ b (sparse parts: every matching pair).
func had(env *venv, a, b svec) svec {
	var out svec
	if a.d != nil && b.d != nil {
		out.d = env.fa.alloc(min(len(a.d), len(b.d)))
		for i := range out.d {
			out.d[i] = a.d[i] * b.d[i]
		}
	}
	var sp []ent
	if a.d != nil {
		for _, e := range b.sp {
			sp = append(sp, ent{e.i, a.d[e.i] * e.v})
		}
	}
	if b.d != nil {
		for _, e := range a.sp {
			sp = append(sp, ent{e.i, b.d[e.i] * e.v})
		}
	}
	for _, p := range a.sp {
		for _, q := range b.sp {
			if p.i == q.i {
				sp = append(sp, ent{p.i, p.v * q.v})
			}
		}
	}
	if len(sp) > 0 {
		out.sp = env.ar.alloc(len(sp))
		copy(out.sp, sp)
	}
	return out
}

// derivs2 returns f, f', f” of a built-in at a.
func derivs2(name string, a float64) (f, f1, f2 float64, ok bool) {
	switch name {
	case "sin":
		s, c := math.Sincos(a)
		return s, c, -s, true
	case "cos":
		s, c := math.Sincos(a)
		return c, -s, -c, true
	case "tan":
		t := math.Tan(a)
		return t, 1 + t*t, 2 * t * (1 + t*t), true
	case "exp":
		e := math.Exp(a)
		return e, e, e, true
	case "log":
		return math.Log(a), 1 / a, -1 / (a * a), true
	case "sqrt":
		s := math.Sqrt(a)
		return s, 0.5 / s, -0.25 / (s * a), true
	case "abs":
		return math.Abs(a), sign(a), 0, true
	case "sign":
		return sign(a), 0, 0, true
	case "heaviside":
		return heaviside(a), 0, 0, true
	case "tanh":
		t := math.Tanh(a)
		return t, 1 - t*t, -2 * t * (1 - t*t), true
	case "sinh":
		return math.Sinh(a), math.Cosh(a), math.Sinh(a), true
	case "cosh":
		return math.Cosh(a), math.Sinh(a), math.Cosh(a), true
	case "arctan":
		q := 1 / (1 + a*a)
		return math.Atan(a), q, -2 * a * q * q, true
	case "sigmoid":
		s := sigmoid(a)
		return s, s * (1 - s), s * (1 - s) * (1 - 2*s), true
	}
	return 0, 0, 0, false
}

func apply(env *venv, a lval, f, f1, f2 float64) lval {
	gg := dot(a.g, a.g)
	out := lval{
		v: f,
		g: lin(env, f1, a.g, 0, svec{}),
		l: f1*a.l + f2*gg,
	}
	if !env.noH {
		out.h = lin(env, f1, a.h, f2, had(env, a.g, a.g))
	}
	return out
}

func mulL(env *venv, a, b lval) lval {
	out := lval{
		v: a.v * b.v,
		g: lin(env, b.v, a.g, a.v, b.g),
		l: a.l*b.v + 2*dot(a.g, b.g) + a.v*b.l,
	}
	if !env.noH {
		out.h = lin(env, 1, lin(env, b.v, a.h, a.v, b.h), 2, had(env, a.g, b.g))
	}
	return out
}

func (c *vcomp) lap(e Expr) (lfn, error) {
	switch n := e.(type) {
	case *Num, *Ident:
		if id, ok := n.(*Ident); ok && c.inElem && id.Name == c.vec {
			slot := c.elem
			return func(env *venv) lval {
				k := env.iv[slot] - 1
				sp := env.ar.alloc(1)
				sp[0] = ent{k, 1}
				return lval{v: env.x[k], g: svec{sp: sp}}
			}, nil
		}
		f, err := c.value(e)
		if err != nil {
			return nil, err
		}
		return func(env *venv) lval { return lval{v: f(env)} }, nil
	case *Index:
		ix, err := c.index(n.Index, n.Name, c.vecLen(n.Name), n.P)
		if err != nil {
			return nil, err
		}
		acc, isVar, err := c.element(n.Name, ix, n.P)
		if err != nil {
			return nil, err
		}
		if !isVar {
			return func(env *venv) lval { _, v := acc(env); return lval{v: v} }, nil
		}
		return func(env *venv) lval {
			k, v := acc(env)
			sp := env.ar.alloc(1)
			sp[0] = ent{k, 1}
			return lval{v: v, g: svec{sp: sp}}
		}, nil
	case *IndexedSum, *Call:
		var body lfn
		var from, to vfn
		var slot int
		var err error
		switch n := n.(type) {
		case *IndexedSum:
			if from, to, err = c.bounds(n); err != nil {
				return nil, err
			}
			var restore func()
			slot, restore = c.pushSlot(n.Var)
			lb, offs, ok, lerr := c.lapLocal(n.Body, slot, n.Var)
			if ok || lerr != nil {
				restore()
				if lerr != nil {
					return nil, lerr
				}
				return c.localSumLap(slot, from, to, lb, offs), nil
			}
			body, err = c.lap(n.Body)
			restore()
		case *Call:
			switch n.Func {
			case "sum":
				dim := float64(c.dim)
				from = func(*venv) float64 { return 1 }
				to = func(*venv) float64 { return dim }
				var lb ljfn
				var offs []int
				local := false
				slot, err = c.inElement(func() (err error) {
					if lb, offs, local, err = c.lapLocal(n.Args[0], c.elem, ""); local || err != nil {
						return err
					}
					body, err = c.lap(n.Args[0])
					return err
				})
				if err == nil && local {
					return c.localSumLap(slot, from, to, lb, offs), nil
				}
			case "norm2":
				if n.Args[0].(*Ident).Name != c.vec {
					f, err := c.value(n)
					if err != nil {
						return nil, err
					}
					return func(env *venv) lval { return lval{v: f(env)} }, nil
				}
				dim := c.dim
				return func(env *venv) lval {
					g := env.fa.alloc(dim)
					s := 0.0
					for i, v := range env.x {
						s += v * v
						g[i] = 2 * v
					}
					out := lval{v: s, g: svec{d: g}, l: 2 * float64(dim)}
					if !env.noH { // the Hessian diagonal, only when it is wanted
						h := env.fa.alloc(dim)
						for i := range h {
							h[i] = 2
						}
						out.h = svec{d: h}
					}
					return out
				}, nil
			case "lap":
				return nil, Errorf(n.P, "lap(lap(...)) of a vector expression is not supported")
			case "max", "min":
				if len(n.Args) == 1 {
					return c.lapExtremum(n)
				}
				return c.lapCall(n)
			default:
				return c.lapCall(n)
			}
		}
		if err != nil {
			return nil, err
		}
		dim := c.dim
		return func(env *venv) lval {
			a, b := int(math.Round(from(env))), int(math.Round(to(env)))
			var out lval
			if a > b {
				return out
			}
			// allocated before the summands' mark: they outlive it
			g, h := env.fa.alloc(dim), env.fa.alloc(dim)
			hasG, hasH := false, false
			for i := a; i <= b; i++ {
				env.iv[slot] = i
				m := env.mark()
				t := body(env)
				out.v += t.v
				out.l += t.l
				if t.g.d != nil || len(t.g.sp) > 0 {
					hasG = true
					addInto(g, t.g)
				}
				if t.h.d != nil || len(t.h.sp) > 0 {
					hasH = true
					addInto(h, t.h)
				}
				env.release(m)
			}
			if hasG {
				out.g.d = g
			}
			if hasH {
				out.h.d = h
			}
			return out
		}, nil
	case *Unary:
		f, err := c.lap(n.X)
		if err != nil {
			return nil, err
		}
		return func(env *venv) lval {
			a := f(env)
			return lval{v: -a.v, l: -a.l, g: lin(env, -1, a.g, 0, svec{}), h: lin(env, -1, a.h, 0, svec{})}
		}, nil
	case *Binary:
		l, err := c.lap(n.L)
		if err != nil {
			return nil, err
		}
		if n.Op == '^' {
			if IsVector(n.R) {
				return nil, Errorf(n.P, "lap of a power with a varying exponent is not supported")
			}
			pf, err := c.value(n.R)
			if err != nil {
				return nil, err
			}
			return func(env *venv) lval {
				a, p := l(env), pf(env)
				f := math.Pow(a.v, p)
				f1 := p * math.Pow(a.v, p-1)
				f2 := p * (p - 1) * math.Pow(a.v, p-2)
				return apply(env, a, f, f1, f2)
			}, nil
		}
		r, err := c.lap(n.R)
		if err != nil {
			return nil, err
		}
		switch n.Op {
		case '+', '-':
			s := 1.0
			if n.Op == '-' {
				s = -1
			}
			return func(env *venv) lval {
				a, b := l(env), r(env)
				out := lval{v: a.v + s*b.v, l: a.l + s*b.l, g: lin(env, 1, a.g, s, b.g)}
				if !env.noH {
					out.h = lin(env, 1, a.h, s, b.h)
				}
				return out
			}, nil
		case '*':
			return func(env *venv) lval { return mulL(env, l(env), r(env)) }, nil
		case '/':
			return func(env *venv) lval {
				b := r(env)
				inv := apply(env, b, 1/b.v, -1/(b.v*b.v), 2/(b.v*b.v*b.v))
				return mulL(env, l(env), inv)
			}, nil
		}
		return nil, Errorf(n.P, "unknown operator %q", n.Op)
	case *Deriv:
		return nil, Errorf(n.P, "cannot evaluate derivative %s numerically", n)
	}
	return nil, fmt.Errorf("vector lap: unexpected node %T", e)
}

// localSumLap is the forward Laplacian of a sum whose summand is compiled
// for the local path: each summand's K-vectors are scattered into the sum's
// dense gradient and Hessian diagonal.
func (c *vcomp) localSumLap(slot int, from, to vfn, body ljfn, offs []int) lfn {
	dim := c.dim
	return func(env *venv) lval {
		a, b := int(math.Round(from(env))), int(math.Round(to(env)))
		var out lval
		if a > b {
			return out
		}
		g := env.fa.alloc(dim)
		var h []float64
		if !env.noH {
			h = env.fa.alloc(dim)
		}
		var t ljet
		for i := a; i <= b; i++ {
			env.iv[slot] = i
			body(env, &t)
			out.v += t.v
			out.l += t.l
			for k, off := range offs {
				j := i + off - 1
				if j < 0 || j >= dim {
					continue // out of range: reported by the coordinate's node
				}
				g[j] += t.g[k]
				if h != nil {
					h[j] += t.h[k]
				}
			}
		}
		out.g.d, out.h.d = g, h
		return out
	}
}

func addInto(dst []float64, a svec) {
	for i, v := range a.d {
		dst[i] += v
	}
	for _, e := range a.sp {
		dst[e.i] += e.v
	}
}

func (c *vcomp) lapCall(n *Call) (lfn, error) {
	if _, ok := builtins[n.Func]; !ok {
		return nil, Errorf(n.P, "cannot evaluate %s(...) numerically", n.Func)
	}
	a, err := c.lap(n.Args[0])
	if err != nil {
		return nil, err
	}
	if len(n.Args) == 2 { // min, max: the active branch
		b, err := c.lap(n.Args[1])
		if err != nil {
			return nil, err
		}
		isMin := n.Func == "min"
		return func(env *venv) lval {
			x, y := a(env), b(env)
			if (x.v <= y.v) == isMin {
				return x
			}
			return y
		}, nil
	}
	name := n.Func
	return func(env *venv) lval {
		x := a(env)
		f, f1, f2, _ := derivs2(name, x.v)
		return apply(env, x, f, f1, f2)
	}, nil
}

// memoKeys lists the shared top-level values (tests).
func (v *VectorEval) memoKeys() []string { return v.memoList }

// extremum compiles max(e) or min(e) over the coordinates: arg is the
// first active coordinate (1-based), best its value.
func (c *vcomp) extremum(n *Call) (arg func(*venv) int, best vfn, err error) {
	if c.inElem {
		return nil, nil, Errorf(n.P, "elementwise %s(...) cannot be nested", n.Func)
	}
	var body vfn
	slot, err := c.inElement(func() (err error) { body, err = c.value(n.Args[0]); return })
	if err != nil {
		return nil, nil, err
	}
	isMax, dim := n.Func == "max", c.dim
	arg = func(env *venv) int {
		k, b := 1, 0.0
		for i := 1; i <= dim; i++ {
			env.iv[slot] = i
			v := body(env)
			if i == 1 || (isMax && v > b) || (!isMax && v < b) {
				k, b = i, v
			}
		}
		return k
	}
	best = func(env *venv) float64 {
		k := arg(env)
		env.iv[slot] = k
		return body(env)
	}
	return arg, best, nil
}

// lapExtremum is the forward Laplacian of max(e) or min(e) over the
// coordinates: that of the active coordinate's term (like min and max of
// two arguments, along the active branch).
func (c *vcomp) lapExtremum(n *Call) (lfn, error) {
	arg, _, err := c.extremum(n)
	if err != nil {
		return nil, err
	}
	var body lfn
	slot, err := c.inElement(func() (err error) { body, err = c.lap(n.Args[0]); return })
	if err != nil {
		return nil, err
	}
	return func(env *venv) lval {
		k := arg(env)
		env.iv[slot] = k
		return body(env)
	}, nil
}

// inElement runs compile inside an elementwise reduction: the reduction's
// implicit coordinate index gets a slot (returned; c.elem meanwhile), and
// the vector variable alone means its element.
func (c *vcomp) inElement(compile func() error) (int, error) {
	slot, restore := c.pushSlot("\x00elem")
	c.inElem, c.elem = true, slot
	err := compile()
	c.inElem = false
	restore()
	return slot, err
}
