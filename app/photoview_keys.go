package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// photoKeys is the picture of the full photo view, made focusable so that
// it, and not the caption field, receives the keys the hint line lists.
// Fyne dialogs have no key handling of their own.
type photoKeys struct {
	widget.BaseWidget
	content fyne.CanvasObject
	onKey   func(fyne.KeyName)
	onRune  func(rune)
}

func newPhotoKeys(content fyne.CanvasObject, onKey func(fyne.KeyName), onRune func(rune)) *photoKeys {
	k := &photoKeys{content: content, onKey: onKey, onRune: onRune}
	k.ExtendBaseWidget(k)
	return k
}

// CreateRenderer draws the picture as it is.
func (k *photoKeys) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(k.content) }

// Tapped takes the keyboard back from the caption field.
func (k *photoKeys) Tapped(*fyne.PointEvent) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(k); c != nil {
		c.Focus(k)
	}
}

// FocusGained is part of fyne.Focusable; the picture needs no highlight.
func (k *photoKeys) FocusGained() {}

// FocusLost is part of fyne.Focusable.
func (k *photoKeys) FocusLost() {}

// TypedRune handles the printable keys (+ = − 0 R).
func (k *photoKeys) TypedRune(r rune) { k.onRune(r) }

// TypedKey handles the named keys (arrows, Delete, Escape).
func (k *photoKeys) TypedKey(e *fyne.KeyEvent) { k.onKey(e.Name) }

// captionEntry is the caption field; Escape in it hands the keyboard back
// to the picture, so a second Escape closes the view.
type captionEntry struct {
	widget.Entry
	onEscape func()
}

func newCaptionEntry(onEscape func()) *captionEntry {
	e := &captionEntry{onEscape: onEscape}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey passes every key but Escape to the entry.
func (e *captionEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		e.onEscape()
		return
	}
	e.Entry.TypedKey(k)
}
