package pde

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pinn/optim"
)

// Load reads the spec file at path, decodes it strictly, applies the --set
// overrides ("key.path=value", value in YAML), fills in the defaults,
// validates it, reads its data files and resolves every expression. Every
// error it returns is a user error: an Errors listing each problem as
// "file:line:col: message" (errors in an override name the flag instead).
func Load(path string, overrides []string) (*Spec, error) {
	data, err := readBounded(path, MaxSpecBytes)
	if err != nil {
		return nil, Errors{{File: path, Msg: err.Error()}}
	}
	return LoadBytes(path, data, overrides)
}

// MaxSpecBytes bounds what Load reads of a spec file: a spec is a few
// kilobytes, and an endless stream (/dev/zero, a FIFO) must not grow the
// process without bound.
const MaxSpecBytes = 16 << 20

// readBounded reads at most limit bytes of the file at path; a longer file
// is an error.
func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, errors.New(fsMessage(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, errors.New(fsMessage(err))
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("longer than %d MiB: not a spec", limit>>20)
	}
	return data, nil
}

// LoadBytes is Load for a spec already in memory; name is used in messages
// and relative data paths are relative to filepath.Dir(name).
func LoadBytes(name string, data []byte, overrides []string) (*Spec, error) {
	l := &loader{file: name, dir: filepath.Dir(name), origin: map[*yaml.Node]string{}}
	root, err := decodeYAML(name, data)
	if err != nil {
		return nil, err
	}
	for _, o := range overrides {
		l.applySet(root, o)
	}
	if len(l.errs) > 0 {
		return nil, l.errs
	}
	b := &build{loader: l}
	s := b.spec(root)
	if len(l.errs) > 0 {
		sortErrors(l.errs)
		return nil, l.errs
	}
	s.Path = name
	s.src = root
	return s, nil
}

