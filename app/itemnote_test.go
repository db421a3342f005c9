package app

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// notesOfEveryKind are the notes the test types, one per kind of item that
// has a note: a number, a single and a multiple choice, a date, a pass/fail.
var notesOfEveryKind = map[string]string{
	"quality.concrete":        "三号楼二层柱取芯",
	"quality.rating":          "局部蜂窝麻面",
	"safety.major_works":      "高支模方案已论证",
	"progress.next_milestone": "以业主计划为准",
	"safety.duty":             "专职安全员在岗",
}

// TestNoteOnEveryKindSurvivesRestartAmendAndReport types a note on an item
// of each kind, submits, reopens the store as after a restart, and finds
// the notes on screen, in the visit's PDF report and in its amendment.
func TestNoteOnEveryKindSurvivesRestartAmendAndReport(t *testing.T) {
	ui, s := newTestUI(t)
	v := startVisit(t, ui, ui.dash.rows[11].Project.ID)
	test.Type(v.inspector, "张三")

	// Every item offers photos; every item but a text one takes a note.
	for _, it := range v.tmpl.Items() {
		f := field(t, v, it.Key)
		if findButton(f.box, "添加照片…") == nil || findButton(f.box, "查看照片") == nil {
			t.Errorf("%s (%s) offers no photo buttons", it.Key, it.Kind)
		}
		if hasNote := f.note != nil; hasNote != (it.Kind != sv.KindText) {
			t.Errorf("%s (%s): note entry %v", it.Key, it.Kind, hasNote)
		}
		if f.note != nil && !walk(f.box, func(o fyne.CanvasObject) bool { return o == f.note }) {
			t.Errorf("%s (%s): the note entry is not on screen", it.Key, it.Kind)
		}
	}
	if p := field(t, v, "quality.concrete").note.PlaceHolder; !strings.Contains(p, "部位") {
		t.Errorf("a number's note asks for %q", p)
	}

	test.Type(field(t, v, "quality.concrete").entry(), "32.5")
	field(t, v, "quality.rating").choice().SetSelected("一般")
	field(t, v, "safety.major_works").checks().SetSelected([]string{"高支模"})
	field(t, v, "progress.next_milestone").entry().SetText("2026-12-31")
	for key, note := range notesOfEveryKind {
		test.Type(field(t, v, key).note, note)
	}
	completeVisit(t, v)
	test.Tap(v.submit)
	test.Tap(overlayButton(t, ui, "确认提交"))
	waitFor(t, "submitted", func() bool { return v.in.Status == sv.Submitted })
	id := v.id

	// Restart: close the store and open it again, with a new window.
	dir := filepath.Dir(s.Path())
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := storage.Open(dir, storage.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s2.Close() })
	ui2, err := newMainUI(ui.app, Config{Data: s2, Lang: sv.Chinese, Now: func() time.Time { return testNow }, Background: inPlace, Printer: &recordingPrinter{}})
	if err != nil {
		t.Fatal(err)
	}
	ui2.openVisit(id, true)
	waitFor(t, "the visit after restart", func() bool { return ui2.visit() != nil && ui2.visit().loaded })
	rec := stored(t, s2, id)
	for key, note := range notesOfEveryKind {
		if got := field(t, ui2.visit(), key).note.Text; got != note {
			t.Errorf("%s shows note %q after restart, want %q", key, got, note)
		}
		if got := rec.Answers[key].Note; got != note {
			t.Errorf("%s stored note %q", key, got)
		}
	}
	if n := rec.Answers["quality.concrete"].Number; n == nil || *n != 32.5 {
		t.Errorf("the number beside its note was stored as %v", n)
	}

	// The visit's report prints each note in the 说明 column.
	ui2.askVisitReport()
	files, _ := filepath.Glob(filepath.Join(ui2.reportsDir(), "*.pdf"))
	if len(files) != 1 {
		t.Fatalf("visit report files: %v", files)
	}
	text := noSpace(pdfText(t, files[0]))
	for key, note := range notesOfEveryKind {
		if !strings.Contains(text, note) {
			t.Errorf("the report lacks the note of %s, %q", key, note)
		}
	}

	// An amendment starts from the same notes, and changing one there
	// leaves the submitted original as it was.
	orig := ui2.visit()
	test.Tap(orig.amend)
	test.Tap(overlayButton(t, ui2, "新建更正记录"))
	waitFor(t, "amendment", func() bool { return ui2.visit() != nil && ui2.visit() != orig && ui2.visit().loaded })
	am := ui2.visit()
	for key, note := range notesOfEveryKind {
		if got := field(t, am, key).note.Text; got != note {
			t.Errorf("the amendment shows note %q on %s, want %q", got, key, note)
		}
	}
	field(t, am, "quality.concrete").note.SetText("复核：三号楼二层柱取芯")
	if got := stored(t, s2, am.id).Answers["quality.concrete"].Note; got != "复核：三号楼二层柱取芯" {
		t.Errorf("the amendment stored note %q", got)
	}
	if got := stored(t, s2, id).Answers["quality.concrete"].Note; got != notesOfEveryKind["quality.concrete"] {
		t.Errorf("amending changed the original's note to %q", got)
	}
}

// TestNoteAloneOnANumberIsKept types a note before any value and then a
// value out of range: the note is saved, and the bad value is not.
func TestNoteAloneOnANumberIsKept(t *testing.T) {
	ui, s := newTestUI(t)
	v := startVisit(t, ui, ui.dash.rows[12].Project.ID)
	f := field(t, v, "progress.image_pct")
	test.Type(f.note, "按实际完成工程量估算")
	f.entry().SetText("150") // above 100: refused beside the field
	a := stored(t, s, v.id).Answers["progress.image_pct"]
	if a.Note != "按实际完成工程量估算" || a.Number != nil {
		t.Errorf("stored note %q, number %v", a.Note, a.Number)
	}
	if a.IsAnswered(sv.KindNumber) {
		t.Error("a note alone counts as an answer")
	}
}

// pdfText extracts a PDF's text with pdftotext (poppler). A missing tool
// fails the test: a skipped check would look like a passed one.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatal("pdftotext is not installed; `make test` installs it (Debian package poppler-utils)")
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext %s: %v\n%s", path, err, out)
	}
	return string(out)
}

// noSpace drops whitespace, so a note broken over two lines of a table
// cell still reads as one.
func noSpace(s string) string { return strings.Join(strings.Fields(s), "") }
