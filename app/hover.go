package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Fyne has no tooltip. A hoverLabel shows a short text (a project's short
// name where the column is narrow) and, while the mouse is on it, the full
// text in a small panel drawn by a tipLayer laid over the screen.
//
// The panel is not a widget.PopUp: a pop-up is an overlay, and while an
// overlay is up Fyne sends mouse moves only to it, so the label would get
// MouseOut at once, hide the pop-up, get MouseIn on the next move and show
// it again — a flicker. A tipLayer is part of the screen's own content and
// holds nothing that takes the mouse, so the label under it keeps the
// hover (docs/decisions/0044).

// tipLayer is the layer a screen's hover labels draw their panel on; it
// is stacked over the screen's content.
type tipLayer struct {
	widget.BaseWidget
	text  *widget.Label
	panel *fyne.Container
	owner fyne.CanvasObject // the label the panel is shown for
}

func newTipLayer() *tipLayer {
	l := &tipLayer{text: widget.NewLabel("")}
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
	bg.StrokeColor = theme.Color(theme.ColorNameShadow)
	bg.StrokeWidth = 1
	bg.CornerRadius = theme.InputRadiusSize()
	l.panel = container.NewStack(bg, l.text)
	l.panel.Hide()
	l.ExtendBaseWidget(l)
	return l
}

func (l *tipLayer) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewWithoutLayout(l.panel))
}

// MinSize is nothing: the layer takes the size of what it covers.
func (l *tipLayer) MinSize() fyne.Size { return fyne.Size{} }

// show puts text in the panel just under owner, kept inside the layer.
func (l *tipLayer) show(text string, owner fyne.CanvasObject) {
	d := fyne.CurrentApp().Driver()
	if d.CanvasForObject(owner) == nil || d.CanvasForObject(l) == nil {
		return // not on screen (yet)
	}
	l.owner = owner
	l.text.SetText(text)
	size := l.panel.MinSize()
	at := d.AbsolutePositionForObject(owner).Subtract(d.AbsolutePositionForObject(l))
	at.Y += owner.Size().Height
	room := l.Size()
	if at.Y+size.Height > room.Height { // no room under it: above
		at.Y -= owner.Size().Height + size.Height
	}
	at.X = max(0, min(at.X, room.Width-size.Width))
	at.Y = max(0, at.Y)
	l.panel.Resize(size)
	l.panel.Move(at)
	l.panel.Show()
	l.Refresh()
}

// hide takes the panel away if it is owner's.
func (l *tipLayer) hide(owner fyne.CanvasObject) {
	if l.owner != owner {
		return
	}
	l.owner = nil
	l.panel.Hide()
	l.Refresh()
}

// clear takes away whatever panel is shown: the rows moved under it (a
// scroll) or changed (a search or filter), so it would name the wrong one.
func (l *tipLayer) clear() {
	if l.owner == nil {
		return
	}
	l.owner = nil
	l.panel.Hide()
	l.Refresh()
}

// shown returns the text of the panel, "" when none is shown.
func (l *tipLayer) shown() string {
	if !l.panel.Visible() {
		return ""
	}
	return l.text.Text
}

// hoverLabel is a label whose full text shows on hover when the label
// shows less: a short form, or the text cut by an ellipsis. Its owner
// sets Text and full (empty when Text is the whole text) and refreshes.
type hoverLabel struct {
	textLabel
	full string
	tips *tipLayer
}

var _ desktop.Hoverable = (*hoverLabel)(nil)

func newHoverLabel(tips *tipLayer) *hoverLabel {
	h := &hoverLabel{tips: tips}
	h.Truncation = fyne.TextTruncateEllipsis
	h.ExtendBaseWidget(h)
	return h
}

// cut says whether the label shows less than its full text.
func (h *hoverLabel) cut() bool {
	if h.full != "" && h.full != h.Text {
		return true
	}
	w := fyne.MeasureText(h.Text, theme.TextSize(), h.TextStyle).Width + 2*theme.InnerPadding()
	return w > h.Size().Width+0.5
}

// MouseIn shows the full text if the label shows less.
func (h *hoverLabel) MouseIn(*desktop.MouseEvent) {
	if h.tips == nil || !h.cut() {
		return
	}
	full := h.full
	if full == "" {
		full = h.Text
	}
	h.tips.show(full, h)
}

// MouseMoved keeps the panel where it is, or shows it again when a
// scroll took it away and the mouse is back on the label.
func (h *hoverLabel) MouseMoved(e *desktop.MouseEvent) {
	if h.tips != nil && h.tips.owner != h {
		h.MouseIn(e)
	}
}

// MouseOut hides the panel.
func (h *hoverLabel) MouseOut() {
	if h.tips != nil {
		h.tips.hide(h)
	}
}

// tipCell is a table cell holding hover labels. A Fyne table has no scroll
// callback, but each time it scrolls or is refreshed it moves every cell
// it shows; a panel left up then would name what was under the mouse
// before. So a cell moved takes the panel away. The mouse coming back on
// a label shows it again.
type tipCell struct {
	widget.BaseWidget
	content fyne.CanvasObject
	tips    *tipLayer
}

func newTipCell(content fyne.CanvasObject, tips *tipLayer) *tipCell {
	c := &tipCell{content: content, tips: tips}
	c.ExtendBaseWidget(c)
	return c
}

func (c *tipCell) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(c.content) }

// Move is how the table tells its cells it scrolled.
func (c *tipCell) Move(pos fyne.Position) {
	c.tips.clear()
	c.BaseWidget.Move(pos)
}
