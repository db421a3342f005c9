package report

// rgb is a colour as 0xRRGGBB. An integer rather than a struct so that
// the palette can be constants: the package keeps no mutable state.
type rgb uint32

func (c rgb) r() int { return int(c >> 16 & 0xFF) }
func (c rgb) g() int { return int(c >> 8 & 0xFF) }
func (c rgb) b() int { return int(c & 0xFF) }

// The palette is restrained, as for a printed official document: black
// text, grey rules, and colour only where it carries meaning (a failed
// check, an overdue finding, a status light).
const (
	colText   rgb = 0x191919
	colMuted  rgb = 0x6E6E6E
	colHeader rgb = 0x787878
	colRule   rgb = 0x5A5A5A
	colRed    rgb = 0xC00000
	colShade  rgb = 0xEEF0F4
	colHead   rgb = 0xDEE4EE
	colBar    rgb = 0x3A6096
	colWhite  rgb = 0xFFFFFF
)

func (d *Doc) setColor(c rgb) { d.pdf.SetTextColor(c.r(), c.g(), c.b()) }

// Align is the horizontal alignment of text in its column.
type Align int

// Alignments.
const (
	AlignLeft Align = iota
	AlignCenter
	AlignRight
)

// Tone marks a table row, a cell or a bar as carrying a judgement. Colours
// stay legible when printed in black and white: alert text is also bold.
type Tone int

// Tones.
const (
	ToneNone  Tone = iota
	ToneAlert      // failed check, overdue, 严重滞后
	ToneWarn       // due soon, 滞后
	ToneGood       // passed, on schedule, closed
	ToneMuted      // not applicable, withdrawn
)

// fill is the background of a toned cell; ok is false for no background.
func (t Tone) fill() (rgb, bool) {
	switch t {
	case ToneAlert:
		return 0xFCE4E4, true
	case ToneWarn:
		return 0xFFF2CC, true
	case ToneGood:
		return 0xE4F3E7, true
	}
	return 0, false
}

// ink is the text colour of a toned cell.
func (t Tone) ink() rgb {
	switch t {
	case ToneAlert:
		return 0xAA0000
	case ToneWarn:
		return 0x8C5000
	case ToneGood:
		return 0x146928
	case ToneMuted:
		return colMuted
	}
	return colText
}

// bar is the fill of a toned bar in a chart.
func (t Tone) bar() rgb {
	switch t {
	case ToneAlert:
		return 0xC82828
	case ToneWarn:
		return 0xE19614
	case ToneGood:
		return 0x328C46
	case ToneMuted:
		return 0xAAAAAA
	}
	return colBar
}

func (d *Doc) drawColor(c rgb) { d.pdf.SetDrawColor(c.r(), c.g(), c.b()) }
func (d *Doc) fillColor(c rgb) { d.pdf.SetFillColor(c.r(), c.g(), c.b()) }

// legendItem is one swatch of a Legend.
type legendItem struct {
	tone Tone
	text string
}

// Legend explains the fills of toned cells in one line of small swatches,
// for a reader of a black-and-white copy too (alert text is also bold).
func (d *Doc) Legend(items []legendItem) {
	const sw = 3.0
	size := smallSize
	lh := style{size: size}.lineHeight()
	d.ensure(lh + 1)
	x := d.left
	d.setFont(serif, size)
	for _, it := range items {
		fill, _ := it.tone.fill()
		d.fillColor(fill)
		d.drawColor(colRule)
		d.pdf.SetLineWidth(0.15)
		d.pdf.Rect(x, d.y+(lh-sw)/2, sw, sw, "FD")
		x += sw + 1
		t := d.clean(it.text)
		d.setColor(colMuted)
		d.text(x, baseline(d.y, lh, size), t)
		x += d.measure(t, serif, size) + 4
	}
	d.y += lh + 1
}

// findingLegend explains the fills of finding tables.
func (d *Doc) findingLegend() {
	l := d.printLang()
	d.Legend([]legendItem{{ToneAlert, l.t("report.col.overdue")}, {ToneWarn, l.t("report.brief.due_within_7_days")}, {ToneGood, l.t("report.brief.closed")}})
}

// lightLegend explains the fills of project status.
func (d *Doc) lightLegend() {
	l := d.printLang()
	d.Legend([]legendItem{{ToneGood, l.t("report.brief.light_on_schedule")}, {ToneWarn, l.t("report.brief.light_behind")}, {ToneAlert, l.t("report.brief.light_seriously_behind")}})
}
