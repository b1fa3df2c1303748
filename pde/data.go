package pde

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/gopinn/gopinn/pde/expr"
)

// maxSyntheticRows bounds the grid of a synthetic data set.
const maxSyntheticRows = 1_000_000

// NormalVector returns the vector constant {normal: n, seed: seed}: n draws
// of a standard normal from a PCG generator seeded (seed, 0), in order.
func NormalVector(n int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 0))
	v := make([]float64, n)
	for i := range v {
		v[i] = r.NormFloat64()
	}
	return v
}

// dataPath is where a data file named in the spec lies.
func (l *loader) dataPath(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(l.dir, p)
}

// readData reads the CSV files and makes the synthetic data sets, after the
// expressions are resolved (synthetic values come from evaluation.exact).
func (b *build) readData() {
	for _, d := range b.data {
		ds := DataSet{Name: d.name, Weight: d.weight}
		what := fmt.Sprintf("data %q", d.name)
		var err error
		switch {
		case d.file != nil:
			ds.File = b.dataPath(d.file.Value)
			err = b.readCSV(&ds, d.file.Value, false)
			if err != nil {
				b.errorf(d.file, "%s: %v", what, err)
				continue
			}
			if d.fields != nil && !b.keepFields(&ds, d, what) {
				continue
			}
		case d.points != nil:
			if !b.synthetic(&ds, d, what) {
				continue
			}
		default:
			continue
		}
		b.p.Data = append(b.p.Data, ds)
	}
	if b.reference != nil {
		ds := &DataSet{Name: "reference", File: b.dataPath(b.reference.Value)}
		if err := b.readCSV(ds, b.reference.Value, true); err != nil {
			b.errorf(b.reference, "evaluation.reference: %v", err)
		} else {
			b.p.Reference = ds
		}
	}
}

// inputColumns are the input columns of data and reference files: the
// variables, and for a vector variable x of dimension D its coordinates
// x[1]..x[D] (CoordinateName) in place of the reporting |x|.
func (b *build) inputColumns() []string {
	var out []string
	if v := b.p.Vector; v != nil {
		for k := 1; k <= v.Dim; k++ {
			out = append(out, CoordinateName(v.Name, k))
		}
	}
	for _, v := range b.p.Variables {
		if v.Name != RadialName {
			out = append(out, v.Name)
		}
	}
	return out
}

// MaxDataBytes bounds the size of a data or reference CSV file; it must be
// a regular file, so an endless stream (/dev/zero, a FIFO) is an error
// instead of a process that grows without end.
const MaxDataBytes = 1 << 30

