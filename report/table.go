package report

import (
	"strings"
	"unicode/utf8"

	"fieldbrief/linebreak"
)

// Column describes one column of a Table.
type Column struct {
	Header string
	// Weight is the column's share of the width left once every column
	// has the room its content needs (see columnWidths); it also sizes a
	// column whose cells are all empty.
	Weight float64
	// NoWrap keeps every cell of the column on one line: 序号, dates,
	// amounts.
	NoWrap bool
	Align  Align
	// Shade gives the column a grey background, as for the labels of a
	// fact block.
	Shade bool
	// Bold sets the column's cells in bold.
	Bold bool
}

// Cell is one table cell.
type Cell struct {
	Text string
	Tone Tone
	Bold bool
}

// Row is one table row. A row's Tone applies to every cell that has none
// of its own.
type Row struct {
	Cells []Cell
	Tone  Tone
}

// TextRow makes a row of plain cells.
func TextRow(texts ...string) Row {
	r := Row{Cells: make([]Cell, len(texts))}
	for i, t := range texts {
		r.Cells[i] = Cell{Text: t}
	}
	return r
}

// Table is a grid whose cells wrap their text. When it runs over a page,
// its header row is repeated at the top of the next page, and a row too
// tall for one page continues on the next.
type Table struct {
	Columns []Column
	Rows    []Row
	// NoHeader leaves out the header row (fact blocks have none).
	NoHeader bool
	// Size is the font size in points; zero means 9 pt (小五).
	Size float64
	// Continued names the table on the pages it runs onto, as
	// "name（续）" above the repeated header: the project or unit it is
	// about.
	Continued string
}

const (
	cellPadX = 1.6
	cellPadY = 1.0
)

// laidRow is a row broken into lines, one slice per column.
type laidRow struct {
	lines [][]wrapped
	row   Row
	head  bool
}

func (r laidRow) maxLines() int {
	n := 0
	for _, l := range r.lines {
		n = max(n, len(l))
	}
	return n
}

// Table adds t at the cursor.
func (d *Doc) Table(t Table) {
	if len(t.Columns) == 0 {
		return
	}
	size := t.Size
	if size == 0 {
		size = smallSize
	}
	lh := style{size: size, lead: 1.4}.lineHeight()
	widths := d.columnWidths(t, size)

	lay := func(r Row, head bool) laidRow {
		lr := laidRow{lines: make([][]wrapped, len(t.Columns)), row: r, head: head}
		for i, c := range t.Columns {
			text := ""
			bold := head || c.Bold
			if i < len(r.Cells) {
				text = r.Cells[i].Text
				bold = bold || r.Cells[i].Bold
			}
			lr.lines[i] = d.wrap(text, cellFace(head, bold), size, widths[i]-2*cellPadX, 0)
		}
		return lr
	}
	var header laidRow
	if !t.NoHeader {
		hr := Row{Cells: make([]Cell, len(t.Columns))}
		for i, c := range t.Columns {
			hr.Cells[i] = Cell{Text: c.Header}
		}
		header = lay(hr, true)
	}
	headerH := 0.0
	if !t.NoHeader {
		headerH = float64(header.maxLines())*lh + 2*cellPadY
	}
	fullPage := d.bottom - d.top - headerH

	contStyle := style{size: smallSize, face: sansBold, color: colMuted}
	if t.Continued != "" {
		fullPage -= contStyle.lineHeight() + 0.5
	}
	started := false
	startPage := func() {
		// On the pages the table runs onto, say whose it is.
		if started && t.Continued != "" {
			d.textBlock(t.Continued+d.printLang().t("report.brief.continued"), contStyle, d.left, d.Width())
			d.y += 0.5
		}
		started = true
		if !t.NoHeader {
			d.drawRow(header, 0, header.maxLines(), widths, t.Columns, size, lh)
		}
	}
	laid := make([]laidRow, len(t.Rows))
	for i, r := range t.Rows {
		laid[i] = lay(r, false)
	}
	// Start on a new page unless the header and the whole first row fit
	// here (or the first line of a row too tall for any page): a header
	// alone at the foot of a page says nothing.
	first := lh + 2*cellPadY
	if len(laid) > 0 {
		if h := float64(max(laid[0].maxLines(), 1))*lh + 2*cellPadY; h <= fullPage {
			first = h
		}
	}
	d.ensure(headerH + first)
	startPage()
	for _, lr := range laid {
		n := max(lr.maxLines(), 1)
		off := 0
		for off < n {
			rest := n - off
			room := int((d.bottom - d.y - 2*cellPadY + 0.01) / lh)
			switch {
			case rest <= room:
				d.drawRow(lr, off, rest, widths, t.Columns, size, lh)
				off = n
			case off == 0 && float64(rest)*lh+2*cellPadY <= fullPage:
				// The row fits on a fresh page: move it whole rather than
				// split it.
				d.newPage()
				startPage()
			default:
				if room >= 1 {
					d.drawRow(lr, off, room, widths, t.Columns, size, lh)
					off += room
				}
				d.newPage()
				startPage()
			}
		}
	}
	d.y += 2
}

