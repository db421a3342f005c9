package app

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fieldbrief/photo"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// photoBatch is one import running for one target: a dialog with the file
// being read, a progress bar with the count, and a cancel button; then a
// summary that names every file not imported and why. The importer runs
// with the Background runner, so the window keeps responding.
type photoBatch struct {
	env  *screenEnv
	link sv.PhotoLink
	done func(photoImport) // gets what was stored, on the UI goroutine

	current *widget.Label
	bar     *widget.ProgressBar
	count   *widget.Label
	cancel  *widget.Button
	// quitNote shows once the inspector has asked to quit.
	quitNote *widget.Label
	dlg      dialog.Dialog
	stop     context.CancelFunc

	// onProgress runs after each progress update is shown; tests cancel
	// a batch from it half-way.
	onProgress func(photo.Progress)
	// results are the outcomes of the batch once it ended, for tests.
	results []photo.Result
}

func newPhotoBatch(env *screenEnv, link sv.PhotoLink, done func(photoImport)) *photoBatch {
	b := &photoBatch{env: env, link: link, done: done}
	b.current = widget.NewLabel(t0("photo.reading"))
	b.current.Truncation = fyne.TextTruncateEllipsis
	b.bar = widget.NewProgressBar()
	b.count = widget.NewLabel("")
	b.cancel = widget.NewButtonWithIcon(t0("common.cancel"), theme.CancelIcon(), b.cancelled)
	b.quitNote = widget.NewLabel(t0("photo.quit_after"))
	b.quitNote.Wrapping = fyne.TextWrapWord
	b.quitNote.Importance = widget.WarningImportance
	b.quitNote.Hide()
	content := container.NewVBox(b.current, b.bar, container.NewHBox(b.count, layout.NewSpacer(), b.cancel), b.quitNote)
	b.dlg = dialog.NewCustomWithoutButtons(t0("photo.importing"), content, env.win)
	b.dlg.Resize(fyne.NewSize(480, 160))
	return b
}

// cancelled stops the batch: files being stored finish (each is one
// transaction), the others are not started.
func (b *photoBatch) cancelled() {
	b.cancel.Disable()
	b.current.SetText(t0("photo.cancelling"))
	if b.stop != nil {
		b.stop()
	}
}

// run imports paths (files, and folders recursively) and shows the summary.
func (b *photoBatch) run(paths []string) {
	ctx, stop := context.WithCancel(context.Background())
	b.stop = stop
	importDone, quitting := b.env.photos.startImport(b)
	if quitting {
		b.quitWhenDone()
	}
	b.dlg.Show()
	data := b.env.data
	lang := b.env.lang
	progress := func(p photo.Progress) {
		b.env.do(func() {
			b.bar.Max = float64(max(p.Total, 1))
			b.bar.SetValue(float64(p.Done))
			b.count.SetText(t("photo.count", p.Done, p.Total))
			if b.cancel.Disabled() {
				return
			}
			b.current.SetText(baseName(p.Current))
		})
		if b.onProgress != nil {
			b.onProgress(p)
		}
	}
	b.env.bg(func() {
		defer importDone()
		defer stop()
		var results []photo.Result
		ps, err := data.NewPhotoSink(b.link)
		if err == nil {
			sink := linkingSink{PhotoSink: ps, data: data, link: b.link}
			// Two workers: the laptop keeps responding while photos import.
			im := photo.NewImporter(photo.NewProcessor(photo.DefaultOptions()), sink, photo.ImportOptions{Workers: 2})
			results, _ = im.Import(ctx, paths, progress)
		}
		old := oldPhotos(data, b.link, results, b.env.now())
		b.env.do(func() {
			b.env.photos.endImport(b)
			b.dlg.Hide()
			b.results = results
			if err != nil {
				b.env.dialogs.showError(err)
				return
			}
			res := b.summarise(results, old, lang)
			if len(res.hashes) > 0 && b.done != nil {
				b.done(res)
			}
			// New photos wait to be uploaded: the visit's count says so,
			// and so does the status bar, read from the same store at
			// once, so the two never disagree.
			if len(res.hashes) > 0 {
				b.env.photos.photosChanged()
				b.env.syncWaiting()
			}
		})
	})
}

