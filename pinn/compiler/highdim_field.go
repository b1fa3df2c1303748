package compiler

// The fields at a term's points on the fast path. The solution networks
// (one with an output per field, or one per field with model.separate)
// are pushed once per term (graph, valueGraph: their jets in h.jets); a
// field is its network's output column, through the field's output
// transform u = A(x, t)·N + C(x, t), A and C evaluated per point in
// float64 and fed. A term builds a field when its residual reads it
// (fieldsOf, before the residual is compiled), so it pays for the fields
// it uses only.

import (
	"fmt"

	"github.com/gopinn/gopinn/autodiff"
	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pinn/nets"
	G "gorgonia.org/gorgonia"
)

// hdField is one field at a term's points.
type hdField struct {
	name  string
	index int     // in prob.Fields
	sel   *G.Node // selects its column of a network with several outputs (nil: one output)
	trans *hdTransform
	// its network's jets: P×1, and P·B×1 along the term's directions (an
	// equation; N1 along the normal for a condition with dn)
	N0, N1, N2 *G.Node
	// transform columns (fed): A (P×1), ∂_j A (PB×1), Σ_J ∂_jj A, C and
	// Σ_J ∂_jj C (P×1); with time A_t, A_tt, C_t, C_tt (P×1 each; nil when
	// zero); with dn ∇A·n and ∇C·n (P×1)
	a0, a1, a2s, c0, c2s *G.Node
	tcols                []*G.Node
	an, cn               *G.Node
	// what residuals read: the value, the Laplacian (estimate), u_t, u_tt,
	// dn(u) (P×1), and the per-sample columns of coordinate sums
	u, lap, ut, utt, dn *G.Node
	coord               *hdCoord
}

// field is the term's field of that name, nil if not built.
func (h *hdTerm) field(name string) *hdField {
	for _, f := range h.fields {
		if f.name == name {
			return f
		}
	}
	return nil
}

// fieldsOf builds the fields that e reads, in the problem's order.
func (h *hdTerm) fieldsOf(m *model, e expr.Expr) error {
	for _, name := range h.prob.Fields {
		if expr.Mentions(e, name) {
			if _, err := h.fieldOf(m, name); err != nil {
				return err
			}
		}
	}
	return nil
}

// fieldOf returns the field, building its nodes on first use.
func (h *hdTerm) fieldOf(m *model, name string) (*hdField, error) {
	if f := h.field(name); f != nil {
		return f, nil
	}
	k := h.prob.FieldIndex(name)
	if k < 0 {
		return nil, fmt.Errorf("%s is not a field", name)
	}
	f := &hdField{name: name, index: k}
	var err error
	if f.trans, err = h.transform(h.cfg.Model.Output[name], h.prob, name); err != nil {
		return nil, err
	}
	if net := m.sol[m.fieldNet[k]]; net.Sizes[len(net.Sizes)-1] > 1 {
		out := net.Sizes[len(net.Sizes)-1]
		sel := make([]float64, out)
		sel[m.fieldCol[k]] = 1
		f.sel = m.fixed(h.fieldName(f, "sel"), out, 1, sel)
	}
	if h.valueOnly {
		err = h.valueField(m, f)
	} else {
		err = h.jetField(m, f)
	}
	if err != nil {
		return nil, err
	}
	h.fields = append(h.fields, f)
	return f, m.err
}

// fieldName is the name of a field's input node: the first field's as
// before there were several, the others' under their name.
func (h *hdTerm) fieldName(f *hdField, s string) string {
	if f.index == 0 {
		return h.prefix + s
	}
	return h.prefix + f.name + "/" + s
}

// column is the field's column of its network's output coefficient c.
func (h *hdTerm) column(m *model, f *hdField, c *G.Node) *G.Node {
	if f.sel == nil || c == nil {
		return c
	}
	return m.matmul(c, f.sel)
}

func (h *hdTerm) compileLap(e expr.Expr, prob *pde.Problem) ([]*expr.VectorEval, error) {
	if e == nil {
		return nil, nil
	}
	evs := make([]*expr.VectorEval, hdWorkers(h.P))
	for w := range evs {
		var err error
		if evs[w], err = expr.CompileVectorLap(e, h.lay.scalars(), h.vec.Name, h.d, prob.VectorConstants); err != nil {
			return nil, err
		}
	}
	return evs, nil
}