// readCSV reads ds.File: a header of variable and field names, then rows of
// numbers. Every variable must have a column, and at least one field.
// Errors name the file as written in the spec (shown), and the line.
func (b *build) readCSV(ds *DataSet, shown string, reference bool) error {
	f, err := os.Open(ds.File)
	if err != nil {
		return fmt.Errorf("open %s: %s", shown, fsMessage(err))
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil {
		return fmt.Errorf("open %s: %s", shown, fsMessage(err))
	} else if !st.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file", shown)
	} else if st.Size() > MaxDataBytes {
		return fmt.Errorf("%s: %d MiB, more than the %d MiB a data file may hold (MaxDataBytes)", shown, st.Size()>>20, MaxDataBytes>>20)
	}
	r := csv.NewReader(f)
	r.Comment = '#'
	r.TrimLeadingSpace = true
	r.ReuseRecord = true
	header, err := r.Read()
	if err == io.EOF {
		return fmt.Errorf("%s: empty file (want a header of variable and field names)", shown)
	}
	if err != nil {
		return csvError(shown, err)
	}
	inputs := b.inputColumns()
	isInput := make(map[string]bool, len(inputs))
	for _, v := range inputs {
		isInput[v] = true
	}
	inputList := strings.Join(inputs, ", ")
	if v := b.p.Vector; v != nil {
		inputList = fmt.Sprintf("%s..%s", CoordinateName(v.Name, 1), CoordinateName(v.Name, v.Dim))
		if len(inputs) > v.Dim {
			inputList += ", " + strings.Join(inputs[v.Dim:], ", ")
		}
	}
	cols := make([]string, len(header))
	isVar := make([]bool, len(header))
	ds.Inputs, ds.Targets = map[string][]float64{}, map[string][]float64{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff")
		}
		cols[i] = h
		switch {
		case isInput[h]:
			isVar[i] = true
		case b.declKind[h] == "field":
		default:
			return fmt.Errorf("%s: unknown column %q (columns are variables %s and fields %s)", shown, h,
				inputList, strings.Join(b.p.Fields, ", "))
		}
		if _, dup := ds.Inputs[h]; dup {
			return fmt.Errorf("%s: column %q appears twice", shown, h)
		}
		if _, dup := ds.Targets[h]; dup {
			return fmt.Errorf("%s: column %q appears twice", shown, h)
		}
		if isVar[i] {
			ds.Inputs[h] = nil
		} else {
			ds.Targets[h] = nil
		}
	}
	for _, v := range inputs {
		if _, ok := ds.Inputs[v]; !ok {
			return fmt.Errorf("%s: no column for variable %q", shown, v)
		}
	}
	if len(ds.Targets) == 0 {
		return fmt.Errorf("%s: no field column (fields: %s)", shown, strings.Join(b.p.Fields, ", "))
	}
	var lines []int // the file's line of each row, for warnings
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return csvError(shown, err)
		}
		line, _ := r.FieldPos(0)
		lines = append(lines, line)
		for i, s := range rec {
			s = strings.TrimSpace(s)
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%s:%d: column %q: %q is not a finite number", shown, line, cols[i], s)
			}
			if isVar[i] {
				ds.Inputs[cols[i]] = append(ds.Inputs[cols[i]], v)
			} else {
				ds.Targets[cols[i]] = append(ds.Targets[cols[i]], v)
			}
		}
	}
	if ds.Len() == 0 {
		return fmt.Errorf("%s: no rows", shown)
	}
	b.warnOutside(ds, shown, func(r int) string { return fmt.Sprintf("line %d", lines[r]) })
	return nil
}

// outsideTol is how far, relative to an interval's width (a ball's
// diameter), a data point may lie outside the domain and still count as in
// it: points written on the boundary with rounded coordinates are inside.
const outsideTol = 1e-9

