package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// textLabel is a widget.Label whose secondary text (LowImportance) is
// drawn in colorNameSecondary, the readable grey of the app's theme, where
// Fyne draws it in the disabled colour, 1.3:1 on white.
//
// Lists, tables and pages used to get that grey from muted(...), a
// container.ThemeOverride. In Fyne 2.7.1 every refresh of an override, and
// every list row made inside one, empties the whole window's cache of text
// sizes and gives what is inside a new scope, so every text on screen was
// measured (shaped) again. A textLabel needs no override: it draws its text
// with a RichText of its own, whose segment takes the colour name a Label
// does not let one choose.
//
// It keeps Label's fields (Text, Importance, Alignment, Wrapping,
// Truncation, TextStyle, SizeName) but not selection or data binding.
type textLabel struct {
	widget.Label
	rich *widget.RichText
}

func newTextLabel(text string) *textLabel {
	l := &textLabel{}
	l.Text = text
	l.ExtendBaseWidget(l)
	return l
}

func (l *textLabel) CreateRenderer() fyne.WidgetRenderer {
	l.rich = widget.NewRichText(&widget.TextSegment{})
	l.sync()
	return widget.NewSimpleRenderer(l.rich)
}

// Refresh shows the label's fields as they are now.
func (l *textLabel) Refresh() {
	if l.rich == nil { // not created until shown
		return
	}
	l.sync()
	l.BaseWidget.Refresh()
}

// SetText changes the text and shows it; Label's own would refresh the
// Label's renderer, which a textLabel does not have.
func (l *textLabel) SetText(text string) {
	l.Text = text
	l.Refresh()
}

// sync gives the RichText the label's fields, as Label does with its own.
func (l *textLabel) sync() {
	color := theme.ColorNameForeground
	switch l.Importance {
	case widget.LowImportance:
		color = colorNameSecondary
	case widget.HighImportance:
		color = theme.ColorNamePrimary
	case widget.DangerImportance:
		color = theme.ColorNameError
	case widget.WarningImportance:
		color = theme.ColorNameWarning
	case widget.SuccessImportance:
		color = theme.ColorNameSuccess
	}
	size := l.SizeName
	if size == "" {
		size = theme.SizeNameText
	}
	l.rich.Wrapping = l.Wrapping
	l.rich.Truncation = l.Truncation
	seg := l.rich.Segments[0].(*widget.TextSegment)
	seg.Text = l.Text
	seg.Style = widget.RichTextStyle{
		Alignment: l.Alignment,
		ColorName: color,
		Inline:    true,
		TextStyle: l.TextStyle,
		SizeName:  size,
	}
}
