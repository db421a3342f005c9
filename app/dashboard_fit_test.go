package app

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// langUI opens the window on the sample data in language l.
func langUI(t *testing.T, l sv.Lang) *mainUI {
	t.Helper()
	if l == sv.Chinese {
		ui, _ := newTestUI(t)
		return ui
	}
	ui, err := newMainUI(windowApp(t), Config{Data: sampleStore(t), Lang: l, Now: func() time.Time { return testNow }, Background: inPlace})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "dashboard rows", func() bool { return len(ui.dash.rows) == 20 })
	return ui
}

// On a laptop screen the table needs no scrolling sideways, and every
// row's status, name and leader read in full or in their short form.
func TestDashboardFitsALaptopWithoutScrollingSideways(t *testing.T) {
	for _, l := range []sv.Lang{sv.Chinese, sv.English} {
		ui := langUI(t, l)
		d := ui.dash
		for _, size := range []fyne.Size{{Width: 1366, Height: 768}, {Width: 1280, Height: 720}} {
			ui.window.Resize(size)
			scroll := tableScroll(t, d.table)
			if cw, sw := scroll.Content.MinSize().Width, scroll.Size().Width; cw > sw {
				t.Errorf("%s %v: the table is %v wide in %v: it scrolls sideways", l, size, cw, sw)
			}
			for _, key := range []string{"dashboard.col.light", "dashboard.col.name", "dashboard.col.leader"} {
				col := d.colIndex(key)
				if col > 2 {
					t.Errorf("%s: %s is column %d, not among the first three", l, key, col)
				}
				for _, r := range d.rows {
					full, shown := d.cellText(col, r)
					if w := cellWidth(shown, col == 0); w > d.widths[col] {
						t.Errorf("%s %v: %q needs %v in a %v column", l, size, shown, w, d.widths[col])
					}
					if shown != full && key == "dashboard.col.name" && shown != r.Project.ShortName {
						t.Errorf("%s: %q shown for %q", l, shown, full)
					}
				}
			}
		}
		// Wide enough, every name is the full one.
		ui.window.Resize(fyne.NewSize(1900, 900))
		for _, r := range d.rows {
			if full, shown := d.cellText(d.colIndex("dashboard.col.name"), r); shown != full {
				t.Errorf("%s at 1900 px: %q shown instead of %q", l, shown, full)
			}
		}
	}
}

// A name shown short shows the full one while the mouse is on it, and
// keeps showing it as the mouse moves over it.
func TestDashboardShowsTheFullNameOnHover(t *testing.T) {
	ui, _ := newTestUI(t)
	ui.window.Resize(fyne.NewSize(1024, 600))
	d := ui.dash
	nameCol := d.colIndex("dashboard.col.name")
	var cell *hoverLabel
	walk(d.table, func(o fyne.CanvasObject) bool {
		if h, ok := o.(*hoverLabel); ok && h.Visible() && h.full != h.Text && strings.Contains(h.full, "西部科学城") {
			cell = h
		}
		return cell != nil
	})
	if cell == nil {
		t.Fatalf("no project shown by its short name at 1024 px (name column %v wide)", d.widths[nameCol])
	}
	c := ui.window.Canvas()
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(cell).Add(fyne.NewPos(8, 8))
	test.MoveMouse(c, at)
	if got := d.tips.shown(); got != cell.full {
		t.Fatalf("hovering %q shows %q, want %q", cell.Text, got, cell.full)
	}
	test.MoveMouse(c, at.Add(fyne.NewPos(4, 0)))
	if got := d.tips.shown(); got != cell.full {
		t.Errorf("moving over %q hid the full name (shows %q)", cell.Text, got)
	}
	test.MoveMouse(c, fyne.NewPos(2, 2))
	if got := d.tips.shown(); got != "" {
		t.Errorf("the mouse left but %q still shows", got)
	}
	// A full name shown whole has nothing to add on hover.
	ui.window.Resize(fyne.NewSize(1900, 900))
	var whole *hoverLabel
	walk(d.table, func(o fyne.CanvasObject) bool {
		if h, ok := o.(*hoverLabel); ok && h.Visible() && h.full == h.Text && strings.Contains(h.full, "西部科学城") {
			whole = h
		}
		return whole != nil
	})
	if whole == nil {
		t.Fatal("no full name shown whole at 1900 px")
	}
	test.MoveMouse(c, fyne.CurrentApp().Driver().AbsolutePositionForObject(whole).Add(fyne.NewPos(8, 8)))
	if got := d.tips.shown(); got != "" {
		t.Errorf("hovering a name shown whole pops up %q", got)
	}
}

