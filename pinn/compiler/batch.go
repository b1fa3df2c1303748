package compiler

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/gopinn/gopinn/autodiff"
	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pinn/internal/tensors"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// batch is a set of P points fed to the graph together with everything the
// expressions evaluated there need: normalised network inputs, raw
// coordinate columns, outward normals, and columns of known (parameter-free)
// subexpressions computed in float64 when the points change.
type batch struct {
	m    *model
	name string
	P    int

	in      *G.Node   // P x n normalised inputs
	vars    []*G.Node // P x 1 raw coordinates, created on demand
	normals []*G.Node // P x 1 outward normal components, created on demand
	// normalAxes are the variables along which the batch's outward normals
	// can be nonzero, the axes dn(...) sums over; nil means the space
	// variables (a lateral boundary). A time face sets the time axis: there
	// dn(u) is -u_t or u_t.
	normalAxes []int
	known      []knownCol
	targets    map[string]*G.Node // data targets by field, fed
	consts     map[float64]*G.Node

	// derivative needs collected before the jets are built
	needs   map[string]autodiff.MultiIndex
	plan    *autodiff.Plan
	derivs  map[string]*G.Node // by field + "|" + multi-index key
	primal  []*G.Node          // fields at the points, P x 1
	scalars map[int]*G.Node    // parameter broadcast to P x 1
	built   bool
}

type knownCol struct {
	node *G.Node
	fn   func([]float64) float64
}

func newBatch(m *model, name string, P int) *batch {
	b := &batch{m: m, name: name, P: P, consts: map[float64]*G.Node{}, needs: map[string]autodiff.MultiIndex{},
		derivs: map[string]*G.Node{}, scalars: map[int]*G.Node{}, targets: map[string]*G.Node{}}
	b.in = m.input(name+"/in", P, len(m.prob.Variables))
	return b
}

// feed copies new points (row-major, raw coordinates) and their normals
// (nil if none) into the batch's tensors and recomputes known columns.
func (b *batch) feed(pts, normals []float64) {
	n := len(b.m.prob.Variables)
	norm := make([]float64, len(pts))
	for i := range pts {
		j := i % n
		norm[i] = (pts[i] - b.m.center[j]) / b.m.half[j]
	}
	tensors.Set(b.in.Value().(tensor.Tensor), norm)
	col := make([]float64, b.P)
	for j, v := range b.vars {
		if v == nil {
			continue
		}
		for i := 0; i < b.P; i++ {
			col[i] = pts[i*n+j]
		}
		tensors.Set(v.Value().(tensor.Tensor), col)
	}
	for j, v := range b.normals {
		if v == nil || normals == nil {
			continue
		}
		for i := 0; i < b.P; i++ {
			col[i] = normals[i*n+j]
		}
		tensors.Set(v.Value().(tensor.Tensor), col)
	}
	for _, k := range b.known {
		for i := 0; i < b.P; i++ {
			col[i] = k.fn(pts[i*n : (i+1)*n])
		}
		tensors.Set(k.node.Value().(tensor.Tensor), col)
	}
}

// feedTargets copies observed values for data terms.
func (b *batch) feedTargets(targets map[string][]float64) {
	for f, node := range b.targets {
		tensors.Set(node.Value().(tensor.Tensor), targets[f])
	}
}

func (b *batch) constCol(v float64) *G.Node {
	if n, ok := b.consts[v]; ok {
		return n
	}
	n := b.m.fixed(fmt.Sprintf("%s/const%d", b.name, len(b.consts)), b.P, 1, filled(b.P, v))
	b.consts[v] = n
	return n
}

func (b *batch) varCol(i int) *G.Node {
	for len(b.vars) <= i {
		b.vars = append(b.vars, nil)
	}
	if b.vars[i] == nil {
		b.vars[i] = b.m.input(fmt.Sprintf("%s/var%d", b.name, i), b.P, 1)
	}
	return b.vars[i]
}

// dnAxes are the variables dn(...) sums over at the batch's points.
func (b *batch) dnAxes() []int {
	if b.normalAxes != nil {
		return b.normalAxes
	}
	return b.m.prob.SpaceVariables()
}

func (b *batch) normalCol(i int) *G.Node {
	for len(b.normals) <= i {
		b.normals = append(b.normals, nil)
	}
	if b.normals[i] == nil {
		b.normals[i] = b.m.input(fmt.Sprintf("%s/normal%d", b.name, i), b.P, 1)
	}
	return b.normals[i]
}

func (b *batch) targetCol(field string) *G.Node {
	if n, ok := b.targets[field]; ok {
		return n
	}
	n := b.m.input(fmt.Sprintf("%s/target_%s", b.name, field), b.P, 1)
	b.targets[field] = n
	return n
}

