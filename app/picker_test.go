package app

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	sv "fieldbrief/supervision"
)

// openPicker presses Ctrl+N on the dashboard and returns the picker once
// its projects are listed.
func openPicker(t *testing.T, ui *mainUI) *projectPicker {
	t.Helper()
	if ui.project() != nil || ui.visit() != nil || ui.findings() != nil {
		t.Fatal("not on the dashboard")
	}
	ui.window.Canvas().(fyne.Shortcutable).TypedShortcut(shortcutN())
	p := ui.picker
	if p == nil || ui.window.Canvas().Overlays().Top() == nil {
		t.Fatal("Ctrl+N on the dashboard opened no project picker")
	}
	waitFor(t, "the picker's projects", func() bool { return p.loaded })
	if ui.window.Canvas().Focused() != p.search {
		t.Fatalf("the cursor is in %T, not the picker's search box", ui.window.Canvas().Focused())
	}
	return p
}

// press types a key into whatever has the keyboard, as the window would.
func press(ui *mainUI, k fyne.KeyName) {
	ui.window.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: k})
}

// pickerRowAt returns the row drawn for index i of the picker's list.
func pickerRowAt(t *testing.T, ui *mainUI, i int) *pickerRow {
	t.Helper()
	var found *pickerRow
	walk(ui.window.Canvas().Overlays().Top(), func(o fyne.CanvasObject) bool {
		if r, ok := o.(*pickerRow); ok && r.id == i && r.Visible() {
			found = r
			return true
		}
		return false
	})
	if found == nil {
		t.Fatalf("the picker shows no row %d", i)
	}
	return found
}

// TestCtrlNOnTheDashboardPicksAProject drives the picker with the keyboard:
// due projects first, typing filters, arrows and Enter start the visit,
// and the same project again resumes its draft.
func TestCtrlNOnTheDashboardPicksAProject(t *testing.T) {
	ui, s := newTestUI(t)
	p := openPicker(t, ui)
	if len(p.rows) != 20 {
		t.Fatalf("the picker lists %d projects, want 20", len(p.rows))
	}
	// Overdue first, then due this month, then those visited already.
	rank := func(r sv.ProjectStatus) int {
		switch {
		case r.Next.Overdue:
			return 0
		case !r.Next.VisitedThisMonth:
			return 1
		}
		return 2
	}
	seen := map[int]bool{}
	for i, r := range p.rows {
		seen[rank(r)] = true
		if i > 0 && rank(r) < rank(p.rows[i-1]) {
			t.Errorf("%s (rank %d) is listed after %s (rank %d)", r.Project.Name, rank(r), p.rows[i-1].Project.Name, rank(p.rows[i-1]))
		}
	}
	if !seen[0] || !seen[2] {
		t.Fatalf("the sample data should have overdue and visited projects: %v", seen)
	}
	if r := pickerRowAt(t, ui, 0); !strings.Contains(r.state.Text, "已逾期") || !strings.Contains(r.name.Text, p.rows[0].Project.Name) {
		t.Errorf("the first row reads %q · %q", r.name.Text, r.state.Text)
	} else if r.state.Size().Width < r.state.MinSize().Width {
		t.Errorf("the first row's %q is cut: %v wide, needs %v", r.state.Text, r.state.Size().Width, r.state.MinSize().Width)
	}
	if p.current != 0 {
		t.Errorf("row %d highlighted on opening, want the first", p.current)
	}
	press(ui, fyne.KeyDown)
	press(ui, fyne.KeyDown)
	press(ui, fyne.KeyUp)
	if p.current != 1 {
		t.Errorf("Down, Down, Up highlights row %d", p.current)
	}
	press(ui, fyne.KeyUp)
	press(ui, fyne.KeyUp)
	if p.current != 0 {
		t.Errorf("Up past the top highlights row %d", p.current)
	}

	// The short name alone: 北大 is in 北大大数据院, not in the full name.
	test.Type(p.search, "北大")
	if len(p.rows) != 1 || p.rows[0].Project.ShortName != "北大大数据院" {
		t.Fatalf("北大 leaves %d rows", len(p.rows))
	}
	test.Type(p.search, "甲乙")
	if len(p.rows) != 0 || !strings.Contains(p.status.Text, "没有") || !p.start.Disabled() {
		t.Errorf("no match: %d rows, %q, start enabled %v", len(p.rows), p.status.Text, !p.start.Disabled())
	}
	press(ui, fyne.KeyReturn)
	if ui.picker == nil || ui.visit() != nil {
		t.Fatal("Enter with nothing listed closed the picker or started a visit")
	}

	// Pinyin, by initials or in full mixed with initials.
	for _, q := range []string{"jfsys", "JinFengsys", "jin feng"} {
		p.search.SetText("")
		test.Type(p.search, q)
		if len(p.rows) != 1 || p.rows[0].Project.ShortName != "金凤实验室" {
			t.Errorf("%q leaves %d rows, want 金凤实验室", q, len(p.rows))
		}
	}

	// Part of the full name, then the second match with the keyboard.
	p.search.SetText("")
	test.Type(p.search, "中心")
	if len(p.rows) < 3 {
		t.Fatalf("中心 leaves %d rows", len(p.rows))
	}
	for _, r := range p.rows {
		if !strings.Contains(r.Project.Name+r.Project.ShortName, "中心") {
			t.Errorf("the filter kept %s", r.Project.Name)
		}
	}
	want := p.rows[1].Project
	press(ui, fyne.KeyDown)
	press(ui, fyne.KeyReturn)
	waitFor(t, "the visit", func() bool { return ui.visit() != nil && ui.visit().loaded })
	if ui.visit().in.ProjectID != want.ID {
		t.Fatalf("Enter started a visit of %s, want %s", ui.visit().in.ProjectID, want.ID)
	}
	if ui.picker != nil || ui.window.Canvas().Overlays().Top() != nil {
		t.Error("the picker stayed open")
	}
	first := ui.visit().id
	ui.goBack()
	if ui.project() == nil || ui.project().id != want.ID {
		t.Fatal("Back from the visit does not return to its project's page")
	}

	// The same project again: its draft is resumed, not a second one started.
	ui.showDashboard()
	p = openPicker(t, ui)
	test.Type(p.search, want.ShortName)
	press(ui, fyne.KeyReturn)
	waitFor(t, "the resumed visit", func() bool { return ui.visit() != nil && ui.visit().loaded })
	if ui.visit().id != first {
		t.Errorf("resumed visit %s, want the draft %s", ui.visit().id, first)
	}
	if n := len(mustVisits(t, s, want.ID, sv.Draft)); n != 1 {
		t.Errorf("%s has %d drafts, want 1", want.ID, n)
	}
}

