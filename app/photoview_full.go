package app

import (
	"bytes"
	"fmt"
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// zoomStep is how much one zoom in or out changes the scale.
const zoomStep = 1.25

// photoFull is one photo in full: its display copy with zoom (fit, 100%,
// in and out, scrolling when larger than the window), its caption (saved
// as typed), a manual rotation and deletion. A photo taken on another
// laptop shows its thumbnail while its original comes from the portal.
// The keyboard works on the picture: ← → the previous and next photo,
// + − (and =) zoom, 0 fit, R rotate, Delete delete, Escape close.
type photoFull struct {
	pv     *photoView
	ti, i  int
	p      sv.Photo
	src    image.Image // display copy as stored, before the user's rotation
	img    *canvas.Image
	zoom   float32 // image pixels to screen pixels; 0 fits the window
	body   *fyne.Container
	scroll *container.Scroll
	keys   *photoKeys // the picture, holding the keyboard focus

	// complete is set once the display copy is shown, not a thumbnail
	// standing in for it; downloading while its original is fetched.
	complete    bool
	downloading bool
	open        bool // the dialog is on screen

	caption   *captionEntry
	zoomLabel *widget.Label
	state     *widget.Label // why the full picture is not here yet
	rotate    *widget.Button
	del       *widget.Button
	dlg       dialog.Dialog
	// overlay is the view's layer on the window. The keys act on the photo
	// only while it is on top: under a question (delete this photo?) they
	// answer the question, and → must not move to another photo beneath it.
	overlay fyne.CanvasObject
}

func showPhotoFull(pv *photoView, ti, i int) *photoFull {
	p := pv.photos[ti][i].photo
	f := &photoFull{pv: pv, ti: ti, i: i, p: p, open: true}
	f.img = canvas.NewImageFromResource(theme.FileImageIcon())
	f.img.FillMode = canvas.ImageFillContain
	f.img.ScaleMode = canvas.ImageScaleSmooth
	f.scroll = container.NewScroll(container.NewCenter())
	f.body = container.NewStack(f.img)
	f.keys = newPhotoKeys(f.body, f.typedKey, f.typedRune)
	f.zoomLabel = widget.NewLabel(t0("photo.zoom_fit"))
	fit := widget.NewButton(t0("photo.zoom_fit"), func() { f.setZoom(0) })
	actual := widget.NewButton("100%", func() { f.setZoom(1) })
	in := widget.NewButtonWithIcon("", theme.ZoomInIcon(), f.zoomIn)
	out := widget.NewButtonWithIcon("", theme.ZoomOutIcon(), f.zoomOut)
	f.rotate = widget.NewButtonWithIcon(t0("photo.rotate"), theme.ViewRefreshIcon(), f.turn)
	f.del = widget.NewButtonWithIcon(t0("photo.delete"), theme.DeleteIcon(), f.confirmDelete)
	f.del.Importance = widget.DangerImportance
	f.caption = newCaptionEntry(f.focusPicture)
	f.caption.SetPlaceHolder(t0("photo.caption_placeholder"))
	f.caption.SetText(p.Caption)
	f.caption.OnChanged = f.captionChanged
	f.state = widget.NewLabel("")
	f.state.Wrapping = fyne.TextWrapWord
	f.state.Importance = widget.WarningImportance
	f.state.Hide()
	tg := pv.targets[ti]
	if tg.locked != "" {
		// A submitted visit does not change; the delete button stays to
		// say why.
		f.caption.Disable()
		f.rotate.Disable()
	}
	facts := widget.NewLabel(f.facts())
	facts.Wrapping = fyne.TextWrapWord
	hint := newTextLabel(t0("photo.keys_hint"))
	hint.Importance = widget.LowImportance
	hint.Wrapping = fyne.TextWrapWord
	tools := container.NewHBox(fit, actual, out, in, f.zoomLabel, layout.NewSpacer(), f.rotate, f.del)
	bottom := container.NewVBox(f.state, container.NewBorder(nil, nil, widget.NewLabel(t0("photo.caption")), nil, f.caption), facts, hint)
	f.dlg = dialog.NewCustom(p.FileName, t0("common.close"), container.NewBorder(tools, bottom, nil, nil, f.keys), pv.env.win)
	// A click on a label or the title takes the keyboard away from the
	// picture (Fyne unfocuses on a tap outside a focusable widget); the
	// canvas then gets the keys, and passes them on while the view is open.
	c := pv.env.win.Canvas()
	prevKey, prevRune := c.OnTypedKey(), c.OnTypedRune()
	c.SetOnTypedKey(func(e *fyne.KeyEvent) {
		switch {
		case c.Overlays().Top() == f.overlay:
			f.typedKey(e.Name)
		case prevKey != nil:
			prevKey(e) // the window's: it answers the question on top
		}
	})
	c.SetOnTypedRune(func(r rune) {
		switch {
		case c.Overlays().Top() == f.overlay:
			f.typedRune(r)
		case prevRune != nil:
			prevRune(r)
		}
	})
	f.dlg.SetOnClosed(func() {
		f.open = false
		c.SetOnTypedKey(prevKey)
		c.SetOnTypedRune(prevRune)
	})
	f.dlg.Resize(fyne.NewSize(1100, 720))
	f.dlg.Show()
	f.overlay = c.Overlays().Top()
	f.focusPicture()
	f.load()
	return f
}

// load reads the display copy off the UI goroutine; when only the
// thumbnail is here it stands in while the original is fetched.
func (f *photoFull) load() {
	data := f.pv.env.data
	hash := f.p.Hash
	type picture struct {
		img      image.Image
		complete bool
	}
	fetchIn(f.pv.env, func() (picture, error) {
		if b, err := data.PhotoBlob(hash, storage.BlobDisplay); err == nil {
			if img, _, err := image.Decode(bytes.NewReader(b)); err == nil {
				return picture{img, true}, nil
			}
		}
		return picture{decodeRotated(data, hash, storage.BlobThumbnail, 0), false}, nil
	}, func(pic picture, _ error) {
		f.complete = pic.complete
		if pic.img == nil {
			f.img.Resource = theme.BrokenImageIcon()
			f.img.Refresh()
		} else {
			f.src = pic.img
			f.render()
		}
		if !f.complete {
			f.fetchOriginal()
		}
	})
}

// fetchOriginal asks the portal for the photo's original; the copies made
// from it replace the thumbnail in place, here and in the grid.
func (f *photoFull) fetchOriginal() {
	if f.downloading {
		return
	}
	// Said first: the download may finish before downloadPhotos returns.
	f.downloading = true
	f.state.SetText(f.pv.env.missingPhotoText(nil))
	f.state.Show()
	data := f.pv.env.data
	rotation := f.p.Rotation
	started := f.pv.env.photos.downloadPhotos([]string{f.p.Hash}, true, func(hash string, err error) {
		var display, thumb image.Image
		if err == nil {
			display = decodeRotated(data, hash, storage.BlobDisplay, 0)
			thumb = decodeRotated(data, hash, storage.BlobThumbnail, rotation)
		}
		f.pv.env.do(func() { f.originalArrived(display, thumb, err) })
	})
	if !started {
		f.downloading = false
		f.state.SetText(t0("photo.on_portal"))
	}
}

// originalArrived shows the display copy made from the downloaded
// original, or says why there is none.
func (f *photoFull) originalArrived(display, thumb image.Image, err error) {
	f.downloading = false
	if display == nil {
		text := f.pv.env.missingPhotoText(err)
		if err == nil {
			text = t0("photo.cannot_show")
		}
		f.state.SetText(text)
		f.state.Show()
		return
	}
	f.complete = true
	f.state.Hide()
	f.src = display
	f.render()
	if thumb != nil {
		f.pv.thumbnailArrived(f.p.Hash, thumb, nil)
	}
}

// retry fetches the original again once the portal may be reachable.
func (f *photoFull) retry() {
	if !f.complete && !f.downloading {
		f.fetchOriginal()
	}
}

// focusPicture gives the keyboard to the picture, so the keys of the hint
// line work (and not in the caption field).
func (f *photoFull) focusPicture() {
	f.pv.env.win.Canvas().Focus(f.keys)
}

// typedKey handles the named keys; printable ones come as runes.
func (f *photoFull) typedKey(k fyne.KeyName) {
	switch k {
	case fyne.KeyLeft:
		f.step(-1)
	case fyne.KeyRight:
		f.step(1)
	case fyne.KeyDelete:
		f.confirmDelete()
	case fyne.KeyEscape:
		f.dlg.Hide()
	}
}

// typedRune handles + = − 0 and R, on the main keys and the keypad.
func (f *photoFull) typedRune(r rune) {
	switch r {
	case '+', '=':
		f.zoomIn()
	case '-':
		f.zoomOut()
	case '0':
		f.setZoom(0)
	case 'r', 'R':
		if !f.rotate.Disabled() {
			f.turn()
		}
	}
}

// step shows the previous (-1) or next (1) photo of the same list in place
// of this one; at either end it stays.
func (f *photoFull) step(d int) {
	j := f.i + d
	if j < 0 || j >= len(f.pv.photos[f.ti]) {
		return
	}
	f.dlg.Hide()
	f.pv.full = showPhotoFull(f.pv, f.ti, j)
}

func (f *photoFull) zoomIn()  { f.setZoom(f.currentZoom() * zoomStep) }
func (f *photoFull) zoomOut() { f.setZoom(f.currentZoom() / zoomStep) }

// facts lists what the camera recorded.
func (f *photoFull) facts() string {
	s := t("photo.facts", f.pv.env.date(f.p.SortTime()), f.p.Width, f.p.Height)
	if f.p.Lat != nil && f.p.Lon != nil {
		s += fmt.Sprintf(" · GPS %.5f, %.5f", *f.p.Lat, *f.p.Lon)
	}
	return s
}

// shown is the image on screen: the display copy turned by the rotation.
func (f *photoFull) shown() image.Image {
	if f.src == nil {
		return nil
	}
	return rotate(f.src, f.p.Rotation)
}

// render puts the rotated image on screen at the current zoom.
func (f *photoFull) render() {
	img := f.shown()
	if img == nil {
		return
	}
	f.img.Image = img
	f.img.Resource = nil
	if f.zoom == 0 {
		f.img.FillMode = canvas.ImageFillContain
		f.img.SetMinSize(fyne.NewSize(0, 0))
		f.body.Objects = []fyne.CanvasObject{f.img}
		f.zoomLabel.SetText(t0("photo.zoom_fit"))
	} else {
		// Fyne sizes are in device-independent units: divide by the scale
		// so that 100% is one image pixel per screen pixel.
		scale := f.pv.env.win.Canvas().Scale()
		b := img.Bounds()
		f.img.FillMode = canvas.ImageFillStretch
		f.img.SetMinSize(fyne.NewSize(float32(b.Dx())*f.zoom/scale, float32(b.Dy())*f.zoom/scale))
		f.scroll.Content = container.NewCenter(f.img)
		f.scroll.Refresh()
		f.body.Objects = []fyne.CanvasObject{f.scroll}
		f.zoomLabel.SetText(fmt.Sprintf("%.0f%%", f.zoom*100))
	}
	f.body.Refresh()
	f.img.Refresh()
}

// currentZoom is the zoom in effect; in fit mode, the scale that fits.
func (f *photoFull) currentZoom() float32 {
	if f.zoom > 0 {
		return f.zoom
	}
	img := f.shown()
	if img == nil {
		return 1
	}
	b, size := img.Bounds(), f.body.Size()
	if b.Dx() == 0 || b.Dy() == 0 || size.Width == 0 || size.Height == 0 {
		return 1
	}
	scale := f.pv.env.win.Canvas().Scale()
	return min(size.Width*scale/float32(b.Dx()), size.Height*scale/float32(b.Dy()))
}

// setZoom sets the scale, 0 to fit; it stays between 5% and 800%.
func (f *photoFull) setZoom(z float32) {
	if z != 0 {
		z = min(max(z, 0.05), 8)
	}
	f.zoom = z
	f.render()
}

// captionChanged saves the caption as typed; the saver keeps one write
// per photo running and drops the ones overtaken.
func (f *photoFull) captionChanged(s string) {
	f.p.Caption = s
	f.save()
}

// turn rotates the photo a quarter clockwise and saves it.
func (f *photoFull) turn() {
	f.p.Rotation = (f.p.Rotation + 90) % 360
	f.save()
	f.render()
}

// save writes the caption and rotation, and updates the grid's copy.
func (f *photoFull) save() {
	data := f.pv.env.data
	hash, caption, rotation := f.p.Hash, f.p.Caption, f.p.Rotation
	f.pv.saver.put(hash, func() error { return data.UpdatePhoto(hash, caption, rotation) })
	if f.i < len(f.pv.photos[f.ti]) && f.pv.photos[f.ti][f.i].photo.Hash == hash {
		vp := &f.pv.photos[f.ti][f.i]
		turned := rotation != vp.photo.Rotation
		vp.photo.Caption, vp.photo.Rotation = caption, rotation
		if turned && vp.thumb != nil {
			vp.thumb = rotate(vp.thumb, 90)
		}
		if tile := f.tile(); tile != nil {
			tile.img.Image = vp.thumb
			tile.img.Refresh()
			tile.date.SetText(f.pv.env.date(vp.photo.SortTime()) + " " + caption)
		}
	}
}

func (f *photoFull) tile() *photoTile {
	if f.ti < len(f.pv.tiles) && f.i < len(f.pv.tiles[f.ti]) {
		return f.pv.tiles[f.ti][f.i]
	}
	return nil
}

// confirmDelete asks before taking the photo off; on a submitted visit it
// says why the photo must stay instead.
func (f *photoFull) confirmDelete() {
	env := f.pv.env
	if reason := f.pv.targets[f.ti].locked; reason != "" {
		env.dialogs.inform(t0("photo.delete"), reason)
		return
	}
	env.dialogs.confirmLoss(t0("photo.delete"), t0("photo.delete_confirm"), t0("photo.delete"), func(ok bool) {
		if ok {
			f.delete()
		}
	})
}

func (f *photoFull) delete() {
	env := f.pv.env
	data := env.data
	hash, link := f.p.Hash, f.pv.targets[f.ti].link
	fetchIn(env, func() (bool, error) {
		return data.UnlinkPhoto(hash, link)
	}, func(_ bool, err error) {
		if err != nil {
			env.dialogs.showError(err)
			return
		}
		f.dlg.Hide()
		if f.pv.cb.removed != nil {
			f.pv.cb.removed(hash)
		}
		f.pv.load()
	})
}