// scalarCol broadcasts trainable parameter k to a P x 1 column by a matmul
// with a ones column, which keeps the reverse pass a plain matrix product.
func (b *batch) scalarCol(k int) *G.Node {
	if n, ok := b.scalars[k]; ok {
		return n
	}
	b.m.used[b.m.scalars[k]] = true
	n := b.m.matmul(b.constCol(1), b.m.scalars[k])
	b.scalars[k] = n
	return n
}

func miKey(field string, a autodiff.MultiIndex) string {
	var sb strings.Builder
	sb.WriteString(field)
	sb.WriteByte('|')
	for i, c := range a {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(strconv.Itoa(c))
	}
	return sb.String()
}

// need records the derivatives of fields an expression uses. It must see
// every expression of the batch before any is compiled, because one plan
// (one set of jets) serves them all.
func (b *batch) need(e expr.Expr) error {
	prob := b.m.prob
	n := len(prob.Variables)
	var err error
	add := func(field string, a autodiff.MultiIndex) {
		if !isZero(a) {
			b.needs[miKey(field, a)] = a
		}
	}
	expr.Walk(e, func(x expr.Expr) bool {
		if err != nil {
			return false
		}
		switch v := x.(type) {
		case *expr.Deriv:
			f, a, e2 := b.derivIndex(v)
			if e2 != nil {
				err = e2
				return false
			}
			add(f, a)
		case *expr.Call:
			switch v.Func {
			case "lap", "biharm", "dn":
				f, e2 := fieldArg(v, prob.Fields)
				if e2 != nil {
					err = e2
					return false
				}
				space := prob.SpaceVariables()
				if v.Func == "dn" {
					for _, i := range b.dnAxes() {
						a := make(autodiff.MultiIndex, n)
						a[i] = 1
						add(f, a)
					}
					return false
				}
				for _, i := range space {
					a := make(autodiff.MultiIndex, n)
					switch v.Func {
					case "lap":
						a[i] = 2
						add(f, a)
					case "biharm":
						for _, j := range space {
							a2 := make(autodiff.MultiIndex, n)
							a2[i] += 2
							a2[j] += 2
							add(f, a2)
						}
					}
				}
				return false
			}
		}
		return true
	})
	return err
}

func isZero(a autodiff.MultiIndex) bool {
	for _, c := range a {
		if c != 0 {
			return false
		}
	}
	return true
}

func fieldArg(c *expr.Call, fields []string) (string, error) {
	if len(c.Args) == 1 {
		if id, ok := c.Args[0].(*expr.Ident); ok {
			for _, f := range fields {
				if f == id.Name {
					return f, nil
				}
			}
		}
	}
	return "", expr.Errorf(c.P, "%s(...) of something other than a field is not supported here", c.Func)
}

// derivIndex turns d(u, x, y, ...) into the field and its multi-index.
func (b *batch) derivIndex(d *expr.Deriv) (string, autodiff.MultiIndex, error) {
	id, ok := d.Of.(*expr.Ident)
	if !ok || b.m.prob.FieldIndex(id.Name) < 0 {
		return "", nil, expr.Errorf(d.P, "derivative of %s: only derivatives of fields can be trained", d.Of.String())
	}
	a := make(autodiff.MultiIndex, len(b.m.prob.Variables))
	for _, w := range d.Wrt {
		i := b.m.prob.VariableIndex(w)
		if i < 0 {
			return "", nil, expr.Errorf(d.P, "derivative with respect to %q, which is not a variable", w)
		}
		a[i]++
	}
	return id.Name, a, nil
}

// netKernel selects how batches push the network's Taylor jets: "fused"
// (default) evaluates the primal and every direction's jets with one custom
// Gorgonia op per network and batch (autodiff.FusedMLPJets: stacked matrix
// multiplies, hand-written reverse pass, all cores); "graph" builds them
// from ordinary graph ops (nets.MLP.Forward), the reference the fused op is tested
// against. Networks or orders the fused op does not cover (no hidden layer,
// order above autodiff.MaxFusedOrder, Fourier features, the modified MLP)
// use the graph ops either way. Hidden-
// term networks, whose inputs are expressions rather than coordinates,
// always use forward.
var netKernel = "fused"

