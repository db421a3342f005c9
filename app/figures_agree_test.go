package app

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"fieldbrief/briefing"
	"fieldbrief/internal/pdftext"
	"fieldbrief/report"
	"fieldbrief/sample"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// completedRE reads the window's 年度累计完成 line: the amount in 万元, the
// share of the annual plan, and where the figure comes from.
var completedRE = regexp.MustCompile(`^([0-9,]+) 万元（完成年度计划的 ([0-9.]+%)，(.+)）$`)

// TestProjectPageAgreesWithTheDocuments generates stores from random seeds
// and dates and checks that the completed investment the window's project
// page shows — amount, share of the annual plan, provenance — is what the
// brief and the tour pack made the same day print for the project, read
// from the PDFs with pdftotext; and so are its total investment, annual
// plan, phase, 形象进度 with its as-of, and next milestone (with 已超期 N
// 天 when past), which are also what FiguresAsOf gives for the day
// (checkPageFacts).
func TestProjectPageAgreesWithTheDocuments(t *testing.T) {
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 13))
	cst := time.FixedZone("CST", 8*3600)
	maker, err := briefing.NewMaker()
	if err != nil {
		t.Fatal(err)
	}
	for round := range 2 {
		seed := rng.Int64N(1 << 40)
		now := time.Date(2026, time.Month(7+rng.IntN(6)), 1+rng.IntN(28), 16, 0, 0, 0, cst)
		t.Logf("round %d: seed %d, now %s", round, seed, now)
		s, err := storage.Open(t.TempDir(), storage.Options{Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := sample.InstallGenerated(s, sample.Options{Now: now, Months: 2 + rng.IntN(3), Seed: seed}); err != nil {
			t.Fatal(err)
		}
		projects, err := s.Projects()
		if err != nil {
			t.Fatal(err)
		}
		doc := func(req briefing.Request) string {
			req.Time, req.Deterministic, req.Size = now, true, report.A4
			var buf bytes.Buffer
			if _, err := maker.Make(s, req, &buf); err != nil {
				t.Fatalf("make %s: %v", req.Kind, err)
			}
			return pdftext.Squeezed(t, buf.Bytes())
		}
		brief := doc(briefing.Request{Kind: briefing.Brief, PeriodEnd: now})
		tour := doc(briefing.Request{Kind: briefing.Tour, Year: now.Year(), Quarter: (int(now.Month())-1)/3 + 1})

		ui, err := newMainUI(windowApp(t), Config{Data: s, Lang: sv.Chinese, Now: func() time.Time { return now }, Background: inPlace, Printer: &recordingPrinter{}})
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range rng.Perm(len(projects))[:4] {
			p := projects[i]
			ui.openProject(p.ID, false)
			var line string
			for _, it := range ui.project().facts.Items {
				if it.Text == t0("project.completed") {
					line = it.Widget.(*widget.Label).Text
				}
			}
			m := completedRE.FindStringSubmatch(line)
			if m == nil {
				t.Fatalf("seed %d, %s: the project page's completed line reads %q", seed, p.ID, line)
			}
			wan, err := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", ""), 64)
			if err != nil {
				t.Fatal(err)
			}
			value := strconv.FormatFloat(wan/10000, 'f', 2, 64) + "亿元"
			rest := "（" + m[2] + "）" + strings.Join(strings.Fields(m[3]), "")
			if !pdftext.PrintsInOrder(brief, value, rest) {
				t.Errorf("seed %d: the window shows %s for %s; the brief does not print %s%s", seed, line, p.ID, value, rest)
			}
			if !pdftext.PrintsInOrder(tour, value, rest) {
				t.Errorf("seed %d: the window shows %s for %s; the tour pack does not print %s%s", seed, line, p.ID, value, rest)
			}
			f, err := s.FiguresAsOf(p.ID, sv.DateOf(now))
			if err != nil {
				t.Fatal(err)
			}
			checkPageFacts(t, ui, p, f, now, map[string]string{"brief": brief, "tour pack": tour})
		}
	}
}

// progressShown is the project page's 形象进度 line for the figures f,
// written out here rather than by the page's own code: the percentage as
// supervision.Percent rounds it and its provenance in brackets, or 未填写.
func progressShown(f sv.Figures) string {
	v := f.Get(sv.FigureImageProgress)
	if !v.Known {
		return "未填写"
	}
	return sv.FormatPercent(v.Value, 100) + "（" + v.Provenance(sv.Chinese) + "）"
}

// progressPrinted is the same figure as the documents print it, spaces
// squeezed out as pdftotext's text is.
func progressPrinted(f sv.Figures) string {
	v := f.Get(sv.FigureImageProgress)
	if !v.Known {
		return "未填写"
	}
	return sv.FormatPercent(v.Value, 100) + strings.Join(strings.Fields(v.Provenance(sv.Chinese)), "")
}

// pageFooterRE matches the parts of a page's footer as pdftotext reads
// them, which fall inside a table that runs over a page break.
var pageFooterRE = regexp.MustCompile(`(记录|数据)校验码[0-9a-f]{16}(·生成于\d{4}年\d{1,2}月\d{1,2}日\d{2}:\d{2})?|第\d+页/共\d+页`)

// factsOf is the text of project p's facts table in a document: what
// follows its 项目编号 (the name's cell may wrap between the label and the
// number), or "" when the document prints none.
func factsOf(text string, p sv.Project) string {
	text = pageFooterRE.ReplaceAllString(text, "")
	for from := 0; ; {
		i := strings.Index(text[from:], "项目编号")
		if i < 0 {
			return ""
		}
		from += i + len("项目编号")
		j := strings.Index(text[from:min(len(text), from+len(p.Name)+len(p.ID)+8)], p.ID)
		if end := from + j + len(p.ID); j >= 0 && (end == len(text) || text[end] < '0' || text[end] > '9') {
			return text[end:min(len(text), end+3000)]
		}
	}
}

// checkPageFacts compares the project page's total investment, annual
// plan, phase, 形象进度 (with its as-of) and milestones with the figures of the day f and with what
// each document prints in its facts table for the project.
func checkPageFacts(tt *testing.T, ui *mainUI, p sv.Project, f sv.Figures, now time.Time, docs map[string]string) {
	tt.Helper()
	shown := map[string]string{}
	for _, it := range ui.project().facts.Items {
		shown[it.Text] = it.Widget.(*widget.Label).Text
	}
	q := f.Apply(p)
	yi := func(wan float64) string { return strconv.FormatFloat(wan/10000, 'f', 2, 64) + "亿元" }
	facts := []struct{ page, printed, want, doc string }{
		{t0("project.total"), "总投资", t("project.wan", formatWan(q.Investment.Total)), yi(q.Investment.Total)},
		{t0("project.annual_plan"), "年度计划投资", t("project.wan", formatWan(q.Investment.AnnualPlan)), yi(q.Investment.AnnualPlan)},
		{t0("project.phase"), "项目阶段", q.Phase.Label(sv.Chinese), q.Phase.Label(sv.Chinese)},
		{t0("project.image_progress"), "形象进度", progressShown(f), progressPrinted(f)},
	}
	for _, fc := range facts {
		if shown[fc.page] != fc.want {
			tt.Errorf("%s: the project page's %s reads %q; the figure of %s is %q", p.ID, fc.page, shown[fc.page], f.AsOf, fc.want)
		}
	}
	// The milestone the documents print as the next: the first not
	// reached by the day, which the page lists as planned or late.
	var next, nextLine string
	for _, m := range p.Milestones {
		if done, _ := sv.MilestoneDue(m, f.AsOf); done {
			continue
		}
		planned, _ := m.Planned.Time(time.UTC)
		next = fmt.Sprintf("%s·%d年%d月%d日", m.Name, planned.Year(), int(planned.Month()), planned.Day())
		nextLine = t("project.milestone_planned", m.Name, string(m.Planned))
		if _, late := sv.MilestoneDue(m, f.AsOf); late > 0 {
			next += fmt.Sprintf("（已超期%d天）", late)
			// The page words a past milestone as the documents do.
			nextLine = fmt.Sprintf("%s：计划 %s，已超期 %d 天", m.Name, m.Planned, late)
		}
		next = strings.Join(strings.Fields(next), "")
		break
	}
	if nextLine != "" && !strings.Contains(screenText(ui), nextLine) {
		tt.Errorf("%s: the project page does not list the next milestone as %q:\n%s", p.ID, nextLine, screenText(ui))
	}
	for name, text := range docs {
		section := factsOf(text, p)
		if section == "" {
			tt.Errorf("%s: the %s prints no facts table for the project", p.ID, name)
			continue
		}
		for _, fc := range facts {
			if !pdftext.PrintsInOrder(section, fc.printed, fc.doc) {
				tt.Errorf("%s: the page shows %s %s; the %s does not print %s %s", p.ID, fc.page, shown[fc.page], name, fc.printed, fc.doc)
			}
		}
		if next != "" && !pdftext.PrintsInOrder(section, "下一节点", next) {
			tt.Errorf("%s: the page lists %s; the %s does not print 下一节点 %s", p.ID, nextLine, name, next)
		}
	}
}
