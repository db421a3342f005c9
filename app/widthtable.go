package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// widthTable is a widget.Table that takes all its column widths at once.
// Fyne's SetColumnWidth refreshes the whole table for each column it
// changes: every visible cell is updated again, and a label that cuts its
// text with an ellipsis measures it over and over to find where. Fitting
// the dashboard's eight columns cost eight such refreshes before the one
// that shows the new widths; a third of the app tests' CPU went there.
type widthTable struct {
	widget.Table
	held   bool      // refreshes stop at the renderer while widths are set
	widths []float32 // as last given to setColumnWidths
}

func newWidthTable(length func() (int, int), create func() fyne.CanvasObject, update func(widget.TableCellID, fyne.CanvasObject)) *widthTable {
	t := &widthTable{}
	t.Length, t.CreateCell, t.UpdateCell = length, create, update
	t.ExtendBaseWidget(t)
	return t
}

// CreateRenderer wraps the table's renderer so that setColumnWidths can
// hold its refreshes; SetColumnWidth reaches the renderer through the
// widget, never directly.
func (t *widthTable) CreateRenderer() fyne.WidgetRenderer {
	return &heldRenderer{WidgetRenderer: t.Table.CreateRenderer(), t: t}
}

// setColumnWidths gives columns 0, 1, … these widths without refreshing
// anything, and says whether any changed: the caller then refreshes the
// table once, which lays the cells out at the new widths. The table reads
// the widths when it lays its cells out, so the scroll position stays.
func (t *widthTable) setColumnWidths(widths []float32) (changed bool) {
	t.held = true
	defer func() { t.held = false }()
	for i, w := range widths {
		if i >= len(t.widths) || t.widths[i] != w {
			changed = true
			t.SetColumnWidth(i, w)
		}
	}
	t.widths = append(t.widths[:0], widths...)
	return changed
}

type heldRenderer struct {
	fyne.WidgetRenderer
	t *widthTable
}

func (r *heldRenderer) Refresh() {
	if !r.t.held {
		r.WidgetRenderer.Refresh()
	}
}
