package app

import (
	"cmp"
	"fmt"
	"image/color"
	"slices"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	sv "fieldbrief/supervision"
)

// dashboard is the first screen: the key projects in a table with what an
// inspector needs at a glance.
type dashboard struct {
	data Data
	lang sv.Lang
	now  func() time.Time
	bg   func(func())
	toUI func(func()) // mainUI.do

	all   []sv.ProjectStatus // as loaded
	rows  []sv.ProjectStatus // after search and filters
	index projectIndex       // what the search box looks in

	table    *widthTable
	widths   []float32 // of the columns, as fitted to the table's width
	fitWidth float32   // the width they were fitted to
	tips     *tipLayer // where the full names show on hover
	search   *widget.Entry
	overdue  *widget.Check
	industry *widget.Select // "" or an industry label
	leader   *widget.Select
	status   *widget.Label
	schedule *schedulePanel
	content  fyne.CanvasObject

	// chosen is the project whose page was opened last; the Ctrl+N
	// picker highlights it first.
	chosen string
	// sortCol is the column the rows are sorted by, -1 for the default
	// order (what needs attention first); sortDesc reverses it.
	sortCol  int
	sortDesc bool
	cols     []column

	// onOpen is called with a project when its row is chosen.
	onOpen func(sv.ProjectStatus)
}

type column struct {
	key   string
	width float32 // the least it gets, before its texts are measured
	text  func(d *dashboard, r sv.ProjectStatus) string
	// short, if set, is what the column shows where the full text does
	// not fit; the full text is then shown on hover.
	short func(d *dashboard, r sv.ProjectStatus) string
}

func dashboardColumns() []column {
	date := func(d *dashboard, t time.Time) string {
		if t.IsZero() {
			return t0("dashboard.never")
		}
		return string(sv.DateOf(t.In(d.now().Location())))
	}
	// Status, name and leader come first: they are what the inspector
	// reads a row by, and the table is sized so that they are always in
	// view without scrolling sideways (issue 14). Then what needs
	// attention — when the visit is due, the findings open and overdue —
	// and last the dates and phase, the first to be narrowed.
	return []column{
		{"dashboard.col.light", 60, func(d *dashboard, r sv.ProjectStatus) string { return orNotRecorded(r.Project.Light.Label(d.lang)) }, nil},
		{"dashboard.col.name", 120, func(d *dashboard, r sv.ProjectStatus) string { return r.Project.Name },
			func(d *dashboard, r sv.ProjectStatus) string { return r.Project.DisplayName() }},
		{"dashboard.col.leader", 80, func(d *dashboard, r sv.ProjectStatus) string { return orNotRecorded(r.Project.Leader) },
			func(d *dashboard, r sv.ProjectStatus) string { return orNotRecorded(personOf(r.Project.Leader)) }},
		{"dashboard.col.next_due", 120, func(d *dashboard, r sv.ProjectStatus) string {
			if r.Next.Overdue {
				return t("dashboard.due_overdue", missedMonth(r.Next.Missed, d.lang), r.Next.DaysLate)
			}
			if r.Next.VisitedThisMonth {
				return t("dashboard.due_done", string(r.Next.Due))
			}
			return orNotRecorded(string(r.Next.Due))
		}, func(d *dashboard, r sv.ProjectStatus) string {
			if r.Next.Overdue {
				return t("dashboard.due_overdue_short", r.Next.DaysLate)
			}
			if r.Next.VisitedThisMonth {
				return t0("dashboard.due_done_short")
			}
			return orNotRecorded(string(r.Next.Due))
		}},
		{"dashboard.col.open", 50, func(d *dashboard, r sv.ProjectStatus) string { return fmt.Sprint(r.OpenFindings) }, nil},
		{"dashboard.col.overdue", 50, func(d *dashboard, r sv.ProjectStatus) string { return fmt.Sprint(r.OverdueFindings) }, nil},
		{"dashboard.col.last_visit", 70, func(d *dashboard, r sv.ProjectStatus) string { return date(d, r.LastVisit) }, nil},
		{"dashboard.col.phase", 50, func(d *dashboard, r sv.ProjectStatus) string { return orNotRecorded(r.Project.Phase.Label(d.lang)) }, nil},
	}
}

