package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// On a 1024×600 netbook screen the window can be made as small as the
// screen: no screen, in either language, needs more (the window manager
// then fits the window to the screen instead of leaving part of it off).
func TestEveryScreenFitsA1024x600Screen(t *testing.T) {
	screen := fyne.NewSize(1024, 600)
	for _, l := range []sv.Lang{sv.Chinese, sv.English} {
		ui := langUI(t, l)
		ui.window.Resize(screen)
		fits := func(name string) {
			t.Helper()
			if min := ui.window.Content().MinSize(); min.Width > screen.Width || min.Height > screen.Height {
				t.Errorf("%s %s needs %v, more than %v", l, name, min, screen)
			}
		}
		fits("dashboard")
		id := ui.dash.rows[0].Project.ID
		ui.openProject(id, true)
		waitFor(t, "project page", func() bool { return ui.project() != nil && ui.project().data.project.ID == id })
		fits("project page")
		v := startVisit(t, ui, id)
		for i := range v.panes {
			v.showPane(i)
			fits("visit page " + v.panes[i].title)
		}
		if w := v.nav.Size().Width; w < sectionListWidth-1 {
			t.Errorf("%s: the section list is %v wide at 1024×600", l, w)
		}
		for i := range v.panes {
			if need := fyne.MeasureText(v.paneLabel(i), theme.TextSize(), fyne.TextStyle{Bold: true}).Width + 2*theme.InnerPadding(); need > v.nav.Size().Width {
				t.Errorf("%s: %q needs %v in a %v section list", l, v.paneLabel(i), need, v.nav.Size().Width)
			}
		}
		ui.openFindings(storage.FindingFilter{ActiveOnly: true}, true)
		waitFor(t, "findings", func() bool { return ui.findings() != nil })
		fits("findings")
	}
}

// The list of findings shows every status whole, in English too.
func TestFindingStatusesAreNotCut(t *testing.T) {
	ui := langUI(t, sv.English)
	ui.openFindings(storage.FindingFilter{}, true)
	waitFor(t, "findings", func() bool { return ui.findings() != nil && len(ui.findings().rows) > 0 })
	w := findingColumns()[0].width
	for _, st := range sv.Statuses() {
		if need := fyne.MeasureText(st.Label(sv.English), theme.TextSize(), fyne.TextStyle{}).Width + 2*theme.InnerPadding(); need > w {
			t.Errorf("%q needs %v in a %v column", st.Label(sv.English), need, w)
		}
	}
}
