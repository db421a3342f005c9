package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fieldbrief/supervision"
)

// visitText prints a visit report and returns its text without spaces and
// line breaks (Chinese wraps anywhere).
func visitText(t *testing.T, in VisitInput) string {
	t.Helper()
	var buf bytes.Buffer
	if _, err := Visit(&buf, testFonts(t), in, Options{Time: at("2025-03-12 16:30"), Deterministic: true}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "visit.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(pdfText(t, path)), "")
}

// TestVisitReportIsAsOfItsVisit: a draft's time reads 进行中, an amendment
// names the visit it corrects by its day, a re-checked finding shows the
// deadline it had on the day of the visit and a 最新进展 worded from the
// dates, and a past milestone is flagged.
func TestVisitReportIsAsOfItsVisit(t *testing.T) {
	in := fixtureVisitInput()
	visit := in.Visit.StartedAt
	in.Visit.Status = supervision.Draft
	in.Visit.FinishedAt = time.Time{}
	in.Visit.Replaces = "0195a2b3-0000-7000-8000-000000000001"
	in.Replaced = supervision.Visit{ID: in.Visit.Replaces, StartedAt: visit.AddDate(0, 0, -3), Inspectors: []string{"张伟"}}
	in.Project.Milestones = []supervision.Milestone{{Name: "主体封顶", Planned: supervision.DateOf(visit.AddDate(0, 0, -20))}}
	if len(in.Rechecked) == 0 {
		t.Fatal("the fixture has no re-checked finding")
	}
	f := &in.Rechecked[0]
	f.Status, f.Deadline = supervision.StatusOpen, supervision.DateOf(visit.AddDate(0, 0, -10))
	f.Notes = nil
	before := f.Deadline
	if err := f.Apply(supervision.Move{Deadline: supervision.DateOf(visit.AddDate(0, 0, 5)), By: "张伟", At: visit.AddDate(0, 0, -2), Note: "要求按期整改到位。"}); err != nil {
		t.Fatal(err)
	}
	// A second re-dispatch after the visit: not yet on this report.
	if err := f.Apply(supervision.Move{Deadline: supervision.DateOf(visit.AddDate(0, 0, 30)), By: "张伟", At: visit.AddDate(0, 0, 7)}); err != nil {
		t.Fatal(err)
	}
	text := visitText(t, in)
	for _, want := range []string{
		"进行中",
		"本记录更正" + printLangOf(supervision.Chinese).date(in.Replaced.StartedAt) + "张伟提交的督查记录",
		"再次督办，整改期限由" + printLangOf(supervision.Chinese).day(before) + "延至" + printLangOf(supervision.Chinese).day(supervision.DateOf(visit.AddDate(0, 0, 5))),
		printLangOf(supervision.Chinese).day(supervision.DateOf(visit.AddDate(0, 0, 5))),
		"已超期20天",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the report does not say %q", want)
		}
	}
	for _, not := range []string{"——", in.Visit.Replaces, printLangOf(supervision.Chinese).day(supervision.DateOf(visit.AddDate(0, 0, 30)))} {
		if strings.Contains(text, not) {
			t.Errorf("the report says %q", not)
		}
	}
}
