package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"fieldbrief/printing"
	sv "fieldbrief/supervision"
)

// recordingPrinter stands in for the system's viewer and print queue, which
// the e2e tests exercise for real (CUPS with cups-pdf); here it records the
// files it was given and answers as told.
type recordingPrinter struct {
	opened, printed []string
	printErr        error
}

func (p *recordingPrinter) Open(_ context.Context, file string) error {
	p.opened = append(p.opened, file)
	return nil
}

func (p *recordingPrinter) Print(_ context.Context, file, _ string) (printing.Job, error) {
	p.printed = append(p.printed, file)
	return printing.Job{Printer: "Office"}, p.printErr
}

func labelsUnder(o fyne.CanvasObject) string {
	var b strings.Builder
	walk(o, func(x fyne.CanvasObject) bool {
		if l, ok := x.(*widget.Label); ok {
			b.WriteString(l.Text + "\n")
		}
		return false
	})
	return b.String()
}

func TestMakeBriefOpenAndPrint(t *testing.T) {
	a := test.NewTempApp(t)
	s := sampleStore(t)
	pr := &recordingPrinter{}
	ui, err := newMainUI(a, Config{Data: s, Lang: sv.Chinese, Now: func() time.Time { return testNow }, Background: inPlace, Printer: pr})
	if err != nil {
		t.Fatal(err)
	}
	ui.askBrief()
	make := findButton(ui.window.Canvas().Overlays().Top(), "生成")
	if make == nil {
		t.Fatal("the brief dialog has no 生成 button")
	}
	test.Tap(make)
	top := ui.window.Canvas().Overlays().Top()
	text := labelsUnder(top)
	if !strings.Contains(text, "已生成") || !strings.Contains(text, "调度会简报") {
		t.Fatalf("after making the brief the dialog says:\n%s", text)
	}
	files, _ := filepath.Glob(filepath.Join(ui.reportsDir(), "*.pdf"))
	if len(files) != 1 {
		t.Fatalf("reports folder holds %v", files)
	}
	b, _ := os.ReadFile(files[0])
	if !strings.HasPrefix(string(b), "%PDF") || len(b) < 10000 {
		t.Fatalf("%s is not a real PDF (%d bytes)", files[0], len(b))
	}
	test.Tap(findButton(top, "打开"))
	test.Tap(findButton(top, "打印"))
	if len(pr.opened) != 1 || pr.opened[0] != files[0] || len(pr.printed) != 1 {
		t.Fatalf("opened %v, printed %v", pr.opened, pr.printed)
	}
	if !strings.Contains(labelsUnder(top), "Office") {
		t.Errorf("the dialog does not say which printer got the job:\n%s", labelsUnder(top))
	}
	// No printer: the message says what to do, and the PDF stays.
	pr.printErr = sv.Errorf(sv.EUnavailable, "这台电脑没有设置打印机——请在系统设置中添加打印机后再打印。", "No printer is set up.")
	test.Tap(findButton(top, "打印"))
	if !strings.Contains(labelsUnder(top), "系统设置中添加打印机") {
		t.Errorf("no-printer message not shown:\n%s", labelsUnder(top))
	}
	// A second brief of the same period does not overwrite the first.
	ui.askBrief()
	test.Tap(findButton(ui.window.Canvas().Overlays().Top(), "生成"))
	files, _ = filepath.Glob(filepath.Join(ui.reportsDir(), "*.pdf"))
	if len(files) != 2 {
		t.Fatalf("after a second brief the folder holds %v", files)
	}
}

func TestVisitReportNeedsAnOpenVisit(t *testing.T) {
	a := test.NewTempApp(t)
	s := sampleStore(t)
	ui, err := newMainUI(a, Config{Data: s, Lang: sv.Chinese, Now: func() time.Time { return testNow }, Background: inPlace, Printer: &recordingPrinter{}})
	if err != nil {
		t.Fatal(err)
	}
	ui.askVisitReport()
	if !strings.Contains(labelsUnder(ui.window.Canvas().Overlays().Top()), "请先打开一次督查") {
		t.Fatal("no hint to open a visit first")
	}
	visits, _ := s.ProjectVisits("p01")
	ui.openVisit(visits[0].ID, true)
	waitFor(t, "the visit screen", func() bool { return ui.visit != nil && ui.visit.loaded })
	ui.askVisitReport()
	files, _ := filepath.Glob(filepath.Join(ui.reportsDir(), "督查报告-*.pdf"))
	if len(files) != 1 {
		t.Fatalf("visit report files: %v", files)
	}
}

func TestKeepOriginalsSetting(t *testing.T) {
	a := test.NewTempApp(t)
	s := sampleStore(t)
	ui, err := newMainUI(a, Config{Data: s, Lang: sv.Chinese, Now: func() time.Time { return testNow }, Background: inPlace, Printer: &recordingPrinter{}})
	if err != nil {
		t.Fatal(err)
	}
	ui.showSettings()
	var keep *widget.Check
	walk(ui.window.Canvas().Overlays().Top(), func(o fyne.CanvasObject) bool {
		if c, ok := o.(*widget.Check); ok && strings.Contains(c.Text, "原始照片") {
			keep = c
			return true
		}
		return false
	})
	if keep == nil || keep.Disabled() || keep.Checked {
		t.Fatalf("keep-originals box: %+v", keep)
	}
	test.Tap(keep)
	if on, _ := s.KeepOriginals(); !on {
		t.Fatal("ticking the box did not keep originals in the store")
	}
}
