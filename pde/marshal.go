package pde

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// MarshalRun returns the spec as run, as YAML: the document as written with
// the --set overrides applied and every default filled in (the sections
// seed, dtype, model, derivatives, training, evaluation and output are all
// present, and each equation, condition, data set and hidden term has its
// defaults), expressions as the user wrote them, comments kept. Top-level
// keys are put in the order of SPEC.md.
//
// If rename is non-nil, the path of each data file is replaced by
// rename(dataName, path), where path is DataSet.File (the file as Load
// found it); evaluation.reference is renamed with dataName
// "evaluation.reference", the STL file of a mesh domain (at any depth of a
// CSG tree) with dataName "domain.mesh". Loading the result (with rename nil, from the
// same place) gives a Spec equal to s.
//
// A Spec built in Go (not loaded) is written from its fields; its
// expressions are then printed from their resolved form.
func (s *Spec) MarshalRun(rename func(dataName, path string) string) ([]byte, error) {
	var root *yaml.Node
	if s.src != nil {
		root = clone(s.src, map[*yaml.Node]*yaml.Node{})
	} else {
		var err error
		if root, err = s.problemNode(); err != nil {
			return nil, err
		}
	}
	if err := s.fillDefaults(root, rename); err != nil {
		return nil, err
	}
	reorder(root, topKeys)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}); err != nil {
		return nil, fmt.Errorf("marshal spec: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("marshal spec: %w", err)
	}
	return buf.Bytes(), nil
}

func clone(n *yaml.Node, seen map[*yaml.Node]*yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	if c, ok := seen[n]; ok {
		return c
	}
	c := *n
	seen[n] = &c
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, k := range n.Content {
		c.Content[i] = clone(k, seen)
	}
	c.Alias = clone(n.Alias, seen)
	return &c
}

// value returns the value of key in mapping m, or nil.
func value(m *yaml.Node, key string) *yaml.Node {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if deref(m.Content[i]).Value == key {
			return deref(m.Content[i+1])
		}
	}
	return nil
}

// set sets key in mapping m to v, replacing its value if present.
func set(m *yaml.Node, key string, v *yaml.Node) {
	m = deref(m)
	for i := 0; i+1 < len(m.Content); i += 2 {
		if deref(m.Content[i]).Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
}

// def sets key in m to v unless it has a (non-null) value.
func def(m *yaml.Node, key string, v any) {
	if !isNull(value(m, key)) {
		return
	}
	set(m, key, node(v))
}

// section returns the mapping under key in m, creating it if missing.
func section(m *yaml.Node, key string) *yaml.Node {
	v := value(m, key)
	if isNull(v) {
		v = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		set(m, key, v)
	}
	return v
}

func node(v any) *yaml.Node {
	if n, ok := v.(*yaml.Node); ok {
		return n
	}
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		panic(err) // only plain values are encoded here
	}
	if n.Kind == yaml.SequenceNode || n.Kind == yaml.MappingNode {
		n.Style = yaml.FlowStyle
	}
	return &n
}

func items(n *yaml.Node) []*yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out[i] = deref(c)
	}
	return out
}

func samplerNode(c SamplerConfig) any {
	if len(c.Options) == 0 {
		return c.Type
	}
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle}
	set(m, "type", node(c.Type))
	for _, k := range keys(c.Options) {
		set(m, k, node(c.Options[k]))
	}
	return m
}