// columnWidths sizes the columns by their content. Each column gets at
// least its narrowest width — its widest unbreakable run (a word, a date, a
// number with its unit) and at least four characters, the whole text for
// the cells of NoWrap columns and for headers of up to four characters —
// so that no word is cut and 序号 never wraps.
// The width left over goes to the columns that want more than their
// minimum to set their longest cell on one line, in proportion to how much
// more each wants (weighted by Weight), so a long 结果 gets room an empty
// 说明 does not need. Only when even the minimums do not fit are they
// scaled down, and words cut.
func (d *Doc) columnWidths(t Table, size float64) []float64 {
	cols := t.Columns
	total := d.Width()
	n := len(cols)
	minW, want := make([]float64, n), make([]float64, n)
	// A header may wrap to fit its column: it claims its minimum, not room
	// to stand on one line.
	cell := func(i int, text string, fc face, whole, head bool) {
		text = d.clean(text)
		for _, para := range strings.Split(text, "\n") {
			full := d.measure(para, fc, size) + 2*cellPadX + 0.2
			if !head {
				want[i] = max(want[i], full)
			}
			if whole {
				minW[i] = max(minW[i], full)
			} else {
				// Never narrower than four characters (or the whole text),
				// so Chinese, which may break anywhere, does not stand in a
				// column one character wide.
				run := max(d.widestRun(para, fc, size), min(full-2*cellPadX, 4*size*ptToMM))
				minW[i] = max(minW[i], run+2*cellPadX+0.2)
			}
		}
	}
	for i, c := range cols {
		if !t.NoHeader {
			cell(i, c.Header, sansBold, utf8.RuneCountInString(c.Header) <= 4, true)
		}
		for _, r := range t.Rows {
			if i < len(r.Cells) {
				fc := boldOf(serif, c.Bold || r.Cells[i].Bold || r.Cells[i].Tone == ToneAlert || r.Tone == ToneAlert)
				cell(i, r.Cells[i].Text, fc, c.NoWrap, false)
			}
		}
	}
	sumMin, sumWant := 0.0, 0.0
	for i := range cols {
		want[i] = max(want[i], minW[i])
		if want[i] == 0 {
			// An empty column: its weight's share of an average column.
			want[i] = total / float64(n) * max(cols[i].Weight, 0.1)
		}
		sumMin += minW[i]
		sumWant += want[i]
	}
	w := make([]float64, n)
	switch {
	case sumMin >= total:
		for i := range w {
			w[i] = total * minW[i] / sumMin
		}
	case sumWant <= total:
		// Everything fits on one line: share the rest by what each wants.
		for i := range w {
			w[i] = want[i] + (total-sumWant)*want[i]/sumWant
		}
	default:
		// Water-filling: each round shares what is left among the columns
		// still short of what they want, none getting more than that.
		copy(w, minW)
		extra := total - sumMin
		for extra > 1e-6 {
			need := 0.0
			for i, c := range cols {
				if want[i]-w[i] > 1e-6 {
					need += (want[i] - w[i]) * max(c.Weight, 0.1)
				}
			}
			if need == 0 {
				break
			}
			given := 0.0
			for i, c := range cols {
				if gap := want[i] - w[i]; gap > 1e-6 {
					g := min(gap, extra*gap*max(c.Weight, 0.1)/need)
					w[i] += g
					given += g
				}
			}
			extra -= given
		}
	}
	return w
}

// widestRun is the width of the widest piece of s that the line breaker
// would not break.
func (d *Doc) widestRun(s string, fc face, size float64) float64 {
	rs := []rune(s)
	ops := d.breaker.Opportunities(rs)
	widest, cur := 0.0, 0.0
	for i, r := range rs {
		if !linebreak.IsSpace(r) {
			cur += d.fonts.width(fc, size, r)
		}
		widest = max(widest, cur)
		if ops[i] != linebreak.NoBreak {
			cur = 0
		}
	}
	return widest
}

// cellFace is the face of a table cell: header cells in the sans bold of
// headings, others in the serif of the body text.
func cellFace(head, bold bool) face {
	if head {
		return sansBold
	}
	return boldOf(serif, bold)
}

