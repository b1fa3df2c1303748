package plots

import (
	"fmt"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// LearnedVsExact draws the values a hidden-term network learned against the
// exact values of that term at the same points, with the line y = x that a
// perfect fit would lie on. Pairs with a non-finite value are left out.
func LearnedVsExact(path, title string, exact, learned []float64) error {
	if len(learned) != len(exact) {
		return fmt.Errorf("plot %s: %d learned values for %d exact values", path, len(learned), len(exact))
	}
	p := newPlot(title, "exact", "learned")
	var xys plotter.XYs
	for i := range exact {
		if finite(exact[i]) && finite(learned[i]) {
			xys = append(xys, plotter.XY{X: exact[i], Y: learned[i]})
		}
	}
	if len(xys) > 0 {
		// The diagonal spans both axes' data so it crosses the whole plot.
		lo, hi, _ := rangeOf(exact, learned)
		diag, err := plotter.NewLine(plotter.XYs{{X: lo, Y: lo}, {X: hi, Y: hi}})
		if err != nil {
			return fmt.Errorf("plot %s: %w", path, err)
		}
		diag.Color = plotutil.Color(1)
		diag.Dashes = []vg.Length{vg.Points(6), vg.Points(4)}
		diag.Width = vg.Points(1.5)

		s, err := plotter.NewScatter(xys)
		if err != nil {
			return fmt.Errorf("plot %s: %w", path, err)
		}
		s.Color = plotutil.Color(0)
		s.Shape = draw.CircleGlyph{}
		s.Radius = vg.Points(2)
		p.Add(diag, s)
		p.Legend.Add("learned", s)
		p.Legend.Add("y = x", diag)
		p.Legend.Top, p.Legend.Left = true, true
	} else {
		p.Title.Text += " (no finite values)"
	}
	return savePNG(path, 5.5*vg.Inch, 5*vg.Inch, func(dc draw.Canvas) { p.Draw(dc) })
}
