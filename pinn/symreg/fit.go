package symreg

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// Options controls Fit. The zero value gives the defaults.
type Options struct {
	// MaxDegree is the highest total degree of the monomials of the inputs
	// in the library (default 3); the constant term is always included.
	// A negative value leaves monomials out except the constant.
	MaxDegree int
	// Extra lists further candidate terms, each an expression of the input
	// names in the expression language, e.g. "x/(0.1 + x)" or "sin(x)".
	Extra []string
	// Threshold, if positive, selects the STLSQ model at this threshold
	// instead of the rule of the package documentation.
	Threshold float64
	// MaxRelError, if positive, selects the simplest model on the front
	// whose RelError exceeds the least on the front by at most this (when
	// the accuracy of the sampled function is known, e.g. 0.02 for a
	// hidden network trusted to 2%); it takes precedence over Threshold.
	// Measured from the best model rather than from zero, so that a
	// network's own systematic error that no library term fits (a steep
	// front, a transient) does not push the choice to the most complex
	// model.
	MaxRelError float64
	// Normalize makes thresholds compare |c_j|·||theta_j|| / ||h|| rather
	// than |c_j| (see the package documentation).
	Normalize bool
	// LossFactor admits to the final choice the models on the front whose
	// cross-validated error is at most LossFactor times the least plus 1e-6
	// (default 2); see the package documentation.
	LossFactor float64
	// Digits is the number of significant digits of the coefficients in
	// Candidate.Expression (default 4).
	Digits int
	// Transform, if set, maps every library column, sampled at the inputs,
	// to the space the target lives in, by a linear map (a weak form: the
	// integrals of the column from t0 to each observation time). The model
	// is then fitted as target ≈ Σ c_j·Transform(θ_j), and every error is
	// measured there; target has Transform's output length.
	Transform func(col []float64) []float64
}

// Candidate is one fitted model.
type Candidate struct {
	// Expression is the model in the expression language, with the input
	// names, e.g. "0.8997*x*y" or "x - x^3" (a coefficient that prints as
	// 1 is left out); "0" for no terms.
	Expression string
	// Complexity is the number of terms.
	Complexity int
	// RelError is ||model - h|| / ||h|| over the samples, with the
	// full-precision coefficients.
	RelError float64
	// CVError is the 5-fold cross-validated relative error of the same
	// terms: each fifth of the samples (every fifth sample) predicted by
	// the model refitted on the rest. Zero when not computed (fewer than 10
	// samples, or a model not on the front); +Inf when a training fold has
	// fewer samples than terms.
	CVError float64
	// Score is -d ln(RelError) / d(Complexity) from the previous model on
	// the front (from the zero model, error 1, for the first).
	Score float64
	// Terms are the nonzero terms in library order.
	Terms []Term
	// Selected marks the candidate Fit returned as best.
	Selected bool

	support []int // library columns
}

// Term is one term of a model: Coef times the library term Expr ("1" for
// the constant).
type Term struct {
	Coef float64
	Expr string
}

const (
	rcond       = 1e-12 // relative singular value cut-off of the subset fits
	lossFloor   = 1e-6  // additive slack of the loss filter
	errFloor    = 1e-15 // errors are floored here before taking logarithms
	folds       = 5
	frontEps    = 1e-12 // least error decrease that earns a place on the front
	greedyLimit = 40    // libraries up to this size get full greedy elimination
	stlsqIters  = 25
	sweepPoints = 40
)

// problem is the library reduced by one QR factorisation: for any subset S
// of the unit-norm columns B, ||B_S c - y||^2 = ||R_S c - z||^2 + rho2.
type problem struct {
	p     int
	r     *mat.Dense // p×p upper triangular
	z     []float64
	rho2  float64
	norms []float64 // column norms of the raw library
	ynorm float64
}

func newProblem(lib []libTerm, target []float64) (*problem, error) {
	m, p := len(target), len(lib)
	if m < p+1 {
		return nil, fmt.Errorf("symreg: %d samples for a library of %d terms; need at least %d", m, p, p+1)
	}
	a := mat.NewDense(m, p+1, nil)
	norms := make([]float64, p)
	for j, t := range lib {
		norms[j] = floatsNorm(t.values)
		for i, v := range t.values {
			a.Set(i, j, v/norms[j])
		}
	}
	for i, v := range target {
		a.Set(i, p, v)
	}
	var qr mat.QR
	qr.Factorize(a)
	var raug mat.Dense
	qr.RTo(&raug)
	pr := &problem{p: p, r: mat.NewDense(p, p, nil), z: make([]float64, p), norms: norms, ynorm: floatsNorm(target)}
	for i := range p {
		for j := i; j < p; j++ {
			pr.r.Set(i, j, raug.At(i, j))
		}
		pr.z[i] = raug.At(i, p)
	}
	pr.rho2 = raug.At(p, p) * raug.At(p, p)
	return pr, nil
}

