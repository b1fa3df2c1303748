package sweep

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gopinn/gopinn/pde"
	"go.yaml.in/yaml/v3"
)

// MaxBytes bounds a sweep file (it is a list of overrides, not data).
const MaxBytes = 1 << 20

// MaxRuns bounds the number of runs one sweep file may expand to.
const MaxRuns = 1_000_000

// Sweep is a loaded sweep file.
type Sweep struct {
	File string // the sweep file as given
	// Specs are the specs the sweep trains (spec: one file or a list),
	// the slowest-varying axis: every grid point × zip row × seed of the
	// first, then of the next.
	Specs []SpecFile
	// Out is the sweep's directory (out:, relative to the working
	// directory like a spec's output.dir); default
	// results/sweeps/<file name without .yaml>.
	Out  string
	Grid []Axis // crossed, first axis slowest
	Zip  []Axis // varied together, one row at a time
	// Seeds are the seeds of every grid point × zip row; nil: one run
	// with the spec's own seed (SpecFile.Seed).
	Seeds []uint64
	// MaxSteps, when > 0, cuts every run after this many optimizer steps
	// (pinntrain sweep --steps: a smoke test); a run stopped there counts
	// as done, for skipping and for the tables.
	MaxSteps int
}

// SpecFile is one spec of a sweep.
type SpecFile struct {
	Name string // as written in the sweep file: the spec column's value
	Path string // resolved against the sweep file's directory
	Seed uint64 // the spec's own seed
}

// SpecColumn is the column (and override path) naming a run's spec when a
// sweep has several; a spec has no top-level key spec, so no override
// path is shadowed.
const SpecColumn = "spec"

// Axis is one override path with its values (YAML text, as --set takes).
type Axis struct {
	Path   string
	Values []string
}

// Override is one --set override of a run.
type Override struct{ Path, Value string }

// Run is one training of the sweep.
type Run struct {
	Index int
	Point int    // spec × grid point × zip row: the table row the run belongs to
	Spec  string // the spec file it trains (SpecFile.Path)
	Seed  uint64
	// Overrides are the table row's: the spec's name first when the sweep
	// has several specs (path SpecColumn), then grid, then zip, in file
	// order (the seed is separate).
	Overrides []Override
}

// Sets returns the run's overrides as --set arguments, seed included
// (the spec column is not an override).
func (r Run) Sets() []string {
	out := make([]string, 0, len(r.Overrides)+1)
	for _, o := range r.Overrides {
		if o.Path == SpecColumn || o.Path == "seed" {
			continue // not an override; the seed is appended
		}
		out = append(out, o.Path+"="+o.Value)
	}
	return append(out, "seed="+strconv.FormatUint(r.Seed, 10))
}

// Error is a sweep-file error at a position: file:line:col: message.
type Error = pde.SpecError

// Load reads and checks a sweep file: its keys, its spec (which must load
// with every single override of the file), and the size of the expansion.
// Errors are *Error (or pde.Errors of them) naming file:line:col.
func Load(path string) (*Sweep, error) {
	data, err := readBounded(path)
	if err != nil {
		return nil, err
	}
	return parse(path, data)
}

// readBounded reads a regular file of at most MaxBytes.
func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &Error{File: path, Msg: fmt.Sprintf("cannot read: %v", err)}
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && !st.Mode().IsRegular() {
		return nil, &Error{File: path, Msg: "not a regular file"}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxBytes+1))
	if err != nil {
		return nil, &Error{File: path, Msg: fmt.Sprintf("cannot read: %v", err)}
	}
	if len(data) > MaxBytes {
		return nil, &Error{File: path, Msg: fmt.Sprintf("larger than %d bytes (a sweep file lists overrides)", MaxBytes)}
	}
	return data, nil
}

// IsSweepFile reports whether path holds a sweep file rather than a spec:
// a YAML mapping with a spec: key (specs have none). Unreadable or
// malformed files are not sweep files; loading them reports why.
func IsSweepFile(path string) bool {
	data, err := readBounded(path)
	if err != nil {
		return false
	}
	var top map[string]yaml.Node
	if yaml.Unmarshal(data, &top) != nil {
		return false
	}
	_, ok := top["spec"]
	return ok
}

type parser struct {
	file string
	errs pde.Errors
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	e := &Error{File: p.file, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Col = n.Line, n.Column
	}
	p.errs = append(p.errs, e)
}

func (p *parser) err() error {
	if len(p.errs) == 0 {
		return nil
	}
	return p.errs
}

