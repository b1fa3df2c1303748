package plots

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Line1D draws a 1-D solution: the prediction, and the reference when ref is
// not nil, against x, with an |error| panel below them when there is a
// reference. x need not be sorted. Points where x or the value is not
// finite are left out.
func Line1D(path, title, xlabel string, x, pred, ref []float64) error {
	if len(pred) != len(x) {
		return fmt.Errorf("plot %s: %d predictions for %d points", path, len(pred), len(x))
	}
	if ref != nil && len(ref) != len(x) {
		return fmt.Errorf("plot %s: %d reference values for %d points", path, len(ref), len(x))
	}
	order := make([]int, len(x))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmpNaNLast(x[a], x[b]) })

	top := newPlot(title, xlabel, "u")
	if err := addLine(top, "prediction", 0, x, pred, order); err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	if ref == nil {
		return savePNG(path, 7*vg.Inch, 4.5*vg.Inch, func(dc draw.Canvas) { top.Draw(dc) })
	}
	if err := addLine(top, "reference", 1, x, ref, order); err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	top.Legend.Top = true
	headroom(top)

	absErr := make([]float64, len(x))
	for i := range absErr {
		absErr[i] = math.Abs(pred[i] - ref[i])
	}
	bottom := newPlot("", xlabel, "|prediction - reference|")
	if err := addLine(bottom, "", 3, x, absErr, order); err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	bottom.Y.Min = 0
	// Both panels share the x range, so their points line up.
	top.X.Min = math.Min(top.X.Min, bottom.X.Min)
	top.X.Max = math.Max(top.X.Max, bottom.X.Max)
	bottom.X.Min, bottom.X.Max = top.X.Min, top.X.Max

	return savePNG(path, 7*vg.Inch, 7*vg.Inch, func(dc draw.Canvas) {
		plots := [][]*plot.Plot{{top}, {bottom}}
		tiles := draw.Tiles{Rows: 2, Cols: 1, PadY: vg.Points(8), PadTop: vg.Points(4), PadBottom: vg.Points(4), PadLeft: vg.Points(4), PadRight: vg.Points(8)}
		cs := plot.Align(plots, tiles, dc)
		top.Draw(cs[0][0])
		bottom.Draw(cs[1][0])
	})
}

// addLine adds the finite points of (x, y), in the given order of x, as a
// line in style i, with a legend entry unless name is empty; a series with
// no finite point is skipped.
func addLine(p *plot.Plot, name string, i int, x, y []float64, order []int) error {
	var xys plotter.XYs
	for _, k := range order {
		if finite(x[k]) && finite(y[k]) {
			xys = append(xys, plotter.XY{X: x[k], Y: y[k]})
		}
	}
	if len(xys) == 0 {
		return nil
	}
	l, err := plotter.NewLine(xys)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	lineStyle(l, i)
	p.Add(l)
	if name != "" {
		p.Legend.Add(name, l)
	}
	return nil
}

// headroom raises the top of a linear y axis by 15% so that a legend in the
// top corner does not sit on the data.
func headroom(p *plot.Plot) {
	if p.Y.Min < p.Y.Max {
		p.Y.Max += 0.15 * (p.Y.Max - p.Y.Min)
	}
}

// cmpNaNLast orders floats ascending with NaN last, a total order the sort
// needs (NaN compares false with everything).
func cmpNaNLast(a, b float64) int {
	switch {
	case math.IsNaN(a) && math.IsNaN(b):
		return 0
	case math.IsNaN(a):
		return 1
	case math.IsNaN(b):
		return -1
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