// warnOutside adds a warning to the Spec (Spec.Warnings) when rows of ds
// lie outside the domain, naming the first: row(r) says where row r is
// (line N of a CSV file). Outside is outside the box of the variables'
// intervals; with a Geometry, outside the shape (in a hole of a difference)
// for the space variables and outside its interval for time; with a vector
// variable, outside the ball or the vector box. Such rows are kept: the user
// may mean them, so the loader warns and goes on.
func (b *build) warnOutside(ds *DataSet, shown string, row func(r int) string) {
	p := b.p
	type column struct {
		name   string
		vals   []float64
		lo, hi float64
	}
	var box, space []column // checked against their intervals / the geometry
	for _, v := range p.Variables {
		if v.Name == RadialName {
			continue
		}
		c := column{v.Name, ds.Inputs[v.Name], v.Lo, v.Hi}
		if c.vals == nil {
			return // a column the loader did not fill: nothing to check against
		}
		if p.Geometry != nil && p.Vector == nil && !v.IsTime() {
			space = append(space, c)
		} else {
			box = append(box, c)
		}
	}
	geom := p.Geometry
	if geom != nil && (p.Vector != nil || geom.Dim() != len(space)) {
		geom, box = nil, append(box, space...)
		space = nil
	}
	gtol := 0.0
	for _, c := range space {
		gtol = math.Max(gtol, outsideTol*(c.hi-c.lo))
	}
	var coords [][]float64 // x[1]..x[D] of a vector variable
	if v := p.Vector; v != nil {
		for k := 1; k <= v.Dim; k++ {
			c := ds.Inputs[CoordinateName(v.Name, k)]
			if c == nil {
				coords = nil
				break
			}
			coords = append(coords, c)
		}
	}
	pt := make([]float64, len(space))
	// where returns "" for a row inside, else the coordinates to show.
	where := func(r int) string {
		var shown []string
		out := false
		if v := p.Vector; v != nil && coords != nil {
			switch v.Domain {
			case "ball":
				s := 0.0
				for _, c := range coords {
					s += c[r] * c[r]
				}
				norm := math.Sqrt(s)
				out = norm > v.Radius+outsideTol*2*v.Radius
				shown = append(shown, fmt.Sprintf("|%s|=%s", v.Name, fmtNum(norm)))
			default:
				tol := outsideTol * (v.Hi - v.Lo)
				for k, c := range coords {
					if c[r] < v.Lo-tol || c[r] > v.Hi+tol {
						out = true
						shown = append(shown, CoordinateName(v.Name, k+1)+"="+fmtNum(c[r]))
						break
					}
				}
			}
		}
		for i, c := range space {
			pt[i] = c.vals[r]
		}
		if geom != nil && !geom.Contains(pt, gtol) {
			out = true
		}
		for _, c := range box {
			tol := outsideTol * (c.hi - c.lo)
			if x := c.vals[r]; x < c.lo-tol || x > c.hi+tol {
				out = true
			}
		}
		if !out {
			return ""
		}
		// every scalar variable, in network-input order
		for _, v := range p.Variables {
			if v.Name != RadialName {
				shown = append(shown, v.Name+"="+fmtNum(ds.Inputs[v.Name][r]))
			}
		}
		return strings.Join(shown, ", ")
	}
	rows, n, first := ds.Len(), 0, ""
	for r := 0; r < rows; r++ {
		if w := where(r); w != "" {
			if n == 0 {
				first = row(r) + ", " + w
			}
			n++
		}
	}
	if n > 0 {
		b.s.Warnings = append(b.s.Warnings, fmt.Sprintf("%s: warning: %d of %d rows lie outside the domain (first: %s)", shown, n, rows, first))
	}
}

func csvError(shown string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d: %v", shown, pe.Line, pe.Err)
	}
	return fmt.Errorf("%s: %v", shown, err)
}

// keepFields keeps, of a file's field columns, those data.<i>.fields
// names; each must be a column of the file.
func (b *build) keepFields(ds *DataSet, d dataSrc, what string) bool {
	keep := map[string]bool{}
	for _, f := range d.fields {
		if _, ok := ds.Targets[f]; !ok {
			b.errorf(d.fieldsNode, "%s: fields: %q is not a column of %s", what, f, d.file.Value)
			return false
		}
		keep[f] = true
	}
	for f := range ds.Targets {
		if !keep[f] {
			delete(ds.Targets, f)
		}
	}
	return true
}