// personOf is a leader's name without the title before it: 周立新 of
// "管委会常务副主任 周立新".
func personOf(leader string) string {
	f := strings.Fields(leader)
	if len(f) < 2 {
		return leader
	}
	return f[len(f)-1]
}

// t0 is t for keys without arguments, named apart so the key scanner in
// the tests sees both.
func t0(key string) string { return t(key) }

func newDashboard(data Data, lang sv.Lang, now func() time.Time, bg, toUI func(func())) *dashboard {
	d := &dashboard{data: data, lang: lang, now: now, bg: bg, toUI: toUI, sortCol: -1}
	cols := dashboardColumns()
	d.cols = cols
	d.tips = newTipLayer()
	d.widths = make([]float32, len(cols))
	for i, c := range cols {
		d.widths[i] = c.width
	}
	d.table = newWidthTable(
		func() (int, int) { return len(d.rows), len(cols) },
		func() fyne.CanvasObject {
			dot := container.NewCenter(container.NewGridWrap(fyne.NewSize(12, 12), canvas.NewCircle(color.Transparent)))
			return newTipCell(container.NewBorder(nil, nil, dot, nil, newHoverLabel(d.tips)), d.tips)
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Row >= len(d.rows) {
				return
			}
			r := d.rows[id.Row]
			// Border puts the centre object first, then the left one.
			box := o.(*tipCell).content.(*fyne.Container)
			label := box.Objects[0].(*hoverLabel)
			dotBox := box.Objects[1].(*fyne.Container)
			dot := dotBox.Objects[0].(*fyne.Container).Objects[0].(*canvas.Circle)
			col := cols[id.Col]
			label.full, label.Text = d.cellText(id.Col, r)
			label.Importance = widget.MediumImportance
			label.Alignment = fyne.TextAlignLeading
			switch col.key {
			case "dashboard.col.next_due":
				if r.Next.Overdue {
					label.Importance = widget.DangerImportance
				}
			case "dashboard.col.overdue":
				if r.OverdueFindings > 0 {
					label.Importance = widget.DangerImportance
				}
				label.Alignment = fyne.TextAlignCenter
			case "dashboard.col.open":
				label.Alignment = fyne.TextAlignCenter
			}
			if id.Col == 0 {
				dot.FillColor = lightColor(r.Project.Light)
				dot.Refresh()
				dotBox.Show()
			} else {
				dotBox.Hide()
			}
			// A cell drawn for the status column before keeps its
			// label beside the light until the box is laid out again.
			box.Refresh()
		})
	d.table.ShowHeaderRow = true
	// A header is a button: a click sorts by the column, a second click
	// the other way round, a third goes back to the default order.
	d.table.CreateHeader = func() fyne.CanvasObject {
		b := widget.NewButton("", nil)
		b.Importance = widget.LowImportance
		b.Alignment = widget.ButtonAlignLeading
		return b
	}
	d.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col < 0 || id.Col >= len(cols) {
			return
		}
		b := o.(*widget.Button)
		text := t0(cols[id.Col].key)
		switch {
		case id.Col == d.sortCol && d.sortDesc:
			text += " ▼"
		case id.Col == d.sortCol:
			text += " ▲"
		}
		col := id.Col
		b.OnTapped = func() { d.sortBy(col) }
		b.SetText(text)
	}
	d.table.setColumnWidths(d.widths)
	d.table.OnSelected = func(id widget.TableCellID) {
		d.table.UnselectAll()
		if id.Row >= 0 && id.Row < len(d.rows) {
			d.chosen = d.rows[id.Row].Project.ID
			if d.onOpen != nil {
				d.onOpen(d.rows[id.Row])
			}
		}
	}

	d.search = widget.NewEntry()
	d.search.SetPlaceHolder(t0("dashboard.search"))
	d.search.OnChanged = func(string) { d.refilter() }
	// Enter in the search box opens the project when one is left: the
	// keyboard way from the dashboard to a project.
	d.search.OnSubmitted = func(string) {
		if len(d.rows) == 1 && d.onOpen != nil {
			d.chosen = d.rows[0].Project.ID
			d.onOpen(d.rows[0])
		}
	}
	d.overdue = widget.NewCheck(t0("dashboard.overdue_only"), func(bool) { d.refilter() })
	industries := []string{t0("dashboard.all_industries")}
	for _, in := range sv.Industries() {
		industries = append(industries, in.Label(lang))
	}
	d.industry = widget.NewSelect(industries, nil)
	d.industry.SetSelectedIndex(0)
	d.industry.OnChanged = func(string) { d.refilter() }
	d.leader = widget.NewSelect([]string{t0("dashboard.all_leaders")}, nil)
	d.leader.SetSelectedIndex(0)
	d.leader.OnChanged = func(string) { d.refilter() }
	d.status = widget.NewLabel(t0("dashboard.loading"))
	d.schedule = newSchedulePanel(lang, d.tips, func(id string) {
		for _, r := range d.all {
			if r.Project.ID == id && d.onOpen != nil {
				d.chosen = id
				d.onOpen(r)
			}
		}
	})
	filters := container.NewHBox(d.industry, d.leader, d.overdue)
	top := container.NewBorder(nil, nil, widget.NewIcon(theme.SearchIcon()), filters, d.search)
	// The table's columns are fitted to its width whenever it changes.
	fitted := container.New(&fitColumns{d: d}, d.table)
	main := container.NewBorder(top, d.status, nil, nil, fitted)
	split := container.NewHSplit(main, d.schedule.content)
	split.SetOffset(0.78)
	d.content = container.NewStack(split, d.tips)
	return d
}

