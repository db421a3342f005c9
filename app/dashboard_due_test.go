package app

import (
	"strings"
	"testing"

	sv "fieldbrief/supervision"
)

// TestDashboardNamesTheMissedMonth: an overdue project's row names the
// month that went without a visit, not the next due date still ahead.
func TestDashboardNamesTheMissedMonth(t *testing.T) {
	ui, _ := newTestUI(t)
	var next column
	for _, c := range dashboardColumns() {
		if c.key == "dashboard.col.next_due" {
			next = c
		}
	}
	overdue, onTime := 0, 0
	for _, r := range ui.dash.rows {
		text := next.text(ui.dash, r)
		if r.Next.Overdue {
			overdue++
			m := missedMonth(r.Next.Missed, ui.lang)
			if m == "" || !strings.HasPrefix(text, m+"未督查，已逾期") || strings.Contains(text, string(r.Next.Due)) {
				t.Errorf("overdue row %q (missed %s, due %s)", text, r.Next.Missed, r.Next.Due)
			}
		} else if !strings.Contains(text, string(r.Next.Due)) {
			t.Errorf("row %q does not name its due date %s", text, r.Next.Due)
		} else {
			onTime++
		}
	}
	if overdue == 0 || onTime == 0 {
		t.Fatalf("sample data without both kinds of row: %d overdue, %d on time", overdue, onTime)
	}
}

// TestProjectPagePrintsTheFiguresOfToday: the project page shows the
// completed investment from the one source the documents read, rounded by
// the one percentage rounding, with where it came from.
func TestProjectPagePrintsTheFiguresOfToday(t *testing.T) {
	ui, s := newTestUI(t)
	id := ui.dash.rows[2].Project.ID
	ui.openProject(id, true)
	waitFor(t, "the project page", func() bool { return ui.project() != nil && ui.project().data.project.ID == id })
	f, err := s.FiguresAsOf(id, sv.DateOf(testNow))
	if err != nil {
		t.Fatal(err)
	}
	done, plan := f.Get(sv.FigureCompletedYTD), f.Get(sv.FigureAnnualPlan)
	if !done.Known || !plan.Known {
		t.Fatalf("no figures for %s: %+v", id, f.Values)
	}
	want := sv.FormatPercent(done.Value, plan.Value) + "，" + done.Provenance(sv.Chinese)
	if text := screenText(ui); !strings.Contains(text, want) {
		t.Errorf("the project page does not say %q:\n%s", want, text)
	}
}
