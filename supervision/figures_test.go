package supervision

import (
	"strings"
	"testing"
	"time"
)

func TestFiguresAsOfLatestObservationWins(t *testing.T) {
	p := Project{ID: "p1", Phase: PhaseConstruct, Investment: Investment{Total: 200000, AnnualPlan: 16000, Completed: 8000, AsOf: "2026-10-31"}}
	obs := RegisterObservations(p, "")
	obs = append(obs,
		Observation{ProjectID: "p1", Figure: FigureCompletedYTD, Value: 11800, AsOf: "2026-11-20", Source: SourceVisit, Ref: "v1"},
		// a later register pull whose data are older than the visit
		Observation{ProjectID: "p1", Figure: FigureCompletedYTD, Value: 9000, AsOf: "2026-11-15", Source: SourceRegister},
		Observation{ProjectID: "p2", Figure: FigureCompletedYTD, Value: 1, AsOf: "2026-11-30", Source: SourceRegister},
	)
	f := FiguresAsOf("p1", obs, "2026-11-30")
	got := f.Get(FigureCompletedYTD)
	if !got.Known || got.Value != 11800 || got.Source != SourceVisit || got.Ref != "v1" {
		t.Fatalf("completed as of 11-30: %+v", got)
	}
	if got.Provenance(Chinese) != "截至11月督查" {
		t.Errorf("provenance %q", got.Provenance(Chinese))
	}
	// As of a date before the visit, the register's figure then.
	before := FiguresAsOf("p1", obs, "2026-11-16").Get(FigureCompletedYTD)
	if before.Value != 9000 || before.Provenance(Chinese) != "截至平台 11月15日数据" {
		t.Errorf("completed as of 11-16: %+v %q", before, before.Provenance(Chinese))
	}
	if FiguresAsOf("p1", obs, "2026-10-01").Get(FigureCompletedYTD).Known {
		t.Error("a figure known before any observation")
	}
	if pct, ok := f.AnnualPercent(); !ok || pct != 73.8 {
		t.Errorf("annual percent %v %v", pct, ok)
	}
	// On the same day a visit beats the register, whatever the order.
	same := []Observation{
		{ProjectID: "p1", Figure: FigureImageProgress, Value: 40, AsOf: "2026-11-20", Source: SourceVisit},
		{ProjectID: "p1", Figure: FigureImageProgress, Value: 35, AsOf: "2026-11-20", Source: SourceRegister},
	}
	if v := FiguresAsOf("p1", same, "2026-11-20").Get(FigureImageProgress).Value; v != 40 {
		t.Errorf("same day: %v", v)
	}
}

func TestVisitObservationsComeFromBoundItemsOfSubmittedVisits(t *testing.T) {
	min := 0.0
	tmpl := Template{ID: "t", Version: 1, Title: "t", Sections: []Section{{Key: "s", Items: []Item{
		{Key: "investment.ytd", Title: "年度累计完成投资", Kind: KindNumber, Unit: "万元", Min: &min, Figure: FigureCompletedYTD},
		{Key: "investment.month", Title: "本月完成投资", Kind: KindNumber, Unit: "万元", Min: &min},
	}}}}
	ytd, month := 129272.0, 8000.0
	in := Visit{ID: "v1", ProjectID: "p1", StartedAt: time.Date(2026, 11, 20, 1, 0, 0, 0, time.UTC),
		Answers: map[string]Answer{"investment.ytd": {Number: &ytd}, "investment.month": {Number: &month}}}
	if obs := VisitObservations(tmpl, in, time.UTC); len(obs) != 0 {
		t.Fatalf("a draft observed %v", obs)
	}
	in.Status = Submitted
	obs := VisitObservations(tmpl, in, time.UTC)
	if len(obs) != 1 || obs[0].Figure != FigureCompletedYTD || obs[0].Value != 129272 || obs[0].AsOf != "2026-11-20" || obs[0].Ref != "v1" {
		t.Fatalf("observations %+v", obs)
	}
}

func TestPercentIsRoundedInOnePlace(t *testing.T) {
	for _, c := range []struct{ part, whole, want float64 }{
		{11800, 15790, 74.7}, {9995, 10000, 99.9}, {10000, 10000, 100}, {12000, 10000, 120},
		{1, 100000, 0.1}, {0, 100, 0}, {5, 0, 0}, {7480, 10000, 74.8},
	} {
		if got := Percent(c.part, c.whole); got != c.want {
			t.Errorf("Percent(%v, %v) = %v, want %v", c.part, c.whole, got, c.want)
		}
	}
	if got := FormatPercent(9995, 10000); got != "99.9%" {
		t.Errorf("FormatPercent = %q", got)
	}
}

