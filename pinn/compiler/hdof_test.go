package compiler

// hdOf is the fast-path state of a term (nil for a term of the general
// compiler), for tests that look inside it.
func hdOf(t *term) *hdTerm {
	h, _ := t.src.(*hdTerm)
	return h
}

// hdPredOf is the fast-path predictor of pr (nil on the general compiler).
func hdPredOf(pr *Predictor) *hdPredictor {
	h, _ := pr.impl.(*hdPredictor)
	return h
}
