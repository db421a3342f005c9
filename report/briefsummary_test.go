package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"fieldbrief/supervision"
)

func TestIssueNumberFollowsThePeriod(t *testing.T) {
	for month, want := range map[time.Month]int{1: 1, 2: 1, 3: 2, 4: 2, 10: 5, 11: 6, 12: 6} {
		if got := IssueNumber(time.Date(2026, month, 15, 0, 0, 0, 0, time.UTC)); got != want {
			t.Errorf("a brief for the period ending in month %d is 第%d期, want 第%d期", month, got, want)
		}
	}
}

// summaryInput has three projects — on schedule, behind, seriously behind —
// and findings whose histories put them in this period or the last: the
// brief for March–April 2025, printed on 6 May.
func summaryInput() BriefInput {
	day := func(s string) time.Time { return at(s + " 10:00") }
	change := func(at time.Time, from, to supervision.Status) supervision.StatusChange {
		return supervision.StatusChange{At: at, From: from, To: to}
	}
	open, closed, withdrawn := supervision.StatusOpen, supervision.StatusClosed, supervision.StatusWithdrawn
	projects := []supervision.Project{
		{ID: "a", Name: "A项目", Light: supervision.LightNormal, Investment: supervision.Investment{AnnualPlan: 10000, Completed: 1000}},
		{ID: "b", Name: "B项目", Light: supervision.LightBehind, Investment: supervision.Investment{AnnualPlan: 20000, Completed: 2000}},
		{ID: "c", Name: "C项目", Light: supervision.LightCritical, Investment: supervision.Investment{AnnualPlan: 30000, Completed: 3000}},
	}
	fs := []supervision.Finding{
		{ID: "f1", ProjectID: "a", ResponsibleUnit: "甲公司", Deadline: "2025-02-28", Status: closed, CreatedAt: day("2025-01-10"),
			History: []supervision.StatusChange{change(day("2025-02-20"), open, closed)}},
		{ID: "f2", ProjectID: "a", ResponsibleUnit: "甲公司", Description: "基坑排水不畅", Deadline: "2025-02-01", Status: open, CreatedAt: day("2025-01-15")},
		{ID: "f3", ProjectID: "b", ResponsibleUnit: "乙单位", Deadline: "2025-04-30", Status: closed, CreatedAt: day("2025-03-05"),
			History: []supervision.StatusChange{change(day("2025-04-10"), open, closed)}},
		{ID: "f4", ProjectID: "b", ResponsibleUnit: "乙单位", Deadline: "2025-06-30", Status: supervision.StatusInProgress, CreatedAt: day("2025-03-20")},
		{ID: "f5", ProjectID: "c", ResponsibleUnit: "甲公司", Deadline: "2025-06-30", Status: withdrawn, CreatedAt: day("2025-04-02"),
			History: []supervision.StatusChange{change(day("2025-04-03"), open, withdrawn)}},
	}
	var pds []ProjectData
	for _, p := range projects {
		pd := ProjectData{Project: p, LastVisit: day("2025-04-28")}
		for _, f := range fs {
			if f.ProjectID == p.ID {
				pd.Findings = append(pd.Findings, f)
			}
		}
		pds = append(pds, pd)
	}
	pds[2].LastVisit = time.Time{}
	return BriefInput{PeriodEnd: day("2025-04-15"), AsOf: day("2025-05-06"), Projects: pds}
}

// The sentences of 总体情况 say what the records say, and the table by
// responsible unit beside them adds up to the same counts.
func TestBriefOverviewSentencesAndUnitTableAgree(t *testing.T) {
	in := summaryInput()
	f := newBriefFigures(in, in.AsOf)
	text := strings.Join(printLangOf(supervision.Chinese).overviewSentences(f), "")
	for _, want := range []string{
		"纳入调度的重点项目3个，按计划推进1个；滞后1个（B项目）；严重滞后1个（C项目）。",
		"年度计划投资6.00亿元，截至2025年4月30日累计完成0.60亿元，完成率10.0%；时序进度32.9%，完成率慢于时序进度22.9个百分点。",
		// f3 and f4 raised, f3 closed; f2 and f4 open, f2 overdue. Last
		// period f1 and f2 raised, f1 closed; f2 open and overdue. f5 was
		// withdrawn and counts nowhere.
		"本期新发现问题2项、销号1项（上期分别为2项、1项）；期末在办问题2项，其中逾期1项（上期末分别为1项、1项）。",
		"问题累计销号率50.0%，较上期持平。",
		"逾期未整改问题1项需协调解决，逾期最久的已94天（A项目，甲公司）。",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("总体情况 lacks %q:\n%s", want, text)
		}
	}
	if n := strings.Count(text, "。"); n < 3 || n > 5 {
		t.Errorf("总体情况 has %d sentences, want 3 to 5", n)
	}

	path, _ := writeReport(t, "summary-brief.pdf", func(b *bytes.Buffer) (Result, error) {
		return Brief(b, testFonts(t), in, Options{Time: in.AsOf})
	})
	page1 := string(ink(pdfText(t, path, "-raw", "-f", "1", "-l", "1")))
	for _, want := range []string{
		// 序号, unit, 在办, 逾期, 本期销号, 销号率: 甲公司 first, with the overdue one.
		"1甲公司11050.0%", "2乙单位10150.0%",
		"合计21150.0%",
		"2025年第2期", "一、总体情况", "二、需协调解决事项", "基坑排水不畅", "逾期94天",
		"三、下步工作", "下次调度会拟于2025年7月上旬召开", "开展2025年第三季度重点项目拉练", "1个项目超过一个月未开展现场督查（C项目）",
	} {
		if !strings.Contains(page1, want) {
			t.Errorf("page 1 lacks %q:\n%s", want, page1)
		}
	}
}

// What the person printing sets reaches the page: 期号, 编发单位, an item of
// 下步工作 and the 版记's lines.
func TestBriefFormIsPrinted(t *testing.T) {
	in := summaryInput()
	in.Form = BriefForm{IssueNo: 9, Issuer: "高新区督查室", NextSteps: "组织第三方质量巡查。\n\n完善问题台账。", To: "区委、区政府", Copy: "区人大", Send: "各街道"}
	path, _ := writeReport(t, "form-brief.pdf", func(b *bytes.Buffer) (Result, error) {
		return Brief(b, testFonts(t), in, Options{Time: in.AsOf})
	})
	text := string(ink(pdfText(t, path)))
	for _, want := range []string{"2025年第9期", "高新区督查室", "（五）组织第三方质量巡查。", "（六）完善问题台账。", "报：区委、区政府", "送：区人大", "发：各街道", "2025年5月6日印发"} {
		if !strings.Contains(text, want) {
			t.Errorf("the brief lacks %q", want)
		}
	}
}
