package app

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	fynestorage "fyne.io/fyne/v2/storage"

	"fieldbrief/photo"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// photoImport is the outcome of importing files as photos of one target.
type photoImport struct {
	hashes   []string // photos now linked to the target, new or already stored
	problems []string // one line per file that could not be imported
}

// importPhotos imports files as photos of link, off the UI goroutine, and
// hands the outcome to done on it. The photo package decodes, orients and
// shrinks them; the store's sink keeps each photo whole or absent.
func importPhotos(ui *mainUI, link sv.PhotoLink, paths []string, done func(photoImport, error)) {
	data := ui.cfg.Data
	lang := string(ui.lang)
	fetch(ui.cfg.Background, func() (photoImport, error) {
		var out photoImport
		ps, err := data.NewPhotoSink(link)
		if err != nil {
			return out, err
		}
		sink := linkingSink{PhotoSink: ps, data: data, link: link}
		// Two workers: the laptop keeps responding while photos import.
		im := photo.NewImporter(photo.NewProcessor(photo.DefaultOptions()), sink, photo.ImportOptions{Workers: 2})
		results, err := im.Import(context.Background(), paths, nil)
		for _, r := range results {
			switch r.Status {
			case photo.StatusImported, photo.StatusAlreadyThere:
				out.hashes = append(out.hashes, r.SHA256)
			default:
				out.problems = append(out.problems, baseName(r.Path)+"："+r.Describe(lang))
			}
		}
		return out, err
	}, done)
}

// linkingSink is the store's photo sink with LinkExisting done by
// Data.LinkPhoto, which adds the link to a photo already stored (one
// picture may document an item, the site and a finding).
type linkingSink struct {
	*storage.PhotoSink
	data Data
	link sv.PhotoLink
}

// LinkExisting links an already stored photo to the sink's target.
func (s linkingSink) LinkExisting(_ context.Context, sha string) (bool, error) {
	return s.data.LinkPhoto(sha, s.link)
}

// choosePhoto asks for a photo file and hands its path to picked.
func choosePhoto(ui *mainUI, picked func(path string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			ui.showError(err)
			return
		}
		if r == nil {
			return // cancelled
		}
		path := r.URI().Path()
		r.Close()
		picked(path)
	}, ui.window)
	d.SetFilter(fynestorage.NewExtensionFileFilter([]string{".jpg", ".jpeg", ".png", ".JPG", ".JPEG", ".PNG"}))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// attachPhotos imports files for link and reports what could not be
// imported; done gets the outcome when something was stored.
func attachPhotos(ui *mainUI, link sv.PhotoLink, paths []string, done func(photoImport)) {
	importPhotos(ui, link, paths, func(res photoImport, err error) {
		if err != nil {
			ui.showError(err)
			return
		}
		if len(res.problems) > 0 {
			dialog.ShowInformation(t0("photo.problems_title"), strings.Join(res.problems, "\n"), ui.window)
		}
		done(res)
	})
}

// baseName is the last element of a slash- or backslash-separated path.
func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// addHashes returns list with the new hashes appended once.
func addHashes(list []string, hashes ...string) []string {
	for _, h := range hashes {
		found := false
		for _, x := range list {
			if x == h {
				found = true
			}
		}
		if !found {
			list = append(list, h)
		}
	}
	return list
}
