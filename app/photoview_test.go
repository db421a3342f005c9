package app

import (
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	fynestorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"fieldbrief/photo"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// photoSamples is where the photo package keeps its real test files.
const photoSamples = "../photo/testdata"

// copyPhotos copies sample files into dir under new names (name → sample;
// an empty sample makes an empty file).
func copyPhotos(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, sample := range files {
		var b []byte
		if sample != "" {
			var err error
			if b, err = os.ReadFile(filepath.Join(photoSamples, sample)); err != nil {
				t.Fatal(err)
			}
		}
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// cameraFolder is a camera card: good photos in a sub-folder, and the bad
// files a card or phone dump holds.
func cameraFolder(t *testing.T) string {
	dir := t.TempDir()
	copyPhotos(t, dir, map[string]string{
		"DCIM/100CANON/IMG_0001.JPG": "gps_DSCN0012.jpg",
		"DCIM/100CANON/IMG_0002.JPG": "Canon_40D.jpg",
		"DCIM/100CANON/IMG_0003.JPG": "gps_DSCN0010.jpg",
		"broken.jpg":                 "corrupted.jpg",
		"phone.heic":                 "heic_samplefilehub.heif",
		"empty.jpg":                  "",
		"readme.txt":                 "README.md",
	})
	return dir
}

// checkWhole fails unless every photo the visit lists is stored whole.
func checkWhole(t *testing.T, s *storage.Store, hashes []string) {
	t.Helper()
	for _, h := range hashes {
		for _, k := range []storage.BlobKind{storage.BlobOriginal, storage.BlobDisplay, storage.BlobThumbnail} {
			if b, err := s.PhotoBlob(h, k); err != nil || len(b) == 0 {
				t.Errorf("photo %s lacks rendition %c: %v", h, k, err)
			}
		}
	}
	if problems := s.Check(); len(problems) > 0 {
		t.Errorf("check: %v", problems)
	}
}

func TestImportFolderWithBadFiles(t *testing.T) {
	ui, s := newTestUI(t)
	v := startVisit(t, ui, ui.dash.rows[4].Project.ID)
	f := field(t, v, "safety.edges")
	pv := f.showPhotos()
	pv.importInto(0, []string{cameraFolder(t)})

	// The summary names each bad file with its reason.
	text := overlayText(ui)
	for _, want := range []string{"新导入 3 张", "未能导入 4 个文件", "broken.jpg：", "phone.heic：", "empty.jpg：", "readme.txt："} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "phone.heic：") && !strings.Contains(line, "JPEG") {
			t.Errorf("HEIC reason does not say how to get a JPEG: %q", line)
		}
		if strings.HasPrefix(line, "empty.jpg：") && !strings.Contains(line, "0") && !strings.Contains(line, "空") {
			t.Errorf("empty file reason: %q", line)
		}
	}
	// The good ones are in the grid, by capture time.
	if len(pv.photos) != 1 || len(pv.photos[0]) != 3 || len(pv.tiles[0]) != 3 {
		t.Fatalf("grid has %v", pv.photos)
	}
	for i := 1; i < 3; i++ {
		if pv.photos[0][i].photo.SortTime().Before(pv.photos[0][i-1].photo.SortTime()) {
			t.Errorf("photo %d is older than photo %d", i, i-1)
		}
	}
	if pv.photos[0][0].photo.CapturedAt.IsZero() || pv.photos[0][0].thumb == nil {
		t.Errorf("first photo: %+v", pv.photos[0][0].photo)
	}
	if f.photos.Text != "照片 3 张" || len(stored(t, s, v.id).Answers["safety.edges"].Photos) != 3 {
		t.Errorf("item shows %q", f.photos.Text)
	}
	checkWhole(t, s, f.ans.Photos)

	// Importing the folder again stores nothing new.
	pv.importInto(0, []string{cameraFolder(t)})
	if text := overlayText(ui); !strings.Contains(text, "新导入 0 张，已有 3 张") {
		t.Errorf("re-import summary:\n%s", text)
	}
}

func TestCancelImportMidBatch(t *testing.T) {
	ui, s := newTestUI(t)
	v := startVisit(t, ui, ui.dash.rows[2].Project.ID)
	dir := t.TempDir()
	files := map[string]string{}
	for i := range 9 {
		files[filepath.Join("card", "orientation_"+string(rune('0'+i))+".jpg")] = "orientation_landscape_" + string(rune('0'+i)) + ".jpg"
	}
	copyPhotos(t, dir, files)
	var added photoImport
	b := newPhotoBatch(ui.env, sv.PhotoLink{VisitID: v.id}, func(res photoImport) { added = res })
	b.onProgress = func(p photo.Progress) {
		if p.Done >= 1 && !b.cancel.Disabled() {
			test.Tap(b.cancel)
		}
	}
	b.run([]string{dir})
	counts := map[photo.Status]int{}
	for _, r := range b.results {
		counts[r.Status]++
	}
	if counts[photo.StatusCancelled] == 0 || counts[photo.StatusImported] == 0 {
		t.Fatalf("outcomes %v", counts)
	}
	if text := overlayText(ui); !strings.Contains(text, "已取消") {
		t.Errorf("summary does not say the batch was cancelled:\n%s", text)
	}
	in := stored(t, s, v.id)
	if len(in.Photos) != counts[photo.StatusImported] || len(added.hashes) != len(in.Photos) {
		t.Errorf("visit lists %d photos, %d imported, %d reported", len(in.Photos), counts[photo.StatusImported], len(added.hashes))
	}
	checkWhole(t, s, in.Photos)
	n, _, err := s.PhotoCount()
	if err != nil || n != len(in.Photos) {
		t.Errorf("store holds %d photos, the visit lists %d (%v)", n, len(in.Photos), err)
	}
}

func TestCaptionRotateZoomAndDelete(t *testing.T) {
	ui, s := newTestUI(t)
	v := startVisit(t, ui, ui.dash.rows[4].Project.ID)
	v.attachSitePhotos([]string{filepath.Join(photoSamples, "gps_DSCN0010.jpg"), filepath.Join(photoSamples, "Canon_40D.jpg")})
	pv := v.showSitePhotos()
	if len(pv.tiles[0]) != 2 {
		t.Fatalf("%d tiles", len(pv.tiles[0]))
	}
	pv.tiles[0][0].open()
	full := pv.full
	hash := full.p.Hash
	if full.src == nil {
		t.Fatal("display copy not shown")
	}

	// The caption is saved as typed.
	test.Type(full.caption, "东侧临边")
	if p := must(s.Photo(hash))(t); p.Caption != "东侧临边" {
		t.Errorf("caption stored %q", p.Caption)
	}
	// A quarter turn is saved and shown, in full and in the grid.
	w, h := full.src.Bounds().Dx(), full.src.Bounds().Dy()
	thumb := pv.photos[0][0].thumb.Bounds()
	test.Tap(full.rotate)
	if p := must(s.Photo(hash))(t); p.Rotation != 90 {
		t.Errorf("rotation stored %d", p.Rotation)
	}
	if b := full.img.Image.Bounds(); b.Dx() != h || b.Dy() != w {
		t.Errorf("shown %v, want %d×%d", b, h, w)
	}
	if b := pv.tiles[0][0].img.Image.Bounds(); b.Dx() != thumb.Dy() || b.Dy() != thumb.Dx() {
		t.Errorf("thumbnail %v not turned from %v", b, thumb)
	}
	// Zoom: 100%, in, out, and back to fit.
	test.Tap(overlayButton(t, ui, "100%"))
	if full.zoom != 1 || full.body.Objects[0] != full.scroll {
		t.Errorf("100%%: zoom %v", full.zoom)
	}
	size := full.img.MinSize()
	full.setZoom(full.currentZoom() * zoomStep)
	if got := full.img.MinSize(); got.Width <= size.Width || full.zoomLabel.Text != "125%" {
		t.Errorf("zoom in: %v → %v, %q", size, got, full.zoomLabel.Text)
	}
	full.setZoom(0)
	if full.body.Objects[0] != full.img {
		t.Error("fit does not show the whole picture")
	}
	// Reopened, the photo is upright as turned and keeps its caption.
	pv.load()
	if p := pv.photos[0]; p[0].photo.Rotation != 90 || p[0].photo.Caption != "东侧临边" {
		t.Errorf("reloaded %+v", p[0].photo)
	}

	// Delete asks first, then takes the photo off the draft.
	full.confirmDelete()
	if !strings.Contains(overlayText(ui), "删除") {
		t.Fatalf("no confirmation:\n%s", overlayText(ui))
	}
	test.Tap(overlayButton(t, ui, "删除照片"))
	if in := stored(t, s, v.id); len(in.Photos) != 1 || in.Photos[0] == hash {
		t.Errorf("visit lists %v after deleting %s", in.Photos, hash)
	}
	if _, err := s.Photo(hash); sv.ErrorCode(err) != sv.ENotFound {
		t.Errorf("deleted photo still stored: %v", err)
	}
	if len(v.in.Photos) != 1 || v.sitePhotos.Text != "照片 1 张" || len(pv.tiles[0]) != 1 {
		t.Errorf("screen: %v, %q, %d tiles", v.in.Photos, v.sitePhotos.Text, len(pv.tiles[0]))
	}
	checkWhole(t, s, v.in.Photos)
}

// submittedVisitWithPhoto starts a visit, attaches one site photo,
// completes and submits it.
func submittedVisitWithPhoto(t *testing.T, ui *mainUI) *visitScreen {
	t.Helper()
	v := startVisit(t, ui, ui.dash.rows[3].Project.ID)
	test.Type(v.inspector, "王五")
	v.attachSitePhotos([]string{filepath.Join(photoSamples, "Canon_40D.jpg")})
	completeVisit(t, v)
	test.Tap(v.submit)
	test.Tap(overlayButton(t, ui, "确认提交"))
	waitFor(t, "submitted", func() bool { return v.in.Status == sv.Submitted })
	return v
}

func TestDeleteRefusedOnSubmittedVisit(t *testing.T) {
	ui, s := newTestUI(t)
	v := submittedVisitWithPhoto(t, ui)

	pv := v.showSitePhotos()
	if !strings.Contains(pv.status.Text, "已提交") {
		t.Errorf("the view does not say the photos are evidence: %q", pv.status.Text)
	}
	pv.tiles[0][0].open()
	full := pv.full
	if !full.caption.Disabled() || !full.rotate.Disabled() {
		t.Error("a submitted visit's photo can be edited")
	}
	full.confirmDelete()
	if text := overlayText(ui); !strings.Contains(text, "已提交") || !strings.Contains(text, "证据") {
		t.Errorf("refusal does not say why:\n%s", text)
	}
	// The store refuses too, should the screen let it through.
	full.delete()
	if text := overlayText(ui); !strings.Contains(text, "不能删除") {
		t.Errorf("store refusal not shown:\n%s", text)
	}
	if in := stored(t, s, v.id); len(in.Photos) != 1 {
		t.Errorf("submitted visit lost its photo: %v", in.Photos)
	}
}

func TestFindingBeforeAfterSideBySide(t *testing.T) {
	ui, s := newTestUI(t)
	pid := ui.dash.rows[0].Project.ID
	f := sv.Finding{ID: sv.NewID(testNow), ProjectID: pid, Kind: sv.KindProblem, Category: sv.CategorySafety,
		Severity: sv.SeverityMinor, Description: "临边防护缺失", ResponsibleUnit: "施工单位", Deadline: "2026-12-01", Status: sv.StatusOpen}
	if err := s.CreateFinding(f); err != nil {
		t.Fatal(err)
	}
	changes := 0
	showFindingPhotos(ui.env, f, func() { changes++ })
	pv := ui.photoView
	if pv == nil || len(pv.targets) != 2 {
		t.Fatal("no before/after view")
	}
	pv.importInto(0, []string{filepath.Join(photoSamples, "gps_DSCN0010.jpg")})
	// Files dropped on the right half go to "after".
	ui.dropped(fyne.NewPos(ui.window.Canvas().Size().Width-10, 100), []fyne.URI{fynestorage.NewFileURI(mustAbs(t, filepath.Join(photoSamples, "gps_DSCN0012.jpg")))})
	got, err := s.Finding(f.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.PhotosBefore) != 1 || len(got.PhotosAfter) != 1 || changes != 2 {
		t.Fatalf("before %v, after %v, %d changes", got.PhotosBefore, got.PhotosAfter, changes)
	}
	// One row: the headings, then the pair side by side.
	pairs := pv.grid.Objects[0].(*fyne.Container)
	if len(pairs.Objects) != 4 || pairs.Objects[2] != pv.tiles[0][0].box || pairs.Objects[3] != pv.tiles[1][0].box {
		t.Fatalf("pairs grid has %d cells", len(pairs.Objects))
	}
	if pv.photos[0][0].photo.Hash != got.PhotosBefore[0] || pv.photos[1][0].photo.Hash != got.PhotosAfter[0] {
		t.Error("before and after are swapped")
	}
	// Both sample photos were taken in 2008: each import said so.
	for range 2 {
		if !strings.Contains(overlayText(ui), "以前，已导入") {
			t.Fatalf("an import of a 2008 photo did not say so: %q", overlayText(ui))
		}
		ui.window.Canvas().Overlays().Top().Hide()
	}
	if text := overlayText(ui); !strings.Contains(text, "整改前") || !strings.Contains(text, "整改后") {
		t.Errorf("columns not named:\n%s", text)
	}
}

// TestDropOnAVisit drops files on the window: with a visit open they are
// the site's photos.
func TestDropOnAVisit(t *testing.T) {
	ui, s := newTestUI(t)
	ui.dropped(fyne.NewPos(5, 5), []fyne.URI{fynestorage.NewFileURI(mustAbs(t, filepath.Join(photoSamples, "Canon_40D.jpg")))})
	if !strings.Contains(overlayText(ui), "请先打开") {
		t.Errorf("a drop on the dashboard is not explained:\n%s", overlayText(ui))
	}
	v := startVisit(t, ui, ui.dash.rows[1].Project.ID)
	ui.dropped(fyne.NewPos(5, 5), []fyne.URI{fynestorage.NewFileURI(mustAbs(t, filepath.Join(photoSamples, "Canon_40D.jpg")))})
	if in := stored(t, s, v.id); len(in.Photos) != 1 || v.sitePhotos.Text != "照片 1 张" {
		t.Errorf("dropped photo: %v, %q", in.Photos, v.sitePhotos.Text)
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestRotate turns a 2×1 picture every way.
func TestRotate(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 2, 1))
	img.Pix[0] = 255 // the left pixel is red
	for deg, want := range map[int]image.Point{90: {0, 0}, 180: {1, 0}, 270: {0, 1}, 0: {0, 0}, 450: {0, 0}} {
		out := rotate(img, deg)
		if r, _, _, _ := out.At(want.X, want.Y).RGBA(); r == 0 {
			t.Errorf("%d°: red not at %v", deg, want)
		}
	}
}

// TestDropOnAnItemAndAFinding drops files on the item under the pointer,
// and on a finding whose detail is open.
func TestDropOnAnItemAndAFinding(t *testing.T) {
	ui, s := newTestUI(t)
	v := startVisit(t, ui, ui.dash.rows[4].Project.ID)
	f := field(t, v, "safety.edges")
	for i, p := range v.panes {
		if p.kind != paneSection {
			continue
		}
		for _, it := range v.tmpl.Sections[p.section].Items {
			if it.Key == f.item.Key {
				v.showPane(i)
			}
		}
	}
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(f.box)
	pos := at.Add(fyne.NewPos(f.box.Size().Width/2, f.box.Size().Height/2))
	if v.fieldAt(pos) != f {
		t.Fatalf("no item found under %v (item at %v, %v)", pos, at, f.box.Size())
	}
	canon := fynestorage.NewFileURI(mustAbs(t, filepath.Join(photoSamples, "Canon_40D.jpg")))
	ui.dropped(pos, []fyne.URI{canon})
	if a := stored(t, s, v.id).Answers["safety.edges"]; len(a.Photos) != 1 || f.photos.Text != "照片 1 张" {
		t.Errorf("item photos %v, %q", a.Photos, f.photos.Text)
	}
	if len(stored(t, s, v.id).Photos) != 0 {
		t.Error("the photo went to the site as well")
	}

	// A finding's detail open: an open finding takes photos of the problem.
	_, open := projectWithOpenFinding(t, ui, s)
	showFindingDetail(ui.env, open.ID, "", nil)
	if ui.findingDrop == nil {
		t.Fatal("the finding detail does not take drops")
	}
	ui.dropped(fyne.NewPos(5, 5), []fyne.URI{fynestorage.NewFileURI(mustAbs(t, filepath.Join(photoSamples, "gps_DSCN0010.jpg")))})
	got, err := s.Finding(open.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.PhotosBefore) != len(open.PhotosBefore)+1 {
		t.Errorf("before photos %v, were %v", got.PhotosBefore, open.PhotosBefore)
	}
}

// TestPickSeveralFiles ticks files of a folder in the many-files dialog.
func TestPickSeveralFiles(t *testing.T) {
	ui, _ := newTestUI(t)
	dir := t.TempDir()
	copyPhotos(t, dir, map[string]string{"a.jpg": "Canon_40D.jpg", "b.jpg": "gps_DSCN0010.jpg", ".hidden.jpg": "Canon_40D.jpg"})
	var got []string
	p := showFilePicker(ui.env, dir, func(paths []string) { got = paths })
	if len(p.checks.Options) != 2 {
		t.Fatalf("options %v", p.checks.Options)
	}
	test.Tap(overlayButton(t, ui, "全选"))
	test.Tap(p.ok)
	if len(got) != 2 || got[0] != filepath.Join(dir, "a.jpg") || got[1] != filepath.Join(dir, "b.jpg") {
		t.Errorf("picked %v", got)
	}
}
