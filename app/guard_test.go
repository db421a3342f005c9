package app

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// guarded wraps the store and fails the test when a screen calls it
// outside Config.Background, i.e. on the UI goroutine. It can also make
// saving fail, as a full disk would.
//
// It does not embed Data: every method is written out, so a method added
// to Data does not compile here until it is guarded too (the check below),
// instead of slipping past the guard through the embedded interface.
type guarded struct {
	inner    Data
	t        *testing.T
	inBG     bool
	failSave bool
}

var _ Data = (*guarded)(nil)

func (g *guarded) bg(work func()) {
	prev := g.inBG
	g.inBG = true
	defer func() { g.inBG = prev }()
	work()
}

func (g *guarded) check(name string) {
	g.t.Helper()
	if !g.inBG {
		g.t.Errorf("%s called on the UI goroutine, not through Background", name)
	}
}

// Path is the data folder's name, held in memory: the settings dialog
// shows it, and reading it touches no disk, so it is not guarded.
func (g *guarded) Path() string { return g.inner.Path() }

func (g *guarded) Projects() ([]sv.Project, error) {
	g.check("Projects")
	return g.inner.Projects()
}
func (g *guarded) Templates() ([]sv.Template, error) {
	g.check("Templates")
	return g.inner.Templates()
}
func (g *guarded) VisitsWithAnswers() ([]sv.Visit, error) {
	g.check("VisitsWithAnswers")
	return g.inner.VisitsWithAnswers()
}
func (g *guarded) Findings(f storage.FindingFilter) ([]sv.Finding, error) {
	g.check("Findings")
	return g.inner.Findings(f)
}
func (g *guarded) RegisterObservations(id string) ([]sv.Observation, error) {
	g.check("RegisterObservations")
	return g.inner.RegisterObservations(id)
}
func (g *guarded) Dashboard(now time.Time) ([]sv.ProjectStatus, error) {
	g.check("Dashboard")
	return g.inner.Dashboard(now)
}
func (g *guarded) KeepOriginals() (bool, error) {
	g.check("KeepOriginals")
	return g.inner.KeepOriginals()
}
func (g *guarded) SetKeepOriginals(keep bool) error {
	g.check("SetKeepOriginals")
	if g.failSave {
		return diskFull()
	}
	return g.inner.SetKeepOriginals(keep)
}
func (g *guarded) IsEmpty() (bool, error)  { g.check("IsEmpty"); return g.inner.IsEmpty() }
func (g *guarded) IsSample() (bool, error) { g.check("IsSample"); return g.inner.IsSample() }
func (g *guarded) Project(id string) (sv.Project, error) {
	g.check("Project")
	return g.inner.Project(id)
}
func (g *guarded) FiguresAsOf(id string, date sv.Date) (sv.Figures, error) {
	g.check("FiguresAsOf")
	return g.inner.FiguresAsOf(id, date)
}
func (g *guarded) ProjectVisits(id string) ([]sv.Visit, error) {
	g.check("ProjectVisits")
	return g.inner.ProjectVisits(id)
}
func (g *guarded) Template(id string, v int) (sv.Template, error) {
	g.check("Template")
	return g.inner.Template(id, v)
}
func (g *guarded) StartVisit(p string, who []string) (sv.Visit, error) {
	g.check("StartVisit")
	return g.inner.StartVisit(p, who)
}
func (g *guarded) Visit(id string) (sv.Visit, error) {
	g.check("Visit")
	return g.inner.Visit(id)
}
func (g *guarded) SaveAnswer(id string, a sv.Answer) error {
	g.check("SaveAnswer")
	if g.failSave {
		return diskFull()
	}
	return g.inner.SaveAnswer(id, a)
}
func (g *guarded) UpdateVisit(in sv.Visit) error {
	g.check("UpdateVisit")
	return g.inner.UpdateVisit(in)
}
func (g *guarded) SubmitVisit(id string) (sv.Visit, error) {
	g.check("SubmitVisit")
	return g.inner.SubmitVisit(id)
}
func (g *guarded) AmendVisit(id string) (sv.Visit, error) {
	g.check("AmendVisit")
	return g.inner.AmendVisit(id)
}
func (g *guarded) DeleteDraft(id string) error {
	g.check("DeleteDraft")
	return g.inner.DeleteDraft(id)
}
func (g *guarded) CreateFinding(f sv.Finding) error {
	g.check("CreateFinding")
	return g.inner.CreateFinding(f)
}
func (g *guarded) Finding(id string) (sv.Finding, error) {
	g.check("Finding")
	return g.inner.Finding(id)
}
func (g *guarded) MoveFinding(id string, m sv.Move) (sv.Finding, error) {
	g.check("MoveFinding")
	return g.inner.MoveFinding(id, m)
}
func (g *guarded) EditFinding(id string, e storage.FindingEdit) (sv.Finding, error) {
	g.check("EditFinding")
	return g.inner.EditFinding(id, e)
}
func (g *guarded) AddFindingNote(id string, n sv.Note) (sv.Finding, error) {
	g.check("AddFindingNote")
	return g.inner.AddFindingNote(id, n)
}
func (g *guarded) SaveFormDraft(d storage.FormDraft) error {
	g.check("SaveFormDraft")
	if g.failSave {
		return diskFull()
	}
	return g.inner.SaveFormDraft(d)
}
func (g *guarded) FormDraft(key string) (storage.FormDraft, error) {
	g.check("FormDraft")
	return g.inner.FormDraft(key)
}
func (g *guarded) FormDrafts(prefix string) ([]storage.FormDraft, error) {
	g.check("FormDrafts")
	return g.inner.FormDrafts(prefix)
}
func (g *guarded) DeleteFormDraft(key string) error {
	g.check("DeleteFormDraft")
	return g.inner.DeleteFormDraft(key)
}
func (g *guarded) FindingRecords() ([]sv.Finding, error) {
	g.check("FindingRecords")
	return g.inner.FindingRecords()
}
func (g *guarded) ActiveFindings(id string) ([]sv.Finding, error) {
	g.check("ActiveFindings")
	return g.inner.ActiveFindings(id)
}
func (g *guarded) ResponsibleUnits() ([]string, error) {
	g.check("ResponsibleUnits")
	return g.inner.ResponsibleUnits()
}
func (g *guarded) NewPhotoSink(l sv.PhotoLink) (*storage.PhotoSink, error) {
	g.check("NewPhotoSink")
	return g.inner.NewPhotoSink(l)
}
func (g *guarded) LinkPhoto(h string, l sv.PhotoLink) (bool, error) {
	g.check("LinkPhoto")
	return g.inner.LinkPhoto(h, l)
}
func (g *guarded) ProjectPhotos(id string, n int) ([]sv.Photo, error) {
	g.check("ProjectPhotos")
	return g.inner.ProjectPhotos(id, n)
}
func (g *guarded) PhotoBlob(h string, k storage.BlobKind) ([]byte, error) {
	g.check("PhotoBlob")
	return g.inner.PhotoBlob(h, k)
}
func (g *guarded) Photo(h string) (sv.Photo, error) {
	g.check("Photo")
	return g.inner.Photo(h)
}
func (g *guarded) UpdatePhoto(h, caption string, rotation int) error {
	g.check("UpdatePhoto")
	return g.inner.UpdatePhoto(h, caption, rotation)
}
func (g *guarded) UnlinkPhoto(h string, l sv.PhotoLink) (bool, error) {
	g.check("UnlinkPhoto")
	return g.inner.UnlinkPhoto(h, l)
}
func (g *guarded) VisitPhotoStates(ids ...string) (map[string]storage.PhotoState, error) {
	g.check("VisitPhotoStates")
	return g.inner.VisitPhotoStates(ids...)
}