func (s *Spec) fillDefaults(root *yaml.Node, rename func(string, string) string) error {
	p := s.Problem
	if p == nil {
		return errors.New("marshal spec: no problem")
	}
	def(root, "seed", s.Seed)
	dtype := s.DType
	if dtype == "" {
		dtype = DefaultDType
	}
	def(root, "dtype", dtype)

	terms := func(list *yaml.Node, ts []Term) {
		for i, it := range items(list) {
			if i >= len(ts) || it.Kind != yaml.MappingNode {
				continue
			}
			def(it, "sampler", samplerNode(ts[i].Sampler))
			def(it, "resample_every", ts[i].ResampleEvery)
			def(it, "weight", ts[i].Weight)
		}
	}
	terms(value(root, "equations"), p.Equations)
	conds := make([]Term, len(p.Conditions))
	for i, c := range p.Conditions {
		conds[i] = c.Term
	}
	terms(value(root, "conditions"), conds)
	for i, it := range items(value(root, "conditions")) {
		if i < len(p.Conditions) && value(it, "type") != nil && p.Conditions[i].Field != "" {
			def(it, "field", p.Conditions[i].Field)
		}
	}
	byName := map[string]*DataSet{}
	for i := range p.Data {
		byName[p.Data[i].Name] = &p.Data[i]
	}
	for _, it := range items(value(root, "data")) {
		name := value(it, "name")
		if name == nil {
			continue
		}
		ds := byName[name.Value]
		if ds == nil {
			continue
		}
		def(it, "weight", ds.Weight)
		if rename != nil && value(it, "file") != nil {
			set(it, "file", node(rename(ds.Name, ds.File)))
		}
	}
	for _, h := range p.Hidden {
		if m := value(value(root, "hidden"), h.Name); m != nil && m.Kind == yaml.MappingNode {
			def(m, "layers", h.Layers)
			def(m, "activation", h.Activation)
		}
	}

	m := section(root, "model")
	if s.Model.Type == "gaussians" {
		def(m, "type", "gaussians")
		def(m, "count", orInt(s.Model.Count, DefaultGaussians))
		def(m, "width", orFloat(s.Model.Width, DefaultGaussianWidth))
		def(m, "layers", append([]int{}, s.Model.Layers...)) // [] is the mixture alone
	}
	if s.Model.Type == "fbpinn" {
		def(m, "type", "fbpinn")
		def(m, "subdomains", s.Model.Subdomains)
		def(m, "overlap", orFloat(s.Model.Overlap, DefaultOverlap))
	}
	def(m, "layers", orInts(s.Model.Layers, DefaultLayers))
	def(m, "activation", orStr(s.Model.Activation, DefaultActivation))
	def(m, "normalize", !s.Model.NoNormalize)
	def(m, "architecture", orStr(s.Model.Architecture, DefaultArchitecture))
	def(m, "separate", s.Model.Separate || len(s.Model.Fields) > 0)
	if len(s.Model.Fields) > 0 && value(m, "fields") == nil {
		// a Spec built in Go: write its overrides, fields in declaration order
		fs := section(m, "fields")
		for _, name := range p.Fields {
			if o, ok := s.Model.Fields[name]; ok {
				fm := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle}
				if o.Layers != nil {
					set(fm, "layers", node(o.Layers))
				}
				if o.Activation != "" {
					set(fm, "activation", node(o.Activation))
				}
				set(fs, name, fm)
			}
		}
	}
	if ff := s.Model.Fourier; ff != nil {
		fs := section(m, "fourier")
		fs.Style = yaml.FlowStyle
		def(fs, "features", orInt(ff.Features, DefaultFourierFeatures))
		def(fs, "scale", orFloat(ff.Scale, DefaultFourierScale))
	}

	d := section(root, "derivatives")
	def(d, "method", orStr(s.Derivatives.Method, DefaultMethod))
	def(d, "samples", orInt(s.Derivatives.Samples, DefaultSamples))
	def(d, "estimator", orStr(s.Derivatives.Estimator, DefaultEstimator))

	t := section(root, "training")
	stage := func(m *yaml.Node, st Stage, defOpt string) {
		opt := orStr(st.Optimizer, defOpt)
		def(m, "optimizer", opt)
		if st.LR != 0 {
			def(m, "lr", st.LR)
		} else {
			def(m, "lr", DefaultLR(opt))
		}
		sc := value(m, "schedule")
		if sc != nil && sc.Kind == yaml.ScalarNode && !isNull(sc) {
			sc = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle,
				Content: []*yaml.Node{node("type"), node(sc.Value)}}
			set(m, "schedule", sc)
		}
		sc = section(m, "schedule")
		sc.Style = yaml.FlowStyle
		def(sc, "type", orStr(st.Schedule.Type, "constant"))
		if st.Schedule.Type == "exponential" {
			def(sc, "rate", st.Schedule.Rate)
			def(sc, "every", st.Schedule.Every)
			def(sc, "staircase", st.Schedule.Staircase)
		}
	}
	def(t, "steps", s.Training.Steps)
	stage(t, s.Training.Stage, DefaultOptimizer)
	def(t, "checkpoint_every", s.Training.CheckpointEvery)
	if bl := s.Training.Balance; bl != nil {
		bs := section(t, "balance")
		bs.Style = yaml.FlowStyle
		def(bs, "method", orStr(bl.Method, DefaultBalanceMethod))
		def(bs, "every", orInt(bl.Every, DefaultBalanceEvery))
		def(bs, "alpha", orFloat(bl.Alpha, DefaultBalanceAlpha))
	}
	if c := s.Training.Causal; c != nil {
		cs := section(t, "causal")
		cs.Style = yaml.FlowStyle
		def(cs, "chunks", orInt(c.Chunks, DefaultCausalChunks))
		def(cs, "epsilon", orFloat(c.Epsilon, DefaultCausalEpsilon))
	}
	if s.Training.Then != nil {
		th := section(t, "then")
		def(th, "steps", s.Training.Then.Steps)
		stage(th, *s.Training.Then, DefaultThenOptimizer)
	}
	if r := s.Training.Rounds; r != nil {
		rs := section(t, "rounds")
		def(rs, "count", r.Count)
		def(rs, "steps", r.Steps)
		stage(rs, r.Stage, DefaultOptimizer)
		if r.Then != nil {
			th := section(rs, "then")
			def(th, "steps", r.Then.Steps)
			stage(th, *r.Then, DefaultThenOptimizer)
		}
	}

	e := section(root, "evaluation")
	def(e, "points", orInt(s.Evaluation.Points, DefaultEvalPoints))
	def(e, "sampler", orStr(s.Evaluation.Sampler, DefaultEvalSampler))
	def(e, "every", orInt(s.Evaluation.Every, DefaultEvalEvery))
	if ref := value(e, "reference"); rename != nil && p.Reference != nil && ref != nil && ref.Kind == yaml.ScalarNode {
		// a CSV file (an ODE reference, a mapping, is kept as written)
		set(e, "reference", node(rename("evaluation.reference", p.Reference.File)))
	}

	if rename != nil {
		renameMeshes(value(root, "domain"), filepath.Dir(s.Path), rename)
	}

	o := section(root, "output")
	def(o, "dir", orStr(s.Output.Dir, "results/"+p.Name))
	def(o, "vtk", s.Output.VTK)
	def(o, "tensorboard", s.Output.TensorBoard)
	return nil
}