// drawRow draws lines [off, off+n) of every cell of r at the cursor and
// moves the cursor below it.
func (d *Doc) drawRow(r laidRow, off, n int, widths []float64, cols []Column, size, lh float64) {
	h := float64(n)*lh + 2*cellPadY
	x := d.left
	d.pdf.SetLineWidth(0.2)
	d.drawColor(colRule)
	for i, c := range cols {
		cell := Cell{}
		if i < len(r.row.Cells) {
			cell = r.row.Cells[i]
		}
		tone := cell.Tone
		if tone == ToneNone {
			tone = r.row.Tone
		}
		fill, filled := tone.fill()
		switch {
		case r.head:
			fill, filled = colHead, true
		case !filled && c.Shade:
			fill, filled = colShade, true
		}
		if filled {
			d.fillColor(fill)
			d.pdf.Rect(x, d.y, widths[i], h, "FD")
		} else {
			d.pdf.Rect(x, d.y, widths[i], h, "D")
		}
		bold := r.head || c.Bold || cell.Bold || tone == ToneAlert
		ink := tone.ink()
		if r.head {
			ink = colText
		}
		fc := cellFace(r.head, bold)
		d.setFont(fc, size)
		d.setColor(ink)
		lines := r.lines[i]
		align := c.Align
		if r.head {
			align = AlignCenter
		}
		from := off
		if off > 0 && len(lines) <= off && !r.head {
			// A row continued from the page before: a cell already
			// printed in full there — 序号, 项目 — is printed again, so
			// the part on this page says whose it is.
			from = 0
		}
		for j := from; j < from+n && j < len(lines); j++ {
			text := lines[j].text
			if text == "" {
				continue
			}
			inner := widths[i] - 2*cellPadX
			lx := x + cellPadX
			switch align {
			case AlignCenter:
				lx += (inner - d.measure(text, fc, size)) / 2
			case AlignRight:
				lx += inner - d.measure(text, fc, size)
			}
			d.text(lx, baseline(d.y+cellPadY+float64(j-from)*lh, lh, size), text)
		}
		x += widths[i]
	}
	d.y += h
}

// Fact is one labelled value in a fact block.
type Fact struct {
	Label, Value string
	Tone         Tone
}

// Facts adds a block of labelled values, cols label–value pairs to a row,
// labels shaded, values wrapping.
func (d *Doc) Facts(facts []Fact, cols int) { d.FactsOf("", facts, cols) }

// FactsOf is Facts for a block that names what it is about on a page it
// runs onto (see Table.Continued).
func (d *Doc) FactsOf(name string, facts []Fact, cols int) {
	if len(facts) == 0 {
		return
	}
	cols = max(cols, 1)
	var columns []Column
	for range cols {
		columns = append(columns, Column{Weight: 1, Shade: true, NoWrap: true}, Column{Weight: 2.2})
	}
	var rows []Row
	for i := 0; i < len(facts); i += cols {
		var r Row
		for j := range cols {
			if i+j < len(facts) {
				f := facts[i+j]
				r.Cells = append(r.Cells, Cell{Text: f.Label}, Cell{Text: f.Value, Tone: f.Tone})
			} else {
				r.Cells = append(r.Cells, Cell{}, Cell{})
			}
		}
		rows = append(rows, r)
	}
	d.Table(Table{Columns: columns, Rows: rows, NoHeader: true, Size: factSize, Continued: name})
}

// Signatures adds signature lines, one per label (for example "督查人员（签字）"),
// each with a date line, kept together on one page.
func (d *Doc) Signatures(labels []string) {
	const rowH = 16.0
	d.Space(4)
	d.ensure(float64(len(labels)) * rowH)
	date := d.printLang().t("report.text.date")
	for _, l := range labels {
		d.setFont(serif, bodySize)
		d.setColor(colText)
		base := d.y + rowH - 4
		label := d.clean(l) + d.printLang().t("report.unit.colon")
		lw := d.measure(label, serif, bodySize)
		d.text(d.left, base, label)
		dateLabel := d.clean(date) + d.printLang().t("report.unit.colon")
		dw := d.measure(dateLabel, serif, bodySize)
		dateX := d.right - 45
		d.text(dateX-dw, base, dateLabel)
		d.drawColor(colText)
		d.pdf.SetLineWidth(0.3)
		d.pdf.Line(d.left+lw+1, base+1, dateX-dw-8, base+1)
		d.pdf.Line(dateX+1, base+1, d.right, base+1)
		d.y += rowH
	}
}
