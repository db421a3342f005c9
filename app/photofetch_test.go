package app

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"fieldbrief/photo"
	"fieldbrief/portal"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
	"fieldbrief/syncer"
)

// colleague is another inspector's laptop, driven without a window: it
// records a visit with real camera photos and syncs it to the portal.
type colleague struct {
	store  *storage.Store
	client *portal.Client
}

func newColleague(t *testing.T, base string) *colleague {
	t.Helper()
	s, err := storage.Open(t.TempDir(), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	c, err := portal.NewClient(base, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := syncer.Login(context.Background(), s, c, "inspector1", demoPassword); err != nil {
		t.Fatal(err)
	}
	col := &colleague{store: s, client: c}
	col.sync(t)
	return col
}

// sync pushes, uploads and pulls.
func (c *colleague) sync(t *testing.T) {
	t.Helper()
	if _, err := syncer.New(c.store, c.client, syncer.Options{}).Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// pushRecords sends the records only: the portal learns of the photos
// before it has their bytes.
func (c *colleague) pushRecords(t *testing.T) {
	t.Helper()
	var r syncer.Report
	if err := syncer.New(c.store, c.client, syncer.Options{}).Push(context.Background(), &r); err != nil {
		t.Fatal(err)
	}
}

// startVisit starts a draft visit of a project in the colleague's name.
func (c *colleague) startVisit(t *testing.T, projectID string) string {
	t.Helper()
	in, err := c.store.StartVisit(projectID, []string{"李督查"})
	if err != nil {
		t.Fatal(err)
	}
	return in.ID
}

// addPhoto imports one of the photo package's sample files as a photo of
// the visit, as the app's import does.
func (c *colleague) addPhoto(t *testing.T, visitID, sample string) *photo.Processed {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(photoSamples, sample))
	if err != nil {
		t.Fatal(err)
	}
	p, err := photo.Process(sample, data)
	if err != nil {
		t.Fatal(err)
	}
	sink, err := c.store.NewPhotoSink(sv.PhotoLink{VisitID: visitID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sink.PutPhoto(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

// switchableLink is a loopback TCP proxy in front of the portal that can
// be unplugged, like a laptop leaving the office network and coming back.
type switchableLink struct {
	ln     net.Listener
	target string
	wg     sync.WaitGroup

	mu   sync.Mutex
	down bool
	open map[net.Conn]bool
}

func newSwitchableLink(t *testing.T, base string) *switchableLink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := &switchableLink{ln: ln, target: strings.TrimPrefix(base, "http://"), open: map[net.Conn]bool{}}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			l.mu.Lock()
			if l.down {
				c.Close()
				l.mu.Unlock()
				continue
			}
			l.open[c] = true
			l.mu.Unlock()
			l.wg.Add(1)
			go func() {
				defer l.wg.Done()
				l.pipe(c)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		l.setDown(true)
		l.wg.Wait()
	})
	return l
}

func (l *switchableLink) url() string { return "http://" + l.ln.Addr().String() }

// setDown unplugs the link, cutting the connections kept alive, or plugs
// it back.
func (l *switchableLink) setDown(down bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.down = down
	if down {
		for c := range l.open {
			c.Close()
		}
	}
}

func (l *switchableLink) pipe(client net.Conn) {
	defer func() {
		client.Close()
		l.mu.Lock()
		delete(l.open, client)
		l.mu.Unlock()
	}()
	server, err := net.Dial("tcp", l.target)
	if err != nil {
		return
	}
	defer server.Close()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(server, client); done <- struct{}{} }()
	go func() { _, _ = io.Copy(client, server); done <- struct{}{} }()
	<-done
}

// screenText joins the texts of the labels on the window's screen.
func screenText(ui *mainUI) string {
	var b strings.Builder
	walk(ui.window.Canvas().Content(), func(o fyne.CanvasObject) bool {
		if l, ok := asLabel(o); ok && l.Visible() {
			b.WriteString(l.Text)
			b.WriteByte('\n')
		}
		return false
	})
	return b.String()
}

// tileOf returns the grid's tile of a photo.
func tileOf(t *testing.T, pv *photoView, hash string) (int, *photoTile) {
	t.Helper()
	for i, tile := range pv.tiles[0] {
		if tile.hash == hash {
			return i, tile
		}
	}
	t.Fatalf("no tile for photo %s", hash)
	return 0, nil
}

// TestColleaguesPhotosComeToTheViewer: B's sync brings a colleague's visit
// with thumbnails; the project page and the visit say which photo the
// colleague has not uploaded yet; opening a photo fetches its original and
// shows the display copy made here; a photo the portal did not have yet
// says so, and arrives in place with the next sync.
func TestColleaguesPhotosComeToTheViewer(t *testing.T) {
	base, _ := startPortal(t)
	a := newColleague(t, base)
	visitID := a.startVisit(t, "p03")
	shown := a.addPhoto(t, visitID, "gps_DSCN0010.jpg")
	turned := a.addPhoto(t, visitID, "orientation_landscape_6.jpg")
	a.sync(t)
	late := a.addPhoto(t, visitID, "Canon_40D.jpg")
	a.pushRecords(t)

	ui, s, _ := laptopUI(t, sv.Chinese)
	signIn(t, ui, base, "inspector2", demoPassword)
	waitFor(t, "the projects", func() bool { return len(ui.dash.rows) == 20 })
	for _, p := range []*photo.Processed{shown, turned} {
		if _, err := s.PhotoBlob(p.SHA256, storage.BlobThumbnail); err != nil {
			t.Fatalf("the sign-in sync did not bring the thumbnail of %s: %v", p.Name, err)
		}
	}

	ui.openProject("p03", true)
	waitFor(t, "the project page", func() bool { return ui.project() != nil && ui.project().data.project.ID == "p03" })
	if text := screenText(ui); !strings.Contains(text, "1 张照片拍摄者尚未上传") {
		t.Errorf("the project's visit list does not say a photo is not uploaded yet:\n%s", text)
	}
	ui.openVisit(visitID, true)
	waitFor(t, "the visit", func() bool { return ui.visit() != nil && ui.visit().loaded })
	v := ui.visit()
	if got := v.photoState.Text; got != "1 张照片拍摄者尚未上传" || !v.photoState.Visible() || v.photoState.Importance != widget.WarningImportance {
		t.Errorf("visit photo state %q", got)
	}

	pv := v.showSitePhotos()
	if len(pv.tiles[0]) != 3 {
		t.Fatalf("%d tiles", len(pv.tiles[0]))
	}
	_, lateTile := tileOf(t, pv, late.SHA256)
	if !lateTile.state.Visible() || !strings.Contains(lateTile.state.Text, "拍摄它的电脑还没有上传") {
		t.Errorf("the photo the portal lacks says %q (shown %v)", lateTile.state.Text, lateTile.state.Visible())
	}
	i, turnedTile := tileOf(t, pv, turned.SHA256)
	if turnedTile.state.Visible() || turnedTile.img.Image == nil {
		t.Errorf("a downloaded thumbnail is not shown: %q", turnedTile.state.Text)
	}

	// Opening it in full fetches the original; the display copy made here
	// replaces the thumbnail.
	pv.tiles[0][i].open()
	full := pv.full
	if !full.complete || full.state.Visible() || full.src == nil {
		t.Fatalf("full view: complete %v, state %q", full.complete, full.state.Text)
	}
	if b := full.src.Bounds(); b.Dx() != turned.DisplayWidth || b.Dy() != turned.DisplayHeight || b.Dx() <= b.Dy() {
		t.Errorf("shown %v, want the upright display copy %d×%d", b, turned.DisplayWidth, turned.DisplayHeight)
	}
	for _, kind := range []storage.BlobKind{storage.BlobDisplay, storage.BlobPrint} {
		if _, err := s.PhotoBlob(turned.SHA256, kind); err != nil {
			t.Errorf("rendition %c not stored: %v", kind, err)
		}
	}
	if _, err := s.PhotoBlob(turned.SHA256, storage.BlobOriginal); err == nil {
		t.Error("the original stayed although originals are not kept")
	}
	if problems := s.Check(); len(problems) > 0 {
		t.Errorf("storage check: %v", problems)
	}
	full.dlg.Hide()

	// The colleague uploads; the next sync puts the picture in its tile.
	a.sync(t)
	test.Tap(ui.sync.now)
	if lateTile.state.Visible() || lateTile.img.Image == nil {
		t.Errorf("after the sync the tile still says %q", lateTile.state.Text)
	}
	pv.dlg.Hide()
	if got := v.photoState.Text; got != "照片 3 张均已在平台上" {
		t.Errorf("visit photo state after the sync: %q", got)
	}
}

// TestPhotoWaitsForTheNetworkThenDownloads: offline, a colleague's photo
// says it is on the portal and will come, in English; when the portal
// answers again the open photo downloads by itself.
func TestPhotoWaitsForTheNetworkThenDownloads(t *testing.T) {
	base, _ := startPortal(t)
	link := newSwitchableLink(t, base)
	a := newColleague(t, base)
	visitID := a.startVisit(t, "p05")
	p := a.addPhoto(t, visitID, "gps_DSCN0012.jpg")
	a.sync(t)
	noBytes := a.addPhoto(t, visitID, "Canon_40D.jpg")
	a.pushRecords(t)

	ui, _, _ := laptopUI(t, sv.English)
	signIn(t, ui, link.url(), "inspector2", demoPassword)
	waitFor(t, "the projects", func() bool { return len(ui.dash.rows) == 20 })
	link.setDown(true)
	ui.sync.checkNow()
	if ui.sync.st.Online {
		t.Fatal("the portal still counts as reachable")
	}

	ui.openVisit(visitID, true)
	waitFor(t, "the visit", func() bool { return ui.visit() != nil && ui.visit().loaded })
	pv := ui.visit().showSitePhotos()
	_, waiting := tileOf(t, pv, noBytes.SHA256)
	if got := waiting.state.Text; got != "The photo is on the portal; it downloads once online" {
		t.Errorf("offline tile says %q", got)
	}
	i, _ := tileOf(t, pv, p.SHA256)
	pv.tiles[0][i].open()
	full := pv.full
	if full.complete || full.src == nil || full.state.Text != "The photo is on the portal; it downloads once online" {
		t.Fatalf("offline full view: complete %v, thumbnail shown %v, state %q", full.complete, full.src != nil, full.state.Text)
	}

	// Back in the office: the check finds the portal, a sync runs, and the
	// photo open in full fetches its original.
	link.setDown(false)
	ui.sync.checkNow()
	if !full.complete || full.state.Visible() || full.src.Bounds().Dx() != p.DisplayWidth {
		t.Fatalf("after reconnecting: complete %v, state %q", full.complete, full.state.Text)
	}
}

// TestReportFetchesTheColleaguesPhotos: the visit report of a colleague's
// visit prints its photos, not "not on this laptop".
func TestReportFetchesTheColleaguesPhotos(t *testing.T) {
	base, _ := startPortal(t)
	a := newColleague(t, base)
	visitID := a.startVisit(t, "p07")
	p := a.addPhoto(t, visitID, "gps_DSCN0010.jpg")
	a.sync(t)
	ui, s, _ := laptopUI(t, sv.Chinese)
	ui.cfg.Printer = &recordingPrinter{}
	signIn(t, ui, base, "inspector2", demoPassword)
	waitFor(t, "the projects", func() bool { return len(ui.dash.rows) == 20 })
	ui.openVisit(visitID, true)
	waitFor(t, "the visit", func() bool { return ui.visit() != nil && ui.visit().loaded })
	ui.askVisitReport()
	text := labelsUnder(ui.window.Canvas().Overlays().Top())
	if !strings.Contains(text, "已生成") || strings.Contains(text, "不在本机") {
		t.Fatalf("the report dialog says:\n%s", text)
	}
	if _, err := s.PhotoBlob(p.SHA256, storage.BlobPrint); err != nil {
		t.Errorf("no print copy after the report: %v", err)
	}
}

// TestFullPhotoKeyboard drives the full view with the keys of its hint
// line, as the driver delivers them to the focused widget.
func TestFullPhotoKeyboard(t *testing.T) {
	ui, s := newTestUI(t)
	v := startVisit(t, ui, ui.dash.rows[4].Project.ID)
	v.attachSitePhotos([]string{filepath.Join(photoSamples, "gps_DSCN0010.jpg"), filepath.Join(photoSamples, "Canon_40D.jpg"),
		filepath.Join(photoSamples, "gps_DSCN0012.jpg")})
	pv := v.showSitePhotos()
	if len(pv.tiles[0]) != 3 {
		t.Fatalf("%d tiles", len(pv.tiles[0]))
	}
	c := ui.window.Canvas()
	below := len(c.Overlays().List()) // the grid, and the import's summary
	pv.tiles[0][0].open()
	// As the driver delivers keys: to the focused widget, or, when the
	// top layer has none, to the canvas.
	key := func(k fyne.KeyName) {
		if f := c.Focused(); f != nil {
			f.TypedKey(&fyne.KeyEvent{Name: k})
		} else if h := c.OnTypedKey(); h != nil {
			h(&fyne.KeyEvent{Name: k})
		}
	}
	char := func(r rune) {
		if f := c.Focused(); f != nil {
			f.TypedRune(r)
		} else if h := c.OnTypedRune(); h != nil {
			h(r)
		}
	}
	if c.Focused() != pv.full.keys {
		t.Fatalf("the picture does not have the keyboard: %T", c.Focused())
	}
	if !strings.Contains(overlayText(ui), "← →") {
		t.Errorf("the keys are not shown:\n%s", overlayText(ui))
	}
	hashAt := func(i int) string { return pv.photos[0][i].photo.Hash }

	// ← at the first photo stays; → and ← move through the list.
	key(fyne.KeyLeft)
	if pv.full.p.Hash != hashAt(0) {
		t.Error("← at the first photo moved")
	}
	key(fyne.KeyRight)
	key(fyne.KeyRight)
	if pv.full.p.Hash != hashAt(2) || !pv.full.open {
		t.Fatalf("→ → shows photo %s", pv.full.p.Hash)
	}
	key(fyne.KeyRight)
	key(fyne.KeyLeft)
	if pv.full.p.Hash != hashAt(1) {
		t.Fatalf("← shows photo %s", pv.full.p.Hash)
	}
	full := pv.full
	if len(c.Overlays().List()) != below+1 {
		t.Errorf("%d dialogs open: moving should replace the full view", len(c.Overlays().List()))
	}

	// + and = zoom in, − out, 0 fits.
	test.Type(c.Focused(), "+")
	in := full.zoom
	test.Type(c.Focused(), "=")
	if in <= 0 || full.zoom <= in || full.body.Objects[0] != full.scroll {
		t.Errorf("zoom after + %v, after = %v", in, full.zoom)
	}
	test.Type(c.Focused(), "-")
	if d := full.zoom - in; d > in/1000 || d < -in/1000 {
		t.Errorf("zoom after + = − is %v, want %v", full.zoom, in)
	}
	test.Type(c.Focused(), "0")
	if full.zoom != 0 || full.body.Objects[0] != full.img {
		t.Errorf("0 does not fit: zoom %v", full.zoom)
	}

	// R turns the photo a quarter and saves it.
	test.Type(c.Focused(), "r")
	if p := must(s.Photo(full.p.Hash))(t); p.Rotation != 90 {
		t.Errorf("rotation after R: %d", p.Rotation)
	}

	// Escape in the caption gives the keys back to the picture.
	c.Focus(full.caption)
	test.Type(full.caption, "0r")
	key(fyne.KeyEscape)
	if c.Focused() != full.keys || full.caption.Text != "0r" || full.zoom != 0 {
		t.Errorf("typing in the caption: focus %T, caption %q, zoom %v", c.Focused(), full.caption.Text, full.zoom)
	}

	// Delete asks first; No keeps the photo.
	key(fyne.KeyDelete)
	if !strings.Contains(overlayText(ui), "删除这张照片") {
		t.Fatalf("Delete did not ask:\n%s", overlayText(ui))
	}
	test.Tap(overlayButton(t, ui, "取消"))
	if in := stored(t, s, v.id); len(in.Photos) != 3 {
		t.Errorf("the visit lists %d photos after answering No", len(in.Photos))
	}

	// While the question is up the keys answer it: → does not move to
	// another photo under it, Escape says no and gives the keys back.
	key(fyne.KeyDelete)
	key(fyne.KeyRight)
	char('r')
	if pv.full != full || !full.open {
		t.Fatal("→ under the delete question moved to another photo")
	}
	key(fyne.KeyEscape)
	if strings.Contains(overlayText(ui), "删除这张照片") || !full.open || c.Focused() != full.keys {
		t.Fatalf("Escape did not just close the question: view open %v, focus %T\n%s", full.open, c.Focused(), overlayText(ui))
	}
	if in := stored(t, s, v.id); len(in.Photos) != 3 {
		t.Errorf("the visit lists %d photos after Escape", len(in.Photos))
	}
	if p := must(s.Photo(full.p.Hash))(t); p.Rotation != 90 {
		t.Errorf("R under the question turned the photo: rotation %d", p.Rotation)
	}

	// A click on a label takes the focus from the picture; the keys still
	// work, through the window's canvas, as the driver then delivers them.
	c.Unfocus()
	key(fyne.KeyRight)
	if pv.full.p.Hash != hashAt(2) {
		t.Fatalf("→ with nothing focused shows photo %s, want the third", pv.full.p.Hash)
	}
	full = pv.full
	c.Unfocus()
	char('+')
	if full.zoom <= 0 {
		t.Error("+ with nothing focused did not zoom")
	}

	// Escape closes the full view, leaving the grid, and the window's
	// keys are its own again.
	c.Unfocus()
	key(fyne.KeyEscape)
	if full.open || len(c.Overlays().List()) != below {
		t.Errorf("after Escape: full view open %v, %d dialogs", full.open, len(c.Overlays().List()))
	}
	before := len(c.Overlays().List())
	key(fyne.KeyRight)
	char('+')
	if full.open || pv.full != full || len(c.Overlays().List()) != before {
		t.Error("the closed view still takes the window's keys")
	}

	// Deleting takes a click on the red button: Enter, pressed in
	// passing, deletes nothing.
	pv.tiles[0][1].open()
	gone := pv.full.p.Hash
	key(fyne.KeyDelete)
	key(fyne.KeyReturn)
	if in := stored(t, s, v.id); len(in.Photos) != 3 || !strings.Contains(overlayText(ui), "删除这张照片") {
		t.Fatalf("Delete, Enter: %d photos, question still up: %v", len(in.Photos), strings.Contains(overlayText(ui), "删除这张照片"))
	}
	yes := overlayButton(t, ui, "删除照片")
	if yes.Importance != widget.DangerImportance {
		t.Error("the button that deletes a photo is not marked as dangerous")
	}
	test.Tap(yes)
	after := stored(t, s, v.id)
	if len(after.Photos) != 2 || slices.Contains(after.Photos, gone) {
		t.Errorf("after Delete and Yes the visit lists %v; %s should be gone", after.Photos, gone)
	}
}

// TestDeleteKeyRefusedOnSubmittedVisit: the Delete key meets the same
// refusal as the button on a submitted visit, and R does not turn it.
func TestDeleteKeyRefusedOnSubmittedVisit(t *testing.T) {
	ui, s := newTestUI(t)
	v := submittedVisitWithPhoto(t, ui)
	pv := v.showSitePhotos()
	pv.tiles[0][0].open()
	c := ui.window.Canvas()
	test.Type(c.Focused(), "r")
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyDelete})
	if text := overlayText(ui); !strings.Contains(text, "已提交") || !strings.Contains(text, "证据") {
		t.Errorf("Delete on a submitted visit says:\n%s", text)
	}
	in := stored(t, s, v.id)
	if p := must(s.Photo(in.Photos[0]))(t); len(in.Photos) != 1 || p.Rotation != 0 {
		t.Errorf("submitted visit: photos %v, rotation %d", in.Photos, p.Rotation)
	}
}