// diskFull is the store's error for a write that failed on a full disk.
func diskFull() error {
	return sv.Wrap(errors.New("no space left on device"), sv.EInternal,
		"保存失败：磁盘可能已满或不可写。刚才的修改没有保存，请检查磁盘后重试。",
		"Could not save: the disk may be full or not writable.")
}

func newGuardedUI(t *testing.T) (*mainUI, *guarded) {
	t.Helper()
	a := windowApp(t)
	g := &guarded{inner: sampleStore(t), t: t}
	ui, err := newMainUI(a, Config{Data: g, Lang: sv.Chinese, Now: func() time.Time { return testNow }, Background: g.bg})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "dashboard rows", func() bool { return len(ui.dash.rows) == 20 })
	return ui, g
}

// TestStorageNeverOnTheUIGoroutine walks through every screen and fails
// if any of them reads or writes the store other than through Background.
func TestStorageNeverOnTheUIGoroutine(t *testing.T) {
	ui, _ := newGuardedUI(t)
	v := startVisit(t, ui, ui.dash.rows[5].Project.ID)
	test.Type(v.inspector, "张三")
	test.Type(field(t, v, "progress.workers").entry(), "80")
	field(t, v, "safety.cranes").verdict().SetSelected("不符合")
	if v.form == nil {
		// The item has a finding open from an earlier visit: asked first.
		test.Tap(overlayButton(t, ui, "另登记新问题"))
	}
	v.form.unit.SetText("高新区建设局")
	test.Tap(v.form.save)
	test.Tap(v.submit) // refused: gaps, from memory
	ui.goBack()
	waitFor(t, "project page", func() bool { return ui.project() != nil && ui.project().data.project.ID != "" })
	ui.openFindings(storage.FindingFilter{ActiveOnly: true}, true)
	waitFor(t, "findings", func() bool { return len(ui.findings().rows) > 0 })
	test.Tap(ui.findings().overdue)
	ui.findings().table.Select(widget.TableCellID{Row: 0, Col: 0})
	ui.showDashboard()
	// Ctrl+N with no project chosen: the picker reads the schedule, Enter
	// starts the first project's visit.
	ui.window.Canvas().(fyne.Shortcutable).TypedShortcut(shortcutN())
	waitFor(t, "the project picker", func() bool { return ui.picker != nil && ui.picker.loaded })
	ui.window.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	waitFor(t, "the picked visit", func() bool { return ui.visit() != nil && ui.visit().loaded })
}

