package app

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestSectionListFollowsThePage: the section list is how an inspector
// moves through a visit with the mouse, and its bold row says which page
// is shown, however they got there — by the list, the buttons or the
// keyboard — and a row clicked again after moving away opens its page
// again.
func TestSectionListFollowsThePage(t *testing.T) {
	ui, _ := newTestUI(t)
	v := startVisit(t, ui, ui.dash.rows[0].Project.ID)
	if len(v.panes) < 4 {
		t.Fatalf("the visit has %d pages", len(v.panes))
	}
	shows := func(how string, want int) {
		t.Helper()
		if v.current != want || !v.panes[want].view.Visible() {
			t.Fatalf("after %s: page %d shown (visible: %v), want %d", how, v.current, v.panes[want].view.Visible(), want)
		}
		for j, p := range v.panes {
			if j != want && p.view != nil && p.view.Visible() {
				t.Errorf("after %s: page %d is shown too", how, j)
			}
		}
		if got := boldRows(v); !slices.Equal(got, []string{v.paneLabel(want)}) {
			t.Errorf("after %s: bold rows %q, want only %q", how, got, v.paneLabel(want))
		}
	}
	tapRow(t, v, 2)
	shows("clicking row 2", 2)
	test.Tap(v.next)
	shows("the next button", 3)
	tapRow(t, v, 2)
	shows("clicking row 2 again", 2)
	tapRow(t, v, 2)
	shows("clicking the row shown", 2)
	v.stepSection(-1)
	shows("the previous page key", 1)
	tapRow(t, v, 2)
	shows("clicking row 2 a third time", 2)
}

// tapRow clicks row i of the visit's section list.
func tapRow(t *testing.T, v *visitScreen, i int) {
	t.Helper()
	text := v.paneLabel(i)
	var row fyne.Tappable
	walk(v.nav, func(o fyne.CanvasObject) bool {
		tp, ok := o.(fyne.Tappable)
		if _, isLabel := o.(*widget.Label); !ok || isLabel || o == fyne.CanvasObject(v.nav) {
			return false
		}
		if walk(o, func(c fyne.CanvasObject) bool {
			l, ok := c.(*widget.Label)
			return ok && l.Text == text
		}) {
			row = tp
			return true
		}
		return false
	})
	if row == nil {
		t.Fatalf("no row %q in the section list", text)
	}
	test.Tap(row)
}

// boldRows returns the texts of the section list's rows shown in bold.
func boldRows(v *visitScreen) []string {
	var out []string
	walk(v.nav, func(o fyne.CanvasObject) bool {
		if l, ok := o.(*widget.Label); ok && l.Visible() && l.TextStyle.Bold {
			out = append(out, l.Text)
		}
		return false
	})
	return out
}
