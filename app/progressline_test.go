package app

import (
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
)

// TestVisitProgressStartsEmpty: a new visit's bar shows nothing done, and
// fills by the share of items answered; the track is not the colour of
// the part done, so an empty bar cannot pass for a full one.
func TestVisitProgressStartsEmpty(t *testing.T) {
	ui, _ := newTestUI(t)
	v := startVisit(t, ui, ui.dash.rows[5].Project.ID)
	v.bar.Resize(fyne.NewSize(300, 8))
	objs := test.WidgetRenderer(v.bar).Objects()
	track, done := objs[0].(*canvas.Rectangle), objs[1].(*canvas.Rectangle)
	if done.Size().Width != 0 {
		t.Errorf("no item answered, yet %v of %v is filled", done.Size().Width, track.Size().Width)
	}
	if track.FillColor == done.FillColor {
		t.Error("the track has the colour of the part done")
	}
	field(t, v, "safety.edges").verdict().SetSelected("符合")
	answered, total := v.in.Progress(v.tmpl)
	want := 300 * float64(answered) / float64(total)
	if answered != 1 || math.Abs(float64(done.Size().Width)-want) > 0.5 {
		t.Errorf("%d of %d answered: %v of 300 filled, want %.1f", answered, total, done.Size().Width, want)
	}
}