// TestSaveFailureIsShown makes every save fail, as on a full disk: the
// visit says so in Chinese, beside the field and in a dialog.
func TestSaveFailureIsShown(t *testing.T) {
	ui, g := newGuardedUI(t)
	v := startVisit(t, ui, ui.dash.rows[6].Project.ID)
	g.failSave = true
	f := field(t, v, "progress.workers")
	test.Type(f.entry(), "80")
	if v.saved.Importance != widget.DangerImportance || !strings.Contains(v.saved.Text, "未能保存") {
		t.Errorf("save state %q", v.saved.Text)
	}
	if !strings.Contains(f.msg.Text, "磁盘可能已满") || strings.Contains(f.msg.Text, "no space") {
		t.Errorf("field message %q", f.msg.Text)
	}
	if text := overlayText(ui); !strings.Contains(text, "磁盘可能已满") {
		t.Errorf("no dialog about the failure: %q", text)
	}
	// Once the disk is fine again, the next change saves and the state clears.
	g.failSave = false
	ui.window.Canvas().Overlays().Top().Hide()
	f.entry().SetText("81")
	if !strings.HasPrefix(v.saved.Text, "已保存") {
		t.Errorf("after recovery: %q", v.saved.Text)
	}
}

// TestFormDraftFailureIsShown: a finding's form that cannot keep its
// draft (a full disk) says so in the form, in Chinese.
func TestFormDraftFailureIsShown(t *testing.T) {
	ui, g := newGuardedUI(t)
	v := startVisit(t, ui, ui.dash.rows[6].Project.ID)
	field(t, v, "safety.cranes").verdict().SetSelected("不符合")
	g.failSave = true
	test.Type(v.form.desc, "，二层东侧")
	if note := v.form.keep.note; !note.Visible() || !strings.Contains(note.Text, "未能暂存") || !strings.Contains(note.Text, "磁盘可能已满") {
		t.Errorf("form note %q (shown %v)", note.Text, note.Visible())
	}
}
