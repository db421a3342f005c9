package report

import (
	"math"
	"strconv"
)

// Bar is one bar of a BarChart.
type Bar struct {
	Label string
	Value float64
	// Text is printed at the end of the bar; empty means the value with
	// one decimal.
	Text string
	Tone Tone
}

// BarChart is a horizontal bar chart drawn with PDF lines and rectangles,
// so it prints sharp at any size. Horizontal, because the labels are
// project names, which are long.
type BarChart struct {
	Title string
	// Unit is printed after the axis values, e.g. "%" or "亿元".
	Unit string
	Bars []Bar
	// Max is the end of the axis; zero means a round number above the
	// largest value.
	Max float64
	// Reference, when not zero, draws a dashed line at that value, with
	// ReferenceLabel beside it (e.g. the share of the year elapsed).
	Reference      float64
	ReferenceLabel string
}

// BarChart adds c at the cursor. Bars with negative values are drawn as
// zero-length; the chart splits across pages between bars if it must.
func (d *Doc) BarChart(c BarChart) {
	size := smallSize
	labelW := 0.0
	for _, b := range c.Bars {
		labelW = max(labelW, d.measure(d.clean(b.Label), serif, size))
	}
	labelW = min(labelW+2, d.Width()*0.32)
	valueRoom := 18.0
	plotX := d.left + labelW
	plotW := d.Width() - labelW - valueRoom
	top := c.Max
	if top <= 0 {
		for _, b := range c.Bars {
			top = max(top, b.Value)
		}
		top = max(top, c.Reference)
		top = niceCeil(top)
	}
	if top <= 0 {
		top = 1
	}
	step := niceStep(top)

	// Keep the chart on one page when it fits on one; otherwise start it
	// with at least three bars.
	titleH := 0.0
	if c.Title != "" {
		titleH = style{size: bodySize}.lineHeight() + 1
	}
	whole := c.height()
	if whole <= d.bottom-d.top {
		d.ensure(whole)
	} else {
		d.ensure(titleH + 3 + float64(min(len(c.Bars), 3))*(barH+barGap) + axisGap)
	}
	if c.Title != "" {
		d.textBlock(c.Title, style{size: bodySize, face: sansBold, color: colText, align: AlignCenter}, d.left, d.Width())
		d.y += 1
	}
	// Grid lines first, behind the bars; the bars; then every label on
	// top, so no line cuts through a bar or a figure.
	grid := func(y0, y1 float64) {
		d.pdf.SetLineWidth(0.15)
		d.setFont(serif, tinySize)
		d.setColor(colMuted)
		for v := 0.0; v <= top+step/1000; v += step {
			x := plotX + plotW*v/top
			d.drawColor(0xDDDDDD)
			d.pdf.Line(x, y0, x, y1)
			t := formatNumber(v)
			if v+step > top+step/1000 && c.Unit != "" {
				t += c.Unit
			}
			d.text(x-d.measure(t, serif, tinySize)/2, y1+3.5, t)
		}
	}
	overlay := func(y0, y1 float64) {
		d.drawColor(colRule)
		d.pdf.SetLineWidth(0.15)
		d.pdf.Line(plotX, y0, plotX, y1)
		if c.Reference > 0 && c.Reference <= top {
			x := plotX + plotW*c.Reference/top
			d.drawColor(colRed)
			d.pdf.SetLineWidth(0.3)
			d.pdf.SetDashPattern([]float64{1.2, 0.8}, 0)
			d.pdf.Line(x, y0-1, x, y1)
			d.pdf.SetDashPattern(nil, 0)
			if c.ReferenceLabel != "" {
				t := d.clean(c.ReferenceLabel)
				d.setFont(serif, tinySize)
				d.setColor(colRed)
				tw := d.measure(t, serif, tinySize)
				d.text(min(x-tw/2, d.right-tw), y0-1.8, t)
			}
		}
	}
	segStart := d.y + 3
	for idx := 0; idx < len(c.Bars); {
		// The bars that fit on this page make one segment of the chart.
		k, end := idx, segStart
		for k < len(c.Bars) && end+barH+barGap+axisGap <= d.bottom {
			end += barH + barGap
			k++
		}
		if k == idx {
			d.newPage()
			segStart = d.y + 3
			continue
		}
		grid(segStart-1, end)
		for i, b := range c.Bars[idx:k] {
			w := plotW * max(0, math.Min(b.Value, top)) / top
			if w > 0 {
				d.fillColor(b.Tone.bar())
				d.pdf.Rect(plotX, segStart+float64(i)*(barH+barGap), w, barH, "F")
			}
		}
		for i, b := range c.Bars[idx:k] {
			cy := segStart + float64(i)*(barH+barGap)
			label := d.clean(b.Label)
			d.setFont(serif, size)
			d.setColor(colText)
			for d.measure(label, serif, size) > labelW-2 && len([]rune(label)) > 1 {
				r := []rune(label)
				label = string(r[:len(r)-2]) + "…"
			}
			d.text(plotX-2-d.measure(label, serif, size), baseline(cy, barH, size), label)
			w := plotW * max(0, math.Min(b.Value, top)) / top
			text := b.Text
			if text == "" {
				text = formatNumber(b.Value)
			}
			text = d.clean(text)
			d.setFont(serif, tinySize)
			d.text(plotX+w+1.2, baseline(cy, barH, tinySize), text)
		}
		overlay(segStart-1, end)
		d.y = end
		idx = k
		if idx < len(c.Bars) {
			d.newPage()
			segStart = d.y + 3
		}
	}
	d.y += axisGap
}

// Bar geometry, in mm.
const (
	barH    = 4.2
	barGap  = 1.8
	axisGap = 7.0
)

// height is the room the whole chart takes.
func (c BarChart) height() float64 {
	h := 3 + float64(len(c.Bars))*(barH+barGap) + axisGap
	if c.Title != "" {
		h += style{size: bodySize}.lineHeight() + 1
	}
	return h
}

// niceCeil rounds v up to 1, 2, 2.5 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 0
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10} {
		if v <= m*p+1e-9 {
			return m * p
		}
	}
	return 10 * p
}

// niceStep chooses a grid step that gives four to ten grid lines.
func niceStep(top float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(top)))
	for _, m := range []float64{0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10} {
		if top/(m*p) <= 10 {
			return m * p
		}
	}
	return top / 5
}

// formatNumber prints v with at most one decimal and no trailing zero.
func formatNumber(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}
