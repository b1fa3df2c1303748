package compiler

import (
	"testing"

	G "gorgonia.org/gorgonia"
)

// TestGraphNodeIndex checks the patch to Gorgonia's node index
// (third_party/gorgonia, PATCHES.md): every node is found by its ID, also
// after nodes are removed (which shifts the later nodes' positions) and
// in a clone, and a removed node is no longer found.
func TestGraphNodeIndex(t *testing.T) {
	g := G.NewGraph()
	x := G.NewVector(g, G.Float64, G.WithShape(3), G.WithName("x"))
	nodes := G.Nodes{x}
	for i := range 200 {
		nodes = append(nodes, G.Must(G.Add(nodes[len(nodes)-1], G.NewConstant(float64(i), G.WithName("")))))
	}
	check := func(g *G.ExprGraph, label string) {
		for _, n := range g.AllNodes() {
			if got := g.Node(n.ID()); got != n {
				t.Fatalf("%s: Node(%d) = %v, want %v", label, n.ID(), got, n)
			}
		}
	}
	check(g, "built")
	all := g.AllNodes()
	removed := []*G.Node{all[5], all[50], all[len(all)-1]}
	for _, n := range removed {
		g.RemoveNode(n)
	}
	check(g, "after removals")
	for _, n := range removed {
		if g.Has(n.ID()) {
			t.Errorf("removed node %d still found", n.ID())
		}
	}
	check(g.Clone().(*G.ExprGraph), "clone")
}