// chosenProject returns the project Ctrl+N should visit without asking:
// the only one the search leaves on screen. The project opened last is not
// enough: back on the dashboard nothing shows it is chosen, so Ctrl+N asks
// (and the picker offers that project first).
func (d *dashboard) chosenProject() string {
	if len(d.rows) == 1 {
		return d.rows[0].Project.ID
	}
	return ""
}

// load reads the dashboard off the UI goroutine and shows it when ready.
func (d *dashboard) load(done func(err error)) {
	d.bg(func() {
		rows, err := d.data.Dashboard(d.now())
		// The readings of the names are looked up here, off the UI
		// goroutine.
		index := indexProjects(rows, func(p sv.Project) []string {
			return []string{p.Name, p.ShortName, p.Leader, p.LeadDepartment, p.ID}
		})
		d.toUI(func() {
			if err == nil {
				sort.SliceStable(rows, func(i, j int) bool { return rows[i].Project.ID < rows[j].Project.ID })
				d.all = rows
				d.index = index
				d.fillLeaders()
				// The new texts may need other widths; apply then
				// refreshes the table.
				d.fitWidth = 0
				d.fit(d.table.Size().Width, false)
				d.apply()
				d.schedule.show(rows, d.now())
			}
			if done != nil {
				done(err)
			}
		})
	})
}

