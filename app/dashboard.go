package app

import (
	"fmt"
	"image/color"
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

	all  []sv.ProjectStatus // as loaded
	rows []sv.ProjectStatus // after search and filters

	table   *widget.Table
	search  *widget.Entry
	overdue *widget.Check
	status  *widget.Label
	content fyne.CanvasObject

	// onOpen is called with a project when its row is chosen.
	onOpen func(sv.ProjectStatus)
}

type column struct {
	key   string
	width float32
	text  func(d *dashboard, r sv.ProjectStatus) string
}

func dashboardColumns() []column {
	date := func(d *dashboard, t time.Time) string {
		if t.IsZero() {
			return t0("dashboard.never")
		}
		return string(sv.DateOf(t.In(d.now().Location())))
	}
	return []column{
		{"dashboard.col.light", 90, func(d *dashboard, r sv.ProjectStatus) string { return r.Project.Light.Label(d.lang) }},
		{"dashboard.col.name", 300, func(d *dashboard, r sv.ProjectStatus) string { return r.Project.Name }},
		{"dashboard.col.leader", 200, func(d *dashboard, r sv.ProjectStatus) string { return r.Project.Leader }},
		{"dashboard.col.phase", 90, func(d *dashboard, r sv.ProjectStatus) string { return r.Project.Phase.Label(d.lang) }},
		{"dashboard.col.last_visit", 110, func(d *dashboard, r sv.ProjectStatus) string { return date(d, r.LastVisit) }},
		{"dashboard.col.next_due", 230, func(d *dashboard, r sv.ProjectStatus) string {
			if r.Next.Overdue {
				return t("dashboard.due_overdue", string(r.Next.Due), r.Next.DaysLate)
			}
			if r.Next.VisitedThisMonth {
				return t("dashboard.due_done", string(r.Next.Due))
			}
			return string(r.Next.Due)
		}},
		{"dashboard.col.open", 70, func(d *dashboard, r sv.ProjectStatus) string { return fmt.Sprint(r.OpenFindings) }},
		{"dashboard.col.overdue", 80, func(d *dashboard, r sv.ProjectStatus) string { return fmt.Sprint(r.OverdueFindings) }},
	}
}

// t0 is t for keys without arguments, named apart so the key scanner in
// the tests sees both.
func t0(key string) string { return t(key) }

func newDashboard(data Data, lang sv.Lang, now func() time.Time, bg func(func())) *dashboard {
	d := &dashboard{data: data, lang: lang, now: now, bg: bg}
	cols := dashboardColumns()
	d.table = widget.NewTable(
		func() (int, int) { return len(d.rows), len(cols) },
		func() fyne.CanvasObject {
			dot := container.NewCenter(container.NewGridWrap(fyne.NewSize(12, 12), canvas.NewCircle(color.Transparent)))
			return container.NewBorder(nil, nil, dot, nil, widget.NewLabel(""))
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Row >= len(d.rows) {
				return
			}
			r := d.rows[id.Row]
			// Border puts the centre object first, then the left one.
			box := o.(*fyne.Container)
			label := box.Objects[0].(*widget.Label)
			dotBox := box.Objects[1].(*fyne.Container)
			dot := dotBox.Objects[0].(*fyne.Container).Objects[0].(*canvas.Circle)
			label.SetText(cols[id.Col].text(d, r))
			label.Importance = widget.MediumImportance
			switch {
			case id.Col == 5 && r.Next.Overdue, id.Col == 7 && r.OverdueFindings > 0:
				label.Importance = widget.DangerImportance
			}
			label.Refresh()
			if id.Col == 0 {
				dot.FillColor = lightColor(r.Project.Light)
				dot.Refresh()
				dotBox.Show()
			} else {
				dotBox.Hide()
			}
		})
	d.table.ShowHeaderRow = true
	d.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	d.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(cols) {
			o.(*widget.Label).SetText(t0(cols[id.Col].key))
		}
	}
	for i, c := range cols {
		d.table.SetColumnWidth(i, c.width)
	}
	d.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(d.rows) && d.onOpen != nil {
			d.onOpen(d.rows[id.Row])
		}
		d.table.UnselectAll()
	}

	d.search = widget.NewEntry()
	d.search.SetPlaceHolder(t0("dashboard.search"))
	d.search.OnChanged = func(string) { d.apply() }
	d.overdue = widget.NewCheck(t0("dashboard.overdue_only"), func(bool) { d.apply() })
	d.status = widget.NewLabel(t0("dashboard.loading"))
	top := container.NewBorder(nil, nil, widget.NewIcon(theme.SearchIcon()), d.overdue, d.search)
	d.content = container.NewBorder(top, d.status, nil, nil, d.table)
	return d
}

// load reads the dashboard off the UI goroutine and shows it when ready.
func (d *dashboard) load(done func(err error)) {
	d.bg(func() {
		rows, err := d.data.Dashboard(d.now())
		fyne.Do(func() {
			if err == nil {
				sort.SliceStable(rows, func(i, j int) bool { return rows[i].Project.ID < rows[j].Project.ID })
				d.all = rows
				d.apply()
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
		if q != "" && !strings.Contains(r.Project.Name, q) && !strings.Contains(r.Project.ShortName, q) &&
			!strings.Contains(r.Project.Leader, q) && !strings.Contains(r.Project.LeadDepartment, q) {
			continue
		}
		d.rows = append(d.rows, r)
	}
	d.table.Refresh()
	if len(d.all) == 0 {
		d.status.SetText(t0("dashboard.empty"))
		return
	}
	d.status.SetText(t("dashboard.summary", len(d.rows), len(d.all), overdueProjects, overdueFindings))
}