// TestProjectPickerMouseAndEscape: Escape cancels, a click highlights, a
// double click starts the visit.
func TestProjectPickerMouseAndEscape(t *testing.T) {
	ui, s := newTestUI(t)
	openPicker(t, ui)
	press(ui, fyne.KeyEscape)
	if ui.picker != nil || ui.window.Canvas().Overlays().Top() != nil || ui.visit() != nil {
		t.Fatal("Escape did not just close the picker")
	}

	p := openPicker(t, ui)
	test.Tap(pickerRowAt(t, ui, 2))
	if p.current != 2 || ui.window.Canvas().Focused() != p.search {
		t.Errorf("a click highlights row %d, focus on %T", p.current, ui.window.Canvas().Focused())
	}
	want := p.rows[3].Project.ID
	test.DoubleTap(pickerRowAt(t, ui, 3))
	waitFor(t, "the visit", func() bool { return ui.visit() != nil && ui.visit().loaded })
	if ui.visit().in.ProjectID != want || len(mustVisits(t, s, want, sv.Draft)) != 1 {
		t.Errorf("a double click started a visit of %s, want %s", ui.visit().in.ProjectID, want)
	}
}

// TestPickedVisitWaitsForItsProjectPage runs background work later, as the
// real app does on its own goroutines: the visit is started or resumed
// only once the project page knows whether a draft exists.
func TestPickedVisitWaitsForItsProjectPage(t *testing.T) {
	s := sampleStore(t)
	var queue []func()
	later := func(work func()) { queue = append(queue, work) }
	drain := func() {
		for len(queue) > 0 {
			work := queue[0]
			queue = queue[1:]
			work()
		}
	}
	draft, err := s.StartVisit("p05", []string{"张三"})
	if err != nil {
		t.Fatal(err)
	}
	ui, err := newMainUI(windowApp(t), Config{Data: s, Lang: sv.Chinese, Now: func() time.Time { return testNow }, Background: later})
	if err != nil {
		t.Fatal(err)
	}
	drain()
	ui.window.Canvas().(fyne.Shortcutable).TypedShortcut(shortcutN())
	drain()
	test.Type(ui.picker.search, "p05")
	press(ui, fyne.KeyReturn)
	if ui.project() == nil || ui.visit() != nil {
		t.Fatal("Enter did not open the project's page first")
	}
	drain()
	if ui.visit() == nil || ui.visit().id != draft.ID {
		t.Fatalf("the picked project's draft %s was not resumed: visit %v", draft.ID, ui.visit())
	}
	if n := len(mustVisits(t, s, "p05", sv.Draft)); n != 1 {
		t.Errorf("p05 has %d drafts, want 1", n)
	}
}

// TestCtrlNAfterAProjectAsksWithThatProjectFirst: back on the dashboard
// after a project was opened, nothing shows that project as chosen, so
// Ctrl+N must not start its visit unasked; the picker opens with it
// highlighted, and Enter starts it.
func TestCtrlNAfterAProjectAsksWithThatProjectFirst(t *testing.T) {
	s := sampleStore(t)
	ui, err := newMainUI(windowApp(t), Config{Data: s, Lang: sv.Chinese, Now: func() time.Time { return testNow }, Background: inPlace})
	if err != nil {
		t.Fatal(err)
	}
	ui.openProject("p07", true)
	ui.showDashboard()
	if ui.project() != nil {
		t.Fatal("the dashboard did not come back")
	}
	p := openPicker(t, ui)
	if ui.visit() != nil {
		t.Fatal("Ctrl+N on the dashboard started a visit without asking")
	}
	if p.current < 0 || p.rows[p.current].Project.ID != "p07" {
		t.Fatalf("the picker highlights row %d, want the project opened last (p07)", p.current)
	}
	press(ui, fyne.KeyReturn)
	// p07 was visited this month: asked first, and Enter answers.
	if !strings.Contains(overlayText(ui), "本月已有督查记录") {
		t.Fatalf("a second visit of p07 this month was not asked about: %q", overlayText(ui))
	}
	windowKey(t, ui, fyne.KeyReturn)
	if ui.visit() == nil || ui.visit().in.ProjectID != "p07" {
		t.Fatalf("Enter did not start the visit of p07: %v", ui.visit())
	}
}