// apply filters the loaded rows by the search text and the overdue switch.
func (d *dashboard) apply() {
	q := strings.TrimSpace(d.search.Text)
	d.rows = d.rows[:0]
	overdueProjects, overdueFindings := 0, 0
	for _, r := range d.all {
		if r.Next.Overdue {
			overdueProjects++
		}
		overdueFindings += r.OverdueFindings
		if d.overdue.Checked && !r.Next.Overdue && r.OverdueFindings == 0 {
			continue
		}
		if i := d.industry.SelectedIndex(); i > 0 && r.Project.Industry != sv.Industries()[i-1] {
			continue
		}
		if d.leader.SelectedIndex() > 0 && r.Project.Leader != d.leader.Selected {
			continue
		}
		if q != "" && !d.index.matches(r.Project.ID, q) {
			continue
		}
		d.rows = append(d.rows, r)
	}
	d.sortRows()
	d.table.Refresh()
	if len(d.all) == 0 {
		d.status.SetText(t0("dashboard.empty"))
		return
	}
	d.status.SetText(t("dashboard.summary", len(d.rows), len(d.all), overdueProjects, overdueFindings))
}

// refilter applies a changed search or filter and shows the first rows:
// scrolled down, a shorter list would show nothing at all while the
// footer counts rows.
func (d *dashboard) refilter() {
	d.tips.clear()
	d.apply()
	d.table.ScrollToTop()
}

// sortBy sorts by column col: ascending, then descending, then back to
// the default order.
func (d *dashboard) sortBy(col int) {
	switch {
	case d.sortCol != col:
		d.sortCol, d.sortDesc = col, false
	case !d.sortDesc:
		d.sortDesc = true
	default:
		d.sortCol, d.sortDesc = -1, false
	}
	d.tips.clear()
	d.sortRows()
	d.table.Refresh()
	d.table.ScrollToTop()
}

// sortRows orders the rows by the chosen column, or by default what needs
// attention first: overdue visits, most late first, then the projects
// with the most overdue findings, then the register's order.
func (d *dashboard) sortRows() {
	byDefault := func(a, b sv.ProjectStatus) int {
		return cmp.Or(
			boolFirst(a.Next.Overdue, b.Next.Overdue),
			cmp.Compare(b.Next.DaysLate, a.Next.DaysLate),
			cmp.Compare(b.OverdueFindings, a.OverdueFindings),
			strings.Compare(a.Project.ID, b.Project.ID))
	}
	by := byDefault
	if d.sortCol >= 0 && d.sortCol < len(d.cols) {
		key := d.cols[d.sortCol].key
		by = func(a, b sv.ProjectStatus) int {
			c := compareColumn(key, d, a, b)
			if d.sortDesc {
				c = -c
			}
			return cmp.Or(c, byDefault(a, b))
		}
	}
	slices.SortStableFunc(d.rows, by)
}

// boolFirst orders true before false.
func boolFirst(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}

// compareColumn compares two rows by what a column shows: numbers and
// days as such, names as text.
func compareColumn(key string, d *dashboard, a, b sv.ProjectStatus) int {
	switch key {
	case "dashboard.col.light":
		return cmp.Compare(lightRank(a.Project.Light), lightRank(b.Project.Light))
	case "dashboard.col.next_due":
		return cmp.Or(strings.Compare(string(a.Next.Due), string(b.Next.Due)), cmp.Compare(b.Next.DaysLate, a.Next.DaysLate))
	case "dashboard.col.open":
		return cmp.Compare(a.OpenFindings, b.OpenFindings)
	case "dashboard.col.overdue":
		return cmp.Compare(a.OverdueFindings, b.OverdueFindings)
	case "dashboard.col.last_visit":
		return a.LastVisit.Compare(b.LastVisit)
	}
	for _, c := range d.cols {
		if c.key == key {
			return strings.Compare(c.text(d, a), c.text(d, b))
		}
	}
	return 0
}

// lightRank orders the status lights from worst to best.
func lightRank(l sv.StatusLight) int {
	switch l {
	case sv.LightCritical:
		return 0
	case sv.LightBehind:
		return 1
	}
	return 2
}

