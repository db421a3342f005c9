package app

import (
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	sv "fieldbrief/supervision"
)

// prefTourOrder keeps the last visiting order the user made a tour pack
// with: the route is planned once and usually reused, with small changes,
// quarter after quarter. It is a comma-separated list of project ids, an
// id left out of the tour prefixed with "-".
const prefTourOrder = "tour.order"

// tourStop is one site in the visiting order.
type tourStop struct {
	project sv.Project
	visit   bool // false: left out of this tour
}

// tourOrder edits the visiting order of a tour pack: the sites in a list,
// each ticked to be visited and moved up or down,
// and put back in the order by location with one button.
type tourOrder struct {
	stops    []tourStop
	byPlace  []string // project ids in the order by location
	selected int

	list    *widget.List
	up      *widget.Button
	down    *widget.Button
	summary *widget.Label
	content fyne.CanvasObject
}

// newTourOrder starts from saved (a prefTourOrder value) when it names
// exactly the projects in the register, otherwise from the order by
// location, which byPlace gives.
func newTourOrder(projects []sv.Project, byPlace []string, saved string) *tourOrder {
	o := &tourOrder{byPlace: byPlace, selected: -1}
	byID := make(map[string]sv.Project, len(projects))
	for _, p := range projects {
		byID[p.ID] = p
	}
	if stops, ok := parseTourOrder(saved, byID); ok {
		o.stops = stops
	} else {
		o.stops = stopsInOrder(byPlace, byID)
	}
	o.list = widget.NewList(
		func() int { return len(o.stops) },
		func() fyne.CanvasObject {
			return container.NewBorder(nil, nil, widget.NewCheck("", nil), nil, newTextLabel(""))
		},
		func(i widget.ListItemID, row fyne.CanvasObject) {
			c := row.(*fyne.Container)
			label := c.Objects[0].(*textLabel)
			check := c.Objects[1].(*widget.Check)
			s := o.stops[i]
			check.OnChanged = nil
			check.SetChecked(s.visit)
			check.OnChanged = func(on bool) { o.setVisit(i, on) }
			label.Text = o.rowText(i)
			if s.visit {
				label.Importance = widget.MediumImportance
			} else {
				label.Importance = widget.LowImportance
			}
			label.Refresh()
		})
	o.list.OnSelected = func(i widget.ListItemID) {
		o.selected = i
		o.updateButtons()
	}
	o.list.OnUnselected = func(widget.ListItemID) {
		o.selected = -1
		o.updateButtons()
	}
	o.up = widget.NewButtonWithIcon(t0("reports.move_up"), theme.MoveUpIcon(), func() { o.move(-1) })
	o.down = widget.NewButtonWithIcon(t0("reports.move_down"), theme.MoveDownIcon(), func() { o.move(1) })
	reset := widget.NewButtonWithIcon(t0("reports.order_by_place"), theme.ViewRefreshIcon(), o.resetToPlace)
	o.summary = widget.NewLabel("")
	o.updateButtons()
	list := container.NewGridWrap(fyne.NewSize(460, 300), o.list)
	o.content = container.NewBorder(nil, container.NewVBox(container.NewHBox(o.up, o.down, reset), o.summary), nil, nil, list)
	return o
}

// parseTourOrder reads a saved order; it is used only when it names every
// project in the register once, so a project added since is never
// silently left out of the tour.
func parseTourOrder(saved string, byID map[string]sv.Project) ([]tourStop, bool) {
	if saved == "" {
		return nil, false
	}
	var stops []tourStop
	seen := map[string]bool{}
	for _, f := range strings.Split(saved, ",") {
		id, skipped := strings.CutPrefix(f, "-")
		p, ok := byID[id]
		if !ok || seen[id] {
			return nil, false
		}
		seen[id] = true
		stops = append(stops, tourStop{project: p, visit: !skipped})
	}
	return stops, len(stops) == len(byID)
}

func stopsInOrder(ids []string, byID map[string]sv.Project) []tourStop {
	stops := make([]tourStop, 0, len(ids))
	for _, id := range ids {
		if p, ok := byID[id]; ok {
			stops = append(stops, tourStop{project: p, visit: true})
		}
	}
	return stops
}

// rowText numbers the sites visited; those left out show a dash.
func (o *tourOrder) rowText(i int) string {
	n := 0
	for _, s := range o.stops[:i+1] {
		if s.visit {
			n++
		}
	}
	num := "—"
	if o.stops[i].visit {
		num = strconv.Itoa(n) + "."
	}
	return num + " " + o.stops[i].project.DisplayName()
}

func (o *tourOrder) setVisit(i int, on bool) {
	o.stops[i].visit = on
	o.list.Refresh()
	o.updateButtons()
}

// move shifts the selected site by delta places, keeping it selected.
func (o *tourOrder) move(delta int) {
	i, j := o.selected, o.selected+delta
	if i < 0 || j < 0 || j >= len(o.stops) {
		return
	}
	o.stops[i], o.stops[j] = o.stops[j], o.stops[i]
	o.list.Refresh()
	o.list.Select(j)
}

// resetToPlace puts every site back, in the order by location.
func (o *tourOrder) resetToPlace() {
	byID := make(map[string]sv.Project, len(o.stops))
	for _, s := range o.stops {
		byID[s.project.ID] = s.project
	}
	o.stops = stopsInOrder(o.byPlace, byID)
	o.list.UnselectAll()
	o.list.Refresh()
	o.updateButtons()
}

func (o *tourOrder) updateButtons() {
	if o.selected > 0 {
		o.up.Enable()
	} else {
		o.up.Disable()
	}
	if o.selected >= 0 && o.selected < len(o.stops)-1 {
		o.down.Enable()
	} else {
		o.down.Disable()
	}
	o.summary.SetText(t("reports.order_summary", len(o.order()), len(o.stops)))
}

// order is the visiting order: the ids of the sites ticked.
func (o *tourOrder) order() []string {
	var ids []string
	for _, s := range o.stops {
		if s.visit {
			ids = append(ids, s.project.ID)
		}
	}
	return ids
}

// byLocation reports whether the order is the order by location with every
// site visited, which the pack then calls so.
func (o *tourOrder) byLocation() bool { return slices.Equal(o.order(), o.byPlace) }

// saved is the order as prefTourOrder keeps it.
func (o *tourOrder) saved() string {
	f := make([]string, len(o.stops))
	for i, s := range o.stops {
		f[i] = s.project.ID
		if !s.visit {
			f[i] = "-" + f[i]
		}
	}
	return strings.Join(f, ",")
}
