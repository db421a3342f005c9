package app

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
)

func TestDashboardPutsOverdueFirstAndSortsByAColumn(t *testing.T) {
	ui, _ := newTestUI(t)
	d := ui.dash
	rows := d.rows
	if !rows[0].Next.Overdue {
		t.Fatalf("the first row %s is not overdue", rows[0].Project.Name)
	}
	seenOnTime := false
	for i, r := range rows {
		if !r.Next.Overdue {
			seenOnTime = true
		} else if seenOnTime {
			t.Fatalf("row %d (%s) is overdue after one that is not", i, r.Project.Name)
		}
		if i > 0 && r.Next.Overdue && rows[i-1].Next.Overdue && r.Next.DaysLate > rows[i-1].Next.DaysLate {
			t.Errorf("overdue rows not most late first at %d", i)
		}
	}
	// A click on the header of 未销号 sorts by it, a second the other way.
	openCol := -1
	for i, c := range d.cols {
		if c.key == "dashboard.col.open" {
			openCol = i
		}
	}
	d.sortBy(openCol)
	for i := 1; i < len(d.rows); i++ {
		if d.rows[i].OpenFindings < d.rows[i-1].OpenFindings {
			t.Fatalf("not sorted by open findings at row %d", i)
		}
	}
	d.sortBy(openCol)
	for i := 1; i < len(d.rows); i++ {
		if d.rows[i].OpenFindings > d.rows[i-1].OpenFindings {
			t.Fatalf("not sorted by open findings, most first, at row %d", i)
		}
	}
	d.sortBy(openCol)
	if d.sortCol != -1 || d.rows[0].Project.ID != rows[0].Project.ID {
		t.Error("a third click did not go back to the default order")
	}
}

func TestDashboardScrollsToTheTopWhenTheSearchChanges(t *testing.T) {
	ui, _ := newTestUI(t)
	ui.window.Resize(fyne.NewSize(1240, 420))
	d := ui.dash
	scroll := tableScroll(t, d.table)
	d.table.ScrollToBottom()
	if scroll.Offset.Y <= 0 {
		t.Fatal("the table does not scroll in a 420 px window")
	}
	test.Type(d.search, "zlx")
	if scroll.Offset.Y != 0 {
		t.Errorf("after a search the table is still scrolled by %v", scroll.Offset.Y)
	}
	if len(d.rows) == 0 || !strings.Contains(d.status.Text, fmt.Sprintf("%d", len(d.rows))) {
		t.Errorf("footer %q for %d rows", d.status.Text, len(d.rows))
	}
	d.table.ScrollToBottom()
	d.search.SetText("")
	d.overdue.SetChecked(true)
	if scroll.Offset.Y != 0 {
		t.Errorf("after 只看逾期 the table is still scrolled by %v", scroll.Offset.Y)
	}
}

// tableScroll finds the scroller of a table's cells.
func tableScroll(t *testing.T, tb fyne.Widget) *container.Scroll {
	t.Helper()
	var found *container.Scroll
	walk(tb, func(o fyne.CanvasObject) bool {
		if s, ok := o.(*container.Scroll); ok && s.Direction == container.ScrollBoth {
			found = s
		}
		return found != nil
	})
	if found == nil {
		t.Fatal("the table has no scroller")
	}
	return found
}
