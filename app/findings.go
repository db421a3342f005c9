package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fieldbrief/pinyinsearch"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// findingsData is what the findings screen reads in one background call.
type findingsData struct {
	findings []sv.Finding
	projects []sv.Project
	units    []string
	// toClose counts the findings verified and awaiting a leader's
	// closing, for a leader's queue.
	toClose int
}

// statusChoice is one entry of the status filter.
type statusChoice struct {
	label  string
	status sv.Status
	active bool
}

// findingsScreen lists the findings of every project, filtered by status,
// responsible unit, project, overdue and text, with each finding's
// history a click away.
type findingsScreen struct {
	env *screenEnv

	initial  storage.FindingFilter
	rows     []sv.Finding
	names    map[string]string // project id → short name
	projects []sv.Project
	statuses []statusChoice

	status  *widget.Select
	unit    *widget.Select
	project *widget.Select
	overdue *widget.Check
	// queue, shown to leaders, lists the findings awaiting their closing (待销号).
	queue   *widget.Button
	search  *widget.Entry
	count   *widget.Label
	export  *widget.Button
	table   *widthTable
	content fyne.CanvasObject
	detail  *findingDetail // the detail last opened, for tests
	// exported is the ledger file last exported, for tests.
	exported string

	// loading is true while the filters are filled from the data, so their
	// callbacks do not reload.
	loading bool
	// seq numbers the loads; a load that finishes after a newer one began
	// (typing in the search box starts one per key) is dropped.
	seq int
}

// findingColumn is a column of the findings table.
type findingColumn struct {
	title string
	width float32
}

func findingColumns() []findingColumn {
	return []findingColumn{
		{t0("findings.col.status"), statusColumnWidth()}, {t0("findings.col.project"), 150}, {t0("findings.col.description"), 380},
		{t0("findings.col.unit"), 200}, {t0("findings.col.deadline"), 110}, {t0("findings.col.late"), 90},
	}
}

func newFindingsScreen(e *screenEnv, initial storage.FindingFilter) *findingsScreen {
	s := &findingsScreen{env: e, initial: initial, names: map[string]string{}}
	s.statuses = []statusChoice{{label: t0("findings.all_statuses")}, {label: t0("findings.active"), active: true}}
	for _, st := range sv.Statuses() {
		s.statuses = append(s.statuses, statusChoice{label: st.Label(e.lang), status: st})
	}
	labels := make([]string, len(s.statuses))
	for i, c := range s.statuses {
		labels[i] = c.label
	}
	// A project is named short here, a long description is cut: the
	// mouse on either shows it whole (see hoverLabel).
	tips := newTipLayer()
	reload := func() {
		tips.clear() // the rows change under it
		if !s.loading {
			s.load()
		}
	}
	s.loading = true
	s.status = widget.NewSelect(labels, func(string) { reload() })
	switch {
	case initial.Status != "":
		s.status.SetSelected(initial.Status.Label(e.lang))
	case initial.ActiveOnly:
		s.status.SetSelectedIndex(1)
	default:
		s.status.SetSelectedIndex(0)
	}
	s.unit = widget.NewSelect([]string{t0("findings.all_units")}, func(string) { reload() })
	s.unit.SetSelectedIndex(0)
	s.project = widget.NewSelect([]string{t0("findings.all_projects")}, func(string) { reload() })
	s.project.SetSelectedIndex(0)
	s.overdue = widget.NewCheck(t0("findings.overdue_only"), func(bool) { reload() })
	s.overdue.SetChecked(!initial.OverdueAt.IsZero())
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(t0("findings.search"))
	s.search.SetText(initial.Text)
	s.search.OnSubmitted = func(string) { reload() }
	s.search.OnChanged = func(string) { reload() }
	s.loading = false
	s.count = widget.NewLabel(t0("dashboard.loading"))

	cols := findingColumns()
	s.table = newWidthTable(func() (int, int) { return len(s.rows), len(cols) },
		func() fyne.CanvasObject { return newTipCell(newHoverLabel(tips), tips) },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Row >= len(s.rows) {
				return
			}
			f := s.rows[id.Row]
			l := o.(*tipCell).content.(*hoverLabel)
			l.Text, l.full = s.cell(f, id.Col), ""
			if id.Col == 1 {
				l.full = s.fullName(f.ProjectID)
			}
			l.Importance = e.findingImportance(f)
			l.Refresh()
		})
	s.table.ShowHeaderRow = true
	s.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	s.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(cols) {
			o.(*widget.Label).SetText(cols[id.Col].title)
		}
	}
	widths := make([]float32, len(cols))
	for i, c := range cols {
		widths[i] = c.width
	}
	s.table.setColumnWidths(widths)
	s.table.OnSelected = func(id widget.TableCellID) {
		s.table.UnselectAll()
		if id.Row >= 0 && id.Row < len(s.rows) {
			s.detail = e.dialogs.showFinding(s.rows[id.Row].ID, "", s.load)
		}
	}
	s.export = widget.NewButtonWithIcon(t0("findings.export"), theme.DocumentSaveIcon(), s.exportLedger)
	s.queue = widget.NewButtonWithIcon(t("findings.closing_queue", 0), theme.ConfirmIcon(), func() {
		s.status.SetSelected(sv.StatusVerified.Label(e.lang))
	})
	if !e.role().Oversees() {
		s.queue.Hide()
	}
	filters := container.NewBorder(nil, nil, nil, s.queue, container.NewGridWithColumns(4, s.status, s.unit, s.project, s.overdue))
	top := container.NewVBox(
		container.NewBorder(nil, nil, e.backButton(), s.export, heading(t0("findings.title"))),
		container.NewBorder(nil, nil, widget.NewIcon(theme.SearchIcon()), nil, s.search),
		filters)
	s.content = container.NewStack(container.NewBorder(top, s.count, nil, nil, s.table), tips)
	return s
}

