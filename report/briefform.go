package report

import (
	"fmt"
	"strconv"
	"strings"
)

// masthead draws the 报头 of a 简报: the title in red, the 期号 under it,
// the 编发单位 on the left and the date on the right above a red rule, and
// the period the brief covers.
func (d *Doc) masthead(title, issue, issuer, date, period string) {
	d.ensure(60)
	d.textBlock(title, style{size: titleSize, face: serifBold, color: colRed, align: AlignCenter, lead: 1.4}, d.left, d.Width())
	d.y += 1
	d.textBlock(issue, style{size: subheadSize, face: serif, color: colText, align: AlignCenter}, d.left, d.Width())
	d.y += 3
	lh := style{size: bodySize}.lineHeight()
	d.setFont(serif, bodySize)
	d.setColor(colText)
	dt := d.clean(date)
	dw := d.measure(dt, serif, bodySize)
	// The issuer wraps short of the date should it be long.
	d.textBlock(issuer, style{size: bodySize, face: serif, color: colText}, d.left, d.Width()-dw-8)
	d.setFont(serif, bodySize)
	d.setColor(colText)
	d.text(d.right-dw, baseline(d.y-lh, lh, bodySize), dt)
	d.y += 1
	d.drawColor(colRed)
	d.pdf.SetLineWidth(0.8)
	d.pdf.Line(d.left, d.y, d.right, d.y)
	d.y += 3
	d.textBlock(period, style{size: smallSize, face: serif, color: colMuted, align: AlignCenter}, d.left, d.Width())
	d.y += 2
}

// unitTable is the table by responsible unit under 总体情况, with its
// 合计 the same counts the sentences above it give.
func (d *Doc) unitTable(f briefFigures) {
	l := d.printLang()
	if len(f.units) == 0 {
		return
	}
	var rows []Row
	open, overdue, closed := 0, 0, 0
	units := f.units
	if len(units) > pageOneUnits {
		// The units with the most overdue work by name, the rest in one
		// line, so the conclusions stay on page 1; 问题清单 lists them all.
		rest := unitFigures{unit: fmt.Sprintf(l.t("report.brief.other_units"), len(units)-pageOneUnits+1)}
		for _, u := range units[pageOneUnits-1:] {
			rest.open += u.open
			rest.overdue += u.overdue
			rest.closed += u.closed
			rest.total += u.total
			rest.closedAt += u.closedAt
		}
		units = append(units[:pageOneUnits-1:pageOneUnits-1], rest)
	}
	for i, u := range units {
		c := periodCounts{total: u.total, closedAt: u.closedAt}
		num := strconv.Itoa(i + 1)
		if i == pageOneUnits-1 && len(f.units) > pageOneUnits {
			num = ""
		}
		rows = append(rows, Row{Cells: []Cell{
			{Text: num},
			{Text: l.unitName(u.unit)},
			{Text: strconv.Itoa(u.open)},
			{Text: strconv.Itoa(u.overdue), Tone: toneIf(u.overdue > 0, ToneAlert)},
			{Text: strconv.Itoa(u.closed)},
			{Text: percent(c.closingRate())},
		}})
		open += u.open
		overdue += u.overdue
		closed += u.closed
	}
	rows = append(rows, Row{Cells: []Cell{
		{}, {Text: l.t("report.col.total"), Bold: true},
		{Text: strconv.Itoa(open), Bold: true},
		{Text: strconv.Itoa(overdue), Bold: true},
		{Text: strconv.Itoa(closed), Bold: true},
		{Text: percent(f.now.closingRate()), Bold: true},
	}})
	d.Table(Table{Columns: []Column{
		{Header: l.t("report.col.no"), Weight: 1, Align: AlignCenter, NoWrap: true},
		{Header: l.t("report.col.responsible_unit"), Weight: 3},
		{Header: l.t("report.brief.open"), Weight: 1, Align: AlignCenter, NoWrap: true},
		{Header: l.t("report.col.overdue"), Weight: 1, Align: AlignCenter, NoWrap: true},
		{Header: l.t("report.brief.closed_this_period"), Weight: 1, Align: AlignCenter, NoWrap: true},
		{Header: l.t("report.brief.closed_all"), Weight: 1, Align: AlignRight, NoWrap: true},
	}, Rows: rows})
	d.Note(l.t("report.brief.open_and_overdue_are_at"))
}

// pageOneUnits is how many lines the table by unit has at most.
const pageOneUnits = 6

// coordinationMatters is how many overdue matters page 1 lists.
const coordinationMatters = 5

