package e2e

import (
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// dayPlan is what the inspector's day is run on: a project last visited
// last month, and a section of its checklist whose first item (a pass or
// fail) shows a finding still open from an earlier visit.
type dayPlan struct {
	project sv.Project
	page    int // the checklist page of the section (0 is the visit's details)
}

// planDay picks the project and section from the sample data.
func planDay(t *testing.T, data string) dayPlan {
	t.Helper()
	s, err := storage.Open(data, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Now()
	thisMonth := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.Local)
	lastMonth := thisMonth.AddDate(0, -1, 0)
	projects, err := s.Projects()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range projects {
		visits, err := s.Visits(p.ID)
		if err != nil || len(visits) == 0 {
			continue
		}
		last := visits[0].StartedAt
		if last.Before(lastMonth) || !last.Before(thisMonth) || visits[0].Status != sv.Submitted {
			continue
		}
		tmpls, err := s.Templates()
		if err != nil || len(tmpls) == 0 {
			t.Fatal("no checklist", err)
		}
		tmpl := tmpls[0]
		for _, x := range tmpls {
			if x.Version > tmpl.Version {
				tmpl = x
			}
		}
		active, err := s.Findings(storage.FindingFilter{ProjectID: p.ID, ActiveOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		for i, sec := range tmpl.Sections {
			if len(sec.Items) == 0 || sec.Items[0].Kind != sv.KindPassFail {
				continue
			}
			for _, f := range active {
				if f.ItemKey == sec.Items[0].Key {
					return dayPlan{project: p, page: i + 1}
				}
			}
		}
	}
	t.Fatal("no sample project visited last month has an open finding on the first item of a section")
	return dayPlan{}
}

// near finds the first pixel row (from the top, or from the bottom) in r
// holding at least three pixels that match, and returns the middle of
// those pixels.
func near(img image.Image, r image.Rectangle, fromBottom bool, match func(r, g, b uint32) bool) (image.Point, bool) {
	r = r.Intersect(img.Bounds())
	for i := range r.Dy() {
		y := r.Min.Y + i
		if fromBottom {
			y = r.Max.Y - 1 - i
		}
		var xs []int
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if match(cr>>8, cg>>8, cb>>8) {
				xs = append(xs, x)
			}
		}
		if len(xs) >= 3 {
			return image.Pt((xs[0]+xs[len(xs)-1])/2, y), true
		}
	}
	return image.Point{}, false
}

// blue is a primary button (Fyne's primary colour).
func blue(r, g, b uint32) bool { return b > 200 && r < 100 && g > 80 && g < 180 }

// centred is a rectangle of w × h in the middle of a screen of size s,
// cut to the screen: where a dialog of that size shows.
func centred(s image.Point, w, h int) image.Rectangle {
	w, h = min(w, s.X), min(h, s.Y)
	return image.Rect((s.X-w)/2, (s.Y-h)/2, (s.X+w)/2, (s.Y+h)/2)
}

// TestInspectorsDayOnSmallScreens drives the real window on a laptop's
// 1366×768 screen and a netbook's 1024×600, the window fitted to the
// screen as a window manager does: start a visit for a project visited
// last month, see last month's answers, re-check an overdue finding from
// its item with a note, submit and make the visit report. Each step is a
// screenshot in the artefacts folder (day-WxH-N-step.png).
func TestInspectorsDayOnSmallScreens(t *testing.T) {
	for _, size := range []image.Point{{1366, 768}, {1024, 600}} {
		t.Run(fmt.Sprintf("%dx%d", size.X, size.Y), func(t *testing.T) { inspectorsDay(t, size) })
	}
}

func inspectorsDay(t *testing.T, size image.Point) {
	display := xvfbSized(t, size.X, size.Y)
	data := t.TempDir()
	if _, errs, code := run(t, "demo", "--data", data); code != 0 {
		t.Fatal(errs)
	}
	plan := planDay(t, data)
	config := stillConfig(t)
	step := 0
	shot := func(name string) image.Image {
		t.Helper()
		step++
		return screenshot(t, display, filepath.Join(artefactDir(t), fmt.Sprintf("day-%dx%d-%d-%s.png", size.X, size.Y, step, name)))
	}
	fit := func(a *app) {
		// What a window manager does with a window larger than the
		// screen: the window's minimum size must allow it.
		before := frame(t, display)
		xdotool(t, display, "windowsize", "--sync", a.win, fmt.Sprint(size.X), fmt.Sprint(size.Y))
		xdotool(t, display, "windowmove", "--sync", a.win, "0", "0")
		settle(t, display, before)
		geo := xdotool(t, display, "getwindowgeometry", a.win)
		if !strings.Contains(geo, fmt.Sprintf("Geometry: %dx%d", size.X, size.Y)) {
			t.Fatalf("the window does not fit the %dx%d screen: %s", size.X, size.Y, geo)
		}
	}
	a := startApp(t, display, data, config)
	fit(a)
	shot("dashboard")
	a.keys("ctrl+f")
	a.typeText(plan.project.ID)
	a.keys("Return")
	shot("project")
	a.keys("ctrl+n")
	a.typeText("tester")
	a.keys("ctrl+Next")
	shot("last-month")

	// The section whose first item shows the open finding: Ctrl+PageDown
	// puts the cursor in the item's note, and Tab goes on to 查看照片,
	// 添加照片… and the finding's 复查该问题.
	for range plan.page - 1 {
		a.keys("ctrl+Next")
	}
	shot("open-finding")
	a.keys("Tab", "Tab", "Tab", "space")
	shot("finding-detail")
	// Shift+Tab from the end: 关闭, 照片, 修改…, then 添加备注.
	a.keys("shift+Tab", "shift+Tab", "shift+Tab", "shift+Tab", "space")
	a.typeText("e2e recheck: still open")
	img := shot("recheck-note")
	// The lowest blue in the form is its button (the text box above has
	// a blue frame while it has the cursor).
	add, ok := near(img, centred(size, 520, 280), true, blue)
	if !ok {
		t.Fatal("no 添加备注 button in the note form")
	}
	a.click(add.Add(image.Pt(0, -6)))
	shot("rechecked")
	a.keys("Escape")
	a.quit()

	drafts := draftsOf(t, data, plan.project.ID)
	if len(drafts) != 1 {
		t.Fatalf("%d drafts for %s", len(drafts), plan.project.ID)
	}
	id := drafts[0]["id"].(string)
	s, err := storage.Open(data, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Whole records: the list rows (Findings) carry no notes.
	fs, err := s.FindingRecords()
	if err != nil {
		t.Fatal(err)
	}
	noted := slices.ContainsFunc(fs, func(f sv.Finding) bool {
		return f.ProjectID == plan.project.ID && slices.ContainsFunc(f.Notes, func(n sv.Note) bool { return strings.Contains(n.Text, "e2e recheck") })
	})
	fillFromLastVisit(t, s, plan.project.ID, id)
	s.Close()
	if !noted {
		t.Error("no finding of the project has the re-check note")
	}

	// The rest of the checklist is answered (through the store, as last
	// month's answers); back in the window, submit and make the report.
	b := startApp(t, display, data, config)
	fit(b)
	b.keys("ctrl+f")
	b.typeText(plan.project.ID)
	b.keys("Return")
	b.keys("ctrl+n")
	// The visit's top bar, with its blue 提交督查, once it is read.
	var submit image.Point
	for range 40 {
		time.Sleep(500 * time.Millisecond)
		img := grab(t, display)
		if submit, ok = near(img, image.Rect(size.X/2, 40, size.X, 120), false, blue); ok {
			break
		}
	}
	if !ok {
		t.Fatal("no 提交督查 button")
	}
	shot("resumed")
	b.click(submit.Add(image.Pt(0, 6)))
	shot("submit-question")
	b.keys("Return")
	shot("submitted")
	b.keys("Return")
	// The report is written, then shown.
	reportMade(t, data)
	settle(t, display, frame(t, display))
	shot("report")
	b.keys("Escape")
	b.quit()

	pdfs, _ := filepath.Glob(filepath.Join(data, "reports", "*.pdf"))
	if len(pdfs) != 1 {
		t.Fatalf("reports made: %v", pdfs)
	}
	out, err := exec.Command("pdftotext", "-layout", pdfs[0], "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), "")
	if !strings.Contains(text, plan.project.Name) && !strings.Contains(text, plan.project.DisplayName()) {
		t.Errorf("the visit report does not name %s", plan.project.Name)
	}
	for _, d := range draftsOf(t, data, plan.project.ID) {
		t.Errorf("still a draft after submitting: %v", d)
	}
}

// reportMade waits until a PDF is in the data folder's reports and has
// stopped growing: the visit report is written.
func reportMade(t *testing.T, data string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var last int64 = -1
	for time.Now().Before(deadline) {
		pdfs, _ := filepath.Glob(filepath.Join(data, "reports", "*.pdf"))
		if len(pdfs) > 0 {
			fi, err := os.Stat(pdfs[0])
			if err == nil && fi.Size() > 0 && fi.Size() == last {
				return
			}
			if err == nil {
				last = fi.Size()
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatal("no visit report was written within a minute")
}

// fillFromLastVisit answers what the draft still lacks with the answers of
// the project's last submitted visit.
func fillFromLastVisit(t *testing.T, s *storage.Store, projectID, draftID string) {
	t.Helper()
	visits, err := s.Visits(projectID)
	if err != nil {
		t.Fatal(err)
	}
	var last sv.Visit
	for _, v := range visits {
		if v.Status == sv.Submitted {
			if last, err = s.Visit(v.ID); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	draft, err := s.Visit(draftID)
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := s.Template(draft.TemplateID, draft.TemplateVersion)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range draft.Gaps(tmpl) {
		if g.ItemKey == "" {
			continue
		}
		if a, ok := last.Answers[g.ItemKey]; ok {
			if err := s.SaveAnswer(draftID, a); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The sample's visits have no photos: an item that needs one is
	// marked 不适用, which needs none.
	draft, _ = s.Visit(draftID)
	for _, g := range draft.Gaps(tmpl) {
		if g.ItemKey != "" {
			a := draft.Answers[g.ItemKey]
			a.ItemKey, a.Verdict = g.ItemKey, sv.NotApplicable
			if err := s.SaveAnswer(draftID, a); err != nil {
				t.Fatal(err)
			}
		}
	}
	draft, _ = s.Visit(draftID)
	if gaps := draft.Gaps(tmpl); len(gaps) > 0 {
		t.Fatalf("still missing after filling: %+v", gaps)
	}
	if os.Getenv("FIELDBRIEF_E2E_DEBUG") != "" {
		t.Logf("draft %s answers %d", draftID, len(draft.Answers))
	}
}
