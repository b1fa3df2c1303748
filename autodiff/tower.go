package autodiff

import (
	"fmt"
	"math"
	"sort"
	"sync"

	G "gorgonia.org/gorgonia"
)

// Tower gives an elementwise function and its derivatives.
type Tower interface {
	Name() string
	// Derivs returns f^(k)(y) for k = 0..K as graph nodes, sharing work
	// between orders. out[0] has the shape of y; for k ≥ 1 an entry may be
	// nil (a structural zero) or a scalar () constant, which Apply
	// broadcasts.
	Derivs(y *G.Node, K int) ([]*G.Node, error)
	// Float64 is the same tower on a float64: the test oracle and CPU-side
	// evaluation.
	Float64(y float64, K int) []float64
}

var registry struct {
	sync.RWMutex
	m map[string]Tower
}

// Register adds a tower under t.Name(). Registering a name twice panics, as
// it is a programming error (two files claiming one spec name).
func Register(t Tower) {
	registry.Lock()
	defer registry.Unlock()
	if registry.m == nil {
		registry.m = map[string]Tower{}
	}
	if _, dup := registry.m[t.Name()]; dup {
		panic(fmt.Sprintf("autodiff.Register: tower %q registered twice", t.Name()))
	}
	registry.m[t.Name()] = t
}

// Lookup returns the tower registered under name.
func Lookup(name string) (Tower, bool) {
	registry.RLock()
	defer registry.RUnlock()
	t, ok := registry.m[name]
	return t, ok
}