func orStr(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func orInt(i, d int) int {
	if i == 0 {
		return d
	}
	return i
}

func orFloat(f, d float64) float64 {
	if f == 0 {
		return d
	}
	return f
}

func orInts(i, d []int) []int {
	if len(i) == 0 {
		return d
	}
	return i
}

// reorder sorts the keys of mapping m into the given order (others last,
// in their order).
func reorder(m *yaml.Node, order []string) {
	rank := map[string]int{}
	for i, k := range order {
		rank[k] = i
	}
	type kv struct{ k, v *yaml.Node }
	var kvs []kv
	for i := 0; i+1 < len(m.Content); i += 2 {
		kvs = append(kvs, kv{m.Content[i], m.Content[i+1]})
	}
	r := func(k *yaml.Node) int {
		if i, ok := rank[deref(k).Value]; ok {
			return i
		}
		return len(order)
	}
	sort.SliceStable(kvs, func(i, j int) bool { return r(kvs[i].k) < r(kvs[j].k) })
	m.Content = m.Content[:0]
	for _, x := range kvs {
		m.Content = append(m.Content, x.k, x.v)
	}
}

// problemNode writes a Spec built in Go as a YAML mapping (problem part;
// fillDefaults adds the rest).
func (s *Spec) problemNode() (*yaml.Node, error) {
	p := s.Problem
	if p == nil {
		return nil, errors.New("marshal spec: no problem")
	}
	root := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	set(root, "name", node(p.Name))
	if p.Description != "" {
		set(root, "description", node(p.Description))
	}
	vars := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, v := range p.Variables {
		set(vars, v.Name, node([]float64{v.Lo, v.Hi}))
	}
	set(root, "variables", vars)
	set(root, "fields", node(p.Fields))
	if len(p.Constants)+len(p.VectorConstants) > 0 {
		c := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, k := range keys(p.Constants) {
			set(c, k, node(p.Constants[k]))
		}
		for _, k := range keys(p.VectorConstants) {
			set(c, k, node(p.VectorConstants[k]))
		}
		set(root, "constants", c)
	}
	if len(p.Parameters) > 0 {
		c := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, q := range p.Parameters {
			set(c, q.Name, node(map[string]float64{"init": q.Init}))
		}
		set(root, "parameters", c)
	}
	if len(p.Hidden) > 0 {
		c := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, h := range p.Hidden {
			in := h.InputNames
			if len(in) != len(h.Inputs) {
				in = make([]string, len(h.Inputs))
				for i, x := range h.Inputs {
					in[i] = x.String()
				}
			}
			hm := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			set(hm, "inputs", node(in))
			set(c, h.Name, hm)
		}
		set(root, "hidden", c)
	}
	term := func(t Term) *yaml.Node {
		m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		set(m, "name", node(t.Name))
		return m
	}
	finish := func(m *yaml.Node, t Term) {
		set(m, "points", node(t.Points))
		set(m, "sampler", node(samplerNode(t.Sampler)))
		set(m, "resample_every", node(t.ResampleEvery))
		set(m, "weight", node(t.Weight))
	}
	if len(p.Equations) > 0 {
		l := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, e := range p.Equations {
			if e.Residual == nil {
				return nil, fmt.Errorf("marshal spec: equation %q has no residual", e.Name)
			}
			m := term(e)
			set(m, "residual", node(e.Residual.String()))
			finish(m, e)
			l.Content = append(l.Content, m)
		}
		set(root, "equations", l)
	}
	if len(p.Conditions) > 0 {
		l := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, c := range p.Conditions {
			m := term(c.Term)
			on := make([]string, len(c.On))
			for i, f := range c.On {
				on[i] = f.Var + " == " + fmtNum(f.Value)
			}
			set(m, "on", node(strings.Join(on, " or ")))
			switch {
			case c.Type == "periodic":
				set(m, "type", node(c.Type))
				set(m, "field", node(c.Field))
			case c.Residual != nil:
				// typed conditions were built into Residual: write that
				set(m, "residual", node(c.Residual.String()))
			default:
				return nil, fmt.Errorf("marshal spec: condition %q has no residual", c.Name)
			}
			finish(m, c.Term)
			l.Content = append(l.Content, m)
		}
		set(root, "conditions", l)
	}
	if len(p.Data) > 0 {
		l := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, d := range p.Data {
			if d.File == "" {
				return nil, fmt.Errorf("marshal spec: data set %q has no file", d.Name)
			}
			m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			set(m, "name", node(d.Name))
			set(m, "file", node(d.File))
			set(m, "weight", node(d.Weight))
			l.Content = append(l.Content, m)
		}
		set(root, "data", l)
	}
	if len(s.Model.Output) > 0 {
		m := section(root, "model")
		if len(p.Fields) == 1 && s.Model.Output[p.Fields[0]] != nil && s.Model.OutputSource == nil {
			set(m, "output", node(s.Model.Output[p.Fields[0]].String()))
		} else {
			o := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			for _, f := range keys(s.Model.Output) {
				set(o, f, node(s.Model.Output[f].String()))
			}
			set(m, "output", o)
		}
	}
	if len(p.Exact) > 0 || p.Reference != nil {
		e := section(root, "evaluation")
		if len(p.Exact) > 0 {
			x := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			for _, k := range keys(p.Exact) {
				set(x, k, node(p.Exact[k].String()))
			}
			set(e, "exact", x)
		}
		if p.Reference != nil && p.Reference.File != "" {
			set(e, "reference", node(p.Reference.File))
		}
	}
	if s.Training.InitFrom != "" {
		set(section(root, "training"), "init_from", node(s.Training.InitFrom))
	}
	return root, nil
}

// renameMeshes replaces the file of every mesh shape under the domain node
// n by rename("domain.mesh", path), path resolved against dir (the spec's
// directory) as Load resolved it.
func renameMeshes(n *yaml.Node, dir string, rename func(dataName, path string) string) {
	n = deref(n)
	if n == nil {
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		if t := value(n, "type"); t != nil && t.Value == "mesh" {
			if f := value(n, "file"); f != nil && f.Kind == yaml.ScalarNode {
				path := f.Value
				if !filepath.IsAbs(path) {
					path = filepath.Join(dir, path)
				}
				set(n, "file", node(rename("domain.mesh", path)))
			}
		}
		for i := 1; i < len(n.Content); i += 2 {
			renameMeshes(n.Content[i], dir, rename)
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			renameMeshes(c, dir, rename)
		}
	}
}
