package pde

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// applySet applies one --set override "a.b.0.c=value" to the spec's root
// mapping. The value is YAML. Keys missing on the path are created (the
// validator then rejects those the schema does not know, naming the flag);
// list indices must exist. Every node the override brings in is recorded
// in l.origin so that errors in it name the flag.
func (l *loader) applySet(root *yaml.Node, flag string) {
	fail := func(format string, args ...any) {
		l.errs = append(l.errs, &SpecError{File: "--set " + flag, Msg: fmt.Sprintf(format, args...)})
	}
	path, value, ok := strings.Cut(flag, "=")
	if !ok {
		fail("want key.path=value")
		return
	}
	segs := strings.Split(strings.TrimSpace(path), ".")
	for _, s := range segs {
		if s == "" {
			fail("empty key in %q", path)
			return
		}
	}
	val, err := parseValue(value)
	if err != nil {
		fail("value: %v", err)
		return
	}
	mark(val, flag, l.origin)

	cur := root
	for i, seg := range segs {
		last := i == len(segs)-1
		at := strings.Join(segs[:i], ".")
		cur = deref(cur)
		if isNull(cur) && cur != nil && cur.Kind == yaml.ScalarNode {
			// "model:" with nothing under it: becomes a map
			*cur = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: cur.Line, Column: cur.Column}
		}
		switch cur.Kind {
		case yaml.MappingNode:
			var next *yaml.Node
			for j := 0; j+1 < len(cur.Content); j += 2 {
				if k := deref(cur.Content[j]); k.Kind == yaml.ScalarNode && k.Value == seg {
					if last {
						cur.Content[j+1] = val
					}
					next = cur.Content[j+1]
				}
			}
			if next == nil {
				key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: seg}
				l.origin[key] = flag
				next = val
				if !last {
					next = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
					l.origin[next] = flag
				}
				cur.Content = append(cur.Content, key, next)
			}
			cur = next
		case yaml.SequenceNode:
			idx, err := strconv.Atoi(seg)
			if err != nil {
				fail("%s is a list: want an index, got %q", at, seg)
				return
			}
			if idx < 0 || idx >= len(cur.Content) {
				fail("index %d out of range: %s has %d items", idx, at, len(cur.Content))
				return
			}
			if last {
				cur.Content[idx] = val
			}
			cur = cur.Content[idx]
		default:
			fail("%s is not a map or a list", at)
			return
		}
	}
}

// parseValue parses a --set value as YAML; an empty value is null.
func parseValue(s string) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(s), &doc); err != nil {
		return nil, fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		return doc.Content[0], nil
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: ""}, nil
}

func mark(n *yaml.Node, flag string, origin map[*yaml.Node]string) {
	if n == nil {
		return
	}
	if _, done := origin[n]; done {
		return
	}
	origin[n] = flag
	for _, c := range n.Content {
		mark(c, flag, origin)
	}
}