// build pushes the jets the collected needs require and reads every
// derivative out. After build, expressions of the batch can be compiled.
func (b *batch) build() error {
	if b.built {
		return nil
	}
	b.built = true
	prob := b.m.prob
	n := len(prob.Variables)
	keys := make([]string, 0, len(b.needs))
	for k := range b.needs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var dirs []autodiff.Direction
	if len(b.needs) > 0 {
		uniq := map[string]autodiff.MultiIndex{}
		var list []autodiff.MultiIndex
		for _, k := range keys {
			a := b.needs[k]
			ak := miKey("", a)
			if _, ok := uniq[ak]; !ok {
				uniq[ak] = a
				list = append(list, a)
			}
		}
		var err error
		if b.plan, err = autodiff.NewPlan(n, list); err != nil {
			return err
		}
		dirs = b.plan.Directions()
	}
	// The input jet of direction d in normalised coordinates:
	// x_n(s) = x_n + s v/h, the same row v/h at every point.
	rows := make([]autodiff.Direction, len(dirs))
	for d, dir := range dirs {
		row := make([]float64, n)
		for i := range row {
			row[i] = dir.V[i] / b.m.half[i]
		}
		rows[d] = autodiff.Direction{V: row, Order: dir.Order}
	}
	var jets [][]autodiff.Jet // by direction, by field
	var err error
	if netKernel == "fused" && b.m.canFuse(rows) {
		jets, err = b.fusedJets(dirs, rows)
	} else {
		jets, err = b.graphJets(dirs, rows)
	}
	if err != nil {
		return err
	}
	for _, k := range keys {
		a := b.needs[k]
		field := k[:strings.IndexByte(k, '|')]
		fi := prob.FieldIndex(field)
		terms, err := b.plan.Readout(a)
		if err != nil {
			return err
		}
		var sum *G.Node
		for _, t := range terms {
			c := jets[t.Dir][fi].C[t.Order]
			if c == nil || t.Coef == 0 {
				continue
			}
			if t.Coef != 1 {
				c = b.m.scale(c, t.Coef)
			}
			if sum == nil {
				sum = c
			} else {
				sum = b.m.add(sum, c)
			}
		}
		if sum == nil {
			sum = b.constCol(0)
		}
		b.derivs[k] = sum
	}
	return b.m.err
}

// splitFields splits the solution networks' output jets (ys[k] of
// network k) into one jet per field: a network with one output is its
// field's jet, a column of a wider one is selected by a fixed matrix.
func (b *batch) splitFields(ys []autodiff.Jet) ([]autodiff.Jet, error) {
	raw := make([]autodiff.Jet, len(b.m.prob.Fields))
	for f := range raw {
		net := b.m.sol[b.m.fieldNet[f]]
		y := ys[b.m.fieldNet[f]]
		out := net.Sizes[len(net.Sizes)-1]
		if out == 1 {
			raw[f] = y
			continue
		}
		sel := make([]float64, out)
		sel[b.m.fieldCol[f]] = 1
		var err error
		raw[f], err = autodiff.MatMul(y, b.m.fixed(fmt.Sprintf("%s/sel%d", b.name, f), out, 1, sel))
		if err != nil {
			return nil, err
		}
	}
	return raw, b.m.err
}

// fieldJets maps the network's raw output jets (one per field) to the
// fields' jets, through the output transform where one is given. dir is the
// input direction in raw coordinates (nil for the primal).
func (b *batch) fieldJets(raw []autodiff.Jet, dir []float64, K int) ([]autodiff.Jet, error) {
	prob := b.m.prob
	nf := len(prob.Fields)
	out := make([]autodiff.Jet, nf)
	for f, name := range prob.Fields {
		tr := b.m.output[name]
		if tr == nil {
			out[f] = raw[f]
			continue
		}
		leaf := func(e expr.Expr) (autodiff.Jet, bool, error) {
			id, ok := e.(*expr.Ident)
			if !ok {
				return autodiff.Jet{}, false, nil
			}
			if i := prob.VariableIndex(id.Name); i >= 0 {
				j := autodiff.Jet{C: make([]*G.Node, K+1)}
				j.C[0] = b.varCol(i)
				if K >= 1 && dir != nil && dir[i] != 0 {
					j.C[1] = b.constCol(dir[i])
				}
				return j, true, nil
			}
			if id.Name == "N" && nf == 1 {
				return raw[0], true, nil
			}
			if strings.HasPrefix(id.Name, "N_") {
				if k := prob.FieldIndex(id.Name[2:]); k >= 0 {
					return raw[k], true, nil
				}
			}
			for k, p := range prob.Parameters {
				if p.Name == id.Name {
					return autodiff.Const(b.scalarCol(k), K), true, nil
				}
			}
			return autodiff.Jet{}, true, expr.Errorf(id.P, "unknown name %q in model.output", id.Name)
		}
		j, err := b.jetExpr(tr, K, leaf)
		if err != nil {
			return nil, fmt.Errorf("output transform of %s: %w", name, err)
		}
		out[f] = j
	}
	return out, b.m.err
}

