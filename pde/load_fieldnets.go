package pde

import "sort"

// fieldNets reads model.separate and model.fields: one network per field,
// with optional per-field layers and activation.
func (b *build) fieldNets(f map[string]entry) {
	m := &b.s.Model
	if e, ok := f["separate"]; ok {
		m.Separate, _ = b.boolean(e.val, "model.separate")
	}
	e, ok := f["fields"]
	if !ok {
		return
	}
	es, ok := b.pairs(e.val, "model.fields")
	if !ok {
		return
	}
	m.Fields = map[string]FieldNet{}
	for _, x := range es {
		name := x.key.Value
		path := "model.fields." + name
		if b.declKind[name] != "field" {
			fields := append([]string(nil), b.p.Fields...)
			sort.Strings(fields)
			b.errorf(x.key, "model.fields: %q is not a field (fields: %s)", name, joinNames(fields))
			continue
		}
		var fn FieldNet
		sf := b.fields(x.val, path, "layers", "activation")
		if l, ok := sf["layers"]; ok {
			fn.Layers, _ = b.widths(l.val, path+".layers")
		}
		if a, ok := sf["activation"]; ok {
			fn.Activation, _ = b.oneOf(a.val, path+".activation", keys(activations)...)
		}
		m.Fields[name] = fn
	}
	// per-field overrides mean one network per field
	m.Separate = true
}