// fillLeaders offers the leaders of the loaded projects in the filter,
// keeping the current choice.
func (d *dashboard) fillLeaders() {
	seen := map[string]bool{}
	var leaders []string
	for _, r := range d.all {
		if r.Project.Leader != "" && !seen[r.Project.Leader] {
			seen[r.Project.Leader] = true
			leaders = append(leaders, r.Project.Leader)
		}
	}
	sort.Strings(leaders)
	cur := d.leader.Selected
	d.leader.Options = append([]string{t0("dashboard.all_leaders")}, leaders...)
	if !seen[cur] {
		d.leader.SetSelectedIndex(0)
	}
	d.leader.Refresh()
}

// schedulePanel is the dashboard's right column: the visits due this
// month, the overdue ones, and the next dispatch meeting and tour.
type schedulePanel struct {
	lang     sv.Lang
	dispatch *widget.Label
	tour     *widget.Label
	due      []sv.ProjectStatus // overdue first, then due this month
	list     *widget.List
	heading  *widget.Label
	content  fyne.CanvasObject
}

// Its rows are narrow: they name a project by its short name, the full
// one on hover.
func newSchedulePanel(lang sv.Lang, tips *tipLayer, open func(projectID string)) *schedulePanel {
	p := &schedulePanel{lang: lang}
	p.dispatch = widget.NewLabel("")
	p.tour = widget.NewLabel("")
	p.heading = widget.NewLabelWithStyle(t0("schedule.due"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.list = widget.NewList(func() int { return len(p.due) },
		func() fyne.CanvasObject { return newHoverLabel(tips) },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(p.due) {
				return
			}
			r := p.due[id]
			l := o.(*hoverLabel)
			if r.Next.Overdue {
				l.Text = t("schedule.overdue_row", r.Project.DisplayName(), r.Next.DaysLate)
				l.full = t("schedule.overdue_row", r.Project.Name, r.Next.DaysLate)
				l.Importance = widget.DangerImportance
			} else {
				l.Text = t("schedule.due_row", r.Project.DisplayName(), string(r.Next.Due))
				l.full = t("schedule.due_row", r.Project.Name, string(r.Next.Due))
				l.Importance = widget.MediumImportance
			}
			l.Refresh()
		})
	p.list.OnSelected = func(id widget.ListItemID) {
		p.list.UnselectAll()
		if id < len(p.due) {
			open(p.due[id].Project.ID)
		}
	}
	title := widget.NewLabelWithStyle(t0("schedule.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	meetings := container.NewVBox(title, p.dispatch, p.tour, widget.NewSeparator(), p.heading)
	p.content = container.NewBorder(meetings, nil, nil, nil, p.list)
	return p
}

// show fills the panel from the dashboard rows.
func (p *schedulePanel) show(rows []sv.ProjectStatus, now time.Time) {
	cal := sv.DefaultCalendar()
	p.dispatch.SetText(t("schedule.dispatch", string(cal.NextDispatch(now))))
	p.tour.SetText(t("schedule.tour", string(cal.NextTour(now))))
	p.due = p.due[:0]
	overdue, due := 0, 0
	for _, r := range rows {
		if r.Next.Overdue {
			p.due = append(p.due, r)
			overdue++
		}
	}
	for _, r := range rows {
		if !r.Next.Overdue && !r.Next.VisitedThisMonth {
			p.due = append(p.due, r)
			due++
		}
	}
	p.heading.SetText(t("schedule.due_count", due, overdue))
	p.list.Refresh()
}

// missedMonth names the month a project went without a visit: 11月 or
// November. The dashboard names it beside an overdue count, not the next
// due date, which is still ahead (issue 13).
func missedMonth(missed sv.Date, lang sv.Lang) string {
	m, ok := missed.Time(time.UTC)
	if !ok {
		return ""
	}
	if lang == sv.English {
		return m.Month().String()
	}
	return fmt.Sprintf("%d月", m.Month())
}

// cellText returns what a cell shows and its full text: the full text
// when it fits the column, else the column's short form (a short name, a
// leader without the title), with the full one shown on hover.
func (d *dashboard) cellText(col int, r sv.ProjectStatus) (full, shown string) {
	c := d.cols[col]
	full = c.text(d, r)
	if c.short == nil || cellWidth(full, col == 0) <= d.widths[col] {
		return full, full
	}
	return full, c.short(d, r)
}

// cellWidth is the width a cell needs to show s whole; the status column
// has its light beside the text. A label cuts its text a few pixels
// before the text's own width runs out, hence the margin.
func cellWidth(s string, light bool) float32 {
	w := fyne.MeasureText(s, theme.TextSize(), fyne.TextStyle{}).Width + 2*theme.InnerPadding() + 2*theme.Padding()
	if light {
		w += 12 + theme.Padding()
	}
	return w
}

// statusColumnWidth is wide enough for every status of a finding in
// either language: English ones ("Verified, awaiting closing") were cut
// to "Awaiting ve…" in the list of findings (issue 14).
func statusColumnWidth() float32 {
	w := float32(110)
	for _, st := range sv.Statuses() {
		for _, l := range []sv.Lang{sv.Chinese, sv.English} {
			w = max(w, cellWidth(st.Label(l), false))
		}
	}
	return w
}

// fitColumns lays the table out over its whole space, having first
// fitted the dashboard's columns to the width.
type fitColumns struct{ d *dashboard }

func (f *fitColumns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	f.d.fit(size.Width, true)
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// MinSize is the table's own: the table scrolls inside whatever it gets.
func (f *fitColumns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return objs[0].MinSize()
}

// fit sizes the columns to width so that no scrolling sideways is needed:
// each column as wide as its widest text; where that is too wide, first
// the leaders, then the due dates, then the names show their short forms
// (the full ones on hover); what is still too wide is taken from the last
// columns, whose texts are then cut with an ellipsis. Space left over
// goes to the names. With refresh, the table is refreshed if a width
// changed, once: a cell's text depends on its column's width.
func (d *dashboard) fit(width float32, refresh bool) {
	if width <= 0 || (width == d.fitWidth && len(d.all) > 0) {
		return
	}
	if len(d.all) > 0 {
		d.fitWidth = width
	}
	sep := theme.Padding()
	// The vertical scroll bar is drawn over the last column's right edge.
	avail := width - float32(len(d.cols))*sep - theme.ScrollBarSize()
	full := make([]float32, len(d.cols))
	short := make([]float32, len(d.cols))
	for i, c := range d.cols {
		head := cellWidth(t0(c.key)+" ▼", false)
		full[i], short[i] = max(c.width, head), max(c.width, head)
		for _, r := range d.all {
			full[i] = max(full[i], cellWidth(c.text(d, r), i == 0))
			if c.short != nil {
				short[i] = max(short[i], cellWidth(c.short(d, r), i == 0))
			} else {
				short[i] = full[i]
			}
		}
	}
	w := slices.Clone(full)
	sum := func() (s float32) {
		for _, x := range w {
			s += x
		}
		return s
	}
	for _, key := range []string{"dashboard.col.leader", "dashboard.col.next_due", "dashboard.col.name"} {
		if sum() <= avail {
			break
		}
		i := d.colIndex(key)
		w[i] = max(short[i], w[i]-(sum()-avail))
	}
	for i := len(w) - 1; i >= 3 && sum() > avail; i-- {
		w[i] = max(d.cols[i].width, w[i]-(sum()-avail))
	}
	if extra := avail - sum(); extra > 0 {
		w[d.colIndex("dashboard.col.name")] += extra
	}
	copy(d.widths, w)
	if d.table.setColumnWidths(w) && refresh {
		d.table.Refresh()
	}
}

// colIndex is the index of the column with key.
func (d *dashboard) colIndex(key string) int {
	for i, c := range d.cols {
		if c.key == key {
			return i
		}
	}
	return -1
}
