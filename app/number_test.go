package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	sv "fieldbrief/supervision"
)

// TestNumberEntryShowsWhatIsSaved types what people type into number items:
// 129,272 is saved as 129272 and shown beside the field as the documents
// print it; a refused value is not saved, not counted as answered, and the
// visit's saved state says a value is not saved.
func TestNumberEntryShowsWhatIsSaved(t *testing.T) {
	ui, s := newTestUI(t)
	v := startVisit(t, ui, ui.dash.rows[3].Project.ID)
	ytd := field(t, v, "investment.ytd")
	// The year's figure is carried from last month's visit: the inspector
	// clears it and types this month's.
	ytd.entry().SetText("")
	test.Type(ytd.entry(), "129,272")
	if !strings.Contains(ytd.msg.Text, "= 129,272 万元") || ytd.msg.Importance == widget.DangerImportance {
		t.Errorf("parsed value beside the field: %q", ytd.msg.Text)
	}
	waitFor(t, "saved state", func() bool { return strings.HasPrefix(v.saved.Text, "已保存") })
	if got := stored(t, s, v.id).Answers["investment.ytd"].Number; got == nil || *got != 129272 {
		t.Fatalf("129,272 stored as %v", got)
	}
	answered, _ := v.in.Progress(v.tmpl)

	pct := field(t, v, "progress.image_pct")
	pct.entry().SetText("60")
	pct.entry().SetText("120%")
	if pct.msg.Importance != widget.DangerImportance || !strings.Contains(pct.msg.Text, "未保存") {
		t.Errorf("120%% message %q", pct.msg.Text)
	}
	waitFor(t, "not-saved state", func() bool { return strings.Contains(v.saved.Text, "未保存") })
	if v.saved.Importance != widget.DangerImportance {
		t.Errorf("saved state %q is not flagged", v.saved.Text)
	}
	a := stored(t, s, v.id).Answers["progress.image_pct"]
	if a.IsAnswered(sv.KindNumber) {
		t.Errorf("120%% left %v stored", *a.Number)
	}
	if now, _ := v.in.Progress(v.tmpl); now != answered {
		t.Errorf("answered %d before, %d with a refused value", answered, now)
	}

	ytd.entry().SetText("1.2亿元")
	if !strings.Contains(ytd.msg.Text, "万元") || ytd.msg.Importance != widget.DangerImportance {
		t.Errorf("another unit: %q", ytd.msg.Text)
	}
	if got := stored(t, s, v.id).Answers["investment.ytd"].Number; got != nil {
		t.Errorf("1.2亿元 stored as %v", *got)
	}
	ytd.entry().SetText("12,000")
	pct.entry().SetText("６０．５")
	waitFor(t, "saved again", func() bool { return strings.HasPrefix(v.saved.Text, "已保存") })
	if got := stored(t, s, v.id).Answers["progress.image_pct"].Number; got == nil || *got != 60.5 {
		t.Errorf("６０．５ stored as %v", got)
	}
}

// TestSubmitListsFigureWarnings: a year's investment far above the plan is
// listed before the confirmation, from the template's checks.
func TestSubmitListsFigureWarnings(t *testing.T) {
	ui, _ := newTestUI(t)
	v := startVisit(t, ui, ui.dash.rows[3].Project.ID)
	plan := v.project.Investment.AnnualPlan
	if plan <= 0 {
		t.Fatalf("project %s has no annual plan", v.project.ID)
	}
	ytd := field(t, v, "investment.ytd")
	ytd.entry().SetText(sv.FormatNumber(plan*2, ""))
	if w := v.submitWarnings(); !strings.Contains(w, "1.5 倍") {
		t.Errorf("twice the plan: warnings %q", w)
	}
	ytd.entry().SetText(sv.FormatNumber(plan/2, ""))
	if w := v.submitWarnings(); w != "" {
		t.Errorf("half the plan: warnings %q", w)
	}
}
