package app

import (
	"bytes"
	"image"
	_ "image/jpeg" // the stored renditions are JPEG
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// photoTarget is one list of photos: a visit's site photos, an item's, or
// a finding's photos before or after the fix.
type photoTarget struct {
	link  sv.PhotoLink
	title string
	// locked says why this list cannot change (a submitted visit: the
	// photos are evidence); empty when it can.
	locked string
}

// viewPhoto is a photo with its thumbnail decoded and turned upright.
type viewPhoto struct {
	photo sv.Photo
	thumb image.Image // nil when the bytes are not on this laptop
}

// photoViewCallbacks tell the screen behind what changed, so the lists it
// keeps (an answer's photos, which it saves whole) stay true.
type photoViewCallbacks struct {
	added   func(photoImport)
	removed func(hash string)
}

// photoView is a dialog with the photos of a visit, an item or a finding,
// as thumbnails sorted by capture time; a finding shows its photos before
// and after the fix side by side, in pairs. It imports more (files, a
// folder, or files dropped on the window) and opens one photo in full.
type photoView struct {
	env     *screenEnv
	targets []photoTarget
	photos  [][]viewPhoto // per target, by capture time
	tiles   [][]*photoTile
	cb      photoViewCallbacks
	saver   *saver // captions and rotations, newest wins

	grid   *fyne.Container
	status *widget.Label
	dlg    *dialog.CustomDialog
	shown  bool
	full   *photoFull // the photo last opened in full, for tests
	// downloading holds the photos whose thumbnails are being fetched, so
	// a reload does not ask for them twice.
	downloading map[string]bool
}

// photoTile is one thumbnail in the grid; tapping it opens the photo.
type photoTile struct {
	hash string
	img  *canvas.Image
	date *widget.Label
	// state says why there is no picture: on its way, waiting for the
	// network, or what the portal said. Hidden once the picture is here.
	state *textLabel
	open  func()
	box   fyne.CanvasObject
}

// showPhotos opens the photos of the first target (or, for a finding, of
// its two targets).
func showPhotos(env *screenEnv, title string, targets []photoTarget, cb photoViewCallbacks) *photoView {
	pv := &photoView{env: env, targets: targets, cb: cb, downloading: map[string]bool{}}
	pv.saver = newSaver(env.bg, func(_ string, err error) {
		if err != nil {
			env.do(func() { env.dialogs.showError(err) })
		}
	})
	pv.grid = container.NewVBox()
	pv.status = widget.NewLabel(t0("dashboard.loading"))
	pv.status.Wrapping = fyne.TextWrapWord
	var tools []fyne.CanvasObject
	for i, tg := range targets {
		if tg.locked != "" {
			continue
		}
		add := func(paths []string) { pv.importInto(i, paths) }
		files, folder := importButtons(env, add)
		if len(targets) > 1 {
			files.SetText(tg.title + " · " + files.Text)
			folder.SetText(tg.title + " · " + folder.Text)
		}
		tools = append(tools, files, folder)
	}
	top := container.NewVBox(pv.status, container.NewHBox(tools...))
	pv.dlg = dialog.NewCustom(title, t0("common.close"), container.NewBorder(top, nil, nil, nil, container.NewVScroll(pv.grid)), env.win)
	pv.dlg.SetOnClosed(func() {
		pv.shown = false
		if env.photos.viewer() == pv {
			env.photos.viewerShown(nil)
		}
		// Photos may have been added, deleted or downloaded meanwhile.
		env.photos.photosChanged()
	})
	pv.dlg.Resize(fyne.NewSize(980, 680))
	env.dialogs.showKeyed(pv.dlg, pv.dlg.Hide)
	pv.shown = true
	env.photos.viewerShown(pv)
	pv.load()
	return pv
}

func (pv *photoView) visible() bool { return pv.shown }

// load reads the photos and their thumbnails off the UI goroutine.
func (pv *photoView) load() {
	data := pv.env.data
	targets := pv.targets
	fetchIn(pv.env, func() ([][]viewPhoto, error) {
		lists, err := targetHashes(data, targets)
		if err != nil {
			return nil, err
		}
		out := make([][]viewPhoto, len(lists))
		for i, hashes := range lists {
			for _, h := range hashes {
				p, err := data.Photo(h)
				if sv.ErrorCode(err) == sv.ENotFound {
					continue // listed but not (yet) pulled from the portal
				}
				if err != nil {
					return nil, err
				}
				out[i] = append(out[i], viewPhoto{photo: p, thumb: decodeRotated(data, h, storage.BlobThumbnail, p.Rotation)})
			}
			sort.SliceStable(out[i], func(a, b int) bool { return out[i][a].photo.SortTime().Before(out[i][b].photo.SortTime()) })
		}
		return out, nil
	}, func(photos [][]viewPhoto, err error) {
		if err != nil {
			pv.status.SetText(pv.env.message(err))
			return
		}
		pv.photos = photos
		pv.show()
	})
}

// targetHashes reads the lists of photo hashes the targets name: what the
// visit, answer or finding records, which is what reports print.
func targetHashes(data Data, targets []photoTarget) ([][]string, error) {
	out := make([][]string, len(targets))
	for i, tg := range targets {
		l := tg.link
		switch {
		case l.FindingID != "":
			f, err := data.Finding(l.FindingID)
			if err != nil {
				return nil, err
			}
			out[i] = f.PhotosBefore
			if l.Role == sv.RoleAfter {
				out[i] = f.PhotosAfter
			}
		default:
			in, err := data.Visit(l.VisitID)
			if err != nil {
				return nil, err
			}
			out[i] = in.Photos
			if l.ItemKey != "" {
				out[i] = in.Answers[l.ItemKey].Photos
			}
		}
	}
	return out, nil
}

// show fills the grid: thumbnails in rows, or for a finding pairs of
// before and after side by side.
func (pv *photoView) show() {
	pv.tiles = make([][]*photoTile, len(pv.photos))
	for ti, list := range pv.photos {
		for i := range list {
			pv.tiles[ti] = append(pv.tiles[ti], pv.newTile(ti, i))
		}
	}
	n := 0
	for _, list := range pv.photos {
		n += len(list)
	}
	status := t("item.photos", n)
	for _, tg := range pv.targets {
		if tg.locked != "" {
			status += "\n" + tg.locked
			break
		}
	}
	pv.status.SetText(status)
	pv.grid.Objects = nil
	if len(pv.targets) == 1 {
		wrap := container.NewGridWrap(fyne.NewSize(170, 160))
		for _, tile := range pv.tiles[0] {
			wrap.Add(tile.box)
		}
		if n == 0 {
			wrap.Add(widget.NewLabel(t0("photo.none")))
		}
		pv.grid.Add(wrap)
	} else {
		pairs := container.NewGridWithColumns(len(pv.targets))
		for _, tg := range pv.targets {
			pairs.Add(widget.NewLabelWithStyle(tg.title, fyne.TextAlignCenter, fyne.TextStyle{Bold: true}))
		}
		rows := 0
		for _, list := range pv.tiles {
			rows = max(rows, len(list))
		}
		for r := range rows {
			for ti := range pv.targets {
				if r < len(pv.tiles[ti]) {
					pairs.Add(pv.tiles[ti][r].box)
				} else {
					pairs.Add(widget.NewLabel(""))
				}
			}
		}
		if rows == 0 {
			pairs.Add(widget.NewLabel(t0("photo.none")))
		}
		pv.grid.Add(pairs)
	}
	pv.grid.Refresh()
	pv.fetchMissing()
}

func (pv *photoView) newTile(ti, i int) *photoTile {
	p := pv.photos[ti][i]
	tile := &photoTile{hash: p.photo.Hash, open: func() { pv.full = showPhotoFull(pv, ti, i) }}
	tile.state = newTextLabel("")
	tile.state.Wrapping = fyne.TextWrapWord
	tile.state.Alignment = fyne.TextAlignCenter
	tile.state.Importance = widget.LowImportance
	if p.thumb != nil {
		tile.img = canvas.NewImageFromImage(p.thumb)
		tile.state.Hide()
	} else {
		tile.img = canvas.NewImageFromResource(theme.FileImageIcon())
		tile.state.SetText(pv.env.missingPhotoText(nil))
	}
	tile.img.FillMode = canvas.ImageFillContain
	tile.img.SetMinSize(fyne.NewSize(150, 120))
	text := pv.env.date(p.photo.SortTime())
	if p.photo.Caption != "" {
		text += " " + p.photo.Caption
	}
	tile.date = widget.NewLabel(text)
	tile.date.Truncation = fyne.TextTruncateEllipsis
	// The button lies under the picture and takes the taps: a canvas
	// image is not tappable.
	tile.box = container.NewStack(widget.NewButton("", tile.open),
		container.NewBorder(nil, tile.date, nil, nil, container.NewStack(tile.img, container.NewCenter(tile.state))))
	return tile
}

// fetchMissing asks the portal for the thumbnails this laptop lacks (photos
// taken elsewhere whose bytes the last sync did not bring), one after
// another, and shows each in its tile as it arrives; offline or signed out,
// the tiles say the photos will come.
func (pv *photoView) fetchMissing() {
	var hashes []string
	rotation := map[string]int{}
	for _, list := range pv.photos {
		for _, vp := range list {
			h := vp.photo.Hash
			if vp.thumb == nil && !pv.downloading[h] {
				if _, dup := rotation[h]; !dup {
					hashes = append(hashes, h)
				}
				rotation[h] = vp.photo.Rotation
			}
		}
	}
	if len(hashes) == 0 {
		return
	}
	// The tiles say "downloading" first: a download may finish (and say
	// so) before downloadPhotos returns.
	for _, h := range hashes {
		pv.downloading[h] = true
		pv.showMissing(h, pv.env.missingPhotoText(nil))
	}
	data := pv.env.data
	started := pv.env.photos.downloadPhotos(hashes, false, func(hash string, err error) {
		var img image.Image
		if err == nil {
			img = decodeRotated(data, hash, storage.BlobThumbnail, rotation[hash])
		}
		pv.env.do(func() { pv.thumbnailArrived(hash, img, err) })
	})
	if !started {
		for _, h := range hashes {
			delete(pv.downloading, h)
			pv.showMissing(h, t0("photo.on_portal"))
		}
	}
}

// showMissing says, in a photo's tiles, why its picture is not there.
func (pv *photoView) showMissing(hash, text string) {
	for _, tile := range pv.tilesOf(hash) {
		tile.state.SetText(text)
		tile.state.Show()
	}
}

// thumbnailArrived puts a downloaded thumbnail in its tiles, or says why
// it did not come.
func (pv *photoView) thumbnailArrived(hash string, img image.Image, err error) {
	delete(pv.downloading, hash)
	for ti, list := range pv.photos {
		for i := range list {
			if list[i].photo.Hash == hash && img != nil {
				pv.photos[ti][i].thumb = img
			}
		}
	}
	if img == nil {
		text := pv.env.missingPhotoText(err)
		if err == nil {
			text = t0("photo.cannot_show")
		}
		pv.showMissing(hash, text)
		return
	}
	for _, tile := range pv.tilesOf(hash) {
		tile.img.Resource = nil
		tile.img.Image = img
		tile.img.Refresh()
		tile.state.Hide()
	}
}

// tilesOf returns the tiles showing a photo (one photo may be in both of a
// finding's lists).
func (pv *photoView) tilesOf(hash string) []*photoTile {
	var out []*photoTile
	for _, list := range pv.tiles {
		for _, tile := range list {
			if tile.hash == hash {
				out = append(out, tile)
			}
		}
	}
	return out
}

// retryMissing fills in the pictures that a sync may have brought, and
// asks again for those still missing; the photo open in full fetches its
// original if it was waiting for one.
func (pv *photoView) retryMissing() {
	var hashes []string
	rotation := map[string]int{}
	for _, list := range pv.photos {
		for _, vp := range list {
			if vp.thumb == nil && !pv.downloading[vp.photo.Hash] {
				hashes = append(hashes, vp.photo.Hash)
				rotation[vp.photo.Hash] = vp.photo.Rotation
			}
		}
	}
	if full := pv.full; full != nil && full.open {
		full.retry()
	}
	if len(hashes) == 0 {
		return
	}
	data := pv.env.data
	fetchIn(pv.env, func() (map[string]image.Image, error) {
		found := map[string]image.Image{}
		for _, h := range hashes {
			if img := decodeRotated(data, h, storage.BlobThumbnail, rotation[h]); img != nil {
				found[h] = img
			}
		}
		return found, nil
	}, func(found map[string]image.Image, _ error) {
		for h, img := range found {
			pv.thumbnailArrived(h, img, nil)
		}
		pv.fetchMissing()
	})
}

// importInto imports files into one target and reloads.
func (pv *photoView) importInto(ti int, paths []string) {
	tg := pv.targets[ti]
	if tg.locked != "" {
		pv.env.dialogs.inform(t0("photo.drop_title"), tg.locked)
		return
	}
	newPhotoBatch(pv.env, tg.link, func(res photoImport) {
		if pv.cb.added != nil {
			pv.cb.added(res)
		}
		pv.load()
	}).run(paths)
}

// dropped imports files dropped while the view is open; with two lists
// (before and after) the half of the window they land on chooses.
func (pv *photoView) dropped(pos fyne.Position, paths []string) {
	ti := 0
	if len(pv.targets) > 1 && pos.X > pv.env.win.Canvas().Size().Width/2 {
		ti = 1
	}
	pv.importInto(ti, paths)
}

// decodeRotated reads one rendition and turns it by the user's rotation;
// nil when the bytes are missing or unreadable.
func decodeRotated(data Data, hash string, kind storage.BlobKind, rotation int) image.Image {
	b, err := data.PhotoBlob(hash, kind)
	if err != nil && kind == storage.BlobDisplay {
		b, err = data.PhotoBlob(hash, storage.BlobThumbnail)
	}
	if err != nil {
		return nil
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil
	}
	return rotate(img, rotation)
}

// rotate turns img clockwise by a multiple of 90 degrees.
func rotate(img image.Image, deg int) image.Image {
	deg = ((deg % 360) + 360) % 360
	if deg == 0 || deg%90 != 0 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	var out *image.RGBA
	if deg == 180 {
		out = image.NewRGBA(image.Rect(0, 0, w, h))
	} else {
		out = image.NewRGBA(image.Rect(0, 0, h, w))
	}
	for y := range h {
		for x := range w {
			c := img.At(b.Min.X+x, b.Min.Y+y)
			switch deg {
			case 90:
				out.Set(h-1-y, x, c)
			case 180:
				out.Set(w-1-x, h-1-y, c)
			case 270:
				out.Set(y, w-1-x, c)
			}
		}
	}
	return out
}