// mapping returns the key/value pairs of a mapping node, refusing
// duplicates.
func (p *parser) mapping(n *yaml.Node, what string) ([][2]*yaml.Node, bool) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s: want a mapping", what)
		return nil, false
	}
	seen := map[string]bool{}
	var out [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			p.errorf(k, "%s: key %q appears twice", what, k.Value)
			return nil, false
		}
		seen[k.Value] = true
		out = append(out, [2]*yaml.Node{k, v})
	}
	return out, true
}

func parse(path string, data []byte) (*Sweep, error) {
	p := &parser{file: path}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		e := &Error{File: path, Msg: "not valid YAML: " + msg}
		if l, ok := yamlLine(msg); ok {
			e.Line = l
		}
		return nil, e
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, &Error{File: path, Msg: "empty sweep file (want spec:, grid:, zip:, seeds:, out:)"}
	}
	root := doc.Content[0]
	pairs, ok := p.mapping(root, "sweep")
	if !ok {
		return nil, p.err()
	}
	sw := &Sweep{File: path}
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	sw.Out = filepath.Join("results", "sweeps", base)
	var specNode, gridNode, zipNode, seedsNode *yaml.Node
	for _, kv := range pairs {
		k, v := kv[0], kv[1]
		switch k.Value {
		case "spec":
			specNode = v
		case "grid":
			gridNode = v
		case "zip":
			zipNode = v
		case "seeds":
			seedsNode = v
		case "out":
			if v.Kind != yaml.ScalarNode || v.Tag != "!!str" || v.Value == "" {
				p.errorf(v, "out: want a directory name")
			} else {
				sw.Out = v.Value
			}
		default:
			p.errorf(k, "unknown key %q (want spec, grid, zip, seeds, out)", k.Value)
		}
	}
	specNodes := p.specs(specNode, root, sw)
	gridNodes := p.axes(gridNode, "grid", &sw.Grid)
	zipNodes := p.axes(zipNode, "zip", &sw.Zip)
	if len(sw.Zip) > 1 {
		n := len(sw.Zip[0].Values)
		for i, a := range sw.Zip[1:] {
			if len(a.Values) != n {
				p.errorf(zipNodes[i+1].key, "zip: %s has %d values, %s has %d (zipped lists vary together: give them one length)", a.Path, len(a.Values), sw.Zip[0].Path, n)
			}
		}
	}
	for i, a := range sw.Grid {
		if a.Path == SpecColumn {
			p.errorf(gridNodes[i].key, "grid: spec is not an override path (list the spec files in spec:)")
		}
	}
	for i, a := range sw.Zip {
		if a.Path == SpecColumn {
			p.errorf(zipNodes[i].key, "zip: spec is not an override path (list the spec files in spec:)")
		}
	}
	inGrid := map[string]bool{}
	for _, a := range sw.Grid {
		inGrid[a.Path] = true
	}
	for i, a := range sw.Zip {
		if inGrid[a.Path] {
			p.errorf(zipNodes[i].key, "zip: %s is also in grid (give a path once)", a.Path)
		}
	}
	if seedsNode != nil {
		sw.Seeds = p.seeds(seedsNode)
		for i, a := range append(append([]Axis(nil), sw.Grid...), sw.Zip...) {
			if a.Path == "seed" {
				nodes := append(append([]axisNodes(nil), gridNodes...), zipNodes...)
				p.errorf(nodes[i].key, "%s: seed is varied by seeds: (give it there)", a.Path)
			}
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	if n := sw.count(); n > MaxRuns {
		return nil, &Error{File: path, Line: root.Line, Col: root.Column, Msg: fmt.Sprintf("the sweep expands to %d runs (at most %d)", n, MaxRuns)}
	}
	// Every spec must load, alone and with each override of the file.
	for i := range sw.Specs {
		sf := &sw.Specs[i]
		spec, err := pde.Load(sf.Path, nil)
		if err != nil {
			p.errorf(specNodes[i], "spec: %v", firstLine(err))
			continue
		}
		sf.Seed = spec.Seed
		check := func(axes []Axis, nodes []axisNodes, what string) {
			for i, a := range axes {
				for j, v := range a.Values {
					flag := a.Path + "=" + v
					if _, err := pde.Load(sf.Path, []string{flag}); err != nil {
						msg := strings.TrimPrefix(firstLine(err), "--set "+flag+": ")
						if len(sw.Specs) > 1 {
							msg = sf.Name + ": " + msg
						}
						p.errorf(nodes[i].values[j], "%s: %s: %s", what, a.Path, msg)
					}
				}
			}
		}
		check(sw.Grid, gridNodes, "grid")
		check(sw.Zip, zipNodes, "zip")
	}
	return sw, p.err()
}

// specs reads spec:, one file name or a list of them, relative to the
// sweep file, into sw.Specs; it returns their nodes, for errors.
func (p *parser) specs(n, root *yaml.Node, sw *Sweep) []*yaml.Node {
	if n == nil {
		p.errorf(root, "spec: required (the spec file to sweep, or a list of them, relative to this file)")
		return nil
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		if len(n.Content) == 0 {
			p.errorf(n, "spec: empty list (give at least one spec file)")
			return nil
		}
		items = n.Content
	}
	seen := map[string]bool{}
	var nodes []*yaml.Node
	for _, e := range items {
		if e.Kind != yaml.ScalarNode || e.Tag != "!!str" || e.Value == "" {
			p.errorf(e, "spec: want a file name or a list of file names")
			continue
		}
		if seen[e.Value] {
			p.errorf(e, "spec: %s appears twice", e.Value)
			continue
		}
		seen[e.Value] = true
		path := e.Value
		if !filepath.IsAbs(path) {
			path = filepath.Join(filepath.Dir(p.file), path)
		}
		sw.Specs = append(sw.Specs, SpecFile{Name: e.Value, Path: path})
		nodes = append(nodes, e)
	}
	return nodes
}

// axisNodes are the positions of an axis, for errors.
type axisNodes struct {
	key    *yaml.Node
	values []*yaml.Node
}

// axes reads grid: or zip:, a mapping of override paths to lists of values.
func (p *parser) axes(n *yaml.Node, what string, out *[]Axis) []axisNodes {
	if n == nil {
		return nil
	}
	pairs, ok := p.mapping(n, what)
	if !ok {
		return nil
	}
	if len(pairs) == 0 {
		p.errorf(n, "%s: empty (give override paths with lists of values, e.g. training.lr: [1.0e-3, 3.0e-3])", what)
		return nil
	}
	var nodes []axisNodes
	for _, kv := range pairs {
		k, v := kv[0], kv[1]
		if v.Kind == yaml.AliasNode {
			v = v.Alias
		}
		if !validPath(k.Value) {
			p.errorf(k, "%s: %q is not an override path (want key.path like model.layers or equations.0.points)", what, k.Value)
			continue
		}
		if v.Kind != yaml.SequenceNode {
			p.errorf(v, "%s: %s: want a list of values", what, k.Value)
			continue
		}
		if len(v.Content) == 0 {
			p.errorf(v, "%s: %s: empty list (give at least one value)", what, k.Value)
			continue
		}
		a := Axis{Path: k.Value}
		an := axisNodes{key: k}
		for _, e := range v.Content {
			text, err := valueText(e)
			if err != nil {
				p.errorf(e, "%s: %s: %v", what, k.Value, err)
				continue
			}
			a.Values = append(a.Values, text)
			an.values = append(an.values, e)
		}
		*out = append(*out, a)
		nodes = append(nodes, an)
	}
	return nodes
}

// seeds reads seeds: a list of non-negative integers or {from: a, count: n}.
func (p *parser) seeds(n *yaml.Node) []uint64 {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	u := func(e *yaml.Node, what string) (uint64, bool) {
		if e.Kind != yaml.ScalarNode || e.Tag != "!!int" {
			p.errorf(e, "%s: want a non-negative integer, got %q", what, e.Value)
			return 0, false
		}
		v, err := strconv.ParseUint(e.Value, 0, 64)
		if err != nil {
			p.errorf(e, "%s: want a non-negative integer, got %q", what, e.Value)
			return 0, false
		}
		return v, true
	}
	switch n.Kind {
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			p.errorf(n, "seeds: empty list (give at least one seed)")
			return nil
		}
		seen := map[uint64]bool{}
		var out []uint64
		for _, e := range n.Content {
			if v, ok := u(e, "seeds"); ok {
				if seen[v] {
					p.errorf(e, "seeds: %d appears twice", v)
				}
				seen[v] = true
				out = append(out, v)
			}
		}
		return out
	case yaml.MappingNode:
		pairs, ok := p.mapping(n, "seeds")
		if !ok {
			return nil
		}
		var from, count uint64
		var hasCount bool
		for _, kv := range pairs {
			switch kv[0].Value {
			case "from":
				from, _ = u(kv[1], "seeds.from")
			case "count":
				if count, hasCount = u(kv[1], "seeds.count"); hasCount && (count == 0 || count > MaxRuns) {
					p.errorf(kv[1], "seeds.count: want 1 to %d, got %d", MaxRuns, count)
					return nil
				}
			default:
				p.errorf(kv[0], "seeds: unknown key %q (want from, count)", kv[0].Value)
			}
		}
		if !hasCount {
			p.errorf(n, "seeds: count is required ({from: 0, count: 5})")
			return nil
		}
		out := make([]uint64, count)
		for i := range out {
			out[i] = from + uint64(i)
		}
		return out
	}
	p.errorf(n, "seeds: want a list of seeds or {from: 0, count: 5}")
	return nil
}

