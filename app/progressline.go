package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// progressLine is a thin bar of how much of a visit is answered: the
// answered part in the primary colour on a grey track. Fyne's ProgressBar
// draws its track in the primary colour at half strength, so with no text
// on it (the count is in the header already) an empty bar looked like a
// full light-blue one.
type progressLine struct {
	widget.BaseWidget
	value float64 // 0 to 1
}

func newProgressLine() *progressLine {
	p := &progressLine{}
	p.ExtendBaseWidget(p)
	return p
}

// SetValue shows v, a fraction, clamped to 0–1.
func (p *progressLine) SetValue(v float64) {
	p.value = min(max(v, 0), 1)
	p.Refresh()
}

func (p *progressLine) CreateRenderer() fyne.WidgetRenderer {
	r := &progressLineRenderer{p: p, track: canvas.NewRectangle(nil), done: canvas.NewRectangle(nil)}
	r.Refresh()
	return r
}

type progressLineRenderer struct {
	p           *progressLine
	track, done *canvas.Rectangle
}

func (r *progressLineRenderer) Layout(size fyne.Size) {
	r.track.Resize(size)
	r.done.Resize(fyne.NewSize(size.Width*float32(r.p.value), size.Height))
}

func (r *progressLineRenderer) MinSize() fyne.Size {
	return fyne.NewSize(0, r.p.Theme().Size(theme.SizeNamePadding)*2)
}

func (r *progressLineRenderer) Refresh() {
	th := r.p.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.track.FillColor = th.Color(theme.ColorNameSeparator, v)
	r.done.FillColor = th.Color(theme.ColorNamePrimary, v)
	radius := th.Size(theme.SizeNamePadding)
	r.track.CornerRadius, r.done.CornerRadius = radius, radius
	r.Layout(r.p.Size())
	r.track.Refresh()
	r.done.Refresh()
}

func (r *progressLineRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.track, r.done}
}

func (r *progressLineRenderer) Destroy() {}