// quitWhenDone says, in the dialog, that the window closes when the
// import ends (the inspector asked to quit meanwhile).
func (b *photoBatch) quitWhenDone() {
	b.quitNote.Show()
}

// oldPhotos lists the photos just imported that were taken long before
// the visit they document (a finding's photos: before today), one line
// each with the day the camera says. Off the UI goroutine.
func oldPhotos(data Data, link sv.PhotoLink, results []photo.Result, now time.Time) []string {
	day := now
	if link.VisitID != "" {
		if in, err := data.Visit(link.VisitID); err == nil {
			day = in.StartedAt
		}
	}
	var out []string
	for _, r := range results {
		if r.Status != photo.StatusImported && r.Status != photo.StatusAlreadyThere {
			continue
		}
		p, err := data.Photo(r.SHA256)
		if err != nil || !p.TakenLongBefore(day) {
			continue
		}
		out = append(out, t("photo.old", baseName(r.Path), string(sv.DateOf(p.CapturedAt.In(now.Location())))))
	}
	return out
}

// summarise turns the results into what was stored and, when anything
// was not imported or the batch had several files, shows a summary.
func (b *photoBatch) summarise(results []photo.Result, old []string, lang sv.Lang) photoImport {
	out := photoImport{old: old}
	var added, there, cancelled int
	for _, r := range results {
		switch r.Status {
		case photo.StatusImported:
			added++
			out.hashes = append(out.hashes, r.SHA256)
		case photo.StatusAlreadyThere:
			there++
			out.hashes = append(out.hashes, r.SHA256)
		case photo.StatusCancelled:
			cancelled++
		case photo.StatusRejected:
			out.problems = append(out.problems, baseName(r.Path)+"："+r.Rejection.Message(string(lang)))
		default:
			// A failed write: the store's message, never Go's text.
			out.problems = append(out.problems, baseName(r.Path)+"："+translate.Message(r.Err, lang))
		}
	}
	// Quitting: the window is about to close, nobody would read it.
	if len(out.problems) == 0 && len(old) == 0 && cancelled == 0 && len(results) <= 1 || b.env.photos.isQuitting() {
		return out
	}
	head := t("photo.summary", added, there, len(out.problems))
	if cancelled > 0 {
		head += "\n" + t("photo.summary_cancelled", cancelled)
	}
	objs := []fyne.CanvasObject{widget.NewLabel(head)}
	if len(out.problems) > 0 {
		objs = append(objs, widget.NewLabelWithStyle(t0("photo.problems_title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		for _, p := range out.problems {
			l := widget.NewLabel(p)
			l.Wrapping = fyne.TextWrapWord
			l.Importance = widget.DangerImportance
			objs = append(objs, l)
		}
	}
	if len(old) > 0 {
		objs = append(objs, widget.NewLabelWithStyle(t("photo.old_title", sv.StalePhotoDays), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		for _, o := range old {
			l := widget.NewLabel(o)
			l.Wrapping = fyne.TextWrapWord
			l.Importance = widget.WarningImportance
			objs = append(objs, l)
		}
	}
	d := dialog.NewCustom(t0("photo.summary_title"), t0("common.close"), container.NewVScroll(container.NewVBox(objs...)), b.env.win)
	d.Resize(fyne.NewSize(640, 420))
	b.env.dialogs.showKeyed(d, d.Hide)
	return out
}

// importFiles lets the inspector pick several photos of one folder (the
// chooser picks one file): the folder first, then a list of the folder's
// files to tick.
func importFiles(env *screenEnv, picked func(paths []string)) {
	chooseFile(env, true, func(dir string) { showFilePicker(env, dir, picked) })
}

// filePicker lists the files of one folder with a tick each.
type filePicker struct {
	checks *widget.CheckGroup
	ok     *widget.Button
	dlg    dialog.Dialog
}

func showFilePicker(env *screenEnv, dir string, picked func([]string)) *filePicker {
	entries, err := os.ReadDir(dir)
	if err != nil {
		env.dialogs.showError(translate.Wrap(err, sv.EUnavailable, "error.the_folder_cannot_be_read"))
		return nil
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	p := &filePicker{checks: widget.NewCheckGroup(names, nil)}
	all := widget.NewButton(t0("photo.select_all"), func() { p.checks.SetSelected(names) })
	p.ok = widget.NewButtonWithIcon(t0("photo.import_selected"), theme.ConfirmIcon(), func() {
		var paths []string
		for _, n := range p.checks.Selected {
			paths = append(paths, filepath.Join(dir, n))
		}
		p.dlg.Hide()
		if len(paths) > 0 {
			picked(paths)
		}
	})
	p.ok.Importance = widget.HighImportance
	cancel := widget.NewButton(t0("common.cancel"), func() { p.dlg.Hide() })
	head := widget.NewLabel(dir)
	head.Truncation = fyne.TextTruncateEllipsis
	p.dlg = dialog.NewCustomWithoutButtons(t0("photo.choose_files"),
		container.NewBorder(head, container.NewHBox(all, layout.NewSpacer(), cancel, p.ok), nil, nil, container.NewVScroll(p.checks)), env.win)
	p.dlg.Resize(fyne.NewSize(640, 520))
	p.dlg.Show()
	return p
}

// importFolder asks for a folder (a camera card or a phone dump) and hands
// it over whole: the importer walks it recursively.
func importFolder(env *screenEnv, picked func(paths []string)) {
	chooseFile(env, true, func(dir string) { picked([]string{dir}) })
}

// importButtons are the two ways of adding photos from disk: some files,
// or a whole folder. add receives the paths.
func importButtons(env *screenEnv, add func([]string)) (files, folder *widget.Button) {
	files = widget.NewButtonWithIcon(t0("photo.add_files"), theme.FileImageIcon(), func() { importFiles(env, add) })
	folder = widget.NewButtonWithIcon(t0("photo.add_folder"), theme.FolderOpenIcon(), func() { importFolder(env, add) })
	return files, folder
}

// dropped imports files dropped on the window into what is open: the
// photos being viewed, else the finding whose detail is open, else the
// current screen if it takes photos (on a visit: the item under the
// pointer, else the visit's site photos).
func (ui *mainUI) dropped(pos fyne.Position, uris []fyne.URI) {
	var paths []string
	for _, u := range uris {
		if u.Scheme() == "file" {
			paths = append(paths, u.Path())
		}
	}
	if len(paths) == 0 {
		return
	}
	switch {
	case ui.photoView != nil && ui.photoView.visible():
		ui.photoView.dropped(pos, paths)
	case ui.findingDrop != nil:
		ui.findingDrop(paths)
	default:
		if d, ok := ui.current.(dropTarget); ok && d.dropped(pos, paths) {
			return
		}
		ui.inform(t0("photo.drop_title"), t0("photo.drop_where"))
	}
}

// fieldAt returns the item of the section in view under pos (window
// coordinates), or nil.
func (v *visitScreen) fieldAt(pos fyne.Position) *itemField {
	if v.current < 0 || v.current >= len(v.panes) || v.panes[v.current].kind != paneSection {
		return nil
	}
	drv := fyne.CurrentApp().Driver()
	for _, it := range v.tmpl.Sections[v.panes[v.current].section].Items {
		f := v.fields[it.Key]
		if f == nil || !f.box.Visible() {
			continue
		}
		at, size := drv.AbsolutePositionForObject(f.box), f.box.Size()
		if pos.X >= at.X && pos.Y >= at.Y && pos.X < at.X+size.Width && pos.Y < at.Y+size.Height {
			return f
		}
	}
	return nil
}