// count is the number of runs without building them.
func (s *Sweep) count() int {
	n := s.points()
	if s.Seeds != nil {
		if len(s.Seeds) > 0 && n > MaxRuns/len(s.Seeds)+1 {
			return MaxRuns + 1
		}
		n *= len(s.Seeds)
	}
	return n
}

// points is the number of specs × grid points × zip rows (table rows).
func (s *Sweep) points() int {
	n := max(1, len(s.Specs))
	for _, a := range s.Grid {
		if n > MaxRuns/len(a.Values)+1 {
			return MaxRuns + 1
		}
		n *= len(a.Values)
	}
	if len(s.Zip) > 0 {
		n *= len(s.Zip[0].Values)
	}
	return n
}

// Count is the number of runs.
func (s *Sweep) Count() int { return s.count() }

// Points returns the overrides of every table row (spec × grid point ×
// zip row), in run order, with the spec's name first (path SpecColumn)
// when the sweep has several specs.
func (s *Sweep) Points() [][]Override {
	np := s.points()
	per := np / max(1, len(s.Specs)) // grid points × zip rows of one spec
	nz := 1
	if len(s.Zip) > 0 {
		nz = len(s.Zip[0].Values)
	}
	out := make([][]Override, np)
	for pt := range out {
		var ov []Override
		if len(s.Specs) > 1 {
			ov = append(ov, Override{SpecColumn, s.Specs[pt/per].Name})
		}
		g, z := (pt%per)/nz, pt%nz
		// grid index g in mixed radix, the last axis fastest
		idx := make([]int, len(s.Grid))
		for i := len(s.Grid) - 1; i >= 0; i-- {
			n := len(s.Grid[i].Values)
			idx[i] = g % n
			g /= n
		}
		for i, a := range s.Grid {
			ov = append(ov, Override{a.Path, a.Values[idx[i]]})
		}
		for _, a := range s.Zip {
			ov = append(ov, Override{a.Path, a.Values[z]})
		}
		out[pt] = ov
	}
	return out
}

