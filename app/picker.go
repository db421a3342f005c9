package app

import (
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	sv "fieldbrief/supervision"
)

// projectPicker is the dialog Ctrl+N opens on the dashboard when no
// project is chosen. The projects whose monthly visit is overdue or due
// come first, typing filters them, and the keyboard alone starts or
// resumes the visit: the inspector at the laptop in the site office
// should not have to reach for the mouse.
type projectPicker struct {
	ui *mainUI

	all  []sv.ProjectStatus // in visiting order, as loaded
	rows []sv.ProjectStatus // after the filter
	// index is what the search box looks in.
	index projectIndex
	// current is the highlighted row, the one Enter starts; -1 for none.
	current int
	loaded  bool

	search *pickerEntry
	list   *widget.List
	status *textLabel
	start  *widget.Button
	dlg    *dialog.CustomDialog
}

// pickProject opens the project picker, or brings back the one open.
func (ui *mainUI) pickProject() {
	if ui.picker != nil {
		ui.window.Canvas().Focus(ui.picker.search)
		return
	}
	p := &projectPicker{ui: ui, current: -1}
	ui.picker = p
	p.search = newPickerEntry(p.key)
	p.search.SetPlaceHolder(t0("picker.search"))
	p.search.OnChanged = func(string) { p.filter() }
	p.list = widget.NewList(func() int { return len(p.rows) },
		func() fyne.CanvasObject { return newPickerRow(p) },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(p.rows) {
				o.(*pickerRow).show(i, p.rows[i])
			}
		})
	// A click highlights (the row's own Tapped); the list's selection is
	// only how the highlight is drawn.
	p.list.OnSelected = func(i widget.ListItemID) { p.current = i }
	p.status = newTextLabel(t0("dashboard.loading"))
	p.status.Importance = widget.LowImportance
	intro := widget.NewLabel(t0("picker.intro"))
	intro.Wrapping = fyne.TextWrapWord
	top := container.NewVBox(intro, container.NewBorder(nil, nil, widget.NewIcon(theme.SearchIcon()), nil, p.search))
	content := container.NewBorder(top, p.status, nil, nil, p.list)

	p.start = widget.NewButtonWithIcon(t0("picker.start"), theme.ConfirmIcon(), func() { p.choose(p.current) })
	p.start.Importance = widget.HighImportance
	p.start.Disable()
	cancel := widget.NewButtonWithIcon(t0("common.cancel"), theme.CancelIcon(), p.cancel)
	p.dlg = dialog.NewCustomWithoutButtons(t0("menu.new_visit"), content, ui.window)
	p.dlg.SetButtons([]fyne.CanvasObject{cancel, p.start})
	p.dlg.SetOnClosed(func() {
		if ui.picker == p {
			ui.picker = nil
		}
	})
	p.dlg.Resize(fyne.NewSize(600, 560))
	p.dlg.Show()
	ui.window.Canvas().Focus(p.search)
	p.load()
}

// load reads the projects and their schedule off the UI goroutine.
func (p *projectPicker) load() {
	data, now := p.ui.cfg.Data, p.ui.cfg.Now
	type loaded struct {
		rows  []sv.ProjectStatus
		index projectIndex
	}
	fetch(p.ui, func() (loaded, error) {
		rows, err := data.Dashboard(now())
		return loaded{visitOrder(rows), indexProjects(rows, func(pr sv.Project) []string { return []string{pr.Name, pr.ShortName, pr.ID} })}, err
	}, func(l loaded, err error) {
		if err != nil {
			p.dlg.Hide()
			p.ui.showError(err)
			return
		}
		p.all, p.index = l.rows, l.index
		p.loaded = true
		p.filter()
	})
}

// visitOrder sorts projects the way an inspector picks the next visit:
// overdue first, the longest late first; then those due this month; then
// those already visited this month; by project code within each.
func visitOrder(rows []sv.ProjectStatus) []sv.ProjectStatus {
	out := append([]sv.ProjectStatus(nil), rows...)
	rank := func(r sv.ProjectStatus) int {
		switch {
		case r.Next.Overdue:
			return 0
		case !r.Next.VisitedThisMonth:
			return 1
		}
		return 2
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra < rb
		}
		if a.Next.DaysLate != b.Next.DaysLate {
			return a.Next.DaysLate > b.Next.DaysLate
		}
		return a.Project.ID < b.Project.ID
	})
	return out
}

// filter keeps the projects matching the search and highlights the first.
func (p *projectPicker) filter() {
	if !p.loaded {
		return
	}
	q := strings.Join(strings.Fields(p.search.Text), "")
	p.rows = p.rows[:0]
	for _, r := range p.all {
		if q == "" || p.index.matches(r.Project.ID, q) {
			p.rows = append(p.rows, r)
		}
	}
	p.list.UnselectAll()
	p.list.Refresh()
	p.current = -1
	switch {
	case len(p.all) == 0:
		p.status.SetText(t0("dashboard.empty"))
	case len(p.rows) == 0:
		p.status.SetText(t0("picker.no_match"))
	default:
		p.status.SetText(t("picker.count", len(p.rows), len(p.all)))
		p.highlight(p.lastOpened(q))
	}
	if p.current < 0 {
		p.start.Disable()
	} else {
		p.start.Enable()
	}
}

