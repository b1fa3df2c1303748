package plots

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// grid is a row-major nx × ny field with x fastest: v[j*nx+i] at
// (xs[i], ys[j]). It implements plotter.GridXYZ.
type grid struct {
	xs, ys, v []float64
}

var _ plotter.GridXYZ = grid{}

func (g grid) Dims() (c, r int)                      { return len(g.xs), len(g.ys) }
func (g grid) Z(c, r int) float64                    { return g.v[r*len(g.xs)+c] }
func (g grid) X(c int) float64                       { return g.xs[c] }
func (g grid) Y(r int) float64                       { return g.ys[r] }
func (g grid) finiteRange() (float64, float64, bool) { return rangeOf(g.v) }

// Colour maps: a diverging map for solution values, which are often signed
// and centred on zero, and a sequential one for |error|, where only the size
// matters. Both are Moreland's perceptually uniform maps. They are functions
// because a ColorMap carries its own min and max.
var (
	fieldMap = func() palette.ColorMap { return moreland.SmoothBlueRed() }
	errorMap = func() palette.ColorMap { return moreland.BlackBody() }
)

// Heatmap2D draws fields on a regular nx × ny grid as heat maps with colour
// bars, in one PNG: the prediction alone when ref is nil, otherwise three
// panels side by side, prediction, reference and |prediction - reference|.
// Values are row-major with x fastest: v[j*nx+i] is the value at
// (xs[i], ys[j]), with nx = len(xs) and ny = len(ys); xs and ys must be
// finite and strictly increasing. Prediction and reference share one colour
// scale so that they can be compared by eye; NaN and ±Inf cells are green.
func Heatmap2D(path, title, xlabel, ylabel string, xs, ys []float64, pred, ref []float64) error {
	if err := checkAxis(xs); err != nil {
		return fmt.Errorf("plot %s: xs: %w", path, err)
	}
	if err := checkAxis(ys); err != nil {
		return fmt.Errorf("plot %s: ys: %w", path, err)
	}
	n := len(xs) * len(ys)
	if len(pred) != n {
		return fmt.Errorf("plot %s: %d predictions for a %d × %d grid", path, len(pred), len(xs), len(ys))
	}
	if ref != nil && len(ref) != n {
		return fmt.Errorf("plot %s: %d reference values for a %d × %d grid", path, len(ref), len(xs), len(ys))
	}

	type panel struct {
		name string
		g    grid
		cm   palette.ColorMap
	}
	lo, hi, _ := rangeOf(pred, ref)
	panels := []panel{{"prediction", grid{xs, ys, pred}, fieldMap()}}
	if ref != nil {
		absErr := make([]float64, n)
		for i := range absErr {
			absErr[i] = math.Abs(pred[i] - ref[i])
		}
		panels = append(panels,
			panel{"reference", grid{xs, ys, ref}, fieldMap()},
			panel{"|prediction - reference|", grid{xs, ys, absErr}, errorMap()},
		)
	}
	for k := range panels {
		if k < 2 {
			panels[k].cm.SetMin(lo)
			panels[k].cm.SetMax(hi)
			continue
		}
		// The error scale starts at zero: a perfect fit is black.
		_, ehi, _ := panels[k].g.finiteRange()
		_, ehi = widen(0, math.Max(ehi, 0))
		panels[k].cm.SetMin(0)
		panels[k].cm.SetMax(ehi)
	}

	var heat, bars []*plot.Plot
	for _, pn := range panels {
		ptitle := pn.name
		if len(panels) == 1 {
			ptitle = title
		}
		p := newPlot(ptitle, xlabel, ylabel)
		h := plotter.NewHeatMap(pn.g, pn.cm.Palette(255))
		h.Min, h.Max = pn.cm.Min(), pn.cm.Max()
		h.NaN = nanColor
		// The grid is regular, so one image scaled to the data range is
		// exact, and far smaller and faster than a rectangle per cell.
		h.Rasterized = true
		p.Add(h)
		p.X.Padding, p.Y.Padding = 0, 0
		heat = append(heat, p)

		b := plot.New()
		b.HideY()
		b.X.Padding = 0
		b.X.Tick.Marker = shortTicks{}
		b.Add(&plotter.ColorBar{ColorMap: pn.cm, Colors: 255})
		bars = append(bars, b)
	}

	const panelW, barH = 5 * vg.Inch, 0.8 * vg.Inch
	titleH := vg.Length(0)
	if len(panels) > 1 && title != "" {
		titleH = 0.45 * vg.Inch
	}
	w := vg.Length(len(panels)) * panelW
	h := 4.8*vg.Inch + barH + titleH
	return savePNG(path, w, h, func(dc draw.Canvas) {
		if len(panels) > 1 {
			dc = splitTop(dc, title, titleH)
		}
		pad := vg.Points(8)
		for k := range panels {
			x0 := vg.Length(k) * panelW
			col := draw.Crop(dc, x0+pad, x0+panelW-w-pad, pad, -pad)
			heat[k].Draw(draw.Crop(col, 0, 0, barH, 0))
			// Indent the bar to sit under the heat map rather than under
			// its y-axis labels.
			bar := draw.Crop(col, 0.55*vg.Inch, -0.1*vg.Inch, 0, barH-col.Size().Y)
			bars[k].Draw(draw.Crop(bar, 0, 0, 0, -vg.Points(8)))
		}
	})
}

// checkAxis rejects grid coordinates a heat map cannot place.
func checkAxis(v []float64) error {
	if len(v) == 0 {
		return fmt.Errorf("no coordinates")
	}
	for i, x := range v {
		if !finite(x) {
			return fmt.Errorf("coordinate %d is %v", i, x)
		}
		if i > 0 && !(x > v[i-1]) {
			return fmt.Errorf("coordinates not strictly increasing at %d (%v after %v)", i, x, v[i-1])
		}
	}
	return nil
}