func TestMilestonePastIsFlagged(t *testing.T) {
	m := Milestone{Name: "主体封顶", Planned: "2026-09-30"}
	if got := MilestoneStatus(m, "2026-11-30", Chinese); got != "已超期 61 天" {
		t.Errorf("past milestone: %q", got)
	}
	if got := MilestoneStatus(m, "2026-09-30", Chinese); got != "未到期" {
		t.Errorf("on the day: %q", got)
	}
	m.Actual = "2026-10-05"
	if got := MilestoneStatus(m, "2026-11-30", Chinese); got != "已完成" {
		t.Errorf("done: %q", got)
	}
	if got := MilestoneStatus(m, "2026-10-01", Chinese); !strings.HasPrefix(got, "已超期") {
		t.Errorf("done later than the date asked: %q", got)
	}
}

func TestCrossChecksAreTemplateData(t *testing.T) {
	min := 0.0
	tmpl := Template{ID: "t", Version: 1, Title: "t", Sections: []Section{{Key: "s", Items: []Item{
		{Key: "investment.month", Title: "本月完成投资", Kind: KindNumber, Unit: "万元", Min: &min},
		{Key: "investment.ytd", Title: "年度累计完成投资", Kind: KindNumber, Unit: "万元", Min: &min, Figure: FigureCompletedYTD},
	}}}, Checks: []CrossCheck{
		{Item: "investment.ytd", Op: ">=", Other: "investment.month"},
		{Item: "investment.ytd", Op: "<=", Other: string(FigureAnnualPlan), Factor: 1.2, Warning: true},
	}}
	if err := tmpl.Validate(); err != nil {
		t.Fatal(err)
	}
	month, ytd := 8000.0, 129.272 // the 129,272 once read as 129.272
	in := Visit{Inspectors: []string{"张三"}, Answers: map[string]Answer{
		"investment.month": {Number: &month}, "investment.ytd": {Number: &ytd}}}
	gaps := in.Gaps(tmpl)
	if len(gaps) != 1 || gaps[0].ItemKey != "investment.ytd" || !strings.Contains(gaps[0].Zh, "本月完成投资") {
		t.Fatalf("gaps %+v", gaps)
	}
	ytd = 129272
	_, warn := in.CheckFigures(tmpl, map[Figure]float64{FigureAnnualPlan: 16000})
	if len(in.Gaps(tmpl)) != 0 || len(warn) != 1 || !strings.Contains(warn[0].Zh, "年度计划投资") {
		t.Fatalf("gaps %+v, warnings %+v", in.Gaps(tmpl), warn)
	}
	bad := tmpl
	bad.Checks = []CrossCheck{{Item: "investment.ytd", Op: ">", Other: "no.such"}}
	if err := bad.Validate(); err == nil || !strings.Contains(ErrorMessage(err, Chinese), "no.such") {
		t.Errorf("a check naming nothing validated: %v", err)
	}
}

func TestCompletedThisYearStartsAgainInJanuary(t *testing.T) {
	obs := []Observation{
		{ProjectID: "p1", Figure: FigureCompletedYTD, Value: 15000, AsOf: "2026-12-20", Source: SourceVisit},
		{ProjectID: "p1", Figure: FigureAnnualPlan, Value: 16000, Source: SourceRegister},
	}
	if v := FiguresAsOf("p1", obs, "2027-01-10").Get(FigureCompletedYTD); v.Known {
		t.Errorf("last year's completed figure carried into January: %+v", v)
	}
	if v := FiguresAsOf("p1", obs, "2026-01-10").Get(FigureAnnualPlan); !v.Known || v.Value != 16000 {
		t.Errorf("an undated plan is not known on any date: %+v", v)
	}
}

// TestApplyGivesTheImageProgress: a project's 形象进度 comes from a
// visit's answer alone — the register record observes none — and Apply
// puts it on the project with its day and source, as documents and the
// project page print it; without an observation it stays unknown.
func TestApplyGivesTheImageProgress(t *testing.T) {
	p := Project{ID: "p1", Phase: PhaseConstruct, Investment: Investment{Total: 200000, AnnualPlan: 16000, Completed: 8000, AsOf: "2026-10-31"}}
	obs := RegisterObservations(p, "2026-10-31")
	for _, o := range obs {
		if o.Figure == FigureImageProgress {
			t.Fatalf("the register observed 形象进度: %+v", o)
		}
	}
	if got := FiguresAsOf("p1", obs, "2026-11-30").Apply(p).ImageProgress; got != nil {
		t.Fatalf("形象进度 with no visit: %+v", *got)
	}
	obs = append(obs, Observation{ProjectID: "p1", Figure: FigureImageProgress, Value: 62.5, AsOf: "2026-11-20", Source: SourceVisit, Ref: "v1"})
	got := FiguresAsOf("p1", obs, "2026-11-30").Apply(p).ImageProgress
	if got == nil || *got != (ImageProgress{Pct: 62.5, AsOf: "2026-11-20", Source: SourceVisit}) {
		t.Fatalf("形象进度 after the visit: %+v", got)
	}
	if got.Provenance(Chinese) != "截至11月督查" || got.Provenance(English) != "as of the November 2026 visit" {
		t.Errorf("provenance %q / %q", got.Provenance(Chinese), got.Provenance(English))
	}
	if FiguresAsOf("p1", obs, "2026-11-19").Apply(p).ImageProgress != nil {
		t.Error("a document as of the day before the visit has its 形象进度")
	}
}
