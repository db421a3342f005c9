package app

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"fieldbrief/briefing"
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
		if l, ok := asLabel(x); ok {
			b.WriteString(l.Text + "\n")
		}
		return false
	})
	return b.String()
}

func TestMakeBriefOpenAndPrint(t *testing.T) {
	a := windowApp(t)
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
	a := windowApp(t)
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
	waitFor(t, "the visit screen", func() bool { return ui.visit() != nil && ui.visit().loaded })
	ui.askVisitReport()
	files, _ := filepath.Glob(filepath.Join(ui.reportsDir(), "督查报告-*.pdf"))
	if len(files) != 1 {
		t.Fatalf("visit report files: %v", files)
	}
}

func TestKeepOriginalsSetting(t *testing.T) {
	a := windowApp(t)
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
	if on := must(s.KeepOriginals())(t); !on {
		t.Fatal("ticking the box did not keep originals in the store")
	}
}

// TestTourOrderChosenInTheWindow: the inspector moves a site up, leaves
// one out, and the pack follows that order; the next time the dialog
// opens it starts from the order used.
func TestTourOrderChosenInTheWindow(t *testing.T) {
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatal("pdftotext is not installed; `make test` installs it (Debian package poppler-utils)")
	}
	a := windowApp(t)
	s := sampleStore(t)
	ui, err := newMainUI(a, Config{Data: s, Lang: sv.Chinese, Now: func() time.Time { return testNow }, Background: inPlace, Printer: &recordingPrinter{}})
	if err != nil {
		t.Fatal(err)
	}
	projects, err := s.Projects()
	if err != nil {
		t.Fatal(err)
	}
	byPlace := briefing.LocationOrder(projects)
	name := map[string]string{}
	for _, p := range projects {
		name[p.ID] = p.DisplayName()
	}

	ui.askTour()
	top := ui.window.Canvas().Overlays().Top()
	list := findList(top)
	if list == nil {
		t.Fatal("the tour dialog has no list of sites")
	}
	list.Select(2)
	test.Tap(findButton(top, "上移"))
	var first *widget.Check
	walk(list, func(o fyne.CanvasObject) bool {
		if c, ok := o.(*widget.Check); ok {
			first = c
			return true
		}
		return false
	})
	if first == nil {
		t.Fatal("the list rows have no tick boxes")
	}
	test.Tap(first) // leave the first site out
	if !strings.Contains(labelsUnder(top), "拉练 19 站，共 20 个项目") {
		t.Fatalf("the dialog does not say how many sites the tour visits:\n%s", labelsUnder(top))
	}
	test.Tap(findButton(top, "生成"))

	files, _ := filepath.Glob(filepath.Join(ui.reportsDir(), "季度拉练-*.pdf"))
	if len(files) != 1 {
		t.Fatalf("tour pack files: %v", files)
	}
	out, err := exec.Command(pdftotext, "-enc", "UTF-8", "-l", "1", files[0], "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	route := strings.Join(strings.Fields(string(out)), "")
	left, moved, passed := name[byPlace[0]], name[byPlace[2]], name[byPlace[1]]
	if strings.Contains(route, left) {
		t.Errorf("%s was left out but is on the route:\n%s", left, out)
	}
	if i, j := strings.Index(route, moved), strings.Index(route, passed); i < 0 || j < 0 || i > j {
		t.Errorf("%s was moved before %s, route page reads:\n%s", moved, passed, out)
	}

	// The next pack starts from the order used.
	ui.askTour()
	rows := labelsUnder(findList(ui.window.Canvas().Overlays().Top()))
	if want := "— " + left + "\n1. " + moved + "\n2. " + passed; !strings.Contains(rows, want) {
		t.Errorf("the dialog did not start from the order used last; rows:\n%s\nwant them to start:\n%s", rows, want)
	}
}

func findList(o fyne.CanvasObject) *widget.List {
	var found *widget.List
	walk(o, func(x fyne.CanvasObject) bool {
		l, ok := x.(*widget.List)
		found = l
		return ok
	})
	return found
}

func TestSubmitOffersTheVisitReportAndTheMenuKnowsTheVisit(t *testing.T) {
	a := windowApp(t)
	s := sampleStore(t)
	ui := openTestUI(t, a, s, inPlace)
	ui.cfg.Printer = &recordingPrinter{}
	v := startVisit(t, ui, ui.dash.rows[5].Project.ID)
	test.Type(v.inspector, "王五")
	completeVisit(t, v)
	test.Tap(v.submit)
	if findButton(ui.window.Canvas().Overlays().Top(), "取消") == nil {
		t.Error("the submit question has no 取消")
	}
	test.Tap(overlayButton(t, ui, "确认提交"))
	waitFor(t, "submitted", func() bool { return v.in.Status == sv.Submitted })
	if text := overlayText(ui); !strings.Contains(text, "已提交") || !strings.Contains(text, v.project.DisplayName()) {
		t.Fatalf("no success message after submitting: %q", text)
	}
	test.Tap(overlayButton(t, ui, "生成督查报告"))
	files, _ := filepath.Glob(filepath.Join(ui.reportsDir(), "督查报告-*.pdf"))
	if len(files) != 1 {
		t.Fatalf("the offered report made %v", files)
	}
	if title := dialogTitle(ui); title != "督查报告已生成" {
		t.Errorf("the visit report's dialog is titled %q", title)
	}
	// Back on the dashboard, the Reports menu still knows the visit.
	for ui.window.Canvas().Overlays().Top() != nil {
		ui.window.Canvas().Overlays().Top().Hide()
	}
	ui.showDashboard()
	ui.askVisitReport()
	if strings.Contains(overlayText(ui), "请先打开一次督查") {
		t.Fatal("right after a submit, the Reports menu asks to open a visit")
	}
	files, _ = filepath.Glob(filepath.Join(ui.reportsDir(), "督查报告-*.pdf"))
	if len(files) != 2 {
		t.Fatalf("the menu's report made %v", files)
	}
}

// dialogTitle is the title of the top dialog: its first label in bold.
func dialogTitle(ui *mainUI) string {
	title := ""
	walk(ui.window.Canvas().Overlays().Top(), func(o fyne.CanvasObject) bool {
		if l, ok := o.(*widget.Label); ok && l.TextStyle.Bold {
			title = l.Text
			return true
		}
		return false
	})
	return title
}