// coordinationTable lists the longest-overdue findings, for the leaders to
// settle at the meeting.
func (d *Doc) coordinationTable(f briefFigures) {
	l := d.printLang()
	if len(f.matters) == 0 {
		d.Paragraph(l.t("report.brief.no_finding_is_overdue"))
		return
	}
	var rows []Row
	for i, m := range f.matters[:min(len(f.matters), coordinationMatters)] {
		rows = append(rows, Row{Cells: []Cell{
			{Text: strconv.Itoa(i + 1)},
			{Text: m.project},
			{Text: m.text},
			{Text: l.unitName(m.unit)},
			{Text: l.count("report.unit.days_overdue", m.late), Tone: ToneAlert},
		}})
	}
	d.Table(Table{Columns: []Column{
		{Header: l.t("report.col.no"), Weight: 1, Align: AlignCenter, NoWrap: true},
		{Header: l.t("report.col.project"), Weight: 1},
		{Header: l.t("report.brief.finding"), Weight: 3},
		{Header: l.t("report.col.responsible_unit"), Weight: 1},
		{Header: l.t("report.col.overdue"), Weight: 1, Align: AlignCenter, NoWrap: true},
	}, Rows: rows})
	if n := len(f.matters) - coordinationMatters; n > 0 {
		d.Note(fmt.Sprintf(l.t("report.brief.more_overdue_findings_are_in"), n))
	}
}

// nextSteps writes 下步工作: the next dispatch meeting, the next tour, the
// projects overdue for their monthly visit, then the inspector's own items.
func (d *Doc) nextSteps(f briefFigures, extra string) {
	l := d.printLang()
	next := f.to.AddDate(0, 0, 1).AddDate(0, 2, 0)
	quarter := (int(next.Month())-1)/3 + 1 // of the next meeting
	items := []string{
		fmt.Sprintf(l.t("report.brief.the_next_dispatch_meeting_is"), l.month(next)),
		fmt.Sprintf(l.t("report.brief.tour_of_the_key_projects"), next.Year(), l.quarterName(quarter)),
	}
	if len(f.unvisited) > 0 {
		items = append(items, fmt.Sprintf(l.t("report.brief.projects_have_had_no_site"), len(f.unvisited), l.joinList(f.unvisited)))
	} else {
		items = append(items, l.t("report.brief.every_project_was_visited_in"))
	}
	if len(f.matters) > 0 {
		items = append(items, fmt.Sprintf(l.t("report.brief.press_for_the_overdue_findings"), len(f.matters)))
	}
	for _, line := range strings.Split(extra, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			items = append(items, line)
		}
	}
	for i, it := range items {
		d.Paragraph(l.sectionNumber(2, i+1) + it)
	}
}

// unitName prints a responsible unit, translating the stand-in for none.
func (l printLang) unitName(u string) string {
	if u == noUnit {
		return l.t("report.unit.no_responsible_unit_given")
	}
	return u
}

// noUnit stands for a finding with no responsible unit.
const noUnit = "（未指定责任单位）"

// colophon draws the 版记 at the foot of the last page: 报, 送 and 发
// between rules, then the 编发单位 and the 印发日期.
func (d *Doc) colophon(form BriefForm, date string) {
	l := d.printLang()
	or := func(s, def string) string {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
		return def
	}
	lines := []string{
		l.t("report.brief.to") + or(form.To, l.t("report.brief.heads_of_the_science_city")),
		l.t("report.brief.copy") + or(form.Copy, l.t("report.brief.lead_and_functional_departments")),
		l.t("report.brief.distribution") + or(form.Send, l.t("report.brief.owners_of_the_key_projects")),
	}
	st := style{size: bodySize - 1, face: serif, color: colText}
	lh := st.lineHeight()
	h := 0.0
	for _, s := range lines {
		h += float64(len(d.wrap(s, serif, st.size, d.Width()-4, 0)))*lh + 2
	}
	h += lh + 4
	d.ensure(h + 4)
	// At the foot of the page, as the form has it.
	d.y = max(d.y+4, d.bottom-h)
	rule := func(w float64) {
		d.drawColor(colText)
		d.pdf.SetLineWidth(w)
		d.pdf.Line(d.left, d.y, d.right, d.y)
	}
	rule(0.5)
	for _, s := range lines {
		d.y += 1
		d.textBlock(s, st, d.left+2, d.Width()-4)
		d.y += 1
		rule(0.2)
	}
	d.y += 1
	issued := fmt.Sprintf(l.t("report.brief.issued"), date)
	d.textBlock(form.Issuer, st, d.left+2, d.Width()/2)
	d.setFont(serif, st.size)
	d.text(d.right-2-d.measure(d.clean(issued), serif, st.size), baseline(d.y-lh, lh, st.size), d.clean(issued))
	d.y += 1
	rule(0.5)
}
