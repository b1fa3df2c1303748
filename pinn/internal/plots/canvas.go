package plots

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/gopinn/gopinn/pinn/internal/runio"
)

// dpi sets the pixel size of the figures: a 7 x 4.5 inch plot is 700 x 450.
const dpi = 100

// nanColor fills heat-map cells whose value is NaN or ±Inf: a green that
// neither colour map contains, so a bad cell cannot pass for a value.
var nanColor = color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}

// savePNG draws a w x h figure with paint and writes it to path as a PNG,
// atomically. gonum/plot panics on some degenerate input (a log axis over a
// non-positive range, say); that becomes an error, since a figure is never
// worth crashing a finished training run for.
func savePNG(path string, w, h vg.Length, paint func(dc draw.Canvas)) (err error) {
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi))
	dc := draw.New(c)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("plot %s: %v", path, r)
			}
		}()
		paint(dc)
	}()
	if err != nil {
		return err
	}
	return runio.WriteAtomic(path, func(out io.Writer) error {
		_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(out)
		return err
	})
}

// newPlot returns a plot with a title and axis labels.
func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.Padding = vg.Points(4)
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.X.Tick.Marker = shortTicks{}
	p.Y.Tick.Marker = shortTicks{}
	p.Add(plotter.NewGrid())
	return p
}

// shortTicks places ticks as plot.DefaultTicks does but labels them with
// at most 6 significant digits and no trailing zeros: "2500", not "2500.00",
// and "0.3", not "0.30000000000000004".
type shortTicks struct{}

func (shortTicks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ticks {
		if !ticks[i].IsMinor() {
			ticks[i].Label = strconv.FormatFloat(ticks[i].Value, 'g', 6, 64)
		}
	}
	return ticks
}

// drawTitle writes a figure title centred in the strip c.
func drawTitle(c draw.Canvas, title string) {
	p := plot.New()
	p.HideAxes()
	p.BackgroundColor = nil
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(14)
	p.Draw(c)
}

// splitTop cuts a strip of height h off the top of c when title is not
// empty and draws the title there, returning the rest of the canvas.
func splitTop(c draw.Canvas, title string, h vg.Length) draw.Canvas {
	if title == "" {
		return c
	}
	drawTitle(draw.Crop(c, 0, 0, c.Size().Y-h, 0), title)
	return draw.Crop(c, 0, 0, 0, -h)
}

// finite reports whether v is neither NaN nor ±Inf.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// lineStyle gives series i a colour and, once the colours run out, a dash
// pattern, so up to dozens of series stay distinguishable.
func lineStyle(l *plotter.Line, i int) {
	l.Color = plotutil.Color(i)
	l.Width = vg.Points(1.5)
	l.Dashes = plotutil.Dashes(i / 7)
}

// rangeOf returns the smallest and largest finite value over vs, widened to
// a non-empty interval; ok is false when there is no finite value.
func rangeOf(vs ...[]float64) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		for _, x := range v {
			if finite(x) {
				lo, hi = math.Min(lo, x), math.Max(hi, x)
			}
		}
	}
	if lo > hi {
		return 0, 1, false
	}
	lo, hi = widen(lo, hi)
	return lo, hi, true
}

// widen turns a single value into a small interval around it, since colour
// maps and axes need max > min.
func widen(lo, hi float64) (float64, float64) {
	if hi > lo {
		return lo, hi
	}
	d := math.Max(math.Abs(lo)*1e-3, 1e-12)
	return lo - d, hi + d
}
