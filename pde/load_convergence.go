package pde

// The model and training keys for convergence (model.architecture,
// model.fourier, training.balance, training.causal), kept apart from the
// rest of the loader.

func (b *build) convergenceModel(f map[string]entry) {
	m := &b.s.Model
	m.Architecture = DefaultArchitecture
	if e, ok := f["architecture"]; ok {
		if v, ok := b.oneOf(e.val, "model.architecture", "mlp", "modified"); ok {
			m.Architecture = v
		}
		if m.Architecture == "modified" {
			// every network's widths (already read) must be equal
			if !equalWidths(m.Layers) {
				b.errorf(e.val, "model.architecture: modified needs equal hidden widths (the gates mix every layer with the encoders), have %v", m.Layers)
			}
			for _, name := range b.p.Fields {
				if o, ok := m.Fields[name]; ok && o.Layers != nil && !equalWidths(o.Layers) {
					b.errorf(e.val, "model.architecture: modified needs equal hidden widths (the gates mix every layer with the encoders), have %v in model.fields.%s", o.Layers, name)
				}
			}
		}
	}
	e, ok := f["fourier"]
	if !ok {
		return
	}
	ff := &Fourier{Features: DefaultFourierFeatures, Scale: DefaultFourierScale}
	sf := b.fields(e.val, "model.fourier", "features", "scale")
	if x, ok := sf["features"]; ok {
		ff.Features, _ = b.intOf(x.val, "model.fourier.features", 1)
	}
	if x, ok := sf["scale"]; ok {
		ff.Scale, _ = b.positive(x.val, "model.fourier.scale")
	}
	m.Fourier = ff
}

func equalWidths(ws []int) bool {
	for _, w := range ws {
		if w != ws[0] {
			return false
		}
	}
	return true
}

func (b *build) convergenceTraining(f map[string]entry) {
	t := &b.s.Training
	if e, ok := f["balance"]; ok {
		bl := &Balance{Method: DefaultBalanceMethod, Every: DefaultBalanceEvery, Alpha: DefaultBalanceAlpha}
		sf := b.fields(e.val, "training.balance", "method", "every", "alpha")
		if x, ok := sf["method"]; ok {
			bl.Method, _ = b.oneOf(x.val, "training.balance.method", "grad-norm")
		}
		if x, ok := sf["every"]; ok {
			bl.Every, _ = b.intOf(x.val, "training.balance.every", 1)
		}
		if x, ok := sf["alpha"]; ok {
			if v, ok := b.number(x.val, "training.balance.alpha"); ok {
				if v <= 0 || v >= 1 {
					b.errorf(x.val, "training.balance.alpha: want a number in (0, 1), got %v", v)
				} else {
					bl.Alpha = v
				}
			}
		}
		t.Balance = bl
	}
	if e, ok := f["causal"]; ok {
		c := &Causal{Chunks: DefaultCausalChunks, Epsilon: DefaultCausalEpsilon}
		sf := b.fields(e.val, "training.causal", "chunks", "epsilon")
		if x, ok := sf["chunks"]; ok {
			c.Chunks, _ = b.intOf(x.val, "training.causal.chunks", 1)
		}
		if x, ok := sf["epsilon"]; ok {
			if v, ok := b.positive(x.val, "training.causal.epsilon"); ok {
				c.Epsilon = v
			}
		}
		if b.p.VariableIndex("t") < 0 {
			b.errorf(e.val, "training.causal needs a time variable named t (the chunks are slabs in t)")
		}
		t.Causal = c
	}
}
