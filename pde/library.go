package pde

import (
	"go.yaml.in/yaml/v3"

	"github.com/gopinn/gopinn/pde/expr"
)

// library reads hidden.<name>.library, the options of the symbolic
// regression run on the trained hidden network:
//
//	library: {degree: 3, extra: ["x/(0.1 + x)"], threshold: 0.05, max_rel_error: 0.01, digits: 4}
//
// Extra terms are checked now, against the hidden term's input names, so a
// typo fails at load time rather than after training.
func (b *build) library(n *yaml.Node, path string, inputs []string) Library {
	var lib Library
	f := b.fields(n, path, "degree", "extra", "threshold", "max_rel_error", "digits", "form")
	if e, ok := f["degree"]; ok {
		if v, ok := b.integer(e.val, path+".degree", -1); ok {
			if v > 8 {
				b.errorf(e.val, "%s.degree: %d is too high (at most 8)", path, v)
			}
			lib.Degree = int(v)
			if v == 0 {
				lib.Degree = -1 // 0 means "default" in symreg: keep the constant only
			}
		}
	}
	if e, ok := f["extra"]; ok {
		items, _ := b.list(e.val, path+".extra")
		for _, it := range items {
			ex, ok := b.parse(it, path+".extra")
			if !ok {
				continue
			}
			if _, err := expr.Compile(ex, inputs); err != nil {
				b.exprError(it, err, path+".extra (a term is an expression of the inputs "+joinNames(inputs)+")")
				continue
			}
			lib.Extra = append(lib.Extra, it.Value)
		}
	}
	if e, ok := f["threshold"]; ok {
		lib.Threshold, _ = b.positive(e.val, path+".threshold")
	}
	if e, ok := f["max_rel_error"]; ok {
		lib.MaxRelError, _ = b.positive(e.val, path+".max_rel_error")
	}
	if e, ok := f["digits"]; ok {
		lib.Digits, _ = b.intOf(e.val, path+".digits", 1)
	}
	if e, ok := f["form"]; ok {
		lib.Form, _ = b.oneOf(e.val, path+".form", "strong", "weak")
	}
	return lib
}