// Runs returns every run in index order: specs × grid points × zip rows ×
// seeds, seeds innermost.
func (s *Sweep) Runs() []Run {
	points := s.Points()
	per := len(points) / max(1, len(s.Specs))
	var runs []Run
	for pt, ov := range points {
		sf := s.Specs[pt/per]
		seeds := s.Seeds
		if seeds == nil {
			seeds = []uint64{sf.Seed}
			// seed varied in grid or zip (allowed without seeds:)
			for _, o := range ov {
				if o.Path == "seed" {
					if v, err := strconv.ParseUint(o.Value, 10, 64); err == nil {
						seeds[0] = v
					}
				}
			}
		}
		for _, seed := range seeds {
			runs = append(runs, Run{Index: len(runs), Point: pt, Spec: sf.Path, Seed: seed, Overrides: ov})
		}
	}
	return runs
}

// Paths lists the columns of sweep.csv and of the tables before the
// figures: the spec (with several), then the override paths, grid then zip.
func (s *Sweep) Paths() []string {
	var out []string
	if len(s.Specs) > 1 {
		out = append(out, SpecColumn)
	}
	for _, a := range append(append([]Axis(nil), s.Grid...), s.Zip...) {
		out = append(out, a.Path)
	}
	return out
}

func validPath(s string) bool {
	if s == "" {
		return false
	}
	for _, seg := range strings.Split(s, ".") {
		if seg == "" || strings.ContainsAny(seg, " =\t") {
			return false
		}
	}
	return true
}

// valueText writes a value node as the YAML text --set takes, in flow
// style on one line.
func valueText(n *yaml.Node) (string, error) {
	c := *n
	setFlow(&c)
	b, err := yaml.Marshal(&c)
	if err != nil {
		return "", err
	}
	s := strings.TrimSpace(string(b))
	if strings.Contains(s, "\n") {
		return "", fmt.Errorf("a value must fit on one line")
	}
	return s, nil
}

func setFlow(n *yaml.Node) {
	if n.Kind == yaml.SequenceNode || n.Kind == yaml.MappingNode {
		n.Style = yaml.FlowStyle
	}
	n.HeadComment, n.LineComment, n.FootComment = "", "", ""
	for i, c := range n.Content {
		cc := *c
		setFlow(&cc)
		n.Content[i] = &cc
	}
}

func firstLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// yamlLine finds "line N" in a YAML parser message.
func yamlLine(msg string) (int, bool) {
	i := strings.Index(msg, "line ")
	if i < 0 {
		return 0, false
	}
	j := i + 5
	for j < len(msg) && msg[j] >= '0' && msg[j] <= '9' {
		j++
	}
	n, err := strconv.Atoi(msg[i+5 : j])
	return n, err == nil
}
