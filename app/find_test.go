package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// findButton returns the first button labelled text under o.
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	var found *widget.Button
	walk(o, func(x fyne.CanvasObject) bool {
		if b, ok := x.(*widget.Button); ok && b.Text == text {
			found = b
			return true
		}
		return false
	})
	return found
}

// walk visits o and everything inside it, through containers and widget
// renderers, until visit returns true.
func walk(o fyne.CanvasObject, visit func(fyne.CanvasObject) bool) bool {
	if o == nil {
		return false
	}
	if visit(o) {
		return true
	}
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			if walk(c, visit) {
				return true
			}
		}
	case fyne.Widget:
		r := test.WidgetRenderer(x)
		if r == nil {
			return false
		}
		for _, c := range r.Objects() {
			if walk(c, visit) {
				return true
			}
		}
	}
	return false
}