// Names lists the registered towers, sorted.
func Names() []string {
	registry.RLock()
	defer registry.RUnlock()
	out := make([]string, 0, len(registry.m))
	for n := range registry.m {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func init() {
	Register(&polyTower{name: "tanh", P: poly{1, 0, -1}, val: G.Tanh, val64: math.Tanh})
	Register(sigmoidTower)
	Register(&polyTower{name: "exp", P: poly{0, 1}, val: G.Exp, val64: math.Exp})
	Register(&polyTower{name: "tan", P: poly{1, 0, 1}, val: tanNode, val64: math.Tan})
	Register(cycleTower{name: "sin"})
	Register(cycleTower{name: "cos"})
	Register(cycleTower{name: "sinh"})
	Register(cycleTower{name: "cosh"})
	Register(logTower{})
	Register(powerTower{name: "sqrt", p: 0.5})
	Register(softplusTower{})
	Register(geluTower{})
	Register(atanTower{})
	Register(absTower{})
	Register(signTower{})
	Register(heavisideTower{})
}

// powers returns x^0..x^n as nodes, x^0 being nil (meaning 1).
func powers(x *G.Node, n int) ([]*G.Node, error) {
	pw := make([]*G.Node, n+1)
	if n >= 1 {
		pw[1] = x
	}
	for j := 2; j <= n; j++ {
		var err error
		if pw[j], err = mulNode(pw[j-1], x); err != nil {
			return nil, err
		}
	}
	return pw, nil
}

// evalPoly evaluates p at the node whose powers are pw (pw[0] = nil = 1). A
// constant polynomial gives a scalar constant; the zero polynomial gives nil.
func evalPoly(p poly, pw []*G.Node, like *G.Node) (*G.Node, error) {
	var acc *G.Node
	for j := len(p) - 1; j >= 1; j-- {
		var err error
		if acc, err = axpy(acc, p[j], pw[j]); err != nil {
			return nil, err
		}
	}
	if len(p) == 0 || p[0] == 0 {
		return acc, nil
	}
	if acc == nil {
		return constLike(like, p[0]), nil
	}
	return G.Add(acc, constLike(like, p[0]))
}

func degree(ps []poly) int {
	d := 0
	for _, p := range ps {
		d = max(d, len(p)-1)
	}
	return d
}

// polyTower is a function whose derivative is a polynomial in its value,
// f' = P(f); then f^(k) = p_k(f) (see valuePolys), so one evaluation of f
// and its powers gives every order.
type polyTower struct {
	name  string
	P     poly
	val   func(*G.Node) (*G.Node, error)
	val64 func(float64) float64

	mu    sync.Mutex
	polys []poly
}

func (t *polyTower) Name() string { return t.name }

func (t *polyTower) ps(K int) []poly {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.polys) < K+1 {
		t.polys = valuePolys(t.P, K)
	}
	return t.polys[:K+1]
}

func (t *polyTower) Derivs(y *G.Node, K int) ([]*G.Node, error) {
	v, err := t.val(y)
	if err != nil {
		return nil, err
	}
	return t.derivsAt(v, K)
}

// derivsAt returns p_k(v) for k = 0..K given the function value v.
func (t *polyTower) derivsAt(v *G.Node, K int) ([]*G.Node, error) {
	ps := t.ps(K)
	pw, err := powers(v, degree(ps))
	if err != nil {
		return nil, err
	}
	out := make([]*G.Node, K+1)
	out[0] = v
	for k := 1; k <= K; k++ {
		if out[k], err = evalPoly(ps[k], pw, v); err != nil {
			return nil, fmt.Errorf("%s derivative %d: %w", t.name, k, err)
		}
	}
	return out, nil
}

func (t *polyTower) Float64(y float64, K int) []float64 {
	ps := t.ps(K)
	v := t.val64(y)
	out := make([]float64, K+1)
	for k := range out {
		out[k] = ps[k].eval(v)
	}
	return out
}

var sigmoidTower = &polyTower{name: "sigmoid", P: poly{0, 1, -1}, val: G.Sigmoid, val64: func(y float64) float64 {
	if y >= 0 {
		return 1 / (1 + math.Exp(-y))
	}
	e := math.Exp(y)
	return e / (1 + e)
}}

func tanNode(y *G.Node) (*G.Node, error) {
	s, err := G.Sin(y)
	if err != nil {
		return nil, err
	}
	c, err := G.Cos(y)
	if err != nil {
		return nil, err
	}
	return G.HadamardDiv(s, c)
}

// cycleTower covers sin, cos, sinh, cosh, whose derivatives cycle through
// (f, g, ±f, ±g) with g the companion function.
type cycleTower struct{ name string }

func (t cycleTower) Name() string { return t.name }

// cycle says where f sits in the derivative cycle (sin → cos → -sin → -cos,
// or sinh → cosh) and whether the functions are hyperbolic.
func (t cycleTower) cycle() (first int, hyperbolic bool) {
	switch t.name {
	case "sin":
		return 0, false
	case "cos":
		return 1, false
	case "sinh":
		return 0, true
	default: // cosh
		return 1, true
	}
}

func (t cycleTower) Derivs(y *G.Node, K int) ([]*G.Node, error) {
	first, hyp := t.cycle()
	var a, b *G.Node // (sin, cos) or (sinh, cosh)
	var err error
	if hyp {
		ep, err := G.Exp(y)
		if err != nil {
			return nil, err
		}
		ny, err := G.Neg(y)
		if err != nil {
			return nil, err
		}
		em, err := G.Exp(ny)
		if err != nil {
			return nil, err
		}
		d, err := G.Sub(ep, em)
		if err != nil {
			return nil, err
		}
		s, err := G.Add(ep, em)
		if err != nil {
			return nil, err
		}
		if a, err = scaleNode(d, 0.5); err != nil {
			return nil, err
		}
		if b, err = scaleNode(s, 0.5); err != nil {
			return nil, err
		}
	} else {
		if a, err = G.Sin(y); err != nil {
			return nil, err
		}
		if b, err = G.Cos(y); err != nil {
			return nil, err
		}
	}
	var na, nb *G.Node
	out := make([]*G.Node, K+1)
	for k := range out {
		i := (first + k) % 4
		if hyp {
			i %= 2 // sinh' = cosh, cosh' = sinh
		}
		switch i {
		case 0:
			out[k] = a
		case 1:
			out[k] = b
		case 2:
			if na == nil {
				if na, err = G.Neg(a); err != nil {
					return nil, err
				}
			}
			out[k] = na
		case 3:
			if nb == nil {
				if nb, err = G.Neg(b); err != nil {
					return nil, err
				}
			}
			out[k] = nb
		}
	}
	return out, nil
}

func (t cycleTower) Float64(y float64, K int) []float64 {
	first, hyp := t.cycle()
	a, b := math.Sin(y), math.Cos(y)
	if hyp {
		a, b = math.Sinh(y), math.Cosh(y)
	}
	vals := [4]float64{a, b, -a, -b}
	out := make([]float64, K+1)
	for k := range out {
		i := (first + k) % 4
		if hyp {
			i %= 2
		}
		out[k] = vals[i]
	}
	return out
}

// logTower: d^k/dy^k log y = (-1)^(k-1) (k-1)! y^(-k).
type logTower struct{}

func (logTower) Name() string { return "log" }

func (logTower) Derivs(y *G.Node, K int) ([]*G.Node, error) {
	out := make([]*G.Node, K+1)
	var err error
	if out[0], err = G.Log(y); err != nil {
		return nil, err
	}
	if K == 0 {
		return out, nil
	}
	r, err := G.Inverse(y)
	if err != nil {
		return nil, err
	}
	pw, err := powers(r, K)
	if err != nil {
		return nil, err
	}
	for k := 1; k <= K; k++ {
		c := factorial(k - 1)
		if k%2 == 0 {
			c = -c
		}
		if out[k], err = scaleNode(pw[k], c); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (logTower) Float64(y float64, K int) []float64 {
	out := make([]float64, K+1)
	out[0] = math.Log(y)
	for k := 1; k <= K; k++ {
		c := factorial(k - 1)
		if k%2 == 0 {
			c = -c
		}
		out[k] = c * math.Pow(y, -float64(k))
	}
	return out
}

// PowerTower returns the tower of y^p: f^(k) = p(p-1)...(p-k+1) y^(p-k).
// Integer p is computed by repeated products, so it is exact and defined for
// negative y, with structural zeros beyond order p ≥ 0.
func PowerTower(p float64) Tower { return powerTower{name: fmt.Sprintf("pow(%g)", p), p: p} }

type powerTower struct {
	name string
	p    float64
}

func (t powerTower) Name() string { return t.name }

// falling returns p(p-1)...(p-k+1).
func falling(p float64, k int) float64 {
	r := 1.0
	for i := range k {
		r *= p - float64(i)
	}
	return r
}

func (t powerTower) integer() (int, bool) {
	if t.p == math.Trunc(t.p) && math.Abs(t.p) <= 64 {
		return int(t.p), true
	}
	return 0, false
}

func (t powerTower) Derivs(y *G.Node, K int) ([]*G.Node, error) {
	out := make([]*G.Node, K+1)
	ip, isInt := t.integer()
	switch {
	case isInt && ip >= 0:
		pw, err := powers(y, ip)
		if err != nil {
			return nil, err
		}
		for k := 0; k <= min(K, ip); k++ {
			c := falling(t.p, k)
			if k == ip {
				out[k] = constLike(y, c)
				continue
			}
			if out[k], err = scaleNode(pw[ip-k], c); err != nil {
				return nil, err
			}
		}
		if ip == 0 { // y^0 keeps the shape of y
			z, err := scaleNode(y, 0)
			if err != nil {
				return nil, err
			}
			if out[0], err = G.Add(z, constLike(y, 1)); err != nil {
				return nil, err
			}
		}
	case isInt:
		r, err := G.Inverse(y)
		if err != nil {
			return nil, err
		}
		pw, err := powers(r, -ip+K)
		if err != nil {
			return nil, err
		}
		for k := 0; k <= K; k++ {
			if out[k], err = scaleNode(pw[-ip+k], falling(t.p, k)); err != nil {
				return nil, err
			}
		}
	default:
		var base *G.Node
		var err error
		if t.p == 0.5 {
			base, err = G.Sqrt(y)
		} else {
			base, err = G.Pow(y, constLike(y, t.p))
		}
		if err != nil {
			return nil, err
		}
		out[0] = base
		if K == 0 {
			return out, nil
		}
		r, err := G.Inverse(y)
		if err != nil {
			return nil, err
		}
		cur := base // y^(p-k)
		for k := 1; k <= K; k++ {
			if cur, err = mulNode(cur, r); err != nil {
				return nil, err
			}
			if out[k], err = scaleNode(cur, falling(t.p, k)); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func (t powerTower) Float64(y float64, K int) []float64 {
	out := make([]float64, K+1)
	ip, isInt := t.integer()
	for k := range out {
		c := falling(t.p, k)
		if c == 0 {
			continue
		}
		if isInt {
			e := ip - k
			if e >= 0 {
				out[k] = c * pow(y, e)
			} else {
				out[k] = c / pow(y, -e)
			}
		} else {
			out[k] = c * math.Pow(y, t.p-float64(k))
		}
	}
	return out
}

// softplusTower: softplus' = sigmoid, so orders ≥ 1 are the sigmoid tower.
type softplusTower struct{}

func (softplusTower) Name() string { return "softplus" }

func softplus64(y float64) float64 { return math.Max(y, 0) + math.Log1p(math.Exp(-math.Abs(y))) }

func (softplusTower) Derivs(y *G.Node, K int) ([]*G.Node, error) {
	sp, err := G.Softplus(y)
	if err != nil {
		return nil, err
	}
	if K == 0 {
		return []*G.Node{sp}, nil
	}
	s, err := sigmoidTower.Derivs(y, K-1)
	if err != nil {
		return nil, err
	}
	return append([]*G.Node{sp}, s...), nil
}

func (softplusTower) Float64(y float64, K int) []float64 {
	out := []float64{softplus64(y)}
	if K == 0 {
		return out
	}
	return append(out, sigmoidTower.Float64(y, K-1)...)
}

// Φ and φ of the standard normal distribution.
func normCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }
func normPDF(x float64) float64 { return math.Exp(-x*x/2) / math.Sqrt(2*math.Pi) }

func normPDFNode(x *G.Node) (*G.Node, error) {
	sq, err := G.Square(x)
	if err != nil {
		return nil, err
	}
	h, err := scaleNode(sq, -0.5)
	if err != nil {
		return nil, err
	}
	e, err := G.Exp(h)
	if err != nil {
		return nil, err
	}
	return scaleNode(e, 1/math.Sqrt(2*math.Pi))
}

var normCDFOp = newFnOp("normcdf", normCDF, normPDFNode)

// geluTower is the exact GELU, x Φ(x) (Hendrycks & Gimpel 2016), with
// f' = Φ + x φ and f^(k) = q_k(x) φ(x) for k ≥ 2 (geluPolys, Hermite).
type geluTower struct{}

func (geluTower) Name() string { return "gelu" }

func (geluTower) Derivs(y *G.Node, K int) ([]*G.Node, error) {
	Phi, err := G.ApplyOp(normCDFOp, y)
	if err != nil {
		return nil, err
	}
	out := make([]*G.Node, K+1)
	if out[0], err = mulNode(y, Phi); err != nil {
		return nil, err
	}
	if K == 0 {
		return out, nil
	}
	phi, err := normPDFNode(y)
	if err != nil {
		return nil, err
	}
	yphi, err := mulNode(y, phi)
	if err != nil {
		return nil, err
	}
	if out[1], err = G.Add(Phi, yphi); err != nil {
		return nil, err
	}
	q := geluPolys(K)
	pw, err := powers(y, K)
	if err != nil {
		return nil, err
	}
	for k := 2; k <= K; k++ {
		p, err := evalPoly(q[k], pw, y)
		if err != nil {
			return nil, err
		}
		if out[k], err = mulNode(p, phi); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (geluTower) Float64(y float64, K int) []float64 {
	out := make([]float64, K+1)
	Phi, phi := normCDF(y), normPDF(y)
	out[0] = y * Phi
	if K >= 1 {
		out[1] = Phi + y*phi
	}
	q := geluPolys(K)
	for k := 2; k <= K; k++ {
		out[k] = q[k].eval(y) * phi
	}
	return out
}

func atanDerivNode(x *G.Node) (*G.Node, error) {
	sq, err := G.Square(x)
	if err != nil {
		return nil, err
	}
	d, err := G.Add(sq, constLike(x, 1))
	if err != nil {
		return nil, err
	}
	return G.Inverse(d)
}

var atanOp = newFnOp("atan", math.Atan, atanDerivNode)

// atanTower: f^(k) = N_k(y) / (1+y²)^k (atanPolys).
type atanTower struct{}

func (atanTower) Name() string { return "arctan" }

func (atanTower) Derivs(y *G.Node, K int) ([]*G.Node, error) {
	out := make([]*G.Node, K+1)
	var err error
	if out[0], err = G.ApplyOp(atanOp, y); err != nil {
		return nil, err
	}
	if K == 0 {
		return out, nil
	}
	r, err := atanDerivNode(y)
	if err != nil {
		return nil, err
	}
	rp, err := powers(r, K)
	if err != nil {
		return nil, err
	}
	n := atanPolys(K)
	yp, err := powers(y, degree(n))
	if err != nil {
		return nil, err
	}
	for k := 1; k <= K; k++ {
		p, err := evalPoly(n[k], yp, y)
		if err != nil {
			return nil, err
		}
		if p == nil {
			continue
		}
		if out[k], err = mulNode(p, rp[k]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (atanTower) Float64(y float64, K int) []float64 {
	out := make([]float64, K+1)
	out[0] = math.Atan(y)
	n := atanPolys(K)
	r := 1 / (1 + y*y)
	for k := 1; k <= K; k++ {
		out[k] = n[k].eval(y) * pow(r, k)
	}
	return out
}

// absTower: |y|' = sign(y), higher derivatives zero (away from 0; at 0 the
// sign branch gives 0). Gorgonia's Sign has no derivative, and none is
// needed: it is piecewise constant, and Grad treats it as a constant.
type absTower struct{}

func (absTower) Name() string { return "abs" }

func (absTower) Derivs(y *G.Node, K int) ([]*G.Node, error) {
	out := make([]*G.Node, K+1)
	var err error
	if out[0], err = G.Abs(y); err != nil {
		return nil, err
	}
	if K >= 1 {
		if out[1], err = G.Sign(y); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (absTower) Float64(y float64, K int) []float64 {
	out := make([]float64, K+1)
	out[0] = math.Abs(y)
	if K >= 1 {
		switch {
		case y > 0:
			out[1] = 1
		case y < 0:
			out[1] = -1
		}
	}
	return out
}

// signTower: sign(y) is piecewise constant, so every derivative is zero
// (away from 0). It appears where expressions differentiate abs, min, max.
type signTower struct{}

func (signTower) Name() string { return "sign" }

func (signTower) Derivs(y *G.Node, K int) ([]*G.Node, error) {
	out := make([]*G.Node, K+1)
	var err error
	out[0], err = G.Sign(y)
	return out, err
}

func (signTower) Float64(y float64, K int) []float64 {
	out := make([]float64, K+1)
	switch {
	case y > 0:
		out[0] = 1
	case y < 0:
		out[0] = -1
	}
	return out
}

// heavisideTower: heaviside(y) = 1 for y > 0, else 0, the value of a
// comparison; piecewise constant, so every derivative is zero (away from
// 0).
type heavisideTower struct{}

func (heavisideTower) Name() string { return "heaviside" }

func (heavisideTower) Derivs(y *G.Node, K int) ([]*G.Node, error) {
	out := make([]*G.Node, K+1)
	// (sign(y) + |sign(y)|)/2: 1, 0, 0 for y > 0, y = 0, y < 0
	s, err := G.Sign(y)
	if err != nil {
		return nil, err
	}
	a, err := G.Abs(s)
	if err != nil {
		return nil, err
	}
	if s, err = G.Add(s, a); err != nil {
		return nil, err
	}
	out[0], err = scaleNode(s, 0.5)
	return out, err
}

func (heavisideTower) Float64(y float64, K int) []float64 {
	out := make([]float64, K+1)
	if y > 0 {
		out[0] = 1
	}
	return out
}

var (
	_ Tower = signTower{}
	_ Tower = (*polyTower)(nil)
	_ Tower = cycleTower{}
	_ Tower = logTower{}
	_ Tower = powerTower{}
	_ Tower = softplusTower{}
	_ Tower = geluTower{}
	_ Tower = atanTower{}
	_ Tower = absTower{}
)