// fullName is a project's full name, shown on hover over its short one.
func (s *findingsScreen) fullName(projectID string) string {
	for _, p := range s.projects {
		if p.ID == projectID {
			return p.Name
		}
	}
	return ""
}

func (s *findingsScreen) cell(f sv.Finding, col int) string {
	switch col {
	case 0:
		return f.Status.Label(s.env.lang)
	case 1:
		return s.names[f.ProjectID]
	case 2:
		return f.Description
	case 3:
		return f.ResponsibleUnit
	case 4:
		return string(f.Deadline)
	case 5:
		if late := f.DaysLate(s.env.now()); late > 0 {
			return t("findings.late_days", late)
		}
	}
	return ""
}

// matchingUnits returns the units whose names match query by pinyin
// ("kxcj" finds 凯旋城建), for the store to keep their findings too.
func matchingUnits(units []string, query string) []string {
	var out []string
	for _, u := range units {
		if pinyinsearch.Prepare(u).Matches(query) {
			out = append(out, u)
		}
	}
	return out
}

// filter reads the filters.
func (s *findingsScreen) filter() storage.FindingFilter {
	f := storage.FindingFilter{Text: strings.TrimSpace(s.search.Text)}
	if i := s.status.SelectedIndex(); i >= 0 && i < len(s.statuses) {
		f.Status, f.ActiveOnly = s.statuses[i].status, s.statuses[i].active
	}
	if s.unit.SelectedIndex() > 0 {
		f.ResponsibleUnit = s.unit.Selected
	}
	if i := s.project.SelectedIndex(); i > 0 && i-1 < len(s.projects) {
		f.ProjectID = s.projects[i-1].ID
	} else if i < 0 || len(s.projects) == 0 {
		// Before the projects are loaded, keep the filter asked for.
		f.ProjectID = s.initial.ProjectID
	}
	if s.overdue.Checked {
		f.OverdueAt = s.env.now()
	}
	return f
}

// load reads the findings (and, the first time, the filter choices) off
// the UI goroutine.
func (s *findingsScreen) load() {
	filter := s.filter()
	first := s.projects == nil
	data := s.env.data
	leader := s.env.role().Oversees()
	s.seq++
	seq := s.seq
	s.count.SetText(t0("dashboard.loading"))
	fetchIn(s.env, func() (findingsData, error) {
		var d findingsData
		var err error
		if first {
			if d.projects, err = data.Projects(); err != nil {
				return d, err
			}
			if d.units, err = data.ResponsibleUnits(); err != nil {
				return d, err
			}
		}
		if filter.Text != "" {
			// The units as they are now (a finding may have named a new
			// one since the screen opened); their pinyin is looked up
			// here, off the UI goroutine.
			units := d.units
			if !first {
				if units, err = data.ResponsibleUnits(); err != nil {
					return d, err
				}
			}
			filter.TextUnits = matchingUnits(units, filter.Text)
		}
		if d.findings, err = data.Findings(filter); err != nil || !leader {
			return d, err
		}
		queue, err := data.Findings(storage.FindingFilter{Status: sv.StatusVerified})
		d.toClose = len(queue)
		return d, err
	}, func(d findingsData, err error) {
		if seq != s.seq {
			return
		}
		if err != nil {
			s.env.dialogs.showError(err)
			return
		}
		if first {
			s.fillChoices(d)
		}
		s.rows = d.findings
		overdue := 0
		for _, f := range s.rows {
			if f.Overdue(s.env.now()) {
				overdue++
			}
		}
		s.count.SetText(t("findings.count", len(s.rows), overdue))
		s.queue.SetText(t("findings.closing_queue", d.toClose))
		if leader {
			s.queue.Show()
		} else {
			s.queue.Hide()
		}
		s.table.Refresh()
	})
}

// fillChoices puts the projects and units into their filters.
func (s *findingsScreen) fillChoices(d findingsData) {
	s.loading = true
	defer func() { s.loading = false }()
	s.projects = d.projects
	if s.projects == nil {
		s.projects = []sv.Project{}
	}
	opts := []string{t0("findings.all_projects")}
	for _, p := range d.projects {
		s.names[p.ID] = p.DisplayName()
		opts = append(opts, p.DisplayName())
	}
	s.project.Options = opts
	for i, p := range d.projects {
		if p.ID == s.initial.ProjectID {
			s.project.SetSelectedIndex(i + 1)
		}
	}
	s.project.Refresh()
	s.unit.Options = append([]string{t0("findings.all_units")}, d.units...)
	if s.initial.ResponsibleUnit != "" {
		s.unit.SetSelected(s.initial.ResponsibleUnit)
	}
	s.unit.Refresh()
}