// synthetic makes a data set on the cartesian grid of points, with values
// from evaluation.exact. The first variable varies slowest. Noise (see
// addNoise) is drawn row by row and field by field from a PCG generator
// seeded (spec seed, data index), whatever its model.
func (b *build) synthetic(ds *DataSet, d dataSrc, what string) bool {
	es, ok := b.pairs(d.points, what+": points")
	if !ok {
		return false
	}
	axes := map[string][]float64{}
	for _, e := range es {
		name := e.key.Value
		if b.declKind[name] != "variable" {
			b.errorf(e.key, "%s: points: %q is not a variable", what, name)
			ok = false
			continue
		}
		v := e.val
		if v != nil && v.Kind == yaml.MappingNode {
			f := b.fields(v, what+": points."+name, "linspace")
			le, has := f["linspace"]
			if !has {
				b.errorf(v, "%s: points.%s: want a list of values or {linspace: [start, stop, count]}", what, name)
				ok = false
				continue
			}
			ls := deref(le.val)
			if ls == nil || ls.Kind != yaml.SequenceNode || len(ls.Content) != 3 {
				b.errorf(ls, "%s: points.%s.linspace: want [start, stop, count]", what, name)
				ok = false
				continue
			}
			a, ok1 := b.number(ls.Content[0], what+": linspace start")
			c, ok2 := b.number(ls.Content[1], what+": linspace stop")
			cnt, ok3 := b.intOf(ls.Content[2], what+": linspace count", 1)
			if !ok1 || !ok2 || !ok3 {
				ok = false
				continue
			}
			if cnt > maxSyntheticRows {
				b.errorf(ls.Content[2], "%s: linspace count %d is too large", what, cnt)
				ok = false
				continue
			}
			axes[name] = linspace(a, c, cnt)
			continue
		}
		vals, good := b.numbers(v, what+": points."+name)
		if good && len(vals) == 0 {
			b.errorf(v, "%s: points.%s: want at least one value", what, name)
			good = false
		}
		if !good {
			ok = false
			continue
		}
		axes[name] = vals
	}
	if !ok {
		return false
	}
	rows := 1
	for _, v := range b.p.Variables {
		ax, has := axes[v.Name]
		if !has {
			b.errorf(d.points, "%s: points: no values for variable %q", what, v.Name)
			return false
		}
		if rows > maxSyntheticRows/len(ax) {
			b.errorf(d.points, "%s: points: the grid has more than %d points", what, maxSyntheticRows)
			return false
		}
		rows *= len(ax)
	}
	// values come from evaluation.exact, else from the ODE reference
	odeRef := b.p.ODE
	var fields []string
	for _, f := range b.p.Fields {
		if b.p.Exact[f] != nil || odeRef != nil {
			fields = append(fields, f)
		}
	}
	if d.fields != nil {
		have := map[string]bool{}
		for _, f := range fields {
			have[f] = true
		}
		for _, f := range d.fields {
			if !have[f] {
				b.errorf(d.fieldsNode, "%s: fields: %q has no evaluation.exact to draw synthetic values from", what, f)
				return false
			}
		}
		fields = d.fields
	}
	if len(fields) == 0 {
		if len(b.exact) == 0 && b.ode == nil {
			b.errorf(d.item, "%s: synthetic data (points) needs evaluation.exact for a field (or evaluation.reference.ode)", what)
		}
		return false
	}
	vars := b.variableNames()
	fns := make([]func([]float64) float64, len(fields))
	for i, f := range fields {
		if b.p.Exact[f] == nil {
			k := b.p.FieldIndex(f)
			lo, hi := odeRef.T0, odeRef.T1
			y := make([]float64, len(odeRef.Fields))
			fns[i] = func(x []float64) float64 {
				if x[0] < lo || x[0] > hi {
					return math.NaN() // reported below
				}
				odeRef.Solution.AtTo(y, x[0])
				return y[k]
			}
			continue
		}
		fn, err := expr.Compile(b.p.Exact[f], vars)
		if err != nil {
			b.errorf(b.exactNode[f], "evaluation.exact.%s: %v (needed by %s)", f, err, what)
			return false
		}
		fns[i] = fn
	}
	ds.Inputs, ds.Targets = map[string][]float64{}, map[string][]float64{}
	for _, v := range vars {
		ds.Inputs[v] = make([]float64, rows)
	}
	for _, f := range fields {
		ds.Targets[f] = make([]float64, rows)
	}
	x := make([]float64, len(vars))
	idx := make([]int, len(vars))
	for r := 0; r < rows; r++ {
		for j, v := range vars {
			x[j] = axes[v][idx[j]]
			ds.Inputs[v][r] = x[j]
		}
		for i, f := range fields {
			val := fns[i](x)
			if math.IsNaN(val) || math.IsInf(val, 0) {
				if b.p.Exact[f] == nil {
					b.errorf(d.points, "%s: %s = %g is outside the ODE reference's interval [%s, %s]", what, vars[0], x[0], fmtNum(odeRef.T0), fmtNum(odeRef.T1))
				} else {
					b.errorf(b.exactNode[f], "evaluation.exact.%s is not finite at %v (needed by %s)", f, x, what)
				}
				return false
			}
			ds.Targets[f][r] = val
		}
		for j := len(vars) - 1; j >= 0; j-- {
			idx[j]++
			if idx[j] < len(axes[vars[j]]) {
				break
			}
			idx[j] = 0
		}
	}
	addNoise(ds, fields, d.noise, d.noiseModel, rand.New(rand.NewPCG(b.s.Seed, uint64(d.idx))))
	ds.Noise, ds.NoiseModel = d.noise, d.noiseModel
	b.warnOutside(ds, what, func(r int) string { return fmt.Sprintf("row %d", r+1) })
	return true
}

