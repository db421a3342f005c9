package app

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fieldbrief/sample"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// TestWaitingCountsAgree: the visit's side panel and the status bar say
// the same number of photos waiting, and the bar's count of changes
// follows the typing without opening another screen.
func TestWaitingCountsAgree(t *testing.T) {
	ui, s, _ := laptopUI(t, sv.Chinese)
	if _, err := sample.Install(s, time.Now()); err != nil {
		t.Fatal(err)
	}
	ui.refresh(false)
	waitFor(t, "the projects", func() bool { return len(ui.dash.rows) == 20 })
	v := startVisit(t, ui, ui.dash.rows[0].Project.ID)
	before := ui.sync.pending.Text
	test.Type(v.inspector, "王五")
	test.Type(field(t, v, "progress.workers").entry(), "12")
	waitFor(t, "the bar to count the typing", func() bool { return ui.sync.pending.Text != before })
	v.attachSitePhotos([]string{filepath.Join(photoSamples, "Canon_40D.jpg")})
	waitFor(t, "the side panel", func() bool { return strings.Contains(v.photoState.Text, "1 张照片等待上传") })
	if !strings.Contains(ui.sync.pending.Text, "1 张照片") {
		t.Errorf("the side panel says %q and the status bar %q", v.photoState.Text, ui.sync.pending.Text)
	}
	// Opening another screen changes nothing: the bar was up to date.
	now := ui.sync.pending.Text
	ui.openFindings(storage.FindingFilter{ActiveOnly: true}, true)
	if ui.sync.pending.Text != now {
		t.Errorf("opening the findings changed the bar from %q to %q", now, ui.sync.pending.Text)
	}
}

func TestAPhotoTakenLongBeforeTheVisitIsFlagged(t *testing.T) {
	ui, s := newTestUI(t)
	v := startVisit(t, ui, ui.dash.rows[0].Project.ID)
	v.attachSitePhotos([]string{filepath.Join(photoSamples, "Canon_40D.jpg")})
	text := overlayText(ui)
	if !strings.Contains(text, "Canon_40D.jpg：拍摄于 2008-") || !strings.Contains(text, "30 天以前") {
		t.Fatalf("a 2008 photo on a 2026 visit was not flagged: %q", text)
	}
	// Flagged, not refused.
	if in := stored(t, s, v.id); len(in.Photos) != 1 {
		t.Errorf("the old photo was not imported: %v", in.Photos)
	}
}

func TestBriefPeriodShowsInFull(t *testing.T) {
	ui, _ := newTestUI(t)
	ui.askBrief()
	var sel *widget.Select
	walk(ui.window.Canvas().Overlays().Top(), func(o fyne.CanvasObject) bool {
		sel, _ = o.(*widget.Select)
		return sel != nil
	})
	if sel == nil {
		t.Fatal("no period choice")
	}
	text := fyne.MeasureText(sel.Selected, theme.TextSize(), fyne.TextStyle{})
	// The text, its padding and the drop-down arrow.
	if need := text.Width + 4*theme.Padding() + theme.IconInlineSize(); sel.Size().Width < need {
		t.Errorf("the period %q needs %v, the box is %v wide", sel.Selected, need, sel.Size().Width)
	}
}

func TestFindingActionsStayInViewBelowALongHistory(t *testing.T) {
	ui, s := newTestUI(t)
	_, open := projectWithOpenFinding(t, ui, s)
	for i := range 12 {
		if _, err := s.AddFindingNote(open.ID, sv.Note{Text: strings.Repeat("仍未整改，已督促施工单位。", 3) + string(rune('0'+i)), By: "王五", At: testNow}); err != nil {
			t.Fatal(err)
		}
	}
	d := showFindingDetail(ui.env, open.ID, "", nil)
	add := findButton(d.actions, "添加备注")
	if add == nil {
		t.Fatal("no actions")
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(add)
	win := ui.window.Canvas().Size()
	if pos.Y <= 0 || pos.Y+add.Size().Height > win.Height {
		t.Errorf("添加备注 is at %v in a window %v high: out of view", pos.Y, win.Height)
	}
}
