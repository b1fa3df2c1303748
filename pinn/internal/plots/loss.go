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

// Loss draws loss curves against step on a logarithmic y axis, one line
// per series (the total and each term, say) in sorted-name order, with a
// legend. Every series must have len(steps) values; values that are NaN,
// ±Inf or <= 0 cannot be shown on a log axis and are left out (the line
// joins the points on either side).
func Loss(path string, title string, steps []float64, series map[string][]float64) error {
	names := make([]string, 0, len(series))
	for name, v := range series {
		if len(v) != len(steps) {
			return fmt.Errorf("plot %s: series %q has %d values for %d steps", path, name, len(v), len(steps))
		}
		names = append(names, name)
	}
	slices.Sort(names)

	p := newPlot(title, "step", "loss")
	ylo, yhi := math.Inf(1), math.Inf(-1)
	for i, name := range names {
		var xys plotter.XYs
		for k, v := range series[name] {
			if finite(v) && v > 0 && finite(steps[k]) {
				xys = append(xys, plotter.XY{X: steps[k], Y: v})
				ylo, yhi = math.Min(ylo, v), math.Max(yhi, v)
			}
		}
		if len(xys) == 0 {
			continue
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return fmt.Errorf("plot %s: series %q: %w", path, name, err)
		}
		lineStyle(l, i)
		p.Add(l)
		p.Legend.Add(name, l)
	}
	if ylo <= yhi {
		// Set the range ourselves: a log axis over a single value would
		// otherwise be widened by ±1, possibly below zero.
		if ylo == yhi {
			ylo, yhi = ylo/10, yhi*10
		}
		// Headroom for the legend: 20% more decades on top.
		yhi *= math.Pow(yhi/ylo, 0.2)
		p.Y.Min, p.Y.Max = ylo, yhi
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	} else {
		p.Title.Text += " (no positive finite values)"
	}
	p.Legend.Top = true
	return savePNG(path, 7*vg.Inch, 4.5*vg.Inch, func(dc draw.Canvas) { p.Draw(dc) })
}
