package app

import (
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// wheelScroll is a vertical scroll that moves a sensible distance per
// wheel notch. Fyne moves 25 units a notch on Linux and Windows (10 on
// macOS, whose wheels and trackpads send many small, precise deltas),
// and units shrink with the screen's scale: on a scaled laptop a notch
// moved the 41-item checklist about 10 px. Here a notch moves about three
// lines of text, like other desktop programs.
type wheelScroll struct {
	*container.Scroll
}

// wheelNotch is what Fyne's desktop driver reports for one notch of the
// wheel outside macOS.
const wheelNotch = 25

// newWheelScroll scrolls content vertically.
func newWheelScroll(content fyne.CanvasObject) *wheelScroll {
	s := &wheelScroll{Scroll: &container.Scroll{Direction: container.ScrollVerticalOnly, Content: content}}
	// The scroll refreshes and lays out through the outer widget, so
	// that the driver sends wheel events to Scrolled below.
	s.Scroll.ExtendBaseWidget(s)
	return s
}

// wheelStep is the distance one notch moves: three lines of text.
func wheelStep() float32 {
	return 3 * (theme.TextSize() + 2*theme.InnerPadding())
}

// Scrolled scales the wheel's delta to wheelStep a notch.
func (s *wheelScroll) Scrolled(ev *fyne.ScrollEvent) {
	if runtime.GOOS != "darwin" {
		k := wheelStep() / wheelNotch
		ev = &fyne.ScrollEvent{PointEvent: ev.PointEvent, Scrolled: fyne.NewDelta(ev.Scrolled.DX*k, ev.Scrolled.DY*k)}
	}
	s.Scroll.Scrolled(ev)
}

// tabLeavingEntry is a multi-line entry that Tab leaves for the next
// field, as it leaves a single-line one: in a checklist's free-text item
// a tab character is never what the inspector meant, and Tab is how the
// keyboard goes through a section (issue 14).
type tabLeavingEntry struct {
	widget.Entry
}

// newTabLeavingEntry returns the entry to use and the object to lay out
// (the same entry, seen as its own type so that AcceptsTab is ours).
func newTabLeavingEntry() (*widget.Entry, fyne.CanvasObject) {
	e := &tabLeavingEntry{}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.ExtendBaseWidget(e)
	return &e.Entry, e
}

// AcceptsTab says no: Tab moves the focus on.
func (e *tabLeavingEntry) AcceptsTab() bool { return false }

// rowOfOptions is the widest a row of check boxes may be: what is left of
// a 1024 px screen beside the section list. A row does not wrap, and one
// wider than the screen made the window wider than a netbook's screen.
const rowOfOptions = 560

// fitsInARow says whether check boxes with these labels fit side by side;
// if not they go one under the other.
func fitsInARow(labels []string) bool {
	var w float32
	for _, l := range labels {
		// The box, the gap after it and the padding around each.
		w += fyne.MeasureText(l, theme.TextSize(), fyne.TextStyle{}).Width + theme.IconInlineSize() + 4*theme.Padding()
	}
	return w <= rowOfOptions
}
