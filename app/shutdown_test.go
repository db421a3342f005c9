package app

import (
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/test"

	sv "fieldbrief/supervision"
)

// quitSpy is the app, with Quit recorded instead of done.
type quitSpy struct {
	fyne.App
	quit   chan struct{}
	onQuit func()
}

func (q *quitSpy) Quit() {
	if q.onQuit != nil {
		q.onQuit()
	}
	close(q.quit)
}

// quitted says whether the app was asked to stop, without waiting.
func (q *quitSpy) quitted() bool {
	select {
	case <-q.quit:
		return true
	default:
		return false
	}
}

// spiedUI opens the window on data, in Chinese, with Quit recorded.
func spiedUI(t *testing.T, data Data, bg func(func())) (*mainUI, *quitSpy) {
	t.Helper()
	spy := &quitSpy{App: test.NewTempApp(t), quit: make(chan struct{})}
	return openTestUI(t, spy, data, bg), spy
}

// requestTyped opens the form of a new 企业诉求 in a visit and types into it.
func requestTyped(t *testing.T, ui *mainUI) *visitScreen {
	t.Helper()
	v := startVisit(t, ui, ui.dash.rows[9].Project.ID)
	v.showPane(len(v.panes) - 1)
	test.Tap(findButton(v.recheck.box, "登记企业诉求…"))
	test.Type(v.form.desc, "申请协调10kV临时用电接入")
	return v
}

// switchRunner runs background work in place until goAsync, then on
// goroutines of its own: the screens are built the way every other test
// builds them, and quitting then meets work that is really still running.
type switchRunner struct{ async atomic.Bool }

func (r *switchRunner) bg(work func()) {
	if r.async.Load() {
		go work()
		return
	}
	work()
}

// slowDisk holds SaveAnswer until released, as a disk that stalls would.
type slowDisk struct {
	Data
	armed   atomic.Bool
	release chan struct{}
}

func (d *slowDisk) SaveAnswer(id string, a sv.Answer) error {
	if d.armed.Load() {
		<-d.release
	}
	return d.Data.SaveAnswer(id, a)
}