// noiseSpec reads the noise of synthetic data (data.<i>.noise and
// noise_model): a bare number is relative noise, or of the model
// noise_model names (relative | mean); {relative: r} is the same as the bare
// number r; {sigma: s} is absolute noise N(0, s^2). The map form names its
// model, so noise_model does not go with it.
func (b *build) noiseSpec(f map[string]entry, path string, d *dataSrc) {
	d.noiseModel = "relative"
	me, hasModel := f["noise_model"]
	if hasModel {
		if v, ok := b.oneOf(me.val, path+".noise_model", "relative", "mean"); ok {
			d.noiseModel = v
		}
	}
	ne, ok := f["noise"]
	if !ok {
		return
	}
	n := deref(ne.val)
	if n == nil || n.Kind != yaml.MappingNode {
		if n == nil || n.Kind != yaml.ScalarNode || !isNumber(n) {
			b.errorf(n, "%s.noise: want a number (relative), {relative: r} or {sigma: s} (absolute)%s", path, got(n))
			return
		}
		if v, ok := b.number(n, path+".noise"); ok {
			if v < 0 {
				b.errorf(n, "%s.noise: want a number >= 0, got %s", path, fmtNum(v))
			}
			d.noise = v
		}
		return
	}
	if hasModel {
		b.errorf(me.key, "%s: noise_model goes with a bare number noise; noise: {sigma: s} or {relative: r} names its model", path)
	}
	es, _ := b.pairs(n, path+".noise")
	var chosen *entry
	for i, e := range es {
		switch e.key.Value {
		case "sigma", "relative":
			if chosen != nil {
				b.errorf(e.key, "%s.noise: give either sigma (absolute) or relative, not both", path)
				continue
			}
			chosen = &es[i]
		default:
			b.errorf(e.key, "%s.noise: unknown key %q (want sigma: absolute, or relative)", path, e.key.Value)
		}
	}
	if chosen == nil {
		if len(es) == 0 {
			b.errorf(n, "%s.noise: want {sigma: s} (absolute) or {relative: r}", path)
		}
		return
	}
	key := chosen.key.Value
	v, ok := b.number(chosen.val, path+".noise."+key)
	if !ok {
		return
	}
	if v < 0 {
		b.errorf(chosen.val, "%s.noise.%s: want a number >= 0, got %s", path, key, fmtNum(v))
		return
	}
	d.noise = v
	d.noiseModel = map[string]string{"sigma": "absolute", "relative": "relative"}[key]
}

// addNoise perturbs the values of a synthetic data set, drawing z ~ N(0, 1)
// row by row and field by field. relative: v*(1 + noise*z). absolute: v +
// noise*z. mean: v + noise*mean(|v|)*z, the mean over the data set's clean
// values of that field (the noise model of UPINN, PAPERS.md §3: x_obs = x +
// eps*mean(x)*N(0,1)). The draws are the same for every model, so only the
// scale of a perturbation depends on it.
func addNoise(ds *DataSet, fields []string, noise float64, model string, rng *rand.Rand) {
	if noise <= 0 {
		return
	}
	scale := make([]float64, len(fields))
	for i, f := range fields {
		col := ds.Targets[f]
		if model == "mean" {
			for _, v := range col {
				scale[i] += math.Abs(v)
			}
			scale[i] /= float64(len(col))
		}
	}
	rows := ds.Len()
	for r := 0; r < rows; r++ {
		for i, f := range fields {
			z := rng.NormFloat64()
			v := &ds.Targets[f][r]
			switch model {
			case "mean":
				*v += noise * scale[i] * z
			case "absolute":
				*v += noise * z
			default:
				*v *= 1 + noise*z
			}
		}
	}
}

func linspace(a, b float64, n int) []float64 {
	if n == 1 {
		return []float64{a}
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = a + (b-a)*float64(i)/float64(n-1)
	}
	out[n-1] = b
	return out
}