// fsMessage is the message of a file-system error without the path (the
// caller names the file).
func fsMessage(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// decodeYAML parses one YAML document into its root mapping node.
func decodeYAML(name string, data []byte) (root *yaml.Node, err error) {
	defer func() {
		// the YAML parser is third-party code: never let it crash the CLI
		if r := recover(); r != nil {
			root, err = nil, Errors{{File: name, Msg: fmt.Sprintf("cannot parse YAML: %v", r)}}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return nil, Errors{{File: name, Msg: "empty spec"}}
		}
		return nil, yamlError(name, data, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		if err != nil {
			return nil, yamlError(name, data, err)
		}
		return nil, Errors{{File: name, Line: extra.Line, Col: extra.Column, Msg: "several YAML documents in one spec"}}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, Errors{{File: name, Msg: "empty spec"}}
	}
	root = deref(doc.Content[0])
	if root == nil || root.Kind != yaml.MappingNode {
		n := doc.Content[0]
		return nil, Errors{{File: name, Line: n.Line, Col: n.Column, Msg: "a spec is a map of keys (name, variables, fields, equations, ...)"}}
	}
	return root, nil
}

// yamlColumn finds the column of a YAML syntax error where the message
// says what to look for (the parser reports only the line): the first tab
// of the line for the tab error. 0 (no column) otherwise: a guess would
// point at the wrong token.
func yamlColumn(data []byte, line int, msg string) int {
	lines := strings.Split(string(data), "\n")
	if line < 1 || line > len(lines) || !strings.Contains(msg, "cannot start any token") {
		return 0
	}
	return strings.IndexByte(lines[line-1], '\t') + 1 // 0 if there is none
}

func yamlError(name string, data []byte, err error) error {
	var out Errors
	msgs := []string{err.Error()}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	for _, m := range msgs {
		m = strings.TrimPrefix(m, "yaml: unmarshal errors:\n")
		if sub := yamlLine.FindStringSubmatch(strings.TrimSpace(m)); sub != nil {
			line, _ := strconv.Atoi(sub[1])
			out = append(out, &SpecError{File: name, Line: line, Col: yamlColumn(data, line, sub[2]), Msg: "YAML: " + sub[2]})
			continue
		}
		out = append(out, &SpecError{File: name, Msg: "YAML: " + strings.TrimPrefix(m, "yaml: ")})
	}
	return out
}

// build holds what the loader knows while it walks a spec.
type build struct {
	*loader
	s *Spec
	p *Problem

	decl      map[string]*yaml.Node // declared names -> where
	declKind  map[string]string
	bounds    map[string][2]float64 // variables with a valid interval
	vecVars   map[string]int
	vecConsts map[string][]float64
	funcs     map[string]expr.Expr
	funcNodes map[string]*yaml.Node
	hidden    map[string]int
	hiddenIn  [][]*yaml.Node
	exact     map[string]expr.Expr // parsed, unresolved
	exactNode map[string]*yaml.Node
	output    map[string]*yaml.Node // model.output by field ("" = single string)
	pending   []pending
	data      []dataSrc
	reference *yaml.Node
	ode       *odeSrc // evaluation.reference.ode
	termNames map[string]*yaml.Node
	// declFailed: the variables or fields are in error, so expressions and
	// faces are not checked (every name in them would be reported unknown).
	declFailed bool
}

// pending is an expression to resolve once every name is declared.
type pending struct {
	node   *yaml.Node
	e      expr.Expr
	what   string
	scope  func() *expr.Scope
	assign func(expr.Expr)
	// quiet: an expression built by the loader whose parts were checked
	// alone; an error in it is reported at the node without a column.
	quiet bool
	// failed, if set, is set when this expression is in error, and skips it
	// when already set (the parts of a built residual share one).
	failed *bool
	// residual: a loss term's residual, which must depend on something
	// trained (a field, a parameter or a hidden term), or it trains nothing.
	residual bool
}

var (
	specName = regexp.MustCompile(`^[a-z0-9_-]+$`)
	termName = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
)

var topKeys = []string{"name", "description", "seed", "dtype", "variables", "domain", "fields",
	"constants", "parameters", "functions", "hidden", "equations", "conditions", "data",
	"model", "derivatives", "training", "evaluation", "output"}

func (b *build) spec(root *yaml.Node) *Spec {
	b.p = &Problem{Constants: map[string]float64{}}
	b.s = &Spec{Problem: b.p, DType: DefaultDType}
	b.decl = map[string]*yaml.Node{}
	b.declKind = map[string]string{}
	b.bounds = map[string][2]float64{}
	b.funcs = map[string]expr.Expr{}
	b.funcNodes = map[string]*yaml.Node{}
	b.hidden = map[string]int{}
	b.exact = map[string]expr.Expr{}
	b.exactNode = map[string]*yaml.Node{}
	b.termNames = map[string]*yaml.Node{}

	top := b.fields(root, "", topKeys...)
	if e, ok := top["name"]; ok {
		if name, ok := b.str(e.val, "name"); ok {
			if !specName.MatchString(name) {
				b.errorf(e.val, "name: %q: use lower-case letters, digits, _ and - only", name)
			}
			b.p.Name = name
		}
	} else {
		b.errorf(root, "name is required")
	}
	if e, ok := top["description"]; ok && !isNull(e.val) {
		b.p.Description, _ = b.str(e.val, "description")
	}
	if e, ok := top["seed"]; ok {
		seed, _ := b.integer(e.val, "seed", 0)
		b.s.Seed = uint64(seed)
	}
	if e, ok := top["dtype"]; ok {
		b.s.DType, _ = b.oneOf(e.val, "dtype", "float64", "float32")
	}

	v, hasVars := top["variables"]
	d, hasDomain := top["domain"]
	switch {
	case hasVars && hasDomain:
		b.errorf(d.key, "give either variables or domain, not both")
		b.variables(v.val)
	case hasVars:
		b.variables(v.val)
	case hasDomain:
		b.domain(d.val)
	default:
		b.errorf(root, "variables are required (or a domain)")
		b.declFailed = true
	}
	if e, ok := top["fields"]; ok {
		b.fieldList(e.val)
	} else {
		b.errorf(root, "fields are required, e.g. fields: [u]")
	}
	if len(b.p.Fields) == 0 {
		b.declFailed = true
	}
	b.constants(top["constants"].val)
	b.parameters(top["parameters"].val)
	b.functions(top["functions"].val)
	b.hiddenTerms(top["hidden"].val)
	b.evaluation(top["evaluation"].val)
	b.equations(top["equations"].val)
	b.conditions(top["conditions"].val)
	b.dataSets(top["data"].val)
	b.model(top["model"].val)
	b.derivatives(top["derivatives"].val)
	b.training(top["training"].val)
	b.s.Output.Dir = "results/" + b.p.Name
	if e, ok := top["output"]; ok {
		o := b.fields(e.val, "output", "dir", "vtk", "tensorboard")
		if e, ok := o["dir"]; ok {
			b.s.Output.Dir, _ = b.str(e.val, "output.dir")
		}
		if e, ok := o["vtk"]; ok {
			b.s.Output.VTK, _ = b.boolean(e.val, "output.vtk")
			if n := b.spaceDims(); b.s.Output.VTK && n > 3 {
				b.errorf(e.val, "output.vtk: VTK points have at most 3 coordinates, the problem has %d space dimensions (use prediction.csv)", n)
			}
		}
		if e, ok := o["tensorboard"]; ok {
			b.s.Output.TensorBoard, _ = b.boolean(e.val, "output.tensorboard")
		}
	}
	if len(b.p.Equations)+len(b.p.Conditions) == 0 && len(b.data) == 0 && len(b.errs) == 0 {
		b.errorf(root, "nothing to train: no equations, conditions or data")
	}

	if !b.declFailed {
		b.resolveAll()
		b.solveODE()
		b.readData()
	}
	return b.s
}

// declare records a declared name, checking it is valid and new.
func (b *build) declare(name, kind string, n *yaml.Node) {
	if err := expr.CheckName(name); err != nil {
		msg := err.Error()
		var ee *expr.Error
		if errors.As(err, &ee) {
			msg = ee.Msg
		}
		b.errorf(n, "%s %q: %s", kind, name, msg)
	}
	if prev, ok := b.decl[name]; ok {
		if prev.Line > 0 {
			b.errorf(n, "%s %q: already declared as a %s at line %d", kind, name, b.declKind[name], prev.Line)
		} else {
			b.errorf(n, "%s %q: already declared as a %s", kind, name, b.declKind[name])
		}
		return
	}
	b.decl[name] = n
	b.declKind[name] = kind
}

func (b *build) variables(n *yaml.Node) {
	es, ok := b.pairs(n, "variables")
	if ok && len(es) == 0 {
		b.errorf(n, "variables: want at least one variable, e.g. x: [0, 1]")
	}
	if len(es) == 0 {
		b.declFailed = true
	}
	for _, e := range es {
		name := e.key.Value
		b.declare(name, "variable", e.key)
		b.p.Variables = append(b.p.Variables, Variable{Name: name})
		lo, hi, ok := b.interval(e.val, fmt.Sprintf("variable %q", name))
		if ok {
			b.bounds[name] = [2]float64{lo, hi}
			b.p.Variables[len(b.p.Variables)-1] = Variable{Name: name, Lo: lo, Hi: hi}
		}
	}
}

// interval reads [lo, hi] with lo < hi.
func (b *build) interval(n *yaml.Node, what string) (lo, hi float64, ok bool) {
	n = deref(n)
	if n == nil || n.Kind != yaml.SequenceNode || len(n.Content) != 2 || !isNumber(deref(n.Content[0])) || !isNumber(deref(n.Content[1])) {
		b.errorf(n, "%s: want an interval [lo, hi]", what)
		return 0, 0, false
	}
	lo, ok1 := b.number(n.Content[0], what)
	hi, ok2 := b.number(n.Content[1], what)
	if !ok1 || !ok2 {
		return 0, 0, false
	}
	if !(lo < hi) {
		b.errorf(n, "%s: want an interval [lo, hi] with lo < hi, got [%s, %s]", what, fmtNum(lo), fmtNum(hi))
		return 0, 0, false
	}
	return lo, hi, true
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func (b *build) domain(n *yaml.Node) {
	if te := mapValue(n, "type"); te != nil && geometryTypes[deref(te).Value] {
		b.geometryDomain(n)
		return
	}
	f := b.fields(n, "domain", "type", "dim", "radius", "center", "variable", "variables", "range", "ranges", "time")
	te, ok := f["type"]
	if !ok {
		b.errorf(n, "domain: type is required (ball, box, a 2-D shape: disk, annulus, polygon, a 3-D one: mesh, cylinder, extrusion, or union, intersection, difference)")
		return
	}
	typ, ok := b.oneOf(te.val, "domain.type", "ball", "box", "disk", "annulus", "polygon", "mesh", "cylinder", "extrusion", "union", "intersection", "difference")
	if !ok {
		return
	}
	allowed := map[string][]string{
		"ball": {"type", "dim", "radius", "center", "variable", "time"},
		"box":  {"type", "dim", "range", "ranges", "variable", "variables", "time"},
	}[typ]
	for k, e := range f {
		found := false
		for _, a := range allowed {
			found = found || a == k
		}
		if !found {
			b.errorf(e.key, "domain: key %q does not apply to a %s", k, typ)
		}
	}
	var timeIv *[2]float64
	if e, ok := f["time"]; ok {
		if lo, hi, ok := b.interval(e.val, "domain.time"); ok {
			timeIv = &[2]float64{lo, hi}
		}
	}
	addTime := func() {
		if timeIv != nil {
			b.declare("t", "variable", f["time"].key)
			b.p.Variables = append(b.p.Variables, Variable{Name: "t", Lo: timeIv[0], Hi: timeIv[1]})
			b.bounds["t"] = *timeIv
		}
	}
	dim := 0
	if e, ok := f["dim"]; ok {
		dim, _ = b.intOf(e.val, "domain.dim", 1)
	}
	radius := 1.0
	if e, ok := f["radius"]; ok {
		radius, _ = b.positive(e.val, "domain.radius")
	}
	centred := true
	if e, ok := f["center"]; ok {
		c, _ := b.numbers(e.val, "domain.center")
		for _, v := range c {
			centred = centred && v == 0
		}
	}
	vecVar := func() {
		e, ok := f["variable"]
		if !ok {
			b.errorf(n, "domain: a %s needs variable (the name of the vector variable)", typ)
			return
		}
		if name, ok := b.str(e.val, "domain.variable"); ok {
			b.declare(name, "variable", e.val)
			if b.vecVars == nil {
				b.vecVars = map[string]int{}
			}
			b.vecVars[name] = dim
		}
		if _, ok := f["dim"]; !ok {
			b.errorf(n, "domain: a %s needs dim", typ)
		}
	}
	switch typ {
	case "ball":
		vecVar()
		if !centred {
			b.errorf(f["center"].val, "domain.center: a ball with a vector variable is centred at 0 (give no center)")
		}
		b.vectorDomain(f, "ball", dim, radius, -radius, radius)
		addTime()
	case "box":
		if _, ok := f["variable"]; ok {
			vecVar()
			lo, hi := -1.0, 1.0
			if r, ok := f["range"]; ok {
				lo, hi, _ = b.interval(r.val, "domain.range")
			} else {
				b.errorf(n, "domain: a vector box needs range: [lo, hi]")
			}
			if r, ok := f["ranges"]; ok {
				b.errorf(r.key, "domain: a vector box takes one range for every coordinate, not ranges")
			}
			b.vectorDomain(f, "box", dim, 0, lo, hi)
			addTime()
			return
		}
		e, ok := f["variables"]
		if !ok {
			b.errorf(n, "domain: a box needs variables: [x, y, ...] (or variable and dim for a vector box)")
			return
		}
		names := b.nameList(e.val, "domain.variables")
		ivs := make([][2]float64, len(names))
		okIv := make([]bool, len(names))
		if r, ok := f["range"]; ok {
			if lo, hi, ok := b.interval(r.val, "domain.range"); ok {
				for i := range ivs {
					ivs[i], okIv[i] = [2]float64{lo, hi}, true
				}
			}
		} else if r, ok := f["ranges"]; ok {
			items, _ := b.list(r.val, "domain.ranges")
			if len(items) != len(names) {
				b.errorf(r.val, "domain.ranges: want one interval per variable (%d)", len(names))
			} else {
				for i, it := range items {
					if lo, hi, ok := b.interval(it, "domain.ranges"); ok {
						ivs[i], okIv[i] = [2]float64{lo, hi}, true
					}
				}
			}
		} else {
			b.errorf(n, "domain: a box needs range: [lo, hi] or ranges: [[lo, hi], ...]")
		}
		if _, ok := f["dim"]; ok && dim != len(names) {
			b.errorf(f["dim"].val, "domain.dim: %d, but %d variables", dim, len(names))
		}
		for i, nm := range names {
			b.declare(nm, "variable", deref(e.val).Content[i])
			b.p.Variables = append(b.p.Variables, Variable{Name: nm, Lo: ivs[i][0], Hi: ivs[i][1]})
			if okIv[i] {
				b.bounds[nm] = ivs[i]
			}
		}
		addTime()
	}
}

// vectorDomain records the vector variable of a ball or vector box. The
// problem's Variables then hold the radial coordinate RadialName (a
// reporting column: |x| in prediction.csv and the abscissa of 1-D plots
// along a ray), then t if the domain has time; the network input is x.
func (b *build) vectorDomain(f map[string]entry, typ string, dim int, radius, lo, hi float64) {
	e, ok := f["variable"]
	if !ok || dim < 1 {
		return
	}
	name, _ := b.str(e.val, "domain.variable")
	rmax := radius
	if typ == "box" {
		rmax = math.Max(math.Abs(lo), math.Abs(hi)) * math.Sqrt(float64(dim))
	}
	b.p.Vector = &VectorVariable{Name: name, Dim: dim, Domain: typ, Radius: radius, Lo: lo, Hi: hi}
	b.p.Variables = append(b.p.Variables, Variable{Name: RadialName, Lo: 0, Hi: rmax})
}

// nameList reads a list of names.
func (b *build) nameList(n *yaml.Node, path string) []string {
	items, ok := b.list(n, path)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		if it == nil || it.Kind != yaml.ScalarNode || it.ShortTag() != "!!str" {
			b.errorf(it, "%s: want a list of names%s", path, got(it))
			return nil
		}
		out = append(out, it.Value)
	}
	return out
}

// numbers reads a list of numbers.
func (b *build) numbers(n *yaml.Node, path string) ([]float64, bool) {
	items, ok := b.list(n, path)
	if !ok {
		return nil, false
	}
	out := make([]float64, 0, len(items))
	for _, it := range items {
		f, ok := b.number(it, path)
		if !ok {
			return nil, false
		}
		out = append(out, f)
	}
	return out, true
}

func (b *build) fieldList(n *yaml.Node) {
	n = deref(n)
	if n != nil && n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" {
		// fields: u
		b.declare(n.Value, "field", n)
		b.p.Fields = []string{n.Value}
		return
	}
	names := b.nameList(n, "fields")
	if len(names) == 0 {
		if n != nil && n.Kind == yaml.SequenceNode && len(n.Content) == 0 || isNull(n) {
			b.errorf(n, "fields: want at least one field, e.g. fields: [u]")
		}
		return
	}
	for i, nm := range names {
		b.declare(nm, "field", deref(n).Content[i])
	}
	b.p.Fields = names
}

func (b *build) constants(n *yaml.Node) {
	es, _ := b.pairs(n, "constants")
	for _, e := range es {
		name := e.key.Value
		b.declare(name, "constant", e.key)
		v := e.val
		what := fmt.Sprintf("constant %q", name)
		switch {
		case isNumber(v):
			if f, ok := b.number(v, what); ok {
				b.p.Constants[name] = f
			}
		case v != nil && v.Kind == yaml.SequenceNode:
			if fs, ok := b.numbers(v, what); ok {
				b.vectorConst(name, fs)
			}
		case v != nil && v.Kind == yaml.MappingNode:
			f := b.fields(v, what, "normal", "seed")
			ne, ok1 := f["normal"]
			if !ok1 {
				b.errorf(v, "%s: want {normal: n, seed: s}", what)
				continue
			}
			cnt, ok1 := b.intOf(ne.val, what+".normal", 1)
			var seed int64
			ok2 := true
			if se, ok := f["seed"]; ok {
				seed, ok2 = b.integer(se.val, what+".seed", 0)
			}
			if ok1 && ok2 {
				if cnt > 1<<20 {
					b.errorf(ne.val, "%s: %d values is too many", what, cnt)
					continue
				}
				b.vectorConst(name, NormalVector(cnt, uint64(seed)))
			}
		default:
			b.errorf(v, "%s: want a number, a list of numbers or {normal: n, seed: s}", what)
		}
	}
}

func (b *build) vectorConst(name string, v []float64) {
	if b.vecConsts == nil {
		b.vecConsts = map[string][]float64{}
		b.p.VectorConstants = b.vecConsts
	}
	b.vecConsts[name] = v
}

func (b *build) parameters(n *yaml.Node) {
	es, _ := b.pairs(n, "parameters")
	for _, e := range es {
		name := e.key.Value
		b.declare(name, "parameter", e.key)
		what := "parameters." + name
		p := Parameter{Name: name}
		if isNumber(e.val) {
			p.Init, _ = b.number(e.val, what)
		} else {
			f := b.fields(e.val, what, "init")
			if ie, ok := f["init"]; ok {
				p.Init, _ = b.number(ie.val, what+".init")
			}
		}
		b.p.Parameters = append(b.p.Parameters, p)
	}
}

func (b *build) functions(n *yaml.Node) {
	es, _ := b.pairs(n, "functions")
	for _, e := range es {
		name := e.key.Value
		b.declare(name, "function", e.key)
		if ex, ok := b.parse(e.val, "function "+name); ok {
			b.funcs[name] = ex
			b.funcNodes[name] = e.val
		}
	}
}

// parse parses the expression in the scalar n.
func (b *build) parse(n *yaml.Node, what string) (expr.Expr, bool) {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || isNull(n) || n.ShortTag() == "!!bool" {
		b.errorf(n, "%s: want an expression%s", what, got(n))
		return nil, false
	}
	e, err := expr.Parse(n.Value)
	if err != nil {
		b.exprError(n, err, what)
		return nil, false
	}
	return e, true
}

func (b *build) hiddenTerms(n *yaml.Node) {
	es, _ := b.pairs(n, "hidden")
	for _, e := range es {
		name := e.key.Value
		b.declare(name, "hidden term", e.key)
		path := "hidden." + name
		f := b.fields(e.val, path, "inputs", "layers", "activation", "library")
		h := Hidden{Name: name, Layers: DefaultHiddenLayers, Activation: DefaultActivation}
		idx := len(b.p.Hidden)
		if ie, ok := f["inputs"]; ok {
			items, _ := b.list(ie.val, path+".inputs")
			if len(items) == 0 {
				b.errorf(ie.val, "%s.inputs: want a list of inputs, e.g. [u]", path)
			}
			h.Inputs = make([]expr.Expr, len(items))
			for i, it := range items {
				ex, ok := b.parse(it, path+".inputs")
				if !ok {
					continue
				}
				h.InputNames = append(h.InputNames, it.Value)
				i := i
				b.pending = append(b.pending, pending{node: it, e: ex, what: path + ".inputs",
					scope:  b.hiddenInputScope,
					assign: func(r expr.Expr) { b.p.Hidden[idx].Inputs[i] = r }})
			}
			b.hidden[name] = len(items)
		} else {
			b.errorf(e.val, "%s: inputs are required, e.g. inputs: [u]", path)
		}
		if le, ok := f["layers"]; ok {
			h.Layers, _ = b.widths(le.val, path+".layers")
		}
		if ae, ok := f["activation"]; ok {
			h.Activation, _ = b.oneOf(ae.val, path+".activation", keys(activations)...)
		}
		if le, ok := f["library"]; ok {
			h.Library = b.library(le.val, path+".library", h.InputNames)
		}
		b.p.Hidden = append(b.p.Hidden, h)
	}
}

func (b *build) evaluation(n *yaml.Node) {
	ev := &b.s.Evaluation
	ev.Points, ev.Sampler, ev.Every = DefaultEvalPoints, DefaultEvalSampler, DefaultEvalEvery
	f := b.fields(n, "evaluation", "exact", "reference", "points", "sampler", "every")
	if e, ok := f["exact"]; ok {
		es, _ := b.pairs(e.val, "evaluation.exact")
		for _, x := range es {
			name := x.key.Value
			kind := b.declKind[name]
			if kind != "field" && kind != "hidden term" {
				b.errorf(x.key, "evaluation.exact: %q is not a field or a hidden term", name)
				continue
			}
			if ex, ok := b.parse(x.val, "evaluation.exact."+name); ok {
				b.exact[name] = ex
				b.exactNode[name] = x.val
			}
		}
	}
	if e, ok := f["reference"]; ok {
		if v := deref(e.val); v != nil && v.Kind == yaml.MappingNode {
			b.odeReference(v)
		} else if _, ok := b.str(e.val, "evaluation.reference"); ok {
			b.reference = e.val
		}
	}
	if e, ok := f["points"]; ok {
		ev.Points, _ = b.intOf(e.val, "evaluation.points", 1)
	}
	if e, ok := f["sampler"]; ok {
		ev.Sampler, _ = b.oneOf(e.val, "evaluation.sampler", keys(samplers)...)
	}
	if e, ok := f["every"]; ok {
		ev.Every, _ = b.intOf(e.val, "evaluation.every", 1)
	}
}

// term reads the keys common to equations, conditions and data.
func (b *build) term(f map[string]entry, item *yaml.Node, path string, t *Term, needPoints bool) {
	t.Weight = 1
	t.Sampler = SamplerConfig{Type: DefaultSampler}
	if e, ok := f["name"]; ok {
		if name, ok := b.str(e.val, path+".name"); ok {
			t.Name = name
			if !termName.MatchString(name) {
				b.errorf(e.val, "%s.name: %q: use letters, digits, _ and - only", path, name)
			} else if prev, dup := b.termNames[name]; dup {
				b.errorf(e.val, "%s.name: %q is already the name of a term at line %d", path, name, prev.Line)
			} else {
				b.termNames[name] = e.val
			}
		}
	} else {
		b.errorf(item, "%s: name is required", path)
	}
	if e, ok := f["points"]; ok {
		t.Points, _ = b.intOf(e.val, path+".points", 1)
	} else if needPoints {
		b.errorf(item, "%s: points is required (collocation points per step)", path)
	}
	if e, ok := f["sampler"]; ok {
		t.Sampler, _ = b.sampler(e.val, path+".sampler")
	}
	if e, ok := f["resample_every"]; ok {
		t.ResampleEvery, _ = b.intOf(e.val, path+".resample_every", 0)
	}
	if e, ok := f["weight"]; ok {
		t.Weight, _ = b.positive(e.val, path+".weight")
	}
}

func (b *build) sampler(n *yaml.Node, path string) (SamplerConfig, bool) {
	n = deref(n)
	if n != nil && n.Kind == yaml.MappingNode {
		es, _ := b.pairs(n, path)
		var typ string
		for _, e := range es {
			if e.key.Value == "type" {
				var ok bool
				if typ, ok = b.oneOf(e.val, path+".type", keys(samplers)...); !ok {
					return SamplerConfig{}, false
				}
			}
		}
		if typ == "" {
			b.errorf(n, "%s: type is required", path)
			return SamplerConfig{}, false
		}
		c := SamplerConfig{Type: typ}
		for _, e := range es {
			k := e.key.Value
			if k == "type" {
				continue
			}
			known := false
			for _, o := range samplers[typ] {
				known = known || o == k
			}
			if !known {
				if len(samplers[typ]) == 0 {
					b.errorf(e.key, "unknown key %q in %s: sampler %s has no options", k, path, typ)
				} else {
					b.errorf(e.key, "unknown key %q in %s: sampler %s has options %s", k, path, typ, strings.Join(samplers[typ], ", "))
				}
				continue
			}
			if v, ok := b.number(e.val, path+"."+k); ok {
				if c.Options == nil {
					c.Options = map[string]float64{}
				}
				c.Options[k] = v
			}
		}
		return c, true
	}
	typ, ok := b.oneOf(n, path, keys(samplers)...)
	return SamplerConfig{Type: typ}, ok
}

func (b *build) equations(n *yaml.Node) {
	items, _ := b.list(n, "equations")
	for i, it := range items {
		path := fmt.Sprintf("equations.%d", i)
		f := b.fields(it, path, "name", "residual", "points", "sampler", "resample_every", "weight")
		var t Term
		b.term(f, it, path, &t, true)
		idx := len(b.p.Equations)
		if e, ok := f["residual"]; ok {
			if ex, ok := b.parse(e.val, "residual"); ok {
				t.Text = e.val.Value
				b.pending = append(b.pending, pending{node: e.val, e: ex, what: "residual", scope: b.equationScope, residual: true,
					assign: func(r expr.Expr) { b.p.Equations[idx].Residual = r }})
			}
		} else {
			b.errorf(it, "%s: residual is required", path)
		}
		b.p.Equations = append(b.p.Equations, t)
	}
}

func (b *build) conditions(n *yaml.Node) {
	items, _ := b.list(n, "conditions")
	for i, it := range items {
		path := fmt.Sprintf("conditions.%d", i)
		f := b.fields(it, path, "name", "on", "residual", "type", "value", "a", "b", "field",
			"points", "sampler", "resample_every", "weight")
		var c Condition
		b.term(f, it, path, &c.Term, true)
		idx := len(b.p.Conditions)
		b.p.Conditions = append(b.p.Conditions, c)
		cp := &b.p.Conditions[idx]
		if e, ok := f["on"]; ok {
			cp.On, _ = b.parseOn(e.val, path+".on")
		} else {
			b.errorf(it, "%s: on is required (e.g. on: \"x == 0\" or on: boundary)", path)
		}
		re, hasRes := f["residual"]
		te, hasType := f["type"]
		switch {
		case hasRes && hasType:
			b.errorf(te.key, "%s: give either residual or type, not both", path)
		case hasRes:
			for _, k := range []string{"value", "a", "b", "field"} {
				if e, ok := f[k]; ok {
					b.errorf(e.key, "%s: %s applies only with type (dirichlet, neumann, robin, periodic)", path, k)
				}
			}
			if ex, ok := b.parse(re.val, "residual"); ok {
				cp.Text = re.val.Value
				b.pending = append(b.pending, pending{node: re.val, e: ex, what: "residual", scope: b.conditionScope, residual: true,
					assign: func(r expr.Expr) { b.p.Conditions[idx].Residual = r }})
			}
		case hasType:
			b.typedCondition(f, it, path, idx)
		default:
			b.errorf(it, "%s: give a residual or a type (dirichlet, neumann, robin, periodic)", path)
		}
	}
}

func (b *build) typedCondition(f map[string]entry, it *yaml.Node, path string, idx int) {
	cp := &b.p.Conditions[idx]
	typ, ok := b.oneOf(f["type"].val, path+".type", keys(conditionTypes)...)
	if !ok {
		return
	}
	cp.Type = typ
	if e, ok := f["field"]; ok {
		if name, ok := b.str(e.val, path+".field"); ok {
			if b.declKind[name] != "field" {
				b.errorf(e.val, "%s.field: %q is not a field", path, name)
			}
			cp.Field = name
		}
	} else if len(b.p.Fields) == 1 {
		cp.Field = b.p.Fields[0]
	} else if len(b.p.Fields) > 1 {
		b.errorf(it, "%s: field is required when there are several fields (%s)", path, strings.Join(b.p.Fields, ", "))
	}
	want := map[string]bool{"value": typ != "periodic", "a": typ == "robin", "b": typ == "robin"}
	for _, k := range []string{"value", "a", "b"} {
		e, ok := f[k]
		if ok && !want[k] {
			b.errorf(e.key, "%s: a %s condition takes no %s", path, typ, k)
		}
		if !ok && want[k] {
			b.errorf(it, "%s: a %s condition needs %s", path, typ, k)
		}
	}
	if typ == "periodic" {
		b.checkPeriodic(f["on"].val, cp.On, path)
		return
	}
	if cp.Field == "" {
		return
	}
	parts := map[string]expr.Expr{}
	okAll := true
	failed := new(bool)
	for _, k := range []string{"value", "a", "b"} {
		e, ok := f[k]
		if !ok || !want[k] {
			continue
		}
		ex, ok := b.parse(e.val, k)
		if !ok {
			okAll = false
			continue
		}
		parts[k] = ex
		// resolve each part alone first, so errors point into its own text
		b.pending = append(b.pending, pending{node: e.val, e: ex, what: k, scope: b.conditionScope, assign: func(expr.Expr) {}, failed: failed})
	}
	if !okAll || len(parts) != map[string]int{"dirichlet": 1, "neumann": 1, "robin": 3}[typ] {
		return
	}
	cp.Text = f["value"].val.Value
	field := &expr.Ident{P: expr.Pos{Line: 1, Col: 1}, Name: cp.Field}
	var lhs expr.Expr = field
	pos := expr.Pos{Line: 1, Col: 1}
	switch typ {
	case "neumann":
		lhs = &expr.Call{P: pos, Func: "dn", Args: []expr.Expr{field}}
	case "robin":
		lhs = &expr.Binary{P: pos, Op: '+',
			L: &expr.Binary{P: pos, Op: '*', L: parts["a"], R: field},
			R: &expr.Binary{P: pos, Op: '*', L: parts["b"], R: &expr.Call{P: pos, Func: "dn", Args: []expr.Expr{field}}}}
	}
	built := &expr.Binary{P: pos, Op: '-', L: lhs, R: parts["value"]}
	b.pending = append(b.pending, pending{node: f["value"].val, e: built, what: typ + " condition", scope: b.conditionScope,
		assign: func(r expr.Expr) { b.p.Conditions[idx].Residual = r }, quiet: true, failed: failed})
}

func (b *build) model(n *yaml.Node) {
	m := &b.s.Model
	m.Layers, m.Activation = DefaultLayers, DefaultActivation
	f := b.fields(n, "model", "layers", "activation", "output", "normalize", "architecture", "fourier", "separate", "fields", "type", "count", "width", "subdomains", "overlap")
	b.modelType(f)
	if e, ok := f["layers"]; ok {
		if v := deref(e.val); m.Type == "gaussians" && v != nil && v.Kind == yaml.SequenceNode && len(v.Content) == 0 {
			m.Layers = []int{} // the Gaussians alone: a mixture
		} else {
			m.Layers, _ = b.widths(e.val, "model.layers")
		}
	}
	if e, ok := f["activation"]; ok {
		m.Activation, _ = b.oneOf(e.val, "model.activation", keys(activations)...)
	}
	b.fieldNets(f)
	b.convergenceModel(f)
	if e, ok := f["normalize"]; ok {
		norm, _ := b.boolean(e.val, "model.normalize")
		m.NoNormalize = !norm
	}
	e, ok := f["output"]
	if !ok {
		return
	}
	m.Output = map[string]expr.Expr{}
	if v := e.val; v != nil && v.Kind == yaml.MappingNode {
		es, _ := b.pairs(v, "model.output")
		m.OutputSource = map[string]string{}
		for _, x := range es {
			name := x.key.Value
			if b.declKind[name] != "field" {
				b.errorf(x.key, "model.output: %q is not a field", name)
				continue
			}
			if ex, ok := b.parse(x.val, "model.output."+name); ok {
				m.OutputSource[name] = x.val.Value
				b.pending = append(b.pending, pending{node: x.val, e: ex, what: "model.output." + name, scope: b.outputScope,
					assign: func(r expr.Expr) { m.Output[name] = r }})
			}
		}
		return
	}
	if len(b.p.Fields) > 1 {
		b.errorf(e.val, "model.output: with several fields give a map field -> expression in N_<field> (e.g. {u: \"x*N_u\"})")
		return
	}
	if ex, ok := b.parse(e.val, "model.output"); ok && len(b.p.Fields) == 1 {
		m.OutputText = e.val.Value
		b.pending = append(b.pending, pending{node: e.val, e: ex, what: "model.output", scope: b.outputScope,
			assign: func(r expr.Expr) { m.Output[b.p.Fields[0]] = r }})
	}
}

// modelType reads model.type (mlp | gaussians) and model.count; with
// gaussians the layers default to DefaultGaussianLayers and may be empty
// (the Gaussian mixture itself).
func (b *build) modelType(f map[string]entry) {
	m := &b.s.Model
	m.Type = DefaultModelType
	if e, ok := f["type"]; ok {
		m.Type, _ = b.oneOf(e.val, "model.type", "mlp", "gaussians", "fbpinn")
	}
	b.fbpinn(f)
	e, ok := f["count"]
	w, hasWidth := f["width"]
	if m.Type != "gaussians" {
		if ok {
			b.errorf(e.key, "model.count: the number of Gaussians, for model.type gaussians only")
		}
		if hasWidth {
			b.errorf(w.key, "model.width: the Gaussians' initial width, for model.type gaussians only")
		}
		return
	}
	m.Layers, m.Count, m.Width = DefaultGaussianLayers, DefaultGaussians, DefaultGaussianWidth
	if ok {
		m.Count, _ = b.intOf(e.val, "model.count", 1)
	}
	if hasWidth {
		if v, ok := b.positive(w.val, "model.width"); ok {
			m.Width = v
		}
	}
	b.plainOnly(f, "gaussians (the Gaussians are the input embedding)")
	if x, ok := f["separate"]; ok && deref(x.val).Value == "true" {
		b.errorf(x.key, "model.separate: not with model.type gaussians yet (one mixture with an output per field)")
	}
}

// plainOnly refuses model.fourier and architecture modified for a model
// type that has its own input embedding or networks (typ says which, and
// why).
func (b *build) plainOnly(f map[string]entry, typ string) {
	for _, k := range []string{"fourier", "architecture"} {
		if x, ok := f[k]; ok && (k == "fourier" || deref(x.val).Value == "modified") {
			b.errorf(x.key, "model.%s: not with model.type %s", k, typ)
		}
	}
}

// fbpinn reads model.subdomains and model.overlap (model.type fbpinn
// only).
func (b *build) fbpinn(f map[string]entry) {
	m := &b.s.Model
	sd, hasSD := f["subdomains"]
	ov, hasOv := f["overlap"]
	if m.Type != "fbpinn" {
		if hasSD {
			b.errorf(sd.key, "model.subdomains: for model.type fbpinn only")
		}
		if hasOv {
			b.errorf(ov.key, "model.overlap: for model.type fbpinn only")
		}
		return
	}
	m.Overlap = DefaultOverlap
	if !hasSD {
		b.errorf(f["type"].val, "model.type fbpinn needs model.subdomains: the number of subdomains along each input (one per variable, e.g. [8, 2], or one number for all)")
	} else if v := deref(sd.val); v != nil && v.Kind == yaml.ScalarNode {
		if k, ok := b.intOf(v, "model.subdomains", 1); ok {
			m.Subdomains = []int{k}
		}
	} else {
		m.Subdomains, _ = b.widths(sd.val, "model.subdomains")
	}
	if n := len(b.p.Variables); b.p.Vector == nil && n > 0 && len(m.Subdomains) > 1 && len(m.Subdomains) != n {
		b.errorf(sd.val, "model.subdomains: %d entries for %d variables (give one per variable, in order, or one number for all)", len(m.Subdomains), n)
	}
	total := 1
	for _, k := range m.Subdomains {
		total *= k
		if total > MaxSubdomains {
			b.errorf(sd.val, "model.subdomains: more than %d subdomains (each has a network evaluated at every point)", MaxSubdomains)
			break
		}
	}
	if hasOv {
		if v, ok := b.positive(ov.val, "model.overlap"); ok {
			if v > 1 {
				b.errorf(ov.val, "model.overlap: want a fraction of the tile width in (0, 1], got %g", v)
			}
			m.Overlap = v
		}
	}
	b.plainOnly(f, "fbpinn (each subdomain's network is a plain MLP)")
	if x, ok := f["normalize"]; ok && deref(x.val).Value == "false" {
		b.errorf(x.key, "model.normalize: model.type fbpinn tiles the normalised inputs [-1, 1]^n: keep normalize true")
	}
}

// spaceDims is the number of space coordinates (a vector variable's
// dimension, or the variables other than time).
func (b *build) spaceDims() int {
	if v := b.p.Vector; v != nil {
		return v.Dim
	}
	n := 0
	for _, v := range b.p.Variables {
		if !v.IsTime() {
			n++
		}
	}
	return n
}

func (b *build) derivatives(n *yaml.Node) {
	d := &b.s.Derivatives
	d.Method, d.Samples, d.Estimator = DefaultMethod, DefaultSamples, DefaultEstimator
	f := b.fields(n, "derivatives", "method", "samples", "estimator")
	if e, ok := f["method"]; ok {
		d.Method, _ = b.oneOf(e.val, "derivatives.method", "taylor", "stde")
	}
	// options of a method not selected are ignored, not errors
	opts := &loader{file: b.file, origin: b.origin}
	if d.Method == "stde" {
		opts = b.loader
	}
	if e, ok := f["samples"]; ok {
		if v, ok := opts.intOf(e.val, "derivatives.samples", 1); ok {
			d.Samples = v
		}
	}
	if e, ok := f["estimator"]; ok {
		if v, ok := opts.oneOf(e.val, "derivatives.estimator", "sparse", "rademacher", "gaussian"); ok {
			d.Estimator = v
		}
	}
}

func (b *build) stage(f map[string]entry, path string, st *Stage, defOpt string) {
	st.Optimizer = defOpt
	if e, ok := f["optimizer"]; ok {
		if v, ok := b.oneOf(e.val, join(path, "optimizer"), optim.Names()...); ok {
			st.Optimizer = v
		}
	}
	st.LR = DefaultLR(st.Optimizer)
	if e, ok := f["lr"]; ok {
		st.LR, _ = b.positive(e.val, join(path, "lr"))
	}
	if e, ok := f["steps"]; ok {
		st.Steps, _ = b.intOf(e.val, join(path, "steps"), 0)
	}
	st.Schedule = Schedule{Type: "constant"}
	e, ok := f["schedule"]
	if !ok {
		return
	}
	sp := join(path, "schedule")
	if v := e.val; v != nil && v.Kind == yaml.ScalarNode {
		st.Schedule.Type, _ = b.oneOf(v, sp, keys(schedules)...)
	} else {
		sf := b.fields(v, sp, "type", "rate", "every", "staircase")
		if te, ok := sf["type"]; ok {
			st.Schedule.Type, _ = b.oneOf(te.val, sp+".type", keys(schedules)...)
		} else {
			b.errorf(v, "%s: type is required (%s)", sp, strings.Join(keys(schedules), ", "))
		}
		if st.Schedule.Type != "exponential" {
			for _, k := range []string{"rate", "every", "staircase"} {
				if x, ok := sf[k]; ok {
					b.errorf(x.key, "%s: %s applies only to an exponential schedule", sp, k)
				}
			}
		}
		if x, ok := sf["rate"]; ok {
			st.Schedule.Rate, _ = b.positive(x.val, sp+".rate")
		}
		if x, ok := sf["every"]; ok {
			st.Schedule.Every, _ = b.intOf(x.val, sp+".every", 1)
		}
		if x, ok := sf["staircase"]; ok {
			st.Schedule.Staircase, _ = b.boolean(x.val, sp+".staircase")
		}
	}
	if st.Schedule.Type == "exponential" {
		if st.Schedule.Rate == 0 {
			st.Schedule.Rate = DefaultScheduleRate
		}
		if st.Schedule.Every == 0 {
			st.Schedule.Every = DefaultScheduleEvery
		}
	}
}

func (b *build) training(n *yaml.Node) {
	t := &b.s.Training
	t.Steps, t.CheckpointEvery = DefaultSteps, DefaultCheckpointEvery
	f := b.fields(n, "training", "steps", "optimizer", "lr", "schedule", "init_from", "then", "rounds", "checkpoint_every", "balance", "causal")
	b.convergenceTraining(f)
	steps := t.Steps
	b.stage(f, "training", &t.Stage, DefaultOptimizer)
	if _, ok := f["steps"]; !ok {
		t.Steps = steps
	}
	if e, ok := f["init_from"]; ok {
		t.InitFrom, _ = b.str(e.val, "training.init_from")
	}
	if e, ok := f["checkpoint_every"]; ok {
		t.CheckpointEvery, _ = b.intOf(e.val, "training.checkpoint_every", 0)
	}
	if e, ok := f["then"]; ok {
		t.Then = b.thenStage(e.val, "training.then")
	}
	if e, ok := f["rounds"]; ok {
		rf := b.fields(e.val, "training.rounds", "count", "optimizer", "steps", "lr", "schedule", "then")
		r := &Rounds{}
		t.Rounds = r
		if c, ok := rf["count"]; ok {
			r.Count, _ = b.intOf(c.val, "training.rounds.count", 1)
		} else {
			b.errorf(e.val, "training.rounds: count is required")
		}
		b.stage(rf, "training.rounds", &r.Stage, DefaultOptimizer)
		if _, ok := rf["steps"]; !ok {
			b.errorf(e.val, "training.rounds: steps is required")
		}
		if _, ok := rf["lr"]; !ok && r.Optimizer == t.Optimizer {
			r.LR = t.LR // the round's stage continues the first stage
		}
		if te, ok := rf["then"]; ok {
			r.Then = b.thenStage(te.val, "training.rounds.then")
		}
	}
}

// thenStage reads a follow-up stage (training.then, training.rounds.then):
// optimizer (default lbfgs), steps (required), lr, schedule.
func (b *build) thenStage(n *yaml.Node, path string) *Stage {
	tf := b.fields(n, path, "optimizer", "steps", "lr", "schedule")
	st := &Stage{}
	b.stage(tf, path, st, DefaultThenOptimizer)
	if _, ok := tf["steps"]; !ok {
		b.errorf(n, "%s: steps is required", path)
	}
	return st
}

// observedFields reads data.<i>.fields: a list of declared fields, each once.
func (b *build) observedFields(n *yaml.Node, path string) []string {
	names := b.nameList(n, path)
	if len(names) == 0 {
		if dn := deref(n); dn != nil && dn.Kind == yaml.SequenceNode && len(dn.Content) == 0 {
			b.errorf(n, "%s: want at least one field", path)
		}
		return nil
	}
	seen := map[string]bool{}
	for i, nm := range names {
		at := deref(n).Content[i]
		switch {
		case b.declKind[nm] != "field":
			b.errorf(at, "%s: %q is not a field (fields: %s)", path, nm, joinNames(b.p.Fields))
			return nil
		case seen[nm]:
			b.errorf(at, "%s: %q appears twice", path, nm)
			return nil
		}
		seen[nm] = true
	}
	return names
}

// dataSrc is a data entry waiting to be read.
type dataSrc struct {
	idx    int
	name   string
	file   *yaml.Node
	points *yaml.Node
	noise  float64
	// noiseModel: relative (v*(1 + noise*z)), absolute (v + noise*z, from
	// noise: {sigma: s}) or mean (v + noise*mean|v|*z)
	noiseModel string
	weight     float64
	item       *yaml.Node
	// fields, if given (data.<i>.fields), are the observed fields: of a
	// synthetic set, the fields whose exact values are drawn; of a file,
	// the field columns used (others are ignored)
	fields     []string
	fieldsNode *yaml.Node
}

func (b *build) dataSets(n *yaml.Node) {
	items, _ := b.list(n, "data")
	for i, it := range items {
		path := fmt.Sprintf("data.%d", i)
		f := b.fields(it, path, "name", "file", "points", "fields", "noise", "noise_model", "weight")
		tf := map[string]entry{}
		for k, v := range f {
			if k != "points" && k != "fields" { // not collocation points: read below
				tf[k] = v
			}
		}
		var t Term
		b.term(tf, it, path, &t, false)
		d := dataSrc{idx: i, name: t.Name, weight: t.Weight, item: it}
		if e, ok := f["fields"]; ok {
			d.fields, d.fieldsNode = b.observedFields(e.val, path+".fields"), e.val
		}
		fe, hasFile := f["file"]
		pe, hasPoints := f["points"]
		switch {
		case hasFile && hasPoints:
			b.errorf(pe.key, "%s: give either file or points, not both", path)
		case hasFile:
			if _, ok := b.str(fe.val, path+".file"); ok {
				d.file = fe.val
			}
			for _, k := range []string{"noise", "noise_model"} {
				if ne, ok := f[k]; ok {
					b.errorf(ne.key, "%s: %s applies only to synthetic data (points)", path, k)
				}
			}
		case hasPoints:
			d.points = pe.val
			b.noiseSpec(f, path, &d)
		default:
			b.errorf(it, "%s: give a file (CSV) or points (synthetic data from evaluation.exact)", path)
		}
		b.data = append(b.data, d)
	}
}