// transform compiles field's output transform out (nil: none).
func (h *hdTerm) transform(out expr.Expr, prob *pde.Problem, field string) (*hdTransform, error) {
	if out == nil {
		return nil, nil
	}
	A, C, err := splitOutput(prob, out, field)
	if err != nil {
		return nil, fastPathLimit(err)
	}
	tr := &hdTransform{A: A, C: C}
	if tr.aEv, err = h.compileLap(A, prob); err != nil {
		return nil, fmt.Errorf("model.output: %w", err)
	}
	if tr.cEv, err = h.compileLap(C, prob); err != nil {
		return nil, fmt.Errorf("model.output: %w", err)
	}
	if h.lay.nt > 0 && (!h.valueOnly || h.timeNormal) {
		// ∂_t and ∂_tt of A and C, symbolically (zero ones are left out)
		for k, e := range []expr.Expr{A, C} {
			if e == nil {
				continue
			}
			dt, err := diffScalar(e, "t")
			if err != nil {
				return nil, fmt.Errorf("model.output: d/dt of %s: %w", e, err)
			}
			dtt, err := diffScalar(dt, "t")
			if err != nil {
				return nil, fmt.Errorf("model.output: d/dt of %s: %w", dt, err)
			}
			for i, de := range []expr.Expr{dt, dtt} {
				if n, ok := de.(*expr.Num); ok && n.Value == 0 {
					continue
				}
				evs := make([]*expr.VectorEval, hdWorkers(h.P))
				for w := range evs {
					if evs[w], err = expr.CompileVector(de, h.lay.scalars(), h.vec.Name, h.d, prob.VectorConstants); err != nil {
						return nil, fmt.Errorf("model.output: %w", err)
					}
				}
				tr.tEv[2*k+i] = evs
			}
		}
	}
	return tr, nil
}

// graph pushes the term's points through the solution networks with B
// direction rows per point (h.jets); the fields' u, Laplacian and time
// derivatives are built from them by jetField.
func (h *hdTerm) graph(m *model) error {
	P, B, st := h.P, h.B, h.lay.stride()
	h.X = m.input(h.prefix+"x", P, st)
	if h.dense != nil {
		// a dense direction v enters as v·W: O(d·width) per direction
		// (zero in the time column)
		h.V = m.input(h.prefix+"v", P*B, st)
		h.dirs = make([]float64, P*B*h.d)
	} else {
		// e_j enters as row j of W: O(width) per direction
		h.rows = &autodiff.Rows{Idx: make([]int, P*B)}
	}
	var err error
	h.jets, err = h.push(m, B, 2, func(w *G.Node) (*G.Node, error) {
		if h.dense != nil {
			return autodiff.InputMatMul(h.V, w)
		}
		return autodiff.RowGather(w, h.rows)
	}, h.lay.inv)
	return err
}