// TestFyneStopsWithoutAnEvent: the app Fyne really runs (not the test
// driver's) queues an event as it stops, which can crash or hang the exit;
// withoutStopEvent must reach and remove it. If a Fyne upgrade renames the
// method, this fails rather than the exit racing again.
func TestFyneStopsWithoutAnEvent(t *testing.T) {
	// Not t.TempDir: Fyne's real app may still be creating its settings
	// folder in there, from a goroutine, when the test ends.
	config, err := os.MkdirTemp("", "fieldbrief-config-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(config) })
	t.Setenv("XDG_CONFIG_HOME", config)
	a := fyneapp.NewWithID("cn.gov.cqkxc.fieldbrief.test")
	t.Cleanup(func() { test.NewTempApp(t) })
	l, ok := a.Lifecycle().(interface{ OnStopped() func() })
	if !ok {
		t.Fatal("Fyne's lifecycle no longer says what it runs on stopping; check withoutStopEvent")
	}
	if l.OnStopped() == nil {
		t.Fatal("Fyne queues nothing on stopping any more: withoutStopEvent may go (see decision 0019)")
	}
	withoutStopEvent(a)
	if l.OnStopped() != nil {
		t.Error("withoutStopEvent left Fyne's stop event in place")
	}
}

// TestQuitWaitsForTheLastAnswer: an answer still being written when the
// inspector quits (a stalled disk) is written before the app stops, and
// nothing reaches the UI goroutine after that.
func TestQuitWaitsForTheLastAnswer(t *testing.T) {
	s := sampleStore(t)
	disk := &slowDisk{Data: s, release: make(chan struct{})}
	r := &switchRunner{}
	ui, spy := spiedUI(t, disk, r.bg)
	v := startVisit(t, ui, ui.dash.rows[3].Project.ID)
	id := v.id

	var storedAtQuit atomic.Bool
	spy.onQuit = func() {
		in, err := s.Visit(id)
		storedAtQuit.Store(err == nil && in.Answers["safety.edges"].Verdict == sv.Pass)
	}
	r.async.Store(true)
	disk.armed.Store(true)
	field(t, v, "safety.edges").verdict().SetSelected("符合")
	ui.quit()
	ui.quit() // a second Ctrl+Q while waiting changes nothing

	select {
	case <-spy.quit:
		t.Fatal("the app stopped while an answer was still being written")
	case <-time.After(300 * time.Millisecond):
	}
	close(disk.release)
	select {
	case <-spy.quit:
	case <-time.After(10 * time.Second):
		t.Fatal("the app did not stop once the answer was written")
	}
	if !storedAtQuit.Load() {
		t.Error("the answer was not in the store when the app stopped")
	}
	ran := false
	ui.do(func() { ran = true })
	if ran {
		t.Error("a UI call went through after the app began to stop")
	}
}

// TestQuitLetsThePreferencesBeWritten: Fyne saves a change of the
// preferences made just after another one 100 ms later; quitting waits
// for it, since Fyne's own save on exit is gone (withoutStopEvent).
func TestQuitLetsThePreferencesBeWritten(t *testing.T) {
	ui, spy := spiedUI(t, sampleStore(t), inPlace)
	var quietFor time.Duration
	var changed time.Time
	spy.onQuit = func() { quietFor = time.Since(changed) }
	changed = time.Now()
	spy.Preferences().SetString(prefInspectors, "张伟")
	ui.quit()
	<-spy.quit
	if quietFor < prefsSettle {
		t.Errorf("quit %v after the preferences changed; Fyne may still be writing them until %v", quietFor, prefsSettle)
	}
}

// TestQuitDuringAnImportFinishesIt: quitting while photos import keeps
// the import going, says so in its dialog, and stops only after it; the
// photos are all stored.
func TestQuitDuringAnImportFinishesIt(t *testing.T) {
	s := sampleStore(t)
	r := &runner{}
	ui, spy := spiedUI(t, s, r.bg)
	v := startVisit(t, ui, ui.dash.rows[2].Project.ID)
	dir := t.TempDir()
	copyPhotos(t, dir, map[string]string{
		filepath.Join("card", "a.jpg"): "orientation_landscape_1.jpg",
		filepath.Join("card", "b.jpg"): "orientation_landscape_6.jpg",
	})
	var photosAtQuit int
	spy.onQuit = func() { photosAtQuit = len(stored(t, s, v.id).Photos) }

	r.hold = true
	b := newPhotoBatch(ui.env, sv.PhotoLink{VisitID: v.id}, nil)
	b.run([]string{dir})
	ui.quit()
	if !b.quitNote.Visible() || !strings.Contains(b.quitNote.Text, "导入完成后窗口将关闭") {
		t.Errorf("the import dialog does not say the window closes after it: %q", b.quitNote.Text)
	}
	r.drain()
	select {
	case <-spy.quit:
	case <-time.After(10 * time.Second):
		t.Fatal("the app did not stop after the import")
	}
	if photosAtQuit != 2 {
		t.Errorf("%d of 2 photos stored when the app stopped", photosAtQuit)
	}
	if len(ui.imports) != 0 {
		t.Errorf("%d imports still listed as running", len(ui.imports))
	}
}

// TestBackgroundResultsGoThroughDo: results of background work reach the
// screens through mainUI.do, which stops at closing; a direct fyne.Do
// could land while Fyne shuts its queue and crash the exit.
func TestBackgroundResultsGoThroughDo(t *testing.T) {
	for _, found := range callsOutside(t, "shutdown.go", "fyne.Do(", "fyne.DoAndWait(", "Lifecycle().SetOnStopped(") {
		t.Errorf("%s; use ui.do (see shutdown.go)", found)
	}
}

// TestFormTypingSurvivesQuitting: a finding typed into its form and not
// saved is kept as it is typed; quitting asks nothing and waits for it,
// and the form opened again (after a restart) holds it and says so. Saving
// the form forgets the draft, and so does Cancel.
func TestFormTypingSurvivesQuitting(t *testing.T) {
	s := sampleStore(t)
	ui, spy := spiedUI(t, s, inPlace)
	v := requestTyped(t, ui)
	key := newFindingDraftKey(v.id, string(sv.KindRequest))
	ui.quit()
	if !spy.quitted() {
		t.Fatalf("quit with a form open did not quit:\n%s", overlayText(ui))
	}
	if d, err := s.FormDraft(key); err != nil || d.Fields["description"] != "申请协调10kV临时用电接入" {
		t.Fatalf("draft after quitting: %+v, %v", d, err)
	}

	// The next start: the visit offers the finding not saved, and its
	// form holds the typing.
	ui = openTestUI(t, test.NewTempApp(t), s, inPlace)
	v = startVisit(t, ui, ui.dash.rows[9].Project.ID)
	if !v.drafts.Visible() || v.drafts.Size().Width < v.drafts.MinSize().Width || v.drafts.Text != "有 1 个问题未保存" {
		t.Fatalf("the visit does not offer the finding not saved: %q (shown %v, %v wide)", v.drafts.Text, v.drafts.Visible(), v.drafts.Size().Width)
	}
	test.Tap(v.drafts)
	if v.form == nil {
		t.Fatal("the offer opened no form")
	}
	if v.form.desc.Text != "申请协调10kV临时用电接入" || !v.form.keep.note.Visible() || !strings.Contains(v.form.keep.note.Text, "已恢复") {
		t.Fatalf("form opened again holds %q; note %q", v.form.desc.Text, v.form.keep.note.Text)
	}
	test.Tap(v.form.save)
	if _, err := s.FormDraft(key); sv.ErrorCode(err) != sv.ENotFound {
		t.Errorf("the saved form's draft is still kept: %v", err)
	}
	if v.drafts.Visible() {
		t.Error("the offer stays after the finding was saved")
	}

	// Cancel asks first; Escape keeps the form, and the red button throws
	// the typing away, so that nothing is put back next time.
	test.Tap(findButton(v.recheck.box, "登记企业诉求…"))
	test.Type(v.form.desc, "写错了")
	test.Tap(v.form.cancel)
	if !strings.Contains(overlayText(ui), "放弃在此表单中填写的内容") {
		t.Fatalf("Cancel with typing did not ask:\n%s", overlayText(ui))
	}
	windowKey(t, ui, fyne.KeyEscape)
	if v.form.desc.Text != "写错了" || !strings.Contains(overlayText(ui), t0("finding.form_intro_free")) {
		t.Fatalf("Escape on the question lost the form:\n%s", overlayText(ui))
	}
	test.Tap(v.form.cancel)
	test.Tap(overlayButton(t, ui, "放弃"))
	test.Tap(findButton(v.recheck.box, "登记企业诉求…"))
	if v.form.desc.Text != "" || v.form.keep.note.Visible() {
		t.Errorf("after Cancel, the form opens with %q", v.form.desc.Text)
	}
}

// TestNoteTypingIsPutBack: a note typed on a finding and not added is
// named in the finding's detail and there when the note form opens again;
// once added, the detail no longer names it.
func TestNoteTypingIsPutBack(t *testing.T) {
	s := sampleStore(t)
	ui := openTestUI(t, test.NewTempApp(t), s, inPlace)
	fs, err := s.ActiveFindings(ui.dash.rows[9].Project.ID)
	if err != nil || len(fs) == 0 {
		t.Fatalf("no active finding: %v", err)
	}
	n := showNoteForm(ui.env, fs[0], "张伟", nil)
	test.Type(n.text, "施工单位称周五前完成")
	n.dlg.Hide() // the window closed under it
	// The finding's detail says which of its forms holds typing.
	d := showFindingDetail(ui.env, fs[0].ID, "", nil)
	if !strings.Contains(d.pending.Text, "有未保存的内容：添加备注") {
		t.Errorf("the detail does not name the note not added: %q", d.pending.Text)
	}
	d.dlg.Hide()
	n = showNoteForm(ui.env, fs[0], "张伟", nil)
	if n.text.Text != "施工单位称周五前完成" || n.by.Text != "张伟" {
		t.Errorf("note form opened again: %q by %q", n.text.Text, n.by.Text)
	}
	test.Tap(n.add)
	d = showFindingDetail(ui.env, fs[0].ID, "", nil)
	if d.pending.Text != "" {
		t.Errorf("the note was added, yet the detail says %q", d.pending.Text)
	}
}

// TestItemFindingNotSavedIsOffered: a finding raised from a failed item,
// typed into and lost with the window, is offered when the visit opens
// again; the offer goes to the item's section and puts the typing back.
func TestItemFindingNotSavedIsOffered(t *testing.T) {
	s := sampleStore(t)
	ui := openTestUI(t, test.NewTempApp(t), s, inPlace)
	v := startVisit(t, ui, ui.dash.rows[6].Project.ID)
	field(t, v, "safety.cranes").verdict().SetSelected("不符合")
	test.Type(v.form.desc, "，二号塔吊")
	typed := v.form.desc.Text
	if !strings.HasSuffix(typed, "，二号塔吊") {
		t.Errorf("typing went into the prefilled description, not after it: %q", typed)
	}

	ui = openTestUI(t, test.NewTempApp(t), s, inPlace)
	v = startVisit(t, ui, ui.dash.rows[6].Project.ID)
	test.Tap(v.drafts)
	if v.form == nil || v.form.desc.Text != typed {
		t.Fatalf("the offer did not put back %q", typed)
	}
	if p := v.panes[v.current]; p.kind != paneSection || v.paneOf("safety.cranes") != v.current {
		t.Errorf("the offer shows pane %d, not the item's section", v.current)
	}
}
