package app

import (
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// pressTab does what Fyne's desktop driver does with Tab: the focused
// widget gets it if it takes tabs, else the focus moves on.
func pressTab(c fyne.Canvas) {
	if tb, ok := c.Focused().(fyne.Tabbable); ok && tb.AcceptsTab() {
		c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
		return
	}
	c.FocusNext()
}

// Tab in a free-text item moves on to the next field instead of typing a
// tab; so does Tab in a one-line field (a number, a note).
func TestTabLeavesTextFields(t *testing.T) {
	ui, s := newTestUI(t)
	v := startVisit(t, ui, ui.dash.rows[6].Project.ID)
	c := ui.window.Canvas()
	f := field(t, v, "progress.this_month")
	v.goTo("progress.this_month")
	if c.Focused() == nil || c.Focused() != f.focusTarget() {
		t.Fatalf("the jump to a text item focused %T", c.Focused())
	}
	test.Type(c.Focused(), "主体结构")
	pressTab(c)
	if c.Focused() == f.focusTarget() {
		t.Fatal("Tab stayed in the text item")
	}
	if strings.Contains(f.entry().Text, "\t") {
		t.Errorf("Tab typed into the text item: %q", f.entry().Text)
	}
	if got := stored(t, s, v.id).Answers["progress.this_month"].Text; got != "主体结构" {
		t.Errorf("stored %q", got)
	}
	// The next text item, then Tab again: the focus leaves it too.
	next := field(t, v, "progress.next_month")
	c.Focus(next.focusTarget())
	pressTab(c)
	if c.Focused() == next.focusTarget() || strings.Contains(next.entry().Text, "\t") {
		t.Error("Tab stayed in the second text item")
	}
	// A one-line note: Tab moves on.
	num := field(t, v, "progress.next_milestone")
	c.Focus(num.entry())
	pressTab(c)
	if c.Focused() == num.entry() {
		t.Error("Tab stayed in a date field")
	}
}

// One wheel notch moves the checklist about three lines, not the few
// pixels Fyne moves by itself.
func TestAWheelNotchScrollsThreeLines(t *testing.T) {
	if runtime.GOOS == "darwin" {
		t.Skip("macOS wheels and trackpads keep Fyne's own distances")
	}
	ui, _ := newTestUI(t)
	ui.window.Resize(fyne.NewSize(1366, 768))
	v := startVisit(t, ui, ui.dash.rows[6].Project.ID)
	// The longest section, so that it scrolls.
	longest := 0
	for i, p := range v.panes {
		if len(p.box.Objects) > len(v.panes[longest].box.Objects) {
			longest = i
		}
	}
	v.showPane(longest)
	p := v.panes[longest]
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(p.view).Add(fyne.NewPos(40, 40))
	test.Scroll(ui.window.Canvas(), at, 0, -wheelNotch)
	if got := p.scroll.Offset.Y; got < 2*wheelNotch || got != wheelStep() {
		t.Errorf("a notch scrolled %v px, want %v (three lines)", got, wheelStep())
	}
	test.Scroll(ui.window.Canvas(), at, 0, wheelNotch)
	if got := p.scroll.Offset.Y; got != 0 {
		t.Errorf("a notch back left the page at %v", got)
	}
}