// A full name shown on hover goes when the table scrolls or the search
// changes the rows: it would name a row no longer under the mouse.
func TestDashboardHidesTheFullNameWhenRowsMove(t *testing.T) {
	ui, _ := newTestUI(t)
	ui.window.Resize(fyne.NewSize(1024, 600))
	d := ui.dash
	c := ui.window.Canvas()
	hoverShort := func() (*hoverLabel, fyne.Position) {
		t.Helper()
		// A label wholly in view, below the header row.
		drv := fyne.CurrentApp().Driver()
		top := drv.AbsolutePositionForObject(d.table).Y
		var cell *hoverLabel
		walk(d.table, func(o fyne.CanvasObject) bool {
			if h, ok := o.(*hoverLabel); ok && h.Visible() && h.full != "" && h.full != h.Text {
				y := drv.AbsolutePositionForObject(h).Y
				if y > top+2*h.Size().Height && y+h.Size().Height < top+d.table.Size().Height {
					cell = h
				}
			}
			return cell != nil
		})
		if cell == nil {
			t.Fatal("no project shown by its short name at 1024 px")
		}
		at := drv.AbsolutePositionForObject(cell).Add(fyne.NewPos(8, 8))
		test.MoveMouse(c, at)
		if got := d.tips.shown(); got != cell.full {
			t.Fatalf("hovering %q shows %q, want %q", cell.Text, got, cell.full)
		}
		return cell, at
	}

	cell, at := hoverShort()
	before := fyne.CurrentApp().Driver().AbsolutePositionForObject(cell)
	test.Scroll(c, at, 0, -60)
	if after := fyne.CurrentApp().Driver().AbsolutePositionForObject(cell); after == before {
		t.Fatalf("the table did not scroll (%q stays at %v)", cell.Text, after)
	}
	if got := d.tips.shown(); got != "" {
		t.Errorf("after scrolling, %q still shows over another row", got)
	}

	hoverShort()
	test.Type(d.search, "z")
	if got := d.tips.shown(); got != "" {
		t.Errorf("after the search changed the rows, %q still shows", got)
	}

	hoverShort()
	d.overdue.SetChecked(!d.overdue.Checked)
	if got := d.tips.shown(); got != "" {
		t.Errorf("after a filter changed the rows, %q still shows", got)
	}
}

// The schedule panel names projects short; hovering shows the full name.
func TestSchedulePanelShowsTheFullNameOnHover(t *testing.T) {
	ui, _ := newTestUI(t)
	d := ui.dash
	var row *hoverLabel
	walk(d.schedule.list, func(o fyne.CanvasObject) bool {
		if h, ok := o.(*hoverLabel); ok && h.Visible() && h.full != h.Text {
			row = h
		}
		return row != nil
	})
	if row == nil {
		t.Fatal("no schedule row with a short name")
	}
	test.MoveMouse(ui.window.Canvas(), fyne.CurrentApp().Driver().AbsolutePositionForObject(row).Add(fyne.NewPos(8, 8)))
	if got := d.tips.shown(); got != row.full {
		t.Errorf("hovering %q shows %q, want %q", row.Text, got, row.full)
	}
}

// The list of findings names projects short; the mouse on one shows the
// full name, the one the dashboard shows.
func TestFindingsListShowsTheFullProjectNameOnHover(t *testing.T) {
	ui, _ := newTestUI(t)
	ui.openFindings(storage.FindingFilter{ActiveOnly: true}, true)
	waitFor(t, "findings", func() bool { return ui.findings() != nil && len(ui.findings().rows) > 0 })
	var cell *hoverLabel
	walk(ui.findings().table, func(o fyne.CanvasObject) bool {
		if h, ok := o.(*hoverLabel); ok && h.Visible() && h.full != "" && h.full != h.Text {
			cell = h
		}
		return cell != nil
	})
	if cell == nil {
		t.Fatal("no project named short in the list of findings")
	}
	c := ui.window.Canvas()
	test.MoveMouse(c, fyne.CurrentApp().Driver().AbsolutePositionForObject(cell).Add(fyne.NewPos(6, 6)))
	found := false
	walk(ui.findings().content, func(o fyne.CanvasObject) bool {
		if l, ok := o.(*tipLayer); ok {
			found = l.shown() == cell.full
		}
		return found
	})
	if !found {
		t.Errorf("hovering %q does not show %q", cell.Text, cell.full)
	}
}

// Fitting the columns to a new width updates each cell on screen about
// once. Fyne refreshes the whole table for each column width set, and a
// cell that cuts its text measures it over and over: with a refresh per
// column, a resize updated every cell nine times.
func TestDashboardFitsItsColumnsInOneRefresh(t *testing.T) {
	ui, _ := newTestUI(t)
	d := ui.dash
	ui.window.Resize(fyne.NewSize(1366, 768))
	update := d.table.UpdateCell
	updates := 0
	d.table.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
		updates++
		update(id, o)
	}
	before := slices.Clone(d.widths)
	ui.window.Resize(fyne.NewSize(1100, 768))
	changed := 0
	for i := range before {
		if before[i] != d.widths[i] {
			changed++
		}
	}
	if changed < 2 {
		t.Fatalf("resizing changed %d column widths; the test needs several", changed)
	}
	// The cells on screen: the rows that fit, each with every column.
	rowH := d.table.MinSize().Height
	visible := int(d.table.Size().Height/rowH+2) * len(d.cols)
	if updates == 0 || updates > 2*visible {
		t.Errorf("fitting %d changed columns made %d cell updates, for about %d cells on screen", changed, updates, visible)
	}
}