func floatsNorm(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

// fit solves the least-squares problem on the subset s (column indices) and
// returns the coefficients of the scaled columns and the residual sum of
// squares.
func (pr *problem) fit(s []int) (c []float64, rss float64) {
	if len(s) == 0 {
		return nil, pr.ynorm * pr.ynorm
	}
	rs := mat.NewDense(pr.p, len(s), nil)
	for k, j := range s {
		for i := 0; i <= j; i++ {
			rs.Set(i, k, pr.r.At(i, j))
		}
	}
	var svd mat.SVD
	if !svd.Factorize(rs, mat.SVDThin) {
		// Only on NaN input, which Fit rejects earlier.
		panic("symreg: SVD failed")
	}
	rank := svd.Rank(rcond)
	c = make([]float64, len(s))
	if rank > 0 {
		var x mat.VecDense
		svd.SolveVecTo(&x, mat.NewVecDense(pr.p, append([]float64(nil), pr.z...)), rank)
		for k := range c {
			c[k] = x.AtVec(k)
		}
	}
	rss = pr.rho2
	for i := range pr.p {
		ri := pr.z[i]
		for k, j := range s {
			if i <= j {
				ri -= pr.r.At(i, j) * c[k]
			}
		}
		rss += ri * ri
	}
	return c, rss
}

// measure is the size of a coefficient that thresholds compare.
func (pr *problem) measure(scaled float64, j int, normalize bool) float64 {
	if normalize {
		return math.Abs(scaled) / pr.ynorm
	}
	return math.Abs(scaled / pr.norms[j])
}

// stlsq runs sequentially thresholded least squares from the full support.
func (pr *problem) stlsq(thr float64, normalize bool, full []int) []int {
	s := append([]int(nil), full...)
	for range stlsqIters {
		c, _ := pr.fit(s)
		var keep []int
		for k, j := range s {
			if pr.measure(c[k], j, normalize) >= thr {
				keep = append(keep, j)
			}
		}
		if len(keep) == len(s) {
			break
		}
		s = keep
		if len(s) == 0 {
			break
		}
	}
	return s
}

// backward is greedy backward elimination; it returns one support per size
// from len(full)-1 down to 1.
func (pr *problem) backward(full []int, normalize bool) [][]int {
	var out [][]int
	s := append([]int(nil), full...)
	for len(s) > 1 {
		drop := -1
		if len(full) <= greedyLimit {
			best := math.Inf(1)
			for k := range s {
				_, rss := pr.fit(without(s, k))
				if rss < best {
					best, drop = rss, k
				}
			}
		} else {
			c, _ := pr.fit(s)
			small := math.Inf(1)
			for k, j := range s {
				if v := pr.measure(c[k], j, true); v < small {
					small, drop = v, k
				}
			}
		}
		s = without(s, drop)
		out = append(out, s)
	}
	return out
}

// forward is greedy forward selection: starting from no term, add the one
// that lowers the residual most, refit, repeat. It complements backward
// elimination, which on nearly collinear libraries (monomials along one
// trajectory) can drop a true term early. Libraries larger than
// greedyLimit stop at greedyLimit/2 terms.
func (pr *problem) forward(full []int) [][]int {
	var out [][]int
	var s []int
	in := make([]bool, pr.p)
	maxTerms := len(full)
	if maxTerms > greedyLimit {
		maxTerms = greedyLimit / 2
	}
	for len(s) < maxTerms {
		add, best := -1, math.Inf(1)
		for _, j := range full {
			if in[j] {
				continue
			}
			_, rss := pr.fit(append(s[:len(s):len(s)], j))
			if rss < best {
				best, add = rss, j
			}
		}
		in[add] = true
		s = append(s[:len(s):len(s)], add)
		sorted := append([]int(nil), s...)
		sort.Ints(sorted)
		out = append(out, sorted)
	}
	return out
}

func without(s []int, k int) []int {
	out := make([]int, 0, len(s)-1)
	out = append(out, s[:k]...)
	return append(out, s[k+1:]...)
}

func key(s []int) string {
	var b strings.Builder
	for _, j := range s {
		b.WriteString(strconv.Itoa(j))
		b.WriteByte(',')
	}
	return b.String()
}

// Fit finds sparse formulas for target as a function of the inputs:
// inputs[i] holds the samples of the input named names[i], all of the
// length of target. It returns the selected model and the Pareto front of
// complexity against relative error, simplest first (see the package
// documentation for the searches and the selection rule). Fit needs more
// samples than library terms.
func Fit(names []string, inputs [][]float64, target []float64, opts Options) (best Candidate, front []Candidate, err error) {
	if len(names) != len(inputs) {
		return best, nil, fmt.Errorf("symreg: %d names for %d input columns", len(names), len(inputs))
	}
	if err := checkNames(names); err != nil {
		return best, nil, fmt.Errorf("symreg: %w", err)
	}
	m := len(target)
	if opts.Transform != nil && len(inputs) > 0 {
		m = len(inputs[0]) // the inputs' length; the target is transformed
	}
	if m == 0 || len(target) == 0 {
		return best, nil, errors.New("symreg: no samples")
	}
	for i, col := range inputs {
		if len(col) != m {
			return best, nil, fmt.Errorf("symreg: input %q has %d samples, target %d", names[i], len(col), m)
		}
		if r := nonFinite(col); r >= 0 {
			return best, nil, fmt.Errorf("symreg: input %q is %g at sample %d", names[i], col[r], r)
		}
	}
	if r := nonFinite(target); r >= 0 {
		return best, nil, fmt.Errorf("symreg: target is %g at sample %d", target[r], r)
	}
	deg := opts.MaxDegree
	if deg == 0 {
		deg = 3
	}
	if deg < 0 {
		deg = 0
	}
	lossFactor := opts.LossFactor
	if lossFactor == 0 {
		lossFactor = 2
	}
	if lossFactor < 1 {
		return best, nil, fmt.Errorf("symreg: LossFactor %g < 1", lossFactor)
	}
	digits := opts.Digits
	if digits <= 0 {
		digits = 4
	}

	all, err := buildLibrary(names, inputs, m, deg, opts.Extra)
	if err != nil {
		return best, nil, fmt.Errorf("symreg: %w", err)
	}
	if opts.Transform != nil {
		for i := range all {
			all[i].values = opts.Transform(all[i].values)
			if len(all[i].values) != len(target) {
				return best, nil, fmt.Errorf("symreg: Transform gives %d values for a target of %d", len(all[i].values), len(target))
			}
		}
	}
	// Identically zero columns cannot be identified (and would divide by
	// zero when scaled); leave them out.
	var lib []libTerm
	for _, t := range all {
		if floatsNorm(t.values) > 0 {
			lib = append(lib, t)
		}
	}
	if floatsNorm(target) == 0 {
		c := Candidate{Expression: "0", Selected: true}
		return c, []Candidate{c}, nil
	}
	if len(lib) == 0 {
		return best, nil, errors.New("symreg: empty library")
	}
	pr, err := newProblem(lib, target)
	if err != nil {
		return best, nil, err
	}

	full := make([]int, len(lib))
	for j := range full {
		full[j] = j
	}
	supports := map[string][]int{key(full): full}
	add := func(s []int) {
		if len(s) > 0 {
			supports[key(s)] = s
		}
	}
	for _, s := range pr.backward(full, opts.Normalize) {
		add(s)
	}
	for _, s := range pr.forward(full) {
		add(s)
	}
	for _, thr := range thresholds(pr, full, opts.Normalize) {
		add(pr.stlsq(thr, opts.Normalize, full))
	}
	var fixed []int
	if opts.Threshold > 0 {
		fixed = pr.stlsq(opts.Threshold, opts.Normalize, full)
		add(fixed)
	}

	// Pareto front: the least error per complexity, kept only when better
	// than every simpler model by more than round-off.
	bySize := map[int]Candidate{}
	for _, s := range supports {
		c := pr.candidate(lib, s, digits)
		if old, ok := bySize[c.Complexity]; !ok || c.RelError < old.RelError {
			bySize[c.Complexity] = c
		}
	}
	sizes := make([]int, 0, len(bySize))
	for k := range bySize {
		sizes = append(sizes, k)
	}
	sort.Ints(sizes)
	for _, k := range sizes {
		c := bySize[k]
		if len(front) == 0 || c.RelError < front[len(front)-1].RelError-frontEps {
			front = append(front, c)
		}
	}

	prev, prevC := 1.0, 0
	for i := range front {
		c := &front[i]
		c.Score = math.Log(math.Max(prev, errFloor)/math.Max(c.RelError, errFloor)) / float64(c.Complexity-prevC)
		prev, prevC = c.RelError, c.Complexity
		c.CVError = crossValidate(lib, c.support, target)
	}

	sel := -1
	switch {
	case opts.MaxRelError > 0:
		sel = len(front) - 1
		bar := front[sel].RelError + opts.MaxRelError
		for i := range front {
			if front[i].RelError <= bar {
				sel = i
				break
			}
		}
	case fixed != nil:
		best = pr.candidate(lib, fixed, digits)
		for i := range front {
			if key(front[i].support) == key(best.support) {
				sel = i
				best = front[i]
			}
		}
	default:
		minCV := math.Inf(1)
		for _, c := range front {
			minCV = math.Min(minCV, c.CVError)
		}
		limit := lossFactor*minCV + lossFloor
		for i, c := range front {
			if c.CVError <= limit && (sel < 0 || c.Score > front[sel].Score) {
				sel = i
			}
		}
	}
	if sel >= 0 {
		front[sel].Selected = true
		best = front[sel]
	}
	best.Selected = true
	return best, front, nil
}

// crossValidate returns the 5-fold cross-validated relative error of the
// least-squares model on the library columns s: fold f holds the samples
// i with i%5 == f (interleaved, so that samples along a trajectory are
// spread over all folds), predicted by the model fitted on the others.
// It returns 0 with fewer than 2*folds samples (no model is judged by
// cross-validation then) and +Inf when a training set is smaller than the
// support (the model cannot be validated, so it is not admitted).
func crossValidate(lib []libTerm, s []int, target []float64) float64 {
	m, k := len(target), len(s)
	if m < 2*folds || k == 0 {
		return 0
	}
	var num, den float64
	for f := range folds {
		var train, test []int
		for i := range m {
			if i%folds == f {
				test = append(test, i)
			} else {
				train = append(train, i)
			}
		}
		if len(train) < k {
			return math.Inf(1)
		}
		a := mat.NewDense(len(train), k, nil)
		b := mat.NewVecDense(len(train), nil)
		norms := make([]float64, k)
		for q, j := range s {
			for r, i := range train {
				v := lib[j].values[i]
				norms[q] += v * v
				a.Set(r, q, v)
			}
			norms[q] = math.Sqrt(norms[q])
			if norms[q] == 0 {
				norms[q] = 1
			}
		}
		for q := range s {
			for r := range train {
				a.Set(r, q, a.At(r, q)/norms[q])
			}
		}
		for r, i := range train {
			b.SetVec(r, target[i])
		}
		var svd mat.SVD
		if !svd.Factorize(a, mat.SVDThin) {
			return 0
		}
		rank := svd.Rank(rcond)
		c := mat.NewVecDense(k, nil)
		if rank > 0 {
			svd.SolveVecTo(c, b, rank)
		}
		for _, i := range test {
			pred := 0.0
			for q, j := range s {
				pred += c.AtVec(q) / norms[q] * lib[j].values[i]
			}
			num += (pred - target[i]) * (pred - target[i])
			den += target[i] * target[i]
		}
	}
	if den == 0 {
		return 0
	}
	return math.Sqrt(num / den)
}

// thresholds returns the STLSQ sweep: every coefficient magnitude of the
// full fit (nudged up so that the term itself falls below it) and
// sweepPoints log-spaced values between the smallest and largest.
func thresholds(pr *problem, full []int, normalize bool) []float64 {
	c, _ := pr.fit(full)
	var mags []float64
	lo, hi := math.Inf(1), 0.0
	for k, j := range full {
		v := pr.measure(c[k], j, normalize)
		if v > 0 {
			mags = append(mags, v*(1+1e-9))
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if hi > lo {
		r := math.Log(hi / lo)
		for i := range sweepPoints {
			mags = append(mags, lo*math.Exp(r*float64(i)/float64(sweepPoints-1)))
		}
	}
	sort.Float64s(mags)
	return mags
}

// candidate fits the support s and writes the model.
func (pr *problem) candidate(lib []libTerm, s []int, digits int) Candidate {
	c, rss := pr.fit(s)
	cand := Candidate{RelError: math.Sqrt(math.Max(rss, 0)) / pr.ynorm, support: s}
	var b strings.Builder
	for k, j := range s {
		coef := c[k] / pr.norms[j]
		if coef == 0 {
			continue
		}
		t := lib[j]
		cand.Terms = append(cand.Terms, Term{Coef: coef, Expr: t.text})
		writeTerm(&b, coef, t, digits)
	}
	cand.Complexity = len(cand.Terms)
	cand.Expression = b.String()
	if cand.Expression == "" {
		cand.Expression = "0"
	}
	return cand
}

// writeTerm appends coef*term, as " + ..." or " - ..." after the first.
func writeTerm(b *strings.Builder, coef float64, t libTerm, digits int) {
	neg := coef < 0
	num := strconv.FormatFloat(math.Abs(coef), 'g', digits, 64)
	switch {
	case b.Len() == 0 && neg:
		b.WriteByte('-')
	case b.Len() > 0 && neg:
		b.WriteString(" - ")
	case b.Len() > 0:
		b.WriteString(" + ")
	}
	body := t.text
	if t.paren {
		body = "(" + body + ")"
	}
	switch {
	case t.text == "1":
		b.WriteString(num)
	case num == "1":
		b.WriteString(body)
	default:
		b.WriteString(num + "*" + body)
	}
}

func nonFinite(v []float64) int {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return i
		}
	}
	return -1
}