// residual compiles an expression evaluated at the batch's points into a
// P x 1 node. need() must have seen it and build() must have run.
func (b *batch) residual(e expr.Expr) (*G.Node, error) {
	if err := b.build(); err != nil {
		return nil, err
	}
	prob := b.m.prob
	var leaf leafFunc
	leaf = func(e expr.Expr) (autodiff.Jet, bool, error) {
		if b.isKnown(e) {
			if _, ok := e.(*expr.Num); !ok {
				node, err := b.knownColumn(e)
				return autodiff.Const(node, 0), true, err
			}
		}
		switch v := e.(type) {
		case *expr.Ident:
			if i := prob.VariableIndex(v.Name); i >= 0 {
				return autodiff.Const(b.varCol(i), 0), true, nil
			}
			if f := prob.FieldIndex(v.Name); f >= 0 {
				return autodiff.Const(b.primal[f], 0), true, nil
			}
			for k, p := range prob.Parameters {
				if p.Name == v.Name {
					return autodiff.Const(b.scalarCol(k), 0), true, nil
				}
			}
			return autodiff.Jet{}, true, expr.Errorf(v.P, "unknown name %q", v.Name)
		case *expr.Deriv:
			f, a, err := b.derivIndex(v)
			if err != nil {
				return autodiff.Jet{}, true, err
			}
			return autodiff.Const(b.deriv(f, a), 0), true, nil
		case *expr.Call:
			switch v.Func {
			case "lap", "biharm", "dn":
				node, err := b.operator(v)
				return autodiff.Const(node, 0), true, err
			}
			for k, h := range prob.Hidden {
				if h.Name == v.Func {
					node, err := b.hiddenCall(k, v, leaf)
					return autodiff.Const(node, 0), true, err
				}
			}
		}
		return autodiff.Jet{}, false, nil
	}
	j, err := b.jetExpr(e, 0, leaf)
	if err != nil {
		return nil, err
	}
	if b.m.err != nil {
		return nil, b.m.err
	}
	return j.C[0], nil
}

func (b *batch) deriv(field string, a autodiff.MultiIndex) *G.Node {
	if isZero(a) {
		return b.primal[b.m.prob.FieldIndex(field)]
	}
	return b.derivs[miKey(field, a)]
}

func (b *batch) operator(c *expr.Call) (*G.Node, error) {
	prob := b.m.prob
	f, err := fieldArg(c, prob.Fields)
	if err != nil {
		return nil, err
	}
	n := len(prob.Variables)
	space := prob.SpaceVariables()
	var sum *G.Node
	acc := func(x *G.Node) {
		if sum == nil {
			sum = x
		} else {
			sum = b.m.add(sum, x)
		}
	}
	if c.Func == "dn" {
		space = b.dnAxes()
	}
	for _, i := range space {
		a := make(autodiff.MultiIndex, n)
		switch c.Func {
		case "lap":
			a[i] = 2
			acc(b.deriv(f, a))
		case "dn":
			a[i] = 1
			acc(b.m.mul(b.normalCol(i), b.deriv(f, a)))
		case "biharm":
			for _, j := range space {
				a2 := make(autodiff.MultiIndex, n)
				a2[i] += 2
				a2[j] += 2
				acc(b.deriv(f, a2))
			}
		}
	}
	if sum == nil {
		return nil, expr.Errorf(c.P, "%s needs at least one space variable", c.Func)
	}
	return sum, b.m.err
}

// isKnown reports whether an expression depends only on the variables, so
// it can be computed in float64 when the points change instead of in the
// graph every step.
func (b *batch) isKnown(e expr.Expr) bool {
	prob := b.m.prob
	known := true
	expr.Walk(e, func(x expr.Expr) bool {
		if !known {
			return false
		}
		switch v := x.(type) {
		case *expr.Ident:
			if prob.VariableIndex(v.Name) < 0 {
				known = false
			}
		case *expr.Deriv, *expr.Index, *expr.IndexedSum:
			known = false
		case *expr.Call:
			switch v.Func {
			case "lap", "biharm", "dn", "grad", "div", "sum", "norm2":
				known = false
			}
			for _, h := range prob.Hidden {
				if h.Name == v.Func {
					known = false
				}
			}
		}
		return known
	})
	return known
}

func (b *batch) knownColumn(e expr.Expr) (*G.Node, error) {
	names := make([]string, len(b.m.prob.Variables))
	for i, v := range b.m.prob.Variables {
		names[i] = v.Name
	}
	fn, err := expr.Compile(e, names)
	if err != nil {
		return nil, err
	}
	node := b.m.input(fmt.Sprintf("%s/known%d", b.name, len(b.known)), b.P, 1)
	b.known = append(b.known, knownCol{node: node, fn: fn})
	return node, nil
}