// lastOpened is the row of the project last opened from the dashboard, so
// that going back to it takes only Enter; 0 (the most pressing) when the
// search is in use or that project is not listed.
func (p *projectPicker) lastOpened(query string) int {
	if query != "" {
		return 0
	}
	for i, r := range p.rows {
		if r.Project.ID == p.ui.dash.chosen {
			return i
		}
	}
	return 0
}

// highlight marks row i as the one Enter starts and keeps it in view.
func (p *projectPicker) highlight(i int) {
	if len(p.rows) == 0 {
		return
	}
	i = max(0, min(i, len(p.rows)-1))
	p.current = i
	p.list.Select(i)
	p.list.ScrollTo(i)
}

// key handles the keys that act on the list while the cursor stays in the
// search box; it reports whether it used the key.
func (p *projectPicker) key(k fyne.KeyName) bool {
	switch k {
	case fyne.KeyDown:
		p.highlight(p.current + 1)
	case fyne.KeyUp:
		p.highlight(p.current - 1)
	case fyne.KeyPageDown:
		p.highlight(p.current + pickerPage)
	case fyne.KeyPageUp:
		p.highlight(p.current - pickerPage)
	case fyne.KeyReturn, fyne.KeyEnter:
		p.choose(p.current)
	case fyne.KeyEscape:
		p.cancel()
	default:
		return false
	}
	return true
}

// pickerPage is how far PageUp and PageDown move the highlight: about
// what the dialog shows at once.
const pickerPage = 8

// choose closes the picker and starts or resumes the visit of row i,
// through its project page, so that Back returns there as from Ctrl+N on
// the page itself.
func (p *projectPicker) choose(i int) {
	if i < 0 || i >= len(p.rows) {
		return
	}
	id := p.rows[i].Project.ID
	p.dlg.Hide()
	p.ui.openProject(id, true).startOrResumeWhenLoaded()
}

func (p *projectPicker) cancel() { p.dlg.Hide() }

// pickerEntry is the picker's search box. It hands the keys that move
// through the list, Enter and Escape to the picker, so typing, choosing
// and starting need no change of focus.
type pickerEntry struct {
	widget.Entry
	onKey func(fyne.KeyName) bool
}

func newPickerEntry(onKey func(fyne.KeyName) bool) *pickerEntry {
	e := &pickerEntry{onKey: onKey}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey gives the picker first go at a key.
func (e *pickerEntry) TypedKey(k *fyne.KeyEvent) {
	if e.onKey(k.Name) {
		return
	}
	e.Entry.TypedKey(k)
}

// pickerRow is one project in the picker: its name and when its visit is
// due. A click highlights it, a double click starts its visit.
type pickerRow struct {
	widget.BaseWidget
	p     *projectPicker
	id    int
	name  *widget.Label
	state *textLabel
	box   *fyne.Container
}

func newPickerRow(p *projectPicker) *pickerRow {
	r := &pickerRow{p: p, name: widget.NewLabel(""), state: newTextLabel("")}
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.box = container.NewBorder(nil, nil, nil, r.state, r.name)
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer lays the name out on the left and the due state on the right.
func (r *pickerRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(r.box)
}

// show fills the row for project row i.
func (r *pickerRow) show(i int, ps sv.ProjectStatus) {
	r.id = i
	name := ps.Project.Name
	if ps.Project.ShortName != "" && ps.Project.ShortName != ps.Project.Name {
		name = t("picker.name", ps.Project.Name, ps.Project.ShortName)
	}
	r.name.SetText(name)
	switch {
	case ps.Next.Overdue:
		r.state.SetText(t("picker.overdue", ps.Next.DaysLate))
		r.state.Importance = widget.DangerImportance
	case ps.Next.VisitedThisMonth:
		r.state.SetText(t0("picker.visited"))
		r.state.Importance = widget.LowImportance
	default:
		r.state.SetText(t("picker.due", string(ps.Next.Due)))
		r.state.Importance = widget.WarningImportance
	}
	// The state's width changed with its text: lay the row out again, or
	// the name keeps its old width and hides the state.
	r.box.Refresh()
}

// Tapped highlights the row; the cursor goes back to the search box so
// the arrow keys and Enter keep working.
func (r *pickerRow) Tapped(*fyne.PointEvent) {
	r.p.highlight(r.id)
	r.p.ui.window.Canvas().Focus(r.p.search)
}

// DoubleTapped starts the visit of the row's project.
func (r *pickerRow) DoubleTapped(*fyne.PointEvent) { r.p.choose(r.id) }