// push is the stacked jets of every solution network at the term's
// points (firstProduct's arguments), in m.sol order.
func (h *hdTerm) push(m *model, B, order int, dir func(w *G.Node) (*G.Node, error), scale float64) ([]autodiff.StackedJet, error) {
	var out []autodiff.StackedJet
	for _, net := range m.sol {
		j, err := net.ForwardStacked(h.firstProduct(m, B, order, dir, scale))
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, m.err
}

// jetField builds a field's u (P×1) and Laplacian estimate (P×1) at an
// equation's points; with time also u_t and u_tt.
func (h *hdTerm) jetField(m *model, f *hdField) error {
	P, B := h.P, h.B
	j := h.jets[m.fieldNet[f.index]]
	N0, N1, N2 := h.column(m, f, j.C[0]), h.column(m, f, j.C[1]), h.column(m, f, j.C[2])
	f.N0, f.N1, f.N2 = N0, N1, N2
	sumN2 := m.keep(autodiff.GroupSum(N2, B))
	if f.trans == nil {
		f.u, f.lap = N0, sumN2
	} else {
		f.a0 = m.input(h.fieldName(f, "A"), P, 1)
		f.a1 = m.input(h.fieldName(f, "dA"), P*B, 1)
		f.a2s = m.input(h.fieldName(f, "d2A"), P, 1)
		f.c0 = m.input(h.fieldName(f, "C"), P, 1)
		f.c2s = m.input(h.fieldName(f, "d2C"), P, 1)
		f.u = m.add(m.mul(f.a0, N0), f.c0)
		// Σ_J u_jj = N0 Σ A_jj + 2 Σ A_j N_j + A Σ N_jj + Σ C_jj; dense
		// directions: Σ_b vᵀH_u v with vᵀH_A v and vᵀH_C v replaced by their
		// means ΔA and ΔC, computed exactly (fed as B·ΔA, B·ΔC: unbiased,
		// and with less variance than sampling them)
		cross := m.keep(autodiff.GroupSum(m.mul(f.a1, N1), B))
		f.lap = m.add(m.add(m.mul(N0, f.a2s), m.scale(cross, 2)), m.add(m.mul(f.a0, sumN2), f.c2s))
	}
	switch {
	case h.dense != nil:
		f.lap = m.scale(f.lap, 1/float64(B))
	case !h.taylor:
		f.lap = m.scale(f.lap, float64(h.d)/float64(B))
	}
	if h.lay.nt > 0 {
		return h.timeGraph(m, f)
	}
	return m.err
}

// firstProduct is the network's FirstProduct at the term's points: the
// primal X·w (fed points, no input gradient; one product per matrix,
// shared by every jet of the term) and, in direction rows of B per point,
// dir(w)·scale (the direction in normalised coordinates), up to the jet's
// order (the input is linear: its higher coefficients are zero).
func (h *hdTerm) firstProduct(m *model, B, order int, dir func(w *G.Node) (*G.Node, error), scale float64) nets.FirstProduct {
	if h.prim == nil {
		h.prim = map[*G.Node]*G.Node{}
	}
	return func(w *G.Node) (autodiff.StackedJet, error) {
		c0, ok := h.prim[w]
		if !ok {
			c0 = m.keep(autodiff.InputMatMul(h.X, w)) // no gradient for the fed points
			h.prim[w] = c0
		}
		c := make([]*G.Node, order+1)
		c[0] = c0
		if order > 0 {
			c[1] = m.keep(dir(w))
			if scale != 1 {
				c[1] = m.scale(c[1], scale)
			}
		}
		return autodiff.StackedJet{C: c, B: B}, m.err
	}
}

// timeGraph builds a field's u_t and u_tt from one 2-jet per point along
// e_t (row d of the first weight matrix; the networks are pushed along it
// once per term, h.tjets): with u = A·N + C, u_t = A_t N + A N_t + C_t and
// u_tt = A_tt N + 2 A_t N_t + A N_tt + C_tt.
func (h *hdTerm) timeGraph(m *model, f *hdField) error {
	P := h.P
	if h.tjets == nil {
		rows := &autodiff.Rows{Idx: make([]int, P)}
		for p := range rows.Idx {
			rows.Idx[p] = h.d
		}
		var err error
		if h.tjets, err = h.push(m, 1, 2, func(w *G.Node) (*G.Node, error) {
			return autodiff.RowGather(w, rows)
		}, h.lay.tinv); err != nil {
			return err
		}
	}
	jt := h.tjets[m.fieldNet[f.index]]
	Nt, Ntt := h.column(m, f, jt.C[1]), h.column(m, f, jt.C[2])
	if f.trans == nil {
		f.ut, f.utt = Nt, Ntt
		return m.err
	}
	f.tcols = make([]*G.Node, 4)
	for k, name := range []string{"A_t", "A_tt", "C_t", "C_tt"} {
		if f.trans.tEv[k] != nil {
			f.tcols[k] = m.input(h.fieldName(f, name), P, 1)
		}
	}
	// sum of products, skipping zero factors
	sum := func(terms ...*G.Node) *G.Node {
		var out *G.Node
		for _, t := range terms {
			switch {
			case t == nil:
			case out == nil:
				out = t
			default:
				out = m.add(out, t)
			}
		}
		if out == nil {
			out = m.mul(f.N0, m.scalar(0))
		}
		return out
	}
	mulOr := func(a, b *G.Node) *G.Node {
		if a == nil || b == nil {
			return nil
		}
		return m.mul(a, b)
	}
	At, Att, Ct, Ctt := f.tcols[0], f.tcols[1], f.tcols[2], f.tcols[3]
	f.ut = sum(mulOr(At, f.N0), m.mul(f.a0, Nt), Ct)
	var cross *G.Node
	if At != nil {
		cross = m.scale(m.mul(At, Nt), 2)
	}
	f.utt = sum(mulOr(Att, f.N0), cross, m.mul(f.a0, Ntt), Ctt)
	return m.err
}

// valueGraph pushes a condition's or data set's points through the
// solution networks (h.jets): one primal pass per point; with withNormal
// also a first-order jet along the outward normal n (it enters as n·W1:
// O(d·width) per point), for dn.
func (h *hdTerm) valueGraph(m *model, withNormal bool) error {
	P, st := h.P, h.lay.stride()
	h.X = m.input(h.prefix+"x", P, st)
	order := 0
	if withNormal {
		h.nrm = m.input(h.prefix+"n", P, st)
		order = 1
	}
	var err error
	h.jets, err = h.push(m, 1, order, func(w *G.Node) (*G.Node, error) {
		return autodiff.InputMatMul(h.nrm, w)
	}, h.lay.inv)
	return err
}

// valueField builds a field's u (P×1) at a condition's or data set's
// points and, along the normal, dn(u) = ∇u·n through the transform
// u = A·N + C: dn(u) = (∇A·n) N + A ∂_n N + ∇C·n.
func (h *hdTerm) valueField(m *model, f *hdField) error {
	P := h.P
	j := h.jets[m.fieldNet[f.index]]
	f.N0 = h.column(m, f, j.C[0])
	if h.nrm != nil {
		f.dn = h.column(m, f, j.C[1])
	}
	if f.trans == nil {
		f.u = f.N0
		return m.err
	}
	f.a0 = m.input(h.fieldName(f, "A"), P, 1)
	f.c0 = m.input(h.fieldName(f, "C"), P, 1)
	if h.nrm != nil {
		f.an = m.input(h.fieldName(f, "dnA"), P, 1)
		f.cn = m.input(h.fieldName(f, "dnC"), P, 1)
		f.dn = m.add(m.add(m.mul(f.an, f.N0), m.mul(f.a0, f.dn)), f.cn)
	}
	f.u = m.add(m.mul(f.a0, f.N0), f.c0)
	return m.err
}
