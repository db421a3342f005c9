package briefing

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"

	"fieldbrief/internal/pdftext"
	"fieldbrief/report"
	"fieldbrief/sample"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

var cst = time.FixedZone("CST", 8*3600)

func makeDoc(t *testing.T, m *Maker, s *storage.Store, req Request) string {
	t.Helper()
	req.Deterministic = true
	req.Size = report.A4
	var buf bytes.Buffer
	if _, err := m.Make(s, req, &buf); err != nil {
		t.Fatalf("make %s: %v", req.Kind, err)
	}
	return pdftext.Squeezed(t, buf.Bytes())
}

// TestVisitAnswerReachesEveryDocument: the investment an inspector types
// on site (129,272-style, with a thousands separator) is submitted, and the
// project's figure, the visit report and the brief then print it with its
// as-of; a register pull afterwards whose data are older does not
// overwrite it. Its answer to the item bound to 形象进度 is the project's
// 形象进度 in the visit report, the brief and the tour pack, with its as-of.
func TestVisitAnswerReachesEveryDocument(t *testing.T) {
	now := time.Date(2026, 11, 20, 15, 0, 0, 0, cst)
	s, err := storage.Open(t.TempDir(), storage.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := sample.InstallMonths(s, now.AddDate(0, 0, -10), 3); err != nil {
		t.Fatal(err)
	}
	projects, _ := s.Projects()
	p := projects[0]
	visits, _ := s.ProjectVisits(p.ID)
	var last sv.Visit
	for _, v := range visits {
		if v.Status == sv.Submitted {
			last, _ = s.Visit(v.ID)
			break
		}
	}
	if last.ID == "" {
		t.Fatalf("project %s has no submitted visit in the sample", p.ID)
	}
	in, err := s.StartVisit(p.ID, []string{"张三"})
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := s.Template(in.TemplateID, in.TemplateVersion)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range tmpl.Items() {
		a, ok := last.Answers[it.Key]
		if it.PhotoRequired && it.Kind == sv.KindPassFail {
			// The sample's photos are not in this store; 不适用 needs none.
			a, ok = sv.Answer{ItemKey: it.Key, Verdict: sv.NotApplicable}, true
		}
		if ok {
			if err := s.SaveAnswer(in.ID, a); err != nil {
				t.Fatalf("answer %s: %v", it.Key, err)
			}
		}
	}
	typed := "123,456 万元"
	ytd, err := sv.ParseNumber(typed, "万元")
	if err != nil || ytd != 123456 {
		t.Fatalf("%s read as %v, %v", typed, ytd, err)
	}
	month := 8000.0
	if err := s.SaveAnswer(in.ID, sv.Answer{ItemKey: "investment.month", Number: &month}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAnswer(in.ID, sv.Answer{ItemKey: "investment.ytd", Number: &ytd}); err != nil {
		t.Fatal(err)
	}
	progress, err := sv.ParseNumber("62.5", "%")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAnswer(in.ID, sv.Answer{ItemKey: "progress.image_pct", Number: &progress}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SubmitVisit(in.ID); err != nil {
		t.Fatalf("submit: %v", err)
	}

	f, err := s.FiguresAsOf(p.ID, sv.DateOf(now))
	got := f.Get(sv.FigureCompletedYTD)
	if err != nil || got.Value != 123456 || got.Source != sv.SourceVisit || got.AsOf != "2026-11-20" {
		t.Fatalf("project figure after submission: %+v %v", got, err)
	}
	if pr := f.Get(sv.FigureImageProgress); pr.Value != 62.5 || pr.Source != sv.SourceVisit || pr.AsOf != "2026-11-20" {
		t.Fatalf("形象进度 after submission: %+v", pr)
	}

	m, err := NewMaker()
	if err != nil {
		t.Fatal(err)
	}
	const printed = "12.35亿元"
	const asOf = "截至11月督查"
	visit := makeDoc(t, m, s, Request{Kind: Visit, VisitID: in.ID, Time: now})
	if !strings.Contains(visit, printed) || !strings.Contains(visit, asOf) {
		t.Errorf("the visit report does not print %s %s:\n%s", printed, asOf, excerpt(visit, "年度累计完成"))
	}
	brief := makeDoc(t, m, s, Request{Kind: Brief, PeriodEnd: now, Time: now})
	if !strings.Contains(brief, printed) || !strings.Contains(brief, asOf) {
		t.Errorf("the brief does not print %s %s:\n%s", printed, asOf, excerpt(brief, p.Name))
	}
	// The answer to the item the template binds to 形象进度 is the
	// project's figure in each document, with its as-of, in the facts
	// table beside the investment.
	const progressPrinted = "62.5%截至11月督查"
	tour := makeDoc(t, m, s, Request{Kind: Tour, Year: 2026, Quarter: 4, Time: now})
	for name, text := range map[string]string{"visit report": visit, "brief": brief, "tour pack": tour} {
		if miss := printsFacts(text, p, f); len(miss) > 0 || !pdftext.PrintsInOrder(text, "形象进度", progressPrinted) {
			t.Errorf("the %s does not print 形象进度 %s (missing: %v):\n%s", name, progressPrinted, miss, excerpt(text, "形象进度"))
		}
	}

	// The portal's register, pulled now, carries data as of 31 October.
	p.Investment = sv.Investment{Total: p.Investment.Total, AnnualPlan: p.Investment.AnnualPlan, Completed: 4321, AsOf: "2026-10-31"}
	if err := s.ImportRegister([]sv.Project{p}, nil, true); err != nil {
		t.Fatal(err)
	}
	brief = makeDoc(t, m, s, Request{Kind: Brief, PeriodEnd: now, Time: now})
	if !strings.Contains(brief, printed) || strings.Contains(brief, "0.43亿元") {
		t.Errorf("an older register figure overwrote the visit's:\n%s", excerpt(brief, p.Name))
	}
	// A brief as of a date before the visit (--as-of) prints the figure of
	// that date.
	f15, _ := s.FiguresAsOf(p.ID, "2026-11-15")
	asOfBrief := makeDoc(t, m, s, Request{Kind: Brief, PeriodEnd: now, Time: now, AsOf: time.Date(2026, 11, 15, 0, 0, 0, 0, cst)})
	if strings.Contains(asOfBrief, printed) || !strings.Contains(asOfBrief, printedFigure(f15)) {
		t.Errorf("a brief as of 15 November does not print %s", printedFigure(f15))
	}
	// A visit report of the earlier visit is as of that visit: it prints
	// the figures then, not the answer given after it.
	earlier := makeDoc(t, m, s, Request{Kind: Visit, VisitID: last.ID, Time: now})
	if strings.Contains(earlier, printed) {
		t.Errorf("the report of the %s visit prints a figure observed later", last.StartedAt.Format(time.DateOnly))
	}
}

// excerpt is the text around the first occurrence of key, for a failure
// message.
func excerpt(text, key string) string {
	i := strings.Index(text, key)
	if i < 0 {
		return "(" + key + " not found)"
	}
	return text[i:min(len(text), i+600)]
}

// printedFigure is how the documents print a project's completed
// investment with its share of the plan and its provenance.
func printedFigure(f sv.Figures) string {
	done, plan := f.Get(sv.FigureCompletedYTD), f.Get(sv.FigureAnnualPlan)
	pct := 0.0
	if plan.Value > 0 {
		pct = sv.Percent(done.Value/plan.Value, 1)
	}
	return fmt.Sprintf("%.2f亿元（%.1f%%）%s", done.Value/10000, pct, strings.Join(strings.Fields(done.Provenance(sv.Chinese)), ""))
}

// printedProgress is how the documents print a project's 形象进度: its
// percentage and where it came from, or 未填写 when no visit observed it.
func printedProgress(f sv.Figures) string {
	v := f.Get(sv.FigureImageProgress)
	if !v.Known {
		return "未填写"
	}
	return sv.FormatPercent(v.Value, 100) + strings.Join(strings.Fields(v.Provenance(sv.Chinese)), "")
}

// printsFigure reports whether text prints want: its amount, then its
// share and as-of right after it (pdftext.PrintsInOrder).
func printsFigure(text, want string) bool {
	cut := strings.Index(want, "亿元") + len("亿元")
	return pdftext.PrintsInOrder(text, want[:cut], want[cut:])
}

// TestFiguresAgreeAcrossDocuments generates stores from random seeds and
// dates and checks, on the text of the PDFs, that the brief and the tour
// pack print every project's figures as FiguresAsOf gives them on their
// date, and a visit report as of its visit: the total investment, the
// annual plan, the completed investment with its share and as-of, the
// phase, the 形象进度 with its as-of, and the next milestone with 已超期 N 天 counted to the document's
// date when it is past (see printsFacts).
func TestFiguresAgreeAcrossDocuments(t *testing.T) {
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 13))
	m, err := NewMaker()
	if err != nil {
		t.Fatal(err)
	}
	for round := range 2 {
		seed := rng.Int64N(1 << 40)
		now := time.Date(2026, time.Month(7+rng.IntN(6)), 1+rng.IntN(28), 16, 0, 0, 0, cst)
		months := 2 + rng.IntN(4)
		t.Logf("round %d: seed %d, now %s, %d months", round, seed, now, months)
		s, err := storage.Open(t.TempDir(), storage.Options{Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := sample.InstallGenerated(s, sample.Options{Now: now, Months: months, Seed: seed}); err != nil {
			t.Fatal(err)
		}
		projects, err := s.Projects()
		if err != nil {
			t.Fatal(err)
		}
		brief := makeDoc(t, m, s, Request{Kind: Brief, PeriodEnd: now, Time: now})
		q := (int(now.Month())-1)/3 + 1
		tour := makeDoc(t, m, s, Request{Kind: Tour, Year: now.Year(), Quarter: q, Time: now})
		visitSeen := 0
		for _, p := range projects {
			f, err := s.FiguresAsOf(p.ID, sv.DateOf(now))
			if err != nil {
				t.Fatal(err)
			}
			want := printedFigure(f)
			if !printsFigure(brief, want) {
				t.Errorf("seed %d: the brief does not print %s for %s", seed, want, p.ID)
			}
			if !printsFigure(tour, want) {
				t.Errorf("seed %d: the tour pack does not print %s for %s", seed, want, p.ID)
			}
			for doc, text := range map[string]string{"brief": brief, "tour pack": tour} {
				for _, miss := range printsFacts(text, p, f) {
					t.Errorf("seed %d: the %s, as of %s, does not print %s for %s", seed, doc, f.AsOf, miss, p.ID)
				}
			}
			// One visit report in four projects, as of its visit.
			if visitSeen >= 5 || rng.IntN(4) != 0 {
				continue
			}
			visits, _ := s.ProjectVisits(p.ID)
			if len(visits) == 0 {
				continue
			}
			v := visits[rng.IntN(len(visits))]
			fv, _ := s.FiguresAsOf(p.ID, sv.DateOf(v.StartedAt.In(now.Location())))
			text := makeDoc(t, m, s, Request{Kind: Visit, VisitID: v.ID, Time: now})
			if w := printedFigure(fv); !printsFigure(text, w) {
				t.Errorf("seed %d: the report of visit %s (%s) does not print %s", seed, v.ID, v.StartedAt.Format(time.DateOnly), w)
			}
			for _, miss := range printsFacts(text, p, fv) {
				t.Errorf("seed %d: the report of visit %s (%s) does not print %s", seed, v.ID, v.StartedAt.Format(time.DateOnly), miss)
			}
			visitSeen++
		}
	}
}

// pageFooterRE matches the parts of a page's footer as pdftotext reads
// them: the digest with the generation time, and the page number.
var pageFooterRE = regexp.MustCompile(`(记录|数据)校验码[0-9a-f]{16}(·生成于\d{4}年\d{1,2}月\d{1,2}日\d{2}:\d{2})?|第\d+页/共\d+页`)

// printsFacts checks, in a document's text, the facts table of project p
// (found by its 项目编号) against the figures f it is printed as of, and
// returns what it does not print: the total investment, the annual plan,
// the phase and the 形象进度 with its as-of as f gives them (a figure not observed keeps the
// register's value, as Figures.Apply has it), and the next milestone not
// reached by f's date, with 已超期 N 天 counted to that date when its day
// has passed. p is the project as the register holds it.
func printsFacts(text string, p sv.Project, f sv.Figures) []string {
	// A table that runs over a page break is read with the footer in
	// between, the page number after the cell at the bottom.
	text = pageFooterRE.ReplaceAllString(text, "")
	// The name's cell may wrap, and pdftotext then reads the rest of the
	// name between the number's label and the number.
	at := -1
	for from := 0; at < 0; {
		i := strings.Index(text[from:], "项目编号")
		if i < 0 {
			return []string{"its facts table (项目编号 " + p.ID + ")"}
		}
		from += i + len("项目编号")
		j := strings.Index(text[from:min(len(text), from+len(p.Name)+len(p.ID)+8)], p.ID)
		// p1 is not the start of p15.
		if end := from + j + len(p.ID); j >= 0 && (end == len(text) || text[end] < '0' || text[end] > '9') {
			at = from + j
		}
	}
	// The facts table is what follows the project's number, before the
	// next heading; a wrapped cell may put the next label in between.
	section := text[at:min(len(text), at+3000)]
	q := f.Apply(p)
	var missing []string
	expect := func(label, value string) {
		if !pdftext.PrintsCell(section, label, value) {
			missing = append(missing, label+" "+value)
		}
	}
	expect("总投资", fmt.Sprintf("%.2f亿元", q.Investment.Total/10000))
	expect("年度计划投资", fmt.Sprintf("%.2f亿元", q.Investment.AnnualPlan/10000))
	expect("项目阶段", q.Phase.Label(sv.Chinese))
	expect("形象进度", printedProgress(f))
	for _, m := range p.Milestones {
		if done, _ := sv.MilestoneDue(m, f.AsOf); done {
			continue
		}
		planned, _ := m.Planned.Time(time.UTC)
		value := fmt.Sprintf("%s·%d年%d月%d日", m.Name, planned.Year(), int(planned.Month()), planned.Day())
		if _, late := sv.MilestoneDue(m, f.AsOf); late > 0 {
			value += fmt.Sprintf("（已超期%d天）", late)
		}
		expect("下一节点", strings.Join(strings.Fields(value), ""))
		break
	}
	return missing
}
