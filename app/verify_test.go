package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	sv "fieldbrief/supervision"
)

// TestVerifyAPrintedBrief: the Reports menu offers 核对打印件…; a brief
// made in the window verifies as matching the records, in the user's
// language, the check running off the UI goroutine; the same file with a
// byte changed is refused as edited.
func TestVerifyAPrintedBrief(t *testing.T) {
	a := windowApp(t)
	s := sampleStore(t)
	// The check goes through the Background runner (a goroutine in the
	// window; in place here, where Fyne's test driver runs fyne.Do on the
	// caller's goroutine): counted, to see that it does.
	background := 0
	counting := func(work func()) { background++; work() }
	ui, err := newMainUI(a, Config{Data: s, Lang: sv.Chinese, Now: func() time.Time { return testNow }, Background: counting, Printer: &recordingPrinter{}})
	if err != nil {
		t.Fatal(err)
	}
	var item *fyne.MenuItem
	for _, it := range ui.reportsMenu().Items {
		if it.Label == "核对打印件…" {
			item = it
		}
	}
	if item == nil || item.Action == nil {
		t.Fatal("the Reports menu has no 核对打印件… entry")
	}
	ui.askBrief()
	test.Tap(findButton(ui.window.Canvas().Overlays().Top(), "生成"))
	files, _ := filepath.Glob(filepath.Join(ui.reportsDir(), "*.pdf"))
	if len(files) != 1 {
		t.Fatalf("reports folder holds %v", files)
	}
	ui.window.Canvas().Overlays().Top().Hide()

	verdict := func(path, want string) string {
		t.Helper()
		before := background
		ui.verifyPrinted(path)
		if background == before {
			t.Error("the check ran on the UI goroutine")
		}
		top := ui.window.Canvas().Overlays().Top()
		text := labelsUnder(top)
		if !strings.Contains(text, want) {
			t.Fatalf("the verdict does not say %q:\n%s", want, text)
		}
		top.Hide()
		return text
	}
	text := verdict(files[0], "打印件与记录一致")
	if !strings.Contains(text, "简报所用数据") || !strings.Contains(text, "未改变") || !strings.Contains(text, filepath.Base(files[0])) {
		t.Errorf("the verdict of an unchanged brief:\n%s", text)
	}

	raw, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(raw, []byte("stream\n")) + len("stream\n") + 10
	raw[i] ^= 0x20
	edited := filepath.Join(t.TempDir(), "edited.pdf")
	if err := os.WriteFile(edited, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	text = verdict(edited, "核对未通过")
	if !strings.Contains(text, "被改动过") {
		t.Errorf("the verdict of an edited brief:\n%s", text)
	}

	// In English, the verdict is in English.
	ui.lang = sv.English
	text = verdict(files[0], "is unchanged since it was printed")
	if strings.Contains(text, "未改变") {
		t.Errorf("an English verdict in Chinese:\n%s", text)
	}
}

// TestVerifyAPrintedBriefAgainstThePortal: signed in, the window's 核对打印件…
// asks the portal to rebuild a brief too, through the code the command
// line uses, and says that the portal's data is unchanged as well.
func TestVerifyAPrintedBriefAgainstThePortal(t *testing.T) {
	base, _ := startPortal(t)
	ui, _, _ := laptopUI(t, sv.Chinese)
	signIn(t, ui, base, "inspector1", demoPassword)
	waitFor(t, "the 20 projects", func() bool { return len(ui.dash.rows) == 20 })
	ui.askBrief()
	test.Tap(findButton(ui.window.Canvas().Overlays().Top(), "生成"))
	files, _ := filepath.Glob(filepath.Join(ui.reportsDir(), "*.pdf"))
	if len(files) != 1 {
		t.Fatalf("reports folder holds %v", files)
	}
	ui.window.Canvas().Overlays().Top().Hide()
	ui.verifyPrinted(files[0])
	waitFor(t, "the verdict", func() bool {
		top := ui.window.Canvas().Overlays().Top()
		return top != nil && (strings.Contains(labelsUnder(top), "打印件与记录一致") || strings.Contains(labelsUnder(top), "核对未通过"))
	})
	text := labelsUnder(ui.window.Canvas().Overlays().Top())
	if !strings.Contains(text, "未改变") || !strings.Contains(text, "平台上的数据与打印件也一致。") {
		t.Errorf("the verdict of a brief unchanged here and on the portal:\n%s", text)
	}
}
